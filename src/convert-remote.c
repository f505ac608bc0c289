/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The remote inputs of the conversion job: S3 prefixes, CloudWatch Logs groups, an SQS queue of S3 notifications. */
#include "config.h"

#include "convert-remote.h"

#include <string.h>
#include <unistd.h>

#include "input/aws-http.h"
#include "input/cloudwatch.h"
#include "input/inputs.h"
#include "input/s3.h"
#include "input/s3-fetch.h"
#include "input/sqs.h"

/* S3: GETs in flight at once, and objects downloaded ahead of the one converted. */
#define S3_PARALLEL 4
#define S3_AHEAD 6

/* SQS: a message received is hidden from the other workers this long, and
 * extended by as much when less than VISIBILITY_MARGIN_S is left. */
#define VISIBILITY_S 300
#define VISIBILITY_MARGIN_S 120
/* SQS long polling (following), and the wait that says the queue is empty (not following). */
#define SQS_FOLLOW_WAIT_S 20
#define SQS_DRAIN_WAIT_S 2

/* An SQS message whose objects are being converted or delivered. */
typedef struct {
  char *receipt;
  guint64 mark;       /* the delivery mark of its last object (0: none converted) */
  gboolean complete;  /* every object read (or skipped) */
  gint64 visible_at;  /* monotonic µs when other workers may receive it again */
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;
  if (p->receipt != NULL)
    memset (p->receipt, 0, strlen (p->receipt));
  g_free (p->receipt);
  g_free (p);
}

struct VpcRemote {
  VpcRemoteKind kind;
  const VpcConvertOptions *options;
  char **inputs;
  VpcAwsClient *client;
  VpcSqs *sqs;
  VpcSourceStats *source; /* SQS */
  GQueue pending;         /* Pending*, in reception order */
  gboolean ticking;       /* inside vpc_remote_tick (its calls poll nothing) */
};

/* Which content an object had, for the --state file: its size, and its
 * ETag hashed (FNV-1a, 62 bits) into the time field. */
static void
s3_identity (const VpcS3Object *object, VpcFileIdentity *identity)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);
  for (const char *p = object->etag != NULL ? object->etag : ""; *p != '\0'; p++)
    h = (h ^ (guchar) *p) * G_GUINT64_CONSTANT (1099511628211);
  identity->size = object->size;
  identity->mtime_ns = (gint64) (h >> 2);
}

/* Whether the object's key dates overlap [since, until) (a key without a
 * date always does). */
static gboolean
s3_in_window (const VpcConvertOptions *options, const char *key)
{
  gint64 start, end;
  if (options->since == G_MININT64 && options->until == G_MAXINT64)
    return TRUE;
  if (!vpc_s3_key_time (key, &start, &end))
    return TRUE;
  return end > options->since && start < options->until;
}

static void
s3_count_requests (VpcSourceStats *source, const VpcAwsCounters *now, VpcAwsCounters *before)
{
  source->requests += now->requests - before->requests;
  source->retries += now->retries - before->retries;
  source->throttles += now->throttles - before->throttles;
  source->bytes += now->bytes - before->bytes;
  *before = *now;
}

/* Whether an object listed is to be read: not done in this run, named like
 * a flow log, inside the window, not done in an earlier run. */
static gboolean
s3_wanted (const VpcRemoteJob *job, const char *bucket, const VpcS3Object *object,
           VpcSourceStats *source, GHashTable *seen)
{
  const VpcConvertOptions *options = job->options;
  g_autofree char *name = g_strdup_printf ("s3://%s/%s", bucket, object->key);
  VpcFileIdentity identity;
  s3_identity (object, &identity);
  VpcFileIdentity *taken = g_hash_table_lookup (seen, name);
  if (taken != NULL && vpc_file_identity_equal (taken, &identity))
    return FALSE;
  g_hash_table_insert (seen, g_strdup (name), g_memdup2 (&identity, sizeof identity));
  if (g_str_has_suffix (object->key, "/"))
    return FALSE; /* a "folder" */
  const char *skip = vpc_inputs_object_skip_reason (object->key);
  if (skip != NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s (%s)", name, skip);
      vpc_diag_emit (options->diag, "skipped %s", why);
      g_ptr_array_add (job->stats->skipped_files, g_steal_pointer (&why));
      return FALSE;
    }
  if (!s3_in_window (options, object->key))
    {
      source->objects_outside++;
      return FALSE;
    }
  if (job->known (job->job, name, &identity))
    {
      source->objects_done_before++;
      return FALSE;
    }
  return TRUE;
}

/* An object downloaded (or not): converted, then recorded once delivered. */
static gboolean
s3_convert_fetched (const VpcRemoteJob *job, const char *bucket, const VpcS3Object *object,
                    VpcSourceStats *source, GHashTable *seen, VpcS3Fetched *fetched,
                    GError **error)
{
  const VpcConvertOptions *options = job->options;
  g_autofree char *name = g_strdup_printf ("s3://%s/%s", bucket, object->key);
  g_autoptr (GError) local = g_steal_pointer (&fetched->error);
  if (fetched->fd < 0)
    {
      if (fetched->gone)
        {
          source->objects_gone++;
          vpc_diag_emit (options->diag, "%s; skipped", local->message);
          return TRUE;
        }
      if (fetched->gave_up)
        {
          /* It outlived its retries: counted, tried again at the next listing. */
          source->objects_failed++;
          job->stats->failed_inputs++;
          g_hash_table_remove (seen, name);
          vpc_diag_emit (options->diag, "%s", local->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fetched->fd);
  gboolean failed = FALSE;
  gboolean ok = job->convert (job->job, path, name, &failed, error);
  close (fetched->fd);
  fetched->fd = -1;
  if (!ok)
    return FALSE;
  if (failed)
    {
      source->objects_failed++;
      return TRUE;
    }
  source->objects_read++;
  VpcFileIdentity identity;
  s3_identity (object, &identity);
  guint64 mark = 0;
  return job->done (job->job, name, &identity, TRUE, &mark, error);
}

/* The objects wanted of one listing, downloaded S3_PARALLEL at a time
 * ahead of the conversion, converted in key order. */
static gboolean
s3_convert_listing (const VpcRemoteJob *job, VpcS3Fetcher *fetcher, const char *bucket,
                    GPtrArray *wanted, VpcSourceStats *source, GHashTable *seen, GError **error)
{
  guint queued = 0;
  for (guint i = 0; i < wanted->len; i++)
    {
      while (queued < wanted->len && queued < i + S3_AHEAD)
        vpc_s3_fetcher_add (fetcher, bucket, wanted->pdata[queued++]);
      VpcS3Fetched fetched = { .fd = -1 };
      gboolean idle = FALSE;
      while (!vpc_s3_fetcher_next (fetcher, 50000, &fetched))
        {
          /* Waiting for the network: what was read goes out meanwhile. */
          if (!job->poll (job->job, idle, error))
            return FALSE;
          idle = TRUE;
        }
      if (!job->poll (job->job, FALSE, error)
          || !s3_convert_fetched (job, bucket, wanted->pdata[i], source, seen, &fetched, error))
        {
          if (fetched.fd >= 0)
            close (fetched.fd);
          g_clear_error (&fetched.error);
          return FALSE;
        }
    }
  return TRUE;
}

/* S3 inputs: every object under each prefix in key order; following,
 * listed again every poll_seconds for new objects, until interrupted. */
static gboolean
run_s3 (const VpcRemoteJob *job, VpcAwsClient *client, const char *const *urls, GError **error)
{
  const VpcConvertOptions *options = job->options;
  guint n = g_strv_length ((char **) urls);
  g_autoptr (GPtrArray) buckets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) prefixes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) sources = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      char *bucket = NULL, *prefix = NULL;
      if (!vpc_s3_parse_url (urls[i], &bucket, &prefix, error))
        return FALSE;
      g_ptr_array_add (buckets, bucket);
      g_ptr_array_add (prefixes, prefix);
      g_ptr_array_add (sources, vpc_stats_add_source (job->stats, urls[i]));
    }
  VpcAwsOptions aws = options->aws;
  aws.diag = options->diag;
  aws.interrupted = options->interrupted;
  g_autoptr (VpcS3Fetcher) fetcher = vpc_s3_fetcher_new (&aws, S3_PARALLEL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  VpcAwsCounters before = *vpc_aws_client_get_counters (client);
  VpcAwsCounters fetch_before = { 0 };
  gboolean ok = TRUE;
  while (ok)
    {
      for (guint i = 0; ok && i < n; i++)
        {
          VpcSourceStats *source = sources->pdata[i];
          g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (vpc_s3_object_free);
          ok = vpc_s3_list (client, buckets->pdata[i], prefixes->pdata[i], objects,
                            &source->pages, error);
          source->objects_listed += objects->len;
          g_autoptr (GPtrArray) wanted = g_ptr_array_new ();
          for (guint j = 0; ok && j < objects->len; j++)
            if (s3_wanted (job, buckets->pdata[i], objects->pdata[j], source, seen))
              g_ptr_array_add (wanted, objects->pdata[j]);
          ok = ok
               && s3_convert_listing (job, fetcher, buckets->pdata[i], wanted, source, seen,
                                      error);
          s3_count_requests (source, vpc_aws_client_get_counters (client), &before);
          VpcAwsCounters fetch_now;
          vpc_s3_fetcher_get_counters (fetcher, &fetch_now);
          s3_count_requests (source, &fetch_now, &fetch_before);
        }
      if (!ok || !options->follow)
        break;
      gint64 next = g_get_monotonic_time ()
                    + (gint64) (options->poll_seconds > 0 ? options->poll_seconds : 60)
                          * G_USEC_PER_SEC;
      while (ok && g_get_monotonic_time () < next)
        {
          ok = job->poll (job->job, TRUE, error);
          if (ok)
            g_usleep (50000);
        }
    }
  return ok;
}

/* ---- CloudWatch Logs inputs (cloudwatch://GROUP[/STREAM-PREFIX]) ---- */

/* Every event of each group from --since (or the cursor of the --state
 * file) to --until, page by page; following, a new pass every
 * poll_seconds from the newest event seen (minus an overlap whose events
 * are recognised by id).  The cursor (the newest event time) is recorded
 * in --state once a pass is delivered. */
static gboolean
run_cloudwatch (const VpcRemoteJob *job, VpcAwsClient *client, const char *const *urls,
                GError **error)
{
  const VpcConvertOptions *options = job->options;
  g_autoptr (GPtrArray) readers = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_cloudwatch_free);
  g_autoptr (GPtrArray) sources = g_ptr_array_new ();
  for (const char *const *url = urls; *url != NULL; url++)
    {
      g_autofree char *group = NULL, *prefix = NULL;
      if (!vpc_cloudwatch_parse_url (*url, &group, &prefix, error))
        return FALSE;
      gint64 start_ms = options->since == G_MININT64 ? 0 : MAX (options->since, 0) * 1000;
      gint64 end_ms = options->until == G_MAXINT64 ? G_MAXINT64 : options->until * 1000;
      VpcFileIdentity cursor;
      if (job->state != NULL && vpc_state_latest (job->state, *url, &cursor))
        start_ms = MAX (start_ms, cursor.mtime_ns / 1000000 - VPC_CLOUDWATCH_OVERLAP_MS);
      g_ptr_array_add (readers, vpc_cloudwatch_new (client, *url, group, prefix, start_ms, end_ms));
      g_ptr_array_add (sources, vpc_stats_add_source (job->stats, *url));
    }
  int spool = vpc_s3_spool_open (error);
  if (spool < 0)
    return FALSE;
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", spool);
  VpcAwsCounters before = *vpc_aws_client_get_counters (client);
  gboolean ok = TRUE;
  while (ok)
    {
      for (guint i = 0; ok && i < readers->len; i++)
        {
          VpcCloudWatch *cw = readers->pdata[i];
          VpcSourceStats *source = sources->pdata[i];
          gboolean pass_done = FALSE;
          while (ok && !pass_done)
            {
              guint events = 0, duplicates = 0;
              gboolean failed = FALSE;
              ok = job->poll (job->job, FALSE, error)
                   && vpc_cloudwatch_next_page (cw, spool, &events, &duplicates, &pass_done, error);
              if (!ok)
                break;
              source->pages++;
              source->events += events;
              source->duplicate_events += duplicates;
              if (events > 0)
                ok = job->convert (job->job, path, urls[i], &failed, error);
              if (failed)
                source->objects_failed++;
            }
          gint64 newest = vpc_cloudwatch_get_newest (cw);
          if (ok && newest >= 0)
            {
              VpcFileIdentity cursor = { 0, newest * 1000000 };
              guint64 mark = 0;
              ok = job->done (job->job, urls[i], &cursor, TRUE, &mark, error);
            }
          s3_count_requests (source, vpc_aws_client_get_counters (client), &before);
        }
      if (!ok || !options->follow)
        break;
      gint64 next = g_get_monotonic_time ()
                    + (gint64) (options->poll_seconds > 0 ? options->poll_seconds : 60)
                          * G_USEC_PER_SEC;
      while (ok && g_get_monotonic_time () < next)
        {
          ok = job->poll (job->job, TRUE, error);
          if (ok)
            g_usleep (50000);
        }
      for (guint i = 0; i < readers->len; i++)
        vpc_cloudwatch_new_pass (readers->pdata[i]);
    }
  close (spool);
  return ok;
}

/* ---- SQS: S3 event notifications ---- */

/* One object a message names: converted unless done in an earlier run or
 * gone; *failed if it must be tried again (the message is then kept). */
static gboolean
sqs_object (VpcRemote *remote, const VpcRemoteJob *job, const VpcSqsObject *o, int spool,
            Pending *pending, gboolean *failed, GError **error)
{
  VpcSourceStats *source = remote->source;
  g_autofree char *name = g_strdup_printf ("s3://%s/%s", o->bucket, o->object.key);
  VpcFileIdentity identity;
  s3_identity (&o->object, &identity);
  if (o->object.etag != NULL && job->known (job->job, name, &identity))
    {
      source->objects_done_before++;
      return TRUE;
    }
  const char *skip = vpc_inputs_object_skip_reason (o->object.key);
  if (skip != NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s (%s)", name, skip);
      vpc_diag_emit (remote->options->diag, "skipped %s", why);
      g_ptr_array_add (job->stats->skipped_files, g_steal_pointer (&why));
      return TRUE;
    }
  g_autoptr (GError) local = NULL;
  gboolean gone = FALSE;
  if (!vpc_s3_fetch (remote->client, o->bucket, &o->object, spool, &gone, &local))
    {
      if (gone)
        {
          source->objects_gone++;
          vpc_diag_emit (remote->options->diag, "%s; skipped", local->message);
          return TRUE;
        }
      if (vpc_aws_client_gave_up (remote->client))
        {
          source->objects_failed++;
          job->stats->failed_inputs++;
          *failed = TRUE;
          vpc_diag_emit (remote->options->diag, "%s (its message is left in the queue)",
                         local->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", spool);
  gboolean read_failed = FALSE;
  if (!job->convert (job->job, path, name, &read_failed, error))
    return FALSE;
  if (read_failed)
    {
      source->objects_failed++;
      *failed = TRUE;
      return TRUE;
    }
  source->objects_read++;
  /* Without an ETag in the notification, the object is not recorded in --state. */
  return job->done (job->job, name, &identity, o->object.etag != NULL, &pending->mark, error);
}

/* One message: its objects converted; it is deleted once they are
 * delivered (vpc_remote_tick), at once if it names none. */
static gboolean
sqs_message (VpcRemote *remote, const VpcRemoteJob *job, VpcSqsMessage *message, int spool,
             GError **error)
{
  VpcSourceStats *source = remote->source;
  if (message->receive_count > 1)
    source->messages_redelivered++;
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (vpc_sqs_object_free);
  if (!vpc_sqs_parse_notification (message->body, objects))
    {
      source->messages_other++;
      if (remote->options->sqs_keep_other)
        return TRUE;
      if (!vpc_sqs_delete (remote->sqs, message->receipt, error))
        return FALSE;
      source->messages_deleted++;
      return TRUE;
    }
  source->objects_listed += objects->len;
  Pending *pending = g_new0 (Pending, 1);
  pending->receipt = g_steal_pointer (&message->receipt);
  pending->visible_at = g_get_monotonic_time () + VISIBILITY_S * G_USEC_PER_SEC;
  g_queue_push_tail (&remote->pending, pending);
  gboolean failed = FALSE;
  for (guint i = 0; i < objects->len; i++)
    if (!job->poll (job->job, FALSE, error)
        || !sqs_object (remote, job, objects->pdata[i], spool, pending, &failed, error))
      return FALSE;
  if (failed)
    {
      /* Left to come back after its visibility timeout (or to the queue's
       * dead-letter queue): what was converted of it may be sent again. */
      g_queue_remove (&remote->pending, pending);
      pending_free (pending);
      source->messages_failed++;
      return TRUE;
    }
  pending->complete = TRUE;
  return TRUE;
}

static gboolean
run_sqs (VpcRemote *remote, const VpcRemoteJob *job, GError **error)
{
  const VpcConvertOptions *options = job->options;
  remote->source = vpc_stats_add_source (job->stats, options->sqs_url);
  int spool = vpc_s3_spool_open (error);
  if (spool < 0)
    return FALSE;
  VpcAwsCounters before = *vpc_aws_client_get_counters (remote->client);
  gboolean ok = TRUE;
  while (ok)
    {
      /* What was read goes out before a long wait. */
      ok = job->poll (job->job, TRUE, error);
      g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (vpc_sqs_message_free);
      /* No long wait while messages wait for their delivery: they are deleted between receives. */
      guint wait = !g_queue_is_empty (&remote->pending) ? 1
                   : options->follow                    ? SQS_FOLLOW_WAIT_S
                                                        : SQS_DRAIN_WAIT_S;
      ok = ok && vpc_sqs_receive (remote->sqs, wait, VISIBILITY_S, messages, error);
      if (ok)
        remote->source->messages_received += messages->len;
      for (guint i = 0; ok && i < messages->len; i++)
        ok = sqs_message (remote, job, messages->pdata[i], spool, error);
      s3_count_requests (remote->source, vpc_aws_client_get_counters (remote->client), &before);
      if (ok && messages->len == 0 && !options->follow)
        break; /* drained */
    }
  close (spool);
  return ok;
}

gboolean
vpc_remote_tick (VpcRemote *remote, guint64 delivered, GError **error)
{
  if (remote == NULL || remote->sqs == NULL || remote->ticking)
    return TRUE;
  remote->ticking = TRUE;
  gboolean ok = TRUE;
  gint64 now = g_get_monotonic_time ();
  for (GList *l = remote->pending.head; ok && l != NULL;)
    {
      Pending *p = l->data;
      GList *next = l->next;
      if (p->complete && p->mark <= delivered)
        {
          ok = vpc_sqs_delete (remote->sqs, p->receipt, error);
          if (ok)
            {
              remote->source->messages_deleted++;
              g_queue_delete_link (&remote->pending, l);
              pending_free (p);
            }
        }
      else if (p->visible_at - now < VISIBILITY_MARGIN_S * G_USEC_PER_SEC)
        {
          ok = vpc_sqs_change_visibility (remote->sqs, p->receipt, VISIBILITY_S, error);
          if (ok)
            {
              p->visible_at = now + VISIBILITY_S * G_USEC_PER_SEC;
              remote->source->visibility_extensions++;
            }
        }
      l = next;
    }
  remote->ticking = FALSE;
  return ok;
}

/* ---- the remote kinds ---- */

gboolean
vpc_remote_kind (const char *const *inputs, const char *sqs_url, VpcRemoteKind *kind,
                 GError **error)
{
  guint s3 = 0, cloudwatch = 0, n = 0;
  for (; inputs != NULL && inputs[n] != NULL; n++)
    {
      s3 += vpc_s3_is_url (inputs[n]);
      cloudwatch += vpc_cloudwatch_is_url (inputs[n]);
    }
  *kind = sqs_url != NULL ? VPC_REMOTE_SQS
          : s3 > 0        ? VPC_REMOTE_S3
          : cloudwatch > 0 ? VPC_REMOTE_CLOUDWATCH
                           : VPC_REMOTE_NONE;
  const char *problem = NULL;
  if (sqs_url != NULL && n > 0)
    problem = "--sqs takes no inputs: the queue's notifications name the objects";
  else if ((s3 > 0 || cloudwatch > 0) && s3 + cloudwatch < n)
    problem = "s3:// and cloudwatch:// inputs cannot be mixed with local files in one run";
  else if (s3 > 0 && cloudwatch > 0)
    problem = "s3:// and cloudwatch:// inputs cannot be mixed in one run";
  if (problem != NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s", problem);
      return FALSE;
    }
  return TRUE;
}

VpcRemote *
vpc_remote_new (VpcRemoteKind kind, const VpcConvertOptions *options, const char *const *inputs,
                GError **error)
{
  g_autoptr (VpcRemote) remote = g_new0 (VpcRemote, 1);
  remote->kind = kind;
  remote->options = options;
  remote->inputs = g_strdupv ((char **) inputs);
  g_queue_init (&remote->pending);
  VpcAwsOptions aws = options->aws;
  aws.interrupted = options->interrupted;
  aws.diag = options->diag;
  remote->client = vpc_aws_client_new (&aws);
  for (char **url = remote->inputs; url != NULL && *url != NULL; url++)
    {
      g_autofree char *a = NULL, *b = NULL;
      if (kind == VPC_REMOTE_S3 ? !vpc_s3_parse_url (*url, &a, &b, error)
                                : !vpc_cloudwatch_parse_url (*url, &a, &b, error))
        return NULL;
    }
  if (kind == VPC_REMOTE_SQS
      && (remote->sqs = vpc_sqs_new (remote->client, options->sqs_url, error)) == NULL)
    return NULL;
  if (!vpc_aws_client_check_credentials (remote->client, error))
    return NULL;
  return g_steal_pointer (&remote);
}

void
vpc_remote_free (VpcRemote *remote)
{
  if (remote == NULL)
    return;
  g_queue_clear_full (&remote->pending, pending_free);
  vpc_sqs_free (remote->sqs);
  vpc_aws_client_free (remote->client);
  g_strfreev (remote->inputs);
  g_free (remote);
}

gboolean
vpc_remote_run (VpcRemote *remote, const VpcRemoteJob *job, GError **error)
{
  const char *const *urls = (const char *const *) remote->inputs;
  switch (remote->kind)
    {
    case VPC_REMOTE_S3:
      return run_s3 (job, remote->client, urls, error);
    case VPC_REMOTE_CLOUDWATCH:
      return run_cloudwatch (job, remote->client, urls, error);
    case VPC_REMOTE_SQS:
      return run_sqs (remote, job, error);
    case VPC_REMOTE_NONE:
    default:
      return TRUE;
    }
}
