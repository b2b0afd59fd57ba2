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
 * SECTION:gsticenatbehaviour
 * @title: NAT behaviour discovery
 * @short_description: the tests of RFC 5780 against one STUN server,
 *   for gst-ice-probe
 *
 * What the NAT in front of this host does, found with Binding requests
 * to a server that supports RFC 5780 (it gives an OTHER-ADDRESS: coturn
 * does when it listens on two addresses):
 *
 * - filtering (RFC 5780 4.4), from a socket that has sent to the
 *   server's primary address only: whether an answer sent from the other
 *   address and port (CHANGE-REQUEST "change IP and port") comes through,
 *   and one sent from the other port only; first, before anything from
 *   this host has gone to the other address (NATs that filter by what
 *   any mapping sent would let it through);
 * - mapping (4.3), from a second socket: its public address towards the
 *   server's primary address, towards its other address and primary
 *   port, and towards its other address and port;
 * - port preservation: whether the public port of the first socket is its
 *   local one;
 * - hairpinning (4.5): whether a request from a third socket to the
 *   first one's public address reaches it.
 *
 * A test that needs no answer to conclude waits the whole timeout, so a
 * NAT with filtering takes a few timeouts to probe; lost datagrams make
 * filtering look stricter than it is, never laxer.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include <gst/ice/stun/gsticenatbehaviour.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_nat_behaviour_debug);
#define GST_CAT_DEFAULT gst_ice_nat_behaviour_debug

#define MAX_DATAGRAM 1500

/* Everything one discovery uses. */
typedef struct
{
  GstIceNatBehaviour *behaviour;
  GInetSocketAddress *server;
  GInetSocketAddress *other;
  GInetAddress *source;         /* the local address every socket binds */
  guint timeout_ms;
  GCancellable *cancellable;
} Discovery;

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_nat_behaviour_debug, "icenatbehaviour",
        0, "RFC 5780 NAT behaviour discovery");
    g_once_init_leave (&initialized, 1);
  }
}

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void add_note (Discovery * d, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

static void
add_note (Discovery * d, const gchar * format, ...)
{
  va_list args;
  gchar *note;

  va_start (args, format);
  note = g_strdup_vprintf (format, args);
  va_end (args);
  GST_INFO ("%s", note);
  g_ptr_array_add (d->behaviour->notes, note);
}

static GInetSocketAddress *
socket_address (GInetAddress * address, guint16 port)
{
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

/* A UDP socket on d->source:@port; GLib's @error names the address. */
static GSocket *
bind_socket (Discovery * d, guint16 port, GError ** error)
{
  GInetSocketAddress *address = socket_address (d->source, port);
  GSocket *socket;

  socket = g_socket_new (g_inet_address_get_family (d->source),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket != NULL) {
    g_socket_set_blocking (socket, FALSE);
    if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), FALSE, error))
      g_clear_object (&socket);
  }
  g_object_unref (address);
  return socket;
}

static GInetSocketAddress *
local_address (GSocket * socket)
{
  return G_INET_SOCKET_ADDRESS (g_socket_get_local_address (socket, NULL));
}

/* One Binding transaction; FALSE with @error set when it failed other
 * than by getting no answer, which gives TRUE and no @answer. */
static gboolean
ask (Discovery * d, GSocket * socket, GInetSocketAddress * to,
    GstIceStunChange change, GstIceStunMessage ** answer,
    GInetSocketAddress ** from, GError ** error)
{
  GError *err = NULL;

  *answer = gst_ice_stun_transact (socket, G_SOCKET_ADDRESS (to), change,
      d->timeout_ms, d->cancellable, from, &err);
  if (*answer)
    return TRUE;
  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
    g_error_free (err);
    return TRUE;
  }
  g_propagate_error (error, err);
  return FALSE;
}

/* This host's public address as seen at @to in @mapped, or NULL and a
 * note when no answer came; FALSE with @error set when asking failed. */
static gboolean
mapped_at (Discovery * d, GSocket * socket, GInetSocketAddress * to,
    GInetSocketAddress ** mapped, GError ** error)
{
  GstIceStunMessage *answer;
  gchar *where;

  *mapped = NULL;
  if (!ask (d, socket, to, GST_ICE_STUN_CHANGE_NONE, &answer, NULL, error))
    return FALSE;
  if (answer && gst_ice_stun_message_get_mapped (answer))
    *mapped = g_object_ref (gst_ice_stun_message_get_mapped (answer));
  gst_ice_stun_message_free (answer);
  if (*mapped == NULL) {
    where = gst_ice_stun_address_to_string (to);
    add_note (d, "the server did not answer at %s within %u ms", where,
        d->timeout_ms);
    g_free (where);
  }
  return TRUE;
}

/* RFC 5780 4.3: mapping, from @socket (which has not sent yet) */
static gboolean
discover_mapping (Discovery * d, GSocket * socket, GError ** error)
{
  GstIceNatBehaviour *b = d->behaviour;
  GInetSocketAddress *alternate, *mapped2 = NULL, *mapped3 = NULL;
  gboolean ok;

  b->local = local_address (socket);
  if (!mapped_at (d, socket, d->server, &b->mapped, error))
    return FALSE;
  if (b->mapped == NULL)
    return TRUE;

  if (gst_ice_stun_address_equal (b->local, b->mapped)) {
    b->mapping = GST_ICE_NAT_MAPPING_NONE;
    return TRUE;
  }
  b->port_preserved = g_inet_socket_address_get_port (b->local) ==
      g_inet_socket_address_get_port (b->mapped) ?
      GST_ICE_NAT_ANSWER_YES : GST_ICE_NAT_ANSWER_NO;
  if (!b->rfc5780)
    return TRUE;

  /* the other address, the primary port */
  alternate = socket_address (g_inet_socket_address_get_address (d->other),
      g_inet_socket_address_get_port (d->server));
  ok = mapped_at (d, socket, alternate, &mapped2, error);
  g_object_unref (alternate);
  if (!ok || mapped2 == NULL)
    return ok;

  if (gst_ice_stun_address_equal (mapped2, b->mapped)) {
    b->mapping = GST_ICE_NAT_MAPPING_ENDPOINT_INDEPENDENT;
  } else {
    /* the other address and port */
    ok = mapped_at (d, socket, d->other, &mapped3, error);
    if (mapped3)
      b->mapping = gst_ice_stun_address_equal (mapped3, mapped2) ?
          GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT :
          GST_ICE_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT;
  }
  g_clear_object (&mapped2);
  g_clear_object (&mapped3);
  return ok;
}

/* Whether a CHANGE-REQUEST with @change is answered through the filter,
 * from @expected; UNKNOWN (with a note) when it came from elsewhere. */
static gboolean
answered_through (Discovery * d, GSocket * socket, GstIceStunChange change,
    GInetSocketAddress * expected, GstIceNatAnswer * through, GError ** error)
{
  GstIceStunMessage *answer;
  GInetSocketAddress *from = NULL;
  gchar *got, *want;

  if (!ask (d, socket, d->server, change, &answer, &from, error))
    return FALSE;
  if (answer == NULL) {
    *through = GST_ICE_NAT_ANSWER_NO;
  } else if (gst_ice_stun_address_equal (from, expected)) {
    *through = GST_ICE_NAT_ANSWER_YES;
  } else {
    got = gst_ice_stun_address_to_string (from);
    want = gst_ice_stun_address_to_string (expected);
    add_note (d, "the server answered a CHANGE-REQUEST from %s instead of "
        "%s: it does not do behaviour discovery right", got, want);
    g_free (got);
    g_free (want);
    *through = GST_ICE_NAT_ANSWER_UNKNOWN;
  }
  gst_ice_stun_message_free (answer);
  g_clear_object (&from);
  return TRUE;
}

/* RFC 5780 4.4: filtering, from @socket (which has not sent yet) */
static gboolean
discover_filtering (Discovery * d, GSocket * socket, GError ** error)
{
  GstIceNatBehaviour *b = d->behaviour;
  GInetSocketAddress *mapped, *other_port;
  GstIceNatAnswer through;
  gboolean ok;

  /* a mapping towards the primary address and port only */
  if (!mapped_at (d, socket, d->server, &mapped, error))
    return FALSE;
  if (mapped == NULL)
    return TRUE;
  g_object_unref (mapped);

  if (!answered_through (d, socket, GST_ICE_STUN_CHANGE_IP |
          GST_ICE_STUN_CHANGE_PORT, d->other, &through, error))
    return FALSE;
  if (through == GST_ICE_NAT_ANSWER_YES) {
    b->filtering = GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT;
    return TRUE;
  }
  if (through == GST_ICE_NAT_ANSWER_UNKNOWN)
    return TRUE;

  other_port = socket_address (g_inet_socket_address_get_address (d->server),
      g_inet_socket_address_get_port (d->other));
  ok = answered_through (d, socket, GST_ICE_STUN_CHANGE_PORT, other_port,
      &through, error);
  g_object_unref (other_port);
  if (!ok)
    return FALSE;
  if (through == GST_ICE_NAT_ANSWER_YES)
    b->filtering = GST_ICE_NAT_FILTERING_ADDRESS_DEPENDENT;
  else if (through == GST_ICE_NAT_ANSWER_NO)
    b->filtering = GST_ICE_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT;
  return TRUE;
}

/* RFC 5780 4.5: a request from a new socket to @target's public address
 * (d->behaviour->mapped) comes back in through the NAT, or does not. */
static gboolean
discover_hairpin (Discovery * d, GSocket * target, GError ** error)
{
  guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH];
  guint8 request[GST_ICE_STUN_REQUEST_MAX_LENGTH];
  guint8 buffer[MAX_DATAGRAM];
  gint64 deadline, next_send = 0, rto = 500 * G_TIME_SPAN_MILLISECOND;
  GSocket *socket;
  gsize length;
  gboolean ok = FALSE;

  socket = bind_socket (d, 0, error);
  if (socket == NULL)
    return FALSE;
  gst_ice_stun_new_transaction (transaction);
  length = gst_ice_stun_write_binding_request (request, sizeof (request),
      transaction, GST_ICE_STUN_CHANGE_NONE);
  deadline = g_get_monotonic_time () + d->timeout_ms * G_TIME_SPAN_MILLISECOND;

  d->behaviour->hairpin = GST_ICE_NAT_ANSWER_NO;
  for (;;) {
    GstIceStunMessage *message;
    gint64 now = g_get_monotonic_time ();
    gssize got;

    if (now >= deadline) {
      ok = TRUE;
      break;
    }
    if (now >= next_send) {
      if (g_socket_send_to (socket, G_SOCKET_ADDRESS (d->behaviour->mapped),
              (const gchar *) request, length, d->cancellable, error) < 0)
        break;
      next_send = now + rto;
      rto *= 2;
    }
    got = gst_ice_stun_receive (target, buffer, sizeof (buffer),
        MIN (deadline, next_send), d->cancellable, NULL, error);
    if (got < 0)
      break;
    message = got > 0 ? gst_ice_stun_message_parse (buffer, got, NULL) : NULL;
    if (message && message->klass == GST_ICE_STUN_CLASS_REQUEST &&
        memcmp (message->transaction, transaction, sizeof (transaction)) == 0)
      d->behaviour->hairpin = GST_ICE_NAT_ANSWER_YES;
    gst_ice_stun_message_free (message);
    if (d->behaviour->hairpin == GST_ICE_NAT_ANSWER_YES) {
      ok = TRUE;
      break;
    }
  }
  g_object_unref (socket);
  return ok;
}

/* RFC 5780 needs a second address and port to answer from. */
static void
check_rfc5780 (Discovery * d)
{
  GstIceStunCheckResult *check = d->behaviour->check;

  if (check->status != GST_ICE_STUN_CHECK_OK) {
    add_note (d, "the server predates RFC 5389, so it does not do RFC 5780 "
        "behaviour discovery either");
  } else if (check->other == NULL) {
    add_note (d, "the server gave no OTHER-ADDRESS: it does not do RFC 5780 "
        "behaviour discovery (coturn does when it listens on two "
        "addresses)");
  } else if (g_inet_address_equal (g_inet_socket_address_get_address
          (check->other), g_inet_socket_address_get_address (check->server))
      || g_inet_socket_address_get_port (check->other) ==
      g_inet_socket_address_get_port (check->server)) {
    add_note (d, "the server's OTHER-ADDRESS does not differ from its own "
        "address in both address and port: it cannot do RFC 5780 behaviour "
        "discovery");
  } else {
    d->behaviour->rfc5780 = TRUE;
    d->other = g_object_ref (check->other);
  }
}

/**
 * gst_ice_nat_behaviour_discover:
 * @server: a `stun://` server; RFC 5780 tests only when it supports them
 * @local: (nullable): the local address to probe from; %NULL: the one the
 *   system routes to the server from
 * @local_port: the local port of the mapping tests; 0 for any
 * @timeout_ms: how long each request waits for its answer
 * @cancellable: (nullable): stops the discovery early
 * @error: set when a socket could not be opened (@local_port in use, say)
 *   or sending failed
 *
 * Blocks for a few times @timeout_ms: each filtering test that gets no
 * answer, and the hairpinning test when the NAT does not hairpin, wait
 * the whole of it.
 *
 * Returns: (transfer full) (nullable): what was found, with notes on what
 *   could not be; when the server did not answer, only its check
 */
GstIceNatBehaviour *
gst_ice_nat_behaviour_discover (const GstIceServerUri * server,
    GInetAddress * local, guint16 local_port, guint timeout_ms,
    GCancellable * cancellable, GError ** error)
{
  Discovery d = { 0, };
  GstIceNatBehaviour *b;
  GSocket *mapping = NULL, *filtering = NULL;
  gboolean ok = FALSE;

  ensure_debug_category ();
  b = d.behaviour = g_new0 (GstIceNatBehaviour, 1);
  b->notes = g_ptr_array_new_with_free_func (g_free);
  d.timeout_ms = timeout_ms;
  d.cancellable = cancellable;

  b->check = gst_ice_stun_check_run (server, local, timeout_ms, cancellable);
  if (b->check->status != GST_ICE_STUN_CHECK_OK &&
      b->check->status != GST_ICE_STUN_CHECK_PRE_RFC5389)
    return b;
  d.server = b->check->server;
  d.source = g_object_ref (local ? local :
      g_inet_socket_address_get_address (b->check->local));
  check_rfc5780 (&d);

  /* filtering first: a NAT may filter by what any of its mappings sent,
   * and the mapping tests send to the server's other address */
  mapping = bind_socket (&d, local_port, error);
  if (mapping == NULL)
    goto done;
  if (b->rfc5780) {
    filtering = bind_socket (&d, 0, error);
    if (filtering == NULL || !discover_filtering (&d, filtering, error))
      goto done;
  }
  if (!discover_mapping (&d, mapping, error))
    goto done;
  if (b->mapped && b->mapping != GST_ICE_NAT_MAPPING_NONE &&
      !discover_hairpin (&d, mapping, error))
    goto done;
  ok = TRUE;

done:
  g_clear_object (&mapping);
  g_clear_object (&filtering);
  g_clear_object (&d.other);
  g_clear_object (&d.source);
  if (!ok)
    g_clear_pointer (&b, gst_ice_nat_behaviour_free);
  return b;
}

void
gst_ice_nat_behaviour_free (GstIceNatBehaviour * behaviour)
{
  if (behaviour == NULL)
    return;
  gst_ice_stun_check_result_free (behaviour->check);
  g_clear_object (&behaviour->local);
  g_clear_object (&behaviour->mapped);
  g_ptr_array_unref (behaviour->notes);
  g_free (behaviour);
}
