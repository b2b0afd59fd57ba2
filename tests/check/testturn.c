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

/* A coturn per test, which the test can freeze: the TURN server that
 * stops answering in the middle of a session. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include "coturntestutil.h"
#include "testturn.h"

/* A coturn relaying on @relay_ip (a loopback address), to peers on
 * loopback addresses if @loopback_peers (else it refuses them
 * permissions and drops what they send to its relays). */
TestTurn *
test_turn_start_with (const gchar * relay_ip, gboolean loopback_peers)
{
  const gchar *options[] = { "--lt-cred-mech", "--user=alice:secret", NULL };
  TestTurn *turn = g_new0 (TestTurn, 1);

  turn->coturn = test_coturn_start_relaying (options, NULL, NULL, relay_ip,
      loopback_peers);
  fail_unless (turn->coturn != NULL, "coturn (turnserver) is not installed");
  turn->pid = turn->coturn->pid;
  turn->port = turn->coturn->port;
  turn->uri = g_strdup_printf ("turn://alice:secret@127.0.0.1:%u", turn->port);
  return turn;
}

TestTurn *
test_turn_start (void)
{
  return test_turn_start_with ("127.0.0.1", TRUE);
}

void
test_turn_freeze (TestTurn * turn)
{
  fail_unless (kill (turn->pid, SIGSTOP) == 0);
}

void
test_turn_thaw (TestTurn * turn)
{
  fail_unless (kill (turn->pid, SIGCONT) == 0);
}

void
test_turn_stop (TestTurn * turn)
{
  /* a frozen coturn would keep a SIGTERM pending */
  kill (turn->pid, SIGKILL);
  test_coturn_stop (turn->coturn);
  g_free (turn->uri);
  g_free (turn);
}

/* the suite's process: its rules carry its pid */
static pid_t blackhole_owner;

static gchar *
blackhole_comment (void)
{
  return g_strdup_printf ("gst-ice test blackhole %d",
      blackhole_owner ? blackhole_owner : getpid ());
}

static gboolean
run_iptables (const gchar ** argv, gchar ** output)
{
  gint status = -1;

  return g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH |
      (output ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL) | G_SPAWN_STDERR_TO_DEV_NULL,
      NULL, NULL, output, NULL, &status, NULL) &&
      g_spawn_check_wait_status (status, NULL);
}

/* iptables -A or -D of the DROP rules for @port */
static gboolean
drop_rules (const gchar * action, guint port)
{
  const gchar *protocols[] = { "udp", "tcp" };
  gchar *dport = g_strdup_printf ("%u", port);
  gchar *comment = blackhole_comment ();
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (protocols); i++) {
    const gchar *argv[] = { "iptables", "-w", action, "OUTPUT", "-o", "lo",
      "-p", protocols[i], "-d", "127.0.0.1", "--dport", dport, "-m",
      "comment", "--comment", comment, "-j", "DROP", NULL
    };

    ok &= run_iptables (argv, NULL);
  }
  g_free (comment);
  g_free (dport);
  return ok;
}

void
test_blackhole_init (void)
{
  blackhole_owner = getpid ();
}

void
test_blackhole_cleanup (void)
{
  const gchar *list[] = { "iptables", "-w", "-S", "OUTPUT", NULL };
  gchar *comment = blackhole_comment ();
  gchar *output = NULL;
  gchar **lines;
  guint i;

  if (getuid () != 0 || !run_iptables (list, &output))
    goto done;
  lines = g_strsplit (output, "\n", -1);
  for (i = 0; lines[i]; i++) {
    gchar **argv = NULL;
    gchar *rule;

    /* "-A OUTPUT ... --comment \"gst-ice test blackhole PID\" -j DROP" */
    if (!g_str_has_prefix (lines[i], "-A ") || !strstr (lines[i], comment))
      continue;
    rule = g_strdup_printf ("iptables -w -D %s", lines[i] + 3);
    if (g_shell_parse_argv (rule, NULL, &argv, NULL))
      run_iptables ((const gchar **) argv, NULL);
    g_strfreev (argv);
    g_free (rule);
  }
  g_strfreev (lines);
done:
  g_free (output);
  g_free (comment);
}

static GSocket *
silent_socket (GSocketType type, guint port)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, port);
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, type, 0, NULL);
  GError *err = NULL;

  fail_unless (g_socket_bind (s, addr, FALSE, &err), "bind: %s",
      err ? err->message : "?");
  if (type == G_SOCKET_TYPE_STREAM)
    fail_unless (g_socket_listen (s, &err), "listen: %s",
        err ? err->message : "?");
  g_object_unref (addr);
  g_object_unref (lo);
  return s;
}

TestBlackhole *
test_blackhole_new (void)
{
  TestBlackhole *hole = g_new0 (TestBlackhole, 1);

  hole->port = test_free_port ();
  hole->dropping = getuid () == 0 && drop_rules ("-A", hole->port);
  if (!hole->dropping) {
    if (getuid () == 0)
      drop_rules ("-D", hole->port);    /* one of the two added */
    hole->udp = silent_socket (G_SOCKET_TYPE_DATAGRAM, hole->port);
    hole->tcp = silent_socket (G_SOCKET_TYPE_STREAM, hole->port);
  }
  hole->uri = g_strdup_printf ("turn://alice:secret@127.0.0.1:%u", hole->port);
  return hole;
}

void
test_blackhole_free (TestBlackhole * hole)
{
  if (hole->dropping)
    drop_rules ("-D", hole->port);
  g_clear_object (&hole->udp);
  g_clear_object (&hole->tcp);
  g_free (hole->uri);
  g_free (hole);
}
