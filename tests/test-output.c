/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for output.c and output-net.c: destinations, UDP (MTU, sequence numbers, template
 * refresh, pacing), TCP (reconnection and re-sending), atomic files.  Loopback only. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "export/exporter.h"
#include "export/output.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

/* How long a collector waits for the exporter before giving up: an upper
 * bound that ends a broken test, never reached when things work. */
#define WAIT_MS 30000

#define DOMAIN 7

/* The RFC 5610 element type records in the first message. */
#define TYPE_RECORDS 44

/* --- a minimal IPFIX reader ------------------------------------------------------ */

static guint16
get16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* One received message. */
typedef struct {
  GBytes *bytes;
  guint32 sequence;
  guint records;          /* data records (in sets with ID >= 256) */
  gboolean template_only; /* template and options template sets only */
  GArray *tids;           /* guint16: templates it defines */
} Message;

static void
message_free (Message *m)
{
  g_bytes_unref (m->bytes);
  g_array_unref (m->tids);
  g_free (m);
}

/* What one collector session knows: template ID -> field lengths (GArray of guint16). */
static GHashTable *
session_new (void)
{
  return g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
}

/* Parse one complete message, learning its templates and counting its
 * data records by walking them with the templates of session. */
static Message *
parse_message (GHashTable *session, const guint8 *data, gsize len)
{
  g_assert_cmpuint (len, >=, 16);
  g_assert_cmpuint (get16 (data), ==, 10);
  g_assert_cmpuint (get16 (data + 2), ==, len);
  g_assert_cmpuint (get32 (data + 4), >, 0); /* export time */
  g_assert_cmpuint (get32 (data + 12), ==, DOMAIN);
  Message *m = g_new0 (Message, 1);
  m->bytes = g_bytes_new (data, len);
  m->sequence = get32 (data + 8);
  m->tids = g_array_new (FALSE, FALSE, sizeof (guint16));
  gboolean data_sets = FALSE;
  gsize off = 16;
  while (off < len)
    {
      g_assert_cmpuint (len - off, >=, 4);
      guint16 set_id = get16 (data + off);
      guint16 set_len = get16 (data + off + 2);
      g_assert_cmpuint (set_len, >, 4); /* no empty sets */
      g_assert_cmpuint (set_len, <=, len - off);
      const guint8 *p = data + off + 4;
      const guint8 *end = data + off + set_len;
      if (set_id == 2 || set_id == 3)
        {
          while (p < end)
            {
              g_assert_cmpint (end - p, >=, 4);
              guint16 tid = get16 (p), count = get16 (p + 2);
              p += 4;
              g_assert_cmpuint (tid, >=, 256);
              g_assert_cmpuint (count, >, 0);
              if (set_id == 3)
                {
                  g_assert_cmpint (end - p, >=, 2);
                  g_assert_cmpuint (get16 (p), >, 0); /* scope count */
                  p += 2;
                }
              GArray *fields = g_array_new (FALSE, FALSE, sizeof (guint16));
              for (guint i = 0; i < count; i++)
                {
                  g_assert_cmpint (end - p, >=, 4);
                  guint16 id = get16 (p), flen = get16 (p + 2);
                  p += 4;
                  if (id & 0x8000)
                    {
                      g_assert_cmpint (end - p, >=, 4);
                      p += 4; /* enterprise number */
                    }
                  g_array_append_val (fields, flen);
                }
              g_hash_table_replace (session, GUINT_TO_POINTER (tid), fields);
              g_array_append_val (m->tids, tid);
            }
        }
      else
        {
          g_assert_cmpuint (set_id, >=, 256);
          GArray *fields = g_hash_table_lookup (session, GUINT_TO_POINTER (set_id));
          if (fields == NULL)
            g_error ("data set %u before its template", set_id);
          data_sets = TRUE;
          gsize min = 0;
          for (guint i = 0; i < fields->len; i++)
            {
              guint16 flen = g_array_index (fields, guint16, i);
              min += flen == 65535 ? 1 : flen;
            }
          g_assert_cmpuint (min, >, 0);
          while (p < end && (gsize) (end - p) >= min)
            {
              for (guint i = 0; i < fields->len; i++)
                {
                  gsize flen = g_array_index (fields, guint16, i);
                  if (flen == 65535)
                    {
                      g_assert_cmpint (end - p, >=, 1);
                      flen = *p++;
                      if (flen == 255)
                        {
                          g_assert_cmpint (end - p, >=, 2);
                          flen = get16 (p);
                          p += 2;
                        }
                    }
                  g_assert_cmpuint ((gsize) (end - p), >=, flen);
                  p += flen;
                }
              m->records++;
            }
          g_assert_true (p == end); /* libfixbuf does not pad */
        }
      off += set_len;
    }
  g_assert_true (data_sets || m->tids->len > 0);
  m->template_only = !data_sets;
  return m;
}

/* RFC 7011: every message carries the number of data records sent before
 * it in the stream (from sequence); a template-only message the number of the
 * message that follows it.  Returns the records counted. */
static guint64
check_sequence (GPtrArray *messages, guint32 sequence)
{
  guint64 records = 0;
  for (guint i = 0; i < messages->len; i++)
    {
      Message *m = messages->pdata[i];
      g_assert_cmpuint (m->sequence, ==, sequence);
      sequence += m->records;
      records += m->records;
    }
  return records;
}

/* Split a TCP stream or a file into messages. */
static GPtrArray *
parse_stream (GByteArray *bytes)
{
  g_autoptr (GHashTable) session = session_new ();
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  gsize off = 0;
  while (off < bytes->len)
    {
      g_assert_cmpuint (bytes->len - off, >=, 16);
      guint16 len = get16 (bytes->data + off + 2);
      g_assert_cmpuint (len, >=, 16);
      g_assert_cmpuint (len, <=, bytes->len - off);
      g_ptr_array_add (messages, parse_message (session, bytes->data + off, len));
      off += len;
    }
  return messages;
}

typedef struct {
  guint data_messages;
  guint template_messages;
  guint64 records;
  guint64 bytes;
} Tally;

static Tally
tally (GPtrArray *messages, guint first, guint last)
{
  Tally t = { 0 };
  for (guint i = first; i < last; i++)
    {
      Message *m = messages->pdata[i];
      if (m->template_only)
        t.template_messages++;
      else
        t.data_messages++;
      t.records += m->records;
      t.bytes += g_bytes_get_size (m->bytes);
    }
  return t;
}

static VpcOutputStats
output_stats (VpcExporter *exporter, guint index)
{
  VpcOutputStats stats;
  vpc_output_get_stats (vpc_exporter_get_output (exporter, index), &stats);
  return stats;
}

/* count flows, alternately over IPv4 and IPv6 (two templates); a message
 * sent after every flush_every flows (0: only when full).  With varlen,
 * the flows also carry a string (vpcId) of 0 to 149 characters. */
static void
add_flows_full (VpcExporter *exporter, guint count, guint flush_every, gboolean varlen)
{
  g_autoptr (GError) error = NULL;
  VpcFlow flow = { 0 };
  flow.sourceIPv4Address = 0x0A000001;
  flow.destinationIPv4Address = 0x0A000002;
  guint8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
  memcpy (flow.sourceIPv6Address, v6, 16);
  memcpy (flow.destinationIPv6Address, v6, 16);
  static const char text[150] = "vpc-0123456789abcdef";
  guint64 v4_mask = BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_PACKETS);
  guint64 v6_mask = BIT (VPC_EL_SRC6) | BIT (VPC_EL_DST6) | BIT (VPC_EL_PACKETS);
  if (varlen)
    {
      v4_mask |= BIT (VPC_EL_VPC_ID);
      v6_mask |= BIT (VPC_EL_VPC_ID);
    }
  fbVarfield_t *vpc_id = &flow.text[VPC_EL_VPC_ID - VPC_EL_FIRST_TEXT];
  vpc_id->buf = (guint8 *) text;
  for (guint i = 0; i < count; i++)
    {
      flow.packetDeltaCount = i;
      vpc_id->len = (i * 37) % sizeof text;
      g_assert_true (vpc_exporter_add (exporter, &flow, i % 3 ? v4_mask : v6_mask, &error));
      g_assert_no_error (error);
      if (flush_every > 0 && (i + 1) % flush_every == 0)
        {
          g_assert_true (vpc_exporter_flush (exporter, &error));
          g_assert_no_error (error);
        }
    }
}

static void
add_flows (VpcExporter *exporter, guint count, guint flush_every)
{
  add_flows_full (exporter, count, flush_every, FALSE);
}

static GPtrArray *
one_output (VpcOutput *output)
{
  GPtrArray *outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_free);
  g_ptr_array_add (outputs, output);
  return outputs;
}

/* A file output beside a collector records the stream itself: the
 * exporter hands every output the same messages. */
typedef struct {
  char *dir;
  char *path;
} StreamFile;

static VpcOutput *
stream_file_new (StreamFile *f)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("vpc-output-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "stream.ipfix", NULL);
  VpcOutput *output = vpc_output_new_file (f->path, &error);
  g_assert_no_error (error);
  return output;
}

/* outputs: output, then a file recording the stream. */
static GPtrArray *
with_stream_file (VpcOutput *output, StreamFile *f)
{
  GPtrArray *outputs = one_output (output);
  g_ptr_array_add (outputs, stream_file_new (f));
  return outputs;
}

/* The stream messages, once finished. */
static GPtrArray *
stream_file_read (StreamFile *f)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (f->path, &contents, &len, &error));
  g_assert_no_error (error);
  g_autoptr (GByteArray) bytes = g_byte_array_new_take ((guint8 *) contents, len);
  return parse_stream (bytes);
}

static void
stream_file_clear (StreamFile *f)
{
  g_remove (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gboolean
message_defines (Message *m, gpointer tid)
{
  for (guint j = 0; j < m->tids->len; j++)
    if (GUINT_TO_POINTER (g_array_index (m->tids, guint16, j)) == tid)
      return TRUE;
  return FALSE;
}

static gboolean
same_message (Message *a, Message *b)
{
  return g_bytes_equal (a->bytes, b->bytes);
}

/* The file and the collector saw the same stream messages. */
static void
check_same_counts (const VpcOutputStats *net, const VpcOutputStats *file)
{
  g_assert_cmpuint (net->messages, ==, file->messages);
  g_assert_cmpuint (net->records, ==, file->records);
  g_assert_cmpuint (net->bytes, ==, file->bytes);
}

static gboolean
have_ipv6 (void)
{
  int fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  gboolean ok = bind (fd, (struct sockaddr *) &a, sizeof a) == 0;
  close (fd);
  return ok;
}

/* A socket bound to an ephemeral loopback port; *destination is HOST:PORT. */
static int
bound_socket (int family, int type, char **destination)
{
  int fd = socket (family, type | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  if (family == AF_INET)
    {
      struct sockaddr_in *a = (struct sockaddr_in *) &ss;
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      len = sizeof *a;
    }
  else
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    }
  g_assert_cmpint (bind (fd, (struct sockaddr *) &ss, len), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &ss, &len), ==, 0);
  guint port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                        : ((struct sockaddr_in6 *) &ss)->sin6_port);
  *destination = g_strdup_printf (family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u", port);
  return fd;
}

/* Wait until fd is readable (or the bound passes): FALSE on timeout. */
static gboolean
wait_readable (int fd)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  int rc;
  do
    rc = poll (&p, 1, WAIT_MS);
  while (rc < 0 && errno == EINTR);
  return rc > 0;
}

/* --- destinations ----------------------------------------------------------------- */

static void
test_destinations (void)
{
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  const char *good[] = { "127.0.0.1:9", "[::1]:9", "localhost:9", "127.0.0.1:65535" };
  gboolean v6 = have_ipv6 ();
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VpcOutput) tcp = vpc_output_new_tcp (good[i], &options, &error);
      g_assert_no_error (error);
      g_assert_nonnull (tcp);
      g_assert_false (vpc_output_is_file (tcp));
      g_assert_cmpuint (vpc_output_get_max_message (tcp), ==, 65496);
      VpcOutputStats stats;
      vpc_output_get_stats (tcp, &stats);
      g_autofree char *expected = g_strdup_printf ("tcp:%s", good[i]);
      g_assert_cmpstr (stats.destination, ==, expected);
      g_assert_cmpstr (stats.transport, ==, "tcp");
      vpc_output_stats_clear (&stats);

      if (!v6 && strchr (good[i], '[') != NULL)
        continue;
      g_autoptr (VpcOutput) udp = vpc_output_new_udp (good[i], &options, &error);
      g_assert_no_error (error);
      g_assert_nonnull (udp);
      vpc_output_get_stats (udp, &stats);
      g_free (expected);
      expected = g_strdup_printf ("udp:%s", good[i]);
      g_assert_cmpstr (stats.destination, ==, expected);
      g_assert_cmpstr (stats.transport, ==, "udp");
      vpc_output_stats_clear (&stats);
    }

  const char *bad[] = { "host",  "host:0",   "host:65536", "::1:80",     "[::1]",   ":80",
                        "[::1]x:80", "host:", "[]:80",      "host:80:81", "host:8x", "",
                        "[::1:80", "host:-1" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (guint tcp = 0; tcp < 2; tcp++)
      {
        g_autoptr (GError) error = NULL;
        VpcOutput *output = tcp ? vpc_output_new_tcp (bad[i], &options, &error)
                                : vpc_output_new_udp (bad[i], &options, &error);
        if (output != NULL)
          g_error ("'%s' accepted as a %s destination", bad[i], tcp ? "TCP" : "UDP");
        g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
        g_autofree char *quoted = g_strdup_printf ("'%s'", bad[i]);
        g_assert_nonnull (strstr (error->message, quoted));
      }
}

/* The largest message fits the MTU less the IP and UDP headers; an MTU
 * that leaves less than 256 bytes is refused. */
static void
test_udp_mtu (void)
{
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  options.mtu = 600;
  g_autoptr (VpcOutput) v4 = vpc_output_new_udp ("127.0.0.1:9", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_output_get_max_message (v4), ==, 572);

  options.mtu = 284;
  g_autoptr (VpcOutput) smallest = vpc_output_new_udp ("127.0.0.1:9", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_output_get_max_message (smallest), ==, 256);

  options.mtu = 283;
  VpcOutput *too_small = vpc_output_new_udp ("127.0.0.1:9", &options, &error);
  g_assert_null (too_small);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1:9"));
  g_clear_error (&error);

  if (!have_ipv6 ())
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  options.mtu = 600;
  g_autoptr (VpcOutput) v6 = vpc_output_new_udp ("[::1]:9", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_output_get_max_message (v6), ==, 552);
  options.mtu = 303;
  VpcOutput *too_small6 = vpc_output_new_udp ("[::1]:9", &options, &error);
  g_assert_null (too_small6);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
}

/* --- UDP -------------------------------------------------------------------------- */

/* Receives datagrams in a thread (so that the socket's buffer never
 * overflows) until told how many to expect through a pipe. */
typedef struct {
  int fd;
  int wake[2];
  GPtrArray *datagrams; /* GBytes* */
  char *error;
  GThread *thread;
} UdpCollector;

static gpointer
udp_collector_thread (gpointer data)
{
  UdpCollector *c = data;
  g_autofree guint8 *buffer = g_malloc (65536);
  guint expected = G_MAXUINT;
  while (c->datagrams->len < expected)
    {
      struct pollfd p[2] = { { .fd = c->fd, .events = POLLIN },
                             { .fd = c->wake[0], .events = POLLIN } };
      int rc = poll (p, expected == G_MAXUINT ? 2 : 1, WAIT_MS);
      if (rc < 0 && errno == EINTR)
        continue;
      if (rc <= 0)
        {
          c->error = g_strdup_printf ("%u of %u datagrams arrived", c->datagrams->len, expected);
          break;
        }
      if (p[0].revents & POLLIN)
        for (;;)
          {
            ssize_t n = recv (c->fd, buffer, 65536, MSG_DONTWAIT);
            if (n < 0)
              break;
            g_ptr_array_add (c->datagrams, g_bytes_new (buffer, (gsize) n));
          }
      if (expected == G_MAXUINT && (p[1].revents & POLLIN))
        g_assert_cmpint (read (c->wake[0], &expected, sizeof expected), ==, sizeof expected);
    }
  return NULL;
}

static UdpCollector *
udp_collector_new (int family, char **destination)
{
  UdpCollector *c = g_new0 (UdpCollector, 1);
  c->fd = bound_socket (family, SOCK_DGRAM, destination);
  int size = 4 * 1024 * 1024;
  setsockopt (c->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  g_assert_cmpint (pipe (c->wake), ==, 0);
  c->datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c->thread = g_thread_new ("udp-collector", udp_collector_thread, c);
  return c;
}

/* Wait for count datagrams in all, and stop. */
static void
udp_collector_join (UdpCollector *c, guint count)
{
  g_assert_cmpint (write (c->wake[1], &count, sizeof count), ==, sizeof count);
  g_thread_join (c->thread);
  if (c->error != NULL)
    g_error ("UDP collector: %s", c->error);
}

static void
udp_collector_free (UdpCollector *c)
{
  close (c->fd);
  close (c->wake[0]);
  close (c->wake[1]);
  g_ptr_array_unref (c->datagrams);
  g_free (c->error);
  g_free (c);
}

typedef struct {
  int family;
  guint rate;
  guint refresh_messages;
  gboolean varlen; /* records of varying length */
} UdpCase;

/* Send flows over UDP with mtu 600 and check what arrives, datagram by
 * datagram, against the RFC, the stream (as a file output beside it got
 * it) and the output's statistics. */
static void
test_udp_stream (gconstpointer data)
{
  const UdpCase *tc = data;
  if (tc->family == AF_INET6 && !have_ipv6 ())
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  const guint flows = 3000;
  g_autofree char *destination = NULL;
  UdpCollector *collector = udp_collector_new (tc->family, &destination);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  options.mtu = 600;
  options.rate = tc->rate;
  options.refresh_seconds = 0;
  options.refresh_messages = tc->refresh_messages;
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_udp (destination, &options, &error);
  g_assert_no_error (error);
  gsize max = tc->family == AF_INET ? 600 - 28 : 600 - 48;
  g_assert_cmpuint (vpc_output_get_max_message (output), ==, max);
  StreamFile file;
  g_autoptr (VpcExporter) exporter
      = vpc_exporter_new (with_stream_file (output, &file), DOMAIN, NULL, &error);
  g_assert_no_error (error);
  add_flows_full (exporter, flows, 0, tc->varlen);
  g_assert_true (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_no_error (error);

  VpcOutputStats stats = output_stats (exporter, 0);
  VpcOutputStats file_stats = output_stats (exporter, 1);
  g_autofree char *expected = g_strdup_printf ("udp:%s", destination);
  g_assert_cmpstr (stats.destination, ==, expected);
  check_same_counts (&stats, &file_stats);
  g_assert_cmpuint (stats.send_errors, ==, 0);
  udp_collector_join (collector, (guint) (stats.messages + stats.template_messages));

  /* Each datagram is one message, no larger than the MTU allows. */
  g_autoptr (GHashTable) session = session_new ();
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  for (guint i = 0; i < collector->datagrams->len; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (collector->datagrams->pdata[i], &len);
      g_assert_cmpuint (len, <=, max);
      g_ptr_array_add (messages, parse_message (session, d, len));
    }
  /* Sequence numbers count the data records, also in template-only messages. */
  g_assert_cmpuint (check_sequence (messages, 0), ==, flows + TYPE_RECORDS);
  Tally t = tally (messages, 0, messages->len);
  g_assert_cmpuint (t.records, ==, stats.records);

  /* The datagrams are the stream, in order, with template refreshes:
   * before every refresh_messages-th stream message but the first,
   * template-only messages defining every template defined so far (and
   * nothing new), with the sequence number of the message after them. */
  g_autoptr (GPtrArray) stream = stream_file_read (&file);
  g_assert_cmpuint (stream->len, ==, stats.messages);
  g_assert_cmpuint (stream->len, >, 50); /* the MTU did split it */
  g_autoptr (GHashTable) known = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) refreshed = g_hash_table_new (NULL, NULL);
  guint next = 0, since = 0, groups = 0, refreshes = 0;
  guint64 bytes = 0;
  for (guint i = 0; i < messages->len; i++)
    {
      Message *m = messages->pdata[i];
      if (next < stream->len && same_message (m, stream->pdata[next]))
        {
          for (guint j = 0; j < m->tids->len; j++)
            g_hash_table_add (known, GUINT_TO_POINTER (g_array_index (m->tids, guint16, j)));
          if (g_hash_table_size (refreshed) > 0)
            {
              g_assert_cmpuint (g_hash_table_size (refreshed), ==, g_hash_table_size (known));
              g_hash_table_remove_all (refreshed);
              since = 0;
            }
          next++;
          since++;
          bytes += g_bytes_get_size (m->bytes);
          if (tc->refresh_messages > 0)
            g_assert_cmpuint (since, <=, tc->refresh_messages);
          continue;
        }
      /* Not the next stream message: a refresh. */
      g_assert_true (m->template_only);
      g_assert_cmpuint (tc->refresh_messages, >, 0);
      g_assert_cmpuint (next, <, stream->len);
      g_assert_cmpuint (m->sequence, ==, ((Message *) stream->pdata[next])->sequence);
      if (g_hash_table_size (refreshed) == 0)
        {
          g_assert_cmpuint (since, ==, tc->refresh_messages);
          groups++;
        }
      refreshes++;
      for (guint j = 0; j < m->tids->len; j++)
        {
          gpointer tid = GUINT_TO_POINTER (g_array_index (m->tids, guint16, j));
          /* A refresh goes before a stream message: it may define the
           * templates that message defines first (they exist by then). */
          g_assert_true (g_hash_table_contains (known, tid)
                         || message_defines (stream->pdata[next], tid));
          g_hash_table_add (refreshed, tid);
        }
    }
  g_assert_cmpuint (next, ==, stream->len);
  g_assert_cmpuint (bytes, ==, stats.bytes);
  g_assert_cmpuint (refreshes, ==, stats.template_messages);
  g_assert_cmpuint (g_hash_table_size (known), ==, 4); /* 256, 257, IPv4 and IPv6 flows */
  if (tc->refresh_messages > 0)
    g_assert_cmpuint (groups, ==, (stats.messages - 1) / tc->refresh_messages);
  else
    g_assert_cmpuint (stats.template_messages, ==, 0);
  g_assert_cmpuint (stats.connects, ==, 0);
  g_assert_cmpuint (stats.resent_messages, ==, 0);

  vpc_output_stats_clear (&stats);
  vpc_output_stats_clear (&file_stats);
  stream_file_clear (&file);
  udp_collector_free (collector);
}

/* Nobody listening: the ICMP errors are counted, the stream goes on, and
 * its end says that nothing was delivered. */
static void
test_udp_no_listener (void)
{
  g_autofree char *destination = NULL;
  int fd = bound_socket (AF_INET, SOCK_DGRAM, &destination);
  close (fd);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  options.mtu = 600;
  options.rate = 0;
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_udp (destination, &options, &error);
  g_assert_no_error (error);
  g_autoptr (VpcExporter) exporter = vpc_exporter_new (one_output (output), DOMAIN, NULL, &error);
  g_assert_no_error (error);
  add_flows (exporter, 1000, 0);
  g_assert_false (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nothing was delivered"));
  VpcOutputStats stats = output_stats (exporter, 0);
  g_assert_cmpuint (stats.messages, >, 2);
  g_assert_cmpuint (stats.records, ==, 1000 + TYPE_RECORDS);
  g_assert_cmpuint (stats.send_errors, >, 0);
  g_assert_cmpuint (stats.send_errors, <=, stats.messages + stats.template_messages);
  vpc_output_stats_clear (&stats);
}

/* --- TCP -------------------------------------------------------------------------- */

/* Accepts connections in a thread and reads each until end of file; the
 * first connection, if close_after > 0, is closed after that many
 * messages once go is pushed (then closed is pushed). */
typedef struct {
  int listen_fd;
  guint connections;    /* to accept */
  guint close_after;
  GAsyncQueue *go;
  GAsyncQueue *closed;
  GPtrArray *received;  /* GByteArray* per connection */
  char *error;
  GThread *thread;
} TcpCollector;

/* Read exactly len bytes; FALSE at end of file, on error or timeout. */
static gboolean
read_exact (int fd, guint8 *buffer, gsize len)
{
  gsize done = 0;
  while (done < len)
    {
      if (!wait_readable (fd))
        return FALSE;
      ssize_t n = recv (fd, buffer + done, len - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

static gpointer
tcp_collector_thread (gpointer data)
{
  TcpCollector *c = data;
  for (guint i = 0; i < c->connections; i++)
    {
      if (!wait_readable (c->listen_fd))
        {
          c->error = g_strdup_printf ("connection %u was not made", i + 1);
          return NULL;
        }
      int fd = accept4 (c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        {
          c->error = g_strdup_printf ("accept: %s", g_strerror (errno));
          return NULL;
        }
      GByteArray *bytes = g_byte_array_new ();
      g_ptr_array_add (c->received, bytes);
      if (i == 0 && c->close_after > 0)
        {
          for (guint m = 0; m < c->close_after; m++)
            {
              guint8 header[16];
              if (!read_exact (fd, header, sizeof header))
                {
                  c->error = g_strdup ("the first messages did not arrive");
                  close (fd);
                  return NULL;
                }
              guint16 len = get16 (header + 2);
              g_byte_array_append (bytes, header, sizeof header);
              g_byte_array_set_size (bytes, bytes->len + len - 16);
              if (len < 16 || !read_exact (fd, bytes->data + bytes->len - (len - 16), len - 16))
                {
                  c->error = g_strdup ("a first message was cut short");
                  close (fd);
                  return NULL;
                }
            }
          if (g_async_queue_timeout_pop (c->go, WAIT_MS * 1000) == NULL)
            {
              c->error = g_strdup ("not told to close the first connection");
              close (fd);
              return NULL;
            }
          close (fd); /* with data unread: a reset */
          g_async_queue_push (c->closed, GUINT_TO_POINTER (1));
          continue;
        }
      for (;;)
        {
          guint8 buffer[16384];
          if (!wait_readable (fd))
            {
              c->error = g_strdup_printf ("connection %u: no end of file", i + 1);
              break;
            }
          ssize_t n = recv (fd, buffer, sizeof buffer, 0);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            c->error = g_strdup_printf ("connection %u: %s", i + 1, g_strerror (errno));
          if (n <= 0)
            break;
          g_byte_array_append (bytes, buffer, (guint) n);
        }
      close (fd);
      if (c->error != NULL)
        return NULL;
    }
  return NULL;
}

static TcpCollector *
tcp_collector_new (int family, guint connections, guint close_after, char **destination)
{
  TcpCollector *c = g_new0 (TcpCollector, 1);
  c->listen_fd = bound_socket (family, SOCK_STREAM, destination);
  g_assert_cmpint (listen (c->listen_fd, 4), ==, 0);
  c->connections = connections;
  c->close_after = close_after;
  c->go = g_async_queue_new ();
  c->closed = g_async_queue_new ();
  c->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  c->thread = g_thread_new ("tcp-collector", tcp_collector_thread, c);
  return c;
}

static void
tcp_collector_join (TcpCollector *c)
{
  g_thread_join (c->thread);
  if (c->error != NULL)
    g_error ("TCP collector: %s", c->error);
  g_assert_cmpuint (c->received->len, ==, c->connections);
}

static void
tcp_collector_free (TcpCollector *c)
{
  close (c->listen_fd);
  g_async_queue_unref (c->go);
  g_async_queue_unref (c->closed);
  g_ptr_array_unref (c->received);
  g_free (c->error);
  g_free (c);
}

static VpcExporter *
tcp_exporter (const char *destination, const VpcNetOptions *options, StreamFile *file)
{
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_tcp (destination, options, &error);
  g_assert_no_error (error);
  VpcExporter *exporter = vpc_exporter_new (with_stream_file (output, file), DOMAIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (exporter);
  return exporter;
}

static void
test_tcp_stream (gconstpointer data)
{
  int family = GPOINTER_TO_INT (data);
  if (family == AF_INET6 && !have_ipv6 ())
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  const guint flows = 3000;
  g_autofree char *destination = NULL;
  TcpCollector *collector = tcp_collector_new (family, 1, 0, &destination);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  options.connect_timeout = 30;
  g_autoptr (GError) error = NULL;
  StreamFile file;
  g_autoptr (VpcExporter) exporter = tcp_exporter (destination, &options, &file);
  VpcOutputStats started = output_stats (exporter, 0);
  g_assert_cmpuint (started.connects, ==, 1); /* connected in vpc_exporter_new () */
  vpc_output_stats_clear (&started);
  add_flows (exporter, flows, 100);
  g_assert_true (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_no_error (error);
  VpcOutputStats stats = output_stats (exporter, 0);
  VpcOutputStats file_stats = output_stats (exporter, 1);
  tcp_collector_join (collector);

  /* Exactly the stream. */
  g_autoptr (GPtrArray) messages = parse_stream (collector->received->pdata[0]);
  g_autoptr (GPtrArray) stream = stream_file_read (&file);
  g_assert_cmpuint (messages->len, ==, stream->len);
  for (guint i = 0; i < stream->len; i++)
    g_assert_true (same_message (messages->pdata[i], stream->pdata[i]));
  g_assert_cmpuint (check_sequence (messages, 0), ==, flows + TYPE_RECORDS);
  Tally t = tally (messages, 0, messages->len);
  g_assert_cmpuint (messages->len, ==, stats.messages);
  g_assert_cmpuint (t.records, ==, stats.records);
  g_assert_cmpuint (t.bytes, ==, stats.bytes);
  check_same_counts (&stats, &file_stats);
  g_assert_cmpuint (stats.connects, ==, 1);
  g_assert_cmpuint (stats.reconnects, ==, 0);
  g_assert_cmpuint (stats.template_messages, ==, 0);
  g_assert_cmpuint (stats.resent_messages, ==, 0);
  g_assert_cmpuint (stats.resent_records, ==, 0);
  g_assert_cmpuint (stats.send_errors, ==, 0);
  g_autofree char *expected = g_strdup_printf ("tcp:%s", destination);
  g_assert_cmpstr (stats.destination, ==, expected);
  vpc_output_stats_clear (&stats);
  vpc_output_stats_clear (&file_stats);
  stream_file_clear (&file);
  tcp_collector_free (collector);
}

/* The collector drops the connection after a few messages: the exporter
 * connects again and sends the templates, then every message it kept. */
static void
test_tcp_reconnect (void)
{
  const guint close_after = 3, before = 1000, after = 2000, flush_every = 100;
  g_autofree char *destination = NULL;
  TcpCollector *collector = tcp_collector_new (AF_INET, 2, close_after, &destination);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  options.connect_timeout = 30;
  g_autoptr (GError) error = NULL;
  StreamFile file;
  g_autoptr (VpcExporter) exporter = tcp_exporter (destination, &options, &file);
  add_flows (exporter, before, flush_every);
  VpcOutputStats before_stats = output_stats (exporter, 1);
  guint64 sent_before = before_stats.messages;
  vpc_output_stats_clear (&before_stats);
  /* The collector drops the connection now; go on once it is gone. */
  g_async_queue_push (collector->go, GUINT_TO_POINTER (1));
  g_assert_nonnull (g_async_queue_timeout_pop (collector->closed, WAIT_MS * 1000));
  add_flows (exporter, after, flush_every);
  g_assert_true (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_no_error (error);
  VpcOutputStats stats = output_stats (exporter, 0);
  VpcOutputStats file_stats = output_stats (exporter, 1);
  tcp_collector_join (collector);
  check_same_counts (&stats, &file_stats);

  g_autoptr (GPtrArray) stream = stream_file_read (&file);
  g_autoptr (GPtrArray) first = parse_stream (collector->received->pdata[0]);
  g_autoptr (GPtrArray) second = parse_stream (collector->received->pdata[1]);
  g_assert_cmpuint (stream->len, ==, stats.messages);
  g_assert_cmpuint (stats.connects, ==, 2);
  g_assert_cmpuint (stats.reconnects, ==, 1);
  /* At least the messages sent before the connection was lost, and the
   * one whose sending found it lost. */
  g_assert_cmpuint (stats.resent_messages, >, sent_before);
  g_assert_cmpuint (stats.resent_messages, <=, stats.messages);
  g_assert_cmpuint (stats.resent_records, >, 0);

  /* The first connection: the start of the stream. */
  g_assert_cmpuint (first->len, ==, close_after);
  for (guint i = 0; i < first->len; i++)
    g_assert_true (same_message (first->pdata[i], stream->pdata[i]));

  /* The second: template-only messages with the sequence number of the
   * first message kept, then the kept messages again (the window, 8 MiB,
   * kept them all), then the rest of the stream. */
  guint templates = (guint) stats.template_messages;
  g_assert_cmpuint (templates, >, 0);
  g_assert_cmpuint (second->len, ==, templates + stream->len);
  /* They define every template defined before the reconnection. */
  g_autoptr (GHashTable) defined = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) refreshed = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < stats.resent_messages; i++)
    {
      Message *m = stream->pdata[i];
      for (guint j = 0; j < m->tids->len; j++)
        g_hash_table_add (defined, GUINT_TO_POINTER (g_array_index (m->tids, guint16, j)));
    }
  for (guint i = 0; i < templates; i++)
    {
      Message *m = second->pdata[i];
      g_assert_true (m->template_only);
      g_assert_cmpuint (m->sequence, ==, ((Message *) stream->pdata[0])->sequence);
      for (guint j = 0; j < m->tids->len; j++)
        {
          gpointer tid = GUINT_TO_POINTER (g_array_index (m->tids, guint16, j));
          g_assert_true (g_hash_table_contains (defined, tid));
          g_hash_table_add (refreshed, tid);
        }
    }
  g_assert_cmpuint (g_hash_table_size (refreshed), ==, g_hash_table_size (defined));
  for (guint i = 0; i < stream->len; i++)
    g_assert_true (same_message (second->pdata[templates + i], stream->pdata[i]));
  g_assert_cmpuint (check_sequence (second, 0), ==, stats.records);
  Tally resent = tally (second, templates, templates + (guint) stats.resent_messages);
  g_assert_cmpuint (resent.records, ==, stats.resent_records);

  /* Every record arrived at least once: the messages, by sequence
   * number, over both connections, cover them all. */
  g_autoptr (GHashTable) by_sequence = g_hash_table_new (NULL, NULL);
  for (guint c = 0; c < 2; c++)
    {
      GPtrArray *messages = c == 0 ? first : second;
      for (guint i = 0; i < messages->len; i++)
        {
          Message *m = messages->pdata[i];
          if (m->records == 0)
            continue;
          Message *other = g_hash_table_lookup (by_sequence, GUINT_TO_POINTER (m->sequence));
          if (other != NULL)
            g_assert_cmpuint (other->records, ==, m->records);
          g_hash_table_insert (by_sequence, GUINT_TO_POINTER (m->sequence), m);
        }
    }
  guint32 sequence = 0;
  for (guint n = 0; n < g_hash_table_size (by_sequence); n++)
    {
      Message *m = g_hash_table_lookup (by_sequence, GUINT_TO_POINTER (sequence));
      g_assert_nonnull (m);
      sequence += m->records;
    }
  g_assert_cmpuint (sequence, ==, before + after + TYPE_RECORDS);
  g_assert_cmpuint (sequence, ==, stats.records);

  vpc_output_stats_clear (&stats);
  vpc_output_stats_clear (&file_stats);
  stream_file_clear (&file);
  tcp_collector_free (collector);
}

/* Nothing listens: the exporter gives up after connect_timeout. */
static void
test_tcp_no_collector (void)
{
  g_autofree char *destination = NULL;
  /* Bound but not listening: connections are refused, and the port stays ours. */
  int fd = bound_socket (AF_INET, SOCK_STREAM, &destination);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  options.connect_timeout = 1;
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_tcp (destination, &options, &error);
  g_assert_no_error (error);
  gint64 start = g_get_monotonic_time ();
  VpcExporter *exporter = vpc_exporter_new (one_output (output), DOMAIN, NULL, &error);
  gint64 elapsed = g_get_monotonic_time () - start;
  g_assert_null (exporter);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, destination));
  /* Bounded: gives up (not a speed test: far above the 1 s asked for). */
  g_assert_cmpint (elapsed, <, 20 * G_USEC_PER_SEC);
  close (fd);
}

/* Waiting for ever (connect_timeout 0) ends when interrupted. */
static void
test_tcp_interrupted (void)
{
  g_autofree char *destination = NULL;
  int fd = bound_socket (AF_INET, SOCK_STREAM, &destination);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  gint interrupted = 1;
  options.connect_timeout = 0;
  options.interrupted = &interrupted;
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_tcp (destination, &options, &error);
  g_assert_no_error (error);
  VpcExporter *exporter = vpc_exporter_new (one_output (output), DOMAIN, NULL, &error);
  g_assert_null (exporter);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, destination));
  g_assert_nonnull (strstr (error->message, "interrupted"));
  close (fd);
}

/* --- files ------------------------------------------------------------------------ */

static guint
count_dir_entries (const char *path, char **first)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (n++ == 0 && first != NULL)
      *first = g_strdup (name);
  return n;
}

static void
test_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-output-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "flows.ipfix", NULL);
  const guint8 one[] = { 0, 10, 0, 20, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 7, 'a', 'b', 'c', 'd' };
  const guint8 two[] = { 0, 10, 0, 16, 1, 2, 3, 4, 0, 0, 0, 5, 0, 0, 0, 7 };

  /* Freed without finish: nothing is left. */
  VpcOutput *aborted = vpc_output_new_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_output_start (aborted, NULL, NULL, &error));
  g_assert_true (vpc_output_send (aborted, one, sizeof one, 5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_dir_entries (dir, NULL), ==, 1);
  vpc_output_free (aborted);
  g_assert_cmpuint (count_dir_entries (dir, NULL), ==, 0);

  g_autoptr (VpcOutput) output = vpc_output_new_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_output_is_file (output));
  g_assert_cmpuint (vpc_output_get_max_message (output), ==, 65496);
  g_assert_true (vpc_output_start (output, NULL, NULL, &error));
  g_assert_true (vpc_output_send (output, one, sizeof one, 5, &error));
  g_assert_true (vpc_output_send (output, two, sizeof two, 0, &error));
  g_assert_true (vpc_output_idle (output, &error));
  g_assert_no_error (error);
  /* Written under a temporary name in the same directory. */
  g_autofree char *tmp_name = NULL;
  g_assert_cmpuint (count_dir_entries (dir, &tmp_name), ==, 1);
  g_assert_true (g_str_has_prefix (tmp_name, ".flows.ipfix."));
  g_assert_true (g_str_has_suffix (tmp_name, ".partial"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (vpc_output_finish (output, &error));
  g_assert_no_error (error);
  g_autofree char *only = NULL;
  g_assert_cmpuint (count_dir_entries (dir, &only), ==, 1);
  g_assert_cmpstr (only, ==, "flows.ipfix");
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpuint (len, ==, sizeof one + sizeof two);
  g_assert_cmpmem (contents, sizeof one, one, sizeof one);
  g_assert_cmpmem (contents + sizeof one, sizeof two, two, sizeof two);

  VpcOutputStats stats;
  vpc_output_get_stats (output, &stats);
  g_autofree char *expected = g_strdup_printf ("file:%s", path);
  g_assert_cmpstr (stats.destination, ==, expected);
  g_assert_cmpstr (stats.transport, ==, "file");
  g_assert_cmpuint (stats.messages, ==, 2);
  g_assert_cmpuint (stats.records, ==, 5);
  g_assert_cmpuint (stats.bytes, ==, sizeof one + sizeof two);
  g_assert_cmpuint (stats.template_messages, ==, 0);
  vpc_output_stats_clear (&stats);

  /* Freeing after finish keeps the file. */
  g_clear_pointer (&output, vpc_output_free);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_remove (path);
  g_rmdir (dir);
}

/* Flushing or idling with no message being built sends nothing: the
 * outputs get each message once. */
static void
test_nothing_pending (void)
{
  g_autoptr (GError) error = NULL;
  StreamFile file;
  g_autoptr (VpcExporter) exporter
      = vpc_exporter_new (one_output (stream_file_new (&file)), DOMAIN, NULL, &error);
  g_assert_no_error (error);
  add_flows (exporter, 100, 0);
  g_assert_true (vpc_exporter_flush (exporter, &error));
  g_assert_no_error (error);
  VpcOutputStats flushed = output_stats (exporter, 0);
  g_assert_true (vpc_exporter_flush (exporter, &error));
  g_assert_true (vpc_exporter_idle (exporter, &error));
  g_assert_true (vpc_exporter_idle (exporter, &error));
  g_assert_true (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_no_error (error);
  VpcOutputStats finished = output_stats (exporter, 0);
  g_assert_cmpuint (finished.messages, ==, flushed.messages);
  g_assert_cmpuint (finished.records, ==, 100 + TYPE_RECORDS);
  g_autoptr (GPtrArray) stream = stream_file_read (&file);
  g_assert_cmpuint (stream->len, ==, flushed.messages);
  g_assert_cmpuint (check_sequence (stream, 0), ==, 100 + TYPE_RECORDS);
  vpc_output_stats_clear (&flushed);
  vpc_output_stats_clear (&finished);
  stream_file_clear (&file);
}

static void
test_file_unwritable (void)
{
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_file ("/nonexistent-dir/x.ipfix", &error);
  g_assert_null (output);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/x.ipfix"));
}

/* A plain file delivers its marks when it is committed, not before. */
static void
test_file_delivery (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-output-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "flows.ipfix", NULL);
  const guint8 one[] = { 0, 10, 0, 16, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 7 };
  g_autoptr (VpcOutput) output = vpc_output_new_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_output_start (output, NULL, NULL, &error));
  g_assert_true (vpc_output_send (output, one, sizeof one, 1, &error));
  vpc_output_mark (output, 1);
  g_assert_true (vpc_output_idle (output, &error));
  g_assert_cmpuint (vpc_output_get_delivered (output), ==, 0);
  g_assert_true (vpc_output_finish (output, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_output_get_delivered (output), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

static const guint8 fake_template[] = { 0, 10, 0, 16, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 7 };

static gboolean
fake_templates (gpointer data, GPtrArray **messages, GError **error)
{
  *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (*messages, g_bytes_new_static (fake_template, sizeof fake_template));
  return TRUE;
}

static char *
bin_name (const char *dir, time_t t)
{
  struct tm tm;
  char name[64];
  localtime_r (&t, &tm);
  strftime (name, sizeof name, "r-%Y%m%d%H%M%S.ipfix", &tm);
  return g_build_filename (dir, name, NULL);
}

/* Time bins: a file per bin, committed when the bin ends (then its marks
 * are delivered), the later ones starting with the templates; a name that
 * exists already is never replaced. */
static void
test_rotate (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-output-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *pattern = g_build_filename (dir, "r-%Y%m%d%H%M%S.ipfix", NULL);
  g_assert_true (vpc_output_name_has_time (pattern));
  g_assert_false (vpc_output_name_has_time ("flows-100%%.ipfix"));
  g_assert_false (vpc_output_name_has_time ("flows.ipfix"));
  const guint8 one[] = { 0, 10, 0, 20, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 7, 'a', 'b', 'c', 'd' };
  const guint8 two[] = { 0, 10, 0, 16, 1, 2, 3, 4, 0, 0, 0, 5, 0, 0, 0, 7 };
  /* Names taken already, for the bins the first message may fall in. */
  time_t now = time (NULL);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *taken = bin_name (dir, now + i);
      g_assert_true (g_file_set_contents (taken, "taken", -1, NULL));
    }
  g_autoptr (VpcOutput) output = vpc_output_new_rotating (pattern, 1, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_output_is_file (output));
  g_assert_true (vpc_output_start (output, fake_templates, NULL, &error));
  vpc_output_mark (output, 1); /* nothing waits in a bin yet */
  g_assert_cmpuint (vpc_output_get_delivered (output), ==, 1);
  g_assert_true (vpc_output_send (output, one, sizeof one, 5, &error));
  vpc_output_mark (output, 2);
  g_assert_cmpuint (vpc_output_get_delivered (output), ==, 1);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (vpc_output_get_delivered (output) < 2 && g_get_monotonic_time () < deadline)
    {
      g_assert_true (vpc_output_idle (output, &error));
      g_usleep (20000);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_output_get_delivered (output), ==, 2);
  g_assert_cmpuint (count_dir_entries (dir, NULL), ==, 4); /* 3 taken, 1 committed */
  g_assert_true (vpc_output_send (output, two, sizeof two, 0, &error));
  vpc_output_mark (output, 3);
  g_assert_true (vpc_output_finish (output, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_output_get_delivered (output), ==, 3);

  /* The taken names are untouched; the first bin's file carries "-1"; the
   * second starts with the templates. */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint taken = 0, first = 0, second = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_true (g_str_has_prefix (name, "r-") && g_str_has_suffix (name, ".ipfix"));
      if (len == 5 && memcmp (contents, "taken", 5) == 0)
        taken++;
      else if (len == sizeof one && memcmp (contents, one, len) == 0)
        {
          first++;
          g_assert_nonnull (strstr (name, "-1.ipfix"));
        }
      else if (len == sizeof fake_template + sizeof two
               && memcmp (contents, fake_template, 4) == 0 /* its time and sequence are set */
               && memcmp (contents + sizeof fake_template, two, sizeof two) == 0)
        second++;
      else
        g_error ("unexpected %s (%" G_GSIZE_FORMAT " bytes)", name, len);
      g_unlink (path);
    }
  g_assert_cmpuint (taken, ==, 3);
  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (second, ==, 1);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const UdpCase v4 = { AF_INET, 0, 0 };
  static const UdpCase v6 = { AF_INET6, 0, 0 };
  static const UdpCase paced = { AF_INET, 100000, 0 };
  static const UdpCase refresh = { AF_INET, 0, 5 };
  static const UdpCase refresh_paced = { AF_INET, 100000, 5 };
  static const UdpCase varlen = { AF_INET, 0, 5, TRUE };
  g_test_add_func ("/output/destinations", test_destinations);
  g_test_add_func ("/output/udp/mtu", test_udp_mtu);
  g_test_add_data_func ("/output/udp/stream-ipv4", &v4, test_udp_stream);
  g_test_add_data_func ("/output/udp/stream-ipv6", &v6, test_udp_stream);
  g_test_add_data_func ("/output/udp/rate", &paced, test_udp_stream);
  g_test_add_data_func ("/output/udp/template-refresh", &refresh, test_udp_stream);
  g_test_add_data_func ("/output/udp/template-refresh-rate", &refresh_paced, test_udp_stream);
  g_test_add_data_func ("/output/udp/varlen", &varlen, test_udp_stream);
  g_test_add_func ("/output/udp/no-listener", test_udp_no_listener);
  g_test_add_data_func ("/output/tcp/stream-ipv4", GINT_TO_POINTER (AF_INET), test_tcp_stream);
  g_test_add_data_func ("/output/tcp/stream-ipv6", GINT_TO_POINTER (AF_INET6), test_tcp_stream);
  g_test_add_func ("/output/tcp/reconnect", test_tcp_reconnect);
  g_test_add_func ("/output/tcp/no-collector", test_tcp_no_collector);
  g_test_add_func ("/output/tcp/interrupted", test_tcp_interrupted);
  g_test_add_func ("/output/file", test_file);
  g_test_add_func ("/output/file/unwritable", test_file_unwritable);
  g_test_add_func ("/output/file/delivery", test_file_delivery);
  g_test_add_func ("/output/rotate", test_rotate);
  g_test_add_func ("/output/nothing-pending", test_nothing_pending);
  return g_test_run ();
}
