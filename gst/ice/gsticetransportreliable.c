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

/*
 * The producer's fan-out in the reliable transfer mode: each buffer is
 * written into every connected consumer's stream (#GstIceReliable), one
 * consumer after the other, waiting while a consumer's send buffer is
 * full: the slowest consumer sets the pace.  A consumer that takes no
 * byte for the stall timeout is dropped with a warning, so that the
 * others go on; one whose session ended is skipped.  At EOS every stream
 * is drained and closed.
 *
 * Runs in the sink's streaming thread; a consumer is dropped from the
 * transport thread.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticetransportprivate.h>

#define GST_CAT_DEFAULT gst_ice_transport_debug

/**
 * gst_ice_transport_set_transfer_mode:
 *
 * Producer, before start: how its sessions carry the buffers; the mode
 * travels to each consumer in the session description.
 */
void
gst_ice_transport_set_transfer_mode (GstIceTransport * self,
    GstIceTransferMode mode)
{
  self->transfer_mode = mode;
}

typedef struct
{
  GstIceTransport *transport;
  gchar *session_id;
} DropConsumer;

static void
drop_consumer_free (gpointer data)
{
  DropConsumer *drop = data;

  gst_object_unref (drop->transport);
  g_free (drop->session_id);
  g_free (drop);
}

static gboolean
drop_consumer_now (gpointer data)
{
  DropConsumer *drop = data;

  if (!gst_ice_transport_is_shutting_down (drop->transport) &&
      gst_ice_transport_lookup_session (drop->transport, drop->session_id))
    gst_ice_transport_end_session (drop->transport, drop->session_id);
  return G_SOURCE_REMOVE;
}

/* A consumer that took nothing for @stall_timeout_s: the user is told, and
 * its session ends from the transport thread. */
static void
drop_stalled_consumer (GstIceTransport * self, GstIceSession * session,
    guint stall_timeout_s, const gchar * doing)
{
  DropConsumer *drop = g_new0 (DropConsumer, 1);

  GST_ELEMENT_WARNING (self->element, RESOURCE, WRITE,
      ("consumer '%s' took no data for %u s; dropped it so that the others "
          "go on (stall-timeout)", gst_ice_session_get_peer_id (session),
          stall_timeout_s), ("session %s, while %s",
          gst_ice_session_get_id (session), doing));
  drop->transport = gst_object_ref (self);
  drop->session_id = g_strdup (gst_ice_session_get_id (session));
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
      drop_consumer_now, drop, drop_consumer_free);
}

/* the consumers now, with their streams */
static GPtrArray *
dup_reliable_sessions (GstIceTransport * self)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func (gst_object_unref);
  guint i;

  g_mutex_lock (&self->sessions_lock);
  for (i = 0; i < self->connected->len; i++) {
    GstIceSession *session = g_ptr_array_index (self->connected, i);

    if (gst_ice_session_get_reliable (session))
      g_ptr_array_add (sessions, gst_object_ref (session));
  }
  g_mutex_unlock (&self->sessions_lock);
  return sessions;
}

/**
 * gst_ice_transport_write:
 * @write: where this buffer's write stands: zero-initialised for a new
 *   buffer, as the last call left it after %GST_ICE_RELIABLE_CANCELLED
 * @stall_timeout_s: drop a consumer that took no byte for this long
 *   (seconds; 0: never)
 * @cancellable: (nullable): cancelled by the element's unlock()
 *
 * Reliable transfer mode, from the streaming thread: writes @data into
 * the stream of every consumer connected when the write began.
 *
 * Returns: %GST_ICE_RELIABLE_OK once every consumer took @data (or was
 *   dropped, or left); %GST_ICE_RELIABLE_CANCELLED when interrupted: call
 *   again with the same @write to go on
 */
GstIceReliableResult
gst_ice_transport_write (GstIceTransport * self, GstIceTransportWrite * write,
    const guint8 * data, gsize size, guint stall_timeout_s,
    GCancellable * cancellable)
{
  if (write->sessions == NULL)
    write->sessions = dup_reliable_sessions (self);

  for (; write->index < write->sessions->len; write->index++) {
    GstIceSession *session = g_ptr_array_index (write->sessions,
        write->index);
    GstIceReliableResult result;
    gsize written;

    result = gst_ice_reliable_write (gst_ice_session_get_reliable (session),
        data + write->offset, size - write->offset, &written,
        stall_timeout_s, cancellable);
    write->offset += written;
    if (result == GST_ICE_RELIABLE_CANCELLED)
      return result;
    if (result == GST_ICE_RELIABLE_STALLED)
      drop_stalled_consumer (self, session, stall_timeout_s, "writing");
    else if (result == GST_ICE_RELIABLE_CLOSED)
      GST_INFO_OBJECT (self, "consumer '%s' left in the middle of the stream",
          gst_ice_session_get_peer_id (session));
    write->offset = 0;
  }
  gst_ice_transport_write_clear (write);
  return GST_ICE_RELIABLE_OK;
}

/**
 * gst_ice_transport_finish:
 * @write: zero-initialised, or as the last call left it after
 *   %GST_ICE_RELIABLE_CANCELLED
 * @stall_timeout_s: drop a consumer that took no byte for this long
 *   (seconds; 0: never)
 * @cancellable: (nullable): cancelled by the element's unlock()
 *
 * Reliable transfer mode, at EOS: waits until every connected consumer
 * acknowledged the whole stream, and closes each stream, which its
 * consumer reads as the end.
 *
 * Returns: %GST_ICE_RELIABLE_OK once every consumer has the end (or was
 *   dropped, or left); %GST_ICE_RELIABLE_CANCELLED when interrupted: call
 *   again with the same @write to go on
 */
GstIceReliableResult
gst_ice_transport_finish (GstIceTransport * self, GstIceTransportWrite * write,
    guint stall_timeout_s, GCancellable * cancellable)
{
  if (write->sessions == NULL)
    write->sessions = dup_reliable_sessions (self);

  for (; write->index < write->sessions->len; write->index++) {
    GstIceSession *session = g_ptr_array_index (write->sessions,
        write->index);
    GstIceReliableResult result;

    result = gst_ice_reliable_finish (gst_ice_session_get_reliable (session),
        stall_timeout_s, cancellable);
    if (result == GST_ICE_RELIABLE_CANCELLED)
      return result;
    if (result == GST_ICE_RELIABLE_STALLED)
      drop_stalled_consumer (self, session, stall_timeout_s,
          "waiting for it to take the end of the stream");
    else if (result == GST_ICE_RELIABLE_CLOSED)
      GST_INFO_OBJECT (self, "consumer '%s' left before the end of the "
          "stream", gst_ice_session_get_peer_id (session));
    else
      GST_INFO_OBJECT (self, "consumer '%s' has the whole stream",
          gst_ice_session_get_peer_id (session));
  }
  gst_ice_transport_write_clear (write);
  return GST_ICE_RELIABLE_OK;
}

/**
 * gst_ice_transport_write_clear:
 *
 * Forgets where a write stood: the next write starts a new buffer.
 */
void
gst_ice_transport_write_clear (GstIceTransportWrite * write)
{
  g_clear_pointer (&write->sessions, g_ptr_array_unref);
  write->index = 0;
  write->offset = 0;
}
