/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The threat-feed cache (internal to feeds.c): one feed's copy in DIR brought up to date. */
#pragma once

#include "feeds.h"

G_BEGIN_DECLS

/* Bring every feed's copy DIR/NAME.list (and DIR/NAME.meta) up to date as
 * vpc_feeds_update() describes, at unix time now: the downloads run side
 * by side (libcurl multi), all within options->deadline seconds; sets each
 * feed's state, error and age.  Never fails: a failed fetch keeps the last
 * good copy.  feeds: VpcFeed*, the enabled ones. */
void vpc_feed_cache_update_all (GPtrArray *feeds, const char *dir, const VpcFeedOptions *options,
                                gint64 now);

/* Where a connection goes, for the redirect rule below. */
typedef enum {
  VPC_FEED_ADDRESS_PUBLIC = 0,
  VPC_FEED_ADDRESS_LOOPBACK,   /* 127.0.0.0/8, ::1 */
  VPC_FEED_ADDRESS_LINK_LOCAL, /* 169.254.0.0/16, fe80::/10 */
  VPC_FEED_ADDRESS_PRIVATE,    /* 10/8, 172.16/12, 192.168/16, 100.64/10, 0/8, fc00::/7, :: */
} VpcFeedAddressKind;

/* The kind of a numeric address ("192.0.2.1", "::1"; IPv4-mapped IPv6 as
 * its IPv4); text that is not an address counts as private (refused).
 * The environment variable VPC_REPORT_TEST_PUBLIC (a comma-separated list of
 * addresses, for tests only) makes those addresses public, so that a test on
 * the loopback interface can play a public feed server. */
VpcFeedAddressKind vpc_feed_address_kind (const char *address);
const char *vpc_feed_address_kind_name (VpcFeedAddressKind kind);

/* Whether a request after a redirect may go to target_ip, the feed's own
 * URL having connected to configured_ip: always to a public address; to a
 * loopback, link-local or private one only if the configured URL's address
 * is of that same kind (a feed served from the LAN may redirect within it;
 * a public feed may not send us to 127.0.0.1 or 169.254.169.254). */
gboolean vpc_feed_redirect_allowed (const char *configured_ip, const char *target_ip);

G_END_DECLS
