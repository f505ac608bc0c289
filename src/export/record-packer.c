/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record packer: in-memory records to IPFIX / NetFlow v9 data records, by a list of steps per template. */
#include "config.h"

#include "record-packer.h"

struct VpcPacker {
  GArray *steps;      /* VpcPackStep */
  gsize fixed_length; /* bytes of the fixed steps */
  GArray *varfields;  /* guint32: offsets of the VARFIELD steps' members */
};

VpcPacker *
vpc_packer_new (void)
{
  VpcPacker *packer = g_new0 (VpcPacker, 1);
  packer->steps = g_array_new (FALSE, FALSE, sizeof (VpcPackStep));
  packer->varfields = g_array_new (FALSE, FALSE, sizeof (guint32));
  return packer;
}

void
vpc_packer_free (VpcPacker *packer)
{
  if (packer == NULL)
    return;
  g_array_unref (packer->steps);
  g_array_unref (packer->varfields);
  g_free (packer);
}

void
vpc_packer_add (VpcPacker *packer, VpcPackKind kind, gsize offset, guint16 length)
{
  static const guint16 fixed[] = {
    [VPC_PACK_U8] = 1, [VPC_PACK_U16] = 2, [VPC_PACK_U32] = 4, [VPC_PACK_U64] = 8,
    [VPC_PACK_U32_AS_U16] = 2,
  };
  g_assert (offset <= G_MAXUINT32);
  VpcPackStep step = { .offset = (guint32) offset, .kind = (guint8) kind };
  switch (kind)
    {
    case VPC_PACK_BYTES:
    case VPC_PACK_ZERO:
      step.length = length;
      break;
    case VPC_PACK_VARFIELD:
      {
        guint32 at = (guint32) offset;
        g_array_append_val (packer->varfields, at);
      }
      break;
    default:
      step.length = fixed[kind];
      break;
    }
  packer->fixed_length += step.length;
  g_array_append_val (packer->steps, step);
}

gboolean
vpc_packer_add_element (VpcPacker *packer, const fbInfoElement_t *ie, gsize offset)
{
  if (ie->len == FB_IE_VARLEN)
    {
      if (ie->type != FB_STRING && ie->type != FB_OCTET_ARRAY)
        return FALSE; /* lists: libfixbuf's business */
      vpc_packer_add (packer, VPC_PACK_VARFIELD, offset, 0);
      return TRUE;
    }
  /* libfixbuf swaps the bytes of the elements flagged FB_IE_F_ENDIAN
   * (integers, times, IPv4 addresses) and copies the others. */
  if (!(ie->flags & FB_IE_F_ENDIAN))
    {
      vpc_packer_add (packer, VPC_PACK_BYTES, offset, ie->len);
      return TRUE;
    }
  switch (ie->len)
    {
    case 1: vpc_packer_add (packer, VPC_PACK_U8, offset, 1); return TRUE;
    case 2: vpc_packer_add (packer, VPC_PACK_U16, offset, 2); return TRUE;
    case 4: vpc_packer_add (packer, VPC_PACK_U32, offset, 4); return TRUE;
    case 8: vpc_packer_add (packer, VPC_PACK_U64, offset, 8); return TRUE;
    default: return FALSE;
    }
}

gsize
vpc_packer_get_fixed_length (const VpcPacker *packer)
{
  return packer->fixed_length;
}

gsize
vpc_packer_record_length (const VpcPacker *packer, const void *record)
{
  gsize len = packer->fixed_length;
  const guint32 *at = (const guint32 *) (gpointer) packer->varfields->data;
  for (guint i = 0; i < packer->varfields->len; i++)
    {
      const fbVarfield_t *v = (const fbVarfield_t *) ((const guint8 *) record + at[i]);
      len += v->len + (v->len < 255 ? 1 : 3);
    }
  return len;
}

guint8 *
vpc_packer_pack (const VpcPacker *packer, const void *record, guint8 *out)
{
  const guint8 *base = record;
  const VpcPackStep *step = (const VpcPackStep *) (gpointer) packer->steps->data;
  const VpcPackStep *end = step + packer->steps->len;
  for (; step < end; step++)
    {
      const guint8 *src = base + step->offset;
      switch ((VpcPackKind) step->kind)
        {
        case VPC_PACK_U8:
          *out++ = *src;
          break;
        case VPC_PACK_U16:
          {
            guint16 v;
            memcpy (&v, src, 2);
            vpc_pack_put16 (out, v);
            out += 2;
          }
          break;
        case VPC_PACK_U32:
          {
            guint32 v;
            memcpy (&v, src, 4);
            vpc_pack_put32 (out, v);
            out += 4;
          }
          break;
        case VPC_PACK_U64:
          {
            guint64 v;
            memcpy (&v, src, 8);
            vpc_pack_put64 (out, v);
            out += 8;
          }
          break;
        case VPC_PACK_U32_AS_U16:
          {
            guint32 v;
            memcpy (&v, src, 4);
            vpc_pack_put16 (out, (guint16) v);
            out += 2;
          }
          break;
        case VPC_PACK_BYTES:
          memcpy (out, src, step->length);
          out += step->length;
          break;
        case VPC_PACK_ZERO:
          memset (out, 0, step->length);
          out += step->length;
          break;
        case VPC_PACK_VARFIELD:
          {
            const fbVarfield_t *v = (const fbVarfield_t *) (gconstpointer) src;
            if (v->len < 255)
              *out++ = (guint8) v->len;
            else
              {
                *out++ = 255;
                vpc_pack_put16 (out, (guint16) v->len);
                out += 2;
              }
            if (v->len > 0)
              memcpy (out, v->buf, v->len);
            out += v->len;
          }
          break;
        }
    }
  return out;
}

/* The packer of the records of template tmpl, whose elements are those of
 * mask in the element table's order: the table gives each one's place in
 * VpcFlow, the template its type. */
VpcPacker *
vpc_flow_packer_new (fbTemplate_t *tmpl, guint64 mask, GError **error)
{
  const VpcElementSpec *elements = vpc_mapper_elements ();
  g_autoptr (VpcPacker) packer = vpc_packer_new ();
  guint32 n = 0;
  for (guint i = 0; i < VPC_EL_COUNT; i++)
    {
      if (!(mask & (G_GUINT64_CONSTANT (1) << i)))
        continue;
      /* The element, then those that follow it under the same bit
       * (VpcElementSpec.more), each the next member of its length. */
      gsize offset = elements[i].offset;
      const char *const *more = elements[i].more;
      for (const char *name = elements[i].name; name != NULL;
           name = more != NULL ? *more++ : NULL, offset += elements[i].length)
        {
          const fbInfoElement_t *ie = fbTemplateGetIndexedIE (tmpl, n++);
          if (ie == NULL || ie->len != elements[i].length
              || !vpc_packer_add_element (packer, ie, offset))
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_IPFIX,
                           "element %s: no record packer for its type", name);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&packer);
}
