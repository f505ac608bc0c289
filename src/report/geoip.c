/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Country and autonomous system of an address from MaxMind DB files (GeoLite2, DB-IP), read with libmaxminddb. */
#include "config.h"

#include "geoip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "common/vpc-error.h"

typedef struct {
  char *path;
  MMDB_s mmdb;
  gboolean open;
} GeoDatabase;

struct VpcGeoip {
  GeoDatabase databases[VPC_GEOIP_MAX_DATABASES];
  guint count;
  GHashTable *countries; /* "US" -> English name */
  GHashTable *as_names;  /* GUINT asn -> organisation */
  guint64 errors;
};

void
vpc_geoip_free (VpcGeoip *geoip)
{
  if (geoip == NULL)
    return;
  for (guint i = 0; i < geoip->count; i++)
    {
      if (geoip->databases[i].open)
        MMDB_close (&geoip->databases[i].mmdb);
      g_free (geoip->databases[i].path);
    }
  g_hash_table_unref (geoip->countries);
  g_hash_table_unref (geoip->as_names);
  g_free (geoip);
}

/* Whether the database type says it has country or AS data. */
static gboolean
type_is_useful (const char *type)
{
  static const char *const words[] = { "Country", "City", "ASN", "country", "city", "asn",
                                       "Enterprise", "ISP", NULL };
  for (guint i = 0; type != NULL && words[i] != NULL; i++)
    if (strstr (type, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

VpcGeoip *
vpc_geoip_open (const char *const *paths, GError **error)
{
  g_autoptr (VpcGeoip) geoip = g_new0 (VpcGeoip, 1);
  geoip->countries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  geoip->as_names = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (geoip->count == VPC_GEOIP_MAX_DATABASES)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "--geoip: at most %d databases",
                       VPC_GEOIP_MAX_DATABASES);
          return NULL;
        }
      GeoDatabase *d = &geoip->databases[geoip->count++];
      d->path = g_strdup (paths[i]);
      int status = MMDB_open (paths[i], MMDB_MODE_MMAP, &d->mmdb);
      if (status != MMDB_SUCCESS)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--geoip %s: %s", paths[i],
                       status == MMDB_IO_ERROR ? g_strerror (errno) : MMDB_strerror (status));
          return NULL;
        }
      d->open = TRUE;
      if (!type_is_useful (d->mmdb.metadata.database_type))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "--geoip %s: a database of type '%s' has no country nor AS data "
                       "(use a country, city or ASN database)",
                       paths[i], d->mmdb.metadata.database_type);
          return NULL;
        }
    }
  return g_steal_pointer (&geoip);
}

static gboolean
get_string (MMDB_entry_s *entry, char *out, gsize size, const char *const *path)
{
  MMDB_entry_data_s data;
  if (MMDB_aget_value (entry, &data, path) != MMDB_SUCCESS || !data.has_data
      || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size == 0)
    return FALSE;
  gsize n = MIN ((gsize) data.data_size, size - 1);
  memcpy (out, data.utf8_string, n);
  out[n] = '\0';
  return TRUE;
}

static gboolean
get_uint (MMDB_entry_s *entry, guint32 *out, const char *const *path)
{
  MMDB_entry_data_s data;
  if (MMDB_aget_value (entry, &data, path) != MMDB_SUCCESS || !data.has_data)
    return FALSE;
  if (data.type == MMDB_DATA_TYPE_UINT32)
    *out = data.uint32;
  else if (data.type == MMDB_DATA_TYPE_UINT16)
    *out = data.uint16;
  else
    return FALSE;
  return TRUE;
}

/* Fill what geo lacks from one database's record. */
static void
record_read (VpcGeoip *geoip, MMDB_entry_s *entry, VpcGeo *geo)
{
  static const char *const country_path[] = { "country", "iso_code", NULL };
  static const char *const registered_path[] = { "registered_country", "iso_code", NULL };
  static const char *const country_name_path[] = { "country", "names", "en", NULL };
  static const char *const asn_path[] = { "autonomous_system_number", NULL };
  static const char *const as_org_path[] = { "autonomous_system_organization", NULL };
  if (geo->country[0] == '\0')
    {
      char code[3];
      if (get_string (entry, code, sizeof code, country_path)
          || get_string (entry, code, sizeof code, registered_path))
        {
          /* Only two ASCII letters, so that a code can be a key and a CSS-safe text. */
          if (g_ascii_isalpha (code[0]) && g_ascii_isalpha (code[1]))
            {
              geo->country[0] = g_ascii_toupper (code[0]);
              geo->country[1] = g_ascii_toupper (code[1]);
              geo->country[2] = '\0';
              char name[128];
              if (!g_hash_table_contains (geoip->countries, geo->country)
                  && get_string (entry, name, sizeof name, country_name_path))
                g_hash_table_insert (geoip->countries, g_strdup (geo->country), g_strdup (name));
            }
        }
    }
  if (geo->asn == 0)
    {
      guint32 asn = 0;
      if (get_uint (entry, &asn, asn_path) && asn != 0)
        {
          geo->asn = asn;
          char name[256];
          if (!g_hash_table_contains (geoip->as_names, GUINT_TO_POINTER (asn))
              && get_string (entry, name, sizeof name, as_org_path))
            g_hash_table_insert (geoip->as_names, GUINT_TO_POINTER (asn), g_strdup (name));
        }
    }
}

gboolean
vpc_geoip_lookup (VpcGeoip *geoip, const VpcAddr *addr, VpcGeo *geo)
{
  memset (geo, 0, sizeof *geo);
  struct sockaddr_in sin = { .sin_family = AF_INET };
  struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
  const struct sockaddr *sa;
  if (addr->family == 4)
    {
      memcpy (&sin.sin_addr, addr->bytes, 4);
      sa = (const struct sockaddr *) &sin;
    }
  else if (addr->family == 6)
    {
      memcpy (&sin6.sin6_addr, addr->bytes, 16);
      sa = (const struct sockaddr *) &sin6;
    }
  else
    return FALSE;
  for (guint i = 0; i < geoip->count && (geo->country[0] == '\0' || geo->asn == 0); i++)
    {
      int status = MMDB_SUCCESS;
      MMDB_lookup_result_s result = MMDB_lookup_sockaddr (&geoip->databases[i].mmdb, sa, &status);
      if (status != MMDB_SUCCESS)
        {
          /* An IPv6 address in an IPv4-only database is not an error. */
          if (status != MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
            geoip->errors++;
          continue;
        }
      if (result.found_entry)
        record_read (geoip, &result.entry, geo);
    }
  return geo->country[0] != '\0' || geo->asn != 0;
}

gboolean
vpc_geoip_lookup_text (VpcGeoip *geoip, const char *address, VpcGeo *geo)
{
  VpcAddr addr = { 0 };
  if (inet_pton (AF_INET, address, addr.bytes) == 1)
    addr.family = 4;
  else if (inet_pton (AF_INET6, address, addr.bytes) == 1)
    addr.family = 6;
  else
    {
      memset (geo, 0, sizeof *geo);
      return FALSE;
    }
  return vpc_geoip_lookup (geoip, &addr, geo);
}

const char *
vpc_geoip_country_name (const VpcGeoip *geoip, const char *country)
{
  return g_hash_table_lookup (geoip->countries, country);
}

const char *
vpc_geoip_as_name (const VpcGeoip *geoip, guint32 asn)
{
  return g_hash_table_lookup (geoip->as_names, GUINT_TO_POINTER (asn));
}

char **
vpc_geoip_describe (const VpcGeoip *geoip)
{
  GPtrArray *lines = g_ptr_array_new ();
  for (guint i = 0; i < geoip->count; i++)
    {
      const MMDB_s *m = &geoip->databases[i].mmdb;
      g_autoptr (GDateTime) built = g_date_time_new_from_unix_utc ((gint64) MIN (
          m->metadata.build_epoch, (uint64_t) G_GINT64_CONSTANT (253402300799)));
      g_autofree char *day = built != NULL ? g_date_time_format (built, "%Y-%m-%d")
                                           : g_strdup ("?");
      g_autofree char *line = g_strdup_printf ("%s: %s, built %s", geoip->databases[i].path,
                                               m->metadata.database_type, day);
      g_ptr_array_add (lines, g_steal_pointer (&line));
    }
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

guint64
vpc_geoip_get_errors (const VpcGeoip *geoip)
{
  return geoip->errors;
}
