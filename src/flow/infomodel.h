/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The IPFIX information model: IANA elements plus vpc2ipfix's enterprise elements. */
#pragma once

#include <fixbuf/public.h>
#include <glib.h>

G_BEGIN_DECLS

/* Private enterprise number of the AWS-only elements.  32473 is the number
 * RFC 5612 reserves for documentation and examples; see README "Mapping". */
#define VPC_PEN 32473

/* A new information model holding libfixbuf's IANA elements and ours.
 * Free it with fbInfoModelFree() after every session using it is freed. */
fbInfoModel_t *vpc_infomodel_new (void);

/* Our enterprise elements, terminated by an entry with a NULL name. */
const fbInfoElement_t *vpc_infomodel_enterprise_elements (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (fbInfoModel_t, fbInfoModelFree)

G_END_DECLS
