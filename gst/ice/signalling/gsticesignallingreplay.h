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

#include <glib.h>

G_BEGIN_DECLS

/* The messages one side of a signalling connection sent since it
 * registered, numbered from 1, so that after a reconnection it can send
 * again what the other side says it did not receive
 * (docs/signalling-protocol.md, "Resuming").  Bounded in bytes: the oldest
 * go first.  Private to libgstice: this header is not installed. */
typedef struct _GstIceSignallingReplay GstIceSignallingReplay;

GstIceSignallingReplay *gst_ice_signalling_replay_new (gsize max_bytes);
void gst_ice_signalling_replay_free (GstIceSignallingReplay * replay);

guint64 gst_ice_signalling_replay_push (GstIceSignallingReplay * replay,
    const gchar * text);
guint64 gst_ice_signalling_replay_get_last (GstIceSignallingReplay * replay);
GPtrArray *gst_ice_signalling_replay_since (GstIceSignallingReplay * replay,
    guint64 received, gboolean * complete);
void gst_ice_signalling_replay_reset (GstIceSignallingReplay * replay);

gboolean gst_ice_signalling_parse_count (const gchar * text, guint64 * count);

G_END_DECLS
