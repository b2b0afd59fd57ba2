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

/* Private to gst-ice: the inside of GstIceTransport, shared by the core
 * (gsticetransport.c) and its two roles, the producer side
 * (gsticeproducer.c: many sessions, fan-out, the embedded server) and the
 * consumer side (gsticeconsumer.c: one producer, reconnection). */

#pragma once

#include <gio/gio.h>
#include <gst/ice/gsticetransport.h>
#include <gst/ice/signalling/gsticesignallingserver.h>
#include <gst/ice/stun/gsticestuncheck.h>
#include <gst/ice/turn/gsticeturncheck.h>

G_BEGIN_DECLS

/* the "icetransport" category, for the core and both roles */
GST_DEBUG_CATEGORY_EXTERN (gst_ice_transport_debug);

/**
 * GstIceTransportRole:
 * @name: "producer" or "consumer", for messages
 * @watches_media: a session whose media stops while its pair is up is
 *   restarted (the consumer: it is the one that receives)
 * @start: the transport thread's context is thread-default and the
 *   signaller not started yet: connect the role's signaller handlers, run
 *   what the role needs; %FALSE (with an element error posted) fails the
 *   start
 * @shut_down: in the transport thread, before the signaller stops
 * @reset: after the transport thread ended: forget the run's state
 * @take_description: the peer's description of one session arrived
 * @session_ended: the signalling ended @session_id; @peer_id is that of
 *   its session, if there was one; @reason and @message say why, when the
 *   other peer said (GST_ICE_SIGNALLER_REASON_FULL)
 * @session_failed: no candidate pair of @session ever worked; the role
 *   tells the user and ends it
 * @session_lost: a pair worked in @session_id, then its peer @peer_id
 *   stopped answering (consent freshness); the session is ended already
 * @session_refused: @session's peer could not be authenticated (@why: no
 *   fingerprint, not a pinned one, a failed DTLS handshake); the role
 *   tells the user and ends it
 * @session_down: @session's path has been down for @seconds despite ICE
 *   restarts, which go on; the role tells the user
 *
 * What differs between icesink's side and icesrc's side of a transport.
 * Everything is called from the transport thread.
 */
typedef struct
{
  const gchar *name;
  gboolean watches_media;
  gboolean (*start) (GstIceTransport * self);
  void (*shut_down) (GstIceTransport * self);
  void (*reset) (GstIceTransport * self);
  void (*take_description) (GstIceTransport * self, const gchar * session_id,
      GstIceDescription * desc);
  void (*session_ended) (GstIceTransport * self, const gchar * session_id,
      const gchar * peer_id, const gchar * reason, const gchar * message);
  void (*session_failed) (GstIceTransport * self, GstIceSession * session);
  void (*session_lost) (GstIceTransport * self, const gchar * session_id,
      const gchar * peer_id);
  void (*session_refused) (GstIceTransport * self, GstIceSession * session,
      const gchar * why);
  void (*session_down) (GstIceTransport * self, GstIceSession * session,
      guint seconds);
} GstIceTransportRole;

extern const GstIceTransportRole gst_ice_producer_role;
extern const GstIceTransportRole gst_ice_consumer_role;

/* transport thread: the producer side */
typedef struct
{
  GstIceSignallingServer *server;       /* the embedded one, if asked for */
  GPtrArray *requests_waiting_for_caps; /* session id, peer id pairs */
} GstIceProducerState;

/* transport thread: the consumer side */
typedef struct
{
  gchar *session_id;            /* the session with the producer */
  gchar *producer_id;           /* whom session_id is with */
  gboolean requested;           /* a session was asked for and not ended */
  GHashTable *listed_producers; /* peer ids announced, not gone */
  gboolean told_full;           /* warned that the producer is full */
} GstIceConsumerState;

struct _GstIceTransport
{
  GstObject parent;

  GstElement *element;          /* not reffed: the element owns us */
  GstIceSignallerRole role_id;
  const GstIceTransportRole *role;
  GstIceTransportCallbacks callbacks;
  GstIceTransportSettings *settings;
  /* producer: set by the element before start (gsticetransportreliable.c) */
  GstIceTransferMode transfer_mode;

  /* under the object lock */
  GstCaps *caps;                /* producer: the stream's caps */
  gchar *active_peer_id;        /* the id registered with, while started */

  /* between start and stop, written before the thread runs */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GstIceTransportConfig config;

  /* transport thread */
  GstIceSignaller *active_signaller;
  GArray *signaller_handlers;   /* gulong */
  /* why the session the next session-ended is about ended, if said */
  gchar *end_session_id;
  gchar *end_reason;
  gchar *end_message;
  guint closing_sessions;
  GPtrArray *timers;            /* GSource: gst_ice_transport_add_timer's */
  /* the sessions of this run whose agent is closing: see
   * gsticetransport.c, which may finish them after stop */
  struct _GstIceTransportClosing *closing;
  gint shutting_down;
  GstIceProducerState producer;
  GstIceConsumerState consumer;
  GSource *stats_report;        /* statistics to the signaller, if it
                                 * takes them */
  /* ICE restarts (gsticetransportrestart.c) */
  GHashTable *watches;          /* session id -> SessionWatch */
  GSource *watchdog;
  GSocket *netlink;             /* this host's address changes */
  GHashTable *host_addresses;   /* the addresses it had when last looked */
  GSource *netlink_source;
  guint network_debounce;
  /* the check of each TURN server at start (gst/ice/turn/): how many are
   * not done, how many work, and what the others said */
  GstIceTurnChecks *turn_checks;
  guint turn_checks_pending;
  guint turn_servers_working;
  GPtrArray *turn_failures;     /* messages */
  /* the check of the STUN server at start (gst/ice/stun/), and what is
   * wrong with the server, for the message of a session that fails */
  GstIceStunCheck *stun_check;
  gchar *stun_problem;

  /* loss recovery (gsticetransportarq.c): the reports' timer (transport
   * thread), whether the element drains at EOS (any thread, atomic), the
   * record of the buffer (or the records of the batch of a buffer list)
   * being sent and the generation of what it holds (streaming thread) */
  GSource *arq_reports;
  gint arq_draining;
  guint8 *arq_scratch;
  gsize arq_scratch_size;
  guint arq_generation;
  guint arq_scratch_filled;

  /* shared with the streaming thread */
  GMutex sessions_lock;
  GHashTable *sessions;         /* session id -> GstIceSession */
  GPtrArray *connected;         /* replaced, never changed, once shared */
};

/* For the roles, all from the transport thread. */
void gst_ice_transport_connect_signaller (GstIceTransport * self,
    const gchar * signal, GCallback handler);
GstIceSession *gst_ice_transport_lookup_session (GstIceTransport * self,
    const gchar * session_id);
GstIceSession *gst_ice_transport_create_session (GstIceTransport * self,
    const gchar * session_id, const gchar * peer_id);
void gst_ice_transport_offer_session (GstIceTransport * self,
    GstIceSession * session, GstCaps * caps);
gboolean gst_ice_transport_accept_description (GstIceTransport * self,
    GstIceSession * session, const GstIceDescription * desc);
void gst_ice_transport_end_session (GstIceTransport * self,
    const gchar * session_id);
void gst_ice_transport_lose_session (GstIceTransport * self,
    GstIceSession * session);
void gst_ice_transport_report_failure (GstIceTransport * self,
    GstIceSession * session, gboolean fatal);
/* a timer's callback: @id is what it was added with */
typedef gboolean (*GstIceTransportTimerFunc) (GstIceTransport * self,
    const gchar * id);
void gst_ice_transport_add_timer (GstIceTransport * self, const gchar * id,
    guint seconds, GstIceTransportTimerFunc func);
gboolean gst_ice_transport_is_shutting_down (GstIceTransport * self);
GPtrArray *gst_ice_transport_dup_sessions (GstIceTransport * self);
void gst_ice_transport_post_session_message (GstIceTransport * self,
    GstIceSession * session, GstStructure * s);

/* ICE restarts, gsticetransportrestart.c */
void gst_ice_transport_watch_start (GstIceTransport * self);
void gst_ice_transport_watch_stop (GstIceTransport * self);
void gst_ice_transport_watch_forget (GstIceTransport * self,
    const gchar * session_id);
void gst_ice_transport_watch_connected (GstIceTransport * self,
    GstIceSession * session);
void gst_ice_transport_restart_session (GstIceTransport * self,
    GstIceSession * session, const gchar * reason);
void gst_ice_transport_peer_restarted (GstIceTransport * self,
    GstIceSession * session);
void gst_ice_transport_restart_all (GstIceTransport * self,
    const gchar * reason);
GstCaps *gst_ice_transport_get_caps (GstIceTransport * self);

/* loss recovery, gsticetransportarq.c */
void gst_ice_transport_arq_negotiate (GstIceTransport * self,
    GstIceSession * session, const GstIceDescription * desc);
void gst_ice_transport_arq_receive (GstIceSession * session,
    const guint8 * data, gsize size, gpointer user_data);
gboolean gst_ice_transport_arq_send (GstIceTransport * self,
    GstIceSession * session, GstBuffer * buffer, const GstMapInfo * map);
guint gst_ice_transport_arq_send_list (GstIceTransport * self,
    GstIceSession * session, GstBuffer * const *buffers,
    const GOutputVector * payloads, guint n);
void gst_ice_transport_arq_forget (GstIceTransport * self,
    GstIceSession * session);
void gst_ice_transport_arq_stop (GstIceTransport * self);
void gst_ice_transport_arq_add_stats (GstIceTransport * self,
    GstIceSession * session, GstStructure * stats);

G_END_DECLS
