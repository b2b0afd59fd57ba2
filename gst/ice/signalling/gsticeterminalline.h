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

/* Private to gst-ice: not installed. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* what starts every line of the terminal signaller */
#define GST_ICE_TERMINAL_LINE_PREFIX "gst-ice:"
/* a line is about a kilobyte; longer ones are refused unread */
#define GST_ICE_TERMINAL_LINE_MAX_LENGTH 65536
/* session ids are UUIDs: 36 bytes */
#define GST_ICE_TERMINAL_SESSION_ID_MAX_LENGTH 64

/**
 * GstIceTerminalLineKind:
 * @GST_ICE_TERMINAL_LINE_OFFER: `gst-ice:offer:`, printed by the sender
 * @GST_ICE_TERMINAL_LINE_ANSWER: `gst-ice:answer:`, printed by the receiver
 */
typedef enum
{
  GST_ICE_TERMINAL_LINE_OFFER,
  GST_ICE_TERMINAL_LINE_ANSWER,
} GstIceTerminalLineKind;

/**
 * GstIceTerminalLine:
 * @kind: offer or answer
 * @session_id: the session, 1 to %GST_ICE_TERMINAL_SESSION_ID_MAX_LENGTH
 *   letters, digits, `-` or `_`
 * @description: the description's lines, each ending in LF
 * @candidates: (element-type utf8): the `a=candidate:` lines and
 *   `a=end-of-candidates`, in their order
 *
 * One decoded line of the terminal signaller.
 */
typedef struct
{
  GstIceTerminalLineKind kind;
  gchar *session_id;
  gchar *description;
  GPtrArray *candidates;
} GstIceTerminalLine;

const gchar *gst_ice_terminal_line_kind_to_prefix (GstIceTerminalLineKind
    kind);
gchar *gst_ice_terminal_line_encode (GstIceTerminalLineKind kind,
    const gchar * session_id, const gchar * text);
GstIceTerminalLine *gst_ice_terminal_line_decode (const gchar * line,
    gsize length, GError ** error);
void gst_ice_terminal_line_free (GstIceTerminalLine * line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstIceTerminalLine, gst_ice_terminal_line_free);

/**
 * GstIceLineSplitterResult:
 * @GST_ICE_LINE_SPLITTER_NEED_MORE: every byte given was taken, no line
 *   is complete
 * @GST_ICE_LINE_SPLITTER_LINE: a line is complete
 * @GST_ICE_LINE_SPLITTER_TOO_LONG: the line being read is longer than
 *   the maximum: the rest of it is skipped without being kept
 */
typedef enum
{
  GST_ICE_LINE_SPLITTER_NEED_MORE,
  GST_ICE_LINE_SPLITTER_LINE,
  GST_ICE_LINE_SPLITTER_TOO_LONG,
} GstIceLineSplitterResult;

typedef struct _GstIceLineSplitter GstIceLineSplitter;

GstIceLineSplitter *gst_ice_line_splitter_new (gsize max_length);
GstIceLineSplitterResult gst_ice_line_splitter_take (GstIceLineSplitter *
    self, const gchar ** data, gsize * size, gchar ** line, gsize * length);
gboolean gst_ice_line_splitter_finish (GstIceLineSplitter * self,
    gchar ** line, gsize * length);
void gst_ice_line_splitter_free (GstIceLineSplitter * self);

G_END_DECLS
