/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for threat.c: overlapping feeds, interval edges, IPv6, special ranges, severities; a lookup benchmark (-m perf). */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "report/threat.h"

static VpcAddr
addr (const char *text)
{
  VpcAddr a = { 0 };
  if (strchr (text, ':') != NULL)
    {
      a.family = 6;
      g_assert_cmpint (inet_pton (AF_INET6, text, a.bytes), ==, 1);
    }
  else
    {
      a.family = 4;
      g_assert_cmpint (inet_pton (AF_INET, text, a.bytes), ==, 1);
    }
  return a;
}

static guint
add (VpcThreatDb *db, guint feed, VpcSeverity severity, const char *first, const char *last)
{
  VpcAddr a = addr (first), b = addr (last);
  return vpc_threat_db_add_range (db, feed, severity, &a, &b);
}

/* The feed mask of text's match, 0 if not listed; *severity when listed. */
static guint64
lookup (const VpcThreatDb *db, const char *text, VpcSeverity *severity)
{
  VpcAddr a = addr (text);
  VpcThreatMatch match = { G_MAXUINT64, 99 };
  if (!vpc_threat_db_lookup (db, &a, &match))
    return 0;
  g_assert_cmpuint (match.feeds, !=, 0);
  if (severity != NULL)
    *severity = match.severity;
  return match.feeds;
}

static void
test_severity_names (void)
{
  VpcSeverity s;
  g_assert_cmpstr (vpc_severity_name (VPC_SEVERITY_INFO), ==, "info");
  g_assert_cmpstr (vpc_severity_name (VPC_SEVERITY_HIGH), ==, "high");
  g_assert_true (vpc_severity_parse ("Medium", &s));
  g_assert_cmpint (s, ==, VPC_SEVERITY_MEDIUM);
  g_assert_true (vpc_severity_parse ("low", &s));
  g_assert_cmpint (s, ==, VPC_SEVERITY_LOW);
  g_assert_false (vpc_severity_parse ("critical", &s));
  g_assert_false (vpc_severity_parse ("", &s));
}

static void
test_empty (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  vpc_threat_db_build (db);
  g_assert_cmpuint (vpc_threat_db_get_interval_count (db), ==, 0);
  g_assert_cmpuint (lookup (db, "8.8.8.8", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "2600::1", NULL), ==, 0);
}

/* A single address and a block: the edges are in, one past them is out. */
static void
test_edges (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "45.1.2.3", "45.1.2.3"), ==, 1);
  g_assert_cmpuint (add (db, 1, VPC_SEVERITY_LOW, "81.0.0.0", "81.0.0.255"), ==, 1);
  /* 0.x and 255.x are special: an address just above 0/8 and the top of unicast. */
  g_assert_cmpuint (add (db, 2, VPC_SEVERITY_LOW, "1.0.0.0", "1.0.0.0"), ==, 1);
  g_assert_cmpuint (add (db, 2, VPC_SEVERITY_LOW, "223.255.255.255", "223.255.255.255"), ==, 1);
  vpc_threat_db_build (db);
  g_assert_cmpuint (vpc_threat_db_get_interval_count (db), ==, 4);

  VpcSeverity s = VPC_SEVERITY_INFO;
  g_assert_cmpuint (lookup (db, "45.1.2.3", &s), ==, 1);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "45.1.2.2", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "45.1.2.4", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "81.0.0.0", &s), ==, 2);
  g_assert_cmpint (s, ==, VPC_SEVERITY_LOW);
  g_assert_cmpuint (lookup (db, "81.0.0.255", NULL), ==, 2);
  g_assert_cmpuint (lookup (db, "80.255.255.255", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "81.0.1.0", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "1.0.0.0", NULL), ==, 4);
  g_assert_cmpuint (lookup (db, "1.0.0.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "0.255.255.255", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "223.255.255.255", NULL), ==, 4);
  g_assert_cmpuint (lookup (db, "223.255.255.254", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "255.255.255.255", NULL), ==, 0);
  /* An IPv6 address with the same leading bytes is not an IPv4 match. */
  g_assert_cmpuint (lookup (db, "2d01:203::", NULL), ==, 0);
}

/* Three feeds overlapping: each piece carries the union of the feeds
 * covering it and the highest of their severities. */
static void
test_overlaps (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  /* feed 0: 20.0.0.0/16 low; feed 1: 20.0.128.0/17 high (inside, to the end);
   * feed 2: 20.0.100.0 - 20.1.0.10 medium (across the end of feed 0);
   * feed 0 again: 20.0.0.5 alone (inside its own block: no change). */
  add (db, 0, VPC_SEVERITY_LOW, "20.0.0.0", "20.0.255.255");
  add (db, 1, VPC_SEVERITY_HIGH, "20.0.128.0", "20.0.255.255");
  add (db, 2, VPC_SEVERITY_MEDIUM, "20.0.100.0", "20.1.0.10");
  add (db, 0, VPC_SEVERITY_LOW, "20.0.0.5", "20.0.0.5");
  /* feed 63 (the last bit) on an address feed 2 also covers. */
  add (db, 63, VPC_SEVERITY_INFO, "20.1.0.0", "20.1.0.0");
  vpc_threat_db_build (db);

  VpcSeverity s;
  g_assert_cmpuint (lookup (db, "19.255.255.255", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "20.0.0.0", &s), ==, 0x1);
  g_assert_cmpint (s, ==, VPC_SEVERITY_LOW);
  g_assert_cmpuint (lookup (db, "20.0.0.5", NULL), ==, 0x1);
  g_assert_cmpuint (lookup (db, "20.0.99.255", NULL), ==, 0x1);
  g_assert_cmpuint (lookup (db, "20.0.100.0", &s), ==, 0x5);
  g_assert_cmpint (s, ==, VPC_SEVERITY_MEDIUM);
  g_assert_cmpuint (lookup (db, "20.0.127.255", NULL), ==, 0x5);
  g_assert_cmpuint (lookup (db, "20.0.128.0", &s), ==, 0x7);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "20.0.255.255", &s), ==, 0x7);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "20.1.0.0", &s), ==, 0x4 | (G_GUINT64_CONSTANT (1) << 63));
  g_assert_cmpint (s, ==, VPC_SEVERITY_MEDIUM);
  g_assert_cmpuint (lookup (db, "20.1.0.1", &s), ==, 0x4);
  g_assert_cmpuint (lookup (db, "20.1.0.10", NULL), ==, 0x4);
  g_assert_cmpuint (lookup (db, "20.1.0.11", NULL), ==, 0);
  /* [0, 100) {0}; [100, 128) {0,2}; [128, 256) {0,1,2}; 20.1.0.0 {2,63}; 20.1.0.1-10 {2}:
   * the single address of feed 0 inside its own block adds no interval. */
  g_assert_cmpuint (vpc_threat_db_get_interval_count (db), ==, 5);
}

/* Adjacent and duplicate ranges of one feed merge into one interval. */
static void
test_merge (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  add (db, 3, VPC_SEVERITY_MEDIUM, "60.0.0.0", "60.0.0.127");
  add (db, 3, VPC_SEVERITY_MEDIUM, "60.0.0.128", "60.0.0.255");
  add (db, 3, VPC_SEVERITY_MEDIUM, "60.0.0.0", "60.0.0.255");
  add (db, 3, VPC_SEVERITY_MEDIUM, "60.0.0.7", "60.0.0.7");
  add (db, 3, VPC_SEVERITY_MEDIUM, "2a00::", "2a00::ffff");
  add (db, 3, VPC_SEVERITY_MEDIUM, "2a00::1:0", "2a00::1:ffff");
  vpc_threat_db_build (db);
  g_assert_cmpuint (vpc_threat_db_get_interval_count (db), ==, 2);
  g_assert_cmpuint (lookup (db, "60.0.0.200", NULL), ==, 0x8);
  g_assert_cmpuint (lookup (db, "2a00::1:1", NULL), ==, 0x8);
  g_assert_cmpuint (lookup (db, "2a00::2:0", NULL), ==, 0);
}

static void
test_ipv6 (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  /* A /32 block, a /64 overlapping it from another feed, an address at a
   * 64-bit word boundary, and a block whose end crosses a word boundary. */
  add (db, 0, VPC_SEVERITY_HIGH, "2a0e:1c80::", "2a0e:1c80:ffff:ffff:ffff:ffff:ffff:ffff");
  add (db, 1, VPC_SEVERITY_LOW, "2a0e:1c80:1:2::", "2a0e:1c80:1:2:ffff:ffff:ffff:ffff");
  add (db, 2, VPC_SEVERITY_MEDIUM, "2600:1f18::ffff:ffff:ffff:ffff", "2600:1f18:0:1::");
  vpc_threat_db_build (db);

  VpcSeverity s;
  g_assert_cmpuint (lookup (db, "2a0e:1c80::", &s), ==, 1);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "2a0e:1c7f:ffff:ffff:ffff:ffff:ffff:ffff", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "2a0e:1c81::", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "2a0e:1c80:1:2::abcd", &s), ==, 3);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "2a0e:1c80:1:1:ffff:ffff:ffff:ffff", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2a0e:1c80:1:3::", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2600:1f18::ffff:ffff:ffff:fffe", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "2600:1f18::ffff:ffff:ffff:ffff", NULL), ==, 4);
  g_assert_cmpuint (lookup (db, "2600:1f18:0:1::", NULL), ==, 4);
  g_assert_cmpuint (lookup (db, "2600:1f18:0:1::1", NULL), ==, 0);
  /* An IPv4 address never matches an IPv6 entry. */
  g_assert_cmpuint (lookup (db, "42.14.28.128", NULL), ==, 0);
}

static void
test_is_special (void)
{
  const char *special[] = {
    "0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "169.254.169.254",
    "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.88.99.1", "192.168.1.1",
    "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1",
    "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:8.8.8.8",
    "64:ff9b::808:808", "100::1", "2001::1", "2001:db8::1", "2002:c000:204::1", "3fff::1",
    "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
  };
  const char *public[] = {
    "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
    "126.255.255.255", "128.0.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.0",
    "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255",
    "2600::1", "2a00:1450::1", "2001:200::1", "2003::1", "2001:db9::1", "fbff::1",
  };
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      VpcAddr a = addr (special[i]);
      if (!vpc_addr_is_special (&a))
        g_error ("%s should be special", special[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (public); i++)
    {
      VpcAddr a = addr (public[i]);
      if (vpc_addr_is_special (&a))
        g_error ("%s should not be special", public[i]);
    }
}

/* Special space is cut out of the ranges added: FireHOL level 1 lists
 * 10.0.0.0/8 and 192.168.0.0/16, and a wide range spanning private space
 * keeps only its public parts. */
static void
test_special_ranges_skipped (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "10.0.0.0", "10.255.255.255"), ==, 0);
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "192.168.0.0", "192.168.255.255"), ==, 0);
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "127.0.0.1", "127.0.0.1"), ==, 0);
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "224.0.0.0", "255.255.255.255"), ==, 0);
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "fd00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ==, 0);
  g_assert_cmpuint (add (db, 0, VPC_SEVERITY_HIGH, "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ==, 0);
  /* 9.0.0.0 - 11.255.255.255: 9/8 and 11/8 stay, 10/8 goes. */
  g_assert_cmpuint (add (db, 1, VPC_SEVERITY_LOW, "9.0.0.0", "11.255.255.255"), ==, 2);
  /* 0.0.0.0/0 (seen in bad lists): everything public, nothing special. */
  g_assert_cmpuint (add (db, 2, VPC_SEVERITY_INFO, "0.0.0.0", "255.255.255.255"), >, 5);
  /* ::/0 likewise. */
  g_assert_cmpuint (add (db, 2, VPC_SEVERITY_INFO, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), >, 5);
  vpc_threat_db_build (db);

  g_assert_cmpuint (lookup (db, "10.1.2.3", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "192.168.1.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "127.0.0.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "239.1.1.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "255.255.255.255", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "fd00::1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "ff02::1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "::1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "9.255.255.255", NULL), ==, 0x6);
  g_assert_cmpuint (lookup (db, "11.0.0.0", NULL), ==, 0x6);
  g_assert_cmpuint (lookup (db, "8.8.8.8", NULL), ==, 0x4);
  g_assert_cmpuint (lookup (db, "223.255.255.255", NULL), ==, 0x4);
  g_assert_cmpuint (lookup (db, "2600::1", NULL), ==, 0x4);
  g_assert_cmpuint (lookup (db, "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL), ==, 0x4);
  g_assert_cmpuint (lookup (db, "fe00::", NULL), ==, 0x4);
  /* Every special address of the registries stays unlisted. */
  const char *special[] = { "100.64.0.0", "169.254.0.1", "172.20.0.1", "192.0.2.55", "198.18.5.5",
                            "2001:db8::", "2002::1", "fe80::1", "64:ff9b::1", "::ffff:1.2.3.4" };
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    if (lookup (db, special[i], NULL) != 0)
      g_error ("%s is special but listed", special[i]);
}

/* Compare the table with a brute-force scan over many random ranges. */
static void
test_random_against_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  enum { N = 2000, Q = 20000 };
  static guint32 first[N], last[N];
  static guint8 feed[N], sev[N];
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  /* Everything inside 45.0.0.0/16 (public): dense overlaps. */
  for (guint i = 0; i < N; i++)
    {
      guint32 a = 0x2d000000u | g_rand_int_range (rand, 0, 65536);
      guint32 len = g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, 300);
      first[i] = a;
      last[i] = MIN (a + len, 0x2d00ffffu);
      feed[i] = (guint8) g_rand_int_range (rand, 0, 64);
      sev[i] = (guint8) g_rand_int_range (rand, 0, 4);
      VpcAddr fa = { .family = 4 }, la = { .family = 4 };
      guint32 be = htonl (first[i]);
      memcpy (fa.bytes, &be, 4);
      be = htonl (last[i]);
      memcpy (la.bytes, &be, 4);
      g_assert_cmpuint (vpc_threat_db_add_range (db, feed[i], sev[i], &fa, &la), ==, 1);
    }
  vpc_threat_db_build (db);
  for (guint q = 0; q < Q; q++)
    {
      guint32 v = 0x2d000000u | g_rand_int_range (rand, 0, 65536);
      guint64 mask = 0;
      int best = -1;
      for (guint i = 0; i < N; i++)
        if (v >= first[i] && v <= last[i])
          {
            mask |= G_GUINT64_CONSTANT (1) << feed[i];
            best = MAX (best, sev[i]);
          }
      VpcAddr a = { .family = 4 };
      guint32 be = htonl (v);
      memcpy (a.bytes, &be, 4);
      VpcThreatMatch m = { 0 };
      gboolean hit = vpc_threat_db_lookup (db, &a, &m);
      g_assert_cmpint (hit, ==, mask != 0);
      if (hit)
        {
          g_assert_cmpuint (m.feeds, ==, mask);
          g_assert_cmpint (m.severity, ==, best);
        }
    }
  g_rand_free (rand);
}

/* 100,000 feed entries (addresses and blocks, IPv4 and IPv6 mixed) and
 * 1,000,000 lookups of addresses about a quarter of which are listed. */
static void
test_bench (void)
{
  enum { ENTRIES = 100000, LOOKUPS = 1000000 };
  GRand *rand = g_rand_new_with_seed (42);
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  GArray *listed = g_array_new (FALSE, FALSE, sizeof (VpcAddr));
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < ENTRIES; i++)
    {
      VpcAddr a = { .family = i % 10 == 0 ? 6 : 4 };
      for (guint b = 0; b < 16; b++)
        a.bytes[b] = (guint8) g_rand_int (rand);
      if (a.family == 6)
        a.bytes[0] = 0x2a;
      VpcAddr z = a;
      if (i % 4 == 0 && a.family == 4) /* a /24 */
        {
          a.bytes[3] = 0;
          z.bytes[3] = 255;
        }
      guint feed = i % 10;
      if (vpc_threat_db_add_range (db, feed, (VpcSeverity) (feed % 4), &a, &z) > 0)
        g_array_append_val (listed, a);
    }
  vpc_threat_db_build (db);
  gint64 t1 = g_get_monotonic_time ();

  VpcAddr *queries = g_new (VpcAddr, LOOKUPS);
  for (guint i = 0; i < LOOKUPS; i++)
    {
      if (i % 4 == 0)
        queries[i] = g_array_index (listed, VpcAddr, g_rand_int_range (rand, 0, (gint32) listed->len));
      else
        {
          queries[i].family = i % 10 == 1 ? 6 : 4;
          for (guint b = 0; b < 16; b++)
            queries[i].bytes[b] = (guint8) g_rand_int (rand);
        }
    }
  guint hits = 0;
  gint64 t2 = g_get_monotonic_time ();
  for (guint i = 0; i < LOOKUPS; i++)
    {
      VpcThreatMatch m;
      hits += vpc_threat_db_lookup (db, &queries[i], &m);
    }
  gint64 t3 = g_get_monotonic_time ();
  g_assert_cmpuint (hits, >=, LOOKUPS / 4);
  double secs = (double) (t3 - t2) / 1e6;
  g_test_message ("%u entries -> %" G_GSIZE_FORMAT " intervals, built in %.3f s", ENTRIES,
                  vpc_threat_db_get_interval_count (db), (double) (t1 - t0) / 1e6);
  g_test_message ("%u lookups (%u hits) in %.3f s: %.1f million lookups/s", LOOKUPS, hits, secs,
                  LOOKUPS / secs / 1e6);
  g_test_minimized_result (LOOKUPS / secs, "lookups/s");
  /* Millions per second, with a wide margin for a loaded or sanitized build. */
  g_assert_cmpfloat (LOOKUPS / secs, >, 250000.0);
  g_free (queries);
  g_array_unref (listed);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/threat/severity-names", test_severity_names);
  g_test_add_func ("/threat/empty", test_empty);
  g_test_add_func ("/threat/edges", test_edges);
  g_test_add_func ("/threat/overlaps", test_overlaps);
  g_test_add_func ("/threat/merge", test_merge);
  g_test_add_func ("/threat/ipv6", test_ipv6);
  g_test_add_func ("/threat/is-special", test_is_special);
  g_test_add_func ("/threat/special-ranges-skipped", test_special_ranges_skipped);
  g_test_add_func ("/threat/random-against-brute-force", test_random_against_brute_force);
  g_test_add_func ("/threat/bench-100k-entries-1m-lookups", test_bench);
  return g_test_run ();
}
