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
 * SECTION:gsticereliable
 * @title: GstIceReliable
 * @short_description: a byte stream that arrives whole and in order, over
 *   one session's datagrams
 *
 * A #GstIceReliable is the reliable transfer mode of one #GstIceSession:
 * libnice's pseudo-TCP (a TCP without IP: sequence numbers, cumulative
 * acknowledgements, retransmission with exponential back-off, NewReno
 * congestion control, window scaling and a FIN handshake) whose segments
 * travel as the session's datagrams.  Encrypting, each segment is one
 * DTLS record, so the one DTLS association protects both transfer modes,
 * and since the stream sits above the ICE path an ICE restart does not
 * break it: segments lost meanwhile are sent again.
 *
 * The producer's side initiates (gst_ice_reliable_start() sends the SYN
 * once the session is connected) and writes; the consumer's side listens
 * and reads.  gst_ice_reliable_finish() waits until the consumer has
 * acknowledged every byte, then closes the stream with a FIN, which the
 * consumer reads as the end of the stream (gst_ice_reliable_read()
 * returns 0).  gst_ice_reliable_close() is for the session ending: the
 * stream is dropped and every wait returns.
 *
 * Threads: libnice's PseudoTcpSocket is not thread-safe; every call into
 * it happens under the stream's lock.  Segments arrive from the session's
 * main context (gst_ice_reliable_receive()); its timers run there too; the
 * streaming threads write (icesink) or read (icesrc) and wait on the
 * stream's condition, which any change of the socket signals.  The
 * transmit function is called with the lock held and must not come back.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <nice/pseudotcp.h>

#include <gst/ice/gsticereliable.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_reliable_debug);
#define GST_CAT_DEFAULT gst_ice_reliable_debug

/* pseudo-TCP's header: conversation, sequence, acknowledgement numbers */
#define HEADER_SIZE 24
#define HEADER_SEQ_OFFSET 4
#define HEADER_ACK_OFFSET 8
#define HEADER_TSVAL_OFFSET 16
#define HEADER_TSECR_OFFSET 20
/* an acknowledgement that leaves a hole goes out this many times more */
#define HOLE_DUPLICATES 3
/* duplicate acknowledgements that show a segment is still missing */
#define DUPLICATE_ACKS 3
/* a segment the peer asks for again (duplicate acknowledgements) is sent
 * again after this many smoothed round trips, at least RESEND_MIN_MS
 * after its last time; one that nothing acknowledges for PROBE_RTTS round
 * trips, at least PROBE_MIN_MS, is sent again, and again after twice as
 * long each time up to PROBE_MAX_MS */
#define RESEND_RTTS 2
#define RESEND_MIN_MS 10
#define PROBE_RTTS 4
#define PROBE_MIN_MS 50
#define PROBE_MAX_MS 800

/* serial number arithmetic (RFC 1982) on 32-bit sequence numbers */
#define SEQ_AFTER(a, b) ((gint32) ((guint32) (a) - (guint32) (b)) > 0)

/* the link MTU pseudo-TCP sizes its segments for: it keeps 116 bytes of
 * it for headers (IP, UDP, its own 24 and 64 for a relay), so segments
 * carry 1284 bytes of data: GST_ICE_RELIABLE_MAX_SEGMENT */
#define LINK_MTU 1400
/* each side's buffer, in bytes: the receive buffer is the window a
 * consumer advertises (scaled), so one stream carries at most this much
 * per round trip (200 MB/s at a 5 ms round trip, 20 MB/s at 50 ms); the
 * send buffer is what icesink can have unacknowledged per consumer */
#define BUFFER_SIZE (1024 * 1024)

struct _GstIceReliable
{
  GstObject parent;

  gchar *session_id;
  gboolean initiator;
  GstIceReliableTransmitFunc transmit_func;
  gpointer user_data;

  /* everything below under @lock; @cond is signalled after every change
   * of the socket and when a waiter's cancellable is cancelled */
  GMutex lock;
  GCond cond;
  PseudoTcpSocket *tcp;
  GSource *clock;               /* pseudo-TCP's next timer, in the context */
  gboolean started;
  gboolean opened;              /* the handshake is done */
  gboolean fin_received;        /* the peer closed cleanly */
  gboolean ended;               /* read up to the peer's FIN */
  /* no more segments either way, no timers; what was received before
   * can still be read */
  gboolean closed;
  gchar *close_reason;          /* why it closed, when not cleanly */
  guint64 bytes_written;        /* accepted from the application */
  guint64 bytes_read;           /* handed to the application */
  /* the peer's acknowledgement number, and when it last grew: whether it
   * takes what we send (libnice 0.1.21 does not export the send buffer's
   * fill level) */
  gboolean have_ack;
  guint32 ack;
  gint64 ack_time;
  /* the end of the furthest data the peer sent, and the last
   * acknowledgement we sent: an acknowledgement short of that end leaves
   * a hole (see on_write_packet()) */
  gboolean have_data_end;
  guint32 data_end;
  gboolean have_sent_ack;
  guint32 sent_ack;
  /* the peer's timestamp in the last segment that came */
  guint32 peer_tsval;
  /* the data segments sent and not acknowledged yet (SentSegment, in
   * sequence order), the duplicate acknowledgements of @ack and the
   * smoothed round trip in ms: see resend_missing_segment() */
  GQueue sent;
  guint duplicate_acks;
  guint32 srtt_ms;
  guint probes;                 /* sent since @ack last moved */
};

typedef struct
{
  guint32 seq;
  guint32 end;
  gint64 sent_time;
  guint8 *segment;
  gsize size;
} SentSegment;

static gint64 resend_time (GstIceReliable * self);

static void
sent_segment_free (SentSegment * sent)
{
  g_free (sent->segment);
  g_free (sent);
}

#define gst_ice_reliable_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceReliable, gst_ice_reliable, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_ice_reliable_debug, "icereliable", 0,
        "ICE reliable transfer mode (pseudo-TCP)"));

static void gst_ice_reliable_finalize (GObject * object);

static void
gst_ice_reliable_class_init (GstIceReliableClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_reliable_finalize;
}

static void
gst_ice_reliable_init (GstIceReliable * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

static void
gst_ice_reliable_finalize (GObject * object)
{
  GstIceReliable *self = GST_ICE_RELIABLE (object);

  if (self->clock) {
    g_source_destroy (self->clock);
    g_source_unref (self->clock);
  }
  g_object_unref (self->tcp);
  g_queue_clear_full (&self->sent, (GDestroyNotify) sent_segment_free);
  g_free (self->close_reason);
  g_free (self->session_id);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* --- transfer modes ------------------------------------------------------ */

GType
gst_ice_transfer_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ICE_TRANSFER_MODE_DATAGRAM, "Each buffer is one datagram; what is "
          "lost is lost", "datagram"},
    {GST_ICE_TRANSFER_MODE_RELIABLE, "One byte stream per consumer that "
          "arrives whole and in order (pseudo-TCP)", "reliable"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceTransferMode", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

/**
 * gst_ice_transfer_mode_to_string:
 *
 * Returns: "datagram" or "reliable", as `a=x-gst-transfer-mode` says it
 */
const gchar *
gst_ice_transfer_mode_to_string (GstIceTransferMode mode)
{
  return mode == GST_ICE_TRANSFER_MODE_RELIABLE ? "reliable" : "datagram";
}

/**
 * gst_ice_transfer_mode_from_string:
 * @text: (nullable): the value of an `a=x-gst-transfer-mode` line; %NULL
 *   (no line) is datagram
 *
 * Returns: %FALSE when @text names a mode gst-ice does not know
 */
gboolean
gst_ice_transfer_mode_from_string (const gchar * text,
    GstIceTransferMode * mode)
{
  if (text == NULL || g_strcmp0 (text, "datagram") == 0)
    *mode = GST_ICE_TRANSFER_MODE_DATAGRAM;
  else if (g_strcmp0 (text, "reliable") == 0)
    *mode = GST_ICE_TRANSFER_MODE_RELIABLE;
  else
    return FALSE;
  return TRUE;
}

/* --- the socket, under the lock ------------------------------------------ */

/* pseudo-TCP's clock: milliseconds of the monotonic clock, in 32 bits */
static guint32
pseudo_tcp_now (void)
{
  return (guint32) (g_get_monotonic_time () / 1000);
}

/* After every call into the socket: its next timer, and the waiters. */
static void
socket_changed (GstIceReliable * self)
{
  guint64 timeout = 0;

  if (!self->closed && pseudo_tcp_socket_get_next_clock (self->tcp, &timeout)) {
    gint64 delay_ms = (gint64) timeout - (gint64) pseudo_tcp_now ();
    gint64 ready = g_get_monotonic_time () + MAX (delay_ms, 0) * 1000;
    gint64 resend = resend_time (self);

    g_source_set_ready_time (self->clock, resend ? MIN (ready, resend) : ready);
  } else if (self->clock) {
    g_source_set_ready_time (self->clock, -1);
  }
  g_cond_broadcast (&self->cond);
}

static PseudoTcpState
socket_state (GstIceReliable * self)
{
  guint state;

  g_object_get (self->tcp, "state", &state, NULL);
  return state;
}

/* Drops the socket for good: no call into it after this. */
static void
close_locked (GstIceReliable * self, const gchar * reason)
{
  if (self->closed)
    return;
  GST_DEBUG_OBJECT (self, "closed%s%s", reason ? ": " : "",
      reason ? reason : "");
  self->closed = TRUE;
  self->close_reason = g_strdup (reason);
  if (self->clock)
    g_source_destroy (self->clock);
  g_cond_broadcast (&self->cond);
}

/* pseudo-TCP callbacks: called with the lock held */

static void
on_opened (PseudoTcpSocket * tcp, gpointer user_data)
{
  GstIceReliable *self = user_data;

  GST_INFO_OBJECT (self, "stream open");
  self->opened = TRUE;
}

/* only called for an error: a clean close has no callback */
static void
on_closed (PseudoTcpSocket * tcp, guint32 error, gpointer user_data)
{
  GstIceReliable *self = user_data;
  gchar *reason;

  if (error == ECONNRESET)
    reason = g_strdup ("the peer reset the stream");
  else if (error == ETIMEDOUT)
    reason = g_strdup ("a segment was sent 15 times without an answer");
  else
    reason = g_strdup_printf ("pseudo-TCP closed it: %s", g_strerror (error));
  GST_WARNING_OBJECT (self, "stream broken: %s", reason);
  close_locked (self, reason);
  g_free (reason);
}

/* --- loss recovery -------------------------------------------------------- *
 *
 * libnice's pseudo-TCP has no selective acknowledgements, sends again only
 * the first lost segment after a retransmission timeout, and a
 * retransmission lost again waits for that timeout: at least a second,
 * doubling.  Under 5 % loss that made a few MiB take minutes.  These
 * helpers sit between the socket and the session, see every segment both
 * ways, and help it along without changing the protocol: both ends are
 * gst-ice, and a peer that did none of it would still work. */

/* Keeps a copy of each data segment sent until it is acknowledged, in
 * sequence order; a retransmission refreshes the copy. */
static void
remember_sent (const guint8 * segment, gsize size, GstIceReliable * self)
{
  guint32 seq = GST_READ_UINT32_BE (segment + HEADER_SEQ_OFFSET);
  SentSegment *sent = g_queue_peek_tail (&self->sent);
  GList *l = NULL;

  /* new data comes after the old: only a retransmission looks further */
  if (sent != NULL && !SEQ_AFTER (seq, sent->seq)) {
    for (l = self->sent.head; l; l = l->next) {
      sent = l->data;
      if (!SEQ_AFTER (seq, sent->seq))
        break;
    }
  }
  if (l != NULL && sent->seq == seq) {
    g_free (sent->segment);
  } else {
    sent = g_new0 (SentSegment, 1);
    sent->seq = seq;
    /* before @l: a retransmission that starts in the middle of a segment
     * the peer acknowledged in part */
    if (l != NULL)
      g_queue_insert_before (&self->sent, l, sent);
    else
      g_queue_push_tail (&self->sent, sent);
  }
  sent->end = seq + (size - HEADER_SIZE);
  sent->segment = g_memdup2 (segment, size);
  sent->size = size;
  sent->sent_time = g_get_monotonic_time ();
}

/* The peer acknowledged everything before @ack. */
static void
forget_acknowledged (GstIceReliable * self, guint32 ack)
{
  SentSegment *sent;

  while ((sent = g_queue_peek_head (&self->sent)) &&
      !SEQ_AFTER (sent->end, ack))
    sent_segment_free (g_queue_pop_head (&self->sent));
}

/* A segment from the peer, before pseudo-TCP reads it: its timestamp, how
 * far its data goes, and what it acknowledges. */
static void
note_incoming (GstIceReliable * self, const guint8 * data, gsize size)
{
  guint32 ack = GST_READ_UINT32_BE (data + HEADER_ACK_OFFSET);
  guint32 end = GST_READ_UINT32_BE (data + HEADER_SEQ_OFFSET) +
      (size - HEADER_SIZE);
  guint32 tsecr = GST_READ_UINT32_BE (data + HEADER_TSECR_OFFSET);

  self->peer_tsval = GST_READ_UINT32_BE (data + HEADER_TSVAL_OFFSET);
  if (size > HEADER_SIZE && (!self->have_data_end ||
          SEQ_AFTER (end, self->data_end))) {
    self->have_data_end = TRUE;
    self->data_end = end;
  }

  if (!self->have_ack || SEQ_AFTER (ack, self->ack)) {
    gint32 rtt = (gint32) (pseudo_tcp_now () - tsecr);

    self->have_ack = TRUE;
    self->ack = ack;
    self->ack_time = g_get_monotonic_time ();
    self->duplicate_acks = 0;
    self->probes = 0;
    forget_acknowledged (self, ack);
    if (tsecr != 0 && rtt >= 0)
      self->srtt_ms = self->srtt_ms ? (7 * self->srtt_ms + rtt) / 8 : rtt;
  } else if (ack == self->ack && size == HEADER_SIZE) {
    self->duplicate_acks++;
  }
}

/* When the first segment not acknowledged is to be sent again, in
 * monotonic µs; 0: none is waiting.  The peer keeps asking for it
 * (duplicate acknowledgements) and nobody sent it for a couple of round
 * trips: the retransmission was lost too.  Or nothing at all came back
 * for a while: the last segments of a flight, or their answers, were
 * lost, and no duplicate acknowledgement can tell.  pseudo-TCP would wait
 * for its retransmission timeout: a second at least, doubling. */
static gint64
resend_time (GstIceReliable * self)
{
  SentSegment *sent = g_queue_peek_head (&self->sent);
  gint64 resend_ms, probe_ms;

  if (sent == NULL)
    return 0;
  resend_ms = MAX (RESEND_RTTS * self->srtt_ms, RESEND_MIN_MS);
  probe_ms = MIN (MAX (PROBE_RTTS * self->srtt_ms, PROBE_MIN_MS) <<
      MIN (self->probes, 5), PROBE_MAX_MS);
  if (self->duplicate_acks >= DUPLICATE_ACKS)
    return sent->sent_time + resend_ms * 1000;
  return MAX (sent->sent_time, self->ack_time) + probe_ms * 1000;
}

/* Sends our copy of the first segment not acknowledged, when it is time
 * (see resend_time()), stamped now so that its answer measures a true
 * round trip.  A copy the peer had already is harmless: it acknowledges
 * it again. */
static void
resend_missing_segment (GstIceReliable * self)
{
  SentSegment *sent = g_queue_peek_head (&self->sent);
  gint64 when = resend_time (self);

  if (when == 0 || g_get_monotonic_time () < when)
    return;
  GST_LOG_OBJECT (self, "sending the segment at %u again (%u duplicate "
      "acknowledgements)", sent->seq, self->duplicate_acks);
  if (self->duplicate_acks < DUPLICATE_ACKS)
    self->probes++;
  GST_WRITE_UINT32_BE (sent->segment + HEADER_TSVAL_OFFSET, pseudo_tcp_now ());
  sent->sent_time = g_get_monotonic_time ();
  self->transmit_func (sent->segment, sent->size, self->user_data);
}

/* Whether @segment is an acknowledgement (no data) that moves on but
 * stops at a hole: data after it came, the data at it was lost. */
static gboolean
acknowledges_up_to_a_hole (GstIceReliable * self, const guint8 * segment,
    gsize size)
{
  guint32 ack;
  gboolean moved;

  if (size != HEADER_SIZE)
    return FALSE;
  ack = GST_READ_UINT32_BE (segment + HEADER_ACK_OFFSET);
  moved = !self->have_sent_ack || SEQ_AFTER (ack, self->sent_ack);
  self->have_sent_ack = TRUE;
  self->sent_ack = ack;
  return moved && self->have_data_end && SEQ_AFTER (self->data_end, ack);
}

static PseudoTcpWriteResult
on_write_packet (PseudoTcpSocket * tcp, const gchar * buffer, guint32 len,
    gpointer user_data)
{
  GstIceReliable *self = user_data;
  guint8 ack[HEADER_SIZE];
  guint i;

  /* reading what is left after the session went (gst_ice_reliable_read())
   * still makes pseudo-TCP acknowledge */
  if (self->closed)
    return WR_SUCCESS;

  /* An acknowledgement echoes the timestamp of the segment that made it,
   * so that the sender measures the round trip of now.  pseudo-TCP echoes
   * the last segment that moved its window instead: when acknowledgements
   * were lost, the answer to a retransmission echoed one from seconds
   * before, and the sender's retransmission timeout grew to tens of
   * seconds (libnice 0.1.21). */
  if (len == HEADER_SIZE) {
    memcpy (ack, buffer, HEADER_SIZE);
    GST_WRITE_UINT32_BE (ack + HEADER_TSECR_OFFSET, self->peer_tsval);
    buffer = (const gchar *) ack;
  }

  /* always a success: a segment the path loses now (no pair during an ICE
   * restart, a full socket) is sent again on pseudo-TCP's timer, where
   * WR_FAIL would close the stream for good */
  self->transmit_func ((const guint8 *) buffer, len, self->user_data);
  if (len > HEADER_SIZE)
    remember_sent ((const guint8 *) buffer, len, self);

  /* pseudo-TCP has no selective acknowledgements, and after a
   * retransmission timeout it sends again only the first segment lost:
   * each further hole of a burst loss waited for a timeout of its own (a
   * second or more each).  An acknowledgement that fills one hole and
   * stops at the next goes out three more times: the sender takes the
   * duplicates as a fast retransmit request for the next hole, then
   * NewReno repairs the others one round trip each. */
  if (acknowledges_up_to_a_hole (self, (const guint8 *) buffer, len)) {
    for (i = 0; i < HOLE_DUPLICATES; i++)
      self->transmit_func ((const guint8 *) buffer, len, self->user_data);
  }
  return WR_SUCCESS;
}

static gboolean
on_clock (gpointer user_data)
{
  GstIceReliable *self = user_data;

  g_mutex_lock (&self->lock);
  if (!self->closed) {
    pseudo_tcp_socket_notify_clock (self->tcp);
    if (!self->closed)
      resend_missing_segment (self);
    socket_changed (self);
  }
  g_mutex_unlock (&self->lock);
  return G_SOURCE_CONTINUE;
}

static gboolean
clock_dispatch (GSource * source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs clock_funcs = {
  NULL, NULL, clock_dispatch, NULL,
};

/**
 * gst_ice_reliable_new:
 * @session_id: the session's id: both sides derive the pseudo-TCP
 *   conversation number from it
 * @initiator: %TRUE on the producer, whose side opens the stream
 * @context: the session's main context, where the stream's timers run
 * @transmit_func: sends one segment as one datagram of the session
 *
 * Returns: (transfer full): a stream that waits for
 *   gst_ice_reliable_start(); gst_ice_reliable_close() must be called
 *   before the last reference goes, as the stream's timer holds one.
 */
GstIceReliable *
gst_ice_reliable_new (const gchar * session_id, gboolean initiator,
    GMainContext * context, GstIceReliableTransmitFunc transmit_func,
    gpointer user_data)
{
  /* no readable and writable callbacks: socket_changed() wakes the
   * reader and the writer after every call */
  PseudoTcpCallbacks callbacks = { NULL, on_opened, NULL, NULL, on_closed,
    on_write_packet
  };
  GstIceReliable *self;

  g_return_val_if_fail (session_id != NULL, NULL);
  g_return_val_if_fail (transmit_func != NULL, NULL);

  self = g_object_new (GST_TYPE_ICE_RELIABLE, "name", session_id, NULL);
  gst_object_ref_sink (self);
  self->session_id = g_strdup (session_id);
  self->initiator = initiator;
  self->transmit_func = transmit_func;
  self->user_data = user_data;

  callbacks.user_data = self;
  self->tcp = pseudo_tcp_socket_new (g_str_hash (session_id), &callbacks);
  /* the buffers are sized before the handshake, which announces the
   * window scale; no Nagle delay: a buffer leaves as soon as it is written */
  g_object_set (self->tcp, "rcv-buf", BUFFER_SIZE, "snd-buf", BUFFER_SIZE,
      "no-delay", TRUE, "ack-delay", 0, NULL);

  pseudo_tcp_socket_notify_mtu (self->tcp, LINK_MTU);

  self->clock = g_source_new (&clock_funcs, sizeof (GSource));
  g_source_set_name (self->clock, "GstIceReliable clock");
  g_source_set_callback (self->clock, on_clock, gst_object_ref (self),
      gst_object_unref);
  g_source_attach (self->clock, context);
  return self;
}

/**
 * gst_ice_reliable_start:
 *
 * The session is connected (and authenticated): the initiator sends its
 * SYN.  Again after an ICE restart, it does nothing.
 */
void
gst_ice_reliable_start (GstIceReliable * self)
{
  g_mutex_lock (&self->lock);
  if (!self->started && !self->closed) {
    self->started = TRUE;
    if (self->initiator) {
      GST_DEBUG_OBJECT (self, "opening the stream");
      pseudo_tcp_socket_connect (self->tcp);
    }
    socket_changed (self);
  }
  g_mutex_unlock (&self->lock);
}

/**
 * gst_ice_reliable_receive:
 * @data: one datagram of the session (opened, when it encrypts)
 *
 * From the session's main context: one segment from the peer.
 */
void
gst_ice_reliable_receive (GstIceReliable * self, const guint8 * data,
    gsize size)
{
  g_mutex_lock (&self->lock);
  if (!self->closed) {
    if (size >= HEADER_SIZE)
      note_incoming (self, data, size);
    if (!pseudo_tcp_socket_notify_packet (self->tcp, (const gchar *) data,
            size))
      GST_LOG_OBJECT (self, "ignored a segment of %" G_GSIZE_FORMAT " bytes",
          size);
    if (!self->closed)
      resend_missing_segment (self);
    /* the end, after every byte before it: from now on the stream can
     * be read to the end even if its session goes */
    if (!self->closed && !self->fin_received &&
        pseudo_tcp_socket_is_closed_remotely (self->tcp)) {
      GST_DEBUG_OBJECT (self, "the peer closed the stream");
      self->fin_received = TRUE;
    }
    socket_changed (self);
  }
  g_mutex_unlock (&self->lock);
}

/* --- waits --------------------------------------------------------------- */

static void
on_cancelled (GCancellable * cancellable, GstIceReliable * self)
{
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gulong
watch_cancellable (GstIceReliable * self, GCancellable * cancellable)
{
  if (cancellable == NULL)
    return 0;
  /* called at once when already cancelled: before taking the lock */
  return g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self,
      NULL);
}

static void
unwatch_cancellable (GCancellable * cancellable, gulong id)
{
  /* waits for a running handler: after releasing the lock */
  if (id != 0)
    g_cancellable_disconnect (cancellable, id);
}

/* Waits under the lock for a change, until @deadline (monotonic µs, 0:
 * none).  Returns %FALSE when the deadline passed. */
static gboolean
wait_locked (GstIceReliable * self, gint64 deadline)
{
  if (deadline == 0) {
    g_cond_wait (&self->cond, &self->lock);
    return TRUE;
  }
  return g_cond_wait_until (&self->cond, &self->lock, deadline) ||
      g_get_monotonic_time () < deadline;
}

/* When a wait that began at @since stalls: @stall_timeout_s after the
 * peer last acknowledged something new, or after @since; 0: never. */
static gint64
stall_deadline (GstIceReliable * self, gint64 since, guint stall_timeout_s)
{
  if (stall_timeout_s == 0)
    return 0;
  return MAX (since, self->ack_time) + stall_timeout_s * G_USEC_PER_SEC;
}

/**
 * gst_ice_reliable_write:
 * @written: (out): how many bytes of @data the stream took, also when it
 *   returns early
 * @stall_timeout_s: give up when the peer took no byte for this long
 *   (seconds; 0: wait for ever)
 * @cancellable: (nullable): cancelled by the element's unlock()
 *
 * From the producer's streaming thread: queues all of @data on the
 * stream, waiting while its send buffer is full and until it is open.
 *
 * Returns: %GST_ICE_RELIABLE_OK once all of @data was taken
 */
GstIceReliableResult
gst_ice_reliable_write (GstIceReliable * self, const guint8 * data,
    gsize size, gsize * written, guint stall_timeout_s,
    GCancellable * cancellable)
{
  GstIceReliableResult result = GST_ICE_RELIABLE_OK;
  gulong watch = watch_cancellable (self, cancellable);
  gint64 since = g_get_monotonic_time (), deadline;

  *written = 0;
  g_mutex_lock (&self->lock);
  while (*written < size) {
    gint sent;

    if (self->closed) {
      result = GST_ICE_RELIABLE_CLOSED;
      break;
    }
    if (g_cancellable_is_cancelled (cancellable)) {
      result = GST_ICE_RELIABLE_CANCELLED;
      break;
    }
    if (self->opened) {
      sent = pseudo_tcp_socket_send (self->tcp, (const gchar *) data +
          *written, MIN (size - *written, G_MAXINT32));
      if (sent > 0) {
        *written += sent;
        self->bytes_written += sent;
        since = g_get_monotonic_time ();
        socket_changed (self);
        continue;
      }
      if (pseudo_tcp_socket_get_error (self->tcp) != EWOULDBLOCK) {
        close_locked (self, g_strerror (pseudo_tcp_socket_get_error
                (self->tcp)));
        continue;
      }
    }
    deadline = stall_deadline (self, since, stall_timeout_s);
    if (!wait_locked (self, deadline) && stall_deadline (self, since,
            stall_timeout_s) <= g_get_monotonic_time ()) {
      result = GST_ICE_RELIABLE_STALLED;
      break;
    }
  }
  g_mutex_unlock (&self->lock);
  unwatch_cancellable (cancellable, watch);
  GST_LOG_OBJECT (self, "wrote %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
      " bytes", *written, size);
  return result;
}

/* whether the peer acknowledged our FIN */
static gboolean
fin_acknowledged (GstIceReliable * self)
{
  PseudoTcpState state = socket_state (self);

  return state == PSEUDO_TCP_FIN_WAIT_2 || state == PSEUDO_TCP_TIME_WAIT ||
      state == PSEUDO_TCP_CLOSED;
}

/**
 * gst_ice_reliable_finish:
 * @stall_timeout_s: give up when the peer took no byte for this long
 *   (seconds; 0: wait for ever)
 * @cancellable: (nullable): cancelled by the element's unlock()
 *
 * From the producer's streaming thread, at EOS: queues the FIN that ends
 * the stream after the bytes written, and waits until the peer has
 * acknowledged it, so every byte before it too.
 *
 * Returns: %GST_ICE_RELIABLE_OK once the peer has the whole stream
 */
GstIceReliableResult
gst_ice_reliable_finish (GstIceReliable * self, guint stall_timeout_s,
    GCancellable * cancellable)
{
  GstIceReliableResult result = GST_ICE_RELIABLE_OK;
  gulong watch = watch_cancellable (self, cancellable);
  gint64 since = g_get_monotonic_time (), deadline;
  gboolean fin_sent = FALSE;

  g_mutex_lock (&self->lock);
  for (;;) {
    if (self->closed) {
      result = GST_ICE_RELIABLE_CLOSED;
      break;
    }
    if (g_cancellable_is_cancelled (cancellable)) {
      result = GST_ICE_RELIABLE_CANCELLED;
      break;
    }
    if (fin_sent && fin_acknowledged (self))
      break;
    /* a FIN before the handshake would abort the stream */
    if (!fin_sent && self->opened) {
      GST_DEBUG_OBJECT (self, "closing the stream after %" G_GUINT64_FORMAT
          " bytes", self->bytes_written);
      fin_sent = TRUE;
      pseudo_tcp_socket_shutdown (self->tcp, PSEUDO_TCP_SHUTDOWN_WR);
      socket_changed (self);
      continue;
    }
    deadline = stall_deadline (self, since, stall_timeout_s);
    if (!wait_locked (self, deadline) && stall_deadline (self, since,
            stall_timeout_s) <= g_get_monotonic_time ()) {
      result = GST_ICE_RELIABLE_STALLED;
      break;
    }
  }
  g_mutex_unlock (&self->lock);
  unwatch_cancellable (cancellable, watch);
  return result;
}

/**
 * gst_ice_reliable_read:
 * @buffer: where to put the bytes
 * @size: at most this many
 * @cancellable: (nullable): cancelled by the element's unlock()
 *
 * From the consumer's streaming thread: waits for bytes of the stream.
 *
 * Returns: how many bytes it read; 0 at the end of the stream (the
 *   producer closed it cleanly, after its last byte); -1 with @error when
 *   cancelled (%G_IO_ERROR_CANCELLED) or when the stream broke
 *   (%G_IO_ERROR_CONNECTION_CLOSED: the session ended, or the producer
 *   reset it).  What arrived before the session ended is read first: a
 *   producer that closed its stream and left at once (at EOS) still
 *   delivers it to the end.
 */
gssize
gst_ice_reliable_read (GstIceReliable * self, guint8 * buffer, gsize size,
    GCancellable * cancellable, GError ** error)
{
  gulong watch = watch_cancellable (self, cancellable);
  gssize result = -1;

  g_mutex_lock (&self->lock);
  for (;;) {
    gint got;

    if (self->ended) {
      result = 0;
      break;
    }
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      break;

    /* recv() also answers 0 on a stream reset (CLOSED counts as having
     * received a FIN): only a FIN that came cleanly is the end */
    got = pseudo_tcp_socket_recv (self->tcp, (gchar *) buffer,
        MIN (size, G_MAXINT32));
    if (got > 0) {
      self->bytes_read += got;
      result = got;
      socket_changed (self);
      break;
    }
    if (got == 0 && self->fin_received) {
      /* the peer's FIN, after its last byte: close our side too, which
       * lets the producer know that we have it all */
      GST_INFO_OBJECT (self, "end of the stream after %" G_GUINT64_FORMAT
          " bytes", self->bytes_read);
      self->ended = TRUE;
      if (!self->closed)
        pseudo_tcp_socket_close (self->tcp, FALSE);
      socket_changed (self);
      continue;
    }
    if (got == 0)
      close_locked (self, "the peer closed it without its end (FIN)");
    else if (pseudo_tcp_socket_get_error (self->tcp) != EWOULDBLOCK)
      close_locked (self, g_strerror (pseudo_tcp_socket_get_error (self->tcp)));
    if (self->closed) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
          "the stream broke after %" G_GUINT64_FORMAT " bytes: %s",
          self->bytes_read, self->close_reason ? self->close_reason :
          "its session ended");
      break;
    }
    wait_locked (self, 0);
  }
  g_mutex_unlock (&self->lock);
  unwatch_cancellable (cancellable, watch);
  return result;
}

/**
 * gst_ice_reliable_has_ended:
 *
 * Returns: whether the peer closed the stream (its FIN came), from any
 *   thread
 */
gboolean
gst_ice_reliable_has_ended (GstIceReliable * self)
{
  gboolean ended;

  g_mutex_lock (&self->lock);
  ended = self->fin_received;
  g_mutex_unlock (&self->lock);
  return ended;
}

/**
 * gst_ice_reliable_close:
 *
 * The session ends: the stream is dropped where it is (the peer learns it
 * from the session), every wait returns, and the timer lets go of the
 * stream.
 */
void
gst_ice_reliable_close (GstIceReliable * self)
{
  g_mutex_lock (&self->lock);
  close_locked (self, NULL);
  g_mutex_unlock (&self->lock);
}

static const gchar *
state_name (PseudoTcpState state)
{
  switch (state) {
    case PSEUDO_TCP_LISTEN:
      return "listen";
    case PSEUDO_TCP_SYN_SENT:
      return "syn-sent";
    case PSEUDO_TCP_SYN_RECEIVED:
      return "syn-received";
    case PSEUDO_TCP_ESTABLISHED:
      return "established";
    case PSEUDO_TCP_CLOSED:
      return "closed";
    case PSEUDO_TCP_FIN_WAIT_1:
      return "fin-wait-1";
    case PSEUDO_TCP_FIN_WAIT_2:
      return "fin-wait-2";
    case PSEUDO_TCP_CLOSING:
      return "closing";
    case PSEUDO_TCP_TIME_WAIT:
      return "time-wait";
    case PSEUDO_TCP_CLOSE_WAIT:
      return "close-wait";
    case PSEUDO_TCP_LAST_ACK:
      return "last-ack";
  }
  return "unknown";
}

/**
 * gst_ice_reliable_add_stats:
 *
 * Adds transfer-mode ("reliable"), stream-state (the pseudo-TCP state,
 * as RFC 793 names it, or "dropped" once the session ended),
 * stream-bytes-written and stream-bytes-read to @stats.
 */
void
gst_ice_reliable_add_stats (GstIceReliable * self, GstStructure * stats)
{
  g_mutex_lock (&self->lock);
  gst_structure_set (stats, "transfer-mode", G_TYPE_STRING, "reliable",
      "stream-state", G_TYPE_STRING, self->closed ? "dropped" :
      state_name (socket_state (self)), "stream-bytes-written", G_TYPE_UINT64,
      self->bytes_written, "stream-bytes-read", G_TYPE_UINT64,
      self->bytes_read, NULL);
  g_mutex_unlock (&self->lock);
}
