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


/* Starts and stops coturn for the TURN suites.  Everything here runs in
 * the suite function, before gst-check forks the tests: no fail_unless,
 * and no GLib pool thread (see docs/notes.md, gst-check). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <gio/gio.h>

#include "coturntestutil.h"

/* how many ports from the base one: listening, its alternative, TLS, its
 * alternative; relays after them */
#define LISTENING_PORTS 4
#define RELAY_PORTS 200

static gboolean
port_is_free (guint port)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, port);
  gboolean free_port = TRUE;
  GSocketType types[] = { G_SOCKET_TYPE_STREAM, G_SOCKET_TYPE_DATAGRAM };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, types[i], 0, NULL);

    free_port &= g_socket_bind (s, addr, FALSE, NULL);
    g_object_unref (s);
  }
  g_object_unref (addr);
  g_object_unref (lo);
  return free_port;
}

/**
 * test_port_accepts:
 *
 * A plain blocking connect to 127.0.0.1:@port: GSocketClient would ask
 * the proxy resolver, which runs in a GLib pool thread, and a pool thread
 * left idle in the parent process is inherited by each forked test as a
 * ghost that swallows the first job pushed to the pool (a GstTask never
 * starts).
 */
gboolean
test_port_accepts (guint port)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, port);
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0,
      NULL);
  gboolean accepted = g_socket_connect (s, addr, NULL, NULL);

  g_object_unref (s);
  g_object_unref (addr);
  g_object_unref (lo);
  return accepted;
}

/**
 * test_free_port:
 *
 * Returns: a port of 127.0.0.1 free for UDP and TCP alike
 */
guint
test_free_port (void)
{
  guint port;

  do {
    port = g_random_int_range (20000, 30000);
  } while (!port_is_free (port));
  return port;
}

gboolean
test_coturn_installed (void)
{
  gchar *turnserver = g_find_program_in_path ("turnserver");
  gboolean found = turnserver != NULL;

  g_free (turnserver);
  return found;
}

static guint
pick_base_port (void)
{
  guint base, i;
  gboolean free_ports;

  do {
    base = g_random_int_range (20000, 30000 - LISTENING_PORTS - RELAY_PORTS);
    free_ports = TRUE;
    for (i = 0; i < LISTENING_PORTS && free_ports; i++)
      free_ports = port_is_free (base + i);
  } while (!free_ports);
  return base;
}

/* in the forked coturn, before exec: die with the test process, even one
 * that crashed (the parent that counts is the one that forked: hence no
 * double fork, G_SPAWN_DO_NOT_REAP_CHILD) */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * test_coturn_start:
 * @options: (nullable): coturn options for the suite: the credentials
 *   (`--lt-cred-mech --user=alice:secret`, or `--use-auth-secret
 *   --static-auth-secret=…`) and anything else it needs
 * @cert_file: (nullable): the server's certificate (PEM): with it coturn
 *   also listens for TLS on @tls_port
 * @key_file: (nullable): its key
 *
 * Starts coturn on 127.0.0.1 with the realm TEST_COTURN_REALM, relaying
 * between loopback peers, and waits until it accepts TCP connections.
 * A coturn that does not start is a g_error.
 *
 * Returns: (transfer full) (nullable): the server, or %NULL when coturn
 *   is not installed
 */
TestCoturn *
test_coturn_start (const gchar * const *options, const gchar * cert_file,
    const gchar * key_file)
{
  return test_coturn_start_relaying (options, cert_file, key_file,
      "127.0.0.1", TRUE);
}

/**
 * test_coturn_start_relaying:
 * @relay_ip: the loopback address coturn relays from
 * @loopback_peers: whether it relays to peers on loopback addresses; if
 *   not, it refuses them permissions and drops what they send to its
 *   relays
 *
 * test_coturn_start(), relaying from @relay_ip.
 */
TestCoturn *
test_coturn_start_relaying (const gchar * const *options,
    const gchar * cert_file, const gchar * key_file, const gchar * relay_ip,
    gboolean loopback_peers)
{
  TestCoturn *coturn;
  GPtrArray *argv;
  GError *err = NULL;
  gchar *turnserver = g_find_program_in_path ("turnserver");
  guint base, wait_port;
  gint64 deadline;

  if (turnserver == NULL)
    return NULL;

  coturn = g_new0 (TestCoturn, 1);
  base = pick_base_port ();
  coturn->port = base;
  coturn->dir = g_dir_make_tmp ("gst-ice-coturn-XXXXXX", NULL);

  argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, turnserver);
  g_ptr_array_add (argv, g_strdup ("-n"));
  g_ptr_array_add (argv, g_strdup ("--listening-ip=127.0.0.1"));
  g_ptr_array_add (argv, g_strdup_printf ("--relay-ip=%s", relay_ip));
  g_ptr_array_add (argv, g_strdup_printf ("--listening-port=%u", base));
  g_ptr_array_add (argv, g_strdup_printf ("--min-port=%u",
          base + LISTENING_PORTS));
  g_ptr_array_add (argv, g_strdup_printf ("--max-port=%u",
          base + LISTENING_PORTS + RELAY_PORTS - 1));
  g_ptr_array_add (argv, g_strdup ("--realm=" TEST_COTURN_REALM));
  g_ptr_array_add (argv, g_strdup ("--no-dtls"));
  if (cert_file) {
    coturn->tls_port = base + 2;
    g_ptr_array_add (argv, g_strdup_printf ("--tls-listening-port=%u",
            coturn->tls_port));
    g_ptr_array_add (argv, g_strdup_printf ("--cert=%s", cert_file));
    g_ptr_array_add (argv, g_strdup_printf ("--pkey=%s", key_file));
  } else {
    g_ptr_array_add (argv, g_strdup ("--no-tls"));
  }
  for (; options && *options; options++)
    g_ptr_array_add (argv, g_strdup (*options));
  if (loopback_peers)
    g_ptr_array_add (argv, g_strdup ("--allow-loopback-peers"));
  g_ptr_array_add (argv, g_strdup ("--no-cli"));
  /* a pipe nobody reads would stop coturn once full (docs/notes.md) */
  g_ptr_array_add (argv, g_strdup ("--no-stdout-log"));
  g_ptr_array_add (argv, g_strdup ("--simple-log"));
  g_ptr_array_add (argv, g_strdup_printf ("--log-file=%s/coturn.log",
          coturn->dir));
  g_ptr_array_add (argv, g_strdup_printf ("--userdb=%s/turndb", coturn->dir));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_async (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
          G_SPAWN_STDERR_TO_DEV_NULL, die_with_parent, NULL, &coturn->pid,
          &err))
    g_error ("could not start coturn: %s", err->message);
  g_ptr_array_unref (argv);

  /* with --no-tcp only the TLS port takes TCP connections */
  wait_port = coturn->tls_port ? coturn->tls_port : coturn->port;
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!test_port_accepts (wait_port)) {
    if (g_get_monotonic_time () > deadline)
      g_error ("coturn did not listen on 127.0.0.1:%u; its log is in %s",
          wait_port, coturn->dir);
    g_usleep (50 * 1000);
  }
  return coturn;
}

void
test_coturn_stop (TestCoturn * coturn)
{
  gchar *rm;

  if (coturn == NULL)
    return;
  kill (coturn->pid, SIGTERM);
  waitpid (coturn->pid, NULL, 0);
  g_spawn_close_pid (coturn->pid);
  rm = g_strdup_printf ("rm -rf '%s'", coturn->dir);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", coturn->dir);
  g_free (rm);
  g_free (coturn->dir);
  g_free (coturn);
}
