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
 * SIGTERM.  Prints "listening on ws://HOST:PORT" (wss:// with a
 * certificate) once it accepts
 * connections.  Secrets come from a file or the environment, never from
 * the command line, where `ps` shows them to every user. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/ice/signalling/gsticesignallingserver.h>
#include <openssl/crypto.h>

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 8443

/* The token in @path: its first line, without the line end that
 * `openssl rand -hex 16 > FILE` leaves.  Warns when other users may read
 * it. */
static gchar *
read_token_file (const gchar * path, GError ** error)
{
  gchar *contents = NULL, *token;
  gsize length;
  GStatBuf st;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
    g_printerr ("warning: token file '%s' is readable by other users; "
        "chmod 600 it\n", path);

  token = g_strndup (contents, strcspn (contents, "\r\n"));
  OPENSSL_cleanse (contents, length);
  g_free (contents);
  if (token[0] == '\0' || !g_utf8_validate (token, -1, NULL)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "token file '%s' does not start with a token (one line of UTF-8 "
        "text, e.g. from openssl rand -hex 16)", path);
    g_free (token);
    return NULL;
  }
  return token;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* What a user (and the tests) read to find the server: its address, and
 * the status page's. */
static void
print_addresses (GstIceSignallingServer * server, const gchar * host,
    gboolean tls, gboolean status_page)
{
  guint port = gst_ice_signalling_server_get_port (server);
  const gchar *open = strchr (host, ':') ? "[" : "";
  const gchar *close = strchr (host, ':') ? "]" : "";

  g_print ("listening on %s://%s%s%s:%u\n", tls ? "wss" : "ws", open, host,
      close, port);
  if (status_page)
    g_print ("status page on %s://%s%s%s:%u/\n", tls ? "https" : "http",
        open, host, close, port);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  gchar *host = NULL;
  gchar *token_file = NULL;
  gchar *token = NULL;
  gchar *certificate_file = NULL;
  gchar *private_key_file = NULL;
  gboolean status_page = FALSE;
  gint port = DEFAULT_PORT;
  gint resume_timeout = 15;
  GOptionEntry entries[] = {
    {"host", 0, 0, G_OPTION_ARG_STRING, &host,
          "IP address to listen on, or localhost (default: " DEFAULT_HOST ")",
        "HOST"},
    {"port", 0, 0, G_OPTION_ARG_INT, &port,
          "TCP port to listen on, 0 picks a free one (default: 8443)",
        "PORT"},
    {"token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
        "Require clients to register with the token on the first line of "
          "FILE (default: the GST_ICE_SIGNALLING_TOKEN environment variable, "
          "else no token)", "FILE"},
    {"certificate-file", 0, 0, G_OPTION_ARG_FILENAME, &certificate_file,
        "Serve wss:// with the TLS certificate in this PEM file "
          "(default: plain ws://)", "FILE"},
    {"private-key-file", 0, 0, G_OPTION_ARG_FILENAME, &private_key_file,
        "PEM file of the private key of --certificate-file", "FILE"},
    {"status-page", 0, 0, G_OPTION_ARG_NONE, &status_page,
        "Serve a status page (peers, sessions, selected pairs, bitrates, "
          "uptime) on http://HOST:PORT/; with a token, open it as "
          "http://HOST:PORT/#token=TOKEN (default: no page)", NULL},
    {"resume-timeout", 0, 0, G_OPTION_ARG_INT, &resume_timeout,
        "Seconds a client whose connection broke keeps its registration "
          "and sessions, to resume them from a new connection (default: "
          "15; 0: it leaves at once)", "SECONDS"},
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
  if (resume_timeout < 0 || resume_timeout > 3600) {
    g_printerr ("resume-timeout %d is not between 0 and 3600 seconds\n",
        resume_timeout);
    return 2;
  }
  if (host == NULL)
    host = g_strdup (DEFAULT_HOST);
  if (token_file != NULL) {
    token = read_token_file (token_file, &error);
    if (token == NULL) {
      g_printerr ("%s\n", error->message);
      g_clear_error (&error);
      g_free (token_file);
      g_free (host);
      return 2;
    }
  }

  loop = g_main_loop_new (NULL, FALSE);
  server = gst_ice_signalling_server_new (host, port);
  g_object_set (server, "certificate-file", certificate_file,
      "private-key-file", private_key_file, "status-page", status_page,
      "resume-timeout", (guint) resume_timeout, NULL);
  if (token != NULL) {
    g_object_set (server, "token", token, NULL);
    OPENSSL_cleanse (token, strlen (token));
    g_free (token);
  }
  if (!gst_ice_signalling_server_start (server, &error)) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    g_object_unref (server);
    g_main_loop_unref (loop);
    g_free (host);
    g_free (token_file);
    g_free (certificate_file);
    g_free (private_key_file);
    return 1;
  }

  sigint = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, loop);

  print_addresses (server, host, certificate_file != NULL, status_page);

  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  gst_ice_signalling_server_stop (server);
  g_object_unref (server);
  g_main_loop_unref (loop);
  g_free (host);
  g_free (token_file);
  g_free (certificate_file);
  g_free (private_key_file);

  return 0;
}
