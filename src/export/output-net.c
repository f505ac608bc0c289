/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outputs to collectors: what UDP and TCP share (destinations, waits), and UDP (paced, templates refreshed); TCP in output-tcp.c. */
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

/* Split "HOST:PORT" / "[IPv6]:PORT". */
gboolean
vpc_net_split_destination (const char *destination, char **host, char **port, GError **error)
{
  const char *colon;
  if (destination[0] == '[')
    {
      const char *close = strchr (destination, ']');
      if (close == NULL || close[1] != ':')
        goto bad;
      *host = g_strndup (destination + 1, (gsize) (close - destination - 1));
      colon = close + 1;
    }
  else
    {
      colon = strrchr (destination, ':');
      if (colon == NULL || strchr (destination, ':') != colon)
        goto bad; /* none, or an IPv6 address without brackets */
      *host = g_strndup (destination, (gsize) (colon - destination));
    }
  guint64 number;
  if (**host == '\0' || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &number, NULL))
    {
      g_clear_pointer (host, g_free);
      goto bad;
    }
  *port = g_strdup (colon + 1);
  return TRUE;
bad:
  g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
               "'%s' is not HOST:PORT (a name, an IPv4 address or [IPv6], and a port 1-65535)",
               destination);
  return FALSE;
}

struct addrinfo *
vpc_net_resolve (const char *destination, const char *host, const char *port, int socktype,
         GError **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype };
  struct addrinfo *list = NULL;
  int rc = getaddrinfo (host, port, &hints, &list);
  if (rc != 0)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot resolve %s: %s", destination,
                   host, rc == EAI_SYSTEM ? g_strerror (errno) : gai_strerror (rc));
      return NULL;
    }
  return list;
}

static gboolean
net_error (GError **error, const char *destination, const char *what, int err)
{
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s: %s", destination, what,
               g_strerror (err));
  return FALSE;
}

/* IPFIX message size that fits the MTU in one datagram. */
static gsize
udp_message_size (guint mtu, int family)
{
  gsize headers = (family == AF_INET6 ? 40 : 20) + 8;
  return mtu > headers ? mtu - headers : 0;
}

/* Sleep until the monotonic time until_us, in short steps so that an
 * interruption is seen; FALSE if interrupted. */
gboolean
vpc_net_sleep_until (gint64 until_us, const gint *interrupted)
{
  for (;;)
    {
      if (interrupted != NULL && g_atomic_int_get (interrupted))
        return FALSE;
      gint64 left = until_us - g_get_monotonic_time ();
      if (left <= 0)
        return TRUE;
      g_usleep ((gulong) MIN (left, 50000));
    }
}

/* The time after which waiting for a collector is given up because a stop
 * was asked for (the grace after the interruption was first seen here), or
 * 0 while none was. */
gint64
vpc_net_stop_deadline (const VpcNetOptions *options, gint64 *deadline)
{
  if (*deadline == 0 && options->interrupted != NULL && g_atomic_int_get (options->interrupted))
    *deadline = g_get_monotonic_time () + VPC_NET_STOP_GRACE_US;
  return *deadline;
}

/* Wait up to timeout_ms (-1: no limit) for events on fd, or (watch_stop)
 * for the interruption's wake-up.  Without a wake-up descriptor, the wait
 * is cut into 100 ms steps so that the flag is seen. */
void
vpc_net_wait_fd (const VpcNetOptions *options, int fd, short events, gboolean watch_stop, int timeout_ms)
{
  struct pollfd p[2] = { { .fd = fd, .events = events },
                         { .fd = options->wake_fd, .events = POLLIN } };
  nfds_t n = watch_stop && options->wake_fd >= 0 ? 2 : 1;
  if (watch_stop && options->wake_fd < 0 && (timeout_ms < 0 || timeout_ms > 100))
    timeout_ms = 100;
  if (poll (p, n, timeout_ms) < 0 && errno != EINTR)
    g_usleep (1000); /* not expected: do not spin */
}

/* --- UDP --------------------------------------------------------------------- */

typedef struct {
  VpcOutput base;
  VpcNetOptions options;
  int fd;
  gint64 pace_us;         /* when the next records may go */
  gint64 refreshed_us;    /* last time the templates went out */
  guint64 since_refresh;  /* stream messages since then */
  guint32 next_sequence;  /* of the message after the last one sent */
  gboolean sent_any;
  guint64 datagrams;      /* sent (accepted by our kernel) */
  guint64 refused;        /* port-unreachable reports: each one a datagram lost */
  gint64 stop_deadline_us; /* see stop_deadline() */
  char *destination;      /* HOST:PORT, for vpc_output_reopen() */
  gboolean force_refresh; /* the templates before the next message (a new socket) */
} UdpOutput;

static gboolean
udp_datagram (UdpOutput *self, const guint8 *data, gsize len)
{
  gboolean refused = FALSE;
  for (;;)
    {
      if (send (self->fd, data, len, MSG_NOSIGNAL) >= 0)
        {
          self->datagrams++;
          return TRUE;
        }
      if (errno == EINTR)
        continue;
      if (errno == ECONNREFUSED)
        self->refused++;
      /* An earlier datagram found nobody listening (ICMP port unreachable):
       * the kernel reports it on this send, which it did not make.  That
       * one was lost; this one is tried again, once. */
      vpc_output_count (&self->base, &self->base.stats.send_errors, 1);
      if (errno == ECONNREFUSED && !refused)
        {
          refused = TRUE;
          continue;
        }
      return FALSE;
    }
}

static gboolean
udp_refresh (UdpOutput *self, guint32 sequence, GError **error)
{
  g_autoptr (GPtrArray) messages = vpc_output_template_messages (&self->base, sequence, error);
  if (messages == NULL)
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (messages->pdata[i], &len);
      udp_datagram (self, data, len);
      vpc_output_count (&self->base, &self->base.stats.template_messages, 1);
    }
  self->refreshed_us = g_get_monotonic_time ();
  self->since_refresh = 0;
  self->force_refresh = FALSE;
  return TRUE;
}

/* Before a stream message: the timer ran out, or N messages went since the
 * templates last did.  When idle (between_messages), only the timer: the
 * count is met by sending the templates before the next message. */
static gboolean
udp_refresh_due (UdpOutput *self, gint64 now, gboolean between_messages)
{
  /* NetFlow v9 refreshes in its encoder (its sequence numbers count
   * packets); v5 has no templates. */
  return self->sent_any && self->options.protocol == VPC_PROTOCOL_IPFIX
         && (self->force_refresh || vpc_refresh_due (&self->options, self->refreshed_us, self->since_refresh, now,
                             between_messages));
}

static gboolean
udp_send (VpcOutput *output, const guint8 *message, gsize len, guint records, GError **error)
{
  UdpOutput *self = (UdpOutput *) output;
  gint64 now = g_get_monotonic_time ();
  if (!self->sent_any)
    self->refreshed_us = now; /* the first messages carry the templates */
  else if (udp_refresh_due (self, now, FALSE)
           && !udp_refresh (self, vpc_message_get_sequence (message), error))
    return FALSE;
  if (self->options.rate > 0 && records > 0)
    {
      /* At most 20 ms worth of records in a burst after a pause. */
      gint64 slack = 20000;
      if (self->pace_us < now - slack)
        self->pace_us = now - slack;
      while (self->pace_us > g_get_monotonic_time ())
        {
          /* After an interruption the rest still goes out at the rate, for
           * as long as the grace lasts. */
          gint64 deadline = vpc_net_stop_deadline (&self->options, &self->stop_deadline_us);
          if (deadline != 0 && self->pace_us > deadline)
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                           "%s: interrupted: the records still to send exceed --rate %u for "
                           "the time left; not delivered",
                           output->stats.destination, self->options.rate);
              return FALSE;
            }
          vpc_net_sleep_until (self->pace_us, deadline == 0 ? self->options.interrupted : NULL);
        }
      self->pace_us += (gint64) records * G_USEC_PER_SEC / self->options.rate;
    }
  udp_datagram (self, message, len);
  self->sent_any = TRUE;
  self->since_refresh++;
  self->next_sequence = vpc_message_get_sequence (message) + records;
  vpc_output_count_message (output, len, records);
  return TRUE;
}

static gboolean
udp_idle (VpcOutput *output, GError **error)
{
  UdpOutput *self = (UdpOutput *) output;
  if (udp_refresh_due (self, g_get_monotonic_time (), TRUE))
    return udp_refresh (self, self->next_sequence, error);
  return TRUE;
}

/* A collector that is not there refuses every datagram: then the run says
 * so.  The report for the last datagram comes back within a round trip
 * (waited for only while every earlier one was refused). */
static gboolean
udp_finish (VpcOutput *output, GError **error)
{
  UdpOutput *self = (UdpOutput *) output;
  if (self->datagrams == 0 || self->refused + 1 < self->datagrams)
    return TRUE;
  struct pollfd p = { .fd = self->fd, .events = 0 }; /* POLLERR is always reported */
  if (poll (&p, 1, 200) > 0 && (p.revents & POLLERR))
    {
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNREFUSED)
        {
          self->refused++;
          vpc_output_count (output, &output->stats.send_errors, 1);
        }
    }
  if (self->refused < self->datagrams)
    return TRUE;
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
               "%s: nothing was delivered: every datagram (%" G_GUINT64_FORMAT ") was refused "
               "(port unreachable: is a collector listening?)",
               output->stats.destination, self->datagrams);
  return FALSE;
}

static void
udp_destroy (VpcOutput *output)
{
  UdpOutput *self = (UdpOutput *) output;
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->destination);
}

static gboolean udp_reopen (VpcOutput *output, GError **error);

static const VpcOutputClass udp_class = {
  .send = udp_send,
  .idle = udp_idle,
  .finish = udp_finish,
  .destroy = udp_destroy,
  .reopen = udp_reopen,
};

/* A UDP socket connected to destination ("HOST:PORT"), its address
 * family in *family; -1 with error set. */
static int
udp_open_socket (const char *destination, int *family, GError **error)
{
  g_autofree char *host = NULL, *port = NULL;
  if (!vpc_net_split_destination (destination, &host, &port, error))
    return -1;
  struct addrinfo *list = vpc_net_resolve (destination, host, port, SOCK_DGRAM, error);
  if (list == NULL)
    return -1;
  int fd = -1, err = 0;
  *family = AF_INET;
  for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next)
    {
      fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd >= 0 && connect (fd, ai->ai_addr, ai->ai_addrlen) != 0)
        {
          err = errno;
          close (fd);
          fd = -1;
        }
      else if (fd < 0)
        err = errno;
      else
        *family = ai->ai_family;
    }
  freeaddrinfo (list);
  if (fd < 0)
    {
      net_error (error, destination, "cannot open a UDP socket", err);
      return -1;
    }
  /* Room for bursts the collector has not yet read. */
  int sndbuf = 4 * 1024 * 1024;
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  return fd;
}

/* SIGHUP: a new socket (HOST resolved again), the templates first. */
static gboolean
udp_reopen (VpcOutput *output, GError **error)
{
  UdpOutput *self = (UdpOutput *) output;
  int family;
  int fd = udp_open_socket (self->destination, &family, error);
  if (fd < 0)
    return FALSE;
  if (udp_message_size (self->options.mtu, family) < output->max_message)
    {
      close (fd);
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                   "%s: the address is now of another family, with smaller messages: the "
                   "old socket stays",
                   self->destination);
      return FALSE;
    }
  close (self->fd);
  self->fd = fd;
  self->force_refresh = TRUE;
  return TRUE;
}

VpcOutput *
vpc_output_new_udp (const char *destination, const VpcNetOptions *options, GError **error)
{
  int family;
  int fd = udp_open_socket (destination, &family, error);
  if (fd < 0)
    return NULL;
  gsize max = udp_message_size (options->mtu, family);
  if (max < 256)
    {
      close (fd);
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "%s: --mtu %u leaves no room for IPFIX messages (at least %u)", destination,
                   options->mtu, family == AF_INET6 ? 304 : 284);
      return NULL;
    }
  UdpOutput *self = g_new0 (UdpOutput, 1);
  vpc_output_init (&self->base, &udp_class, "udp", destination, max);
  self->options = *options;
  self->base.options = &self->options;
  self->base.stats.protocol = vpc_protocol_name (options->protocol);
  self->fd = fd;
  self->destination = g_strdup (destination);
  return &self->base;
}
