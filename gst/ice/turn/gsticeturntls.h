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


/* Private to libgstice: not installed. */

#pragma once

#include <gio/gio.h>
#include <openssl/types.h>

G_BEGIN_DECLS

SSL_CTX *gst_ice_turn_tls_context_new (const gchar * ca_file,
    GError ** error);
SSL *gst_ice_turn_tls_new (SSL_CTX * context, const gchar * host,
    GSocket * socket, GError ** error);
gchar *gst_ice_turn_tls_describe_failure (SSL * ssl, int ret);
gboolean gst_ice_turn_tls_is_eof (SSL * ssl, int ret);

GList *gst_ice_turn_tls_resolve (const gchar * host, guint16 port,
    GCancellable * cancellable, GError ** error);

G_END_DECLS
