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

/* End to end on loopback: icesink and icesrc pipelines in one process,
 * a real signalling server, real sockets. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "icetestutil.h"
#include "relaysignaller.h"

#define TIMEOUT (20 * GST_SECOND)
#define N_BUFFERS 300

static gchar *
consumer_props (TestServer * server, const gchar * extra)
{
  return g_strdup_printf ("signaller::uri=%s %s", server->uri,
      extra ? extra : "");
}

static GstElement *
start_producer (TestServer * server, const gchar * extra, gint * added,
    gint * removed)
{
  gchar *props = g_strdup_printf ("peer-id=cam signaller::uri=%s %s",
      server->uri, extra ? extra : "");
  GstElement *producer = test_producer_new (props);

  g_free (props);
  if (added)
    test_count_peers (producer, added, removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return producer;
}

static GstElement *
start_consumer (TestServer * server, const gchar * extra)
{
  gchar *props = consumer_props (server, extra);
  GstElement *consumer = test_consumer_new (props);

  g_free (props);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return consumer;
}

GST_START_TEST (test_stream_arrives_complete)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server, NULL);
  GstCaps *caps = NULL, *expected = gst_caps_from_string (TEST_CAPS);
  GstMessage *msg;
  const GstStructure *s;
  GstStructure *stats, *session;
  const GValue *v;

  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no consumer joined");
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          &caps), N_BUFFERS);

  /* the caps came through the signalling, nobody typed them */
  fail_unless (caps != NULL);
  fail_unless (gst_caps_is_equal (caps, expected), "got caps %"
      GST_PTR_FORMAT, caps);

  /* what a user watching the bus sees */
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-selected-pair",
      TIMEOUT);
  fail_unless (msg != NULL, "no ice-selected-pair message");
  s = gst_message_get_structure (msg);
  fail_unless_equals_string (gst_structure_get_string (s,
          "local-candidate-type"), "host");
  fail_unless_equals_string (gst_structure_get_string (s,
          "remote-candidate-type"), "host");
  fail_unless_equals_string (gst_structure_get_string (s, "local-address"),
      "127.0.0.1");
  fail_unless_equals_string (gst_structure_get_string (s, "peer-id"), "cam");
  gst_message_unref (msg);

  /* the producer's stats count what it sent to this one consumer */
  g_object_get (test_get (producer, "sink"), "stats", &stats, NULL);
  fail_unless_equals_int (gst_structure_n_fields (stats), 1);
  v = gst_structure_get_value (stats, gst_structure_nth_field_name (stats, 0));
  session = g_value_get_boxed (v);
  {
    guint64 packets = 0;

    fail_unless (gst_structure_get_uint64 (session, "packets-sent", &packets));
    fail_unless_equals_uint64 (packets, N_BUFFERS);
    fail_unless_equals_string (gst_structure_get_string (session,
            "local-candidate-type"), "host");
  }
  gst_structure_free (stats);

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

/* The status page's data, /status.json, as a user's browser would fetch
 * it: %NULL until both sides of one session reported a ready host pair
 * and bytes. */
static JsonObject *
fetch_reported_session (SoupSession * session, const gchar * url)
{
  SoupMessage *msg = soup_message_new ("GET", url);
  GBytes *body = soup_session_send_and_read (session, msg, NULL, NULL);
  JsonParser *parser = json_parser_new ();
  JsonObject *found = NULL, *root, *s, *producer, *consumer;
  JsonArray *sessions;

  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
          g_bytes_get_size (body), NULL))
    goto done;
  root = json_node_get_object (json_parser_get_root (parser));
  sessions = json_object_get_array_member (root, "sessions");
  if (json_array_get_length (sessions) != 1)
    goto done;
  s = json_array_get_object_element (sessions, 0);
  if (!json_object_has_member (s, "producerReport") ||
      !json_object_has_member (s, "consumerReport"))
    goto done;
  producer = json_object_get_object_member (s, "producerReport");
  consumer = json_object_get_object_member (s, "consumerReport");
  if (json_object_get_int_member_with_default (producer, "bytesSent", 0) > 0
      && json_object_get_int_member_with_default (consumer, "bytesReceived",
          0) > 0)
    found = json_object_ref (s);

done:
  g_clear_pointer (&body, g_bytes_unref);
  g_object_unref (parser);
  g_object_unref (msg);
  return found;
}

/* With a server that shows a status page, both elements report each
 * session's stats through the signalling: the page gets the state, the
 * pair and the traffic of each side. */
GST_START_TEST (test_stats_reach_status_page)
{
  TestServer *server = test_server_start_with ("status-page", TRUE, NULL);
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server, NULL);
  SoupSession *session = soup_session_new ();
  gchar *url = g_strdup_printf ("http://127.0.0.1:%u/status.json",
      server->port);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  JsonObject *reported = NULL, *side;
  const gchar *sides[] = { "producerReport", "consumerReport" };
  guint i;

  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no consumer joined");
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          NULL), N_BUFFERS);

  /* the elements report every 2 s */
  while (reported == NULL && g_get_monotonic_time () < deadline) {
    reported = fetch_reported_session (session, url);
    if (reported == NULL)
      g_usleep (100 * 1000);
  }
  fail_unless (reported != NULL, "%s shows no session with the traffic of "
      "both sides", url);
  fail_unless_equals_string (json_object_get_string_member (reported,
          "producer"), "cam");
  for (i = 0; i < G_N_ELEMENTS (sides); i++) {
    side = json_object_get_object_member (reported, sides[i]);
    fail_unless_equals_string (json_object_get_string_member (side,
            "state"), "ready");
    fail_unless_equals_string (json_object_get_string_member (side,
            "localCandidateType"), "host");
    fail_unless_equals_string (json_object_get_string_member (side,
            "remoteCandidateType"), "host");
    fail_unless_equals_string (json_object_get_string_member (side,
            "transport"), "udp");
  }
  json_object_unref (reported);

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  g_free (url);
  g_object_unref (session);
  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

GST_START_TEST (test_three_consumers)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumers[3];
  guint i;

  for (i = 0; i < 3; i++)
    consumers[i] = start_consumer (server, NULL);
  fail_unless (test_wait_count (&added, 3, TIMEOUT), "only %d consumers "
      "joined", added);
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  for (i = 0; i < 3; i++) {
    fail_unless_equals_int (test_pull_numbered (consumers[i], 0, N_BUFFERS,
            TIMEOUT, NULL), N_BUFFERS);
    test_assert_no_error (consumers[i]);
  }
  for (i = 0; i < 3; i++)
    test_stop (consumers[i]);
  fail_unless (test_wait_count (&removed, 3, TIMEOUT), "only %d consumers "
      "left", removed);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

GST_START_TEST (test_consumer_leaves_and_rejoins)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *stays = start_consumer (server, NULL);
  GstElement *leaves = start_consumer (server, NULL);

  fail_unless (test_wait_count (&added, 2, TIMEOUT));
  test_push_numbered (producer, 0, 100, 500);
  fail_unless_equals_int (test_pull_numbered (leaves, 0, 100, TIMEOUT, NULL),
      100);

  /* one consumer goes; the other keeps receiving */
  test_stop (leaves);
  fail_unless (test_wait_count (&removed, 1, TIMEOUT), "peer-removed missing");
  test_push_numbered (producer, 100, 100, 500);
  /* all of them left the producer before the other comes back: it joins
   * within tens of ms, sooner than appsrc's queue may drain */
  fail_unless_equals_int (test_pull_numbered (stays, 0, 200, TIMEOUT, NULL),
      200);

  /* and it comes back while the producer plays */
  leaves = start_consumer (server, NULL);
  fail_unless (test_wait_count (&added, 3, TIMEOUT), "rejoin not seen");
  test_push_numbered (producer, 200, 100, 500);
  fail_unless_equals_int (test_pull_numbered (leaves, 200, 100, TIMEOUT,
          NULL), 100);
  fail_unless_equals_int (test_pull_numbered (stays, 200, 100, TIMEOUT,
          NULL), 100);

  test_assert_no_error (producer);
  test_stop (leaves);
  test_stop (stays);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

static GstPadProbeReturn
count_key_unit_requests (GstPad * pad, GstPadProbeInfo * info, gint * count)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  gboolean all_headers = FALSE;

  if (gst_video_event_is_force_key_unit (event)) {
    gst_video_event_parse_upstream_force_key_unit (event, NULL, &all_headers,
        NULL);
    /* a decoder joining late needs the parameter sets too */
    fail_unless (all_headers, "force-key-unit without all-headers");
    g_atomic_int_inc (count);
  }
  return GST_PAD_PROBE_OK;
}

/* Each consumer that joins asks upstream for a key unit, so an encoder
 * sends one and the newcomer starts decoding at once. */
GST_START_TEST (test_join_requests_key_unit)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0, requests = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *src = test_get (producer, "src");
  GstPad *pad = gst_element_get_static_pad (src, "src");
  GstElement *early, *late;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      (GstPadProbeCallback) count_key_unit_requests, &requests, NULL);
  gst_object_unref (pad);

  early = start_consumer (server, NULL);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  fail_unless (test_wait_count (&requests, 1, TIMEOUT),
      "no force-key-unit request when the first consumer joined");
  test_push_numbered (producer, 0, 10, 500);
  fail_unless_equals_int (test_pull_numbered (early, 0, 10, TIMEOUT, NULL), 10);

  late = start_consumer (server, NULL);
  fail_unless (test_wait_count (&added, 2, TIMEOUT));
  fail_unless (test_wait_count (&requests, 2, TIMEOUT),
      "no force-key-unit request when the second consumer joined");

  test_stop (late);
  test_stop (early);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

GST_START_TEST (test_producer_leaves_and_returns)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server, "producer-peer-id=cam");
  GstMessage *msg;
  gchar *text;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  test_stop (producer);

  msg = test_wait_message (consumer, GST_MESSAGE_WARNING, NULL, TIMEOUT);
  fail_unless (msg != NULL, "no warning when the producer left");
  text = test_message_text (msg);
  fail_unless (strstr (text, "producer 'cam' left") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);

  /* same consumer pipeline, never restarted */
  added = 0;
  producer = start_producer (server, NULL, &added, &removed);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "consumer did not "
      "come back to the new producer");
  test_push_numbered (producer, 50, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 50, TIMEOUT,
          NULL), 50);

  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

GST_START_TEST (test_eos_on_producer_leave)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server, "eos-on-producer-leave=true");
  GstMessage *msg;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 10, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 10, TIMEOUT,
          NULL), 10);
  test_stop (producer);
  msg = test_wait_message (consumer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "no EOS after the producer left");
  gst_message_unref (msg);
  test_stop (consumer);
  test_server_stop (server);
}

GST_END_TEST;

GST_START_TEST (test_embedded_server)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  guint port;
  gchar *props;

  producer = test_producer_new ("run-signalling-server=true "
      "signalling-server-host=127.0.0.1 signalling-server-port=0");
  test_count_peers (producer, &added, &removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (test_get (producer, "sink"), "signalling-server-port", &port,
      NULL);
  fail_unless (port != 0);

  props = g_strdup_printf ("signaller::uri=ws://127.0.0.1:%u", port);
  consumer = test_consumer_new (props);
  g_free (props);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          NULL), N_BUFFERS);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* The README demo: the sender runs the server.  When the sender stops and
 * starts again, the receiver warns, reconnects to the new server and
 * receives again, without an error or a restart. */
GST_START_TEST (test_embedded_server_sender_restarts)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  GstMessage *msg;
  guint port;
  gchar *props, *text;

  producer = test_producer_new ("run-signalling-server=true "
      "signalling-server-host=127.0.0.1 signalling-server-port=0");
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (test_get (producer, "sink"), "signalling-server-port", &port,
      NULL);
  props = g_strdup_printf ("signaller::uri=ws://127.0.0.1:%u", port);
  consumer = test_consumer_new (props);
  g_free (props);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  test_stop (producer);

  msg = test_wait_message (consumer, GST_MESSAGE_WARNING | GST_MESSAGE_ERROR,
      NULL, TIMEOUT);
  fail_unless (msg != NULL, "no warning when the sender stopped");
  text = test_message_text (msg);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING, "%s", text);
  fail_unless (strstr (text, "left") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);

  props = g_strdup_printf ("run-signalling-server=true "
      "signalling-server-host=127.0.0.1 signalling-server-port=%u", port);
  producer = test_producer_new (props);
  g_free (props);
  test_count_peers (producer, &added, &removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "the receiver did not "
      "come back to the restarted sender");
  test_push_numbered (producer, 50, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 50, TIMEOUT,
          NULL), 50);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

GST_START_TEST (test_directory_signaller)
{
  gchar *dir = g_dir_make_tmp ("gst-ice-XXXXXX", NULL);
  gchar *props = g_strdup_printf ("signaller-type=directory "
      "signaller::directory=%s", dir);
  GstElement *producer = test_producer_new (props);
  GstElement *consumer = test_consumer_new (props);
  gint added = 0, removed = 0;
  GstCaps *caps = NULL;
  gchar *rm;

  test_count_peers (producer, &added, &removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          &caps), N_BUFFERS);
  fail_unless (caps != NULL);
  gst_caps_unref (caps);
  test_stop (consumer);
  test_stop (producer);

  rm = g_strdup_printf ("rm -rf '%s'", dir);
  fail_unless (system (rm) == 0);
  g_free (rm);
  g_free (props);
  g_free (dir);
}

GST_END_TEST;

static gint64
time_to_null (GstElement * pipeline)
{
  gint64 start = g_get_monotonic_time ();

  test_stop (pipeline);
  return (g_get_monotonic_time () - start) / 1000;
}

GST_START_TEST (test_stop_is_quick_while_streaming)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server, NULL);
  gint64 ms;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 10, 0);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 10, TIMEOUT,
          NULL), 10);
  ms = time_to_null (consumer);
  fail_unless (ms < 2000, "icesrc took %" G_GINT64_FORMAT " ms to stop", ms);
  ms = time_to_null (producer);
  fail_unless (ms < 2000, "icesink took %" G_GINT64_FORMAT " ms to stop", ms);
  test_server_stop (server);
}

GST_END_TEST;

/* A non-live sender paused and played again before anyone watches: PAUSED
 * completes (icesink prerolls on the buffer it holds instead of dropping
 * it), and once a consumer joins the stream flows. */
GST_START_TEST (test_pause_before_first_consumer)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  GError *err = NULL;
  guint received = 0;

  test_relay_init ();
  /* one RTP packet per frame: nothing else comes to preroll on */
  producer = gst_parse_launch ("videotestsrc is-live=false ! "
      "video/x-raw,width=16,height=8,framerate=30/1 ! rtpvrawpay ! "
      "icesink name=sink peer-id=cam local-addresses=127.0.0.1 "
      "signaller-type=TestRelaySignaller", &err);
  fail_unless (producer != NULL, "%s", err ? err->message : "?");
  test_count_peers (producer, &added, &removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (producer, NULL, NULL,
          5 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);

  /* icesink holds the first buffer, waiting for a consumer.  Nothing
   * says when render() has started to wait (the source, payloader and
   * sink share one streaming thread, and no message is posted), so give
   * it a moment: a pause before it waits would not show the fault. */
  g_usleep (G_USEC_PER_SEC / 5);
  gst_element_set_state (producer, GST_STATE_PAUSED);
  fail_unless_equals_int (gst_element_get_state (producer, NULL, NULL,
          5 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  fail_unless_equals_int (gst_element_get_state (producer, NULL, NULL,
          5 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);

  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  while (received < 30) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (test_get
            (consumer, "sink")), 5 * GST_SECOND);

    fail_unless (sample != NULL, "only %u packets after the consumer joined",
        received);
    gst_sample_unref (sample);
    received++;
  }

  test_assert_no_error (producer);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* Raw video over RTP carries its size only in the caps: when the sender
 * switches resolution with a consumer connected, the new caps reach it
 * and frames of both sizes come out of its depayloader. */
GST_START_TEST (test_caps_change_reaches_consumer)
{
  GstElement *producer, *consumer, *filter;
  gint added = 0, removed = 0;
  gboolean small = FALSE, large = FALSE;
  GError *err = NULL;
  GstCaps *caps;
  gint64 deadline;

  test_relay_init ();
  producer = gst_parse_launch ("videotestsrc is-live=true ! capsfilter "
      "name=filter caps=video/x-raw,format=I420,width=32,height=24,"
      "framerate=30/1 ! rtpvrawpay ! icesink name=sink peer-id=cam "
      "local-addresses=127.0.0.1 signaller-type=TestRelaySignaller", &err);
  fail_unless (producer != NULL, "%s", err ? err->message : "?");
  test_count_peers (producer, &added, &removed);
  consumer = gst_parse_launch ("icesrc local-addresses=127.0.0.1 "
      "signaller-type=TestRelaySignaller ! rtpvrawdepay ! appsink name=sink "
      "sync=false max-buffers=1000", &err);
  fail_unless (consumer != NULL, "%s", err ? err->message : "?");
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));

  filter = test_get (producer, "filter");
  deadline = g_get_monotonic_time () + TIMEOUT / GST_USECOND;
  while (!(small && large) && g_get_monotonic_time () < deadline) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (test_get
            (consumer, "sink")), GST_SECOND);
    GstStructure *s;
    gint width = 0;

    if (sample == NULL)
      continue;
    s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
    gst_structure_get_int (s, "width", &width);
    if (width == 32 && !small) {
      small = TRUE;
      /* the sender switches while the consumer watches */
      caps = gst_caps_from_string ("video/x-raw,format=I420,width=48,"
          "height=32,framerate=30/1");
      g_object_set (filter, "caps", caps, NULL);
      gst_caps_unref (caps);
    } else if (width == 48) {
      large = TRUE;
    }
    gst_sample_unref (sample);
  }
  fail_unless (small, "no frame of the first size arrived");
  fail_unless (large, "no frame of the new size arrived");

  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* downstream of icesrc stalls once for 300 ms, as a busy decoder would */
static GstPadProbeReturn
stall_once (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  guint seq = 0;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    seq = map.size >= 4 ? GST_READ_UINT32_BE (map.data) : 0;
    gst_buffer_unmap (buffer, &map);
  }
  if (seq == 10)
    g_usleep (300 * 1000);
  return GST_PAD_PROBE_OK;
}

static int
compare_times (gconstpointer a, gconstpointer b)
{
  GstClockTimeDiff x = *(const GstClockTimeDiff *) a;
  GstClockTimeDiff y = *(const GstClockTimeDiff *) b;

  return x < y ? -1 : x > y;
}


/* buffer-size sets the receive buffer of the socket the stream arrives on,
 * as udpsrc's does: the selected pair's socket reports it (Linux doubles
 * what is asked, for its bookkeeping), and the stream flows through it. */
GST_START_TEST (test_buffer_size_on_selected_socket)
{
  TestServer *server = test_server_start ();
  gint added = 0, removed = 0;
  GstElement *producer = start_producer (server, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server, "buffer-size=1048576");
  GstMessage *msg;
  guint size = 0;

  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no consumer joined");
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          NULL), N_BUFFERS);

  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-selected-pair",
      TIMEOUT);
  fail_unless (msg != NULL, "no ice-selected-pair message");
  fail_unless (gst_structure_get_uint (gst_message_get_structure (msg),
          "receive-buffer-size", &size), "no receive-buffer-size in %"
      GST_PTR_FORMAT, gst_message_get_structure (msg));
  fail_unless (size >= 1048576, "receive buffer of %u bytes", size);
  gst_message_unref (msg);

  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

/* icesrc stamps a packet when it arrives: packets sent 10 ms apart keep
 * that spacing even when they waited in icesrc while downstream was
 * busy, instead of all getting the time they were taken out. */
GST_START_TEST (test_timestamps_at_arrival)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  GstClockTimeDiff gaps[20];
  GstClockTime last = GST_CLOCK_TIME_NONE;
  GstPad *pad;
  guint i;

  test_relay_init ();
  producer = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  test_count_peers (producer, &added, &removed);
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  pad = gst_element_get_static_pad (test_get (consumer, "src"), "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, stall_once, NULL, NULL);
  gst_object_unref (pad);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));

  test_push_numbered (producer, 0, 40, 10 * 1000);
  for (i = 0; i < 40; i++) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (test_get
            (consumer, "sink")), TIMEOUT);
    GstClockTime pts;

    fail_unless (sample != NULL, "only %u buffers arrived", i);
    pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
    fail_unless (GST_CLOCK_TIME_IS_VALID (pts));
    /* buffers 11 to 30 arrived while downstream was stalled */
    if (i >= 11 && i <= 30)
      gaps[i - 11] = GST_CLOCK_DIFF (last, pts);
    last = pts;
    gst_sample_unref (sample);
  }
  qsort (gaps, G_N_ELEMENTS (gaps), sizeof (gaps[0]), compare_times);
  fail_unless (gaps[G_N_ELEMENTS (gaps) / 2] >= 7 * GST_MSECOND,
      "median spacing %" GST_STIME_FORMAT " of packets sent 10 ms apart",
      GST_STIME_ARGS (gaps[G_N_ELEMENTS (gaps) / 2]));

  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* Downstream of icesrc stalls on its first buffer until released, and
 * counts what icesrc pushes after it. */
typedef struct
{
  gint stalled;
  gint release;
  gint lists;
  gint largest_list;
} Stall;

static GstPadProbeReturn
stall_first (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Stall *stall = user_data;
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    gint n = gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

    g_atomic_int_inc (&stall->lists);
    if (n > g_atomic_int_get (&stall->largest_list))
      g_atomic_int_set (&stall->largest_list, n);
    return GST_PAD_PROBE_OK;
  }
  if (g_atomic_int_get (&stall->stalled))
    return GST_PAD_PROBE_OK;
  g_atomic_int_set (&stall->stalled, TRUE);
  while (!g_atomic_int_get (&stall->release) &&
      g_get_monotonic_time () < deadline)
    g_usleep (1000);
  return GST_PAD_PROBE_OK;
}

/* Packets that arrived while downstream was busy leave icesrc together, as
 * one buffer list (one push for all of them), complete, in order, each
 * stamped with its own arrival time. */
GST_START_TEST (test_waiting_packets_leave_as_one_list)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  Stall stall = { 0 };
  GstClockTime first_pts = 0, last = 0;
  GstPad *pad;
  guint i;

  test_relay_init ();
  producer = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  test_count_peers (producer, &added, &removed);
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  pad = gst_element_get_static_pad (test_get (consumer, "src"), "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, stall_first, &stall, NULL);
  gst_object_unref (pad);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));

  /* packet 0 stalls downstream; 1 to 50 wait in icesrc */
  test_push_numbered (producer, 0, 1, 0);
  fail_unless (test_wait_count (&stall.stalled, 1, TIMEOUT));
  test_push_numbered (producer, 1, 50, 1000);
  g_usleep (100 * 1000);
  g_atomic_int_set (&stall.release, TRUE);

  for (i = 0; i < 51; i++) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (test_get
            (consumer, "sink")), TIMEOUT);
    GstBuffer *buffer;
    guint32 seq = G_MAXUINT32;

    fail_unless (sample != NULL, "only %u of 51 packets arrived", i);
    buffer = gst_sample_get_buffer (sample);
    gst_buffer_extract (buffer, 0, &seq, 4);
    fail_unless_equals_int (GUINT32_FROM_BE (seq), i);
    /* each its arrival time, 1 ms apart: not all the time of the push */
    fail_unless (GST_BUFFER_PTS_IS_VALID (buffer));
    fail_unless (GST_BUFFER_PTS (buffer) >= last);
    last = GST_BUFFER_PTS (buffer);
    if (i == 1)
      first_pts = last;
    gst_sample_unref (sample);
  }
  fail_unless (last - first_pts >= 30 * GST_MSECOND, "packets 1 to 50, sent "
      "over 50 ms, stamped %" GST_TIME_FORMAT " apart",
      GST_TIME_ARGS (last - first_pts));
  fail_unless (g_atomic_int_get (&stall.largest_list) >= 40,
      "the 50 waiting packets left icesrc in %d lists, the largest of %d",
      g_atomic_int_get (&stall.lists), g_atomic_int_get (&stall.largest_list));

  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* Buffer lists (an RTP payloader's frame) reach every consumer complete,
 * in order and byte for byte, each buffer of two memories one packet;
 * the producer counts each buffer sent to each consumer once. */
static void
check_lists_reach_consumers (const gchar * extra, guint per_list)
{
  GstElement *producer, *consumers[2];
  gchar *props;
  gint added = 0, removed = 0;
  GstStructure *stats;
  guint i;

  test_relay_init ();
  props = g_strdup_printf ("peer-id=cam signaller-type=TestRelaySignaller %s",
      extra);
  producer = test_producer_new (props);
  g_free (props);
  test_count_peers (producer, &added, &removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  props = g_strdup_printf ("signaller-type=TestRelaySignaller %s", extra);
  for (i = 0; i < G_N_ELEMENTS (consumers); i++) {
    consumers[i] = test_consumer_new (props);
    fail_unless (gst_element_set_state (consumers[i], GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
  }
  g_free (props);
  fail_unless (test_wait_count (&added, 2, TIMEOUT), "consumers missing");

  /* lists of @per_list at 2000 packets/s: a list of 10 every 5 ms */
  test_push_numbered_lists (producer, 0, N_BUFFERS, per_list, per_list * 500);
  for (i = 0; i < G_N_ELEMENTS (consumers); i++)
    fail_unless_equals_int (test_pull_numbered (consumers[i], 0, N_BUFFERS,
            TIMEOUT, NULL), N_BUFFERS);

  g_object_get (test_get (producer, "sink"), "stats", &stats, NULL);
  fail_unless_equals_int (gst_structure_n_fields (stats), 2);
  for (i = 0; i < 2; i++) {
    const GValue *v = gst_structure_get_value (stats,
        gst_structure_nth_field_name (stats, i));
    guint64 packets = 0, dropped = 1;

    fail_unless (gst_structure_get_uint64 (g_value_get_boxed (v),
            "packets-sent", &packets));
    fail_unless (gst_structure_get_uint64 (g_value_get_boxed (v),
            "packets-dropped", &dropped));
    fail_unless_equals_uint64 (packets, N_BUFFERS);
    fail_unless_equals_uint64 (dropped, 0);
  }
  gst_structure_free (stats);

  test_assert_no_error (producer);
  for (i = 0; i < G_N_ELEMENTS (consumers); i++) {
    test_assert_no_error (consumers[i]);
    test_stop (consumers[i]);
  }
  test_stop (producer);
}

GST_START_TEST (test_buffer_lists_reach_consumers)
{
  check_lists_reach_consumers ("encryption=false", 10);
}

GST_END_TEST;

/* Lists longer than the sessions' send batches (16 packets to a libnice
 * call): two full batches and a part of one, in order, none dropped. */
GST_START_TEST (test_long_buffer_lists_reach_consumers)
{
  check_lists_reach_consumers ("encryption=false", 37);
}

GST_END_TEST;

GST_START_TEST (test_buffer_lists_reach_consumers_encrypted)
{
  check_lists_reach_consumers ("", 10);
}

GST_END_TEST;

typedef struct
{
  GstElement *pipeline;
  gint stopped;
} StopOnRemoved;

static void
stop_on_removed (GstElement * sink, const gchar * peer_id, StopOnRemoved * data)
{
  gst_element_set_state (data->pipeline, GST_STATE_NULL);
  g_atomic_int_set (&data->stopped, 1);
}

/* An application stops the sender when its last viewer leaves, from the
 * peer-removed handler: that must not deadlock (the signal used to come
 * from the transport thread, which stopping joins). */
GST_START_TEST (test_stop_from_peer_removed)
{
  StopOnRemoved data = { NULL, 0 };
  GstElement *consumer;
  gint added = 0, removed = 0;

  test_relay_init ();
  data.pipeline = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  test_count_peers (data.pipeline, &added, &removed);
  g_signal_connect (test_get (data.pipeline, "sink"), "peer-removed",
      G_CALLBACK (stop_on_removed), &data);
  fail_unless (gst_element_set_state (data.pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));

  test_stop (consumer);
  fail_unless (test_wait_count (&data.stopped, 1, 10 * GST_SECOND),
      "stopping the pipeline from peer-removed did not return");
  gst_object_unref (data.pipeline);
}

GST_END_TEST;

/* An ICE restart mid-stream (as a network change starts one): both sides
 * take part, the same session resumes with new credentials, its DTLS
 * association is kept (no second handshake), the producer does not see
 * its viewer leave, and the stream goes on. */
GST_START_TEST (test_ice_restart_keeps_session)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  GstMessage *msg;
  const GstStructure *s;
  gchar *session_id;

  test_relay_init ();
  producer = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  test_count_peers (producer, &added, &removed);
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT,
      "ice-dtls-state-changed", TIMEOUT);
  fail_unless (msg != NULL);
  session_id = g_strdup (gst_structure_get_string (gst_message_get_structure
          (msg), "session-id"));
  gst_message_unref (msg);

  g_signal_emit_by_name (test_get (consumer, "src"), "restart-ice");
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-restart",
      TIMEOUT);
  fail_unless (msg != NULL, "no ice-restart message");
  s = gst_message_get_structure (msg);
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "requested");
  fail_unless_equals_string (gst_structure_get_string (s, "session-id"),
      session_id);
  gst_message_unref (msg);
  /* the producer restarted its side when it saw new credentials */
  msg = test_wait_message (producer, GST_MESSAGE_ELEMENT, "ice-restart",
      TIMEOUT);
  fail_unless (msg != NULL, "the producer did not take part");
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (msg), "reason"), "peer-restarted");
  gst_message_unref (msg);
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-restart-done",
      TIMEOUT);
  fail_unless (msg != NULL, "the restart never completed");
  gst_message_unref (msg);
  /* each side completes on its own; what the producer sends before its
   * side completes has no path yet */
  msg = test_wait_message (producer, GST_MESSAGE_ELEMENT, "ice-restart-done",
      TIMEOUT);
  fail_unless (msg != NULL, "the producer's restart never completed");
  gst_message_unref (msg);

  /* no new handshake: nothing more about DTLS on the consumer's bus */
  msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (consumer), GST_MESSAGE_ELEMENT);
  while (msg != NULL) {
    fail_if (gst_message_has_name (msg, "ice-dtls-state-changed"),
        "a DTLS state changed after the restart");
    gst_message_unref (msg);
    msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (consumer),
        GST_MESSAGE_ELEMENT);
  }

  test_push_numbered (producer, 50, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 50, TIMEOUT,
          NULL), 50);
  fail_unless_equals_int (g_atomic_int_get (&removed), 0);
  fail_unless_equals_int (g_atomic_int_get (&added), 1);

  test_assert_no_error (consumer);
  g_free (session_id);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

static Suite *
streaming_suite (void)
{
  Suite *s = suite_create ("streaming");
  TCase *tc = tcase_create ("loopback");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_stream_arrives_complete);
  tcase_add_test (tc, test_three_consumers);
  tcase_add_test (tc, test_consumer_leaves_and_rejoins);
  tcase_add_test (tc, test_join_requests_key_unit);
  tcase_add_test (tc, test_producer_leaves_and_returns);
  tcase_add_test (tc, test_eos_on_producer_leave);
  tcase_add_test (tc, test_embedded_server);
  tcase_add_test (tc, test_embedded_server_sender_restarts);
  tcase_add_test (tc, test_directory_signaller);
  tcase_add_test (tc, test_stop_is_quick_while_streaming);
  tcase_add_test (tc, test_pause_before_first_consumer);
  tcase_add_test (tc, test_caps_change_reaches_consumer);
  tcase_add_test (tc, test_timestamps_at_arrival);
  tcase_add_test (tc, test_buffer_size_on_selected_socket);
  tcase_add_test (tc, test_waiting_packets_leave_as_one_list);
  tcase_add_test (tc, test_buffer_lists_reach_consumers);
  tcase_add_test (tc, test_long_buffer_lists_reach_consumers);
  tcase_add_test (tc, test_buffer_lists_reach_consumers_encrypted);
  tcase_add_test (tc, test_stop_from_peer_removed);
  tcase_add_test (tc, test_ice_restart_keeps_session);
  tcase_add_test (tc, test_stats_reach_status_page);
  return s;
}

GST_CHECK_MAIN (streaming);
