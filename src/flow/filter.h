/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow selection: nfdump's filter language, for what VPC flows carry, compiled once and matched per flow. */
#pragma once

#include <glib.h>

#include "mapper.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* The grammar (vpc2ipfix(1) FILTERS): expressions joined by "and" ("&&"),
 * "or" ("||"), negated by "not" ("!"), grouped by parentheses; "and"
 * binds tighter than "or".  Primitives, as in nfdump where nfdump has them:
 *   any
 *   proto tcp|udp|icmp|icmp6|N
 *   [src|dst] (ip|host) ADDR        [src|dst] net ADDR/BITS
 *   [src|dst] ip in [ADDR ADDR/BITS ...]
 *   [src|dst] port [CMP] N          [src|dst] port in [N N ...]
 *   packets [CMP] N[k|m|g]          bytes [CMP] N[k|m|g]    (k = 1000, as nfdump)
 *   flags LETTERS (nfdump's FSRPAUEC)    tcp-flags NAME[,NAME] (FIN SYN RST PSH ACK URG ECE CWR)
 *   action accept|reject    direction ingress|egress
 *   account ID  vpc ID  subnet ID  instance ID  interface ID  region ID  az ID
 *   [src|dst] service NAME  (pkt-src-aws-service / pkt-dst-aws-service)
 * CMP is = == > < >= <= eq gt lt ge le (default =).  Without src or dst, a
 * primitive matches either end.  Names (IDs, services) compare without
 * regard to case.  A flow without the field a primitive tests does not
 * match it ("not" then does). */
typedef struct VpcFilter VpcFilter;

/* Compile expr; VPC_ERROR_USAGE naming the column (1-based) and what was
 * expected there. */
VpcFilter *vpc_filter_new (const char *expr, GError **error);
void vpc_filter_free (VpcFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcFilter, vpc_filter_free)

/* Whether flow, carrying the elements in mask, is selected. */
gboolean vpc_filter_match (const VpcFilter *filter, const VpcFlow *flow, guint64 mask);

G_END_DECLS
