/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conversion job: inputs -> reader -> parser -> mapper -> exporter, with statistics. */
#pragma once

#include <glib.h>

#include "container.h"
#include "mapper.h"
#include "stats.h"
#include "vpc-error.h"

G_BEGIN_DECLS

typedef void (*VpcProgressFunc) (const VpcStats *stats, const VpcCounts *current,
                                 gpointer user_data);

typedef struct {
  const char *output;          /* IPFIX file, "-" = stdout */
  const char *format;          /* columns of header-less input, or NULL for the default */
  VpcContainer container;      /* VPC_CONTAINER_AUTO: detect per input */
  gboolean strict;             /* a malformed line is fatal */
  guint32 observation_domain;
  VpcMapperOptions mapper;
  const VpcDiag *diag;         /* warnings and per-line messages */
  guint max_line_messages;     /* per input; further malformed lines are only counted */
  const gint *interrupted;     /* when it becomes non-zero, stop without output */
  VpcProgressFunc progress;    /* called every VPC_PROGRESS_LINES lines, may be NULL */
  gpointer progress_data;
} VpcConvertOptions;

#define VPC_PROGRESS_LINES 262144

/* Convert inputs (paths, directories, "-") to one IPFIX output.
 *
 * Returns FALSE (and leaves no output file) for a fatal error: a bad
 * --format (VPC_ERROR_HEADER, checked before anything is read), an input
 * argument that does not exist or a bad header line (VPC_ERROR_IO /
 * VPC_ERROR_HEADER, checked on every input before output is opened), an
 * output failure, a malformed line with strict, or an interruption.
 *
 * An input that cannot be read to its end (truncated gzip, read error) is
 * not fatal: its lines up to that point are converted, the reason is kept
 * in its VpcInputStats.error and stats->failed_inputs is counted. */
gboolean vpc_convert_run (const VpcConvertOptions *options, const char *const *inputs,
                          VpcStats *stats, GError **error);

G_END_DECLS
