/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for output-spec.c (--output-spec) and export/domain-map.c (--observation-domain-from). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "export/domain-map.h"
#include "output-spec.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/output-spec/valid", test_spec_valid);
  g_test_add_func ("/output-spec/invalid", test_spec_invalid);
  g_test_add_func ("/domain-map/ids", test_domain_ids);
  g_test_add_func ("/domain-map/collision", test_domain_collision);
  return g_test_run ();
}
