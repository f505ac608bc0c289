/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Enterprise information elements for the VPC fields that IANA has no element for. */
#include "config.h"

#include "infomodel.h"

#define STR(name, id, desc)                                                                     \
  FB_IE_INIT_FULL (name, VPC_PEN, id, FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, desc)
#define U64_PACKETS(name, id, desc)                                                             \
  FB_IE_INIT_FULL (name, VPC_PEN, id, 8, FB_IE_F_ENDIAN | FB_IE_DELTACOUNTER | FB_UNITS_PACKETS, \
                   0, 0, FB_UINT_64, desc)
#define U8(name, id, flags, max, desc)                                                          \
  FB_IE_INIT_FULL (name, VPC_PEN, id, 1, FB_IE_F_ENDIAN | (flags), 0, max, FB_UINT_8, desc)

/* Keep in step with data/vpc2ipfix-elements.xml (a test compares them). */
static fbInfoElement_t enterprise_elements[] = {
  U8 ("awsFlowLogVersion", 1, FB_IE_IDENTIFIER, 255, "VPC flow log record version (version)"),
  STR ("awsAccountId", 2, "AWS account ID of the flow log owner (account-id)"),
  STR ("awsVpcId", 3, "VPC ID (vpc-id)"),
  STR ("awsSubnetId", 4, "subnet ID (subnet-id)"),
  STR ("awsInstanceId", 5, "instance ID (instance-id)"),
  STR ("awsRegion", 6, "AWS Region (region)"),
  STR ("awsAzId", 7, "Availability Zone ID (az-id)"),
  STR ("awsSublocationType", 8, "sublocation type: wavelength, outpost, localzone (sublocation-type)"),
  STR ("awsSublocationId", 9, "sublocation ID (sublocation-id)"),
  STR ("awsPktSrcAwsService", 10, "AWS service of the packet source address (pkt-src-aws-service)"),
  STR ("awsPktDstAwsService", 11, "AWS service of the packet destination address (pkt-dst-aws-service)"),
  U8 ("awsTrafficPath", 12, FB_IE_IDENTIFIER, 8, "path egress traffic takes (traffic-path)"),
  STR ("awsEcsClusterArn", 13, "ECS cluster ARN (ecs-cluster-arn)"),
  STR ("awsEcsClusterName", 14, "ECS cluster name (ecs-cluster-name)"),
  STR ("awsEcsContainerInstanceArn", 15, "ECS container instance ARN (ecs-container-instance-arn)"),
  STR ("awsEcsContainerInstanceId", 16, "ECS container instance ID (ecs-container-instance-id)"),
  STR ("awsEcsContainerId", 17, "Docker ID of the first container of the task (ecs-container-id)"),
  STR ("awsEcsSecondContainerId", 18, "Docker ID of the second container (ecs-second-container-id)"),
  STR ("awsEcsServiceName", 19, "ECS service name (ecs-service-name)"),
  STR ("awsEcsTaskDefinitionArn", 20, "ECS task definition ARN (ecs-task-definition-arn)"),
  STR ("awsEcsTaskArn", 21, "ECS task ARN (ecs-task-arn)"),
  STR ("awsEcsTaskId", 22, "ECS task ID (ecs-task-id)"),
  STR ("awsRejectReason", 23, "reason a flow was rejected, e.g. BPA (reject-reason)"),
  STR ("awsResourceId", 24, "resource ID (resource-id)"),
  U8 ("awsEncryptionStatus", 25, FB_IE_IDENTIFIER, 3, "0 none, 1 Nitro, 2 application, 3 both (encryption-status)"),
  STR ("awsTrafficType", 26, "traffic type when it is not IPv4 or IPv6, e.g. EFA (type)"),
  STR ("awsResourceType", 27, "type of resource the flow log is created on: TransitGateway (resource-type)"),
  STR ("awsTgwId", 28, "transit gateway ID (tgw-id)"),
  STR ("awsTgwAttachmentId", 29, "transit gateway attachment ID the traffic is recorded for (tgw-attachment-id)"),
  STR ("awsTgwSrcVpcAccountId", 30, "AWS account ID of the source VPC traffic (tgw-src-vpc-account-id)"),
  STR ("awsTgwDstVpcAccountId", 31, "AWS account ID of the destination VPC traffic (tgw-dst-vpc-account-id)"),
  STR ("awsTgwSrcVpcId", 32, "source VPC ID (tgw-src-vpc-id)"),
  STR ("awsTgwDstVpcId", 33, "destination VPC ID (tgw-dst-vpc-id)"),
  STR ("awsTgwSrcSubnetId", 34, "subnet ID of the source traffic (tgw-src-subnet-id)"),
  STR ("awsTgwDstSubnetId", 35, "subnet ID of the destination traffic (tgw-dst-subnet-id)"),
  STR ("awsTgwSrcEni", 36, "source transit gateway attachment ENI ID (tgw-src-eni)"),
  STR ("awsTgwDstEni", 37, "destination transit gateway attachment ENI ID (tgw-dst-eni)"),
  STR ("awsTgwSrcAzId", 38, "Availability Zone ID of the source transit gateway (tgw-src-az-id)"),
  STR ("awsTgwDstAzId", 39, "Availability Zone ID of the destination transit gateway (tgw-dst-az-id)"),
  STR ("awsTgwPairAttachmentId", 40, "the other attachment of the flow: egress or ingress, by flow direction (tgw-pair-attachment-id)"),
  U64_PACKETS ("awsPacketsLostNoRoute", 41, "packets the transit gateway dropped: no route (packets-lost-no-route)"),
  U64_PACKETS ("awsPacketsLostBlackhole", 42, "packets the transit gateway dropped: blackhole route (packets-lost-blackhole)"),
  U64_PACKETS ("awsPacketsLostMtuExceeded", 43, "packets the transit gateway dropped: larger than the MTU (packets-lost-mtu-exceeded)"),
  U64_PACKETS ("awsPacketsLostTtlExpired", 44, "packets the transit gateway dropped: TTL expired (packets-lost-ttl-expired)"),
  FB_IE_NULL
};

const fbInfoElement_t *
vpc_infomodel_enterprise_elements (void)
{
  return enterprise_elements;
}

fbInfoModel_t *
vpc_infomodel_new (void)
{
  fbInfoModel_t *model = fbInfoModelAlloc ();
  fbInfoModelAddElementArray (model, enterprise_elements);
  return model;
}
