/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the NetFlow encoder: the packets being built and the steps netflow.c, netflow-v9.c and netflow-v5.c share. */
#pragma once

#include "netflow.h"
#include "output-private.h"
#include "record-packer.h"

G_BEGIN_DECLS

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define HAS(mask, el) (((mask) & BIT (el)) != 0)

typedef struct {
  guint16 tid;
  guint16 record_len;
  guint32 key;
  VpcPacker *packer;     /* its records (record-packer.h), First and Last left zero */
  guint16 times_offset;  /* of First in a record (Last follows), if the key has them */
} VpcNetflowV9Template;

#define V9_HEADER 20
#define V5_HEADER 24
#define V5_RECORD 48

/* Where a record's First and Last go, patched once the packet's clock is known. */
typedef struct {
  guint32 offset;  /* of First; Last follows */
  gint64 first_ms; /* G_MININT64: no time (v5: the export time) */
  gint64 last_ms;
} VpcNetflowTimeSlot;

typedef struct {
  guint8 *buf;
  gsize len;          /* bytes used, header included */
  guint records;      /* flow records */
  guint count;        /* v9 header count: flow records and template records */
  gsize set_start;    /* v9: offset of the open data flowset, 0 if none */
  guint16 set_tid;
  gint64 first_ms;    /* span of the flows' times, first_ms > last_ms when none */
  gint64 last_ms;
  GArray *times;      /* VpcNetflowTimeSlot */
  guint32 sequence;   /* v5: flows sent before this packet, in this engine */
  guint8 engine_id;   /* v5 */
} VpcNetflowPacket;

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
  VpcNetflowPacket packet;
  guint32 sequence;          /* packets sent */
  GArray *templates;         /* VpcNetflowV9Template, in order of definition */
  GHashTable *template_by_key; /* key -> index + 1 */
  guint announced;           /* templates [0, announced) have been sent */
  gboolean sent_any;
  gint64 refreshed_us;
  guint64 since_refresh;     /* data packets since the templates went */
  /* v5: one packet per engine (action) */
  VpcNetflowPacket v5[3];
  gboolean warned_ipv6;
  gboolean warned_times;
};

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

void vpc_netflow_packet_init (VpcNetflowPacket *p, gsize size, gsize header);
void vpc_netflow_packet_clear (VpcNetflowPacket *p);
void vpc_netflow_packet_reset (VpcNetflowPacket *p, gsize header);
/* Whether a flow with times [first, last] keeps the packet's span within
 * what one clock can express. */
gboolean vpc_netflow_packet_span_fits (const VpcNetflowPacket *p, gint64 first_ms, gint64 last_ms);
/* Note where a record's First and Last go, patched once the clock is known. */
void vpc_netflow_packet_note_times (VpcNetflowPacket *p, gsize offset, gint64 first_ms, gint64 last_ms);
/* The packet's clock, and every First/Last patched with it. */
void vpc_netflow_packet_clock (VpcNetflow *self, VpcNetflowPacket *p, VpcNetflowClock *clock);

/* Count n on every output's counter at offset (a VpcOutputStats member). */
void vpc_netflow_count_outputs (VpcNetflow *self, gsize offset, guint64 n);
#define COUNT(self, member, n) vpc_netflow_count_outputs (self, G_STRUCT_OFFSET (VpcOutputStats, member), n)
/* Hand a packet of records flow records to every output. */
gboolean vpc_netflow_send (VpcNetflow *self, const guint8 *data, gsize len, guint records, GError **error);

/* A flow's time span for NetFlow (see netflow.c); FALSE when the flow
 * cannot be sent (counted). */
gboolean vpc_netflow_flow_times (VpcNetflow *self, const VpcFlow *flow, guint64 mask, gint64 *first,
                                 gint64 *last);

/* v9 (netflow-v9.c) */
gboolean vpc_netflow_v9_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error);

/* Free what a VpcNetflowV9Template holds (the templates array's clear function). */
void vpc_netflow_v9_template_clear (gpointer template);
gboolean vpc_netflow_v9_send_packet (VpcNetflow *self, GError **error);
/* Template-only packets holding every template defined so far. */
gboolean vpc_netflow_v9_refresh (VpcNetflow *self, GError **error);

/* v5 (netflow-v5.c) */
gboolean vpc_netflow_v5_add (VpcNetflow *self, const VpcFlow *flow, guint64 mask, GError **error);
gboolean vpc_netflow_v5_send_packet (VpcNetflow *self, VpcNetflowPacket *p, GError **error);

G_END_DECLS
