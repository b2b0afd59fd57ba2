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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fuzzcommon.h"

/**
 * fuzz_init:
 *
 * GStreamer without its plugin registry (no target needs a plugin, and
 * scanning would load every plugin of the machine), and any GLib warning
 * or critical made fatal: a hostile peer must not be able to make the
 * library log one, and G_DEBUG=fatal-criticals would abort there too.
 */
void
fuzz_init (void)
{
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init (NULL, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL |
      G_LOG_LEVEL_WARNING);
}

void
fuzz_failed (const gchar * file, gint line, const gchar * what)
{
  g_printerr ("%s:%d: check failed: %s\n", file, line, what);
  abort ();
}

/**
 * fuzz_text:
 *
 * Returns: (transfer full): the input as a string, cut at its first NUL
 *   as a C string from the network would be
 */
gchar *
fuzz_text (const uint8_t * data, size_t size)
{
  return g_strndup ((const gchar *) data, size);
}

/**
 * fuzz_check_shown_text:
 * @text: an error message, or anything else a user may see
 *
 * Checks that @text is UTF-8 without control characters: what a peer
 * sent must reach a terminal or a log escaped.
 */
void
fuzz_check_shown_text (const gchar * text)
{
  const gchar *p;

  FUZZ_CHECK (text != NULL);
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
  for (p = text; *p != '\0'; p++)
    FUZZ_CHECK ((guchar) * p >= 0x20 && *p != 0x7f);
}

/**
 * fuzz_split_lines:
 *
 * Returns: (transfer full) (element-type GBytes): the input cut at each
 *   LF, without it; a line may hold NUL bytes
 */
GPtrArray *
fuzz_split_lines (const uint8_t * data, size_t size)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  size_t start = 0, i;

  for (i = 0; i <= size; i++) {
    if (i == size || data[i] == '\n') {
      g_ptr_array_add (lines, g_bytes_new (data + start, i - start));
      start = i + 1;
    }
  }
  return lines;
}
