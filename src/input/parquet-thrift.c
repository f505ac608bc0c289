/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parquet reader: the Thrift compact protocol decoder for the footer and the page headers, bounds-checked. */
#include "config.h"

#include "parquet-private.h"

static void
thrift_fail (VpcThrift *t, const char *why)
{
  if (!t->failed)
    t->why = why;
  t->failed = TRUE;
  t->p = t->end;
}

void
vpc_thrift_init (VpcThrift *t, const guint8 *data, gsize len)
{
  *t = (VpcThrift){ .p = data, .end = data + len };
}

guint64
vpc_thrift_varint (VpcThrift *t)
{
  guint64 value = 0;
  for (guint shift = 0; shift < 64; shift += 7)
    {
      if (t->p >= t->end)
        {
          thrift_fail (t, "truncated");
          return 0;
        }
      guint8 byte = *t->p++;
      value |= (guint64) (byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
  thrift_fail (t, "varint longer than 10 bytes");
  return 0;
}

gint64
vpc_thrift_zigzag (VpcThrift *t)
{
  guint64 u = vpc_thrift_varint (t);
  return (gint64) (u >> 1) ^ -(gint64) (u & 1);
}

void
vpc_thrift_struct_begin (VpcThrift *t)
{
  if (t->depth >= VPC_THRIFT_MAX_DEPTH)
    {
      thrift_fail (t, "structures nested too deep");
      return;
    }
  t->depth++;
  t->last_field[t->depth] = 0;
}

void
vpc_thrift_struct_end (VpcThrift *t)
{
  if (t->depth > 0)
    t->depth--;
}

gboolean
vpc_thrift_field (VpcThrift *t, gint16 *id, VpcThriftType *type)
{
  if (t->failed)
    return FALSE;
  if (t->p >= t->end)
    {
      thrift_fail (t, "truncated");
      return FALSE;
    }
  guint8 byte = *t->p++;
  if (byte == 0)
    return FALSE;
  *type = (VpcThriftType) (byte & 0x0f);
  guint delta = byte >> 4;
  if (delta != 0)
    *id = (gint16) (t->last_field[t->depth] + delta);
  else
    {
      gint64 raw = vpc_thrift_zigzag (t);
      if (raw < G_MININT16 || raw > G_MAXINT16)
        {
          thrift_fail (t, "field id out of range");
          return FALSE;
        }
      *id = (gint16) raw;
    }
  if (*type == VPC_THRIFT_STOP || *type > VPC_THRIFT_STRUCT)
    {
      thrift_fail (t, "unknown field type");
      return FALSE;
    }
  t->last_field[t->depth] = *id;
  return !t->failed;
}

gint32
vpc_thrift_i32 (VpcThrift *t, VpcThriftType type)
{
  if (type != VPC_THRIFT_I32 && type != VPC_THRIFT_I16 && type != VPC_THRIFT_BYTE)
    {
      thrift_fail (t, "a field has the wrong type");
      return 0;
    }
  if (type == VPC_THRIFT_BYTE)
    {
      if (t->p >= t->end)
        {
          thrift_fail (t, "truncated");
          return 0;
        }
      return (gint8) *t->p++;
    }
  gint64 v = vpc_thrift_zigzag (t);
  if (v < G_MININT32 || v > G_MAXINT32)
    {
      thrift_fail (t, "i32 out of range");
      return 0;
    }
  return (gint32) v;
}

gint64
vpc_thrift_i64 (VpcThrift *t, VpcThriftType type)
{
  if (type == VPC_THRIFT_I64)
    return vpc_thrift_zigzag (t);
  return vpc_thrift_i32 (t, type);
}

gboolean
vpc_thrift_bool (VpcThrift *t, VpcThriftType type)
{
  if (type != VPC_THRIFT_TRUE && type != VPC_THRIFT_FALSE)
    thrift_fail (t, "a field has the wrong type");
  return type == VPC_THRIFT_TRUE;
}

const guint8 *
vpc_thrift_binary (VpcThrift *t, VpcThriftType type, gsize *len)
{
  *len = 0;
  if (type != VPC_THRIFT_BINARY)
    {
      thrift_fail (t, "a field has the wrong type");
      return NULL;
    }
  guint64 n = vpc_thrift_varint (t);
  if (t->failed)
    return NULL;
  if (n > (guint64) (t->end - t->p))
    {
      thrift_fail (t, "a string runs past the end");
      return NULL;
    }
  const guint8 *data = t->p;
  t->p += n;
  *len = (gsize) n;
  return data;
}

guint32
vpc_thrift_list (VpcThrift *t, VpcThriftType type, VpcThriftType *elem_type)
{
  *elem_type = VPC_THRIFT_STOP;
  if (type != VPC_THRIFT_LIST && type != VPC_THRIFT_SET)
    {
      thrift_fail (t, "a field has the wrong type");
      return 0;
    }
  if (t->p >= t->end)
    {
      thrift_fail (t, "truncated");
      return 0;
    }
  guint8 byte = *t->p++;
  guint64 n = byte >> 4;
  if (n == 15)
    n = vpc_thrift_varint (t);
  *elem_type = (VpcThriftType) (byte & 0x0f);
  /* Every element takes at least one byte, except booleans in a list
   * (one byte each too in the compact protocol). */
  if (!t->failed && n > (guint64) (t->end - t->p))
    {
      thrift_fail (t, "a list is longer than the bytes left");
      return 0;
    }
  if (n > 0 && (*elem_type == VPC_THRIFT_STOP || *elem_type > VPC_THRIFT_STRUCT))
    {
      thrift_fail (t, "unknown list element type");
      return 0;
    }
  return t->failed ? 0 : (guint32) n;
}

static void
thrift_skip_bytes (VpcThrift *t, gsize n)
{
  if (n > (gsize) (t->end - t->p))
    thrift_fail (t, "truncated");
  else
    t->p += n;
}

void
vpc_thrift_skip (VpcThrift *t, VpcThriftType type)
{
  if (t->failed)
    return;
  switch (type)
    {
    case VPC_THRIFT_TRUE:
    case VPC_THRIFT_FALSE:
      return;
    case VPC_THRIFT_BYTE:
      thrift_skip_bytes (t, 1);
      return;
    case VPC_THRIFT_I16:
    case VPC_THRIFT_I32:
    case VPC_THRIFT_I64:
      vpc_thrift_varint (t);
      return;
    case VPC_THRIFT_DOUBLE:
      thrift_skip_bytes (t, 8);
      return;
    case VPC_THRIFT_BINARY:
      {
        gsize len;
        vpc_thrift_binary (t, type, &len);
        return;
      }
    case VPC_THRIFT_LIST:
    case VPC_THRIFT_SET:
      {
        VpcThriftType elem;
        guint32 n = vpc_thrift_list (t, type, &elem);
        if (t->depth >= VPC_THRIFT_MAX_DEPTH)
          {
            thrift_fail (t, "structures nested too deep");
            return;
          }
        t->depth++;
        for (guint32 i = 0; i < n && !t->failed; i++)
          if (elem == VPC_THRIFT_TRUE || elem == VPC_THRIFT_FALSE)
            thrift_skip_bytes (t, 1); /* a boolean element is a byte */
          else
            vpc_thrift_skip (t, elem);
        t->depth--;
        return;
      }
    case VPC_THRIFT_MAP:
      {
        guint64 n = vpc_thrift_varint (t);
        if (n == 0 || t->failed)
          return;
        if (n > (guint64) (t->end - t->p))
          {
            thrift_fail (t, "a map is longer than the bytes left");
            return;
          }
        if (t->p >= t->end)
          {
            thrift_fail (t, "truncated");
            return;
          }
        guint8 kv = *t->p++;
        VpcThriftType key = (VpcThriftType) (kv >> 4), value = (VpcThriftType) (kv & 0x0f);
        if (key == VPC_THRIFT_STOP || key > VPC_THRIFT_STRUCT || value == VPC_THRIFT_STOP
            || value > VPC_THRIFT_STRUCT)
          {
            thrift_fail (t, "unknown map element type");
            return;
          }
        if (t->depth >= VPC_THRIFT_MAX_DEPTH)
          {
            thrift_fail (t, "structures nested too deep");
            return;
          }
        t->depth++;
        for (guint64 i = 0; i < n && !t->failed; i++)
          {
            if (key == VPC_THRIFT_TRUE || key == VPC_THRIFT_FALSE)
              thrift_skip_bytes (t, 1);
            else
              vpc_thrift_skip (t, key);
            if (value == VPC_THRIFT_TRUE || value == VPC_THRIFT_FALSE)
              thrift_skip_bytes (t, 1);
            else
              vpc_thrift_skip (t, value);
          }
        t->depth--;
        return;
      }
    case VPC_THRIFT_STRUCT:
      {
        vpc_thrift_struct_begin (t);
        gint16 id;
        VpcThriftType ft;
        while (vpc_thrift_field (t, &id, &ft))
          vpc_thrift_skip (t, ft);
        vpc_thrift_struct_end (t);
        return;
      }
    case VPC_THRIFT_STOP:
    default:
      thrift_fail (t, "unknown field type");
      return;
    }
}
