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

/* A sender and a receiver started, streaming and stopped again and again,
 * as a device that runs for months does at every network change: after
 * the first runs, the process must hold no more file descriptors, threads
 * or memory than it did.
 *
 * GST_ICE_TEST_CYCLES sets how many cycles each test measures: 100 by
 * default (about 10 s each), fewer under the sanitizers (scripts/
 * sanitize.sh, scripts/tsan.sh); docs/robustness.md has the figures. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "icetestutil.h"
#include "relaysignaller.h"
#include "testusage.h"

#define TIMEOUT (20 * GST_SECOND)
#define DEFAULT_CYCLES 100
/* cycles run before measuring: GStreamer's and GLib's pools, OpenSSL's
 * and GnuTLS's one-time tables, the first of each object's class */
#define WARM_UP_CYCLES 3
/* cycles averaged at the start and at the end of the measured run */
#define WINDOW 5
#define N_BUFFERS 20
/* What the resident set may grow by over the whole run.  glibc's heaps
 * do not shrink back exactly (arenas of threads that come and go,
 * fragmentation): steps of up to a few hundred KiB.  A leaked session
 * (agent, sockets, SSL, context: over 100 KiB) per cycle would be 3 MiB
 * after 30 cycles.  AddressSanitizer and ThreadSanitizer keep freed memory
 * for their own checks, so the resident set means nothing there: LSan
 * checks leaks in that run. */
#define RSS_SLACK_KIB 2048
#if defined (__SANITIZE_ADDRESS__) || defined (__SANITIZE_THREAD__)
#define CHECK_RSS FALSE
#else
#define CHECK_RSS TRUE
#endif

typedef GstElement *(*StartProducer) (void);
typedef GstElement *(*StartConsumer) (GstElement * producer);

static guint
n_cycles (void)
{
  const gchar *env = g_getenv ("GST_ICE_TEST_CYCLES");
  guint64 n = env ? g_ascii_strtoull (env, NULL, 10) : 0;

  return n >= WINDOW * 2 ? (guint) n : DEFAULT_CYCLES;
}

static GstElement *
start (GstElement * pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

/* One start, stream and stop of both sides. */
static void
cycle (StartProducer start_producer, StartConsumer start_consumer)
{
  GstElement *producer = start_producer ();
  GstElement *consumer;
  /* not on the stack: icesink may end an emission after it stopped */
  static gint added, removed;

  g_atomic_int_set (&added, 0);
  test_count_peers (producer, &added, &removed);
  consumer = start_consumer (producer);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no consumer joined");
  test_push_numbered (producer, 0, N_BUFFERS, 0);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          NULL), N_BUFFERS);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
}

static void
window_mean (const TestUsage * usage, guint first, TestUsage * mean)
{
  guint64 fds = 0, threads = 0, rss = 0;
  guint i;

  for (i = first; i < first + WINDOW; i++) {
    fds += usage[i].fds;
    threads += usage[i].threads;
    rss += usage[i].rss_kib;
  }
  mean->fds = (fds + WINDOW / 2) / WINDOW;
  mean->threads = (threads + WINDOW / 2) / WINDOW;
  mean->rss_kib = rss / WINDOW;
}

/* Runs the cycles, prints the first and the last ones, and checks that
 * fds, threads and memory did not grow. */
static void
run_cycles (const gchar * name, StartProducer start_producer,
    StartConsumer start_consumer)
{
  guint n = n_cycles (), i;
  TestUsage *usage = g_new0 (TestUsage, n);
  TestUsage first, last, max = { 0, 0, 0 };
  guint first_max_fds = 0, first_max_threads = 0;
  guint pool_threads = g_thread_pool_get_max_unused_threads ();
  gint64 start_time;

  for (i = 0; i < WARM_UP_CYCLES; i++)
    cycle (start_producer, start_consumer);

  start_time = g_get_monotonic_time ();
  for (i = 0; i < n; i++) {
    cycle (start_producer, start_consumer);
    test_usage_get (&usage[i]);
    if (i < WINDOW) {
      first_max_fds = MAX (first_max_fds, usage[i].fds);
      first_max_threads = MAX (first_max_threads, usage[i].threads);
    } else {
      max.fds = MAX (max.fds, usage[i].fds);
      max.threads = MAX (max.threads, usage[i].threads);
    }
  }
  window_mean (usage, 0, &first);
  window_mean (usage, n - WINDOW, &last);

  g_print ("%s: %u cycles in %.1f s\n", name, n,
      (g_get_monotonic_time () - start_time) / (gdouble) G_USEC_PER_SEC);
  g_print ("%s: cycles 1-%u: %u fds, %u threads, %" G_GUINT64_FORMAT
      " KiB resident\n", name, WINDOW, first.fds, first.threads, first.rss_kib);
  g_print ("%s: cycles %u-%u: %u fds, %u threads, %" G_GUINT64_FORMAT
      " KiB resident\n", name, n - WINDOW + 1, n, last.fds, last.threads,
      last.rss_kib);
  g_print ("%s: at most %u fds and %u threads after cycles 1-%u, %u and "
      "%u after the later ones\n", name, first_max_fds, first_max_threads,
      WINDOW, max.fds, max.threads);

  /* A stop leaves nothing behind: one fd or thread more per cycle would
   * show as n more.  Threads vary a little: GLib keeps up to
   * pool_threads idle threads of its shared pool (GStreamer's tasks,
   * gst_element_call_async(), GIO's jobs) and lets them go when idle. */
  fail_unless (max.fds <= first_max_fds, "%s: %u fds after a cycle, %u "
      "after the first ones", name, max.fds, first_max_fds);
  fail_unless (max.threads <= first_max_threads + pool_threads, "%s: %u "
      "threads after a cycle, %u after the first ones", name, max.threads,
      first_max_threads);
  if (CHECK_RSS)
    fail_unless (last.rss_kib <= first.rss_kib + RSS_SLACK_KIB, "%s: the "
        "resident set grew from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
        " KiB in %u cycles", name, first.rss_kib, last.rss_kib, n);
  g_free (usage);
}

static GstElement *
relay_producer (void)
{
  return start (test_producer_new ("peer-id=cam "
          "signaller-type=TestRelaySignaller"));
}

static GstElement *
relay_consumer (GstElement * producer)
{
  return start (test_consumer_new ("signaller-type=TestRelaySignaller"));
}

GST_START_TEST (test_cycles_relay_signaller)
{
  test_relay_init ();
  run_cycles ("relay signaller", relay_producer, relay_consumer);
}

GST_END_TEST;

static GstElement *
server_producer (void)
{
  return start (test_producer_new ("run-signalling-server=true "
          "signalling-server-host=127.0.0.1 signalling-server-port=0"));
}

static GstElement *
server_consumer (GstElement * producer)
{
  gchar *props;
  GstElement *consumer;
  guint port = 0;

  g_object_get (test_get (producer, "sink"), "signalling-server-port", &port,
      NULL);
  fail_unless (port != 0);
  props = g_strdup_printf ("signaller::uri=ws://127.0.0.1:%u", port);
  consumer = start (test_consumer_new (props));
  g_free (props);
  return consumer;
}

GST_START_TEST (test_cycles_embedded_server)
{
  run_cycles ("embedded server", server_producer, server_consumer);
}

GST_END_TEST;

static Suite *
cycles_suite (void)
{
  Suite *s = suite_create ("cycles");
  TCase *tc = tcase_create ("cycles");

  /* CK_DEFAULT_TIMEOUT (meson.build) would cut a run of 100 short */
  tcase_set_timeout (tc, 900);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_cycles_relay_signaller);
  tcase_add_test (tc, test_cycles_embedded_server);
  return s;
}

GST_CHECK_MAIN (cycles);
