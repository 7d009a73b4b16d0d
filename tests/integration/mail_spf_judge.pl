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
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use LoopbackResolver qw(loopback_resolver);

my $port = shift @ARGV;
die "usage: $0 PORT < 'ip sender helo' lines\n" unless defined $port && $port =~ /^\d+$/;

my $resolver = loopback_resolver($port);

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
