/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the Parquet reader: the Thrift compact protocol decoder and the value encodings (unit-tested on their own). */
#pragma once

#include <glib.h>

#include "parquet.h"

G_BEGIN_DECLS

/* ---- Thrift compact protocol (parquet-thrift.c) ---- */

typedef enum {
  VPC_THRIFT_STOP = 0,
  VPC_THRIFT_TRUE = 1,
  VPC_THRIFT_FALSE = 2,
  VPC_THRIFT_BYTE = 3,
  VPC_THRIFT_I16 = 4,
  VPC_THRIFT_I32 = 5,
  VPC_THRIFT_I64 = 6,
  VPC_THRIFT_DOUBLE = 7,
  VPC_THRIFT_BINARY = 8,
  VPC_THRIFT_LIST = 9,
  VPC_THRIFT_SET = 10,
  VPC_THRIFT_MAP = 11,
  VPC_THRIFT_STRUCT = 12,
} VpcThriftType;

#define VPC_THRIFT_MAX_DEPTH 16

/* A cursor over a buffer.  Reads past its end, or anything that does not
 * follow the protocol, set failed (and a reason) and return zeros: check
 * failed once after a structure. */
typedef struct {
  const guint8 *p, *end;
  gboolean failed;
  const char *why;
  int depth;
  gint16 last_field[VPC_THRIFT_MAX_DEPTH + 1];
} VpcThrift;

void vpc_thrift_init (VpcThrift *t, const guint8 *data, gsize len);
guint64 vpc_thrift_varint (VpcThrift *t);
gint64 vpc_thrift_zigzag (VpcThrift *t);
/* Enter a struct (resets the field ids); leave it after its STOP. */
void vpc_thrift_struct_begin (VpcThrift *t);
void vpc_thrift_struct_end (VpcThrift *t);
/* The next field of the current struct: FALSE at its STOP (or a failure). */
gboolean vpc_thrift_field (VpcThrift *t, gint16 *id, VpcThriftType *type);
gint32 vpc_thrift_i32 (VpcThrift *t, VpcThriftType type);
gint64 vpc_thrift_i64 (VpcThrift *t, VpcThriftType type);
gboolean vpc_thrift_bool (VpcThrift *t, VpcThriftType type);
/* A binary/string field: its bytes stay in the buffer. */
const guint8 *vpc_thrift_binary (VpcThrift *t, VpcThriftType type, gsize *len);
/* A list header: the element count (checked against the bytes left) and type. */
guint32 vpc_thrift_list (VpcThrift *t, VpcThriftType type, VpcThriftType *elem_type);
/* Skip a value of this type (nested to VPC_THRIFT_MAX_DEPTH). */
void vpc_thrift_skip (VpcThrift *t, VpcThriftType type);

/* ---- RLE / bit-packed hybrid (parquet-encodings.c) ---- */

typedef struct {
  const guint8 *p, *end;
  guint bit_width;
  guint32 rle_left;    /* values left in the current RLE run */
  guint32 rle_value;
  guint32 packed_left; /* values left in the current bit-packed run */
  guint64 bit_pos;     /* of the next packed value, from p */
  const guint8 *packed;
  gboolean failed;
} VpcRle;

/* bit_width 0..32. */
void vpc_rle_init (VpcRle *rle, const guint8 *data, gsize len, guint bit_width);
/* The next value; FALSE if the data ends or is invalid. */
gboolean vpc_rle_next (VpcRle *rle, guint32 *value);

/* ---- DELTA_BINARY_PACKED (parquet-encodings.c) ---- */

#define VPC_DELTA_MAX_BLOCK 4096 /* values per block we accept */

typedef struct {
  const guint8 *start, *p, *end;
  guint64 block_size, miniblocks, per_miniblock, total;
  guint64 returned;
  guint64 last;        /* as unsigned: deltas wrap like the writers' */
  guint64 min_delta;
  const guint8 *widths; /* of the current block's miniblocks */
  guint64 miniblock;    /* index in the block of the next miniblock */
  guint64 buffered, buffer_pos;
  guint64 buffer[VPC_DELTA_MAX_BLOCK];
  gboolean failed;
  const char *why;
} VpcDelta;

/* Read the header; FALSE (why set) if it is invalid. */
gboolean vpc_delta_init (VpcDelta *d, const guint8 *data, gsize len);
/* The next value; FALSE once total values were returned or on bad data. */
gboolean vpc_delta_next (VpcDelta *d, gint64 *value);
/* Read to the end of the values: where the bytes after them start (NULL,
 * failed set, if they are not all there). */
const guint8 *vpc_delta_skip_to_end (VpcDelta *d);


/* ---- the reader's state, shared by parquet.c and parquet-pages.c ---- */

#include <isa-l/igzip_lib.h>

/* Physical types, codecs, encodings and page types of parquet.thrift. */
enum { PQ_BOOLEAN, PQ_INT32, PQ_INT64, PQ_INT96, PQ_FLOAT, PQ_DOUBLE, PQ_BYTE_ARRAY, PQ_FIXED };
enum { PQ_UNCOMPRESSED, PQ_SNAPPY, PQ_GZIP, PQ_LZO, PQ_BROTLI, PQ_LZ4, PQ_ZSTD, PQ_LZ4_RAW };
enum {
  PQ_PLAIN = 0,
  PQ_PLAIN_DICTIONARY = 2,
  PQ_RLE = 3,
  PQ_DELTA_BINARY_PACKED = 5,
  PQ_DELTA_LENGTH_BYTE_ARRAY = 6,
  PQ_DELTA_BYTE_ARRAY = 7,
  PQ_RLE_DICTIONARY = 8,
};
enum { PQ_DATA_PAGE, PQ_INDEX_PAGE, PQ_DICTIONARY_PAGE, PQ_DATA_PAGE_V2 };
enum { PQ_REQUIRED, PQ_OPTIONAL, PQ_REPEATED };

/* Limits on what a file may claim (README "Inputs": memory). */
#define MAX_FOOTER (64u << 20)
#define MAX_PAGE (64u << 20)      /* uncompressed bytes of one page */
#define MAX_LIVE (256u << 20)     /* pages and dictionaries held at once, all columns */
#define MAX_PAGE_HEADER (16u << 20)
#define MAX_COLUMNS 4096
#define MAX_GROUP_ROWS G_MAXINT32


typedef struct {
  char *name;
  gint type;
  gboolean optional;
  gboolean is_unsigned; /* UINT_32 / UINT_64 (converted type or logical type) */
} PqColumn;

typedef struct {
  gint type, codec;
  gint64 start, size; /* the chunk's bytes in the file */
} PqChunk;

typedef struct {
  gint64 num_rows;
  PqChunk *chunks; /* one per column */
} PqRowGroup;

/* A column being read, one page at a time. */
typedef struct {
  const PqColumn *column;
  const PqChunk *chunk;
  gint64 pos, end;   /* file offsets: the next page header, the chunk's end */
  guint8 *raw;       /* a page as stored */
  guint8 *page;      /* a page decompressed */
  gsize held;        /* bytes of page and dictionary counted in VpcParquet.live */
  /* The dictionary, its values already as text. */
  gboolean has_dictionary;
  GString *dict_text;
  GArray *dict_ends; /* guint32: end of value i in dict_text */
  /* The data page being read. */
  gint64 values_left; /* entries (nulls included) */
  gint64 rows_left;   /* of the row group, for this column */
  gint encoding;
  gboolean has_def;
  VpcRle def;
  const guint8 *vp, *vend; /* PLAIN values, the data of the DELTA byte arrays */
  VpcRle index;
  VpcDelta *lengths, *prefixes;
  GByteArray *previous; /* DELTA_BYTE_ARRAY */
} PqCursor;

struct VpcParquet {
  int fd;
  const guint8 *memory;
  gint64 size;
  char *name;
  PqColumn *columns;
  guint n_columns;
  PqRowGroup *groups;
  guint n_groups;
  guint64 num_rows;
  gboolean header_done;
  guint group;          /* the row group being read (n_groups: done) */
  gboolean group_open;
  gint64 rows_left;
  PqCursor *cursors;
  struct inflate_state *inflate;
  gsize live; /* bytes the cursors hold (MAX_LIVE) */
};

/* parquet.c */
gboolean vpc_parquet_read_at (VpcParquet *pq, gint64 offset, gsize len, guint8 *buf, GError **error);
void vpc_parquet_append_bytes (GString *out, const guint8 *data, gsize len);
void vpc_parquet_append_int (GString *out, gint64 value);
void vpc_parquet_append_uint (GString *out, guint64 value);

/* parquet-pages.c: the next value of a column (a null as "-") appended to
 * out; an error names the file, the row group and the column. */
gboolean vpc_parquet_cursor_value (VpcParquet *pq, PqCursor *c, GString *out, GError **error);
void vpc_parquet_cursor_clear (VpcParquet *pq, PqCursor *c);

G_END_DECLS
