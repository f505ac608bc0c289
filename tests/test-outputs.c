/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for output-spec.c (--output-spec), export/domain-map.c (--observation-domain-from) and the input keys of export-queue.c. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "export/domain-map.h"
#include "export/export-queue.h"
#include "output-spec.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

static const VpcOutputSpec defaults = { .net = VPC_NET_OPTIONS_INIT, .observation_domain = 9 };

/* Valid specs: the values taken, the unset ones from the plain options. */
static void
test_spec_valid (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcOutputSpec) spec = vpc_output_spec_parse (
      " rejects : udp=127.0.0.1:2055 ; protocol=v5;filter=action reject;rate=100;", &defaults,
      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spec->name, ==, "rejects");
  g_assert_cmpstr (spec->udp, ==, "127.0.0.1:2055");
  g_assert_null (spec->file);
  g_assert_cmpint (spec->net.protocol, ==, VPC_PROTOCOL_NETFLOW_V5);
  g_assert_cmpuint (spec->net.mtu, ==, 1500); /* v5's default */
  g_assert_cmpuint (spec->net.rate, ==, 100);
  g_assert_cmpuint (spec->net.refresh_seconds, ==, 30);
  g_assert_cmpuint (spec->observation_domain, ==, 9);
  g_assert_nonnull (spec->filter);

  g_autoptr (VpcOutputSpec) file = vpc_output_spec_parse (
      "a.b-c_d:output=f-%Y%m%d%H%M.ipfix;rotate=300;observation-domain=4294967295", &defaults,
      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->rotate_seconds, ==, 300);
  g_assert_cmpuint (file->observation_domain, ==, G_MAXUINT32);
  g_assert_null (file->filter);

  g_autoptr (VpcOutputSpec) dom = vpc_output_spec_parse (
      "d:tcp=[::1]:4739;observation-domain-from=vpc", &defaults, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dom->domain_from, ==, VPC_DOMAIN_FROM_VPC);
}

/* Invalid specs: a usage error naming the output and what is wrong. */
static void
test_spec_invalid (void)
{
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "noname", "is not NAME:KEY=VALUE" },
    { ":udp=a:1", "is not NAME:KEY=VALUE" },
    { "a b:udp=a:1", "a name is letters" },
    { "x:", "needs exactly one destination" },
    { "x:udp=a:1;tcp=a:2", "needs exactly one destination" },
    { "x:udp", "'udp' is not KEY=VALUE" },
    { "x:udp=a:1;colour=red", "unknown key 'colour'" },
    { "x:tcp=a:1;protocol=v9", "go to udp= collectors only" },
    { "x:udp=a:1;protocol=v10", "'v10' is not ipfix, v9 or v5" },
    { "x:udp=a:1;rate=-1", "rate: '-1' is not a number" },
    { "x:udp=a:1;mtu=100", "mtu: '100' is not a number from 576" },
    { "x:udp=a:1;observation-domain=4294967296", "observation-domain" },
    { "x:output=f.ipfix;rotate=60", "rotate needs output= with a time pattern" },
    { "x:output=f-%H.ipfix", "add rotate=SECONDS" },
    { "x:output=f.ipfix;observation-domain-from=vpc", "a file holds one stream" },
    { "x:udp=a:1;observation-domain-from=subnet", "is not none, account, vpc" },
    { "x:udp=a:1;observation-domain-from=flowlog", "interface or flow-log" },
    { "x:udp=a:1;interface-table=yes", "expected true or false" },
    { "x:udp=a:1;filter=proto tcp port 22", "filter: " },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VpcOutputSpec) spec = vpc_output_spec_parse (cases[i].text, &defaults, &error);
      g_assert_null (spec);
      g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("'%s': '%s' does not say '%s'", cases[i].text, error->message,
                 cases[i].message);
    }
}

/* FNV-1a 32 (the published test vectors), 0 never an ID. */
static void
test_domain_ids (void)
{
  g_assert_cmpuint (vpc_domain_id_for_key ("a", 1), ==, 0xe40c292cu);
  g_assert_cmpuint (vpc_domain_id_for_key ("foobar", 6), ==, 0xbf9cf968u);
  g_assert_cmpuint (vpc_domain_id_for_key ("", 0), ==, 0x811c9dc5u);
  g_autoptr (VpcDomainMap) map = vpc_domain_map_new (NULL);
  g_assert_cmpuint (vpc_domain_map_lookup (map, "vpc-1", 5, 7), ==,
                    vpc_domain_id_for_key ("vpc-1", 5));
  g_assert_cmpuint (vpc_domain_map_lookup (map, "vpc-1", 5, 7), ==,
                    vpc_domain_id_for_key ("vpc-1", 5));
  g_assert_cmpuint (vpc_domain_map_lookup (map, NULL, 0, 7), ==, 7);
  g_assert_cmpuint (vpc_domain_map_lookup (map, "bad\"key", 7, 7), ==, 7); /* not an ID */
  g_assert_cmpuint (vpc_domain_map_get_size (map), ==, 1);
}

/* Two keys with the same hash: the second takes the next number, counted;
 * a map file keeps it, whatever comes first the next time. */
static void
test_domain_collision (void)
{
  /* Found by search: both hash to 1641718873. */
  const char *k1 = "vpc-00000000000009f8a", *k2 = "vpc-00000000000099aa0";
  guint32 h = vpc_domain_id_for_key (k1, strlen (k1));
  g_assert_cmpuint (vpc_domain_id_for_key (k2, strlen (k2)), ==, h);
  g_autoptr (VpcDomainMap) map = vpc_domain_map_new (NULL);
  g_assert_cmpuint (vpc_domain_map_lookup (map, k1, strlen (k1), 0), ==, h);
  g_assert_cmpuint (vpc_domain_map_lookup (map, k2, strlen (k2), 0), ==, h + 1);
  g_assert_cmpuint (vpc_domain_map_get_collisions (map), ==, 1);
  g_autofree char *json = vpc_domain_map_to_json (map);
  g_autofree char *want = g_strdup_printf ("{\"%s\": %u, \"%s\": %u}", k1, h, k2, h + 1);
  g_assert_cmpstr (json, ==, want);

  g_autofree char *text = vpc_domain_map_to_text (map);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-domains-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "map", NULL);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_autoptr (VpcDomainMap) again = vpc_domain_map_new (NULL);
  g_assert_true (vpc_domain_map_load (again, path, &error));
  g_assert_cmpuint (vpc_domain_map_lookup (again, k2, strlen (k2), 0), ==, h + 1);
  g_assert_cmpuint (vpc_domain_map_lookup (again, k1, strlen (k1), 0), ==, h);
  g_assert_cmpuint (vpc_domain_map_get_collisions (again), ==, 0);

  g_assert_true (g_file_set_contents (path, "# x\n5 vpc-a\nsix vpc-b\n", -1, &error));
  g_autoptr (VpcDomainMap) bad = vpc_domain_map_new (NULL);
  g_assert_false (vpc_domain_map_load (bad, path, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, ":3: expected 'ID KEY'"));
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_assert_true (vpc_domain_map_load (bad, missing, &error)); /* an empty map */
  g_unlink (path);
  g_rmdir (dir);
}

/* The flow log ID of S3 object names; none in other names. */
static void
test_domain_flow_log_id (void)
{
  static const struct {
    const char *path;
    const char *id;
  } cases[] = {
    { "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/20/"
      "123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20261120T0005Z_cc8fc526.log.gz",
      "fl-0a1b2c3d4e5f60718" },
    { "123456789012_vpcflowlogs_eu-west-3_fl-1234abcd_20261120T0005Z_cc8fc526.log.parquet",
      "fl-1234abcd" },
    { "s3://bucket/p/123456789012_vpcflowlogs_us-east-1_fl-0a_20261120T0005Z_x.log", "fl-0a" },
    { "x/123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718", NULL }, /* no time part */
    { "123456789012_vpcflowlogs_us-east-1_vpc-0a1b_20261120T0005Z_x.log", NULL },
    { "123456789012_vpcflowlogs__fl-0a1b_20261120T0005Z_x.log", NULL },
    { "_vpcflowlogs_us-east-1_fl-0a1b_20261120T0005Z_x.log", NULL },
    { "123456789012_vpcflowlogs_us-east-1_fl-_20261120T0005Z_x.log", NULL },
    { "123456789012_vpcflowlogs_us-east-1_fl-0a\"b_20261120T0005Z_x.log", NULL },
    { "fl-0a1b2c3d4e5f60718_vpcflowlogs/export-000000.gz", NULL },
    { "000000.gz", NULL },
    { "-", NULL },
    { "", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = 0;
      const char *id = vpc_domain_flow_log_id (cases[i].path, &len);
      g_autofree char *got = id != NULL ? g_strndup (id, len) : NULL;
      g_assert_cmpstr (got, ==, cases[i].id);
    }
  VpcDomainFrom from;
  g_assert_true (vpc_domain_from_parse ("flow-log", &from));
  g_assert_cmpint (from, ==, VPC_DOMAIN_FROM_FLOW_LOG);
  g_assert_cmpstr (vpc_domain_from_name (from), ==, "flow-log");
}

/* The map file is written at once and at each new ID, before the ID is
 * returned; a file that cannot be written is an error. */
static void
test_domain_map_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-domains-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "map", NULL);
  g_autoptr (VpcDomainMap) map = vpc_domain_map_new (NULL);
  g_assert_true (vpc_domain_map_set_file (map, path, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "# vpc2ipfix --observation-domain-map: ID KEY\n");
  guint32 id = 0;
  g_assert_true (vpc_domain_map_lookup_full (map, "fl-1", 4, 7, &id, &error));
  g_assert_cmpuint (id, ==, vpc_domain_id_for_key ("fl-1", 4));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autofree char *want = g_strdup_printf ("# vpc2ipfix --observation-domain-map: ID KEY\n%u fl-1\n", id);
  g_assert_cmpstr (text, ==, want);
  g_assert_true (vpc_domain_map_lookup_full (map, NULL, 0, 7, &id, &error));
  g_assert_cmpuint (id, ==, 7);

  g_autofree char *bad = g_build_filename (dir, "no-such-dir", "map", NULL);
  g_autoptr (VpcDomainMap) other = vpc_domain_map_new (NULL);
  g_assert_false (vpc_domain_map_set_file (other, bad, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "--observation-domain-map: "));
  g_unlink (path);
  g_rmdir (dir);
}

/* The exporters a flow-log route made, by domain. */
typedef struct {
  char *dir;
  GHashTable *by_domain; /* domain -> VpcExporter* (owned by the routes) */
} Opened;

static VpcExporter *
open_file_exporter (gpointer data, guint32 domain, GError **error)
{
  Opened *opened = data;
  g_autofree char *name = g_strdup_printf ("%u.ipfix", domain);
  g_autofree char *path = g_build_filename (opened->dir, name, NULL);
  VpcExporter *exporter = vpc_exporter_new_file (path, domain, error);
  g_assert_false (g_hash_table_contains (opened->by_domain, GUINT_TO_POINTER (domain)));
  g_hash_table_insert (opened->by_domain, GUINT_TO_POINTER (domain), exporter);
  return exporter;
}

/* Flows of inputs that change more often than a batch holds changes (and
 * a key with no flow): each goes to its input's domain. */
static void
test_queue_sources (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-sources-XXXXXX", &error);
  g_assert_no_error (error);
  Opened opened = { dir, g_hash_table_new (NULL, NULL) };
  g_autoptr (VpcDomainMap) map = vpc_domain_map_new (NULL);
  g_autoptr (VpcRoutes) routes = vpc_routes_new (NULL);
  vpc_routes_add_domain_route (routes, NULL, map, VPC_DOMAIN_FROM_FLOW_LOG, 7,
                               open_file_exporter, &opened, NULL);
  g_autoptr (VpcExportQueue) queue = vpc_export_queue_new (routes);
  static const char *const keys[] = { "fl-a", "fl-b", NULL };
  guint64 mask = BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_PACKETS);
  for (guint i = 0; i < 3000; i++)
    {
      if (i % 7 == 0)
        vpc_export_queue_set_source (queue, "fl-none", 7); /* no flow comes from it */
      const char *key = keys[i % 3];
      vpc_export_queue_set_source (queue, key, key != NULL ? strlen (key) : 0);
      vpc_export_queue_copy_line (queue, "x", 1, NULL, 0);
      VpcFlow *flow = vpc_export_queue_next_flow (queue);
      memset (flow, 0, sizeof *flow);
      flow->packetDeltaCount = 5;
      g_assert_true (vpc_export_queue_push (queue, mask, &error));
    }
  vpc_export_queue_set_source (queue, "fl-late", 7); /* after the last flow */
  g_assert_true (vpc_export_queue_finish (queue, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (opened.by_domain), ==, 3);
  guint32 ids[] = { vpc_domain_id_for_key ("fl-a", 4), vpc_domain_id_for_key ("fl-b", 4), 7 };
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      VpcExporter *exporter = g_hash_table_lookup (opened.by_domain, GUINT_TO_POINTER (ids[i]));
      g_assert_nonnull (exporter);
      g_assert_cmpuint (vpc_exporter_get_record_count (exporter), ==, 1000);
    }
  g_hash_table_unref (opened.by_domain);
  g_clear_pointer (&queue, vpc_export_queue_free);
  g_clear_pointer (&routes, vpc_routes_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/output-spec/valid", test_spec_valid);
  g_test_add_func ("/output-spec/invalid", test_spec_invalid);
  g_test_add_func ("/domain-map/ids", test_domain_ids);
  g_test_add_func ("/domain-map/collision", test_domain_collision);
  g_test_add_func ("/domain-map/flow-log-id", test_domain_flow_log_id);
  g_test_add_func ("/domain-map/file", test_domain_map_file);
  g_test_add_func ("/domain-map/queue-sources", test_queue_sources);
  return g_test_run ();
}
