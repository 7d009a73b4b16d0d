#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# Mail::SPF (libmail-spf-perl, the reference of the openspf test suite) as an independent SPF
# judge for tests/integration/test_scale.py. Asks one name server only: 127.0.0.1 on PORT.
#
#   mail_spf_judge.pl PORT < lines
#
# Reads "ip sender helo" lines on stdin; prints one line per input line:
#   ip result dns_lookups void_lookups explanation...
# where the counts are Mail::SPF's own (RFC 7208 §4.6.4: DNS-interactive terms, void
# lookups), taken from the request's state after the evaluation.
use strict;
use warnings;

use Mail::SPF;
use Net::DNS::Resolver;

my $port = shift @ARGV;
die "usage: $0 PORT < 'ip sender helo' lines\n" unless defined $port && $port =~ /^\d+$/;

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
# Guard: nothing (environment, resolv.conf) may add another name server.
my @servers = $resolver->nameservers;
die "resolver would ask @servers, not 127.0.0.1 only\n"
    unless @servers == 1 && $servers[0] eq '127.0.0.1';

my $server = Mail::SPF::Server->new(dns_resolver => $resolver);

$| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    next if $line =~ /^\s*(#|$)/;
    my ($ip, $sender, $helo) = split ' ', $line;
    my $request = Mail::SPF::Request->new(
        scope         => 'mfrom',
        identity      => $sender,
        ip_address    => $ip,
        helo_identity => $helo,
    );
    my $result = $server->process($request);
    my $lookups = $request->state('dns_interactive_terms_count') // 0;
    my $void = $request->state('void_dns_lookups_count') // 0;
    my $why = $result->local_explanation // '';
    $why =~ s/\s+/ /g;
    print join(' ', $ip, $result->code, $lookups, $void, $why), "\n";
}
