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


/* gst_ice_caps_text_is_valid() in front of gst_caps_from_string(), as a
 * description's a=x-gst-caps takes them: whatever passes the check parses
 * without a critical, a warning or a crash in GStreamer; what GStreamer
 * writes for caps that parsed passes the check again and parses back to
 * the same caps, so that a producer's caps are never refused. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticecaps.h>
#include <gst/ice/gsticeerror.h>
#include <gst/video/video.h>

#include "fuzzcommon.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  /* as in a process that links gstvideo, like the plugin */
  g_type_class_unref (g_type_class_ref (GST_TYPE_VIDEO_MULTIVIEW_FLAGSET));
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *text = fuzz_text (data, size);
  GError *error = NULL;
  GstCaps *caps, *again;
  gchar *written;

  if (!gst_ice_caps_text_is_valid (text, &error)) {
    FUZZ_CHECK (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_DESCRIPTION));
    fuzz_check_shown_text (error->message);
    g_error_free (error);
    g_free (text);
    return 0;
  }

  caps = gst_caps_from_string (text);
  if (caps != NULL && gst_caps_is_fixed (caps)) {
    written = gst_caps_to_string (caps);
    FUZZ_CHECK (gst_ice_caps_text_is_valid (written, NULL));
    again = gst_caps_from_string (written);
    FUZZ_CHECK (again != NULL);
    FUZZ_CHECK (gst_caps_is_equal (again, caps));
    gst_caps_unref (again);
    g_free (written);
  }
  gst_clear_caps (&caps);
  g_free (text);
  return 0;
}
