/* gst-ice
 * Copyright (C) 2026 The gst-ice authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

/* The STUN server check (gst/ice/stun/gsticestuncheck.c) and RFC 5780
 * behaviour discovery (gsticenatbehaviour.c) against real servers on
 * loopback: a coturn on two addresses (127.0.0.1 and 127.0.0.2), so that
 * it does RFC 5780, and a STUN server of the RFC 3489 kind
 * (tests/legacy_stun_server.py); and what icesink says at start about
 * each. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include <gst/ice/stun/gsticenatbehaviour.h>

#include "coturntestutil.h"
#include "testdir.h"

static TestCoturn *coturn;

/* the RFC 3489 server: its process, the pipe that keeps it alive, port */
static GPid legacy_pid;
static gint legacy_stdin = -1;
static guint legacy_port;

/* Starts tests/legacy_stun_server.py on 127.0.0.1 (in the suite
 * function: no fail_unless) and reads the port it prints. */
static gboolean
start_legacy_server (void)
{
  gchar *script = g_build_filename (g_getenv ("GST_ICE_TEST_SRCDIR"), "..",
      "legacy_stun_server.py", NULL);
  gchar *argv[] = { (gchar *) "python3", script, NULL };
  GError *err = NULL;
  gint out = -1;
  gchar line[128] = { 0, };
  gsize used = 0;
  gssize got;

  if (!g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
          G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &legacy_pid, &legacy_stdin,
          &out, NULL, &err)) {
    g_printerr ("could not start %s: %s\n", script, err->message);
    g_clear_error (&err);
    g_free (script);
    return FALSE;
  }
  g_free (script);
  /* "LISTENING 127.0.0.1 PORT\n" */
  while (used < sizeof (line) - 1 && !strchr (line, '\n')) {
    got = read (out, line + used, sizeof (line) - 1 - used);
    if (got <= 0)
      break;
    used += got;
  }
  close (out);
  return sscanf (line, "LISTENING 127.0.0.1 %u", &legacy_port) == 1;
}

static void
stop_legacy_server (void)
{
  if (legacy_stdin < 0)
    return;
  /* it ends when its standard input closes */
  close (legacy_stdin);
  waitpid (legacy_pid, NULL, 0);
  g_spawn_close_pid (legacy_pid);
}

static GstIceServerUri *
stun_uri (guint port)
{
  gchar *text = g_strdup_printf ("stun://127.0.0.1:%u", port);
  GstIceServerUri *uri = gst_ice_server_uri_parse (text, NULL);

  fail_unless (uri != NULL);
  g_free (text);
  return uri;
}

static void
assert_address (GInetSocketAddress * address, const gchar * expected)
{
  gchar *text = gst_ice_stun_address_to_string (address);

  fail_unless_equals_string (text, expected);
  g_free (text);
}

/* A UDP port on 127.0.0.1 that nothing listens on (just freed), or
 * @keep: the socket that holds it. */
static guint
loopback_udp_port (GSocket ** keep)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  GSocketAddress *bound;
  guint port;

  fail_unless (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  if (keep)
    *keep = socket;
  else
    g_object_unref (socket);
  return port;
}

GST_START_TEST (test_check_coturn)
{
  GstIceServerUri *server = stun_uri (coturn->port);
  GstIceStunCheckResult *result;
  gchar *other;

  result = gst_ice_stun_check_run (server, NULL, 2000, NULL);
  fail_unless_equals_int (result->status, GST_ICE_STUN_CHECK_OK);
  fail_unless (result->message == NULL);
  /* on loopback the server sees this host as it is */
  fail_unless (gst_ice_stun_address_equal (result->mapped, result->local));
  /* two listening addresses: coturn answers with its other one */
  other = g_strdup_printf ("127.0.0.2:%u", coturn->port + 1);
  assert_address (result->other, other);
  fail_unless (g_str_has_prefix (result->software, "Coturn"), "%s",
      result->software);
  g_free (other);
  gst_ice_stun_check_result_free (result);
  gst_ice_server_uri_free (server);
}

GST_END_TEST;

GST_START_TEST (test_check_pre_rfc5389_server)
{
  GstIceServerUri *server = stun_uri (legacy_port);
  GstIceStunCheckResult *result;
  gchar *name;

  result = gst_ice_stun_check_run (server, NULL, 2000, NULL);
  fail_unless_equals_int (result->status, GST_ICE_STUN_CHECK_PRE_RFC5389);
  /* the message names the server and what is wrong with it */
  name = g_strdup_printf ("stun-server 'stun://127.0.0.1:%u'", legacy_port);
  fail_unless (strstr (result->message, name) != NULL, "%s", result->message);
  fail_unless (strstr (result->message, "pre-RFC 5389") != NULL, "%s",
      result->message);
  fail_unless (strstr (result->message, "without XOR-MAPPED-ADDRESS") !=
      NULL, "%s", result->message);
  /* its answer is still read: the address in clear */
  fail_unless (gst_ice_stun_address_equal (result->mapped, result->local));
  g_free (name);
  gst_ice_stun_check_result_free (result);
  gst_ice_server_uri_free (server);
}

GST_END_TEST;

GST_START_TEST (test_check_closed_port)
{
  guint port = loopback_udp_port (NULL);
  GstIceServerUri *server = stun_uri (port);
  GstIceStunCheckResult *result;
  gchar *where;
  gint64 start = g_get_monotonic_time ();

  result = gst_ice_stun_check_run (server, NULL, 5000, NULL);
  fail_unless_equals_int (result->status, GST_ICE_STUN_CHECK_UNREACHABLE);
  where = g_strdup_printf ("nothing listens on UDP 127.0.0.1:%u", port);
  fail_unless (strstr (result->message, where) != NULL, "%s", result->message);
  /* the ICMP error says so at once: no waiting for the timeout */
  fail_unless (g_get_monotonic_time () - start < 2 * G_USEC_PER_SEC);
  g_free (where);
  gst_ice_stun_check_result_free (result);
  gst_ice_server_uri_free (server);
}

GST_END_TEST;

GST_START_TEST (test_check_silent_server)
{
  GSocket *silent;
  guint port = loopback_udp_port (&silent);
  GstIceServerUri *server = stun_uri (port);
  GstIceStunCheckResult *result;

  result = gst_ice_stun_check_run (server, NULL, 700, NULL);
  fail_unless_equals_int (result->status, GST_ICE_STUN_CHECK_NO_ANSWER);
  fail_unless (strstr (result->message, "did not answer a Binding request "
          "within 700 ms") != NULL, "%s", result->message);
  gst_ice_stun_check_result_free (result);
  gst_ice_server_uri_free (server);
  g_object_unref (silent);
}

GST_END_TEST;

/* No NAT on loopback: the mapping is "none", nothing filters, and coturn
 * on two addresses answered each RFC 5780 test. */
GST_START_TEST (test_behaviour_on_loopback)
{
  GstIceServerUri *server = stun_uri (coturn->port);
  GstIceNatBehaviour *b;
  GError *err = NULL;

  b = gst_ice_nat_behaviour_discover (server, NULL, 0, 1000, NULL, &err);
  fail_unless (b != NULL, "%s", err ? err->message : "");
  fail_unless_equals_int (b->check->status, GST_ICE_STUN_CHECK_OK);
  fail_unless (b->rfc5780);
  fail_unless_equals_int (b->mapping, GST_ICE_NAT_MAPPING_NONE);
  fail_unless_equals_int (b->filtering,
      GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT);
  fail_unless_equals_int (b->notes->len, 0);
  fail_unless (gst_ice_stun_address_equal (b->local, b->mapped));
  gst_ice_nat_behaviour_free (b);

  /* the RFC 3489 server can tell this host's address, nothing more */
  gst_ice_server_uri_free (server);
  server = stun_uri (legacy_port);
  b = gst_ice_nat_behaviour_discover (server, NULL, 0, 1000, NULL, &err);
  fail_unless (b != NULL, "%s", err ? err->message : "");
  fail_unless_equals_int (b->check->status, GST_ICE_STUN_CHECK_PRE_RFC5389);
  fail_if (b->rfc5780);
  fail_unless_equals_int (b->mapping, GST_ICE_NAT_MAPPING_NONE);
  fail_unless_equals_int (b->filtering, GST_ICE_NAT_FILTERING_UNKNOWN);
  fail_unless_equals_int (b->notes->len, 1);
  fail_unless (strstr (g_ptr_array_index (b->notes, 0), "RFC 5780") != NULL);
  gst_ice_nat_behaviour_free (b);
  gst_ice_server_uri_free (server);
}

GST_END_TEST;

GST_START_TEST (test_behaviour_port_in_use)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GstIceServerUri *server = stun_uri (coturn->port);
  GSocket *taken;
  guint port = loopback_udp_port (&taken);
  GstIceNatBehaviour *b;
  GError *err = NULL;
  gchar *where;

  b = gst_ice_nat_behaviour_discover (server, lo, port, 1000, NULL, &err);
  fail_unless (b == NULL);
  fail_unless (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE),
      "%s", err->message);
  where = g_strdup_printf ("127.0.0.1:%u", port);
  fail_unless (strstr (err->message, where) != NULL, "%s", err->message);
  g_free (where);
  g_clear_error (&err);
  g_object_unref (taken);
  g_object_unref (lo);
  gst_ice_server_uri_free (server);
}

GST_END_TEST;

/* Starts an icesink with stun-server=stun://127.0.0.1:@port and returns
 * the first warning it posts, or NULL once its STUN check reported
 * success; @message gets the check's element message. */
static gchar *
warning_at_start (guint port, GstStructure ** message)
{
  gchar *dir = test_dir_new ("stuncheck");
  gchar *stun = g_strdup_printf ("stun://127.0.0.1:%u", port);
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  GstBus *bus = gst_bus_new ();
  gchar *warning = NULL;
  GstMessage *msg;
  gint64 start;

  g_object_set (sink, "signaller-type", "directory", "local-addresses",
      "127.0.0.1", "stun-server", stun, NULL);
  gst_child_proxy_set (GST_CHILD_PROXY (sink), "signaller::directory", dir,
      NULL);
  gst_element_set_bus (sink, bus);
  start = g_get_monotonic_time ();
  gst_element_set_state (sink, GST_STATE_PAUSED);

  *message = NULL;
  while (*message == NULL) {
    msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "no STUN check result within 20 s");
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING && warning == NULL) {
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      warning = g_strdup (err->message);
      g_clear_error (&err);
    } else if (gst_message_has_name (msg, "ice-stun-check")) {
      *message = gst_structure_copy (gst_message_get_structure (msg));
      GST_INFO ("the STUN check of port %u came %" G_GINT64_FORMAT " ms "
          "after the change to PAUSED", port, (g_get_monotonic_time () -
              start) / 1000);
    }
    gst_message_unref (msg);
  }

  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  test_dir_remove (dir);
  g_free (dir);
  g_free (stun);
  return warning;
}

GST_START_TEST (test_element_warns_of_pre_rfc5389_server)
{
  GstStructure *s;
  gchar *warning, *name;
  gboolean ok = TRUE;

  warning = warning_at_start (legacy_port, &s);
  fail_unless (warning != NULL, "no warning at start");
  name = g_strdup_printf ("stun-server 'stun://127.0.0.1:%u'", legacy_port);
  fail_unless (strstr (warning, name) != NULL, "%s", warning);
  fail_unless (strstr (warning, "pre-RFC 5389") != NULL, "%s", warning);
  fail_unless (gst_structure_get_boolean (s, "ok", &ok));
  fail_if (ok);
  g_free (name);
  name = g_strdup_printf ("stun://127.0.0.1:%u", legacy_port);
  fail_unless_equals_string (gst_structure_get_string (s, "server"), name);
  g_free (name);
  g_free (warning);
  gst_structure_free (s);

  /* an RFC 5389 server: no warning, and this host's address */
  warning = warning_at_start (coturn->port, &s);
  fail_unless (warning == NULL, "%s", warning);
  fail_unless (gst_structure_get_boolean (s, "ok", &ok));
  fail_unless (ok);
  fail_unless_equals_string (gst_structure_get_string (s, "mapped-address"),
      "127.0.0.1");
  gst_structure_free (s);
}

GST_END_TEST;

/* A STUN port where nothing listens is named at start too. */
GST_START_TEST (test_element_warns_of_closed_stun_port)
{
  guint port = loopback_udp_port (NULL);
  GstStructure *s;
  gchar *warning, *where;
  gboolean ok = TRUE;

  warning = warning_at_start (port, &s);
  fail_unless (warning != NULL, "no warning at start");
  where = g_strdup_printf ("stun-server 'stun://127.0.0.1:%u': nothing "
      "listens on UDP 127.0.0.1:%u", port, port);
  fail_unless (strstr (warning, where) != NULL, "%s", warning);
  fail_unless (gst_structure_get_boolean (s, "ok", &ok));
  fail_if (ok);
  g_free (where);
  g_free (warning);
  gst_structure_free (s);
}

GST_END_TEST;

static Suite *
stuncheck_suite (void)
{
  const gchar *options[] = { "--lt-cred-mech", "--user=alice:secret",
    "--listening-ip=127.0.0.2", NULL
  };
  Suite *s = suite_create ("stuncheck");
  TCase *tc = tcase_create ("servers");

  coturn = test_coturn_start (options, NULL, NULL);
  if (coturn == NULL) {
    g_print ("SKIP: coturn (turnserver) is not installed; "
        "apt-get install coturn to run the STUN tests\n");
    return s;
  }
  if (!start_legacy_server ())
    g_error ("tests/legacy_stun_server.py did not start");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_check_coturn);
  tcase_add_test (tc, test_check_pre_rfc5389_server);
  tcase_add_test (tc, test_check_closed_port);
  tcase_add_test (tc, test_check_silent_server);
  tcase_add_test (tc, test_behaviour_on_loopback);
  tcase_add_test (tc, test_behaviour_port_in_use);
  tcase_add_test (tc, test_element_warns_of_pre_rfc5389_server);
  tcase_add_test (tc, test_element_warns_of_closed_stun_port);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = stuncheck_suite ();
  failed = gst_check_run_suite (s, "stuncheck", __FILE__);
  if (coturn == NULL)
    return 77;                  /* meson's code for a skipped test */
  stop_legacy_server ();
  test_coturn_stop (coturn);
  return failed;
}
