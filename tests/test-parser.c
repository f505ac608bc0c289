/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for fields.c and parser.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "flow/parser.h"

typedef struct {
  GPtrArray *messages;
  VpcDiag diag;
  VpcParser *parser;
  VpcRecord record;
  char *line; /* the last line fed: the record points into it */
} Fixture;

static void
collect (const char *message, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->messages = g_ptr_array_new_with_free_func (g_free);
  f->diag.func = collect;
  f->diag.user_data = f->messages;
  f->parser = vpc_parser_new (&f->diag);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  vpc_parser_free (f->parser);
  g_ptr_array_unref (f->messages);
  g_free (f->line);
}

/* Feed a line that must parse; returns its kind. */
static VpcLineKind
feed_ok (Fixture *f, const char *line)
{
  VpcLineKind kind;
  g_autoptr (GError) error = NULL;
  g_free (f->line);
  f->line = g_strdup (line);
  gboolean ok = vpc_parser_feed (f->parser, f->line, strlen (line), &kind, &f->record, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return kind;
}

/* Feed a line that must be rejected with code; returns the message. */
static char *
feed_bad (Fixture *f, const char *line, int code)
{
  VpcLineKind kind;
  GError *error = NULL;
  g_free (f->line);
  f->line = g_strdup (line);
  gboolean ok = vpc_parser_feed (f->parser, f->line, strlen (line), &kind, &f->record, &error);
  g_assert_false (ok);
  g_assert_error (error, VPC_ERROR, code);
  char *message = g_strdup (error->message);
  g_error_free (error);
  return message;
}

static void
test_field_lookup (void)
{
  g_assert_cmpint (vpc_field_lookup ("srcaddr", 7), ==, VPC_FIELD_SRCADDR);
  g_assert_cmpint (vpc_field_lookup ("PKT_SRCADDR", 11), ==, VPC_FIELD_PKT_SRCADDR);
  g_assert_cmpint (vpc_field_lookup ("Log-Status", 10), ==, VPC_FIELD_LOG_STATUS);
  g_assert_cmpint (vpc_field_lookup ("tgw-id", 6), ==, VPC_FIELD_TGW_ID);
  g_assert_cmpint (vpc_field_lookup ("next-hop", 8), ==, VPC_FIELD_UNKNOWN);
  g_assert_cmpint (vpc_field_lookup ("srcaddrx", 8), ==, VPC_FIELD_UNKNOWN);
  /* Every table entry is found by its own name and has the right id. */
  for (guint i = 0; i < VPC_FIELD_COUNT; i++)
    {
      const VpcFieldInfo *info = vpc_field_info (i);
      g_assert_cmpint (info->id, ==, i);
      g_assert_cmpint (vpc_field_lookup (info->name, strlen (info->name)), ==, i);
    }
}

static void
test_default_format (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (feed_ok (f, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 "
                               "172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"),
                   ==, VPC_LINE_RECORD);
  const VpcRecord *r = &f->record;
  g_assert_cmpuint (r->present, ==, (G_GUINT64_CONSTANT (1) << 14) - 1);
  g_assert_cmpuint (r->value[VPC_FIELD_VERSION].u, ==, 2);
  g_assert_cmpmem (r->value[VPC_FIELD_ACCOUNT_ID].text.ptr, r->value[VPC_FIELD_ACCOUNT_ID].text.len,
                   "123456789010", 12);
  g_assert_cmpmem (r->value[VPC_FIELD_INTERFACE_ID].text.ptr,
                   r->value[VPC_FIELD_INTERFACE_ID].text.len, "eni-1235b8ca123456789", 21);
  const guint8 src[4] = { 172, 31, 16, 139 };
  g_assert_cmpint (r->value[VPC_FIELD_SRCADDR].addr.family, ==, 4);
  g_assert_cmpmem (r->value[VPC_FIELD_SRCADDR].addr.bytes, 4, src, 4);
  g_assert_cmpuint (r->value[VPC_FIELD_SRCPORT].u, ==, 20641);
  g_assert_cmpuint (r->value[VPC_FIELD_DSTPORT].u, ==, 22);
  g_assert_cmpuint (r->value[VPC_FIELD_PROTOCOL].u, ==, 6);
  g_assert_cmpuint (r->value[VPC_FIELD_PACKETS].u, ==, 20);
  g_assert_cmpuint (r->value[VPC_FIELD_BYTES].u, ==, 4249);
  g_assert_cmpuint (r->value[VPC_FIELD_START].u, ==, G_GUINT64_CONSTANT (1418530010000));
  g_assert_cmpuint (r->value[VPC_FIELD_END].u, ==, G_GUINT64_CONSTANT (1418530070000));
  g_assert_cmpuint (r->value[VPC_FIELD_ACTION].u, ==, VPC_ACTION_ACCEPT);
  g_assert_cmpuint (r->value[VPC_FIELD_LOG_STATUS].u, ==, VPC_STATUS_OK);
}

static void
test_dash_is_absent (Fixture *f, gconstpointer data)
{
  feed_ok (f, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA");
  const VpcRecord *r = &f->record;
  for (VpcFieldId id = VPC_FIELD_SRCADDR; id <= VPC_FIELD_BYTES; id++)
    g_assert_false (vpc_record_has (r, id));
  g_assert_false (vpc_record_has (r, VPC_FIELD_ACTION));
  g_assert_true (vpc_record_has (r, VPC_FIELD_START));
  g_assert_cmpuint (r->value[VPC_FIELD_LOG_STATUS].u, ==, VPC_STATUS_NODATA);
  feed_ok (f, "- - - - - - - - - - - - - SKIPDATA");
  g_assert_cmpuint (f->record.present, ==, G_GUINT64_CONSTANT (1) << VPC_FIELD_LOG_STATUS);
  g_assert_cmpuint (f->record.value[VPC_FIELD_LOG_STATUS].u, ==, VPC_STATUS_SKIPDATA);
}

static void
test_every_type (Fixture *f, gconstpointer data)
{
  /* One column of each kind, including the v5..v8 and later fields. */
  g_assert_cmpint (feed_ok (f, "tcp-flags type pkt-srcaddr flow-direction traffic-path "
                               "encryption-status reject-reason ecs-task-id start version"),
                   ==, VPC_LINE_HEADER);
  feed_ok (f, "19 IPv6 2001:db8::ff egress 8 3 BPA 0123abc 1700000000123 8");
  const VpcRecord *r = &f->record;
  g_assert_cmpuint (r->value[VPC_FIELD_TCP_FLAGS].u, ==, 19);
  g_assert_cmpuint (r->value[VPC_FIELD_TYPE].u, ==, 6);
  g_assert_cmpint (r->value[VPC_FIELD_PKT_SRCADDR].addr.family, ==, 6);
  g_assert_cmpuint (r->value[VPC_FIELD_PKT_SRCADDR].addr.bytes[15], ==, 0xff);
  g_assert_cmpuint (r->value[VPC_FIELD_PKT_SRCADDR].addr.bytes[0], ==, 0x20);
  g_assert_cmpuint (r->value[VPC_FIELD_FLOW_DIRECTION].u, ==, VPC_DIRECTION_EGRESS);
  g_assert_cmpuint (r->value[VPC_FIELD_TRAFFIC_PATH].u, ==, 8);
  g_assert_cmpuint (r->value[VPC_FIELD_ENCRYPTION_STATUS].u, ==, 3);
  g_assert_cmpmem (r->value[VPC_FIELD_REJECT_REASON].text.ptr,
                   r->value[VPC_FIELD_REJECT_REASON].text.len, "BPA", 3);
  /* Milliseconds are detected and kept as they are. */
  g_assert_cmpuint (r->value[VPC_FIELD_START].u, ==, G_GUINT64_CONSTANT (1700000000123));
  g_assert_cmpuint (r->value[VPC_FIELD_VERSION].u, ==, 8);

  feed_ok (f, "0 EFA - ingress - 0 - - 1700000000 5");
  g_assert_cmpuint (f->record.value[VPC_FIELD_TYPE].u, ==, 0);
  g_assert_cmpmem (f->record.traffic_type_text.ptr, f->record.traffic_type_text.len, "EFA", 3);
  g_assert_cmpuint (f->record.value[VPC_FIELD_START].u, ==, G_GUINT64_CONSTANT (1700000000000));
  g_assert_cmpuint (f->record.value[VPC_FIELD_FLOW_DIRECTION].u, ==, VPC_DIRECTION_INGRESS);
}

static void
test_big_counters (Fixture *f, gconstpointer data)
{
  feed_ok (f, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 18446744073709551615 4294967296 1 2 REJECT OK");
  g_assert_cmpuint (f->record.value[VPC_FIELD_PACKETS].u, ==, G_MAXUINT64);
  g_assert_cmpuint (f->record.value[VPC_FIELD_BYTES].u, ==, G_GUINT64_CONSTANT (4294967296));
  g_assert_cmpuint (f->record.value[VPC_FIELD_ACTION].u, ==, VPC_ACTION_REJECT);
  g_free (feed_bad (f, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 18446744073709551616 1 1 2 ACCEPT OK",
                    VPC_ERROR_MALFORMED));
}

static void
test_bad_lines (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *line;
    const char *expect;
  } cases[] = {
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT", "expected 14 fields, found 13" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK x", "expected 14 fields, found 15" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 70000 2 6 1 1 1 2 ACCEPT OK", "column 6 (srcport)" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 http 2 6 1 1 1 2 ACCEPT OK", "'http'" },
    { "2 1 eni-1 10.0.0.256 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK", "column 4 (srcaddr)" },
    { "2 1 eni-1 10.0.0.1 10.0.0 1 2 6 1 1 1 2 ACCEPT OK", "column 5 (dstaddr)" },
    { "2 1 eni-1 10.0.0.1 2001:db8::g 1 2 6 1 1 1 2 ACCEPT OK", "IPv4 or IPv6" },
    { "2 1 eni-1 10.0.0.1 10.0.0.01 1 2 6 1 1 1 2 ACCEPT OK", "column 5" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 256 1 1 1 2 ACCEPT OK", "column 8 (protocol)" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 -1 1 1 2 ACCEPT OK", "column 9 (packets)" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 x 2 ACCEPT OK", "column 11 (start)" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ALLOW OK", "ACCEPT or REJECT" },
    { "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT FINE", "OK, NODATA or SKIPDATA" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = feed_bad (f, cases[i].line, VPC_ERROR_MALFORMED);
      if (strstr (message, cases[i].expect) == NULL)
        g_error ("line %u: message '%s' lacks '%s'", i, message, cases[i].expect);
    }
  /* After bad lines, good ones still parse with the same columns. */
  feed_ok (f, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK");
}

static void
test_crlf_and_blank (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (feed_ok (f, ""), ==, VPC_LINE_BLANK);
  g_assert_cmpint (feed_ok (f, "  \r"), ==, VPC_LINE_BLANK);
  g_assert_cmpint (feed_ok (f, "version srcaddr action\r"), ==, VPC_LINE_HEADER);
  feed_ok (f, "2 10.1.2.3 REJECT\r");
  g_assert_cmpuint (f->record.value[VPC_FIELD_ACTION].u, ==, VPC_ACTION_REJECT);
  /* Tabs and runs of spaces separate fields too. */
  feed_ok (f, "3\t10.1.2.4  \tACCEPT");
  g_assert_cmpuint (f->record.value[VPC_FIELD_VERSION].u, ==, 3);
  g_assert_cmpuint (f->record.value[VPC_FIELD_SRCADDR].addr.bytes[3], ==, 4);
  g_assert_cmpuint (f->record.value[VPC_FIELD_ACTION].u, ==, VPC_ACTION_ACCEPT);
}

static void
test_headers (Fixture *f, gconstpointer data)
{
  /* Upper case and underscores, unknown columns carried past with one warning. */
  g_assert_cmpint (feed_ok (f, "VERSION Account_ID new-field SRCADDR bogus-field"), ==,
                   VPC_LINE_HEADER);
  g_assert_cmpuint (f->messages->len, ==, 2);
  g_assert_nonnull (strstr (f->messages->pdata[0], "'new-field'"));
  feed_ok (f, "5 123 x-0abc 10.0.0.9 whatever");
  g_assert_cmpuint (f->record.present, ==,
                    (1u << VPC_FIELD_VERSION) | (1u << VPC_FIELD_ACCOUNT_ID)
                        | (1u << VPC_FIELD_SRCADDR));
  /* The same unknown names again: no new warning. */
  feed_ok (f, "version account-id new-field srcaddr bogus-field");
  g_assert_cmpuint (f->messages->len, ==, 2);

  /* A header may come back mid-stream with other columns. */
  feed_ok (f, "dstaddr srcport");
  feed_ok (f, "::1 443");
  g_assert_cmpint (f->record.value[VPC_FIELD_DSTADDR].addr.family, ==, 6);

  /* A new input starts again from the default format. */
  vpc_parser_begin_input (f->parser);
  const VpcFieldId *columns;
  g_assert_cmpuint (vpc_parser_get_columns (f->parser, &columns), ==, 14);

  /* A header naming a field twice is unusable. */
  g_autofree char *message = feed_bad (f, "srcaddr dstaddr srcaddr", VPC_ERROR_HEADER);
  g_assert_nonnull (strstr (message, "twice"));
}

static void
test_header_detection (void)
{
  static const char *headers[] = {
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status",
    "srcaddr", "Vpc_Id subnet_id", "tgw-id srcaddr",
    /* Only unknown names: the shape decides. */
    "brand-new-field another_new_field",
  };
  static const char *records[] = {
    "2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 1 1 1 1 ACCEPT OK",
    "vpc-0abc ACCEPT", "eni-1235b8ca123456789 REJECT", "us-east-1 use1-az1 egress",
    "- - NODATA", "IPv4 ingress", "unknown", "TransitGateway tgw-0a1b2c", "AMAZON S3",
    "wavelength egress", "BPA",
  };
  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    g_assert_true (vpc_parser_line_is_header (headers[i], strlen (headers[i])));
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    g_assert_false (vpc_parser_line_is_header (records[i], strlen (records[i])));
}

/* Count the messages that name 'name'. */
static guint
warnings_naming (Fixture *f, const char *name)
{
  g_autofree char *quoted = g_strdup_printf ("'%s'", name);
  guint n = 0;
  for (guint i = 0; i < f->messages->len; i++)
    if (strstr (f->messages->pdata[i], quoted) != NULL)
      n++;
  return n;
}

/* Issue 16: a header is recognised by its shape, not by how many of its
 * names are known; each unknown name is warned about once, its column
 * carried past, and the lines after it parse. */
static void
test_header_shape (Fixture *f, gconstpointer data)
{
  /* Only unknown names (the old rule read this as a record, then every
   * line after it as malformed). */
  g_assert_cmpint (feed_ok (f, "next-hop-thing other-new-field third-one"), ==,
                   VPC_LINE_HEADER);
  g_assert_cmpuint (f->messages->len, ==, 3);
  g_assert_cmpuint (warnings_naming (f, "next-hop-thing"), ==, 1);
  g_assert_cmpint (feed_ok (f, "eni-0a1b 10.0.0.1 x"), ==, VPC_LINE_RECORD);
  g_assert_cmpuint (f->record.present, ==, 0);
  g_assert_cmpint (feed_ok (f, "eni-0a1c 10.0.0.2 y"), ==, VPC_LINE_RECORD);
  g_assert_cmpuint (f->messages->len, ==, 3);

  /* A v5 header with names AWS may add later: one warning each. */
  vpc_parser_begin_input (f->parser);
  g_assert_cmpint (feed_ok (f, "version srcaddr future-field dstaddr another-field action "
                               "future-field"),
                   ==, VPC_LINE_HEADER);
  g_assert_cmpuint (f->messages->len, ==, 5);
  g_assert_cmpuint (warnings_naming (f, "future-field"), ==, 1);
  g_assert_cmpuint (warnings_naming (f, "another-field"), ==, 1);
  g_assert_cmpint (feed_ok (f, "5 10.0.0.1 abc 10.0.0.2 - ACCEPT 7"), ==, VPC_LINE_RECORD);
  g_assert_cmpuint (f->record.value[VPC_FIELD_DSTADDR].addr.bytes[3], ==, 2);

  /* A line of lower-case words that the columns in force read is a
   * record (free-text fields), not a header. */
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_parser_set_format (f->parser, "ecs-cluster-name ecs-service-name", &error));
  g_assert_cmpint (feed_ok (f, "prod web-frontend"), ==, VPC_LINE_RECORD);
  g_assert_true (vpc_record_has (&f->record, VPC_FIELD_ECS_SERVICE_NAME));
  /* Past the first line, unknown words alone are no header: a stray
   * sentence is a malformed line, the columns stay. */
  g_free (feed_bad (f, "this is not a flow record", VPC_ERROR_MALFORMED));
  g_assert_cmpint (feed_ok (f, "dev api"), ==, VPC_LINE_RECORD);
  /* As the first line of an input, they are its header. */
  vpc_parser_begin_input (f->parser);
  g_assert_cmpint (feed_ok (f, "prod web-frontend extra"), ==, VPC_LINE_HEADER);
  /* A header with a known name is a header anywhere. */
  g_assert_cmpint (feed_ok (f, "srcaddr other-new-field"), ==, VPC_LINE_HEADER);
}

/* Issue 16: a source and destination of different families are refused. */
static void
test_mixed_families (Fixture *f, gconstpointer data)
{
  g_autofree char *m1 = feed_bad (
      f, "2 123456789010 eni-1 10.0.0.1 2001:db8::1 1 2 6 1 1 1 1 ACCEPT OK", VPC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (m1, "different address families"));
  g_autofree char *m2 = feed_bad (
      f, "2 123456789010 eni-1 2001:db8::1 10.0.0.1 1 2 6 1 1 1 1 ACCEPT OK", VPC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (m2, "IPv6 and IPv4"));
  g_assert_cmpint (feed_ok (f, "srcaddr dstaddr pkt-srcaddr pkt-dstaddr"), ==, VPC_LINE_HEADER);
  g_autofree char *m3 = feed_bad (f, "10.0.0.1 10.0.0.2 10.0.0.1 ::1", VPC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (m3, "pkt-srcaddr and pkt-dstaddr"));
  /* Interface and packet addresses may differ in family (NAT64). */
  g_assert_cmpint (feed_ok (f, "10.0.0.1 10.0.0.2 64:ff9b::a00:1 64:ff9b::a00:2"), ==,
                   VPC_LINE_RECORD);
  /* One address alone is no mixture. */
  g_assert_cmpint (feed_ok (f, "10.0.0.1 - ::1 -"), ==, VPC_LINE_RECORD);
}

static void
test_format_option (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_parser_set_format (f->parser, "${srcaddr} ${dstaddr} ${action}", &error));
  g_assert_no_error (error);
  feed_ok (f, "10.0.0.1 10.0.0.2 ACCEPT");
  g_assert_cmpuint (f->record.present, ==,
                    (1u << VPC_FIELD_SRCADDR) | (1u << VPC_FIELD_DSTADDR) | (1u << VPC_FIELD_ACTION));
  /* Plain names work too, and each input starts from the format. */
  g_assert_true (vpc_parser_set_format (f->parser, "srcport  dstport", &error));
  feed_ok (f, "80 443");
  g_assert_cmpuint (f->record.value[VPC_FIELD_DSTPORT].u, ==, 443);

  static const char *bad[] = { "", "   ", "${srcaddr", "${} x", "$srcaddr", "srcaddr srcaddr",
                               "${srcaddr} 9x" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_false (vpc_parser_set_format (f->parser, bad[i], &e));
      g_assert_error (e, VPC_ERROR, VPC_ERROR_HEADER);
      g_assert_true (g_str_has_prefix (e->message, "--format: "));
    }
}

/* A record line padded with white space is measured as given: the caller
 * copies the whole line for the flow to point into (issue 15, item 1). */
static void
test_padded_line (Fixture *f, gconstpointer data)
{
  static const char record[] = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 "
                               "172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK";
  gsize record_len = strlen (record);
  /* Up to the limit, white space included: accepted. */
  g_autofree char *fits = g_strnfill (VPC_MAX_LINE_LENGTH, ' ');
  memcpy (fits, record, record_len);
  g_assert_cmpint (feed_ok (f, fits), ==, VPC_LINE_RECORD);
  /* Padded past it at the end, at the start, or to 140 KiB: malformed. */
  g_autofree char *over = g_strnfill (VPC_MAX_LINE_LENGTH + 1, ' ');
  memcpy (over, record, record_len);
  g_autofree char *message = feed_bad (f, over, VPC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (message, "longer than"));
  memcpy (over + VPC_MAX_LINE_LENGTH + 1 - record_len, record, record_len);
  memset (over, ' ', VPC_MAX_LINE_LENGTH + 1 - record_len);
  g_free (feed_bad (f, over, VPC_ERROR_MALFORMED));
  g_autofree char *big = g_strnfill (140 * 1024, '\t');
  memcpy (big, record, record_len);
  g_free (feed_bad (f, big, VPC_ERROR_MALFORMED));
  /* A blank line of any length is still blank. */
  g_autofree char *blank = g_strnfill (140 * 1024, ' ');
  g_assert_cmpint (feed_ok (f, blank), ==, VPC_LINE_BLANK);
}

/* A refused header or --format hands out no copies of its unknown names
 * (they leaked: LeakSanitizer sees it in the sanitizer build). */
static void
test_refused_field_list_frees (Fixture *f, gconstpointer data)
{
  static const char *const refused[] = { "new-field x-y srcaddr srcaddr", "new-field 9x",
                                         "new-field ${srcaddr" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      VpcFieldId columns[VPC_MAX_COLUMNS];
      char *unknown[VPC_MAX_COLUMNS] = { NULL };
      g_autoptr (GError) error = NULL;
      g_assert_cmpuint (vpc_parse_field_list (refused[i], strlen (refused[i]), TRUE, columns,
                                              unknown, &error),
                        ==, 0);
      g_assert_error (error, VPC_ERROR, VPC_ERROR_HEADER);
      for (guint c = 0; c < VPC_MAX_COLUMNS; c++)
        g_assert_null (unknown[c]);
    }
  /* Through the parser: a header line and --format. */
  g_free (feed_bad (f, "new-field srcaddr srcaddr", VPC_ERROR_HEADER));
  g_autoptr (GError) error = NULL;
  g_assert_false (vpc_parser_set_format (f->parser, "${tgw-id} ${new-field} ${srcaddr} ${srcaddr}", &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_HEADER);
  /* Nothing was warned about: the names were never in force. */
  g_assert_cmpuint (f->messages->len, ==, 0);
}

/* The spellings the one-pass path reads and those it leaves to the full
 * parse: the same values and the same refusals either way. */
static void
test_value_forms (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_parser_set_format (f->parser, "srcaddr bytes srcport action log-status "
                                        "type flow-direction start", &error));
  static const struct {
    const char *addr;
    const char *bytes16; /* the 16 address bytes in hex, or NULL: IPv4 a.b.c.d as given */
  } addrs[] = {
    { "::", "00000000000000000000000000000000" },
    { "::1", "00000000000000000000000000000001" },
    { "1::", "00010000000000000000000000000000" },
    { "2001:DB8::a", "20010db800000000000000000000000a" },
    { "1:2:3:4:5:6:7:8", "00010002000300040005000600070008" },
    { "1:2:3:4:5:6:7::", "00010002000300040005000600070000" },
    { "::2:3:4:5:6:7:8", "00000002000300040005000600070008" },
    { "fe80::1ff:fe23:4567:890a", "fe8000000000000001fffe234567890a" },
    { "::ffff:10.0.0.1", "00000000000000000000ffff0a000001" },
    { "0.0.0.0", NULL },
    { "255.255.255.255", NULL },
    { "10.200.3.45", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (addrs); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s 1 2 ACCEPT OK IPv4 egress 1700000000",
                                               addrs[i].addr);
      feed_ok (f, line);
      const VpcAddr *a = &f->record.value[VPC_FIELD_SRCADDR].addr;
      if (addrs[i].bytes16 == NULL)
        {
          guint v[4];
          g_assert_cmpint (sscanf (addrs[i].addr, "%u.%u.%u.%u", &v[0], &v[1], &v[2], &v[3]),
                           ==, 4);
          g_assert_cmpint (a->family, ==, 4);
          for (guint k = 0; k < 4; k++)
            g_assert_cmpuint (a->bytes[k], ==, v[k]);
          continue;
        }
      g_assert_cmpint (a->family, ==, 6);
      GString *hex = g_string_new (NULL);
      for (guint k = 0; k < 16; k++)
        g_string_append_printf (hex, "%02x", a->bytes[k]);
      g_assert_cmpstr (hex->str, ==, addrs[i].bytes16);
      g_string_free (hex, TRUE);
    }
  static const char *const bad_addrs[] = {
    "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9", ":1::", "1:", "1:2:3:4:5:6:7", "g::1",
    "010.0.0.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1.2.3.4x", "1..2.3",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_addrs); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s 1 2 ACCEPT OK IPv4 egress 1700000000",
                                               bad_addrs[i]);
      g_autofree char *message = feed_bad (f, line, VPC_ERROR_MALFORMED);
      g_assert_nonnull (strstr (message, "column 1 (srcaddr)"));
    }

  /* Integers: 20 digits through the careful path, leading zeros, limits. */
  feed_ok (f, "10.0.0.1 18446744073709551615 65535 accept ok ipv6 EGRESS 1700000000123");
  const VpcValue *v = f->record.value;
  g_assert_cmpuint (v[VPC_FIELD_BYTES].u, ==, G_MAXUINT64);
  g_assert_cmpuint (v[VPC_FIELD_SRCPORT].u, ==, 65535);
  g_assert_cmpuint (v[VPC_FIELD_ACTION].u, ==, VPC_ACTION_ACCEPT);
  g_assert_cmpuint (v[VPC_FIELD_LOG_STATUS].u, ==, VPC_STATUS_OK);
  g_assert_cmpuint (v[VPC_FIELD_TYPE].u, ==, 6);
  g_assert_cmpmem (f->record.traffic_type_text.ptr, f->record.traffic_type_text.len, "ipv6", 4);
  g_assert_cmpuint (v[VPC_FIELD_FLOW_DIRECTION].u, ==, VPC_DIRECTION_EGRESS);
  g_assert_cmpuint (v[VPC_FIELD_START].u, ==, G_GUINT64_CONSTANT (1700000000123));
  feed_ok (f, "10.0.0.1 00000000000000000001 0065535 REJECT SKIPDATA EFA ingress 99999999999");
  g_assert_cmpuint (v[VPC_FIELD_BYTES].u, ==, 1);
  g_assert_cmpuint (v[VPC_FIELD_SRCPORT].u, ==, 65535);
  g_assert_cmpuint (v[VPC_FIELD_ACTION].u, ==, VPC_ACTION_REJECT);
  g_assert_cmpuint (v[VPC_FIELD_LOG_STATUS].u, ==, VPC_STATUS_SKIPDATA);
  g_assert_cmpuint (v[VPC_FIELD_TYPE].u, ==, 0);
  g_assert_cmpuint (v[VPC_FIELD_FLOW_DIRECTION].u, ==, VPC_DIRECTION_INGRESS);
  g_assert_cmpuint (v[VPC_FIELD_START].u, ==, G_GUINT64_CONSTANT (99999999999000));
  static const struct {
    const char *line;
    const char *column;
  } bad[] = {
    { "10.0.0.1 18446744073709551616 1 ACCEPT OK IPv4 egress 1", "column 2 (bytes)" },
    { "10.0.0.1 1x 1 ACCEPT OK IPv4 egress 1", "column 2 (bytes)" },
    { "10.0.0.1 1 65536 ACCEPT OK IPv4 egress 1", "column 3 (srcport)" },
    { "10.0.0.1 1 1 ACCEPTED OK IPv4 egress 1", "column 4 (action)" },
    { "10.0.0.1 1 1 ACCEPT OKAY IPv4 egress 1", "column 5 (log-status)" },
    { "10.0.0.1 1 1 ACCEPT OK IPv4 egres 1", "column 7 (flow-direction)" },
    { "10.0.0.1 1 1 ACCEPT OK IPv4 egress 123456789012345678901", "column 8 (start)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *message = feed_bad (f, bad[i].line, VPC_ERROR_MALFORMED);
      g_assert_nonnull (strstr (message, bad[i].column));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fields/lookup", test_field_lookup);
  g_test_add_func ("/parser/header-detection", test_header_detection);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/parser/default-format", test_default_format);
  ADD ("/parser/dash-is-absent", test_dash_is_absent);
  ADD ("/parser/every-type", test_every_type);
  ADD ("/parser/big-counters", test_big_counters);
  ADD ("/parser/bad-lines", test_bad_lines);
  ADD ("/parser/crlf-and-blank", test_crlf_and_blank);
  ADD ("/parser/headers", test_headers);
  ADD ("/parser/header-shape", test_header_shape);
  ADD ("/parser/mixed-families", test_mixed_families);
  ADD ("/parser/format-option", test_format_option);
  ADD ("/parser/padded-line", test_padded_line);
  ADD ("/parser/refused-field-list-frees", test_refused_field_list_frees);
  ADD ("/parser/value-forms", test_value_forms);
  return g_test_run ();
}
