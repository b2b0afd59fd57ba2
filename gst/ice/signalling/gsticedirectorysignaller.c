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
 * SECTION:gsticedirectorysignaller
 * @title: GstIceDirectorySignaller
 * @short_description: signalling through files in a shared directory
 *
 * A #GstIceSignaller for peers that have no signalling server: producers
 * and consumers exchange their messages through files in a directory that
 * all of them can read and write, on the same machine or on a network file
 * system (NFS, SMB, sshfs).  The directory is polled with a timeout every
 * #GstIceDirectorySignaller:poll-interval milliseconds; no file change
 * notification is used, so that it works on network file systems too.
 *
 * |[
 * DIR/producers/<producer-id>               one per running producer
 * DIR/sessions/<session-id>/request         written by the consumer
 * DIR/sessions/<session-id>/from-producer   messages of the producer
 * DIR/sessions/<session-id>/from-consumer   messages of the consumer
 * ]|
 *
 * Each side only appends to its own message file, one whole message per
 * write(), and reads the other side's file from where it stopped, taking
 * only complete messages.  A message is a header line (`description`,
 * `candidate` or `end`), its text lines, and an empty line.  The format is
 * described in full in docs/directory-signalling.md.
 *
 * The peers sharing a directory run as one user, who owns it: the
 * directory must belong to that user and must not be writable by its group
 * or by others, or the element fails at READY.  Folders are created 0700
 * and files 0600.  Below the directory no symbolic link is followed and
 * only regular files are opened.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! x264enc tune=zerolatency ! rtph264pay ! \
 *     icesink signaller-type=directory signaller::directory=/tmp/ice
 * gst-launch-1.0 icesrc signaller-type=directory \
 *     signaller::directory=/tmp/ice ! rtph264depay ! avdec_h264 ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticedirectorysignaller.h>
#include <gst/ice/signalling/gsticedirectoryfiles.h>
#include <gst/ice/signalling/gsticedirectorymessages.h>
#include <gst/ice/gsticeerror.h>

#include <gst/gst.h>

#include <errno.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <unistd.h>
#endif

GST_DEBUG_CATEGORY_STATIC (gst_ice_directory_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_directory_signaller_debug

#define DEFAULT_DIRECTORY NULL
#define DEFAULT_POLL_INTERVAL 100
#define MIN_POLL_INTERVAL 10

#define SESSION_CREATE_ATTEMPTS 8

enum
{
  PROP_0,
  PROP_DIRECTORY,
  PROP_POLL_INTERVAL,
};

typedef enum
{
  EVENT_PRODUCER_ADDED,
  EVENT_PRODUCER_REMOVED,
  EVENT_SESSION_REQUESTED,
  EVENT_SESSION_STARTED,
  EVENT_SESSION_DESCRIPTION,
  EVENT_SESSION_CANDIDATE,
  EVENT_SESSION_ENDED,
  EVENT_ERROR,
} EventType;

/* A signal waiting to be emitted.  Polling first collects events, then
 * emits them one by one, so that a handler may call back into the
 * signaller (end_session(), stop()) while nothing is being iterated. */
typedef struct
{
  EventType type;
  gchar *session_id;
  gchar *text;                  /* peer id, description or candidate */
  GError *error;
} Event;

typedef struct
{
  gchar *id;
  /* the other side: the consumer on a producer, the producer on a consumer */
  gchar *peer_id;
  /* consumer: the instance token of the producer the request went to */
  gchar *producer_instance;
  gchar *dir;                   /* DIR/sessions/<id>, for the logs */
  gchar *out_path;              /* for the logs too */
  gchar *in_path;
  const gchar *out_name;        /* the file this side appends to */
  const gchar *in_name;         /* the file the other side appends to */
  goffset out_size;             /* bytes this side wrote to out_name */
  goffset in_offset;            /* bytes of in_name already consumed */
  /* the other side ended or left: nothing more is read or written, the
   * session-ended event is queued */
  gboolean closed;
} Session;

struct _GstIceDirectorySignaller
{
  GObject parent;

  /* properties, protected by lock, read by prepare() and start() */
  GMutex lock;
  gchar *directory;
  guint poll_interval;

  /* Everything below is only touched between start() and stop(), from the
   * thread of context. */
  gboolean started;
  GMainContext *context;
  GSource *poll_source;
  GSource *dispatch_source;
  gboolean scan_pending;
  GstIceSignallerRole role;
  gchar *peer_id;
  gchar *root;
  gchar *producers_dir;
  gchar *sessions_dir;
  /* the opened folders: every access is relative to them */
  GstIceDirectoryLayout layout;
  /* producer: DIR/producers/<peer-id> and the token written into it */
  gchar *producer_path;
  gchar *instance;
  /* session id -> Session */
  GHashTable *sessions;
  /* consumer: producer id -> instance token, "" for an unusable file */
  GHashTable *producers;
  /* producer: names under sessions/ already looked at */
  GHashTable *known_session_dirs;
  GQueue events;
};

static void gst_ice_directory_signaller_signaller_init (GstIceSignallerInterface
    * iface);

#define gst_ice_directory_signaller_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstIceDirectorySignaller, gst_ice_directory_signaller,
    G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (GST_TYPE_ICE_SIGNALLER,
        gst_ice_directory_signaller_signaller_init);
    GST_DEBUG_CATEGORY_INIT (gst_ice_directory_signaller_debug,
        "icedirectorysignaller", 0, "ICE signalling through a directory"));

static void gst_ice_directory_signaller_stop (GstIceSignaller * signaller);

static void
event_free (Event * event)
{
  g_free (event->session_id);
  g_free (event->text);
  g_clear_error (&event->error);
  g_free (event);
}

static void
queue_event (GQueue * queue, EventType type, const gchar * session_id,
    const gchar * text)
{
  Event *event = g_new0 (Event, 1);

  event->type = type;
  event->session_id = g_strdup (session_id);
  event->text = g_strdup (text);
  g_queue_push_tail (queue, event);
}

static void
session_free (Session * session)
{
  g_free (session->id);
  g_free (session->peer_id);
  g_free (session->producer_instance);
  g_free (session->dir);
  g_free (session->out_path);
  g_free (session->in_path);
  g_free (session);
}

static Session *
session_new (GstIceDirectorySignaller * self, const gchar * id,
    const gchar * peer_id)
{
  Session *session = g_new0 (Session, 1);
  gboolean producer = self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;

  session->id = g_strdup (id);
  session->peer_id = g_strdup (peer_id);
  session->dir = g_build_filename (self->sessions_dir, id, NULL);
  session->out_name = producer ? GST_ICE_DIRECTORY_FROM_PRODUCER_FILE :
      GST_ICE_DIRECTORY_FROM_CONSUMER_FILE;
  session->in_name = producer ? GST_ICE_DIRECTORY_FROM_CONSUMER_FILE :
      GST_ICE_DIRECTORY_FROM_PRODUCER_FILE;
  session->out_path = g_build_filename (session->dir, session->out_name, NULL);
  session->in_path = g_build_filename (session->dir, session->in_name, NULL);
  return session;
}

/* Returns the instance token in DIR/producers/@producer_id, NULL when the
 * file is missing, "" (and *@why set) when it is not a producer file. */
static gchar *
read_producer_instance (GstIceDirectorySignaller * self,
    const gchar * producer_id, gchar ** why)
{
  gchar *path = g_build_filename (self->producers_dir, producer_id, NULL);
  const gchar *reason = NULL;
  gchar *contents = NULL;
  gchar *instance = NULL;
  gsize length = 0;
  gint err;

  err = gst_ice_directory_files_read_small (self->layout.producers,
      producer_id, &contents, &length);
  if (err == ENOENT) {
    /* gone between the listing and now */
  } else if (err != 0) {
    *why = g_strdup_printf ("'%s' cannot be read: %s", path,
        gst_ice_directory_files_strerror (err));
  } else {
    instance = gst_ice_directory_messages_parse_producer (contents, length,
        &reason);
    if (instance == NULL)
      *why = g_strdup_printf ("'%s' %s", path, reason);
  }
  if (err != ENOENT && instance == NULL)
    instance = g_strdup ("");

  g_free (contents);
  g_free (path);
  return instance;
}

static gint
write_producer_file (GstIceDirectorySignaller * self)
{
  gchar *contents;
  gulong pid = 0;
  gint err;

#ifdef G_OS_UNIX
  pid = getpid ();
#endif
  contents = gst_ice_directory_messages_write_producer (self->instance,
      g_get_host_name (), pid);
  err = gst_ice_directory_files_replace (self->layout.producers,
      self->peer_id, contents);
  g_free (contents);
  return err;
}

/* Removes our producer file, unless another producer with the same id has
 * replaced it meanwhile. */
static void
remove_producer_file (GstIceDirectorySignaller * self)
{
  gchar *why = NULL;
  gchar *instance = read_producer_instance (self, self->peer_id, &why);
  gint err;

  if (g_strcmp0 (instance, self->instance) == 0) {
    err = gst_ice_directory_files_remove (self->layout.producers,
        self->peer_id);
    if (err != 0)
      GST_WARNING_OBJECT (self, "could not remove '%s': %s",
          self->producer_path, g_strerror (err));
  } else if (instance != NULL) {
    GST_WARNING_OBJECT (self, "'%s' was replaced by another producer with "
        "id '%s'; leaving it", self->producer_path, self->peer_id);
  }
  g_free (instance);
  g_free (why);
}

/* Turns one message of the other side into an event on @out, or logs why
 * it was skipped.  Returns TRUE when it ends the session. */
static gboolean
handle_message (GstIceDirectorySignaller * self, Session * session,
    const GstIceDirectoryMessage * message, GQueue * out)
{
  switch (message->type) {
    case GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION:
      GST_LOG_OBJECT (self, "session %s: description of %u lines", session->id,
          message->n_lines);
      queue_event (out, EVENT_SESSION_DESCRIPTION, session->id, message->text);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_CANDIDATE:
      GST_LOG_OBJECT (self, "session %s: candidate %s", session->id,
          message->text);
      queue_event (out, EVENT_SESSION_CANDIDATE, session->id, message->text);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_END:
      GST_DEBUG_OBJECT (self, "session %s: %s ended it", session->id,
          session->peer_id);
      return TRUE;
    case GST_ICE_DIRECTORY_MESSAGE_GARBAGE:
      GST_WARNING_OBJECT (self, "skipping %" G_GSIZE_FORMAT " bytes that are "
          "not a message at offset %" G_GOFFSET_FORMAT " of '%s'",
          message->size, message->offset, session->in_path);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_TOO_LONG:
      GST_WARNING_OBJECT (self, "skipping a message of %" G_GSIZE_FORMAT
          " bytes (at most %d) at offset %" G_GOFFSET_FORMAT " of '%s'",
          message->size, GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE, message->offset,
          session->in_path);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_REFUSED:
      GST_WARNING_OBJECT (self, "skipping %s at offset %" G_GOFFSET_FORMAT
          " of '%s'", message->why, message->offset, session->in_path);
      break;
  }
  return FALSE;
}

typedef struct
{
  GstIceDirectorySignaller *self;
  Session *session;
  GQueue *out;
  gboolean ended;
} ReadContext;

static gboolean
parse_chunk (const gchar * data, gsize len, goffset offset, gsize * consumed,
    gpointer user_data)
{
  ReadContext *ctx = user_data;
  GArray *messages = gst_ice_directory_messages_array_new ();
  guint i;

  *consumed = gst_ice_directory_messages_parse (data, len, offset, messages);
  for (i = 0; i < messages->len && !ctx->ended; i++) {
    ctx->ended = handle_message (ctx->self, ctx->session,
        &g_array_index (messages, GstIceDirectoryMessage, i), ctx->out);
  }
  g_array_unref (messages);
  return !ctx->ended;
}

/* How a look at a session folder ended */
typedef enum
{
  SESSION_OPEN,
  SESSION_ENDED,                /* the other side wrote `end` */
  SESSION_GONE,                 /* the folder or its request is gone */
  SESSION_REFUSED,              /* something in it is not what it should be */
} SessionState;

/* Reads the other side's new messages, from the opened session folder
 * @dir_fd, into events on @out. */
static SessionState
read_session_messages (GstIceDirectorySignaller * self, Session * session,
    int dir_fd, GQueue * out)
{
  ReadContext ctx = { self, session, out, FALSE };
  gint err;

  err = gst_ice_directory_files_read_from (dir_fd, session->in_name,
      &session->in_offset, GST_ICE_DIRECTORY_READ_CHUNK_SIZE, parse_chunk,
      &ctx);
  if (ctx.ended)
    return SESSION_ENDED;
  if (gst_ice_directory_files_is_refused (err)) {
    GST_WARNING_OBJECT (self, "session %s: not reading '%s': %s; ending the "
        "session and leaving it there", session->id, session->in_path,
        gst_ice_directory_files_strerror (err));
    return SESSION_REFUSED;
  }
  /* ENOENT: the other side has written nothing yet; other errors are read
   * again at the next poll */
  if (err != 0 && err != ENOENT)
    GST_WARNING_OBJECT (self, "cannot read '%s': %s", session->in_path,
        g_strerror (err));
  return SESSION_OPEN;
}

/* Opens the folder of @session; logs why not. */
static SessionState
open_session_dir (GstIceDirectorySignaller * self, Session * session, int *fd)
{
  gint err;

  err = gst_ice_directory_files_open_dir (self->layout.sessions, session->id,
      fd);
  if (err == 0)
    return SESSION_OPEN;
  if (err == ENOENT) {
    GST_DEBUG_OBJECT (self, "session %s: folder '%s' is gone", session->id,
        session->dir);
    return SESSION_GONE;
  }
  if (gst_ice_directory_files_is_refused (err)) {
    GST_WARNING_OBJECT (self, "session %s: '%s' is not the session's folder "
        "any more: %s; ending the session and leaving it there", session->id,
        session->dir, gst_ice_directory_files_strerror (err));
    return SESSION_REFUSED;
  }
  GST_WARNING_OBJECT (self, "cannot open '%s': %s", session->dir,
      g_strerror (err));
  return SESSION_OPEN;
}

/* Appends one whole message to this side's file with a single write().
 * Returns 0 or an errno value; ENOENT when the session is gone. */
static gint
append_message (GstIceDirectorySignaller * self, Session * session,
    const gchar * message)
{
  gint err;
  int fd;

  err = gst_ice_directory_files_open_dir (self->layout.sessions, session->id,
      &fd);
  if (err == 0) {
    err = gst_ice_directory_files_append (fd, session->out_name, message,
        &session->out_size);
    close (fd);
  }

  if (err == ENOENT)
    GST_DEBUG_OBJECT (self, "session %s is gone, not writing to '%s'",
        session->id, session->out_path);
  else if (err != 0)
    GST_WARNING_OBJECT (self, "could not write to '%s': %s",
        session->out_path, gst_ice_directory_files_strerror (err));
  return err;
}

static gboolean dispatch_idle_cb (gpointer user_data);

static void
schedule_dispatch (GstIceDirectorySignaller * self)
{
  if (self->dispatch_source != NULL)
    return;
  self->dispatch_source = g_idle_source_new ();
  g_source_set_name (self->dispatch_source, "GstIceDirectorySignaller events");
  g_source_set_callback (self->dispatch_source, dispatch_idle_cb, self, NULL);
  g_source_attach (self->dispatch_source, self->context);
}

static void
queue_error (GstIceDirectorySignaller * self, GError * error)
{
  Event *event = g_new0 (Event, 1);

  GST_WARNING_OBJECT (self, "%s", error->message);
  event->type = EVENT_ERROR;
  event->error = error;
  g_queue_push_tail (&self->events, event);
  schedule_dispatch (self);
}

/* The other side ended or left @session, or its folder was refused: emit
 * session-ended.  When the other side ended it, this side is the last one
 * that uses the folder and removes it. */
static void
close_session (GstIceDirectorySignaller * self, Session * session,
    SessionState state)
{
  gint err;

  session->closed = TRUE;
  if (state == SESSION_ENDED || state == SESSION_GONE) {
    err = gst_ice_directory_files_remove_session_dir (self->layout.sessions,
        session->id);
    if (err != 0)
      GST_WARNING_OBJECT (self, "could not remove all of '%s': %s",
          session->dir, gst_ice_directory_files_strerror (err));
  }
  queue_event (&self->events, EVENT_SESSION_ENDED, session->id, NULL);
}

static void
send_message (GstIceDirectorySignaller * self, Session * session,
    const gchar * message)
{
  gint err = append_message (self, session, message);

  /* ENOENT: the other side removed the session; the next poll ends it */
  if (err == 0 || err == ENOENT)
    return;
  if (gst_ice_directory_files_is_refused (err)) {
    close_session (self, session, SESSION_REFUSED);
    schedule_dispatch (self);
    return;
  }
  queue_error (self, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
          "could not write to '%s': %s", session->out_path, g_strerror (err)));
}

/* Consumer: the producers present now, id -> instance ("" for files that
 * are not usable), or NULL when the directory cannot be listed. */
static GHashTable *
list_producers (GstIceDirectorySignaller * self)
{
  GHashTable *found;
  gchar **names;
  gint err = 0;
  guint i;

  /* leaves out producer files being written */
  names = gst_ice_directory_files_list (self->layout.producers, &err);
  if (names == NULL) {
    GST_WARNING_OBJECT (self, "cannot list '%s': %s", self->producers_dir,
        g_strerror (err));
    return NULL;
  }

  found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (i = 0; names[i] != NULL; i++) {
    const gchar *name = names[i];
    const gchar *previous = g_hash_table_lookup (self->producers, name);
    gchar *why = NULL;
    gchar *instance;

    if (gst_ice_directory_files_is_valid_name (name,
            GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH)) {
      instance = read_producer_instance (self, name, &why);
      if (instance == NULL)
        continue;
    } else {
      why = g_strdup_printf ("'%s' is not a valid producer id", name);
      instance = g_strdup ("");
    }

    /* warn once, not at every poll */
    if (why != NULL && g_strcmp0 (previous, "") != 0)
      GST_WARNING_OBJECT (self, "ignoring producer file: %s", why);
    g_free (why);
    g_hash_table_insert (found, g_strdup (name), instance);
  }
  g_strfreev (names);
  return found;
}

/* Consumer: announces the producers that are new or restarted. */
static void
update_producers (GstIceDirectorySignaller * self, GHashTable * found)
{
  GHashTableIter iter;
  const gchar *name, *instance;

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, (gpointer *) & name,
          (gpointer *) & instance)) {
    const gchar *previous = g_hash_table_lookup (self->producers, name);

    if (instance[0] == '\0' || g_strcmp0 (previous, instance) == 0)
      continue;
    GST_DEBUG_OBJECT (self, "producer %s (instance %s) is there", name,
        instance);
    queue_event (&self->events, EVENT_PRODUCER_ADDED, NULL, name);
  }
  g_hash_table_iter_init (&iter, self->producers);
  while (g_hash_table_iter_next (&iter, (gpointer *) & name, NULL)) {
    if (g_hash_table_contains (found, name))
      continue;
    GST_DEBUG_OBJECT (self, "producer %s is gone", name);
    queue_event (&self->events, EVENT_PRODUCER_REMOVED, NULL, name);
  }
  g_hash_table_unref (self->producers);
  self->producers = g_hash_table_ref (found);
}

/* Reads the messages of every open session and ends those the other side
 * has left.  @producers: the producers present now (consumer only), or
 * NULL when they are not known. */
static void
read_sessions (GstIceDirectorySignaller * self, GHashTable * producers)
{
  GHashTableIter iter;
  Session *session;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)) {
    SessionState state;
    int fd;

    if (session->closed)
      continue;

    state = open_session_dir (self, session, &fd);
    if (state == SESSION_OPEN && fd >= 0) {
      state = read_session_messages (self, session, fd, &self->events);
      if (state == SESSION_OPEN && !gst_ice_directory_files_exists (fd,
              GST_ICE_DIRECTORY_REQUEST_FILE)) {
        GST_DEBUG_OBJECT (self, "session %s: '%s' has no request any more",
            session->id, session->dir);
        state = SESSION_GONE;
      }
      close (fd);
    }
    if (state == SESSION_OPEN && producers != NULL
        && g_strcmp0 (g_hash_table_lookup (producers, session->peer_id),
            session->producer_instance) != 0) {
      GST_DEBUG_OBJECT (self, "session %s: producer %s left or restarted",
          session->id, session->peer_id);
      state = SESSION_GONE;
    }
    if (state != SESSION_OPEN)
      close_session (self, session, state);
  }
}

/* Producer: looks at a new entry of sessions/. */
static void
discover_session (GstIceDirectorySignaller * self, const gchar * name)
{
  gchar *dir_path = g_build_filename (self->sessions_dir, name, NULL);
  gchar *path = g_build_filename (dir_path, GST_ICE_DIRECTORY_REQUEST_FILE,
      NULL);
  gchar *contents = NULL;
  gchar *producer = NULL, *instance = NULL, *consumer = NULL;
  GQueue messages = G_QUEUE_INIT;
  Session *session;
  gsize length = 0;
  gint err;
  int fd = -1;

  if (!gst_ice_directory_files_is_valid_name (name,
          GST_ICE_DIRECTORY_MAX_SESSION_ID_LENGTH)) {
    GST_WARNING_OBJECT (self, "ignoring '%s': not a valid session id",
        dir_path);
    goto done;
  }

  err = gst_ice_directory_files_open_dir (self->layout.sessions, name, &fd);
  if (err == ENOENT)
    goto done;
  if (err != 0) {
    GST_WARNING_OBJECT (self, "ignoring '%s': %s", dir_path,
        gst_ice_directory_files_strerror (err));
    goto done;
  }

  err = gst_ice_directory_files_read_small (fd,
      GST_ICE_DIRECTORY_REQUEST_FILE, &contents, &length);
  if (err == ENOENT) {
    /* left over from a session being removed */
    GST_DEBUG_OBJECT (self, "ignoring '%s': it has no request", dir_path);
    goto done;
  }
  if (err != 0) {
    GST_WARNING_OBJECT (self, "ignoring '%s': %s", path,
        gst_ice_directory_files_strerror (err));
    goto done;
  }
  if (!gst_ice_directory_messages_parse_request (contents, length, &producer,
          &instance, &consumer)) {
    GST_WARNING_OBJECT (self, "ignoring '%s': not a session request "
        "(it needs 'producer', 'producer-instance' and 'consumer' lines)",
        path);
    goto done;
  }

  if (strcmp (producer, self->peer_id) != 0)
    goto done;                  /* for another producer */

  if (strcmp (instance, self->instance) != 0) {
    /* A request from a consumer of an earlier run of this producer: that
     * consumer ends it when it sees the new instance. */
    GST_DEBUG_OBJECT (self, "removing '%s': a request to instance %s, an "
        "earlier run", dir_path, instance);
    gst_ice_directory_files_remove_session_dir (self->layout.sessions, name);
    goto done;
  }

  session = session_new (self, name, consumer);
  if (read_session_messages (self, session, fd, &messages) != SESSION_OPEN) {
    GST_DEBUG_OBJECT (self, "session %s: %s left before it was answered",
        name, consumer);
    gst_ice_directory_files_remove_session_dir (self->layout.sessions, name);
    session_free (session);
    g_queue_clear_full (&messages, (GDestroyNotify) event_free);
    goto done;
  }

  GST_DEBUG_OBJECT (self, "session %s requested by %s", name, consumer);
  g_hash_table_insert (self->sessions, session->id, session);
  queue_event (&self->events, EVENT_SESSION_REQUESTED, name, consumer);
  while (!g_queue_is_empty (&messages))
    g_queue_push_tail (&self->events, g_queue_pop_head (&messages));

done:
  if (fd >= 0)
    close (fd);
  g_free (producer);
  g_free (instance);
  g_free (consumer);
  g_free (contents);
  g_free (path);
  g_free (dir_path);
}

static gboolean
is_not_in (gpointer key, gpointer value, gpointer user_data)
{
  return !g_hash_table_contains (user_data, key);
}

/* Producer: looks for new session requests. */
static void
scan_session_requests (GstIceDirectorySignaller * self)
{
  GHashTable *present;
  gchar **names;
  gint err = 0;
  guint i;

  /* leaves out requests being written */
  names = gst_ice_directory_files_list (self->layout.sessions, &err);
  if (names == NULL) {
    GST_WARNING_OBJECT (self, "cannot list '%s': %s", self->sessions_dir,
        g_strerror (err));
    return;
  }

  present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; names[i] != NULL; i++) {
    const gchar *name = names[i];

    g_hash_table_add (present, g_strdup (name));
    if (g_hash_table_contains (self->known_session_dirs, name))
      continue;
    g_hash_table_add (self->known_session_dirs, g_strdup (name));
    discover_session (self, name);
  }
  g_strfreev (names);

  /* forget the directories that are gone */
  g_hash_table_foreach_remove (self->known_session_dirs, is_not_in, present);
  g_hash_table_unref (present);
}

/* Producer: writes the producer file again if someone removed it. */
static void
check_producer_file (GstIceDirectorySignaller * self)
{
  gint err;

  if (gst_ice_directory_files_exists (self->layout.producers, self->peer_id))
    return;

  GST_WARNING_OBJECT (self, "'%s' was removed; writing it again",
      self->producer_path);
  err = write_producer_file (self);
  if (err != 0)
    GST_WARNING_OBJECT (self, "could not write '%s': %s", self->producer_path,
        g_strerror (err));
}

static void
scan (GstIceDirectorySignaller * self)
{
  if (self->role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    check_producer_file (self);
    read_sessions (self, NULL);
    scan_session_requests (self);
  } else {
    GHashTable *found = list_producers (self);

    /* sessions first: the end of a restarted producer's sessions comes
     * before its producer-added */
    read_sessions (self, found);
    if (found != NULL) {
      update_producers (self, found);
      g_hash_table_unref (found);
    }
  }
}

/* Emits the queued events.  A handler may call stop() or end_session(): the
 * queue is re-checked after each emission. */
static void
dispatch_events (GstIceDirectorySignaller * self)
{
  GstIceSignaller *signaller = GST_ICE_SIGNALLER (self);
  Event *event;

  g_object_ref (self);
  while (self->started && (event = g_queue_pop_head (&self->events)) != NULL) {
    gboolean session_open = event->session_id != NULL
        && g_hash_table_contains (self->sessions, event->session_id);

    switch (event->type) {
      case EVENT_PRODUCER_ADDED:
        gst_ice_signaller_emit_producer_added (signaller, event->text);
        break;
      case EVENT_PRODUCER_REMOVED:
        gst_ice_signaller_emit_producer_removed (signaller, event->text);
        break;
      case EVENT_SESSION_REQUESTED:
        if (session_open)
          gst_ice_signaller_emit_session_requested (signaller,
              event->session_id, event->text);
        break;
      case EVENT_SESSION_STARTED:
        if (session_open)
          gst_ice_signaller_emit_session_started (signaller,
              event->session_id, event->text);
        break;
      case EVENT_SESSION_DESCRIPTION:
        if (session_open)
          gst_ice_signaller_emit_session_description (signaller,
              event->session_id, event->text);
        break;
      case EVENT_SESSION_CANDIDATE:
        if (session_open)
          gst_ice_signaller_emit_session_candidate (signaller,
              event->session_id, event->text);
        break;
      case EVENT_SESSION_ENDED:
        if (session_open) {
          g_hash_table_remove (self->sessions, event->session_id);
          gst_ice_signaller_emit_session_ended (signaller, event->session_id);
        }
        break;
      case EVENT_ERROR:
        gst_ice_signaller_emit_error (signaller, event->error);
        break;
    }
    event_free (event);
  }
  g_object_unref (self);
}

static gboolean
dispatch_idle_cb (gpointer user_data)
{
  GstIceDirectorySignaller *self = user_data;

  g_clear_pointer (&self->dispatch_source, g_source_unref);
  if (self->scan_pending) {
    self->scan_pending = FALSE;
    scan (self);
  }
  dispatch_events (self);
  return G_SOURCE_REMOVE;
}

static gboolean
poll_cb (gpointer user_data)
{
  GstIceDirectorySignaller *self = user_data;

  self->scan_pending = FALSE;
  scan (self);
  dispatch_events (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
gst_ice_directory_signaller_prepare (GstIceSignaller * signaller,
    GError ** error)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  gboolean ret;
  gchar *root;

  g_mutex_lock (&self->lock);
  root = g_strdup (self->directory);
  g_mutex_unlock (&self->lock);

  ret = gst_ice_directory_files_make_layout (root, error);
  g_free (root);
  return ret;
}

static void
gst_ice_directory_signaller_start (GstIceSignaller * signaller,
    GstIceSignallerRole role, const gchar * peer_id)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  GError *error = NULL;
  guint poll_interval;
  gint err;

  if (self->started) {
    GST_WARNING_OBJECT (self, "started twice; stopping first");
    gst_ice_directory_signaller_stop (signaller);
  }

  g_mutex_lock (&self->lock);
  self->root = g_strdup (self->directory);
  poll_interval = self->poll_interval;
  g_mutex_unlock (&self->lock);

  self->started = TRUE;
  self->context = g_main_context_ref_thread_default ();
  self->role = role;
  self->peer_id = g_strdup (peer_id);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) session_free);
  self->producers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  self->known_session_dirs = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);

  GST_DEBUG_OBJECT (self, "starting as %s '%s' in '%s'",
      role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" : "consumer",
      peer_id, GST_STR_NULL (self->root));

  if (!gst_ice_directory_files_is_valid_name (peer_id,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH))
    goto bad_peer_id;
  if (!gst_ice_directory_files_open_layout (self->root, &self->layout, &error))
    goto failed;
  self->producers_dir = g_build_filename (self->root,
      GST_ICE_DIRECTORY_PRODUCERS_DIR, NULL);
  self->sessions_dir = g_build_filename (self->root,
      GST_ICE_DIRECTORY_SESSIONS_DIR, NULL);

  if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    self->producer_path = g_build_filename (self->producers_dir, peer_id, NULL);
    self->instance = g_strdup_printf ("%08x%08x", g_random_int (),
        g_random_int ());
    if (gst_ice_directory_files_exists (self->layout.producers, peer_id))
      GST_WARNING_OBJECT (self, "'%s' exists (an earlier run, or another "
          "producer with the same id); replacing it", self->producer_path);
    err = write_producer_file (self);
    if (err != 0)
      goto producer_file_failed;
  }

  self->poll_source = g_timeout_source_new (poll_interval);
  g_source_set_name (self->poll_source, "GstIceDirectorySignaller poll");
  g_source_set_callback (self->poll_source, poll_cb, self, NULL);
  g_source_attach (self->poll_source, self->context);

  /* look at the directory right away, not only after the first interval */
  self->scan_pending = TRUE;
  schedule_dispatch (self);
  return;

  /* ERRORS */
bad_peer_id:
  {
    queue_error (self, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
            "peer id '%s' cannot be used by the directory signaller: it "
            "becomes a file name, so it must not be empty, start with '.', "
            "contain '/', '\\' or control characters, or be longer than %d "
            "bytes", peer_id, GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH));
    return;
  }
failed:
  {
    queue_error (self, error);
    return;
  }
producer_file_failed:
  {
    queue_error (self, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "could not register producer '%s' in '%s': %s", peer_id,
            self->producer_path, gst_ice_directory_files_strerror (err)));
    return;
  }
}

static void
gst_ice_directory_signaller_stop (GstIceSignaller * signaller)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  GHashTableIter iter;
  Session *session;

  if (!self->started)
    return;

  GST_DEBUG_OBJECT (self, "stopping");
  self->started = FALSE;

  if (self->poll_source != NULL) {
    g_source_destroy (self->poll_source);
    g_clear_pointer (&self->poll_source, g_source_unref);
  }
  if (self->dispatch_source != NULL) {
    g_source_destroy (self->dispatch_source);
    g_clear_pointer (&self->dispatch_source, g_source_unref);
  }
  self->scan_pending = FALSE;

  /* Tell the other side of every open session; it removes the session
   * directory once it has read this. */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)) {
    if (!session->closed)
      append_message (self, session, gst_ice_directory_messages_write_end ());
  }

  if (self->producer_path != NULL)
    remove_producer_file (self);

  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->producers, g_hash_table_unref);
  g_clear_pointer (&self->known_session_dirs, g_hash_table_unref);
  g_clear_pointer (&self->peer_id, g_free);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->producers_dir, g_free);
  g_clear_pointer (&self->sessions_dir, g_free);
  g_clear_pointer (&self->producer_path, g_free);
  g_clear_pointer (&self->instance, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  gst_ice_directory_files_close_layout (&self->layout);
}

static void
gst_ice_directory_signaller_request_session (GstIceSignaller * signaller,
    const gchar * producer_id)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  gchar *instance = NULL;
  gchar *session_id = NULL;
  gchar *request = NULL;
  gchar *why = NULL;
  Session *session;
  gint err = EEXIST;
  guint i;

  if (!self->started || self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    GST_WARNING_OBJECT (self, "request_session() needs a started consumer");
    return;
  }

  if (gst_ice_directory_files_is_valid_name (producer_id,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH))
    instance = read_producer_instance (self, producer_id, &why);
  if (instance == NULL || instance[0] == '\0')
    goto no_producer;

  request = gst_ice_directory_messages_write_request (producer_id, instance,
      self->peer_id);
  for (i = 0; i < SESSION_CREATE_ATTEMPTS && err == EEXIST; i++) {
    g_free (session_id);
    session_id = g_strdup_printf ("%s-%08x", self->peer_id, g_random_int ());
    err = gst_ice_directory_files_make_session_dir (self->layout.sessions,
        session_id, request);
  }
  g_free (request);
  if (err != 0)
    goto create_failed;

  GST_DEBUG_OBJECT (self, "session %s requested from %s (instance %s)",
      session_id, producer_id, instance);
  session = session_new (self, session_id, producer_id);
  session->producer_instance = instance;
  g_hash_table_insert (self->sessions, session->id, session);
  queue_event (&self->events, EVENT_SESSION_STARTED, session_id, producer_id);
  schedule_dispatch (self);
  g_free (session_id);
  return;

  /* ERRORS */
no_producer:
  {
    queue_error (self, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "there is no producer '%s' in '%s'%s%s", producer_id,
            self->producers_dir, why ? ": " : "", why ? why : ""));
    g_free (instance);
    g_free (why);
    return;
  }
create_failed:
  {
    queue_error (self, g_error_new (GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
            "could not create a session directory in '%s': %s",
            self->sessions_dir, gst_ice_directory_files_strerror (err)));
    g_free (instance);
    g_free (session_id);
    return;
  }
}

static Session *
lookup_open_session (GstIceDirectorySignaller * self, const gchar * session_id,
    const gchar * what)
{
  Session *session = NULL;

  if (self->started)
    session = g_hash_table_lookup (self->sessions, session_id);
  if (session == NULL)
    GST_WARNING_OBJECT (self, "not sending %s: no session %s", what,
        session_id);
  else if (session->closed)
    GST_DEBUG_OBJECT (self, "not sending %s: %s left session %s", what,
        session->peer_id, session_id);
  if (session == NULL || session->closed)
    return NULL;
  return session;
}

static void
gst_ice_directory_signaller_send_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  GError *error = NULL;
  Session *session;
  gchar *message;
  guint n_lines;

  session = lookup_open_session (self, session_id, "a description");
  if (session == NULL)
    return;

  /* empty lines would end the message: they are dropped */
  message = gst_ice_directory_messages_write_description (description,
      &n_lines, &error);
  if (message == NULL)
    goto refused;

  GST_LOG_OBJECT (self, "session %s: sending a description of %u lines",
      session_id, n_lines);
  send_message (self, session, message);
  g_free (message);
  return;

  /* ERRORS */
refused:
  {
    GST_WARNING_OBJECT (self, "not sending %s in session %s", error->message,
        session_id);
    g_clear_error (&error);
    return;
  }
}

static void
gst_ice_directory_signaller_send_candidate (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * candidate)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  GError *error = NULL;
  Session *session;
  gchar *message;

  session = lookup_open_session (self, session_id, "a candidate");
  if (session == NULL)
    return;

  message = gst_ice_directory_messages_write_candidate (candidate, &error);
  if (message == NULL)
    goto bad_candidate;

  GST_LOG_OBJECT (self, "session %s: sending %s", session_id, candidate);
  send_message (self, session, message);
  g_free (message);
  return;

  /* ERRORS */
bad_candidate:
  {
    GST_WARNING_OBJECT (self, "not sending %s in session %s: a candidate is "
        "one non-empty line of UTF-8 text", error->message, session_id);
    g_clear_error (&error);
    return;
  }
}

static void
gst_ice_directory_signaller_end_session (GstIceSignaller * signaller,
    const gchar * session_id)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  Session *session = NULL;

  if (self->started)
    session = g_hash_table_lookup (self->sessions, session_id);
  if (session == NULL) {
    GST_DEBUG_OBJECT (self, "no session %s to end", session_id);
    return;
  }

  GST_DEBUG_OBJECT (self, "ending session %s", session_id);
  /* The other side removes the directory once it has read the end; a
   * closed session's directory is gone already. */
  if (!session->closed)
    append_message (self, session, gst_ice_directory_messages_write_end ());
  /* queued events of this session are dropped with it */
  g_hash_table_remove (self->sessions, session_id);
}

static void
gst_ice_directory_signaller_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (object);

  switch (prop_id) {
    case PROP_DIRECTORY:
      g_mutex_lock (&self->lock);
      g_free (self->directory);
      self->directory = g_value_dup_string (value);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_POLL_INTERVAL:
      g_mutex_lock (&self->lock);
      self->poll_interval = g_value_get_uint (value);
      g_mutex_unlock (&self->lock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_directory_signaller_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (object);

  switch (prop_id) {
    case PROP_DIRECTORY:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->directory);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_POLL_INTERVAL:
      g_mutex_lock (&self->lock);
      g_value_set_uint (value, self->poll_interval);
      g_mutex_unlock (&self->lock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_directory_signaller_dispose (GObject * object)
{
  gst_ice_directory_signaller_stop (GST_ICE_SIGNALLER (object));

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_ice_directory_signaller_finalize (GObject * object)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (object);

  g_free (self->directory);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ice_directory_signaller_class_init (GstIceDirectorySignallerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_ice_directory_signaller_set_property;
  gobject_class->get_property = gst_ice_directory_signaller_get_property;
  gobject_class->dispose = gst_ice_directory_signaller_dispose;
  gobject_class->finalize = gst_ice_directory_signaller_finalize;

  /**
   * GstIceDirectorySignaller:directory:
   *
   * The directory through which producers and consumers exchange their
   * messages: a local path for peers on one machine, or a folder of a
   * network file system (NFS, SMB, sshfs) mounted on every peer.  It and
   * its `producers/` and `sessions/` folders are created 0700 when missing.
   * The peers sharing it run as one user, its owner: it must belong to
   * that user and must not be writable by its group or others.  Below it,
   * no symbolic link is followed.
   *
   * Default: none, it must be set.  Unset, the element fails to go to READY
   * with "the directory signaller needs a directory: set
   * signaller::directory=PATH"; a path that cannot be created or written to
   * fails the same way with "the signalling directory 'PATH' cannot be
   * created or written to" and the system's reason; a directory of another
   * user with "... belongs to uid N ..., not to this user"; one that others
   * may write to with "... has mode 0777 ...; make it private with chmod
   * 700 'PATH'".  Read at start.
   */
  g_object_class_install_property (gobject_class, PROP_DIRECTORY,
      g_param_spec_string ("directory", "Directory",
          "Shared directory the peers exchange their messages through. "
          "Must be set; created 0700 if missing. It must belong to the user "
          "the peers run as and not be writable by group or others, or the "
          "element fails at READY naming the path and the fix "
          "(chmod 700 PATH); symbolic links below it are never followed",
          DEFAULT_DIRECTORY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstIceDirectorySignaller:poll-interval:
   *
   * How often, in milliseconds, the directory is read for producers,
   * session requests and messages.  A message takes up to this long to be
   * seen by the other peer, and every interval costs a directory listing
   * and a few file opens per session, which a network file system server
   * feels when the interval is short.
   *
   * Default 100, at least 10: a smaller value is refused by GObject with a
   * warning ("value ... is out of range") and the property keeps its value.
   * Read at start.
   */
  g_object_class_install_property (gobject_class, PROP_POLL_INTERVAL,
      g_param_spec_uint ("poll-interval", "Poll interval",
          "How often the directory is read, in milliseconds", MIN_POLL_INTERVAL,
          G_MAXUINT, DEFAULT_POLL_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
}

static void
gst_ice_directory_signaller_init (GstIceDirectorySignaller * self)
{
  g_mutex_init (&self->lock);
  self->directory = g_strdup (DEFAULT_DIRECTORY);
  self->poll_interval = DEFAULT_POLL_INTERVAL;
  self->layout.root = self->layout.producers = self->layout.sessions = -1;
  g_queue_init (&self->events);
}

static void
gst_ice_directory_signaller_signaller_init (GstIceSignallerInterface * iface)
{
  iface->prepare = gst_ice_directory_signaller_prepare;
  iface->start = gst_ice_directory_signaller_start;
  iface->stop = gst_ice_directory_signaller_stop;
  iface->request_session = gst_ice_directory_signaller_request_session;
  iface->send_description = gst_ice_directory_signaller_send_description;
  iface->send_candidate = gst_ice_directory_signaller_send_candidate;
  iface->end_session = gst_ice_directory_signaller_end_session;
}

/**
 * gst_ice_directory_signaller_new:
 * @directory: (nullable): the shared directory, see
 *   #GstIceDirectorySignaller:directory
 *
 * Returns: (transfer full): a new directory signaller
 */
GstIceSignaller *
gst_ice_directory_signaller_new (const gchar * directory)
{
  return g_object_new (GST_TYPE_ICE_DIRECTORY_SIGNALLER, "directory",
      directory, NULL);
}
