/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shapes of flow-log JSON (CloudWatch API, subscriptions, Lambda, Kinesis, Firehose), as items.
 * Knows nothing of the container decoder that drives it: it only hands items to a VpcJsonSink. */
#pragma once

#include <glib.h>
#include <yajl/yajl_parse.h>

#include "items.h"

G_BEGIN_DECLS

/* Where the JSON state machine sends what it finds; called from inside
 * vpc_json_events_parse(). */
typedef struct {
  /* An item (records, streams, problems) at an input line. */
  void (*item) (gpointer ctx, VpcItemKind kind, const char *text, gsize len, guint64 line);
  /* The input line the parser is at. */
  guint64 (*line) (gpointer ctx);
  /* A "data" string (Lambda, Kinesis, Firehose events): a payload to decode,
   * whose items go to item. */
  void (*payload) (gpointer ctx, const char *text, gsize len);
  /* TRUE when the parse must stop. */
  gboolean (*stopped) (gpointer ctx);
} VpcJsonSink;

/* Every top-level value of a run of JSON values (with or without white
 * space between them) is one of the shapes of vpc2ipfix(1) "CONTAINERS",
 * whatever its key order; anything else is a bad payload item.  Log
 * events are handed on when their object closes (a subscription message's
 * once its messageType and logStream are known). */
typedef struct VpcJsonEvents VpcJsonEvents;

VpcJsonEvents *vpc_json_events_new (const VpcJsonSink *sink, gpointer ctx);
void vpc_json_events_free (VpcJsonEvents *events);

/* A JSON string longer than this (a key, a message, a "data" payload) is
 * cut there and the rest of it skipped, whatever the size of the pieces:
 * its value is refused (a message: a malformed log event; data: a bad
 * payload), and time and memory stay linear and bounded.  Kinesis and
 * Firehose records are at most 1 MiB (base64: 1.4 MiB). */
#define VPC_JSON_MAX_STRING (4 * 1024 * 1024)

/* yajl_parse / yajl_complete_parse over the next piece; after an error the
 * parse cannot go on.  The offset is where the parser is in the piece (also
 * while it calls the sink); the error, "JSON syntax error (...)". */
yajl_status vpc_json_events_parse (VpcJsonEvents *events, const char *data, gsize len);
yajl_status vpc_json_events_complete (VpcJsonEvents *events);
gsize vpc_json_events_get_offset (VpcJsonEvents *events);
char *vpc_json_events_get_error (VpcJsonEvents *events);

G_END_DECLS
