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


/* What OpenSSL's error queue says, as users see it in our messages. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <openssl/err.h>

#include "gsticeopenssl.h"

/**
 * gst_ice_openssl_take_error:
 *
 * Empties this thread's OpenSSL error queue.
 *
 * Returns: (transfer full): the text of the first error in it, as
 *   "library: reason (detail)", or a placeholder when the queue was empty.
 */
gchar *
gst_ice_openssl_take_error (void)
{
  const gchar *data = NULL;
  const gchar *lib;
  const gchar *reason;
  int flags = 0;
  unsigned long code;
  GString *text;

  code = ERR_get_error_all (NULL, NULL, NULL, &data, &flags);
  if (code == 0)
    return g_strdup ("no error reported by OpenSSL");

  text = g_string_new (NULL);
  lib = ERR_lib_error_string (code);
  reason = ERR_reason_error_string (code);
  if (lib)
    g_string_append_printf (text, "%s: ", lib);
  if (reason)
    g_string_append (text, reason);
  else
    g_string_append_printf (text, "error %lx", code);
  if (data && *data && (flags & ERR_TXT_STRING))
    g_string_append_printf (text, " (%s)", data);

  ERR_clear_error ();
  return g_string_free (text, FALSE);
}
