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


/* What the terminal signaller does with its standard input: bytes cut
 * into lines (GstIceLineSplitter, in pieces of the sizes the first byte
 * of the input picks), each line decoded.  No line longer than the
 * maximum is ever handed out; a decoded line has a session id of the
 * allowed characters and encodes back to a line that decodes the same;
 * refusals are fit to show. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticeerror.h>
#include <gst/ice/signalling/gsticeterminalline.h>

#include "fuzzcommon.h"

/* small, so that the fuzzer reaches it */
#define MAX_LENGTH 4096

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_decoded (const GstIceTerminalLine * line)
{
  GstIceTerminalLine *again;
  GString *text;
  gchar *encoded;
  guint i;

  FUZZ_CHECK (line->session_id[0] != '\0');
  FUZZ_CHECK (strspn (line->session_id, "abcdefghijklmnopqrstuvwxyz"
          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
      strlen (line->session_id));
  FUZZ_CHECK (g_utf8_validate (line->description, -1, NULL));

  text = g_string_new (line->description);
  for (i = 0; i < line->candidates->len; i++)
    g_string_append_printf (text, "%s\n",
        (gchar *) g_ptr_array_index (line->candidates, i));
  encoded = gst_ice_terminal_line_encode (line->kind, line->session_id,
      text->str);
  again = gst_ice_terminal_line_decode (encoded, strlen (encoded), NULL);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (again->kind == line->kind);
  FUZZ_CHECK (g_str_equal (again->session_id, line->session_id));
  FUZZ_CHECK (g_str_equal (again->description, line->description));
  FUZZ_CHECK (again->candidates->len == line->candidates->len);
  for (i = 0; i < line->candidates->len; i++)
    FUZZ_CHECK (g_str_equal (g_ptr_array_index (again->candidates, i),
            g_ptr_array_index (line->candidates, i)));

  gst_ice_terminal_line_free (again);
  g_free (encoded);
  g_string_free (text, TRUE);
}

static void
handle_line (gchar * text, gsize length)
{
  GstIceTerminalLine *line;
  GError *error = NULL;

  FUZZ_CHECK (length <= MAX_LENGTH);
  FUZZ_CHECK (text[length] == '\0');
  line = gst_ice_terminal_line_decode (text, length, &error);
  if (line != NULL) {
    check_decoded (line);
    gst_ice_terminal_line_free (line);
  } else {
    FUZZ_CHECK (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING));
    fuzz_check_shown_text (error->message);
    g_error_free (error);
  }
  g_free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstIceLineSplitter *splitter;
  GstIceLineSplitterResult result;
  const gchar *p;
  gsize piece, left, length;
  gchar *line;

  if (size == 0)
    return 0;
  /* how standard input arrives: pieces of 1 to 256 bytes */
  piece = data[0] + 1;
  p = (const gchar *) data + 1;
  size--;

  splitter = gst_ice_line_splitter_new (MAX_LENGTH);
  while (size > 0) {
    left = MIN (piece, size);
    size -= left;
    do {
      result = gst_ice_line_splitter_take (splitter, &p, &left, &line, &length);
      if (result == GST_ICE_LINE_SPLITTER_LINE)
        handle_line (line, length);
    } while (result != GST_ICE_LINE_SPLITTER_NEED_MORE);
    FUZZ_CHECK (left == 0);
  }
  if (gst_ice_line_splitter_finish (splitter, &line, &length))
    handle_line (line, length);
  gst_ice_line_splitter_free (splitter);
  return 0;
}
