/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parquet flow logs: a focused reader that turns the rows of a Parquet file into flow-log text lines. */
#pragma once

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

/* A Parquet file as AWS writes flow logs (one flat column per field, named
 * with '_' for '-'), read row group by row group.  Its rows come out as the
 * text of the same records: a header line of the column names ('_' turned
 * into '-'), then one line per row, values separated by single spaces, a
 * null as "-".  The parser and the mapper then read them exactly as text.
 * Everything read from the file is checked before it is used: a file that
 * is not what it claims is VPC_ERROR_IO (the whole input fails, as corrupt
 * gzip does) naming the file and, where
 * it applies, the row group and the column. */
typedef struct VpcParquet VpcParquet;

/* The four bytes every Parquet file starts (and ends) with. */
#define VPC_PARQUET_MAGIC "PAR1"

/* Open the Parquet file behind fd (seekable: it is read with pread(); the
 * caller keeps and closes fd, after vpc_parquet_free()).  name is used in
 * messages. */
VpcParquet *vpc_parquet_open (int fd, const char *name, GError **error);
/* The same over len bytes in memory (kept by the caller until freed). */
VpcParquet *vpc_parquet_open_memory (const guint8 *data, gsize len, const char *name,
                                     GError **error);
void vpc_parquet_free (VpcParquet *pq);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcParquet, vpc_parquet_free)

/* Append the next whole lines (the header line first) to out, stopping
 * once about max_bytes were appended.  FALSE with VPC_ERROR_EOF after the
 * last row, or FALSE with an error (lines appended before it stay). */
gboolean vpc_parquet_read_lines (VpcParquet *pq, GString *out, gsize max_bytes, GError **error);

/* The number of rows the footer declares. */
guint64 vpc_parquet_get_num_rows (const VpcParquet *pq);

G_END_DECLS
