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
 * SECTION:gsticewebsocketsignaller
 * @title: GstIceWebSocketSignaller
 * @short_description: #GstIceSignaller talking to a gst-ice signalling
 *   server over a WebSocket
 *
 * The default signaller of icesink and icesrc.  It connects to the
 * #GstIceWebSocketSignaller:uri of a #GstIceSignallingServer (the
 * `gst-ice-signalling-server` program, or the one icesink runs with
 * `run-signalling-server=true`), registers with the peer id and role given
 * to gst_ice_signaller_start() and exchanges the JSON messages described in
 * `docs/signalling-protocol.md`.
 *
 * Calls to send descriptions, candidates or session requests made before
 * the server confirmed the registration are queued and sent in order once
 * it did.  A server that cannot be reached after
 * #GstIceWebSocketSignaller:connection-retries more attempts, a refused
 * registration and a connection that drops before the registration are
 * reported with #GstIceSignaller::error.
 *
 * A registered connection that drops (the server restarts, or it ran in an
 * icesink that stopped) is no error: the signaller tries again every
 * #GstIceWebSocketSignaller:retry-interval (at least a second) until the
 * server is back, and registers again.  ICE sessions that already flow do
 * not need the server and go on meanwhile.
 *
 * A connection that breaks while the server still runs (this host changed
 * networks, a NAT forgot the connection) is resumed: the signaller
 * reconnects at once with the resume token the server gave it, keeps its
 * peer id and sessions, and both sides send again what the other missed,
 * so an ICE restart's descriptions get through the change that caused it.
 * A connection silent for two #GstIceWebSocketSignaller:keepalive-interval
 * counts as broken; so does the current one when the element hears of a
 * network change (gst_ice_signaller_network_changed()).
 *
 * |[
 * gst-launch-1.0 videotestsrc ! x264enc ! rtph264pay ! \
 *     icesink peer-id=cam1 signaller::uri=ws://192.0.2.1:8443
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticewebsocketsignaller.h>
#include <gst/ice/signalling/gsticesignallingprotocol.h>
#include <gst/ice/signalling/gsticesignallingreplay.h>
#include <gst/ice/gsticeerror.h>

#include <string.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_websocket_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_websocket_signaller_debug

#define DEFAULT_URI "ws://127.0.0.1:8443"
#define DEFAULT_CONNECTION_RETRIES 0
#define DEFAULT_RETRY_INTERVAL 1000
#define DEFAULT_KEEPALIVE_INTERVAL 5

/* what the signaller keeps of the messages it sent, to send them again
 * after a reconnection, and of those waiting for the registration */
#define REPLAY_BYTES (256 * 1024)


enum
{
  PROP_0,
  PROP_URI,
  PROP_CONNECTION_RETRIES,
  PROP_RETRY_INTERVAL,
  PROP_TOKEN,
  PROP_TLS_CA_FILE,
  PROP_KEEPALIVE_INTERVAL,
};

struct _GstIceWebSocketSignaller
{
  GObject parent;

  GMutex lock;
  /* properties, protected by lock; read by start() */
  gchar *uri;
  guint connection_retries;
  guint retry_interval;
  gchar *token;                 /* secret: never logged nor read back */
  gchar *tls_ca_file;
  guint keepalive_interval;
  /* set before start(), from the thread that starts it */
  GTlsCertificate *pinned;      /* accepted as it is, whoever signed it */

  /* from start() to stop(): owned by the thread running context */
  GMainContext *context;
  gboolean started;
  GstIceSignallerRole role;
  gchar *peer_id;
  gchar *server_uri;            /* the uri as it was at start() */
  gchar *active_token;          /* the token as it was at start(), or NULL */
  GUri *parsed_uri;             /* NULL if server_uri is invalid */
  guint max_retries;
  guint interval;
  guint keepalive;              /* seconds, 0 = none */
  guint attempts;
  SoupSession *session;
  SoupMessage *connect_msg;     /* the handshake of the pending attempt */
  GTlsCertificateFlags refused; /* why its TLS certificate was refused */
  GCancellable *cancellable;
  GSource *connect_source;      /* first or next connection attempt */
  SoupWebsocketConnection *ws;
  gchar *ws_error;              /* last error of ws, for the close report */
  gboolean registered;          /* ws is open and the server said so */
  gboolean server_wants_stats;  /* its registered said so: a status page */
  gboolean reconnecting;        /* a registered connection dropped */
  GHashTable *producers;        /* consumer: announced and not removed */
  gboolean failed;              /* an error was emitted, nothing is sent */
  /* since the registration: every message sent (those not written yet
   * wait there until registered), how many came from the server, and
   * the token that resumes it from another connection */
  GstIceSignallingReplay *sent;
  guint64 received;
  gchar *resume_token;          /* secret: never logged */
  gint64 last_frame;            /* monotonic time of the server's last */
  GSource *keepalive_source;    /* looks for a silent connection */
};

static void gst_ice_websocket_signaller_iface_init (GstIceSignallerInterface *
    iface);

#define gst_ice_websocket_signaller_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceWebSocketSignaller,
    gst_ice_websocket_signaller, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_ICE_SIGNALLER,
        gst_ice_websocket_signaller_iface_init);
    GST_DEBUG_CATEGORY_INIT (gst_ice_websocket_signaller_debug,
        "icewebsocketsignaller", 0, "gst-ice WebSocket signaller"));

static void gst_ice_websocket_signaller_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_ice_websocket_signaller_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static void gst_ice_websocket_signaller_dispose (GObject * object);
static void gst_ice_websocket_signaller_finalize (GObject * object);
static void gst_ice_websocket_signaller_stop (GstIceSignaller * signaller);

/* *INDENT-OFF* */
static void emit_error (GstIceWebSocketSignaller * self, gint code,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

static void
gst_ice_websocket_signaller_class_init (GstIceWebSocketSignallerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_ice_websocket_signaller_set_property;
  gobject_class->get_property = gst_ice_websocket_signaller_get_property;
  gobject_class->dispose = gst_ice_websocket_signaller_dispose;
  gobject_class->finalize = gst_ice_websocket_signaller_finalize;

  /**
   * GstIceWebSocketSignaller:uri:
   *
   * WebSocket URI of the signalling server, `ws://HOST:PORT` or
   * `wss://HOST:PORT` with an optional path.  Default
   * `ws://127.0.0.1:8443`; setting %NULL restores the default.  Read when
   * signalling starts.
   *
   * A value that is not a ws:// or wss:// URI with a host makes the element
   * fail to go to READY with "signaller uri 'VALUE' is not a ws:// or wss://
   * URI".  A server that cannot be reached fails the element with "could
   * not connect to signalling server URI after N attempts: REASON" once
   * #GstIceWebSocketSignaller:connection-retries are used up.
   */
  g_object_class_install_property (gobject_class, PROP_URI,
      g_param_spec_string ("uri", "URI",
          "WebSocket URI of the signalling server (ws:// or wss://)",
          DEFAULT_URI, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceWebSocketSignaller:connection-retries:
   *
   * How many more times to try connecting to the signalling server after
   * the first attempt failed, waiting
   * #GstIceWebSocketSignaller:retry-interval between attempts.  Default 0:
   * fail at the first refused or unreachable connection.  Raise it when the
   * server may start after the pipeline; when all attempts fail the error
   * says how many were made.  A connection that drops after the
   * registration is retried without limit instead.
   */
  g_object_class_install_property (gobject_class, PROP_CONNECTION_RETRIES,
      g_param_spec_uint ("connection-retries", "Connection retries",
          "Further connection attempts after the first one failed", 0,
          G_MAXUINT, DEFAULT_CONNECTION_RETRIES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceWebSocketSignaller:retry-interval:
   *
   * Time to wait between two connection attempts, in milliseconds.
   * Default 1000.  Used when #GstIceWebSocketSignaller:connection-retries
   * is not 0, and (at least 1000) between attempts to reconnect after a
   * registered connection dropped.
   */
  g_object_class_install_property (gobject_class, PROP_RETRY_INTERVAL,
      g_param_spec_uint ("retry-interval", "Retry interval",
          "Milliseconds between two connection attempts", 0, G_MAXUINT,
          DEFAULT_RETRY_INTERVAL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceWebSocketSignaller:token:
   *
   * Shared secret sent to the signalling server when registering: the
   * token of a server started with `--token-file`, or of icesink's
   * `signalling-server-token`.  %NULL (default): the value of the
   * GST_ICE_SIGNALLING_TOKEN environment variable (which, unlike a
   * property on a gst-launch line, `ps` does not show), or none; "" sends
   * none.  Write-only: it is never read back nor logged.  A wrong or
   * missing token fails the element with "register refused by signalling
   * server URI: wrong or missing token".
   */
  g_object_class_install_property (gobject_class, PROP_TOKEN,
      g_param_spec_string ("token", "Token",
          "Shared secret the signalling server asks for at registration "
          "(default NULL: the GST_ICE_SIGNALLING_TOKEN environment variable, "
          "else none; \"\" = none). Write-only. A wrong or missing token "
          "fails with 'register refused by signalling server URI: wrong or "
          "missing token'", NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceWebSocketSignaller:tls-ca-file:
   *
   * PEM file of the CA certificates that a `wss://` server's certificate
   * must be signed by, instead of the system's (/etc/ssl/certs): the CA of
   * a server started with `--certificate-file`, or a self-signed server
   * certificate itself.  Default %NULL: the system's CAs.  A file that
   * cannot be read fails the element's change to READY naming it; a
   * server whose certificate is not signed by one of these CAs, or not
   * for the host of #GstIceWebSocketSignaller:uri, fails it with "could
   * not connect to signalling server URI …: its TLS certificate …".
   */
  g_object_class_install_property (gobject_class, PROP_TLS_CA_FILE,
      g_param_spec_string ("tls-ca-file", "TLS CA file",
          "PEM file of the CAs a wss:// server's certificate must be signed "
          "by (default NULL: the system's CAs)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceWebSocketSignaller:keepalive-interval:
   *
   * Seconds between two WebSocket pings to the server.  A connection from
   * which nothing (no message, no pong) arrived for two intervals is
   * broken (a NAT forgot it, this host changed networks): the signaller
   * reconnects and resumes its registration, within 3 intervals of the
   * server's last frame.  Default 5; 0: no pings, a broken connection is
   * noticed only when the kernel gives up on it (minutes).
   */
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_INTERVAL,
      g_param_spec_uint ("keepalive-interval", "Keepalive interval",
          "Seconds between two pings to the server; a connection silent "
          "for two intervals is broken, and resumed on a new one "
          "(default 5; 0 = no pings)", 0, 3600, DEFAULT_KEEPALIVE_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
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

static void
gst_ice_websocket_signaller_init (GstIceWebSocketSignaller * self)
{
  g_mutex_init (&self->lock);
  self->uri = g_strdup (DEFAULT_URI);
  self->connection_retries = DEFAULT_CONNECTION_RETRIES;
  self->retry_interval = DEFAULT_RETRY_INTERVAL;
  self->keepalive_interval = DEFAULT_KEEPALIVE_INTERVAL;
  self->sent = gst_ice_signalling_replay_new (REPLAY_BYTES);
  self->producers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
}

static void
gst_ice_websocket_signaller_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_URI:
      g_free (self->uri);
      self->uri = g_value_dup_string (value);
      if (self->uri == NULL)
        self->uri = g_strdup (DEFAULT_URI);
      break;
    case PROP_CONNECTION_RETRIES:
      self->connection_retries = g_value_get_uint (value);
      break;
    case PROP_RETRY_INTERVAL:
      self->retry_interval = g_value_get_uint (value);
      break;
    case PROP_TOKEN:
      clear_secret (&self->token);
      self->token = g_value_dup_string (value);
      break;
    case PROP_TLS_CA_FILE:
      g_free (self->tls_ca_file);
      self->tls_ca_file = g_value_dup_string (value);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      self->keepalive_interval = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_ice_websocket_signaller_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_CONNECTION_RETRIES:
      g_value_set_uint (value, self->connection_retries);
      break;
    case PROP_RETRY_INTERVAL:
      g_value_set_uint (value, self->retry_interval);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_ice_websocket_signaller_dispose (GObject * object)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (object);

  if (self->started)
    gst_ice_websocket_signaller_stop (GST_ICE_SIGNALLER (self));

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_ice_websocket_signaller_finalize (GObject * object)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (object);

  g_free (self->uri);
  clear_secret (&self->token);
  g_free (self->tls_ca_file);
  g_clear_object (&self->pinned);
  g_hash_table_unref (self->producers);
  gst_ice_signalling_replay_free (self->sent);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Helpers */

static GUri *
parse_uri (const gchar * uri, GError ** error)
{
  GUri *parsed;
  const gchar *scheme, *host;

  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL)
    goto not_websocket;

  scheme = g_uri_get_scheme (parsed);
  if (g_ascii_strcasecmp (scheme, "ws") != 0
      && g_ascii_strcasecmp (scheme, "wss") != 0)
    goto not_websocket;

  host = g_uri_get_host (parsed);
  if (host == NULL || host[0] == '\0')
    goto no_host;

  return parsed;

  /* ERRORS */
not_websocket:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "signaller uri '%s' is not a ws:// or wss:// URI", uri);
    g_clear_pointer (&parsed, g_uri_unref);
    return NULL;
  }
no_host:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "signaller uri '%s' is not a ws:// or wss:// URI: it has no host", uri);
    g_uri_unref (parsed);
    return NULL;
  }
}

static void
emit_error (GstIceWebSocketSignaller * self, gint code,
    const gchar * format, ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (GST_ICE_ERROR, code, format, args);
  va_end (args);

  GST_WARNING_OBJECT (self, "%s", error->message);
  gst_ice_signaller_emit_error (GST_ICE_SIGNALLER (self), error);
  g_error_free (error);
}

/* Writes @text (taking it) to the connection; a @secret one (the
 * registration, with the token) is neither logged nor left in memory. */
static void
write_message_full (GstIceWebSocketSignaller * self, gchar * text,
    gboolean secret)
{
  const gchar *shown = secret ? "(registration)" : text;

  if (self->ws == NULL || soup_websocket_connection_get_state (self->ws) !=
      SOUP_WEBSOCKET_STATE_OPEN) {
    GST_DEBUG_OBJECT (self, "connection is closing, dropping %s", shown);
  } else if (!g_utf8_validate (text, -1, NULL)) {
    /* a text frame must be UTF-8 */
    GST_WARNING_OBJECT (self, "dropping message that is not UTF-8: %s", shown);
  } else {
    GST_LOG_OBJECT (self, "sending %s", shown);
    soup_websocket_connection_send_text (self->ws, text);
  }
  if (secret)
    clear_secret (&text);
  g_free (text);
}

static void
write_message (GstIceWebSocketSignaller * self, gchar * text)
{
  write_message_full (self, text, FALSE);
}

/* Numbers and keeps @text (taking it), and sends it now if registered;
 * else it waits for the registration. */
static void
send_message (GstIceWebSocketSignaller * self, gchar * text)
{
  if (!self->started) {
    GST_WARNING_OBJECT (self, "not started, dropping %s", text);
  } else if (self->failed) {
    GST_DEBUG_OBJECT (self, "signalling failed, dropping %s", text);
  } else if (!g_utf8_validate (text, -1, NULL)) {
    /* a text frame must be UTF-8 */
    GST_WARNING_OBJECT (self, "dropping message that is not UTF-8: %s", text);
  } else {
    gst_ice_signalling_replay_push (self->sent, text);
    if (self->registered) {
      write_message (self, text);
      return;
    }
    GST_DEBUG_OBJECT (self, "not registered, keeping %s", text);
  }
  g_free (text);
}

/* Writes what the server did not receive of what was sent since the
 * registration: those kept while not registered, or lost with a broken
 * connection. */
static void
send_missed (GstIceWebSocketSignaller * self, guint64 received)
{
  GPtrArray *missed;
  gboolean complete;
  guint i;

  missed = gst_ice_signalling_replay_since (self->sent, received, &complete);
  if (!complete)
    GST_WARNING_OBJECT (self, "the server received %" G_GUINT64_FORMAT
        " of our %" G_GUINT64_FORMAT " messages, and the first it missed "
        "are no longer kept: sending the last %u", received,
        gst_ice_signalling_replay_get_last (self->sent), missed->len);
  for (i = 0; i < missed->len; i++)
    write_message (self, g_strdup (g_ptr_array_index (missed, i)));
  g_ptr_array_unref (missed);
}

/* Lets go of the connection, closing it with @code: 1000 says goodbye,
 * GST_ICE_SIGNALLING_CLOSE_RESUMING that a new connection follows. */
static void
drop_connection_with_code (GstIceWebSocketSignaller * self, gushort code)
{
  if (self->keepalive_source != NULL) {
    g_source_destroy (self->keepalive_source);
    g_clear_pointer (&self->keepalive_source, g_source_unref);
  }
  if (self->ws == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->ws, self);
  if (soup_websocket_connection_get_state (self->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, code, NULL);
  /* the connection keeps itself alive until its stream is closed */
  g_clear_object (&self->ws);
  g_clear_pointer (&self->ws_error, g_free);
  self->registered = FALSE;
  self->server_wants_stats = FALSE;
}

static void
drop_connection (GstIceWebSocketSignaller * self)
{
  drop_connection_with_code (self, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

/* A new registration, or none: nothing sent or received before counts. */
static void
forget_registration (GstIceWebSocketSignaller * self)
{
  gst_ice_signalling_replay_reset (self->sent);
  self->received = 0;
  clear_secret (&self->resume_token);
}

/* Incoming messages */

static void schedule_connect (GstIceWebSocketSignaller * self, guint delay);
static guint reconnect_interval (GstIceWebSocketSignaller * self);

/* A server error: most end signalling, but two are the ordinary races of
 * peers that come and go. */
static void
handle_error (GstIceWebSocketSignaller * self, JsonObject * message)
{
  const gchar *code = gst_ice_signalling_message_get_string (message, "code");
  const gchar *text = gst_ice_signalling_message_get_string (message,
      "message");
  const gchar *peer_id = gst_ice_signalling_message_get_string (message,
      "peerId");

  if (g_strcmp0 (code, GST_ICE_SIGNALLING_ERROR_UNKNOWN_PRODUCER) == 0 &&
      peer_id != NULL && self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    /* our request crossed its producerRemoved, or it never was there */
    GST_INFO_OBJECT (self, "producer %s is not registered (any more)", peer_id);
    g_hash_table_remove (self->producers, peer_id);
    gst_ice_signaller_emit_producer_removed (GST_ICE_SIGNALLER (self), peer_id);
  } else if (g_strcmp0 (code, GST_ICE_SIGNALLING_ERROR_PEER_ID_TAKEN) == 0 &&
      self->reconnecting) {
    /* the server has not noticed yet that our previous connection died:
     * it drops it once it misses its pings */
    GST_WARNING_OBJECT (self, "signalling server %s still holds the "
        "previous connection of %s; registering again in %u ms",
        self->server_uri, self->peer_id, reconnect_interval (self));
    drop_connection (self);
    schedule_connect (self, reconnect_interval (self));
  } else if (g_strcmp0 (code, GST_ICE_SIGNALLING_ERROR_UNAUTHORIZED) == 0) {
    /* the server closes the connection: one error, not two */
    drop_connection (self);
    self->failed = TRUE;
    emit_error (self, GST_ICE_ERROR_SIGNALLING,
        "register refused by signalling server %s: %s; set signaller::token "
        "(or the " GST_ICE_SIGNALLING_TOKEN_ENV " environment variable) to "
        "the token the server was given", self->server_uri,
        text ? text : "wrong or missing token");
  } else {
    emit_error (self, GST_ICE_ERROR_SIGNALLING,
        "signalling server %s reported an error: %s", self->server_uri,
        text ? text : "(no message)");
  }
}

static void forget_producers (GstIceWebSocketSignaller * self);

/* The server took the registration: a first one, one that resumed the
 * registration of a broken connection, or a new one after the server
 * lost track of us (it restarted, or we came back too late). */
static void
handle_registered (GstIceWebSocketSignaller * self, JsonObject * message)
{
  const gchar *token =
      gst_ice_signalling_message_get_string (message, "resumeToken");
  guint64 received = 0;
  gboolean resumed;

  resumed = self->reconnecting && self->resume_token != NULL &&
      g_strcmp0 (gst_ice_signalling_message_get_string (message, "resumed"),
      "true") == 0 && gst_ice_signalling_parse_count
      (gst_ice_signalling_message_get_string (message, "received"), &received);

  if (resumed) {
    GST_WARNING_OBJECT (self, "resumed the registration of %s with %s on a "
        "new connection", self->peer_id, self->server_uri);
  } else if (self->reconnecting) {
    /* the sessions of the old registration go on without the server; what
     * was said in them is no use to this one */
    GST_WARNING_OBJECT (self, "reconnected to %s, registered anew",
        self->server_uri);
    forget_producers (self);
    forget_registration (self);
  } else {
    GST_INFO_OBJECT (self, "registered as %s with %s", self->peer_id,
        self->server_uri);
  }
  clear_secret (&self->resume_token);
  if (token != NULL)
    self->resume_token = g_strdup (token);
  self->registered = TRUE;
  self->server_wants_stats = g_strcmp0 (gst_ice_signalling_message_get_string
      (message, "wantsStats"), "yes") == 0;
  self->reconnecting = FALSE;
  send_missed (self, received);
}

static void
handle_message (GstIceWebSocketSignaller * self, JsonObject * message)
{
  GstIceSignaller *signaller = GST_ICE_SIGNALLER (self);
  const gchar *type = gst_ice_signalling_message_get_string (message, "type");
  const gchar *session_id =
      gst_ice_signalling_message_get_string (message, "sessionId");
  const gchar *peer_id =
      gst_ice_signalling_message_get_string (message, "peerId");
  gboolean is_consumer = self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER;

  if (type == NULL)
    goto no_type;

  if (g_str_equal (type, "registered")) {
    handle_registered (self, message);
  } else if (g_str_equal (type, "producerAdded")) {
    if (peer_id == NULL || !is_consumer)
      goto unexpected;
    g_hash_table_add (self->producers, g_strdup (peer_id));
    gst_ice_signaller_emit_producer_added (signaller, peer_id);
  } else if (g_str_equal (type, "producerRemoved")) {
    if (peer_id == NULL || !is_consumer)
      goto unexpected;
    GST_INFO_OBJECT (self, "producer %s left", peer_id);
    g_hash_table_remove (self->producers, peer_id);
    gst_ice_signaller_emit_producer_removed (signaller, peer_id);
  } else if (g_str_equal (type, "startSession")) {
    if (session_id == NULL || peer_id == NULL || is_consumer)
      goto unexpected;
    gst_ice_signaller_emit_session_requested (signaller, session_id, peer_id);
  } else if (g_str_equal (type, "sessionStarted")) {
    if (session_id == NULL || peer_id == NULL || !is_consumer)
      goto unexpected;
    gst_ice_signaller_emit_session_started (signaller, session_id, peer_id);
  } else if (g_str_equal (type, "peer")) {
    const gchar *description =
        gst_ice_signalling_message_get_string (message, "description");
    const gchar *candidate =
        gst_ice_signalling_message_get_string (message, "candidate");

    if (session_id == NULL)
      goto unexpected;
    if (description != NULL)
      gst_ice_signaller_emit_session_description (signaller, session_id,
          description);
    else if (candidate != NULL)
      gst_ice_signaller_emit_session_candidate (signaller, session_id,
          candidate);
    else
      goto unexpected;
  } else if (g_str_equal (type, "endSession")) {
    const gchar *reason =
        gst_ice_signalling_message_get_string (message, "reason");
    const gchar *text =
        gst_ice_signalling_message_get_string (message, "message");

    if (session_id == NULL)
      goto unexpected;
    if (gst_ice_signalling_reason_is_valid (reason)) {
      gst_ice_signaller_emit_session_ended_with_reason (signaller, session_id,
          reason, text);
      /* a handler may have stopped us */
      if (!self->started)
        return;
    }
    gst_ice_signaller_emit_session_ended (signaller, session_id);
  } else if (g_str_equal (type, "error")) {
    handle_error (self, message);
  } else {
    GST_WARNING_OBJECT (self, "ignoring message of unknown type '%.64s'", type);
  }
  return;

  /* ERRORS */
no_type:
  {
    GST_WARNING_OBJECT (self, "ignoring message without a type string");
    return;
  }
unexpected:
  {
    GST_WARNING_OBJECT (self, "ignoring %s message that misses a field or "
        "is not meant for a %s", type, is_consumer ? "consumer" : "producer");
    return;
  }
}

/**
 * gst_ice_websocket_signaller_receive_text:
 * @self: a started #GstIceWebSocketSignaller
 * @bytes: the payload of a text frame from the server
 *
 * Handles one message of the server.  Its connection's frames come here;
 * the fuzzer hands it frames without a connection.
 */
void
gst_ice_websocket_signaller_receive_text (GstIceWebSocketSignaller * self,
    GBytes * bytes)
{
  JsonObject *message;
  GError *error = NULL;

  self->last_frame = g_get_monotonic_time ();
  message = gst_ice_signalling_message_parse (bytes, &error);
  if (message == NULL) {
    GST_WARNING_OBJECT (self, "ignoring malformed message: %s", error->message);
    g_clear_error (&error);
    if (self->registered)
      self->received++;
    return;
  }
  /* counted: after a reconnection, the server sends what came after */
  if (self->registered)
    self->received++;

  /* a signal handler may stop and drop us */
  g_object_ref (self);
  handle_message (self, message);
  g_object_unref (self);

  json_object_unref (message);
}

static void
on_ws_message (SoupWebsocketConnection * ws, gint data_type, GBytes * bytes,
    gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT) {
    GST_WARNING_OBJECT (self, "ignoring binary message");
    return;
  }
  gst_ice_websocket_signaller_receive_text (self, bytes);
}

static void
on_ws_error (SoupWebsocketConnection * ws, GError * error, gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;

  GST_WARNING_OBJECT (self, "connection to %s: %s", self->server_uri,
      error->message);
  g_free (self->ws_error);
  self->ws_error = g_strdup (error->message);
}

/* Without a connection nobody is known to be there: the server lists the
 * producers again after the next registration. */
static void
forget_producers (GstIceWebSocketSignaller * self)
{
  GHashTable *producers = self->producers;
  GHashTableIter iter;
  gpointer peer_id;

  self->producers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  g_hash_table_iter_init (&iter, producers);
  while (g_hash_table_iter_next (&iter, &peer_id, NULL))
    gst_ice_signaller_emit_producer_removed (GST_ICE_SIGNALLER (self), peer_id);
  g_hash_table_unref (producers);
}

/* at least a second between attempts to find a lost server again */
static guint
reconnect_interval (GstIceWebSocketSignaller * self)
{
  return MAX (self->interval, 1000);
}

/* The registered connection broke or closed.  A server that gave a
 * resume token may be there still (our path broke, not the server): try
 * again at once, and resume.  Else the server went away (icesink's
 * embedded server goes with its pipeline): ICE sessions that flow need no
 * signalling, and the peers find each other again once it is back. */
static void
lose_connection (GstIceWebSocketSignaller * self, const gchar * reason,
    gboolean server_left)
{
  gboolean resumable = self->resume_token != NULL && !server_left;

  GST_WARNING_OBJECT (self, "lost the connection to signalling server %s: "
      "%s; reconnecting%s", self->server_uri, reason, resumable ?
      " now to resume, then every second or more" : " every second or more");
  drop_connection_with_code (self, GST_ICE_SIGNALLING_CLOSE_RESUMING);
  if (!resumable) {
    forget_producers (self);
    forget_registration (self);
  }
  self->reconnecting = TRUE;
  self->attempts = 0;
  if (self->connect_source == NULL)
    schedule_connect (self, resumable ? 0 : reconnect_interval (self));
}

static void
on_ws_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (ws);
  const gchar *data = soup_websocket_connection_get_close_data (ws);
  gchar *reason;

  if (self->ws_error != NULL)
    reason = g_strdup (self->ws_error);
  else if (code != 0 && data != NULL && data[0] != '\0')
    reason = g_strdup_printf ("closed with code %u (%s)", code, data);
  else if (code != 0)
    reason = g_strdup_printf ("closed with code %u", code);
  else
    reason = g_strdup ("closed");

  if (self->registered) {
    /* a server that stops says so with 1001: it forgot us */
    lose_connection (self, reason, code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
    g_free (reason);
    return;
  }
  if (self->reconnecting) {
    /* closed again before the registration: the next attempt may do */
    GST_DEBUG_OBJECT (self, "connection to %s closed before the "
        "registration: %s", self->server_uri, reason);
    drop_connection_with_code (self, GST_ICE_SIGNALLING_CLOSE_RESUMING);
    if (self->connect_source == NULL)
      schedule_connect (self, reconnect_interval (self));
    g_free (reason);
    return;
  }

  drop_connection (self);
  self->failed = TRUE;
  emit_error (self, GST_ICE_ERROR_SIGNALLING,
      "lost the connection to signalling server %s: %s", self->server_uri,
      reason);
  g_free (reason);
}

/* Connecting */

/* Called when the server's certificate failed verification: keep why,
 * for the error; accept only the pinned certificate. */
static gboolean
on_accept_certificate (SoupMessage * msg, GTlsCertificate * certificate,
    GTlsCertificateFlags errors, gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;

  if (self->pinned != NULL &&
      g_tls_certificate_is_same (certificate, self->pinned)) {
    GST_DEBUG_OBJECT (self, "accepting the pinned certificate of %s",
        self->server_uri);
    return TRUE;
  }
  self->refused = errors;
  return FALSE;
}

/* Why a certificate was refused, as a user can act on it. */
static gchar *
describe_refusal (GstIceWebSocketSignaller * self)
{
  GString *why = g_string_new ("its TLS certificate");
  GTlsCertificateFlags flags = self->refused;
  const gchar *host = g_uri_get_host (self->parsed_uri);
  const GTlsCertificateFlags known = G_TLS_CERTIFICATE_UNKNOWN_CA |
      G_TLS_CERTIFICATE_BAD_IDENTITY | G_TLS_CERTIFICATE_NOT_ACTIVATED |
      G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_REVOKED |
      G_TLS_CERTIFICATE_INSECURE;

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_string_append (why, " is not signed by a trusted CA (the system's, or "
        "signaller::tls-ca-file);");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_string_append_printf (why, " is not valid for %s;", host);
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_string_append (why, " is not valid yet;");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_string_append (why, " has expired;");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_string_append (why, " was revoked;");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_string_append (why, " uses an insecure algorithm;");
  if ((flags & known) == 0)
    g_string_append (why, " could not be verified;");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_string_append (why, " use the host name or address the certificate "
        "names in signaller::uri");
  else
    g_string_append (why, " set signaller::tls-ca-file to the PEM file of "
        "the CA that signed it");
  return g_string_free (why, FALSE);
}

/* The register message: with the server's token if there is one, and
 * the resume token and count of the registration to resume if there is
 * one. */
static gchar *
build_register (GstIceWebSocketSignaller * self, const gchar * role)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;
  gchar *text;

  json_object_set_string_member (object, "type", "register");
  json_object_set_string_member (object, "peerId", self->peer_id);
  json_object_set_string_member (object, "role", role);
  if (self->active_token != NULL)
    json_object_set_string_member (object, "token", self->active_token);
  if (self->reconnecting && self->resume_token != NULL) {
    gchar *received = g_strdup_printf ("%" G_GUINT64_FORMAT, self->received);

    json_object_set_string_member (object, "resumeToken", self->resume_token);
    json_object_set_string_member (object, "received", received);
    g_free (received);
  }
  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  json_node_unref (node);
  json_object_unref (object);
  return text;
}

static void
on_ws_pong (SoupWebsocketConnection * ws, GBytes * message, gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;

  self->last_frame = g_get_monotonic_time ();
}

/* libsoup 3.2 pings but never notices a missing pong: this does. */
static gboolean
check_keepalive (gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;
  gint64 silent = g_get_monotonic_time () - self->last_frame;
  gchar *reason;

  if (silent <= 2 * (gint64) self->keepalive * G_TIME_SPAN_SECOND)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->keepalive_source, g_source_unref);
  reason = g_strdup_printf ("nothing from it for %" G_GINT64_FORMAT " s",
      silent / G_TIME_SPAN_SECOND);
  if (self->registered) {
    lose_connection (self, reason, FALSE);
  } else {
    /* not registered yet: as if the connection had closed */
    g_free (self->ws_error);
    self->ws_error = g_strdup (reason);
    on_ws_closed (self->ws, self);
  }
  g_free (reason);
  return G_SOURCE_REMOVE;
}

static void
start_keepalive (GstIceWebSocketSignaller * self)
{
  self->last_frame = g_get_monotonic_time ();
  if (self->keepalive == 0)
    return;
  soup_websocket_connection_set_keepalive_interval (self->ws, self->keepalive);
  self->keepalive_source = g_timeout_source_new_seconds (self->keepalive);
  g_source_set_callback (self->keepalive_source, check_keepalive, self, NULL);
  g_source_attach (self->keepalive_source, self->context);
}

static void
on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;
  SoupSession *session = SOUP_SESSION (source);
  SoupWebsocketConnection *ws;
  const gchar *role = self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ?
      "producer" : "consumer";
  GError *error = NULL;

  ws = soup_session_websocket_connect_finish (session, result, &error);

  /* stopped since, maybe restarted with a new session */
  if (session != self->session) {
    if (ws != NULL) {
      if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (ws);
    }
    g_clear_error (&error);
    g_object_unref (self);
    return;
  }

  if (ws == NULL)
    goto failed;
  g_signal_handlers_disconnect_by_data (self->connect_msg, self);
  g_clear_object (&self->connect_msg);

  GST_INFO_OBJECT (self, "connected to %s, registering %s as %s",
      self->server_uri, self->peer_id, role);

  self->ws = ws;
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (ws, "pong", G_CALLBACK (on_ws_pong), self);
  g_signal_connect (ws, "error", G_CALLBACK (on_ws_error), self);
  g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), self);
  start_keepalive (self);

  write_message_full (self, build_register (self, role), TRUE);

  g_object_unref (self);
  return;

  /* ERRORS */
failed:
  {
    guint status = soup_message_get_status (self->connect_msg);

    g_signal_handlers_disconnect_by_data (self->connect_msg, self);
    if (self->refused != 0) {
      /* no retry makes a certificate trusted */
      g_free (error->message);
      error->message = describe_refusal (self);
      self->reconnecting = FALSE;
      self->attempts = self->max_retries + 1;
    } else if (status >= 300 && error->domain == SOUP_WEBSOCKET_ERROR) {
      /* a server that refused the handshake says why in its status line */
      gchar *message = g_strdup_printf ("%s (HTTP %u %s)", error->message,
          status, soup_message_get_reason_phrase (self->connect_msg));

      g_free (error->message);
      error->message = message;
    }
    g_clear_object (&self->connect_msg);

    if (self->reconnecting) {
      GST_DEBUG_OBJECT (self, "reconnection attempt %u to %s failed: %s",
          self->attempts, self->server_uri, error->message);
      if (self->resume_token != NULL &&
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)) {
        /* nothing listens there: the server stopped, and forgot us */
        forget_producers (self);
        forget_registration (self);
      }
      schedule_connect (self, reconnect_interval (self));
    } else if (self->attempts <= self->max_retries) {
      GST_INFO_OBJECT (self, "attempt %u to connect to %s failed: %s; "
          "retrying in %u ms", self->attempts, self->server_uri,
          error->message, self->interval);
      schedule_connect (self, self->interval);
    } else {
      self->failed = TRUE;
      emit_error (self, GST_ICE_ERROR_SIGNALLING,
          "could not connect to signalling server %s after %u attempt%s: %s",
          self->server_uri, self->attempts, self->attempts == 1 ? "" : "s",
          error->message);
    }
    g_clear_error (&error);
    g_object_unref (self);
    return;
  }
}

/* localhost, 127.0.0.0/8 or ::1 */
static gboolean
host_is_loopback (const gchar * host)
{
  GInetAddress *address;
  gboolean loopback;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  loopback = address != NULL && g_inet_address_get_is_loopback (address);
  g_clear_object (&address);
  return loopback;
}

static gboolean
connect_cb (gpointer user_data)
{
  GstIceWebSocketSignaller *self = user_data;
  SoupMessage *msg;
  GError *error = NULL;

  g_clear_pointer (&self->connect_source, g_source_unref);

  if (self->parsed_uri == NULL) {
    self->parsed_uri = parse_uri (self->server_uri, &error);
    if (self->parsed_uri == NULL) {
      self->failed = TRUE;
      GST_WARNING_OBJECT (self, "%s", error->message);
      gst_ice_signaller_emit_error (GST_ICE_SIGNALLER (self), error);
      g_clear_error (&error);
      return G_SOURCE_REMOVE;
    }
    /* the default resolver (GIO's, libproxy's or GNOME's) loads its
     * modules and settings on the first connection, tens of ms, only to
     * find that loopback goes direct; a proxy could not reach our
     * 127.0.0.1 anyway */
    if (host_is_loopback (g_uri_get_host (self->parsed_uri))) {
      GST_DEBUG_OBJECT (self, "no proxy for the loopback server %s",
          self->server_uri);
      soup_session_set_proxy_resolver (self->session, NULL);
    }
  }

  self->attempts++;
  GST_DEBUG_OBJECT (self, "connecting to %s, attempt %u", self->server_uri,
      self->attempts);

  msg = soup_message_new_from_uri ("GET", self->parsed_uri);
  g_clear_object (&self->connect_msg);
  self->connect_msg = g_object_ref (msg);
  self->refused = 0;
  g_signal_connect (msg, "accept-certificate",
      G_CALLBACK (on_accept_certificate), self);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, self->cancellable, on_connected, g_object_ref (self));
  g_object_unref (msg);

  return G_SOURCE_REMOVE;
}

static void
schedule_connect (GstIceWebSocketSignaller * self, guint delay)
{
  g_assert (self->connect_source == NULL);

  if (delay == 0)
    self->connect_source = g_idle_source_new ();
  else
    self->connect_source = g_timeout_source_new (delay);
  g_source_set_callback (self->connect_source, connect_cb, self, NULL);
  g_source_attach (self->connect_source, self->context);
}

/* The CAs of tls-ca-file, or %NULL (and no error) for the system's. */
static GTlsDatabase *
make_tls_database (GstIceWebSocketSignaller * self, GError ** error)
{
  GTlsDatabase *database;
  GError *load_error = NULL;
  gchar *file;

  g_mutex_lock (&self->lock);
  file = g_strdup (self->tls_ca_file);
  g_mutex_unlock (&self->lock);
  if (file == NULL)
    return NULL;

  database = g_tls_file_database_new (file, &load_error);
  if (database == NULL) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "signaller tls-ca-file '%s' cannot be used: %s", file,
        load_error->message);
    g_clear_error (&load_error);
  }
  g_free (file);
  return database;
}

/* GstIceSignaller */

static gboolean
gst_ice_websocket_signaller_prepare (GstIceSignaller * signaller,
    GError ** error)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);
  GTlsDatabase *database;
  GUri *parsed;
  gchar *uri;

  g_mutex_lock (&self->lock);
  uri = g_strdup (self->uri);
  g_mutex_unlock (&self->lock);

  parsed = parse_uri (uri, error);
  if (parsed == NULL) {
    g_free (uri);
    return FALSE;
  }
  if (g_ascii_strcasecmp (g_uri_get_scheme (parsed), "wss") == 0 &&
      !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    goto no_tls;
  g_uri_unref (parsed);
  g_free (uri);

  database = make_tls_database (self, error);
  if (database == NULL && error != NULL && *error != NULL)
    return FALSE;
  g_clear_object (&database);
  return TRUE;

  /* ERRORS */
no_tls:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "signaller uri '%s' needs TLS, which GIO cannot do here: install "
        "glib-networking (GIO's TLS backend)", uri);
    g_uri_unref (parsed);
    g_free (uri);
    return FALSE;
  }
}

static void
gst_ice_websocket_signaller_start (GstIceSignaller * signaller,
    GstIceSignallerRole role, const gchar * peer_id)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);
  GTlsDatabase *database;
  GError *error = NULL;
  const gchar *token;

  if (self->started) {
    GST_WARNING_OBJECT (self, "already started, restarting");
    gst_ice_websocket_signaller_stop (signaller);
  }

  g_mutex_lock (&self->lock);
  self->server_uri = g_strdup (self->uri);
  self->max_retries = self->connection_retries;
  self->interval = self->retry_interval;
  self->keepalive = self->keepalive_interval;
  token = self->token ? self->token : g_getenv (GST_ICE_SIGNALLING_TOKEN_ENV);
  if (token != NULL && token[0] != '\0')
    self->active_token = g_strdup (token);
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "starting as %s %s with %s",
      role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" : "consumer",
      peer_id, self->server_uri);

  self->started = TRUE;
  self->role = role;
  self->peer_id = g_strdup (peer_id);
  self->attempts = 0;
  self->failed = FALSE;
  self->reconnecting = FALSE;
  self->context = g_main_context_ref_thread_default ();
  /* a session serves the thread-default context of its creation */
  self->session = soup_session_new ();
  database = make_tls_database (self, &error);
  if (database != NULL) {
    soup_session_set_tls_database (self->session, database);
    g_object_unref (database);
  } else if (error != NULL) {
    /* prepare() said so already, unless it was skipped */
    GST_WARNING_OBJECT (self, "%s", error->message);
    g_clear_error (&error);
  }
  self->cancellable = g_cancellable_new ();

  /* connect from the context, so that even an invalid uri is reported by a
   * signal emitted after start() returned */
  schedule_connect (self, 0);
}

static void
gst_ice_websocket_signaller_stop (GstIceSignaller * signaller)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  if (!self->started)
    return;

  GST_DEBUG_OBJECT (self, "stopping");

  self->started = FALSE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->connect_source != NULL) {
    g_source_destroy (self->connect_source);
    g_clear_pointer (&self->connect_source, g_source_unref);
  }
  drop_connection (self);
  if (self->connect_msg != NULL)
    g_signal_handlers_disconnect_by_data (self->connect_msg, self);
  g_clear_object (&self->connect_msg);
  g_clear_object (&self->session);
  forget_registration (self);
  g_hash_table_remove_all (self->producers);
  g_clear_pointer (&self->parsed_uri, g_uri_unref);
  g_clear_pointer (&self->server_uri, g_free);
  clear_secret (&self->active_token);
  g_clear_pointer (&self->peer_id, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
gst_ice_websocket_signaller_request_session (GstIceSignaller * signaller,
    const gchar * producer_id)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  send_message (self, gst_ice_signalling_message_build ("startSession",
          "producerId", producer_id, NULL));
}

static void
gst_ice_websocket_signaller_send_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  send_message (self, gst_ice_signalling_message_build ("peer", "sessionId",
          session_id, "description", description, NULL));
}

static void
gst_ice_websocket_signaller_send_candidate (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * candidate)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  send_message (self, gst_ice_signalling_message_build ("peer", "sessionId",
          session_id, "candidate", candidate, NULL));
}

static void
gst_ice_websocket_signaller_end_session (GstIceSignaller * signaller,
    const gchar * session_id)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  send_message (self, gst_ice_signalling_message_build ("endSession",
          "sessionId", session_id, NULL));
}

static void
gst_ice_websocket_signaller_end_session_with_reason (GstIceSignaller *
    signaller, const gchar * session_id, const gchar * reason,
    const gchar * message)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  if (message != NULL)
    send_message (self, gst_ice_signalling_message_build ("endSession",
            "sessionId", session_id, "reason", reason, "message", message,
            NULL));
  else
    send_message (self, gst_ice_signalling_message_build ("endSession",
            "sessionId", session_id, "reason", reason, NULL));
}

/* Only to a server that asked for them, and never queued: the next ones
 * are newer anyway. */
static void
gst_ice_websocket_signaller_send_stats (GstIceSignaller * signaller,
    const gchar * session_id, const GstStructure * stats)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  if (!self->started || self->failed || !self->registered
      || !self->server_wants_stats)
    return;
  write_message (self, gst_ice_signalling_stats_message_build (session_id,
          stats));
}

/* This host's addresses changed: the connection may be on a path that is
 * gone, with nothing to say so for minutes.  Resume on a new one now, so
 * that what the element sends next (an ICE restart's description) is not
 * written into a dead connection. */
static void
gst_ice_websocket_signaller_network_changed (GstIceSignaller * signaller)
{
  GstIceWebSocketSignaller *self = GST_ICE_WEBSOCKET_SIGNALLER (signaller);

  if (!self->started || self->failed)
    return;
  if (self->registered && self->resume_token != NULL) {
    lose_connection (self, "the network changed", FALSE);
  } else if (self->reconnecting && self->connect_source != NULL) {
    /* waiting to try again: the new network may reach the server */
    g_source_destroy (self->connect_source);
    g_clear_pointer (&self->connect_source, g_source_unref);
    schedule_connect (self, 0);
  }
}

static void
gst_ice_websocket_signaller_iface_init (GstIceSignallerInterface * iface)
{
  iface->prepare = gst_ice_websocket_signaller_prepare;
  iface->start = gst_ice_websocket_signaller_start;
  iface->stop = gst_ice_websocket_signaller_stop;
  iface->request_session = gst_ice_websocket_signaller_request_session;
  iface->send_description = gst_ice_websocket_signaller_send_description;
  iface->send_candidate = gst_ice_websocket_signaller_send_candidate;
  iface->end_session = gst_ice_websocket_signaller_end_session;
  iface->send_stats = gst_ice_websocket_signaller_send_stats;
  iface->end_session_with_reason =
      gst_ice_websocket_signaller_end_session_with_reason;
  iface->network_changed = gst_ice_websocket_signaller_network_changed;
}

/**
 * gst_ice_websocket_signaller_set_pinned_certificate:
 * @certificate: (nullable): a certificate to accept as it is
 *
 * Accepts a `wss://` server that presents exactly @certificate, whoever
 * signed it and whatever host it names: icesink's own signaller trusts the
 * server icesink runs this way.  Private to gst-ice.
 */
void
gst_ice_websocket_signaller_set_pinned_certificate (GstIceWebSocketSignaller *
    self, GTlsCertificate * certificate)
{
  g_return_if_fail (GST_IS_ICE_WEBSOCKET_SIGNALLER (self));

  g_mutex_lock (&self->lock);
  g_set_object (&self->pinned, certificate);
  g_mutex_unlock (&self->lock);
}

/**
 * gst_ice_websocket_signaller_new:
 * @uri: (nullable): WebSocket URI of the signalling server, or %NULL for
 *   `ws://127.0.0.1:8443`
 *
 * Returns: (transfer full): a new #GstIceWebSocketSignaller
 */
GstIceSignaller *
gst_ice_websocket_signaller_new (const gchar * uri)
{
  return g_object_new (GST_TYPE_ICE_WEBSOCKET_SIGNALLER, "uri", uri, NULL);
}
