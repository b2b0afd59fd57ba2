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
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The JSON messages of the gst-ice signalling protocol
 * (docs/signalling-protocol.md), read and written the same way by the
 * signalling server and the WebSocket signaller.  Private to libgstice:
 * this header is not installed. */

/* The "code" member of an "error" message: what a client needs to tell
 * errors apart (docs/signalling-protocol.md). */
/* a member is missing, empty, too long or not one of the values allowed */
#define GST_ICE_SIGNALLING_ERROR_BAD_MESSAGE "bad-message"
/* anything but register before registering */
#define GST_ICE_SIGNALLING_ERROR_NOT_REGISTERED "not-registered"
/* a second register on one connection */
#define GST_ICE_SIGNALLING_ERROR_ALREADY_REGISTERED "already-registered"
/* another connection holds the peer id (maybe our own, not yet dropped) */
#define GST_ICE_SIGNALLING_ERROR_PEER_ID_TAKEN "peer-id-taken"
/* startSession for a producer that is not (or no longer) registered; the
 * error's "peerId" names it */
#define GST_ICE_SIGNALLING_ERROR_UNKNOWN_PRODUCER "unknown-producer"
/* startSession from a producer */
#define GST_ICE_SIGNALLING_ERROR_NOT_CONSUMER "not-consumer"
/* startSession from a connection that holds max-sessions-per-connection
 * sessions already */
#define GST_ICE_SIGNALLING_ERROR_TOO_MANY_SESSIONS "too-many-sessions"
/* register without the server's token, or with another one; the server
 * closes the connection after it */
#define GST_ICE_SIGNALLING_ERROR_UNAUTHORIZED "unauthorized"

/* The close code of a client that drops its connection to resume its
 * registration on a new one (a private code, RFC 6455 section 7.4.2):
 * the server keeps the registration, as for a connection that broke. */
#define GST_ICE_SIGNALLING_CLOSE_RESUMING 4001

/* where the server, icesink's embedded one and the WebSocket signaller
 * take the token from when their token property is not set */
#define GST_ICE_SIGNALLING_TOKEN_ENV "GST_ICE_SIGNALLING_TOKEN"

/* an endSession's "reason": a short word of [a-z-]; its "message": text */
#define GST_ICE_SIGNALLING_MAX_REASON_LENGTH 32
#define GST_ICE_SIGNALLING_MAX_REASON_MESSAGE_LENGTH 1024

gboolean gst_ice_signalling_reason_is_valid (const gchar * reason);

/* json-glib's parser recurses once per nesting level */
#define GST_ICE_SIGNALLING_MESSAGE_MAX_DEPTH 32

gboolean gst_ice_signalling_message_check_text (const gchar * text,
    gsize size, GError ** error);
JsonObject *gst_ice_signalling_message_parse (GBytes * bytes,
    GError ** error);
const gchar *gst_ice_signalling_message_get_string (JsonObject * message,
    const gchar * name);
gchar *gst_ice_signalling_message_build (const gchar * type, ...)
    G_GNUC_NULL_TERMINATED;

G_END_DECLS
