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

#pragma once

#include <gst/gst.h>
#include <gst/ice/signalling/gsticesignallingserver.h>

G_BEGIN_DECLS

/* The caps a test producer announces; consumers never type them. */
#define TEST_CAPS "application/x-ice-test, stream=(string)numbered"

/* A signalling server on 127.0.0.1, in its own thread, as tests need one
 * that outlives the producers. */
typedef struct
{
  GstIceSignallingServer *server;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  guint port;
  gchar *uri;
} TestServer;

TestServer *test_server_start (void);
TestServer *test_server_start_with (const gchar * first_property, ...)
    G_GNUC_NULL_TERMINATED;
TestServer *test_server_start_valist (const gchar * first_property,
    va_list args);
void test_server_stop (TestServer * server);

GstElement *test_producer_new (const gchar * icesink_props);
GstElement *test_consumer_new (const gchar * icesrc_props);
GstElement *test_get (GstElement * pipeline, const gchar * name);

void test_push_numbered (GstElement * producer, guint first_seq, guint count,
    gulong pause_us);
void test_push_numbered_lists (GstElement * producer, guint first_seq,
    guint count, guint per_list, gulong pause_us);
guint test_pull_numbered (GstElement * consumer, guint first_seq, guint count,
    GstClockTime timeout, GstCaps ** caps);

void test_count_peers (GstElement * producer, gint * added, gint * removed);
gboolean test_wait_count (gint * counter, gint value, GstClockTime timeout);

GstMessage *test_wait_message (GstElement * pipeline, GstMessageType types,
    const gchar * structure_name, GstClockTime timeout);
void test_assert_no_error (GstElement * pipeline);
gchar *test_message_text (GstMessage * message);
void test_stop (GstElement * pipeline);

G_END_DECLS
