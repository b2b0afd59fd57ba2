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


/* What the signalling server does with its clients' frames: three
 * clients, each on a WebSocket over memory (a pipe it reads, a memory
 * stream it writes), the frames delivered the way libsoup delivers them.
 *
 * Input: one frame per line; the first byte of a line picks the client
 * (its value modulo 3), the second what happens: '!' the client's
 * connection closes, '#' a binary frame of the rest, anything else a text
 * frame of the rest.  So "0:{"type":"register",...}" is client 0 sending
 * a text frame.  Session ids are random: "@SESSION@" in a frame stands
 * for the last one the server sent to anyone.
 *
 * Checked: no crash, leak, undefined behaviour, critical or warning;
 * every frame the server sends is a text frame holding a JSON object with
 * a string "type", as docs/signalling-protocol.md says; once every
 * connection closed, the server holds nothing (the leak check). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>
#include <libsoup/soup.h>

#include <gst/ice/signalling/gsticesignallingprotocol.h>
#include <gst/ice/signalling/gsticesignallingserverprivate.h>

#include "fuzzcommon.h"

#define N_CLIENTS 3

#define SESSION_PLACEHOLDER "@SESSION@"

typedef struct
{
  SoupWebsocketConnection *ws;
  GOutputStream *sent;          /* what the server wrote */
  gsize checked;                /* how much of it was checked */
  gint write_end;               /* of the pipe the server reads */
  gboolean closed;
} Client;

static GMainContext *context;
static gchar *last_session_id;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  return 0;
}

static void
on_closed (SoupWebsocketConnection * ws, Client * client)
{
  client->closed = TRUE;
}

static void
client_open (Client * client, GstIceSignallingServer * server, guint index)
{
  GInputStream *input;
  GIOStream *stream;
  GUri *uri;
  gchar *name;
  gint fds[2];

  FUZZ_CHECK (pipe (fds) == 0);
  input = g_unix_input_stream_new (fds[0], TRUE);
  client->write_end = fds[1];
  client->sent = g_memory_output_stream_new_resizable ();
  client->checked = 0;
  client->closed = FALSE;
  stream = g_simple_io_stream_new (input, client->sent);
  uri = g_uri_parse ("ws://127.0.0.1/", G_URI_FLAGS_NONE, NULL);
  client->ws = soup_websocket_connection_new (stream, uri,
      SOUP_WEBSOCKET_CONNECTION_SERVER, NULL, NULL, NULL);
  g_signal_connect (client->ws, "closed", G_CALLBACK (on_closed), client);

  name = g_strdup_printf ("fuzz client %u", index);
  gst_ice_signalling_server_add_connection (server, client->ws, name);

  g_free (name);
  g_uri_unref (uri);
  g_object_unref (stream);
  g_object_unref (input);
}

/* The client goes away: the server reads the end of its pipe. */
static void
client_close (Client * client)
{
  if (client->write_end < 0)
    return;
  close (client->write_end);
  client->write_end = -1;
  while (!client->closed)
    g_main_context_iteration (context, TRUE);
}

/* Each frame the server wrote since the last check (RFC 6455, unmasked
 * from a server): text, a JSON object with a string "type". */
static void
check_sent (Client * client)
{
  GMemoryOutputStream *out = G_MEMORY_OUTPUT_STREAM (client->sent);
  const guint8 *p = g_memory_output_stream_get_data (out);
  gsize left = g_memory_output_stream_get_data_size (out);

  if (left == client->checked)
    return;
  p += client->checked;
  left -= client->checked;
  client->checked += left;

  while (left > 0) {
    guint opcode, header = 2;
    guint64 length;
    GBytes *payload;
    JsonObject *message;

    FUZZ_CHECK (left >= 2);
    opcode = p[0] & 0x0f;
    FUZZ_CHECK ((p[0] & 0x80) != 0 && (p[1] & 0x80) == 0);
    length = p[1] & 0x7f;
    if (length == 126) {
      FUZZ_CHECK (left >= 4);
      length = (p[2] << 8) | p[3];
      header = 4;
    } else if (length == 127) {
      FUZZ_CHECK (left >= 10);
      length = GST_READ_UINT64_BE (p + 2);
      header = 10;
    }
    FUZZ_CHECK (left >= header + length);

    /* 0x8: the close frame libsoup sends itself */
    if (opcode != 0x8) {
      FUZZ_CHECK (opcode == 0x1);
      payload = g_bytes_new (p + header, length);
      message = gst_ice_signalling_message_parse (payload, NULL);
      FUZZ_CHECK (message != NULL);
      FUZZ_CHECK (gst_ice_signalling_message_get_string (message,
              "type") != NULL);
      if (gst_ice_signalling_message_get_string (message, "sessionId")) {
        g_free (last_session_id);
        last_session_id = g_strdup (gst_ice_signalling_message_get_string
            (message, "sessionId"));
      }
      json_object_unref (message);
      g_bytes_unref (payload);
    }
    p += header + length;
    left -= header + length;
  }
}

/* The frame at @line: its placeholder replaced */
static GBytes *
make_frame (const guint8 * line, gsize length)
{
  GString *frame = g_string_new_len ((const gchar *) line, length);

  if (last_session_id != NULL)
    g_string_replace (frame, SESSION_PLACEHOLDER, last_session_id, 0);
  return g_string_free_to_bytes (frame);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstIceSignallingServer *server;
  Client clients[N_CLIENTS];
  GPtrArray *lines;
  guint i, j;

  server = gst_ice_signalling_server_new ("127.0.0.1", 0);
  /* a client whose pipe closes leaves at once, rather than waiting 15 s
   * for it to resume on another connection */
  g_object_set (server, "resume-timeout", 0, NULL);
  for (i = 0; i < N_CLIENTS; i++)
    client_open (&clients[i], server, i);

  lines = fuzz_split_lines (data, size);
  for (i = 0; i < lines->len; i++) {
    gsize length;
    const guint8 *line = g_bytes_get_data (lines->pdata[i], &length);
    Client *client;
    GBytes *frame;

    if (length < 2)
      continue;
    client = &clients[line[0] % N_CLIENTS];
    if (line[1] == '!') {
      client_close (client);
      continue;
    }
    if (client->closed)
      continue;
    frame = make_frame (line + 2, length - 2);
    g_signal_emit_by_name (client->ws, "message", line[1] == '#' ?
        SOUP_WEBSOCKET_DATA_BINARY : SOUP_WEBSOCKET_DATA_TEXT, frame);
    g_bytes_unref (frame);
    for (j = 0; j < N_CLIENTS; j++)
      check_sent (&clients[j]);
  }
  g_ptr_array_unref (lines);
  g_clear_pointer (&last_session_id, g_free);

  for (i = 0; i < N_CLIENTS; i++) {
    client_close (&clients[i]);
    check_sent (&clients[i]);
    g_object_unref (clients[i].ws);
    g_object_unref (clients[i].sent);
  }
  g_object_unref (server);
  return 0;
}
