/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Country and autonomous system of an address from MaxMind DB files (GeoLite2, DB-IP), read with libmaxminddb. */
#pragma once

#include <glib.h>

#include "flow/parser.h"

G_BEGIN_DECLS

/* At most this many --geoip databases. */
#define VPC_GEOIP_MAX_DATABASES 4

typedef struct VpcGeoip VpcGeoip;

/* What the databases say of one address; country "" and asn 0 when unknown. */
typedef struct {
  char country[3];   /* ISO 3166-1 alpha-2 ("US") */
  guint32 asn;       /* autonomous system number */
} VpcGeo;

/* Open the databases (memory-mapped; each a country, city or ASN database:
 * the first one with an answer wins, field by field).  A file that is not
 * a MaxMind DB, or one without country nor AS data, is an error naming it. */
VpcGeoip *vpc_geoip_open (const char *const *paths, GError **error);
void vpc_geoip_free (VpcGeoip *geoip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcGeoip, vpc_geoip_free)

/* TRUE when something is known of addr.  Remembers the names (country,
 * AS organisation) for the calls below, so it is not thread-safe. */
gboolean vpc_geoip_lookup (VpcGeoip *geoip, const VpcAddr *addr, VpcGeo *geo);
/* The same for an address in text ("192.0.2.1", "2001:db8::1"). */
gboolean vpc_geoip_lookup_text (VpcGeoip *geoip, const char *address, VpcGeo *geo);

/* The English name of a country or the organisation of an AS seen by a
 * lookup, or NULL. */
const char *vpc_geoip_country_name (const VpcGeoip *geoip, const char *country);
const char *vpc_geoip_as_name (const VpcGeoip *geoip, guint32 asn);

/* One line per database: "PATH: TYPE, built YYYY-MM-DD" (a NULL-terminated
 * array to free with g_strfreev). */
char **vpc_geoip_describe (const VpcGeoip *geoip);

/* Lookups that failed in the database (a corrupt data section). */
guint64 vpc_geoip_get_errors (const VpcGeoip *geoip);

G_END_DECLS
