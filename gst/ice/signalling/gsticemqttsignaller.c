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

/**
 * SECTION:gsticemqttsignaller
 * @title: GstIceMqttSignaller
 * @short_description: #GstIceSignaller over an MQTT broker (libmosquitto)
 *
 * Producers and consumers find each other through the MQTT broker a fleet
 * already runs (mosquitto, or an EMQX, VerneMQ or HiveMQ cluster) instead
 * of a gst-ice signalling server.  Each element is one MQTT 5 client whose
 * client id is its peer id; under #GstIceMqttSignaller:topic-prefix
 * (default `gst-ice`):
 *
 * |[
 * PREFIX/producers/PRODUCER                               retained presence
 * PREFIX/sessions/PRODUCER/CONSUMER/SESSION/from-consumer  consumer to producer
 * PREFIX/sessions/PRODUCER/CONSUMER/SESSION/from-producer  producer to consumer
 * ]|
 *
 * A producer publishes its presence (retained, with a random instance
 * token) once it subscribed to its sessions, and leaves an empty retained
 * message as its last will, so that consumers hear it vanish when its
 * connection dies.  A consumer subscribes to the presences and to its own
 * sessions; it asks a producer for a session by publishing `startSession`
 * on a new session's topic, which the producer acknowledges before it
 * answers.  The payloads are the JSON objects of the WebSocket protocol
 * (docs/signalling-protocol.md); docs/mqtt-signalling.md describes it all,
 * with a broker ACL that keeps each peer to its own topics.
 *
 * libmosquitto runs in a thread of the signaller's own, driven by a
 * #GMainContext of that thread (no select(), so no FD_SETSIZE limit), so
 * that a slow broker, a name lookup or a blocking connect never holds up
 * the element's context, which also runs its ICE agents; the signals are
 * still emitted from that context, in order.
 *
 * A broker that cannot be reached after
 * #GstIceMqttSignaller:connection-retries more attempts, a refused
 * connection (wrong user or password) and a refused subscription are
 * reported with #GstIceSignaller::error.  A connection lost later is
 * retried every #GstIceMqttSignaller:retry-interval (at least a second)
 * without limit: sessions that flow do not need the broker, the topics of
 * sessions survive a broker restart, and presences are published again.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! x264enc tune=zerolatency ! \
 *     rtph264pay ! icesink peer-id=cam1 signaller-type=mqtt \
 *     signaller::uri=mqtt://broker.lan:1883
 * gst-launch-1.0 icesrc signaller-type=mqtt \
 *     signaller::uri=mqtt://broker.lan:1883 producer-peer-id=cam1 ! \
 *     rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticemqttsignaller.h>
#include <gst/ice/signalling/gsticesignallingprotocol.h>
#include <gst/ice/gsticeerror.h>

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <gst/gst.h>
#include <glib-unix.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <openssl/crypto.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_mqtt_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_mqtt_signaller_debug

#define DEFAULT_URI "mqtt://127.0.0.1:1883"
#define DEFAULT_TOPIC_PREFIX "gst-ice"
#define DEFAULT_KEEPALIVE 10
#define MIN_KEEPALIVE 5
#define DEFAULT_CONNECTION_RETRIES 0
#define DEFAULT_RETRY_INTERVAL 1000

/* where the password comes from when the property is not set */
#define PASSWORD_ENV "GST_ICE_MQTT_PASSWORD"

#define MQTT_PORT 1883
#define MQTTS_PORT 8883

/* every message is QoS 1: the broker acknowledges it, and libmosquitto
 * sends it again over the next connection when it did not */
#define QOS 1

/* a connection attempt that has no CONNACK after this fails */
#define CONNECT_TIMEOUT_S 10
/* a producer that does not acknowledge a request after this is gone */
#define REQUEST_TIMEOUT_S 10
/* how long stop() waits for the last messages to be acknowledged */
#define STOP_TIMEOUT_MS 1000
/* the worker gives up flushing a little earlier */
#define FLUSH_TIMEOUT_MS 800

#define MAX_PEER_ID_LENGTH 256

/* a broker that closes a working connection this often within KICK_WINDOW_S
 * gives it to another client with the same client id each time */
#define KICKS 3
#define KICK_WINDOW_S 10

enum
{
  PROP_0,
  PROP_URI,
  PROP_USER,
  PROP_PASSWORD,
  PROP_TLS_CA_FILE,
  PROP_TOPIC_PREFIX,
  PROP_KEEPALIVE,
  PROP_CONNECTION_RETRIES,
  PROP_RETRY_INTERVAL,
};

/* --- the worker: libmosquitto in a thread of its own ------------------- */

typedef enum
{
  JOB_PUBLISH,
  JOB_STOP,
} JobType;

/* Something the worker does for the signaller, in the order asked. */
typedef struct
{
  JobType type;
  gchar *topic;
  gchar *payload;
} Job;

typedef enum
{
  EVENT_READY,                  /* connected and subscribed */
  EVENT_LOST,                   /* a ready connection dropped */
  EVENT_FAILED,                 /* signalling cannot go on */
  EVENT_MESSAGE,                /* a message arrived */
  EVENT_PRODUCER_UNKNOWN,       /* signaller-made: a request for nobody */
} EventType;

/* What the worker (or the signaller itself) found, emitted from the
 * signaller's context in the order of the queue. */
typedef struct
{
  EventType type;
  gchar *topic;                 /* MESSAGE; PRODUCER_UNKNOWN: the producer */
  gchar *payload;               /* MESSAGE: NUL-terminated, maybe empty */
  gboolean again;               /* READY after a lost connection */
  GError *error;                /* LOST, FAILED */
} Event;

/* The MQTT side of one start() to stop().  Reference-counted, as it may
 * outlive the signaller when stop() gives up waiting for a broker. */
typedef struct
{
  gint ref_count;

  /* set before the thread starts, read-only after */
  GstIceSignallerRole role;
  gchar *uri;                   /* for messages */
  gchar *host;
  guint port;
  gboolean tls;
  gchar *ca_file;
  gchar *user;
  gchar *password;              /* secret: never logged */
  gchar *client_id;
  guint keepalive;
  guint max_retries;
  guint interval;
  gchar **subscriptions;
  gchar *presence_topic;        /* producer: its retained presence */
  gchar *presence;              /* producer: the presence message */
  GMainContext *worker_context;
  GThread *thread;              /* NULL when it was not started */

  /* the worker thread's own */
  struct mosquitto *mosq;
  GSource *socket_source;
  gpointer socket_tag;
  gint socket_fd;
  GSource *tick;                /* every second: keepalive, timeouts */
  GSource *retry;               /* the next connection attempt */
  gboolean connected;           /* a socket is open */
  gboolean ready;               /* CONNACK, SUBACK and presence done */
  gboolean ever_ready;
  gboolean failed;              /* an error was posted: no more attempts */
  gint64 connect_deadline;      /* of the current attempt */
  guint attempts;
  gint subscribe_mid;
  gint presence_mid;
  gint outstanding;             /* QoS 1 messages not acknowledged yet */
  gint disconnect_reason;       /* of the broker's DISCONNECT, or -1 */
  gchar *tls_error;             /* libmosquitto's TLS error of this attempt */
  gint64 closed_at[KICKS];      /* when the broker last closed us, ready */
  GQueue waiting;               /* Job *, published once ready */
  gboolean stopping;
  gboolean disconnecting;
  gint64 stop_deadline;
  gboolean done;

  /* under lock */
  GMutex lock;
  GCond cond;
  GQueue jobs;
  gboolean jobs_pending;
  GMainContext *context;        /* the signaller's; released when done */
  GQueue events;
  gboolean wakeup_pending;
  gboolean finished;

  /* the signaller's context only: NULL once stopped */
  GstIceMqttSignaller *owner;
} Worker;

/* A session as the signaller sees it. */
typedef struct
{
  gchar *id;
  gchar *producer_id;
  gchar *consumer_id;
  gchar *out_topic;             /* where this side publishes */
  gboolean started;             /* consumer: the producer acknowledged it */
  GSource *timeout;             /* consumer: until it did */
  GstIceMqttSignaller *owner;
} Session;

struct _GstIceMqttSignaller
{
  GObject parent;

  GMutex lock;
  /* properties, protected by lock; read by prepare() and start() */
  gchar *uri;
  gchar *user;
  gchar *password;              /* secret: never logged nor read back */
  gchar *tls_ca_file;
  gchar *topic_prefix;
  guint keepalive;
  guint connection_retries;
  guint retry_interval;

  /* from start() to stop(): owned by the thread running context */
  gboolean started;
  GstIceSignallerRole role;
  gchar *peer_id;
  gchar *prefix;
  GMainContext *context;
  Worker *worker;
  GHashTable *sessions;         /* id -> Session */
  GHashTable *producers;        /* consumer: producer id -> instance */
};

static void gst_ice_mqtt_signaller_iface_init (GstIceSignallerInterface *
    iface);

#define gst_ice_mqtt_signaller_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceMqttSignaller, gst_ice_mqtt_signaller,
    G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (GST_TYPE_ICE_SIGNALLER,
        gst_ice_mqtt_signaller_iface_init);
    GST_DEBUG_CATEGORY_INIT (gst_ice_mqtt_signaller_debug,
        "icemqttsignaller", 0, "gst-ice MQTT signaller"));

static void gst_ice_mqtt_signaller_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_ice_mqtt_signaller_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static void gst_ice_mqtt_signaller_dispose (GObject * object);
static void gst_ice_mqtt_signaller_finalize (GObject * object);
static void gst_ice_mqtt_signaller_stop (GstIceSignaller * signaller);

/* Long: one block per property, each with its documentation. */
static void
gst_ice_mqtt_signaller_class_init (GstIceMqttSignallerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_ice_mqtt_signaller_set_property;
  gobject_class->get_property = gst_ice_mqtt_signaller_get_property;
  gobject_class->dispose = gst_ice_mqtt_signaller_dispose;
  gobject_class->finalize = gst_ice_mqtt_signaller_finalize;

  /**
   * GstIceMqttSignaller:uri:
   *
   * The MQTT broker: `mqtt://HOST[:PORT]` (port 1883 by default) or
   * `mqtts://HOST[:PORT]` for TLS (port 8883).  Default
   * `mqtt://127.0.0.1:1883`; %NULL restores it.  Read when signalling
   * starts.  Anything else fails the change to READY with "signaller uri
   * 'VALUE' is not an mqtt:// or mqtts:// URI"; a user or password in it
   * is refused too (use #GstIceMqttSignaller:user and
   * #GstIceMqttSignaller:password).  A broker that cannot be reached fails
   * the element with "could not connect to MQTT broker URI after N
   * attempts: REASON".
   */
  g_object_class_install_property (gobject_class, PROP_URI,
      g_param_spec_string ("uri", "URI",
          "The MQTT broker, mqtt://HOST[:PORT] (default port 1883) or "
          "mqtts://HOST[:PORT] for TLS (8883). Default "
          "mqtt://127.0.0.1:1883. Anything else fails the change to READY "
          "naming it; an unreachable broker fails with 'could not connect "
          "to MQTT broker URI after N attempts: REASON'",
          DEFAULT_URI, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:user:
   *
   * The user name to give the broker; %NULL (default): none.  Brokers
   * that keep peers to their own topics (docs/mqtt-signalling.md) name
   * the user after the peer id.  A user the broker does not accept fails
   * the element with "MQTT broker URI refused the connection: REASON".
   */
  g_object_class_install_property (gobject_class, PROP_USER,
      g_param_spec_string ("user", "User",
          "The user name to give the MQTT broker (default NULL: none). A "
          "user or password it does not accept fails with 'MQTT broker URI "
          "refused the connection: Not authorized' (mosquitto; other "
          "brokers say 'Bad user name or password')", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:password:
   *
   * The password of #GstIceMqttSignaller:user.  %NULL (default): the
   * value of the GST_ICE_MQTT_PASSWORD environment variable (which, unlike
   * a property on a gst-launch line, `ps` does not show), or none.  Used
   * only with a user.  Write-only: it is never read back nor logged.
   */
  g_object_class_install_property (gobject_class, PROP_PASSWORD,
      g_param_spec_string ("password", "Password",
          "The password of the MQTT user (default NULL: the "
          PASSWORD_ENV " environment variable, else none). Write-only",
          NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:tls-ca-file:
   *
   * PEM file of the CA certificates an `mqtts://` broker's certificate
   * must be signed by, instead of the system's.  Default %NULL: the
   * system's CAs.  The certificate must also name the host of
   * #GstIceMqttSignaller:uri.  A file that cannot be read fails the change
   * to READY naming it; a broker whose certificate does not pass fails
   * the element with "could not connect to MQTT broker URI …: its TLS
   * certificate could not be verified".
   */
  g_object_class_install_property (gobject_class, PROP_TLS_CA_FILE,
      g_param_spec_string ("tls-ca-file", "TLS CA file",
          "PEM file of the CAs an mqtts:// broker's certificate must be "
          "signed by (default NULL: the system's CAs)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:topic-prefix:
   *
   * The topic levels every gst-ice topic starts with, so that several
   * fleets (or tenants) share one broker: peers only see the peers of
   * their prefix.  Default `gst-ice`.  It must not be empty, start with
   * `$` or `/`, end with `/`, or hold `+` or `#`: the change to READY
   * fails naming it.
   */
  g_object_class_install_property (gobject_class, PROP_TOPIC_PREFIX,
      g_param_spec_string ("topic-prefix", "Topic prefix",
          "Topic levels every gst-ice topic starts with (default "
          "\"gst-ice\"); peers only find peers of the same prefix. No '+', "
          "'#', leading '$' or '/', trailing '/'", DEFAULT_TOPIC_PREFIX,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:keepalive:
   *
   * MQTT keep-alive, in seconds (5 to 65535, default 10): the client
   * pings the broker when it sent nothing for that long, and the broker
   * drops a client it heard nothing from for 1.5 times as long, then
   * publishes its last will: consumers hear a producer whose host died
   * within about 15 s by default.  A lower value notices sooner and sends
   * a ping (2 bytes each way) more often.
   */
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE,
      g_param_spec_uint ("keepalive", "Keep-alive",
          "MQTT keep-alive in seconds: the broker drops a silent client "
          "after 1.5 times this and publishes its last will (a vanished "
          "producer is noticed within about 15 s by default)",
          MIN_KEEPALIVE, G_MAXUINT16, DEFAULT_KEEPALIVE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:connection-retries:
   *
   * How many more times to try connecting to the broker after the first
   * attempt failed, #GstIceMqttSignaller:retry-interval apart.  Default
   * 0: fail at the first refused or unanswered (10 s) connection.  Raise it
   * when the broker may start after the pipeline; when all attempts fail
   * the error says how many were made.  A connection that drops after
   * it worked is retried without limit instead.
   */
  g_object_class_install_property (gobject_class, PROP_CONNECTION_RETRIES,
      g_param_spec_uint ("connection-retries", "Connection retries",
          "Further connection attempts after the first one failed "
          "(default 0); a connection lost later is retried without limit",
          0, G_MAXUINT, DEFAULT_CONNECTION_RETRIES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceMqttSignaller:retry-interval:
   *
   * Time between two connection attempts, in milliseconds.  Default 1000.
   * Used when #GstIceMqttSignaller:connection-retries is not 0, and (at
   * least 1000) between attempts to reconnect after a connection dropped.
   */
  g_object_class_install_property (gobject_class, PROP_RETRY_INTERVAL,
      g_param_spec_uint ("retry-interval", "Retry interval",
          "Milliseconds between two connection attempts (default 1000; at "
          "least 1000 when reconnecting)", 0, G_MAXUINT,
          DEFAULT_RETRY_INTERVAL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
          | GST_PARAM_MUTABLE_READY));

  mosquitto_lib_init ();
}

/* Wipes and frees a secret string. */
static void
clear_secret (gchar ** secret)
{
  if (*secret != NULL) {
    OPENSSL_cleanse (*secret, strlen (*secret));
    g_clear_pointer (secret, g_free);
  }
}

static void
gst_ice_mqtt_signaller_init (GstIceMqttSignaller * self)
{
  g_mutex_init (&self->lock);
  self->uri = g_strdup (DEFAULT_URI);
  self->topic_prefix = g_strdup (DEFAULT_TOPIC_PREFIX);
  self->keepalive = DEFAULT_KEEPALIVE;
  self->connection_retries = DEFAULT_CONNECTION_RETRIES;
  self->retry_interval = DEFAULT_RETRY_INTERVAL;
}

static void
gst_ice_mqtt_signaller_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_URI:
      g_free (self->uri);
      self->uri = g_value_dup_string (value);
      if (self->uri == NULL)
        self->uri = g_strdup (DEFAULT_URI);
      break;
    case PROP_USER:
      g_free (self->user);
      self->user = g_value_dup_string (value);
      break;
    case PROP_PASSWORD:
      clear_secret (&self->password);
      self->password = g_value_dup_string (value);
      break;
    case PROP_TLS_CA_FILE:
      g_free (self->tls_ca_file);
      self->tls_ca_file = g_value_dup_string (value);
      break;
    case PROP_TOPIC_PREFIX:
      g_free (self->topic_prefix);
      self->topic_prefix = g_value_dup_string (value);
      if (self->topic_prefix == NULL)
        self->topic_prefix = g_strdup (DEFAULT_TOPIC_PREFIX);
      break;
    case PROP_KEEPALIVE:
      self->keepalive = g_value_get_uint (value);
      break;
    case PROP_CONNECTION_RETRIES:
      self->connection_retries = g_value_get_uint (value);
      break;
    case PROP_RETRY_INTERVAL:
      self->retry_interval = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_ice_mqtt_signaller_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    case PROP_TOPIC_PREFIX:
      g_value_set_string (value, self->topic_prefix);
      break;
    case PROP_KEEPALIVE:
      g_value_set_uint (value, self->keepalive);
      break;
    case PROP_CONNECTION_RETRIES:
      g_value_set_uint (value, self->connection_retries);
      break;
    case PROP_RETRY_INTERVAL:
      g_value_set_uint (value, self->retry_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_ice_mqtt_signaller_dispose (GObject * object)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (object);

  if (self->started)
    gst_ice_mqtt_signaller_stop (GST_ICE_SIGNALLER (self));

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_ice_mqtt_signaller_finalize (GObject * object)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (object);

  g_free (self->uri);
  g_free (self->user);
  clear_secret (&self->password);
  g_free (self->tls_ca_file);
  g_free (self->topic_prefix);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* --- settings ------------------------------------------------------------ */

/* Host, port and TLS of an mqtt:// or mqtts:// URI. */
static gboolean
parse_uri (const gchar * uri, gchar ** host, guint * port, gboolean * tls,
    GError ** error)
{
  GUri *parsed;
  const gchar *scheme, *path;

  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL)
    goto not_mqtt;

  scheme = g_uri_get_scheme (parsed);
  if (g_ascii_strcasecmp (scheme, "mqtt") != 0
      && g_ascii_strcasecmp (scheme, "mqtts") != 0)
    goto not_mqtt;
  if (g_uri_get_host (parsed) == NULL || g_uri_get_host (parsed)[0] == '\0')
    goto no_host;
  if (g_uri_get_userinfo (parsed) != NULL)
    goto userinfo;
  path = g_uri_get_path (parsed);
  if ((path[0] != '\0' && g_strcmp0 (path, "/") != 0)
      || g_uri_get_query (parsed) != NULL
      || g_uri_get_fragment (parsed) != NULL)
    goto not_mqtt;

  *tls = g_ascii_strcasecmp (scheme, "mqtts") == 0;
  *port = g_uri_get_port (parsed) > 0 ? (guint) g_uri_get_port (parsed) :
      *tls ? MQTTS_PORT : MQTT_PORT;
  *host = g_strdup (g_uri_get_host (parsed));
  g_uri_unref (parsed);
  return TRUE;

  /* ERRORS */
not_mqtt:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "signaller uri '%s' is not an mqtt:// or mqtts:// URI "
        "(mqtt://HOST[:PORT])", uri);
    g_clear_pointer (&parsed, g_uri_unref);
    return FALSE;
  }
no_host:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "signaller uri '%s' is not an mqtt:// or mqtts:// URI: it has no "
        "host", uri);
    g_uri_unref (parsed);
    return FALSE;
  }
userinfo:
  {
    /* the password would show in logs and in the uri property */
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "signaller uri must not hold a user or password: set signaller::user "
        "and signaller::password (or the " PASSWORD_ENV " environment "
        "variable) instead");
    g_uri_unref (parsed);
    return FALSE;
  }
}

static gboolean
is_valid_prefix (const gchar * prefix)
{
  return prefix[0] != '\0' && prefix[0] != '$' && prefix[0] != '/' &&
      !g_str_has_suffix (prefix, "/") && strchr (prefix, '+') == NULL &&
      strchr (prefix, '#') == NULL && g_utf8_validate (prefix, -1, NULL);
}

/* A peer id is one topic level and the client id. */
static gboolean
is_valid_peer_id (const gchar * peer_id)
{
  const gchar *p;

  if (peer_id[0] == '\0' || strlen (peer_id) > MAX_PEER_ID_LENGTH ||
      !g_utf8_validate (peer_id, -1, NULL))
    return FALSE;
  for (p = peer_id; *p != '\0'; p++) {
    if (*p == '/' || *p == '+' || *p == '#' || g_ascii_iscntrl (*p))
      return FALSE;
  }
  return TRUE;
}

/* --- events, from any thread to the signaller's context ------------------ */

static void
event_free (Event * event)
{
  g_free (event->topic);
  g_free (event->payload);
  g_clear_error (&event->error);
  g_free (event);
}

static void
job_free (Job * job)
{
  g_free (job->topic);
  g_free (job->payload);
  g_free (job);
}

static Worker *
worker_ref (Worker * worker)
{
  g_atomic_int_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker * worker)
{
  if (!g_atomic_int_dec_and_test (&worker->ref_count))
    return;

  g_queue_clear_full (&worker->jobs, (GDestroyNotify) job_free);
  g_queue_clear_full (&worker->waiting, (GDestroyNotify) job_free);
  g_queue_clear_full (&worker->events, (GDestroyNotify) event_free);
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_clear_pointer (&worker->worker_context, g_main_context_unref);
  g_mutex_clear (&worker->lock);
  g_cond_clear (&worker->cond);
  g_free (worker->uri);
  g_free (worker->host);
  g_free (worker->ca_file);
  g_free (worker->user);
  clear_secret (&worker->password);
  g_free (worker->client_id);
  g_strfreev (worker->subscriptions);
  g_free (worker->presence_topic);
  g_free (worker->presence);
  g_free (worker->tls_error);
  g_free (worker);
}

static void dispatch_events (GstIceMqttSignaller * self);

static gboolean
events_cb (gpointer user_data)
{
  Worker *worker = user_data;

  g_mutex_lock (&worker->lock);
  worker->wakeup_pending = FALSE;
  g_mutex_unlock (&worker->lock);

  if (worker->owner != NULL)
    dispatch_events (worker->owner);
  return G_SOURCE_REMOVE;
}

/* Queues @event (taking it) for the signaller's context: from any thread,
 * until the worker is finished. */
static void
post_event (Worker * worker, Event * event)
{
  GSource *source = NULL;

  g_mutex_lock (&worker->lock);
  if (worker->context == NULL) {
    g_mutex_unlock (&worker->lock);
    event_free (event);
    return;
  }
  g_queue_push_tail (&worker->events, event);
  if (!worker->wakeup_pending) {
    worker->wakeup_pending = TRUE;
    source = g_idle_source_new ();
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_name (source, "GstIceMqttSignaller events");
    g_source_set_callback (source, events_cb, worker_ref (worker),
        (GDestroyNotify) worker_unref);
    g_source_attach (source, worker->context);
  }
  g_mutex_unlock (&worker->lock);
  if (source != NULL)
    g_source_unref (source);
}

static void
post_new_event (Worker * worker, EventType type, GError * error)
{
  Event *event = g_new0 (Event, 1);

  event->type = type;
  event->error = error;
  post_event (worker, event);
}

static Event *
pop_event (Worker * worker)
{
  Event *event;

  g_mutex_lock (&worker->lock);
  event = g_queue_pop_head (&worker->events);
  g_mutex_unlock (&worker->lock);
  return event;
}

/* --- the worker thread --------------------------------------------------- */

static void worker_schedule_attempt (Worker * worker, guint delay_ms);
static void worker_check_flushed (Worker * worker);

/* A fatal error: posted once, and no more connection attempts. */
static void
worker_fail (Worker * worker, GError * error)
{
  if (worker->failed) {
    g_error_free (error);
    return;
  }
  worker->failed = TRUE;
  post_new_event (worker, EVENT_FAILED, error);
}

static void
worker_update_watch (Worker * worker)
{
  GIOCondition condition = G_IO_IN;

  if (worker->socket_source == NULL)
    return;
  if (mosquitto_want_write (worker->mosq))
    condition |= G_IO_OUT;
  g_source_modify_unix_fd (worker->socket_source, worker->socket_tag,
      condition);
}

static void
worker_drop_socket (Worker * worker)
{
  if (worker->socket_source != NULL) {
    g_source_destroy (worker->socket_source);
    g_clear_pointer (&worker->socket_source, g_source_unref);
  }
  worker->socket_tag = NULL;
  worker->socket_fd = -1;
  worker->connected = FALSE;
  worker->ready = FALSE;
}

/* Why @rc ended a connection (attempt), for people. */
static gchar *
describe_failure (Worker * worker, gint rc, gint saved_errno)
{
  if (worker->tls_error != NULL || rc == MOSQ_ERR_TLS)
    return g_strdup_printf ("its TLS certificate could not be verified, or "
        "TLS failed (%s); set signaller::tls-ca-file to the PEM file of the "
        "CA that signed the broker's certificate, and use the host name the "
        "certificate names in signaller::uri",
        worker->tls_error ? worker->tls_error : "no detail");
  switch (rc) {
    case MOSQ_ERR_ERRNO:
      return g_strdup (g_strerror (saved_errno));
    case MOSQ_ERR_EAI:
      return g_strdup_printf ("cannot resolve '%s': %s", worker->host,
          gai_strerror (saved_errno));
    case MOSQ_ERR_CONN_LOST:
      return g_strdup ("the broker closed the connection");
    case MOSQ_ERR_TIMEOUT:
      return g_strdup_printf ("no answer (CONNACK) within %d s",
          CONNECT_TIMEOUT_S);
    case MOSQ_ERR_KEEPALIVE:
      return g_strdup_printf ("no answer from the broker within %u s "
          "(keepalive)", worker->keepalive);
    default:
      return g_strdup (mosquitto_strerror (rc));
  }
}

/* The connection ended (or an attempt failed) with @rc: reconnect, or
 * give up before the first connection worked. */
static void
worker_connection_ended (Worker * worker, gint rc, gint saved_errno)
{
  gboolean was_ready = worker->ready;
  gchar *why;

  worker_drop_socket (worker);
  if (worker->stopping) {
    worker->done = TRUE;
    return;
  }
  if (worker->failed)
    return;

  if (was_ready && rc == MOSQ_ERR_CONN_LOST) {
    gint64 now = g_get_monotonic_time ();

    memmove (worker->closed_at, worker->closed_at + 1,
        (KICKS - 1) * sizeof (gint64));
    worker->closed_at[KICKS - 1] = now;
    if (worker->closed_at[0] != 0 &&
        now - worker->closed_at[0] < KICK_WINDOW_S * G_TIME_SPAN_SECOND)
      worker->disconnect_reason = MQTT_RC_SESSION_TAKEN_OVER;
  }
  /* MQTT 5 brokers say so; mosquitto 2.0.11 only closes the connection */
  if (worker->disconnect_reason == MQTT_RC_SESSION_TAKEN_OVER) {
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "MQTT broker %s keeps dropping this connection for another "
            "client with client id '%s', this element's peer-id: give each "
            "element a peer-id of its own", worker->uri, worker->client_id));
    return;
  }

  if (worker->disconnect_reason > 0)
    why = g_strdup_printf ("the broker disconnected it: %s",
        mosquitto_reason_string (worker->disconnect_reason));
  else
    why = describe_failure (worker, rc, saved_errno);

  if (was_ready) {
    GError *error = g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "%s", why);

    worker->attempts = 0;
    post_new_event (worker, EVENT_LOST, error);
    worker_schedule_attempt (worker, MAX (worker->interval, 1000));
  } else if (worker->ever_ready) {
    GST_DEBUG ("reconnection to %s failed: %s", worker->uri, why);
    worker_schedule_attempt (worker, MAX (worker->interval, 1000));
  } else if (worker->attempts <= worker->max_retries) {
    GST_INFO ("attempt %u to connect to %s failed: %s; retrying in %u ms",
        worker->attempts, worker->uri, why, worker->interval);
    worker_schedule_attempt (worker, worker->interval);
  } else {
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "could not connect to MQTT broker %s after %u attempt%s: %s",
            worker->uri, worker->attempts, worker->attempts == 1 ? "" : "s",
            why));
  }
  g_free (why);
}

/* After any call into libmosquitto: a closed socket ends the connection,
 * otherwise what it wants to write is watched for. */
static void
worker_after_call (Worker * worker, gint rc, gint saved_errno)
{
  if (!worker->connected)
    return;
  if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket (worker->mosq) !=
      worker->socket_fd) {
    worker_connection_ended (worker, rc, saved_errno);
    return;
  }
  worker_update_watch (worker);
}

static gboolean
on_socket (gpointer user_data)
{
  Worker *worker = user_data;
  GIOCondition revents;
  gint rc = MOSQ_ERR_SUCCESS;
  gint saved_errno = 0;

  revents = g_source_query_unix_fd (worker->socket_source, worker->socket_tag);
  if (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
    errno = 0;
    rc = mosquitto_loop_read (worker->mosq, 1);
    saved_errno = errno;
  }
  if (rc == MOSQ_ERR_SUCCESS && (revents & G_IO_OUT) &&
      mosquitto_socket (worker->mosq) == worker->socket_fd) {
    errno = 0;
    rc = mosquitto_loop_write (worker->mosq, 1);
    saved_errno = errno;
  }
  worker_after_call (worker, rc, saved_errno);
  worker_check_flushed (worker);
  return G_SOURCE_CONTINUE;
}

static gboolean
socket_source_dispatch (GSource * source, GSourceFunc callback,
    gpointer user_data)
{
  return callback (user_data);
}

/* GLib dispatches a source with a unix fd and no prepare or check when the
 * fd is ready */
static GSourceFuncs socket_source_funcs = { NULL, NULL,
  socket_source_dispatch, NULL, NULL, NULL
};

/* One connection attempt: name lookup and the TCP (and TLS) connect in
 * this thread; the CONNACK is waited for by the socket source. */
static gboolean
attempt_cb (gpointer user_data)
{
  Worker *worker = user_data;
  gint rc, saved_errno;

  g_clear_pointer (&worker->retry, g_source_unref);
  if (worker->stopping || worker->failed)
    return G_SOURCE_REMOVE;

  worker->attempts++;
  worker->disconnect_reason = -1;
  g_clear_pointer (&worker->tls_error, g_free);
  GST_DEBUG ("connecting to %s as '%s', attempt %u", worker->uri,
      worker->client_id, worker->attempts);

  errno = 0;
  rc = mosquitto_connect_async (worker->mosq, worker->host, worker->port,
      worker->keepalive);
  saved_errno = errno;
  if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket (worker->mosq) < 0) {
    worker->connected = FALSE;
    worker_connection_ended (worker, rc == MOSQ_ERR_SUCCESS ?
        MOSQ_ERR_NO_CONN : rc, saved_errno);
    return G_SOURCE_REMOVE;
  }

  worker->connected = TRUE;
  worker->socket_fd = mosquitto_socket (worker->mosq);
  worker->connect_deadline = g_get_monotonic_time () +
      CONNECT_TIMEOUT_S * G_TIME_SPAN_SECOND;
  worker->socket_source = g_source_new (&socket_source_funcs, sizeof (GSource));
  g_source_set_name (worker->socket_source, "GstIceMqttSignaller socket");
  g_source_set_callback (worker->socket_source, on_socket, worker, NULL);
  worker->socket_tag = g_source_add_unix_fd (worker->socket_source,
      worker->socket_fd, G_IO_IN);
  g_source_attach (worker->socket_source, worker->worker_context);
  worker_update_watch (worker);
  return G_SOURCE_REMOVE;
}

static void
worker_schedule_attempt (Worker * worker, guint delay_ms)
{
  g_assert (worker->retry == NULL);

  worker->retry = delay_ms == 0 ? g_idle_source_new () :
      g_timeout_source_new (delay_ms);
  g_source_set_callback (worker->retry, attempt_cb, worker, NULL);
  g_source_attach (worker->retry, worker->worker_context);
}

static void
worker_publish (Worker * worker, const gchar * topic, const gchar * payload,
    gboolean retain, gint * mid)
{
  gsize length = payload ? strlen (payload) : 0;
  gint rc;

  rc = mosquitto_publish (worker->mosq, mid, topic, (gint) length, payload,
      QOS, retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    GST_WARNING ("could not publish on %s: %s", topic, mosquitto_strerror (rc));
    return;
  }
  worker->outstanding++;
  GST_LOG ("published %" G_GSIZE_FORMAT " bytes on %s", length, topic);
  worker_after_call (worker, MOSQ_ERR_SUCCESS, 0);
}

/* Every second: the connect timeout, then keep-alive pings; the stop
 * deadline. */
static gboolean
tick_cb (gpointer user_data)
{
  Worker *worker = user_data;
  gint64 now = g_get_monotonic_time ();

  if (worker->connected && !worker->ready && !worker->stopping &&
      now > worker->connect_deadline) {
    mosquitto_disconnect (worker->mosq);
    worker_connection_ended (worker, MOSQ_ERR_TIMEOUT, 0);
  } else if (worker->connected && worker->ready) {
    /* not before the CONNACK: libmosquitto would give up after keepalive
     * seconds with MOSQ_ERR_KEEPALIVE, and the error would blame the
     * keep-alive instead of the connection attempt */
    gint rc = mosquitto_loop_misc (worker->mosq);

    worker_after_call (worker, rc, errno);
  }
  if (worker->stopping && now > worker->stop_deadline)
    worker->done = TRUE;
  return G_SOURCE_CONTINUE;
}

static void
worker_flush_waiting (Worker * worker)
{
  Job *job;

  while (worker->ready && (job = g_queue_pop_head (&worker->waiting))) {
    worker_publish (worker, job->topic, job->payload, FALSE, NULL);
    job_free (job);
  }
}

/* Stopping: once every message is acknowledged, disconnect cleanly. */
static void
worker_check_flushed (Worker * worker)
{
  if (!worker->stopping || worker->done || worker->disconnecting)
    return;
  if (!worker->ready) {
    worker->done = TRUE;
    return;
  }
  if (worker->outstanding > 0)
    return;
  GST_DEBUG ("every message acknowledged, disconnecting from %s", worker->uri);
  worker->disconnecting = TRUE;
  mosquitto_disconnect (worker->mosq);
  worker_after_call (worker, MOSQ_ERR_SUCCESS, 0);
}

static void
worker_start_stopping (Worker * worker)
{
  worker->stopping = TRUE;
  worker->stop_deadline = g_get_monotonic_time () +
      FLUSH_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  /* no will: gone on purpose, and said so */
  if (worker->ready && worker->presence_topic != NULL)
    worker_publish (worker, worker->presence_topic, NULL, TRUE, NULL);
  worker_check_flushed (worker);
}

static gboolean
jobs_cb (gpointer user_data)
{
  Worker *worker = user_data;
  Job *job;

  for (;;) {
    g_mutex_lock (&worker->lock);
    job = g_queue_pop_head (&worker->jobs);
    if (job == NULL)
      worker->jobs_pending = FALSE;
    g_mutex_unlock (&worker->lock);
    if (job == NULL)
      break;

    if (job->type == JOB_STOP) {
      job_free (job);
      worker_start_stopping (worker);
    } else if (worker->stopping || worker->failed) {
      job_free (job);
    } else if (!worker->ready || !g_queue_is_empty (&worker->waiting)) {
      g_queue_push_tail (&worker->waiting, job);
    } else {
      worker_publish (worker, job->topic, job->payload, FALSE, NULL);
      job_free (job);
    }
  }
  return G_SOURCE_REMOVE;
}

/* From the signaller's context: hands the worker a job (taking it). */
static void
push_job (Worker * worker, Job * job)
{
  GSource *source = NULL;

  g_mutex_lock (&worker->lock);
  g_queue_push_tail (&worker->jobs, job);
  if (!worker->jobs_pending) {
    worker->jobs_pending = TRUE;
    source = g_idle_source_new ();
    g_source_set_name (source, "GstIceMqttSignaller jobs");
    g_source_set_callback (source, jobs_cb, worker, NULL);
    g_source_attach (source, worker->worker_context);
  }
  g_mutex_unlock (&worker->lock);
  if (source != NULL)
    g_source_unref (source);
}

/* libmosquitto's callbacks, in the worker thread */

static void
on_connect (struct mosquitto *mosq, void *user_data, int rc, int flags,
    const mosquitto_property * properties)
{
  Worker *worker = user_data;
  gint n = g_strv_length (worker->subscriptions);

  if (rc != 0)
    goto refused;

  GST_DEBUG ("connected to %s, subscribing", worker->uri);
  rc = mosquitto_subscribe_multiple (mosq, &worker->subscribe_mid, n,
      worker->subscriptions, QOS, 0, NULL);
  if (rc != MOSQ_ERR_SUCCESS)
    GST_WARNING ("could not subscribe: %s", mosquitto_strerror (rc));
  return;

  /* ERRORS */
refused:
  {
    /* a broker that is busy or restarting may take us later */
    if (rc == MQTT_RC_SERVER_UNAVAILABLE || rc == MQTT_RC_SERVER_BUSY ||
        rc == MQTT_RC_USE_ANOTHER_SERVER || rc == MQTT_RC_SERVER_MOVED ||
        rc == MQTT_RC_CONNECTION_RATE_EXCEEDED
        || rc == MQTT_RC_QUOTA_EXCEEDED) {
      worker->disconnect_reason = rc;
      return;
    }
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "MQTT broker %s refused the connection: %s%s", worker->uri,
            mosquitto_reason_string (rc),
            rc == MQTT_RC_BAD_USERNAME_OR_PASSWORD || rc ==
            MQTT_RC_NOT_AUTHORIZED ? "; set signaller::user and "
            "signaller::password (or " PASSWORD_ENV ") to an account of the "
            "broker" : rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION ?
            "; the MQTT signaller needs a broker that speaks MQTT 5" : ""));
    return;
  }
}

static void
on_subscribe (struct mosquitto *mosq, void *user_data, int mid,
    int qos_count, const int *granted_qos)
{
  Worker *worker = user_data;
  gint i;

  if (mid != worker->subscribe_mid)
    return;
  for (i = 0; i < qos_count; i++) {
    if (granted_qos[i] >= 0x80)
      goto refused;
  }

  GST_DEBUG ("subscribed at %s", worker->uri);
  worker->ready = TRUE;
  if (worker->presence_topic != NULL)
    worker_publish (worker, worker->presence_topic, worker->presence, TRUE,
        &worker->presence_mid);
  {
    Event *event = g_new0 (Event, 1);

    event->type = EVENT_READY;
    event->again = worker->ever_ready;
    post_event (worker, event);
  }
  worker->ever_ready = TRUE;
  worker->attempts = 0;
  worker_flush_waiting (worker);
  return;

  /* ERRORS */
refused:
  {
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "MQTT broker %s refused the subscription to '%s': %s; its ACL "
            "must let user '%s' read it (see docs/mqtt-signalling.md)",
            worker->uri, worker->subscriptions[MIN (i, g_strv_length
                    (worker->subscriptions) - 1)],
            mosquitto_reason_string (granted_qos[i]),
            worker->user ? worker->user : "(anonymous)"));
    return;
  }
}

static void
on_publish (struct mosquitto *mosq, void *user_data, int mid, int reason,
    const mosquitto_property * properties)
{
  Worker *worker = user_data;

  if (worker->outstanding > 0)
    worker->outstanding--;
  if (reason >= 0x80 && mid == worker->presence_mid && !worker->stopping)
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "MQTT broker %s refused the presence of '%s' on '%s': %s; its "
            "ACL must let user '%s' write it (see docs/mqtt-signalling.md)",
            worker->uri, worker->client_id, worker->presence_topic,
            mosquitto_reason_string (reason),
            worker->user ? worker->user : "(anonymous)"));
  else if (reason >= 0x80)
    GST_WARNING ("MQTT broker %s refused message %d: %s", worker->uri, mid,
        mosquitto_reason_string (reason));
  worker_check_flushed (worker);
}

static void
on_message (struct mosquitto *mosq, void *user_data,
    const struct mosquitto_message *message,
    const mosquitto_property * properties)
{
  Worker *worker = user_data;
  Event *event;

  if (worker->stopping)
    return;
  event = g_new0 (Event, 1);
  event->type = EVENT_MESSAGE;
  event->topic = g_strdup (message->topic);
  /* an empty message (a cleared presence) has no payload at all */
  event->payload = message->payloadlen > 0 ?
      g_strndup (message->payload, message->payloadlen) : g_strdup ("");
  post_event (worker, event);
}

static void
on_disconnect (struct mosquitto *mosq, void *user_data, int rc,
    const mosquitto_property * properties)
{
  Worker *worker = user_data;

  /* a DISCONNECT from the broker (MQTT 5) says why, with a reason code
   * of 0x80 or more; below are libmosquitto's own MOSQ_ERR_* */
  if (rc >= 0x80 && rc <= 0xff && worker->disconnect_reason < 0)
    worker->disconnect_reason = rc;
  if (worker->disconnecting)
    worker->done = TRUE;
}

static void
on_log (struct mosquitto *mosq, void *user_data, int level, const char *str)
{
  Worker *worker = user_data;

  if (level == MOSQ_LOG_ERR && g_str_has_prefix (str, "OpenSSL Error") &&
      worker->tls_error == NULL) {
    const gchar *text = strstr (str, "]: ");

    worker->tls_error = g_strdup (text ? text + 3 : str);
  }
  GST_LOG ("libmosquitto: %s", str);
}

static gboolean
worker_setup (Worker * worker)
{
  struct mosquitto *mosq;
  gint rc;

  mosq = mosquitto_new (worker->client_id, TRUE, worker);
  if (mosq == NULL)
    goto no_client;
  worker->mosq = mosq;
  mosquitto_int_option (mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_connect_v5_callback_set (mosq, on_connect);
  mosquitto_subscribe_callback_set (mosq, on_subscribe);
  mosquitto_publish_v5_callback_set (mosq, on_publish);
  mosquitto_message_v5_callback_set (mosq, on_message);
  mosquitto_disconnect_v5_callback_set (mosq, on_disconnect);
  mosquitto_log_callback_set (mosq, on_log);

  if (worker->user != NULL) {
    rc = mosquitto_username_pw_set (mosq, worker->user, worker->password);
    if (rc != MOSQ_ERR_SUCCESS)
      goto bad_setting;
  }
  if (worker->tls) {
    if (worker->ca_file != NULL)
      rc = mosquitto_tls_set (mosq, worker->ca_file, NULL, NULL, NULL, NULL);
    else
      rc = mosquitto_int_option (mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (rc != MOSQ_ERR_SUCCESS)
      goto bad_setting;
  }
  /* consumers hear a producer whose connection dies */
  if (worker->presence_topic != NULL) {
    rc = mosquitto_will_set (mosq, worker->presence_topic, 0, NULL, QOS, TRUE);
    if (rc != MOSQ_ERR_SUCCESS)
      goto bad_setting;
  }
  return TRUE;

  /* ERRORS */
no_client:
  {
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "could not make an MQTT client with id '%s': %s",
            worker->client_id, g_strerror (errno)));
    return FALSE;
  }
bad_setting:
  {
    worker_fail (worker, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "could not set up the MQTT client for %s: %s", worker->uri,
            mosquitto_strerror (rc)));
    return FALSE;
  }
}

/* No more events: the context is let go (a pending wake-up holds the
 * worker, so the worker must not hold the context), and stop() is told. */
static void
worker_finish (Worker * worker)
{
  g_mutex_lock (&worker->lock);
  worker->finished = TRUE;
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_cond_broadcast (&worker->cond);
  g_mutex_unlock (&worker->lock);
}

static gpointer
worker_thread_func (gpointer user_data)
{
  Worker *worker = user_data;

  g_main_context_push_thread_default (worker->worker_context);
  worker->tick = g_timeout_source_new_seconds (1);
  g_source_set_callback (worker->tick, tick_cb, worker, NULL);
  g_source_attach (worker->tick, worker->worker_context);
  if (worker_setup (worker))
    worker_schedule_attempt (worker, 0);

  while (!worker->done)
    g_main_context_iteration (worker->worker_context, TRUE);

  worker_drop_socket (worker);
  if (worker->retry != NULL) {
    g_source_destroy (worker->retry);
    g_clear_pointer (&worker->retry, g_source_unref);
  }
  g_source_destroy (worker->tick);
  g_clear_pointer (&worker->tick, g_source_unref);
  if (worker->mosq != NULL)
    mosquitto_destroy (worker->mosq);
  worker->mosq = NULL;
  /* the jobs source, if any: it holds no reference */
  while (g_main_context_iteration (worker->worker_context, FALSE));
  g_main_context_pop_thread_default (worker->worker_context);

  worker_finish (worker);
  worker_unref (worker);
  return NULL;
}

/* --- the signaller, in its context --------------------------------------- */

static void
session_free (Session * session)
{
  if (session->timeout != NULL) {
    g_source_destroy (session->timeout);
    g_source_unref (session->timeout);
  }
  g_free (session->id);
  g_free (session->producer_id);
  g_free (session->consumer_id);
  g_free (session->out_topic);
  g_free (session);
}

static gchar *
session_topic (GstIceMqttSignaller * self, const gchar * producer_id,
    const gchar * consumer_id, const gchar * session_id, gboolean to_producer)
{
  return g_strdup_printf ("%s/sessions/%s/%s/%s/%s", self->prefix,
      producer_id, consumer_id, session_id,
      to_producer ? "from-consumer" : "from-producer");
}

static Session *
session_new (GstIceMqttSignaller * self, const gchar * id,
    const gchar * producer_id, const gchar * consumer_id)
{
  Session *session = g_new0 (Session, 1);

  session->id = g_strdup (id);
  session->producer_id = g_strdup (producer_id);
  session->consumer_id = g_strdup (consumer_id);
  session->out_topic = session_topic (self, producer_id, consumer_id, id,
      self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER);
  session->owner = self;
  g_hash_table_insert (self->sessions, session->id, session);
  return session;
}

static void
publish (GstIceMqttSignaller * self, const gchar * topic, gchar * payload)
{
  Job *job = g_new0 (Job, 1);

  job->type = JOB_PUBLISH;
  job->topic = g_strdup (topic);
  job->payload = payload;
  push_job (self->worker, job);
}

static void
emit_ended (GstIceMqttSignaller * self, const gchar * session_id,
    const gchar * reason, const gchar * message)
{
  if (gst_ice_signalling_reason_is_valid (reason)) {
    gst_ice_signaller_emit_session_ended_with_reason (GST_ICE_SIGNALLER (self),
        session_id, reason, message);
    /* a handler may have stopped us */
    if (!self->started)
      return;
  }
  gst_ice_signaller_emit_session_ended (GST_ICE_SIGNALLER (self), session_id);
}

/* Consumer: @producer_id left (or restarted): its sessions end first. */
static void
producer_gone (GstIceMqttSignaller * self, const gchar * producer_id)
{
  GHashTableIter iter;
  Session *session;
  GPtrArray *ended = g_ptr_array_new_with_free_func (g_free);
  gchar *id = g_strdup (producer_id);
  guint i;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)) {
    if (g_strcmp0 (session->producer_id, producer_id) == 0) {
      g_ptr_array_add (ended, g_strdup (session->id));
      g_hash_table_iter_remove (&iter);
    }
  }
  g_hash_table_remove (self->producers, id);
  for (i = 0; i < ended->len && self->started; i++)
    gst_ice_signaller_emit_session_ended (GST_ICE_SIGNALLER (self),
        g_ptr_array_index (ended, i));
  if (self->started)
    gst_ice_signaller_emit_producer_removed (GST_ICE_SIGNALLER (self), id);
  g_ptr_array_unref (ended);
  g_free (id);
}

static void
handle_presence (GstIceMqttSignaller * self, const gchar * producer_id,
    const gchar * payload)
{
  JsonObject *message = NULL;
  const gchar *instance = NULL, *known;
  GBytes *bytes;

  if (self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER)
    return;

  if (payload[0] != '\0') {
    bytes = g_bytes_new_static (payload, strlen (payload));
    message = gst_ice_signalling_message_parse (bytes, NULL);
    g_bytes_unref (bytes);
    if (message != NULL)
      instance = gst_ice_signalling_message_get_string (message, "instance");
    if (instance == NULL) {
      GST_WARNING_OBJECT (self, "ignoring presence of '%s' without an "
          "instance", producer_id);
      g_clear_pointer (&message, json_object_unref);
      return;
    }
  }

  known = g_hash_table_lookup (self->producers, producer_id);
  if (known != NULL && g_strcmp0 (known, instance) == 0) {
    /* published again after a reconnection: nothing changed */
    GST_DEBUG_OBJECT (self, "producer '%s' is still there", producer_id);
  } else {
    if (known != NULL) {
      GST_INFO_OBJECT (self, "producer '%s' %s", producer_id,
          instance ? "restarted" : "left");
      producer_gone (self, producer_id);
    }
    if (instance != NULL && self->started) {
      GST_INFO_OBJECT (self, "producer '%s' is there", producer_id);
      g_hash_table_insert (self->producers, g_strdup (producer_id),
          g_strdup (instance));
      gst_ice_signaller_emit_producer_added (GST_ICE_SIGNALLER (self),
          producer_id);
    }
  }
  g_clear_pointer (&message, json_object_unref);
}

/* A message of a session: the topic says who sent it, which the broker's
 * ACL can vouch for; the payload cannot. */
static void
handle_session_message (GstIceMqttSignaller * self, const gchar * producer_id,
    const gchar * consumer_id, const gchar * session_id, const gchar * payload)
{
  GstIceSignaller *signaller = GST_ICE_SIGNALLER (self);
  gboolean producer = self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;
  JsonObject *message;
  const gchar *type;
  Session *session;
  GBytes *bytes;
  GError *error = NULL;

  bytes = g_bytes_new_static (payload, strlen (payload));
  message = gst_ice_signalling_message_parse (bytes, &error);
  g_bytes_unref (bytes);
  if (message == NULL)
    goto malformed;
  type = gst_ice_signalling_message_get_string (message, "type");
  if (type == NULL)
    goto malformed;

  session = g_hash_table_lookup (self->sessions, session_id);
  if (session != NULL && (g_strcmp0 (session->producer_id, producer_id) != 0
          || g_strcmp0 (session->consumer_id, consumer_id) != 0))
    goto not_ours;

  if (g_str_equal (type, "startSession") && producer) {
    gchar *ack;

    if (session != NULL)
      goto done;                /* sent again over a new connection */
    session = session_new (self, session_id, producer_id, consumer_id);
    ack = gst_ice_signalling_message_build ("sessionStarted", NULL);
    publish (self, session->out_topic, ack);
    GST_INFO_OBJECT (self, "consumer '%s' asks for session %s", consumer_id,
        session_id);
    gst_ice_signaller_emit_session_requested (signaller, session_id,
        consumer_id);
  } else if (session == NULL) {
    GST_DEBUG_OBJECT (self, "dropping %s of unknown session %s", type,
        session_id);
  } else if (g_str_equal (type, "sessionStarted") && !producer) {
    if (session->started)
      goto done;
    session->started = TRUE;
    if (session->timeout != NULL) {
      g_source_destroy (session->timeout);
      g_clear_pointer (&session->timeout, g_source_unref);
    }
    gst_ice_signaller_emit_session_started (signaller, session_id, producer_id);
  } else if (g_str_equal (type, "peer") && (producer || session->started)) {
    const gchar *description =
        gst_ice_signalling_message_get_string (message, "description");
    const gchar *candidate =
        gst_ice_signalling_message_get_string (message, "candidate");

    if (description != NULL)
      gst_ice_signaller_emit_session_description (signaller, session_id,
          description);
    else if (candidate != NULL)
      gst_ice_signaller_emit_session_candidate (signaller, session_id,
          candidate);
    else
      goto malformed;
  } else if (g_str_equal (type, "endSession")) {
    gchar *reason = g_strdup (gst_ice_signalling_message_get_string (message,
            "reason"));
    gchar *text = g_strdup (gst_ice_signalling_message_get_string (message,
            "message"));
    gchar *id = g_strdup (session_id);

    g_hash_table_remove (self->sessions, id);
    emit_ended (self, id, reason, text);
    g_free (reason);
    g_free (text);
    g_free (id);
  } else {
    GST_WARNING_OBJECT (self, "ignoring %.64s message of session %s", type,
        session_id);
  }

done:
  json_object_unref (message);
  return;

  /* ERRORS */
malformed:
  {
    GST_WARNING_OBJECT (self, "ignoring malformed message of session %s: %s",
        session_id, error ? error->message : "no type or no content");
    g_clear_error (&error);
    g_clear_pointer (&message, json_object_unref);
    return;
  }
not_ours:
  {
    GST_WARNING_OBJECT (self, "ignoring message for session %s from "
        "another peer", session_id);
    json_object_unref (message);
    return;
  }
}

static void
handle_message (GstIceMqttSignaller * self, const gchar * topic,
    const gchar * payload)
{
  gsize prefix_length = strlen (self->prefix);
  gchar **levels;
  guint n;

  if (!g_str_has_prefix (topic, self->prefix) || topic[prefix_length] != '/')
    goto unexpected;
  levels = g_strsplit (topic + prefix_length + 1, "/", 0);
  n = g_strv_length (levels);

  if (n == 2 && g_str_equal (levels[0], "producers")) {
    handle_presence (self, levels[1], payload);
  } else if (n == 5 && g_str_equal (levels[0], "sessions") &&
      g_str_equal (levels[4], self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ?
          "from-consumer" : "from-producer") &&
      g_str_equal (self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? levels[1] :
          levels[2], self->peer_id)) {
    handle_session_message (self, levels[1], levels[2], levels[3], payload);
  } else {
    g_strfreev (levels);
    goto unexpected;
  }
  g_strfreev (levels);
  return;

  /* ERRORS */
unexpected:
  {
    GST_WARNING_OBJECT (self, "ignoring message on unexpected topic '%.256s'",
        topic);
    return;
  }
}

/* Emits what the worker queued.  A handler may call stop() or
 * end_session(): the state is checked again before each event. */
static void
dispatch_events (GstIceMqttSignaller * self)
{
  Event *event;

  g_object_ref (self);
  while (self->started && (event = pop_event (self->worker)) != NULL) {
    switch (event->type) {
      case EVENT_READY:
        if (event->again)
          GST_WARNING_OBJECT (self, "reconnected to MQTT broker %s",
              self->worker->uri);
        else
          GST_INFO_OBJECT (self, "connected to MQTT broker %s as '%s'",
              self->worker->uri, self->peer_id);
        break;
      case EVENT_LOST:
        GST_WARNING_OBJECT (self, "lost the connection to MQTT broker %s: "
            "%s; reconnecting every %u ms", self->worker->uri,
            event->error->message, MAX (self->worker->interval, 1000));
        break;
      case EVENT_FAILED:
        GST_WARNING_OBJECT (self, "%s", event->error->message);
        gst_ice_signaller_emit_error (GST_ICE_SIGNALLER (self), event->error);
        break;
      case EVENT_MESSAGE:
        handle_message (self, event->topic, event->payload);
        break;
      case EVENT_PRODUCER_UNKNOWN:
        gst_ice_signaller_emit_producer_removed (GST_ICE_SIGNALLER (self),
            event->topic);
        break;
    }
    event_free (event);
  }
  g_object_unref (self);
}

static gboolean
gst_ice_mqtt_signaller_prepare (GstIceSignaller * signaller, GError ** error)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (signaller);
  gchar *uri, *prefix, *ca_file, *host = NULL;
  gboolean tls, ret = FALSE;
  guint port;

  g_mutex_lock (&self->lock);
  uri = g_strdup (self->uri);
  prefix = g_strdup (self->topic_prefix);
  ca_file = g_strdup (self->tls_ca_file);
  g_mutex_unlock (&self->lock);

  if (!parse_uri (uri, &host, &port, &tls, error))
    goto done;
  if (!is_valid_prefix (prefix))
    goto bad_prefix;
  if (ca_file != NULL && !g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
    goto bad_ca_file;
  if (ca_file != NULL && access (ca_file, R_OK) != 0)
    goto bad_ca_file;
  ret = TRUE;

done:
  g_free (uri);
  g_free (prefix);
  g_free (ca_file);
  g_free (host);
  return ret;

  /* ERRORS */
bad_prefix:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "signaller topic-prefix '%s' cannot be used: it must not be empty, "
        "start with '$' or '/', end with '/' or hold '+' or '#'", prefix);
    goto done;
  }
bad_ca_file:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "signaller tls-ca-file '%s' cannot be used: %s", ca_file,
        g_file_test (ca_file, G_FILE_TEST_EXISTS) ?
        "it is not a readable file" : "it does not exist");
    goto done;
  }
}

static Worker *
worker_new (GstIceMqttSignaller * self, GstIceSignallerRole role,
    const gchar * peer_id, GError ** error)
{
  Worker *worker = g_new0 (Worker, 1);
  const gchar *password;
  gchar *prefix;

  worker->ref_count = 1;
  worker->role = role;
  worker->socket_fd = -1;
  worker->disconnect_reason = -1;
  g_mutex_init (&worker->lock);
  g_cond_init (&worker->cond);
  g_queue_init (&worker->jobs);
  g_queue_init (&worker->waiting);
  g_queue_init (&worker->events);
  worker->context = g_main_context_ref_thread_default ();
  worker->worker_context = g_main_context_new ();
  worker->client_id = g_strdup (peer_id);
  worker->owner = self;

  g_mutex_lock (&self->lock);
  worker->uri = g_strdup (self->uri);
  worker->ca_file = g_strdup (self->tls_ca_file);
  worker->user = g_strdup (self->user);
  password = self->password ? self->password : g_getenv (PASSWORD_ENV);
  worker->password = g_strdup (password);
  worker->keepalive = MAX (self->keepalive, MIN_KEEPALIVE);
  worker->max_retries = self->connection_retries;
  worker->interval = self->retry_interval;
  prefix = g_strdup (self->topic_prefix);
  g_mutex_unlock (&self->lock);

  self->prefix = prefix;
  if (!parse_uri (worker->uri, &worker->host, &worker->port, &worker->tls,
          error))
    return worker;
  if (!is_valid_prefix (prefix)) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "signaller topic-prefix '%s' cannot be used", prefix);
    return worker;
  }

  if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    gchar *instance = g_uuid_string_random ();

    worker->subscriptions = g_new0 (gchar *, 2);
    worker->subscriptions[0] = g_strdup_printf ("%s/sessions/%s/+/+/"
        "from-consumer", prefix, peer_id);
    worker->presence_topic = g_strdup_printf ("%s/producers/%s", prefix,
        peer_id);
    worker->presence = gst_ice_signalling_message_build ("producer",
        "peerId", peer_id, "instance", instance, NULL);
    g_free (instance);
  } else {
    worker->subscriptions = g_new0 (gchar *, 3);
    worker->subscriptions[0] = g_strdup_printf ("%s/producers/+", prefix);
    worker->subscriptions[1] = g_strdup_printf ("%s/sessions/+/%s/+/"
        "from-producer", prefix, peer_id);
  }
  return worker;
}

static void
gst_ice_mqtt_signaller_start (GstIceSignaller * signaller,
    GstIceSignallerRole role, const gchar * peer_id)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (signaller);
  GError *error = NULL;

  if (self->started) {
    GST_WARNING_OBJECT (self, "started twice; stopping first");
    gst_ice_mqtt_signaller_stop (signaller);
  }

  GST_DEBUG_OBJECT (self, "starting as %s '%s'",
      role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" : "consumer",
      peer_id);

  self->started = TRUE;
  self->role = role;
  self->peer_id = g_strdup (peer_id);
  self->context = g_main_context_ref_thread_default ();
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) session_free);
  self->producers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  self->worker = worker_new (self, role, peer_id, &error);

  /* reported from the context, after start() returned */
  if (error != NULL)
    goto bad_setting;
  if (!is_valid_peer_id (peer_id))
    goto bad_peer_id;

  self->worker->thread = g_thread_try_new ("icemqtt", worker_thread_func,
      worker_ref (self->worker), &error);
  if (self->worker->thread == NULL)
    goto no_thread;
  return;

  /* ERRORS */
bad_setting:
  {
    post_new_event (self->worker, EVENT_FAILED, error);
    return;
  }
bad_peer_id:
  {
    post_new_event (self->worker, EVENT_FAILED, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SETTINGS, "peer id '%s' cannot be used by the "
            "MQTT signaller: it is a topic level and the MQTT client id, so "
            "it must be 1 to %d bytes of UTF-8 without '/', '+', '#' or "
            "control characters", peer_id, MAX_PEER_ID_LENGTH));
    return;
  }
no_thread:
  {
    worker_unref (self->worker);        /* the thread's reference */
    post_new_event (self->worker, EVENT_FAILED, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING, "could not start the thread of the "
            "MQTT signaller: %s", error->message));
    g_clear_error (&error);
    return;
  }
}

static void
gst_ice_mqtt_signaller_stop (GstIceSignaller * signaller)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (signaller);
  Worker *worker = self->worker;
  GHashTableIter iter;
  Session *session;
  gboolean finished;
  gint64 deadline;

  if (!self->started)
    return;

  GST_DEBUG_OBJECT (self, "stopping");
  self->started = FALSE;

  /* the other side of each session hears of it now, not when ICE fails */
  if (worker->thread != NULL) {
    g_hash_table_iter_init (&iter, self->sessions);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session))
      publish (self, session->out_topic,
          gst_ice_signalling_message_build ("endSession", NULL));
  }
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->producers, g_hash_table_unref);
  g_clear_pointer (&self->peer_id, g_free);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->worker = NULL;
  worker->owner = NULL;

  if (worker->thread == NULL) {
    worker_finish (worker);
    worker_unref (worker);
    return;
  }

  /* The worker publishes what is queued, clears the presence, waits for
   * the broker's acknowledgements and disconnects; a broker that does not
   * answer is not waited for longer than STOP_TIMEOUT_MS. */
  {
    Job *job = g_new0 (Job, 1);

    job->type = JOB_STOP;
    push_job (worker, job);
  }
  deadline = g_get_monotonic_time () +
      STOP_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  g_mutex_lock (&worker->lock);
  while (!worker->finished
      && g_cond_wait_until (&worker->cond, &worker->lock, deadline));
  finished = worker->finished;
  g_mutex_unlock (&worker->lock);

  if (finished) {
    g_thread_join (worker->thread);
  } else {
    GST_WARNING_OBJECT (self, "MQTT broker %s did not answer within %d ms: "
        "not waiting for it any longer", worker->uri, STOP_TIMEOUT_MS);
    g_thread_unref (worker->thread);
  }
  worker->thread = NULL;
  worker_unref (worker);
}

static gboolean
request_timeout_cb (gpointer user_data)
{
  Session *session = user_data;
  GstIceMqttSignaller *self = session->owner;
  gchar *producer_id = g_strdup (session->producer_id);

  GST_WARNING_OBJECT (self, "producer '%s' did not answer the request for "
      "session %s within %d s: taking it as gone", producer_id, session->id,
      REQUEST_TIMEOUT_S);
  g_clear_pointer (&session->timeout, g_source_unref);
  /* a producer that answers late forgets it again */
  publish (self, session->out_topic,
      gst_ice_signalling_message_build ("endSession", NULL));
  g_hash_table_remove (self->sessions, session->id);
  g_hash_table_remove (self->producers, producer_id);
  gst_ice_signaller_emit_producer_removed (GST_ICE_SIGNALLER (self),
      producer_id);
  g_free (producer_id);
  return G_SOURCE_REMOVE;
}

static void
gst_ice_mqtt_signaller_request_session (GstIceSignaller * signaller,
    const gchar * producer_id)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (signaller);
  Session *session;
  gchar *id;

  if (!self->started || self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    GST_WARNING_OBJECT (self, "request_session() needs a started consumer");
    return;
  }
  if (!g_hash_table_contains (self->producers, producer_id)) {
    /* the request crossed its departure: as the WebSocket signaller */
    Event *event = g_new0 (Event, 1);

    GST_INFO_OBJECT (self, "no producer '%s' is there", producer_id);
    event->type = EVENT_PRODUCER_UNKNOWN;
    event->topic = g_strdup (producer_id);
    post_event (self->worker, event);
    return;
  }

  id = g_uuid_string_random ();
  session = session_new (self, id, producer_id, self->peer_id);
  g_free (id);
  session->timeout = g_timeout_source_new_seconds (REQUEST_TIMEOUT_S);
  g_source_set_callback (session->timeout, request_timeout_cb, session, NULL);
  g_source_attach (session->timeout, self->context);
  GST_INFO_OBJECT (self, "asking producer '%s' for session %s", producer_id,
      session->id);
  publish (self, session->out_topic,
      gst_ice_signalling_message_build ("startSession", NULL));
}

static Session *
lookup_session (GstIceMqttSignaller * self, const gchar * session_id,
    const gchar * what)
{
  Session *session;

  if (!self->started) {
    GST_WARNING_OBJECT (self, "not started, dropping %s of session %s", what,
        session_id);
    return NULL;
  }
  session = g_hash_table_lookup (self->sessions, session_id);
  if (session == NULL)
    GST_DEBUG_OBJECT (self, "dropping %s of ended session %s", what,
        session_id);
  return session;
}

/* A description or a candidate line, to the session's peer. */
static void
send_to_peer (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * kind, const gchar * text)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (signaller);
  Session *session = lookup_session (self, session_id, kind);

  if (session != NULL)
    publish (self, session->out_topic,
        gst_ice_signalling_message_build ("peer", kind, text, NULL));
}

static void
gst_ice_mqtt_signaller_send_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description)
{
  send_to_peer (signaller, session_id, "description", description);
}

static void
gst_ice_mqtt_signaller_send_candidate (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * candidate)
{
  send_to_peer (signaller, session_id, "candidate", candidate);
}

static void
gst_ice_mqtt_signaller_end_session_with_reason (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * reason, const gchar * message)
{
  GstIceMqttSignaller *self = GST_ICE_MQTT_SIGNALLER (signaller);
  Session *session = lookup_session (self, session_id, "end");
  gchar *payload;

  if (session == NULL)
    return;
  if (reason == NULL)
    payload = gst_ice_signalling_message_build ("endSession", NULL);
  else if (message == NULL)
    payload = gst_ice_signalling_message_build ("endSession", "reason",
        reason, NULL);
  else
    payload = gst_ice_signalling_message_build ("endSession", "reason",
        reason, "message", message, NULL);
  publish (self, session->out_topic, payload);
  g_hash_table_remove (self->sessions, session_id);
}

static void
gst_ice_mqtt_signaller_end_session (GstIceSignaller * signaller,
    const gchar * session_id)
{
  gst_ice_mqtt_signaller_end_session_with_reason (signaller, session_id, NULL,
      NULL);
}

static void
gst_ice_mqtt_signaller_iface_init (GstIceSignallerInterface * iface)
{
  iface->prepare = gst_ice_mqtt_signaller_prepare;
  iface->start = gst_ice_mqtt_signaller_start;
  iface->stop = gst_ice_mqtt_signaller_stop;
  iface->request_session = gst_ice_mqtt_signaller_request_session;
  iface->send_description = gst_ice_mqtt_signaller_send_description;
  iface->send_candidate = gst_ice_mqtt_signaller_send_candidate;
  iface->end_session = gst_ice_mqtt_signaller_end_session;
  iface->end_session_with_reason =
      gst_ice_mqtt_signaller_end_session_with_reason;
}

/**
 * gst_ice_mqtt_signaller_new:
 * @uri: (nullable): the broker, `mqtt://HOST[:PORT]` or
 *   `mqtts://HOST[:PORT]`, or %NULL for `mqtt://127.0.0.1:1883`
 *
 * Returns: (transfer full): a new #GstIceMqttSignaller
 */
GstIceSignaller *
gst_ice_mqtt_signaller_new (const gchar * uri)
{
  return g_object_new (GST_TYPE_ICE_MQTT_SIGNALLER, "uri", uri, NULL);
}
