/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: container detection, the JSON and base64 decoders and their error paths. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "input/container.h"
#include "input/json-events.h"

/* ---- helpers ---- */

/* Items as one text: "R3:text" records (with their line), "S:stream",
 * "M3:why", "B3:why", "C3" - separated by " | ". */
static gboolean
collect (VpcItemKind kind, const char *text, gsize len, guint64 line, gpointer data)
{
  GString *out = data;
  static const char tags[] = { [VPC_ITEM_RECORD] = 'R', [VPC_ITEM_STREAM] = 'S',
                               [VPC_ITEM_MALFORMED] = 'M', [VPC_ITEM_BAD_PAYLOAD] = 'B',
                               [VPC_ITEM_CONTROL] = 'C' };
  if (out->len > 0)
    g_string_append (out, " | ");
  g_string_append_c (out, tags[kind]);
  if (kind != VPC_ITEM_STREAM)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, line);
  if (kind != VPC_ITEM_CONTROL)
    {
      g_string_append_c (out, ':');
      g_string_append_len (out, text, (gssize) len);
    }
  return TRUE;
}

/* Decode input fed in pieces of step bytes (0: all at once). */
static char *
decode (VpcContainer container, const char *input, gsize step)
{
  GString *out = g_string_new (NULL);
  g_autoptr (VpcDecoder) decoder = vpc_decoder_new (container, collect, out);
  gsize len = strlen (input);
  if (step == 0)
    step = MAX (len, 1);
  for (gsize i = 0; i < len; i += step)
    g_assert_true (vpc_decoder_feed (decoder, input + i, MIN (step, len - i)));
  g_assert_true (vpc_decoder_finish (decoder));
  return g_string_free (out, FALSE);
}

/* The same items whatever the pieces the input arrives in. */
static void
assert_decodes (VpcContainer container, const char *input, const char *expected)
{
  const gsize steps[] = { 0, 1, 2, 7, 64 };
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *got = decode (container, input, steps[i]);
      if (g_strcmp0 (got, expected) != 0)
        g_error ("pieces of %" G_GSIZE_FORMAT ":\n  input:    %s\n  got:      %s\n  expected: %s",
                 steps[i], input, got, expected);
    }
}

static char *
gzip_base64 (const char *text)
{
  guint8 out[65536];
  z_stream z = { 0 };
  g_assert_cmpint (deflateInit2 (&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  z.next_in = (Bytef *) text;
  z.avail_in = (uInt) strlen (text);
  z.next_out = out;
  z.avail_out = sizeof out;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  gsize n = z.total_out;
  deflateEnd (&z);
  return g_base64_encode (out, n);
}

#define REC1 "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK"
#define REC2 "2 123456789012 eni-2 10.0.0.3 10.0.0.4 3 4 17 2 80 3 4 REJECT OK"
#define PLAIN2 "{\"message\":\"" REC2 "\"}"

/* ---- detection ---- */

static void
test_detect (void)
{
  struct {
    const char *data;
    VpcContainer expected;
  } cases[] = {
    { "version account-id interface-id\n2 1 eni-1\n", VPC_CONTAINER_TEXT },
    { REC1 "\n", VPC_CONTAINER_TEXT },
    { "", VPC_CONTAINER_TEXT },
    { "\n\n  ", VPC_CONTAINER_TEXT },
    { "{\"events\":[]}", VPC_CONTAINER_JSON },
    { "\xEF\xBB\xBF  \n[{\"message\":\"x\"}]", VPC_CONTAINER_JSON },
    { "\n   {", VPC_CONTAINER_JSON },
    { "2018-09-22T20:28:14.000Z " REC1 "\n", VPC_CONTAINER_CLOUDWATCH_EXPORT },
    { "2018-09-22T20:28:14Z " REC1, VPC_CONTAINER_CLOUDWATCH_EXPORT },
    { "2018-09-22T20:28:14.123456+02:00 x\r\n", VPC_CONTAINER_CLOUDWATCH_EXPORT },
    { "2018-09-22 20:28:14 " REC1, VPC_CONTAINER_TEXT },       /* no T */
    { "2018-09-22T20:28:14.000Z\n", VPC_CONTAINER_TEXT },      /* no record after it */
    { "H4sIAAAAAAAA/6tWyk0tLk5MT1WyUlAqS8wpTVWqBQAAAP//\nH4sI\n", VPC_CONTAINER_BASE64 },
    { "H4sIAAAAAAAA/6tW yk0t\n", VPC_CONTAINER_TEXT },         /* a space: not base64 */
    { "H4sI\n", VPC_CONTAINER_TEXT },                          /* too short */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VpcContainer got = vpc_container_detect (cases[i].data, strlen (cases[i].data));
      if (got != cases[i].expected)
        g_error ("detect case %u (%s): got %s, expected %s", i, cases[i].data,
                 vpc_container_to_string (got), vpc_container_to_string (cases[i].expected));
    }
  /* IPFIX (version 10, length >= 16): refused by the reader, not read as text. */
  static const char ipfix[] = { 0, 10, 0, 16, 0x5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_assert_cmpint (vpc_container_detect (ipfix, sizeof ipfix), ==, VPC_CONTAINER_IPFIX);
  static const char short_len[] = { 0, 10, 0, 15 };
  g_assert_cmpint (vpc_container_detect (short_len, sizeof short_len), ==, VPC_CONTAINER_TEXT);
  static const char netflow9[] = { 0, 9, 0, 1 };
  g_assert_cmpint (vpc_container_detect (netflow9, sizeof netflow9), ==, VPC_CONTAINER_TEXT);
  /* A user cannot name it. */
  VpcContainer named = VPC_CONTAINER_AUTO;
  g_assert_false (vpc_container_from_string ("ipfix", &named, NULL));
}

static void
test_names (void)
{
  VpcContainer c = VPC_CONTAINER_AUTO;
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_container_from_string ("cloudwatch-export", &c, NULL));
  g_assert_cmpint (c, ==, VPC_CONTAINER_CLOUDWATCH_EXPORT);
  g_assert_true (vpc_container_from_string ("JSON", &c, NULL));
  g_assert_cmpint (c, ==, VPC_CONTAINER_JSON);
  g_assert_cmpstr (vpc_container_to_string (VPC_CONTAINER_BASE64), ==, "base64");
  g_assert_false (vpc_container_from_string ("parquet", &c, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
}

static void
test_export_prefix (void)
{
  const char *line = "2018-09-22T20:28:14.000Z 2 633112549318 eni-d68830d4";
  g_assert_cmpuint (vpc_cloudwatch_export_prefix (line, strlen (line)), ==, 25);
  g_assert_cmpuint (vpc_cloudwatch_export_prefix ("2018-09-22T20:28:14-0500 x", 26), ==, 25);
  g_assert_cmpuint (vpc_cloudwatch_export_prefix ("2018-09-22T20:28:14.Z x", 23), ==, 0);
  g_assert_cmpuint (vpc_cloudwatch_export_prefix ("2018-09-22T20:28:14Zx", 21), ==, 0);
  g_assert_cmpuint (vpc_cloudwatch_export_prefix (REC1, strlen (REC1)), ==, 0);
  g_assert_cmpuint (vpc_cloudwatch_export_prefix ("2018", 4), ==, 0);
}

static void
test_stream_interface_id (void)
{
  struct {
    const char *stream;
    const char *id;
  } cases[] = {
    { "eni-0a1b2c3d4e5f60718-all", "eni-0a1b2c3d4e5f60718" },
    { "eni-1235b8ca-reject", "eni-1235b8ca" },
    { "eni-1235b8ca", "eni-1235b8ca" },
    { "eni-", "eni-" },
    { "eni-xyz", "eni-xyz" },         /* not hex: the whole name */
    { "eni-abc123xyz", "eni-abc123xyz" }, /* hex then letters: not an ENI id */
    { "my-custom-stream", "my-custom-stream" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize n = vpc_stream_interface_id_length (cases[i].stream, strlen (cases[i].stream));
      g_autofree char *got = g_strndup (cases[i].stream, n);
      g_assert_cmpstr (got, ==, cases[i].id);
    }
}

/* ---- JSON ---- */

static void
test_json_pages (void)
{
  /* Two filter-log-events pages back to back, pretty and compact. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "{\n  \"events\": [\n    {\n      \"logStreamName\": \"eni-1-all\",\n"
                  "      \"timestamp\": 1,\n      \"message\": \"" REC1 "\",\n"
                  "      \"eventId\": \"a\"\n    }\n  ],\n  \"nextToken\": \"t\"\n}"
                  "{\"events\":[{\"message\":\"" REC2 "\",\"logStreamName\":\"eni-2\"},"
                  "{\"timestamp\":3,\"message\":\"" REC1 "\"}],\"searchedLogStreams\":[]}",
                  "S:eni-1 | R6:" REC1 " | S:eni-2 | R11:" REC2 " | S: | R11:" REC1);
}

static void
test_json_shapes (void)
{
  /* A top-level array of events; Firehose objects; JSON lines of events. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "[{\"message\":\"" REC1 "\"}, {\"logStreamName\":\"s\",\"message\":\"" REC2
                  "\"}]\n{\"message\":\"" REC1 "\"}{\"message\":\"" REC2
                  "\\n\"}\n{\"logStreamName\":\"eni-9-accept\",\"message\":\"" REC1 "\"}",
                  "R1:" REC1 " | S:s | R1:" REC2 " | S: | R2:" REC1 " | R2:" REC2
                  " | S:eni-9 | R3:" REC1);
  /* Several lines in one message; \r\n endings; an empty message. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "{\"message\":\"" REC1 "\\r\\n" REC2 "\\r\\n\"}{\"message\":\"\"}",
                  "R1:" REC1 " | R1:" REC2 " | R1:");
}

static void
test_json_subscription (void)
{
  /* Decoded DATA_MESSAGE in AWS's key order, then with logStream and
   * messageType after the events (held back, then given the stream), then
   * a CONTROL_MESSAGE, then an unknown type. */
  assert_decodes (
      VPC_CONTAINER_JSON,
      "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1\",\"logGroup\":\"g\","
      "\"logStream\":\"eni-1-all\",\"subscriptionFilters\":[\"f\"],"
      "\"logEvents\":[{\"id\":\"1\",\"timestamp\":1,\"message\":\"" REC1 "\"}]}\n"
      "{\"logEvents\":[{\"message\":\"" REC2 "\"},{\"message\":7}],\n"
      "\"logStream\":\"eni-2-all\",\"messageType\":\"DATA_MESSAGE\"}\n"
      "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"message\":\"CWL CONTROL\"}]}\n"
      "{\"logEvents\":[{\"message\":\"" REC1 "\"}],\"messageType\":\"CONTROL_MESSAGE\"}\n"
      "{\"messageType\":\"NEW_MESSAGE\",\"logEvents\":[]}",
      "S:eni-1 | R1:" REC1 " | S:eni-2 | R2:" REC2
      " | M2:log event message is not a string | C4 | C5 | B6:subscription message of "
      "messageType 'NEW_MESSAGE' (expected DATA_MESSAGE or CONTROL_MESSAGE)");
}

static void
test_json_payloads (void)
{
  g_autofree char *data = gzip_base64 ("{\"messageType\":\"DATA_MESSAGE\",\"logStream\":\"eni-5\","
                                       "\"logEvents\":[{\"message\":\"" REC1 "\"}]}");
  g_autofree char *plain = g_base64_encode ((const guchar *) PLAIN2, strlen (PLAIN2));
  g_autofree char *input = g_strdup_printf (
      "{\"awslogs\":{\"data\":\"%s\"}}\n"
      "{\"Records\":[{\"kinesis\":{\"partitionKey\":\"p\",\"data\":\"%s\"}},"
      "{\"kinesis\":{\"data\":\"not base64!\"}}]}\n"
      "{\"records\":[{\"recordId\":\"1\",\"data\":\"%s\"}]}",
      data, data, plain);
  assert_decodes (VPC_CONTAINER_JSON, input,
                  "S:eni-5 | R1:" REC1 " | R2:" REC1
                  " | B2:payload is not base64 (character ' ' at offset 3) | S: | R3:" REC2);
}

static void
test_json_errors (void)
{
  /* Not containers: bad payloads, and the next values still decode. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "{\"foo\":1}\n42\n\"x\"\n{\"events\":{}}\n{\"message\":\"" REC1 "\"}",
                  "B1:JSON object is not a flow log container (no events, logEvents, message, "
                  "awslogs or Records) | B2:a JSON scalar is not a flow log container | B3:a "
                  "JSON string is not a flow log container | B4:JSON object is not a flow log "
                  "container (no events, logEvents, message, awslogs or Records) | R5:" REC1);
  /* Events that are not records. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "{\"events\":[{\"timestamp\":1},\n7,\n[1],\n{\"message\":null}]}",
                  "M1:log event without a message | M2:log event is not a JSON object | M3:log "
                  "event is not a JSON object | M4:log event message is not a string");
  /* A syntax error: the complete events before it are kept, the decoder
   * waits for a line starting a value, and the line numbers go on. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "{\"events\":[\n{\"message\":\"" REC1 "\"},\n{\"message\":\"" REC2 "\" x\n"
                  "  {\"message\":\"skipped: not in column 0\"}\n"
                  "{\"message\":\"" REC2 "\"}\n",
                  "R2:" REC1 " | B3:JSON syntax error (lexical error: invalid char in json text.) "
                  "| R5:" REC2);
  /* Truncated: the value left open at the end is one bad payload. */
  assert_decodes (VPC_CONTAINER_JSON,
                  "{\"message\":\"" REC1 "\"}\n{\"events\":[{\"message\":\"" REC2 "\"},\n",
                  "R1:" REC1 " | R2:" REC2
                  " | B2:JSON ends inside a value (truncated input?)");
}

/* ---- base64 ---- */

static void
test_base64 (void)
{
  g_autofree char *good = gzip_base64 ("{\"messageType\":\"DATA_MESSAGE\",\"logStream\":\"eni-1-all\","
                                       "\"logEvents\":[{\"message\":\"" REC1 "\"},"
                                       "{\"message\":\"" REC2 "\"}]}");
  g_autofree char *control = gzip_base64 ("{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":"
                                          "[{\"message\":\"CWL CONTROL MESSAGE\"}]}");
  g_autofree char *shape = gzip_base64 ("{\"foo\":1}");
  g_autofree char *syntax = gzip_base64 ("{\"logEvents\":[{\"message\":\"" REC1 "\"}");
  g_autofree char *empty = gzip_base64 ("  ");
  /* Broken gzip: the same payload cut in half. */
  g_autofree char *cut = g_strndup (good, strlen (good) / 2 / 4 * 4);
  /* Unpadded base64 of plain JSON. */
  g_autofree char *plain = g_base64_encode ((const guchar *) PLAIN2, strlen (PLAIN2));
  while (plain[strlen (plain) - 1] == '=')
    plain[strlen (plain) - 1] = '\0';
  g_autofree char *input
      = g_strdup_printf ("%s\n%s\r\n\n%s\n%s\n%s\n%s\nA===\nQQ=\n%s\n%s", control, good, shape,
                         syntax, empty, cut, plain, good);
  assert_decodes (
      VPC_CONTAINER_BASE64, input,
      "C1 | S:eni-1 | R2:" REC1 " | R2:" REC2
      " | B4:JSON object is not a flow log container (no events, logEvents, message, awslogs or "
      "Records) | B5:payload: JSON syntax error (parse error: premature EOF) | B6:payload: "
      "JSON syntax error (parse error: premature EOF) | B7:payload: truncated gzip data | B8:payload is not base64 (character '=' at "
      "offset 1) | B9:payload is not base64 (bad length) | S: | R10:" REC2
      " | S:eni-1 | R11:" REC1 " | R11:" REC2);
}

static gboolean
stop_after_two (VpcItemKind kind, const char *text, gsize len, guint64 line, gpointer data)
{
  return ++*(guint *) data < 2;
}

static void
test_stop (void)
{
  guint calls = 0;
  g_autoptr (VpcDecoder) decoder = vpc_decoder_new (VPC_CONTAINER_JSON, stop_after_two, &calls);
  const char *input = "{\"message\":\"a\"}{\"message\":\"b\"}{\"message\":\"c\"}";
  g_assert_false (vpc_decoder_feed (decoder, input, strlen (input)));
  g_assert_cmpuint (calls, ==, 2);
  g_assert_false (vpc_decoder_finish (decoder));
}

/* A string longer than VPC_JSON_MAX_STRING (a 100 MB message, a long key,
 * a long "data" payload) is cut and skipped whatever the pieces: the event
 * is one malformed item, the next one is read, and yajl never buffers more
 * than the limit (before, a 100 MB message cost minutes of re-lexing). */
static void
test_json_long_strings (void)
{
  gsize big = 100u * 1024 * 1024;
  GString *in = g_string_sized_new (big + 256);
  g_string_append (in, "{\"events\":[{\"logStreamName\":\"eni-1\",\"message\":\"");
  gsize at = in->len;
  g_string_set_size (in, at + big);
  memset (in->str + at, 'x', big);
  /* escapes near the cut and at the end must not end the string early */
  memcpy (in->str + at + VPC_JSON_MAX_STRING - 3, "\\u0022\\\"", 8);
  memcpy (in->str + big + at - 2, "\\\\", 2);
  g_string_append (in, "\"},{\"message\":\"" REC1 "\"}]}\n");
  g_string_append (in, "{\"");
  at = in->len;
  g_string_set_size (in, at + VPC_JSON_MAX_STRING + 10);
  memset (in->str + at, 'k', VPC_JSON_MAX_STRING + 10);
  g_string_append (in, "\":1,\"events\":[{\"message\":\"" REC1 "\"}]}\n");
  g_string_append (in, "{\"records\":[{\"data\":\"");
  at = in->len;
  g_string_set_size (in, at + VPC_JSON_MAX_STRING + 1);
  memset (in->str + at, 'A', VPC_JSON_MAX_STRING + 1);
  g_string_append (in, "\"}]}\n");
  for (guint r = 0; r < 2; r++)
    {
      gsize step = r == 0 ? 65536 : 1000003;
      g_autofree char *got = decode (VPC_CONTAINER_JSON, in->str, step);
      g_assert_cmpstr (got, ==,
                       "M1:log event message longer than 4 MiB | R1:" REC1 " | R2:" REC1
                       " | B3:\"data\" longer than 4 MiB");
    }
  g_string_free (in, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/container/detect", test_detect);
  g_test_add_func ("/container/names", test_names);
  g_test_add_func ("/container/export-prefix", test_export_prefix);
  g_test_add_func ("/container/stream-interface-id", test_stream_interface_id);
  g_test_add_func ("/container/json-pages", test_json_pages);
  g_test_add_func ("/container/json-shapes", test_json_shapes);
  g_test_add_func ("/container/json-subscription", test_json_subscription);
  g_test_add_func ("/container/json-payloads", test_json_payloads);
  g_test_add_func ("/container/json-errors", test_json_errors);
  g_test_add_func ("/container/base64", test_base64);
  g_test_add_func ("/container/stop", test_stop);
  g_test_add_func ("/container/json-long-strings", test_json_long_strings);
  return g_test_run ();
}
