/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetFlow v9 (RFC 3954) and v5 encoding of flows for legacy collectors, and their uptime clock. */
#pragma once

#include <glib.h>

#include "flow/mapper.h"
#include "output.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* NetFlow times are milliseconds of the exporter's uptime, a 32-bit
 * counter: a packet's header gives the uptime at export (sysUptime) and
 * the export time (unix_secs), and each record its first and last packet
 * as uptimes.  A collector gets a flow's time back as
 *   export time - sysUptime + First.
 * vpc2ipfix picks, for each packet, a boot time (uptime 0) at least 1 s
 * before the packet's earliest flow start, kept from packet to packet
 * while it can be (sysUptime then only grows), so that every First and
 * Last is positive, at most sysUptime, and nothing wraps.  The export
 * time is now, or the end of the packet's latest flow if that is later
 * (a clock ahead of ours).  Flows older than the window allows (the
 * earliest one more than 2^32 ms, 49.7 days, before the export time)
 * get an export time set back to the end of the packet's latest flow:
 * the packet is "backdated". */
#define VPC_NETFLOW_UPTIME_MAX G_GINT64_CONSTANT (0xFFFFFFFF)
/* Boot time margin before the earliest flow start (nfcapd ignores the
 * times of a v9 record whose LAST_SWITCHED is 0). */
#define VPC_NETFLOW_BOOT_MARGIN 1000
/* The widest span of flow times one packet may hold: its earliest start
 * to its latest end, with the margin and the rounding of the export time
 * to a whole second. */
#define VPC_NETFLOW_MAX_SPAN (VPC_NETFLOW_UPTIME_MAX - VPC_NETFLOW_BOOT_MARGIN - 1000)

/* The flow times NetFlow can carry: the export time is 32-bit seconds,
 * and the boot time comes before the flows.  Flows with other times are
 * not sent (counted as skipped_times). */
#define VPC_NETFLOW_TIME_MIN VPC_NETFLOW_BOOT_MARGIN
#define VPC_NETFLOW_TIME_MAX (G_GINT64_CONSTANT (0xFFFFFFFF) * 1000 - 1000)

typedef struct {
  gint64 boot_ms;      /* Unix milliseconds of uptime 0 */
  gint64 export_ms;    /* the export time in the header */
  guint32 sys_uptime;  /* export_ms - boot_ms */
  gboolean backdated;  /* export_ms is not now: the flows are older than the window */
} VpcNetflowClock;

/* The clock of a packet sent at now_ms whose flows start no earlier than
 * first_ms and end no later than last_ms (first_ms <= last_ms, at most
 * VPC_NETFLOW_MAX_SPAN apart).  prev_boot_ms is the previous packet's
 * boot time (G_MININT64 for none), kept if it still fits.  whole_seconds:
 * the export time is a whole second (v9's header has no fraction). */
void vpc_netflow_clock (gint64 now_ms, gint64 first_ms, gint64 last_ms, gint64 prev_boot_ms,
                        gboolean whole_seconds, VpcNetflowClock *clock);

/* A time as uptime under clock (t_ms within the packet's flow span). */
static inline guint32
vpc_netflow_uptime (const VpcNetflowClock *clock, gint64 t_ms)
{
  return (guint32) (t_ms - clock->boot_ms);
}

/* v5 counters are 32-bit: a flow with more packets or bytes is split
 * into this many records (1 if it fits), whose counts add up to the
 * flow's: record i of n gets count / n, plus 1 if i < count % n.  Splits
 * stop at VPC_NETFLOW_V5_MAX_PIECES records (4 TiB): beyond, each
 * record's counts are clamped to 2^32 - 1 and *clamped is set. */
#define VPC_NETFLOW_V5_MAX_PIECES 1024
guint64 vpc_netflow_v5_pieces (guint64 packets, guint64 octets, gboolean *clamped);
/* The count of record i of n. */
guint32 vpc_netflow_v5_piece (guint64 count, guint64 n, guint64 i);

/* The v5 engine_id carrying a flow's action: v5 has no field for it, so
 * accepted and rejected flows go out as two engines of one exporter, each
 * with its own flow sequence (nfdump: filter "engine-id 2"). */
#define VPC_NETFLOW_V5_ENGINE_NONE 0   /* no action logged */
#define VPC_NETFLOW_V5_ENGINE_ACCEPT 1
#define VPC_NETFLOW_V5_ENGINE_REJECT 2

/* v5 holds 30 records of 48 bytes after a 24-byte header. */
#define VPC_NETFLOW_V5_MAX_RECORDS 30

typedef struct VpcNetflow VpcNetflow;

/* Encode flows as NetFlow (protocol v9 or v5) for outputs (VpcOutput*,
 * borrowed: UDP outputs of that protocol), in packets as large as the
 * smallest of them takes.  source_id: the v9 source ID (v5: unused).
 * Template refresh (v9) follows the first output's options.  diag gets
 * the one warning about IPv6 flows v5 cannot carry. */
VpcNetflow *vpc_netflow_new (VpcProtocol protocol, guint32 source_id, GPtrArray *outputs,
                             const VpcDiag *diag, GError **error);
void vpc_netflow_free (VpcNetflow *netflow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcNetflow, vpc_netflow_free)

/* Add one flow carrying the elements in mask (see mapper.h); what the
 * protocol cannot carry is left out (README "NetFlow v9 and v5"). */
gboolean vpc_netflow_add (VpcNetflow *netflow, const VpcFlow *flow, guint64 mask, GError **error);

/* Send the packets being built. */
gboolean vpc_netflow_flush (VpcNetflow *netflow, GError **error);

/* The stream is idle: flush, and refresh the v9 templates if the timer
 * says so. */
gboolean vpc_netflow_idle (VpcNetflow *netflow, GError **error);

/* v9 templates defined so far. */
guint vpc_netflow_get_template_count (const VpcNetflow *netflow);

G_END_DECLS
