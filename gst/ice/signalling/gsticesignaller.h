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

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * GstIceSignallerRole:
 * @GST_ICE_SIGNALLER_ROLE_PRODUCER: sends a stream (icesink); answers
 *   session requests from consumers
 * @GST_ICE_SIGNALLER_ROLE_CONSUMER: receives a stream (icesrc); asks a
 *   producer for a session
 */
typedef enum
{
  GST_ICE_SIGNALLER_ROLE_PRODUCER,
  GST_ICE_SIGNALLER_ROLE_CONSUMER,
} GstIceSignallerRole;

/**
 * GST_ICE_SIGNALLER_REASON_FULL:
 *
 * The reason a producer gives for ending a session it will not serve: it
 * serves as many consumers as it accepts (icesink's `max-consumers`).  The
 * consumer may ask again later.
 */
#define GST_ICE_SIGNALLER_REASON_FULL "full"

#define GST_TYPE_ICE_SIGNALLER_ROLE (gst_ice_signaller_role_get_type ())
GType gst_ice_signaller_role_get_type (void);

#define GST_TYPE_ICE_SIGNALLER (gst_ice_signaller_get_type ())
G_DECLARE_INTERFACE (GstIceSignaller, gst_ice_signaller, GST, ICE_SIGNALLER,
    GObject);

/**
 * GstIceSignallerInterface:
 * @prepare: (optional): check the settings before anything starts; called
 *   when the element goes from NULL to READY. Return %FALSE with a
 *   %GST_ICE_ERROR naming the bad value.
 * @start: register as @peer_id with @role and begin signalling.  Failures
 *   (unreachable server, refused registration) are reported with the
 *   #GstIceSignaller::error signal.
 * @stop: leave: end all sessions, close connections, drop every source.
 *   After stop() no signal is emitted any more.  start() may follow again.
 * @request_session: consumer only: ask the producer @producer_id for a
 *   session; answered with #GstIceSignaller::session-started.
 * @send_description: send the local description (a #GstIceDescription as
 *   text) of @session_id to the other peer.
 * @send_candidate: send one trickled `a=candidate:` line, or
 *   `a=end-of-candidates`, of @session_id to the other peer.
 * @end_session: end @session_id; the other peer gets session-ended.
 * @can_resend: (optional): whether a session's description may be sent
 *   again after the first (new caps, an ICE restart) and reach the other
 *   peer.  Not implemented: yes.  A signaller that cannot (one line each
 *   way) gets no ICE restarts: its sessions end when their path breaks.
 * @end_session_with_reason: (optional): end @session_id and tell the
 *   other peer why: @reason, a short machine-readable code such as
 *   %GST_ICE_SIGNALLER_REASON_FULL, and @message, text for people (may be
 *   %NULL).  The other peer's signaller emits
 *   #GstIceSignaller::session-ended-with-reason then session-ended.  A
 *   signaller without it ends the session without a reason
 *   (gst_ice_signaller_end_session_with_reason() falls back to
 *   @end_session).
 * @network_changed: (optional): this host's addresses changed, or the path
 *   of a session broke: a signaller that keeps a connection checks it now
 *   (reconnects) rather than when it times out, so that what is sent next
 *   reaches the other peer.  Called before an ICE restart's description
 *   is sent.
 *
 * A signaller carries session descriptions and candidates between a
 * producer and its consumers.  All methods are called from the thread that
 * runs the GMainContext that was the thread-default one when start() was
 * called; an implementation attaches its sources to that context and emits
 * every signal from it.  Descriptions and candidates of one session must be
 * delivered in the order they were sent.
 */
struct _GstIceSignallerInterface
{
  GTypeInterface parent_iface;

  gboolean (*prepare) (GstIceSignaller * self, GError ** error);
  void (*start) (GstIceSignaller * self, GstIceSignallerRole role,
      const gchar * peer_id);
  void (*stop) (GstIceSignaller * self);
  void (*request_session) (GstIceSignaller * self, const gchar * producer_id);
  void (*send_description) (GstIceSignaller * self, const gchar * session_id,
      const gchar * description);
  void (*send_candidate) (GstIceSignaller * self, const gchar * session_id,
      const gchar * candidate);
  void (*end_session) (GstIceSignaller * self, const gchar * session_id);
  gboolean (*can_resend) (GstIceSignaller * self);
  void (*end_session_with_reason) (GstIceSignaller * self,
      const gchar * session_id, const gchar * reason, const gchar * message);
  void (*network_changed) (GstIceSignaller * self);

  /*< private > */
  gpointer _gst_reserved[5];
};

gboolean gst_ice_signaller_prepare (GstIceSignaller * self, GError ** error);
void gst_ice_signaller_start (GstIceSignaller * self,
    GstIceSignallerRole role, const gchar * peer_id);
void gst_ice_signaller_stop (GstIceSignaller * self);
void gst_ice_signaller_request_session (GstIceSignaller * self,
    const gchar * producer_id);
void gst_ice_signaller_send_description (GstIceSignaller * self,
    const gchar * session_id, const gchar * description);
void gst_ice_signaller_send_candidate (GstIceSignaller * self,
    const gchar * session_id, const gchar * candidate);
void gst_ice_signaller_end_session (GstIceSignaller * self,
    const gchar * session_id);
gboolean gst_ice_signaller_can_resend (GstIceSignaller * self);
void gst_ice_signaller_end_session_with_reason (GstIceSignaller * self,
    const gchar * session_id, const gchar * reason, const gchar * message);
void gst_ice_signaller_network_changed (GstIceSignaller * self);

/* For implementations: emit the interface's signals. */
void gst_ice_signaller_emit_session_requested (GstIceSignaller * self,
    const gchar * session_id, const gchar * peer_id);
void gst_ice_signaller_emit_session_started (GstIceSignaller * self,
    const gchar * session_id, const gchar * peer_id);
void gst_ice_signaller_emit_session_description (GstIceSignaller * self,
    const gchar * session_id, const gchar * description);
void gst_ice_signaller_emit_session_candidate (GstIceSignaller * self,
    const gchar * session_id, const gchar * candidate);
void gst_ice_signaller_emit_session_ended (GstIceSignaller * self,
    const gchar * session_id);
void gst_ice_signaller_emit_session_ended_with_reason (GstIceSignaller *
    self, const gchar * session_id, const gchar * reason,
    const gchar * message);
void gst_ice_signaller_emit_producer_added (GstIceSignaller * self,
    const gchar * peer_id);
void gst_ice_signaller_emit_producer_removed (GstIceSignaller * self,
    const gchar * peer_id);
void gst_ice_signaller_emit_error (GstIceSignaller * self,
    const GError * error);

G_END_DECLS
