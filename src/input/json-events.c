/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON state machine: frames over yajl's events, log events and payloads out as items. */
#include "config.h"

#include "json-events.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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



/* The "message" and stream of a log event, or of a top-level object. */
typedef struct {
  gboolean has_message, message_is_text, has_stream;
  gboolean message_too_long; /* the message string was cut (VPC_JSON_MAX_STRING) */
  guint64 line; /* of the message */
  GString *message;
  GString *stream;
} EventFields;

struct VpcJsonEvents {
  const VpcJsonSink *sink;
  gpointer ctx;
  yajl_handle yajl;
  /* The string guard (vpc_json_events_parse): where the text is, lexically. */
  gboolean in_string;
  guint escape;          /* bytes of an escape sequence still to come (\uXXXX: 5) */
  gsize string_len;      /* bytes of the current string so far */
  gboolean skipping;     /* in a string cut at VPC_JSON_MAX_STRING: to its end */
  gboolean string_cut;   /* the string yajl is handing on now was cut */
  gsize piece_base;      /* offset in the piece of the current yajl_parse call */
  GArray *stack;  /* Frame */
  /* The top-level value being read. */
  gboolean has_events, has_log_events, has_payloads;
  EventFields top; /* a Firehose object, or an event on its own (JSON lines) */
  gboolean has_sub_stream;
  GString *sub_stream; /* a subscription message's logStream */
  MessageType type;
  GString *type_text;
  VpcHeld held; /* subscription events waiting for messageType and logStream */
  EventFields event; /* the log event being read */
};

typedef VpcJsonEvents JsonParse;

static void
json_emit (JsonParse *p, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  p->sink->item (p->ctx, kind, text, len, line);
}

static guint64
parse_line (JsonParse *p)
{
  return p->sink->line (p->ctx);
}


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
put (JsonParse *p, VpcHeld *to, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  if (to != NULL)
    vpc_held_add (to, kind, text, len, line);
  else
    json_emit (p, kind, text, len, line);
}

/* The records of an event: its stream (NULL: none, or not known yet when
 * held), then one record per line of its message, a trailing line end
 * dropped; or why it has none. */
static void
emit_event (JsonParse *p, VpcHeld *to, const EventFields *event, const GString *stream)
{
  guint64 line = event->has_message ? event->line : parse_line (p);
  if (!event->has_message || !event->message_is_text || event->message_too_long)
    {
      const char *why = !event->has_message        ? "log event without a message"
                        : event->message_too_long ? "log event message longer than 4 MiB"
                                                   : "log event message is not a string";
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
  event->message_too_long = FALSE;
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
      event->message_too_long = is_string && p->string_cut;
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
  vpc_held_clear (&p->held);
}

/* Where a subscription message's events go: held (the return value)
 * until its type and stream are known, then straight on (NULL). */
static VpcHeld *
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
            VpcHeld *held = &p->held;
            for (guint i = 0; i < held->items->len; i++)
              {
                VpcHeldItem *item = &g_array_index (held->items, VpcHeldItem, i);
                if (item->kind == VPC_ITEM_STREAM)
                  json_emit (p, VPC_ITEM_STREAM, p->sub_stream->str,
                             vpc_stream_interface_id_length (p->sub_stream->str,
                                                             p->sub_stream->len),
                             item->line);
                else
                  json_emit (p, item->kind, held->text->str + item->offset, item->len,
                             item->line);
              }
            vpc_held_clear (held);
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
      vpc_held_clear (&p->held);
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
          if (is_string && p->string_cut)
            json_emit_printf (p, VPC_ITEM_BAD_PAYLOAD, "\"data\" longer than 4 MiB");
          else if (is_string)
            p->sink->payload (p->ctx, text, len);
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
  return !p->sink->stopped (p->ctx);
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

/* An object or array opens: at the top level it begins a new value (and
 * NULL is returned); else its parent is returned, with the key it is the
 * value of taken from the parent. */
static Frame *
open_value (JsonParse *p, FrameKind top_kind, Key *key)
{
  Frame *parent = top_frame (p);
  if (parent == NULL)
    {
      begin_top_value (p);
      push_frame (p, top_kind);
      return NULL;
    }
  *key = parent->key;
  parent->key = K_NONE;
  return parent;
}

static int
on_start_map (void *ctx)
{
  JsonParse *p = ctx;
  Key key;
  Frame *frame = open_value (p, F_TOP_OBJECT, &key);
  if (frame == NULL)
    return 1;
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
  return !p->sink->stopped (p->ctx);
}

static int
on_start_array (void *ctx)
{
  JsonParse *p = ctx;
  Key key;
  Frame *frame = open_value (p, F_TOP_ARRAY, &key);
  if (frame == NULL)
    return 1;
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
  return !p->sink->stopped (p->ctx);
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

VpcJsonEvents *
vpc_json_events_new (const VpcJsonSink *sink, gpointer ctx)
{
  JsonParse *p = g_new0 (JsonParse, 1);
  p->sink = sink;
  p->ctx = ctx;
  p->stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  event_fields_init (&p->top);
  event_fields_init (&p->event);
  p->type_text = g_string_new (NULL);
  p->sub_stream = g_string_new (NULL);
  vpc_held_init (&p->held);
  p->yajl = yajl_alloc (&json_callbacks, NULL, p);
  yajl_config (p->yajl, yajl_allow_multiple_values, 1);
  yajl_config (p->yajl, yajl_dont_validate_strings, 1);
  return p;
}

void
vpc_json_events_free (VpcJsonEvents *p)
{
  if (p == NULL)
    return;
  yajl_free (p->yajl);
  g_array_unref (p->stack);
  event_fields_free (&p->top);
  event_fields_free (&p->event);
  g_string_free (p->type_text, TRUE);
  g_string_free (p->sub_stream, TRUE);
  vpc_held_free (&p->held);
  g_free (p);
}


/* yajl re-reads a token buffered across pieces from its start with every
 * piece, so one long string would cost time quadratic in its length and
 * memory linear in it.  The guard follows strings lexically (quotes and
 * escapes are all it needs): a string longer than VPC_JSON_MAX_STRING is
 * closed for yajl at that length (never inside an escape), flagged, and
 * the rest of it is skipped here without yajl seeing it. */
static yajl_status
parse_span (VpcJsonEvents *p, const char *data, gsize from, gsize to)
{
  p->piece_base = from;
  if (to == from)
    return yajl_status_ok;
  return yajl_parse (p->yajl, (const unsigned char *) data + from, to - from);
}

/* The first '"' or '\\' in data[from, to), or to.  Sixteen bytes at a
 * time where SSE2 is there (every x86-64): the guard looks at every byte
 * of the input, and byte by byte it cost more than yajl itself. */
static gsize
find_quote_or_backslash (const char *data, gsize from, gsize to)
{
  gsize i = from;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8 ('"'), backslash = _mm_set1_epi8 ('\\');
  for (; i + 16 <= to; i += 16)
    {
      __m128i chunk = _mm_loadu_si128 ((const __m128i *) (const void *) (data + i));
      int mask = _mm_movemask_epi8 (
          _mm_or_si128 (_mm_cmpeq_epi8 (chunk, quote), _mm_cmpeq_epi8 (chunk, backslash)));
      if (mask != 0)
        return i + (gsize) __builtin_ctz ((unsigned) mask);
    }
#endif
  for (; i < to; i++)
    if (data[i] == '"' || data[i] == '\\')
      return i;
  return to;
}

yajl_status
vpc_json_events_parse (VpcJsonEvents *p, const char *data, gsize len)
{
  gsize i = 0, start = 0;
  while (i < len)
    {
      if (p->skipping)
        {
          for (; i < len; i++)
            if (p->escape > 0)
              p->escape--;
            else if (data[i] == '\\')
              p->escape = 1;
            else if (data[i] == '"')
              {
                p->skipping = p->in_string = FALSE;
                i++;
                break;
              }
          start = i;
          p->piece_base = i;
          continue;
        }
      gboolean cut = FALSE;
      while (i < len)
        {
          if (!p->in_string)
            {
              /* Outside strings only a quote matters. */
              const char *quote = memchr (data + i, '"', len - i);
              if (quote == NULL)
                {
                  i = len;
                  break;
                }
              i = (gsize) (quote - data) + 1;
              p->in_string = TRUE;
              p->string_len = 0;
              continue;
            }
          if (p->escape == 0)
            {
              /* A run of plain string bytes: each counts one towards the
               * limit, and the byte that passes it is where the cut is. */
              gsize end = find_quote_or_backslash (data, i, len);
              gsize room = VPC_JSON_MAX_STRING - p->string_len;
              if (end - i > room)
                {
                  i += room + 1;
                  p->string_len = VPC_JSON_MAX_STRING + 1;
                  cut = TRUE;
                  break;
                }
              p->string_len += end - i;
              i = end;
              if (i == len)
                break;
            }
          /* One byte of an escape, a backslash or the closing quote. */
          char c = data[i];
          if (p->escape > 0)
            p->escape = (p->escape == 1 && c == 'u') ? 4 : p->escape - 1;
          else if (c == '\\')
            p->escape = 1;
          else if (c == '"')
            {
              p->in_string = FALSE;
              i++;
              continue;
            }
          i++;
          if (++p->string_len > VPC_JSON_MAX_STRING && p->escape == 0)
            {
              cut = TRUE;
              break;
            }
        }
      yajl_status status = parse_span (p, data, start, i);
      if (!cut || status != yajl_status_ok)
        return status;
      /* Close the string for yajl here: its callback sees the cut flag. */
      p->string_cut = TRUE;
      status = yajl_parse (p->yajl, (const unsigned char *) "\"", 1);
      p->string_cut = FALSE;
      p->piece_base = i;
      if (status != yajl_status_ok)
        return status;
      p->skipping = TRUE;
      start = i;
    }
  return yajl_status_ok;
}

yajl_status
vpc_json_events_complete (VpcJsonEvents *p)
{
  return yajl_complete_parse (p->yajl);
}

gsize
vpc_json_events_get_offset (VpcJsonEvents *p)
{
  return p->piece_base + yajl_get_bytes_consumed (p->yajl);
}

char *
vpc_json_events_get_error (VpcJsonEvents *p)
{
  unsigned char *text = yajl_get_error (p->yajl, 0, NULL, 0);
  g_autofree char *message = g_strdup ((const char *) text);
  yajl_free_error (p->yajl, text);
  g_strstrip (g_strdelimit (message, "\n", ' '));
  return g_strdup_printf ("JSON syntax error (%s)", message);
}
