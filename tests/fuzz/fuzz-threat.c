/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the threat interval table against a plain list of its ranges. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "report/threat.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  VpcAddr first, last;
  guint feed;
  VpcSeverity severity;
} Range;

#define RANGE_BYTES 9 /* feed/severity/family, then 4 + 4 bytes of addresses */
#define MAX_RANGES 64

static int
addr_cmp (const VpcAddr *a, const VpcAddr *b)
{
  return memcmp (a->bytes, b->bytes, 16);
}

/* What the table must say: the ranges holding addr, unless it is special. */
static gboolean
expected (const Range *ranges, guint n, const VpcAddr *addr, VpcThreatMatch *match)
{
  *match = (VpcThreatMatch) { 0 };
  if (vpc_addr_is_special (addr))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (ranges[i].first.family == addr->family && addr_cmp (&ranges[i].first, addr) <= 0
        && addr_cmp (addr, &ranges[i].last) <= 0)
      {
        match->feeds |= G_GUINT64_CONSTANT (1) << ranges[i].feed;
        match->severity = MAX (match->severity, ranges[i].severity);
      }
  return match->feeds != 0;
}

static void
check (const VpcThreatDb *db, const Range *ranges, guint n, const VpcAddr *addr)
{
  VpcThreatMatch want, got;
  gboolean listed = expected (ranges, n, addr, &want);
  g_assert_cmpint (vpc_threat_db_lookup (db, addr, &got), ==, listed);
  if (listed)
    {
      g_assert_cmpuint (got.feeds, ==, want.feeds);
      g_assert_cmpint (got.severity, ==, want.severity);
    }
}

/* addr +- 1 within its family (saturating). */
static VpcAddr
addr_step (VpcAddr addr, int step)
{
  int n = addr.family == 4 ? 4 : 16;
  for (int i = n - 1; i >= 0; i--)
    {
      guint8 before = addr.bytes[i];
      addr.bytes[i] = (guint8) (before + step);
      if ((step > 0 && before != 0xff) || (step < 0 && before != 0))
        return addr;
    }
  VpcAddr same = addr;
  memset (same.bytes, step > 0 ? 0xff : 0, (gsize) n); /* saturated */
  return same;
}

/* The input: ranges of RANGE_BYTES.  Byte 0: feed (bits 0-5), severity
 * (bits 6-7); the family is IPv6 when the feed bit 0 and byte 1 bit 0 are
 * set, the addresses then being byte 1..8 spread over prefixes that
 * collide often (2001:db8:: is documentation: special). */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Range ranges[MAX_RANGES];
  guint n = 0;
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  for (gsize at = 0; at + RANGE_BYTES <= size && n < MAX_RANGES; at += RANGE_BYTES)
    {
      const uint8_t *r = data + at;
      Range *range = &ranges[n];
      range->feed = r[0] & 0x3f;
      range->severity = (VpcSeverity) (r[0] >> 6);
      guint8 family = (r[0] & 1) && (r[1] & 1) ? 6 : 4;
      range->first = (VpcAddr) { .family = family };
      range->last = (VpcAddr) { .family = family };
      if (family == 4)
        {
          memcpy (range->first.bytes, r + 1, 4);
          memcpy (range->last.bytes, r + 5, 4);
        }
      else
        {
          /* 2a00:<byte>::<4 bytes> style: a few prefixes, many overlaps. */
          range->first.bytes[0] = range->last.bytes[0] = 0x2a;
          range->first.bytes[1] = range->last.bytes[1] = r[1] & 0x0e;
          memcpy (range->first.bytes + 12, r + 2, 3);
          memcpy (range->last.bytes + 12, r + 5, 4);
          range->first.bytes[15] = r[8] ^ 0x55;
        }
      if (addr_cmp (&range->first, &range->last) > 0)
        {
          VpcAddr swap = range->first;
          range->first = range->last;
          range->last = swap;
        }
      (void) vpc_threat_db_add_range (db, range->feed, range->severity, &range->first,
                                      &range->last);
      n++;
    }
  vpc_threat_db_build (db);
  for (guint i = 0; i < n; i++)
    {
      const VpcAddr *ends[] = { &ranges[i].first, &ranges[i].last };
      for (guint e = 0; e < 2; e++)
        {
          check (db, ranges, n, ends[e]);
          VpcAddr before = addr_step (*ends[e], -1), after = addr_step (*ends[e], +1);
          check (db, ranges, n, &before);
          check (db, ranges, n, &after);
        }
    }
  return 0;
}
