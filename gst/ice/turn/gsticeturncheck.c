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
 * SECTION:gsticeturncheck
 * @title: TURN check
 * @short_description: one Allocate to a TURN server, and what came of it
 *
 * libnice 0.1.21 tells its application nothing when a TURN server refuses
 * an Allocate: the relayed candidate just never comes, and a session with
 * relay-only candidates fails after its connect timeout with "no
 * candidate pair worked".  So when an element starts, each TURN server is
 * asked once, with libnice's public STUN library: an Allocate without
 * credentials for the server's REALM and NONCE, the Allocate with them
 * and, when it succeeds, a Refresh with a lifetime of 0 that frees the
 * relay at once.  The result names the server and says what happened in
 * words a user can act on: the credentials refused (401), another error,
 * a failed TLS handshake, no connection, no answer.
 *
 * gst_ice_turn_check_run() does one check, blocking, within a deadline
 * and cancellable (a NAT probe tool can call it as it is);
 * gst_ice_turn_checks_start() runs one per server, each in a thread of
 * its own, and hands the results to a main context, as the transport
 * needs.
 *
 * Threads: a check owns its socket, STUN agent and buffers; it shares
 * only the target (which must not change until the check is done) and the
 * cancellable with its caller.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/gst.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stun/stunagent.h>
#include <stun/usages/turn.h>

#include <gst/ice/turn/gsticeturncheck.h>
#include <gst/ice/turn/gsticeturntls.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_turn_check_debug);
#define GST_CAT_DEFAULT gst_ice_turn_check_debug

/* RFC 5389 7.2.1: the first retransmission after 500 ms, then doubling */
#define INITIAL_RTO_US (500 * G_TIME_SPAN_MILLISECOND)
/* how long the Refresh that frees the relay may take */
#define RELEASE_TIMEOUT_US (500 * G_TIME_SPAN_MILLISECOND)
/* TURN messages here are small; a larger one is not an answer to us */
#define MAX_MESSAGE 1500

/* One check: its connection to the server, deadline and STUN state. */
typedef struct
{
  const GstIceTurnCheckTarget *target;
  GCancellable *cancellable;
  gint64 start;                 /* monotonic, µs */
  gint64 deadline;
  GList *addresses;             /* GSocketAddress, to try in turn (TCP) */
  GSocketAddress *address;      /* the one in use */
  GSocket *socket;
  gboolean stream;              /* TCP: messages are framed by their length */
  SSL_CTX *tls;
  SSL *ssl;                     /* turns:// */
  guint8 in[2 * MAX_MESSAGE];   /* stream bytes not handed out yet */
  gsize in_length;

  StunAgent agent;
  StunMessage request;
  guint8 request_buf[MAX_MESSAGE];
  gsize request_length;
  StunMessage response;
  guint8 response_buf[MAX_MESSAGE];
  /* the last 401 or 438: its REALM and NONCE go in what follows */
  StunMessage challenge;
  guint8 challenge_buf[MAX_MESSAGE];
} Check;

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_turn_check_debug, "iceturncheck", 0,
        "One Allocate to each TURN server at start");
    g_once_init_leave (&initialized, 1);
  }
}

static const gchar *
transport_name (GstIceServerTransport transport)
{
  switch (transport) {
    case GST_ICE_SERVER_TRANSPORT_TCP:
      return "TCP";
    case GST_ICE_SERVER_TRANSPORT_TLS:
      return "TCP (TLS)";
    case GST_ICE_SERVER_TRANSPORT_UDP:
    default:
      return "UDP";
  }
}

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static GstIceTurnCheckResult *new_result (GstIceTurnCheckStatus status,
    const gchar * format, ...) G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

static GstIceTurnCheckResult *
new_result (GstIceTurnCheckStatus status, const gchar * format, ...)
{
  GstIceTurnCheckResult *result = g_new0 (GstIceTurnCheckResult, 1);
  va_list args;

  result->status = status;
  if (format) {
    va_start (args, format);
    result->message = g_strdup_vprintf (format, args);
    va_end (args);
  }
  return result;
}

/* What a failed connect, send or receive means for the user. */
static GstIceTurnCheckResult *
io_failure (Check * check, GError * err)
{
  const gchar *server = check->target->display;
  GstIceTurnCheckResult *result;

  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    result = new_result (GST_ICE_TURN_CHECK_CANCELLED, NULL);
  else if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    result = new_result (GST_ICE_TURN_CHECK_NO_ANSWER, "TURN server '%s' did "
        "not answer an Allocate within %" G_GINT64_FORMAT " ms: check its "
        "address and port, and that %s to it is not blocked", server,
        (check->deadline - check->start) / G_TIME_SPAN_MILLISECOND,
        transport_name (check->target->server->transport));
  else if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    result = new_result (GST_ICE_TURN_CHECK_FAILED, "TURN server '%s' closed "
        "the connection instead of answering an Allocate%s", server,
        check->target->server->transport == GST_ICE_SERVER_TRANSPORT_TCP ?
        " (a port that takes only TLS needs a turns:// URI)" : "");
  else
    result = new_result (GST_ICE_TURN_CHECK_UNREACHABLE, "could not reach "
        "TURN server '%s' over %s: %s", server,
        transport_name (check->target->server->transport), err->message);
  g_error_free (err);
  return result;
}

/* --- the connection ------------------------------------------------------ */

/* Waits for @condition until @until (monotonic µs) at the latest. */
static gboolean
wait_for (Check * check, GIOCondition condition, gint64 until, GError ** error)
{
  gint64 left = until - g_get_monotonic_time ();

  if (left <= 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");
    return FALSE;
  }
  return g_socket_condition_timed_wait (check->socket, condition, left,
      check->cancellable, error);
}

static gboolean
resolve (Check * check, GError ** error)
{
  const GstIceServerUri *server = check->target->server;

  if (check->target->address) {
    check->addresses = g_list_prepend (NULL,
        g_object_ref (check->target->address));
    return TRUE;
  }
  check->addresses = gst_ice_turn_tls_resolve (server->host, server->port,
      check->cancellable, error);
  return check->addresses != NULL;
}

static gboolean
connect_to (Check * check, GSocketAddress * address, GError ** error)
{
  GError *err = NULL;

  g_clear_object (&check->socket);
  check->address = address;
  check->socket = g_socket_new (g_socket_address_get_family (address),
      check->stream ? G_SOCKET_TYPE_STREAM : G_SOCKET_TYPE_DATAGRAM,
      check->stream ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP, error);
  if (check->socket == NULL)
    return FALSE;
  g_socket_set_blocking (check->socket, FALSE);
  if (!check->stream)
    return TRUE;

  if (g_socket_connect (check->socket, address, check->cancellable, &err))
    return TRUE;
  if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_PENDING)) {
    g_propagate_error (error, err);
    return FALSE;
  }
  g_clear_error (&err);
  return wait_for (check, G_IO_OUT, check->deadline, error) &&
      g_socket_check_connect_result (check->socket, error);
}

/* Over UDP, the first address; over TCP, the first that connects. */
static gboolean
open_socket (Check * check, GError ** error)
{
  GList *l;

  check->stream =
      check->target->server->transport != GST_ICE_SERVER_TRANSPORT_UDP;
  for (l = check->addresses; l; l = l->next) {
    g_clear_error (error);
    if (connect_to (check, l->data, error))
      return TRUE;
    if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
        g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
      return FALSE;
  }
  return FALSE;
}

/* The TLS handshake, within the deadline; FALSE with @reason set when it
 * failed, with @error set when the wait did. */
static gboolean
handshake (Check * check, gchar ** reason, GError ** error)
{
  GIOCondition condition;
  int ret;

  check->ssl = gst_ice_turn_tls_new (check->tls, check->target->server->host,
      check->socket, error);
  if (check->ssl == NULL)
    return FALSE;
  while ((ret = SSL_do_handshake (check->ssl)) != 1) {
    switch (SSL_get_error (check->ssl, ret)) {
      case SSL_ERROR_WANT_READ:
        condition = G_IO_IN;
        break;
      case SSL_ERROR_WANT_WRITE:
        condition = G_IO_OUT;
        break;
      default:
        *reason = gst_ice_turn_tls_describe_failure (check->ssl, ret);
        return FALSE;
    }
    if (!wait_for (check, condition, check->deadline, error))
      return FALSE;
  }
  GST_DEBUG ("TLS with '%s': %s, %s", check->target->display,
      SSL_get_version (check->ssl), SSL_get_cipher_name (check->ssl));
  return TRUE;
}

static GstIceTurnCheckResult *
tls_failure (Check * check, gchar * reason)
{
  GstIceTurnCheckResult *result;

  result = new_result (GST_ICE_TURN_CHECK_TLS_FAILED, "TLS with TURN server "
      "'%s' failed: %s%s", check->target->display, reason,
      g_str_has_prefix (reason, "certificate verify failed") ?
      " (turn-tls-ca-file must name the CA that signed the server's "
      "certificate, or be unset for the system's CAs, and the certificate "
      "must name the host of the URI)" : "");
  g_free (reason);
  return result;
}

/* Over TLS, SSL_write's WANT_READ or WANT_WRITE as a would-block error. */
static gssize
ssl_io (Check * check, int ret, GIOCondition * condition, GError ** error)
{
  gchar *reason;

  if (ret > 0)
    return ret;
  switch (SSL_get_error (check->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
      *condition = G_IO_IN;
      break;
    case SSL_ERROR_WANT_WRITE:
      *condition = G_IO_OUT;
      break;
    default:
      if (gst_ice_turn_tls_is_eof (check->ssl, ret)) {
        ERR_clear_error ();
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
            "the server closed the connection");
        return ret == 0 ? 0 : -1;
      }
      reason = gst_ice_turn_tls_describe_failure (check->ssl, ret);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "TLS: %s", reason);
      g_free (reason);
      return -1;
  }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
      "would block");
  return -1;
}

static gboolean
send_bytes (Check * check, const guint8 * data, gsize length, GError ** error)
{
  GIOCondition condition = G_IO_OUT;
  GError *err = NULL;
  gssize sent;

  if (!check->stream)
    return g_socket_send_to (check->socket, check->address,
        (const gchar *) data, length, check->cancellable, error) >= 0;

  while (length > 0) {
    if (check->ssl)
      sent = ssl_io (check, SSL_write (check->ssl, data, length), &condition,
          &err);
    else
      sent = g_socket_send (check->socket, (const gchar *) data, length,
          check->cancellable, &err);
    if (sent < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_clear_error (&err);
      if (!wait_for (check, condition, check->deadline, error))
        return FALSE;
      continue;
    }
    if (sent <= 0) {
      g_propagate_error (error, err);
      return FALSE;
    }
    data += sent;
    length -= sent;
  }
  return TRUE;
}

/* Reads what the stream has into check->in. */
static gboolean
read_stream (Check * check, GError ** error)
{
  GIOCondition condition = G_IO_IN;
  gsize room = sizeof (check->in) - check->in_length;
  gssize got;

  if (check->ssl)
    got = ssl_io (check, SSL_read (check->ssl, check->in + check->in_length,
            room), &condition, error);
  else
    got = g_socket_receive (check->socket,
        (gchar *) check->in + check->in_length, room, check->cancellable,
        error);
  if (got == 0 && !check->ssl)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
        "the server closed the connection");
  if (got <= 0)
    return FALSE;
  check->in_length += got;
  return TRUE;
}

/* One message from the server in check->response_buf: its length, 0 when
 * nothing came by @until, -1 with @error set. */
static gssize
receive_message (Check * check, gint64 until, GError ** error)
{
  GError *err = NULL;
  gssize got;
  gint length;

  for (;;) {
    if (check->stream && check->in_length > 0) {
      length = stun_message_validate_buffer_length (check->in,
          check->in_length, TRUE);
      if (length > 0 && (gsize) length <= sizeof (check->response_buf)) {
        memcpy (check->response_buf, check->in, length);
        check->in_length -= length;
        memmove (check->in, check->in + length, check->in_length);
        return length;
      }
      if (length != STUN_MESSAGE_BUFFER_INCOMPLETE ||
          check->in_length == sizeof (check->in)) {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
            "the server answered with something that is not STUN");
        return -1;
      }
    }

    /* OpenSSL may hold a whole record the socket no longer shows */
    if (check->ssl && SSL_pending (check->ssl) > 0 && read_stream (check, NULL))
      continue;
    if (!wait_for (check, G_IO_IN, until, &err)) {
      if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        g_propagate_error (error, err);
        return -1;
      }
      g_clear_error (&err);
      return 0;
    }

    if (check->stream) {
      if (!read_stream (check, &err)) {
        if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
          g_clear_error (&err);
          continue;
        }
        g_propagate_error (error, err);
        return -1;
      }
      continue;
    }

    got = g_socket_receive (check->socket, (gchar *) check->response_buf,
        sizeof (check->response_buf), check->cancellable, &err);
    if (got > 0)
      return got;
    if (got < 0 && !g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_propagate_error (error, err);
      return -1;
    }
    g_clear_error (&err);
  }
}

/* --- STUN ---------------------------------------------------------------- */

/* Whether check->response answers check->request: authenticated, or an
 * error answer without MESSAGE-INTEGRITY (coturn sends 437, 441 and 486
 * without) that carries our transaction id. */
static gboolean
is_answer (Check * check, gsize length)
{
  StunValidationStatus status;
  StunTransactionId sent, got;

  status = stun_agent_validate (&check->agent, &check->response,
      check->response_buf, length, NULL, NULL);
  if (status == STUN_VALIDATION_UNAUTHORIZED &&
      stun_message_get_class (&check->response) == STUN_ERROR) {
    stun_message_id (&check->request, sent);
    stun_message_id (&check->response, got);
    return memcmp (sent, got, sizeof (sent)) == 0;
  }
  return status == STUN_VALIDATION_SUCCESS;
}

/* Sends check->request (again after 500 ms, 1 s, 2 s… over UDP) until it
 * is answered: 1 with the answer in check->response, 0 when @until
 * passed first, -1 with @error set. */
static gint
transact (Check * check, gint64 until, GError ** error)
{
  gint64 rto = INITIAL_RTO_US;
  gint64 next_send = 0;
  gssize length;

  for (;;) {
    gint64 now = g_get_monotonic_time ();

    if (now >= until)
      return 0;
    if (now >= next_send) {
      if (!send_bytes (check, check->request_buf, check->request_length, error))
        return -1;
      next_send = check->stream ? G_MAXINT64 : now + rto;
      rto *= 2;
    }
    length = receive_message (check, MIN (until, next_send), error);
    if (length < 0)
      return -1;
    if (length > 0 && is_answer (check, length))
      return 1;
  }
}

static gint
error_code (StunMessage * msg)
{
  gint code = 0;

  if (stun_message_get_class (msg) != STUN_ERROR)
    return 0;
  if (stun_message_find_error (msg, &code) != STUN_MESSAGE_RETURN_SUCCESS)
    return -1;
  return code;
}

/* The reason phrase of an error answer ("Unauthorized"), for messages. */
static gchar *
reason_phrase (StunMessage * msg)
{
  const guint8 *value;
  guint16 length = 0;
  gchar *reason;

  value = stun_message_find (msg, STUN_ATTRIBUTE_ERROR_CODE, &length);
  if (value == NULL || length <= 4)
    return g_strdup ("no reason given");
  reason = g_strndup ((const gchar *) value + 4, length - 4);
  if (!g_utf8_validate (reason, -1, NULL)) {
    g_free (reason);
    return g_strdup ("no reason given");
  }
  return reason;
}

static void
keep_challenge (Check * check)
{
  memcpy (check->challenge_buf, check->response_buf,
      sizeof (check->challenge_buf));
  check->challenge = check->response;
  check->challenge.buffer = check->challenge_buf;
}

static void
make_allocate (Check * check, gboolean with_challenge)
{
  GstIceServerUri *server = check->target->server;

  check->request_length = stun_usage_turn_create (&check->agent,
      &check->request, check->request_buf, sizeof (check->request_buf),
      with_challenge ? &check->challenge : NULL,
      STUN_USAGE_TURN_REQUEST_PORT_NORMAL, -1, -1,
      (guint8 *) server->username, strlen (server->username),
      (guint8 *) server->password, strlen (server->password),
      STUN_USAGE_TURN_COMPATIBILITY_RFC5766);
}

static GInetSocketAddress *
inet_address (struct sockaddr_storage *addr, socklen_t length)
{
  GSocketAddress *address = g_socket_address_new_from_native (addr, length);

  if (address && !G_IS_INET_SOCKET_ADDRESS (address))
    g_clear_object (&address);
  return (GInetSocketAddress *) address;
}

/* The Allocate succeeded: what it gave, then free the relay again. */
static GstIceTurnCheckResult *
allocated (Check * check)
{
  GstIceServerUri *server = check->target->server;
  GstIceTurnCheckResult *result = new_result (GST_ICE_TURN_CHECK_OK, NULL);
  struct sockaddr_storage relayed, mapped;
  socklen_t relayed_length = sizeof (relayed);
  socklen_t mapped_length = sizeof (mapped);
  uint32_t bandwidth, lifetime;
  StunUsageTurnReturn ret;
  gint64 until;

  ret = stun_usage_turn_process (&check->response, &relayed, &relayed_length,
      &mapped, &mapped_length, NULL, NULL, &bandwidth, &lifetime,
      STUN_USAGE_TURN_COMPATIBILITY_RFC5766);
  if (ret == STUN_USAGE_TURN_RETURN_RELAY_SUCCESS ||
      ret == STUN_USAGE_TURN_RETURN_MAPPED_SUCCESS)
    result->relayed = inet_address (&relayed, relayed_length);
  if (ret == STUN_USAGE_TURN_RETURN_MAPPED_SUCCESS)
    result->mapped = inet_address (&mapped, mapped_length);

  /* best effort, and quick: a relay not freed expires by itself */
  check->request_length = stun_usage_turn_create_refresh (&check->agent,
      &check->request, check->request_buf, sizeof (check->request_buf),
      &check->challenge, 0, (guint8 *) server->username,
      strlen (server->username), (guint8 *) server->password,
      strlen (server->password), STUN_USAGE_TURN_COMPATIBILITY_RFC5766);
  until = MIN (check->deadline, g_get_monotonic_time () + RELEASE_TIMEOUT_US);
  if (check->request_length > 0 && transact (check, until, NULL) != 1)
    GST_DEBUG ("TURN server '%s' did not confirm the release of the check's "
        "relay", check->target->display);
  return result;
}

static GstIceTurnCheckResult *
refused (Check * check, gint code)
{
  gchar *reason = reason_phrase (&check->response);
  GstIceTurnCheckResult *result;

  if (code == STUN_ERROR_UNAUTHORIZED) {
    result = new_result (GST_ICE_TURN_CHECK_REFUSED, "TURN server '%s' "
        "refused the credentials (401 %s): %s", check->target->display,
        reason, check->target->derived ? "check that turn-auth-secret is "
        "the server's static-auth-secret and that this host's clock is "
        "right" : "check the user name and password in turn-servers");
  } else {
    result = new_result (GST_ICE_TURN_CHECK_FAILED, "TURN server '%s' "
        "refused the Allocate (%d %s)", check->target->display, code, reason);
  }
  result->error_code = code;
  g_free (reason);
  return result;
}

/* The challenge, the Allocate with credentials (again after a stale
 * nonce), and what came of it. */
static GstIceTurnCheckResult *
allocate (Check * check)
{
  GError *err = NULL;
  gint answered, code, attempt;

  make_allocate (check, FALSE);
  for (attempt = 0; attempt < 3; attempt++) {
    if (check->request_length == 0)
      return new_result (GST_ICE_TURN_CHECK_FAILED, "could not write an "
          "Allocate for TURN server '%s' (user name or realm too long?)",
          check->target->display);
    answered = transact (check, check->deadline, &err);
    if (answered < 0)
      return io_failure (check, err);
    if (answered == 0)
      return io_failure (check, g_error_new_literal (G_IO_ERROR,
              G_IO_ERROR_TIMED_OUT, "timed out"));

    code = error_code (&check->response);
    if (code == 0)
      return allocated (check);
    /* the first 401 is the challenge; a 438 brings a new nonce */
    if ((code == STUN_ERROR_UNAUTHORIZED && attempt == 0) ||
        code == STUN_ERROR_STALE_NONCE) {
      keep_challenge (check);
      make_allocate (check, TRUE);
      continue;
    }
    return refused (check, code);
  }
  return refused (check, code);
}

/**
 * gst_ice_turn_check_run:
 * @target: the server, with the credentials to try
 * @tls: (nullable): for a `turns://` server: the TLS client context
 * @timeout_ms: how long the whole check may take
 * @cancellable: (nullable): stops the check early
 *
 * Blocks until the server answered, @timeout_ms passed or @cancellable
 * was cancelled.
 *
 * Returns: (transfer full): what came of it
 */
GstIceTurnCheckResult *
gst_ice_turn_check_run (const GstIceTurnCheckTarget * target, SSL_CTX * tls,
    guint timeout_ms, GCancellable * cancellable)
{
  gboolean over_tls = target->server->transport == GST_ICE_SERVER_TRANSPORT_TLS;
  GstIceTurnCheckResult *result;
  gchar *reason = NULL;
  GError *err = NULL;
  Check *check;

  g_return_val_if_fail (target != NULL && target->server != NULL, NULL);
  g_return_val_if_fail (target->server->username != NULL &&
      target->server->password != NULL, NULL);
  ensure_debug_category ();

  /* never TURN in clear to a TLS port */
  g_return_val_if_fail (!over_tls || tls != NULL, NULL);

  check = g_new0 (Check, 1);
  check->target = target;
  check->tls = tls;
  check->cancellable = cancellable;
  check->start = g_get_monotonic_time ();
  check->deadline = check->start + timeout_ms * G_TIME_SPAN_MILLISECOND;
  stun_agent_init (&check->agent, STUN_ALL_KNOWN_ATTRIBUTES,
      STUN_COMPATIBILITY_RFC5389, STUN_AGENT_USAGE_LONG_TERM_CREDENTIALS);

  if (!resolve (check, &err) || !open_socket (check, &err))
    result = io_failure (check, err);
  else if (over_tls && !handshake (check, &reason, &err))
    result = reason ? tls_failure (check, reason) : io_failure (check, err);
  else
    result = allocate (check);

  GST_INFO ("TURN server '%s': %s", target->display, result->message ?
      result->message : "allocated a relay");
  if (check->ssl)
    SSL_free (check->ssl);
  g_clear_object (&check->socket);
  g_list_free_full (check->addresses, g_object_unref);
  /* the agent keeps the long-term key of each request it sent */
  OPENSSL_cleanse (check, sizeof (*check));
  g_free (check);
  return result;
}

void
gst_ice_turn_check_result_free (GstIceTurnCheckResult * result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_clear_object (&result->relayed);
  g_clear_object (&result->mapped);
  g_free (result);
}

void
gst_ice_turn_check_target_free (GstIceTurnCheckTarget * target)
{
  if (target == NULL)
    return;
  gst_ice_server_uri_free (target->server);
  g_free (target->display);
  g_clear_object (&target->address);
  g_free (target);
}

/* --- one thread per server ------------------------------------------------ */

struct _GstIceTurnChecks
{
  GMutex lock;
  gboolean stopped;             /* under the lock */
  GCancellable *cancellable;
  GPtrArray *targets;           /* GstIceTurnCheckTarget, owned */
  GPtrArray *threads;
  SSL_CTX *tls;
  GMainContext *context;
  GstIceTurnCheckFunc func;
  gpointer user_data;
};

typedef struct
{
  GstIceTurnChecks *checks;
  guint index;
  GstIceTurnCheckResult *result;
} Job;

static void
checks_clear (GstIceTurnChecks * checks)
{
  g_mutex_clear (&checks->lock);
  g_object_unref (checks->cancellable);
  g_ptr_array_unref (checks->targets);
  g_ptr_array_unref (checks->threads);
  if (checks->tls)
    SSL_CTX_free (checks->tls);
  g_main_context_unref (checks->context);
}

static void
checks_unref (GstIceTurnChecks * checks)
{
  g_atomic_rc_box_release_full (checks, (GDestroyNotify) checks_clear);
}

static void
job_free (Job * job)
{
  GstIceTurnCheckResult *result;

  /* the check thread wrote it under the lock (check_thread) */
  g_mutex_lock (&job->checks->lock);
  result = job->result;
  g_mutex_unlock (&job->checks->lock);
  gst_ice_turn_check_result_free (result);
  checks_unref (job->checks);
  g_free (job);
}

static gboolean
deliver (gpointer user_data)
{
  Job *job = user_data;
  GstIceTurnChecks *checks = job->checks;
  GstIceTurnCheckResult *result;
  gboolean stopped;

  g_mutex_lock (&checks->lock);
  stopped = checks->stopped;
  result = job->result;
  g_mutex_unlock (&checks->lock);
  if (!stopped && result->status != GST_ICE_TURN_CHECK_CANCELLED)
    checks->func (g_ptr_array_index (checks->targets, job->index),
        result, checks->user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
check_thread (gpointer user_data)
{
  Job *job = user_data;
  GstIceTurnChecks *checks = job->checks;
  GstIceTurnCheckResult *result;
  GSource *source;

  result = gst_ice_turn_check_run (g_ptr_array_index (checks->targets,
          job->index), checks->tls, GST_ICE_TURN_CHECK_TIMEOUT_MS,
      checks->cancellable);
  /* under the lock deliver() takes: the idle source alone orders the
   * result for the context's thread, but through GLib's internal locks,
   * which ThreadSanitizer cannot see (tests/sanitizers/tsan-glib.c) */
  g_mutex_lock (&checks->lock);
  job->result = result;
  g_mutex_unlock (&checks->lock);

  source = g_idle_source_new ();
  g_source_set_callback (source, deliver, job, (GDestroyNotify) job_free);
  g_source_attach (source, checks->context);
  g_source_unref (source);
  return NULL;
}

/**
 * gst_ice_turn_checks_start:
 * @targets: (transfer full) (element-type GstIceTurnCheckTarget): the
 *   servers
 * @tls: (nullable): the TLS client context for `turns://` servers
 * @context: where @func is called
 * @func: called with each result
 *
 * Checks each server in a thread of its own.
 *
 * Returns: (transfer full): the running checks; stop them with
 *   gst_ice_turn_checks_stop() from @context's thread
 */
GstIceTurnChecks *
gst_ice_turn_checks_start (GPtrArray * targets, SSL_CTX * tls,
    GMainContext * context, GstIceTurnCheckFunc func, gpointer user_data)
{
  GstIceTurnChecks *checks = g_atomic_rc_box_new0 (GstIceTurnChecks);
  guint i;

  ensure_debug_category ();
  g_mutex_init (&checks->lock);
  checks->cancellable = g_cancellable_new ();
  checks->targets = targets;
  checks->threads = g_ptr_array_new ();
  if (tls && SSL_CTX_up_ref (tls))
    checks->tls = tls;
  checks->context = g_main_context_ref (context);
  checks->func = func;
  checks->user_data = user_data;

  for (i = 0; i < targets->len; i++) {
    Job *job = g_new0 (Job, 1);

    job->checks = g_atomic_rc_box_acquire (checks);
    job->index = i;
    g_ptr_array_add (checks->threads, g_thread_new ("iceturncheck",
            check_thread, job));
  }
  return checks;
}

/**
 * gst_ice_turn_checks_stop:
 * @checks: (transfer full) (nullable): what gst_ice_turn_checks_start()
 *   gave
 *
 * Cancels the checks not done yet and waits for their threads; no result
 * is handed on after this.  Call it from the thread of the context that
 * was given to gst_ice_turn_checks_start().
 */
void
gst_ice_turn_checks_stop (GstIceTurnChecks * checks)
{
  guint i;

  if (checks == NULL)
    return;
  g_mutex_lock (&checks->lock);
  checks->stopped = TRUE;
  g_mutex_unlock (&checks->lock);
  g_cancellable_cancel (checks->cancellable);
  for (i = 0; i < checks->threads->len; i++)
    g_thread_join (g_ptr_array_index (checks->threads, i));
  g_ptr_array_set_size (checks->threads, 0);
  checks_unref (checks);
}
