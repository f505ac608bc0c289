/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: every threat-feed format parsed into the interval table, then looked up. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "report/feeds.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input: a byte choosing the format (bits 0-1), the severity (bits
 * 2-3) and the feed bit (with the next byte), then the feed's text. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  static const VpcFeedFormat formats[] = { VPC_FEED_FORMAT_PLAIN, VPC_FEED_FORMAT_SPAMHAUS_JSON,
                                           VPC_FEED_FORMAT_DSHIELD, VPC_FEED_FORMAT_PLAIN };
  VpcFeed feed = { .name = (char *) "fuzz",
                   .format = formats[data[0] & 3],
                   .severity = (VpcSeverity) ((data[0] >> 2) & 3) };
  guint bit = data[1] % VPC_THREAT_MAX_FEEDS;
  const char *text = (const char *) data + 2;
  gsize len = size - 2;
  /* A copy of exactly the text: reading past it is an error ASan sees. */
  g_autofree char *copy = len > 0 ? g_memdup2 (text, len) : g_malloc (1);

  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  vpc_feed_parse (&feed, bit, copy, len, db);
  VpcFeed count = feed;
  vpc_feed_parse (&count, bit, copy, len, NULL);
  g_assert_cmpuint (count.garbage, ==, feed.garbage);
  vpc_threat_db_build (db);

  /* Addresses out of the input: a match names this feed and its severity. */
  for (gsize i = 0; i + 16 <= len; i += 3)
    {
      VpcAddr addr = { .family = (data[i] & 1) ? 6 : 4 };
      memcpy (addr.bytes, text + i, addr.family == 4 ? 4 : 16);
      VpcThreatMatch match;
      if (vpc_threat_db_lookup (db, &addr, &match))
        {
          g_assert_cmpuint (match.feeds, ==, G_GUINT64_CONSTANT (1) << bit);
          g_assert_cmpint (match.severity, ==, feed.severity);
          g_assert (!vpc_addr_is_special (&addr));
        }
    }
  return 0;
}
