/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --state file: which input files a run has completely sent, so that a later run skips them. */
#pragma once

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcState VpcState;

/* Read path (one absolute file name per line; a missing file is an empty
 * state) and keep it open to append to.  VPC_ERROR_IO if it cannot be
 * read or written. */
VpcState *vpc_state_open (const char *path, GError **error);
/* A state read from text (the contents of a state file), backed by no
 * file: vpc_state_add() records in memory only (for tests and fuzzing). */
VpcState *vpc_state_new_from_text (const char *text, gsize len);
void vpc_state_free (VpcState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcState, vpc_state_free)

/* Whether input (named as on the command line or found in a walk) is done. */
gboolean vpc_state_contains (const VpcState *state, const char *input);

/* Record input as done: appended and synced before it returns, so a
 * crash loses at most the line being written (ignored when read). */
gboolean vpc_state_add (VpcState *state, const char *input, GError **error);

G_END_DECLS
