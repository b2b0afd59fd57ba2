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

#include <glib-object.h>

G_BEGIN_DECLS

#define GST_TYPE_ICE_SIGNALLING_SERVER (gst_ice_signalling_server_get_type ())
G_DECLARE_FINAL_TYPE (GstIceSignallingServer, gst_ice_signalling_server,
    GST, ICE_SIGNALLING_SERVER, GObject);

GstIceSignallingServer *gst_ice_signalling_server_new (const gchar * host,
    guint port);
gboolean gst_ice_signalling_server_start (GstIceSignallingServer * self,
    GError ** error);
void gst_ice_signalling_server_stop (GstIceSignallingServer * self);
void gst_ice_signalling_server_remove_peer (GstIceSignallingServer * self,
    const gchar * peer_id);
guint gst_ice_signalling_server_get_port (GstIceSignallingServer * self);

G_END_DECLS
