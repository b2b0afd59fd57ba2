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

/* A real mosquitto for the MQTT suite.  Plain sockets only, no GLib pool
 * thread: see coturntestutil.c and docs/notes.md (gst-check). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "mqtttestutil.h"

/* Debian installs the broker in /usr/sbin, which a user's PATH may lack */
static gchar *
find_mosquitto (void)
{
  gchar *path = g_find_program_in_path ("mosquitto");

  if (path == NULL
      && g_file_test ("/usr/sbin/mosquitto", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/mosquitto");
  return path;
}

gboolean
test_mosquitto_installed (void)
{
  gchar *path = find_mosquitto ();
  gboolean found = path != NULL;

  g_free (path);
  return found;
}

/* A TCP port of 127.0.0.1 that nothing listens on now. */
guint
test_free_port (void)
{
  struct sockaddr_in addr = { 0, };
  socklen_t length = sizeof (addr);
  gint fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  g_assert (fd >= 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert (bind (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0);
  g_assert (getsockname (fd, (struct sockaddr *) &addr, &length) == 0);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static gboolean
port_accepts (guint port)
{
  struct sockaddr_in addr = { 0, };
  gint fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean accepted;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  accepted = connect (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0;
  close (fd);
  return accepted;
}

static void
spawn_broker (TestBroker * broker)
{
  gchar *mosquitto = find_mosquitto ();
  gchar *argv[] = { mosquitto, (gchar *) "-c", broker->config, NULL };
  GError *err = NULL;
  gint64 deadline;

  g_assert (mosquitto != NULL);
  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
          G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
          NULL, &broker->pid, &err))
    g_error ("could not start mosquitto: %s", err->message);
  g_free (mosquitto);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!port_accepts (broker->port)) {
    if (g_get_monotonic_time () > deadline)
      g_error ("mosquitto did not listen on 127.0.0.1:%u; its log is in %s",
          broker->port, broker->dir);
    g_usleep (20 * 1000);
  }
}

/**
 * test_broker_start:
 * @config: (nullable): more of mosquitto.conf: options of the listener
 *   (certfile, keyfile) first, then global ones (password_file, acl_file);
 *   without `allow_anonymous false`, anonymous clients are let in
 * @tls: whether @config makes the listener speak TLS, for the uri
 *
 * Returns: (transfer full): a broker that accepts connections
 */
TestBroker *
test_broker_start (const gchar * config, gboolean tls)
{
  TestBroker *broker = g_new0 (TestBroker, 1);
  gchar *text;

  broker->port = test_free_port ();
  broker->dir = g_dir_make_tmp ("gst-ice-mosquitto-XXXXXX", NULL);
  g_assert (broker->dir != NULL);
  broker->config = g_build_filename (broker->dir, "mosquitto.conf", NULL);
  broker->uri = g_strdup_printf ("%s://127.0.0.1:%u", tls ? "mqtts" : "mqtt",
      broker->port);
  /* as root mosquitto would become user mosquitto, who cannot read the
   * folder; persistence off: presences are published again instead */
  text = g_strdup_printf ("listener %u 127.0.0.1\n%s\n%s"
      "persistence false\nuser root\nlog_dest file %s/mosquitto.log\n"
      "log_type all\n", broker->port, config ? config : "",
      config && strstr (config, "allow_anonymous") ? "" :
      "allow_anonymous true\n", broker->dir);
  g_assert (g_file_set_contents (broker->config, text, -1, NULL));
  g_free (text);
  spawn_broker (broker);
  return broker;
}

/* Ends the broker at once, as a crash would: no will it holds is sent
 * and every client loses its connection. */
void
test_broker_kill (TestBroker * broker)
{
  if (broker->pid == 0)
    return;
  kill (broker->pid, SIGKILL);
  waitpid (broker->pid, NULL, 0);
  g_spawn_close_pid (broker->pid);
  broker->pid = 0;
}

/* The same broker again, on the same port. */
void
test_broker_restart (TestBroker * broker)
{
  test_broker_kill (broker);
  spawn_broker (broker);
}

void
test_broker_stop (TestBroker * broker)
{
  gchar *rm;

  if (broker == NULL)
    return;
  if (broker->pid != 0) {
    kill (broker->pid, SIGTERM);
    waitpid (broker->pid, NULL, 0);
    g_spawn_close_pid (broker->pid);
  }
  rm = g_strdup_printf ("rm -rf '%s'", broker->dir);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", broker->dir);
  g_free (rm);
  g_free (broker->dir);
  g_free (broker->config);
  g_free (broker->uri);
  g_free (broker);
}
