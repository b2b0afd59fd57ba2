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

/**
 * SECTION:gsticesession
 * @title: GstIceSession
 * @short_description: one ICE session with one peer, over a libnice agent
 *
 * A #GstIceSession owns a NiceAgent with one stream of one component.  It
 * gathers host, server-reflexive and relayed candidates (trickled through
 * #GstIceSession::local-candidate), takes the peer's description and
 * candidates, and sends and receives datagrams once a pair is selected.
 *
 * With a DTLS context in its configuration, a session encrypts: its
 * description carries its certificate's fingerprint and setup role, the
 * peer's description must carry the peer's, and once ICE has a pair a DTLS
 * 1.2 handshake (#GstIceDtlsConnection) authenticates the peer against it.
 * Each buffer then travels as one DTLS record; a packet that is not a DTLS
 * record (RFC 7983) is dropped, and the session counts as connected only
 * once the handshake is done, so no plaintext ever reaches the element.
 *
 * In the reliable transfer mode (`a=x-gst-transfer-mode:reliable`, see
 * #GstIceReliable) every datagram of the session is a segment of one
 * pseudo-TCP byte stream, which gst_ice_session_get_reliable() gives to
 * the elements; packets then never reach the receive function.
 *
 * Threads: everything but the send functions and the statistics runs in
 * the main context given at construction (the #GstIceTransport thread);
 * the send functions run on the sink's streaming thread, which libnice
 * allows (the agent has its own lock), as does the DTLS connection.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <nice/agent.h>
#include <nice/interfaces.h>
#include <nice/interfaces.h>

#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesession.h>
#include <gst/ice/turn/gsticeturnrelay.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_session_debug);
#define GST_CAT_DEFAULT gst_ice_session_debug

/* buffers with more memories than this are mapped whole (a copy); a
 * GstBuffer holds 16 at most in 1.22 (gst_buffer_get_max_memory()),
 * which may change */
#define MAX_SEND_MEMORIES 16
/* messages handed to libnice in one call by the list send functions; as
 * many PlainMessage (2 KiB each) on the streaming thread's stack */
#define SEND_BATCH GST_ICE_SESSION_SEND_BATCH
/* a close that has not called back after this (libnice gives up on an
 * unanswered TURN deallocation after 2 s) is started again: see
 * close_again() */
#define CLOSE_AGAIN_MS 2500

enum
{
  SIGNAL_LOCAL_CANDIDATE,
  SIGNAL_STATE_CHANGED,
  SIGNAL_SELECTED_PAIR,
  SIGNAL_DTLS_STATE_CHANGED,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

struct _GstIceSession
{
  GstObject parent;

  gchar *id;
  gchar *peer_id;
  gboolean controlling;
  GMainContext *context;
  NiceAgent *agent;
  /* replaced by an ICE restart in the main context, read by the send
   * functions: atomically */
  gint stream_id;
  /* the transport's, not owned: valid while the session is open */
  const GstIceSessionConfig *config;

  /* main context only */
  GstIceSessionReceiveFunc receive_func;
  gpointer receive_data;
  gboolean have_remote_description;
  GPtrArray *early_candidates;
  gchar *remote_ufrag;          /* the peer's credentials in use */
  gchar *remote_pwd;
  gchar *remote_fingerprint;    /* the one the DTLS association checked */
  /* no IPv6 link-local candidates, ours or the peer's: the host has a
   * routable IPv6 address (decided again at each gathering) */
  gboolean hide_link_local;
  gboolean user_addresses;      /* local-addresses was set */
  gboolean early_end_of_candidates;
  /* the peer's candidates taken, early ones included, up to
   * GST_ICE_SESSION_MAX_REMOTE_CANDIDATES; whether it was told */
  guint n_remote_candidates;
  gboolean warned_candidates;
  NiceComponentState state;
  GstIceSessionClosedFunc closed_func;
  gpointer closed_data;
  guint closes;                 /* nice_agent_close_async() not called back */
  GSource *close_again;

  /* written in the main context, read by the streaming thread */
  gint connected;
  /* connected at least once: a failure after that is a lost peer */
  gboolean was_connected;
  /* an ICE restart of a session that was connected is under way: it
   * still counts as connected (its peer did not leave) until it ends */
  gint restarting;

  /* loss recovery's state (gsticetransportarq.c), set once in the main
   * context before the session connects, read by the streaming thread:
   * atomically; freed with the session */
  gpointer arq;
  GDestroyNotify arq_destroy;

  /* selected pair, under the object lock */
  GstStructure *selected_pair;

  /* DTLS: the context from the config (NULL: plaintext), the association,
   * made with the remote description in the main context and set under
   * the object lock (the stats read it from any thread; the streaming
   * thread once the session is connected), and whether its handshake is
   * done */
  GstIceDtlsContext *dtls_context;
  GPtrArray *accepted_fingerprints;
  GstIceDtlsConnection *dtls;
  gboolean dtls_client;
  gint dtls_connected;
  /* datagrams libnice refused, and packets dropped for not being DTLS */
  gint dtls_datagrams_dropped;
  guint64 packets_rejected;

  /* one writer each (streaming thread, main context), read for stats from
   * any thread: through counter_add() and counter_get() */
  guint64 bytes_sent;
  guint64 packets_sent;
  guint64 packets_dropped;
  guint64 bytes_received;
  guint64 packets_received;

  /* the reliable transfer mode's stream (gsticereliable.c) or NULL: made
   * at construction on a reliable producer, with the producer's first
   * description on a consumer (in the main context, before the session
   * connects), then only read */
  GstIceReliable *reliable;
  gboolean transfer_mode_known; /* a consumer followed the producer's */
};

/* 64-bit counters written by one thread and read by another: plain loads
 * and stores of 64 bits tear on 32-bit ARM (a Raspberry Pi) */
static inline void
counter_add (guint64 * counter, guint64 value)
{
  __atomic_fetch_add (counter, value, __ATOMIC_RELAXED);
}

static inline guint64
counter_get (guint64 * counter)
{
  return __atomic_load_n (counter, __ATOMIC_RELAXED);
}

G_DEFINE_TYPE_WITH_CODE (GstIceSession, gst_ice_session, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_ice_session_debug, "icesession", 0,
        "ICE session over libnice"));

static void gst_ice_session_finalize (GObject * object);

static void
gst_ice_session_class_init (GstIceSessionClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = gst_ice_session_finalize;

  /**
   * GstIceSession::local-candidate:
   * @line: an `a=candidate:` line, or `a=end-of-candidates` when gathering
   *   is done
   */
  signals[SIGNAL_LOCAL_CANDIDATE] =
      g_signal_new ("local-candidate", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSession::state-changed:
   * @state: libnice's name of the component state: gathering, connecting,
   *   connected, ready, failed or disconnected
   */
  signals[SIGNAL_STATE_CHANGED] =
      g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSession::selected-pair:
   * @pair: local-candidate-type, local-address, local-port,
   *   remote-candidate-type, remote-address, remote-port, transport,
   *   receive-buffer-size (the socket's SO_RCVBUF as the kernel reports
   *   it, which on Linux is twice what was asked)
   */
  signals[SIGNAL_SELECTED_PAIR] =
      g_signal_new ("selected-pair", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
      GST_TYPE_STRUCTURE);

  /**
   * GstIceSession::dtls-state-changed:
   * @state: new, handshaking, connected, failed or closed
   * @message: (nullable): why, when failed or closed by the peer
   *
   * Emitted in the main context.
   */
  signals[SIGNAL_DTLS_STATE_CHANGED] =
      g_signal_new ("dtls-state-changed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_STRING);
}

static void
gst_ice_session_init (GstIceSession * self)
{
  self->early_candidates = g_ptr_array_new_with_free_func (g_free);
  self->state = NICE_COMPONENT_STATE_DISCONNECTED;
}

static void
gst_ice_session_finalize (GObject * object)
{
  GstIceSession *self = GST_ICE_SESSION (object);

  if (self->close_again) {
    g_source_destroy (self->close_again);
    g_source_unref (self->close_again);
  }
  if (self->agent) {
    g_signal_handlers_disconnect_by_data (self->agent, self);
    g_object_unref (self->agent);
  }
  if (self->arq_destroy)
    self->arq_destroy (self->arq);
  if (self->dtls)
    gst_object_unref (self->dtls);
  if (self->reliable) {
    gst_ice_reliable_close (self->reliable);
    gst_object_unref (self->reliable);
  }
  if (self->dtls_context)
    gst_object_unref (self->dtls_context);
  if (self->accepted_fingerprints)
    g_ptr_array_unref (self->accepted_fingerprints);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->early_candidates);
  g_free (self->remote_ufrag);
  g_free (self->remote_pwd);
  g_free (self->remote_fingerprint);
  if (self->selected_pair)
    gst_structure_free (self->selected_pair);
  g_free (self->id);
  g_free (self->peer_id);

  G_OBJECT_CLASS (gst_ice_session_parent_class)->finalize (object);
}

static const gchar *
candidate_type_name (NiceCandidateType type)
{
  switch (type) {
    case NICE_CANDIDATE_TYPE_HOST:
      return "host";
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return "srflx";
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return "prflx";
    case NICE_CANDIDATE_TYPE_RELAYED:
      return "relay";
  }
  return "unknown";
}

static const gchar *
candidate_transport_name (NiceCandidateTransport transport)
{
  return transport == NICE_CANDIDATE_TRANSPORT_UDP ? "udp" : "tcp";
}

static NiceRelayType
relay_type_for (GstIceServerTransport transport)
{
  switch (transport) {
    case GST_ICE_SERVER_TRANSPORT_TCP:
      return NICE_RELAY_TYPE_TURN_TCP;
    case GST_ICE_SERVER_TRANSPORT_TLS:
      return NICE_RELAY_TYPE_TURN_TLS;
    case GST_ICE_SERVER_TRANSPORT_UDP:
    default:
      return NICE_RELAY_TYPE_TURN_UDP;
  }
}

static gboolean
candidate_is_link_local (const NiceCandidate * candidate)
{
  gchar address[NICE_ADDRESS_STRING_LEN];

  nice_address_to_string (&candidate->addr, address);
  return gst_ice_candidate_address_is_link_local (address);
}

/* Whether this host has routable IPv6, where a link-local pair is of no
 * use: it works only on one link, where the other addresses work too;
 * libnice 0.1.21 ranks link-local candidates above every other host
 * candidate, and they show an identifier often made from the MAC.  The
 * addresses are read again at each gathering, as libnice does: after an
 * address change an ICE restart gathers on the new ones. */
static gboolean
host_has_routable_ipv6 (void)
{
  GList *found = nice_interfaces_get_local_ips (FALSE), *l;
  GPtrArray *all = g_ptr_array_new ();
  GPtrArray *kept;
  gboolean routable;

  for (l = found; l; l = l->next)
    g_ptr_array_add (all, l->data);
  g_ptr_array_add (all, NULL);
  kept = gst_ice_candidate_host_addresses ((const gchar * const *) all->pdata);
  /* gst_ice_candidate_host_addresses() drops link-local IPv6 addresses
   * exactly when the host has a routable one */
  routable = kept->len + 1 < all->len;
  g_ptr_array_unref (kept);
  g_ptr_array_unref (all);
  g_list_free_full (found, g_free);
  return routable;
}

/* --- the reliable transfer mode ------------------------------------------ */

/* One segment of the reliable stream, as one datagram: sealed in one DTLS
 * record, or as it is.  Called with the stream's lock held. */
static void
send_segment (const guint8 * data, gsize size, gpointer user_data)
{
  GstIceSession *self = user_data;
  GOutputVector vector = { data, size };
  NiceOutputMessage message = { &vector, 1 };

  if (self->dtls_context) {
    gst_ice_session_send_data (self, data, size);
  } else if (nice_agent_send_messages_nonblocking (self->agent,
          g_atomic_int_get (&self->stream_id), 1, &message, 1, NULL,
          NULL) == 1) {
    counter_add (&self->bytes_sent, size);
    counter_add (&self->packets_sent, 1);
  } else {
    counter_add (&self->packets_dropped, 1);
  }
}

static void
open_reliable (GstIceSession * self)
{
  GST_INFO_OBJECT (self, "reliable transfer mode");
  self->reliable = gst_ice_reliable_new (self->id, self->controlling,
      self->context, send_segment, self);
}

/* Once the session is connected and its peer authenticated: the producer
 * opens the stream (again after an ICE restart, nothing happens). */
static void
start_reliable (GstIceSession * self)
{
  if (self->reliable && gst_ice_session_is_connected (self))
    gst_ice_reliable_start (self->reliable);
}

/* The peer's a=x-gst-transfer-mode: a consumer follows its producer's
 * first description; a reliable producer refuses a consumer that does not
 * follow. */
static gboolean
take_transfer_mode (GstIceSession * self, const GstIceDescription * desc,
    GError ** error)
{
  GstIceTransferMode mode;

  if (!gst_ice_transfer_mode_from_string (desc->transfer_mode, &mode))
    goto unknown;
  if (self->controlling) {
    if (self->reliable && mode != GST_ICE_TRANSFER_MODE_RELIABLE)
      goto not_followed;
    return TRUE;
  }
  if (!self->transfer_mode_known) {
    self->transfer_mode_known = TRUE;
    if (mode == GST_ICE_TRANSFER_MODE_RELIABLE)
      open_reliable (self);
  } else if ((mode == GST_ICE_TRANSFER_MODE_RELIABLE) !=
      (self->reliable != NULL)) {
    goto changed;
  }
  return TRUE;

  /* ERRORS */
unknown:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TRANSFER_MODE,
        "%s '%s' uses the transfer mode '%s', which this gst-ice does not "
        "know (it knows datagram and reliable): upgrade gst-ice on this side",
        self->controlling ? "consumer" : "producer", self->peer_id,
        desc->transfer_mode);
    return FALSE;
  }
not_followed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TRANSFER_MODE,
        "consumer '%s' does not follow transfer-mode=reliable: its "
        "description has %s (a gst-ice from before the reliable mode?)",
        self->peer_id, desc->transfer_mode ? "a=x-gst-transfer-mode:datagram"
        : "no a=x-gst-transfer-mode:reliable line");
    return FALSE;
  }
changed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TRANSFER_MODE,
        "producer '%s' changed its transfer mode to %s in the middle of a "
        "session", self->peer_id, gst_ice_transfer_mode_to_string (mode));
    return FALSE;
  }
}

/**
 * gst_ice_session_get_reliable:
 *
 * Returns: (transfer none) (nullable): the session's reliable stream, in
 *   the reliable transfer mode; from any thread once the session is
 *   connected
 */
GstIceReliable *
gst_ice_session_get_reliable (GstIceSession * self)
{
  return self->reliable;
}

/* --- ICE ------------------------------------------------------------------ */

static void
on_new_candidate (NiceAgent * agent, NiceCandidate * candidate,
    GstIceSession * self)
{
  gchar *line;

  if ((gint) candidate->stream_id != self->stream_id ||
      (self->hide_link_local && candidate_is_link_local (candidate)))
    return;
  line = nice_agent_generate_local_candidate_sdp (agent, candidate);
  GST_DEBUG_OBJECT (self, "local candidate %s", line);
  g_signal_emit (self, signals[SIGNAL_LOCAL_CANDIDATE], 0, line);
  g_free (line);
}

static void
on_gathering_done (NiceAgent * agent, guint stream_id, GstIceSession * self)
{
  if ((gint) stream_id != self->stream_id)
    return;                     /* the stream an ICE restart replaced */
  GST_DEBUG_OBJECT (self, "gathering done");
  g_signal_emit (self, signals[SIGNAL_LOCAL_CANDIDATE], 0,
      GST_ICE_END_OF_CANDIDATES_LINE);
}

static void
on_component_state_changed (NiceAgent * agent, guint stream_id,
    guint component_id, NiceComponentState state, GstIceSession * self)
{
  const gchar *name = nice_component_state_to_string (state);

  if ((gint) stream_id != self->stream_id)
    return;
  GST_INFO_OBJECT (self, "ICE state %s -> %s",
      nice_component_state_to_string (self->state), name);
  self->state = state;
  g_atomic_int_set (&self->connected, state == NICE_COMPONENT_STATE_CONNECTED
      || state == NICE_COMPONENT_STATE_READY);
  /* a pair that worked and failed is restarted by the transport: the peer
   * is still there meanwhile */
  if (state == NICE_COMPONENT_STATE_FAILED && self->was_connected)
    g_atomic_int_set (&self->restarting, TRUE);
  if (g_atomic_int_get (&self->connected)) {
    self->was_connected = TRUE;
    g_atomic_int_set (&self->restarting, FALSE);
    /* a pair works: the DTLS client says hello, the server listens */
    if (self->dtls && gst_ice_dtls_connection_get_state (self->dtls) ==
        GST_ICE_DTLS_STATE_NEW)
      gst_ice_dtls_connection_start (self->dtls);
    start_reliable (self);
  }
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, name);
}

/* The receive buffer of the selected pair's socket: the configured size
 * (beyond net.core.rmem_max when we may), and the size the kernel says it
 * gave, which Linux doubles for its bookkeeping.  0 when the pair has no
 * socket of its own to tell. */
/* what was granted of a SO_RCVBUF request, from what getsockopt() says:
 * Linux reports twice the size, the other half for its bookkeeping */
#ifdef __linux__
#define RECEIVE_BUFFER_GIVEN(reported) ((reported) / 2)
#else
#define RECEIVE_BUFFER_GIVEN(reported) (reported)
#endif

static guint
set_receive_buffer (GstIceSession * self)
{
  guint wanted = self->config->receive_buffer_size;
  GSocket *socket;
  GError *err = NULL;
  gint size = 0;

  socket = nice_agent_get_selected_socket (self->agent,
      g_atomic_int_get (&self->stream_id), 1);
  if (socket == NULL)
    return 0;
  if (wanted > 0 && !g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF,
          wanted, &err)) {
    GST_WARNING_OBJECT (self, "could not set a receive buffer of %u bytes: "
        "%s", wanted, err->message);
    g_clear_error (&err);
  }
  if (!g_socket_get_option (socket, SOL_SOCKET, SO_RCVBUF, &size, &err)) {
    GST_WARNING_OBJECT (self, "could not read the receive buffer size: %s",
        err->message);
    g_clear_error (&err);
  }
#ifdef SO_RCVBUFFORCE
  /* capped by net.core.rmem_max: a process with CAP_NET_ADMIN may go
   * beyond, as udpsrc does */
  if (wanted > 0 && RECEIVE_BUFFER_GIVEN (size) < (gint) wanted &&
      g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUFFORCE, wanted, NULL))
    g_socket_get_option (socket, SOL_SOCKET, SO_RCVBUF, &size, NULL);
#endif
  if (wanted > 0 && RECEIVE_BUFFER_GIVEN (size) < (gint) wanted)
    GST_WARNING_OBJECT (self, "asked for a receive buffer of %u bytes, the "
        "kernel gave %d: raise net.core.rmem_max, or run with CAP_NET_ADMIN",
        wanted, size);
  else
    GST_DEBUG_OBJECT (self, "receive buffer of %d bytes", size);
  g_object_unref (socket);
  return MAX (size, 0);
}

static void
on_selected_pair (NiceAgent * agent, guint stream_id, guint component_id,
    NiceCandidate * local, NiceCandidate * remote, GstIceSession * self)
{
  gchar local_addr[NICE_ADDRESS_STRING_LEN];
  gchar remote_addr[NICE_ADDRESS_STRING_LEN];
  GstStructure *pair;

  if ((gint) stream_id != self->stream_id)
    return;

  nice_address_to_string (&local->addr, local_addr);
  nice_address_to_string (&remote->addr, remote_addr);
  pair = gst_structure_new ("ice-selected-pair",
      "local-candidate-type", G_TYPE_STRING, candidate_type_name (local->type),
      "local-address", G_TYPE_STRING, local_addr,
      "local-port", G_TYPE_UINT, nice_address_get_port (&local->addr),
      "remote-candidate-type", G_TYPE_STRING,
      candidate_type_name (remote->type),
      "remote-address", G_TYPE_STRING, remote_addr,
      "remote-port", G_TYPE_UINT, nice_address_get_port (&remote->addr),
      "transport", G_TYPE_STRING, candidate_transport_name (local->transport),
      "receive-buffer-size", G_TYPE_UINT, set_receive_buffer (self), NULL);
  GST_INFO_OBJECT (self, "selected pair %" GST_PTR_FORMAT, pair);

  GST_OBJECT_LOCK (self);
  if (self->selected_pair)
    gst_structure_free (self->selected_pair);
  self->selected_pair = gst_structure_copy (pair);
  GST_OBJECT_UNLOCK (self);

  g_signal_emit (self, signals[SIGNAL_SELECTED_PAIR], 0, pair);
  gst_structure_free (pair);
}

static void
on_receive (NiceAgent * agent, guint stream_id, guint component_id,
    guint len, gchar * buf, gpointer user_data)
{
  GstIceSession *self = user_data;

  if ((gint) stream_id != self->stream_id)
    return;
  GST_LOG_OBJECT (self, "received %u bytes", len);
  if (self->dtls_context) {
    /* only DTLS records; plaintext never reaches the element */
    if (self->dtls && gst_ice_dtls_is_dtls_record ((const guint8 *) buf, len))
      gst_ice_dtls_connection_receive (self->dtls, (const guint8 *) buf, len);
    else
      counter_add (&self->packets_rejected, 1);
    return;
  }
  counter_add (&self->bytes_received, len);
  counter_add (&self->packets_received, 1);
  if (self->reliable)
    gst_ice_reliable_receive (self->reliable, (const guint8 *) buf, len);
  else if (self->receive_func)
    self->receive_func (self, (const guint8 *) buf, len, self->receive_data);
}

/* --- DTLS ----------------------------------------------------------------- */

/* a datagram the DTLS connection made: the handshake, an alert or one
 * sealed buffer */
static void
on_dtls_transmit (const guint8 * data, gsize size, gpointer user_data)
{
  GstIceSession *self = user_data;
  GOutputVector vector = { data, size };
  NiceOutputMessage message = { &vector, 1 };

  if (nice_agent_send_messages_nonblocking (self->agent,
          g_atomic_int_get (&self->stream_id), 1, &message, 1, NULL, NULL) != 1)
    g_atomic_int_inc (&self->dtls_datagrams_dropped);
}

/* one opened record from the authenticated peer */
static void
on_dtls_receive (const guint8 * data, gsize size, gpointer user_data)
{
  GstIceSession *self = user_data;

  counter_add (&self->bytes_received, size);
  counter_add (&self->packets_received, 1);
  if (self->reliable)
    gst_ice_reliable_receive (self->reliable, data, size);
  else if (self->receive_func)
    self->receive_func (self, data, size, self->receive_data);
}

typedef struct
{
  GstIceSession *session;
  GstIceDtlsState state;
  gchar *message;
} DtlsStateChange;

static gboolean
emit_dtls_state (gpointer data)
{
  DtlsStateChange *change = data;

  g_signal_emit (change->session, signals[SIGNAL_DTLS_STATE_CHANGED], 0,
      gst_ice_dtls_state_to_string (change->state), change->message);
  return G_SOURCE_REMOVE;
}

static void
dtls_state_change_free (gpointer data)
{
  DtlsStateChange *change = data;

  gst_object_unref (change->session);
  g_free (change->message);
  g_free (change);
}

/* From whichever thread drove the connection; the signal goes out in the
 * main context, where the transport handles it. */
static void
on_dtls_state (GstIceDtlsState state, const gchar * message, gpointer user_data)
{
  GstIceSession *self = user_data;
  DtlsStateChange *change = g_new0 (DtlsStateChange, 1);

  GST_INFO_OBJECT (self, "DTLS %s%s%s", gst_ice_dtls_state_to_string (state),
      message ? ": " : "", message ? message : "");
  g_atomic_int_set (&self->dtls_connected,
      state == GST_ICE_DTLS_STATE_CONNECTED);
  if (state == GST_ICE_DTLS_STATE_CONNECTED)
    start_reliable (self);
  change->session = gst_object_ref (self);
  change->state = state;
  change->message = g_strdup (message);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
      emit_dtls_state, change, dtls_state_change_free);
}

static gboolean
fingerprint_accepted (GstIceSession * self, const gchar * fingerprint)
{
  guint i;

  if (self->accepted_fingerprints == NULL ||
      self->accepted_fingerprints->len == 0)
    return TRUE;
  for (i = 0; i < self->accepted_fingerprints->len; i++) {
    if (gst_ice_fingerprint_equal (fingerprint,
            g_ptr_array_index (self->accepted_fingerprints, i)))
      return TRUE;
  }
  return FALSE;
}

/* RFC 5763: the producer offers actpass and its consumer answers active,
 * so the consumer is the DTLS client; a peer that says which role it takes
 * gets the other one. */
static gboolean
dtls_is_client (GstIceSession * self, const gchar * remote_setup)
{
  if (g_strcmp0 (remote_setup, "active") == 0)
    return FALSE;
  if (g_strcmp0 (remote_setup, "passive") == 0)
    return TRUE;
  return !self->controlling;
}

/* Makes the DTLS association once the peer's description says who it is;
 * refuses a peer that does not encrypt or is not one of the pinned. */
static gboolean
prepare_dtls (GstIceSession * self, const GstIceDescription * desc,
    GError ** error)
{
  GstIceDtlsConnection *dtls;
  GString *pinned;
  guint i;

  if (self->dtls && gst_ice_fingerprint_equal (desc->fingerprint,
          self->remote_fingerprint))
    return TRUE;                /* a repeated description, or a restart */
  if (self->dtls)
    goto fingerprint_changed;
  if (desc->fingerprint == NULL)
    goto no_fingerprint;
  if (!fingerprint_accepted (self, desc->fingerprint))
    goto not_pinned;

  self->remote_fingerprint = g_strdup (desc->fingerprint);
  self->dtls_client = dtls_is_client (self, desc->setup);
  dtls = gst_ice_dtls_connection_new (self->dtls_context, self->dtls_client,
      desc->fingerprint, self->context, on_dtls_transmit, on_dtls_receive,
      on_dtls_state, self, error);
  if (dtls == NULL)
    return FALSE;
  GST_OBJECT_LOCK (self);
  self->dtls = dtls;
  GST_OBJECT_UNLOCK (self);
  return TRUE;

  /* ERRORS */
fingerprint_changed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "%s '%s' changed its certificate fingerprint from %s to %s in the "
        "middle of a session", self->controlling ? "consumer" : "producer",
        self->peer_id, self->remote_fingerprint,
        GST_STR_NULL (desc->fingerprint));
    return FALSE;
  }
no_fingerprint:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "%s '%s' does not encrypt: its description has no a=fingerprint "
        "(to talk to a plain ICE peer, in plaintext, set encryption=false "
        "on both sides)", self->controlling ? "consumer" : "producer",
        self->peer_id);
    return FALSE;
  }
not_pinned:
  {
    pinned = g_string_new (NULL);
    for (i = 0; i < self->accepted_fingerprints->len; i++)
      g_string_append_printf (pinned, "%s%s", i ? ", " : "",
          (gchar *) g_ptr_array_index (self->accepted_fingerprints, i));
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "%s '%s' signalled the certificate fingerprint %s, which is not in "
        "%s (%s)", self->controlling ? "consumer" : "producer",
        self->peer_id, desc->fingerprint, self->controlling ?
        "consumer-fingerprints" : "producer-fingerprints", pinned->str);
    g_string_free (pinned, TRUE);
    return FALSE;
  }
}

/* Adds the agent's one stream, with our TURN servers, and reads its
 * sockets: at construction, and again for an ICE restart. */
static void
open_stream (GstIceSession * self)
{
  guint stream_id, i;

  stream_id = nice_agent_add_stream (self->agent, 1);
  nice_agent_set_stream_name (self->agent, stream_id, "application");

  for (i = 0; self->config->turn_servers &&
      i < self->config->turn_servers->len; i++) {
    GError *err = NULL;
    /* this stream's credentials, and the TLS bridge for turns:// */
    GstIceServerUri *turn = gst_ice_turn_relay_for_session (self->config, i,
        &err);

    if (turn == NULL) {
      GST_WARNING_OBJECT (self, "%s", err->message);
      g_clear_error (&err);
      continue;
    }
    if (!nice_agent_set_relay_info (self->agent, stream_id, 1,
            turn->host, turn->port, turn->username, turn->password,
            relay_type_for (turn->transport)))
      GST_WARNING_OBJECT (self, "libnice refused TURN server %s:%u",
          turn->host, turn->port);
    gst_ice_server_uri_free (turn);
  }

  /* even a sending-only session must read its sockets, or STUN answers
   * and connectivity checks are never processed */
  nice_agent_attach_recv (self->agent, stream_id, 1, self->context,
      on_receive, self);
  g_atomic_int_set (&self->stream_id, stream_id);
}

/**
 * gst_ice_session_new:
 * @session_id: the signaller's id of the session
 * @peer_id: the other peer
 * @controlling: %TRUE on the producer, which nominates the pair
 * @context: main context the agent runs in
 * @config: servers and candidate policy
 *
 * Returns: (transfer full): a session whose agent has a stream and local
 *   credentials, not gathering yet.
 */
GstIceSession *
gst_ice_session_new (const gchar * session_id, const gchar * peer_id,
    gboolean controlling, GMainContext * context,
    const GstIceSessionConfig * config)
{
  GstIceSession *self;
  guint i;

  self = g_object_new (GST_TYPE_ICE_SESSION, "name", session_id, NULL);
  gst_object_ref_sink (self);
  self->id = g_strdup (session_id);
  self->peer_id = g_strdup (peer_id);
  self->controlling = controlling;
  self->context = g_main_context_ref (context);
  if (config->dtls)
    self->dtls_context = gst_object_ref (config->dtls);
  if (config->accepted_fingerprints)
    self->accepted_fingerprints =
        g_ptr_array_ref (config->accepted_fingerprints);

  /* RFC 8445 with trickle; regular nomination is what RFC 8445 kept and
   * what non-libnice agents expect; consent freshness (RFC 7675) notices a
   * peer that went away without signalling it.  Ta: see
   * GST_ICE_SESSION_CHECK_PACING_MS */
  self->agent = nice_agent_new_full (context, NICE_COMPATIBILITY_RFC5245,
      NICE_AGENT_OPTION_REGULAR_NOMINATION | NICE_AGENT_OPTION_ICE_TRICKLE |
      NICE_AGENT_OPTION_CONSENT_FRESHNESS);
  g_object_set (self->agent, "controlling-mode", controlling,
      "ice-udp", config->ice_udp, "ice-tcp", config->ice_tcp,
      "force-relay", config->relay_only, "upnp", FALSE,
      "stun-pacing-timer", GST_ICE_SESSION_CHECK_PACING_MS, NULL);
  if (config->stun_server) {
    g_object_set (self->agent, "stun-server", config->stun_server->host,
        "stun-server-port", (guint) config->stun_server->port, NULL);
  }

  self->user_addresses = config->local_addresses &&
      config->local_addresses->len > 0;
  for (i = 0; config->local_addresses && i < config->local_addresses->len; i++) {
    NiceAddress addr;

    /* checked by the transport before any session exists */
    if (nice_address_set_from_string (&addr,
            g_ptr_array_index (config->local_addresses, i)))
      nice_agent_add_local_address (self->agent, &addr);
  }

  /* the transport's, for the session's life: each stream opened (again
   * at each ICE restart) takes fresh TURN credentials from it */
  self->config = config;
  if (controlling && config->transfer_mode == GST_ICE_TRANSFER_MODE_RELIABLE)
    open_reliable (self);

  g_signal_connect (self->agent, "new-candidate-full",
      G_CALLBACK (on_new_candidate), self);
  g_signal_connect (self->agent, "candidate-gathering-done",
      G_CALLBACK (on_gathering_done), self);
  g_signal_connect (self->agent, "component-state-changed",
      G_CALLBACK (on_component_state_changed), self);
  g_signal_connect (self->agent, "new-selected-pair-full",
      G_CALLBACK (on_selected_pair), self);
  open_stream (self);

  return self;
}

/**
 * gst_ice_session_set_check_pacing:
 * @ms: Ta, the interval between two of this session's STUN transactions
 *   (gathering requests and connectivity checks), in milliseconds
 *
 * For a session created while others of the same element are still
 * checking: they share RFC 8445's one global Ta.  Call before
 * gst_ice_session_gather(); libnice reads it when its timers start.
 */
void
gst_ice_session_set_check_pacing (GstIceSession * self, guint ms)
{
  g_return_if_fail (ms > 0);

  GST_DEBUG_OBJECT (self, "Ta %u ms", ms);
  g_object_set (self->agent, "stun-pacing-timer", ms, NULL);
}

/**
 * gst_ice_session_get_check_pacing:
 *
 * Returns: the session's Ta in milliseconds, as libnice paces it
 */
guint
gst_ice_session_get_check_pacing (GstIceSession * self)
{
  guint ms = 0;

  g_object_get (self->agent, "stun-pacing-timer", &ms, NULL);
  return ms;
}

/**
 * gst_ice_session_restart:
 *
 * An ICE restart (RFC 8445 section 9) of this side: a new stream, so new
 * credentials and candidates gathered afresh on the host's addresses of
 * now (nice_agent_restart_stream() would keep the old candidates, useless
 * once the host's address changed), the peer's credentials and
 * candidates forgotten until its next description.  The DTLS association
 * stays: it does not care which path its records take.  The caller sends
 * the new local description, then gathers.  A session that was connected
 * counts as connected meanwhile: its peer did not leave.
 */
void
gst_ice_session_restart (GstIceSession * self)
{
  guint old = g_atomic_int_get (&self->stream_id);

  GST_INFO_OBJECT (self, "ICE restart");
  nice_agent_attach_recv (self->agent, old, 1, self->context, NULL, NULL);
  open_stream (self);
  nice_agent_remove_stream (self->agent, old);

  g_atomic_int_set (&self->restarting, self->was_connected);
  g_atomic_int_set (&self->connected, FALSE);
  self->state = NICE_COMPONENT_STATE_DISCONNECTED;
  self->have_remote_description = FALSE;
  g_ptr_array_set_size (self->early_candidates, 0);
  self->early_end_of_candidates = FALSE;
  /* the old stream's candidates went with it */
  self->n_remote_candidates = 0;
  self->warned_candidates = FALSE;
  g_clear_pointer (&self->remote_ufrag, g_free);
  g_clear_pointer (&self->remote_pwd, g_free);
}

/**
 * gst_ice_session_is_restart:
 * @desc: a description of the peer for this session
 *
 * Returns: whether @desc carries ICE credentials other than the ones in
 *   use: the peer restarted (or answers our restart)
 */
gboolean
gst_ice_session_is_restart (GstIceSession * self,
    const GstIceDescription * desc)
{
  return self->remote_ufrag != NULL &&
      (g_strcmp0 (desc->ufrag, self->remote_ufrag) != 0 ||
      g_strcmp0 (desc->pwd, self->remote_pwd) != 0);
}

/* From any thread: how many packets reached the element; the transport
 * watches it for a silent path. */
guint64
gst_ice_session_get_packets_received (GstIceSession * self)
{
  return counter_get (&self->packets_received);
}

/* From any thread: an ICE restart of a connected session is under way. */
gboolean
gst_ice_session_is_restarting (GstIceSession * self)
{
  return g_atomic_int_get (&self->restarting);
}

const gchar *
gst_ice_session_get_id (GstIceSession * self)
{
  return self->id;
}

const gchar *
gst_ice_session_get_peer_id (GstIceSession * self)
{
  return self->peer_id;
}

/**
 * gst_ice_session_set_receive_func:
 *
 * Sets what is called, in the main context, for each received packet.
 */
void
gst_ice_session_set_receive_func (GstIceSession * self,
    GstIceSessionReceiveFunc func, gpointer user_data)
{
  self->receive_func = func;
  self->receive_data = user_data;
}

/**
 * gst_ice_session_gather:
 *
 * Starts gathering; candidates follow through
 * #GstIceSession::local-candidate, some of them before this returns.
 */
gboolean
gst_ice_session_gather (GstIceSession * self, GError ** error)
{
  self->hide_link_local = !self->user_addresses && host_has_routable_ipv6 ();
  if (!nice_agent_gather_candidates (self->agent, self->stream_id))
    goto gather_failed;
  return TRUE;

  /* ERRORS */
gather_failed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CONNECTIVITY,
        "could not gather ICE candidates: no usable local address or all "
        "candidate types disabled");
    return FALSE;
  }
}

/**
 * gst_ice_session_get_local_description:
 * @caps: (nullable): caps to announce with the description
 *
 * Returns: (transfer full): the credentials (and @caps) as description
 *   text; candidates are trickled separately.
 */
gchar *
gst_ice_session_get_local_description (GstIceSession * self,
    const GstCaps * caps)
{
  GstIceDescription *desc;
  gchar *ufrag = NULL, *pwd = NULL;
  gchar *text;

  nice_agent_get_local_credentials (self->agent, self->stream_id, &ufrag, &pwd);
  desc = gst_ice_description_new (ufrag, pwd);
  if (self->dtls_context) {
    GstIceCertificate *cert =
        gst_ice_dtls_context_get_certificate (self->dtls_context);

    desc->fingerprint = g_strconcat (GST_ICE_FINGERPRINT_HASH " ",
        gst_ice_certificate_get_fingerprint (cert), NULL);
    /* the producer speaks first and lets the consumer choose */
    if (self->dtls == NULL)
      desc->setup = g_strdup ("actpass");
    else
      desc->setup = g_strdup (self->dtls_client ? "active" : "passive");
  }
  /* ANY: a byte stream that came without caps */
  if (caps && !gst_caps_is_any (caps))
    desc->caps = gst_caps_copy (caps);
  /* the reliable mode recovers everything itself: no loss recovery */
  desc->arq_latency = self->reliable ? 0 : self->config->latency_ms;
  if (self->reliable)
    desc->transfer_mode = g_strdup (gst_ice_transfer_mode_to_string
        (GST_ICE_TRANSFER_MODE_RELIABLE));
  text = gst_ice_description_to_string (desc);
  gst_ice_description_free (desc);
  g_free (ufrag);
  g_free (pwd);
  return text;
}

/* Counts one more candidate of the peer, unless it sent as many as a
 * session takes: then says so, once, and the candidate is ignored. */
static gboolean
count_remote_candidate (GstIceSession * self)
{
  if (self->n_remote_candidates < GST_ICE_SESSION_MAX_REMOTE_CANDIDATES) {
    self->n_remote_candidates++;
    return TRUE;
  }
  if (!self->warned_candidates) {
    GST_WARNING_OBJECT (self, "peer '%s' sent more than %d candidates: "
        "ignoring the rest", self->peer_id,
        GST_ICE_SESSION_MAX_REMOTE_CANDIDATES);
    self->warned_candidates = TRUE;
  }
  return FALSE;
}

/* Gives the agent one line of the peer; @counted: an early candidate,
 * counted when it arrived.  One beyond the cap is ignored: TRUE. */
static gboolean
add_candidate_line (GstIceSession * self, const gchar * line,
    gboolean counted, GError ** error)
{
  NiceCandidate *candidate;
  GSList *list;
  gint added;

  if (gst_ice_candidate_line_is_end_of_candidates (line)) {
    GST_DEBUG_OBJECT (self, "peer finished gathering");
    nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);
    return TRUE;
  }

  /* libnice's own parser trusts its input too much (e.g. a missing
   * transport reaches g_ascii_strcasecmp(NULL)), so check first */
  if (!gst_ice_candidate_line_is_valid (line, error))
    return FALSE;
  if (!counted && !count_remote_candidate (self))
    return TRUE;

  candidate = nice_agent_parse_remote_candidate_sdp (self->agent,
      self->stream_id, line);
  if (candidate == NULL)
    goto parse_failed;
  if (self->hide_link_local && candidate_is_link_local (candidate)) {
    GST_DEBUG_OBJECT (self, "not pairing the link-local candidate %s", line);
    nice_candidate_free (candidate);
    return TRUE;
  }

  list = g_slist_prepend (NULL, candidate);
  added = nice_agent_set_remote_candidates (self->agent, self->stream_id, 1,
      list);
  g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);
  if (added < 0)
    goto parse_failed;
  GST_DEBUG_OBJECT (self, "remote candidate %s", line);
  return TRUE;

  /* ERRORS */
parse_failed:
  {
    /* it did not take a place */
    self->n_remote_candidates--;
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "libnice rejected candidate '%s'", line);
    return FALSE;
  }
}

/**
 * gst_ice_session_set_remote_description:
 *
 * Takes the peer's credentials and any candidates the description holds;
 * candidates that came before it are applied now.  A bad candidate is
 * logged and skipped, as are candidates beyond
 * %GST_ICE_SESSION_MAX_REMOTE_CANDIDATES.
 */
gboolean
gst_ice_session_set_remote_description (GstIceSession * self,
    const GstIceDescription * desc, GError ** error)
{
  guint i;

  /* before any ICE check: a peer refused here never gets a pair */
  if (self->dtls_context && !prepare_dtls (self, desc, error))
    return FALSE;
  if (!take_transfer_mode (self, desc, error))
    return FALSE;
  /* the same credentials again: only its caps can be new */
  if (self->have_remote_description && !gst_ice_session_is_restart (self, desc))
    return TRUE;
  if (!nice_agent_set_remote_credentials (self->agent, self->stream_id,
          desc->ufrag, desc->pwd))
    goto credentials_failed;
  self->have_remote_description = TRUE;
  g_free (self->remote_ufrag);
  self->remote_ufrag = g_strdup (desc->ufrag);
  g_free (self->remote_pwd);
  self->remote_pwd = g_strdup (desc->pwd);

  for (i = 0; i < desc->candidates->len; i++) {
    GError *err = NULL;

    if (!add_candidate_line (self, g_ptr_array_index (desc->candidates, i),
            FALSE, &err)) {
      GST_WARNING_OBJECT (self, "ignoring candidate: %s", err->message);
      g_clear_error (&err);
    }
  }
  for (i = 0; i < self->early_candidates->len; i++) {
    GError *err = NULL;

    if (!add_candidate_line (self,
            g_ptr_array_index (self->early_candidates, i), TRUE, &err)) {
      GST_WARNING_OBJECT (self, "ignoring candidate: %s", err->message);
      g_clear_error (&err);
    }
  }
  g_ptr_array_set_size (self->early_candidates, 0);
  if (desc->end_of_candidates || self->early_end_of_candidates)
    add_candidate_line (self, GST_ICE_END_OF_CANDIDATES_LINE, TRUE, NULL);
  return TRUE;

  /* ERRORS */
credentials_failed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "libnice rejected the credentials of peer '%s'", self->peer_id);
    return FALSE;
  }
}

/**
 * gst_ice_session_add_remote_candidate:
 * @line: an `a=candidate:` line or `a=end-of-candidates`
 *
 * Before the peer's description, the line is kept until it arrives.  A
 * peer's candidates beyond %GST_ICE_SESSION_MAX_REMOTE_CANDIDATES are
 * ignored, with one warning in the debug log.
 *
 * Returns: %FALSE with @error when the line is not a valid candidate;
 *   the session goes on either way.
 */
gboolean
gst_ice_session_add_remote_candidate (GstIceSession * self,
    const gchar * line, GError ** error)
{
  if (self->have_remote_description)
    return add_candidate_line (self, line, FALSE, error);

  if (gst_ice_candidate_line_is_end_of_candidates (line)) {
    self->early_end_of_candidates = TRUE;
    return TRUE;
  }
  if (!gst_ice_candidate_line_is_valid (line, error))
    return FALSE;
  if (count_remote_candidate (self))
    g_ptr_array_add (self->early_candidates, g_strdup (line));
  return TRUE;
}

/* From any thread: ICE has a pair (or a connected session is restarting)
 * and, with encryption, the peer is authenticated. */
gboolean
gst_ice_session_is_connected (GstIceSession * self)
{
  return (g_atomic_int_get (&self->connected) ||
      g_atomic_int_get (&self->restarting)) && (self->dtls_context == NULL
      || g_atomic_int_get (&self->dtls_connected));
}

/* From the main context: whether a pair ever worked. */
gboolean
gst_ice_session_was_connected (GstIceSession * self)
{
  return self->was_connected;
}

/**
 * gst_ice_session_send_prefixed:
 * @prefix: (nullable): bytes that go in front of @buffer, e.g. loss
 *   recovery's header
 * @buffer: (nullable): the rest of the datagram
 * @counted: whether it counts as one of the stream's packets in the
 *   statistics (a retransmission or a report does not)
 *
 * Plaintext sessions: sends @prefix and @buffer as one packet, the
 * buffer's memories gathered by the kernel, not copied here.
 *
 * Returns: %FALSE when it could not be sent now; the packet is then
 *   dropped (and counted, if @counted).
 */
gboolean
gst_ice_session_send_prefixed (GstIceSession * self, const guint8 * prefix,
    gsize prefix_size, GstBuffer * buffer, gboolean counted)
{
  GstMapInfo maps[MAX_SEND_MEMORIES];
  GOutputVector vectors[MAX_SEND_MEMORIES + 1];
  NiceOutputMessage message;
  guint n_memories = buffer ? gst_buffer_n_memory (buffer) : 0, i;
  guint first = prefix_size > 0 ? 1 : 0;
  gsize size = prefix_size;
  gint sent;

  if (first) {
    vectors[0].buffer = prefix;
    vectors[0].size = prefix_size;
  }
  if (n_memories > MAX_SEND_MEMORIES) {
    if (!gst_buffer_map (buffer, &maps[0], GST_MAP_READ))
      goto dropped;
    vectors[first].buffer = maps[0].data;
    vectors[first].size = maps[0].size;
    size += maps[0].size;
    message.n_buffers = first + 1;
  } else {
    for (i = 0; i < n_memories; i++) {
      GstMemory *mem = gst_buffer_peek_memory (buffer, i);

      if (!gst_memory_map (mem, &maps[i], GST_MAP_READ)) {
        while (i-- > 0)
          gst_memory_unmap (maps[i].memory, &maps[i]);
        goto dropped;
      }
      vectors[first + i].buffer = maps[i].data;
      vectors[first + i].size = maps[i].size;
      size += maps[i].size;
    }
    message.n_buffers = first + n_memories;
  }
  message.buffers = vectors;

  sent = nice_agent_send_messages_nonblocking (self->agent,
      g_atomic_int_get (&self->stream_id), 1, &message, 1, NULL, NULL);

  if (n_memories > MAX_SEND_MEMORIES) {
    gst_buffer_unmap (buffer, &maps[0]);
  } else {
    for (i = 0; i < n_memories; i++)
      gst_memory_unmap (maps[i].memory, &maps[i]);
  }

  if (sent != 1)
    goto dropped;
  if (counted) {
    counter_add (&self->bytes_sent, size);
    counter_add (&self->packets_sent, 1);
  }
  return TRUE;

dropped:
  if (counted)
    counter_add (&self->packets_dropped, 1);
  GST_LOG_OBJECT (self, "dropped a packet of %" G_GSIZE_FORMAT " bytes",
      prefix_size + (buffer ? gst_buffer_get_size (buffer) : 0));
  return FALSE;
}

/* the DTLS connection's records of one send_list(), in one libnice call
 * per SEND_BATCH; stops at the first that does not leave (the socket is
 * full), so what was sent is the first records */
static guint
on_dtls_transmit_records (const GOutputVector * records, guint n,
    gpointer user_data)
{
  GstIceSession *self = user_data;
  NiceOutputMessage messages[SEND_BATCH];
  guint done = 0, i;

  while (done < n) {
    guint batch = MIN (n - done, SEND_BATCH);
    gint sent;

    for (i = 0; i < batch; i++) {
      messages[i].buffers = (GOutputVector *) & records[done + i];
      messages[i].n_buffers = 1;
    }
    sent = nice_agent_send_messages_nonblocking (self->agent,
        g_atomic_int_get (&self->stream_id), 1, messages, batch, NULL, NULL);
    done += MAX (sent, 0);
    if (sent != (gint) batch)
      break;
  }
  if (done < n)
    g_atomic_int_add (&self->dtls_datagrams_dropped, n - done);
  return done;
}

/**
 * gst_ice_session_send_sealed:
 * @data: one datagram's bytes, contiguous
 * @counted: whether it counts as one of the stream's packets in the
 *   statistics (a retransmission or a report does not)
 *
 * Encrypting sessions: seals @data as one DTLS record and sends it.
 *
 * Returns: %FALSE when it could not be sent now (handshake not done,
 *   socket full); the packet is then dropped (and counted, if @counted).
 */
gboolean
gst_ice_session_send_sealed (GstIceSession * self, const guint8 * data,
    gsize size, gboolean counted)
{
  GOutputVector payload = { data, size };

  if (!g_atomic_int_get (&self->dtls_connected) ||
      gst_ice_dtls_connection_send_list (self->dtls, &payload, 1,
          on_dtls_transmit_records, NULL) != 1)
    goto dropped;
  if (counted) {
    counter_add (&self->bytes_sent, size);
    counter_add (&self->packets_sent, 1);
  }
  return TRUE;

dropped:
  if (counted)
    counter_add (&self->packets_dropped, 1);
  GST_LOG_OBJECT (self, "dropped a packet of %" G_GSIZE_FORMAT " bytes", size);
  return FALSE;
}

/* One plaintext message: a prefix (loss recovery's header) or none, then
 * @buffer's memories as they are, or the whole buffer mapped once when it
 * has more than MAX_SEND_MEMORIES. */
typedef struct
{
  GstBuffer *buffer;
  /* as mapped: mapping a writable buffer whole joins its memories into
   * one, so its count afterwards does not say how it was mapped */
  guint n_memories;
  GstMapInfo maps[MAX_SEND_MEMORIES];
  GOutputVector vectors[MAX_SEND_MEMORIES + 1];
  gsize size;
} PlainMessage;

/* Maps @prefix and @buffer into @message for libnice; FALSE when the
 * buffer cannot be read. */
static gboolean
plain_message_map (PlainMessage * pm, NiceOutputMessage * message,
    const guint8 * prefix, gsize prefix_size, GstBuffer * buffer)
{
  guint n_memories = gst_buffer_n_memory (buffer), i;
  guint first = prefix_size > 0 ? 1 : 0;

  pm->buffer = buffer;
  pm->n_memories = n_memories;
  pm->size = prefix_size;
  if (first) {
    pm->vectors[0].buffer = prefix;
    pm->vectors[0].size = prefix_size;
  }
  if (n_memories > MAX_SEND_MEMORIES) {
    if (!gst_buffer_map (buffer, &pm->maps[0], GST_MAP_READ))
      return FALSE;
    pm->vectors[first].buffer = pm->maps[0].data;
    pm->vectors[first].size = pm->maps[0].size;
    pm->size += pm->maps[0].size;
    message->n_buffers = first + 1;
  } else {
    for (i = 0; i < n_memories; i++) {
      GstMemory *mem = gst_buffer_peek_memory (buffer, i);

      if (!gst_memory_map (mem, &pm->maps[i], GST_MAP_READ)) {
        while (i-- > 0)
          gst_memory_unmap (pm->maps[i].memory, &pm->maps[i]);
        return FALSE;
      }
      pm->vectors[first + i].buffer = pm->maps[i].data;
      pm->vectors[first + i].size = pm->maps[i].size;
      pm->size += pm->maps[i].size;
    }
    message->n_buffers = first + n_memories;
  }
  message->buffers = pm->vectors;
  return TRUE;
}

static void
plain_message_unmap (PlainMessage * pm)
{
  guint i;

  if (pm->n_memories > MAX_SEND_MEMORIES) {
    gst_buffer_unmap (pm->buffer, &pm->maps[0]);
  } else {
    for (i = 0; i < pm->n_memories; i++)
      gst_memory_unmap (pm->maps[i].memory, &pm->maps[i]);
  }
}

/* Sends the first @n of @pms (mapped into @messages) in one libnice call,
 * unmaps them and counts them if @counted; returns how many were sent,
 * the others being dropped. */
static guint
send_plain_messages (GstIceSession * self, PlainMessage * pms,
    NiceOutputMessage * messages, guint n, gboolean counted)
{
  gint sent;
  guint i;
  gsize bytes = 0;

  if (n == 0)
    return 0;
  sent = nice_agent_send_messages_nonblocking (self->agent,
      g_atomic_int_get (&self->stream_id), 1, messages, n, NULL, NULL);
  if (sent < 0)
    sent = 0;
  for (i = 0; i < n; i++) {
    plain_message_unmap (&pms[i]);
    if (i < (guint) sent)
      bytes += pms[i].size;
  }
  if ((guint) sent < n)
    GST_LOG_OBJECT (self, "dropped %u of %u packets", n - (guint) sent, n);
  if (counted) {
    counter_add (&self->bytes_sent, bytes);
    counter_add (&self->packets_sent, sent);
    counter_add (&self->packets_dropped, n - sent);
  }
  return sent;
}

/**
 * gst_ice_session_send_prefixed_list:
 * @prefixes: (nullable) (array): @n prefixes of @prefix_size bytes each,
 *   one after the other: the first goes in front of the first buffer, etc.
 * @buffers: (array length=n): datagrams, one per buffer
 * @counted: whether they count as the stream's packets in the statistics
 *   (retransmissions do not)
 *
 * Plaintext sessions: sends each buffer, its prefix in front, as one
 * packet: up to SEND_BATCH of them in each
 * nice_agent_send_messages_nonblocking() call (one agent lock, one
 * lookup of the selected pair and one sendmmsg() for all), the prefix
 * and the buffer's memories gathered by the kernel, not copied here.
 *
 * Returns: how many were sent; the others are dropped and counted.
 */
guint
gst_ice_session_send_prefixed_list (GstIceSession * self,
    const guint8 * prefixes, gsize prefix_size, GstBuffer * const *buffers,
    guint n, gboolean counted)
{
  PlainMessage pms[SEND_BATCH];
  NiceOutputMessage messages[SEND_BATCH];
  guint i, queued = 0, sent = 0;

  for (i = 0; i < n; i++) {
    if (!plain_message_map (&pms[queued], &messages[queued],
            prefixes ? prefixes + i * prefix_size : NULL,
            prefixes ? prefix_size : 0, buffers[i])) {
      if (counted)
        counter_add (&self->packets_dropped, 1);
      continue;
    }
    if (++queued == SEND_BATCH) {
      sent += send_plain_messages (self, pms, messages, queued, counted);
      queued = 0;
    }
  }
  sent += send_plain_messages (self, pms, messages, queued, counted);
  return sent;
}

/**
 * gst_ice_session_send_sealed_list:
 * @payloads: (array length=n): datagrams' bytes, each contiguous
 * @counted: whether they count as the stream's packets in the statistics
 *   (retransmissions do not)
 *
 * Encrypting sessions: seals each payload as one DTLS record, all under
 * the connection's lock, and sends the records in one libnice call per
 * SEND_BATCH.
 *
 * Returns: how many were sent; the others are dropped and counted.
 */
guint
gst_ice_session_send_sealed_list (GstIceSession * self,
    const GOutputVector * payloads, guint n, gboolean counted)
{
  GOutputVector *sealable = NULL;
  guint sent = 0, i, good = n;
  gsize bytes = 0;

  if (n == 0)
    return 0;
  /* a record carries 1 to GST_ICE_DTLS_MAX_RECORD_SIZE bytes, and the
   * connection refuses a list with any other: only that one is dropped */
  for (i = 0; i < n && good == n; i++)
    if (payloads[i].size == 0 || payloads[i].size >
        GST_ICE_DTLS_MAX_RECORD_SIZE)
      good = i;
  if (good < n) {
    sealable = g_new (GOutputVector, n);
    for (i = 0, good = 0; i < n; i++) {
      if (payloads[i].size > 0 &&
          payloads[i].size <= GST_ICE_DTLS_MAX_RECORD_SIZE)
        sealable[good++] = payloads[i];
      else
        GST_WARNING_OBJECT (self, "cannot seal a packet of %" G_GSIZE_FORMAT
            " bytes in one DTLS record (1 to %d): dropped", payloads[i].size,
            GST_ICE_DTLS_MAX_RECORD_SIZE);
    }
    payloads = sealable;
  }
  if (good > 0 && g_atomic_int_get (&self->dtls_connected))
    sent = gst_ice_dtls_connection_send_list (self->dtls, payloads, good,
        on_dtls_transmit_records, NULL);
  if (sent < n)
    GST_LOG_OBJECT (self, "dropped %u of %u packets", n - sent, n);
  if (counted) {
    for (i = 0; i < sent; i++)
      bytes += payloads[i].size;
    counter_add (&self->bytes_sent, bytes);
    counter_add (&self->packets_sent, sent);
    counter_add (&self->packets_dropped, n - sent);
  }
  g_free (sealable);
  return sent;
}

/**
 * gst_ice_session_send_list:
 * @list: datagrams, one per buffer
 *
 * Sends every buffer of @list as one packet, from the streaming thread,
 * SEND_BATCH of them at a time in one libnice call: in plaintext as
 * gst_ice_session_send_prefixed_list() does, encrypting as
 * gst_ice_session_send_sealed_list() does.  Not for a session with loss
 * recovery, which numbers each buffer first
 * (gst_ice_transport_send_list()).
 *
 * Returns: how many were sent; the others are dropped and counted.
 */
guint
gst_ice_session_send_list (GstIceSession * self, GstBufferList * list)
{
  guint n = gst_buffer_list_length (list), i, j, queued, sent = 0;
  GstBuffer *buffers[SEND_BATCH];
  GstMapInfo maps[SEND_BATCH];
  GOutputVector payloads[SEND_BATCH];

  for (i = 0; i < n;) {
    for (queued = 0; queued < SEND_BATCH && i < n; i++) {
      GstBuffer *buffer = gst_buffer_list_get (list, i);

      if (self->dtls_context != NULL) {
        if (!gst_buffer_map (buffer, &maps[queued], GST_MAP_READ)) {
          counter_add (&self->packets_dropped, 1);
          continue;
        }
        payloads[queued].buffer = maps[queued].data;
        payloads[queued].size = maps[queued].size;
      }
      buffers[queued++] = buffer;
    }
    if (self->dtls_context == NULL) {
      sent += gst_ice_session_send_prefixed_list (self, NULL, 0, buffers,
          queued, TRUE);
    } else {
      sent += gst_ice_session_send_sealed_list (self, payloads, queued, TRUE);
      for (j = 0; j < queued; j++)
        gst_buffer_unmap (buffers[j], &maps[j]);
    }
  }
  return sent;
}

/**
 * gst_ice_session_send_data:
 * @data: one buffer's bytes, contiguous
 *
 * Encrypting sessions: seals @data as one DTLS record and sends it.
 * Called from the streaming thread; the transport maps a buffer once for
 * all its consumers and hands each session the same bytes.
 *
 * Returns: %FALSE when it could not be sent now (handshake not done,
 *   socket full); the packet is then dropped and counted.
 */
gboolean
gst_ice_session_send_data (GstIceSession * self, const guint8 * data,
    gsize size)
{
  return gst_ice_session_send_sealed (self, data, size, TRUE);
}

/**
 * gst_ice_session_send:
 * @buffer: one datagram
 *
 * Sends @buffer as one packet on the selected pair, from the streaming
 * thread: as it is, without copying it, or sealed in one DTLS record.
 *
 * Returns: %FALSE when it could not be sent now (no pair yet, socket
 *   full); the packet is then dropped and counted.
 */
gboolean
gst_ice_session_send (GstIceSession * self, GstBuffer * buffer)
{
  GstMapInfo map;
  gboolean sent;

  if (self->dtls_context == NULL)
    return gst_ice_session_send_prefixed (self, NULL, 0, buffer, TRUE);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    counter_add (&self->packets_dropped, 1);
    return FALSE;
  }
  sent = gst_ice_session_send_data (self, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  return sent;
}

/**
 * gst_ice_session_set_arq:
 * @arq: loss recovery's state for this session
 * @destroy: frees it when the session is finalized
 *
 * In the main context, once, before the session connects.
 */
void
gst_ice_session_set_arq (GstIceSession * self, gpointer arq,
    GDestroyNotify destroy)
{
  g_return_if_fail (self->arq == NULL);
  self->arq_destroy = destroy;
  g_atomic_pointer_set (&self->arq, arq);
}

/* From any thread: loss recovery's state, or %NULL without it. */
gpointer
gst_ice_session_get_arq (GstIceSession * self)
{
  return g_atomic_pointer_get (&self->arq);
}

/* the DTLS association's state, cipher and the peer's fingerprint; from
 * any thread */
static void
add_dtls_stats (GstIceSession * self, GstStructure * stats)
{
  GstIceDtlsConnection *dtls = NULL;
  GstIceDtlsState state = GST_ICE_DTLS_STATE_NEW;
  gchar *fingerprint;

  GST_OBJECT_LOCK (self);
  if (self->dtls)
    dtls = gst_object_ref (self->dtls);
  GST_OBJECT_UNLOCK (self);
  if (dtls)
    state = gst_ice_dtls_connection_get_state (dtls);

  gst_structure_set (stats, "dtls-state", G_TYPE_STRING,
      gst_ice_dtls_state_to_string (state), "packets-rejected", G_TYPE_UINT64,
      counter_get (&self->packets_rejected), NULL);
  if (state == GST_ICE_DTLS_STATE_CONNECTED) {
    fingerprint = gst_ice_dtls_connection_get_peer_fingerprint (dtls);
    gst_structure_set (stats, "dtls-cipher", G_TYPE_STRING,
        gst_ice_dtls_connection_get_cipher (dtls),
        "dtls-peer-fingerprint", G_TYPE_STRING, fingerprint, NULL);
    g_free (fingerprint);
  }
  if (dtls)
    gst_object_unref (dtls);
}

/**
 * gst_ice_session_get_stats:
 *
 * Returns: (transfer full): an `ice-session-stats` structure: session-id,
 *   peer-id, state, the selected pair's fields (when there is one),
 *   bytes-sent, packets-sent, packets-dropped, bytes-received,
 *   packets-received and, when encrypting, dtls-state, packets-rejected
 *   (packets that were not DTLS records) and, once connected, dtls-cipher
 *   and dtls-peer-fingerprint; in the reliable transfer mode,
 *   transfer-mode, stream-state, stream-bytes-written and
 *   stream-bytes-read (gst_ice_reliable_add_stats()).  libnice 0.1.21 does not expose the
 *   round-trip time of its checks, so there is no rtt field.
 */
GstStructure *
gst_ice_session_get_stats (GstIceSession * self)
{
  GstStructure *stats;

  stats = gst_structure_new ("ice-session-stats",
      "session-id", G_TYPE_STRING, self->id,
      "peer-id", G_TYPE_STRING, self->peer_id,
      "state", G_TYPE_STRING,
      nice_component_state_to_string (nice_agent_get_component_state
          (self->agent, self->stream_id, 1)),
      "bytes-sent", G_TYPE_UINT64, counter_get (&self->bytes_sent),
      "packets-sent", G_TYPE_UINT64, counter_get (&self->packets_sent),
      "packets-dropped", G_TYPE_UINT64, counter_get (&self->packets_dropped),
      "bytes-received", G_TYPE_UINT64, counter_get (&self->bytes_received),
      "packets-received", G_TYPE_UINT64, counter_get (&self->packets_received),
      NULL);
  if (self->dtls_context)
    add_dtls_stats (self, stats);
  if (self->reliable)
    gst_ice_reliable_add_stats (self->reliable, stats);

  GST_OBJECT_LOCK (self);
  if (self->selected_pair) {
    gint i, n = gst_structure_n_fields (self->selected_pair);

    for (i = 0; i < n; i++) {
      const gchar *field = gst_structure_nth_field_name (self->selected_pair,
          i);
      gst_structure_set_value (stats, field,
          gst_structure_get_value (self->selected_pair, field));
    }
  }
  GST_OBJECT_UNLOCK (self);

  return stats;
}

static void
append_candidates (GString * out, GSList * candidates)
{
  GSList *l;

  for (l = candidates; l; l = l->next) {
    NiceCandidate *c = l->data;
    gchar addr[NICE_ADDRESS_STRING_LEN];

    nice_address_to_string (&c->addr, addr);
    g_string_append_printf (out, " %s %s:%u/%s", candidate_type_name (c->type),
        addr, nice_address_get_port (&c->addr),
        candidate_transport_name (c->transport));
  }
  if (candidates == NULL)
    g_string_append (out, " none");
}

/**
 * gst_ice_session_describe_candidates:
 *
 * Returns: (transfer full): both sides' candidates in one line, for error
 *   messages that must let a user see why no pair worked.
 */
gchar *
gst_ice_session_describe_candidates (GstIceSession * self)
{
  GString *out = g_string_new ("local candidates:");
  GSList *list;

  list = nice_agent_get_local_candidates (self->agent, self->stream_id, 1);
  append_candidates (out, list);
  g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);

  g_string_append (out, "; remote candidates:");
  list = nice_agent_get_remote_candidates (self->agent, self->stream_id, 1);
  append_candidates (out, list);
  g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);

  return g_string_free (out, FALSE);
}

/* A closing agent still reads its sockets, for the TURN servers' answers
 * to its deallocations (libnice handles those before calling this); what
 * the peer still sends is dropped. */
static void
on_receive_closed (NiceAgent * agent, guint stream_id, guint component_id,
    guint len, gchar * buf, gpointer user_data)
{
}

/* Once per nice_agent_close_async(); the last one tells the owner: an
 * earlier one would leave the others waiting in a context nobody may
 * iterate any more. */
static void
on_agent_closed (GObject * agent, GAsyncResult * result, gpointer user_data)
{
  GstIceSession *self = user_data;

  if (--self->closes == 0) {
    GST_DEBUG_OBJECT (self, "agent closed");
    if (self->close_again) {
      g_source_destroy (self->close_again);
      g_clear_pointer (&self->close_again, g_source_unref);
    }
    if (self->closed_func)
      self->closed_func (self, self->closed_data);
  }
  gst_object_unref (self);
}

/* libnice 0.1.21's close deallocates the TURN allocations it has when it
 * starts and calls back once its list of allocations is empty; one that a
 * server grants while the agent closes (it was still gathering) is added
 * to that list, refreshed, and the close never calls back.  A new close
 * deallocates it too, and both call back once it is gone. */
static gboolean
close_again (gpointer user_data)
{
  GstIceSession *self = user_data;

  GST_INFO_OBJECT (self, "agent not closed after %u ms: closing again, for "
      "TURN allocations made since", CLOSE_AGAIN_MS);
  self->closes++;
  nice_agent_close_async (self->agent, on_agent_closed, gst_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/**
 * gst_ice_session_close:
 * @done: (nullable): called once the agent released its TURN allocations;
 *   its sockets close when the last reference to the session goes
 *
 * Stops the session: no more signals or received packets.  libnice
 * deallocates TURN relays asynchronously, so the main context has to run
 * until @done is called: at once without TURN, a round trip with a TURN
 * server that answers, 2 s (libnice's retransmissions) with one that does
 * not, some more if an allocation was granted meanwhile.  Until then the
 * close holds a reference to the session.
 */
void
gst_ice_session_close (GstIceSession * self, GstIceSessionClosedFunc done,
    gpointer user_data)
{
  g_atomic_int_set (&self->connected, FALSE);
  /* a stream that did not end is cut: its peer learns it from the session */
  if (self->reliable)
    gst_ice_reliable_close (self->reliable);
  /* tell the peer while the agent can still send */
  if (self->dtls)
    gst_ice_dtls_connection_close (self->dtls);
  self->receive_func = NULL;
  self->closed_func = done;
  self->closed_data = user_data;
  g_signal_handlers_disconnect_by_data (self->agent, self);
  nice_agent_attach_recv (self->agent, self->stream_id, 1, self->context,
      on_receive_closed, NULL);

  self->close_again = g_timeout_source_new (CLOSE_AGAIN_MS);
  g_source_set_callback (self->close_again, close_again, self, NULL);
  g_source_attach (self->close_again, self->context);
  self->closes++;
  nice_agent_close_async (self->agent, on_agent_closed, gst_object_ref (self));
}
