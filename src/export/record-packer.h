/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Data records packed by hand from an in-memory record (VpcFlow): one encoder for IPFIX and NetFlow v9 data sets. */
#pragma once

#include <fixbuf/public.h>
#include <glib.h>
#include <string.h>

#include "flow/mapper.h"

G_BEGIN_DECLS

/* IPFIX (RFC 7011) and NetFlow v9 (RFC 3954) data sets hold records laid
 * out alike: each field in template order, integers in network order,
 * addresses and octet arrays as they are, IPFIX variable-length strings
 * with a 1-byte length (3 bytes from 255 up).  A packer is the list of
 * steps turning one in-memory record into those bytes, built once per
 * template; packing a record is then a loop over the steps (libfixbuf's
 * fBufAppend() recomputes the offsets of the internal template, with a
 * malloc and a free, for every record whose template has a
 * variable-length field: see README "Why data records are packed by
 * hand"). */

typedef enum {
  VPC_PACK_U8,         /* guint8 */
  VPC_PACK_U16,        /* guint16, host order -> 2 bytes big-endian */
  VPC_PACK_U32,        /* guint32 -> 4 bytes big-endian */
  VPC_PACK_U64,        /* guint64 -> 8 bytes big-endian */
  VPC_PACK_U32_AS_U16, /* guint32 -> its low 16 bits, 2 bytes big-endian */
  VPC_PACK_BYTES,      /* length bytes as they are (IPv6 addresses, octet arrays) */
  VPC_PACK_VARFIELD,   /* fbVarfield_t -> IPFIX variable-length encoding */
  VPC_PACK_ZERO,       /* length zero bytes (filled in later by the caller) */
} VpcPackKind;

typedef struct {
  guint32 offset;  /* of the member in the in-memory record */
  guint16 length;  /* bytes written (fixed kinds) */
  guint8 kind;     /* VpcPackKind */
} VpcPackStep;

typedef struct VpcPacker VpcPacker;

VpcPacker *vpc_packer_new (void);
void vpc_packer_free (VpcPacker *packer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcPacker, vpc_packer_free)

/* Append a step: the member at offset, of kind; length is the size
 * written for BYTES and ZERO (ignored otherwise). */
void vpc_packer_add (VpcPacker *packer, VpcPackKind kind, gsize offset, guint16 length);

/* The step for an IPFIX element ie (from a template) whose value is the
 * member at offset, stored as libfixbuf stores it in an internal record
 * of the same length (FB_IE_VARLEN: an fbVarfield_t).  FALSE for a length
 * or type this packer does not write (then libfixbuf must). */
gboolean vpc_packer_add_element (VpcPacker *packer, const fbInfoElement_t *ie, gsize offset);

/* Bytes of the fixed steps. */
gsize vpc_packer_get_fixed_length (const VpcPacker *packer);

/* The packed length of record. */
gsize vpc_packer_record_length (const VpcPacker *packer, const void *record);

/* Write record at out (vpc_packer_record_length() bytes); returns the end. */
guint8 *vpc_packer_pack (const VpcPacker *packer, const void *record, guint8 *out);

/* The packer of the records of the external flow template tmpl, made by
 * vpc_flow_template_new() for mask: each element of mask, and those that
 * follow it under its bit, from its member of VpcFlow. */
VpcPacker *vpc_flow_packer_new (fbTemplate_t *tmpl, guint64 mask, GError **error);

/* Big-endian stores. */
static inline void
vpc_pack_put16 (guint8 *at, guint16 v)
{
  v = GUINT16_TO_BE (v);
  memcpy (at, &v, sizeof v);
}

static inline void
vpc_pack_put32 (guint8 *at, guint32 v)
{
  v = GUINT32_TO_BE (v);
  memcpy (at, &v, sizeof v);
}

static inline void
vpc_pack_put64 (guint8 *at, guint64 v)
{
  v = GUINT64_TO_BE (v);
  memcpy (at, &v, sizeof v);
}

G_END_DECLS
