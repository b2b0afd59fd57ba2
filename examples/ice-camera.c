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

/* A camera sender as an application: the gst-launch line of the README,
 * plus what a program can see that gst-launch does not print.
 *
 *   ice-camera [--stats-interval SECONDS] [ICESINK-PROPERTY=VALUE...]
 *   ice-camera signaller::uri=ws://HOST:8443 stun-server=stun://HOST:3478
 *
 * It reports each viewer that joins or leaves (peer-added, peer-removed),
 * the candidate pair ICE selected for it (the ice-selected-pair element
 * message) and, every five seconds, the packets and bytes sent to each
 * (the stats property).  Without properties it runs the signalling server
 * itself, like the README's first line; watch it with
 *   gst-launch-1.0 icesrc ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
 * `ice-camera --help` says all of this.
 */

#include <string.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include "ice-example.h"

#define DEFAULT_STATS_INTERVAL_S 5

#define DESCRIPTION \
  "Streams a test picture (H.264 over RTP) through icesink and reports each\n" \
  "viewer that joins or leaves, the candidate pair chosen for it and its\n" \
  "traffic.  Each argument sets a property of icesink (gst-inspect-1.0\n" \
  "icesink lists them); without any, icesink runs the signalling server\n" \
  "itself on port 8443.\n" \
  "\n" \
  "Examples:\n" \
  "  ice-camera\n" \
  "  ice-camera signaller::uri=ws://HOST:8443 stun-server=stun://HOST:3478\n" \
  "Watch it with:\n" \
  "  gst-launch-1.0 icesrc signaller::uri=ws://HOST:8443 ! rtph264depay ! \\\n" \
  "      avdec_h264 ! videoconvert ! autovideosink\n" \
  "\n" \
  "It needs the gst-ice plugin (icesink): after a build, point\n" \
  "GST_PLUGIN_PATH at the build's ext/ice folder."

static void
on_peer_added (GstElement * sink, const gchar * peer_id, gpointer user_data)
{
  g_print ("viewer %s joined\n", peer_id);
}

static void
on_peer_removed (GstElement * sink, const gchar * peer_id, gpointer user_data)
{
  g_print ("viewer %s left\n", peer_id);
}

static gboolean
print_session_stats (GQuark field, const GValue * value, gpointer user_data)
{
  const GstStructure *session = gst_value_get_structure (value);
  guint64 packets = 0, bytes = 0;

  gst_structure_get_uint64 (session, "packets-sent", &packets);
  gst_structure_get_uint64 (session, "bytes-sent", &bytes);
  g_print ("  %s (%s, %s pair): %" G_GUINT64_FORMAT " packets, %"
      G_GUINT64_FORMAT " bytes sent\n",
      gst_structure_get_string (session, "peer-id"),
      gst_structure_get_string (session, "state"),
      GST_STR_NULL (gst_structure_get_string (session,
              "local-candidate-type")), packets, bytes);
  return TRUE;
}

static gboolean
print_stats (GstElement * sink)
{
  GstStructure *stats = NULL;

  g_object_get (sink, "stats", &stats, NULL);
  if (stats == NULL)
    return G_SOURCE_CONTINUE;
  g_print ("%d viewer(s)\n", gst_structure_n_fields (stats));
  gst_structure_foreach (stats, print_session_stats, NULL);
  gst_structure_free (stats);
  return G_SOURCE_CONTINUE;
}

/* 1 once the pipeline reported an error */
static int exit_status = 0;

static gboolean
on_message (GstBus * bus, GstMessage * message, GMainLoop * loop)
{
  const GstStructure *s = gst_message_get_structure (message);
  GError *error = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "ice-selected-pair"))
        g_print ("viewer %s: %s %s:%u <-> %s %s:%u over %s\n",
            gst_structure_get_string (s, "peer-id"),
            gst_structure_get_string (s, "local-candidate-type"),
            gst_structure_get_string (s, "local-address"),
            g_value_get_uint (gst_structure_get_value (s, "local-port")),
            gst_structure_get_string (s, "remote-candidate-type"),
            gst_structure_get_string (s, "remote-address"),
            g_value_get_uint (gst_structure_get_value (s, "remote-port")),
            gst_structure_get_string (s, "transport"));
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (message, &error, &debug);
      g_printerr ("warning: %s\n", error->message);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &error, &debug);
      g_printerr ("error: %s\n%s\n", error->message, GST_STR_NULL (debug));
      exit_status = 1;
      g_main_loop_quit (loop);
      break;
    default:
      break;
  }
  g_clear_error (&error);
  g_free (debug);
  return G_SOURCE_CONTINUE;
}

/* stop cleanly: viewers are told, TURN allocations released */
static gboolean
on_interrupt (GMainLoop * loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GString *description = g_string_new ("videotestsrc is-live=true ! "
      "x264enc tune=zerolatency ! rtph264pay config-interval=-1 ! "
      "icesink name=sink");
  gint stats_interval = DEFAULT_STATS_INTERVAL_S;
  GOptionEntry entries[] = {
    {"stats-interval", 0, 0, G_OPTION_ARG_INT, &stats_interval,
          "Print each viewer's traffic every SECONDS (default 5; 0: never)",
        "SECONDS"},
    {NULL}
  };
  GOptionContext *options;
  GError *error = NULL;
  GstElement *pipeline, *sink;
  GMainLoop *loop;
  GstBus *bus;

  options = g_option_context_new ("[ICESINK-PROPERTY=VALUE...]");
  g_option_context_set_summary (options, "Sends a test picture to every "
      "viewer through icesink, and tells who watches over which path.");
  g_option_context_set_description (options, DESCRIPTION);
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s (see ice-camera --help)\n", error->message);
    g_clear_error (&error);
    g_option_context_free (options);
    g_string_free (description, TRUE);
    return 2;
  }
  g_option_context_free (options);
  if (stats_interval < 0) {
    g_printerr ("--stats-interval %d is not a number of seconds (0 or "
        "more)\n", stats_interval);
    g_string_free (description, TRUE);
    return 2;
  }
  if (!ice_example_check_properties ("ice-camera", argc, argv)) {
    g_string_free (description, TRUE);
    return 2;
  }
  if (!ice_example_check_element ("icesink")) {
    g_string_free (description, TRUE);
    return 1;
  }

  pipeline = ice_example_launch (description, argc, argv);
  if (pipeline == NULL)
    return 1;

  loop = g_main_loop_new (NULL, FALSE);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (sink, "peer-added", G_CALLBACK (on_peer_added), NULL);
  g_signal_connect (sink, "peer-removed", G_CALLBACK (on_peer_removed), NULL);
  if (stats_interval > 0)
    g_timeout_add_seconds (stats_interval, (GSourceFunc) print_stats, sink);
  bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, (GstBusFunc) on_message, loop);
  g_unix_signal_add (SIGINT, (GSourceFunc) on_interrupt, loop);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* the error message on the bus says why (a port in use, ...) */
    GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (message != NULL) {
      on_message (bus, message, loop);
      gst_message_unref (message);
    } else {
      g_printerr ("error: the pipeline did not start\n");
    }
    exit_status = 1;
  } else {
    g_print ("sending; Ctrl-C to stop\n");
    g_main_loop_run (loop);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_main_loop_unref (loop);
  return exit_status;
}
