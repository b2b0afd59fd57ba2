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

/* Shared pieces of the end-to-end suites: numbered buffers whose content a
 * receiver can check, pipelines on loopback, and waits with deadlines. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>

#include "icetestutil.h"

static gpointer
server_thread (gpointer user_data)
{
  TestServer *server = user_data;

  g_main_context_push_thread_default (server->context);
  g_main_loop_run (server->loop);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

TestServer *
test_server_start (void)
{
  return test_server_start_with (NULL, NULL);
}

/* A server with properties of its own (a token, limits, TLS files). */
TestServer *
test_server_start_with (const gchar * first_property, ...)
{
  TestServer *server;
  va_list args;

  va_start (args, first_property);
  server = test_server_start_valist (first_property, args);
  va_end (args);
  return server;
}

TestServer *
test_server_start_valist (const gchar * first_property, va_list args)
{
  TestServer *server = g_new0 (TestServer, 1);
  GError *err = NULL;

  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->server = gst_ice_signalling_server_new ("127.0.0.1", 0);
  if (first_property)
    g_object_set_valist (G_OBJECT (server->server), first_property, args);
  g_main_context_push_thread_default (server->context);
  fail_unless (gst_ice_signalling_server_start (server->server, &err),
      "signalling server: %s", err ? err->message : "?");
  g_main_context_pop_thread_default (server->context);
  server->port = gst_ice_signalling_server_get_port (server->server);
  {
    gchar *certificate_file = NULL;

    g_object_get (server->server, "certificate-file", &certificate_file, NULL);
    server->uri = g_strdup_printf ("%s://127.0.0.1:%u",
        certificate_file ? "wss" : "ws", server->port);
    g_free (certificate_file);
  }
  server->thread = g_thread_new ("test-server", server_thread, server);
  return server;
}

static gboolean
stop_server_in_context (gpointer user_data)
{
  TestServer *server = user_data;

  gst_ice_signalling_server_stop (server->server);
  g_main_loop_quit (server->loop);
  return G_SOURCE_REMOVE;
}

void
test_server_stop (TestServer * server)
{
  g_main_context_invoke (server->context, stop_server_in_context, server);
  g_thread_join (server->thread);
  g_object_unref (server->server);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_free (server->uri);
  g_free (server);
}

GstElement *
test_producer_new (const gchar * icesink_props)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time caps=\"%s\" "
      "! icesink name=sink local-addresses=127.0.0.1 %s", TEST_CAPS,
      icesink_props ? icesink_props : "");
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  g_free (desc);
  return pipeline;
}

GstElement *
test_consumer_new (const gchar * icesrc_props)
{
  gchar *desc = g_strdup_printf ("icesrc name=src local-addresses=127.0.0.1 "
      "%s ! appsink name=sink sync=false max-buffers=100000",
      icesrc_props ? icesrc_props : "");
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  g_free (desc);
  return pipeline;
}

GstElement *
test_get (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);

  fail_unless (e != NULL, "no element %s", name);
  gst_object_unref (e);         /* the pipeline keeps it alive */
  return e;
}

static gsize
numbered_size (guint seq)
{
  return 64 + (seq * 37) % 1300;
}

static guint8
numbered_byte (guint seq, gsize i)
{
  return (guint8) ((seq * 7 + i) & 0xff);
}

/* Buffer @seq: its number big-endian, then a pattern of both. */
void
test_push_numbered (GstElement * producer, guint first_seq, guint count,
    gulong pause_us)
{
  GstElement *src = test_get (producer, "src");
  guint seq;

  for (seq = first_seq; seq < first_seq + count; seq++) {
    gsize size = numbered_size (seq), i;
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, size, NULL);
    GstMapInfo map;

    gst_buffer_map (buffer, &map, GST_MAP_WRITE);
    GST_WRITE_UINT32_BE (map.data, seq);
    for (i = 4; i < size; i++)
      map.data[i] = numbered_byte (seq, i);
    gst_buffer_unmap (buffer, &map);
    GST_BUFFER_PTS (buffer) = seq * GST_MSECOND;
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src),
            buffer), GST_FLOW_OK);
    if (pause_us)
      g_usleep (pause_us);
  }
}

/* The same buffers, @per_list to a buffer list, each buffer in two
 * memories (its number, then the rest), as RTP payloaders make them. */
void
test_push_numbered_lists (GstElement * producer, guint first_seq, guint count,
    guint per_list, gulong pause_us)
{
  GstElement *src = test_get (producer, "src");
  GstBufferList *list = NULL;
  guint seq;

  for (seq = first_seq; seq < first_seq + count; seq++) {
    gsize size = numbered_size (seq), i;
    GstBuffer *head = gst_buffer_new_allocate (NULL, 4, NULL);
    GstBuffer *rest = gst_buffer_new_allocate (NULL, size - 4, NULL);
    GstMapInfo map;

    gst_buffer_map (head, &map, GST_MAP_WRITE);
    GST_WRITE_UINT32_BE (map.data, seq);
    gst_buffer_unmap (head, &map);
    gst_buffer_map (rest, &map, GST_MAP_WRITE);
    for (i = 4; i < size; i++)
      map.data[i - 4] = numbered_byte (seq, i);
    gst_buffer_unmap (rest, &map);
    head = gst_buffer_append (head, rest);
    fail_unless_equals_int (gst_buffer_n_memory (head), 2);
    GST_BUFFER_PTS (head) = seq * GST_MSECOND;
    if (list == NULL)
      list = gst_buffer_list_new ();
    gst_buffer_list_add (list, head);
    if (gst_buffer_list_length (list) == per_list ||
        seq + 1 == first_seq + count) {
      fail_unless_equals_int (gst_app_src_push_buffer_list (GST_APP_SRC
              (src), list), GST_FLOW_OK);
      list = NULL;
      if (pause_us)
        g_usleep (pause_us);
    }
  }
}

/* Pulls until @count buffers numbered from @first_seq arrived or @timeout;
 * fails on a buffer whose content is wrong.  Returns how many arrived. */
guint
test_pull_numbered (GstElement * consumer, guint first_seq, guint count,
    GstClockTime timeout, GstCaps ** caps)
{
  GstElement *sink = test_get (consumer, "sink");
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  guint received = 0;

  while (received < count) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstSample *sample;
    GstBuffer *buffer;
    GstMapInfo map;
    guint seq;
    gsize i;

    if (left <= 0)
      break;
    sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        left * GST_USECOND);
    if (sample == NULL)
      break;
    buffer = gst_sample_get_buffer (sample);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    fail_unless (map.size >= 4, "runt buffer of %" G_GSIZE_FORMAT " bytes",
        map.size);
    seq = GST_READ_UINT32_BE (map.data);
    fail_unless (seq >= first_seq && seq < first_seq + count,
        "buffer %u is outside %u..%u", seq, first_seq, first_seq + count - 1);
    fail_unless_equals_uint64 (map.size, numbered_size (seq));
    for (i = 4; i < map.size; i++) {
      if (map.data[i] != numbered_byte (seq, i))
        fail ("buffer %u differs at byte %" G_GSIZE_FORMAT, seq, i);
    }
    gst_buffer_unmap (buffer, &map);
    if (caps && *caps == NULL && gst_sample_get_caps (sample))
      *caps = gst_caps_ref (gst_sample_get_caps (sample));
    gst_sample_unref (sample);
    received++;
  }
  return received;
}

static void
on_peer_added (GstElement * sink, const gchar * peer_id, gint * counter)
{
  g_atomic_int_inc (counter);
}

void
test_count_peers (GstElement * producer, gint * added, gint * removed)
{
  GstElement *sink = test_get (producer, "sink");

  g_signal_connect (sink, "peer-added", G_CALLBACK (on_peer_added), added);
  g_signal_connect (sink, "peer-removed", G_CALLBACK (on_peer_added), removed);
}

gboolean
test_wait_count (gint * counter, gint value, GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  while (g_atomic_int_get (counter) < value) {
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (10000);
  }
  return TRUE;
}

/* Waits for a message of @types (and, for element messages, named
 * @structure_name); an error message that was not asked for fails. */
GstMessage *
test_wait_message (GstElement * pipeline, GstMessageType types,
    const gchar * structure_name, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  GstMessage *msg = NULL;

  while (g_get_monotonic_time () < deadline) {
    gint64 left = deadline - g_get_monotonic_time ();

    msg = gst_bus_timed_pop_filtered (bus, left * GST_USECOND,
        types | GST_MESSAGE_ERROR);
    if (msg == NULL)
      break;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR &&
        !(types & GST_MESSAGE_ERROR)) {
      gchar *text = test_message_text (msg);

      fail ("unexpected error: %s", text);
      g_free (text);
    }
    if (structure_name == NULL || (gst_message_get_structure (msg) &&
            gst_message_has_name (msg, structure_name)))
      break;
    gst_message_unref (msg);
    msg = NULL;
  }
  gst_object_unref (bus);
  return msg;
}

void
test_assert_no_error (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (msg) {
    gchar *text = test_message_text (msg);

    fail ("unexpected error: %s", text);
    g_free (text);
  }
  gst_object_unref (bus);
}

/* "message (debug)" of an error or warning message */
gchar *
test_message_text (GstMessage * message)
{
  GError *err = NULL;
  gchar *debug = NULL, *text;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    gst_message_parse_error (message, &err, &debug);
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING)
    gst_message_parse_warning (message, &err, &debug);
  else
    return g_strdup (GST_MESSAGE_TYPE_NAME (message));
  text = g_strdup_printf ("%s (%s)", err->message, debug ? debug : "");
  g_clear_error (&err);
  g_free (debug);
  return text;
}

void
test_stop (GstElement * pipeline)
{
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
}
