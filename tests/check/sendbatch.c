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

/* icesink's send path for buffer lists (issue 12): a list leaves in a few
 * system calls, not one per packet, with loss recovery (the default) and
 * with DTLS (the default), and still arrives whole, in order and byte for
 * byte at consumers that do and do not recover losses.
 *
 * The system calls are counted as strace would: this program defines
 * sendmsg() and sendmmsg() itself (exported, so GIO's calls reach them),
 * counts those made by icesink's streaming thread, and calls the C
 * library's. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>

#include "icetestutil.h"
#include "relaysignaller.h"

#define TIMEOUT (20 * GST_SECOND)
#define PER_LIST 16
#define N_LISTS 40

/* the streaming thread, once the probe saw it; the counts */
static pthread_t streaming_thread;
static gint have_streaming_thread;
static gint send_calls;
/* when set, every DROP_EVERY-th send call of the streaming thread is
 * "lost": reported sent, never sent */
static gint dropping;
static gint streaming_calls;
static gint dropped_packets;
/* plaintext retransmissions (kind 0xe1 in front) by other threads: how
 * many, in how many calls */
static gint retransmissions;
static gint retransmission_calls;

/* Under AddressSanitizer or ThreadSanitizer (scripts/sanitize.sh,
 * scripts/tsan.sh) a consumer can stall longer than its socket's buffer
 * lasts at 2000 packets/s */
#if defined (__SANITIZE_ADDRESS__) || defined (__SANITIZE_THREAD__)
#define UNHURRIED TRUE
#else
#define UNHURRIED FALSE
#endif

#define DROP_EVERY 10
#define KIND_RETRANSMISSION 0xe1

typedef ssize_t (*SendmsgFunc) (int, const struct msghdr *, int);
typedef int (*SendmmsgFunc) (int, struct mmsghdr *, unsigned int, int);

static gboolean
on_streaming_thread (void)
{
  return g_atomic_int_get (&have_streaming_thread) &&
      pthread_equal (pthread_self (), streaming_thread);
}

/* counts a send call of @n_packets; TRUE to lose them */
static gboolean
count_send_call (guint n_packets)
{
  if (!on_streaming_thread ())
    return FALSE;
  g_atomic_int_inc (&send_calls);
  if (g_atomic_int_get (&dropping) &&
      g_atomic_int_add (&streaming_calls, 1) % DROP_EVERY == DROP_EVERY - 1) {
    g_atomic_int_add (&dropped_packets, n_packets);
    return TRUE;
  }
  return FALSE;
}

static gboolean
is_retransmission (const struct msghdr *msg)
{
  return msg->msg_iovlen > 0 && msg->msg_iov[0].iov_len > 0 &&
      ((const guint8 *) msg->msg_iov[0].iov_base)[0] == KIND_RETRANSMISSION;
}

static void
count_retransmissions (guint n)
{
  if (n > 0 && !on_streaming_thread ()) {
    g_atomic_int_add (&retransmissions, n);
    g_atomic_int_inc (&retransmission_calls);
  }
}

ssize_t
sendmsg (int fd, const struct msghdr *msg, int flags)
{
  static gpointer real_sendmsg = NULL;
  SendmsgFunc real = g_atomic_pointer_get (&real_sendmsg);

  if (real == NULL) {
    real = (SendmsgFunc) dlsym (RTLD_NEXT, "sendmsg");
    g_atomic_pointer_set (&real_sendmsg, real);
  }
  if (count_send_call (1)) {
    gsize size = 0, i;

    for (i = 0; i < msg->msg_iovlen; i++)
      size += msg->msg_iov[i].iov_len;
    return size;
  }
  count_retransmissions (is_retransmission (msg) ? 1 : 0);
  return real (fd, msg, flags);
}

int
sendmmsg (int fd, struct mmsghdr *msgs, unsigned int n, int flags)
{
  static gpointer real_sendmmsg = NULL;
  SendmmsgFunc real = g_atomic_pointer_get (&real_sendmmsg);
  guint i, resent = 0;

  if (real == NULL) {
    real = (SendmmsgFunc) dlsym (RTLD_NEXT, "sendmmsg");
    g_atomic_pointer_set (&real_sendmmsg, real);
  }
  if (count_send_call (n)) {
    for (i = 0; i < n; i++) {
      gsize j;

      msgs[i].msg_len = 0;
      for (j = 0; j < msgs[i].msg_hdr.msg_iovlen; j++)
        msgs[i].msg_len += msgs[i].msg_hdr.msg_iov[j].iov_len;
    }
    return n;
  }
  for (i = 0; i < n; i++)
    resent += is_retransmission (&msgs[i].msg_hdr) ? 1 : 0;
  count_retransmissions (resent);
  return real (fd, msgs, n, flags);
}

static GstPadProbeReturn
note_streaming_thread (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  if (!g_atomic_int_get (&have_streaming_thread)) {
    streaming_thread = pthread_self ();
    g_atomic_int_set (&have_streaming_thread, 1);
  }
  return GST_PAD_PROBE_OK;
}

/* A producer 'cam' with @props, PLAYING, its streaming thread noted and
 * its consumers counted in @added and @removed. */
static GstElement *
start_producer (const gchar * props, gint * added, gint * removed)
{
  gchar *all = g_strdup_printf ("peer-id=cam "
      "signaller-type=TestRelaySignaller %s", props);
  GstElement *producer = test_producer_new (all);
  GstPad *pad;

  g_free (all);
  pad = gst_element_get_static_pad (test_get (producer, "sink"), "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, note_streaming_thread, NULL, NULL);
  gst_object_unref (pad);
  test_count_peers (producer, added, removed);
  fail_unless (gst_element_set_state (producer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return producer;
}

/* Lists of PER_LIST buffers (each of two memories) to one consumer per
 * entry of @consumer_props; each gets all of them byte for byte, the
 * producer counts each sent once per consumer, and the streaming thread
 * makes at most @max_calls_per_list send system calls per list and
 * consumer. */
static void
check_lists (const gchar * producer_props, const gchar ** consumer_props,
    guint n_consumers, guint max_calls_per_list)
{
  GstElement *producer, *consumers[4];
  gint added = 0, removed = 0;
  GstStructure *stats;
  gchar *props;
  guint i, calls, n = N_LISTS * PER_LIST;

  fail_unless (n_consumers <= G_N_ELEMENTS (consumers));
  test_relay_init ();
  producer = start_producer (producer_props, &added, &removed);
  for (i = 0; i < n_consumers; i++) {
    props = g_strdup_printf ("signaller-type=TestRelaySignaller %s",
        consumer_props[i]);
    consumers[i] = test_consumer_new (props);
    g_free (props);
    fail_unless (gst_element_set_state (consumers[i], GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
  }
  fail_unless (test_wait_count (&added, n_consumers, TIMEOUT),
      "consumers missing");

  /* 2000 packets/s: nothing is lost on loopback, so nothing is sent
   * again (a retransmission leaves from the transport thread anyway) */
  g_atomic_int_set (&send_calls, 0);
  test_push_numbered_lists (producer, 0, n, PER_LIST, PER_LIST * 500);
  for (i = 0; i < n_consumers; i++) {
    guint got = test_pull_numbered (consumers[i], 0, n, TIMEOUT, NULL);

    /* what the sender's counters below prove sent, a consumer without
     * recovery may still lose on its way up when a sanitizer stalls it */
    if (UNHURRIED && strstr (consumer_props[i], "latency=0"))
      fail_unless (got >= n * 9 / 10, "consumer %u ('%s') got %u of %u", i,
          consumer_props[i], got, n);
    else
      fail_unless (got == n, "consumer %u ('%s') got %u of %u", i,
          consumer_props[i], got, n);
  }
  calls = g_atomic_int_get (&send_calls);
  fail_unless (g_atomic_int_get (&have_streaming_thread));
  fail_unless (calls >= N_LISTS * n_consumers, "only %u send calls", calls);
  fail_unless (calls <= N_LISTS * n_consumers * max_calls_per_list,
      "%u lists of %u packets to %u consumers took %u send system calls "
      "(sendmsg/sendmmsg), more than %u a list and consumer", N_LISTS,
      PER_LIST, n_consumers, calls, max_calls_per_list);

  g_object_get (test_get (producer, "sink"), "stats", &stats, NULL);
  fail_unless_equals_int (gst_structure_n_fields (stats), n_consumers);
  for (i = 0; i < n_consumers; i++) {
    const GValue *v = gst_structure_get_value (stats,
        gst_structure_nth_field_name (stats, i));
    guint64 packets = 0, dropped = 1, bytes = 0;

    fail_unless (gst_structure_get_uint64 (g_value_get_boxed (v),
            "packets-sent", &packets));
    fail_unless (gst_structure_get_uint64 (g_value_get_boxed (v),
            "packets-dropped", &dropped));
    fail_unless (gst_structure_get_uint64 (g_value_get_boxed (v),
            "bytes-sent", &bytes));
    fail_unless_equals_uint64 (packets, n);
    fail_unless_equals_uint64 (dropped, 0);
    fail_unless (bytes >= (guint64) n * 4, "%" G_GUINT64_FORMAT " bytes",
        bytes);
  }
  gst_structure_free (stats);

  test_assert_no_error (producer);
  for (i = 0; i < n_consumers; i++) {
    test_assert_no_error (consumers[i]);
    test_stop (consumers[i]);
  }
  test_stop (producer);
}

/* loss recovery on both sides (latency=125, the default): one call per
 * list (16 packets, one batch) */
GST_START_TEST (test_list_with_recovery_in_one_call)
{
  const gchar *consumer_props[] = { "encryption=false" };

  check_lists ("encryption=false", consumer_props, 1, 1);
}

GST_END_TEST;

GST_START_TEST (test_encrypted_list_with_recovery_in_one_call)
{
  const gchar *consumer_props[] = { "" };

  check_lists ("", consumer_props, 1, 1);
}

GST_END_TEST;

GST_START_TEST (test_encrypted_list_without_recovery_in_one_call)
{
  const gchar *consumer_props[] = { "latency=0" };

  check_lists ("latency=0", consumer_props, 1, 1);
}

GST_END_TEST;

/* one consumer recovers losses, the other not: each session numbers (or
 * not) its own copies, both get every byte */
GST_START_TEST (test_list_to_consumers_with_and_without_recovery)
{
  const gchar *consumer_props[] = { "encryption=false",
    "encryption=false latency=0"
  };

  check_lists ("encryption=false", consumer_props, 2, 1);
}

GST_END_TEST;

GST_START_TEST (test_encrypted_list_to_consumers_with_and_without_recovery)
{
  const gchar *consumer_props[] = { "", "latency=0" };

  check_lists ("", consumer_props, 2, 1);
}

GST_END_TEST;

/* A list with one empty buffer among 16, encrypted without recovery:
 * an empty DTLS record cannot be sealed, and only that buffer is
 * dropped; the 15 others arrive (the whole batch was dropped before). */
GST_START_TEST (test_encrypted_list_drops_only_the_empty_buffer)
{
  GstElement *producer, *consumer;
  GstBufferList *list = gst_buffer_list_new ();
  GstStructure *stats;
  gint added = 0, removed = 0;
  guint seq, got = 0, seen = 0;
  guint64 sent = 0, dropped = 0;

  test_relay_init ();
  producer = start_producer ("latency=0", &added, &removed);
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller "
      "latency=0");
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no consumer");

  for (seq = 0; seq < PER_LIST; seq++) {
    GstBuffer *buffer = seq == 5 ? gst_buffer_new () :
        gst_buffer_new_allocate (NULL, 100, NULL);

    if (seq != 5)
      gst_buffer_memset (buffer, 0, (guint8) seq, 100);
    gst_buffer_list_add (list, buffer);
  }
  fail_unless_equals_int (gst_app_src_push_buffer_list (GST_APP_SRC
          (test_get (producer, "src")), list), GST_FLOW_OK);
  while (got < PER_LIST - 1) {
    GstSample *sample =
        gst_app_sink_try_pull_sample (GST_APP_SINK (test_get (consumer,
                "sink")), TIMEOUT);
    GstBuffer *buffer;
    guint8 mark = 0;

    if (sample == NULL)
      break;
    buffer = gst_sample_get_buffer (sample);
    fail_unless_equals_int (gst_buffer_get_size (buffer), 100);
    gst_buffer_extract (buffer, 0, &mark, 1);
    seen |= 1u << mark;
    got++;
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (got, PER_LIST - 1);
  fail_unless_equals_int (seen, ((1u << PER_LIST) - 1) & ~(1u << 5));

  g_object_get (test_get (producer, "sink"), "stats", &stats, NULL);
  fail_unless_equals_int (gst_structure_n_fields (stats), 1);
  fail_unless (gst_structure_get_uint64 (g_value_get_boxed
          (gst_structure_get_value (stats, gst_structure_nth_field_name (stats,
                      0))), "packets-sent", &sent));
  fail_unless (gst_structure_get_uint64 (g_value_get_boxed
          (gst_structure_get_value (stats, gst_structure_nth_field_name (stats,
                      0))), "packets-dropped", &dropped));
  fail_unless_equals_uint64 (sent, PER_LIST - 1);
  fail_unless_equals_uint64 (dropped, 1);
  gst_structure_free (stats);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* Every tenth list is lost on the way (its send call never reaches the
 * socket): the consumer NACKs each gap of 16 and the producer sends the
 * 16 again in one call, not one call each; everything arrives, in order,
 * byte for byte.  Encrypted, the retransmissions cannot be told apart on
 * the wire: there only the delivery is checked. */
static void
check_lost_lists_recovered (gboolean encrypted)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  const gchar *extra = encrypted ? "" : "encryption=false";
  gchar *props;
  guint n = N_LISTS * PER_LIST, lost, calls;

  test_relay_init ();
  producer = start_producer (extra, &added, &removed);
  props = g_strdup_printf ("signaller-type=TestRelaySignaller %s", extra);
  consumer = test_consumer_new (props);
  g_free (props);
  fail_unless (gst_element_set_state (consumer, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "consumer missing");

  g_atomic_int_set (&dropping, 1);
  test_push_numbered_lists (producer, 0, n, PER_LIST, PER_LIST * 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, n, TIMEOUT,
          NULL), n);
  g_atomic_int_set (&dropping, 0);

  lost = g_atomic_int_get (&dropped_packets);
  fail_unless_equals_int (lost, N_LISTS / DROP_EVERY * PER_LIST);
  if (!encrypted) {
    calls = g_atomic_int_get (&retransmission_calls);
    fail_unless (g_atomic_int_get (&retransmissions) >= lost,
        "%d retransmissions for %u packets lost",
        g_atomic_int_get (&retransmissions), lost);
    fail_unless (calls <= 2 * N_LISTS / DROP_EVERY, "%u lost lists of %u "
        "packets were sent again in %u send system calls, more than 2 a list",
        N_LISTS / DROP_EVERY, PER_LIST, calls);
  }

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
}

GST_START_TEST (test_lost_lists_resent_in_one_call)
{
  check_lost_lists_recovered (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_lost_encrypted_lists_recovered)
{
  check_lost_lists_recovered (TRUE);
}

GST_END_TEST;

static Suite *
sendbatch_suite (void)
{
  Suite *s = suite_create ("sendbatch");
  TCase *tc = tcase_create ("loopback");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_list_with_recovery_in_one_call);
  tcase_add_test (tc, test_encrypted_list_with_recovery_in_one_call);
  tcase_add_test (tc, test_encrypted_list_without_recovery_in_one_call);
  tcase_add_test (tc, test_list_to_consumers_with_and_without_recovery);
  tcase_add_test (tc,
      test_encrypted_list_to_consumers_with_and_without_recovery);
  tcase_add_test (tc, test_encrypted_list_drops_only_the_empty_buffer);
  tcase_add_test (tc, test_lost_lists_resent_in_one_call);
  tcase_add_test (tc, test_lost_encrypted_lists_recovered);
  return s;
}

GST_CHECK_MAIN (sendbatch);
