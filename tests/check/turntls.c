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


/* turns:// for real: TLS to a coturn whose TLS port takes nothing but TLS
 * (--no-tcp), with a CA and a server certificate this suite makes with
 * the openssl command; what crosses the wire, the errors a user gets for
 * a certificate that does not verify, a plain TCP TURN server beside a
 * TLS one, and that a session that ends leaves no socket behind. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include <gst/ice/turn/gsticeturncheck.h>
#include <gst/ice/turn/gsticeturntls.h>
#include <openssl/ssl.h>

#include "coturntestutil.h"
#include "dtlstestutil.h"
#include "icetestutil.h"
#include "testdir.h"

#define TIMEOUT (20 * GST_SECOND)

static gchar *cert_dir;
static gchar *ca_file;          /* signed the coturn's certificate */
static gchar *other_ca_file;    /* did not */
static TestCoturn *tls_coturn;  /* TLS only on its TLS port, UDP on its port */
static TestCoturn *tcp_coturn;  /* plain TCP and UDP */
static TestServer *server;

static void
setup (void)
{
  server = test_server_start ();
}

static void
teardown (void)
{
  test_server_stop (server);
}

/* ---- a tap between the elements and coturn ------------------------------- */

/* Forwards TCP connections from 127.0.0.1:port to coturn's TLS port and
 * keeps what each client sent, as tcpdump would show it. */
typedef struct
{
  GSocket *listener;
  guint port;
  guint target_port;
  GCancellable *cancellable;
  GThread *acceptor;
  GMutex lock;
  GPtrArray *threads;           /* GThread, the pipes */
  GPtrArray *sent;              /* GByteArray per connection, client to server */
} Tap;

typedef struct
{
  Tap *tap;
  GSocket *from;
  GSocket *to;
  GByteArray *record;           /* (nullable) */
} Pipe;

static gboolean
send_all (GSocket * socket, const gchar * data, gsize length,
    GCancellable * cancellable)
{
  while (length > 0) {
    gssize sent = g_socket_send (socket, data, length, cancellable, NULL);

    if (sent <= 0)
      return FALSE;
    data += sent;
    length -= sent;
  }
  return TRUE;
}

static gpointer
pipe_thread (gpointer data)
{
  Pipe *pipe = data;
  gchar buf[4096];
  gssize got;

  while ((got = g_socket_receive (pipe->from, buf, sizeof (buf),
              pipe->tap->cancellable, NULL)) > 0) {
    if (pipe->record) {
      g_mutex_lock (&pipe->tap->lock);
      g_byte_array_append (pipe->record, (guint8 *) buf, got);
      g_mutex_unlock (&pipe->tap->lock);
    }
    if (!send_all (pipe->to, buf, got, pipe->tap->cancellable))
      break;
  }
  g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
  g_object_unref (pipe->from);
  g_object_unref (pipe->to);
  g_free (pipe);
  return NULL;
}

static void
start_pipe (Tap * tap, GSocket * from, GSocket * to, GByteArray * record)
{
  Pipe *pipe = g_new0 (Pipe, 1);

  pipe->tap = tap;
  pipe->from = g_object_ref (from);
  pipe->to = g_object_ref (to);
  pipe->record = record;
  g_mutex_lock (&tap->lock);
  g_ptr_array_add (tap->threads, g_thread_new ("tap-pipe", pipe_thread, pipe));
  g_mutex_unlock (&tap->lock);
}

static gpointer
accept_thread (gpointer data)
{
  Tap *tap = data;
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *target = g_inet_socket_address_new (lo, tap->target_port);
  GSocket *client;

  while ((client = g_socket_accept (tap->listener, tap->cancellable,
              NULL)) != NULL) {
    GSocket *upstream = g_socket_new (G_SOCKET_FAMILY_IPV4,
        G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    GByteArray *record = g_byte_array_new ();

    if (g_socket_connect (upstream, target, tap->cancellable, NULL)) {
      g_mutex_lock (&tap->lock);
      g_ptr_array_add (tap->sent, record);
      g_mutex_unlock (&tap->lock);
      start_pipe (tap, client, upstream, record);
      start_pipe (tap, upstream, client, NULL);
    } else {
      g_byte_array_unref (record);
    }
    g_object_unref (upstream);
    g_object_unref (client);
  }
  g_object_unref (target);
  g_object_unref (lo);
  return NULL;
}

static Tap *
tap_start (guint target_port)
{
  Tap *tap = g_new0 (Tap, 1);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound;

  g_mutex_init (&tap->lock);
  tap->threads = g_ptr_array_new ();
  tap->sent = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_byte_array_unref);
  tap->cancellable = g_cancellable_new ();
  tap->target_port = target_port;
  tap->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  fail_unless (g_socket_bind (tap->listener, any, TRUE, NULL));
  fail_unless (g_socket_listen (tap->listener, NULL));
  bound = g_socket_get_local_address (tap->listener, NULL);
  tap->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  tap->acceptor = g_thread_new ("tap", accept_thread, tap);
  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  return tap;
}

static void
tap_stop (Tap * tap)
{
  guint i;

  g_cancellable_cancel (tap->cancellable);
  g_thread_join (tap->acceptor);
  g_mutex_lock (&tap->lock);
  for (i = 0; i < tap->threads->len; i++) {
    GThread *thread = g_ptr_array_index (tap->threads, i);

    g_mutex_unlock (&tap->lock);
    g_thread_join (thread);
    g_mutex_lock (&tap->lock);
  }
  g_mutex_unlock (&tap->lock);
  g_ptr_array_unref (tap->threads);
  g_ptr_array_unref (tap->sent);
  g_object_unref (tap->listener);
  g_object_unref (tap->cancellable);
  g_mutex_clear (&tap->lock);
  g_free (tap);
}

static gboolean
contains (GByteArray * bytes, const gchar * text)
{
  gsize n = strlen (text), i;

  for (i = 0; i + n <= bytes->len; i++) {
    if (memcmp (bytes->data + i, text, n) == 0)
      return TRUE;
  }
  return FALSE;
}

/* ---- helpers --------------------------------------------------------------- */

static gchar *
turns_props (const gchar * ca, const gchar * servers)
{
  GString *props = g_string_new (NULL);

  g_string_append_printf (props, "signaller::uri=%s "
      "ice-transport-policy=relay turn-servers=\"<%s>\"", server->uri, servers);
  if (ca)
    g_string_append_printf (props, " turn-tls-ca-file=%s", ca);
  return g_string_free (props, FALSE);
}

/* "\"turns://alice:secret@HOST:PORT\"" as gst-launch quotes array items */
static gchar *
quoted (const gchar * uri)
{
  return g_strdup_printf ("\\\"%s\\\"", uri);
}

static GstElement *
producer_with (const gchar * props)
{
  gchar *producer_props = g_strdup_printf ("peer-id=cam %s", props);
  GstElement *producer = test_producer_new (producer_props);

  g_free (producer_props);
  return producer;
}

/* Streams 300 buffers from a producer to a consumer, both with @props;
 * returns the local port of the consumer's selected (relayed) pair. */
static guint
stream_relayed (const gchar * props)
{
  GstElement *producer = producer_with (props);
  GstElement *consumer = test_consumer_new (props);
  gint added = 0, removed = 0;
  const GstStructure *s;
  GstMessage *msg;
  guint port = 0;

  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no session with %s",
      props);
  test_push_numbered (producer, 0, 300, 1000);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 300, TIMEOUT,
          NULL), 300);
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-selected-pair",
      TIMEOUT);
  fail_unless (msg != NULL);
  s = gst_message_get_structure (msg);
  fail_unless_equals_string (gst_structure_get_string (s,
          "local-candidate-type"), "relay");
  fail_unless (gst_structure_get_uint (s, "local-port", &port));
  gst_message_unref (msg);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
  return port;
}

/* coturntestutil.c relays on the ports just above the listening ones */
static gboolean
relayed_by (TestCoturn * coturn, guint port)
{
  return port > coturn->port && port < coturn->port + 300;
}

static gchar *
error_text (GstElement * consumer)
{
  GstMessage *msg;
  gchar *text;

  /* well before the 20 s after which a session without a pair fails */
  msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL, 10 * GST_SECOND);
  fail_unless (msg != NULL, "no error");
  text = test_message_text (msg);
  gst_message_unref (msg);
  return text;
}

/* ---- the tests ------------------------------------------------------------ */

/* Relay only, through coturn's TLS-only port: the stream arrives whole,
 * and each TCP connection to the port starts with a TLS ClientHello that
 * names the server (SNI), never with a STUN Allocate: the user name never
 * crosses the wire in clear. */
GST_START_TEST (test_turns_relay_is_tls)
{
  Tap *tap = tap_start (tls_coturn->tls_port);
  gchar *uri = g_strdup_printf ("turns://alice:secret@localhost:%u",
      tap->port);
  gchar *servers = quoted (uri);
  gchar *props = turns_props (ca_file, servers);
  guint port, i;

  port = stream_relayed (props);
  fail_unless (relayed_by (tls_coturn, port), "relayed on port %u", port);

  g_mutex_lock (&tap->lock);
  fail_unless (tap->sent->len >= 2, "%u connections", tap->sent->len);
  for (i = 0; i < tap->sent->len; i++) {
    GByteArray *sent = g_ptr_array_index (tap->sent, i);

    if (sent->len == 0)
      continue;
    /* a TLS record (22: handshake), version 3.x, then a ClientHello (1) */
    fail_unless (sent->len > 6, "connection %u sent %u bytes", i, sent->len);
    fail_unless_equals_int (sent->data[0], 0x16);
    fail_unless_equals_int (sent->data[1], 0x03);
    fail_unless_equals_int (sent->data[5], 0x01);
    fail_unless (contains (sent, "localhost"), "no SNI in connection %u", i);
    fail_if (contains (sent, "alice"), "user name in clear in connection %u",
        i);
  }
  g_mutex_unlock (&tap->lock);

  tap_stop (tap);
  g_free (props);
  g_free (servers);
  g_free (uri);
}

GST_END_TEST;

static GstIceTurnCheckResult *
check_with (const gchar * uri, const gchar * address_host, guint port)
{
  GstIceTurnCheckTarget target = { 0, };
  GstIceTurnCheckResult *result;
  SSL_CTX *tls = gst_ice_turn_tls_context_new (ca_file, NULL);
  GInetAddress *inet;

  fail_unless (tls != NULL);
  target.server = gst_ice_server_uri_parse (uri, NULL);
  fail_unless (target.server != NULL, "%s", uri);
  target.display = gst_ice_server_uri_to_string (target.server, TRUE);
  if (address_host) {
    inet = g_inet_address_new_from_string (address_host);
    target.address = g_inet_socket_address_new (inet, port);
    g_object_unref (inet);
  }
  result = gst_ice_turn_check_run (&target, tls, 5000, NULL);
  gst_ice_server_uri_free (target.server);
  g_free (target.display);
  g_clear_object (&target.address);
  SSL_CTX_free (tls);
  return result;
}

/* coturn's TLS port refuses STUN in clear: a relay through it is TLS */
GST_START_TEST (test_tls_port_refuses_plain_turn)
{
  gchar *plain = g_strdup_printf ("turn://alice:secret@127.0.0.1:%u"
      "?transport=tcp", tls_coturn->tls_port);
  gchar *tls = g_strdup_printf ("turns://alice:secret@127.0.0.1:%u",
      tls_coturn->tls_port);
  GstIceTurnCheckResult *result;

  /* coturn waits for a ClientHello that never comes */
  result = check_with (plain, NULL, 0);
  fail_unless_equals_int (result->status, GST_ICE_TURN_CHECK_NO_ANSWER);
  fail_unless (strstr (result->message, "did not answer an Allocate") !=
      NULL, "%s", result->message);
  fail_unless (result->relayed == NULL);
  gst_ice_turn_check_result_free (result);

  /* the same port over TLS; an address literal is checked against the
   * certificate's IP addresses */
  result = check_with (tls, NULL, 0);
  fail_unless_equals_int (result->status, GST_ICE_TURN_CHECK_OK);
  fail_unless (result->relayed != NULL);
  gst_ice_turn_check_result_free (result);
  g_free (tls);
  g_free (plain);
}

GST_END_TEST;

/* a certificate for another name than the URI's, from the right CA */
GST_START_TEST (test_turns_name_mismatch)
{
  GstIceTurnCheckResult *result;
  gchar *uri = g_strdup_printf ("turns://alice:secret@turn.example.org:%u",
      tls_coturn->tls_port);

  result = check_with (uri, "127.0.0.1", tls_coturn->tls_port);
  fail_unless_equals_int (result->status, GST_ICE_TURN_CHECK_TLS_FAILED);
  fail_unless (strstr (result->message, "certificate verify failed: "
          "hostname mismatch") != NULL, "%s", result->message);
  fail_unless (strstr (result->message, "turn.example.org") != NULL, "%s",
      result->message);
  gst_ice_turn_check_result_free (result);
  g_free (uri);
}

GST_END_TEST;

/* the right server with a CA that did not sign its certificate: the
 * error names the server and gives OpenSSL's reason */
GST_START_TEST (test_turns_wrong_ca)
{
  gchar *uri = g_strdup_printf ("turns://alice:secret@localhost:%u",
      tls_coturn->tls_port);
  gchar *shown = g_strdup_printf ("turns://alice:***@localhost:%u",
      tls_coturn->tls_port);
  gchar *servers = quoted (uri);
  gchar *props = turns_props (other_ca_file, servers);
  GstElement *consumer = test_consumer_new (props);
  gchar *text;

  gst_element_set_state (consumer, GST_STATE_PLAYING);
  text = error_text (consumer);
  fail_unless (strstr (text, shown) != NULL, "%s", text);
  fail_unless (strstr (text, "certificate verify failed: unable to get "
          "local issuer certificate") != NULL, "%s", text);
  fail_unless (strstr (text, "turn-tls-ca-file") != NULL, "%s", text);
  fail_if (strstr (text, "secret") != NULL, "password shown: %s", text);
  g_free (text);
  test_stop (consumer);
  g_free (props);
  g_free (servers);
  g_free (shown);
  g_free (uri);
}

GST_END_TEST;

/* without turn-tls-ca-file the system's CAs decide, and they do not
 * know this suite's CA: verification is on by default */
GST_START_TEST (test_turns_system_cas)
{
  gchar *uri = g_strdup_printf ("\\\"turns://alice:secret@localhost:%u\\\"",
      tls_coturn->tls_port);
  gchar *props = turns_props (NULL, uri);
  GstElement *consumer = test_consumer_new (props);
  gchar *text;

  gst_element_set_state (consumer, GST_STATE_PLAYING);
  text = error_text (consumer);
  fail_unless (strstr (text, "certificate verify failed") != NULL, "%s", text);
  g_free (text);
  test_stop (consumer);
  g_free (props);
  g_free (uri);
}

GST_END_TEST;

/* a CA file that is not PEM fails the change to READY, naming it */
GST_START_TEST (test_bad_ca_file)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  gchar *path = g_build_filename (cert_dir, "not-a-ca.pem", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  gchar *text;

  fail_unless (g_file_set_contents (path, "hello\n", -1, NULL));
  g_object_set (src, "turn-tls-ca-file", path, NULL);
  gst_element_set_bus (src, bus);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  text = test_message_text (msg);
  fail_unless (strstr (text, path) != NULL, "%s", text);
  fail_unless (strstr (text, "turn-tls-ca-file") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  g_free (path);
}

GST_END_TEST;

/* a port where nothing listens, for a server that does not work */
static guint
dead_port (void)
{
  return tcp_coturn->port + 2;  /* its TLS port, off */
}

/* libnice's TCP TURN connections to a plain server do not go through the
 * bridge: with the TLS server dead, the plain one relays ... */
GST_START_TEST (test_plain_tcp_beside_turns)
{
  gchar *servers = g_strdup_printf ("\\\"turn://alice:secret@127.0.0.1:%u"
      "?transport=tcp\\\", \\\"turns://alice:secret@localhost:%u\\\"",
      tcp_coturn->port, dead_port ());
  gchar *props = turns_props (ca_file, servers);
  guint port = stream_relayed (props);

  fail_unless (relayed_by (tcp_coturn, port), "relayed on port %u", port);
  g_free (props);
  g_free (servers);
}

GST_END_TEST;

/* ... and with the plain server dead, the TLS one does */
GST_START_TEST (test_turns_beside_plain_tcp)
{
  gchar *servers = g_strdup_printf ("\\\"turn://alice:secret@127.0.0.1:%u"
      "?transport=tcp\\\", \\\"turns://alice:secret@localhost:%u\\\"",
      dead_port (), tls_coturn->tls_port);
  gchar *props = turns_props (ca_file, servers);
  guint port = stream_relayed (props);

  fail_unless (relayed_by (tls_coturn, port), "relayed on port %u", port);
  g_free (props);
  g_free (servers);
}

GST_END_TEST;

static guint
count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  fail_unless (dir != NULL);
  while (g_dir_read_name (dir))
    n++;
  g_dir_close (dir);
  return n;
}

/* Waits until no more than @expected descriptors are open. */
static gboolean
wait_fds (guint expected, guint * seen)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((*seen = count_fds ()) > expected) {
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (50 * 1000);
  }
  return TRUE;
}

/* The count once it stayed the same for half a second: the signalling
 * server closes its end of a connection a little after the client. */
static guint
settled_fds (void)
{
  guint n = count_fds (), same = 0;

  while (same < 10) {
    guint now;

    g_usleep (50 * 1000);
    now = count_fds ();
    same = now == n ? same + 1 : 0;
    n = now;
  }
  return n;
}

/* A consumer that leaves ends its session on the producer: the agent's
 * sockets and the bridge's two sockets per TURN connection are closed;
 * and a producer that stops leaves nothing either. */
GST_START_TEST (test_closed_sessions_leave_no_fd)
{
  gchar *uri = g_strdup_printf ("\\\"turns://alice:secret@localhost:%u\\\"",
      tls_coturn->tls_port);
  gchar *props = turns_props (ca_file, uri);
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  guint before, running, seen;
  GstMessage *msg;

  /* once first: GLib and GStreamer keep a few descriptors of their own
   * from the first start on (the resolver's, a worker's) */
  producer = producer_with (props);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  msg = test_wait_message (producer, GST_MESSAGE_ELEMENT, "ice-turn-check",
      TIMEOUT);
  fail_unless (msg != NULL);
  gst_message_unref (msg);
  test_stop (producer);

  before = settled_fds ();
  producer = producer_with (props);
  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  msg = test_wait_message (producer, GST_MESSAGE_ELEMENT, "ice-turn-check",
      TIMEOUT);
  fail_unless (msg != NULL);
  gst_message_unref (msg);
  running = settled_fds ();

  consumer = test_consumer_new (props);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 100, 1000);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 100, TIMEOUT,
          NULL), 100);
  GST_INFO ("descriptors: %u before the producer, %u with it running, %u "
      "with a relayed session", before, running, count_fds ());
  fail_unless (count_fds () > running);
  test_stop (consumer);
  fail_unless (test_wait_count (&removed, 1, TIMEOUT));
  fail_unless (wait_fds (running, &seen), "%u fds after the session ended, "
      "%u before it", seen, running);

  test_assert_no_error (producer);
  test_stop (producer);
  fail_unless (wait_fds (before, &seen), "%u fds after stop, %u before start",
      seen, before);
  g_free (props);
  g_free (uri);
}

GST_END_TEST;

static Suite *
turntls_suite (void)
{
  const gchar *tls_options[] = { "--lt-cred-mech", "--user=alice:secret",
    "--no-tcp", NULL
  };
  const gchar *tcp_options[] = { "--lt-cred-mech", "--user=alice:secret",
    NULL
  };
  Suite *s = suite_create ("turntls");
  TCase *tc = tcase_create ("coturn");
  gchar *ca_key, *cert, *key, *other_key;

  if (!test_coturn_installed () || !test_have_openssl ()) {
    g_print ("SKIP: coturn (turnserver) or openssl is not installed; "
        "apt-get install coturn openssl to run the TURN over TLS tests\n");
    return s;
  }
  cert_dir = g_dir_make_tmp ("gst-ice-turntls-XXXXXX", NULL);
  if (!test_make_ca (cert_dir, "test-ca", &ca_file, &ca_key) ||
      !test_make_ca (cert_dir, "other-ca", &other_ca_file, &other_key) ||
      !test_make_signed_certificate (cert_dir, "turn-server",
          "DNS:localhost,IP:127.0.0.1", ca_file, ca_key, &cert, &key))
    g_error ("openssl could not make the test certificates in %s", cert_dir);
  tls_coturn = test_coturn_start (tls_options, cert, key);
  tcp_coturn = test_coturn_start (tcp_options, NULL, NULL);
  g_free (ca_key);
  g_free (other_key);
  g_free (cert);
  g_free (key);

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_turns_relay_is_tls);
  tcase_add_test (tc, test_tls_port_refuses_plain_turn);
  tcase_add_test (tc, test_turns_name_mismatch);
  tcase_add_test (tc, test_turns_wrong_ca);
  tcase_add_test (tc, test_turns_system_cas);
  tcase_add_test (tc, test_bad_ca_file);
  tcase_add_test (tc, test_plain_tcp_beside_turns);
  tcase_add_test (tc, test_turns_beside_plain_tcp);
  tcase_add_test (tc, test_closed_sessions_leave_no_fd);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = turntls_suite ();
  failed = gst_check_run_suite (s, "turntls", __FILE__);
  if (tls_coturn == NULL)
    return 77;                  /* meson's code for a skipped test */
  test_coturn_stop (tls_coturn);
  test_coturn_stop (tcp_coturn);
  test_dir_remove (cert_dir);
  g_free (cert_dir);
  g_free (ca_file);
  g_free (other_ca_file);
  return failed;
}
