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
 * SECTION:gsticeturntls
 * @title: TLS to a TURN server
 * @short_description: the OpenSSL side of `turns://`
 *
 * What the TLS bridge under libnice (gsticeturntlsbridge.c) and the TURN
 * check (gsticeturncheck.c) share: the client context, which verifies the
 * server's certificate against `turn-tls-ca-file` or the system's CAs and
 * speaks TLS 1.2 or later; one #SSL per connection, which sends the URI's
 * host name as SNI (not an address literal: RFC 6066 3 forbids it) and
 * checks that the certificate names that host or address; a BIO over a
 * non-blocking #GSocket, so that a write to a closed connection never
 * raises SIGPIPE (GSocket sends with MSG_NOSIGNAL, OpenSSL's socket BIO
 * does not); and the words for a failed handshake.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <gst/ice/gsticeerror.h>
#include <gst/ice/dtls/gsticeopenssl.h>
#include <gst/ice/turn/gsticeturntls.h>

/* ---- a BIO over a non-blocking GSocket ----------------------------------- */

static int
bio_write (BIO * bio, const char *data, int size)
{
  GSocket *socket = BIO_get_data (bio);
  GError *err = NULL;
  gssize sent;

  BIO_clear_retry_flags (bio);
  if (size <= 0)
    return 0;
  sent = g_socket_send (socket, data, size, NULL, &err);
  if (sent < 0) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
      BIO_set_retry_write (bio);
    g_error_free (err);
    return -1;
  }
  return sent;
}

static int
bio_read (BIO * bio, char *buffer, int size)
{
  GSocket *socket = BIO_get_data (bio);
  GError *err = NULL;
  gssize got;

  BIO_clear_retry_flags (bio);
  if (size <= 0)
    return 0;
  got = g_socket_receive (socket, buffer, size, NULL, &err);
  if (got < 0) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
      BIO_set_retry_read (bio);
    g_error_free (err);
    return -1;
  }
  /* 0: the server closed the connection */
  return got;
}

static long
bio_ctrl (BIO * bio, int cmd, long num, void *ptr)
{
  /* every write went to the socket already */
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int
bio_create (BIO * bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static int
bio_destroy (BIO * bio)
{
  BIO_set_data (bio, NULL);
  return 1;
}

static BIO_METHOD *
socket_bio_method (void)
{
  static BIO_METHOD *method = NULL;

  if (g_once_init_enter (&method)) {
    BIO_METHOD *m = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK,
        "gst-ice GSocket");

    if (m) {
      BIO_meth_set_write (m, bio_write);
      BIO_meth_set_read (m, bio_read);
      BIO_meth_set_ctrl (m, bio_ctrl);
      BIO_meth_set_create (m, bio_create);
      BIO_meth_set_destroy (m, bio_destroy);
    }
    g_once_init_leave (&method, m);
  }
  return method;
}

/* ---- context and connections -------------------------------------------- */

/**
 * gst_ice_turn_tls_context_new:
 * @ca_file: (nullable): PEM file of the CAs to trust; %NULL: the system's
 * @error: return location for a %GST_ICE_ERROR_SETTINGS error
 *
 * Returns: (transfer full) (nullable): a TLS client context that verifies
 *   the server's certificate; free it with SSL_CTX_free()
 */
SSL_CTX *
gst_ice_turn_tls_context_new (const gchar * ca_file, GError ** error)
{
  SSL_CTX *context;
  gchar *reason;

  ERR_clear_error ();
  context = SSL_CTX_new (TLS_client_method ());
  if (context == NULL)
    goto failed;
  if (!SSL_CTX_set_min_proto_version (context, TLS1_2_VERSION))
    goto failed;
  SSL_CTX_set_verify (context, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_mode (context, SSL_MODE_ENABLE_PARTIAL_WRITE |
      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (ca_file == NULL) {
    if (!SSL_CTX_set_default_verify_paths (context))
      goto failed;
  } else if (!SSL_CTX_load_verify_locations (context, ca_file, NULL)) {
    goto bad_ca_file;
  }
  return context;

  /* ERRORS */
failed:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "could not set up TLS for the turns:// servers: %s", reason);
    g_free (reason);
    if (context)
      SSL_CTX_free (context);
    return NULL;
  }
bad_ca_file:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "turn-tls-ca-file '%s' holds no CA certificate OpenSSL can read (a "
        "PEM file is needed): %s", ca_file, reason);
    g_free (reason);
    SSL_CTX_free (context);
    return NULL;
  }
}

/**
 * gst_ice_turn_tls_new:
 * @context: from gst_ice_turn_tls_context_new()
 * @host: the server's host as the URI names it: a name, sent as SNI and
 *   checked against the certificate, or an address literal, checked
 *   against the certificate's IP addresses
 * @socket: a connected, non-blocking socket, kept alive by the caller as
 *   long as the #SSL
 * @error: return location for a %GST_ICE_ERROR_TURN error
 *
 * Returns: (transfer full) (nullable): a client #SSL over @socket, ready
 *   for SSL_do_handshake(); free it with SSL_free()
 */
SSL *
gst_ice_turn_tls_new (SSL_CTX * context, const gchar * host, GSocket * socket,
    GError ** error)
{
  SSL *ssl;
  BIO *bio = NULL;
  gchar *reason;

  ERR_clear_error ();
  ssl = SSL_new (context);
  if (ssl == NULL)
    goto failed;
  if (g_hostname_is_ip_address (host)) {
    /* RFC 6066 3: no SNI for an address; the certificate must carry it */
    if (!X509_VERIFY_PARAM_set1_ip_asc (SSL_get0_param (ssl), host))
      goto failed;
  } else if (!SSL_set_tlsext_host_name (ssl, host) || !SSL_set1_host (ssl,
          host)) {
    goto failed;
  }

  bio = BIO_new (socket_bio_method ());
  if (bio == NULL)
    goto failed;
  BIO_set_data (bio, socket);
  SSL_set_bio (ssl, bio, bio);
  SSL_set_connect_state (ssl);
  return ssl;

  /* ERRORS */
failed:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TURN,
        "could not set up TLS to '%s': %s", host, reason);
    g_free (reason);
    if (ssl)
      SSL_free (ssl);
    return NULL;
  }
}

/**
 * gst_ice_turn_tls_is_eof:
 * @ret: what SSL_read() returned
 *
 * Returns: whether the server closed the connection, with a close_notify
 *   or without
 */
gboolean
gst_ice_turn_tls_is_eof (SSL * ssl, int ret)
{
  int error = SSL_get_error (ssl, ret);
  unsigned long code = ERR_peek_error ();

  if (error == SSL_ERROR_ZERO_RETURN ||
      (error == SSL_ERROR_SYSCALL && code == 0))
    return TRUE;
  /* OpenSSL 3 calls an EOF without close_notify an error */
  return error == SSL_ERROR_SSL && ERR_GET_LIB (code) == ERR_LIB_SSL &&
      ERR_GET_REASON (code) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

/**
 * gst_ice_turn_tls_describe_failure:
 * @ssl: the connection whose handshake, read or write failed
 * @ret: what the failed call returned
 *
 * Empties this thread's OpenSSL error queue.
 *
 * Returns: (transfer full): why, in OpenSSL's words: for a certificate
 *   that failed verification, "certificate verify failed: " and the
 *   verifier's reason ("unable to get local issuer certificate",
 *   "hostname mismatch"…)
 */
gchar *
gst_ice_turn_tls_describe_failure (SSL * ssl, int ret)
{
  long verify = SSL_get_verify_result (ssl);
  int error = SSL_get_error (ssl, ret);
  gchar *reason;

  if (verify != X509_V_OK) {
    ERR_clear_error ();
    return g_strdup_printf ("certificate verify failed: %s",
        X509_verify_cert_error_string (verify));
  }
  if ((error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN) &&
      ERR_peek_error () == 0)
    return g_strdup ("the server closed the connection during the TLS "
        "handshake");
  reason = gst_ice_openssl_take_error ();
  return reason;
}

/**
 * gst_ice_turn_tls_resolve:
 * @host: a host name or an address literal
 * @port: the port
 *
 * Blocking, in the caller's thread.
 *
 * Returns: (transfer full) (element-type GInetSocketAddress): @host's
 *   addresses with @port, IPv4 ones first (libnice's host candidates are
 *   mostly IPv4, and its TCP TURN connections use the candidates of the
 *   server's family), or %NULL with @error set
 */
GList *
gst_ice_turn_tls_resolve (const gchar * host, guint16 port,
    GCancellable * cancellable, GError ** error)
{
  GResolver *resolver;
  GList *addresses, *l, *v4 = NULL, *v6 = NULL;
  GInetAddress *literal = g_inet_address_new_from_string (host);

  if (literal) {
    addresses = g_list_prepend (NULL, literal);
  } else {
    resolver = g_resolver_get_default ();
    addresses = g_resolver_lookup_by_name (resolver, host, cancellable, error);
    g_object_unref (resolver);
    if (addresses == NULL)
      return NULL;
  }

  for (l = addresses; l; l = l->next) {
    GSocketAddress *address = g_inet_socket_address_new (l->data, port);

    if (g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV4)
      v4 = g_list_prepend (v4, address);
    else
      v6 = g_list_prepend (v6, address);
  }
  g_resolver_free_addresses (addresses);
  return g_list_concat (g_list_reverse (v4), g_list_reverse (v6));
}
