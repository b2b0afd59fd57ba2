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
/* A real coturn for the TURN suites: started by the suite on loopback
 * ports nobody uses, with the options a test names, and stopped at the
 * end; see tests/check/turn.c. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEST_COTURN_REALM "gst-ice.test"

/**
 * TestCoturn:
 * @pid: the turnserver process
 * @port: its listening port: UDP, and TCP unless the options say --no-tcp
 * @tls_port: its TLS listening port (plain TCP too, unless --no-tcp), 0
 *   without a certificate
 * @dir: its folder: database, log, and whatever the suite puts there
 */
typedef struct
{
  GPid pid;
  guint port;
  guint tls_port;
  gchar *dir;
} TestCoturn;

TestCoturn *test_coturn_start (const gchar * const *options,
    const gchar * cert_file, const gchar * key_file);
TestCoturn *test_coturn_start_relaying (const gchar * const *options,
    const gchar * cert_file, const gchar * key_file, const gchar * relay_ip,
    gboolean loopback_peers);
void test_coturn_stop (TestCoturn * coturn);
gboolean test_coturn_installed (void);
gboolean test_port_accepts (guint port);
guint test_free_port (void);

G_END_DECLS
