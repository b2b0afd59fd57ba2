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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticesignallingreplay.h>

#include <string.h>

struct _GstIceSignallingReplay
{
  GQueue texts;                 /* gchar *, oldest first */
  guint64 last;                 /* number of the newest, 0 before any */
  gsize bytes;                  /* of texts */
  gsize max_bytes;
};

/**
 * gst_ice_signalling_replay_new:
 * @max_bytes: how many bytes of messages to keep at most; the newest
 *   message is kept whatever its size
 */
GstIceSignallingReplay *
gst_ice_signalling_replay_new (gsize max_bytes)
{
  GstIceSignallingReplay *replay = g_new0 (GstIceSignallingReplay, 1);

  g_queue_init (&replay->texts);
  replay->max_bytes = max_bytes;
  return replay;
}

void
gst_ice_signalling_replay_free (GstIceSignallingReplay * replay)
{
  if (replay == NULL)
    return;
  g_queue_clear_full (&replay->texts, g_free);
  g_free (replay);
}

/**
 * gst_ice_signalling_replay_push:
 *
 * Keeps a copy of @text, the next message sent.
 *
 * Returns: its number
 */
guint64
gst_ice_signalling_replay_push (GstIceSignallingReplay * replay,
    const gchar * text)
{
  replay->last++;
  g_queue_push_tail (&replay->texts, g_strdup (text));
  replay->bytes += strlen (text);
  while (replay->bytes > replay->max_bytes && replay->texts.length > 1) {
    gchar *oldest = g_queue_pop_head (&replay->texts);

    replay->bytes -= strlen (oldest);
    g_free (oldest);
  }
  return replay->last;
}

/**
 * gst_ice_signalling_replay_get_last:
 *
 * Returns: the number of the newest message, 0 if none was pushed since
 *   the last reset
 */
guint64
gst_ice_signalling_replay_get_last (GstIceSignallingReplay * replay)
{
  return replay->last;
}

/**
 * gst_ice_signalling_replay_since:
 * @received: how many messages the other side says it received
 * @complete: (out): set to whether every message after the first
 *   @received is still kept
 *
 * Returns: (transfer container): the texts kept of the messages after the
 *   first @received, oldest first, owned by @replay; empty if @received is
 *   more than was sent
 */
GPtrArray *
gst_ice_signalling_replay_since (GstIceSignallingReplay * replay,
    guint64 received, gboolean * complete)
{
  GPtrArray *texts = g_ptr_array_new ();
  guint64 first = replay->last - replay->texts.length + 1;
  GList *l;
  guint64 seq;

  if (received > replay->last) {
    *complete = FALSE;
    return texts;
  }
  *complete = received + 1 >= first;
  for (l = replay->texts.head, seq = first; l != NULL; l = l->next, seq++) {
    if (seq > received)
      g_ptr_array_add (texts, l->data);
  }
  return texts;
}

/**
 * gst_ice_signalling_replay_reset:
 *
 * Forgets every message and numbers from 1 again: a new registration.
 */
void
gst_ice_signalling_replay_reset (GstIceSignallingReplay * replay)
{
  g_queue_clear_full (&replay->texts, g_free);
  replay->last = 0;
  replay->bytes = 0;
}

/**
 * gst_ice_signalling_parse_count:
 * @text: (nullable): a "received" member: a count as decimal digits
 * @count: (out): the count
 *
 * Returns: whether @text is 1 to 20 decimal digits that fit 64 bits
 */
gboolean
gst_ice_signalling_parse_count (const gchar * text, guint64 * count)
{
  guint64 value = 0;
  gsize i;

  if (text == NULL || text[0] == '\0' || strlen (text) > 20)
    return FALSE;
  for (i = 0; text[i] != '\0'; i++) {
    guint digit;

    if (!g_ascii_isdigit (text[i]))
      return FALSE;
    digit = text[i] - '0';
    if (value > (G_MAXUINT64 - digit) / 10)
      return FALSE;
    value = value * 10 + digit;
  }
  *count = value;
  return TRUE;
}
