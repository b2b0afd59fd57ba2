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

/* GstIceSignallingServer driven by real GstIceWebSocketSignaller peers and
 * a raw WebSocket client, all on loopback in the test's own main context. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include <gst/ice/gsticeerror.h>
#include <gst/ice/signalling/gsticesignallingserver.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>

#include "dtlstestutil.h"
#include "icetestutil.h"
#include "testdir.h"
#include "testproxy.h"
#include "testwebsocket.h"

/* longest wait for one expected event */
#define WAIT_TIMEOUT_MS 5000
/* how long to watch for events that must not come */
#define QUIET_MS 200
/* a TLS handshake takes seconds under the sanitizers' full stack
 * unwinding: GnuTLS allocates a lot */
#define TLS_TIMEOUT_MS 30000

typedef struct
{
  gchar *name;
  gchar *arg1;
  gchar *arg2;
  GQuark domain;                /* errors only */
  gint code;
  gchar *message;               /* session-ended-with-reason only */
} Event;

/* A signaller and the signals it emitted, oldest first. */
typedef struct
{
  gchar *label;                 /* also its peer id */
  GstIceSignaller *signaller;
  GQueue events;
} TestPeer;

/* A WebSocket client that sends whatever the test wants. */
typedef struct
{
  SoupSession *session;
  SoupWebsocketConnection *ws;
  GQueue messages;              /* gchar *, received text */
  gboolean connect_done;
} RawClient;

static GMainContext *context;
static GstIceSignallingServer *server;
static gchar *server_uri;

/* Main context helpers */

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static GSource *
add_timer (guint ms, gboolean * flag)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, set_flag, flag, NULL);
  g_source_attach (source, context);
  return source;
}

static void
remove_timer (GSource * source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
iterate_for (guint ms)
{
  gboolean done = FALSE;
  GSource *timer = add_timer (ms, &done);

  while (!done)
    g_main_context_iteration (context, TRUE);
  remove_timer (timer);
}

static void
setup (void)
{
  GError *error = NULL;
  guint port;

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  server = gst_ice_signalling_server_new ("127.0.0.1", 0);
  fail_unless (gst_ice_signalling_server_start (server, &error),
      "server did not start: %s", error ? error->message : "no error");
  port = gst_ice_signalling_server_get_port (server);
  fail_unless (port != 0);
  server_uri = g_strdup_printf ("ws://127.0.0.1:%u", port);
}

static void
teardown (void)
{
  gst_ice_signalling_server_stop (server);
  g_object_unref (server);
  server = NULL;
  /* let closing connections finish */
  iterate_for (20);
  while (g_main_context_iteration (context, FALSE));
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  context = NULL;
  g_clear_pointer (&server_uri, g_free);
}

/* Signaller peers */

static void
event_free (Event * event)
{
  g_free (event->name);
  g_free (event->arg1);
  g_free (event->arg2);
  g_free (event->message);
  g_free (event);
}

static Event *
push_event (TestPeer * peer, const gchar * name, const gchar * arg1,
    const gchar * arg2)
{
  Event *event = g_new0 (Event, 1);

  GST_DEBUG ("%s: %s %s %s", peer->label, name, GST_STR_NULL (arg1),
      GST_STR_NULL (arg2));
  event->name = g_strdup (name);
  event->arg1 = g_strdup (arg1);
  event->arg2 = g_strdup (arg2);
  g_queue_push_tail (&peer->events, event);
  return event;
}

static void
on_session_requested (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, TestPeer * peer)
{
  push_event (peer, "session-requested", session_id, peer_id);
}

static void
on_session_started (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, TestPeer * peer)
{
  push_event (peer, "session-started", session_id, peer_id);
}

static void
on_session_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description, TestPeer * peer)
{
  push_event (peer, "session-description", session_id, description);
}

static void
on_session_candidate (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * candidate, TestPeer * peer)
{
  push_event (peer, "session-candidate", session_id, candidate);
}

static void
on_session_ended (GstIceSignaller * signaller, const gchar * session_id,
    TestPeer * peer)
{
  push_event (peer, "session-ended", session_id, NULL);
}

static void
on_session_ended_with_reason (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * reason, const gchar * message,
    TestPeer * peer)
{
  Event *event = push_event (peer, "session-ended-with-reason", session_id,
      reason);

  event->message = g_strdup (message);
}

static void
on_producer_added (GstIceSignaller * signaller, const gchar * peer_id,
    TestPeer * peer)
{
  push_event (peer, "producer-added", peer_id, NULL);
}

static void
on_producer_removed (GstIceSignaller * signaller, const gchar * peer_id,
    TestPeer * peer)
{
  push_event (peer, "producer-removed", peer_id, NULL);
}

static void
on_error (GstIceSignaller * signaller, const GError * error, TestPeer * peer)
{
  Event *event = push_event (peer, "error", error->message, NULL);

  event->domain = error->domain;
  event->code = error->code;
}

static TestPeer *
test_peer_new (const gchar * label, const gchar * uri)
{
  TestPeer *peer = g_new0 (TestPeer, 1);

  peer->label = g_strdup (label);
  peer->signaller = gst_ice_websocket_signaller_new (uri);
  g_queue_init (&peer->events);

  g_signal_connect (peer->signaller, "session-requested",
      G_CALLBACK (on_session_requested), peer);
  g_signal_connect (peer->signaller, "session-started",
      G_CALLBACK (on_session_started), peer);
  g_signal_connect (peer->signaller, "session-description",
      G_CALLBACK (on_session_description), peer);
  g_signal_connect (peer->signaller, "session-candidate",
      G_CALLBACK (on_session_candidate), peer);
  g_signal_connect (peer->signaller, "session-ended",
      G_CALLBACK (on_session_ended), peer);
  g_signal_connect (peer->signaller, "session-ended-with-reason",
      G_CALLBACK (on_session_ended_with_reason), peer);
  g_signal_connect (peer->signaller, "producer-added",
      G_CALLBACK (on_producer_added), peer);
  g_signal_connect (peer->signaller, "producer-removed",
      G_CALLBACK (on_producer_removed), peer);
  g_signal_connect (peer->signaller, "error", G_CALLBACK (on_error), peer);

  return peer;
}

static TestPeer *
test_peer_start (const gchar * label, GstIceSignallerRole role)
{
  TestPeer *peer = test_peer_new (label, server_uri);

  gst_ice_signaller_start (peer->signaller, role, label);
  return peer;
}

static void
test_peer_free (TestPeer * peer)
{
  gst_ice_signaller_stop (peer->signaller);
  g_signal_handlers_disconnect_by_data (peer->signaller, peer);
  g_object_unref (peer->signaller);
  g_queue_clear_full (&peer->events, (GDestroyNotify) event_free);
  g_free (peer->label);
  g_free (peer);
}

/* Runs the context until @peer emitted a signal and returns the oldest one,
 * which must be @name. */
static Event *
wait_event (TestPeer * peer, const gchar * name)
{
  gboolean timed_out = FALSE;
  GSource *watchdog = add_timer (WAIT_TIMEOUT_MS, &timed_out);
  Event *event;

  while (g_queue_is_empty (&peer->events) && !timed_out)
    g_main_context_iteration (context, TRUE);
  remove_timer (watchdog);

  fail_if (g_queue_is_empty (&peer->events), "%s: no %s within %d ms",
      peer->label, name, WAIT_TIMEOUT_MS);
  event = g_queue_pop_head (&peer->events);
  fail_unless (g_str_equal (event->name, name),
      "%s: expected %s, got %s (%s)", peer->label, name, event->name,
      GST_STR_NULL (event->arg1));
  return event;
}

/* Waits for @name and checks its arguments, unless they are NULL. */
static void
expect_event (TestPeer * peer, const gchar * name, const gchar * arg1,
    const gchar * arg2)
{
  Event *event = wait_event (peer, name);

  if (arg1 != NULL)
    fail_unless_equals_string (event->arg1, arg1);
  if (arg2 != NULL)
    fail_unless_equals_string (event->arg2, arg2);
  event_free (event);
}

/* Waits for an error whose message contains @text. */
static gchar *
expect_error (TestPeer * peer, const gchar * text)
{
  Event *event = wait_event (peer, "error");
  gchar *message;

  fail_unless (event->domain == GST_ICE_ERROR);
  fail_unless_equals_int (event->code, GST_ICE_ERROR_SIGNALLING);
  fail_unless (strstr (event->arg1, text) != NULL,
      "%s: error '%s' does not contain '%s'", peer->label, event->arg1, text);
  message = g_strdup (event->arg1);
  event_free (event);
  return message;
}

static void
expect_quiet (TestPeer * peer)
{
  Event *event = g_queue_peek_head (&peer->events);

  fail_unless (event == NULL, "%s: unexpected %s (%s, %s)", peer->label,
      event ? event->name : "", event ? GST_STR_NULL (event->arg1) : "",
      event ? GST_STR_NULL (event->arg2) : "");
}

/* @consumer asks @producer for a session; returns its id. */
static gchar *
open_session (TestPeer * producer, TestPeer * consumer)
{
  Event *event;
  gchar *session_id;

  gst_ice_signaller_request_session (consumer->signaller, producer->label);
  event = wait_event (producer, "session-requested");
  fail_unless_equals_string (event->arg2, consumer->label);
  session_id = g_strdup (event->arg1);
  event_free (event);

  expect_event (consumer, "session-started", session_id, producer->label);
  return session_id;
}

/* A port on which nothing listens: that of a listening socket just closed. */
static guint
closed_port (void)
{
  GSocket *socket;
  GSocketAddress *address;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  fail_unless (socket != NULL);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  fail_unless (g_socket_bind (socket, address, TRUE, NULL));
  fail_unless (g_socket_listen (socket, NULL));
  g_object_unref (address);

  address = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  g_object_unref (address);
  g_socket_close (socket, NULL);
  g_object_unref (socket);

  return port;
}

/* Raw client */

static void
on_raw_message (SoupWebsocketConnection * ws, gint type, GBytes * message,
    RawClient * raw)
{
  gsize size;
  const gchar *data = g_bytes_get_data (message, &size);

  g_queue_push_tail (&raw->messages, g_strndup (data, size));
}

static void
on_raw_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  RawClient *raw = user_data;
  GError *error = NULL;

  raw->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, &error);
  fail_unless (raw->ws != NULL, "raw client could not connect: %s",
      error ? error->message : "no error");
  g_signal_connect (raw->ws, "message", G_CALLBACK (on_raw_message), raw);
  raw->connect_done = TRUE;
}

static RawClient *
raw_client_new (void)
{
  RawClient *raw = g_new0 (RawClient, 1);
  SoupMessage *msg;
  gboolean timed_out = FALSE;
  GSource *watchdog;

  g_queue_init (&raw->messages);
  raw->session = soup_session_new ();
  msg = soup_message_new ("GET", server_uri);
  soup_session_websocket_connect_async (raw->session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, on_raw_connected, raw);
  g_object_unref (msg);

  watchdog = add_timer (WAIT_TIMEOUT_MS, &timed_out);
  while (!raw->connect_done && !timed_out)
    g_main_context_iteration (context, TRUE);
  remove_timer (watchdog);
  fail_unless (raw->connect_done, "raw client did not connect");

  return raw;
}

static void
raw_send (RawClient * raw, const gchar * text)
{
  fail_unless (soup_websocket_connection_get_state (raw->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN, "server closed the raw connection");
  soup_websocket_connection_send_text (raw->ws, text);
}

/* Waits for a message of @type, skipping others; returns it parsed. */
static JsonObject *
raw_wait_message (RawClient * raw, const gchar * type)
{
  gboolean timed_out = FALSE;
  GSource *watchdog = add_timer (WAIT_TIMEOUT_MS, &timed_out);
  JsonObject *found = NULL;

  while (found == NULL && !timed_out) {
    gchar *text = g_queue_pop_head (&raw->messages);
    JsonNode *node;

    if (text == NULL) {
      g_main_context_iteration (context, TRUE);
      continue;
    }

    node = json_from_string (text, NULL);
    fail_unless (node != NULL && JSON_NODE_HOLDS_OBJECT (node),
        "server sent something that is not a JSON object: %s", text);
    if (g_strcmp0 (json_object_get_string_member (json_node_get_object (node),
                "type"), type) == 0)
      found = json_object_ref (json_node_get_object (node));
    else
      GST_DEBUG ("raw client skips %s", text);
    json_node_unref (node);
    g_free (text);
  }
  remove_timer (watchdog);

  fail_unless (found != NULL, "raw client got no %s within %d ms", type,
      WAIT_TIMEOUT_MS);
  return found;
}

/* Closes the connection properly, or just drops it if @abrupt. */
static void
raw_client_free (RawClient * raw, gboolean abrupt)
{
  g_signal_handlers_disconnect_by_data (raw->ws, raw);
  if (!abrupt && soup_websocket_connection_get_state (raw->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (raw->ws, SOUP_WEBSOCKET_CLOSE_NORMAL,
        NULL);
  g_object_unref (raw->ws);
  g_object_unref (raw->session);
  g_queue_clear_full (&raw->messages, g_free);
  g_free (raw);
}

/* Tests */

GST_START_TEST (test_prepare_checks_uri)
{
  /* *INDENT-OFF* */
  const struct
  {
    const gchar *uri;
    gboolean valid;
  } cases[] = {
    {"http://x", FALSE},
    {"ws:///no-host", FALSE},
    {"not a uri", FALSE},
    {"", FALSE},
    {"ws://127.0.0.1:8443", TRUE},
    {"wss://signalling.example.org/ice", TRUE},
    {"ws://[::1]:8443", TRUE},
  };
  /* *INDENT-ON* */
  GstIceSignaller *signaller;
  GError *error = NULL;
  gchar *uri;
  guint retries, interval;
  guint i;
  TestPeer *peer;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *quoted;

    signaller = gst_ice_websocket_signaller_new (cases[i].uri);
    if (cases[i].valid) {
      fail_unless (gst_ice_signaller_prepare (signaller, &error),
          "'%s' was refused: %s", cases[i].uri,
          error ? error->message : "no error");
    } else {
      fail_if (gst_ice_signaller_prepare (signaller, &error),
          "'%s' was accepted", cases[i].uri);
      fail_unless (g_error_matches (error, GST_ICE_ERROR,
              GST_ICE_ERROR_INVALID_URI));
      quoted = g_strdup_printf ("signaller uri '%s' is not a ws:// or wss:// "
          "URI", cases[i].uri);
      fail_unless (g_str_has_prefix (error->message, quoted),
          "unexpected message: %s", error->message);
      g_free (quoted);
      g_clear_error (&error);
    }
    g_object_unref (signaller);
  }

  signaller = gst_ice_websocket_signaller_new ("http://x");
  fail_if (gst_ice_signaller_prepare (signaller, &error));
  fail_unless_equals_string (error->message,
      "signaller uri 'http://x' is not a ws:// or wss:// URI");
  g_clear_error (&error);
  g_object_unref (signaller);

  /* defaults */
  signaller = gst_ice_websocket_signaller_new (NULL);
  g_object_get (signaller, "uri", &uri, "connection-retries", &retries,
      "retry-interval", &interval, NULL);
  fail_unless_equals_string (uri, "ws://127.0.0.1:8443");
  fail_unless_equals_int (retries, 0);
  fail_unless_equals_int (interval, 1000);
  g_free (uri);
  g_object_unref (signaller);

  /* started without prepare(): the error comes from the context, after
   * start() returned */
  peer = test_peer_new ("cam1", "http://x");
  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  expect_quiet (peer);
  {
    Event *event = wait_event (peer, "error");

    fail_unless (event->domain == GST_ICE_ERROR);
    fail_unless_equals_int (event->code, GST_ICE_ERROR_INVALID_URI);
    fail_unless (strstr (event->arg1, "'http://x'") != NULL);
    event_free (event);
  }
  test_peer_free (peer);
}

GST_END_TEST;

GST_START_TEST (test_producer_added)
{
  TestPeer *cam1, *cam2, *viewer1, *viewer2;
  Event *event1, *event2;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);

  /* a producer registering later is announced too */
  cam2 = test_peer_start ("cam2", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  expect_event (viewer1, "producer-added", "cam2", NULL);

  /* a consumer registering later hears of both */
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  event1 = wait_event (viewer2, "producer-added");
  event2 = wait_event (viewer2, "producer-added");
  fail_unless ((g_str_equal (event1->arg1, "cam1")
          && g_str_equal (event2->arg1, "cam2"))
      || (g_str_equal (event1->arg1, "cam2")
          && g_str_equal (event2->arg1, "cam1")));
  event_free (event1);
  event_free (event2);

  /* producers hear of no one */
  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (cam2);
  expect_quiet (viewer1);
  expect_quiet (viewer2);

  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam2);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_session_routing)
{
  TestPeer *cam1, *viewer1, *viewer2;
  gchar *s1, *s2;
  Event *event;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  s1 = open_session (cam1, viewer1);

  /* asked before the server confirmed the registration: queued, sent once
   * registered */
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  gst_ice_signaller_request_session (viewer2->signaller, "cam1");
  event = wait_event (cam1, "session-requested");
  fail_unless_equals_string (event->arg2, "viewer2");
  s2 = g_strdup (event->arg1);
  event_free (event);
  fail_if (g_str_equal (s1, s2));
  expect_event (viewer2, "producer-added", "cam1", NULL);
  expect_event (viewer2, "session-started", s2, "cam1");

  /* producer to consumers, in order, each on its own session */
  gst_ice_signaller_send_description (cam1->signaller, s1, "offer 1");
  gst_ice_signaller_send_candidate (cam1->signaller, s1,
      "a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host");
  gst_ice_signaller_send_description (cam1->signaller, s2, "offer 2");
  gst_ice_signaller_send_candidate (cam1->signaller, s1,
      "a=candidate:2 1 UDP 1694498815 198.51.100.1 6000 typ srflx");
  gst_ice_signaller_send_candidate (cam1->signaller, s2,
      "a=candidate:3 1 UDP 2130706431 192.0.2.1 5002 typ host");
  gst_ice_signaller_send_candidate (cam1->signaller, s1, "a=end-of-candidates");

  expect_event (viewer1, "session-description", s1, "offer 1");
  expect_event (viewer1, "session-candidate", s1,
      "a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host");
  expect_event (viewer1, "session-candidate", s1,
      "a=candidate:2 1 UDP 1694498815 198.51.100.1 6000 typ srflx");
  expect_event (viewer1, "session-candidate", s1, "a=end-of-candidates");
  expect_event (viewer2, "session-description", s2, "offer 2");
  expect_event (viewer2, "session-candidate", s2,
      "a=candidate:3 1 UDP 2130706431 192.0.2.1 5002 typ host");

  /* consumer to producer */
  gst_ice_signaller_send_description (viewer1->signaller, s1, "answer 1");
  gst_ice_signaller_send_candidate (viewer1->signaller, s1,
      "a=candidate:4 1 UDP 2130706431 192.0.2.2 7000 typ host");
  gst_ice_signaller_send_candidate (viewer1->signaller, s1,
      "a=end-of-candidates");
  gst_ice_signaller_send_description (viewer2->signaller, s2, "answer 2");
  expect_event (cam1, "session-description", s1, "answer 1");
  expect_event (cam1, "session-candidate", s1,
      "a=candidate:4 1 UDP 2130706431 192.0.2.2 7000 typ host");
  expect_event (cam1, "session-candidate", s1, "a=end-of-candidates");
  expect_event (cam1, "session-description", s2, "answer 2");

  /* nobody can send on a session that is not theirs */
  gst_ice_signaller_send_description (viewer2->signaller, s1, "intruder");
  gst_ice_signaller_send_candidate (viewer2->signaller, s1,
      "a=candidate:5 1 UDP 1 203.0.113.1 9 typ host");
  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (viewer1);
  expect_quiet (viewer2);

  g_free (s1);
  g_free (s2);
  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_end_session)
{
  TestPeer *cam1, *viewer1, *viewer2;
  gchar *s1, *s2;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  expect_event (viewer2, "producer-added", "cam1", NULL);
  s1 = open_session (cam1, viewer1);
  s2 = open_session (cam1, viewer2);

  /* ended by the consumer */
  gst_ice_signaller_end_session (viewer1->signaller, s1);
  expect_event (cam1, "session-ended", s1, NULL);

  /* ended by the producer */
  gst_ice_signaller_end_session (cam1->signaller, s2);
  expect_event (viewer2, "session-ended", s2, NULL);

  /* ended sessions are forgotten */
  gst_ice_signaller_send_candidate (viewer1->signaller, s1,
      "a=end-of-candidates");
  gst_ice_signaller_send_description (cam1->signaller, s2, "late offer");
  gst_ice_signaller_end_session (viewer2->signaller, s2);
  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (viewer1);
  expect_quiet (viewer2);

  /* and a new one can start */
  g_free (s1);
  s1 = open_session (cam1, viewer1);

  g_free (s1);
  g_free (s2);
  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_consumer_leaves)
{
  TestPeer *cam1, *viewer1, *viewer2;
  gchar *s1, *s2;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  expect_event (viewer2, "producer-added", "cam1", NULL);
  s1 = open_session (cam1, viewer1);
  s2 = open_session (cam1, viewer2);

  gst_ice_signaller_stop (viewer1->signaller);
  expect_event (cam1, "session-ended", s1, NULL);

  /* the other session goes on */
  gst_ice_signaller_send_description (cam1->signaller, s2, "offer 2");
  expect_event (viewer2, "session-description", s2, "offer 2");

  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (viewer1);
  expect_quiet (viewer2);

  g_free (s1);
  g_free (s2);
  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_producer_leaves)
{
  TestPeer *cam1, *viewer1, *viewer2;
  gchar *s1;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  expect_event (viewer2, "producer-added", "cam1", NULL);
  s1 = open_session (cam1, viewer1);

  gst_ice_signaller_stop (cam1->signaller);
  expect_event (viewer1, "session-ended", s1, NULL);
  /* after the end of its sessions, every consumer hears it left */
  expect_event (viewer1, "producer-removed", "cam1", NULL);
  expect_event (viewer2, "producer-removed", "cam1", NULL);

  /* viewer2 had no session: nothing to end */
  iterate_for (QUIET_MS);
  expect_quiet (viewer2);

  /* the producer is gone: asking for it again says so, no error */
  gst_ice_signaller_request_session (viewer2->signaller, "cam1");
  expect_event (viewer2, "producer-removed", "cam1", NULL);

  g_free (s1);
  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_duplicate_peer_id)
{
  TestPeer *cam1, *viewer1, *dup_cam, *dup_viewer;
  gchar *session_id, *message;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  /* cam1 is registered once viewer1 heard of it */
  expect_event (viewer1, "producer-added", "cam1", NULL);

  dup_cam = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  message = expect_error (dup_cam, "peer id 'cam1' is already registered");
  fail_unless (strstr (message, server_uri) != NULL);
  g_free (message);

  /* ids are unique across roles */
  dup_viewer = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  g_free (expect_error (dup_viewer, "peer id 'cam1' is already registered"));

  /* the first cam1 still serves */
  session_id = open_session (cam1, viewer1);

  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (viewer1);
  expect_quiet (dup_cam);
  expect_quiet (dup_viewer);

  g_free (session_id);
  test_peer_free (dup_viewer);
  test_peer_free (dup_cam);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_malformed_messages_ignored)
{
  static const gchar *junk[] = {
    "{not json",
    "null",
    "42",
    "\"register\"",
    "[1, 2, 3]",
    "{}",
    "{\"type\": 42}",
    "{\"type\": null}",
    "{\"type\": [\"register\"]}",
    "{\"type\": \"no-such-type\"}",
    "{\"type\": \"register\"}",
    "{\"type\": \"register\", \"peerId\": 7, \"role\": \"consumer\"}",
    "{\"type\": \"register\", \"peerId\": \"x\", \"role\": \"king\"}",
    "{\"type\": \"register\", \"peerId\": {\"a\": 1}, \"role\": []}",
    "{\"type\": \"register\", \"peerId\": \"\", \"role\": \"consumer\"}",
    "{\"type\": \"register\", \"peerId\": \"\\ud800\", \"role\": \"consumer\"}",
    "{\"type\": \"register\", \"peerId\": 1e999999, \"role\": \"producer\"}",
    "{\"type\": \"register\", \"peerId\": 123456789012345678901234567890}",
    "{\"type\": \"startSession\", \"producerId\": []}",
    "{\"type\": \"peer\", \"sessionId\": {}, \"candidate\": 1}",
    "{\"type\": \"endSession\", \"sessionId\": \"nope\"}",
    "{'type': 'register', 'peerId': 'sq', 'role': 'consumer'}",
    "/* comment */ {\"type\": \"register\"}",
    "{\"type\": \"register\", \"peerId\": \"a\", \"role\": \"consumer\"",
  };
  RawClient *raw;
  TestPeer *cam1, *viewer1;
  JsonObject *message;
  GString *big;
  gchar *session_id, *text;
  guint i;

  raw = raw_client_new ();

  for (i = 0; i < G_N_ELEMENTS (junk); i++)
    raw_send (raw, junk[i]);
  soup_websocket_connection_send_binary (raw->ws, "\0\1\2", 3);

  /* json-glib recurses per level: this would exhaust its stack */
  big = g_string_new (NULL);
  for (i = 0; i < 100000; i++)
    g_string_append_c (big, '[');
  raw_send (raw, big->str);
  g_string_free (big, TRUE);

  /* long values */
  big = g_string_new ("{\"type\": \"register\", \"role\": \"consumer\", "
      "\"peerId\": \"");
  for (i = 0; i < 60000; i++)
    g_string_append_c (big, 'p');
  g_string_append (big, "\"}");
  raw_send (raw, big->str);
  g_string_free (big, TRUE);

  /* the connection is still served */
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"raw\", "
      "\"role\": \"consumer\"}");
  message = raw_wait_message (raw, "registered");
  fail_unless_equals_string (json_object_get_string_member (message,
          "peerId"), "raw");
  json_object_unref (message);

  /* and so are others */
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  message = raw_wait_message (raw, "producerAdded");
  fail_unless_equals_string (json_object_get_string_member (message,
          "peerId"), "cam1");
  json_object_unref (message);

  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  session_id = open_session (cam1, viewer1);

  /* a registered client cannot meddle with the sessions of others */
  text = g_strdup_printf ("{\"type\": \"peer\", \"sessionId\": \"%s\", "
      "\"description\": \"hijack\"}", session_id);
  raw_send (raw, text);
  g_free (text);
  text = g_strdup_printf ("{\"type\": \"endSession\", \"sessionId\": \"%s\"}",
      session_id);
  raw_send (raw, text);
  g_free (text);
  raw_send (raw, "{\"type\": \"peer\", \"sessionId\": null, "
      "\"description\": \"x\"}");
  raw_send (raw, "{\"type\": \"startSession\", \"producerId\": \"viewer1\"}");
  message = raw_wait_message (raw, "error");
  fail_unless_equals_string (json_object_get_string_member (message,
          "message"), "no producer 'viewer1' is registered");
  json_object_unref (message);

  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (viewer1);

  gst_ice_signaller_send_description (cam1->signaller, session_id, "offer");
  expect_event (viewer1, "session-description", session_id, "offer");

  g_free (session_id);
  raw_client_free (raw, FALSE);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* Sends @text and checks the error it gets: its code and message. */
static void
expect_error_code (RawClient * raw, const gchar * text, const gchar * code,
    const gchar * message)
{
  JsonObject *error;

  raw_send (raw, text);
  error = raw_wait_message (raw, "error");
  fail_unless (json_object_has_member (error, "code"),
      "error without a code after %s", text);
  fail_unless_equals_string (json_object_get_string_member (error, "code"),
      code);
  fail_unless_equals_string (json_object_get_string_member (error,
          "message"), message);
  json_object_unref (error);
}

/* Each error carries a machine-readable code, so that a client can tell
 * a producer that just left from a refusal. */
GST_START_TEST (test_error_codes)
{
  RawClient *raw, *rawcam;
  TestPeer *cam1;
  JsonObject *error;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  raw = raw_client_new ();
  expect_error_code (raw, "{\"type\": \"startSession\", "
      "\"producerId\": \"cam1\"}", "not-registered",
      "register before sending anything else");
  expect_error_code (raw, "{\"type\": \"register\", \"role\": "
      "\"consumer\"}", "bad-message",
      "register needs a peerId string of 1 to 256 bytes");
  expect_error_code (raw, "{\"type\": \"register\", \"peerId\": \"x\", "
      "\"role\": \"king\"}", "bad-message",
      "role 'king' is not 'producer' or 'consumer'");
  /* cam1 is registered once rawviewer is told about it */
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"rawviewer\", "
      "\"role\": \"consumer\"}");
  json_object_unref (raw_wait_message (raw, "registered"));
  json_object_unref (raw_wait_message (raw, "producerAdded"));
  expect_error_code (raw, "{\"type\": \"register\", \"peerId\": \"y\", "
      "\"role\": \"consumer\"}", "already-registered",
      "already registered as 'rawviewer'");
  expect_error_code (raw, "{\"type\": \"startSession\"}", "bad-message",
      "startSession needs a producerId string");

  /* a producer that is not (or no longer) there: its id comes along */
  raw_send (raw, "{\"type\": \"startSession\", \"producerId\": " "\"cam9\"}");
  error = raw_wait_message (raw, "error");
  fail_unless_equals_string (json_object_get_string_member (error, "code"),
      "unknown-producer");
  fail_unless_equals_string (json_object_get_string_member (error,
          "peerId"), "cam9");
  fail_unless_equals_string (json_object_get_string_member (error,
          "message"), "no producer 'cam9' is registered");
  json_object_unref (error);

  rawcam = raw_client_new ();
  expect_error_code (rawcam, "{\"type\": \"register\", \"peerId\": "
      "\"cam1\", \"role\": \"producer\"}", "peer-id-taken",
      "peer id 'cam1' is already registered");
  raw_send (rawcam, "{\"type\": \"register\", \"peerId\": \"rawcam\", "
      "\"role\": \"producer\"}");
  json_object_unref (raw_wait_message (rawcam, "registered"));
  expect_error_code (rawcam, "{\"type\": \"startSession\", "
      "\"producerId\": \"cam1\"}", "not-consumer",
      "only consumers can start sessions");

  raw_client_free (rawcam, FALSE);
  raw_client_free (raw, FALSE);
  test_peer_free (cam1);
}

GST_END_TEST;

/* A consumer asking for a producer that just left (its producerRemoved
 * crossed the request) hears that the producer is gone: no error. */
GST_START_TEST (test_request_for_absent_producer)
{
  TestPeer *cam1, *viewer1;

  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  gst_ice_signaller_request_session (viewer1->signaller, "cam9");
  expect_event (viewer1, "producer-removed", "cam9", NULL);
  iterate_for (QUIET_MS);
  expect_quiet (viewer1);

  /* and asks again once it is there */
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  g_free (open_session (cam1, viewer1));

  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* A peer may say why it ends a session: a full producer tells the
 * consumer so, through the server, as a code and a text. */
GST_START_TEST (test_end_session_with_reason)
{
  TestPeer *cam1, *viewer1;
  RawClient *raw;
  JsonObject *message;
  gchar *s1, *s2, *text;
  Event *event;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  s1 = open_session (cam1, viewer1);

  gst_ice_signaller_end_session_with_reason (cam1->signaller, s1,
      GST_ICE_SIGNALLER_REASON_FULL, "cam1 serves 2 consumers already");
  event = wait_event (viewer1, "session-ended-with-reason");
  fail_unless_equals_string (event->arg1, s1);
  fail_unless_equals_string (event->arg2, "full");
  fail_unless_equals_string (event->message, "cam1 serves 2 consumers already");
  event_free (event);
  /* still a session-ended for those who only know that one */
  expect_event (viewer1, "session-ended", s1, NULL);
  iterate_for (QUIET_MS);
  expect_quiet (viewer1);

  /* on the wire */
  raw = raw_client_new ();
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"rawviewer\", "
      "\"role\": \"consumer\"}");
  json_object_unref (raw_wait_message (raw, "producerAdded"));
  raw_send (raw, "{\"type\": \"startSession\", \"producerId\": " "\"cam1\"}");
  message = raw_wait_message (raw, "sessionStarted");
  s2 = g_strdup (json_object_get_string_member (message, "sessionId"));
  json_object_unref (message);
  expect_event (cam1, "session-requested", s2, "rawviewer");
  gst_ice_signaller_end_session_with_reason (cam1->signaller, s2, "full",
      "busy");
  message = raw_wait_message (raw, "endSession");
  fail_unless_equals_string (json_object_get_string_member (message,
          "reason"), "full");
  fail_unless_equals_string (json_object_get_string_member (message,
          "message"), "busy");
  json_object_unref (message);

  /* the server passes no reason that is not a short word */
  raw_send (raw, "{\"type\": \"startSession\", \"producerId\": " "\"cam1\"}");
  message = raw_wait_message (raw, "sessionStarted");
  g_free (s2);
  s2 = g_strdup (json_object_get_string_member (message, "sessionId"));
  json_object_unref (message);
  expect_event (cam1, "session-requested", s2, "rawviewer");
  text = g_strdup_printf ("{\"type\": \"endSession\", \"sessionId\": "
      "\"%s\", \"reason\": \"full of \\\"quotes\\\"\"}", s2);
  raw_send (raw, text);
  g_free (text);
  expect_event (cam1, "session-ended", s2, NULL);
  iterate_for (QUIET_MS);
  expect_quiet (cam1);

  g_free (s1);
  g_free (s2);
  raw_client_free (raw, FALSE);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* A connection that goes away without a word is a broken path: its
 * registration and sessions wait resume-timeout for it to come back, then
 * end. */
GST_START_TEST (test_abrupt_disconnect)
{
  RawClient *raw;
  TestPeer *viewer1;
  JsonObject *message;
  gchar *session_id;
  gint64 gone;

  g_object_set (server, "resume-timeout", 1, NULL);
  raw = raw_client_new ();
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"rawcam\", "
      "\"role\": \"producer\"}");
  json_object_unref (raw_wait_message (raw, "registered"));

  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "rawcam", NULL);
  gst_ice_signaller_request_session (viewer1->signaller, "rawcam");
  message = raw_wait_message (raw, "startSession");
  fail_unless_equals_string (json_object_get_string_member (message,
          "peerId"), "viewer1");
  session_id = g_strdup (json_object_get_string_member (message, "sessionId"));
  json_object_unref (message);
  expect_event (viewer1, "session-started", session_id, "rawcam");

  /* no close frame, the socket just goes away */
  raw_client_free (raw, TRUE);
  gone = g_get_monotonic_time ();
  expect_event (viewer1, "session-ended", session_id, NULL);
  fail_unless (g_get_monotonic_time () - gone >= 900 * G_TIME_SPAN_MILLISECOND,
      "the session ended before the 1 s resume-timeout");
  expect_event (viewer1, "producer-removed", "rawcam", NULL);

  g_free (session_id);
  test_peer_free (viewer1);
}

GST_END_TEST;

/* The string member @name of @message, which must be there. */
static const gchar *
member (JsonObject * message, const gchar * name)
{
  fail_unless (json_object_has_member (message, name), "no %s", name);
  return json_object_get_string_member (message, name);
}

/* A producer whose connection broke comes back on a new one with its
 * resume token: its session is still there, nobody heard it leave, it
 * gets what was sent to it meanwhile, and what it sends flows again. */
GST_START_TEST (test_resume_after_break)
{
  RawClient *raw, *again, *impostor;
  TestPeer *viewer1;
  JsonObject *message;
  gchar *session_id, *token, *text;
  Event *event;

  raw = raw_client_new ();
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"rawcam\", "
      "\"role\": \"producer\"}");
  message = raw_wait_message (raw, "registered");
  fail_unless_equals_string (member (message, "resumed"), "false");
  token = g_strdup (member (message, "resumeToken"));
  fail_unless_equals_int (strlen (token), 32);
  json_object_unref (message);

  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "rawcam", NULL);
  gst_ice_signaller_request_session (viewer1->signaller, "rawcam");
  message = raw_wait_message (raw, "startSession");
  session_id = g_strdup (member (message, "sessionId"));
  json_object_unref (message);
  expect_event (viewer1, "session-started", session_id, "rawcam");

  /* the path breaks; the viewer trickles a candidate meanwhile */
  raw_client_free (raw, TRUE);
  gst_ice_signaller_send_candidate (viewer1->signaller, session_id,
      "a=end-of-candidates");
  iterate_for (500);
  expect_quiet (viewer1);

  /* the wrong token takes nothing over */
  impostor = raw_client_new ();
  raw_send (impostor, "{\"type\": \"register\", \"peerId\": "
      "\"rawcam\", \"role\": \"producer\", \"resumeToken\": "
      "\"00000000000000000000000000000000\", \"received\": \"1\"}");
  message = raw_wait_message (impostor, "registered");
  fail_unless_equals_string (member (message, "resumed"), "false");
  json_object_unref (message);
  /* ... it registered anew, in place of the broken registration */
  expect_event (viewer1, "session-ended", session_id, NULL);
  expect_event (viewer1, "producer-removed", "rawcam", NULL);
  expect_event (viewer1, "producer-added", "rawcam", NULL);
  raw_client_free (impostor, FALSE);
  expect_event (viewer1, "producer-removed", "rawcam", NULL);
  g_free (session_id);
  g_free (token);

  /* again, with the right token this time */
  raw = raw_client_new ();
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"rawcam\", "
      "\"role\": \"producer\"}");
  message = raw_wait_message (raw, "registered");
  token = g_strdup (member (message, "resumeToken"));
  json_object_unref (message);
  expect_event (viewer1, "producer-added", "rawcam", NULL);
  gst_ice_signaller_request_session (viewer1->signaller, "rawcam");
  message = raw_wait_message (raw, "startSession");
  session_id = g_strdup (member (message, "sessionId"));
  json_object_unref (message);
  expect_event (viewer1, "session-started", session_id, "rawcam");
  raw_client_free (raw, TRUE);
  gst_ice_signaller_send_candidate (viewer1->signaller, session_id,
      "a=end-of-candidates");
  iterate_for (500);
  expect_quiet (viewer1);

  again = raw_client_new ();
  /* it had received one message, startSession */
  text = g_strdup_printf ("{\"type\": \"register\", \"peerId\": "
      "\"rawcam\", \"role\": \"producer\", \"resumeToken\": \"%s\", "
      "\"received\": \"1\"}", token);
  raw_send (again, text);
  g_free (text);
  message = raw_wait_message (again, "registered");
  fail_unless_equals_string (member (message, "resumed"), "true");
  /* it had sent nothing since it registered */
  fail_unless_equals_string (member (message, "received"), "0");
  fail_if (g_str_equal (member (message, "resumeToken"), token),
      "the resume token was not renewed");
  json_object_unref (message);
  /* what was sent to it while it was away */
  message = raw_wait_message (again, "peer");
  fail_unless_equals_string (member (message, "sessionId"), session_id);
  fail_unless_equals_string (member (message, "candidate"),
      "a=end-of-candidates");
  json_object_unref (message);

  /* and the session works both ways */
  text = g_strdup_printf ("{\"type\": \"peer\", \"sessionId\": \"%s\", "
      "\"description\": \"v=0\"}", session_id);
  raw_send (again, text);
  g_free (text);
  event = wait_event (viewer1, "session-description");
  fail_unless_equals_string (event->arg1, session_id);
  event_free (event);
  expect_quiet (viewer1);

  raw_client_free (again, FALSE);
  g_free (token);
  g_free (session_id);
  test_peer_free (viewer1);
}

GST_END_TEST;

/* a frame over the server's limit closes that connection, and only that */
GST_START_TEST (test_oversized_message)
{
  RawClient *raw;
  TestPeer *cam1, *viewer1;
  gchar *big, *session_id;
  gboolean timed_out = FALSE;
  GSource *watchdog;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  raw = raw_client_new ();
  raw_send (raw, "{\"type\": \"register\", \"peerId\": \"rawviewer\", "
      "\"role\": \"consumer\"}");
  json_object_unref (raw_wait_message (raw, "registered"));
  /* cam1 may register after rawviewer */
  json_object_unref (raw_wait_message (raw, "producerAdded"));
  raw_send (raw, "{\"type\": \"startSession\", \"producerId\": \"cam1\"}");
  json_object_unref (raw_wait_message (raw, "sessionStarted"));
  expect_event (cam1, "session-requested", NULL, "rawviewer");

  big = g_strnfill (200 * 1024, 'x');
  raw_send (raw, big);
  g_free (big);

  watchdog = add_timer (WAIT_TIMEOUT_MS, &timed_out);
  while (soup_websocket_connection_get_state (raw->ws) !=
      SOUP_WEBSOCKET_STATE_CLOSED && !timed_out)
    g_main_context_iteration (context, TRUE);
  remove_timer (watchdog);
  fail_unless (soup_websocket_connection_get_state (raw->ws) ==
      SOUP_WEBSOCKET_STATE_CLOSED, "server kept the connection open");

  /* its session ended, the others go on */
  expect_event (cam1, "session-ended", NULL, NULL);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  session_id = open_session (cam1, viewer1);

  g_free (session_id);
  raw_client_free (raw, FALSE);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_unreachable_server)
{
  TestPeer *peer;
  gchar *uri, *message, *expected;
  gint64 started;

  uri = g_strdup_printf ("ws://127.0.0.1:%u", closed_port ());

  peer = test_peer_new ("cam1", uri);
  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  expected = g_strdup_printf ("could not connect to signalling server %s "
      "after 1 attempt: ", uri);
  message = expect_error (peer, expected);
  GST_INFO ("error: %s", message);
  g_free (message);
  g_free (expected);
  test_peer_free (peer);

  peer = test_peer_new ("cam1", uri);
  g_object_set (peer->signaller, "connection-retries", 2, "retry-interval", 50,
      NULL);
  started = g_get_monotonic_time ();
  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  expected = g_strdup_printf ("could not connect to signalling server %s "
      "after 3 attempts: ", uri);
  message = expect_error (peer, expected);
  g_free (message);
  g_free (expected);
  /* two waits of 50 ms between the three attempts */
  fail_unless (g_get_monotonic_time () - started >=
      100 * G_TIME_SPAN_MILLISECOND);

  /* no further attempt, no further error */
  iterate_for (QUIET_MS);
  expect_quiet (peer);

  test_peer_free (peer);
  g_free (uri);
}

GST_END_TEST;

static void
stop_quickly (TestPeer * peer)
{
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed;

  gst_ice_signaller_stop (peer->signaller);
  elapsed = g_get_monotonic_time () - started;
  fail_unless (elapsed < 100 * G_TIME_SPAN_MILLISECOND,
      "stop() took %" G_GINT64_FORMAT " us", elapsed);

  /* and then stays silent */
  iterate_for (QUIET_MS);
  expect_quiet (peer);
}

/* A TCP socket on 127.0.0.1 that accepts connections into its backlog
 * and never answers; its port in @port. */
static GSocket *
silent_listener_new (guint * port)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GSocketAddress *address =
      g_inet_socket_address_new_from_string ("127.0.0.1", 0);

  fail_unless (g_socket_bind (socket, address, TRUE, NULL));
  fail_unless (g_socket_listen (socket, NULL));
  g_object_unref (address);
  address = g_socket_get_local_address (socket, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  g_object_unref (address);
  return socket;
}

GST_START_TEST (test_signaller_stop)
{
  GSocket *silent;
  TestPeer *peer, *cam1;
  gchar *uri;
  guint port;

  /* while the handshake is pending: a server that accepts TCP connections
   * (in the backlog) but never answers */
  silent = silent_listener_new (&port);
  uri = g_strdup_printf ("ws://127.0.0.1:%u", port);

  peer = test_peer_new ("cam1", uri);
  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  iterate_for (100);
  expect_quiet (peer);
  stop_quickly (peer);
  test_peer_free (peer);
  g_socket_close (silent, NULL);
  g_object_unref (silent);
  g_free (uri);

  /* while waiting to retry */
  uri = g_strdup_printf ("ws://127.0.0.1:%u", closed_port ());
  peer = test_peer_new ("cam1", uri);
  g_object_set (peer->signaller, "connection-retries", 5, "retry-interval",
      1000, NULL);
  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  iterate_for (100);
  expect_quiet (peer);
  stop_quickly (peer);
  test_peer_free (peer);
  g_free (uri);

  /* while connected, then started again */
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  peer = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (peer, "producer-added", "cam1", NULL);
  gst_ice_signaller_request_session (peer->signaller, "cam1");
  stop_quickly (peer);
  /* the request may or may not have left; if it did, its session ended */
  while (!g_queue_is_empty (&cam1->events)) {
    Event *event = g_queue_pop_head (&cam1->events);

    fail_unless (g_str_equal (event->name, "session-requested")
        || g_str_equal (event->name, "session-ended"), "cam1 got %s",
        event->name);
    event_free (event);
  }

  gst_ice_signaller_start (peer->signaller, GST_ICE_SIGNALLER_ROLE_CONSUMER,
      "viewer1");
  expect_event (peer, "producer-added", "cam1", NULL);
  g_free (open_session (cam1, peer));

  test_peer_free (peer);
  test_peer_free (cam1);
}

GST_END_TEST;

static void
stop_in_handler (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * description, gpointer user_data)
{
  gst_ice_signaller_stop (signaller);
}

static void
stop_on_error (GstIceSignaller * signaller, const GError * error,
    gpointer user_data)
{
  gst_ice_signaller_stop (signaller);
}

/* elements stop their signaller from its signal handlers */
GST_START_TEST (test_stop_in_handler)
{
  TestPeer *cam1, *viewer1, *dup;
  gchar *session_id;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  session_id = open_session (cam1, viewer1);

  /* the messages after the description are likely read at once: none of
   * them may be emitted once the handler stopped the signaller */
  g_signal_connect_after (viewer1->signaller, "session-description",
      G_CALLBACK (stop_in_handler), NULL);
  gst_ice_signaller_send_description (cam1->signaller, session_id, "offer");
  gst_ice_signaller_send_candidate (cam1->signaller, session_id,
      "a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host");
  gst_ice_signaller_send_candidate (cam1->signaller, session_id,
      "a=end-of-candidates");
  gst_ice_signaller_end_session (cam1->signaller, session_id);
  expect_event (viewer1, "session-description", session_id, "offer");
  iterate_for (QUIET_MS);
  expect_quiet (viewer1);
  expect_quiet (cam1);

  dup = test_peer_new ("cam1", server_uri);
  g_signal_connect_after (dup->signaller, "error", G_CALLBACK (stop_on_error),
      NULL);
  gst_ice_signaller_start (dup->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  g_free (expect_error (dup, "peer id 'cam1' is already registered"));
  iterate_for (QUIET_MS);
  expect_quiet (dup);

  g_free (session_id);
  test_peer_free (dup);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* A registered peer whose server goes away waits for it and registers
 * again: the sessions that flow need no signalling meanwhile. */
GST_START_TEST (test_reconnect_after_server_restart)
{
  guint port = gst_ice_signalling_server_get_port (server);
  TestPeer *cam1, *viewer1;
  GError *error = NULL;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);

  gst_ice_signalling_server_stop (server);
  /* no error; without a server nobody is known to be there */
  expect_event (viewer1, "producer-removed", "cam1", NULL);
  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (viewer1);

  g_object_set (server, "port", port, NULL);
  fail_unless (gst_ice_signalling_server_start (server, &error),
      "server did not restart: %s", error ? error->message : "no error");
  expect_event (viewer1, "producer-added", "cam1", NULL);
  g_free (open_session (cam1, viewer1));

  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* icesink removes itself from the server it runs before stopping it, so
 * that its consumers hear at once that their sessions ended. */
GST_START_TEST (test_remove_peer)
{
  TestPeer *cam1, *viewer1, *viewer2;
  gchar *s1;

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  s1 = open_session (cam1, viewer1);

  gst_ice_signalling_server_remove_peer (server, "cam1");
  expect_event (viewer1, "session-ended", s1, NULL);
  expect_event (viewer1, "producer-removed", "cam1", NULL);
  /* unknown ids are ignored */
  gst_ice_signalling_server_remove_peer (server, "nobody");

  /* cam1 is no longer listed to newcomers */
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  iterate_for (QUIET_MS);
  expect_quiet (viewer2);
  expect_quiet (viewer1);

  g_free (s1);
  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

GST_START_TEST (test_server_start_errors)
{
  GstIceSignallingServer *other;
  GError *error = NULL;
  gchar *expected;
  guint port = gst_ice_signalling_server_get_port (server);
  TestPeer *cam1, *viewer1;

  /* port in use */
  other = gst_ice_signalling_server_new ("127.0.0.1", port);
  fail_if (gst_ice_signalling_server_start (other, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_SIGNALLING));
  expected = g_strdup_printf ("could not listen on 127.0.0.1:%u: ", port);
  fail_unless (g_str_has_prefix (error->message, expected), "got '%s'",
      error->message);
  g_free (expected);
  g_clear_error (&error);
  g_object_unref (other);

  /* not an address */
  other = gst_ice_signalling_server_new ("signalling.example.org", 0);
  fail_if (gst_ice_signalling_server_start (other, &error));
  fail_unless_equals_string (error->message,
      "host 'signalling.example.org' is not an IP address or localhost");
  g_clear_error (&error);
  g_object_unref (other);

  /* localhost, and a port picked for us */
  other = gst_ice_signalling_server_new ("localhost", 0);
  fail_unless (gst_ice_signalling_server_start (other, &error));
  fail_unless (gst_ice_signalling_server_get_port (other) != 0);
  fail_unless (gst_ice_signalling_server_get_port (other) != port);
  gst_ice_signalling_server_stop (other);
  g_object_unref (other);

  /* restart on the same port */
  gst_ice_signalling_server_stop (server);
  other = gst_ice_signalling_server_new ("127.0.0.1", port);
  fail_unless (gst_ice_signalling_server_start (other, &error),
      "restart failed: %s", error ? error->message : "no error");
  fail_unless_equals_int (gst_ice_signalling_server_get_port (other), port);
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  test_peer_free (viewer1);
  test_peer_free (cam1);
  gst_ice_signalling_server_stop (other);
  g_object_unref (other);
}

GST_END_TEST;

/* The second test case: the server runs in a thread of its own
 * (TestServer), so that the test can also play blocking raw clients
 * (TestWs); the signallers still run in the test's context. */

static TestServer *threaded;

static void
setup_threaded (void)
{
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
}

static void
teardown_threaded (void)
{
  if (threaded)
    test_server_stop (threaded);
  threaded = NULL;
  iterate_for (20);
  while (g_main_context_iteration (context, FALSE));
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  context = NULL;
  g_clear_pointer (&server_uri, g_free);
}

/* Starts the threaded server with these properties; test_peer_start()
 * then registers with it. */
static void
start_threaded (const gchar * first_property, ...)
{
  va_list args;

  va_start (args, first_property);
  threaded = test_server_start_valist (first_property, args);
  va_end (args);
  server_uri = g_strdup (threaded->uri);
}

static TestWs *
raw_connect (const gchar * local_address)
{
  GError *error = NULL;
  TestWs *ws = test_ws_connect (threaded->port, local_address, &error);

  fail_unless (ws != NULL, "raw client could not connect: %s",
      error ? error->message : "?");
  return ws;
}

/* Sends @text and waits for the answer of type @type. */
static gchar *
raw_request (TestWs * ws, const gchar * text, const gchar * type)
{
  gchar *answer;

  fail_unless (test_ws_send_text (ws, text));
  answer = test_ws_receive_type (ws, type, WAIT_TIMEOUT_MS);
  fail_unless (answer != NULL, "no %s after %s", type, text);
  return answer;
}

/* Waits up to @ms for @peer's next event, which must be @name. */
static Event *
wait_event_for (TestPeer * peer, const gchar * name, guint ms)
{
  gboolean timed_out = FALSE;
  GSource *watchdog = add_timer (ms, &timed_out);
  Event *event;

  while (g_queue_is_empty (&peer->events) && !timed_out)
    g_main_context_iteration (context, TRUE);
  remove_timer (watchdog);
  fail_if (g_queue_is_empty (&peer->events), "%s: no %s within %u ms",
      peer->label, name, ms);
  event = g_queue_pop_head (&peer->events);
  fail_unless (g_str_equal (event->name, name),
      "%s: expected %s, got %s (%s)", peer->label, name, event->name,
      GST_STR_NULL (event->arg1));
  return event;
}

/* A peer that registered and then reads nothing (its host died, a NAT
 * forgot the connection) is dropped within 3 ping intervals: its producer
 * entry goes and the consumers hear it left.  Live peers stay. */
GST_START_TEST (test_dead_peer_dropped)
{
  TestPeer *cam1, *viewer1, *viewer2;
  TestWs *dead;
  gint64 last_frame, elapsed;
  Event *event;

  /* no resumption: the dead peer leaves as soon as it is dropped */
  start_threaded ("ping-interval", 1, "resume-timeout", 0, NULL);
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  dead = raw_connect (NULL);
  last_frame = g_get_monotonic_time ();
  g_free (raw_request (dead, "{\"type\":\"register\",\"peerId\":"
          "\"deadcam\",\"role\":\"producer\"}", "registered"));
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", NULL, NULL);
  expect_event (viewer1, "producer-added", NULL, NULL);

  /* from here on the raw client reads nothing and answers no ping */
  event = wait_event_for (viewer1, "producer-removed", 10000);
  elapsed = (g_get_monotonic_time () - last_frame) / 1000;
  fail_unless_equals_string (event->arg1, "deadcam");
  event_free (event);
  GST_INFO ("dead peer dropped after %" G_GINT64_FORMAT " ms", elapsed);
  fail_unless (elapsed <= 3500, "dead peer dropped after %" G_GINT64_FORMAT
      " ms, not within 3 ping intervals of 1 s", elapsed);
  fail_unless (elapsed >= 2000, "peer dropped after %" G_GINT64_FORMAT
      " ms, before 2 ping intervals without an answer", elapsed);

  /* cam1 and viewer1 answer the pings: still there after the bound */
  iterate_for (3500);
  expect_quiet (viewer1);
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer2, "producer-added", "cam1", NULL);
  iterate_for (QUIET_MS);
  expect_quiet (viewer2);

  test_ws_free (dead);
  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* A producer whose network dropped reconnects while the server still
 * holds its old connection, and so its peer id; the server does not
 * resume registrations: the registration is retried until the server
 * dropped the dead connection, not an error. */
GST_START_TEST (test_reregister_while_stale)
{
  TestProxy *proxy;
  TestPeer *cam1, *viewer1;
  gchar *uri;
  Event *event;

  start_threaded ("ping-interval", 1, "resume-timeout", 0, NULL);
  proxy = test_proxy_new (threaded->port);
  uri = g_strdup_printf ("ws://127.0.0.1:%u", test_proxy_get_port (proxy));
  cam1 = test_peer_new ("cam1", uri);
  gst_ice_signaller_start (cam1->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);

  /* cam1 sees its connection drop, the server does not */
  test_proxy_cut (proxy);

  /* the server drops the stale connection within 3 ping intervals, then
   * the retried registration goes through */
  event = wait_event_for (viewer1, "producer-removed", 10000);
  fail_unless_equals_string (event->arg1, "cam1");
  event_free (event);
  event = wait_event_for (viewer1, "producer-added", 10000);
  fail_unless_equals_string (event->arg1, "cam1");
  event_free (event);
  expect_quiet (cam1);
  g_free (open_session (cam1, viewer1));

  test_peer_free (viewer1);
  test_peer_free (cam1);
  test_proxy_free (proxy);
  g_free (uri);
}

GST_END_TEST;

/* The same, with a server that resumes registrations (the default): the
 * producer takes its registration back at once from the new connection,
 * and the consumer hears nothing of it. */
GST_START_TEST (test_resume_while_stale)
{
  TestProxy *proxy;
  TestPeer *cam1, *viewer1;
  gchar *uri;

  start_threaded ("ping-interval", 1, NULL);
  proxy = test_proxy_new (threaded->port);
  uri = g_strdup_printf ("ws://127.0.0.1:%u", test_proxy_get_port (proxy));
  cam1 = test_peer_new ("cam1", uri);
  gst_ice_signaller_start (cam1->signaller, GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "cam1");
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);

  test_proxy_cut (proxy);
  /* past the 3 ping intervals in which the old connection is dropped */
  iterate_for (3500);
  expect_quiet (viewer1);
  expect_quiet (cam1);
  g_free (open_session (cam1, viewer1));

  test_peer_free (viewer1);
  test_peer_free (cam1);
  test_proxy_free (proxy);
  g_free (uri);
}

GST_END_TEST;

/* A connection that died without a word (frozen: no close, no pong) is
 * noticed within 3 keepalive intervals, and resumed. */
GST_START_TEST (test_resume_silent_connection)
{
  TestProxy *proxy;
  TestPeer *cam1, *viewer1;
  gchar *uri, *session_id;
  Event *event;

  start_threaded ("ping-interval", 10, NULL);
  proxy = test_proxy_new (threaded->port);
  uri = g_strdup_printf ("ws://127.0.0.1:%u", test_proxy_get_port (proxy));
  viewer1 = test_peer_new ("viewer1", uri);
  g_object_set (viewer1->signaller, "keepalive-interval", 1, NULL);
  gst_ice_signaller_start (viewer1->signaller,
      GST_ICE_SIGNALLER_ROLE_CONSUMER, "viewer1");
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  session_id = open_session (cam1, viewer1);

  test_proxy_freeze (proxy);
  /* the producer answers into the dead connection */
  gst_ice_signaller_send_description (cam1->signaller, session_id, "v=0");
  event = wait_event_for (viewer1, "session-description", 5000);
  fail_unless_equals_string (event->arg1, session_id);
  event_free (event);
  expect_quiet (cam1);

  g_free (session_id);
  test_peer_free (viewer1);
  test_peer_free (cam1);
  test_proxy_free (proxy);
  g_free (uri);
}

GST_END_TEST;

#define TOKEN "5e0f7c1a9d2b48e6b3a1c4d7e8f90a1b"

static TestPeer *
test_peer_start_with_token (const gchar * label, GstIceSignallerRole role,
    const gchar * token)
{
  TestPeer *peer = test_peer_new (label, server_uri);

  g_object_set (peer->signaller, "token", token, NULL);
  gst_ice_signaller_start (peer->signaller, role, label);
  return peer;
}

/* Only peers that know the server's token register; the others are told
 * why, and how to fix it. */
GST_START_TEST (test_token)
{
  TestPeer *cam1, *wrong, *longer, *viewer1, *viewer2;
  TestWs *raw;
  JsonNode *node;
  JsonObject *error;
  gchar *text, *message;
  GParamSpec *pspec;

  start_threaded ("token", TOKEN, NULL);

  /* a raw client without one: refused and disconnected */
  raw = raw_connect (NULL);
  text = raw_request (raw, "{\"type\":\"register\",\"peerId\":\"rawcam\","
      "\"role\":\"producer\"}", "error");
  node = json_from_string (text, NULL);
  error = json_node_get_object (node);
  fail_unless_equals_string (json_object_get_string_member (error, "code"),
      "unauthorized");
  fail_unless_equals_string (json_object_get_string_member (error,
          "message"), "wrong or missing token");
  json_node_unref (node);
  g_free (text);
  fail_unless (test_ws_wait_closed (raw, WAIT_TIMEOUT_MS),
      "the server kept an unauthorized connection open");
  fail_unless_equals_int (test_ws_get_close_code (raw), 1008);
  test_ws_free (raw);

  /* signallers without it, with a wrong one, with one that only starts
   * like it */
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  message = expect_error (cam1, "register refused by signalling server ");
  fail_unless (strstr (message, server_uri) != NULL, "%s", message);
  fail_unless (strstr (message, "wrong or missing token") != NULL, "%s",
      message);
  fail_unless (strstr (message, "set signaller::token") != NULL, "%s", message);
  g_free (message);
  wrong = test_peer_start_with_token ("cam2", GST_ICE_SIGNALLER_ROLE_PRODUCER,
      "5e0f7c1a9d2b48e6b3a1c4d7e8f90a1c");
  g_free (expect_error (wrong, "wrong or missing token"));
  longer = test_peer_start_with_token ("cam3",
      GST_ICE_SIGNALLER_ROLE_PRODUCER, TOKEN "0");
  g_free (expect_error (longer, "wrong or missing token"));
  iterate_for (QUIET_MS);
  expect_quiet (cam1);
  expect_quiet (wrong);
  expect_quiet (longer);
  test_peer_free (longer);
  test_peer_free (wrong);
  test_peer_free (cam1);

  /* with it: signalling as usual */
  cam1 = test_peer_start_with_token ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER,
      TOKEN);
  viewer1 = test_peer_start_with_token ("viewer1",
      GST_ICE_SIGNALLER_ROLE_CONSUMER, TOKEN);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  g_free (open_session (cam1, viewer1));

  /* or from the environment, out of sight of ps */
  g_setenv ("GST_ICE_SIGNALLING_TOKEN", TOKEN, TRUE);
  viewer2 = test_peer_start ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer2, "producer-added", "cam1", NULL);
  g_unsetenv ("GST_ICE_SIGNALLING_TOKEN");

  /* a secret is never read back */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (viewer1->signaller), "token");
  fail_unless (pspec != NULL);
  fail_if (pspec->flags & G_PARAM_READABLE, "signaller::token is readable");
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (threaded->server), "token");
  fail_unless (pspec != NULL);
  fail_if (pspec->flags & G_PARAM_READABLE, "the server's token is readable");

  test_peer_free (viewer2);
  test_peer_free (viewer1);
  test_peer_free (cam1);

  /* a server takes its token from the environment too, at start */
  test_server_stop (threaded);
  g_setenv ("GST_ICE_SIGNALLING_TOKEN", TOKEN, TRUE);
  threaded = test_server_start ();
  g_unsetenv ("GST_ICE_SIGNALLING_TOKEN");
  g_free (server_uri);
  server_uri = g_strdup (threaded->uri);
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  g_free (expect_error (cam1, "wrong or missing token"));
  test_peer_free (cam1);
  cam1 = test_peer_start_with_token ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER,
      TOKEN);
  viewer1 = test_peer_start_with_token ("viewer1",
      GST_ICE_SIGNALLER_ROLE_CONSUMER, TOKEN);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

static GMutex log_lock;
static GString *log_text;

static void
capture_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s\n", gst_debug_message_get (message));
  g_mutex_unlock (&log_lock);
}

/* Not even the most verbose log shows the token: not the server's, not
 * the signaller's, right or wrong. */
GST_START_TEST (test_token_never_logged)
{
  TestPeer *cam1, *viewer1, *wrong;

  log_text = g_string_new (NULL);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (capture_log, NULL, NULL);
  gst_debug_set_threshold_from_string ("ice*:9", FALSE);

  start_threaded ("token", TOKEN, NULL);
  cam1 = test_peer_start_with_token ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER,
      TOKEN);
  viewer1 = test_peer_start_with_token ("viewer1",
      GST_ICE_SIGNALLER_ROLE_CONSUMER, TOKEN);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  g_free (open_session (cam1, viewer1));
  wrong = test_peer_start_with_token ("wrong",
      GST_ICE_SIGNALLER_ROLE_CONSUMER, "not-" TOKEN);
  g_free (expect_error (wrong, "wrong or missing token"));
  test_peer_free (wrong);
  test_peer_free (viewer1);
  test_peer_free (cam1);
  test_server_stop (threaded);
  threaded = NULL;

  gst_debug_remove_log_function (capture_log);
  gst_debug_set_threshold_from_string ("ice*:0", FALSE);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  /* the capture worked */
  fail_unless (strstr (log_text->str, "registered consumer viewer1") != NULL);
  fail_unless (strstr (log_text->str, TOKEN) == NULL, "the token was logged");
  g_string_free (log_text, TRUE);
}

GST_END_TEST;

/* The code of an error message, or NULL if @text is not one. */
static gchar *
error_code (const gchar * text)
{
  JsonNode *node = json_from_string (text, NULL);
  gchar *code = NULL;

  if (node && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "code"))
    code = g_strdup (json_object_get_string_member (json_node_get_object
            (node), "code"));
  if (node)
    json_node_unref (node);
  return code;
}

/* One connection holds at most max-sessions-per-connection sessions as a
 * consumer; a producer serves any number. */
GST_START_TEST (test_sessions_per_connection)
{
  TestPeer *cam1, *viewer1;
  TestWs *raw;
  gchar *text, *code, *session_id;
  const gchar *start = "{\"type\":\"startSession\",\"producerId\":" "\"cam1\"}";
  Event *event;
  guint i;

  start_threaded ("max-sessions-per-connection", 2, NULL);
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  /* cam1 is registered once viewer1 heard of it */
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  raw = raw_connect (NULL);
  g_free (raw_request (raw, "{\"type\":\"register\",\"peerId\":"
          "\"greedy\",\"role\":\"consumer\"}", "producerAdded"));
  text = raw_request (raw, start, "sessionStarted");
  session_id = g_strdup (strstr (text, "\"sessionId\":\"") + 13);
  *strchr (session_id, '"') = '\0';
  g_free (text);
  g_free (raw_request (raw, start, "sessionStarted"));
  for (i = 0; i < 3; i++) {
    text = raw_request (raw, start, "error");
    code = error_code (text);
    fail_unless_equals_string (code, "too-many-sessions");
    fail_unless (strstr (text, "2 sessions") != NULL, "%s", text);
    g_free (code);
    g_free (text);
  }
  expect_event (cam1, "session-requested", NULL, "greedy");
  expect_event (cam1, "session-requested", NULL, "greedy");
  iterate_for (QUIET_MS);
  expect_quiet (cam1);

  /* one ends: room for one more */
  text = g_strdup_printf ("{\"type\":\"endSession\",\"sessionId\":\"%s\"}",
      session_id);
  fail_unless (test_ws_send_text (raw, text));
  g_free (text);
  expect_event (cam1, "session-ended", session_id, NULL);
  g_free (raw_request (raw, start, "sessionStarted"));
  event = wait_event (cam1, "session-requested");
  event_free (event);

  /* others are not affected */
  g_free (open_session (cam1, viewer1));

  g_free (session_id);
  test_ws_free (raw);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* A connection sending more than max-message-rate messages a second (over
 * 10 s) is closed; the others go on. */
GST_START_TEST (test_message_rate)
{
  TestPeer *cam1, *viewer1;
  TestWs *raw;
  const gchar *junk = "{\"type\":\"peer\",\"sessionId\":\"none\","
      "\"candidate\":\"a=end-of-candidates\"}";
  guint i;

  start_threaded ("max-message-rate", 10, NULL);
  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);
  raw = raw_connect (NULL);
  g_free (raw_request (raw, "{\"type\":\"register\",\"peerId\":"
          "\"chatty\",\"role\":\"consumer\"}", "producerAdded"));

  /* a burst of 10 s worth is fine */
  for (i = 0; i < 90; i++)
    fail_unless (test_ws_send_text (raw, junk));
  g_free (raw_request (raw, "{\"type\":\"startSession\",\"producerId\":"
          "\"cam1\"}", "sessionStarted"));
  expect_event (cam1, "session-requested", NULL, "chatty");

  /* beyond it, the connection goes, and its session ends */
  for (i = 0; i < 100 && test_ws_send_text (raw, junk); i++);
  fail_unless (test_ws_wait_closed (raw, WAIT_TIMEOUT_MS),
      "a flooding connection stayed open");
  fail_unless_equals_int (test_ws_get_close_code (raw), 1008);
  fail_unless_equals_string (test_ws_get_close_reason (raw),
      "more than 10 messages per second");
  expect_event (cam1, "session-ended", NULL, NULL);
  g_free (open_session (cam1, viewer1));

  test_ws_free (raw);
  test_peer_free (viewer1);
  test_peer_free (cam1);
}

GST_END_TEST;

/* Connects from @local_address until the server takes the connection
 * again (it frees a slot when it handled the close of another). */
static TestWs *
raw_connect_when_accepted (const gchar * local_address)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * 1000;
  TestWs *ws = NULL;

  while (ws == NULL && g_get_monotonic_time () < deadline) {
    ws = test_ws_connect (threaded->port, local_address, NULL);
    if (ws == NULL)
      g_usleep (20000);
  }
  fail_unless (ws != NULL, "the server refused %s for good", local_address);
  return ws;
}

/* No more than max-connections-per-address connections from one address:
 * the next is refused before it costs the server anything, others are
 * served, and a slot frees when a connection closes. */
GST_START_TEST (test_connections_per_address)
{
  TestWs *ws[4], *other;
  TestPeer *peer;
  GError *error = NULL;
  guint i;

  start_threaded ("max-connections-per-address", 3, NULL);
  for (i = 0; i < 3; i++)
    ws[i] = raw_connect ("127.0.0.2");
  ws[3] = test_ws_connect (threaded->port, "127.0.0.2", &error);
  fail_unless (ws[3] == NULL, "a 4th connection from 127.0.0.2 was taken");
  GST_INFO ("refused: %s", error->message);
  fail_unless (strstr (error->message, "503") != NULL, "%s", error->message);
  fail_unless (strstr (error->message, "127.0.0.2") != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* another address is served */
  other = raw_connect ("127.0.0.3");
  g_free (raw_request (other, "{\"type\":\"register\",\"peerId\":"
          "\"other\",\"role\":\"consumer\"}", "registered"));

  /* one closes: room for one more */
  test_ws_free (ws[0]);
  ws[0] = raw_connect_when_accepted ("127.0.0.2");
  fail_if (test_ws_connect (threaded->port, "127.0.0.2", NULL) != NULL);

  /* a signaller over the limit says why it could not connect */
  for (i = 0; i < 3; i++)
    test_ws_free (ws[i]);
  test_ws_free (other);
  for (i = 0; i < 3; i++)
    ws[i] = raw_connect_when_accepted (NULL);
  peer = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  g_free (expect_error (peer, "(HTTP 503 Too many connections from "
          "127.0.0.1)"));
  test_peer_free (peer);
  for (i = 0; i < 3; i++)
    test_ws_free (ws[i]);
}

GST_END_TEST;

/* A connection that does not register within register-timeout is
 * closed, whether it finished the HTTP handshake or not. */
GST_START_TEST (test_register_timeout)
{
  TestWs *idle;
  GSocketClient *client;
  GSocketConnection *connection;
  GInputStream *input;
  gchar byte;
  gint64 started;

  start_threaded ("register-timeout", 1, "max-connections-per-address", 2,
      NULL);
  started = g_get_monotonic_time ();
  idle = raw_connect ("127.0.0.2");
  client = g_socket_client_new ();
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
      threaded->port, NULL, NULL);
  fail_unless (connection != NULL);

  fail_unless (test_ws_wait_closed (idle, WAIT_TIMEOUT_MS),
      "an unregistered WebSocket stayed open");
  fail_unless_equals_int (test_ws_get_close_code (idle), 1008);
  fail_unless_equals_string (test_ws_get_close_reason (idle),
      "did not register within 1 s");
  /* nothing sent at all: the server hangs up */
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  fail_unless (g_input_stream_read (input, &byte, 1, NULL, NULL) == 0);
  fail_unless (g_get_monotonic_time () - started < 3 * G_TIME_SPAN_SECOND);

  /* and both slots of 127.0.0.2 are free again */
  test_ws_free (idle);
  test_ws_free (raw_connect_when_accepted ("127.0.0.2"));
  test_ws_free (raw_connect_when_accepted ("127.0.0.2"));
  g_object_unref (connection);
  g_object_unref (client);
}

GST_END_TEST;

static TestPeer *
test_peer_start_with_ca (const gchar * label, GstIceSignallerRole role,
    const gchar * ca_file)
{
  TestPeer *peer = test_peer_new (label, server_uri);

  if (ca_file)
    g_object_set (peer->signaller, "tls-ca-file", ca_file, NULL);
  gst_ice_signaller_start (peer->signaller, role, label);
  return peer;
}

/* The error a peer gets from a server whose certificate it refuses: the
 * URI, the reason, the fix. */
static void
expect_certificate_error (TestPeer * peer, const gchar * uri,
    const gchar * reason, const gchar * fix)
{
  gchar *expected = g_strdup_printf ("could not connect to signalling "
      "server %s after 1 attempt: ", uri);
  Event *event = wait_event_for (peer, "error", TLS_TIMEOUT_MS);
  gchar *message = g_strdup (event->arg1);

  event_free (event);
  fail_unless (strstr (message, expected) != NULL, "%s", message);

  GST_INFO ("%s", message);
  fail_unless (strstr (message, reason) != NULL, "%s", message);
  fail_unless (strstr (message, fix) != NULL, "%s", message);
  g_free (message);
  g_free (expected);
}

/* The server speaks wss:// itself; the signaller checks its certificate
 * against the CA it is given, and says why it refuses one. */
GST_START_TEST (test_wss)
{
  gchar *dir = test_dir_new ("gst-ice-wss");
  gchar *ca, *ca_key, *other_ca, *other_ca_key, *cert, *key, *cert2, *key2;
  gchar *bad_ca;
  TestPeer *cam1, *viewer1, *peer;
  TestServer *misnamed;
  GstIceSignallingServer *broken;
  Event *event;
  GstIceSignaller *signaller;
  GError *error = NULL;

  if (!test_have_openssl ()) {
    GST_WARNING ("skipped: no openssl command to make certificates");
    test_dir_remove (dir);
    g_free (dir);
    return;
  }
  test_make_ca_files (dir, "ca", &ca, &ca_key);
  test_make_ca_files (dir, "other-ca", &other_ca, &other_ca_key);
  test_make_signed_certificate_files (dir, "server",
      "IP:127.0.0.1,DNS:localhost", ca, ca_key, &cert, &key);
  test_make_signed_certificate_files (dir, "elsewhere",
      "DNS:signalling.example.org", ca, ca_key, &cert2, &key2);

  start_threaded ("certificate-file", cert, "private-key-file", key, NULL);
  fail_unless (g_str_has_prefix (server_uri, "wss://127.0.0.1:"));

  cam1 = test_peer_start_with_ca ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER, ca);
  viewer1 = test_peer_start_with_ca ("viewer1",
      GST_ICE_SIGNALLER_ROLE_CONSUMER, ca);
  event = wait_event_for (viewer1, "producer-added", TLS_TIMEOUT_MS);
  fail_unless_equals_string (event->arg1, "cam1");
  event_free (event);
  g_free (open_session (cam1, viewer1));

  /* the system's CAs do not know ours */
  peer = test_peer_start_with_ca ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER,
      NULL);
  expect_certificate_error (peer, server_uri,
      "is not signed by a trusted CA", "set signaller::tls-ca-file");
  test_peer_free (peer);
  peer = test_peer_start_with_ca ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER,
      other_ca);
  expect_certificate_error (peer, server_uri,
      "is not signed by a trusted CA", "set signaller::tls-ca-file");
  iterate_for (QUIET_MS);
  expect_quiet (peer);
  test_peer_free (peer);

  /* signed by our CA, for another host */
  misnamed = test_server_start_with ("certificate-file", cert2,
      "private-key-file", key2, NULL);
  g_free (server_uri);
  server_uri = g_strdup (misnamed->uri);
  peer = test_peer_start_with_ca ("viewer2", GST_ICE_SIGNALLER_ROLE_CONSUMER,
      ca);
  expect_certificate_error (peer, misnamed->uri,
      "is not valid for 127.0.0.1", "names in signaller::uri");
  test_peer_free (peer);
  test_server_stop (misnamed);

  /* files that are not there */
  broken = gst_ice_signalling_server_new ("127.0.0.1", 0);
  g_object_set (broken, "certificate-file", "/nonexistent/cert.pem",
      "private-key-file", key, NULL);
  fail_if (gst_ice_signalling_server_start (broken, &error));
  GST_INFO ("%s", error->message);
  fail_unless (g_str_has_prefix (error->message, "could not load "
          "certificate-file '/nonexistent/cert.pem'"), "%s", error->message);
  g_clear_error (&error);
  g_object_set (broken, "certificate-file", cert, "private-key-file", NULL,
      NULL);
  fail_if (gst_ice_signalling_server_start (broken, &error));
  fail_unless_equals_string (error->message, "certificate-file is set but "
      "not private-key-file: name the PEM file of the certificate's key too");
  g_clear_error (&error);
  g_object_unref (broken);

  bad_ca = g_build_filename (dir, "missing-ca.pem", NULL);
  signaller = gst_ice_websocket_signaller_new ("wss://127.0.0.1:1");
  g_object_set (signaller, "tls-ca-file", bad_ca, NULL);
  fail_if (gst_ice_signaller_prepare (signaller, &error));
  GST_INFO ("%s", error->message);
  fail_unless (g_str_has_prefix (error->message, "signaller tls-ca-file '"),
      "%s", error->message);
  g_clear_error (&error);
  g_object_unref (signaller);

  test_peer_free (viewer1);
  test_peer_free (cam1);
  test_dir_remove (dir);
  g_free (bad_ca);
  g_free (ca);
  g_free (ca_key);
  g_free (other_ca);
  g_free (other_ca_key);
  g_free (cert);
  g_free (key);
  g_free (cert2);
  g_free (key2);
  g_free (dir);
}

GST_END_TEST;

/* A proxy configured for the user (here http_proxy, read by GIO's
 * default proxy resolver) is not asked for a loopback server: it cannot
 * reach our 127.0.0.1, and asking it costs the first connection its
 * proxy lookup (docs/performance.md, time to first buffer). */
GST_START_TEST (test_loopback_without_proxy)
{
  TestPeer *cam1, *viewer1;
  GSocket *proxy, *accepted;
  GError *error = NULL;
  gchar *proxy_uri;
  guint port;

  /* a "proxy" that takes connections and never answers */
  proxy = silent_listener_new (&port);
  proxy_uri = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_setenv ("http_proxy", proxy_uri, TRUE);
  g_setenv ("all_proxy", proxy_uri, TRUE);
  g_unsetenv ("no_proxy");

  cam1 = test_peer_start ("cam1", GST_ICE_SIGNALLER_ROLE_PRODUCER);
  viewer1 = test_peer_start ("viewer1", GST_ICE_SIGNALLER_ROLE_CONSUMER);
  expect_event (viewer1, "producer-added", "cam1", NULL);

  g_socket_set_blocking (proxy, FALSE);
  accepted = g_socket_accept (proxy, NULL, &error);
  fail_unless (accepted == NULL, "the signaller asked the proxy");
  fail_unless (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  g_clear_error (&error);

  test_peer_free (viewer1);
  test_peer_free (cam1);
  g_unsetenv ("http_proxy");
  g_unsetenv ("all_proxy");
  g_socket_close (proxy, NULL);
  g_object_unref (proxy);
  g_free (proxy_uri);
}

GST_END_TEST;

static Suite *
signallingserver_suite (void)
{
  Suite *s = suite_create ("signallingserver");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  /* above the WAIT_TIMEOUT_MS of each wait, so that those report */
  tcase_set_timeout (tc, 20);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_prepare_checks_uri);
  tcase_add_test (tc, test_producer_added);
  tcase_add_test (tc, test_loopback_without_proxy);
  tcase_add_test (tc, test_session_routing);
  tcase_add_test (tc, test_end_session);
  tcase_add_test (tc, test_consumer_leaves);
  tcase_add_test (tc, test_producer_leaves);
  tcase_add_test (tc, test_duplicate_peer_id);
  tcase_add_test (tc, test_malformed_messages_ignored);
  tcase_add_test (tc, test_error_codes);
  tcase_add_test (tc, test_request_for_absent_producer);
  tcase_add_test (tc, test_end_session_with_reason);
  tcase_add_test (tc, test_abrupt_disconnect);
  tcase_add_test (tc, test_resume_after_break);
  tcase_add_test (tc, test_oversized_message);
  tcase_add_test (tc, test_unreachable_server);
  tcase_add_test (tc, test_signaller_stop);
  tcase_add_test (tc, test_stop_in_handler);
  tcase_add_test (tc, test_reconnect_after_server_restart);
  tcase_add_test (tc, test_remove_peer);
  tcase_add_test (tc, test_server_start_errors);

  tc = tcase_create ("limits");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup_threaded, teardown_threaded);
  tcase_add_test (tc, test_dead_peer_dropped);
  tcase_add_test (tc, test_reregister_while_stale);
  tcase_add_test (tc, test_resume_while_stale);
  tcase_add_test (tc, test_resume_silent_connection);
  tcase_add_test (tc, test_token);
  tcase_add_test (tc, test_token_never_logged);
  tcase_add_test (tc, test_sessions_per_connection);
  tcase_add_test (tc, test_message_rate);
  tcase_add_test (tc, test_connections_per_address);
  tcase_add_test (tc, test_register_timeout);
  tcase_add_test (tc, test_wss);

  return s;
}

GST_CHECK_MAIN (signallingserver);
