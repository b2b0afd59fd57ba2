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


/* A lossy link between two network namespaces of the test process. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <gst/check/gstcheck.h>

#include "losslink.h"

struct _LossLink
{
  gint home;                    /* the namespace the test started in */
  gint sides[2];
};

static const gchar *const addresses[2] = {
  LOSS_LINK_ADDRESS_0, LOSS_LINK_ADDRESS_1
};

static const gchar *const devices[2] = { "arq0", "arq1" };

/* Whether the link can be made here: root, with ip and iptables. */
gboolean
loss_link_available (gchar ** why)
{
  gchar *ip = g_find_program_in_path ("ip");
  gchar *iptables = g_find_program_in_path ("iptables");
  gboolean ok = FALSE;

  if (geteuid () != 0)
    *why = g_strdup ("the lossy link needs root (network namespaces, "
        "iptables)");
  else if (ip == NULL || iptables == NULL)
    *why = g_strdup ("ip and iptables are needed (scripts/setup.sh installs "
        "iproute2 and iptables)");
  else
    ok = TRUE;
  g_free (ip);
  g_free (iptables);
  return ok;
}

static gint
open_own_namespace (void)
{
  gint fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

  fail_unless (fd >= 0, "open /proc/thread-self/ns/net: %s",
      g_strerror (errno));
  return fd;
}

static void
enter (gint fd)
{
  fail_unless (setns (fd, CLONE_NEWNET) == 0, "setns: %s", g_strerror (errno));
}

/* A new namespace, held by its descriptor; the calling thread stays where
 * it was. */
static gint
new_namespace (gint home)
{
  gint fd;

  fail_unless (unshare (CLONE_NEWNET) == 0, "unshare: %s", g_strerror (errno));
  fd = open_own_namespace ();
  enter (home);
  return fd;
}

/* Runs @command (no shell) in the calling thread's namespace. */
static gchar *
run_here (const gchar * command)
{
  gchar **argv = NULL, *out = NULL, *err = NULL;
  GError *error = NULL;
  gint status = 0;

  fail_unless (g_shell_parse_argv (command, NULL, &argv, NULL));
  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err, &status, &error), "%s: %s", command,
      error ? error->message : "?");
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed: %s",
      command, err);
  g_strfreev (argv);
  g_free (err);
  return out;
}

/* Runs @command in the namespace of @side. */
void
loss_link_run (LossLink * link, guint side, const gchar * command)
{
  enter (link->sides[side]);
  g_free (run_here (command));
  enter (link->home);
}

LossLink *
loss_link_new (void)
{
  LossLink *link = g_new0 (LossLink, 1);
  gchar *command;
  guint i;

  link->home = open_own_namespace ();
  link->sides[0] = new_namespace (link->home);
  link->sides[1] = new_namespace (link->home);

  command = g_strdup_printf ("ip link add %s type veth peer name %s netns "
      "/proc/%d/fd/%d", devices[0], devices[1], (gint) getpid (),
      link->sides[1]);
  loss_link_run (link, 0, command);
  g_free (command);
  for (i = 0; i < 2; i++) {
    /* no IPv6: nothing but the test's packets on the link */
    loss_link_run (link, i, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1");
    loss_link_run (link, i, "ip link set lo up");
    command = g_strdup_printf ("ip addr add %s/24 dev %s", addresses[i],
        devices[i]);
    loss_link_run (link, i, command);
    g_free (command);
    command = g_strdup_printf ("ip link set %s up", devices[i]);
    loss_link_run (link, i, command);
    g_free (command);
    /* counts what leaves, before any loss */
    command = g_strdup_printf ("iptables -A OUTPUT -o %s -p udp", devices[i]);
    loss_link_run (link, i, command);
    g_free (command);
    command = g_strdup_printf ("iptables -N LOSS");
    loss_link_run (link, i, command);
    g_free (command);
    /* the loss is on arrival: a packet dropped in OUTPUT fails its
     * sendmsg() with EPERM, which no real lossy path does and which makes
     * libnice fail an ICE check at once instead of retransmitting it */
    command = g_strdup_printf ("iptables -A INPUT -i %s -p udp -j LOSS",
        devices[i]);
    loss_link_run (link, i, command);
    g_free (command);
  }
  return link;
}

void
loss_link_free (LossLink * link)
{
  enter (link->home);
  close (link->sides[0]);
  close (link->sides[1]);
  close (link->home);
  g_free (link);
}

/* The calling thread, and the threads it starts from now on, are in
 * @side. */
void
loss_link_enter (LossLink * link, guint side)
{
  enter (link->sides[side]);
}

void
loss_link_leave (LossLink * link)
{
  enter (link->home);
}

/* Each side drops @probability of the UDP packets it receives: loss
 * each way.  0 ends it. */
void
loss_link_set_loss (LossLink * link, gdouble probability)
{
  gchar *command;
  guint i;

  for (i = 0; i < 2; i++) {
    loss_link_run (link, i, "iptables -F LOSS");
    if (probability <= 0)
      continue;
    command = g_strdup_printf ("iptables -A LOSS -m statistic --mode random "
        "--probability %.4f -j DROP", probability);
    loss_link_run (link, i, command);
    g_free (command);
  }
}

/* Every packet either way dropped (TRUE), or the loss as it was. */
void
loss_link_set_blocked (LossLink * link, gboolean blocked)
{
  guint i;

  for (i = 0; i < 2; i++)
    loss_link_run (link, i, blocked ? "iptables -I LOSS -j DROP" :
        "iptables -D LOSS -j DROP");
}

/* The UDP payload bytes @side sent since the link was made (counted
 * before the loss), and in @packets how many datagrams. */
guint64
loss_link_udp_bytes (LossLink * link, guint side, guint64 * packets)
{
  gchar *out, **lines;
  guint64 ip_bytes = 0, count = 0;
  guint i;

  enter (link->sides[side]);
  out = run_here ("iptables -nvxL OUTPUT");
  enter (link->home);
  lines = g_strsplit (out, "\n", -1);
  /* the first rule: no target, the device's UDP */
  for (i = 2; lines[i] != NULL; i++) {
    gchar **f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
    GPtrArray *words = g_ptr_array_new ();
    guint j;

    for (j = 0; f[j]; j++)
      if (*f[j])
        g_ptr_array_add (words, f[j]);
    /* -n names the protocol by number: 17 */
    if (words->len >= 3 && (g_strcmp0 (g_ptr_array_index (words, 2),
                "17") == 0 || g_strcmp0 (g_ptr_array_index (words, 2),
                "udp") == 0)) {
      count = g_ascii_strtoull (g_ptr_array_index (words, 0), NULL, 10);
      ip_bytes = g_ascii_strtoull (g_ptr_array_index (words, 1), NULL, 10);
      g_ptr_array_unref (words);
      g_strfreev (f);
      break;
    }
    g_ptr_array_unref (words);
    g_strfreev (f);
  }
  g_strfreev (lines);
  g_free (out);
  if (packets)
    *packets = count;
  /* IPv4 and UDP headers */
  return ip_bytes - 28 * count;
}

/* How many of the packets @side sent the loss dropped so far (on their
 * arrival at the other side). */
guint64
loss_link_dropped (LossLink * link, guint side)
{
  gchar *out, **lines;
  guint64 dropped = 0;
  guint i;

  enter (link->sides[1 - side]);
  out = run_here ("iptables -nvxL LOSS");
  enter (link->home);
  lines = g_strsplit (out, "\n", -1);
  for (i = 2; lines[i] != NULL; i++)
    dropped += g_ascii_strtoull (g_strchug (lines[i]), NULL, 10);
  g_strfreev (lines);
  g_free (out);
  return dropped;
}
