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

/* icesink on its own: properties, the signaller child, bad settings and
 * bad buffers, as a gst-launch user meets them. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

/* Sets the element to READY and returns the error text it posted. */
static gchar *
ready_error (GstElement * element)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  gst_element_set_bus (element, bus);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message");
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  gst_element_set_state (element, GST_STATE_NULL);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  return text;
}

GST_START_TEST (test_every_property_documented)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (sink), &n);
  for (i = 0; i < n; i++) {
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);

    fail_unless (blurb && strlen (blurb) > 10, "property %s has no blurb",
        specs[i]->name);
  }
  g_free (specs);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_signaller_child_proxy)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  GObject *signaller = NULL;
  gchar *uri = NULL;

  gst_child_proxy_set (GST_CHILD_PROXY (sink), "signaller::uri",
      "ws://192.0.2.1:1234", NULL);
  g_object_get (sink, "signaller", &signaller, NULL);
  fail_unless (signaller != NULL);
  g_object_get (signaller, "uri", &uri, NULL);
  fail_unless_equals_string (uri, "ws://192.0.2.1:1234");
  g_free (uri);
  g_object_unref (signaller);

  /* choosing another signaller by name replaces the child */
  g_object_set (sink, "signaller-type", "directory", NULL);
  gst_child_proxy_set (GST_CHILD_PROXY (sink), "signaller::directory",
      "/tmp/somewhere", NULL);
  g_object_get (sink, "signaller", &signaller, NULL);
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (signaller),
      "GstIceDirectorySignaller");
  g_object_unref (signaller);
  gst_object_unref (sink);
}

GST_END_TEST;

/* The same from a gst-launch line (GStreamer 1.22 leaks one child ref per
 * child::prop parse, so this test is not run under valgrind). */
GST_START_TEST (test_signaller_uri_from_launch_line)
{
  GstElement *pipeline, *sink;
  GObject *signaller;
  gchar *uri;

  pipeline = gst_parse_launch ("fakesrc ! icesink name=s "
      "signaller::uri=ws://192.0.2.7:8443", NULL);
  fail_unless (pipeline != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  g_object_get (sink, "signaller", &signaller, NULL);
  g_object_get (signaller, "uri", &uri, NULL);
  fail_unless_equals_string (uri, "ws://192.0.2.7:8443");
  g_free (uri);
  g_object_unref (signaller);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_bad_stun_server)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  gchar *text;

  g_object_set (sink, "stun-server", "stn://example.org", NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "stn://example.org") != NULL, "%s", text);
  g_free (text);

  g_object_set (sink, "stun-server", "turn://u:p@example.org", NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "stun-server") != NULL, "%s", text);
  g_free (text);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_bad_turn_server)
{
  GstElement *sink;
  gchar *text;

  sink = gst_parse_launch ("icesink turn-servers=\"<\\\"turn://alice:"
      "secret@example.org:99999\\\">\"", NULL);
  fail_unless (sink != NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "99999") != NULL, "%s", text);
  fail_unless (strstr (text, "secret") == NULL, "password shown: %s", text);
  g_free (text);
  gst_object_unref (sink);
}

GST_END_TEST;

/* turn-servers gives the servers back without their passwords: a
 * pipeline dump or a debugging tool that reads every property must not
 * show them. */
GST_START_TEST (test_turn_servers_getter_hides_passwords)
{
  GstElement *sink;
  GValue servers = G_VALUE_INIT;
  GString *all = g_string_new (NULL);
  guint i, n;

  sink = gst_parse_launch ("icesink turn-servers=\"<\\\"turn://alice:"
      "s3cret@turn.example.org:3478\\\", \\\"turns://bob:p%40ss%3Aword@"
      "turn.example.org\\\", \\\"tun://carol:hunter2@x\\\">\"", NULL);
  fail_unless (sink != NULL);
  g_value_init (&servers, GST_TYPE_ARRAY);
  g_object_get_property (G_OBJECT (sink), "turn-servers", &servers);
  n = gst_value_array_get_size (&servers);
  fail_unless_equals_int (n, 3);
  for (i = 0; i < n; i++) {
    const gchar *uri =
        g_value_get_string (gst_value_array_get_value (&servers, i));

    fail_unless (strstr (uri, "***") != NULL, "no mask in %s", uri);
    g_string_append_printf (all, "%s\n", uri);
  }
  /* the rest of each URI stays, so that a user sees which server it is */
  fail_unless (strstr (all->str, "turn://alice:***@turn.example.org:3478")
      != NULL, "%s", all->str);
  fail_unless (strstr (all->str, "turns://bob:***@turn.example.org") != NULL,
      "%s", all->str);
  fail_unless (strstr (all->str, "s3cret") == NULL, "%s", all->str);
  fail_unless (strstr (all->str, "p%40ss") == NULL, "%s", all->str);
  fail_unless (strstr (all->str, "word") == NULL, "%s", all->str);
  fail_unless (strstr (all->str, "hunter2") == NULL, "%s", all->str);
  g_value_unset (&servers);
  g_string_free (all, TRUE);
  gst_object_unref (sink);
}

GST_END_TEST;

/* turn://USER@host needs turn-auth-secret, and says so; the secret can be
 * set but not read */
GST_START_TEST (test_turn_user_without_password)
{
  GstElement *sink;
  GParamSpec *spec;
  gchar *text;

  sink = gst_parse_launch ("icesink turn-servers=\"<\\\"turn://alice@"
      "192.0.2.1\\\">\"", NULL);
  fail_unless (sink != NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "turn://alice@192.0.2.1") != NULL, "%s", text);
  fail_unless (strstr (text, "turn-auth-secret") != NULL, "%s", text);
  g_free (text);

  g_object_set (sink, "turn-auth-secret", "s3cret", NULL);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_state (sink, GST_STATE_NULL);

  spec = g_object_class_find_property (G_OBJECT_GET_CLASS (sink),
      "turn-auth-secret");
  fail_unless (spec != NULL);
  fail_if (spec->flags & G_PARAM_READABLE, "turn-auth-secret is readable");
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_unknown_signaller_type)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  gchar *text;

  g_object_set (sink, "signaller-type", "carrier-pigeon", NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "carrier-pigeon") != NULL, "%s", text);
  g_free (text);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_bad_local_address)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  gchar *text;

  g_object_set (sink, "local-addresses", "127.0.0.1,eth0", NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "'eth0'") != NULL, "%s", text);
  g_free (text);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_bad_signaller_uri)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  gchar *text;

  gst_child_proxy_set (GST_CHILD_PROXY (sink), "signaller::uri",
      "http://example.org", NULL);
  text = ready_error (sink);
  fail_unless (strstr (text, "http://example.org") != NULL, "%s", text);
  g_free (text);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ice-transport-policy=relay with no TURN server can never connect: both
 * elements say so when they go to READY, naming both settings, instead
 * of waiting for a consumer or producer that can never be reached. */
GST_START_TEST (test_relay_policy_without_turn_servers)
{
  const gchar *factories[] = { "icesink", "icesrc" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstElement *element = gst_element_factory_make (factories[i], NULL);
    gchar *text;

    gst_util_set_object_arg (G_OBJECT (element), "ice-transport-policy",
        "relay");
    text = ready_error (element);
    fail_unless (strstr (text, "ice-transport-policy=relay") != NULL,
        "%s: %s", factories[i], text);
    fail_unless (strstr (text, "turn-servers") != NULL, "%s: %s",
        factories[i], text);
    g_free (text);

    /* with a TURN server the same policy is fine */
    gst_util_set_object_arg (G_OBJECT (element), "turn-servers",
        "<\"turn://alice:secret@192.0.2.1:3478\">");
    fail_unless_equals_int (gst_element_set_state (element,
            GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
    gst_element_set_state (element, GST_STATE_NULL);
    gst_object_unref (element);
  }
}

GST_END_TEST;

/* An icesink harness whose settings are in place before it starts, with
 * the directory signaller (no server needed) and its bus. */
static GstHarness *
sink_harness (const gchar * dir, GstBus * bus, gboolean encryption)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  GstHarness *h;

  gst_object_ref_sink (sink);
  g_object_set (sink, "wait-for-connection", FALSE, "mtu", 1200,
      "encryption", encryption, "signaller-type", "directory",
      "local-addresses", "127.0.0.1", NULL);
  gst_child_proxy_set (GST_CHILD_PROXY (sink), "signaller::directory", dir,
      NULL);
  gst_element_set_bus (sink, bus);
  h = gst_harness_new_with_element (sink, "sink", NULL);
  gst_object_unref (sink);
  gst_harness_set_src_caps_str (h, "application/x-rtp");
  return h;
}

GST_START_TEST (test_buffer_larger_than_mtu)
{
  gchar *dir = g_dir_make_tmp ("gst-ice-XXXXXX", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  /* no consumer needed: the size is checked before anything is sent;
   * in plaintext a buffer becomes a datagram of its own size */
  h = sink_harness (dir, bus, FALSE);

  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_allocate (NULL, 1200, NULL)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_allocate (NULL, 1201, NULL)), GST_FLOW_ERROR);

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, "1201 bytes") != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "1200-byte") != NULL, "%s", err->message);
  fail_unless (strstr (debug, "mtu") != NULL, "%s", debug);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);

  gst_harness_teardown (h);
  gst_object_unref (bus);
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* Encrypting, the 37 bytes of a DTLS record count, and the error says so. */
GST_START_TEST (test_buffer_larger_than_mtu_encrypted)
{
  gchar *dir = g_dir_make_tmp ("gst-ice-XXXXXX", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  h = sink_harness (dir, bus, TRUE);

  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_allocate (NULL, 1163, NULL)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_allocate (NULL, 1164, NULL)), GST_FLOW_ERROR);

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, "1164 bytes plus its 37-byte DTLS "
          "record") != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "1200-byte") != NULL, "%s", err->message);
  fail_unless (strstr (debug, "at most 1163 bytes") != NULL, "%s", debug);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);

  gst_harness_teardown (h);
  gst_object_unref (bus);
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* A signalling server that accepts the TCP connection and never answers:
 * stopping must not wait for it. */
GST_START_TEST (test_stop_while_server_silent)
{
  GSocketListener *listener = g_socket_listener_new ();
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound = NULL;
  GstElement *pipeline;
  gchar *desc;
  gint64 start, ms;

  fail_unless (g_socket_listener_add_address (listener, addr,
          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
  desc = g_strdup_printf ("videotestsrc is-live=true ! icesink "
      "local-addresses=127.0.0.1 signaller::uri=ws://127.0.0.1:%u",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  pipeline = gst_parse_launch (desc, NULL);
  fail_unless (pipeline != NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_usleep (300 * 1000);

  start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_NULL);
  ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (ms < 2000, "stop took %" G_GINT64_FORMAT " ms", ms);

  gst_object_unref (pipeline);
  g_free (desc);
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  g_socket_listener_close (listener);
  g_object_unref (listener);
}

GST_END_TEST;

static Suite *
icesink_suite (void)
{
  Suite *s = suite_create ("icesink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_property_documented);
  tcase_add_test (tc, test_signaller_child_proxy);
  tcase_add_test (tc, test_signaller_uri_from_launch_line);
  tcase_add_test (tc, test_bad_stun_server);
  tcase_add_test (tc, test_bad_turn_server);
  tcase_add_test (tc, test_turn_servers_getter_hides_passwords);
  tcase_add_test (tc, test_turn_user_without_password);
  tcase_add_test (tc, test_unknown_signaller_type);
  tcase_add_test (tc, test_bad_local_address);
  tcase_add_test (tc, test_bad_signaller_uri);
  tcase_add_test (tc, test_relay_policy_without_turn_servers);
  tcase_add_test (tc, test_buffer_larger_than_mtu);
  tcase_add_test (tc, test_buffer_larger_than_mtu_encrypted);
  tcase_add_test (tc, test_stop_while_server_silent);
  return s;
}

GST_CHECK_MAIN (icesink);
