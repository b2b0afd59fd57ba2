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


/* Loss recovery (docs/loss-recovery.md) as a user meets it: icesink and
 * icesrc in one process, each in a network namespace of its own, joined
 * by a veth link that drops a share of the UDP packets each way
 * (iptables' statistic match); 2,000 numbered 1000-byte packets 2 ms
 * apart, as issue 11 measured.  Each test checks what a user would: which
 * packets arrived, in which order, how late, and what the elements said.
 * Those tests need root and skip elsewhere; the ones on loopback (a plain
 * ICE peer that knows nothing of loss recovery, the negotiation) run
 * anywhere. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nice/agent.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>
#include <gst/ice/gsticedescription.h>

#include "icetestutil.h"
#include "losslink.h"
#include "relaysignaller.h"

#define TIMEOUT (30 * GST_SECOND)
#define PACKETS 2000
#define PACKET_SIZE 1000
#define INTERVAL_US 2000
/* the elements' default latency */
#define BUDGET_MS 125
/* what a loaded machine may add to the budget: scheduling, the copy into
 * icesrc's queue, the test's own pull (a 2-core machine shared with other
 * builds showed up to 100 ms) */
#define SLACK_MS 100
/* Under AddressSanitizer or ThreadSanitizer (scripts/sanitize.sh,
 * scripts/tsan.sh) everything runs several times slower: a recovered
 * packet arrives seconds late, past any budget.  There the suite streams
 * over the link once with loss and once to EOS, for the memory errors
 * and races of recovery, and checks only what does not depend on time
 * (order, duplicates, errors); the figures are printed, not checked. */
/* The link drops UDP, as issue 11 measured; an ICE-TCP pair (ice-tcp is
 * on by default) would carry the stream past the loss, and was chosen at
 * times when the first UDP checks were dropped */
#define UDP_ONLY "ice-tcp=false"
#if defined (__SANITIZE_ADDRESS__) || defined (__SANITIZE_THREAD__)
#define TIMELY FALSE
#else
#define TIMELY TRUE
#endif

/* sessions started over a lossy link in one test: before the link's
 * loss was silent, about 1 in 20 failed */
#define STARTS_OVER_LOSS 6

#define SKIP_WITHOUT_LINK() G_STMT_START {                                 \
  gchar *why = NULL;                                                      \
  if (!loss_link_available (&why)) {                                      \
    g_print ("SKIP %s: %s\n", __FUNCTION__, why);                         \
    g_free (why);                                                         \
    return;                                                               \
  }                                                                       \
} G_STMT_END

/* One stream over the link: what is sent and how, and what arrived. */
typedef struct
{
  LossLink *link;
  GstElement *producer;
  GstElement *consumer;
  gint added;
  gint removed;
  guint count;
  gdouble loss;                 /* the share each side drops */
  guint idle_ms;                /* how long to wait for stragglers */
  gint64 *pushed_us;            /* when each packet was pushed */
  /* the link drops everything from packet block_at on, for block_ms */
  guint block_at;
  guint block_ms;
  guint resumed_at;             /* the first packet pushed after that */
  gint64 resumed_us;            /* when the link came back */
  gboolean eos;                 /* end the stream with EOS */
  gint pushing;

  /* what arrived */
  guint8 *seen;
  gint64 *arrived_us;           /* when each packet arrived, or 0 */
  guint received;
  guint out_of_order;
  guint duplicates;
  guint late;
  gint64 worst_us;
  guint last_seq;
} Run;

static GstBuffer *
make_packet (guint seq)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, PACKET_SIZE, NULL);
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  GST_WRITE_UINT32_BE (map.data, seq);
  for (i = 4; i < PACKET_SIZE; i++)
    map.data[i] = (guint8) (seq * 13 + i);
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

/* the packet's number, or fails the test when it is not one intact */
static guint
check_packet (GstBuffer * buffer, guint count)
{
  GstMapInfo map;
  guint seq;
  gsize i;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  fail_unless_equals_int (map.size, PACKET_SIZE);
  seq = GST_READ_UINT32_BE (map.data);
  fail_unless (seq < count, "packet number %u of %u", seq, count);
  for (i = 4; i < PACKET_SIZE; i++) {
    if (map.data[i] != (guint8) (seq * 13 + i))
      fail ("packet %u differs at byte %" G_GSIZE_FORMAT, seq, i);
  }
  gst_buffer_unmap (buffer, &map);
  return seq;
}

static gpointer
push_thread (gpointer data)
{
  Run *run = data;
  GstElement *src = test_get (run->producer, "src");
  gint64 unblock_us = 0;
  guint seq;

  for (seq = 0; seq < run->count; seq++) {
    if (run->block_ms && seq == run->block_at) {
      loss_link_set_blocked (run->link, TRUE);
      unblock_us = g_get_monotonic_time () + run->block_ms * 1000;
    }
    if (unblock_us && g_get_monotonic_time () >= unblock_us) {
      loss_link_set_blocked (run->link, FALSE);
      unblock_us = 0;
      run->resumed_us = g_get_monotonic_time ();
      run->resumed_at = seq;
    }
    run->pushed_us[seq] = g_get_monotonic_time ();
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src),
            make_packet (seq)), GST_FLOW_OK);
    g_usleep (INTERVAL_US);
  }
  if (run->eos)
    gst_app_src_end_of_stream (GST_APP_SRC (src));
  g_atomic_int_set (&run->pushing, FALSE);
  return NULL;
}

static GstElement *
make_producer (const gchar * address, const gchar * props)
{
  gchar *all = g_strdup_printf ("peer-id=cam signaller-type=TestRelaySignaller"
      " local-addresses=%s " UDP_ONLY " %s", address, props ? props : "");
  GstElement *producer = test_producer_new (all);

  g_free (all);
  return producer;
}

static GstElement *
make_consumer (const gchar * address, const gchar * props)
{
  gchar *all = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "local-addresses=%s " UDP_ONLY " %s", address, props ? props : "");
  GstElement *consumer = test_consumer_new (all);

  g_free (all);
  return consumer;
}

/* Producer on side 0, consumer on side 1, connected over a link that
 * loses @loss of the packets each way: from the start when @lossy_start,
 * else from the moment the session connected (the measurements are of a
 * running stream, not of its set-up). */
static Run *
run_new_full (gdouble loss, gboolean lossy_start,
    const gchar * producer_props, const gchar * consumer_props, guint count)
{
  Run *run = g_new0 (Run, 1);

  run->link = loss_link_new ();
  run->count = count;
  run->loss = loss;
  run->idle_ms = BUDGET_MS + 2000;
  run->pushed_us = g_new0 (gint64, count);
  run->seen = g_new0 (guint8, count);
  run->arrived_us = g_new0 (gint64, count);
  test_relay_init ();
  run->producer = make_producer (LOSS_LINK_ADDRESS_0, producer_props);
  run->consumer = make_consumer (LOSS_LINK_ADDRESS_1, consumer_props);
  test_count_peers (run->producer, &run->added, &run->removed);
  if (lossy_start)
    loss_link_set_loss (run->link, loss);

  /* each transport thread, which makes the sockets, starts in its side */
  loss_link_enter (run->link, 0);
  fail_unless (gst_element_set_state (run->producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  loss_link_enter (run->link, 1);
  fail_unless (gst_element_set_state (run->consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  loss_link_leave (run->link);
  fail_unless (test_wait_count (&run->added, 1, TIMEOUT),
      "the consumer never connected over the link");
  if (!lossy_start)
    loss_link_set_loss (run->link, loss);
  return run;
}

static Run *
run_new (gdouble loss, const gchar * producer_props,
    const gchar * consumer_props, guint count)
{
  return run_new_full (loss, FALSE, producer_props, consumer_props, count);
}

/* Takes what arrives until every packet did, or nothing came for
 * @idle_ms once the pushing ended. */
static void
run_pull (Run * run, guint idle_ms)
{
  GstElement *sink = test_get (run->consumer, "sink");
  gint64 idle_since = 0;

  for (;;) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        20 * GST_MSECOND);
    gint64 now = g_get_monotonic_time (), delay;
    guint seq;

    if (sample == NULL) {
      if (g_atomic_int_get (&run->pushing) || run->received == 0)
        continue;
      if (run->received == run->count || gst_app_sink_is_eos (GST_APP_SINK
              (sink)))
        break;
      if (idle_since == 0)
        idle_since = now;
      if (now - idle_since > idle_ms * 1000)
        break;
      continue;
    }
    idle_since = 0;
    seq = check_packet (gst_sample_get_buffer (sample), run->count);
    gst_sample_unref (sample);
    if (run->seen[seq]) {
      run->duplicates++;
      continue;
    }
    run->seen[seq] = 1;
    run->arrived_us[seq] = now;
    if (run->received > 0 && seq < run->last_seq)
      run->out_of_order++;
    run->last_seq = seq;
    run->received++;
    delay = now - run->pushed_us[seq];
    run->worst_us = MAX (run->worst_us, delay);
    if (delay > (BUDGET_MS + SLACK_MS) * 1000)
      run->late++;
  }
}

static void
run_stream (Run * run)
{
  GThread *pusher;

  g_atomic_int_set (&run->pushing, TRUE);
  pusher = g_thread_new ("push", push_thread, run);
  run_pull (run, run->idle_ms);
  g_thread_join (pusher);
}

/* a uint or uint64 field of the one session's stats, or -1 */
static gint64
session_stat (GstElement * pipeline, const gchar * element, const gchar * field)
{
  GstStructure *stats = NULL;
  const GValue *value = NULL;
  gint64 result = -1;

  g_object_get (test_get (pipeline, element), "stats", &stats, NULL);
  if (stats && gst_structure_n_fields (stats) == 1)
    value = gst_structure_get_value (g_value_get_boxed (gst_structure_get_value
            (stats, gst_structure_nth_field_name (stats, 0))), field);
  if (value && G_VALUE_HOLDS_UINT64 (value))
    result = g_value_get_uint64 (value);
  else if (value && G_VALUE_HOLDS_UINT (value))
    result = g_value_get_uint (value);
  if (stats)
    gst_structure_free (stats);
  return result;
}

static void
run_print (Run * run, const gchar * what)
{
  g_print ("%s: the link dropped %" G_GUINT64_FORMAT " packets forward, %"
      G_GUINT64_FORMAT " back\n", what, loss_link_dropped (run->link, 0),
      loss_link_dropped (run->link, 1));
  g_print ("%s: %u of %u packets delivered (%.2f %%), %u out of order, "
      "%u duplicates, %u later than %u ms, worst delay %.1f ms; sender "
      "retransmitted %" G_GINT64_FORMAT ", receiver lost %" G_GINT64_FORMAT
      ", recovered %" G_GINT64_FORMAT ", unrecovered %" G_GINT64_FORMAT "\n",
      what, run->received, run->count, 100.0 * run->received / run->count,
      run->out_of_order, run->duplicates, run->late, BUDGET_MS + SLACK_MS,
      run->worst_us / 1000.0, session_stat (run->producer, "sink",
          "packets-retransmitted"), session_stat (run->consumer, "src",
          "packets-lost"), session_stat (run->consumer, "src",
          "packets-recovered"), session_stat (run->consumer, "src",
          "packets-unrecovered"));
}

static void
run_free (Run * run)
{
  if (run->consumer)
    test_stop (run->consumer);
  if (run->producer)
    test_stop (run->producer);
  loss_link_free (run->link);
  g_free (run->pushed_us);
  g_free (run->seen);
  g_free (run->arrived_us);
  g_free (run);
}

/* ≥ @share of the packets delivered within the budget, all in order */
static void
check_recovered (Run * run, gdouble share)
{
  guint64 dropped = loss_link_dropped (run->link, 0);

  /* the link did lose packets: a run the loss missed proves nothing */
  fail_unless (dropped >= run->loss * run->count / 3, "the link dropped "
      "only %" G_GUINT64_FORMAT " of the packets sent, at %.0f %% loss",
      dropped, run->loss * 100);
  /* a packet later than the budget (and the slack) counts as lost: the
   * share is of those delivered in time */
  fail_unless (!TIMELY || run->received - run->late >= share * run->count,
      "%u of %u packets arrived, %u of them late: want at least %.1f %% in "
      "time", run->received, run->count, run->late, share * 100);
  fail_unless_equals_int (run->out_of_order, 0);
  fail_unless_equals_int (run->duplicates, 0);
  test_assert_no_error (run->producer);
  test_assert_no_error (run->consumer);
}

/* 5 % loss each way, the defaults (encrypted, latency 125 ms): what issue
 * 11 measured 95.2 % with. */
GST_START_TEST (test_loss_5_percent_recovered)
{
  Run *run;

  SKIP_WITHOUT_LINK ();
  run = run_new (0.05, NULL, NULL, TIMELY ? PACKETS : PACKETS / 4);
  run_stream (run);
  run_print (run, "5 % loss, encrypted, latency 125 ms");
  check_recovered (run, 0.999);
  run_free (run);
}

GST_END_TEST;

/* Waits up to 2 s for the link to have dropped @count of what @side
 * sent: the other side drops them as its softirq delivers them. */
static gboolean
wait_until_dropped (LossLink * link, guint side, guint64 count)
{
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (loss_link_dropped (link, side) < count) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (10 * 1000);
  }
  return TRUE;
}

/* The link loses packets silently, as a lossy path does: a datagram
 * it drops still left its sender without error.  (Dropped in OUTPUT, its
 * sendmsg() failed with EPERM, and libnice fails an ICE check at once on
 * that: sessions failed to start over the link about 1 time in 20.) */
GST_START_TEST (test_link_drops_silently)
{
  LossLink *link;
  struct sockaddr_in to = { 0 };
  gint fd;
  gssize sent;

  SKIP_WITHOUT_LINK ();
  link = loss_link_new ();
  loss_link_set_loss (link, 1.0);
  loss_link_enter (link, 0);
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  loss_link_leave (link);
  fail_unless (fd >= 0);
  to.sin_family = AF_INET;
  to.sin_port = g_htons (9);
  fail_unless (inet_pton (AF_INET, LOSS_LINK_ADDRESS_1, &to.sin_addr) == 1);
  sent = sendto (fd, "x", 1, 0, (struct sockaddr *) &to, sizeof (to));
  fail_unless (sent == 1, "a datagram the link drops failed to leave: %s",
      g_strerror (errno));
  close (fd);
  fail_unless (wait_until_dropped (link, 0, 1),
      "the link did not drop the datagram");
  loss_link_free (link);
}

GST_END_TEST;

/* Sessions start over a link that loses 5 % each way from the first ICE
 * check on, and stream. */
GST_START_TEST (test_sessions_start_over_loss)
{
  guint i;

  SKIP_WITHOUT_LINK ();
  for (i = 0; i < STARTS_OVER_LOSS; i++) {
    Run *run = run_new_full (0.05, TRUE, NULL, NULL, 100);

    run_stream (run);
    fail_unless (run->received > 0, "start %u: nothing arrived", i + 1);
    fail_unless_equals_int (run->out_of_order, 0);
    test_assert_no_error (run->producer);
    test_assert_no_error (run->consumer);
    run_free (run);
  }
}

GST_END_TEST;

/* the same in plaintext */
GST_START_TEST (test_loss_5_percent_plaintext)
{
  Run *run;

  SKIP_WITHOUT_LINK ();
  run = run_new (0.05, "encryption=false", "encryption=false", PACKETS);
  run_stream (run);
  run_print (run, "5 % loss, plaintext, latency 125 ms");
  check_recovered (run, 0.999);
  run_free (run);
}

GST_END_TEST;

GST_START_TEST (test_loss_10_percent_recovered)
{
  Run *run;

  SKIP_WITHOUT_LINK ();
  run = run_new (0.10, NULL, NULL, PACKETS);
  run_stream (run);
  run_print (run, "10 % loss, encrypted, latency 125 ms");
  check_recovered (run, 0.99);
  /* the retransmissions stayed under the 25 % cap */
  fail_unless (session_stat (run->producer, "sink",
          "packets-retransmitted") <= PACKETS / 4);
  run_free (run);
}

GST_END_TEST;

/* latency=0: no recovery, the link loses what it loses (the control:
 * this link does lose packets) */
GST_START_TEST (test_loss_without_recovery)
{
  Run *run;

  SKIP_WITHOUT_LINK ();
  run = run_new (0.05, "latency=0", "latency=0", PACKETS);
  /* nothing comes back late without recovery */
  run->idle_ms = 500;
  run_stream (run);
  run_print (run, "5 % loss, latency 0 (off)");
  fail_unless (run->received < 0.99 * run->count,
      "%u of %u arrived without recovery: the link lost nothing",
      run->received, run->count);
  fail_unless (run->received > 0.85 * run->count);
  fail_unless_equals_int64 (session_stat (run->consumer, "src",
          "packets-lost"), -1);
  run_free (run);
}

GST_END_TEST;

/* The application stops the sender when its EOS message comes, as
 * gst-launch-1.0 does: the packets sent just before still arrive. */
GST_START_TEST (test_eos_delivers_last_packets)
{
  Run *run;
  GstMessage *msg;
  guint i, tail_missing = 0;

  SKIP_WITHOUT_LINK ();
  run = run_new (0.05, NULL, "eos-on-producer-leave=true", 500);
  run->eos = TRUE;
  g_atomic_int_set (&run->pushing, TRUE);
  {
    GThread *pusher = g_thread_new ("push", push_thread, run);

    g_thread_join (pusher);
  }
  msg = test_wait_message (run->producer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "no EOS from the sender");
  gst_message_unref (msg);
  test_stop (run->producer);
  run->producer = NULL;
  run_pull (run, 3000);
  for (i = run->count - 50; i < run->count; i++)
    tail_missing += !run->seen[i];
  g_print ("5 %% loss, EOS after %u packets: %u delivered, %u of the last 50 "
      "missing\n", run->count, run->received, tail_missing);
  if (TIMELY) {
    fail_unless_equals_int (tail_missing, 0);
    fail_unless_equals_int (run->received, run->count);
  }
  fail_unless_equals_int (run->out_of_order, 0);
  run_free (run);
}

GST_END_TEST;

/* 0 % loss: what loss recovery costs on the wire when it has nothing to
 * do (the header, the reports) */
GST_START_TEST (test_overhead_without_loss)
{
  Run *run;
  guint64 forward, back, forward_packets, back_packets;
  guint64 payload = (guint64) PACKETS * PACKET_SIZE;

  SKIP_WITHOUT_LINK ();
  run = run_new (0, NULL, NULL, PACKETS);
  run_stream (run);
  fail_unless_equals_int (run->received, run->count);
  forward = loss_link_udp_bytes (run->link, 0, &forward_packets);
  back = loss_link_udp_bytes (run->link, 1, &back_packets);
  g_print ("0 %% loss, encrypted, latency 125 ms: %" G_GUINT64_FORMAT
      " bytes of payload; UDP payload on the wire %" G_GUINT64_FORMAT
      " bytes in %" G_GUINT64_FORMAT " datagrams forward (+%.2f %%), %"
      G_GUINT64_FORMAT " bytes in %" G_GUINT64_FORMAT " datagrams back "
      "(%.2f %%); all of it +%.2f %%, of which DTLS records %.2f %%\n",
      payload, forward, forward_packets,
      100.0 * (forward - payload) / payload, back, back_packets,
      100.0 * back / payload, 100.0 * (forward + back - payload) / payload,
      100.0 * 37 * PACKETS / payload);
  /* DTLS costs 3.7 % at this size; loss recovery adds at most 1 % */
  fail_unless (forward + back < payload * 1.047,
      "%" G_GUINT64_FORMAT " bytes on the wire for %" G_GUINT64_FORMAT,
      forward + back, payload);
  run_free (run);
}

GST_END_TEST;

/* All of the link's UDP down for 2 s mid-stream, with no ICE-TCP pair to
 * fall back on: the consumer says how many packets it gave up on, no
 * later than the budget after it could know, and the stream goes on
 * within RESUME_MS of the link's return (the consumer's ICE restart,
 * begun inside the outage, is retried 1 s after it began:
 * docs/robustness.md) */
#define RESUME_MS 1500
GST_START_TEST (test_outage_skipped_after_budget)
{
  Run *run;
  GstMessage *msg;
  const GstStructure *s;
  guint64 packets = 0;
  gint64 first_us = 0;
  guint waited = G_MAXUINT, i, after = 0, missing_after = 0;

  SKIP_WITHOUT_LINK ();
  /* 3 s of stream after the outage */
  run = run_new (0, NULL, NULL, 3000);
  run->block_at = 500;
  run->block_ms = 2000;
  run_stream (run);
  run_print (run, "2 s outage, UDP only");

  msg = test_wait_message (run->consumer, GST_MESSAGE_ELEMENT,
      "ice-packets-lost", TIMEOUT);
  fail_unless (msg != NULL, "the consumer did not report the gap");
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get_uint64 (s, "packets", &packets));
  fail_unless (gst_structure_get_uint (s, "waited-ms", &waited));
  g_print ("the consumer reported %" G_GUINT64_FORMAT " packets lost after "
      "waiting %u ms\n", packets, waited);
  fail_unless (packets >= 500, "%" G_GUINT64_FORMAT " packets reported",
      packets);
  fail_unless (waited <= BUDGET_MS + SLACK_MS, "waited %u ms", waited);
  gst_message_unref (msg);

  /* the first packet pushed after the link came back that arrived */
  fail_unless (run->resumed_at > 0);
  for (i = run->resumed_at; i < run->count && first_us == 0; i++)
    first_us = run->arrived_us[i];
  fail_unless (first_us != 0, "nothing arrived after the outage");
  g_print ("the stream resumed %.0f ms after the link came back\n",
      (first_us - run->resumed_us) / 1000.0);
  fail_unless (first_us - run->resumed_us <= RESUME_MS * 1000,
      "the stream resumed %.0f ms after the link came back, want at most "
      "%u ms", (first_us - run->resumed_us) / 1000.0, RESUME_MS);

  /* from then on (and the budget), everything arrived */
  for (i = run->resumed_at + (RESUME_MS + BUDGET_MS) * 1000 / INTERVAL_US;
      i < run->count; i++, after++)
    missing_after += !run->seen[i];
  fail_unless (after > 0);
  fail_unless_equals_int (missing_after, 0);
  fail_unless_equals_int (run->out_of_order, 0);
  run_free (run);
}

GST_END_TEST;

/* Waits until something listens on @address:@port, as seen from @side. */
static gboolean
wait_for_listener (LossLink * link, guint side, const gchar * address,
    guint16 port)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GInetAddress *inet = g_inet_address_new_from_string (address);
  GSocketAddress *target = g_inet_socket_address_new (inet, port);
  gboolean listening = FALSE;

  loss_link_enter (link, side);
  while (!listening && g_get_monotonic_time () < deadline) {
    GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
        G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

    listening = g_socket_connect (socket, target, NULL, NULL);
    g_object_unref (socket);
    if (!listening)
      g_usleep (50 * 1000);     /* nothing to wait on: a refused connect */
  }
  loss_link_leave (link);
  g_object_unref (target);
  g_object_unref (inet);
  return listening;
}

/* examples/ice-adaptive-bitrate on side 0, a viewer on side 1, 20 % loss
 * each way: the estimate falls and the example lowers its encoder's
 * bitrate below what it was sending. */
GST_START_TEST (test_example_follows_estimate)
{
  const gchar *example = g_getenv ("GST_ICE_ADAPTIVE_BITRATE");
  const gchar *argv[] = { example, "run-signalling-server=true",
    "signalling-server-host=" LOSS_LINK_ADDRESS_0,
    "local-addresses=" LOSS_LINK_ADDRESS_0, NULL
  };
  LossLink *link;
  GstElement *consumer;
  GError *error = NULL;
  GString *out = g_string_new (NULL);
  gint64 deadline;
  GPid pid;
  gint fd, status;
  guint64 sent_kbps = 0;
  gdouble loss = 0;
  gboolean lowered = FALSE;

  SKIP_WITHOUT_LINK ();
  if (example == NULL) {
    g_print ("SKIP %s: GST_ICE_ADAPTIVE_BITRATE is not set (meson test "
        "sets it)\n", __FUNCTION__);
    return;
  }
  link = loss_link_new ();
  loss_link_set_loss (link, 0.20);
  loss_link_enter (link, 0);
  fail_unless (g_spawn_async_with_pipes (NULL, (gchar **) argv, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL, &fd, NULL,
          &error), "%s", error ? error->message : "?");
  loss_link_leave (link);
  fail_unless (wait_for_listener (link, 1, LOSS_LINK_ADDRESS_0, 8443),
      "the example's signalling server never listened");

  consumer = test_consumer_new ("signaller::uri=ws://" LOSS_LINK_ADDRESS_0
      ":8443 local-addresses=" LOSS_LINK_ADDRESS_1);
  g_object_set (test_get (consumer, "sink"), "drop", TRUE, "max-buffers", 10,
      NULL);
  loss_link_enter (link, 1);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  loss_link_leave (link);

  /* its lines: "viewer ID: sent N kbit/s, loss L %, ..." and "encoder
   * bitrate A -> B kbit/s ..." */
  deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;
  while (!lowered && g_get_monotonic_time () < deadline) {
    struct pollfd p = { fd, POLLIN, 0 };
    gchar chunk[512], *nl;
    gssize n;

    if (poll (&p, 1, 200) <= 0)
      continue;
    n = read (fd, chunk, sizeof (chunk));
    if (n <= 0)
      break;
    g_string_append_len (out, chunk, n);
    while ((nl = strchr (out->str, '\n')) != NULL) {
      gchar *line = g_strndup (out->str, nl - out->str);
      const gchar *at;
      guint a, b;

      g_print ("example: %s\n", line);
      if ((at = strstr (line, ": sent ")) != NULL) {
        sent_kbps = g_ascii_strtoull (at + 7, NULL, 10);
        at = strstr (line, "loss ");
        loss = at ? g_ascii_strtod (at + 5, NULL) : 0;
      } else if (sscanf (line, "encoder bitrate %u -> %u", &a, &b) == 2 &&
          b < a && loss >= 10 && b < sent_kbps) {
        lowered = TRUE;
      }
      g_string_erase (out, 0, nl - out->str + 1);
      g_free (line);
    }
  }
  g_print ("the link dropped %" G_GUINT64_FORMAT " packets forward, %"
      G_GUINT64_FORMAT " back\n", loss_link_dropped (link, 0),
      loss_link_dropped (link, 1));
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  close (fd);
  g_string_free (out, TRUE);
  test_stop (consumer);
  loss_link_free (link);
  fail_unless (lowered, "the example did not lower its bitrate under 20 %% "
      "loss");
}

GST_END_TEST;

/* --- on loopback ------------------------------------------------------- */

/* A plain ICE peer: a libnice agent of the test's own and the relay
 * signaller, no gst-ice element: it never announces loss recovery. */
typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GstIceSignaller *signaller;
  NiceAgent *agent;
  guint stream_id;
  gchar *session_id;
  GMutex lock;
  GPtrArray *packets;           /* GBytes */
} PlainPeer;

static void
plain_on_candidate (NiceAgent * agent, NiceCandidate * candidate,
    PlainPeer * peer)
{
  gchar *line = nice_agent_generate_local_candidate_sdp (agent, candidate);

  gst_ice_signaller_send_candidate (peer->signaller, peer->session_id, line);
  g_free (line);
}

static void
plain_add_candidate (PlainPeer * peer, const gchar * line)
{
  NiceCandidate *c;
  GSList *list;

  if (!g_str_has_prefix (line, "a=candidate:"))
    return;
  c = nice_agent_parse_remote_candidate_sdp (peer->agent, peer->stream_id,
      line);
  if (c == NULL)
    return;
  list = g_slist_prepend (NULL, c);
  nice_agent_set_remote_candidates (peer->agent, peer->stream_id, 1, list);
  g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);
}

static void
plain_on_description (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * text, PlainPeer * peer)
{
  GstIceDescription *desc = gst_ice_description_parse (text, NULL), *ours;
  gchar *ufrag = NULL, *pwd = NULL, *answer;
  guint i;

  fail_unless (desc != NULL);
  if (peer->session_id != NULL) {
    gst_ice_description_free (desc);
    return;
  }
  peer->session_id = g_strdup (session_id);
  nice_agent_set_remote_credentials (peer->agent, peer->stream_id,
      desc->ufrag, desc->pwd);
  for (i = 0; i < desc->candidates->len; i++)
    plain_add_candidate (peer, g_ptr_array_index (desc->candidates, i));
  gst_ice_description_free (desc);

  nice_agent_get_local_credentials (peer->agent, peer->stream_id, &ufrag, &pwd);
  ours = gst_ice_description_new (ufrag, pwd);
  answer = gst_ice_description_to_string (ours);
  gst_ice_signaller_send_description (signaller, session_id, answer);
  g_free (answer);
  gst_ice_description_free (ours);
  g_free (ufrag);
  g_free (pwd);
  nice_agent_gather_candidates (peer->agent, peer->stream_id);
}

static void
plain_on_remote_candidate (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * line, PlainPeer * peer)
{
  plain_add_candidate (peer, line);
}

static void
plain_on_producer (GstIceSignaller * signaller, const gchar * producer_id,
    PlainPeer * peer)
{
  gst_ice_signaller_request_session (signaller, producer_id);
}

static void
plain_on_receive (NiceAgent * agent, guint stream_id, guint component_id,
    guint len, gchar * buf, gpointer data)
{
  PlainPeer *peer = data;

  g_mutex_lock (&peer->lock);
  g_ptr_array_add (peer->packets, g_bytes_new (buf, len));
  g_mutex_unlock (&peer->lock);
}

static gboolean
plain_start (gpointer data)
{
  PlainPeer *peer = data;
  NiceAddress address;

  peer->agent = nice_agent_new_full (peer->context,
      NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_ICE_TRICKLE);
  g_object_set (peer->agent, "controlling-mode", FALSE, NULL);
  nice_address_set_from_string (&address, "127.0.0.1");
  nice_agent_add_local_address (peer->agent, &address);
  peer->stream_id = nice_agent_add_stream (peer->agent, 1);
  nice_agent_attach_recv (peer->agent, peer->stream_id, 1, peer->context,
      plain_on_receive, peer);
  g_signal_connect (peer->agent, "new-candidate-full",
      G_CALLBACK (plain_on_candidate), peer);

  peer->signaller = g_object_new (TEST_TYPE_RELAY_SIGNALLER, NULL);
  g_signal_connect (peer->signaller, "producer-added",
      G_CALLBACK (plain_on_producer), peer);
  g_signal_connect (peer->signaller, "session-description",
      G_CALLBACK (plain_on_description), peer);
  g_signal_connect (peer->signaller, "session-candidate",
      G_CALLBACK (plain_on_remote_candidate), peer);
  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_CONSUMER,
      "plain");
  return G_SOURCE_REMOVE;
}

static gpointer
plain_thread (gpointer data)
{
  PlainPeer *peer = data;

  g_main_context_push_thread_default (peer->context);
  g_main_loop_run (peer->loop);
  gst_ice_signaller_stop (peer->signaller);
  g_object_unref (peer->signaller);
  g_object_unref (peer->agent);
  g_main_context_pop_thread_default (peer->context);
  return NULL;
}

static PlainPeer *
plain_peer_start (void)
{
  PlainPeer *peer = g_new0 (PlainPeer, 1);

  peer->context = g_main_context_new ();
  peer->loop = g_main_loop_new (peer->context, FALSE);
  peer->packets = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  g_mutex_init (&peer->lock);
  g_main_context_invoke (peer->context, plain_start, peer);
  peer->thread = g_thread_new ("plain-peer", plain_thread, peer);
  return peer;
}

static guint
plain_peer_count (PlainPeer * peer)
{
  guint n;

  g_mutex_lock (&peer->lock);
  n = peer->packets->len;
  g_mutex_unlock (&peer->lock);
  return n;
}

static void
plain_peer_stop (PlainPeer * peer)
{
  g_main_loop_quit (peer->loop);
  g_thread_join (peer->thread);
  g_main_loop_unref (peer->loop);
  g_main_context_unref (peer->context);
  g_ptr_array_unref (peer->packets);
  g_mutex_clear (&peer->lock);
  g_free (peer->session_id);
  g_free (peer);
}

/* The producer announces loss recovery, the plain peer does not: each
 * buffer reaches it as it was, with no header. */
GST_START_TEST (test_plain_ice_peer_gets_no_header)
{
  GstElement *producer;
  PlainPeer *peer;
  gint added = 0, removed = 0;
  gint64 deadline;
  guint i;

  test_relay_init ();
  producer = make_producer ("127.0.0.1", "encryption=false");
  test_count_peers (producer, &added, &removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  peer = plain_peer_start ();
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "the plain peer never "
      "connected");

  for (i = 0; i < 100; i++) {
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (test_get
                (producer, "src")), make_packet (i)), GST_FLOW_OK);
    g_usleep (1000);
  }
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (plain_peer_count (peer) < 100 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  fail_unless_equals_int (plain_peer_count (peer), 100);
  for (i = 0; i < 100; i++) {
    GBytes *got = g_ptr_array_index (peer->packets, i);
    GstBuffer *want = make_packet (i);
    GstMapInfo map;

    gst_buffer_map (want, &map, GST_MAP_READ);
    fail_unless_equals_int (g_bytes_get_size (got), map.size);
    fail_unless (memcmp (g_bytes_get_data (got, NULL), map.data,
            map.size) == 0, "packet %u is not the buffer as it was sent", i);
    gst_buffer_unmap (want, &map);
    gst_buffer_unref (want);
  }
  /* no loss recovery in the producer's stats for it */
  fail_unless_equals_int64 (session_stat (producer, "sink", "latency-ms"), -1);
  test_assert_no_error (producer);
  plain_peer_stop (peer);
  test_stop (producer);
}

GST_END_TEST;

/* Both sides' latency, through the description: the larger one, as SRT
 * does; 0 on either side turns it off for both, and the stream flows
 * unchanged. */
GST_START_TEST (test_latency_negotiated)
{
  const struct
  {
    const gchar *producer;
    const gchar *consumer;
    gint64 expected;
  } cases[] = {
    {"", "", BUDGET_MS},
    {"latency=80", "latency=300", 300},
    {"latency=300", "latency=80", 300},
    {"", "latency=0", -1},
    {"latency=0", "", -1},
  };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    GstElement *producer, *consumer;
    gint added = 0, removed = 0;

    test_relay_init ();
    producer = make_producer ("127.0.0.1", cases[c].producer);
    consumer = make_consumer ("127.0.0.1", cases[c].consumer);
    test_count_peers (producer, &added, &removed);
    fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (test_wait_count (&added, 1, TIMEOUT));
    test_push_numbered (producer, 0, 50, 1000);
    fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
            NULL), 50);
    fail_unless_equals_int64 (session_stat (producer, "sink", "latency-ms"),
        cases[c].expected);
    fail_unless_equals_int64 (session_stat (consumer, "src", "latency-ms"),
        cases[c].expected);
    test_assert_no_error (producer);
    test_assert_no_error (consumer);
    test_stop (consumer);
    test_stop (producer);
  }
}

GST_END_TEST;

static Suite *
loss_suite (void)
{
  Suite *s = suite_create ("loss");
  TCase *link = tcase_create ("link");
  TCase *loopback = tcase_create ("loopback");

  tcase_set_timeout (link, 120);
  suite_add_tcase (s, link);
  tcase_add_test (link, test_link_drops_silently);
  tcase_add_test (link, test_loss_5_percent_recovered);
  tcase_add_test (link, test_sessions_start_over_loss);
  tcase_add_test (link, test_eos_delivers_last_packets);
  if (TIMELY) {
    tcase_add_test (link, test_loss_without_recovery);
    tcase_add_test (link, test_outage_skipped_after_budget);
  }
  /* the rest of docs/loss-recovery.md's table, 30 s more: not in every
   * CI run */
  if (g_getenv ("GST_ICE_SLOW_TESTS")) {
    TCase *measure = tcase_create ("measure");

    tcase_set_timeout (measure, 120);
    suite_add_tcase (s, measure);
    tcase_add_test (measure, test_loss_5_percent_plaintext);
    tcase_add_test (measure, test_loss_10_percent_recovered);
    tcase_add_test (measure, test_overhead_without_loss);
    /* at times its viewer took the ICE-TCP pair, which the loss misses
     * (the test then failed), before the link dropped on arrival; 3 of 3
     * runs passed since (docs/loss-recovery.md) */
    tcase_add_test (measure, test_example_follows_estimate);
  }

  tcase_set_timeout (loopback, 120);
  suite_add_tcase (s, loopback);
  tcase_add_test (loopback, test_plain_ice_peer_gets_no_header);
  tcase_add_test (loopback, test_latency_negotiated);
  return s;
}

GST_CHECK_MAIN (loss);
