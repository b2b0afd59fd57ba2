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

/* A minimal RFC 6455 client on a blocking GSocket: the handshake, masked
 * text frames out, unmasked frames in. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "testwebsocket.h"

#define OPCODE_TEXT 0x1
#define OPCODE_CLOSE 0x8
#define OPCODE_PING 0x9
#define OPCODE_PONG 0xa

struct _TestWs
{
  GSocket *socket;
  GByteArray *input;            /* received, not parsed yet */
  gboolean answer_pings;
  gboolean closed;
  guint close_code;
  gchar *close_reason;
};

static gboolean
send_all (TestWs * ws, const guint8 * data, gsize size)
{
  while (size > 0) {
    gssize n = g_socket_send (ws->socket, (const gchar *) data, size, NULL,
        NULL);

    if (n <= 0)
      return FALSE;
    data += n;
    size -= n;
  }
  return TRUE;
}

/* Reads what is there, waiting until @deadline (monotonic); FALSE at the
 * deadline or when the stream ended. */
static gboolean
read_more (TestWs * ws, gint64 deadline)
{
  gchar buffer[16384];
  gint64 left = deadline - g_get_monotonic_time ();
  gssize n;

  if (left <= 0 || !g_socket_condition_timed_wait (ws->socket, G_IO_IN, left,
          NULL, NULL))
    return FALSE;
  n = g_socket_receive (ws->socket, buffer, sizeof (buffer), NULL, NULL);
  if (n <= 0) {
    ws->closed = TRUE;
    return FALSE;
  }
  g_byte_array_append (ws->input, (guint8 *) buffer, n);
  return TRUE;
}

static gboolean
send_frame (TestWs * ws, guint8 opcode, const guint8 * payload, gsize size)
{
  GByteArray *frame = g_byte_array_new ();
  guint8 header[14];
  guint32 mask = g_random_int ();
  guint8 *key = (guint8 *) & mask;
  gsize header_size = 2, i;
  gboolean sent;

  header[0] = 0x80 | opcode;
  if (size < 126) {
    header[1] = 0x80 | size;
  } else if (size <= G_MAXUINT16) {
    header[1] = 0x80 | 126;
    GST_WRITE_UINT16_BE (header + 2, size);
    header_size = 4;
  } else {
    header[1] = 0x80 | 127;
    for (i = 0; i < 8; i++)
      header[2 + i] = ((guint64) size >> (56 - 8 * i)) & 0xff;
    header_size = 10;
  }
  memcpy (header + header_size, key, 4);
  header_size += 4;
  g_byte_array_append (frame, header, header_size);
  for (i = 0; i < size; i++) {
    guint8 b = payload[i] ^ key[i % 4];

    g_byte_array_append (frame, &b, 1);
  }
  sent = send_all (ws, frame->data, frame->len);
  g_byte_array_unref (frame);
  return sent;
}

TestWs *
test_ws_connect (guint port, const gchar * local_address, GError ** error)
{
  TestWs *ws = g_new0 (TestWs, 1);
  GSocketAddress *address;
  gchar *request;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  guint8 *end;

  ws->input = g_byte_array_new ();
  ws->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, error);
  if (ws->socket == NULL)
    goto failed;
  if (local_address) {
    address = g_inet_socket_address_new_from_string (local_address, 0);
    if (!g_socket_bind (ws->socket, address, FALSE, error)) {
      g_object_unref (address);
      goto failed;
    }
    g_object_unref (address);
  }
  address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  if (!g_socket_connect (ws->socket, address, NULL, error)) {
    g_object_unref (address);
    goto failed;
  }
  g_object_unref (address);

  request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n", port);
  if (!send_all (ws, (guint8 *) request, strlen (request))) {
    g_free (request);
    goto closed;
  }
  g_free (request);

  while ((end = ws->input->len >= 4 ? (guint8 *) g_strstr_len ((gchar *)
              ws->input->data, ws->input->len, "\r\n\r\n") : NULL) == NULL) {
    if (!read_more (ws, deadline))
      goto closed;
  }
  if (!g_str_has_prefix ((gchar *) ws->input->data, "HTTP/1.1 101"))
    goto refused;
  g_byte_array_remove_range (ws->input, 0, end + 4 - ws->input->data);
  return ws;

  /* ERRORS */
failed:
  {
    test_ws_free (ws);
    return NULL;
  }
closed:
  {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
        "the server closed the connection during the handshake");
    test_ws_free (ws);
    return NULL;
  }
refused:
  {
    gchar *line = g_strndup ((gchar *) ws->input->data,
        strcspn ((gchar *) ws->input->data, "\r"));

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "the server refused the handshake: %s", line);
    g_free (line);
    test_ws_free (ws);
    return NULL;
  }
}

void
test_ws_free (TestWs * ws)
{
  if (ws->socket) {
    g_socket_close (ws->socket, NULL);
    g_object_unref (ws->socket);
  }
  g_byte_array_unref (ws->input);
  g_free (ws->close_reason);
  g_free (ws);
}

void
test_ws_set_answer_pings (TestWs * ws, gboolean answer)
{
  ws->answer_pings = answer;
}

gboolean
test_ws_send_text (TestWs * ws, const gchar * text)
{
  return send_frame (ws, OPCODE_TEXT, (const guint8 *) text, strlen (text));
}

/* Takes one frame out of the input if it is complete: its opcode and a
 * copy of its payload. */
static gboolean
parse_frame (TestWs * ws, guint8 * opcode, GBytes ** payload)
{
  guint8 *data = ws->input->data;
  gsize have = ws->input->len, header = 2;
  guint64 size;
  guint i;

  if (have < 2)
    return FALSE;
  size = data[1] & 0x7f;
  if (size == 126) {
    if (have < 4)
      return FALSE;
    size = GST_READ_UINT16_BE (data + 2);
    header = 4;
  } else if (size == 127) {
    if (have < 10)
      return FALSE;
    size = 0;
    for (i = 0; i < 8; i++)
      size = (size << 8) | data[2 + i];
    header = 10;
  }
  if (have < header + size)
    return FALSE;
  *opcode = data[0] & 0x0f;
  *payload = g_bytes_new (data + header, size);
  g_byte_array_remove_range (ws->input, 0, header + size);
  return TRUE;
}

/* The next text or close frame; answers pings on the way if asked to. */
static GBytes *
next_frame (TestWs * ws, gint64 deadline, guint8 * opcode)
{
  GBytes *payload;

  while (!ws->closed) {
    if (!parse_frame (ws, opcode, &payload)) {
      if (!read_more (ws, deadline))
        return NULL;
      continue;
    }
    if (*opcode == OPCODE_PING) {
      gsize size;
      const guint8 *data = g_bytes_get_data (payload, &size);

      if (ws->answer_pings)
        send_frame (ws, OPCODE_PONG, data, size);
      g_bytes_unref (payload);
      continue;
    }
    if (*opcode == OPCODE_CLOSE) {
      gsize size;
      const guint8 *data = g_bytes_get_data (payload, &size);

      ws->closed = TRUE;
      if (size >= 2) {
        ws->close_code = GST_READ_UINT16_BE (data);
        ws->close_reason = g_strndup ((const gchar *) data + 2, size - 2);
      }
      g_bytes_unref (payload);
      return NULL;
    }
    if (*opcode == OPCODE_TEXT)
      return payload;
    g_bytes_unref (payload);
  }
  return NULL;
}

gchar *
test_ws_receive_text (TestWs * ws, guint timeout_ms)
{
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  guint8 opcode;
  GBytes *payload = next_frame (ws, deadline, &opcode);
  const gchar *data;
  gchar *text;
  gsize size;

  if (payload == NULL)
    return NULL;
  data = g_bytes_get_data (payload, &size);
  text = g_strndup (data, size);
  g_bytes_unref (payload);
  return text;
}

gchar *
test_ws_receive_type (TestWs * ws, const gchar * type, guint timeout_ms)
{
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline) {
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    gchar *text = test_ws_receive_text (ws, MAX (left, 1));
    JsonNode *node;
    gboolean match = FALSE;

    if (text == NULL)
      return NULL;
    node = json_from_string (text, NULL);
    if (node && JSON_NODE_HOLDS_OBJECT (node)) {
      JsonObject *object = json_node_get_object (node);

      match = json_object_has_member (object, "type") &&
          g_strcmp0 (json_object_get_string_member (object, "type"), type) == 0;
    }
    if (node)
      json_node_unref (node);
    if (match)
      return text;
    g_free (text);
  }
  return NULL;
}

gboolean
test_ws_wait_closed (TestWs * ws, guint timeout_ms)
{
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!ws->closed && g_get_monotonic_time () < deadline) {
    guint8 opcode;
    GBytes *payload = next_frame (ws, deadline, &opcode);

    if (payload)
      g_bytes_unref (payload);
  }
  return ws->closed;
}

gboolean
test_ws_is_closed (TestWs * ws)
{
  return ws->closed;
}

guint
test_ws_get_close_code (TestWs * ws)
{
  return ws->close_code;
}

const gchar *
test_ws_get_close_reason (TestWs * ws)
{
  return ws->close_reason;
}

guint
test_count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert (dir != NULL);
  while (g_dir_read_name (dir))
    n++;
  g_dir_close (dir);
  /* the one g_dir_open used */
  return n - 1;
}
