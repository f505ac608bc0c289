/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The threat-feed cache (internal to feeds.c): one feed's copy in DIR brought up to date. */
#pragma once

#include "feeds.h"

G_BEGIN_DECLS

/* Bring feed's copy DIR/NAME.list (and DIR/NAME.meta) up to date as
 * vpc_feeds_update() describes, at unix time now; sets feed->state, error
 * and age.  Never fails: a failed fetch keeps the last good copy. */
void vpc_feed_cache_update (VpcFeed *feed, const char *dir, const VpcFeedOptions *options, gint64 now);

G_END_DECLS
