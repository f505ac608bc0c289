/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the parser: what parser.c takes from parser-header.c (header lines and field lists). */
#pragma once

#include "parser.h"

G_BEGIN_DECLS

/* The separators of fields in a line (AWS writes single spaces). */
static inline gboolean
vpc_parser_is_space (char c)
{
  return c == ' ' || c == '\t';
}

/* Whether line has a header's shape: every token a field-name-like word
 * (a known name in any case, or a lower-case word of letters, '-' and '_'
 * that is no value word); *known_names: how many are known fields. */
gboolean vpc_parser_line_has_header_shape (const char *line, gsize len, guint *known_names);

G_END_DECLS
