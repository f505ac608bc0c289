/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One flow-log input through the reader, parser and mapper: every line counted, bad ones reported, flows handed to a consumer. */
#pragma once

#include <glib.h>

#include "filter.h"
#include "mapper.h"
#include "parser.h"
#include "input/reader.h"
#include "common/stats.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* A longer log stream name is not taken as an interface id. */
#define VPC_MAX_STREAM_NAME 255

typedef struct {
  VpcContainer container;      /* of the input; AUTO: detected */
  VpcReaderFlags flags;        /* LIVE, FOLLOW */
  const VpcMapperOptions *mapper;
  const VpcDiag *diag;         /* FILE:LINE messages of malformed lines and payloads */
  guint max_line_messages;     /* per input; more are counted, not shown */
  gboolean strict;             /* the first malformed line or payload is fatal */
  const VpcFilter *filter;     /* flows it does not select are counted (filtered), not pushed;
                                  NULL: every flow */
  const char *name;            /* the input's name in messages, if not path (a remote
                                  object spooled to path), or NULL */
} VpcRecordsOptions;

/* What the caller does with the lines and flows (data is its own). */
typedef struct {
  /* The text to parse line from (the parser modifies it), living as long
   * as the flow mapped from it is needed (a copy of at least every line up
   * to VPC_MAX_LINE_LENGTH: longer ones are refused by the parser, which
   * may then be handed line->text itself); the container's interface name
   * (stream, stream_len) must be copied too, its copy returned in
   * *stream.  NULL: line->text and line->stream themselves. */
  char *(*copy_line) (gpointer data, const VpcLine *line, const char **stream);
  /* The VpcFlow the next record is mapped into. */
  VpcFlow *(*next_flow) (gpointer data);
  /* The flow from next_flow() is mapped, carrying mask.  FALSE with
   * VPC_ERROR_MALFORMED: the flow is refused, its line counted as
   * malformed with that reason; FALSE otherwise: stop. */
  gboolean (*push) (gpointer data, guint64 mask, GError **error);
  /* Every 4096 lines (idle FALSE), and whenever a live input has nothing
   * ready (idle TRUE): FALSE (error set) stops the reading. */
  gboolean (*poll) (gpointer data, gboolean idle, const VpcCounts *counts, GError **error);
  /* Every VPC_RECORDS_PROGRESS_LINES lines; may be NULL. */
  void (*progress) (gpointer data, const VpcCounts *counts);
} VpcRecordsConsumer;

#define VPC_RECORDS_PROGRESS_LINES 262144

/* What became of an input besides its counts. */
typedef struct {
  char *error;             /* why it could not be read to its end (shown through diag), or NULL */
  gboolean compressed;
  const char *container;   /* static */
} VpcRecordsInput;

/* Read the input at path ("-": standard input) to its end: every line
 * lands in counts (see VpcCounts), records whose log-status is OK or
 * absent are mapped and pushed.  An input that cannot be opened or read
 * on is not fatal: result->error says why.  FALSE (error set) for a
 * header line that cannot be used (VPC_ERROR_HEADER), a malformed line
 * with strict (VPC_ERROR_MALFORMED), and when push or poll said stop. */
gboolean vpc_records_read (const char *path, const VpcRecordsOptions *options,
                           VpcParser *parser, const VpcRecordsConsumer *consumer, gpointer data,
                           VpcCounts *counts, VpcRecordsInput *result, GError **error);

/* Count a mapped flow by address family. */
void vpc_counts_add_flow (VpcCounts *counts, guint64 mask);

G_END_DECLS
