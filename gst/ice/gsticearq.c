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


/**
 * SECTION:gsticearq
 * @title: GstIceArq
 * @short_description: loss recovery within a latency budget, as a pure unit
 *
 * The sequence numbers, history, NACKs and reordering of loss recovery
 * (ARQ), with no socket, clock or thread of their own: every function is
 * given the time, and what is to be sent is handed back.  The wiring into
 * a session (gsticetransportarq.c) sends it and keeps the timers.
 * docs/loss-recovery.md explains the design.
 *
 * The #GstIceArqSender (producer) puts a 4-byte header in front of each
 * buffer (kind, 24-bit sequence number), keeps each buffer in a history
 * for the latency budget plus a round trip (at most %MAX_HISTORY
 * packets), answers NACKs from it while the retransmission credit lasts
 * (a share of the stream's bytes), says which packets it no longer has,
 * and sends a report every so often: its next sequence number, so that a
 * lost last packet is noticed too, and a timestamp the consumer echoes
 * for the round-trip time.
 *
 * The #GstIceArqReceiver (consumer) delivers in order; a gap holds the
 * packets after it and is NACKed at once (batched in one datagram per
 * tick), again after 1.5 round trips, and given up on once it has been
 * missing for the budget: the stream goes on without it, counted.
 *
 * Neither is thread-safe: the wiring serialises the calls.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticearq.h>

#define SEQ_MASK 0xffffff
#define SEQ_HALF 0x800000
/* the producer's history, in packets: it grows from MIN to MAX while
 * the budget holds more packets, and stays bounded whatever the rate */
#define MIN_HISTORY 256
#define MAX_HISTORY 16384
/* a history entry lives a round trip longer than the budget, and this */
#define KEEP_MARGIN_US (20 * 1000)
/* the consumer's window of packets it waits for; a jump beyond it (a
 * restarted producer, a very long outage) skips everything before */
#define MIN_WINDOW 256
#define MAX_WINDOW 32768
/* a NACK is repeated after 1.5 round trips, at least this long after the
 * last one, and this long before the first report says the round trip */
#define MIN_RETRY_US (10 * 1000)
#define DEFAULT_RETRY_US (20 * 1000)
/* the same packet is not sent twice within this, whatever the NACKs */
#define MIN_RESEND_GAP_US (2 * 1000)
/* a credit window of one second */
#define CREDIT_WINDOW_US G_USEC_PER_SEC

#define SENDER_REPORT_SIZE 12
#define RECEIVER_REPORT_SIZE 24
#define RANGE_SIZE 5
#define MAX_RANGES ((GST_ICE_ARQ_MAX_CONTROL_SIZE - 1) / RANGE_SIZE)
#define RTT_UNKNOWN 0xffffffff

/* Big-endian fields at any offset, a byte at a time: GStreamer's
 * put_be16 and friends store through a cast pointer, which is
 * undefined at an odd address (UBSan stops there), and most of these
 * fields are at one. */
static inline void
put_be16 (guint8 * out, guint16 value)
{
  out[0] = value >> 8;
  out[1] = value & 0xff;
}

static inline void
put_be24 (guint8 * out, guint32 value)
{
  out[0] = (value >> 16) & 0xff;
  out[1] = (value >> 8) & 0xff;
  out[2] = value & 0xff;
}

static inline void
put_be32 (guint8 * out, guint32 value)
{
  out[0] = value >> 24;
  put_be24 (out + 1, value);
}

static inline guint16
get_be16 (const guint8 * in)
{
  return (guint16) ((in[0] << 8) | in[1]);
}

static inline guint32
get_be24 (const guint8 * in)
{
  return ((guint32) in[0] << 16) | ((guint32) in[1] << 8) | in[2];
}

static inline guint32
get_be32 (const guint8 * in)
{
  return ((guint32) in[0] << 24) | get_be24 (in + 1);
}

/* the extended sequence number nearest to @reference whose low 24 bits
 * are @seq (RFC 1982 serial numbers); may be negative */
static gint64
unwrap (guint64 reference, guint32 seq)
{
  gint64 diff = (gint64) ((seq - (guint32) reference) & SEQ_MASK);

  if (diff >= SEQ_HALF)
    diff -= (gint64) SEQ_MASK + 1;
  return (gint64) reference + diff;
}

static void
write_seq (guint8 * out, guint64 seq)
{
  put_be24 (out, (guint32) (seq & SEQ_MASK));
}

/* Ranges of sequence numbers, written as NACK or drop notices: start
 * (24 bits) and count - 1 (16 bits), as many as a datagram holds. */
typedef struct
{
  GByteArray *out;
  guint8 kind;
  guint64 start;
  guint count;
  guint ranges;
} RangeWriter;

static void
range_close (RangeWriter * w)
{
  guint8 range[RANGE_SIZE];

  if (w->count == 0)
    return;
  if (w->out->len == 0) {
    g_byte_array_append (w->out, &w->kind, 1);
    w->ranges = 0;
  }
  write_seq (range, w->start);
  put_be16 (range + 3, w->count - 1);
  g_byte_array_append (w->out, range, RANGE_SIZE);
  w->ranges++;
  w->count = 0;
}

/* Adds @seq; returns TRUE when the datagram is full and must be sent
 * (and emptied) before the next one. */
static gboolean
range_add (RangeWriter * w, guint64 seq)
{
  if (w->count > 0 && seq == w->start + w->count && w->count < 65536) {
    w->count++;
    return FALSE;
  }
  range_close (w);
  w->start = seq;
  w->count = 1;
  return w->ranges + 1 >= MAX_RANGES;
}

/* --- sender ------------------------------------------------------------- */

typedef struct
{
  GstBuffer *buffer;
  gsize size;
  gint64 sent_us;
  gint64 resent_us;
} SentPacket;

struct _GstIceArqSender
{
  gint64 latency_us;
  guint overhead_percent;

  SentPacket *history;
  guint capacity;               /* a power of two */
  guint64 next_seq;
  guint64 oldest;               /* the oldest packet still kept */
  guint64 acked;                /* the consumer has all before this */
  guint64 sent_seq;             /* reports announce the packets before this:
                                 * those have been handed to the socket */
  gint64 srtt_us;

  /* retransmission credit, in hundredths of a byte: each buffer adds its
   * size times overhead_percent, each retransmission takes its size */
  gint64 credit;
  guint64 window_bytes;
  guint64 last_window_bytes;
  gint64 window_start_us;

  GstIceArqStats stats;
};

/**
 * gst_ice_arq_sender_new:
 * @latency_ms: the negotiated budget
 * @overhead_percent: retransmissions may add at most this share of the
 *   stream's bytes (over a second)
 *
 * Returns: (transfer full): a sender whose first packet is number 0
 */
GstIceArqSender *
gst_ice_arq_sender_new (guint latency_ms, guint overhead_percent)
{
  GstIceArqSender *sender = g_new0 (GstIceArqSender, 1);

  sender->latency_us = (gint64) latency_ms *1000;
  sender->overhead_percent = overhead_percent;
  sender->capacity = MIN_HISTORY;
  sender->history = g_new0 (SentPacket, sender->capacity);
  sender->srtt_us = -1;
  sender->stats.latency_ms = latency_ms;
  sender->stats.rtt_us = -1;
  return sender;
}

static void
release (SentPacket * packet)
{
  gst_clear_buffer (&packet->buffer);
}

void
gst_ice_arq_sender_free (GstIceArqSender * sender)
{
  guint i;

  for (i = 0; i < sender->capacity; i++)
    release (&sender->history[i]);
  g_free (sender->history);
  g_free (sender);
}

static SentPacket *
sent_packet (GstIceArqSender * sender, guint64 seq)
{
  return &sender->history[seq & (sender->capacity - 1)];
}

/**
 * gst_ice_arq_sender_expire:
 *
 * Releases the packets older than the budget plus a round trip: the
 * consumer has given up on them by now.
 */
void
gst_ice_arq_sender_expire (GstIceArqSender * sender, gint64 now_us)
{
  gint64 keep = sender->latency_us + MAX (sender->srtt_us, 0) + KEEP_MARGIN_US;

  while (sender->oldest < sender->next_seq) {
    SentPacket *packet = sent_packet (sender, sender->oldest);

    if (now_us - packet->sent_us <= keep)
      break;
    release (packet);
    sender->oldest++;
  }
}

/* Twice the room, for a rate that fills the budget with more packets. */
static void
grow_history (GstIceArqSender * sender)
{
  guint capacity = sender->capacity * 2;
  SentPacket *history = g_new0 (SentPacket, capacity);
  guint64 seq;

  for (seq = sender->oldest; seq < sender->next_seq; seq++)
    history[seq & (capacity - 1)] = *sent_packet (sender, seq);
  g_free (sender->history);
  sender->history = history;
  sender->capacity = capacity;
}

/**
 * gst_ice_arq_sender_push:
 * @buffer: the buffer about to be sent; a reference is kept
 * @size: its size
 * @header: (out caller-allocates) (array fixed-size=4): its header
 *
 * Numbers the next buffer and keeps it for retransmission.  Allocates
 * only when the history grows.
 */
void
gst_ice_arq_sender_push (GstIceArqSender * sender, GstBuffer * buffer,
    gsize size, gint64 now_us, guint8 * header)
{
  SentPacket *packet;
  gint64 cap;

  gst_ice_arq_sender_expire (sender, now_us);
  if (sender->next_seq - sender->oldest == sender->capacity) {
    if (sender->capacity < MAX_HISTORY) {
      grow_history (sender);
    } else {
      release (sent_packet (sender, sender->oldest));
      sender->oldest++;
    }
  }
  packet = sent_packet (sender, sender->next_seq);
  packet->buffer = gst_buffer_ref (buffer);
  packet->size = size;
  packet->sent_us = now_us;
  packet->resent_us = 0;

  header[0] = GST_ICE_ARQ_KIND_DATA;
  write_seq (header + 1, sender->next_seq);
  sender->next_seq++;
  sender->stats.packets++;
  sender->stats.bytes += size;

  if (now_us - sender->window_start_us >= CREDIT_WINDOW_US) {
    sender->last_window_bytes = sender->window_bytes;
    sender->window_bytes = 0;
    sender->window_start_us = now_us;
  }
  sender->window_bytes += size;
  /* a second of the stream's share, and room for one packet */
  cap = (gint64) (MAX (sender->window_bytes, sender->last_window_bytes) *
      sender->overhead_percent + size * 100);
  sender->credit = MIN (sender->credit + (gint64) size *
      sender->overhead_percent, cap);
}

/**
 * gst_ice_arq_sender_mark_sent:
 *
 * Every packet numbered so far has been handed to the socket: the next
 * report may announce them.  Numbered but not sent yet (a batch being
 * sealed), they would look lost to the consumer, which would ask for them
 * again and spend the retransmission credit on packets on their way.
 */
void
gst_ice_arq_sender_mark_sent (GstIceArqSender * sender)
{
  sender->sent_seq = sender->next_seq;
}

static void
update_rtt (GstIceArqSender * sender, gint64 sample_us)
{
  if (sender->srtt_us < 0)
    sender->srtt_us = sample_us;
  else
    sender->srtt_us = (7 * sender->srtt_us + sample_us) / 8;
  sender->stats.rtt_us = sender->srtt_us;
}

/* One NACKed packet the history holds: sent again if the credit allows
 * and it was not just sent again. */
static void
answer_nack (GstIceArqSender * sender, guint64 seq, gint64 now_us,
    GArray * retransmissions)
{
  SentPacket *packet = sent_packet (sender, seq);
  GstIceArqRetransmission r;
  gint64 gap = MAX (sender->srtt_us / 2, MIN_RESEND_GAP_US);

  if (packet->resent_us != 0 && now_us - packet->resent_us < gap)
    return;
  if (sender->credit < (gint64) packet->size * 100) {
    sender->stats.retransmissions_refused++;
    return;
  }
  sender->credit -= (gint64) packet->size * 100;
  packet->resent_us = now_us;
  r.buffer = gst_buffer_ref (packet->buffer);
  r.header[0] = GST_ICE_ARQ_KIND_RETRANSMISSION;
  write_seq (r.header + 1, seq);
  g_array_append_val (retransmissions, r);
  sender->stats.packets_retransmitted++;
}

/* A NACK: each range split into what is gone (one drop range), what the
 * history holds (sent again) and what was never sent (ignored).  A peer
 * cannot make it do more than MAX_HISTORY packets' work per NACK. */
static void
take_nack (GstIceArqSender * sender, const guint8 * data, gsize size,
    gint64 now_us, GArray * retransmissions, GByteArray * reply)
{
  RangeWriter drops = { reply, GST_ICE_ARQ_KIND_DROP, 0, 0, 0 };
  guint work = MAX_HISTORY;
  gsize offset;

  for (offset = 1; offset + RANGE_SIZE <= size; offset += RANGE_SIZE) {
    gint64 start = unwrap (sender->next_seq, get_be24 (data + offset));
    gint64 end = start + get_be16 (data + offset + 3) + 1;
    gint64 from = MAX (start, 0), to = MIN (end, (gint64) sender->oldest);
    gint64 seq;

    if (from < to) {
      sender->stats.retransmissions_refused += to - from;
      if (drops.ranges + 2 < MAX_RANGES) {
        range_close (&drops);
        drops.start = from;
        drops.count = MIN (to - from, 65536);
      }
    }
    from = MAX (start, (gint64) sender->oldest);
    to = MIN (end, (gint64) sender->next_seq);
    for (seq = from; seq < to && work > 0; seq++, work--)
      answer_nack (sender, seq, now_us, retransmissions);
  }
  range_close (&drops);
}

/* The consumer's report: what it has, our echoed time, its counts.
 * Returns whether it acknowledged more than before. */
static gboolean
take_receiver_report (GstIceArqSender * sender, const guint8 * data,
    gsize size, gint64 now_us)
{
  gint64 next = unwrap (sender->next_seq, get_be24 (data + 1));
  guint32 echo = get_be32 (data + 4);
  guint32 delay = get_be32 (data + 8);
  guint32 sample = (guint32) now_us - echo - delay;
  gboolean advanced = FALSE;

  if (next > (gint64) sender->acked && next <= (gint64) sender->next_seq) {
    sender->acked = next;
    advanced = TRUE;
  }
  /* a sample of more than 10 s is an echo of nothing we sent */
  if (sample < 10 * G_USEC_PER_SEC)
    update_rtt (sender, sample);
  sender->stats.packets_lost = get_be32 (data + 12);
  sender->stats.packets_recovered = get_be32 (data + 16);
  sender->stats.packets_unrecovered = get_be32 (data + 20);
  return advanced;
}

/**
 * gst_ice_arq_sender_receive:
 * @data: a datagram from the consumer
 * @retransmissions: (element-type GstIceArqRetransmission): where the
 *   packets to send again are appended
 * @reply: where a drop notice for the consumer is written, if any
 *
 * Returns: %TRUE when @data was a report that acknowledged more packets
 */
gboolean
gst_ice_arq_sender_receive (GstIceArqSender * sender, const guint8 * data,
    gsize size, gint64 now_us, GArray * retransmissions, GByteArray * reply)
{
  if (size < 1)
    return FALSE;
  switch (data[0]) {
    case GST_ICE_ARQ_KIND_NACK:
      take_nack (sender, data, size, now_us, retransmissions, reply);
      return FALSE;
    case GST_ICE_ARQ_KIND_RECEIVER_REPORT:
      return size >= RECEIVER_REPORT_SIZE &&
          take_receiver_report (sender, data, size, now_us);
    default:
      return FALSE;
  }
}

/**
 * gst_ice_arq_sender_write_report:
 * @out: (out caller-allocates): room for %GST_ICE_ARQ_MAX_CONTROL_SIZE
 *
 * Returns: the size of the sender report written to @out
 */
gsize
gst_ice_arq_sender_write_report (GstIceArqSender * sender, gint64 now_us,
    guint8 * out)
{
  out[0] = GST_ICE_ARQ_KIND_SENDER_REPORT;
  write_seq (out + 1, sender->sent_seq);
  put_be32 (out + 4, (guint32) now_us);
  put_be32 (out + 8, sender->srtt_us < 0 ? RTT_UNKNOWN :
      (guint32) MIN (sender->srtt_us, G_MAXUINT32 - 1));
  return SENDER_REPORT_SIZE;
}

/* Whether the consumer has every packet sent so far, or gave up on it. */
gboolean
gst_ice_arq_sender_is_drained (GstIceArqSender * sender)
{
  return sender->acked >= sender->next_seq;
}

/* How many packets the history holds now. */
guint
gst_ice_arq_sender_get_history_length (GstIceArqSender * sender)
{
  return (guint) (sender->next_seq - sender->oldest);
}

void
gst_ice_arq_sender_get_stats (GstIceArqSender * sender, GstIceArqStats * stats)
{
  *stats = sender->stats;
}

/* --- receiver ----------------------------------------------------------- */

typedef struct
{
  guint8 *data;                 /* a packet held for order, or NULL */
  gsize size;
  gint64 noticed_us;            /* missing since then */
  gint64 nacked_us;             /* last asked for then */
  guint nacks;                  /* how many times */
  gboolean dropped;             /* the producer no longer has it */
} Pending;

struct _GstIceArqReceiver
{
  gint64 latency_us;
  GstIceArqDeliverFunc deliver;
  GstIceArqLostFunc lost;
  GstIceArqSendFunc send;
  gpointer user_data;

  /* packets next to end - 1: held or missing */
  Pending *window;
  guint capacity;               /* a power of two */
  guint64 next;                 /* the next to deliver */
  guint64 end;                  /* one past the highest known */
  guint missing;
  gint64 rtt_us;

  GstIceArqStats stats;
  GByteArray *control;
};

/**
 * gst_ice_arq_receiver_new:
 * @latency_ms: the negotiated budget
 * @deliver: called with each buffer, in order
 * @lost: called when the stream goes on without packets
 * @send: called with each datagram for the producer
 *
 * Returns: (transfer full): a receiver that expects packet 0 first
 */
GstIceArqReceiver *
gst_ice_arq_receiver_new (guint latency_ms, GstIceArqDeliverFunc deliver,
    GstIceArqLostFunc lost, GstIceArqSendFunc send, gpointer user_data)
{
  GstIceArqReceiver *receiver = g_new0 (GstIceArqReceiver, 1);

  receiver->latency_us = (gint64) latency_ms *1000;
  receiver->deliver = deliver;
  receiver->lost = lost;
  receiver->send = send;
  receiver->user_data = user_data;
  receiver->capacity = MIN_WINDOW;
  receiver->window = g_new0 (Pending, receiver->capacity);
  receiver->rtt_us = -1;
  receiver->stats.latency_ms = latency_ms;
  receiver->stats.rtt_us = -1;
  receiver->control = g_byte_array_sized_new (GST_ICE_ARQ_MAX_CONTROL_SIZE);
  return receiver;
}

static Pending *
pending (GstIceArqReceiver * receiver, guint64 seq)
{
  return &receiver->window[seq & (receiver->capacity - 1)];
}

static void
clear_pending (Pending * p)
{
  g_free (p->data);
  memset (p, 0, sizeof (Pending));
}

void
gst_ice_arq_receiver_free (GstIceArqReceiver * receiver)
{
  guint i;

  for (i = 0; i < receiver->capacity; i++)
    g_free (receiver->window[i].data);
  g_free (receiver->window);
  g_byte_array_unref (receiver->control);
  g_free (receiver);
}

static void
deliver (GstIceArqReceiver * receiver, const guint8 * data, gsize size)
{
  receiver->stats.packets++;
  receiver->stats.bytes += size;
  receiver->deliver (data, size, receiver->user_data);
}

/* Delivers the held packets that follow the last delivered one. */
static void
advance (GstIceArqReceiver * receiver)
{
  while (receiver->next < receiver->end) {
    Pending *p = pending (receiver, receiver->next);

    if (p->data == NULL)
      break;
    deliver (receiver, p->data, p->size);
    clear_pending (p);
    receiver->next++;
  }
}

/* Room for packets up to @seq (within MAX_WINDOW of next). */
static void
ensure_window (GstIceArqReceiver * receiver, guint64 seq)
{
  guint capacity = receiver->capacity;
  Pending *window;
  guint64 s;

  while (seq - receiver->next >= capacity)
    capacity *= 2;
  if (capacity == receiver->capacity)
    return;
  window = g_new0 (Pending, capacity);
  for (s = receiver->next; s < receiver->end; s++)
    window[s & (capacity - 1)] = *pending (receiver, s);
  g_free (receiver->window);
  receiver->window = window;
  receiver->capacity = capacity;
}

/* Packets up to @seq (excluded) are known to exist: the ones not here
 * are missing from now on.  Returns whether any is. */
static gboolean
extend (GstIceArqReceiver * receiver, guint64 seq, gint64 now_us)
{
  guint64 s;

  if (seq <= receiver->end)
    return FALSE;
  ensure_window (receiver, seq - 1);
  for (s = receiver->end; s < seq; s++) {
    Pending *p = pending (receiver, s);

    clear_pending (p);
    p->noticed_us = now_us;
  }
  receiver->missing += seq - receiver->end;
  receiver->stats.packets_lost += seq - receiver->end;
  receiver->end = seq;
  return TRUE;
}

/* Gives up on everything before @seq: held packets are delivered, the
 * missing ones counted and reported as runs. */
static void
skip_to (GstIceArqReceiver * receiver, guint64 seq, gint64 now_us)
{
  guint64 run = 0;
  gint64 noticed = 0;

  while (receiver->next < seq) {
    Pending *p;

    if (receiver->next == receiver->end) {
      /* never even known: lost as well */
      receiver->stats.packets_lost += seq - receiver->next;
      receiver->stats.packets_unrecovered += seq - receiver->next;
      if (run == 0)
        noticed = now_us;
      run += seq - receiver->next;
      receiver->next = receiver->end = seq;
      break;
    }
    p = pending (receiver, receiver->next);
    if (p->data != NULL) {
      if (run > 0)
        receiver->lost (run, now_us - noticed, receiver->user_data);
      run = 0;
      deliver (receiver, p->data, p->size);
    } else {
      if (run == 0)
        noticed = p->noticed_us;
      run++;
      receiver->missing--;
      receiver->stats.packets_unrecovered++;
    }
    clear_pending (p);
    receiver->next++;
  }
  if (run > 0)
    receiver->lost (run, now_us - noticed, receiver->user_data);
}

static gboolean
take_data (GstIceArqReceiver * receiver, const guint8 * data, gsize size,
    gint64 now_us)
{
  gint64 seq = unwrap (receiver->next, get_be24 (data + 1));
  const guint8 *payload = data + GST_ICE_ARQ_HEADER_SIZE;
  gsize length = size - GST_ICE_ARQ_HEADER_SIZE;
  gboolean gap = FALSE;
  Pending *p;

  if (seq < (gint64) receiver->next) {
    receiver->stats.duplicates++;
    return FALSE;
  }
  /* the fast path: the next one, nothing waiting */
  if (seq == (gint64) receiver->next && receiver->end == receiver->next) {
    deliver (receiver, payload, length);
    receiver->next++;
    receiver->end++;
    return FALSE;
  }
  if (seq - (gint64) receiver->next >= MAX_WINDOW)
    skip_to (receiver, seq - MAX_WINDOW / 2, now_us);

  if (seq >= (gint64) receiver->end) {
    gap = extend (receiver, seq, now_us);
    ensure_window (receiver, seq);
    clear_pending (pending (receiver, seq));
    receiver->end = seq + 1;
  } else {
    p = pending (receiver, seq);
    if (p->data != NULL) {
      receiver->stats.duplicates++;
      return FALSE;
    }
    receiver->missing--;
    receiver->stats.packets_recovered++;
  }

  if (seq == (gint64) receiver->next) {
    deliver (receiver, payload, length);
    clear_pending (pending (receiver, seq));
    receiver->next++;
    advance (receiver);
    /* a packet the producer no longer has is next: skip it now */
    if (receiver->next < receiver->end &&
        pending (receiver, receiver->next)->dropped)
      gap = TRUE;
  } else {
    p = pending (receiver, seq);
    p->data = g_memdup2 (payload, length);
    p->size = length;
  }
  return gap;
}

static void
send_control (GstIceArqReceiver * receiver)
{
  if (receiver->control->len > 0)
    receiver->send (receiver->control->data, receiver->control->len,
        receiver->user_data);
  g_byte_array_set_size (receiver->control, 0);
}

/* The producer's report: how far it sent, its time to echo, the round
 * trip; answered at once with ours. */
static gboolean
take_sender_report (GstIceArqReceiver * receiver, const guint8 * data,
    gsize size, gint64 now_us)
{
  gint64 sent = unwrap (receiver->next, get_be24 (data + 1));
  guint32 rtt = get_be32 (data + 8);
  guint8 report[RECEIVER_REPORT_SIZE];
  gboolean gap = FALSE;

  if (rtt != RTT_UNKNOWN) {
    receiver->rtt_us = rtt;
    receiver->stats.rtt_us = rtt;
  }
  if (sent > (gint64) receiver->end &&
      sent - (gint64) receiver->next < MAX_WINDOW)
    gap = extend (receiver, sent, now_us);

  report[0] = GST_ICE_ARQ_KIND_RECEIVER_REPORT;
  write_seq (report + 1, receiver->next);
  memcpy (report + 4, data + 4, 4);
  put_be32 (report + 8, 0);
  put_be32 (report + 12, (guint32) receiver->stats.packets_lost);
  put_be32 (report + 16, (guint32) receiver->stats.packets_recovered);
  put_be32 (report + 20, (guint32) receiver->stats.packets_unrecovered);
  receiver->send (report, sizeof (report), receiver->user_data);
  return gap;
}

static gboolean
take_drop (GstIceArqReceiver * receiver, const guint8 * data, gsize size)
{
  gboolean any = FALSE;
  gsize offset;

  for (offset = 1; offset + RANGE_SIZE <= size; offset += RANGE_SIZE) {
    gint64 start = unwrap (receiver->next, get_be24 (data + offset));
    gint64 count = get_be16 (data + offset + 3) + 1, seq;

    for (seq = MAX (start, (gint64) receiver->next);
        seq < start + count && seq < (gint64) receiver->end; seq++) {
      Pending *p = pending (receiver, seq);

      if (p->data == NULL) {
        p->dropped = TRUE;
        any = TRUE;
      }
    }
  }
  return any;
}

/**
 * gst_ice_arq_receiver_receive:
 * @data: a datagram from the producer
 *
 * Delivers what @data makes deliverable, answers a report.
 *
 * Returns: %TRUE when gst_ice_arq_receiver_tick() has work now: a new
 *   gap to NACK, packets the producer no longer has
 */
gboolean
gst_ice_arq_receiver_receive (GstIceArqReceiver * receiver,
    const guint8 * data, gsize size, gint64 now_us)
{
  if (size < 1)
    return FALSE;
  switch (data[0]) {
    case GST_ICE_ARQ_KIND_DATA:
    case GST_ICE_ARQ_KIND_RETRANSMISSION:
      if (size < GST_ICE_ARQ_HEADER_SIZE)
        return FALSE;
      return take_data (receiver, data, size, now_us);
    case GST_ICE_ARQ_KIND_SENDER_REPORT:
      if (size < SENDER_REPORT_SIZE)
        return FALSE;
      return take_sender_report (receiver, data, size, now_us);
    case GST_ICE_ARQ_KIND_DROP:
      return take_drop (receiver, data, size);
    default:
      return FALSE;
  }
}

/* Skips the head of the window while its packets' time is up. */
static void
give_up (GstIceArqReceiver * receiver, gint64 now_us)
{
  for (;;) {
    guint64 seq = receiver->next;
    Pending *p;

    advance (receiver);
    if (receiver->next == receiver->end)
      return;
    for (seq = receiver->next; seq < receiver->end; seq++) {
      p = pending (receiver, seq);
      if (p->data != NULL || !(p->dropped ||
              now_us - p->noticed_us >= receiver->latency_us))
        break;
    }
    if (seq == receiver->next)
      return;
    skip_to (receiver, seq, now_us);
  }
}

/**
 * gst_ice_arq_receiver_tick:
 *
 * Gives up on packets missing for the budget (or dropped by the
 * producer), sends the NACKs due, in as few datagrams as they fit.
 *
 * Returns: when to tick again, or -1 when nothing is missing
 */
gint64
gst_ice_arq_receiver_tick (GstIceArqReceiver * receiver, gint64 now_us)
{
  RangeWriter nacks = { receiver->control, GST_ICE_ARQ_KIND_NACK, 0, 0, 0 };
  gint64 retry, wake = -1;
  guint64 seq;

  if (receiver->missing == 0)
    return -1;
  give_up (receiver, now_us);
  if (receiver->missing == 0)
    return -1;

  retry = receiver->rtt_us < 0 ? DEFAULT_RETRY_US :
      MAX (receiver->rtt_us * 3 / 2, MIN_RETRY_US);
  g_byte_array_set_size (receiver->control, 0);
  for (seq = receiver->next; seq < receiver->end; seq++) {
    Pending *p = pending (receiver, seq);
    gint64 due;

    if (p->data != NULL || p->dropped)
      continue;
    if (p->nacks == 0 || now_us - p->nacked_us >= retry) {
      p->nacked_us = now_us;
      p->nacks++;
      if (range_add (&nacks, seq)) {
        range_close (&nacks);
        send_control (receiver);
      }
    }
    due = MIN (p->nacked_us + retry, p->noticed_us + receiver->latency_us);
    wake = wake < 0 ? due : MIN (wake, due);
  }
  range_close (&nacks);
  send_control (receiver);
  return wake;
}

/**
 * gst_ice_arq_receiver_flush:
 *
 * The session ends: delivers what is held, gives up on what is missing.
 */
void
gst_ice_arq_receiver_flush (GstIceArqReceiver * receiver, gint64 now_us)
{
  skip_to (receiver, receiver->end, now_us);
}

void
gst_ice_arq_receiver_get_stats (GstIceArqReceiver * receiver,
    GstIceArqStats * stats)
{
  *stats = receiver->stats;
}

/* --- the estimate ------------------------------------------------------- */

/**
 * gst_ice_arq_estimator_update:
 * @sent_bps: what the producer sent over the last interval, bits/s
 * @loss: the share of those packets lost before recovery, 0 to 1
 * @unrecovered: how many of them were not recovered
 *
 * The loss-based estimate of WebRTC's congestion control (the loss part
 * of draft-ietf-rmcat-gcc): more than 10 % loss lowers it by half the
 * loss, less than 2 % raises it by 5 % (to at most 1.5 times what is
 * sent: an estimate is only ever tried out by sending), and packets the
 * consumer went without hold it at what got through.
 *
 * Returns: the new estimate, bits/s
 */
guint64
gst_ice_arq_estimator_update (GstIceArqEstimator * estimator,
    guint64 sent_bps, gdouble loss, guint64 unrecovered)
{
  gdouble estimate = estimator->estimate;

  if (sent_bps == 0)
    return estimator->estimate;
  if (estimate == 0)
    estimate = sent_bps;
  if (loss > 0.10)
    estimate *= 1.0 - 0.5 * loss;
  else if (loss < 0.02)
    estimate = MIN (estimate * 1.05, MAX (estimate, 1.5 * sent_bps));
  if (unrecovered > 0)
    estimate = MIN (estimate, sent_bps * (1.0 - loss));
  estimator->estimate = (guint64) estimate;
  return estimator->estimate;
}
