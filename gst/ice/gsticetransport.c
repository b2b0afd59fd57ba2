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
 * #GstIceTransport owns what both elements need: the settings (it installs
 * the shared properties and the elements delegate to it, as GstSRTObject
 * does for srtsink and srtsrc), the signaller, one #GstIceSession per peer
 * and, for a producer, the embedded signalling server.
 *
 * Threads: between start and stop the transport runs a thread with its
 * own GMainContext.  The signaller, the signalling server, the libnice
 * agents and every field marked "transport thread" below live there.
 * The streaming thread only calls gst_ice_transport_send(), which reads
 * the connected sessions under @sessions_lock.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>

#include <gst/ice/gsticedescription.h>
#include <gst/ice/signalling/gsticedirectorysignaller.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/signalling/gsticesignallingserver.h>
#include <gst/ice/gsticetransport.h>
#include <gst/ice/signalling/gsticeterminalsignaller.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_transport_debug);
#define GST_CAT_DEFAULT gst_ice_transport_debug

#define DEFAULT_SIGNALLER_TYPE "websocket"
#define DEFAULT_ICE_TRANSPORT_POLICY GST_ICE_TRANSPORT_POLICY_ALL
#define DEFAULT_ICE_UDP TRUE
#define DEFAULT_ICE_TCP TRUE
#define DEFAULT_RUN_SIGNALLING_SERVER FALSE
#define DEFAULT_SIGNALLING_SERVER_HOST "0.0.0.0"
#define DEFAULT_SIGNALLING_SERVER_PORT 8443
/* how long stop() lets libnice release TURN allocations */
#define CLOSE_TIMEOUT_MS 1000
/* libnice stays in "connecting" when there is no candidate pair at all
 * (relay-only with a TURN server that refuses us, all candidates
 * filtered), so a session with no working pair by then has failed */
#define CONNECT_TIMEOUT_S 20
/* A producer whose session failed keeps it open this long before ending
 * it: the consumer then reaches its own verdict and tells its user that
 * no pair worked, instead of only seeing the producer leave. */
#define PRODUCER_FAIL_GRACE_S 5
/* a consumer whose session ended asks its producer again after this, if
 * the producer is still listed by then */
#define REJOIN_DELAY_S 2

struct _GstIceTransport
{
  GstObject parent;

  GstElement *element;          /* not reffed: the element owns us */
  GstIceSignallerRole role;
  GstIceTransportCallbacks callbacks;

  /* settings, under the object lock */
  GstIceSignaller *signaller;
  gchar *signaller_type;
  gboolean signaller_type_unknown;
  gchar *peer_id;
  gchar *stun_server;
  GPtrArray *turn_servers;      /* URI strings as the user gave them */
  GstIceTransportPolicy policy;
  gboolean ice_udp;
  gboolean ice_tcp;
  gchar *local_addresses;
  gboolean run_signalling_server;
  gchar *signalling_server_host;
  guint signalling_server_port;
  gchar *producer_peer_id;
  GstCaps *caps;

  /* between start and stop */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GstIceSessionConfig config;
  gchar *active_peer_id;
  gulong signaller_handlers[8];

  /* transport thread */
  GstIceSignaller *active_signaller;
  GstIceSignallingServer *server;
  GPtrArray *requests_waiting_for_caps; /* session id, peer id pairs */
  gchar *consumer_session_id;
  gchar *consumer_producer_id;
  gboolean consumer_requested;
  GHashTable *listed_producers; /* consumer: peer ids announced, not gone */
  guint closing_sessions;
  gint shutting_down;

  /* shared with the streaming thread */
  GMutex sessions_lock;
  GHashTable *sessions;         /* session id -> GstIceSession */
  GPtrArray *connected;         /* replaced, never changed, once shared */
};

G_DEFINE_TYPE_WITH_CODE (GstIceTransport, gst_ice_transport, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_ice_transport_debug, "icetransport", 0,
        "ICE transport shared by icesink and icesrc"));

static void gst_ice_transport_finalize (GObject * object);
static void close_session (GstIceTransport * self, const gchar * session_id);
static GstIceSession *lookup_session (GstIceTransport * self,
    const gchar * session_id);
static void fail_session (GstIceTransport * self, GstIceSession * session);
static void lose_session (GstIceTransport * self, GstIceSession * session);
static void schedule_rejoin (GstIceTransport * self, const gchar * peer_id);

GType
gst_ice_transport_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ICE_TRANSPORT_POLICY_ALL, "Use every candidate type", "all"},
    {GST_ICE_TRANSPORT_POLICY_RELAY, "Use relayed (TURN) candidates only",
        "relay"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceTransportPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
gst_ice_transport_class_init (GstIceTransportClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_transport_finalize;
}

static void
gst_ice_transport_init (GstIceTransport * self)
{
  self->turn_servers = g_ptr_array_new_with_free_func (g_free);
  self->policy = DEFAULT_ICE_TRANSPORT_POLICY;
  self->ice_udp = DEFAULT_ICE_UDP;
  self->ice_tcp = DEFAULT_ICE_TCP;
  self->run_signalling_server = DEFAULT_RUN_SIGNALLING_SERVER;
  self->signalling_server_host = g_strdup (DEFAULT_SIGNALLING_SERVER_HOST);
  self->signalling_server_port = DEFAULT_SIGNALLING_SERVER_PORT;
  self->signaller_type = g_strdup (DEFAULT_SIGNALLER_TYPE);
  self->requests_waiting_for_caps = g_ptr_array_new_with_free_func (g_free);
  self->listed_producers = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  g_mutex_init (&self->sessions_lock);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      gst_object_unref);
  self->connected = g_ptr_array_new_with_free_func (gst_object_unref);
}

static void
gst_ice_transport_finalize (GObject * object)
{
  GstIceTransport *self = GST_ICE_TRANSPORT (object);

  g_clear_object (&self->signaller);
  g_free (self->signaller_type);
  g_free (self->peer_id);
  g_free (self->stun_server);
  g_free (self->local_addresses);
  g_ptr_array_unref (self->turn_servers);
  g_free (self->signalling_server_host);
  g_free (self->producer_peer_id);
  gst_caps_replace (&self->caps, NULL);
  g_ptr_array_unref (self->requests_waiting_for_caps);
  g_hash_table_unref (self->listed_producers);
  g_hash_table_unref (self->sessions);
  g_ptr_array_unref (self->connected);
  g_mutex_clear (&self->sessions_lock);

  G_OBJECT_CLASS (gst_ice_transport_parent_class)->finalize (object);
}

/**
 * gst_ice_transport_install_properties:
 * @role: producer (icesink) or consumer (icesrc): some properties belong
 *   to one of them only
 *
 * Installs the transport's properties on an element class; the element's
 * set_property and get_property hand them to gst_ice_transport_set_property
 * and gst_ice_transport_get_property.
 */
void
gst_ice_transport_install_properties (GObjectClass * klass,
    GstIceSignallerRole role)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  /**
   * icesink:signaller:
   *
   * The signaller object: what carries descriptions and candidates between
   * the peers.  Any object implementing #GstIceSignaller.  Its own
   * properties are reachable as `signaller::NAME` (e.g.
   * `signaller::uri=ws://host:8443`).  Default: a WebSocket signaller.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_SIGNALLER,
      g_param_spec_object ("signaller", "Signaller",
          "The signaller object; its properties are signaller::NAME "
          "(default: a WebSocket signaller)", GST_TYPE_ICE_SIGNALLER, flags));

  /**
   * icesink:signaller-type:
   *
   * Chooses the signaller by name: `websocket` (default, talks to
   * gst-ice-signalling-server or to an icesink with
   * run-signalling-server=true), `directory` (no server: files in a
   * shared directory), `terminal` (no server: one line to copy and paste
   * each way) or the GType name of any type implementing
   * #GstIceSignaller.  Setting it replaces the signaller, so set it before
   * any `signaller::` property.  An unknown name fails the change to READY
   * with an error naming it.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE,
      g_param_spec_string ("signaller-type", "Signaller type",
          "Signaller to use: websocket, directory, terminal, or a GType name "
          "implementing GstIceSignaller; set it before signaller:: properties",
          DEFAULT_SIGNALLER_TYPE, flags));

  /**
   * icesink:peer-id:
   *
   * The id this element registers with at the signaller.  Consumers pick a
   * producer by it (`icesrc producer-peer-id=...`).  Default: NULL, which
   * makes one from the element name and a random suffix.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer id",
          "Id to register with at the signaller (NULL: element name and "
          "a random suffix)", NULL, flags));

  /**
   * icesink:stun-server:
   *
   * STUN server that tells this host its public address (server-reflexive
   * candidates), as `stun://host[:port]` (port 3478 by default).  NULL: no
   * STUN.  A malformed URI fails the change to READY naming it; a host
   * that does not resolve fails the change to PAUSED naming it.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_STUN_SERVER,
      g_param_spec_string ("stun-server", "STUN server",
          "STUN server as stun://host[:port] (NULL: none)", NULL, flags));

  /**
   * icesink:turn-servers:
   *
   * TURN servers that relay the stream when no direct path works (symmetric
   * NATs, UDP blocked), each as `turn://user:pass@host[:port]` with
   * optional `?transport=udp|tcp`, or `turns://user:pass@host[:port]`
   * for TURN over TLS.  On a gst-launch line:
   * `turn-servers="<\"turn://user:pass@host:3478\">"`.  Default: none.
   * A malformed URI fails the change to READY naming it (password hidden).
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_TURN_SERVERS,
      gst_param_spec_array ("turn-servers", "TURN servers",
          "TURN servers as turn://user:pass@host[:port][?transport=udp|tcp] "
          "or turns://user:pass@host[:port]",
          g_param_spec_string ("turn-server", "TURN server",
              "One TURN server URI", NULL,
              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), flags));

  /**
   * icesink:ice-transport-policy:
   *
   * `all` (default) uses host, server-reflexive and relayed candidates;
   * `relay` uses relayed candidates only, so the peer never learns this
   * host's addresses.  `relay` without turn-servers cannot connect.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY,
      g_param_spec_enum ("ice-transport-policy", "ICE transport policy",
          "Which candidates to use: all, or relay (TURN) only",
          GST_TYPE_ICE_TRANSPORT_POLICY, DEFAULT_ICE_TRANSPORT_POLICY, flags));

  /**
   * icesink:ice-udp:
   *
   * Gather UDP candidates (default TRUE).
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_ICE_UDP,
      g_param_spec_boolean ("ice-udp", "ICE UDP",
          "Gather UDP candidates", DEFAULT_ICE_UDP, flags));

  /**
   * icesink:ice-tcp:
   *
   * Gather TCP candidates (RFC 6544; default TRUE).  With both ice-udp and
   * ice-tcp FALSE nothing can connect.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_ICE_TCP,
      g_param_spec_boolean ("ice-tcp", "ICE TCP",
          "Gather TCP candidates (RFC 6544)", DEFAULT_ICE_TCP, flags));

  /**
   * icesink:local-addresses:
   *
   * Comma-separated IP addresses to gather host candidates on, e.g.
   * `192.168.1.10` to keep the stream on one interface, or `127.0.0.1`
   * for a test on one machine.  NULL (default): every interface except
   * loopback.  An entry that is not an IP address fails the change to
   * READY naming it.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES,
      g_param_spec_string ("local-addresses", "Local addresses",
          "Comma-separated IP addresses to gather host candidates on "
          "(NULL: every interface but loopback)", NULL, flags));

  /**
   * icesink:stats:
   *
   * Statistics: an `ice-stats` structure with one field per session, named
   * by session id, each an `ice-session-stats` structure: peer-id, state,
   * local-candidate-type, local-address, local-port, remote-candidate-type,
   * remote-address, remote-port, transport (once a pair is selected),
   * bytes-sent, packets-sent, packets-dropped, bytes-received,
   * packets-received.  libnice 0.1.21 does not expose round-trip times.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Per-peer ICE state, selected pair and traffic counters",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    /**
     * icesink:run-signalling-server:
     *
     * Run gst-ice's WebSocket signalling server inside this element, on
     * signalling-server-host:signalling-server-port, and register with it;
     * consumers then use `signaller::uri=ws://THIS_HOST:PORT`.  Default
     * FALSE.  A port already in use fails the change to PAUSED naming it.
     */
    g_object_class_install_property (klass,
        GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER,
        g_param_spec_boolean ("run-signalling-server",
            "Run signalling server",
            "Run the WebSocket signalling server inside this element",
            DEFAULT_RUN_SIGNALLING_SERVER, flags));

    /**
     * icesink:signalling-server-host:
     *
     * Address the embedded signalling server listens on (default 0.0.0.0:
     * every interface).
     */
    g_object_class_install_property (klass,
        GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST,
        g_param_spec_string ("signalling-server-host",
            "Signalling server host",
            "Address the embedded signalling server listens on",
            DEFAULT_SIGNALLING_SERVER_HOST, flags));

    /**
     * icesink:signalling-server-port:
     *
     * TCP port of the embedded signalling server (default 8443; 0 picks a
     * free port, which this property reports once the element is PAUSED).
     */
    g_object_class_install_property (klass,
        GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT,
        g_param_spec_uint ("signalling-server-port", "Signalling server port",
            "TCP port of the embedded signalling server (0: any free port)",
            0, 65535, DEFAULT_SIGNALLING_SERVER_PORT, flags));
  } else {
    /**
     * icesrc:producer-peer-id:
     *
     * Peer id of the producer (icesink) to receive from.  NULL (default):
     * the first producer the signaller lists.
     */
    g_object_class_install_property (klass,
        GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID,
        g_param_spec_string ("producer-peer-id", "Producer peer id",
            "Peer id of the producer to receive from (NULL: the first "
            "one listed)", NULL, flags));
  }
}

/* how the child proxy finds an element's transport */
static GQuark
transport_quark (void)
{
  return g_quark_from_static_string ("gst-ice-transport");
}

static GType
signaller_type_from_name (const gchar * name)
{
  GType type;

  if (g_strcmp0 (name, "websocket") == 0)
    return GST_TYPE_ICE_WEBSOCKET_SIGNALLER;
  if (g_strcmp0 (name, "directory") == 0)
    return GST_TYPE_ICE_DIRECTORY_SIGNALLER;
  if (g_strcmp0 (name, "terminal") == 0)
    return GST_TYPE_ICE_TERMINAL_SIGNALLER;

  type = name ? g_type_from_name (name) : G_TYPE_INVALID;
  if (type == G_TYPE_INVALID || !G_TYPE_IS_INSTANTIATABLE (type) ||
      G_TYPE_IS_ABSTRACT (type) || !g_type_is_a (type, GST_TYPE_ICE_SIGNALLER))
    return G_TYPE_INVALID;
  return type;
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
  self->role = role;
  self->callbacks = *callbacks;
  self->signaller = g_object_new (GST_TYPE_ICE_WEBSOCKET_SIGNALLER, NULL);
  g_object_set_qdata (G_OBJECT (element), transport_quark (), self);
  return self;
}

gboolean
gst_ice_transport_set_property (GstIceTransport * self, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case GST_ICE_TRANSPORT_PROP_SIGNALLER:{
      GObject *signaller = g_value_get_object (value);

      if (signaller) {
        g_clear_object (&self->signaller);
        self->signaller = g_object_ref (GST_ICE_SIGNALLER (signaller));
        g_free (self->signaller_type);
        self->signaller_type = g_strdup (G_OBJECT_TYPE_NAME (signaller));
        self->signaller_type_unknown = FALSE;
      }
      break;
    }
    case GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE:{
      const gchar *name = g_value_get_string (value);
      GType type = signaller_type_from_name (name);

      g_free (self->signaller_type);
      self->signaller_type = g_strdup (name);
      /* an unknown name is reported when going to READY, where a
       * gst-launch user sees it */
      self->signaller_type_unknown = (type == G_TYPE_INVALID);
      if (type != G_TYPE_INVALID && (self->signaller == NULL ||
              G_OBJECT_TYPE (self->signaller) != type)) {
        g_clear_object (&self->signaller);
        self->signaller = g_object_new (type, NULL);
      }
      break;
    }
    case GST_ICE_TRANSPORT_PROP_PEER_ID:
      g_free (self->peer_id);
      self->peer_id = g_value_dup_string (value);
      break;
    case GST_ICE_TRANSPORT_PROP_STUN_SERVER:
      g_free (self->stun_server);
      self->stun_server = g_value_dup_string (value);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_SERVERS:{
      guint i, n = gst_value_array_get_size (value);

      g_ptr_array_set_size (self->turn_servers, 0);
      for (i = 0; i < n; i++) {
        const GValue *v = gst_value_array_get_value (value, i);

        if (G_VALUE_HOLDS_STRING (v))
          g_ptr_array_add (self->turn_servers, g_value_dup_string (v));
      }
      break;
    }
    case GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY:
      self->policy = g_value_get_enum (value);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_UDP:
      self->ice_udp = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_TCP:
      self->ice_tcp = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES:
      g_free (self->local_addresses);
      self->local_addresses = g_value_dup_string (value);
      break;
    case GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER:
      self->run_signalling_server = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST:
      g_free (self->signalling_server_host);
      self->signalling_server_host = g_value_dup_string (value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT:
      self->signalling_server_port = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID:
      g_free (self->producer_peer_id);
      self->producer_peer_id = g_value_dup_string (value);
      break;
    default:
      GST_OBJECT_UNLOCK (self);
      return FALSE;
  }
  GST_OBJECT_UNLOCK (self);
  return TRUE;
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

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case GST_ICE_TRANSPORT_PROP_SIGNALLER:
      g_value_set_object (value, self->signaller);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE:
      g_value_set_string (value, self->signaller_type);
      break;
    case GST_ICE_TRANSPORT_PROP_PEER_ID:
      g_value_set_string (value,
          self->active_peer_id ? self->active_peer_id : self->peer_id);
      break;
    case GST_ICE_TRANSPORT_PROP_STUN_SERVER:
      g_value_set_string (value, self->stun_server);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_SERVERS:{
      guint i;

      for (i = 0; i < self->turn_servers->len; i++) {
        GValue v = G_VALUE_INIT;

        g_value_init (&v, G_TYPE_STRING);
        g_value_set_string (&v, g_ptr_array_index (self->turn_servers, i));
        gst_value_array_append_and_take_value (value, &v);
      }
      break;
    }
    case GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY:
      g_value_set_enum (value, self->policy);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_UDP:
      g_value_set_boolean (value, self->ice_udp);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_TCP:
      g_value_set_boolean (value, self->ice_tcp);
      break;
    case GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES:
      g_value_set_string (value, self->local_addresses);
      break;
    case GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER:
      g_value_set_boolean (value, self->run_signalling_server);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST:
      g_value_set_string (value, self->signalling_server_host);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT:
      g_value_set_uint (value, self->signalling_server_port);
      break;
    case GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID:
      g_value_set_string (value, self->producer_peer_id);
      break;
    default:
      GST_OBJECT_UNLOCK (self);
      return FALSE;
  }
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/**
 * gst_ice_transport_get_signaller:
 *
 * Returns: (transfer full): the signaller, for GstChildProxy.
 */
GstIceSignaller *
gst_ice_transport_get_signaller (GstIceTransport * self)
{
  GstIceSignaller *signaller;

  GST_OBJECT_LOCK (self);
  signaller = self->signaller ? g_object_ref (self->signaller) : NULL;
  GST_OBJECT_UNLOCK (self);
  return signaller;
}

/* Splits local-addresses into @config, checking each is an address. */
static gboolean
parse_local_addresses (GstIceTransport * self, GstIceSessionConfig * config)
{
  gchar **addresses;
  guint i;

  GST_OBJECT_LOCK (self);
  addresses = g_strsplit (self->local_addresses ? self->local_addresses : "",
      ",", -1);
  GST_OBJECT_UNLOCK (self);

  config->local_addresses = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; addresses[i]; i++) {
    gchar *address = g_strstrip (addresses[i]);
    GInetAddress *inet;

    if (*address == '\0')
      continue;
    inet = g_inet_address_new_from_string (address);
    if (inet == NULL)
      goto not_an_address;
    g_object_unref (inet);
    g_ptr_array_add (config->local_addresses, g_strdup (address));
  }
  g_strfreev (addresses);
  return TRUE;

  /* ERRORS */
not_an_address:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, SETTINGS,
        ("local-addresses entry '%s' is not an IP address (use e.g. "
            "192.168.1.10,127.0.0.1)", addresses[i]), (NULL));
    g_strfreev (addresses);
    g_clear_pointer (&config->local_addresses, g_ptr_array_unref);
    return FALSE;
  }
}

/* Parses the server URIs into @config (hosts not resolved yet). */
static gboolean
parse_servers (GstIceTransport * self, GstIceSessionConfig * config)
{
  GError *err = NULL;
  gchar *stun;
  GPtrArray *turns;
  guint i;

  GST_OBJECT_LOCK (self);
  stun = g_strdup (self->stun_server);
  turns = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < self->turn_servers->len; i++)
    g_ptr_array_add (turns, g_strdup (g_ptr_array_index (self->turn_servers,
                i)));
  GST_OBJECT_UNLOCK (self);

  config->turn_servers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_ice_server_uri_free);

  if (stun && *stun) {
    config->stun_server = gst_ice_server_uri_parse (stun, &err);
    if (config->stun_server == NULL)
      goto bad_uri;
    if (config->stun_server->scheme != GST_ICE_SERVER_SCHEME_STUN)
      goto not_stun;
  }
  for (i = 0; i < turns->len; i++) {
    GstIceServerUri *uri;

    uri = gst_ice_server_uri_parse (g_ptr_array_index (turns, i), &err);
    if (uri == NULL)
      goto bad_uri;
    if (uri->scheme == GST_ICE_SERVER_SCHEME_STUN) {
      gst_ice_server_uri_free (uri);
      goto not_turn;
    }
    g_ptr_array_add (config->turn_servers, uri);
  }
  g_free (stun);
  g_ptr_array_unref (turns);
  return TRUE;

  /* ERRORS */
bad_uri:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, SETTINGS, ("%s",
            err->message), (NULL));
    g_clear_error (&err);
    goto failed;
  }
not_stun:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, SETTINGS,
        ("stun-server '%s' is not a stun:// URI (TURN servers go in "
            "turn-servers)", stun), (NULL));
    goto failed;
  }
not_turn:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, SETTINGS,
        ("turn-servers entry '%s' is a stun:// URI; use "
            "turn://user:pass@host:port, or put it in stun-server",
            (gchar *) g_ptr_array_index (turns, i)), (NULL));
    goto failed;
  }
failed:
  {
    g_free (stun);
    g_ptr_array_unref (turns);
    return FALSE;
  }
}

static void
clear_config (GstIceSessionConfig * config)
{
  g_clear_pointer (&config->stun_server, gst_ice_server_uri_free);
  g_clear_pointer (&config->turn_servers, g_ptr_array_unref);
  g_clear_pointer (&config->local_addresses, g_ptr_array_unref);
}

/* Everything sessions are made with, from the settings; posts an element
 * error naming the first bad value. */
static gboolean
parse_config (GstIceTransport * self, GstIceSessionConfig * config)
{
  if (!parse_servers (self, config) || !parse_local_addresses (self, config)) {
    clear_config (config);
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  config->relay_only = self->policy == GST_ICE_TRANSPORT_POLICY_RELAY;
  config->ice_udp = self->ice_udp;
  config->ice_tcp = self->ice_tcp;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
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
  GstIceSessionConfig config = { 0, };
  GstIceSignaller *signaller;
  GError *err = NULL;
  gboolean unknown;
  gchar *type_name;

  GST_OBJECT_LOCK (self);
  unknown = self->signaller_type_unknown;
  type_name = g_strdup (self->signaller_type);
  GST_OBJECT_UNLOCK (self);
  if (unknown)
    goto unknown_signaller;
  g_free (type_name);

  if (!parse_config (self, &config))
    return FALSE;
  clear_config (&config);

  signaller = gst_ice_transport_get_signaller (self);
  if (!gst_ice_signaller_prepare (signaller, &err)) {
    g_object_unref (signaller);
    goto signaller_failed;
  }
  g_object_unref (signaller);
  return TRUE;

  /* ERRORS */
unknown_signaller:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, SETTINGS,
        ("unknown signaller-type '%s': use websocket, directory, terminal or the "
            "GType name of a GstIceSignaller implementation", type_name),
        (NULL));
    g_free (type_name);
    return FALSE;
  }
signaller_failed:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, SETTINGS, ("%s",
            err->message), (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

/* libnice takes numeric server addresses only */
static gboolean
resolve_host (GstIceTransport * self, GstIceServerUri * uri, const gchar * what)
{
  GResolver *resolver;
  GList *addresses;
  GError *err = NULL;
  GInetAddress *addr;

  addr = g_inet_address_new_from_string (uri->host);
  if (addr) {
    g_object_unref (addr);
    return TRUE;
  }

  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, uri->host, NULL, &err);
  g_object_unref (resolver);
  if (addresses == NULL)
    goto failed;

  g_free (uri->host);
  uri->host = g_inet_address_to_string (addresses->data);
  g_resolver_free_addresses (addresses);
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, NOT_FOUND,
        ("could not resolve %s host '%s': %s", what, uri->host,
            err->message), (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

/* --- transport thread ---------------------------------------------------- */

static void
post_session_message (GstIceTransport * self, GstIceSession * session,
    GstStructure * s)
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
  post_session_message (self, session, gst_structure_copy (pair));
}

static void
report_failure (GstIceTransport * self, GstIceSession * session)
{
  gchar *candidates = gst_ice_session_describe_candidates (session);
  gboolean have_turn = self->config.turn_servers->len > 0;
  const gchar *hint = have_turn ?
      "the TURN servers in turn-servers gave no working relay either: "
      "check their address, credentials and that the peer can reach them" :
      "a peer behind a symmetric NAT or a firewall that blocks UDP needs "
      "a TURN server: set turn-servers on both sides";

  if (self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    GST_ELEMENT_ERROR (self->element, RESOURCE, OPEN_READ,
        ("ICE failed with producer '%s': no candidate pair worked; %s",
            gst_ice_session_get_peer_id (session), hint),
        ("session %s, %s", gst_ice_session_get_id (session), candidates));
  } else {
    GST_ELEMENT_WARNING (self->element, RESOURCE, OPEN_WRITE,
        ("ICE failed with consumer '%s': no candidate pair worked; %s",
            gst_ice_session_get_peer_id (session), hint),
        ("session %s, %s", gst_ice_session_get_id (session), candidates));
  }
  g_free (candidates);
}

static void
on_state_changed (GstIceSession * session, const gchar * state,
    GstIceTransport * self)
{
  gboolean connected = gst_ice_session_is_connected (session);

  post_session_message (self, session, gst_structure_new ("ice-state-changed",
          "state", G_TYPE_STRING, state, NULL));
  update_connected (self, session, connected);

  if (g_strcmp0 (state, "failed") != 0)
    return;
  if (gst_ice_session_was_connected (session))
    lose_session (self, session);
  else
    fail_session (self, session);
}

/* A timer about one session (or, to rejoin, one producer), which may be
 * gone when it fires. */
typedef struct
{
  GstIceTransport *transport;
  gchar *id;                    /* session id, or producer id */
} SessionTimer;

static void
session_timer_free (gpointer data)
{
  SessionTimer *timer = data;

  g_free (timer->id);
  g_free (timer);
}

static void
add_session_timer (GstIceTransport * self, const gchar * id, guint seconds,
    GSourceFunc func)
{
  SessionTimer *timer = g_new0 (SessionTimer, 1);
  GSource *source = g_timeout_source_new_seconds (seconds);

  timer->transport = self;
  timer->id = g_strdup (id);
  g_source_set_callback (source, func, timer, session_timer_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
end_session (GstIceTransport * self, const gchar * session_id)
{
  gchar *id = g_strdup (session_id);

  gst_ice_signaller_end_session (self->active_signaller, id);
  close_session (self, id);
  if (self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    g_clear_pointer (&self->consumer_session_id, g_free);
    self->consumer_requested = FALSE;
  }
  g_free (id);
}

static gboolean
on_fail_grace_over (gpointer data)
{
  SessionTimer *timer = data;

  if (lookup_session (timer->transport, timer->id))
    end_session (timer->transport, timer->id);
  return G_SOURCE_REMOVE;
}

/* No pair worked: tell the user why, end the session with the peer. */
static void
fail_session (GstIceTransport * self, GstIceSession * session)
{
  if (!g_atomic_int_get (&self->shutting_down))
    report_failure (self, session);
  /* once: libnice can report "failed" again while the session lingers */
  g_signal_handlers_disconnect_by_func (session, on_state_changed, self);
  if (self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER &&
      !g_atomic_int_get (&self->shutting_down))
    add_session_timer (self, gst_ice_session_get_id (session),
        PRODUCER_FAIL_GRACE_S, on_fail_grace_over);
  else
    end_session (self, gst_ice_session_get_id (session));
}

/* A pair worked, then the peer stopped answering (consent freshness): the
 * peer went away or its path broke, which is no traversal problem.  A
 * consumer warns and waits for its producer as when it leaves. */
static void
lose_session (GstIceTransport * self, GstIceSession * session)
{
  gchar *peer_id = g_strdup (gst_ice_session_get_peer_id (session));
  gboolean producer_lost = self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER &&
      g_strcmp0 (gst_ice_session_get_id (session),
      self->consumer_session_id) == 0;

  GST_INFO_OBJECT (self, "lost the ICE connection with '%s'", peer_id);
  end_session (self, gst_ice_session_get_id (session));
  if (producer_lost && self->callbacks.producer_left &&
      !g_atomic_int_get (&self->shutting_down)) {
    self->callbacks.producer_left (self->element, peer_id);
    schedule_rejoin (self, peer_id);
  }
  g_free (peer_id);
}

static void
on_session_closed (GstIceSession * session, gpointer user_data)
{
  GstIceTransport *self = user_data;

  if (--self->closing_sessions == 0 && g_atomic_int_get (&self->shutting_down))
    g_main_loop_quit (self->loop);
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
  g_signal_handlers_disconnect_by_data (session, self);
  update_connected (self, session, FALSE);
  self->closing_sessions++;
  gst_ice_session_close (session, on_session_closed, self);
  gst_object_unref (session);
}

static GstIceSession *
lookup_session (GstIceTransport * self, const gchar * session_id)
{
  GstIceSession *session;

  g_mutex_lock (&self->sessions_lock);
  session = g_hash_table_lookup (self->sessions, session_id);
  g_mutex_unlock (&self->sessions_lock);
  return session;
}

static gboolean
on_connect_timeout (gpointer data)
{
  SessionTimer *timeout = data;
  GstIceSession *session = lookup_session (timeout->transport,
      timeout->id);

  if (session && !gst_ice_session_is_connected (session)) {
    GST_INFO_OBJECT (session, "no working pair after %u s", CONNECT_TIMEOUT_S);
    fail_session (timeout->transport, session);
  }
  return G_SOURCE_REMOVE;
}

static GstIceSession *
create_session (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id)
{
  GstIceSession *session;

  session = gst_ice_session_new (session_id, peer_id,
      self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER, self->context,
      &self->config);
  if (self->callbacks.received)
    gst_ice_session_set_receive_func (session, self->callbacks.received,
        self->element);
  g_signal_connect (session, "local-candidate",
      G_CALLBACK (on_local_candidate), self);
  g_signal_connect (session, "state-changed", G_CALLBACK (on_state_changed),
      self);
  g_signal_connect (session, "selected-pair", G_CALLBACK (on_selected_pair),
      self);

  g_mutex_lock (&self->sessions_lock);
  g_hash_table_insert (self->sessions, g_strdup (session_id), session);
  g_mutex_unlock (&self->sessions_lock);

  add_session_timer (self, session_id, CONNECT_TIMEOUT_S, on_connect_timeout);
  return session;
}

/* Sends our description, then gathers: candidates trickle after it. */
static void
offer_session (GstIceTransport * self, GstIceSession * session, GstCaps * caps)
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
    gst_ice_signaller_end_session (self->active_signaller, session_id);
    close_session (self, session_id);
  }
  g_free (session_id);
}

static void
start_producer_session (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id, GstCaps * caps)
{
  GstIceSession *session;

  GST_INFO_OBJECT (self, "consumer '%s' joins with session %s", peer_id,
      session_id);
  session = create_session (self, session_id, peer_id);
  offer_session (self, session, caps);
}

static void
on_session_requested (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, GstIceTransport * self)
{
  GstCaps *caps = NULL;

  if (self->role != GST_ICE_SIGNALLER_ROLE_PRODUCER || session_id == NULL
      || peer_id == NULL || lookup_session (self, session_id))
    return;

  GST_OBJECT_LOCK (self);
  if (self->caps)
    caps = gst_caps_ref (self->caps);
  GST_OBJECT_UNLOCK (self);

  if (caps == NULL) {
    /* the description carries the caps: answer once they are known */
    GST_DEBUG_OBJECT (self, "session %s waits for caps", session_id);
    g_ptr_array_add (self->requests_waiting_for_caps, g_strdup (session_id));
    g_ptr_array_add (self->requests_waiting_for_caps, g_strdup (peer_id));
    return;
  }
  start_producer_session (self, session_id, peer_id, caps);
  gst_caps_unref (caps);
}

static void
on_session_started (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, GstIceTransport * self)
{
  if (self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER || session_id == NULL)
    return;
  GST_INFO_OBJECT (self, "session %s with producer '%s' started", session_id,
      peer_id);
  g_free (self->consumer_session_id);
  self->consumer_session_id = g_strdup (session_id);
  g_free (self->consumer_producer_id);
  self->consumer_producer_id = g_strdup (peer_id);
}

static void
on_session_description (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * text, GstIceTransport * self)
{
  GstIceDescription *desc;
  GstIceSession *session;
  GError *err = NULL;

  if (session_id == NULL || text == NULL)
    return;

  desc = gst_ice_description_parse (text, &err);
  if (desc == NULL)
    goto bad_description;

  session = lookup_session (self, session_id);
  if (self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    if (g_strcmp0 (session_id, self->consumer_session_id) != 0)
      goto unknown_session;
    if (desc->caps && self->callbacks.caps_received)
      self->callbacks.caps_received (self->element, desc->caps);
    if (session) {
      /* a repeated description only updates the caps */
      gst_ice_description_free (desc);
      return;
    }
    session = create_session (self, session_id, self->consumer_producer_id ?
        self->consumer_producer_id : "unknown");
  } else if (session == NULL) {
    goto unknown_session;
  }

  if (!gst_ice_session_set_remote_description (session, desc, &err))
    goto bad_description;
  gst_ice_description_free (desc);

  if (self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
    offer_session (self, session, NULL);
  return;

  /* ERRORS */
bad_description:
  {
    GST_WARNING_OBJECT (self, "ignoring description of session %s: %s",
        session_id, err->message);
    g_clear_error (&err);
    g_clear_pointer (&desc, gst_ice_description_free);
    return;
  }
unknown_session:
  {
    GST_WARNING_OBJECT (self, "ignoring description of unknown session %s",
        session_id);
    gst_ice_description_free (desc);
    return;
  }
}

static void
on_session_candidate (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * line, GstIceTransport * self)
{
  GstIceSession *session;
  GError *err = NULL;

  if (session_id == NULL || line == NULL)
    return;
  session = lookup_session (self, session_id);
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
on_session_ended (GstIceSignaller * signaller, const gchar * session_id,
    GstIceTransport * self)
{
  GstIceSession *session;
  gchar *peer_id = NULL;
  guint i;

  if (session_id == NULL)
    return;
  GST_INFO_OBJECT (self, "session %s ended by the peer", session_id);

  for (i = 0; i + 1 < self->requests_waiting_for_caps->len; i += 2) {
    if (g_strcmp0 (g_ptr_array_index (self->requests_waiting_for_caps, i),
            session_id) == 0) {
      g_ptr_array_remove_range (self->requests_waiting_for_caps, i, 2);
      break;
    }
  }

  session = lookup_session (self, session_id);
  if (session)
    peer_id = g_strdup (gst_ice_session_get_peer_id (session));
  close_session (self, session_id);

  if (self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER &&
      g_strcmp0 (session_id, self->consumer_session_id) == 0) {
    g_clear_pointer (&self->consumer_session_id, g_free);
    self->consumer_requested = FALSE;
    if (self->callbacks.producer_left)
      self->callbacks.producer_left (self->element, peer_id);
    schedule_rejoin (self, peer_id);
  }
  g_free (peer_id);
}

static void
on_producer_added (GstIceSignaller * signaller, const gchar * peer_id,
    GstIceTransport * self)
{
  gboolean wanted;

  if (self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER || peer_id == NULL)
    return;

  GST_OBJECT_LOCK (self);
  wanted = self->producer_peer_id == NULL ||
      g_strcmp0 (self->producer_peer_id, peer_id) == 0;
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "producer '%s' listed%s", peer_id,
      wanted ? "" : ", not the one asked for");
  g_hash_table_add (self->listed_producers, g_strdup (peer_id));
  if (!wanted)
    return;

  if (self->consumer_requested) {
    GstIceSession *current = self->consumer_session_id ?
        lookup_session (self, self->consumer_session_id) : NULL;

    /* Listed again while our session with it lives: it restarted (with
     * its embedded server, or we reconnected to a restarted server), and
     * that session's peer is gone. */
    if (current == NULL ||
        g_strcmp0 (gst_ice_session_get_peer_id (current), peer_id) != 0)
      return;
    GST_INFO_OBJECT (self, "producer '%s' registered again, starting a new "
        "session", peer_id);
    end_session (self, self->consumer_session_id);
    if (self->callbacks.producer_left)
      self->callbacks.producer_left (self->element, peer_id);
  }

  self->consumer_requested = TRUE;
  gst_ice_signaller_request_session (signaller, peer_id);
}

static void
on_producer_removed (GstIceSignaller * signaller, const gchar * peer_id,
    GstIceTransport * self)
{
  if (self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER || peer_id == NULL)
    return;
  GST_DEBUG_OBJECT (self, "producer '%s' no longer listed", peer_id);
  g_hash_table_remove (self->listed_producers, peer_id);
}

static gboolean
on_rejoin_timeout (gpointer data)
{
  SessionTimer *timer = data;
  GstIceTransport *self = timer->transport;
  const gchar *peer_id = timer->id;

  if (g_atomic_int_get (&self->shutting_down) || self->consumer_requested ||
      !g_hash_table_contains (self->listed_producers, peer_id))
    return G_SOURCE_REMOVE;
  GST_INFO_OBJECT (self, "producer '%s' is still there, asking it for a new "
      "session", peer_id);
  self->consumer_requested = TRUE;
  gst_ice_signaller_request_session (self->active_signaller, peer_id);
  return G_SOURCE_REMOVE;
}

/* Our session with @peer_id ended but the producer may still be there (a
 * network blip ended it): ask again once the signalling had time to say
 * whether it left. */
static void
schedule_rejoin (GstIceTransport * self, const gchar * peer_id)
{
  if (self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER && peer_id != NULL)
    add_session_timer (self, peer_id, REJOIN_DELAY_S, on_rejoin_timeout);
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

static gboolean
answer_waiting_requests (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GPtrArray *waiting = self->requests_waiting_for_caps;
  GstCaps *caps = NULL;
  guint i;

  if (self->active_signaller == NULL)
    return G_SOURCE_REMOVE;

  GST_OBJECT_LOCK (self);
  if (self->caps)
    caps = gst_caps_ref (self->caps);
  GST_OBJECT_UNLOCK (self);
  if (caps == NULL)
    return G_SOURCE_REMOVE;

  self->requests_waiting_for_caps = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i + 1 < waiting->len; i += 2)
    start_producer_session (self, g_ptr_array_index (waiting, i),
        g_ptr_array_index (waiting, i + 1), caps);
  g_ptr_array_unref (waiting);
  gst_caps_unref (caps);
  return G_SOURCE_REMOVE;
}

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
point_signaller_at_server (GstIceTransport * self, GstIceSignaller * signaller,
    guint port)
{
  const gchar *host = self->signalling_server_host;
  gchar *uri;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (signaller),
          "uri") == NULL)
    return;
  /* a wildcard listener is reached on loopback */
  if (host == NULL || g_strcmp0 (host, "0.0.0.0") == 0
      || g_strcmp0 (host, "::") == 0)
    host = "127.0.0.1";
  uri = strchr (host, ':') ? g_strdup_printf ("ws://[%s]:%u", host, port) :
      g_strdup_printf ("ws://%s:%u", host, port);
  g_object_set (signaller, "uri", uri, NULL);
  g_free (uri);
}

/**
 * gst_ice_transport_start:
 *
 * READY to PAUSED: resolves the servers, starts the transport thread, the
 * embedded signalling server if asked for, and the signaller.
 */
gboolean
gst_ice_transport_start (GstIceTransport * self)
{
  GError *err = NULL;
  GstIceSignaller *signaller;
  guint i;
  gboolean run_server;

  if (!parse_config (self, &self->config))
    return FALSE;
  if (self->config.stun_server &&
      !resolve_host (self, self->config.stun_server, "stun-server"))
    goto failed;
  for (i = 0; i < self->config.turn_servers->len; i++) {
    if (!resolve_host (self, g_ptr_array_index (self->config.turn_servers, i),
            "turn-servers"))
      goto failed;
  }

  GST_OBJECT_LOCK (self);
  self->active_peer_id = self->peer_id ? g_strdup (self->peer_id) : NULL;
  run_server = self->run_signalling_server &&
      self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;
  GST_OBJECT_UNLOCK (self);
  if (self->active_peer_id == NULL)
    self->active_peer_id = make_peer_id (self);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_atomic_int_set (&self->shutting_down, FALSE);

  /* the server and signaller attach their sources to the thread-default
   * context; nothing iterates it before the thread starts */
  g_main_context_push_thread_default (self->context);
  if (run_server) {
    self->server = gst_ice_signalling_server_new (self->signalling_server_host,
        self->signalling_server_port);
    if (!gst_ice_signalling_server_start (self->server, &err)) {
      g_main_context_pop_thread_default (self->context);
      goto server_failed;
    }
    GST_OBJECT_LOCK (self);
    self->signalling_server_port =
        gst_ice_signalling_server_get_port (self->server);
    GST_OBJECT_UNLOCK (self);
  }

  signaller = gst_ice_transport_get_signaller (self);
  if (self->server)
    point_signaller_at_server (self, signaller, self->signalling_server_port);
  self->active_signaller = signaller;
  self->signaller_handlers[0] = g_signal_connect (signaller,
      "session-requested", G_CALLBACK (on_session_requested), self);
  self->signaller_handlers[1] = g_signal_connect (signaller,
      "session-started", G_CALLBACK (on_session_started), self);
  self->signaller_handlers[2] = g_signal_connect (signaller,
      "session-description", G_CALLBACK (on_session_description), self);
  self->signaller_handlers[3] = g_signal_connect (signaller,
      "session-candidate", G_CALLBACK (on_session_candidate), self);
  self->signaller_handlers[4] = g_signal_connect (signaller,
      "session-ended", G_CALLBACK (on_session_ended), self);
  self->signaller_handlers[5] = g_signal_connect (signaller,
      "producer-added", G_CALLBACK (on_producer_added), self);
  self->signaller_handlers[6] = g_signal_connect (signaller, "error",
      G_CALLBACK (on_signaller_error), self);
  self->signaller_handlers[7] = g_signal_connect (signaller,
      "producer-removed", G_CALLBACK (on_producer_removed), self);
  GST_INFO_OBJECT (self, "starting as %s '%s'",
      self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" : "consumer",
      self->active_peer_id);
  gst_ice_signaller_start (signaller, self->role, self->active_peer_id);
  g_main_context_pop_thread_default (self->context);

  self->thread = g_thread_new ("icetransport", transport_thread, self);
  return TRUE;

  /* ERRORS */
server_failed:
  {
    GST_ELEMENT_ERROR (self->element, RESOURCE, OPEN_READ_WRITE,
        ("could not run the signalling server: %s", err->message), (NULL));
    g_clear_error (&err);
    g_clear_object (&self->server);
    g_clear_pointer (&self->loop, g_main_loop_unref);
    g_clear_pointer (&self->context, g_main_context_unref);
    goto failed;
  }
failed:
  {
    clear_config (&self->config);
    g_clear_pointer (&self->active_peer_id, g_free);
    return FALSE;
  }
}

static gboolean
quit_loop (gpointer user_data)
{
  GstIceTransport *self = user_data;

  GST_WARNING_OBJECT (self, "%u sessions did not close in time",
      self->closing_sessions);
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
shut_down (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GstIceSignaller *signaller = self->active_signaller;
  GPtrArray *ids;
  GHashTableIter iter;
  gpointer key;
  guint i;

  /* from here on, failures are ours, not the user's */
  g_atomic_int_set (&self->shutting_down, TRUE);

  for (i = 0; i < G_N_ELEMENTS (self->signaller_handlers); i++) {
    g_signal_handler_disconnect (signaller, self->signaller_handlers[i]);
    self->signaller_handlers[i] = 0;
  }

  ids = g_ptr_array_new_with_free_func (g_free);
  g_mutex_lock (&self->sessions_lock);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));
  g_mutex_unlock (&self->sessions_lock);
  for (i = 0; i < ids->len; i++) {
    gst_ice_signaller_end_session (signaller, g_ptr_array_index (ids, i));
    close_session (self, g_ptr_array_index (ids, i));
  }
  g_ptr_array_unref (ids);

  gst_ice_signaller_stop (signaller);
  self->active_signaller = NULL;
  g_object_unref (signaller);
  if (self->server) {
    gchar *own_id;

    GST_OBJECT_LOCK (self);
    own_id = g_strdup (self->active_peer_id);
    GST_OBJECT_UNLOCK (self);
    if (own_id)
      gst_ice_signalling_server_remove_peer (self->server, own_id);
    g_free (own_id);
    gst_ice_signalling_server_stop (self->server);
    g_clear_object (&self->server);
  }

  if (self->closing_sessions == 0) {
    g_main_loop_quit (self->loop);
  } else {
    GSource *timeout = g_timeout_source_new (CLOSE_TIMEOUT_MS);

    g_source_set_callback (timeout, quit_loop, self, NULL);
    g_source_attach (timeout, self->context);
    g_source_unref (timeout);
  }
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_transport_stop:
 *
 * PAUSED to READY: ends every session (telling the peers), stops the
 * signaller and server, and gives libnice up to a second to release TURN
 * allocations.
 */
void
gst_ice_transport_stop (GstIceTransport * self)
{
  if (self->thread == NULL)
    return;

  g_main_context_invoke (self->context, shut_down, self);
  g_thread_join (self->thread);
  self->thread = NULL;

  /* let agents and the signaller finish callbacks that the quit cut
   * short; libsoup asserts that they run with their context as the
   * thread-default one */
  g_main_context_push_thread_default (self->context);
  while (g_main_context_iteration (self->context, FALSE));
  g_main_context_pop_thread_default (self->context);

  g_mutex_lock (&self->sessions_lock);
  g_hash_table_remove_all (self->sessions);
  g_ptr_array_set_size (self->connected, 0);
  g_mutex_unlock (&self->sessions_lock);
  g_ptr_array_set_size (self->requests_waiting_for_caps, 0);
  g_clear_pointer (&self->consumer_session_id, g_free);
  g_clear_pointer (&self->consumer_producer_id, g_free);
  self->consumer_requested = FALSE;
  g_hash_table_remove_all (self->listed_producers);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  clear_config (&self->config);
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->active_peer_id, g_free);
  gst_caps_replace (&self->caps, NULL);
  GST_OBJECT_UNLOCK (self);
}

/**
 * gst_ice_transport_set_caps:
 *
 * Producer: the caps of the stream, sent to every consumer in its
 * description; consumers that asked before caps were known are answered
 * now.
 */
void
gst_ice_transport_set_caps (GstIceTransport * self, GstCaps * caps)
{
  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->caps, caps);
  GST_OBJECT_UNLOCK (self);

  if (self->context)
    g_main_context_invoke (self->context, answer_waiting_requests, self);
}

/**
 * gst_ice_transport_send:
 * @buffer: one datagram
 *
 * Sends @buffer to every connected consumer, from the streaming thread.
 *
 * Returns: how many consumers it was sent to.
 */
guint
gst_ice_transport_send (GstIceTransport * self, GstBuffer * buffer)
{
  GPtrArray *connected;
  guint i, sent = 0;

  g_mutex_lock (&self->sessions_lock);
  connected = g_ptr_array_ref (self->connected);
  g_mutex_unlock (&self->sessions_lock);

  for (i = 0; i < connected->len; i++) {
    if (gst_ice_session_send (g_ptr_array_index (connected, i), buffer))
      sent++;
  }
  g_ptr_array_unref (connected);
  return sent;
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
