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

/* Private to gst-ice: not installed. */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * GstIceServerScheme:
 * @GST_ICE_SERVER_SCHEME_STUN: `stun://host[:port]`
 * @GST_ICE_SERVER_SCHEME_TURN: `turn://user:pass@host[:port][?transport=udp|tcp]`
 * @GST_ICE_SERVER_SCHEME_TURNS: `turns://user:pass@host[:port]` (TURN over TLS)
 */
typedef enum
{
  GST_ICE_SERVER_SCHEME_STUN,
  GST_ICE_SERVER_SCHEME_TURN,
  GST_ICE_SERVER_SCHEME_TURNS,
} GstIceServerScheme;

/**
 * GstIceServerTransport:
 * @GST_ICE_SERVER_TRANSPORT_UDP: UDP
 * @GST_ICE_SERVER_TRANSPORT_TCP: TCP
 * @GST_ICE_SERVER_TRANSPORT_TLS: TLS over TCP (the only one for `turns://`)
 */
typedef enum
{
  GST_ICE_SERVER_TRANSPORT_UDP,
  GST_ICE_SERVER_TRANSPORT_TCP,
  GST_ICE_SERVER_TRANSPORT_TLS,
} GstIceServerTransport;

/**
 * GstIceServerUri:
 * @scheme: which kind of server
 * @host: host name or address literal (IPv6 without brackets)
 * @port: port; 3478 when the URI has none (5349 for `turns://`)
 * @username: (nullable): percent-decoded TURN user name
 * @password: (nullable): percent-decoded TURN password; %NULL for a
 *   TURN URI only when parsed with
 *   %GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL
 * @transport: transport to reach the server with
 *
 * A parsed STUN or TURN server URI (RFC 7064 / RFC 7065, plus the
 * `user:pass@` userinfo that webrtcsink and libnice users write).
 */
typedef struct
{
  GstIceServerScheme scheme;
  gchar *host;
  guint16 port;
  gchar *username;
  gchar *password;
  GstIceServerTransport transport;
} GstIceServerUri;

/**
 * GstIceServerUriFlags:
 * @GST_ICE_SERVER_URI_FLAG_NONE: every TURN URI has a user name and a
 *   password
 * @GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL: a TURN URI may also have a
 *   user name alone (`turn://USER@host`), whose password is derived from a
 *   shared secret (turn-auth-secret)
 */
typedef enum
{
  GST_ICE_SERVER_URI_FLAG_NONE = 0,
  GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL = (1 << 0),
} GstIceServerUriFlags;

#define GST_TYPE_ICE_SERVER_URI (gst_ice_server_uri_get_type ())
GType gst_ice_server_uri_get_type (void);

GstIceServerUri *gst_ice_server_uri_parse (const gchar * uri, GError ** error);
GstIceServerUri *gst_ice_server_uri_parse_full (const gchar * uri,
    GstIceServerUriFlags flags, GError ** error);
GstIceServerUri *gst_ice_server_uri_copy (const GstIceServerUri * uri);
void gst_ice_server_uri_free (GstIceServerUri * uri);
gchar *gst_ice_server_uri_to_string (const GstIceServerUri * uri,
    gboolean hide_password);
gchar *gst_ice_server_uri_hide_password (const gchar * text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstIceServerUri, gst_ice_server_uri_free);

/* Steps of gst_ice_server_uri_parse(), for the unit tests; not for
 * applications.  gst_ice_server_uri_parse() runs them in this order, each
 * on the parts the ones before it gave.  A step that fails sets @error to
 * the end of the message only (such as ": port '0' is not a number between
 * 1 and 65535"): gst_ice_server_uri_parse() puts "turn server '<URI>'" in
 * front.  @scheme, found by the first step, picks the examples a message
 * gives. */
gboolean gst_ice_server_uri_parse_scheme (const gchar * uri,
    GstIceServerScheme * scheme, const gchar ** authority, GError ** error);
gboolean gst_ice_server_uri_split_authority (const gchar * authority,
    GstIceServerScheme scheme, gchar ** userinfo, gchar ** hostport,
    const gchar ** rest, GError ** error);
gboolean gst_ice_server_uri_parse_host (const gchar * hostport,
    GstIceServerScheme scheme, gchar ** host, const gchar ** port,
    GError ** error);
gboolean gst_ice_server_uri_parse_port (const gchar * text,
    GstIceServerScheme scheme, guint16 * port, GError ** error);
gboolean gst_ice_server_uri_split_query (const gchar * rest,
    GstIceServerScheme scheme, const gchar ** query, GError ** error);
gboolean gst_ice_server_uri_check_scheme_rules (GstIceServerScheme scheme,
    const gchar * userinfo, const gchar * query, GError ** error);
gboolean gst_ice_server_uri_parse_userinfo (const gchar * userinfo,
    GstIceServerScheme scheme, gchar ** username, gchar ** password,
    GError ** error);
gboolean gst_ice_server_uri_parse_username (const gchar * userinfo,
    GstIceServerScheme scheme, gchar ** username, GError ** error);
gboolean gst_ice_server_uri_parse_query (const gchar * query,
    GstIceServerScheme scheme, GstIceServerTransport * transport,
    GError ** error);

G_END_DECLS
