/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VPC record -> IPFIX record: the field mapping of README "Mapping". */
#include "config.h"

#include "mapper.h"

#include <string.h>

#include "common/vpc-error.h"

#define M(field) offsetof (VpcFlow, field)
#define TEXT(i) (offsetof (VpcFlow, text) + (i) * sizeof (fbVarfield_t))

/* The elements after awsPacketsLostNoRoute under VPC_EL_PACKETS_LOST. */
static const char *const packets_lost_more[] = { "awsPacketsLostBlackhole",
                                                 "awsPacketsLostMtuExceeded",
                                                 "awsPacketsLostTtlExpired", NULL };

static const VpcElementSpec elements[VPC_EL_COUNT] = {
  [VPC_EL_SRC4] = { "sourceIPv4Address", 4, M (sourceIPv4Address) },
  [VPC_EL_DST4] = { "destinationIPv4Address", 4, M (destinationIPv4Address) },
  [VPC_EL_SRC6] = { "sourceIPv6Address", 16, M (sourceIPv6Address) },
  [VPC_EL_DST6] = { "destinationIPv6Address", 16, M (destinationIPv6Address) },
  [VPC_EL_SRCPORT] = { "sourceTransportPort", 2, M (sourceTransportPort) },
  [VPC_EL_DSTPORT] = { "destinationTransportPort", 2, M (destinationTransportPort) },
  [VPC_EL_PROTOCOL] = { "protocolIdentifier", 1, M (protocolIdentifier) },
  [VPC_EL_PACKETS] = { "packetDeltaCount", 8, M (packetDeltaCount) },
  [VPC_EL_OCTETS] = { "octetDeltaCount", 8, M (octetDeltaCount) },
  [VPC_EL_START] = { "flowStartMilliseconds", 8, M (flowStartMilliseconds) },
  [VPC_EL_END] = { "flowEndMilliseconds", 8, M (flowEndMilliseconds) },
  [VPC_EL_TCP_FLAGS] = { "tcpControlBits", 1, M (tcpControlBits) },
  [VPC_EL_FORWARDING_STATUS] = { "forwardingStatus", 1, M (forwardingStatus) },
  [VPC_EL_FIREWALL_EVENT] = { "firewallEvent", 1, M (firewallEvent) },
  [VPC_EL_FLOW_DIRECTION] = { "flowDirection", 1, M (flowDirection) },
  [VPC_EL_IP_VERSION] = { "ipVersion", 1, M (ipVersion) },
  [VPC_EL_INGRESS_IF] = { "ingressInterface", 4, M (ingressInterface) },
  [VPC_EL_EGRESS_IF] = { "egressInterface", 4, M (egressInterface) },
  [VPC_EL_IF_NAME] = { "interfaceName", FB_IE_VARLEN, M (interfaceName) },
  [VPC_EL_NAT_SRC4] = { "postNATSourceIPv4Address", 4, M (postNATSourceIPv4Address) },
  [VPC_EL_NAT_DST4] = { "postNATDestinationIPv4Address", 4, M (postNATDestinationIPv4Address) },
  [VPC_EL_NAT_SRC6] = { "postNATSourceIPv6Address", 16, M (postNATSourceIPv6Address) },
  [VPC_EL_NAT_DST6] = { "postNATDestinationIPv6Address", 16, M (postNATDestinationIPv6Address) },
  [VPC_EL_AWS_VERSION] = { "awsFlowLogVersion", 1, M (awsFlowLogVersion) },
  [VPC_EL_ACCOUNT_ID] = { "awsAccountId", FB_IE_VARLEN, TEXT (0) },
  [VPC_EL_VPC_ID] = { "awsVpcId", FB_IE_VARLEN, TEXT (1) },
  [VPC_EL_SUBNET_ID] = { "awsSubnetId", FB_IE_VARLEN, TEXT (2) },
  [VPC_EL_INSTANCE_ID] = { "awsInstanceId", FB_IE_VARLEN, TEXT (3) },
  [VPC_EL_REGION] = { "awsRegion", FB_IE_VARLEN, TEXT (4) },
  [VPC_EL_AZ_ID] = { "awsAzId", FB_IE_VARLEN, TEXT (5) },
  [VPC_EL_SUBLOCATION_TYPE] = { "awsSublocationType", FB_IE_VARLEN, TEXT (6) },
  [VPC_EL_SUBLOCATION_ID] = { "awsSublocationId", FB_IE_VARLEN, TEXT (7) },
  [VPC_EL_PKT_SRC_SERVICE] = { "awsPktSrcAwsService", FB_IE_VARLEN, TEXT (8) },
  [VPC_EL_PKT_DST_SERVICE] = { "awsPktDstAwsService", FB_IE_VARLEN, TEXT (9) },
  [VPC_EL_TRAFFIC_PATH] = { "awsTrafficPath", 1, M (awsTrafficPath) },
  [VPC_EL_ECS_CLUSTER_ARN] = { "awsEcsClusterArn", FB_IE_VARLEN, TEXT (10) },
  [VPC_EL_ECS_CLUSTER_NAME] = { "awsEcsClusterName", FB_IE_VARLEN, TEXT (11) },
  [VPC_EL_ECS_CONTAINER_INSTANCE_ARN] = { "awsEcsContainerInstanceArn", FB_IE_VARLEN, TEXT (12) },
  [VPC_EL_ECS_CONTAINER_INSTANCE_ID] = { "awsEcsContainerInstanceId", FB_IE_VARLEN, TEXT (13) },
  [VPC_EL_ECS_CONTAINER_ID] = { "awsEcsContainerId", FB_IE_VARLEN, TEXT (14) },
  [VPC_EL_ECS_SECOND_CONTAINER_ID] = { "awsEcsSecondContainerId", FB_IE_VARLEN, TEXT (15) },
  [VPC_EL_ECS_SERVICE_NAME] = { "awsEcsServiceName", FB_IE_VARLEN, TEXT (16) },
  [VPC_EL_ECS_TASK_DEFINITION_ARN] = { "awsEcsTaskDefinitionArn", FB_IE_VARLEN, TEXT (17) },
  [VPC_EL_ECS_TASK_ARN] = { "awsEcsTaskArn", FB_IE_VARLEN, TEXT (18) },
  [VPC_EL_ECS_TASK_ID] = { "awsEcsTaskId", FB_IE_VARLEN, TEXT (19) },
  [VPC_EL_REJECT_REASON] = { "awsRejectReason", FB_IE_VARLEN, TEXT (20) },
  [VPC_EL_RESOURCE_ID] = { "awsResourceId", FB_IE_VARLEN, TEXT (21) },
  [VPC_EL_ENCRYPTION_STATUS] = { "awsEncryptionStatus", 1, M (awsEncryptionStatus) },
  [VPC_EL_TRAFFIC_TYPE] = { "awsTrafficType", FB_IE_VARLEN, TEXT (22) },
  [VPC_EL_RESOURCE_TYPE] = { "awsResourceType", FB_IE_VARLEN, TEXT (23) },
  [VPC_EL_TGW_ID] = { "awsTgwId", FB_IE_VARLEN, TEXT (24) },
  [VPC_EL_TGW_ATTACHMENT_ID] = { "awsTgwAttachmentId", FB_IE_VARLEN, TEXT (25) },
  [VPC_EL_TGW_SRC_VPC_ACCOUNT_ID] = { "awsTgwSrcVpcAccountId", FB_IE_VARLEN, TEXT (26) },
  [VPC_EL_TGW_DST_VPC_ACCOUNT_ID] = { "awsTgwDstVpcAccountId", FB_IE_VARLEN, TEXT (27) },
  [VPC_EL_TGW_SRC_VPC_ID] = { "awsTgwSrcVpcId", FB_IE_VARLEN, TEXT (28) },
  [VPC_EL_TGW_DST_VPC_ID] = { "awsTgwDstVpcId", FB_IE_VARLEN, TEXT (29) },
  [VPC_EL_TGW_SRC_SUBNET_ID] = { "awsTgwSrcSubnetId", FB_IE_VARLEN, TEXT (30) },
  [VPC_EL_TGW_DST_SUBNET_ID] = { "awsTgwDstSubnetId", FB_IE_VARLEN, TEXT (31) },
  [VPC_EL_TGW_SRC_ENI] = { "awsTgwSrcEni", FB_IE_VARLEN, TEXT (32) },
  [VPC_EL_TGW_DST_ENI] = { "awsTgwDstEni", FB_IE_VARLEN, TEXT (33) },
  [VPC_EL_TGW_SRC_AZ_ID] = { "awsTgwSrcAzId", FB_IE_VARLEN, TEXT (34) },
  [VPC_EL_TGW_DST_AZ_ID] = { "awsTgwDstAzId", FB_IE_VARLEN, TEXT (35) },
  [VPC_EL_TGW_PAIR_ATTACHMENT_ID] = { "awsTgwPairAttachmentId", FB_IE_VARLEN, TEXT (36) },
  [VPC_EL_PACKETS_LOST] = { "awsPacketsLostNoRoute", 8, M (packetsLost), packets_lost_more },
};

const VpcElementSpec *
vpc_mapper_elements (void)
{
  return elements;
}

/* VPC string fields that map one-to-one onto a text element. */
static const struct {
  VpcFieldId field;
  VpcElementIndex element;
} text_fields[] = {
  { VPC_FIELD_ACCOUNT_ID, VPC_EL_ACCOUNT_ID },
  { VPC_FIELD_VPC_ID, VPC_EL_VPC_ID },
  { VPC_FIELD_SUBNET_ID, VPC_EL_SUBNET_ID },
  { VPC_FIELD_INSTANCE_ID, VPC_EL_INSTANCE_ID },
  { VPC_FIELD_REGION, VPC_EL_REGION },
  { VPC_FIELD_AZ_ID, VPC_EL_AZ_ID },
  { VPC_FIELD_SUBLOCATION_TYPE, VPC_EL_SUBLOCATION_TYPE },
  { VPC_FIELD_SUBLOCATION_ID, VPC_EL_SUBLOCATION_ID },
  { VPC_FIELD_PKT_SRC_AWS_SERVICE, VPC_EL_PKT_SRC_SERVICE },
  { VPC_FIELD_PKT_DST_AWS_SERVICE, VPC_EL_PKT_DST_SERVICE },
  { VPC_FIELD_ECS_CLUSTER_ARN, VPC_EL_ECS_CLUSTER_ARN },
  { VPC_FIELD_ECS_CLUSTER_NAME, VPC_EL_ECS_CLUSTER_NAME },
  { VPC_FIELD_ECS_CONTAINER_INSTANCE_ARN, VPC_EL_ECS_CONTAINER_INSTANCE_ARN },
  { VPC_FIELD_ECS_CONTAINER_INSTANCE_ID, VPC_EL_ECS_CONTAINER_INSTANCE_ID },
  { VPC_FIELD_ECS_CONTAINER_ID, VPC_EL_ECS_CONTAINER_ID },
  { VPC_FIELD_ECS_SECOND_CONTAINER_ID, VPC_EL_ECS_SECOND_CONTAINER_ID },
  { VPC_FIELD_ECS_SERVICE_NAME, VPC_EL_ECS_SERVICE_NAME },
  { VPC_FIELD_ECS_TASK_DEFINITION_ARN, VPC_EL_ECS_TASK_DEFINITION_ARN },
  { VPC_FIELD_ECS_TASK_ARN, VPC_EL_ECS_TASK_ARN },
  { VPC_FIELD_ECS_TASK_ID, VPC_EL_ECS_TASK_ID },
  { VPC_FIELD_REJECT_REASON, VPC_EL_REJECT_REASON },
  { VPC_FIELD_RESOURCE_ID, VPC_EL_RESOURCE_ID },
  { VPC_FIELD_RESOURCE_TYPE, VPC_EL_RESOURCE_TYPE },
  { VPC_FIELD_TGW_ID, VPC_EL_TGW_ID },
  { VPC_FIELD_TGW_ATTACHMENT_ID, VPC_EL_TGW_ATTACHMENT_ID },
  { VPC_FIELD_TGW_SRC_VPC_ACCOUNT_ID, VPC_EL_TGW_SRC_VPC_ACCOUNT_ID },
  { VPC_FIELD_TGW_DST_VPC_ACCOUNT_ID, VPC_EL_TGW_DST_VPC_ACCOUNT_ID },
  { VPC_FIELD_TGW_SRC_VPC_ID, VPC_EL_TGW_SRC_VPC_ID },
  { VPC_FIELD_TGW_DST_VPC_ID, VPC_EL_TGW_DST_VPC_ID },
  { VPC_FIELD_TGW_SRC_SUBNET_ID, VPC_EL_TGW_SRC_SUBNET_ID },
  { VPC_FIELD_TGW_DST_SUBNET_ID, VPC_EL_TGW_DST_SUBNET_ID },
  { VPC_FIELD_TGW_SRC_ENI, VPC_EL_TGW_SRC_ENI },
  { VPC_FIELD_TGW_DST_ENI, VPC_EL_TGW_DST_ENI },
  { VPC_FIELD_TGW_SRC_AZ_ID, VPC_EL_TGW_SRC_AZ_ID },
  { VPC_FIELD_TGW_DST_AZ_ID, VPC_EL_TGW_DST_AZ_ID },
  { VPC_FIELD_TGW_PAIR_ATTACHMENT_ID, VPC_EL_TGW_PAIR_ATTACHMENT_ID },
};

/* The Transit Gateway packet-loss counters, in VpcFlow.packetsLost order. */
static const VpcFieldId packets_lost_fields[4] = {
  VPC_FIELD_PACKETS_LOST_NO_ROUTE, VPC_FIELD_PACKETS_LOST_BLACKHOLE,
  VPC_FIELD_PACKETS_LOST_MTU_EXCEEDED, VPC_FIELD_PACKETS_LOST_TTL_EXPIRED,
};

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

/* text_fields by field id: the mask of those fields, each one's element. */
typedef struct {
  guint64 fields;
  VpcElementIndex element[VPC_FIELD_COUNT];
} TextFieldMap;

static const TextFieldMap *
text_field_map (void)
{
  static TextFieldMap map;
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
        {
          map.fields |= BIT (text_fields[i].field);
          map.element[text_fields[i].field] = text_fields[i].element;
        }
      g_once_init_leave (&done, 1);
    }
  return &map;
}

static inline void
set_text (VpcFlow *flow, VpcElementIndex element, const VpcText *text)
{
  fbVarfield_t *var = (fbVarfield_t *) ((guint8 *) flow + elements[element].offset);
  var->buf = (uint8_t *) text->ptr;
  var->len = text->len;
}

/* Put an address into the v4 or v6 element of a pair; returns the bit set. */
static inline guint64
set_addr (VpcFlow *flow, const VpcAddr *addr, VpcElementIndex el4, VpcElementIndex el6)
{
  if (addr->family == 4)
    {
      guint32 *dst = (guint32 *) ((guint8 *) flow + elements[el4].offset);
      *dst = ((guint32) addr->bytes[0] << 24) | ((guint32) addr->bytes[1] << 16)
             | ((guint32) addr->bytes[2] << 8) | addr->bytes[3];
      return BIT (el4);
    }
  memcpy ((guint8 *) flow + elements[el6].offset, addr->bytes, 16);
  return BIT (el6);
}

guint32
vpc_interface_index (const char *name, gsize len)
{
  guint32 h = 2166136261u;
  for (gsize i = 0; i < len; i++)
    {
      h ^= (guint8) name[i];
      h *= 16777619u;
    }
  return 1 + h % 65535;
}

guint64
vpc_mapper_map (const VpcMapperOptions *options, const VpcRecord *record, VpcFlow *flow)
{
  const guint64 present = record->present;
  const VpcValue *v = record->value;
  guint64 mask = 0;
#define HAS(f) (present & BIT (VPC_FIELD_##f))

  VpcFieldId key_src = VPC_FIELD_SRCADDR, key_dst = VPC_FIELD_DSTADDR;
  VpcFieldId nat_src = VPC_FIELD_PKT_SRCADDR, nat_dst = VPC_FIELD_PKT_DSTADDR;
  if (options != NULL && options->packet_addresses_as_key)
    {
      key_src = VPC_FIELD_PKT_SRCADDR;
      key_dst = VPC_FIELD_PKT_DSTADDR;
      nat_src = VPC_FIELD_SRCADDR;
      nat_dst = VPC_FIELD_DSTADDR;
    }
  if (present & BIT (key_src))
    mask |= set_addr (flow, &v[key_src].addr, VPC_EL_SRC4, VPC_EL_SRC6);
  if (present & BIT (key_dst))
    mask |= set_addr (flow, &v[key_dst].addr, VPC_EL_DST4, VPC_EL_DST6);
  if (present & BIT (nat_src))
    mask |= set_addr (flow, &v[nat_src].addr, VPC_EL_NAT_SRC4, VPC_EL_NAT_SRC6);
  if (present & BIT (nat_dst))
    mask |= set_addr (flow, &v[nat_dst].addr, VPC_EL_NAT_DST4, VPC_EL_NAT_DST6);

  if (HAS (SRCPORT))
    {
      flow->sourceTransportPort = (guint16) v[VPC_FIELD_SRCPORT].u;
      mask |= BIT (VPC_EL_SRCPORT);
    }
  if (HAS (DSTPORT))
    {
      flow->destinationTransportPort = (guint16) v[VPC_FIELD_DSTPORT].u;
      mask |= BIT (VPC_EL_DSTPORT);
    }
  if (HAS (PROTOCOL))
    {
      flow->protocolIdentifier = (guint8) v[VPC_FIELD_PROTOCOL].u;
      mask |= BIT (VPC_EL_PROTOCOL);
    }
  if (HAS (PACKETS))
    {
      flow->packetDeltaCount = v[VPC_FIELD_PACKETS].u;
      mask |= BIT (VPC_EL_PACKETS);
    }
  if (HAS (BYTES))
    {
      flow->octetDeltaCount = v[VPC_FIELD_BYTES].u;
      mask |= BIT (VPC_EL_OCTETS);
    }
  if (HAS (START))
    {
      flow->flowStartMilliseconds = v[VPC_FIELD_START].u;
      mask |= BIT (VPC_EL_START);
    }
  if (HAS (END))
    {
      flow->flowEndMilliseconds = v[VPC_FIELD_END].u;
      mask |= BIT (VPC_EL_END);
    }
  if (HAS (ACTION))
    {
      gboolean accept = v[VPC_FIELD_ACTION].u == VPC_ACTION_ACCEPT;
      flow->forwardingStatus =
          accept ? VPC_FORWARDING_STATUS_FORWARDED : VPC_FORWARDING_STATUS_ACL_DENY;
      flow->firewallEvent = accept ? VPC_FIREWALL_EVENT_ALLOWED : VPC_FIREWALL_EVENT_DENIED;
      mask |= BIT (VPC_EL_FORWARDING_STATUS) | BIT (VPC_EL_FIREWALL_EVENT);
    }
  if (HAS (TCP_FLAGS))
    {
      flow->tcpControlBits = (guint8) v[VPC_FIELD_TCP_FLAGS].u;
      mask |= BIT (VPC_EL_TCP_FLAGS);
    }
  if (HAS (FLOW_DIRECTION))
    {
      flow->flowDirection = (guint8) v[VPC_FIELD_FLOW_DIRECTION].u;
      mask |= BIT (VPC_EL_FLOW_DIRECTION);
    }
  if (HAS (TYPE))
    {
      if (v[VPC_FIELD_TYPE].u != 0)
        {
          flow->ipVersion = (guint8) v[VPC_FIELD_TYPE].u;
          mask |= BIT (VPC_EL_IP_VERSION);
        }
      else
        {
          set_text (flow, VPC_EL_TRAFFIC_TYPE, &record->traffic_type_text);
          mask |= BIT (VPC_EL_TRAFFIC_TYPE);
        }
    }
  if (HAS (INTERFACE_ID))
    {
      const VpcText *name = &v[VPC_FIELD_INTERFACE_ID].text;
      guint32 index = vpc_interface_index (name->ptr, name->len);
      set_text (flow, VPC_EL_IF_NAME, name);
      mask |= BIT (VPC_EL_IF_NAME);
      if (HAS (FLOW_DIRECTION) && v[VPC_FIELD_FLOW_DIRECTION].u == VPC_DIRECTION_EGRESS)
        {
          flow->egressInterface = index;
          mask |= BIT (VPC_EL_EGRESS_IF);
        }
      else
        {
          flow->ingressInterface = index;
          mask |= BIT (VPC_EL_INGRESS_IF);
        }
    }
  if (HAS (VERSION))
    {
      flow->awsFlowLogVersion = (guint8) v[VPC_FIELD_VERSION].u;
      mask |= BIT (VPC_EL_AWS_VERSION);
    }
  if (HAS (TRAFFIC_PATH))
    {
      flow->awsTrafficPath = (guint8) v[VPC_FIELD_TRAFFIC_PATH].u;
      mask |= BIT (VPC_EL_TRAFFIC_PATH);
    }
  if (HAS (ENCRYPTION_STATUS))
    {
      flow->awsEncryptionStatus = (guint8) v[VPC_FIELD_ENCRYPTION_STATUS].u;
      mask |= BIT (VPC_EL_ENCRYPTION_STATUS);
    }
  if (present & (BIT (VPC_FIELD_PACKETS_LOST_NO_ROUTE) | BIT (VPC_FIELD_PACKETS_LOST_BLACKHOLE)
                 | BIT (VPC_FIELD_PACKETS_LOST_MTU_EXCEEDED)
                 | BIT (VPC_FIELD_PACKETS_LOST_TTL_EXPIRED)))
    {
      for (guint i = 0; i < G_N_ELEMENTS (packets_lost_fields); i++)
        flow->packetsLost[i] =
            (present & BIT (packets_lost_fields[i])) ? v[packets_lost_fields[i]].u : 0;
      mask |= BIT (VPC_EL_PACKETS_LOST);
    }
  /* Only the text fields the record has: the table's order, by field id. */
  const TextFieldMap *map = text_field_map ();
  for (guint64 texts = present & map->fields; texts != 0; texts &= texts - 1)
    {
      guint field = (guint) __builtin_ctzll (texts);
      VpcElementIndex element = map->element[field];
      set_text (flow, element, &v[field].text);
      mask |= BIT (element);
    }
#undef HAS
  return mask;
}

gboolean
vpc_fixbuf_error (GError **error, GError *fb_error, const char *what)
{
  g_set_error (error, VPC_ERROR, VPC_ERROR_IPFIX, "%s: %s", what,
               fb_error != NULL ? fb_error->message : "unknown libfixbuf error");
  g_clear_error (&fb_error);
  return FALSE;
}

gboolean
vpc_template_append (fbTemplate_t *tmpl, const char *name, guint16 length, GError **error)
{
  GError *fb_error = NULL;
  fbInfoElementSpec_t spec = { (char *) name, length, 0 };
  if (!fbTemplateAppendSpec (tmpl, &spec, 0, &fb_error))
    return vpc_fixbuf_error (error, fb_error, name);
  return TRUE;
}

fbTemplate_t *
vpc_flow_template_new (fbInfoModel_t *model, guint64 mask, GError **error)
{
  guint order[VPC_EL_COUNT];
  for (guint i = 0; i < VPC_EL_COUNT; i++)
    order[i] = i;
  gboolean internal = mask == VPC_FLOW_INTERNAL;
  if (internal)
    /* Memory order (insertion sort of the entries). */
    for (guint i = 1; i < VPC_EL_COUNT; i++)
      for (guint j = i; j > 0 && elements[order[j]].offset < elements[order[j - 1]].offset; j--)
        {
          guint t = order[j];
          order[j] = order[j - 1];
          order[j - 1] = t;
        }

  fbTemplate_t *tmpl = fbTemplateAlloc (model);
  gsize end = 0;
  for (guint i = 0; i < VPC_EL_COUNT; i++)
    {
      const VpcElementSpec *e = &elements[order[i]];
      if (!(mask & BIT (order[i])))
        continue;
      g_assert (!internal || e->offset == end); /* VpcFlow has no holes */
      end += e->length == FB_IE_VARLEN ? sizeof (fbVarfield_t) : e->length;
      if (!vpc_template_append (tmpl, e->name, e->length, error))
        {
          fbTemplateFreeUnused (tmpl);
          return NULL;
        }
      for (const char *const *more = e->more; more != NULL && *more != NULL; more++)
        {
          end += e->length;
          if (!vpc_template_append (tmpl, *more, e->length, error))
            {
              fbTemplateFreeUnused (tmpl);
              return NULL;
            }
        }
    }
  if (internal && end < sizeof (VpcFlow)
      && !vpc_template_append (tmpl, "paddingOctets", (guint16) (sizeof (VpcFlow) - end), error))
    {
      fbTemplateFreeUnused (tmpl);
      return NULL;
    }
  return tmpl;
}
