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

/* File descriptors, threads and resident memory of the test process. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <unistd.h>
#include <gst/check/gstcheck.h>

#include "testusage.h"

static guint
count_entries (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  fail_unless (dir != NULL, "cannot read %s", path);
  while (g_dir_read_name (dir))
    n++;
  g_dir_close (dir);
  return n;
}

void
test_usage_get (TestUsage * usage)
{
  gchar *statm = NULL;
  guint64 pages = 0;
  gchar **fields;

  /* the open folder is an fd of its own while it is read */
  usage->fds = count_entries ("/proc/self/fd") - 1;
  usage->threads = count_entries ("/proc/self/task");
  fail_unless (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  fields = g_strsplit (statm, " ", -1);
  if (fields[0] && fields[1])
    pages = g_ascii_strtoull (fields[1], NULL, 10);
  usage->rss_kib = pages * sysconf (_SC_PAGESIZE) / 1024;
  g_strfreev (fields);
  g_free (statm);
}

gboolean
test_usage_wait_down_to (const TestUsage * limit, GstClockTime timeout,
    TestUsage * now)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  for (;;) {
    test_usage_get (now);
    if (now->fds <= limit->fds && now->threads <= limit->threads)
      return TRUE;
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (20 * 1000);
  }
}
