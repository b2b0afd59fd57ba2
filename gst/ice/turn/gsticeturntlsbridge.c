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
 * SECTION:gsticeturntlsbridge
 * @title: GstIceTurnTlsBridge
 * @short_description: TURN over TLS under libnice
 *
 * libnice 0.1.21 wraps a TURN-TLS connection in TLS only in its Google and
 * MSN compatibility modes (agent.c, agent_create_tcp_turn_socket()); in
 * the RFC 5245 mode gst-ice's sessions use, %NICE_RELAY_TYPE_TURN_TLS is
 * plain TCP: the Allocate, its user name and every relayed packet would
 * cross the network in clear to a port that promises TLS.  So libnice
 * never sees a `turns://` server.  For each one the bridge listens on a
 * loopback port and libnice is told that this port is a plain TURN-TCP
 * server; each connection libnice opens there is accepted, the bridge
 * opens TLS to the real server (certificate verified, SNI set, see
 * gsticeturntls.c) and relays the bytes both ways.  TURN itself (the
 * Allocate, refreshes, permissions, channels and RFC 4571-style framing)
 * stays libnice's; the bridge never parses it and never sees a password in
 * a form it could use.
 *
 * Why not libnice's HTTP proxy support (proxy-ip, proxy-port,
 * %NICE_PROXY_TYPE_HTTP), with the bridge answering CONNECT:
 *
 * - The proxy is the agent's, for every TCP TURN connection: a plain
 *   `turn://…?transport=tcp` server next to a `turns://` one would go
 *   through the bridge too, which would have to tell them apart by
 *   address.  Here libnice reaches a plain server as before.
 * - When libnice cannot open the socket to the proxy (an IPv6 host
 *   candidate and a proxy on 127.0.0.1) it falls back to a direct
 *   connection to the server it was given, the real one, and speaks TURN
 *   in clear on its TLS port.  Here libnice never learns the real
 *   server's address: there is nothing to fall back to.
 * - No HTTP request to parse, and each listener knows which server it
 *   stands for (its name for SNI and the certificate, its addresses).
 *
 * The cost: one listening socket per `turns://` server and element, which
 * other local users can connect to as well; they get a TLS connection to a
 * TURN server they could open themselves, nothing of ours.
 *
 * Ownership and threads: the transport makes the bridge when it starts, in
 * the application thread and before its thread runs, and drops it at stop,
 * after that thread ended.  In between, every socket, #SSL and source of
 * the bridge belongs to the transport's GMainContext and is only touched
 * from the transport thread.  A connection ends, and frees its two sockets
 * and its source, when libnice closes its end (a session's agent closes
 * its sockets after releasing its TURN allocations, which the transport
 * gives up to a second at stop), when the server closes its end, when TLS
 * fails or when the connection and handshake take longer than
 * CONNECT_TIMEOUT_S; disposing the bridge closes the listeners and every
 * connection left.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <gst/ice/gsticeerror.h>
#include <gst/ice/turn/gsticeturntls.h>
#include <gst/ice/turn/gsticeturntlsbridge.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_turn_tls_bridge_debug);
#define GST_CAT_DEFAULT gst_ice_turn_tls_bridge_debug

/* how long a connection to the server and its handshake may take */
#define CONNECT_TIMEOUT_S 10
/* bytes buffered in each direction before the bridge stops reading */
#define MAX_BUFFERED (64 * 1024)

typedef struct _Connection Connection;

/* One turns:// server: where libnice connects, where the bridge goes. */
typedef struct
{
  GstIceTurnTlsBridge *bridge;  /* not reffed: owns us */
  guint index;                  /* in the config's turn_servers */
  gchar *host;                  /* as the URI names it: SNI, certificate */
  gchar *display;               /* turns://host:port, for messages */
  GList *addresses;             /* GInetSocketAddress, IPv4 first */
  GSocket *listener;
  GSource *accept_source;
  gchar *listen_host;
  guint16 listen_port;
  GList *connections;           /* Connection */
} Server;

typedef enum
{
  CONNECTING,
  HANDSHAKING,
  OPEN,
} ConnectionState;

struct _Connection
{
  Server *server;
  ConnectionState state;
  GSocket *down;                /* libnice's end, accepted */
  GSocket *up;                  /* to the TURN server */
  GList *next_address;          /* to try when this connect fails */
  SSL *ssl;
  GSource *source;
  gpointer down_tag;
  gpointer up_tag;
  GIOCondition up_wants;        /* what OpenSSL waits for */
  GByteArray *to_up;            /* from libnice, not written to TLS yet */
  GByteArray *to_down;          /* from TLS, not written to libnice yet */
  gboolean down_eof;
  gboolean up_eof;
};

struct _GstIceTurnTlsBridge
{
  GstObject parent;

  GMainContext *context;
  SSL_CTX *tls;
  GPtrArray *servers;           /* Server */
};

G_DEFINE_TYPE_WITH_CODE (GstIceTurnTlsBridge, gst_ice_turn_tls_bridge,
    GST_TYPE_OBJECT, GST_DEBUG_CATEGORY_INIT (gst_ice_turn_tls_bridge_debug,
        "iceturntls", 0, "TLS bridge under libnice's TCP TURN connections"));

static void connection_free (Connection * c);

/* ---- a connection -------------------------------------------------------- */

static gboolean
connection_dispatch (GSource * source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs connection_source_funcs = {
  NULL, NULL, connection_dispatch, NULL, NULL, NULL
};

static void
connection_close (Connection * c)
{
  Server *server = c->server;

  server->connections = g_list_remove (server->connections, c);
  GST_DEBUG_OBJECT (server->bridge, "connection to %s closed, %u left",
      server->display, g_list_length (server->connections));
  connection_free (c);
}

static void
connection_fail (Connection * c, const gchar * reason)
{
  GST_WARNING_OBJECT (c->server->bridge, "TLS with TURN server '%s' "
      "failed: %s", c->server->display, reason);
  connection_close (c);
}

/* Starts a connection to c->next_address; FALSE when none is left. */
static gboolean
connect_next (Connection * c, GError ** error)
{
  GSocketAddress *address;
  GError *err = NULL;

  if (c->up_tag) {
    g_source_remove_unix_fd (c->source, c->up_tag);
    c->up_tag = NULL;
  }
  g_clear_object (&c->up);

  while (c->next_address) {
    address = c->next_address->data;
    c->next_address = c->next_address->next;
    g_clear_error (&err);
    c->up = g_socket_new (g_socket_address_get_family (address),
        G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &err);
    if (c->up == NULL)
      continue;
    g_socket_set_blocking (c->up, FALSE);
    if (!g_socket_connect (c->up, address, NULL, &err) &&
        !g_error_matches (err, G_IO_ERROR, G_IO_ERROR_PENDING)) {
      g_clear_object (&c->up);
      continue;
    }
    g_clear_error (&err);
    c->state = CONNECTING;
    c->up_tag = g_source_add_unix_fd (c->source, g_socket_get_fd (c->up),
        G_IO_OUT);
    return TRUE;
  }
  g_propagate_error (error, err ? err : g_error_new_literal (G_IO_ERROR,
          G_IO_ERROR_FAILED, "no address"));
  return FALSE;
}

/* CONNECTING and the socket is ready: connected, or on to the next
 * address.  FALSE when the connection is closed. */
static gboolean
finish_connect (Connection * c)
{
  GIOCondition ready = g_source_query_unix_fd (c->source, c->up_tag);
  GError *err = NULL;
  gchar *message;

  if (!(ready & (G_IO_OUT | G_IO_ERR | G_IO_HUP)))
    return TRUE;
  if (!g_socket_check_connect_result (c->up, &err)) {
    GST_DEBUG_OBJECT (c->server->bridge, "connect to %s: %s",
        c->server->display, err->message);
    g_clear_error (&err);
    if (!connect_next (c, &err))
      goto unreachable;
    return TRUE;
  }

  c->ssl = gst_ice_turn_tls_new (c->server->bridge->tls, c->server->host,
      c->up, &err);
  if (c->ssl == NULL)
    goto failed;
  c->state = HANDSHAKING;
  return TRUE;

  /* ERRORS */
unreachable:
  {
    message = g_strdup_printf ("could not connect: %s", err->message);
    g_clear_error (&err);
    connection_fail (c, message);
    g_free (message);
    return FALSE;
  }
failed:
  {
    connection_fail (c, err->message);
    g_clear_error (&err);
    return FALSE;
  }
}

/* From libnice into to_up; FALSE when its end failed. */
static void
read_down (Connection * c)
{
  guint8 buf[16 * 1024];
  GError *err = NULL;
  gssize got;

  while (!c->down_eof && c->to_up->len < MAX_BUFFERED) {
    got = g_socket_receive (c->down, (gchar *) buf, MIN (sizeof (buf),
            MAX_BUFFERED - c->to_up->len), NULL, &err);
    if (got > 0) {
      g_byte_array_append (c->to_up, buf, got);
      continue;
    }
    if (got < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_clear_error (&err);
      return;
    }
    /* closed, or reset: libnice is done with it either way */
    g_clear_error (&err);
    c->down_eof = TRUE;
  }
}

/* to_down to libnice. */
static void
write_down (Connection * c)
{
  GError *err = NULL;
  gssize sent;

  while (c->to_down->len > 0) {
    sent = g_socket_send (c->down, (const gchar *) c->to_down->data,
        c->to_down->len, NULL, &err);
    if (sent > 0) {
      g_byte_array_remove_range (c->to_down, 0, sent);
      continue;
    }
    if (sent < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_clear_error (&err);
      return;
    }
    /* libnice's end is gone: nothing more to hand it */
    g_clear_error (&err);
    c->down_eof = TRUE;
    g_byte_array_set_size (c->to_down, 0);
  }
}

/* What an SSL call's WANT_READ or WANT_WRITE asks to wait for; 0 for an
 * error. */
static GIOCondition
ssl_wait (Connection * c, int ret)
{
  switch (SSL_get_error (c->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
      return G_IO_IN;
    case SSL_ERROR_WANT_WRITE:
      return G_IO_OUT;
    default:
      return 0;
  }
}

/* The handshake, then to_up through TLS and TLS into to_down.  FALSE when
 * the connection is closed. */
static gboolean
pump_tls (Connection * c)
{
  guint8 buf[16 * 1024];
  gchar *reason;
  int ret;

  c->up_wants = 0;
  if (c->state == HANDSHAKING) {
    ret = SSL_do_handshake (c->ssl);
    if (ret != 1) {
      c->up_wants = ssl_wait (c, ret);
      if (c->up_wants == 0)
        goto tls_failed;
      return TRUE;
    }
    GST_DEBUG_OBJECT (c->server->bridge, "TLS with %s: %s, %s",
        c->server->display, SSL_get_version (c->ssl),
        SSL_get_cipher_name (c->ssl));
    c->state = OPEN;
    g_source_set_ready_time (c->source, -1);
  }

  while (c->to_up->len > 0) {
    ret = SSL_write (c->ssl, c->to_up->data, c->to_up->len);
    if (ret <= 0) {
      c->up_wants |= ssl_wait (c, ret);
      if (c->up_wants == 0)
        goto tls_failed;
      break;
    }
    g_byte_array_remove_range (c->to_up, 0, ret);
  }

  while (!c->up_eof && c->to_down->len < MAX_BUFFERED) {
    ret = SSL_read (c->ssl, buf, MIN (sizeof (buf),
            MAX_BUFFERED - c->to_down->len));
    if (ret > 0) {
      g_byte_array_append (c->to_down, buf, ret);
      continue;
    }
    if (gst_ice_turn_tls_is_eof (c->ssl, ret)) {
      ERR_clear_error ();
      c->up_eof = TRUE;
      break;
    }
    if (ssl_wait (c, ret) == 0)
      goto tls_failed;
    c->up_wants |= ssl_wait (c, ret);
    break;
  }
  return TRUE;

  /* ERRORS */
tls_failed:
  {
    reason = gst_ice_turn_tls_describe_failure (c->ssl, ret);
    connection_fail (c, reason);
    g_free (reason);
    return FALSE;
  }
}

/* Everything that can be done without blocking, then what to wait for. */
static gboolean
connection_pump (gpointer user_data)
{
  Connection *c = user_data;
  GIOCondition down_wants;

  if (g_source_get_ready_time (c->source) >= 0 &&
      g_source_get_time (c->source) >= g_source_get_ready_time (c->source)) {
    connection_fail (c, "no connection and TLS handshake within "
        G_STRINGIFY (CONNECT_TIMEOUT_S) " s");
    return G_SOURCE_REMOVE;
  }

  if (c->state == CONNECTING && !finish_connect (c))
    return G_SOURCE_REMOVE;
  read_down (c);
  if (c->state != CONNECTING && !pump_tls (c))
    return G_SOURCE_REMOVE;
  write_down (c);

  /* libnice closed its end: after what it sent, if TLS is up */
  if (c->down_eof && (c->state != OPEN || c->to_up->len == 0)) {
    if (c->state == OPEN)
      SSL_shutdown (c->ssl);
    connection_close (c);
    return G_SOURCE_REMOVE;
  }
  /* the server closed its end: after what it sent */
  if (c->up_eof && c->to_down->len == 0) {
    connection_close (c);
    return G_SOURCE_REMOVE;
  }

  down_wants = (c->to_up->len < MAX_BUFFERED ? G_IO_IN : 0) |
      (c->to_down->len > 0 ? G_IO_OUT : 0);
  g_source_modify_unix_fd (c->source, c->down_tag, down_wants);
  g_source_modify_unix_fd (c->source, c->up_tag, c->state == CONNECTING ?
      G_IO_OUT : c->up_wants);
  return G_SOURCE_CONTINUE;
}

static void
connection_free (Connection * c)
{
  g_source_destroy (c->source);
  g_source_unref (c->source);
  if (c->ssl)
    SSL_free (c->ssl);
  g_clear_object (&c->up);
  g_clear_object (&c->down);
  g_byte_array_unref (c->to_up);
  g_byte_array_unref (c->to_down);
  g_free (c);
}

static void
connection_start (Server * server, GSocket * down)
{
  Connection *c = g_new0 (Connection, 1);
  GError *err = NULL;
  gchar *message;

  c->server = server;
  c->down = down;
  c->to_up = g_byte_array_new ();
  c->to_down = g_byte_array_new ();
  g_socket_set_blocking (down, FALSE);
  c->source = g_source_new (&connection_source_funcs, sizeof (GSource));
  g_source_set_name (c->source, "iceturntls connection");
  g_source_set_callback (c->source, connection_pump, c, NULL);
  c->down_tag = g_source_add_unix_fd (c->source, g_socket_get_fd (down),
      G_IO_IN);
  g_source_set_ready_time (c->source, g_get_monotonic_time () +
      CONNECT_TIMEOUT_S * G_USEC_PER_SEC);
  g_source_attach (c->source, server->bridge->context);
  server->connections = g_list_prepend (server->connections, c);

  c->next_address = server->addresses;
  if (!connect_next (c, &err)) {
    message = g_strdup_printf ("could not connect: %s", err->message);
    g_clear_error (&err);
    connection_fail (c, message);
    g_free (message);
    return;
  }
  GST_DEBUG_OBJECT (server->bridge, "libnice connected for %s, %u "
      "connections", server->display, g_list_length (server->connections));
}

/* ---- the listeners -------------------------------------------------------- */

static gboolean
on_accept (GSocket * listener, GIOCondition condition, gpointer user_data)
{
  Server *server = user_data;
  GSocket *down;
  GError *err = NULL;

  while ((down = g_socket_accept (listener, NULL, &err)) != NULL)
    connection_start (server, down);
  if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    GST_WARNING_OBJECT (server->bridge, "accepting for %s: %s",
        server->display, err->message);
  g_clear_error (&err);
  return G_SOURCE_CONTINUE;
}

static void
server_free (Server * server)
{
  g_list_free_full (server->connections, (GDestroyNotify) connection_free);
  server->connections = NULL;
  if (server->accept_source) {
    g_source_destroy (server->accept_source);
    g_source_unref (server->accept_source);
  }
  if (server->listener) {
    g_socket_close (server->listener, NULL);
    g_object_unref (server->listener);
  }
  g_list_free_full (server->addresses, g_object_unref);
  g_free (server->host);
  g_free (server->display);
  g_free (server->listen_host);
  g_free (server);
}

/* Resolves @uri's host and listens on the loopback address of the family
 * libnice should use for it. */
static Server *
server_new (GstIceTurnTlsBridge * self, const GstIceServerUri * uri,
    guint index, GError ** error)
{
  Server *server = g_new0 (Server, 1);
  GSocketFamily family;
  GInetAddress *loopback;
  GSocketAddress *any, *bound;

  server->bridge = self;
  server->index = index;
  server->host = g_strdup (uri->host);
  server->display = strchr (uri->host, ':') ?
      g_strdup_printf ("turns://[%s]:%u", uri->host, uri->port) :
      g_strdup_printf ("turns://%s:%u", uri->host, uri->port);
  server->addresses = gst_ice_turn_tls_resolve (uri->host, uri->port, NULL,
      error);
  if (server->addresses == NULL)
    goto failed;

  family = g_socket_address_get_family (server->addresses->data);
  server->listener = g_socket_new (family, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, error);
  if (server->listener == NULL)
    goto failed;
  loopback = g_inet_address_new_loopback (family);
  any = g_inet_socket_address_new (loopback, 0);
  g_object_unref (loopback);
  if (!g_socket_bind (server->listener, any, FALSE, error) ||
      !g_socket_listen (server->listener, error)) {
    g_object_unref (any);
    goto failed;
  }
  g_object_unref (any);
  g_socket_set_blocking (server->listener, FALSE);

  bound = g_socket_get_local_address (server->listener, error);
  if (bound == NULL)
    goto failed;
  server->listen_host = g_inet_address_to_string
      (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (bound)));
  server->listen_port =
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);

  server->accept_source = g_socket_create_source (server->listener, G_IO_IN,
      NULL);
  g_source_set_name (server->accept_source, "iceturntls listener");
  g_source_set_callback (server->accept_source, (GSourceFunc) on_accept,
      server, NULL);
  g_source_attach (server->accept_source, self->context);
  GST_INFO_OBJECT (self, "libnice reaches %s at %s:%u", server->display,
      server->listen_host, server->listen_port);
  return server;

failed:
  server_free (server);
  return NULL;
}

/* ---- the bridge ------------------------------------------------------------ */

static void gst_ice_turn_tls_bridge_finalize (GObject * object);

static void
gst_ice_turn_tls_bridge_class_init (GstIceTurnTlsBridgeClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_turn_tls_bridge_finalize;
}

static void
gst_ice_turn_tls_bridge_init (GstIceTurnTlsBridge * self)
{
  self->servers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      server_free);
}

static void
gst_ice_turn_tls_bridge_finalize (GObject * object)
{
  GstIceTurnTlsBridge *self = GST_ICE_TURN_TLS_BRIDGE (object);

  g_ptr_array_unref (self->servers);
  if (self->tls)
    SSL_CTX_free (self->tls);
  if (self->context)
    g_main_context_unref (self->context);

  G_OBJECT_CLASS (gst_ice_turn_tls_bridge_parent_class)->finalize (object);
}

/**
 * gst_ice_turn_tls_bridge_new:
 * @context: where the bridge's sources run
 * @tls: the TLS client context
 * @turn_servers: (element-type GstIceServerUri): the TURN servers; the
 *   bridge listens for each `turns://` one
 * @error: return location for the error of a host that does not resolve
 *   or a socket that cannot listen
 *
 * Resolves the `turns://` servers' hosts (blocking) and listens for each.
 *
 * Returns: (transfer full) (nullable): the bridge
 */
GstIceTurnTlsBridge *
gst_ice_turn_tls_bridge_new (GMainContext * context, SSL_CTX * tls,
    GPtrArray * turn_servers, GError ** error)
{
  GstIceTurnTlsBridge *self;
  GError *err = NULL;
  guint i;

  g_return_val_if_fail (context != NULL && tls != NULL, NULL);

  self = g_object_new (GST_TYPE_ICE_TURN_TLS_BRIDGE, NULL);
  gst_object_ref_sink (self);
  self->context = g_main_context_ref (context);
  SSL_CTX_up_ref (tls);
  self->tls = tls;

  for (i = 0; i < turn_servers->len; i++) {
    GstIceServerUri *uri = g_ptr_array_index (turn_servers, i);
    Server *server;

    if (uri->transport != GST_ICE_SERVER_TRANSPORT_TLS)
      continue;
    server = server_new (self, uri, i, &err);
    if (server == NULL)
      goto failed;
    g_ptr_array_add (self->servers, server);
  }
  return self;

  /* ERRORS */
failed:
  {
    GstIceServerUri *uri = g_ptr_array_index (turn_servers, i);

    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TURN,
        "could not reach turn-servers host '%s': %s", uri->host, err->message);
    g_clear_error (&err);
    gst_object_unref (self);
    return NULL;
  }
}

/**
 * gst_ice_turn_tls_bridge_get_listen_address:
 * @index: a `turns://` server's index in the turn_servers given to
 *   gst_ice_turn_tls_bridge_new()
 * @host: (out) (transfer full): the loopback address libnice connects to
 * @port: (out): its port
 *
 * Returns: %FALSE when @index is not a `turns://` server
 */
gboolean
gst_ice_turn_tls_bridge_get_listen_address (GstIceTurnTlsBridge * bridge,
    guint index, gchar ** host, guint16 * port)
{
  guint i;

  for (i = 0; i < bridge->servers->len; i++) {
    Server *server = g_ptr_array_index (bridge->servers, i);

    if (server->index == index) {
      *host = g_strdup (server->listen_host);
      *port = server->listen_port;
      return TRUE;
    }
  }
  return FALSE;
}

/**
 * gst_ice_turn_tls_bridge_get_tls:
 *
 * Returns: (transfer none): the TLS client context the bridge uses, for
 *   the TURN check
 */
SSL_CTX *
gst_ice_turn_tls_bridge_get_tls (GstIceTurnTlsBridge * bridge)
{
  return bridge->tls;
}

/**
 * gst_ice_turn_tls_bridge_get_n_connections:
 *
 * From the context's thread, or while nothing runs it.
 *
 * Returns: how many connections the bridge relays now
 */
guint
gst_ice_turn_tls_bridge_get_n_connections (GstIceTurnTlsBridge * bridge)
{
  guint i, n = 0;

  for (i = 0; i < bridge->servers->len; i++)
    n += g_list_length (((Server *) g_ptr_array_index (bridge->servers,
                i))->connections);
  return n;
}
