/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetFlow v9 and v5 packets, encoded by hand (libfixbuf speaks IPFIX only) and handed to UDP outputs: the clock, the packets, the encoder (v9 in netflow-v9.c, v5 in netflow-v5.c). */
#include "config.h"

#include "netflow-private.h"

#include <string.h>

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

void
vpc_netflow_packet_init (VpcNetflowPacket *p, gsize size, gsize header)
{
  p->buf = g_malloc0 (size);
  p->len = header;
  p->first_ms = G_MAXINT64;
  p->last_ms = G_MININT64;
  p->times = g_array_new (FALSE, FALSE, sizeof (VpcNetflowTimeSlot));
}

void
vpc_netflow_packet_clear (VpcNetflowPacket *p)
{
  g_free (p->buf);
  if (p->times != NULL)
    g_array_unref (p->times);
}

void
vpc_netflow_packet_reset (VpcNetflowPacket *p, gsize header)
{
  p->len = header;
  p->records = p->count = 0;
  p->set_start = 0;
  p->first_ms = G_MAXINT64;
  p->last_ms = G_MININT64;
  g_array_set_size (p->times, 0);
}

/* Whether a flow with times [first, last] keeps the packet's span within
 * what one clock can express. */
gboolean
vpc_netflow_packet_span_fits (const VpcNetflowPacket *p, gint64 first_ms, gint64 last_ms)
{
  if (first_ms == G_MININT64 || p->first_ms > p->last_ms)
    return TRUE;
  return MAX (p->last_ms, last_ms) - MIN (p->first_ms, first_ms) <= VPC_NETFLOW_MAX_SPAN;
}

void
vpc_netflow_packet_note_times (VpcNetflowPacket *p, gsize offset, gint64 first_ms, gint64 last_ms)
{
  VpcNetflowTimeSlot slot = { (guint32) offset, first_ms, last_ms };
  g_array_append_val (p->times, slot);
  if (first_ms == G_MININT64)
    return;
  p->first_ms = MIN (p->first_ms, first_ms);
  p->last_ms = MAX (p->last_ms, last_ms);
}

/* Count n on every output's counter at offset (a VpcOutputStats member). */
void
vpc_netflow_count_outputs (VpcNetflow *self, gsize offset, guint64 n)
{
  for (guint i = 0; i < self->outputs->len; i++)
    {
      VpcOutput *output = self->outputs->pdata[i];
      vpc_output_count (output, (guint64 *) ((guint8 *) &output->stats + offset), n);
    }
}


gboolean
vpc_netflow_send (VpcNetflow *self, const guint8 *data, gsize len, guint records, GError **error)
{
  for (guint i = 0; i < self->outputs->len; i++)
    if (!vpc_output_send (self->outputs->pdata[i], data, len, records, error))
      return FALSE;
  return TRUE;
}

/* The packet's clock, and every First/Last patched with it. */
void
vpc_netflow_packet_clock (VpcNetflow *self, VpcNetflowPacket *p, VpcNetflowClock *clock)
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
      const VpcNetflowTimeSlot *t = &g_array_index (p->times, VpcNetflowTimeSlot, i);
      guint32 first = t->first_ms == G_MININT64 ? clock->sys_uptime
                                                 : vpc_netflow_uptime (clock, t->first_ms);
      guint32 last = t->first_ms == G_MININT64 ? clock->sys_uptime
                                                : vpc_netflow_uptime (clock, t->last_ms);
      put32 (p->buf + t->offset, first);
      put32 (p->buf + t->offset + 4, last);
    }
}

/* A flow's time span for NetFlow: start and end, either one standing for
 * both when the other is missing; G_MININT64 when it has none.  A span
 * wider than one clock can hold (or an end before the start) is clamped
 * to its end and counted.  FALSE (counted, warned about once) for times
 * NetFlow's 32-bit export time in seconds cannot reach. */
gboolean
vpc_netflow_flow_times (VpcNetflow *self, const VpcFlow *flow, guint64 mask, gint64 *first, gint64 *last)
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
  self->templates = g_array_new (FALSE, FALSE, sizeof (VpcNetflowV9Template));
  g_array_set_clear_func (self->templates, vpc_netflow_v9_template_clear);
  self->template_by_key = g_hash_table_new (NULL, NULL);
  if (protocol == VPC_PROTOCOL_NETFLOW_V9)
    {
      vpc_netflow_packet_init (&self->packet, self->max_packet, V9_HEADER);
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
      vpc_netflow_packet_init (&self->v5[e], V5_HEADER + self->v5_max_records * V5_RECORD, V5_HEADER);
      self->v5[e].engine_id = (guint8) e;
    }
  return g_steal_pointer (&self);
}

void
vpc_netflow_free (VpcNetflow *self)
{
  if (self == NULL)
    return;
  vpc_netflow_packet_clear (&self->packet);
  for (guint e = 0; e < G_N_ELEMENTS (self->v5); e++)
    vpc_netflow_packet_clear (&self->v5[e]);
  g_array_unref (self->templates);
  g_hash_table_unref (self->template_by_key);
  g_free (self);
}

gboolean
vpc_netflow_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  if (self->protocol == VPC_PROTOCOL_NETFLOW_V9)
    return vpc_netflow_v9_add (self, flow, mask, error);
  return vpc_netflow_v5_add (self, flow, mask, error);
}

gboolean
vpc_netflow_flush (VpcNetflow *self, GError **error)
{
  if (self->protocol == VPC_PROTOCOL_NETFLOW_V9)
    return vpc_netflow_v9_send_packet (self, error);
  for (guint e = 0; e < G_N_ELEMENTS (self->v5); e++)
    if (!vpc_netflow_v5_send_packet (self, &self->v5[e], error))
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
    return vpc_netflow_v9_refresh (self, error);
  return TRUE;
}

guint
vpc_netflow_get_template_count (const VpcNetflow *self)
{
  return self->templates->len;
}
