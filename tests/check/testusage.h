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

#include <gst/gst.h>

G_BEGIN_DECLS

/* What this process holds, as a user watching a long-running pipeline
 * sees it in /proc. */
typedef struct
{
  guint fds;                    /* entries of /proc/self/fd */
  guint threads;                /* entries of /proc/self/task */
  guint64 rss_kib;              /* resident set, /proc/self/statm */
} TestUsage;

void test_usage_get (TestUsage * usage);

/* Waits until no more fds and threads than @limit are held, or @timeout;
 * returns whether they came down, @now holding the last figures. */
gboolean test_usage_wait_down_to (const TestUsage * limit,
    GstClockTime timeout, TestUsage * now);

G_END_DECLS
