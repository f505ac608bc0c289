/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report aggregation of the daily view: top talkers, exposure, egress and per-group totals. */
#include "config.h"

#include "report-private.h"

#include <string.h>

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define HAS(mask, el) (((mask) & BIT (VPC_EL_##el)) != 0)

static void
talk_take (BoundedEntry *head)
{
  TalkStat *t = (TalkStat *) head;
  t->inherited = t->tally;
}

static void
place_take (BoundedEntry *head)
{
  Place *p = (Place *) head;
  p->inherited = p->egress;
  p->inherited_destinations = p->egress_destinations;
}

static void
exposure_take (BoundedEntry *head)
{
  ExposureStat *e = (ExposureStat *) head;
  e->inherited = e->tally;
  e->inherited_sources = e->sources;
}

static void
egress_take (BoundedEntry *head)
{
  EgressStat *e = (EgressStat *) head;
  e->inherited = e->tally;
}

static void
group_take (BoundedEntry *head)
{
  GroupStat *g = (GroupStat *) head;
  g->inherited = g->all;
}

void
talkers_init (VpcReport *report)
{
  guint k = report->options.max_keys;
  bounded_init (&report->talk_src, k, sizeof (TalkStat), talk_take, NULL);
  bounded_init (&report->talk_dst, k, sizeof (TalkStat), talk_take, NULL);
  bounded_init (&report->conversations, k, sizeof (TalkStat), talk_take, NULL);
  bounded_init (&report->talk_ports, k, sizeof (TalkStat), talk_take, NULL);
  bounded_init (&report->places, k, sizeof (Place), place_take, NULL);
  bounded_init (&report->exposures, k, sizeof (ExposureStat), exposure_take, NULL);
  u64set_init (&report->exposure_sources);
  bounded_init (&report->egress, k, sizeof (EgressStat), egress_take, NULL);
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    bounded_init (&report->groups[i], k, sizeof (GroupStat), group_take, NULL);
  report->scratch = g_string_sized_new (128);
  memset (report->exposure_bits, 0, sizeof report->exposure_bits);
  for (guint i = 0; i < report->options.exposure_port_count; i++)
    {
      guint16 port = report->options.exposure_ports[i];
      report->exposure_bits[port / 8] |= (guint8) (1u << (port % 8));
    }
}

void
talkers_clear (VpcReport *report)
{
  bounded_clear (&report->talk_src);
  bounded_clear (&report->talk_dst);
  bounded_clear (&report->conversations);
  bounded_clear (&report->talk_ports);
  bounded_clear (&report->exposures);
  bounded_clear (&report->egress);
  bounded_clear (&report->places);
  u64set_clear (&report->exposure_sources);
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    bounded_clear (&report->groups[i]);
  if (report->scratch != NULL)
    g_string_free (g_steal_pointer (&report->scratch), TRUE);
}

/* A text element of the flow (not NUL-terminated), or NULL. */
static const fbVarfield_t *
flow_text (const VpcFlow *flow, guint64 mask, VpcElementIndex el)
{
  if ((mask & BIT (el)) == 0)
    return NULL;
  if (el == VPC_EL_IF_NAME)
    return &flow->interfaceName;
  return &flow->text[el - VPC_EL_FIRST_TEXT];
}

static VpcReportWay
flow_way (const VpcFlow *flow, guint64 mask, const VpcAddr *src, const VpcAddr *dst)
{
  if (HAS (mask, FLOW_DIRECTION))
    return flow->flowDirection == VPC_DIRECTION_EGRESS ? VPC_REPORT_WAY_OUTBOUND
                                                       : VPC_REPORT_WAY_INBOUND;
  if (src == NULL || dst == NULL)
    return VPC_REPORT_WAY_UNKNOWN;
  gboolean src_private = vpc_addr_is_special (src), dst_private = vpc_addr_is_special (dst);
  if (src_private && !dst_private)
    return VPC_REPORT_WAY_OUTBOUND;
  if (!src_private && dst_private)
    return VPC_REPORT_WAY_INBOUND;
  return VPC_REPORT_WAY_UNKNOWN;
}

static void
way_bytes (VpcReportWay way, guint64 bytes, guint64 *in, guint64 *out)
{
  if (way == VPC_REPORT_WAY_INBOUND)
    *in = sat_add (*in, bytes);
  else if (way == VPC_REPORT_WAY_OUTBOUND)
    *out = sat_add (*out, bytes);
}

/* Length-prefixed texts, so that no name can imitate another key. */
static void
key_part (GString *key, const fbVarfield_t *v)
{
  if (v == NULL)
    {
      g_string_append (key, "-|");
      return;
    }
  /* The length in decimal, then ':' (g_snprintf costs more than the rest). */
  char len[24];
  gsize n = sizeof len, x = v->len;
  len[--n] = ':';
  do
    len[--n] = (char) ('0' + x % 10);
  while ((x /= 10) > 0);
  g_string_append_len (key, len + n, (gssize) (sizeof len - n));
  g_string_append_len (key, (const char *) v->buf, (gssize) v->len);
  g_string_append_c (key, '|');
}

/* The place key of the flow into report->scratch (length-prefixed texts of
 * its interface, instance and VPC; report-talkers-summary.c reads it back). */
static void
place_key (VpcReport *report, const VpcFlow *flow, guint64 mask)
{
  GString *key = report->scratch;
  g_string_truncate (key, 0);
  key_part (key, flow_text (flow, mask, VPC_EL_IF_NAME));
  key_part (key, flow_text (flow, mask, VPC_EL_INSTANCE_ID));
  key_part (key, flow_text (flow, mask, VPC_EL_VPC_ID));
}

static TalkStat *
talk_get (BoundedTable *t, const guint8 *key, gsize len, guint64 packets, guint64 bytes,
          VpcReportWay way)
{
  TalkStat *e = (TalkStat *) bounded_get (t, key, len, NULL);
  tally_add (&e->tally, packets, bytes);
  way_bytes (way, bytes, &e->inbound_bytes, &e->outbound_bytes);
  bounded_counted (t, &e->head);
  return e;
}

static void
talk_count (VpcReport *report, const VpcAddr *src, const VpcAddr *dst, const VpcFlow *flow,
            guint64 mask, VpcReportWay way, guint64 packets, guint64 bytes)
{
  VpcReportSummary *s = report->s;
  tally_add (&s->talker_way[way], packets, bytes);
  guint8 key[34];
  gsize len;
  if (src != NULL)
    {
      len = addr_key (src, key);
      talk_get (&report->talk_src, key, len, packets, bytes, way);
    }
  if (dst != NULL)
    {
      len = addr_key (dst, key);
      talk_get (&report->talk_dst, key, len, packets, bytes, way);
    }
  if (src != NULL && dst != NULL)
    {
      gboolean swap = addr_cmp (src, dst) > 0;
      len = addr_key (swap ? dst : src, key);
      len += addr_key (swap ? src : dst, key + len);
      talk_get (&report->conversations, key, len, packets, bytes, way);
    }
  if (HAS (mask, PROTOCOL) && HAS (mask, DSTPORT))
    {
      guint8 port_key[3] = { flow->protocolIdentifier,
                             (guint8) (flow->destinationTransportPort >> 8),
                             (guint8) flow->destinationTransportPort };
      talk_get (&report->talk_ports, port_key, sizeof port_key, packets, bytes, way);
    }
}

/* A 64-bit hash of (entry slot, address), never 0: the distinct sources of
 * an exposure (a collision among 2^32 pairs has a chance of about 2^-1). */
static guint64
source_pair_key (guint32 slot, const VpcAddr *addr)
{
  guint8 key[17];
  gsize len = addr_key (addr, key);
  guint64 h = ((guint64) slot << 8) ^ G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  for (gsize i = 0; i < len; i++)
    {
      h ^= key[i];
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  h ^= h >> 30;
  h *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  h ^= h >> 27;
  h *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  h ^= h >> 31;
  return h != 0 ? h : 1;
}

static void
exposure_count (VpcReport *report, const VpcAddr *src, const VpcFlow *flow, guint64 mask,
                guint64 packets, guint64 bytes)
{
  place_key (report, flow, mask);
  GString *key = report->scratch;
  g_string_append_c (key, (char) flow->protocolIdentifier);
  g_string_append_c (key, (char) (flow->destinationTransportPort >> 8));
  g_string_append_c (key, (char) flow->destinationTransportPort);
  ExposureStat *e = (ExposureStat *) bounded_get (&report->exposures, key->str, key->len, NULL);
  tally_add (&e->tally, packets, bytes);
  bounded_counted (&report->exposures, &e->head);
  if (HAS (mask, START))
    span_add (&e->first_ms, &e->last_ms, &e->have_time, flow->flowStartMilliseconds);
  if (HAS (mask, END))
    span_add (&e->first_ms, &e->last_ms, &e->have_time, flow->flowEndMilliseconds);
  if (pair_set_add (report, &report->exposure_sources, source_pair_key (e->head.slot, src)))
    {
      e->sources++;
      VpcThreatMatch match;
      if (report->db != NULL && vpc_threat_db_lookup (report->db, src, &match))
        e->listed_sources++;
    }
}

static void
egress_count (VpcReport *report, const VpcAddr *dst, const VpcFlow *flow, guint64 mask,
              guint64 packets, guint64 bytes)
{
  place_key (report, flow, mask);
  GString *key = report->scratch;
  Place *place = (Place *) bounded_get (&report->places, key->str, key->len, NULL);
  tally_add (&report->s->egress_total, packets, bytes);
  tally_add (&place->egress, packets, bytes);
  bounded_counted (&report->places, &place->head);
  guint8 akey[17];
  g_string_append_len (key, (const char *) akey, (gssize) addr_key (dst, akey));
  gboolean fresh;
  EgressStat *e = (EgressStat *) bounded_get (&report->egress, key->str, key->len, &fresh);
  if (fresh)
    place->egress_destinations++;
  tally_add (&e->tally, packets, bytes);
  bounded_counted (&report->egress, &e->head);
}

static const VpcElementIndex group_elements[VPC_REPORT_GROUPS] = {
  VPC_EL_ACCOUNT_ID, VPC_EL_VPC_ID, VPC_EL_SUBNET_ID, VPC_EL_IF_NAME,
};

static void
group_add (GroupStat *g, int action, guint64 packets, guint64 bytes)
{
  tally_add (&g->all, packets, bytes);
  if (action == 1)
    tally_add (&g->accepted, packets, bytes);
  else if (action == 2)
    tally_add (&g->rejected, packets, bytes);
}

static void
group_count (VpcReport *report, const VpcFlow *flow, guint64 mask, int action, guint64 packets,
             guint64 bytes)
{
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    {
      const fbVarfield_t *v = flow_text (flow, mask, group_elements[i]);
      if (v == NULL)
        {
          report->group_without[i]++;
          continue;
        }
      /* Flows come in runs of one account, VPC, subnet, interface: the last
       * one's entry first (still the name's unless another took it over). */
      GroupStat *g = report->group_last[i];
      if (g != NULL && v->len == g->head.key_len
          && (v->len == 0 || memcmp (v->buf, g->head.key, v->len) == 0))
        {
          group_add (g, action, packets, bytes);
          bounded_counted (&report->groups[i], &g->head);
          continue;
        }
      /* A name with a NUL byte is cut there, as g_strndup() cuts it. */
      const guint8 *nul = memchr (v->buf, 0, v->len);
      gsize len = nul != NULL ? (gsize) (nul - v->buf) : v->len;
      g = (GroupStat *) bounded_get (&report->groups[i], v->buf, len, NULL);
      report->group_last[i] = nul == NULL ? g : NULL;
      group_add (g, action, packets, bytes);
      bounded_counted (&report->groups[i], &g->head);
    }
}

void
talkers_add_flow (VpcReport *report, const VpcFlow *flow, guint64 mask, int action,
                  const VpcAddr *src, const VpcAddr *dst)
{
  guint64 packets = HAS (mask, PACKETS) ? flow->packetDeltaCount : 0;
  guint64 bytes = HAS (mask, OCTETS) ? flow->octetDeltaCount : 0;
  group_count (report, flow, mask, action, packets, bytes);
  if (action != 1)
    return;
  VpcReportWay way = flow_way (flow, mask, src, dst);
  talk_count (report, src, dst, flow, mask, way, packets, bytes);

  if (way == VPC_REPORT_WAY_INBOUND && src != NULL && !vpc_addr_is_special (src)
      && HAS (mask, PROTOCOL) && HAS (mask, DSTPORT)
      && (flow->protocolIdentifier == 6 || flow->protocolIdentifier == 17))
    {
      guint16 port = flow->destinationTransportPort;
      if (report->exposure_bits[port / 8] & (1u << (port % 8)))
        exposure_count (report, src, flow, mask, packets, bytes);
    }
  if (way == VPC_REPORT_WAY_OUTBOUND && dst != NULL && !vpc_addr_is_special (dst)
      && !HAS (mask, PKT_DST_SERVICE))
    egress_count (report, dst, flow, mask, packets, bytes);
}

gboolean
vpc_report_parse_ports (const char *text, VpcReportOptions *options, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  guint8 seen[65536 / 8] = { 0 };
  guint n = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = g_strstrip (parts[i]);
      if (*p == '\0' && parts[1] == NULL)
        break; /* "" = no port */
      guint64 port;
      if (!g_ascii_string_to_unsigned (p, 10, 1, 65535, &port, NULL))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "--exposure-ports: '%s' is not a port number (1..65535)", p);
          return FALSE;
        }
      if (seen[port / 8] & (1u << (port % 8)))
        continue;
      seen[port / 8] |= (guint8) (1u << (port % 8));
      if (++n > VPC_REPORT_MAX_EXPOSURE_PORTS)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "--exposure-ports: more than %u ports",
                       VPC_REPORT_MAX_EXPOSURE_PORTS);
          return FALSE;
        }
    }
  options->exposure_port_count = 0;
  for (guint port = 1; port < 65536; port++)
    if (seen[port / 8] & (1u << (port % 8)))
      options->exposure_ports[options->exposure_port_count++] = (guint16) port;
  return TRUE;
}
