/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Background writer behind a fopencookie() FILE, so that the kernel's copy
 * of the output overlaps with encoding on the second core. */
#include "config.h"

#include "sink.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (256 * 1024)
#define BLOCKS 4

typedef struct {
  guint8 *data;
  gsize len;
  gboolean last; /* the sentinel that stops the thread */
} Block;

/* The bounded-pool handoff of export/export-queue.c and input/source.c
 * (full and empty GAsyncQueues over BLOCKS buffers).  It differs in that
 * the producer is a stdio cookie (fopencookie) and the consumer's only
 * failure is a write error, handed back as write_errno. */
struct VpcSink {
  int fd;
  gboolean owns_fd;
  char *name;
  FILE *fp;
  GThread *thread;
  GAsyncQueue *full;  /* Block*, encoder -> thread */
  GAsyncQueue *empty; /* Block*, thread -> encoder */
  Block *current;     /* being filled by the encoder */
  gint write_errno;   /* first write error of the thread, 0 if none */
  gboolean finished;
};

static void
block_free (gpointer data)
{
  Block *block = data;
  g_free (block->data);
  g_free (block);
}

static gpointer
sink_thread (gpointer data)
{
  VpcSink *sink = data;
  for (;;)
    {
      Block *block = g_async_queue_pop (sink->full);
      if (block->last)
        {
          block_free (block);
          return NULL;
        }
      gsize done = 0;
      while (done < block->len && g_atomic_int_get (&sink->write_errno) == 0)
        {
          gssize n = write (sink->fd, block->data + done, block->len - done);
          if (n >= 0)
            done += (gsize) n;
          else if (errno != EINTR)
            g_atomic_int_set (&sink->write_errno, errno);
        }
      block->len = 0;
      g_async_queue_push (sink->empty, block);
    }
}

static ssize_t
sink_cookie_write (void *cookie, const char *buf, size_t size)
{
  VpcSink *sink = cookie;
  int err = g_atomic_int_get (&sink->write_errno);
  if (sink->finished || err != 0)
    {
      errno = err != 0 ? err : EBADF;
      return -1;
    }
  size_t done = 0;
  while (done < size)
    {
      if (sink->current == NULL)
        sink->current = g_async_queue_pop (sink->empty);
      Block *block = sink->current;
      gsize n = MIN (size - done, BLOCK - block->len);
      memcpy (block->data + block->len, buf + done, n);
      block->len += n;
      done += n;
      if (block->len == BLOCK)
        {
          g_async_queue_push (sink->full, block);
          sink->current = NULL;
        }
    }
  return (ssize_t) size;
}

static int
sink_cookie_close (void *cookie)
{
  VpcSink *sink = cookie;
  gboolean ok = vpc_sink_finish (sink, NULL);
  sink->fp = NULL;
  if (sink->owns_fd && close (sink->fd) != 0)
    ok = FALSE;
  return ok ? 0 : EOF;
}

VpcSink *
vpc_sink_new (int fd, const char *name, gboolean owns_fd)
{
  VpcSink *sink = g_new0 (VpcSink, 1);
  sink->fd = fd;
  sink->owns_fd = owns_fd;
  sink->name = g_strdup (name);
  sink->full = g_async_queue_new_full (block_free);
  sink->empty = g_async_queue_new_full (block_free);
  for (int i = 0; i < BLOCKS; i++)
    {
      Block *block = g_new0 (Block, 1);
      block->data = g_malloc (BLOCK);
      g_async_queue_push (sink->empty, block);
    }
  cookie_io_functions_t io = { .write = sink_cookie_write, .close = sink_cookie_close };
  sink->fp = fopencookie (sink, "w", io);
  g_assert (sink->fp != NULL);
  setvbuf (sink->fp, NULL, _IONBF, 0); /* the blocks are the buffer */
  sink->thread = g_thread_new ("vpc-sink", sink_thread, sink);
  return sink;
}

FILE *
vpc_sink_get_file (VpcSink *sink)
{
  return sink->fp;
}

gboolean
vpc_sink_finish (VpcSink *sink, GError **error)
{
  if (!sink->finished)
    {
      if (sink->fp != NULL)
        fflush (sink->fp);
      if (sink->current != NULL)
        {
          g_async_queue_push (sink->full, sink->current);
          sink->current = NULL;
        }
      Block *stop = g_new0 (Block, 1);
      stop->last = TRUE;
      g_async_queue_push (sink->full, stop);
      g_thread_join (sink->thread);
      sink->thread = NULL;
      sink->finished = TRUE;
    }
  int err = g_atomic_int_get (&sink->write_errno);
  if (err != 0)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: write error: %s", sink->name,
                   g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

void
vpc_sink_free (VpcSink *sink)
{
  if (sink == NULL)
    return;
  if (sink->fp != NULL)
    fclose (sink->fp); /* finishes the sink */
  g_async_queue_unref (sink->full);
  g_async_queue_unref (sink->empty);
  g_free (sink->name);
  g_free (sink);
}
