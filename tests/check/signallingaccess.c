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

/* Signalling access and limits, end to end: icesink and icesrc pipelines
 * in this process, a real signalling server, and clients that race,
 * drop, flood or do not know the token. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "dtlstestutil.h"
#include "icetestutil.h"
#include "testdir.h"
#include "testproxy.h"
#include "testwebsocket.h"

#define TIMEOUT (20 * GST_SECOND)

/* peer-added and peer-removed counts of the producer: static, since
 * icesink emits those signals from a pool thread, which may still run
 * after a test returned */
static gint added, removed;

static void
reset_counts (void)
{
  g_atomic_int_set (&added, 0);
  g_atomic_int_set (&removed, 0);
}

/* TLS handshakes take seconds under the sanitizers' full stack unwinding:
 * GnuTLS allocates a lot */
#define TLS_TIMEOUT (60 * GST_SECOND)

static GstElement *
start_pipeline (GstElement * pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

static GstElement *
start_producer (const gchar * uri, const gchar * extra, gint * n_added,
    gint * n_removed)
{
  gchar *props = g_strdup_printf ("peer-id=cam signaller::uri=%s %s", uri,
      extra ? extra : "");
  GstElement *producer = test_producer_new (props);

  g_free (props);
  if (n_added)
    test_count_peers (producer, n_added, n_removed);
  return start_pipeline (producer);
}

static GstElement *
start_consumer (const gchar * uri, const gchar * extra)
{
  gchar *props = g_strdup_printf ("signaller::uri=%s %s", uri,
      extra ? extra : "");
  GstElement *consumer = test_consumer_new (props);

  g_free (props);
  return start_pipeline (consumer);
}

/* A producer that registers and leaves at once, as a camera rebooting:
 * the consumer that asked for it in between hears that it left. */
static void
flash_producer (TestServer * server, const gchar * peer_id)
{
  GError *error = NULL;
  TestWs *ws = test_ws_connect (server->port, NULL, &error);
  gchar *text;

  fail_unless (ws != NULL, "%s", error ? error->message : "?");
  text = g_strdup_printf ("{\"type\":\"register\",\"peerId\":\"%s\","
      "\"role\":\"producer\"}", peer_id);
  /* gone before the server even answered: the server reads the
   * registration and the end of the connection in one go */
  fail_unless (test_ws_send_text (ws, text));
  g_free (text);
  test_ws_free (ws);
}

/* A consumer asking for a producer that has just left is told it left:
 * no error, and it streams once the producer is back. */
GST_START_TEST (test_request_crosses_producer_leaving)
{
  TestServer *server = test_server_start ();
  GstElement *consumer = start_consumer (server->uri,
      "producer-peer-id=cam");
  GstElement *producer;
  guint i;

  /* each time the consumer hears of cam and asks for it, cam is gone;
   * for a second, as the consumer registers when it is ready */
  for (i = 0; i < 20; i++) {
    flash_producer (server, "cam");
    g_usleep (G_USEC_PER_SEC / 20);
  }
  g_usleep (G_USEC_PER_SEC / 2);
  test_assert_no_error (consumer);

  producer = start_producer (server->uri, NULL, &added, &removed);
  fail_unless (test_wait_count (&added, 1, TIMEOUT), "the consumer did not "
      "come to the producer that came back");
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

/* The producer's network drops (its side sees the connection close, the
 * server does not): it reconnects while the server still holds its old
 * connection and peer id.  The registration is retried until the server
 * dropped the dead connection; no error, and the stream comes back. */
GST_START_TEST (test_reregister_while_server_holds_stale_connection)
{
  /* a server that does not resume registrations */
  TestServer *server = test_server_start_with ("ping-interval", 1,
      "resume-timeout", 0, NULL);
  TestProxy *proxy = test_proxy_new (server->port);
  gchar *via_proxy = g_strdup_printf ("ws://127.0.0.1:%u",
      test_proxy_get_port (proxy));
  GstElement *producer = start_producer (via_proxy, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server->uri, NULL);
  GstMessage *msg;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);

  test_proxy_cut (proxy);

  /* the consumer comes back through the producer's new registration */
  fail_unless (test_wait_count (&added, 2, TIMEOUT), "the consumer did not "
      "come back after the producer registered again");
  test_push_numbered (producer, 50, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 50, TIMEOUT,
          NULL), 50);
  msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (producer), GST_MESSAGE_ERROR);
  if (msg) {
    gchar *text = test_message_text (msg);

    fail ("the producer posted an error: %s", text);
    g_free (text);
  }
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_proxy_free (proxy);
  g_free (via_proxy);
  test_server_stop (server);
}

GST_END_TEST;

/* The consumer's signalling connection dies without a word (its network
 * changed) just as it restarts ICE: it resumes its registration on a new
 * connection first, so its description reaches the producer, the restart
 * completes in the same session, and the producer never sees it leave. */
GST_START_TEST (test_restart_through_broken_signalling)
{
  TestServer *server = test_server_start ();
  TestProxy *proxy = test_proxy_new (server->port);
  gchar *via_proxy = g_strdup_printf ("ws://127.0.0.1:%u",
      test_proxy_get_port (proxy));
  GstElement *producer, *consumer;
  GstMessage *msg;

  reset_counts ();
  producer = start_producer (server->uri, NULL, &added, &removed);
  /* no keepalive: only the restart can tell the connection is dead */
  consumer = start_consumer (via_proxy, "signaller::keepalive-interval=0");
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);

  test_proxy_freeze (proxy);
  g_signal_emit_by_name (test_get (consumer, "src"), "restart-ice");
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-restart-done",
      TIMEOUT);
  fail_unless (msg != NULL, "the restart did not complete");
  gst_message_unref (msg);
  msg = test_wait_message (producer, GST_MESSAGE_ELEMENT, "ice-restart-done",
      TIMEOUT);
  fail_unless (msg != NULL, "the producer's side of the restart did not "
      "complete");
  gst_message_unref (msg);

  test_push_numbered (producer, 50, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 50, TIMEOUT,
          NULL), 50);
  fail_unless_equals_int (g_atomic_int_get (&removed), 0);
  fail_unless_equals_int (g_atomic_int_get (&added), 1);
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_proxy_free (proxy);
  g_free (via_proxy);
  test_server_stop (server);
}

GST_END_TEST;

#define TOKEN "4f9d2c7e1b8a6035d4c2e9f7a1b3c5d7"

/* gst-ice-signalling-server, the program, as a user starts it. */
typedef struct
{
  GPid pid;
  guint port;
  gchar *uri;
} ServerProcess;

static ServerProcess *
server_process_start (const gchar * const *args)
{
  const gchar *program = g_getenv ("GST_ICE_SIGNALLING_SERVER");
  GPtrArray *argv = g_ptr_array_new ();
  ServerProcess *server = g_new0 (ServerProcess, 1);
  GError *error = NULL;
  gint out = -1;
  GIOChannel *channel;
  gchar *line = NULL;
  const gchar *port;

  fail_unless (program != NULL, "GST_ICE_SIGNALLING_SERVER is not set");
  g_ptr_array_add (argv, (gpointer) program);
  g_ptr_array_add (argv, (gpointer) "--host=127.0.0.1");
  g_ptr_array_add (argv, (gpointer) "--port=0");
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
  fail_unless (g_spawn_async_with_pipes (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &server->pid, NULL, &out,
          NULL, &error), "%s", error ? error->message : "?");
  g_ptr_array_unref (argv);

  channel = g_io_channel_unix_new (out);
  g_io_channel_set_close_on_unref (channel, TRUE);
  fail_unless (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) ==
      G_IO_STATUS_NORMAL, "the server printed nothing");
  g_io_channel_unref (channel);
  port = strrchr (line, ':');
  fail_unless ((g_str_has_prefix (line, "listening on ws://127.0.0.1:") ||
          g_str_has_prefix (line, "listening on wss://127.0.0.1:")) &&
      port != NULL, "unexpected: %s", line);
  server->port = atoi (port + 1);
  server->uri = g_strdup_printf ("%s://127.0.0.1:%u", strstr (line, "wss:")
      ? "wss" : "ws", server->port);
  g_free (line);
  return server;
}

static void
server_process_stop (ServerProcess * server)
{
  gint status;

  kill (server->pid, SIGTERM);
  fail_unless (waitpid (server->pid, &status, 0) == server->pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_close_pid (server->pid);
  g_free (server->uri);
  g_free (server);
}

/* The error the consumer posts, which must be about the token. */
static void
expect_token_error (GstElement * consumer)
{
  GstMessage *msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL,
      TIMEOUT);
  gchar *text;

  fail_unless (msg != NULL, "no error without the token");
  text = test_message_text (msg);
  GST_INFO ("%s", text);
  fail_unless (strstr (text, "register refused by signalling server ") !=
      NULL, "%s", text);
  fail_unless (strstr (text, "wrong or missing token") != NULL, "%s", text);
  fail_unless (strstr (text, "set signaller::token") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
}

/* The server program with --token-file: who has the token streams, who
 * has another or none is refused with a message saying so. */
GST_START_TEST (test_token_standalone_server)
{
  gchar *dir = g_dir_make_tmp ("gst-ice-XXXXXX", NULL);
  gchar *file = g_build_filename (dir, "token", NULL);
  gchar *option = g_strdup_printf ("--token-file=%s", file);
  const gchar *args[] = { option, NULL };
  ServerProcess *server;
  GstElement *producer, *consumer, *without, *wrong;

  /* as `openssl rand -hex 16 > token` writes it */
  fail_unless (g_file_set_contents (file, TOKEN "\n", -1, NULL));
  g_chmod (file, 0600);
  server = server_process_start (args);

  producer = start_producer (server->uri, "signaller::token=" TOKEN, &added,
      &removed);
  consumer = start_consumer (server->uri, "signaller::token=" TOKEN);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);

  without = start_consumer (server->uri, NULL);
  expect_token_error (without);
  wrong = start_consumer (server->uri, "signaller::token=" TOKEN "x");
  expect_token_error (wrong);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (wrong);
  test_stop (without);
  test_stop (consumer);
  test_stop (producer);
  server_process_stop (server);
  g_unlink (file);
  g_rmdir (dir);
  g_free (option);
  g_free (file);
  g_free (dir);
}

GST_END_TEST;

/* The README demo with a token: icesink runs the server and registers
 * with it itself; the receiver needs the token too. */
GST_START_TEST (test_token_embedded_server)
{
  GstElement *producer, *consumer, *without;
  guint port;
  gchar *uri;

  producer = test_producer_new ("run-signalling-server=true "
      "signalling-server-host=127.0.0.1 signalling-server-port=0 "
      "signalling-server-token=" TOKEN);
  test_count_peers (producer, &added, &removed);
  start_pipeline (producer);
  g_object_get (test_get (producer, "sink"), "signalling-server-port", &port,
      NULL);
  uri = g_strdup_printf ("ws://127.0.0.1:%u", port);

  consumer = start_consumer (uri, "signaller::token=" TOKEN);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);

  without = start_consumer (uri, NULL);
  expect_token_error (without);
  test_assert_no_error (producer);

  test_stop (without);
  test_stop (consumer);
  test_stop (producer);
  g_free (uri);
}

GST_END_TEST;

/* The warning @consumer posts, which must say the producer is full. */
static void
expect_full_warning (GstElement * consumer)
{
  GstMessage *msg = test_wait_message (consumer, GST_MESSAGE_WARNING, NULL,
      TIMEOUT);
  gchar *text;

  fail_unless (msg != NULL, "the consumer over the limit was not told");
  text = test_message_text (msg);
  GST_INFO ("%s", text);
  fail_unless (strstr (text, "producer 'cam' is full") != NULL, "%s", text);
  fail_unless (strstr (text, "max-consumers") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
}

/* icesink max-consumers=2: two consumers stream, the third is told the
 * producer is full, and gets in when one leaves. */
GST_START_TEST (test_max_consumers)
{
  TestServer *server = test_server_start ();
  GstElement *producer = start_producer (server->uri, "max-consumers=2",
      &added, &removed);
  GstElement *consumers[3];
  guint i;

  g_object_get (test_get (producer, "sink"), "max-consumers", &i, NULL);
  fail_unless_equals_int (i, 2);
  consumers[0] = start_consumer (server->uri, NULL);
  consumers[1] = start_consumer (server->uri, NULL);
  fail_unless (test_wait_count (&added, 2, TIMEOUT));
  consumers[2] = start_consumer (server->uri, NULL);
  expect_full_warning (consumers[2]);

  test_push_numbered (producer, 0, 50, 500);
  for (i = 0; i < 2; i++)
    fail_unless_equals_int (test_pull_numbered (consumers[i], 0, 50, TIMEOUT,
            NULL), 50);
  fail_unless_equals_int (g_atomic_int_get (&added), 2);
  test_assert_no_error (consumers[2]);

  /* a place frees: the third one asks again and gets in */
  test_stop (consumers[0]);
  fail_unless (test_wait_count (&added, 3, TIMEOUT), "the third consumer "
      "did not get the place that freed");
  test_push_numbered (producer, 50, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumers[2], 50, 50, TIMEOUT,
          NULL), 50);
  fail_unless_equals_int (test_pull_numbered (consumers[1], 50, 50, TIMEOUT,
          NULL), 50);
  test_assert_no_error (producer);
  test_assert_no_error (consumers[1]);
  test_assert_no_error (consumers[2]);

  test_stop (consumers[2]);
  test_stop (consumers[1]);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

#define FLOOD_CONNECTIONS 500
#define FLOOD_REQUESTS 500

/* One client floods the server from 127.0.0.2 (an address of its own, as
 * an attacker on another host): 500 session requests on one connection,
 * and 500 connections that each register and ask for a session.  The
 * consumer already streaming goes on, the server still answers others,
 * and the producer's file descriptors stay bounded. */
GST_START_TEST (test_flood)
{
  TestServer *server = test_server_start ();
  GstElement *producer = start_producer (server->uri, NULL, &added, &removed);
  GstElement *consumer = start_consumer (server->uri, NULL);
  GstElement *late;
  GPtrArray *flood = g_ptr_array_new_with_free_func ((GDestroyNotify)
      test_ws_free);
  TestWs *ws;
  guint baseline, during, i, refused = 0;
  gchar *text;

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  baseline = test_count_fds ();

  ws = test_ws_connect (server->port, "127.0.0.2", NULL);
  fail_unless (ws != NULL);
  g_ptr_array_add (flood, ws);
  fail_unless (test_ws_send_text (ws, "{\"type\":\"register\","
          "\"peerId\":\"flood\",\"role\":\"consumer\"}"));
  for (i = 0; i < FLOOD_REQUESTS; i++)
    fail_unless (test_ws_send_text (ws, "{\"type\":\"startSession\","
            "\"producerId\":\"cam\"}"));
  for (i = 0; i < FLOOD_CONNECTIONS; i++) {
    ws = test_ws_connect (server->port, "127.0.0.2", NULL);
    if (ws == NULL) {
      refused++;
      continue;
    }
    g_ptr_array_add (flood, ws);
    text = g_strdup_printf ("{\"type\":\"register\",\"peerId\":"
        "\"flood%u\",\"role\":\"consumer\"}", i);
    test_ws_send_text (ws, text);
    g_free (text);
    test_ws_send_text (ws, "{\"type\":\"startSession\","
        "\"producerId\":\"cam\"}");
  }
  /* let the producer take in what the server let through */
  g_usleep (2 * G_USEC_PER_SEC);

  /* the stream goes on */
  test_push_numbered (producer, 50, 100, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 100, TIMEOUT,
          NULL), 100);

  /* the flood's own sockets are in this process too */
  during = test_count_fds () - flood->len;
  GST_INFO ("file descriptors: %u before the flood, %u during it (%u "
      "flood connections taken, %u refused, %d sessions)", baseline, during,
      flood->len, refused, added);
  fail_unless (flood->len <= 32, "the server took %u connections from one "
      "address", flood->len);
  /* the server's 32 sockets, and 31 more sessions of the producer's 32 at
   * 4 descriptors each (libnice: UDP, TCP passive and active, and the
   * session's timer) */
  fail_unless (during <= baseline + 32 + 31 * 4, "%u file descriptors "
      "open during the flood, %u before", during, baseline);

  /* the server still serves others: a newcomer is told the producer is
   * full rather than nothing */
  late = start_consumer (server->uri, NULL);
  expect_full_warning (late);
  test_assert_no_error (consumer);
  test_assert_no_error (producer);

  g_ptr_array_unref (flood);
  test_stop (late);
  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

/* The same flood through the directory signaller, from whoever can write
 * to the folder: 500 session requests.  max-consumers, in the producer
 * role, bounds it as for the WebSocket signaller. */
GST_START_TEST (test_directory_flood)
{
  gchar *dir = test_dir_new ("gst-ice-flood");
  gchar *props = g_strdup_printf ("peer-id=cam signaller-type=directory "
      "signaller::directory=%s", dir);
  GstElement *producer = test_producer_new (props);
  GstElement *consumer = test_consumer_new (props);
  gchar *path, *contents, *instance;
  guint baseline, during, i;

  test_count_peers (producer, &added, &removed);
  start_pipeline (producer);
  start_pipeline (consumer);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  baseline = test_count_fds ();

  path = g_build_filename (dir, "producers", "cam", NULL);
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  g_free (path);
  instance = strstr (contents, "instance ");
  fail_unless (instance != NULL, "%s", contents);
  instance = g_strndup (instance + 9, strcspn (instance + 9, "\n"));
  for (i = 0; i < FLOOD_REQUESTS; i++) {
    gchar *session = g_strdup_printf ("flood%u-%08x", i, i);
    gchar *folder = g_build_filename (dir, "sessions", session, NULL);
    gchar *request = g_build_filename (folder, "request", NULL);
    gchar *text = g_strdup_printf ("producer cam\nproducer-instance %s\n"
        "consumer flood%u\n", instance, i);

    fail_unless (g_mkdir (folder, 0700) == 0);
    fail_unless (g_file_set_contents (request, text, -1, NULL));
    g_free (text);
    g_free (request);
    g_free (folder);
    g_free (session);
  }
  /* a few polls */
  g_usleep (2 * G_USEC_PER_SEC);

  test_push_numbered (producer, 50, 100, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 50, 100, TIMEOUT,
          NULL), 100);
  during = test_count_fds ();
  GST_INFO ("file descriptors: %u before the flood, %u during it",
      baseline, during);
  fail_unless (during <= baseline + 31 * 4, "%u file descriptors open "
      "during the flood, %u before", during, baseline);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (consumer);
  test_stop (producer);
  test_dir_remove (dir);
  g_free (instance);
  g_free (contents);
  g_free (props);
  g_free (dir);
}

GST_END_TEST;

/* A CA, and a certificate it signed for 127.0.0.1 and localhost. */
typedef struct
{
  gchar *dir;
  gchar *ca, *ca_key, *cert, *key;
} TestPki;

static TestPki *
test_pki_new (void)
{
  TestPki *pki = g_new0 (TestPki, 1);

  pki->dir = test_dir_new ("gst-ice-wss");
  test_make_ca_files (pki->dir, "ca", &pki->ca, &pki->ca_key);
  test_make_signed_certificate_files (pki->dir, "server",
      "IP:127.0.0.1,DNS:localhost", pki->ca, pki->ca_key, &pki->cert,
      &pki->key);
  return pki;
}

static void
test_pki_free (TestPki * pki)
{
  test_dir_remove (pki->dir);
  g_free (pki->dir);
  g_free (pki->ca);
  g_free (pki->ca_key);
  g_free (pki->cert);
  g_free (pki->key);
  g_free (pki);
}

/* The error of a consumer that does not trust the server's certificate. */
static void
expect_untrusted_error (GstElement * consumer, const gchar * uri)
{
  GstMessage *msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL,
      TLS_TIMEOUT);
  gchar *text;

  fail_unless (msg != NULL, "no error from an untrusted server");
  text = test_message_text (msg);
  GST_INFO ("%s", text);
  fail_unless (strstr (text, uri) != NULL, "%s", text);
  fail_unless (strstr (text, "is not signed by a trusted CA") != NULL, "%s",
      text);
  fail_unless (strstr (text, "set signaller::tls-ca-file") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
}

/* The server program over wss:// with a token, as docs/security.md
 * recommends: who trusts its CA and has the token streams. */
GST_START_TEST (test_wss_standalone_server)
{
  TestPki *pki;
  gchar *cert_option, *key_option, *props, *token_file, *token_option;
  ServerProcess *server;
  GstElement *producer, *consumer, *untrusting;

  if (!test_have_openssl ()) {
    GST_WARNING ("skipped: no openssl command to make certificates");
    return;
  }
  pki = test_pki_new ();
  token_file = g_build_filename (pki->dir, "token", NULL);
  fail_unless (g_file_set_contents (token_file, TOKEN, -1, NULL));
  g_chmod (token_file, 0600);
  cert_option = g_strdup_printf ("--certificate-file=%s", pki->cert);
  key_option = g_strdup_printf ("--private-key-file=%s", pki->key);
  token_option = g_strdup_printf ("--token-file=%s", token_file);
  {
    const gchar *args[] = { cert_option, key_option, token_option, NULL };

    server = server_process_start (args);
  }
  fail_unless (g_str_has_prefix (server->uri, "wss://"), "%s", server->uri);

  props = g_strdup_printf ("signaller::tls-ca-file=%s signaller::token="
      TOKEN, pki->ca);
  producer = start_producer (server->uri, props, &added, &removed);
  consumer = start_consumer (server->uri, props);
  fail_unless (test_wait_count (&added, 1, TLS_TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);

  /* the system's CAs do not know the test's */
  untrusting = start_consumer (server->uri, "signaller::token=" TOKEN);
  expect_untrusted_error (untrusting, server->uri);
  test_assert_no_error (producer);
  test_assert_no_error (consumer);

  test_stop (untrusting);
  test_stop (consumer);
  test_stop (producer);
  server_process_stop (server);
  g_free (props);
  g_free (cert_option);
  g_free (key_option);
  g_free (token_option);
  g_free (token_file);
  test_pki_free (pki);
}

GST_END_TEST;

/* icesink serves wss:// itself; its own signaller trusts that server
 * without a CA file, the consumer with the CA. */
GST_START_TEST (test_wss_embedded_server)
{
  TestPki *pki;
  GstElement *producer, *consumer;
  gchar *props, *uri;
  guint port;

  if (!test_have_openssl ()) {
    GST_WARNING ("skipped: no openssl command to make certificates");
    return;
  }
  pki = test_pki_new ();
  props = g_strdup_printf ("run-signalling-server=true "
      "signalling-server-host=127.0.0.1 signalling-server-port=0 "
      "signalling-server-certificate-file=%s "
      "signalling-server-private-key-file=%s", pki->cert, pki->key);
  producer = test_producer_new (props);
  g_free (props);
  test_count_peers (producer, &added, &removed);
  start_pipeline (producer);
  g_object_get (test_get (producer, "sink"), "signalling-server-port", &port,
      NULL);
  uri = g_strdup_printf ("wss://127.0.0.1:%u", port);

  props = g_strdup_printf ("signaller::tls-ca-file=%s", pki->ca);
  consumer = start_consumer (uri, props);
  g_free (props);
  fail_unless (test_wait_count (&added, 1, TLS_TIMEOUT));
  test_push_numbered (producer, 0, 50, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 50, TIMEOUT,
          NULL), 50);
  test_assert_no_error (producer);

  test_stop (consumer);
  test_stop (producer);
  g_free (uri);
  test_pki_free (pki);
}

GST_END_TEST;

/* Runs @argv with GIO's modules, glib-networking among them, out of
 * reach; returns what it printed. */
static gchar *
run_without_gio_modules (const gchar * const *argv, gint * status)
{
  gchar *empty = test_dir_new ("gst-ice-no-gio-modules");
  gchar **envp = g_get_environ ();
  gchar *out = NULL, *err = NULL, *both;
  GError *error = NULL;

  envp = g_environ_setenv (envp, "GIO_MODULE_DIR", empty, TRUE);
  fail_unless (g_spawn_sync (NULL, (gchar **) argv, envp,
          G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, status, &error), "%s",
      error ? error->message : "?");
  both = g_strconcat (out, err, NULL);
  g_free (out);
  g_free (err);
  g_strfreev (envp);
  test_dir_remove (empty);
  g_free (empty);
  return both;
}

/* Without glib-networking GIO cannot do TLS: the server and the
 * signaller say so and what to install, rather than "TLS support is not
 * available" at the first connection. */
GST_START_TEST (test_wss_needs_glib_networking)
{
  const gchar *server[] = { g_getenv ("GST_ICE_SIGNALLING_SERVER"),
    "--host=127.0.0.1", "--port=0", "--certificate-file=/dev/null",
    "--private-key-file=/dev/null", NULL
  };
  gchar *empty = test_dir_new ("gst-ice-no-gio-modules");
  GstElement *consumer;
  GstMessage *msg;
  gint status;
  gchar *text;

  text = run_without_gio_modules (server, &status);
  GST_INFO ("%s", text);
  fail_if (g_spawn_check_wait_status (status, NULL));
  fail_unless (strstr (text, "install glib-networking") != NULL, "%s", text);
  g_free (text);

  /* this test's own process loads GIO's modules only now (each test runs
   * in a new child): from an empty folder */
  g_setenv ("GIO_MODULE_DIR", empty, TRUE);
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ())) {
    GST_WARNING ("skipped the signaller's half: GIO's modules were loaded "
        "before (CK_FORK=no?)");
  } else {
    consumer = test_consumer_new ("signaller::uri=wss://127.0.0.1:9");
    fail_unless_equals_int (gst_element_set_state (consumer,
            GST_STATE_READY), GST_STATE_CHANGE_FAILURE);
    msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL, TIMEOUT);
    fail_unless (msg != NULL);
    text = test_message_text (msg);
    GST_INFO ("%s", text);
    fail_unless (strstr (text, "signaller uri 'wss://127.0.0.1:9' needs "
            "TLS") != NULL, "%s", text);
    fail_unless (strstr (text, "install glib-networking") != NULL, "%s", text);
    g_free (text);
    gst_message_unref (msg);
    test_stop (consumer);
  }
  g_unsetenv ("GIO_MODULE_DIR");
  test_dir_remove (empty);
  g_free (empty);
}

GST_END_TEST;

static Suite *
signallingaccess_suite (void)
{
  Suite *s = suite_create ("signallingaccess");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, reset_counts, NULL);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_request_crosses_producer_leaving);
  tcase_add_test (tc, test_reregister_while_server_holds_stale_connection);
  tcase_add_test (tc, test_restart_through_broken_signalling);
  tcase_add_test (tc, test_token_standalone_server);
  tcase_add_test (tc, test_token_embedded_server);
  tcase_add_test (tc, test_max_consumers);
  tcase_add_test (tc, test_flood);
  tcase_add_test (tc, test_directory_flood);
  tcase_add_test (tc, test_wss_standalone_server);
  tcase_add_test (tc, test_wss_embedded_server);
  tcase_add_test (tc, test_wss_needs_glib_networking);
  return s;
}

GST_CHECK_MAIN (signallingaccess);
