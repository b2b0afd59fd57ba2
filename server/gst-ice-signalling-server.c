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

/* gst-ice-signalling-server: runs a GstIceSignallingServer until SIGINT or
 * SIGTERM.  Prints "listening on ws://HOST:PORT" once it accepts
 * connections. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/ice/signalling/gsticesignallingserver.h>

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 8443

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  gchar *host = NULL;
  gint port = DEFAULT_PORT;
  GOptionEntry entries[] = {
    {"host", 0, 0, G_OPTION_ARG_STRING, &host,
          "IP address to listen on, or localhost (default: " DEFAULT_HOST ")",
        "HOST"},
    {"port", 0, 0, G_OPTION_ARG_INT, &port,
          "TCP port to listen on, 0 picks a free one (default: 8443)",
        "PORT"},
    {NULL}
  };
  GOptionContext *options;
  GstIceSignallingServer *server;
  GMainLoop *loop;
  GError *error = NULL;
  guint sigint, sigterm;

  options = g_option_context_new (NULL);
  g_option_context_set_summary (options, "Relays gst-ice signalling "
      "messages between icesink producers and icesrc consumers.");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    g_option_context_free (options);
    return 2;
  }
  g_option_context_free (options);

  if (port < 0 || port > G_MAXUINT16) {
    g_printerr ("port %d is not between 0 and 65535\n", port);
    return 2;
  }
  if (host == NULL)
    host = g_strdup (DEFAULT_HOST);

  loop = g_main_loop_new (NULL, FALSE);
  server = gst_ice_signalling_server_new (host, port);
  if (!gst_ice_signalling_server_start (server, &error)) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    g_object_unref (server);
    g_main_loop_unref (loop);
    g_free (host);
    return 1;
  }

  sigint = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, loop);

  if (strchr (host, ':') != NULL)
    g_print ("listening on ws://[%s]:%u\n", host,
        gst_ice_signalling_server_get_port (server));
  else
    g_print ("listening on ws://%s:%u\n", host,
        gst_ice_signalling_server_get_port (server));
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  gst_ice_signalling_server_stop (server);
  g_object_unref (server);
  g_main_loop_unref (loop);
  g_free (host);

  return 0;
}
