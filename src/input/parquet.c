/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parquet reader: footer, column chunks, pages, codecs and values, turned into flow-log text lines. */
#include "config.h"

#include "parquet.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet-private.h"

static const char *const type_names[] = { "BOOLEAN", "INT32", "INT64", "INT96",
                                          "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY" };

/* ---- errors ---- */

G_GNUC_PRINTF (3, 4)
static gboolean
pq_error (VpcParquet *pq, GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: Parquet: %s", pq->name, message);
  return FALSE;
}

/* ---- reading ---- */

gboolean
vpc_parquet_read_at (VpcParquet *pq, gint64 offset, gsize len, guint8 *buf, GError **error)
{
  if (offset < 0 || (guint64) offset > (guint64) pq->size || len > (guint64) (pq->size - offset))
    return pq_error (pq, error, "a read at offset %" G_GINT64_FORMAT " runs past the end of the file",
                     offset);
  if (pq->memory != NULL)
    {
      memcpy (buf, pq->memory + offset, len);
      return TRUE;
    }
  gsize done = 0;
  while (done < len)
    {
      gssize n = pread (pq->fd, buf + done, len - done, (off_t) (offset + (gint64) done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", pq->name, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_TRUNCATED,
                       "%s: Parquet file shrank while being read", pq->name);
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

/* ---- the footer ---- */

typedef struct {
  gint type, repetition, num_children;
  gboolean has_type, is_unsigned;
  const guint8 *name;
  gsize name_len;
} PqSchemaElement;

/* A LogicalType: TRUE for INTEGER (field 10) with isSigned (field 2) false. */
static gboolean
parse_logical_unsigned (VpcThrift *t)
{
  gboolean is_unsigned = FALSE;
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    if (id == 10 && type == VPC_THRIFT_STRUCT)
      {
        vpc_thrift_struct_begin (t);
        gint16 int_id;
        VpcThriftType int_type;
        while (vpc_thrift_field (t, &int_id, &int_type))
          if (int_id == 2 && (int_type == VPC_THRIFT_TRUE || int_type == VPC_THRIFT_FALSE))
            is_unsigned = !vpc_thrift_bool (t, int_type);
          else
            vpc_thrift_skip (t, int_type);
        vpc_thrift_struct_end (t);
      }
    else
      vpc_thrift_skip (t, type);
  vpc_thrift_struct_end (t);
  return is_unsigned;
}

static void
parse_schema_element (VpcThrift *t, PqSchemaElement *e)
{
  *e = (PqSchemaElement){ .repetition = PQ_REQUIRED };
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    switch (id)
      {
      case 1:
        e->type = vpc_thrift_i32 (t, type);
        e->has_type = TRUE;
        break;
      case 3:
        e->repetition = vpc_thrift_i32 (t, type);
        break;
      case 4:
        e->name = vpc_thrift_binary (t, type, &e->name_len);
        break;
      case 5:
        e->num_children = vpc_thrift_i32 (t, type);
        break;
      case 6: /* ConvertedType: UINT_8, UINT_16, UINT_32, UINT_64 */
        {
          gint32 converted = vpc_thrift_i32 (t, type);
          e->is_unsigned = e->is_unsigned || (converted >= 11 && converted <= 14);
        }
        break;
      case 10:
        if (type == VPC_THRIFT_STRUCT)
          e->is_unsigned = e->is_unsigned || parse_logical_unsigned (t);
        else
          vpc_thrift_skip (t, type);
        break;
      default:
        vpc_thrift_skip (t, type);
      }
  vpc_thrift_struct_end (t);
}

static void
parse_column_meta (VpcThrift *t, PqChunk *chunk)
{
  gint64 data_offset = -1, dict_offset = -1;
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    switch (id)
      {
      case 1:
        chunk->type = vpc_thrift_i32 (t, type);
        break;
      case 4:
        chunk->codec = vpc_thrift_i32 (t, type);
        break;
      case 7:
        chunk->size = vpc_thrift_i64 (t, type);
        break;
      case 9:
        data_offset = vpc_thrift_i64 (t, type);
        break;
      case 11:
        dict_offset = vpc_thrift_i64 (t, type);
        break;
      default:
        vpc_thrift_skip (t, type);
      }
  vpc_thrift_struct_end (t);
  chunk->start = data_offset;
  if (dict_offset > 0 && dict_offset < data_offset)
    chunk->start = dict_offset;
}

/* A ColumnChunk: FALSE for a chunk in another file. */
static gboolean
parse_column_chunk (VpcThrift *t, PqChunk *chunk)
{
  gboolean here = TRUE;
  *chunk = (PqChunk){ .start = -1, .size = -1, .type = -1 };
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    if (id == 1)
      {
        gsize len;
        vpc_thrift_binary (t, type, &len);
        here = here && len == 0;
      }
    else if (id == 3 && type == VPC_THRIFT_STRUCT)
      parse_column_meta (t, chunk);
    else
      vpc_thrift_skip (t, type);
  vpc_thrift_struct_end (t);
  return here;
}

static gboolean
parse_row_group (VpcParquet *pq, VpcThrift *t, PqRowGroup *group, guint index, GError **error)
{
  group->num_rows = -1;
  vpc_thrift_struct_begin (t);
  gint16 id;
  VpcThriftType type;
  while (vpc_thrift_field (t, &id, &type))
    if (id == 1)
      {
        VpcThriftType elem;
        guint32 n = vpc_thrift_list (t, type, &elem);
        if (t->failed)
          break;
        if (n != pq->n_columns || elem != VPC_THRIFT_STRUCT || group->chunks != NULL)
          return pq_error (pq, error, "row group %u has %u column chunks for %u columns", index, n,
                           pq->n_columns);
        group->chunks = g_new0 (PqChunk, n);
        for (guint32 i = 0; i < n && !t->failed; i++)
          if (!parse_column_chunk (t, &group->chunks[i]))
            return pq_error (pq, error, "row group %u, column %s: data in another file", index,
                             pq->columns[i].name);
      }
    else if (id == 3)
      group->num_rows = vpc_thrift_i64 (t, type);
    else
      vpc_thrift_skip (t, type);
  vpc_thrift_struct_end (t);
  if (t->failed)
    return pq_error (pq, error, "footer: %s", t->why);
  if (group->chunks == NULL && pq->n_columns > 0)
    return pq_error (pq, error, "row group %u has no columns", index);
  if (group->num_rows < 0 || group->num_rows > MAX_GROUP_ROWS)
    return pq_error (pq, error, "row group %u: row count %" G_GINT64_FORMAT " is invalid", index,
                     group->num_rows);
  gint64 data_end = pq->size - 8; /* the footer follows the chunks; bounds checked again later */
  for (guint i = 0; i < pq->n_columns; i++)
    {
      PqChunk *chunk = &group->chunks[i];
      if (chunk->start < 4 || chunk->size < 0 || chunk->start > data_end
          || chunk->size > data_end - chunk->start)
        return pq_error (pq, error, "row group %u, column %s: column chunk outside the file", index,
                         pq->columns[i].name);
      if (chunk->type != pq->columns[i].type)
        return pq_error (pq, error, "row group %u, column %s: type differs from the schema", index,
                         pq->columns[i].name);
    }
  return TRUE;
}

/* The schema: a root and flat leaf columns of supported types. */
static gboolean
parse_schema (VpcParquet *pq, VpcThrift *t, VpcThriftType type, GError **error)
{
  VpcThriftType elem;
  guint32 n = vpc_thrift_list (t, type, &elem);
  if (t->failed || elem != VPC_THRIFT_STRUCT || n == 0)
    return pq_error (pq, error, "footer: no schema");
  if (n == 1)
    return pq_error (pq, error, "footer: a schema without columns");
  if (n - 1 > MAX_COLUMNS)
    return pq_error (pq, error, "footer: %u columns (at most %u)", n - 1, MAX_COLUMNS);
  if (pq->columns != NULL)
    return pq_error (pq, error, "footer: two schemas");
  PqSchemaElement root;
  parse_schema_element (t, &root);
  if (root.num_children < 0 || (guint32) root.num_children != n - 1)
    return pq_error (pq, error, "nested schemas are not supported (flow logs are flat)");
  pq->columns = g_new0 (PqColumn, n - 1);
  pq->n_columns = n - 1;
  for (guint32 i = 0; i + 1 < n && !t->failed; i++)
    {
      PqSchemaElement e;
      parse_schema_element (t, &e);
      PqColumn *column = &pq->columns[i];
      /* The names become the header line the parser reads, so they take
       * the shape of a field name (parser.c, token_is_name): lower case
       * (names are matched in any case), '_' and any other character that
       * is not a letter become '-', and a name that does not start with a
       * letter gets "column-" before it.  AWS's column names keep their
       * spelling; another's unknown column is still carried past. */
      gboolean letter_first = e.name_len > 0 && g_ascii_isalpha (e.name[0]);
      g_autofree char *raw = g_strndup ((const char *) e.name, e.name_len);
      column->name = letter_first ? g_steal_pointer (&raw) : g_strconcat ("column-", raw, NULL);
      for (char *s = column->name; *s != '\0'; s++)
        *s = g_ascii_isalpha (*s) ? g_ascii_tolower (*s) : '-';
      if (t->failed)
        break;
      if (e.num_children != 0 || !e.has_type)
        return pq_error (pq, error, "column %s: nested columns are not supported", column->name);
      if (e.repetition == PQ_REPEATED)
        return pq_error (pq, error, "column %s: repeated columns are not supported", column->name);
      if (e.type != PQ_INT32 && e.type != PQ_INT64 && e.type != PQ_BYTE_ARRAY)
        return pq_error (pq, error, "column %s: physical type %s is not supported (INT32, INT64 "
                         "and BYTE_ARRAY are)", column->name,
                         e.type >= 0 && e.type <= PQ_FIXED ? type_names[e.type] : "unknown");
      column->type = e.type;
      column->optional = e.repetition == PQ_OPTIONAL;
      column->is_unsigned = e.is_unsigned;
    }
  if (t->failed)
    return pq_error (pq, error, "footer: %s", t->why);
  return TRUE;
}

static gboolean
parse_footer (VpcParquet *pq, const guint8 *footer, gsize len, GError **error)
{
  VpcThrift t;
  vpc_thrift_init (&t, footer, len);
  gint64 num_rows = -1;
  vpc_thrift_struct_begin (&t);
  gint16 id;
  VpcThriftType type;
  gboolean have_groups = FALSE;
  while (vpc_thrift_field (&t, &id, &type))
    if (id == 2)
      {
        if (!parse_schema (pq, &t, type, error))
          return FALSE;
      }
    else if (id == 3)
      num_rows = vpc_thrift_i64 (&t, type);
    else if (id == 4 && pq->columns != NULL && !have_groups)
      {
        have_groups = TRUE;
        VpcThriftType elem;
        guint32 n = vpc_thrift_list (&t, type, &elem);
        if (t.failed || (n > 0 && elem != VPC_THRIFT_STRUCT))
          break;
        pq->groups = g_new0 (PqRowGroup, n);
        pq->n_groups = n;
        for (guint32 i = 0; i < n; i++)
          if (!parse_row_group (pq, &t, &pq->groups[i], i, error))
            return FALSE;
      }
    else if (id == 4)
      return pq_error (pq, error, "footer: row groups before the schema");
    else
      vpc_thrift_skip (&t, type);
  if (t.failed)
    return pq_error (pq, error, "footer: %s", t.why);
  if (pq->columns == NULL)
    return pq_error (pq, error, "footer: no schema");
  guint64 sum = 0;
  for (guint i = 0; i < pq->n_groups; i++)
    sum += (guint64) pq->groups[i].num_rows;
  if (num_rows < 0 || sum != (guint64) num_rows)
    return pq_error (pq, error, "footer: %" G_GINT64_FORMAT " rows, but the row groups hold %" G_GUINT64_FORMAT,
                     num_rows, sum);
  pq->num_rows = sum;
  return TRUE;
}

static VpcParquet *
pq_open (VpcParquet *pq_owned, GError **error)
{
  g_autoptr (VpcParquet) pq = pq_owned;
  guint8 head[4], tail[8];
  if (pq->size < 12)
    {
      pq_error (pq, error, "file of %" G_GINT64_FORMAT " bytes is too short", pq->size);
      return NULL;
    }
  if (!vpc_parquet_read_at (pq, 0, 4, head, error) || !vpc_parquet_read_at (pq, pq->size - 8, 8, tail, error))
    return NULL;
  if (memcmp (head, VPC_PARQUET_MAGIC, 4) != 0)
    {
      pq_error (pq, error, "bad magic (not a Parquet file)");
      return NULL;
    }
  if (memcmp (tail + 4, "PARE", 4) == 0)
    {
      pq_error (pq, error, "encrypted footers are not supported");
      return NULL;
    }
  if (memcmp (tail + 4, VPC_PARQUET_MAGIC, 4) != 0)
    {
      pq_error (pq, error, "bad magic at the end (truncated?)");
      return NULL;
    }
  guint32 footer_len = (guint32) tail[0] | (guint32) tail[1] << 8 | (guint32) tail[2] << 16
                       | (guint32) tail[3] << 24;
  if (footer_len == 0 || footer_len > (guint64) pq->size - 12 || footer_len > MAX_FOOTER)
    {
      pq_error (pq, error, "bad footer length %u for a file of %" G_GINT64_FORMAT " bytes",
                footer_len, pq->size);
      return NULL;
    }
  g_autofree guint8 *footer = g_malloc (footer_len);
  if (!vpc_parquet_read_at (pq, pq->size - 8 - footer_len, footer_len, footer, error)
      || !parse_footer (pq, footer, footer_len, error))
    return NULL;
  /* Chunks lie before the footer. */
  gint64 data_end = pq->size - 8 - footer_len;
  for (guint g = 0; g < pq->n_groups; g++)
    for (guint i = 0; i < pq->n_columns; i++)
      if (pq->groups[g].chunks[i].start + pq->groups[g].chunks[i].size > data_end)
        {
          pq_error (pq, error, "row group %u, column %s: column chunk overlaps the footer", g,
                    pq->columns[i].name);
          return NULL;
        }
  return g_steal_pointer (&pq);
}

VpcParquet *
vpc_parquet_open (int fd, const char *name, GError **error)
{
  struct stat st;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", name, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                   "%s: Parquet needs a regular file (its footer is at the end): "
                   "save it to a file first",
                   name);
      return NULL;
    }
  VpcParquet *pq = g_new0 (VpcParquet, 1);
  pq->fd = fd;
  pq->size = st.st_size;
  pq->name = g_strdup (name);
  return pq_open (pq, error);
}

VpcParquet *
vpc_parquet_open_memory (const guint8 *data, gsize len, const char *name, GError **error)
{
  VpcParquet *pq = g_new0 (VpcParquet, 1);
  pq->fd = -1;
  pq->memory = data;
  pq->size = (gint64) MIN (len, (gsize) G_MAXINT64);
  pq->name = g_strdup (name);
  return pq_open (pq, error);
}

guint64
vpc_parquet_get_num_rows (const VpcParquet *pq)
{
  return pq->num_rows;
}

/* ---- columns ---- */

void
vpc_parquet_cursor_clear (VpcParquet *pq, PqCursor *c)
{
  pq->live -= c->held;
  g_free (c->raw);
  g_free (c->page);
  if (c->dict_text != NULL)
    g_string_free (c->dict_text, TRUE);
  if (c->dict_ends != NULL)
    g_array_unref (c->dict_ends);
  g_free (c->lengths);
  g_free (c->prefixes);
  if (c->previous != NULL)
    g_byte_array_unref (c->previous);
  *c = (PqCursor){ 0 };
}

static void
group_close (VpcParquet *pq)
{
  if (pq->cursors != NULL)
    for (guint i = 0; i < pq->n_columns; i++)
      vpc_parquet_cursor_clear (pq, &pq->cursors[i]);
  g_clear_pointer (&pq->cursors, g_free);
  pq->group_open = FALSE;
}

void
vpc_parquet_free (VpcParquet *pq)
{
  if (pq == NULL)
    return;
  group_close (pq);
  for (guint i = 0; i < pq->n_columns; i++)
    g_free (pq->columns[i].name);
  g_free (pq->columns);
  for (guint i = 0; i < pq->n_groups; i++)
    g_free (pq->groups[i].chunks);
  g_free (pq->groups);
  g_free (pq->inflate);
  g_free (pq->name);
  g_free (pq);
}

/* A value as text: bytes that would break the line become '_', an empty
 * string "-" (what AWS writes for an absent value). */
void
vpc_parquet_append_bytes (GString *out, const guint8 *data, gsize len)
{
  if (len == 0)
    {
      g_string_append_c (out, '-');
      return;
    }
  gsize at = out->len;
  g_string_append_len (out, (const char *) data, (gssize) len);
  for (char *s = out->str + at; s < out->str + out->len; s++)
    if ((guchar) *s <= ' ' || *s == 0x7f)
      *s = '_';
}

static void
append_decimal (GString *out, guint64 u, gboolean negative)
{
  char buf[24];
  char *end = buf + sizeof buf, *p = end;
  do
    *--p = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (negative)
    *--p = '-';
  g_string_append_len (out, p, end - p);
}

void
vpc_parquet_append_int (GString *out, gint64 value)
{
  append_decimal (out, value < 0 ? -(guint64) value : (guint64) value, value < 0);
}

void
vpc_parquet_append_uint (GString *out, guint64 value)
{
  append_decimal (out, value, FALSE);
}


/* ---- rows ---- */

/* Open the next row group with rows; FALSE at the end of the file. */
static gboolean
group_open (VpcParquet *pq)
{
  group_close (pq);
  while (pq->group < pq->n_groups && pq->groups[pq->group].num_rows == 0)
    pq->group++;
  if (pq->group >= pq->n_groups)
    return FALSE;
  PqRowGroup *group = &pq->groups[pq->group];
  pq->cursors = g_new0 (PqCursor, pq->n_columns);
  for (guint i = 0; i < pq->n_columns; i++)
    {
      PqCursor *c = &pq->cursors[i];
      c->column = &pq->columns[i];
      c->chunk = &group->chunks[i];
      c->pos = c->chunk->start;
      c->end = c->chunk->start + c->chunk->size;
      c->rows_left = group->num_rows;
    }
  pq->rows_left = group->num_rows;
  pq->group_open = TRUE;
  return TRUE;
}

gboolean
vpc_parquet_read_lines (VpcParquet *pq, GString *out, gsize max_bytes, GError **error)
{
  gsize start = out->len;
  if (!pq->header_done)
    {
      for (guint i = 0; i < pq->n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, pq->columns[i].name);
        }
      g_string_append_c (out, '\n');
      pq->header_done = TRUE;
    }
  while (out->len - start < max_bytes)
    {
      if (!pq->group_open || pq->rows_left == 0)
        {
          if (pq->group_open)
            pq->group++;
          if (!group_open (pq))
            {
              if (out->len > start)
                return TRUE;
              g_set_error (error, VPC_ERROR, VPC_ERROR_EOF, "%s: end of Parquet file", pq->name);
              return FALSE;
            }
        }
      gsize line = out->len;
      for (guint i = 0; i < pq->n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          if (!vpc_parquet_cursor_value (pq, &pq->cursors[i], out, error))
            {
              g_string_truncate (out, line);
              pq->group = pq->n_groups; /* no more after an error */
              group_close (pq);
              return FALSE;
            }
        }
      g_string_append_c (out, '\n');
      pq->rows_left--;
    }
  return TRUE;
}
