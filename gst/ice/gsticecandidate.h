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

/* Candidate lines (RFC 8839 `a=candidate:`, RFC 6544 tcptype), as the
 * description, the session and the signallers pass them.  Private to
 * libgstice: this header is not installed. */

#define GST_ICE_CANDIDATE_LINE_PREFIX "a=candidate:"
#define GST_ICE_END_OF_CANDIDATES_LINE "a=end-of-candidates"

gboolean gst_ice_candidate_line_is_valid (const gchar * line,
    GError ** error);
gboolean gst_ice_candidate_line_is_end_of_candidates (const gchar * line);

/* Steps of gst_ice_candidate_line_is_valid(), for the unit tests; it runs
 * them in this order.  A step that fails sets @error to the end of the
 * message only (such as "port '65536' is not a number between 0 and
 * 65535"): gst_ice_candidate_line_is_valid() puts "candidate line '<LINE>': "
 * in front. */
gchar **gst_ice_candidate_line_split_fields (const gchar * line,
    GError ** error);
gboolean gst_ice_candidate_line_check_required_fields (gchar ** fields,
    gboolean * is_tcp, GError ** error);
gboolean gst_ice_candidate_line_check_related_address (gchar ** fields,
    guint * n_fields, GError ** error);
gboolean gst_ice_candidate_line_check_extensions (gchar ** fields,
    gboolean is_tcp, GError ** error);

/* Which local addresses get host candidates when none are configured */
GPtrArray *gst_ice_candidate_host_addresses (const gchar * const *addresses);
gboolean gst_ice_candidate_address_is_link_local (const gchar * address);

G_END_DECLS
