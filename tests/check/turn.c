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

/* icesink to icesrc through a real coturn on loopback, started here and
 * skipped with a message when coturn is not installed. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include "coturntestutil.h"
#include "icetestutil.h"

#define TIMEOUT (20 * GST_SECOND)

static TestCoturn *coturn;
static gchar *server_uri;
static TestServer *server;

static void
setup (void)
{
  server = test_server_start ();
}

static void
teardown (void)
{
  test_server_stop (server);
  g_clear_pointer (&server_uri, g_free);
}

static const gchar *
turn_uri (const gchar * query)
{
  g_free (server_uri);
  server_uri = g_strdup_printf ("turn://alice:secret@127.0.0.1:%u%s",
      coturn->port, query ? query : "");
  return server_uri;
}

/* Streams 300 packets from a producer to a consumer, both with @props,
 * and returns the consumer's selected pair message. */
static GstStructure *
stream_through (const gchar * props)
{
  gchar *producer_props = g_strdup_printf ("peer-id=cam signaller::uri=%s "
      "%s", server->uri, props);
  gchar *consumer_props = g_strdup_printf ("signaller::uri=%s %s",
      server->uri, props);
  GstElement *producer = test_producer_new (producer_props);
  GstElement *consumer = test_consumer_new (consumer_props);
  gint added = 0, removed = 0;
  GstMessage *msg;
  GstStructure *pair;

  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no connection with %s",
      props);
  test_push_numbered (producer, 0, 300, 1000);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 300, TIMEOUT,
          NULL), 300);
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-selected-pair",
      TIMEOUT);
  fail_unless (msg != NULL);
  pair = gst_structure_copy (gst_message_get_structure (msg));
  gst_message_unref (msg);
  test_assert_no_error (producer);
  test_stop (consumer);
  test_stop (producer);
  g_free (producer_props);
  g_free (consumer_props);
  return pair;
}

GST_START_TEST (test_relay_over_udp)
{
  gchar *props = g_strdup_printf ("ice-transport-policy=relay "
      "turn-servers=\"<\\\"%s\\\">\"", turn_uri (NULL));
  GstStructure *pair = stream_through (props);

  fail_unless_equals_string (gst_structure_get_string (pair,
          "local-candidate-type"), "relay");
  fail_unless_equals_string (gst_structure_get_string (pair,
          "remote-candidate-type"), "relay");
  fail_unless_equals_string (gst_structure_get_string (pair, "transport"),
      "udp");
  gst_structure_free (pair);
  g_free (props);
}

GST_END_TEST;

GST_START_TEST (test_relay_over_tcp)
{
  gchar *props = g_strdup_printf ("ice-transport-policy=relay "
      "turn-servers=\"<\\\"%s\\\">\"", turn_uri ("?transport=tcp"));
  GstStructure *pair = stream_through (props);

  fail_unless_equals_string (gst_structure_get_string (pair,
          "local-candidate-type"), "relay");
  gst_structure_free (pair);
  g_free (props);
}

GST_END_TEST;

GST_START_TEST (test_turn_with_default_policy_prefers_host)
{
  gchar *props = g_strdup_printf ("turn-servers=\"<\\\"%s\\\">\"",
      turn_uri (NULL));
  GstStructure *pair = stream_through (props);

  fail_unless_equals_string (gst_structure_get_string (pair,
          "local-candidate-type"), "host");
  gst_structure_free (pair);
  g_free (props);
}

GST_END_TEST;

/* libnice says nothing when a TURN server refuses the credentials: the
 * element asks the server itself at start, and with relay only, where
 * nothing can connect, fails at once naming the server and the 401. */
GST_START_TEST (test_wrong_turn_password_fails_clearly)
{
  gchar *uri = g_strdup_printf ("turn://alice:wrong@127.0.0.1:%u",
      coturn->port);
  gchar *shown = g_strdup_printf ("turn://alice:***@127.0.0.1:%u",
      coturn->port);
  gchar *producer_props = g_strdup_printf ("peer-id=cam signaller::uri=%s "
      "ice-transport-policy=relay turn-servers=\"<\\\"%s\\\">\"", server->uri,
      uri);
  GstElement *producer = test_producer_new (producer_props);
  GstElement *consumer = test_consumer_new (producer_props +
      strlen ("peer-id=cam "));
  GstMessage *msg;
  gint64 start;
  gchar *text;

  start = g_get_monotonic_time ();
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  /* well before the 20 s after which a session without a pair fails */
  msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL, 10 * GST_SECOND);
  fail_unless (msg != NULL, "no error with a wrong TURN password");
  GST_INFO ("the error came %" G_GINT64_FORMAT " ms after PLAYING",
      (g_get_monotonic_time () - start) / 1000);
  text = test_message_text (msg);
  fail_unless (strstr (text, "refused the credentials (401") != NULL, "%s",
      text);
  fail_unless (strstr (text, shown) != NULL, "%s", text);
  fail_unless (strstr (text, "wrong") == NULL, "password shown: %s", text);
  g_free (text);
  gst_message_unref (msg);
  test_stop (consumer);
  test_stop (producer);
  g_free (producer_props);
  g_free (shown);
  g_free (uri);
}

GST_END_TEST;

/* With every candidate type allowed, a TURN server that refuses the
 * credentials is a warning: the direct path still carries the stream. */
GST_START_TEST (test_wrong_turn_password_warns_when_direct_works)
{
  gchar *props = g_strdup_printf ("turn-servers=\"<\\\"turn://alice:wrong@"
      "127.0.0.1:%u\\\">\"", coturn->port);
  gchar *probe_props = g_strdup_printf ("signaller::uri=%s %s", server->uri,
      props);
  GstElement *probe = test_consumer_new (probe_props);
  GstStructure *pair;
  GstMessage *msg;
  gchar *text;

  /* the warning, from a consumer of its own */
  gst_element_set_state (probe, GST_STATE_PLAYING);
  msg = test_wait_message (probe, GST_MESSAGE_WARNING, NULL, 10 * GST_SECOND);
  fail_unless (msg != NULL, "no warning with a wrong TURN password");
  text = test_message_text (msg);
  fail_unless (strstr (text, "refused the credentials (401") != NULL, "%s",
      text);
  g_free (text);
  gst_message_unref (msg);
  test_assert_no_error (probe);
  test_stop (probe);

  pair = stream_through (props);
  fail_unless_equals_string (gst_structure_get_string (pair,
          "local-candidate-type"), "host");
  gst_structure_free (pair);
  g_free (probe_props);
  g_free (props);
}

GST_END_TEST;

static Suite *
turn_suite (void)
{
  const gchar *options[] = { "--lt-cred-mech", "--user=alice:secret", NULL };
  Suite *s = suite_create ("turn");
  TCase *tc = tcase_create ("coturn");

  coturn = test_coturn_start (options, NULL, NULL);
  if (coturn == NULL) {
    g_print ("SKIP: coturn (turnserver) is not installed; "
        "apt-get install coturn to run the TURN tests\n");
    return s;
  }
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_relay_over_udp);
  tcase_add_test (tc, test_relay_over_tcp);
  tcase_add_test (tc, test_turn_with_default_policy_prefers_host);
  tcase_add_test (tc, test_wrong_turn_password_fails_clearly);
  tcase_add_test (tc, test_wrong_turn_password_warns_when_direct_works);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = turn_suite ();
  failed = gst_check_run_suite (s, "turn", __FILE__);
  if (coturn == NULL)
    return 77;                  /* meson's code for a skipped test */
  test_coturn_stop (coturn);
  return failed;
}
