/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Batches of mapped flows between the parsing thread and the encoding thread:
 * parsing and libfixbuf's transcoding each take about half the CPU time of
 * a conversion, so on two cores they run side by side. */
#include "config.h"

#include "export-queue.h"

#include <string.h>

#define BATCH_FLOWS 1024
#define BATCHES 3

typedef struct {
  VpcFlow flows[BATCH_FLOWS];
  guint64 masks[BATCH_FLOWS];
  guint n;
  char text[VPC_EXPORT_QUEUE_MAX_LINE * 2]; /* the lines the flows point into */
  gsize text_used;
  gboolean sync; /* after it, send everything and acknowledge */
  guint64 mark;  /* after its flows, the delivery mark (0: none) */
  gboolean last; /* the sentinel that stops the thread */
} Batch;

/* With nothing to encode for this long, the encoder sends the message it
 * holds and lets the outputs do their timed work. */
#define IDLE_US 200000

struct VpcExportQueue {
  VpcExporter *exporter;
  GThread *thread;
  GAsyncQueue *full;  /* Batch*, parser -> encoder */
  GAsyncQueue *empty; /* Batch*, encoder -> parser */
  GAsyncQueue *acks;  /* a token per sync batch done, encoder -> parser */
  Batch *current;     /* being filled */
  gint failed;
  gint abandoned;     /* stop without encoding the rest */
  GError *error;      /* the encoder's first error; read after failed is seen */
  gboolean finished;
};

static gpointer
export_queue_thread (gpointer data)
{
  VpcExportQueue *queue = data;
  for (;;)
    {
      Batch *batch = g_async_queue_timeout_pop (queue->full, IDLE_US);
      gboolean go = !g_atomic_int_get (&queue->failed) && !g_atomic_int_get (&queue->abandoned);
      if (batch == NULL)
        {
          if (go && !vpc_exporter_idle (queue->exporter, &queue->error))
            g_atomic_int_set (&queue->failed, 1);
          continue;
        }
      if (batch->last)
        {
          g_free (batch);
          return NULL;
        }
      for (guint i = 0; i < batch->n && go; i++)
        if (!vpc_exporter_add (queue->exporter, &batch->flows[i], batch->masks[i], &queue->error))
          {
            g_atomic_int_set (&queue->failed, 1);
            go = FALSE;
          }
      if (batch->mark != 0 && go)
        vpc_exporter_mark (queue->exporter, batch->mark);
      if (batch->sync)
        {
          if (go && !vpc_exporter_flush (queue->exporter, &queue->error))
            g_atomic_int_set (&queue->failed, 1);
          g_async_queue_push (queue->acks, GINT_TO_POINTER (1));
        }
      batch->n = 0;
      batch->text_used = 0;
      batch->sync = FALSE;
      batch->mark = 0;
      g_async_queue_push (queue->empty, batch);
    }
}

VpcExportQueue *
vpc_export_queue_new (VpcExporter *exporter)
{
  VpcExportQueue *queue = g_new0 (VpcExportQueue, 1);
  queue->exporter = exporter;
  queue->full = g_async_queue_new_full (g_free);
  queue->empty = g_async_queue_new_full (g_free);
  queue->acks = g_async_queue_new ();
  for (int i = 0; i < BATCHES - 1; i++)
    g_async_queue_push (queue->empty, g_new0 (Batch, 1));
  queue->current = g_new0 (Batch, 1);
  queue->thread = g_thread_new ("vpc-encoder", export_queue_thread, queue);
  return queue;
}

static void
export_queue_send (VpcExportQueue *queue)
{
  g_async_queue_push (queue->full, queue->current);
  queue->current = g_async_queue_pop (queue->empty);
}

char *
vpc_export_queue_copy_line (VpcExportQueue *queue, const char *line, gsize len,
                            const char *extra, gsize extra_len)
{
  g_assert (len <= VPC_EXPORT_QUEUE_MAX_LINE && extra_len <= VPC_EXPORT_QUEUE_MAX_LINE);
  gsize need = len + 1 + (extra != NULL ? extra_len + 1 : 0);
  Batch *batch = queue->current;
  if (batch->n == BATCH_FLOWS || sizeof batch->text - batch->text_used < need)
    {
      export_queue_send (queue);
      batch = queue->current;
    }
  char *copy = batch->text + batch->text_used;
  memcpy (copy, line, len);
  copy[len] = '\0';
  if (extra != NULL)
    {
      memcpy (copy + len + 1, extra, extra_len);
      copy[len + 1 + extra_len] = '\0';
    }
  batch->text_used += need;
  return copy;
}

VpcFlow *
vpc_export_queue_next_flow (VpcExportQueue *queue)
{
  return &queue->current->flows[queue->current->n];
}

static gboolean
export_queue_check (VpcExportQueue *queue, GError **error)
{
  if (!g_atomic_int_get (&queue->failed))
    return TRUE;
  g_propagate_error (error, g_error_copy (queue->error));
  return FALSE;
}

gboolean
vpc_export_queue_push (VpcExportQueue *queue, guint64 mask, GError **error)
{
  Batch *batch = queue->current;
  batch->masks[batch->n++] = mask;
  return export_queue_check (queue, error);
}

void
vpc_export_queue_mark (VpcExportQueue *queue, guint64 mark)
{
  queue->current->mark = MAX (queue->current->mark, mark);
}

void
vpc_export_queue_flush (VpcExportQueue *queue)
{
  if (queue->current->n > 0 || queue->current->mark != 0)
    export_queue_send (queue);
}

gboolean
vpc_export_queue_sync (VpcExportQueue *queue, GError **error)
{
  queue->current->sync = TRUE;
  export_queue_send (queue);
  g_async_queue_pop (queue->acks);
  return export_queue_check (queue, error);
}

gboolean
vpc_export_queue_finish (VpcExportQueue *queue, GError **error)
{
  if (!queue->finished)
    {
      g_async_queue_push (queue->full, g_steal_pointer (&queue->current));
      Batch *stop = g_new0 (Batch, 1);
      stop->last = TRUE;
      g_async_queue_push (queue->full, stop);
      g_thread_join (queue->thread);
      queue->finished = TRUE;
    }
  return export_queue_check (queue, error);
}

void
vpc_export_queue_free (VpcExportQueue *queue)
{
  if (queue == NULL)
    return;
  /* Stop the encoder without encoding the rest: the run is abandoned. */
  if (!queue->finished)
    {
      g_atomic_int_set (&queue->abandoned, 1);
      vpc_export_queue_finish (queue, NULL);
    }
  g_free (queue->current);
  g_async_queue_unref (queue->full);
  g_async_queue_unref (queue->empty);
  g_async_queue_unref (queue->acks);
  g_clear_error (&queue->error);
  g_free (queue);
}
