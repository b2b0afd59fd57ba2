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
 * system (NFS, SMB, sshfs).  The directory is polled every
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
 * The files are read and written by a thread of the signaller's own, so
 * that a slow or stuck network file system never holds up the main context
 * of the element (which also runs its ICE agents); the signals are still
 * emitted from that context, in order.  stop() waits at most a second for
 * that thread, and logs a warning when it had to leave it behind.
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
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_directory_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_directory_signaller_debug

#define DEFAULT_DIRECTORY NULL
#define DEFAULT_POLL_INTERVAL 100
#define MIN_POLL_INTERVAL 10

#define SESSION_CREATE_ATTEMPTS 8

/* how long stop() waits for the file-system thread */
#define STOP_TIMEOUT_MS 1000

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

/* A signal to emit, found by the worker thread and emitted from the
 * signaller's context, in the order of the queue. */
typedef struct
{
  EventType type;
  gchar *session_id;
  gchar *text;                  /* peer id, description or candidate */
  GError *error;
} Event;

typedef enum
{
  JOB_REQUEST_SESSION,
  JOB_SEND,
  JOB_END_SESSION,
  JOB_STOP,
} JobType;

/* Something the worker thread does for a method of the signaller, in the
 * order the methods were called. */
typedef struct
{
  JobType type;
  gchar *id;                    /* a session id; a producer id for a request */
  gchar *text;                  /* JOB_SEND: one whole message */
} Job;

/* A session as the worker thread sees it; removed once it is over. */
typedef struct
{
  gchar *id;
  /* the other side: the consumer on a producer, the producer on a consumer */
  gchar *peer_id;
  /* consumer: the instance token of the producer the request went to */
  gchar *producer_instance;
  gchar *dir;                   /* DIR/sessions/<id>, for the logs */
  gchar *in_path;               /* for the logs too */
  gchar *out_path;
  const gchar *out_name;        /* the file this side appends to */
  const gchar *in_name;         /* the file the other side appends to */
  goffset out_size;             /* bytes this side wrote to out_name */
  goffset in_offset;            /* bytes of in_name already consumed */
} Session;

/* The file-system side of one start() to stop(): a thread that polls the
 * directory and runs the jobs.  Reference-counted, as it may outlive the
 * signaller when stop() gives up waiting for a stuck file system. */
typedef struct
{
  gint ref_count;

  /* set before the thread starts, read-only after */
  GstIceSignallerRole role;
  gchar *name;                  /* "producer 'cam'", for the logs */
  gchar *peer_id;
  gchar *root;
  gchar *producers_dir;
  gchar *sessions_dir;
  gchar *producer_path;
  guint poll_interval;
  GAsyncQueue *jobs;
  GThread *thread;              /* NULL when it was not started */
  gint cancelled;               /* atomic: stop() was called */

  /* the worker thread's own */
  GstIceDirectoryLayout layout;
  gboolean broken;              /* the layout could not be opened */
  gchar *instance;              /* producer: the token of this run */
  GHashTable *sessions;         /* session id -> Session */
  /* consumer: producer id -> instance token, "" for an unusable file */
  GHashTable *producers;
  /* producer: names under sessions/ already looked at */
  GHashTable *known_session_dirs;
  GQueue found;                 /* events of the current step */

  /* under lock */
  GMutex lock;
  GCond cond;
  GMainContext *context;        /* where events go; released when done */
  GQueue events;
  gboolean wakeup_pending;
  gboolean finished;

  /* the context's thread only: NULL once stopped */
  GstIceDirectorySignaller *owner;
} Worker;

struct _GstIceDirectorySignaller
{
  GObject parent;

  /* properties, protected by lock, read by prepare() and start() */
  GMutex lock;
  gchar *directory;
  guint poll_interval;

  /* Between start() and stop(), from the thread of the context start()
   * was called in; the files are the worker's. */
  gboolean started;
  GstIceSignallerRole role;
  Worker *worker;
  /* ids of the sessions announced and not ended */
  GHashTable *sessions;
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

/* The worker logs without the signaller, which it may outlive */
#define WORKER_LOG(worker, level, format, ...) \
    GST_CAT_LEVEL_LOG (GST_CAT_DEFAULT, level, NULL, "%s: " format, \
        (worker)->name, ##__VA_ARGS__)

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
queue_error (GQueue * queue, GError * error)
{
  Event *event = g_new0 (Event, 1);

  GST_WARNING ("%s", error->message);
  event->type = EVENT_ERROR;
  event->error = error;
  g_queue_push_tail (queue, event);
}

static Job *
job_new (JobType type, const gchar * id, gchar * text)
{
  Job *job = g_new0 (Job, 1);

  job->type = type;
  job->id = g_strdup (id);
  job->text = text;
  return job;
}

static void
job_free (Job * job)
{
  g_free (job->id);
  g_free (job->text);
  g_free (job);
}

static void
session_free (Session * session)
{
  g_free (session->id);
  g_free (session->peer_id);
  g_free (session->producer_instance);
  g_free (session->dir);
  g_free (session->in_path);
  g_free (session->out_path);
  g_free (session);
}

static Session *
session_new (Worker * worker, const gchar * id, const gchar * peer_id)
{
  Session *session = g_new0 (Session, 1);
  gboolean producer = worker->role == GST_ICE_SIGNALLER_ROLE_PRODUCER;

  session->id = g_strdup (id);
  session->peer_id = g_strdup (peer_id);
  session->dir = g_build_filename (worker->sessions_dir, id, NULL);
  session->out_name = producer ? GST_ICE_DIRECTORY_FROM_PRODUCER_FILE :
      GST_ICE_DIRECTORY_FROM_CONSUMER_FILE;
  session->in_name = producer ? GST_ICE_DIRECTORY_FROM_CONSUMER_FILE :
      GST_ICE_DIRECTORY_FROM_PRODUCER_FILE;
  session->out_path = g_build_filename (session->dir, session->out_name, NULL);
  session->in_path = g_build_filename (session->dir, session->in_name, NULL);
  return session;
}

/* Worker */

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

  gst_ice_directory_files_close_layout (&worker->layout);
  g_async_queue_unref (worker->jobs);
  g_queue_clear_full (&worker->found, (GDestroyNotify) event_free);
  g_queue_clear_full (&worker->events, (GDestroyNotify) event_free);
  g_clear_pointer (&worker->sessions, g_hash_table_unref);
  g_clear_pointer (&worker->producers, g_hash_table_unref);
  g_clear_pointer (&worker->known_session_dirs, g_hash_table_unref);
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_mutex_clear (&worker->lock);
  g_cond_clear (&worker->cond);
  g_free (worker->name);
  g_free (worker->peer_id);
  g_free (worker->root);
  g_free (worker->producers_dir);
  g_free (worker->sessions_dir);
  g_free (worker->producer_path);
  g_free (worker->instance);
  g_free (worker);
}

static Worker *
worker_new (GstIceDirectorySignaller * owner, GstIceSignallerRole role,
    const gchar * peer_id, gchar * root, guint poll_interval)
{
  Worker *worker = g_new0 (Worker, 1);
  gboolean producer = role == GST_ICE_SIGNALLER_ROLE_PRODUCER;

  worker->ref_count = 1;
  worker->role = role;
  worker->name = g_strdup_printf ("%s '%s'", producer ? "producer" :
      "consumer", peer_id);
  worker->peer_id = g_strdup (peer_id);
  worker->root = root;
  if (root != NULL) {
    worker->producers_dir = g_build_filename (root,
        GST_ICE_DIRECTORY_PRODUCERS_DIR, NULL);
    worker->sessions_dir = g_build_filename (root,
        GST_ICE_DIRECTORY_SESSIONS_DIR, NULL);
    worker->producer_path = g_build_filename (worker->producers_dir, peer_id,
        NULL);
  }
  worker->poll_interval = poll_interval;
  worker->jobs = g_async_queue_new_full ((GDestroyNotify) job_free);
  worker->layout.root = worker->layout.producers = worker->layout.sessions = -1;
  worker->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) session_free);
  worker->producers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  worker->known_session_dirs = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  g_queue_init (&worker->found);
  g_mutex_init (&worker->lock);
  g_cond_init (&worker->cond);
  worker->context = g_main_context_ref_thread_default ();
  g_queue_init (&worker->events);
  worker->owner = owner;
  return worker;
}

static void dispatch_events (GstIceDirectorySignaller * self);

static gboolean
worker_wakeup_cb (gpointer user_data)
{
  Worker *worker = user_data;

  g_mutex_lock (&worker->lock);
  worker->wakeup_pending = FALSE;
  g_mutex_unlock (&worker->lock);

  if (worker->owner != NULL)
    dispatch_events (worker->owner);
  return G_SOURCE_REMOVE;
}

/* Hands the events found so far to the signaller's context: from any
 * thread, until the worker is finished. */
static void
worker_post (Worker * worker)
{
  GSource *source = NULL;

  if (g_queue_is_empty (&worker->found))
    return;

  g_mutex_lock (&worker->lock);
  while (!g_queue_is_empty (&worker->found))
    g_queue_push_tail (&worker->events, g_queue_pop_head (&worker->found));
  if (!worker->wakeup_pending && worker->context != NULL) {
    worker->wakeup_pending = TRUE;
    source = g_idle_source_new ();
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_name (source, "GstIceDirectorySignaller events");
    g_source_set_callback (source, worker_wakeup_cb, worker_ref (worker),
        (GDestroyNotify) worker_unref);
    g_source_attach (source, worker->context);
  }
  g_mutex_unlock (&worker->lock);
  if (source != NULL)
    g_source_unref (source);
}

static Event *
worker_pop_event (Worker * worker)
{
  Event *event;

  g_mutex_lock (&worker->lock);
  event = g_queue_pop_head (&worker->events);
  g_mutex_unlock (&worker->lock);
  return event;
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

static gboolean
worker_is_cancelled (Worker * worker)
{
  return g_atomic_int_get (&worker->cancelled);
}

/* Returns the instance token in producers/@producer_id, NULL when the file
 * is missing, "" (and *@why set) when it is not a producer file. */
static gchar *
read_producer_instance (Worker * worker, const gchar * producer_id,
    gchar ** why)
{
  const gchar *reason = NULL;
  gchar *contents = NULL;
  gchar *instance = NULL;
  gsize length = 0;
  gint err;

  err = gst_ice_directory_files_read_small (worker->layout.producers,
      producer_id, &contents, &length);
  if (err == ENOENT) {
    /* gone between the listing and now */
  } else if (err != 0) {
    *why = g_strdup_printf ("'%s/%s' cannot be read: %s",
        worker->producers_dir, producer_id,
        gst_ice_directory_files_strerror (err));
  } else {
    instance = gst_ice_directory_messages_parse_producer (contents, length,
        &reason);
    if (instance == NULL)
      *why = g_strdup_printf ("'%s/%s' %s", worker->producers_dir,
          producer_id, reason);
  }
  if (err != ENOENT && instance == NULL)
    instance = g_strdup ("");

  g_free (contents);
  return instance;
}

static gint
write_producer_file (Worker * worker)
{
  gchar *contents;
  gint err;

  contents = gst_ice_directory_messages_write_producer (worker->instance,
      g_get_host_name (), (gulong) getpid ());
  err = gst_ice_directory_files_replace (worker->layout.producers,
      worker->peer_id, contents);
  g_free (contents);
  return err;
}

/* Removes our producer file, unless another producer with the same id has
 * replaced it meanwhile. */
static void
remove_producer_file (Worker * worker)
{
  gchar *why = NULL;
  gchar *instance = read_producer_instance (worker, worker->peer_id, &why);
  gint err;

  if (g_strcmp0 (instance, worker->instance) == 0) {
    err = gst_ice_directory_files_remove (worker->layout.producers,
        worker->peer_id);
    if (err != 0) {
      WORKER_LOG (worker, GST_LEVEL_WARNING, "could not remove '%s': %s",
          worker->producer_path, g_strerror (err));
    }
  } else if (instance != NULL) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "'%s' was replaced (by another "
        "producer with the same id?); leaving it", worker->producer_path);
  }
  g_free (instance);
  g_free (why);
}

/* Turns one message of the other side into an event on @out, or logs why
 * it was skipped.  Returns TRUE when it ends the session. */
static gboolean
handle_message (Worker * worker, Session * session,
    const GstIceDirectoryMessage * message, GQueue * out)
{

  switch (message->type) {
    case GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION:
      WORKER_LOG (worker, GST_LEVEL_LOG, "session %s: description of %u "
          "lines", session->id, message->n_lines);
      queue_event (out, EVENT_SESSION_DESCRIPTION, session->id, message->text);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_CANDIDATE:
      WORKER_LOG (worker, GST_LEVEL_LOG, "session %s: candidate %s",
          session->id, message->text);
      queue_event (out, EVENT_SESSION_CANDIDATE, session->id, message->text);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_END:
      WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s: %s ended it",
          session->id, session->peer_id);
      return TRUE;
    case GST_ICE_DIRECTORY_MESSAGE_GARBAGE:
      WORKER_LOG (worker, GST_LEVEL_WARNING, "skipping %" G_GSIZE_FORMAT
          " bytes that are not a message at offset %" G_GOFFSET_FORMAT
          " of '%s'", message->size, message->offset, session->in_path);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_TOO_LONG:
      WORKER_LOG (worker, GST_LEVEL_WARNING, "skipping a message of %"
          G_GSIZE_FORMAT " bytes (at most %d) at offset %" G_GOFFSET_FORMAT
          " of '%s'", message->size, GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE,
          message->offset, session->in_path);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_REFUSED:
      WORKER_LOG (worker, GST_LEVEL_WARNING, "skipping %s at offset %"
          G_GOFFSET_FORMAT " of '%s'", message->why, message->offset,
          session->in_path);
      break;
  }
  return FALSE;
}

typedef struct
{
  Worker *worker;
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
    ctx->ended = handle_message (ctx->worker, ctx->session,
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
read_session_messages (Worker * worker, Session * session, int dir_fd,
    GQueue * out)
{
  ReadContext ctx = { worker, session, out, FALSE };
  gint err;

  err = gst_ice_directory_files_read_from (dir_fd, session->in_name,
      &session->in_offset, GST_ICE_DIRECTORY_READ_CHUNK_SIZE, parse_chunk,
      &ctx);
  if (ctx.ended)
    return SESSION_ENDED;
  if (gst_ice_directory_files_is_refused (err)) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "session %s: not reading '%s': "
        "%s; ending the session and leaving it there", session->id,
        session->in_path, gst_ice_directory_files_strerror (err));
    return SESSION_REFUSED;
  }
  /* ENOENT: the other side has written nothing yet; other errors are read
   * again at the next poll */
  if (err != 0 && err != ENOENT) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "cannot read '%s': %s",
        session->in_path, g_strerror (err));
  }
  return SESSION_OPEN;
}

/* Opens the folder of @session; logs why not. */
static SessionState
open_session_dir (Worker * worker, Session * session, int *fd)
{
  gint err;

  err = gst_ice_directory_files_open_dir (worker->layout.sessions,
      session->id, fd);
  if (err == 0)
    return SESSION_OPEN;
  if (err == ENOENT) {
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s: folder '%s' is gone",
        session->id, session->dir);
    return SESSION_GONE;
  }
  if (gst_ice_directory_files_is_refused (err)) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "session %s: '%s' is not the "
        "session's folder any more: %s; ending the session and leaving it "
        "there", session->id, session->dir,
        gst_ice_directory_files_strerror (err));
    return SESSION_REFUSED;
  }
  WORKER_LOG (worker, GST_LEVEL_WARNING, "cannot open '%s': %s", session->dir,
      g_strerror (err));
  return SESSION_OPEN;
}

/* Appends one whole message to this side's file with a single write().
 * Returns 0 or an errno value; ENOENT when the session is gone. */
static gint
append_message (Worker * worker, Session * session, const gchar * message)
{
  gint err;
  int fd;

  err = gst_ice_directory_files_open_dir (worker->layout.sessions,
      session->id, &fd);
  if (err == 0) {
    err = gst_ice_directory_files_append (fd, session->out_name, message,
        &session->out_size);
    close (fd);
  }

  if (err == ENOENT) {
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s is gone, not writing "
        "to '%s'", session->id, session->out_path);
  } else if (err != 0) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "could not write to '%s': %s",
        session->out_path, gst_ice_directory_files_strerror (err));
  }
  return err;
}

/* The other side ended or left @session, or its folder was refused: it
 * ends here too.  When the other side ended it, this side is the last one
 * that uses the folder and removes it. */
static void
end_session_here (Worker * worker, Session * session, SessionState state)
{
  gint err;

  if (state == SESSION_ENDED || state == SESSION_GONE) {
    err = gst_ice_directory_files_remove_session_dir (worker->layout.sessions,
        session->id);
    if (err != 0) {
      WORKER_LOG (worker, GST_LEVEL_WARNING, "could not remove all of "
          "'%s': %s", session->dir, gst_ice_directory_files_strerror (err));
    }
  }
  queue_event (&worker->found, EVENT_SESSION_ENDED, session->id, NULL);
}

/* Consumer: the producers present now, id -> instance ("" for files that
 * are not usable), or NULL when the folder cannot be listed. */
static GHashTable *
list_producers (Worker * worker)
{
  GHashTable *found;
  gchar **names;
  gint err = 0;
  guint i;

  /* leaves out producer files being written */
  names = gst_ice_directory_files_list (worker->layout.producers, &err);
  if (names == NULL) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "cannot list '%s': %s",
        worker->producers_dir, g_strerror (err));
    return NULL;
  }

  found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (i = 0; names[i] != NULL && !worker_is_cancelled (worker); i++) {
    const gchar *name = names[i];
    const gchar *previous = g_hash_table_lookup (worker->producers, name);
    gchar *why = NULL;
    gchar *instance;

    if (gst_ice_directory_files_is_valid_name (name,
            GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH)) {
      instance = read_producer_instance (worker, name, &why);
      if (instance == NULL)
        continue;
    } else {
      why = g_strdup_printf ("'%s' is not a valid producer id", name);
      instance = g_strdup ("");
    }

    /* warn once, not at every poll */
    if (why != NULL && g_strcmp0 (previous, "") != 0) {
      WORKER_LOG (worker, GST_LEVEL_WARNING, "ignoring producer file: %s", why);
    }
    g_free (why);
    g_hash_table_insert (found, g_strdup (name), instance);
  }
  g_strfreev (names);
  return found;
}

/* Consumer: announces the producers that are new or restarted. */
static void
update_producers (Worker * worker, GHashTable * found)
{
  GHashTableIter iter;
  const gchar *name, *instance;

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, (gpointer *) & name,
          (gpointer *) & instance)) {
    const gchar *previous = g_hash_table_lookup (worker->producers, name);

    if (instance[0] == '\0' || g_strcmp0 (previous, instance) == 0)
      continue;
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "producer %s (instance %s) is "
        "there", name, instance);
    queue_event (&worker->found, EVENT_PRODUCER_ADDED, NULL, name);
  }
  g_hash_table_iter_init (&iter, worker->producers);
  while (g_hash_table_iter_next (&iter, (gpointer *) & name, NULL)) {
    if (g_hash_table_contains (found, name))
      continue;
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "producer %s is gone", name);
    queue_event (&worker->found, EVENT_PRODUCER_REMOVED, NULL, name);
  }
  g_hash_table_unref (worker->producers);
  worker->producers = g_hash_table_ref (found);
}

/* Looks at one open session: its new messages, and whether it is over.
 * @producers: the producers present now (consumer only), or NULL when
 * they are not known. */
static SessionState
read_session (Worker * worker, Session * session, GHashTable * producers)
{
  SessionState state;
  int fd;

  state = open_session_dir (worker, session, &fd);
  if (state != SESSION_OPEN || fd < 0)
    return state;

  state = read_session_messages (worker, session, fd, &worker->found);
  if (state == SESSION_OPEN && !gst_ice_directory_files_exists (fd,
          GST_ICE_DIRECTORY_REQUEST_FILE)) {
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s: '%s' has no request "
        "any more", session->id, session->dir);
    state = SESSION_GONE;
  }
  close (fd);

  if (state == SESSION_OPEN && producers != NULL
      && g_strcmp0 (g_hash_table_lookup (producers, session->peer_id),
          session->producer_instance) != 0) {
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s: producer %s left or "
        "restarted", session->id, session->peer_id);
    state = SESSION_GONE;
  }
  return state;
}

/* Reads the messages of every open session and ends those that are over. */
static void
read_sessions (Worker * worker, GHashTable * producers)
{
  GHashTableIter iter;
  Session *session;

  g_hash_table_iter_init (&iter, worker->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)
      && !worker_is_cancelled (worker)) {
    SessionState state = read_session (worker, session, producers);

    if (state == SESSION_OPEN)
      continue;
    end_session_here (worker, session, state);
    g_hash_table_iter_remove (&iter);
  }
}

/* Producer: looks at a new entry of sessions/. */
static void
discover_session (Worker * worker, const gchar * name)
{
  gchar *dir_path = g_build_filename (worker->sessions_dir, name, NULL);
  gchar *contents = NULL;
  gchar *producer = NULL, *instance = NULL, *consumer = NULL;
  GQueue messages = G_QUEUE_INIT;
  Session *session;
  gsize length = 0;
  gint err;
  int fd = -1;

  if (!gst_ice_directory_files_is_valid_name (name,
          GST_ICE_DIRECTORY_MAX_SESSION_ID_LENGTH)) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "ignoring '%s': not a valid "
        "session id", dir_path);
    goto done;
  }

  err = gst_ice_directory_files_open_dir (worker->layout.sessions, name, &fd);
  if (err == ENOENT)
    goto done;
  if (err != 0) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "ignoring '%s': %s", dir_path,
        gst_ice_directory_files_strerror (err));
    goto done;
  }

  err = gst_ice_directory_files_read_small (fd,
      GST_ICE_DIRECTORY_REQUEST_FILE, &contents, &length);
  if (err == ENOENT) {
    /* left over from a session being removed */
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "ignoring '%s': it has no request",
        dir_path);
    goto done;
  }
  if (err != 0) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "ignoring '%s/%s': %s", dir_path,
        GST_ICE_DIRECTORY_REQUEST_FILE, gst_ice_directory_files_strerror (err));
    goto done;
  }
  if (!gst_ice_directory_messages_parse_request (contents, length, &producer,
          &instance, &consumer)) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "ignoring '%s/%s': not a session "
        "request (it needs 'producer', 'producer-instance' and 'consumer' "
        "lines)", dir_path, GST_ICE_DIRECTORY_REQUEST_FILE);
    goto done;
  }

  if (strcmp (producer, worker->peer_id) != 0)
    goto done;                  /* for another producer */

  if (strcmp (instance, worker->instance) != 0) {
    /* A request from a consumer of an earlier run of this producer: that
     * consumer ends it when it sees the new instance. */
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "removing '%s': a request to "
        "instance %s, an earlier run", dir_path, instance);
    gst_ice_directory_files_remove_session_dir (worker->layout.sessions, name);
    goto done;
  }

  session = session_new (worker, name, consumer);
  if (read_session_messages (worker, session, fd, &messages) != SESSION_OPEN) {
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s: %s left before it was "
        "answered", name, consumer);
    gst_ice_directory_files_remove_session_dir (worker->layout.sessions, name);
    session_free (session);
    g_queue_clear_full (&messages, (GDestroyNotify) event_free);
    goto done;
  }

  WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s requested by %s", name,
      consumer);
  g_hash_table_insert (worker->sessions, session->id, session);
  queue_event (&worker->found, EVENT_SESSION_REQUESTED, name, consumer);
  while (!g_queue_is_empty (&messages))
    g_queue_push_tail (&worker->found, g_queue_pop_head (&messages));

done:
  if (fd >= 0)
    close (fd);
  g_free (producer);
  g_free (instance);
  g_free (consumer);
  g_free (contents);
  g_free (dir_path);
}

static gboolean
is_not_in (gpointer key, gpointer value, gpointer user_data)
{
  return !g_hash_table_contains (user_data, key);
}

/* Producer: looks for new session requests. */
static void
scan_session_requests (Worker * worker)
{
  GHashTable *present;
  gchar **names;
  gint err = 0;
  guint i;

  /* leaves out requests being written */
  names = gst_ice_directory_files_list (worker->layout.sessions, &err);
  if (names == NULL) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "cannot list '%s': %s",
        worker->sessions_dir, g_strerror (err));
    return;
  }

  present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; names[i] != NULL && !worker_is_cancelled (worker); i++) {
    const gchar *name = names[i];

    g_hash_table_add (present, g_strdup (name));
    if (g_hash_table_contains (worker->known_session_dirs, name))
      continue;
    g_hash_table_add (worker->known_session_dirs, g_strdup (name));
    discover_session (worker, name);
  }
  /* forget the folders that are gone (the whole list was seen) */
  if (names[i] == NULL)
    g_hash_table_foreach_remove (worker->known_session_dirs, is_not_in,
        present);
  g_strfreev (names);
  g_hash_table_unref (present);
}

/* Producer: writes the producer file again if someone removed it. */
static void
check_producer_file (Worker * worker)
{
  gint err;

  if (gst_ice_directory_files_exists (worker->layout.producers,
          worker->peer_id))
    return;

  WORKER_LOG (worker, GST_LEVEL_WARNING, "'%s' was removed; writing it "
      "again", worker->producer_path);
  err = write_producer_file (worker);
  if (err != 0) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "could not write '%s': %s",
        worker->producer_path, g_strerror (err));
  }
}

static void
worker_scan (Worker * worker)
{
  if (worker->role == GST_ICE_SIGNALLER_ROLE_PRODUCER) {
    check_producer_file (worker);
    read_sessions (worker, NULL);
    scan_session_requests (worker);
  } else {
    GHashTable *found = list_producers (worker);

    /* sessions first: the end of a restarted producer's sessions comes
     * before its producer-added */
    read_sessions (worker, found);
    if (found != NULL) {
      if (!worker_is_cancelled (worker))
        update_producers (worker, found);
      g_hash_table_unref (found);
    }
  }
}

/* Opens the directory and, for a producer, registers it.  Returns FALSE
 * (with an error queued) when signalling cannot go on. */
static gboolean
worker_open (Worker * worker)
{
  GError *error = NULL;
  gint err;

  if (!gst_ice_directory_files_open_layout (worker->root, &worker->layout,
          &error)) {
    queue_error (&worker->found, error);
    return FALSE;
  }
  if (worker->role != GST_ICE_SIGNALLER_ROLE_PRODUCER)
    return TRUE;

  worker->instance = g_strdup_printf ("%08x%08x", g_random_int (),
      g_random_int ());
  if (gst_ice_directory_files_exists (worker->layout.producers,
          worker->peer_id)) {
    WORKER_LOG (worker, GST_LEVEL_WARNING, "'%s' exists (an earlier run, or "
        "another producer with the same id); replacing it",
        worker->producer_path);
  }
  err = write_producer_file (worker);
  if (err != 0) {
    queue_error (&worker->found, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING, "could not register producer '%s' in "
            "'%s': %s", worker->peer_id, worker->producer_path,
            gst_ice_directory_files_strerror (err)));
    return FALSE;
  }
  return TRUE;
}

/* Consumer: creates the folder of a new session with @producer_id. */
static void
worker_request_session (Worker * worker, const gchar * producer_id)
{
  gchar *instance = NULL, *session_id = NULL, *request, *why = NULL;
  Session *session;
  gint err = EEXIST;
  guint i;

  if (gst_ice_directory_files_is_valid_name (producer_id,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH))
    instance = read_producer_instance (worker, producer_id, &why);
  if (instance == NULL || instance[0] == '\0')
    goto no_producer;

  request = gst_ice_directory_messages_write_request (producer_id, instance,
      worker->peer_id);
  for (i = 0; i < SESSION_CREATE_ATTEMPTS && err == EEXIST; i++) {
    g_free (session_id);
    session_id = g_strdup_printf ("%s-%08x", worker->peer_id, g_random_int ());
    err = gst_ice_directory_files_make_session_dir (worker->layout.sessions,
        session_id, request);
  }
  g_free (request);
  if (err != 0)
    goto create_failed;

  WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s requested from %s "
      "(instance %s)", session_id, producer_id, instance);
  session = session_new (worker, session_id, producer_id);
  session->producer_instance = instance;
  g_hash_table_insert (worker->sessions, session->id, session);
  queue_event (&worker->found, EVENT_SESSION_STARTED, session_id, producer_id);
  g_free (session_id);
  return;

  /* ERRORS */
no_producer:
  {
    queue_error (&worker->found, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING, "there is no producer '%s' in '%s'%s%s",
            producer_id, worker->producers_dir, why ? ": " : "",
            why ? why : ""));
    g_free (instance);
    g_free (why);
    return;
  }
create_failed:
  {
    queue_error (&worker->found, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING, "could not create a session folder in "
            "'%s': %s", worker->sessions_dir,
            gst_ice_directory_files_strerror (err)));
    g_free (instance);
    g_free (session_id);
    return;
  }
}

static void
worker_send (Worker * worker, const gchar * session_id, const gchar * message)
{
  Session *session = g_hash_table_lookup (worker->sessions, session_id);
  gint err;

  if (session == NULL) {
    /* it ended here meanwhile; the signaller drops its events */
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "session %s is over: not sending",
        session_id);
    return;
  }

  err = append_message (worker, session, message);
  /* ENOENT: the other side removed the session; the next poll ends it */
  if (err == 0 || err == ENOENT)
    return;
  if (gst_ice_directory_files_is_refused (err)) {
    end_session_here (worker, session, SESSION_REFUSED);
    g_hash_table_remove (worker->sessions, session_id);
    return;
  }
  queue_error (&worker->found, g_error_new (GST_ICE_ERROR,
          GST_ICE_ERROR_SIGNALLING, "could not write to '%s': %s",
          session->out_path, g_strerror (err)));
}

/* Appends `end` to every open session and unregisters the producer. */
static void
worker_leave (Worker * worker)
{
  GHashTableIter iter;
  Session *session;

  /* the other side removes the session folder once it has read this */
  g_hash_table_iter_init (&iter, worker->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session))
    append_message (worker, session, gst_ice_directory_messages_write_end ());
  g_hash_table_remove_all (worker->sessions);

  if (worker->instance != NULL)
    remove_producer_file (worker);
}

/* Runs @job; returns FALSE when it was the last one. */
static gboolean
worker_run_job (Worker * worker, Job * job)
{

  if (worker->broken) {
    WORKER_LOG (worker, GST_LEVEL_DEBUG, "no directory: dropping job %d",
        job->type);
    return job->type != JOB_STOP;
  }

  switch (job->type) {
    case JOB_REQUEST_SESSION:
      if (!worker_is_cancelled (worker))
        worker_request_session (worker, job->id);
      break;
    case JOB_SEND:
      worker_send (worker, job->id, job->text);
      break;
    case JOB_END_SESSION:
      if (g_hash_table_contains (worker->sessions, job->id)) {
        append_message (worker, g_hash_table_lookup (worker->sessions,
                job->id), gst_ice_directory_messages_write_end ());
        g_hash_table_remove (worker->sessions, job->id);
      }
      break;
    case JOB_STOP:
      worker_leave (worker);
      return FALSE;
  }
  return TRUE;
}

/* The worker thread: polls the directory every poll-interval, and runs
 * the jobs in between, in order. */
static gpointer
worker_thread_func (gpointer user_data)
{
  Worker *worker = user_data;
  gboolean running = TRUE;
  gint64 next_poll;

  worker->broken = !worker_open (worker);
  worker_post (worker);

  /* look at the directory right away, not only after the first interval */
  next_poll = g_get_monotonic_time ();
  while (running) {
    gint64 now = g_get_monotonic_time ();
    Job *job;

    if (now >= next_poll) {
      if (!worker->broken && !worker_is_cancelled (worker))
        worker_scan (worker);
      worker_post (worker);
      next_poll = g_get_monotonic_time () +
          worker->poll_interval * G_TIME_SPAN_MILLISECOND;
      continue;
    }
    job = g_async_queue_timeout_pop (worker->jobs, next_poll - now);
    if (job == NULL)
      continue;
    running = worker_run_job (worker, job);
    job_free (job);
    worker_post (worker);
  }

  gst_ice_directory_files_close_layout (&worker->layout);
  worker_finish (worker);
  worker_unref (worker);
  return NULL;
}

/* The signaller, in its context */

/* Emits the queued events.  A handler may call stop() or end_session():
 * the state is checked again before each emission. */
static void
dispatch_events (GstIceDirectorySignaller * self)
{
  GstIceSignaller *signaller = GST_ICE_SIGNALLER (self);
  Event *event;

  g_object_ref (self);
  while (self->started && (event = worker_pop_event (self->worker)) != NULL) {
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
        g_hash_table_add (self->sessions, g_strdup (event->session_id));
        gst_ice_signaller_emit_session_requested (signaller,
            event->session_id, event->text);
        break;
      case EVENT_SESSION_STARTED:
        g_hash_table_add (self->sessions, g_strdup (event->session_id));
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
  gchar *root;

  if (self->started) {
    GST_WARNING_OBJECT (self, "started twice; stopping first");
    gst_ice_directory_signaller_stop (signaller);
  }

  g_mutex_lock (&self->lock);
  root = g_strdup (self->directory);
  poll_interval = self->poll_interval;
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "starting as %s '%s' in '%s'",
      role == GST_ICE_SIGNALLER_ROLE_PRODUCER ? "producer" : "consumer",
      peer_id, GST_STR_NULL (root));

  self->started = TRUE;
  self->role = role;
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  self->worker = worker_new (self, role, peer_id, root, poll_interval);

  if (!gst_ice_directory_files_is_valid_name (peer_id,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH))
    goto bad_peer_id;

  self->worker->thread = g_thread_try_new ("icedirsignal", worker_thread_func,
      worker_ref (self->worker), &error);
  if (self->worker->thread == NULL)
    goto no_thread;
  return;

  /* ERRORS */
bad_peer_id:
  {
    queue_error (&self->worker->found, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SETTINGS, "peer id '%s' cannot be used by the "
            "directory signaller: it becomes a file name, so it must not be "
            "empty, start with '.', contain '/', '\\' or control characters, "
            "or be longer than %d bytes", peer_id,
            GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH));
    worker_post (self->worker);
    return;
  }
no_thread:
  {
    worker_unref (self->worker);        /* the thread's reference */
    queue_error (&self->worker->found, g_error_new (GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING, "could not start the thread of the "
            "directory signaller: %s", error->message));
    worker_post (self->worker);
    g_clear_error (&error);
    return;
  }
}

static void
gst_ice_directory_signaller_stop (GstIceSignaller * signaller)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  Worker *worker = self->worker;
  gboolean finished;
  gint64 deadline;

  if (!self->started)
    return;

  GST_DEBUG_OBJECT (self, "stopping");
  self->started = FALSE;
  self->worker = NULL;
  worker->owner = NULL;
  g_clear_pointer (&self->sessions, g_hash_table_unref);

  if (worker->thread == NULL) {
    worker_finish (worker);
    worker_unref (worker);
    return;
  }

  /* The thread tells the other side of every open session, and removes
   * the producer file; it skips the rest of a poll.  A file system that
   * does not answer is not waited for longer than STOP_TIMEOUT_MS. */
  g_atomic_int_set (&worker->cancelled, TRUE);
  g_async_queue_push (worker->jobs, job_new (JOB_STOP, NULL, NULL));
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
    GST_WARNING_OBJECT (self, "the signalling directory '%s' did not answer "
        "within %d ms: not waiting for it any longer.  Its thread ends when "
        "the file system answers; until then the other peers may not learn "
        "that this one left", worker->root, STOP_TIMEOUT_MS);
    g_thread_unref (worker->thread);
  }
  worker->thread = NULL;
  worker_unref (worker);
}

static void
gst_ice_directory_signaller_request_session (GstIceSignaller * signaller,
    const gchar * producer_id)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);

  if (!self->started || self->role != GST_ICE_SIGNALLER_ROLE_CONSUMER) {
    GST_WARNING_OBJECT (self, "request_session() needs a started consumer");
    return;
  }
  /* answered with session-started, or an error */
  g_async_queue_push (self->worker->jobs, job_new (JOB_REQUEST_SESSION,
          producer_id, NULL));
}

static gboolean
is_open_session (GstIceDirectorySignaller * self, const gchar * session_id,
    const gchar * what)
{
  if (self->started && g_hash_table_contains (self->sessions, session_id))
    return TRUE;
  GST_WARNING_OBJECT (self, "not sending %s: no session %s", what, session_id);
  return FALSE;
}

static void
gst_ice_directory_signaller_send_description (GstIceSignaller * signaller,
    const gchar * session_id, const gchar * description)
{
  GstIceDirectorySignaller *self = GST_ICE_DIRECTORY_SIGNALLER (signaller);
  GError *error = NULL;
  gchar *message;
  guint n_lines;

  if (!is_open_session (self, session_id, "a description"))
    return;

  /* empty lines would end the message: they are dropped */
  message = gst_ice_directory_messages_write_description (description,
      &n_lines, &error);
  if (message == NULL)
    goto refused;

  GST_LOG_OBJECT (self, "session %s: sending a description of %u lines",
      session_id, n_lines);
  g_async_queue_push (self->worker->jobs, job_new (JOB_SEND, session_id,
          message));
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
  gchar *message;

  if (!is_open_session (self, session_id, "a candidate"))
    return;

  message = gst_ice_directory_messages_write_candidate (candidate, &error);
  if (message == NULL)
    goto bad_candidate;

  GST_LOG_OBJECT (self, "session %s: sending %s", session_id, candidate);
  g_async_queue_push (self->worker->jobs, job_new (JOB_SEND, session_id,
          message));
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

  if (!self->started || !g_hash_table_remove (self->sessions, session_id)) {
    GST_DEBUG_OBJECT (self, "no session %s to end", session_id);
    return;
  }

  GST_DEBUG_OBJECT (self, "ending session %s", session_id);
  /* The other side removes the folder once it has read the end.  Events
   * of this session still queued are dropped with it. */
  g_async_queue_push (self->worker->jobs, job_new (JOB_END_SESSION,
          session_id, NULL));
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
   * feels when the interval is short.  The reading is done by a thread of
   * the signaller's own: a slow file system delays the signalling, never
   * the media.
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
