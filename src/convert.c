/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conversion job that ties the pipeline stages together. */
#include "config.h"

#include "convert.h"
#include "convert-outputs.h"
#include "convert-remote.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export-queue.h"
#include "export/exporter.h"
#include "export/output-path.h"
#include "flow/parser.h"
#include "input/inputs.h"
#include "input/reader.h"
#include "flow/records.h"
#include "input/settle.h"
#include "input/state.h"
#include "output-spec.h"

/* Check the header line of a file input, if it has one, before any output
 * exists: a wrong header stops the run with nothing written.  A stream
 * (standard input, a FIFO) is read once, so its header is checked when it
 * is read. */
static gboolean interrupted (const VpcConvertOptions *options, GError **error);

static gboolean
precheck_header (const char *path, const VpcConvertOptions *options, GError **error)
{
  VpcContainer container = options->container;
  if (vpc_reader_path_is_stream (path))
    return TRUE;
  g_autoptr (GError) open_error = NULL;
  g_autoptr (VpcReader) reader = vpc_reader_open (path, container, &open_error);
  if (reader == NULL)
    return TRUE; /* the real pass reports it as a failed input, and goes on */
  VpcLine record_line;
  g_autoptr (GError) local = NULL;
  guint64 blank = 0;
  while (vpc_reader_next_line (reader, &record_line, &local))
    {
      const char *line = record_line.text;
      gsize len = record_line.len;
      while (len > 0 && g_ascii_isspace (line[len - 1]))
        len--;
      if (len == 0)
        {
          /* Blank lines before the header, however many: a stop is
           * honoured among them too. */
          if ((++blank & 0xFFFF) == 0 && interrupted (options, error))
            return FALSE;
          continue;
        }
      if (!vpc_parser_line_is_header (line, len))
        return TRUE;
      VpcFieldId columns[VPC_MAX_COLUMNS];
      if (vpc_parse_field_list (line, len, FALSE, columns, NULL, error) == 0)
        {
          g_prefix_error (error, "%s:%" G_GUINT64_FORMAT ": header line: ", path,
                          vpc_reader_get_line_number (reader));
          return FALSE;
        }
      return TRUE;
    }
  /* Read errors show up, with the lines before them, in the real pass. */
  return TRUE;
}

typedef struct {
  const VpcConvertOptions *options;
  VpcStats *stats;
  VpcParser *parser;
  VpcRoutes *routes;
  VpcExportQueue *queue;
  VpcState *state;     /* --state, or NULL */
  const VpcCounts *current; /* of the input being read, or NULL */
  guint64 last_mark;   /* the delivery mark of the last input read to its end */
  GQueue awaiting;     /* Awaiting*: inputs read to their end, not yet delivered */
  VpcFlow *flow;       /* the flow being filled (job_next_flow) */
  gint64 next_tick_us; /* when options->tick is due next */
  VpcRemote *remote;   /* remote inputs (S3, CloudWatch, SQS), or NULL */
} Job;

static gboolean
interrupted (const VpcConvertOptions *options, GError **error)
{
  if (options->interrupted == NULL || !g_atomic_int_get (options->interrupted))
    return FALSE;
  g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED, "interrupted");
  return TRUE;
}

/* An input read to its end whose records may not all be delivered yet:
 * the --state file records it once every output's delivery mark (see
 * vpc_output_mark) reaches its own. */
typedef struct {
  guint64 mark;
  char *path;
  VpcFileIdentity identity;
} Awaiting;

static void
awaiting_free (gpointer data)
{
  Awaiting *a = data;
  g_free (a->path);
  g_free (a);
}

/* Record in the --state file the inputs whose records are all delivered. */
static gboolean
job_record_delivered (Job *job, GError **error)
{
  if (job->state == NULL || g_queue_is_empty (&job->awaiting))
    return TRUE;
  guint64 delivered = vpc_routes_get_delivered (job->routes);
  Awaiting *a;
  while ((a = g_queue_peek_head (&job->awaiting)) != NULL && a->mark <= delivered)
    {
      if (!vpc_state_add_unsynced (job->state, a->path, &a->identity, error))
        return FALSE;
      awaiting_free (g_queue_pop_head (&job->awaiting));
    }
  return vpc_state_sync (job->state, error); /* one sync for the inputs delivered together */
}

/* The outputs' statistics so far into stats->outputs. */
static void
job_collect_outputs (Job *job)
{
  g_autoptr (GArray) outputs = g_array_new (FALSE, TRUE, sizeof (VpcOutputStats));
  g_array_set_clear_func (outputs, (GDestroyNotify) vpc_output_stats_clear);
  for (guint i = 0; i < vpc_routes_get_output_count (job->routes); i++)
    {
      VpcOutputStats o;
      vpc_routes_get_output_stats (job->routes, i, &o);
      g_array_append_val (outputs, o);
    }
  vpc_stats_set_outputs (job->stats, outputs);
}

/* SIGUSR1 asked for the statistics so far: report them. */
static void
job_report (Job *job)
{
  const VpcConvertOptions *options = job->options;
  if (options->stats_requested != NULL && g_atomic_int_get (options->stats_requested))
    {
      g_atomic_int_set (options->stats_requested, 0);
      if (options->report != NULL)
        {
          job_collect_outputs (job);
          options->report (job->stats, job->current, options->progress_data);
        }
    }
}

/* The timer of options->tick (--metrics-file, --stats-json with --follow). */
static void
job_tick (Job *job)
{
  const VpcConvertOptions *options = job->options;
  if (options->tick == NULL || options->tick_seconds == 0)
    return;
  gint64 now = g_get_monotonic_time ();
  if (now < job->next_tick_us)
    return;
  job->next_tick_us = now + (gint64) options->tick_seconds * G_USEC_PER_SEC;
  job_collect_outputs (job);
  options->tick (job->stats, job->current, options->progress_data);
}

/* Between lines and inputs, and while waiting: a signal asked for the
 * statistics (report them) or to stop (FALSE, VPC_ERROR_INTERRUPTED); an
 * output failed for good (FALSE, its error).  When idle (a live input has
 * nothing ready, a watched directory nothing new), what was read is sent
 * first. */
static gboolean
job_poll (gpointer data, gboolean idle, const VpcCounts *current, GError **error)
{
  Job *job = data;
  if (idle)
    vpc_export_queue_flush (job->queue);
  if (interrupted (job->options, error) || !vpc_export_queue_check (job->queue, error)
      || !job_record_delivered (job, error)
      || !vpc_remote_tick (job->remote, vpc_routes_get_delivered (job->routes), error))
    return FALSE;
  job_report (job);
  job_tick (job);
  if (job->options->reopen_requested != NULL
      && g_atomic_int_compare_and_exchange (job->options->reopen_requested, 1, 0))
    {
      if (job->options->reload != NULL)
        job->options->reload (job->options->progress_data);
      vpc_export_queue_reopen (job->queue);
    }
  return TRUE;
}

/* While the export queue makes the reading wait (a collector that takes
 * nothing): the statistics are still reported, and a stop gives the wait up. */
static gboolean
job_wait (gpointer data)
{
  Job *job = data;
  job_report (job);
  job_tick (job);
  return !interrupted (job->options, NULL);
}

/* A line is parsed from a copy in the export queue that lives until its
 * flow is encoded (lines too long for it are malformed: the parser
 * refuses them before anything points into them). */
G_STATIC_ASSERT (VPC_MAX_LINE_LENGTH <= VPC_EXPORT_QUEUE_MAX_LINE);
G_STATIC_ASSERT (VPC_MAX_STREAM_NAME <= VPC_EXPORT_QUEUE_MAX_LINE);

static char *
job_copy_line (gpointer data, const VpcLine *line, const char **stream)
{
  Job *job = data;
  if (line->len > VPC_EXPORT_QUEUE_MAX_LINE)
    return line->text;
  char *text = vpc_export_queue_copy_line (job->queue, line->text, line->len, line->stream,
                                           line->stream_len);
  *stream = line->stream != NULL ? text + line->len + 1 : NULL; /* copied with the line */
  return text;
}

static VpcFlow *
job_next_flow (gpointer data)
{
  Job *job = data;
  return job->flow = vpc_export_queue_next_flow (job->queue);
}

static gboolean
job_push (gpointer data, guint64 mask, GError **error)
{
  Job *job = data;
  /* The newest flow's end, for the lag in the metrics. */
  if ((mask & (G_GUINT64_CONSTANT (1) << VPC_EL_END)) && job->flow != NULL
      && (gint64) job->flow->flowEndMilliseconds > job->stats->newest_end_ms)
    job->stats->newest_end_ms = (gint64) job->flow->flowEndMilliseconds;
  return vpc_export_queue_push (job->queue, mask, error);
}

static void
job_progress (gpointer data, const VpcCounts *counts)
{
  Job *job = data;
  if (job->options->progress != NULL)
    job->options->progress (job->stats, counts, job->options->progress_data);
}

static const VpcRecordsConsumer job_consumer = {
  .copy_line = job_copy_line,
  .next_flow = job_next_flow,
  .push = job_push,
  .poll = job_poll,
  .progress = job_progress,
};

/* Read one input to its end (following: until interrupted).  FALSE only
 * for fatal errors and interruptions; *failed if it could not be read to
 * its end. */
static gboolean
convert_input_named (Job *job, const char *path, const char *name, VpcReaderFlags flags,
                     gboolean *failed, GError **error)
{
  const VpcConvertOptions *options = job->options;
  VpcInputStats *input = vpc_stats_begin_input (job->stats, name != NULL ? name : path);
  VpcRecordsOptions records = {
    .name = name,
    .container = options->container,
    .flags = flags,
    .mapper = &options->mapper,
    .diag = options->diag,
    .max_line_messages = options->max_line_messages,
    .strict = options->strict,
    .filter = options->filter,
  };
  VpcRecordsInput result = { 0 };
  job->current = &input->counts;
  /* --observation-domain-from flow-log: the input's flow log ID, if its
   * name (an S3 object's key, not the local copy's) has one. */
  gsize flow_log_len = 0;
  const char *flow_log = vpc_domain_flow_log_id (name != NULL ? name : path, &flow_log_len);
  vpc_export_queue_set_source (job->queue, flow_log, flow_log_len);
  gboolean ok = vpc_records_read (path, &records, job->parser, &job_consumer, job,
                                  &input->counts, &result, error);
  job->current = NULL;
  input->error = result.error;
  *failed = result.error != NULL;
  input->compressed = result.compressed;
  input->container = result.container;
  vpc_stats_end_input (job->stats, input);
  return ok;
}

static gboolean
convert_input (Job *job, const char *path, VpcReaderFlags flags, gboolean *failed,
               GError **error)
{
  return convert_input_named (job, path, NULL, flags, failed, error);
}

/* A file input (as identity says it was before reading) read to its end
 * without error: the --state file records it once its records are
 * delivered. */
static gboolean
job_input_done (Job *job, const char *path, const VpcFileIdentity *identity, GError **error)
{
  if (job->state == NULL || vpc_reader_path_is_stream (path))
    return TRUE;
  Awaiting *a = g_new0 (Awaiting, 1);
  a->mark = ++job->last_mark;
  a->path = g_strdup (path);
  a->identity = *identity;
  g_queue_push_tail (&job->awaiting, a);
  vpc_export_queue_mark (job->queue, a->mark);
  vpc_export_queue_flush (job->queue);
  return job_record_delivered (job, error);
}

/* Whether the --state file says path, with that content, was done in an
 * earlier run. */
static gboolean
job_input_known (Job *job, const char *path, const VpcFileIdentity *identity)
{
  if (job->state == NULL || vpc_reader_path_is_stream (path)
      || !vpc_state_contains (job->state, path, identity))
    return FALSE;
  job->stats->state_skipped++;
  return TRUE;
}

/* The remote inputs' view of the job (convert-remote.h). */
static gboolean
remote_poll (gpointer data, gboolean idle, GError **error)
{
  return job_poll (data, idle, NULL, error);
}

static gboolean
remote_convert (gpointer data, const char *path, const char *name, gboolean *failed,
                GError **error)
{
  return convert_input_named (data, path, name, 0, failed, error);
}

static gboolean
remote_known (gpointer data, const char *name, const VpcFileIdentity *identity)
{
  return job_input_known (data, name, identity);
}

/* Like job_input_done, with a delivery mark also without --state (SQS
 * deletes a message once its mark is delivered). */
static gboolean
remote_done (gpointer data, const char *name, const VpcFileIdentity *identity, gboolean record,
             guint64 *mark, GError **error)
{
  Job *job = data;
  *mark = ++job->last_mark;
  if (job->state != NULL && record)
    {
      Awaiting *a = g_new0 (Awaiting, 1);
      a->mark = *mark;
      a->path = g_strdup (name);
      a->identity = *identity;
      g_queue_push_tail (&job->awaiting, a);
    }
  vpc_export_queue_mark (job->queue, *mark);
  vpc_export_queue_flush (job->queue);
  return job_record_delivered (job, error);
}

/* The identity of a file input now (zero if it cannot be seen: reading it
 * says why). */
static void
input_identity (const char *path, VpcFileIdentity *identity)
{
  struct stat st;
  memset (identity, 0, sizeof *identity);
  if (strcmp (path, "-") != 0 && stat (path, &st) == 0)
    vpc_file_identity_from_stat (&st, identity);
}

/* How often a watched directory is scanned. */
#define WATCH_INTERVAL_US G_USEC_PER_SEC

/* What a file looked like when it failed: it is tried again once it
 * changes (content, or permissions: ctime). */
static char *
failed_signature (const struct stat *st)
{
  return g_strdup_printf ("%jd:%jd.%ld:%jd.%ld", (intmax_t) st->st_size,
                          (intmax_t) st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                          (intmax_t) st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

/* One file of a watched directory at a scan: converted once complete
 * (see settle.h), again when a new copy replaces it, again when it failed
 * and then changed. */
static gboolean
watch_file (Job *job, VpcSettle *settle, GHashTable *done, GHashTable *failed, const char *path,
            gint64 now, GError **error)
{
  struct stat st;
  if (stat (path, &st) != 0)
    {
      vpc_settle_forget (settle, path);
      return TRUE;
    }
  VpcFileIdentity identity;
  vpc_file_identity_from_stat (&st, &identity);
  VpcFileIdentity *taken = g_hash_table_lookup (done, path);
  if (taken != NULL && vpc_file_identity_equal (taken, &identity))
    return TRUE;
  g_autofree char *signature = failed_signature (&st);
  const char *failed_as = g_hash_table_lookup (failed, path);
  if (failed_as != NULL && strcmp (failed_as, signature) == 0)
    return TRUE;
  if (job_input_known (job, path, &identity))
    {
      g_hash_table_insert (done, g_strdup (path), g_memdup2 (&identity, sizeof identity));
      return TRUE;
    }
  if (!vpc_settle_ready (settle, path, &st, now))
    return TRUE;
  vpc_settle_forget (settle, path);
  gboolean input_failed = FALSE;
  if (!convert_input (job, path, 0, &input_failed, error))
    return FALSE;
  if (input_failed)
    {
      g_hash_table_insert (failed, g_strdup (path), g_steal_pointer (&signature));
      return TRUE;
    }
  g_hash_table_remove (failed, path);
  g_hash_table_insert (done, g_strdup (path), g_memdup2 (&identity, sizeof identity));
  return job_input_done (job, path, &identity, error);
}

/* --follow on directories: convert the files found in them, then every
 * new file once it is complete, until interrupted. */
static gboolean
convert_watch (Job *job, const char *const *dirs, GError **error)
{
  const VpcConvertOptions *options = job->options;
  g_autoptr (GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) noted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (VpcSettle) settle = vpc_settle_new (options->settle_us, options->diag);
  for (;;)
    {
      g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
      if (!vpc_inputs_expand_full (dirs, options->interrupted, paths, skipped, error))
        return FALSE;
      for (guint i = 0; i < skipped->len; i++)
        if (g_hash_table_add (noted, g_strdup (skipped->pdata[i])))
          {
            vpc_diag_emit (options->diag, "skipped %s", (const char *) skipped->pdata[i]);
            g_ptr_array_add (job->stats->skipped_files, g_strdup (skipped->pdata[i]));
          }
      gint64 now = g_get_real_time ();
      for (guint i = 0; i < paths->len; i++)
        if (!job_poll (job, FALSE, NULL, error)
            || !watch_file (job, settle, done, failed, paths->pdata[i], now, error))
          return FALSE;
      /* Wait for the next scan, looking at signals meanwhile.  What was
       * read goes out now (idle), not when a batch is full. */
      gint64 next = g_get_monotonic_time () + WATCH_INTERVAL_US;
      do
        {
          if (!job_poll (job, TRUE, NULL, error))
            return FALSE;
          g_usleep (50000);
        }
      while (g_get_monotonic_time () < next);
    }
}

/* --follow takes directories to watch, or one file or "-" to follow. */
static gboolean
check_follow_inputs (const char *const *inputs, gboolean *watch, GError **error)
{
  guint dirs = 0, n = 0;
  for (; inputs[n] != NULL; n++)
    if (strcmp (inputs[n], "-") != 0 && g_file_test (inputs[n], G_FILE_TEST_IS_DIR))
      dirs++;
  *watch = dirs > 0;
  if ((dirs > 0 && dirs < n) || (dirs == 0 && n > 1))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "--follow takes directories to watch, or one file (or -) to follow");
      return FALSE;
    }
  return TRUE;
}

gboolean
vpc_convert_run (const VpcConvertOptions *options, const char *const *inputs, VpcStats *stats,
                 GError **error)
{
  g_autoptr (VpcParser) parser = vpc_parser_new (options->diag);
  if (options->format != NULL && !vpc_parser_set_format (parser, options->format, error))
    {
      (*error)->code = VPC_ERROR_USAGE;
      return FALSE;
    }
  /* A -o that cannot take a file (a directory) is refused before any
   * input is read. */
  if (options->output != NULL && strcmp (options->output, "-") != 0
      && !vpc_output_path_check (options->output, error))
    return FALSE;
  for (guint i = 0; options->output_specs != NULL && i < options->output_specs->len; i++)
    {
      const VpcOutputSpec *spec = options->output_specs->pdata[i];
      if (spec->file != NULL && strcmp (spec->file, "-") != 0 && spec->rotate_seconds == 0
          && !vpc_output_path_check (spec->file, error))
        {
          g_prefix_error (error, "output '%s': ", spec->name);
          return FALSE;
        }
    }

  VpcRemoteKind remote_kind = VPC_REMOTE_NONE;
  if (!vpc_remote_kind (inputs, options->sqs_url, &remote_kind, error))
    return FALSE;
  if ((options->since != G_MININT64 || options->until != G_MAXINT64)
      && remote_kind != VPC_REMOTE_S3 && remote_kind != VPC_REMOTE_CLOUDWATCH)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "--since and --until select s3:// objects and cloudwatch:// events");
      return FALSE;
    }
  const char *const no_inputs[] = { NULL };
  const char *const stdin_only[] = { "-", NULL };
  if (remote_kind == VPC_REMOTE_SQS)
    inputs = no_inputs;
  else if (inputs == NULL || inputs[0] == NULL)
    inputs = stdin_only;
  gboolean watch = FALSE;
  gboolean remote_inputs = remote_kind != VPC_REMOTE_NONE;
  if (options->follow && !remote_inputs && !check_follow_inputs (inputs, &watch, error))
    return FALSE;
  g_autoptr (VpcRemote) remote = NULL;
  if (remote_inputs && (remote = vpc_remote_new (remote_kind, options, inputs, error)) == NULL)
    return FALSE;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  if (!watch && !remote_inputs)
    {
      if (!vpc_inputs_expand_full (inputs, options->interrupted, paths, stats->skipped_files,
                                   error))
        return FALSE;
      for (guint i = 0; i < stats->skipped_files->len; i++)
        vpc_diag_emit (options->diag, "skipped %s",
                       (const char *) stats->skipped_files->pdata[i]);
      if (paths->len == 0)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "no flow log files among the inputs");
          return FALSE;
        }
      for (guint i = 0; i < paths->len; i++)
        if (interrupted (options, error)
            || !precheck_header (paths->pdata[i], options, error))
          return FALSE;
    }
  g_autoptr (VpcState) state = NULL;
  if (options->state_file != NULL
      && (state = vpc_state_open (options->state_file, error)) == NULL)
    return FALSE;

  g_autoptr (VpcDomainMap) domain_map = vpc_domain_map_new (options->diag);
  if (!vpc_convert_open_domain_map (options, domain_map, error))
    return FALSE;
  g_autoptr (GPtrArray) openers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (VpcRoutes) routes = vpc_convert_open_routes (options, domain_map, openers, error);
  if (routes == NULL)
    return FALSE;
  g_autoptr (VpcExportQueue) queue = vpc_export_queue_new (routes);
  Job job = { .options = options, .stats = stats, .parser = parser, .routes = routes,
              .queue = queue, .state = state, .remote = remote };
  vpc_export_queue_set_wait_func (queue, job_wait, &job);
  g_queue_init (&job.awaiting);
  gboolean ok = TRUE;
  g_autoptr (GError) local = NULL;
  if (watch)
    ok = convert_watch (&job, inputs, &local);
  if (remote != NULL)
    {
      const VpcRemoteJob remote_job = {
        .job = &job, .options = options, .stats = stats, .state = state,
        .poll = remote_poll, .convert = remote_convert, .known = remote_known,
        .done = remote_done,
      };
      ok = vpc_remote_run (remote, &remote_job, &local);
    }
  for (guint i = 0; ok && i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      /* A stream (standard input, a FIFO) is read as it comes, and never
       * followed past its end. */
      VpcReaderFlags flags = vpc_reader_path_is_stream (path) ? VPC_READER_LIVE : 0;
      if (options->follow)
        flags |= VPC_READER_LIVE | VPC_READER_FOLLOW;
      VpcFileIdentity identity;
      input_identity (path, &identity);
      gboolean failed = FALSE;
      if (!job_poll (&job, FALSE, NULL, &local))
        ok = FALSE;
      else if (job_input_known (&job, path, &identity))
        continue;
      else
        ok = convert_input (&job, path, flags, &failed, &local)
             && (options->follow || failed || job_input_done (&job, path, &identity, &local));
    }
  stats->interrupted = local != NULL && g_error_matches (local, VPC_ERROR, VPC_ERROR_INTERRUPTED);
  if (!ok && !stats->interrupted)
    {
      job_collect_outputs (&job); /* the statistics say what went where */
      job_record_delivered (&job, NULL); /* what was delivered before the failure */
      g_queue_clear_full (&job.awaiting, awaiting_free);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* Everything read goes out, also after a signal (within the outputs'
   * grace for a collector that takes nothing). */
  gboolean complete = !stats->interrupted || options->follow;
  ok = vpc_export_queue_finish (queue, complete, error);
  job_collect_outputs (&job); /* the outputs' counts are safe to read from here */
  if (vpc_export_queue_is_stuck (queue))
    {
      /* The encoder still uses them (blocked in an output nobody reads):
       * left to the end of the process, which comes next.  Nothing more
       * is recorded: what is not acknowledged is sent again next time. */
      g_queue_clear_full (&job.awaiting, awaiting_free);
      g_steal_pointer (&queue);
      g_steal_pointer (&routes);
      g_steal_pointer (&openers);
      g_steal_pointer (&domain_map);
      return FALSE;
    }
  /* What was delivered is recorded (and acknowledged: SQS), also when an output failed. */
  g_autoptr (GError) state_error = NULL;
  if ((!job_record_delivered (&job, &state_error)
       || !vpc_remote_tick (remote, vpc_routes_get_delivered (job.routes), &state_error))
      && ok)
    {
      g_propagate_error (error, g_steal_pointer (&state_error));
      ok = FALSE;
    }
  g_queue_clear_full (&job.awaiting, awaiting_free);
  vpc_convert_domain_map (options, domain_map, stats);
  stats->templates = vpc_routes_get_template_count (routes);
  stats->interfaces = vpc_routes_get_interface_count (routes);
  stats->interface_collisions = vpc_routes_get_interface_collisions (routes);
  guint64 dropped = vpc_export_queue_get_dropped (queue);
  if (!ok && dropped > 0 && error != NULL && *error != NULL)
    {
      char *message = g_strdup_printf ("%s; %" G_GUINT64_FORMAT " more flows read were not sent",
                                       (*error)->message, dropped);
      g_free ((*error)->message);
      (*error)->message = message;
    }
  if (ok && !complete)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return ok;
}
