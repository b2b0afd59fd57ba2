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

#include <glib.h>

G_BEGIN_DECLS

/* A TCP relay on 127.0.0.1 in a thread of its own, in front of a server
 * on 127.0.0.1:upstream_port, that can break the client side of every
 * connection while the server side stays open and silent: what a server
 * sees when a client's network drops without a FIN reaching it. */
typedef struct _TestProxy TestProxy;

TestProxy *test_proxy_new (guint upstream_port);
guint test_proxy_get_port (TestProxy * proxy);
/* Closes the client side of every open connection; the server side is
 * kept open and nothing is read from it or written to it any more. */
void test_proxy_cut (TestProxy * proxy);
/* Stops forwarding on every open connection, both sides kept open and
 * unread, as a path that died without a word (a NAT that forgot it, an
 * address that went away); new connections are forwarded. */
void test_proxy_freeze (TestProxy * proxy);
void test_proxy_free (TestProxy * proxy);

G_END_DECLS
