/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Items: what the container decoders hand on (records, streams, problems), and a buffer that holds them back in order. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a decoder hands on, in input order. */
typedef enum {
  VPC_ITEM_RECORD,      /* one record line */
  VPC_ITEM_STREAM,      /* the log stream of the records that follow ("" for none) */
  VPC_ITEM_MALFORMED,   /* a log event that is not a record: why (counts as a line) */
  VPC_ITEM_BAD_PAYLOAD, /* a container value that could not be decoded: why */
  VPC_ITEM_CONTROL,     /* a CloudWatch CONTROL_MESSAGE, skipped */
} VpcItemKind;

/* text is valid during the call only; line is the input line it comes
 * from (1-based, counted in the un-gzipped input).  Return FALSE to stop
 * the decoder. */
typedef gboolean (*VpcItemFunc) (VpcItemKind kind, const char *text, gsize len, guint64 line,
                                 gpointer user_data);

/* The interface id that a log stream name stands for, as a length of the
 * name: "eni-<hex>" when the name starts with it ("eni-0a1b-all" gives
 * "eni-0a1b"), else the whole name. */
gsize vpc_stream_interface_id_length (const char *stream, gsize len);

/* Items kept back, in order, to hand on later or to drop. */
typedef struct {
  VpcItemKind kind;
  guint64 line;
  gsize offset, len; /* in the text */
} VpcHeldItem;

typedef struct {
  GArray *items; /* VpcHeldItem */
  GString *text;
} VpcHeld;

void vpc_held_init (VpcHeld *held);
void vpc_held_clear (VpcHeld *held);
void vpc_held_free (VpcHeld *held);
void vpc_held_add (VpcHeld *held, VpcItemKind kind, const char *text, gsize len, guint64 line);

G_END_DECLS
