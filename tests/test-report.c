/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for report.c and its renderers: aggregation, tie-breaks, thresholds, threats, escaping. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "report/ipfix-input.h"
#include "report/report.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define BASIC (BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_SRCPORT) | BIT (VPC_EL_DSTPORT) \
               | BIT (VPC_EL_PROTOCOL) | BIT (VPC_EL_PACKETS) | BIT (VPC_EL_OCTETS)         \
               | BIT (VPC_EL_START) | BIT (VPC_EL_END) | BIT (VPC_EL_FORWARDING_STATUS))

static guint32
ip4 (guint a, guint b, guint c, guint d)
{
  return (a << 24) | (b << 16) | (c << 8) | d;
}

static VpcAddr
addr4 (guint a, guint b, guint c, guint d)
{
  VpcAddr x = { .family = 4, .bytes = { (guint8) a, (guint8) b, (guint8) c, (guint8) d } };
  return x;
}

/* One IPv4 flow. */
static void
add (VpcReport *r, guint32 src, guint32 dst, guint8 proto, guint16 dport, guint64 packets,
     guint64 bytes, guint64 start_s, gboolean accept, const char *ifname)
{
  VpcFlow f = { 0 };
  f.sourceIPv4Address = src;
  f.destinationIPv4Address = dst;
  f.protocolIdentifier = proto;
  f.destinationTransportPort = dport;
  f.sourceTransportPort = 40000;
  f.packetDeltaCount = packets;
  f.octetDeltaCount = bytes;
  f.flowStartMilliseconds = start_s * 1000;
  f.flowEndMilliseconds = start_s * 1000 + 30000;
  f.forwardingStatus = accept ? VPC_FORWARDING_STATUS_FORWARDED : VPC_FORWARDING_STATUS_ACL_DENY;
  guint64 mask = BASIC;
  if (ifname != NULL)
    {
      f.interfaceName.buf = (uint8_t *) ifname;
      f.interfaceName.len = strlen (ifname);
      mask |= BIT (VPC_EL_IF_NAME);
    }
  vpc_report_add_flow (r, &f, mask);
}

static const VpcReportRow *
row (const VpcReportTable *t, guint i)
{
  g_assert_cmpuint (i, <, t->rows->len);
  return &g_array_index (t->rows, VpcReportRow, i);
}

/* Totals, shares, top tables and their tie-breaks (flows, packets, bytes,
 * then the address), and the cut at --top. */
static void
test_totals_and_tops (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  o.top = 2;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  guint32 us = ip4 (10, 0, 0, 1);
  add (r, us, ip4 (1, 1, 1, 1), 6, 443, 10, 1000, 1000, TRUE, "eni-a");
  add (r, ip4 (5, 5, 5, 5), us, 6, 22, 1, 40, 1000, FALSE, "eni-a");
  add (r, ip4 (5, 5, 5, 5), us, 6, 22, 1, 40, 1001, FALSE, "eni-b");
  add (r, ip4 (4, 4, 4, 4), us, 6, 23, 1, 40, 1002, FALSE, "eni-b");
  add (r, ip4 (3, 3, 3, 3), us, 17, 53, 1, 40, 1003, FALSE, "eni-b"); /* ties with 4.4.4.4 */
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->all.flows, ==, 5);
  g_assert_cmpuint (s->all.bytes, ==, 1160);
  g_assert_cmpuint (s->accepted.flows, ==, 1);
  g_assert_cmpuint (s->rejected.flows, ==, 4);
  g_assert_cmpuint (s->rejected.packets, ==, 4);
  g_assert_cmpuint (s->sources.distinct, ==, 3);
  g_assert_cmpuint (s->sources.rows->len, ==, 2);
  g_assert_cmpstr (row (&s->sources, 0)->name, ==, "5.5.5.5");
  g_assert_cmpstr (row (&s->sources, 1)->name, ==, "3.3.3.3"); /* lower address wins a tie */
  g_assert_cmpuint (s->ports.distinct, ==, 3);
  g_assert_cmpstr (row (&s->ports, 0)->name, ==, "tcp/22");
  g_assert_cmpuint (row (&s->ports, 0)->tally.flows, ==, 2);
  g_assert_cmpstr (row (&s->ports, 1)->name, ==, "tcp/23"); /* tcp/23 (6<<16) before udp/53 */
  g_assert_cmpstr (row (&s->interfaces, 0)->name, ==, "eni-b");
  g_assert_cmpuint (row (&s->interfaces, 0)->tally.flows, ==, 3);
  g_assert_cmpuint (s->destinations.distinct, ==, 1);
  g_assert_true (s->have_time);
  g_assert_cmpuint (s->first_ms, ==, 1000000);
  g_assert_cmpuint (s->last_ms, ==, 1033000);
}

/* A source is a scanner at exactly --scan-ports distinct ports (or
 * --scan-hosts hosts), not one below; accepted flows are not counted. */
static void
test_scanner_thresholds (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  o.scan_ports = 5;
  o.scan_hosts = 3;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  for (guint p = 0; p < 5; p++)
    add (r, ip4 (7, 7, 7, 7), ip4 (10, 0, 0, 1), 6, (guint16) (100 + p), 1, 40, 1000, FALSE, NULL);
  for (guint p = 0; p < 4; p++)
    add (r, ip4 (8, 8, 8, 8), ip4 (10, 0, 0, 1), 6, (guint16) (100 + p), 1, 40, 1000, FALSE, NULL);
  for (guint p = 0; p < 9; p++) /* accepted: not a scan */
    add (r, ip4 (8, 8, 8, 8), ip4 (10, 0, 0, 1), 6, (guint16) (200 + p), 1, 40, 1000, TRUE, NULL);
  add (r, ip4 (8, 8, 8, 8), ip4 (10, 0, 0, 1), 17, 100, 1, 40, 1000, FALSE, NULL); /* udp/100 is another port */
  for (guint h = 0; h < 3; h++)
    add (r, ip4 (9, 9, 9, 9), ip4 (10, 0, 1, h), 6, 22, 1, 40, 1000, FALSE, NULL);
  for (guint h = 0; h < 2; h++)
    add (r, ip4 (6, 6, 6, 6), ip4 (10, 0, 1, h), 6, 22, 1, 40, 1000, FALSE, NULL);
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->scanner_count, ==, 3);
  const VpcReportScanner *a = &g_array_index (s->scanners, VpcReportScanner, 0);
  const VpcReportScanner *b = &g_array_index (s->scanners, VpcReportScanner, 1);
  const VpcReportScanner *c = &g_array_index (s->scanners, VpcReportScanner, 2);
  g_assert_cmpstr (a->address, ==, "7.7.7.7"); /* 5 + 1: tie with 8.8.8.8 broken by flows */
  g_assert_cmpstr (b->address, ==, "8.8.8.8");
  g_assert_cmpuint (b->ports, ==, 5);
  g_assert_cmpuint (b->accepted_flows, ==, 9);
  g_assert_cmpstr (c->address, ==, "9.9.9.9");
  g_assert_cmpuint (c->hosts, ==, 3);
}

/* The automatic bucket is the smallest of the list giving at most 60
 * bars; an explicit one is used as given; flows without start are counted. */
static void
test_histogram (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  add (r, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 1795132800, FALSE, NULL);
  add (r, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 1795132800 + 4 * 3600 + 59, FALSE, NULL);
  add (r, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 1795132800 + 4 * 3600 + 299, FALSE, NULL);
  VpcFlow f = { 0 };
  f.forwardingStatus = VPC_FORWARDING_STATUS_ACL_DENY;
  vpc_report_add_flow (r, &f, BIT (VPC_EL_FORWARDING_STATUS));
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->bucket_seconds, ==, 300); /* 4 h: 49 buckets of 5 min */
  g_assert_cmpuint (s->buckets->len, ==, 2);
  g_assert_cmpuint (g_array_index (s->buckets, VpcReportBucket, 1).tally.flows, ==, 2);
  g_assert_cmpuint (g_array_index (s->buckets, VpcReportBucket, 1).start_ms, ==,
                    (1795132800ull + 4 * 3600) * 1000);
  g_assert_cmpuint (s->rejected_without_time, ==, 1);
  g_assert_cmpuint (s->rejected_without_port, ==, 1);
  g_assert_cmpuint (s->flows_noaddr, ==, 1);

  o.bucket_seconds = 7;
  g_autoptr (VpcReport) r2 = vpc_report_new (&o, NULL);
  add (r2, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 13, FALSE, NULL);
  add (r2, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 14, FALSE, NULL);
  g_autoptr (VpcReportSummary) s2 = vpc_report_finish (r2, NULL);
  g_assert_cmpuint (s2->bucket_seconds, ==, 7);
  g_assert_cmpuint (s2->buckets->len, ==, 2);
  g_assert_cmpuint (g_array_index (s2->buckets, VpcReportBucket, 0).start_ms, ==, 7000);
}

/* Sums saturate instead of wrapping. */
static void
test_saturation (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  add (r, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, G_MAXUINT64, G_MAXUINT64, 1, FALSE, NULL);
  add (r, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 5, 5, 1, FALSE, NULL);
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->all.packets, ==, G_MAXUINT64);
  g_assert_cmpuint (s->rejected.bytes, ==, G_MAXUINT64);
  g_assert_cmpuint (row (&s->sources, 0)->tally.bytes, ==, G_MAXUINT64);
}

/* Threats: direction, counts per action, flagged first (accepted + high),
 * then severity; private space never matches; the same listed address as
 * source and destination counts the flow once. */
static void
test_threats (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  VpcAddr a = addr4 (91, 240, 118, 7), b = addr4 (193, 42, 33, 0), b2 = addr4 (193, 42, 33, 255);
  VpcAddr c = addr4 (185, 220, 101, 5), p1 = addr4 (10, 0, 0, 0), p2 = addr4 (10, 255, 255, 255);
  vpc_threat_db_add_range (db, 0, VPC_SEVERITY_HIGH, &a, &a);
  vpc_threat_db_add_range (db, 0, VPC_SEVERITY_HIGH, &b, &b2);
  vpc_threat_db_add_range (db, 1, VPC_SEVERITY_MEDIUM, &c, &c);
  vpc_threat_db_add_range (db, 1, VPC_SEVERITY_MEDIUM, &a, &a);
  g_assert_cmpuint (vpc_threat_db_add_range (db, 0, VPC_SEVERITY_HIGH, &p1, &p2), ==, 0);
  vpc_threat_db_build (db);

  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, db);
  guint32 us = ip4 (10, 0, 1, 23);
  for (guint i = 0; i < 30; i++) /* many rejects from the medium one */
    add (r, ip4 (185, 220, 101, 5), us, 6, 22, 1, 40, 1000 + i, FALSE, "eni-x");
  add (r, ip4 (91, 240, 118, 7), us, 6, 443, 10, 5000, 2000, FALSE, "eni-y");
  add (r, ip4 (193, 42, 33, 14), us, 6, 443, 1, 100, 3000, FALSE, "eni-y");
  add (r, us, ip4 (193, 42, 33, 14), 6, 8080, 7, 900, 3100, TRUE, "eni-z");
  add (r, ip4 (193, 42, 33, 14), ip4 (193, 42, 33, 14), 6, 1, 1, 1, 3200, FALSE, "eni-z");
  add (r, us, ip4 (10, 9, 9, 9), 6, 80, 1, 1, 3300, TRUE, NULL);
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->threat_addresses, ==, 3);
  g_assert_cmpuint (s->threat_flagged, ==, 1);
  g_assert_cmpuint (s->threat_flows.flows, ==, 34);
  g_assert_cmpuint (s->threat_accepted.flows, ==, 1);
  const VpcReportThreat *t0 = &g_array_index (s->threats, VpcReportThreat, 0);
  const VpcReportThreat *t1 = &g_array_index (s->threats, VpcReportThreat, 1);
  const VpcReportThreat *t2 = &g_array_index (s->threats, VpcReportThreat, 2);
  g_assert_cmpstr (t0->address, ==, "193.42.33.14");
  g_assert_true (t0->flagged);
  g_assert_cmpstr (vpc_threat_direction_name (t0->direction), ==, "both");
  g_assert_cmpuint (t0->total.flows, ==, 3); /* the src == dst flow once */
  g_assert_cmpuint (t0->accepted.flows, ==, 1);
  g_assert_cmpuint (t0->rejected.flows, ==, 2);
  g_assert_cmpuint (g_strv_length (t0->interfaces), ==, 2);
  g_assert_cmpstr (t0->interfaces[0], ==, "eni-y");
  g_assert_cmpstr (t1->address, ==, "91.240.118.7"); /* high, not accepted: before medium */
  g_assert_false (t1->flagged);
  g_assert_cmpuint (t1->feeds, ==, 3);
  g_assert_cmpstr (t1->feed_names[1], ==, "feed1"); /* no feed list: numbered */
  g_assert_cmpstr (vpc_threat_direction_name (t1->direction), ==, "inbound");
  g_assert_cmpstr (t2->address, ==, "185.220.101.5");
  g_assert_cmpuint (t2->severity, ==, VPC_SEVERITY_MEDIUM);
  g_assert_cmpuint (t2->rejected.flows, ==, 30);
  g_assert_cmpuint (t2->first_ms, ==, 1000000);
  g_assert_cmpuint (t2->last_ms, ==, 1059000);
}

/* Names from the logs are escaped in every rendering. */
static void
test_escaping (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  add (r, ip4 (1, 2, 3, 4), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 1, FALSE, "<b>\"x\",\xff\n");
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_autofree char *json = vpc_report_to_json (s);
  g_assert_nonnull (strstr (json, "\"interface\": \"<b>\\\"x\\\",\xef\xbf\xbd\\u000a\""));
  g_assert_true (g_utf8_validate (json, -1, NULL));
  g_autofree char *html = vpc_report_to_html (s);
  g_assert_null (strstr (html, "<b>"));
  g_assert_nonnull (strstr (html, "&lt;b&gt;&quot;x&quot;,"));
  g_assert_null (strstr (html, "href="));  /* nothing to fetch */
  g_assert_null (strstr (html, " src="));
  g_assert_null (strstr (html, "<script"));
  g_autofree char *csv = vpc_report_to_csv (s);
  g_assert_nonnull (strstr (csv, "rejected_interfaces,\"<b>\"\"x\"\",\xef\xbf\xbd\n\",1,1,40\r\n"));
  g_autofree char *table = vpc_report_to_table (s);
  g_assert_nonnull (strstr (table, "tcp/22"));
}

/* An IPFIX record whose interfaceName has length zero: libfixbuf hands it
 * back with a NULL buffer, which became a NULL hash key (issue 15, item 4).
 * 54 bytes: a template (sourceIPv4Address, destinationIPv4Address,
 * forwardingStatus, interfaceName) and one rejected flow. */
static void
test_ipfix_empty_string (void)
{
  static const guint8 message[54] = {
    0x00, 0x0a, 0x00, 0x36, 0x65, 0x53, 0xf1, 0x00, 0, 0, 0, 0, 0, 0, 0, 1,
    /* template set: 256, 4 elements */
    0x00, 0x02, 0x00, 0x18, 0x01, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0x04, 0x00, 0x0c, 0x00, 0x04,
    0x00, 0x59, 0x00, 0x01, 0x00, 0x52, 0xff, 0xff,
    /* data set 256: 10.0.0.1 10.0.0.2, 129 (ACL deny), an empty string */
    0x01, 0x00, 0x00, 0x0e, 10, 0, 0, 1, 10, 0, 0, 2, 129, 0,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("test-report-XXXXXX.ipfix", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, (const char *) message, sizeof message, &error));
  g_autoptr (VpcIpfixInput) input = vpc_ipfix_input_open (path, &error);
  g_assert_no_error (error);
  const VpcFlow *flow = NULL;
  guint64 mask = 0;
  g_assert_true (vpc_ipfix_input_next (input, &flow, &mask, &error));
  g_assert_no_error (error);
  g_assert_true (mask & BIT (VPC_EL_IF_NAME));
  g_assert_nonnull (flow->interfaceName.buf);
  g_assert_cmpuint (flow->interfaceName.len, ==, 0);
  for (guint i = 0; i < VPC_FLOW_TEXTS; i++)
    g_assert_nonnull (flow->text[i].buf);

  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  vpc_report_add_flow (r, flow, mask);
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->rejected.flows, ==, 1);
  g_assert_false (vpc_ipfix_input_next (input, &flow, &mask, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_unlink (path);
}

/* A flow with the texts and fields of the daily view; NULL texts and a
 * negative direction are left out of the mask. */
typedef struct {
  guint32 src, dst;
  guint8 proto;
  guint16 dport;
  guint64 bytes;
  gboolean accept;
  int direction;            /* -1 absent, 0 ingress, 1 egress */
  const char *ifname, *instance, *vpc, *account, *aws_service;
} DailyFlow;

static void
add_daily (VpcReport *r, const DailyFlow *d)
{
  VpcFlow f = { 0 };
  f.sourceIPv4Address = d->src;
  f.destinationIPv4Address = d->dst;
  f.protocolIdentifier = d->proto;
  f.destinationTransportPort = d->dport;
  f.packetDeltaCount = 1;
  f.octetDeltaCount = d->bytes;
  f.flowStartMilliseconds = 1000000;
  f.flowEndMilliseconds = 1030000;
  f.forwardingStatus = d->accept ? VPC_FORWARDING_STATUS_FORWARDED : VPC_FORWARDING_STATUS_ACL_DENY;
  guint64 mask = BASIC;
  if (d->direction >= 0)
    {
      f.flowDirection = (guint8) d->direction;
      mask |= BIT (VPC_EL_FLOW_DIRECTION);
    }
  if (d->ifname != NULL)
    {
      f.interfaceName.buf = (uint8_t *) d->ifname;
      f.interfaceName.len = strlen (d->ifname);
      mask |= BIT (VPC_EL_IF_NAME);
    }
  struct {
    VpcElementIndex el;
    const char *text;
  } texts[] = { { VPC_EL_INSTANCE_ID, d->instance }, { VPC_EL_VPC_ID, d->vpc },
                { VPC_EL_ACCOUNT_ID, d->account }, { VPC_EL_PKT_DST_SERVICE, d->aws_service } };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i].text != NULL)
      {
        fbVarfield_t *v = &f.text[texts[i].el - VPC_EL_FIRST_TEXT];
        v->buf = (uint8_t *) texts[i].text;
        v->len = strlen (texts[i].text);
        mask |= BIT (texts[i].el);
      }
  vpc_report_add_flow (r, &f, mask);
}

/* Talkers: accepted flows only; the direction from flow-direction, else from
 * which side is private; both directions of a session in one conversation. */
static void
test_talkers (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  guint32 us = ip4 (10, 0, 0, 1), them = ip4 (1, 1, 1, 1);
  add_daily (r, &(DailyFlow){ us, them, 6, 443, 100, TRUE, -1 });        /* outbound */
  add_daily (r, &(DailyFlow){ them, us, 6, 40000, 900, TRUE, -1 });      /* inbound */
  add_daily (r, &(DailyFlow){ us, ip4 (10, 0, 0, 2), 6, 80, 50, TRUE, -1 }); /* unknown */
  add_daily (r, &(DailyFlow){ us, ip4 (10, 0, 0, 2), 6, 80, 7, TRUE, 1 });   /* egress field */
  add_daily (r, &(DailyFlow){ them, us, 6, 22, 5000, FALSE, -1 });       /* rejected: not a talker */
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->talker_way[VPC_REPORT_WAY_OUTBOUND].bytes, ==, 107);
  g_assert_cmpuint (s->talker_way[VPC_REPORT_WAY_INBOUND].bytes, ==, 900);
  g_assert_cmpuint (s->talker_way[VPC_REPORT_WAY_UNKNOWN].bytes, ==, 50);
  const VpcTalkerTable *c = &s->talker_conversations;
  g_assert_cmpuint (c->distinct, ==, 2);
  const VpcReportRow *top = &g_array_index (c->by_bytes, VpcReportRow, 0);
  g_assert_cmpstr (top->name, ==, "1.1.1.1");
  g_assert_cmpstr (top->peer, ==, "10.0.0.1");
  g_assert_cmpuint (top->tally.flows, ==, 2);
  g_assert_cmpuint (top->tally.bytes, ==, 1000);
  g_assert_cmpuint (top->inbound_bytes, ==, 900);
  g_assert_cmpuint (top->outbound_bytes, ==, 100);
  const VpcReportRow *src = &g_array_index (s->talker_sources.by_flows, VpcReportRow, 0);
  g_assert_cmpstr (src->name, ==, "10.0.0.1");
  g_assert_cmpuint (src->tally.flows, ==, 3);
  g_assert_cmpuint (s->talker_ports.distinct, ==, 3);
}

/* Exposure: accepted, inbound, public source, tcp/udp, a watched port; distinct
 * sources counted once, listed ones counted. */
static void
test_exposure (void)
{
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  VpcAddr bad = addr4 (91, 240, 118, 7);
  vpc_threat_db_add_range (db, 0, VPC_SEVERITY_HIGH, &bad, &bad);
  vpc_threat_db_build (db);
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, db);
  guint32 us = ip4 (10, 0, 0, 1);
  const char *eni = "eni-ssh", *inst = "i-ssh", *vpc = "vpc-a";
  add_daily (r, &(DailyFlow){ ip4 (91, 240, 118, 7), us, 6, 22, 10, TRUE, 0, eni, inst, vpc });
  add_daily (r, &(DailyFlow){ ip4 (91, 240, 118, 7), us, 6, 22, 10, TRUE, 0, eni, inst, vpc });
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 8, 8), us, 6, 22, 10, TRUE, -1, eni, inst, vpc });
  add_daily (r, &(DailyFlow){ ip4 (10, 9, 9, 9), us, 6, 22, 10, TRUE, 0, eni, inst, vpc });  /* private */
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 4, 4), us, 6, 22, 10, FALSE, 0, eni, inst, vpc }); /* rejected */
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 4, 4), us, 6, 22, 10, TRUE, 1, eni, inst, vpc });  /* egress */
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 4, 4), us, 6, 443, 10, TRUE, 0, eni, inst, vpc }); /* not watched */
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 4, 4), us, 1, 22, 10, TRUE, 0, eni, inst, vpc });  /* icmp */
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 4, 4), us, 17, 11211, 10, TRUE, 0, "eni-mc" });
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->exposure_count, ==, 2);
  const VpcReportExposure *e = &g_array_index (s->exposures, VpcReportExposure, 0);
  g_assert_cmpstr (e->place.interface, ==, "eni-ssh");
  g_assert_cmpstr (e->place.instance, ==, "i-ssh");
  g_assert_cmpstr (e->place.vpc, ==, "vpc-a");
  g_assert_cmpuint (e->port, ==, 22);
  g_assert_cmpuint (e->sources, ==, 2);
  g_assert_cmpuint (e->listed_sources, ==, 1);
  g_assert_cmpuint (e->tally.flows, ==, 3);
  e = &g_array_index (s->exposures, VpcReportExposure, 1);
  g_assert_cmpstr (e->protocol_name, ==, "udp");
  g_assert_cmpuint (e->port, ==, 11211);
  g_assert_null (e->place.instance);
}

/* Egress: accepted, outbound, public, not AWS; the threshold flag. */
static void
test_egress (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  o.egress_threshold = 1000;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  guint32 us = ip4 (10, 0, 0, 1);
  add_daily (r, &(DailyFlow){ us, ip4 (8, 8, 8, 8), 6, 443, 600, TRUE, 1, "eni-a" });
  add_daily (r, &(DailyFlow){ us, ip4 (8, 8, 4, 4), 6, 443, 400, TRUE, -1, "eni-a" });
  add_daily (r, &(DailyFlow){ us, ip4 (52, 216, 0, 1), 6, 443, 9999, TRUE, 1, "eni-a", NULL,
                               NULL, NULL, "S3" });
  add_daily (r, &(DailyFlow){ us, ip4 (10, 0, 0, 2), 6, 443, 9999, TRUE, 1, "eni-a" });
  add_daily (r, &(DailyFlow){ us, ip4 (8, 8, 8, 8), 6, 443, 9999, FALSE, 1, "eni-a" });
  add_daily (r, &(DailyFlow){ us, ip4 (8, 8, 8, 8), 6, 443, 999, TRUE, 1, "eni-b" });
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  g_assert_cmpuint (s->egress_total.bytes, ==, 1999);
  g_assert_cmpuint (s->egress_interface_count, ==, 2);
  g_assert_cmpuint (s->egress_over_threshold, ==, 1);
  const VpcReportEgress *a = &g_array_index (s->egress_interfaces, VpcReportEgress, 0);
  g_assert_cmpstr (a->place.interface, ==, "eni-a");
  g_assert_cmpuint (a->tally.bytes, ==, 1000);
  g_assert_cmpuint (a->destinations, ==, 2);
  g_assert_true (a->over_threshold);
  g_assert_false (g_array_index (s->egress_interfaces, VpcReportEgress, 1).over_threshold);
  g_assert_cmpuint (s->egress_destination_count, ==, 3);
  g_assert_cmpstr (g_array_index (s->egress_destinations, VpcReportEgress, 0).address, ==,
                   "8.8.8.8");
}

/* Groups: every flow, the rejected share, flows without the field. */
static void
test_groups (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) r = vpc_report_new (&o, NULL);
  guint32 us = ip4 (10, 0, 0, 1);
  add_daily (r, &(DailyFlow){ us, ip4 (8, 8, 8, 8), 6, 443, 1, TRUE, 1, "eni-a", NULL, "vpc-a", "111" });
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 8, 8), us, 6, 22, 1, FALSE, 0, "eni-a", NULL, "vpc-a", "111" });
  add_daily (r, &(DailyFlow){ ip4 (8, 8, 8, 8), us, 6, 22, 1, FALSE, 0, "eni-b", NULL, "vpc-b" });
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  const VpcReportGroup *accounts = &s->groups[0], *vpcs = &s->groups[1], *subnets = &s->groups[2];
  g_assert_cmpstr (accounts->name, ==, "accounts");
  g_assert_cmpuint (accounts->distinct, ==, 1);
  g_assert_cmpuint (accounts->without, ==, 1);
  const VpcReportGroupRow *a = &g_array_index (accounts->rows, VpcReportGroupRow, 0);
  g_assert_cmpstr (a->name, ==, "111");
  g_assert_cmpuint (a->all.flows, ==, 2);
  g_assert_cmpuint (a->accepted.flows, ==, 1);
  g_assert_cmpuint (a->rejected.flows, ==, 1);
  g_assert_cmpuint (vpcs->distinct, ==, 2);
  g_assert_cmpuint (subnets->distinct, ==, 0);
  g_assert_cmpuint (subnets->without, ==, 3);
  g_autofree char *json = vpc_report_to_json (s);
  g_assert_nonnull (strstr (json, "\"schema\": \"vpc-report/2\""));
  g_assert_nonnull (strstr (json, "{\"account\": \"111\", \"flows\": 2, "));
  g_assert_nonnull (strstr (json, "\"rejected_share\": 0.500000}"));
}

static void
test_parse_ports (void)
{
  VpcReportOptions o = VPC_REPORT_OPTIONS_INIT;
  g_assert_cmpuint (o.exposure_port_count, ==, 13);
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_report_parse_ports (" 3389,22, 22 ,65535", &o, &error));
  g_assert_cmpuint (o.exposure_port_count, ==, 3);
  g_assert_cmpuint (o.exposure_ports[0], ==, 22);
  g_assert_cmpuint (o.exposure_ports[2], ==, 65535);
  g_assert_true (vpc_report_parse_ports ("", &o, &error));
  g_assert_cmpuint (o.exposure_port_count, ==, 0);
  const char *bad[] = { "0", "65536", "ssh", "22,,23", "-1", "22;23" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (vpc_report_parse_ports (bad[i], &o, &error));
      g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
      g_clear_error (&error);
    }
  g_autoptr (GString) many = g_string_new ("1");
  for (guint p = 2; p <= VPC_REPORT_MAX_EXPOSURE_PORTS + 1; p++)
    g_string_append_printf (many, ",%u", p);
  g_assert_false (vpc_report_parse_ports (many->str, &o, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
}

/* IPFIX read from memory (the fuzz target's entry) gives what the file gives. */
static void
test_ipfix_memory (void)
{
  g_autofree char *path
      = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "ipfix", "ipv6.ipfix", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  GError *error = NULL;
  g_autoptr (VpcIpfixInput) file = vpc_ipfix_input_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (VpcIpfixInput) mem = vpc_ipfix_input_open_memory ("mem", data, len, &error);
  g_assert_no_error (error);
  guint flows = 0;
  for (;;)
    {
      const VpcFlow *a, *b;
      guint64 mask_a, mask_b;
      gboolean more = vpc_ipfix_input_next (file, &a, &mask_a, NULL);
      g_assert_cmpint (vpc_ipfix_input_next (mem, &b, &mask_b, &error), ==, more);
      if (!more)
        break;
      g_assert_cmpuint (mask_a, ==, mask_b);
      g_assert_cmpmem (a->sourceIPv6Address, 16, b->sourceIPv6Address, 16);
      g_assert_cmpuint (a->octetDeltaCount, ==, b->octetDeltaCount);
      flows++;
    }
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_clear_error (&error);
  g_assert_cmpuint (flows, ==, 3);
  g_assert_cmpuint (vpc_ipfix_input_get_records (mem), ==, vpc_ipfix_input_get_records (file));

  /* Nothing at all, and a message cut short, end as a file would. */
  g_autoptr (VpcIpfixInput) empty = vpc_ipfix_input_open_memory ("empty", "", 0, &error);
  g_assert_no_error (error);
  const VpcFlow *flow;
  guint64 mask;
  g_assert_false (vpc_ipfix_input_next (empty, &flow, &mask, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_clear_error (&error);
  g_autoptr (VpcIpfixInput) cut = vpc_ipfix_input_open_memory ("cut", data, 40, &error);
  g_assert_no_error (error);
  g_assert_false (vpc_ipfix_input_next (cut, &flow, &mask, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

/* A template with no element, then a data set of it: libfixbuf 2.4 hands
 * back empty records from it for ever (a hang found by fuzzing); the
 * reader stops with an error instead. */
static void
test_ipfix_empty_template (void)
{
  static const guint8 message[36] = {
    0x00, 0x0a, 0x00, 0x24, 0x65, 0x53, 0xf1, 0x00, 0, 0, 0, 0, 0, 0, 0, 1,
    /* template set: 256, no element */
    0x00, 0x02, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00,
    /* data set 256: 8 bytes */
    0x01, 0x00, 0x00, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcIpfixInput) input
      = vpc_ipfix_input_open_memory ("empty-template", (const char *) message, sizeof message, &error);
  g_assert_no_error (error);
  const VpcFlow *flow = NULL;
  guint64 mask = 0;
  guint n = 0;
  while (n < 100 && vpc_ipfix_input_next (input, &flow, &mask, &error))
    n++;
  g_assert_cmpuint (n, ==, 0);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IPFIX);
  g_assert_nonnull (strstr (error->message, "no element"));
}

/* --max-keys: Space-Saving beyond k keys.  A random stream with a few
 * heavy sources: every row's flows within [true - 0, true + error], every
 * error within N/k, every source with more than N/k flows in the table,
 * and an exact table below the limit. */
static void
test_bounded_sources (void)
{
  const guint k = 16, n = 20000, keys = 3000;
  VpcReportOptions options = VPC_REPORT_OPTIONS_INIT;
  options.max_keys = k;
  options.top = k;
  g_autoptr (VpcReport) r = vpc_report_new (&options, NULL);
  g_autofree guint64 *truth = g_new0 (guint64, keys);
  GRand *rnd = g_rand_new_with_seed (7);
  for (guint i = 0; i < n; i++)
    {
      /* Half the flows from 4 heavy sources, the rest spread over all of them. */
      guint key = g_rand_int_range (rnd, 0, 2) == 0 ? (guint) g_rand_int_range (rnd, 0, 4)
                                                    : (guint) g_rand_int_range (rnd, 0, keys);
      truth[key]++;
      add (r, ip4 (45, 0, key >> 8, key & 0xff), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 1000 + i, FALSE,
           NULL);
    }
  g_rand_free (rnd);
  g_autoptr (VpcReportSummary) s = vpc_report_finish (r, NULL);
  const VpcReportLimit *l = &s->limits[0];
  g_assert_true (l->approximate);
  g_assert_cmpuint (l->flows, ==, n);
  g_assert_cmpuint (l->bound, ==, n / k);
  g_assert_cmpuint (l->error, <=, l->bound);
  g_assert_false (s->limits[1].approximate); /* one destination */
  g_assert_cmpuint (s->sources.rows->len, ==, k);
  gboolean shown[4] = { FALSE };
  for (guint i = 0; i < s->sources.rows->len; i++)
    {
      const VpcReportRow *rw = row (&s->sources, i);
      guint a, b, c, d;
      g_assert_cmpint (sscanf (rw->name, "%u.%u.%u.%u", &a, &b, &c, &d), ==, 4);
      guint key = c << 8 | d;
      g_assert_cmpuint (key, <, keys);
      g_assert_cmpuint (rw->tally.flows, >=, truth[key]);
      g_assert_cmpuint (rw->tally.flows - rw->error.flows, <=, truth[key]);
      g_assert_cmpuint (rw->error.flows, <=, l->error);
      if (key < 4)
        shown[key] = TRUE;
    }
  for (guint key = 0; key < 4; key++)
    {
      g_assert_cmpuint (truth[key], >, n / k); /* heavy: always kept */
      g_assert_true (shown[key]);
    }

  /* Below the limit: exact, no error. */
  g_autoptr (VpcReport) r2 = vpc_report_new (&options, NULL);
  for (guint i = 0; i < k; i++)
    add (r2, ip4 (45, 1, 0, i), ip4 (10, 0, 0, 1), 6, 22, 1, 40, 1000, FALSE, NULL);
  g_autoptr (VpcReportSummary) s2 = vpc_report_finish (r2, NULL);
  g_assert_false (s2->limits[0].approximate);
  g_assert_cmpuint (s2->sources.distinct, ==, k);
  g_assert_cmpuint (s2->limits[0].error, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/totals-and-tops", test_totals_and_tops);
  g_test_add_func ("/report/scanner-thresholds", test_scanner_thresholds);
  g_test_add_func ("/report/histogram", test_histogram);
  g_test_add_func ("/report/saturation", test_saturation);
  g_test_add_func ("/report/threats", test_threats);
  g_test_add_func ("/report/escaping", test_escaping);
  g_test_add_func ("/report/ipfix-empty-string", test_ipfix_empty_string);
  g_test_add_func ("/report/talkers", test_talkers);
  g_test_add_func ("/report/exposure", test_exposure);
  g_test_add_func ("/report/egress", test_egress);
  g_test_add_func ("/report/groups", test_groups);
  g_test_add_func ("/report/parse-ports", test_parse_ports);
  g_test_add_func ("/report/bounded-sources", test_bounded_sources);
  g_test_add_func ("/report/ipfix-memory", test_ipfix_memory);
  g_test_add_func ("/report/ipfix-empty-template", test_ipfix_empty_template);
  return g_test_run ();
}
