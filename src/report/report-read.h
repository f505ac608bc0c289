/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report inputs: flow logs through the shared reader, parser and mapper, and IPFIX files, into a VpcReport. */
#pragma once

#include <glib.h>

#include "input/container.h"
#include "input/remote-inputs.h"
#include "flow/filter.h"
#include "flow/mapper.h"
#include "report.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct {
  const char *format;          /* columns of header-less input, or NULL */
  VpcContainer container;      /* of every text input; AUTO: detect */
  VpcMapperOptions mapper;
  const VpcDiag *diag;         /* per-line messages, skipped files */
  guint max_line_messages;     /* per input; more malformed lines are only counted */
  const gint *interrupted;     /* non-zero: stop reading (VPC_ERROR_INTERRUPTED) */
  const VpcFilter *filter;     /* flows to report (--filter), or NULL for all */
  /* Called at each input and every few thousand records, or NULL:
   * "reading 2 of 5: PATH, 1200000 flows". */
  void (*progress) (gpointer data, const char *text);
  gpointer progress_data;
  /* s3:// and cloudwatch:// inputs: credentials, region, endpoint, the
   * --since/--until window (aws.diag, aws.interrupted, diag, stats, state
   * and follow are set by vpc_report_read); NULL: the defaults, no window. */
  const VpcRemoteInputsOptions *remote;
} VpcReportReadOptions;

/* Read every input (files, directories, "-"; no inputs = standard input)
 * into report.  A file whose first bytes (after gzip) are 00 0a is IPFIX;
 * everything else is read as vpc2ipfix reads it.  Malformed lines are
 * counted and shown through diag as FILE:LINE: message.  Fatal: a bad
 * --format (VPC_ERROR_USAGE), an input argument that does not exist
 * (VPC_ERROR_IO), a header line that cannot be used (VPC_ERROR_HEADER).
 * An input that cannot be read to its end keeps what was read and its
 * error in its VpcReportInput.  Remote inputs (all s3:// or all
 * cloudwatch://, see input/remote-inputs.h) are read as vpc2ipfix reads
 * them, each object (or CloudWatch page) an input named by its URL; an
 * object that cannot be downloaded is reported through diag and skipped;
 * missing credentials or a denied request are fatal (VPC_ERROR_AWS...). */
gboolean vpc_report_read (const VpcReportReadOptions *options, const char *const *inputs,
                          VpcReport *report, GError **error);

G_END_DECLS
