/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). */
#include "config.h"

#include "aws-sigv4.h"

#include <string.h>

void
vpc_aws_uri_encode (GString *out, const char *s, gboolean keep_slash)
{
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~'
          || (keep_slash && *p == '/'))
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

static char *
sha256_hex (const void *data, gsize len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

static void
hmac (const guint8 *key, gsize key_len, const char *data, guint8 out[32])
{
  g_autoptr (GHmac) h = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_hmac_update (h, (const guchar *) data, (gssize) strlen (data));
  gsize len = 32;
  g_hmac_get_digest (h, out, &len);
}

typedef struct {
  char *name; /* lower case */
  char *value;
} Header;

static int
compare_headers (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Header *) a)->name, ((const Header *) b)->name);
}

typedef struct {
  char *encoded_name;
  char *encoded_value;
} Param;

static int
compare_params (gconstpointer a, gconstpointer b)
{
  const Param *x = a, *y = b;
  int c = strcmp (x->encoded_name, y->encoded_name);
  return c != 0 ? c : strcmp (x->encoded_value, y->encoded_value);
}

static void
header_clear (gpointer data)
{
  Header *h = data;
  g_free (h->name);
  g_free (h->value);
}

static void
param_clear (gpointer data)
{
  Param *p = data;
  g_free (p->encoded_name);
  g_free (p->encoded_value);
}

/* Header values: leading and trailing blanks removed, inner runs of blanks one space. */
static char *
trim_value (const char *value)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t')
        space = out->len > 0;
      else
        {
          if (space)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  char *amz_date;      /* 20261208T011142Z */
  char *payload_hash;
  char *target;        /* encoded path ? canonical query */
  char *signed_headers;
  char *canonical;
  GArray *headers;     /* Header, sorted */
} Canonical;

static void
canonical_clear (Canonical *c)
{
  g_free (c->amz_date);
  g_free (c->payload_hash);
  g_free (c->target);
  g_free (c->signed_headers);
  g_free (c->canonical);
  g_clear_pointer (&c->headers, g_array_unref);
}

static void
add_header (GArray *headers, const char *name, const char *value)
{
  Header h = { g_ascii_strdown (name, -1), trim_value (value) };
  g_array_append_val (headers, h);
}

static void
canonicalize (const VpcAwsRequest *r, const VpcAwsKeys *keys, Canonical *c)
{
  gboolean s3 = strcmp (r->service, "s3") == 0;
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (r->time);
  c->amz_date = g_date_time_format (when, "%Y%m%dT%H%M%SZ");
  c->payload_hash = sha256_hex (r->body != NULL ? r->body : "", r->body_len);

  /* The path: S3 encodes it once; every other service signs the encoding
   * of the path as sent (so encoded twice). */
  g_autoptr (GString) path = g_string_new (NULL);
  vpc_aws_uri_encode (path, r->path != NULL && r->path[0] != '\0' ? r->path : "/", TRUE);
  g_autoptr (GString) canonical_path = g_string_new (NULL);
  if (s3)
    g_string_assign (canonical_path, path->str);
  else
    vpc_aws_uri_encode (canonical_path, path->str, TRUE);

  g_autoptr (GArray) params = g_array_new (FALSE, FALSE, sizeof (Param));
  g_array_set_clear_func (params, param_clear);
  for (const char *const *q = r->query; q != NULL && q[0] != NULL; q += 2)
    {
      GString *n = g_string_new (NULL), *v = g_string_new (NULL);
      vpc_aws_uri_encode (n, q[0], FALSE);
      vpc_aws_uri_encode (v, q[1] != NULL ? q[1] : "", FALSE);
      Param p = { g_string_free (n, FALSE), g_string_free (v, FALSE) };
      g_array_append_val (params, p);
    }
  g_array_sort (params, compare_params);
  g_autoptr (GString) query = g_string_new (NULL);
  for (guint i = 0; i < params->len; i++)
    {
      const Param *p = &g_array_index (params, Param, i);
      g_string_append_printf (query, "%s%s=%s", i > 0 ? "&" : "", p->encoded_name,
                              p->encoded_value);
    }
  c->target = query->len > 0 ? g_strdup_printf ("%s?%s", path->str, query->str)
                             : g_strdup (path->str);

  c->headers = g_array_new (FALSE, FALSE, sizeof (Header));
  g_array_set_clear_func (c->headers, header_clear);
  add_header (c->headers, "host", r->host);
  add_header (c->headers, "x-amz-date", c->amz_date);
  if (s3)
    add_header (c->headers, "x-amz-content-sha256", c->payload_hash);
  if (keys->session_token != NULL && keys->session_token[0] != '\0')
    add_header (c->headers, "x-amz-security-token", keys->session_token);
  for (const char *const *h = r->headers; h != NULL && h[0] != NULL; h += 2)
    add_header (c->headers, h[0], h[1]);
  g_array_sort (c->headers, compare_headers);

  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GString) lines = g_string_new (NULL);
  for (guint i = 0; i < c->headers->len; i++)
    {
      const Header *h = &g_array_index (c->headers, Header, i);
      g_string_append_printf (names, "%s%s", i > 0 ? ";" : "", h->name);
      g_string_append_printf (lines, "%s:%s\n", h->name, h->value);
    }
  c->signed_headers = g_strdup (names->str);
  c->canonical = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", r->method, canonical_path->str,
                                  query->str, lines->str, c->signed_headers, c->payload_hash);
}

char *
vpc_aws_canonical_request (const VpcAwsRequest *request, const VpcAwsKeys *keys)
{
  Canonical c = { 0 };
  canonicalize (request, keys, &c);
  char *canonical = g_steal_pointer (&c.canonical);
  canonical_clear (&c);
  return canonical;
}

char *
vpc_aws_sign (const VpcAwsRequest *r, const VpcAwsKeys *keys, GPtrArray *headers_out)
{
  Canonical c = { 0 };
  canonicalize (r, keys, &c);
  g_autofree char *date = g_strndup (c.amz_date, 8);
  g_autofree char *scope = g_strdup_printf ("%s/%s/%s/aws4_request", date, r->region, r->service);
  g_autofree char *canonical_hash = sha256_hex (c.canonical, strlen (c.canonical));
  g_autofree char *to_sign
      = g_strdup_printf ("AWS4-HMAC-SHA256\n%s\n%s\n%s", c.amz_date, scope, canonical_hash);

  g_autofree char *secret = g_strconcat ("AWS4", keys->secret_key, NULL);
  guint8 k[32];
  hmac ((const guint8 *) secret, strlen (secret), date, k);
  memset (secret, 0, strlen (secret));
  hmac (k, sizeof k, r->region, k);
  hmac (k, sizeof k, r->service, k);
  hmac (k, sizeof k, "aws4_request", k);
  guint8 signature[32];
  hmac (k, sizeof k, to_sign, signature);
  memset (k, 0, sizeof k);
  GString *hex = g_string_new (NULL);
  for (guint i = 0; i < sizeof signature; i++)
    g_string_append_printf (hex, "%02x", signature[i]);

  g_ptr_array_add (headers_out, g_strdup_printf ("X-Amz-Date: %s", c.amz_date));
  if (strcmp (r->service, "s3") == 0)
    g_ptr_array_add (headers_out, g_strdup_printf ("X-Amz-Content-SHA256: %s", c.payload_hash));
  if (keys->session_token != NULL && keys->session_token[0] != '\0')
    g_ptr_array_add (headers_out,
                     g_strdup_printf ("X-Amz-Security-Token: %s", keys->session_token));
  g_ptr_array_add (headers_out,
                   g_strdup_printf ("Authorization: AWS4-HMAC-SHA256 Credential=%s/%s, "
                                    "SignedHeaders=%s, Signature=%s",
                                    keys->access_key, scope, c.signed_headers, hex->str));
  g_string_free (hex, TRUE);
  char *target = g_steal_pointer (&c.target);
  canonical_clear (&c);
  return target;
}
