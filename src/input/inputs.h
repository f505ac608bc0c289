/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input expansion: command-line paths and directory walks to the list of files to read. */
#pragma once

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

/* Expand the command-line inputs into a list of paths to read: files as
 * given, "-" as is, directories walked recursively in byte order of their
 * names, keeping regular files that look like flow logs or their
 * containers (*.log, *.gz, *.txt, *.json, *.b64, and names without an
 * extension such as Firehose objects; hidden files never).  Every other file met in a directory
 * is appended to skipped (with the reason), and so is a subdirectory that
 * cannot be read (or was removed meanwhile): the walk goes on without it.
 * VPC_ERROR_IO if an argument does not exist or a directory given as an
 * argument cannot be read. */
gboolean vpc_inputs_expand (const char *const *args, GPtrArray *paths, GPtrArray *skipped,
                            GError **error);

/* The same, looking at interrupted (may be NULL) between directory
 * entries: when it is set, VPC_ERROR_INTERRUPTED. */
gboolean vpc_inputs_expand_full (const char *const *args, const gint *interrupted,
                                 GPtrArray *paths, GPtrArray *skipped, GError **error);

/* Why an object of a remote store (its key: "dir/sub/name") is skipped as
 * a directory walk would skip the same file ("hidden", "temporary name",
 * "not a flow log name"), or NULL if it is read. */
const char *vpc_inputs_object_skip_reason (const char *key);

G_END_DECLS
