/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand mapped flows to the exporter, which encodes them in a thread of its own. */
#pragma once

#include <glib.h>

#include "exporter.h"
#include "flow/mapper.h"

G_BEGIN_DECLS

/* Parsing and mapping run in the caller's thread; libfixbuf's encoding of
 * the flows runs in the queue's thread, a batch behind.  Each line is
 * first copied into the current batch (so the flows mapped from it may
 * point into it until they are encoded); a batch holds up to 1024 flows,
 * and at most 3 batches exist. */
typedef struct VpcExportQueue VpcExportQueue;

/* The queue takes no ownership of exporter, which it alone uses until
 * vpc_export_queue_finish() returns. */
VpcExportQueue *vpc_export_queue_new (VpcExporter *exporter);
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

/* Hand over the flow from vpc_export_queue_next_flow() with its element
 * mask.  FALSE if encoding failed (VPC_ERROR_IPFIX / VPC_ERROR_IO): stop. */
gboolean vpc_export_queue_push (VpcExportQueue *queue, guint64 mask, GError **error);

/* The flows pushed so far belong to inputs up to delivery mark (see
 * vpc_exporter_mark); it is passed on after they are encoded. */
void vpc_export_queue_mark (VpcExportQueue *queue, guint64 mark);

/* Hand over the flows of the current batch now (for inputs that arrive
 * slowly); the encoder sends them out within its idle time (200 ms). */
void vpc_export_queue_flush (VpcExportQueue *queue);

/* Encode and send everything handed over so far, and wait until it is
 * sent; FALSE if any encoding or sending failed. */
gboolean vpc_export_queue_sync (VpcExportQueue *queue, GError **error);

/* Encode everything handed over and stop the thread; FALSE if any
 * encoding failed. */
gboolean vpc_export_queue_finish (VpcExportQueue *queue, GError **error);

G_END_DECLS
