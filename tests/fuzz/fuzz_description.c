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


/* gst_ice_description_parse() with what a peer may send as its
 * description: no crash, leak, undefined behaviour, critical or warning;
 * a refused description gets a message fit to show; what parses writes
 * out and parses back to the same description. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticedescription.h>
#include <gst/ice/gsticeerror.h>

#include "fuzzcommon.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_round_trip (const GstIceDescription * desc)
{
  GstIceDescription *again;
  GError *error = NULL;
  gchar *written;
  guint i;

  FUZZ_CHECK (desc->ufrag != NULL && desc->pwd != NULL);
  for (i = 0; i < desc->candidates->len; i++)
    FUZZ_CHECK (gst_ice_candidate_line_is_valid (g_ptr_array_index
            (desc->candidates, i), NULL));

  written = gst_ice_description_to_string (desc);
  again = gst_ice_description_parse (written, &error);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (g_str_equal (again->ufrag, desc->ufrag));
  FUZZ_CHECK (g_str_equal (again->pwd, desc->pwd));
  FUZZ_CHECK (g_strcmp0 (again->fingerprint, desc->fingerprint) == 0);
  FUZZ_CHECK (g_strcmp0 (again->setup, desc->setup) == 0);
  FUZZ_CHECK (again->end_of_candidates == desc->end_of_candidates);
  FUZZ_CHECK (again->candidates->len == desc->candidates->len);
  for (i = 0; i < desc->candidates->len; i++)
    FUZZ_CHECK (g_str_equal (g_ptr_array_index (again->candidates, i),
            g_ptr_array_index (desc->candidates, i)));
  FUZZ_CHECK ((again->caps == NULL) == (desc->caps == NULL));
  if (desc->caps != NULL)
    FUZZ_CHECK (gst_caps_is_equal (again->caps, desc->caps));

  gst_ice_description_free (again);
  g_free (written);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *text = fuzz_text (data, size);
  GError *error = NULL;
  GstIceDescription *desc;

  desc = gst_ice_description_parse (text, &error);
  if (desc != NULL) {
    FUZZ_CHECK (error == NULL);
    check_round_trip (desc);
    gst_ice_description_free (desc);
  } else {
    FUZZ_CHECK (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_DESCRIPTION));
    fuzz_check_shown_text (error->message);
    g_error_free (error);
  }

  g_free (text);
  return 0;
}
