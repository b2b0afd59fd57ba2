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

/**
 * SECTION:gsticedescription
 * @title: GstIceDescription
 * @short_description: the ICE credentials, caps and candidates one peer
 *   sends the other
 *
 * A description is text made of RFC 8839 `a=` lines, each ending in CRLF:
 *
 * |[
 * a=ice-ufrag:8hhY
 * a=ice-pwd:asd88fgpdd777uzjYhagZg
 * a=fingerprint:sha-256 4A:AD:…:7C
 * a=setup:actpass
 * a=x-gst-caps:video/x-h264, stream-format=(string)byte-stream
 * a=x-gst-transfer-mode:reliable
 * a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host
 * a=end-of-candidates
 * ]|
 *
 * gst_ice_description_parse() accepts LF or CRLF line endings, skips blank
 * lines, SDP lines that are not `a=` attributes and attributes it does not
 * know, so that the SDP of a browser parses too.  A session-level and a
 * media-level `a=ice-ufrag` / `a=ice-pwd` with the same value count as one;
 * two different values are an error, as are two different sha-256
 * fingerprints or setup roles; fingerprints of other hash functions are
 * skipped (gst-ice checks sha-256 only).  `a=x-gst-transfer-mode` names how
 * the producer carries its buffers: absent or `datagram`, each buffer is
 * one datagram; `reliable`, the buffers' bytes travel as one byte stream
 * that arrives whole and in order; the consumer's answer repeats the mode
 * it follows.  Its value is one word of 1 to 32 lower-case letters, digits
 * and dashes, kept as it is (a mode of a later gst-ice is the session's to
 * refuse); two different values are an error.  A candidate line that is not valid is
 * skipped with a warning in the debug log: one bad candidate must not end a
 * session.
 *
 * The caps text is handed to gst_caps_from_string(), which in GStreamer 1.22
 * logs a g_warning() or g_critical() itself for some malformed caps (for
 * instance a media type that starts with a digit); the description is then
 * still rejected with a %GST_ICE_ERROR_INVALID_DESCRIPTION error.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticedescription.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesyntax.h>
#include <gst/ice/dtls/gsticecertificate.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_description_debug);
#define GST_CAT_DEFAULT gst_ice_description_debug

#define UFRAG_MIN_LENGTH 4
#define PWD_MIN_LENGTH 22
#define ICE_CHARS_MAX_LENGTH 256
#define TRANSFER_MODE_MAX_LENGTH 32

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_description_debug, "icedescription", 0,
        "ICE session descriptions");
    g_once_init_leave (&initialized, 1);
  }
}

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void description_error (GError ** error, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

/**
 * gst_ice_description_new:
 * @ufrag: the ICE username fragment
 * @pwd: the ICE password
 *
 * Returns: (transfer full): a description with these credentials, no caps
 *   and no candidates
 */
GstIceDescription *
gst_ice_description_new (const gchar * ufrag, const gchar * pwd)
{
  GstIceDescription *desc;

  g_return_val_if_fail (ufrag != NULL, NULL);
  g_return_val_if_fail (pwd != NULL, NULL);

  desc = g_new0 (GstIceDescription, 1);
  desc->ufrag = g_strdup (ufrag);
  desc->pwd = g_strdup (pwd);
  desc->candidates = g_ptr_array_new_with_free_func (g_free);
  return desc;
}

/**
 * gst_ice_description_free:
 * @desc: (nullable): a #GstIceDescription
 */
void
gst_ice_description_free (GstIceDescription * desc)
{
  if (desc == NULL)
    return;

  g_free (desc->ufrag);
  g_free (desc->pwd);
  gst_clear_caps (&desc->caps);
  if (desc->candidates != NULL)
    g_ptr_array_unref (desc->candidates);
  g_free (desc->fingerprint);
  g_free (desc->setup);
  g_free (desc->transfer_mode);
  g_free (desc);
}

/**
 * gst_ice_description_add_candidate:
 * @desc: a #GstIceDescription
 * @line: an `a=candidate:` line, without line ending
 *
 * Appends a copy of @line to the candidates of @desc.  It is not checked
 * here; gst_ice_description_parse() skips candidate lines that are not
 * valid RFC 8839 ones.
 */
void
gst_ice_description_add_candidate (GstIceDescription * desc, const gchar * line)
{
  g_return_if_fail (desc != NULL);
  g_return_if_fail (line != NULL);

  if (desc->candidates == NULL)
    desc->candidates = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (desc->candidates, g_strdup (line));
}

/**
 * gst_ice_description_to_string:
 * @desc: a #GstIceDescription
 *
 * Writes @desc as `a=ice-ufrag`, `a=ice-pwd`, `a=fingerprint` and
 * `a=setup` (when set), `a=x-gst-caps` (when it has caps),
 * `a=x-gst-transfer-mode` (when set), the candidate
 * lines and `a=end-of-candidates` (when set), each line ending in CRLF.
 *
 * Returns: (transfer full): the description as text
 */
gchar *
gst_ice_description_to_string (const GstIceDescription * desc)
{
  GString *s;
  guint i;

  g_return_val_if_fail (desc != NULL, NULL);

  s = g_string_new (NULL);
  if (desc->ufrag != NULL)
    g_string_append_printf (s, "a=ice-ufrag:%s\r\n", desc->ufrag);
  if (desc->pwd != NULL)
    g_string_append_printf (s, "a=ice-pwd:%s\r\n", desc->pwd);
  if (desc->fingerprint != NULL)
    g_string_append_printf (s, "a=fingerprint:%s\r\n", desc->fingerprint);
  if (desc->setup != NULL)
    g_string_append_printf (s, "a=setup:%s\r\n", desc->setup);
  if (desc->caps != NULL) {
    gchar *caps = gst_caps_to_string (desc->caps);

    g_string_append_printf (s, "a=x-gst-caps:%s\r\n", caps);
    g_free (caps);
  }
  if (desc->transfer_mode != NULL)
    g_string_append_printf (s, "a=x-gst-transfer-mode:%s\r\n",
        desc->transfer_mode);
  for (i = 0; desc->candidates != NULL && i < desc->candidates->len; i++) {
    g_string_append (s, g_ptr_array_index (desc->candidates, i));
    g_string_append (s, "\r\n");
  }
  if (desc->end_of_candidates)
    g_string_append (s, GST_ICE_END_OF_CANDIDATES_LINE "\r\n");

  return g_string_free (s, FALSE);
}

static gboolean
line_is_blank (const gchar * line)
{
  for (; *line != '\0'; line++) {
    if (!g_ascii_isspace (*line))
      return FALSE;
  }
  return TRUE;
}

static gboolean
candidate_is_known (GPtrArray * candidates, const gchar * line)
{
  guint i;

  for (i = 0; i < candidates->len; i++) {
    if (strcmp (g_ptr_array_index (candidates, i), line) == 0)
      return TRUE;
  }
  return FALSE;
}

static void
description_error (GError ** error, const gchar * format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, GST_ICE_ERROR,
      GST_ICE_ERROR_INVALID_DESCRIPTION, message);
  g_free (message);
}

/* Stores the value of a credential line in @value, or fails if it is not
 * valid or differs from one seen before. */
static gboolean
take_credential (const gchar * line, const gchar * value, gsize min_length,
    const gchar * what, gchar ** stored, GError ** error)
{
  gchar *shown;

  if (!gst_ice_syntax_ice_chars_are_valid (value, min_length,
          ICE_CHARS_MAX_LENGTH)) {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' does not have a valid "
        "%s (%" G_GSIZE_FORMAT " to %d characters of A-Z a-z 0-9 + /)",
        shown, what, min_length, ICE_CHARS_MAX_LENGTH);
    g_free (shown);
    return FALSE;
  }

  if (*stored != NULL && strcmp (*stored, value) != 0) {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' contradicts an earlier "
        "%s '%s' (one description has one)", shown, what, *stored);
    g_free (shown);
    return FALSE;
  }

  if (*stored == NULL)
    *stored = g_strdup (value);
  return TRUE;
}

/* Parses the value of an a=x-gst-caps line into @caps, or fails if it does
 * not parse or differs from the caps of an earlier line. */
static gboolean
take_caps (const gchar * line, const gchar * value, gchar ** stored_text,
    GstCaps ** caps, GError ** error)
{
  if (*stored_text != NULL && strcmp (*stored_text, value) != 0)
    goto duplicate_caps;
  if (*caps != NULL)
    return TRUE;

  if (line_is_blank (value))
    goto empty_caps;
  *caps = gst_caps_from_string (value);
  if (*caps == NULL)
    goto bad_caps;
  *stored_text = g_strdup (value);
  return TRUE;

  /* ERRORS */
duplicate_caps:
  {
    gchar *shown = gst_ice_syntax_text_for_display (line);
    gchar *earlier = gst_ice_syntax_text_for_display (*stored_text);

    description_error (error, "description line '%s' contradicts the "
        "earlier caps '%s' (one description has one a=x-gst-caps)", shown,
        earlier);
    g_free (earlier);
    g_free (shown);
    return FALSE;
  }
empty_caps:
  {
    gchar *shown = gst_ice_syntax_text_for_display (line);

    description_error (error, "description line '%s' has no caps", shown);
    g_free (shown);
    return FALSE;
  }
bad_caps:
  {
    gchar *shown = gst_ice_syntax_text_for_display (value);

    description_error (error, "description has caps '%s' that do not parse "
        "(a=x-gst-caps: needs caps as gst_caps_to_string() writes them)",
        shown);
    g_free (shown);
    return FALSE;
  }
}

/* Adds a copy of the candidate @line to @candidates, unless it is not
 * valid (one bad candidate must not end a session: it is logged) or
 * already there. */
static void
take_candidate (GPtrArray * candidates, const gchar * line)
{
  GError *error = NULL;

  if (!gst_ice_candidate_line_is_valid (line, &error)) {
    GST_WARNING ("skipping candidate: %s", error->message);
    g_clear_error (&error);
  } else if (candidate_is_known (candidates, line)) {
    GST_DEBUG ("skipping repeated candidate '%s'", line);
  } else {
    g_ptr_array_add (candidates, g_strdup (line));
  }
}

/* The value of an a=fingerprint line (RFC 8122: "HASH VALUE"): a sha-256
 * one is checked and kept, unless it contradicts an earlier one; other
 * hash functions are skipped, as a peer may offer several. */
static gboolean
take_fingerprint (const gchar * line, const gchar * value, gchar ** stored,
    GError ** error)
{
  GError *invalid = NULL;
  gchar *shown;

  if (g_ascii_strncasecmp (value, GST_ICE_FINGERPRINT_HASH " ",
          strlen (GST_ICE_FINGERPRINT_HASH) + 1) != 0) {
    GST_LOG ("skipping fingerprint line '%s'", line);
    return TRUE;
  }
  if (!gst_ice_fingerprint_validate (value, &invalid))
    goto not_valid;
  if (*stored != NULL && !gst_ice_fingerprint_equal (*stored, value))
    goto contradicts;
  if (*stored == NULL)
    *stored = g_strdup (value);
  return TRUE;

  /* ERRORS */
not_valid:
  {
    description_error (error, "description has a fingerprint that is not "
        "valid: %s", invalid->message);
    g_clear_error (&invalid);
    return FALSE;
  }
contradicts:
  {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' contradicts the "
        "earlier fingerprint '%s' (one certificate per description)", shown,
        *stored);
    g_free (shown);
    return FALSE;
  }
}

/* The value of an a=setup line (RFC 4145): one of four words, once. */
static gboolean
take_setup (const gchar * line, const gchar * value, gchar ** stored,
    GError ** error)
{
  static const gchar *const roles[] = { "actpass", "active", "passive",
    "holdconn"
  };
  gchar *shown;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (roles); i++) {
    if (strcmp (value, roles[i]) == 0)
      break;
  }
  if (i == G_N_ELEMENTS (roles))
    goto unknown;
  if (*stored != NULL && strcmp (*stored, value) != 0)
    goto contradicts;
  if (*stored == NULL)
    *stored = g_strdup (value);
  return TRUE;

  /* ERRORS */
unknown:
  {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' does not have a setup "
        "role gst-ice knows (actpass, active, passive or holdconn)", shown);
    g_free (shown);
    return FALSE;
  }
contradicts:
  {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' contradicts the "
        "earlier a=setup:%s", shown, *stored);
    g_free (shown);
    return FALSE;
  }
}

/* The value of an a=x-gst-transfer-mode line: one word, once. */
static gboolean
take_transfer_mode (const gchar * line, const gchar * value, gchar ** stored,
    GError ** error)
{
  gchar *shown;
  gsize len = strlen (value), i;

  if (len == 0 || len > TRANSFER_MODE_MAX_LENGTH)
    goto not_a_word;
  for (i = 0; i < len; i++) {
    if (!g_ascii_islower (value[i]) && !g_ascii_isdigit (value[i]) &&
        value[i] != '-')
      goto not_a_word;
  }
  if (*stored != NULL && strcmp (*stored, value) != 0)
    goto contradicts;
  if (*stored == NULL)
    *stored = g_strdup (value);
  return TRUE;

  /* ERRORS */
not_a_word:
  {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' does not name a "
        "transfer mode (1 to %d characters of a-z 0-9 -, such as reliable)",
        shown, TRANSFER_MODE_MAX_LENGTH);
    g_free (shown);
    return FALSE;
  }
contradicts:
  {
    shown = gst_ice_syntax_text_for_display (line);
    description_error (error, "description line '%s' contradicts the "
        "earlier a=x-gst-transfer-mode:%s", shown, *stored);
    g_free (shown);
    return FALSE;
  }
}

/* An attribute gst-ice knows, or one it skips.  @caps_text: the text the
 * caps were parsed from, to compare a repeated a=x-gst-caps with. */
static gboolean
take_attribute (GstIceDescription * desc, const gchar * line,
    gchar ** caps_text, GError ** error)
{
  const gchar *value = strchr (line, ':') ? strchr (line, ':') + 1 : NULL;

  if (g_str_has_prefix (line, "a=ice-ufrag:"))
    return take_credential (line, value, UFRAG_MIN_LENGTH,
        "ICE user name fragment", &desc->ufrag, error);
  if (g_str_has_prefix (line, "a=ice-pwd:"))
    return take_credential (line, value, PWD_MIN_LENGTH, "ICE password",
        &desc->pwd, error);
  if (g_str_has_prefix (line, "a=x-gst-caps:"))
    return take_caps (line, value, caps_text, &desc->caps, error);
  if (g_str_has_prefix (line, "a=fingerprint:"))
    return take_fingerprint (line, value, &desc->fingerprint, error);
  if (g_str_has_prefix (line, "a=setup:"))
    return take_setup (line, value, &desc->setup, error);
  if (g_str_has_prefix (line, "a=x-gst-transfer-mode:"))
    return take_transfer_mode (line, value, &desc->transfer_mode, error);
  if (g_str_has_prefix (line, GST_ICE_CANDIDATE_LINE_PREFIX)) {
    take_candidate (desc->candidates, line);
  } else if (gst_ice_candidate_line_is_end_of_candidates (line)) {
    desc->end_of_candidates = TRUE;
  } else if (strcmp (line, "a=ice-ufrag") == 0
      || strcmp (line, "a=ice-pwd") == 0 || strcmp (line, "a=x-gst-caps") == 0
      || strcmp (line, "a=fingerprint") == 0 || strcmp (line, "a=setup") == 0
      || strcmp (line, "a=x-gst-transfer-mode") == 0) {
    gchar *shown = gst_ice_syntax_text_for_display (line);

    description_error (error, "description line '%s' has no ':' and value",
        shown);
    g_free (shown);
    return FALSE;
  } else {
    GST_LOG ("skipping attribute '%s'", line);
  }
  return TRUE;
}

/**
 * gst_ice_description_parse:
 * @text: (nullable): a description, as written by
 *   gst_ice_description_to_string() or as part of an SDP
 * @error: return location for a %GST_ICE_ERROR_INVALID_DESCRIPTION error
 *
 * Parses a description.  It must have one `a=ice-ufrag` and one
 * `a=ice-pwd`; see the section documentation for what is skipped.
 *
 * Returns: (transfer full) (nullable): the description, or %NULL with
 *   @error set
 */
GstIceDescription *
gst_ice_description_parse (const gchar * text, GError ** error)
{
  GstIceDescription *desc;
  gchar **lines;
  gchar *caps_text = NULL;
  guint i;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();

  if (text == NULL || line_is_blank (text)) {
    description_error (error, "description is empty (it needs at least "
        "a=ice-ufrag and a=ice-pwd lines)");
    return NULL;
  }

  desc = g_new0 (GstIceDescription, 1);
  desc->candidates = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (text, "\n", -1);

  for (i = 0; lines[i] != NULL; i++) {
    gchar *line = lines[i];
    gsize len = strlen (line);

    if (len > 0 && line[len - 1] == '\r')
      line[len - 1] = '\0';
    if (line_is_blank (line))
      continue;
    if (!g_str_has_prefix (line, "a=")) {
      GST_LOG ("skipping line '%s'", line);
      continue;
    }
    if (!take_attribute (desc, line, &caps_text, error))
      goto failed;
  }

  if (desc->ufrag == NULL)
    goto no_ufrag;
  if (desc->pwd == NULL)
    goto no_pwd;

  GST_DEBUG ("parsed description with %u candidates%s",
      desc->candidates->len, desc->end_of_candidates ?
      " and end-of-candidates" : "");

  g_free (caps_text);
  g_strfreev (lines);
  return desc;

  /* ERRORS */
no_ufrag:
  {
    description_error (error, "description has no a=ice-ufrag line");
    goto failed;
  }
no_pwd:
  {
    description_error (error, "description has no a=ice-pwd line");
    goto failed;
  }
failed:
  {
    g_free (caps_text);
    gst_ice_description_free (desc);
    g_strfreev (lines);
    return NULL;
  }
}
