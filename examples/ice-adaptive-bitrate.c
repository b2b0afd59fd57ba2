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


/* An encoder that follows the network: a camera sender whose H.264
 * bitrate follows what its viewers' paths sustain.
 *
 *   ice-adaptive-bitrate [ICESINK-PROPERTY=VALUE...]   (--help says more)
 *
 * icesink posts an ice-arq-report element message per viewer every
 * second (docs/loss-recovery.md): its loss, the round trip, and
 * bitrate-estimate, the bits/s its path is thought to sustain.  One
 * encoder serves every viewer here, so it follows the lowest estimate
 * (an application with one encoder per viewer would follow each one's).
 * The bitrate changes when the estimate is more than 10 % away from it,
 * within MIN_KBPS and MAX_KBPS.  Each report and each change is printed.
 *
 * Without properties it runs the signalling server itself; watch it with
 *   gst-launch-1.0 icesrc ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
 */

#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include "ice-example.h"

#define START_KBPS 1000
#define MIN_KBPS 100
#define MAX_KBPS 4000

typedef struct
{
  GMainLoop *loop;
  GstElement *encoder;
  guint kbps;
  GHashTable *estimates;        /* peer id -> estimate, kbit/s */
} App;

/* The lowest estimate of the viewers, and whose it is. */
static guint
lowest_estimate (App * app, const gchar ** peer)
{
  GHashTableIter iter;
  gpointer key, value;
  guint lowest = 0;

  g_hash_table_iter_init (&iter, app->estimates);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (lowest == 0 || GPOINTER_TO_UINT (value) < lowest) {
      lowest = GPOINTER_TO_UINT (value);
      *peer = key;
    }
  }
  return lowest;
}

static void
follow_estimates (App * app)
{
  const gchar *peer = NULL;
  guint lowest = lowest_estimate (app, &peer);
  guint kbps = CLAMP (lowest, MIN_KBPS, MAX_KBPS);

  if (lowest == 0 || (kbps * 10 >= app->kbps * 9 && kbps * 10 <= app->kbps
          * 11))
    return;
  g_print ("encoder bitrate %u -> %u kbit/s (lowest estimate %u kbit/s, "
      "viewer %s)\n", app->kbps, kbps, lowest, peer);
  app->kbps = kbps;
  g_object_set (app->encoder, "bitrate", kbps, NULL);
}

static void
take_report (App * app, const GstStructure * s)
{
  const gchar *peer = gst_structure_get_string (s, "peer-id");
  guint64 estimate = 0, bitrate = 0, lost = 0, unrecovered = 0;
  gdouble loss = 0, rtt = -1;

  gst_structure_get_uint64 (s, "bitrate-estimate", &estimate);
  gst_structure_get_uint64 (s, "bitrate", &bitrate);
  gst_structure_get_uint64 (s, "packets-lost", &lost);
  gst_structure_get_uint64 (s, "packets-unrecovered", &unrecovered);
  gst_structure_get_double (s, "loss", &loss);
  gst_structure_get_double (s, "rtt-ms", &rtt);
  g_print ("viewer %s: sent %" G_GUINT64_FORMAT " kbit/s, loss %.1f %%, "
      "rtt %.1f ms, %" G_GUINT64_FORMAT " lost and %" G_GUINT64_FORMAT
      " unrecovered so far, estimate %" G_GUINT64_FORMAT " kbit/s\n", peer,
      bitrate / 1000, loss * 100, rtt, lost, unrecovered, estimate / 1000);
  if (peer == NULL || estimate == 0)
    return;
  g_hash_table_insert (app->estimates, g_strdup (peer),
      GUINT_TO_POINTER ((guint) (estimate / 1000)));
  follow_estimates (app);
}

static void
on_peer_removed (GstElement * sink, const gchar * peer_id, App * app)
{
  g_print ("viewer %s left\n", peer_id);
  g_hash_table_remove (app->estimates, peer_id);
}

static gboolean
on_message (GstBus * bus, GstMessage * message, App * app)
{
  const GstStructure *s = gst_message_get_structure (message);
  GError *error = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "ice-arq-report"))
        take_report (app, s);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &error, &debug);
      g_printerr ("error: %s\n%s\n", error->message, GST_STR_NULL (debug));
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  g_clear_error (&error);
  g_free (debug);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (App * app)
{
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GString *description = g_string_new (NULL);
  App app = { 0, };
  GError *error = NULL;
  GstElement *pipeline, *sink;
  GstBus *bus;

  GOptionContext *options;

  options = g_option_context_new ("[ICESINK-PROPERTY=VALUE...]");
  g_option_context_set_summary (options, "Sends a test picture (H.264 over "
      "RTP) through icesink, its encoder's bitrate following the lowest "
      "bitrate-estimate of the viewers' loss recovery reports.");
  g_option_context_set_description (options, "Each argument sets a "
      "property of icesink (gst-inspect-1.0 icesink lists them);\nwithout "
      "any, icesink runs the signalling server itself on port 8443. Each "
      "report and each\nbitrate change is printed (docs/loss-recovery.md).\n"
      "\nWatch it with:\n  gst-launch-1.0 icesrc ! rtph264depay ! "
      "avdec_h264 ! videoconvert ! autovideosink\n\nIt needs the gst-ice "
      "plugin (icesink): after a build, point\nGST_PLUGIN_PATH at the "
      "build's ext/ice folder.");
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s (see ice-adaptive-bitrate --help)\n", error->message);
    g_clear_error (&error);
    g_option_context_free (options);
    return 2;
  }
  g_option_context_free (options);
  if (!ice_example_check_properties ("ice-adaptive-bitrate", argc, argv))
    return 2;
  if (!ice_example_check_element ("icesink"))
    return 1;

  /* a line at a time, into a pipe too */
  setvbuf (stdout, NULL, _IOLBF, 0);
  /* noise: the encoder uses all the bitrate it is given */
  g_string_printf (description, "videotestsrc is-live=true pattern=snow ! "
      "video/x-raw,width=320,height=240,framerate=15/1 ! "
      "x264enc name=encoder tune=zerolatency speed-preset=ultrafast "
      "bitrate=%u key-int-max=30 ! rtph264pay config-interval=-1 ! "
      "icesink name=sink", START_KBPS);
  pipeline = ice_example_launch (description, argc, argv);
  if (pipeline == NULL)
    return 1;

  app.loop = g_main_loop_new (NULL, FALSE);
  app.encoder = gst_bin_get_by_name (GST_BIN (pipeline), "encoder");
  app.kbps = START_KBPS;
  app.estimates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (sink, "peer-removed", G_CALLBACK (on_peer_removed), &app);
  bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, (GstBusFunc) on_message, &app);
  g_unix_signal_add (SIGINT, (GSourceFunc) on_interrupt, &app);
  g_unix_signal_add (SIGTERM, (GSourceFunc) on_interrupt, &app);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_main_loop_run (app.loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (app.encoder);
  gst_object_unref (pipeline);
  g_hash_table_unref (app.estimates);
  g_main_loop_unref (app.loop);
  return 0;
}
