/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AWS credentials and region the way the AWS tools find them: environment, shared files, credential_process. */
#pragma once

#include <glib.h>

#include "aws-sigv4.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcAwsCredentials VpcAwsCredentials;

/* The provider chain, tried in this order at the first
 * vpc_aws_credentials_get():
 *  1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *  2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *     (+ AWS_ROLE_SESSION_NAME), STS AssumeRoleWithWebIdentity;
 *  3. the shared files (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials,
 *     then AWS_CONFIG_FILE or ~/.aws/config), section of profile (NULL:
 *     AWS_PROFILE, else "default"): role_arn + source_profile (STS
 *     AssumeRole signed with the source profile's keys; external_id,
 *     role_session_name); aws_access_key_id, aws_secret_access_key,
 *     aws_session_token; credential_process (its JSON output: Version 1,
 *     AccessKeyId, SecretAccessKey, SessionToken, Expiration);
 *  4. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *     (from 169.254.170.2) or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN
 *     or _TOKEN_FILE;
 *  5. EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT,
 *     unless AWS_EC2_METADATA_DISABLED=true).
 * With an explicit profile, only 3.  STS: AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL, else sts.REGION.amazonaws.com.  Credentials with an
 * expiration are fetched again 5 minutes before it. */
VpcAwsCredentials *vpc_aws_credentials_new (const char *profile, const char *region);
void vpc_aws_credentials_free (VpcAwsCredentials *credentials);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcAwsCredentials, vpc_aws_credentials_free)

/* The keys to sign with now (valid until the next call); VPC_ERROR_USAGE
 * if no provider has any (the message names what was tried, never a secret). */
gboolean vpc_aws_credentials_get (VpcAwsCredentials *credentials, VpcAwsKeys *keys,
                                  GError **error);
/* The service said the keys expired: the next get fetches them again. */
void vpc_aws_credentials_expire (VpcAwsCredentials *credentials);
/* Where the keys came from ("environment", "shared credentials file, profile p", ...). */
const char *vpc_aws_credentials_get_source (const VpcAwsCredentials *credentials);

/* The region: option (--region), else AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's region in the config file; NULL if none. */
char *vpc_aws_resolve_region (const char *option, const char *profile);

/* A value of profile's section in the config file ("[profile p]", or
 * "[default]"), or NULL. */
char *vpc_aws_config_value (const char *profile, const char *key);

G_END_DECLS
