/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report aggregation of the daily view: top talkers, exposure, egress and per-group totals. */
#include "config.h"

#include "report-private.h"

#include <string.h>

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define HAS(mask, el) (((mask) & BIT (VPC_EL_##el)) != 0)

/* Keys of two 32-bit ids: g_int64_hash (high ^ low) would put every pair
 * with the same xor in one bucket; mix all the bits (splitmix64's finaliser). */
static guint
key64_hash (gconstpointer p)
{
  guint64 x = *(const guint64 *) p;
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return (guint) x;
}

static void
place_free (gpointer p)
{
  Place *place = p;
  g_free (place->interface);
  g_free (place->instance);
  g_free (place->vpc);
  g_free (place);
}

static void
group_stat_free (gpointer p)
{
  GroupStat *g = p;
  g_free (g->name);
  g_free (g);
}

void
talkers_init (VpcReport *report)
{
  report->conversations = g_hash_table_new_full (key64_hash, g_int64_equal, NULL, g_free);
  report->talk_ports = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  report->places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, place_free);
  report->next_place_id = 1;
  report->exposures = g_hash_table_new_full (key64_hash, g_int64_equal, NULL, g_free);
  report->next_exposure_id = 1;
  u64set_init (&report->exposure_sources);
  report->egress = g_hash_table_new_full (key64_hash, g_int64_equal, NULL, g_free);
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    report->groups[i] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, group_stat_free);
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
  g_clear_pointer (&report->conversations, g_hash_table_unref);
  g_clear_pointer (&report->talk_ports, g_hash_table_unref);
  g_clear_pointer (&report->exposures, g_hash_table_unref);
  g_clear_pointer (&report->egress, g_hash_table_unref);
  g_clear_pointer (&report->places, g_hash_table_unref);
  u64set_clear (&report->exposure_sources);
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    g_clear_pointer (&report->groups[i], g_hash_table_unref);
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

static char *
text_dup (const fbVarfield_t *v)
{
  return v != NULL ? g_strndup ((const char *) v->buf, v->len) : NULL;
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

static Place *
place_get (VpcReport *report, const VpcFlow *flow, guint64 mask)
{
  const fbVarfield_t *interface = flow_text (flow, mask, VPC_EL_IF_NAME);
  const fbVarfield_t *instance = flow_text (flow, mask, VPC_EL_INSTANCE_ID);
  const fbVarfield_t *vpc = flow_text (flow, mask, VPC_EL_VPC_ID);
  GString *key = report->scratch;
  g_string_truncate (key, 0);
  key_part (key, interface);
  key_part (key, instance);
  key_part (key, vpc);
  Place *place = g_hash_table_lookup (report->places, key->str);
  if (place != NULL)
    return place;
  place = g_new0 (Place, 1);
  place->id = report->next_place_id++;
  place->interface = text_dup (interface);
  place->instance = text_dup (instance);
  place->vpc = text_dup (vpc);
  g_hash_table_insert (report->places, g_strndup (key->str, key->len), place);
  return place;
}

static void
talk_count (VpcReport *report, AddrStat *sa, AddrStat *da, const VpcFlow *flow, guint64 mask,
            VpcReportWay way, guint64 packets, guint64 bytes)
{
  VpcReportSummary *s = report->s;
  tally_add (&s->talker_way[way], packets, bytes);
  if (sa != NULL)
    {
      if (sa->talk == NULL)
        sa->talk = g_new0 (TalkStat, 1);
      tally_add (&sa->talk->sent, packets, bytes);
      way_bytes (way, bytes, &sa->talk->sent_in, &sa->talk->sent_out);
    }
  if (da != NULL)
    {
      if (da->talk == NULL)
        da->talk = g_new0 (TalkStat, 1);
      tally_add (&da->talk->received, packets, bytes);
      way_bytes (way, bytes, &da->talk->received_in, &da->talk->received_out);
    }
  if (sa != NULL && da != NULL)
    {
      gboolean swap = addr_cmp (&sa->addr, &da->addr) > 0;
      const AddrStat *a = swap ? da : sa, *b = swap ? sa : da;
      gint64 key = (gint64) (((guint64) a->id << 32) | b->id);
      Conversation *c = g_hash_table_lookup (report->conversations, &key);
      if (c == NULL)
        {
          c = g_new0 (Conversation, 1);
          c->key = key;
          c->a = a;
          c->b = b;
          g_hash_table_add (report->conversations, c);
        }
      tally_add (&c->tally, packets, bytes);
      way_bytes (way, bytes, &c->inbound_bytes, &c->outbound_bytes);
    }
  if (HAS (mask, PROTOCOL) && HAS (mask, DSTPORT))
    {
      guint port_key = ((guint) flow->protocolIdentifier << 16) | flow->destinationTransportPort;
      PortTalk *p = g_hash_table_lookup (report->talk_ports, GUINT_TO_POINTER (port_key));
      if (p == NULL)
        {
          p = g_new0 (PortTalk, 1);
          g_hash_table_insert (report->talk_ports, GUINT_TO_POINTER (port_key), p);
        }
      tally_add (&p->tally, packets, bytes);
      way_bytes (way, bytes, &p->inbound_bytes, &p->outbound_bytes);
    }
}

static void
exposure_count (VpcReport *report, AddrStat *sa, const VpcFlow *flow, guint64 mask,
                guint64 packets, guint64 bytes)
{
  Place *place = place_get (report, flow, mask);
  guint port_key = ((guint) flow->protocolIdentifier << 16) | flow->destinationTransportPort;
  gint64 key = (gint64) (((guint64) place->id << 32) | port_key);
  ExposureStat *e = g_hash_table_lookup (report->exposures, &key);
  if (e == NULL)
    {
      e = g_new0 (ExposureStat, 1);
      e->key = key;
      e->id = report->next_exposure_id++;
      e->place = place;
      g_hash_table_add (report->exposures, e);
    }
  tally_add (&e->tally, packets, bytes);
  if (HAS (mask, START))
    span_add (&e->first_ms, &e->last_ms, &e->have_time, flow->flowStartMilliseconds);
  if (HAS (mask, END))
    span_add (&e->first_ms, &e->last_ms, &e->have_time, flow->flowEndMilliseconds);
  if (u64set_add (&report->exposure_sources, ((guint64) e->id << 32) | sa->id))
    {
      e->sources++;
      VpcThreatMatch match;
      if (report->db != NULL && vpc_threat_db_lookup (report->db, &sa->addr, &match))
        e->listed_sources++;
    }
}

static void
egress_count (VpcReport *report, AddrStat *da, const VpcFlow *flow, guint64 mask,
              guint64 packets, guint64 bytes)
{
  Place *place = place_get (report, flow, mask);
  tally_add (&report->s->egress_total, packets, bytes);
  tally_add (&place->egress, packets, bytes);
  gint64 key = (gint64) (((guint64) place->id << 32) | da->id);
  EgressStat *e = g_hash_table_lookup (report->egress, &key);
  if (e == NULL)
    {
      e = g_new0 (EgressStat, 1);
      e->key = key;
      e->place = place;
      e->addr = da;
      g_hash_table_add (report->egress, e);
      place->egress_destinations++;
    }
  tally_add (&e->tally, packets, bytes);
}

static const VpcElementIndex group_elements[VPC_REPORT_GROUPS] = {
  VPC_EL_ACCOUNT_ID, VPC_EL_VPC_ID, VPC_EL_SUBNET_ID, VPC_EL_IF_NAME,
};

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
       * one's entry first. */
      GroupStat *g = report->group_last[i];
      /* (Only names without a NUL byte are remembered: g->name then has
       * exactly group_last_len bytes.) */
      if (g != NULL && v->len == report->group_last_len[i]
          && memcmp (v->buf, g->name, v->len) == 0)
        {
          tally_add (&g->all, packets, bytes);
          if (action == 1)
            tally_add (&g->accepted, packets, bytes);
          else if (action == 2)
            tally_add (&g->rejected, packets, bytes);
          continue;
        }
      /* A name with a NUL byte is cut there, as g_strndup() cuts it. */
      GString *name = report->scratch;
      g_string_truncate (name, 0);
      g_string_append_len (name, (const char *) v->buf, (gssize) v->len);
      g = g_hash_table_lookup (report->groups[i], name->str);
      if (g == NULL)
        {
          g = g_new0 (GroupStat, 1);
          g->name = g_strdup (name->str);
          g_hash_table_insert (report->groups[i], g->name, g);
        }
      gboolean plain = memchr (v->buf, 0, v->len) == NULL;
      report->group_last[i] = plain ? g : NULL;
      report->group_last_len[i] = v->len;
      tally_add (&g->all, packets, bytes);
      if (action == 1)
        tally_add (&g->accepted, packets, bytes);
      else if (action == 2)
        tally_add (&g->rejected, packets, bytes);
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
  AddrStat *sa = src != NULL ? addr_get (report, src) : NULL;
  AddrStat *da = dst != NULL ? addr_get (report, dst) : NULL;
  if (sa != NULL)
    sa->accepted_src++; /* the scanners' accepted flows */
  VpcReportWay way = flow_way (flow, mask, src, dst);
  talk_count (report, sa, da, flow, mask, way, packets, bytes);

  if (way == VPC_REPORT_WAY_INBOUND && sa != NULL && !vpc_addr_is_special (src)
      && HAS (mask, PROTOCOL) && HAS (mask, DSTPORT)
      && (flow->protocolIdentifier == 6 || flow->protocolIdentifier == 17))
    {
      guint16 port = flow->destinationTransportPort;
      if (report->exposure_bits[port / 8] & (1u << (port % 8)))
        exposure_count (report, sa, flow, mask, packets, bytes);
    }
  if (way == VPC_REPORT_WAY_OUTBOUND && da != NULL && !vpc_addr_is_special (dst)
      && !HAS (mask, PKT_DST_SERVICE))
    egress_count (report, da, flow, mask, packets, bytes);
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
