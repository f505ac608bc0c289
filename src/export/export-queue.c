/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Batches of mapped flows between the parsing thread and the encoding thread:
 * parsing and libfixbuf's transcoding each take about half the CPU time of
 * a conversion, so on two cores they run side by side. */
#include "config.h"

#include "export-queue.h"

#include <string.h>

#define BATCH_FLOWS 1024
/* Element sets remembered without a hash lookup. */
#define MASK_CACHE 64
#define BATCHES 3
/* Changes of input key (vpc_export_queue_set_source) a batch holds. */
#define SOURCE_RUNS 16

/* From flow index from on, the flows come from the input key key. */
typedef struct {
  guint from;
  const char *key;
} SourceRun;

typedef struct {
  VpcFlow flows[BATCH_FLOWS];
  guint64 masks[BATCH_FLOWS];
  guint n;
  char text[VPC_EXPORT_QUEUE_MAX_LINE * 2]; /* the lines the flows point into */
  gsize text_used;
  gboolean sync; /* after it, send everything and acknowledge */
  guint64 mark;  /* after its flows, the delivery mark (0: none) */
  gboolean reopen; /* after its flows, re-open the outputs (SIGHUP) */
  gboolean last; /* the sentinel that stops the thread */
  gboolean finish_exporter; /* last: finish the exporter first (complete: its files too) */
  gboolean complete;
  SourceRun runs[SOURCE_RUNS]; /* input key changes, by flow index (none: as the batch before) */
  guint n_runs;
} Batch;

/* With nothing to encode for this long, the encoder sends the message it
 * holds and lets the outputs do their timed work. */
#define IDLE_US 200000

/* The handoff is the project's one bounded-pool pattern (also in
 * input/source.c and export/sink.c): a fixed set of buffers circulates
 * over two GAsyncQueues, full to the consumer and empty back, so memory is
 * bounded and nothing is allocated per item.  Each keeps its own copy of
 * these few lines because what differs is what matters: here a batch holds
 * the line text its flows point into, a sync batch is acknowledged over a
 * third queue (acks), and the consumer may be told to abandon the rest. */
struct VpcExportQueue {
  VpcRoutes *routes;
  GThread *thread;
  GAsyncQueue *full;  /* Batch*, parser -> encoder */
  GAsyncQueue *empty; /* Batch*, encoder -> parser */
  GAsyncQueue *acks;  /* a token per sync batch done, encoder -> parser */
  GAsyncQueue *done;  /* a token when the thread ends */
  Batch *current;     /* being filled */
  gint failed;
  gint abandoned;     /* stop without encoding the rest */
  GError *error;      /* the encoder's first error; read after failed is seen */
  gboolean finished;
  GHashTable *masks;  /* guint64*: the element sets handed over (parsing thread) */
  guint64 last_mask;  /* the set of the last flow handed over */
  guint64 recent[MASK_CACHE]; /* element sets in masks, by mask_slot() (G_MAXUINT64: none) */
  gboolean interrupted; /* a wait was given up: the caller stops */
  gboolean stuck;     /* the encoder did not end after a stop: left running */
  VpcExportQueueWaitFunc wait_func;
  gpointer wait_data;
  guint64 dropped;    /* flows not encoded after a failure: written by the encoder,
                       * read once it has ended */
  GHashTable *sources; /* the input keys met, one copy each (parsing thread; freed last) */
  const char *source;  /* the current input key, from sources, or NULL */
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
          if (go && !vpc_routes_idle (queue->routes, &queue->error))
            g_atomic_int_set (&queue->failed, 1);
          continue;
        }
      if (batch->last)
        {
          if (go && batch->finish_exporter
              && !vpc_routes_finish (queue->routes, batch->complete, &queue->error))
            g_atomic_int_set (&queue->failed, 1);
          g_free (batch);
          g_async_queue_push (queue->done, GINT_TO_POINTER (1));
          return NULL;
        }
      guint i = 0, run = 0;
      guint next_run = batch->n_runs > 0 ? batch->runs[0].from : G_MAXUINT;
      for (; i < batch->n && go; i++)
        {
          for (; i == next_run; next_run = run < batch->n_runs ? batch->runs[run].from : G_MAXUINT)
            vpc_routes_set_source (queue->routes, batch->runs[run++].key);
          if (!vpc_routes_add (queue->routes, &batch->flows[i], batch->masks[i], &queue->error))
            {
              g_atomic_int_set (&queue->failed, 1);
              go = FALSE;
            }
        }
      if (go) /* a change after the last flow holds for the next batch */
        for (; run < batch->n_runs; run++)
          vpc_routes_set_source (queue->routes, batch->runs[run].key);
      if (i < batch->n)
        queue->dropped += batch->n - i; /* read by the caller after the thread ended */
      if (batch->mark != 0 && go)
        vpc_routes_mark (queue->routes, batch->mark);
      if (batch->reopen && go)
        vpc_routes_reopen (queue->routes);
      if (batch->sync)
        {
          if (go && !vpc_routes_flush (queue->routes, &queue->error))
            g_atomic_int_set (&queue->failed, 1);
          g_async_queue_push (queue->acks, GINT_TO_POINTER (1));
        }
      batch->n = 0;
      batch->text_used = 0;
      batch->sync = FALSE;
      batch->mark = 0;
      batch->reopen = FALSE;
      batch->n_runs = 0;
      g_async_queue_push (queue->empty, batch);
    }
}

VpcExportQueue *
vpc_export_queue_new (VpcRoutes *routes)
{
  VpcExportQueue *queue = g_new0 (VpcExportQueue, 1);
  queue->routes = routes;
  queue->full = g_async_queue_new_full (g_free);
  queue->empty = g_async_queue_new_full (g_free);
  queue->acks = g_async_queue_new ();
  queue->masks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < MASK_CACHE; i++)
    queue->recent[i] = G_MAXUINT64; /* not a flow's element set (none has both SRC4 and SRC6) */
  queue->done = g_async_queue_new ();
  queue->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < BATCHES - 1; i++)
    g_async_queue_push (queue->empty, g_new0 (Batch, 1));
  queue->current = g_new0 (Batch, 1);
  queue->thread = g_thread_new ("vpc-encoder", export_queue_thread, queue);
  return queue;
}

void
vpc_export_queue_set_wait_func (VpcExportQueue *queue, VpcExportQueueWaitFunc func,
                                gpointer data)
{
  queue->wait_func = func;
  queue->wait_data = data;
}

/* How often the wait function is called while the caller waits. */
#define WAIT_STEP_US 50000

/* The next item of q (filled by the encoder), calling the wait function
 * meanwhile; NULL if it said to stop waiting (and interruptible). */
static gpointer
export_queue_wait (VpcExportQueue *queue, GAsyncQueue *q, gboolean interruptible)
{
  if (queue->wait_func == NULL)
    return g_async_queue_pop (q);
  for (;;)
    {
      gpointer item = g_async_queue_timeout_pop (q, WAIT_STEP_US);
      if (item != NULL)
        return item;
      if (!queue->wait_func (queue->wait_data) && interruptible)
        return NULL;
    }
}

static void
export_queue_send (VpcExportQueue *queue)
{
  g_async_queue_push (queue->full, queue->current);
  queue->current = export_queue_wait (queue, queue->empty, TRUE);
  if (queue->current == NULL)
    {
      /* Interrupted while the encoder is behind (a collector that takes
       * nothing): a batch of its own for what the caller hands over before
       * it stops. */
      queue->interrupted = TRUE;
      queue->current = g_new0 (Batch, 1);
    }
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

/* Whether a flow with the element set mask may go to the encoder: each new
 * set is a template of its own, and their number is bounded. */
static gboolean
export_queue_admit (VpcExportQueue *queue, guint64 mask, GError **error)
{
  guint64 *recent = &queue->recent[vpc_mask_slot (mask, MASK_CACHE)];
  if (*recent == mask)
    return TRUE;
  if ((mask == queue->last_mask && g_hash_table_size (queue->masks) > 0)
      || g_hash_table_contains (queue->masks, &mask))
    {
      queue->last_mask = mask;
      *recent = mask;
      return TRUE;
    }
  if (g_hash_table_size (queue->masks) >= VPC_EXPORTER_MAX_TEMPLATES)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
                   "more than %d distinct sets of fields (one IPFIX template each): this "
                   "line's set is not exported",
                   VPC_EXPORTER_MAX_TEMPLATES);
      return FALSE;
    }
  g_hash_table_add (queue->masks, g_memdup2 (&mask, sizeof mask));
  queue->last_mask = mask;
  *recent = mask;
  return TRUE;
}

gboolean
vpc_export_queue_check (VpcExportQueue *queue, GError **error)
{
  return export_queue_check (queue, error);
}

static gboolean
export_queue_interrupted (VpcExportQueue *queue, GError **error)
{
  if (!queue->interrupted)
    return FALSE;
  g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED, "interrupted");
  return TRUE;
}

gboolean
vpc_export_queue_push (VpcExportQueue *queue, guint64 mask, GError **error)
{
  if (!export_queue_admit (queue, mask, error))
    return FALSE;
  Batch *batch = queue->current;
  batch->masks[batch->n++] = mask;
  return export_queue_check (queue, error) && !export_queue_interrupted (queue, error);
}

void
vpc_export_queue_set_source (VpcExportQueue *queue, const char *key, gsize len)
{
  const char *copy = NULL;
  if (key != NULL)
    {
      g_autofree char *text = g_strndup (key, len);
      copy = g_hash_table_lookup (queue->sources, text);
      if (copy == NULL)
        {
          copy = text;
          g_hash_table_add (queue->sources, g_steal_pointer (&text));
        }
    }
  if (copy == queue->source)
    return;
  queue->source = copy;
  Batch *batch = queue->current;
  if (batch->n_runs > 0 && batch->runs[batch->n_runs - 1].from == batch->n)
    {
      batch->runs[batch->n_runs - 1].key = copy; /* no flow came from the one before */
      return;
    }
  if (batch->n_runs == SOURCE_RUNS)
    {
      export_queue_send (queue);
      batch = queue->current;
    }
  batch->runs[batch->n_runs].from = batch->n;
  batch->runs[batch->n_runs].key = copy;
  batch->n_runs++;
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

void
vpc_export_queue_reopen (VpcExportQueue *queue)
{
  queue->current->reopen = TRUE;
  export_queue_send (queue);
}

gboolean
vpc_export_queue_sync (VpcExportQueue *queue, GError **error)
{
  queue->current->sync = TRUE;
  export_queue_send (queue);
  if (export_queue_interrupted (queue, error))
    return FALSE;
  if (export_queue_wait (queue, queue->acks, TRUE) == NULL)
    queue->interrupted = TRUE; /* its acknowledgement is left behind: the run stops */
  return export_queue_check (queue, error) && !export_queue_interrupted (queue, error);
}

/* How long the encoder may take to end once a stop was asked for: more
 * than the collectors' grace (VPC_NET_STOP_GRACE_US), which bounds the
 * sends; what else blocks it (a pipe nobody reads) is left behind. */
#define STOP_GRACE_US (5 * G_USEC_PER_SEC)

/* Stop the thread after what it was handed; the wait function is called
 * meanwhile.  FALSE if a stop was asked for and the encoder is still busy
 * STOP_GRACE_US later: then it is left running (stuck). */
static gboolean
export_queue_stop (VpcExportQueue *queue, gboolean finish_exporter, gboolean complete)
{
  g_async_queue_push (queue->full, g_steal_pointer (&queue->current));
  Batch *stop = g_new0 (Batch, 1);
  stop->last = TRUE;
  stop->finish_exporter = finish_exporter;
  stop->complete = complete;
  g_async_queue_push (queue->full, stop);
  gint64 give_up_us = 0;
  while (queue->wait_func != NULL
         && g_async_queue_timeout_pop (queue->done, WAIT_STEP_US) == NULL)
    {
      if (queue->wait_func (queue->wait_data))
        continue;
      gint64 now = g_get_monotonic_time ();
      if (give_up_us == 0)
        give_up_us = now + STOP_GRACE_US;
      else if (now >= give_up_us)
        {
          queue->stuck = TRUE;
          return FALSE;
        }
    }
  if (queue->wait_func == NULL)
    g_async_queue_pop (queue->done);
  g_thread_join (queue->thread);
  queue->finished = TRUE;
  return TRUE;
}

gboolean
vpc_export_queue_finish (VpcExportQueue *queue, gboolean complete, GError **error)
{
  if (queue->stuck)
    return FALSE;
  if (!queue->finished && !export_queue_stop (queue, TRUE, complete))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                   "interrupted: the outputs took nothing more for %d s after the stop; "
                   "what they had not written was not delivered",
                   (int) (STOP_GRACE_US / G_USEC_PER_SEC));
      return FALSE;
    }
  return export_queue_check (queue, error);
}

gboolean
vpc_export_queue_is_stuck (const VpcExportQueue *queue)
{
  return queue->stuck;
}

guint64
vpc_export_queue_get_dropped (VpcExportQueue *queue)
{
  return queue->finished ? queue->dropped : 0;
}

void
vpc_export_queue_free (VpcExportQueue *queue)
{
  if (queue == NULL)
    return;
  if (queue->stuck)
    return; /* the encoder still uses it: left to the end of the process */
  /* Stop the encoder without encoding the rest: the run is abandoned. */
  if (!queue->finished)
    {
      g_atomic_int_set (&queue->abandoned, 1);
      queue->wait_func = NULL; /* its data may be gone */
      export_queue_stop (queue, FALSE, FALSE);
    }
  g_free (queue->current);
  g_async_queue_unref (queue->full);
  g_async_queue_unref (queue->empty);
  g_async_queue_unref (queue->acks);
  g_async_queue_unref (queue->done);
  g_clear_error (&queue->error);
  g_hash_table_unref (queue->masks);
  g_hash_table_unref (queue->sources);
  g_free (queue);
}
