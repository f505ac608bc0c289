/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Containers: recognise how an input wraps its flow-log records; unwrap JSON and base64 ones. */
#pragma once

#include <glib.h>

#include "common/vpc-error.h"
#include "items.h"

G_BEGIN_DECLS

/* What an input is, once un-gzipped (README "Inputs", vpc2ipfix(1)). */
typedef enum {
  VPC_CONTAINER_AUTO,              /* detect from the first bytes */
  VPC_CONTAINER_TEXT,              /* flow-log lines (S3 objects, Firehose plain) */
  VPC_CONTAINER_CLOUDWATCH_EXPORT, /* "ISO-8601-time record" lines (create-export-task) */
  VPC_CONTAINER_JSON,              /* CloudWatch API pages, subscription messages and
                                      events, Firehose {"message":...} objects */
  VPC_CONTAINER_BASE64,            /* subscription payloads, one per line */
  VPC_CONTAINER_IPFIX,             /* not a container: IPFIX (detected only, so that a
                                      reader refuses it instead of reading junk lines) */
  VPC_CONTAINER_PARQUET,           /* not a container: a Parquet file (detected by its
                                      "PAR1" magic, read by parquet.c into text lines) */
} VpcContainer;

/* "auto", "text", "cloudwatch-export", "json", "base64" ("ipfix" and
 * "parquet" are detected, never named by a user). */
const char *vpc_container_to_string (VpcContainer container);
/* VPC_ERROR_USAGE for an unknown name. */
gboolean vpc_container_from_string (const char *name, VpcContainer *container, GError **error);

/* The container of data that starts with these bytes (never AUTO; IPFIX
 * for an IPFIX message header: version 10 and a length of 16 or more;
 * PARQUET for the "PAR1" magic).  Give
 * at least the first line when there is one; a UTF-8 BOM and leading white
 * space are skipped. */
VpcContainer vpc_container_detect (const char *data, gsize len);

/* Length of the "timestamp " prefix of a CloudWatch export line (the ISO
 * 8601 time and the one space after it), 0 if the line has none. */
gsize vpc_cloudwatch_export_prefix (const char *line, gsize len);

typedef struct VpcDecoder VpcDecoder;

/* A decoder for container JSON or BASE64 (the contract is in vpc2ipfix(1)):
 * it is fed the un-gzipped input in pieces of any size and calls func for
 * every item, holding back nothing it does not have to.  Bad payloads and
 * events are items, not failures: decoding always goes on. */
VpcDecoder *vpc_decoder_new (VpcContainer container, VpcItemFunc func, gpointer user_data);
void vpc_decoder_free (VpcDecoder *decoder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcDecoder, vpc_decoder_free)

/* FALSE once func has asked to stop. */
gboolean vpc_decoder_feed (VpcDecoder *decoder, const char *data, gsize len);
/* The input ended: report a value left open.  FALSE if func asked to stop. */
gboolean vpc_decoder_finish (VpcDecoder *decoder);

G_END_DECLS
