/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One named output (--output-spec, [output NAME]): destination, protocol, filter, domain, pacing. */
#pragma once

#include <glib.h>

#include "export/domain-map.h"
#include "export/output.h"
#include "flow/filter.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* An output declared as an object (the pmacct plugin model): exactly one
 * destination, and its own protocol, filter, observation domain and
 * sending options.  The keys (vpc_output_spec_keys) are the long options
 * of the same meaning:
 *   output=FILE  rotate=SECONDS  udp=HOST:PORT  tcp=HOST:PORT
 *   protocol=ipfix|v9|v5  observation-domain=ID  filter=EXPR
 *   observation-domain-from=none|account|vpc|region|interface
 *   mtu=BYTES  rate=N  template-refresh=SECONDS  template-refresh-messages=N
 *   connect-timeout=SECONDS  resend-window=BYTES  interface-table=true|false
 * Unset keys take the value of the plain option (--rate, -d, ...). */
typedef struct {
  char *name;
  char *file;            /* output=, or NULL */
  guint rotate_seconds;
  char *udp;             /* udp=, or NULL */
  char *tcp;             /* tcp=, or NULL */
  VpcNetOptions net;     /* protocol, mtu, rate, ... */
  guint32 observation_domain;
  VpcDomainFrom domain_from;  /* observation-domain-from= (collectors only) */
  gboolean interface_table;
  char *filter_text;
  VpcFilter *filter;     /* compiled filter=, or NULL: every flow */
} VpcOutputSpec;

/* The keys an output takes, NULL-terminated. */
extern const char *const vpc_output_spec_keys[];

/* Parse "NAME:KEY=VALUE;KEY=VALUE..." (what --output-spec takes and what
 * --config makes of an [output NAME] group).  defaults gives the values of
 * unset keys.  VPC_ERROR_USAGE naming the output and key. */
VpcOutputSpec *vpc_output_spec_parse (const char *text, const VpcOutputSpec *defaults,
                                      GError **error);
void vpc_output_spec_free (VpcOutputSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcOutputSpec, vpc_output_spec_free)

G_END_DECLS
