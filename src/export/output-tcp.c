/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TCP output: reconnects, re-sends the window, bounded waits, delivery acknowledged by the collector's kernel (SIOCOUTQ). */
#include "config.h"

#include "output-private.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>

/* --- TCP --------------------------------------------------------------------- */

/* A message kept for sending again after a reconnect. */
typedef struct {
  guint32 sequence;
  guint records;
  guint64 stream_end; /* the stream's offset after it */
  gsize len;
  guint8 data[];
} Kept;

/* Delivery (vpc_output_mark): every stream message has an offset in the
 * stream of all messages ever sent (stream_end), and, once written on a
 * connection, an offset in that connection (Written).  The collector's
 * kernel acknowledged the connection up to conn_written - SIOCOUTQ; a
 * mark is delivered once that passes the stream offset it was made at. */
typedef struct {
  guint64 conn_end;   /* bytes written on the connection after it */
  guint64 stream_end;
} Written;

typedef struct {
  guint64 mark;
  guint64 stream_end;
} Mark;

typedef struct {
  VpcOutput base;
  VpcNetOptions options;
  char *host;
  char *port;
  int fd;                /* -1 while not connected */
  GQueue window;         /* Kept*, oldest first */
  gsize window_bytes;
  gsize window_limit;    /* options.resend_window, or sized from the socket */
  guint32 next_sequence; /* of the message after the last one sent */
  gboolean connected_before;
  char *last_error;      /* why the last attempt failed */
  gint64 stop_deadline_us; /* see stop_deadline() */
  gsize unsent;          /* bytes of the last message not written when it was given up */
  guint64 stream_bytes;  /* of every stream message sent so far */
  guint64 conn_written;  /* bytes written on this connection (templates too) */
  GQueue written;        /* Written*: this connection's messages not yet acknowledged */
  guint64 stream_acked;  /* the stream acknowledged up to here */
  gboolean gap;          /* messages were lost unacknowledged: stream_acked stays */
  GQueue marks;          /* Mark*, not yet delivered, oldest first */
} TcpOutput;

/* A stream message (kept) is written on this connection. */
static void
tcp_note_written (TcpOutput *self, const Kept *kept)
{
  Written *w = g_new (Written, 1);
  w->conn_end = self->conn_written;
  w->stream_end = kept->stream_end;
  g_queue_push_tail (&self->written, w);
}

/* Learn from the kernel how far the collector acknowledged, and report
 * the marks that passed as delivered. */
static void
tcp_update_acked (TcpOutput *self)
{
  int unacked = 0;
  if (self->fd >= 0 && ioctl (self->fd, SIOCOUTQ, &unacked) == 0 && unacked >= 0
      && (guint64) unacked <= self->conn_written)
    {
      guint64 acked = self->conn_written - (guint64) unacked;
      Written *w;
      while ((w = g_queue_peek_head (&self->written)) != NULL && w->conn_end <= acked)
        {
          if (!self->gap)
            self->stream_acked = MAX (self->stream_acked, w->stream_end);
          g_free (g_queue_pop_head (&self->written));
        }
    }
  Mark *m;
  while ((m = g_queue_peek_head (&self->marks)) != NULL && m->stream_end <= self->stream_acked)
    {
      vpc_output_set_delivered (&self->base, m->mark);
      g_free (g_queue_pop_head (&self->marks));
    }
}

static void
tcp_mark (VpcOutput *output, guint64 mark)
{
  TcpOutput *self = (TcpOutput *) output;
  Mark *m = g_new (Mark, 1);
  m->mark = mark;
  m->stream_end = self->stream_bytes;
  g_queue_push_tail (&self->marks, m);
  tcp_update_acked (self);
}

/* A new connection: nothing written on it yet.  Messages that left the
 * resend window unacknowledged are lost: nothing after them counts as
 * delivered any more in this run (the next run sends them again). */
static void
tcp_new_connection (TcpOutput *self)
{
  self->conn_written = 0;
  g_queue_clear_full (&self->written, g_free);
  Kept *first = g_queue_peek_head (&self->window);
  guint64 first_start = first != NULL ? first->stream_end - first->len : self->stream_bytes;
  if (first_start > self->stream_acked)
    self->gap = TRUE;
}

static void
tcp_close (TcpOutput *self)
{
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
}

/* The outcome of tcp_write(). */
typedef enum {
  TCP_WRITTEN,
  TCP_BROKEN,    /* the connection failed (errno set): connect again */
  TCP_GAVE_UP,   /* the collector took nothing for too long, or a stop was asked for and
                  * its grace is over (last_error says which): the output failed */
} TcpWrite;

/* Write all of data.  The socket does not block: while the collector's
 * window is full, wait for room, the interruption, or the limit: no
 * progress for --connect-timeout, or the grace after a stop. */
static TcpWrite
tcp_write (TcpOutput *self, const guint8 *data, gsize len)
{
  const VpcNetOptions *o = &self->options;
  gsize done = 0;
  gint64 progress_us = g_get_monotonic_time ();
  while (done < len)
    {
      ssize_t n = send (self->fd, data + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0)
        {
          done += (gsize) n;
          self->conn_written += (guint64) n; /* for the acknowledgement tracking */
          progress_us = g_get_monotonic_time ();
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        errno = EPIPE;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        return TCP_BROKEN;
      gint64 now = g_get_monotonic_time ();
      gint64 stop = vpc_net_stop_deadline (o, &self->stop_deadline_us);
      gint64 until = o->connect_timeout > 0
                         ? progress_us + (gint64) o->connect_timeout * G_USEC_PER_SEC
                         : G_MAXINT64;
      if (stop != 0)
        until = MIN (until, stop);
      if (now >= until)
        {
          g_free (self->last_error);
          self->last_error
              = stop != 0 && now >= stop
                    ? g_strdup ("interrupted while the collector took nothing")
                    : g_strdup_printf ("the collector took nothing for %u s (connected, but it "
                                       "does not read)",
                                       o->connect_timeout);
          self->unsent = len - done;
          return TCP_GAVE_UP;
        }
      gint64 wait_ms = until == G_MAXINT64 ? -1 : (until - now + 999) / 1000;
      vpc_net_wait_fd (o, self->fd, POLLOUT, stop == 0, (int) MIN (wait_ms, G_MAXINT));
    }
  return TCP_WRITTEN;
}

/* The output failed for good while the collector held or refused bytes:
 * say what may not have been delivered (the messages of the window that
 * were not acknowledged, and the rest of the stream, which stops here). */
static gboolean
tcp_give_up (TcpOutput *self, GError **error)
{
  int queued = 0;
  if (self->fd < 0 || ioctl (self->fd, SIOCOUTQ, &queued) != 0)
    queued = 0;
  gsize pending = (gsize) MAX (queued, 0) + self->unsent;
  guint64 records = 0;
  guint messages = 0;
  gsize covered = 0;
  for (GList *l = self->window.tail; l != NULL && covered < pending; l = l->prev)
    {
      Kept *kept = l->data;
      covered += kept->len;
      records += kept->records;
      messages++;
    }
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", self->base.stats.destination,
               self->last_error != NULL ? self->last_error : "gave up");
  if (pending > 0)
    g_prefix_error (error, "up to %" G_GUINT64_FORMAT " records in the last %u messages (%"
                    G_GSIZE_FORMAT " bytes not acknowledged) were not delivered: ",
                    records, messages, pending);
  tcp_close (self);
  return FALSE;
}


static void
tcp_note_failure (TcpOutput *self, const char *what, int err)
{
  g_free (self->last_error);
  self->last_error = g_strdup_printf ("%s: %s", what, g_strerror (err));
}

/* The largest buffer net.ipv4.tcp_rmem or tcp_wmem allows (its third
 * field), or fallback. */
static gsize
tcp_buffer_max (const char *sysctl, gsize fallback)
{
  g_autofree char *path = g_strconcat ("/proc/sys/net/ipv4/", sysctl, NULL);
  g_autofree char *text = NULL;
  guint64 value = fallback;
  if (g_file_get_contents (path, &text, NULL, NULL))
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (text), " \t", -1);
      guint n = g_strv_length (fields);
      if (n == 3 && !g_ascii_string_to_unsigned (fields[2], 10, 4096, G_MAXUINT32, &value, NULL))
        value = fallback;
    }
  return (gsize) value;
}

/* What may have been written to the connection and never read by the
 * collector: our send buffer and its receive buffer, each at most the
 * host's largest (the collector's when it runs here, a guess otherwise). */
static gsize
tcp_auto_window (void)
{
  return tcp_buffer_max ("tcp_wmem", 4 * 1024 * 1024) + tcp_buffer_max ("tcp_rmem", 6 * 1024 * 1024);
}

/* One attempt to connect to any address of the destination, waiting at
 * most wait_ms for each. */
static gboolean
tcp_connect_once (TcpOutput *self, int wait_ms)
{
  g_autoptr (GError) local = NULL;
  struct addrinfo *list
      = vpc_net_resolve (self->base.stats.destination, self->host, self->port, SOCK_STREAM, &local);
  if (list == NULL)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (local->message);
      return FALSE;
    }
  for (struct addrinfo *ai = list; ai != NULL && self->fd < 0; ai = ai->ai_next)
    {
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       ai->ai_protocol);
      if (fd < 0)
        {
          tcp_note_failure (self, "socket", errno);
          continue;
        }
      int err = 0;
      if (connect (fd, ai->ai_addr, ai->ai_addrlen) != 0)
        {
          err = errno;
          if (err == EINPROGRESS)
            {
              /* Up to wait_ms, or until interrupted. */
              gint64 until = g_get_monotonic_time () + (gint64) wait_ms * 1000;
              struct pollfd p = { .fd = fd, .events = POLLOUT };
              int rc = 0;
              while (rc == 0 && g_get_monotonic_time () < until
                     && !(self->options.interrupted != NULL
                          && g_atomic_int_get (self->options.interrupted)))
                {
                  vpc_net_wait_fd (&self->options, fd, POLLOUT, TRUE,
                           (int) ((until - g_get_monotonic_time () + 999) / 1000));
                  rc = poll (&p, 1, 0);
                }
              socklen_t elen = sizeof err;
              if (rc == 0)
                err = g_get_monotonic_time () < until ? EINTR : ETIMEDOUT;
              else if (rc < 0 || getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
                err = errno;
            }
        }
      if (err != 0)
        {
          tcp_note_failure (self, "connect", err);
          close (fd);
          continue;
        }
      /* The socket stays non-blocking: tcp_write() bounds its waits.  Give up on a collector that stops acknowledging, so that the
       * connection is made again rather than waited on for ever. */
      unsigned int user_timeout = 30000;
      setsockopt (fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
      int on = 1;
      setsockopt (fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
      self->fd = fd;
    }
  freeaddrinfo (list);
  return self->fd >= 0;
}

/* After (re)connecting: the templates, then every kept message again. */
static gboolean
tcp_resend (TcpOutput *self, GError **error)
{
  tcp_new_connection (self);
  Kept *first = g_queue_peek_head (&self->window);
  guint32 sequence = first != NULL ? first->sequence : self->next_sequence;
  g_autoptr (GPtrArray) templates
      = vpc_output_template_messages (&self->base, sequence, error);
  if (templates == NULL)
    return FALSE;
  for (guint i = 0; i < templates->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (templates->pdata[i], &len);
      TcpWrite written = tcp_write (self, data, len);
      if (written == TCP_GAVE_UP)
        return tcp_give_up (self, error);
      if (written == TCP_BROKEN)
        {
          tcp_note_failure (self, "send", errno);
          tcp_close (self);
          return TRUE; /* not fatal: try again */
        }
      vpc_output_count (&self->base, &self->base.stats.template_messages, 1);
    }
  for (GList *l = self->window.head; l != NULL; l = l->next)
    {
      Kept *kept = l->data;
      TcpWrite written = tcp_write (self, kept->data, kept->len);
      if (written == TCP_GAVE_UP)
        return tcp_give_up (self, error);
      if (written == TCP_BROKEN)
        {
          tcp_note_failure (self, "send", errno);
          tcp_close (self);
          return TRUE;
        }
      tcp_note_written (self, kept);
      g_mutex_lock (&self->base.lock);
      self->base.stats.resent_messages++;
      self->base.stats.resent_records += kept->records;
      g_mutex_unlock (&self->base.lock);
    }
  return TRUE;
}

/* Connect (again), with backoff, until connected or the time limit.  A
 * reconnection re-sends the templates and the kept messages. */
static gboolean
tcp_reconnect (TcpOutput *self, GError **error)
{
  const VpcNetOptions *o = &self->options;
  gint64 start = g_get_monotonic_time ();
  gint64 delay = 100000;
  tcp_close (self);
  gint64 limit = (gint64) o->connect_timeout * G_USEC_PER_SEC;
  for (;;)
    {
      gint64 wait_us = 5 * G_USEC_PER_SEC;
      if (o->connect_timeout > 0)
        wait_us = CLAMP (start + limit - g_get_monotonic_time (), 1000, wait_us);
      if (tcp_connect_once (self, (int) (wait_us / 1000)))
        {
          vpc_output_count (&self->base, &self->base.stats.connects, 1);
          if (self->connected_before)
            {
              vpc_output_count (&self->base, &self->base.stats.reconnects, 1);
              if (!tcp_resend (self, error))
                return FALSE;
            }
          self->connected_before = TRUE;
          if (self->fd >= 0)
            return TRUE;
        }
      gint64 now = g_get_monotonic_time ();
      if (o->connect_timeout > 0 && now - start >= limit)
        {
          guint64 records = 0;
          for (GList *l = self->window.head; l != NULL; l = l->next)
            records += ((Kept *) l->data)->records;
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: no collector for %u s (%s)",
                       self->base.stats.destination, o->connect_timeout,
                       self->last_error != NULL ? self->last_error : "not connected");
          if (records > 0)
            g_prefix_error (error, "up to %" G_GUINT64_FORMAT
                            " records in the last %u messages may not have been delivered: ",
                            records, self->window.length);
          return FALSE;
        }
      gint64 until = now + delay;
      if (o->connect_timeout > 0)
        until = MIN (until, start + limit);
      if (!vpc_net_sleep_until (until, o->interrupted))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                       "%s: interrupted while waiting for the collector (%s)",
                       self->base.stats.destination,
                       self->last_error != NULL ? self->last_error : "not connected");
          return FALSE;
        }
      delay = MIN (delay * 2, 5 * G_USEC_PER_SEC);
    }
}

static gboolean
tcp_start (VpcOutput *output, GError **error)
{
  TcpOutput *self = (TcpOutput *) output;
  return self->fd >= 0 || tcp_reconnect (self, error);
}

/* Keep message for a resend, dropping the oldest beyond the window (the
 * newest is always kept). */
static Kept *
tcp_keep (TcpOutput *self, const guint8 *message, gsize len, guint records)
{
  Kept *kept = g_malloc (sizeof (Kept) + len);
  kept->sequence = vpc_message_get_sequence (message);
  kept->records = records;
  self->stream_bytes += len;
  kept->stream_end = self->stream_bytes;
  kept->len = len;
  memcpy (kept->data, message, len);
  g_queue_push_tail (&self->window, kept);
  self->window_bytes += len;
  while (self->window.length > 1 && self->window_bytes > self->window_limit)
    {
      Kept *old = g_queue_pop_head (&self->window);
      self->window_bytes -= old->len;
      g_free (old);
    }
  return kept;
}

/* The collector closed or reset the connection (it never sends). */
static gboolean
tcp_lost (TcpOutput *self)
{
  if (self->fd < 0)
    return TRUE;
  for (;;)
    {
      guint8 junk[512];
      ssize_t n = recv (self->fd, junk, sizeof junk, MSG_DONTWAIT);
      if (n > 0)
        continue; /* unexpected data: ignore it */
      if (n == 0)
        {
          tcp_note_failure (self, "collector closed the connection", ECONNRESET);
          return TRUE;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return FALSE;
      tcp_note_failure (self, "connection", errno);
      return TRUE;
    }
}

static gboolean
tcp_send (VpcOutput *output, const guint8 *message, gsize len, guint records, GError **error)
{
  TcpOutput *self = (TcpOutput *) output;
  Kept *kept = tcp_keep (self, message, len, records);
  self->next_sequence = vpc_message_get_sequence (message) + records;
  vpc_output_count_message (output, len, records);
  TcpWrite written = self->fd >= 0 ? tcp_write (self, message, len) : TCP_BROKEN;
  if (written == TCP_WRITTEN)
    {
      tcp_note_written (self, kept);
      tcp_update_acked (self);
      return TRUE;
    }
  if (written == TCP_GAVE_UP)
    return tcp_give_up (self, error);
  if (self->fd >= 0)
    tcp_note_failure (self, "send", errno);
  /* The message is kept: the reconnection sends it. */
  return tcp_reconnect (self, error);
}

static gboolean
tcp_idle (VpcOutput *output, GError **error)
{
  TcpOutput *self = (TcpOutput *) output;
  if (!tcp_lost (self))
    {
      tcp_update_acked (self);
      return TRUE;
    }
  return tcp_reconnect (self, error);
}

/* Wait until the collector's TCP has acknowledged everything, making the
 * connection again (and re-sending) if it is lost meanwhile. */
static gboolean
tcp_finish (VpcOutput *output, GError **error)
{
  TcpOutput *self = (TcpOutput *) output;
  gint64 start = g_get_monotonic_time ();
  for (;;)
    {
      if (tcp_lost (self) && !tcp_reconnect (self, error))
        return FALSE;
      int unacked = 0;
      tcp_update_acked (self);
      if (ioctl (self->fd, SIOCOUTQ, &unacked) != 0 || unacked == 0)
        break;
      gint64 stop = vpc_net_stop_deadline (&self->options, &self->stop_deadline_us);
      if (stop != 0 && g_get_monotonic_time () >= stop)
        {
          g_free (self->last_error);
          self->last_error = g_strdup ("interrupted while the collector acknowledged nothing");
          self->unsent = 0;
          return tcp_give_up (self, error);
        }
      if (g_get_monotonic_time () - start > 60 * G_USEC_PER_SEC)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                       "%s: the collector did not acknowledge the last %d bytes in 60 s",
                       output->stats.destination, unacked);
          return FALSE;
        }
      if (!vpc_net_sleep_until (g_get_monotonic_time () + 2000, NULL))
        return FALSE;
    }
  tcp_update_acked (self);
  shutdown (self->fd, SHUT_WR);
  tcp_close (self);
  return TRUE;
}

/* SIGHUP: once the collector acknowledged everything, a new connection
 * (HOST resolved again).  What was acknowledged on the old one is not
 * sent again: the resend window starts empty. */
static gboolean
tcp_reopen (VpcOutput *output, GError **error)
{
  TcpOutput *self = (TcpOutput *) output;
  if (self->fd < 0)
    return TRUE; /* connected again at the next message anyway */
  if (!tcp_finish (output, error))
    return FALSE;
  g_queue_clear_full (&self->window, g_free);
  self->window_bytes = 0;
  return tcp_reconnect (self, error);
}

static void
tcp_destroy (VpcOutput *output)
{
  TcpOutput *self = (TcpOutput *) output;
  tcp_close (self);
  g_queue_clear_full (&self->window, g_free);
  g_queue_clear_full (&self->written, g_free);
  g_queue_clear_full (&self->marks, g_free);
  g_free (self->host);
  g_free (self->port);
  g_free (self->last_error);
}

static const VpcOutputClass tcp_class = {
  .start = tcp_start,
  .send = tcp_send,
  .idle = tcp_idle,
  .finish = tcp_finish,
  .mark = tcp_mark,
  .destroy = tcp_destroy,
  .reopen = tcp_reopen,
};

/* TCP messages may be as large as IPFIX allows (file-sized). */
#define TCP_MESSAGE_MAX 65496

VpcOutput *
vpc_output_new_tcp (const char *destination, const VpcNetOptions *options, GError **error)
{
  g_autofree char *host = NULL, *port = NULL;
  if (options->protocol != VPC_PROTOCOL_IPFIX)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "%s: NetFlow %s is sent over UDP only (--udp); TCP carries IPFIX",
                   destination, vpc_protocol_name (options->protocol));
      return NULL;
    }
  if (!vpc_net_split_destination (destination, &host, &port, error))
    return NULL;
  TcpOutput *self = g_new0 (TcpOutput, 1);
  vpc_output_init (&self->base, &tcp_class, "tcp", destination, TCP_MESSAGE_MAX);
  self->options = *options;
  self->base.options = &self->options;
  self->host = g_steal_pointer (&host);
  self->port = g_steal_pointer (&port);
  self->fd = -1;
  self->window_limit = options->resend_window > 0 ? options->resend_window : tcp_auto_window ();
  g_queue_init (&self->window);
  g_queue_init (&self->written);
  g_queue_init (&self->marks);
  return &self->base;
}
