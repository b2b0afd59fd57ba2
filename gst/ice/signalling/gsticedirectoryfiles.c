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

/* The file-system helpers of GstIceDirectorySignaller: the layout of the
 * shared directory, small files replaced at once, message files appended
 * to one whole message per write() and read from where the reader
 * stopped.  This is the only place where the signaller touches the file
 * system.
 *
 * Only the shared directory's own path is resolved as a path (it is the
 * user's, symbolic links and all).  Below it, every access is made
 * relative to the descriptor of an opened folder, one name at a time, with
 * O_NOFOLLOW: a symbolic link is never followed, so nothing outside the
 * directory is ever read, written or removed through one.  Only regular
 * files and folders are opened: a FIFO or a device, which could block or
 * swallow what is written, is looked at with fstatat() and refused, and
 * files are opened with O_NONBLOCK besides.  Folders are created 0700 and
 * files 0600, whatever the umask: the peers sharing a directory run as
 * one user, and the directory must be private to that user.
 *
 * Functions that can fail return 0 or an errno value, or set a GError
 * when the failure is meant for the user.  An entry that is refused
 * gives ELOOP (a symbolic link) or ENXIO (not a regular file); see
 * gst_ice_directory_files_strerror(). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticedirectoryfiles.h>
#include <gst/ice/gsticeerror.h>

#include <gst/gst.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MODE 0700
#define FILE_MODE 0600

/* how often a fresh random name is tried for a temporary file */
#define TEMP_NAME_ATTEMPTS 16

/* every open below the root: never through a symbolic link, never waiting
 * for a FIFO's other end, never taking a terminal */
#define OPEN_FLAGS (O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
#define OPEN_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

GST_DEBUG_CATEGORY_STATIC (gst_ice_directory_files_debug);
#define GST_CAT_DEFAULT gst_ice_directory_files_debug

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_directory_files_debug,
        "icedirectoryfiles", 0, "Files of the ICE directory signaller");
    g_once_init_leave (&initialized, 1);
  }
}

/* Reads up to @size bytes, fewer only at the end of the file; returns the
 * number read or -1 with errno set. */
static gssize
read_full (int fd, gchar * buf, gsize size)
{
  gsize done = 0;

  while (done < size) {
    gssize n = read (fd, buf + done, size - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    done += n;
  }
  return done;
}

/* Writes all of @len bytes; returns 0 or an errno value. */
static gint
write_full (int fd, const gchar * data, gsize len)
{
  while (len > 0) {
    gssize n = write (fd, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno;
    if (n == 0)
      return EIO;
    data += n;
    len -= n;
  }
  return 0;
}

/* Closes @fd; returns 0 or the errno value of a failed close(), which is
 * where network file systems report failed writes. */
static gint
close_fd (int fd)
{
  return close (fd) < 0 && errno != EINTR ? errno : 0;
}

/* Gives @fd (a file or folder of ours, @st its status) @mode, whatever
 * the umask made of it at creation. */
static void
set_mode (int fd, const struct stat *st, mode_t mode)
{
  if ((st->st_mode & 07777) == mode || st->st_uid != geteuid ())
    return;
  if (fchmod (fd, mode) < 0)
    GST_WARNING ("could not set mode %04o: %s", (guint) mode,
        g_strerror (errno));
}

/* Opens @name in @dir_fd as a regular file.  An existing entry is looked
 * at first, so that a FIFO or a device is not even opened; a symbolic link
 * gives ELOOP, a folder EISDIR, anything else that is not a regular file
 * ENXIO.  @st is set to the opened file's status.  A file created here
 * gets FILE_MODE. */
static gint
open_file (int dir_fd, const gchar * name, int flags, int *fd_out,
    struct stat *st)
{
  struct stat before;
  gint err;
  int fd;

  if (fstatat (dir_fd, name, &before, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK (before.st_mode))
      return ELOOP;
    if (S_ISDIR (before.st_mode))
      return EISDIR;
    if (!S_ISREG (before.st_mode))
      return ENXIO;
  } else if (errno != ENOENT || (flags & O_CREAT) == 0) {
    return errno;
  }

  fd = openat (dir_fd, name, flags | OPEN_FLAGS, FILE_MODE);
  if (fd < 0)
    return errno;
  /* swapped between the look and the open */
  if (fstat (fd, st) < 0) {
    err = errno;
    close (fd);
    return err;
  }
  if (!S_ISREG (st->st_mode)) {
    close (fd);
    return ENXIO;
  }
  if (flags & O_CREAT)
    set_mode (fd, st, FILE_MODE);
  *fd_out = fd;
  return 0;
}

/**
 * gst_ice_directory_files_is_valid_name:
 * @name: (nullable): a peer id or a session id
 * @max_length: the longest @name allowed, in bytes
 *
 * Checks a name that is used as a file name: not empty, not starting with
 * '.', UTF-8, no '/', '\\' or control characters, at most @max_length
 * bytes.
 *
 * Returns: %TRUE when @name can be used
 */
gboolean
gst_ice_directory_files_is_valid_name (const gchar * name, gsize max_length)
{
  const gchar *p;

  if (name == NULL || name[0] == '\0' || name[0] == '.')
    return FALSE;
  if (strlen (name) > max_length || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (p = name; *p != '\0'; p++) {
    if ((guchar) * p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
      return FALSE;
  }
  return TRUE;
}

/**
 * gst_ice_directory_files_strerror:
 * @err: an errno value returned by these functions
 *
 * Returns: what @err means for the entry it came from, for a log or an
 *   error message: the refusals get words of their own
 */
const gchar *
gst_ice_directory_files_strerror (gint err)
{
  switch (err) {
    case ELOOP:
      return "it is a symbolic link, which the directory signaller never "
          "follows";
    case ENXIO:
      return "it is not a regular file (a FIFO, a socket or a device), "
          "which the directory signaller never opens";
    default:
      return g_strerror (err);
  }
}

/**
 * gst_ice_directory_files_is_refused:
 * @err: an errno value returned by these functions
 *
 * Returns: %TRUE when @err says that an entry is not what it should be: a
 *   symbolic link, a FIFO or device, a folder where a file should be or
 *   the other way round.  Such an entry is left alone.
 */
gboolean
gst_ice_directory_files_is_refused (gint err)
{
  return err == ELOOP || err == ENXIO || err == EISDIR || err == ENOTDIR;
}

/* "uid 1000 (alice)" */
static gchar *
describe_uid (uid_t uid)
{
  struct passwd pwd, *result = NULL;
  gchar buf[1024];

  if (getpwuid_r (uid, &pwd, buf, sizeof (buf), &result) == 0 && result != NULL)
    return g_strdup_printf ("uid %u (%s)", (guint) uid, result->pw_name);
  return g_strdup_printf ("uid %u", (guint) uid);
}

/* Checks that the opened folder @fd (@path) belongs to this user and that
 * nobody else may write to it. */
static gboolean
check_private (int fd, const gchar * path, GError ** error)
{
  struct stat st;
  gchar *quoted = NULL, *owner = NULL, *user = NULL;

  if (fstat (fd, &st) < 0) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "the signalling directory '%s' cannot be read: %s", path,
        g_strerror (errno));
    return FALSE;
  }
  if (st.st_uid != geteuid ())
    goto foreign;
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    goto writable;
  return TRUE;

  /* ERRORS */
foreign:
  {
    owner = describe_uid (st.st_uid);
    user = describe_uid (geteuid ());
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "the signalling directory '%s' belongs to %s, not to this user, %s: "
        "the peers sharing a directory must run as its owner, since anyone "
        "who can write there can read and change the signalling; run them "
        "as %s, or use a directory of your own", path, owner, user, owner);
    g_free (owner);
    g_free (user);
    return FALSE;
  }
writable:
  {
    quoted = g_shell_quote (path);
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "the signalling directory '%s' has mode %04o: other users can write "
        "to it, and so read and change the signalling; make it private "
        "with chmod 700 %s", path, (guint) (st.st_mode & 07777), quoted);
    g_free (quoted);
    return FALSE;
  }
}

/* Creates the folder @path and its missing parents, each DIR_MODE
 * whatever the umask.  Returns 0 or an errno value. */
static gint
make_dirs (const gchar * path)
{
  struct stat st;
  gchar *parent;
  gint err = 0;
  int fd;

  if (mkdir (path, DIR_MODE) < 0) {
    if (errno == EEXIST)
      return 0;
    if (errno != ENOENT)
      return errno;
    parent = g_path_get_dirname (path);
    if (strcmp (parent, path) != 0)
      err = make_dirs (parent);
    g_free (parent);
    if (err != 0)
      return err;
    if (mkdir (path, DIR_MODE) < 0)
      return errno == EEXIST ? 0 : errno;
  }
  fd = open (path, OPEN_DIR_FLAGS);
  if (fd >= 0) {
    if (fstat (fd, &st) == 0)
      set_mode (fd, &st, DIR_MODE);
    close (fd);
  }
  return 0;
}

/* Creates the folder @name in @dir_fd (DIR_MODE) unless it exists, and
 * opens it. */
static gint
make_dir (int dir_fd, const gchar * name, int *fd_out)
{
  gboolean created = mkdirat (dir_fd, name, DIR_MODE) == 0;
  struct stat st;
  gint err;

  if (!created && errno != EEXIST)
    return errno;
  err = gst_ice_directory_files_open_dir (dir_fd, name, fd_out);
  if (err == 0 && created && fstat (*fd_out, &st) == 0)
    set_mode (*fd_out, &st, DIR_MODE);
  return err;
}

/**
 * gst_ice_directory_files_open_layout:
 * @root: (nullable): the shared directory
 * @layout: (out): its folders, opened
 * @error: return location for a %GST_ICE_ERROR_SETTINGS error
 *
 * Creates @root, @root/producers and @root/sessions where they are
 * missing (0700, whatever the umask), opens them and checks that this
 * user can use them: each must be a folder (the last two not a symbolic
 * link), belong to this user and not be writable by its group or others.
 * The error names the path that failed, what was found and what would be
 * right.  On failure nothing is left open.
 *
 * Returns: %TRUE on success
 */
gboolean
gst_ice_directory_files_open_layout (const gchar * root,
    GstIceDirectoryLayout * layout, GError ** error)
{
  const gchar *subdirs[] = { GST_ICE_DIRECTORY_PRODUCERS_DIR,
    GST_ICE_DIRECTORY_SESSIONS_DIR
  };
  int *fds[] = { &layout->producers, &layout->sessions };
  gchar *path = NULL;
  gint err = 0;
  guint i;

  layout->root = layout->producers = layout->sessions = -1;
  if (root == NULL || root[0] == '\0')
    goto no_directory;

  /* the user's own path: it may go through symbolic links */
  layout->root = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (layout->root < 0 && errno == ENOENT) {
    err = make_dirs (root);
    if (err == 0)
      layout->root = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (layout->root < 0) {
    err = err != 0 ? err : errno;
    path = g_strdup (root);
    goto not_writable;
  }
  if (!check_private (layout->root, root, error))
    goto failed;

  for (i = 0; i < G_N_ELEMENTS (subdirs); i++) {
    path = g_build_filename (root, subdirs[i], NULL);
    err = make_dir (layout->root, subdirs[i], fds[i]);
    if (err != 0)
      goto not_writable;
    if (!check_private (*fds[i], path, error))
      goto failed;
    if (faccessat (layout->root, subdirs[i], W_OK | X_OK, AT_EACCESS) < 0) {
      err = errno;
      goto not_writable;
    }
    g_clear_pointer (&path, g_free);
  }
  return TRUE;

  /* ERRORS */
no_directory:
  {
    g_set_error_literal (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "the directory signaller needs a directory: "
        "set signaller::directory=PATH");
    return FALSE;
  }
not_writable:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS,
        "the signalling directory '%s' cannot be created or written to: %s",
        path, gst_ice_directory_files_strerror (err));
    g_free (path);
    gst_ice_directory_files_close_layout (layout);
    return FALSE;
  }
failed:
  {
    g_free (path);
    gst_ice_directory_files_close_layout (layout);
    return FALSE;
  }
}

/**
 * gst_ice_directory_files_close_layout:
 * @layout: folders opened by gst_ice_directory_files_open_layout()
 *
 * Closes them; closing a closed layout does nothing.
 */
void
gst_ice_directory_files_close_layout (GstIceDirectoryLayout * layout)
{
  int *fds[] = { &layout->root, &layout->producers, &layout->sessions };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fds); i++) {
    if (*fds[i] >= 0)
      close (*fds[i]);
    *fds[i] = -1;
  }
}

/**
 * gst_ice_directory_files_make_layout:
 * @root: (nullable): the shared directory
 * @error: return location for a %GST_ICE_ERROR_SETTINGS error
 *
 * Creates and checks the layout of @root as
 * gst_ice_directory_files_open_layout() does, and closes it again.
 *
 * Returns: %TRUE on success
 */
gboolean
gst_ice_directory_files_make_layout (const gchar * root, GError ** error)
{
  GstIceDirectoryLayout layout = GST_ICE_DIRECTORY_LAYOUT_INIT;

  if (!gst_ice_directory_files_open_layout (root, &layout, error))
    return FALSE;
  gst_ice_directory_files_close_layout (&layout);
  return TRUE;
}

/**
 * gst_ice_directory_files_open_dir:
 * @dir_fd: an opened folder
 * @name: a folder in it
 * @fd: (out): set to the opened folder, to close()
 *
 * Opens @name, which must be a folder: a symbolic link is refused, even
 * one to a folder.
 *
 * Returns: 0 or an errno value: ENOENT when @name does not exist, ELOOP
 *   for a symbolic link, ENOTDIR for anything else that is not a folder
 */
gint
gst_ice_directory_files_open_dir (int dir_fd, const gchar * name, int *fd)
{
  struct stat st;
  gint err;

  *fd = openat (dir_fd, name, OPEN_DIR_FLAGS);
  if (*fd >= 0)
    return 0;
  err = errno;
  /* O_NOFOLLOW with O_DIRECTORY says ENOTDIR for a symbolic link */
  if (err == ENOTDIR && fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
      && S_ISLNK (st.st_mode))
    err = ELOOP;
  return err;
}

/* The names in @dir_fd but "." and "..", the hidden ones too if
 * @hidden; NULL with *@err set when it cannot be read. */
static gchar **
list_entries (int dir_fd, gboolean hidden, gint * err)
{
  struct dirent *entry;
  GPtrArray *names;
  DIR *dir;
  int fd;

  /* a descriptor of its own: readdir() moves its offset */
  fd = openat (dir_fd, ".", OPEN_DIR_FLAGS);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL) {
    *err = errno;
    if (fd >= 0)
      close (fd);
    return NULL;
  }

  names = g_ptr_array_new ();
  while (TRUE) {
    const gchar *name;

    errno = 0;
    entry = readdir (dir);
    if (entry == NULL)
      break;
    name = entry->d_name;
    if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
      continue;
    if (hidden || name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  }
  *err = errno;
  closedir (dir);
  g_ptr_array_add (names, NULL);
  if (*err != 0) {
    g_strfreev ((gchar **) g_ptr_array_free (names, FALSE));
    return NULL;
  }
  return (gchar **) g_ptr_array_free (names, FALSE);
}

/**
 * gst_ice_directory_files_list:
 * @dir_fd: an opened folder
 * @err: (out): set to 0 or an errno value
 *
 * Lists the entries of @dir_fd, leaving out the hidden ones (starting with
 * '.'): they are files and folders still being written.
 *
 * Returns: (transfer full): the names, or %NULL when @dir_fd cannot be
 *   read
 */
gchar **
gst_ice_directory_files_list (int dir_fd, gint * err)
{
  return list_entries (dir_fd, FALSE, err);
}

/**
 * gst_ice_directory_files_exists:
 * @dir_fd: an opened folder
 * @name: an entry of it
 *
 * Returns: %TRUE when @name exists, whatever it is (a symbolic link is not
 *   followed)
 */
gboolean
gst_ice_directory_files_exists (int dir_fd, const gchar * name)
{
  struct stat st;

  return fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/**
 * gst_ice_directory_files_read_small:
 * @dir_fd: an opened folder
 * @name: a producer or request file in it
 * @contents: (out) (transfer full): the bytes of the file followed by a NUL
 * @length: (out): the number of bytes, without the NUL
 *
 * Reads a regular file of at most %GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE
 * bytes whole.  @contents and @length are only set on success.
 *
 * Returns: 0 or an errno value, EFBIG when the file is larger
 */
gint
gst_ice_directory_files_read_small (int dir_fd, const gchar * name,
    gchar ** contents, gsize * length)
{
  gchar buf[GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE + 1];
  struct stat st;
  gssize n;
  gint err;
  int fd;

  err = open_file (dir_fd, name, O_RDONLY, &fd, &st);
  if (err != 0)
    return err;
  n = read_full (fd, buf, sizeof (buf));
  if (n < 0)
    err = errno;
  close (fd);

  if (err != 0)
    return err;
  if (n > GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE)
    return EFBIG;

  *contents = g_malloc (n + 1);
  memcpy (*contents, buf, n);
  (*contents)[n] = '\0';
  *length = n;
  return 0;
}

/**
 * gst_ice_directory_files_write_new:
 * @dir_fd: an opened folder
 * @name: the file to create in it
 * @contents: its text
 *
 * Creates @name (0600) with @contents, failing if it exists.  A file that
 * could not be written whole is removed.
 *
 * Returns: 0 or an errno value, EEXIST when @name exists
 */
gint
gst_ice_directory_files_write_new (int dir_fd, const gchar * name,
    const gchar * contents)
{
  struct stat st;
  gint err, close_err;
  int fd;

  /* O_EXCL: nothing that exists is opened, a symbolic link included */
  err = open_file (dir_fd, name, O_WRONLY | O_CREAT | O_EXCL, &fd, &st);
  if (err != 0)
    return err;
  err = write_full (fd, contents, strlen (contents));
  close_err = close_fd (fd);
  if (err == 0)
    err = close_err;
  if (err != 0)
    unlinkat (dir_fd, name, 0);
  return err;
}

/**
 * gst_ice_directory_files_replace:
 * @dir_fd: an opened folder
 * @name: the name of the file in @dir_fd
 * @contents: its new text
 *
 * Replaces @name with @contents at once: readers see the old or the new
 * file, never a part of it.  The text is written to a new temporary file
 * (0600) in @dir_fd first, hidden (its name starts with a dot) so that
 * gst_ice_directory_files_list() skips it, and renamed over @name, which
 * replaces whatever @name was without following it; the temporary file is
 * removed when that fails.
 *
 * Returns: 0 or an errno value
 */
gint
gst_ice_directory_files_replace (int dir_fd, const gchar * name,
    const gchar * contents)
{
  gchar *tmp_name = NULL;
  struct stat st;
  gint err = EEXIST, close_err;
  guint i;
  int fd = -1;

  for (i = 0; i < TEMP_NAME_ATTEMPTS && err == EEXIST; i++) {
    g_free (tmp_name);
    tmp_name = g_strdup_printf (".%s-%08x", name, g_random_int ());
    err = open_file (dir_fd, tmp_name, O_WRONLY | O_CREAT | O_EXCL, &fd, &st);
  }
  if (err != 0)
    goto done;

  err = write_full (fd, contents, strlen (contents));
  close_err = close_fd (fd);
  if (err == 0)
    err = close_err;
  if (err == 0 && renameat (dir_fd, tmp_name, dir_fd, name) < 0)
    err = errno;
  if (err != 0)
    unlinkat (dir_fd, tmp_name, 0);

done:
  g_free (tmp_name);
  return err;
}

/**
 * gst_ice_directory_files_remove:
 * @dir_fd: an opened folder
 * @name: a file in it; a symbolic link is removed itself, not followed
 *
 * Returns: 0 or an errno value
 */
gint
gst_ice_directory_files_remove (int dir_fd, const gchar * name)
{
  return unlinkat (dir_fd, name, 0) < 0 ? errno : 0;
}

/**
 * gst_ice_directory_files_append:
 * @dir_fd: an opened session folder
 * @name: a message file in it, created (0600) when missing
 * @message: one whole message
 * @size: (inout): the size @name has after this side's last append, -1
 *   when unknown; updated, -1 after a failed write
 *
 * Appends @message to @name with a single write(), so that a reader never
 * sees two appends mixed.  When @name does not have @size bytes (someone
 * else wrote into it, or an earlier write failed half way), @message is
 * preceded by an empty line: that ends whatever line or message is open
 * there, and the reader finds the header of this one.  Nothing is written
 * into anything but a regular file.
 *
 * Returns: 0 or an errno value
 */
gint
gst_ice_directory_files_append (int dir_fd, const gchar * name,
    const gchar * message, goffset * size)
{
  GString *data;
  struct stat st;
  goffset start;
  gint err, close_err;
  int fd;

  ensure_debug_category ();

  err = open_file (dir_fd, name, O_WRONLY | O_CREAT | O_APPEND, &fd, &st);
  if (err != 0)
    return err;

  data = g_string_new (message);
  start = *size;
  if (st.st_size != *size) {
    GST_WARNING ("'%s' has %" G_GOFFSET_FORMAT " bytes, %" G_GOFFSET_FORMAT
        " were written here; starting a new message after an empty line",
        name, (goffset) st.st_size, *size);
    g_string_prepend (data, "\n\n");
    start = st.st_size;
  }

  err = write_full (fd, data->str, data->len);
  close_err = close_fd (fd);
  if (err == 0)
    err = close_err;
  /* after a failed write the size is unknown: the next message starts
   * after an empty line */
  *size = err == 0 ? start + (goffset) data->len : -1;

  g_string_free (data, TRUE);
  return err;
}

/**
 * gst_ice_directory_files_read_from:
 * @dir_fd: an opened session folder
 * @name: a message file in it
 * @offset: (inout): the number of bytes of @name already used up
 * @chunk_size: the most bytes given to @func at once
 * @func: called with the bytes after @offset, chunk by chunk
 * @user_data: passed to @func
 *
 * Gives the new bytes of @name, from @offset on, to @func, which says how
 * many of them it used up; @offset moves on by that much.  Reading goes on
 * with the next chunk until the end of the file, or until @func uses up
 * nothing or returns %FALSE.  A file that shrank below @offset is read on
 * from its new end.  Only a regular file is read.
 *
 * Returns: 0 or an errno value; ENOENT when @name does not exist (yet)
 */
gint
gst_ice_directory_files_read_from (int dir_fd, const gchar * name,
    goffset * offset, gsize chunk_size, GstIceDirectoryFilesReadFunc func,
    gpointer user_data)
{
  struct stat st;
  gchar *buf;
  gsize buf_size;
  gint err;
  int fd;

  ensure_debug_category ();

  err = open_file (dir_fd, name, O_RDONLY, &fd, &st);
  if (err != 0)
    return err;

  if (st.st_size < *offset) {
    GST_WARNING ("'%s' shrank from %" G_GOFFSET_FORMAT " to %"
        G_GOFFSET_FORMAT " bytes; reading on from its new end", name, *offset,
        (goffset) st.st_size);
    *offset = st.st_size;
  }
  if (st.st_size == *offset) {
    close (fd);
    return 0;
  }

  buf_size = MIN ((guint64) (st.st_size - *offset), chunk_size);
  buf = g_malloc (buf_size);
  while (TRUE) {
    gboolean more;
    gsize consumed = 0;
    gssize n;

    if (lseek (fd, *offset, SEEK_SET) < 0) {
      err = errno;
      break;
    }
    n = read_full (fd, buf, buf_size);
    if (n < 0)
      err = errno;
    if (n <= 0)
      break;
    more = func (buf, n, *offset, &consumed, user_data);
    *offset += consumed;
    if (!more || consumed == 0 || (gsize) n < buf_size)
      break;
  }
  g_free (buf);
  close (fd);
  return err;
}

/**
 * gst_ice_directory_files_make_session_dir:
 * @sessions_fd: the opened `sessions/` folder
 * @session_id: the name of the new folder
 * @request: the text of its request file
 *
 * Creates @session_id/ (0700) with its request (0600) in one step: the
 * folder is prepared under a hidden name and renamed.
 *
 * Returns: 0 or an errno value, EEXIST when @session_id is taken
 */
gint
gst_ice_directory_files_make_session_dir (int sessions_fd,
    const gchar * session_id, const gchar * request)
{
  gchar *hidden_name = g_strconcat (".", session_id, NULL);
  struct stat st;
  gint err;
  int fd;

  /* rename() would replace an empty folder */
  if (fstatat (sessions_fd, session_id, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    err = EEXIST;
    goto done;
  }
  if (mkdirat (sessions_fd, hidden_name, DIR_MODE) < 0) {
    err = errno;
    goto done;
  }
  err = gst_ice_directory_files_open_dir (sessions_fd, hidden_name, &fd);
  if (err == 0) {
    if (fstat (fd, &st) == 0)
      set_mode (fd, &st, DIR_MODE);
    err = gst_ice_directory_files_write_new (fd,
        GST_ICE_DIRECTORY_REQUEST_FILE, request);
    close (fd);
  }
  if (err == 0 && renameat (sessions_fd, hidden_name, sessions_fd,
          session_id) < 0)
    err = errno == ENOTEMPTY ? EEXIST : errno;
  if (err != 0)
    gst_ice_directory_files_remove_session_dir (sessions_fd, hidden_name);

done:
  g_free (hidden_name);
  return err;
}

/* Removes @name from @dir_fd if it is a regular file; anything else is
 * left and logged. */
static void
remove_regular_file (int dir_fd, const gchar * name)
{
  struct stat st;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return;
  if (!S_ISREG (st.st_mode)) {
    GST_WARNING ("leaving '%s' in a session folder: %s", name,
        gst_ice_directory_files_strerror (S_ISLNK (st.st_mode) ? ELOOP :
            ENXIO));
    return;
  }
  if (unlinkat (dir_fd, name, 0) < 0 && errno != ENOENT)
    GST_DEBUG ("could not remove '%s': %s", name, g_strerror (errno));
}

/**
 * gst_ice_directory_files_remove_session_dir:
 * @sessions_fd: the opened `sessions/` folder
 * @session_id: a session folder in it
 *
 * Removes the folder @session_id and the regular files in it, the request
 * first so that the session is gone for the other side as early as
 * possible.  A @session_id that is not a folder (a symbolic link) is left
 * alone, and so is anything in it that is not a regular file, with the
 * folder.  A folder that is gone already is no error.
 *
 * Returns: 0 or an errno value: ELOOP or ENOTDIR when @session_id was
 *   refused, ENOTEMPTY when something was left in it
 */
gint
gst_ice_directory_files_remove_session_dir (int sessions_fd,
    const gchar * session_id)
{
  gchar **names;
  gint err;
  guint i;
  int fd;

  ensure_debug_category ();

  err = gst_ice_directory_files_open_dir (sessions_fd, session_id, &fd);
  if (err == ENOENT)
    return 0;
  if (err != 0) {
    GST_WARNING ("leaving the session folder '%s': %s", session_id,
        gst_ice_directory_files_strerror (err));
    return err;
  }

  remove_regular_file (fd, GST_ICE_DIRECTORY_REQUEST_FILE);
  names = list_entries (fd, TRUE, &err);
  for (i = 0; names != NULL && names[i] != NULL; i++)
    remove_regular_file (fd, names[i]);
  g_strfreev (names);
  close (fd);

  /* a symbolic link swapped in meanwhile gives ENOTDIR, and stays */
  if (unlinkat (sessions_fd, session_id, AT_REMOVEDIR) < 0 && errno != ENOENT) {
    err = errno;
    GST_DEBUG ("could not remove '%s': %s", session_id, g_strerror (err));
    return err;
  }
  return 0;
}
