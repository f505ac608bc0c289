/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the parser: one pass over a value in its most common forms (parser-fast.c). */
#pragma once

#include "parser.h"

G_BEGIN_DECLS

/* Parse the value of field id starting at tok (up to a space or end) in
 * one pass, for the values AWS writes most: decimal integers and times,
 * dotted-quad and plain IPv6 addresses, strings, the keywords as AWS
 * spells them.  Returns the end of the token, or NULL when the full
 * parser must decide (anything else, and every error). */
const char *vpc_parse_value_fast (VpcFieldId id, const char *tok, const char *end,
                                  VpcRecord *record);

G_END_DECLS
