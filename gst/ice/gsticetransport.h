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

/* Private to gst-ice: what icesink and icesrc call; not installed. */

#pragma once

#include <gst/gst.h>
#include <gst/ice/gsticesession.h>
#include <gst/ice/gsticetransportsettings.h>
#include <gst/ice/signalling/gsticesignaller.h>

G_BEGIN_DECLS

/**
 * GstIceTransportCallbacks:
 * @peer_connected: a session has a working pair (producer: start sending
 *   to it)
 * @peer_disconnected: a connected session ended, failed or was closed
 * @producer_left: consumer only: the producer ended the session or went
 *   away; the transport waits for it (or another) to come back
 * @caps_received: consumer only: the producer announced its caps
 * @received: consumer only: a packet arrived
 * @peer_resumed: a session that lost its path works again after an ICE
 *   restart (packets were lost meanwhile)
 * @acked: producer, while draining: a consumer acknowledged more packets
 *   (gst_ice_transport_is_drained() may have become %TRUE)
 * @packets_lost: consumer: loss recovery gave up on @packets packets; the
 *   next one received does not follow the last
 *
 * How the transport tells its element what happened; all but @received
 * are called from the transport's thread, @received too.
 */
typedef struct
{
  void (*peer_connected) (GstElement * element, GstIceSession * session);
  void (*peer_disconnected) (GstElement * element, GstIceSession * session);
  void (*producer_left) (GstElement * element, const gchar * producer_id);
  void (*caps_received) (GstElement * element, GstCaps * caps);
  GstIceSessionReceiveFunc received;
  void (*peer_resumed) (GstElement * element, GstIceSession * session);
  void (*acked) (GstElement * element);
  void (*packets_lost) (GstElement * element, GstIceSession * session,
      guint64 packets);
} GstIceTransportCallbacks;

/**
 * GstIceTransportWrite:
 * @sessions: (element-type GstIceSession): the consumers a buffer goes
 *   to, fixed when its write began; %NULL before
 * @index: the one being written to
 * @offset: how much of the buffer it took
 *
 * Where the reliable write of one buffer to every consumer stands, so that
 * a write interrupted by the element's unlock() goes on where it was.
 * Zero-initialised; gst_ice_transport_write_clear() once it is done with.
 */
typedef struct
{
  GPtrArray *sessions;
  guint index;
  gsize offset;
} GstIceTransportWrite;

#define GST_TYPE_ICE_TRANSPORT (gst_ice_transport_get_type ())
G_DECLARE_FINAL_TYPE (GstIceTransport, gst_ice_transport, GST, ICE_TRANSPORT,
    GstObject);

void gst_ice_transport_install_properties (GObjectClass * klass,
    GstIceSignallerRole role);

GstIceTransport *gst_ice_transport_new (GstElement * element,
    GstIceSignallerRole role, const GstIceTransportCallbacks * callbacks);

gboolean gst_ice_transport_set_property (GstIceTransport * self,
    guint prop_id, const GValue * value, GParamSpec * pspec);
gboolean gst_ice_transport_get_property (GstIceTransport * self,
    guint prop_id, GValue * value, GParamSpec * pspec);

GstIceSignaller *gst_ice_transport_get_signaller (GstIceTransport * self);
void gst_ice_transport_child_proxy_init (gpointer g_iface,
    gpointer iface_data);

gboolean gst_ice_transport_prepare (GstIceTransport * self);
gboolean gst_ice_transport_start (GstIceTransport * self);
void gst_ice_transport_stop (GstIceTransport * self);

void gst_ice_transport_set_caps (GstIceTransport * self, GstCaps * caps);
guint gst_ice_transport_send (GstIceTransport * self, GstBuffer * buffer);
guint gst_ice_transport_send_list (GstIceTransport * self,
    GstBufferList * list);
guint gst_ice_transport_get_n_connected (GstIceTransport * self);
guint gst_ice_transport_get_record_overhead (GstIceTransport * self);
void gst_ice_transport_request_restart (GstIceTransport * self);

guint gst_ice_transport_get_header_size (GstIceTransport * self);
void gst_ice_transport_set_draining (GstIceTransport * self,
    gboolean draining);
gboolean gst_ice_transport_is_drained (GstIceTransport * self);
gint64 gst_ice_transport_get_drain_time (GstIceTransport * self);
void gst_ice_transport_set_transfer_mode (GstIceTransport * self,
    GstIceTransferMode mode);
GstIceReliableResult gst_ice_transport_write (GstIceTransport * self,
    GstIceTransportWrite * write, const guint8 * data, gsize size,
    guint stall_timeout_s, GCancellable * cancellable);
GstIceReliableResult gst_ice_transport_finish (GstIceTransport * self,
    GstIceTransportWrite * write, guint stall_timeout_s,
    GCancellable * cancellable);
void gst_ice_transport_write_clear (GstIceTransportWrite * write);

G_END_DECLS
