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

#include <glib.h>

G_BEGIN_DECLS

/* Two network namespaces of this process joined by a veth pair, side 0
 * (LOSS_LINK_ADDRESS_0) and side 1 (LOSS_LINK_ADDRESS_1), each dropping a
 * share of the UDP packets that reach it with iptables' statistic match
 * (tc netem is not available here): silently, as a lossy path does.  The namespaces are anonymous: they go
 * away with the test process, whatever way it ends.
 *
 * Namespaces belong to threads: a thread that entered side 0 creates
 * sockets there, and so do the threads it starts.  Set a pipeline's state
 * to PLAYING from inside a side: the element's transport thread, which
 * makes every libnice socket, is started then.  Needs root. */

#define LOSS_LINK_ADDRESS_0 "198.51.100.1"
#define LOSS_LINK_ADDRESS_1 "198.51.100.2"

typedef struct _LossLink LossLink;

gboolean loss_link_available (gchar ** why);
LossLink *loss_link_new (void);
void loss_link_free (LossLink * link);

void loss_link_enter (LossLink * link, guint side);
void loss_link_leave (LossLink * link);

void loss_link_set_loss (LossLink * link, gdouble probability);
void loss_link_set_blocked (LossLink * link, gboolean blocked);
guint64 loss_link_udp_bytes (LossLink * link, guint side, guint64 * packets);
guint64 loss_link_dropped (LossLink * link, guint side);
void loss_link_run (LossLink * link, guint side, const gchar * command);

G_END_DECLS
