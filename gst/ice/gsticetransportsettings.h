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

#include <gst/gst.h>
#include <gst/ice/gsticesession.h>
#include <gst/ice/signalling/gsticesignaller.h>

G_BEGIN_DECLS

/**
 * GstIceTransportPolicy:
 * @GST_ICE_TRANSPORT_POLICY_ALL: use every candidate type
 * @GST_ICE_TRANSPORT_POLICY_RELAY: only relayed (TURN) candidates, which
 *   hides the host's addresses from the peer
 */
typedef enum
{
  GST_ICE_TRANSPORT_POLICY_ALL,
  GST_ICE_TRANSPORT_POLICY_RELAY,
} GstIceTransportPolicy;

#define GST_TYPE_ICE_TRANSPORT_POLICY (gst_ice_transport_policy_get_type ())
GType gst_ice_transport_policy_get_type (void);

/* Property ids the transport installs on icesink and icesrc; an element's
 * own properties start at GST_ICE_TRANSPORT_PROP_LAST. */
enum
{
  GST_ICE_TRANSPORT_PROP_0,
  GST_ICE_TRANSPORT_PROP_SIGNALLER,
  GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE,
  GST_ICE_TRANSPORT_PROP_PEER_ID,
  GST_ICE_TRANSPORT_PROP_STUN_SERVER,
  GST_ICE_TRANSPORT_PROP_TURN_SERVERS,
  GST_ICE_TRANSPORT_PROP_TURN_AUTH_SECRET,
  GST_ICE_TRANSPORT_PROP_TURN_CREDENTIAL_LIFETIME,
  GST_ICE_TRANSPORT_PROP_TURN_TLS_CA_FILE,
  GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY,
  GST_ICE_TRANSPORT_PROP_ICE_UDP,
  GST_ICE_TRANSPORT_PROP_ICE_TCP,
  GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES,
  GST_ICE_TRANSPORT_PROP_STATS,
  GST_ICE_TRANSPORT_PROP_ENCRYPTION,
  GST_ICE_TRANSPORT_PROP_CERTIFICATE_FILE,
  GST_ICE_TRANSPORT_PROP_PRIVATE_KEY_FILE,
  GST_ICE_TRANSPORT_PROP_FINGERPRINT,
  /* the peers' fingerprints: consumer-fingerprints on a producer,
   * producer-fingerprints on a consumer */
  GST_ICE_TRANSPORT_PROP_PEER_FINGERPRINTS,
  GST_ICE_TRANSPORT_PROP_LATENCY,
  /* producer only */
  GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_TOKEN,
  GST_ICE_TRANSPORT_PROP_MAX_CONSUMERS,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_CERTIFICATE_FILE,
  GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PRIVATE_KEY_FILE,
  GST_ICE_TRANSPORT_PROP_RETRANSMISSION_OVERHEAD,
  /* consumer only */
  GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID,
  GST_ICE_TRANSPORT_PROP_BUFFER_SIZE,
  GST_ICE_TRANSPORT_PROP_LAST
};

/**
 * GstIceTransportConfig:
 * @session: what every session is made with, server hosts resolved
 * @peer_id: (nullable): the id to register with; %NULL: make one
 * @run_signalling_server: producer: run the embedded server
 * @signalling_server_host: where the embedded server listens
 * @signalling_server_port: its port, 0 for any
 * @signalling_server_token: (nullable): the token it asks for, a secret;
 *   %NULL: its default (the environment's)
 * @max_consumers: producer: most sessions at once, 0 for no limit
 * @signalling_server_certificate_file: (nullable): the embedded server
 *   serves wss:// with it
 * @signalling_server_private_key_file: (nullable): its key
 * @producer_peer_id: (nullable): consumer: the producer to receive from
 * @turn_tls_ca_file: (nullable): the CAs of the `turns://` servers;
 *   %NULL: the system's
 * @retransmission_overhead: producer: the most retransmissions may add to
 *   a consumer's stream, in percent of its bytes
 *
 * The settings as one start of the transport uses them, read at once so
 * that nothing changes under a running transport.
 */
typedef struct
{
  GstIceSessionConfig session;
  gchar *peer_id;
  gboolean run_signalling_server;
  gchar *signalling_server_host;
  guint signalling_server_port;
  gchar *signalling_server_token;
  guint max_consumers;
  gchar *signalling_server_certificate_file;
  gchar *signalling_server_private_key_file;
  gchar *producer_peer_id;
  gchar *turn_tls_ca_file;
  guint retransmission_overhead;
} GstIceTransportConfig;

typedef struct _GstIceTransportSettings GstIceTransportSettings;

void gst_ice_transport_settings_install_properties (GObjectClass * klass,
    GstIceSignallerRole role);

GstIceTransportSettings *gst_ice_transport_settings_new (GstIceSignallerRole
    role);
void gst_ice_transport_settings_free (GstIceTransportSettings * settings);

gboolean gst_ice_transport_settings_set_property (GstIceTransportSettings *
    settings, guint prop_id, const GValue * value);
gboolean gst_ice_transport_settings_get_property (GstIceTransportSettings *
    settings, guint prop_id, GValue * value);

GstIceSignaller *gst_ice_transport_settings_get_signaller
    (GstIceTransportSettings * settings);
void gst_ice_transport_settings_set_signalling_server_port
    (GstIceTransportSettings * settings, guint port);

gboolean gst_ice_transport_settings_check (GstIceTransportSettings * settings,
    GstElement * element);
gboolean gst_ice_transport_settings_read (GstIceTransportSettings * settings,
    GstElement * element, GstIceTransportConfig * config);
void gst_ice_transport_config_clear (GstIceTransportConfig * config);

G_END_DECLS
