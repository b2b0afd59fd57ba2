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


/* gst_ice_candidate_line_is_valid(), the check in front of libnice's own
 * parser, with what a peer may trickle: every line it lets through is
 * one libnice 0.1.21 parses without a crash, a leak or a warning; a
 * refused line gets a message fit to show. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <nice/agent.h>

#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticeerror.h>

#include "fuzzcommon.h"

static NiceAgent *agent;
static guint stream_id;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  /* as a session makes it; it gathers nothing and is never run */
  agent = nice_agent_new_full (g_main_context_default (),
      NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_ICE_TRICKLE);
  stream_id = nice_agent_add_stream (agent, 1);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *line = fuzz_text (data, size);
  NiceCandidate *candidate;
  GError *error = NULL;

  if (gst_ice_candidate_line_is_valid (line, &error)) {
    FUZZ_CHECK (error == NULL);
    candidate = nice_agent_parse_remote_candidate_sdp (agent, stream_id, line);
    if (candidate != NULL)
      nice_candidate_free (candidate);
  } else {
    FUZZ_CHECK (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_DESCRIPTION));
    FUZZ_CHECK (g_str_has_prefix (error->message, "candidate line "));
    fuzz_check_shown_text (error->message);
    g_error_free (error);
  }

  g_free (line);
  return 0;
}
