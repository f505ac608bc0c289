/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container detection, and the JSON (yajl, streaming) and base64 payload decoders. */
#include "config.h"

#include "container.h"

#include <string.h>
#include <isa-l/igzip_lib.h>
#include <yajl/yajl_parse.h>

/* ---- names, detection, small helpers ---- */

static const char *const container_names[] = {
  [VPC_CONTAINER_AUTO] = "auto",
  [VPC_CONTAINER_TEXT] = "text",
  [VPC_CONTAINER_CLOUDWATCH_EXPORT] = "cloudwatch-export",
  [VPC_CONTAINER_JSON] = "json",
  [VPC_CONTAINER_BASE64] = "base64",
};

const char *
vpc_container_to_string (VpcContainer container)
{
  return container < G_N_ELEMENTS (container_names) ? container_names[container] : "?";
}

gboolean
vpc_container_from_string (const char *name, VpcContainer *container, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (container_names); i++)
    if (g_ascii_strcasecmp (name, container_names[i]) == 0)
      {
        *container = (VpcContainer) i;
        return TRUE;
      }
  g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
               "unknown input format '%s' (expected auto, text, cloudwatch-export, json or "
               "base64)",
               name);
  return FALSE;
}

static gboolean
digits (const char *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return TRUE;
}

gsize
vpc_cloudwatch_export_prefix (const char *line, gsize len)
{
  /* YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm|+hhmm) then one space */
  if (len < 21 || !digits (line, 4) || line[4] != '-' || !digits (line + 5, 2) || line[7] != '-'
      || !digits (line + 8, 2) || line[10] != 'T' || !digits (line + 11, 2) || line[13] != ':'
      || !digits (line + 14, 2) || line[16] != ':' || !digits (line + 17, 2))
    return 0;
  gsize i = 19;
  if (i < len && (line[i] == '.' || line[i] == ','))
    {
      gsize start = ++i;
      while (i < len && g_ascii_isdigit (line[i]))
        i++;
      if (i == start)
        return 0;
    }
  if (i < len && line[i] == 'Z')
    i++;
  else if (i < len && (line[i] == '+' || line[i] == '-'))
    {
      i++;
      if (i + 2 > len || !digits (line + i, 2))
        return 0;
      i += 2;
      if (i < len && line[i] == ':')
        i++;
      if (i + 2 > len || !digits (line + i, 2))
        return 0;
      i += 2;
    }
  else
    return 0;
  return i < len && line[i] == ' ' ? i + 1 : 0;
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

VpcContainer
vpc_container_detect (const char *data, gsize len)
{
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  while (len > 0 && g_ascii_isspace (*data))
    {
      data++;
      len--;
    }
  if (len == 0)
    return VPC_CONTAINER_TEXT;
  if (*data == '{' || *data == '[')
    return VPC_CONTAINER_JSON;
  const char *nl = memchr (data, '\n', len);
  gsize line_len = nl != NULL ? (gsize) (nl - data) : len;
  while (line_len > 0 && g_ascii_isspace (data[line_len - 1]))
    line_len--;
  if (vpc_cloudwatch_export_prefix (data, line_len) > 0)
    return VPC_CONTAINER_CLOUDWATCH_EXPORT;
  /* base64 of gzip data starts "H4sI" (1f 8b 08). */
  if (line_len >= 8 && memcmp (data, "H4sI", 4) == 0)
    {
      gsize i = 0;
      while (i < line_len && is_base64_char (data[i]))
        i++;
      if (i == line_len)
        return VPC_CONTAINER_BASE64;
    }
  return VPC_CONTAINER_TEXT;
}

gsize
vpc_stream_interface_id_length (const char *stream, gsize len)
{
  if (len > 4 && memcmp (stream, "eni-", 4) == 0)
    {
      gsize i = 4;
      while (i < len && g_ascii_isxdigit (stream[i]))
        i++;
      if (i > 4 && (i == len || stream[i] == '-' || stream[i] == '_'))
        return i;
    }
  return len;
}

/* ---- payloads: base64, then gzip ---- */

/* Strict base64 (standard alphabet, padding optional): FALSE with the
 * offset of the first bad character. */
static gboolean
base64_decode (const char *text, gsize len, GByteArray *out, gsize *bad_offset)
{
  gsize end = len;
  while (end > 0 && text[end - 1] == '=' && len - end < 2)
    end--;
  for (gsize i = 0; i < end; i++)
    if (!(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/'))
      {
        *bad_offset = i;
        return FALSE;
      }
  if (end % 4 == 1 || (len != end && len % 4 != 0))
    {
      *bad_offset = len;
      return FALSE;
    }
  g_byte_array_set_size (out, (guint) (end / 4 * 3 + 3));
  gint state = 0;
  guint save = 0;
  gsize n = g_base64_decode_step (text, end, out->data, &state, &save);
  if (end % 4 != 0) /* unpadded: the padding completes the last group */
    n += g_base64_decode_step ("==", 4 - end % 4, out->data + n, &state, &save);
  g_byte_array_set_size (out, (guint) n);
  return TRUE;
}

/* A payload never inflates beyond this (a zip bomb is a bad payload). */
#define MAX_PAYLOAD (256 * 1024 * 1024)

/* gunzip (all members) in into out.  FALSE with why set. */
static gboolean
gunzip (struct inflate_state *st, const guint8 *in, gsize in_len, GByteArray *out,
        const char **why)
{
  g_byte_array_set_size (out, 0);
  isal_inflate_init (st);
  st->crc_flag = ISAL_GZIP;
  st->next_in = (uint8_t *) in;
  st->avail_in = (uint32_t) in_len;
  for (;;)
    {
      gsize used = out->len;
      gsize room = MAX (in_len * 4, (gsize) 65536);
      if (used + room > MAX_PAYLOAD)
        room = MAX_PAYLOAD - used;
      if (room == 0)
        {
          *why = "payload inflates beyond 256 MiB";
          return FALSE;
        }
      g_byte_array_set_size (out, (guint) (used + room));
      st->next_out = out->data + used;
      st->avail_out = (uint32_t) room;
      int ret = isal_inflate (st);
      g_byte_array_set_size (out, (guint) (used + room - st->avail_out));
      if (ret < 0)
        {
          *why = ret == ISAL_INCORRECT_CHECKSUM  ? "gzip checksum mismatch"
                 : ret == ISAL_INVALID_WRAPPER ? "bad gzip header"
                                               : "invalid deflate data";
          return FALSE;
        }
      if (st->block_state == ISAL_BLOCK_FINISH)
        {
          if (st->avail_in == 0)
            return TRUE;
          uint8_t *next_in = st->next_in; /* another member follows */
          uint32_t avail_in = st->avail_in;
          isal_inflate_reset (st);
          st->crc_flag = ISAL_GZIP;
          st->next_in = next_in;
          st->avail_in = avail_in;
          continue;
        }
      if (st->avail_in == 0 && st->avail_out == room)
        {
          /* All input taken, nothing more coming out, not finished. */
          *why = "truncated gzip data";
          return FALSE;
        }
    }
}

/* ---- the JSON decoder ---- */

typedef enum {
  F_TOP_OBJECT, /* a top-level object: page, subscription message, event, Lambda event */
  F_TOP_ARRAY,  /* a top-level array of log events */
  F_EVENTS,     /* "events" of an API page */
  F_LOG_EVENTS, /* "logEvents" of a subscription message */
  F_EVENT,      /* one log event object */
  F_AWSLOGS,    /* "awslogs" of a Lambda event */
  F_RECORDS,    /* "Records" (Kinesis) or "records" (Firehose) of an event */
  F_RECORD,     /* one of those records */
  F_KINESIS,    /* "kinesis" of a Kinesis record */
  F_SKIP,       /* a value nobody needs */
} FrameKind;

typedef enum {
  K_NONE,
  K_EVENTS,
  K_LOG_EVENTS,
  K_MESSAGE_TYPE,
  K_STREAM,     /* logStreamName: an event's stream */
  K_SUB_STREAM, /* logStream: a subscription message's stream */
  K_MESSAGE,
  K_AWSLOGS,
  K_RECORDS,
  K_KINESIS,
  K_DATA,
} Key;

typedef struct {
  FrameKind kind;
  Key key;          /* in an object: what the value being read is */
  gboolean has_data; /* F_AWSLOGS, F_RECORD, F_KINESIS: a "data" was read */
} Frame;

typedef enum { TYPE_UNKNOWN, TYPE_DATA, TYPE_CONTROL, TYPE_OTHER } MessageType;

/* An item held back (subscription events before their type and stream are
 * known; everything of a payload until it decoded cleanly). */
typedef struct {
  VpcItemKind kind;
  guint64 line;
  gsize offset, len; /* in the held text */
} HeldItem;

typedef struct {
  GArray *items; /* HeldItem */
  GString *text;
} Held;

struct VpcDecoder;

/* The "message" and stream of a log event, or of a top-level object. */
typedef struct {
  gboolean has_message, message_is_text, has_stream;
  guint64 line; /* of the message */
  GString *message;
  GString *stream;
} EventFields;

typedef struct {
  struct VpcDecoder *decoder;
  yajl_handle yajl;
  guint nesting;  /* 0 for the input itself, 1 for a payload in it, ... */
  Held *out;      /* payloads: everything goes here first; NULL: straight to the decoder */
  guint64 line;   /* where the parser is */
  GArray *stack;  /* Frame */
  /* The top-level value being read. */
  gboolean has_events, has_log_events, has_payloads;
  EventFields top; /* a Firehose object, or an event on its own (JSON lines) */
  gboolean has_sub_stream;
  GString *sub_stream; /* a subscription message's logStream */
  MessageType type;
  GString *type_text;
  Held held; /* subscription events waiting for messageType and logStream */
  EventFields event; /* the log event being read */
} JsonParse;

struct VpcDecoder {
  VpcContainer container;
  VpcItemFunc func;
  gpointer user_data;
  gboolean stopped;
  guint64 line;          /* line being fed (1-based) */
  gboolean at_line_start;
  gboolean started;      /* past a leading BOM */
  GString *stream;       /* the last VPC_ITEM_STREAM handed on */
  /* json */
  JsonParse *json;
  const char *buf;       /* the piece being parsed; d->line is the line of buf[counted] */
  gsize counted;
  gboolean resync;       /* after a syntax error: wait for '{' or '[' in column 0 */
  /* base64 */
  GString *partial;      /* a line split across feeds */
  GByteArray *raw, *inflated;
  struct inflate_state *inflate;
};

static gboolean
decoder_emit (VpcDecoder *d, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  if (d->stopped)
    return FALSE;
  if (kind == VPC_ITEM_STREAM)
    {
      if (d->stream->len == len && memcmp (d->stream->str, text, len) == 0)
        return TRUE;
      g_string_truncate (d->stream, 0);
      g_string_append_len (d->stream, text, (gssize) len);
    }
  if (!d->func (kind, text, len, line, d->user_data))
    d->stopped = TRUE;
  return !d->stopped;
}

static void
held_init (Held *held)
{
  held->items = g_array_new (FALSE, FALSE, sizeof (HeldItem));
  held->text = g_string_new (NULL);
}

static void
held_clear (Held *held)
{
  g_array_set_size (held->items, 0);
  g_string_truncate (held->text, 0);
}

static void
held_free (Held *held)
{
  g_array_unref (held->items);
  g_string_free (held->text, TRUE);
}

static void
held_add (Held *held, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  HeldItem item = { kind, line, held->text->len, len };
  g_string_append_len (held->text, text, (gssize) len);
  g_array_append_val (held->items, item);
}

static void json_emit (JsonParse *p, VpcItemKind kind, const char *text, gsize len,
                       guint64 line);

static void
json_emit (JsonParse *p, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  if (p->out != NULL)
    held_add (p->out, kind, text, len, line);
  else
    decoder_emit (p->decoder, kind, text, len, line);
}

static guint64 parse_line (JsonParse *p);
static void count_lines (struct VpcDecoder *d, gsize upto);

static void G_GNUC_PRINTF (3, 4)
json_emit_printf (JsonParse *p, VpcItemKind kind, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  json_emit (p, kind, text, strlen (text), parse_line (p));
}

/* An item to hold back (to) or to hand on now (to == NULL). */
static void
put (JsonParse *p, Held *to, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  if (to != NULL)
    held_add (to, kind, text, len, line);
  else
    json_emit (p, kind, text, len, line);
}

/* The records of an event: its stream (NULL: none, or not known yet when
 * held), then one record per line of its message, a trailing line end
 * dropped; or why it has none. */
static void
emit_event (JsonParse *p, Held *to, const EventFields *event, const GString *stream)
{
  guint64 line = event->has_message ? event->line : parse_line (p);
  if (!event->has_message || !event->message_is_text)
    {
      const char *why = event->has_message ? "log event message is not a string"
                                           : "log event without a message";
      put (p, to, VPC_ITEM_MALFORMED, why, strlen (why), line);
      return;
    }
  gsize id_len = stream != NULL ? vpc_stream_interface_id_length (stream->str, stream->len) : 0;
  put (p, to, VPC_ITEM_STREAM, stream != NULL ? stream->str : "", id_len, line);
  const char *msg = event->message->str;
  gsize len = event->message->len;
  if (len > 0 && msg[len - 1] == '\n')
    len--;
  for (;;)
    {
      const char *nl = memchr (msg, '\n', len);
      gsize n = nl != NULL ? (gsize) (nl - msg) : len;
      put (p, to, VPC_ITEM_RECORD, msg, n > 0 && msg[n - 1] == '\r' ? n - 1 : n, line);
      if (nl == NULL)
        break;
      msg += n + 1;
      len -= n + 1;
    }
}

static void
event_fields_init (EventFields *event)
{
  event->message = g_string_new (NULL);
  event->stream = g_string_new (NULL);
}

static void
event_fields_clear (EventFields *event)
{
  event->has_message = event->message_is_text = event->has_stream = FALSE;
  g_string_truncate (event->message, 0);
  g_string_truncate (event->stream, 0);
}

static void
event_fields_free (EventFields *event)
{
  g_string_free (event->message, TRUE);
  g_string_free (event->stream, TRUE);
}

/* The value of a "message" or stream key of an event. */
static void
event_fields_take (JsonParse *p, EventFields *event, Key key, const char *text, gsize len,
                   gboolean is_string)
{
  if (key == K_MESSAGE)
    {
      event->has_message = TRUE;
      event->message_is_text = is_string;
      event->line = parse_line (p);
      g_string_truncate (event->message, 0);
      if (is_string)
        g_string_append_len (event->message, text, (gssize) len);
    }
  else if (key == K_STREAM && is_string)
    {
      event->has_stream = TRUE;
      g_string_truncate (event->stream, 0);
      g_string_append_len (event->stream, text, (gssize) len);
    }
}

/* The innermost open value, NULL at the top level. */
static Frame *
top_frame (JsonParse *p)
{
  return p->stack->len > 0 ? &g_array_index (p->stack, Frame, p->stack->len - 1) : NULL;
}

/* The innermost open value where yajl guarantees there is one. */
static Frame *
open_frame (JsonParse *p)
{
  g_assert (p->stack->len > 0);
  return &g_array_index (p->stack, Frame, p->stack->len - 1);
}

static void
push_frame (JsonParse *p, FrameKind kind)
{
  Frame frame = { kind, K_NONE, FALSE };
  g_array_append_val (p->stack, frame);
}

static void
begin_top_value (JsonParse *p)
{
  p->has_events = p->has_log_events = p->has_payloads = FALSE;
  event_fields_clear (&p->top);
  p->has_sub_stream = FALSE;
  g_string_truncate (p->sub_stream, 0);
  p->type = TYPE_UNKNOWN;
  g_string_truncate (p->type_text, 0);
  held_clear (&p->held);
}

/* Where a subscription message's events go: held (the return value)
 * until its type and stream are known, then straight on (NULL). */
static Held *
subscription_held (JsonParse *p)
{
  return p->type != TYPE_UNKNOWN && p->has_sub_stream ? NULL : &p->held;
}

static void
end_event (JsonParse *p, FrameKind parent)
{
  if (parent != F_LOG_EVENTS)
    {
      emit_event (p, NULL, &p->event, p->event.has_stream ? p->event.stream : NULL);
      return;
    }
  if (p->type == TYPE_CONTROL || p->type == TYPE_OTHER)
    return; /* no records; reported once, at the end of the message */
  /* Held until the subscription message has told its type and stream;
   * the stream is filled in then. */
  emit_event (p, subscription_held (p), &p->event, p->sub_stream);
}

/* An element of an events array that is not an object. */
static void
event_not_object (JsonParse *p, FrameKind parent)
{
  static const char why[] = "log event is not a JSON object";
  if (parent == F_LOG_EVENTS && (p->type == TYPE_CONTROL || p->type == TYPE_OTHER))
    return;
  put (p, parent == F_LOG_EVENTS ? subscription_held (p) : NULL, VPC_ITEM_MALFORMED, why,
       sizeof why - 1, parse_line (p));
}

static void
end_top_object (JsonParse *p)
{
  if (p->has_log_events)
    {
      switch (p->type)
        {
        case TYPE_DATA:
          {
            /* Held events: they got no stream; give them this message's. */
            Held *held = &p->held;
            for (guint i = 0; i < held->items->len; i++)
              {
                HeldItem *item = &g_array_index (held->items, HeldItem, i);
                if (item->kind == VPC_ITEM_STREAM)
                  json_emit (p, VPC_ITEM_STREAM, p->sub_stream->str,
                             vpc_stream_interface_id_length (p->sub_stream->str,
                                                             p->sub_stream->len),
                             item->line);
                else
                  json_emit (p, item->kind, held->text->str + item->offset, item->len,
                             item->line);
              }
            held_clear (held);
          }
          break;
        case TYPE_CONTROL:
          json_emit_printf (p, VPC_ITEM_CONTROL, "CloudWatch Logs CONTROL_MESSAGE skipped");
          break;
        case TYPE_OTHER:
          json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD,
                            "subscription message of messageType '%s' (expected DATA_MESSAGE "
                            "or CONTROL_MESSAGE)",
                            p->type_text->str);
          break;
        case TYPE_UNKNOWN:
          json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD,
                            "subscription message without a messageType");
          break;
        }
      held_clear (&p->held);
      return;
    }
  if (p->has_events || p->has_payloads)
    return;
  if (p->top.has_message)
    {
      emit_event (p, NULL, &p->top, p->top.has_stream ? p->top.stream : NULL);
      return;
    }
  json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD,
                    "JSON object is not a flow log container (no events, logEvents, message, "
                    "awslogs or Records)");
}

static void decode_payload (JsonParse *p, const char *text, gsize len);

/* A scalar (string or not) arrived. */
static void
json_scalar (JsonParse *p, const char *text, gsize len, gboolean is_string)
{
  Frame *frame = top_frame (p);
  if (frame == NULL)
    {
      json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "a JSON %s is not a flow log container",
                        is_string ? "string" : "scalar");
      return;
    }
  Key key = frame->key;
  frame->key = K_NONE;
  switch (frame->kind)
    {
    case F_TOP_ARRAY:
    case F_EVENTS:
    case F_LOG_EVENTS:
      event_not_object (p, frame->kind);
      return;
    case F_TOP_OBJECT:
      event_fields_take (p, &p->top, key, text, len, is_string);
      if (key == K_SUB_STREAM && is_string)
        {
          p->has_sub_stream = TRUE;
          g_string_truncate (p->sub_stream, 0);
          g_string_append_len (p->sub_stream, text, (gssize) len);
        }
      else if (key == K_MESSAGE_TYPE)
        {
          g_string_truncate (p->type_text, 0);
          g_string_append_len (p->type_text, text, (gssize) len);
          if (is_string && len == 12 && memcmp (text, "DATA_MESSAGE", 12) == 0)
            p->type = TYPE_DATA;
          else if (is_string && len == 15 && memcmp (text, "CONTROL_MESSAGE", 15) == 0)
            p->type = TYPE_CONTROL;
          else
            p->type = TYPE_OTHER;
        }
      return;
    case F_EVENT:
      event_fields_take (p, &p->event, key, text, len, is_string);
      return;
    case F_AWSLOGS:
    case F_RECORD:
    case F_KINESIS:
      if (key == K_DATA)
        {
          frame->has_data = TRUE;
          if (is_string)
            decode_payload (p, text, len);
          else
            json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "\"data\" is not a string");
        }
      return;
    case F_RECORDS:
      json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "a record of the event is not an object");
      return;
    case F_SKIP:
      return;
    }
}

static int
on_null (void *ctx)
{
  json_scalar (ctx, "null", 4, FALSE);
  return 1;
}

static int
on_boolean (void *ctx, int value)
{
  json_scalar (ctx, value ? "true" : "false", value ? 4 : 5, FALSE);
  return 1;
}

static int
on_number (void *ctx, const char *text, size_t len)
{
  json_scalar (ctx, text, len, FALSE);
  return 1;
}

static int
on_string (void *ctx, const unsigned char *text, size_t len)
{
  JsonParse *p = ctx;
  json_scalar (p, (const char *) text, len, TRUE);
  return !p->decoder->stopped;
}

static int
on_map_key (void *ctx, const unsigned char *key_text, size_t len)
{
  JsonParse *p = ctx;
  Frame *frame = open_frame (p);
  const char *key = (const char *) key_text;
#define IS(s) (len == sizeof (s) - 1 && memcmp (key, s, len) == 0)
  Key k = K_NONE;
  switch (frame->kind)
    {
    case F_TOP_OBJECT:
      k = IS ("events")                              ? K_EVENTS
          : IS ("logEvents")                         ? K_LOG_EVENTS
          : IS ("messageType")                       ? K_MESSAGE_TYPE
          : IS ("logStreamName")                     ? K_STREAM
          : IS ("logStream")                         ? K_SUB_STREAM
          : IS ("message")                           ? K_MESSAGE
          : IS ("awslogs")                           ? K_AWSLOGS
          : IS ("Records") || IS ("records")         ? K_RECORDS
                                                     : K_NONE;
      break;
    case F_EVENT:
      k = IS ("message") ? K_MESSAGE : IS ("logStreamName") ? K_STREAM : K_NONE;
      break;
    case F_AWSLOGS:
    case F_KINESIS:
      k = IS ("data") ? K_DATA : K_NONE;
      break;
    case F_RECORD:
      k = IS ("kinesis") ? K_KINESIS : IS ("data") ? K_DATA : K_NONE;
      break;
    default:
      break;
    }
#undef IS
  frame->key = k;
  return 1;
}

static int
on_start_map (void *ctx)
{
  JsonParse *p = ctx;
  Frame *frame = top_frame (p);
  if (frame == NULL)
    {
      begin_top_value (p);
      push_frame (p, F_TOP_OBJECT);
      return 1;
    }
  Key key = frame->key;
  frame->key = K_NONE;
  FrameKind kind = F_SKIP;
  switch (frame->kind)
    {
    case F_TOP_ARRAY:
    case F_EVENTS:
    case F_LOG_EVENTS:
      kind = F_EVENT;
      event_fields_clear (&p->event);
      break;
    case F_TOP_OBJECT:
      if (key == K_AWSLOGS)
        {
          kind = F_AWSLOGS;
          p->has_payloads = TRUE;
        }
      break;
    case F_RECORDS:
      kind = F_RECORD;
      break;
    case F_RECORD:
      if (key == K_KINESIS)
        kind = F_KINESIS;
      break;
    default:
      break;
    }
  push_frame (p, kind);
  return 1;
}

static int
on_end_map (void *ctx)
{
  JsonParse *p = ctx;
  Frame frame = *open_frame (p);
  g_array_set_size (p->stack, p->stack->len - 1);
  if (frame.kind == F_EVENT)
    end_event (p, open_frame (p)->kind);
  else if (frame.kind == F_KINESIS)
    open_frame (p)->has_data |= frame.has_data;
  else if ((frame.kind == F_AWSLOGS || frame.kind == F_RECORD) && !frame.has_data)
    json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "%s without \"data\"",
                      frame.kind == F_AWSLOGS ? "\"awslogs\"" : "a record of the event");
  else if (frame.kind == F_TOP_OBJECT)
    end_top_object (p);
  return !p->decoder->stopped;
}

static int
on_start_array (void *ctx)
{
  JsonParse *p = ctx;
  Frame *frame = top_frame (p);
  if (frame == NULL)
    {
      begin_top_value (p);
      push_frame (p, F_TOP_ARRAY);
      return 1;
    }
  Key key = frame->key;
  frame->key = K_NONE;
  FrameKind kind = F_SKIP;
  if (frame->kind == F_TOP_OBJECT)
    switch (key)
      {
      case K_EVENTS:
        kind = F_EVENTS;
        p->has_events = TRUE;
        break;
      case K_LOG_EVENTS:
        kind = F_LOG_EVENTS;
        p->has_log_events = TRUE;
        break;
      case K_RECORDS:
        kind = F_RECORDS;
        p->has_payloads = TRUE;
        break;
      default:
        break;
      }
  else if (frame->kind == F_TOP_ARRAY || frame->kind == F_EVENTS || frame->kind == F_LOG_EVENTS)
    event_not_object (p, frame->kind);
  push_frame (p, kind);
  return 1;
}

static int
on_end_array (void *ctx)
{
  JsonParse *p = ctx;
  g_array_set_size (p->stack, p->stack->len - 1);
  return !p->decoder->stopped;
}

static const yajl_callbacks json_callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_map,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_array,
};

static JsonParse *
json_parse_new (VpcDecoder *decoder, guint nesting, Held *out)
{
  JsonParse *p = g_new0 (JsonParse, 1);
  p->decoder = decoder;
  p->nesting = nesting;
  p->out = out;
  p->stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  event_fields_init (&p->top);
  event_fields_init (&p->event);
  p->type_text = g_string_new (NULL);
  p->sub_stream = g_string_new (NULL);
  held_init (&p->held);
  p->yajl = yajl_alloc (&json_callbacks, NULL, p);
  yajl_config (p->yajl, yajl_allow_multiple_values, 1);
  yajl_config (p->yajl, yajl_dont_validate_strings, 1);
  return p;
}

static void
json_parse_free (JsonParse *p)
{
  if (p == NULL)
    return;
  yajl_free (p->yajl);
  g_array_unref (p->stack);
  event_fields_free (&p->top);
  event_fields_free (&p->event);
  g_string_free (p->type_text, TRUE);
  g_string_free (p->sub_stream, TRUE);
  held_free (&p->held);
  g_free (p);
}

/* yajl's description of a syntax error, on one line. */
static char *
json_syntax_error (JsonParse *p, const char *data, gsize len)
{
  unsigned char *text = yajl_get_error (p->yajl, 0, (const unsigned char *) data, len);
  g_autofree char *message = g_strdup ((const char *) text);
  yajl_free_error (p->yajl, text);
  g_strstrip (g_strdelimit (message, "\n", ' '));
  return g_strdup_printf ("JSON syntax error (%s)", message);
}

/* The JSON of a payload: its items go to p's output if it parses cleanly,
 * else it is one bad payload. */
static void
parse_payload_json (JsonParse *p, const guint8 *json, gsize json_len)
{
  VpcDecoder *d = p->decoder;
  Held held;
  held_init (&held);
  JsonParse *inner = json_parse_new (d, p->nesting + 1, &held);
  inner->line = parse_line (p);
  gboolean ok = yajl_parse (inner->yajl, json, json_len) == yajl_status_ok
                && yajl_complete_parse (inner->yajl) == yajl_status_ok;
  if (d->stopped)
    ;
  else if (!ok)
    {
      g_autofree char *why = json_syntax_error (inner, (const char *) json, json_len);
      json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "payload: %s", why);
    }
  else
    for (guint i = 0; !d->stopped && i < held.items->len; i++)
      {
        HeldItem *item = &g_array_index (held.items, HeldItem, i);
        json_emit (p, item->kind, held.text->str + item->offset, item->len, item->line);
      }
  json_parse_free (inner);
  held_free (&held);
}

/* Decode one payload (base64, maybe gzip, then JSON) found at line p->line. */
static void
decode_payload (JsonParse *p, const char *text, gsize len)
{
  VpcDecoder *d = p->decoder;
  if (p->nesting >= 3)
    {
      json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "payloads nested more than 3 deep");
      return;
    }
  gsize bad;
  if (!base64_decode (text, len, d->raw, &bad))
    {
      if (bad < len)
        json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD,
                          "payload is not base64 (character '%c' at offset %" G_GSIZE_FORMAT ")",
                          g_ascii_isprint (text[bad]) ? text[bad] : '?', bad);
      else
        json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "payload is not base64 (bad length)");
      return;
    }
  /* A payload may hold payloads of its own: this one keeps its buffers. */
  g_autoptr (GByteArray) raw = g_steal_pointer (&d->raw);
  g_autoptr (GByteArray) inflated = g_steal_pointer (&d->inflated);
  d->raw = g_byte_array_new ();
  d->inflated = g_byte_array_new ();
  const char *why = NULL;
  if (raw->len < 2 || raw->data[0] != 0x1f || raw->data[1] != 0x8b)
    parse_payload_json (p, raw->data, raw->len);
  else if (gunzip (d->inflate, raw->data, raw->len, inflated, &why))
    parse_payload_json (p, inflated->data, inflated->len);
  else
    json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "payload: %s", why);
  /* Keep the outer (larger) buffers for the next payload. */
  g_byte_array_unref (d->raw);
  g_byte_array_unref (d->inflated);
  d->raw = g_steal_pointer (&raw);
  d->inflated = g_steal_pointer (&inflated);
}

/* The line the parser of the input has reached: yajl keeps the offset of
 * the token it is calling back for in yajl_get_bytes_consumed() while it
 * parses (yajl_do_parse lexes with &bytesConsumed as its cursor), so the
 * line ends are counted lazily, once each, up to there.  Payloads keep the
 * line they came from. */
static guint64
parse_line (JsonParse *p)
{
  VpcDecoder *d = p->decoder;
  if (p->nesting > 0 || d->container != VPC_CONTAINER_JSON)
    return p->line;
  if (d->buf == NULL) /* at the end, after the last piece */
    return d->at_line_start && d->line > 1 ? d->line - 1 : d->line;
  count_lines (d, yajl_get_bytes_consumed (p->yajl));
  return d->line;
}

/* Line ends in n bytes, eight at a time: a byte of x ^ "\n\n..." is zero
 * exactly where a line end is. */
static gsize
count_newlines (const char *text, gsize n)
{
  const guint64 lows = G_GUINT64_CONSTANT (0x7f7f7f7f7f7f7f7f);
  gsize count = 0, i = 0;
  for (; i + 8 <= n; i += 8)
    {
      guint64 x;
      memcpy (&x, text + i, 8);
      x ^= G_GUINT64_CONSTANT (0x0a0a0a0a0a0a0a0a);
      /* High bit set in each zero byte, nowhere else. */
      guint64 zero = ~(((x & lows) + lows) | x | lows);
      /* One bit per line end at the bottom of its byte; the multiply sums the bytes. */
      count += (gsize) (((zero >> 7) * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
    }
  for (; i < n; i++)
    count += text[i] == '\n';
  return count;
}

/* Count the line ends of the piece being parsed up to offset upto. */
static void
count_lines (VpcDecoder *d, gsize upto)
{
  if (upto > d->counted)
    {
      d->line += count_newlines (d->buf + d->counted, upto - d->counted);
      d->counted = upto;
    }
}

/* A syntax error in the input itself: what the broken value held back is
 * lost, one bad payload is reported, and decoding waits for a line that
 * starts a new value. */
static void
json_input_error (VpcDecoder *d, gboolean at_end)
{
  JsonParse *p = d->json;
  g_autofree char *why = at_end ? g_strdup ("JSON ends inside a value (truncated input?)")
                                : json_syntax_error (p, NULL, 0);
  decoder_emit (d, VPC_ITEM_BAD_PAYLOAD, why, strlen (why), d->line);
  json_parse_free (p);
  d->json = NULL;
  d->resync = TRUE;
}

/* After a syntax error: skip to a line that starts with '{' or '['.
 * Returns the bytes skipped (all of them if there is no such line). */
static gsize
json_resync (VpcDecoder *d, const char *data, gsize len)
{
  gsize i = 0;
  while (i < len)
    {
      if (d->at_line_start && (data[i] == '{' || data[i] == '['))
        {
          d->resync = FALSE;
          return i;
        }
      const char *nl = memchr (data + i, '\n', len - i);
      if (nl == NULL)
        {
          d->at_line_start = FALSE;
          return len;
        }
      d->line++;
      d->at_line_start = TRUE;
      i = (gsize) (nl - data) + 1;
    }
  return len;
}

static void
json_feed (VpcDecoder *d, const char *data, gsize len)
{
  while (len > 0 && !d->stopped)
    {
      if (d->resync)
        {
          gsize skipped = json_resync (d, data, len);
          data += skipped;
          len -= skipped;
          if (len == 0)
            return;
        }
      if (d->json == NULL)
        d->json = json_parse_new (d, 0, NULL);
      d->buf = data;
      d->counted = 0;
      yajl_status status = yajl_parse (d->json->yajl, (const unsigned char *) data, len);
      gsize done = status == yajl_status_error ? yajl_get_bytes_consumed (d->json->yajl) : len;
      count_lines (d, done);
      d->buf = NULL;
      d->at_line_start = done > 0 ? data[done - 1] == '\n' : d->at_line_start;
      if (status != yajl_status_error)
        return;
      json_input_error (d, FALSE);
      data += done;
      len -= done;
    }
}

/* ---- base64 lines ---- */

static void
base64_line (VpcDecoder *d, const char *line, gsize len)
{
  while (len > 0 && g_ascii_isspace (line[len - 1]))
    len--;
  while (len > 0 && g_ascii_isspace (*line))
    {
      line++;
      len--;
    }
  if (len == 0)
    return;
  JsonParse *p = d->json;
  p->line = d->line;
  decode_payload (p, line, len);
}

static void
base64_feed (VpcDecoder *d, const char *data, gsize len)
{
  while (len > 0 && !d->stopped)
    {
      const char *nl = memchr (data, '\n', len);
      if (nl == NULL)
        {
          if (d->partial->len + len > 64 * 1024 * 1024)
            {
              /* Not a payload line anyone writes: report it once, drop it. */
              if (d->partial->len <= 64 * 1024 * 1024)
                {
                  const char *why = "payload line longer than 64 MiB";
                  decoder_emit (d, VPC_ITEM_BAD_PAYLOAD, why, strlen (why), d->line);
                }
              g_string_truncate (d->partial, 0);
              g_string_append_c (d->partial, ' ');
              g_string_set_size (d->partial, 64 * 1024 * 1024 + 1);
              return;
            }
          g_string_append_len (d->partial, data, (gssize) len);
          return;
        }
      gsize n = (gsize) (nl - data);
      if (d->partial->len > 64 * 1024 * 1024)
        g_string_truncate (d->partial, 0); /* the end of a dropped line */
      else if (d->partial->len > 0)
        {
          g_string_append_len (d->partial, data, (gssize) n);
          base64_line (d, d->partial->str, d->partial->len);
          g_string_truncate (d->partial, 0);
        }
      else
        base64_line (d, data, n);
      d->line++;
      data += n + 1;
      len -= n + 1;
    }
}

/* ---- the decoder ---- */

VpcDecoder *
vpc_decoder_new (VpcContainer container, VpcItemFunc func, gpointer user_data)
{
  g_return_val_if_fail (container == VPC_CONTAINER_JSON || container == VPC_CONTAINER_BASE64,
                        NULL);
  VpcDecoder *d = g_new0 (VpcDecoder, 1);
  d->container = container;
  d->func = func;
  d->user_data = user_data;
  d->line = 1;
  d->at_line_start = TRUE;
  d->stream = g_string_new (NULL);
  d->partial = g_string_new (NULL);
  d->raw = g_byte_array_new ();
  d->inflated = g_byte_array_new ();
  d->inflate = g_new0 (struct inflate_state, 1);
  if (container == VPC_CONTAINER_BASE64)
    d->json = json_parse_new (d, 0, NULL); /* a context for the payloads */
  return d;
}

void
vpc_decoder_free (VpcDecoder *d)
{
  if (d == NULL)
    return;
  json_parse_free (d->json);
  g_string_free (d->stream, TRUE);
  g_string_free (d->partial, TRUE);
  g_byte_array_unref (d->raw);
  g_byte_array_unref (d->inflated);
  g_free (d->inflate);
  g_free (d);
}

gboolean
vpc_decoder_feed (VpcDecoder *d, const char *data, gsize len)
{
  if (!d->started && len > 0)
    {
      d->started = TRUE;
      if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        {
          data += 3;
          len -= 3;
        }
    }
  if (d->container == VPC_CONTAINER_JSON)
    json_feed (d, data, len);
  else
    base64_feed (d, data, len);
  return !d->stopped;
}

gboolean
vpc_decoder_finish (VpcDecoder *d)
{
  if (d->stopped)
    return FALSE;
  if (d->container == VPC_CONTAINER_BASE64)
    {
      if (d->partial->len > 0 && d->partial->len <= 64 * 1024 * 1024)
        base64_line (d, d->partial->str, d->partial->len);
      g_string_truncate (d->partial, 0);
    }
  else if (d->json != NULL && !d->resync
           && yajl_complete_parse (d->json->yajl) != yajl_status_ok)
    {
      if (d->at_line_start && d->line > 1)
        d->line--; /* the error is on the last line, not after it */
      json_input_error (d, TRUE);
    }
  return !d->stopped;
}
