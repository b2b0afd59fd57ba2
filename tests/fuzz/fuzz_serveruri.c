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


/* gst_ice_server_uri_parse() with any text: a refused URI gets a message
 * fit to show, and what parses writes back (with its password) to text
 * that parses to the same fields. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticeserveruri.h>

#include "fuzzcommon.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *text = fuzz_text (data, size);
  GstIceServerUri *uri, *again;
  GError *error = NULL;
  gchar *written, *shown;

  uri = gst_ice_server_uri_parse (text, &error);
  if (uri == NULL) {
    FUZZ_CHECK (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_URI));
    fuzz_check_shown_text (error->message);
    g_error_free (error);
    g_free (text);
    return 0;
  }

  FUZZ_CHECK (uri->host != NULL && uri->host[0] != '\0');
  written = gst_ice_server_uri_to_string (uri, FALSE);
  again = gst_ice_server_uri_parse (written, NULL);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (again->scheme == uri->scheme);
  FUZZ_CHECK (g_str_equal (again->host, uri->host));
  FUZZ_CHECK (again->port == uri->port);
  FUZZ_CHECK (g_strcmp0 (again->username, uri->username) == 0);
  FUZZ_CHECK (g_strcmp0 (again->password, uri->password) == 0);
  FUZZ_CHECK (again->transport == uri->transport);

  /* for logs: no password, and nothing raw */
  shown = gst_ice_server_uri_to_string (uri, TRUE);
  fuzz_check_shown_text (shown);

  g_free (shown);
  gst_ice_server_uri_free (again);
  g_free (written);
  gst_ice_server_uri_free (uri);
  g_free (text);
  return 0;
}
