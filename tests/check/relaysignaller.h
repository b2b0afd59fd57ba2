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

#include <gst/ice/signalling/gsticesignaller.h>

G_BEGIN_DECLS

/* An in-process GstIceSignaller for tests: every instance in the process
 * meets the others in one hub, and the test may rewrite each description
 * on its way, as a compromised signalling server would.  Elements use it
 * with signaller-type=TestRelaySignaller (after test_relay_init()). */
#define TEST_TYPE_RELAY_SIGNALLER (test_relay_signaller_get_type ())
G_DECLARE_FINAL_TYPE (TestRelaySignaller, test_relay_signaller, TEST,
    RELAY_SIGNALLER, GObject);

/* Rewrites @description (sent by a peer of @role); returns a new string. */
typedef gchar *(*TestRelayTamperFunc) (GstIceSignallerRole role,
    const gchar * description, gpointer user_data);

void test_relay_init (void);
void test_relay_set_tamper (TestRelayTamperFunc func, gpointer user_data);

G_END_DECLS
