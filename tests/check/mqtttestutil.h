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

/* Starts, kills and restarts a real mosquitto broker for the MQTT suite:
 * on 127.0.0.1, on a port nobody uses, with a configuration file the test
 * writes; see tests/check/mqttsignaller.c. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TestBroker:
 * @pid: the mosquitto process, 0 while it is stopped
 * @port: its port, kept across restarts
 * @dir: its folder: configuration, log, and whatever the test puts there
 * @uri: `mqtt://127.0.0.1:PORT` (`mqtts://` when the configuration has a
 *   certificate)
 */
typedef struct
{
  GPid pid;
  guint port;
  gchar *dir;
  gchar *config;
  gchar *uri;
} TestBroker;

gboolean test_mosquitto_installed (void);
TestBroker *test_broker_start (const gchar * config, gboolean tls);
void test_broker_kill (TestBroker * broker);
void test_broker_restart (TestBroker * broker);
void test_broker_stop (TestBroker * broker);
guint test_free_port (void);

G_END_DECLS
