/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the reader: the source thread that reads, inflates and unwraps an input into chunks. */
#pragma once

#include <glib.h>
#include <isa-l/igzip_lib.h>

#include "container.h"

G_BEGIN_DECLS

/* Reading and decompression run in a thread of their own (the "source"),
 * which fills CHUNK-sized buffers and hands them over a bounded queue, so
 * inflating one input overlaps with parsing it on a second core.  The
 * source state is shared and reference-counted: a reader freed while the
 * source is still blocked in read() (a pipe that stays open) leaves it to
 * finish and free itself. */
#define CHUNK (256 * 1024)
#define CHUNKS 4 /* in flight: bounds the memory at CHUNKS * CHUNK */

/* A decoded container (JSON, base64) arrives as entries: each a record or
 * an event of the container, its text at data + offset. */
typedef struct {
  VpcItemKind kind;
  guint32 len;
  gsize offset;
  guint64 line;
} VpcEntry;

#define MAX_ENTRIES 16384 /* per chunk */

typedef struct {
  char *data;
  gsize len;       /* bytes of data used */
  gboolean last;   /* end of input (then source->error tells why if it broke) */
  GArray *entries; /* VpcEntry; empty for text */
} VpcChunk;

#define IN_CHUNK (128 * 1024)

/* The bounded-pool handoff of export/export-queue.c and export/sink.c
 * (full and empty GAsyncQueues over CHUNKS buffers).  It differs in that
 * the state is reference-counted: the producer may be blocked in read()
 * on a pipe when the consumer goes, and then frees it alone. */
typedef struct {
  gint refs;
  int fd;             /* -1 for a source over memory */
  const guint8 *mem;  /* a source over memory (vpc_reader_open_memory): its bytes */
  guint8 *mem_owned;  /* those bytes when the source owns them (a small file read at once) */
  gsize mem_len, mem_pos;
  char *name;
  char *path;         /* to open again after a rotation (VPC_READER_FOLLOW) */
  gboolean follow;
  gboolean live;      /* hand over what was read at once */
  gboolean rotated;   /* the path now names another file */
  char last_byte;     /* of the text read so far */
  gint truncations, rotations;
  /* Decoding state, used by the source thread only. */
  gboolean gzip;
  gboolean in_eof;
  gboolean member_done;
  guint8 *in;         /* compressed input, or the first bytes of a plain one */
  struct inflate_state inflate;
  GAsyncQueue *full;  /* VpcChunk*, source -> reader */
  GAsyncQueue *empty; /* VpcChunk*, reader -> source */
  gint abandoned;     /* the reader is gone: stop */
  gint compressed;    /* set before the first chunk is queued */
  gint container;     /* VpcContainer: forced, or detected before the first chunk is queued */
  VpcChunk *out;         /* decoded containers: the chunk being filled */
  GError *error;      /* why the input ended, if not cleanly; set before the last chunk */
} VpcSource;

VpcChunk *vpc_chunk_new (void);
void vpc_chunk_free (gpointer chunk);
/* Give a chunk back to the source, empty. */
void vpc_chunk_recycle (VpcSource *source, VpcChunk *chunk);
/* A source reading fd (which it takes), with two references: the
 * reader's and the thread's.  path is opened again after a rotation. */
VpcSource *vpc_source_new (int fd, const char *name, const char *path, VpcContainer container,
                           gboolean follow, gboolean live);
/* A source over len bytes at data (read during vpc_source_thread(), which
 * the caller runs itself): never blocks for an empty chunk but allocates
 * one, so that the whole decoded input ends up in the full queue. */
VpcSource *vpc_source_new_memory (const void *data, gsize len, const char *name,
                                  VpcContainer container);
/* Drop a reference; the last one closes the input and frees the source. */
void vpc_source_unref (VpcSource *source);
/* The thread: reads the input into chunks until its end or until abandoned. */
gpointer vpc_source_thread (gpointer source);

G_END_DECLS
