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
 * SECTION:element-icesrc
 * @title: icesrc
 * @see_also: icesink, udpsrc, srtsrc
 *
 * icesrc receives the stream of an icesink over ICE (libnice), through
 * NATs and firewalls.  It asks the signaller for the producer named by
 * #GstIceSrc:producer-peer-id, or the first one listed, and outputs the
 * producer's caps: nothing needs typing on the receiving side.
 *
 * When the producer goes away, icesrc posts a warning and waits for it (or,
 * with no producer-peer-id, any producer) to come back, without restarting
 * the pipeline; with #GstIceSrc:eos-on-producer-leave it ends the stream
 * instead.  That includes a producer that ran the signalling server itself:
 * icesrc reconnects to the server when it is back.  A producer that stops
 * answering ICE (consent freshness) counts as gone too.  If ICE finds no working candidate pair it posts an error that
 * lists both sides' candidates and says whether a TURN server is needed.
 *
 * Each buffer is one packet of the producer, stamped (PTS and DTS) with
 * the running time at which it arrived, so that rtpjitterbuffer and
 * clock-synced sinks see the network's timing, not the time the buffer
 * waited in icesrc.  Packets that arrived while downstream was busy leave
 * together, as one buffer list.
 *
 * When the producer sends with transfer-mode=reliable (its description
 * says so; nothing to set here), icesrc outputs the producer's byte
 * stream as it comes, whole and in order, in buffers of up to
 * #GstBaseSrc:blocksize bytes without timestamps (their bounds are not
 * the producer's), and ends the stream with EOS when the producer closed
 * it cleanly after its last byte.  icesrc reads the stream only as fast
 * as downstream takes the buffers, and the producer slows down to match.
 * If the session breaks instead, icesrc goes on as above (a warning and a
 * wait, or EOS with #GstIceSrc:eos-on-producer-leave); a stream from the
 * producer's next session starts where the producer is then, and its
 * first buffer is marked DISCONT.
 *
 * The stream is encrypted and the producer authenticated with DTLS 1.2
 * (#GstIceSrc:encryption): a producer whose certificate does not match the
 * fingerprint it signalled, or that is not one of
 * #GstIceSrc:producer-fingerprints when that is set, is refused with an
 * error, and not one of its buffers is output.  See docs/security.md.
 *
 * Packets lost on the path are asked for again and waited for at most
 * #GstIceSrc:latency (default 125 ms, as srtsrc), the packets after them
 * held meanwhile, so buffers come out in order.  When one is not
 * recovered in time the stream goes on without it: the next buffer is
 * marked DISCONT and an `ice-packets-lost` element message (session-id,
 * peer-id, packets, waited-ms) says how many are missing.  See
 * docs/loss-recovery.md.
 *
 * The element posts `ice-state-changed`, `ice-selected-pair`,
 * `ice-dtls-state-changed` and, every second, `ice-arq-report` element
 * messages, as icesink does.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 icesrc ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
 * ]| Receives the H.264 stream of the icesink example, through the
 * signalling server at ws://127.0.0.1:8443.
 * |[
 * gst-launch-1.0 icesrc signaller::uri=ws://HOST:8443 stun-server=stun://HOST:3478 turn-servers="<\"turn://user:pass@HOST:3478\">" ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
 * ]| The same across NATs.
 * |[
 * gst-launch-1.0 icesrc ! matroskademux ! avdec_h264 ! videoconvert ! autovideosink
 * ]| Receives the Matroska stream of the reliable icesink example; with
 * `icesrc ! filesink location=copy.mkv` the file arrives byte for byte.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticetransport.h>

#include "gsticeelements.h"
#include "gsticesrc.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_src_debug);
#define GST_CAT_DEFAULT gst_ice_src_debug

#define DEFAULT_EOS_ON_PRODUCER_LEAVE FALSE
#define DEFAULT_MAX_QUEUED_PACKETS 2000

enum
{
  PROP_EOS_ON_PRODUCER_LEAVE = GST_ICE_TRANSPORT_PROP_LAST,
  PROP_MAX_QUEUED_PACKETS,
};

struct _GstIceSrc
{
  GstPushSrc parent;

  GstIceTransport *transport;

  /* under @lock: filled by the transport thread, emptied by create() */
  GMutex lock;
  GCond cond;
  GQueue queue;
  gboolean waiting;             /* create() waits on @cond for a packet and
                                 * nobody signalled it yet */
  gboolean flushing;
  gboolean eos;
  gboolean discont;
  GstCaps *pending_caps;
  gboolean eos_on_producer_leave;
  guint max_queued_packets;
  guint64 overflow_drops;
  /* the reliable mode: the session whose stream create() reads, from
   * when it connects until create() read its end or its break (after the
   * session ended: what arrived is read first); the cancellable for that
   * read, cancelled by unlock(), replaced by unlock_stop() */
  GstIceSession *reliable_session;
  GCancellable *cancellable;
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define gst_ice_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceSrc, gst_ice_src, GST_TYPE_PUSH_SRC,
    G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
        gst_ice_transport_child_proxy_init);
    GST_DEBUG_CATEGORY_INIT (gst_ice_src_debug, "icesrc", 0, "ICE source"));
GST_ELEMENT_REGISTER_DEFINE (icesrc, "icesrc", GST_RANK_NONE, GST_TYPE_ICE_SRC);

static void gst_ice_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_ice_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_ice_src_finalize (GObject * object);
static GstStateChangeReturn gst_ice_src_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_ice_src_start (GstBaseSrc * src);
static gboolean gst_ice_src_stop (GstBaseSrc * src);
static gboolean gst_ice_src_unlock (GstBaseSrc * src);
static gboolean gst_ice_src_unlock_stop (GstBaseSrc * src);
static GstFlowReturn gst_ice_src_create (GstPushSrc * src, GstBuffer ** buf);
static void restart_ice (GstIceSrc * self);

static void
gst_ice_src_class_init (GstIceSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  gobject_class->set_property = gst_ice_src_set_property;
  gobject_class->get_property = gst_ice_src_get_property;
  gobject_class->finalize = gst_ice_src_finalize;

  gst_ice_transport_install_properties (gobject_class,
      GST_ICE_SIGNALLER_ROLE_CONSUMER);

  /**
   * GstIceSrc:eos-on-producer-leave:
   *
   * End the stream (EOS) when the producer leaves, instead of posting a
   * warning and waiting for it to come back (default FALSE).
   */
  g_object_class_install_property (gobject_class, PROP_EOS_ON_PRODUCER_LEAVE,
      g_param_spec_boolean ("eos-on-producer-leave", "EOS on producer leave",
          "End the stream (EOS) when the producer leaves, instead of "
          "posting a warning and waiting for it to come back (default "
          "FALSE)", DEFAULT_EOS_ON_PRODUCER_LEAVE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstIceSrc:max-queued-packets:
   *
   * How many received packets may wait for downstream (default 2000);
   * when downstream is slower than the network, the oldest are dropped and
   * counted in the debug log.  Not used in the reliable transfer mode,
   * where the producer slows down instead.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUED_PACKETS,
      g_param_spec_uint ("max-queued-packets", "Max queued packets",
          "How many received packets may wait for downstream (default "
          "2000); when downstream is slower than the network, the oldest "
          "are dropped, counted in the debug log and the next buffer is "
          "marked DISCONT. Not used when the producer sends with "
          "transfer-mode=reliable, where nothing is dropped: the producer "
          "slows down", 1, G_MAXUINT, DEFAULT_MAX_QUEUED_PACKETS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstIceSrc::restart-ice:
   * @icesrc: the element
   *
   * Action signal: restarts ICE on the session with the producer (new
   * credentials through the signalling, candidates gathered afresh), as a
   * change of this host's addresses or media that stops coming does by
   * itself.  For an application that knows the network changed.  The
   * session and its DTLS association stay; it posts `ice-restart` and,
   * once the path works, `ice-restart-done` element messages.
   */
  g_signal_new_class_handler ("restart-ice", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (restart_ice), NULL,
      NULL, NULL, G_TYPE_NONE, 0);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "ICE source",
      "Source/Network",
      "Receive an icesink's stream through NATs over ICE (libnice)",
      "The gst-ice authors <" GST_PACKAGE_ORIGIN ">");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ice_src_change_state);

  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_ice_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_ice_src_stop);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_ice_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ice_src_unlock_stop);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_ice_src_create);
}

/* The running time now, or NONE before the element has a clock.  Called
 * for every packet: the clock and the base time are read under one lock
 * (gst_element_get_clock() and gst_element_get_base_time() take it once
 * each). */
static GstClockTime
running_time_now (GstIceSrc * self)
{
  GstClock *clock;
  GstClockTime now, base;

  GST_OBJECT_LOCK (self);
  clock = GST_ELEMENT_CLOCK (self);
  if (clock == NULL) {
    GST_OBJECT_UNLOCK (self);
    return GST_CLOCK_TIME_NONE;
  }
  gst_object_ref (clock);
  base = GST_ELEMENT_CAST (self)->base_time;
  GST_OBJECT_UNLOCK (self);
  now = gst_clock_get_time (clock);
  gst_object_unref (clock);
  return now > base ? now - base : 0;
}

/* transport thread: one packet from the producer.  create() is woken up
 * only when it waits: a busy streaming thread finds the packets queued,
 * without a system call per packet. */
static void
on_received (GstIceSession * session, const guint8 * data, gsize size,
    gpointer user_data)
{
  GstIceSrc *self = GST_ICE_SRC (user_data);
  GstBuffer *buffer;
  gboolean wake;

  /* libnice hands us its own receive buffer: one copy is unavoidable with
   * nice_agent_attach_recv().  Buffers from a GstBufferPool measured no
   * better than these (docs/performance.md). */
  buffer = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_fill (buffer, 0, data, size);
  /* stamped on arrival, not when create() takes it out: waiting in the
   * queue must not show as jitter (rtpjitterbuffer reads the DTS) */
  GST_BUFFER_DTS (buffer) = GST_BUFFER_PTS (buffer) = running_time_now (self);

  g_mutex_lock (&self->lock);
  if (self->discont) {
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  g_queue_push_tail (&self->queue, buffer);
  GST_LOG_OBJECT (self, "queued a packet of %" G_GSIZE_FORMAT " bytes, %u "
      "waiting", size, self->queue.length);
  while (self->queue.length > self->max_queued_packets) {
    gst_buffer_unref (g_queue_pop_head (&self->queue));
    self->overflow_drops++;
    self->discont = TRUE;
    GST_LOG_OBJECT (self, "queue full, dropped a packet (%" G_GUINT64_FORMAT
        " so far)", self->overflow_drops);
  }
  /* once: the packets that follow before create() runs need no call; and
   * after the unlock, so that the woken thread does not wait for it */
  wake = self->waiting;
  self->waiting = FALSE;
  g_mutex_unlock (&self->lock);
  if (wake)
    g_cond_signal (&self->cond);
}

/* transport thread: a session with the producer works; in the reliable
 * mode, create() reads its stream from now on */
static void
on_peer_connected (GstElement * element, GstIceSession * session)
{
  GstIceSrc *self = GST_ICE_SRC (element);

  if (gst_ice_session_get_reliable (session) == NULL)
    return;
  GST_INFO_OBJECT (self, "reading the producer's reliable stream");
  g_mutex_lock (&self->lock);
  gst_object_replace ((GstObject **) & self->reliable_session,
      GST_OBJECT (session));
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
on_caps_received (GstElement * element, GstCaps * caps)
{
  GstIceSrc *self = GST_ICE_SRC (element);

  GST_DEBUG_OBJECT (self, "producer caps %" GST_PTR_FORMAT, caps);
  g_mutex_lock (&self->lock);
  gst_caps_replace (&self->pending_caps, caps);
  g_mutex_unlock (&self->lock);
}

static void
on_producer_left (GstElement * element, const gchar * producer_id)
{
  GstIceSrc *self = GST_ICE_SRC (element);
  gboolean eos;

  g_mutex_lock (&self->lock);
  if (self->eos || (self->reliable_session &&
          gst_ice_reliable_has_ended (gst_ice_session_get_reliable
              (self->reliable_session)))) {
    /* the producer closed its reliable stream first: that was the end,
     * which create() reads to the last byte */
    g_mutex_unlock (&self->lock);
    GST_INFO_OBJECT (self, "producer '%s' left after the end of its stream",
        producer_id);
    return;
  }
  eos = self->eos_on_producer_leave;
  if (eos) {
    self->eos = TRUE;
    g_cond_signal (&self->cond);
  }
  self->discont = TRUE;
  g_mutex_unlock (&self->lock);

  if (eos) {
    GST_INFO_OBJECT (self, "producer '%s' left, ending the stream",
        producer_id);
  } else {
    GST_ELEMENT_WARNING (self, RESOURCE, READ,
        ("producer '%s' left; waiting for it to come back", producer_id),
        ("set eos-on-producer-leave=true to end the stream instead"));
  }
}

/* transport thread: packets were lost while the path was restored */
static void
on_peer_resumed (GstElement * element, GstIceSession * session)
{
  GstIceSrc *self = GST_ICE_SRC (element);

  g_mutex_lock (&self->lock);
  self->discont = TRUE;
  g_mutex_unlock (&self->lock);
}

/* transport thread: loss recovery went on without @packets packets */
static void
on_packets_lost (GstElement * element, GstIceSession * session, guint64 packets)
{
  GstIceSrc *self = GST_ICE_SRC (element);

  g_mutex_lock (&self->lock);
  self->discont = TRUE;
  g_mutex_unlock (&self->lock);
}

static void
restart_ice (GstIceSrc * self)
{
  gst_ice_transport_request_restart (self->transport);
}

static void
gst_ice_src_init (GstIceSrc * self)
{
  const GstIceTransportCallbacks callbacks = {
    .peer_connected = on_peer_connected,
    .producer_left = on_producer_left,
    .caps_received = on_caps_received,
    .received = on_received,
    .peer_resumed = on_peer_resumed,
    .packets_lost = on_packets_lost,
  };

  self->transport = gst_ice_transport_new (GST_ELEMENT (self),
      GST_ICE_SIGNALLER_ROLE_CONSUMER, &callbacks);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->cancellable = g_cancellable_new ();
  self->eos_on_producer_leave = DEFAULT_EOS_ON_PRODUCER_LEAVE;
  self->max_queued_packets = DEFAULT_MAX_QUEUED_PACKETS;

  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  /* packets are stamped on arrival (on_received) */
  gst_base_src_set_do_timestamp (GST_BASE_SRC (self), FALSE);
}

static void
gst_ice_src_finalize (GObject * object)
{
  GstIceSrc *self = GST_ICE_SRC (object);

  gst_object_unref (self->transport);
  g_queue_clear_full (&self->queue, (GDestroyNotify) gst_buffer_unref);
  gst_caps_replace (&self->pending_caps, NULL);
  gst_clear_object (&self->reliable_session);
  g_object_unref (self->cancellable);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ice_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstIceSrc *self = GST_ICE_SRC (object);

  if (gst_ice_transport_set_property (self->transport, prop_id, value, pspec))
    return;

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_EOS_ON_PRODUCER_LEAVE:
      self->eos_on_producer_leave = g_value_get_boolean (value);
      break;
    case PROP_MAX_QUEUED_PACKETS:
      self->max_queued_packets = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_ice_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstIceSrc *self = GST_ICE_SRC (object);

  if (gst_ice_transport_get_property (self->transport, prop_id, value, pspec))
    return;

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_EOS_ON_PRODUCER_LEAVE:
      g_value_set_boolean (value, self->eos_on_producer_leave);
      break;
    case PROP_MAX_QUEUED_PACKETS:
      g_value_set_uint (value, self->max_queued_packets);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static GstStateChangeReturn
gst_ice_src_change_state (GstElement * element, GstStateChange transition)
{
  GstIceSrc *self = GST_ICE_SRC (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY &&
      !gst_ice_transport_prepare (self->transport))
    return GST_STATE_CHANGE_FAILURE;

  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

static gboolean
gst_ice_src_start (GstBaseSrc * src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  g_mutex_lock (&self->lock);
  self->eos = FALSE;
  self->discont = TRUE;
  self->overflow_drops = 0;
  g_mutex_unlock (&self->lock);

  return gst_ice_transport_start (self->transport);
}

static gboolean
gst_ice_src_stop (GstBaseSrc * src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  gst_ice_transport_stop (self->transport);

  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->queue, (GDestroyNotify) gst_buffer_unref);
  gst_caps_replace (&self->pending_caps, NULL);
  gst_clear_object (&self->reliable_session);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
gst_ice_src_unlock (GstBaseSrc * src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  g_mutex_lock (&self->lock);
  self->flushing = TRUE;
  g_cond_broadcast (&self->cond);
  g_cancellable_cancel (self->cancellable);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
gst_ice_src_unlock_stop (GstBaseSrc * src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  g_mutex_lock (&self->lock);
  self->flushing = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable)) {
    g_object_unref (self->cancellable);
    self->cancellable = g_cancellable_new ();
  }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* A packet that came before there was a clock (PAUSED) counts from now. */
static gboolean
stamp_if_unstamped (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  GstIceSrc *self = user_data;

  if (!GST_BUFFER_PTS_IS_VALID (*buffer)) {
    *buffer = gst_buffer_make_writable (*buffer);
    GST_BUFFER_DTS (*buffer) = GST_BUFFER_PTS (*buffer) =
        running_time_now (self);
  }
  return TRUE;
}

/* Sets the producer's caps on the pad before the buffer that follows
 * them. */
static GstFlowReturn
output_pending_caps (GstIceSrc * self)
{
  GstCaps *caps, *current;
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  caps = self->pending_caps;
  self->pending_caps = NULL;
  g_mutex_unlock (&self->lock);
  if (caps == NULL)
    return GST_FLOW_OK;

  current = gst_pad_get_current_caps (GST_BASE_SRC_PAD (self));
  if (current == NULL || !gst_caps_is_equal (current, caps)) {
    GST_INFO_OBJECT (self, "output caps %" GST_PTR_FORMAT, caps);
    ok = gst_base_src_set_caps (GST_BASE_SRC (self), caps);
  }
  gst_clear_caps (&current);
  gst_caps_unref (caps);
  return ok ? GST_FLOW_OK : GST_FLOW_NOT_NEGOTIATED;
}

/* what read_stream() returns when the stream broke: wait for the next */
#define STREAM_BROKE GST_FLOW_CUSTOM_SUCCESS

/* Reliable mode: the next bytes of @session's stream, EOS after the last
 * one, or STREAM_BROKE when the session ended before that. */
static GstFlowReturn
read_stream (GstIceSrc * self, GstIceSession * session,
    GCancellable * cancellable, GstBuffer ** buf)
{
  guint size = gst_base_src_get_blocksize (GST_BASE_SRC (self));
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, size, NULL);
  GError *err = NULL;
  GstMapInfo map;
  gssize got;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  got = gst_ice_reliable_read (gst_ice_session_get_reliable (session),
      map.data, map.size, cancellable, &err);
  gst_buffer_unmap (buffer, &map);
  if (got > 0) {
    gst_buffer_set_size (buffer, got);
    g_mutex_lock (&self->lock);
    if (self->discont) {
      GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
      self->discont = FALSE;
    }
    g_mutex_unlock (&self->lock);
    *buf = buffer;
    return GST_FLOW_OK;
  }
  gst_buffer_unref (buffer);

  if (got == 0) {
    GST_INFO_OBJECT (self, "the producer closed its stream: EOS");
    g_mutex_lock (&self->lock);
    self->eos = TRUE;
    if (self->reliable_session == session)
      gst_clear_object (&self->reliable_session);
    g_mutex_unlock (&self->lock);
    return GST_FLOW_EOS;
  }
  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_clear_error (&err);
    return GST_FLOW_FLUSHING;
  }
  GST_INFO_OBJECT (self, "%s", err->message);
  g_clear_error (&err);
  g_mutex_lock (&self->lock);
  if (self->reliable_session == session)
    gst_clear_object (&self->reliable_session);
  self->discont = TRUE;
  g_mutex_unlock (&self->lock);
  return STREAM_BROKE;
}

/* Datagrams: everything queued leaves at once, one packet as a buffer,
 * several as one buffer list (one push downstream, one lock here for
 * all).  Reliable mode: the next bytes of the stream. */
static GstFlowReturn
gst_ice_src_create (GstPushSrc * src, GstBuffer ** buf)
{
  GstIceSrc *self = GST_ICE_SRC (src);
  GstBufferList *list = NULL;
  GstBuffer *buffer = NULL;
  gboolean from_stream = FALSE;
  GstFlowReturn ret;

  for (;;) {
    GstIceSession *session;
    GCancellable *cancellable;

    g_mutex_lock (&self->lock);
    while (g_queue_is_empty (&self->queue) && self->reliable_session == NULL
        && !self->flushing && !self->eos) {
      self->waiting = TRUE;
      g_cond_wait (&self->cond, &self->lock);
    }
    self->waiting = FALSE;
    if (self->flushing)
      goto flushing;
    if (self->reliable_session == NULL) {
      if (g_queue_is_empty (&self->queue))
        goto eos;
      if (self->queue.length == 1) {
        buffer = g_queue_pop_head (&self->queue);
      } else {
        list = gst_buffer_list_new_sized (self->queue.length);
        while (!g_queue_is_empty (&self->queue))
          gst_buffer_list_add (list, g_queue_pop_head (&self->queue));
      }
      g_mutex_unlock (&self->lock);
      break;
    }

    session = gst_object_ref (self->reliable_session);
    cancellable = g_object_ref (self->cancellable);
    g_mutex_unlock (&self->lock);
    ret = read_stream (self, session, cancellable, &buffer);
    g_object_unref (cancellable);
    gst_object_unref (session);
    if (ret == GST_FLOW_OK) {
      from_stream = TRUE;
      break;
    }
    if (ret != STREAM_BROKE)
      return ret;
  }

  ret = output_pending_caps (self);
  if (ret != GST_FLOW_OK) {
    gst_clear_buffer (&buffer);
    g_clear_pointer (&list, gst_buffer_list_unref);
    return ret;
  }

  if (list) {
    gst_buffer_list_foreach (list, stamp_if_unstamped, self);
    GST_LOG_OBJECT (self, "pushing %u packets as one list",
        gst_buffer_list_length (list));
    gst_base_src_submit_buffer_list (GST_BASE_SRC (self), list);
    *buf = NULL;
  } else {
    /* the bytes of a reliable stream have no time */
    if (!from_stream)
      stamp_if_unstamped (&buffer, 0, self);
    *buf = buffer;
  }
  return GST_FLOW_OK;

flushing:
  {
    g_mutex_unlock (&self->lock);
    return GST_FLOW_FLUSHING;
  }
eos:
  {
    g_mutex_unlock (&self->lock);
    GST_INFO_OBJECT (self, "producer left: EOS");
    return GST_FLOW_EOS;
  }
}
