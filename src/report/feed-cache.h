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

G_END_DECLS
