/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The credentials providers over HTTP: STS (web identity, AssumeRole), the ECS container endpoint, EC2 instance metadata (IMDSv2). */
#include "config.h"

#include "aws-credentials-private.h"

#include <string.h>

#include <curl/curl.h>
#include <yajl/yajl_tree.h>

#include "aws-http.h"

/* ---- over HTTP: STS, the ECS container endpoint, EC2 instance metadata ---- */

#define HTTP_MAX_BODY (64 * 1024)

static size_t
http_body (char *data, size_t size, size_t n, void *user_data)
{
  GString *body = user_data;
  if (body->len + size * n > HTTP_MAX_BODY)
    return 0;
  g_string_append_len (body, data, (gssize) (size * n));
  return size * n;
}

/* One small request (2 s to connect, 10 s in all); the body, or NULL with
 * error (VPC_ERROR_USAGE: credentials are configuration).  *status the
 * HTTP status. */
static char *
http_fetch (const char *method, const char *url, const char *const *headers, const char *body,
            long *status, GError **error)
{
  CURL *curl = curl_easy_init ();
  struct curl_slist *list = NULL;
  for (const char *const *h = headers; h != NULL && *h != NULL; h++)
    list = curl_slist_append (list, *h);
  GString *out = g_string_new (NULL);
  char message[CURL_ERROR_SIZE] = "";
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 2L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, message);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, http_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  if (strcmp (method, "GET") != 0 && strcmp (method, "POST") != 0)
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  CURLcode rc = curl_easy_perform (curl);
  *status = 0;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (list);
  curl_easy_cleanup (curl);
  if (rc != CURLE_OK)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: %s", url,
                   message[0] != '\0' ? message : curl_easy_strerror (rc));
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static void
wipe_text (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
}

/* {"AccessKeyId", "SecretAccessKey", "Token" (or "SessionToken"), "Expiration"}. */
static gboolean
take_json_keys (VpcAwsCredentials *c, char *json, const char *source, GError **error)
{
  char why[128] = "";
  yajl_val root = yajl_tree_parse (json, why, sizeof why);
  wipe_text (json);
  const char *id = root != NULL ? vpc_aws_cred_json_string (root, "AccessKeyId") : NULL;
  const char *secret = root != NULL ? vpc_aws_cred_json_string (root, "SecretAccessKey") : NULL;
  if (id == NULL || secret == NULL)
    {
      if (root != NULL)
        yajl_tree_free (root);
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: no AccessKeyId and SecretAccessKey",
                   source);
      return FALSE;
    }
  c->access_key = g_strdup (id);
  c->secret_key = g_strdup (secret);
  const char *token = vpc_aws_cred_json_string (root, "Token");
  c->session_token = g_strdup (token != NULL ? token : vpc_aws_cred_json_string (root, "SessionToken"));
  const char *expiration = vpc_aws_cred_json_string (root, "Expiration");
  c->expiration = expiration != NULL ? vpc_aws_cred_parse_expiration (expiration) : 0;
  c->source = g_strdup (source);
  yajl_tree_free (root);
  return TRUE;
}

/* The <Credentials> of an STS answer. */
static gboolean
take_sts_keys (VpcAwsCredentials *c, char *xml, long status, const char *source, GError **error)
{
  gsize len = strlen (xml);
  char *id = vpc_aws_xml_value (xml, len, "AccessKeyId");
  char *secret = vpc_aws_xml_value (xml, len, "SecretAccessKey");
  if (status != 200 || id == NULL || secret == NULL)
    {
      g_autofree char *code = vpc_aws_xml_value (xml, len, "Code");
      wipe_text (secret);
      g_free (secret);
      g_free (id);
      wipe_text (xml);
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: HTTP %ld %s", source, status,
                   code != NULL ? code : "(no credentials in the answer)");
      return FALSE;
    }
  c->access_key = id;
  c->secret_key = secret;
  c->session_token = vpc_aws_xml_value (xml, len, "SessionToken");
  g_autofree char *expiration = vpc_aws_xml_value (xml, len, "Expiration");
  c->expiration = expiration != NULL ? vpc_aws_cred_parse_expiration (expiration) : 0;
  c->source = g_strdup (source);
  wipe_text (xml);
  return TRUE;
}

static char *
sts_endpoint (const VpcAwsCredentials *c)
{
  const char *env = vpc_aws_cred_nonempty_env ("AWS_ENDPOINT_URL_STS");
  if (env == NULL)
    env = vpc_aws_cred_nonempty_env ("AWS_ENDPOINT_URL");
  if (env != NULL)
    return g_str_has_suffix (env, "/") ? g_strdup (env) : g_strconcat (env, "/", NULL);
  return g_strdup_printf ("https://sts.%s.amazonaws.com/", c->region);
}

static void
form_add (GString *form, const char *name, const char *value)
{
  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append (form, name);
  g_string_append_c (form, '=');
  g_string_append_uri_escaped (form, value, NULL, FALSE);
}

/* AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN: STS AssumeRoleWithWebIdentity (not signed). */
gboolean
vpc_aws_cred_from_web_identity (VpcAwsCredentials *c, const char *token_file, const char *role,
                   GError **error)
{
  g_autofree char *token = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (token_file, &token, NULL, &local))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "AWS_WEB_IDENTITY_TOKEN_FILE: %s",
                   local->message);
      return FALSE;
    }
  g_strstrip (token);
  const char *session = vpc_aws_cred_nonempty_env ("AWS_ROLE_SESSION_NAME");
  g_autofree char *default_session = g_strdup_printf ("vpc2ipfix-%d", (int) getpid ());
  g_autoptr (GString) form = g_string_new (NULL);
  form_add (form, "Action", "AssumeRoleWithWebIdentity");
  form_add (form, "Version", "2011-06-15");
  form_add (form, "RoleArn", role);
  form_add (form, "RoleSessionName", session != NULL ? session : default_session);
  form_add (form, "WebIdentityToken", token);
  wipe_text (token);
  g_autofree char *url = sts_endpoint (c);
  const char *const headers[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
  long status = 0;
  char *answer = http_fetch ("POST", url, headers, form->str, &status, error);
  wipe_text (form->str);
  if (answer == NULL)
    return FALSE;
  g_autofree char *source = g_strdup_printf ("web identity (role %s)", role);
  gboolean ok = take_sts_keys (c, answer, status, source, error);
  g_free (answer);
  return ok;
}

/* role_arn + source_profile: STS AssumeRole signed with the source profile's keys. */
gboolean
vpc_aws_cred_from_assume_role (VpcAwsCredentials *c, const char *profile, const char *role,
                  const char *source_profile, guint depth, GError **error)
{
  g_autoptr (VpcAwsCredentials) base = vpc_aws_credentials_new (source_profile, c->region);
  if (!vpc_aws_cred_resolve_profile (base, source_profile, depth + 1, error))
    {
      g_prefix_error (error, "source_profile %s of profile %s: ", source_profile, profile);
      return FALSE;
    }
  g_autofree char *session = vpc_aws_config_value (profile, "role_session_name");
  g_autofree char *default_session = g_strdup_printf ("vpc2ipfix-%d", (int) getpid ());
  g_autofree char *external = vpc_aws_config_value (profile, "external_id");
  g_autoptr (GString) form = g_string_new (NULL);
  form_add (form, "Action", "AssumeRole");
  form_add (form, "Version", "2011-06-15");
  form_add (form, "RoleArn", role);
  form_add (form, "RoleSessionName", session != NULL ? session : default_session);
  if (external != NULL)
    form_add (form, "ExternalId", external);
  g_autofree char *url = sts_endpoint (c);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: not a URL", url);
      return FALSE;
    }
  int port = g_uri_get_port (uri);
  gboolean https = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
  g_autofree char *host = port > 0 && port != (https ? 443 : 80)
                              ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), port)
                              : g_strdup (g_uri_get_host (uri));
  const char *const signed_headers[] = { "Content-Type", "application/x-www-form-urlencoded",
                                         NULL };
  VpcAwsRequest request = { .service = "sts", .region = c->region, .method = "POST",
                            .host = host, .path = "/", .headers = signed_headers,
                            .body = form->str, .body_len = form->len,
                            .time = g_get_real_time () / G_USEC_PER_SEC };
  VpcAwsKeys keys = { base->access_key, base->secret_key, base->session_token };
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *target = vpc_aws_sign (&request, &keys, lines);
  g_ptr_array_add (lines, g_strdup ("Content-Type: application/x-www-form-urlencoded"));
  g_ptr_array_add (lines, NULL);
  long status = 0;
  g_autofree char *full = g_strconcat (url, target + 1, NULL);
  char *answer = http_fetch ("POST", full, (const char *const *) lines->pdata, form->str, &status,
                             error);
  if (answer == NULL)
    return FALSE;
  g_autofree char *source = g_strdup_printf ("role %s of profile %s", role, profile);
  gboolean ok = take_sts_keys (c, answer, status, source, error);
  g_free (answer);
  return ok;
}

/* ECS (and EKS Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI. */
gboolean
vpc_aws_cred_from_container (VpcAwsCredentials *c, GError **error)
{
  const char *relative = vpc_aws_cred_nonempty_env ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  g_autofree char *url = relative != NULL
                             ? g_strconcat ("http://169.254.170.2", relative, NULL)
                             : g_strdup (vpc_aws_cred_nonempty_env ("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
  g_autofree char *token = g_strdup (vpc_aws_cred_nonempty_env ("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
  const char *token_file = vpc_aws_cred_nonempty_env ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  if (token_file != NULL)
    {
      g_clear_pointer (&token, g_free);
      if (!g_file_get_contents (token_file, &token, NULL, NULL))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s cannot be read", token_file);
          return FALSE;
        }
      g_strstrip (token);
    }
  g_autofree char *authorization = token != NULL ? g_strconcat ("Authorization: ", token, NULL)
                                                 : NULL;
  wipe_text (token);
  const char *const headers[] = { authorization, NULL };
  long status = 0;
  char *answer = http_fetch ("GET", url, headers, NULL, &status, error);
  wipe_text (authorization);
  if (answer == NULL)
    return FALSE;
  if (status != 200)
    {
      wipe_text (answer);
      g_free (answer);
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "container credentials %s: HTTP %ld", url,
                   status);
      return FALSE;
    }
  gboolean ok = take_json_keys (c, answer, "container credentials", error);
  g_free (answer);
  return ok;
}

/* EC2 instance metadata, IMDSv2: a session token, the role, its keys. */
gboolean
vpc_aws_cred_from_instance (VpcAwsCredentials *c, GError **error)
{
  const char *endpoint = vpc_aws_cred_nonempty_env ("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  g_autofree char *base = g_strdup (endpoint != NULL ? endpoint : "http://169.254.169.254");
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  g_autofree char *token_url = g_strconcat (base, "/latest/api/token", NULL);
  const char *const ttl[] = { "X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL };
  long status = 0;
  g_autofree char *token = http_fetch ("PUT", token_url, ttl, NULL, &status, error);
  if (token == NULL || status != 200)
    {
      if (token != NULL)
        g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: HTTP %ld", token_url, status);
      return FALSE;
    }
  g_autofree char *header = g_strconcat ("X-aws-ec2-metadata-token: ", g_strstrip (token), NULL);
  wipe_text (token);
  const char *const headers[] = { header, NULL };
  g_autofree char *list_url = g_strconcat (base, "/latest/meta-data/iam/security-credentials/",
                                           NULL);
  g_autofree char *roles = http_fetch ("GET", list_url, headers, NULL, &status, error);
  if (roles == NULL || status != 200 || g_strstrip (roles)[0] == '\0')
    {
      if (roles != NULL)
        g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                     "instance metadata: no IAM role attached to this instance (HTTP %ld)",
                     status);
      wipe_text (header);
      return FALSE;
    }
  char *newline = strchr (roles, '\n');
  if (newline != NULL)
    *newline = '\0';
  g_autofree char *keys_url = g_strconcat (list_url, roles, NULL);
  char *answer = http_fetch ("GET", keys_url, headers, NULL, &status, error);
  wipe_text (header);
  if (answer == NULL)
    return FALSE;
  g_autofree char *source = g_strdup_printf ("instance metadata (role %s)", roles);
  if (status != 200)
    {
      wipe_text (answer);
      g_free (answer);
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: HTTP %ld", source, status);
      return FALSE;
    }
  gboolean ok = take_json_keys (c, answer, source, error);
  g_free (answer);
  return ok;
}

/* A profile of the shared files: static keys, role_arn + source_profile, credential_process.
 * FALSE without error when it has none of them. */
