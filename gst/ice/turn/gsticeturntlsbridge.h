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


/* Private to libgstice: not installed. */

#pragma once

#include <gst/gst.h>
#include <gio/gio.h>
#include <openssl/types.h>

#include <gst/ice/gsticeserveruri.h>

G_BEGIN_DECLS

#define GST_TYPE_ICE_TURN_TLS_BRIDGE (gst_ice_turn_tls_bridge_get_type ())
G_DECLARE_FINAL_TYPE (GstIceTurnTlsBridge, gst_ice_turn_tls_bridge, GST,
    ICE_TURN_TLS_BRIDGE, GstObject);

GstIceTurnTlsBridge *gst_ice_turn_tls_bridge_new (GMainContext * context,
    SSL_CTX * tls, GPtrArray * turn_servers, GError ** error);
gboolean gst_ice_turn_tls_bridge_get_listen_address (GstIceTurnTlsBridge *
    bridge, guint index, gchar ** host, guint16 * port);
SSL_CTX *gst_ice_turn_tls_bridge_get_tls (GstIceTurnTlsBridge * bridge);
guint gst_ice_turn_tls_bridge_get_n_connections (GstIceTurnTlsBridge *
    bridge);

G_END_DECLS
