#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# Mail::DMARC (libmail-dmarc-perl) as an independent DMARC judge for
# tests/integration/test_dmarc.py. Asks one name server only: 127.0.0.1 on PORT.
#
#   mail_dmarc_judge.pl PORT < lines
#
# Reads "from_domain envelope_domain spf_result" lines on stdin: a message with that
# RFC5322.From domain, whose SPF check of the envelope domain gave spf_result, and no DKIM
# signature. Prints one line per input line:
#   from_domain p sp pct aspf result disposition
# the published policy as Mail::DMARC discovered it ("-" for what is not there; p "-" when
# it found no usable policy), its DMARC result and its disposition.
use strict;
use warnings;

use Mail::DMARC::PurePerl;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use LoopbackResolver qw(loopback_resolver);

my $port = shift @ARGV;
die "usage: $0 PORT < 'from envelope spf_result' lines\n" unless defined $port && $port =~ /^\d+$/;

my $resolver = loopback_resolver($port);

sub shown { my $v = shift; return defined $v && $v ne '' ? lc $v : '-'; }

$| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    next if $line =~ /^\s*(#|$)/;
    my ($from, $envelope, $spf) = split ' ', $line;
    my $dmarc = Mail::DMARC::PurePerl->new;
    $dmarc->set_resolver($resolver);
    $dmarc->header_from($from);
    $dmarc->spf(domain => $envelope, scope => 'mfrom', result => $spf);
    $dmarc->dkim([]);
    my $result = $dmarc->validate;
    my $policy = eval { $result->published };
    my @published = $policy
        ? (shown($policy->p), shown($policy->sp), shown($policy->pct), shown($policy->aspf))
        : ('-', '-', '-', '-');
    print join(' ', $from, @published, shown($result->result), shown($result->disposition)), "\n";
}
