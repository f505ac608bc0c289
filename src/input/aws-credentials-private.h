/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the credentials provider chain: its state and the steps aws-credentials.c and aws-credentials-http.c share. */
#pragma once

#include <yajl/yajl_tree.h>

#include "aws-credentials.h"

G_BEGIN_DECLS

struct VpcAwsCredentials {
  char *profile;
  char *region;  /* of STS */
  char *access_key, *secret_key, *session_token;
  gint64 expiration; /* seconds since the epoch; 0: none */
  gboolean have;
  char *source;
  /* Shared by the clients of several threads: one lock around the keys
   * and their fetching (so one fetch serves them all), counted references. */
  GMutex lock;
  gint refs;
  /* A refresh that failed while the keys held were still valid: they are
   * used on, and the refresh tried again from retry_at_us (monotonic),
   * after a wait that doubles with each failure. */
  gboolean ever; /* keys were found once */
  guint refresh_failures;
  gint64 retry_at_us;
  char *refresh_error;
};

/* aws-credentials.c: an environment variable's value, NULL when unset or empty. */
const char *vpc_aws_cred_nonempty_env (const char *name);
/* aws-credentials.c: the string member key of a JSON object, or NULL. */
const char *vpc_aws_cred_json_string (yajl_val root, const char *key);
/* aws-credentials.c: an ISO 8601 expiration in seconds since the epoch (0: unreadable). */
gint64 vpc_aws_cred_parse_expiration (const char *iso);
/* aws-credentials.c: the keys of a profile of the shared files (depth: role chains followed). */
gboolean vpc_aws_cred_resolve_profile (VpcAwsCredentials *c, const char *profile, guint depth,
                                       GError **error);

/* aws-credentials-http.c: the providers over HTTP; each sets c's keys or an error. */
gboolean vpc_aws_cred_from_web_identity (VpcAwsCredentials *c, const char *token_file,
                                         const char *role, GError **error);
gboolean vpc_aws_cred_from_assume_role (VpcAwsCredentials *c, const char *profile,
                                        const char *role, const char *source_profile, guint depth,
                                        GError **error);
gboolean vpc_aws_cred_from_container (VpcAwsCredentials *c, GError **error);
gboolean vpc_aws_cred_from_instance (VpcAwsCredentials *c, GError **error);

G_END_DECLS
