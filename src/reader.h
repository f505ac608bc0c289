/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inputs: expand paths and directories; read plain or gzip text line by line. */
#pragma once

#include <glib.h>

#include "vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcReader VpcReader;

/* Lines longer than this are reported as malformed and skipped. */
#define VPC_READER_MAX_LINE (1024 * 1024)

/* Open path ("-" = standard input).  gzip (single or multi-member) is
 * detected from the magic bytes, whatever the name.  VPC_ERROR_IO if it
 * cannot be opened. */
VpcReader *vpc_reader_open (const char *path, GError **error);
void vpc_reader_free (VpcReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcReader, vpc_reader_free)

/* The next line, without its "\n" or "\r\n"; *line stays valid (and may be
 * modified) until the next call.  Returns FALSE with:
 *  - VPC_ERROR_EOF at the end of the input;
 *  - VPC_ERROR_MALFORMED for a line over VPC_READER_MAX_LINE (skipped; the
 *    next call goes on with the following line);
 *  - VPC_ERROR_TRUNCATED / VPC_ERROR_IO when the input cannot be read on:
 *    every line before it has been returned. */
gboolean vpc_reader_next_line (VpcReader *reader, char **line, gsize *len, GError **error);

/* Name for messages ("-" is "<stdin>"), number of the last line returned,
 * whether the input was gzip (known after the first read), and how many
 * bytes were read from the file so far (compressed size for gzip). */
const char *vpc_reader_get_name (const VpcReader *reader);
guint64 vpc_reader_get_line_number (const VpcReader *reader);
gboolean vpc_reader_is_compressed (const VpcReader *reader);

/* Expand the command-line inputs into a list of paths to read: files as
 * given, "-" as is, directories walked recursively in byte order of their
 * names, keeping regular files that look like flow logs (*.log, *.log.gz,
 * *.gz, *.txt; hidden files never).  Every other file met in a directory
 * is appended to skipped (with the reason).  VPC_ERROR_IO if an argument
 * does not exist or a directory cannot be read. */
gboolean vpc_inputs_expand (const char *const *args, GPtrArray *paths, GPtrArray *skipped,
                            GError **error);

G_END_DECLS
