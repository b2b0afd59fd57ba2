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


/* TURN REST credentials (turn-auth-secret) against a real coturn started
 * with --use-auth-secret --static-auth-secret, and what coturn does with
 * such credentials once they expire. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <stun/stunagent.h>
#include <stun/usages/turn.h>
#include <openssl/evp.h>

#include "coturntestutil.h"
#include "icetestutil.h"

#define TIMEOUT (20 * GST_SECOND)
#define SECRET "north-wind-7f3a"

static TestCoturn *coturn;
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

/* icesink or icesrc properties: relay only, through coturn, with REST
 * credentials for 'alice' derived from @secret, valid @lifetime s */
static gchar *
rest_props (const gchar * secret, guint lifetime)
{
  return g_strdup_printf ("signaller::uri=%s ice-transport-policy=relay "
      "turn-auth-secret=%s turn-credential-lifetime=%u "
      "turn-servers=\"<\\\"turn://alice@127.0.0.1:%u\\\">\"", server->uri,
      secret, lifetime, coturn->port);
}

static GstElement *
rest_producer (const gchar * secret, guint lifetime)
{
  gchar *props = rest_props (secret, lifetime);
  gchar *producer_props = g_strdup_printf ("peer-id=cam %s", props);
  GstElement *producer = test_producer_new (producer_props);

  g_free (producer_props);
  g_free (props);
  return producer;
}

static GstElement *
rest_consumer (const gchar * secret, guint lifetime)
{
  gchar *props = rest_props (secret, lifetime);
  GstElement *consumer = test_consumer_new (props);

  g_free (props);
  return consumer;
}

static const gchar *
selected_local_type (GstElement * consumer)
{
  GstMessage *msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT,
      "ice-selected-pair", TIMEOUT);
  const gchar *type;

  fail_unless (msg != NULL, "no selected pair");
  type = g_intern_string (gst_structure_get_string
      (gst_message_get_structure (msg), "local-candidate-type"));
  gst_message_unref (msg);
  return type;
}

GST_START_TEST (test_rest_credentials_relay)
{
  GstElement *producer = rest_producer (SECRET, 600);
  GstElement *consumer = rest_consumer (SECRET, 600);
  gint added = 0, removed = 0;

  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no relayed session");
  test_push_numbered (producer, 0, 300, 1000);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 300, TIMEOUT,
          NULL), 300);
  fail_unless_equals_string (selected_local_type (consumer), "relay");
  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* A secret the server does not share: an error at once, before any
 * session, that names the server, says it refused the credentials and
 * points at turn-auth-secret; the secret itself is not in it. */
GST_START_TEST (test_rest_wrong_secret_is_refused)
{
  GstElement *consumer = rest_consumer ("not-the-secret", 600);
  gchar *server_uri = g_strdup_printf ("turn://alice@127.0.0.1:%u",
      coturn->port);
  GstMessage *msg;
  gchar *text;

  gst_element_set_state (consumer, GST_STATE_PLAYING);
  /* well before the 20 s after which a session without a pair fails */
  msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL, 10 * GST_SECOND);
  fail_unless (msg != NULL, "no error with a wrong turn-auth-secret");
  text = test_message_text (msg);
  fail_unless (strstr (text, "refused the credentials (401") != NULL, "%s",
      text);
  fail_unless (strstr (text, server_uri) != NULL, "%s", text);
  fail_unless (strstr (text, "turn-auth-secret") != NULL, "%s", text);
  fail_unless (strstr (text, "not-the-secret") == NULL, "secret shown: %s",
      text);
  g_free (text);
  gst_message_unref (msg);
  test_stop (consumer);
  g_free (server_uri);
}

GST_END_TEST;

/* When each buffer reaches the consumer's appsink, in µs. */
typedef struct
{
  GMutex lock;
  GArray *times;                /* gint64 */
} Arrivals;

static GstPadProbeReturn
record_arrival (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Arrivals *arrivals = user_data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&arrivals->lock);
  g_array_append_val (arrivals->times, now);
  g_mutex_unlock (&arrivals->lock);
  return GST_PAD_PROBE_OK;
}

static void
watch_arrivals (GstElement * consumer, Arrivals * arrivals)
{
  GstPad *pad = gst_element_get_static_pad (test_get (consumer, "sink"),
      "sink");

  g_mutex_init (&arrivals->lock);
  arrivals->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, record_arrival,
      arrivals, NULL);
  gst_object_unref (pad);
}

static gint64
longest_gap (Arrivals * arrivals)
{
  gint64 longest = 0;
  guint i;

  g_mutex_lock (&arrivals->lock);
  for (i = 1; i < arrivals->times->len; i++)
    longest = MAX (longest, g_array_index (arrivals->times, gint64, i) -
        g_array_index (arrivals->times, gint64, i - 1));
  g_mutex_unlock (&arrivals->lock);
  return longest;
}

#define SHORT_LIFETIME 3
#define PACE_US 20000
#define N_PACED (4 * SHORT_LIFETIME * G_USEC_PER_SEC / PACE_US)

/* Credentials valid for 3 s: a stream four times as long has no gap, and
 * a consumer that comes when the producer's start is long past still gets
 * a relay (each session derives its own credentials). */
GST_START_TEST (test_rest_stream_outlives_credentials)
{
  GstElement *producer = rest_producer (SECRET, SHORT_LIFETIME);
  GstElement *consumer = rest_consumer (SECRET, SHORT_LIFETIME);
  GstElement *late;
  gint added = 0, removed = 0;
  Arrivals arrivals;
  gint64 gap;

  watch_arrivals (consumer, &arrivals);
  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no relayed session");

  test_push_numbered (producer, 0, N_PACED, PACE_US);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_PACED, TIMEOUT,
          NULL), N_PACED);
  gap = longest_gap (&arrivals);
  GST_INFO ("longest gap between buffers: %" G_GINT64_FORMAT " us over %u "
      "buffers", gap, N_PACED);
  fail_unless (gap < 10 * PACE_US, "a gap of %" G_GINT64_FORMAT " ms in a "
      "stream paced at %d ms", gap / 1000, PACE_US / 1000);
  fail_unless_equals_string (selected_local_type (consumer), "relay");

  /* the producer's own start is 4 lifetimes ago */
  late = rest_consumer (SECRET, SHORT_LIFETIME);
  gst_element_set_state (late, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 2, TIMEOUT),
      "no session for a consumer that came after the credentials of the "
      "producer's start expired");
  test_push_numbered (producer, N_PACED, 100, 1000);
  fail_unless_equals_int (test_pull_numbered (late, N_PACED, 100, TIMEOUT,
          NULL), 100);
  fail_unless_equals_string (selected_local_type (late), "relay");

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_assert_no_error (late);
  test_stop (late);
  test_stop (consumer);
  test_stop (producer);
  g_array_unref (arrivals.times);
  g_mutex_clear (&arrivals.lock);
}

GST_END_TEST;

/* Slow (GST_ICE_SLOW_TESTS=1, 11 minutes): coturn grants libnice 600 s and
 * libnice refreshes after 540 s (docs/notes.md), so only a stream longer
 * than 600 s shows that the allocation was refreshed, here with
 * credentials that expired 20 times over (and the permissions twice): had
 * coturn refused the Refresh, the relay would be gone at 600 s. */
#define SLOW_LIFETIME 30
#define SLOW_STREAM_S 660
#define SLOW_PACE_US 50000
#define N_SLOW (SLOW_STREAM_S * G_USEC_PER_SEC / SLOW_PACE_US)

GST_START_TEST (test_rest_relay_refreshed_past_expiry)
{
  GstElement *producer = rest_producer (SECRET, SLOW_LIFETIME);
  GstElement *consumer = rest_consumer (SECRET, SLOW_LIFETIME);
  gint added = 0, removed = 0;
  Arrivals arrivals;
  gint64 gap;

  watch_arrivals (consumer, &arrivals);
  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "no relayed session");

  test_push_numbered (producer, 0, N_SLOW, SLOW_PACE_US);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_SLOW, TIMEOUT,
          NULL), N_SLOW);
  gap = longest_gap (&arrivals);
  GST_INFO ("longest gap between buffers: %" G_GINT64_FORMAT " us over %u "
      "buffers, %d s", gap, (guint) N_SLOW, SLOW_STREAM_S);
  fail_unless (gap < 10 * SLOW_PACE_US, "a gap of %" G_GINT64_FORMAT " ms",
      gap / 1000);

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  test_stop (consumer);
  test_stop (producer);
  g_array_unref (arrivals.times);
  g_mutex_clear (&arrivals.lock);
}

GST_END_TEST;

/* --- coturn's behaviour, at the STUN level ------------------------------ */

/* One client 5-tuple to coturn's UDP port, speaking TURN with libnice's
 * STUN library. */
typedef struct
{
  GSocket *socket;
  GSocketAddress *server;
  StunAgent agent;
  StunMessage request;
  guint8 request_buf[STUN_MAX_MESSAGE_SIZE_IPV6];
  gsize request_len;
  guint8 challenge_buf[STUN_MAX_MESSAGE_SIZE_IPV6];
  StunMessage challenge;        /* the 401 with REALM and NONCE */
  guint8 response_buf[STUN_MAX_MESSAGE_SIZE_IPV6];
  StunMessage response;
} TurnClient;

static void
turn_client_init (TurnClient * c)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);

  memset (c, 0, sizeof (*c));
  c->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);
  fail_unless (g_socket_bind (c->socket, any, FALSE, NULL));
  c->server = g_inet_socket_address_new (lo, coturn->port);
  stun_agent_init (&c->agent, STUN_ALL_KNOWN_ATTRIBUTES,
      STUN_COMPATIBILITY_RFC5389, STUN_AGENT_USAGE_LONG_TERM_CREDENTIALS);
  g_object_unref (any);
  g_object_unref (lo);
}

static void
turn_client_clear (TurnClient * c)
{
  g_object_unref (c->socket);
  g_object_unref (c->server);
}

/* Sends the request built in @c (again every 500 ms) and returns the
 * answer's STUN error code, 0 for a success response. */
static gint
turn_client_transact (TurnClient * c)
{
  gint attempt;

  fail_unless (c->request_len > 0, "request not built");
  for (attempt = 0; attempt < 6; attempt++) {
    gint64 deadline = g_get_monotonic_time () + 500 * 1000;

    fail_unless (g_socket_send_to (c->socket, c->server,
            (const gchar *) c->request_buf, c->request_len, NULL, NULL) ==
        (gssize) c->request_len);
    while (g_get_monotonic_time () < deadline) {
      StunValidationStatus status;
      gssize len;
      gint code = 0;

      if (!g_socket_condition_timed_wait (c->socket, G_IO_IN,
              deadline - g_get_monotonic_time (), NULL, NULL))
        break;
      len = g_socket_receive (c->socket, (gchar *) c->response_buf,
          sizeof (c->response_buf), NULL, NULL);
      if (len <= 0)
        continue;
      status = stun_agent_validate (&c->agent, &c->response, c->response_buf,
          len, NULL, NULL);
      /* coturn sends its 441 without MESSAGE-INTEGRITY, which the agent
       * calls unauthorized: take it when it answers our request */
      if (status == STUN_VALIDATION_UNAUTHORIZED &&
          stun_message_get_class (&c->response) == STUN_ERROR) {
        StunTransactionId sent, got;

        stun_message_id (&c->request, sent);
        stun_message_id (&c->response, got);
        if (memcmp (sent, got, sizeof (sent)) == 0)
          status = STUN_VALIDATION_SUCCESS;
      }
      if (status != STUN_VALIDATION_SUCCESS)
        continue;
      if (stun_message_get_class (&c->response) == STUN_RESPONSE)
        return 0;
      fail_unless (stun_message_find_error (&c->response, &code) ==
          STUN_MESSAGE_RETURN_SUCCESS);
      return code;
    }
  }
  fail ("coturn did not answer");
  return -1;
}

static void
rest_credentials (guint lifetime, gchar ** username, gchar ** password)
{
  guint8 mac[EVP_MAX_MD_SIZE];
  size_t mac_length = 0;

  *username = g_strdup_printf ("%" G_GINT64_FORMAT ":alice",
      g_get_real_time () / G_USEC_PER_SEC + lifetime);
  fail_unless (EVP_Q_mac (NULL, "HMAC", NULL, "SHA1", NULL, SECRET,
          strlen (SECRET), (const guint8 *) *username, strlen (*username),
          mac, sizeof (mac), &mac_length) != NULL);
  *password = g_base64_encode (mac, mac_length);
}

/* Allocates with @username: the challenge first, then the request with
 * the credentials; returns the second answer's error code. */
static gint
turn_client_allocate (TurnClient * c, const gchar * username,
    const gchar * password)
{
  gint code;

  c->request_len = stun_usage_turn_create (&c->agent, &c->request,
      c->request_buf, sizeof (c->request_buf), NULL,
      STUN_USAGE_TURN_REQUEST_PORT_NORMAL, -1, -1, (guint8 *) username,
      strlen (username), (guint8 *) password, strlen (password),
      STUN_USAGE_TURN_COMPATIBILITY_RFC5766);
  code = turn_client_transact (c);
  fail_unless_equals_int (code, 401);
  /* keep the challenge: its NONCE goes in every request that follows */
  memcpy (c->challenge_buf, c->response_buf, sizeof (c->challenge_buf));
  c->challenge = c->response;
  c->challenge.buffer = c->challenge_buf;

  c->request_len = stun_usage_turn_create (&c->agent, &c->request,
      c->request_buf, sizeof (c->request_buf), &c->challenge,
      STUN_USAGE_TURN_REQUEST_PORT_NORMAL, -1, -1, (guint8 *) username,
      strlen (username), (guint8 *) password, strlen (password),
      STUN_USAGE_TURN_COMPATIBILITY_RFC5766);
  return turn_client_transact (c);
}

static gint
turn_client_refresh (TurnClient * c, const gchar * username,
    const gchar * password, gint lifetime)
{
  c->request_len = stun_usage_turn_create_refresh (&c->agent, &c->request,
      c->request_buf, sizeof (c->request_buf), &c->challenge, lifetime,
      (guint8 *) username, strlen (username), (guint8 *) password,
      strlen (password), STUN_USAGE_TURN_COMPATIBILITY_RFC5766);
  return turn_client_transact (c);
}

/* What docs/notes.md says of coturn 4.6.1 and REST credentials: it checks
 * the expiry when an allocation is made, then keeps the key of the
 * allocation, so that a Refresh with the expired user name still
 * succeeds; and it refuses (441) a Refresh with another user name, so
 * that an allocation cannot be given new credentials. */
GST_START_TEST (test_coturn_refreshes_past_expiry)
{
  TurnClient c, other;
  gchar *user, *pass, *fresh_user, *fresh_pass;
  gint64 expiry;

  turn_client_init (&c);
  rest_credentials (2, &user, &pass);
  expiry = g_ascii_strtoll (user, NULL, 10);
  fail_unless_equals_int (turn_client_allocate (&c, user, pass), 0);

  /* a wall-clock deadline: nothing to wait on but the time itself */
  while (g_get_real_time () / G_USEC_PER_SEC <= expiry + 1)
    g_usleep (100 * 1000);

  fail_unless_equals_int (turn_client_refresh (&c, user, pass, -1), 0);
  rest_credentials (600, &fresh_user, &fresh_pass);
  fail_unless_equals_int (turn_client_refresh (&c, fresh_user, fresh_pass,
          -1), 441);

  /* a new allocation with the expired user name is refused */
  turn_client_init (&other);
  fail_unless_equals_int (turn_client_allocate (&other, user, pass), 401);

  fail_unless_equals_int (turn_client_refresh (&c, user, pass, 0), 0);
  turn_client_clear (&other);
  turn_client_clear (&c);
  g_free (user);
  g_free (pass);
  g_free (fresh_user);
  g_free (fresh_pass);
}

GST_END_TEST;

static Suite *
turnrest_suite (void)
{
  const gchar *options[] = { "--use-auth-secret",
    "--static-auth-secret=" SECRET, NULL
  };
  Suite *s = suite_create ("turnrest");
  TCase *tc = tcase_create ("coturn");

  coturn = test_coturn_start (options, NULL, NULL);
  if (coturn == NULL) {
    g_print ("SKIP: coturn (turnserver) is not installed; "
        "apt-get install coturn to run the TURN tests\n");
    return s;
  }
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_rest_credentials_relay);
  tcase_add_test (tc, test_rest_wrong_secret_is_refused);
  tcase_add_test (tc, test_rest_stream_outlives_credentials);
  tcase_add_test (tc, test_coturn_refreshes_past_expiry);
  if (g_getenv ("GST_ICE_SLOW_TESTS")) {
    TCase *slow = tcase_create ("slow");

    tcase_set_timeout (slow, 900);
    tcase_add_checked_fixture (slow, setup, teardown);
    suite_add_tcase (s, slow);
    tcase_add_test (slow, test_rest_relay_refreshed_past_expiry);
  }
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = turnrest_suite ();
  failed = gst_check_run_suite (s, "turnrest", __FILE__);
  if (coturn == NULL)
    return 77;                  /* meson's code for a skipped test */
  test_coturn_stop (coturn);
  return failed;
}
