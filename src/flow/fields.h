/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one table of VPC Flow Log field names, their types and versions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VPC_FIELD_VERSION,
  VPC_FIELD_ACCOUNT_ID,
  VPC_FIELD_INTERFACE_ID,
  VPC_FIELD_SRCADDR,
  VPC_FIELD_DSTADDR,
  VPC_FIELD_SRCPORT,
  VPC_FIELD_DSTPORT,
  VPC_FIELD_PROTOCOL,
  VPC_FIELD_PACKETS,
  VPC_FIELD_BYTES,
  VPC_FIELD_START,
  VPC_FIELD_END,
  VPC_FIELD_ACTION,
  VPC_FIELD_LOG_STATUS,
  VPC_FIELD_VPC_ID,
  VPC_FIELD_SUBNET_ID,
  VPC_FIELD_INSTANCE_ID,
  VPC_FIELD_TCP_FLAGS,
  VPC_FIELD_TYPE,
  VPC_FIELD_PKT_SRCADDR,
  VPC_FIELD_PKT_DSTADDR,
  VPC_FIELD_REGION,
  VPC_FIELD_AZ_ID,
  VPC_FIELD_SUBLOCATION_TYPE,
  VPC_FIELD_SUBLOCATION_ID,
  VPC_FIELD_PKT_SRC_AWS_SERVICE,
  VPC_FIELD_PKT_DST_AWS_SERVICE,
  VPC_FIELD_FLOW_DIRECTION,
  VPC_FIELD_TRAFFIC_PATH,
  VPC_FIELD_ECS_CLUSTER_ARN,
  VPC_FIELD_ECS_CLUSTER_NAME,
  VPC_FIELD_ECS_CONTAINER_INSTANCE_ARN,
  VPC_FIELD_ECS_CONTAINER_INSTANCE_ID,
  VPC_FIELD_ECS_CONTAINER_ID,
  VPC_FIELD_ECS_SECOND_CONTAINER_ID,
  VPC_FIELD_ECS_SERVICE_NAME,
  VPC_FIELD_ECS_TASK_DEFINITION_ARN,
  VPC_FIELD_ECS_TASK_ARN,
  VPC_FIELD_ECS_TASK_ID,
  VPC_FIELD_REJECT_REASON,
  VPC_FIELD_RESOURCE_ID,
  VPC_FIELD_ENCRYPTION_STATUS,
  /* Transit Gateway flow logs (AWS Transit Gateway guide, "Available
   * fields"), version 6 of that product. */
  VPC_FIELD_RESOURCE_TYPE,
  VPC_FIELD_TGW_ID,
  VPC_FIELD_TGW_ATTACHMENT_ID,
  VPC_FIELD_TGW_SRC_VPC_ACCOUNT_ID,
  VPC_FIELD_TGW_DST_VPC_ACCOUNT_ID,
  VPC_FIELD_TGW_SRC_VPC_ID,
  VPC_FIELD_TGW_DST_VPC_ID,
  VPC_FIELD_TGW_SRC_SUBNET_ID,
  VPC_FIELD_TGW_DST_SUBNET_ID,
  VPC_FIELD_TGW_SRC_ENI,
  VPC_FIELD_TGW_DST_ENI,
  VPC_FIELD_TGW_SRC_AZ_ID,
  VPC_FIELD_TGW_DST_AZ_ID,
  VPC_FIELD_TGW_PAIR_ATTACHMENT_ID,
  VPC_FIELD_PACKETS_LOST_NO_ROUTE,
  VPC_FIELD_PACKETS_LOST_BLACKHOLE,
  VPC_FIELD_PACKETS_LOST_MTU_EXCEEDED,
  VPC_FIELD_PACKETS_LOST_TTL_EXPIRED,
  VPC_FIELD_COUNT,
  VPC_FIELD_UNKNOWN = VPC_FIELD_COUNT /* a column the parser carries past */
} VpcFieldId;

G_STATIC_ASSERT (VPC_FIELD_COUNT <= 64); /* presence is a 64-bit mask */

/* How a field's text is read. */
typedef enum {
  VPC_TYPE_UINT,           /* decimal, 0..max */
  VPC_TYPE_TIME,           /* Unix seconds (or milliseconds, detected), kept as ms */
  VPC_TYPE_ADDR,           /* IPv4 or IPv6 */
  VPC_TYPE_STRING,         /* opaque text */
  VPC_TYPE_ACTION,         /* ACCEPT / REJECT */
  VPC_TYPE_LOG_STATUS,     /* OK / NODATA / SKIPDATA */
  VPC_TYPE_DIRECTION,      /* ingress / egress */
  VPC_TYPE_TRAFFIC_TYPE,   /* IPv4 / IPv6 / EFA / ... */
} VpcFieldType;

typedef struct {
  VpcFieldId id;
  const char *name;        /* as AWS spells it, e.g. "pkt-srcaddr" */
  VpcFieldType type;
  guint8 since_version;    /* 0 = newer than the numbered versions */
  guint64 max;             /* VPC_TYPE_UINT only */
} VpcFieldInfo;

extern const VpcFieldInfo vpc_field_table[VPC_FIELD_COUNT];

/* The field's entry; id < VPC_FIELD_COUNT. */
static inline const VpcFieldInfo *
vpc_field_info (VpcFieldId id)
{
  return &vpc_field_table[id];
}

/* Look a field name up: case-insensitive, '_' matches '-'.  Returns
 * VPC_FIELD_UNKNOWN for a name that is not a VPC field. */
VpcFieldId vpc_field_lookup (const char *name, gsize len);

/* The default (version 2) format, 14 fields. */
#define VPC_DEFAULT_FORMAT                                                                       \
  "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start " \
  "end action log-status"

G_END_DECLS
