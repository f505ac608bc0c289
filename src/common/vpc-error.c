/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vpc2ipfix GError domain and the diagnostic sink. */
#include "config.h"

#include "vpc-error.h"

G_DEFINE_QUARK (vpc2ipfix-error-quark, vpc_error)

void
vpc_diag_emit (const VpcDiag *diag, const char *format, ...)
{
  if (diag == NULL || diag->func == NULL)
    return;
  va_list ap;
  va_start (ap, format);
  g_autofree char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  diag->func (message, diag->user_data);
}
