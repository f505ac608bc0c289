/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line helpers the two programs share (only mains use them). */
#pragma once

#include <glib.h>

#include "input/container.h"
#include "flow/filter.h"

G_BEGIN_DECLS

/* A whole-number option in [min, max] into *out; G_OPTION_ERROR naming
 * --name and the range otherwise. */
gboolean vpc_cli_check_range (const char *name, gint64 value, gint64 min, gint64 max,
                              guint *out, GError **error);

/* The input options both programs take, declared once. */
typedef struct {
  char *format;                     /* --format: the columns of header-less input, or NULL */
  VpcContainer container;           /* --input-format (default AUTO) */
  gboolean packet_addresses_as_key; /* --packet-addresses-as-key */
  char *filter;                     /* --filter: the flows to keep, or NULL */
  VpcFilter *compiled_filter;       /* after vpc_cli_input_finish(): filter compiled, or NULL */
} VpcCliInput;

/* The "input" option group (--format, --input-format,
 * --packet-addresses-as-key) that fills input; a program may add entries
 * of its own to it.  input must outlive the parse; clear it after. */
GOptionGroup *vpc_cli_input_group (VpcCliInput *input);
void vpc_cli_input_clear (VpcCliInput *input);
/* After the parse: compile --filter (VPC_ERROR_USAGE naming the column). */
gboolean vpc_cli_input_finish (VpcCliInput *input, GError **error);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VpcCliInput, vpc_cli_input_clear)

G_END_DECLS
