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

/* Private to gst-ice: not installed. */

#pragma once

#include <gst/ice/signalling/gsticesignaller.h>

G_BEGIN_DECLS

#define GST_TYPE_ICE_MQTT_SIGNALLER (gst_ice_mqtt_signaller_get_type ())
G_DECLARE_FINAL_TYPE (GstIceMqttSignaller, gst_ice_mqtt_signaller,
    GST, ICE_MQTT_SIGNALLER, GObject);

GstIceSignaller *gst_ice_mqtt_signaller_new (const gchar * uri);

G_END_DECLS
