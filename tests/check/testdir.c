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

/* Temporary folders for the suites that write files. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "testdir.h"

gchar *
test_dir_new (const gchar * prefix)
{
  GError *error = NULL;
  gchar *template = g_strdup_printf ("%s-XXXXXX", prefix);
  gchar *dir = g_dir_make_tmp (template, &error);

  fail_unless (dir != NULL, "g_dir_make_tmp: %s", error ? error->message : "?");
  g_free (template);
  return dir;
}

void
test_dir_remove (const gchar * path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const gchar *name;

  if (d != NULL) {
    while ((name = g_dir_read_name (d)) != NULL) {
      gchar *child = g_build_filename (path, name, NULL);

      test_dir_remove (child);
      g_free (child);
    }
    g_dir_close (d);
  }
  g_remove (path);
}
