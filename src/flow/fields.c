/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPC Flow Log field table (see vpc-flow-logs.md). */
#include "config.h"

#include "fields.h"

#include <string.h>

#define U(id, name, ver, max) { VPC_FIELD_##id, name, VPC_TYPE_UINT, ver, max }
#define T(id, name, type, ver) { VPC_FIELD_##id, name, VPC_TYPE_##type, ver, 0 }

const VpcFieldInfo vpc_field_table[VPC_FIELD_COUNT] = {
  U (VERSION, "version", 2, G_MAXUINT8),
  T (ACCOUNT_ID, "account-id", STRING, 2),
  T (INTERFACE_ID, "interface-id", STRING, 2),
  T (SRCADDR, "srcaddr", ADDR, 2),
  T (DSTADDR, "dstaddr", ADDR, 2),
  U (SRCPORT, "srcport", 2, G_MAXUINT16),
  U (DSTPORT, "dstport", 2, G_MAXUINT16),
  U (PROTOCOL, "protocol", 2, G_MAXUINT8),
  U (PACKETS, "packets", 2, G_MAXUINT64),
  U (BYTES, "bytes", 2, G_MAXUINT64),
  T (START, "start", TIME, 2),
  T (END, "end", TIME, 2),
  T (ACTION, "action", ACTION, 2),
  T (LOG_STATUS, "log-status", LOG_STATUS, 2),
  T (VPC_ID, "vpc-id", STRING, 3),
  T (SUBNET_ID, "subnet-id", STRING, 3),
  T (INSTANCE_ID, "instance-id", STRING, 3),
  U (TCP_FLAGS, "tcp-flags", 3, G_MAXUINT8),
  T (TYPE, "type", TRAFFIC_TYPE, 3),
  T (PKT_SRCADDR, "pkt-srcaddr", ADDR, 3),
  T (PKT_DSTADDR, "pkt-dstaddr", ADDR, 3),
  T (REGION, "region", STRING, 4),
  T (AZ_ID, "az-id", STRING, 4),
  T (SUBLOCATION_TYPE, "sublocation-type", STRING, 4),
  T (SUBLOCATION_ID, "sublocation-id", STRING, 4),
  T (PKT_SRC_AWS_SERVICE, "pkt-src-aws-service", STRING, 5),
  T (PKT_DST_AWS_SERVICE, "pkt-dst-aws-service", STRING, 5),
  T (FLOW_DIRECTION, "flow-direction", DIRECTION, 5),
  U (TRAFFIC_PATH, "traffic-path", 5, G_MAXUINT8),
  T (ECS_CLUSTER_ARN, "ecs-cluster-arn", STRING, 7),
  T (ECS_CLUSTER_NAME, "ecs-cluster-name", STRING, 7),
  T (ECS_CONTAINER_INSTANCE_ARN, "ecs-container-instance-arn", STRING, 7),
  T (ECS_CONTAINER_INSTANCE_ID, "ecs-container-instance-id", STRING, 7),
  T (ECS_CONTAINER_ID, "ecs-container-id", STRING, 7),
  T (ECS_SECOND_CONTAINER_ID, "ecs-second-container-id", STRING, 7),
  T (ECS_SERVICE_NAME, "ecs-service-name", STRING, 7),
  T (ECS_TASK_DEFINITION_ARN, "ecs-task-definition-arn", STRING, 7),
  T (ECS_TASK_ARN, "ecs-task-arn", STRING, 7),
  T (ECS_TASK_ID, "ecs-task-id", STRING, 7),
  T (REJECT_REASON, "reject-reason", STRING, 8),
  T (RESOURCE_ID, "resource-id", STRING, 0),
  U (ENCRYPTION_STATUS, "encryption-status", 0, 3),
  /* Transit Gateway flow logs: their version 6 fields that VPC flow logs
   * do not have (the others, srcaddr to pkt-dst-aws-service, are shared). */
  T (RESOURCE_TYPE, "resource-type", STRING, 6),
  T (TGW_ID, "tgw-id", STRING, 6),
  T (TGW_ATTACHMENT_ID, "tgw-attachment-id", STRING, 6),
  T (TGW_SRC_VPC_ACCOUNT_ID, "tgw-src-vpc-account-id", STRING, 6),
  T (TGW_DST_VPC_ACCOUNT_ID, "tgw-dst-vpc-account-id", STRING, 6),
  T (TGW_SRC_VPC_ID, "tgw-src-vpc-id", STRING, 6),
  T (TGW_DST_VPC_ID, "tgw-dst-vpc-id", STRING, 6),
  T (TGW_SRC_SUBNET_ID, "tgw-src-subnet-id", STRING, 6),
  T (TGW_DST_SUBNET_ID, "tgw-dst-subnet-id", STRING, 6),
  T (TGW_SRC_ENI, "tgw-src-eni", STRING, 6),
  T (TGW_DST_ENI, "tgw-dst-eni", STRING, 6),
  T (TGW_SRC_AZ_ID, "tgw-src-az-id", STRING, 6),
  T (TGW_DST_AZ_ID, "tgw-dst-az-id", STRING, 6),
  T (TGW_PAIR_ATTACHMENT_ID, "tgw-pair-attachment-id", STRING, 6),
  U (PACKETS_LOST_NO_ROUTE, "packets-lost-no-route", 6, G_MAXUINT64),
  U (PACKETS_LOST_BLACKHOLE, "packets-lost-blackhole", 6, G_MAXUINT64),
  U (PACKETS_LOST_MTU_EXCEEDED, "packets-lost-mtu-exceeded", 6, G_MAXUINT64),
  U (PACKETS_LOST_TTL_EXPIRED, "packets-lost-ttl-expired", 6, G_MAXUINT64),
};

static gboolean
name_matches (const char *field_name, const char *name, gsize len)
{
  if (strlen (field_name) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = g_ascii_tolower (name[i]);
      if (c == '_')
        c = '-';
      if (c != field_name[i])
        return FALSE;
    }
  return TRUE;
}

VpcFieldId
vpc_field_lookup (const char *name, gsize len)
{
  for (guint i = 0; i < VPC_FIELD_COUNT; i++)
    if (name_matches (vpc_field_table[i].name, name, len))
      return vpc_field_table[i].id;
  return VPC_FIELD_UNKNOWN;
}
