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
 * SECTION:gsticeterminalline
 * @title: Terminal lines
 * @short_description: the lines the terminal signaller prints and reads
 *
 * The terminal signaller (#GstIceTerminalSignaller) exchanges one line
 * each way: `gst-ice:offer:` or `gst-ice:answer:`, then the base64 of
 * `session ID`, a line feed and the description and candidate lines.
 * What it reads comes from whoever can write to its standard input, so
 * it is taken apart here, strictly:
 *
 * - #GstIceLineSplitter cuts standard input into lines and refuses a line
 *   longer than its maximum as soon as it is: it never holds more than
 *   that maximum of one line, however long the line is;
 * - gst_ice_terminal_line_decode() takes only base64 as
 *   gst_ice_terminal_line_encode() writes it, text that is UTF-8 without
 *   NUL, and a session id of letters, digits, `-` and `_`, so that nothing
 *   of a line reaches the terminal or a log unescaped.
 *
 * Private to libgstice.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/signalling/gsticeterminalline.h>
#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesyntax.h>

#define SESSION_PREFIX "session "
/* the start of a line that is not ours, in a message */
#define SHOWN_MAX_LENGTH 32

/**
 * gst_ice_terminal_line_kind_to_prefix:
 *
 * Returns: `gst-ice:offer:` or `gst-ice:answer:`
 */
const gchar *
gst_ice_terminal_line_kind_to_prefix (GstIceTerminalLineKind kind)
{
  return kind == GST_ICE_TERMINAL_LINE_OFFER ?
      GST_ICE_TERMINAL_LINE_PREFIX "offer:" :
      GST_ICE_TERMINAL_LINE_PREFIX "answer:";
}

/**
 * gst_ice_terminal_line_encode:
 * @kind: offer or answer
 * @session_id: the session
 * @text: the description and candidate lines, each ending in LF
 *
 * Returns: (transfer full): the line to print, without line ending
 */
gchar *
gst_ice_terminal_line_encode (GstIceTerminalLineKind kind,
    const gchar * session_id, const gchar * text)
{
  gchar *plain = g_strdup_printf (SESSION_PREFIX "%s\n%s", session_id, text);
  gchar *encoded = g_base64_encode ((const guchar *) plain, strlen (plain));
  gchar *line = g_strconcat (gst_ice_terminal_line_kind_to_prefix (kind),
      encoded, NULL);

  g_free (encoded);
  g_free (plain);
  return line;
}

/* base64 as g_base64_encode() writes it: g_base64_decode() skips what is
 * not, and would decode a damaged line into something */
static gboolean
base64_is_valid (const gchar * text, gsize len)
{
  gsize i, padding = 0;

  if (len == 0 || len % 4 != 0)
    return FALSE;
  for (i = 0; i < len; i++) {
    if (text[i] == '=') {
      padding++;
    } else if (padding > 0 || !(g_ascii_isalnum (text[i]) || text[i] == '+'
            || text[i] == '/')) {
      return FALSE;
    }
  }
  return padding <= 2;
}

static gboolean
session_id_is_valid (const gchar * id, gsize len)
{
  gsize i;

  if (len == 0 || len > GST_ICE_TERMINAL_SESSION_ID_MAX_LENGTH)
    return FALSE;
  for (i = 0; i < len; i++) {
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_')
      return FALSE;
  }
  return TRUE;
}

static gboolean
is_candidate_line (const gchar * line)
{
  return g_str_has_prefix (line, GST_ICE_CANDIDATE_LINE_PREFIX) ||
      gst_ice_candidate_line_is_end_of_candidates (line);
}

/* The lines after "session ID": candidates apart, the rest is the
 * description. */
static void
split_lines (GstIceTerminalLine * decoded, const gchar * text)
{
  GString *description = g_string_new (NULL);
  gchar **lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL; i++) {
    g_strchomp (lines[i]);
    if (lines[i][0] == '\0')
      continue;
    if (is_candidate_line (lines[i]))
      g_ptr_array_add (decoded->candidates, g_strdup (lines[i]));
    else
      g_string_append_printf (description, "%s\n", lines[i]);
  }
  decoded->description = g_string_free (description, FALSE);
  g_strfreev (lines);
}

/**
 * gst_ice_terminal_line_decode:
 * @line: (array length=length): a line read, without its line ending
 * @length: its length in bytes
 * @error: return location for a %GST_ICE_ERROR_SIGNALLING error that
 *   tells the user what to paste instead, with anything of @line in it
 *   escaped
 *
 * Returns: (transfer full) (nullable): the line taken apart, or %NULL
 *   when it is not a whole `gst-ice:offer:` or `gst-ice:answer:` line
 */
GstIceTerminalLine *
gst_ice_terminal_line_decode (const gchar * line, gsize length, GError ** error)
{
  GstIceTerminalLine *decoded;
  GstIceTerminalLineKind kind;
  const gchar *prefix, *payload, *id, *end;
  guchar *bytes = NULL;
  gsize size = 0;

  g_return_val_if_fail (line != NULL, NULL);

  prefix = gst_ice_terminal_line_kind_to_prefix (GST_ICE_TERMINAL_LINE_OFFER);
  kind = GST_ICE_TERMINAL_LINE_OFFER;
  if (length < strlen (prefix) || strncmp (line, prefix, strlen (prefix))) {
    prefix =
        gst_ice_terminal_line_kind_to_prefix (GST_ICE_TERMINAL_LINE_ANSWER);
    kind = GST_ICE_TERMINAL_LINE_ANSWER;
    if (length < strlen (prefix) || strncmp (line, prefix, strlen (prefix)))
      goto not_ours;
  }

  payload = line + strlen (prefix);
  if (!base64_is_valid (payload, length - strlen (prefix)))
    goto damaged;
  /* NUL-terminated: it stops at the first byte that is not base64 */
  bytes = g_base64_decode (payload, &size);
  if (size == 0 || memchr (bytes, '\0', size) != NULL ||
      !g_utf8_validate ((const gchar *) bytes, size, NULL) ||
      size < strlen (SESSION_PREFIX) || strncmp ((const gchar *) bytes,
          SESSION_PREFIX, strlen (SESSION_PREFIX)) != 0)
    goto damaged;

  /* g_base64_decode() leaves room for a NUL */
  bytes = g_realloc (bytes, size + 1);
  bytes[size] = '\0';
  id = (const gchar *) bytes + strlen (SESSION_PREFIX);
  end = strchr (id, '\n');
  if (end == NULL)
    goto damaged;
  if (!session_id_is_valid (id, end - id))
    goto bad_session_id;

  decoded = g_new0 (GstIceTerminalLine, 1);
  decoded->kind = kind;
  decoded->session_id = g_strndup (id, end - id);
  decoded->candidates = g_ptr_array_new_with_free_func (g_free);
  split_lines (decoded, end + 1);
  g_free (bytes);
  return decoded;

  /* ERRORS */
not_ours:
  {
    gchar *start = g_strndup (line, MIN (length, SHOWN_MAX_LENGTH));
    gchar *shown = gst_ice_syntax_text_for_display (start);

    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "'%s%s' is not a gst-ice:offer: or gst-ice:answer: line", shown,
        length > SHOWN_MAX_LENGTH ? "..." : "");
    g_free (shown);
    g_free (start);
    return NULL;
  }
damaged:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "that %s line is damaged: paste it whole, on one line", prefix);
    g_free (bytes);
    return NULL;
  }
bad_session_id:
  {
    gchar *raw = g_strndup (id, MIN ((gsize) (end - id),
            GST_ICE_TERMINAL_SESSION_ID_MAX_LENGTH + 1));
    gchar *shown = gst_ice_syntax_text_for_display (raw);

    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "that %s line names session '%s', which is not 1 to %d letters, "
        "digits, '-' or '_': paste the line the other side printed", prefix,
        shown, GST_ICE_TERMINAL_SESSION_ID_MAX_LENGTH);
    g_free (shown);
    g_free (raw);
    g_free (bytes);
    return NULL;
  }
}

/**
 * gst_ice_terminal_line_free:
 * @line: (nullable): a decoded line
 */
void
gst_ice_terminal_line_free (GstIceTerminalLine * line)
{
  if (line == NULL)
    return;
  g_free (line->session_id);
  g_free (line->description);
  if (line->candidates)
    g_ptr_array_unref (line->candidates);
  g_free (line);
}

/**
 * GstIceLineSplitter:
 *
 * Cuts a byte stream into lines at LF, keeping at most its maximum of the
 * line being read: a longer line is reported once and skipped to its end.
 */
struct _GstIceLineSplitter
{
  gsize max_length;
  GString *line;
  gboolean skipping;
};

/* all of it, NUL bytes included, and a NUL after it */
static gchar *
copy_line (GString * line)
{
  gchar *copy = g_malloc (line->len + 1);

  memcpy (copy, line->str, line->len + 1);
  return copy;
}

/**
 * gst_ice_line_splitter_new:
 * @max_length: the longest line taken, in bytes, without its LF
 *
 * Returns: (transfer full): a splitter at the start of a line
 */
GstIceLineSplitter *
gst_ice_line_splitter_new (gsize max_length)
{
  GstIceLineSplitter *self = g_new0 (GstIceLineSplitter, 1);

  self->max_length = max_length;
  self->line = g_string_new (NULL);
  return self;
}

/**
 * gst_ice_line_splitter_take:
 * @data: (inout): the bytes read; moved past what was taken
 * @size: (inout): how many there are; reduced by what was taken
 * @line: (out) (transfer full): the line, with LINE, without its LF
 * @length: (out): its length, with LINE
 *
 * Takes bytes up to the end of a line, or up to the moment the line
 * becomes too long; call it again until it returns
 * %GST_ICE_LINE_SPLITTER_NEED_MORE, with the same @data and @size.
 *
 * Returns: what happened
 */
GstIceLineSplitterResult
gst_ice_line_splitter_take (GstIceLineSplitter * self, const gchar ** data,
    gsize * size, gchar ** line, gsize * length)
{
  while (*size > 0) {
    const gchar *end = memchr (*data, '\n', *size);
    gsize n = end != NULL ? (gsize) (end - *data) : *size;

    if (self->skipping) {
      /* the rest of a line that is too long: nothing of it is kept */
    } else if (n > self->max_length - self->line->len) {
      self->skipping = TRUE;
      g_string_truncate (self->line, 0);
      /* the end of the line, if here, is taken with the next call */
      *data += n;
      *size -= n;
      return GST_ICE_LINE_SPLITTER_TOO_LONG;
    } else {
      g_string_append_len (self->line, *data, n);
    }

    if (end == NULL) {
      *data += n;
      *size = 0;
      break;
    }
    *data += n + 1;
    *size -= n + 1;
    if (self->skipping) {
      self->skipping = FALSE;
      continue;
    }
    *length = self->line->len;
    *line = copy_line (self->line);
    g_string_truncate (self->line, 0);
    return GST_ICE_LINE_SPLITTER_LINE;
  }
  return GST_ICE_LINE_SPLITTER_NEED_MORE;
}

/**
 * gst_ice_line_splitter_finish:
 * @line: (out) (transfer full): the last line, if it had no LF
 * @length: (out): its length
 *
 * At the end of the stream: the last line, if it did not end with a LF
 * and was not too long.
 *
 * Returns: whether there was one
 */
gboolean
gst_ice_line_splitter_finish (GstIceLineSplitter * self, gchar ** line,
    gsize * length)
{
  gboolean pending = !self->skipping && self->line->len > 0;

  if (pending) {
    *length = self->line->len;
    *line = copy_line (self->line);
  }
  g_string_truncate (self->line, 0);
  self->skipping = FALSE;
  return pending;
}

/**
 * gst_ice_line_splitter_free:
 * @self: (nullable): a splitter
 */
void
gst_ice_line_splitter_free (GstIceLineSplitter * self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_free (self);
}
