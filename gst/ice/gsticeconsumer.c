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
 * The consumer side of a GstIceTransport (icesrc): it asks the producer
 * it wants (or the first one listed) for a session, answers the
 * producer's description, and when that session ends or its path breaks,
 * tells the element and asks again while the producer is still listed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticetransportprivate.h>

#define GST_CAT_DEFAULT gst_ice_transport_debug

/* a consumer whose session ended asks its producer again after this, if
 * the producer is still listed by then */
#define REJOIN_DELAY_S 2
/* and this long when the producer was full */
#define FULL_RETRY_DELAY_S 5

static void
request_session (GstIceTransport * self, const gchar * producer_id)
{
  self->consumer.requested = TRUE;
  g_free (self->consumer.producer_id);
  self->consumer.producer_id = g_strdup (producer_id);
  gst_ice_signaller_request_session (self->active_signaller, producer_id);
}

static void
forget_session (GstIceTransport * self)
{
  g_clear_pointer (&self->consumer.session_id, g_free);
  self->consumer.requested = FALSE;
}

static void
end_current_session (GstIceTransport * self)
{
  gchar *session_id = g_strdup (self->consumer.session_id);

  gst_ice_transport_end_session (self, session_id);
  forget_session (self);
  g_free (session_id);
}

static gboolean
on_rejoin_timeout (GstIceTransport * self, const gchar * peer_id)
{
  if (gst_ice_transport_is_shutting_down (self) || self->consumer.requested ||
      !g_hash_table_contains (self->consumer.listed_producers, peer_id))
    return G_SOURCE_REMOVE;
  GST_INFO_OBJECT (self, "producer '%s' is still there, asking it for a new "
      "session", peer_id);
  request_session (self, peer_id);
  return G_SOURCE_REMOVE;
}

/* Our session with @peer_id ended but the producer may still be there (a
 * network blip ended it): tell the element, and ask again once the
 * signalling had time to say whether it left. */
static void
producer_left (GstIceTransport * self, const gchar * peer_id)
{
  forget_session (self);
  if (self->callbacks.producer_left)
    self->callbacks.producer_left (self->element, peer_id);
  if (peer_id != NULL)
    gst_ice_transport_add_timer (self, peer_id, REJOIN_DELAY_S,
        on_rejoin_timeout);
}

/* --- signaller handlers -------------------------------------------------- */

static void
on_session_started (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * peer_id, GstIceTransport * self)
{
  if (session_id == NULL)
    return;
  GST_INFO_OBJECT (self, "session %s with producer '%s' started", session_id,
      peer_id);
  g_free (self->consumer.session_id);
  self->consumer.session_id = g_strdup (session_id);
  g_free (self->consumer.producer_id);
  self->consumer.producer_id = g_strdup (peer_id);
}

static void
on_producer_added (GstIceSignaller * signaller, const gchar * peer_id,
    GstIceTransport * self)
{
  const gchar *wanted = self->config.producer_peer_id;
  GstIceSession *current;

  if (peer_id == NULL)
    return;

  GST_DEBUG_OBJECT (self, "producer '%s' listed%s", peer_id,
      wanted == NULL || g_strcmp0 (wanted, peer_id) == 0 ? "" :
      ", not the one asked for");
  g_hash_table_add (self->consumer.listed_producers, g_strdup (peer_id));
  if (wanted != NULL && g_strcmp0 (wanted, peer_id) != 0)
    return;

  if (self->consumer.requested) {
    current = self->consumer.session_id ?
        gst_ice_transport_lookup_session (self,
        self->consumer.session_id) : NULL;

    /* Listed again while our session with it lives: it restarted (with
     * its embedded server, or we reconnected to a restarted server), and
     * that session's peer is gone. */
    if (current == NULL ||
        g_strcmp0 (gst_ice_session_get_peer_id (current), peer_id) != 0)
      return;
    GST_INFO_OBJECT (self, "producer '%s' registered again, starting a new "
        "session", peer_id);
    end_current_session (self);
    if (self->callbacks.producer_left)
      self->callbacks.producer_left (self->element, peer_id);
  }

  request_session (self, peer_id);
}

static void
on_producer_removed (GstIceSignaller * signaller, const gchar * peer_id,
    GstIceTransport * self)
{
  if (peer_id == NULL)
    return;
  GST_DEBUG_OBJECT (self, "producer '%s' no longer listed", peer_id);
  g_hash_table_remove (self->consumer.listed_producers, peer_id);

  /* asked for while it left: no session will start, ask again when it
   * is listed again */
  if (self->consumer.requested && self->consumer.session_id == NULL &&
      g_strcmp0 (self->consumer.producer_id, peer_id) == 0) {
    GST_INFO_OBJECT (self, "producer '%s' left before our session started",
        peer_id);
    forget_session (self);
  }
}

/* --- the role ------------------------------------------------------------ */

static gboolean
consumer_start (GstIceTransport * self)
{
  gst_ice_transport_connect_signaller (self, "session-started",
      G_CALLBACK (on_session_started));
  gst_ice_transport_connect_signaller (self, "producer-added",
      G_CALLBACK (on_producer_added));
  gst_ice_transport_connect_signaller (self, "producer-removed",
      G_CALLBACK (on_producer_removed));
  return TRUE;
}

static void
consumer_shut_down (GstIceTransport * self)
{
}

static void
consumer_reset (GstIceTransport * self)
{
  forget_session (self);
  g_clear_pointer (&self->consumer.producer_id, g_free);
  g_hash_table_remove_all (self->consumer.listed_producers);
  self->consumer.told_full = FALSE;
}

/* The producer's description: the caps for the element, then our session
 * and our answer.  A repeated description only updates the caps. */
static void
consumer_take_description (GstIceTransport * self, const gchar * session_id,
    GstIceDescription * desc)
{
  GstIceSession *session;

  if (g_strcmp0 (session_id, self->consumer.session_id) != 0) {
    GST_WARNING_OBJECT (self, "ignoring description of unknown session %s",
        session_id);
    return;
  }
  if (desc->caps && self->callbacks.caps_received)
    self->callbacks.caps_received (self->element, desc->caps);
  session = gst_ice_transport_lookup_session (self, session_id);
  if (session) {
    /* new caps, or the producer's ICE restart */
    gst_ice_transport_accept_description (self, session, desc);
    return;
  }
  /* let in: full again later is news again */
  self->consumer.told_full = FALSE;

  session = gst_ice_transport_create_session (self, session_id,
      self->consumer.producer_id ? self->consumer.producer_id : "unknown");
  if (gst_ice_transport_accept_description (self, session, desc))
    gst_ice_transport_offer_session (self, session, NULL);
}

/* The producer serves as many consumers as it accepts: warn once, and ask
 * again now and then until a place frees. */
static void
producer_full (GstIceTransport * self, const gchar * message)
{
  gchar *producer_id = g_strdup (self->consumer.producer_id);

  forget_session (self);
  if (!self->consumer.told_full)
    GST_ELEMENT_WARNING (self->element, RESOURCE, BUSY,
        ("producer '%s' is full: it serves as many consumers as its "
            "max-consumers allows; asking again every %u s", producer_id,
            FULL_RETRY_DELAY_S), ("the producer said: %s",
            message ? message : "(nothing)"));
  self->consumer.told_full = TRUE;
  if (producer_id != NULL)
    gst_ice_transport_add_timer (self, producer_id, FULL_RETRY_DELAY_S,
        on_rejoin_timeout);
  g_free (producer_id);
}

static void
consumer_session_ended (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id, const gchar * reason, const gchar * message)
{
  if (g_strcmp0 (session_id, self->consumer.session_id) != 0)
    return;
  if (g_strcmp0 (reason, GST_ICE_SIGNALLER_REASON_FULL) == 0)
    producer_full (self, message);
  else
    producer_left (self, peer_id);
}

/* No pair worked with the producer: an error, the stream cannot flow. */
static void
consumer_session_failed (GstIceTransport * self, GstIceSession * session)
{
  if (!gst_ice_transport_is_shutting_down (self))
    gst_ice_transport_report_failure (self, session, TRUE);
  gst_ice_transport_end_session (self, gst_ice_session_get_id (session));
  forget_session (self);
}

/* The producer stopped answering: as when it leaves, warn and wait. */
static void
consumer_session_lost (GstIceTransport * self, const gchar * session_id,
    const gchar * peer_id)
{
  gboolean current = g_strcmp0 (session_id, self->consumer.session_id) == 0;

  forget_session (self);
  if (current && !gst_ice_transport_is_shutting_down (self))
    producer_left (self, peer_id);
}

/* The producer is not who the signalling said, or not a pinned one: an
 * error, and not one buffer of it reaches the pipeline. */
static void
consumer_session_refused (GstIceTransport * self, GstIceSession * session,
    const gchar * why)
{
  if (!gst_ice_transport_is_shutting_down (self))
    GST_ELEMENT_ERROR (self->element, RESOURCE, NOT_AUTHORIZED,
        ("refused producer '%s': %s", gst_ice_session_get_peer_id (session),
            why), ("session %s", gst_ice_session_get_id (session)));
  gst_ice_transport_end_session (self, gst_ice_session_get_id (session));
  forget_session (self);
}

/* The producer's path has been down a while; restarts go on. */
static void
consumer_session_down (GstIceTransport * self, GstIceSession * session,
    guint seconds)
{
  GST_ELEMENT_WARNING (self->element, RESOURCE, READ,
      ("no path to producer '%s' for %u s; still trying to restore it (ICE "
          "restart)", gst_ice_session_get_peer_id (session), seconds),
      ("session %s", gst_ice_session_get_id (session)));
}

const GstIceTransportRole gst_ice_consumer_role = {
  .name = "consumer",
  .watches_media = TRUE,
  .start = consumer_start,
  .shut_down = consumer_shut_down,
  .reset = consumer_reset,
  .take_description = consumer_take_description,
  .session_ended = consumer_session_ended,
  .session_failed = consumer_session_failed,
  .session_lost = consumer_session_lost,
  .session_refused = consumer_session_refused,
  .session_down = consumer_session_down,
};
