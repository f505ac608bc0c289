/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the --filter language, valid and invalid expressions, and what each primitive matches. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "flow/filter.h"

#define BIT(el) (G_GUINT64_CONSTANT (1) << (el))

/* A TCP flow 10.0.0.5:40000 -> 203.0.113.9:22, 12 packets, 3000 bytes,
 * SYN|ACK, REJECT, ingress, with account, VPC, interface and services. */
static void
sample_flow (VpcFlow *flow, guint64 *mask)
{
  memset (flow, 0, sizeof *flow);
  flow->sourceIPv4Address = ntohl (inet_addr ("10.0.0.5"));
  flow->destinationIPv4Address = ntohl (inet_addr ("203.0.113.9"));
  flow->sourceTransportPort = 40000;
  flow->destinationTransportPort = 22;
  flow->protocolIdentifier = 6;
  flow->packetDeltaCount = 12;
  flow->octetDeltaCount = 3000;
  flow->tcpControlBits = 0x12;
  flow->forwardingStatus = VPC_FORWARDING_STATUS_ACL_DENY;
  flow->flowDirection = 0;
  flow->interfaceName.buf = (guint8 *) "eni-0a1b";
  flow->interfaceName.len = 8;
  flow->text[VPC_EL_ACCOUNT_ID - VPC_EL_FIRST_TEXT].buf = (guint8 *) "123456789012";
  flow->text[VPC_EL_ACCOUNT_ID - VPC_EL_FIRST_TEXT].len = 12;
  flow->text[VPC_EL_VPC_ID - VPC_EL_FIRST_TEXT].buf = (guint8 *) "vpc-1";
  flow->text[VPC_EL_VPC_ID - VPC_EL_FIRST_TEXT].len = 5;
  flow->text[VPC_EL_PKT_DST_SERVICE - VPC_EL_FIRST_TEXT].buf = (guint8 *) "S3";
  flow->text[VPC_EL_PKT_DST_SERVICE - VPC_EL_FIRST_TEXT].len = 2;
  *mask = BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_SRCPORT) | BIT (VPC_EL_DSTPORT)
          | BIT (VPC_EL_PROTOCOL) | BIT (VPC_EL_PACKETS) | BIT (VPC_EL_OCTETS)
          | BIT (VPC_EL_TCP_FLAGS) | BIT (VPC_EL_FORWARDING_STATUS) | BIT (VPC_EL_FLOW_DIRECTION)
          | BIT (VPC_EL_IF_NAME) | BIT (VPC_EL_ACCOUNT_ID) | BIT (VPC_EL_VPC_ID)
          | BIT (VPC_EL_PKT_DST_SERVICE);
}

static void
test_match (void)
{
  static const struct {
    const char *expr;
    gboolean match;
  } cases[] = {
    { "any", TRUE },
    { "proto tcp", TRUE },           { "proto udp", FALSE },        { "proto 6", TRUE },
    { "PROTO TCP", TRUE },
    { "ip 10.0.0.5", TRUE },         { "host 203.0.113.9", TRUE },  { "ip 10.0.0.6", FALSE },
    { "src ip 10.0.0.5", TRUE },     { "dst ip 10.0.0.5", FALSE },
    { "net 10.0.0.0/8", TRUE },      { "dst net 10.0.0.0/8", FALSE }, { "net 203.0.113.8/31", TRUE },
    { "net 203.0.113.10/31", FALSE }, { "net 0.0.0.0/0", TRUE },     { "net ::/0", FALSE },
    { "ip in [192.0.2.1 203.0.113.0/24]", TRUE }, { "src ip in [192.0.2.1 203.0.113.0/24]", FALSE },
    { "port 22", TRUE },             { "src port 22", FALSE },      { "dst port 22", TRUE },
    { "port in [22 3389 3306]", TRUE }, { "port in [80 443]", FALSE },
    { "port > 30000", TRUE },        { "dst port > 30000", FALSE }, { "src port >= 40000", TRUE },
    { "dst port lt 23", TRUE },      { "port eq 40000", TRUE },
    { "packets > 10", TRUE },        { "packets < 10", FALSE },     { "packets 12", TRUE },
    { "bytes > 2k", TRUE },          { "bytes > 3k", FALSE },       { "bytes >= 3k", TRUE },
    { "bytes > 1M", FALSE },         { "bytes <= 1m", TRUE },
    { "flags S", TRUE },             { "flags SA", TRUE },          { "flags F", FALSE },
    { "tcp-flags SYN", TRUE },       { "tcp-flags SYN,ACK", TRUE }, { "tcp-flags RST", FALSE },
    { "action reject", TRUE },       { "action accept", FALSE },
    { "direction ingress", TRUE },   { "direction egress", FALSE },
    { "account 123456789012", TRUE }, { "account 999", FALSE },     { "vpc VPC-1", TRUE },
    { "interface eni-0a1b", TRUE },  { "interface eni-0a1", FALSE },
    { "subnet subnet-1", FALSE },    /* no subnet in the flow: no match */
    { "not subnet subnet-1", TRUE }, /* ... so "not" does */
    { "service s3", TRUE },          { "dst service S3", TRUE },    { "src service S3", FALSE },
    { "proto tcp and port 22", TRUE }, { "proto udp and port 22", FALSE },
    { "proto udp or port 22", TRUE }, { "proto udp or port 23", FALSE },
    { "not proto udp", TRUE },       { "!proto tcp", FALSE },       { "not not proto tcp", TRUE },
    { "proto tcp && (port 80 || port 22)", TRUE },
    { "(proto udp or proto tcp) and not action accept", TRUE },
    /* "and" binds tighter than "or" */
    { "proto tcp or proto udp and port 80", TRUE },
    { "(proto tcp or proto udp) and port 80", FALSE },
  };
  VpcFlow flow;
  guint64 mask;
  sample_flow (&flow, &mask);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VpcFilter) filter = vpc_filter_new (cases[i].expr, &error);
      if (filter == NULL)
        g_error ("'%s' did not compile: %s", cases[i].expr, error->message);
      if (vpc_filter_match (filter, &flow, mask) != cases[i].match)
        g_error ("'%s' should %smatch", cases[i].expr, cases[i].match ? "" : "not ");
    }
}

static void
test_ipv6 (void)
{
  VpcFlow flow = { 0 };
  inet_pton (AF_INET6, "2001:db8::1", flow.sourceIPv6Address);
  inet_pton (AF_INET6, "2600:1f18::9", flow.destinationIPv6Address);
  guint64 mask = BIT (VPC_EL_SRC6) | BIT (VPC_EL_DST6);
  static const struct {
    const char *expr;
    gboolean match;
  } cases[] = {
    { "ip 2001:db8::1", TRUE },        { "src net 2001:db8::/32", TRUE },
    { "dst net 2001:db8::/32", FALSE }, { "net 10.0.0.0/8", FALSE },
    { "net 2600:1f18::/33", TRUE },     { "ip in [::1 2600:1f18::9]", TRUE },
    { "port 22", FALSE },               { "not port 22", TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (VpcFilter) filter = vpc_filter_new (cases[i].expr, NULL);
      g_assert_nonnull (filter);
      if (vpc_filter_match (filter, &flow, mask) != cases[i].match)
        g_error ("'%s' should %smatch", cases[i].expr, cases[i].match ? "" : "not ");
    }
}

static void
test_errors (void)
{
  static const struct {
    const char *expr;
    const char *message;
  } cases[] = {
    { "", "column 1: expected a filter primitive (proto, ip, net, port, packets, action, ...), found the end" },
    { "proto", "column 6: expected a protocol (tcp, udp, icmp, icmp6, or 0-255), found the end" },
    { "proto tcpp", "column 7: expected a protocol (tcp, udp, icmp, icmp6, or 0-255), found 'tcpp'" },
    { "proto 256", "column 7: expected a protocol" },
    { "port 65536", "column 6: expected a port number (0-65535), found '65536'" },
    { "port in [22 x]", "column 13: expected a port number, found 'x'" },
    { "port in []", "column 10: expected a port number, found ']'" },
    { "port in [22", "column 12: expected ']', found the end" },
    { "ip 10.0.0.0/8", "column 4: expected an IPv4 or IPv6 address, found '10.0.0.0/8'" },
    { "net 10.0.0.0/33", "column 5: expected ADDR/BITS" },
    { "src proto tcp", "column 5: expected ip, host, net, port or service, found 'proto'" },
    { "proto tcp port 22", "column 11: expected 'and', 'or' or the end, found 'port'" },
    { "proto tcp and", "column 14: expected a filter primitive" },
    { "(proto tcp", "column 11: expected ')', found the end" },
    { "proto tcp)", "column 10: expected 'and', 'or' or the end, found ')'" },
    { "bytes > lots", "column 9: expected a count (N, Nk, Nm or Ng), found 'lots'" },
    { "bytes > 99999999999999999999", "column 9: expected a count" },
    { "flags SX", "column 7: expected TCP flag letters (FSRPAUEC), found 'SX'" },
    { "action drop", "column 8: expected accept or reject, found 'drop'" },
    { "direction in", "column 11: expected ingress or egress, found 'in'" },
    { "account", "column 8: expected a name, found the end" },
    { "proto tcp & port 22", "column 11: expected 'and', 'or' or the end, found '&'" },
    { "colour red", "column 1: expected a filter primitive" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VpcFilter) filter = vpc_filter_new (cases[i].expr, &error);
      if (filter != NULL)
        g_error ("'%s' compiled", cases[i].expr);
      g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("'%s': got \"%s\", expected \"%s\"", cases[i].expr, error->message,
                 cases[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filter/match", test_match);
  g_test_add_func ("/filter/ipv6", test_ipv6);
  g_test_add_func ("/filter/errors", test_errors);
  return g_test_run ();
}
