/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for netflow.c: the uptime clock at its edges, v5 counter splitting, and v5/v9
 * packets as a collector decodes them (headers, sequence numbers, templates, times).  Loopback only. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export/netflow.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define HOUR (3600 * G_GINT64_CONSTANT (1000))
#define DAY (24 * HOUR)
#define WINDOW (G_GINT64_CONSTANT (1) << 32) /* ms the 32-bit uptime counts */

/* What a collector computes back from a packet (nfdump: boot time =
 * export time - sysUptime, then boot time + First). */
static gint64
collector_time (const VpcNetflowClock *c, guint32 uptime)
{
  return c->export_ms - c->sys_uptime + uptime;
}

/* Every property a packet's clock must have, for flows [first, last]. */
static void
assert_clock (const VpcNetflowClock *c, gint64 first, gint64 last, gboolean whole_seconds)
{
  g_assert_cmpint (c->export_ms - c->boot_ms, ==, c->sys_uptime); /* no wrap */
  g_assert_cmpint (c->export_ms - c->boot_ms, <, WINDOW);
  g_assert_cmpint (c->boot_ms, <=, first - VPC_NETFLOW_BOOT_MARGIN);
  g_assert_cmpint (c->export_ms, >=, last);
  if (whole_seconds)
    g_assert_cmpint (c->export_ms % 1000, ==, 0);
  guint32 f = vpc_netflow_uptime (c, first), l = vpc_netflow_uptime (c, last);
  g_assert_cmpuint (f, >=, VPC_NETFLOW_BOOT_MARGIN); /* LAST_SWITCHED is never 0 */
  g_assert_cmpuint (f, <=, l);
  g_assert_cmpuint (l, <=, c->sys_uptime);
  g_assert_cmpint (collector_time (c, f), ==, first);
  g_assert_cmpint (collector_time (c, l), ==, last);
}

static const gint64 NOW = G_GINT64_CONSTANT (1795000000123); /* 2026-11-19, with ms */

static void
test_clock_recent (void)
{
  for (int whole = 0; whole <= 1; whole++)
    {
      VpcNetflowClock c;
      gint64 first = NOW - 10 * 60 * 1000 - 7, last = NOW - 5 * 60 * 1000 + 333;
      vpc_netflow_clock (NOW, first, last, G_MININT64, whole, &c);
      assert_clock (&c, first, last, whole);
      g_assert_false (c.backdated);
      /* The export time is now (v9: the next whole second). */
      g_assert_cmpint (c.export_ms, ==, whole ? (NOW / 1000 + 1) * 1000 : NOW);
    }
}

static void
test_clock_spanning_hours (void)
{
  VpcNetflowClock c;
  gint64 first = NOW - 30 * HOUR, last = NOW - 2 * HOUR;
  vpc_netflow_clock (NOW, first, last, G_MININT64, TRUE, &c);
  assert_clock (&c, first, last, TRUE);
  g_assert_false (c.backdated);
  g_assert_cmpuint (c.sys_uptime, >, 30 * HOUR); /* more than 16 bits of seconds */
}

static void
test_clock_older_than_window (void)
{
  /* A year-old log replayed: now is 365 days after the flows, far beyond
   * what a 32-bit uptime reaches. */
  for (int whole = 0; whole <= 1; whole++)
    {
      VpcNetflowClock c;
      gint64 first = NOW - 365 * DAY, last = first + 10 * 60 * 1000 + 5;
      vpc_netflow_clock (NOW, first, last, G_MININT64, whole, &c);
      assert_clock (&c, first, last, whole);
      g_assert_true (c.backdated);
      g_assert_cmpint (c.export_ms - last, <, 1000);
    }
  /* Just inside the window: not backdated, the uptime close to 2^32. */
  VpcNetflowClock c;
  gint64 first = NOW - (WINDOW - 1 - VPC_NETFLOW_BOOT_MARGIN);
  vpc_netflow_clock (NOW, first, first + 1000, G_MININT64, FALSE, &c);
  assert_clock (&c, first, first + 1000, FALSE);
  g_assert_false (c.backdated);
  g_assert_cmpuint (c.sys_uptime, ==, G_MAXUINT32);
  /* One millisecond older: backdated. */
  vpc_netflow_clock (NOW, first - 1, first + 1000, G_MININT64, FALSE, &c);
  assert_clock (&c, first - 1, first + 1000, FALSE);
  g_assert_true (c.backdated);
}

static void
test_clock_widest_packet (void)
{
  /* The widest span a packet may hold fits one clock, also rounded to a
   * whole second, with the flows older than the window. */
  for (int whole = 0; whole <= 1; whole++)
    {
      VpcNetflowClock c;
      gint64 last = NOW - 400 * DAY + 1, first = last - VPC_NETFLOW_MAX_SPAN;
      vpc_netflow_clock (NOW, first, last, G_MININT64, whole, &c);
      assert_clock (&c, first, last, whole);
    }
}

static void
test_clock_future (void)
{
  /* Flows stamped ahead of our clock: the export time is never before
   * a flow it carries ends. */
  VpcNetflowClock c;
  gint64 first = NOW + 5000, last = NOW + 65000;
  vpc_netflow_clock (NOW, first, last, G_MININT64, TRUE, &c);
  assert_clock (&c, first, last, TRUE);
  g_assert_false (c.backdated);
}

static void
test_clock_boot_kept (void)
{
  VpcNetflowClock c1, c2, c3;
  /* Packets in time order keep one boot time: sysUptime only grows. */
  vpc_netflow_clock (NOW, NOW - 600000, NOW - 540000, G_MININT64, TRUE, &c1);
  vpc_netflow_clock (NOW + 60000, NOW - 60000, NOW, c1.boot_ms, TRUE, &c2);
  assert_clock (&c2, NOW - 60000, NOW, TRUE);
  g_assert_cmpint (c2.boot_ms, ==, c1.boot_ms);
  g_assert_cmpuint (c2.sys_uptime, >, c1.sys_uptime);
  /* An older flow moves the boot time back (the uptime grows, no reboot). */
  vpc_netflow_clock (NOW + 60000, NOW - HOUR, NOW - HOUR + 1, c2.boot_ms, TRUE, &c3);
  assert_clock (&c3, NOW - HOUR, NOW - HOUR + 1, TRUE);
  g_assert_cmpint (c3.boot_ms, <, c2.boot_ms);
  g_assert_cmpuint (c3.sys_uptime, >, c2.sys_uptime);
}

static void
test_clock_wrap (void)
{
  /* An exporter running for 50 days: the uptime of its old boot time
   * would pass 2^32 and wrap.  The boot time moves instead, and every
   * time stays exact. */
  gint64 boot = NOW - 50 * DAY;
  VpcNetflowClock c;
  vpc_netflow_clock (NOW, NOW - 120000, NOW - 60000, boot, TRUE, &c);
  assert_clock (&c, NOW - 120000, NOW - 60000, TRUE);
  g_assert_cmpint (c.boot_ms, >, boot);
  g_assert_false (c.backdated);
  /* 49 days: still fits, kept. */
  boot = NOW - 49 * DAY;
  vpc_netflow_clock (NOW, NOW - 120000, NOW - 60000, boot, TRUE, &c);
  assert_clock (&c, NOW - 120000, NOW - 60000, TRUE);
  g_assert_cmpint (c.boot_ms, ==, boot);
}

static void
test_v5_pieces (void)
{
  gboolean clamped;
  g_assert_cmpuint (vpc_netflow_v5_pieces (10, 4000, &clamped), ==, 1);
  g_assert_false (clamped);
  g_assert_cmpuint (vpc_netflow_v5_pieces (0, 0, &clamped), ==, 1);
  g_assert_cmpuint (vpc_netflow_v5_pieces (1, G_MAXUINT32, &clamped), ==, 1);
  g_assert_cmpuint (vpc_netflow_v5_pieces (1, (guint64) G_MAXUINT32 + 1, &clamped), ==, 2);
  static const guint64 counts[][2] = {
    { 3000000, G_GUINT64_CONSTANT (4294967296) },
    { 3500000, G_GUINT64_CONSTANT (5123456789) },
    { G_GUINT64_CONSTANT (4294967297), 77 },
    { 12345, G_GUINT64_CONSTANT (1000000000000) },
  };
  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    {
      guint64 n = vpc_netflow_v5_pieces (counts[k][0], counts[k][1], &clamped);
      g_assert_false (clamped);
      g_assert_cmpuint (n, >, 1);
      for (int which = 0; which < 2; which++)
        {
          guint64 sum = 0;
          for (guint64 i = 0; i < n; i++)
            sum += vpc_netflow_v5_piece (counts[k][which], n, i);
          g_assert_cmpuint (sum, ==, counts[k][which]); /* nothing lost, nothing added */
        }
    }
  /* Beyond 1024 records: clamped, every record at the 32-bit maximum. */
  guint64 n = vpc_netflow_v5_pieces (4, G_MAXUINT64, &clamped);
  g_assert_true (clamped);
  g_assert_cmpuint (n, ==, VPC_NETFLOW_V5_MAX_PIECES);
  g_assert_cmpuint (vpc_netflow_v5_piece (G_MAXUINT64, n, 5), ==, G_MAXUINT32);
}

/* --- packets through a loopback socket ------------------------------------------ */

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

static guint64
get64 (const guint8 *p)
{
  return (guint64) get32 (p) << 32 | get32 (p + 4);
}

static int
receiver (char **destination)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  int size = 8 << 20;
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  g_assert_cmpint (bind (fd, (struct sockaddr *) &a, len), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &a, &len), ==, 0);
  *destination = g_strdup_printf ("127.0.0.1:%u", ntohs (a.sin_port));
  return fd;
}

/* Every datagram waiting on fd. */
static GPtrArray *
receive_all (int fd)
{
  GPtrArray *packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint8 buffer[65536];
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, 200) <= 0)
        break;
      ssize_t n = recv (fd, buffer, sizeof buffer, 0);
      g_assert_cmpint (n, >, 0);
      g_ptr_array_add (packets, g_bytes_new (buffer, (gsize) n));
    }
  return packets;
}

typedef struct {
  int fd;
  GPtrArray *outputs;
  VpcNetflow *netflow;
} Fixture;

static void
fixture_open (Fixture *f, VpcProtocol protocol, guint mtu, guint refresh_messages)
{
  g_autofree char *destination = NULL;
  f->fd = receiver (&destination);
  VpcNetOptions options = VPC_NET_OPTIONS_INIT;
  options.protocol = protocol;
  options.mtu = mtu;
  options.rate = 0;
  options.refresh_seconds = 0;
  options.refresh_messages = refresh_messages;
  g_autoptr (GError) error = NULL;
  VpcOutput *output = vpc_output_new_udp (destination, &options, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_output_start (output, NULL, NULL, &error));
  f->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_free);
  g_ptr_array_add (f->outputs, output);
  f->netflow = vpc_netflow_new (protocol, 77, f->outputs, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *f)
{
  vpc_netflow_free (f->netflow);
  g_ptr_array_unref (f->outputs);
  close (f->fd);
}

static guint64
flow_v4 (VpcFlow *flow, guint i, gint64 start, guint8 forwarding)
{
  memset (flow, 0, sizeof *flow);
  flow->sourceIPv4Address = 0x0a000001 + i;
  flow->destinationIPv4Address = 0xc0000201;
  flow->sourceTransportPort = (guint16) (1024 + i);
  flow->destinationTransportPort = 443;
  flow->protocolIdentifier = 6;
  flow->packetDeltaCount = 10 + i;
  flow->octetDeltaCount = 1000 + i;
  flow->flowStartMilliseconds = (guint64) start;
  flow->flowEndMilliseconds = (guint64) start + 59000;
  flow->tcpControlBits = 0x13;
  flow->forwardingStatus = forwarding;
  flow->ingressInterface = 4242;
  return BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_SRCPORT) | BIT (VPC_EL_DSTPORT)
         | BIT (VPC_EL_PROTOCOL) | BIT (VPC_EL_PACKETS) | BIT (VPC_EL_OCTETS)
         | BIT (VPC_EL_START) | BIT (VPC_EL_END) | BIT (VPC_EL_TCP_FLAGS)
         | BIT (VPC_EL_FORWARDING_STATUS) | BIT (VPC_EL_INGRESS_IF);
}

static void
test_v5_packets (void)
{
  Fixture f;
  fixture_open (&f, VPC_PROTOCOL_NETFLOW_V5, 1500, 0);
  g_autoptr (GError) error = NULL;
  gint64 start = G_GINT64_CONSTANT (1418530010000); /* 2014: far older than the window */
  VpcFlow flow;
  /* 65 accepted and 7 rejected flows, one IPv6 flow, one flow of 2^32 bytes. */
  for (guint i = 0; i < 72; i++)
    {
      guint64 mask = flow_v4 (&flow, i, start + i * 1000,
                              i % 10 == 3 ? VPC_FORWARDING_STATUS_ACL_DENY
                                          : VPC_FORWARDING_STATUS_FORWARDED);
      g_assert_true (vpc_netflow_add (f.netflow, &flow, mask, &error));
    }
  guint64 mask = flow_v4 (&flow, 100, start, VPC_FORWARDING_STATUS_FORWARDED);
  flow.octetDeltaCount = G_GUINT64_CONSTANT (4294967296);
  g_assert_true (vpc_netflow_add (f.netflow, &flow, mask, &error));
  mask = (mask & ~(BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4))) | BIT (VPC_EL_SRC6)
         | BIT (VPC_EL_DST6);
  g_assert_true (vpc_netflow_add (f.netflow, &flow, mask, &error));
  g_assert_true (vpc_netflow_flush (f.netflow, &error));
  g_assert_no_error (error);

  g_autoptr (GPtrArray) packets = receive_all (f.fd);
  guint32 next_seq[3] = { 0 };
  guint records[3] = { 0 };
  guint64 octets_of_big = 0;
  for (guint k = 0; k < packets->len; k++)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (packets->pdata[k], &len);
      guint count = get16 (p + 2);
      g_assert_cmpuint (get16 (p), ==, 5);
      g_assert_cmpuint (len, ==, 24 + 48 * count);
      g_assert_cmpuint (count, >=, 1);
      g_assert_cmpuint (count, <=, 30);
      guint engine = p[21];
      g_assert_cmpuint (engine, >=, 1);
      g_assert_cmpuint (engine, <=, 2);
      /* Header sequence: the flows sent before, in this engine. */
      g_assert_cmpuint (get32 (p + 16), ==, next_seq[engine]);
      next_seq[engine] += count;
      records[engine] += count;
      gint64 boot = (gint64) get32 (p + 8) * 1000 + get32 (p + 12) / 1000000 - get32 (p + 4);
      for (guint r = 0; r < count; r++)
        {
          const guint8 *rec = p + 24 + 48 * r;
          guint i = get16 (rec + 32) - 1024;
          gint64 first = boot + get32 (rec + 24), last = boot + get32 (rec + 28);
          g_assert_cmpuint (get32 (rec + 24), <=, get32 (rec + 28));
          g_assert_cmpuint (get32 (rec + 28), <=, get32 (p + 4));
          if (i == 100)
            {
              octets_of_big += get32 (rec + 20);
              g_assert_cmpint (first, ==, start);
              continue;
            }
          g_assert_cmpint (first, ==, start + i * 1000);
          g_assert_cmpint (last, ==, start + i * 1000 + 59000);
          g_assert_cmpuint (engine, ==, i % 10 == 3 ? 2 : 1);
          g_assert_cmpuint (get32 (rec), ==, 0x0a000001 + i);
          g_assert_cmpuint (get32 (rec + 16), ==, 10 + i);
          g_assert_cmpuint (get32 (rec + 20), ==, 1000 + i);
          g_assert_cmpuint (get16 (rec + 12), ==, 4242);
          g_assert_cmpuint (rec[37], ==, 0x13);
          g_assert_cmpuint (rec[38], ==, 6);
        }
    }
  /* 65 + 2 (the big flow split in two) accepted: 30 + 30 + 7; 7 rejected. */
  g_assert_cmpuint (records[1], ==, 67);
  g_assert_cmpuint (records[2], ==, 7);
  g_assert_cmpuint (packets->len, ==, 4);
  g_assert_cmpuint (octets_of_big, ==, G_GUINT64_CONSTANT (4294967296));
  VpcOutputStats stats;
  vpc_output_get_stats (f.outputs->pdata[0], &stats);
  g_assert_cmpuint (stats.skipped_ipv6, ==, 1);
  g_assert_cmpuint (stats.split_flows, ==, 1);
  g_assert_cmpuint (stats.split_records, ==, 2);
  g_assert_cmpuint (stats.records, ==, 74);
  g_assert_cmpuint (stats.backdated_packets, ==, 4);
  vpc_output_stats_clear (&stats);
  fixture_close (&f);
}

static void
test_v9_packets (void)
{
  Fixture f;
  /* Every 2 data packets, the templates again (in a packet of their own). */
  fixture_open (&f, VPC_PROTOCOL_NETFLOW_V9, 576, 2);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_real_time () / 1000 - HOUR;
  VpcFlow flow;
  guint64 mask = 0;
  for (guint i = 0; i < 60; i++)
    {
      mask = flow_v4 (&flow, i, start + i, i % 2 ? VPC_FORWARDING_STATUS_ACL_DENY
                                                 : VPC_FORWARDING_STATUS_FORWARDED);
      if (i % 3 == 0)
        {
          /* IPv6: a template of its own. */
          mask = (mask & ~(BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4))) | BIT (VPC_EL_SRC6)
                 | BIT (VPC_EL_DST6);
          memset (flow.sourceIPv6Address, 0x20, 16);
          flow.sourceIPv6Address[15] = (guint8) i;
        }
      g_assert_true (vpc_netflow_add (f.netflow, &flow, mask, &error));
    }
  g_assert_true (vpc_netflow_flush (f.netflow, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_netflow_get_template_count (f.netflow), ==, 2);

  g_autoptr (GPtrArray) packets = receive_all (f.fd);
  GHashTable *templates = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  guint data_records = 0, data_packets = 0, since_templates = 0, template_packets = 0;
  for (guint k = 0; k < packets->len; k++)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (packets->pdata[k], &len);
      g_assert_cmpuint (len, <=, 576 - 28);
      g_assert_cmpuint (get16 (p), ==, 9);
      g_assert_cmpuint (get32 (p + 12), ==, k); /* sequence: packets, templates included */
      g_assert_cmpuint (get32 (p + 16), ==, 77);
      gint64 boot = (gint64) get32 (p + 8) * 1000 - get32 (p + 4);
      guint count = 0, records = 0, defined = 0;
      for (gsize off = 20; off + 4 <= len;)
        {
          guint16 id = get16 (p + off), set_len = get16 (p + off + 2);
          g_assert_cmpuint (set_len, >=, 4);
          g_assert_cmpuint (off + set_len, <=, len);
          g_assert_cmpuint (set_len % 4, ==, 0);
          if (id == 0)
            {
              guint16 tid = get16 (p + off + 4), n = get16 (p + off + 6);
              GArray *fields = g_array_new (FALSE, FALSE, sizeof (guint32));
              for (guint j = 0; j < n; j++)
                {
                  guint32 tl = get32 (p + off + 8 + 4 * j);
                  g_array_append_val (fields, tl);
                }
              g_hash_table_insert (templates, GUINT_TO_POINTER (tid), fields);
              count++;
              defined++;
            }
          else
            {
              GArray *fields = g_hash_table_lookup (templates, GUINT_TO_POINTER (id));
              g_assert_nonnull (fields); /* the template came first */
              gsize rec_len = 0;
              for (guint j = 0; j < fields->len; j++)
                rec_len += g_array_index (fields, guint32, j) & 0xFFFF;
              for (gsize r = off + 4; r + rec_len <= off + set_len; r += rec_len)
                {
                  const guint8 *at = p + r;
                  guint16 sport = 0;
                  guint32 first = 0, last = 0;
                  guint8 fwd = 0;
                  gboolean v6 = FALSE;
                  for (guint j = 0; j < fields->len; j++)
                    {
                      guint32 tl = g_array_index (fields, guint32, j);
                      guint16 type = (guint16) (tl >> 16), flen = (guint16) tl;
                      if (type == 7)
                        sport = get16 (at);
                      else if (type == 22)
                        first = get32 (at);
                      else if (type == 21)
                        last = get32 (at);
                      else if (type == 89)
                        fwd = *at;
                      else if (type == 27)
                        v6 = TRUE;
                      else if (type == 2)
                        g_assert_cmpuint (get64 (at), ==, 10 + sport - 1024u);
                      at += flen;
                    }
                  guint i = sport - 1024u;
                  g_assert_cmpuint (i, <, 60);
                  g_assert_cmpint (boot + first, ==, start + i);
                  g_assert_cmpint (boot + last, ==, start + i + 59000);
                  g_assert_cmpuint (last, <=, get32 (p + 4));
                  g_assert_cmpuint (fwd, ==, i % 2 ? 129 : 64);
                  g_assert_true (v6 == (i % 3 == 0));
                  records++;
                  count++;
                }
            }
          off += set_len;
        }
      g_assert_cmpuint (get16 (p + 2), ==, count); /* templates and records */
      if (records == 0)
        {
          /* A refresh: every template, after 2 data packets. */
          g_assert_cmpuint (defined, ==, 2);
          g_assert_cmpuint (since_templates, ==, 2);
          template_packets++;
          since_templates = 0;
        }
      else
        {
          data_packets++;
          since_templates++;
        }
      data_records += records;
    }
  g_assert_cmpuint (data_records, ==, 60);
  g_assert_cmpuint (template_packets, >=, 1);
  g_assert_cmpuint (template_packets, ==, (data_packets - 1) / 2);
  VpcOutputStats stats;
  vpc_output_get_stats (f.outputs->pdata[0], &stats);
  g_assert_cmpuint (stats.template_messages, ==, template_packets);
  g_assert_cmpuint (stats.messages, ==, data_packets);
  g_assert_cmpuint (stats.records, ==, 60);
  vpc_output_stats_clear (&stats);
  g_hash_table_unref (templates);
  fixture_close (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/netflow/clock/recent", test_clock_recent);
  g_test_add_func ("/netflow/clock/spanning-hours", test_clock_spanning_hours);
  g_test_add_func ("/netflow/clock/older-than-window", test_clock_older_than_window);
  g_test_add_func ("/netflow/clock/widest-packet", test_clock_widest_packet);
  g_test_add_func ("/netflow/clock/future", test_clock_future);
  g_test_add_func ("/netflow/clock/boot-kept", test_clock_boot_kept);
  g_test_add_func ("/netflow/clock/wrap", test_clock_wrap);
  g_test_add_func ("/netflow/v5/pieces", test_v5_pieces);
  g_test_add_func ("/netflow/v5/packets", test_v5_packets);
  g_test_add_func ("/netflow/v9/packets", test_v9_packets);
  return g_test_run ();
}
