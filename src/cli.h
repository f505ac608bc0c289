/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line helpers the two programs share (only mains use them). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A whole-number option in [min, max] into *out; G_OPTION_ERROR naming
 * --name and the range otherwise. */
gboolean vpc_cli_check_range (const char *name, gint64 value, gint64 min, gint64 max,
                              guint *out, GError **error);

/* GOptionArgFunc of --input-format: the option group's user data is the
 * VpcContainer to set. */
gboolean vpc_cli_parse_container (const char *name, const char *value, gpointer data,
                                  GError **error);

G_END_DECLS
