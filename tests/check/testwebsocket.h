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

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A WebSocket client written by hand on a blocking socket, for the tests
 * that play a hostile or dead peer: it answers pings only when told to,
 * floods, or stops reading.  The server it talks to must run in another
 * thread (TestServer). */
typedef struct _TestWs TestWs;

/* Connects to 127.0.0.1:@port from @local_address (NULL: any; another
 * loopback address such as 127.0.0.2 gives the client an address of its
 * own) and completes the WebSocket handshake.  Returns NULL, with @error
 * set, when the server refuses or closes the connection first. */
TestWs *test_ws_connect (guint port, const gchar * local_address,
    GError ** error);
void test_ws_free (TestWs * ws);

/* Answer the server's pings (default FALSE: a peer that reads but never
 * answers). */
void test_ws_set_answer_pings (TestWs * ws, gboolean answer);

gboolean test_ws_send_text (TestWs * ws, const gchar * text);
/* The next text message, or NULL once @timeout_ms passed or the server
 * closed the connection (test_ws_is_closed() says which). */
gchar *test_ws_receive_text (TestWs * ws, guint timeout_ms);
/* The next message whose "type" is @type, skipping others; NULL as
 * above. */
gchar *test_ws_receive_type (TestWs * ws, const gchar * type,
    guint timeout_ms);
/* Reads until the server closes the connection (close frame or end of
 * stream) or @timeout_ms passed; returns whether it closed.  The close
 * frame's code and reason are kept. */
gboolean test_ws_wait_closed (TestWs * ws, guint timeout_ms);
gboolean test_ws_is_closed (TestWs * ws);
guint test_ws_get_close_code (TestWs * ws);
const gchar *test_ws_get_close_reason (TestWs * ws);

/* How many file descriptors this process has open. */
guint test_count_fds (void);

G_END_DECLS
