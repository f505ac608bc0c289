/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Header line or --format -> column map; one text line -> one typed VpcRecord. */
#pragma once

#include <glib.h>

#include "fields.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef enum { VPC_ACTION_ACCEPT = 1, VPC_ACTION_REJECT = 2 } VpcAction;
typedef enum { VPC_STATUS_OK = 1, VPC_STATUS_NODATA = 2, VPC_STATUS_SKIPDATA = 3 } VpcLogStatus;
typedef enum { VPC_DIRECTION_INGRESS = 0, VPC_DIRECTION_EGRESS = 1 } VpcDirection;

typedef struct {
  guint8 family;    /* 4 or 6 */
  guint8 bytes[16]; /* network order; IPv4 uses the first 4 */
} VpcAddr;

/* Text fields point into the line passed to vpc_parser_feed(): they are
 * valid as long as that buffer is. */
typedef struct {
  const char *ptr;
  gsize len;
} VpcText;

typedef union {
  guint64 u;   /* UINT, TIME (ms), ACTION, LOG_STATUS, DIRECTION, TRAFFIC_TYPE (4, 6 or 0) */
  VpcAddr addr;
  VpcText text; /* STRING, and TRAFFIC_TYPE's original text */
} VpcValue;

typedef struct {
  guint64 present; /* bit (1 << VpcFieldId): the column exists and is not "-" */
  VpcValue value[VPC_FIELD_COUNT];
  VpcText traffic_type_text;
} VpcRecord;

static inline gboolean
vpc_record_has (const VpcRecord *record, VpcFieldId id)
{
  return (record->present >> id) & 1;
}

typedef enum {
  VPC_LINE_RECORD, /* *record holds a flow, NODATA or SKIPDATA record */
  VPC_LINE_HEADER, /* the line redefined the columns */
  VPC_LINE_BLANK,  /* empty or white space only */
} VpcLineKind;

#define VPC_MAX_COLUMNS 128
/* A record line longer than this (white space included) is malformed: its
 * IPFIX record could not fit in one message (65535 bytes).  A caller that
 * copies lines for the flows to point into copies at least this much. */
#define VPC_MAX_LINE_LENGTH 60000

typedef struct VpcParser VpcParser;

/* A parser using the default v2 format.  diag (may be NULL) receives the
 * one-time warnings about unknown column names; it must outlive the parser. */
VpcParser *vpc_parser_new (const VpcDiag *diag);
void vpc_parser_free (VpcParser *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcParser, vpc_parser_free)

/* Set the format for header-less input: "${a} ${b}" or "a b".  It becomes
 * the format every input starts with.  VPC_ERROR_HEADER on a bad format. */
gboolean vpc_parser_set_format (VpcParser *parser, const char *format, GError **error);

/* A new input begins: its columns go back to the --format or default. */
void vpc_parser_begin_input (VpcParser *parser);

/* TRUE if line has the shape of a header line: every token a field name
 * (a known name in any case, or a lower-case word of letters, '-' and '_'
 * that is no value word such as "ingress"), none a value.  How many of its
 * names are known does not matter.  vpc_parser_feed() takes a line of
 * unknown names only for a header only as the first non-blank line of an
 * input and when the columns in force cannot read it as a record. */
gboolean vpc_parser_line_is_header (const char *line, gsize len);

/* Parse one line (without its line terminator).  The line is modified in
 * place (tabs become spaces).  On FALSE, error is
 * VPC_ERROR_MALFORMED (the line is skipped; the parser is unchanged) or
 * VPC_ERROR_HEADER (a header line that cannot be used). */
gboolean vpc_parser_feed (VpcParser *parser, char *line, gsize len, VpcLineKind *kind,
                          VpcRecord *record, GError **error);

/* The columns in force: count and ids (VPC_FIELD_UNKNOWN for ignored ones). */
guint vpc_parser_get_columns (const VpcParser *parser, const VpcFieldId **columns);

/* Parse a header or --format text into columns (exposed for tests).
 * unknown_names (may be NULL, else VPC_MAX_COLUMNS long) receives per
 * column a lower-cased copy of an unknown name (the caller's to free) or
 * NULL.  Returns the number of columns, 0 with error set on failure (and
 * nothing in unknown_names to free). */
guint vpc_parse_field_list (const char *text, gsize len, gboolean aws_syntax_allowed,
                            VpcFieldId *columns, char **unknown_names, GError **error);

G_END_DECLS
