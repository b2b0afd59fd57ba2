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
 * The producer side of a GstIceTransport (icesink): it answers each
 * consumer's session request with a session of its own once the stream's
 * caps are known, sends every buffer to each connected session (the
 * fan-out), and can run the signalling server it registers with.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticetransportprivate.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>

#define GST_CAT_DEFAULT gst_ice_transport_debug

/* A producer whose session failed keeps it open this long before ending
 * it: the consumer then reaches its own verdict and tells its user that
 * no pair worked, instead of only seeing the producer leave. */
#define PRODUCER_FAIL_GRACE_S 5

static void
start_session (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id, GstCaps * caps)
{
  GstIceSession *session;

  GST_INFO_OBJECT (self, "consumer '%s' joins with session %s", peer_id,
      session_id);
  session = gst_ice_transport_create_session (self, session_id, peer_id);
  gst_ice_transport_offer_session (self, session, caps);
}

/* Sessions open or promised (waiting for caps): each costs an agent. */
static guint
count_consumers (GstIceTransport * self)
{
  guint n;

  g_mutex_lock (&self->sessions_lock);
  n = g_hash_table_size (self->sessions);
  g_mutex_unlock (&self->sessions_lock);
  return n + self->producer.requests_waiting_for_caps->len / 2;
}

static void
on_session_requested (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, GstIceTransport * self)
{
  GPtrArray *waiting = self->producer.requests_waiting_for_caps;
  guint max = self->config.max_consumers;
  GstCaps *caps;

  if (session_id == NULL || peer_id == NULL ||
      gst_ice_transport_lookup_session (self, session_id))
    return;
  /* before any agent is made: a flood of requests costs nothing more */
  if (max > 0 && count_consumers (self) >= max)
    goto full;

  caps = gst_ice_transport_get_caps (self);
  if (caps == NULL) {
    /* the description carries the caps: answer once they are known */
    GST_DEBUG_OBJECT (self, "session %s waits for caps", session_id);
    g_ptr_array_add (waiting, g_strdup (session_id));
    g_ptr_array_add (waiting, g_strdup (peer_id));
    return;
  }
  start_session (self, session_id, peer_id, caps);
  gst_caps_unref (caps);
  return;

  /* ERRORS */
full:
  {
    gchar *message;

    GST_OBJECT_LOCK (self);
    message = g_strdup_printf ("producer '%s' serves %u consumers, its "
        "max-consumers", self->active_peer_id, max);
    GST_OBJECT_UNLOCK (self);

    /* logged, not posted: a flood of requests must not flood the bus */
    GST_INFO_OBJECT (self, "turning consumer '%s' away: %s", peer_id, message);
    gst_ice_signaller_end_session_with_reason (signaller, session_id,
        GST_ICE_SIGNALLER_REASON_FULL, message);
    g_free (message);
    return;
  }
}

static gboolean
answer_waiting_requests (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GPtrArray *waiting = self->producer.requests_waiting_for_caps;
  GstCaps *caps;
  guint i;

  if (self->active_signaller == NULL)
    return G_SOURCE_REMOVE;
  caps = gst_ice_transport_get_caps (self);
  if (caps == NULL)
    return G_SOURCE_REMOVE;

  self->producer.requests_waiting_for_caps =
      g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i + 1 < waiting->len; i += 2)
    start_session (self, g_ptr_array_index (waiting, i),
        g_ptr_array_index (waiting, i + 1), caps);
  g_ptr_array_unref (waiting);
  gst_caps_unref (caps);
  return G_SOURCE_REMOVE;
}

/* The stream's caps changed: each consumer already answered gets our
 * description again, with the new caps (a consumer takes a repeated
 * description as new caps: raw video over RTP carries its size only
 * there), then the requests that waited for caps are answered. */
static gboolean
announce_caps (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GPtrArray *sessions = NULL;
  GstCaps *caps;
  guint i;

  caps = gst_ice_transport_get_caps (self);
  if (self->active_signaller == NULL || caps == NULL)
    goto done;

  sessions = gst_ice_transport_dup_sessions (self);
  for (i = 0; i < sessions->len; i++) {
    GstIceSession *s = g_ptr_array_index (sessions, i);
    gchar *description = gst_ice_session_get_local_description (s, caps);

    GST_INFO_OBJECT (self, "new caps to consumer '%s'",
        gst_ice_session_get_peer_id (s));
    gst_ice_signaller_send_description (self->active_signaller,
        gst_ice_session_get_id (s), description);
    g_free (description);
  }
  answer_waiting_requests (self);

done:
  gst_clear_caps (&caps);
  g_clear_pointer (&sessions, g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_transport_set_caps:
 *
 * Producer: the caps of the stream, sent to every consumer in its
 * description: to the ones connected already when they change, and to
 * those that asked before caps were known.
 */
void
gst_ice_transport_set_caps (GstIceTransport * self, GstCaps * caps)
{
  gboolean changed;

  GST_OBJECT_LOCK (self);
  changed = self->caps != NULL && !gst_caps_is_equal (self->caps, caps);
  gst_caps_replace (&self->caps, caps);
  GST_OBJECT_UNLOCK (self);

  if (self->context)
    g_main_context_invoke (self->context, changed ? announce_caps :
        answer_waiting_requests, self);
}

/**
 * gst_ice_transport_get_caps:
 *
 * Returns: (transfer full) (nullable): the stream's caps, once known
 */
GstCaps *
gst_ice_transport_get_caps (GstIceTransport * self)
{
  GstCaps *caps = NULL;

  GST_OBJECT_LOCK (self);
  if (self->caps)
    caps = gst_caps_ref (self->caps);
  GST_OBJECT_UNLOCK (self);
  return caps;
}

/**
 * gst_ice_transport_send:
 * @buffer: one datagram
 *
 * Sends @buffer to every connected consumer, from the streaming thread.
 * In plaintext each session hands the buffer's memories to the kernel as
 * they are; encrypting, the buffer is mapped once (its memories joined if
 * it has several) and each session seals those same bytes: the one copy
 * per consumer is the ciphertext itself.  A session with loss recovery
 * numbers and keeps the buffer first (gsticetransportarq.c).
 *
 * Returns: how many consumers it was sent to.
 */
guint
gst_ice_transport_send (GstIceTransport * self, GstBuffer * buffer)
{
  GPtrArray *connected;
  GstMapInfo map;
  gboolean sealed = self->config.session.dtls != NULL;
  guint i, sent = 0;

  g_mutex_lock (&self->sessions_lock);
  connected = g_ptr_array_ref (self->connected);
  g_mutex_unlock (&self->sessions_lock);

  if (connected->len == 0 || (sealed &&
          !gst_buffer_map (buffer, &map, GST_MAP_READ))) {
    g_ptr_array_unref (connected);
    return 0;
  }
  self->arq_generation++;
  for (i = 0; i < connected->len; i++) {
    GstIceSession *session = g_ptr_array_index (connected, i);
    gboolean ok;

    if (gst_ice_session_get_arq (session))
      ok = gst_ice_transport_arq_send (self, session, buffer,
          sealed ? &map : NULL);
    else if (sealed)
      ok = gst_ice_session_send_data (session, map.data, map.size);
    else
      ok = gst_ice_session_send (session, buffer);
    if (ok)
      sent++;
  }
  if (sealed)
    gst_buffer_unmap (buffer, &map);
  g_ptr_array_unref (connected);
  return sent;
}

/* One batch of a buffer list (at most GST_ICE_SESSION_SEND_BATCH buffers
 * from @first) to every connected session, in one libnice call each:
 * encrypting, each buffer is mapped once for all sessions; a session with
 * loss recovery numbers its own copies.  Returns how many sessions it
 * reached. */
static guint
send_batch (GstIceTransport * self, GPtrArray * connected,
    GstBufferList * list, guint first, guint n, gboolean sealed)
{
  GstBuffer *buffers[GST_ICE_SESSION_SEND_BATCH];
  GstMapInfo maps[GST_ICE_SESSION_SEND_BATCH];
  GOutputVector payloads[GST_ICE_SESSION_SEND_BATCH];
  guint i, mapped = 0, to = 0;

  for (i = 0; i < n; i++) {
    GstBuffer *buffer = gst_buffer_list_get (list, first + i);

    if (sealed) {
      if (!gst_buffer_map (buffer, &maps[mapped], GST_MAP_READ))
        continue;
      payloads[mapped].buffer = maps[mapped].data;
      payloads[mapped].size = maps[mapped].size;
    }
    buffers[mapped++] = buffer;
  }
  if (mapped == 0)
    return 0;

  self->arq_generation++;
  for (i = 0; i < connected->len; i++) {
    GstIceSession *session = g_ptr_array_index (connected, i);
    guint sent;

    if (gst_ice_session_get_arq (session))
      sent = gst_ice_transport_arq_send_list (self, session, buffers,
          sealed ? payloads : NULL, mapped);
    else if (sealed)
      sent = gst_ice_session_send_sealed_list (session, payloads, mapped, TRUE);
    else
      sent = gst_ice_session_send_prefixed_list (session, NULL, 0, buffers,
          mapped, TRUE);
    if (sent > 0)
      to++;
  }
  if (sealed) {
    for (i = 0; i < mapped; i++)
      gst_buffer_unmap (buffers[i], &maps[i]);
  }
  return to;
}

/**
 * gst_ice_transport_send_list:
 * @list: datagrams, one per buffer
 *
 * Sends every buffer of @list to every connected consumer, from the
 * streaming thread, in batches of %GST_ICE_SESSION_SEND_BATCH: each
 * session hands a batch to libnice in one call (one sendmmsg()).  A
 * session with loss recovery numbers and keeps a whole batch under one
 * lock first; encrypting, each buffer is mapped once for all sessions and
 * each session seals its batch's records under one lock of its DTLS
 * connection.
 *
 * Returns: how many consumers it was sent to.
 */
guint
gst_ice_transport_send_list (GstIceTransport * self, GstBufferList * list)
{
  GPtrArray *connected;
  guint i, n = gst_buffer_list_length (list), sent = 0;
  gboolean sealed = self->config.session.dtls != NULL, batched = sealed;

  g_mutex_lock (&self->sessions_lock);
  connected = g_ptr_array_ref (self->connected);
  g_mutex_unlock (&self->sessions_lock);
  for (i = 0; i < connected->len && !batched; i++)
    batched = gst_ice_session_get_arq (g_ptr_array_index (connected,
            i)) != NULL;

  if (connected->len == 0) {
    /* nothing */
  } else if (batched) {
    for (i = 0; i < n; i += GST_ICE_SESSION_SEND_BATCH) {
      guint to = send_batch (self, connected, list, i,
          MIN (n - i, GST_ICE_SESSION_SEND_BATCH), sealed);

      sent = MAX (sent, to);
    }
  } else {
    /* plaintext without loss recovery: no need to cut the list */
    for (i = 0; i < connected->len; i++) {
      if (gst_ice_session_send_list (g_ptr_array_index (connected, i),
              list) > 0)
        sent++;
    }
  }
  g_ptr_array_unref (connected);
  return sent;
}

/* --- the embedded signalling server -------------------------------------- */

/* Our signaller registers with the server we run: its address, the
 * token it asks for, and over wss:// its very certificate. */
static void
point_signaller_at_server (GstIceTransport * self, guint port)
{
  const gchar *host = self->config.signalling_server_host;
  const gchar *certificate_file =
      self->config.signalling_server_certificate_file;
  const gchar *scheme = certificate_file ? "wss" : "ws";
  GObjectClass *klass = G_OBJECT_GET_CLASS (self->active_signaller);
  gchar *uri;

  if (self->config.signalling_server_token != NULL &&
      g_object_class_find_property (klass, "token") != NULL)
    g_object_set (self->active_signaller, "token",
        self->config.signalling_server_token, NULL);
  if (g_object_class_find_property (klass, "uri") == NULL)
    return;
  /* a wildcard listener is reached on loopback */
  if (host == NULL || g_strcmp0 (host, "0.0.0.0") == 0
      || g_strcmp0 (host, "::") == 0)
    host = "127.0.0.1";
  uri = strchr (host, ':') ? g_strdup_printf ("%s://[%s]:%u", scheme, host,
      port) : g_strdup_printf ("%s://%s:%u", scheme, host, port);
  g_object_set (self->active_signaller, "uri", uri, NULL);
  g_free (uri);

  /* the server started with it: it loads */
  if (certificate_file != NULL &&
      GST_IS_ICE_WEBSOCKET_SIGNALLER (self->active_signaller)) {
    GTlsCertificate *certificate =
        g_tls_certificate_new_from_file (certificate_file, NULL);

    gst_ice_websocket_signaller_set_pinned_certificate
        (GST_ICE_WEBSOCKET_SIGNALLER (self->active_signaller), certificate);
    g_clear_object (&certificate);
  }
}

static gboolean
run_server (GstIceTransport * self)
{
  GError *err = NULL;
  guint port;

  self->producer.server =
      gst_ice_signalling_server_new (self->config.signalling_server_host,
      self->config.signalling_server_port);
  if (self->config.signalling_server_token != NULL)
    g_object_set (self->producer.server, "token",
        self->config.signalling_server_token, NULL);
  g_object_set (self->producer.server, "certificate-file",
      self->config.signalling_server_certificate_file, "private-key-file",
      self->config.signalling_server_private_key_file, NULL);
  if (!gst_ice_signalling_server_start (self->producer.server, &err))
    goto failed;

  port = gst_ice_signalling_server_get_port (self->producer.server);
  gst_ice_transport_settings_set_signalling_server_port (self->settings, port);
  point_signaller_at_server (self, port);
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, OPEN_READ_WRITE,
        ("could not run the signalling server: %s", err->message), (NULL));
    g_clear_error (&err);
    g_clear_object (&self->producer.server);
    return FALSE;
  }
}

/* Removes ourselves from the server before stopping it: closing would
 * leave no time to relay the goodbyes our signaller just sent, and the
 * consumers would only notice when ICE consent fails. */
static void
stop_server (GstIceTransport * self)
{
  gchar *own_id;

  if (self->producer.server == NULL)
    return;
  GST_OBJECT_LOCK (self);
  own_id = g_strdup (self->active_peer_id);
  GST_OBJECT_UNLOCK (self);
  if (own_id)
    gst_ice_signalling_server_remove_peer (self->producer.server, own_id);
  g_free (own_id);
  gst_ice_signalling_server_stop (self->producer.server);
  g_clear_object (&self->producer.server);
}

/* --- the role ------------------------------------------------------------ */

static gboolean
producer_start (GstIceTransport * self)
{
  if (self->config.run_signalling_server && !run_server (self))
    return FALSE;
  gst_ice_transport_connect_signaller (self, "session-requested",
      G_CALLBACK (on_session_requested));
  return TRUE;
}

static void
producer_reset (GstIceTransport * self)
{
  g_ptr_array_set_size (self->producer.requests_waiting_for_caps, 0);
}

static void
producer_take_description (GstIceTransport * self, const gchar * session_id,
    GstIceDescription * desc)
{
  GstIceSession *session = gst_ice_transport_lookup_session (self,
      session_id);

  if (session == NULL) {
    GST_WARNING_OBJECT (self, "ignoring description of unknown session %s",
        session_id);
    return;
  }
  gst_ice_transport_accept_description (self, session, desc);
}

static void
producer_session_ended (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id, const gchar * reason, const gchar * message)
{
  GPtrArray *waiting = self->producer.requests_waiting_for_caps;
  guint i;

  for (i = 0; i + 1 < waiting->len; i += 2) {
    if (g_strcmp0 (g_ptr_array_index (waiting, i), session_id) == 0) {
      g_ptr_array_remove_range (waiting, i, 2);
      break;
    }
  }
}

static gboolean
on_fail_grace_over (GstIceTransport * self, const gchar * session_id)
{
  if (gst_ice_transport_lookup_session (self, session_id))
    gst_ice_transport_end_session (self, session_id);
  return G_SOURCE_REMOVE;
}

/* A consumer with no working pair: warn, the other consumers go on. */
static void
producer_session_failed (GstIceTransport * self, GstIceSession * session)
{
  if (gst_ice_transport_is_shutting_down (self)) {
    gst_ice_transport_end_session (self, gst_ice_session_get_id (session));
    return;
  }
  gst_ice_transport_report_failure (self, session, FALSE);
  gst_ice_transport_add_timer (self, gst_ice_session_get_id (session),
      PRODUCER_FAIL_GRACE_S, on_fail_grace_over);
}

/* A consumer that went away: peer-removed told the element already. */
static void
producer_session_lost (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id)
{
}

/* A consumer that is not who it signalled, or not a pinned one: warn,
 * the other consumers go on. */
static void
producer_session_refused (GstIceTransport * self, GstIceSession * session,
    const gchar * why)
{
  if (!gst_ice_transport_is_shutting_down (self))
    GST_ELEMENT_WARNING (self->element, RESOURCE, NOT_AUTHORIZED,
        ("refused consumer '%s': %s", gst_ice_session_get_peer_id (session),
            why), ("session %s", gst_ice_session_get_id (session)));
  gst_ice_transport_end_session (self, gst_ice_session_get_id (session));
}

/* A consumer's path has been down a while; restarts go on. */
static void
producer_session_down (GstIceTransport * self, GstIceSession * session,
    guint seconds)
{
  GST_ELEMENT_WARNING (self->element, RESOURCE, WRITE,
      ("no path to consumer '%s' for %u s; still trying to restore it (ICE "
          "restart)", gst_ice_session_get_peer_id (session), seconds),
      ("session %s", gst_ice_session_get_id (session)));
}

const GstIceTransportRole gst_ice_producer_role = {
  .name = "producer",
  .start = producer_start,
  .shut_down = stop_server,
  .reset = producer_reset,
  .take_description = producer_take_description,
  .session_ended = producer_session_ended,
  .session_failed = producer_session_failed,
  .session_lost = producer_session_lost,
  .session_refused = producer_session_refused,
  .session_down = producer_session_down,
};
