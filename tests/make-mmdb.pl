#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the small MaxMind DB files of the --geoip tests (Debian's libmaxmind-db-writer-perl).
#
#   make-mmdb.pl DIR    writes DIR/country.mmdb (GeoLite2-Country layout) and
#                       DIR/asn.mmdb (GeoLite2-ASN layout)
#
# Deterministic, made-up data over the public IPv4 space by first octet, so
# that any generated log has addresses in many countries and networks, and
# some without an answer: country.mmdb leaves out every first octet divisible
# by 5 (first half) and by 7 (second half); asn.mmdb leaves out the /10s
# where (octet + quarter) % 6 == 0.  One AS organisation has a comma, a quote
# and a leading '=' (CSV injection), one has non-ASCII letters.  IPv6:
# 2400::/6 JP, 2600::/7 US, 2a00::/7 DE; AS64510 for 2600::/12.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $dir = shift or die "usage: make-mmdb.pl DIR\n";

my %types = (
    country                        => 'map',
    registered_country             => 'map',
    names                          => 'map',
    iso_code                       => 'utf8_string',
    en                             => 'utf8_string',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

sub tree {
    my ($type) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version            => 6,
        record_size           => 24,
        database_type         => $type,
        languages             => ['en'],
        description           => { en => "vpc2ipfix test data ($type), made up" },
        map_key_type_callback => sub { $types{ $_[0] } },
        alias_ipv6_to_ipv4    => 1,
        remove_reserved_networks => 0,
    );
}

sub write_tree {
    my ($tree, $path) = @_;
    open my $fh, '>:raw', $path or die "$path: $!\n";
    $tree->write_tree($fh);
    close $fh or die "$path: $!\n";
}

my @countries = (
    [ 'US', 'United States' ], [ 'DE', 'Germany' ],   [ 'NL', 'Netherlands' ],
    [ 'CN', 'China' ],         [ 'RU', 'Russia' ],    [ 'BR', 'Brazil' ],
    [ 'IN', 'India' ],         [ 'FR', 'France' ],    [ 'JP', 'Japan' ],
    [ 'GB', 'United Kingdom' ], [ 'SG', 'Singapore' ],
);

sub country {
    my ($i) = @_;
    my ($code, $name) = @{ $countries[ $i % @countries ] };
    return { country => { iso_code => $code, names => { en => $name } } };
}

# Special-purpose first octets (0, 10, 127, 224 and up) are left out.
my @octets = grep { $_ != 10 && $_ != 127 } 1 .. 223;

my $c = tree('VPC-Test-Country');
for my $o (@octets) {
    $c->insert_network("$o.0.0.0/9", country($o)) unless $o % 5 == 0;
    $c->insert_network("$o.128.0.0/9", country($o + 3)) unless $o % 7 == 0;
}
$c->insert_network('2400::/6', { country => { iso_code => 'JP', names => { en => 'Japan' } } });
$c->insert_network('2600::/7',
    { country => { iso_code => 'US', names => { en => 'United States' } } });
$c->insert_network('2a00::/7', { country => { iso_code => 'DE', names => { en => 'Germany' } } });
write_tree($c, "$dir/country.mmdb");

sub org {
    my ($asn) = @_;
    return '=HYPERLINK("x"), Example "Net"' if $asn == 64500;
    return "R\x{e9}seau \x{dc}nicode" if $asn == 64501;
    return "Test Network $asn";
}

my $a = tree('VPC-Test-ASN');
for my $o (@octets) {
    for my $q (0 .. 3) {
        next if ($o + $q) % 6 == 0;
        my $asn = 64496 + ($o * 4 + $q) % 40;
        my $second = $q * 64;
        $a->insert_network("$o.$second.0.0/10",
            { autonomous_system_number => $asn, autonomous_system_organization => org($asn) });
    }
}
$a->insert_network('2600::/12',
    { autonomous_system_number => 64510, autonomous_system_organization => org(64510) });
write_tree($a, "$dir/asn.mmdb");
