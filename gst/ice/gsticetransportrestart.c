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
 * ICE restarts of a GstIceTransport's sessions (RFC 8445 section 9), and
 * what triggers them: a connected pair that fails (consent lost), a
 * consumer whose media stopped coming, a change of this host's addresses
 * (Linux netlink), a restart of the peer (new credentials in its
 * description), or the application (the elements' restart-ice signal).
 *
 * A restart gives the session a new libnice stream (new credentials,
 * candidates gathered on the addresses of now) and sends its description
 * again; the peer restarts its side when it sees new credentials.  The
 * session, its DTLS association and its place among the connected ones
 * stay: the peer did not leave.  Restarts of one session are at least
 * RESTART_INTERVAL_MS apart and repeated while the path stays down, soon
 * at first (a short outage ends quickly), then less often; a consumer
 * warns once when it has been down for OUTAGE_REPORT_S.
 *
 * Everything here runs in the transport thread.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>
#ifdef __linux__
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif

#include <gst/ice/gsticetransportprivate.h>

#define GST_CAT_DEFAULT gst_ice_transport_debug

/* how often the watchdog looks at the sessions */
#define WATCH_INTERVAL_MS 250
/* a consumer that got media and then nothing for this long restarts: a
 * live stream does not pause that long, a broken path does */
#define SILENCE_MS 1500
/* two restarts of one session are at least this far apart */
#define RESTART_INTERVAL_MS 1000
/* a restart that did not connect within this is tried again, and each
 * retry waits twice as long as the one before, up to RESTART_RETRY_MS: a
 * restart begun during an outage does not connect when the path comes
 * back (libnice sends its checks no more, the state stays "connecting"),
 * and a restart connects in tens of ms on a working path */
#define RESTART_RETRY_FIRST_MS 1000
#define RESTART_RETRY_MS 5000
/* the consent bound of RFC 7675: a path down this long is reported */
#define OUTAGE_REPORT_S 30
/* address changes come in bursts */
#define NETWORK_DEBOUNCE_MS 1000

/* what the transport knows of one session's path */
typedef struct
{
  gint64 restart_us;            /* a restart under way began then, or 0 */
  gint64 last_restart_us;       /* the last one began then */
  gchar *reason;                /* why the one under way began */
  guint retries;                /* of the one under way */
  gboolean deferred;            /* a restart waits for the interval */
  GSource *deferred_source;     /* its timer, destroyed with the watch */
  guint64 packets;              /* packets received when last looked */
  gint64 packets_us;            /* when that count last moved */
  gboolean media;               /* media came since the pair connected */
  gboolean outage_reported;
} SessionWatch;

static void
session_watch_free (SessionWatch * watch)
{
  /* a pending deferred restart must never fire after its transport is
   * gone: after a stop, the transport's context may still run in the
   * close thread (gst_ice_transport_stop) */
  if (watch->deferred_source != NULL) {
    g_source_destroy (watch->deferred_source);
    g_source_unref (watch->deferred_source);
  }
  g_free (watch->reason);
  g_free (watch);
}

static SessionWatch *
lookup_watch (GstIceTransport * self, const gchar * session_id)
{
  SessionWatch *watch = g_hash_table_lookup (self->watches, session_id);

  if (watch == NULL) {
    watch = g_new0 (SessionWatch, 1);
    g_hash_table_insert (self->watches, g_strdup (session_id), watch);
  }
  return watch;
}

/* Forgets a session that closed. */
void
gst_ice_transport_watch_forget (GstIceTransport * self,
    const gchar * session_id)
{
  g_hash_table_remove (self->watches, session_id);
}

/* The restart itself, now: new stream, our description again, gather. */
static void
restart_now (GstIceTransport * self, GstIceSession * session,
    SessionWatch * watch, const gchar * reason)
{
  gint64 now = g_get_monotonic_time ();
  GstCaps *caps = gst_ice_transport_get_caps (self);

  GST_INFO_OBJECT (self, "ICE restart of session %s with '%s': %s",
      gst_ice_session_get_id (session), gst_ice_session_get_peer_id (session),
      reason);
  if (watch->restart_us == 0) {
    watch->restart_us = now;
    watch->retries = 0;
    g_free (watch->reason);
    watch->reason = g_strdup (reason);
  }
  watch->last_restart_us = now;
  watch->media = FALSE;
  gst_ice_transport_post_session_message (self, session,
      gst_structure_new ("ice-restart", "reason", G_TYPE_STRING, reason, NULL));

  /* a first restart of our own means our path may have changed: the
   * signalling connection's too, and the description must not go into a
   * dead one (a retry follows a restart that did that already) */
  if (g_strcmp0 (reason, "peer-restarted") != 0 &&
      g_strcmp0 (reason, "retry") != 0)
    gst_ice_signaller_network_changed (self->active_signaller);
  gst_ice_session_restart (session);
  gst_ice_transport_offer_session (self, session, caps);
  gst_clear_caps (&caps);
}

typedef struct
{
  GstIceTransport *transport;
  gchar *session_id;
  gchar *reason;
} DeferredRestart;

static void
deferred_restart_free (DeferredRestart * d)
{
  g_free (d->session_id);
  g_free (d->reason);
  g_free (d);
}

static gboolean
on_deferred_restart (gpointer data)
{
  DeferredRestart *d = data;
  GstIceTransport *self = d->transport;
  GstIceSession *session = gst_ice_transport_lookup_session (self,
      d->session_id);
  /* it fires only while its watch lives: freeing the watch destroys it */
  SessionWatch *watch = lookup_watch (self, d->session_id);

  g_clear_pointer (&watch->deferred_source, g_source_unref);
  watch->deferred = FALSE;
  if (session == NULL || gst_ice_transport_is_shutting_down (self))
    return G_SOURCE_REMOVE;
  restart_now (self, session, watch, d->reason);
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_transport_restart_session:
 * @reason: why, for the ice-restart message: connection-lost,
 *   media-silence, network-changed, retry, requested
 *
 * Restarts @session's ICE now, or once RESTART_INTERVAL_MS passed since
 * its last restart.
 */
void
gst_ice_transport_restart_session (GstIceTransport * self,
    GstIceSession * session, const gchar * reason)
{
  SessionWatch *watch = lookup_watch (self, gst_ice_session_get_id (session));
  gint64 wait_ms = (watch->last_restart_us + RESTART_INTERVAL_MS * 1000 -
      g_get_monotonic_time ()) / 1000;
  DeferredRestart *d;
  GSource *source;

  if (gst_ice_transport_is_shutting_down (self) || watch->deferred)
    return;
  if (!gst_ice_signaller_can_resend (self->active_signaller)) {
    /* the peer would never hear of it: the session is lost */
    gst_ice_transport_lose_session (self, session);
    return;
  }
  if (watch->last_restart_us == 0 || wait_ms <= 0) {
    restart_now (self, session, watch, reason);
    return;
  }

  watch->deferred = TRUE;
  d = g_new0 (DeferredRestart, 1);
  d->transport = self;
  d->session_id = g_strdup (gst_ice_session_get_id (session));
  d->reason = g_strdup (reason);
  source = g_timeout_source_new (wait_ms);
  g_source_set_callback (source, on_deferred_restart, d,
      (GDestroyNotify) deferred_restart_free);
  g_source_attach (source, self->context);
  watch->deferred_source = source;
}

/**
 * gst_ice_transport_peer_restarted:
 *
 * The peer's description carries new credentials: it restarted, and so
 * does this side, at once (whatever the interval: both sides must agree).
 */
void
gst_ice_transport_peer_restarted (GstIceTransport * self,
    GstIceSession * session)
{
  SessionWatch *watch = lookup_watch (self, gst_ice_session_get_id (session));

  restart_now (self, session, watch, "peer-restarted");
}

/**
 * gst_ice_transport_watch_connected:
 *
 * @session has a working pair again: a restart under way ended.
 */
void
gst_ice_transport_watch_connected (GstIceTransport * self,
    GstIceSession * session)
{
  SessionWatch *watch = lookup_watch (self, gst_ice_session_get_id (session));
  gint64 now = g_get_monotonic_time ();

  watch->packets_us = now;
  watch->packets = gst_ice_session_get_packets_received (session);
  if (watch->restart_us == 0)
    return;

  GST_INFO_OBJECT (self, "session %s resumed %" G_GINT64_FORMAT " ms after "
      "its ICE restart (%s)", gst_ice_session_get_id (session),
      (now - watch->restart_us) / 1000, watch->reason);
  gst_ice_transport_post_session_message (self, session,
      gst_structure_new ("ice-restart-done", "reason", G_TYPE_STRING,
          watch->reason, "resume-ms", G_TYPE_UINT64,
          (guint64) (now - watch->restart_us) / 1000, NULL));
  watch->restart_us = 0;
  watch->outage_reported = FALSE;
  if (self->callbacks.peer_resumed)
    self->callbacks.peer_resumed (self->element, session);
}

/* A consumer's media stopped while its pair is up: the path broke in a
 * way ICE has not noticed yet (a NAT rebinding, a router's new address). */
static void
watch_media (GstIceTransport * self, GstIceSession * session,
    SessionWatch * watch, gint64 now)
{
  guint64 packets = gst_ice_session_get_packets_received (session);
  GstIceReliable *reliable = gst_ice_session_get_reliable (session);

  /* a reliable stream that ended has nothing more to bring */
  if (reliable && gst_ice_reliable_has_ended (reliable))
    return;
  if (packets != watch->packets) {
    watch->packets = packets;
    watch->packets_us = now;
    watch->media = TRUE;
  } else if (watch->media && now - watch->packets_us > SILENCE_MS * 1000) {
    watch->media = FALSE;
    gst_ice_transport_restart_session (self, session, "media-silence");
  }
}

/* A restart that has not connected yet: try again (1 s after it began,
 * then 2 s, 4 s, and every 5 s), and tell the user once the path has been
 * down for the consent bound. */
static void
watch_restart (GstIceTransport * self, GstIceSession * session,
    SessionWatch * watch, gint64 now)
{
  guint retry_ms = MIN (RESTART_RETRY_FIRST_MS << MIN (watch->retries, 3),
      RESTART_RETRY_MS);

  if (!watch->outage_reported &&
      now - watch->restart_us > OUTAGE_REPORT_S * G_USEC_PER_SEC) {
    watch->outage_reported = TRUE;
    self->role->session_down (self, session, OUTAGE_REPORT_S);
  }
  if (!watch->deferred && now - watch->last_restart_us > retry_ms * 1000) {
    watch->retries++;
    gst_ice_transport_restart_session (self, session, "retry");
  }
}

static gboolean
on_watchdog (gpointer user_data)
{
  GstIceTransport *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GPtrArray *sessions = gst_ice_transport_dup_sessions (self);
  guint i;

  for (i = 0; i < sessions->len; i++) {
    GstIceSession *session = g_ptr_array_index (sessions, i);
    SessionWatch *watch;

    if (!gst_ice_session_was_connected (session))
      continue;
    watch = lookup_watch (self, gst_ice_session_get_id (session));
    if (watch->restart_us != 0)
      watch_restart (self, session, watch, now);
    else if (self->role->watches_media)
      watch_media (self, session, watch, now);
  }
  g_ptr_array_unref (sessions);
  return G_SOURCE_CONTINUE;
}

/**
 * gst_ice_transport_restart_all:
 *
 * Restarts every session that has had a working pair.
 */
void
gst_ice_transport_restart_all (GstIceTransport * self, const gchar * reason)
{
  GPtrArray *sessions = gst_ice_transport_dup_sessions (self);
  guint i;

  for (i = 0; i < sessions->len; i++) {
    GstIceSession *session = g_ptr_array_index (sessions, i);

    if (gst_ice_session_was_connected (session))
      gst_ice_transport_restart_session (self, session, reason);
  }
  g_ptr_array_unref (sessions);
}

/* --- this host's addresses ------------------------------------------------ */

#ifdef __linux__
/* This host's IPv4 and IPv6 addresses, as text, in a set; %NULL when
 * they cannot be listed. */
static GHashTable *
list_host_addresses (void)
{
  GHashTable *addresses;
  struct ifaddrs *ifaddrs = NULL, *i;

  if (getifaddrs (&ifaddrs) != 0)
    return NULL;
  addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = ifaddrs; i != NULL; i = i->ifa_next) {
    GSocketAddress *address;
    gsize size;

    if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET &&
            i->ifa_addr->sa_family != AF_INET6))
      continue;
    size = i->ifa_addr->sa_family == AF_INET ? sizeof (struct sockaddr_in) :
        sizeof (struct sockaddr_in6);
    address = g_socket_address_new_from_native (i->ifa_addr, size);
    if (address == NULL)
      continue;
    g_hash_table_add (addresses,
        g_inet_address_to_string (g_inet_socket_address_get_address
            (G_INET_SOCKET_ADDRESS (address))));
    g_object_unref (address);
  }
  freeifaddrs (ifaddrs);
  return addresses;
}

/* Whether @a has an address @b has not; the first such in @which. */
static gboolean
has_more (GHashTable * a, GHashTable * b, const gchar ** which)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    if (!g_hash_table_contains (b, key)) {
      *which = key;
      return TRUE;
    }
  }
  return FALSE;
}

/* Restarts the sessions whose restart has not connected yet: a path may
 * have come with a new address. */
static void
retry_restarts_now (GstIceTransport * self)
{
  GPtrArray *sessions = gst_ice_transport_dup_sessions (self);
  guint i;

  for (i = 0; i < sessions->len; i++) {
    GstIceSession *session = g_ptr_array_index (sessions, i);
    SessionWatch *watch = g_hash_table_lookup (self->watches,
        gst_ice_session_get_id (session));

    if (watch != NULL && watch->restart_us != 0)
      gst_ice_transport_restart_session (self, session, "network-changed");
  }
  g_ptr_array_unref (sessions);
}

/* The kernel's burst of address messages is over: an address gone may
 * have taken a session's path with it, and every session restarts.  An
 * address that only came (a second interface, a new IPv6 privacy
 * address) or only changed its flags (IPv6 duplicate address detection
 * done) leaves the working pairs alone: a restart would cut the stream
 * for the time it takes.  It only hurries restarts under way. */
static gboolean
on_network_settled (gpointer user_data)
{
  GstIceTransport *self = user_data;
  GHashTable *now = list_host_addresses ();
  const gchar *which = NULL;

  self->network_debounce = 0;
  if (self->host_addresses == NULL || now == NULL) {
    /* not known what changed: as if an address went away */
    GST_INFO_OBJECT (self, "this host's addresses changed");
    gst_ice_transport_restart_all (self, "network-changed");
  } else if (has_more (self->host_addresses, now, &which)) {
    GST_INFO_OBJECT (self, "this host's address %s went away", which);
    gst_ice_transport_restart_all (self, "network-changed");
  } else if (has_more (now, self->host_addresses, &which)) {
    GST_INFO_OBJECT (self, "this host gained the address %s: working "
        "pairs are kept", which);
    retry_restarts_now (self);
  } else {
    GST_DEBUG_OBJECT (self, "this host's addresses are the same");
  }
  g_clear_pointer (&self->host_addresses, g_hash_table_unref);
  self->host_addresses = now;
  return G_SOURCE_REMOVE;
}

/* The kernel says an address was added or removed: wait for the burst to
 * end, then restart. */
static gboolean
on_netlink (GSocket * socket, GIOCondition condition, gpointer user_data)
{
  GstIceTransport *self = user_data;
  gchar buf[8192];
  GSource *source;

  while (g_socket_receive (socket, buf, sizeof (buf), NULL, NULL) > 0);
  if (self->network_debounce != 0)
    return G_SOURCE_CONTINUE;
  source = g_timeout_source_new (NETWORK_DEBOUNCE_MS);
  g_source_set_callback (source, on_network_settled, self, NULL);
  self->network_debounce = g_source_attach (source, self->context);
  g_source_unref (source);
  return G_SOURCE_CONTINUE;
}

/* A netlink socket that hears of address changes: GNetworkMonitor's
 * default one emits in the context of its first user only, and lives
 * for the whole process. */
static void
watch_addresses (GstIceTransport * self)
{
  struct sockaddr_nl local = { 0, };
  GError *err = NULL;
  int fd;

  self->host_addresses = list_host_addresses ();
  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
      NETLINK_ROUTE);
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (fd < 0 || bind (fd, (struct sockaddr *) &local, sizeof (local)) < 0)
    goto failed;
  self->netlink = g_socket_new_from_fd (fd, &err);
  if (self->netlink == NULL)
    goto failed;
  /* a GSocket waits in g_socket_receive() whatever the fd's O_NONBLOCK */
  g_socket_set_blocking (self->netlink, FALSE);
  self->netlink_source = g_socket_create_source (self->netlink, G_IO_IN, NULL);
  g_source_set_callback (self->netlink_source, (GSourceFunc) on_netlink,
      self, NULL);
  g_source_attach (self->netlink_source, self->context);
  return;

  /* ERRORS */
failed:
  {
    GST_WARNING_OBJECT (self, "cannot watch this host's addresses (%s): an "
        "address change is noticed only when media stops",
        err ? err->message : g_strerror (errno));
    g_clear_error (&err);
    if (fd >= 0 && self->netlink == NULL)
      close (fd);
  }
}
#else
static void
watch_addresses (GstIceTransport * self)
{
  GST_INFO_OBJECT (self, "address changes are noticed only when media "
      "stops on this system");
}
#endif

/**
 * gst_ice_transport_watch_start:
 *
 * In the transport thread, at start: the watchdog and the address watch.
 */
void
gst_ice_transport_watch_start (GstIceTransport * self)
{
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) session_watch_free);
  self->watchdog = g_timeout_source_new (WATCH_INTERVAL_MS);
  g_source_set_callback (self->watchdog, on_watchdog, self, NULL);
  g_source_attach (self->watchdog, self->context);
  watch_addresses (self);
}

/**
 * gst_ice_transport_watch_stop:
 *
 * In the transport thread, at shut down.
 */
void
gst_ice_transport_watch_stop (GstIceTransport * self)
{
  GSource *debounce;

  if (self->watchdog) {
    g_source_destroy (self->watchdog);
    g_clear_pointer (&self->watchdog, g_source_unref);
  }
  if (self->netlink_source) {
    g_source_destroy (self->netlink_source);
    g_clear_pointer (&self->netlink_source, g_source_unref);
  }
  if (self->network_debounce != 0) {
    debounce = g_main_context_find_source_by_id (self->context,
        self->network_debounce);
    if (debounce)
      g_source_destroy (debounce);
    self->network_debounce = 0;
  }
  g_clear_object (&self->netlink);
  g_clear_pointer (&self->host_addresses, g_hash_table_unref);
  g_clear_pointer (&self->watches, g_hash_table_unref);
}
