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

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/ice/dtls/gsticecertificate.h>

G_BEGIN_DECLS

/**
 * GST_ICE_DTLS_MAX_RECORD_SIZE:
 *
 * The largest application buffer gst_ice_dtls_connection_send() seals into
 * one record (2^14 bytes, RFC 6347 / RFC 5246).
 */
#define GST_ICE_DTLS_MAX_RECORD_SIZE 16384

/**
 * GST_ICE_DTLS_LINK_MTU:
 *
 * The largest datagram the handshake sends: flights are fragmented to fit,
 * so they pass TURN relays and tunnels without IP fragmentation.
 */
#define GST_ICE_DTLS_LINK_MTU 1200

/**
 * GstIceDtlsState:
 * @GST_ICE_DTLS_STATE_NEW: created, gst_ice_dtls_connection_start() not
 *   called yet
 * @GST_ICE_DTLS_STATE_HANDSHAKING: the handshake is under way
 * @GST_ICE_DTLS_STATE_CONNECTED: the peer is authenticated; records flow
 * @GST_ICE_DTLS_STATE_FAILED: the handshake or the association failed;
 *   final
 * @GST_ICE_DTLS_STATE_CLOSED: closed by either end (close_notify); final
 */
typedef enum
{
  GST_ICE_DTLS_STATE_NEW,
  GST_ICE_DTLS_STATE_HANDSHAKING,
  GST_ICE_DTLS_STATE_CONNECTED,
  GST_ICE_DTLS_STATE_FAILED,
  GST_ICE_DTLS_STATE_CLOSED,
} GstIceDtlsState;

const gchar *gst_ice_dtls_state_to_string (GstIceDtlsState state);

gboolean gst_ice_dtls_is_dtls_record (const guint8 * data, gsize size);

#define GST_TYPE_ICE_DTLS_CONTEXT (gst_ice_dtls_context_get_type ())
G_DECLARE_FINAL_TYPE (GstIceDtlsContext, gst_ice_dtls_context, GST,
    ICE_DTLS_CONTEXT, GstObject);

GstIceDtlsContext *gst_ice_dtls_context_new (GstIceCertificate * certificate,
    const gchar * ciphers, GError ** error);
GstIceCertificate *gst_ice_dtls_context_get_certificate (GstIceDtlsContext *
    context);
guint gst_ice_dtls_context_get_record_overhead (GstIceDtlsContext * context);

/**
 * GstIceDtlsTransmitFunc:
 * @data: one datagram to send as it is; only valid during the call
 * @size: its size, at most %GST_ICE_DTLS_LINK_MTU during the handshake
 * @user_data: what was given to gst_ice_dtls_connection_new()
 *
 * Sends one datagram to the peer: a handshake datagram, an alert, or one
 * application record.  Called with no lock of the connection held, from
 * the thread whose call into the connection produced the datagram (see
 * #GstIceDtlsConnection).
 */
typedef void (*GstIceDtlsTransmitFunc) (const guint8 * data, gsize size,
    gpointer user_data);

/**
 * GstIceDtlsTransmitRecordsFunc:
 * @records: (array length=n_records): datagrams to send as they are, each
 *   one application record, in order; only valid during the call
 * @n_records: how many
 * @user_data: what was given to gst_ice_dtls_connection_new()
 *
 * Sends the records gst_ice_dtls_connection_send_list() sealed, all in
 * one go, with no lock of the connection held, from the thread that
 * called it.
 *
 * Returns: how many of the first records were sent; the rest are dropped
 */
typedef guint (*GstIceDtlsTransmitRecordsFunc) (const GOutputVector * records,
    guint n_records, gpointer user_data);

/**
 * GstIceDtlsReceiveFunc:
 * @data: the plaintext of one application record; only valid during the
 *   call
 * @size: its size, 1 to %GST_ICE_DTLS_MAX_RECORD_SIZE bytes
 * @user_data: what was given to gst_ice_dtls_connection_new()
 *
 * Delivers one application record, in the thread that called
 * gst_ice_dtls_connection_receive(), only once the peer is authenticated.
 */
typedef void (*GstIceDtlsReceiveFunc) (const guint8 * data, gsize size,
    gpointer user_data);

/**
 * GstIceDtlsStateFunc:
 * @state: the new state
 * @message: (nullable): why, for %GST_ICE_DTLS_STATE_FAILED (always set)
 *   and for %GST_ICE_DTLS_STATE_CLOSED by the peer
 * @user_data: what was given to gst_ice_dtls_connection_new()
 *
 * Reports each change of state, in order.
 */
typedef void (*GstIceDtlsStateFunc) (GstIceDtlsState state,
    const gchar * message, gpointer user_data);

#define GST_TYPE_ICE_DTLS_CONNECTION (gst_ice_dtls_connection_get_type ())
G_DECLARE_FINAL_TYPE (GstIceDtlsConnection, gst_ice_dtls_connection, GST,
    ICE_DTLS_CONNECTION, GstObject);

GstIceDtlsConnection *gst_ice_dtls_connection_new (GstIceDtlsContext *
    context, gboolean is_client, const gchar * expected_fingerprint,
    GMainContext * main_context, GstIceDtlsTransmitFunc transmit_func,
    GstIceDtlsReceiveFunc receive_func, GstIceDtlsStateFunc state_func,
    gpointer user_data, GError ** error);

gboolean gst_ice_dtls_connection_start (GstIceDtlsConnection * connection);
void gst_ice_dtls_connection_receive (GstIceDtlsConnection * connection,
    const guint8 * data, gsize size);
gboolean gst_ice_dtls_connection_send (GstIceDtlsConnection * connection,
    const guint8 * data, gsize size, GError ** error);
guint gst_ice_dtls_connection_send_list (GstIceDtlsConnection * connection,
    const GOutputVector * payloads, guint n_payloads,
    GstIceDtlsTransmitRecordsFunc transmit_records, GError ** error);
void gst_ice_dtls_connection_close (GstIceDtlsConnection * connection);

GstIceDtlsState gst_ice_dtls_connection_get_state (GstIceDtlsConnection *
    connection);
const gchar *gst_ice_dtls_connection_get_cipher (GstIceDtlsConnection *
    connection);
gchar *gst_ice_dtls_connection_get_peer_fingerprint (GstIceDtlsConnection *
    connection);
guint gst_ice_dtls_connection_get_record_overhead (GstIceDtlsConnection *
    connection);

G_END_DECLS
