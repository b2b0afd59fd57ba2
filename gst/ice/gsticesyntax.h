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

/* Pieces of the SDP grammar (RFC 8839, RFC 4566, RFC 5234) that both the
 * description and the candidate-line parsers check, and how both show the
 * text they quote in a message.  Private to libgstice. */

gboolean gst_ice_syntax_ice_chars_are_valid (const gchar * text,
    gsize min_length, gsize max_length);
gboolean gst_ice_syntax_decimal_is_valid (const gchar * text, guint64 min,
    guint64 max);
gboolean gst_ice_syntax_address_is_valid (const gchar * text);
gboolean gst_ice_syntax_token_is_valid (const gchar * text);
gboolean gst_ice_syntax_vchars_are_valid (const gchar * text);

gchar *gst_ice_syntax_text_for_display (const gchar * text);

G_END_DECLS
