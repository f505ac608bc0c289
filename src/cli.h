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
  GOptionEntry entries[5];          /* the group's entries */
} VpcCliInput;

/* The "input" option group (--format, --input-format,
 * --packet-addresses-as-key) that fills input; a program may add entries
 * of its own to it.  input must outlive the parse; clear it after. */
GOptionGroup *vpc_cli_input_group (VpcCliInput *input);
void vpc_cli_input_clear (VpcCliInput *input);
/* The input group's entries (for vpc_cli_config_args()); valid as long as input. */
const GOptionEntry *vpc_cli_input_entries (VpcCliInput *input);

/* --config FILE: the options of FILE's [group] (a GKeyFile) as arguments,
 * to be parsed before the command line's, which therefore win: every key
 * is the long name of an option of entry_sets (NULL-terminated list of
 * NULL-terminated entry arrays), a switch takes true or false, a
 * repeatable option a list (a;b).  A list the command line gives as well
 * is taken from the command line alone (argv).  Appends to args;
 * VPC_ERROR_USAGE naming FILE:LINE for an unknown group or key or a bad
 * value, VPC_ERROR_IO when FILE cannot be read. */
gboolean vpc_cli_config_args (const char *path, const char *group,
                              const GOptionEntry *const *entry_sets, char **argv,
                              GPtrArray *args, GError **error);

/* The FILE of --config FILE or --config=FILE in argv, or NULL. */
const char *vpc_cli_config_path (int argc, char **argv);

/* The arguments to parse (g_option_context_parse_strv): argv[0], the
 * options of --config's FILE [group] if argv names one, then argv's own.
 * NULL with error as vpc_cli_config_args() says. */
char **vpc_cli_args_with_config (int argc, char **argv, const char *group,
                                 const GOptionEntry *const *entry_sets, GError **error);

/* After the parse: compile --filter (VPC_ERROR_USAGE naming the column). */
gboolean vpc_cli_input_finish (VpcCliInput *input, GError **error);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VpcCliInput, vpc_cli_input_clear)

/* The options of s3:// and cloudwatch:// inputs both programs take:
 * --since, --until, --profile, --region, --endpoint-url. */
typedef struct {
  char *since, *until;              /* as given, or NULL */
  char *profile, *region, *endpoint_url;
  gint64 since_time, until_time;    /* after vpc_cli_aws_finish(): seconds since the epoch,
                                     * G_MININT64 / G_MAXINT64 when not given */
  GOptionEntry entries[6];
} VpcCliAws;

/* The entries filling aws (for a group of the program's, and for
 * vpc_cli_config_args()); valid as long as aws. */
const GOptionEntry *vpc_cli_aws_entries (VpcCliAws *aws);
/* After the parse: --since/--until as times (now: the current time);
 * VPC_ERROR_USAGE naming the option otherwise. */
gboolean vpc_cli_aws_finish (VpcCliAws *aws, gint64 now, GError **error);
void vpc_cli_aws_clear (VpcCliAws *aws);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VpcCliAws, vpc_cli_aws_clear)

G_END_DECLS
