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

/*
 * The small validators of SDP text that gsticedescription.c (credentials)
 * and gsticecandidate.c (candidate lines) share, and the one way both quote
 * text in their messages.  Private to libgstice: the header is not
 * installed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>

#include <gst/ice/gsticesyntax.h>

/* longer text is cut in error messages */
#define DISPLAY_MAX_LENGTH 512

static gboolean
is_ice_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/**
 * gst_ice_syntax_ice_chars_are_valid:
 * @text: the text to check
 * @min_length: the fewest characters allowed
 * @max_length: the most characters allowed
 *
 * Returns: whether @text is @min_length to @max_length RFC 8839 ice-chars
 *   (`A-Z a-z 0-9 + /`)
 */
gboolean
gst_ice_syntax_ice_chars_are_valid (const gchar * text, gsize min_length,
    gsize max_length)
{
  gsize len;

  for (len = 0; text[len] != '\0'; len++) {
    if (!is_ice_char (text[len]) || len >= max_length)
      return FALSE;
  }
  return len >= min_length;
}

/**
 * gst_ice_syntax_decimal_is_valid:
 * @text: the text to check
 * @min: the smallest value allowed
 * @max: the largest value allowed
 *
 * Returns: whether @text is a plain decimal between @min and @max: digits
 *   only (leading zeros allowed), no sign, no white space, no overflow
 */
gboolean
gst_ice_syntax_decimal_is_valid (const gchar * text, guint64 min, guint64 max)
{
  guint64 value = 0;
  const gchar *p;

  if (text[0] == '\0')
    return FALSE;
  for (p = text; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    value = value * 10 + (*p - '0');
    if (value > max)
      return FALSE;
  }
  return value >= min;
}

/**
 * gst_ice_syntax_address_is_valid:
 * @text: the text to check
 *
 * Returns: whether @text is an IPv4 or IPv6 address literal (no host name,
 *   no brackets)
 */
gboolean
gst_ice_syntax_address_is_valid (const gchar * text)
{
  GInetAddress *addr;

  if (text[0] == '\0')
    return FALSE;
  addr = g_inet_address_new_from_string (text);
  if (addr == NULL)
    return FALSE;
  g_object_unref (addr);
  return TRUE;
}

/* RFC 4566 token-char */
static gboolean
is_token_char (gchar c)
{
  return c == '!' || (c >= '#' && c <= '\'') || c == '*' || c == '+'
      || c == '-' || c == '.' || g_ascii_isdigit (c)
      || g_ascii_isalpha (c) || (c >= '^' && c <= '~');
}

/**
 * gst_ice_syntax_token_is_valid:
 * @text: the text to check
 *
 * Returns: whether @text is an RFC 4566 token: one or more printable ASCII
 *   characters but for space and `"(),/:;<=>?@[\]`
 */
gboolean
gst_ice_syntax_token_is_valid (const gchar * text)
{
  const gchar *p;

  if (text[0] == '\0')
    return FALSE;
  for (p = text; *p != '\0'; p++) {
    if (!is_token_char (*p))
      return FALSE;
  }
  return TRUE;
}

/**
 * gst_ice_syntax_vchars_are_valid:
 * @text: the text to check
 *
 * Returns: whether @text is one or more RFC 5234 VCHAR: printable ASCII
 *   without space
 */
gboolean
gst_ice_syntax_vchars_are_valid (const gchar * text)
{
  const gchar *p;

  if (text[0] == '\0')
    return FALSE;
  for (p = text; *p != '\0'; p++) {
    if ((guchar) * p < 0x21 || (guchar) * p > 0x7e)
      return FALSE;
  }
  return TRUE;
}

/**
 * gst_ice_syntax_text_for_display:
 * @text: text from a description or a candidate line
 *
 * Returns: (transfer full): @text made fit for a message: control
 *   characters written as `\xNN`, valid UTF-8, cut after 512 bytes with
 *   `...`
 */
gchar *
gst_ice_syntax_text_for_display (const gchar * text)
{
  GString *s = g_string_new (NULL);
  gchar *valid;
  gsize i;

  for (i = 0; text[i] != '\0'; i++) {
    guchar c = text[i];

    if (s->len >= DISPLAY_MAX_LENGTH) {
      g_string_append (s, "...");
      break;
    }
    if (c < 0x20 || c == 0x7f)
      g_string_append_printf (s, "\\x%02x", c);
    else
      g_string_append_c (s, c);
  }

  valid = g_utf8_make_valid (s->str, s->len);
  g_string_free (s, TRUE);
  return valid;
}
