/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VPC Flow Log line parser: column maps from headers or --format, typed values. */
#include "config.h"

#include "parser.h"
#include "parser-fast.h"

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
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t';
}

/* A field list is refused after n columns: the unknown names copied so
 * far are freed, none is handed out. */
static guint
field_list_refused (char **unknown_names, guint n)
{
  for (guint i = 0; unknown_names != NULL && i < n; i++)
    g_clear_pointer (&unknown_names[i], g_free);
  return 0;
}

guint
vpc_parse_field_list (const char *text, gsize len, gboolean aws_syntax_allowed, VpcFieldId *columns,
                      char **unknown_names, GError **error)
{
  const char *p = text;
  const char *end = text + len;
  guint n = 0;
  guint64 seen = 0;

  while (p < end)
    {
      while (p < end && is_space (*p))
        p++;
      if (p == end)
        break;
      const char *tok = p;
      while (p < end && !is_space (*p))
        p++;
      const char *name = tok;
      gsize name_len = (gsize) (p - tok);
      if (aws_syntax_allowed && name_len >= 2 && name[0] == '$' && name[1] == '{')
        {
          if (name_len < 4 || name[name_len - 1] != '}')
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_HEADER,
                           "'%.*s' is not of the form ${field}", (int) name_len, name);
              return field_list_refused (unknown_names, n);
            }
          name += 2;
          name_len -= 3;
        }
      for (gsize i = 0; i < name_len; i++)
        if (!is_name_char (name[i]) || (i == 0 && !g_ascii_isalpha (name[i])))
          {
            g_set_error (error, VPC_ERROR, VPC_ERROR_HEADER, "'%.*s' is not a field name",
                         (int) (p - tok), tok);
            return field_list_refused (unknown_names, n);
          }
      if (n == VPC_MAX_COLUMNS)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_HEADER, "more than %d columns",
                       VPC_MAX_COLUMNS);
          return field_list_refused (unknown_names, n);
        }
      VpcFieldId id = vpc_field_lookup (name, name_len);
      if (id != VPC_FIELD_UNKNOWN)
        {
          if (seen & (G_GUINT64_CONSTANT (1) << id))
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_HEADER, "field '%s' appears twice",
                           vpc_field_info (id)->name);
              return field_list_refused (unknown_names, n);
            }
          seen |= G_GUINT64_CONSTANT (1) << id;
        }
      if (unknown_names != NULL)
        unknown_names[n] = id == VPC_FIELD_UNKNOWN ? g_ascii_strdown (name, name_len) : NULL;
      columns[n++] = id;
    }
  if (n == 0)
    g_set_error (error, VPC_ERROR, VPC_ERROR_HEADER, "no field names");
  return n;
}

/* Values that are words without digits, as AWS writes them (keywords of
 * action, log-status, flow-direction, type, resource-type,
 * sublocation-type, and the account-id of AWS-managed interfaces): a line
 * made of them is a record, never a header. */
static const char *const value_words[] = {
  "accept", "reject", "ok", "nodata", "skipdata", "ingress", "egress", "efa",
  "transitgateway", "wavelength", "outpost", "localzone", "unknown",
};

/* Whether a token has the shape of a field name: a known name in any case
 * (AWS spells them lower case with '-', Athena and Parquet with '_'), or
 * else a lower-case word of letters, '-' and '_' that is no value word.
 * No field AWS documents has a digit in its name, and nearly every value
 * that is a word has one (resource IDs, regions, AZ IDs, addresses) or is
 * upper case (ACCEPT, AMAZON, BPA) or a value word. */
static gboolean
token_is_name (const char *tok, gsize len, gboolean *known)
{
  *known = FALSE;
  if (len == 0 || !g_ascii_isalpha (tok[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (tok[i]) && tok[i] != '-' && tok[i] != '_')
      return FALSE;
  if (vpc_field_lookup (tok, len) != VPC_FIELD_UNKNOWN)
    {
      *known = TRUE;
      return TRUE;
    }
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isupper (tok[i]))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (value_words); i++)
    if (strlen (value_words[i]) == len && g_ascii_strncasecmp (tok, value_words[i], len) == 0)
      return FALSE;
  return TRUE;
}

/* The shape rule; *known_names counts the tokens that are known names. */
static gboolean
line_has_header_shape (const char *line, gsize len, guint *known_names)
{
  guint tokens = 0;
  const char *p = line, *end = line + len;

  *known_names = 0;
  while (p < end)
    {
      while (p < end && is_space (*p))
        p++;
      if (p == end)
        break;
      const char *tok = p;
      while (p < end && !is_space (*p))
        p++;
      gsize tok_len = (gsize) (p - tok);
      if (tok_len > 0 && tok[tok_len - 1] == '\r')
        tok_len--;
      gboolean known;
      if (!token_is_name (tok, tok_len, &known))
        return FALSE;
      tokens++;
      if (known)
        (*known_names)++;
    }
  return tokens > 0;
}

gboolean
vpc_parser_line_is_header (const char *line, gsize len)
{
  guint known_names;
  return line_has_header_shape (line, len, &known_names);
}

/* Install columns, warning once per run about each unknown name. */
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
              const char *after = vpc_parse_value_fast (id, tok, end, record);
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
  while (len > 0 && (line[len - 1] == '\r' || is_space (line[len - 1])))
    len--;
  char *p = line, *end = line + len;
  while (p < end && is_space (*p))
    p++;
  if (p == end)
    {
      *kind = VPC_LINE_BLANK;
      return TRUE;
    }
  guint known_names;
  gboolean first_line = !parser->seen_line;
  parser->seen_line = TRUE;
  if (g_ascii_isalpha (*p) && line_has_header_shape (p, (gsize) (end - p), &known_names)
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
