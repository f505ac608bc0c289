/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for record-packer.c: each step's encoding, and records packed as libfixbuf's fBufAppend() encodes them. */
#include "config.h"

#include <string.h>

#include "export/record-packer.h"
#include "flow/infomodel.h"
#include "flow/mapper.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

typedef struct {
  guint64 u64;
  fbVarfield_t text;
  guint32 u32;
  guint16 u16;
  guint8 u8;
  guint8 bytes[5];
} Sample;

static void
test_steps (void)
{
  g_autoptr (VpcPacker) packer = vpc_packer_new ();
  vpc_packer_add (packer, VPC_PACK_U64, offsetof (Sample, u64), 0);
  vpc_packer_add (packer, VPC_PACK_U32, offsetof (Sample, u32), 0);
  vpc_packer_add (packer, VPC_PACK_U16, offsetof (Sample, u16), 0);
  vpc_packer_add (packer, VPC_PACK_U8, offsetof (Sample, u8), 0);
  vpc_packer_add (packer, VPC_PACK_U32_AS_U16, offsetof (Sample, u32), 0);
  vpc_packer_add (packer, VPC_PACK_BYTES, offsetof (Sample, bytes), 5);
  vpc_packer_add (packer, VPC_PACK_ZERO, 0, 3);
  vpc_packer_add (packer, VPC_PACK_VARFIELD, offsetof (Sample, text), 0);
  g_assert_cmpuint (vpc_packer_get_fixed_length (packer), ==, 8 + 4 + 2 + 1 + 2 + 5 + 3);

  Sample s = { .u64 = G_GUINT64_CONSTANT (0x0102030405060708), .u32 = 0xA1B2C3D4,
               .u16 = 0xBEEF, .u8 = 0x42, .bytes = { 9, 8, 7, 6, 5 } };
  /* Variable-length: 1 length byte below 255, 255 and 2 bytes from 255 on. */
  static const gsize lengths[] = { 0, 1, 254, 255, 300 };
  char text[300];
  memset (text, 'x', sizeof text);
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      s.text.buf = (uint8_t *) text;
      s.text.len = lengths[i];
      gsize header = lengths[i] < 255 ? 1 : 3;
      gsize len = vpc_packer_record_length (packer, &s);
      g_assert_cmpuint (len, ==, 25 + header + lengths[i]);
      g_autofree guint8 *out = g_malloc0 (len + 1);
      out[len] = 0xEE;
      g_assert_true (vpc_packer_pack (packer, &s, out) == out + len);
      g_assert_cmpuint (out[len], ==, 0xEE); /* nothing written past the record */
      static const guint8 fixed[] = { 1, 2, 3, 4, 5, 6, 7, 8, 0xA1, 0xB2, 0xC3, 0xD4,
                                      0xBE, 0xEF, 0x42, 0xC3, 0xD4, 9, 8, 7, 6, 5, 0, 0, 0 };
      g_assert_cmpmem (out, 25, fixed, sizeof fixed);
      if (lengths[i] < 255)
        g_assert_cmpuint (out[25], ==, lengths[i]);
      else
        {
          g_assert_cmpuint (out[25], ==, 255);
          g_assert_cmpuint ((guint) out[26] << 8 | out[27], ==, lengths[i]);
        }
      g_assert_cmpmem (out + 25 + header, lengths[i], text, lengths[i]);
    }
}

/* The data record libfixbuf encodes for flow under the external template
 * of mask, from the internal template of VpcFlow: its bytes. */
static GBytes *
libfixbuf_record (fbInfoModel_t *model, const VpcFlow *flow, guint64 mask)
{
  GError *error = NULL;
  fbSession_t *session = fbSessionAlloc (model);
  guint8 *buffer = g_malloc0 (65535);
  fbExporter_t *exporter = fbExporterAllocBuffer (buffer, 65535);
  fBuf_t *fbuf = fBufAllocForExport (session, exporter);
  fBufSetAutomaticMode (fbuf, FALSE);
  fbTemplate_t *internal = vpc_flow_template_new (model, VPC_FLOW_INTERNAL, &error);
  g_assert_no_error (error);
  guint16 itid = fbSessionAddTemplate (session, TRUE, FB_TID_AUTO, internal, &error);
  g_assert_no_error (error);
  fbTemplate_t *external = vpc_flow_template_new (model, mask, &error);
  g_assert_no_error (error);
  if (fbSessionAddTemplate (session, FALSE, 300, external, &error) == 0)
    {
      /* Manual mode: templates start a message of their own (FB_ERROR_EOM). */
      g_assert_true (g_error_matches (error, FB_ERROR_DOMAIN, FB_ERROR_EOM));
      g_clear_error (&error);
      g_assert_true (fBufEmit (fbuf, &error));
      g_assert_cmpuint (fbSessionAddTemplate (session, FALSE, 300, external, &error), ==, 300);
    }
  g_assert_no_error (error);
  g_assert_true (fBufEmit (fbuf, &error)); /* the template message */
  g_assert_true (fBufSetInternalTemplate (fbuf, itid, &error));
  g_assert_true (fBufSetExportTemplate (fbuf, 300, &error));
  if (!fBufAppend (fbuf, (guint8 *) flow, sizeof *flow, &error))
    {
      /* A message of its own after templates (FB_ERROR_EOM), then the record. */
      g_assert_true (g_error_matches (error, FB_ERROR_DOMAIN, FB_ERROR_EOM));
      g_clear_error (&error);
      g_assert_true (fBufEmit (fbuf, &error));
      g_assert_true (fBufAppend (fbuf, (guint8 *) flow, sizeof *flow, &error));
    }
  memset (buffer, 0, 16);
  g_assert_true (fBufEmit (fbuf, &error));
  g_assert_no_error (error);
  gsize len = (gsize) buffer[2] << 8 | buffer[3];
  g_assert_cmpuint ((guint) buffer[16] << 8 | buffer[17], ==, 300); /* one data set */
  gsize set_len = (gsize) buffer[18] << 8 | buffer[19];
  g_assert_cmpuint (16 + set_len, ==, len);
  GBytes *record = g_bytes_new (buffer + 20, set_len - 4);
  fBufFree (fbuf);
  g_free (buffer);
  return record;
}

/* The packer of the external template of mask, as the exporter builds it. */
static VpcPacker *
packer_for (fbInfoModel_t *model, guint64 mask)
{
  GError *error = NULL;
  fbTemplate_t *tmpl = vpc_flow_template_new (model, mask, &error);
  g_assert_no_error (error);
  VpcPacker *packer = vpc_flow_packer_new (tmpl, mask, &error);
  g_assert_no_error (error);
  fbTemplateFreeUnused (tmpl);
  return packer;
}

static void
fill_flow (VpcFlow *flow, const char *long_text)
{
  memset (flow, 0, sizeof *flow);
  flow->flowStartMilliseconds = G_GUINT64_CONSTANT (1795143600000);
  flow->flowEndMilliseconds = G_GUINT64_CONSTANT (1795143659999);
  flow->packetDeltaCount = G_GUINT64_CONSTANT (0x0102030405060708);
  flow->octetDeltaCount = G_MAXUINT64 - 1;
  flow->interfaceName.buf = (uint8_t *) "eni-0a1b2c3d4e5f60718";
  flow->interfaceName.len = 21;
  for (guint i = 0; i < VPC_FLOW_TEXTS; i++)
    {
      /* Lengths 0, 5, 254, 255 and more: every varfield header. */
      static const gsize lens[] = { 0, 5, 254, 255, 600, 12 };
      flow->text[i].buf = (uint8_t *) long_text;
      flow->text[i].len = lens[i % G_N_ELEMENTS (lens)];
    }
  for (guint i = 0; i < 16; i++)
    {
      flow->sourceIPv6Address[i] = (guint8) (0x20 + i);
      flow->destinationIPv6Address[i] = (guint8) (0x40 + i);
      flow->postNATSourceIPv6Address[i] = (guint8) (0x60 + i);
      flow->postNATDestinationIPv6Address[i] = (guint8) (0x80 + i);
    }
  flow->sourceIPv4Address = 0x0A000117;
  flow->destinationIPv4Address = 0xC0A80102;
  flow->postNATSourceIPv4Address = 0x01020304;
  flow->postNATDestinationIPv4Address = 0xFFFFFFFE;
  flow->ingressInterface = 0x1234;
  flow->egressInterface = 0xFFFF;
  flow->sourceTransportPort = 41000;
  flow->destinationTransportPort = 8080;
  flow->protocolIdentifier = 6;
  flow->tcpControlBits = 0x1B;
  flow->forwardingStatus = VPC_FORWARDING_STATUS_ACL_DENY;
  flow->firewallEvent = VPC_FIREWALL_EVENT_DENIED;
  flow->flowDirection = 1;
  flow->ipVersion = 4;
  flow->awsFlowLogVersion = 8;
  flow->awsTrafficPath = 7;
  flow->awsEncryptionStatus = 3;
  for (guint i = 0; i < G_N_ELEMENTS (flow->packetsLost); i++)
    flow->packetsLost[i] = G_GUINT64_CONSTANT (0x1111111111111111) * (i + 1);
}

/* Every element, in sets like those the mapper makes: the packer gives
 * libfixbuf's bytes. */
static void
test_as_libfixbuf (void)
{
  g_autoptr (fbInfoModel_t) model = vpc_infomodel_new ();
  char long_text[600];
  for (guint i = 0; i < sizeof long_text; i++)
    long_text[i] = (char) ('a' + i % 26);
  VpcFlow flow;
  fill_flow (&flow, long_text);

  /* No flow has every element (SRC4 and SRC6 exclude each other: every
   * bit is VPC_FLOW_INTERNAL), so v4 and v6 between them cover them all. */
  guint64 every = G_MAXUINT64 >> (64 - VPC_EL_COUNT);
  guint64 v4 = every & ~(BIT (VPC_EL_SRC6) | BIT (VPC_EL_DST6) | BIT (VPC_EL_NAT_SRC6)
                         | BIT (VPC_EL_NAT_DST6));
  guint64 v6 = every & ~(BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_NAT_SRC4)
                         | BIT (VPC_EL_NAT_DST4));
  guint64 defaults = BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_SRCPORT)
                     | BIT (VPC_EL_DSTPORT) | BIT (VPC_EL_PROTOCOL) | BIT (VPC_EL_PACKETS)
                     | BIT (VPC_EL_OCTETS) | BIT (VPC_EL_START) | BIT (VPC_EL_END)
                     | BIT (VPC_EL_FORWARDING_STATUS) | BIT (VPC_EL_FIREWALL_EVENT)
                     | BIT (VPC_EL_INGRESS_IF) | BIT (VPC_EL_IF_NAME) | BIT (VPC_EL_AWS_VERSION)
                     | BIT (VPC_EL_ACCOUNT_ID);
  const guint64 masks[] = { v4, v6, defaults, BIT (VPC_EL_IF_NAME), BIT (VPC_EL_OCTETS) };
  for (guint m = 0; m < G_N_ELEMENTS (masks); m++)
    {
      g_autoptr (GBytes) expected = libfixbuf_record (model, &flow, masks[m]);
      g_autoptr (VpcPacker) packer = packer_for (model, masks[m]);
      gsize len = vpc_packer_record_length (packer, &flow);
      g_autofree guint8 *out = g_malloc (len);
      g_assert_true (vpc_packer_pack (packer, &flow, out) == out + len);
      gsize want_len;
      const guint8 *want = g_bytes_get_data (expected, &want_len);
      g_assert_cmpmem (out, len, want, want_len);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record-packer/steps", test_steps);
  g_test_add_func ("/record-packer/as-libfixbuf", test_as_libfixbuf);
  return g_test_run ();
}
