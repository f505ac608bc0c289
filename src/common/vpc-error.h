/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one GError domain of vpc2ipfix, its codes, and the diagnostic sink. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VPC_ERROR (vpc_error_quark ())
GQuark vpc_error_quark (void);

typedef enum {
  VPC_ERROR_EOF,        /* end of input: a code, not a failure */
  VPC_ERROR_IO,         /* an input or output could not be read or written */
  VPC_ERROR_TRUNCATED,  /* a compressed input ended early, a file shrank while read */
  VPC_ERROR_MALFORMED,  /* one line is not a valid record; the input goes on */
  VPC_ERROR_HEADER,     /* a header line or --format is unusable */
  VPC_ERROR_USAGE,      /* a command-line value is wrong */
  VPC_ERROR_IPFIX,      /* libfixbuf refused something */
  VPC_ERROR_BAD_PAYLOAD, /* a container value cannot be decoded; the input goes on */
  VPC_ERROR_CONTROL_MESSAGE, /* a CloudWatch control message: skipped, not a failure */
  VPC_ERROR_AGAIN,      /* a live input has no line ready yet: a code, not a failure */
  VPC_ERROR_INTERRUPTED, /* a signal stopped the run */
} VpcErrorCode;

/* Where non-fatal diagnostics (warnings, skipped files) go.  Library code
 * never prints; main installs a sink that does. */
typedef void (*VpcDiagFunc) (const char *message, gpointer user_data);

typedef struct {
  VpcDiagFunc func;
  gpointer user_data;
} VpcDiag;

/* printf-style emit through a sink; a NULL sink or func drops the message. */
void vpc_diag_emit (const VpcDiag *diag, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
