/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for exporter.c: atomic files, templates per element set, read back with libfixbuf. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "export/exporter.h"
#include "flow/infomodel.h"

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

static guint
count_dir_entries (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Read an IPFIX file back: records per template ID. */
static GHashTable *
read_back (const char *path, guint64 *total)
{
  GHashTable *counts = g_hash_table_new (NULL, NULL);
  g_autoptr (fbInfoModel_t) model = vpc_infomodel_new ();
  fbSession_t *session = fbSessionAlloc (model);
  GError *error = NULL;
  fbCollector_t *collector = fbCollectorAllocFile (NULL, path, &error);
  g_assert_no_error (error);
  fBuf_t *fbuf = fBufAllocForCollection (session, collector);
  fbTemplate_t *internal = vpc_flow_template_new (model, VPC_FLOW_INTERNAL, &error);
  g_assert_no_error (error);
  guint16 itid = fbSessionAddTemplate (session, TRUE, FB_TID_AUTO, internal, &error);
  g_assert_no_error (error);
  g_assert_true (fBufSetInternalTemplate (fbuf, itid, &error));
  VpcFlow record;
  *total = 0;
  for (;;)
    {
      uint16_t tid = 0;
      fbTemplate_t *tmpl = fBufNextCollectionTemplate (fbuf, &tid, &error);
      if (tmpl == NULL)
        break;
      size_t len = sizeof record;
      if (!fBufNext (fbuf, (guint8 *) &record, &len, &error))
        break;
      gpointer old = g_hash_table_lookup (counts, GUINT_TO_POINTER (tid));
      g_hash_table_insert (counts, GUINT_TO_POINTER (tid),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
      (*total)++;
      if (tid != 256 && tid != 257)
        g_assert_cmpuint (record.packetDeltaCount, ==, 5);
    }
  g_assert_true (g_error_matches (error, FB_ERROR_DOMAIN, FB_ERROR_EOF));
  g_clear_error (&error);
  fBufFree (fbuf);
  return counts;
}

static void
test_atomic_file_and_templates (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-exporter-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "flows.ipfix", NULL);

  /* Freed without commit: nothing is left behind. */
  VpcExporter *aborted = vpc_exporter_new_file (path, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1); /* the temporary file */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  vpc_exporter_free (aborted);
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);

  g_autoptr (VpcExporter) exporter = vpc_exporter_new_file (path, 7, &error);
  g_assert_no_error (error);
  VpcFlow flow = { 0 };
  flow.sourceIPv4Address = 0x0A000001;
  flow.destinationIPv4Address = 0x0A000002;
  flow.packetDeltaCount = 5;
  guint8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
  memcpy (flow.sourceIPv6Address, v6, 16);
  memcpy (flow.destinationIPv6Address, v6, 16);
  guint64 v4_mask = BIT (VPC_EL_SRC4) | BIT (VPC_EL_DST4) | BIT (VPC_EL_PACKETS);
  guint64 v6_mask = BIT (VPC_EL_SRC6) | BIT (VPC_EL_DST6) | BIT (VPC_EL_PACKETS);
  for (int i = 0; i < 3000; i++)
    g_assert_true (vpc_exporter_add (exporter, &flow, i % 3 ? v4_mask : v6_mask, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS)); /* not before commit */
  g_assert_true (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_exporter_get_record_count (exporter), ==, 3000);
  g_assert_cmpuint (vpc_exporter_get_template_count (exporter), ==, 4); /* + 256, 257 */
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  guint64 total = 0;
  g_autoptr (GHashTable) counts = read_back (path, &total);
  g_assert_cmpuint (total, ==, 3000 + 44);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (
                        counts, GUINT_TO_POINTER (vpc_template_id_for_mask (v4_mask)))),
                    ==, 2000);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (
                        counts, GUINT_TO_POINTER (vpc_template_id_for_mask (v6_mask)))),
                    ==, 1000);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (256))),
                    ==, 44);

  /* The file gets the mode a plain creat() under the umask would give. */
  struct stat st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  mode_t mask = umask (0);
  umask (mask);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0666 & ~mask);
  g_remove (path);
  g_rmdir (dir);
}

/* Interfaces are noted and collisions counted whether the table is
 * published or not; only with it on are there options records (257). */
static void
check_interface_table (gboolean publish)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vpc-exporter-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "ifaces.ipfix", NULL);
  g_autoptr (VpcExporter) exporter = vpc_exporter_new_file (path, 0, &error);
  g_assert_no_error (error);
  if (publish)
    vpc_exporter_set_interface_table (exporter, TRUE);

  /* Two names with the same 16-bit index, found by search. */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  char *a = NULL, *b = NULL;
  for (guint i = 0; b == NULL; i++)
    {
      char *name = g_strdup_printf ("eni-%017x", i);
      guint32 index = vpc_interface_index (name, strlen (name));
      char *other = g_hash_table_lookup (seen, GUINT_TO_POINTER (index));
      if (other != NULL)
        {
          a = g_strdup (other);
          b = name;
        }
      else
        g_hash_table_insert (seen, GUINT_TO_POINTER (index), name);
    }
  const char *names[] = { "eni-0a", "eni-0b", "eni-0a", a, b, b, "eni-0b" };
  guint64 in_mask = BIT (VPC_EL_IF_NAME) | BIT (VPC_EL_INGRESS_IF) | BIT (VPC_EL_PACKETS);
  guint64 out_mask = BIT (VPC_EL_IF_NAME) | BIT (VPC_EL_EGRESS_IF) | BIT (VPC_EL_PACKETS);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      VpcFlow flow = { .packetDeltaCount = 5 };
      guint32 index = vpc_interface_index (names[i], strlen (names[i]));
      flow.interfaceName.buf = (guint8 *) names[i];
      flow.interfaceName.len = strlen (names[i]);
      flow.ingressInterface = flow.egressInterface = index;
      g_assert_true (vpc_exporter_add (exporter, &flow, i % 2 ? out_mask : in_mask, &error));
    }
  g_assert_true (vpc_exporter_finish (exporter, TRUE, &error));
  g_assert_no_error (error);
  /* eni-0a, eni-0b and a: one table record each; b collides with a. */
  g_assert_cmpuint (vpc_exporter_get_interface_count (exporter), ==, publish ? 3 : 0);
  g_assert_cmpuint (vpc_exporter_get_interface_collisions (exporter), ==, 1);
  guint64 total = 0;
  g_autoptr (GHashTable) counts = read_back (path, &total);
  guint table = publish ? 3 : 0;
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (257))),
                    ==, table);
  g_assert_cmpuint (total, ==, 44 + table + G_N_ELEMENTS (names));
  g_free (a);
  g_free (b);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_interface_table (void)
{
  check_interface_table (TRUE);
}

static void
test_interface_table_off (void)
{
  check_interface_table (FALSE);
}

static void
test_unwritable_directory (void)
{
  g_autoptr (GError) error = NULL;
  VpcExporter *exporter = vpc_exporter_new_file ("/nonexistent-dir/x.ipfix", 0, &error);
  g_assert_null (exporter);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/x.ipfix"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exporter/atomic-file-and-templates", test_atomic_file_and_templates);
  g_test_add_func ("/exporter/interface-table", test_interface_table);
  g_test_add_func ("/exporter/interface-table-off", test_interface_table_off);
  g_test_add_func ("/exporter/unwritable-directory", test_unwritable_directory);
  return g_test_run ();
}
