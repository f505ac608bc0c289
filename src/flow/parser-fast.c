/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parser's one-pass value readers: the integers, times, addresses and keywords AWS writes most. */
#include "config.h"

#include "parser-fast.h"

#include <string.h>

/* The end of a token at p: end or a space. */
static inline gboolean
token_ends (const char *p, const char *end)
{
  return p == end || *p == ' ';
}

static inline int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char) (c | 0x20);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* An IPv6 address of hexadecimal groups with at most one "::" (RFC 4291
 * 2.2 forms 1 and 2) at p, up to a space or end: its end, or NULL for
 * anything else (the dotted-quad tail of form 3 included), which
 * inet_pton() then judges. */
__attribute__ ((noinline)) static const char *
parse_ipv6_fast (const char *p, const char *end, guint8 *out)
{
  guint16 groups[8];
  int n = 0, gap = -1;
  if (*p == ':')
    {
      if (end - p < 2 || p[1] != ':')
        return NULL;
      gap = 0;
      p += 2;
      if (token_ends (p, end))
        goto done;
    }
  for (;;)
    {
      unsigned v = 0;
      int digits = 0, h;
      while (p < end && (h = hex_value (*p)) >= 0)
        {
          if (++digits > 4)
            return NULL;
          v = v << 4 | (unsigned) h;
          p++;
        }
      if (digits == 0 || n == 8)
        return NULL;
      groups[n++] = (guint16) v;
      if (token_ends (p, end))
        break;
      if (*p != ':')
        return NULL;
      p++;
      if (p < end && *p == ':')
        {
          if (gap >= 0)
            return NULL;
          gap = n;
          p++;
          if (token_ends (p, end))
            break;
        }
      else if (token_ends (p, end))
        return NULL;
    }
done:
  if (gap < 0 ? n != 8 : n > 7)
    return NULL;
  int zeros = 8 - n, j = 0;
  for (int i = 0; i < n; i++)
    {
      if (i == gap)
        for (int z = 0; z < zeros; z++, j++)
          out[2 * j] = out[2 * j + 1] = 0;
      out[2 * j] = (guint8) (groups[i] >> 8);
      out[2 * j + 1] = (guint8) groups[i];
      j++;
    }
  if (gap == n)
    for (; j < 8; j++)
      out[2 * j] = out[2 * j + 1] = 0;
  return p;
}

/* A dotted-quad IPv4 address at p (four decimal octets of 1 to 3 digits,
 * no leading zero), up to a space or end: its end, or NULL. */
static inline const char *
parse_ipv4_fast (const char *p, const char *end, guint8 *out)
{
  for (int i = 0; i < 4; i++)
    {
      if (p == end)
        return NULL;
      unsigned v = (unsigned) (unsigned char) *p - '0', d;
      if (v > 9)
        return NULL;
      p++;
      if (p < end && (d = (unsigned) (unsigned char) *p - '0') <= 9)
        {
          if (v == 0)
            return NULL;
          v = v * 10 + d;
          p++;
          if (p < end && (d = (unsigned) (unsigned char) *p - '0') <= 9)
            {
              v = v * 10 + d;
              p++;
              if (v > 255)
                return NULL;
            }
        }
      out[i] = (guint8) v;
      if (i < 3)
        {
          if (p == end || *p != '.')
            return NULL;
          p++;
        }
    }
  return token_ends (p, end) ? p : NULL;
}

/* Parse the value of field id starting at tok in one pass, for the
 * values AWS writes most: decimal integers and times of up to 19 digits,
 * dotted-quad IPv4 addresses, strings, the keywords as AWS spells them.
 * Returns the end of the token, or NULL when parse_value() must decide
 * (anything else, and every error: nothing is stored then but what
 * parse_value() overwrites). */
const char *
vpc_parse_value_fast (VpcFieldId id, const char *tok, const char *end, VpcRecord *record)
{
  const VpcFieldInfo *info = vpc_field_info (id);
  VpcValue *value = &record->value[id];
  const char *p = tok;
  switch (info->type)
    {
    case VPC_TYPE_UINT:
    case VPC_TYPE_TIME:
      {
        guint64 v = 0;
        const char *limit = end - tok > 19 ? tok + 19 : end;
        unsigned d;
        while (p < limit && (d = (unsigned) (unsigned char) *p - '0') <= 9)
          {
            v = v * 10 + d;
            p++;
          }
        if (p == tok || !token_ends (p, end))
          return NULL;
        if (info->type == VPC_TYPE_TIME)
          {
            if (v < G_GUINT64_CONSTANT (100000000000))
              v *= 1000;
          }
        else if (v > info->max)
          return NULL;
        value->u = v;
        break;
      }
    case VPC_TYPE_ADDR:
      {
        const char *after = parse_ipv4_fast (p, end, value->addr.bytes);
        if (after != NULL)
          value->addr.family = 4;
        else if ((after = parse_ipv6_fast (p, end, value->addr.bytes)) != NULL)
          value->addr.family = 6;
        else
          return NULL;
        p = after;
        break;
      }
    case VPC_TYPE_ACTION:
      /* As AWS writes them; other spellings through parse_value(). */
      if (end - p >= 6 && token_ends (p + 6, end))
        {
          if (memcmp (p, "ACCEPT", 6) == 0)
            value->u = VPC_ACTION_ACCEPT;
          else if (memcmp (p, "REJECT", 6) == 0)
            value->u = VPC_ACTION_REJECT;
          else
            return NULL;
          p += 6;
          break;
        }
      return NULL;
    case VPC_TYPE_DIRECTION:
      if (end - p >= 6 && token_ends (p + 6, end) && memcmp (p, "egress", 6) == 0)
        {
          value->u = VPC_DIRECTION_EGRESS;
          p += 6;
          break;
        }
      if (end - p >= 7 && token_ends (p + 7, end) && memcmp (p, "ingress", 7) == 0)
        {
          value->u = VPC_DIRECTION_INGRESS;
          p += 7;
          break;
        }
      return NULL;
    case VPC_TYPE_TRAFFIC_TYPE:
      if (end - p >= 4 && token_ends (p + 4, end) && p[0] == 'I' && p[1] == 'P' && p[2] == 'v'
          && (p[3] == '4' || p[3] == '6'))
        {
          value->u = p[3] == '4' ? 4 : 6;
          record->traffic_type_text.ptr = p;
          record->traffic_type_text.len = 4;
          p += 4;
          break;
        }
      return NULL;
    case VPC_TYPE_LOG_STATUS:
      if (end - p >= 2 && p[0] == 'O' && p[1] == 'K' && token_ends (p + 2, end))
        {
          value->u = VPC_STATUS_OK;
          p += 2;
          break;
        }
      return NULL;
    case VPC_TYPE_STRING:
      {
        const char *sp = memchr (p, ' ', (gsize) (end - p));
        p = sp != NULL ? sp : end;
        value->text.ptr = tok;
        value->text.len = (gsize) (p - tok);
        break;
      }
    }
  record->present |= G_GUINT64_CONSTANT (1) << id;
  return p;
}
