/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the outputs: the operations each kind provides, and the shared header helpers. */
#pragma once

#include "output.h"

typedef struct {
  gboolean (*start) (VpcOutput *output, GError **error);
  gboolean (*send) (VpcOutput *output, const guint8 *message, gsize len, guint records,
                    GError **error);
  gboolean (*idle) (VpcOutput *output, GError **error);
  gboolean (*finish) (VpcOutput *output, GError **error);
  /* Records up to mark were sent (see vpc_output_mark); NULL: delivered
   * when sent. */
  void (*mark) (VpcOutput *output, guint64 mark);
  void (*destroy) (VpcOutput *output);
  /* SIGHUP: open the destination again (NULL: nothing to do). */
  gboolean (*reopen) (VpcOutput *output, GError **error);
} VpcOutputClass;

struct VpcOutput {
  const VpcOutputClass *klass;
  const VpcNetOptions *options; /* NULL for a file */
  gsize max_message;
  VpcTemplateMessagesFunc templates;
  gpointer templates_data;
  GMutex lock; /* guards stats, read from other threads */
  VpcOutputStats stats;
  guint64 delivered; /* the highest mark delivered; guarded by lock */
};

/* Mark delivered (called by the kinds; ignored if lower than before). */
void vpc_output_set_delivered (VpcOutput *output, guint64 mark);

/* Called by the kinds' constructors. */
void vpc_output_init (VpcOutput *output, const VpcOutputClass *klass, const char *transport,
                      const char *destination, gsize max_message);

/* A stream message of len bytes holding records data records was sent. */
void vpc_output_count_message (VpcOutput *output, gsize len, guint records);

/* The sequence number in an IPFIX message header. */
guint32 vpc_message_get_sequence (const guint8 *message);

/* The template-only messages, with sequence number sequence and the
 * current export time; NULL (with error) if they cannot be made. */
GPtrArray *vpc_output_template_messages (VpcOutput *output, guint32 sequence, GError **error);

/* Network helpers shared by the UDP (output-net.c) and TCP (output-tcp.c)
 * outputs. */
struct addrinfo;
/* Split "HOST:PORT" / "[IPv6]:PORT"; VPC_ERROR_USAGE otherwise. */
gboolean vpc_net_split_destination (const char *destination, char **host, char **port,
                                    GError **error);
/* getaddrinfo(); VPC_ERROR_IO naming destination. */
struct addrinfo *vpc_net_resolve (const char *destination, const char *host, const char *port,
                                  int socktype, GError **error);
/* Sleep until the monotonic time until_us, in short steps; FALSE if interrupted. */
gboolean vpc_net_sleep_until (gint64 until_us, const gint *interrupted);
/* When waiting for a collector is given up after a stop (the grace after
 * the interruption was first seen), or 0 while none was asked for. */
gint64 vpc_net_stop_deadline (const VpcNetOptions *options, gint64 *deadline);
/* Wait up to timeout_ms (-1: no limit) for events on fd, or (watch_stop)
 * the interruption's wake-up. */
void vpc_net_wait_fd (const VpcNetOptions *options, int fd, short events, gboolean watch_stop,
                      int timeout_ms);
