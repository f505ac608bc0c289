/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetFlow v9 (RFC 3954): one template per field set and address family, data flowsets, template refresh. */
#include "config.h"

#include "netflow-private.h"

#include <string.h>

/* --- v9 templates ------------------------------------------------------------ */

typedef enum {
  F_SRC4, F_SRC6, F_DST4, F_DST6, F_SRCPORT, F_DSTPORT, F_PROTOCOL, F_PACKETS, F_OCTETS,
  F_FIRST, F_LAST, F_TCP_FLAGS, F_FORWARDING_STATUS, F_DIRECTION, F_INPUT, F_OUTPUT,
  F_IP_VERSION, F_ICMP_TYPE, F_NAT_SRC4, F_NAT_DST4, F_NAT_SRC6, F_NAT_DST6, F_FW_EVENT,
  F_COUNT
} V9Field;

/* The v9 field types (RFC 3954 section 8; above 127 the IANA IPFIX
 * numbers, as Cisco's v9 exporters use them) and lengths. */
static const struct {
  guint16 type;
  guint16 length;
} v9_fields[F_COUNT] = {
  [F_SRC4] = { 8, 4 },               /* IPV4_SRC_ADDR */
  [F_SRC6] = { 27, 16 },             /* IPV6_SRC_ADDR */
  [F_DST4] = { 12, 4 },              /* IPV4_DST_ADDR */
  [F_DST6] = { 28, 16 },             /* IPV6_DST_ADDR */
  [F_SRCPORT] = { 7, 2 },            /* L4_SRC_PORT */
  [F_DSTPORT] = { 11, 2 },           /* L4_DST_PORT */
  [F_PROTOCOL] = { 4, 1 },           /* PROTOCOL */
  [F_PACKETS] = { 2, 8 },            /* IN_PKTS */
  [F_OCTETS] = { 1, 8 },             /* IN_BYTES */
  [F_FIRST] = { 22, 4 },             /* FIRST_SWITCHED */
  [F_LAST] = { 21, 4 },              /* LAST_SWITCHED */
  [F_TCP_FLAGS] = { 6, 1 },          /* TCP_FLAGS */
  [F_FORWARDING_STATUS] = { 89, 1 }, /* FORWARDING_STATUS */
  [F_DIRECTION] = { 61, 1 },         /* DIRECTION: 0 ingress, 1 egress */
  [F_INPUT] = { 10, 2 },             /* INPUT_SNMP (our indexes are 16-bit) */
  [F_OUTPUT] = { 14, 2 },            /* OUTPUT_SNMP */
  [F_IP_VERSION] = { 60, 1 },        /* IP_PROTOCOL_VERSION */
  [F_ICMP_TYPE] = { 32, 2 },         /* ICMP_TYPE: type * 256 + code */
  [F_NAT_SRC4] = { 225, 4 },         /* postNATSourceIPv4Address */
  [F_NAT_DST4] = { 226, 4 },         /* postNATDestinationIPv4Address */
  [F_NAT_SRC6] = { 281, 16 },        /* postNATSourceIPv6Address */
  [F_NAT_DST6] = { 282, 16 },        /* postNATDestinationIPv6Address */
  [F_FW_EVENT] = { 233, 1 },         /* firewallEvent (NSEL) */
};

/* The v9 fields of a flow, as a bit set (the template's identity). */
static guint32
v9_key (const VpcFlow *flow, guint64 mask)
{
  static const struct {
    VpcElementIndex element;
    V9Field field;
  } direct[] = {
    { VPC_EL_SRC4, F_SRC4 },
    { VPC_EL_SRC6, F_SRC6 },
    { VPC_EL_DST4, F_DST4 },
    { VPC_EL_DST6, F_DST6 },
    { VPC_EL_SRCPORT, F_SRCPORT },
    { VPC_EL_DSTPORT, F_DSTPORT },
    { VPC_EL_PROTOCOL, F_PROTOCOL },
    { VPC_EL_PACKETS, F_PACKETS },
    { VPC_EL_OCTETS, F_OCTETS },
    { VPC_EL_TCP_FLAGS, F_TCP_FLAGS },
    { VPC_EL_FORWARDING_STATUS, F_FORWARDING_STATUS },
    { VPC_EL_FLOW_DIRECTION, F_DIRECTION },
    { VPC_EL_INGRESS_IF, F_INPUT },
    { VPC_EL_EGRESS_IF, F_OUTPUT },
    { VPC_EL_IP_VERSION, F_IP_VERSION },
    { VPC_EL_NAT_SRC4, F_NAT_SRC4 },
    { VPC_EL_NAT_DST4, F_NAT_DST4 },
    { VPC_EL_NAT_SRC6, F_NAT_SRC6 },
    { VPC_EL_NAT_DST6, F_NAT_DST6 },
    { VPC_EL_FIREWALL_EVENT, F_FW_EVENT },
  };
  guint32 key = 0;
  for (guint i = 0; i < G_N_ELEMENTS (direct); i++)
    if (HAS (mask, direct[i].element))
      key |= 1u << direct[i].field;
  if (HAS (mask, VPC_EL_START) || HAS (mask, VPC_EL_END))
    key |= 1u << F_FIRST | 1u << F_LAST;
  /* nfcapd (and others) read an ICMP flow's type and code from ICMP_TYPE,
   * not from the destination port. */
  if (HAS (mask, VPC_EL_DSTPORT) && HAS (mask, VPC_EL_PROTOCOL)
      && (flow->protocolIdentifier == 1 || flow->protocolIdentifier == 58))
    key |= 1u << F_ICMP_TYPE;
  return key;
}

static guint16
v9_record_len (guint32 key)
{
  guint16 len = 0;
  for (guint f = 0; f < F_COUNT; f++)
    if (key & (1u << f))
      len += v9_fields[f].length;
  return len;
}

static guint
v9_field_count (guint32 key)
{
  return (guint) __builtin_popcount (key);
}

/* Close the open v9 data flowset: pad it to 4 bytes and set its length. */
static void
v9_close_set (VpcNetflowPacket *p)
{
  if (p->set_start == 0)
    return;
  while ((p->len - p->set_start) % 4 != 0)
    p->buf[p->len++] = 0;
  put16 (p->buf + p->set_start + 2, (guint16) (p->len - p->set_start));
  p->set_start = 0;
}

gboolean
vpc_netflow_v9_send_packet (VpcNetflow *self, GError **error)
{
  VpcNetflowPacket *p = &self->packet;
  if (p->count == 0)
    return TRUE;
  v9_close_set (p);
  VpcNetflowClock clock;
  vpc_netflow_packet_clock (self, p, &clock);
  put16 (p->buf, 9);
  put16 (p->buf + 2, (guint16) p->count);
  put32 (p->buf + 4, clock.sys_uptime);
  put32 (p->buf + 8, (guint32) (clock.export_ms / 1000));
  put32 (p->buf + 12, self->sequence++);
  put32 (p->buf + 16, self->source_id);
  if (clock.backdated)
    COUNT (self, backdated_packets, 1);
  gint64 now = g_get_monotonic_time ();
  if (!self->sent_any)
    self->refreshed_us = now; /* the first packets carry the templates */
  self->sent_any = TRUE;
  if (p->records > 0)
    self->since_refresh++;
  gboolean ok = vpc_netflow_send (self, p->buf, p->len, p->records, error);
  vpc_netflow_packet_reset (p, V9_HEADER);
  return ok;
}

static gsize
v9_template_size (const VpcNetflowV9Template *t)
{
  return 4 + 4 * v9_field_count (t->key);
}

/* Append template t in a template flowset of its own. */
static void
v9_append_template (VpcNetflowPacket *p, const VpcNetflowV9Template *t)
{
  v9_close_set (p);
  guint8 *at = p->buf + p->len;
  gsize size = 4 + v9_template_size (t);
  put16 (at, 0); /* template flowset */
  put16 (at + 2, (guint16) size);
  put16 (at + 4, t->tid);
  put16 (at + 6, (guint16) v9_field_count (t->key));
  at += 8;
  for (guint f = 0; f < F_COUNT; f++)
    if (t->key & (1u << f))
      {
        put16 (at, v9_fields[f].type);
        put16 (at + 2, v9_fields[f].length);
        at += 4;
      }
  p->len += size;
  p->count++;
}

/* Template-only packets holding every template defined so far. */
gboolean
vpc_netflow_v9_refresh (VpcNetflow *self, GError **error)
{
  if (!vpc_netflow_v9_send_packet (self, error))
    return FALSE;
  VpcNetflowPacket *p = &self->packet;
  for (guint i = 0; i < self->templates->len; i++)
    {
      const VpcNetflowV9Template *t = &g_array_index (self->templates, VpcNetflowV9Template, i);
      if (p->len + 4 + v9_template_size (t) > self->max_packet)
        {
          if (!vpc_netflow_v9_send_packet (self, error))
            return FALSE;
        }
      v9_append_template (p, t);
    }
  self->announced = self->templates->len;
  if (!vpc_netflow_v9_send_packet (self, error))
    return FALSE;
  self->refreshed_us = g_get_monotonic_time ();
  self->since_refresh = 0;
  return TRUE;
}

/* How each v9 field is packed (record-packer.h), from which element of
 * VpcFlow (its place in the mapper's element table).  First and Last are
 * left zero: they are uptimes, written when the packet's clock is known. */
static const struct {
  VpcPackKind kind;
  VpcElementIndex element;
} v9_steps[F_COUNT] = {
  [F_SRC4] = { VPC_PACK_U32, VPC_EL_SRC4 },
  [F_SRC6] = { VPC_PACK_BYTES, VPC_EL_SRC6 },
  [F_DST4] = { VPC_PACK_U32, VPC_EL_DST4 },
  [F_DST6] = { VPC_PACK_BYTES, VPC_EL_DST6 },
  [F_SRCPORT] = { VPC_PACK_U16, VPC_EL_SRCPORT },
  [F_DSTPORT] = { VPC_PACK_U16, VPC_EL_DSTPORT },
  [F_PROTOCOL] = { VPC_PACK_U8, VPC_EL_PROTOCOL },
  [F_PACKETS] = { VPC_PACK_U64, VPC_EL_PACKETS },
  [F_OCTETS] = { VPC_PACK_U64, VPC_EL_OCTETS },
  [F_FIRST] = { VPC_PACK_ZERO, VPC_EL_START },
  [F_LAST] = { VPC_PACK_ZERO, VPC_EL_END },
  [F_TCP_FLAGS] = { VPC_PACK_U8, VPC_EL_TCP_FLAGS },
  [F_FORWARDING_STATUS] = { VPC_PACK_U8, VPC_EL_FORWARDING_STATUS },
  [F_DIRECTION] = { VPC_PACK_U8, VPC_EL_FLOW_DIRECTION },
  [F_INPUT] = { VPC_PACK_U32_AS_U16, VPC_EL_INGRESS_IF },
  [F_OUTPUT] = { VPC_PACK_U32_AS_U16, VPC_EL_EGRESS_IF },
  [F_IP_VERSION] = { VPC_PACK_U8, VPC_EL_IP_VERSION },
  [F_ICMP_TYPE] = { VPC_PACK_U16, VPC_EL_DSTPORT }, /* type * 256 + code */
  [F_NAT_SRC4] = { VPC_PACK_U32, VPC_EL_NAT_SRC4 },
  [F_NAT_DST4] = { VPC_PACK_U32, VPC_EL_NAT_DST4 },
  [F_NAT_SRC6] = { VPC_PACK_BYTES, VPC_EL_NAT_SRC6 },
  [F_NAT_DST6] = { VPC_PACK_BYTES, VPC_EL_NAT_DST6 },
  [F_FW_EVENT] = { VPC_PACK_U8, VPC_EL_FIREWALL_EVENT },
};

/* The packer of the records of template key; *times_offset: where First goes. */
static VpcPacker *
v9_packer_new (guint32 key, guint16 *times_offset)
{
  const VpcElementSpec *elements = vpc_mapper_elements ();
  VpcPacker *packer = vpc_packer_new ();
  gsize at = 0;
  *times_offset = 0;
  for (guint f = 0; f < F_COUNT; f++)
    {
      if (!(key & (1u << f)))
        continue;
      if (f == F_FIRST)
        *times_offset = (guint16) at;
      vpc_packer_add (packer, v9_steps[f].kind, elements[v9_steps[f].element].offset,
                      v9_fields[f].length);
      at += v9_fields[f].length;
    }
  g_assert (vpc_packer_get_fixed_length (packer) == at);
  return packer;
}

void
vpc_netflow_v9_template_clear (gpointer data)
{
  VpcNetflowV9Template *t = data;
  g_clear_pointer (&t->packer, vpc_packer_free);
}

static const VpcNetflowV9Template *
v9_template_for (VpcNetflow *self, guint32 key, guint *index)
{
  gpointer found = g_hash_table_lookup (self->template_by_key, GUINT_TO_POINTER (key));
  if (found != NULL)
    {
      *index = GPOINTER_TO_UINT (found) - 1;
      return &g_array_index (self->templates, VpcNetflowV9Template, *index);
    }
  VpcNetflowV9Template t = { .tid = (guint16) (256 + self->templates->len),
                   .record_len = v9_record_len (key),
                   .key = key };
  t.packer = v9_packer_new (key, &t.times_offset);
  g_array_append_val (self->templates, t);
  *index = self->templates->len - 1;
  g_hash_table_insert (self->template_by_key, GUINT_TO_POINTER (key),
                       GUINT_TO_POINTER (*index + 1));
  return &g_array_index (self->templates, VpcNetflowV9Template, *index);
}

gboolean
vpc_netflow_v9_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  VpcNetflowPacket *p = &self->packet;
  guint32 key = v9_key (flow, mask);
  guint index;
  gint64 first, last;
  if (!vpc_netflow_flow_times (self, flow, mask, &first, &last))
    return TRUE;
  const VpcNetflowV9Template *t = v9_template_for (self, key, &index);

  gboolean announce = index >= self->announced;
  gsize need = t->record_len + (p->set_start != 0 && p->set_tid == t->tid ? 0 : 4 + 3)
               + (announce ? 4 + v9_template_size (t) : 0);
  if (V9_HEADER + need > self->max_packet)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "a NetFlow v9 record and its template do not fit in a packet of %"
                   G_GSIZE_FORMAT " bytes (raise --mtu)", self->max_packet);
      return FALSE;
    }
  if (p->len + need > self->max_packet || !vpc_netflow_packet_span_fits (p, first, last))
    {
      if (!vpc_netflow_v9_send_packet (self, error))
        return FALSE;
      need = t->record_len + 4 + 3 + (announce ? 4 + v9_template_size (t) : 0);
    }
  if (p->count == 0 && self->sent_any
      && vpc_refresh_due (self->options, self->refreshed_us, self->since_refresh,
                          g_get_monotonic_time (), FALSE))
    {
      if (!vpc_netflow_v9_refresh (self, error))
        return FALSE;
      announce = FALSE;
    }
  if (announce)
    {
      /* Templates are announced in order: every one defined before this
       * one has been. */
      v9_append_template (p, t);
      self->announced = index + 1;
    }
  if (p->set_start == 0 || p->set_tid != t->tid)
    {
      v9_close_set (p);
      p->set_start = p->len;
      p->set_tid = t->tid;
      put16 (p->buf + p->len, t->tid);
      p->len += 4;
    }

  vpc_packer_pack (t->packer, flow, p->buf + p->len);
  if (key & (1u << F_FIRST))
    vpc_netflow_packet_note_times (p, p->len + t->times_offset, first, last);
  p->len += t->record_len;
  p->records++;
  p->count++;
  return TRUE;
}
