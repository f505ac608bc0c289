/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetFlow v5: fixed 48-byte IPv4 records, counters split to fit 32 bits, the action as the engine. */
#include "config.h"

#include "netflow-private.h"

#include <string.h>

/* --- counters ------------------------------------------------------------------ */

static guint64
pieces_for (guint64 count)
{
  return count / G_MAXUINT32 + (count % G_MAXUINT32 != 0);
}

guint64
vpc_netflow_v5_pieces (guint64 packets, guint64 octets, gboolean *clamped)
{
  guint64 n = MAX (MAX (pieces_for (packets), pieces_for (octets)), 1);
  *clamped = n > VPC_NETFLOW_V5_MAX_PIECES;
  return MIN (n, VPC_NETFLOW_V5_MAX_PIECES);
}

guint32
vpc_netflow_v5_piece (guint64 count, guint64 n, guint64 i)
{
  guint64 piece = count / n + (i < count % n);
  return (guint32) MIN (piece, G_MAXUINT32);
}

/* --- v5 ---------------------------------------------------------------------- */

gboolean
vpc_netflow_v5_send_packet (VpcNetflow *self, VpcNetflowPacket *p, GError **error)
{
  if (p->records == 0)
    return TRUE;
  VpcNetflowClock clock;
  vpc_netflow_packet_clock (self, p, &clock);
  put16 (p->buf, 5);
  put16 (p->buf + 2, (guint16) p->records);
  put32 (p->buf + 4, clock.sys_uptime);
  put32 (p->buf + 8, (guint32) (clock.export_ms / 1000));
  put32 (p->buf + 12, (guint32) (clock.export_ms % 1000) * 1000000u);
  put32 (p->buf + 16, p->sequence);
  put8 (p->buf + 20, 0); /* engine_type */
  put8 (p->buf + 21, p->engine_id);
  put16 (p->buf + 22, 0); /* not sampled */
  if (clock.backdated)
    COUNT (self, backdated_packets, 1);
  p->sequence += p->records;
  gboolean ok = vpc_netflow_send (self, p->buf, p->len, p->records, error);
  memset (p->buf, 0, p->len);
  vpc_netflow_packet_reset (p, V5_HEADER);
  return ok;
}

gboolean
vpc_netflow_v5_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  if (HAS (mask, VPC_EL_SRC6) || HAS (mask, VPC_EL_DST6))
    {
      COUNT (self, skipped_ipv6, 1);
      if (!self->warned_ipv6)
        vpc_diag_emit (self->diag, "NetFlow v5 cannot carry IPv6 flows: they are not sent "
                                   "(counted as skipped_ipv6; use --protocol v9 or ipfix)");
      self->warned_ipv6 = TRUE;
      return TRUE;
    }
  guint engine = VPC_NETFLOW_V5_ENGINE_NONE;
  if (HAS (mask, VPC_EL_FORWARDING_STATUS))
    engine = flow->forwardingStatus == VPC_FORWARDING_STATUS_FORWARDED
                 ? VPC_NETFLOW_V5_ENGINE_ACCEPT
                 : VPC_NETFLOW_V5_ENGINE_REJECT;
  VpcNetflowPacket *p = &self->v5[engine];
  gint64 first, last;
  if (!vpc_netflow_flow_times (self, flow, mask, &first, &last))
    return TRUE;
  guint64 packets = HAS (mask, VPC_EL_PACKETS) ? flow->packetDeltaCount : 0;
  guint64 octets = HAS (mask, VPC_EL_OCTETS) ? flow->octetDeltaCount : 0;
  gboolean clamped;
  guint64 n = vpc_netflow_v5_pieces (packets, octets, &clamped);
  if (n > 1)
    {
      COUNT (self, split_flows, 1);
      COUNT (self, split_records, n);
    }
  if (clamped)
    COUNT (self, clamped_counters, 1);
  for (guint64 i = 0; i < n; i++)
    {
      if (p->records == self->v5_max_records || !vpc_netflow_packet_span_fits (p, first, last))
        if (!vpc_netflow_v5_send_packet (self, p, error))
          return FALSE;
      guint8 *at = p->buf + p->len;
      if (HAS (mask, VPC_EL_SRC4))
        put32 (at, flow->sourceIPv4Address);
      if (HAS (mask, VPC_EL_DST4))
        put32 (at + 4, flow->destinationIPv4Address);
      /* 8: nexthop, unknown */
      if (HAS (mask, VPC_EL_INGRESS_IF))
        put16 (at + 12, (guint16) flow->ingressInterface);
      if (HAS (mask, VPC_EL_EGRESS_IF))
        put16 (at + 14, (guint16) flow->egressInterface);
      put32 (at + 16, vpc_netflow_v5_piece (packets, n, i));
      put32 (at + 20, vpc_netflow_v5_piece (octets, n, i));
      vpc_netflow_packet_note_times (p, (gsize) (at + 24 - p->buf), first, last);
      if (HAS (mask, VPC_EL_SRCPORT))
        put16 (at + 32, flow->sourceTransportPort);
      if (HAS (mask, VPC_EL_DSTPORT))
        put16 (at + 34, flow->destinationTransportPort);
      if (HAS (mask, VPC_EL_TCP_FLAGS))
        put8 (at + 37, flow->tcpControlBits);
      if (HAS (mask, VPC_EL_PROTOCOL))
        put8 (at + 38, flow->protocolIdentifier);
      /* 39: tos, 40-47: AS numbers and masks, unknown */
      p->len += V5_RECORD;
      p->records++;
    }
  return TRUE;
}
