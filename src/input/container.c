/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container detection, and the JSON (yajl, streaming) and base64 payload decoders. */
#include "config.h"

#include "container.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <isa-l/igzip_lib.h>

#include "json-events.h"

/* ---- names, detection, small helpers ---- */

static const char *const container_names[] = {
  [VPC_CONTAINER_AUTO] = "auto",
  [VPC_CONTAINER_TEXT] = "text",
  [VPC_CONTAINER_CLOUDWATCH_EXPORT] = "cloudwatch-export",
  [VPC_CONTAINER_JSON] = "json",
  [VPC_CONTAINER_BASE64] = "base64",
  [VPC_CONTAINER_IPFIX] = "ipfix",
  [VPC_CONTAINER_PARQUET] = "parquet",
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
    if (i != VPC_CONTAINER_IPFIX && i != VPC_CONTAINER_PARQUET
        && g_ascii_strcasecmp (name, container_names[i]) == 0)
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
  /* An IPFIX message header (RFC 7011): version 10, a length of at least
   * the header's 16 bytes.  No text starts with a NUL byte. */
  if (len >= 4 && data[0] == 0 && data[1] == 10 && ((guint8) data[2] << 8 | (guint8) data[3]) >= 16)
    return VPC_CONTAINER_IPFIX;
  if (len >= 4 && memcmp (data, "PAR1", 4) == 0)
    return VPC_CONTAINER_PARQUET;
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

/* ---- the decoder ---- */

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
  VpcJsonEvents *json;
  const char *buf;       /* the piece being parsed; line is the line of buf[counted] */
  gsize counted;
  gboolean resync;       /* after a syntax error: wait for '{' or '[' in column 0 */
  /* base64 */
  GString *partial;      /* a line split across feeds */
  /* payloads */
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

/* Line ends in n bytes, eight at a time: a byte of x ^ "\n\n..." is zero
 * exactly where a line end is. */
static gsize
count_newlines (const char *text, gsize n)
{
  const guint64 lows = G_GUINT64_CONSTANT (0x7f7f7f7f7f7f7f7f);
  gsize count = 0, i = 0;
#ifdef __SSE2__
  /* Sixteen bytes a step: each compare subtracts -1 from the byte
   * counters of its line ends; summed up before a counter can wrap. */
  const __m128i newline = _mm_set1_epi8 ('\n'), nothing = _mm_setzero_si128 ();
  while (i + 16 <= n)
    {
      __m128i counters = nothing;
      for (guint steps = 0; steps < 255 && i + 16 <= n; steps++, i += 16)
        {
          __m128i chunk = _mm_loadu_si128 ((const __m128i *) (const void *) (text + i));
          counters = _mm_sub_epi8 (counters, _mm_cmpeq_epi8 (chunk, newline));
        }
      __m128i sums = _mm_sad_epu8 (counters, nothing);
      count += (gsize) _mm_cvtsi128_si32 (sums) + (gsize) _mm_extract_epi16 (sums, 4);
    }
#endif
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

/* ---- payloads: their items are held until the payload decoded cleanly ---- */

typedef struct {
  VpcDecoder *decoder;
  VpcHeld *out;  /* NULL: hand items on */
  guint nesting; /* payloads inside payloads */
  guint64 line;  /* of the payload in the input */
} Payload;

static void decode_payload (Payload *payload, const char *text, gsize len);

static void
payload_emit (Payload *payload, VpcItemKind kind, const char *text, gsize len)
{
  if (payload->out != NULL)
    vpc_held_add (payload->out, kind, text, len, payload->line);
  else
    decoder_emit (payload->decoder, kind, text, len, payload->line);
}

static void G_GNUC_PRINTF (2, 3)
payload_bad (Payload *payload, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  payload_emit (payload, VPC_ITEM_BAD_PAYLOAD, text, strlen (text));
}

static void
inner_item (gpointer ctx, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  Payload *inner = ctx; /* items of a payload: always held */
  vpc_held_add (inner->out, kind, text, len, line);
}

static guint64
inner_line (gpointer ctx)
{
  return ((Payload *) ctx)->line;
}

static void
inner_payload (gpointer ctx, const char *text, gsize len)
{
  Payload *inner = ctx;
  Payload nested = { inner->decoder, inner->out, inner->nesting + 1, inner->line };
  decode_payload (&nested, text, len);
}

static gboolean
inner_stopped (gpointer ctx)
{
  return ((Payload *) ctx)->decoder->stopped;
}

static const VpcJsonSink inner_sink = { inner_item, inner_line, inner_payload, inner_stopped };

/* The JSON of a payload: its items go on if it parses cleanly, else it is
 * one bad payload. */
static void
parse_payload_json (Payload *payload, const guint8 *json, gsize len)
{
  VpcDecoder *d = payload->decoder;
  VpcHeld held;
  vpc_held_init (&held);
  Payload inner = { d, &held, payload->nesting, payload->line };
  VpcJsonEvents *events = vpc_json_events_new (&inner_sink, &inner);
  gboolean ok = vpc_json_events_parse (events, (const char *) json, len) == yajl_status_ok
                && vpc_json_events_complete (events) == yajl_status_ok;
  if (d->stopped)
    ;
  else if (!ok)
    {
      g_autofree char *why = vpc_json_events_get_error (events);
      payload_bad (payload, "payload: %s", why);
    }
  else
    for (guint i = 0; !d->stopped && i < held.items->len; i++)
      {
        VpcHeldItem *item = &g_array_index (held.items, VpcHeldItem, i);
        if (payload->out != NULL)
          vpc_held_add (payload->out, item->kind, held.text->str + item->offset, item->len,
                        item->line);
        else
          decoder_emit (d, item->kind, held.text->str + item->offset, item->len, item->line);
      }
  vpc_json_events_free (events);
  vpc_held_free (&held);
}

/* Decode one payload: base64, maybe gzip, then JSON. */
static void
decode_payload (Payload *payload, const char *text, gsize len)
{
  VpcDecoder *d = payload->decoder;
  if (payload->nesting >= 3)
    {
      payload_bad (payload, "payloads nested more than 3 deep");
      return;
    }
  gsize bad;
  if (!base64_decode (text, len, d->raw, &bad))
    {
      if (bad < len)
        payload_bad (payload, "payload is not base64 (character '%c' at offset %" G_GSIZE_FORMAT ")",
                     g_ascii_isprint (text[bad]) ? text[bad] : '?', bad);
      else
        payload_bad (payload, "payload is not base64 (bad length)");
      return;
    }
  /* A payload may hold payloads of its own: this one keeps its buffers. */
  g_autoptr (GByteArray) raw = g_steal_pointer (&d->raw);
  g_autoptr (GByteArray) inflated = g_steal_pointer (&d->inflated);
  d->raw = g_byte_array_new ();
  d->inflated = g_byte_array_new ();
  const char *why = NULL;
  if (raw->len < 2 || raw->data[0] != 0x1f || raw->data[1] != 0x8b)
    parse_payload_json (payload, raw->data, raw->len);
  else if (gunzip (d->inflate, raw->data, raw->len, inflated, &why))
    parse_payload_json (payload, inflated->data, inflated->len);
  else
    payload_bad (payload, "payload: %s", why);
  /* Keep the outer (larger) buffers for the next payload. */
  g_byte_array_unref (d->raw);
  g_byte_array_unref (d->inflated);
  d->raw = g_steal_pointer (&raw);
  d->inflated = g_steal_pointer (&inflated);
}

/* ---- JSON input ---- */

static void
input_item (gpointer ctx, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  decoder_emit (ctx, kind, text, len, line);
}

/* The line the parser of the input has reached: yajl keeps the offset of
 * the token it is calling back for in yajl_get_bytes_consumed() while it
 * parses (yajl_do_parse lexes with &bytesConsumed as its cursor), so the
 * line ends are counted lazily, once each, up to there. */
static guint64
input_line (gpointer ctx)
{
  VpcDecoder *d = ctx;
  if (d->buf == NULL) /* at the end, after the last piece */
    return d->at_line_start && d->line > 1 ? d->line - 1 : d->line;
  count_lines (d, vpc_json_events_get_offset (d->json));
  return d->line;
}

static void
input_payload (gpointer ctx, const char *text, gsize len)
{
  Payload payload = { ctx, NULL, 0, input_line (ctx) };
  decode_payload (&payload, text, len);
}

static gboolean
input_stopped (gpointer ctx)
{
  return ((VpcDecoder *) ctx)->stopped;
}

static const VpcJsonSink input_sink = { input_item, input_line, input_payload, input_stopped };

/* A syntax error in the input itself: what the broken value held back is
 * lost, one bad payload is reported, and decoding waits for a line that
 * starts a new value. */
static void
json_input_error (VpcDecoder *d, gboolean at_end)
{
  g_autofree char *why = at_end ? g_strdup ("JSON ends inside a value (truncated input?)")
                                : vpc_json_events_get_error (d->json);
  decoder_emit (d, VPC_ITEM_BAD_PAYLOAD, why, strlen (why), d->line);
  g_clear_pointer (&d->json, vpc_json_events_free);
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
        d->json = vpc_json_events_new (&input_sink, d);
      d->buf = data;
      d->counted = 0;
      yajl_status status = vpc_json_events_parse (d->json, data, len);
      gsize done = status == yajl_status_error ? vpc_json_events_get_offset (d->json) : len;
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
  Payload payload = { d, NULL, 0, d->line };
  decode_payload (&payload, line, len);
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

/* ---- the decoder's API ---- */

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
  return d;
}

void
vpc_decoder_free (VpcDecoder *d)
{
  if (d == NULL)
    return;
  g_clear_pointer (&d->json, vpc_json_events_free);
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
           && vpc_json_events_complete (d->json) != yajl_status_ok)
    {
      if (d->at_line_start && d->line > 1)
        d->line--; /* the error is on the last line, not after it */
      json_input_error (d, TRUE);
    }
  return !d->stopped;
}
