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


/* What the WebSocket signaller does with its server's frames, as a
 * producer or as a consumer (the first byte of the input: 'p' producer,
 * anything else consumer).  Input: one text frame per line after the
 * first.
 *
 * Checked: no crash, leak, undefined behaviour, critical or warning; each
 * signal it emits carries the arguments docs/signalling-protocol.md
 * promises: UTF-8 strings, never NULL. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticeerror.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>

#include "fuzzcommon.h"

static GMainContext *context;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  /* start() attaches its first connection attempt here: never run */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  return 0;
}

static void
check_string (const gchar * text)
{
  FUZZ_CHECK (text != NULL);
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
}

static void
on_one (GstIceSignaller * signaller, const gchar * a, gpointer user_data)
{
  check_string (a);
}

static void
on_two (GstIceSignaller * signaller, const gchar * a, const gchar * b,
    gpointer user_data)
{
  check_string (a);
  check_string (b);
}

static void
on_error (GstIceSignaller * signaller, const GError * error, gpointer user_data)
{
  FUZZ_CHECK (g_error_matches (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING));
  check_string (error->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstIceSignaller *signaller;
  GPtrArray *lines;
  guint i;

  if (size == 0)
    return 0;

  signaller = gst_ice_websocket_signaller_new ("ws://127.0.0.1:9");
  g_signal_connect (signaller, "producer-added", G_CALLBACK (on_one), NULL);
  g_signal_connect (signaller, "producer-removed", G_CALLBACK (on_one), NULL);
  g_signal_connect (signaller, "session-ended", G_CALLBACK (on_one), NULL);
  g_signal_connect (signaller, "session-requested", G_CALLBACK (on_two), NULL);
  g_signal_connect (signaller, "session-started", G_CALLBACK (on_two), NULL);
  g_signal_connect (signaller, "session-description", G_CALLBACK (on_two),
      NULL);
  g_signal_connect (signaller, "session-candidate", G_CALLBACK (on_two), NULL);
  g_signal_connect (signaller, "error", G_CALLBACK (on_error), NULL);
  gst_ice_signaller_start (signaller, data[0] == 'p' ?
      GST_ICE_SIGNALLER_ROLE_PRODUCER : GST_ICE_SIGNALLER_ROLE_CONSUMER,
      "fuzz");

  lines = fuzz_split_lines (data + 1, size - 1);
  for (i = 0; i < lines->len; i++)
    gst_ice_websocket_signaller_receive_text (GST_ICE_WEBSOCKET_SIGNALLER
        (signaller), lines->pdata[i]);
  g_ptr_array_unref (lines);

  gst_ice_signaller_stop (signaller);
  g_object_unref (signaller);
  return 0;
}
