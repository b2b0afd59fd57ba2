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


/* The loss recovery machinery alone (gst/ice/gsticearq.c): a sender and
 * a receiver joined by the test, which loses, delays and reorders their
 * datagrams at will and gives them the time. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/ice/gsticearq.h>

#define MS 1000

/* big-endian fields a byte at a time: most are at odd offsets, where
 * GST_READ_UINT16_BE and friends' casts are undefined */
static guint32
get_be (const guint8 * in, guint bytes)
{
  guint32 value = 0;

  while (bytes--)
    value = (value << 8) | *in++;
  return value;
}

static void
put_be (guint8 * out, guint bytes, guint32 value)
{
  while (bytes--) {
    out[bytes] = value & 0xff;
    value >>= 8;
  }
}

typedef struct
{
  GstIceArqSender *sender;
  GstIceArqReceiver *receiver;
  GArray *delivered;            /* guint32: the number in each buffer */
  GPtrArray *to_sender;         /* GBytes: what the receiver sent */
  guint64 lost;                 /* reported by the lost callback */
  gint64 waited_us;
  guint lost_calls;
  GArray *retransmissions;
  GByteArray *reply;
} Pair;

static void
on_deliver (const guint8 * data, gsize size, gpointer user_data)
{
  Pair *pair = user_data;
  guint32 n;

  fail_unless (size >= 4);
  n = get_be (data, 4);
  g_array_append_val (pair->delivered, n);
}

static void
on_lost (guint64 packets, gint64 waited_us, gpointer user_data)
{
  Pair *pair = user_data;

  pair->lost += packets;
  pair->waited_us = waited_us;
  pair->lost_calls++;
}

static void
on_send (const guint8 * data, gsize size, gpointer user_data)
{
  Pair *pair = user_data;

  fail_unless (size <= GST_ICE_ARQ_MAX_CONTROL_SIZE);
  g_ptr_array_add (pair->to_sender, g_bytes_new (data, size));
}

static void
clear_retransmission (gpointer data)
{
  gst_buffer_unref (((GstIceArqRetransmission *) data)->buffer);
}

static Pair *
pair_new (guint latency_ms, guint overhead)
{
  Pair *pair = g_new0 (Pair, 1);

  pair->sender = gst_ice_arq_sender_new (latency_ms, overhead);
  pair->receiver = gst_ice_arq_receiver_new (latency_ms, on_deliver,
      on_lost, on_send, pair);
  pair->delivered = g_array_new (FALSE, FALSE, sizeof (guint32));
  pair->to_sender = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  pair->retransmissions = g_array_new (FALSE, FALSE,
      sizeof (GstIceArqRetransmission));
  g_array_set_clear_func (pair->retransmissions, clear_retransmission);
  pair->reply = g_byte_array_new ();
  return pair;
}

static void
pair_free (Pair * pair)
{
  gst_ice_arq_sender_free (pair->sender);
  gst_ice_arq_receiver_free (pair->receiver);
  g_array_unref (pair->delivered);
  g_ptr_array_unref (pair->to_sender);
  g_array_unref (pair->retransmissions);
  g_byte_array_unref (pair->reply);
  g_free (pair);
}

/* the datagram of @buffer behind @header */
static GBytes *
datagram (const guint8 * header, GstBuffer * buffer)
{
  gsize size = gst_buffer_get_size (buffer);
  guint8 *data = g_malloc (GST_ICE_ARQ_HEADER_SIZE + size);

  memcpy (data, header, GST_ICE_ARQ_HEADER_SIZE);
  gst_buffer_extract (buffer, 0, data + GST_ICE_ARQ_HEADER_SIZE, size);
  return g_bytes_new_take (data, GST_ICE_ARQ_HEADER_SIZE + size);
}

/* Sends buffer @n of @size bytes; returns its datagram. */
static GBytes *
send_packet (Pair * pair, guint32 n, gsize size, gint64 now)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, size, NULL);
  guint8 header[GST_ICE_ARQ_HEADER_SIZE];
  GBytes *bytes;

  gst_buffer_memset (buffer, 0, 0, size);
  put_be (header, 4, n);
  gst_buffer_fill (buffer, 0, header, 4);
  gst_ice_arq_sender_push (pair->sender, buffer, size, now, header);
  gst_ice_arq_sender_mark_sent (pair->sender);
  bytes = datagram (header, buffer);
  gst_buffer_unref (buffer);
  return bytes;
}

static gboolean
receive (Pair * pair, GBytes * bytes, gint64 now)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return gst_ice_arq_receiver_receive (pair->receiver, data, size, now);
}

/* Everything the receiver sent, to the sender; then the retransmissions
 * and drop notices, to the receiver (unless @lose_answers).  Returns how
 * many packets were sent again. */
static guint
feedback (Pair * pair, gint64 now, gboolean lose_answers)
{
  guint i, resent = 0;

  for (i = 0; i < pair->to_sender->len; i++) {
    gsize size;
    const guint8 *data = g_bytes_get_data (g_ptr_array_index
        (pair->to_sender, i), &size);
    guint j;

    g_byte_array_set_size (pair->reply, 0);
    gst_ice_arq_sender_receive (pair->sender, data, size, now,
        pair->retransmissions, pair->reply);
    for (j = 0; j < pair->retransmissions->len && !lose_answers; j++) {
      GstIceArqRetransmission *r = &g_array_index (pair->retransmissions,
          GstIceArqRetransmission, j);
      GBytes *bytes = datagram (r->header, r->buffer);

      fail_unless_equals_int (r->header[0], GST_ICE_ARQ_KIND_RETRANSMISSION);
      receive (pair, bytes, now);
      g_bytes_unref (bytes);
    }
    resent += pair->retransmissions->len;
    g_array_set_size (pair->retransmissions, 0);
    if (pair->reply->len > 0 && !lose_answers)
      gst_ice_arq_receiver_receive (pair->receiver, pair->reply->data,
          pair->reply->len, now);
  }
  g_ptr_array_set_size (pair->to_sender, 0);
  return resent;
}

static void
assert_delivered_in_order (Pair * pair, guint from, guint count)
{
  guint i;

  fail_unless_equals_int (pair->delivered->len, count);
  for (i = 0; i < count; i++)
    fail_unless_equals_int (g_array_index (pair->delivered, guint32, i),
        from + i);
}

/* nothing lost: each packet is delivered as it comes, nothing is sent
 * back but reports */
GST_START_TEST (test_in_order_passes_through)
{
  Pair *pair = pair_new (125, 25);
  guint i;

  for (i = 0; i < 100; i++) {
    GBytes *b = send_packet (pair, i, 100, i * MS);

    fail_if (receive (pair, b, i * MS));
    g_bytes_unref (b);
    fail_unless_equals_int (pair->delivered->len, i + 1);
  }
  fail_unless_equals_int64 (gst_ice_arq_receiver_tick (pair->receiver,
          100 * MS), -1);
  fail_unless_equals_int (pair->to_sender->len, 0);
  assert_delivered_in_order (pair, 0, 100);
  pair_free (pair);
}

GST_END_TEST;

/* Gaps are NACKed together in one datagram, the packets after them held,
 * and once sent again everything comes out in order. */
GST_START_TEST (test_gaps_nacked_together_and_recovered)
{
  Pair *pair = pair_new (125, 100);
  GstIceArqStats stats;
  gsize size;
  const guint8 *nack;
  guint i;

  for (i = 0; i < 10; i++) {
    GBytes *b = send_packet (pair, i, 100, 0);

    /* 3, 4 and 7 are lost */
    if (i != 3 && i != 4 && i != 7)
      receive (pair, b, 0);
    g_bytes_unref (b);
  }
  assert_delivered_in_order (pair, 0, 3);
  fail_unless (gst_ice_arq_receiver_tick (pair->receiver, 0) > 0);
  /* one NACK: kind, then 3+1 and 7+0 */
  fail_unless_equals_int (pair->to_sender->len, 1);
  nack = g_bytes_get_data (g_ptr_array_index (pair->to_sender, 0), &size);
  fail_unless_equals_int (size, 1 + 2 * 5);
  fail_unless_equals_int (nack[0], GST_ICE_ARQ_KIND_NACK);
  fail_unless_equals_int (get_be (nack + 1, 3), 3);
  fail_unless_equals_int (get_be (nack + 4, 2), 1);
  fail_unless_equals_int (get_be (nack + 6, 3), 7);
  fail_unless_equals_int (get_be (nack + 9, 2), 0);

  fail_unless_equals_int (feedback (pair, 1 * MS, FALSE), 3);
  assert_delivered_in_order (pair, 0, 10);
  gst_ice_arq_receiver_get_stats (pair->receiver, &stats);
  fail_unless_equals_int (stats.packets_lost, 3);
  fail_unless_equals_int (stats.packets_recovered, 3);
  fail_unless_equals_int (stats.packets_unrecovered, 0);
  fail_unless_equals_int (pair->lost_calls, 0);
  fail_unless_equals_int64 (gst_ice_arq_receiver_tick (pair->receiver,
          2 * MS), -1);
  pair_free (pair);
}

GST_END_TEST;

/* A NACK is not repeated before the retry time, and is after it. */
GST_START_TEST (test_nack_repeated_after_retry_time)
{
  Pair *pair = pair_new (125, 25);
  GBytes *b;
  gint64 wake;

  b = send_packet (pair, 0, 100, 0);
  g_bytes_unref (b);            /* lost */
  b = send_packet (pair, 1, 100, 0);
  fail_unless (receive (pair, b, 0));
  g_bytes_unref (b);
  wake = gst_ice_arq_receiver_tick (pair->receiver, 0);
  fail_unless_equals_int (pair->to_sender->len, 1);
  /* no report yet: 20 ms */
  fail_unless_equals_int64 (wake, 20 * MS);
  gst_ice_arq_receiver_tick (pair->receiver, 10 * MS);
  fail_unless_equals_int (pair->to_sender->len, 1);
  gst_ice_arq_receiver_tick (pair->receiver, 20 * MS);
  fail_unless_equals_int (pair->to_sender->len, 2);
  pair_free (pair);
}

GST_END_TEST;

/* A packet never sent again is given up on once it was missing for the
 * budget, not before; what came after it goes on, and the gap is told. */
GST_START_TEST (test_given_up_after_budget)
{
  Pair *pair = pair_new (125, 25);
  GstIceArqStats stats;
  guint i;

  for (i = 0; i < 5; i++) {
    GBytes *b = send_packet (pair, i, 100, 10 * MS);

    if (i != 2)
      receive (pair, b, 10 * MS);
    g_bytes_unref (b);
  }
  assert_delivered_in_order (pair, 0, 2);
  gst_ice_arq_receiver_tick (pair->receiver, 10 * MS);
  gst_ice_arq_receiver_tick (pair->receiver, 134 * MS);
  fail_unless_equals_int (pair->delivered->len, 2);
  fail_unless_equals_int (pair->lost_calls, 0);
  fail_unless_equals_int64 (gst_ice_arq_receiver_tick (pair->receiver,
          135 * MS), -1);
  fail_unless_equals_int (pair->delivered->len, 4);
  fail_unless_equals_int (g_array_index (pair->delivered, guint32, 2), 3);
  fail_unless_equals_int (pair->lost_calls, 1);
  fail_unless_equals_int (pair->lost, 1);
  fail_unless_equals_int64 (pair->waited_us, 125 * MS);
  gst_ice_arq_receiver_get_stats (pair->receiver, &stats);
  fail_unless_equals_int (stats.packets_unrecovered, 1);
  pair_free (pair);
}

GST_END_TEST;

/* The last packets lost: the sender's report shows them missing, and the
 * sender counts as drained only once the receiver has them. */
GST_START_TEST (test_lost_tail_found_by_report)
{
  Pair *pair = pair_new (125, 100);
  guint8 report[GST_ICE_ARQ_MAX_CONTROL_SIZE];
  gsize size;
  guint i;

  for (i = 0; i < 5; i++) {
    GBytes *b = send_packet (pair, i, 100, 0);

    if (i < 3)
      receive (pair, b, 0);
    g_bytes_unref (b);
  }
  fail_if (gst_ice_arq_sender_is_drained (pair->sender));
  size = gst_ice_arq_sender_write_report (pair->sender, 1 * MS, report);
  /* the receiver answers, and sees 3 and 4 missing */
  fail_unless (gst_ice_arq_receiver_receive (pair->receiver, report, size,
          1 * MS));
  fail_unless_equals_int (pair->to_sender->len, 1);
  feedback (pair, 2 * MS, FALSE);
  fail_if (gst_ice_arq_sender_is_drained (pair->sender));
  gst_ice_arq_receiver_tick (pair->receiver, 2 * MS);
  fail_unless_equals_int (feedback (pair, 3 * MS, FALSE), 2);
  assert_delivered_in_order (pair, 0, 5);
  size = gst_ice_arq_sender_write_report (pair->sender, 4 * MS, report);
  gst_ice_arq_receiver_receive (pair->receiver, report, size, 4 * MS);
  feedback (pair, 5 * MS, FALSE);
  fail_unless (gst_ice_arq_sender_is_drained (pair->sender));
  pair_free (pair);
}

GST_END_TEST;

/* A report written while a batch is numbered but not sent yet (the
 * streaming thread seals it while the transport thread reports)
 * announces only what has left: the consumer counts nothing lost and
 * asks for nothing again. */
GST_START_TEST (test_report_announces_only_what_left)
{
  Pair *pair = pair_new (125, 100);
  guint8 report[GST_ICE_ARQ_MAX_CONTROL_SIZE];
  guint8 header[GST_ICE_ARQ_HEADER_SIZE];
  GBytes *sent = send_packet (pair, 0, 100, 0);
  GstIceArqStats stats;
  gsize size;
  guint i;

  receive (pair, sent, 0);
  g_bytes_unref (sent);
  for (i = 1; i < 16; i++) {
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, 100, NULL);

    gst_ice_arq_sender_push (pair->sender, buffer, 100, 0, header);
    gst_buffer_unref (buffer);
  }
  size = gst_ice_arq_sender_write_report (pair->sender, 1 * MS, report);
  fail_if (gst_ice_arq_receiver_receive (pair->receiver, report, size,
          1 * MS), "the report made the consumer see a gap");
  gst_ice_arq_receiver_get_stats (pair->receiver, &stats);
  fail_unless_equals_uint64 (stats.packets_lost, 0);
  pair_free (pair);
}

GST_END_TEST;

/* The round trip comes from the echo in the reports. */
GST_START_TEST (test_round_trip_measured)
{
  Pair *pair = pair_new (125, 25);
  guint8 report[GST_ICE_ARQ_MAX_CONTROL_SIZE];
  GstIceArqStats stats;
  gsize size;

  gst_ice_arq_sender_get_stats (pair->sender, &stats);
  fail_unless_equals_int64 (stats.rtt_us, -1);
  size = gst_ice_arq_sender_write_report (pair->sender, 1000 * MS, report);
  gst_ice_arq_receiver_receive (pair->receiver, report, size, 1020 * MS);
  feedback (pair, 1040 * MS, FALSE);
  gst_ice_arq_sender_get_stats (pair->sender, &stats);
  fail_unless_equals_int64 (stats.rtt_us, 40 * MS);
  /* and the receiver learns it from the next report */
  size = gst_ice_arq_sender_write_report (pair->sender, 1100 * MS, report);
  gst_ice_arq_receiver_receive (pair->receiver, report, size, 1120 * MS);
  gst_ice_arq_receiver_get_stats (pair->receiver, &stats);
  fail_unless_equals_int64 (stats.rtt_us, 40 * MS);
  pair_free (pair);
}

GST_END_TEST;

/* The history holds the budget plus a round trip and a margin, and never
 * more than its cap, whatever the rate. */
GST_START_TEST (test_history_bounded)
{
  Pair *pair = pair_new (125, 25);
  guint i;

  for (i = 0; i < 10000; i++) {
    GBytes *b = send_packet (pair, i, 10, (gint64) i * MS);

    g_bytes_unref (b);
    fail_unless (gst_ice_arq_sender_get_history_length (pair->sender) <=
        125 + 20 + 1, "%u packets kept at 1 per ms",
        gst_ice_arq_sender_get_history_length (pair->sender));
  }
  gst_ice_arq_sender_expire (pair->sender, 20000 * MS);
  fail_unless_equals_int (gst_ice_arq_sender_get_history_length
      (pair->sender), 0);
  /* all at once: the cap */
  for (i = 0; i < 20000; i++) {
    GBytes *b = send_packet (pair, i, 10, 30000 * MS);

    g_bytes_unref (b);
  }
  fail_unless_equals_int (gst_ice_arq_sender_get_history_length
      (pair->sender), 16384);
  pair_free (pair);
}

GST_END_TEST;

/* NACKs for everything: what is sent again stays within the share of the
 * stream's bytes (25 %), plus one packet. */
GST_START_TEST (test_retransmissions_capped)
{
  Pair *pair = pair_new (1000, 25);
  GstIceArqStats stats;
  guint i, resent;

  for (i = 0; i < 1000; i++) {
    GBytes *b = send_packet (pair, i, 1000, (gint64) i * MS);

    /* every packet lost */
    g_bytes_unref (b);
  }
  /* the report shows them all missing; the NACKs ask for all 1000 */
  {
    guint8 report[GST_ICE_ARQ_MAX_CONTROL_SIZE];
    gsize size = gst_ice_arq_sender_write_report (pair->sender, 999 * MS,
        report);

    gst_ice_arq_receiver_receive (pair->receiver, report, size, 999 * MS);
  }
  gst_ice_arq_receiver_tick (pair->receiver, 999 * MS);
  resent = feedback (pair, 999 * MS, TRUE);
  g_print ("1000 packets lost, all NACKed: %u sent again (cap 25 %%)\n",
      resent);
  fail_unless (resent <= 251, "%u sent again", resent);
  fail_unless (resent >= 200, "%u sent again", resent);
  gst_ice_arq_sender_get_stats (pair->sender, &stats);
  fail_unless_equals_int (stats.packets_retransmitted, resent);
  fail_unless_equals_int (stats.retransmissions_refused, 1000 - resent);
  pair_free (pair);
}

GST_END_TEST;

/* A packet the sender no longer has: it says so, and the receiver skips
 * it at once instead of waiting for the budget. */
GST_START_TEST (test_drop_notice_skips_at_once)
{
  Pair *pair = pair_new (125, 25);
  GBytes *b;

  b = send_packet (pair, 0, 100, 0);
  g_bytes_unref (b);            /* lost */
  /* 0 expired from the history by now */
  b = send_packet (pair, 1, 100, 500 * MS);
  receive (pair, b, 500 * MS);
  g_bytes_unref (b);
  fail_unless_equals_int (pair->delivered->len, 0);
  gst_ice_arq_receiver_tick (pair->receiver, 500 * MS);
  fail_unless_equals_int (feedback (pair, 501 * MS, FALSE), 0);
  gst_ice_arq_receiver_tick (pair->receiver, 501 * MS);
  assert_delivered_in_order (pair, 1, 1);
  fail_unless_equals_int (pair->lost, 1);
  fail_unless (pair->waited_us <= 1 * MS);
  pair_free (pair);
}

GST_END_TEST;

/* a datagram of buffer @n, with the 24-bit sequence number @seq */
static GBytes *
crafted (guint8 kind, guint32 seq, guint32 n)
{
  guint8 *data = g_malloc (8);

  data[0] = kind;
  put_be (data + 1, 3, seq & 0xffffff);
  put_be (data + 4, 4, n);
  return g_bytes_new_take (data, 8);
}

/* Sequence numbers have 24 bits: a gap across their wrap is NACKed and
 * filled as any other. */
GST_START_TEST (test_sequence_wraps)
{
  Pair *pair = pair_new (125, 25);
  guint32 wrap = 1 << 24;
  GBytes *b;
  gsize size;
  const guint8 *nack;

  /* jumps forward, each less than half the numbers and given up on, to
   * just before the wrap */
  b = crafted (GST_ICE_ARQ_KIND_DATA, 0x600000, 0x600000);
  receive (pair, b, 0);
  g_bytes_unref (b);
  gst_ice_arq_receiver_tick (pair->receiver, 1000 * MS);
  b = crafted (GST_ICE_ARQ_KIND_DATA, 0xc00000, 0xc00000);
  receive (pair, b, 1000 * MS);
  g_bytes_unref (b);
  gst_ice_arq_receiver_tick (pair->receiver, 2000 * MS);
  b = crafted (GST_ICE_ARQ_KIND_DATA, wrap - 3, wrap - 3);
  receive (pair, b, 2000 * MS);
  g_bytes_unref (b);
  gst_ice_arq_receiver_tick (pair->receiver, 3000 * MS);
  g_ptr_array_set_size (pair->to_sender, 0);
  fail_unless_equals_int (pair->delivered->len, 3);
  fail_unless_equals_int (g_array_index (pair->delivered, guint32, 2),
      wrap - 3);
  g_array_set_size (pair->delivered, 0);
  /* wrap - 3 came; wrap - 2 and wrap (0) are lost; wrap - 1 and wrap + 1
   * arrive */
  b = crafted (GST_ICE_ARQ_KIND_DATA, wrap - 1, wrap - 1);
  receive (pair, b, 4000 * MS);
  g_bytes_unref (b);
  b = crafted (GST_ICE_ARQ_KIND_DATA, 1, wrap + 1);
  receive (pair, b, 4000 * MS);
  g_bytes_unref (b);
  gst_ice_arq_receiver_tick (pair->receiver, 4000 * MS);
  fail_unless_equals_int (pair->to_sender->len, 1);
  nack = g_bytes_get_data (g_ptr_array_index (pair->to_sender, 0), &size);
  fail_unless_equals_int (size, 11);
  fail_unless_equals_int (get_be (nack + 1, 3), wrap - 2);
  fail_unless_equals_int (get_be (nack + 4, 2), 0);
  fail_unless_equals_int (get_be (nack + 6, 3), 0);
  b = crafted (GST_ICE_ARQ_KIND_RETRANSMISSION, 0, wrap);
  receive (pair, b, 4001 * MS);
  g_bytes_unref (b);
  fail_unless_equals_int (pair->delivered->len, 0);
  b = crafted (GST_ICE_ARQ_KIND_RETRANSMISSION, wrap - 2, wrap - 2);
  receive (pair, b, 4001 * MS);
  g_bytes_unref (b);
  assert_delivered_in_order (pair, wrap - 2, 4);
  pair_free (pair);
}

GST_END_TEST;

/* A hostile NACK (every range, the longest counts) costs a bounded amount
 * of work and gets a drop notice that fits a datagram. */
GST_START_TEST (test_hostile_nack_bounded)
{
  Pair *pair = pair_new (125, 100);
  guint8 nack[65000];
  gsize i;
  guint n;

  for (n = 0; n < 100; n++) {
    GBytes *b = send_packet (pair, n, 100, 0);

    g_bytes_unref (b);
  }
  nack[0] = GST_ICE_ARQ_KIND_NACK;
  for (i = 1; i + 5 <= sizeof (nack); i += 5) {
    put_be (nack + i, 3, 0x800001);
    put_be (nack + i + 3, 2, 0xffff);
  }
  gst_ice_arq_sender_receive (pair->sender, nack, sizeof (nack), 1 * MS,
      pair->retransmissions, pair->reply);
  fail_unless (pair->reply->len <= GST_ICE_ARQ_MAX_CONTROL_SIZE);
  fail_unless (pair->retransmissions->len <= 100);
  pair_free (pair);
}

GST_END_TEST;

/* The estimate: falls under heavy loss, rises slowly without, holds at
 * what got through when packets were given up on. */
GST_START_TEST (test_estimate)
{
  GstIceArqEstimator e = { 0 };
  guint64 v;

  fail_unless_equals_uint64 (gst_ice_arq_estimator_update (&e, 0, 0, 0), 0);
  fail_unless_equals_uint64 (gst_ice_arq_estimator_update (&e, 1000000, 0,
          0), 1050000);
  v = gst_ice_arq_estimator_update (&e, 1000000, 0.20, 0);
  fail_unless_equals_uint64 (v, 945000);
  v = gst_ice_arq_estimator_update (&e, 1000000, 0.05, 0);
  fail_unless_equals_uint64 (v, 945000);
  v = gst_ice_arq_estimator_update (&e, 1000000, 0.05, 3);
  fail_unless_equals_uint64 (v, 945000);
  v = gst_ice_arq_estimator_update (&e, 1000000, 0.08, 3);
  fail_unless_equals_uint64 (v, 920000);
  /* no loss: up by 5 % a step, to 1.5 times what is sent */
  for (v = 0; v < 20; v++)
    gst_ice_arq_estimator_update (&e, 1000000, 0, 0);
  fail_unless_equals_uint64 (e.estimate, 1500000);
}

GST_END_TEST;

static Suite *
arq_suite (void)
{
  Suite *s = suite_create ("arq");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_in_order_passes_through);
  tcase_add_test (tc, test_gaps_nacked_together_and_recovered);
  tcase_add_test (tc, test_nack_repeated_after_retry_time);
  tcase_add_test (tc, test_given_up_after_budget);
  tcase_add_test (tc, test_lost_tail_found_by_report);
  tcase_add_test (tc, test_report_announces_only_what_left);
  tcase_add_test (tc, test_round_trip_measured);
  tcase_add_test (tc, test_history_bounded);
  tcase_add_test (tc, test_retransmissions_capped);
  tcase_add_test (tc, test_drop_notice_skips_at_once);
  tcase_add_test (tc, test_sequence_wraps);
  tcase_add_test (tc, test_hostile_nack_bounded);
  tcase_add_test (tc, test_estimate);
  return s;
}

GST_CHECK_MAIN (arq);
