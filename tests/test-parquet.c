/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the Parquet reader's Thrift decoder, RLE/bit-packed hybrid and delta encodings on known bytes, and hostile files. */
#include "config.h"

#include <string.h>

#include "input/container.h"
#include "input/parquet-private.h"
#include "input/parquet.h"

/* ---- Thrift compact protocol ---- */

static void
test_thrift (void)
{
  static const guint8 bytes[] = {
    0x15, 0x0a,                   /* field 1, i32: 5 */
    0x28, 0x02, 'a', 'b',         /* field 3 (delta 2), binary: "ab" */
    0x05, 0x28, 0x01,             /* field 20 (long form), i32: -1 */
    0x1c,                         /* field 21, struct (unknown: skipped) */
    0x1b, 0x02, 0x85,             /*   field 1, map<binary,i32> of 2 entries */
    0x01, 'k', 0x02,              /*     "k": 1 */
    0x01, 'l', 0x04,              /*     "l": 2 */
    0x19, 0x35, 0x02, 0x04, 0x06, /*   field 2, list<i32> of 3 */
    0x11,                         /*   field 3, true */
    0x00,                         /* end of the struct */
    0x19, 0x25, 0x0e, 0x10,       /* field 22, list<i32> of 2: 7, 8 */
    0x16, 0xfe, 0xff, 0xff, 0xff, 0x1f, /* field 23, i64: 2^32 - 1 */
    0x00,
  };
  VpcThrift t;
  vpc_thrift_init (&t, bytes, sizeof bytes);
  vpc_thrift_struct_begin (&t);
  gint16 id;
  VpcThriftType type;
  GString *seen = g_string_new (NULL);
  while (vpc_thrift_field (&t, &id, &type))
    if (id == 1)
      g_string_append_printf (seen, "1=%d ", vpc_thrift_i32 (&t, type));
    else if (id == 3)
      {
        gsize len;
        const guint8 *s = vpc_thrift_binary (&t, type, &len);
        g_string_append_printf (seen, "3=%.*s ", (int) len, (const char *) s);
      }
    else if (id == 20)
      g_string_append_printf (seen, "20=%d ", vpc_thrift_i32 (&t, type));
    else if (id == 22)
      {
        VpcThriftType elem;
        guint32 n = vpc_thrift_list (&t, type, &elem);
        g_string_append_printf (seen, "22=[");
        for (guint32 i = 0; i < n; i++)
          g_string_append_printf (seen, "%d", vpc_thrift_i32 (&t, elem));
        g_string_append (seen, "] ");
      }
    else if (id == 23)
      g_string_append_printf (seen, "23=%" G_GINT64_FORMAT, vpc_thrift_i64 (&t, type));
    else
      {
        g_string_append_printf (seen, "skip%d ", id);
        vpc_thrift_skip (&t, type);
      }
  g_assert_false (t.failed);
  g_assert_true (t.p == bytes + sizeof bytes);
  g_assert_cmpstr (seen->str, ==, "1=5 3=ab 20=-1 skip21 22=[78] 23=4294967295");
  g_string_free (seen, TRUE);

  /* Every truncation fails cleanly, never reads past the end. */
  for (gsize len = 0; len < sizeof bytes; len++)
    {
      g_autofree guint8 *cut = g_memdup2 (bytes, len);
      vpc_thrift_init (&t, cut, len);
      vpc_thrift_skip (&t, VPC_THRIFT_STRUCT);
      g_assert_true (t.failed);
    }

  /* Structures nested deeper than the limit. */
  guint8 deep[64];
  memset (deep, 0x1c, sizeof deep);
  vpc_thrift_init (&t, deep, sizeof deep);
  vpc_thrift_skip (&t, VPC_THRIFT_STRUCT);
  g_assert_true (t.failed);

  /* A list claiming more elements than bytes left. */
  static const guint8 long_list[] = { 0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00 };
  vpc_thrift_init (&t, long_list, sizeof long_list);
  vpc_thrift_skip (&t, VPC_THRIFT_STRUCT);
  g_assert_true (t.failed);
}

/* ---- RLE / bit-packed hybrid ---- */

static void
test_rle (void)
{
  /* The spec's example: 0..7 bit-packed with width 3, then an RLE run of four 5s. */
  static const guint8 bytes[] = { 0x03, 0x88, 0xc6, 0xfa, 0x08, 0x05 };
  VpcRle rle;
  vpc_rle_init (&rle, bytes, sizeof bytes, 3);
  guint32 v;
  for (guint32 i = 0; i < 8; i++)
    {
      g_assert_true (vpc_rle_next (&rle, &v));
      g_assert_cmpuint (v, ==, i);
    }
  for (int i = 0; i < 4; i++)
    {
      g_assert_true (vpc_rle_next (&rle, &v));
      g_assert_cmpuint (v, ==, 5);
    }
  g_assert_false (vpc_rle_next (&rle, &v));

  /* A bit-packed run longer than its bytes, an RLE value wider than the width. */
  static const guint8 overrun[] = { 0x05, 0x88, 0xc6, 0xfa };
  vpc_rle_init (&rle, overrun, sizeof overrun, 3);
  g_assert_false (vpc_rle_next (&rle, &v));
  static const guint8 wide[] = { 0x08, 0x09 };
  vpc_rle_init (&rle, wide, sizeof wide, 3);
  g_assert_false (vpc_rle_next (&rle, &v));
  /* Width 0: zeros without bytes. */
  static const guint8 zero[] = { 0x03 };
  vpc_rle_init (&rle, zero, sizeof zero, 0);
  for (int i = 0; i < 8; i++)
    g_assert_true (vpc_rle_next (&rle, &v) && v == 0);
  g_assert_false (vpc_rle_next (&rle, &v));
}

/* ---- DELTA_BINARY_PACKED ---- */

static void
test_delta (void)
{
  /* 1 2 3 4 5: block 128, 4 miniblocks, min delta 1, widths 0. */
  static const guint8 ones[] = { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0 };
  g_autofree VpcDelta *d = g_new (VpcDelta, 1);
  gint64 v;
  g_assert_true (vpc_delta_init (d, ones, sizeof ones));
  for (gint64 i = 1; i <= 5; i++)
    {
      g_assert_true (vpc_delta_next (d, &v));
      g_assert_cmpint (v, ==, i);
    }
  g_assert_false (vpc_delta_next (d, &v));
  g_assert_false (d->failed);

  /* 7 5 3 1 2 3 4 5: min delta -2, deltas 0 0 0 3 3 3 3 in 2 bits; then "xy". */
  static const guint8 mixed[] = { 0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00,
                                  0xc0, 0x3f, 0, 0, 0, 0, 0, 0, 'x', 'y' };
  static const gint64 expected[] = { 7, 5, 3, 1, 2, 3, 4, 5 };
  g_assert_true (vpc_delta_init (d, mixed, sizeof mixed));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_true (vpc_delta_next (d, &v));
      g_assert_cmpint (v, ==, expected[i]);
    }
  g_assert_true (vpc_delta_init (d, mixed, sizeof mixed));
  g_assert_true (vpc_delta_skip_to_end (d) == mixed + sizeof mixed - 2);

  /* Truncated miniblock, bad block size. */
  g_assert_true (vpc_delta_init (d, mixed, 14));
  g_assert_null (vpc_delta_skip_to_end (d));
  static const guint8 bad_block[] = { 0x64, 0x04, 0x05, 0x02 };
  g_assert_false (vpc_delta_init (d, bad_block, sizeof bad_block));
}

/* ---- whole files built by hand ---- */

typedef struct {
  GByteArray *b;
  gint16 last[16];
  int depth;
} Writer;

static void
w_byte (Writer *w, guint8 byte)
{
  g_byte_array_append (w->b, &byte, 1);
}

static void
w_varint (Writer *w, guint64 v)
{
  while (v >= 0x80)
    {
      w_byte (w, (guint8) (v | 0x80));
      v >>= 7;
    }
  w_byte (w, (guint8) v);
}

static void
w_field (Writer *w, gint16 id, guint8 type)
{
  gint delta = id - w->last[w->depth];
  if (delta > 0 && delta <= 15)
    w_byte (w, (guint8) (delta << 4 | type));
  else
    {
      w_byte (w, type);
      w_varint (w, (guint64) ((gint64) id << 1 ^ ((gint64) id >> 63)));
    }
  w->last[w->depth] = id;
}

static void
w_int (Writer *w, gint16 id, guint8 type, gint64 v)
{
  w_field (w, id, type);
  w_varint (w, (guint64) (v << 1) ^ (guint64) (v >> 63));
}
#define w_i32(w, id, v) w_int (w, id, 5, v)
#define w_i64(w, id, v) w_int (w, id, 6, v)

static void
w_string (Writer *w, gint16 id, const char *s)
{
  w_field (w, id, 8);
  w_varint (w, strlen (s));
  g_byte_array_append (w->b, (const guint8 *) s, (guint) strlen (s));
}

static void
w_begin (Writer *w, gint16 id) /* id 0: a list element */
{
  if (id != 0)
    w_field (w, id, 12);
  w->last[++w->depth] = 0;
}

static void
w_end (Writer *w)
{
  w_byte (w, 0);
  w->depth--;
}

static void
w_list (Writer *w, gint16 id, guint8 elem, guint n)
{
  w_field (w, id, 9);
  w_byte (w, (guint8) (n << 4 | elem));
}

typedef struct {
  gint codec;              /* 0, or another codec number */
  gint64 rows;             /* 3 unless set */
  gboolean bad_index;      /* a dictionary index past the dictionary */
  gint64 page_extra;       /* added to the data page's compressed size */
  gint64 uncompressed_extra;
  gboolean bad_levels;     /* definition levels longer than the page */
  gboolean unsigned32;     /* converted type UINT_32, and 0xffffffff for 443 */
  gboolean no_columns;     /* a schema of the root alone */
} FileSpec;

/* One optional INT32 column "src_port": 22, null, 443, dictionary-encoded
 * (v1 data page), plus an unknown footer field to skip. */
static GByteArray *
build_file (const FileSpec *spec)
{
  Writer w = { .b = g_byte_array_new () };
  gint64 rows = spec->rows != 0 ? spec->rows : 3;
  g_byte_array_append (w.b, (const guint8 *) "PAR1", 4);
  /* Dictionary page: 22, 443 PLAIN. */
  guint8 dict[] = { 22, 0, 0, 0, 0xbb, 0x01, 0, 0 };
  if (spec->unsigned32)
    memset (dict + 4, 0xff, 4);
  w_begin (&w, 0);
  w_i32 (&w, 1, 2);
  w_i32 (&w, 2, sizeof dict);
  w_i32 (&w, 3, sizeof dict);
  w_begin (&w, 7);
  w_i32 (&w, 1, 2);
  w_i32 (&w, 2, 0);
  w_end (&w);
  w_end (&w);
  g_byte_array_append (w.b, dict, sizeof dict);
  gint64 data_offset = w.b->len;
  /* Data page: levels 1 0 1 (bit-packed), indices 0 1 (width 1) or 0 5 (width 3). */
  GByteArray *page = g_byte_array_new ();
  static const guint8 levels[] = { 2, 0, 0, 0, 0x03, 0x05 };
  static const guint8 good[] = { 1, 0x03, 0x02 };
  static const guint8 bad[] = { 3, 0x03, 0x28, 0x00, 0x00 };
  g_byte_array_append (page, spec->bad_levels ? (const guint8[]){ 0xff, 0, 0, 0 } : levels,
                       spec->bad_levels ? 4 : sizeof levels);
  if (spec->bad_index)
    g_byte_array_append (page, bad, sizeof bad);
  else
    g_byte_array_append (page, good, sizeof good);
  w_begin (&w, 0);
  w_i32 (&w, 1, 0);
  w_i32 (&w, 2, page->len + spec->uncompressed_extra);
  w_i32 (&w, 3, page->len + spec->page_extra);
  w_begin (&w, 5);
  w_i32 (&w, 1, 3);
  w_i32 (&w, 2, 8);
  w_i32 (&w, 3, 3);
  w_i32 (&w, 4, 3);
  w_end (&w);
  w_end (&w);
  g_byte_array_append (w.b, page->data, page->len);
  g_byte_array_unref (page);
  gint64 chunk_size = w.b->len - 4;
  /* The footer. */
  guint footer_start = w.b->len;
  w_begin (&w, 0);
  w_i32 (&w, 1, 1);
  w_list (&w, 2, 12, spec->no_columns ? 1 : 2);
  w_begin (&w, 0);
  w_string (&w, 4, "schema");
  w_i32 (&w, 5, spec->no_columns ? 0 : 1);
  w_end (&w);
  if (!spec->no_columns)
    {
      w_begin (&w, 0);
      w_i32 (&w, 1, 1);
      w_i32 (&w, 3, 1);
      w_string (&w, 4, "src_port");
      if (spec->unsigned32)
        w_i32 (&w, 6, 13);
      w_end (&w);
    }
  w_i64 (&w, 3, rows);
  w_list (&w, 4, 12, 1);
  w_begin (&w, 0);
  w_list (&w, 1, 12, 1);
  w_begin (&w, 0);
  w_i64 (&w, 2, 4);
  w_begin (&w, 3);
  w_i32 (&w, 1, 1);
  w_list (&w, 2, 5, 2);
  w_varint (&w, 0);
  w_varint (&w, 16);
  w_list (&w, 3, 8, 1);
  w_varint (&w, 8);
  g_byte_array_append (w.b, (const guint8 *) "src_port", 8);
  w_i32 (&w, 4, spec->codec);
  w_i64 (&w, 5, 3);
  w_i64 (&w, 6, chunk_size);
  w_i64 (&w, 7, chunk_size);
  w_i64 (&w, 9, data_offset);
  w_i64 (&w, 11, 4);
  w_end (&w);
  w_end (&w);
  w_i64 (&w, 2, chunk_size);
  w_i64 (&w, 3, rows);
  w_end (&w);
  w_string (&w, 6, "test-parquet");
  w_begin (&w, 100); /* unknown: skipped */
  w_field (&w, 1, 11);
  w_varint (&w, 1);
  w_byte (&w, 0x88);
  w_varint (&w, 1);
  w_byte (&w, 'k');
  w_varint (&w, 1);
  w_byte (&w, 'v');
  w_end (&w);
  w_end (&w);
  guint32 footer_len = w.b->len - footer_start;
  guint8 tail[8] = { footer_len & 0xff, footer_len >> 8 & 0xff, footer_len >> 16 & 0xff,
                     footer_len >> 24, 'P', 'A', 'R', '1' };
  g_byte_array_append (w.b, tail, 8);
  return w.b;
}

/* All the text of a Parquet file in memory; NULL and error if it fails. */
static char *
read_all (const guint8 *data, gsize len, gsize step, GError **error)
{
  g_autofree guint8 *copy = g_memdup2 (data, len); /* exact size: overreads are caught */
  g_autoptr (VpcParquet) pq = vpc_parquet_open_memory (copy, len, "t.parquet", error);
  if (pq == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  GError *local = NULL;
  while (vpc_parquet_read_lines (pq, out, step, &local))
    ;
  if (!g_error_matches (local, VPC_ERROR, VPC_ERROR_EOF))
    {
      g_propagate_error (error, local);
      g_string_free (out, TRUE);
      return NULL;
    }
  g_error_free (local);
  return g_string_free (out, FALSE);
}

static void
expect_error (const FileSpec *spec, const char *fragment)
{
  GByteArray *b = build_file (spec);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = read_all (b->data, b->len, 1 << 20, &error);
  g_byte_array_unref (b);
  g_assert_null (text);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  if (strstr (error->message, fragment) == NULL || strstr (error->message, "t.parquet") == NULL)
    g_error ("expected '%s' in: %s", fragment, error->message);
}

static void
test_file (void)
{
  FileSpec spec = { 0 };
  GByteArray *b = build_file (&spec);
  g_autoptr (GError) error = NULL;
  for (gsize step = 1; step <= 1024; step *= 32)
    {
      g_autofree char *text = read_all (b->data, b->len, step, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, "src-port\n22\n-\n443\n");
    }
  g_byte_array_unref (b);

  /* INT32 annotated UINT_32: 0xffffffff is 4294967295, not -1. */
  b = build_file (&(FileSpec){ .unsigned32 = TRUE });
  g_autofree char *text = read_all (b->data, b->len, 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "src-port\n22\n-\n4294967295\n");
  g_byte_array_unref (b);
}

static void
test_hostile (void)
{
  expect_error (&(FileSpec){ .bad_index = TRUE },
                "row group 0, column src-port: dictionary index 5 out of range");
  expect_error (&(FileSpec){ .page_extra = 100 }, "column src-port: page of 109 bytes overruns");
  expect_error (&(FileSpec){ .codec = 3 }, "codec LZO is not supported");
  expect_error (&(FileSpec){ .codec = 42 }, "codec unknown is not supported");
  expect_error (&(FileSpec){ .uncompressed_extra = 5 }, "does not decompress to its declared");
  expect_error (&(FileSpec){ .uncompressed_extra = 1 << 30 }, "bytes uncompressed (at most");
  expect_error (&(FileSpec){ .rows = (gint64) 1 << 40 }, "row count 1099511627776 is invalid");
  expect_error (&(FileSpec){ .rows = 5 }, "column chunk ends 2 rows before the row group");
  expect_error (&(FileSpec){ .bad_levels = TRUE }, "definition levels overrun the page");
  expect_error (&(FileSpec){ .no_columns = TRUE }, "Parquet: footer: a schema without columns");

  GByteArray *b = build_file (&(FileSpec){ 0 });
  g_autoptr (GError) error = NULL;
  /* Bad magic, truncated files, a footer length past the file. */
  b->data[0] = 'X';
  g_assert_null (read_all (b->data, b->len, 64, &error));
  g_assert_nonnull (strstr (error->message, "bad magic (not a Parquet file)"));
  g_clear_error (&error);
  b->data[0] = 'P';
  g_assert_null (read_all (b->data, b->len - 1, 64, &error));
  g_assert_nonnull (strstr (error->message, "bad magic at the end"));
  g_clear_error (&error);
  guint8 saved = b->data[b->len - 5];
  b->data[b->len - 5] = 0x7f;
  g_assert_null (read_all (b->data, b->len, 64, &error));
  g_assert_nonnull (strstr (error->message, "bad footer length"));
  g_clear_error (&error);
  b->data[b->len - 5] = saved;
  g_assert_null (read_all (b->data, 7, 64, &error));
  g_clear_error (&error);

  /* Every byte changed, every 32-bit length forced huge: errors or text, never a crash. */
  for (guint i = 0; i < b->len; i++)
    {
      guint8 old = b->data[i];
      for (guint x = 1; x < 256; x <<= 1)
        {
          b->data[i] = old ^ (guint8) x;
          g_autofree char *text = read_all (b->data, b->len, 64, &error);
          g_clear_error (&error);
        }
      b->data[i] = old;
    }
  g_byte_array_unref (b);
}

/* The committed samples decode to their text twins (tests/parquet/twins). */
static void
test_samples (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", "parquet", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  const char *name;
  guint n = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (name, ".parquet"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *stem = g_strndup (name, strcspn (name, "."));
      g_autofree char *twin_name = g_strconcat (stem, ".log", NULL);
      g_autofree char *twin_path = g_test_build_filename (G_TEST_DIST, "parquet", "twins", twin_name, NULL);
      g_autofree char *data = NULL, *twin = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_assert_true (g_file_get_contents (twin_path, &twin, NULL, NULL));
      g_autoptr (GError) error = NULL;
      g_autofree char *text = read_all ((const guint8 *) data, len, 100, &error);
      g_assert_no_error (error);
      g_test_message ("%s", name);
      g_assert_cmpstr (text, ==, twin);
      n++;
    }
  g_assert_cmpuint (n, >=, 10);
}

/* Truncations and byte flips of a real sample (SNAPPY, v2 pages, DELTA). */
static void
test_hostile_sample (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", "parquet",
                                                 "v5-custom.arrow-snappy-v2-delta.log.parquet", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  guint8 *bytes = (guint8 *) data;
  for (gsize cut = 0; cut < len; cut += 97)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = read_all (bytes, cut, 1000, &error);
      g_assert_null (text);
      g_assert_nonnull (error);
    }
  for (gsize i = 0; i < len; i += 3)
    {
      guint8 old = bytes[i];
      bytes[i] = old ^ 0x5a;
      g_autoptr (GError) error = NULL;
      g_autofree char *text = read_all (bytes, len, 1000, &error);
      bytes[i] = old;
    }
}

/* Random damage (bytes, bits, 32-bit values, protocol bytes) to every
 * sample, with a fixed seed: errors or text, never a crash (the ASan
 * build checks every access). */
static void
test_mutations (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", "parquet", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261207);
  static const guint8 special[] = { 0, 0x7f, 0x80, 0xff, 0x15, 0x19, 0x1c };
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_autofree guint8 *m = g_malloc (len);
      for (int i = 0; i < 400; i++)
        {
          memcpy (m, data, len);
          for (int k = g_rand_int_range (rand, 1, 8); k > 0; k--)
            {
              gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);
              switch (g_rand_int_range (rand, 0, 4))
                {
                case 0:
                  m[at] = (guint8) g_rand_int (rand);
                  break;
                case 1:
                  m[at] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
                  break;
                case 2:
                  if (at + 4 <= len)
                    {
                      guint32 v = g_rand_int (rand);
                      memcpy (m + at, &v, 4);
                    }
                  break;
                default:
                  m[at] = special[g_rand_int_range (rand, 0, G_N_ELEMENTS (special))];
                }
            }
          g_autoptr (GError) error = NULL;
          g_autofree char *text = read_all (m, len, 4096, &error);
          g_assert_true ((text == NULL) == (error != NULL));
        }
    }
}

/* Parquet is detected by its magic, named "parquet", never chosen by a user. */
static void
test_detect (void)
{
  g_assert_cmpint (vpc_container_detect ("PAR1\x15\x04", 6), ==, VPC_CONTAINER_PARQUET);
  g_assert_cmpint (vpc_container_detect ("PAR", 3), ==, VPC_CONTAINER_TEXT);
  g_assert_cmpstr (vpc_container_to_string (VPC_CONTAINER_PARQUET), ==, "parquet");
  VpcContainer container;
  g_autoptr (GError) error = NULL;
  g_assert_false (vpc_container_from_string ("parquet", &container, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parquet/detect", test_detect);
  g_test_add_func ("/parquet/thrift", test_thrift);
  g_test_add_func ("/parquet/rle", test_rle);
  g_test_add_func ("/parquet/delta", test_delta);
  g_test_add_func ("/parquet/file", test_file);
  g_test_add_func ("/parquet/hostile", test_hostile);
  g_test_add_func ("/parquet/samples", test_samples);
  g_test_add_func ("/parquet/hostile-sample", test_hostile_sample);
  g_test_add_func ("/parquet/mutations", test_mutations);
  return g_test_run ();
}
