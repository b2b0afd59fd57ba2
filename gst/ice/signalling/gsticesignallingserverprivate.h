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

/* Private to gst-ice: not installed.  What the fuzzer needs of the
 * signalling server (tests/fuzz/fuzz_signalling_server.c). */

#pragma once

#include <libsoup/soup.h>
#include <gst/ice/signalling/gsticesignallingserver.h>

G_BEGIN_DECLS

void gst_ice_signalling_server_add_connection (GstIceSignallingServer * self,
    SoupWebsocketConnection * ws, const gchar * remote);

G_END_DECLS
