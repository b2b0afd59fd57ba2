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
 * Makes GLib's futex-based locks visible to ThreadSanitizer; preloaded
 * (LD_PRELOAD) into the test programs of the TSan build only
 * (scripts/tsan.sh).
 *
 * On Linux, GLib 2.74 builds GMutex and GCond on futexes (an atomic
 * compare-and-swap, then the futex system call), not on pthread mutexes,
 * and GLib itself is not instrumented: TSan sees none of their
 * happens-before edges and reports every field guarded by a GMutex
 * (GST_OBJECT_LOCK among them) as a race.  This library defines
 * g_mutex_lock() and the others, tells TSan what they do with its mutex
 * annotations (<sanitizer/tsan_interface.h>), and calls GLib's own,
 * found with dlsym (RTLD_NEXT).
 *
 * What it covers: every call that goes through the PLT into libglib:
 * from gst-ice, GStreamer, GObject, libnice, libsoup, json-glib.  What it
 * does not: GLib calling its own functions, which its linker binds
 * directly (checked with objdump: libglib's 170 calls to g_mutex_lock
 * are all direct): the locks inside GMainContext (attaching and
 * dispatching sources, g_main_context_invoke), GAsyncQueue, GThreadPool,
 * GTask, g_once and the bit locks (g_bit_lock, g_pointer_bit_lock) stay
 * invisible, as do the atomics of reference counts in GObject and
 * GStreamer.  Memory that gst-ice hands from one thread to another only
 * through those (the data of a g_main_context_invoke() from another
 * thread) would be reported as a race; none was in our runs.  GLib's own
 * memory moving that way is not checked (ignore_noninstrumented_modules,
 * scripts/tsan.sh).
 *
 * GRecMutex and GRWLock need nothing: GLib 2.74 builds them on
 * pthread_mutex_t and pthread_rwlock_t (allocated at first use), which
 * TSan intercepts itself, even when GLib calls them under
 * ignore_noninstrumented_modules: that flag drops what an interceptor
 * touches, not the ordering it makes (checked with two threads counting
 * under each lock: no report; without a lock: one).
 * GCond's signal and broadcast need nothing either: what a waiter
 * reads is guarded by the mutex, whose annotations make the edge.
 *
 * The annotations are weak: a program without the TSan runtime (coturn,
 * openssl, a shell the tests start) inherits LD_PRELOAD and gets plain
 * calls to GLib.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>
#include <sanitizer/tsan_interface.h>

#pragma weak __tsan_mutex_pre_lock
#pragma weak __tsan_mutex_post_lock
#pragma weak __tsan_mutex_pre_unlock
#pragma weak __tsan_mutex_post_unlock
#pragma weak __tsan_acquire
#pragma weak __tsan_release

static void (*real_mutex_lock) (GMutex *);
static void (*real_mutex_unlock) (GMutex *);
static gboolean (*real_mutex_trylock) (GMutex *);
static void (*real_cond_wait) (GCond *, GMutex *);
static gboolean (*real_cond_wait_until) (GCond *, GMutex *, gint64);
static void (*real_queue_push) (GAsyncQueue *, gpointer);
static gpointer (*real_queue_pop) (GAsyncQueue *);
static gpointer (*real_queue_try_pop) (GAsyncQueue *);
static gpointer (*real_queue_timeout_pop) (GAsyncQueue *, guint64);
static void (*real_queue_unref) (GAsyncQueue *);

static gboolean
annotating (void)
{
  return __tsan_mutex_pre_lock != NULL;
}

static void *
find_real (const char *name)
{
  void *func = dlsym (RTLD_NEXT, name);

  if (func == NULL) {
    fprintf (stderr, "tsan-glib: no %s after this library: %s\n", name,
        dlerror ());
    abort ();
  }
  return func;
}

/* At the first call, when GLib is loaded; not in a constructor: the
 * programs without GLib that inherit LD_PRELOAD must still start. */
static void
find_glib (void)
{
  if (real_mutex_lock != NULL)
    return;
  real_mutex_unlock = find_real ("g_mutex_unlock");
  real_mutex_trylock = find_real ("g_mutex_trylock");
  real_cond_wait = find_real ("g_cond_wait");
  real_cond_wait_until = find_real ("g_cond_wait_until");
  real_queue_push = find_real ("g_async_queue_push");
  real_queue_pop = find_real ("g_async_queue_pop");
  real_queue_try_pop = find_real ("g_async_queue_try_pop");
  real_queue_timeout_pop = find_real ("g_async_queue_timeout_pop");
  real_queue_unref = find_real ("g_async_queue_unref");
  /* last: the others are set once it is */
  __atomic_store_n (&real_mutex_lock, find_real ("g_mutex_lock"),
      __ATOMIC_RELEASE);
}

#define ENSURE_GLIB() G_STMT_START {                                   \
  if (__atomic_load_n (&real_mutex_lock, __ATOMIC_ACQUIRE) == NULL)     \
    find_glib ();                                                       \
} G_STMT_END

/* Neither init nor clear is annotated (__tsan_mutex_create and _destroy):
 * TSan takes both for writes to the mutex, which would race with the
 * first lock in a thread that got the object through a hand-over it does
 * not see (a GLib thread pool) and with the last unlock before a
 * finalize that GObject's reference count (an atomic in uninstrumented
 * code) orders.  A mutex is known to TSan from its first lock on, and
 * forgotten when its memory is freed. */

void
g_mutex_lock (GMutex * mutex)
{
  ENSURE_GLIB ();
  if (!annotating ()) {
    real_mutex_lock (mutex);
    return;
  }
  __tsan_mutex_pre_lock (mutex, 0);
  real_mutex_lock (mutex);
  __tsan_mutex_post_lock (mutex, 0, 0);
}

void
g_mutex_unlock (GMutex * mutex)
{
  ENSURE_GLIB ();
  if (!annotating ()) {
    real_mutex_unlock (mutex);
    return;
  }
  __tsan_mutex_pre_unlock (mutex, 0);
  real_mutex_unlock (mutex);
  __tsan_mutex_post_unlock (mutex, 0);
}

gboolean
g_mutex_trylock (GMutex * mutex)
{
  gboolean locked;

  ENSURE_GLIB ();
  if (!annotating ())
    return real_mutex_trylock (mutex);
  __tsan_mutex_pre_lock (mutex, __tsan_mutex_try_lock);
  locked = real_mutex_trylock (mutex);
  __tsan_mutex_post_lock (mutex, __tsan_mutex_try_lock |
      (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

/* GLib's wait unlocks and locks again with direct calls: the mutex is
 * told released before it and taken again after it.  Between the two
 * this thread touches nothing the mutex guards. */
void
g_cond_wait (GCond * cond, GMutex * mutex)
{
  ENSURE_GLIB ();
  if (!annotating ()) {
    real_cond_wait (cond, mutex);
    return;
  }
  __tsan_mutex_pre_unlock (mutex, 0);
  __tsan_mutex_post_unlock (mutex, 0);
  real_cond_wait (cond, mutex);
  __tsan_mutex_pre_lock (mutex, 0);
  __tsan_mutex_post_lock (mutex, 0, 0);
}

gboolean
g_cond_wait_until (GCond * cond, GMutex * mutex, gint64 end_time)
{
  gboolean signalled;

  ENSURE_GLIB ();
  if (!annotating ())
    return real_cond_wait_until (cond, mutex, end_time);
  __tsan_mutex_pre_unlock (mutex, 0);
  __tsan_mutex_post_unlock (mutex, 0);
  signalled = real_cond_wait_until (cond, mutex, end_time);
  __tsan_mutex_pre_lock (mutex, 0);
  __tsan_mutex_post_lock (mutex, 0, 0);
  return signalled;
}

/* GAsyncQueue: what a thread wrote before pushing an item is seen by the
 * thread that pops it, and by the one that frees the queue (its free
 * function gets the items left).  The queue's address stands for the
 * edge: every push releases it, every pop acquires it. */
void
g_async_queue_push (GAsyncQueue * queue, gpointer data)
{
  ENSURE_GLIB ();
  if (annotating ())
    __tsan_release (queue);
  real_queue_push (queue, data);
}

gpointer
g_async_queue_pop (GAsyncQueue * queue)
{
  gpointer data;

  ENSURE_GLIB ();
  data = real_queue_pop (queue);
  if (annotating ())
    __tsan_acquire (queue);
  return data;
}

gpointer
g_async_queue_try_pop (GAsyncQueue * queue)
{
  gpointer data;

  ENSURE_GLIB ();
  data = real_queue_try_pop (queue);
  if (annotating () && data != NULL)
    __tsan_acquire (queue);
  return data;
}

gpointer
g_async_queue_timeout_pop (GAsyncQueue * queue, guint64 timeout)
{
  gpointer data;

  ENSURE_GLIB ();
  data = real_queue_timeout_pop (queue, timeout);
  if (annotating () && data != NULL)
    __tsan_acquire (queue);
  return data;
}

void
g_async_queue_unref (GAsyncQueue * queue)
{
  ENSURE_GLIB ();
  if (annotating ())
    __tsan_acquire (queue);
  real_queue_unref (queue);
}
