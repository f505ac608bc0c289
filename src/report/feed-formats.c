/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Threat-feed formats: plain address lists, DShield block lists, Spamhaus DROP JSON, parsed into a VpcThreatDb. */
#include "config.h"

#include "feeds.h"

#include <arpa/inet.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static gboolean
parse_addr (const char *s, gsize len, VpcAddr *out)
{
  char buf[INET6_ADDRSTRLEN + 1];
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  memset (out, 0, sizeof *out);
  if (memchr (s, ':', len) != NULL)
    {
      out->family = 6;
      return inet_pton (AF_INET6, buf, out->bytes) == 1;
    }
  out->family = 4;
  return inet_pton (AF_INET, buf, out->bytes) == 1;
}

/* "ADDR", "ADDR/BITS" (host bits ignored) or "ADDR-ADDR" -> first..last. */
static gboolean
parse_entry (const char *s, gsize len, VpcAddr *first, VpcAddr *last)
{
  const char *slash = memchr (s, '/', len);
  const char *dash = memchr (s, '-', len);
  if (dash != NULL && slash == NULL)
    return parse_addr (s, (gsize) (dash - s), first)
           && parse_addr (dash + 1, len - (gsize) (dash - s) - 1, last)
           && first->family == last->family && memcmp (first->bytes, last->bytes, 16) <= 0;
  if (!parse_addr (s, slash != NULL ? (gsize) (slash - s) : len, first))
    return FALSE;
  *last = *first;
  if (slash == NULL)
    return TRUE;
  gsize digits = len - (gsize) (slash - s) - 1;
  guint width = first->family == 4 ? 32 : 128, bits = 0;
  if (digits == 0 || digits > 3)
    return FALSE;
  for (gsize i = 1; i <= digits; i++)
    {
      if (!g_ascii_isdigit (slash[i]))
        return FALSE;
      bits = bits * 10 + (guint) (slash[i] - '0');
    }
  if (bits > width)
    return FALSE;
  for (guint b = bits; b < width; b++)
    {
      first->bytes[b / 8] &= (guint8) ~(0x80u >> (b % 8));
      last->bytes[b / 8] |= (guint8) (0x80u >> (b % 8));
    }
  return TRUE;
}

/* Whether first..last holds more addresses than the widest entry allowed. */
static gboolean
entry_too_wide (const VpcAddr *first, const VpcAddr *last)
{
  unsigned __int128 a = 0, b = 0;
  guint bytes = first->family == 4 ? 4 : 16;
  for (guint i = 0; i < bytes; i++)
    {
      a = a << 8 | first->bytes[i];
      b = b << 8 | last->bytes[i];
    }
  guint widest = first->family == 4 ? VPC_FEED_WIDEST_V4 : VPC_FEED_WIDEST_V6;
  unsigned __int128 most = (unsigned __int128) 1 << (bytes * 8 - widest);
  return b - a >= most;
}

static void
add_entry (VpcFeed *feed, guint bit, VpcThreatDb *db, const VpcAddr *first, const VpcAddr *last)
{
  if (entry_too_wide (first, last))
    feed->too_wide++;
  else if (db != NULL && vpc_threat_db_is_full (db))
    feed->over_limit++;
  else if (db == NULL || vpc_threat_db_add_range (db, bit, feed->severity, first, last) > 0)
    feed->entries++;
  else
    feed->special++;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Plain: the first word of a line (up to white space, ',', ';' or '#'). */
static void
parse_plain_line (VpcFeed *feed, guint bit, const char *p, const char *end, VpcThreatDb *db)
{
  if (*p == '#' || *p == ';')
    return;
  const char *w = p;
  while (w < end && !is_space (*w) && *w != ',' && *w != ';' && *w != '#')
    w++;
  VpcAddr first, last;
  if (parse_entry (p, (gsize) (w - p), &first, &last))
    add_entry (feed, bit, db, &first, &last);
  else
    feed->garbage++;
}

/* DShield block.txt: "start end bits ..." after comments and a "Start" header. */
static void
parse_dshield_line (VpcFeed *feed, guint bit, const char *p, const char *end, VpcThreatDb *db)
{
  if (*p == '#' || (end - p >= 5 && g_ascii_strncasecmp (p, "start", 5) == 0
                    && (end - p == 5 || is_space (p[5]))))
    return;
  const char *w1 = p;
  while (w1 < end && !is_space (*w1))
    w1++;
  const char *s2 = w1;
  while (s2 < end && is_space (*s2))
    s2++;
  const char *w2 = s2;
  while (w2 < end && !is_space (*w2))
    w2++;
  VpcAddr first, last;
  if (parse_addr (p, (gsize) (w1 - p), &first) && parse_addr (s2, (gsize) (w2 - s2), &last)
      && first.family == last.family && memcmp (first.bytes, last.bytes, 16) <= 0)
    add_entry (feed, bit, db, &first, &last);
  else
    feed->garbage++;
}

/* Spamhaus DROP JSON lines: {"cidr":"1.2.3.0/24","sblid":...}; the last
 * line is {"type":"metadata",...}. */
static void
parse_spamhaus_line (VpcFeed *feed, guint bit, const char *p, const char *end, VpcThreatDb *db)
{
  g_autofree char *text = g_strndup (p, (gsize) (end - p));
  yajl_val root = yajl_tree_parse (text, NULL, 0);
  if (root == NULL || !YAJL_IS_OBJECT (root))
    {
      feed->garbage++;
      yajl_tree_free (root);
      return;
    }
  const char *cidr_path[] = { "cidr", NULL };
  const char *type_path[] = { "type", NULL };
  yajl_val cidr = yajl_tree_get (root, cidr_path, yajl_t_string);
  VpcAddr first, last;
  if (cidr != NULL)
    {
      const char *s = YAJL_GET_STRING (cidr);
      if (parse_entry (s, strlen (s), &first, &last))
        add_entry (feed, bit, db, &first, &last);
      else
        feed->garbage++;
    }
  else if (yajl_tree_get (root, type_path, yajl_t_string) == NULL)
    feed->garbage++;
  yajl_tree_free (root);
}

void
vpc_feed_parse (VpcFeed *feed, guint bit, const char *data, gsize len, VpcThreatDb *db)
{
  feed->entries = feed->garbage = feed->special = feed->too_wide = 0;
  const char *p = data, *end = data + len;
  if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte order mark */
    p += 3;
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      if (eol == NULL)
        eol = end;
      const char *s = p, *e = eol;
      p = eol + 1;
      while (s < e && is_space (*s))
        s++;
      while (e > s && is_space (e[-1]))
        e--;
      if (s == e)
        continue;
      switch (feed->format)
        {
        case VPC_FEED_FORMAT_PLAIN: parse_plain_line (feed, bit, s, e, db); break;
        case VPC_FEED_FORMAT_DSHIELD: parse_dshield_line (feed, bit, s, e, db); break;
        case VPC_FEED_FORMAT_SPAMHAUS_JSON: parse_spamhaus_line (feed, bit, s, e, db); break;
        }
    }
}
