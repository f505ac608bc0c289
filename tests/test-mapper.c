/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for mapper.c and infomodel.c: values, element masks, template IDs, XML file. */
#include "config.h"

#include <string.h>

#include "export/exporter.h"
#include "flow/infomodel.h"
#include "flow/mapper.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

static VpcParser *
parser_with (const char *format)
{
  VpcParser *parser = vpc_parser_new (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_parser_set_format (parser, format, &error));
  return parser;
}

/* The copy of the last line parsed: records point into it. */
static char *last_line;

static void
parse (VpcParser *parser, const char *line, VpcRecord *record)
{
  VpcLineKind kind;
  g_autoptr (GError) error = NULL;
  g_free (last_line);
  last_line = g_strdup (line);
  g_assert_true (vpc_parser_feed (parser, last_line, strlen (line), &kind, record, &error));
  g_assert_cmpint (kind, ==, VPC_LINE_RECORD);
}

static void
test_struct_layout (void)
{
  /* The element table tiles VpcFlow without holes (the internal template
   * relies on it) and every element is in the information model. */
  const VpcElementSpec *el = vpc_mapper_elements ();
  gsize covered = 0;
  for (guint i = 0; i < VPC_EL_COUNT; i++)
    {
      gsize one = el[i].length == FB_IE_VARLEN ? sizeof (fbVarfield_t) : el[i].length;
      covered += one;
      for (const char *const *more = el[i].more; more != NULL && *more != NULL; more++)
        covered += one;
    }
  g_assert_cmpuint (covered, <=, sizeof (VpcFlow));
  g_assert_cmpuint (sizeof (VpcFlow) - covered, <, 8);
  g_autoptr (fbInfoModel_t) model = vpc_infomodel_new ();
  for (guint i = 0; i < VPC_EL_COUNT; i++)
    {
      const fbInfoElement_t *ie = fbInfoModelGetElementByName (model, el[i].name);
      if (ie == NULL)
        g_error ("%s is not in the information model", el[i].name);
      if (el[i].length != FB_IE_VARLEN)
        g_assert_cmpuint (el[i].length, <=, ie->len);
      for (guint j = 0; j < i; j++)
        g_assert_cmpuint (el[i].offset, !=, el[j].offset);
    }
}

static void
test_default_record (void)
{
  g_autoptr (VpcParser) parser = vpc_parser_new (NULL);
  VpcRecord record;
  VpcFlow flow;
  parse (parser, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 "
                 "4249 1418530010 1418530070 REJECT OK",
         &record);
  guint64 mask = vpc_mapper_map (NULL, &record, &flow);
  guint64 expect = BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_SRCPORT)
                   | BIT (VPC_EL_DSTPORT) | BIT (VPC_EL_PROTOCOL) | BIT (VPC_EL_PACKETS)
                   | BIT (VPC_EL_OCTETS) | BIT (VPC_EL_START) | BIT (VPC_EL_END)
                   | BIT (VPC_EL_FORWARDING_STATUS) | BIT (VPC_EL_FIREWALL_EVENT)
                   | BIT (VPC_EL_INGRESS_IF) | BIT (VPC_EL_IF_NAME) | BIT (VPC_EL_AWS_VERSION)
                   | BIT (VPC_EL_ACCOUNT_ID);
  g_assert_cmphex (mask, ==, expect);
  g_assert_cmphex (flow.sourceIPv4Address, ==, 0xAC1F108B);
  g_assert_cmphex (flow.destinationIPv4Address, ==, 0xAC1F1015);
  g_assert_cmpuint (flow.sourceTransportPort, ==, 20641);
  g_assert_cmpuint (flow.flowStartMilliseconds, ==, G_GUINT64_CONSTANT (1418530010000));
  g_assert_cmpuint (flow.flowEndMilliseconds, ==, G_GUINT64_CONSTANT (1418530070000));
  g_assert_cmpuint (flow.forwardingStatus, ==, 129);
  g_assert_cmpuint (flow.firewallEvent, ==, 3);
  g_assert_cmpuint (flow.ingressInterface, ==,
                    vpc_interface_index ("eni-1235b8ca123456789", 21));
  g_assert_cmpmem (flow.interfaceName.buf, flow.interfaceName.len, "eni-1235b8ca123456789", 21);
  g_assert_cmpmem (flow.text[0].buf, flow.text[0].len, "123456789010", 12);
}

static void
test_direction_and_nat (void)
{
  g_autoptr (VpcParser) parser
      = parser_with ("interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr flow-direction action "
                     "type tcp-flags traffic-path");
  VpcRecord record;
  VpcFlow flow;
  parse (parser, "eni-0a 10.0.0.5 10.0.0.6 2001:db8::5 2001:db8::7 egress ACCEPT IPv4 19 8",
         &record);
  guint64 mask = vpc_mapper_map (NULL, &record, &flow);
  g_assert_true (mask & BIT (VPC_EL_EGRESS_IF));
  g_assert_false (mask & BIT (VPC_EL_INGRESS_IF));
  g_assert_cmpuint (flow.egressInterface, ==, vpc_interface_index ("eni-0a", 6));
  g_assert_cmpuint (flow.flowDirection, ==, 1);
  g_assert_cmpuint (flow.forwardingStatus, ==, 64);
  g_assert_cmpuint (flow.firewallEvent, ==, 2);
  g_assert_cmpuint (flow.ipVersion, ==, 4);
  g_assert_cmpuint (flow.tcpControlBits, ==, 19);
  g_assert_cmpuint (flow.awsTrafficPath, ==, 8);
  g_assert_true (mask & BIT (VPC_EL_NAT_SRC6));
  g_assert_true (mask & BIT (VPC_EL_NAT_DST6));
  g_assert_cmpuint (flow.postNATSourceIPv6Address[15], ==, 5);
  g_assert_cmpuint (flow.postNATDestinationIPv6Address[15], ==, 7);
  g_assert_cmphex (flow.sourceIPv4Address, ==, 0x0A000005);

  /* Packet addresses as the flow key: the roles swap. */
  VpcMapperOptions swap = { .packet_addresses_as_key = TRUE };
  guint64 swapped = vpc_mapper_map (&swap, &record, &flow);
  g_assert_true (swapped & BIT (VPC_EL_SRC6));
  g_assert_true (swapped & BIT (VPC_EL_DST6));
  g_assert_true (swapped & BIT (VPC_EL_NAT_SRC4));
  g_assert_false (swapped & BIT (VPC_EL_SRC4));
  g_assert_cmpuint (flow.destinationIPv6Address[15], ==, 7);
  g_assert_cmphex (flow.postNATSourceIPv4Address, ==, 0x0A000005);
}

static void
test_absent_values_select_elements (void)
{
  g_autoptr (VpcParser) parser = vpc_parser_new (NULL);
  VpcRecord record;
  VpcFlow flow;
  parse (parser, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK", &record);
  guint64 full = vpc_mapper_map (NULL, &record, &flow);
  parse (parser, "2 1 eni-1 10.0.0.1 10.0.0.2 - - 1 1 1 - - ACCEPT OK", &record);
  guint64 partial = vpc_mapper_map (NULL, &record, &flow);
  g_assert_cmphex (full & ~partial, ==,
                   BIT (VPC_EL_SRCPORT) | BIT (VPC_EL_DSTPORT) | BIT (VPC_EL_START)
                       | BIT (VPC_EL_END));
  parse (parser, "2 1 eni-1 ::1 ::2 1 2 6 1 1 1 2 ACCEPT OK", &record);
  guint64 v6 = vpc_mapper_map (NULL, &record, &flow);
  g_assert_cmphex (v6 ^ full, ==,
                   BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_SRC6) | BIT (VPC_EL_DST6));

  /* Template IDs: stable per element set, different between sets, valid. */
  g_assert_cmpuint (vpc_template_id_for_mask (full), ==, vpc_template_id_for_mask (full));
  g_assert_cmpuint (vpc_template_id_for_mask (full), !=, vpc_template_id_for_mask (v6));
  g_assert_cmpuint (vpc_template_id_for_mask (partial), !=, vpc_template_id_for_mask (full));
  for (guint64 m = 0; m < 5000; m++)
    g_assert_cmpuint (vpc_template_id_for_mask (m * 0x9E3779B97F4A7C15u), >=, 256);
}

static void
test_efa_and_v8_fields (void)
{
  g_autoptr (VpcParser) parser
      = parser_with ("type ecs-cluster-name reject-reason resource-id encryption-status region");
  VpcRecord record;
  VpcFlow flow;
  parse (parser, "EFA prod BPA vpc-123 2 eu-west-1", &record);
  guint64 mask = vpc_mapper_map (NULL, &record, &flow);
  g_assert_cmphex (mask, ==,
                   BIT (VPC_EL_TRAFFIC_TYPE) | BIT (VPC_EL_ECS_CLUSTER_NAME)
                       | BIT (VPC_EL_REJECT_REASON) | BIT (VPC_EL_RESOURCE_ID)
                       | BIT (VPC_EL_ENCRYPTION_STATUS) | BIT (VPC_EL_REGION));
  const VpcElementSpec *el = vpc_mapper_elements ();
  const fbVarfield_t *v = (const fbVarfield_t *) ((const guint8 *) &flow
                                                  + el[VPC_EL_ECS_CLUSTER_NAME].offset);
  g_assert_cmpmem (v->buf, v->len, "prod", 4);
  v = (const fbVarfield_t *) ((const guint8 *) &flow + el[VPC_EL_TRAFFIC_TYPE].offset);
  g_assert_cmpmem (v->buf, v->len, "EFA", 3);
  g_assert_cmpuint (flow.awsEncryptionStatus, ==, 2);
}

static void
test_interface_index (void)
{
  guint32 a = vpc_interface_index ("eni-1235b8ca123456789", 21);
  g_assert_cmpuint (a, ==, vpc_interface_index ("eni-1235b8ca123456789", 21));
  g_assert_cmpuint (a, !=, vpc_interface_index ("eni-1235b8ca12345678a", 21));
  /* FNV-1a of "" is 2166136261: 1 + 2166136261 % 65535. */
  g_assert_cmpuint (vpc_interface_index ("", 0), ==, 1 + 2166136261u % 65535);
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("eni-%017x", i * 7919);
      guint32 index = vpc_interface_index (name, strlen (name));
      g_assert_cmpuint (index, >=, 1);
      g_assert_cmpuint (index, <=, 65535);
    }
}

static void
test_element_file_matches (void)
{
  /* data/vpc2ipfix-elements.xml describes exactly the compiled elements. */
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 "vpc2ipfix-elements.xml", NULL);
  fbInfoModel_t *from_xml = fbInfoModelAlloc ();
  GError *error = NULL;
  if (!fbInfoModelReadXMLFile (from_xml, path, &error))
    g_error ("%s: %s", path, error->message);
  guint n = 0;
  for (const fbInfoElement_t *ie = vpc_infomodel_enterprise_elements (); ie->ref.name; ie++, n++)
    {
      const fbInfoElement_t *x = fbInfoModelGetElementByName (from_xml, ie->ref.name);
      if (x == NULL)
        g_error ("%s missing from %s", ie->ref.name, path);
      g_assert_cmpuint (x->ent, ==, VPC_PEN);
      g_assert_cmpuint (x->num, ==, ie->num);
      g_assert_cmpuint (x->len, ==, ie->len);
      g_assert_cmpuint (x->type, ==, ie->type);
    }
  g_assert_cmpuint (n, ==, 44);
  /* And nothing more under our PEN. */
  fbInfoModelIter_t iter;
  const fbInfoElement_t *ie;
  guint ours = 0;
  fbInfoModelIterInit (&iter, from_xml);
  while ((ie = fbInfoModelIterNext (&iter)) != NULL)
    if (ie->ent == VPC_PEN)
      ours++;
  g_assert_cmpuint (ours, ==, n);
  fbInfoModelFree (from_xml);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mapper/struct-layout", test_struct_layout);
  g_test_add_func ("/mapper/default-record", test_default_record);
  g_test_add_func ("/mapper/direction-and-nat", test_direction_and_nat);
  g_test_add_func ("/mapper/absent-values-select-elements", test_absent_values_select_elements);
  g_test_add_func ("/mapper/efa-and-v8-fields", test_efa_and_v8_fields);
  g_test_add_func ("/mapper/interface-index", test_interface_index);
  g_test_add_func ("/infomodel/element-file-matches", test_element_file_matches);
  int status = g_test_run ();
  g_free (last_line);
  return status;
}
