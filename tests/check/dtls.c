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


/* GstIceDtlsConnection: two connections in one process wired into each
 * other through their transmit functions (idle sources on one main
 * context, never recursion), a lossy wire, each cipher, wrong
 * fingerprints, threads, and the openssl command-line tool as a foreign
 * peer over UDP on 127.0.0.1. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <gst/check/gstcheck.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/dtls/gsticedtlsconnection.h>

#include "dtlstestutil.h"
#include "testdir.h"

#define N_BUFFERS 100
#define MAX_TEST_SIZE 1400
#define DEADLINE_S 60

typedef struct _Wire Wire;
typedef struct _Peer Peer;

struct _Peer
{
  Wire *wire;
  Peer *other;
  const gchar *name;
  GstIceCertificate *certificate;
  /* "sha-256 " and the certificate's fingerprint, as signalled */
  gchar *signalled;
  GstIceDtlsContext *context;
  GstIceDtlsConnection *connection;

  /* under wire->lock */
  GQueue inbox;
  guint transmitted;
  gsize last_size;

  /* main context only */
  GPtrArray *received;
  GArray *states;
  gchar *message;
};

struct _Wire
{
  GMainContext *context;
  Peer client;
  Peer server;

  GMutex lock;
  guint datagrams;
  guint dropped;
  /* one in drop_every datagrams of each end is lost until both are
   * connected; 0: none */
  guint drop_every;
  gboolean handshake_over;
  guint handshake_datagrams;
};

/* ---- the wire -------------------------------------------------------- */

static gboolean
deliver_one (gpointer user_data)
{
  Peer *peer = user_data;
  GBytes *datagram;

  g_mutex_lock (&peer->wire->lock);
  datagram = g_queue_pop_head (&peer->inbox);
  g_mutex_unlock (&peer->wire->lock);

  if (datagram && peer->connection)
    gst_ice_dtls_connection_receive (peer->connection,
        g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram));
  if (datagram)
    g_bytes_unref (datagram);
  return G_SOURCE_REMOVE;
}

static void
on_transmit (const guint8 * data, gsize size, gpointer user_data)
{
  Peer *peer = user_data;
  Wire *wire = peer->wire;
  GSource *source;

  fail_unless (gst_ice_dtls_is_dtls_record (data, size));

  g_mutex_lock (&wire->lock);
  wire->datagrams++;
  peer->transmitted++;
  peer->last_size = size;
  if (!wire->handshake_over) {
    /* flights fit the link MTU */
    fail_unless (size <= GST_ICE_DTLS_LINK_MTU, "%" G_GSIZE_FORMAT, size);
    /* each end's 2nd, 5th, 8th… datagram: the first loss hits the
     * client's second flight.  Counted per direction: with one counter
     * for both, flights and retransmissions fall into a cycle of 12
     * datagrams that loses the same ones every time. */
    if (wire->drop_every && peer->transmitted % wire->drop_every == 2) {
      wire->dropped++;
      g_mutex_unlock (&wire->lock);
      return;
    }
  }
  g_queue_push_tail (&peer->other->inbox, g_bytes_new (data, size));
  g_mutex_unlock (&wire->lock);

  /* one source per datagram, each taking the oldest: order is kept */
  source = g_idle_source_new ();
  g_source_set_callback (source, deliver_one, peer->other, NULL);
  g_source_attach (source, wire->context);
  g_source_unref (source);
}

static void
on_receive (const guint8 * data, gsize size, gpointer user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->received, g_bytes_new (data, size));
}

static void
on_state (GstIceDtlsState state, const gchar * message, gpointer user_data)
{
  Peer *peer = user_data;
  Wire *wire = peer->wire;

  GST_INFO ("%s: %s%s%s", peer->name, gst_ice_dtls_state_to_string (state),
      message ? ": " : "", message ? message : "");
  g_array_append_val (peer->states, state);
  if (message) {
    g_free (peer->message);
    peer->message = g_strdup (message);
  }
  if (state == GST_ICE_DTLS_STATE_CONNECTED &&
      gst_ice_dtls_connection_get_state (peer->other->connection) ==
      GST_ICE_DTLS_STATE_CONNECTED) {
    g_mutex_lock (&wire->lock);
    wire->handshake_over = TRUE;
    wire->handshake_datagrams = wire->datagrams;
    g_mutex_unlock (&wire->lock);
  }
}

static void
peer_init (Wire * wire, Peer * peer, Peer * other, const gchar * name,
    const gchar * ciphers, GstIceCertificate * certificate)
{
  GError *error = NULL;

  peer->wire = wire;
  peer->other = other;
  peer->name = name;
  if (certificate)
    peer->certificate = gst_ice_certificate_ref (certificate);
  else
    peer->certificate = gst_ice_certificate_new_generated (&error);
  fail_unless (peer->certificate != NULL, "%s", error ? error->message : "?");
  peer->signalled = g_strconcat (GST_ICE_FINGERPRINT_HASH " ",
      gst_ice_certificate_get_fingerprint (peer->certificate), NULL);
  peer->context = gst_ice_dtls_context_new (peer->certificate, ciphers, &error);
  fail_unless (peer->context != NULL, "%s", error ? error->message : "?");
  g_queue_init (&peer->inbox);
  peer->received = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  peer->states = g_array_new (FALSE, FALSE, sizeof (GstIceDtlsState));
}

static void
peer_clear (Peer * peer)
{
  if (peer->connection)
    gst_object_unref (peer->connection);
  peer->connection = NULL;
  gst_object_unref (peer->context);
  gst_ice_certificate_unref (peer->certificate);
  g_free (peer->signalled);
  g_queue_clear_full (&peer->inbox, (GDestroyNotify) g_bytes_unref);
  g_ptr_array_unref (peer->received);
  g_array_unref (peer->states);
  g_free (peer->message);
}

static Wire *
wire_new_full (const gchar * client_ciphers, const gchar * server_ciphers,
    GstIceCertificate * client_certificate,
    GstIceCertificate * server_certificate)
{
  Wire *wire = g_new0 (Wire, 1);

  wire->context = g_main_context_new ();
  g_mutex_init (&wire->lock);
  peer_init (wire, &wire->client, &wire->server, "client", client_ciphers,
      client_certificate);
  peer_init (wire, &wire->server, &wire->client, "server", server_ciphers,
      server_certificate);
  return wire;
}

static Wire *
wire_new (void)
{
  return wire_new_full (NULL, NULL, NULL, NULL);
}

static void
peer_connect (Peer * peer, gboolean is_client, const gchar * expected)
{
  GError *error = NULL;

  peer->connection = gst_ice_dtls_connection_new (peer->context, is_client,
      expected, peer->wire->context, on_transmit, on_receive, on_state, peer,
      &error);
  fail_unless (peer->connection != NULL, "%s", error ? error->message : "?");
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (peer->connection), GST_ICE_DTLS_STATE_NEW);
}

/* makes both connections, each expecting the given fingerprint */
static void
wire_connect (Wire * wire, const gchar * client_expects,
    const gchar * server_expects)
{
  peer_connect (&wire->client, TRUE, client_expects);
  peer_connect (&wire->server, FALSE, server_expects);
}

/* both connections expecting the right fingerprints, started */
static void
wire_start (Wire * wire)
{
  wire_connect (wire, wire->server.signalled, wire->client.signalled);
  fail_unless (gst_ice_dtls_connection_start (wire->server.connection));
  fail_unless (gst_ice_dtls_connection_start (wire->client.connection));
  fail_if (gst_ice_dtls_connection_start (wire->client.connection));
}

static void
wire_free (Wire * wire)
{
  if (wire->client.connection)
    gst_ice_dtls_connection_close (wire->client.connection);
  if (wire->server.connection)
    gst_ice_dtls_connection_close (wire->server.connection);
  peer_clear (&wire->client);
  peer_clear (&wire->server);
  /* what is left on the wire has nowhere to go */
  while (g_main_context_iteration (wire->context, FALSE));
  g_main_context_unref (wire->context);
  g_mutex_clear (&wire->lock);
  g_free (wire);
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (Wire * wire, gpointer data);

/* runs the main context until @done or the deadline; no sleeps */
static gboolean
run_until (Wire * wire, Condition done, gpointer data, guint seconds)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (timeout, set_flag, &timed_out, NULL);
  g_source_attach (timeout, wire->context);
  while (!done (wire, data) && !timed_out)
    g_main_context_iteration (wire->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return done (wire, data);
}

static gboolean
is_settled (GstIceDtlsState state)
{
  return state != GST_ICE_DTLS_STATE_NEW &&
      state != GST_ICE_DTLS_STATE_HANDSHAKING;
}

static gboolean
both_settled (Wire * wire, gpointer data)
{
  return is_settled (gst_ice_dtls_connection_get_state
      (wire->client.connection)) &&
      is_settled (gst_ice_dtls_connection_get_state (wire->server.connection));
}

static gboolean
both_received (Wire * wire, gpointer data)
{
  guint count = GPOINTER_TO_UINT (data);

  return wire->client.received->len >= count &&
      wire->server.received->len >= count;
}

static void
assert_connected (Wire * wire)
{
  fail_unless (run_until (wire, both_settled, NULL, DEADLINE_S),
      "handshake did not finish in %d s", DEADLINE_S);
  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (gst_ice_dtls_connection_get_state (wire->client.connection)),
      "connected");
  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (gst_ice_dtls_connection_get_state (wire->server.connection)),
      "connected");
}

/* ---- application data ------------------------------------------------ */

static gsize
test_size (guint i)
{
  if (i == 0)
    return 1;
  if (i == 1)
    return MAX_TEST_SIZE;
  return 1 + (i * 397) % MAX_TEST_SIZE;
}

static guint8 *
test_pattern (guint i, guint8 salt, gsize size)
{
  guint8 *data = g_malloc (size);
  gsize j;

  for (j = 0; j < size; j++)
    data[j] = (guint8) ((i * 31 + j * 7) ^ salt);
  return data;
}

static void
send_buffers (Peer * peer, guint8 salt, guint count)
{
  GError *error = NULL;
  guint overhead = gst_ice_dtls_connection_get_record_overhead
      (peer->connection);
  guint i;

  for (i = 0; i < count; i++) {
    gsize size = test_size (i);
    guint8 *data = test_pattern (i, salt, size);

    fail_unless (gst_ice_dtls_connection_send (peer->connection, data, size,
            &error), "%s", error ? error->message : "?");
    /* one record, one datagram, before send() returns */
    g_mutex_lock (&peer->wire->lock);
    fail_unless_equals_int (peer->last_size, size + overhead);
    g_mutex_unlock (&peer->wire->lock);
    g_free (data);
  }
}

static void
assert_received (Peer * peer, guint8 salt, guint count)
{
  guint i;

  fail_unless_equals_int (peer->received->len, count);
  for (i = 0; i < count; i++) {
    GBytes *bytes = g_ptr_array_index (peer->received, i);
    gsize size = test_size (i);
    guint8 *expected = test_pattern (i, salt, size);

    fail_unless_equals_int (g_bytes_get_size (bytes), size);
    fail_unless (memcmp (g_bytes_get_data (bytes, NULL), expected, size) == 0,
        "%s: buffer %u differs", peer->name, i);
    g_free (expected);
  }
}

static void
exchange_buffers (Wire * wire)
{
  send_buffers (&wire->client, 0x00, N_BUFFERS);
  send_buffers (&wire->server, 0xa5, N_BUFFERS);
  fail_unless (run_until (wire, both_received, GUINT_TO_POINTER (N_BUFFERS),
          DEADLINE_S));
  assert_received (&wire->server, 0x00, N_BUFFERS);
  assert_received (&wire->client, 0xa5, N_BUFFERS);
}

/* send_list()'s transmit: the records of one call, each forwarded to the
 * wire as on_transmit() does; the connection's lock is not held (asking
 * its state would deadlock otherwise); sends only the first @limit */
typedef struct
{
  Peer *peer;
  guint calls;
  guint records;
  guint limit;
} RecordsSeen;

static RecordsSeen records_seen;

static guint
on_transmit_records (const GOutputVector * records, guint n_records,
    gpointer user_data)
{
  guint i, n = MIN (n_records, records_seen.limit);

  fail_unless (user_data == records_seen.peer);
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (records_seen.peer->connection), GST_ICE_DTLS_STATE_CONNECTED);
  records_seen.calls++;
  records_seen.records += n_records;
  for (i = 0; i < n; i++)
    on_transmit (records[i].buffer, records[i].size, user_data);
  return n;
}

/* A datagram may hold several records (RFC 6347 4.1.1): each is delivered
 * whole, in order.  The first is read without a copy, the others are
 * queued behind it: both paths, in one datagram. */
GST_START_TEST (test_records_of_one_datagram)
{
  Wire *wire = wire_new ();
  GByteArray *datagram = g_byte_array_new ();
  GBytes *record;

  wire_start (wire);
  assert_connected (wire);

  send_buffers (&wire->client, 0x5a, 3);
  /* the three datagrams on their way to the server, made one */
  g_mutex_lock (&wire->lock);
  fail_unless_equals_int (wire->server.inbox.length, 3);
  while ((record = g_queue_pop_head (&wire->server.inbox))) {
    g_byte_array_append (datagram, g_bytes_get_data (record, NULL),
        g_bytes_get_size (record));
    g_bytes_unref (record);
  }
  g_mutex_unlock (&wire->lock);

  gst_ice_dtls_connection_receive (wire->server.connection, datagram->data,
      datagram->len);
  assert_received (&wire->server, 0x5a, 3);

  /* and again one record alone after them */
  send_buffers (&wire->client, 0x5a, 1);
  while (wire->server.received->len < 4)
    g_main_context_iteration (wire->context, TRUE);
  fail_unless_equals_int (g_bytes_get_size (g_ptr_array_index
          (wire->server.received, 3)), test_size (0));

  g_byte_array_unref (datagram);
  wire_free (wire);
}

GST_END_TEST;

/* ---- tests ------------------------------------------------------------- */

GST_START_TEST (test_state_names_and_demux)
{
  const guint8 stun[] = { 0x00, 0x01 }, rtp[] = { 0x80, 0x60 };
  const guint8 handshake[] = { 22, 0xfe, 0xfd }, alert[] = { 21 };
  const guint8 low[] = { 19 }, high[] = { 63 }, above[] = { 64 };

  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (GST_ICE_DTLS_STATE_NEW), "new");
  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (GST_ICE_DTLS_STATE_HANDSHAKING), "handshaking");
  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (GST_ICE_DTLS_STATE_CONNECTED), "connected");
  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (GST_ICE_DTLS_STATE_FAILED), "failed");
  fail_unless_equals_string (gst_ice_dtls_state_to_string
      (GST_ICE_DTLS_STATE_CLOSED), "closed");

  /* RFC 7983 */
  fail_unless (gst_ice_dtls_is_dtls_record (handshake, sizeof (handshake)));
  fail_unless (gst_ice_dtls_is_dtls_record (alert, sizeof (alert)));
  fail_unless (gst_ice_dtls_is_dtls_record (high, sizeof (high)));
  fail_if (gst_ice_dtls_is_dtls_record (low, sizeof (low)));
  fail_if (gst_ice_dtls_is_dtls_record (above, sizeof (above)));
  fail_if (gst_ice_dtls_is_dtls_record (stun, sizeof (stun)));
  fail_if (gst_ice_dtls_is_dtls_record (rtp, sizeof (rtp)));
  fail_if (gst_ice_dtls_is_dtls_record (handshake, 0));
  fail_if (gst_ice_dtls_is_dtls_record (NULL, 0));
}

GST_END_TEST;

GST_START_TEST (test_handshake_and_data)
{
  Wire *wire = wire_new ();
  GError *error = NULL;
  guint8 *big;
  gchar *fingerprint;
  GstIceDtlsState expected[] = { GST_ICE_DTLS_STATE_HANDSHAKING,
    GST_ICE_DTLS_STATE_CONNECTED
  };

  wire_start (wire);
  /* nothing can be sent before the handshake */
  fail_if (gst_ice_dtls_connection_send (wire->client.connection,
          (const guint8 *) "x", 1, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS));
  fail_unless (strstr (error->message, "handshaking, not connected"),
      "%s", error->message);
  g_clear_error (&error);

  assert_connected (wire);
  GST_INFO ("lossless handshake: %u datagrams", wire->handshake_datagrams);
  g_print ("lossless handshake: %u datagrams\n", wire->handshake_datagrams);

  fail_unless_equals_int (wire->client.states->len, 2);
  fail_unless (memcmp (wire->client.states->data, expected,
          sizeof (expected)) == 0);
  fail_unless_equals_int (wire->server.states->len, 2);
  fail_unless (memcmp (wire->server.states->data, expected,
          sizeof (expected)) == 0);

  /* each knows who the other is, and both agree on the cipher */
  fingerprint = gst_ice_dtls_connection_get_peer_fingerprint
      (wire->client.connection);
  fail_unless_equals_string (fingerprint,
      gst_ice_certificate_get_fingerprint (wire->server.certificate));
  g_free (fingerprint);
  fingerprint = gst_ice_dtls_connection_get_peer_fingerprint
      (wire->server.connection);
  fail_unless_equals_string (fingerprint,
      gst_ice_certificate_get_fingerprint (wire->client.certificate));
  g_free (fingerprint);
  fail_unless (gst_ice_dtls_connection_get_cipher (wire->client.connection));
  fail_unless_equals_string (gst_ice_dtls_connection_get_cipher
      (wire->client.connection),
      gst_ice_dtls_connection_get_cipher (wire->server.connection));
  fail_unless (g_str_has_prefix (gst_ice_dtls_connection_get_cipher
          (wire->client.connection), "TLS_ECDHE_ECDSA_WITH_"));
  fail_unless_equals_int (gst_ice_dtls_context_get_record_overhead
      (wire->client.context), 37);

  exchange_buffers (wire);

  /* the largest record works; larger and empty are refused */
  big = test_pattern (7, 0x3c, GST_ICE_DTLS_MAX_RECORD_SIZE);
  fail_unless (gst_ice_dtls_connection_send (wire->client.connection, big,
          GST_ICE_DTLS_MAX_RECORD_SIZE, &error));
  fail_unless (run_until (wire, both_received,
          GUINT_TO_POINTER (N_BUFFERS), DEADLINE_S));
  while (wire->server.received->len < N_BUFFERS + 1)
    g_main_context_iteration (wire->context, TRUE);
  fail_unless_equals_int (g_bytes_get_size (g_ptr_array_index
          (wire->server.received, N_BUFFERS)), GST_ICE_DTLS_MAX_RECORD_SIZE);
  fail_unless (memcmp (g_bytes_get_data (g_ptr_array_index
              (wire->server.received, N_BUFFERS), NULL), big,
          GST_ICE_DTLS_MAX_RECORD_SIZE) == 0);
  g_free (big);

  big = g_malloc0 (GST_ICE_DTLS_MAX_RECORD_SIZE + 1);
  fail_if (gst_ice_dtls_connection_send (wire->client.connection, big,
          GST_ICE_DTLS_MAX_RECORD_SIZE + 1, &error));
  fail_unless (strstr (error->message, "1 to 16384 bytes, not 16385"),
      "%s", error->message);
  g_clear_error (&error);
  fail_if (gst_ice_dtls_connection_send (wire->client.connection, big, 0,
          &error));
  g_clear_error (&error);
  g_free (big);
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (wire->client.connection), GST_ICE_DTLS_STATE_CONNECTED);

  wire_free (wire);
}

GST_END_TEST;

/* A list of payloads is sealed in one go and its records handed over in
 * one call, without the lock: the peer gets each payload as one record,
 * in order, byte for byte; a wrong size refuses the whole list, and a
 * transmit that sends fewer says so. */
GST_START_TEST (test_send_list)
{
  Wire *wire = wire_new ();
  GOutputVector payloads[N_BUFFERS];
  guint8 *data[N_BUFFERS];
  guint overhead, i;
  GError *error = NULL;

  wire_start (wire);
  for (i = 0; i < N_BUFFERS; i++) {
    data[i] = test_pattern (i, 0x00, test_size (i));
    payloads[i].buffer = data[i];
    payloads[i].size = test_size (i);
  }
  records_seen.peer = &wire->client;
  records_seen.limit = G_MAXUINT;
  /* not before the handshake */
  fail_unless_equals_int (gst_ice_dtls_connection_send_list
      (wire->client.connection, payloads, N_BUFFERS, on_transmit_records,
          &error), 0);
  fail_unless (strstr (error->message, "handshaking, not connected"),
      "%s", error->message);
  g_clear_error (&error);
  fail_unless_equals_int (records_seen.calls, 0);

  assert_connected (wire);
  overhead = gst_ice_dtls_connection_get_record_overhead
      (wire->client.connection);
  fail_unless_equals_int (gst_ice_dtls_connection_send_list
      (wire->client.connection, payloads, N_BUFFERS, on_transmit_records,
          &error), N_BUFFERS);
  fail_unless (error == NULL);
  fail_unless_equals_int (records_seen.calls, 1);
  fail_unless_equals_int (records_seen.records, N_BUFFERS);
  g_mutex_lock (&wire->lock);
  fail_unless_equals_int (wire->client.last_size,
      test_size (N_BUFFERS - 1) + overhead);
  g_mutex_unlock (&wire->lock);
  while (wire->server.received->len < N_BUFFERS)
    g_main_context_iteration (wire->context, TRUE);
  assert_received (&wire->server, 0x00, N_BUFFERS);

  /* a wrong size anywhere: nothing is sealed */
  payloads[3].size = GST_ICE_DTLS_MAX_RECORD_SIZE + 1;
  fail_unless_equals_int (gst_ice_dtls_connection_send_list
      (wire->client.connection, payloads, 5, on_transmit_records, &error), 0);
  fail_unless (strstr (error->message, "1 to 16384 bytes, not 16385"),
      "%s", error->message);
  g_clear_error (&error);
  fail_unless_equals_int (records_seen.calls, 1);
  payloads[3].size = test_size (3);

  /* the socket took 2 of 3: 2 sent */
  records_seen.limit = 2;
  fail_unless_equals_int (gst_ice_dtls_connection_send_list
      (wire->client.connection, payloads, 3, on_transmit_records, &error), 2);
  fail_unless_equals_int (records_seen.calls, 2);
  fail_unless_equals_int (records_seen.records, N_BUFFERS + 3);
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (wire->client.connection), GST_ICE_DTLS_STATE_CONNECTED);

  for (i = 0; i < N_BUFFERS; i++)
    g_free (data[i]);
  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_lossy_handshake)
{
  Wire *wire;
  guint lossless;

  /* the same handshake without loss, to compare */
  wire = wire_new ();
  wire_start (wire);
  assert_connected (wire);
  lossless = wire->handshake_datagrams;
  wire_free (wire);

  /* a third of the datagrams lost until both are connected: only the
   * retransmission timers can finish the handshake */
  wire = wire_new ();
  wire->drop_every = 3;
  wire_start (wire);
  assert_connected (wire);
  g_print ("handshake: %u datagrams without loss; %u with a third lost "
      "(%u lost)\n", lossless, wire->handshake_datagrams, wire->dropped);
  fail_unless (wire->dropped > 0);
  fail_unless (wire->handshake_datagrams > lossless, "%u <= %u",
      wire->handshake_datagrams, lossless);
  fail_unless (wire->handshake_datagrams - wire->dropped >= lossless);

  exchange_buffers (wire);
  wire_free (wire);
}

GST_END_TEST;

typedef struct
{
  const gchar *client;
  const gchar *server;
  const gchar *cipher;
  guint overhead;
} CipherCase;

/* *INDENT-OFF* */
static const CipherCase cipher_cases[] = {
  /* each suite forced on both ends */
  {"AES-128-GCM", "AES-128-GCM",
   "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 37},
  {"AES-256-GCM", "AES-256-GCM",
   "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 37},
  {"CHACHA20-POLY1305", "chacha20-poly1305",
   "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 29},
  /* the server's order decides... */
  {"AES-128-GCM:AES-256-GCM", "AES-256-GCM:AES-128-GCM",
   "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 37},
  /* ...but a client without AES (ChaCha first) gets ChaCha */
  {"CHACHA20-POLY1305:AES-128-GCM", "AES-128-GCM:CHACHA20-POLY1305",
   "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 29},
  /* and so does a server without AES */
  {"AES-128-GCM:CHACHA20-POLY1305", "CHACHA20-POLY1305:AES-128-GCM",
   "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 29},
};
/* *INDENT-ON* */

GST_START_TEST (test_ciphers)
{
  const CipherCase *c = &cipher_cases[__i__];
  Wire *wire = wire_new_full (c->client, c->server, NULL, NULL);

  GST_INFO ("client %s, server %s", c->client, c->server);
  wire_start (wire);
  /* before the handshake: the largest the context allows */
  fail_unless_equals_int (gst_ice_dtls_connection_get_record_overhead
      (wire->client.connection), strstr (c->client, "AES") ? 37 : 29);
  assert_connected (wire);
  fail_unless_equals_string (gst_ice_dtls_connection_get_cipher
      (wire->client.connection), c->cipher);
  fail_unless_equals_string (gst_ice_dtls_connection_get_cipher
      (wire->server.connection), c->cipher);
  fail_unless_equals_int (gst_ice_dtls_connection_get_record_overhead
      (wire->client.connection), c->overhead);
  fail_unless_equals_int (gst_ice_dtls_connection_get_record_overhead
      (wire->server.connection), c->overhead);
  /* send_buffers() checks each datagram is payload + overhead */
  exchange_buffers (wire);
  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_default_cipher_order)
{
  Wire *wire = wire_new ();
  GstIceCertificate *certificate = wire->client.certificate;
  GstIceDtlsContext *context;
  GError *error = NULL;

  wire_start (wire);
  assert_connected (wire);
  /* this machine's order on both ends: AES-GCM where the CPU has AES
   * instructions, ChaCha20-Poly1305 where it has not */
  GST_INFO ("default cipher here: %s",
      gst_ice_dtls_connection_get_cipher (wire->client.connection));
#if defined (__x86_64__) || defined (__i386__)
  fail_unless_equals_string (gst_ice_dtls_connection_get_cipher
      (wire->client.connection), __builtin_cpu_supports ("aes") ?
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" :
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
#endif

  context = gst_ice_dtls_context_new (certificate, "AES-128-GCM:RC4", &error);
  fail_unless (context == NULL);
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS));
  fail_unless (strstr (error->message, "Unknown DTLS cipher 'RC4'"), "%s",
      error->message);
  g_clear_error (&error);

  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_rsa_certificate)
{
  GstIceCertificate *rsa;
  GError *error = NULL;
  gchar *dir, *cert, *key;
  Wire *wire;

  if (!test_have_openssl ()) {
    g_print ("SKIP test_rsa_certificate: the openssl command is not "
        "installed\n");
    return;
  }
  dir = test_dir_new ("gst-ice-dtls");
  /* 4096 bits: the Certificate message alone is larger than the link MTU
   * and goes in fragments */
  test_make_certificate_files (dir, "rsa", "rsa:4096", &cert, &key);
  rsa = gst_ice_certificate_new_from_files (cert, key, &error);
  fail_unless (rsa != NULL, "%s", error ? error->message : "?");

  /* a user's RSA identity on the server: ECDHE-RSA */
  wire = wire_new_full (NULL, NULL, NULL, rsa);
  wire_start (wire);
  assert_connected (wire);
  fail_unless (g_str_has_prefix (gst_ice_dtls_connection_get_cipher
          (wire->client.connection), "TLS_ECDHE_RSA_WITH_"), "%s",
      gst_ice_dtls_connection_get_cipher (wire->client.connection));
  exchange_buffers (wire);
  wire_free (wire);

  gst_ice_certificate_unref (rsa);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

static void
assert_failed_without_data (Wire * wire)
{
  fail_unless (run_until (wire, both_settled, NULL, DEADLINE_S));
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (wire->client.connection), GST_ICE_DTLS_STATE_FAILED);
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (wire->server.connection), GST_ICE_DTLS_STATE_FAILED);
  fail_unless (wire->client.message != NULL);
  fail_unless (wire->server.message != NULL);
  GST_INFO ("client: %s", wire->client.message);
  GST_INFO ("server: %s", wire->server.message);
  fail_unless_equals_int (wire->client.received->len, 0);
  fail_unless_equals_int (wire->server.received->len, 0);
  fail_if (gst_ice_dtls_connection_send (wire->client.connection,
          (const guint8 *) "x", 1, NULL));
  fail_if (gst_ice_dtls_connection_send (wire->server.connection,
          (const guint8 *) "x", 1, NULL));
  fail_unless (gst_ice_dtls_connection_get_cipher (wire->client.connection)
      == NULL);
}

static void
assert_contains (const gchar * text, const gchar * fragment)
{
  fail_unless (strstr (text, fragment) != NULL, "'%s' not in '%s'",
      fragment, text);
}

/* a fingerprint that is valid but not the peer's */
static gchar *
other_fingerprint (void)
{
  GstIceCertificate *other = gst_ice_certificate_new_generated (NULL);
  gchar *signalled = g_strconcat (GST_ICE_FINGERPRINT_HASH " ",
      gst_ice_certificate_get_fingerprint (other), NULL);

  gst_ice_certificate_unref (other);
  return signalled;
}

GST_START_TEST (test_wrong_fingerprint_at_client)
{
  Wire *wire = wire_new ();
  gchar *wrong = other_fingerprint ();
  gchar *message;

  wire_connect (wire, wrong, wire->client.signalled);
  gst_ice_dtls_connection_start (wire->server.connection);
  gst_ice_dtls_connection_start (wire->client.connection);
  assert_failed_without_data (wire);

  /* the client names what it got and what was signalled */
  message = g_strdup_printf ("peer certificate fingerprint %s does not "
      "match the signalled %s",
      gst_ice_certificate_get_fingerprint (wire->server.certificate), wrong);
  fail_unless_equals_string (wire->client.message, message);
  g_free (message);
  /* the server hears the alert, and says which certificate was refused */
  assert_contains (wire->server.message, "the peer rejected our certificate");
  assert_contains (wire->server.message, wire->server.signalled);
  assert_contains (wire->server.message, "bad certificate");

  g_free (wrong);
  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_wrong_fingerprint_at_server)
{
  Wire *wire = wire_new ();
  gchar *wrong = other_fingerprint ();
  gchar *lower = g_ascii_strdown (wire->server.signalled, -1);
  gchar *message;

  /* the client's expectation in lower case still matches */
  wire_connect (wire, lower, wrong);
  gst_ice_dtls_connection_start (wire->server.connection);
  gst_ice_dtls_connection_start (wire->client.connection);
  assert_failed_without_data (wire);

  message = g_strdup_printf ("peer certificate fingerprint %s does not "
      "match the signalled %s",
      gst_ice_certificate_get_fingerprint (wire->client.certificate), wrong);
  fail_unless_equals_string (wire->server.message, message);
  g_free (message);
  assert_contains (wire->client.message, "the peer rejected our certificate");
  assert_contains (wire->client.message, wire->client.signalled);

  g_free (lower);
  g_free (wrong);
  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_missing_fingerprint)
{
  Wire *wire = wire_new ();

  wire_connect (wire, wire->server.signalled, NULL);
  gst_ice_dtls_connection_start (wire->server.connection);
  gst_ice_dtls_connection_start (wire->client.connection);
  assert_failed_without_data (wire);
  assert_contains (wire->server.message,
      "no fingerprint was signalled for the peer");
  assert_contains (wire->server.message,
      gst_ice_certificate_get_fingerprint (wire->client.certificate));
  assert_contains (wire->client.message, "the peer rejected our certificate");
  wire_free (wire);

  /* not a valid fingerprint at all: the validator says why */
  wire = wire_new ();
  wire_connect (wire, "sha-1 00:11", wire->client.signalled);
  gst_ice_dtls_connection_start (wire->server.connection);
  gst_ice_dtls_connection_start (wire->client.connection);
  assert_failed_without_data (wire);
  assert_contains (wire->client.message, "signalled fingerprint is not valid");
  assert_contains (wire->client.message, "'sha-1'");
  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_server_starts_on_first_datagram)
{
  Wire *wire = wire_new ();

  /* the client's path is ready first: the server was never started */
  wire_connect (wire, wire->server.signalled, wire->client.signalled);
  fail_unless (gst_ice_dtls_connection_start (wire->client.connection));
  assert_connected (wire);
  fail_if (gst_ice_dtls_connection_start (wire->server.connection));
  exchange_buffers (wire);
  wire_free (wire);
}

GST_END_TEST;

GST_START_TEST (test_close)
{
  Wire *wire = wire_new ();
  GError *error = NULL;
  GstIceDtlsState last;

  wire_start (wire);
  assert_connected (wire);

  gst_ice_dtls_connection_close (wire->client.connection);
  fail_unless_equals_int (gst_ice_dtls_connection_get_state
      (wire->client.connection), GST_ICE_DTLS_STATE_CLOSED);
  fail_unless (run_until (wire, both_settled, NULL, DEADLINE_S));
  while (gst_ice_dtls_connection_get_state (wire->server.connection) !=
      GST_ICE_DTLS_STATE_CLOSED)
    g_main_context_iteration (wire->context, TRUE);
  assert_contains (wire->server.message, "the peer closed");
  last = g_array_index (wire->server.states, GstIceDtlsState,
      wire->server.states->len - 1);
  fail_unless_equals_int (last, GST_ICE_DTLS_STATE_CLOSED);

  fail_if (gst_ice_dtls_connection_send (wire->server.connection,
          (const guint8 *) "late", 4, &error));
  assert_contains (error->message, "closed, not connected");
  g_clear_error (&error);

  /* closing twice says nothing more */
  gst_ice_dtls_connection_close (wire->client.connection);
  fail_unless_equals_int (wire->client.states->len, 3);
  wire_free (wire);
}

GST_END_TEST;

#define N_THREADED 400

static gpointer
send_thread (gpointer user_data)
{
  Peer *peer = user_data;

  send_buffers (peer, 0x11, N_THREADED);
  return NULL;
}

typedef struct
{
  Peer *peer;
  guint next;
} MainSender;

/* sends a few buffers per main-context iteration, while the thread sends
 * the other way on the same connection that receives them */
static gboolean
send_some (gpointer user_data)
{
  MainSender *sender = user_data;
  guint i;

  for (i = 0; i < 4 && sender->next < N_THREADED; i++, sender->next++) {
    gsize size = test_size (sender->next);
    guint8 *data = test_pattern (sender->next, 0x22, size);

    fail_unless (gst_ice_dtls_connection_send (sender->peer->connection, data,
            size, NULL));
    g_free (data);
  }
  return sender->next < N_THREADED ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

GST_START_TEST (test_send_from_thread)
{
  Wire *wire = wire_new ();
  MainSender sender = { &wire->server, 0 };
  GSource *source;
  GThread *thread;

  wire_start (wire);
  assert_connected (wire);

  /* the client sends from its own thread while the main context feeds it
   * the server's records */
  source = g_idle_source_new ();
  g_source_set_callback (source, send_some, &sender, NULL);
  g_source_attach (source, wire->context);
  g_source_unref (source);
  thread = g_thread_new ("sender", send_thread, &wire->client);

  fail_unless (run_until (wire, both_received,
          GUINT_TO_POINTER (N_THREADED), DEADLINE_S));
  g_thread_join (thread);

  {
    guint i;

    for (i = 0; i < N_THREADED; i++) {
      GBytes *at_server = g_ptr_array_index (wire->server.received, i);
      GBytes *at_client = g_ptr_array_index (wire->client.received, i);
      guint8 *expected = test_pattern (i, 0x11, test_size (i));

      fail_unless_equals_int (g_bytes_get_size (at_server), test_size (i));
      fail_unless (memcmp (g_bytes_get_data (at_server, NULL), expected,
              test_size (i)) == 0);
      g_free (expected);
      expected = test_pattern (i, 0x22, test_size (i));
      fail_unless_equals_int (g_bytes_get_size (at_client), test_size (i));
      fail_unless (memcmp (g_bytes_get_data (at_client, NULL), expected,
              test_size (i)) == 0);
      g_free (expected);
    }
  }
  wire_free (wire);
}

GST_END_TEST;

/* ---- the openssl command-line tool as the peer --------------------------- */

typedef struct
{
  GMainContext *context;
  GSocket *socket;
  gboolean peer_known;
  GstIceDtlsConnection *connection;
  GPtrArray *received;
  GstIceDtlsState state;
  gchar *message;

  GPid pid;
  gint tool_stdin;
  GString *tool_output;
} Interop;

static void
interop_transmit (const guint8 * data, gsize size, gpointer user_data)
{
  Interop *interop = user_data;
  GError *error = NULL;

  if (g_socket_send (interop->socket, (const gchar *) data, size, NULL,
          &error) < 0) {
    GST_WARNING ("send: %s", error->message);
    g_error_free (error);
  }
}

static void
interop_receive (const guint8 * data, gsize size, gpointer user_data)
{
  Interop *interop = user_data;

  g_ptr_array_add (interop->received, g_bytes_new (data, size));
}

static void
interop_state (GstIceDtlsState state, const gchar * message, gpointer user_data)
{
  Interop *interop = user_data;

  GST_INFO ("state %s %s", gst_ice_dtls_state_to_string (state),
      GST_STR_NULL (message));
  interop->state = state;
  if (message) {
    g_free (interop->message);
    interop->message = g_strdup (message);
  }
}

static gboolean
interop_socket_readable (GSocket * socket, GIOCondition condition,
    gpointer user_data)
{
  Interop *interop = user_data;
  guint8 buffer[65536];
  GSocketAddress *from = NULL;
  GError *error = NULL;
  gssize n;

  while ((n = g_socket_receive_from (socket, &from, (gchar *) buffer,
              sizeof (buffer), NULL, &error)) >= 0) {
    /* a server learns its peer from the first datagram */
    if (!interop->peer_known) {
      fail_unless (g_socket_connect (socket, from, NULL, NULL));
      interop->peer_known = TRUE;
    }
    g_clear_object (&from);
    if (interop->connection && gst_ice_dtls_is_dtls_record (buffer, n))
      gst_ice_dtls_connection_receive (interop->connection, buffer, n);
  }
  g_clear_object (&from);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    GST_INFO ("receive: %s", error->message);
  g_error_free (error);
  return G_SOURCE_CONTINUE;
}

static gboolean
interop_tool_output (gint fd, GIOCondition condition, gpointer user_data)
{
  Interop *interop = user_data;
  gchar buffer[4096];
  gssize n;

  n = read (fd, buffer, sizeof (buffer));
  if (n > 0) {
    g_string_append_len (interop->tool_output, buffer, n);
    return G_SOURCE_CONTINUE;
  }
  return n < 0 && errno == EAGAIN ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* binds a UDP socket on 127.0.0.1 and attaches it to the context */
static void
interop_init (Interop * interop, gboolean peer_known)
{
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new (loopback, 0);
  GSource *source;
  GError *error = NULL;

  memset (interop, 0, sizeof (*interop));
  interop->context = g_main_context_new ();
  interop->received = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  interop->tool_output = g_string_new (NULL);
  interop->tool_stdin = -1;
  interop->peer_known = peer_known;

  interop->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, &error);
  fail_unless (interop->socket != NULL, "%s", error ? error->message : "?");
  fail_unless (g_socket_bind (interop->socket, address, FALSE, &error), "%s",
      error ? error->message : "?");
  g_socket_set_blocking (interop->socket, FALSE);
  source = g_socket_create_source (interop->socket, G_IO_IN, NULL);
  g_source_set_callback (source, (GSourceFunc) interop_socket_readable,
      interop, NULL);
  g_source_attach (source, interop->context);
  g_source_unref (source);

  g_object_unref (address);
  g_object_unref (loopback);
}

static guint
interop_local_port (Interop * interop)
{
  GSocketAddress *local = g_socket_get_local_address (interop->socket, NULL);
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  g_object_unref (local);
  return port;
}

/* a UDP port on 127.0.0.1 nobody uses now */
static guint
free_udp_port (void)
{
  Interop probe;
  guint port;

  interop_init (&probe, TRUE);
  port = interop_local_port (&probe);
  g_object_unref (probe.socket);
  g_ptr_array_unref (probe.received);
  g_string_free (probe.tool_output, TRUE);
  while (g_main_context_iteration (probe.context, FALSE));
  g_main_context_unref (probe.context);
  return port;
}

static void
interop_spawn (Interop * interop, const gchar * dir, const gchar ** argv)
{
  GError *error = NULL;
  gint tool_stdout = -1;
  GSource *source;

  fail_unless (g_spawn_async_with_pipes (dir, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
          &interop->pid, &interop->tool_stdin, &tool_stdout, NULL, &error),
      "%s", error ? error->message : "?");
  fail_unless (g_unix_set_fd_nonblocking (tool_stdout, TRUE, NULL));
  source = g_unix_fd_source_new (tool_stdout, G_IO_IN | G_IO_HUP);
  g_source_set_callback (source, (GSourceFunc) interop_tool_output, interop,
      NULL);
  g_source_attach (source, interop->context);
  g_source_unref (source);
  /* the source only reads it; closed when the test ends */
  g_object_set_data_full (G_OBJECT (interop->socket), "tool-stdout",
      GINT_TO_POINTER (tool_stdout), (GDestroyNotify) NULL);
}

static void
interop_write_tool (Interop * interop, const gchar * line)
{
  fail_unless_equals_int (write (interop->tool_stdin, line, strlen (line)),
      strlen (line));
}

typedef gboolean (*InteropCondition) (Interop * interop, gconstpointer data);

static gboolean
interop_run_until (Interop * interop, InteropCondition done, gconstpointer data)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new_seconds (DEADLINE_S);

  g_source_set_callback (timeout, set_flag, &timed_out, NULL);
  g_source_attach (timeout, interop->context);
  while (!done (interop, data) && !timed_out)
    g_main_context_iteration (interop->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return done (interop, data);
}

static gboolean
tool_said (Interop * interop, gconstpointer text)
{
  return strstr (interop->tool_output->str, text) != NULL;
}

static gboolean
settled (Interop * interop, gconstpointer data)
{
  return is_settled (interop->state);
}

static gboolean
received_line (Interop * interop, gconstpointer line)
{
  GString *all = g_string_new (NULL);
  gboolean found;
  guint i;

  /* a line may come as one record or several */
  for (i = 0; i < interop->received->len; i++) {
    GBytes *bytes = g_ptr_array_index (interop->received, i);

    g_string_append_len (all, g_bytes_get_data (bytes, NULL),
        g_bytes_get_size (bytes));
  }
  found = strstr (all->str, line) != NULL;
  g_string_free (all, TRUE);
  return found;
}

static void
interop_clear (Interop * interop)
{
  gint tool_stdout;

  if (interop->connection)
    gst_object_unref (interop->connection);
  interop->connection = NULL;
  if (interop->pid) {
    kill (interop->pid, SIGTERM);
    waitpid (interop->pid, NULL, 0);
    g_spawn_close_pid (interop->pid);
  }
  if (interop->tool_stdin >= 0)
    close (interop->tool_stdin);
  tool_stdout = GPOINTER_TO_INT (g_object_get_data (G_OBJECT
          (interop->socket), "tool-stdout"));
  while (g_main_context_iteration (interop->context, FALSE));
  if (tool_stdout > 0)
    close (tool_stdout);
  g_object_unref (interop->socket);
  g_main_context_unref (interop->context);
  g_ptr_array_unref (interop->received);
  g_string_free (interop->tool_output, TRUE);
  g_free (interop->message);
}

static GstIceDtlsContext *
generated_context (void)
{
  GstIceCertificate *certificate = gst_ice_certificate_new_generated (NULL);
  GstIceDtlsContext *context;

  fail_unless (certificate != NULL);
  context = gst_ice_dtls_context_new (certificate, NULL, NULL);
  fail_unless (context != NULL);
  gst_ice_certificate_unref (certificate);
  return context;
}

GST_START_TEST (test_openssl_s_server)
{
  Interop interop;
  GstIceDtlsContext *context;
  GstIceCertificate *server_certificate;
  GSocketAddress *server;
  gchar *dir, *cert, *key, *accept, *expected;
  guint port;

  if (!test_have_openssl ()) {
    g_print ("SKIP test_openssl_s_server: the openssl command is not "
        "installed (apt-get install openssl)\n");
    return;
  }
  dir = test_dir_new ("gst-ice-dtls");
  test_make_certificate_files (dir, "s_server", "ec", &cert, &key);
  server_certificate = gst_ice_certificate_new_from_files (cert, key, NULL);
  fail_unless (server_certificate != NULL);
  expected = g_strconcat (GST_ICE_FINGERPRINT_HASH " ",
      gst_ice_certificate_get_fingerprint (server_certificate), NULL);

  port = free_udp_port ();
  accept = g_strdup_printf ("127.0.0.1:%u", port);
  interop_init (&interop, TRUE);
  {
    /* -verify: it asks for our certificate too */
    const gchar *argv[] = { "openssl", "s_server", "-dtls1_2", "-accept",
      accept, "-cert", cert, "-key", key, "-verify", "1", "-naccept", "1",
      NULL
    };
    interop_spawn (&interop, dir, argv);
  }
  fail_unless (interop_run_until (&interop, tool_said, "ACCEPT"),
      "s_server did not start: %s", interop.tool_output->str);

  server = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  fail_unless (g_socket_connect (interop.socket, server, NULL, NULL));
  g_object_unref (server);

  context = generated_context ();
  interop.connection = gst_ice_dtls_connection_new (context, TRUE, expected,
      interop.context, interop_transmit, interop_receive, interop_state,
      &interop, NULL);
  fail_unless (gst_ice_dtls_connection_start (interop.connection));
  fail_unless (interop_run_until (&interop, settled, NULL));
  fail_unless_equals_int (interop.state, GST_ICE_DTLS_STATE_CONNECTED);
  g_print ("openssl s_server: connected with %s\n",
      gst_ice_dtls_connection_get_cipher (interop.connection));

  /* a line typed to s_server arrives as application data */
  interop_write_tool (&interop, "line typed to s_server\n");
  fail_unless (interop_run_until (&interop, received_line,
          "line typed to s_server\n"));
  /* and ours is printed by s_server */
  fail_unless (gst_ice_dtls_connection_send (interop.connection,
          (const guint8 *) "line from gst-ice\n", 18, NULL));
  fail_unless (interop_run_until (&interop, tool_said, "line from gst-ice\n"),
      "%s", interop.tool_output->str);
  /* our close_notify is understood */
  gst_ice_dtls_connection_close (interop.connection);
  fail_unless (interop_run_until (&interop, tool_said, "DONE"), "%s",
      interop.tool_output->str);

  interop_clear (&interop);
  gst_object_unref (context);
  gst_ice_certificate_unref (server_certificate);
  g_free (expected);
  g_free (accept);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_openssl_s_client)
{
  Interop interop;
  GstIceDtlsContext *context;
  GstIceCertificate *client_certificate;
  gchar *dir, *cert, *key, *connect, *expected;

  if (!test_have_openssl ()) {
    g_print ("SKIP test_openssl_s_client: the openssl command is not "
        "installed (apt-get install openssl)\n");
    return;
  }
  dir = test_dir_new ("gst-ice-dtls");
  test_make_certificate_files (dir, "s_client", "ec", &cert, &key);
  client_certificate = gst_ice_certificate_new_from_files (cert, key, NULL);
  fail_unless (client_certificate != NULL);
  expected = g_strconcat (GST_ICE_FINGERPRINT_HASH " ",
      gst_ice_certificate_get_fingerprint (client_certificate), NULL);

  /* our server on a port of its own, waiting */
  interop_init (&interop, FALSE);
  context = generated_context ();
  interop.connection = gst_ice_dtls_connection_new (context, FALSE, expected,
      interop.context, interop_transmit, interop_receive, interop_state,
      &interop, NULL);
  fail_unless (gst_ice_dtls_connection_start (interop.connection));

  connect = g_strdup_printf ("127.0.0.1:%u", interop_local_port (&interop));
  {
    /* -quiet: only the application data on stdout */
    const gchar *argv[] = { "openssl", "s_client", "-dtls1_2", "-connect",
      connect, "-cert", cert, "-key", key, "-quiet", NULL
    };
    interop_spawn (&interop, dir, argv);
  }
  fail_unless (interop_run_until (&interop, settled, NULL));
  fail_unless_equals_int (interop.state, GST_ICE_DTLS_STATE_CONNECTED);
  g_print ("openssl s_client: connected with %s\n",
      gst_ice_dtls_connection_get_cipher (interop.connection));

  fail_unless (gst_ice_dtls_connection_send (interop.connection,
          (const guint8 *) "line from gst-ice\n", 18, NULL));
  fail_unless (interop_run_until (&interop, tool_said, "line from gst-ice\n"),
      "%s", interop.tool_output->str);
  interop_write_tool (&interop, "line typed to s_client\n");
  fail_unless (interop_run_until (&interop, received_line,
          "line typed to s_client\n"));

  gst_ice_dtls_connection_close (interop.connection);
  interop_clear (&interop);
  gst_object_unref (context);
  gst_ice_certificate_unref (client_certificate);
  g_free (expected);
  g_free (connect);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
dtls_suite (void)
{
  Suite *s = suite_create ("dtls");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 2 * DEADLINE_S);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_state_names_and_demux);
  tcase_add_test (tc, test_handshake_and_data);
  tcase_add_test (tc, test_send_list);
  tcase_add_test (tc, test_records_of_one_datagram);
  tcase_add_test (tc, test_lossy_handshake);
  tcase_add_loop_test (tc, test_ciphers, 0, G_N_ELEMENTS (cipher_cases));
  tcase_add_test (tc, test_default_cipher_order);
  tcase_add_test (tc, test_rsa_certificate);
  tcase_add_test (tc, test_wrong_fingerprint_at_client);
  tcase_add_test (tc, test_wrong_fingerprint_at_server);
  tcase_add_test (tc, test_missing_fingerprint);
  tcase_add_test (tc, test_server_starts_on_first_datagram);
  tcase_add_test (tc, test_close);
  tcase_add_test (tc, test_send_from_thread);
  tcase_add_test (tc, test_openssl_s_server);
  tcase_add_test (tc, test_openssl_s_client);
  return s;
}

GST_CHECK_MAIN (dtls);
