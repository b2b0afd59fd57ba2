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

#pragma once

#include <gio/gio.h>

#include "coturntestutil.h"

G_BEGIN_DECLS

/* A coturn of one test's own, on 127.0.0.1, which the test may freeze
 * (SIGSTOP: it answers nothing, as a hung or unreachable server) and thaw.
 * It is killed with the test process, even one that crashed. */
typedef struct
{
  TestCoturn *coturn;
  GPid pid;
  guint port;
  gchar *uri;
} TestTurn;

TestTurn *test_turn_start (void);
TestTurn *test_turn_start_with (const gchar * relay_ip,
    gboolean loopback_peers);
void test_turn_freeze (TestTurn * turn);
void test_turn_thaw (TestTurn * turn);
void test_turn_stop (TestTurn * turn);

/* A TURN server address on 127.0.0.1 where packets vanish: an iptables
 * DROP rule for its port (UDP and TCP) when the test runs as root, or
 * else sockets that take every packet and never answer (TCP connects
 * then, and nothing follows). */
typedef struct
{
  guint port;
  gboolean dropping;            /* an iptables rule, not sockets */
  GSocket *udp;
  GSocket *tcp;
  gchar *uri;                   /* turn://alice:secret@127.0.0.1:port */
} TestBlackhole;

TestBlackhole *test_blackhole_new (void);
void test_blackhole_free (TestBlackhole * hole);
/* In main(), around the suite: the rules of a test that crashed before
 * freeing its blackhole are removed at the end. */
void test_blackhole_init (void);
void test_blackhole_cleanup (void);

G_END_DECLS
