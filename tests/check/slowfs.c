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

/* A slow file system for the tests, served over /dev/fuse with the
 * kernel's FUSE protocol (linux/fuse.h) by a thread of the test: three
 * empty folders, answered late on demand. */

/* unshare() */
#define _GNU_SOURCE

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib-unix.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/fuse.h>

#include "slowfs.h"

/* the folders: the root, producers/ and sessions/ */
#define NODE_PRODUCERS 2
#define NODE_SESSIONS 3
#define MAX_WRITE 4096
#define BUFFER_SIZE (64 * 1024)

struct _SlowFs
{
  gchar *mountpoint;
  int dev_fd;
  int wake[2];                  /* a pipe that stops the server thread */
  GThread *thread;

  GMutex lock;
  GCond cond;
  guint delay_ms;
  guint n_held;
  guint n_holding;
  gboolean closing;
};

static const gchar *
node_name (guint64 node)
{
  switch (node) {
    case NODE_PRODUCERS:
      return "producers";
    case NODE_SESSIONS:
      return "sessions";
    default:
      return NULL;
  }
}

static gboolean
node_exists (guint64 node)
{
  return node == FUSE_ROOT_ID || node_name (node) != NULL;
}

static void
fill_attr (guint64 node, struct fuse_attr *attr)
{
  memset (attr, 0, sizeof (*attr));
  attr->ino = node;
  attr->mode = S_IFDIR | 0700;
  attr->nlink = 2;
  attr->uid = geteuid ();
  attr->gid = getegid ();
  attr->blksize = 4096;
}

static void
reply (SlowFs * fs, const struct fuse_in_header *in, gint error,
    const void *data, gsize size)
{
  struct fuse_out_header out;
  struct iovec iov[2];

  out.len = sizeof (out) + (error == 0 ? size : 0);
  out.error = error;
  out.unique = in->unique;
  iov[0].iov_base = &out;
  iov[0].iov_len = sizeof (out);
  iov[1].iov_base = (void *) data;
  iov[1].iov_len = error == 0 ? size : 0;
  /* ENOENT: the caller gave up on the request (interrupted) */
  if (writev (fs->dev_fd, iov, iov[1].iov_len > 0 ? 2 : 1) < 0)
    GST_DEBUG ("slowfs: reply to %" G_GUINT64_FORMAT ": %s",
        (guint64) in->unique, g_strerror (errno));
}

/* The entries of a folder from @offset on, as many as fit in @size */
static void
reply_dir (SlowFs * fs, const struct fuse_in_header *in,
    const struct fuse_read_in *read_in)
{
  const gchar *names[4] = { ".", "..", NULL, NULL };
  guint n = 2, i;
  gchar buf[1024];
  gsize used = 0;

  if (in->nodeid == FUSE_ROOT_ID) {
    names[n++] = "producers";
    names[n++] = "sessions";
  }
  for (i = read_in->offset; i < n; i++) {
    struct fuse_dirent *dirent = (struct fuse_dirent *) (buf + used);
    gsize namelen = strlen (names[i]);
    gsize size = FUSE_DIRENT_ALIGN (FUSE_NAME_OFFSET + namelen);

    if (used + size > MIN (read_in->size, sizeof (buf)))
      break;
    memset (dirent, 0, size);
    dirent->ino = i < 2 ? in->nodeid : (i == 2 ? NODE_PRODUCERS :
        NODE_SESSIONS);
    dirent->off = i + 1;
    dirent->namelen = namelen;
    dirent->type = DT_DIR;
    memcpy (dirent->name, names[i], namelen);
    used += size;
  }
  reply (fs, in, 0, buf, used);
}

static void
answer (SlowFs * fs, const struct fuse_in_header *in, const gchar * arg)
{
  switch (in->opcode) {
    case FUSE_INIT:{
      const struct fuse_init_in *init = (const struct fuse_init_in *) arg;
      struct fuse_init_out out;

      memset (&out, 0, sizeof (out));
      out.major = FUSE_KERNEL_VERSION;
      out.minor = FUSE_KERNEL_MINOR_VERSION;
      out.max_readahead = init->max_readahead;
      out.max_background = 16;
      out.congestion_threshold = 12;
      out.max_write = MAX_WRITE;
      out.time_gran = 1;
      reply (fs, in, 0, &out, sizeof (out));
      break;
    }
    case FUSE_LOOKUP:{
      struct fuse_entry_out out;
      guint64 node = 0;

      if (in->nodeid == FUSE_ROOT_ID && strcmp (arg, "producers") == 0)
        node = NODE_PRODUCERS;
      else if (in->nodeid == FUSE_ROOT_ID && strcmp (arg, "sessions") == 0)
        node = NODE_SESSIONS;
      if (node == 0) {
        reply (fs, in, -ENOENT, NULL, 0);
        break;
      }
      memset (&out, 0, sizeof (out));
      out.nodeid = node;
      out.generation = 1;
      fill_attr (node, &out.attr);
      reply (fs, in, 0, &out, sizeof (out));
      break;
    }
    case FUSE_GETATTR:{
      struct fuse_attr_out out;

      if (!node_exists (in->nodeid)) {
        reply (fs, in, -ENOENT, NULL, 0);
        break;
      }
      memset (&out, 0, sizeof (out));
      fill_attr (in->nodeid, &out.attr);
      reply (fs, in, 0, &out, sizeof (out));
      break;
    }
    case FUSE_OPENDIR:{
      struct fuse_open_out out;

      memset (&out, 0, sizeof (out));
      out.fh = in->nodeid;
      reply (fs, in, 0, &out, sizeof (out));
      break;
    }
    case FUSE_READDIR:
      reply_dir (fs, in, (const struct fuse_read_in *) arg);
      break;
    case FUSE_STATFS:{
      struct fuse_statfs_out out;

      memset (&out, 0, sizeof (out));
      out.st.bsize = 4096;
      out.st.frsize = 4096;
      out.st.namelen = 255;
      reply (fs, in, 0, &out, sizeof (out));
      break;
    }
    case FUSE_RELEASEDIR:
    case FUSE_ACCESS:
    case FUSE_FSYNCDIR:
    case FUSE_FLUSH:
    case FUSE_DESTROY:
      reply (fs, in, 0, NULL, 0);
      break;
    case FUSE_FORGET:
    case FUSE_BATCH_FORGET:
    case FUSE_INTERRUPT:
      /* no answer */
      break;
    default:
      /* a read-only tree: creating or changing anything is refused */
      reply (fs, in, in->opcode == FUSE_MKDIR ? -EEXIST : -ENOSYS, NULL, 0);
      break;
  }
}

static gboolean
is_held (guint32 opcode)
{
  return opcode != FUSE_INIT && opcode != FUSE_FORGET
      && opcode != FUSE_BATCH_FORGET && opcode != FUSE_INTERRUPT
      && opcode != FUSE_DESTROY;
}

/* Holds a request for the delay set when it arrived, or until the delay
 * is set to 0 or the mount closes. */
static void
hold (SlowFs * fs)
{
  gint64 deadline;

  g_mutex_lock (&fs->lock);
  if (fs->delay_ms > 0 && !fs->closing) {
    deadline = g_get_monotonic_time () + fs->delay_ms * G_TIME_SPAN_MILLISECOND;
    fs->n_held++;
    fs->n_holding++;
    g_cond_broadcast (&fs->cond);
    while (!fs->closing && fs->delay_ms > 0
        && g_cond_wait_until (&fs->cond, &fs->lock, deadline));
    fs->n_holding--;
  }
  g_mutex_unlock (&fs->lock);
}

static gpointer
serve (gpointer user_data)
{
  SlowFs *fs = user_data;
  gchar *buf = g_malloc (BUFFER_SIZE);

  while (TRUE) {
    struct pollfd fds[2] = { {fs->dev_fd, POLLIN, 0}, {fs->wake[0], POLLIN, 0}
    };
    const struct fuse_in_header *in;
    gssize n;

    if (poll (fds, 2, -1) < 0 && errno != EINTR)
      break;
    if (fds[1].revents != 0)
      break;
    if (fds[0].revents == 0)
      continue;
    n = read (fs->dev_fd, buf, BUFFER_SIZE);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOENT))
      continue;
    if (n < (gssize) sizeof (struct fuse_in_header))
      break;                    /* ENODEV: unmounted */
    in = (const struct fuse_in_header *) buf;
    if (is_held (in->opcode))
      hold (fs);
    answer (fs, in, buf + sizeof (*in));
  }
  g_free (buf);
  return NULL;
}

SlowFs *
slow_fs_mount (const gchar * mountpoint, gchar ** why)
{
  SlowFs *fs;
  gchar *options;
  int dev_fd;

  if (geteuid () != 0) {
    *why = g_strdup ("it needs root, to mount a FUSE file system");
    return NULL;
  }
  /* the mount is seen by this test process only, and goes with it */
  if (unshare (CLONE_NEWNS) < 0) {
    *why = g_strdup_printf ("cannot make a mount namespace: %s",
        g_strerror (errno));
    return NULL;
  }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
    *why = g_strdup_printf ("cannot make / private in the mount namespace: "
        "%s", g_strerror (errno));
    return NULL;
  }
  dev_fd = open ("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (dev_fd < 0) {
    *why = g_strdup_printf ("cannot open /dev/fuse: %s", g_strerror (errno));
    return NULL;
  }
  options = g_strdup_printf ("fd=%d,rootmode=40000,user_id=%u,group_id=%u",
      dev_fd, (guint) geteuid (), (guint) getegid ());
  if (mount ("gst-ice-slowfs", mountpoint, "fuse", MS_NOSUID | MS_NODEV,
          options) < 0) {
    *why = g_strdup_printf ("cannot mount a FUSE file system on '%s': %s",
        mountpoint, g_strerror (errno));
    g_free (options);
    close (dev_fd);
    return NULL;
  }
  g_free (options);

  fs = g_new0 (SlowFs, 1);
  fs->mountpoint = g_strdup (mountpoint);
  fs->dev_fd = dev_fd;
  fail_unless (g_unix_open_pipe (fs->wake, FD_CLOEXEC, NULL));
  g_mutex_init (&fs->lock);
  g_cond_init (&fs->cond);
  fs->thread = g_thread_new ("slowfs", serve, fs);
  return fs;
}

void
slow_fs_set_delay (SlowFs * fs, guint ms)
{
  g_mutex_lock (&fs->lock);
  fs->delay_ms = ms;
  g_cond_broadcast (&fs->cond);
  g_mutex_unlock (&fs->lock);
}

guint
slow_fs_get_n_held (SlowFs * fs)
{
  guint n;

  g_mutex_lock (&fs->lock);
  n = fs->n_held;
  g_mutex_unlock (&fs->lock);
  return n;
}

guint
slow_fs_get_n_holding (SlowFs * fs)
{
  guint n;

  g_mutex_lock (&fs->lock);
  n = fs->n_holding;
  g_mutex_unlock (&fs->lock);
  return n;
}

void
slow_fs_unmount (SlowFs * fs)
{
  g_mutex_lock (&fs->lock);
  fs->closing = TRUE;
  g_cond_broadcast (&fs->cond);
  g_mutex_unlock (&fs->lock);

  fail_unless_equals_int (write (fs->wake[1], "x", 1), 1);
  g_thread_join (fs->thread);
  /* the last descriptor of the device aborts the connection: whatever
   * still uses the mount gets ENOTCONN */
  close (fs->dev_fd);
  if (umount2 (fs->mountpoint, MNT_DETACH) < 0)
    GST_WARNING ("slowfs: umount %s: %s", fs->mountpoint, g_strerror (errno));
  close (fs->wake[0]);
  close (fs->wake[1]);
  g_mutex_clear (&fs->lock);
  g_cond_clear (&fs->cond);
  g_free (fs->mountpoint);
  g_free (fs);
}
