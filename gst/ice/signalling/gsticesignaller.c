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
 * SECTION:gsticesignaller
 * @title: GstIceSignaller
 * @short_description: interface for the channel that carries ICE
 *   descriptions and candidates between producers and consumers
 *
 * icesink and icesrc own one object implementing this interface.  They call
 * its methods and listen to its signals; any #GObject type implementing it
 * can be chosen with their `signaller-type` property or set as their
 * `signaller` property.  A producer answers #GstIceSignaller::session-requested
 * by sending its description and candidates; a consumer calls
 * gst_ice_signaller_request_session() for a producer announced by
 * #GstIceSignaller::producer-added, then answers the producer's description.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticesignaller.h>

enum
{
  SIGNAL_SESSION_REQUESTED,
  SIGNAL_SESSION_STARTED,
  SIGNAL_SESSION_DESCRIPTION,
  SIGNAL_SESSION_CANDIDATE,
  SIGNAL_SESSION_ENDED,
  SIGNAL_SESSION_ENDED_WITH_REASON,
  SIGNAL_PRODUCER_ADDED,
  SIGNAL_PRODUCER_REMOVED,
  SIGNAL_ERROR,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

GType
gst_ice_signaller_role_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ICE_SIGNALLER_ROLE_PRODUCER, "Sends a stream", "producer"},
    {GST_ICE_SIGNALLER_ROLE_CONSUMER, "Receives a stream", "consumer"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceSignallerRole", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

G_DEFINE_INTERFACE (GstIceSignaller, gst_ice_signaller, G_TYPE_OBJECT);

static void
gst_ice_signaller_default_init (GstIceSignallerInterface * iface)
{
  /**
   * GstIceSignaller::session-requested:
   * @session_id: the new session
   * @peer_id: the consumer asking for it
   *
   * Producer side: a consumer wants the stream.
   */
  signals[SIGNAL_SESSION_REQUESTED] =
      g_signal_new ("session-requested", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_STRING);

  /**
   * GstIceSignaller::session-started:
   * @session_id: the new session
   * @peer_id: the producer that accepted it
   *
   * Consumer side: the session asked for with request_session() exists; the
   * producer's description follows.
   */
  signals[SIGNAL_SESSION_STARTED] =
      g_signal_new ("session-started", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_STRING);

  /**
   * GstIceSignaller::session-description:
   * @session_id: the session
   * @description: the other peer's description, as text
   */
  signals[SIGNAL_SESSION_DESCRIPTION] =
      g_signal_new ("session-description", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_STRING);

  /**
   * GstIceSignaller::session-candidate:
   * @session_id: the session
   * @candidate: an `a=candidate:` line or `a=end-of-candidates`
   */
  signals[SIGNAL_SESSION_CANDIDATE] =
      g_signal_new ("session-candidate", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_STRING);

  /**
   * GstIceSignaller::session-ended:
   * @session_id: the session the other peer ended or left
   */
  signals[SIGNAL_SESSION_ENDED] =
      g_signal_new ("session-ended", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSignaller::session-ended-with-reason:
   * @session_id: the session the other peer ended
   * @reason: why, as a short code: %GST_ICE_SIGNALLER_REASON_FULL, or
   *   another one a newer peer sends
   * @message: (nullable): the other peer's explanation, for people
   *
   * Emitted right before #GstIceSignaller::session-ended when the other
   * peer gave a reason (gst_ice_signaller_end_session_with_reason()); a
   * handler of session-ended alone still sees every end.
   */
  signals[SIGNAL_SESSION_ENDED_WITH_REASON] =
      g_signal_new ("session-ended-with-reason", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
      G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstIceSignaller::producer-added:
   * @peer_id: a producer that can be asked for a session
   *
   * Consumer side: emitted for each producer present when the consumer
   * registers and for each one that registers later.
   */
  signals[SIGNAL_PRODUCER_ADDED] =
      g_signal_new ("producer-added", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSignaller::producer-removed:
   * @peer_id: a producer that left
   *
   * Consumer side: emitted when a producer announced by
   * #GstIceSignaller::producer-added leaves, after the end of its sessions,
   * and when gst_ice_signaller_request_session() asked for a producer that
   * is not (or no longer) there: the request crossed its departure.
   */
  signals[SIGNAL_PRODUCER_REMOVED] =
      g_signal_new ("producer-removed", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstIceSignaller::error:
   * @error: a %GST_ICE_ERROR saying what failed, naming the server or value
   *
   * Signalling cannot go on; the element turns this into an element error.
   */
  signals[SIGNAL_ERROR] =
      g_signal_new ("error", G_TYPE_FROM_INTERFACE (iface),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

gboolean
gst_ice_signaller_prepare (GstIceSignaller * self, GError ** error)
{
  GstIceSignallerInterface *iface;

  g_return_val_if_fail (GST_IS_ICE_SIGNALLER (self), FALSE);

  iface = GST_ICE_SIGNALLER_GET_IFACE (self);
  if (iface->prepare == NULL)
    return TRUE;
  return iface->prepare (self, error);
}

void
gst_ice_signaller_start (GstIceSignaller * self, GstIceSignallerRole role,
    const gchar * peer_id)
{
  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (peer_id != NULL);
  g_return_if_fail (GST_ICE_SIGNALLER_GET_IFACE (self)->start != NULL);

  GST_ICE_SIGNALLER_GET_IFACE (self)->start (self, role, peer_id);
}

void
gst_ice_signaller_stop (GstIceSignaller * self)
{
  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (GST_ICE_SIGNALLER_GET_IFACE (self)->stop != NULL);

  GST_ICE_SIGNALLER_GET_IFACE (self)->stop (self);
}

void
gst_ice_signaller_request_session (GstIceSignaller * self,
    const gchar * producer_id)
{
  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (producer_id != NULL);
  g_return_if_fail (GST_ICE_SIGNALLER_GET_IFACE (self)->request_session !=
      NULL);

  GST_ICE_SIGNALLER_GET_IFACE (self)->request_session (self, producer_id);
}

void
gst_ice_signaller_send_description (GstIceSignaller * self,
    const gchar * session_id, const gchar * description)
{
  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (description != NULL);
  g_return_if_fail (GST_ICE_SIGNALLER_GET_IFACE (self)->send_description !=
      NULL);

  GST_ICE_SIGNALLER_GET_IFACE (self)->send_description (self, session_id,
      description);
}

void
gst_ice_signaller_send_candidate (GstIceSignaller * self,
    const gchar * session_id, const gchar * candidate)
{
  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (candidate != NULL);
  g_return_if_fail (GST_ICE_SIGNALLER_GET_IFACE (self)->send_candidate != NULL);

  GST_ICE_SIGNALLER_GET_IFACE (self)->send_candidate (self, session_id,
      candidate);
}

void
gst_ice_signaller_end_session (GstIceSignaller * self, const gchar * session_id)
{
  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (GST_ICE_SIGNALLER_GET_IFACE (self)->end_session != NULL);

  GST_ICE_SIGNALLER_GET_IFACE (self)->end_session (self, session_id);
}

/**
 * gst_ice_signaller_can_resend:
 *
 * Returns: whether a session's description sent again (new caps, an ICE
 *   restart) reaches the other peer: %TRUE unless the implementation says
 *   otherwise
 */
gboolean
gst_ice_signaller_can_resend (GstIceSignaller * self)
{
  GstIceSignallerInterface *iface;

  g_return_val_if_fail (GST_IS_ICE_SIGNALLER (self), FALSE);

  iface = GST_ICE_SIGNALLER_GET_IFACE (self);
  return iface->can_resend == NULL || iface->can_resend (self);
}

/**
 * gst_ice_signaller_network_changed:
 * @self: a #GstIceSignaller
 *
 * Tells @self that this host's addresses changed or a session's path
 * broke, before an ICE restart sends its description: a signaller that
 * keeps a connection checks it now.  Does nothing if the implementation
 * has no @network_changed.
 */
void
gst_ice_signaller_network_changed (GstIceSignaller * self)
{
  GstIceSignallerInterface *iface;

  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));

  iface = GST_ICE_SIGNALLER_GET_IFACE (self);
  if (iface->network_changed != NULL)
    iface->network_changed (self);
}

/**
 * gst_ice_signaller_end_session_with_reason:
 * @self: a #GstIceSignaller
 * @session_id: the session to end
 * @reason: a short machine-readable code, e.g.
 *   %GST_ICE_SIGNALLER_REASON_FULL
 * @message: (nullable): an explanation for people
 *
 * Ends @session_id as gst_ice_signaller_end_session() does, and tells the
 * other peer why when the signaller implements
 * #GstIceSignallerInterface.end_session_with_reason; otherwise the other
 * peer only learns that the session ended.
 */
void
gst_ice_signaller_end_session_with_reason (GstIceSignaller * self,
    const gchar * session_id, const gchar * reason, const gchar * message)
{
  GstIceSignallerInterface *iface;

  g_return_if_fail (GST_IS_ICE_SIGNALLER (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (reason != NULL);

  iface = GST_ICE_SIGNALLER_GET_IFACE (self);
  if (iface->end_session_with_reason != NULL)
    iface->end_session_with_reason (self, session_id, reason, message);
  else
    gst_ice_signaller_end_session (self, session_id);
}

void
gst_ice_signaller_emit_session_requested (GstIceSignaller * self,
    const gchar * session_id, const gchar * peer_id)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_REQUESTED], 0, session_id,
      peer_id);
}

void
gst_ice_signaller_emit_session_started (GstIceSignaller * self,
    const gchar * session_id, const gchar * peer_id)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0, session_id, peer_id);
}

void
gst_ice_signaller_emit_session_description (GstIceSignaller * self,
    const gchar * session_id, const gchar * description)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_DESCRIPTION], 0, session_id,
      description);
}

void
gst_ice_signaller_emit_session_candidate (GstIceSignaller * self,
    const gchar * session_id, const gchar * candidate)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_CANDIDATE], 0, session_id,
      candidate);
}

void
gst_ice_signaller_emit_session_ended (GstIceSignaller * self,
    const gchar * session_id)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, session_id);
}

/**
 * gst_ice_signaller_emit_session_ended_with_reason:
 *
 * Emits #GstIceSignaller::session-ended-with-reason.  The implementation
 * then emits #GstIceSignaller::session-ended for the same session, unless
 * a handler stopped it.
 */
void
gst_ice_signaller_emit_session_ended_with_reason (GstIceSignaller * self,
    const gchar * session_id, const gchar * reason, const gchar * message)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED_WITH_REASON], 0,
      session_id, reason, message);
}

void
gst_ice_signaller_emit_producer_added (GstIceSignaller * self,
    const gchar * peer_id)
{
  g_signal_emit (self, signals[SIGNAL_PRODUCER_ADDED], 0, peer_id);
}

void
gst_ice_signaller_emit_producer_removed (GstIceSignaller * self,
    const gchar * peer_id)
{
  g_signal_emit (self, signals[SIGNAL_PRODUCER_REMOVED], 0, peer_id);
}

void
gst_ice_signaller_emit_error (GstIceSignaller * self, const GError * error)
{
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}
