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

/* The file-system helpers of the directory signaller, each test in a
 * fresh temporary directory. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gst/ice/signalling/gsticedirectoryfiles.h>
#include <gst/ice/gsticeerror.h>

#include "testdir.h"

#define BIG_FILE_SIZE (128 * 1024)
#define N_REPLACES 200
#define N_APPENDS 500
#define APPEND_LINE_LENGTH 4000

static gchar *tmp_dir;
static int tmp_fd = -1;

static int
open_dir (const gchar * path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  fail_unless (fd >= 0, "cannot open %s", path);
  return fd;
}

static void
setup (void)
{
  tmp_dir = test_dir_new ("gst-ice-dirfiles");
  tmp_fd = open_dir (tmp_dir);
}

static void
teardown (void)
{
  close (tmp_fd);
  tmp_fd = -1;
  test_dir_remove (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* An opened folder that was removed since: what a signaller holds when
 * someone removed the folder under it */
static int
open_removed_dir (const gchar * name)
{
  gchar *path = g_build_filename (tmp_dir, name, NULL);
  int fd;

  fail_unless_equals_int (g_mkdir (path, 0700), 0);
  fd = open_dir (path);
  fail_unless_equals_int (g_rmdir (path), 0);
  g_free (path);
  return fd;
}

static gchar *
tmp_path (const gchar * name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

/* All entries of @path, hidden ones too, sorted and joined with ',' */
static gchar *
entries (const gchar * path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;
  gchar *joined;

  fail_unless (dir != NULL, "cannot list %s", path);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv (",", (gchar **) names->pdata);
  g_ptr_array_unref (names);
  return joined;
}

static void
check_entries (const gchar * path, const gchar * expected)
{
  gchar *found = entries (path);

  fail_unless_equals_string (found, expected);
  g_free (found);
}

static void
check_contents (const gchar * path, const gchar * expected)
{
  gchar *contents = NULL;

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "cannot read %s", path);
  fail_unless_equals_string (contents, expected);
  g_free (contents);
}

static void
write_file (const gchar * path, const gchar * contents, gssize len)
{
  fail_unless (g_file_set_contents (path, contents, len, NULL),
      "cannot write %s", path);
}

GST_START_TEST (test_valid_name)
{
  gchar *longest = g_strnfill (GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH, 'p');
  const gchar *bad[] = { "", ".", "..", ".hidden", "a/b", "../a", "a\\b",
    "a\nb", "a\tb", "a\x7f", "\xff", "caf\xc3"
  };
  guint i;

  fail_unless (gst_ice_directory_files_is_valid_name ("cam-1", 8));
  fail_unless (gst_ice_directory_files_is_valid_name ("caméra 2.0", 16));
  fail_unless (gst_ice_directory_files_is_valid_name (longest,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH));
  fail_if (gst_ice_directory_files_is_valid_name (longest,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH - 1));
  fail_if (gst_ice_directory_files_is_valid_name (NULL, 8));
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    fail_if (gst_ice_directory_files_is_valid_name (bad[i], 8),
        "'%s' accepted", bad[i]);

  g_free (longest);
}

GST_END_TEST;

GST_START_TEST (test_make_layout)
{
  gchar *root = g_build_filename (tmp_dir, "a", "b", NULL);
  gchar *producers = g_build_filename (root, "producers", NULL);
  gchar *sessions = g_build_filename (root, "sessions", NULL);
  gchar *file = tmp_path ("file");
  gchar *under_file = g_build_filename (file, "signalling", NULL);
  GError *error = NULL;

  fail_unless (gst_ice_directory_files_make_layout (root, &error));
  fail_unless (g_file_test (producers, G_FILE_TEST_IS_DIR));
  fail_unless (g_file_test (sessions, G_FILE_TEST_IS_DIR));
  /* an existing layout is fine */
  fail_unless (gst_ice_directory_files_make_layout (root, &error));

  fail_if (gst_ice_directory_files_make_layout (NULL, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  fail_unless_equals_string (error->message,
      "the directory signaller needs a directory: "
      "set signaller::directory=PATH");
  g_clear_error (&error);
  fail_if (gst_ice_directory_files_make_layout ("", &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  g_clear_error (&error);

  /* the error names the path that failed, and why */
  write_file (file, "not a directory\n", -1);
  fail_if (gst_ice_directory_files_make_layout (under_file, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  fail_unless (g_str_has_prefix (error->message,
          "the signalling directory '"), "%s", error->message);
  fail_unless (strstr (error->message, under_file) != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, g_strerror (ENOTDIR)) != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* a part of the layout that is not a directory is named itself */
  test_dir_remove (sessions);
  write_file (sessions, "", -1);
  fail_if (gst_ice_directory_files_make_layout (root, &error));
  fail_unless (strstr (error->message, sessions) != NULL, "%s", error->message);
  g_clear_error (&error);

  g_free (under_file);
  g_free (file);
  g_free (sessions);
  g_free (producers);
  g_free (root);
}

GST_END_TEST;

GST_START_TEST (test_list)
{
  gchar *dir = tmp_path ("d");
  gchar *path;
  gint err = -1;
  gchar **names;
  int fd;

  fail_unless_equals_int (g_mkdir (dir, 0755), 0);
  path = g_build_filename (dir, "b", NULL);
  fail_unless_equals_int (g_mkdir (path, 0755), 0);
  g_free (path);
  path = g_build_filename (dir, "a", NULL);
  write_file (path, "", -1);
  g_free (path);
  path = g_build_filename (dir, ".a-XXXXXX", NULL);
  write_file (path, "", -1);
  g_free (path);

  /* entries being written (hidden) are left out */
  fd = open_dir (dir);
  names = gst_ice_directory_files_list (fd, &err);
  fail_unless (names != NULL);
  fail_unless_equals_int (err, 0);
  fail_unless_equals_int (g_strv_length (names), 2);
  fail_unless (g_strv_contains ((const gchar * const *) names, "a"));
  fail_unless (g_strv_contains ((const gchar * const *) names, "b"));
  g_strfreev (names);
  close (fd);

  fail_unless_equals_int (gst_ice_directory_files_open_dir (tmp_fd, "missing",
          &fd), ENOENT);

  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_read_small)
{
  gchar *path = tmp_path ("small");
  gchar *contents = NULL;
  gchar *max;
  gsize length = 0;

  /* bytes as they are, NUL-terminated */
  write_file (path, "instance\0ab\r\n", 13);
  fail_unless_equals_int (gst_ice_directory_files_read_small (tmp_fd, "small",
          &contents, &length), 0);
  fail_unless_equals_int (length, 13);
  fail_unless (memcmp (contents, "instance\0ab\r\n", 14) == 0);
  g_clear_pointer (&contents, g_free);

  max = g_strnfill (GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE + 1, 'x');
  write_file (path, max, GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE);
  fail_unless_equals_int (gst_ice_directory_files_read_small (tmp_fd, "small",
          &contents, &length), 0);
  fail_unless_equals_int (length, GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE);
  g_clear_pointer (&contents, g_free);

  /* one byte more is refused, and nothing is returned */
  write_file (path, max, GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE + 1);
  fail_unless_equals_int (gst_ice_directory_files_read_small (tmp_fd, "small",
          &contents, &length), EFBIG);
  fail_unless (contents == NULL);

  fail_unless_equals_int (g_unlink (path), 0);
  fail_unless_equals_int (gst_ice_directory_files_read_small (tmp_fd, "small",
          &contents, &length), ENOENT);
  fail_unless (contents == NULL);

  g_free (max);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_write_new)
{
  gchar *path = tmp_path ("request");
  int missing = open_removed_dir ("missing");

  fail_unless_equals_int (gst_ice_directory_files_write_new (tmp_fd, "request",
          "first\n"), 0);
  check_contents (path, "first\n");

  /* an existing file is left alone */
  fail_unless_equals_int (gst_ice_directory_files_write_new (tmp_fd,
          "request", "second\n"), EEXIST);
  check_contents (path, "first\n");

  fail_unless_equals_int (gst_ice_directory_files_write_new (missing,
          "request", "x"), ENOENT);
  check_entries (tmp_dir, "request");

  close (missing);
  g_free (path);
}

GST_END_TEST;

typedef struct
{
  const gchar *path;
  gint stop;
  guint reads;
  guint bad_reads;
} Reader;

/* Reads the file over and over: it must always be whole */
static gpointer
reader_thread (gpointer user_data)
{
  Reader *reader = user_data;

  while (!g_atomic_int_get (&reader->stop)) {
    gchar *contents = NULL;
    gsize length = 0, i;
    gboolean whole;

    if (!g_file_get_contents (reader->path, &contents, &length, NULL)) {
      reader->bad_reads++;
      continue;
    }
    whole = length == BIG_FILE_SIZE;
    for (i = 1; i < length && whole; i++)
      whole = contents[i] == contents[0];
    if (!whole)
      reader->bad_reads++;
    reader->reads++;
    g_free (contents);
  }
  return NULL;
}

GST_START_TEST (test_replace)
{
  gchar *path = tmp_path ("producer");
  gchar *dir_in_the_way = tmp_path ("in-the-way");
  gchar *file_in_it = g_build_filename (dir_in_the_way, "f", NULL);
  int missing = open_removed_dir ("missing");
  gchar *big[2];
  Reader reader = { path, 0, 0, 0 };
  GThread *thread;
  guint i;

  fail_unless_equals_int (gst_ice_directory_files_replace (tmp_fd,
          "producer", "instance 01\n"), 0);
  check_contents (path, "instance 01\n");
  fail_unless_equals_int (gst_ice_directory_files_replace (tmp_fd,
          "producer", "instance 02\n"), 0);
  check_contents (path, "instance 02\n");
  /* no temporary file is left */
  check_entries (tmp_dir, "producer");

  /* a reader never sees a part of the file */
  big[0] = g_strnfill (BIG_FILE_SIZE, 'a');
  big[1] = g_strnfill (BIG_FILE_SIZE, 'b');
  fail_unless_equals_int (gst_ice_directory_files_replace (tmp_fd,
          "producer", big[0]), 0);
  thread = g_thread_new ("reader", reader_thread, &reader);
  for (i = 0; i < N_REPLACES; i++)
    fail_unless_equals_int (gst_ice_directory_files_replace (tmp_fd,
            "producer", big[i % 2]), 0);
  g_atomic_int_set (&reader.stop, 1);
  g_thread_join (thread);
  GST_INFO ("%u reads", reader.reads);
  fail_unless (reader.reads > 0);
  fail_unless_equals_int (reader.bad_reads, 0);
  check_entries (tmp_dir, "producer");

  /* a failed rename removes the temporary file */
  fail_unless_equals_int (g_mkdir (dir_in_the_way, 0755), 0);
  write_file (file_in_it, "", -1);
  fail_unless (gst_ice_directory_files_replace (tmp_fd, "in-the-way",
          "instance 03\n") != 0);
  check_entries (tmp_dir, "in-the-way,producer");
  check_entries (dir_in_the_way, "f");

  fail_unless_equals_int (gst_ice_directory_files_replace (missing,
          "producer", "x"), ENOENT);
  check_entries (tmp_dir, "in-the-way,producer");

  g_free (big[0]);
  g_free (big[1]);
  close (missing);
  g_free (file_in_it);
  g_free (dir_in_the_way);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_remove)
{
  gchar *path = tmp_path ("producer");

  write_file (path, "x", -1);
  fail_unless (gst_ice_directory_files_exists (tmp_fd, "producer"));
  fail_unless_equals_int (gst_ice_directory_files_remove (tmp_fd, "producer"),
      0);
  fail_if (gst_ice_directory_files_exists (tmp_fd, "producer"));
  fail_unless_equals_int (gst_ice_directory_files_remove (tmp_fd, "producer"),
      ENOENT);

  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_append)
{
  gchar *path = tmp_path ("from-producer");
  int missing = open_removed_dir ("gone");
  const gchar *m1 = "candidate\na=candidate:1\n\n";
  const gchar *m2 = "end\n\n";
  gchar *expected;
  goffset size = 0;
  FILE *f;

  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd,
          "from-producer", m1, &size), 0);
  check_contents (path, m1);
  fail_unless_equals_int64 (size, strlen (m1));

  /* someone else wrote into the file: an empty line first ends that */
  f = g_fopen (path, "ab");
  fail_unless (f != NULL);
  fail_unless (fputs ("junk", f) >= 0);
  fail_unless_equals_int (fclose (f), 0);
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd,
          "from-producer", m2, &size), 0);
  expected = g_strconcat (m1, "junk", "\n\n", m2, NULL);
  check_contents (path, expected);
  fail_unless_equals_int64 (size, strlen (expected));
  g_free (expected);

  /* the size is right again: no empty line */
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd,
          "from-producer", m2, &size), 0);
  expected = g_strconcat (m1, "junk", "\n\n", m2, m2, NULL);
  check_contents (path, expected);
  g_free (expected);

  /* the session directory is gone: the size stays as it was */
  size = 10;
  fail_unless_equals_int (gst_ice_directory_files_append (missing,
          "from-producer", m2, &size), ENOENT);
  fail_unless_equals_int64 (size, 10);
  fail_if (gst_ice_directory_files_exists (missing, "from-producer"));

  close (missing);
  g_free (path);
}

GST_END_TEST;

typedef struct
{
  const gchar *name;
  gchar letter;
  gint err;                     /* the first error of an append */
} Appender;

static gpointer
appender_thread (gpointer user_data)
{
  Appender *appender = user_data;
  gchar *line = g_strnfill (APPEND_LINE_LENGTH, appender->letter);
  gchar *message = g_strdup_printf ("candidate\n%s\n\n", line);
  goffset size = -1;
  guint i;

  for (i = 0; i < N_APPENDS && appender->err == 0; i++)
    appender->err = gst_ice_directory_files_append (tmp_fd, appender->name,
        message, &size);
  g_free (message);
  g_free (line);
  return NULL;
}

GST_START_TEST (test_append_is_one_write)
{
  gchar *path = tmp_path ("from-consumer");
  Appender appenders[2];
  GThread *threads[2];
  gchar *contents = NULL;
  gchar **lines;
  guint i, counts[2] = { 0, 0 };
  gboolean after_header = FALSE;

  /* two writers at once, as two peers writing into a file by mistake: with
   * one write() per message, their messages never mix */
  for (i = 0; i < 2; i++) {
    appenders[i].name = "from-consumer";
    appenders[i].letter = 'a' + i;
    appenders[i].err = 0;
    threads[i] = g_thread_new ("appender", appender_thread, &appenders[i]);
  }
  for (i = 0; i < 2; i++) {
    g_thread_join (threads[i]);
    fail_unless_equals_int (appenders[i].err, 0);
  }

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    const gchar *line = lines[i];

    if (line[0] == '\0') {
      fail_if (after_header, "line %u: a header without its candidate", i);
      continue;
    }
    if (!after_header) {
      fail_unless_equals_string (line, "candidate");
      after_header = TRUE;
      continue;
    }
    fail_unless_equals_int (strlen (line), APPEND_LINE_LENGTH);
    fail_unless (line[0] == 'a' || line[0] == 'b');
    fail_unless (strspn (line, line[0] == 'a' ? "a" : "b") ==
        APPEND_LINE_LENGTH, "line %u is mixed", i);
    counts[line[0] - 'a']++;
    after_header = FALSE;
  }
  fail_unless_equals_int (counts[0], N_APPENDS);
  fail_unless_equals_int (counts[1], N_APPENDS);

  g_strfreev (lines);
  g_free (contents);
  g_free (path);
}

GST_END_TEST;

typedef struct
{
  GString *calls;               /* "OFFSET:DATA;" per call */
  gsize consume;                /* bytes used up per call, at most */
  gboolean more;
} Chunks;

static gboolean
record_chunk (const gchar * data, gsize len, goffset offset, gsize * consumed,
    gpointer user_data)
{
  Chunks *chunks = user_data;

  g_string_append_printf (chunks->calls, "%" G_GOFFSET_FORMAT ":", offset);
  g_string_append_len (chunks->calls, data, len);
  g_string_append_c (chunks->calls, ';');
  *consumed = MIN (len, chunks->consume);
  return chunks->more;
}

/* Reads @name from *@offset in chunks of 4, using up @consume bytes of
 * each, and returns the calls made. */
static gchar *
read_from (const gchar * name, goffset * offset, gsize consume,
    gboolean more, gint expected_err)
{
  Chunks chunks = { g_string_new (NULL), consume, more };

  fail_unless_equals_int (gst_ice_directory_files_read_from (tmp_fd,
          name, offset, 4, record_chunk, &chunks), expected_err);
  return g_string_free (chunks.calls, FALSE);
}

static void
check_read_from (const gchar * name, goffset offset, gsize consume,
    gboolean more, const gchar * expected_calls, goffset expected_offset)
{
  gchar *calls = read_from (name, &offset, consume, more, 0);

  fail_unless_equals_string (calls, expected_calls);
  fail_unless_equals_int64 (offset, expected_offset);
  g_free (calls);
}

GST_START_TEST (test_read_from)
{
  gchar *path = tmp_path ("from-producer");
  goffset offset = 3;
  gchar *calls;

  /* nothing written yet */
  calls = read_from ("from-producer", &offset, 4, TRUE, ENOENT);
  fail_unless_equals_string (calls, "");
  fail_unless_equals_int64 (offset, 3);
  g_free (calls);

  write_file (path, "0123456789", -1);
  /* chunk by chunk to the end */
  check_read_from ("from-producer", 0, 4, TRUE, "0:0123;4:4567;8:89;", 10);
  /* from where the reader stopped; nothing new: no call */
  check_read_from ("from-producer", 6, 4, TRUE, "6:6789;", 10);
  check_read_from ("from-producer", 10, 4, TRUE, "", 10);
  /* bytes not used up come again in the next chunk */
  check_read_from ("from-producer", 0, 3, TRUE, "0:0123;3:3456;6:6789;9:9;",
      10);
  /* nothing used up, or told to stop: no further chunk */
  check_read_from ("from-producer", 0, 0, TRUE, "0:0123;", 0);
  check_read_from ("from-producer", 0, 2, FALSE, "0:0123;", 2);
  /* a file that shrank is read on from its new end */
  check_read_from ("from-producer", 20, 4, TRUE, "", 10);
  write_file (path, "01234", -1);
  check_read_from ("from-producer", 8, 4, TRUE, "", 5);

  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_session_dir)
{
  gchar *sessions = tmp_path ("sessions");
  gchar *s1 = g_build_filename (sessions, "s1", NULL);
  gchar *s2 = g_build_filename (sessions, "s2", NULL);
  gchar *request = g_build_filename (s1, "request", NULL);
  gchar *from_producer = g_build_filename (s1, "from-producer", NULL);
  int missing = open_removed_dir ("missing");
  int sessions_fd;

  fail_unless_equals_int (g_mkdir (sessions, 0755), 0);
  sessions_fd = open_dir (sessions);
  fail_unless_equals_int (gst_ice_directory_files_make_session_dir
      (sessions_fd, "s1", "producer p\n"), 0);
  check_contents (request, "producer p\n");
  /* made under a hidden name, then renamed: nothing else is left */
  check_entries (sessions, "s1");
  check_entries (s1, "request");

  /* a taken id is refused, the session there left alone */
  fail_unless_equals_int (gst_ice_directory_files_make_session_dir
      (sessions_fd, "s1", "producer q\n"), EEXIST);
  check_contents (request, "producer p\n");
  fail_unless_equals_int (g_mkdir (s2, 0755), 0);
  fail_unless_equals_int (gst_ice_directory_files_make_session_dir
      (sessions_fd, "s2", "producer q\n"), EEXIST);
  check_entries (sessions, "s1,s2");
  check_entries (s2, "");

  fail_unless_equals_int (gst_ice_directory_files_make_session_dir (missing,
          "s1", "producer p\n"), ENOENT);
  fail_if (gst_ice_directory_files_exists (tmp_fd, "missing"));

  /* removed with the files in it */
  write_file (from_producer, "end\n\n", -1);
  fail_unless_equals_int (gst_ice_directory_files_remove_session_dir
      (sessions_fd, "s1"), 0);
  fail_if (gst_ice_directory_files_exists (sessions_fd, "s1"));
  check_entries (sessions, "s2");
  /* a session directory removed already is no error */
  fail_unless_equals_int (gst_ice_directory_files_remove_session_dir
      (sessions_fd, "s1"), 0);

  close (sessions_fd);
  close (missing);
  g_free (from_producer);
  g_free (request);
  g_free (s2);
  g_free (s1);
  g_free (sessions);
}

GST_END_TEST;

static void
check_mode (const gchar * path, guint expected)
{
  GStatBuf st;

  fail_unless (g_lstat (path, &st) == 0, "cannot stat '%s'", path);
  fail_unless ((st.st_mode & 07777) == expected, "'%s' has mode %04o, not "
      "%04o", path, (guint) (st.st_mode & 07777), expected);
}

/* Symbolic links where a file or a session folder should be, pointing out
 * of the directory: refused, and what they point to is untouched. */
GST_START_TEST (test_symlinks_refused)
{
  gchar *outside = tmp_path ("outside");
  gchar *secret = g_build_filename (outside, "secret", NULL);
  gchar *sessions = tmp_path ("sessions");
  gchar *session = g_build_filename (sessions, "s1", NULL);
  gchar *link, *contents = NULL;
  goffset size = 0, offset = 0;
  gsize length = 0;
  int sessions_fd, fd = -1;

  fail_unless_equals_int (g_mkdir (outside, 0700), 0);
  write_file (secret, "secret\n", -1);
  fail_unless_equals_int (g_mkdir (sessions, 0700), 0);
  sessions_fd = open_dir (sessions);

  /* a link to a file */
  link = tmp_path ("producer");
  fail_unless_equals_int (symlink (secret, link), 0);
  fail_unless_equals_int (gst_ice_directory_files_read_small (tmp_fd,
          "producer", &contents, &length), ELOOP);
  fail_unless (contents == NULL);
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd, "producer",
          "end\n\n", &size), ELOOP);
  fail_unless_equals_int (gst_ice_directory_files_write_new (tmp_fd,
          "producer", "x"), ELOOP);
  fail_unless_equals_int (gst_ice_directory_files_read_from (tmp_fd,
          "producer", &offset, 4, NULL, NULL), ELOOP);
  fail_unless (gst_ice_directory_files_is_refused (ELOOP));
  fail_unless (strstr (gst_ice_directory_files_strerror (ELOOP),
          "symbolic link") != NULL);
  check_contents (secret, "secret\n");
  g_free (link);

  /* a dangling link: nothing is created where it points */
  link = tmp_path ("dangling");
  fail_unless_equals_int (symlink ("outside/created", link), 0);
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd, "dangling",
          "end\n\n", &size), ELOOP);
  check_entries (outside, "secret");
  g_free (link);

  /* a link to a folder where a session folder should be */
  link = g_build_filename (sessions, "s2", NULL);
  fail_unless_equals_int (symlink (outside, link), 0);
  fail_unless_equals_int (gst_ice_directory_files_open_dir (sessions_fd, "s2",
          &fd), ELOOP);
  fail_unless_equals_int (gst_ice_directory_files_remove_session_dir
      (sessions_fd, "s2"), ELOOP);
  fail_unless (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  check_entries (outside, "secret");
  g_free (link);

  /* a link inside a session folder: the folder's files go, it stays */
  fail_unless_equals_int (gst_ice_directory_files_make_session_dir
      (sessions_fd, "s1", "producer p\n"), 0);
  link = g_build_filename (session, "from-producer", NULL);
  fail_unless_equals_int (symlink (secret, link), 0);
  fail_unless_equals_int (gst_ice_directory_files_remove_session_dir
      (sessions_fd, "s1"), ENOTEMPTY);
  check_entries (session, "from-producer");
  check_contents (secret, "secret\n");
  g_free (link);

  close (sessions_fd);
  g_free (session);
  g_free (sessions);
  g_free (secret);
  g_free (outside);
}

GST_END_TEST;

/* A FIFO where a file should be is never opened (opening it for reading
 * would wait for a writer) nor written to. */
GST_START_TEST (test_fifo_refused)
{
  gchar *fifo = tmp_path ("from-producer");
  gchar *folder = tmp_path ("from-producer-dir");
  gchar *contents = NULL;
  goffset size = 0, offset = 0;
  gsize length = 0;

  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  fail_unless_equals_int (gst_ice_directory_files_read_small (tmp_fd,
          "from-producer", &contents, &length), ENXIO);
  fail_unless_equals_int (gst_ice_directory_files_read_from (tmp_fd,
          "from-producer", &offset, 4, NULL, NULL), ENXIO);
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd,
          "from-producer", "end\n\n", &size), ENXIO);
  fail_unless (gst_ice_directory_files_is_refused (ENXIO));
  fail_unless (strstr (gst_ice_directory_files_strerror (ENXIO),
          "not a regular file") != NULL);
  /* a folder where a file should be */
  fail_unless_equals_int (g_mkdir (folder, 0700), 0);
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd,
          "from-producer-dir", "end\n\n", &size), EISDIR);

  g_free (folder);
  g_free (fifo);
}

GST_END_TEST;

/* Whatever the umask, what is created is private to its owner. */
static void
check_created_modes (mode_t mask)
{
  gchar *root = tmp_path ("new");
  gchar *deep = g_build_filename (root, "deeper", "signalling", NULL);
  gchar *path;
  goffset size = 0;
  GError *error = NULL;
  mode_t old_mask = umask (mask);
  int sessions_fd;

  fail_unless (gst_ice_directory_files_make_layout (deep, &error), "%s",
      error ? error->message : "");
  fail_unless_equals_int (gst_ice_directory_files_write_new (tmp_fd, "new-file",
          "x"), 0);
  fail_unless_equals_int (gst_ice_directory_files_replace (tmp_fd, "replaced",
          "x"), 0);
  fail_unless_equals_int (gst_ice_directory_files_append (tmp_fd, "appended",
          "end\n\n", &size), 0);
  path = g_build_filename (deep, "sessions", NULL);
  sessions_fd = open_dir (path);
  g_free (path);
  fail_unless_equals_int (gst_ice_directory_files_make_session_dir
      (sessions_fd, "s1", "producer p\n"), 0);
  close (sessions_fd);
  umask (old_mask);

  check_mode (root, 0700);
  path = g_build_filename (root, "deeper", NULL);
  check_mode (path, 0700);
  g_free (path);
  check_mode (deep, 0700);
  path = g_build_filename (deep, "producers", NULL);
  check_mode (path, 0700);
  g_free (path);
  path = g_build_filename (deep, "sessions", "s1", NULL);
  check_mode (path, 0700);
  g_free (path);
  path = g_build_filename (deep, "sessions", "s1", "request", NULL);
  check_mode (path, 0600);
  g_free (path);
  path = tmp_path ("new-file");
  check_mode (path, 0600);
  g_free (path);
  path = tmp_path ("replaced");
  check_mode (path, 0600);
  g_free (path);
  path = tmp_path ("appended");
  check_mode (path, 0600);
  g_free (path);

  g_free (deep);
  g_free (root);
}

GST_START_TEST (test_modes)
{
  check_created_modes (0);
}

GST_END_TEST;

GST_START_TEST (test_modes_strict_umask)
{
  check_created_modes (0277);
}

GST_END_TEST;

/* The layout is the user's own: a folder others can write to, one of
 * another user, or a link where a folder should be is refused with an
 * error that names it. */
GST_START_TEST (test_layout_refused)
{
  gchar *root = tmp_path ("signalling");
  gchar *producers = g_build_filename (root, "producers", NULL);
  gchar *outside = tmp_path ("outside");
  GError *error = NULL;

  fail_unless (gst_ice_directory_files_make_layout (root, &error));

  fail_unless_equals_int (g_chmod (root, 01777), 0);
  fail_if (gst_ice_directory_files_make_layout (root, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SETTINGS));
  fail_unless (strstr (error->message, "mode 1777") != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "chmod 700 '") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  fail_unless_equals_int (g_chmod (root, 0700), 0);

  if (geteuid () == 0) {
    fail_unless_equals_int (chown (producers, 65534, 0), 0);
    fail_if (gst_ice_directory_files_make_layout (root, &error));
    fail_unless (strstr (error->message, producers) != NULL, "%s",
        error->message);
    fail_unless (strstr (error->message, "uid 65534") != NULL, "%s",
        error->message);
    g_clear_error (&error);
    fail_unless_equals_int (chown (producers, 0, 0), 0);
  } else {
    g_print ("SKIP part of %s: it needs root, to give a folder to another "
        "user\n", __FUNCTION__);
  }

  fail_unless_equals_int (g_rmdir (producers), 0);
  fail_unless_equals_int (g_mkdir (outside, 0700), 0);
  fail_unless_equals_int (symlink (outside, producers), 0);
  fail_if (gst_ice_directory_files_make_layout (root, &error));
  fail_unless (strstr (error->message, producers) != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "symbolic link") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  check_entries (outside, "");

  g_free (outside);
  g_free (producers);
  g_free (root);
}

GST_END_TEST;

static Suite *
directoryfiles_suite (void)
{
  Suite *s = suite_create ("directoryfiles");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_valid_name);
  tcase_add_test (tc, test_make_layout);
  tcase_add_test (tc, test_list);
  tcase_add_test (tc, test_read_small);
  tcase_add_test (tc, test_write_new);
  tcase_add_test (tc, test_replace);
  tcase_add_test (tc, test_remove);
  tcase_add_test (tc, test_append);
  tcase_add_test (tc, test_append_is_one_write);
  tcase_add_test (tc, test_read_from);
  tcase_add_test (tc, test_session_dir);
  tcase_add_test (tc, test_symlinks_refused);
  tcase_add_test (tc, test_fifo_refused);
  tcase_add_test (tc, test_modes);
  tcase_add_test (tc, test_modes_strict_umask);
  tcase_add_test (tc, test_layout_refused);

  return s;
}

GST_CHECK_MAIN (directoryfiles);
