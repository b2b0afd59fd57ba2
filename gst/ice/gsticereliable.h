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

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstIceTransferMode:
 * @GST_ICE_TRANSFER_MODE_DATAGRAM: each buffer is one datagram; what is
 *   lost on the way is lost
 * @GST_ICE_TRANSFER_MODE_RELIABLE: the buffers' bytes are one byte stream
 *   per consumer that arrives whole and in order (#GstIceReliable)
 *
 * How icesink carries its buffers.  A producer's description names the
 * mode in `a=x-gst-transfer-mode` (absent: datagram).
 */
typedef enum
{
  GST_ICE_TRANSFER_MODE_DATAGRAM,
  GST_ICE_TRANSFER_MODE_RELIABLE,
} GstIceTransferMode;

#define GST_TYPE_ICE_TRANSFER_MODE (gst_ice_transfer_mode_get_type ())
GType gst_ice_transfer_mode_get_type (void);

const gchar *gst_ice_transfer_mode_to_string (GstIceTransferMode mode);
gboolean gst_ice_transfer_mode_from_string (const gchar * text,
    GstIceTransferMode * mode);

/**
 * GstIceReliableResult:
 * @GST_ICE_RELIABLE_OK: done
 * @GST_ICE_RELIABLE_CANCELLED: the cancellable was cancelled (a flush or
 *   a state change)
 * @GST_ICE_RELIABLE_CLOSED: the stream is gone: its session ended, or the
 *   peer reset it
 * @GST_ICE_RELIABLE_STALLED: the peer took no byte for the stall timeout
 *
 * How a blocking write or finish of a #GstIceReliable ended.
 */
typedef enum
{
  GST_ICE_RELIABLE_OK,
  GST_ICE_RELIABLE_CANCELLED,
  GST_ICE_RELIABLE_CLOSED,
  GST_ICE_RELIABLE_STALLED,
} GstIceReliableResult;

/**
 * GstIceReliableTransmitFunc:
 * @data: one segment, to send as one datagram of the session; only valid
 *   during the call
 * @size: its size, at most %GST_ICE_RELIABLE_MAX_SEGMENT bytes
 * @user_data: what was given to gst_ice_reliable_new()
 *
 * Sends one segment.  Called with the stream's lock held, from whichever
 * thread drove the stream: it must not call back into the stream.  A
 * segment that cannot be sent now is simply lost: the stream sends it
 * again.
 */
typedef void (*GstIceReliableTransmitFunc) (const guint8 * data, gsize size,
    gpointer user_data);

/**
 * GST_ICE_RELIABLE_MAX_SEGMENT:
 *
 * The largest segment a stream sends: a 24-byte pseudo-TCP header and up
 * to 1284 bytes of data, so that with a DTLS record (37 bytes), UDP, IP
 * and a TURN ChannelData header it fits a 1500-byte link.
 */
#define GST_ICE_RELIABLE_MAX_SEGMENT 1308

#define GST_TYPE_ICE_RELIABLE (gst_ice_reliable_get_type ())
G_DECLARE_FINAL_TYPE (GstIceReliable, gst_ice_reliable, GST, ICE_RELIABLE,
    GstObject);

GstIceReliable *gst_ice_reliable_new (const gchar * session_id,
    gboolean initiator, GMainContext * context,
    GstIceReliableTransmitFunc transmit_func, gpointer user_data);

void gst_ice_reliable_start (GstIceReliable * self);
void gst_ice_reliable_receive (GstIceReliable * self, const guint8 * data,
    gsize size);
GstIceReliableResult gst_ice_reliable_write (GstIceReliable * self,
    const guint8 * data, gsize size, gsize * written, guint stall_timeout_s,
    GCancellable * cancellable);
GstIceReliableResult gst_ice_reliable_finish (GstIceReliable * self,
    guint stall_timeout_s, GCancellable * cancellable);
gssize gst_ice_reliable_read (GstIceReliable * self, guint8 * buffer,
    gsize size, GCancellable * cancellable, GError ** error);
gboolean gst_ice_reliable_has_ended (GstIceReliable * self);
void gst_ice_reliable_close (GstIceReliable * self);
void gst_ice_reliable_add_stats (GstIceReliable * self, GstStructure * stats);

G_END_DECLS
