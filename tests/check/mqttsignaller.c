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

/* The MQTT signaller against a real mosquitto that each test starts on a
 * port of its own: icesink and icesrc streaming through it, the behaviours
 * the WebSocket signaller is tested for (many consumers, leave and rejoin,
 * producer restart, broker restart mid-stream), TLS, passwords, the ACL
 * of docs/mqtt-acl.conf, a producer that dies (its last will), and 100
 * producers with 100 consumers on one broker.  Skipped with a message
 * when mosquitto is not installed. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gst/check/gstcheck.h>
#include <gio/gio.h>
#include <gst/app/gstappsink.h>
#include <mosquitto.h>

#include <gst/ice/signalling/gsticemqttsignaller.h>

#include "dtlstestutil.h"
#include "icetestutil.h"
#include "mqtttestutil.h"
#include "testdir.h"

#define TIMEOUT (20 * GST_SECOND)

static gint added, removed;

static void
setup (void)
{
  g_atomic_int_set (&added, 0);
  g_atomic_int_set (&removed, 0);
}

static GstElement *
start_pipeline (GstElement * pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

static GstElement *
start_producer (TestBroker * broker, const gchar * peer_id, const gchar * extra)
{
  gchar *props = g_strdup_printf ("peer-id=%s signaller-type=mqtt "
      "signaller::uri=%s %s", peer_id, broker->uri, extra ? extra : "");
  GstElement *producer = test_producer_new (props);

  g_free (props);
  test_count_peers (producer, &added, &removed);
  return start_pipeline (producer);
}

static GstElement *
start_consumer (TestBroker * broker, const gchar * producer_id,
    const gchar * extra)
{
  gchar *props = g_strdup_printf ("signaller-type=mqtt signaller::uri=%s "
      "producer-peer-id=%s %s", broker->uri, producer_id,
      extra ? extra : "");
  GstElement *consumer = test_consumer_new (props);

  g_free (props);
  return start_pipeline (consumer);
}

/* The text of the first error @pipeline posts. */
static gchar *
wait_error (GstElement * pipeline)
{
  GstMessage *msg = test_wait_message (pipeline, GST_MESSAGE_ERROR, NULL,
      TIMEOUT);
  gchar *text;

  fail_unless (msg != NULL, "no error");
  text = test_message_text (msg);
  gst_message_unref (msg);
  GST_INFO ("error: %s", text);
  return text;
}

static void
stream_check (GstElement * producer, GstElement * consumer, guint seq,
    guint count)
{
  test_push_numbered (producer, seq, count, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, seq, count,
          TIMEOUT, NULL), count);
}

/* --- a signaller driven by the test itself ------------------------------ */

/* A signaller on a context the test iterates, and what it emitted. */
typedef struct
{
  GMainContext *context;
  GstIceSignaller *signaller;
  GPtrArray *seen;              /* "producer-added cam", "error TEXT", ... */
} TestPeer;

static void
on_producer_added (GstIceSignaller * s, const gchar * id, TestPeer * peer)
{
  g_ptr_array_add (peer->seen, g_strdup_printf ("producer-added %s", id));
}

static void
on_producer_removed (GstIceSignaller * s, const gchar * id, TestPeer * peer)
{
  g_ptr_array_add (peer->seen, g_strdup_printf ("producer-removed %s", id));
}

static void
on_session_started (GstIceSignaller * s, const gchar * session_id,
    const gchar * id, TestPeer * peer)
{
  g_ptr_array_add (peer->seen, g_strdup_printf ("session-started %s %s",
          id, session_id));
}

static void
on_session_requested (GstIceSignaller * s, const gchar * session_id,
    const gchar * id, TestPeer * peer)
{
  g_ptr_array_add (peer->seen, g_strdup_printf ("session-requested %s %s",
          id, session_id));
}

static void
on_session_ended (GstIceSignaller * s, const gchar * session_id,
    TestPeer * peer)
{
  g_ptr_array_add (peer->seen, g_strdup_printf ("session-ended %s",
          session_id));
}

static void
on_error (GstIceSignaller * s, GError * error, TestPeer * peer)
{
  g_ptr_array_add (peer->seen, g_strdup_printf ("error %s", error->message));
}

static TestPeer *
test_peer_start (GstIceSignallerRole role, const gchar * peer_id,
    const gchar * first_property, ...)
{
  TestPeer *peer = g_new0 (TestPeer, 1);
  va_list args;

  peer->context = g_main_context_new ();
  peer->seen = g_ptr_array_new_with_free_func (g_free);
  peer->signaller = g_object_new (GST_TYPE_ICE_MQTT_SIGNALLER, NULL);
  va_start (args, first_property);
  g_object_set_valist (G_OBJECT (peer->signaller), first_property, args);
  va_end (args);
  g_signal_connect (peer->signaller, "producer-added",
      G_CALLBACK (on_producer_added), peer);
  g_signal_connect (peer->signaller, "producer-removed",
      G_CALLBACK (on_producer_removed), peer);
  g_signal_connect (peer->signaller, "session-started",
      G_CALLBACK (on_session_started), peer);
  g_signal_connect (peer->signaller, "session-requested",
      G_CALLBACK (on_session_requested), peer);
  g_signal_connect (peer->signaller, "session-ended",
      G_CALLBACK (on_session_ended), peer);
  g_signal_connect (peer->signaller, "error", G_CALLBACK (on_error), peer);
  g_main_context_push_thread_default (peer->context);
  fail_unless (gst_ice_signaller_prepare (peer->signaller, NULL));
  gst_ice_signaller_start (peer->signaller, role, peer_id);
  g_main_context_pop_thread_default (peer->context);
  return peer;
}

static const gchar *
find_seen (TestPeer * peer, const gchar * prefix, guint from)
{
  guint i;

  for (i = from; i < peer->seen->len; i++) {
    if (g_str_has_prefix (g_ptr_array_index (peer->seen, i), prefix))
      return g_ptr_array_index (peer->seen, i);
  }
  return NULL;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs @peer's context until it emitted something that starts with
 * @prefix (from the @from'th emission on), or @timeout. */
static const gchar *
test_peer_wait (TestPeer * peer, const gchar * prefix, guint from,
    GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  GSource *tick = g_timeout_source_new (50);
  const gchar *found;

  g_source_set_callback (tick, wake_up, NULL, NULL);
  g_source_attach (tick, peer->context);
  g_main_context_push_thread_default (peer->context);
  while ((found = find_seen (peer, prefix, from)) == NULL &&
      g_get_monotonic_time () < deadline)
    g_main_context_iteration (peer->context, TRUE);
  g_main_context_pop_thread_default (peer->context);
  g_source_destroy (tick);
  g_source_unref (tick);
  return found;
}

static void
test_peer_stop (TestPeer * peer)
{
  g_main_context_push_thread_default (peer->context);
  gst_ice_signaller_stop (peer->signaller);
  g_object_unref (peer->signaller);
  while (g_main_context_iteration (peer->context, FALSE));
  g_main_context_pop_thread_default (peer->context);
  g_main_context_unref (peer->context);
  g_ptr_array_unref (peer->seen);
  g_free (peer);
}

static gboolean have_mosquitto;

/* --- settings and errors ------------------------------------------------- */

static gchar *
ready_error (const gchar * props)
{
  gchar *desc = g_strdup_printf ("icesrc signaller-type=mqtt %s ! fakesink",
      props);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  gchar *text;

  fail_unless (pipeline != NULL);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  text = wait_error (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (desc);
  return text;
}

GST_START_TEST (test_bad_settings)
{
  gchar *text;

  text = ready_error ("signaller::uri=ws://127.0.0.1:1883");
  fail_unless (strstr (text, "signaller uri 'ws://127.0.0.1:1883' is not an "
          "mqtt:// or mqtts:// URI") != NULL, "%s", text);
  g_free (text);

  text = ready_error ("signaller::uri=mqtt://cam:secret@127.0.0.1");
  fail_unless (strstr (text, "must not hold a user or password") != NULL,
      "%s", text);
  fail_unless (strstr (text, "secret") == NULL, "%s", text);
  g_free (text);

  text = ready_error ("signaller::topic-prefix=fleet/#");
  fail_unless (strstr (text, "topic-prefix 'fleet/#' cannot be used") != NULL,
      "%s", text);
  g_free (text);

  text = ready_error ("signaller::uri=mqtts://127.0.0.1 "
      "signaller::tls-ca-file=/nonexistent/ca.pem");
  fail_unless (strstr (text, "tls-ca-file '/nonexistent/ca.pem' cannot be "
          "used: it does not exist") != NULL, "%s", text);
  g_free (text);
}

GST_END_TEST;

GST_START_TEST (test_unreachable_broker)
{
  guint port = test_free_port ();
  gchar *props = g_strdup_printf ("signaller-type=mqtt "
      "signaller::uri=mqtt://127.0.0.1:%u "
      "signaller::connection-retries=1 signaller::retry-interval=100", port);
  gchar *expected = g_strdup_printf ("could not connect to MQTT broker "
      "mqtt://127.0.0.1:%u after 2 attempts: Connection refused", port);
  GstElement *consumer = test_consumer_new (props);
  gchar *text;

  start_pipeline (consumer);
  text = wait_error (consumer);
  fail_unless (strstr (text, expected) != NULL, "%s", text);
  g_free (text);

  test_stop (consumer);
  g_free (props);
  g_free (expected);
}

GST_END_TEST;

/* Something listens on the port but never answers (a firewall that drops,
 * a port where another service waits for its client to speak first): the
 * attempt ends after the CONNACK timeout with a message saying so. */
GST_START_TEST (test_silent_broker)
{
  GSocket *listener = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound;
  GstElement *consumer;
  gchar *props, *expected, *text;
  guint port;

  fail_unless (g_socket_bind (listener, any, TRUE, NULL));
  fail_unless (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  props = g_strdup_printf ("signaller-type=mqtt "
      "signaller::uri=mqtt://127.0.0.1:%u", port);
  expected = g_strdup_printf ("could not connect to MQTT broker "
      "mqtt://127.0.0.1:%u after 1 attempt: no answer (CONNACK) within 10 s",
      port);
  consumer = test_consumer_new (props);

  start_pipeline (consumer);
  text = wait_error (consumer);
  fail_unless (strstr (text, expected) != NULL, "%s", text);
  g_free (text);

  test_stop (consumer);
  g_free (props);
  g_free (expected);
  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  g_object_unref (listener);
}

GST_END_TEST;

GST_START_TEST (test_unknown_host)
{
  GstElement *consumer = test_consumer_new ("signaller-type=mqtt "
      "signaller::uri=mqtt://broker.invalid:1883");
  gchar *text;

  start_pipeline (consumer);
  text = wait_error (consumer);
  fail_unless (strstr (text, "could not connect to MQTT broker "
          "mqtt://broker.invalid:1883 after 1 attempt: cannot resolve "
          "'broker.invalid'") != NULL, "%s", text);
  g_free (text);
  test_stop (consumer);
}

GST_END_TEST;

/* --- streaming ----------------------------------------------------------- */

GST_START_TEST (test_stream)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  GstElement *producer = start_producer (broker, "cam", NULL);
  GstElement *consumer = start_consumer (broker, "cam", NULL);
  GstCaps *caps = NULL;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          &caps), 50);
  fail_unless (caps != NULL);
  gst_caps_unref (caps);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_broker_stop (broker);
}

GST_END_TEST;

GST_START_TEST (test_many_consumers)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  GstElement *producer = start_producer (broker, "cam", NULL);
  GstElement *consumers[5];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (consumers); i++)
    consumers[i] = start_consumer (broker, "cam", NULL);
  fail_unless (test_wait_count (&added, G_N_ELEMENTS (consumers), TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  for (i = 0; i < G_N_ELEMENTS (consumers); i++)
    fail_unless_equals_int (test_pull_numbered (consumers[i], 0, 50, TIMEOUT,
            NULL), 50);
  for (i = 0; i < G_N_ELEMENTS (consumers); i++) {
    test_assert_no_error (consumers[i]);
    test_stop (consumers[i]);
  }
  /* each consumer said goodbye: no waiting for ICE to notice */
  fail_unless (test_wait_count (&removed, G_N_ELEMENTS (consumers),
          5 * GST_SECOND));
  test_assert_no_error (producer);
  test_stop (producer);
  test_broker_stop (broker);
}

GST_END_TEST;

GST_START_TEST (test_leave_and_rejoin)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  GstElement *producer = start_producer (broker, "cam", NULL);
  GstElement *consumer = start_consumer (broker, "cam", NULL);
  guint round;

  for (round = 0; round < 3; round++) {
    fail_unless (test_wait_count (&added, round + 1, TIMEOUT));
    stream_check (producer, consumer, round * 100, 30);
    test_assert_no_error (consumer);
    test_stop (consumer);
    fail_unless (test_wait_count (&removed, round + 1, 5 * GST_SECOND),
        "the producer did not hear the consumer leave");
    consumer = start_consumer (broker, "cam", NULL);
  }
  test_stop (consumer);
  test_assert_no_error (producer);
  test_stop (producer);
  test_broker_stop (broker);
}

GST_END_TEST;

GST_START_TEST (test_producer_restart)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  GstElement *producer = start_producer (broker, "cam", NULL);
  GstElement *consumer = start_consumer (broker, "cam", NULL);

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  stream_check (producer, consumer, 0, 30);
  test_stop (producer);

  /* the same peer id: the consumer follows the new instance */
  producer = start_producer (broker, "cam", NULL);
  fail_unless (test_wait_count (&added, 2, TIMEOUT), "the consumer did not "
      "come back to the restarted producer");
  stream_check (producer, consumer, 100, 30);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_broker_stop (broker);
}

GST_END_TEST;

typedef struct
{
  GstElement *producer;
  guint count;
  gint stop;
} Pusher;

static gpointer
push_thread (gpointer user_data)
{
  Pusher *pusher = user_data;

  while (!g_atomic_int_get (&pusher->stop)) {
    test_push_numbered (pusher->producer, pusher->count, 1, 0);
    pusher->count++;
    g_usleep (10 * 1000);
  }
  return NULL;
}

/* Pulls what arrived until @count distinct buffers 0..@count-1 did: how
 * many did. */
static guint
pull_all (GstElement * consumer, guint count)
{
  GstElement *sink = test_get (consumer, "sink");
  gboolean *seen = g_new0 (gboolean, count);
  guint distinct = 0, twice = 0;
  GstSample *sample;

  while (distinct < count && (sample = gst_app_sink_try_pull_sample
          (GST_APP_SINK (sink), TIMEOUT)) != NULL) {
    GstMapInfo map;
    guint seq;

    gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
    seq = GST_READ_UINT32_BE (map.data);
    gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
    gst_sample_unref (sample);
    fail_unless (seq < count, "buffer %u was never sent", seq);
    if (seen[seq])
      twice++;
    else
      distinct++;
    seen[seq] = TRUE;
    GST_LOG ("buffer %u", seq);
  }
  GST_INFO ("%u of %u buffers arrived, %u twice", distinct, count, twice);
  g_free (seen);
  return distinct;
}

/* The broker crashes and comes back on its port while the stream flows:
 * not one buffer is lost, nobody leaves, and signalling works again
 * afterwards (a new consumer joins). */
GST_START_TEST (test_broker_restart_mid_stream)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  GstElement *producer = start_producer (broker, "cam", NULL);
  GstElement *consumer = start_consumer (broker, "cam", NULL);
  GstElement *late;
  Pusher pusher = { producer, 0, 0 };
  GThread *thread;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  thread = g_thread_new ("pusher", push_thread, &pusher);
  /* the consumer's appsink keeps what arrives: it is counted at the end */
  g_usleep (G_USEC_PER_SEC / 2);
  test_broker_kill (broker);
  g_usleep (G_USEC_PER_SEC);
  test_broker_restart (broker);
  g_usleep (G_USEC_PER_SEC / 2);
  g_atomic_int_set (&pusher.stop, 1);
  g_thread_join (thread);
  GST_INFO ("pushed %u buffers across the broker restart", pusher.count);
  fail_unless_equals_int (pull_all (consumer, pusher.count), pusher.count);
  fail_unless_equals_int (g_atomic_int_get (&removed), 0);

  /* the producer announced itself again: a newcomer finds it */
  late = start_consumer (broker, "cam", NULL);
  fail_unless (test_wait_count (&added, 2, 3 * TIMEOUT), "no consumer could "
      "join after the broker restarted");
  stream_check (producer, late, pusher.count, 20);
  fail_unless_equals_int (test_pull_numbered (consumer, pusher.count, 20,
          TIMEOUT, NULL), 20);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_assert_no_error (late);

  test_stop (late);
  test_stop (consumer);
  test_stop (producer);
  test_broker_stop (broker);
}

GST_END_TEST;

/* A producer process that dies without a word: the broker publishes its
 * last will, and the consumer hears it vanish.  The producer is this test
 * process forked before it started any thread (as check forks each test),
 * not a gst-launch-1.0: under the sanitizers an uninstrumented program
 * could not load the instrumented plugin. */
GST_START_TEST (test_producer_vanishes)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  TestPeer *viewer;
  pid_t pid;
  gint64 killed;

  pid = fork ();
  fail_unless (pid >= 0, "fork: %s", g_strerror (errno));
  if (pid == 0) {
    /* the producer, until SIGKILL */
    start_producer (broker, "cam", NULL);
    for (;;)
      pause ();
  }
  viewer = test_peer_start (GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer",
      "uri", broker->uri, NULL);
  fail_unless (test_peer_wait (viewer, "producer-added cam", 0, TIMEOUT)
      != NULL);

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  killed = g_get_monotonic_time ();
  fail_unless (test_peer_wait (viewer, "producer-removed cam", 0,
          5 * GST_SECOND) != NULL, "the producer's will did not arrive");
  GST_INFO ("the consumer heard the killed producer vanish after %"
      G_GINT64_FORMAT " us", g_get_monotonic_time () - killed);
  fail_unless (find_seen (viewer, "error", 0) == NULL);

  test_peer_stop (viewer);
  test_broker_stop (broker);
}

GST_END_TEST;

/* Two producers given one peer id: the broker takes one connection per
 * client id, so they would take turns for ever; one of them says why and
 * gives up. */
GST_START_TEST (test_duplicate_peer_id)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  TestPeer *first = test_peer_start (GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam",
      "uri", broker->uri, NULL);
  TestPeer *viewer = test_peer_start (GST_ICE_SIGNALLER_ROLE_CONSUMER,
      "viewer", "uri", broker->uri, NULL);
  TestPeer *second;
  const gchar *error;

  fail_unless (test_peer_wait (viewer, "producer-added cam", 0, TIMEOUT));
  second = test_peer_start (GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam",
      "uri", broker->uri, NULL);
  error = test_peer_wait (first, "error", 0, TIMEOUT);
  if (error == NULL)
    error = test_peer_wait (second, "error", 0, 1);
  fail_unless (error != NULL, "neither producer noticed the other");
  fail_unless (strstr (error, "keeps dropping this connection for another "
          "client with client id 'cam', this element's peer-id: give each "
          "element a peer-id of its own") != NULL, "%s", error);

  test_peer_stop (second);
  test_peer_stop (first);
  test_peer_stop (viewer);
  test_broker_stop (broker);
}

GST_END_TEST;

/* --- TLS, passwords, ACL -------------------------------------------------- */

GST_START_TEST (test_mqtts)
{
  gchar *dir, *ca, *ca_key, *cert, *key, *config, *props, *text;
  TestBroker *broker;
  GstElement *producer, *consumer, *untrusting;

  if (!test_have_openssl ()) {
    GST_WARNING ("skipped: no openssl command to make certificates");
    return;
  }
  dir = test_dir_new ("gst-ice-mqtts");
  test_make_ca_files (dir, "ca", &ca, &ca_key);
  test_make_signed_certificate_files (dir, "broker",
      "IP:127.0.0.1,DNS:localhost", ca, ca_key, &cert, &key);
  config = g_strdup_printf ("certfile %s\nkeyfile %s\n", cert, key);
  broker = test_broker_start (config, TRUE);

  props = g_strdup_printf ("signaller::tls-ca-file=%s", ca);
  producer = start_producer (broker, "cam", props);
  consumer = start_consumer (broker, "cam", props);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  stream_check (producer, consumer, 0, 30);

  /* the system's CAs do not know the test's */
  untrusting = start_consumer (broker, "cam", NULL);
  text = wait_error (untrusting);
  fail_unless (strstr (text, broker->uri) != NULL, "%s", text);
  fail_unless (strstr (text, "its TLS certificate could not be verified")
      != NULL, "%s", text);
  fail_unless (strstr (text, "certificate verify failed") != NULL, "%s", text);
  fail_unless (strstr (text, "set signaller::tls-ca-file") != NULL, "%s", text);
  g_free (text);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (untrusting);
  test_stop (consumer);
  test_stop (producer);
  test_broker_stop (broker);
  test_dir_remove (dir);
  g_free (props);
  g_free (config);
  g_free (dir);
  g_free (ca);
  g_free (ca_key);
  g_free (cert);
  g_free (key);
}

GST_END_TEST;

/* A broker with accounts (mosquitto_passwd) and the ACL of
 * docs/mqtt-acl.conf. */
static TestBroker *
start_locked_broker (void)
{
  gchar *dir = test_dir_new ("gst-ice-mqtt-passwd");
  gchar *passwd = g_build_filename (dir, "passwd", NULL);
  gchar *acl = g_build_filename (g_getenv ("GST_ICE_TEST_SRCDIR"), "..", "..",
      "docs", "mqtt-acl.conf", NULL);
  const gchar *users[] = { "cam", "viewer", "eve" };
  gchar *config;
  TestBroker *broker;
  guint i;

  fail_unless (g_file_set_contents (passwd, "", 0, NULL));
  for (i = 0; i < G_N_ELEMENTS (users); i++) {
    gchar *command = g_strdup_printf ("mosquitto_passwd -b %s %s %s-secret",
        passwd, users[i], users[i]);

    fail_unless (system (command) == 0, "%s", command);
    g_free (command);
  }
  fail_unless (g_file_test (acl, G_FILE_TEST_IS_REGULAR), "%s", acl);
  config = g_strdup_printf ("allow_anonymous false\npassword_file %s\n"
      "acl_file %s\n", passwd, acl);
  broker = test_broker_start (config, FALSE);
  g_free (config);
  g_free (passwd);
  g_free (acl);
  /* the broker read them */
  test_dir_remove (dir);
  g_free (dir);
  return broker;
}

GST_START_TEST (test_password)
{
  TestBroker *broker = start_locked_broker ();
  GstElement *producer, *consumer, *wrong;
  gchar *text;

  producer = start_producer (broker, "cam",
      "signaller::user=cam signaller::password=cam-secret");
  consumer = start_consumer (broker, "cam",
      "peer-id=viewer signaller::user=viewer signaller::password=viewer-secret");
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  stream_check (producer, consumer, 0, 30);

  wrong = start_consumer (broker, "cam",
      "peer-id=eve signaller::user=eve signaller::password=guess");
  text = wait_error (wrong);
  fail_unless (strstr (text, "MQTT broker mqtt://127.0.0.1:") != NULL, "%s",
      text);
  /* mosquitto 2.0.11 says "Not authorized", others "Bad user name or
   * password" */
  fail_unless (strstr (text, "refused the connection: ") != NULL, "%s", text);
  fail_unless (strstr (text, "; set signaller::user and signaller::password "
          "(or GST_ICE_MQTT_PASSWORD) to an account of the broker") != NULL,
      "%s", text);
  fail_unless (strstr (text, "guess") == NULL, "%s", text);
  g_free (text);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (wrong);
  test_stop (consumer);
  test_stop (producer);
  test_broker_stop (broker);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GPtrArray *topics;
  gint refused;
} Snoop;

static void
snoop_message (struct mosquitto *mosq, void *user_data,
    const struct mosquitto_message *message)
{
  Snoop *snoop = user_data;

  g_mutex_lock (&snoop->lock);
  g_ptr_array_add (snoop->topics, g_strdup (message->topic));
  g_mutex_unlock (&snoop->lock);
}

static void
snoop_publish (struct mosquitto *mosq, void *user_data, int mid, int reason,
    const mosquitto_property * properties)
{
  Snoop *snoop = user_data;

  if (reason >= 0x80)
    g_atomic_int_inc (&snoop->refused);
}

/* With the ACL, an authenticated consumer (eve) that subscribes to every
 * topic sees the producers and nothing of another consumer's session, and
 * cannot speak for the producer or for that consumer. */
GST_START_TEST (test_acl)
{
  TestBroker *broker = start_locked_broker ();
  GstElement *producer, *consumer;
  Snoop snoop = { 0, };
  struct mosquitto *eve;
  gint version = MQTT_PROTOCOL_V5;
  guint i, presences = 0;
  gchar *fake;

  g_mutex_init (&snoop.lock);
  snoop.topics = g_ptr_array_new_with_free_func (g_free);
  eve = mosquitto_new ("eve", TRUE, &snoop);
  mosquitto_opts_set (eve, MOSQ_OPT_PROTOCOL_VERSION, &version);
  mosquitto_username_pw_set (eve, "eve", "eve-secret");
  mosquitto_message_callback_set (eve, snoop_message);
  mosquitto_publish_v5_callback_set (eve, snoop_publish);
  fail_unless_equals_int (mosquitto_connect (eve, "127.0.0.1", broker->port,
          10), MOSQ_ERR_SUCCESS);
  fail_unless_equals_int (mosquitto_subscribe (eve, NULL, "#", 1),
      MOSQ_ERR_SUCCESS);
  fail_unless_equals_int (mosquitto_loop_start (eve), MOSQ_ERR_SUCCESS);

  producer = start_producer (broker, "cam",
      "signaller::user=cam signaller::password=cam-secret");
  consumer = start_consumer (broker, "cam",
      "peer-id=viewer signaller::user=viewer signaller::password=viewer-secret");
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  stream_check (producer, consumer, 0, 30);

  /* eve clears cam's presence and ends viewer's sessions: refused */
  mosquitto_publish (eve, NULL, "gst-ice/producers/cam", 0, NULL, 1, TRUE);
  fake = g_strdup ("{\"type\":\"endSession\"}");
  mosquitto_publish (eve, NULL, "gst-ice/sessions/cam/viewer/x/from-consumer",
      strlen (fake), fake, 1, FALSE);
  mosquitto_publish (eve, NULL, "gst-ice/sessions/cam/viewer/x/from-producer",
      strlen (fake), fake, 1, FALSE);
  g_free (fake);
  fail_unless (test_wait_count (&snoop.refused, 3, TIMEOUT),
      "the broker let eve speak for others");
  stream_check (producer, consumer, 100, 30);

  mosquitto_disconnect (eve);
  mosquitto_loop_stop (eve, FALSE);
  mosquitto_destroy (eve);
  g_mutex_lock (&snoop.lock);
  for (i = 0; i < snoop.topics->len; i++) {
    const gchar *topic = g_ptr_array_index (snoop.topics, i);

    GST_INFO ("eve saw a message on %s", topic);
    fail_if (g_str_has_prefix (topic, "gst-ice/sessions/"),
        "eve read %s", topic);
    if (g_str_equal (topic, "gst-ice/producers/cam"))
      presences++;
  }
  g_mutex_unlock (&snoop.lock);
  fail_unless (presences >= 1, "eve did not see the producer");
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_broker_stop (broker);
  g_ptr_array_unref (snoop.topics);
  g_mutex_clear (&snoop.lock);
}

GST_END_TEST;

#define DEFAULT_FLEET 100
#define MAX_FLEET 200

/* GST_ICE_TEST_FLEET: how many producers and consumers; 100 by default,
 * fewer under the sanitizers (scripts/sanitize.sh, scripts/tsan.sh), where
 * 100 pairs take minutes. */
static guint
fleet_size (void)
{
  const gchar *env = g_getenv ("GST_ICE_TEST_FLEET");
  guint64 n = env ? g_ascii_strtoull (env, NULL, 10) : 0;

  return n >= 1 && n <= MAX_FLEET ? (guint) n : DEFAULT_FLEET;
}

/* 100 producers and 100 consumers, real elements, on one broker: every
 * consumer connects (ICE and DTLS) to its producer and receives from it. */
GST_START_TEST (test_hundred_by_hundred)
{
  TestBroker *broker = test_broker_start (NULL, FALSE);
  GstElement *producers[MAX_FLEET], *consumers[MAX_FLEET];
  guint fleet = fleet_size ();
  gint64 start = g_get_monotonic_time (), connected;
  guint i;

  for (i = 0; i < fleet; i++) {
    gchar *id = g_strdup_printf ("cam%u", i);

    producers[i] = start_producer (broker, id, NULL);
    consumers[i] = start_consumer (broker, id, NULL);
    g_free (id);
  }
  fail_unless (test_wait_count (&added, fleet, 50 * GST_SECOND),
      "%d of %u sessions connected", g_atomic_int_get (&added), fleet);
  connected = g_get_monotonic_time ();
  GST_INFO ("%u producers and %u consumers: every session connected "
      "%" G_GINT64_FORMAT " ms after the first element started", fleet,
      fleet, (connected - start) / 1000);
  for (i = 0; i < fleet; i++)
    test_push_numbered (producers[i], i, 1, 0);
  for (i = 0; i < fleet; i++) {
    fail_unless_equals_int (test_pull_numbered (consumers[i], i, 1, TIMEOUT,
            NULL), 1);
    test_assert_no_error (consumers[i]);
    test_assert_no_error (producers[i]);
  }
  for (i = 0; i < fleet; i++) {
    test_stop (consumers[i]);
    test_stop (producers[i]);
  }
  GST_INFO ("stopped all in %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - connected) / 1000);
  test_broker_stop (broker);
}

GST_END_TEST;

static Suite *
mqttsignaller_suite (void)
{
  Suite *s = suite_create ("mqttsignaller");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, test_bad_settings);
  tcase_add_test (tc, test_unreachable_broker);
  tcase_add_test (tc, test_unknown_host);
  tcase_add_test (tc, test_silent_broker);
  if (!test_mosquitto_installed ())
    return s;
  have_mosquitto = TRUE;
  tcase_add_test (tc, test_stream);
  tcase_add_test (tc, test_many_consumers);
  tcase_add_test (tc, test_leave_and_rejoin);
  tcase_add_test (tc, test_producer_restart);
  tcase_add_test (tc, test_broker_restart_mid_stream);
  tcase_add_test (tc, test_producer_vanishes);
  tcase_add_test (tc, test_duplicate_peer_id);
  tcase_add_test (tc, test_mqtts);
  tcase_add_test (tc, test_password);
  tcase_add_test (tc, test_acl);

  tc = tcase_create ("fleet");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, test_hundred_by_hundred);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = mqttsignaller_suite ();
  failed = gst_check_run_suite (s, "mqttsignaller", __FILE__);
  if (!have_mosquitto) {
    g_printerr ("skipped: mosquitto is not installed (apt-get install "
        "mosquitto)\n");
    return 77;                  /* meson's code for a skipped test */
  }
  return failed;
}
