/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Remote inputs both programs read: S3 prefixes and CloudWatch Logs groups, handed over one readable file at a time. */
#include "config.h"

#include "remote-inputs.h"

#include <string.h>
#include <unistd.h>

#include "cloudwatch.h"
#include "inputs.h"
#include "s3-fetch.h"

/* S3: GETs in flight at once, and objects downloaded ahead of the one read. */
#define S3_PARALLEL 4
#define S3_AHEAD 6

gboolean
vpc_remote_inputs_kind (const char *const *inputs, VpcRemoteInputsKind *kind, GError **error)
{
  guint s3 = 0, cloudwatch = 0, n = 0;
  for (; inputs != NULL && inputs[n] != NULL; n++)
    {
      s3 += vpc_s3_is_url (inputs[n]);
      cloudwatch += vpc_cloudwatch_is_url (inputs[n]);
    }
  *kind = s3 > 0           ? VPC_REMOTE_INPUTS_S3
          : cloudwatch > 0 ? VPC_REMOTE_INPUTS_CLOUDWATCH
                           : VPC_REMOTE_INPUTS_NONE;
  const char *problem = NULL;
  if ((s3 > 0 || cloudwatch > 0) && s3 + cloudwatch < n)
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

void
vpc_remote_inputs_s3_identity (const VpcS3Object *object, VpcFileIdentity *identity)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);
  for (const char *p = object->etag != NULL ? object->etag : ""; *p != '\0'; p++)
    h = (h ^ (guchar) *p) * G_GUINT64_CONSTANT (1099511628211);
  identity->size = object->size;
  identity->mtime_ns = (gint64) (h >> 2);
}

void
vpc_remote_inputs_count (VpcSourceStats *source, const VpcAwsCounters *now,
                         VpcAwsCounters *before)
{
  source->requests += now->requests - before->requests;
  source->retries += now->retries - before->retries;
  source->throttles += now->throttles - before->throttles;
  source->bytes += now->bytes - before->bytes;
  *before = *now;
}

/* Whether the object's key dates overlap [since, until) (a key without a
 * date always does). */
static gboolean
s3_in_window (const VpcRemoteInputsOptions *options, const char *key)
{
  gint64 start, end;
  if (options->since == G_MININT64 && options->until == G_MAXINT64)
    return TRUE;
  if (!vpc_s3_key_time (key, &start, &end))
    return TRUE;
  return end > options->since && start < options->until;
}

/* Whether an object listed is to be read: not done in this run, named like
 * a flow log, inside the window, not done in an earlier run. */
static gboolean
s3_wanted (const VpcRemoteInputsOptions *options, const VpcRemoteInputsConsumer *consumer,
           const char *bucket, const VpcS3Object *object, VpcSourceStats *source,
           GHashTable *seen)
{
  g_autofree char *name = g_strdup_printf ("s3://%s/%s", bucket, object->key);
  VpcFileIdentity identity;
  vpc_remote_inputs_s3_identity (object, &identity);
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
      g_ptr_array_add (options->stats->skipped_files, g_steal_pointer (&why));
      return FALSE;
    }
  if (!s3_in_window (options, object->key))
    {
      source->objects_outside++;
      return FALSE;
    }
  if (consumer->known != NULL && consumer->known (consumer->data, name, &identity))
    {
      source->objects_done_before++;
      return FALSE;
    }
  return TRUE;
}

/* An object downloaded (or not): read, then reported done. */
static gboolean
s3_read_fetched (const VpcRemoteInputsOptions *options, const VpcRemoteInputsConsumer *consumer,
                 const char *bucket, const VpcS3Object *object, VpcSourceStats *source,
                 GHashTable *seen, VpcS3Fetched *fetched, GError **error)
{
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
          options->stats->failed_inputs++;
          g_hash_table_remove (seen, name);
          vpc_diag_emit (options->diag, "%s", local->message);
          if (consumer->failed != NULL)
            consumer->failed (consumer->data, name, local->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fetched->fd);
  gboolean failed = FALSE;
  gboolean ok = consumer->convert (consumer->data, path, name, &failed, error);
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
  vpc_remote_inputs_s3_identity (object, &identity);
  return consumer->done == NULL || consumer->done (consumer->data, name, &identity, error);
}

/* The objects wanted of one listing, downloaded S3_PARALLEL at a time
 * ahead of the reading, read in key order. */
static gboolean
s3_read_listing (const VpcRemoteInputsOptions *options, const VpcRemoteInputsConsumer *consumer,
                 VpcS3Fetcher *fetcher, const char *bucket, GPtrArray *wanted,
                 VpcSourceStats *source, GHashTable *seen, GError **error)
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
          if (!consumer->poll (consumer->data, idle, error))
            return FALSE;
          idle = TRUE;
        }
      if (!consumer->poll (consumer->data, FALSE, error)
          || !s3_read_fetched (options, consumer, bucket, wanted->pdata[i], source, seen,
                               &fetched, error))
        {
          if (fetched.fd >= 0)
            close (fetched.fd);
          g_clear_error (&fetched.error);
          return FALSE;
        }
    }
  return TRUE;
}

/* Following: poll until the next listing is due. */
static gboolean
wait_poll_interval (const VpcRemoteInputsOptions *options, const VpcRemoteInputsConsumer *consumer,
                    GError **error)
{
  gint64 next = g_get_monotonic_time ()
                + (gint64) (options->poll_seconds > 0 ? options->poll_seconds : 60)
                      * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < next)
    {
      if (!consumer->poll (consumer->data, TRUE, error))
        return FALSE;
      g_usleep (50000);
    }
  return TRUE;
}

/* S3 inputs: every object under each prefix in key order; following,
 * listed again every poll_seconds for new objects, until interrupted. */
static gboolean
read_s3 (VpcAwsClient *client, const VpcRemoteInputsOptions *options, const char *const *urls,
         const VpcRemoteInputsConsumer *consumer, GError **error)
{
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
      g_ptr_array_add (sources, vpc_stats_add_source (options->stats, urls[i]));
    }
  VpcAwsOptions aws = options->aws;
  g_autoptr (VpcS3Fetcher) fetcher = vpc_s3_fetcher_new (&aws, client, S3_PARALLEL);
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
          ok = vpc_s3_list_window (client, buckets->pdata[i], prefixes->pdata[i],
                                   options->since, options->until, objects, &source->pages,
                                   error);
          source->objects_listed += objects->len;
          g_autoptr (GPtrArray) wanted = g_ptr_array_new ();
          for (guint j = 0; ok && j < objects->len; j++)
            if (s3_wanted (options, consumer, buckets->pdata[i], objects->pdata[j], source, seen))
              g_ptr_array_add (wanted, objects->pdata[j]);
          ok = ok
               && s3_read_listing (options, consumer, fetcher, buckets->pdata[i], wanted, source,
                                   seen, error);
          vpc_remote_inputs_count (source, vpc_aws_client_get_counters (client), &before);
          VpcAwsCounters fetch_now;
          vpc_s3_fetcher_get_counters (fetcher, &fetch_now);
          vpc_remote_inputs_count (source, &fetch_now, &fetch_before);
        }
      if (!ok || !options->follow)
        break;
      ok = wait_poll_interval (options, consumer, error);
    }
  return ok;
}

/* Every event of each group from --since (or the cursor of the --state
 * file) to --until, page by page; following, a new pass every
 * poll_seconds from the newest event seen (minus an overlap whose events
 * are recognised by id).  Done (with the newest event time) once a pass
 * is read. */
static gboolean
read_cloudwatch (VpcAwsClient *client, const VpcRemoteInputsOptions *options,
                 const char *const *urls, const VpcRemoteInputsConsumer *consumer,
                 GError **error)
{
  g_autoptr (GPtrArray) readers
      = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_cloudwatch_free);
  g_autoptr (GPtrArray) sources = g_ptr_array_new ();
  for (const char *const *url = urls; *url != NULL; url++)
    {
      g_autofree char *group = NULL, *prefix = NULL;
      if (!vpc_cloudwatch_parse_url (*url, &group, &prefix, error))
        return FALSE;
      gint64 start_ms = options->since == G_MININT64 ? 0 : MAX (options->since, 0) * 1000;
      gint64 end_ms = options->until == G_MAXINT64 ? G_MAXINT64 : options->until * 1000;
      VpcFileIdentity cursor;
      if (options->state != NULL && vpc_state_latest (options->state, *url, &cursor))
        start_ms = MAX (start_ms, cursor.mtime_ns / 1000000 - VPC_CLOUDWATCH_OVERLAP_MS);
      g_ptr_array_add (readers, vpc_cloudwatch_new (client, *url, group, prefix, start_ms, end_ms));
      g_ptr_array_add (sources, vpc_stats_add_source (options->stats, *url));
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
              ok = consumer->poll (consumer->data, FALSE, error)
                   && vpc_cloudwatch_next_page (cw, spool, &events, &duplicates, &pass_done, error);
              if (!ok)
                break;
              source->pages++;
              source->events += events;
              source->duplicate_events += duplicates;
              if (events > 0)
                ok = consumer->convert (consumer->data, path, urls[i], &failed, error);
              if (failed)
                source->objects_failed++;
            }
          gint64 newest = vpc_cloudwatch_get_newest (cw);
          if (ok && newest >= 0 && consumer->done != NULL)
            {
              VpcFileIdentity cursor = { 0, newest * 1000000 };
              ok = consumer->done (consumer->data, urls[i], &cursor, error);
            }
          vpc_remote_inputs_count (source, vpc_aws_client_get_counters (client), &before);
        }
      if (!ok || !options->follow)
        break;
      ok = wait_poll_interval (options, consumer, error);
      for (guint i = 0; i < readers->len; i++)
        vpc_cloudwatch_new_pass (readers->pdata[i]);
    }
  close (spool);
  return ok;
}

gboolean
vpc_remote_inputs_read (VpcAwsClient *client, const VpcRemoteInputsOptions *options,
                        const char *const *urls, const VpcRemoteInputsConsumer *consumer,
                        GError **error)
{
  VpcRemoteInputsKind kind;
  if (!vpc_remote_inputs_kind (urls, &kind, error))
    return FALSE;
  switch (kind)
    {
    case VPC_REMOTE_INPUTS_S3:
      return read_s3 (client, options, urls, consumer, error);
    case VPC_REMOTE_INPUTS_CLOUDWATCH:
      return read_cloudwatch (client, options, urls, consumer, error);
    case VPC_REMOTE_INPUTS_NONE:
    default:
      return TRUE;
    }
}
