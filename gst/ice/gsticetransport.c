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
 * SECTION:gsticetransport
 * @title: GstIceTransport
 * @short_description: the ICE transport icesink and icesrc share
 *
 * #GstIceTransport owns what both elements need: the settings (the shared
 * properties, in gsticetransportsettings.c), the signaller, one
 * #GstIceSession per peer and the thread they run in.  What differs
 * between the two elements is a #GstIceTransportRole: the producer side
 * (gsticeproducer.c) answers many consumers and fans the stream out; the
 * consumer side (gsticeconsumer.c) follows one producer and reconnects.
 *
 * Threads: between start and stop the transport runs a thread with its
 * own GMainContext.  The signaller, the signalling server, the libnice
 * agents and every field marked "transport thread" live there.  The
 * streaming thread only calls gst_ice_transport_send(), which reads the
 * connected sessions under @sessions_lock.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticetransportprivate.h>
#include <gst/ice/turn/gsticeturnrelay.h>
#include <gst/ice/turn/gsticeturntls.h>
#include <openssl/ssl.h>

GST_DEBUG_CATEGORY (gst_ice_transport_debug);
#define GST_CAT_DEFAULT gst_ice_transport_debug

/* how long stop() lets libnice release TURN allocations; what is still
 * closing then is finished in the background (see finish_closing()) */
#define CLOSE_TIMEOUT_MS 1000
/* libnice gives up on an unanswered TURN deallocation after 2 s; a close
 * still pending this long after stop is given up on, and leaks */
#define CLOSE_GIVE_UP_S 60
/* libnice stays in "connecting" when there is no candidate pair at all
 * (relay-only with a TURN server that refuses us, all candidates
 * filtered), so a session with no working pair by then has failed */
#define CONNECT_TIMEOUT_S 20
/* how often each session's statistics go to a signaller that takes them
 * (a signalling server's status page shows them) */
#define STATS_REPORT_INTERVAL_S 2
/* the slowest Ta a session gets when others check at the same time:
 * libnice's default */
#define MAX_CHECK_PACING_MS 20

G_DEFINE_TYPE_WITH_CODE (GstIceTransport, gst_ice_transport, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_ice_transport_debug, "icetransport", 0,
        "ICE transport shared by icesink and icesrc"));

static void gst_ice_transport_finalize (GObject * object);
static void close_session (GstIceTransport * self, const gchar * session_id);

static void
gst_ice_transport_class_init (GstIceTransportClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_transport_finalize;
}

static void
gst_ice_transport_init (GstIceTransport * self)
{
  self->signaller_handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
  self->timers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_source_unref);
  self->producer.requests_waiting_for_caps =
      g_ptr_array_new_with_free_func (g_free);
  self->consumer.listed_producers = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  g_mutex_init (&self->sessions_lock);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      gst_object_unref);
  self->connected = g_ptr_array_new_with_free_func (gst_object_unref);
  self->turn_failures = g_ptr_array_new_with_free_func (g_free);
}

static void
gst_ice_transport_finalize (GObject * object)
{
  GstIceTransport *self = GST_ICE_TRANSPORT (object);

  if (self->settings)
    gst_ice_transport_settings_free (self->settings);
  gst_caps_replace (&self->caps, NULL);
  g_array_unref (self->signaller_handlers);
  g_ptr_array_unref (self->timers);
  g_ptr_array_unref (self->producer.requests_waiting_for_caps);
  g_hash_table_unref (self->consumer.listed_producers);
  g_hash_table_unref (self->sessions);
  g_ptr_array_unref (self->connected);
  g_ptr_array_unref (self->turn_failures);
  g_free (self->arq_scratch);
  g_free (self->stun_problem);
  g_mutex_clear (&self->sessions_lock);

  G_OBJECT_CLASS (gst_ice_transport_parent_class)->finalize (object);
}

/* how the child proxy finds an element's transport */
static GQuark
transport_quark (void)
{
  return g_quark_from_static_string ("gst-ice-transport");
}

/**
 * gst_ice_transport_install_properties:
 * @role: producer (icesink) or consumer (icesrc)
 *
 * Installs the transport's properties on an element class; the element's
 * set_property and get_property hand them to gst_ice_transport_set_property
 * and gst_ice_transport_get_property.
 */
void
gst_ice_transport_install_properties (GObjectClass * klass,
    GstIceSignallerRole role)
{
  gst_ice_transport_settings_install_properties (klass, role);
}

/**
 * gst_ice_transport_new:
 * @element: the element that owns the transport; errors and messages are
 *   posted on it
 *
 * Returns: (transfer full): a transport with the default settings and a
 *   WebSocket signaller.
 */
GstIceTransport *
gst_ice_transport_new (GstElement * element, GstIceSignallerRole role,
    const GstIceTransportCallbacks * callbacks)
{
  GstIceTransport *self;

  self = g_object_new (GST_TYPE_ICE_TRANSPORT, NULL);
  gst_object_ref_sink (self);
  self->element = element;
  self->role_id = role;
  self->settings = gst_ice_transport_settings_new (role);
  self->role = role == GST_ICE_SIGNALLER_ROLE_PRODUCER ?
      &gst_ice_producer_role : &gst_ice_consumer_role;
  self->callbacks = *callbacks;
  g_object_set_qdata (G_OBJECT (element), transport_quark (), self);
  return self;
}

gboolean
gst_ice_transport_set_property (GstIceTransport * self, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  return gst_ice_transport_settings_set_property (self->settings, prop_id,
      value);
}

static GstStructure *
collect_stats (GstIceTransport * self)
{
  GstStructure *stats = gst_structure_new_empty ("ice-stats");
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->sessions_lock);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    GstStructure *session_stats = gst_ice_session_get_stats (value);

    gst_ice_transport_arq_add_stats (self, value, session_stats);

    gst_structure_set (stats, (const gchar *) key, GST_TYPE_STRUCTURE,
        session_stats, NULL);
    gst_structure_free (session_stats);
  }
  g_mutex_unlock (&self->sessions_lock);
  return stats;
}

gboolean
gst_ice_transport_get_property (GstIceTransport * self, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (prop_id == GST_ICE_TRANSPORT_PROP_STATS) {
    g_value_take_boxed (value, collect_stats (self));
    return TRUE;
  }
  if (prop_id == GST_ICE_TRANSPORT_PROP_PEER_ID) {
    gchar *active;

    /* while running, the id in use, made up or not */
    GST_OBJECT_LOCK (self);
    active = g_strdup (self->active_peer_id);
    GST_OBJECT_UNLOCK (self);
    if (active) {
      g_value_take_string (value, active);
      return TRUE;
    }
  }
  return gst_ice_transport_settings_get_property (self->settings, prop_id,
      value);
}

/**
 * gst_ice_transport_get_signaller:
 *
 * Returns: (transfer full): the signaller, for GstChildProxy.
 */
GstIceSignaller *
gst_ice_transport_get_signaller (GstIceTransport * self)
{
  return gst_ice_transport_settings_get_signaller (self->settings);
}

/**
 * gst_ice_transport_prepare:
 *
 * NULL to READY: checks every setting, posting an element error that names
 * the bad value.
 */
gboolean
gst_ice_transport_prepare (GstIceTransport * self)
{
  return gst_ice_transport_settings_check (self->settings, self->element);
}

/* --- for the roles ------------------------------------------------------- */

gboolean
gst_ice_transport_is_shutting_down (GstIceTransport * self)
{
  return g_atomic_int_get (&self->shutting_down);
}

/**
 * gst_ice_transport_dup_sessions:
 *
 * Returns: (transfer full): the sessions now, each reffed
 */
GPtrArray *
gst_ice_transport_dup_sessions (GstIceTransport * self)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func (gst_object_unref);
  GHashTableIter iter;
  gpointer session;

  g_mutex_lock (&self->sessions_lock);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    g_ptr_array_add (sessions, gst_object_ref (session));
  g_mutex_unlock (&self->sessions_lock);
  return sessions;
}

/* Connects @handler (called with the transport as data) to @signal of the
 * active signaller, until the transport shuts down. */
void
gst_ice_transport_connect_signaller (GstIceTransport * self,
    const gchar * signal, GCallback handler)
{
  gulong id = g_signal_connect (self->active_signaller, signal, handler,
      self);

  g_array_append_val (self->signaller_handlers, id);
}

GstIceSession *
gst_ice_transport_lookup_session (GstIceTransport * self,
    const gchar * session_id)
{
  GstIceSession *session;

  g_mutex_lock (&self->sessions_lock);
  session = g_hash_table_lookup (self->sessions, session_id);
  g_mutex_unlock (&self->sessions_lock);
  return session;
}

/* A timer about one session or one producer, which may be gone when it
 * fires. */
typedef struct
{
  GstIceTransport *transport;
  gchar *id;
  GstIceTransportTimerFunc func;
} Timer;

static void
timer_free (gpointer data)
{
  Timer *timer = data;

  g_free (timer->id);
  g_free (timer);
}

static gboolean
timer_fired (gpointer data)
{
  Timer *timer = data;

  return timer->func (timer->transport, timer->id);
}

/**
 * gst_ice_transport_add_timer:
 * @id: a session or peer id, handed to @func
 *
 * Calls @func in the transport thread after @seconds, until it returns
 * %G_SOURCE_REMOVE or the transport stops.
 */
void
gst_ice_transport_add_timer (GstIceTransport * self, const gchar * id,
    guint seconds, GstIceTransportTimerFunc func)
{
  Timer *timer = g_new0 (Timer, 1);
  GSource *source = g_timeout_source_new_seconds (seconds);
  guint i;

  timer->transport = self;
  timer->id = g_strdup (id);
  timer->func = func;
  g_source_set_callback (source, timer_fired, timer, timer_free);
  g_source_attach (source, self->context);

  /* kept until stop (which destroys them): the context may outlive the
   * transport (finish_closing()) and must not fire them then */
  for (i = self->timers->len; i-- > 0;) {
    if (g_source_is_destroyed (g_ptr_array_index (self->timers, i)))
      g_ptr_array_remove_index_fast (self->timers, i);
  }
  g_ptr_array_add (self->timers, source);
}

/**
 * gst_ice_transport_end_session:
 *
 * Ends @session_id: the peer is told through the signaller, the session
 * closed.
 */
void
gst_ice_transport_end_session (GstIceTransport * self, const gchar * session_id)
{
  gchar *id = g_strdup (session_id);

  gst_ice_signaller_end_session (self->active_signaller, id);
  close_session (self, id);
  g_free (id);
}

/**
 * gst_ice_transport_report_failure:
 * @fatal: an element error (the consumer cannot go on) rather than a
 *   warning (a producer serves its other consumers)
 *
 * Tells the user that no candidate pair of @session worked, with both
 * sides' candidates and what would help.
 */
void
gst_ice_transport_report_failure (GstIceTransport * self,
    GstIceSession * session, gboolean fatal)
{
  gchar *candidates = gst_ice_session_describe_candidates (session);
  const gchar *other = fatal ? "producer" : "consumer";
  gchar *hint, *turn_hint;

  if (self->turn_failures->len > 0) {
    g_ptr_array_add (self->turn_failures, NULL);
    turn_hint = g_strjoinv ("; ", (gchar **) self->turn_failures->pdata);
    g_ptr_array_remove_index (self->turn_failures,
        self->turn_failures->len - 1);
  } else {
    turn_hint = g_strdup (self->config.session.turn_servers->len > 0 ?
        "the TURN servers in turn-servers gave no working relay either: "
        "check their address, credentials and that the peer can reach them" :
        "a peer behind a symmetric NAT or a firewall that blocks UDP needs "
        "a TURN server: set turn-servers on both sides");
  }
  /* a STUN server that cannot be trusted comes first: with a working one
   * a TURN server may not have been needed */
  hint = self->stun_problem ? g_strconcat (self->stun_problem, "; ",
      turn_hint, NULL) : g_strdup (turn_hint);
  g_free (turn_hint);

  if (fatal) {
    GST_ELEMENT_ERROR (self->element, RESOURCE, OPEN_READ,
        ("ICE failed with %s '%s': no candidate pair worked; %s", other,
            gst_ice_session_get_peer_id (session), hint),
        ("session %s, %s", gst_ice_session_get_id (session), candidates));
  } else {
    GST_ELEMENT_WARNING (self->element, RESOURCE, OPEN_WRITE,
        ("ICE failed with %s '%s': no candidate pair worked; %s", other,
            gst_ice_session_get_peer_id (session), hint),
        ("session %s, %s", gst_ice_session_get_id (session), candidates));
  }
  g_free (candidates);
  g_free (hint);
}

/* --- sessions ------------------------------------------------------------ */

/**
 * gst_ice_transport_post_session_message:
 * @s: (transfer full): the message's structure; the session's id and peer
 *   id are added
 *
 * Posts an element message about @session on the element.
 */
void
gst_ice_transport_post_session_message (GstIceTransport * self,
    GstIceSession * session, GstStructure * s)
{
  gst_structure_set (s, "session-id", G_TYPE_STRING,
      gst_ice_session_get_id (session), "peer-id", G_TYPE_STRING,
      gst_ice_session_get_peer_id (session), NULL);
  gst_element_post_message (self->element,
      gst_message_new_element (GST_OBJECT (self->element), s));
}

static void
update_connected (GstIceTransport * self, GstIceSession * session,
    gboolean connected)
{
  GPtrArray *next;
  gboolean was_connected = FALSE;
  guint i;

  /* copy on write: the streaming thread may be sending to the old array */
  g_mutex_lock (&self->sessions_lock);
  next = g_ptr_array_new_with_free_func (gst_object_unref);
  for (i = 0; i < self->connected->len; i++) {
    GstIceSession *s = g_ptr_array_index (self->connected, i);

    if (s == session)
      was_connected = TRUE;
    else
      g_ptr_array_add (next, gst_object_ref (s));
  }
  if (connected)
    g_ptr_array_add (next, gst_object_ref (session));
  g_ptr_array_unref (self->connected);
  self->connected = next;
  g_mutex_unlock (&self->sessions_lock);

  if (connected && !was_connected && self->callbacks.peer_connected)
    self->callbacks.peer_connected (self->element, session);
  else if (!connected && was_connected && self->callbacks.peer_disconnected)
    self->callbacks.peer_disconnected (self->element, session);
}

/* --- closing -------------------------------------------------------------
 *
 * A session's agent closes asynchronously: libnice deallocates its TURN
 * allocations, retrying for 2 s when the server does not answer, and only
 * then calls back (holding the session, and through its agent the
 * context, until it does).  stop() waits CLOSE_TIMEOUT_MS for that;
 * whatever is still closing then is handed to a thread of its own that
 * iterates the context until the last close is done, so that PLAYING to
 * NULL stays quick and every agent, socket and the context itself are
 * still released.  That thread only sees this structure, never the
 * transport, which may be gone by then: the transport's own sources (its
 * timers) are destroyed before it starts.
 *
 * Owned by whichever thread iterates the run's context: the transport
 * thread, then stop(), then finish_closing(); the reference count is
 * atomic (a GAtomicRcBox).
 */
typedef struct _GstIceTransportClosing
{
  GMainContext *context;
  GMainLoop *loop;
  guint sessions;               /* whose close has not called back */
  gboolean stopping;            /* quit the loop when none is left */
  GSource *deadline;
} GstIceTransportClosing;

static GstIceTransportClosing *
closing_new (GMainContext * context, GMainLoop * loop)
{
  GstIceTransportClosing *closing =
      g_atomic_rc_box_new0 (GstIceTransportClosing);

  closing->context = g_main_context_ref (context);
  closing->loop = g_main_loop_ref (loop);
  return closing;
}

static void
closing_clear (gpointer data)
{
  GstIceTransportClosing *closing = data;

  if (closing->deadline) {
    g_source_destroy (closing->deadline);
    g_source_unref (closing->deadline);
  }
  g_main_loop_unref (closing->loop);
  g_main_context_unref (closing->context);
}

static void
closing_unref (GstIceTransportClosing * closing)
{
  g_atomic_rc_box_release_full (closing, closing_clear);
}

static void
closing_set_deadline (GstIceTransportClosing * closing, guint ms,
    GSourceFunc func)
{
  if (closing->deadline) {
    g_source_destroy (closing->deadline);
    g_source_unref (closing->deadline);
  }
  closing->deadline = g_timeout_source_new (ms);
  g_source_set_callback (closing->deadline, func, closing, NULL);
  g_source_attach (closing->deadline, closing->context);
}

static void
on_session_closed (GstIceSession * session, gpointer user_data)
{
  GstIceTransportClosing *closing = user_data;

  if (--closing->sessions == 0 && closing->stopping)
    g_main_loop_quit (closing->loop);
  closing_unref (closing);
}

static gboolean
give_up_closing (gpointer user_data)
{
  GstIceTransportClosing *closing = user_data;

  GST_WARNING ("libnice did not close %u agents in %u s: leaking them",
      closing->sessions, CLOSE_GIVE_UP_S);
  g_main_loop_quit (closing->loop);
  return G_SOURCE_REMOVE;
}

/* The thread that finishes what stop() left closing. */
static gpointer
finish_closing (gpointer user_data)
{
  GstIceTransportClosing *closing = user_data;
  gint64 start = g_get_monotonic_time ();

  g_main_context_push_thread_default (closing->context);
  closing_set_deadline (closing, CLOSE_GIVE_UP_S * 1000, give_up_closing);
  if (closing->sessions > 0)
    g_main_loop_run (closing->loop);
  g_source_destroy (closing->deadline);
  g_clear_pointer (&closing->deadline, g_source_unref);
  while (g_main_context_iteration (closing->context, FALSE));
  g_main_context_pop_thread_default (closing->context);

  GST_DEBUG ("closes finished %" G_GINT64_FORMAT " ms after stop",
      (g_get_monotonic_time () - start) / 1000);
  closing_unref (closing);
  return NULL;
}

static void
close_session (GstIceTransport * self, const gchar * session_id)
{
  GstIceSession *session;

  g_mutex_lock (&self->sessions_lock);
  session = g_hash_table_lookup (self->sessions, session_id);
  if (session)
    gst_object_ref (session);
  g_hash_table_remove (self->sessions, session_id);
  g_mutex_unlock (&self->sessions_lock);
  if (session == NULL)
    return;

  GST_DEBUG_OBJECT (self, "closing session %s", session_id);
  if (self->watches)
    gst_ice_transport_watch_forget (self, session_id);
  g_signal_handlers_disconnect_by_data (session, self);
  update_connected (self, session, FALSE);
  gst_ice_transport_arq_forget (self, session);
  self->closing->sessions++;
  gst_ice_session_close (session, on_session_closed,
      g_atomic_rc_box_acquire (self->closing));
  gst_object_unref (session);
}

static void
on_local_candidate (GstIceSession * session, const gchar * line,
    GstIceTransport * self)
{
  gst_ice_signaller_send_candidate (self->active_signaller,
      gst_ice_session_get_id (session), line);
}

static void
on_selected_pair (GstIceSession * session, const GstStructure * pair,
    GstIceTransport * self)
{
  gst_ice_transport_post_session_message (self, session,
      gst_structure_copy (pair));
}

/* No pair worked: the role tells the user and ends the session. */
static void fail_session (GstIceTransport * self, GstIceSession * session);

/**
 * gst_ice_transport_lose_session:
 *
 * A pair worked, then the peer went away: it closed its DTLS association,
 * or its path broke and no ICE restart can restore it.  The session ends
 * and the role tells the user; no traversal problem.
 */
void
gst_ice_transport_lose_session (GstIceTransport * self, GstIceSession * session)
{
  gchar *session_id = g_strdup (gst_ice_session_get_id (session));
  gchar *peer_id = g_strdup (gst_ice_session_get_peer_id (session));

  GST_INFO_OBJECT (self, "lost the ICE connection with '%s'", peer_id);
  gst_ice_transport_end_session (self, session_id);
  self->role->session_lost (self, session_id, peer_id);
  g_free (session_id);
  g_free (peer_id);
}

static void
on_state_changed (GstIceSession * session, const gchar * state,
    GstIceTransport * self)
{
  gboolean failed = g_strcmp0 (state, "failed") == 0;
  gboolean had_pair = gst_ice_session_was_connected (session);

  gst_ice_transport_post_session_message (self, session,
      gst_structure_new ("ice-state-changed", "state", G_TYPE_STRING, state,
          NULL));
  /* a pair that worked and broke (consent lost): restart, the session
   * still counts as connected meanwhile (or, where the signaller cannot
   * carry a restart, it is lost and closed) */
  if (failed && had_pair && !gst_ice_transport_is_shutting_down (self)) {
    gst_ice_transport_restart_session (self, session, "connection-lost");
    if (gst_ice_transport_lookup_session (self,
            gst_ice_session_get_id (session)) != session)
      return;
  }
  update_connected (self, session, gst_ice_session_is_connected (session));

  if (g_strcmp0 (state, "connected") == 0 || g_strcmp0 (state, "ready") == 0)
    gst_ice_transport_watch_connected (self, session);
  else if (failed && !had_pair)
    fail_session (self, session);
}

/* The session's DTLS association changed: tell the user, and end the
 * session if it failed (the peer is not who it signalled) or the peer
 * closed it. */
static void
on_dtls_state_changed (GstIceSession * session, const gchar * state,
    const gchar * message, GstIceTransport * self)
{
  GstStructure *s = gst_structure_new ("ice-dtls-state-changed", "state",
      G_TYPE_STRING, state, NULL);
  GstStructure *stats;

  if (message)
    gst_structure_set (s, "message", G_TYPE_STRING, message, NULL);
  if (g_strcmp0 (state, "connected") == 0) {
    stats = gst_ice_session_get_stats (session);
    gst_structure_set (s, "cipher", G_TYPE_STRING,
        gst_structure_get_string (stats, "dtls-cipher"), "peer-fingerprint",
        G_TYPE_STRING, gst_structure_get_string (stats,
            "dtls-peer-fingerprint"), NULL);
    gst_structure_free (stats);
  }
  gst_ice_transport_post_session_message (self, session, s);
  update_connected (self, session, gst_ice_session_is_connected (session));

  if (g_strcmp0 (state, "failed") == 0)
    self->role->session_refused (self, session, message);
  else if (g_strcmp0 (state, "closed") == 0)
    gst_ice_transport_lose_session (self, session);
}

static void
fail_session (GstIceTransport * self, GstIceSession * session)
{
  /* once: libnice can report "failed" again while the session lingers */
  g_signal_handlers_disconnect_by_func (session, on_state_changed, self);
  self->role->session_failed (self, session);
}

static gboolean
on_connect_timeout (GstIceTransport * self, const gchar * session_id)
{
  GstIceSession *session = gst_ice_transport_lookup_session (self,
      session_id);

  if (session && !gst_ice_session_is_connected (session)) {
    GST_INFO_OBJECT (session, "no working pair after %u s", CONNECT_TIMEOUT_S);
    fail_session (self, session);
  }
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_transport_create_session:
 *
 * Returns: (transfer none): a new session with @peer_id, in the sessions
 *   table, failed after CONNECT_TIMEOUT_S without a working pair.
 */
GstIceSession *
gst_ice_transport_create_session (GstIceTransport * self,
    const gchar * session_id, const gchar * peer_id)
{
  GstIceSession *session;
  GHashTableIter iter;
  gpointer value;
  guint checking = 1;

  session = gst_ice_session_new (session_id, peer_id,
      self->role_id == GST_ICE_SIGNALLER_ROLE_PRODUCER, self->context,
      &self->config.session);
  /* loss recovery's, which hands the element what is not its own */
  gst_ice_session_set_receive_func (session, gst_ice_transport_arq_receive,
      self);
  g_signal_connect (session, "local-candidate",
      G_CALLBACK (on_local_candidate), self);
  g_signal_connect (session, "state-changed", G_CALLBACK (on_state_changed),
      self);
  g_signal_connect (session, "selected-pair", G_CALLBACK (on_selected_pair),
      self);
  g_signal_connect (session, "dtls-state-changed",
      G_CALLBACK (on_dtls_state_changed), self);

  g_mutex_lock (&self->sessions_lock);
  /* RFC 8445 paces all the sessions' checks as one: those that check
   * at the same time share the interval (a consumer's single session, or
   * the first consumer of a producer, checks alone) */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!gst_ice_session_is_connected (value))
      checking++;
  g_hash_table_insert (self->sessions, g_strdup (session_id), session);
  g_mutex_unlock (&self->sessions_lock);
  if (checking > 1)
    gst_ice_session_set_check_pacing (session,
        MIN (checking * GST_ICE_SESSION_CHECK_PACING_MS, MAX_CHECK_PACING_MS));

  gst_ice_transport_add_timer (self, session_id, CONNECT_TIMEOUT_S,
      on_connect_timeout);
  return session;
}

/**
 * gst_ice_transport_offer_session:
 * @caps: (nullable): the stream's caps, for the consumer
 *
 * Sends our description, then gathers: candidates trickle after it.
 */
void
gst_ice_transport_offer_session (GstIceTransport * self,
    GstIceSession * session, GstCaps * caps)
{
  GError *err = NULL;
  gchar *description;
  gchar *session_id = g_strdup (gst_ice_session_get_id (session));

  description = gst_ice_session_get_local_description (session, caps);
  gst_ice_signaller_send_description (self->active_signaller, session_id,
      description);
  g_free (description);

  if (!gst_ice_session_gather (session, &err)) {
    GST_ELEMENT_WARNING (self->element, RESOURCE, FAILED, ("%s",
            err->message), ("session %s", session_id));
    g_clear_error (&err);
    gst_ice_transport_end_session (self, session_id);
  }
  g_free (session_id);
}

/**
 * gst_ice_transport_accept_description:
 *
 * Gives @session the peer's credentials, candidates and fingerprint.  A
 * peer that cannot be authenticated ends the session, through the role.
 * New credentials in a session that has some are the peer's ICE restart:
 * this side restarts too.
 *
 * Returns: %FALSE (logged or reported) when the session refused them.
 */
gboolean
gst_ice_transport_accept_description (GstIceTransport * self,
    GstIceSession * session, const GstIceDescription * desc)
{
  GError *err = NULL;

  if (gst_ice_session_is_restart (session, desc))
    gst_ice_transport_peer_restarted (self, session);
  if (gst_ice_session_set_remote_description (session, desc, &err)) {
    gst_ice_transport_arq_negotiate (self, session, desc);
    return TRUE;
  }
  if (g_error_matches (err, GST_ICE_ERROR, GST_ICE_ERROR_DTLS) ||
      g_error_matches (err, GST_ICE_ERROR, GST_ICE_ERROR_TRANSFER_MODE))
    self->role->session_refused (self, session, err->message);
  else
    GST_WARNING_OBJECT (self, "ignoring description of session %s: %s",
        gst_ice_session_get_id (session), err->message);
  g_clear_error (&err);
  return FALSE;
}

/* --- signaller handlers both roles use ----------------------------------- */

static void
on_session_description (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * text, GstIceTransport * self)
{
  GstIceDescription *desc;
  GError *err = NULL;

  if (session_id == NULL || text == NULL)
    return;

  desc = gst_ice_description_parse (text, &err);
  if (desc == NULL) {
    GST_WARNING_OBJECT (self, "ignoring description of session %s: %s",
        session_id, err->message);
    g_clear_error (&err);
    return;
  }
  self->role->take_description (self, session_id, desc);
  gst_ice_description_free (desc);
}

static void
on_session_candidate (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * line, GstIceTransport * self)
{
  GstIceSession *session;
  GError *err = NULL;

  if (session_id == NULL || line == NULL)
    return;
  session = gst_ice_transport_lookup_session (self, session_id);
  if (session == NULL) {
    GST_WARNING_OBJECT (self, "ignoring candidate of unknown session %s",
        session_id);
    return;
  }
  if (!gst_ice_session_add_remote_candidate (session, line, &err)) {
    GST_WARNING_OBJECT (session, "ignoring remote candidate: %s", err->message);
    g_clear_error (&err);
  }
}

static void
forget_end_reason (GstIceTransport * self)
{
  g_clear_pointer (&self->end_session_id, g_free);
  g_clear_pointer (&self->end_reason, g_free);
  g_clear_pointer (&self->end_message, g_free);
}

/* Comes right before session-ended: keep the reason for it. */
static void
on_session_ended_with_reason (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * reason, const gchar * message,
    GstIceTransport * self)
{
  forget_end_reason (self);
  self->end_session_id = g_strdup (session_id);
  self->end_reason = g_strdup (reason);
  self->end_message = g_strdup (message);
}

static void
on_session_ended (GstIceSignaller * signaller, const gchar * session_id,
    GstIceTransport * self)
{
  GstIceSession *session;
  gchar *peer_id = NULL;
  gboolean said = g_strcmp0 (session_id, self->end_session_id) == 0;

  if (session_id == NULL)
    return;
  GST_INFO_OBJECT (self, "session %s ended by the peer%s%s", session_id,
      said ? ": " : "", said ? self->end_reason : "");

  session = gst_ice_transport_lookup_session (self, session_id);
  if (session)
    peer_id = g_strdup (gst_ice_session_get_peer_id (session));
  close_session (self, session_id);
  self->role->session_ended (self, session_id, peer_id,
      said ? self->end_reason : NULL, said ? self->end_message : NULL);
  forget_end_reason (self);
  g_free (peer_id);
}

static void
on_signaller_error (GstIceSignaller * signaller, const GError * error,
    GstIceTransport * self)
{
  if (g_atomic_int_get (&self->shutting_down) || error == NULL)
    return;
  GST_ELEMENT_ERROR (self->element, RESOURCE, OPEN_READ_WRITE, ("%s",
          error->message), ("signaller %s", G_OBJECT_TYPE_NAME (signaller)));
}

/* --- the TURN servers' check -------------------------------------------- */

/* A failed check: a warning now, or, with relay only, once every check is
 * done: an error when no server works, since nothing can connect. */
static void
report_turn_failures (GstIceTransport * self)
{
  gboolean relay_only = self->config.session.relay_only;
  guint i;

  if (relay_only && self->turn_servers_working == 0) {
    gchar *all;

    g_ptr_array_add (self->turn_failures, NULL);
    all = g_strjoinv ("; ", (gchar **) self->turn_failures->pdata);
    g_ptr_array_remove_index (self->turn_failures,
        self->turn_failures->len - 1);
    GST_ELEMENT_ERROR (self->element, RESOURCE, OPEN_READ_WRITE, ("%s", all),
        ("ice-transport-policy=relay and no TURN server works: nothing can "
            "connect"));
    g_free (all);
    return;
  }
  for (i = 0; i < self->turn_failures->len; i++)
    GST_ELEMENT_WARNING (self->element, RESOURCE, OPEN_READ_WRITE, ("%s",
            (gchar *) g_ptr_array_index (self->turn_failures, i)), (NULL));
}

static void
on_turn_checked (const GstIceTurnCheckTarget * target,
    const GstIceTurnCheckResult * result, gpointer user_data)
{
  GstIceTransport *self = user_data;
  gboolean ok = result->status == GST_ICE_TURN_CHECK_OK;
  GstStructure *s;

  s = gst_structure_new ("ice-turn-check", "server", G_TYPE_STRING,
      target->display, "ok", G_TYPE_BOOLEAN, ok, NULL);
  if (result->message)
    gst_structure_set (s, "message", G_TYPE_STRING, result->message, NULL);
  if (result->relayed) {
    gchar *address = g_inet_address_to_string
        (g_inet_socket_address_get_address (result->relayed));

    gst_structure_set (s, "relayed-address", G_TYPE_STRING, address,
        "relayed-port", G_TYPE_UINT, (guint)
        g_inet_socket_address_get_port (result->relayed), NULL);
    g_free (address);
  }
  gst_element_post_message (self->element,
      gst_message_new_element (GST_OBJECT (self->element), s));

  self->turn_checks_pending--;
  if (ok) {
    self->turn_servers_working++;
  } else {
    g_ptr_array_add (self->turn_failures, g_strdup (result->message));
    if (!self->config.session.relay_only)
      GST_ELEMENT_WARNING (self->element, RESOURCE, OPEN_READ_WRITE, ("%s",
              result->message), (NULL));
  }
  if (self->turn_checks_pending == 0 && self->config.session.relay_only &&
      self->turn_failures->len > 0)
    report_turn_failures (self);
}

/* One Allocate to each TURN server, each in a thread of its own, with the
 * credentials a session would use: libnice does not say when a server
 * refuses them. */
static void
start_turn_checks (GstIceTransport * self)
{
  GstIceSessionConfig *config = &self->config.session;
  GPtrArray *targets;
  guint i;

  targets = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_ice_turn_check_target_free);
  for (i = 0; i < config->turn_servers->len; i++) {
    GstIceServerUri *written = g_ptr_array_index (config->turn_servers, i);
    GstIceTurnCheckTarget *target;
    GError *err = NULL;

    target = g_new0 (GstIceTurnCheckTarget, 1);
    target->server = gst_ice_turn_server_with_credentials (config, i, &err);
    if (target->server == NULL) {
      GST_WARNING_OBJECT (self, "%s", err->message);
      g_clear_error (&err);
      gst_ice_turn_check_target_free (target);
      continue;
    }
    target->display = gst_ice_server_uri_to_string (written, TRUE);
    target->derived = written->password == NULL;
    g_ptr_array_add (targets, target);
  }

  self->turn_checks_pending = targets->len;
  self->turn_servers_working = 0;
  g_ptr_array_set_size (self->turn_failures, 0);
  if (targets->len == 0) {
    g_ptr_array_unref (targets);
    return;
  }
  self->turn_checks = gst_ice_turn_checks_start (targets,
      config->turn_tls_bridge ?
      gst_ice_turn_tls_bridge_get_tls (config->turn_tls_bridge) : NULL,
      self->context, on_turn_checked, self);
}

/* --- the STUN server's check -------------------------------------------- */

/* The warning first, then the element message that says the check is
 * done, with what the server answered. */
static void
on_stun_checked (const GstIceStunCheckResult * result, gpointer user_data)
{
  GstIceTransport *self = user_data;
  gboolean ok = result->status == GST_ICE_STUN_CHECK_OK;
  gchar *server =
      gst_ice_server_uri_to_string (self->config.session.stun_server, TRUE);
  GstStructure *s;

  if (!ok) {
    g_free (self->stun_problem);
    self->stun_problem = g_strdup (result->message);
    GST_ELEMENT_WARNING (self->element, RESOURCE, OPEN_READ_WRITE, ("%s",
            result->message), (NULL));
  }

  s = gst_structure_new ("ice-stun-check", "server", G_TYPE_STRING, server,
      "ok", G_TYPE_BOOLEAN, ok, "pre-rfc5389", G_TYPE_BOOLEAN,
      result->status == GST_ICE_STUN_CHECK_PRE_RFC5389, NULL);
  if (result->message)
    gst_structure_set (s, "message", G_TYPE_STRING, result->message, NULL);
  if (result->mapped) {
    gchar *address = g_inet_address_to_string
        (g_inet_socket_address_get_address (result->mapped));

    gst_structure_set (s, "mapped-address", G_TYPE_STRING, address,
        "mapped-port", G_TYPE_UINT, (guint)
        g_inet_socket_address_get_port (result->mapped), NULL);
    g_free (address);
  }
  gst_element_post_message (self->element,
      gst_message_new_element (GST_OBJECT (self->element), s));
  g_free (server);
}

/* One Binding request to the STUN server, in a thread of its own: libnice
 * does not say when the server is silent or of the pre-RFC 5389 kind. */
static void
start_stun_check (GstIceTransport * self)
{
  g_clear_pointer (&self->stun_problem, g_free);
  if (self->config.session.stun_server == NULL)
    return;
  self->stun_check =
      gst_ice_stun_check_start (self->config.session.stun_server, self->context,
      on_stun_checked, self);
}

/* For turns:// servers: the TLS context and the bridge libnice reaches
 * them through; an element error when the CA file is bad or a host does
 * not resolve. */
static gboolean
start_turn_tls_bridge (GstIceTransport * self)
{
  GstIceSessionConfig *config = &self->config.session;
  SSL_CTX *tls;
  GError *err = NULL;
  guint i;

  for (i = 0; i < config->turn_servers->len; i++) {
    GstIceServerUri *turn = g_ptr_array_index (config->turn_servers, i);

    if (turn->transport == GST_ICE_SERVER_TRANSPORT_TLS)
      break;
  }
  if (i == config->turn_servers->len)
    return TRUE;

  tls = gst_ice_turn_tls_context_new (self->config.turn_tls_ca_file, &err);
  if (tls == NULL)
    goto failed;
  config->turn_tls_bridge = gst_ice_turn_tls_bridge_new (self->context, tls,
      config->turn_servers, &err);
  SSL_CTX_free (tls);
  if (config->turn_tls_bridge == NULL)
    goto failed;
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, NOT_FOUND, ("%s",
            err->message), (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

/* --- start and stop ------------------------------------------------------ */

static gpointer
transport_thread (gpointer user_data)
{
  GstIceTransport *self = user_data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gchar *
make_peer_id (GstIceTransport * self)
{
  gchar *name = gst_element_get_name (self->element);
  gchar *id = g_strdup_printf ("%s-%08x", name, g_random_int ());

  g_free (name);
  return id;
}

static void
disconnect_signaller (GstIceTransport * self)
{
  guint i;

  for (i = 0; i < self->signaller_handlers->len; i++)
    g_signal_handler_disconnect (self->active_signaller,
        g_array_index (self->signaller_handlers, gulong, i));
  g_array_set_size (self->signaller_handlers, 0);
}

/* In the transport thread: each session's statistics to the signaller. */
static gboolean
report_stats (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GPtrArray *sessions = gst_ice_transport_dup_sessions (self);
  guint i;

  for (i = 0; i < sessions->len; i++) {
    GstStructure *stats =
        gst_ice_session_get_stats (g_ptr_array_index (sessions, i));

    gst_ice_signaller_send_stats (self->active_signaller,
        gst_structure_get_string (stats, "session-id"), stats);
    gst_structure_free (stats);
  }
  g_ptr_array_unref (sessions);
  return G_SOURCE_CONTINUE;
}

static void
stop_stats_report (GstIceTransport * self)
{
  if (self->stats_report == NULL)
    return;
  g_source_destroy (self->stats_report);
  g_clear_pointer (&self->stats_report, g_source_unref);
}

/* With the transport context thread-default: the role's part, then the
 * signaller. */
static gboolean
start_signalling (GstIceTransport * self, const gchar * peer_id)
{
  gst_ice_transport_watch_start (self);
  self->active_signaller = gst_ice_transport_get_signaller (self);
  if (!self->role->start (self)) {
    disconnect_signaller (self);
    g_clear_object (&self->active_signaller);
    gst_ice_transport_watch_stop (self);
    return FALSE;
  }
  gst_ice_transport_connect_signaller (self, "session-description",
      G_CALLBACK (on_session_description));
  gst_ice_transport_connect_signaller (self, "session-candidate",
      G_CALLBACK (on_session_candidate));
  gst_ice_transport_connect_signaller (self, "session-ended-with-reason",
      G_CALLBACK (on_session_ended_with_reason));
  gst_ice_transport_connect_signaller (self, "session-ended",
      G_CALLBACK (on_session_ended));
  gst_ice_transport_connect_signaller (self, "error",
      G_CALLBACK (on_signaller_error));

  GST_INFO_OBJECT (self, "starting as %s '%s'", self->role->name, peer_id);
  gst_ice_signaller_start (self->active_signaller, self->role_id, peer_id);
  if (gst_ice_signaller_wants_stats (self->active_signaller)) {
    self->stats_report = g_timeout_source_new_seconds (STATS_REPORT_INTERVAL_S);
    g_source_set_callback (self->stats_report, report_stats, self, NULL);
    g_source_attach (self->stats_report, self->context);
  }
  return TRUE;
}

/* Who we are, for the user to pin; or that nobody is protected. */
static void
announce_identity (GstIceTransport * self)
{
  GstIceDtlsContext *dtls = self->config.session.dtls;
  const gchar *fingerprint;

  if (dtls == NULL) {
    GST_ELEMENT_WARNING (self->element, RESOURCE, SETTINGS,
        ("encryption=false: the stream travels in plaintext, readable by "
            "anyone on the path and by every TURN relay, and peers are not "
            "authenticated"), (NULL));
    return;
  }
  fingerprint = gst_ice_certificate_get_fingerprint
      (gst_ice_dtls_context_get_certificate (dtls));
  GST_ELEMENT_INFO (self->element, RESOURCE, SETTINGS,
      ("certificate fingerprint " GST_ICE_FINGERPRINT_HASH " %s", fingerprint),
      ("certificate fingerprint: " GST_ICE_FINGERPRINT_HASH " %s (to pin "
          "this %s, give it to the other side's %s)", fingerprint,
          self->role->name, self->role_id == GST_ICE_SIGNALLER_ROLE_PRODUCER ?
          "producer-fingerprints" : "consumer-fingerprints"));
}

/**
 * gst_ice_transport_start:
 *
 * READY to PAUSED: resolves the servers, starts the transport thread, the
 * role's part (the embedded signalling server, if asked for) and the
 * signaller.
 */
gboolean
gst_ice_transport_start (GstIceTransport * self)
{
  gchar *peer_id;
  gboolean started;

  if (!gst_ice_transport_settings_read (self->settings, self->element,
          &self->config))
    return FALSE;
  self->config.session.transfer_mode = self->transfer_mode;
  announce_identity (self);

  peer_id = self->config.peer_id ? g_strdup (self->config.peer_id) :
      make_peer_id (self);
  GST_OBJECT_LOCK (self);
  self->active_peer_id = g_strdup (peer_id);
  GST_OBJECT_UNLOCK (self);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->closing = closing_new (self->context, self->loop);
  g_atomic_int_set (&self->shutting_down, FALSE);
  if (!start_turn_tls_bridge (self)) {
    g_free (peer_id);
    goto failed;
  }

  /* the server and signaller attach their sources to the thread-default
   * context; nothing iterates it before the thread starts */
  g_main_context_push_thread_default (self->context);
  started = start_signalling (self, peer_id);
  g_main_context_pop_thread_default (self->context);
  g_free (peer_id);
  if (!started)
    goto failed;

  start_turn_checks (self);
  start_stun_check (self);
  self->thread = g_thread_new ("icetransport", transport_thread, self);
  return TRUE;

  /* ERRORS */
failed:
  {
    g_clear_pointer (&self->closing, closing_unref);
    g_clear_pointer (&self->loop, g_main_loop_unref);
    g_clear_pointer (&self->context, g_main_context_unref);
    gst_ice_transport_config_clear (&self->config);
    GST_OBJECT_LOCK (self);
    g_clear_pointer (&self->active_peer_id, g_free);
    GST_OBJECT_UNLOCK (self);
    return FALSE;
  }
}

static gboolean
stop_waiting_for_closes (gpointer user_data)
{
  GstIceTransportClosing *closing = user_data;

  GST_INFO ("%u sessions still closing after %u ms: finishing them after "
      "stop", closing->sessions, CLOSE_TIMEOUT_MS);
  g_main_loop_quit (closing->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
shut_down (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GPtrArray *ids;
  GHashTableIter iter;
  gpointer key;
  guint i;

  /* from here on, failures are ours, not the user's */
  g_atomic_int_set (&self->shutting_down, TRUE);
  gst_ice_transport_watch_stop (self);
  stop_stats_report (self);
  disconnect_signaller (self);
  forget_end_reason (self);
  gst_ice_turn_checks_stop (self->turn_checks);
  self->turn_checks = NULL;
  gst_ice_stun_check_stop (self->stun_check);
  self->stun_check = NULL;

  ids = g_ptr_array_new_with_free_func (g_free);
  g_mutex_lock (&self->sessions_lock);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));
  g_mutex_unlock (&self->sessions_lock);
  for (i = 0; i < ids->len; i++)
    gst_ice_transport_end_session (self, g_ptr_array_index (ids, i));
  g_ptr_array_unref (ids);

  gst_ice_signaller_stop (self->active_signaller);
  g_clear_object (&self->active_signaller);
  self->role->shut_down (self);
  gst_ice_transport_arq_stop (self);

  self->closing->stopping = TRUE;
  if (self->closing->sessions == 0)
    g_main_loop_quit (self->loop);
  else
    closing_set_deadline (self->closing, CLOSE_TIMEOUT_MS,
        stop_waiting_for_closes);
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_transport_stop:
 *
 * PAUSED to READY: ends every session (telling the peers), stops the
 * signaller and server, and gives libnice up to a second to release TURN
 * allocations; closes still pending then finish in a thread of their own.
 */
void
gst_ice_transport_stop (GstIceTransport * self)
{
  GstIceTransportClosing *closing;
  guint i;

  if (self->thread == NULL)
    return;

  g_main_context_invoke (self->context, shut_down, self);
  g_thread_join (self->thread);
  self->thread = NULL;

  /* nothing that refers to the transport may fire from now on */
  for (i = 0; i < self->timers->len; i++)
    g_source_destroy (g_ptr_array_index (self->timers, i));
  g_ptr_array_set_size (self->timers, 0);

  /* let agents and the signaller finish callbacks that the quit cut
   * short; libsoup asserts that they run with their context as the
   * thread-default one */
  g_main_context_push_thread_default (self->context);
  while (g_main_context_iteration (self->context, FALSE));
  g_main_context_pop_thread_default (self->context);

  closing = g_steal_pointer (&self->closing);
  if (closing->sessions > 0) {
    GST_INFO_OBJECT (self, "%u sessions still closing: finishing them in "
        "the background", closing->sessions);
    g_thread_unref (g_thread_new ("iceclose", finish_closing, closing));
  } else {
    closing_unref (closing);
  }

  g_mutex_lock (&self->sessions_lock);
  g_hash_table_remove_all (self->sessions);
  g_ptr_array_set_size (self->connected, 0);
  g_mutex_unlock (&self->sessions_lock);
  self->role->reset (self);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  gst_ice_transport_config_clear (&self->config);
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->active_peer_id, g_free);
  gst_caps_replace (&self->caps, NULL);
  GST_OBJECT_UNLOCK (self);
}

/**
 * gst_ice_transport_get_record_overhead:
 *
 * Returns: how many bytes encryption adds to each buffer on the wire (the
 *   largest DTLS record overhead of the allowed suites), 0 in plaintext.
 *   Valid between start and stop.
 */
guint
gst_ice_transport_get_record_overhead (GstIceTransport * self)
{
  GstIceDtlsContext *dtls = self->config.session.dtls;

  return dtls ? gst_ice_dtls_context_get_record_overhead (dtls) : 0;
}

static gboolean
restart_requested (gpointer user_data)
{
  gst_ice_transport_restart_all (user_data, "requested");
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_transport_request_restart:
 *
 * From any thread: an ICE restart of every session that has had a pair
 * (the elements' restart-ice signal).
 */
void
gst_ice_transport_request_restart (GstIceTransport * self)
{
  if (self->context)
    g_main_context_invoke (self->context, restart_requested, self);
}

guint
gst_ice_transport_get_n_connected (GstIceTransport * self)
{
  guint n;

  g_mutex_lock (&self->sessions_lock);
  n = self->connected->len;
  g_mutex_unlock (&self->sessions_lock);
  return n;
}

/* --- the element's child proxy ------------------------------------------- */

static GObject *
child_proxy_get_child_by_name (GstChildProxy * proxy, const gchar * name)
{
  GstIceTransport *self = g_object_get_qdata (G_OBJECT (proxy),
      transport_quark ());

  /* the default looks for GstObject children by name and would silently
   * drop signaller::uri=... on a gst-launch line */
  if (self == NULL || g_strcmp0 (name, "signaller") != 0)
    return NULL;
  return (GObject *) gst_ice_transport_get_signaller (self);
}

static GObject *
child_proxy_get_child_by_index (GstChildProxy * proxy, guint index)
{
  GstIceTransport *self = g_object_get_qdata (G_OBJECT (proxy),
      transport_quark ());

  if (self == NULL || index != 0)
    return NULL;
  return (GObject *) gst_ice_transport_get_signaller (self);
}

static guint
child_proxy_get_children_count (GstChildProxy * proxy)
{
  return 1;
}

/**
 * gst_ice_transport_child_proxy_init:
 *
 * The #GstChildProxy implementation of an element that owns a transport:
 * its one child is the signaller, named "signaller".
 */
void
gst_ice_transport_child_proxy_init (gpointer g_iface, gpointer iface_data)
{
  GstChildProxyInterface *iface = g_iface;

  iface->get_child_by_name = child_proxy_get_child_by_name;
  iface->get_child_by_index = child_proxy_get_child_by_index;
  iface->get_children_count = child_proxy_get_children_count;
}
