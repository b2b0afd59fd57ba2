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

/* A file system served by the test through the kernel's FUSE device, as
 * a stand-in for a network file system whose server answers late: a
 * signalling directory (its `producers/` and `sessions/` folders, empty,
 * 0700 and owned by the test's user), where every request can be held
 * before it is answered.  The file-system calls of whoever uses the mount
 * block meanwhile, in the kernel, as on a slow NFS mount. */
typedef struct _SlowFs SlowFs;

/* Mounts it on @mountpoint (an empty folder) in a mount namespace of the
 * test's own, or returns NULL and says why (not root, no /dev/fuse, no
 * mount namespace).  Call it before the test starts any thread. */
SlowFs *slow_fs_mount (const gchar * mountpoint, gchar ** why);
/* From now on each request is answered @ms after it arrived; 0 answers the
 * held ones at once. */
void slow_fs_set_delay (SlowFs * fs, guint ms);
/* How many requests have been held since the mount. */
guint slow_fs_get_n_held (SlowFs * fs);
/* How many requests are being held now. */
guint slow_fs_get_n_holding (SlowFs * fs);
/* Fails the requests still pending, unmounts and frees @fs. */
void slow_fs_unmount (SlowFs * fs);

G_END_DECLS
