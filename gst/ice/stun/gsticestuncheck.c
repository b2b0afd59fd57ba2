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
 * SECTION:gsticestuncheck
 * @title: STUN server check
 * @short_description: one Binding request to the STUN server, and what
 *   its answer says about the server
 *
 * libnice says nothing about its STUN server: one that does not answer,
 * or answers in the form RFC 5389 replaced, just gives no server-reflexive
 * candidate or an unprotected one.  So when an element starts, the STUN
 * server is asked once, as the TURN servers are (gsticeturncheck.c); a
 * server that answers in the RFC 3489 form is named in a warning, and a
 * session that fails later names it again.  gst-ice-probe starts with the
 * same check.
 *
 * gst_ice_stun_transact() is one Binding transaction over UDP with RFC
 * 5389's retransmissions; gst_ice_stun_check_run() the check, blocking;
 * gst_ice_stun_check_start() runs it in a thread of its own and hands the
 * result to a main context.
 *
 * Threads: a check owns its socket; it shares the server URI (copied) and
 * the cancellable with its caller.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include <gst/ice/stun/gsticestuncheck.h>
#include <gst/ice/turn/gsticeturntls.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_stun_check_debug);
#define GST_CAT_DEFAULT gst_ice_stun_check_debug

/* RFC 5389 7.2.1: the first retransmission after 500 ms, then doubling */
#define INITIAL_RTO_US (500 * G_TIME_SPAN_MILLISECOND)
#define MAX_DATAGRAM 1500

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_stun_check_debug, "icestuncheck", 0,
        "STUN Binding requests: the STUN server check, gst-ice-probe");
    g_once_init_leave (&initialized, 1);
  }
}

/**
 * gst_ice_stun_receive:
 * @socket: a non-blocking UDP socket
 * @until: monotonic time (µs) to wait until
 * @from: (out) (optional) (nullable): where the datagram came from
 *
 * Waits for one datagram.
 *
 * Returns: its length, 0 when @until passed first, -1 with @error set
 */
gssize
gst_ice_stun_receive (GSocket * socket, guint8 * buffer, gsize size,
    gint64 until, GCancellable * cancellable, GSocketAddress ** from,
    GError ** error)
{
  GError *err = NULL;
  gssize got;

  for (;;) {
    gint64 left = until - g_get_monotonic_time ();

    if (left <= 0)
      return 0;
    if (!g_socket_condition_timed_wait (socket, G_IO_IN, left, cancellable,
            &err)) {
      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        g_clear_error (&err);
        return 0;
      }
      g_propagate_error (error, err);
      return -1;
    }
    got = g_socket_receive_from (socket, from, (gchar *) buffer, size,
        cancellable, &err);
    if (got > 0)
      return got;
    if (got < 0 && !g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_propagate_error (error, err);
      return -1;
    }
    g_clear_error (&err);
    if (from)
      g_clear_object (from);
  }
}

/**
 * gst_ice_stun_transact:
 * @socket: a UDP socket; when it is connected, only the server it is
 *   connected to can answer, and a port unreachable comes back as
 *   %G_IO_ERROR_CONNECTION_REFUSED
 * @server: where the request goes
 * @change: CHANGE-REQUEST flags (RFC 5780): the answer then comes from
 *   another address or port of the server
 * @timeout_ms: how long to wait for the answer, retransmitting after
 *   500 ms, 1 s, 2 s…
 * @from: (out) (optional) (nullable): where the answer came from
 *
 * One Binding transaction: answers from anywhere are taken when they carry
 * the request's transaction id; anything else is ignored.
 *
 * Returns: (transfer full) (nullable): the answer, or %NULL with @error
 *   set: %G_IO_ERROR_TIMED_OUT when none came in time
 */
GstIceStunMessage *
gst_ice_stun_transact (GSocket * socket, GSocketAddress * server,
    GstIceStunChange change, guint timeout_ms, GCancellable * cancellable,
    GInetSocketAddress ** from, GError ** error)
{
  guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH];
  guint8 request[GST_ICE_STUN_REQUEST_MAX_LENGTH];
  guint8 buffer[MAX_DATAGRAM];
  gint64 deadline, next_send = 0, rto = INITIAL_RTO_US;
  gboolean connected = g_socket_is_connected (socket);
  gsize length;

  ensure_debug_category ();
  gst_ice_stun_new_transaction (transaction);
  length = gst_ice_stun_write_binding_request (request, sizeof (request),
      transaction, change);
  deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;) {
    GstIceStunMessage *message;
    GSocketAddress *source = NULL;
    GError *err = NULL;
    gint64 now = g_get_monotonic_time ();
    gssize got;

    if (now >= deadline)
      goto timed_out;
    if (now >= next_send) {
      if (g_socket_send_to (socket, connected ? NULL : server,
              (const gchar *) request, length, cancellable, error) < 0)
        return NULL;
      next_send = now + rto;
      rto *= 2;
    }
    got = gst_ice_stun_receive (socket, buffer, sizeof (buffer),
        MIN (deadline, next_send), cancellable, &source, error);
    if (got < 0)
      return NULL;
    if (got == 0)
      continue;

    message = gst_ice_stun_message_parse (buffer, got, &err);
    if (message && gst_ice_stun_message_answers (message, transaction)) {
      if (from)
        *from = G_INET_SOCKET_ADDRESS (source);
      else
        g_clear_object (&source);
      return message;
    }
    GST_LOG ("ignoring %" G_GSSIZE_FORMAT " bytes: %s", got, err ?
        err->message : "not an answer to our request");
    g_clear_error (&err);
    gst_ice_stun_message_free (message);
    g_clear_object (&source);
  }

timed_out:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
      "no answer within %u ms", timeout_ms);
  return NULL;
}

/* --- the check ------------------------------------------------------------ */

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void set_message (GstIceStunCheckResult * result,
    GstIceStunCheckStatus status, const gchar * format, ...)
    G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

static void
set_message (GstIceStunCheckResult * result, GstIceStunCheckStatus status,
    const gchar * format, ...)
{
  va_list args;

  result->status = status;
  g_free (result->message);
  va_start (args, format);
  result->message = g_strdup_vprintf (format, args);
  va_end (args);
}

/* What a failed resolve, send or receive means for the user. */
static void
io_failure (GstIceStunCheckResult * result, const gchar * display,
    guint timeout_ms, GError * err)
{
  gchar *where = gst_ice_stun_address_to_string (result->server);

  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    result->status = GST_ICE_STUN_CHECK_CANCELLED;
  else if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    set_message (result, GST_ICE_STUN_CHECK_NO_ANSWER, "stun-server '%s' "
        "(%s) did not answer a Binding request within %u ms: check its "
        "address and port, and that UDP to it is not blocked (this host "
        "then gets no server-reflexive candidate)", display, where, timeout_ms);
  else if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    set_message (result, GST_ICE_STUN_CHECK_UNREACHABLE, "stun-server '%s': "
        "nothing listens on UDP %s (the host answered port unreachable): "
        "check the port (3478 is STUN's)", display, where);
  else if (result->server == NULL)
    set_message (result, GST_ICE_STUN_CHECK_UNREACHABLE, "could not "
        "resolve stun-server host in '%s': %s", display, err->message);
  else
    set_message (result, GST_ICE_STUN_CHECK_UNREACHABLE, "could not reach "
        "stun-server '%s' (%s) over UDP: %s", display, where, err->message);
  g_free (where);
  g_error_free (err);
}

/* The answer, in words when it is not a plain RFC 5389 one. */
static void
read_answer (GstIceStunCheckResult * result, const gchar * display,
    GstIceStunMessage * answer)
{
  gchar *where = gst_ice_stun_address_to_string (result->server);
  GInetSocketAddress *mapped = gst_ice_stun_message_get_mapped (answer);
  GInetSocketAddress *other = answer->other ? answer->other : answer->changed;

  result->mapped = mapped ? g_object_ref (mapped) : NULL;
  result->other = other ? g_object_ref (other) : NULL;
  result->software = g_strdup (answer->software);

  if (answer->klass == GST_ICE_STUN_CLASS_ERROR) {
    set_message (result, GST_ICE_STUN_CHECK_FAILED, "stun-server '%s' (%s) "
        "refused a Binding request (%u %s): it is not a STUN server this "
        "host may use", display, where, answer->error_code,
        answer->reason ? answer->reason : "no reason given");
  } else if (gst_ice_stun_message_is_pre_rfc5389 (answer)) {
    /* the answer carries our transaction id, cookie included: what is
     * missing is XOR-MAPPED-ADDRESS */
    set_message (result, GST_ICE_STUN_CHECK_PRE_RFC5389, "stun-server '%s' "
        "(%s%s%s) answers in the pre-RFC 5389 form (RFC 3489: a "
        "MAPPED-ADDRESS without XOR-MAPPED-ADDRESS): it sends this host's "
        "address in clear, which a NAT that rewrites addresses inside "
        "packets (an ALG) changes on the way, so the server-reflexive "
        "candidate may be wrong, and it cannot tell the NAT's behaviour "
        "(RFC 5780); use a STUN server that implements RFC 5389 (coturn, "
        "for one)", display, where, answer->software ? ", " : "",
        answer->software ? answer->software : "");
  } else if (mapped == NULL) {
    set_message (result, GST_ICE_STUN_CHECK_FAILED, "stun-server '%s' (%s) "
        "answered a Binding request without this host's address: it is "
        "not a working STUN server", display, where);
  } else {
    result->status = GST_ICE_STUN_CHECK_OK;
  }
  g_free (where);
}

/* A connected UDP socket towards @server, from @local when given. */
static GSocket *
open_socket (GSocketAddress * server, GInetAddress * local,
    GCancellable * cancellable, GError ** error)
{
  GSocket *socket;
  GSocketAddress *bound;
  gboolean ok = TRUE;

  socket = g_socket_new (g_socket_address_get_family (server),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  if (local) {
    bound = g_inet_socket_address_new (local, 0);
    ok = g_socket_bind (socket, bound, FALSE, error);
    g_object_unref (bound);
  }
  if (!ok || !g_socket_connect (socket, server, cancellable, error))
    g_clear_object (&socket);
  return socket;
}

/**
 * gst_ice_stun_check_run:
 * @server: a `stun://` server (the host may be a name)
 * @local: (nullable): the address to send from; %NULL: the system's choice
 * @timeout_ms: how long the server may take to answer
 * @cancellable: (nullable): stops the check early
 *
 * One Binding request (RFC 5389 form) from a socket of its own, blocking
 * until the server answered, @timeout_ms passed or @cancellable was
 * cancelled.
 *
 * Returns: (transfer full): what came of it
 */
GstIceStunCheckResult *
gst_ice_stun_check_run (const GstIceServerUri * server, GInetAddress * local,
    guint timeout_ms, GCancellable * cancellable)
{
  GstIceStunCheckResult *result = g_new0 (GstIceStunCheckResult, 1);
  gchar *display = gst_ice_server_uri_to_string (server, TRUE);
  GstIceStunMessage *answer = NULL;
  GSocket *socket = NULL;
  GList *addresses;
  GError *err = NULL;

  ensure_debug_category ();
  addresses = gst_ice_turn_tls_resolve (server->host, server->port,
      cancellable, &err);
  if (addresses == NULL)
    goto failed;
  /* libnice takes the first address too (gsticetransportsettings.c) */
  result->server = g_object_ref (addresses->data);
  g_list_free_full (addresses, g_object_unref);

  socket = open_socket (G_SOCKET_ADDRESS (result->server), local,
      cancellable, &err);
  if (socket == NULL)
    goto failed;
  result->local = G_INET_SOCKET_ADDRESS (g_socket_get_local_address (socket,
          NULL));
  answer = gst_ice_stun_transact (socket, G_SOCKET_ADDRESS (result->server),
      GST_ICE_STUN_CHANGE_NONE, timeout_ms, cancellable, NULL, &err);
  if (answer == NULL)
    goto failed;
  read_answer (result, display, answer);
  gst_ice_stun_message_free (answer);
  goto done;

failed:
  io_failure (result, display, timeout_ms, err);
done:
  GST_INFO ("stun-server '%s': %s", display, result->message ?
      result->message : "answers in the RFC 5389 form");
  g_clear_object (&socket);
  g_free (display);
  return result;
}

void
gst_ice_stun_check_result_free (GstIceStunCheckResult * result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_clear_object (&result->server);
  g_clear_object (&result->local);
  g_clear_object (&result->mapped);
  g_clear_object (&result->other);
  g_free (result->software);
  g_free (result);
}

/* --- in a thread of its own ----------------------------------------------- */

struct _GstIceStunCheck
{
  GMutex lock;
  gboolean stopped;             /* under the lock */
  GCancellable *cancellable;
  GstIceServerUri *server;
  GThread *thread;
  GMainContext *context;
  GstIceStunCheckFunc func;
  gpointer user_data;
  /* under the lock: set by the thread once the check is done, read by
   * the context (the lock orders the two for ThreadSanitizer too) */
  GstIceStunCheckResult *result;
};

static void
check_clear (GstIceStunCheck * check)
{
  g_mutex_clear (&check->lock);
  g_object_unref (check->cancellable);
  gst_ice_server_uri_free (check->server);
  g_main_context_unref (check->context);
  gst_ice_stun_check_result_free (check->result);
}

static void
check_unref (gpointer check)
{
  g_atomic_rc_box_release_full (check, (GDestroyNotify) check_clear);
}

static gboolean
deliver (gpointer user_data)
{
  GstIceStunCheck *check = user_data;
  GstIceStunCheckResult *result;
  gboolean stopped;

  g_mutex_lock (&check->lock);
  stopped = check->stopped;
  result = check->result;
  g_mutex_unlock (&check->lock);
  if (!stopped && result->status != GST_ICE_STUN_CHECK_CANCELLED)
    check->func (result, check->user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
check_thread (gpointer user_data)
{
  GstIceStunCheck *check = user_data;
  GstIceStunCheckResult *result;
  GSource *source;

  result = gst_ice_stun_check_run (check->server, NULL,
      GST_ICE_STUN_CHECK_TIMEOUT_MS, check->cancellable);
  /* the context may only see it through the lock: GLib's own, in
   * g_source_attach(), is invisible to ThreadSanitizer */
  g_mutex_lock (&check->lock);
  check->result = result;
  g_mutex_unlock (&check->lock);

  source = g_idle_source_new ();
  g_source_set_callback (source, deliver, g_atomic_rc_box_acquire (check),
      check_unref);
  g_source_attach (source, check->context);
  g_source_unref (source);
  return NULL;
}

/**
 * gst_ice_stun_check_start:
 * @server: the STUN server (copied)
 * @context: where @func is called
 * @func: called with the result
 *
 * Checks @server in a thread of its own.
 *
 * Returns: (transfer full): the running check; stop it with
 *   gst_ice_stun_check_stop() from @context's thread
 */
GstIceStunCheck *
gst_ice_stun_check_start (const GstIceServerUri * server,
    GMainContext * context, GstIceStunCheckFunc func, gpointer user_data)
{
  GstIceStunCheck *check = g_atomic_rc_box_new0 (GstIceStunCheck);

  ensure_debug_category ();
  g_mutex_init (&check->lock);
  check->cancellable = g_cancellable_new ();
  check->server = gst_ice_server_uri_copy (server);
  check->context = g_main_context_ref (context);
  check->func = func;
  check->user_data = user_data;
  check->thread = g_thread_new ("icestuncheck", check_thread, check);
  return check;
}

/**
 * gst_ice_stun_check_stop:
 * @check: (transfer full) (nullable): what gst_ice_stun_check_start() gave
 *
 * Cancels the check if it is not done yet and waits for its thread; no
 * result is handed on after this.  Call it from the thread of the context
 * that was given to gst_ice_stun_check_start().
 */
void
gst_ice_stun_check_stop (GstIceStunCheck * check)
{
  if (check == NULL)
    return;
  g_mutex_lock (&check->lock);
  check->stopped = TRUE;
  g_mutex_unlock (&check->lock);
  g_cancellable_cancel (check->cancellable);
  g_thread_join (check->thread);
  check_unref (check);
}
