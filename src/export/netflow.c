/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetFlow v9 and v5 packets, encoded by hand (libfixbuf speaks IPFIX only) and handed to UDP outputs. */
#include "config.h"

#include "netflow.h"

#include <string.h>

#include "output-private.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define HAS(mask, el) (((mask) & BIT (el)) != 0)

/* --- the clock --------------------------------------------------------------- */

static gint64
ceil_second (gint64 ms)
{
  gint64 s = ms / 1000;
  return (ms % 1000 > 0 ? s + 1 : s) * 1000;
}

void
vpc_netflow_clock (gint64 now_ms, gint64 first_ms, gint64 last_ms, gint64 prev_boot_ms,
                   gboolean whole_seconds, VpcNetflowClock *clock)
{
  g_assert (first_ms <= last_ms && last_ms - first_ms <= VPC_NETFLOW_MAX_SPAN);
  gint64 want = first_ms - VPC_NETFLOW_BOOT_MARGIN;
  gint64 export_ms = MAX (now_ms, last_ms);
  if (whole_seconds)
    export_ms = ceil_second (export_ms);
  clock->backdated = FALSE;
  if (export_ms - want > VPC_NETFLOW_UPTIME_MAX)
    {
      /* Older than the window before now: the export time goes back to
       * the end of the latest flow (the span fits, see MAX_SPAN). */
      export_ms = whole_seconds ? ceil_second (last_ms) : last_ms;
      clock->backdated = TRUE;
    }
  gint64 boot = want;
  if (prev_boot_ms != G_MININT64 && prev_boot_ms <= want
      && export_ms - prev_boot_ms <= VPC_NETFLOW_UPTIME_MAX)
    boot = prev_boot_ms;
  clock->boot_ms = boot;
  clock->export_ms = export_ms;
  clock->sys_uptime = (guint32) (export_ms - boot);
}

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

typedef struct {
  guint16 tid;
  guint16 record_len;
  guint32 key;
} V9Template;

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

/* --- packets ----------------------------------------------------------------- */

#define V9_HEADER 20
#define V5_HEADER 24
#define V5_RECORD 48

/* Where a record's First and Last go, patched once the packet's clock is known. */
typedef struct {
  guint32 offset;  /* of First; Last follows */
  gint64 first_ms; /* G_MININT64: no time (v5: the export time) */
  gint64 last_ms;
} TimeSlot;

typedef struct {
  guint8 *buf;
  gsize len;          /* bytes used, header included */
  guint records;      /* flow records */
  guint count;        /* v9 header count: flow records and template records */
  gsize set_start;    /* v9: offset of the open data flowset, 0 if none */
  guint16 set_tid;
  gint64 first_ms;    /* span of the flows' times, first_ms > last_ms when none */
  gint64 last_ms;
  GArray *times;      /* TimeSlot */
  guint32 sequence;   /* v5: flows sent before this packet, in this engine */
  guint8 engine_id;   /* v5 */
} Packet;

struct VpcNetflow {
  VpcProtocol protocol;
  guint32 source_id;
  GPtrArray *outputs;        /* VpcOutput*, borrowed */
  const VpcNetOptions *options;
  const VpcDiag *diag;
  gsize max_packet;
  guint v5_max_records;
  gint64 boot_ms;            /* the last packet's boot time, G_MININT64 before */
  /* v9 */
  Packet packet;
  guint32 sequence;          /* packets sent */
  GArray *templates;         /* V9Template, in order of definition */
  GHashTable *template_by_key; /* key -> index + 1 */
  guint announced;           /* templates [0, announced) have been sent */
  gboolean sent_any;
  gint64 refreshed_us;
  guint64 since_refresh;     /* data packets since the templates went */
  /* v5: one packet per engine (action) */
  Packet v5[3];
  gboolean warned_ipv6;
  gboolean warned_times;
};

static void
packet_init (Packet *p, gsize size, gsize header)
{
  p->buf = g_malloc0 (size);
  p->len = header;
  p->first_ms = G_MAXINT64;
  p->last_ms = G_MININT64;
  p->times = g_array_new (FALSE, FALSE, sizeof (TimeSlot));
}

static void
packet_clear (Packet *p)
{
  g_free (p->buf);
  if (p->times != NULL)
    g_array_unref (p->times);
}

static void
packet_reset (Packet *p, gsize header)
{
  p->len = header;
  p->records = p->count = 0;
  p->set_start = 0;
  p->first_ms = G_MAXINT64;
  p->last_ms = G_MININT64;
  g_array_set_size (p->times, 0);
}

static inline void
put8 (guint8 *at, guint8 v)
{
  at[0] = v;
}

static inline void
put16 (guint8 *at, guint16 v)
{
  at[0] = (guint8) (v >> 8);
  at[1] = (guint8) v;
}

static inline void
put32 (guint8 *at, guint32 v)
{
  put16 (at, (guint16) (v >> 16));
  put16 (at + 2, (guint16) v);
}

static inline void
put64 (guint8 *at, guint64 v)
{
  put32 (at, (guint32) (v >> 32));
  put32 (at + 4, (guint32) v);
}

/* Whether a flow with times [first, last] keeps the packet's span within
 * what one clock can express. */
static gboolean
packet_span_fits (const Packet *p, gint64 first_ms, gint64 last_ms)
{
  if (first_ms == G_MININT64 || p->first_ms > p->last_ms)
    return TRUE;
  return MAX (p->last_ms, last_ms) - MIN (p->first_ms, first_ms) <= VPC_NETFLOW_MAX_SPAN;
}

static void
packet_note_times (Packet *p, gsize offset, gint64 first_ms, gint64 last_ms)
{
  TimeSlot slot = { (guint32) offset, first_ms, last_ms };
  g_array_append_val (p->times, slot);
  if (first_ms == G_MININT64)
    return;
  p->first_ms = MIN (p->first_ms, first_ms);
  p->last_ms = MAX (p->last_ms, last_ms);
}

/* Count n on every output's counter at offset (a VpcOutputStats member). */
static void
count_outputs (VpcNetflow *self, gsize offset, guint64 n)
{
  for (guint i = 0; i < self->outputs->len; i++)
    {
      VpcOutput *output = self->outputs->pdata[i];
      vpc_output_count (output, (guint64 *) ((guint8 *) &output->stats + offset), n);
    }
}

#define COUNT(self, member, n) count_outputs (self, G_STRUCT_OFFSET (VpcOutputStats, member), n)

static gboolean
send_to_outputs (VpcNetflow *self, const guint8 *data, gsize len, guint records, GError **error)
{
  for (guint i = 0; i < self->outputs->len; i++)
    if (!vpc_output_send (self->outputs->pdata[i], data, len, records, error))
      return FALSE;
  return TRUE;
}

/* Close the open v9 data flowset: pad it to 4 bytes and set its length. */
static void
v9_close_set (Packet *p)
{
  if (p->set_start == 0)
    return;
  while ((p->len - p->set_start) % 4 != 0)
    p->buf[p->len++] = 0;
  put16 (p->buf + p->set_start + 2, (guint16) (p->len - p->set_start));
  p->set_start = 0;
}

/* The packet's clock, and every First/Last patched with it. */
static void
packet_clock (VpcNetflow *self, Packet *p, VpcNetflowClock *clock)
{
  gint64 now = g_get_real_time () / 1000;
  gboolean v9 = self->protocol == VPC_PROTOCOL_NETFLOW_V9;
  if (p->first_ms <= p->last_ms)
    vpc_netflow_clock (now, p->first_ms, p->last_ms, self->boot_ms, v9, clock);
  else
    vpc_netflow_clock (now, now, now, self->boot_ms, v9, clock);
  self->boot_ms = clock->boot_ms;
  for (guint i = 0; i < p->times->len; i++)
    {
      const TimeSlot *t = &g_array_index (p->times, TimeSlot, i);
      guint32 first = t->first_ms == G_MININT64 ? clock->sys_uptime
                                                 : vpc_netflow_uptime (clock, t->first_ms);
      guint32 last = t->first_ms == G_MININT64 ? clock->sys_uptime
                                                : vpc_netflow_uptime (clock, t->last_ms);
      put32 (p->buf + t->offset, first);
      put32 (p->buf + t->offset + 4, last);
    }
}

static gboolean
v9_send_packet (VpcNetflow *self, GError **error)
{
  Packet *p = &self->packet;
  if (p->count == 0)
    return TRUE;
  v9_close_set (p);
  VpcNetflowClock clock;
  packet_clock (self, p, &clock);
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
  gboolean ok = send_to_outputs (self, p->buf, p->len, p->records, error);
  packet_reset (p, V9_HEADER);
  return ok;
}

static gsize
v9_template_size (const V9Template *t)
{
  return 4 + 4 * v9_field_count (t->key);
}

/* Append template t in a template flowset of its own. */
static void
v9_append_template (Packet *p, const V9Template *t)
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
static gboolean
v9_refresh (VpcNetflow *self, GError **error)
{
  if (!v9_send_packet (self, error))
    return FALSE;
  Packet *p = &self->packet;
  for (guint i = 0; i < self->templates->len; i++)
    {
      const V9Template *t = &g_array_index (self->templates, V9Template, i);
      if (p->len + 4 + v9_template_size (t) > self->max_packet)
        {
          if (!v9_send_packet (self, error))
            return FALSE;
        }
      v9_append_template (p, t);
    }
  self->announced = self->templates->len;
  if (!v9_send_packet (self, error))
    return FALSE;
  self->refreshed_us = g_get_monotonic_time ();
  self->since_refresh = 0;
  return TRUE;
}

static const V9Template *
v9_template_for (VpcNetflow *self, guint32 key, guint *index)
{
  gpointer found = g_hash_table_lookup (self->template_by_key, GUINT_TO_POINTER (key));
  if (found != NULL)
    {
      *index = GPOINTER_TO_UINT (found) - 1;
      return &g_array_index (self->templates, V9Template, *index);
    }
  V9Template t = { .tid = (guint16) (256 + self->templates->len),
                   .record_len = v9_record_len (key),
                   .key = key };
  g_array_append_val (self->templates, t);
  *index = self->templates->len - 1;
  g_hash_table_insert (self->template_by_key, GUINT_TO_POINTER (key),
                       GUINT_TO_POINTER (*index + 1));
  return &g_array_index (self->templates, V9Template, *index);
}

/* A flow's time span for NetFlow: start and end, either one standing for
 * both when the other is missing; G_MININT64 when it has none.  A span
 * wider than one clock can hold (or an end before the start) is clamped
 * to its end and counted.  FALSE (counted, warned about once) for times
 * NetFlow's 32-bit export time in seconds cannot reach. */
static gboolean
flow_times (VpcNetflow *self, const VpcFlow *flow, guint64 mask, gint64 *first, gint64 *last)
{
  gboolean has_start = HAS (mask, VPC_EL_START), has_end = HAS (mask, VPC_EL_END);
  if (!has_start && !has_end)
    {
      *first = *last = G_MININT64;
      return TRUE;
    }
  guint64 start = has_start ? flow->flowStartMilliseconds : flow->flowEndMilliseconds;
  guint64 end = has_end ? flow->flowEndMilliseconds : flow->flowStartMilliseconds;
  if (MIN (start, end) < VPC_NETFLOW_TIME_MIN || MAX (start, end) > VPC_NETFLOW_TIME_MAX)
    {
      COUNT (self, skipped_times, 1);
      if (!self->warned_times)
        vpc_diag_emit (self->diag, "NetFlow cannot carry times before 1970-01-01 00:00:01 or "
                                   "after 2106-02-07 06:28:14 UTC (its export time is 32-bit "
                                   "seconds): such flows are not sent (counted as "
                                   "skipped_times)");
      self->warned_times = TRUE;
      return FALSE;
    }
  *first = (gint64) start;
  *last = (gint64) end;
  if (*last < *first || *last - *first > VPC_NETFLOW_MAX_SPAN)
    {
      *first = *last < *first ? *last : *last - VPC_NETFLOW_MAX_SPAN;
      COUNT (self, clamped_times, 1);
    }
  return TRUE;
}

static gboolean
v9_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  Packet *p = &self->packet;
  guint32 key = v9_key (flow, mask);
  guint index;
  gint64 first, last;
  if (!flow_times (self, flow, mask, &first, &last))
    return TRUE;
  const V9Template *t = v9_template_for (self, key, &index);

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
  if (p->len + need > self->max_packet || !packet_span_fits (p, first, last))
    {
      if (!v9_send_packet (self, error))
        return FALSE;
      need = t->record_len + 4 + 3 + (announce ? 4 + v9_template_size (t) : 0);
    }
  if (p->count == 0 && self->sent_any
      && vpc_refresh_due (self->options, self->refreshed_us, self->since_refresh,
                          g_get_monotonic_time (), FALSE))
    {
      if (!v9_refresh (self, error))
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

  guint8 *at = p->buf + p->len;
  for (guint f = 0; f < F_COUNT; f++)
    {
      if (!(key & (1u << f)))
        continue;
      switch ((V9Field) f)
        {
        case F_SRC4: put32 (at, flow->sourceIPv4Address); break;
        case F_SRC6: memcpy (at, flow->sourceIPv6Address, 16); break;
        case F_DST4: put32 (at, flow->destinationIPv4Address); break;
        case F_DST6: memcpy (at, flow->destinationIPv6Address, 16); break;
        case F_SRCPORT: put16 (at, flow->sourceTransportPort); break;
        case F_DSTPORT: put16 (at, flow->destinationTransportPort); break;
        case F_PROTOCOL: put8 (at, flow->protocolIdentifier); break;
        case F_PACKETS: put64 (at, flow->packetDeltaCount); break;
        case F_OCTETS: put64 (at, flow->octetDeltaCount); break;
        case F_FIRST:
          packet_note_times (p, (gsize) (at - p->buf), first, last);
          break;
        case F_LAST: break; /* with F_FIRST */
        case F_TCP_FLAGS: put8 (at, flow->tcpControlBits); break;
        case F_FORWARDING_STATUS: put8 (at, flow->forwardingStatus); break;
        case F_DIRECTION: put8 (at, flow->flowDirection); break;
        case F_INPUT: put16 (at, (guint16) flow->ingressInterface); break;
        case F_OUTPUT: put16 (at, (guint16) flow->egressInterface); break;
        case F_IP_VERSION: put8 (at, flow->ipVersion); break;
        case F_ICMP_TYPE: put16 (at, flow->destinationTransportPort); break;
        case F_NAT_SRC4: put32 (at, flow->postNATSourceIPv4Address); break;
        case F_NAT_DST4: put32 (at, flow->postNATDestinationIPv4Address); break;
        case F_NAT_SRC6: memcpy (at, flow->postNATSourceIPv6Address, 16); break;
        case F_NAT_DST6: memcpy (at, flow->postNATDestinationIPv6Address, 16); break;
        case F_FW_EVENT: put8 (at, flow->firewallEvent); break;
        case F_COUNT: g_assert_not_reached ();
        }
      at += v9_fields[f].length;
    }
  p->len += t->record_len;
  p->records++;
  p->count++;
  return TRUE;
}

/* --- v5 ---------------------------------------------------------------------- */

static gboolean
v5_send_packet (VpcNetflow *self, Packet *p, GError **error)
{
  if (p->records == 0)
    return TRUE;
  VpcNetflowClock clock;
  packet_clock (self, p, &clock);
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
  gboolean ok = send_to_outputs (self, p->buf, p->len, p->records, error);
  memset (p->buf, 0, p->len);
  packet_reset (p, V5_HEADER);
  return ok;
}

static gboolean
v5_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error)
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
  Packet *p = &self->v5[engine];
  gint64 first, last;
  if (!flow_times (self, flow, mask, &first, &last))
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
      if (p->records == self->v5_max_records || !packet_span_fits (p, first, last))
        if (!v5_send_packet (self, p, error))
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
      packet_note_times (p, (gsize) (at + 24 - p->buf), first, last);
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

/* --- the encoder ------------------------------------------------------------- */

VpcNetflow *
vpc_netflow_new (VpcProtocol protocol, guint32 source_id, GPtrArray *outputs,
                 const VpcDiag *diag, GError **error)
{
  g_assert (protocol != VPC_PROTOCOL_IPFIX && outputs->len > 0);
  g_autoptr (VpcNetflow) self = g_new0 (VpcNetflow, 1);
  self->protocol = protocol;
  self->source_id = source_id;
  self->outputs = outputs;
  self->diag = diag;
  self->options = vpc_output_get_options (outputs->pdata[0]);
  self->boot_ms = G_MININT64;
  self->max_packet = G_MAXUINT16;
  for (guint i = 0; i < outputs->len; i++)
    self->max_packet = MIN (self->max_packet, vpc_output_get_max_message (outputs->pdata[i]));
  self->templates = g_array_new (FALSE, FALSE, sizeof (V9Template));
  self->template_by_key = g_hash_table_new (NULL, NULL);
  if (protocol == VPC_PROTOCOL_NETFLOW_V9)
    {
      packet_init (&self->packet, self->max_packet, V9_HEADER);
      return g_steal_pointer (&self);
    }
  self->v5_max_records
      = (guint) MIN (VPC_NETFLOW_V5_MAX_RECORDS, (self->max_packet - V5_HEADER) / V5_RECORD);
  if (self->max_packet < V5_HEADER + V5_RECORD)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "a NetFlow v5 packet needs at least %d bytes (raise --mtu)",
                   V5_HEADER + V5_RECORD);
      return NULL;
    }
  for (guint e = 0; e < G_N_ELEMENTS (self->v5); e++)
    {
      packet_init (&self->v5[e], V5_HEADER + self->v5_max_records * V5_RECORD, V5_HEADER);
      self->v5[e].engine_id = (guint8) e;
    }
  return g_steal_pointer (&self);
}

void
vpc_netflow_free (VpcNetflow *self)
{
  if (self == NULL)
    return;
  packet_clear (&self->packet);
  for (guint e = 0; e < G_N_ELEMENTS (self->v5); e++)
    packet_clear (&self->v5[e]);
  g_array_unref (self->templates);
  g_hash_table_unref (self->template_by_key);
  g_free (self);
}

gboolean
vpc_netflow_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  if (self->protocol == VPC_PROTOCOL_NETFLOW_V9)
    return v9_add (self, flow, mask, error);
  return v5_add (self, flow, mask, error);
}

gboolean
vpc_netflow_flush (VpcNetflow *self, GError **error)
{
  if (self->protocol == VPC_PROTOCOL_NETFLOW_V9)
    return v9_send_packet (self, error);
  for (guint e = 0; e < G_N_ELEMENTS (self->v5); e++)
    if (!v5_send_packet (self, &self->v5[e], error))
      return FALSE;
  return TRUE;
}

gboolean
vpc_netflow_idle (VpcNetflow *self, GError **error)
{
  if (!vpc_netflow_flush (self, error))
    return FALSE;
  if (self->protocol == VPC_PROTOCOL_NETFLOW_V9 && self->sent_any
      && vpc_refresh_due (self->options, self->refreshed_us, self->since_refresh,
                          g_get_monotonic_time (), TRUE))
    return v9_refresh (self, error);
  return TRUE;
}

guint
vpc_netflow_get_template_count (const VpcNetflow *self)
{
  return self->templates->len;
}
