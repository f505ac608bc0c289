/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where encoded IPFIX messages go: a file, a UDP collector or a TCP collector. */
#pragma once

#include <glib.h>

#include "common/stats.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* The exporter encodes IPFIX messages with libfixbuf into a buffer of its
 * own and hands each complete message to every output; the outputs own
 * the file or socket.  All calls on an output come from one thread. */
typedef struct VpcOutput VpcOutput;

/* What a collector output speaks.  Files are always IPFIX. */
typedef enum {
  VPC_PROTOCOL_IPFIX,
  VPC_PROTOCOL_NETFLOW_V9,
  VPC_PROTOCOL_NETFLOW_V5,
} VpcProtocol;

/* "ipfix", "v9", "v5"; and back (FALSE for another word). */
const char *vpc_protocol_name (VpcProtocol protocol);
gboolean vpc_protocol_parse (const char *text, VpcProtocol *protocol);

typedef struct {
  VpcProtocol protocol;      /* UDP only: NetFlow is not sent over TCP */
  guint mtu;                 /* UDP path MTU in bytes */
  guint rate;                /* UDP records per second, 0 = unlimited */
  guint refresh_seconds;     /* UDP template refresh timer, 0 = off */
  guint refresh_messages;    /* UDP template refresh every N messages, 0 = off */
  guint connect_timeout;     /* TCP: seconds to keep trying to (re)connect, 0 = forever */
  gsize resend_window;       /* TCP: bytes of recent messages kept to send again; 0 = as
                              * much as the kernels may hold: our send buffer and the
                              * largest TCP receive buffer of this host */
  const gint *interrupted;   /* when non-zero, stop waiting for a collector: the sends
                              * and acknowledgements still due get a short grace
                              * (VPC_NET_STOP_GRACE_US), then what is left is given up */
  int wake_fd;               /* turns readable when *interrupted is set, or -1 */
} VpcNetOptions;

/* After an interruption, how long a collector may take to accept the rest. */
#define VPC_NET_STOP_GRACE_US (3 * G_USEC_PER_SEC)

#define VPC_NET_OPTIONS_INIT                                                                   \
  { .mtu = 1400, .rate = 50000, .refresh_seconds = 30, .refresh_messages = 1000,              \
    .connect_timeout = 300, .resend_window = 0, .wake_fd = -1 }


/* The template-only messages an output sends before the stream goes on:
 * every template defined so far, as complete IPFIX messages.  The output
 * sets their sequence number and export time.  Provided by the exporter. */
typedef gboolean (*VpcTemplateMessagesFunc) (gpointer data, GPtrArray **messages /* GBytes* */,
                                             GError **error);

/* A file ("-" = standard output, refused when it is a terminal:
 * VPC_ERROR_USAGE), written under a temporary name that becomes path
 * only on vpc_output_finish().  A symbolic link's target is replaced (the
 * link stays); a character device or FIFO is written directly; anything
 * else is refused (see output-path.h). */
VpcOutput *vpc_output_new_file (const char *path, GError **error);

/* Files in time bins of seconds (output-rotate.c): pattern, a strftime
 * name (local time of the bin's start), names the file of each bin,
 * written under a temporary name and committed (synced, renamed) when
 * the bin ends, or on vpc_output_finish().  Each file starts with the
 * templates.  A bin's name that exists already gets "-1", "-2"... before
 * its extension: a committed file is never replaced. */
VpcOutput *vpc_output_new_rotating (const char *pattern, guint seconds, GError **error);

/* Whether a -o name holds a strftime conversion (a "%" other than "%%"). */
gboolean vpc_output_name_has_time (const char *name);

/* A collector at "HOST:PORT" (HOST a name, an IPv4 address or
 * "[IPv6]").  UDP: the address is resolved and the socket connected at
 * once.  TCP: connected in vpc_output_start(), waiting for the collector
 * up to options->connect_timeout.  VPC_ERROR_USAGE for a bad HOST:PORT,
 * VPC_ERROR_IO if it cannot be resolved or reached. */
VpcOutput *vpc_output_new_udp (const char *destination, const VpcNetOptions *options,
                               GError **error);
VpcOutput *vpc_output_new_tcp (const char *destination, const VpcNetOptions *options,
                               GError **error);

void vpc_output_free (VpcOutput *output);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcOutput, vpc_output_free)

/* Whether it is a file (or standard output) rather than a collector. */
gboolean vpc_output_is_file (const VpcOutput *output);

/* What it speaks (files: IPFIX), and its options (NULL for a file). */
VpcProtocol vpc_output_get_protocol (const VpcOutput *output);
const VpcNetOptions *vpc_output_get_options (const VpcOutput *output);

/* The template refresh policy of options: whether templates are due
 * before the next message, given when they last went out (monotonic
 * microseconds) and how many messages went since.  When idle
 * (between_messages), only the timer counts: the message count is met by
 * sending the templates before the next message. */
gboolean vpc_refresh_due (const VpcNetOptions *options, gint64 refreshed_us,
                          guint64 messages_since, gint64 now_us, gboolean between_messages);

/* The largest IPFIX message this output takes. */
gsize vpc_output_get_max_message (const VpcOutput *output);

/* Before the first message: connect (TCP), and learn where the
 * template messages come from. */
gboolean vpc_output_start (VpcOutput *output, VpcTemplateMessagesFunc templates,
                           gpointer templates_data, GError **error);

/* Send one message of the stream holding records data records (a
 * NetFlow packet with none is counted as a template message).  Paced
 * and preceded by a template refresh when due (UDP); re-sent after a
 * reconnect (TCP).  FALSE: the output failed for good (VPC_ERROR_IO). */
gboolean vpc_output_send (VpcOutput *output, const guint8 *message, gsize len, guint records,
                          GError **error);

/* Called when the stream is idle: a template refresh that is due (UDP),
 * a lost connection noticed and repaired (TCP). */
gboolean vpc_output_idle (VpcOutput *output, GError **error);

/* SIGHUP, between messages: open the destination again.  UDP: resolve
 * HOST again and send from a new socket (the templates go first); on
 * failure the old socket stays (FALSE, VPC_ERROR_IO: a warning).  TCP:
 * wait until the collector acknowledged everything, close, connect again
 * (the templates go first; nothing is sent twice).  Files: nothing (-o is
 * renamed into place at the end, --rotate files when their bin ends). */
gboolean vpc_output_reopen (VpcOutput *output, GError **error);

/* Everything sent and, for a file, durable under its final name. */
gboolean vpc_output_finish (VpcOutput *output, GError **error);

/* Delivery marks.  The records of the inputs are numbered by marks that
 * only grow: once every record of the inputs up to mark has been handed
 * to the output (vpc_output_send), the exporter calls vpc_output_mark.
 * The output says which mark is delivered: every record up to it is
 * safe whatever happens to this process.  UDP: sent (no guarantee
 * beyond that).  TCP: every byte acknowledged by the collector's kernel.
 * A file: committed under its final name (a rotated file: its time bin
 * committed).  An output that failed stays at the last mark it
 * delivered. */
void vpc_output_mark (VpcOutput *output, guint64 mark);

/* The highest mark delivered, 0 if none (safe from any thread). */
guint64 vpc_output_get_delivered (VpcOutput *output);

/* Add n to one of the output's counters (for the encoder's counts of
 * what this output's protocol could not carry as it was). */
void vpc_output_count (VpcOutput *output, guint64 *counter, guint64 n);

/* A copy of the statistics (safe from any thread); the caller frees
 * destination (vpc_output_stats_clear()). */
void vpc_output_get_stats (VpcOutput *output, VpcOutputStats *stats);

G_END_DECLS
