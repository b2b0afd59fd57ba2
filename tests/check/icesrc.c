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

/* icesrc on its own and against misbehaving peers and servers. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>

#include "icetestutil.h"

#define TIMEOUT (20 * GST_SECOND)

/* a TCP port on loopback that nothing listens on */
static guint
closed_port (void)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound;
  guint port;

  fail_unless (g_socket_bind (socket, addr, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  g_object_unref (socket);
  return port;
}

GST_START_TEST (test_every_property_documented)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  for (i = 0; i < n; i++) {
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);

    fail_unless (blurb && strlen (blurb) > 10, "property %s has no blurb",
        specs[i]->name);
  }
  g_free (specs);
  gst_object_unref (src);
}

GST_END_TEST;

/* gst-inspect shows a property's blurb: ours say their default, and the
 * properties icesink and icesrc share read the same on both. */
GST_START_TEST (test_properties_documented_alike)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  GParamSpec **specs;
  guint n, i, shared = 0;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  for (i = 0; i < n; i++) {
    GParamSpec *other = g_object_class_find_property (G_OBJECT_GET_CLASS
        (sink), specs[i]->name);
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);
    gchar *lower = g_ascii_strdown (blurb, -1);

    if (specs[i]->owner_type != G_OBJECT_TYPE (src)) {
      g_free (lower);
      continue;
    }
    if (specs[i]->flags & G_PARAM_WRITABLE)
      fail_unless (strstr (lower, "default") != NULL,
          "icesrc:%s does not say its default: %s", specs[i]->name, blurb);
    if (other != NULL && other->owner_type == G_OBJECT_TYPE (sink)) {
      fail_unless_equals_string (g_param_spec_get_blurb (other), blurb);
      shared++;
    }
    g_free (lower);
  }
  g_free (specs);
  /* signaller, signaller-type, peer-id, stun-server, turn-servers,
   * ice-transport-policy, ice-udp, ice-tcp, local-addresses, stats */
  fail_unless (shared >= 10, "only %u shared properties", shared);

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (sink), &n);
  for (i = 0; i < n; i++) {
    gchar *lower = g_ascii_strdown (g_param_spec_get_blurb (specs[i]), -1);

    if (specs[i]->owner_type == G_OBJECT_TYPE (sink) &&
        (specs[i]->flags & G_PARAM_WRITABLE))
      fail_unless (strstr (lower, "default") != NULL,
          "icesink:%s does not say its default: %s", specs[i]->name,
          g_param_spec_get_blurb (specs[i]));
    g_free (lower);
  }
  g_free (specs);
  gst_object_unref (sink);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_signaller_uri_from_launch_line)
{
  GstElement *pipeline, *src;
  GObject *signaller;
  gchar *uri;

  pipeline = gst_parse_launch ("icesrc name=s "
      "signaller::uri=ws://192.0.2.9:8443 ! fakesink", NULL);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  g_object_get (src, "signaller", &signaller, NULL);
  g_object_get (signaller, "uri", &uri, NULL);
  fail_unless_equals_string (uri, "ws://192.0.2.9:8443");
  g_free (uri);
  g_object_unref (signaller);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static gchar *
error_of_consumer (const gchar * props)
{
  GstElement *consumer = test_consumer_new (props);
  GstMessage *msg;
  gchar *text;

  gst_element_set_state (consumer, GST_STATE_PLAYING);
  msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL, TIMEOUT);
  fail_unless (msg != NULL, "no error with %s", props);
  text = test_message_text (msg);
  gst_message_unref (msg);
  test_stop (consumer);
  return text;
}

GST_START_TEST (test_unreachable_server)
{
  guint port = closed_port ();
  gchar *props = g_strdup_printf ("signaller::uri=ws://127.0.0.1:%u", port);
  gchar *uri = g_strdup_printf ("ws://127.0.0.1:%u", port);
  gchar *text = error_of_consumer (props);

  fail_unless (strstr (text, uri) != NULL, "%s", text);
  g_free (text);
  g_free (props);

  /* with retries, the message says how often it tried */
  props = g_strdup_printf ("signaller::uri=ws://127.0.0.1:%u "
      "signaller::connection-retries=2 signaller::retry-interval=100", port);
  text = error_of_consumer (props);
  fail_unless (strstr (text, uri) != NULL, "%s", text);
  fail_unless (strstr (text, "3 attempts") != NULL, "%s", text);
  g_free (text);
  g_free (props);
  g_free (uri);
}

GST_END_TEST;

/* A producer that answers with garbage, then goes away: the consumer logs
 * and ignores it, and takes the next, real producer. */
static void
send_garbage (GstIceSignaller * evil, const gchar * session_id,
    const gchar * peer_id, gpointer user_data)
{
  static const gchar *descriptions[] = {
    "", "garbage", "a=ice-ufrag:x\r\n", "a=ice-pwd:short\r\na=ice-ufrag:"
        "abcd\r\n", "a=ice-ufrag:abcd\na=ice-pwd:0123456789012345678901\n"
        "a=x-gst-caps:not caps((\n"
  };
  static const gchar *candidates[] = {
    "a=candidate:", "a=candidate:1 1 UDP", "a=candidate:1 1 UDP 1 1.2.3 9 "
        "typ host", "a=candidate:1 1 SCTP 1 127.0.0.1 9 typ host",
    "a=candidate:1 0 UDP 1 127.0.0.1 9 typ host", "candidate:1 1 UDP 1 "
        "127.0.0.1 9 typ host", "a=end-of-candidates",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (descriptions); i++)
    gst_ice_signaller_send_description (evil, session_id, descriptions[i]);
  for (i = 0; i < G_N_ELEMENTS (candidates); i++)
    gst_ice_signaller_send_candidate (evil, session_id, candidates[i]);
  gst_ice_signaller_send_candidate (evil, "no-such-session", candidates[2]);
  gst_ice_signaller_end_session (evil, session_id);
  g_atomic_int_inc ((gint *) user_data);
}

GST_START_TEST (test_malformed_peer_messages)
{
  TestServer *server = test_server_start ();
  GMainContext *context = g_main_context_new ();
  GstIceSignaller *evil = gst_ice_websocket_signaller_new (server->uri);
  GstElement *consumer, *producer;
  gchar *props;
  gint garbage_sent = 0, added = 0, removed = 0;
  gint64 deadline;

  g_signal_connect (evil, "session-requested", G_CALLBACK (send_garbage),
      &garbage_sent);
  g_main_context_push_thread_default (context);
  gst_ice_signaller_start (evil, GST_ICE_SIGNALLER_ROLE_PRODUCER, "evil");

  props = g_strdup_printf ("signaller::uri=%s", server->uri);
  consumer = test_consumer_new (props);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_atomic_int_get (&garbage_sent) == 0 &&
      g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, FALSE);
  fail_unless (garbage_sent == 1, "the consumer never asked the evil peer");
  /* let the messages reach the consumer */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, FALSE);
  gst_ice_signaller_stop (evil);
  g_main_context_pop_thread_default (context);
  test_assert_no_error (consumer);

  g_free (props);
  props = g_strdup_printf ("peer-id=good signaller::uri=%s", server->uri);
  producer = test_producer_new (props);
  test_count_peers (producer, &added, &removed);
  gst_element_set_state (producer, GST_STATE_PLAYING);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 20, 1000);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 20, TIMEOUT,
          NULL), 20);

  test_stop (producer);
  test_stop (consumer);
  g_object_unref (evil);
  g_main_context_unref (context);
  g_free (props);
  test_server_stop (server);
}

GST_END_TEST;

/* A STUN server that never answers keeps both sides gathering; stopping
 * must still be quick. */
GST_START_TEST (test_stop_while_gathering)
{
  TestServer *server = test_server_start ();
  GSocket *silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0), *bound;
  GstElement *producer, *consumer;
  gchar *props;
  gint64 start, ms;

  fail_unless (g_socket_bind (silent, addr, TRUE, NULL));
  bound = g_socket_get_local_address (silent, NULL);
  props = g_strdup_printf ("peer-id=cam signaller::uri=%s "
      "stun-server=stun://127.0.0.1:%u", server->uri,
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  producer = test_producer_new (props);
  consumer = test_consumer_new (props + strlen ("peer-id=cam "));
  gst_element_set_state (producer, GST_STATE_PLAYING);
  gst_element_set_state (consumer, GST_STATE_PLAYING);
  g_usleep (700 * 1000);

  start = g_get_monotonic_time ();
  gst_element_set_state (consumer, GST_STATE_NULL);
  ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (ms < 2000, "icesrc took %" G_GINT64_FORMAT " ms", ms);
  start = g_get_monotonic_time ();
  gst_element_set_state (producer, GST_STATE_NULL);
  ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (ms < 2000, "icesink took %" G_GINT64_FORMAT " ms", ms);

  gst_object_unref (producer);
  gst_object_unref (consumer);
  g_free (props);
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  g_object_unref (silent);
  test_server_stop (server);
}

GST_END_TEST;

static Suite *
icesrc_suite (void)
{
  Suite *s = suite_create ("icesrc");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_property_documented);
  tcase_add_test (tc, test_properties_documented_alike);
  tcase_add_test (tc, test_signaller_uri_from_launch_line);
  tcase_add_test (tc, test_unreachable_server);
  tcase_add_test (tc, test_malformed_peer_messages);
  tcase_add_test (tc, test_stop_while_gathering);
  return s;
}

GST_CHECK_MAIN (icesrc);
