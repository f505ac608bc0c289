/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report aggregation: one pass over the flows, memory bounded by the distinct keys. */
#include "config.h"

#include "report-private.h"

#include <string.h>

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define HAS(mask, el) (((mask) & BIT (VPC_EL_##el)) != 0)

/* ------------------------------------------------------------------ u64 set */


static inline guint64
mix64 (guint64 x)
{
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

void
u64set_init (U64Set *set)
{
  set->mask = 1023;
  set->slots = g_new0 (guint64, set->mask + 1);
  set->count = 0;
}

void
u64set_clear (U64Set *set)
{
  g_clear_pointer (&set->slots, g_free);
}


static void
u64set_grow (U64Set *set)
{
  guint64 *old = set->slots;
  gsize old_size = set->mask + 1;
  set->mask = old_size * 2 - 1;
  set->slots = g_new0 (guint64, set->mask + 1);
  set->count = 0;
  for (gsize i = 0; i < old_size; i++)
    if (old[i] != 0)
      u64set_add (set, old[i]);
  g_free (old);
}

gboolean
u64set_contains (const U64Set *set, guint64 key)
{
  for (gsize i = mix64 (key) & set->mask;; i = (i + 1) & set->mask)
    {
      if (set->slots[i] == key)
        return TRUE;
      if (set->slots[i] == 0)
        return FALSE;
    }
}

/* TRUE if key was not there. */
gboolean
u64set_add (U64Set *set, guint64 key)
{
  if ((set->count + 1) * 2 > set->mask + 1)
    u64set_grow (set);
  for (gsize i = mix64 (key) & set->mask;; i = (i + 1) & set->mask)
    {
      if (set->slots[i] == key)
        return FALSE;
      if (set->slots[i] == 0)
        {
          set->slots[i] = key;
          set->count++;
          return TRUE;
        }
    }
}


static guint
addr_hash (gconstpointer p)
{
  const VpcAddr *a = p;
  guint64 x, y = 0;
  memcpy (&x, a->bytes, 8);
  if (a->family == 6)
    memcpy (&y, a->bytes + 8, 8);
  else
    x &= G_GUINT64_CONSTANT (0xffffffff);
  return (guint) mix64 (x ^ mix64 (y + a->family));
}

static gboolean
addr_equal (gconstpointer pa, gconstpointer pb)
{
  const VpcAddr *a = pa, *b = pb;
  return a->family == b->family && memcmp (a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

static void
threat_stat_free (ThreatStat *t)
{
  if (t == NULL)
    return;
  g_hash_table_unref (t->interfaces);
  g_free (t);
}

static void
addr_stat_free (gpointer p)
{
  AddrStat *a = p;
  threat_stat_free (a->threat);
  g_free (a);
}

static void
named_tally_free (gpointer p)
{
  NamedTally *n = p;
  g_free (n->name);
  g_free (n);
}

static void
report_input_free (gpointer p)
{
  VpcReportInput *input = p;
  g_free (input->name);
  g_free (input->error);
  g_free (input);
}

VpcReport *
vpc_report_new (const VpcReportOptions *options, const VpcThreatDb *db)
{
  VpcReport *report = g_new0 (VpcReport, 1);
  report->options = *options;
  report->db = db;
  report->addrs = g_hash_table_new_full (addr_hash, addr_equal, NULL, addr_stat_free);
  report->next_id = 1;
  u64set_init (&report->port_pairs);
  u64set_init (&report->host_pairs);
  rej_table_init (&report->rej_src, options->max_keys);
  rej_table_init (&report->rej_dst, options->max_keys);
  report->max_pairs = (guint64) MAX (options->max_keys, 1) * VPC_REPORT_PAIRS_PER_KEY;
  report->ports = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  report->interfaces = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, named_tally_free);
  report->buckets = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  report->bucket_unit = options->bucket_seconds > 0 ? options->bucket_seconds : 60;
  talkers_init (report);
  geo_init (report);
  VpcReportSummary *s = g_new0 (VpcReportSummary, 1);
  s->options = *options;
  s->inputs = g_ptr_array_new_with_free_func (report_input_free);
  s->skipped_files = g_ptr_array_new_with_free_func (g_free);
  s->threats_enabled = db != NULL;
  report->s = s;
  return report;
}

void
vpc_report_free (VpcReport *report)
{
  if (report == NULL)
    return;
  g_hash_table_unref (report->addrs);
  u64set_clear (&report->port_pairs);
  u64set_clear (&report->host_pairs);
  rej_table_clear (&report->rej_src);
  rej_table_clear (&report->rej_dst);
  g_hash_table_unref (report->ports);
  g_hash_table_unref (report->interfaces);
  g_hash_table_unref (report->buckets);
  talkers_clear (report);
  geo_clear (report);
  vpc_report_summary_free (report->s);
  g_free (report);
}

guint64
vpc_report_get_flows (const VpcReport *report)
{
  return report->s->all.flows;
}

VpcReportInput *
vpc_report_begin_input (VpcReport *report, const char *name, const char *kind)
{
  VpcReportInput *input = g_new0 (VpcReportInput, 1);
  input->name = g_strdup (name);
  input->kind = kind;
  g_ptr_array_add (report->s->inputs, input);
  return input;
}

void
vpc_report_add_skipped (VpcReport *report, const char *what)
{
  g_ptr_array_add (report->s->skipped_files, g_strdup (what));
}

/* ------------------------------------------------------------------ one flow */

void
tally_add (VpcTally *t, guint64 packets, guint64 bytes)
{
  t->flows++;
  t->packets = sat_add (t->packets, packets);
  t->bytes = sat_add (t->bytes, bytes);
}

void
span_add (guint64 *first, guint64 *last, gboolean *have, guint64 ms)
{
  if (!*have || ms < *first)
    *first = ms;
  if (!*have || ms > *last)
    *last = ms;
  *have = TRUE;
}

AddrStat *
addr_get (VpcReport *report, const VpcAddr *addr)
{
  AddrStat *a = g_hash_table_lookup (report->addrs, addr);
  if (a != NULL)
    return a;
  a = g_new0 (AddrStat, 1);
  a->addr = *addr;
  a->id = report->next_id++;
  g_hash_table_add (report->addrs, a);
  return a;
}

static void
flow_addr (const VpcFlow *flow, guint64 mask, gboolean source, VpcAddr *addr, gboolean *present)
{
  *present = TRUE;
  memset (addr, 0, sizeof *addr);
  if (source ? HAS (mask, SRC4) : HAS (mask, DST4))
    {
      guint32 v = source ? flow->sourceIPv4Address : flow->destinationIPv4Address;
      addr->family = 4;
      addr->bytes[0] = (guint8) (v >> 24);
      addr->bytes[1] = (guint8) (v >> 16);
      addr->bytes[2] = (guint8) (v >> 8);
      addr->bytes[3] = (guint8) v;
    }
  else if (source ? HAS (mask, SRC6) : HAS (mask, DST6))
    {
      addr->family = 6;
      memcpy (addr->bytes, source ? flow->sourceIPv6Address : flow->destinationIPv6Address, 16);
    }
  else
    *present = FALSE;
}

/* A listed address in a flow. */
static void
threat_count (VpcReport *report, const VpcAddr *addr, const VpcThreatMatch *match,
              guint direction, const VpcFlow *flow, guint64 mask, int action)
{
  AddrStat *a = addr_get (report, addr);
  ThreatStat *t = a->threat;
  if (t == NULL)
    {
      t = a->threat = g_new0 (ThreatStat, 1);
      t->feeds = match->feeds;
      t->severity = match->severity;
      t->interfaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  t->direction |= direction;
  guint64 packets = HAS (mask, PACKETS) ? flow->packetDeltaCount : 0;
  guint64 bytes = HAS (mask, OCTETS) ? flow->octetDeltaCount : 0;
  tally_add (&t->total, packets, bytes);
  if (action == 1)
    tally_add (&t->accepted, packets, bytes);
  else if (action == 2)
    tally_add (&t->rejected, packets, bytes);
  if (HAS (mask, START))
    span_add (&t->first_ms, &t->last_ms, &t->have_time, flow->flowStartMilliseconds);
  if (HAS (mask, END))
    span_add (&t->first_ms, &t->last_ms, &t->have_time, flow->flowEndMilliseconds);
  if (HAS (mask, IF_NAME))
    {
      g_autofree char *name = g_strndup ((const char *) flow->interfaceName.buf,
                                         flow->interfaceName.len);
      if (!g_hash_table_contains (t->interfaces, name))
        g_hash_table_add (t->interfaces, g_steal_pointer (&name));
    }
}

void
vpc_report_add_flow (VpcReport *report, const VpcFlow *flow, guint64 mask)
{
  VpcReportSummary *s = report->s;
  guint64 packets = HAS (mask, PACKETS) ? flow->packetDeltaCount : 0;
  guint64 bytes = HAS (mask, OCTETS) ? flow->octetDeltaCount : 0;
  /* 1 accepted, 2 rejected, 0 no action. */
  int action = 0;
  if (HAS (mask, FORWARDING_STATUS))
    action = flow->forwardingStatus == VPC_FORWARDING_STATUS_ACL_DENY ? 2 : 1;

  tally_add (&s->all, packets, bytes);
  tally_add (action == 1 ? &s->accepted : action == 2 ? &s->rejected : &s->no_action, packets,
             bytes);
  if (HAS (mask, SRC4) || HAS (mask, DST4))
    s->flows_ipv4++;
  else if (HAS (mask, SRC6) || HAS (mask, DST6))
    s->flows_ipv6++;
  else
    s->flows_noaddr++;
  if (HAS (mask, START))
    span_add (&s->first_ms, &s->last_ms, &s->have_time, flow->flowStartMilliseconds);
  if (HAS (mask, END))
    span_add (&s->first_ms, &s->last_ms, &s->have_time, flow->flowEndMilliseconds);

  VpcAddr src, dst;
  gboolean has_src, has_dst;
  flow_addr (flow, mask, TRUE, &src, &has_src);
  flow_addr (flow, mask, FALSE, &dst, &has_dst);
  talkers_add_flow (report, flow, mask, action, has_src ? &src : NULL, has_dst ? &dst : NULL);
  geo_add_flow (report, has_src ? &src : NULL, has_dst ? &dst : NULL, action, packets, bytes);

  if (action == 2)
    {
      RejStat *da = NULL, *sa = NULL;
      if (has_dst)
        {
          da = rej_table_get (&report->rej_dst, &dst);
          tally_add (&da->tally, packets, bytes);
          rej_table_counted (&report->rej_dst, da);
        }
      gboolean has_port = HAS (mask, PROTOCOL) && HAS (mask, DSTPORT);
      guint port_key = has_port ? ((guint) flow->protocolIdentifier << 16)
                                      | flow->destinationTransportPort
                                : 0;
      if (has_src)
        {
          sa = rej_table_get (&report->rej_src, &src);
          tally_add (&sa->tally, packets, bytes);
          rej_table_counted (&report->rej_src, sa);
          if (HAS (mask, START))
            span_add (&sa->first_ms, &sa->last_ms, &sa->have_time, flow->flowStartMilliseconds);
          if (HAS (mask, END))
            span_add (&sa->first_ms, &sa->last_ms, &sa->have_time, flow->flowEndMilliseconds);
          if (has_port
              && pair_set_add (report, &report->port_pairs,
                               ((guint64) sa->head.slot << 32) | port_key))
            sa->ports++;
          if (da != NULL
              && pair_set_add (report, &report->host_pairs,
                               ((guint64) sa->head.slot << 32) | da->head.slot))
            sa->hosts++;
        }
      if (has_port)
        {
          VpcTally *t = g_hash_table_lookup (report->ports, GUINT_TO_POINTER (port_key));
          if (t == NULL)
            {
              t = g_new0 (VpcTally, 1);
              g_hash_table_insert (report->ports, GUINT_TO_POINTER (port_key), t);
            }
          tally_add (t, packets, bytes);
        }
      else
        s->rejected_without_port++;
      if (HAS (mask, IF_NAME))
        {
          g_autofree char *name = g_strndup ((const char *) flow->interfaceName.buf,
                                             flow->interfaceName.len);
          NamedTally *n = g_hash_table_lookup (report->interfaces, name);
          if (n == NULL)
            {
              n = g_new0 (NamedTally, 1);
              n->name = g_steal_pointer (&name);
              g_hash_table_insert (report->interfaces, n->name, n);
            }
          tally_add (&n->tally, packets, bytes);
        }
      if (HAS (mask, START))
        {
          gint64 index = (gint64) (flow->flowStartMilliseconds / (1000u * report->bucket_unit));
          Bucket *b = g_hash_table_lookup (report->buckets, &index);
          if (b == NULL)
            {
              b = g_new0 (Bucket, 1);
              b->index = index;
              g_hash_table_add (report->buckets, b);
            }
          tally_add (&b->tally, packets, bytes);
        }
      else
        s->rejected_without_time++;
    }

  if (report->db == NULL)
    return;
  VpcThreatMatch m_src, m_dst;
  gboolean src_listed = has_src && vpc_threat_db_lookup (report->db, &src, &m_src);
  gboolean dst_listed = has_dst && vpc_threat_db_lookup (report->db, &dst, &m_dst);
  if (!src_listed && !dst_listed)
    return;
  tally_add (&s->threat_flows, packets, bytes);
  if (action == 1)
    tally_add (&s->threat_accepted, packets, bytes);
  if (src_listed)
    threat_count (report, &src, &m_src, VPC_THREAT_INBOUND, flow, mask, action);
  if (dst_listed && !(src_listed && addr_equal (&src, &dst)))
    threat_count (report, &dst, &m_dst, VPC_THREAT_OUTBOUND, flow, mask, action);
  else if (dst_listed)
    addr_get (report, &dst)->threat->direction |= VPC_THREAT_OUTBOUND;
}
