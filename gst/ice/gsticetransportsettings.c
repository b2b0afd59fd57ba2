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

/*
 * The properties icesink and icesrc share, as GstSRTObject installs those
 * of srtsink and srtsrc: their installation, their values (under the
 * settings' own lock, set from any thread) and their parsing into the
 * #GstIceTransportConfig that one start of the transport uses.
 *
 * Each property's blurb is its whole documentation (meaning, unit,
 * default, what a user sees when it is wrong): gst-inspect-1.0 prints it
 * for both elements, and gtk-doc's scanner reads it for both classes too.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/gsticetransportsettings.h>
#include <gst/ice/dtls/gsticedtlsconnection.h>
#include <gst/ice/turn/gsticeturncredentials.h>
#include <gst/ice/turn/gsticeturntls.h>
#include <gst/ice/signalling/gsticedirectorysignaller.h>
#if HAVE_MQTT
#include <gst/ice/signalling/gsticemqttsignaller.h>
#endif
#include <gst/ice/signalling/gsticeterminalsignaller.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>

#define DEFAULT_SIGNALLER_TYPE "websocket"
#define DEFAULT_ICE_TRANSPORT_POLICY GST_ICE_TRANSPORT_POLICY_ALL
#define DEFAULT_ICE_UDP TRUE
#define DEFAULT_ICE_TCP TRUE
#define DEFAULT_RUN_SIGNALLING_SERVER FALSE
#define DEFAULT_SIGNALLING_SERVER_HOST "0.0.0.0"
#define DEFAULT_SIGNALLING_SERVER_PORT 8443
#define DEFAULT_MAX_CONSUMERS 32
#define DEFAULT_ENCRYPTION TRUE
/* as srtsrc: three round trips of 40 ms, a path across a country */
#define DEFAULT_LATENCY 125
#define MAX_LATENCY GST_ICE_DESCRIPTION_MAX_ARQ_LATENCY
/* as SRT's oheadbw */
#define DEFAULT_RETRANSMISSION_OVERHEAD 25
/* as udpsrc: the system's default (net.core.rmem_default) */
#define DEFAULT_BUFFER_SIZE 0

struct _GstIceTransportSettings
{
  GstIceSignallerRole role;
  GMutex lock;
  GstIceSignaller *signaller;
  gchar *signaller_type;
  gboolean signaller_type_unknown;
  gchar *peer_id;
  gchar *stun_server;
  GPtrArray *turn_servers;      /* URI strings as the user gave them */
  gchar *turn_auth_secret;
  guint turn_credential_lifetime;
  gchar *turn_tls_ca_file;
  GstIceTransportPolicy policy;
  gboolean ice_udp;
  gboolean ice_tcp;
  gchar *local_addresses;
  gboolean run_signalling_server;
  gchar *signalling_server_host;
  guint signalling_server_port;
  gchar *signalling_server_token;       /* secret: never read back */
  guint max_consumers;
  gchar *signalling_server_certificate_file;
  gchar *signalling_server_private_key_file;
  gchar *producer_peer_id;
  guint buffer_size;
  gboolean encryption;
  gchar *certificate_file;
  gchar *private_key_file;
  gchar *peer_fingerprints;     /* as the user gave them */
  guint latency;
  guint retransmission_overhead;
  /* this element's identity, made or loaded by check() at each NULL to
   * READY (a generated certificate is valid for a month only) */
  GstIceCertificate *certificate;
};

/* for strings that hold a password or a secret */
static void
free_secret (gpointer text)
{
  if (text != NULL) {
    OPENSSL_cleanse (text, strlen (text));
    g_free (text);
  }
}

GType
gst_ice_transport_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ICE_TRANSPORT_POLICY_ALL, "Use every candidate type", "all"},
    {GST_ICE_TRANSPORT_POLICY_RELAY, "Use relayed (TURN) candidates only",
        "relay"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceTransportPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* --- installing the properties ------------------------------------------ */

#define PARAM_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)

static void
install_signalling_properties (GObjectClass * klass)
{
  /**
   * GstIceSink:signaller:
   *
   * The object that carries descriptions and candidates to the peers.
   */
  /**
   * GstIceSrc:signaller:
   *
   * The object that carries descriptions and candidates to the producer.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_SIGNALLER,
      g_param_spec_object ("signaller", "Signaller",
          "The signaller object that carries descriptions and candidates "
          "between the peers: any object implementing GstIceSignaller. Its "
          "own properties are reachable as signaller::NAME (e.g. "
          "signaller::uri=ws://host:8443). Default: a WebSocket signaller",
          GST_TYPE_ICE_SIGNALLER, PARAM_FLAGS));

  /**
   * GstIceSink:signaller-type:
   *
   * Chooses the signaller by name.
   */
  /**
   * GstIceSrc:signaller-type:
   *
   * Chooses the signaller by name.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE,
      g_param_spec_string ("signaller-type", "Signaller type",
          "Signaller to use: websocket (default; talks to "
          "gst-ice-signalling-server or to an icesink with "
          "run-signalling-server=true), directory (no server: files in a "
          "shared directory), terminal (no server: one line to copy and "
          "paste each way), mqtt (an MQTT broker, when gst-ice was built "
          "with libmosquitto) or the GType name of a GstIceSignaller "
          "implementation. Setting it replaces the signaller: set it before "
          "any signaller:: property. An unknown name fails the change to "
          "READY with an error naming it", DEFAULT_SIGNALLER_TYPE,
          PARAM_FLAGS));

  /**
   * GstIceSink:peer-id:
   *
   * The id this element registers with at the signaller.
   */
  /**
   * GstIceSrc:peer-id:
   *
   * The id this element registers with at the signaller.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer id",
          "The id this element registers with at the signaller; consumers "
          "pick a producer by it (icesrc producer-peer-id=...). NULL "
          "(default): the element name and a random suffix, which this "
          "property reports while the element runs", NULL, PARAM_FLAGS));
}

/* Long: one block per property, each with its documentation. */
static void
install_candidate_properties (GObjectClass * klass)
{
  /**
   * GstIceSink:stun-server:
   *
   * The STUN server that gives server-reflexive candidates.
   */
  /**
   * GstIceSrc:stun-server:
   *
   * The STUN server that gives server-reflexive candidates.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_STUN_SERVER,
      g_param_spec_string ("stun-server", "STUN server",
          "STUN server that tells this host its public address "
          "(server-reflexive candidates), as stun://host[:port] (port 3478 "
          "when none is given). NULL (default): no STUN. A malformed URI "
          "fails the change to READY naming it; a host that does not "
          "resolve fails the change to PAUSED naming it", NULL, PARAM_FLAGS));

  /**
   * GstIceSink:turn-servers:
   *
   * The TURN servers that give relayed candidates.
   */
  /**
   * GstIceSrc:turn-servers:
   *
   * The TURN servers that give relayed candidates.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_TURN_SERVERS,
      gst_param_spec_array ("turn-servers", "TURN servers",
          "TURN servers that relay the stream when no direct path works "
          "(symmetric NATs, UDP blocked), each as "
          "turn://user:pass@host[:port][?transport=udp|tcp] (port 3478 when "
          "none is given) or turns://user:pass@host[:port] (TURN over TLS, "
          "port 5349: the server's certificate must verify against "
          "turn-tls-ca-file or the system's CAs and name the host). With "
          "turn-auth-secret, turn://user@host (no password) gets "
          "time-limited credentials. On a gst-launch line: "
          "turn-servers=\"<\\\"turn://user:pass@host:3478\\\">\". Default: "
          "none. A malformed URI fails the change to READY naming it "
          "(password hidden); a host that does not resolve fails the change "
          "to PAUSED naming it. At start each server is asked for a relay "
          "once: one that refuses the credentials (401), fails TLS or does "
          "not answer is reported by a warning naming it, or by an error when "
          "ice-transport-policy=relay leaves no server that works. "
          "Passwords are write-only: reading the property gives each URI "
          "with its password replaced by ***",
          g_param_spec_string ("turn-server", "TURN server",
              "One TURN server URI", NULL,
              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), PARAM_FLAGS));

  /**
   * GstIceSink:ice-transport-policy:
   *
   * Which candidate types to use.
   */
  /**
   * GstIceSrc:ice-transport-policy:
   *
   * Which candidate types to use.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY,
      g_param_spec_enum ("ice-transport-policy", "ICE transport policy",
          "Which candidates to use: all (default: host, server-reflexive and "
          "relayed) or relay (relayed only, so the peer never learns this "
          "host's addresses). relay with no turn-servers fails the change to "
          "READY with an error naming both settings",
          GST_TYPE_ICE_TRANSPORT_POLICY, DEFAULT_ICE_TRANSPORT_POLICY,
          PARAM_FLAGS));

  /**
   * GstIceSink:ice-udp:
   *
   * Whether to gather UDP candidates.
   */
  /**
   * GstIceSrc:ice-udp:
   *
   * Whether to gather UDP candidates.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_ICE_UDP,
      g_param_spec_boolean ("ice-udp", "ICE UDP",
          "Gather UDP candidates (default TRUE). With both ice-udp and "
          "ice-tcp FALSE nothing can connect", DEFAULT_ICE_UDP, PARAM_FLAGS));

  /**
   * GstIceSink:ice-tcp:
   *
   * Whether to gather TCP candidates.
   */
  /**
   * GstIceSrc:ice-tcp:
   *
   * Whether to gather TCP candidates.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_ICE_TCP,
      g_param_spec_boolean ("ice-tcp", "ICE TCP",
          "Gather TCP candidates (RFC 6544; default TRUE). With both ice-udp "
          "and ice-tcp FALSE nothing can connect", DEFAULT_ICE_TCP,
          PARAM_FLAGS));

  /**
   * GstIceSink:local-addresses:
   *
   * The addresses to gather host candidates on.
   */
  /**
   * GstIceSrc:local-addresses:
   *
   * The addresses to gather host candidates on.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES,
      g_param_spec_string ("local-addresses", "Local addresses",
          "Comma-separated IP addresses to gather host candidates on, e.g. "
          "192.168.1.10 to keep the stream on one interface, or 127.0.0.1 "
          "for a test on one machine. NULL (default): every interface "
          "except loopback. An entry that is not an IP address fails the "
          "change to READY naming it", NULL, PARAM_FLAGS));
}

static void
install_turn_properties (GObjectClass * klass)
{
  /**
   * GstIceSink:turn-auth-secret:
   *
   * The TURN servers' shared secret, for time-limited credentials.
   */
  /**
   * GstIceSrc:turn-auth-secret:
   *
   * The TURN servers' shared secret, for time-limited credentials.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_TURN_AUTH_SECRET,
      g_param_spec_string ("turn-auth-secret", "TURN auth secret",
          "Shared secret of the TURN servers written without a password in "
          "turn-servers (turn://USER@host): each session gets time-limited "
          "credentials derived from it, as coturn's --use-auth-secret "
          "--static-auth-secret=SECRET checks them (TURN REST API): user "
          "name EXPIRY:USER, password base64(HMAC-SHA1(SECRET, user name)). "
          "Write-only: it can be set, never read back. Default: none (every "
          "TURN URI needs a password). A secret the server does not share "
          "is reported at start: the server refused the credentials (401)",
          NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceSink:turn-credential-lifetime:
   *
   * How long credentials derived from turn-auth-secret are valid.
   */
  /**
   * GstIceSrc:turn-credential-lifetime:
   *
   * How long credentials derived from turn-auth-secret are valid.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_TURN_CREDENTIAL_LIFETIME,
      g_param_spec_uint ("turn-credential-lifetime",
          "TURN credential lifetime",
          "How long the credentials derived from turn-auth-secret are valid, "
          "in seconds (their EXPIRY is the time of the session's start plus "
          "this). Each new session derives fresh ones, and a relay, once "
          "allocated, outlives them (coturn checks the expiry when the "
          "allocation is made). Default: 86400 (one day). Shorter than the "
          "difference between this host's clock and the server's: the "
          "server refuses the credentials (401)", 1, G_MAXINT32,
          GST_ICE_TURN_DEFAULT_CREDENTIAL_LIFETIME, PARAM_FLAGS));

  /**
   * GstIceSink:turn-tls-ca-file:
   *
   * The certificate authorities of the turns:// servers.
   */
  /**
   * GstIceSrc:turn-tls-ca-file:
   *
   * The certificate authorities of the turns:// servers.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_TURN_TLS_CA_FILE,
      g_param_spec_string ("turn-tls-ca-file", "TURN TLS CA file",
          "PEM file of the certificate authorities whose certificates the "
          "turns:// servers may present (a private CA, or a self-signed "
          "server's own certificate). The server's certificate must also "
          "name the host of the URI. NULL (default): the system's CAs. A "
          "file that holds no PEM certificate fails the change to READY "
          "naming it; a server whose certificate does not verify is "
          "reported at start with OpenSSL's reason (e.g. 'certificate "
          "verify failed: unable to get local issuer certificate'), and "
          "gets no TURN traffic", NULL, PARAM_FLAGS));
}

static void
install_stats_property (GObjectClass * klass)
{
  /**
   * GstIceSink:stats:
   *
   * ICE state, selected pair and traffic of each consumer's session.
   */
  /**
   * GstIceSrc:stats:
   *
   * ICE state, selected pair and traffic of the session with the producer.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Statistics: an ice-stats structure with one field per session, "
          "named by session id, each an ice-session-stats structure: "
          "peer-id, state, local-candidate-type, local-address, local-port, "
          "remote-candidate-type, remote-address, remote-port, transport, "
          "receive-buffer-size (once a pair is selected), bytes-sent, "
          "packets-sent, packets-dropped, bytes-received, packets-received (datagrams, "
          "loss recovery's reports and NACKs too); with loss recovery "
          "(latency) also latency-ms (the budget in use), rtt-ms (the round "
          "trip, measured by loss recovery's reports; libnice 0.1.21 "
          "exposes none), packets-lost (found missing, before recovery), "
          "packets-recovered, packets-retransmitted, packets-unrecovered "
          "(the stream went on without them) and bitrate-estimate (bits/s "
          "the path is thought to sustain, see the ice-arq-report message)",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
install_producer_properties (GObjectClass * klass)
{
  /**
   * GstIceSink:run-signalling-server:
   *
   * Whether to run the WebSocket signalling server inside the element.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER,
      g_param_spec_boolean ("run-signalling-server", "Run signalling server",
          "Run gst-ice's WebSocket signalling server inside this element, on "
          "signalling-server-host:signalling-server-port, and register with "
          "it; consumers then use signaller::uri=ws://THIS_HOST:PORT. "
          "Default FALSE. A port already in use fails the change to PAUSED "
          "naming it", DEFAULT_RUN_SIGNALLING_SERVER, PARAM_FLAGS));

  /**
   * GstIceSink:signalling-server-host:
   *
   * The address the embedded signalling server listens on.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST,
      g_param_spec_string ("signalling-server-host", "Signalling server host",
          "Address the embedded signalling server listens on (default "
          "0.0.0.0: every IPv4 interface; :: for every interface). A value "
          "that is not an IP address or localhost fails the change to "
          "PAUSED naming it", DEFAULT_SIGNALLING_SERVER_HOST, PARAM_FLAGS));

  /**
   * GstIceSink:signalling-server-port:
   *
   * The TCP port of the embedded signalling server.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT,
      g_param_spec_uint ("signalling-server-port", "Signalling server port",
          "TCP port of the embedded signalling server (default 8443; 0 picks "
          "a free port, which this property reports once the element is "
          "PAUSED). A port in use fails the change to PAUSED naming it", 0,
          65535, DEFAULT_SIGNALLING_SERVER_PORT, PARAM_FLAGS));

  /**
   * GstIceSink:signalling-server-token:
   *
   * The shared secret the embedded signalling server asks of clients.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_TOKEN,
      g_param_spec_string ("signalling-server-token",
          "Signalling server token",
          "Shared secret the embedded signalling server asks every client "
          "to register with; this icesink's own signaller sends it, "
          "consumers need signaller::token set to it (or the "
          "GST_ICE_SIGNALLING_TOKEN environment variable), or fail with "
          "'register refused ...: wrong or missing token'. Default NULL: "
          "the GST_ICE_SIGNALLING_TOKEN environment variable, else no "
          "token, and anyone who reaches the port can take the stream. "
          "Write-only, never logged; make it long and random (openssl rand "
          "-hex 16)", NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceSink:max-consumers:
   *
   * The most consumers served at once.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_MAX_CONSUMERS,
      g_param_spec_uint ("max-consumers", "Max consumers",
          "Most consumers served at once, whichever signaller brings them "
          "(each costs an ICE agent, its sockets and upload bandwidth). A "
          "consumer over it is sent away with a warning that says 'producer "
          "... is full' and asks again every few seconds until a place "
          "frees. Default 32; 0 = no limit, and then a flood of session "
          "requests can use up this process's file descriptors", 0,
          G_MAXUINT, DEFAULT_MAX_CONSUMERS, PARAM_FLAGS));

  /**
   * GstIceSink:signalling-server-certificate-file:
   *
   * The PEM file of the embedded signalling server's TLS certificate.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_CERTIFICATE_FILE,
      g_param_spec_string ("signalling-server-certificate-file",
          "Signalling server certificate file",
          "PEM file of a TLS certificate for the embedded signalling server, "
          "which then serves wss:// only: consumers use "
          "signaller::uri=wss://THIS_HOST:PORT and signaller::tls-ca-file "
          "set to the CA that signed it (this icesink's own signaller trusts "
          "it as it is). Set signalling-server-private-key-file too. Default "
          "NULL: plain ws://, which anyone on the path can read and alter. A "
          "missing or unreadable file, or a key that does not match, fails "
          "the change to PAUSED naming it", NULL, PARAM_FLAGS));

  /**
   * GstIceSink:signalling-server-private-key-file:
   *
   * The PEM file of the key of signalling-server-certificate-file.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PRIVATE_KEY_FILE,
      g_param_spec_string ("signalling-server-private-key-file",
          "Signalling server private key file",
          "PEM file of the private key of signalling-server-certificate-file, "
          "not encrypted with a passphrase (keep it readable by this user "
          "only). Default NULL", NULL, PARAM_FLAGS));
}

static void
install_loss_recovery_properties (GObjectClass * klass,
    GstIceSignallerRole role)
{
  /**
   * GstIceSink:latency:
   *
   * The latency budget of loss recovery, in milliseconds.
   */
  /**
   * GstIceSrc:latency:
   *
   * The latency budget of loss recovery, in milliseconds.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Latency budget of loss recovery, in milliseconds (default 125, as "
          "srtsrc). Each packet is numbered; one lost on the path is asked "
          "for again and waited for at most this long, the packets after it "
          "held meanwhile, then the stream goes on without it and icesrc "
          "posts an ice-packets-lost message. The budget in use is the "
          "larger of both sides' (as SRT); 0 on either side turns loss "
          "recovery off for the session, as with a plain ICE peer, which "
          "does not announce it: what the path loses is then lost. Give it "
          "about three round trips of the path: less than one recovers "
          "nothing. Ignored with transfer-mode=reliable (the producer's), "
          "the byte-stream mode, which recovers every loss itself. See "
          "docs/loss-recovery.md", 0,
          MAX_LATENCY, DEFAULT_LATENCY, PARAM_FLAGS));

  if (role != GST_ICE_SIGNALLER_ROLE_PRODUCER)
    return;
  /**
   * GstIceSink:retransmission-overhead:
   *
   * The most retransmissions may add to a consumer's stream, in percent.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_RETRANSMISSION_OVERHEAD,
      g_param_spec_uint ("retransmission-overhead", "Retransmission overhead",
          "Most that retransmissions may add to each consumer's stream, in "
          "percent of its bytes over the last second (default 25, as SRT's "
          "oheadbw), so that a very lossy path cannot make the sender flood "
          "it. A NACK beyond it is not answered: with too low a value a "
          "lossy path shows packets-unrecovered in the stats and in "
          "ice-arq-report messages although its latency would allow to "
          "recover them", 5, 100, DEFAULT_RETRANSMISSION_OVERHEAD,
          PARAM_FLAGS));
}

static void
install_consumer_properties (GObjectClass * klass)
{
  /**
   * GstIceSrc:producer-peer-id:
   *
   * The producer to receive from.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID,
      g_param_spec_string ("producer-peer-id", "Producer peer id",
          "Peer id of the producer (the icesink's peer-id) to receive from. "
          "NULL (default): the first producer the signaller lists", NULL,
          PARAM_FLAGS));

  /**
   * GstIceSrc:buffer-size:
   *
   * The kernel's receive buffer of the socket the stream arrives on, in
   * bytes, as udpsrc's #GstUDPSrc:buffer-size: the packets that arrive
   * while icesrc is busy wait there, and what does not fit is lost.
   * Default 0: the system's default (net.core.rmem_default), as udpsrc's.
   * Above net.core.rmem_max it needs CAP_NET_ADMIN; otherwise the kernel
   * gives less, a warning in the debug log says how much, and the size in
   * use is the receive-buffer-size of the ice-selected-pair message.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_BUFFER_SIZE,
      g_param_spec_uint ("buffer-size", "Buffer size",
          "Receive buffer of the socket the stream arrives on (the selected "
          "pair's), in bytes, as udpsrc's buffer-size: packets that arrive "
          "faster than icesrc reads them wait there, and when it is full "
          "the kernel drops them (UdpRcvbufErrors in nstat). 0 (default): "
          "the system's default, net.core.rmem_default, as udpsrc. Above "
          "net.core.rmem_max it needs CAP_NET_ADMIN, otherwise the kernel "
          "caps it and the debug log says so; the size in use is the "
          "receive-buffer-size of the ice-selected-pair message", 0,
          G_MAXINT / 2, DEFAULT_BUFFER_SIZE, PARAM_FLAGS));
}

static void
install_encryption_properties (GObjectClass * klass, GstIceSignallerRole role)
{
  gboolean producer = role == GST_ICE_SIGNALLER_ROLE_PRODUCER;

  /**
   * GstIceSink:encryption:
   *
   * Whether every session is encrypted and authenticated with DTLS.
   */
  /**
   * GstIceSrc:encryption:
   *
   * Whether every session is encrypted and authenticated with DTLS.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_ENCRYPTION,
      g_param_spec_boolean ("encryption", "Encryption",
          "Encrypt every session with DTLS 1.2 and authenticate the peer "
          "against the certificate fingerprint it signalled (default TRUE). "
          "FALSE sends and accepts plaintext, for plain ICE peers, and says "
          "so in a warning at start. Both sides must agree: an encrypting "
          "peer refuses one that is not, with an error saying its "
          "description has no a=fingerprint", DEFAULT_ENCRYPTION, PARAM_FLAGS));

  /**
   * GstIceSink:certificate-file:
   *
   * The PEM file of this element's certificate.
   */
  /**
   * GstIceSrc:certificate-file:
   *
   * The PEM file of this element's certificate.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_CERTIFICATE_FILE,
      g_param_spec_string ("certificate-file", "Certificate file",
          "PEM file of this element's X.509 certificate (an ECDSA P-256 or "
          "RSA key), so that it keeps one identity, and one fingerprint, "
          "across restarts; set private-key-file too. NULL (default): a new "
          "self-signed ECDSA P-256 certificate at each change to READY. A "
          "missing, unreadable or non-PEM file, or a key that does not "
          "match, fails the change to READY naming the file", NULL,
          PARAM_FLAGS));

  /**
   * GstIceSink:private-key-file:
   *
   * The PEM file of the key of certificate-file.
   */
  /**
   * GstIceSrc:private-key-file:
   *
   * The PEM file of the key of certificate-file.
   */
  g_object_class_install_property (klass,
      GST_ICE_TRANSPORT_PROP_PRIVATE_KEY_FILE,
      g_param_spec_string ("private-key-file", "Private key file",
          "PEM file of the private key of certificate-file, not encrypted "
          "with a passphrase (keep it readable by this user only). NULL "
          "(default): none, the certificate is generated. One of "
          "certificate-file and private-key-file without the other fails "
          "the change to READY", NULL, PARAM_FLAGS));

  /**
   * GstIceSink:fingerprint:
   *
   * The SHA-256 fingerprint of this element's certificate.
   */
  /**
   * GstIceSrc:fingerprint:
   *
   * The SHA-256 fingerprint of this element's certificate.
   */
  g_object_class_install_property (klass, GST_ICE_TRANSPORT_PROP_FINGERPRINT,
      g_param_spec_string ("fingerprint", "Fingerprint",
          "SHA-256 fingerprint of this element's certificate, as "
          "'sha-256 AB:CD:...' (RFC 8122), once the element is READY (NULL "
          "before, and with encryption=false); the element also posts it "
          "in an info message at start. Give it to the other side's "
          "producer-fingerprints or consumer-fingerprints to pin this peer",
          NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  if (producer) {
    /**
     * GstIceSink:consumer-fingerprints:
     *
     * The consumers this element serves, by certificate fingerprint.
     */
    g_object_class_install_property (klass,
        GST_ICE_TRANSPORT_PROP_PEER_FINGERPRINTS,
        g_param_spec_string ("consumer-fingerprints", "Consumer fingerprints",
            "Comma-separated SHA-256 fingerprints of the consumers this "
            "icesink serves, as their fingerprint property shows them (the "
            "'sha-256 ' in front may be left out): any other consumer is "
            "refused with a warning naming its fingerprint, even one a "
            "compromised signalling server vouches for. NULL or empty "
            "(default): any consumer whose certificate matches the "
            "fingerprint it signalled. A value that is not a fingerprint "
            "fails the change to READY naming it", NULL, PARAM_FLAGS));
  } else {
    /**
     * GstIceSrc:producer-fingerprints:
     *
     * The producers this element accepts, by certificate fingerprint.
     */
    g_object_class_install_property (klass,
        GST_ICE_TRANSPORT_PROP_PEER_FINGERPRINTS,
        g_param_spec_string ("producer-fingerprints", "Producer fingerprints",
            "Comma-separated SHA-256 fingerprints of the producers this "
            "icesrc accepts, as their fingerprint property shows them (the "
            "'sha-256 ' in front may be left out): any other producer is "
            "refused with an error naming its fingerprint, even one a "
            "compromised signalling server vouches for. NULL or empty "
            "(default): any producer whose certificate matches the "
            "fingerprint it signalled. A value that is not a fingerprint "
            "fails the change to READY naming it", NULL, PARAM_FLAGS));
  }
}

/**
 * gst_ice_transport_settings_install_properties:
 * @role: producer (icesink) or consumer (icesrc): some properties belong
 *   to one of them only
 *
 * Installs the shared properties on an element class; the element's
 * set_property and get_property hand them to the transport.
 */
void
gst_ice_transport_settings_install_properties (GObjectClass * klass,
    GstIceSignallerRole role)
{
  install_signalling_properties (klass);
  install_candidate_properties (klass);
  install_turn_properties (klass);
  install_stats_property (klass);
  install_encryption_properties (klass, role);
  install_loss_recovery_properties (klass, role);
  if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER)
    install_producer_properties (klass);
  else
    install_consumer_properties (klass);
}

/* --- values -------------------------------------------------------------- */

GstIceTransportSettings *
gst_ice_transport_settings_new (GstIceSignallerRole role)
{
  GstIceTransportSettings *settings = g_new0 (GstIceTransportSettings, 1);

  settings->role = role;
  g_mutex_init (&settings->lock);
  settings->signaller = g_object_new (GST_TYPE_ICE_WEBSOCKET_SIGNALLER, NULL);
  settings->signaller_type = g_strdup (DEFAULT_SIGNALLER_TYPE);
  settings->turn_servers = g_ptr_array_new_with_free_func (free_secret);
  settings->turn_credential_lifetime = GST_ICE_TURN_DEFAULT_CREDENTIAL_LIFETIME;
  settings->policy = DEFAULT_ICE_TRANSPORT_POLICY;
  settings->ice_udp = DEFAULT_ICE_UDP;
  settings->ice_tcp = DEFAULT_ICE_TCP;
  settings->run_signalling_server = DEFAULT_RUN_SIGNALLING_SERVER;
  settings->signalling_server_host = g_strdup (DEFAULT_SIGNALLING_SERVER_HOST);
  settings->signalling_server_port = DEFAULT_SIGNALLING_SERVER_PORT;
  settings->max_consumers = DEFAULT_MAX_CONSUMERS;
  settings->encryption = DEFAULT_ENCRYPTION;
  settings->latency = DEFAULT_LATENCY;
  settings->retransmission_overhead = DEFAULT_RETRANSMISSION_OVERHEAD;
  settings->buffer_size = DEFAULT_BUFFER_SIZE;
  return settings;
}

void
gst_ice_transport_settings_free (GstIceTransportSettings * settings)
{
  g_clear_object (&settings->signaller);
  g_free (settings->signaller_type);
  g_free (settings->peer_id);
  g_free (settings->stun_server);
  g_ptr_array_unref (settings->turn_servers);
  free_secret (settings->turn_auth_secret);
  g_free (settings->turn_tls_ca_file);
  g_free (settings->local_addresses);
  g_free (settings->signalling_server_host);
  g_clear_pointer (&settings->signalling_server_token, free_secret);
  g_free (settings->signalling_server_certificate_file);
  g_free (settings->signalling_server_private_key_file);
  g_free (settings->producer_peer_id);
  g_free (settings->certificate_file);
  g_free (settings->private_key_file);
  g_free (settings->peer_fingerprints);
  g_clear_pointer (&settings->certificate, gst_ice_certificate_unref);
  g_mutex_clear (&settings->lock);
  g_free (settings);
}

static GType
signaller_type_from_name (const gchar * name)
{
  GType type;

  if (g_strcmp0 (name, "websocket") == 0)
    return GST_TYPE_ICE_WEBSOCKET_SIGNALLER;
  if (g_strcmp0 (name, "directory") == 0)
    return GST_TYPE_ICE_DIRECTORY_SIGNALLER;
  if (g_strcmp0 (name, "terminal") == 0)
    return GST_TYPE_ICE_TERMINAL_SIGNALLER;
#if HAVE_MQTT
  if (g_strcmp0 (name, "mqtt") == 0)
    return GST_TYPE_ICE_MQTT_SIGNALLER;
#endif

  type = name ? g_type_from_name (name) : G_TYPE_INVALID;
  if (type == G_TYPE_INVALID || !G_TYPE_IS_INSTANTIATABLE (type) ||
      G_TYPE_IS_ABSTRACT (type) || !g_type_is_a (type, GST_TYPE_ICE_SIGNALLER))
    return G_TYPE_INVALID;
  return type;
}

static void
set_signaller (GstIceTransportSettings * settings, GObject * signaller)
{
  if (signaller == NULL)
    return;
  g_clear_object (&settings->signaller);
  settings->signaller = g_object_ref (GST_ICE_SIGNALLER (signaller));
  g_free (settings->signaller_type);
  settings->signaller_type = g_strdup (G_OBJECT_TYPE_NAME (signaller));
  settings->signaller_type_unknown = FALSE;
}

static void
set_signaller_type (GstIceTransportSettings * settings, const gchar * name)
{
  GType type = signaller_type_from_name (name);

  g_free (settings->signaller_type);
  settings->signaller_type = g_strdup (name);
  /* an unknown name is reported when going to READY, where a gst-launch
   * user sees it */
  settings->signaller_type_unknown = (type == G_TYPE_INVALID);
  if (type != G_TYPE_INVALID && (settings->signaller == NULL ||
          G_OBJECT_TYPE (settings->signaller) != type)) {
    g_clear_object (&settings->signaller);
    settings->signaller = g_object_new (type, NULL);
  }
}

static void
set_turn_servers (GstIceTransportSettings * settings, const GValue * value)
{
  guint i, n = gst_value_array_get_size (value);

  g_ptr_array_set_size (settings->turn_servers, 0);
  for (i = 0; i < n; i++) {
    const GValue *v = gst_value_array_get_value (value, i);

    if (G_VALUE_HOLDS_STRING (v))
      g_ptr_array_add (settings->turn_servers, g_value_dup_string (v));
  }
}

static void
get_turn_servers (GstIceTransportSettings * settings, GValue * value)
{
  guint i;

  for (i = 0; i < settings->turn_servers->len; i++) {
    GValue v = G_VALUE_INIT;

    /* the passwords can be set, never read back */
    g_value_init (&v, G_TYPE_STRING);
    g_value_take_string (&v, gst_ice_server_uri_hide_password
        (g_ptr_array_index (settings->turn_servers, i)));
    gst_value_array_append_and_take_value (value, &v);
  }
}

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}


/**
 * gst_ice_transport_settings_set_property:
 *
 * Returns: %FALSE when @prop_id is not one of the shared properties.
 */
gboolean
gst_ice_transport_settings_set_property (GstIceTransportSettings * settings,
    guint prop_id, const GValue * value)
{
  gboolean known = TRUE;

  g_mutex_lock (&settings->lock);
  switch (prop_id) {
    case GST_ICE_TRANSPORT_PROP_SIGNALLER:
      set_signaller (settings, g_value_get_object (value));
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE:
      set_signaller_type (settings, g_value_get_string (value));
      break;
    case GST_ICE_TRANSPORT_PROP_PEER_ID:
      replace_string (&settings->peer_id, value);
      break;
    case GST_ICE_TRANSPORT_PROP_STUN_SERVER:
      replace_string (&settings->stun_server, value);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_SERVERS:
      set_turn_servers (settings, value);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_AUTH_SECRET:
      free_secret (settings->turn_auth_secret);
      settings->turn_auth_secret = g_value_dup_string (value);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_CREDENTIAL_LIFETIME:
      settings->turn_credential_lifetime = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_TLS_CA_FILE:
      replace_string (&settings->turn_tls_ca_file, value);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY:
      settings->policy = g_value_get_enum (value);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_UDP:
      settings->ice_udp = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_TCP:
      settings->ice_tcp = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES:
      replace_string (&settings->local_addresses, value);
      break;
    case GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER:
      settings->run_signalling_server = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST:
      replace_string (&settings->signalling_server_host, value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT:
      settings->signalling_server_port = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_TOKEN:
      g_clear_pointer (&settings->signalling_server_token, free_secret);
      settings->signalling_server_token = g_value_dup_string (value);
      break;
    case GST_ICE_TRANSPORT_PROP_MAX_CONSUMERS:
      settings->max_consumers = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_CERTIFICATE_FILE:
      replace_string (&settings->signalling_server_certificate_file, value);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PRIVATE_KEY_FILE:
      replace_string (&settings->signalling_server_private_key_file, value);
      break;
    case GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID:
      replace_string (&settings->producer_peer_id, value);
      break;
    case GST_ICE_TRANSPORT_PROP_BUFFER_SIZE:
      settings->buffer_size = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_ENCRYPTION:
      settings->encryption = g_value_get_boolean (value);
      break;
    case GST_ICE_TRANSPORT_PROP_LATENCY:
      settings->latency = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_RETRANSMISSION_OVERHEAD:
      settings->retransmission_overhead = g_value_get_uint (value);
      break;
    case GST_ICE_TRANSPORT_PROP_CERTIFICATE_FILE:
      replace_string (&settings->certificate_file, value);
      break;
    case GST_ICE_TRANSPORT_PROP_PRIVATE_KEY_FILE:
      replace_string (&settings->private_key_file, value);
      break;
    case GST_ICE_TRANSPORT_PROP_PEER_FINGERPRINTS:
      replace_string (&settings->peer_fingerprints, value);
      break;
    default:
      known = FALSE;
      break;
  }
  g_mutex_unlock (&settings->lock);
  return known;
}

/**
 * gst_ice_transport_settings_get_property:
 *
 * Returns: %FALSE when @prop_id is not one of the shared properties that
 *   the settings hold (the transport answers `stats` itself).
 */
gboolean
gst_ice_transport_settings_get_property (GstIceTransportSettings * settings,
    guint prop_id, GValue * value)
{
  gboolean known = TRUE;

  g_mutex_lock (&settings->lock);
  switch (prop_id) {
    case GST_ICE_TRANSPORT_PROP_SIGNALLER:
      g_value_set_object (value, settings->signaller);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLER_TYPE:
      g_value_set_string (value, settings->signaller_type);
      break;
    case GST_ICE_TRANSPORT_PROP_PEER_ID:
      g_value_set_string (value, settings->peer_id);
      break;
    case GST_ICE_TRANSPORT_PROP_STUN_SERVER:
      g_value_set_string (value, settings->stun_server);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_SERVERS:
      get_turn_servers (settings, value);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_CREDENTIAL_LIFETIME:
      g_value_set_uint (value, settings->turn_credential_lifetime);
      break;
    case GST_ICE_TRANSPORT_PROP_TURN_TLS_CA_FILE:
      g_value_set_string (value, settings->turn_tls_ca_file);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_TRANSPORT_POLICY:
      g_value_set_enum (value, settings->policy);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_UDP:
      g_value_set_boolean (value, settings->ice_udp);
      break;
    case GST_ICE_TRANSPORT_PROP_ICE_TCP:
      g_value_set_boolean (value, settings->ice_tcp);
      break;
    case GST_ICE_TRANSPORT_PROP_LOCAL_ADDRESSES:
      g_value_set_string (value, settings->local_addresses);
      break;
    case GST_ICE_TRANSPORT_PROP_RUN_SIGNALLING_SERVER:
      g_value_set_boolean (value, settings->run_signalling_server);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_HOST:
      g_value_set_string (value, settings->signalling_server_host);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PORT:
      g_value_set_uint (value, settings->signalling_server_port);
      break;
    case GST_ICE_TRANSPORT_PROP_MAX_CONSUMERS:
      g_value_set_uint (value, settings->max_consumers);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_CERTIFICATE_FILE:
      g_value_set_string (value, settings->signalling_server_certificate_file);
      break;
    case GST_ICE_TRANSPORT_PROP_SIGNALLING_SERVER_PRIVATE_KEY_FILE:
      g_value_set_string (value, settings->signalling_server_private_key_file);
      break;
    case GST_ICE_TRANSPORT_PROP_PRODUCER_PEER_ID:
      g_value_set_string (value, settings->producer_peer_id);
      break;
    case GST_ICE_TRANSPORT_PROP_BUFFER_SIZE:
      g_value_set_uint (value, settings->buffer_size);
      break;
    case GST_ICE_TRANSPORT_PROP_ENCRYPTION:
      g_value_set_boolean (value, settings->encryption);
      break;
    case GST_ICE_TRANSPORT_PROP_LATENCY:
      g_value_set_uint (value, settings->latency);
      break;
    case GST_ICE_TRANSPORT_PROP_RETRANSMISSION_OVERHEAD:
      g_value_set_uint (value, settings->retransmission_overhead);
      break;
    case GST_ICE_TRANSPORT_PROP_CERTIFICATE_FILE:
      g_value_set_string (value, settings->certificate_file);
      break;
    case GST_ICE_TRANSPORT_PROP_PRIVATE_KEY_FILE:
      g_value_set_string (value, settings->private_key_file);
      break;
    case GST_ICE_TRANSPORT_PROP_FINGERPRINT:
      g_value_take_string (value, settings->certificate ?
          g_strconcat (GST_ICE_FINGERPRINT_HASH " ",
              gst_ice_certificate_get_fingerprint (settings->certificate),
              NULL) : NULL);
      break;
    case GST_ICE_TRANSPORT_PROP_PEER_FINGERPRINTS:
      g_value_set_string (value, settings->peer_fingerprints);
      break;
    default:
      known = FALSE;
      break;
  }
  g_mutex_unlock (&settings->lock);
  return known;
}

/**
 * gst_ice_transport_settings_get_signaller:
 *
 * Returns: (transfer full): the signaller
 */
GstIceSignaller *
gst_ice_transport_settings_get_signaller (GstIceTransportSettings * settings)
{
  GstIceSignaller *signaller;

  g_mutex_lock (&settings->lock);
  signaller = settings->signaller ? g_object_ref (settings->signaller) : NULL;
  g_mutex_unlock (&settings->lock);
  return signaller;
}

/* The embedded server picked its port (signalling-server-port=0). */
void
gst_ice_transport_settings_set_signalling_server_port (GstIceTransportSettings
    * settings, guint port)
{
  g_mutex_lock (&settings->lock);
  settings->signalling_server_port = port;
  g_mutex_unlock (&settings->lock);
}

/* --- parsing -------------------------------------------------------------- */

/* Splits @text (local-addresses) into @config, checking each is an
 * address. */
static gboolean
parse_local_addresses (GstElement * element, const gchar * text,
    GstIceSessionConfig * config)
{
  gchar **addresses = g_strsplit (text ? text : "", ",", -1);
  guint i;

  config->local_addresses = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; addresses[i]; i++) {
    gchar *address = g_strstrip (addresses[i]);
    GInetAddress *inet;

    if (*address == '\0')
      continue;
    inet = g_inet_address_new_from_string (address);
    if (inet == NULL)
      goto not_an_address;
    g_object_unref (inet);
    g_ptr_array_add (config->local_addresses, g_strdup (address));
  }
  g_strfreev (addresses);
  return TRUE;

  /* ERRORS */
not_an_address:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("local-addresses entry '%s' is not an IP address (use e.g. "
            "192.168.1.10,127.0.0.1)", addresses[i]), (NULL));
    g_strfreev (addresses);
    return FALSE;
  }
}

static gboolean
parse_stun_server (GstElement * element, const gchar * stun,
    GstIceSessionConfig * config)
{
  GError *err = NULL;

  if (stun == NULL || *stun == '\0')
    return TRUE;
  config->stun_server = gst_ice_server_uri_parse (stun, &err);
  if (config->stun_server == NULL)
    goto bad_uri;
  if (config->stun_server->scheme != GST_ICE_SERVER_SCHEME_STUN)
    goto not_stun;
  return TRUE;

  /* ERRORS */
bad_uri:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", err->message),
        (NULL));
    g_clear_error (&err);
    return FALSE;
  }
not_stun:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("stun-server '%s' is not a stun:// URI (TURN servers go in "
            "turn-servers)", stun), (NULL));
    return FALSE;
  }
}

/* A TURN URI with a user name and no password needs turn-auth-secret */
static gboolean
lacks_only_a_secret (const gchar * text)
{
  GstIceServerUri *uri = gst_ice_server_uri_parse_full (text,
      GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL, NULL);
  gboolean lacks = uri != NULL && uri->password == NULL &&
      uri->scheme != GST_ICE_SERVER_SCHEME_STUN;

  gst_ice_server_uri_free (uri);
  return lacks;
}

static gboolean
parse_turn_servers (GstElement * element, GPtrArray * turns,
    gboolean have_secret, GstIceSessionConfig * config)
{
  GstIceServerUriFlags flags = have_secret ?
      GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL : GST_ICE_SERVER_URI_FLAG_NONE;
  GError *err = NULL;
  guint i;

  config->turn_servers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_ice_server_uri_free);
  for (i = 0; i < turns->len; i++) {
    GstIceServerUri *uri;

    uri = gst_ice_server_uri_parse_full (g_ptr_array_index (turns, i), flags,
        &err);
    if (uri == NULL && lacks_only_a_secret (g_ptr_array_index (turns, i)))
      goto no_secret;
    if (uri == NULL)
      goto bad_uri;
    if (uri->scheme == GST_ICE_SERVER_SCHEME_STUN) {
      gst_ice_server_uri_free (uri);
      goto not_turn;
    }
    g_ptr_array_add (config->turn_servers, uri);
  }
  return TRUE;

  /* ERRORS */
no_secret:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("turn-servers entry '%s' has a user name but no password: write "
            "turn://USER:PASS@host:port, or set turn-auth-secret to the "
            "server's shared secret to derive time-limited credentials",
            (gchar *) g_ptr_array_index (turns, i)), (NULL));
    g_clear_error (&err);
    return FALSE;
  }
bad_uri:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", err->message),
        (NULL));
    g_clear_error (&err);
    return FALSE;
  }
not_turn:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("turn-servers entry '%s' is a stun:// URI; use "
            "turn://user:pass@host:port, or put it in stun-server",
            (gchar *) g_ptr_array_index (turns, i)), (NULL));
    return FALSE;
  }
}

/* Relayed candidates only, and nowhere to get one: nothing could ever
 * connect, so say so at once rather than wait. */
static gboolean
check_relay_policy (GstElement * element, GstIceSessionConfig * config)
{
  if (config->relay_only && config->turn_servers->len == 0)
    goto no_turn_server;
  return TRUE;

  /* ERRORS */
no_turn_server:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("ice-transport-policy=relay uses relayed candidates only, but "
            "turn-servers is empty: add a TURN server "
            "(turn-servers=\"<\\\"turn://user:pass@host:3478\\\">\") or set "
            "ice-transport-policy=all"), (NULL));
    return FALSE;
  }
}

static void
clear_session_config (GstIceSessionConfig * config)
{
  g_clear_pointer (&config->stun_server, gst_ice_server_uri_free);
  g_clear_pointer (&config->turn_servers, g_ptr_array_unref);
  g_clear_pointer (&config->turn_auth_secret, gst_ice_turn_free_secret);
  gst_clear_object (&config->turn_tls_bridge);
  g_clear_pointer (&config->local_addresses, g_ptr_array_unref);
  g_clear_pointer (&config->accepted_fingerprints, g_ptr_array_unref);
  gst_clear_object (&config->dtls);
}

/* Everything sessions are made with, from the settings (hosts not
 * resolved yet); posts an element error naming the first bad value. */
static gboolean
parse_session_config (GstIceTransportSettings * settings,
    GstElement * element, GstIceSessionConfig * config)
{
  gchar *stun, *local_addresses;
  GPtrArray *turns;
  gboolean ok;
  guint i;

  g_mutex_lock (&settings->lock);
  stun = g_strdup (settings->stun_server);
  local_addresses = g_strdup (settings->local_addresses);
  turns = g_ptr_array_new_with_free_func (free_secret);
  for (i = 0; i < settings->turn_servers->len; i++)
    g_ptr_array_add (turns,
        g_strdup (g_ptr_array_index (settings->turn_servers, i)));
  if (settings->turn_auth_secret && *settings->turn_auth_secret)
    config->turn_auth_secret = g_strdup (settings->turn_auth_secret);
  config->turn_credential_lifetime = settings->turn_credential_lifetime;
  config->relay_only = settings->policy == GST_ICE_TRANSPORT_POLICY_RELAY;
  config->ice_udp = settings->ice_udp;
  config->ice_tcp = settings->ice_tcp;
  g_mutex_unlock (&settings->lock);

  ok = parse_stun_server (element, stun, config) &&
      parse_turn_servers (element, turns, config->turn_auth_secret != NULL,
      config) && check_relay_policy (element, config) &&
      parse_local_addresses (element, local_addresses, config);
  if (!ok)
    clear_session_config (config);

  g_free (stun);
  g_free (local_addresses);
  g_ptr_array_unref (turns);
  return ok;
}

/* libnice takes numeric server addresses only */
static gboolean
resolve_host (GstElement * element, GstIceServerUri * uri, const gchar * what)
{
  GResolver *resolver;
  GList *addresses;
  GError *err = NULL;
  GInetAddress *addr;

  addr = g_inet_address_new_from_string (uri->host);
  if (addr) {
    g_object_unref (addr);
    return TRUE;
  }

  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, uri->host, NULL, &err);
  g_object_unref (resolver);
  if (addresses == NULL)
    goto failed;

  g_free (uri->host);
  uri->host = g_inet_address_to_string (addresses->data);
  g_resolver_free_addresses (addresses);
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, NOT_FOUND,
        ("could not resolve %s host '%s': %s", what, uri->host,
            err->message), (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

static gboolean
resolve_servers (GstElement * element, GstIceSessionConfig * config)
{
  guint i;

  if (config->stun_server &&
      !resolve_host (element, config->stun_server, "stun-server"))
    return FALSE;
  for (i = 0; i < config->turn_servers->len; i++) {
    GstIceServerUri *turn = g_ptr_array_index (config->turn_servers, i);

    /* a turns:// server keeps its name, for TLS: libnice never sees it,
     * the bridge resolves it (gst/ice/turn/gsticeturntlsbridge.c) */
    if (turn->transport != GST_ICE_SERVER_TRANSPORT_TLS &&
        !resolve_host (element, turn, "turn-servers"))
      return FALSE;
  }
  return TRUE;
}

/* The pinned fingerprints, each as 'sha-256 AB:…'; posts an error naming
 * the property and the first entry that is not one. */
static gboolean
parse_peer_fingerprints (GstIceTransportSettings * settings,
    GstElement * element, GPtrArray ** out)
{
  const gchar *property = settings->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ?
      "consumer-fingerprints" : "producer-fingerprints";
  GError *err = NULL;
  gchar **entries;
  guint i;

  g_mutex_lock (&settings->lock);
  entries = g_strsplit (settings->peer_fingerprints ?
      settings->peer_fingerprints : "", ",", -1);
  g_mutex_unlock (&settings->lock);

  *out = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; entries[i]; i++) {
    gchar *entry = g_strstrip (entries[i]);
    gchar *fingerprint;

    if (*entry == '\0')
      continue;
    fingerprint = g_ascii_strncasecmp (entry, GST_ICE_FINGERPRINT_HASH " ",
        strlen (GST_ICE_FINGERPRINT_HASH) + 1) == 0 ? g_strdup (entry) :
        g_strconcat (GST_ICE_FINGERPRINT_HASH " ", entry, NULL);
    g_ptr_array_add (*out, fingerprint);
    if (!gst_ice_fingerprint_validate (fingerprint, &err))
      goto not_a_fingerprint;
  }
  g_strfreev (entries);
  return TRUE;

  /* ERRORS */
not_a_fingerprint:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("%s entry '%s' is not a SHA-256 certificate fingerprint: %s",
            property, entries[i], err->message), (NULL));
    g_clear_error (&err);
    g_strfreev (entries);
    g_clear_pointer (out, g_ptr_array_unref);
    return FALSE;
  }
}

/* This element's certificate: loaded from the files named, or made. */
static gboolean
make_identity (GstIceTransportSettings * settings, GstElement * element)
{
  GstIceCertificate *certificate;
  gchar *cert_file, *key_file;
  GError *err = NULL;

  g_mutex_lock (&settings->lock);
  cert_file = g_strdup (settings->certificate_file);
  key_file = g_strdup (settings->private_key_file);
  g_mutex_unlock (&settings->lock);

  if ((cert_file == NULL) != (key_file == NULL))
    goto half_identity;
  certificate = cert_file ?
      gst_ice_certificate_new_from_files (cert_file, key_file, &err) :
      gst_ice_certificate_new_generated (&err);
  if (certificate == NULL)
    goto failed;

  g_mutex_lock (&settings->lock);
  g_clear_pointer (&settings->certificate, gst_ice_certificate_unref);
  settings->certificate = certificate;
  g_mutex_unlock (&settings->lock);
  g_free (cert_file);
  g_free (key_file);
  return TRUE;

  /* ERRORS */
half_identity:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("%s is set but not %s: name both PEM files, or neither to "
            "generate a certificate", cert_file ? "certificate-file" :
            "private-key-file", cert_file ? "private-key-file" :
            "certificate-file"), (NULL));
    g_free (cert_file);
    g_free (key_file);
    return FALSE;
  }
failed:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", err->message),
        (NULL));
    g_clear_error (&err);
    g_free (cert_file);
    g_free (key_file);
    return FALSE;
  }
}

/* check() part for encryption: the pins, and the identity */
static gboolean
check_encryption (GstIceTransportSettings * settings, GstElement * element)
{
  GPtrArray *fingerprints;
  gboolean encryption;

  if (!parse_peer_fingerprints (settings, element, &fingerprints))
    return FALSE;
  g_ptr_array_unref (fingerprints);

  g_mutex_lock (&settings->lock);
  encryption = settings->encryption;
  if (!encryption)
    g_clear_pointer (&settings->certificate, gst_ice_certificate_unref);
  g_mutex_unlock (&settings->lock);
  return !encryption || make_identity (settings, element);
}

/* read() part for encryption: the DTLS context of this start, the pins */
static gboolean
read_encryption (GstIceTransportSettings * settings, GstElement * element,
    GstIceSessionConfig * config)
{
  GstIceCertificate *certificate = NULL;
  GError *err = NULL;

  if (!parse_peer_fingerprints (settings, element,
          &config->accepted_fingerprints))
    return FALSE;
  g_mutex_lock (&settings->lock);
  if (settings->encryption && settings->certificate)
    certificate = gst_ice_certificate_ref (settings->certificate);
  g_mutex_unlock (&settings->lock);
  if (certificate == NULL)
    return TRUE;

  config->dtls = gst_ice_dtls_context_new (certificate, NULL, &err);
  gst_ice_certificate_unref (certificate);
  if (config->dtls == NULL)
    goto failed;
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", err->message),
        (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

/* check() part for turns://: a CA file OpenSSL can read */
static gboolean
check_turn_tls_ca_file (GstIceTransportSettings * settings,
    GstElement * element)
{
  gchar *ca_file;
  SSL_CTX *tls;
  GError *err = NULL;

  g_mutex_lock (&settings->lock);
  ca_file = g_strdup (settings->turn_tls_ca_file);
  g_mutex_unlock (&settings->lock);
  if (ca_file == NULL)
    return TRUE;

  tls = gst_ice_turn_tls_context_new (ca_file, &err);
  g_free (ca_file);
  if (tls == NULL)
    goto failed;
  SSL_CTX_free (tls);
  return TRUE;

  /* ERRORS */
failed:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", err->message),
        (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

/**
 * gst_ice_transport_settings_check:
 * @element: where errors are posted
 *
 * NULL to READY: checks every setting, posting an element error that names
 * the bad value.
 */
gboolean
gst_ice_transport_settings_check (GstIceTransportSettings * settings,
    GstElement * element)
{
  GstIceSessionConfig config = { 0, };
  GstIceSignaller *signaller;
  GError *err = NULL;
  gboolean unknown;
  gchar *type_name;

  g_mutex_lock (&settings->lock);
  unknown = settings->signaller_type_unknown;
  type_name = g_strdup (settings->signaller_type);
  g_mutex_unlock (&settings->lock);
  if (unknown)
    goto unknown_signaller;
  g_free (type_name);

  if (!parse_session_config (settings, element, &config))
    return FALSE;
  clear_session_config (&config);
  if (!check_turn_tls_ca_file (settings, element))
    return FALSE;
  if (!check_encryption (settings, element))
    return FALSE;

  signaller = gst_ice_transport_settings_get_signaller (settings);
  if (!gst_ice_signaller_prepare (signaller, &err)) {
    g_object_unref (signaller);
    goto signaller_failed;
  }
  g_object_unref (signaller);
  return TRUE;

  /* ERRORS */
unknown_signaller:
  {
    if (!HAVE_MQTT && g_strcmp0 (type_name, "mqtt") == 0)
      GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
          ("signaller-type 'mqtt' needs gst-ice built with libmosquitto: "
              "install libmosquitto-dev and rebuild (meson setup "
              "-Dmqtt=enabled)"), (NULL));
    else
      GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
          ("unknown signaller-type '%s': use websocket, directory, "
              "terminal, mqtt or the GType name of a GstIceSignaller "
              "implementation", type_name), (NULL));
    g_free (type_name);
    return FALSE;
  }
signaller_failed:
  {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", err->message),
        (NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

/**
 * gst_ice_transport_settings_read:
 * @element: where errors are posted
 * @config: (out caller-allocates): filled in; clear it with
 *   gst_ice_transport_config_clear()
 *
 * READY to PAUSED: reads the settings into @config and resolves the
 * servers' host names, posting an element error naming the first value
 * that is wrong.
 */
gboolean
gst_ice_transport_settings_read (GstIceTransportSettings * settings,
    GstElement * element, GstIceTransportConfig * config)
{
  memset (config, 0, sizeof (*config));
  if (!parse_session_config (settings, element, &config->session))
    return FALSE;
  if (!resolve_servers (element, &config->session) ||
      !read_encryption (settings, element, &config->session)) {
    clear_session_config (&config->session);
    return FALSE;
  }

  g_mutex_lock (&settings->lock);
  config->peer_id = g_strdup (settings->peer_id);
  config->run_signalling_server = settings->run_signalling_server;
  config->signalling_server_host = g_strdup (settings->signalling_server_host);
  config->signalling_server_port = settings->signalling_server_port;
  config->signalling_server_token =
      g_strdup (settings->signalling_server_token);
  config->max_consumers = settings->max_consumers;
  config->signalling_server_certificate_file =
      g_strdup (settings->signalling_server_certificate_file);
  config->signalling_server_private_key_file =
      g_strdup (settings->signalling_server_private_key_file);
  config->producer_peer_id = g_strdup (settings->producer_peer_id);
  config->turn_tls_ca_file = g_strdup (settings->turn_tls_ca_file);
  config->session.latency_ms = settings->latency;
  config->session.receive_buffer_size = settings->buffer_size;
  config->retransmission_overhead = settings->retransmission_overhead;
  g_mutex_unlock (&settings->lock);
  return TRUE;
}

void
gst_ice_transport_config_clear (GstIceTransportConfig * config)
{
  clear_session_config (&config->session);
  g_clear_pointer (&config->peer_id, g_free);
  g_clear_pointer (&config->signalling_server_host, g_free);
  g_clear_pointer (&config->signalling_server_token, free_secret);
  g_clear_pointer (&config->signalling_server_certificate_file, g_free);
  g_clear_pointer (&config->signalling_server_private_key_file, g_free);
  g_clear_pointer (&config->producer_peer_id, g_free);
  g_clear_pointer (&config->turn_tls_ca_file, g_free);
}
