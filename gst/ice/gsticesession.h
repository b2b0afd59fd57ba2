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
#include <gst/ice/gsticedescription.h>
#include <gst/ice/gsticereliable.h>
#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/dtls/gsticedtlsconnection.h>
#include <gst/ice/turn/gsticeturntlsbridge.h>

G_BEGIN_DECLS

/**
 * GstIceSessionConfig:
 * @stun_server: (nullable): STUN server, its host an address literal
 * @turn_servers: (element-type GstIceServerUri): TURN servers, hosts as
 *   address literals; one without a password gets credentials derived
 *   from @turn_auth_secret for each session (gst/ice/turn/)
 * @turn_auth_secret: (nullable): the TURN servers' shared secret
 *   (TURN REST API), wiped when the config is cleared
 * @turn_credential_lifetime: how long derived credentials are valid, in
 *   seconds
 * @turn_tls_bridge: (nullable): where libnice reaches the `turns://`
 *   servers, made by #GstIceTransport at start
 * @relay_only: offer relayed candidates only (`ice-transport-policy=relay`)
 * @ice_udp: gather UDP candidates
 * @ice_tcp: gather TCP candidates (RFC 6544)
 * @local_addresses: (element-type utf8) (nullable): addresses to gather
 *   host candidates on; NULL or empty: every interface but loopback
 * @dtls: (nullable): the element's DTLS context: every session encrypts
 *   and authenticates its peer; %NULL: plaintext (`encryption=false`)
 * @accepted_fingerprints: (element-type utf8) (nullable): the peer
 *   certificates accepted, as `sha-256 AB:…`; NULL or empty: any peer
 *   whose certificate matches the fingerprint it signalled
 * @latency_ms: the latency budget of loss recovery this side announces in
 *   its description (`a=x-gst-arq`); 0: it does not recover losses
 * @transfer_mode: the producer's: how its sessions carry the buffers
 *   (a consumer's sessions follow their producer's description)
 * @receive_buffer_size: SO_RCVBUF of the selected pair's socket, in bytes;
 *   0: the system's default
 *
 * What every session of one element is created with; hosts are resolved
 * by #GstIceTransport before sessions exist, because libnice only takes
 * numeric addresses for its servers.
 */
typedef struct
{
  GstIceServerUri *stun_server;
  GPtrArray *turn_servers;
  gchar *turn_auth_secret;
  guint turn_credential_lifetime;
  GstIceTurnTlsBridge *turn_tls_bridge;
  gboolean relay_only;
  gboolean ice_udp;
  gboolean ice_tcp;
  GPtrArray *local_addresses;
  GstIceDtlsContext *dtls;
  GPtrArray *accepted_fingerprints;
  guint latency_ms;
  GstIceTransferMode transfer_mode;
  guint receive_buffer_size;
} GstIceSessionConfig;

/* The most candidates a session takes from its peer, trickled or in its
 * description; the rest are ignored (with one warning).  A host with a few
 * interfaces, both address families and TCP candidates sends a few dozen. */
#define GST_ICE_SESSION_MAX_REMOTE_CANDIDATES 64

/* Ta (RFC 8445 section 14.2), in ms, of a session that checks alone.
 * libnice waits one Ta before the first check, one before it sees its
 * stopping criterion and one before the nomination: with its default of
 * 20 ms a session of one host pair on loopback took 60 ms to get its pair,
 * with 5 ms it takes 15.  5 ms is the floor RFC 8445 sets for all the
 * transactions of an implementation together; a session created while
 * others of its element check gets a share of it
 * (gst_ice_session_set_check_pacing()). */
#define GST_ICE_SESSION_CHECK_PACING_MS 5

#define GST_TYPE_ICE_SESSION (gst_ice_session_get_type ())
G_DECLARE_FINAL_TYPE (GstIceSession, gst_ice_session, GST, ICE_SESSION,
    GstObject);

/**
 * GstIceSessionClosedFunc:
 * @session: the session whose agent is closed
 * @user_data: what was given to gst_ice_session_close()
 *
 * Called from the session's main context once libnice has released the
 * session's sockets and TURN allocations.
 */
typedef void (*GstIceSessionClosedFunc) (GstIceSession * session,
    gpointer user_data);

/**
 * GstIceSessionReceiveFunc:
 * @session: the session the packet arrived on
 * @data: the packet; only valid during the call
 * @size: its size in bytes
 * @user_data: what was given to gst_ice_session_set_receive_func()
 *
 * Called from the session's main context for each packet.
 */
typedef void (*GstIceSessionReceiveFunc) (GstIceSession * session,
    const guint8 * data, gsize size, gpointer user_data);

/**
 * GST_ICE_SESSION_SEND_BATCH:
 *
 * The most packets the list send functions hand to libnice in one call
 * (one sendmmsg()); callers that prepare packets for them (loss recovery's
 * numbering) do so in batches of this size.
 */
#define GST_ICE_SESSION_SEND_BATCH 16

GstIceSession *gst_ice_session_new (const gchar * session_id,
    const gchar * peer_id, gboolean controlling, GMainContext * context,
    const GstIceSessionConfig * config);

const gchar *gst_ice_session_get_id (GstIceSession * self);
const gchar *gst_ice_session_get_peer_id (GstIceSession * self);

void gst_ice_session_set_receive_func (GstIceSession * self,
    GstIceSessionReceiveFunc func, gpointer user_data);
void gst_ice_session_set_check_pacing (GstIceSession * self, guint ms);
guint gst_ice_session_get_check_pacing (GstIceSession * self);
gboolean gst_ice_session_gather (GstIceSession * self, GError ** error);
gchar *gst_ice_session_get_local_description (GstIceSession * self,
    const GstCaps * caps);
gboolean gst_ice_session_set_remote_description (GstIceSession * self,
    const GstIceDescription * desc, GError ** error);
gboolean gst_ice_session_add_remote_candidate (GstIceSession * self,
    const gchar * line, GError ** error);
gboolean gst_ice_session_is_connected (GstIceSession * self);
void gst_ice_session_restart (GstIceSession * self);
gboolean gst_ice_session_is_restart (GstIceSession * self,
    const GstIceDescription * desc);
gboolean gst_ice_session_is_restarting (GstIceSession * self);
guint64 gst_ice_session_get_packets_received (GstIceSession * self);
gboolean gst_ice_session_was_connected (GstIceSession * self);
gboolean gst_ice_session_send (GstIceSession * self, GstBuffer * buffer);
guint gst_ice_session_send_list (GstIceSession * self, GstBufferList * list);
gboolean gst_ice_session_send_data (GstIceSession * self, const guint8 * data,
    gsize size);
gboolean gst_ice_session_send_prefixed (GstIceSession * self,
    const guint8 * prefix, gsize prefix_size, GstBuffer * buffer,
    gboolean counted);
gboolean gst_ice_session_send_sealed (GstIceSession * self,
    const guint8 * data, gsize size, gboolean counted);
guint gst_ice_session_send_prefixed_list (GstIceSession * self,
    const guint8 * prefixes, gsize prefix_size, GstBuffer * const *buffers,
    guint n, gboolean counted);
guint gst_ice_session_send_sealed_list (GstIceSession * self,
    const GOutputVector * payloads, guint n, gboolean counted);
void gst_ice_session_set_arq (GstIceSession * self, gpointer arq,
    GDestroyNotify destroy);
gpointer gst_ice_session_get_arq (GstIceSession * self);
GstIceReliable *gst_ice_session_get_reliable (GstIceSession * self);
GstStructure *gst_ice_session_get_stats (GstIceSession * self);
gchar *gst_ice_session_describe_candidates (GstIceSession * self);
void gst_ice_session_close (GstIceSession * self,
    GstIceSessionClosedFunc done, gpointer user_data);

G_END_DECLS
