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


/*
 * Loss recovery (docs/loss-recovery.md) in a GstIceTransport's sessions:
 * the pure machinery of gsticearq.c wired to the sessions' sockets and
 * DTLS records, to the transport's thread for its timers, to the element
 * for what it delivers, and to the bus for what it measures.
 *
 * It is negotiated per session: both descriptions carry `a=x-gst-arq`
 * with their side's latency, and the budget is the larger one.  A peer
 * that does not announce it gets the stream as before, with no header.
 * The producer's side of a session is a #GstIceArqSender, the
 * consumer's a #GstIceArqReceiver; the state lives with the session
 * (gst_ice_session_set_arq()), so it survives an ICE restart, which only
 * changes the path under it.
 *
 * Threads: the streaming thread numbers and sends each buffer
 * (gst_ice_transport_arq_send(), under the link's lock against the
 * transport thread, which answers NACKs, sends reports and runs the
 * consumer's side entirely).  The statistics are read from any thread,
 * under the link's lock.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticearq.h>
#include <gst/ice/gsticetransportprivate.h>

#define GST_CAT_DEFAULT gst_ice_transport_debug

/* how often the producer says how far it sent (which also measures the
 * round trip), and how often while draining at EOS */
#define SENDER_REPORT_INTERVAL_US (100 * 1000)
#define DRAIN_REPORT_INTERVAL_US (20 * 1000)
/* how often each element posts ice-arq-report */
#define REPORT_INTERVAL_MS 1000

/* one session's loss recovery */
typedef struct
{
  GstIceTransport *transport;   /* not reffed, valid until closed */
  GstIceSession *session;       /* not reffed: it owns us */
  guint latency_ms;
  gboolean sealed;

  /* the sender against the transport thread, the statistics */
  GMutex lock;
  GstIceArqSender *sender;      /* producer */
  GstIceArqReceiver *receiver;  /* consumer, transport thread only */
  GstIceArqStats stats;         /* consumer: a copy for other threads */
  guint64 estimate;             /* bits/s, 0 before the first interval */

  /* transport thread */
  GSource *timer;
  gboolean closed;
  GArray *retransmissions;
  GByteArray *reply;
  guint8 *scratch;              /* a sealed retransmission */
  gsize scratch_size;
  guint64 lost_packets;         /* reported by the receiver, not posted */
  gint64 lost_waited_us;
  GstIceArqStats last;          /* at the last ice-arq-report */
  gint64 last_us;
  GstIceArqEstimator estimator;
} ArqLink;

static void
link_free (gpointer data)
{
  ArqLink *link = data;

  if (link->timer) {
    g_source_destroy (link->timer);
    g_source_unref (link->timer);
  }
  if (link->sender)
    gst_ice_arq_sender_free (link->sender);
  if (link->receiver)
    gst_ice_arq_receiver_free (link->receiver);
  g_array_unref (link->retransmissions);
  g_byte_array_unref (link->reply);
  g_free (link->scratch);
  g_mutex_clear (&link->lock);
  g_free (link);
}

static void
clear_retransmission (gpointer data)
{
  gst_buffer_unref (((GstIceArqRetransmission *) data)->buffer);
}

/* A report, NACK or drop notice: a datagram of its own, not counted as
 * the stream's. */
static void
send_control (ArqLink * link, const guint8 * data, gsize size)
{
  if (link->sealed)
    gst_ice_session_send_sealed (link->session, data, size, FALSE);
  else
    gst_ice_session_send_prefixed (link->session, data, size, NULL, FALSE);
}

/* Transport thread: what a NACK asks for again, in one libnice call per
 * GST_ICE_SESSION_SEND_BATCH; encrypted, each record is made up in the
 * link's scratch, header then payload, and all of a batch are sealed
 * under one lock of the DTLS connection. */
static void
retransmit (ArqLink * link, GArray * retransmissions)
{
  GstBuffer *buffers[GST_ICE_SESSION_SEND_BATCH];
  guint8 headers[GST_ICE_SESSION_SEND_BATCH * GST_ICE_ARQ_HEADER_SIZE];
  GstMapInfo maps[GST_ICE_SESSION_SEND_BATCH];
  GOutputVector records[GST_ICE_SESSION_SEND_BATCH];
  guint first, n, i, mapped;
  gsize total, offset;

  for (first = 0; first < retransmissions->len; first += n) {
    n = MIN (retransmissions->len - first, GST_ICE_SESSION_SEND_BATCH);
    total = 0;
    for (i = mapped = 0; i < n; i++) {
      GstIceArqRetransmission *r = &g_array_index (retransmissions,
          GstIceArqRetransmission, first + i);

      if (link->sealed) {
        if (!gst_buffer_map (r->buffer, &maps[mapped], GST_MAP_READ))
          continue;
        total += GST_ICE_ARQ_HEADER_SIZE + maps[mapped].size;
      }
      buffers[mapped] = r->buffer;
      memcpy (headers + mapped * GST_ICE_ARQ_HEADER_SIZE, r->header,
          GST_ICE_ARQ_HEADER_SIZE);
      mapped++;
    }
    if (!link->sealed) {
      gst_ice_session_send_prefixed_list (link->session, headers,
          GST_ICE_ARQ_HEADER_SIZE, buffers, mapped, FALSE);
      continue;
    }

    if (link->scratch_size < total) {
      link->scratch_size = total;
      link->scratch = g_realloc (link->scratch, link->scratch_size);
    }
    for (i = 0, offset = 0; i < mapped; i++) {
      memcpy (link->scratch + offset, headers + i * GST_ICE_ARQ_HEADER_SIZE,
          GST_ICE_ARQ_HEADER_SIZE);
      memcpy (link->scratch + offset + GST_ICE_ARQ_HEADER_SIZE, maps[i].data,
          maps[i].size);
      records[i].buffer = link->scratch + offset;
      records[i].size = GST_ICE_ARQ_HEADER_SIZE + maps[i].size;
      offset += records[i].size;
      gst_buffer_unmap (buffers[i], &maps[i]);
    }
    gst_ice_session_send_sealed_list (link->session, records, mapped, FALSE);
  }
}

/* --- the consumer's side ------------------------------------------------ */

static void
on_deliver (const guint8 * data, gsize size, gpointer user_data)
{
  ArqLink *link = user_data;
  GstIceTransport *transport = link->transport;

  if (transport->callbacks.received)
    transport->callbacks.received (link->session, data, size,
        transport->element);
}

static void
on_lost (guint64 packets, gint64 waited_us, gpointer user_data)
{
  ArqLink *link = user_data;

  link->lost_packets += packets;
  link->lost_waited_us = MAX (link->lost_waited_us, waited_us);
}

static void
on_receiver_send (const guint8 * data, gsize size, gpointer user_data)
{
  send_control (user_data, data, size);
}

/* After each call into the receiver: its counts for other threads, and
 * the packets it gave up on, told to the element and the user. */
static void
receiver_done (ArqLink * link)
{
  GstIceTransport *transport = link->transport;
  guint64 packets = link->lost_packets;

  g_mutex_lock (&link->lock);
  gst_ice_arq_receiver_get_stats (link->receiver, &link->stats);
  g_mutex_unlock (&link->lock);
  if (packets == 0)
    return;
  link->lost_packets = 0;
  GST_INFO_OBJECT (transport, "session %s: %" G_GUINT64_FORMAT " packets "
      "lost after waiting %" G_GINT64_FORMAT " ms",
      gst_ice_session_get_id (link->session), packets,
      link->lost_waited_us / 1000);
  if (transport->callbacks.packets_lost)
    transport->callbacks.packets_lost (transport->element, link->session,
        packets);
  gst_ice_transport_post_session_message (transport, link->session,
      gst_structure_new ("ice-packets-lost", "packets", G_TYPE_UINT64,
          packets, "waited-ms", G_TYPE_UINT,
          (guint) (link->lost_waited_us / 1000), NULL));
  link->lost_waited_us = 0;
}

/* --- the timers --------------------------------------------------------- */

static gboolean
timer_dispatch (GSource * source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  NULL, NULL, timer_dispatch, NULL, NULL, NULL
};

/* The producer reports how far it sent, the consumer sends its NACKs
 * and gives up on what is too late. */
static gboolean
on_timer (gpointer data)
{
  ArqLink *link = data;
  gint64 now = g_get_monotonic_time ();

  if (link->sender) {
    guint8 report[GST_ICE_ARQ_MAX_CONTROL_SIZE];
    gsize size;

    g_mutex_lock (&link->lock);
    gst_ice_arq_sender_expire (link->sender, now);
    size = gst_ice_arq_sender_write_report (link->sender, now, report);
    g_mutex_unlock (&link->lock);
    if (gst_ice_session_is_connected (link->session))
      send_control (link, report, size);
    g_source_set_ready_time (link->timer, now +
        (g_atomic_int_get (&link->transport->arq_draining) ?
            DRAIN_REPORT_INTERVAL_US : SENDER_REPORT_INTERVAL_US));
  } else {
    g_source_set_ready_time (link->timer,
        gst_ice_arq_receiver_tick (link->receiver, now));
    receiver_done (link);
  }
  return G_SOURCE_CONTINUE;
}

/* One ice-arq-report for @link: the counts so far, the interval's loss
 * and rate, the estimate. */
static void
post_report (GstIceTransport * self, ArqLink * link, gint64 now)
{
  GstIceArqStats stats;
  gdouble seconds = (now - link->last_us) / (gdouble) G_USEC_PER_SEC;
  guint64 originals, bps;
  gdouble loss;
  GstStructure *s;

  g_mutex_lock (&link->lock);
  if (link->sender)
    gst_ice_arq_sender_get_stats (link->sender, &stats);
  else
    stats = link->stats;
  g_mutex_unlock (&link->lock);

  /* the packets of the interval the loss is a share of */
  originals = stats.packets - link->last.packets;
  if (link->receiver)
    originals += stats.packets_unrecovered - link->last.packets_unrecovered;
  loss = originals == 0 ? 0 : MIN (1.0,
      (gdouble) (stats.packets_lost - link->last.packets_lost) / originals);
  bps = seconds > 0 ? (guint64) ((stats.bytes - link->last.bytes) * 8 /
      seconds) : 0;

  g_mutex_lock (&link->lock);
  link->estimate = gst_ice_arq_estimator_update (&link->estimator, bps, loss,
      stats.packets_unrecovered - link->last.packets_unrecovered);
  g_mutex_unlock (&link->lock);

  s = gst_structure_new ("ice-arq-report",
      "latency-ms", G_TYPE_UINT, link->latency_ms,
      "packets-lost", G_TYPE_UINT64, stats.packets_lost,
      "packets-recovered", G_TYPE_UINT64, stats.packets_recovered,
      "packets-retransmitted", G_TYPE_UINT64, stats.packets_retransmitted,
      "packets-unrecovered", G_TYPE_UINT64, stats.packets_unrecovered,
      "loss", G_TYPE_DOUBLE, loss,
      "bitrate", G_TYPE_UINT64, bps,
      "bitrate-estimate", G_TYPE_UINT64, link->estimate, NULL);
  if (stats.rtt_us >= 0)
    gst_structure_set (s, "rtt-ms", G_TYPE_DOUBLE, stats.rtt_us / 1000.0, NULL);
  gst_ice_transport_post_session_message (self, link->session, s);
  link->last = stats;
  link->last_us = now;
}

static gboolean
on_report_timer (gpointer data)
{
  GstIceTransport *self = data;
  GPtrArray *sessions = gst_ice_transport_dup_sessions (self);
  gint64 now = g_get_monotonic_time ();
  guint i;

  for (i = 0; i < sessions->len; i++) {
    GstIceSession *session = g_ptr_array_index (sessions, i);
    ArqLink *link = gst_ice_session_get_arq (session);

    if (link && !link->closed && gst_ice_session_is_connected (session))
      post_report (self, link, now);
  }
  g_ptr_array_unref (sessions);
  return G_SOURCE_CONTINUE;
}

/* --- for the transport -------------------------------------------------- */

/**
 * gst_ice_transport_arq_negotiate:
 * @desc: the peer's description
 *
 * Transport thread, once the peer's description was accepted: when both
 * sides announce loss recovery, @session gets it, with the larger of
 * both budgets.  Once per session; later descriptions change nothing.
 */
void
gst_ice_transport_arq_negotiate (GstIceTransport * self,
    GstIceSession * session, const GstIceDescription * desc)
{
  guint ours = self->config.session.latency_ms;
  ArqLink *link;

  /* the reliable mode recovers everything itself: latency is ignored */
  if (gst_ice_session_get_reliable (session) != NULL)
    return;
  if (gst_ice_session_get_arq (session) != NULL || ours == 0 ||
      desc->arq_latency == 0) {
    if (ours > 0 && desc->arq_latency == 0 &&
        gst_ice_session_get_arq (session) == NULL)
      GST_INFO_OBJECT (self, "peer '%s' does not recover losses: session %s "
          "goes without", gst_ice_session_get_peer_id (session),
          gst_ice_session_get_id (session));
    return;
  }

  link = g_new0 (ArqLink, 1);
  link->transport = self;
  link->session = session;
  link->latency_ms = MAX (ours, desc->arq_latency);
  link->sealed = self->config.session.dtls != NULL;
  g_mutex_init (&link->lock);
  link->retransmissions = g_array_new (FALSE, FALSE,
      sizeof (GstIceArqRetransmission));
  g_array_set_clear_func (link->retransmissions, clear_retransmission);
  link->reply = g_byte_array_sized_new (GST_ICE_ARQ_MAX_CONTROL_SIZE);
  link->last_us = g_get_monotonic_time ();
  if (self->role_id == GST_ICE_SIGNALLER_ROLE_PRODUCER)
    link->sender = gst_ice_arq_sender_new (link->latency_ms,
        self->config.retransmission_overhead);
  else
    link->receiver = gst_ice_arq_receiver_new (link->latency_ms, on_deliver,
        on_lost, on_receiver_send, link);

  link->timer = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_callback (link->timer, on_timer, link, NULL);
  g_source_set_ready_time (link->timer, link->sender ?
      link->last_us + SENDER_REPORT_INTERVAL_US : -1);
  g_source_attach (link->timer, self->context);
  gst_ice_session_set_arq (session, link, link_free);

  if (self->arq_reports == NULL) {
    self->arq_reports = g_timeout_source_new (REPORT_INTERVAL_MS);
    g_source_set_callback (self->arq_reports, on_report_timer, self, NULL);
    g_source_attach (self->arq_reports, self->context);
  }
  GST_INFO_OBJECT (self, "session %s with '%s': loss recovery, latency %u "
      "ms (ours %u, the peer's %u)", gst_ice_session_get_id (session),
      gst_ice_session_get_peer_id (session), link->latency_ms, ours,
      desc->arq_latency);
}

/**
 * gst_ice_transport_arq_receive:
 *
 * Every session's receive function, in the transport thread: a session
 * with loss recovery hands the datagram to it, the others to the element
 * as it is.
 */
void
gst_ice_transport_arq_receive (GstIceSession * session, const guint8 * data,
    gsize size, gpointer user_data)
{
  GstIceTransport *self = user_data;
  ArqLink *link = gst_ice_session_get_arq (session);
  gint64 now = g_get_monotonic_time ();
  gboolean acked;

  if (link == NULL || link->closed) {
    if (link == NULL && self->callbacks.received)
      self->callbacks.received (session, data, size, self->element);
    return;
  }

  if (link->receiver) {
    /* a timer already due is left alone: setting it wakes the context
     * (a write to its eventfd) even from its own thread, and at high loss
     * several gaps come in one burst */
    if (gst_ice_arq_receiver_receive (link->receiver, data, size, now) &&
        (g_source_get_ready_time (link->timer) < 0 ||
            g_source_get_ready_time (link->timer) > now))
      g_source_set_ready_time (link->timer, now);
    receiver_done (link);
    return;
  }

  g_byte_array_set_size (link->reply, 0);
  g_mutex_lock (&link->lock);
  acked = gst_ice_arq_sender_receive (link->sender, data, size, now,
      link->retransmissions, link->reply);
  g_mutex_unlock (&link->lock);
  retransmit (link, link->retransmissions);
  g_array_set_size (link->retransmissions, 0);
  if (link->reply->len > 0)
    send_control (link, link->reply->data, link->reply->len);
  if (acked && g_atomic_int_get (&self->arq_draining) && self->callbacks.acked)
    self->callbacks.acked (self->element);
}

/* Streaming thread: what it numbered has left, and the transport
 * thread's reports may say so. */
static void
mark_sent (ArqLink * link)
{
  g_mutex_lock (&link->lock);
  gst_ice_arq_sender_mark_sent (link->sender);
  g_mutex_unlock (&link->lock);
}

/**
 * gst_ice_transport_arq_send:
 * @map: (nullable): @buffer mapped, when the sessions encrypt
 *
 * The streaming thread's send of @buffer to a session with loss
 * recovery: numbered and kept, then sent with its header in front, in
 * plaintext as one more vector, encrypted in one record whose payload the
 * transport copies once per buffer for all its consumers (each writes its
 * header in front, in place).
 *
 * Returns: whether it left now (a packet that did not is recovered)
 */
gboolean
gst_ice_transport_arq_send (GstIceTransport * self, GstIceSession * session,
    GstBuffer * buffer, const GstMapInfo * map)
{
  ArqLink *link = gst_ice_session_get_arq (session);
  guint8 header[GST_ICE_ARQ_HEADER_SIZE];
  gsize size = map ? map->size : gst_buffer_get_size (buffer);
  gboolean sent;

  g_mutex_lock (&link->lock);
  gst_ice_arq_sender_push (link->sender, buffer, size,
      g_get_monotonic_time (), header);
  g_mutex_unlock (&link->lock);

  if (map == NULL) {
    sent = gst_ice_session_send_prefixed (session, header,
        GST_ICE_ARQ_HEADER_SIZE, buffer, TRUE);
  } else {
    if (self->arq_scratch_filled != self->arq_generation) {
      if (self->arq_scratch_size < GST_ICE_ARQ_HEADER_SIZE + size) {
        self->arq_scratch_size = GST_ICE_ARQ_HEADER_SIZE + size;
        self->arq_scratch = g_realloc (self->arq_scratch,
            self->arq_scratch_size);
      }
      memcpy (self->arq_scratch + GST_ICE_ARQ_HEADER_SIZE, map->data, size);
      self->arq_scratch_filled = self->arq_generation;
    }
    memcpy (self->arq_scratch, header, GST_ICE_ARQ_HEADER_SIZE);
    sent = gst_ice_session_send_sealed (session, self->arq_scratch,
        GST_ICE_ARQ_HEADER_SIZE + size, TRUE);
  }
  mark_sent (link);
  return sent;
}

/**
 * gst_ice_transport_arq_send_list:
 * @buffers: (array length=n): at most %GST_ICE_SESSION_SEND_BATCH buffers
 * @payloads: (nullable) (array length=n): the buffers mapped, when the
 *   sessions encrypt
 *
 * The streaming thread's send of a batch of a buffer list to a session
 * with loss recovery: all numbered and kept under one lock of the link,
 * then sent in one libnice call; in plaintext each header is one more
 * vector in front of its buffer, encrypted each record is sealed from the
 * transport's scratch, which holds the batch's payloads (copied once per
 * batch for all consumers) with room in front of each for the header
 * each session writes there, in place.
 *
 * Returns: how many left now (those that did not are recovered)
 */
guint
gst_ice_transport_arq_send_list (GstIceTransport * self,
    GstIceSession * session, GstBuffer * const *buffers,
    const GOutputVector * payloads, guint n)
{
  ArqLink *link = gst_ice_session_get_arq (session);
  guint8 headers[GST_ICE_SESSION_SEND_BATCH * GST_ICE_ARQ_HEADER_SIZE];
  GOutputVector records[GST_ICE_SESSION_SEND_BATCH];
  gint64 now = g_get_monotonic_time ();
  gsize offset = 0;
  guint i, sent;

  g_return_val_if_fail (n <= GST_ICE_SESSION_SEND_BATCH, 0);

  g_mutex_lock (&link->lock);
  for (i = 0; i < n; i++)
    gst_ice_arq_sender_push (link->sender, buffers[i],
        payloads ? payloads[i].size : gst_buffer_get_size (buffers[i]), now,
        headers + i * GST_ICE_ARQ_HEADER_SIZE);
  g_mutex_unlock (&link->lock);

  if (payloads == NULL) {
    sent = gst_ice_session_send_prefixed_list (session, headers,
        GST_ICE_ARQ_HEADER_SIZE, buffers, n, TRUE);
    mark_sent (link);
    return sent;
  }

  if (self->arq_scratch_filled != self->arq_generation) {
    gsize total = 0;

    for (i = 0; i < n; i++)
      total += GST_ICE_ARQ_HEADER_SIZE + payloads[i].size;
    if (self->arq_scratch_size < total) {
      self->arq_scratch_size = total;
      self->arq_scratch = g_realloc (self->arq_scratch, total);
    }
    for (i = 0; i < n; i++) {
      memcpy (self->arq_scratch + offset + GST_ICE_ARQ_HEADER_SIZE,
          payloads[i].buffer, payloads[i].size);
      offset += GST_ICE_ARQ_HEADER_SIZE + payloads[i].size;
    }
    self->arq_scratch_filled = self->arq_generation;
    offset = 0;
  }
  for (i = 0; i < n; i++) {
    memcpy (self->arq_scratch + offset, headers + i * GST_ICE_ARQ_HEADER_SIZE,
        GST_ICE_ARQ_HEADER_SIZE);
    records[i].buffer = self->arq_scratch + offset;
    records[i].size = GST_ICE_ARQ_HEADER_SIZE + payloads[i].size;
    offset += records[i].size;
  }
  sent = gst_ice_session_send_sealed_list (session, records, n, TRUE);
  mark_sent (link);
  return sent;
}

/**
 * gst_ice_transport_arq_forget:
 *
 * Transport thread, as @session closes: no more timers; the consumer
 * delivers what it held back and gives up on what is missing.
 */
void
gst_ice_transport_arq_forget (GstIceTransport * self, GstIceSession * session)
{
  ArqLink *link = gst_ice_session_get_arq (session);

  if (link == NULL || link->closed)
    return;
  g_source_destroy (link->timer);
  if (link->receiver) {
    gst_ice_arq_receiver_flush (link->receiver, g_get_monotonic_time ());
    receiver_done (link);
  }
  link->closed = TRUE;
}

/**
 * gst_ice_transport_arq_stop:
 *
 * Transport thread, at shut down: no more reports.
 */
void
gst_ice_transport_arq_stop (GstIceTransport * self)
{
  if (self->arq_reports) {
    g_source_destroy (self->arq_reports);
    g_clear_pointer (&self->arq_reports, g_source_unref);
  }
  g_atomic_int_set (&self->arq_draining, FALSE);
}

/**
 * gst_ice_transport_arq_add_stats:
 * @stats: @session's ice-session-stats
 *
 * Any thread: adds loss recovery's fields, when @session has it.
 */
void
gst_ice_transport_arq_add_stats (GstIceTransport * self,
    GstIceSession * session, GstStructure * stats)
{
  ArqLink *link = gst_ice_session_get_arq (session);
  GstIceArqStats s;
  guint64 estimate;

  if (link == NULL)
    return;
  g_mutex_lock (&link->lock);
  if (link->sender)
    gst_ice_arq_sender_get_stats (link->sender, &s);
  else
    s = link->stats;
  estimate = link->estimate;
  g_mutex_unlock (&link->lock);

  gst_structure_set (stats, "latency-ms", G_TYPE_UINT, link->latency_ms,
      "packets-lost", G_TYPE_UINT64, s.packets_lost,
      "packets-recovered", G_TYPE_UINT64, s.packets_recovered,
      "packets-retransmitted", G_TYPE_UINT64, s.packets_retransmitted,
      "packets-unrecovered", G_TYPE_UINT64, s.packets_unrecovered,
      "bitrate-estimate", G_TYPE_UINT64, estimate, NULL);
  if (s.rtt_us >= 0)
    gst_structure_set (stats, "rtt-ms", G_TYPE_DOUBLE, s.rtt_us / 1000.0, NULL);
}

/* --- draining at EOS ---------------------------------------------------- */

/**
 * gst_ice_transport_set_draining:
 *
 * From any thread: while %TRUE, the producer reports every 20 ms, so
 * that consumers find the last packets missing soon, and calls the
 * element's acked callback whenever a consumer acknowledges more.
 */
void
gst_ice_transport_set_draining (GstIceTransport * self, gboolean draining)
{
  GPtrArray *sessions;
  guint i;

  g_atomic_int_set (&self->arq_draining, draining);
  if (!draining)
    return;
  sessions = gst_ice_transport_dup_sessions (self);
  for (i = 0; i < sessions->len; i++) {
    ArqLink *link = gst_ice_session_get_arq (g_ptr_array_index (sessions,
            i));

    /* report now: the last packets may be lost already */
    if (link && link->sender && link->timer)
      g_source_set_ready_time (link->timer, 0);
  }
  g_ptr_array_unref (sessions);
}

/**
 * gst_ice_transport_is_drained:
 *
 * From any thread.
 *
 * Returns: whether every connected consumer with loss recovery has every
 *   packet sent so far, or gave up on it
 */
gboolean
gst_ice_transport_is_drained (GstIceTransport * self)
{
  GPtrArray *connected;
  gboolean drained = TRUE;
  guint i;

  g_mutex_lock (&self->sessions_lock);
  connected = g_ptr_array_ref (self->connected);
  g_mutex_unlock (&self->sessions_lock);
  for (i = 0; i < connected->len && drained; i++) {
    ArqLink *link = gst_ice_session_get_arq (g_ptr_array_index (connected,
            i));

    if (link == NULL || link->sender == NULL)
      continue;
    g_mutex_lock (&link->lock);
    drained = gst_ice_arq_sender_is_drained (link->sender);
    g_mutex_unlock (&link->lock);
  }
  g_ptr_array_unref (connected);
  return drained;
}

/**
 * gst_ice_transport_get_drain_time:
 *
 * Returns: how long a drain may wait for the consumers at most, in
 *   microseconds: the largest budget in use plus a second
 */
gint64
gst_ice_transport_get_drain_time (GstIceTransport * self)
{
  GPtrArray *connected;
  guint latency_ms = self->config.session.latency_ms, i;

  g_mutex_lock (&self->sessions_lock);
  connected = g_ptr_array_ref (self->connected);
  g_mutex_unlock (&self->sessions_lock);
  for (i = 0; i < connected->len; i++) {
    ArqLink *link = gst_ice_session_get_arq (g_ptr_array_index (connected,
            i));

    if (link)
      latency_ms = MAX (latency_ms, link->latency_ms);
  }
  g_ptr_array_unref (connected);
  return ((gint64) latency_ms + 1000) * 1000;
}

/**
 * gst_ice_transport_get_header_size:
 *
 * Returns: how many bytes loss recovery may add in front of each buffer
 *   (when its consumer recovers losses too); valid between start and
 *   stop
 */
guint
gst_ice_transport_get_header_size (GstIceTransport * self)
{
  return self->config.session.latency_ms > 0 ? GST_ICE_ARQ_HEADER_SIZE : 0;
}
