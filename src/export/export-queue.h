/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand mapped flows to the exporter, which encodes them in a thread of its own. */
#pragma once

#include <glib.h>

#include "exporter.h"
#include "routes.h"
#include "flow/mapper.h"

G_BEGIN_DECLS

/* Parsing and mapping run in the caller's thread; libfixbuf's encoding of
 * the flows runs in the queue's thread, a batch behind.  Each line is
 * first copied into the current batch (so the flows mapped from it may
 * point into it until they are encoded); a batch holds up to 1024 flows,
 * and at most 3 batches exist. */
typedef struct VpcExportQueue VpcExportQueue;

/* The queue takes no ownership of routes (their exporters), which it
 * alone uses until vpc_export_queue_finish() returns. */
VpcExportQueue *vpc_export_queue_new (VpcRoutes *routes);
void vpc_export_queue_free (VpcExportQueue *queue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcExportQueue, vpc_export_queue_free)

/* Lines up to this length can be copied. */
#define VPC_EXPORT_QUEUE_MAX_LINE (128 * 1024)

/* A copy of line (len <= VPC_EXPORT_QUEUE_MAX_LINE) to parse in place:
 * it lives as long as the flows of the current batch.  extra (may be
 * NULL; same limit), a text the flow may point to as well, is copied
 * after it, at copy + len + 1. */
char *vpc_export_queue_copy_line (VpcExportQueue *queue, const char *line, gsize len,
                                  const char *extra, gsize extra_len);

/* The flow to fill from the line copied last, then hand over with push. */
VpcFlow *vpc_export_queue_next_flow (VpcExportQueue *queue);

/* Called every 50 ms while the caller waits for the encoder (a batch to
 * fill, a sync, the end), so that signals are seen whatever the outputs
 * are doing.  FALSE: give the wait up (an interruption): the calls below
 * then fail with VPC_ERROR_INTERRUPTED. */
typedef gboolean (*VpcExportQueueWaitFunc) (gpointer data);
void vpc_export_queue_set_wait_func (VpcExportQueue *queue, VpcExportQueueWaitFunc func,
                                     gpointer data);

/* Hand over the flow from vpc_export_queue_next_flow() with its element
 * mask.  FALSE with VPC_ERROR_MALFORMED if the flow is refused (not handed
 * over) because its element set would be one more than
 * VPC_EXPORTER_MAX_TEMPLATES: count its line as malformed and go on.
 * Otherwise the flow is taken, even when this fails: FALSE if encoding
 * failed (VPC_ERROR_IPFIX / VPC_ERROR_IO) or a wait for the encoder was
 * given up (VPC_ERROR_INTERRUPTED): stop. */
gboolean vpc_export_queue_push (VpcExportQueue *queue, guint64 mask, GError **error);

/* The flows pushed from now on come from the input whose key is key (len
 * bytes; NULL: none), for the routes (vpc_routes_set_source): for
 * --observation-domain-from flow-log, its flow log ID.  Each key is
 * copied once per queue; a call with the current key costs a hash lookup,
 * so call it per input, not per flow. */
void vpc_export_queue_set_source (VpcExportQueue *queue, const char *key, gsize len);

/* The flows pushed so far belong to inputs up to delivery mark (see
 * vpc_exporter_mark); it is passed on after they are encoded. */
void vpc_export_queue_mark (VpcExportQueue *queue, guint64 mark);

/* Hand over the flows of the current batch now (for inputs that arrive
 * slowly); the encoder sends them out within its idle time (200 ms). */
void vpc_export_queue_flush (VpcExportQueue *queue);

/* SIGHUP: after the flows handed over so far, the outputs are re-opened
 * (vpc_routes_reopen) in the encoder's thread. */
void vpc_export_queue_reopen (VpcExportQueue *queue);

/* Encode and send everything handed over so far, and wait until it is
 * sent; FALSE if any encoding or sending failed, or the wait was given up
 * (VPC_ERROR_INTERRUPTED). */
gboolean vpc_export_queue_sync (VpcExportQueue *queue, GError **error);

/* FALSE (with the encoder's error) once encoding or an output failed for
 * good, which the encoder may find while the caller has nothing to hand
 * over (a collector gone while the input is idle). */
gboolean vpc_export_queue_check (VpcExportQueue *queue, GError **error);

/* Encode everything handed over, finish the exporter in the encoder's
 * thread (vpc_exporter_finish() with complete, unless encoding failed),
 * and stop the thread; the wait function is called meanwhile.  FALSE if
 * any encoding, sending or finishing failed, or if a stop was asked for
 * (the wait function said so) and the encoder was still blocked 5 s later
 * (an output nobody reads, past the collectors' own grace): then the
 * encoder is left running (vpc_export_queue_is_stuck()), and neither the
 * queue nor the exporter may be freed: the process should end. */
gboolean vpc_export_queue_finish (VpcExportQueue *queue, gboolean complete, GError **error);
gboolean vpc_export_queue_is_stuck (const VpcExportQueue *queue);

/* After vpc_export_queue_finish(): the flows handed over but never
 * encoded because encoding or an output had failed (0 if stuck). */
guint64 vpc_export_queue_get_dropped (VpcExportQueue *queue);

G_END_DECLS
