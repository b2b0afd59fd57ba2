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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticeerror.h>

/**
 * gst_ice_error_quark:
 *
 * The error domain of gst-ice's #GError.  Like G_DEFINE_QUARK, but the
 * cached quark is read and written atomically: signaller threads (two
 * MQTT signallers losing their broker at once) may ask for it first at
 * the same time, which ThreadSanitizer reports as a race with the plain
 * static variable of G_DEFINE_QUARK.
 *
 * Returns: the #GQuark "gst-ice-error-quark"
 */
GQuark
gst_ice_error_quark (void)
{
  static gint quark = 0;
  GQuark q = (GQuark) g_atomic_int_get (&quark);

  if (G_UNLIKELY (q == 0)) {
    /* thread-safe, and the same quark whoever asks first */
    q = g_quark_from_static_string ("gst-ice-error-quark");
    g_atomic_int_set (&quark, (gint) q);
  }
  return q;
}
