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

#pragma once

#include <gst/gst.h>
#include <gst/ice/gsticesession.h>
#include <gst/ice/signalling/gsticesignaller.h>

G_BEGIN_DECLS

/**
 * GstIceTransportPolicy:
 * @GST_ICE_TRANSPORT_POLICY_ALL: use every candidate type
 * @GST_ICE_TRANSPORT_POLICY_RELAY: only relayed (TURN) candidates, which
 *   hides the host's addresses from the peer
 */
typedef enum
{
  GST_ICE_TRANSPORT_POLICY_ALL,
  GST_ICE_TRANSPORT_POLICY_RELAY,
} GstIceTransportPolicy;

#define GST_TYPE_ICE_TRANSPORT_POLICY (gst_ice_transport_policy_get_type ())
GType gst_ice_transport_policy_get_type (void);

/* Property ids the transport installs on icesink and icesrc; an element's
 * own properties start at GST_ICE_TRANSPORT_PROP_LAST. */
enum
{
  GST_ICE_TRANSPORT_PROP_0,
  GST_ICE_TRANSPORT_PROP_SIGNALLER,
  GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE,
  GST_ICE_TRANSPORT_PROP_PEER_ID,
  GST_ICE_TRANSPORT_PROP_STUN_SERVER,
  GST_ICE_TRANSPORT_PROP_TURN_SERVERS,
  GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY,
  GST_ICE_TRANSPORT_PROP_ICE_UDP,
  GST_ICE_TRANSPORT_PROP_ICE_TCP,
  GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES,
  GST_ICE_TRANSPORT_PROP_STATS,
  /* producer only */
  GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT,
  /* consumer only */
  GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID,
  GST_ICE_TRANSPORT_PROP_LAST
};

/**
 * GstIceTransportCallbacks:
 * @peer_connected: a session has a working pair (producer: start sending
 *   to it)
 * @peer_disconnected: a connected session ended, failed or was closed
 * @producer_left: consumer only: the producer ended the session or went
 *   away; the transport waits for it (or another) to come back
 * @caps_received: consumer only: the producer announced its caps
 * @received: consumer only: a packet arrived
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
} GstIceTransportCallbacks;

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
guint gst_ice_transport_get_n_connected (GstIceTransport * self);

G_END_DECLS
