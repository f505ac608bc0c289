/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signed AWS requests over libcurl, with retries, endpoint resolution and clear access errors. */
#include "config.h"

#include "aws-http.h"

#include <string.h>

#include <curl/curl.h>

#define MAX_ATTEMPTS 8
#define BACKOFF_BASE_US (100 * 1000)
#define BACKOFF_CAP_US (5 * G_USEC_PER_SEC)
#define CONNECT_TIMEOUT_S 10L
#define LOW_SPEED_TIME_S 30L
#define MAX_RESPONSE (64u << 20) /* an answer kept in memory (a listing, a page of events) */ /* a transfer below 1 byte/s this long is cut (and retried) */

struct VpcAwsClient {
  VpcAwsOptions options;
  char *region;
  char *endpoint_url;
  VpcAwsCredentials *credentials;
  CURL *curl;
  CURLM *multi;
  VpcAwsCounters counters;
  gboolean gave_up;
};

static const char *
nonempty_env (const char *name)
{
  const char *v = g_getenv (name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

VpcAwsClient *
vpc_aws_client_new (const VpcAwsOptions *options)
{
  static gsize curl_ready = 0;
  if (g_once_init_enter (&curl_ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_ready, 1);
    }
  VpcAwsClient *client = g_new0 (VpcAwsClient, 1);
  client->options = *options;
  client->region = vpc_aws_resolve_region (options->region, options->profile);
  if (client->region == NULL)
    client->region = g_strdup ("us-east-1");
  client->endpoint_url = g_strdup (options->endpoint_url);
  client->credentials = vpc_aws_credentials_new (options->profile, client->region);
  client->curl = curl_easy_init ();
  client->multi = curl_multi_init ();
  return client;
}

void
vpc_aws_client_free (VpcAwsClient *client)
{
  if (client == NULL)
    return;
  curl_easy_cleanup (client->curl);
  curl_multi_cleanup (client->multi);
  vpc_aws_credentials_free (client->credentials);
  g_free (client->region);
  g_free (client->endpoint_url);
  g_free (client);
}

const VpcAwsCounters *
vpc_aws_client_get_counters (const VpcAwsClient *client)
{
  return &client->counters;
}

gboolean
vpc_aws_client_check_credentials (VpcAwsClient *client, GError **error)
{
  VpcAwsKeys keys;
  return vpc_aws_credentials_get (client->credentials, &keys, error);
}

gboolean
vpc_aws_client_gave_up (const VpcAwsClient *client)
{
  return client->gave_up;
}

const char *
vpc_aws_client_get_region (const VpcAwsClient *client)
{
  return client->region;
}

/* The endpoint of service: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, else AWS's own; *custom when not AWS's own (S3 is then
 * addressed path-style). */
static char *
service_endpoint (const VpcAwsClient *client, const char *service, gboolean *custom)
{
  *custom = TRUE;
  if (client->endpoint_url != NULL)
    return g_strdup (client->endpoint_url);
  const char *id = strcmp (service, "logs") == 0 ? "CLOUDWATCH_LOGS" : NULL;
  g_autofree char *upper = g_ascii_strup (service, -1);
  g_autofree char *name = g_strdup_printf ("AWS_ENDPOINT_URL_%s", id != NULL ? id : upper);
  const char *env = nonempty_env (name);
  if (env == NULL)
    env = nonempty_env ("AWS_ENDPOINT_URL");
  if (env != NULL)
    return g_strdup (env);
  *custom = FALSE;
  return g_strdup_printf ("https://%s.%s.amazonaws.com", service, client->region);
}

/* A bucket name that can be a host name label (virtual-hosted style). */
static gboolean
bucket_is_dns_label (const char *bucket)
{
  for (const char *p = bucket; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return bucket[0] != '\0';
}

/* Base URL (scheme://host[:port][/path]) and the raw path after it. */
static void
call_location (const VpcAwsClient *client, const VpcAwsCall *call, char **base, char **path)
{
  if (call->url != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (call->url, G_URI_FLAGS_ENCODED, NULL);
      if (uri != NULL)
        {
          g_autofree char *raw = g_uri_unescape_string (g_uri_get_path (uri), NULL);
          *base = g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                              g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);
          *path = g_strdup (raw != NULL && raw[0] != '\0' ? raw : "/");
          return;
        }
      *base = g_strdup (call->url);
      *path = g_strdup ("/");
      return;
    }
  gboolean custom = FALSE;
  g_autofree char *endpoint = service_endpoint (client, call->service, &custom);
  while (g_str_has_suffix (endpoint, "/"))
    endpoint[strlen (endpoint) - 1] = '\0';
  const char *rest = call->path != NULL ? call->path : "/";
  if (call->bucket == NULL)
    {
      *base = g_steal_pointer (&endpoint);
      *path = g_strdup (rest);
    }
  else if (!custom && bucket_is_dns_label (call->bucket))
    {
      *base = g_strdup_printf ("https://%s.s3.%s.amazonaws.com", call->bucket, client->region);
      *path = g_strdup (rest);
    }
  else
    {
      /* A bucket operation is on /bucket (as botocore sends it), an object on /bucket/key. */
      *base = g_steal_pointer (&endpoint);
      *path = g_strdup_printf ("/%s%s", call->bucket, strcmp (rest, "/") == 0 ? "" : rest);
    }
}

/* The Host header curl sends for base. */
static char *
host_header (const char *base)
{
  g_autoptr (GUri) uri = g_uri_parse (base, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  const char *host = g_uri_get_host (uri);
  gboolean v6 = strchr (host, ':') != NULL;
  int port = g_uri_get_port (uri);
  const char *scheme = g_uri_get_scheme (uri);
  int default_port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
  g_autofree char *name = v6 ? g_strdup_printf ("[%s]", host) : g_ascii_strdown (host, -1);
  if (port > 0 && port != default_port)
    return g_strdup_printf ("%s:%d", name, port);
  return g_steal_pointer (&name);
}

typedef struct {
  VpcAwsClient *client;
  const VpcAwsCall *call;
  GByteArray *response; /* the body when there is no writer, or of an error */
  gboolean to_writer;   /* decided at the first byte, from the status */
  gboolean decided;
  GError *write_error;
} Transfer;

static size_t
on_body (char *data, size_t size, size_t n, void *user_data)
{
  Transfer *t = user_data;
  gsize len = size * n;
  if (!t->decided)
    {
      long status = 0;
      curl_easy_getinfo (t->client->curl, CURLINFO_RESPONSE_CODE, &status);
      t->to_writer = t->call->write != NULL && status >= 200 && status < 300;
      t->decided = TRUE;
    }
  t->client->counters.bytes += len;
  if (t->to_writer)
    {
      if (!t->call->write (data, len, t->call->user_data, &t->write_error))
        return 0; /* CURLE_WRITE_ERROR */
      return len;
    }
  if (t->response->len + len > 4 * 1024 * 1024 && t->call->write != NULL)
    return len; /* an error body: its start is enough */
  if (t->response->len + len > MAX_RESPONSE)
    {
      g_set_error (&t->write_error, VPC_ERROR, VPC_ERROR_IO, "%s: an answer over %u MiB",
                   t->call->what, MAX_RESPONSE >> 20);
      return 0;
    }
  g_byte_array_append (t->response, (const guint8 *) data, (guint) len);
  return len;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  (void) dltotal, (void) dlnow, (void) ultotal, (void) ulnow;
  const VpcAwsClient *client = user_data;
  return client->options.interrupted != NULL && g_atomic_int_get (client->options.interrupted);
}

char *
vpc_aws_xml_value (const char *xml, gsize len, const char *element)
{
  g_autofree char *open = g_strdup_printf ("<%s>", element);
  g_autofree char *close = g_strdup_printf ("</%s>", element);
  g_autofree char *text = g_strndup (xml, len);
  const char *start = strstr (text, open);
  if (start == NULL)
    return NULL;
  start += strlen (open);
  const char *end = strstr (start, close);
  if (end == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  for (const char *p = start; p < end; p++)
    {
      static const struct { const char *entity; char c; } entities[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
      };
      gboolean done = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (entities) && !done; i++)
        if (strncmp (p, entities[i].entity, strlen (entities[i].entity)) == 0)
          {
            g_string_append_c (out, entities[i].c);
            p += strlen (entities[i].entity) - 1;
            done = TRUE;
          }
      if (!done && p[0] == '&' && p[1] == '#')
        {
          char *stop = NULL;
          gboolean hex = p[2] == 'x' || p[2] == 'X';
          gulong code = strtoul (p + (hex ? 3 : 2), &stop, hex ? 16 : 10);
          if (stop != NULL && *stop == ';' && code > 0 && code < 0x110000)
            {
              g_string_append_unichar (out, (gunichar) code);
              p = stop;
              done = TRUE;
            }
        }
      if (!done)
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The AWS error code of an error body: XML <Code>, JSON "__type" (after
 * its '#') or "code"; NULL if none. */
static char *
error_code_of (const GByteArray *body)
{
  if (body->len == 0)
    return NULL;
  const char *text = (const char *) body->data;
  char *code = vpc_aws_xml_value (text, body->len, "Code");
  if (code != NULL)
    return code;
  g_autofree char *copy = g_strndup (text, body->len);
  for (const char *key = "\"__type\""; key != NULL;
       key = strcmp (key, "\"__type\"") == 0 ? "\"code\"" : NULL)
    {
      const char *at = strstr (copy, key);
      if (at == NULL)
        continue;
      at = strchr (at + strlen (key), '"');
      const char *end = at != NULL ? strchr (at + 1, '"') : NULL;
      if (end == NULL)
        continue;
      g_autofree char *value = g_strndup (at + 1, (gsize) (end - at - 1));
      const char *hash = strrchr (value, '#');
      return g_strdup (hash != NULL ? hash + 1 : value);
    }
  return NULL;
}

static gboolean
is_throttle (long status, const char *code)
{
  return status == 429
         || (code != NULL
             && (strcmp (code, "SlowDown") == 0 || strcmp (code, "Throttling") == 0
                 || strcmp (code, "ThrottlingException") == 0
                 || strcmp (code, "ThrottledException") == 0
                 || strcmp (code, "RequestThrottled") == 0
                 || strcmp (code, "RequestLimitExceeded") == 0
                 || strcmp (code, "TooManyRequestsException") == 0
                 || strcmp (code, "AWS.SimpleQueueService.RequestThrottled") == 0));
}

static gboolean
is_expired (const char *code)
{
  return code != NULL
         && (strcmp (code, "ExpiredToken") == 0 || strcmp (code, "ExpiredTokenException") == 0
             || strcmp (code, "RequestExpired") == 0);
}

static gboolean
curl_error_is_transient (CURLcode rc)
{
  switch (rc)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Wait before attempt (1, 2, ...): full jitter over an exponential bound.
 * FALSE if interrupted meanwhile. */
static gboolean
backoff (const VpcAwsClient *client, guint attempt)
{
  gint64 bound = BACKOFF_BASE_US << MIN (attempt, 16u);
  if (bound > BACKOFF_CAP_US)
    bound = BACKOFF_CAP_US;
  gint64 until = g_get_monotonic_time () + (gint64) (g_random_double () * (double) bound);
  for (;;)
    {
      if (client->options.interrupted != NULL && g_atomic_int_get (client->options.interrupted))
        return FALSE;
      gint64 left = until - g_get_monotonic_time ();
      if (left <= 0)
        return TRUE;
      g_usleep (MIN (left, 20000));
    }
}

/* curl_easy_perform(), looking at the stop flag every 50 ms (curl's
 * progress callback may wait a second on a silent connection). */
static CURLcode
perform (VpcAwsClient *client)
{
  CURLM *multi = client->multi;
  curl_multi_add_handle (multi, client->curl);
  CURLcode rc = CURLE_OK;
  for (;;)
    {
      int running = 0;
      CURLMcode mc = curl_multi_perform (multi, &running);
      if (mc != CURLM_OK)
        {
          rc = CURLE_RECV_ERROR;
          break;
        }
      if (running == 0)
        {
          int left = 0;
          CURLMsg *msg;
          while ((msg = curl_multi_info_read (multi, &left)) != NULL)
            if (msg->msg == CURLMSG_DONE)
              rc = msg->data.result;
          break;
        }
      if (client->options.interrupted != NULL && g_atomic_int_get (client->options.interrupted))
        {
          rc = CURLE_ABORTED_BY_CALLBACK;
          break;
        }
      curl_multi_poll (multi, NULL, 0, 50, NULL);
    }
  curl_multi_remove_handle (multi, client->curl);
  return rc;
}

/* One attempt: perform the signed request.  Returns the curl code. */
static CURLcode
attempt_call (VpcAwsClient *client, const VpcAwsCall *call, const VpcAwsKeys *keys,
              Transfer *t, long *status, char *curl_message)
{
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  call_location (client, call, &base, &path);
  g_autofree char *host = host_header (base);
  VpcAwsRequest request = {
    .service = call->service,
    .region = call->region != NULL ? call->region : client->region,
    .method = call->method,
    .host = host != NULL ? host : "",
    .path = path,
    .query = call->query,
    .headers = call->headers,
    .body = call->body,
    .body_len = call->body_len,
    .time = g_get_real_time () / G_USEC_PER_SEC,
  };
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *target = vpc_aws_sign (&request, keys, lines);
  g_autofree char *url = g_strconcat (base, target, NULL);
  struct curl_slist *headers = NULL;
  for (const char *const *h = call->headers; h != NULL && h[0] != NULL; h += 2)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", h[0], h[1]);
      headers = curl_slist_append (headers, line);
    }
  for (const char *const *h = call->unsigned_headers; h != NULL && h[0] != NULL; h += 2)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", h[0], h[1]);
      headers = curl_slist_append (headers, line);
    }
  for (guint i = 0; i < lines->len; i++)
    headers = curl_slist_append (headers, lines->pdata[i]);
  headers = curl_slist_append (headers, "Expect:");
  if (call->body == NULL)
    headers = curl_slist_append (headers, "Content-Type:");

  CURL *curl = client->curl;
  curl_easy_reset (curl);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_message);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, client);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  if (strcmp (call->method, "POST") == 0)
    {
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, call->body != NULL ? call->body : "");
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) call->body_len);
    }
  else if (strcmp (call->method, "GET") != 0)
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, call->method);
  client->counters.requests++;
  CURLcode rc = perform (client);
  *status = 0;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (headers);
  return rc;
}

gboolean
vpc_aws_call (VpcAwsClient *client, const VpcAwsCall *call, guint *status, GByteArray *response,
              char **error_code, GError **error)
{
  g_autoptr (GByteArray) own = response == NULL ? g_byte_array_new () : NULL;
  if (response == NULL)
    response = own;
  if (error_code != NULL)
    *error_code = NULL;
  gboolean refreshed = FALSE;
  client->gave_up = FALSE;
  for (guint attempt = 1;; attempt++)
    {
      VpcAwsKeys keys;
      if (!vpc_aws_credentials_get (client->credentials, &keys, error))
        return FALSE;
      g_byte_array_set_size (response, 0);
      Transfer t = { .client = client, .call = call, .response = response };
      char curl_message[CURL_ERROR_SIZE] = "";
      long code_http = 0;
      CURLcode rc = attempt_call (client, call, &keys, &t, &code_http, curl_message);
      if (t.write_error != NULL)
        {
          g_propagate_error (error, t.write_error);
          return FALSE;
        }
      if (client->options.interrupted != NULL && g_atomic_int_get (client->options.interrupted))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED, "interrupted");
          return FALSE;
        }
      g_autofree char *reason = NULL;
      g_autofree char *code = NULL;
      if (rc != CURLE_OK)
        {
          reason = g_strdup (curl_message[0] != '\0' ? curl_message : curl_easy_strerror (rc));
          if (!curl_error_is_transient (rc))
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", call->what, reason);
              return FALSE;
            }
        }
      else
        {
          code = error_code_of (response);
          if (code_http >= 200 && code_http < 300)
            g_clear_pointer (&code, g_free);
          gboolean throttle = is_throttle (code_http, code);
          if (throttle)
            client->counters.throttles++;
          if (is_expired (code) && !refreshed)
            {
              refreshed = TRUE;
              vpc_aws_credentials_expire (client->credentials);
              vpc_diag_emit (client->options.diag, "%s: %s: fetching the credentials again",
                             call->what, code);
              client->counters.retries++;
              continue; /* an error body never reaches the writer */
            }
          if (code_http == 403 && code != NULL
              && (strcmp (code, "SignatureDoesNotMatch") == 0
                  || strcmp (code, "InvalidAccessKeyId") == 0
                  || strcmp (code, "InvalidClientTokenId") == 0
                  || strcmp (code, "UnrecognizedClientException") == 0
                  || strcmp (code, "InvalidSignatureException") == 0
                  || strcmp (code, "IncompleteSignature") == 0))
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                           "%s: the credentials (from %s) were refused (HTTP 403 %s): check the "
                           "access key id and the secret access key",
                           call->what, vpc_aws_credentials_get_source (client->credentials), code);
              return FALSE;
            }
          if (code_http == 403)
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                           "%s: access denied (HTTP 403 %s): the credentials (from %s) need "
                           "the permission %s",
                           call->what, code != NULL ? code : "Forbidden",
                           vpc_aws_credentials_get_source (client->credentials),
                           call->action != NULL ? call->action : "for this request");
              return FALSE;
            }
          if (!(code_http >= 500 || throttle
                || (code != NULL && strcmp (code, "RequestTimeout") == 0)))
            {
              *status = (guint) code_http;
              if (error_code != NULL)
                *error_code = g_steal_pointer (&code);
              return TRUE;
            }
          reason = g_strdup_printf ("HTTP %ld%s%s", code_http, code != NULL ? " " : "",
                                    code != NULL ? code : "");
        }
      if (attempt >= MAX_ATTEMPTS)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s (gave up after %u attempts)",
                       call->what, reason, attempt);
          client->gave_up = TRUE;
          return FALSE;
        }
      vpc_diag_emit (client->options.diag, "%s: %s: retrying (attempt %u of %u)", call->what,
                     reason, attempt + 1, MAX_ATTEMPTS);
      client->counters.retries++;
      if (!backoff (client, attempt))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED, "interrupted");
          return FALSE;
        }
      if (call->restart != NULL)
        call->restart (call->user_data);
    }
}
