/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Header lines and --format strings: field lists to columns, and the shape that makes a line a header. */
#include "config.h"

#include "parser-header.h"

#include <string.h>

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
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
      while (p < end && vpc_parser_is_space (*p))
        p++;
      if (p == end)
        break;
      const char *tok = p;
      while (p < end && !vpc_parser_is_space (*p))
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
gboolean
vpc_parser_line_has_header_shape (const char *line, gsize len, guint *known_names)
{
  guint tokens = 0;
  const char *p = line, *end = line + len;

  *known_names = 0;
  while (p < end)
    {
      while (p < end && vpc_parser_is_space (*p))
        p++;
      if (p == end)
        break;
      const char *tok = p;
      while (p < end && !vpc_parser_is_space (*p))
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
  return vpc_parser_line_has_header_shape (line, len, &known_names);
}

/* Install columns, warning once per run about each unknown name. */
