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
 * SECTION:gsticeterminalsignaller
 * @title: GstIceTerminalSignaller
 * @short_description: copy and paste one line each way, no server
 *
 * For two people with a chat window and no signalling server, like
 * pjnath's icedemo.  Once its candidates are gathered, the sender prints
 * one line starting with `gst-ice:offer:` on standard output.  The user
 * pastes it into the receiver's terminal, and the receiver prints a
 * `gst-ice:answer:` line to paste back into the sender's.  Instructions go
 * to standard error.  A line carries the description and every candidate
 * (base64), so STUN and TURN candidates work across NATs as with a server.
 *
 * It serves one session: one receiver per sender, and carries one
 * description each way, so a session whose path breaks cannot be
 * restored by an ICE restart: it ends, and the receiver waits for a new
 * offer.  Other lines on
 * standard input are ignored, so the two programs' outputs may also be
 * piped into each other.  Standard input closing before the other side's
 * line arrived is an error.
 *
 * What it reads is text from the other side: a line longer than 64 KiB is
 * refused as soon as it is that long, without being held in memory, and
 * a line is taken only whole and well-formed (gsticeterminalline.c), so
 * that what the terminal shows of a line (its session id) cannot hold an
 * escape sequence.
 *
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! x264enc tune=zerolatency ! rtph264pay ! icesink signaller-type=terminal stun-server=stun://HOST:3478
 * gst-launch-1.0 icesrc signaller-type=terminal stun-server=stun://HOST:3478 ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticeterminalsignaller.h>
#include <gst/ice/signalling/gsticeterminalline.h>
#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticeerror.h>

#include <stdio.h>
#include <string.h>
#include <gio/gunixinputstream.h>
#include <gst/gst.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_terminal_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_terminal_signaller_debug

#define OFFER "offer"
#define ANSWER "answer"
/* the peer id the other side gets: there is no registry to name it */
#define PEER_ID "terminal"
/* how much of standard input is read at once */
#define READ_SIZE 4096

struct _GstIceTerminalSignaller
{
  GObject parent;

  /* from start() to stop(), used in the context start() was called in */
  gboolean started;
  GstIceSignallerRole role;
  GMainContext *context;
  GCancellable *cancellable;
  GInputStream *input;
  GstIceLineSplitter *splitter; /* standard input, cut into lines */
  gchar *session_id;            /* the one session, once known */
  GString *outgoing;            /* our description and candidates */
  gboolean printed;             /* our line was printed */
  gboolean have_remote;         /* the other side's line arrived */
  GstIceTerminalLine *offer;    /* consumer: the offer, until requested */
};

/* one read of standard input in flight: its own buffer, as a cancelled
 * read may still be writing to it after stop() */
typedef struct
{
  GstIceTerminalSignaller *self;
  gchar buffer[READ_SIZE];
} Read;

static void gst_ice_terminal_signaller_iface_init (GstIceSignallerInterface *
    iface);

#define gst_ice_terminal_signaller_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceTerminalSignaller,
    gst_ice_terminal_signaller, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_ICE_SIGNALLER,
        gst_ice_terminal_signaller_iface_init);
    GST_DEBUG_CATEGORY_INIT (gst_ice_terminal_signaller_debug,
        "iceterminalsignaller", 0, "copy-and-paste ICE signaller"));

static void gst_ice_terminal_signaller_stop (GstIceSignaller * signaller);

static void
gst_ice_terminal_signaller_finalize (GObject * object)
{
  gst_ice_terminal_signaller_stop (GST_ICE_SIGNALLER (object));
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ice_terminal_signaller_class_init (GstIceTerminalSignallerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = gst_ice_terminal_signaller_finalize;
}

static void
gst_ice_terminal_signaller_init (GstIceTerminalSignaller * self)
{
}

/* Prints our line: "gst-ice:offer:" or "gst-ice:answer:", then the base64
 * of "session ID" and the description and candidate lines. */
static void
print_line (GstIceTerminalSignaller * self)
{
  gboolean producer = self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;
  gchar *line = gst_ice_terminal_line_encode (producer ?
      GST_ICE_TERMINAL_LINE_OFFER : GST_ICE_TERMINAL_LINE_ANSWER,
      self->session_id, self->outgoing->str);

  /* stdout may be a pipe: flush, the other side waits for the line */
  g_print ("%s\n", line);
  fflush (stdout);
  if (producer)
    g_printerr ("gst-ice: copy the gst-ice:offer: line above into the "
        "receiver's terminal, then paste its gst-ice:answer: line here\n");
  else
    g_printerr ("gst-ice: copy the gst-ice:answer: line above into the "
        "sender's terminal\n");
  self->printed = TRUE;
  g_free (line);
}

static void
emit_remote (GstIceTerminalSignaller * self, const GstIceTerminalLine * line)
{
  GstIceSignaller *signaller = GST_ICE_SIGNALLER (self);
  guint i;

  gst_ice_signaller_emit_session_description (signaller, self->session_id,
      line->description);
  for (i = 0; i < line->candidates->len && self->session_id != NULL; i++)
    gst_ice_signaller_emit_session_candidate (signaller, self->session_id,
        g_ptr_array_index (line->candidates, i));
}

/* One line of standard input, @length bytes (NUL bytes included). */
static void
handle_line (GstIceTerminalSignaller * self, gchar * text, gsize length)
{
  gboolean producer = self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;
  GstIceTerminalLineKind wanted = producer ? GST_ICE_TERMINAL_LINE_ANSWER :
      GST_ICE_TERMINAL_LINE_OFFER;
  GstIceTerminalLine *line;
  GError *error = NULL;

  /* no line of ours has a NUL; pasted ones may have spaces around them */
  if (memchr (text, '\0', length) != NULL)
    return;
  g_strstrip (text);
  if (!g_str_has_prefix (text, GST_ICE_TERMINAL_LINE_PREFIX))
    return;

  line = gst_ice_terminal_line_decode (text, strlen (text), &error);
  if (line == NULL) {
    /* the message has the line's bytes escaped */
    g_printerr ("gst-ice: %s\n", error->message);
    g_clear_error (&error);
    return;
  }
  if (line->kind != wanted) {
    g_printerr ("gst-ice: ignoring a line that is not a %s line\n",
        gst_ice_terminal_line_kind_to_prefix (wanted));
    goto done;
  }

  if (producer) {
    if (g_strcmp0 (line->session_id, self->session_id) != 0) {
      g_printerr ("gst-ice: that answer is for another offer (session %s); "
          "paste the answer to this sender's offer\n", line->session_id);
    } else if (!self->have_remote) {
      GST_INFO_OBJECT (self, "answer for session %s", line->session_id);
      self->have_remote = TRUE;
      emit_remote (self, line);
    }
  } else if (g_strcmp0 (line->session_id, self->session_id) != 0) {
    /* a new offer: the sender started again */
    if (self->session_id != NULL) {
      gchar *old = self->session_id;

      self->session_id = NULL;
      gst_ice_signaller_emit_session_ended (GST_ICE_SIGNALLER (self), old);
      g_free (old);
    }
    GST_INFO_OBJECT (self, "offer for session %s", line->session_id);
    g_free (self->session_id);
    self->session_id = g_strdup (line->session_id);
    gst_ice_terminal_line_free (self->offer);
    self->offer = g_steal_pointer (&line);
    g_string_truncate (self->outgoing, 0);
    self->printed = FALSE;
    self->have_remote = FALSE;
    gst_ice_signaller_emit_producer_added (GST_ICE_SIGNALLER (self), PEER_ID);
  }

done:
  gst_ice_terminal_line_free (line);
}

/* Handles the lines in @data, as long as the signaller is started. */
static void
handle_input (GstIceTerminalSignaller * self, const gchar * data, gsize size)
{
  GstIceLineSplitterResult result;
  gchar *line;
  gsize length;

  while (self->started) {
    result = gst_ice_line_splitter_take (self->splitter, &data, &size, &line,
        &length);
    if (result == GST_ICE_LINE_SPLITTER_NEED_MORE)
      break;
    if (result == GST_ICE_LINE_SPLITTER_TOO_LONG) {
      g_printerr ("gst-ice: ignoring a line longer than %d bytes (a "
          "gst-ice: line is a few kilobytes at most)\n",
          GST_ICE_TERMINAL_LINE_MAX_LENGTH);
      continue;
    }
    handle_line (self, line, length);
    g_free (line);
  }
}

static void
handle_end_of_input (GstIceTerminalSignaller * self, const GError * error)
{
  GError *eof;
  gchar *line;
  gsize length;

  if (gst_ice_line_splitter_finish (self->splitter, &line, &length)) {
    handle_line (self, line, length);
    g_free (line);
  }
  if (self->have_remote || !self->started)
    return;

  eof = g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
      "terminal signaller: standard input %s before the other side's "
      "gst-ice:%s: line arrived", error ? error->message : "closed",
      self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? ANSWER : OFFER);
  gst_ice_signaller_emit_error (GST_ICE_SIGNALLER (self), eof);
  g_error_free (eof);
}

static void read_input (GstIceTerminalSignaller * self);

static void
on_read (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Read *read = user_data;
  GstIceTerminalSignaller *self = read->self;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      G_INPUT_STREAM (source) != self->input) {
    /* stopped since */
  } else if (n <= 0) {
    handle_end_of_input (self, error);
  } else {
    handle_input (self, read->buffer, n);
    if (self->started)
      read_input (self);
  }
  g_clear_error (&error);
  g_object_unref (self);
  g_free (read);
}

static void
read_input (GstIceTerminalSignaller * self)
{
  Read *read = g_new (Read, 1);

  read->self = g_object_ref (self);
  g_input_stream_read_async (self->input, read->buffer, READ_SIZE,
      G_PRIORITY_DEFAULT, self->cancellable, on_read, read);
}

static gboolean
request_from_producer (gpointer user_data)
{
  GstIceTerminalSignaller *self = user_data;

  if (self->started && self->session_id != NULL)
    gst_ice_signaller_emit_session_requested (GST_ICE_SIGNALLER (self),
        self->session_id, PEER_ID);
  return G_SOURCE_REMOVE;
}

static gboolean
start_consumer_session (gpointer user_data)
{
  GstIceTerminalSignaller *self = user_data;
  GstIceTerminalLine *offer;

  if (!self->started || self->offer == NULL || self->session_id == NULL)
    return G_SOURCE_REMOVE;
  offer = g_steal_pointer (&self->offer);
  gst_ice_signaller_emit_session_started (GST_ICE_SIGNALLER (self),
      self->session_id, PEER_ID);
  self->have_remote = TRUE;
  if (self->session_id != NULL)
    emit_remote (self, offer);
  gst_ice_terminal_line_free (offer);
  return G_SOURCE_REMOVE;
}

static void
invoke_later (GstIceTerminalSignaller * self, GSourceFunc func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* GstIceSignaller */

static void
gst_ice_terminal_signaller_start (GstIceSignaller * signaller,
    GstIceSignallerRole role, const gchar * peer_id)
{
  GstIceTerminalSignaller *self = GST_ICE_TERMINAL_SIGNALLER (signaller);

  if (self->started)
    gst_ice_terminal_signaller_stop (signaller);

  self->started = TRUE;
  self->role = role;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->outgoing = g_string_new (NULL);
  self->printed = FALSE;
  self->have_remote = FALSE;
  self->input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  self->splitter = gst_ice_line_splitter_new (GST_ICE_TERMINAL_LINE_MAX_LENGTH);
  read_input (self);

  if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    self->session_id = g_uuid_string_random ();
    invoke_later (self, request_from_producer);
  } else {
    g_printerr ("gst-ice: paste the sender's gst-ice:offer: line here\n");
  }
}

static void
gst_ice_terminal_signaller_stop (GstIceSignaller * signaller)
{
  GstIceTerminalSignaller *self = GST_ICE_TERMINAL_SIGNALLER (signaller);

  if (!self->started)
    return;
  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->input);
  g_clear_pointer (&self->splitter, gst_ice_line_splitter_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->offer, gst_ice_terminal_line_free);
  if (self->outgoing)
    g_string_free (self->outgoing, TRUE);
  self->outgoing = NULL;
}

static void
gst_ice_terminal_signaller_request_session (GstIceSignaller * signaller,
    const gchar * producer_id)
{
  GstIceTerminalSignaller *self = GST_ICE_TERMINAL_SIGNALLER (signaller);

  if (self->started && self->role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
    invoke_later (self, start_consumer_session);
}

static gboolean
is_our_session (GstIceTerminalSignaller * self, const gchar * session_id)
{
  if (self->started && self->session_id != NULL &&
      g_strcmp0 (session_id, self->session_id) == 0 && !self->printed)
    return TRUE;
  GST_DEBUG_OBJECT (self, "dropping a message for session %s",
      GST_STR_NULL (session_id));
  return FALSE;
}

static void
gst_ice_terminal_signaller_send_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description)
{
  GstIceTerminalSignaller *self = GST_ICE_TERMINAL_SIGNALLER (signaller);

  if (!is_our_session (self, session_id) || description == NULL)
    return;
  g_string_append (self->outgoing, description);
  if (self->outgoing->len > 0 &&
      self->outgoing->str[self->outgoing->len - 1] != '\n')
    g_string_append_c (self->outgoing, '\n');
}

static void
gst_ice_terminal_signaller_send_candidate (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * candidate)
{
  GstIceTerminalSignaller *self = GST_ICE_TERMINAL_SIGNALLER (signaller);

  if (!is_our_session (self, session_id) || candidate == NULL ||
      strchr (candidate, '\n') != NULL)
    return;
  g_string_append_printf (self->outgoing, "%s\n", candidate);
  /* one line for all: print once gathering is done */
  if (g_str_equal (candidate, GST_ICE_END_OF_CANDIDATES_LINE))
    print_line (self);
}

static void
gst_ice_terminal_signaller_end_session (GstIceSignaller * signaller,
    const gchar * session_id)
{
  GstIceTerminalSignaller *self = GST_ICE_TERMINAL_SIGNALLER (signaller);

  if (!self->started || g_strcmp0 (session_id, self->session_id) != 0)
    return;
  GST_INFO_OBJECT (self, "session %s ended", session_id);
  g_clear_pointer (&self->session_id, g_free);
}

/* one line each way: a later description has nowhere to go */
static gboolean
gst_ice_terminal_signaller_can_resend (GstIceSignaller * signaller)
{
  return FALSE;
}

static void
gst_ice_terminal_signaller_iface_init (GstIceSignallerInterface * iface)
{
  iface->can_resend = gst_ice_terminal_signaller_can_resend;
  iface->start = gst_ice_terminal_signaller_start;
  iface->stop = gst_ice_terminal_signaller_stop;
  iface->request_session = gst_ice_terminal_signaller_request_session;
  iface->send_description = gst_ice_terminal_signaller_send_description;
  iface->send_candidate = gst_ice_terminal_signaller_send_candidate;
  iface->end_session = gst_ice_terminal_signaller_end_session;
}

/**
 * gst_ice_terminal_signaller_new:
 *
 * Returns: (transfer full): a signaller that exchanges one line each way
 *   through the terminal
 */
GstIceSignaller *
gst_ice_terminal_signaller_new (void)
{
  return g_object_new (GST_TYPE_ICE_TERMINAL_SIGNALLER, NULL);
}
