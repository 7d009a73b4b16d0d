# SPDX-License-Identifier: MIT
# The Net::DNS resolver of the perl judges (mail_spf_judge.pl, mail_dmarc_judge.pl): it asks
# 127.0.0.1 on the given port and nothing else, whatever the environment or resolv.conf say.
package LoopbackResolver;

use strict;
use warnings;

use Exporter 'import';
use Net::DNS::Resolver;

our @EXPORT_OK = ('loopback_resolver');

sub loopback_resolver {
    my ($port) = @_;
    my $resolver = Net::DNS::Resolver->new(
        nameservers => ['127.0.0.1'],
        port        => $port,
        retry       => 1,
        retrans     => 1,
        udp_timeout => 3,
        tcp_timeout => 3,
        defnames    => 0,
        dnsrch      => 0,
    );
    # Guard: nothing may add another name server.
    my @servers = $resolver->nameservers;
    die "resolver would ask @servers, not 127.0.0.1 only\n"
        unless @servers == 1 && $servers[0] eq '127.0.0.1';
    return $resolver;
}

1;
