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

/* GstIceSession with what a hostile peer sends: one real libnice agent,
 * no signaller, no element. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticesession.h>

#define UFRAG "8hhY"
#define PWD "asd88fgpdd777uzjYhagZg"

/* warnings of the "icesession" category */
static GPtrArray *warnings;

static void
collect_warning (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  if (level == GST_LEVEL_WARNING
      && strcmp (gst_debug_category_get_name (category), "icesession") == 0)
    g_ptr_array_add (warnings, g_strdup (gst_debug_message_get (message)));
}

static void
on_closed (GstIceSession * session, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* as the transport's, it outlives the session */
static GstIceSessionConfig config;

static GstIceSession *
session_new (GMainContext * context)
{
  config.ice_udp = TRUE;
  config.local_addresses = g_ptr_array_new ();
  g_ptr_array_add (config.local_addresses, (gpointer) "127.0.0.1");
  return gst_ice_session_new ("session", "peer", TRUE, context, &config);
}

static void
session_close (GstIceSession * session, GMainContext * context)
{
  gboolean closed = FALSE;

  /* libnice completes the close in the thread-default context */
  g_main_context_push_thread_default (context);
  gst_ice_session_close (session, on_closed, &closed);
  while (!closed)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  gst_object_unref (session);
  g_clear_pointer (&config.local_addresses, g_ptr_array_unref);
}

/* the peer's candidates the agent holds, from the description of both
 * sides' candidates that error messages use */
static guint
count_remote_candidates (GstIceSession * session)
{
  gchar *text = gst_ice_session_describe_candidates (session);
  const gchar *p = strstr (text, "remote candidates:");
  guint n = 0;

  fail_unless (p != NULL);
  while ((p = strstr (p, " host ")) != NULL) {
    n++;
    p++;
  }
  g_free (text);
  return n;
}

static gchar *
candidate_line (guint i)
{
  return g_strdup_printf ("a=candidate:%u 1 UDP 2013266431 192.0.2.%u %u "
      "typ host", i, 1 + i % 250, 10000 + i);
}

/* A peer that trickles a thousand candidates, before and after its
 * description: the session keeps the first ones, up to the cap, and says
 * so once. */
GST_START_TEST (test_candidate_cap)
{
  GMainContext *context = g_main_context_new ();
  GstIceSession *session;
  GstIceDescription *desc;
  GError *error = NULL;
  guint i;

  warnings = g_ptr_array_new_with_free_func (g_free);
  gst_debug_add_log_function (collect_warning, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("icesession", GST_LEVEL_WARNING);

  session = session_new (context);

  /* before the description: kept for later */
  for (i = 0; i < 500; i++) {
    gchar *line = candidate_line (i);

    fail_unless (gst_ice_session_add_remote_candidate (session, line, &error));
    fail_unless (error == NULL);
    g_free (line);
  }

  desc = gst_ice_description_new (UFRAG, PWD);
  for (i = 500; i < 600; i++) {
    gchar *line = candidate_line (i);

    gst_ice_description_add_candidate (desc, line);
    g_free (line);
  }
  fail_unless (gst_ice_session_set_remote_description (session, desc, &error));
  gst_ice_description_free (desc);

  /* after it: applied at once */
  for (i = 600; i < 1000; i++) {
    gchar *line = candidate_line (i);

    fail_unless (gst_ice_session_add_remote_candidate (session, line, &error));
    fail_unless (error == NULL);
    g_free (line);
  }
  /* the end of candidates is no candidate: still taken */
  fail_unless (gst_ice_session_add_remote_candidate (session,
          GST_ICE_END_OF_CANDIDATES_LINE, &error));

  fail_unless_equals_int (count_remote_candidates (session),
      GST_ICE_SESSION_MAX_REMOTE_CANDIDATES);

  gst_debug_remove_log_function (collect_warning);
  gst_debug_unset_threshold_for_name ("icesession");
  if (gst_debug_is_active ()) {
    fail_unless_equals_int (warnings->len, 1);
    fail_unless (strstr (g_ptr_array_index (warnings, 0), "peer 'peer' sent "
            "more than " G_STRINGIFY (GST_ICE_SESSION_MAX_REMOTE_CANDIDATES)
            " candidates: ignoring the rest") != NULL, "%s",
        (gchar *) g_ptr_array_index (warnings, 0));
  }
  g_ptr_array_unref (warnings);
  warnings = NULL;

  session_close (session, context);
  g_main_context_unref (context);
}

GST_END_TEST;

/* The cap counts what the agent took: bad lines do not use it up. */
GST_START_TEST (test_bad_candidates_do_not_count)
{
  GMainContext *context = g_main_context_new ();
  GstIceSession *session = session_new (context);
  GstIceDescription *desc = gst_ice_description_new (UFRAG, PWD);
  GError *error = NULL;
  guint i;

  fail_unless (gst_ice_session_set_remote_description (session, desc, &error));
  gst_ice_description_free (desc);

  for (i = 0; i < 200; i++) {
    fail_if (gst_ice_session_add_remote_candidate (session,
            "a=candidate:garbage", &error));
    g_clear_error (&error);
  }
  for (i = 0; i < 10; i++) {
    gchar *line = candidate_line (i);

    fail_unless (gst_ice_session_add_remote_candidate (session, line, &error));
    g_free (line);
  }
  fail_unless_equals_int (count_remote_candidates (session), 10);

  session_close (session, context);
  g_main_context_unref (context);
}

GST_END_TEST;

/* An ICE restart gives the session a new stream without the peer's old
 * candidates: the peer's next ones are taken again. */
GST_START_TEST (test_cap_after_restart)
{
  GMainContext *context = g_main_context_new ();
  GstIceSession *session = session_new (context);
  GstIceDescription *desc = gst_ice_description_new (UFRAG, PWD);
  GError *error = NULL;
  guint i;

  for (i = 0; i < 100; i++) {
    gchar *line = candidate_line (i);

    gst_ice_description_add_candidate (desc, line);
    g_free (line);
  }
  fail_unless (gst_ice_session_set_remote_description (session, desc, &error));
  gst_ice_description_free (desc);
  fail_unless_equals_int (count_remote_candidates (session),
      GST_ICE_SESSION_MAX_REMOTE_CANDIDATES);

  gst_ice_session_restart (session);
  desc = gst_ice_description_new ("Kp2s", "0bf7ac2c8fd5c3a1a2fe31a0");
  fail_unless (gst_ice_session_set_remote_description (session, desc, &error));
  gst_ice_description_free (desc);
  for (i = 200; i < 210; i++) {
    gchar *line = candidate_line (i);

    fail_unless (gst_ice_session_add_remote_candidate (session, line, &error));
    g_free (line);
  }
  fail_unless_equals_int (count_remote_candidates (session), 10);

  session_close (session, context);
  g_main_context_unref (context);
}

GST_END_TEST;

/* What one side of a pair of sessions in one process needs */
typedef struct
{
  GstIceSession *peer;
  gint64 selected_us;
} PairSide;

static void
on_pair_candidate (GstIceSession * session, const gchar * line, PairSide * side)
{
  fail_unless (gst_ice_session_add_remote_candidate (side->peer, line, NULL));
}

static void
on_pair_selected (GstIceSession * session, const GstStructure * pair,
    PairSide * side)
{
  if (side->selected_us == 0)
    side->selected_us = g_get_monotonic_time ();
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
give_description (GstIceSession * from, GstIceSession * to)
{
  gchar *text = gst_ice_session_get_local_description (from, NULL);
  GstIceDescription *desc = gst_ice_description_parse (text, NULL);

  fail_unless (desc != NULL);
  fail_unless (gst_ice_session_set_remote_description (to, desc, NULL));
  gst_ice_description_free (desc);
  g_free (text);
}

/* Two sessions over loopback, one host candidate each, pace their
 * checks at 5 ms and select a pair.  The first check, the stopping
 * criterion and the nomination each wait for one of libnice's ticks (Ta):
 * with its default of 20 ms no pair came before 60 ms, with 5 ms after
 * about 15.  How long it takes is the benchmark's to measure
 * (scripts/bench.sh --rows ttfb), not a timed test's. */
GST_START_TEST (test_checks_paced_at_5_ms)
{
  GMainContext *context = g_main_context_new ();
  GstIceSession *controlling, *controlled;
  PairSide a = { NULL, 0 }, b = { NULL, 0 };
  gboolean timed_out = FALSE;
  GSource *timer;
  gint64 start;

  config.ice_udp = TRUE;
  config.local_addresses = g_ptr_array_new ();
  g_ptr_array_add (config.local_addresses, (gpointer) "127.0.0.1");
  controlling = gst_ice_session_new ("s", "b", TRUE, context, &config);
  controlled = gst_ice_session_new ("s", "a", FALSE, context, &config);
  a.peer = controlled;
  b.peer = controlling;
  g_signal_connect (controlling, "local-candidate",
      G_CALLBACK (on_pair_candidate), &a);
  g_signal_connect (controlled, "local-candidate",
      G_CALLBACK (on_pair_candidate), &b);
  g_signal_connect (controlling, "selected-pair",
      G_CALLBACK (on_pair_selected), &a);
  g_signal_connect (controlled, "selected-pair",
      G_CALLBACK (on_pair_selected), &b);
  give_description (controlling, controlled);
  give_description (controlled, controlling);
  fail_unless_equals_int (gst_ice_session_get_check_pacing (controlling), 5);
  fail_unless_equals_int (gst_ice_session_get_check_pacing (controlled), 5);

  start = g_get_monotonic_time ();
  fail_unless (gst_ice_session_gather (controlling, NULL));
  fail_unless (gst_ice_session_gather (controlled, NULL));
  timer = g_timeout_source_new_seconds (5);
  g_source_set_callback (timer, set_flag, &timed_out, NULL);
  g_source_attach (timer, context);
  while ((a.selected_us == 0 || b.selected_us == 0) && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  fail_unless (a.selected_us != 0 && b.selected_us != 0, "no pair in 5 s");
  GST_INFO ("pair selected after %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
      " us", a.selected_us - start, b.selected_us - start);

  g_signal_handlers_disconnect_by_data (controlling, &a);
  g_signal_handlers_disconnect_by_data (controlled, &b);
  session_close (controlling, context);
  session_close (controlled, context);
  g_main_context_unref (context);
}

GST_END_TEST;

static Suite *
session_suite (void)
{
  Suite *s = suite_create ("session");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_candidate_cap);
  tcase_add_test (tc, test_bad_candidates_do_not_count);
  tcase_add_test (tc, test_cap_after_restart);
  tcase_add_test (tc, test_checks_paced_at_5_ms);

  return s;
}

GST_CHECK_MAIN (session);
