/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AWS credentials provider chain and region resolution. */
#include "config.h"

#include "aws-credentials.h"

#include <string.h>

#include <yajl/yajl_tree.h>

/* Fetch again this long before an expiration. */
#define REFRESH_MARGIN_S (5 * 60)

struct VpcAwsCredentials {
  char *profile;
  char *access_key, *secret_key, *session_token;
  gint64 expiration; /* seconds since the epoch; 0: none */
  gboolean have;
  char *source;
};

VpcAwsCredentials *
vpc_aws_credentials_new (const char *profile)
{
  VpcAwsCredentials *c = g_new0 (VpcAwsCredentials, 1);
  c->profile = g_strdup (profile);
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
  if (c == NULL)
    return;
  forget (c);
  g_free (c->profile);
  g_free (c);
}

void
vpc_aws_credentials_expire (VpcAwsCredentials *c)
{
  forget (c);
}

const char *
vpc_aws_credentials_get_source (const VpcAwsCredentials *c)
{
  return c->source != NULL ? c->source : "none";
}

static const char *
nonempty_env (const char *name)
{
  const char *v = g_getenv (name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

static const char *
profile_name (const char *profile)
{
  if (profile != NULL)
    return profile;
  const char *env = nonempty_env ("AWS_PROFILE");
  return env != NULL ? env : "default";
}

static char *
shared_file (const char *env, const char *name)
{
  const char *path = nonempty_env (env);
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
  const char *env = nonempty_env ("AWS_REGION");
  if (env == NULL)
    env = nonempty_env ("AWS_DEFAULT_REGION");
  if (env != NULL)
    return g_strdup (env);
  return vpc_aws_config_value (profile, "region");
}

static gint64
parse_expiration (const char *iso)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  return t != NULL ? g_date_time_to_unix (t) : 0;
}

static const char *
json_string (yajl_val root, const char *key)
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
  const char *id = root != NULL ? json_string (root, "AccessKeyId") : NULL;
  const char *secret = root != NULL ? json_string (root, "SecretAccessKey") : NULL;
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
  c->session_token = g_strdup (json_string (root, "SessionToken"));
  const char *expiration = json_string (root, "Expiration");
  c->expiration = expiration != NULL ? parse_expiration (expiration) : 0;
  c->source = g_strdup_printf ("credential_process of profile %s", profile_name (c->profile));
  yajl_tree_free (root);
  memset (out, 0, strlen (out));
  return TRUE;
}

static gboolean
resolve (VpcAwsCredentials *c, GError **error)
{
  const char *id = nonempty_env ("AWS_ACCESS_KEY_ID");
  const char *secret = nonempty_env ("AWS_SECRET_ACCESS_KEY");
  if (c->profile == NULL && id != NULL && secret != NULL)
    {
      c->access_key = g_strdup (id);
      c->secret_key = g_strdup (secret);
      c->session_token = g_strdup (nonempty_env ("AWS_SESSION_TOKEN"));
      c->source = g_strdup ("environment");
      return TRUE;
    }
  const char *name = profile_name (c->profile);
  g_autofree char *file_id = profile_value (c->profile, "aws_access_key_id");
  g_autofree char *file_secret = profile_value (c->profile, "aws_secret_access_key");
  if (file_id != NULL && file_secret != NULL)
    {
      c->access_key = g_steal_pointer (&file_id);
      c->secret_key = g_steal_pointer (&file_secret);
      c->session_token = profile_value (c->profile, "aws_session_token");
      c->source = g_strdup_printf ("shared files, profile %s", name);
      return TRUE;
    }
  wipe (&file_secret);
  g_autofree char *process = profile_value (c->profile, "credential_process");
  if (process != NULL)
    return from_process (c, process, error);
  g_autofree char *role = profile_value (c->profile, "role_arn");
  if (role != NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "profile %s assumes a role (role_arn): not supported yet; use "
                   "credential_process = aws configure export-credentials --profile %s",
                   name, name);
      return FALSE;
    }
  g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
               "no AWS credentials: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY%s and "
               "profile %s of the shared files",
               c->profile != NULL ? " (not used with --profile)" : "", name);
  return FALSE;
}

gboolean
vpc_aws_credentials_get (VpcAwsCredentials *c, VpcAwsKeys *keys, GError **error)
{
  if (c->have && c->expiration != 0 && g_get_real_time () / G_USEC_PER_SEC
                                           >= c->expiration - REFRESH_MARGIN_S)
    forget (c);
  if (!c->have)
    {
      if (!resolve (c, error))
        {
          forget (c);
          return FALSE;
        }
      c->have = TRUE;
    }
  keys->access_key = c->access_key;
  keys->secret_key = c->secret_key;
  keys->session_token = c->session_token;
  return TRUE;
}
