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
 * a=x-gst-caps:video/x-h264, stream-format=(string)byte-stream
 * a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host
 * a=end-of-candidates
 * ]|
 *
 * gst_ice_description_parse() accepts LF or CRLF line endings, skips blank
 * lines, SDP lines that are not `a=` attributes and attributes it does not
 * know, so that the SDP of a browser parses too.  A session-level and a
 * media-level `a=ice-ufrag` / `a=ice-pwd` with the same value count as one;
 * two different values are an error.  A candidate line that is not valid is
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

#include <gio/gio.h>

#include <gst/ice/gsticedescription.h>
#include <gst/ice/gsticeerror.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_description_debug);
#define GST_CAT_DEFAULT gst_ice_description_debug

#define UFRAG_MIN_LENGTH 4
#define PWD_MIN_LENGTH 22
#define ICE_CHARS_MAX_LENGTH 256
#define FOUNDATION_MAX 32
#define COMPONENT_MAX 256
#define PRIORITY_MAX G_MAXUINT32

/* longer lines are cut in error messages */
#define DISPLAY_MAX_LENGTH 512

#define CANDIDATE_PREFIX "a=candidate:"

/* the fields every candidate line has, in this order */
enum
{
  FIELD_FOUNDATION,
  FIELD_COMPONENT,
  FIELD_TRANSPORT,
  FIELD_PRIORITY,
  FIELD_ADDRESS,
  FIELD_PORT,
  FIELD_TYP,
  FIELD_TYPE,
  N_REQUIRED_FIELDS
};

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

/* @text made fit for a message: control characters escaped, valid UTF-8,
 * cut after DISPLAY_MAX_LENGTH bytes. */
static gchar *
text_for_display (const gchar * text)
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

static gboolean
is_ice_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

static gboolean
ice_chars_are_valid (const gchar * text, gsize min_length, gsize max_length)
{
  gsize len;

  for (len = 0; text[len] != '\0'; len++) {
    if (!is_ice_char (text[len]) || len >= max_length)
      return FALSE;
  }
  return len >= min_length;
}

/* Plain decimal between @min and @max: digits only, no sign, no white
 * space, no overflow. */
static gboolean
decimal_is_valid (const gchar * text, guint64 min, guint64 max)
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

static gboolean
address_is_valid (const gchar * text)
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

static gboolean
token_is_valid (const gchar * text)
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

/* RFC 5234 VCHAR, at least one */
static gboolean
vchars_are_valid (const gchar * text)
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

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void candidate_error (GError ** error, const gchar * line,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
static void description_error (GError ** error, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

/* Sets "candidate line '<line>': <format>" on @error; every field in the
 * arguments goes through text_for_display() by the caller. */
static void
candidate_error (GError ** error, const gchar * line, const gchar * format, ...)
{
  va_list args;
  gchar *shown, *detail;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  shown = text_for_display (line);
  g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
      "candidate line '%s': %s", shown, detail);
  g_free (shown);
  g_free (detail);
}

static void
field_error (GError ** error, const gchar * line, const gchar * name,
    const gchar * value, const gchar * expected)
{
  gchar *shown = text_for_display (value);

  candidate_error (error, line, "%s '%s' is not %s", name, shown, expected);
  g_free (shown);
}

/**
 * gst_ice_candidate_line_is_valid:
 * @line: (nullable): a candidate line, without line ending
 * @error: return location for a %GST_ICE_ERROR_INVALID_DESCRIPTION error
 *
 * Checks @line strictly against RFC 8839 and RFC 6544:
 * `a=candidate:FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE
 * [raddr ADDRESS rport PORT] [tcptype active|passive|so] [NAME VALUE]...`,
 * with a foundation of 1 to 32 ice-chars, a component from 1 to 256,
 * transport UDP or TCP (any case), a priority from 1 to 2^32-1, an IPv4 or
 * IPv6 literal as address (no host names, so no mDNS `.local` names
 * either), a port from 0 to 65535, type host, srflx, prflx or relay, and
 * single spaces between fields.  A TCP candidate needs a tcptype.
 *
 * Never logs a warning, whatever @line holds.
 *
 * Returns: %TRUE if @line is a valid candidate line, else %FALSE with
 *   @error saying which field is wrong
 */
gboolean
gst_ice_candidate_line_is_valid (const gchar * line, GError ** error)
{
  static const gchar *const types[] = { "host", "srflx", "prflx", "relay" };
  gchar **fields = NULL;
  const gchar *tcptype = NULL;
  gboolean is_tcp, known_type = FALSE;
  guint n_fields, i;

  if (line == NULL)
    goto no_line;
  if (!g_str_has_prefix (line, CANDIDATE_PREFIX))
    goto no_prefix;
  if (strpbrk (line, "\r\n") != NULL)
    goto line_break;

  fields = g_strsplit (line + strlen (CANDIDATE_PREFIX), " ", -1);
  n_fields = g_strv_length (fields);
  for (i = 0; i < n_fields; i++) {
    if (fields[i][0] == '\0')
      goto empty_field;
  }
  if (n_fields < N_REQUIRED_FIELDS)
    goto too_few_fields;

  if (!ice_chars_are_valid (fields[FIELD_FOUNDATION], 1, FOUNDATION_MAX)) {
    field_error (error, line, "foundation", fields[FIELD_FOUNDATION],
        "1 to 32 characters of A-Z a-z 0-9 + /");
    goto failed;
  }
  if (!decimal_is_valid (fields[FIELD_COMPONENT], 1, COMPONENT_MAX)) {
    field_error (error, line, "component", fields[FIELD_COMPONENT],
        "a number between 1 and 256");
    goto failed;
  }
  if (g_ascii_strcasecmp (fields[FIELD_TRANSPORT], "TCP") == 0) {
    is_tcp = TRUE;
  } else if (g_ascii_strcasecmp (fields[FIELD_TRANSPORT], "UDP") == 0) {
    is_tcp = FALSE;
  } else {
    field_error (error, line, "transport", fields[FIELD_TRANSPORT],
        "UDP or TCP");
    goto failed;
  }
  if (!decimal_is_valid (fields[FIELD_PRIORITY], 1, PRIORITY_MAX)) {
    field_error (error, line, "priority", fields[FIELD_PRIORITY],
        "a number between 1 and 4294967295");
    goto failed;
  }
  if (!address_is_valid (fields[FIELD_ADDRESS])) {
    field_error (error, line, "address", fields[FIELD_ADDRESS],
        "an IPv4 or IPv6 address (host names, mDNS .local ones included, "
        "are not supported)");
    goto failed;
  }
  if (!decimal_is_valid (fields[FIELD_PORT], 0, G_MAXUINT16)) {
    field_error (error, line, "port", fields[FIELD_PORT],
        "a number between 0 and 65535");
    goto failed;
  }
  if (strcmp (fields[FIELD_TYP], "typ") != 0) {
    field_error (error, line, "field", fields[FIELD_TYP],
        "'typ' (expected 'typ host', 'typ srflx', 'typ prflx' or "
        "'typ relay' after the port)");
    goto failed;
  }
  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    if (strcmp (fields[FIELD_TYPE], types[i]) == 0)
      known_type = TRUE;
  }
  if (!known_type) {
    field_error (error, line, "candidate type", fields[FIELD_TYPE],
        "host, srflx, prflx or relay");
    goto failed;
  }

  i = N_REQUIRED_FIELDS;
  if (i < n_fields && strcmp (fields[i], "raddr") == 0) {
    if (i + 3 >= n_fields || strcmp (fields[i + 2], "rport") != 0)
      goto raddr_without_rport;
    if (!address_is_valid (fields[i + 1])) {
      field_error (error, line, "related address", fields[i + 1],
          "an IPv4 or IPv6 address");
      goto failed;
    }
    if (!decimal_is_valid (fields[i + 3], 0, G_MAXUINT16)) {
      field_error (error, line, "related port", fields[i + 3],
          "a number between 0 and 65535");
      goto failed;
    }
    i += 4;
  }

  /* extensions: name/value pairs */
  for (; i < n_fields; i += 2) {
    const gchar *name = fields[i];
    const gchar *value = fields[i + 1];

    if (value == NULL)
      goto extension_without_value;
    if (!token_is_valid (name)) {
      field_error (error, line, "extension name", name,
          "a token (printable ASCII without specials)");
      goto failed;
    }
    if (!vchars_are_valid (value)) {
      field_error (error, line, "extension value", value, "printable ASCII");
      goto failed;
    }
    if (strcmp (name, "raddr") == 0 || strcmp (name, "rport") == 0)
      goto misplaced_related_address;
    if (strcmp (name, "tcptype") == 0) {
      if (!is_tcp)
        goto tcptype_on_udp;
      if (tcptype != NULL)
        goto duplicate_tcptype;
      if (strcmp (value, "active") != 0 && strcmp (value, "passive") != 0
          && strcmp (value, "so") != 0) {
        field_error (error, line, "tcptype", value, "active, passive or so");
        goto failed;
      }
      tcptype = value;
    }
  }

  if (is_tcp && tcptype == NULL)
    goto tcp_without_tcptype;

  g_strfreev (fields);
  return TRUE;

  /* ERRORS */
no_line:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "candidate line is NULL");
    goto failed;
  }
no_prefix:
  {
    candidate_error (error, line, "does not start with '" CANDIDATE_PREFIX "'");
    goto failed;
  }
line_break:
  {
    candidate_error (error, line, "contains a line break (give one line "
        "without its line ending)");
    goto failed;
  }
empty_field:
  {
    candidate_error (error, line, "has an empty field (fields are separated "
        "by exactly one space, with none at the start or end)");
    goto failed;
  }
too_few_fields:
  {
    candidate_error (error, line, "has %u field%s where at least 8 are "
        "needed (FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ "
        "TYPE)", n_fields, n_fields == 1 ? "" : "s");
    goto failed;
  }
raddr_without_rport:
  {
    candidate_error (error, line, "'raddr' must be followed by an address, "
        "'rport' and a port");
    goto failed;
  }
extension_without_value:
  {
    gchar *shown = text_for_display (fields[i]);

    candidate_error (error, line, "extension '%s' has no value", shown);
    g_free (shown);
    goto failed;
  }
misplaced_related_address:
  {
    candidate_error (error, line, "'raddr ADDRESS rport PORT' must come "
        "once, together, right after the candidate type");
    goto failed;
  }
tcptype_on_udp:
  {
    candidate_error (error, line, "a UDP candidate cannot have a tcptype");
    goto failed;
  }
duplicate_tcptype:
  {
    candidate_error (error, line, "has more than one tcptype");
    goto failed;
  }
tcp_without_tcptype:
  {
    candidate_error (error, line, "a TCP candidate needs a tcptype (active, "
        "passive or so)");
    goto failed;
  }
failed:
  {
    g_strfreev (fields);
    return FALSE;
  }
}

/**
 * gst_ice_candidate_line_is_end_of_candidates:
 * @line: (nullable): a line
 *
 * Returns: whether @line is exactly `a=end-of-candidates`, optionally
 *   followed by its line ending
 */
gboolean
gst_ice_candidate_line_is_end_of_candidates (const gchar * line)
{
  const gsize len = strlen (GST_ICE_END_OF_CANDIDATES_LINE);

  if (line == NULL || strncmp (line, GST_ICE_END_OF_CANDIDATES_LINE, len) != 0)
    return FALSE;
  line += len;
  return strcmp (line, "") == 0 || strcmp (line, "\r") == 0
      || strcmp (line, "\n") == 0 || strcmp (line, "\r\n") == 0;
}

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
  g_free (desc);
}

/**
 * gst_ice_description_add_candidate:
 * @desc: a #GstIceDescription
 * @line: an `a=candidate:` line, without line ending
 *
 * Appends a copy of @line to the candidates of @desc.  It is not checked:
 * see gst_ice_candidate_line_is_valid().
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
 * Writes @desc as `a=ice-ufrag`, `a=ice-pwd`, `a=x-gst-caps` (when it has
 * caps), the candidate lines and `a=end-of-candidates` (when set), each
 * line ending in CRLF.
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
  if (desc->caps != NULL) {
    gchar *caps = gst_caps_to_string (desc->caps);

    g_string_append_printf (s, "a=x-gst-caps:%s\r\n", caps);
    g_free (caps);
  }
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

  if (!ice_chars_are_valid (value, min_length, ICE_CHARS_MAX_LENGTH)) {
    shown = text_for_display (line);
    description_error (error, "description line '%s' does not have a valid "
        "%s (%" G_GSIZE_FORMAT " to %d characters of A-Z a-z 0-9 + /)",
        shown, what, min_length, ICE_CHARS_MAX_LENGTH);
    g_free (shown);
    return FALSE;
  }

  if (*stored != NULL && strcmp (*stored, value) != 0) {
    shown = text_for_display (line);
    description_error (error, "description line '%s' contradicts an earlier "
        "%s '%s' (one description has one)", shown, what, *stored);
    g_free (shown);
    return FALSE;
  }

  if (*stored == NULL)
    *stored = g_strdup (value);
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
  gchar **lines = NULL;
  gchar *ufrag = NULL;
  gchar *pwd = NULL;
  gchar *caps_text = NULL;
  GstCaps *caps = NULL;
  GPtrArray *candidates = NULL;
  gboolean end_of_candidates = FALSE;
  GError *cand_error = NULL;
  const gchar *value = NULL;
  guint i;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();

  if (text == NULL || line_is_blank (text))
    goto empty;

  candidates = g_ptr_array_new_with_free_func (g_free);
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

    if (g_str_has_prefix (line, "a=ice-ufrag:")) {
      value = line + strlen ("a=ice-ufrag:");
      if (!take_credential (line, value, UFRAG_MIN_LENGTH,
              "ICE user name fragment", &ufrag, error))
        goto failed;
    } else if (g_str_has_prefix (line, "a=ice-pwd:")) {
      value = line + strlen ("a=ice-pwd:");
      if (!take_credential (line, value, PWD_MIN_LENGTH, "ICE password",
              &pwd, error))
        goto failed;
    } else if (g_str_has_prefix (line, "a=x-gst-caps:")) {
      value = line + strlen ("a=x-gst-caps:");
      if (caps_text != NULL && strcmp (caps_text, value) != 0)
        goto duplicate_caps;
      if (caps == NULL) {
        if (line_is_blank (value))
          goto empty_caps;
        caps = gst_caps_from_string (value);
        if (caps == NULL)
          goto bad_caps;
        caps_text = g_strdup (value);
      }
    } else if (g_str_has_prefix (line, CANDIDATE_PREFIX)) {
      if (!gst_ice_candidate_line_is_valid (line, &cand_error)) {
        GST_WARNING ("skipping candidate: %s", cand_error->message);
        g_clear_error (&cand_error);
      } else if (candidate_is_known (candidates, line)) {
        GST_DEBUG ("skipping repeated candidate '%s'", line);
      } else {
        g_ptr_array_add (candidates, g_strdup (line));
      }
    } else if (gst_ice_candidate_line_is_end_of_candidates (line)) {
      end_of_candidates = TRUE;
    } else if (strcmp (line, "a=ice-ufrag") == 0
        || strcmp (line, "a=ice-pwd") == 0
        || strcmp (line, "a=x-gst-caps") == 0) {
      goto no_value;
    } else {
      GST_LOG ("skipping attribute '%s'", line);
    }
  }

  if (ufrag == NULL)
    goto no_ufrag;
  if (pwd == NULL)
    goto no_pwd;

  desc = g_new0 (GstIceDescription, 1);
  desc->ufrag = ufrag;
  desc->pwd = pwd;
  desc->caps = caps;
  desc->candidates = candidates;
  desc->end_of_candidates = end_of_candidates;

  GST_DEBUG ("parsed description with %u candidates%s", candidates->len,
      end_of_candidates ? " and end-of-candidates" : "");

  g_free (caps_text);
  g_strfreev (lines);
  return desc;

  /* ERRORS */
empty:
  {
    description_error (error, "description is empty (it needs at least "
        "a=ice-ufrag and a=ice-pwd lines)");
    goto failed;
  }
duplicate_caps:
  {
    gchar *shown = text_for_display (lines[i]);
    gchar *earlier = text_for_display (caps_text);

    description_error (error, "description line '%s' contradicts the "
        "earlier caps '%s' (one description has one a=x-gst-caps)", shown,
        earlier);
    g_free (earlier);
    g_free (shown);
    goto failed;
  }
empty_caps:
  {
    gchar *shown = text_for_display (lines[i]);

    description_error (error, "description line '%s' has no caps", shown);
    g_free (shown);
    goto failed;
  }
bad_caps:
  {
    gchar *shown = text_for_display (value);

    description_error (error, "description has caps '%s' that do not parse "
        "(a=x-gst-caps: needs caps as gst_caps_to_string() writes them)",
        shown);
    g_free (shown);
    goto failed;
  }
no_value:
  {
    gchar *shown = text_for_display (lines[i]);

    description_error (error, "description line '%s' has no ':' and value",
        shown);
    g_free (shown);
    goto failed;
  }
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
    g_free (ufrag);
    g_free (pwd);
    g_free (caps_text);
    gst_clear_caps (&caps);
    if (candidates != NULL)
      g_ptr_array_unref (candidates);
    g_strfreev (lines);
    return NULL;
  }
}
