/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test IPFIX collector (TCP or UDP, libfixbuf): one JSON line per data record received. */

/*
 * ipfix-collector --tcp|--udp [--port N] [--bind ADDR] --ready FILE --out FILE
 *                 [--count-only] [--elements XML]
 *
 * Transport is done here (sockets, framing by the IPFIX message header, a
 * poll loop with a signal pipe); everything IPFIX inside a message is done by
 * libfixbuf's collection side: each complete message is handed to an fBuf_t
 * of the connection's own session (fBufSetBuffer, manual mode), templates are
 * learned by libfixbuf, every external template is also added as internal
 * template (new-template callback), so fBufNext() returns each record in its
 * own layout, and the record is written by walking its template.
 *
 * Why not fbListener: libfixbuf 2.4 cannot report the port a listener bound
 * for port 0, hides the message header (sequence number), and its wait loop
 * cannot be woken by a signal pipe.  A message is processed only when it is
 * complete, which is also how libfixbuf's TCP collector frames a stream.
 *
 * Output (--out, opened for appending), one line per data record:
 *   {"c":1,"odid":0,"seq":42,"t":1700000000,"tid":300,"scope":0,"rec":{...}}
 * c: connection number (TCP: per accepted connection; UDP: per peer address),
 * seq/odid/t: the message header, tid: template ID, scope: options scope count
 * (0 for a data template).  rec: element -> value, in template order, keyed by
 * the element's name ("pen/id" for an element the information model does not
 * know, a "#2" suffix for a repeated element).  Values: unsigned and signed
 * integers, dateTimeSeconds and dateTimeMilliseconds as JSON numbers;
 * addresses in their standard text form; strings as JSON strings (bytes as
 * received, '"', '\\' and control characters escaped); octet arrays and
 * unknown elements as {"hex":"0a0b..."}; booleans true/false; micro- and
 * nanosecond times as "seconds.nanoseconds" strings; lists as objects.
 * The lines of a message are written with one write(2) when the message is
 * done, so a collector killed with SIGKILL loses only whole messages it had
 * not yet written.  --count-only: one line per message instead
 * ({"c":1,"odid":0,"seq":42,"records":N}).
 *
 * --ready FILE gets the bound port number (renamed into place) once the socket
 * accepts.  --elements: names and types of enterprise elements (without it
 * they are "pen/id" with their bytes in hex; libfixbuf's alien elements).
 * SIGTERM/SIGINT: stop, summary on stderr, exit 0.  Per connection, sequence
 * numbers are checked (RFC 7011: the next message of a domain carries the
 * previous sequence number plus its data records); data sets without a
 * template, data sets without records ("empty_sets"), decoding errors and a
 * connection closed inside a message are counted.  One line per connection
 * when it closes, and a summary line at exit ("ipfix-collector: summary:
 * connections=N messages=N records=N sequence_mismatches=N ...").  Exit
 * status: 0 on a signal, 1 on a setup error, 2 on a usage error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fixbuf/public.h>
#include <glib.h>

#define PROG "ipfix-collector"
#define MAX_CONNS 64
#define MAX_SEQ_REPORTS 10
#define REC_BUF_SIZE (65536 + 64)

typedef struct
{
  guint id;
  gboolean udp;
  int fd;                       /* TCP: the connection; UDP: -1 */
  char *peer;                   /* "addr:port" */
  fbSession_t *session;         /* owned by fbuf */
  fBuf_t *fbuf;
  GByteArray *pending;          /* TCP: bytes of the message being received */
  GHashTable *next_seq;         /* odid -> expected sequence number (guint64 + 1, 0 = none) */
  guint64 messages, records, bytes;
  guint64 seq_mismatches, seq_missing, seq_backwards;
  guint64 errors, empty_sets;
  gboolean open;
} Conn;

static struct
{
  gboolean tcp, udp, count_only;
  int port;
  int rcvbuf; /* TCP: a small receive buffer, to hold up a sender while stopped */
  char *bind_addr, *ready, *out, *elements;
} opt = { .port = 0 };

static fbInfoModel_t *model;
static int out_fd = -1;
static GString *out_buf;
static int sig_pipe[2] = { -1, -1 };
static GPtrArray *conns;        /* every Conn ever seen, in order */
static GHashTable *udp_peers;   /* "addr:port" -> Conn */
static guint64 fixbuf_warnings, skipped_sets;
static guint64 rec_buf[REC_BUF_SIZE / 8];

/* ---------------------------------------------------------------- output */

static void
write_all (int fd, const char *p, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          fprintf (stderr, PROG ": write to %s: %s\n", opt.out, g_strerror (errno));
          exit (1);
        }
      p += w;
      n -= (size_t) w;
    }
}

static void
flush_out (void)
{
  if (out_buf->len)
    write_all (out_fd, out_buf->str, out_buf->len);
  g_string_truncate (out_buf, 0);
}

static void
json_string (GString *s, const guint8 *p, size_t n)
{
  g_string_append_c (s, '"');
  for (size_t i = 0; i < n; i++)
    {
      guint8 c = p[i];
      switch (c)
        {
        case '"':
          g_string_append (s, "\\\"");
          break;
        case '\\':
          g_string_append (s, "\\\\");
          break;
        case '\n':
          g_string_append (s, "\\n");
          break;
        case '\r':
          g_string_append (s, "\\r");
          break;
        case '\t':
          g_string_append (s, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
        }
    }
  g_string_append_c (s, '"');
}

static void
json_hex (GString *s, const guint8 *p, size_t n)
{
  g_string_append (s, "{\"hex\":\"");
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", p[i]);
  g_string_append (s, "\"}");
}

/* An unsigned value of n (1..8) bytes: host order when libfixbuf swapped it
 * (FB_IE_F_ENDIAN), network order otherwise. */
static guint64
get_uint (const guint8 *p, size_t n, gboolean host_order)
{
  guint64 v = 0;
  if (host_order && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    {
      for (size_t i = n; i > 0; i--)
        v = (v << 8) | p[i - 1];
    }
  else
    {
      for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    }
  return v;
}

/* The JSON key of an element: its name, or "pen/id" when the information
 * model does not know it; "#2"... for the repeats of an element in a template.
 * name: the model's name (NULL for an alien element). */
static void
key_of (GString *s, const char *name, const fbInfoElement_t *ie)
{
  GString *k = g_string_new (NULL);
  if (name == NULL || (ie->flags & FB_IE_F_ALIEN))
    g_string_printf (k, "%u/%u", (unsigned) ie->ent, (unsigned) ie->num);
  else
    g_string_assign (k, name);
  if (ie->midx > 0)
    g_string_append_printf (k, "#%u", (unsigned) ie->midx + 1);
  json_string (s, (const guint8 *) k->str, k->len);
  g_string_free (k, TRUE);
}

/* An element of a template (ref.canon points to the model's element). */
static void
element_key (GString *s, const fbInfoElement_t *ie)
{
  const fbInfoElement_t *canon = ie->ref.canon;
  key_of (s, canon != NULL && !(canon->flags & FB_IE_F_ALIEN) ? canon->ref.name : NULL, ie);
}

static void write_record (GString *s, const fbTemplate_t *tmpl, const guint8 *rec);

static size_t
element_mem_len (const fbInfoElement_t *ie)
{
  if (ie->len != FB_IE_VARLEN)
    return ie->len;
  switch (ie->type)
    {
    case FB_BASIC_LIST:
      return sizeof (fbBasicList_t);
    case FB_SUB_TMPL_LIST:
      return sizeof (fbSubTemplateList_t);
    case FB_SUB_TMPL_MULTI_LIST:
      return sizeof (fbSubTemplateMultiList_t);
    default:
      return sizeof (fbVarfield_t);
    }
}

/* One value of element ie whose in-memory form starts at p. */
static void
write_value (GString *s, const fbInfoElement_t *ie, const guint8 *p)
{
  gboolean alien = (ie->flags & FB_IE_F_ALIEN) != 0;
  gboolean host = (ie->flags & FB_IE_F_ENDIAN) != 0;
  const guint8 *data = p;
  size_t n = ie->len;

  if (ie->len == FB_IE_VARLEN)
    {
      if (ie->type == FB_BASIC_LIST && !alien)
        {
          fbBasicList_t bl;
          memcpy (&bl, p, sizeof bl);
          g_string_append_printf (s, "{\"semantic\":%u,\"element\":", (unsigned) bl.semantic);
          /* the list's element is the model's (ref.name is its name) */
          if (bl.infoElement)
            key_of (s, bl.infoElement->ref.name, bl.infoElement);
          else
            g_string_append (s, "null");
          g_string_append (s, ",\"values\":[");
          if (bl.infoElement)
            {
              fbInfoElement_t one = *bl.infoElement;
              size_t step = element_mem_len (&one);
              for (guint16 i = 0; i < bl.numElements; i++)
                {
                  if (i)
                    g_string_append_c (s, ',');
                  write_value (s, &one, bl.dataPtr + (size_t) i * step);
                }
            }
          g_string_append (s, "]}");
          return;
        }
      if (ie->type == FB_SUB_TMPL_LIST && !alien)
        {
          fbSubTemplateList_t stl;
          memcpy (&stl, p, sizeof stl);
          g_string_append_printf (s, "{\"semantic\":%u,\"tid\":%u,\"records\":[",
                                  (unsigned) stl.semantic, (unsigned) stl.tmplID);
          if (stl.tmpl)
            {
              size_t step = fbTemplateGetIELenOfMemBuffer ((fbTemplate_t *) stl.tmpl);
              for (guint16 i = 0; i < stl.numElements; i++)
                {
                  if (i)
                    g_string_append_c (s, ',');
                  write_record (s, stl.tmpl, stl.dataPtr + (size_t) i * step);
                }
            }
          g_string_append (s, "]}");
          return;
        }
      if (ie->type == FB_SUB_TMPL_MULTI_LIST && !alien)
        {
          fbSubTemplateMultiList_t stml;
          memcpy (&stml, p, sizeof stml);
          g_string_append_printf (s, "{\"semantic\":%u,\"entries\":[", (unsigned) stml.semantic);
          for (guint16 e = 0; e < stml.numElements; e++)
            {
              fbSubTemplateMultiListEntry_t *en = &stml.firstEntry[e];
              if (e)
                g_string_append_c (s, ',');
              g_string_append_printf (s, "{\"tid\":%u,\"records\":[", (unsigned) en->tmplID);
              if (en->tmpl)
                {
                  size_t step = fbTemplateGetIELenOfMemBuffer (en->tmpl);
                  for (guint16 i = 0; i < en->numElements; i++)
                    {
                      if (i)
                        g_string_append_c (s, ',');
                      write_record (s, en->tmpl, en->dataPtr + (size_t) i * step);
                    }
                }
              g_string_append (s, "]}");
            }
          g_string_append (s, "]}");
          return;
        }
      fbVarfield_t vf;
      memcpy (&vf, p, sizeof vf);
      data = vf.buf;
      n = vf.len;
      if (alien || ie->type != FB_STRING)
        {
          json_hex (s, data, n);
          return;
        }
      json_string (s, data, n);
      return;
    }

  if (alien)
    {
      json_hex (s, data, n);
      return;
    }
  switch (ie->type)
    {
    case FB_UINT_8:
    case FB_UINT_16:
    case FB_UINT_32:
    case FB_UINT_64:
    case FB_DT_SEC:
    case FB_DT_MILSEC:
      if (n >= 1 && n <= 8)
        g_string_append_printf (s, "%" G_GUINT64_FORMAT, get_uint (data, n, host));
      else
        json_hex (s, data, n);
      return;
    case FB_INT_8:
    case FB_INT_16:
    case FB_INT_32:
    case FB_INT_64:
      if (n >= 1 && n <= 8)
        {
          guint64 u = get_uint (data, n, host);
          if (n < 8 && (u >> (8 * n - 1)) & 1)
            u |= ~G_GUINT64_CONSTANT (0) << (8 * n);
          g_string_append_printf (s, "%" G_GINT64_FORMAT, (gint64) u);
        }
      else
        json_hex (s, data, n);
      return;
    case FB_FLOAT_32:
    case FB_FLOAT_64:
      {
        double d;
        if (n == 4)
          {
            guint32 u = (guint32) get_uint (data, 4, host);
            float f;
            memcpy (&f, &u, sizeof f);
            d = f;
          }
        else if (n == 8)
          {
            guint64 u = get_uint (data, 8, host);
            memcpy (&d, &u, sizeof d);
          }
        else
          {
            json_hex (s, data, n);
            return;
          }
        if (isfinite (d))
          g_string_append_printf (s, "%.17g", d);
        else
          g_string_append_printf (s, "\"%s\"", isnan (d) ? "nan" : d > 0 ? "inf" : "-inf");
        return;
      }
    case FB_BOOL:
      if (n == 1 && (data[0] == 1 || data[0] == 2))
        g_string_append (s, data[0] == 1 ? "true" : "false");
      else
        json_hex (s, data, n);
      return;
    case FB_MAC_ADDR:
      g_string_append_c (s, '"');
      for (size_t i = 0; i < n; i++)
        g_string_append_printf (s, "%s%02x", i ? ":" : "", data[i]);
      g_string_append_c (s, '"');
      return;
    case FB_IP4_ADDR:
      if (n == 4)
        {
          guint32 a = (guint32) get_uint (data, 4, host);
          g_string_append_printf (s, "\"%u.%u.%u.%u\"", a >> 24, (a >> 16) & 0xff,
                                  (a >> 8) & 0xff, a & 0xff);
        }
      else
        json_hex (s, data, n);
      return;
    case FB_IP6_ADDR:
      if (n == 16)
        {
          char text[INET6_ADDRSTRLEN];
          struct in6_addr a6;
          memcpy (&a6, data, 16);
          inet_ntop (AF_INET6, &a6, text, sizeof text);
          g_string_append_printf (s, "\"%s\"", text);
        }
      else
        json_hex (s, data, n);
      return;
    case FB_DT_MICROSEC:
    case FB_DT_NANOSEC:
      if (n == 8)
        {
          /* NTP format: seconds since 1900, binary fraction */
          guint64 u = get_uint (data, 8, host);
          guint64 secs = u >> 32, frac = u & 0xffffffffu;
          if (ie->type == FB_DT_MICROSEC)
            frac &= ~(guint64) 0x7ff;   /* RFC 7011 6.1.9: the low 11 bits are ignored */
          guint64 ns = (frac * 1000000000u) >> 32;
          gint64 unix_secs = (gint64) secs - G_GINT64_CONSTANT (2208988800);
          g_string_append_printf (s, "\"%" G_GINT64_FORMAT ".%09" G_GUINT64_FORMAT "\"",
                                  unix_secs, ns);
        }
      else
        json_hex (s, data, n);
      return;
    case FB_STRING:
      json_string (s, data, n);
      return;
    default:
      json_hex (s, data, n);
      return;
    }
}

/* {"name":value,...} of one record laid out by tmpl. */
static void
write_record (GString *s, const fbTemplate_t *tmpl, const guint8 *rec)
{
  fbTemplate_t *t = (fbTemplate_t *) tmpl;
  uint32_t count = fbTemplateCountElements (t);
  size_t off = 0;
  g_string_append_c (s, '{');
  for (uint32_t i = 0; i < count; i++)
    {
      const fbInfoElement_t *ie = fbTemplateGetIndexedIE (t, i);
      if (i)
        g_string_append_c (s, ',');
      element_key (s, ie);
      g_string_append_c (s, ':');
      write_value (s, ie, rec + off);
      off += element_mem_len (ie);
    }
  g_string_append_c (s, '}');
}

/* ------------------------------------------------------------- libfixbuf */

/* Every template received is also the internal template of its ID: records
 * come out in their own layout.  Templates inside lists decode in full too. */
static void
new_template (fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl, void *app_ctx,
              void **tmpl_ctx, fbTemplateCtxFree_fn *tmpl_ctx_free)
{
  GError *err = NULL;
  (void) app_ctx;
  (void) tmpl_ctx;
  (void) tmpl_ctx_free;
  if (fbTemplateCountElements (tmpl) == 0)
    return;                     /* a withdrawal */
  if (!fbSessionAddTemplate (session, TRUE, tid, tmpl, &err))
    {
      fprintf (stderr, PROG ": template %u: %s\n", (unsigned) tid, err->message);
      g_clear_error (&err);
      return;
    }
  fbSessionAddTemplatePair (session, tid, tid);
}

/* libfixbuf logs with g_warning (no log domain): count and show them, except
 * the sequence warnings (checked here per connection). */
static void
log_handler (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  (void) data;
  (void) level;
  if (strstr (message, "out of sequence"))
    return;
  if (g_str_has_prefix (message, "Skipping set"))
    skipped_sets++;
  fixbuf_warnings++;
  fprintf (stderr, PROG ": libfixbuf%s%s: %s\n", domain ? " " : "", domain ? domain : "",
           message);
}

/* --------------------------------------------------------------- conns */

static Conn *
conn_new (gboolean udp, int fd, const char *peer)
{
  Conn *c = g_new0 (Conn, 1);
  c->id = conns->len + 1;
  c->udp = udp;
  c->fd = fd;
  c->peer = g_strdup (peer);
  c->session = fbSessionAlloc (model);
  fbSessionAddNewTemplateCallback (c->session, new_template, NULL);
  c->fbuf = fBufAllocForCollection (c->session, NULL);
  fBufSetAutomaticMode (c->fbuf, FALSE);
  c->pending = g_byte_array_new ();
  c->next_seq = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  c->open = TRUE;
  g_ptr_array_add (conns, c);
  fprintf (stderr, PROG ": connection %u: %s from %s\n", c->id, udp ? "udp" : "tcp", peer);
  return c;
}

static void
conn_summary (const Conn *c)
{
  fprintf (stderr,
           PROG ": connection %u (%s %s): messages=%" G_GUINT64_FORMAT " records=%"
           G_GUINT64_FORMAT " bytes=%" G_GUINT64_FORMAT " sequence_mismatches=%"
           G_GUINT64_FORMAT " missing_by_sequence=%" G_GUINT64_FORMAT " sequence_backwards=%"
           G_GUINT64_FORMAT " errors=%" G_GUINT64_FORMAT " empty_sets=%" G_GUINT64_FORMAT
           " incomplete_bytes=%u\n",
           c->id, c->udp ? "udp" : "tcp", c->peer, c->messages, c->records, c->bytes,
           c->seq_mismatches, c->seq_missing, c->seq_backwards, c->errors, c->empty_sets,
           c->pending->len);
}

static void
conn_close (Conn *c)
{
  if (!c->open)
    return;
  c->open = FALSE;
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
  if (c->pending->len)
    fprintf (stderr, PROG ": connection %u: closed inside a message (%u bytes of it received)\n",
             c->id, c->pending->len);
  conn_summary (c);
}

static void
conn_free (gpointer p)
{
  Conn *c = p;
  if (c->fbuf)
    fBufFree (c->fbuf);         /* frees the session as well */
  g_byte_array_unref (c->pending);
  g_hash_table_destroy (c->next_seq);
  g_free (c->peer);
  g_free (c);
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* One complete IPFIX message (len bytes, length field checked). */
static void
process_message (Conn *c, guint8 *msg, size_t len)
{
  guint32 export_time = be32 (msg + 4), seq = be32 (msg + 8), odid = be32 (msg + 12);
  guint64 n = 0;
  gint64 key = odid;
  guint64 *expected = g_hash_table_lookup (c->next_seq, &key);

  c->messages++;
  c->bytes += len;
  if (expected && *expected != seq)
    {
      c->seq_mismatches++;
      guint32 diff = seq - (guint32) *expected;
      if (diff < 0x80000000u)
        c->seq_missing += diff;
      else
        c->seq_backwards++;
      if (c->seq_mismatches <= MAX_SEQ_REPORTS)
        fprintf (stderr,
                 PROG ": connection %u: domain %u: sequence number %u, expected %"
                 G_GUINT64_FORMAT " (message %" G_GUINT64_FORMAT ")\n",
                 c->id, odid, seq, *expected, c->messages);
    }

  fBufSetBuffer (c->fbuf, msg, len);
  for (;;)
    {
      GError *err = NULL;
      uint16_t tid = 0;
      fbTemplate_t *tmpl = fBufNextCollectionTemplate (c->fbuf, &tid, &err);
      if (tmpl == NULL)
        {
          if (!g_error_matches (err, FB_ERROR_DOMAIN, FB_ERROR_EOM))
            {
              c->errors++;
              fprintf (stderr, PROG ": connection %u: message seq %u: %s\n", c->id, seq,
                       err ? err->message : "?");
            }
          g_clear_error (&err);
          break;
        }
      /* libfixbuf stops on a data set without records (a set header alone,
       * or padding): peeking again skips it.  On a set with records the peek
       * stays where it is. */
      uint16_t tid2 = 0;
      fbTemplate_t *again = fBufNextCollectionTemplate (c->fbuf, &tid2, &err);
      if (again != tmpl || tid2 != tid)
        {
          gboolean eom = again == NULL && g_error_matches (err, FB_ERROR_DOMAIN, FB_ERROR_EOM);
          if (again != NULL || eom)
            {
              c->empty_sets++;
              if (c->empty_sets <= MAX_SEQ_REPORTS)
                fprintf (stderr,
                         PROG ": connection %u: message seq %u: a data set (template %u) "
                         "without records%s\n",
                         c->id, seq, (unsigned) tid, eom ? " at its end" : "");
            }
          else
            {
              c->errors++;
              fprintf (stderr, PROG ": connection %u: message seq %u: %s\n", c->id, seq,
                       err ? err->message : "?");
            }
          g_clear_error (&err);
          if (again == NULL)
            break;
          continue;
        }
      size_t rlen = sizeof rec_buf;
      memset (rec_buf, 0, fbTemplateGetIELenOfMemBuffer (tmpl));
      if (!fBufSetInternalTemplate (c->fbuf, tid, &err)
          || !fBufNext (c->fbuf, (uint8_t *) rec_buf, &rlen, &err))
        {
          c->errors++;
          fprintf (stderr, PROG ": connection %u: message seq %u, template %u: %s\n", c->id, seq,
                   (unsigned) tid, err->message);
          g_clear_error (&err);
          break;
        }
      n++;
      if (!opt.count_only)
        {
          g_string_append_printf (out_buf,
                                  "{\"c\":%u,\"odid\":%u,\"seq\":%u,\"t\":%u,\"tid\":%u,"
                                  "\"scope\":%u,\"rec\":",
                                  c->id, odid, seq, export_time, (unsigned) tid,
                                  (unsigned) fbTemplateGetOptionsScope (tmpl));
          write_record (out_buf, tmpl, (const guint8 *) rec_buf);
          g_string_append (out_buf, "}\n");
        }
      fBufListFree (tmpl, (uint8_t *) rec_buf);
    }
  if (opt.count_only)
    g_string_append_printf (out_buf,
                            "{\"c\":%u,\"odid\":%u,\"seq\":%u,\"t\":%u,\"records\":%"
                            G_GUINT64_FORMAT "}\n", c->id, odid, seq, export_time, n);
  c->records += n;
  if (!expected)
    {
      expected = g_new (guint64, 1);
      g_hash_table_insert (c->next_seq, g_memdup2 (&key, sizeof key), expected);
    }
  *expected = (guint32) (seq + n);
  flush_out ();
}

/* Frames of a byte stream (TCP); FALSE: not IPFIX, drop the connection. */
static gboolean
tcp_feed (Conn *c, const guint8 *p, size_t n)
{
  g_byte_array_append (c->pending, p, (guint) n);
  while (c->pending->len >= 4)
    {
      guint8 *d = c->pending->data;
      guint version = ((guint) d[0] << 8) | d[1];
      guint len = ((guint) d[2] << 8) | d[3];
      if (version != 10 || len < 16)
        {
          c->errors++;
          fprintf (stderr, PROG ": connection %u: not an IPFIX message header (version %u, "
                   "length %u) after %" G_GUINT64_FORMAT " messages; closing\n",
                   c->id, version, len, c->messages);
          return FALSE;
        }
      if (c->pending->len < len)
        break;
      process_message (c, d, len);
      g_byte_array_remove_range (c->pending, 0, len);
    }
  return TRUE;
}

static void
udp_datagram (Conn *c, guint8 *p, size_t n)
{
  while (n > 0)
    {
      guint version = n >= 4 ? ((guint) p[0] << 8) | p[1] : 0;
      guint len = n >= 4 ? ((guint) p[2] << 8) | p[3] : 0;
      if (n < 16 || version != 10 || len < 16 || len > n)
        {
          c->errors++;
          fprintf (stderr, PROG ": connection %u: a datagram with %zu bytes that are not an "
                   "IPFIX message (version %u, length %u)\n", c->id, n, version, len);
          return;
        }
      process_message (c, p, len);
      p += len;
      n -= len;
    }
}

static char *
addr_text (const struct sockaddr *sa, socklen_t len)
{
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (getnameinfo (sa, len, host, sizeof host, serv, sizeof serv,
                   NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return g_strdup ("?");
  if (sa->sa_family == AF_INET6)
    return g_strdup_printf ("[%s]:%s", host, serv);
  return g_strdup_printf ("%s:%s", host, serv);
}

/* ------------------------------------------------------------------ main */

static void
on_signal (int sig)
{
  int saved = errno;
  char b = (char) sig;
  if (write (sig_pipe[1], &b, 1) < 0)
    {
      /* the pipe is full: a signal is already pending */
    }
  errno = saved;
}

static int
open_socket (int *port_out)
{
  struct addrinfo hints = { 0 }, *ai = NULL;
  char port[16];
  g_snprintf (port, sizeof port, "%d", opt.port);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = opt.tcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  int rc = getaddrinfo (opt.bind_addr, port, &hints, &ai);
  if (rc != 0)
    {
      fprintf (stderr, PROG ": --bind %s: %s\n", opt.bind_addr, gai_strerror (rc));
      return -1;
    }
  int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0)
    {
      fprintf (stderr, PROG ": socket: %s\n", g_strerror (errno));
      freeaddrinfo (ai);
      return -1;
    }
  int one = 1;
  /* a restarted collector binds the same port at once */
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ai->ai_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (opt.udp)
    {
      int size = 8 * 1024 * 1024;
      setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
  if (opt.tcp && opt.rcvbuf > 0) /* inherited by the accepted connections */
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof opt.rcvbuf);
  if (bind (fd, ai->ai_addr, ai->ai_addrlen) < 0
      || (opt.tcp && listen (fd, SOMAXCONN) < 0))
    {
      fprintf (stderr, PROG ": bind/listen %s port %s: %s\n", opt.bind_addr, port,
               g_strerror (errno));
      close (fd);
      freeaddrinfo (ai);
      return -1;
    }
  freeaddrinfo (ai);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  getsockname (fd, (struct sockaddr *) &ss, &sl);
  *port_out = ntohs (ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                     : ((struct sockaddr_in *) &ss)->sin_port);
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* g_file_set_contents() writes a temporary file and renames it: a reader
 * never sees the file empty or half written. */
static gboolean
write_ready (int port)
{
  char *text = g_strdup_printf ("%d\n", port);
  GError *err = NULL;
  gboolean ok = g_file_set_contents (opt.ready, text, -1, &err);
  if (!ok)
    {
      fprintf (stderr, PROG ": --ready %s: %s\n", opt.ready, err->message);
      g_clear_error (&err);
    }
  g_free (text);
  return ok;
}

static int
serve (int lfd)
{
  static guint8 buf[65536];
  struct pollfd pfd[MAX_CONNS + 2];
  Conn *pconn[MAX_CONNS + 2];

  for (;;)
    {
      nfds_t np = 0;
      pfd[np].fd = sig_pipe[0];
      pfd[np].events = POLLIN;
      pconn[np++] = NULL;
      pfd[np].fd = lfd;
      pfd[np].events = POLLIN;
      pconn[np++] = NULL;
      for (guint i = 0; i < conns->len && np < G_N_ELEMENTS (pfd); i++)
        {
          Conn *c = g_ptr_array_index (conns, i);
          if (c->open && c->fd >= 0)
            {
              pfd[np].fd = c->fd;
              pfd[np].events = POLLIN;
              pconn[np++] = c;
            }
        }
      if (poll (pfd, np, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          fprintf (stderr, PROG ": poll: %s\n", g_strerror (errno));
          return 1;
        }
      if (pfd[0].revents)
        {
          char b = 0;
          if (read (sig_pipe[0], &b, 1) == 1)
            fprintf (stderr, PROG ": signal %d: stopping\n", (int) b);
          return 0;
        }
      if (pfd[1].revents && opt.tcp)
        {
          struct sockaddr_storage ss;
          socklen_t sl = sizeof ss;
          int fd = accept4 (lfd, (struct sockaddr *) &ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK);
          if (fd >= 0)
            {
              char *peer = addr_text ((struct sockaddr *) &ss, sl);
              guint open_count = 0;
              for (guint i = 0; i < conns->len; i++)
                open_count += ((Conn *) g_ptr_array_index (conns, i))->open;
              if (open_count >= MAX_CONNS)
                {
                  fprintf (stderr, PROG ": too many connections; refusing %s\n", peer);
                  close (fd);
                }
              else
                conn_new (FALSE, fd, peer);
              g_free (peer);
            }
          else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fprintf (stderr, PROG ": accept: %s\n", g_strerror (errno));
        }
      if (pfd[1].revents && opt.udp)
        {
          for (;;)
            {
              struct sockaddr_storage ss;
              socklen_t sl = sizeof ss;
              ssize_t r = recvfrom (lfd, buf, sizeof buf, 0, (struct sockaddr *) &ss, &sl);
              if (r < 0)
                {
                  if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    fprintf (stderr, PROG ": recvfrom: %s\n", g_strerror (errno));
                  break;
                }
              char *peer = addr_text ((struct sockaddr *) &ss, sl);
              Conn *c = g_hash_table_lookup (udp_peers, peer);
              if (c == NULL)
                {
                  c = conn_new (TRUE, -1, peer);
                  g_hash_table_insert (udp_peers, g_strdup (peer), c);
                }
              g_free (peer);
              udp_datagram (c, buf, (size_t) r);
            }
        }
      for (nfds_t i = 2; i < np; i++)
        {
          Conn *c = pconn[i];
          if (!pfd[i].revents)
            continue;
          /* read what is there (bounded, so that one busy peer cannot starve
           * the others or the signal pipe) */
          for (int rounds = 0; rounds < 16 && c->open; rounds++)
            {
              ssize_t r = read (c->fd, buf, sizeof buf);
              if (r > 0)
                {
                  if (!tcp_feed (c, buf, (size_t) r))
                    conn_close (c);
                  continue;
                }
              if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                break;
              if (r < 0)
                fprintf (stderr, PROG ": connection %u: read: %s\n", c->id, g_strerror (errno));
              conn_close (c);
            }
        }
    }
}

int
main (int argc, char **argv)
{
  gboolean tcp = FALSE, udp = FALSE;
  GOptionEntry entries[] = {
    { "tcp", 0, 0, G_OPTION_ARG_NONE, &tcp, "Listen on TCP", NULL },
    { "udp", 0, 0, G_OPTION_ARG_NONE, &udp, "Listen on UDP", NULL },
    { "port", 0, 0, G_OPTION_ARG_INT, &opt.port, "Port (0 = any free port; the default)", "N" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &opt.bind_addr,
      "Local address, numeric (default 127.0.0.1)", "ADDR" },
    { "ready", 0, 0, G_OPTION_ARG_FILENAME, &opt.ready,
      "Write the bound port to FILE once accepting", "FILE" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &opt.out,
      "Append one JSON line per data record to FILE", "FILE" },
    { "rcvbuf", 0, 0, G_OPTION_ARG_INT, &opt.rcvbuf,
      "TCP: receive buffer of the connections (SO_RCVBUF; default: the kernel's)", "BYTES" },
    { "count-only", 0, 0, G_OPTION_ARG_NONE, &opt.count_only,
      "One line per message (its record count) instead of one per record", NULL },
    { "elements", 0, 0, G_OPTION_ARG_FILENAME, &opt.elements,
      "libfixbuf XML element file to add to the information model", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  GError *err = NULL;
  GOptionContext *ctx = g_option_context_new ("- test IPFIX collector");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err))
    {
      fprintf (stderr, PROG ": %s\n", err->message);
      g_clear_error (&err);
      g_option_context_free (ctx);
      return 2;
    }
  g_option_context_free (ctx);
  opt.tcp = tcp;
  opt.udp = udp;
  if (tcp == udp || opt.ready == NULL || opt.out == NULL || argc > 1 || opt.port < 0
      || opt.port > 65535)
    {
      fprintf (stderr, PROG ": usage: " PROG " --tcp|--udp [--port N] [--bind ADDR] "
               "--ready FILE --out FILE [--count-only] [--elements XML]\n");
      return 2;
    }
  if (opt.bind_addr == NULL)
    opt.bind_addr = g_strdup ("127.0.0.1");

  g_log_set_default_handler (log_handler, NULL);
  model = fbInfoModelAlloc ();
  if (opt.elements && !fbInfoModelReadXMLFile (model, opt.elements, &err))
    {
      fprintf (stderr, PROG ": --elements %s: %s\n", opt.elements, err->message);
      return 1;
    }
  out_fd = open (opt.out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0)
    {
      fprintf (stderr, PROG ": --out %s: %s\n", opt.out, g_strerror (errno));
      return 1;
    }
  out_buf = g_string_sized_new (1 << 16);
  conns = g_ptr_array_new_with_free_func (conn_free);
  udp_peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (pipe2 (sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      fprintf (stderr, PROG ": pipe: %s\n", g_strerror (errno));
      return 1;
    }
  struct sigaction sa = { 0 };
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);

  int port = 0;
  int lfd = open_socket (&port);
  if (lfd < 0 || !write_ready (port))
    return 1;
  fprintf (stderr, PROG ": %s %s port %d\n", opt.tcp ? "tcp" : "udp", opt.bind_addr, port);

  int rc = serve (lfd);

  guint64 messages = 0, records = 0, mism = 0, missing = 0, errors = 0, incomplete = 0;
  guint64 empty = 0;
  for (guint i = 0; i < conns->len; i++)
    {
      Conn *c = g_ptr_array_index (conns, i);
      if (c->open)
        conn_close (c);
      messages += c->messages;
      records += c->records;
      mism += c->seq_mismatches;
      missing += c->seq_missing;
      errors += c->errors;
      empty += c->empty_sets;
      incomplete += c->pending->len;
    }
  fprintf (stderr,
           PROG ": summary: connections=%u messages=%" G_GUINT64_FORMAT " records=%"
           G_GUINT64_FORMAT " sequence_mismatches=%" G_GUINT64_FORMAT " missing_by_sequence=%"
           G_GUINT64_FORMAT " errors=%" G_GUINT64_FORMAT " empty_sets=%" G_GUINT64_FORMAT
           " incomplete_bytes=%" G_GUINT64_FORMAT " skipped_sets=%" G_GUINT64_FORMAT
           " fixbuf_warnings=%" G_GUINT64_FORMAT "\n", conns->len, messages, records, mism,
           missing, errors, empty, incomplete, skipped_sets, fixbuf_warnings);

  flush_out ();
  close (out_fd);
  close (lfd);
  close (sig_pipe[0]);
  close (sig_pipe[1]);
  g_hash_table_destroy (udp_peers);
  g_ptr_array_free (conns, TRUE);
  g_string_free (out_buf, TRUE);
  fbInfoModelFree (model);
  g_free (opt.bind_addr);
  g_free (opt.ready);
  g_free (opt.out);
  g_free (opt.elements);
  return rc;
}
