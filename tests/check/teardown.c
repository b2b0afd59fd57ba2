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

/* Stopping, as a device that runs for months needs it: PLAYING to NULL
 * is quick in every state of a session, whatever the TURN server does,
 * and whatever a stop leaves behind is released soon after. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "icetestutil.h"
#include "relaysignaller.h"
#include "testturn.h"
#include "testusage.h"

#define TIMEOUT (20 * GST_SECOND)
/* what PLAYING to NULL may take, in any state */
#define MAX_STOP_MS 2000
/* libnice gives up on an unanswered TURN deallocation after 2 s (500,
 * 1000 and 500 ms between its three sends): what a stop left closing
 * must be gone well before this */
#define RELEASE_TIMEOUT (10 * GST_SECOND)

/* a producer and a consumer meeting through the in-process signaller */
typedef struct
{
  GstElement *producer;
  GstElement *consumer;
  gint added;
  gint removed;
} Pair;

static void
pair_start (Pair * pair, const gchar * props)
{
  gchar *producer_props = g_strdup_printf ("peer-id=cam "
      "signaller-type=TestRelaySignaller %s", props ? props : "");
  gchar *consumer_props = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "%s", props ? props : "");

  pair->added = pair->removed = 0;
  pair->producer = test_producer_new (producer_props);
  test_count_peers (pair->producer, &pair->added, &pair->removed);
  fail_unless (gst_element_set_state (pair->producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  pair->consumer = test_consumer_new (consumer_props);
  fail_unless (gst_element_set_state (pair->consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_free (producer_props);
  g_free (consumer_props);
}

static void
pair_stream (Pair * pair, guint count)
{
  fail_unless (test_wait_count (&pair->added, 1, TIMEOUT),
      "the consumer did not connect");
  test_push_numbered (pair->producer, 0, count, 1000);
  fail_unless_equals_int (test_pull_numbered (pair->consumer, 0, count,
          TIMEOUT, NULL), count);
}

/* PLAYING (or wherever it is) to NULL, in milliseconds */
static gint64
stop_ms (GstElement * pipeline)
{
  gint64 start = g_get_monotonic_time ();

  test_stop (pipeline);
  return (g_get_monotonic_time () - start) / 1000;
}

/* Stops the consumer, then the producer, each in less than MAX_STOP_MS. */
static void
pair_stop_quickly (Pair * pair, const gchar * state)
{
  gint64 consumer_ms = stop_ms (pair->consumer);
  gint64 producer_ms = stop_ms (pair->producer);

  g_print ("%s: icesrc stopped in %" G_GINT64_FORMAT " ms, icesink in %"
      G_GINT64_FORMAT " ms\n", state, consumer_ms, producer_ms);
  fail_unless (consumer_ms < MAX_STOP_MS, "%s: icesrc took %" G_GINT64_FORMAT
      " ms to stop", state, consumer_ms);
  fail_unless (producer_ms < MAX_STOP_MS, "%s: icesink took %"
      G_GINT64_FORMAT " ms to stop", state, producer_ms);
}

/* Everything a stop left to finish is gone soon after: no more fds or
 * threads than @before. */
static void
assert_released (const TestUsage * before, const gchar * state)
{
  TestUsage now;
  gint64 start = g_get_monotonic_time ();

  fail_unless (test_usage_wait_down_to (before, RELEASE_TIMEOUT, &now),
      "%s: %u fds and %u threads still held %" GST_TIME_FORMAT " after "
      "stopping, %u and %u before starting", state, now.fds, now.threads,
      GST_TIME_ARGS (RELEASE_TIMEOUT), before->fds, before->threads);
  g_print ("%s: released in %" G_GINT64_FORMAT " ms after the stop\n", state,
      (g_get_monotonic_time () - start) / 1000);
}

/* A first run streaming on a host pair, then @usage: the threads and fds
 * that GStreamer and GLib keep once used are not a stop's leftovers. */
static void
warm_up (TestUsage * usage)
{
  Pair pair;

  pair_start (&pair, NULL);
  pair_stream (&pair, 10);
  pair_stop_quickly (&pair, "warm-up");
  test_usage_get (usage);
}

/* the ice-state-changed message of @pipeline's session reaching @state */
static void
wait_ice_state (GstElement * pipeline, const gchar * state)
{
  GstMessage *msg;

  while ((msg = test_wait_message (pipeline, GST_MESSAGE_ELEMENT,
              "ice-state-changed", TIMEOUT)) != NULL) {
    const gchar *reached =
        gst_structure_get_string (gst_message_get_structure (msg), "state");

    if (g_strcmp0 (reached, state) == 0) {
      gst_message_unref (msg);
      return;
    }
    gst_message_unref (msg);
  }
  fail ("no session reached ICE state %s", state);
}

/* turn-servers= with @uri over UDP and over TCP */
static gchar *
turn_servers (const gchar * uri)
{
  return g_strdup_printf ("turn-servers=\"<\\\"%s\\\", "
      "\\\"%s?transport=tcp\\\">\"", uri, uri);
}

/* No consumer ever came; the producer runs the signalling server and has
 * TURN servers that drop everything. */
GST_START_TEST (test_stop_without_consumer)
{
  TestBlackhole *hole = test_blackhole_new ();
  gchar *turn = turn_servers (hole->uri);
  gchar *props = g_strdup_printf ("run-signalling-server=true "
      "signalling-server-host=127.0.0.1 signalling-server-port=0 %s", turn);
  GstElement *producer = test_producer_new (props);
  gint64 ms;

  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (producer, NULL, NULL, TIMEOUT) !=
      GST_STATE_CHANGE_FAILURE);
  ms = stop_ms (producer);
  g_print ("no consumer: icesink stopped in %" G_GINT64_FORMAT " ms\n", ms);
  fail_unless (ms < MAX_STOP_MS, "icesink took %" G_GINT64_FORMAT " ms to "
      "stop", ms);
  test_blackhole_free (hole);
  g_free (props);
  g_free (turn);
}

GST_END_TEST;

/* Both sides relay only, through TURN servers (UDP, TCP) whose packets are
 * dropped: the sessions gather for as long as libnice retries. */
GST_START_TEST (test_stop_while_gathering)
{
  TestBlackhole *hole = test_blackhole_new ();
  gchar *turn = turn_servers (hole->uri);
  gchar *props = g_strdup_printf ("ice-transport-policy=relay %s", turn);
  TestUsage before;
  Pair pair;

  test_relay_init ();
  warm_up (&before);
  pair_start (&pair, props);
  wait_ice_state (pair.consumer, "gathering");
  wait_ice_state (pair.producer, "gathering");
  pair_stop_quickly (&pair, "gathering");
  assert_released (&before, "gathering");
  test_blackhole_free (hole);
  g_free (props);
  g_free (turn);
}

GST_END_TEST;

/* The consumer relays only, through a TURN server that refuses to relay
 * to loopback peers: the producer's checks to its relayed candidate go
 * unanswered, and both sides keep checking. */
GST_START_TEST (test_stop_while_connecting)
{
  TestTurn *turn = test_turn_start_with ("127.0.0.1", FALSE);
  gchar *consumer_props = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "ice-transport-policy=relay turn-servers=\"<\\\"%s\\\">\"", turn->uri);
  TestUsage before;
  Pair pair;

  test_relay_init ();
  warm_up (&before);
  pair.producer = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  fail_unless (gst_element_set_state (pair.producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  pair.consumer = test_consumer_new (consumer_props);
  fail_unless (gst_element_set_state (pair.consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_ice_state (pair.producer, "connecting");
  pair_stop_quickly (&pair, "connecting");
  assert_released (&before, "connecting");
  test_turn_stop (turn);
  g_free (consumer_props);
}

GST_END_TEST;

/* A host pair streams; the TURN servers given refuse at once (nothing
 * listens on their port). */
GST_START_TEST (test_stop_while_streaming_turn_refused)
{
  gchar *uri = g_strdup_printf ("turn://alice:secret@127.0.0.1:%u",
      test_free_port ());
  gchar *props = turn_servers (uri);
  TestUsage before;
  Pair pair;

  test_relay_init ();
  warm_up (&before);
  pair_start (&pair, props);
  pair_stream (&pair, 50);
  pair_stop_quickly (&pair, "streaming, TURN refused");
  assert_released (&before, "streaming, TURN refused");
  g_free (props);
  g_free (uri);
}

GST_END_TEST;

/* A host pair streams; the TURN servers given drop everything. */
GST_START_TEST (test_stop_while_streaming_turn_dropped)
{
  TestBlackhole *hole = test_blackhole_new ();
  gchar *props = turn_servers (hole->uri);
  TestUsage before;
  Pair pair;

  test_relay_init ();
  warm_up (&before);
  pair_start (&pair, props);
  pair_stream (&pair, 50);
  pair_stop_quickly (&pair, "streaming, TURN dropped");
  assert_released (&before, "streaming, TURN dropped");
  test_blackhole_free (hole);
  g_free (props);
}

GST_END_TEST;

/* The defect of issue 10: a TURN server that stops answering while a
 * relayed session streams.  Stop gave libnice a second to deallocate,
 * libnice retries for two, and the agent, its sockets and the transport's
 * main context were kept for ever. */
GST_START_TEST (test_stop_with_hung_turn_releases_everything)
{
  TestTurn *turn = test_turn_start ();
  gchar *props = g_strdup_printf ("ice-transport-policy=relay "
      "turn-servers=\"<\\\"%s\\\">\"", turn->uri);
  TestUsage before;
  Pair pair;

  test_relay_init ();
  /* once with a server that answers: what GStreamer keeps after a first
   * run (pool threads) is not ours */
  pair_start (&pair, props);
  pair_stream (&pair, 20);
  pair_stop_quickly (&pair, "relayed, TURN answering");
  test_usage_get (&before);

  pair_start (&pair, props);
  pair_stream (&pair, 20);
  test_turn_freeze (turn);
  pair_stop_quickly (&pair, "relayed, TURN hung");
  assert_released (&before, "relayed, TURN hung");

  test_turn_thaw (turn);
  test_turn_stop (turn);
  g_free (props);
}

GST_END_TEST;

/* Thaws a TURN server once the stop that runs meanwhile has begun: the
 * sessions close first thing in a stop, which takes 2 s here; nothing
 * to wait for from this side of the call. */
static gpointer
thaw_soon (gpointer data)
{
  g_usleep (100 * 1000);
  test_turn_thaw (data);
  return NULL;
}

/* Two TURN servers relaying on different addresses: the first hangs after
 * the session streamed through it, the second hung from the start and
 * grants its allocations while the sessions close.  libnice 0.1.21 adds
 * such an allocation to those its close waits for, without deallocating
 * it, and the close never called back. */
GST_START_TEST (test_stop_while_turn_answers_late)
{
  TestTurn *turn = test_turn_start ();
  TestTurn *late = test_turn_start_with ("127.0.0.2", TRUE);
  gchar *props = g_strdup_printf ("ice-transport-policy=relay "
      "turn-servers=\"<\\\"%s\\\", \\\"%s\\\">\"", turn->uri, late->uri);
  TestUsage before;
  GThread *thread;
  Pair pair;

  test_relay_init ();
  pair_start (&pair, props);
  pair_stream (&pair, 20);
  pair_stop_quickly (&pair, "warm-up");
  test_usage_get (&before);

  test_turn_freeze (late);
  pair_start (&pair, props);
  pair_stream (&pair, 20);
  test_turn_freeze (turn);
  thread = g_thread_new ("thaw", thaw_soon, late);
  pair_stop_quickly (&pair, "relayed, TURN hung, other TURN late");
  g_thread_join (thread);
  assert_released (&before, "relayed, TURN hung, other TURN late");

  test_turn_thaw (turn);
  test_turn_stop (turn);
  test_turn_stop (late);
  g_free (props);
}

GST_END_TEST;

/* A peer-removed handler that holds the first emission until released,
 * and counts the emissions that came once the sink had stopped. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean holding;
  gboolean released;
  gboolean stopped;
  gint after_stop;
  gint finalized;
} HeldHandler;

static void
on_removed_hold (GstElement * sink, const gchar * peer_id, HeldHandler * held)
{
  g_mutex_lock (&held->lock);
  if (held->stopped)
    held->after_stop++;
  if (!held->holding) {
    held->holding = TRUE;
    g_cond_broadcast (&held->cond);
    while (!held->released)
      g_cond_wait (&held->cond, &held->lock);
  }
  g_mutex_unlock (&held->lock);
}

static void
on_finalized (gpointer data, GObject * where_the_object_was)
{
  g_atomic_int_set (&((HeldHandler *) data)->finalized, 1);
}

/* Once set_state (NULL) returned, an application may free what its
 * handlers use: icesink must not emit peer-removed any more, not even
 * for the consumers its own stop disconnected while an earlier emission
 * was still running. */
GST_START_TEST (test_no_peer_signal_after_stop)
{
  HeldHandler held = { 0, };
  GstElement *producer, *leaving, *staying, *sink;
  gint added = 0, removed = 0;

  g_mutex_init (&held.lock);
  g_cond_init (&held.cond);
  test_relay_init ();
  producer = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  sink = test_get (producer, "sink");
  test_count_peers (producer, &added, &removed);
  g_signal_connect (sink, "peer-removed", G_CALLBACK (on_removed_hold), &held);
  g_object_weak_ref (G_OBJECT (sink), on_finalized, &held);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  leaving = test_consumer_new ("signaller-type=TestRelaySignaller");
  staying = test_consumer_new ("signaller-type=TestRelaySignaller");
  fail_unless (gst_element_set_state (leaving, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (staying, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 2, TIMEOUT));

  /* the first consumer leaves: its peer-removed is held */
  test_stop (leaving);
  g_mutex_lock (&held.lock);
  while (!held.holding)
    g_cond_wait (&held.cond, &held.lock);
  g_mutex_unlock (&held.lock);

  /* the sink stops, disconnecting the second consumer, then the held
   * emission ends: nothing may follow it */
  test_stop (producer);
  g_mutex_lock (&held.lock);
  held.stopped = TRUE;
  held.released = TRUE;
  g_cond_broadcast (&held.cond);
  g_mutex_unlock (&held.lock);
  /* pending emissions hold the element: once it is gone, none is left */
  fail_unless (test_wait_count (&held.finalized, 1, TIMEOUT),
      "icesink was not finalized");
  fail_unless_equals_int (held.after_stop, 0);

  test_stop (staying);
  g_mutex_clear (&held.lock);
  g_cond_clear (&held.cond);
}

GST_END_TEST;

/* Reads icesink's stats in a loop, as a monitoring application does,
 * checking each session's fields hang together. */
typedef struct
{
  GstElement *sink;
  gint stop;
  guint polls;
  guint sessions_seen;
} StatsPoller;

static gpointer
poll_stats (gpointer data)
{
  StatsPoller *poller = data;

  while (!g_atomic_int_get (&poller->stop)) {
    GstStructure *stats = NULL;
    gint i;

    g_object_get (poller->sink, "stats", &stats, NULL);
    fail_unless (stats != NULL);
    for (i = 0; i < gst_structure_n_fields (stats); i++) {
      const GstStructure *session = g_value_get_boxed
          (gst_structure_get_value (stats,
              gst_structure_nth_field_name (stats, i)));
      const gchar *dtls = gst_structure_get_string (session, "dtls-state");

      fail_unless (gst_structure_has_field (session, "state"));
      fail_unless (dtls != NULL, "an encrypting session without dtls-state");
      if (g_str_equal (dtls, "connected"))
        fail_unless (gst_structure_has_field (session, "dtls-cipher"));
      poller->sessions_seen++;
    }
    gst_structure_free (stats);
    poller->polls++;
  }
  return NULL;
}

/* Stats are read from the application's thread while the transport
 * thread creates, connects and closes sessions: 20 consumers one after
 * the other.  Under ThreadSanitizer (scripts/tsan.sh) this found the
 * session's DTLS connection published without a lock. */
GST_START_TEST (test_stats_while_sessions_come_and_go)
{
  StatsPoller poller = { NULL, 0, 0, 0 };
  GstElement *producer;
  gint added = 0, removed = 0;
  GThread *thread;
  guint i;

  test_relay_init ();
  producer = test_producer_new ("peer-id=cam "
      "signaller-type=TestRelaySignaller");
  test_count_peers (producer, &added, &removed);
  poller.sink = test_get (producer, "sink");
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  thread = g_thread_new ("stats", poll_stats, &poller);
  for (i = 0; i < 20; i++) {
    GstElement *consumer =
        test_consumer_new ("signaller-type=TestRelaySignaller");

    fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (test_wait_count (&added, i + 1, TIMEOUT));
    test_push_numbered (producer, i * 10, 10, 0);
    fail_unless_equals_int (test_pull_numbered (consumer, i * 10, 10,
            TIMEOUT, NULL), 10);
    test_stop (consumer);
  }
  /* and while the sink stops */
  fail_unless_equals_int (gst_element_set_state (producer, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_atomic_int_set (&poller.stop, 1);
  g_thread_join (thread);
  g_print ("stats read %u times, %u sessions in them\n", poller.polls,
      poller.sessions_seen);
  fail_unless (poller.sessions_seen > 0);
  gst_object_unref (producer);
}

GST_END_TEST;

static Suite *
teardown_suite (void)
{
  Suite *s = suite_create ("teardown");
  TCase *tc = tcase_create ("stop");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_stop_without_consumer);
  tcase_add_test (tc, test_stop_while_gathering);
  tcase_add_test (tc, test_stop_while_streaming_turn_refused);
  tcase_add_test (tc, test_stop_while_streaming_turn_dropped);
  tcase_add_test (tc, test_no_peer_signal_after_stop);
  tcase_add_test (tc, test_stats_while_sessions_come_and_go);
  if (test_coturn_installed ()) {
    tcase_add_test (tc, test_stop_while_connecting);
    tcase_add_test (tc, test_stop_with_hung_turn_releases_everything);
    tcase_add_test (tc, test_stop_while_turn_answers_late);
  } else {
    g_print ("SKIP: coturn (turnserver) is not installed: the tests that "
        "need a TURN server that answers do not run; apt-get install "
        "coturn\n");
  }
  return s;
}

int
main (int argc, char **argv)
{
  int failed;

  gst_check_init (&argc, &argv);
  test_blackhole_init ();
  failed = gst_check_run_suite (teardown_suite (), "teardown", __FILE__);
  test_blackhole_cleanup ();
  return failed;
}
