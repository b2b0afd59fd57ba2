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

/**
 * GstIceError:
 * @GST_ICE_ERROR_INVALID_URI: a STUN/TURN/signalling URI could not be parsed
 * @GST_ICE_ERROR_INVALID_DESCRIPTION: a session description is malformed
 * @GST_ICE_ERROR_SIGNALLING: the signalling channel failed (unreachable
 *   server, refused registration, protocol error)
 * @GST_ICE_ERROR_SETTINGS: a setting is invalid (unknown signaller, bad
 *   directory)
 * @GST_ICE_ERROR_CONNECTIVITY: ICE found no working candidate pair
 * @GST_ICE_ERROR_CERTIFICATE: a DTLS certificate or key could not be made
 *   or loaded (missing file, not PEM, key does not match)
 * @GST_ICE_ERROR_DTLS: DTLS could not be set up, or a record could not be
 *   sent (not connected, too large)
 * @GST_ICE_ERROR_TURN: a TURN server refused the credentials, failed its
 *   TLS handshake or did not answer
 * @GST_ICE_ERROR_TRANSFER_MODE: the peers do not agree on a transfer mode
 *   (the producer's is one this side does not know, or the consumer does
 *   not follow it)
 *
 * Errors of the gst-ice library, in the %GST_ICE_ERROR domain.
 */
typedef enum
{
  GST_ICE_ERROR_INVALID_URI,
  GST_ICE_ERROR_INVALID_DESCRIPTION,
  GST_ICE_ERROR_SIGNALLING,
  GST_ICE_ERROR_SETTINGS,
  GST_ICE_ERROR_CONNECTIVITY,
  GST_ICE_ERROR_CERTIFICATE,
  GST_ICE_ERROR_DTLS,
  GST_ICE_ERROR_TURN,
  GST_ICE_ERROR_TRANSFER_MODE,
} GstIceError;

#define GST_ICE_ERROR (gst_ice_error_quark ())
GQuark gst_ice_error_quark (void);

G_END_DECLS
