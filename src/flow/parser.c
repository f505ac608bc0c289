/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VPC Flow Log line parser: column maps from headers or --format, typed values. */
#include "config.h"

#include "parser.h"
#include "parser-header.h"

#include <arpa/inet.h>
#include <string.h>

struct VpcParser {
  const VpcDiag *diag;
  VpcFieldId base_columns[VPC_MAX_COLUMNS]; /* --format or default */
  guint n_base;
  VpcFieldId columns[VPC_MAX_COLUMNS];      /* in force for the current input */
  guint n_columns;
  GHashTable *warned_unknown;               /* lower-cased unknown names already reported */
  gboolean seen_line;                       /* a non-blank line of this input was fed */
};

static gboolean
parser_set_columns (VpcParser *parser, const char *text, gsize len, gboolean aws_syntax,
                    VpcFieldId *dest, guint *n_dest, GError **error)
{
  VpcFieldId columns[VPC_MAX_COLUMNS];
  char *unknown[VPC_MAX_COLUMNS] = { NULL };
  guint n = vpc_parse_field_list (text, len, aws_syntax, columns, unknown, error);

  for (guint i = 0; i < n; i++)
    {
      if (unknown[i] == NULL)
        continue;
      if (!g_hash_table_contains (parser->warned_unknown, unknown[i]))
        {
          vpc_diag_emit (parser->diag, "unknown field '%s' (column %u) is ignored", unknown[i],
                         i + 1);
          g_hash_table_add (parser->warned_unknown, unknown[i]);
        }
      else
        g_free (unknown[i]);
    }
  if (n == 0)
    return FALSE;
  memcpy (dest, columns, n * sizeof columns[0]);
  *n_dest = n;
  return TRUE;
}

VpcParser *
vpc_parser_new (const VpcDiag *diag)
{
  VpcParser *parser = g_new0 (VpcParser, 1);
  parser->diag = diag;
  parser->warned_unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  gboolean ok = parser_set_columns (parser, VPC_DEFAULT_FORMAT, strlen (VPC_DEFAULT_FORMAT),
                                    FALSE, parser->base_columns, &parser->n_base, &error);
  g_assert (ok);
  vpc_parser_begin_input (parser);
  return parser;
}

void
vpc_parser_free (VpcParser *parser)
{
  if (parser == NULL)
    return;
  g_hash_table_unref (parser->warned_unknown);
  g_free (parser);
}

/* A --format comes from the user: a name that is no field AWS writes is a
 * mistake (every line would then fail), not a column to ignore as in a
 * file's header.  Syntax errors are left to parser_set_columns(). */
static gboolean
format_names_known (const char *format, GError **error)
{
  VpcFieldId columns[VPC_MAX_COLUMNS];
  char *unknown[VPC_MAX_COLUMNS] = { NULL };
  guint n = vpc_parse_field_list (format, strlen (format), TRUE, columns, unknown, NULL);
  gboolean known = TRUE;
  for (guint i = 0; i < n; i++)
    {
      if (known && unknown[i] != NULL)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "--format: unknown field '%s' (column %u); the fields are listed in "
                       "vpc2ipfix(1)",
                       unknown[i], i + 1);
          known = FALSE;
        }
      g_free (unknown[i]);
    }
  return known;
}

gboolean
vpc_parser_set_format (VpcParser *parser, const char *format, GError **error)
{
  if (!format_names_known (format, error))
    return FALSE;
  if (!parser_set_columns (parser, format, strlen (format), TRUE, parser->base_columns,
                           &parser->n_base, error))
    {
      g_prefix_error (error, "--format: ");
      return FALSE;
    }
  vpc_parser_begin_input (parser);
  return TRUE;
}

void
vpc_parser_begin_input (VpcParser *parser)
{
  memcpy (parser->columns, parser->base_columns, parser->n_base * sizeof parser->columns[0]);
  parser->n_columns = parser->n_base;
  parser->seen_line = FALSE;
}

guint
vpc_parser_get_columns (const VpcParser *parser, const VpcFieldId **columns)
{
  *columns = parser->columns;
  return parser->n_columns;
}

/* ---- values ---- */

static gboolean
parse_uint (const char *s, gsize len, guint64 max, guint64 *out)
{
  if (len == 0 || len > 20)
    return FALSE;
  guint64 v = 0;
  /* 19 digits cannot overflow: the overflow check is for the 20th. */
  gsize short_len = MIN (len, 19);
  for (gsize i = 0; i < short_len; i++)
    {
      unsigned d = (unsigned char) s[i] - '0';
      if (d > 9)
        return FALSE;
      v = v * 10 + d;
    }
  if (len == 20)
    {
      unsigned d = (unsigned char) s[19] - '0';
      if (d > 9 || v > (G_MAXUINT64 - d) / 10)
        return FALSE;
      v = v * 10 + d;
    }
  if (v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_ipv4 (const char *s, gsize len, guint8 *out)
{
  const char *p = s, *end = s + len;
  for (int i = 0; i < 4; i++)
    {
      unsigned v = 0;
      const char *start = p;
      while (p < end && *p >= '0' && *p <= '9' && p - start < 3)
        v = v * 10 + (unsigned) (*p++ - '0');
      if (p == start || v > 255 || (p - start > 1 && *start == '0'))
        return FALSE;
      out[i] = (guint8) v;
      if (i < 3)
        {
          if (p == end || *p != '.')
            return FALSE;
          p++;
        }
    }
  return p == end;
}

static gboolean
parse_addr (const char *s, gsize len, VpcAddr *out)
{
  if (memchr (s, ':', len) == NULL)
    {
      out->family = 4;
      return parse_ipv4 (s, len, out->bytes);
    }
  char buf[INET6_ADDRSTRLEN + 1];
  if (len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  out->family = 6;
  return inet_pton (AF_INET6, buf, out->bytes) == 1;
}

/* Case-insensitive match of a token against an upper- or lower-case word;
 * the exact spelling AWS writes is checked first. */
static inline gboolean
word_is (const char *s, gsize len, const char *word)
{
  gsize n = strlen (word);
  return n == len && (memcmp (s, word, len) == 0 || g_ascii_strncasecmp (s, word, len) == 0);
}

/* The words of the keyword fields and their values. */
static const struct {
  VpcFieldType type;
  const char *word;
  guint64 value;
} keywords[] = {
  { VPC_TYPE_ACTION, "ACCEPT", VPC_ACTION_ACCEPT },
  { VPC_TYPE_ACTION, "REJECT", VPC_ACTION_REJECT },
  { VPC_TYPE_LOG_STATUS, "OK", VPC_STATUS_OK },
  { VPC_TYPE_LOG_STATUS, "NODATA", VPC_STATUS_NODATA },
  { VPC_TYPE_LOG_STATUS, "SKIPDATA", VPC_STATUS_SKIPDATA },
  { VPC_TYPE_DIRECTION, "ingress", VPC_DIRECTION_INGRESS },
  { VPC_TYPE_DIRECTION, "egress", VPC_DIRECTION_EGRESS },
};

/* Parse one value into record; on failure set a message naming the column. */
static gboolean
parse_value (VpcFieldId id, guint column, const char *s, gsize len, VpcRecord *record,
             GError **error)
{
  const VpcFieldInfo *info = vpc_field_info (id);
  VpcValue *value = &record->value[id];
  const char *expected = NULL;

  switch (info->type)
    {
    case VPC_TYPE_UINT:
      if (parse_uint (s, len, info->max, &value->u))
        goto ok;
      expected = info->max == G_MAXUINT64 ? "a non-negative integer" : NULL;
      if (expected == NULL)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
                       "column %u (%s): '%.*s' is not an integer from 0 to %" G_GUINT64_FORMAT,
                       column, info->name, (int) MIN (len, 64), s, info->max);
          return FALSE;
        }
      break;
    case VPC_TYPE_TIME:
      if (parse_uint (s, len, G_MAXUINT64, &value->u))
        {
          /* Seconds until the year 5138; larger values are milliseconds. */
          if (value->u < G_GUINT64_CONSTANT (100000000000))
            value->u *= 1000;
          goto ok;
        }
      expected = "a Unix time in seconds or milliseconds";
      break;
    case VPC_TYPE_ADDR:
      if (parse_addr (s, len, &value->addr))
        goto ok;
      expected = "an IPv4 or IPv6 address";
      break;
    case VPC_TYPE_STRING:
      value->text.ptr = s;
      value->text.len = len;
      goto ok;
    case VPC_TYPE_ACTION:
    case VPC_TYPE_LOG_STATUS:
    case VPC_TYPE_DIRECTION:
      for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
        if (keywords[i].type == info->type && word_is (s, len, keywords[i].word))
          {
            value->u = keywords[i].value;
            goto ok;
          }
      expected = info->type == VPC_TYPE_ACTION       ? "ACCEPT or REJECT"
                 : info->type == VPC_TYPE_LOG_STATUS ? "OK, NODATA or SKIPDATA"
                                                     : "ingress or egress";
      break;
    case VPC_TYPE_TRAFFIC_TYPE:
      value->u = word_is (s, len, "IPv4") ? 4 : word_is (s, len, "IPv6") ? 6 : 0;
      record->traffic_type_text.ptr = s;
      record->traffic_type_text.len = len;
      goto ok;
    }
  g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED, "column %u (%s): '%.*s' is not %s",
               column, info->name, (int) MIN (len, 64), s, expected);
  return FALSE;

ok:
  record->present |= G_GUINT64_CONSTANT (1) << id;
  return TRUE;
}

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
static inline const char *
parse_value_fast (VpcFieldId id, const char *tok, const char *end, VpcRecord *record)
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

/* A packet has one IP version: a source and destination of different
 * families are no flow AWS could have seen, and no IPFIX record could
 * carry them consistently (one ipVersion, one family per flow key).  Such
 * a line is malformed.  (srcaddr and pkt-srcaddr may differ: NAT64.) */
static gboolean
addresses_agree (const VpcRecord *record, VpcFieldId src, VpcFieldId dst, GError **error)
{
  if (!vpc_record_has (record, src) || !vpc_record_has (record, dst)
      || record->value[src].addr.family == record->value[dst].addr.family)
    return TRUE;
  g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
               "%s and %s are of different address families (IPv%u and IPv%u)",
               vpc_field_info (src)->name, vpc_field_info (dst)->name,
               record->value[src].addr.family, record->value[dst].addr.family);
  return FALSE;
}

/* The record part of vpc_parser_feed(): the line from p to end (trimmed). */
static gboolean
parse_record (VpcParser *parser, char *p, char *end, VpcRecord *record, GError **error)
{
  /* AWS separates fields with single spaces: split with memchr.  A line
   * with tabs (hand-edited files) has them turned into spaces, in place. */
  if (G_UNLIKELY (memchr (p, '\t', (gsize) (end - p)) != NULL))
    for (char *q = p; q < end; q++)
      if (*q == '\t')
        *q = ' ';
  record->present = 0;
  guint column = 0;
  while (p < end)
    {
      const char *tok = p;
      if (column < parser->n_columns)
        {
          VpcFieldId id = parser->columns[column];
          if (id != VPC_FIELD_UNKNOWN && !(tok[0] == '-' && (tok + 1 == end || tok[1] == ' ')))
            {
              /* The common values in one pass; anything else (and every
               * error) through parse_value(). */
              const char *after = parse_value_fast (id, tok, end, record);
              if (after != NULL)
                p = (char *) after;
              else
                {
                  char *sp = memchr (p, ' ', (gsize) (end - p));
                  p = sp != NULL ? sp : end;
                  if (!parse_value (id, column + 1, tok, (gsize) (p - tok), record, error))
                    return FALSE;
                }
            }
          else
            {
              char *sp = memchr (p, ' ', (gsize) (end - p));
              p = sp != NULL ? sp : end;
            }
        }
      else
        {
          char *sp = memchr (p, ' ', (gsize) (end - p));
          p = sp != NULL ? sp : end;
        }
      column++;
      /* One space between fields (AWS), more in hand-edited files. */
      if (p < end)
        {
          p++;
          while (G_UNLIKELY (p < end && *p == ' '))
            p++;
        }
    }
  if (column != parser->n_columns)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED, "expected %u fields, found %u",
                   parser->n_columns, column);
      return FALSE;
    }
  return addresses_agree (record, VPC_FIELD_SRCADDR, VPC_FIELD_DSTADDR, error)
         && addresses_agree (record, VPC_FIELD_PKT_SRCADDR, VPC_FIELD_PKT_DSTADDR, error);
}

gboolean
vpc_parser_feed (VpcParser *parser, char *line, gsize len, VpcLineKind *kind,
                 VpcRecord *record, GError **error)
{
  /* The limit applies to the line as given (without a CR ending it),
   * white space included: that is what the caller copies for the flow to
   * point into. */
  gsize whole_len = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
  while (len > 0 && (line[len - 1] == '\r' || vpc_parser_is_space (line[len - 1])))
    len--;
  char *p = line, *end = line + len;
  while (p < end && vpc_parser_is_space (*p))
    p++;
  if (p == end)
    {
      *kind = VPC_LINE_BLANK;
      return TRUE;
    }
  guint known_names;
  gboolean first_line = !parser->seen_line;
  parser->seen_line = TRUE;
  if (g_ascii_isalpha (*p) && vpc_parser_line_has_header_shape (p, (gsize) (end - p), &known_names)
      /* A line of lower-case words only, none a field name, could be a
       * record of free-text fields (an ECS service name, say) or a stray
       * sentence: it is a header only as the first line of an input (where
       * AWS writes the header), and only when the columns in force cannot
       * read it. */
      && (known_names > 0
          || (first_line && whole_len <= VPC_MAX_LINE_LENGTH
              && !parse_record (parser, p, end, record, NULL))))
    {
      if (!parser_set_columns (parser, p, (gsize) (end - p), FALSE, parser->columns,
                               &parser->n_columns, error))
        {
          g_prefix_error (error, "header line: ");
          return FALSE;
        }
      *kind = VPC_LINE_HEADER;
      return TRUE;
    }

  *kind = VPC_LINE_RECORD;
  if (G_UNLIKELY (whole_len > VPC_MAX_LINE_LENGTH))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
                   "line longer than %d bytes: too large for one IPFIX record",
                   VPC_MAX_LINE_LENGTH);
      return FALSE;
    }
  return parse_record (parser, p, end, record, error);
}
