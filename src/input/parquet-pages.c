/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parquet reader: the pages of a column chunk (headers, codecs, dictionaries, levels, values) read lazily into text. */
#include "config.h"

#include <snappy-c.h>
#include <string.h>
#include <zstd.h>

#include "parquet-private.h"

static const char *const codec_names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                           "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW" };

G_GNUC_PRINTF (4, 5)
static gboolean
cursor_error (VpcParquet *pq, PqCursor *c, GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: Parquet row group %u, column %s: %s",
               pq->name, pq->group, c->column->name, message);
  return FALSE;
}

/* ---- page headers ---- */

typedef struct {
  gint type;
  gint64 uncompressed, compressed;
  gint64 num_values;
  gint encoding;
  gint def_encoding;
  gint64 def_len, rep_len; /* v2 */
  gboolean is_compressed;  /* v2 */
  gboolean has_values;
} PqPageHeader;

typedef enum { HEADER_V1, HEADER_V2, HEADER_DICTIONARY } PqHeaderKind;

static void
parse_data_header (VpcThrift *t, PqPageHeader *h, PqHeaderKind kind)
{
  gboolean v2 = kind == HEADER_V2, v1 = kind == HEADER_V1;
  h->has_values = TRUE;
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    if (id == 1)
      h->num_values = vpc_thrift_i32 (t, type);
    else if (!v2 && id == 2)
      h->encoding = vpc_thrift_i32 (t, type);
    else if (v1 && id == 3)
      h->def_encoding = vpc_thrift_i32 (t, type);
    else if (v2 && id == 4)
      h->encoding = vpc_thrift_i32 (t, type);
    else if (v2 && id == 5)
      h->def_len = vpc_thrift_i32 (t, type);
    else if (v2 && id == 6)
      h->rep_len = vpc_thrift_i32 (t, type);
    else if (v2 && id == 7)
      h->is_compressed = vpc_thrift_bool (t, type);
    else
      vpc_thrift_skip (t, type);
  vpc_thrift_struct_end (t);
}

static void
parse_page_header (VpcThrift *t, PqPageHeader *h)
{
  *h = (PqPageHeader){ .type = -1, .uncompressed = -1, .compressed = -1, .is_compressed = TRUE,
                       .def_encoding = PQ_RLE };
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    switch (id)
      {
      case 1:
        h->type = vpc_thrift_i32 (t, type);
        break;
      case 2:
        h->uncompressed = vpc_thrift_i32 (t, type);
        break;
      case 3:
        h->compressed = vpc_thrift_i32 (t, type);
        break;
      case 5:
        if (type == VPC_THRIFT_STRUCT && h->type == PQ_DATA_PAGE)
          parse_data_header (t, h, HEADER_V1);
        else
          vpc_thrift_skip (t, type);
        break;
      case 7:
        if (type == VPC_THRIFT_STRUCT && h->type == PQ_DICTIONARY_PAGE)
          parse_data_header (t, h, HEADER_DICTIONARY);
        else
          vpc_thrift_skip (t, type);
        break;
      case 8:
        if (type == VPC_THRIFT_STRUCT && h->type == PQ_DATA_PAGE_V2)
          parse_data_header (t, h, HEADER_V2);
        else
          vpc_thrift_skip (t, type);
        break;
      default:
        vpc_thrift_skip (t, type);
      }
  vpc_thrift_struct_end (t);
}

/* Read the page header at c->pos into h; c->pos moves past it. */
static gboolean
read_page_header (VpcParquet *pq, PqCursor *c, PqPageHeader *h, GError **error)
{
  gint64 left = c->end - c->pos;
  gsize want = (gsize) MIN (left, 4096);
  for (;;)
    {
      g_autofree guint8 *buf = g_malloc (MAX (want, 1));
      if (!vpc_parquet_read_at (pq, c->pos, want, buf, error))
        return FALSE;
      VpcThrift t;
      vpc_thrift_init (&t, buf, want);
      parse_page_header (&t, h);
      if (!t.failed)
        {
          c->pos += t.p - buf;
          break;
        }
      if (strcmp (t.why, "truncated") != 0 || (gint64) want >= left || want >= MAX_PAGE_HEADER)
        return cursor_error (pq, c, error, "page header at offset %" G_GINT64_FORMAT ": %s",
                             c->pos, t.why);
      want = (gsize) MIN (left, (gint64) want * 8);
      want = MIN (want, MAX_PAGE_HEADER);
    }
  if (h->compressed < 0 || h->compressed > c->end - c->pos)
    return cursor_error (pq, c, error, "page of %" G_GINT64_FORMAT " bytes overruns its column chunk",
                         h->compressed);
  if (h->uncompressed < 0 || h->uncompressed > MAX_PAGE)
    return cursor_error (pq, c, error, "page of %" G_GINT64_FORMAT " bytes uncompressed (at most %u)",
                         h->uncompressed, MAX_PAGE);
  if (h->num_values < 0)
    return cursor_error (pq, c, error, "page with a negative value count");
  return TRUE;
}

/* ---- codecs ---- */

static gboolean
decompress (VpcParquet *pq, PqCursor *c, const guint8 *in, gsize in_len, guint8 *out,
            gsize out_len, GError **error)
{
  gint codec = c->chunk->codec;
  switch (codec)
    {
    case PQ_UNCOMPRESSED:
      if (in_len != out_len)
        break;
      memcpy (out, in, in_len);
      return TRUE;
    case PQ_GZIP:
      {
        if (pq->inflate == NULL)
          pq->inflate = g_new (struct inflate_state, 1);
        struct inflate_state *st = pq->inflate;
        isal_inflate_init (st);
        st->crc_flag = ISAL_GZIP;
        st->next_in = (guint8 *) in;
        st->avail_in = (guint32) in_len;
        st->next_out = out;
        st->avail_out = (guint32) out_len;
        int ret = isal_inflate (st);
        if (ret != ISAL_DECOMP_OK)
          return cursor_error (pq, c, error, "corrupt GZIP page");
        if (st->block_state != ISAL_BLOCK_FINISH || st->avail_out != 0)
          break;
        return TRUE;
      }
    case PQ_SNAPPY:
      {
        size_t n;
        if (snappy_uncompressed_length ((const char *) in, in_len, &n) != SNAPPY_OK
            || n != out_len)
          break;
        if (snappy_uncompress ((const char *) in, in_len, (char *) out, &n) != SNAPPY_OK)
          return cursor_error (pq, c, error, "corrupt SNAPPY page");
        if (n != out_len)
          break;
        return TRUE;
      }
    case PQ_ZSTD:
      {
        size_t n = ZSTD_decompress (out, out_len, in, in_len);
        if (ZSTD_isError (n))
          return cursor_error (pq, c, error, "corrupt ZSTD page (%s)", ZSTD_getErrorName (n));
        if (n != out_len)
          break;
        return TRUE;
      }
    default:
      return cursor_error (pq, c, error, "codec %s is not supported (UNCOMPRESSED, GZIP, SNAPPY "
                           "and ZSTD are)",
                           codec >= 0 && codec <= PQ_LZ4_RAW ? codec_names[codec] : "unknown");
    }
  return cursor_error (pq, c, error, "page does not decompress to its declared %" G_GSIZE_FORMAT
                       " bytes", out_len);
}

/* Count bytes the cursor holds from now on (the page, the dictionary) in
 * the budget of all columns: a file whose every column claims large
 * pages fails instead of holding them all. */
static gboolean
hold (VpcParquet *pq, PqCursor *c, gsize page, gsize dictionary, GError **error)
{
  pq->live -= c->held;
  c->held = page + dictionary;
  pq->live += c->held;
  if (pq->live > MAX_LIVE)
    return cursor_error (pq, c, error, "the pages of this row group need more than %u MiB at once",
                         MAX_LIVE >> 20);
  return TRUE;
}

/* The page at c->pos (header h read): its bytes, decompressed into
 * c->page (the first plain bytes of a v2 page copied as they are). */
static gboolean
load_page (VpcParquet *pq, PqCursor *c, const PqPageHeader *h, gsize plain, GError **error)
{
  g_clear_pointer (&c->raw, g_free);
  g_clear_pointer (&c->page, g_free);
  gsize dictionary = c->dict_text != NULL ? c->dict_text->len + c->dict_ends->len * 4 : 0;
  if (!hold (pq, c, (gsize) h->uncompressed + (gsize) h->compressed, dictionary, error))
    return FALSE;
  c->raw = g_malloc (MAX (h->compressed, 1));
  if (!vpc_parquet_read_at (pq, c->pos, (gsize) h->compressed, c->raw, error))
    return FALSE;
  c->pos += h->compressed;
  if (plain > (gsize) h->compressed || plain > (gsize) h->uncompressed)
    return cursor_error (pq, c, error, "page levels longer than the page");
  c->page = g_malloc (MAX (h->uncompressed, 1));
  memcpy (c->page, c->raw, plain);
  gsize in_len = (gsize) h->compressed - plain, out_len = (gsize) h->uncompressed - plain;
  if (h->type == PQ_DATA_PAGE_V2 && !h->is_compressed)
    {
      if (in_len != out_len)
        return cursor_error (pq, c, error, "uncompressed page of the wrong size");
      memcpy (c->page + plain, c->raw + plain, in_len);
    }
  else if (!decompress (pq, c, c->raw + plain, in_len, c->page + plain, out_len, error))
    return FALSE;
  g_clear_pointer (&c->raw, g_free);
  return TRUE;
}

/* ---- values ---- */

/* An integer value of the column as text (unsigned if its logical type says so). */
static void
append_integer (const PqColumn *column, GString *out, guint64 bits)
{
  if (column->type == PQ_INT32)
    {
      if (column->is_unsigned)
        vpc_parquet_append_uint (out, (guint32) bits);
      else
        vpc_parquet_append_int (out, (gint32) (guint32) bits);
    }
  else if (column->is_unsigned)
    vpc_parquet_append_uint (out, bits);
  else
    vpc_parquet_append_int (out, (gint64) bits);
}

/* One PLAIN value at *p as text; FALSE if it runs past end. */
static gboolean
plain_value (const PqColumn *column, const guint8 **p, const guint8 *end, GString *out)
{
  gint type = column->type;
  gsize avail = (gsize) (end - *p);
  const guint8 *v = *p;
  if (type == PQ_INT32)
    {
      if (avail < 4)
        return FALSE;
      guint32 u = (guint32) v[0] | (guint32) v[1] << 8 | (guint32) v[2] << 16 | (guint32) v[3] << 24;
      append_integer (column, out, u);
      *p += 4;
      return TRUE;
    }
  if (type == PQ_INT64)
    {
      if (avail < 8)
        return FALSE;
      guint64 u = 0;
      for (int i = 7; i >= 0; i--)
        u = u << 8 | v[i];
      append_integer (column, out, u);
      *p += 8;
      return TRUE;
    }
  /* BYTE_ARRAY: a 4-byte length, then the bytes. */
  if (avail < 4)
    return FALSE;
  guint32 len = (guint32) v[0] | (guint32) v[1] << 8 | (guint32) v[2] << 16 | (guint32) v[3] << 24;
  if (len > avail - 4)
    return FALSE;
  vpc_parquet_append_bytes (out, v + 4, len);
  *p += 4 + (gsize) len;
  return TRUE;
}

static gboolean
load_dictionary (VpcParquet *pq, PqCursor *c, const PqPageHeader *h, GError **error)
{
  if (c->has_dictionary)
    return cursor_error (pq, c, error, "two dictionary pages");
  if (h->encoding != PQ_PLAIN && h->encoding != PQ_PLAIN_DICTIONARY)
    return cursor_error (pq, c, error, "dictionary page encoding %d is not supported", h->encoding);
  if (!load_page (pq, c, h, 0, error))
    return FALSE;
  c->dict_text = g_string_new (NULL);
  c->dict_ends = g_array_new (FALSE, FALSE, sizeof (guint32));
  const guint8 *p = c->page, *end = c->page + h->uncompressed;
  /* Every value takes 4 bytes or more: the count is bounded by the page. */
  if (h->num_values > (end - p) / 4)
    return cursor_error (pq, c, error, "dictionary of %" G_GINT64_FORMAT " values in %" G_GINT64_FORMAT
                         " bytes", h->num_values, h->uncompressed);
  for (gint64 i = 0; i < h->num_values; i++)
    {
      if (!plain_value (c->column, &p, end, c->dict_text))
        return cursor_error (pq, c, error, "dictionary page truncated");
      if (c->dict_text->len > MAX_LIVE)
        return cursor_error (pq, c, error, "dictionary of more than %u MiB as text", MAX_LIVE >> 20);
      guint32 e = (guint32) c->dict_text->len;
      g_array_append_val (c->dict_ends, e);
    }
  c->has_dictionary = TRUE;
  g_clear_pointer (&c->page, g_free);
  return hold (pq, c, 0, c->dict_text->len + c->dict_ends->len * 4, error);
}

/* Set up a DELTA_BINARY_PACKED stream over [p, end) holding at most max values. */
static gboolean
delta_open (VpcParquet *pq, PqCursor *c, VpcDelta **d, const guint8 *p, const guint8 *end,
            gint64 max, GError **error)
{
  if (*d == NULL)
    *d = g_new (VpcDelta, 1);
  if (!vpc_delta_init (*d, p, (gsize) (end - p)))
    return cursor_error (pq, c, error, "%s", (*d)->why);
  if ((gint64) (*d)->total > max)
    return cursor_error (pq, c, error, "%" G_GUINT64_FORMAT " delta values in a page of %" G_GINT64_FORMAT,
                         (*d)->total, max);
  return TRUE;
}

/* Where the bytes after a DELTA_BINARY_PACKED stream at p start. */
static const guint8 *
delta_end (VpcParquet *pq, PqCursor *c, const guint8 *p, const guint8 *end, gint64 max,
           GError **error)
{
  g_autofree VpcDelta *scan = NULL;
  if (!delta_open (pq, c, &scan, p, end, max, error))
    return NULL;
  const guint8 *after = vpc_delta_skip_to_end (scan);
  if (after == NULL)
    cursor_error (pq, c, error, "%s", scan->why);
  return after;
}

/* Set up the values of the data page in c->page (data starts at p). */
static gboolean
start_values (VpcParquet *pq, PqCursor *c, gint encoding, const guint8 *p, const guint8 *end,
              gint64 count, GError **error)
{
  gint type = c->column->type;
  c->encoding = encoding;
  c->vp = p;
  c->vend = end;
  switch (encoding)
    {
    case PQ_PLAIN:
      return TRUE;
    case PQ_PLAIN_DICTIONARY:
    case PQ_RLE_DICTIONARY:
      if (!c->has_dictionary)
        return cursor_error (pq, c, error, "dictionary-encoded page without a dictionary");
      {
        guint width = p < end ? *p++ : 0;
        if (width > 32)
          return cursor_error (pq, c, error, "dictionary index width %u", width);
        vpc_rle_init (&c->index, p, (gsize) (end - p), width);
      }
      return TRUE;
    case PQ_DELTA_BINARY_PACKED:
      if (type == PQ_BYTE_ARRAY)
        break;
      return delta_open (pq, c, &c->lengths, p, end, count, error);
    case PQ_DELTA_LENGTH_BYTE_ARRAY:
      if (type != PQ_BYTE_ARRAY)
        break;
      if ((c->vp = delta_end (pq, c, p, end, count, error)) == NULL)
        return FALSE;
      return delta_open (pq, c, &c->lengths, p, end, count, error);
    case PQ_DELTA_BYTE_ARRAY:
      {
        if (type != PQ_BYTE_ARRAY)
          break;
        const guint8 *suffixes = delta_end (pq, c, p, end, count, error);
        if (suffixes == NULL || (c->vp = delta_end (pq, c, suffixes, end, count, error)) == NULL)
          return FALSE;
        if (c->previous == NULL)
          c->previous = g_byte_array_new ();
        g_byte_array_set_size (c->previous, 0);
        return delta_open (pq, c, &c->prefixes, p, end, count, error)
               && delta_open (pq, c, &c->lengths, suffixes, end, count, error);
      }
    default:
      break;
    }
  return cursor_error (pq, c, error, "encoding %d is not supported for this column", encoding);
}

/* Read pages until a data page is set up. */
static gboolean
next_data_page (VpcParquet *pq, PqCursor *c, GError **error)
{
  for (;;)
    {
      if (c->pos >= c->end)
        return cursor_error (pq, c, error, "column chunk ends %" G_GINT64_FORMAT
                             " rows before the row group", c->rows_left);
      PqPageHeader h;
      if (!read_page_header (pq, c, &h, error))
        return FALSE;
      if (h.type == PQ_DICTIONARY_PAGE)
        {
          if (!load_dictionary (pq, c, &h, error))
            return FALSE;
          continue;
        }
      if ((h.type != PQ_DATA_PAGE && h.type != PQ_DATA_PAGE_V2) || h.num_values == 0)
        {
          c->pos += h.compressed; /* index pages, pages of no values */
          continue;
        }
      if (!h.has_values)
        return cursor_error (pq, c, error, "data page without its header");
      if (h.num_values > c->rows_left)
        return cursor_error (pq, c, error, "page of %" G_GINT64_FORMAT " values past the row "
                             "group's %" G_GINT64_FORMAT " rows left", h.num_values, c->rows_left);
      gboolean v2 = h.type == PQ_DATA_PAGE_V2;
      if (v2 && (h.def_len < 0 || h.rep_len < 0 || h.def_len > G_MAXINT32 - h.rep_len))
        return cursor_error (pq, c, error, "invalid level lengths");
      gsize plain = v2 ? (gsize) (h.rep_len + h.def_len) : 0;
      if (!load_page (pq, c, &h, plain, error))
        return FALSE;
      const guint8 *p = c->page, *end = c->page + h.uncompressed;
      c->has_def = c->column->optional;
      if (v2)
        {
          vpc_rle_init (&c->def, p + h.rep_len, (gsize) h.def_len, 1);
          p += plain;
        }
      else if (c->has_def)
        {
          if (h.def_encoding != PQ_RLE)
            return cursor_error (pq, c, error, "definition level encoding %d is not supported",
                                 h.def_encoding);
          if (end - p < 4)
            return cursor_error (pq, c, error, "definition levels truncated");
          guint32 len = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16
                        | (guint32) p[3] << 24;
          if (len > (gsize) (end - p) - 4)
            return cursor_error (pq, c, error, "definition levels overrun the page");
          vpc_rle_init (&c->def, p + 4, len, 1);
          p += 4 + (gsize) len;
        }
      c->values_left = h.num_values;
      return start_values (pq, c, h.encoding, p, end, h.num_values, error);
    }
}

gboolean
vpc_parquet_cursor_value (VpcParquet *pq, PqCursor *c, GString *out, GError **error)
{
  if (c->values_left == 0 && !next_data_page (pq, c, error))
    return FALSE;
  c->values_left--;
  c->rows_left--;
  if (c->has_def)
    {
      guint32 level;
      if (!vpc_rle_next (&c->def, &level))
        return cursor_error (pq, c, error, "definition levels truncated or invalid");
      if (level == 0)
        {
          g_string_append_c (out, '-');
          return TRUE;
        }
    }
  switch (c->encoding)
    {
    case PQ_PLAIN:
      if (!plain_value (c->column, &c->vp, c->vend, out))
        return cursor_error (pq, c, error, "PLAIN values truncated");
      return TRUE;
    case PQ_PLAIN_DICTIONARY:
    case PQ_RLE_DICTIONARY:
      {
        guint32 index;
        if (!vpc_rle_next (&c->index, &index))
          return cursor_error (pq, c, error, "dictionary indices truncated or invalid");
        if (index >= c->dict_ends->len)
          return cursor_error (pq, c, error, "dictionary index %u out of range (%u values)", index,
                               c->dict_ends->len);
        guint32 from = index == 0 ? 0 : g_array_index (c->dict_ends, guint32, index - 1);
        guint32 to = g_array_index (c->dict_ends, guint32, index);
        g_string_append_len (out, c->dict_text->str + from, to - from);
        return TRUE;
      }
    case PQ_DELTA_BINARY_PACKED:
      {
        gint64 v;
        if (!vpc_delta_next (c->lengths, &v))
          return cursor_error (pq, c, error, "DELTA_BINARY_PACKED values truncated");
        append_integer (c->column, out, (guint64) v);
        return TRUE;
      }
    case PQ_DELTA_LENGTH_BYTE_ARRAY:
      {
        gint64 len;
        if (!vpc_delta_next (c->lengths, &len) || len < 0 || len > c->vend - c->vp)
          return cursor_error (pq, c, error, "DELTA_LENGTH_BYTE_ARRAY values truncated");
        vpc_parquet_append_bytes (out, c->vp, (gsize) len);
        c->vp += len;
        return TRUE;
      }
    case PQ_DELTA_BYTE_ARRAY:
      {
        gint64 prefix, len;
        if (!vpc_delta_next (c->prefixes, &prefix) || !vpc_delta_next (c->lengths, &len)
            || len < 0 || len > c->vend - c->vp)
          return cursor_error (pq, c, error, "DELTA_BYTE_ARRAY values truncated");
        if (prefix < 0 || prefix > (gint64) c->previous->len)
          return cursor_error (pq, c, error, "DELTA_BYTE_ARRAY prefix longer than the value before");
        g_byte_array_set_size (c->previous, (guint) prefix);
        g_byte_array_append (c->previous, c->vp, (guint) len);
        c->vp += len;
        vpc_parquet_append_bytes (out, c->previous->data, c->previous->len);
        return TRUE;
      }
    default:
      return cursor_error (pq, c, error, "no values");
    }
}
