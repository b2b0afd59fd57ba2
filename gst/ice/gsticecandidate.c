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
 * SECTION:gsticecandidate
 * @title: Candidate lines
 * @short_description: check RFC 8839 candidate lines
 *
 * A candidate line is one `a=candidate:` attribute, as the description
 * carries them and the signallers trickle them:
 *
 * |[
 * a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host
 * ]|
 *
 * gst_ice_candidate_line_is_valid() checks one strictly before it reaches
 * libnice.  `a=end-of-candidates` (%GST_ICE_END_OF_CANDIDATES_LINE) ends
 * them.  Private to libgstice.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesyntax.h>

#define FOUNDATION_MAX 32
#define COMPONENT_MAX 256
#define PRIORITY_MAX G_MAXUINT32

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

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void candidate_error (GError ** error, const gchar * line,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
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

  shown = gst_ice_syntax_text_for_display (line);
  g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
      "candidate line '%s': %s", shown, detail);
  g_free (shown);
  g_free (detail);
}

static void
field_error (GError ** error, const gchar * line, const gchar * name,
    const gchar * value, const gchar * expected)
{
  gchar *shown = gst_ice_syntax_text_for_display (value);

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
  if (!g_str_has_prefix (line, GST_ICE_CANDIDATE_LINE_PREFIX))
    goto no_prefix;
  if (strpbrk (line, "\r\n") != NULL)
    goto line_break;

  fields = g_strsplit (line + strlen (GST_ICE_CANDIDATE_LINE_PREFIX), " ", -1);
  n_fields = g_strv_length (fields);
  for (i = 0; i < n_fields; i++) {
    if (fields[i][0] == '\0')
      goto empty_field;
  }
  if (n_fields < N_REQUIRED_FIELDS)
    goto too_few_fields;

  if (!gst_ice_syntax_ice_chars_are_valid (fields[FIELD_FOUNDATION], 1,
          FOUNDATION_MAX)) {
    field_error (error, line, "foundation", fields[FIELD_FOUNDATION],
        "1 to 32 characters of A-Z a-z 0-9 + /");
    goto failed;
  }
  if (!gst_ice_syntax_decimal_is_valid (fields[FIELD_COMPONENT], 1,
          COMPONENT_MAX)) {
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
  if (!gst_ice_syntax_decimal_is_valid (fields[FIELD_PRIORITY], 1,
          PRIORITY_MAX)) {
    field_error (error, line, "priority", fields[FIELD_PRIORITY],
        "a number between 1 and 4294967295");
    goto failed;
  }
  if (!gst_ice_syntax_address_is_valid (fields[FIELD_ADDRESS])) {
    field_error (error, line, "address", fields[FIELD_ADDRESS],
        "an IPv4 or IPv6 address (host names, mDNS .local ones included, "
        "are not supported)");
    goto failed;
  }
  if (!gst_ice_syntax_decimal_is_valid (fields[FIELD_PORT], 0, G_MAXUINT16)) {
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
    if (!gst_ice_syntax_address_is_valid (fields[i + 1])) {
      field_error (error, line, "related address", fields[i + 1],
          "an IPv4 or IPv6 address");
      goto failed;
    }
    if (!gst_ice_syntax_decimal_is_valid (fields[i + 3], 0, G_MAXUINT16)) {
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
    if (!gst_ice_syntax_token_is_valid (name)) {
      field_error (error, line, "extension name", name,
          "a token (printable ASCII without specials)");
      goto failed;
    }
    if (!gst_ice_syntax_vchars_are_valid (value)) {
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
    candidate_error (error, line,
        "does not start with '" GST_ICE_CANDIDATE_LINE_PREFIX "'");
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
    gchar *shown = gst_ice_syntax_text_for_display (fields[i]);

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
