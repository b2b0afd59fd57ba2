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
 * SECTION:element-icesink
 * @title: icesink
 * @see_also: icesrc, udpsink, srtsink
 *
 * icesink sends a stream to any number of icesrc consumers over ICE
 * (libnice): it gathers host, server-reflexive (STUN) and relayed (TURN)
 * candidates, so consumers behind NATs and firewalls can receive it with
 * no port opened by hand.  Each consumer gets its own ICE session; they
 * can join and leave while the sink plays (#GstIceSink::peer-added,
 * #GstIceSink::peer-removed), and a joining consumer triggers an upstream
 * force-key-unit request so it can start decoding at once.
 *
 * Each buffer is sent as one datagram, so any packetised stream works:
 * RTP, MPEG-TS in 7×188-byte chunks, application data.  A buffer that
 * does not fit #GstIceSink:mtu is an error: lower the payloader's `mtu`.
 * The caps travel to each consumer with the signalling, so icesrc needs
 * none.
 *
 * With #GstIceSink:transfer-mode=reliable the buffers' bytes travel
 * instead as one byte stream per consumer that arrives whole and in order
 * (libnice's pseudo-TCP over the same ICE path, inside the same DTLS
 * association): for streams that cannot lose a byte, such as a Matroska or
 * MPEG-TS file, an H.264 byte-stream or application data, in buffers of
 * any size.  The mode travels in the signalling: icesrc follows it and
 * outputs the bytes as they come.  The slowest consumer sets the pace:
 * icesink waits while a consumer's stream is full, and drops one that
 * takes nothing for #GstIceSink:stall-timeout, with a warning.  At EOS
 * icesink waits until every consumer has acknowledged the whole stream,
 * then closes it, and each icesrc ends its stream with EOS; only then does
 * icesink post EOS.  A consumer that joins later gets the stream from
 * where it is.  See docs/robustness.md.
 *
 * Every session is encrypted and its consumer authenticated with DTLS 1.2
 * (#GstIceSink:encryption): the consumer's certificate must match the
 * fingerprint it signalled, and with #GstIceSink:consumer-fingerprints
 * only the consumers named there are served.  At start the element posts
 * its own #GstIceSink:fingerprint in an info message.  See
 * docs/security.md.
 *
 * Peers find each other through a signaller (#GstIceSink:signaller,
 * #GstIceSink:signaller-type): by default a WebSocket one that talks to
 * `gst-ice-signalling-server`, or to the server icesink runs itself with
 * #GstIceSink:run-signalling-server.
 *
 * The element posts `ice-state-changed` (session-id, peer-id, state),
 * `ice-selected-pair` (session-id, peer-id, local-candidate-type,
 * local-address, local-port, remote-candidate-type, remote-address,
 * remote-port, transport, receive-buffer-size: the socket's, in bytes,
 * as the kernel reports it) and `ice-dtls-state-changed` (session-id,
 * peer-id, state: handshaking, connected, failed or closed; message when
 * failed; cipher and peer-fingerprint when connected) element messages.
 *
 * Losses are recovered within #GstIceSink:latency (default 125 ms, as
 * srtsink): each consumer asks again for what it misses and icesink sends
 * it again from a history of that length, within
 * #GstIceSink:retransmission-overhead.  At EOS icesink waits until its
 * consumers have the last packets (or the budget is over) before it posts
 * EOS, so an application that stops on EOS loses nothing.  Every second
 * it posts an `ice-arq-report` element message per consumer (session-id,
 * peer-id, latency-ms, rtt-ms, packets-lost, packets-recovered,
 * packets-retransmitted, packets-unrecovered, loss, bitrate and
 * bitrate-estimate, the bits/s the consumer's path is thought to sustain:
 * what an encoder's bitrate can follow).  See docs/loss-recovery.md.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! x264enc tune=zerolatency ! rtph264pay ! icesink run-signalling-server=true
 * ]| Sends H.264 over RTP to every icesrc that connects to the signalling
 * server this icesink runs on port 8443.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! x264enc tune=zerolatency ! rtph264pay ! icesink signaller::uri=ws://HOST:8443 stun-server=stun://HOST:3478 turn-servers="<\"turn://user:pass@HOST:3478\">"
 * ]| The same across NATs, with a signalling server, STUN and TURN on HOST.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! x264enc tune=zerolatency ! matroskamux streamable=true ! icesink transfer-mode=reliable run-signalling-server=true
 * ]| Sends a Matroska stream, which must arrive whole, in the reliable
 * transfer mode; `filesrc location=movie.mkv` in front of icesink sends a
 * file the same way.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticetransport.h>
#include <gst/video/video.h>

#include "gsticeelements.h"
#include "gsticesink.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_sink_debug);
#define GST_CAT_DEFAULT gst_ice_sink_debug

/* a 1500-byte link less IPv6 (40), UDP (8) and a TURN relay's
 * ChannelData header (4): RTP payloaders' 1400-byte packets fit with a
 * 37-byte DTLS record and a 4-byte loss recovery header */
#define DEFAULT_MTU 1448
#define DEFAULT_WAIT_FOR_CONNECTION TRUE
#define DEFAULT_TRANSFER_MODE GST_ICE_TRANSFER_MODE_DATAGRAM
/* pseudo-TCP backs off to a retransmission a minute: a consumer that took
 * nothing for longer is gone */
#define DEFAULT_STALL_TIMEOUT 60

enum
{
  PROP_MTU = GST_ICE_TRANSPORT_PROP_LAST,
  PROP_WAIT_FOR_CONNECTION,
  PROP_TRANSFER_MODE,
  PROP_STALL_TIMEOUT,
};

enum
{
  SIGNAL_PEER_ADDED,
  SIGNAL_PEER_REMOVED,
  SIGNAL_RESTART_ICE,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

struct _GstIceSink
{
  GstBaseSink parent;

  GstIceTransport *transport;

  /* under the object lock */
  guint mtu;
  gboolean wait_for_connection;
  GstIceTransferMode transfer_mode;
  guint stall_timeout;

  /* the reliable mode's waits: cancelled by unlock(), replaced by
   * unlock_stop(), under @lock; where the write of the buffer being
   * rendered stands (streaming thread) */
  GCancellable *cancellable;
  GstIceTransportWrite write;
  /* the transfer mode of this run, set at start (streaming thread) */
  gboolean reliable;
  /* the consumers were told the caps, or that there are none */
  gboolean caps_announced;

  /* render waits for a first consumer under @lock; each unlock() counts,
   * so that a wait knows it was interrupted even once unlock_stop() ran */
  GMutex lock;
  GCond cond;
  guint unlocks;

  /* peers that joined or left, told from a GStreamer pool thread in the
   * order they came (gst_element_call_async), never from the transport
   * or the streaming thread: a handler may stop the pipeline; only
   * between start and stop (@telling), never after */
  GMutex notices_lock;
  GQueue notices;               /* PeerNotice */
  gboolean telling;
  GMutex emit_lock;             /* one emitter at a time, in order */
  guint key_unit_count;         /* under emit_lock */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define gst_ice_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceSink, gst_ice_sink, GST_TYPE_BASE_SINK,
    G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
        gst_ice_transport_child_proxy_init);
    GST_DEBUG_CATEGORY_INIT (gst_ice_sink_debug, "icesink", 0, "ICE sink"));
GST_ELEMENT_REGISTER_DEFINE (icesink, "icesink", GST_RANK_NONE,
    GST_TYPE_ICE_SINK);

static void gst_ice_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_ice_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_ice_sink_finalize (GObject * object);
static GstStateChangeReturn gst_ice_sink_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_ice_sink_start (GstBaseSink * sink);
static gboolean gst_ice_sink_stop (GstBaseSink * sink);
static gboolean gst_ice_sink_set_caps (GstBaseSink * sink, GstCaps * caps);
static GstFlowReturn gst_ice_sink_render (GstBaseSink * sink,
    GstBuffer * buffer);
static GstFlowReturn gst_ice_sink_render_list (GstBaseSink * sink,
    GstBufferList * list);
static gboolean gst_ice_sink_unlock (GstBaseSink * sink);
static gboolean gst_ice_sink_unlock_stop (GstBaseSink * sink);
static GstFlowReturn gst_ice_sink_wait_event (GstBaseSink * sink,
    GstEvent * event);
static void restart_ice (GstIceSink * self);

/* Long: one block per property and signal, each with its documentation. */
static void
gst_ice_sink_class_init (GstIceSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_ice_sink_set_property;
  gobject_class->get_property = gst_ice_sink_get_property;
  gobject_class->finalize = gst_ice_sink_finalize;

  gst_ice_transport_install_properties (gobject_class,
      GST_ICE_SIGNALLER_ROLE_PRODUCER);

  /**
   * GstIceSink:mtu:
   *
   * Largest datagram, in bytes, that icesink sends for one buffer: the
   * buffer plus, encrypting, its DTLS record (37 bytes) and, with loss
   * recovery, its 4-byte header.  The default 1448 is a 1500-byte link
   * less IPv6 and UDP headers and a TURN relay's 4-byte ChannelData
   * header, and fits the 1400-byte packets RTP payloaders make by default.
   * A larger buffer stops the pipeline with an error naming the sizes:
   * lower the payloader's mtu, or raise this on paths known to carry more.
   * With transfer-mode=reliable buffers of any size are split into
   * segments that fit, and this is not used.
   */
  g_object_class_install_property (gobject_class, PROP_MTU,
      g_param_spec_uint ("mtu", "MTU",
          "Largest datagram, in bytes, that one buffer becomes on the wire: "
          "the buffer plus, with encryption, its 37-byte DTLS record and, "
          "with loss recovery (latency), its 4-byte header (default 1448: a "
          "1500-byte link less IPv6, UDP and a TURN header; RTP payloaders' "
          "default 1400-byte packets fit). A larger buffer stops the "
          "pipeline with an error naming the sizes: lower the payloader's "
          "mtu, or raise this on paths known to carry more. Not used with "
          "transfer-mode=reliable, where buffers of any size are split into "
          "segments that fit", 64, 65000,
          DEFAULT_MTU, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceSink:wait-for-connection:
   *
   * Block the stream while no consumer is connected (before the first
   * one, and again after the last one left), so that nothing is sent into
   * the void (default TRUE, as srtsink).  With FALSE, buffers rendered
   * while no consumer is connected are dropped.
   */
  g_object_class_install_property (gobject_class, PROP_WAIT_FOR_CONNECTION,
      g_param_spec_boolean ("wait-for-connection", "Wait for connection",
          "Block the stream while no consumer is connected (before the "
          "first one, and again after the last one left), so that nothing "
          "is sent into the void (default TRUE, as srtsink). With FALSE, "
          "buffers rendered while no consumer is connected are dropped",
          DEFAULT_WAIT_FOR_CONNECTION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstIceSink:transfer-mode:
   *
   * How the buffers travel.  datagram (the default): each buffer is one
   * datagram, what the network loses is lost, for RTP and other
   * packetised live streams.  reliable: the buffers' bytes are one byte
   * stream per consumer that arrives whole and in order, for files and
   * byte streams (Matroska, MPEG-TS, H.264 byte-stream, application
   * data); buffers may have any size.  The consumers follow the mode
   * through the signalling; one whose gst-ice does not know it is refused
   * with a warning that says so.  In the reliable mode the slowest
   * consumer sets the pace (see #GstIceSink:stall-timeout), and EOS waits
   * until every consumer has the whole stream.
   */
  g_object_class_install_property (gobject_class, PROP_TRANSFER_MODE,
      g_param_spec_enum ("transfer-mode", "Transfer mode",
          "How the buffers travel: datagram (default: each buffer one "
          "datagram, what the network loses is lost; for RTP and live "
          "packetised streams) or reliable (one byte stream per consumer "
          "that arrives whole and in order, buffers of any size; for files "
          "and byte streams such as Matroska, MPEG-TS, H.264 byte-stream). "
          "Consumers follow it through the signalling; one that does not "
          "know the mode is refused with a warning. In reliable mode the "
          "slowest consumer sets the pace (stall-timeout) and EOS waits "
          "until every consumer has the whole stream",
          GST_TYPE_ICE_TRANSFER_MODE, DEFAULT_TRANSFER_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceSink:stall-timeout:
   *
   * With transfer-mode=reliable: how long, in seconds, icesink waits for
   * a consumer whose stream is full and that acknowledges nothing (its
   * pipeline paused or stuck, its path down for good) before it drops
   * that consumer with a warning naming it, so that the other consumers go
   * on; meanwhile they all wait.  0 waits for ever.  Default 60: longer
   * than an ICE restart and pseudo-TCP's retransmission back-off after
   * one.
   */
  g_object_class_install_property (gobject_class, PROP_STALL_TIMEOUT,
      g_param_spec_uint ("stall-timeout", "Stall timeout",
          "transfer-mode=reliable: seconds icesink waits for a consumer "
          "that takes no data (its stream full, nothing acknowledged) "
          "before dropping it with a warning naming it, so that the other "
          "consumers, which wait meanwhile, go on; 0 waits for ever "
          "(default 60: longer than an ICE restart and the retransmission "
          "back-off after one)", 0, G_MAXUINT, DEFAULT_STALL_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstIceSink::peer-added:
   * @icesink: the element
   * @peer_id: the consumer that connected
   *
   * A consumer's ICE session has a working pair (and, encrypting, its
   * DTLS handshake is done); the stream flows to it.  Emitted from a
   * GStreamer thread pool (gst_element_call_async()), in order with
   * #GstIceSink::peer-removed: a handler may change the pipeline's state.
   */
  signals[SIGNAL_PEER_ADDED] = g_signal_new ("peer-added",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSink::peer-removed:
   * @icesink: the element
   * @peer_id: the consumer that left, failed or was disconnected
   *
   * Emitted as #GstIceSink::peer-added is: a handler may stop the
   * pipeline.  Neither is emitted once the element stopped (PAUSED to
   * READY returned), not even for the consumers the stop disconnected,
   * so that an application may free what its handlers use then; an
   * emission that was already running may still end after it.
   */
  signals[SIGNAL_PEER_REMOVED] = g_signal_new ("peer-removed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSink::restart-ice:
   * @icesink: the element
   *
   * Action signal: restarts ICE on every consumer's session (new
   * credentials through the signalling, candidates gathered afresh), as a
   * change of this host's addresses does by itself.  For an application
   * that knows the network changed.  The sessions, their DTLS
   * associations and the consumers stay; each restart posts `ice-restart`
   * and, once the path works, `ice-restart-done` element messages.
   */
  signals[SIGNAL_RESTART_ICE] = g_signal_new_class_handler ("restart-ice",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (restart_ice), NULL, NULL, NULL, G_TYPE_NONE, 0);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class, "ICE sink",
      "Sink/Network",
      "Send a stream to consumers behind NATs over ICE (libnice)",
      "The gst-ice authors <" GST_PACKAGE_ORIGIN ">");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ice_sink_change_state);

  basesink_class->start = GST_DEBUG_FUNCPTR (gst_ice_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_ice_sink_stop);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_ice_sink_set_caps);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_ice_sink_render);
  basesink_class->render_list = GST_DEBUG_FUNCPTR (gst_ice_sink_render_list);
  basesink_class->unlock = GST_DEBUG_FUNCPTR (gst_ice_sink_unlock);
  basesink_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ice_sink_unlock_stop);
  basesink_class->wait_event = GST_DEBUG_FUNCPTR (gst_ice_sink_wait_event);

  gst_type_mark_as_plugin_api (GST_TYPE_ICE_TRANSPORT_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_ICE_TRANSFER_MODE, 0);
}

typedef enum
{
  PEER_ADDED,
  PEER_REMOVED,
  PEER_RESUMED,                 /* after an ICE restart: a key unit only */
} PeerNoticeKind;

typedef struct
{
  PeerNoticeKind kind;
  gchar *peer_id;
} PeerNotice;

static void
peer_notice_free (PeerNotice * notice)
{
  g_free (notice->peer_id);
  g_free (notice);
}

/* From a GStreamer pool thread: tells what the queue holds, in order. */
static void
emit_notices (GstElement * element, gpointer user_data)
{
  GstIceSink *self = GST_ICE_SINK (element);
  PeerNotice *notice;

  g_mutex_lock (&self->emit_lock);
  for (;;) {
    g_mutex_lock (&self->notices_lock);
    notice = self->telling ? g_queue_pop_head (&self->notices) : NULL;
    g_mutex_unlock (&self->notices_lock);
    if (notice == NULL)
      break;

    if (notice->kind != PEER_RESUMED)
      g_signal_emit (self, signals[notice->kind == PEER_ADDED ?
              SIGNAL_PEER_ADDED : SIGNAL_PEER_REMOVED], 0, notice->peer_id);
    /* a new decoder, or one that lost packets, needs a key frame */
    if (notice->kind != PEER_REMOVED)
      gst_pad_push_event (GST_BASE_SINK_PAD (self),
          gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
              TRUE, ++self->key_unit_count));
    peer_notice_free (notice);
  }
  g_mutex_unlock (&self->emit_lock);
}

static void
notify_peer (GstIceSink * self, PeerNoticeKind kind, GstIceSession * session)
{
  PeerNotice *notice = g_new0 (PeerNotice, 1);

  notice->kind = kind;
  notice->peer_id = g_strdup (gst_ice_session_get_peer_id (session));
  g_mutex_lock (&self->notices_lock);
  if (!self->telling) {
    g_mutex_unlock (&self->notices_lock);
    peer_notice_free (notice);
    return;
  }
  g_queue_push_tail (&self->notices, notice);
  g_mutex_unlock (&self->notices_lock);
  gst_element_call_async (GST_ELEMENT (self), emit_notices, NULL, NULL);
}

/* transport thread */
static void
on_peer_connected (GstElement * element, GstIceSession * session)
{
  GstIceSink *self = GST_ICE_SINK (element);

  GST_INFO_OBJECT (self, "consumer '%s' connected",
      gst_ice_session_get_peer_id (session));
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  notify_peer (self, PEER_ADDED, session);
}

/* transport thread */
static void
on_peer_disconnected (GstElement * element, GstIceSession * session)
{
  GST_INFO_OBJECT (element, "consumer '%s' gone",
      gst_ice_session_get_peer_id (session));
  notify_peer (GST_ICE_SINK (element), PEER_REMOVED, session);
}

/* transport thread: packets were lost while the path was restored */
static void
on_peer_resumed (GstElement * element, GstIceSession * session)
{
  GST_INFO_OBJECT (element, "consumer '%s' resumed after an ICE restart",
      gst_ice_session_get_peer_id (session));
  notify_peer (GST_ICE_SINK (element), PEER_RESUMED, session);
}

/* transport thread: a consumer has more of the stream, while draining */
static void
on_acked (GstElement * element)
{
  GstIceSink *self = GST_ICE_SINK (element);

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
restart_ice (GstIceSink * self)
{
  gst_ice_transport_request_restart (self->transport);
}

static void
gst_ice_sink_init (GstIceSink * self)
{
  const GstIceTransportCallbacks callbacks = {
    .peer_connected = on_peer_connected,
    .peer_disconnected = on_peer_disconnected,
    .peer_resumed = on_peer_resumed,
    .acked = on_acked,
  };

  self->transport = gst_ice_transport_new (GST_ELEMENT (self),
      GST_ICE_SIGNALLER_ROLE_PRODUCER, &callbacks);
  self->mtu = DEFAULT_MTU;
  self->wait_for_connection = DEFAULT_WAIT_FOR_CONNECTION;
  self->transfer_mode = DEFAULT_TRANSFER_MODE;
  self->stall_timeout = DEFAULT_STALL_TIMEOUT;
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->notices_lock);
  g_queue_init (&self->notices);
  g_mutex_init (&self->emit_lock);
}

static void
gst_ice_sink_finalize (GObject * object)
{
  GstIceSink *self = GST_ICE_SINK (object);

  gst_object_unref (self->transport);
  gst_ice_transport_write_clear (&self->write);
  g_object_unref (self->cancellable);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_queue_clear_full (&self->notices, (GDestroyNotify) peer_notice_free);
  g_mutex_clear (&self->notices_lock);
  g_mutex_clear (&self->emit_lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ice_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstIceSink *self = GST_ICE_SINK (object);

  if (gst_ice_transport_set_property (self->transport, prop_id, value, pspec))
    return;

  switch (prop_id) {
    case PROP_MTU:
      GST_OBJECT_LOCK (self);
      self->mtu = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_WAIT_FOR_CONNECTION:
      g_mutex_lock (&self->lock);
      self->wait_for_connection = g_value_get_boolean (value);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_TRANSFER_MODE:
      GST_OBJECT_LOCK (self);
      self->transfer_mode = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STALL_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->stall_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_sink_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstIceSink *self = GST_ICE_SINK (object);

  if (gst_ice_transport_get_property (self->transport, prop_id, value, pspec))
    return;

  switch (prop_id) {
    case PROP_MTU:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->mtu);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_WAIT_FOR_CONNECTION:
      g_mutex_lock (&self->lock);
      g_value_set_boolean (value, self->wait_for_connection);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_TRANSFER_MODE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->transfer_mode);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STALL_TIMEOUT:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->stall_timeout);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static GstStateChangeReturn
gst_ice_sink_change_state (GstElement * element, GstStateChange transition)
{
  GstIceSink *self = GST_ICE_SINK (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY &&
      !gst_ice_transport_prepare (self->transport))
    return GST_STATE_CHANGE_FAILURE;

  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

static gboolean
gst_ice_sink_start (GstBaseSink * sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  GstIceTransferMode mode;

  g_mutex_lock (&self->emit_lock);
  self->key_unit_count = 0;
  g_mutex_unlock (&self->emit_lock);
  g_mutex_lock (&self->notices_lock);
  self->telling = TRUE;
  g_mutex_unlock (&self->notices_lock);
  GST_OBJECT_LOCK (self);
  mode = self->transfer_mode;
  GST_OBJECT_UNLOCK (self);
  self->reliable = mode == GST_ICE_TRANSFER_MODE_RELIABLE;
  self->caps_announced = FALSE;
  gst_ice_transport_write_clear (&self->write);
  gst_ice_transport_set_transfer_mode (self->transport, mode);
  return gst_ice_transport_start (self->transport);
}

static gboolean
gst_ice_sink_stop (GstBaseSink * sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  /* once the state change returned, the application may free what its
   * handlers use: what was not told yet (our own stop disconnecting every
   * consumer among it) never will be.  An emission already running may
   * still end after this; stop cannot wait for it, as its handler may be
   * waiting for the state lock we hold. */
  g_mutex_lock (&self->notices_lock);
  self->telling = FALSE;
  g_queue_clear_full (&self->notices, (GDestroyNotify) peer_notice_free);
  g_mutex_unlock (&self->notices_lock);
  gst_ice_transport_stop (self->transport);
  gst_ice_transport_write_clear (&self->write);
  return TRUE;
}

static gboolean
gst_ice_sink_set_caps (GstBaseSink * sink, GstCaps * caps)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);
  self->caps_announced = TRUE;
  gst_ice_transport_set_caps (self->transport, caps);
  return TRUE;
}

/* Waits, with the buffer to render, until a first consumer is connected.
 * An unlock() is a flush or a change to PAUSED: the buffer must not be
 * dropped for the second, so wait for preroll as GstBaseSink wants
 * (PAUSED completes, prerolled on this buffer), which answers FLUSHING
 * for the first, and wait on once PLAYING again. */
static GstFlowReturn
wait_for_consumer (GstIceSink * self)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint unlocks;

  g_mutex_lock (&self->lock);
  unlocks = self->unlocks;
  while (self->wait_for_connection &&
      gst_ice_transport_get_n_connected (self->transport) == 0) {
    if (self->unlocks != unlocks) {
      g_mutex_unlock (&self->lock);
      ret = gst_base_sink_wait_preroll (GST_BASE_SINK (self));
      if (ret != GST_FLOW_OK)
        return ret;
      g_mutex_lock (&self->lock);
      unlocks = self->unlocks;
      continue;
    }
    GST_DEBUG_OBJECT (self, "waiting for a consumer");
    g_cond_wait (&self->cond, &self->lock);
  }
  g_mutex_unlock (&self->lock);
  return ret;
}

static GCancellable *
dup_cancellable (GstIceSink * self)
{
  GCancellable *cancellable;

  g_mutex_lock (&self->lock);
  cancellable = g_object_ref (self->cancellable);
  g_mutex_unlock (&self->lock);
  return cancellable;
}

/* Reliable mode: @buffer's bytes into every consumer's stream, or (with
 * @buffer NULL) the end of every stream.  An unlock() is a flush or a
 * change to PAUSED: as in wait_for_consumer(), wait for preroll, then go
 * on where the write stood. */
static GstFlowReturn
write_reliable (GstIceSink * self, GstBuffer * buffer)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map = GST_MAP_INFO_INIT;
  guint stall_timeout;

  if (buffer && !gst_buffer_map (buffer, &map, GST_MAP_READ))
    goto map_failed;
  GST_OBJECT_LOCK (self);
  stall_timeout = self->stall_timeout;
  GST_OBJECT_UNLOCK (self);

  while (ret == GST_FLOW_OK) {
    GCancellable *cancellable = dup_cancellable (self);
    GstIceReliableResult result;

    if (buffer)
      result = gst_ice_transport_write (self->transport, &self->write,
          map.data, map.size, stall_timeout, cancellable);
    else
      result = gst_ice_transport_finish (self->transport, &self->write,
          stall_timeout, cancellable);
    g_object_unref (cancellable);
    if (result != GST_ICE_RELIABLE_CANCELLED)
      break;
    GST_DEBUG_OBJECT (self, "unlocked while %s", buffer ? "writing" :
        "finishing");
    ret = gst_base_sink_wait_preroll (GST_BASE_SINK (self));
  }
  if (ret != GST_FLOW_OK)
    gst_ice_transport_write_clear (&self->write);
  if (buffer)
    gst_buffer_unmap (buffer, &map);
  return ret;

  /* ERRORS */
map_failed:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE, ("could not read a buffer of "
            "%" G_GSIZE_FORMAT " bytes", gst_buffer_get_size (buffer)), (NULL));
    return GST_FLOW_ERROR;
  }
}

/* Before EOS is posted: until every consumer has the last packets or
 * gave up on them, at most the budget and a second, so that stopping on
 * EOS loses nothing.  An unlock() (flush, state change) ends it. */
static void
drain (GstIceSink * self)
{
  gint64 deadline = g_get_monotonic_time () +
      gst_ice_transport_get_drain_time (self->transport);
  guint unlocks;

  gst_ice_transport_set_draining (self->transport, TRUE);
  g_mutex_lock (&self->lock);
  unlocks = self->unlocks;
  while (self->unlocks == unlocks &&
      !gst_ice_transport_is_drained (self->transport)) {
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline)) {
      GST_INFO_OBJECT (self, "a consumer did not get the last packets in "
          "time; EOS anyway");
      break;
    }
  }
  g_mutex_unlock (&self->lock);
  gst_ice_transport_set_draining (self->transport, FALSE);
}

/* Datagram mode: a buffer must fit the mtu with its record, or the stream
 * stops. */
static GstFlowReturn
check_size (GstIceSink * self, GstBuffer * buffer)
{
  gsize size = gst_buffer_get_size (buffer);
  guint record = gst_ice_transport_get_record_overhead (self->transport);
  guint header = gst_ice_transport_get_header_size (self->transport);
  guint overhead = record + header;
  guint mtu;

  GST_OBJECT_LOCK (self);
  mtu = self->mtu;
  GST_OBJECT_UNLOCK (self);

  if (size + overhead > mtu)
    goto too_large;
  return GST_FLOW_OK;

  /* ERRORS */
too_large:
  {
    if (record > 0 && header > 0)
      GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
          ("buffer of %" G_GSIZE_FORMAT " bytes plus its %u-byte DTLS record "
              "and %u-byte loss recovery header is larger than the %u-byte "
              "datagram limit (mtu)", size, record, header, mtu),
          ("icesink sends each buffer as one encrypted packet: packetise the "
              "stream to at most %u bytes (e.g. rtph264pay mtu=%u, or "
              "mpegtsmux alignment=7) or raise icesink's mtu if the path "
              "carries larger datagrams", mtu - overhead, mtu - overhead));
    else if (overhead > 0)
      GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
          ("buffer of %" G_GSIZE_FORMAT " bytes plus its %u-byte %s is "
              "larger than the %u-byte datagram limit (mtu)", size,
              overhead, record > 0 ? "DTLS record" : "loss recovery header",
              mtu),
          ("icesink sends each buffer as one %spacket: packetise the "
              "stream to at most %u bytes (e.g. rtph264pay mtu=%u, or "
              "mpegtsmux alignment=7) or raise icesink's mtu if the path "
              "carries larger datagrams", record > 0 ? "encrypted " : "",
              mtu - overhead, mtu - overhead));
    else
      GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
          ("buffer of %" G_GSIZE_FORMAT " bytes is larger than the %u-byte "
              "datagram limit (mtu)", size, mtu),
          ("icesink sends each buffer as one packet: packetise the stream "
              "(e.g. rtph264pay mtu=%u, or mpegtsmux alignment=7) or raise "
              "icesink's mtu if the path carries larger datagrams", mtu));
    return GST_FLOW_ERROR;
  }
}

/* Reliable mode: a byte stream may come without caps (filesrc): consumers
 * wait for the description, which then has none, and icesrc outputs the
 * bytes without caps for a typefinder or a demuxer. */
static void
announce_missing_caps (GstIceSink * self)
{
  GstCaps *any;

  if (!self->reliable || self->caps_announced)
    return;
  GST_INFO_OBJECT (self, "a stream without caps: consumers get none");
  self->caps_announced = TRUE;
  any = gst_caps_new_any ();
  gst_ice_transport_set_caps (self->transport, any);
  gst_caps_unref (any);
}

static GstFlowReturn
gst_ice_sink_render (GstBaseSink * sink, GstBuffer * buffer)
{
  GstIceSink *self = GST_ICE_SINK (sink);
  GstFlowReturn ret;

  announce_missing_caps (self);
  ret = wait_for_consumer (self);

  if (ret != GST_FLOW_OK)
    return ret;
  if (self->reliable)
    return write_reliable (self, buffer);
  ret = check_size (self, buffer);
  if (ret != GST_FLOW_OK)
    return ret;
  gst_ice_transport_send (self->transport, buffer);
  return GST_FLOW_OK;
}

/* A whole list (an RTP payloader's frame) in one go: in plaintext, one
 * libnice call per batch of packets and consumer instead of one per
 * packet.  A buffer too large stops the stream before any of the list is
 * sent. */
static GstFlowReturn
gst_ice_sink_render_list (GstBaseSink * sink, GstBufferList * list)
{
  GstIceSink *self = GST_ICE_SINK (sink);
  guint i, n = gst_buffer_list_length (list);
  GstFlowReturn ret;

  announce_missing_caps (self);
  ret = wait_for_consumer (self);

  if (self->reliable) {
    for (i = 0; i < n && ret == GST_FLOW_OK; i++)
      ret = write_reliable (self, gst_buffer_list_get (list, i));
    return ret;
  }
  for (i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = check_size (self, gst_buffer_list_get (list, i));
  if (ret != GST_FLOW_OK)
    return ret;
  gst_ice_transport_send_list (self->transport, list);
  return GST_FLOW_OK;
}

static gboolean
gst_ice_sink_unlock (GstBaseSink * sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  g_mutex_lock (&self->lock);
  self->unlocks++;
  g_cond_broadcast (&self->cond);
  g_cancellable_cancel (self->cancellable);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* A wait for a consumer compares the unlock count with the one it started
 * with; the reliable mode's waits get a new cancellable. */
static gboolean
gst_ice_sink_unlock_stop (GstBaseSink * sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  g_mutex_lock (&self->lock);
  if (g_cancellable_is_cancelled (self->cancellable)) {
    g_object_unref (self->cancellable);
    self->cancellable = g_cancellable_new ();
  }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* EOS, once its time came: in the reliable mode, it is only reached once
 * every consumer has the whole stream; in datagram mode once every
 * consumer has the last packets or gave up on them (drain()). */
static GstFlowReturn
gst_ice_sink_wait_event (GstBaseSink * sink, GstEvent * event)
{
  GstIceSink *self = GST_ICE_SINK (sink);
  GstFlowReturn ret;

  ret = GST_BASE_SINK_CLASS (parent_class)->wait_event (sink, event);
  if (ret != GST_FLOW_OK || GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return ret;
  if (!self->reliable) {
    drain (self);
    return ret;
  }
  GST_INFO_OBJECT (self, "EOS: closing every consumer's stream");
  return write_reliable (self, NULL);
}
