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

/* One producer and two consumers of GstIceDirectorySignaller in one
 * process, on a fresh temporary directory, run on the test thread's own
 * main context. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gst/ice/signalling/gsticedirectorysignaller.h>
#include <gst/ice/gsticeerror.h>

#include "slowfs.h"
#include "testdir.h"

#define WATCHDOG_MS 5000
#define POLL_INTERVAL 20
#define N_CANDIDATES 20

typedef struct
{
  const gchar *name;
  GstIceSignaller *signaller;
  /* what the signaller emitted, one string per signal:
   * "producer-added P", "producer-removed P", "session-requested S C",
   * "session-started S P", "description S\nTEXT", "candidate S LINE",
   * "session-ended S", "error MESSAGE" */
  GPtrArray *events;
} Peer;

static GMainContext *context;
static gchar *tmp_dir;
static gchar *dir;
static Peer producer, consumer1, consumer2;

static const gchar *description_lines[] = {
  "a=ice-ufrag:Fx3q",
  "a=ice-pwd:7YbZkQm1s9vXr2Lp0aNcWt",
  "a=x-gst-caps:application/x-rtp, media=(string)video, "
      "encoding-name=(string)H264, clock-rate=(int)90000",
  "a=candidate:1 1 UDP 2015363327 192.168.1.20 50000 typ host",
  "a=candidate:2 1 UDP 1679819007 203.0.113.7 50000 typ srflx raddr "
      "192.168.1.20 rport 50000",
  "a=end-of-candidates",
};

static void
record (Peer * peer, gchar * event)
{
  GST_DEBUG ("%s: %s", peer->name, event);
  g_ptr_array_add (peer->events, event);
}

static void
on_producer_added (GstIceSignaller * signaller, const gchar * peer_id,
    Peer * peer)
{
  record (peer, g_strdup_printf ("producer-added %s", peer_id));
}

static void
on_session_requested (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, Peer * peer)
{
  record (peer, g_strdup_printf ("session-requested %s %s", session_id,
          peer_id));
}

static void
on_session_started (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, Peer * peer)
{
  record (peer, g_strdup_printf ("session-started %s %s", session_id, peer_id));
}

static void
on_session_description (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * description, Peer * peer)
{
  record (peer, g_strdup_printf ("description %s\n%s", session_id,
          description));
}

static void
on_session_candidate (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * candidate, Peer * peer)
{
  record (peer, g_strdup_printf ("candidate %s %s", session_id, candidate));
}

static void
on_session_ended (GstIceSignaller * signaller, const gchar * session_id,
    Peer * peer)
{
  record (peer, g_strdup_printf ("session-ended %s", session_id));
}

static void
on_error (GstIceSignaller * signaller, const GError * error, Peer * peer)
{
  fail_unless (error->domain == GST_ICE_ERROR);
  record (peer, g_strdup_printf ("error %s", error->message));
}

static void
on_producer_removed (GstIceSignaller * signaller, const gchar * peer_id,
    Peer * peer)
{
  record (peer, g_strdup_printf ("producer-removed %s", peer_id));
}

static void
peer_init_at (Peer * peer, const gchar * name, const gchar * directory)
{
  peer->name = name;
  peer->signaller = gst_ice_directory_signaller_new (directory);
  g_object_set (peer->signaller, "poll-interval", POLL_INTERVAL, NULL);
  peer->events = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (peer->signaller, "producer-added",
      G_CALLBACK (on_producer_added), peer);
  g_signal_connect (peer->signaller, "producer-removed",
      G_CALLBACK (on_producer_removed), peer);
  g_signal_connect (peer->signaller, "session-requested",
      G_CALLBACK (on_session_requested), peer);
  g_signal_connect (peer->signaller, "session-started",
      G_CALLBACK (on_session_started), peer);
  g_signal_connect (peer->signaller, "session-description",
      G_CALLBACK (on_session_description), peer);
  g_signal_connect (peer->signaller, "session-candidate",
      G_CALLBACK (on_session_candidate), peer);
  g_signal_connect (peer->signaller, "session-ended",
      G_CALLBACK (on_session_ended), peer);
  g_signal_connect (peer->signaller, "error", G_CALLBACK (on_error), peer);
}

static void
peer_init (Peer * peer, const gchar * name)
{
  peer_init_at (peer, name, dir);
}

static void
peer_clear (Peer * peer)
{
  gst_ice_signaller_stop (peer->signaller);
  g_object_unref (peer->signaller);
  g_ptr_array_unref (peer->events);
  memset (peer, 0, sizeof (Peer));
}

static void
setup (void)
{
  tmp_dir = test_dir_new ("gst-ice-dirsig");
  /* prepare() creates it */
  dir = g_build_filename (tmp_dir, "signalling", NULL);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  peer_init (&producer, "producer");
  peer_init (&consumer1, "consumer1");
  peer_init (&consumer2, "consumer2");
}

static void
teardown (void)
{
  peer_clear (&producer);
  peer_clear (&consumer1);
  peer_clear (&consumer2);

  /* sources of stopped signallers are gone: nothing may be pending */
  while (g_main_context_iteration (context, FALSE));
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  test_dir_remove (tmp_dir);
  g_free (dir);
  g_free (tmp_dir);
}

static guint
count_events (Peer * peer, const gchar * prefix)
{
  guint i, n = 0;

  for (i = 0; i < peer->events->len; i++) {
    if (g_str_has_prefix (g_ptr_array_index (peer->events, i), prefix))
      n++;
  }
  return n;
}

static const gchar *
find_event (Peer * peer, const gchar * prefix)
{
  guint i;

  for (i = 0; i < peer->events->len; i++) {
    if (g_str_has_prefix (g_ptr_array_index (peer->events, i), prefix))
      return g_ptr_array_index (peer->events, i);
  }
  return NULL;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static GSource *
add_timer (guint ms, gboolean * expired)
{
  GSource *source = g_timeout_source_new (ms);

  *expired = FALSE;
  g_source_set_callback (source, watchdog_cb, expired, NULL);
  g_source_attach (source, context);
  return source;
}

static void
remove_timer (GSource * source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

/* Runs the context until @peer has emitted @count events starting with
 * @prefix; fails after WATCHDOG_MS. */
static void
wait_for_events (Peer * peer, const gchar * prefix, guint count)
{
  gboolean expired;
  GSource *watchdog = add_timer (WATCHDOG_MS, &expired);

  while (count_events (peer, prefix) < count && !expired)
    g_main_context_iteration (context, TRUE);
  remove_timer (watchdog);

  fail_if (expired, "%s: waited %d ms for %u '%s' events, got %u",
      peer->name, WATCHDOG_MS, count, prefix, count_events (peer, prefix));
}

/* Runs the context for @ms: long enough for a few polls. */
static void
run_for (guint ms)
{
  gboolean expired;
  GSource *timer = add_timer (ms, &expired);

  while (!expired)
    g_main_context_iteration (context, TRUE);
  remove_timer (timer);
}

static void
prepare_and_start (Peer * peer, GstIceSignallerRole role, const gchar * id)
{
  GError *error = NULL;

  fail_unless (gst_ice_signaller_prepare (peer->signaller, &error),
      "prepare: %s", error ? error->message : "?");
  gst_ice_signaller_start (peer->signaller, role, id);
}

/* Starts the three peers and opens a session from consumer1 to the
 * producer; returns its id. */
static gchar *
start_session (void)
{
  const gchar *event;
  gchar *session_id, *expected;

  prepare_and_start (&producer, GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam");
  prepare_and_start (&consumer1, GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer1");
  prepare_and_start (&consumer2, GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer2");

  wait_for_events (&consumer1, "producer-added cam", 1);
  wait_for_events (&consumer2, "producer-added cam", 1);

  gst_ice_signaller_request_session (consumer1.signaller, "cam");
  wait_for_events (&consumer1, "session-started ", 1);
  event = find_event (&consumer1, "session-started ");
  fail_unless (g_str_has_suffix (event, " cam"), "%s", event);
  session_id = g_strndup (event + strlen ("session-started "),
      strlen (event) - strlen ("session-started ") - strlen (" cam"));
  fail_unless (g_str_has_prefix (session_id, "viewer1-"), "%s", session_id);

  wait_for_events (&producer, "session-requested ", 1);
  expected = g_strdup_printf ("session-requested %s viewer1", session_id);
  fail_unless_equals_string (find_event (&producer, "session-requested "),
      expected);
  g_free (expected);

  return session_id;
}

static gchar *
make_description (void)
{
  GString *text = g_string_new (NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (description_lines); i++) {
    g_string_append (text, description_lines[i]);
    g_string_append_c (text, '\n');
  }
  return g_string_free (text, FALSE);
}

static gchar *
make_candidate (guint i)
{
  return g_strdup_printf ("a=candidate:%u 1 UDP %u 10.0.0.%u %u typ host",
      i + 10, 2015363327 - i, i + 1, 40000 + i);
}

/* Sends a description and N_CANDIDATES candidates in a row, without
 * letting the context run in between. */
static void
send_all (Peer * from, const gchar * session_id)
{
  gchar *description = make_description ();
  guint i;

  gst_ice_signaller_send_description (from->signaller, session_id, description);
  for (i = 0; i < N_CANDIDATES; i++) {
    gchar *candidate = make_candidate (i);

    gst_ice_signaller_send_candidate (from->signaller, session_id, candidate);
    g_free (candidate);
  }
  g_free (description);
}

/* Checks that @to received exactly what send_all() sent, in order, and
 * nothing else of @session_id. */
static void
check_received_all (Peer * to, const gchar * session_id)
{
  gchar *description = make_description ();
  gchar *expected;
  guint i, desc_index, n_session = 0;
  gchar *desc_prefix = g_strdup_printf ("description %s\n", session_id);
  gchar *cand_prefix = g_strdup_printf ("candidate %s ", session_id);

  wait_for_events (to, cand_prefix, N_CANDIDATES);

  /* the description comes first, then the candidates in order */
  for (desc_index = 0; desc_index < to->events->len; desc_index++) {
    if (g_str_has_prefix (g_ptr_array_index (to->events, desc_index),
            desc_prefix))
      break;
  }
  fail_unless (desc_index < to->events->len, "%s got no description", to->name);
  expected = g_strconcat (desc_prefix, description, NULL);
  fail_unless_equals_string (g_ptr_array_index (to->events, desc_index),
      expected);
  g_free (expected);

  for (i = 0; i < N_CANDIDATES; i++) {
    gchar *candidate = make_candidate (i);

    fail_unless (desc_index + 1 + i < to->events->len);
    expected = g_strconcat (cand_prefix, candidate, NULL);
    fail_unless_equals_string (g_ptr_array_index (to->events,
            desc_index + 1 + i), expected);
    g_free (expected);
    g_free (candidate);
  }

  /* each exactly once */
  for (i = 0; i < to->events->len; i++) {
    const gchar *event = g_ptr_array_index (to->events, i);

    if (g_str_has_prefix (event, desc_prefix)
        || g_str_has_prefix (event, cand_prefix))
      n_session++;
  }
  fail_unless_equals_int (n_session, 1 + N_CANDIDATES);

  g_free (desc_prefix);
  g_free (cand_prefix);
  g_free (description);
}

static gchar *
session_file (const gchar * session_id, const gchar * name)
{
  return g_build_filename (dir, "sessions", session_id, name, NULL);
}

static void
append_to_file (const gchar * path, const gchar * data, gsize len)
{
  FILE *f = g_fopen (path, "ab");

  fail_unless (f != NULL, "cannot open %s", path);
  fail_unless_equals_int (fwrite (data, 1, len, f), len);
  fail_unless_equals_int (fclose (f), 0);
}

GST_START_TEST (test_prepare_needs_directory)
{
  GstIceSignaller *signaller = gst_ice_directory_signaller_new (NULL);
  GError *error = NULL;

  fail_if (gst_ice_signaller_prepare (signaller, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  fail_unless_equals_string (error->message,
      "the directory signaller needs a directory: "
      "set signaller::directory=PATH");
  g_clear_error (&error);

  /* an empty string is no better */
  g_object_set (signaller, "directory", "", NULL);
  fail_if (gst_ice_signaller_prepare (signaller, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  g_clear_error (&error);

  g_object_unref (signaller);
}

GST_END_TEST;

GST_START_TEST (test_prepare_not_writable)
{
  gchar *file = g_build_filename (tmp_dir, "a-file", NULL);
  gchar *path = g_build_filename (file, "signalling", NULL);
  GstIceSignaller *signaller = gst_ice_directory_signaller_new (path);
  GError *error = NULL;

  fail_unless (g_file_set_contents (file, "not a directory\n", -1, NULL));

  fail_if (gst_ice_signaller_prepare (signaller, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  GST_INFO ("error: %s", error->message);
  fail_unless (strstr (error->message, path) != NULL, "%s", error->message);
  fail_unless (strstr (error->message, g_strerror (ENOTDIR)) != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* the directory itself a regular file */
  g_object_set (signaller, "directory", file, NULL);
  fail_if (gst_ice_signaller_prepare (signaller, &error));
  fail_unless (strstr (error->message, file) != NULL, "%s", error->message);
  g_clear_error (&error);

  g_object_unref (signaller);
  g_free (path);
  g_free (file);
}

GST_END_TEST;

GST_START_TEST (test_prepare_creates_directory)
{
  gchar *deep = g_build_filename (dir, "a", "b", NULL);
  gchar *producers = g_build_filename (deep, "producers", NULL);
  GstIceSignaller *signaller = gst_ice_directory_signaller_new (deep);
  GError *error = NULL;
  guint interval;

  g_object_get (signaller, "poll-interval", &interval, NULL);
  fail_unless_equals_int (interval, 100);

  fail_unless (gst_ice_signaller_prepare (signaller, &error));
  fail_unless (g_file_test (producers, G_FILE_TEST_IS_DIR));

  g_object_unref (signaller);
  g_free (producers);
  g_free (deep);
}

GST_END_TEST;

GST_START_TEST (test_session)
{
  gchar *session_id = start_session ();
  gchar *answer_prefix, *session_dir;
  gchar *ended;

  /* the other consumer does not see that session start */
  fail_unless_equals_int (consumer2.events->len, 1);

  /* producer -> consumer1 */
  send_all (&producer, session_id);
  check_received_all (&consumer1, session_id);

  /* consumer1 -> producer */
  send_all (&consumer1, session_id);
  check_received_all (&producer, session_id);

  /* a few more polls: nothing is delivered twice, nothing leaks to the
   * other consumer, nobody hears its own messages */
  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (consumer1.events->len, 2 + 1 + N_CANDIDATES);
  fail_unless_equals_int (producer.events->len, 1 + 1 + N_CANDIDATES);
  fail_unless_equals_int (consumer2.events->len, 1);
  fail_unless_equals_string (g_ptr_array_index (consumer2.events, 0),
      "producer-added cam");

  /* consumer1 ends it: the producer hears it and removes the session */
  gst_ice_signaller_end_session (consumer1.signaller, session_id);
  ended = g_strdup_printf ("session-ended %s", session_id);
  wait_for_events (&producer, ended, 1);
  session_dir = g_build_filename (dir, "sessions", session_id, NULL);
  fail_if (g_file_test (session_dir, G_FILE_TEST_EXISTS));

  /* and does not get it requested again, nor is it ended twice */
  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (count_events (&producer, "session-requested "), 1);
  fail_unless_equals_int (count_events (&producer, "session-ended "), 1);
  fail_unless_equals_int (count_events (&consumer1, "session-ended "), 0);

  /* a message after the end goes nowhere */
  answer_prefix = g_strdup_printf ("candidate %s ", session_id);
  gst_ice_signaller_send_candidate (consumer1.signaller, session_id,
      "a=end-of-candidates");
  run_for (3 * POLL_INTERVAL);
  fail_unless_equals_int (count_events (&producer, answer_prefix),
      N_CANDIDATES);

  g_free (answer_prefix);
  g_free (session_dir);
  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

GST_START_TEST (test_producer_ends_session)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);
  gchar *session_dir = g_build_filename (dir, "sessions", session_id, NULL);

  gst_ice_signaller_end_session (producer.signaller, session_id);
  wait_for_events (&consumer1, ended, 1);
  fail_if (g_file_test (session_dir, G_FILE_TEST_EXISTS));

  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (count_events (&producer, "session-ended "), 0);
  fail_unless_equals_int (count_events (&producer, "session-requested "), 1);
  fail_unless_equals_int (count_events (&consumer2, "session-ended "), 0);

  g_free (session_dir);
  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

GST_START_TEST (test_producer_restart)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);
  gchar *producer_file = g_build_filename (dir, "producers", "cam", NULL);
  gchar *new_session_id;
  const gchar *event;
  guint n_producer_events;

  fail_unless (g_file_test (producer_file, G_FILE_TEST_EXISTS));

  gst_ice_signaller_stop (producer.signaller);
  fail_if (g_file_test (producer_file, G_FILE_TEST_EXISTS));
  n_producer_events = producer.events->len;

  wait_for_events (&consumer1, ended, 1);
  fail_unless_equals_int (count_events (&consumer2, "session-ended "), 0);
  wait_for_events (&consumer1, "producer-removed cam", 1);
  wait_for_events (&consumer2, "producer-removed cam", 1);

  /* a stopped signaller says nothing any more */
  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (producer.events->len, n_producer_events);

  /* the same producer comes back: announced again to both consumers */
  gst_ice_signaller_start (producer.signaller,
      GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam");
  wait_for_events (&consumer1, "producer-added cam", 2);
  wait_for_events (&consumer2, "producer-added cam", 2);

  /* the old session is not requested again, a new one works */
  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (count_events (&producer, "session-requested "), 1);
  gst_ice_signaller_request_session (consumer1.signaller, "cam");
  wait_for_events (&consumer1, "session-started ", 2);
  wait_for_events (&producer, "session-requested ", 2);
  event = g_ptr_array_index (producer.events, producer.events->len - 1);
  fail_unless (g_str_has_prefix (event, "session-requested viewer1-"), "%s",
      event);
  new_session_id = g_strndup (event + strlen ("session-requested "),
      strlen (event) - strlen ("session-requested ") - strlen (" viewer1"));
  fail_if (g_str_equal (new_session_id, session_id));

  send_all (&producer, new_session_id);
  check_received_all (&consumer1, new_session_id);

  g_free (new_session_id);
  g_free (producer_file);
  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

GST_START_TEST (test_quick_producer_restart)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);

  /* stop and start between two polls: the consumer still notices, from
   * the new instance in the producer file */
  gst_ice_signaller_stop (producer.signaller);
  gst_ice_signaller_start (producer.signaller,
      GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam");

  wait_for_events (&consumer1, ended, 1);
  wait_for_events (&consumer1, "producer-added cam", 2);

  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

GST_START_TEST (test_consumer_stop)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);
  guint n_events;

  gst_ice_signaller_stop (consumer1.signaller);
  n_events = consumer1.events->len;
  wait_for_events (&producer, ended, 1);

  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (consumer1.events->len, n_events);
  fail_unless_equals_int (count_events (&producer, "session-requested "), 1);

  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

GST_START_TEST (test_garbage)
{
  gchar *session_id = start_session ();
  gchar *from_producer = session_file (session_id, "from-producer");
  gchar *cand_prefix = g_strdup_printf ("candidate %s ", session_id);
  gchar *bad_producer, *bad_session_dir, *bad_request;
  const gchar binary[] = "\x00\x01\xff\xfe garbage\x00\nnot-a-header\n"
      "candidate\n\xc3\x28 not utf-8\n\ncandidate\ntwo\nlines\n\n"
      "end\nwith a line\n\n\x7f\x80 no newline at the end";
  gchar *huge, *expected;

  /* a first candidate, so that the file exists */
  gst_ice_signaller_send_candidate (producer.signaller, session_id,
      "a=candidate:1 1 UDP 1 10.0.0.1 1000 typ host");
  wait_for_events (&consumer1, cand_prefix, 1);

  /* garbage in the message file, in the producer list and in sessions/ */
  append_to_file (from_producer, binary, sizeof (binary) - 1);
  bad_producer = g_build_filename (dir, "producers", "junk", NULL);
  fail_unless (g_file_set_contents (bad_producer, "\x01\x02\x03", 3, NULL));
  bad_session_dir = g_build_filename (dir, "sessions", "junk-session", NULL);
  fail_unless (g_mkdir (bad_session_dir, 0755) == 0);
  bad_request = g_build_filename (bad_session_dir, "request", NULL);
  fail_unless (g_file_set_contents (bad_request,
          "producer cam\nconsumer\n\xff\n", -1, NULL));

  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (count_events (&consumer1, cand_prefix), 1);
  fail_unless_equals_int (count_events (&consumer1, "session-ended "), 0);
  fail_unless_equals_int (count_events (&consumer1, "producer-added "), 1);
  fail_unless_equals_int (count_events (&consumer2, "producer-added "), 1);
  fail_unless_equals_int (count_events (&producer, "session-requested "), 1);

  /* later valid messages still arrive, in order */
  send_all (&producer, session_id);
  wait_for_events (&consumer1, cand_prefix, 1 + N_CANDIDATES);
  /* forget the first candidate, then check the description and the
   * candidates that followed */
  fail_unless (g_ptr_array_remove (consumer1.events,
          (gpointer) find_event (&consumer1, cand_prefix)));
  check_received_all (&consumer1, session_id);

  /* a message written in two parts is delivered once, when complete */
  append_to_file (from_producer, "candidate\na=candidate:99 1 UD", 29);
  run_for (5 * POLL_INTERVAL);
  fail_unless_equals_int (count_events (&consumer1, cand_prefix), N_CANDIDATES);
  append_to_file (from_producer, "P 1 10.0.0.99 99 typ host\n\n", 27);
  wait_for_events (&consumer1, cand_prefix, N_CANDIDATES + 1);
  expected = g_strconcat (cand_prefix,
      "a=candidate:99 1 UDP 1 10.0.0.99 99 typ host", NULL);
  fail_unless_equals_string (g_ptr_array_index (consumer1.events,
          consumer1.events->len - 1), expected);
  g_free (expected);

  /* an endless line of binary is skipped too */
  huge = g_malloc (200 * 1024);
  memset (huge, 'x', 200 * 1024);
  huge[100] = '\0';
  append_to_file (from_producer, huge, 200 * 1024);
  gst_ice_signaller_send_candidate (producer.signaller, session_id,
      "a=end-of-candidates");
  wait_for_events (&consumer1, cand_prefix, N_CANDIDATES + 2);
  fail_unless (g_str_has_suffix (g_ptr_array_index (consumer1.events,
              consumer1.events->len - 1), " a=end-of-candidates"));

  /* the session still ends normally */
  gst_ice_signaller_end_session (producer.signaller, session_id);
  wait_for_events (&consumer1, "session-ended ", 1);

  g_free (huge);
  g_free (bad_request);
  g_free (bad_session_dir);
  g_free (bad_producer);
  g_free (cand_prefix);
  g_free (from_producer);
  g_free (session_id);
}

GST_END_TEST;

GST_START_TEST (test_unknown_producer)
{
  prepare_and_start (&consumer1, GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer1");
  gst_ice_signaller_request_session (consumer1.signaller, "nobody");
  wait_for_events (&consumer1, "error ", 1);
  fail_unless (strstr (find_event (&consumer1, "error "), "'nobody'") != NULL,
      "%s", find_event (&consumer1, "error "));
  fail_unless_equals_int (count_events (&consumer1, "session-started "), 0);
}

GST_END_TEST;

GST_START_TEST (test_bad_peer_id)
{
  prepare_and_start (&producer, GST_ICE_SIGNALLER_ROLE_PRODUCER, "../cam");
  wait_for_events (&producer, "error ", 1);
  fail_unless (strstr (find_event (&producer, "error "), "'../cam'") != NULL,
      "%s", find_event (&producer, "error "));
}

GST_END_TEST;

/* The id of the last session-started of @peer. */
static gchar *
last_started_session (Peer * peer, const gchar * producer_id)
{
  gchar *suffix = g_strconcat (" ", producer_id, NULL);
  const gchar *event = NULL;
  gchar *session_id;
  guint i;

  for (i = 0; i < peer->events->len; i++) {
    if (g_str_has_prefix (g_ptr_array_index (peer->events, i),
            "session-started "))
      event = g_ptr_array_index (peer->events, i);
  }
  fail_unless (event != NULL && g_str_has_suffix (event, suffix), "%s",
      GST_STR_NULL (event));
  session_id = g_strndup (event + strlen ("session-started "),
      strlen (event) - strlen ("session-started ") - strlen (suffix));
  g_free (suffix);
  return session_id;
}

static void
check_contents (const gchar * path, const gchar * expected)
{
  gchar *contents = NULL;

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "'%s' is gone", path);
  fail_unless_equals_string (contents, expected);
  g_free (contents);
}

static void
check_mode (const gchar * path, guint expected)
{
  GStatBuf st;

  fail_unless (g_lstat (path, &st) == 0, "cannot stat '%s'", path);
  fail_unless ((st.st_mode & 07777) == expected, "'%s' has mode %04o, not "
      "%04o", path, (guint) (st.st_mode & 07777), expected);
}

/* A session folder swapped for a symbolic link to a folder outside the
 * shared directory, with files in it: both sides end the session, and
 * nothing out there is read, written or removed. */
GST_START_TEST (test_symlinked_session)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);
  gchar *session_dir = g_build_filename (dir, "sessions", session_id, NULL);
  gchar *moved = g_build_filename (tmp_dir, "moved-session", NULL);
  gchar *outside = g_build_filename (tmp_dir, "outside", NULL);
  gchar *request = session_file (session_id, "request");
  gchar *request_text = NULL;
  const gchar *names[] = { "precious", "request", "from-producer",
    "from-consumer"
  };
  const gchar *texts[] = { "keep me\n", NULL, "end\n\n",
    "candidate\na=candidate:9 1 UDP 9 10.6.6.6 9 typ host\n\nend\n\n"
  };
  gchar *session2_id;
  guint i;

  fail_unless (g_file_get_contents (request, &request_text, NULL, NULL));
  texts[1] = request_text;
  fail_unless_equals_int (g_mkdir (outside, 0700), 0);
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *path = g_build_filename (outside, names[i], NULL);

    fail_unless (g_file_set_contents (path, texts[i], -1, NULL));
    g_free (path);
  }

  /* swapped while both sides poll it */
  fail_unless_equals_int (g_rename (session_dir, moved), 0);
  fail_unless_equals_int (symlink (outside, session_dir), 0);

  wait_for_events (&producer, ended, 1);
  wait_for_events (&consumer1, ended, 1);
  run_for (5 * POLL_INTERVAL);

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *path = g_build_filename (outside, names[i], NULL);

    check_contents (path, texts[i]);
    g_free (path);
  }
  fail_unless (g_file_test (session_dir, G_FILE_TEST_IS_SYMLINK),
      "the symbolic link was not left alone");
  fail_unless_equals_int (count_events (&producer, "candidate "), 0);

  /* and the producer goes on serving */
  gst_ice_signaller_request_session (consumer2.signaller, "cam");
  wait_for_events (&consumer2, "session-started ", 1);
  session2_id = last_started_session (&consumer2, "cam");
  wait_for_events (&producer, "session-requested ", 2);
  send_all (&producer, session2_id);
  check_received_all (&consumer2, session2_id);

  g_free (session2_id);
  g_free (request_text);
  g_free (request);
  g_free (outside);
  g_free (moved);
  g_free (session_dir);
  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

/* A message file swapped for a symbolic link to a file outside: it is
 * neither read nor written through, and the session ends. */
GST_START_TEST (test_symlinked_message_file)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);
  gchar *from_consumer = session_file (session_id, "from-consumer");
  gchar *victim = g_build_filename (tmp_dir, "victim", NULL);
  const gchar *text = "candidate\na=candidate:9 1 UDP 9 10.6.6.6 9 typ host"
      "\n\n";

  fail_unless (g_file_set_contents (victim, text, -1, NULL));
  fail_unless_equals_int (symlink (victim, from_consumer), 0);

  gst_ice_signaller_send_candidate (consumer1.signaller, session_id,
      "a=candidate:2 1 UDP 2 10.0.0.2 2 typ host");
  run_for (5 * POLL_INTERVAL);

  check_contents (victim, text);
  fail_unless_equals_int (count_events (&producer, "candidate "), 0);
  fail_unless (g_file_test (from_consumer, G_FILE_TEST_IS_SYMLINK));
  wait_for_events (&producer, ended, 1);
  wait_for_events (&consumer1, ended, 1);
  fail_unless_equals_int (count_events (&consumer1, "error "), 0);
  check_contents (victim, text);

  g_free (victim);
  g_free (from_consumer);
  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

static gchar *
prepare_error (const gchar * directory)
{
  GstIceSignaller *signaller = gst_ice_directory_signaller_new (directory);
  GError *error = NULL;
  gchar *message;

  fail_if (gst_ice_signaller_prepare (signaller, &error),
      "'%s' was accepted", directory);
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  GST_INFO ("%s", error->message);
  message = g_strdup (error->message);
  g_clear_error (&error);
  g_object_unref (signaller);
  return message;
}

/* Sets an icesink using @directory to READY; returns the error it posted */
static gchar *
element_ready_error (const gchar * directory)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  GstBus *bus = gst_bus_new ();
  GError *err = NULL;
  GstMessage *msg;
  gchar *text;

  fail_unless (sink != NULL);
  g_object_set (sink, "signaller-type", "directory", NULL);
  gst_child_proxy_set (GST_CHILD_PROXY (sink), "signaller::directory",
      directory, NULL);
  gst_element_set_bus (sink, bus);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message");
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  return text;
}

static void
check_refused_mode (const gchar * path, guint mode)
{
  gchar *expected_mode = g_strdup_printf ("mode %04o", mode);
  gchar *message;

  fail_unless_equals_int (g_chmod (path, mode), 0);
  message = prepare_error (dir);
  fail_unless (strstr (message, path) != NULL, "%s", message);
  fail_unless (strstr (message, expected_mode) != NULL, "%s", message);
  fail_unless (strstr (message, "chmod 700") != NULL, "%s", message);
  g_free (message);
  fail_unless_equals_int (g_chmod (path, 0700), 0);
  g_free (expected_mode);
}

/* A directory other users can write to is refused at READY, and the
 * error says how to make it private. */
GST_START_TEST (test_prepare_refuses_writable_directory)
{
  gchar *producers = g_build_filename (dir, "producers", NULL);
  gchar *message;

  fail_unless_equals_int (g_mkdir (dir, 0700), 0);
  check_refused_mode (dir, 0777);
  check_refused_mode (dir, 0770);
  check_refused_mode (dir, 0702);
  /* its folders too */
  fail_unless_equals_int (g_mkdir (producers, 0700), 0);
  check_refused_mode (producers, 0777);

  /* what the user sees, from the element */
  fail_unless_equals_int (g_chmod (dir, 0777), 0);
  message = element_ready_error (dir);
  fail_unless (strstr (message, dir) != NULL, "%s", message);
  fail_unless (strstr (message, "chmod 700") != NULL, "%s", message);
  g_free (message);

  /* readable by others is the user's choice; the files are private */
  fail_unless_equals_int (g_chmod (dir, 0755), 0);
  fail_unless_equals_int (g_chmod (producers, 0755), 0);
  prepare_and_start (&producer, GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam");
  prepare_and_start (&consumer1, GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer1");
  wait_for_events (&consumer1, "producer-added cam", 1);

  g_free (producers);
}

GST_END_TEST;

/* A directory that belongs to another user is refused at READY. */
GST_START_TEST (test_prepare_refuses_foreign_directory)
{
  gchar *sessions = g_build_filename (dir, "sessions", NULL);
  gchar *message;

  if (geteuid () != 0) {
    g_print ("SKIP %s: it needs root, to give a folder to another user "
        "(uid 65534)\n", __FUNCTION__);
    g_free (sessions);
    return;
  }

  fail_unless_equals_int (g_mkdir (dir, 0700), 0);
  fail_unless_equals_int (chown (dir, 65534, 65534), 0);
  message = prepare_error (dir);
  fail_unless (strstr (message, dir) != NULL, "%s", message);
  fail_unless (strstr (message, "uid 65534") != NULL, "%s", message);
  fail_unless (strstr (message, "uid 0") != NULL, "%s", message);
  g_free (message);

  message = element_ready_error (dir);
  fail_unless (strstr (message, "uid 65534") != NULL, "%s", message);
  g_free (message);

  /* its folders too */
  fail_unless_equals_int (chown (dir, 0, 0), 0);
  fail_unless_equals_int (g_mkdir (sessions, 0700), 0);
  fail_unless_equals_int (chown (sessions, 65534, 65534), 0);
  message = prepare_error (dir);
  fail_unless (strstr (message, sessions) != NULL, "%s", message);
  fail_unless (strstr (message, "uid 65534") != NULL, "%s", message);
  g_free (message);

  g_free (sessions);
}

GST_END_TEST;

/* Runs a session with @mask as umask: every folder is 0700 and every file
 * 0600 all the same. */
static void
check_modes_with_umask (mode_t mask)
{
  const gchar *files[] = { "request", "from-producer", "from-consumer" };
  gchar *session_id, *path;
  mode_t old_mask;
  guint i;

  old_mask = umask (mask);
  session_id = start_session ();
  send_all (&producer, session_id);
  check_received_all (&consumer1, session_id);
  send_all (&consumer1, session_id);
  check_received_all (&producer, session_id);
  umask (old_mask);

  check_mode (dir, 0700);
  path = g_build_filename (dir, "producers", NULL);
  check_mode (path, 0700);
  g_free (path);
  path = g_build_filename (dir, "sessions", NULL);
  check_mode (path, 0700);
  g_free (path);
  path = g_build_filename (dir, "producers", "cam", NULL);
  check_mode (path, 0600);
  g_free (path);
  path = g_build_filename (dir, "sessions", session_id, NULL);
  check_mode (path, 0700);
  g_free (path);
  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    path = session_file (session_id, files[i]);
    check_mode (path, 0600);
    g_free (path);
  }
  g_free (session_id);
}

GST_START_TEST (test_modes)
{
  check_modes_with_umask (0);
}

GST_END_TEST;

GST_START_TEST (test_modes_strict_umask)
{
  check_modes_with_umask (0277);
}

GST_END_TEST;

/* The longest time between two ticks of a timeout on the test's context */
typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticker;

#define TICK_MS 20
#define MAX_TICK_GAP_MS 250

static gboolean
tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();

  if (ticker->last != 0)
    ticker->max_gap = MAX (ticker->max_gap, now - ticker->last);
  ticker->last = now;
  return G_SOURCE_CONTINUE;
}

static GSource *
ticker_start (Ticker * ticker)
{
  GSource *source = g_timeout_source_new (TICK_MS);

  ticker->last = g_get_monotonic_time ();
  ticker->max_gap = 0;
  g_source_set_callback (source, tick_cb, ticker, NULL);
  g_source_attach (source, context);
  return source;
}

static void
check_ticker (Ticker * ticker, const gchar * while_what)
{
  GST_INFO ("longest gap between two %d ms ticks %s: %" G_GINT64_FORMAT
      " ms", TICK_MS, while_what, ticker->max_gap / G_TIME_SPAN_MILLISECOND);
  fail_unless (ticker->max_gap < MAX_TICK_GAP_MS * G_TIME_SPAN_MILLISECOND,
      "the context stalled for %" G_GINT64_FORMAT " ms %s (a %d ms timeout)",
      ticker->max_gap / G_TIME_SPAN_MILLISECOND, while_what, TICK_MS);
}

/* A thread that notices when someone opens a FIFO for reading, by opening
 * it for writing without blocking, and then keeps that reader blocked for
 * FIFO_HOLD_MS, as a peer that writes slowly would. */
#define FIFO_HOLD_MS 1000

typedef struct
{
  const gchar *path;
  GMutex lock;
  GCond cond;
  gboolean stop;
  guint opened;
  GThread *thread;
} FifoWatcher;

static gboolean
fifo_watcher_wait (FifoWatcher * watcher, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  gboolean stop;

  g_mutex_lock (&watcher->lock);
  while (!watcher->stop
      && g_cond_wait_until (&watcher->cond, &watcher->lock, deadline));
  stop = watcher->stop;
  g_mutex_unlock (&watcher->lock);
  return stop;
}

static gpointer
fifo_watcher_thread (gpointer user_data)
{
  FifoWatcher *watcher = user_data;
  gboolean stop = FALSE;

  while (!stop) {
    int fd = open (watcher->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd >= 0) {
      GST_INFO ("someone opened %s", watcher->path);
      g_atomic_int_inc (&watcher->opened);
      stop = fifo_watcher_wait (watcher, FIFO_HOLD_MS);
      close (fd);
    } else {
      /* ENXIO: nobody reads it; nothing tells us when that changes */
      stop = fifo_watcher_wait (watcher, 5);
    }
  }
  return NULL;
}

static void
fifo_watcher_start (FifoWatcher * watcher, const gchar * path)
{
  memset (watcher, 0, sizeof (FifoWatcher));
  watcher->path = path;
  g_mutex_init (&watcher->lock);
  g_cond_init (&watcher->cond);
  watcher->thread = g_thread_new ("fifo-watcher", fifo_watcher_thread, watcher);
}

static guint
fifo_watcher_stop (FifoWatcher * watcher)
{
  g_mutex_lock (&watcher->lock);
  watcher->stop = TRUE;
  g_cond_signal (&watcher->cond);
  g_mutex_unlock (&watcher->lock);
  g_thread_join (watcher->thread);
  g_mutex_clear (&watcher->lock);
  g_cond_clear (&watcher->cond);
  return g_atomic_int_get (&watcher->opened);
}

/* A FIFO with no writer where a producer file should be: the consumer
 * never opens it (it would block), its context keeps running, and its
 * session goes on. */
GST_START_TEST (test_fifo_producer_file)
{
  gchar *fifo = g_build_filename (dir, "producers", "fifo-cam", NULL);
  FifoWatcher watcher;
  Ticker ticker;
  GSource *tick;
  gchar *session_id;

  prepare_and_start (&producer, GST_ICE_SIGNALLER_ROLE_PRODUCER, "cam");
  prepare_and_start (&consumer1, GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer1");
  wait_for_events (&consumer1, "producer-added cam", 1);

  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  fifo_watcher_start (&watcher, fifo);
  tick = ticker_start (&ticker);

  gst_ice_signaller_request_session (consumer1.signaller, "cam");
  wait_for_events (&consumer1, "session-started ", 1);
  session_id = last_started_session (&consumer1, "cam");
  wait_for_events (&producer, "session-requested ", 1);
  send_all (&producer, session_id);
  check_received_all (&consumer1, session_id);
  run_for (10 * POLL_INTERVAL);

  fail_unless_equals_int (fifo_watcher_stop (&watcher), 0);
  check_ticker (&ticker, "with a FIFO in producers/");
  fail_unless_equals_int (count_events (&consumer1, "producer-added fifo-cam"),
      0);
  fail_unless (g_file_test (fifo, G_FILE_TEST_EXISTS));

  remove_timer (tick);
  g_free (session_id);
  g_free (fifo);
}

GST_END_TEST;

/* A FIFO where the consumer's message file should be: nothing is written
 * into it, and the session ends on both sides. */
GST_START_TEST (test_fifo_message_file)
{
  gchar *session_id = start_session ();
  gchar *ended = g_strdup_printf ("session-ended %s", session_id);
  gchar *from_consumer = session_file (session_id, "from-consumer");
  gchar buf[256];
  gssize n;
  int fd;

  fail_unless_equals_int (mkfifo (from_consumer, 0600), 0);
  /* a reader and a writer: opening it would not block */
  fd = open (from_consumer, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  fail_unless (fd >= 0);

  gst_ice_signaller_send_candidate (consumer1.signaller, session_id,
      "a=candidate:2 1 UDP 2 10.0.0.2 2 typ host");
  run_for (5 * POLL_INTERVAL);

  n = read (fd, buf, sizeof (buf));
  fail_unless (n < 0 && errno == EAGAIN, "%" G_GSSIZE_FORMAT " bytes were "
      "written into the FIFO: %.*s", n, (int) MAX (n, 0), buf);
  wait_for_events (&consumer1, ended, 1);
  wait_for_events (&producer, ended, 1);
  fail_unless_equals_int (count_events (&consumer1, "error "), 0);

  close (fd);
  g_free (from_consumer);
  g_free (ended);
  g_free (session_id);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GString *warnings;
} LogCapture;

static void
capture_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  LogCapture *capture = user_data;

  if (level != GST_LEVEL_WARNING
      || strcmp (gst_debug_category_get_name (category),
          "icedirectorysignaller") != 0)
    return;
  g_mutex_lock (&capture->lock);
  g_string_append_printf (capture->warnings, "%s\n",
      gst_debug_message_get (message));
  g_mutex_unlock (&capture->lock);
}

/* A consumer on a mount whose server stops answering: its context (shared
 * here with three other signallers) keeps running, their session goes on,
 * and stop() returns after a bounded wait, saying why. */
GST_START_TEST (test_slow_mount)
{
  gchar *slow_dir = g_build_filename (tmp_dir, "slow", NULL);
  LogCapture capture = { {0}, g_string_new (NULL) };
  gchar *session_id, *why = NULL;
  gboolean expired;
  GSource *tick, *watchdog;
  Ticker ticker;
  SlowFs *slow;
  Peer far;
  gint64 start, stopped;

  fail_unless_equals_int (g_mkdir (slow_dir, 0700), 0);
  slow = slow_fs_mount (slow_dir, &why);
  if (slow == NULL) {
    g_print ("SKIP %s: %s\n", __FUNCTION__, why);
    g_free (why);
    g_free (slow_dir);
    g_string_free (capture.warnings, TRUE);
    return;
  }
  g_mutex_init (&capture.lock);
  gst_debug_set_threshold_for_name ("icedirectorysignaller", GST_LEVEL_WARNING);
  gst_debug_add_log_function (capture_log, &capture, NULL);

  peer_init_at (&far, "far", slow_dir);
  prepare_and_start (&far, GST_ICE_SIGNALLER_ROLE_CONSUMER, "far-viewer");
  session_id = start_session ();

  /* the server holds every request for 3 s: wait until the far consumer
   * is stuck in one */
  tick = ticker_start (&ticker);
  slow_fs_set_delay (slow, 3000);
  watchdog = add_timer (WATCHDOG_MS, &expired);
  while (slow_fs_get_n_held (slow) == 0 && !expired)
    g_main_context_iteration (context, TRUE);
  remove_timer (watchdog);
  fail_if (expired, "the far consumer never read its directory");
  check_ticker (&ticker, "while a directory did not answer");

  /* meanwhile, a session on the other directory works */
  send_all (&producer, session_id);
  check_received_all (&consumer1, session_id);
  send_all (&consumer1, session_id);
  check_received_all (&producer, session_id);
  fail_unless (slow_fs_get_n_holding (slow) > 0,
      "the session took longer than the mount was stuck");
  check_ticker (&ticker, "while a directory did not answer");
  remove_timer (tick);

  /* stop() waits a bounded time for the stuck thread, and says so */
  start = g_get_monotonic_time ();
  gst_ice_signaller_stop (far.signaller);
  stopped = g_get_monotonic_time ();
  GST_INFO ("stop() took %" G_GINT64_FORMAT " ms",
      (stopped - start) / G_TIME_SPAN_MILLISECOND);
  fail_unless (stopped - start < 2500 * G_TIME_SPAN_MILLISECOND,
      "stop() took %" G_GINT64_FORMAT " ms",
      (stopped - start) / G_TIME_SPAN_MILLISECOND);
  g_mutex_lock (&capture.lock);
  fail_unless (strstr (capture.warnings->str, slow_dir) != NULL
      && strstr (capture.warnings->str, "did not answer") != NULL,
      "no warning about the stuck directory: %s", capture.warnings->str);
  g_mutex_unlock (&capture.lock);
  fail_unless_equals_int (far.events->len, 0);

  gst_debug_remove_log_function (capture_log);
  slow_fs_set_delay (slow, 0);
  peer_clear (&far);
  slow_fs_unmount (slow);

  g_mutex_clear (&capture.lock);
  g_string_free (capture.warnings, TRUE);
  g_free (session_id);
  g_free (slow_dir);
}

GST_END_TEST;

static Suite *
directorysignaller_suite (void)
{
  Suite *s = suite_create ("directorysignaller");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_prepare_needs_directory);
  tcase_add_test (tc, test_prepare_not_writable);
  tcase_add_test (tc, test_prepare_creates_directory);
  tcase_add_test (tc, test_session);
  tcase_add_test (tc, test_producer_ends_session);
  tcase_add_test (tc, test_producer_restart);
  tcase_add_test (tc, test_quick_producer_restart);
  tcase_add_test (tc, test_consumer_stop);
  tcase_add_test (tc, test_garbage);
  tcase_add_test (tc, test_unknown_producer);
  tcase_add_test (tc, test_bad_peer_id);
  tcase_add_test (tc, test_symlinked_session);
  tcase_add_test (tc, test_symlinked_message_file);
  tcase_add_test (tc, test_prepare_refuses_writable_directory);
  tcase_add_test (tc, test_prepare_refuses_foreign_directory);
  tcase_add_test (tc, test_modes);
  tcase_add_test (tc, test_modes_strict_umask);
  tcase_add_test (tc, test_fifo_producer_file);
  tcase_add_test (tc, test_fifo_message_file);
  tcase_add_test (tc, test_slow_mount);

  return s;
}

GST_CHECK_MAIN (directorysignaller);
