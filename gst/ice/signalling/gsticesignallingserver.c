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
 * SECTION:gsticesignallingserver
 * @title: GstIceSignallingServer
 * @short_description: WebSocket server relaying gst-ice signalling messages
 *
 * A #GstIceSignallingServer accepts WebSocket connections from
 * #GstIceWebSocketSignaller peers and relays the JSON messages described in
 * `docs/signalling-protocol.md` between them: it keeps the list of
 * registered producers and consumers, creates sessions when a consumer asks
 * a producer for one, routes descriptions and candidates to the other peer
 * of their session, and ends the sessions of a peer that leaves.
 *
 * It runs embedded in icesink (`run-signalling-server=true`) and as the
 * `gst-ice-signalling-server` program.
 *
 * Everything happens on the #GMainContext that was the thread-default one
 * when gst_ice_signalling_server_start() was called: the listening socket
 * and every connection attach their sources to it.  start(), stop() and the
 * last unref must be called from the thread that runs it.
 *
 * Nothing a client sends can take the server down: messages that are not
 * JSON objects, lack a field, carry a field of the wrong type, nest deeper
 * than 32 levels or exceed 128 KiB are logged and dropped.
 *
 * A registered client whose connection breaks (its host changed networks,
 * a NAT forgot the connection) keeps its registration and its sessions for
 * #GstIceSignallingServer:resume-timeout: it reconnects with the resume
 * token it was given, takes its registration back, and both sides send
 * again what the other missed (docs/signalling-protocol.md, "Resuming").
 * Messages for it meanwhile wait, up to 64 KiB of them.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticesignallingserver.h>
#include <gst/ice/signalling/gsticesignallingserverprivate.h>
#include <gst/ice/signalling/gsticesignaller.h>
#include <gst/ice/signalling/gsticesignallingprotocol.h>
#include <gst/ice/signalling/gsticesignallingreplay.h>
#include <gst/ice/gsticeerror.h>

#include <string.h>
#include <gio/gnetworking.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_signalling_server_debug);
#define GST_CAT_DEFAULT gst_ice_signalling_server_debug

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 8443
#define DEFAULT_PING_INTERVAL 10
#define DEFAULT_MAX_CONNECTIONS_PER_ADDRESS 32
#define DEFAULT_MAX_SESSIONS_PER_CONNECTION 8
#define DEFAULT_MAX_MESSAGE_RATE 100
#define DEFAULT_REGISTER_TIMEOUT 10
#define DEFAULT_STATUS_PAGE FALSE
#define DEFAULT_RESUME_TIMEOUT 15

/* what the server keeps of the messages it sent each client, to send them
 * again when it resumes */
#define REPLAY_BYTES (64 * 1024)

/* the message rate is averaged over this many seconds: a connection may
 * send this many seconds' worth at once */
#define MESSAGE_BURST_S 10

/* largest text frame accepted from a client */
#define MAX_MESSAGE_SIZE (128 * 1024)
/* longest peer id, in bytes */
#define MAX_PEER_ID_LENGTH 256

enum
{
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_PING_INTERVAL,
  PROP_TOKEN,
  PROP_MAX_CONNECTIONS_PER_ADDRESS,
  PROP_MAX_SESSIONS_PER_CONNECTION,
  PROP_MAX_MESSAGE_RATE,
  PROP_REGISTER_TIMEOUT,
  PROP_CERTIFICATE_FILE,
  PROP_PRIVATE_KEY_FILE,
  PROP_STATUS_PAGE,
  PROP_RESUME_TIMEOUT,
};

typedef struct _Peer Peer;

/* One client connection: accepted, then a WebSocket, then registered. */
struct _Peer
{
  GstIceSignallingServer *server;       /* not owned */
  gchar *remote;                /* remote address and port, for logs */
  gchar *address;               /* remote address, NULL if not counted */
  GSocketConnection *connection;        /* until it is a WebSocket */
  GIOStream *tls;               /* over connection, until it is a WebSocket */
  GCancellable *handshake;      /* of tls, while it runs */
  GSource *deadline;            /* closes it unless registered by then */
  SoupWebsocketConnection *ws;  /* NULL until the HTTP upgrade */
  gchar *peer_id;               /* NULL until registered */
  GstIceSignallerRole role;
  gint64 last_seen;             /* monotonic time of its last frame */
  gboolean dropped;             /* closing: it broke a rule or went silent */
  guint n_sessions;             /* sessions it started as a consumer */
  gdouble allowance;            /* messages it may send now */
  gint64 allowance_time;        /* when allowance was last topped up */
  gint64 connected_at;          /* monotonic time of its WebSocket */
  /* from its registration on, whatever connection carries it */
  gboolean resumable;           /* resume_digest is set */
  guint8 resume_digest[32];     /* SHA-256 of its resume token */
  GstIceSignallingReplay *sent; /* messages sent to it */
  guint64 received;             /* messages received from it */
  GSource *resume_deadline;     /* no connection: it leaves unless it
                                 * resumes by then */
};

/* What one side of a session last reported in a stats message, for the
 * status page. */
typedef struct
{
  gint64 time;                  /* monotonic time of the report, 0: none */
  gchar *state;
  gchar *local_candidate_type;
  gchar *remote_candidate_type;
  gchar *transport;
  guint64 bytes_sent;
  guint64 bytes_received;
  gdouble bitrate_sent;         /* bits per second since the last report */
  gdouble bitrate_received;
} SessionReport;

typedef struct
{
  gchar *id;
  Peer *producer;               /* not owned */
  Peer *consumer;               /* not owned */
  gint64 started_at;            /* monotonic time */
  SessionReport producer_report;
  SessionReport consumer_report;
} Session;

struct _GstIceSignallingServer
{
  GObject parent;

  /* properties: set before start() from the thread that calls it */
  gchar *host;
  guint port;
  guint ping_interval;
  gchar *token;                 /* secret: never logged nor read back */
  guint max_connections_per_address;
  guint max_sessions_per_connection;
  guint max_message_rate;
  guint register_timeout;
  gchar *certificate_file;
  gchar *private_key_file;
  gboolean status_page;
  guint resume_timeout;

  /* from start() to stop(): owned by the thread running the main context
   * that was thread-default at start() */
  SoupServer *soup;
  GSocketService *service;      /* accepts connections for soup */
  GSource *ping_source;         /* looks for peers that stopped answering */
  guint bound_port;
  GTlsCertificate *certificate; /* wss:// when set */
  gboolean token_required;
  guint8 token_digest[32];      /* SHA-256 of the token, when required */
  GList *peers;                 /* Peer *, every WebSocket, oldest first */
  GHashTable *pending;          /* remote -> Peer *, owned: accepted, no
                                 * WebSocket yet */
  GHashTable *addresses;        /* remote address -> its connections */
  GHashTable *registered;       /* peer id -> Peer *, not owned */
  GHashTable *sessions;         /* session id -> Session *, owned */
  gint64 started_at;            /* monotonic time of start() */
};

#define gst_ice_signalling_server_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceSignallingServer, gst_ice_signalling_server,
    G_TYPE_OBJECT, GST_DEBUG_CATEGORY_INIT (gst_ice_signalling_server_debug,
        "icesignallingserver", 0, "gst-ice signalling server"));

static void gst_ice_signalling_server_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_ice_signalling_server_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static void gst_ice_signalling_server_dispose (GObject * object);
static void gst_ice_signalling_server_finalize (GObject * object);

/* *INDENT-OFF* */
static void peer_send_error (Peer * peer, const gchar * code,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

/* Long: one block per property and signal, each with its documentation. */
static void
gst_ice_signalling_server_class_init (GstIceSignallingServerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_ice_signalling_server_set_property;
  gobject_class->get_property = gst_ice_signalling_server_get_property;
  gobject_class->dispose = gst_ice_signalling_server_dispose;
  gobject_class->finalize = gst_ice_signalling_server_finalize;

  /**
   * GstIceSignallingServer:host:
   *
   * IP address to listen on, or `localhost` for 127.0.0.1.  Default
   * `0.0.0.0` (every IPv4 interface); `::` listens on every interface.
   * Read by gst_ice_signalling_server_start(): a host name other than
   * `localhost` makes it fail with "host 'NAME' is not an IP address or
   * localhost".
   */
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host",
          "IP address to listen on, or localhost", DEFAULT_HOST,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:port:
   *
   * TCP port to listen on; 0 picks a free port, which
   * gst_ice_signalling_server_get_port() returns once started.  Default
   * 8443.  Read by gst_ice_signalling_server_start(): a port that is in use
   * makes it fail with "could not listen on HOST:PORT: Address already in
   * use".
   */
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_uint ("port", "Port",
          "TCP port to listen on (0 = pick a free port)", 0, G_MAXUINT16,
          DEFAULT_PORT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:ping-interval:
   *
   * Seconds between two WebSocket pings (RFC 6455) to each client; a
   * client from which nothing arrived (no message, no pong) for two
   * intervals is dropped as dead: its sessions end and, for a producer,
   * consumers get producerRemoved.  A dead client (its host lost power, a
   * NAT forgot the connection) is so dropped within 3 intervals of its
   * last frame.  Default 10 (30 s); 0 sends no ping and keeps dead
   * clients, and their peer ids, until the kernel gives up on the
   * connection (hours).  Read by gst_ice_signalling_server_start().
   */
  g_object_class_install_property (gobject_class, PROP_PING_INTERVAL,
      g_param_spec_uint ("ping-interval", "Ping interval",
          "Seconds between two pings to each client; a client silent for "
          "two intervals is dropped, so a dead one goes within 3 intervals "
          "(default 10: 30 s; 0 = never ping, keep dead clients)", 0, 3600,
          DEFAULT_PING_INTERVAL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:token:
   *
   * Shared secret a client must send in its `register` message (the
   * WebSocket signaller's #GstIceWebSocketSignaller:token).  A client
   * without it, or with another one, gets an `unauthorized` error and is
   * disconnected; its signaller fails with "register refused by
   * signalling server URI: wrong or missing token".  %NULL (default): the
   * value of the GST_ICE_SIGNALLING_TOKEN environment variable, and no
   * token when that is unset too; "" asks for none.  Write-only: it is
   * never read back nor logged.  Read by gst_ice_signalling_server_start().
   */
  g_object_class_install_property (gobject_class, PROP_TOKEN,
      g_param_spec_string ("token", "Token",
          "Shared secret clients must send to register (default NULL: "
          "the GST_ICE_SIGNALLING_TOKEN environment variable, else none; "
          "\"\" = none). Write-only", NULL,
          G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:max-connections-per-address:
   *
   * Most connections the server keeps open from one IP address, whether
   * registered or not.  The next one is answered `503 Too many
   * connections from ADDRESS` (over TLS: closed before the handshake) and
   * closed before it costs more than its socket, so that one host cannot
   * use up the server's file descriptors.  Peers behind one NAT share an
   * address: raise it for more of them.  Default 32; 0: no limit.
   */
  g_object_class_install_property (gobject_class,
      PROP_MAX_CONNECTIONS_PER_ADDRESS,
      g_param_spec_uint ("max-connections-per-address",
          "Max connections per address",
          "Most connections open at once from one IP address; the next is "
          "refused with 503 (default 32; 0 = no limit)", 0, G_MAXUINT,
          DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:max-sessions-per-connection:
   *
   * Most sessions one connection may hold as a consumer at once (an icesrc
   * holds one).  A startSession beyond it gets a `too-many-sessions`
   * error: one client cannot make a producer open an ICE agent per
   * message.  Producers serve any number of sessions (their own
   * `max-consumers` bounds them).  Default 8; 0: no limit.
   */
  g_object_class_install_property (gobject_class,
      PROP_MAX_SESSIONS_PER_CONNECTION,
      g_param_spec_uint ("max-sessions-per-connection",
          "Max sessions per connection",
          "Most sessions one connection may hold as a consumer; the next "
          "startSession gets a too-many-sessions error (default 8; 0 = no "
          "limit)", 0, G_MAXUINT, DEFAULT_MAX_SESSIONS_PER_CONNECTION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:max-message-rate:
   *
   * Most messages per second one connection may send, averaged over 10 s:
   * it may send 10 s worth at once (a producer answering 30 consumers
   * that join together sends some 500 messages).  A connection beyond it
   * is closed with code 1008 "more than N messages per second", which
   * ends its sessions.  Default 100; 0: no limit.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_MESSAGE_RATE,
      g_param_spec_uint ("max-message-rate", "Max message rate",
          "Most messages per second a connection may send, averaged over "
          "10 s; beyond it the connection is closed (default 100; 0 = no "
          "limit)", 0, G_MAXUINT, DEFAULT_MAX_MESSAGE_RATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:register-timeout:
   *
   * Seconds a connection has, from the moment it is accepted, to finish
   * its TLS and WebSocket handshakes and register.  One that has not is
   * closed (a WebSocket with code 1008 "did not register within N s"), so
   * that idle connections do not hold a slot of
   * #GstIceSignallingServer:max-connections-per-address.  Default 10; 0:
   * no limit.
   */
  g_object_class_install_property (gobject_class, PROP_REGISTER_TIMEOUT,
      g_param_spec_uint ("register-timeout", "Register timeout",
          "Seconds a new connection has to register before it is closed "
          "(default 10; 0 = no limit)", 0, 3600, DEFAULT_REGISTER_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:certificate-file:
   *
   * PEM file of the server's TLS certificate (and the intermediate
   * certificates after it, if any): the server then speaks `wss://` only,
   * and clients check the certificate against their CAs
   * (#GstIceWebSocketSignaller:tls-ca-file).  Set
   * #GstIceSignallingServer:private-key-file too.  Default %NULL: plain
   * `ws://`, readable and alterable by anyone on the path.  A missing or
   * unreadable file, a key that does not match, or a GIO without TLS
   * support (the glib-networking package) makes
   * gst_ice_signalling_server_start() fail naming it.
   */
  g_object_class_install_property (gobject_class, PROP_CERTIFICATE_FILE,
      g_param_spec_string ("certificate-file", "Certificate file",
          "PEM file of the TLS certificate: serve wss:// (default NULL: "
          "plain ws://)", NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:private-key-file:
   *
   * PEM file of the private key of #GstIceSignallingServer:certificate-file,
   * not encrypted with a passphrase (keep it readable by the server's user
   * only).  Default %NULL.
   */
  g_object_class_install_property (gobject_class, PROP_PRIVATE_KEY_FILE,
      g_param_spec_string ("private-key-file", "Private key file",
          "PEM file of the key of certificate-file (default NULL)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:status-page:
   *
   * Whether a plain HTTP GET of `/` on the server's port (`https://` with
   * a certificate) shows a status page: the registered peers, the
   * sessions, the candidate types of each session's selected pair and its
   * bitrate (which the peers then report every 2 s, see
   * docs/signalling-protocol.md), and the uptime, refreshed every second
   * from `/status.json`.  With a #GstIceSignallingServer:token, the data
   * (`/status.json`) needs the token too, as `Authorization: Bearer
   * TOKEN`; the page takes it from its address, `http://HOST:PORT/#token=TOKEN`
   * (the part after `#` never leaves the browser).  It shows no secret.
   * Default %FALSE: such a GET is answered 400, as before.  Read by
   * gst_ice_signalling_server_start().
   */
  g_object_class_install_property (gobject_class, PROP_STATUS_PAGE,
      g_param_spec_boolean ("status-page", "Status page",
          "Serve a status page (peers, sessions, selected pairs, bitrates, "
          "uptime) on GET / of the same port; with a token, its data needs "
          "the token too (default FALSE: no page)", DEFAULT_STATUS_PAGE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstIceSignallingServer:resume-timeout:
   *
   * Seconds a registered client whose connection broke (closed without a
   * goodbye, or silent for two ping intervals) keeps its peer id and its
   * sessions: a #GstIceWebSocketSignaller reconnects with the resume token
   * the server gave it and carries on where it was, as after a network
   * change, and nobody hears it left.  After that it leaves: its sessions
   * end and, for a producer, consumers get producerRemoved.  A client that
   * stops closes its connection and leaves at once; one that registers
   * again without the token (its process restarted) replaces the broken
   * registration at once.  Default 15; 0: no resumption, a broken
   * connection leaves at once.  Read by gst_ice_signalling_server_start().
   */
  g_object_class_install_property (gobject_class, PROP_RESUME_TIMEOUT,
      g_param_spec_uint ("resume-timeout", "Resume timeout",
          "Seconds a client whose connection broke keeps its registration "
          "and sessions to resume them from a new connection (default 15; "
          "0 = leave at once)", 0, 3600, DEFAULT_RESUME_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

/* Wipes and frees a secret string. */
static void
clear_secret (gchar ** secret)
{
  if (*secret != NULL) {
    OPENSSL_cleanse (*secret, strlen (*secret));
    g_clear_pointer (secret, g_free);
  }
}

/* Compares the digests of the secrets rather than the secrets, so that
 * the time taken says nothing of their lengths either. */
static gboolean
token_digest (const gchar * token, guint8 digest[32])
{
  unsigned int size = 0;

  return EVP_Digest (token, strlen (token), digest, &size, EVP_sha256 (),
      NULL) == 1 && size == 32;
}

static void
session_report_clear (SessionReport * report)
{
  g_free (report->state);
  g_free (report->local_candidate_type);
  g_free (report->remote_candidate_type);
  g_free (report->transport);
  memset (report, 0, sizeof (*report));
}

static void
session_free (Session * session)
{
  session->consumer->n_sessions--;
  session_report_clear (&session->producer_report);
  session_report_clear (&session->consumer_report);
  g_free (session->id);
  g_free (session);
}

static Peer *peer_new (GstIceSignallingServer * self, gchar * remote,
    gchar * address);
static void peer_free (Peer * peer);

static void
gst_ice_signalling_server_init (GstIceSignallingServer * self)
{
  self->host = g_strdup (DEFAULT_HOST);
  self->port = DEFAULT_PORT;
  self->ping_interval = DEFAULT_PING_INTERVAL;
  self->resume_timeout = DEFAULT_RESUME_TIMEOUT;
  self->max_connections_per_address = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  self->max_sessions_per_connection = DEFAULT_MAX_SESSIONS_PER_CONNECTION;
  self->max_message_rate = DEFAULT_MAX_MESSAGE_RATE;
  self->register_timeout = DEFAULT_REGISTER_TIMEOUT;
  self->status_page = DEFAULT_STATUS_PAGE;
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) peer_free);
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  self->registered = g_hash_table_new (g_str_hash, g_str_equal);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) session_free);
}

static void
gst_ice_signalling_server_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstIceSignallingServer *self = GST_ICE_SIGNALLING_SERVER (object);

  switch (prop_id) {
    case PROP_HOST:
      g_free (self->host);
      self->host = g_value_dup_string (value);
      if (self->host == NULL)
        self->host = g_strdup (DEFAULT_HOST);
      break;
    case PROP_PORT:
      self->port = g_value_get_uint (value);
      break;
    case PROP_PING_INTERVAL:
      self->ping_interval = g_value_get_uint (value);
      break;
    case PROP_RESUME_TIMEOUT:
      self->resume_timeout = g_value_get_uint (value);
      break;
    case PROP_TOKEN:
      clear_secret (&self->token);
      self->token = g_value_dup_string (value);
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      self->max_connections_per_address = g_value_get_uint (value);
      break;
    case PROP_MAX_SESSIONS_PER_CONNECTION:
      self->max_sessions_per_connection = g_value_get_uint (value);
      break;
    case PROP_MAX_MESSAGE_RATE:
      self->max_message_rate = g_value_get_uint (value);
      break;
    case PROP_REGISTER_TIMEOUT:
      self->register_timeout = g_value_get_uint (value);
      break;
    case PROP_CERTIFICATE_FILE:
      g_free (self->certificate_file);
      self->certificate_file = g_value_dup_string (value);
      break;
    case PROP_PRIVATE_KEY_FILE:
      g_free (self->private_key_file);
      self->private_key_file = g_value_dup_string (value);
      break;
    case PROP_STATUS_PAGE:
      self->status_page = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_signalling_server_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstIceSignallingServer *self = GST_ICE_SIGNALLING_SERVER (object);

  switch (prop_id) {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_PING_INTERVAL:
      g_value_set_uint (value, self->ping_interval);
      break;
    case PROP_RESUME_TIMEOUT:
      g_value_set_uint (value, self->resume_timeout);
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      g_value_set_uint (value, self->max_connections_per_address);
      break;
    case PROP_MAX_SESSIONS_PER_CONNECTION:
      g_value_set_uint (value, self->max_sessions_per_connection);
      break;
    case PROP_MAX_MESSAGE_RATE:
      g_value_set_uint (value, self->max_message_rate);
      break;
    case PROP_REGISTER_TIMEOUT:
      g_value_set_uint (value, self->register_timeout);
      break;
    case PROP_CERTIFICATE_FILE:
      g_value_set_string (value, self->certificate_file);
      break;
    case PROP_PRIVATE_KEY_FILE:
      g_value_set_string (value, self->private_key_file);
      break;
    case PROP_STATUS_PAGE:
      g_value_set_boolean (value, self->status_page);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_signalling_server_dispose (GObject * object)
{
  gst_ice_signalling_server_stop (GST_ICE_SIGNALLING_SERVER (object));

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_ice_signalling_server_finalize (GObject * object)
{
  GstIceSignallingServer *self = GST_ICE_SIGNALLING_SERVER (object);

  g_free (self->host);
  clear_secret (&self->token);
  g_free (self->certificate_file);
  g_free (self->private_key_file);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->addresses);
  g_hash_table_unref (self->registered);
  g_hash_table_unref (self->sessions);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Peers */

static const gchar *
peer_name (Peer * peer)
{
  return peer->peer_id ? peer->peer_id : peer->remote;
}

/* Writes @text (taking it) on @peer's connection, if it has an open one;
 * @shown is what the log shows of it. */
static void
peer_write (Peer * peer, gchar * text, const gchar * shown)
{
  GstIceSignallingServer *self = peer->server;

  if (peer->ws == NULL) {
    GST_DEBUG_OBJECT (self, "%s has no connection, keeping %s for when it "
        "resumes", peer_name (peer), shown);
  } else if (soup_websocket_connection_get_state (peer->ws) !=
      SOUP_WEBSOCKET_STATE_OPEN) {
    GST_DEBUG_OBJECT (self, "%s is leaving, not sending %s", peer_name (peer),
        shown);
  } else {
    GST_LOG_OBJECT (self, "to %s: %s", peer_name (peer), shown);
    soup_websocket_connection_send_text (peer->ws, text);
  }
  g_free (text);
}

/* Sends @text (taking it) to @peer; once it registered, the message is
 * numbered and kept, to be sent again if its connection breaks before it
 * arrives. */
static void
peer_send (Peer * peer, gchar * text)
{
  if (!g_utf8_validate (text, -1, NULL)) {
    /* cannot happen: every string taken from a message was checked */
    GST_ERROR_OBJECT (peer->server, "not sending non-UTF-8 message to %s",
        peer_name (peer));
    g_free (text);
    return;
  }
  if (peer->sent != NULL)
    gst_ice_signalling_replay_push (peer->sent, text);
  peer_write (peer, text, text);
}

/* An error message with @code (GST_ICE_SIGNALLING_ERROR_*) and text. */
static void
peer_send_error (Peer * peer, const gchar * code, const gchar * format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  GST_INFO_OBJECT (peer->server, "error %s to %s: %s", code, peer_name (peer),
      message);
  peer_send (peer, gst_ice_signalling_message_build ("error", "code", code,
          "message", message, NULL));
  g_free (message);
}

/* @peer's connection no longer counts as one of its address's. */
static void
peer_release_address (Peer * peer)
{
  GstIceSignallingServer *self = peer->server;
  guint n;

  if (peer->address == NULL)
    return;
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->addresses, peer->address));
  if (n > 1)
    g_hash_table_insert (self->addresses, g_strdup (peer->address),
        GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->addresses, peer->address);
  g_clear_pointer (&peer->address, g_free);
}

static void
peer_free (Peer * peer)
{
  if (peer->deadline != NULL) {
    g_source_destroy (peer->deadline);
    g_source_unref (peer->deadline);
  }
  if (peer->resume_deadline != NULL) {
    g_source_destroy (peer->resume_deadline);
    g_source_unref (peer->resume_deadline);
  }
  gst_ice_signalling_replay_free (peer->sent);
  OPENSSL_cleanse (peer->resume_digest, sizeof (peer->resume_digest));
  if (peer->ws != NULL) {
    g_signal_handlers_disconnect_by_data (peer->ws, peer);
    g_object_unref (peer->ws);
  }
  if (peer->handshake != NULL)
    g_cancellable_cancel (peer->handshake);
  g_clear_object (&peer->handshake);
  g_clear_object (&peer->tls);
  g_clear_object (&peer->connection);
  peer_release_address (peer);
  g_free (peer->remote);
  g_free (peer->peer_id);
  g_free (peer);
}

/* Ends @peer's sessions, forgets it and announces a producer's departure. */
static void
peer_leave (GstIceSignallingServer * self, Peer * peer)
{
  GHashTableIter iter;
  Session *session;
  GList *l;

  if (peer->peer_id == NULL)
    return;

  GST_INFO_OBJECT (self, "%s %s left", peer->role ==
      GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" : "consumer", peer->peer_id);

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)) {
    Peer *other;

    if (session->producer == peer)
      other = session->consumer;
    else if (session->consumer == peer)
      other = session->producer;
    else
      continue;

    GST_DEBUG_OBJECT (self, "ending session %s", session->id);
    peer_send (other, gst_ice_signalling_message_build ("endSession",
            "sessionId", session->id, NULL));
    g_hash_table_iter_remove (&iter);
  }

  g_hash_table_remove (self->registered, peer->peer_id);

  if (peer->role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    for (l = self->peers; l != NULL; l = l->next) {
      Peer *consumer = l->data;

      if (consumer->peer_id != NULL
          && consumer->role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
        peer_send (consumer,
            gst_ice_signalling_message_build ("producerRemoved", "peerId",
                peer->peer_id, NULL));
    }
  }
}

/* Messages */

static void drop_peer (GstIceSignallingServer * self, Peer * peer,
    gushort code, const gchar * why);

/* Whether @token (as the client sent it, maybe %NULL) is the server's. */
static gboolean
token_matches (GstIceSignallingServer * self, const gchar * token)
{
  guint8 digest[32];
  gboolean matches;

  if (!token_digest (token ? token : "", digest))
    return FALSE;
  matches = CRYPTO_memcmp (digest, self->token_digest, sizeof (digest)) == 0;
  OPENSSL_cleanse (digest, sizeof (digest));
  return matches;
}

static void on_peer_pong (SoupWebsocketConnection * ws, GBytes * message,
    gpointer user_data);
static void on_peer_message (SoupWebsocketConnection * ws, gint data_type,
    GBytes * bytes, gpointer user_data);
static void on_peer_error (SoupWebsocketConnection * ws, GError * error,
    gpointer user_data);
static void on_peer_closed (SoupWebsocketConnection * ws, gpointer user_data);

static void
connect_ws (Peer * peer)
{
  g_signal_connect (peer->ws, "pong", G_CALLBACK (on_peer_pong), peer);
  g_signal_connect (peer->ws, "message", G_CALLBACK (on_peer_message), peer);
  g_signal_connect (peer->ws, "error", G_CALLBACK (on_peer_error), peer);
  g_signal_connect (peer->ws, "closed", G_CALLBACK (on_peer_closed), peer);
}

/* Lets go of @peer's connection, closing it with @code unless it is closed
 * already. */
static void
peer_close_ws (Peer * peer, gushort code, const gchar * why)
{
  if (peer->ws == NULL)
    return;
  g_signal_handlers_disconnect_by_data (peer->ws, peer);
  if (soup_websocket_connection_get_state (peer->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->ws, code, why);
  /* the connection keeps itself alive until its stream is closed */
  g_clear_object (&peer->ws);
}

static gchar *
hex_encode (const guint8 * data, gsize size)
{
  gchar *hex = g_malloc (2 * size + 1);
  gsize i;

  for (i = 0; i < size; i++) {
    hex[2 * i] = "0123456789abcdef"[data[i] >> 4];
    hex[2 * i + 1] = "0123456789abcdef"[data[i] & 0xf];
  }
  hex[2 * size] = '\0';
  return hex;
}

/* Gives @peer a resume token and says it registered (resumed or not),
 * with how many of its messages arrived. */
static void
peer_send_registered (GstIceSignallingServer * self, Peer * peer,
    gboolean resumed)
{
  guint8 random[16];
  gchar *token, *received, *text;
  const gchar *wants_stats;

  /* with a status page, the peers are asked for their statistics */
  wants_stats = self->status_page ? "yes" : "no";
  received = g_strdup_printf ("%" G_GUINT64_FORMAT, peer->received);
  if (self->resume_timeout == 0 || RAND_bytes (random, sizeof (random)) != 1) {
    peer_write (peer, gst_ice_signalling_message_build ("registered",
            "peerId", peer->peer_id, "wantsStats", wants_stats, NULL),
        "registered");
    g_free (received);
    return;
  }

  /* a new token each time: one that was seen on a broken path is spent */
  token = hex_encode (random, sizeof (random));
  OPENSSL_cleanse (random, sizeof (random));
  peer->resumable = token_digest (token, peer->resume_digest);
  text = gst_ice_signalling_message_build ("registered", "peerId",
      peer->peer_id, "resumeToken", token, "resumed",
      resumed ? "true" : "false", "received", received, "wantsStats",
      wants_stats, NULL);
  peer_write (peer, text, resumed ? "registered (resumed)" : "registered");
  clear_secret (&token);
  g_free (received);
}

/* Whether @token is @peer's resume token. */
static gboolean
resume_token_matches (Peer * peer, const gchar * token)
{
  guint8 digest[32];
  gboolean matches;

  if (!peer->resumable || token == NULL || !token_digest (token, digest))
    return FALSE;
  matches = CRYPTO_memcmp (digest, peer->resume_digest, sizeof (digest)) == 0;
  OPENSSL_cleanse (digest, sizeof (digest));
  return matches;
}

/* @registered, whose connection broke, comes back on @peer's: the
 * registration takes that connection, @peer goes, and the messages the
 * client missed are sent again. */
static void
resume_registration (GstIceSignallingServer * self, Peer * registered,
    Peer * peer, guint64 received)
{
  GPtrArray *missed;
  gboolean complete;
  gchar *address;
  guint i;

  GST_INFO_OBJECT (self, "%s resumes %s on a new connection from %s",
      registered->peer_id, registered->ws ? "(its old connection still "
      "open)" : "after its connection broke", peer->remote);

  peer_close_ws (registered, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
      "resumed on another connection");
  if (registered->resume_deadline != NULL) {
    g_source_destroy (registered->resume_deadline);
    g_clear_pointer (&registered->resume_deadline, g_source_unref);
  }

  /* the registration takes over the new connection and its address's
   * count; @peer keeps the old address, released when it is freed */
  g_signal_handlers_disconnect_by_data (peer->ws, peer);
  registered->ws = g_steal_pointer (&peer->ws);
  connect_ws (registered);
  address = registered->address;
  registered->address = peer->address;
  peer->address = address;
  g_free (registered->remote);
  registered->remote = g_strdup (peer->remote);
  registered->last_seen = peer->last_seen;
  registered->connected_at = peer->connected_at;
  registered->allowance = peer->allowance;
  registered->allowance_time = peer->allowance_time;
  registered->dropped = FALSE;
  self->peers = g_list_remove (self->peers, peer);
  peer_free (peer);

  peer_send_registered (self, registered, TRUE);
  missed = gst_ice_signalling_replay_since (registered->sent, received,
      &complete);
  if (!complete)
    GST_WARNING_OBJECT (self, "%s resumes after %" G_GUINT64_FORMAT
        " messages, but the first ones it missed are no longer kept: only "
        "the last %u are sent again", registered->peer_id, received,
        missed->len);
  for (i = 0; i < missed->len; i++)
    peer_write (registered, g_strdup (g_ptr_array_index (missed, i)),
        "a message it missed");
  g_ptr_array_unref (missed);
}

static void
handle_register (GstIceSignallingServer * self, Peer * peer,
    JsonObject * message)
{
  const gchar *peer_id =
      gst_ice_signalling_message_get_string (message, "peerId");
  const gchar *role = gst_ice_signalling_message_get_string (message, "role");
  const gchar *resume_token =
      gst_ice_signalling_message_get_string (message, "resumeToken");
  Peer *registered;
  guint64 received = 0;
  GList *l;

  if (self->token_required && !token_matches (self,
          gst_ice_signalling_message_get_string (message, "token")))
    goto unauthorized;
  if (peer->peer_id != NULL) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_ALREADY_REGISTERED,
        "already registered as '%s'", peer->peer_id);
    return;
  }
  if (peer_id == NULL || peer_id[0] == '\0'
      || strlen (peer_id) > MAX_PEER_ID_LENGTH) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_BAD_MESSAGE,
        "register needs a peerId string of 1 to %d bytes", MAX_PEER_ID_LENGTH);
    return;
  }
  if (g_strcmp0 (role, "producer") == 0) {
    peer->role = GST_ICE_SIGNALLER_ROLE_PRODUCER;
  } else if (g_strcmp0 (role, "consumer") == 0) {
    peer->role = GST_ICE_SIGNALLER_ROLE_CONSUMER;
  } else {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_BAD_MESSAGE,
        "role '%s' is not 'producer' or 'consumer'", role ? role : "(none)");
    return;
  }
  registered = g_hash_table_lookup (self->registered, peer_id);
  if (registered != NULL && registered->role == peer->role &&
      resume_token_matches (registered, resume_token)) {
    if (!gst_ice_signalling_parse_count (gst_ice_signalling_message_get_string
            (message, "received"), &received)) {
      peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_BAD_MESSAGE,
          "register with a resumeToken needs \"received\", the number of "
          "messages received, in decimal digits");
      return;
    }
    resume_registration (self, registered, peer, received);
    return;
  }
  if (registered != NULL && registered->ws == NULL) {
    /* its connection broke and it did not come back with its token: the
     * process restarted, or another one takes the name over */
    GST_INFO_OBJECT (self, "%s registers without the resume token of the "
        "broken registration of %s: that one leaves", peer->remote, peer_id);
    self->peers = g_list_remove (self->peers, registered);
    peer_leave (self, registered);
    peer_free (registered);
  } else if (registered != NULL) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_PEER_ID_TAKEN,
        "peer id '%s' is already registered", peer_id);
    return;
  }

  if (peer->deadline != NULL) {
    g_source_destroy (peer->deadline);
    g_clear_pointer (&peer->deadline, g_source_unref);
  }
  peer->peer_id = g_strdup (peer_id);
  peer->sent = gst_ice_signalling_replay_new (REPLAY_BYTES);
  g_hash_table_insert (self->registered, peer->peer_id, peer);
  GST_INFO_OBJECT (self, "%s registered %s %s", peer->remote, role, peer_id);

  peer_send_registered (self, peer, FALSE);

  for (l = self->peers; l != NULL; l = l->next) {
    Peer *other = l->data;

    if (other == peer || other->peer_id == NULL || other->role == peer->role)
      continue;

    if (peer->role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
      peer_send (peer, gst_ice_signalling_message_build ("producerAdded",
              "peerId", other->peer_id, NULL));
    else
      peer_send (other, gst_ice_signalling_message_build ("producerAdded",
              "peerId", peer_id, NULL));
  }
  return;

  /* ERRORS */
unauthorized:
  {
    /* no second guess on this connection */
    GST_WARNING_OBJECT (self, "%s sent a wrong or no token, disconnecting it",
        peer->remote);
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_UNAUTHORIZED,
        "wrong or missing token");
    drop_peer (self, peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
        "wrong or missing token");
    return;
  }
}

static void
handle_start_session (GstIceSignallingServer * self, Peer * peer,
    JsonObject * message)
{
  const gchar *producer_id =
      gst_ice_signalling_message_get_string (message, "producerId");
  Peer *producer;
  Session *session;

  if (peer->role != GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_NOT_CONSUMER,
        "only consumers can start sessions");
    return;
  }
  if (producer_id == NULL) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_BAD_MESSAGE,
        "startSession needs a producerId string");
    return;
  }
  if (self->max_sessions_per_connection > 0 &&
      peer->n_sessions >= self->max_sessions_per_connection) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_TOO_MANY_SESSIONS,
        "this connection already has %u sessions, the most one connection "
        "may hold (max-sessions-per-connection)", peer->n_sessions);
    return;
  }
  producer = g_hash_table_lookup (self->registered, producer_id);
  if (producer == NULL || producer->role != GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    gchar *text = g_strdup_printf ("no producer '%s' is registered",
        producer_id);

    /* the producer may have just left: the client needs its id */
    GST_INFO_OBJECT (self, "error to %s: %s", peer_name (peer), text);
    peer_send (peer, gst_ice_signalling_message_build ("error", "code",
            GST_ICE_SIGNALLING_ERROR_UNKNOWN_PRODUCER, "message", text,
            "peerId", producer_id, NULL));
    g_free (text);
    return;
  }

  session = g_new0 (Session, 1);
  session->id = g_uuid_string_random ();
  session->producer = producer;
  session->consumer = peer;
  session->started_at = g_get_monotonic_time ();
  peer->n_sessions++;
  g_hash_table_insert (self->sessions, session->id, session);

  GST_INFO_OBJECT (self, "session %s: consumer %s, producer %s", session->id,
      peer->peer_id, producer->peer_id);

  peer_send (peer, gst_ice_signalling_message_build ("sessionStarted",
          "sessionId", session->id, "peerId", producer->peer_id, NULL));
  peer_send (producer, gst_ice_signalling_message_build ("startSession",
          "sessionId", session->id, "peerId", peer->peer_id, NULL));
}

/* The session named by @message's sessionId if @peer is in it. */
static Session *
lookup_session (GstIceSignallingServer * self, Peer * peer,
    JsonObject * message, const gchar * type)
{
  const gchar *session_id =
      gst_ice_signalling_message_get_string (message, "sessionId");
  Session *session;

  if (session_id == NULL) {
    GST_WARNING_OBJECT (self, "ignoring %s without a sessionId from %s", type,
        peer_name (peer));
    return NULL;
  }

  session = g_hash_table_lookup (self->sessions, session_id);
  if (session == NULL || (session->producer != peer
          && session->consumer != peer)) {
    /* may have ended while the message was on its way */
    GST_WARNING_OBJECT (self, "ignoring %s for unknown session '%.64s' "
        "from %s", type, session_id, peer_name (peer));
    return NULL;
  }

  return session;
}

static void
handle_peer (GstIceSignallingServer * self, Peer * peer, JsonObject * message)
{
  Session *session = lookup_session (self, peer, message, "peer");
  const gchar *description, *candidate;
  Peer *other;

  if (session == NULL)
    return;

  other = session->producer == peer ? session->consumer : session->producer;
  description = gst_ice_signalling_message_get_string (message, "description");
  candidate = gst_ice_signalling_message_get_string (message, "candidate");

  if (description != NULL && candidate == NULL) {
    peer_send (other, gst_ice_signalling_message_build ("peer", "sessionId",
            session->id, "description", description, NULL));
  } else if (candidate != NULL && description == NULL) {
    peer_send (other, gst_ice_signalling_message_build ("peer", "sessionId",
            session->id, "candidate", candidate, NULL));
  } else {
    GST_WARNING_OBJECT (self, "ignoring peer message from %s without exactly "
        "one description or candidate string", peer_name (peer));
  }
}

static void
handle_end_session (GstIceSignallingServer * self, Peer * peer,
    JsonObject * message)
{
  Session *session = lookup_session (self, peer, message, "endSession");
  const gchar *reason = gst_ice_signalling_message_get_string (message,
      "reason");
  const gchar *text = gst_ice_signalling_message_get_string (message,
      "message");
  Peer *other;

  if (session == NULL)
    return;
  /* passed on only when it is what the protocol says: a short code, and a
   * text of bounded length */
  if (reason != NULL && !gst_ice_signalling_reason_is_valid (reason)) {
    GST_WARNING_OBJECT (self, "dropping the invalid reason of an endSession "
        "from %s", peer_name (peer));
    reason = NULL;
  }
  if (reason == NULL || (text != NULL &&
          strlen (text) > GST_ICE_SIGNALLING_MAX_REASON_MESSAGE_LENGTH))
    text = NULL;

  GST_INFO_OBJECT (self, "%s ended session %s%s%s", peer->peer_id,
      session->id, reason ? ": " : "", reason ? reason : "");

  other = session->producer == peer ? session->consumer : session->producer;
  if (reason == NULL)
    peer_send (other, gst_ice_signalling_message_build ("endSession",
            "sessionId", session->id, NULL));
  else if (text == NULL)
    peer_send (other, gst_ice_signalling_message_build ("endSession",
            "sessionId", session->id, "reason", reason, NULL));
  else
    peer_send (other, gst_ice_signalling_message_build ("endSession",
            "sessionId", session->id, "reason", reason, "message", text, NULL));
  g_hash_table_remove (self->sessions, session->id);
}

static void
take_word (gchar ** stored, const gchar * word)
{
  g_free (*stored);
  *stored = g_strdup (word);
}

/* A peer's statistics for one of its sessions: kept for the status page,
 * with the bitrates since its previous report. */
static void
handle_stats (GstIceSignallingServer * self, Peer * peer, JsonObject * message)
{
  Session *session;
  SessionReport *report;
  GstIceSignallingStats stats;
  gint64 now = g_get_monotonic_time ();

  if (!self->status_page)
    return;
  session = lookup_session (self, peer, message, "stats");
  if (session == NULL)
    return;
  if (!gst_ice_signalling_stats_message_read (message, &stats)) {
    GST_WARNING_OBJECT (self, "ignoring stats with a count that is not a "
        "number from %s", peer_name (peer));
    return;
  }

  report = session->producer == peer ? &session->producer_report :
      &session->consumer_report;
  if (report->time != 0 && now > report->time) {
    gdouble seconds = (gdouble) (now - report->time) / G_TIME_SPAN_SECOND;

    /* counters start again with an ICE restart's new stream */
    report->bitrate_sent = stats.bytes_sent >= report->bytes_sent ?
        (stats.bytes_sent - report->bytes_sent) * 8 / seconds : 0;
    report->bitrate_received = stats.bytes_received >= report->bytes_received ?
        (stats.bytes_received - report->bytes_received) * 8 / seconds : 0;
  }
  report->time = now;
  report->bytes_sent = stats.bytes_sent;
  report->bytes_received = stats.bytes_received;
  take_word (&report->state, stats.state);
  take_word (&report->local_candidate_type, stats.local_candidate_type);
  take_word (&report->remote_candidate_type, stats.remote_candidate_type);
  take_word (&report->transport, stats.transport);
}

/* Takes one message from @peer's allowance, which grows by
 * max-message-rate a second up to MESSAGE_BURST_S seconds' worth. */
static gboolean
peer_within_rate (GstIceSignallingServer * self, Peer * peer)
{
  gdouble burst = (gdouble) self->max_message_rate * MESSAGE_BURST_S;
  gint64 now = g_get_monotonic_time ();

  if (self->max_message_rate == 0)
    return TRUE;
  peer->allowance += (gdouble) (now - peer->allowance_time) *
      self->max_message_rate / G_TIME_SPAN_SECOND;
  peer->allowance_time = now;
  if (peer->allowance > burst)
    peer->allowance = burst;
  if (peer->allowance < 1.0)
    return FALSE;
  peer->allowance -= 1.0;
  return TRUE;
}

static void
on_peer_message (SoupWebsocketConnection * ws, gint data_type,
    GBytes * bytes, gpointer user_data)
{
  Peer *peer = user_data;
  GstIceSignallingServer *self = peer->server;
  JsonObject *message;
  const gchar *type;
  GError *error = NULL;

  peer->last_seen = g_get_monotonic_time ();
  if (peer->dropped)
    return;
  if (!peer_within_rate (self, peer))
    goto too_fast;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT) {
    GST_WARNING_OBJECT (self, "ignoring binary message from %s",
        peer_name (peer));
    return;
  }

  message = gst_ice_signalling_message_parse (bytes, &error);
  if (message == NULL) {
    GST_WARNING_OBJECT (self, "ignoring malformed message from %s: %s",
        peer_name (peer), error->message);
    g_clear_error (&error);
    return;
  }

  type = gst_ice_signalling_message_get_string (message, "type");
  GST_LOG_OBJECT (self, "from %s: %s", peer_name (peer), type);

  if (type == NULL) {
    GST_WARNING_OBJECT (self, "ignoring message without a type string "
        "from %s", peer_name (peer));
  } else if (g_str_equal (type, "register")) {
    handle_register (self, peer, message);
  } else if (peer->peer_id == NULL) {
    peer_send_error (peer, GST_ICE_SIGNALLING_ERROR_NOT_REGISTERED,
        "register before sending anything else");
  } else if (g_str_equal (type, "stats")) {
    /* not counted: a client sends them once, never again after resuming */
    handle_stats (self, peer, message);
  } else {
    /* counted: a client that resumes sends again what came after */
    peer->received++;
    if (g_str_equal (type, "startSession"))
      handle_start_session (self, peer, message);
    else if (g_str_equal (type, "peer"))
      handle_peer (self, peer, message);
    else if (g_str_equal (type, "endSession"))
      handle_end_session (self, peer, message);
    else
      GST_WARNING_OBJECT (self, "ignoring message of unknown type '%.64s' "
          "from %s", type, peer_name (peer));
  }

  json_object_unref (message);
  return;

  /* ERRORS */
too_fast:
  {
    gchar *why = g_strdup_printf ("more than %u messages per second",
        self->max_message_rate);

    drop_peer (self, peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, why);
    g_free (why);
    return;
  }
}

static void
on_peer_pong (SoupWebsocketConnection * ws, GBytes * message,
    gpointer user_data)
{
  Peer *peer = user_data;

  peer->last_seen = g_get_monotonic_time ();
}

static void
on_peer_error (SoupWebsocketConnection * ws, GError * error, gpointer user_data)
{
  Peer *peer = user_data;

  GST_WARNING_OBJECT (peer->server, "connection of %s: %s", peer_name (peer),
      error->message);
  /* a frame that breaks the protocol (too large, malformed) ends its
   * registration with its connection; an I/O error is a broken path */
  if (error->domain == SOUP_WEBSOCKET_ERROR)
    peer->dropped = TRUE;
}

static gboolean
on_resume_deadline (gpointer user_data)
{
  Peer *peer = user_data;
  GstIceSignallingServer *self = peer->server;

  GST_INFO_OBJECT (self, "%s did not resume within %u s", peer->peer_id,
      self->resume_timeout);
  self->peers = g_list_remove (self->peers, peer);
  peer_leave (self, peer);
  peer_free (peer);
  return G_SOURCE_REMOVE;
}

/* @peer's connection broke: its registration waits resume-timeout for it
 * to come back on another one. */
static void
peer_detach (GstIceSignallingServer * self, Peer * peer, const gchar * why)
{
  GST_INFO_OBJECT (self, "connection of %s from %s broke (%s): keeping its "
      "registration for %u s", peer->peer_id, peer->remote, why,
      self->resume_timeout);
  peer_close_ws (peer, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, why);
  peer_release_address (peer);
  /* not g_timeout_source_new_seconds(): its first run is rounded to a
   * whole second of the clock, and came after 0.76 s of a 1 s timeout */
  peer->resume_deadline = g_timeout_source_new (self->resume_timeout * 1000);
  g_source_set_callback (peer->resume_deadline, on_resume_deadline, peer, NULL);
  g_source_attach (peer->resume_deadline, g_main_context_get_thread_default ());
}

/* Whether @peer, whose connection ends with @code, may come back: it
 * registered, was given a token, and its connection broke (no close
 * frame, 1006) or it said it resumes elsewhere.  A client that stops says
 * goodbye (1000); libsoup closes on bad frames with codes of their own. */
static gboolean
peer_may_resume (GstIceSignallingServer * self, Peer * peer, gushort code)
{
  return peer->peer_id != NULL && peer->resumable && !peer->dropped &&
      self->resume_timeout > 0 && (code == 0 ||
      code == SOUP_WEBSOCKET_CLOSE_ABNORMAL ||
      code == GST_ICE_SIGNALLING_CLOSE_RESUMING);
}

static void
on_peer_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  Peer *peer = user_data;
  GstIceSignallingServer *self = peer->server;
  gushort code = soup_websocket_connection_get_close_code (ws);

  GST_DEBUG_OBJECT (self, "connection of %s closed (code %u)",
      peer_name (peer), code);

  if (peer_may_resume (self, peer, code)) {
    gchar *why = code ? g_strdup_printf ("closed with code %u", code) :
        g_strdup ("closed without a close frame");

    peer_detach (self, peer, why);
    g_free (why);
    return;
  }
  self->peers = g_list_remove (self->peers, peer);
  peer_leave (self, peer);
  peer_free (peer);
}

/* Serves @ws as @peer's connection: its frames come in from now on. */
static void
peer_attach_websocket (GstIceSignallingServer * self, Peer * peer,
    SoupWebsocketConnection * ws)
{
  peer->ws = g_object_ref (ws);
  g_clear_object (&peer->tls);
  g_clear_object (&peer->connection);

  GST_DEBUG_OBJECT (self, "new WebSocket from %s", peer->remote);

  soup_websocket_connection_set_max_incoming_payload_size (ws,
      MAX_MESSAGE_SIZE);
  /* libsoup 3.2 pings, but never notices a missing pong: check_peers()
   * does */
  peer->last_seen = g_get_monotonic_time ();
  peer->connected_at = peer->last_seen;
  soup_websocket_connection_set_keepalive_interval (ws, self->ping_interval);
  connect_ws (peer);

  self->peers = g_list_append (self->peers, peer);
}

static void
on_websocket (SoupServer * soup, SoupServerMessage * msg, const gchar * path,
    SoupWebsocketConnection * ws, gpointer user_data)
{
  GstIceSignallingServer *self = user_data;
  GSocketAddress *remote;
  gchar *name;
  Peer *peer;

  remote = soup_server_message_get_remote_address (msg);
  name = remote ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE
      (remote)) : g_strdup ("unknown peer");
  /* the connection on_incoming() accepted */
  peer = g_hash_table_lookup (self->pending, name);
  if (peer != NULL) {
    g_hash_table_steal (self->pending, name);
    g_free (name);
  } else {
    peer = peer_new (self, name, NULL);
  }
  peer_attach_websocket (self, peer, ws);
}

/**
 * gst_ice_signalling_server_add_connection:
 * @self: a #GstIceSignallingServer
 * @ws: a client's open WebSocket
 * @remote: the client's address, for logs
 *
 * Serves @ws as a new client, until it closes, as the server serves the
 * connections it accepts; the fuzzer hands it connections over memory.
 */
void
gst_ice_signalling_server_add_connection (GstIceSignallingServer * self,
    SoupWebsocketConnection * ws, const gchar * remote)
{
  peer_attach_websocket (self, peer_new (self, g_strdup (remote), NULL), ws);
}

/* The status page (status-page): the page and its script from the
 * library's resources, the data as JSON.  Each request gets its own
 * connection, forgotten once answered, so that a page polling every
 * second holds no slot of max-connections-per-address. */

#define STATUS_RESOURCE_PATH "/org/gstreamer/ice/status/"

/* what the page may do: its own script and data, inline style, nothing
 * else; and no other site may frame it */
#define STATUS_CSP "default-src 'none'; script-src 'self'; " \
    "connect-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"

/* whole seconds */
static gint64
seconds_since (gint64 then, gint64 now)
{
  return (now - then) / G_TIME_SPAN_SECOND;
}

static void
add_string_member (JsonBuilder * builder, const gchar * name,
    const gchar * value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_number_member (JsonBuilder * builder, const gchar * name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_report (JsonBuilder * builder, const gchar * name,
    const SessionReport * report, gint64 now)
{
  if (report->time == 0)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  add_string_member (builder, "state", report->state);
  add_string_member (builder, "localCandidateType",
      report->local_candidate_type);
  add_string_member (builder, "remoteCandidateType",
      report->remote_candidate_type);
  add_string_member (builder, "transport", report->transport);
  /* bits per second; JSON numbers are exact up to 2^53 bytes */
  add_number_member (builder, "bitrateSent", (gint64) report->bitrate_sent);
  add_number_member (builder, "bitrateReceived",
      (gint64) report->bitrate_received);
  add_number_member (builder, "bytesSent", (gint64) report->bytes_sent);
  add_number_member (builder, "bytesReceived", (gint64) report->bytes_received);
  add_number_member (builder, "age", seconds_since (report->time, now));
  json_builder_end_object (builder);
}

static gint
compare_sessions (gconstpointer a, gconstpointer b)
{
  const Session *first = *(const Session **) a;
  const Session *second = *(const Session **) b;

  return first->started_at < second->started_at ? -1 :
      first->started_at > second->started_at;
}

/* The status as JSON: no token, no description, no candidate. */
static gchar *
build_status (GstIceSignallingServer * self)
{
  JsonBuilder *builder = json_builder_new ();
  gint64 now = g_get_monotonic_time ();
  GPtrArray *sessions;
  GHashTableIter iter;
  gpointer session;
  JsonNode *root;
  gchar *text;
  GList *l;
  guint i;

  json_builder_begin_object (builder);
  add_string_member (builder, "version", PACKAGE_VERSION);
  add_number_member (builder, "uptime", seconds_since (self->started_at, now));
  add_number_member (builder, "connections",
      g_list_length (self->peers) + g_hash_table_size (self->pending));

  json_builder_set_member_name (builder, "peers");
  json_builder_begin_array (builder);
  for (l = self->peers; l != NULL; l = l->next) {
    Peer *peer = l->data;

    if (peer->peer_id == NULL)
      continue;
    json_builder_begin_object (builder);
    add_string_member (builder, "peerId", peer->peer_id);
    add_string_member (builder, "role",
        peer->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" :
        "consumer");
    add_string_member (builder, "address", peer->address);
    add_number_member (builder, "connectedFor",
        seconds_since (peer->connected_at, now));
    /* its connection broke: it keeps its registration a while */
    if (peer->ws == NULL)
      add_string_member (builder, "connection", "broken, may resume");
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);

  sessions = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    g_ptr_array_add (sessions, session);
  g_ptr_array_sort (sessions, compare_sessions);
  json_builder_set_member_name (builder, "sessions");
  json_builder_begin_array (builder);
  for (i = 0; i < sessions->len; i++) {
    Session *s = g_ptr_array_index (sessions, i);

    json_builder_begin_object (builder);
    add_string_member (builder, "sessionId", s->id);
    add_string_member (builder, "producer", s->producer->peer_id);
    add_string_member (builder, "consumer", s->consumer->peer_id);
    add_number_member (builder, "age", seconds_since (s->started_at, now));
    add_report (builder, "producerReport", &s->producer_report, now);
    add_report (builder, "consumerReport", &s->consumer_report, now);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  g_ptr_array_unref (sessions);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  json_node_unref (root);
  g_object_unref (builder);
  return text;
}

/* With a token, the data needs it: "Authorization: Bearer TOKEN". */
static gboolean
status_authorized (GstIceSignallingServer * self, SoupServerMessage * msg)
{
  const gchar *authorization;

  if (!self->token_required)
    return TRUE;
  authorization =
      soup_message_headers_get_one (soup_server_message_get_request_headers
      (msg), "Authorization");
  if (authorization == NULL
      || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return FALSE;
  return token_matches (self, authorization + 7);
}

static void
serve_resource (SoupServerMessage * msg, const gchar * name,
    const gchar * content_type)
{
  gchar *path = g_strconcat (STATUS_RESOURCE_PATH, name, NULL);
  GBytes *bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE,
      NULL);
  gsize size;
  gconstpointer data;

  g_free (path);
  if (bytes == NULL) {
    /* cannot happen: the resources are compiled in */
    soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
        NULL);
    return;
  }
  data = g_bytes_get_data (bytes, &size);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data,
      size);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  g_bytes_unref (bytes);
}

/* An answered request: its connection closes, and is no longer counted. */
static void
on_http_finished (SoupServerMessage * msg, gpointer user_data)
{
  GstIceSignallingServer *self = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  gchar *name;

  if (remote == NULL)
    return;
  name = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote));
  g_hash_table_remove (self->pending, name);
  g_free (name);
}

static void
on_http_request (SoupServer * soup, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  GstIceSignallingServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const gchar *method = soup_server_message_get_method (msg);

  /* a WebSocket handshake goes on to on_websocket() */
  if (soup_message_headers_header_contains (request, "Upgrade", "websocket"))
    return;

  g_signal_connect_object (msg, "finished", G_CALLBACK (on_http_finished),
      self, 0);
  soup_message_headers_replace (response, "Connection", "close");
  soup_message_headers_replace (response, "Cache-Control", "no-store");
  soup_message_headers_replace (response, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (response, "Content-Security-Policy",
      STATUS_CSP);

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0) {
    soup_message_headers_replace (response, "Allow", "GET, HEAD");
    soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
  } else if (g_str_equal (path, "/")) {
    serve_resource (msg, "index.html", "text/html; charset=utf-8");
  } else if (g_str_equal (path, "/status.js")) {
    serve_resource (msg, "status.js", "text/javascript; charset=utf-8");
  } else if (!g_str_equal (path, "/status.json")) {
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  } else if (!status_authorized (self, msg)) {
    GST_INFO_OBJECT (self, "status asked without the token");
    soup_message_headers_replace (response, "WWW-Authenticate",
        "Bearer realm=\"gst-ice status\"");
    soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
  } else {
    gchar *status = build_status (self);

    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_TAKE, status, strlen (status));
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  }
}

/* Closes @peer's connection for @why; a peer that sent nothing, not even a
 * pong, for two ping intervals is gone (its host died, a NAT dropped the
 * connection).  It leaves now: its connection may take libsoup's 5 s
 * close timeout to close. */
static void
drop_peer (GstIceSignallingServer * self, Peer * peer, gushort code,
    const gchar * why)
{
  GST_INFO_OBJECT (self, "dropping %s: %s", peer_name (peer), why);
  peer->dropped = TRUE;
  if (peer->peer_id != NULL) {
    peer_leave (self, peer);
    g_clear_pointer (&peer->peer_id, g_free);
  }
  if (soup_websocket_connection_get_state (peer->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->ws, code, why);
}

static gboolean
check_peers (gpointer user_data)
{
  GstIceSignallingServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 limit = 2 * (gint64) self->ping_interval * G_TIME_SPAN_SECOND;
  GList *l, *next;

  for (l = self->peers; l != NULL; l = next) {
    Peer *peer = l->data;

    next = l->next;
    if (peer->ws == NULL || peer->dropped || now - peer->last_seen <= limit)
      continue;
    if (peer_may_resume (self, peer, 0))
      peer_detach (self, peer, "no answer to pings");
    else
      drop_peer (self, peer, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
          "no answer to pings");
  }
  return G_SOURCE_CONTINUE;
}

/* Ends a connection that is no WebSocket yet: libsoup, or our TLS
 * handshake, reads the end of the stream and lets go of it. */
static void
hang_up (Peer * peer)
{
  if (peer->handshake != NULL)
    g_cancellable_cancel (peer->handshake);
  g_socket_shutdown (g_socket_connection_get_socket (peer->connection), TRUE,
      TRUE, NULL);
}

/* register-timeout after it was accepted: a connection that did not
 * register is closed, before or after its WebSocket handshake */
static gboolean
on_register_deadline (gpointer user_data)
{
  Peer *peer = user_data;
  GstIceSignallingServer *self = peer->server;
  gchar *why;

  g_clear_pointer (&peer->deadline, g_source_unref);
  why = g_strdup_printf ("did not register within %u s",
      self->register_timeout);
  if (peer->ws == NULL) {
    GST_INFO_OBJECT (self, "hanging up on %s: %s", peer->remote, why);
    hang_up (peer);
    g_hash_table_remove (self->pending, peer->remote);
  } else if (peer->peer_id == NULL && !peer->dropped) {
    drop_peer (self, peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, why);
  }
  g_free (why);
  return G_SOURCE_REMOVE;
}

/* A connection from @remote, counted as one of @address's if that is not
 * %NULL; takes both. */
static Peer *
peer_new (GstIceSignallingServer * self, gchar * remote, gchar * address)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->server = self;
  peer->remote = remote;
  peer->address = address;
  peer->allowance = (gdouble) self->max_message_rate * MESSAGE_BURST_S;
  peer->allowance_time = g_get_monotonic_time ();
  if (address != NULL)
    g_hash_table_insert (self->addresses, g_strdup (address),
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup
                (self->addresses, address)) + 1));
  if (self->register_timeout > 0) {
    peer->deadline = g_timeout_source_new (self->register_timeout * 1000);
    g_source_set_callback (peer->deadline, on_register_deadline, peer, NULL);
    g_source_attach (peer->deadline, g_main_context_get_thread_default ());
  }
  return peer;
}

/* Answers a connection over max-connections-per-address and closes it:
 * it costs nothing but this. */
static void
refuse_connection (GstIceSignallingServer * self,
    GSocketConnection * connection, const gchar * address)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  gchar *answer = g_strdup_printf ("HTTP/1.1 503 Too many connections from "
      "%s\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", address);

  GST_INFO_OBJECT (self, "refusing a connection from %s: it has %u open "
      "(max-connections-per-address)", address,
      self->max_connections_per_address);
  g_socket_set_blocking (socket, FALSE);
  g_socket_send (socket, answer, strlen (answer), NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_free (answer);
}

/* The TLS handshake of a wss:// connection finished: libsoup takes it
 * over, or it is forgotten.  The connection may be gone already. */
static void
on_handshake_done (GObject * source, GAsyncResult * result, gpointer user_data)
{
  GstIceSignallingServer *self = user_data;
  const gchar *remote = g_object_get_data (source, "gst-ice-remote");
  Peer *peer = remote ? g_hash_table_lookup (self->pending, remote) : NULL;
  GSocketAddress *local_address, *remote_address;
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result,
          &error)) {
    if (peer != NULL && peer->tls == (GIOStream *) source) {
      GST_INFO_OBJECT (self, "TLS handshake with %s failed: %s", remote,
          error->message);
      g_hash_table_remove (self->pending, remote);
    }
    g_clear_error (&error);
    g_object_unref (self);
    return;
  }
  if (peer == NULL || peer->tls != (GIOStream *) source) {
    g_object_unref (self);
    return;
  }

  g_clear_object (&peer->handshake);
  local_address = g_socket_connection_get_local_address (peer->connection,
      NULL);
  remote_address = g_socket_connection_get_remote_address (peer->connection,
      NULL);
  if (local_address != NULL && remote_address != NULL)
    soup_server_accept_iostream (self->soup, peer->tls, local_address,
        remote_address, NULL);
  else
    g_hash_table_remove (self->pending, remote);
  g_clear_object (&local_address);
  g_clear_object (&remote_address);
  g_object_unref (self);
}

/* wss://: TLS first, then libsoup reads HTTP from it. */
static void
start_tls (GstIceSignallingServer * self, Peer * peer)
{
  GError *error = NULL;

  peer->tls = g_tls_server_connection_new (G_IO_STREAM (peer->connection),
      self->certificate, &error);
  if (peer->tls == NULL) {
    GST_WARNING_OBJECT (self, "no TLS for %s: %s", peer->remote,
        error->message);
    g_clear_error (&error);
    hang_up (peer);
    g_hash_table_remove (self->pending, peer->remote);
    return;
  }
  /* as libsoup's own: a client may close without close_notify */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (peer->tls),
      FALSE);
  g_object_set_data_full (G_OBJECT (peer->tls), "gst-ice-remote",
      g_strdup (peer->remote), g_free);
  peer->handshake = g_cancellable_new ();
  g_tls_connection_handshake_async (G_TLS_CONNECTION (peer->tls),
      G_PRIORITY_DEFAULT, peer->handshake, on_handshake_done,
      g_object_ref (self));
}

static gboolean
on_incoming (GSocketService * service, GSocketConnection * connection,
    GObject * source_object, gpointer user_data)
{
  GstIceSignallingServer *self = user_data;
  GSocketAddress *local, *remote;
  gchar *address;
  Peer *peer;

  local = g_socket_connection_get_local_address (connection, NULL);
  remote = g_socket_connection_get_remote_address (connection, NULL);
  if (local == NULL || remote == NULL)
    goto gone;

  address = g_inet_address_to_string (g_inet_socket_address_get_address
      (G_INET_SOCKET_ADDRESS (remote)));
  if (self->max_connections_per_address > 0 &&
      GPOINTER_TO_UINT (g_hash_table_lookup (self->addresses, address)) >=
      self->max_connections_per_address) {
    refuse_connection (self, connection, address);
    g_free (address);
    goto done;
  }

  peer = peer_new (self, g_socket_connectable_to_string (G_SOCKET_CONNECTABLE
          (remote)), address);
  peer->connection = g_object_ref (connection);
  g_hash_table_insert (self->pending, peer->remote, peer);
  GST_DEBUG_OBJECT (self, "accepted a connection from %s", peer->remote);

  /* signalling messages are small and want to leave at once */
  g_socket_set_option (g_socket_connection_get_socket (connection),
      IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  if (self->certificate != NULL)
    start_tls (self, peer);
  else
    soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local,
        remote, NULL);

done:
  g_clear_object (&local);
  g_clear_object (&remote);
  return TRUE;

  /* ERRORS */
gone:
  {
    GST_DEBUG_OBJECT (self, "dropping a connection that already went away");
    goto done;
  }
}

/* Public API */

/**
 * gst_ice_signalling_server_new:
 * @host: (nullable): IP address to listen on, `localhost`, or %NULL for
 *   `0.0.0.0`
 * @port: TCP port, or 0 to pick a free one
 *
 * Returns: (transfer full): a new server; call
 * gst_ice_signalling_server_start() to listen.
 */
GstIceSignallingServer *
gst_ice_signalling_server_new (const gchar * host, guint port)
{
  g_return_val_if_fail (port <= G_MAXUINT16, NULL);

  return g_object_new (GST_TYPE_ICE_SIGNALLING_SERVER, "host", host, "port",
      port, NULL);
}

static gchar *
format_address (const gchar * host, guint port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/* wss:// when a certificate is given: it is loaded now, so that a wrong
 * file fails the start rather than each connection. */
static gboolean
load_certificate (GstIceSignallingServer * self, GError ** error)
{
  GError *load_error = NULL;

  if (self->certificate_file == NULL && self->private_key_file == NULL)
    return TRUE;
  if (self->certificate_file == NULL || self->private_key_file == NULL)
    goto half;
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    goto no_tls;
  self->certificate = g_tls_certificate_new_from_files (self->certificate_file,
      self->private_key_file, &load_error);
  if (self->certificate == NULL)
    goto load_failed;
  return TRUE;

  /* ERRORS */
half:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "%s is set but not %s: name the PEM file of the certificate's key "
        "too", self->certificate_file ? "certificate-file" :
        "private-key-file", self->certificate_file ? "private-key-file" :
        "certificate-file");
    return FALSE;
  }
no_tls:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "certificate-file is set, but GIO has no TLS support here: install "
        "glib-networking (GIO's TLS backend) to serve wss://");
    return FALSE;
  }
load_failed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "could not load certificate-file '%s' with private-key-file '%s': "
        "%s", self->certificate_file, self->private_key_file,
        load_error->message);
    g_clear_error (&load_error);
    return FALSE;
  }
}

/**
 * gst_ice_signalling_server_start:
 * @self: a #GstIceSignallingServer
 * @error: return location for a %GST_ICE_ERROR_SIGNALLING error naming the
 *   address when the server cannot listen
 *
 * Listens on #GstIceSignallingServer:host and #GstIceSignallingServer:port,
 * attaching the server's sources to the thread-default main context.
 *
 * Returns: %TRUE when listening
 */
gboolean
gst_ice_signalling_server_start (GstIceSignallingServer * self, GError ** error)
{
  GInetAddress *address;
  GSocketAddress *socket_address, *bound_address = NULL;
  GError *listen_error = NULL;
  gboolean listening;
  const gchar *token;

  g_return_val_if_fail (GST_IS_ICE_SIGNALLING_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  token = self->token ? self->token : g_getenv (GST_ICE_SIGNALLING_TOKEN_ENV);
  self->token_required = token != NULL && token[0] != '\0';
  if (self->token_required && !token_digest (token, self->token_digest))
    goto no_digest;

  if (!load_certificate (self, error))
    return FALSE;

  if (g_strcmp0 (self->host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (self->host);
  if (address == NULL)
    goto bad_host;

  self->soup = g_object_new (SOUP_TYPE_SERVER, NULL);
  /* one path for both: the WebSocket is on every path */
  if (self->status_page)
    soup_server_add_handler (self->soup, NULL, on_http_request, self, NULL);
  soup_server_add_websocket_handler (self->soup, NULL, NULL, NULL,
      on_websocket, self, NULL);

  /* Accept the connections here rather than with soup_server_listen():
   * before 3.4.0 libsoup leaks the GSocket of every connection it accepts
   * (fixed by its commit "soup-listener: Plug a leak"). */
  self->service = g_socket_service_new ();
  socket_address = g_inet_socket_address_new (address, self->port);
  listening = g_socket_listener_add_address (G_SOCKET_LISTENER (self->service),
      socket_address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
      &bound_address, &listen_error);
  g_object_unref (socket_address);
  g_object_unref (address);
  if (!listening)
    goto listen_failed;

  self->bound_port =
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound_address));
  self->started_at = g_get_monotonic_time ();
  g_object_unref (bound_address);

  /* accepts from the thread-default main context */
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);

  if (self->ping_interval > 0) {
    self->ping_source = g_timeout_source_new (self->ping_interval * 1000);
    g_source_set_callback (self->ping_source, check_peers, self, NULL);
    g_source_attach (self->ping_source, g_main_context_get_thread_default ());
  }

  GST_INFO_OBJECT (self, "listening on %s port %u (%s)%s%s", self->host,
      self->bound_port, self->certificate ? "wss" : "ws",
      self->token_required ? ", token required" : "",
      self->status_page ? ", status page on /" : "");

  return TRUE;

  /* ERRORS */
no_digest:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "could not hash the token: SHA-256 is not available");
    return FALSE;
  }
bad_host:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "host '%s' is not an IP address or localhost", self->host);
    g_clear_object (&self->certificate);
    return FALSE;
  }
listen_failed:
  {
    gchar *where = format_address (self->host, self->port);

    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "could not listen on %s: %s", where, listen_error->message);
    GST_WARNING_OBJECT (self, "could not listen on %s: %s", where,
        listen_error->message);
    g_free (where);
    g_clear_error (&listen_error);
    g_clear_object (&self->service);
    g_clear_object (&self->soup);
    g_clear_object (&self->certificate);
    return FALSE;
  }
}

/**
 * gst_ice_signalling_server_stop:
 * @self: a #GstIceSignallingServer
 *
 * Closes every connection and stops listening.  Does nothing if the server
 * is not started.  gst_ice_signalling_server_start() may be called again.
 */
void
gst_ice_signalling_server_stop (GstIceSignallingServer * self)
{
  GList *peers, *l;

  g_return_if_fail (GST_IS_ICE_SIGNALLING_SERVER (self));

  if (self->soup == NULL)
    return;

  GST_INFO_OBJECT (self, "stopping, closing %u connections",
      g_list_length (self->peers));

  if (self->ping_source != NULL) {
    g_source_destroy (self->ping_source);
    g_clear_pointer (&self->ping_source, g_source_unref);
  }

  g_hash_table_remove_all (self->sessions);
  g_hash_table_remove_all (self->registered);

  /* connections that are no WebSocket yet: soup's server disconnects
   * them */
  g_hash_table_remove_all (self->pending);

  peers = self->peers;
  self->peers = NULL;
  for (l = peers; l != NULL; l = l->next) {
    Peer *peer = l->data;

    peer_close_ws (peer, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server stopping");
    peer_free (peer);
  }
  g_list_free (peers);

  g_signal_handlers_disconnect_by_data (self->service, self);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);

  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->certificate);
  self->bound_port = 0;
  OPENSSL_cleanse (self->token_digest, sizeof (self->token_digest));
  self->token_required = FALSE;
}

/**
 * gst_ice_signalling_server_remove_peer:
 * @self: a #GstIceSignallingServer
 * @peer_id: a registered peer id
 *
 * Handles @peer_id as if its connection had closed: its sessions end, the
 * other side of each is told, and consumers hear that a producer left.
 * icesink calls it for itself before stopping the server it runs: closing
 * would leave no time to relay the goodbyes its own signaller just sent,
 * and the consumers would only notice when ICE consent fails.
 */
void
gst_ice_signalling_server_remove_peer (GstIceSignallingServer * self,
    const gchar * peer_id)
{
  Peer *peer;

  g_return_if_fail (GST_IS_ICE_SIGNALLING_SERVER (self));
  g_return_if_fail (peer_id != NULL);

  peer = g_hash_table_lookup (self->registered, peer_id);
  if (peer == NULL)
    return;
  peer_leave (self, peer);
  if (peer->ws == NULL) {
    /* its connection broke earlier: nothing else holds it */
    self->peers = g_list_remove (self->peers, peer);
    peer_free (peer);
    return;
  }
  /* gone for good: its connection closing later announces nothing */
  g_clear_pointer (&peer->peer_id, g_free);
}

/**
 * gst_ice_signalling_server_get_port:
 * @self: a #GstIceSignallingServer
 *
 * Returns: the port the server listens on when started (the one picked when
 * #GstIceSignallingServer:port is 0), else #GstIceSignallingServer:port
 */
guint
gst_ice_signalling_server_get_port (GstIceSignallingServer * self)
{
  g_return_val_if_fail (GST_IS_ICE_SIGNALLING_SERVER (self), 0);

  return self->soup != NULL ? self->bound_port : self->port;
}
