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
 * Functions that can fail return 0 or an errno value, or set a GError
 * when the failure is meant for the user. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticedirectoryfiles.h>
#include <gst/ice/gsticeerror.h>

#include <gst/gst.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <sys/stat.h>
#ifdef G_OS_UNIX
#include <unistd.h>
#endif
#ifdef G_OS_WIN32
#include <io.h>
#endif

#ifndef O_BINARY
#define O_BINARY 0
#endif

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
 * gst_ice_directory_files_make_layout:
 * @root: (nullable): the shared directory
 * @error: return location for a %GST_ICE_ERROR_SETTINGS error
 *
 * Creates @root, @root/producers and @root/sessions where they are
 * missing, and checks that the last two can be written to.  The error
 * names the path that failed and the system's reason.
 *
 * Returns: %TRUE on success
 */
gboolean
gst_ice_directory_files_make_layout (const gchar * root, GError ** error)
{
  const gchar *subdirs[] = { GST_ICE_DIRECTORY_PRODUCERS_DIR,
    GST_ICE_DIRECTORY_SESSIONS_DIR
  };
  gchar *path = NULL;
  gint err = 0;
  guint i;

  if (root == NULL || root[0] == '\0')
    goto no_directory;

  if (g_mkdir_with_parents (root, 0777) < 0) {
    err = errno;
    path = g_strdup (root);
    goto not_writable;
  }

  for (i = 0; i < G_N_ELEMENTS (subdirs); i++) {
    path = g_build_filename (root, subdirs[i], NULL);
    if (g_mkdir_with_parents (path, 0777) < 0
        || g_access (path, W_OK | X_OK) < 0) {
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
        path, g_strerror (err));
    g_free (path);
    return FALSE;
  }
}

/**
 * gst_ice_directory_files_list:
 * @path: a directory
 * @error: return location for a #GFileError
 *
 * Lists the entries of @path, leaving out the hidden ones (starting with
 * '.'): they are files and directories still being written.
 *
 * Returns: (transfer full): the names, or %NULL when @path cannot be
 *   listed
 */
gchar **
gst_ice_directory_files_list (const gchar * path, GError ** error)
{
  GPtrArray *names;
  const gchar *name;
  GDir *dir;

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return NULL;

  names = g_ptr_array_new ();
  while ((name = g_dir_read_name (dir)) != NULL) {
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  }
  g_dir_close (dir);
  g_ptr_array_add (names, NULL);
  return (gchar **) g_ptr_array_free (names, FALSE);
}

/**
 * gst_ice_directory_files_exists:
 * @path: a file or directory
 *
 * Returns: %TRUE when @path exists
 */
gboolean
gst_ice_directory_files_exists (const gchar * path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/**
 * gst_ice_directory_files_read_small:
 * @path: a producer or request file
 * @contents: (out) (transfer full): the bytes of the file followed by a NUL
 * @length: (out): the number of bytes, without the NUL
 *
 * Reads a file of at most %GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE bytes
 * whole.  @contents and @length are only set on success.
 *
 * Returns: 0 or an errno value, EFBIG when the file is larger
 */
gint
gst_ice_directory_files_read_small (const gchar * path, gchar ** contents,
    gsize * length)
{
  gchar buf[GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE + 1];
  gssize n;
  gint err = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_BINARY, 0);
  if (fd < 0)
    return errno;
  n = read_full (fd, buf, sizeof (buf));
  if (n < 0)
    err = errno;
  g_close (fd, NULL);

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
 * @path: the file to create
 * @contents: its text
 *
 * Creates @path with @contents, failing if it exists.  A file that could
 * not be written whole is removed.
 *
 * Returns: 0 or an errno value, EEXIST when @path exists
 */
gint
gst_ice_directory_files_write_new (const gchar * path, const gchar * contents)
{
  gint err;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_BINARY, 0666);
  if (fd < 0)
    return errno;
  err = write_full (fd, contents, strlen (contents));
  /* network file systems report write errors on close */
  if (!g_close (fd, NULL) && err == 0)
    err = errno;
  if (err != 0)
    g_unlink (path);
  return err;
}

/**
 * gst_ice_directory_files_replace:
 * @dir: the directory of the file
 * @name: the name of the file in @dir
 * @contents: its new text
 *
 * Replaces @dir/@name with @contents at once: readers see the old or the
 * new file, never a part of it.  The text is written to a temporary file
 * in @dir first, hidden (its name starts with a dot) so that
 * gst_ice_directory_files_list() skips it, and renamed over @name; the
 * temporary file is removed when that fails.
 *
 * Returns: 0 or an errno value
 */
gint
gst_ice_directory_files_replace (const gchar * dir, const gchar * name,
    const gchar * contents)
{
  gchar *tmp_name = g_strdup_printf (".%s-XXXXXX", name);
  gchar *tmp_path = g_build_filename (dir, tmp_name, NULL);
  gchar *path = g_build_filename (dir, name, NULL);
  gint err;
  int fd;

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_BINARY, 0666);
  if (fd < 0) {
    err = errno;
    goto done;
  }
  err = write_full (fd, contents, strlen (contents));
  if (!g_close (fd, NULL) && err == 0)
    err = errno;
  if (err == 0 && g_rename (tmp_path, path) < 0)
    err = errno;
  if (err != 0)
    g_unlink (tmp_path);

done:
  g_free (tmp_name);
  g_free (tmp_path);
  g_free (path);
  return err;
}

/**
 * gst_ice_directory_files_remove:
 * @path: a file
 *
 * Returns: 0 or an errno value
 */
gint
gst_ice_directory_files_remove (const gchar * path)
{
  return g_unlink (path) < 0 ? errno : 0;
}

/**
 * gst_ice_directory_files_append:
 * @path: a message file, created when missing
 * @message: one whole message
 * @size: (inout): the size @path has after this side's last append, -1
 *   when unknown; updated, -1 after a failed write
 *
 * Appends @message to @path with a single write(), so that a reader never
 * sees two appends mixed.  When @path does not have @size bytes (someone
 * else wrote into it, or an earlier write failed half way), @message is
 * preceded by an empty line: that ends whatever line or message is open
 * there, and the reader finds the header of this one.
 *
 * Returns: 0 or an errno value; ENOENT when the directory of @path is gone
 */
gint
gst_ice_directory_files_append (const gchar * path, const gchar * message,
    goffset * size)
{
  GString *data = g_string_new (message);
  struct stat st;
  goffset start;
  gint err;
  int fd;

  ensure_debug_category ();

  fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_BINARY, 0666);
  if (fd < 0) {
    err = errno;
    goto done;
  }

  start = *size;
  if (fstat (fd, &st) == 0 && st.st_size != *size) {
    GST_WARNING ("'%s' has %" G_GOFFSET_FORMAT " bytes, %" G_GOFFSET_FORMAT
        " were written here; starting a new message after an empty line",
        path, (goffset) st.st_size, *size);
    g_string_prepend (data, "\n\n");
    start = st.st_size;
  }

  err = write_full (fd, data->str, data->len);
  if (!g_close (fd, NULL) && err == 0)
    err = errno;
  /* after a failed write the size is unknown: the next message starts
   * after an empty line */
  *size = err == 0 ? start + (goffset) data->len : -1;

done:
  g_string_free (data, TRUE);
  return err;
}

/**
 * gst_ice_directory_files_read_from:
 * @path: a message file
 * @offset: (inout): the number of bytes of @path already used up
 * @chunk_size: the most bytes given to @func at once
 * @func: called with the bytes after @offset, chunk by chunk
 * @user_data: passed to @func
 *
 * Gives the new bytes of @path, from @offset on, to @func, which says how
 * many of them it used up; @offset moves on by that much.  Reading goes on
 * with the next chunk until the end of the file, or until @func uses up
 * nothing or returns %FALSE.  A file that shrank below @offset is read on
 * from its new end.
 *
 * Returns: 0 or an errno value; ENOENT when @path does not exist (yet)
 */
gint
gst_ice_directory_files_read_from (const gchar * path, goffset * offset,
    gsize chunk_size, GstIceDirectoryFilesReadFunc func, gpointer user_data)
{
  struct stat st;
  gchar *buf;
  gsize buf_size;
  gint err = 0;
  int fd;

  ensure_debug_category ();

  fd = g_open (path, O_RDONLY | O_BINARY, 0);
  if (fd < 0)
    goto open_failed;
  if (fstat (fd, &st) < 0)
    goto stat_failed;

  if (st.st_size < *offset) {
    GST_WARNING ("'%s' shrank from %" G_GOFFSET_FORMAT " to %"
        G_GOFFSET_FORMAT " bytes; reading on from its new end", path, *offset,
        (goffset) st.st_size);
    *offset = st.st_size;
  }
  if (st.st_size == *offset) {
    g_close (fd, NULL);
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
    if (n < 0) {
      err = errno;
      GST_WARNING ("cannot read '%s': %s", path, g_strerror (err));
    }
    if (n <= 0)
      break;
    more = func (buf, n, *offset, &consumed, user_data);
    *offset += consumed;
    if (!more || consumed == 0 || (gsize) n < buf_size)
      break;
  }
  g_free (buf);
  g_close (fd, NULL);
  return err;

  /* ERRORS */
open_failed:
  {
    err = errno;
    /* ENOENT: the other side has written nothing yet */
    if (err != ENOENT)
      GST_WARNING ("cannot open '%s': %s", path, g_strerror (err));
    return err;
  }
stat_failed:
  {
    err = errno;
    GST_WARNING ("cannot read '%s': %s", path, g_strerror (err));
    g_close (fd, NULL);
    return err;
  }
}

/**
 * gst_ice_directory_files_make_session_dir:
 * @sessions_dir: DIR/sessions
 * @session_id: the name of the new directory
 * @request: the text of its request file
 *
 * Creates @sessions_dir/@session_id/ with its request in one step: the
 * directory is prepared under a hidden name and renamed.
 *
 * Returns: 0 or an errno value, EEXIST when @session_id is taken
 */
gint
gst_ice_directory_files_make_session_dir (const gchar * sessions_dir,
    const gchar * session_id, const gchar * request)
{
  gchar *hidden_name = g_strconcat (".", session_id, NULL);
  gchar *tmp_dir = g_build_filename (sessions_dir, hidden_name, NULL);
  gchar *final_dir = g_build_filename (sessions_dir, session_id, NULL);
  gchar *request_path = g_build_filename (tmp_dir,
      GST_ICE_DIRECTORY_REQUEST_FILE, NULL);
  gint err = 0;

  /* rename() would replace an empty directory */
  if (g_file_test (final_dir, G_FILE_TEST_EXISTS)) {
    err = EEXIST;
    goto done;
  }
  if (g_mkdir (tmp_dir, 0777) < 0) {
    err = errno;
    goto done;
  }
  err = gst_ice_directory_files_write_new (request_path, request);
  if (err == 0 && g_rename (tmp_dir, final_dir) < 0)
    err = errno == ENOTEMPTY ? EEXIST : errno;
  if (err != 0)
    gst_ice_directory_files_remove_session_dir (tmp_dir);

done:
  g_free (request_path);
  g_free (final_dir);
  g_free (tmp_dir);
  g_free (hidden_name);
  return err;
}

/**
 * gst_ice_directory_files_remove_session_dir:
 * @path: a session directory
 *
 * Removes @path and the files in it, the request first so that the
 * session is gone for the other side as early as possible.  Files that
 * cannot be removed are logged and left.
 */
void
gst_ice_directory_files_remove_session_dir (const gchar * path)
{
  gchar *request_path = g_build_filename (path,
      GST_ICE_DIRECTORY_REQUEST_FILE, NULL);
  const gchar *name;
  GDir *dir;

  ensure_debug_category ();

  g_unlink (request_path);
  g_free (request_path);

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      gchar *file = g_build_filename (path, name, NULL);

      if (g_unlink (file) < 0 && errno != ENOENT)
        GST_DEBUG ("could not remove '%s': %s", file, g_strerror (errno));
      g_free (file);
    }
    g_dir_close (dir);
  }
  if (g_rmdir (path) < 0 && errno != ENOENT)
    GST_DEBUG ("could not remove '%s': %s", path, g_strerror (errno));
}
