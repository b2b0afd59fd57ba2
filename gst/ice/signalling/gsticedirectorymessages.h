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

/* Private to libgstice, not installed: the text formats of
 * GstIceDirectorySignaller's files, as described in
 * docs/directory-signalling.md.  No file-system access here. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A message longer than this is malformed.  Message files are read in
 * chunks of twice that size, so a message that starts in the first half of
 * a chunk and is not finished inside it is known to be too long. */
#define GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE (64 * 1024)
#define GST_ICE_DIRECTORY_READ_CHUNK_SIZE \
    (2 * GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE)

#define GST_ICE_DIRECTORY_MAX_INSTANCE_LENGTH 64

/**
 * GstIceDirectoryMessageType:
 * @GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION: a session description
 * @GST_ICE_DIRECTORY_MESSAGE_CANDIDATE: one candidate line
 * @GST_ICE_DIRECTORY_MESSAGE_END: the writer ended the session
 * @GST_ICE_DIRECTORY_MESSAGE_GARBAGE: skipped bytes that are not a message
 * @GST_ICE_DIRECTORY_MESSAGE_TOO_LONG: a skipped message longer than
 *   %GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE
 * @GST_ICE_DIRECTORY_MESSAGE_REFUSED: a skipped message whose text does
 *   not fit its header
 *
 * What gst_ice_directory_messages_parse() found; the last three are
 * reported so that the reader can log them.
 */
typedef enum
{
  GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION,
  GST_ICE_DIRECTORY_MESSAGE_CANDIDATE,
  GST_ICE_DIRECTORY_MESSAGE_END,
  GST_ICE_DIRECTORY_MESSAGE_GARBAGE,
  GST_ICE_DIRECTORY_MESSAGE_TOO_LONG,
  GST_ICE_DIRECTORY_MESSAGE_REFUSED,
} GstIceDirectoryMessageType;

/**
 * GstIceDirectoryMessage:
 * @type: what was found
 * @offset: the offset in the file of its first byte
 * @size: its number of bytes in the file, header and empty line included
 * @text: a description: its lines, each ending with LF; a candidate: its
 *   line, without line ending; %NULL for the other types
 * @n_lines: the number of lines of @text
 * @why: a refused message: what it is, "a candidate of more than one line"
 */
typedef struct
{
  GstIceDirectoryMessageType type;
  goffset offset;
  gsize size;
  gchar *text;
  guint n_lines;
  const gchar *why;
} GstIceDirectoryMessage;

GArray *gst_ice_directory_messages_array_new (void);

gsize gst_ice_directory_messages_parse (const gchar * data, gsize len,
    goffset offset, GArray * messages);

gchar *gst_ice_directory_messages_write_description (const gchar * description,
    guint * n_lines, GError ** error);

gchar *gst_ice_directory_messages_write_candidate (const gchar * candidate,
    GError ** error);

const gchar *gst_ice_directory_messages_write_end (void);

gchar *gst_ice_directory_messages_write_producer (const gchar * instance,
    const gchar * host, gulong pid);

gchar *gst_ice_directory_messages_parse_producer (const gchar * contents,
    gsize length, const gchar ** why);

gchar *gst_ice_directory_messages_write_request (const gchar * producer_id,
    const gchar * instance, const gchar * consumer_id);

gboolean gst_ice_directory_messages_parse_request (const gchar * contents,
    gsize length, gchar ** producer_id, gchar ** instance,
    gchar ** consumer_id);

gchar *gst_ice_directory_messages_lookup_field (const gchar * contents,
    const gchar * key);

gboolean gst_ice_directory_messages_is_valid_instance (const gchar * instance);

G_END_DECLS
