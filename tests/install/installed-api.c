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

/* A tiny application built by tests/install/install.py against the
 * installed headers and pkg-config file only: it uses each part of the
 * public API once and prints what it saw.  It includes nothing of the
 * source tree. */

#include <string.h>
#include <gst/ice/ice.h>

/* writing a signaller: the interface is implementable from outside */
#define TINY_TYPE_SIGNALLER (tiny_signaller_get_type ())
G_DECLARE_FINAL_TYPE (TinySignaller, tiny_signaller, TINY, SIGNALLER, GObject);

struct _TinySignaller
{
  GObject parent;
};

static void
tiny_signaller_start (GstIceSignaller * signaller, GstIceSignallerRole role,
    const gchar * peer_id)
{
  /* a consumer hears of one producer at once */
  if (role == GST_ICE_SIGNALLER_ROLE_CONSUMER)
    gst_ice_signaller_emit_producer_added (signaller, "camera");
}

static void
tiny_signaller_stop (GstIceSignaller * signaller)
{
}

static void
tiny_signaller_iface_init (GstIceSignallerInterface * iface)
{
  iface->start = tiny_signaller_start;
  iface->stop = tiny_signaller_stop;
}

G_DEFINE_TYPE_WITH_CODE (TinySignaller, tiny_signaller, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_ICE_SIGNALLER, tiny_signaller_iface_init));

static void
tiny_signaller_class_init (TinySignallerClass * klass)
{
}

static void
tiny_signaller_init (TinySignaller * self)
{
}

static void
on_producer_added (GstIceSignaller * signaller, const gchar * peer_id,
    gchar ** seen)
{
  *seen = g_strdup (peer_id);
}

static int
check_description (void)
{
  GstIceDescription *desc;
  GError *error = NULL;
  gchar *text, *caps;

  desc = gst_ice_description_parse ("a=ice-ufrag:abcd\r\n"
      "a=ice-pwd:0123456789abcdefghijkl\r\n"
      "a=x-gst-caps:video/x-h264\r\n", &error);
  if (desc == NULL) {
    g_printerr ("description did not parse: %s\n", error->message);
    return 1;
  }
  text = gst_ice_description_to_string (desc);
  caps = gst_caps_to_string (desc->caps);
  g_print ("description: ufrag %s, caps %s, %" G_GSIZE_FORMAT " bytes as "
      "text\n", desc->ufrag, caps, strlen (text));
  g_free (caps);
  g_free (text);
  gst_ice_description_free (desc);

  desc = gst_ice_description_parse ("a=ice-ufrag:abcd\r\n", &error);
  if (desc != NULL || !g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_INVALID_DESCRIPTION)) {
    g_printerr ("a description without a password was not refused\n");
    return 1;
  }
  g_print ("error: %s\n", error->message);
  g_clear_error (&error);
  return 0;
}

static int
check_signaller (void)
{
  GstIceSignaller *signaller = g_object_new (TINY_TYPE_SIGNALLER, NULL);
  gchar *seen = NULL;

  g_signal_connect (signaller, "producer-added",
      G_CALLBACK (on_producer_added), &seen);
  gst_ice_signaller_start (signaller, GST_ICE_SIGNALLER_ROLE_CONSUMER, "me");
  gst_ice_signaller_stop (signaller);
  g_object_unref (signaller);
  if (g_strcmp0 (seen, "camera") != 0) {
    g_printerr ("the signaller's producer-added was not heard\n");
    return 1;
  }
  g_print ("signaller: producer-added %s\n", seen);
  g_free (seen);
  return 0;
}

static int
check_server (void)
{
  GstIceSignallingServer *server =
      gst_ice_signalling_server_new ("127.0.0.1", 0);
  GError *error = NULL;
  guint port;

  if (!gst_ice_signalling_server_start (server, &error)) {
    g_printerr ("the signalling server did not start: %s\n", error->message);
    return 1;
  }
  port = gst_ice_signalling_server_get_port (server);
  gst_ice_signalling_server_stop (server);
  g_object_unref (server);
  if (port == 0) {
    g_printerr ("the signalling server has no port\n");
    return 1;
  }
  g_print ("server: listened on port %u\n", port);
  return 0;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (check_description () || check_signaller () || check_server ())
    return 1;
  g_print ("installed API works\n");
  return 0;
}
