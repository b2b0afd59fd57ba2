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


/* What libnice is told about each TURN server when a session starts: the
 * credentials, written in the URI or derived from turn-auth-secret for
 * this session (gsticeturncredentials.c), and for a turns:// server the
 * TLS bridge's loopback port instead of the server (gsticeturntlsbridge.c). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticeerror.h>
#include <gst/ice/turn/gsticeturncredentials.h>
#include <gst/ice/turn/gsticeturnrelay.h>

/**
 * gst_ice_turn_server_with_credentials:
 * @config: the sessions' config
 * @index: which of @config's TURN servers
 * @error: return location for a %GST_ICE_ERROR_TURN error
 *
 * Derives fresh credentials for a server written without a password, so
 * that a session that starts long after the element does still gets
 * credentials that have not expired.
 *
 * Returns: (transfer full) (nullable): a copy of the server with a user
 *   name and a password; free it with gst_ice_server_uri_free(), which
 *   wipes the password
 */
GstIceServerUri *
gst_ice_turn_server_with_credentials (const GstIceSessionConfig * config,
    guint index, GError ** error)
{
  const GstIceServerUri *server;
  GstIceServerUri *copy;
  gchar *username = NULL, *password = NULL;

  g_return_val_if_fail (index < config->turn_servers->len, NULL);

  server = g_ptr_array_index (config->turn_servers, index);
  copy = gst_ice_server_uri_copy (server);
  if (copy->password != NULL)
    return copy;

  /* the settings let no URI without a password through without a secret */
  g_return_val_if_fail (config->turn_auth_secret != NULL, NULL);
  if (!gst_ice_turn_rest_credentials (config->turn_auth_secret,
          server->username, config->turn_credential_lifetime,
          g_get_real_time () / G_USEC_PER_SEC, &username, &password, error)) {
    gst_ice_server_uri_free (copy);
    return NULL;
  }
  g_free (copy->username);
  copy->username = username;
  copy->password = password;
  return copy;
}

/**
 * gst_ice_turn_relay_for_session:
 * @config: the sessions' config
 * @index: which of @config's TURN servers
 * @error: return location for a %GST_ICE_ERROR_TURN error
 *
 * Returns: (transfer full) (nullable): the server as libnice is to reach
 *   it for one session, with this session's credentials; free it with
 *   gst_ice_server_uri_free()
 */
GstIceServerUri *
gst_ice_turn_relay_for_session (const GstIceSessionConfig * config,
    guint index, GError ** error)
{
  GstIceServerUri *relay;
  gchar *host = NULL;
  guint16 port = 0;

  relay = gst_ice_turn_server_with_credentials (config, index, error);
  if (relay == NULL || relay->transport != GST_ICE_SERVER_TRANSPORT_TLS)
    return relay;

  /* libnice speaks plain TURN-TCP to the bridge, which speaks TLS to the
   * server: libnice's own TURN-TLS is plain TCP (gsticeturntlsbridge.c) */
  if (config->turn_tls_bridge == NULL ||
      !gst_ice_turn_tls_bridge_get_listen_address (config->turn_tls_bridge,
          index, &host, &port))
    goto no_bridge;
  g_free (relay->host);
  relay->host = host;
  relay->port = port;
  relay->transport = GST_ICE_SERVER_TRANSPORT_TCP;
  return relay;

  /* ERRORS */
no_bridge:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TURN,
        "no TLS bridge for turns:// server %u: it is left out", index);
    gst_ice_server_uri_free (relay);
    return NULL;
  }
}
