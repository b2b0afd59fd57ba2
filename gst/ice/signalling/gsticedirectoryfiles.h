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

/* Private to libgstice, not installed: the file-system side of
 * GstIceDirectorySignaller.  Every access of the signaller to the shared
 * directory goes through these functions, relative to the descriptors of
 * its folders, and none of them follows a symbolic link or opens anything
 * but a regular file or a folder.  They block as long as the file system
 * does: the signaller calls them from a thread of its own. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the layout of the shared directory */
#define GST_ICE_DIRECTORY_PRODUCERS_DIR "producers"
#define GST_ICE_DIRECTORY_SESSIONS_DIR "sessions"
#define GST_ICE_DIRECTORY_REQUEST_FILE "request"
#define GST_ICE_DIRECTORY_FROM_PRODUCER_FILE "from-producer"
#define GST_ICE_DIRECTORY_FROM_CONSUMER_FILE "from-consumer"

/* Peer ids become file names; session ids are "<consumer-id>-<8 hex>" */
#define GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH 128
#define GST_ICE_DIRECTORY_MAX_SESSION_ID_LENGTH \
    (GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH + 9)

/* producer and request files */
#define GST_ICE_DIRECTORY_MAX_SMALL_FILE_SIZE 4096

/**
 * GstIceDirectoryLayout:
 * @root: the shared directory
 * @producers: its `producers/` folder
 * @sessions: its `sessions/` folder
 *
 * The folders of a shared directory, opened (file descriptors, -1 when
 * closed): everything below them is reached relative to these, and a
 * folder swapped for something else after they were opened is not used.
 */
typedef struct
{
  int root;
  int producers;
  int sessions;
} GstIceDirectoryLayout;

#define GST_ICE_DIRECTORY_LAYOUT_INIT { -1, -1, -1 }

/**
 * GstIceDirectoryFilesReadFunc:
 * @data: bytes of the file, starting at @offset
 * @len: the number of bytes in @data, at least 1
 * @offset: the offset of @data in the file
 * @consumed: (out): set to the number of bytes of @data that are used up
 * @user_data: the data given to gst_ice_directory_files_read_from()
 *
 * Returns: %FALSE to stop reading
 */
typedef gboolean (*GstIceDirectoryFilesReadFunc) (const gchar * data,
    gsize len, goffset offset, gsize * consumed, gpointer user_data);

gboolean gst_ice_directory_files_is_valid_name (const gchar * name,
    gsize max_length);

const gchar *gst_ice_directory_files_strerror (gint err);

gboolean gst_ice_directory_files_is_refused (gint err);

gboolean gst_ice_directory_files_open_layout (const gchar * root,
    GstIceDirectoryLayout * layout, GError ** error);

void gst_ice_directory_files_close_layout (GstIceDirectoryLayout * layout);

gboolean gst_ice_directory_files_make_layout (const gchar * root,
    GError ** error);

gint gst_ice_directory_files_open_dir (int dir_fd, const gchar * name,
    int * fd);

gchar **gst_ice_directory_files_list (int dir_fd, gint * err);

gboolean gst_ice_directory_files_exists (int dir_fd, const gchar * name);

gint gst_ice_directory_files_read_small (int dir_fd, const gchar * name,
    gchar ** contents, gsize * length);

gint gst_ice_directory_files_write_new (int dir_fd, const gchar * name,
    const gchar * contents);

gint gst_ice_directory_files_replace (int dir_fd, const gchar * name,
    const gchar * contents);

gint gst_ice_directory_files_remove (int dir_fd, const gchar * name);

gint gst_ice_directory_files_append (int dir_fd, const gchar * name,
    const gchar * message, goffset * size);

gint gst_ice_directory_files_read_from (int dir_fd, const gchar * name,
    goffset * offset, gsize chunk_size, GstIceDirectoryFilesReadFunc func,
    gpointer user_data);

gint gst_ice_directory_files_make_session_dir (int sessions_fd,
    const gchar * session_id, const gchar * request);

gint gst_ice_directory_files_remove_session_dir (int sessions_fd,
    const gchar * session_id);

G_END_DECLS
