/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VpcRecord -> IPFIX record (VpcFlow) plus the mask of elements it carries. */
#pragma once

#include <fixbuf/public.h>
#include <glib.h>

#include "parser.h"

G_BEGIN_DECLS

/* The IPFIX elements vpc2ipfix writes, in the order they appear in the
 * exported templates.  A flow's element mask has bit (1 << index) set for
 * each element it carries. */
typedef enum {
  VPC_EL_SRC4, VPC_EL_DST4, VPC_EL_SRC6, VPC_EL_DST6,
  VPC_EL_SRCPORT, VPC_EL_DSTPORT, VPC_EL_PROTOCOL,
  VPC_EL_PACKETS, VPC_EL_OCTETS, VPC_EL_START, VPC_EL_END,
  VPC_EL_TCP_FLAGS, VPC_EL_FORWARDING_STATUS, VPC_EL_FIREWALL_EVENT,
  VPC_EL_FLOW_DIRECTION, VPC_EL_IP_VERSION,
  VPC_EL_INGRESS_IF, VPC_EL_EGRESS_IF, VPC_EL_IF_NAME,
  VPC_EL_NAT_SRC4, VPC_EL_NAT_DST4, VPC_EL_NAT_SRC6, VPC_EL_NAT_DST6,
  VPC_EL_AWS_VERSION,
  VPC_EL_ACCOUNT_ID, VPC_EL_VPC_ID, VPC_EL_SUBNET_ID, VPC_EL_INSTANCE_ID,
  VPC_EL_REGION, VPC_EL_AZ_ID, VPC_EL_SUBLOCATION_TYPE, VPC_EL_SUBLOCATION_ID,
  VPC_EL_PKT_SRC_SERVICE, VPC_EL_PKT_DST_SERVICE, VPC_EL_TRAFFIC_PATH,
  VPC_EL_ECS_CLUSTER_ARN, VPC_EL_ECS_CLUSTER_NAME, VPC_EL_ECS_CONTAINER_INSTANCE_ARN,
  VPC_EL_ECS_CONTAINER_INSTANCE_ID, VPC_EL_ECS_CONTAINER_ID, VPC_EL_ECS_SECOND_CONTAINER_ID,
  VPC_EL_ECS_SERVICE_NAME, VPC_EL_ECS_TASK_DEFINITION_ARN, VPC_EL_ECS_TASK_ARN,
  VPC_EL_ECS_TASK_ID, VPC_EL_REJECT_REASON, VPC_EL_RESOURCE_ID, VPC_EL_ENCRYPTION_STATUS,
  VPC_EL_TRAFFIC_TYPE,
  VPC_EL_RESOURCE_TYPE, VPC_EL_TGW_ID, VPC_EL_TGW_ATTACHMENT_ID,
  VPC_EL_TGW_SRC_VPC_ACCOUNT_ID, VPC_EL_TGW_DST_VPC_ACCOUNT_ID, VPC_EL_TGW_SRC_VPC_ID,
  VPC_EL_TGW_DST_VPC_ID, VPC_EL_TGW_SRC_SUBNET_ID, VPC_EL_TGW_DST_SUBNET_ID, VPC_EL_TGW_SRC_ENI,
  VPC_EL_TGW_DST_ENI, VPC_EL_TGW_SRC_AZ_ID, VPC_EL_TGW_DST_AZ_ID, VPC_EL_TGW_PAIR_ATTACHMENT_ID,
  /* One bit, four elements (VpcElementSpec.more): the Transit Gateway
   * packet-loss counters, awsPacketsLostNoRoute .. awsPacketsLostTtlExpired,
   * always exported together (a counter the record lacks is 0).  The mask
   * has 64 bits: the 18 Transit Gateway fields could not have one each. */
  VPC_EL_PACKETS_LOST,
  VPC_EL_COUNT
} VpcElementIndex;

G_STATIC_ASSERT (VPC_EL_COUNT <= 64);

/* Strings, by VpcElementIndex - VPC_EL_FIRST_TEXT, are in VpcFlow.text. */
#define VPC_EL_FIRST_TEXT VPC_EL_ACCOUNT_ID
#define VPC_FLOW_TEXTS 37

/* The internal record handed to libfixbuf: 8-byte members first, then
 * varfields, arrays, 4-, 2- and 1-byte members, so there is no padding
 * but at the end.  IPv4 addresses and integers are in host order. */
typedef struct {
  guint64 flowStartMilliseconds;
  guint64 flowEndMilliseconds;
  guint64 packetDeltaCount;
  guint64 octetDeltaCount;
  guint64 packetsLost[4];            /* awsPacketsLostNoRoute, Blackhole, MtuExceeded, TtlExpired */
  fbVarfield_t interfaceName;
  fbVarfield_t text[VPC_FLOW_TEXTS]; /* awsAccountId .. awsResourceId, awsTrafficType, then
                                        awsResourceType .. awsTgwPairAttachmentId */
  guint8 sourceIPv6Address[16];
  guint8 destinationIPv6Address[16];
  guint8 postNATSourceIPv6Address[16];
  guint8 postNATDestinationIPv6Address[16];
  guint32 sourceIPv4Address;
  guint32 destinationIPv4Address;
  guint32 postNATSourceIPv4Address;
  guint32 postNATDestinationIPv4Address;
  guint32 ingressInterface;
  guint32 egressInterface;
  guint16 sourceTransportPort;
  guint16 destinationTransportPort;
  guint8 protocolIdentifier;
  guint8 tcpControlBits;
  guint8 forwardingStatus;
  guint8 firewallEvent;
  guint8 flowDirection;
  guint8 ipVersion;
  guint8 awsFlowLogVersion;
  guint8 awsTrafficPath;
  guint8 awsEncryptionStatus;
} VpcFlow;

/* One element: its IPFIX name, its length in VpcFlow (FB_IE_VARLEN for a
 * string) and its offset there; more (NULL for most) names the elements of
 * the same length that follow it in VpcFlow under the same mask bit. */
typedef struct {
  const char *name;
  guint16 length;
  gsize offset;
  const char *const *more;
} VpcElementSpec;

/* The element table, indexed by VpcElementIndex. */
const VpcElementSpec *vpc_mapper_elements (void);

/* A template of the elements in mask, for the external (exported) side;
 * with VPC_FLOW_INTERNAL, the internal template describing VpcFlow itself
 * (every element in memory order, then padding), for fBufSetInternalTemplate
 * on export or collection.  Free with fbTemplateFreeUnused() unless it was
 * added to a session.  Failure is VPC_ERROR_IPFIX. */
#define VPC_FLOW_INTERNAL G_MAXUINT64 /* no flow has every bit: SRC4 and SRC6 exclude each other */
fbTemplate_t *vpc_flow_template_new (fbInfoModel_t *model, guint64 mask, GError **error);

/* Append element name with length to tmpl; VPC_ERROR_IPFIX on failure. */
gboolean vpc_template_append (fbTemplate_t *tmpl, const char *name, guint16 length,
                              GError **error);

/* Set error (VPC_ERROR_IPFIX) from a libfixbuf error, freeing it; returns FALSE. */
gboolean vpc_fixbuf_error (GError **error, GError *fb_error, const char *what);

typedef struct {
  gboolean packet_addresses_as_key; /* pkt-*addr as the flow key, srcaddr/dstaddr as postNAT */
} VpcMapperOptions;

/* Fill flow from a record whose log-status is OK or absent; returns the
 * element mask.  Text members point into the record's line. */
guint64 vpc_mapper_map (const VpcMapperOptions *options, const VpcRecord *record, VpcFlow *flow);

/* The stable numeric index of an interface name, 1..65535 (fits SiLK's
 * 16-bit interface fields): 1 + FNV-1a-32(name) % 65535. */
guint32 vpc_interface_index (const char *name, gsize len);

/* The IPFIX codes of an action. */
#define VPC_FORWARDING_STATUS_FORWARDED 64  /* forwarded, unknown reason */
#define VPC_FORWARDING_STATUS_ACL_DENY 129  /* dropped, ACL deny */
#define VPC_FIREWALL_EVENT_ALLOWED 2        /* flow deleted: a normal allowed flow */
#define VPC_FIREWALL_EVENT_DENIED 3         /* flow denied */

G_END_DECLS
