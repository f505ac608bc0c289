/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AWS credentials provider chain and region resolution. */
#include "config.h"

#include "aws-credentials.h"

#include <string.h>

#include <unistd.h>

#include <curl/curl.h>
#include <yajl/yajl_tree.h>

#include "aws-credentials-private.h"
#include "aws-http.h"

/* Fetch again this long before an expiration. */
#define REFRESH_MARGIN_S (5 * 60)


VpcAwsCredentials *
vpc_aws_credentials_new (const char *profile, const char *region)
{
  VpcAwsCredentials *c = g_new0 (VpcAwsCredentials, 1);
  g_mutex_init (&c->lock);
  c->refs = 1;
  c->profile = g_strdup (profile);
  c->region = g_strdup (region != NULL ? region : "us-east-1");
  return c;
}

static void
wipe (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
forget (VpcAwsCredentials *c)
{
  g_clear_pointer (&c->access_key, g_free);
  wipe (&c->secret_key);
  wipe (&c->session_token);
  g_clear_pointer (&c->source, g_free);
  c->expiration = 0;
  c->have = FALSE;
}

void
vpc_aws_credentials_free (VpcAwsCredentials *c)
{
  if (c == NULL || !g_atomic_int_dec_and_test (&c->refs))
    return;
  forget (c);
  g_mutex_clear (&c->lock);
  g_free (c->refresh_error);
  g_free (c->profile);
  g_free (c->region);
  g_free (c);
}

VpcAwsCredentials *
vpc_aws_credentials_ref (VpcAwsCredentials *c)
{
  g_atomic_int_inc (&c->refs);
  return c;
}

void
vpc_aws_credentials_expire (VpcAwsCredentials *c, const char *access_key)
{
  g_mutex_lock (&c->lock);
  /* Another thread may have fetched new keys since these were refused. */
  if (access_key == NULL || g_strcmp0 (access_key, c->access_key) == 0)
    forget (c);
  g_mutex_unlock (&c->lock);
}

const char *
vpc_aws_credentials_get_source (const VpcAwsCredentials *c)
{
  return c->source != NULL ? c->source : "none";
}

const char *
vpc_aws_cred_nonempty_env (const char *name)
{
  const char *v = g_getenv (name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

static const char *
profile_name (const char *profile)
{
  if (profile != NULL)
    return profile;
  const char *env = vpc_aws_cred_nonempty_env ("AWS_PROFILE");
  return env != NULL ? env : "default";
}

static char *
shared_file (const char *env, const char *name)
{
  const char *path = vpc_aws_cred_nonempty_env (env);
  if (path != NULL)
    return path[0] == '~' && path[1] == '/' ? g_build_filename (g_get_home_dir (), path + 2, NULL)
                                            : g_strdup (path);
  return g_build_filename (g_get_home_dir (), ".aws", name, NULL);
}

/* The value of key in section of an AWS INI file: "[section]" lines,
 * "key = value" lines, comments from '#' or ';' at the start of a line;
 * indented lines (nested values such as "s3 =\n  addressing_style = path")
 * belong to the key above them and are not looked at. */
static char *
ini_value (const char *path, const char *section, const char *key)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean inside = FALSE;
  for (char **l = lines; *l != NULL; l++)
    {
      char *line = *l;
      if (line[0] == ' ' || line[0] == '\t')
        continue;
      g_strstrip (line);
      if (line[0] == '#' || line[0] == ';' || line[0] == '\0')
        continue;
      if (line[0] == '[')
        {
          char *end = strchr (line, ']');
          if (end == NULL)
            continue;
          *end = '\0';
          char *name = g_strstrip (line + 1);
          inside = strcmp (name, section) == 0;
          continue;
        }
      char *eq = strchr (line, '=');
      if (!inside || eq == NULL)
        continue;
      *eq = '\0';
      if (strcmp (g_strstrip (line), key) == 0)
        return g_strdup (g_strstrip (eq + 1));
    }
  return NULL;
}

char *
vpc_aws_config_value (const char *profile, const char *key)
{
  const char *name = profile_name (profile);
  g_autofree char *config = shared_file ("AWS_CONFIG_FILE", "config");
  g_autofree char *section
      = strcmp (name, "default") == 0 ? g_strdup ("default") : g_strdup_printf ("profile %s", name);
  char *value = ini_value (config, section, key);
  if (value == NULL && strcmp (name, "default") != 0)
    value = ini_value (config, name, key); /* some files name it without "profile " */
  return value;
}

/* A value of the profile in the credentials file, else the config file. */
static char *
profile_value (const char *profile, const char *key)
{
  g_autofree char *credentials = shared_file ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  char *value = ini_value (credentials, profile_name (profile), key);
  return value != NULL ? value : vpc_aws_config_value (profile, key);
}

char *
vpc_aws_resolve_region (const char *option, const char *profile)
{
  if (option != NULL && option[0] != '\0')
    return g_strdup (option);
  const char *env = vpc_aws_cred_nonempty_env ("AWS_REGION");
  if (env == NULL)
    env = vpc_aws_cred_nonempty_env ("AWS_DEFAULT_REGION");
  if (env != NULL)
    return g_strdup (env);
  return vpc_aws_config_value (profile, "region");
}

gint64
vpc_aws_cred_parse_expiration (const char *iso)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  return t != NULL ? g_date_time_to_unix (t) : 0;
}

const char *
vpc_aws_cred_json_string (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  return v != NULL ? YAJL_GET_STRING (v) : NULL;
}

/* credential_process: run it (through the shell, as the AWS tools do) and
 * read its JSON. */
static gboolean
from_process (VpcAwsCredentials *c, const char *command, GError **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint status = 0;
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  g_autoptr (GError) local = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &local)
      || !g_spawn_check_wait_status (status, &local))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "credential_process of profile %s: %s",
                   profile_name (c->profile), local->message);
      return FALSE;
    }
  char why[128] = "";
  yajl_val root = yajl_tree_parse (out, why, sizeof why);
  const char *id = root != NULL ? vpc_aws_cred_json_string (root, "AccessKeyId") : NULL;
  const char *secret = root != NULL ? vpc_aws_cred_json_string (root, "SecretAccessKey") : NULL;
  if (id == NULL || secret == NULL)
    {
      if (root != NULL)
        yajl_tree_free (root);
      memset (out, 0, strlen (out));
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "credential_process of profile %s: its output has no AccessKeyId and "
                   "SecretAccessKey",
                   profile_name (c->profile));
      return FALSE;
    }
  c->access_key = g_strdup (id);
  c->secret_key = g_strdup (secret);
  c->session_token = g_strdup (vpc_aws_cred_json_string (root, "SessionToken"));
  const char *expiration = vpc_aws_cred_json_string (root, "Expiration");
  c->expiration = expiration != NULL ? vpc_aws_cred_parse_expiration (expiration) : 0;
  c->source = g_strdup_printf ("credential_process of profile %s", profile_name (c->profile));
  yajl_tree_free (root);
  memset (out, 0, strlen (out));
  return TRUE;
}

gboolean
vpc_aws_cred_resolve_profile (VpcAwsCredentials *c, const char *profile, guint depth, GError **error)
{
  const char *name = profile_name (profile);
  g_autofree char *role = profile_value (profile, "role_arn");
  g_autofree char *source_profile = profile_value (profile, "source_profile");
  if (role != NULL && source_profile != NULL)
    {
      if (depth >= 4)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "profile %s: source_profile chain too long (a loop?)", name);
          return FALSE;
        }
      return vpc_aws_cred_from_assume_role (c, name, role, source_profile, depth, error);
    }
  g_autofree char *file_id = profile_value (profile, "aws_access_key_id");
  g_autofree char *file_secret = profile_value (profile, "aws_secret_access_key");
  if (file_id != NULL && file_secret != NULL)
    {
      c->access_key = g_steal_pointer (&file_id);
      c->secret_key = g_steal_pointer (&file_secret);
      c->session_token = profile_value (profile, "aws_session_token");
      c->source = g_strdup_printf ("shared files, profile %s", name);
      return TRUE;
    }
  wipe (&file_secret);
  g_autofree char *process = profile_value (profile, "credential_process");
  if (process != NULL)
    return from_process (c, process, error);
  if (role != NULL)
    g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                 "profile %s: role_arn without source_profile (credential_source is not "
                 "supported)", name);
  else if (depth > 0)
    g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "profile %s has no credentials", name);
  return FALSE;
}

static gboolean
resolve (VpcAwsCredentials *c, GError **error)
{
  const char *id = vpc_aws_cred_nonempty_env ("AWS_ACCESS_KEY_ID");
  const char *secret = vpc_aws_cred_nonempty_env ("AWS_SECRET_ACCESS_KEY");
  if (c->profile == NULL && id != NULL && secret != NULL)
    {
      c->access_key = g_strdup (id);
      c->secret_key = g_strdup (secret);
      c->session_token = g_strdup (vpc_aws_cred_nonempty_env ("AWS_SESSION_TOKEN"));
      c->source = g_strdup ("environment");
      return TRUE;
    }
  const char *token_file = vpc_aws_cred_nonempty_env ("AWS_WEB_IDENTITY_TOKEN_FILE");
  const char *role = vpc_aws_cred_nonempty_env ("AWS_ROLE_ARN");
  if (c->profile == NULL && token_file != NULL && role != NULL)
    return vpc_aws_cred_from_web_identity (c, token_file, role, error);
  GError *local = NULL;
  if (vpc_aws_cred_resolve_profile (c, c->profile, 0, &local))
    return TRUE;
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (c->profile == NULL
      && (vpc_aws_cred_nonempty_env ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL
          || vpc_aws_cred_nonempty_env ("AWS_CONTAINER_CREDENTIALS_FULL_URI") != NULL))
    return vpc_aws_cred_from_container (c, error);
  const char *disabled = vpc_aws_cred_nonempty_env ("AWS_EC2_METADATA_DISABLED");
  if (c->profile == NULL && (disabled == NULL || g_ascii_strcasecmp (disabled, "true") != 0))
    {
      g_autoptr (GError) imds = NULL;
      if (vpc_aws_cred_from_instance (c, &imds))
        return TRUE;
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "no AWS credentials: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                   "AWS_WEB_IDENTITY_TOKEN_FILE, profile %s of the shared files, container "
                   "credentials, instance metadata (%s)",
                   profile_name (NULL), imds->message);
      return FALSE;
    }
  g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
               "no AWS credentials: tried %sprofile %s of the shared files",
               c->profile != NULL ? "" : "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ",
               profile_name (c->profile));
  return FALSE;
}

/* The refresh of keys about to expire failed: the keys held are kept
 * while they are valid; TRUE if they are. */
static gboolean
keep_keys_after_failed_refresh (VpcAwsCredentials *c, char *access_key, char *secret_key,
                                char *session_token, char *source, gint64 expiration,
                                const GError *why)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  forget (c);
  c->access_key = access_key;
  c->secret_key = secret_key;
  c->session_token = session_token;
  c->source = source;
  c->expiration = expiration;
  c->have = TRUE;
  if (now >= expiration)
    {
      forget (c);
      return FALSE;
    }
  c->refresh_failures++;
  gint64 wait_s = MIN ((gint64) 1 << MIN (c->refresh_failures - 1, 6u), 60);
  c->retry_at_us = g_get_monotonic_time () + wait_s * G_USEC_PER_SEC;
  g_free (c->refresh_error);
  c->refresh_error = g_strdup (why->message);
  return TRUE;
}

/* The keys held, fetched (again) when missing or about to expire; the lock is held. */
static gboolean
current_keys (VpcAwsCredentials *c, GError **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  if (c->have && c->expiration != 0 && now >= c->expiration - REFRESH_MARGIN_S)
    {
      if (c->refresh_failures > 0 && g_get_monotonic_time () < c->retry_at_us
          && now < c->expiration)
        return TRUE; /* the last refresh failed: the keys held, until the next try */
      char *access_key = g_steal_pointer (&c->access_key);
      char *secret_key = g_steal_pointer (&c->secret_key);
      char *session_token = g_steal_pointer (&c->session_token);
      char *source = g_steal_pointer (&c->source);
      gint64 expiration = c->expiration;
      forget (c);
      g_autoptr (GError) local = NULL;
      if (resolve (c, &local))
        {
          c->have = TRUE;
          c->refresh_failures = 0;
          g_clear_pointer (&c->refresh_error, g_free);
          g_free (access_key);
          wipe (&secret_key);
          wipe (&session_token);
          g_free (source);
          return TRUE;
        }
      forget (c);
      if (keep_keys_after_failed_refresh (c, access_key, secret_key, session_token, source,
                                          expiration, local))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!c->have)
    {
      if (!resolve (c, error))
        {
          forget (c);
          return FALSE;
        }
      c->have = TRUE;
    }
  c->ever = TRUE;
  return TRUE;
}

gboolean
vpc_aws_credentials_found_once (VpcAwsCredentials *c)
{
  g_mutex_lock (&c->lock);
  gboolean ever = c->ever;
  g_mutex_unlock (&c->lock);
  return ever;
}

gboolean
vpc_aws_credentials_get (VpcAwsCredentials *c, VpcAwsKeys *keys, GError **error)
{
  g_mutex_lock (&c->lock);
  gboolean ok = current_keys (c, error);
  if (ok)
    {
      keys->access_key = c->access_key;
      keys->secret_key = c->secret_key;
      keys->session_token = c->session_token;
    }
  g_mutex_unlock (&c->lock);
  return ok;
}

gboolean
vpc_aws_credentials_get_copy (VpcAwsCredentials *c, VpcAwsKeyCopy *keys, GError **error)
{
  g_mutex_lock (&c->lock);
  gboolean ok = current_keys (c, error);
  if (ok)
    {
      keys->access_key = g_strdup (c->access_key);
      keys->secret_key = g_strdup (c->secret_key);
      keys->session_token = g_strdup (c->session_token);
    }
  g_mutex_unlock (&c->lock);
  return ok;
}

void
vpc_aws_key_copy_clear (VpcAwsKeyCopy *keys)
{
  g_clear_pointer (&keys->access_key, g_free);
  wipe (&keys->secret_key);
  wipe (&keys->session_token);
}

char *
vpc_aws_credentials_take_refresh_error (VpcAwsCredentials *c)
{
  g_mutex_lock (&c->lock);
  char *message = g_steal_pointer (&c->refresh_error);
  g_mutex_unlock (&c->lock);
  return message;
}
