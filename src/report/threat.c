/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Threat lists as sorted disjoint intervals per address family, looked up by binary search. */
#include "config.h"

#include "threat.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* IPv6 addresses as one 128-bit integer (GCC and Clang on 64-bit targets). */
__extension__ typedef unsigned __int128 VpcU128;

static const char *const severity_names[] = { "info", "low", "medium", "high" };

const char *
vpc_severity_name (VpcSeverity severity)
{
  return (guint) severity < G_N_ELEMENTS (severity_names) ? severity_names[severity] : "?";
}

gboolean
vpc_severity_parse (const char *text, VpcSeverity *severity)
{
  for (guint i = 0; i < G_N_ELEMENTS (severity_names); i++)
    if (g_ascii_strcasecmp (text, severity_names[i]) == 0)
      {
        *severity = (VpcSeverity) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- special-purpose address space ------------------------------------- */

typedef struct {
  const char *prefix;
  guint bits;
} SpecialBlock;

/* IANA IPv4 Special-Purpose Address Registry, plus multicast (224/4,
 * RFC 5771) and the reserved 240/4 (which covers 255.255.255.255). */
static const SpecialBlock special_v4[] = {
  { "0.0.0.0", 8 },        /* "this network" */
  { "10.0.0.0", 8 },       /* private */
  { "100.64.0.0", 10 },    /* shared address space (CGNAT) */
  { "127.0.0.0", 8 },      /* loopback */
  { "169.254.0.0", 16 },   /* link-local */
  { "172.16.0.0", 12 },    /* private */
  { "192.0.0.0", 24 },     /* IETF protocol assignments */
  { "192.0.2.0", 24 },     /* documentation (TEST-NET-1) */
  { "192.31.196.0", 24 },  /* AS112-v4 */
  { "192.52.193.0", 24 },  /* AMT */
  { "192.88.99.0", 24 },   /* deprecated 6to4 relay anycast */
  { "192.168.0.0", 16 },   /* private */
  { "192.175.48.0", 24 },  /* AS112 direct delegation */
  { "198.18.0.0", 15 },    /* benchmarking */
  { "198.51.100.0", 24 },  /* documentation (TEST-NET-2) */
  { "203.0.113.0", 24 },   /* documentation (TEST-NET-3) */
  { "224.0.0.0", 4 },      /* multicast */
  { "240.0.0.0", 4 },      /* reserved, limited broadcast */
};

/* IANA IPv6 Special-Purpose Address Registry, plus multicast. */
static const SpecialBlock special_v6[] = {
  { "::", 128 },             /* unspecified */
  { "::1", 128 },            /* loopback */
  { "::ffff:0:0", 96 },      /* IPv4-mapped */
  { "64:ff9b::", 96 },       /* IPv4/IPv6 translation */
  { "64:ff9b:1::", 48 },     /* local-use IPv4/IPv6 translation */
  { "100::", 64 },           /* discard-only */
  { "2001::", 23 },          /* IETF protocol assignments (Teredo, ORCHID, ...) */
  { "2001:db8::", 32 },      /* documentation */
  { "2002::", 16 },          /* 6to4 */
  { "2620:4f:8000::", 48 },  /* AS112-v6 direct delegation */
  { "3fff::", 20 },          /* documentation */
  { "5f00::", 16 },          /* segment routing SIDs */
  { "fc00::", 7 },           /* unique local */
  { "fe80::", 10 },          /* link-local unicast */
  { "ff00::", 8 },           /* multicast */
};

/* A range of one family as 128-bit integers (IPv4 in the low 32 bits). */
typedef struct {
  VpcU128 first, last;
} Range;

/* A range as added: feed and severity with it. */
typedef struct {
  VpcU128 first, last;
  guint8 feed, severity;
} RawRange;

/* What an interval carries. */
typedef struct {
  guint64 feeds;
  guint8 severity;
} Payload;

#define U128_MAX (~(VpcU128) 0)

/* The special blocks as sorted, merged ranges, built once. */
typedef struct {
  Range v4[G_N_ELEMENTS (special_v4)];
  guint n4;
  Range v6[G_N_ELEMENTS (special_v6)];
  guint n6;
  /* IPv4 by first byte: 0 no special block in that /8 (most public
   * addresses answer here), 1 all of it special, 2 look at the ranges. */
  guint8 v4_octet[256];
} SpecialSpace;

static SpecialSpace special;

static VpcU128
addr_to_u128 (const VpcAddr *addr)
{
  if (addr->family == 4)
    return ((guint32) addr->bytes[0] << 24) | ((guint32) addr->bytes[1] << 16)
           | ((guint32) addr->bytes[2] << 8) | addr->bytes[3];
  VpcU128 v = 0;
  for (guint i = 0; i < 16; i++)
    v = (v << 8) | addr->bytes[i];
  return v;
}

static int
cmp_range (const void *a, const void *b)
{
  const Range *x = a, *y = b;
  return x->first < y->first ? -1 : x->first > y->first;
}

/* Sort and merge n ranges in place; returns the count left. */
static guint
merge_ranges (Range *r, guint n)
{
  qsort (r, n, sizeof *r, cmp_range);
  guint out = 0;
  for (guint i = 0; i < n; i++)
    {
      if (out > 0 && (r[out - 1].last == U128_MAX || r[i].first <= r[out - 1].last + 1))
        {
          if (r[i].last > r[out - 1].last)
            r[out - 1].last = r[i].last;
          continue;
        }
      r[out++] = r[i];
    }
  return out;
}

static guint
special_fill (const SpecialBlock *blocks, guint n, int af, Range *out)
{
  guint width = af == AF_INET ? 32 : 128;
  for (guint i = 0; i < n; i++)
    {
      VpcAddr addr = { .family = af == AF_INET ? 4 : 6 };
      int ok = inet_pton (af, blocks[i].prefix, addr.bytes);
      g_assert (ok == 1);
      VpcU128 first = addr_to_u128 (&addr);
      guint host = width - blocks[i].bits;
      VpcU128 host_mask = host == 0 ? 0 : host >= 128 ? U128_MAX : (((VpcU128) 1 << host) - 1);
      out[i].first = first & ~host_mask;
      out[i].last = first | host_mask;
    }
  return merge_ranges (out, n);
}

static const SpecialSpace *
special_get (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      special.n4 = special_fill (special_v4, G_N_ELEMENTS (special_v4), AF_INET, special.v4);
      special.n6 = special_fill (special_v6, G_N_ELEMENTS (special_v6), AF_INET6, special.v6);
      for (guint o = 0; o < 256; o++)
        {
          VpcU128 lo = (VpcU128) o << 24, hi = lo | 0xffffff;
          guint8 kind = 0;
          for (guint i = 0; i < special.n4; i++)
            if (special.v4[i].first <= lo && special.v4[i].last >= hi)
              kind = 1;
            else if (kind == 0 && special.v4[i].first <= hi && special.v4[i].last >= lo)
              kind = 2;
          special.v4_octet[o] = kind;
        }
      g_once_init_leave (&once, 1);
    }
  return &special;
}

gboolean
vpc_addr_is_special (const VpcAddr *addr)
{
  const SpecialSpace *sp = special_get ();
  if (addr->family == 4 && sp->v4_octet[addr->bytes[0]] != 2)
    return sp->v4_octet[addr->bytes[0]] == 1;
  const Range *r = addr->family == 4 ? sp->v4 : sp->v6;
  guint n = addr->family == 4 ? sp->n4 : sp->n6;
  VpcU128 v = addr_to_u128 (addr);
  for (guint i = 0; i < n; i++)
    if (v >= r[i].first && v <= r[i].last)
      return TRUE;
  return FALSE;
}

/* ---- the table ------------------------------------------------------------ */

/* One family's intervals after build: starts (the array searched), ends
 * and payloads in parallel.  IPv4 starts are 32-bit for a denser search. */
typedef struct {
  GArray *raw; /* RawRange, until build */
  gsize n;
  guint32 *start32;
  VpcU128 *start128;
  VpcU128 *end;
  Payload *payload;
} Family;

struct VpcThreatDb {
  Family v4, v6;
  gboolean built;
  guint64 max_ranges;
};

void
vpc_threat_db_set_max_ranges (VpcThreatDb *db, guint64 max)
{
  db->max_ranges = max;
}

gboolean
vpc_threat_db_is_full (const VpcThreatDb *db)
{
  return db->max_ranges > 0 && !db->built
         && (guint64) db->v4.raw->len + db->v6.raw->len >= db->max_ranges;
}

VpcThreatDb *
vpc_threat_db_new (void)
{
  VpcThreatDb *db = g_new0 (VpcThreatDb, 1);
  db->v4.raw = g_array_new (FALSE, FALSE, sizeof (RawRange));
  db->v6.raw = g_array_new (FALSE, FALSE, sizeof (RawRange));
  return db;
}

static void
family_clear (Family *f)
{
  if (f->raw != NULL)
    g_array_unref (f->raw);
  g_free (f->start32);
  g_free (f->start128);
  g_free (f->end);
  g_free (f->payload);
}

void
vpc_threat_db_free (VpcThreatDb *db)
{
  if (db == NULL)
    return;
  family_clear (&db->v4);
  family_clear (&db->v6);
  g_free (db);
}

guint
vpc_threat_db_add_range (VpcThreatDb *db, guint feed, VpcSeverity severity,
                         const VpcAddr *first, const VpcAddr *last)
{
  g_return_val_if_fail (!db->built, 0);
  g_return_val_if_fail (feed < VPC_THREAT_MAX_FEEDS, 0);
  g_return_val_if_fail (severity <= VPC_SEVERITY_HIGH, 0);
  g_return_val_if_fail (first->family == last->family, 0);
  g_return_val_if_fail (first->family == 4 || first->family == 6, 0);

  VpcU128 a = addr_to_u128 (first), b = addr_to_u128 (last);
  g_return_val_if_fail (a <= b, 0);
  const SpecialSpace *sp = special_get ();
  const Range *sr = first->family == 4 ? sp->v4 : sp->v6;
  guint ns = first->family == 4 ? sp->n4 : sp->n6;
  GArray *raw = first->family == 4 ? db->v4.raw : db->v6.raw;

  /* a..b minus the (sorted, disjoint) special ranges. */
  guint kept = 0;
  VpcU128 cur = a;
  for (guint i = 0; i < ns; i++)
    {
      if (sr[i].last < cur)
        continue;
      if (sr[i].first > b)
        break;
      if (sr[i].first > cur)
        {
          RawRange piece = { cur, sr[i].first - 1, (guint8) feed, (guint8) severity };
          g_array_append_val (raw, piece);
          kept++;
        }
      if (sr[i].last >= b)
        return kept;
      cur = sr[i].last + 1;
    }
  RawRange piece = { cur, b, (guint8) feed, (guint8) severity };
  g_array_append_val (raw, piece);
  return kept + 1;
}

/* A range starts (+1) or ends (-1, at last + 1) for one feed. */
typedef struct {
  VpcU128 pos;
  gint8 delta;
  guint8 feed, severity;
} Event;

static int
cmp_event (const void *a, const void *b)
{
  const Event *x = a, *y = b;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sweep the raw ranges into disjoint intervals, each with the union of
 * the feeds covering it and their highest severity; adjacent intervals
 * with the same payload are merged. */
static void
family_build (Family *f, gboolean v4)
{
  guint nraw = f->raw->len;
  const RawRange *raw = (const RawRange *) (void *) f->raw->data;
  g_autofree Event *ev = g_new (Event, 2 * (gsize) nraw + 1);
  gsize nev = 0;
  for (guint i = 0; i < nraw; i++)
    {
      /* last + 1 cannot overflow: the top of both spaces is special. */
      g_assert (raw[i].last != U128_MAX);
      ev[nev++] = (Event) { raw[i].first, +1, raw[i].feed, raw[i].severity };
      ev[nev++] = (Event) { raw[i].last + 1, -1, raw[i].feed, raw[i].severity };
    }
  g_array_unref (f->raw);
  f->raw = NULL;
  qsort (ev, nev, sizeof *ev, cmp_event);

  /* At most one interval per distinct event position. */
  gsize cap = nev > 0 ? nev : 1;
  VpcU128 *start = g_new (VpcU128, cap);
  f->end = g_new (VpcU128, cap);
  f->payload = g_new (Payload, cap);
  guint32 count[VPC_THREAT_MAX_FEEDS] = { 0 };
  guint32 sev_count[VPC_SEVERITY_HIGH + 1] = { 0 };
  guint64 mask = 0;
  gsize n = 0;
  for (gsize i = 0; i < nev;)
    {
      VpcU128 pos = ev[i].pos;
      for (; i < nev && ev[i].pos == pos; i++)
        {
          Event *e = &ev[i];
          if (e->delta > 0)
            {
              if (count[e->feed]++ == 0)
                mask |= G_GUINT64_CONSTANT (1) << e->feed;
              sev_count[e->severity]++;
            }
          else
            {
              if (--count[e->feed] == 0)
                mask &= ~(G_GUINT64_CONSTANT (1) << e->feed);
              sev_count[e->severity]--;
            }
        }
      if (mask == 0)
        continue;
      g_assert (i < nev); /* every start has its end */
      Payload p = { mask, VPC_SEVERITY_INFO };
      for (int s = VPC_SEVERITY_HIGH; s >= 0; s--)
        if (sev_count[s] > 0)
          {
            p.severity = (guint8) s;
            break;
          }
      VpcU128 last = ev[i].pos - 1;
      if (n > 0 && f->end[n - 1] + 1 == pos && f->payload[n - 1].feeds == p.feeds
          && f->payload[n - 1].severity == p.severity)
        {
          f->end[n - 1] = last;
          continue;
        }
      start[n] = pos;
      f->end[n] = last;
      f->payload[n] = p;
      n++;
    }
  f->n = n;
  if (v4)
    {
      f->start32 = g_new (guint32, n > 0 ? n : 1);
      for (gsize i = 0; i < n; i++)
        f->start32[i] = (guint32) start[i];
      g_free (start);
    }
  else
    f->start128 = start;
}

void
vpc_threat_db_build (VpcThreatDb *db)
{
  g_return_if_fail (!db->built);
  family_build (&db->v4, TRUE);
  family_build (&db->v6, FALSE);
  db->built = TRUE;
}

static gboolean
found (const Family *f, gsize i, VpcU128 v, VpcThreatMatch *match)
{
  if (v > f->end[i])
    return FALSE;
  if (match != NULL)
    {
      match->feeds = f->payload[i].feeds;
      match->severity = (VpcSeverity) f->payload[i].severity;
    }
  return TRUE;
}

gboolean
vpc_threat_db_lookup (const VpcThreatDb *db, const VpcAddr *addr, VpcThreatMatch *match)
{
  g_return_val_if_fail (db->built, FALSE);
  /* The last interval starting at or before the address (branch-free
   * halving), then whether it reaches the address. */
  if (addr->family == 4)
    {
      const Family *f = &db->v4;
      guint32 v = ((guint32) addr->bytes[0] << 24) | ((guint32) addr->bytes[1] << 16)
                  | ((guint32) addr->bytes[2] << 8) | addr->bytes[3];
      if (f->n == 0 || v < f->start32[0])
        return FALSE;
      const guint32 *base = f->start32;
      gsize n = f->n;
      while (n > 1)
        {
          gsize half = n / 2;
          base = base[half] <= v ? base + half : base;
          n -= half;
        }
      return found (f, (gsize) (base - f->start32), v, match);
    }
  if (addr->family == 6)
    {
      const Family *f = &db->v6;
      VpcU128 v = addr_to_u128 (addr);
      if (f->n == 0 || v < f->start128[0])
        return FALSE;
      const VpcU128 *base = f->start128;
      gsize n = f->n;
      while (n > 1)
        {
          gsize half = n / 2;
          base = base[half] <= v ? base + half : base;
          n -= half;
        }
      return found (f, (gsize) (base - f->start128), v, match);
    }
  return FALSE;
}

gsize
vpc_threat_db_get_interval_count (const VpcThreatDb *db)
{
  return db->v4.n + db->v6.n;
}
