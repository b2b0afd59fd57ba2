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

/* The hub is one per process, under one lock.  Every message to a
 * signaller is emitted from an idle source in the context that signaller
 * was started in, as the interface asks, in the order it was sent. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "relaysignaller.h"

typedef enum
{
  DELIVER_PRODUCER_ADDED,
  DELIVER_PRODUCER_REMOVED,
  DELIVER_SESSION_REQUESTED,
  DELIVER_SESSION_STARTED,
  DELIVER_DESCRIPTION,
  DELIVER_CANDIDATE,
  DELIVER_ENDED,
} DeliveryKind;

struct _TestRelaySignaller
{
  GObject parent;

  /* from start() to stop(), in the context's thread */
  gboolean started;
  GMainContext *context;
  GstIceSignallerRole role;
  gchar *peer_id;
};

typedef struct
{
  gchar *id;
  TestRelaySignaller *producer;
  TestRelaySignaller *consumer;
} RelaySession;

typedef struct
{
  TestRelaySignaller *target;
  DeliveryKind kind;
  gchar *session_id;
  gchar *text;                  /* peer id, description or candidate */
} Delivery;

static GMutex hub_lock;
static GList *hub_members;      /* started signallers, not reffed */
static GHashTable *hub_sessions;        /* id -> RelaySession */
static guint hub_next_session;
static TestRelayTamperFunc hub_tamper;
static gpointer hub_tamper_data;

static void test_relay_signaller_iface_init (GstIceSignallerInterface * iface);

G_DEFINE_TYPE_WITH_CODE (TestRelaySignaller, test_relay_signaller,
    G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (GST_TYPE_ICE_SIGNALLER,
        test_relay_signaller_iface_init));

static void
relay_session_free (RelaySession * session)
{
  g_free (session->id);
  g_free (session);
}

/* Registers the type (signaller-type names it) and empties the hub. */
void
test_relay_init (void)
{
  g_type_ensure (TEST_TYPE_RELAY_SIGNALLER);
  g_mutex_lock (&hub_lock);
  if (hub_sessions == NULL)
    hub_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
        (GDestroyNotify) relay_session_free);
  hub_tamper = NULL;
  hub_tamper_data = NULL;
  g_mutex_unlock (&hub_lock);
}

void
test_relay_set_tamper (TestRelayTamperFunc func, gpointer user_data)
{
  g_mutex_lock (&hub_lock);
  hub_tamper = func;
  hub_tamper_data = user_data;
  g_mutex_unlock (&hub_lock);
}

static gboolean
deliver_now (gpointer data)
{
  Delivery *d = data;
  GstIceSignaller *target = GST_ICE_SIGNALLER (d->target);

  if (!d->target->started)
    return G_SOURCE_REMOVE;
  switch (d->kind) {
    case DELIVER_PRODUCER_ADDED:
      gst_ice_signaller_emit_producer_added (target, d->text);
      break;
    case DELIVER_PRODUCER_REMOVED:
      gst_ice_signaller_emit_producer_removed (target, d->text);
      break;
    case DELIVER_SESSION_REQUESTED:
      gst_ice_signaller_emit_session_requested (target, d->session_id, d->text);
      break;
    case DELIVER_SESSION_STARTED:
      gst_ice_signaller_emit_session_started (target, d->session_id, d->text);
      break;
    case DELIVER_DESCRIPTION:
      gst_ice_signaller_emit_session_description (target, d->session_id,
          d->text);
      break;
    case DELIVER_CANDIDATE:
      gst_ice_signaller_emit_session_candidate (target, d->session_id, d->text);
      break;
    case DELIVER_ENDED:
      gst_ice_signaller_emit_session_ended (target, d->session_id);
      break;
  }
  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  g_object_unref (d->target);
  g_free (d->session_id);
  g_free (d->text);
  g_free (d);
}

/* Under hub_lock; takes @text. */
static void
deliver (TestRelaySignaller * target, DeliveryKind kind,
    const gchar * session_id, gchar * text)
{
  Delivery *d = g_new0 (Delivery, 1);
  GSource *source = g_idle_source_new ();

  d->target = g_object_ref (target);
  d->kind = kind;
  d->session_id = g_strdup (session_id);
  d->text = text;
  g_source_set_callback (source, deliver_now, d, delivery_free);
  g_source_attach (source, target->context);
  g_source_unref (source);
}

static TestRelaySignaller *
find_member (const gchar * peer_id, GstIceSignallerRole role)
{
  GList *l;

  for (l = hub_members; l; l = l->next) {
    TestRelaySignaller *m = l->data;

    if (m->role == role && g_strcmp0 (m->peer_id, peer_id) == 0)
      return m;
  }
  return NULL;
}

/* Under hub_lock: the other peer of @session_id, if @self is in it. */
static TestRelaySignaller *
other_peer (TestRelaySignaller * self, const gchar * session_id)
{
  RelaySession *session = g_hash_table_lookup (hub_sessions, session_id);

  if (session == NULL)
    return NULL;
  if (session->producer == self)
    return session->consumer;
  if (session->consumer == self)
    return session->producer;
  return NULL;
}

static void
relay_start (GstIceSignaller * signaller, GstIceSignallerRole role,
    const gchar * peer_id)
{
  TestRelaySignaller *self = TEST_RELAY_SIGNALLER (signaller);
  GList *l;

  self->started = TRUE;
  self->role = role;
  self->peer_id = g_strdup (peer_id);
  self->context = g_main_context_ref_thread_default ();

  g_mutex_lock (&hub_lock);
  for (l = hub_members; l; l = l->next) {
    TestRelaySignaller *m = l->data;

    if (role == GST_ICE_SIGNALLER_ROLE_CONSUMER &&
        m->role == GST_ICE_SIGNALLER_ROLE_PRODUCER)
      deliver (self, DELIVER_PRODUCER_ADDED, NULL, g_strdup (m->peer_id));
    else if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER &&
        m->role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
      deliver (m, DELIVER_PRODUCER_ADDED, NULL, g_strdup (peer_id));
  }
  hub_members = g_list_append (hub_members, self);
  g_mutex_unlock (&hub_lock);
}

static void
relay_stop (GstIceSignaller * signaller)
{
  TestRelaySignaller *self = TEST_RELAY_SIGNALLER (signaller);
  GHashTableIter iter;
  RelaySession *session;
  GList *l;

  if (!self->started)
    return;
  self->started = FALSE;

  g_mutex_lock (&hub_lock);
  hub_members = g_list_remove (hub_members, self);
  g_hash_table_iter_init (&iter, hub_sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)) {
    TestRelaySignaller *other = session->producer == self ?
        session->consumer : session->consumer == self ? session->producer :
        NULL;

    if (session->producer != self && session->consumer != self)
      continue;
    if (other)
      deliver (other, DELIVER_ENDED, session->id, NULL);
    g_hash_table_iter_remove (&iter);
  }
  for (l = hub_members; l && self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;
      l = l->next) {
    TestRelaySignaller *m = l->data;

    if (m->role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
      deliver (m, DELIVER_PRODUCER_REMOVED, NULL, g_strdup (self->peer_id));
  }
  g_mutex_unlock (&hub_lock);

  g_clear_pointer (&self->peer_id, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
relay_request_session (GstIceSignaller * signaller, const gchar * producer_id)
{
  TestRelaySignaller *self = TEST_RELAY_SIGNALLER (signaller);
  TestRelaySignaller *producer;
  RelaySession *session;

  g_mutex_lock (&hub_lock);
  producer = find_member (producer_id, GST_ICE_SIGNALLER_ROLE_PRODUCER);
  if (producer != NULL) {
    session = g_new0 (RelaySession, 1);
    session->id = g_strdup_printf ("relay-%u", ++hub_next_session);
    session->producer = producer;
    session->consumer = self;
    g_hash_table_insert (hub_sessions, session->id, session);
    deliver (self, DELIVER_SESSION_STARTED, session->id,
        g_strdup (producer_id));
    deliver (producer, DELIVER_SESSION_REQUESTED, session->id,
        g_strdup (self->peer_id));
  }
  g_mutex_unlock (&hub_lock);
}

static void
relay_send_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description)
{
  TestRelaySignaller *self = TEST_RELAY_SIGNALLER (signaller);
  TestRelaySignaller *other;

  g_mutex_lock (&hub_lock);
  other = other_peer (self, session_id);
  if (other)
    deliver (other, DELIVER_DESCRIPTION, session_id, hub_tamper ?
        hub_tamper (self->role, description, hub_tamper_data) :
        g_strdup (description));
  g_mutex_unlock (&hub_lock);
}

static void
relay_send_candidate (GstIceSignaller * signaller, const gchar * session_id,
    const gchar * candidate)
{
  TestRelaySignaller *self = TEST_RELAY_SIGNALLER (signaller);
  TestRelaySignaller *other;

  g_mutex_lock (&hub_lock);
  other = other_peer (self, session_id);
  if (other)
    deliver (other, DELIVER_CANDIDATE, session_id, g_strdup (candidate));
  g_mutex_unlock (&hub_lock);
}

static void
relay_end_session (GstIceSignaller * signaller, const gchar * session_id)
{
  TestRelaySignaller *self = TEST_RELAY_SIGNALLER (signaller);
  TestRelaySignaller *other;

  g_mutex_lock (&hub_lock);
  other = other_peer (self, session_id);
  if (other) {
    deliver (other, DELIVER_ENDED, session_id, NULL);
    g_hash_table_remove (hub_sessions, session_id);
  }
  g_mutex_unlock (&hub_lock);
}

static void
test_relay_signaller_dispose (GObject * object)
{
  relay_stop (GST_ICE_SIGNALLER (object));
  G_OBJECT_CLASS (test_relay_signaller_parent_class)->dispose (object);
}

static void
test_relay_signaller_class_init (TestRelaySignallerClass * klass)
{
  G_OBJECT_CLASS (klass)->dispose = test_relay_signaller_dispose;
}

static void
test_relay_signaller_init (TestRelaySignaller * self)
{
}

static void
test_relay_signaller_iface_init (GstIceSignallerInterface * iface)
{
  iface->start = relay_start;
  iface->stop = relay_stop;
  iface->request_session = relay_request_session;
  iface->send_description = relay_send_description;
  iface->send_candidate = relay_send_candidate;
  iface->end_session = relay_end_session;
}
