/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inputs: expand paths and directories; read record lines out of plain or gzip files, whatever their container. */
#pragma once

#include <glib.h>

#include "container.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcReader VpcReader;

/* Lines longer than this are reported as malformed and skipped. */
#define VPC_READER_MAX_LINE (1024 * 1024)

/* Open path ("-" = standard input).  gzip (single or multi-member) is
 * detected from the magic bytes, whatever the name; then the container
 * from the first bytes it holds, unless container is not
 * VPC_CONTAINER_AUTO.  VPC_ERROR_IO if it cannot be opened. */
VpcReader *vpc_reader_open (const char *path, VpcContainer container, GError **error);

typedef enum {
  /* vpc_reader_next_line() returns VPC_ERROR_AGAIN when no line is ready:
   * at once the first time, then after waiting up to 100 ms, so that the
   * caller can send what it has and look at signals. */
  VPC_READER_LIVE = 1 << 0,
  /* At the end of a file, wait for more (like tail -F): a file truncated
   * is read again from its start; a file renamed away is read to its end,
   * then the new file under the same name is read (in the container of
   * the first).  The input ends only when the reader is freed.  Only
   * regular files are followed: a stream ends when it closes. */
  VPC_READER_FOLLOW = 1 << 1,
} VpcReaderFlags;

/* Whether path is read as a stream, once and as it comes, like standard
 * input: "-", a FIFO (such as <(zcat x.gz)), a character device, a
 * socket.  It must not be opened twice, and has no size or time to watch. */
gboolean vpc_reader_path_is_stream (const char *path);

VpcReader *vpc_reader_open_full (const char *path, VpcContainer container, VpcReaderFlags flags,
                                 GError **error);
/* Like vpc_reader_open_full() on path, named name in messages (and taken
 * for the path of a CloudWatch export object: <task>/<stream>/000000.gz):
 * for a copy of a remote object in a temporary file. */
VpcReader *vpc_reader_open_named (const char *path, const char *name, VpcContainer container,
                                  VpcReaderFlags flags, GError **error);
/* A reader over len bytes at data, named name in messages, read like a
 * file (gzip, container) without a thread: the input is read, inflated
 * and decoded completely during the call and held in memory (so only for
 * small inputs: tests and fuzzing); data need not outlive the call.  Never
 * fails: errors come from vpc_reader_next_line() as for a file. */
VpcReader *vpc_reader_open_memory (const char *name, const void *data, gsize len,
                                   VpcContainer container);
void vpc_reader_free (VpcReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcReader, vpc_reader_free)

/* One record line. */
typedef struct {
  char *text;         /* without "\n" or "\r\n" (nor a CloudWatch export time) */
  gsize len;
  const char *stream; /* the interface id its container names (log stream), or NULL */
  gsize stream_len;
} VpcLine;

/* The next record line; its text and stream stay valid (the text may be
 * modified) until the next call.  Returns FALSE with:
 *  - VPC_ERROR_EOF at the end of the input;
 *  - VPC_ERROR_AGAIN (VPC_READER_LIVE only) when no line is ready yet;
 *  - VPC_ERROR_MALFORMED for a line that cannot be a record: over
 *    VPC_READER_MAX_LINE, a CloudWatch export line without its time, a log
 *    event without a text message (skipped; the next call goes on);
 *  - VPC_ERROR_BAD_PAYLOAD for a container value that cannot be decoded,
 *    VPC_ERROR_CONTROL_MESSAGE for a CloudWatch control message (skipped;
 *    neither is a record line);
 *  - VPC_ERROR_TRUNCATED / VPC_ERROR_IO when the input cannot be read on:
 *    every line before it has been returned. */
gboolean vpc_reader_next_line (VpcReader *reader, VpcLine *line, GError **error);

/* Name for messages ("-" is "<stdin>"); the input line where the last
 * line or error returned was (for containers, the line of the un-gzipped
 * input holding the log event); whether the input was gzip and its
 * container (both known after the first read). */
const char *vpc_reader_get_name (const VpcReader *reader);
guint64 vpc_reader_get_line_number (const VpcReader *reader);
gboolean vpc_reader_is_compressed (const VpcReader *reader);

/* Whether a thread of its own reads the input (not for a small plain
 * file, read at once, nor for memory; exposed for tests). */
gboolean vpc_reader_is_threaded (const VpcReader *reader);
VpcContainer vpc_reader_get_container (const VpcReader *reader);

/* VPC_READER_FOLLOW: how often the file was truncated or replaced. */
guint vpc_reader_get_truncations (const VpcReader *reader);
guint vpc_reader_get_rotations (const VpcReader *reader);

G_END_DECLS
