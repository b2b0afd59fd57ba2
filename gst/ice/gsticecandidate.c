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
 * libnice, in steps that each check one part of it: splitting it into
 * fields, the fields every candidate has, the related address and the
 * extensions.  `a=end-of-candidates` (%GST_ICE_END_OF_CANDIDATES_LINE)
 * ends them.  gst_ice_candidate_host_addresses() chooses the local
 * addresses that get host candidates.  Private to libgstice.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gio/gio.h>

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
static void step_error (GError ** error, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

/* Sets the end of a message, what follows "candidate line '<line>': ", on
 * @error; every field in the arguments goes through
 * gst_ice_syntax_text_for_display() by the caller. */
static void
step_error (GError ** error, const gchar * format, ...)
{
  va_list args;
  gchar *detail;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, GST_ICE_ERROR,
      GST_ICE_ERROR_INVALID_DESCRIPTION, detail);
  g_free (detail);
}

static void
field_error (GError ** error, const gchar * name, const gchar * value,
    const gchar * expected)
{
  gchar *shown = gst_ice_syntax_text_for_display (value);

  step_error (error, "%s '%s' is not %s", name, shown, expected);
  g_free (shown);
}

/**
 * gst_ice_candidate_line_split_fields:
 * @line: a line, without line ending
 * @error: return location for the end of a message
 *
 * Returns: (transfer full) (nullable): the fields after `a=candidate:`, at
 *   least the 8 every candidate has, or %NULL when @line does not start
 *   with `a=candidate:`, holds a line break, or its fields are fewer or not
 *   separated by exactly one space
 */
gchar **
gst_ice_candidate_line_split_fields (const gchar * line, GError ** error)
{
  gchar **fields = NULL;
  guint n_fields, i;

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

  return fields;

  /* ERRORS */
no_prefix:
  {
    step_error (error, "does not start with '" GST_ICE_CANDIDATE_LINE_PREFIX
        "'");
    return NULL;
  }
line_break:
  {
    step_error (error, "contains a line break (give one line without its "
        "line ending)");
    return NULL;
  }
empty_field:
  {
    step_error (error, "has an empty field (fields are separated by exactly "
        "one space, with none at the start or end)");
    g_strfreev (fields);
    return NULL;
  }
too_few_fields:
  {
    step_error (error, "has %u field%s where at least 8 are needed "
        "(FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE)",
        n_fields, n_fields == 1 ? "" : "s");
    g_strfreev (fields);
    return NULL;
  }
}

/**
 * gst_ice_candidate_line_check_required_fields:
 * @fields: the fields of a line, at least 8
 * @is_tcp: (out): whether the transport is TCP
 * @error: return location for the end of a message
 *
 * Checks the 8 fields every candidate line starts with:
 * `FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE`, with a
 * foundation of 1 to 32 ice-chars, a component from 1 to 256, transport
 * UDP or TCP (any case), a priority from 1 to 2^32-1, an IPv4 or IPv6
 * literal as address (no host names, so no mDNS `.local` names either), a
 * port from 0 to 65535 and type host, srflx, prflx or relay.  The fields
 * after them are not looked at.
 *
 * Returns: whether the 8 fields are valid, else %FALSE with @error naming
 *   the first wrong one
 */
gboolean
gst_ice_candidate_line_check_required_fields (gchar ** fields,
    gboolean * is_tcp, GError ** error)
{
  static const gchar *const types[] = { "host", "srflx", "prflx", "relay" };
  gboolean known_type = FALSE;
  guint i;

  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (g_strv_length (fields) >= N_REQUIRED_FIELDS, FALSE);

  if (!gst_ice_syntax_ice_chars_are_valid (fields[FIELD_FOUNDATION], 1,
          FOUNDATION_MAX))
    goto bad_foundation;
  if (!gst_ice_syntax_decimal_is_valid (fields[FIELD_COMPONENT], 1,
          COMPONENT_MAX))
    goto bad_component;
  if (g_ascii_strcasecmp (fields[FIELD_TRANSPORT], "TCP") == 0)
    *is_tcp = TRUE;
  else if (g_ascii_strcasecmp (fields[FIELD_TRANSPORT], "UDP") == 0)
    *is_tcp = FALSE;
  else
    goto bad_transport;
  if (!gst_ice_syntax_decimal_is_valid (fields[FIELD_PRIORITY], 1,
          PRIORITY_MAX))
    goto bad_priority;
  if (!gst_ice_syntax_address_is_valid (fields[FIELD_ADDRESS]))
    goto bad_address;
  if (!gst_ice_syntax_decimal_is_valid (fields[FIELD_PORT], 0, G_MAXUINT16))
    goto bad_port;
  if (strcmp (fields[FIELD_TYP], "typ") != 0)
    goto no_typ;
  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    if (strcmp (fields[FIELD_TYPE], types[i]) == 0)
      known_type = TRUE;
  }
  if (!known_type)
    goto bad_type;

  return TRUE;

  /* ERRORS */
bad_foundation:
  {
    field_error (error, "foundation", fields[FIELD_FOUNDATION],
        "1 to 32 characters of A-Z a-z 0-9 + /");
    return FALSE;
  }
bad_component:
  {
    field_error (error, "component", fields[FIELD_COMPONENT],
        "a number between 1 and 256");
    return FALSE;
  }
bad_transport:
  {
    field_error (error, "transport", fields[FIELD_TRANSPORT], "UDP or TCP");
    return FALSE;
  }
bad_priority:
  {
    field_error (error, "priority", fields[FIELD_PRIORITY],
        "a number between 1 and 4294967295");
    return FALSE;
  }
bad_address:
  {
    field_error (error, "address", fields[FIELD_ADDRESS],
        "an IPv4 or IPv6 address (host names, mDNS .local ones included, "
        "are not supported)");
    return FALSE;
  }
bad_port:
  {
    field_error (error, "port", fields[FIELD_PORT],
        "a number between 0 and 65535");
    return FALSE;
  }
no_typ:
  {
    field_error (error, "field", fields[FIELD_TYP],
        "'typ' (expected 'typ host', 'typ srflx', 'typ prflx' or "
        "'typ relay' after the port)");
    return FALSE;
  }
bad_type:
  {
    field_error (error, "candidate type", fields[FIELD_TYPE],
        "host, srflx, prflx or relay");
    return FALSE;
  }
}

/**
 * gst_ice_candidate_line_check_related_address:
 * @fields: the fields of a line that follow the candidate type
 * @n_fields: (out): how many of @fields are the related address: 4, or 0
 *   when the first is not `raddr`
 * @error: return location for the end of a message
 *
 * Checks the optional `raddr ADDRESS rport PORT` that may follow the
 * candidate type, with an IPv4 or IPv6 literal and a port from 0 to 65535.
 *
 * Returns: whether @fields have no related address or a valid one
 */
gboolean
gst_ice_candidate_line_check_related_address (gchar ** fields,
    guint * n_fields, GError ** error)
{
  g_return_val_if_fail (fields != NULL, FALSE);

  if (fields[0] == NULL || strcmp (fields[0], "raddr") != 0) {
    *n_fields = 0;
    return TRUE;
  }

  if (fields[1] == NULL || fields[2] == NULL || fields[3] == NULL
      || strcmp (fields[2], "rport") != 0)
    goto raddr_without_rport;
  if (!gst_ice_syntax_address_is_valid (fields[1]))
    goto bad_address;
  if (!gst_ice_syntax_decimal_is_valid (fields[3], 0, G_MAXUINT16))
    goto bad_port;

  *n_fields = 4;
  return TRUE;

  /* ERRORS */
raddr_without_rport:
  {
    step_error (error, "'raddr' must be followed by an address, 'rport' and "
        "a port");
    return FALSE;
  }
bad_address:
  {
    field_error (error, "related address", fields[1],
        "an IPv4 or IPv6 address");
    return FALSE;
  }
bad_port:
  {
    field_error (error, "related port", fields[3],
        "a number between 0 and 65535");
    return FALSE;
  }
}

/**
 * gst_ice_candidate_line_check_extensions:
 * @fields: the fields of a line that follow the candidate type and the
 *   related address
 * @is_tcp: whether the candidate is a TCP one
 * @error: return location for the end of a message
 *
 * Checks the extensions: `NAME VALUE` pairs with a token as name and
 * printable ASCII as value.  `raddr` and `rport` cannot be among them.  A
 * TCP candidate needs exactly one `tcptype` (RFC 6544: active, passive or
 * so), a UDP candidate cannot have one.
 *
 * Returns: whether the extensions are valid
 */
gboolean
gst_ice_candidate_line_check_extensions (gchar ** fields, gboolean is_tcp,
    GError ** error)
{
  const gchar *tcptype = NULL;
  const gchar *name = NULL;
  const gchar *value = NULL;
  guint i;

  g_return_val_if_fail (fields != NULL, FALSE);

  for (i = 0; fields[i] != NULL; i += 2) {
    name = fields[i];
    value = fields[i + 1];

    if (value == NULL)
      goto extension_without_value;
    if (!gst_ice_syntax_token_is_valid (name))
      goto bad_name;
    if (!gst_ice_syntax_vchars_are_valid (value))
      goto bad_value;
    if (strcmp (name, "raddr") == 0 || strcmp (name, "rport") == 0)
      goto misplaced_related_address;
    if (strcmp (name, "tcptype") == 0) {
      if (!is_tcp)
        goto tcptype_on_udp;
      if (tcptype != NULL)
        goto duplicate_tcptype;
      if (strcmp (value, "active") != 0 && strcmp (value, "passive") != 0
          && strcmp (value, "so") != 0)
        goto bad_tcptype;
      tcptype = value;
    }
  }

  if (is_tcp && tcptype == NULL)
    goto tcp_without_tcptype;

  return TRUE;

  /* ERRORS */
extension_without_value:
  {
    gchar *shown = gst_ice_syntax_text_for_display (name);

    step_error (error, "extension '%s' has no value", shown);
    g_free (shown);
    return FALSE;
  }
bad_name:
  {
    field_error (error, "extension name", name,
        "a token (printable ASCII without specials)");
    return FALSE;
  }
bad_value:
  {
    field_error (error, "extension value", value, "printable ASCII");
    return FALSE;
  }
misplaced_related_address:
  {
    step_error (error, "'raddr ADDRESS rport PORT' must come once, together, "
        "right after the candidate type");
    return FALSE;
  }
tcptype_on_udp:
  {
    step_error (error, "a UDP candidate cannot have a tcptype");
    return FALSE;
  }
duplicate_tcptype:
  {
    step_error (error, "has more than one tcptype");
    return FALSE;
  }
bad_tcptype:
  {
    field_error (error, "tcptype", value, "active, passive or so");
    return FALSE;
  }
tcp_without_tcptype:
  {
    step_error (error, "a TCP candidate needs a tcptype (active, passive or "
        "so)");
    return FALSE;
  }
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
  GError *step_error = NULL;
  gchar **fields = NULL;
  gboolean is_tcp = FALSE;
  guint n_related = 0;

  if (line == NULL)
    goto no_line;

  fields = gst_ice_candidate_line_split_fields (line, &step_error);
  if (fields == NULL)
    goto failed;
  if (!gst_ice_candidate_line_check_required_fields (fields, &is_tcp,
          &step_error))
    goto failed;
  if (!gst_ice_candidate_line_check_related_address (fields +
          N_REQUIRED_FIELDS, &n_related, &step_error))
    goto failed;
  if (!gst_ice_candidate_line_check_extensions (fields + N_REQUIRED_FIELDS +
          n_related, is_tcp, &step_error))
    goto failed;

  g_strfreev (fields);
  return TRUE;

  /* ERRORS */
no_line:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "candidate line is NULL");
    return FALSE;
  }
failed:
  {
    gchar *shown = gst_ice_syntax_text_for_display (line);

    g_propagate_prefixed_error (error, step_error, "candidate line '%s': ",
        shown);
    g_free (shown);
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

typedef enum
{
  ADDRESS_OTHER,                /* IPv4, loopback, or not an address */
  ADDRESS_IPV6_LINK_LOCAL,
  ADDRESS_IPV6_ROUTABLE,        /* global or unique-local */
} AddressKind;

static AddressKind
address_kind (const gchar * address)
{
  gchar *bare = g_strndup (address, strcspn (address, "%"));
  GInetAddress *inet = g_inet_address_new_from_string (bare);
  AddressKind kind = ADDRESS_OTHER;

  if (inet && g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6) {
    if (g_inet_address_get_is_link_local (inet))
      kind = ADDRESS_IPV6_LINK_LOCAL;
    else if (!g_inet_address_get_is_loopback (inet)
        && !g_inet_address_get_is_any (inet)
        && !g_inet_address_get_is_multicast (inet))
      kind = ADDRESS_IPV6_ROUTABLE;
  }
  g_clear_object (&inet);
  g_free (bare);
  return kind;
}

/**
 * gst_ice_candidate_host_addresses:
 * @addresses: (array zero-terminated=1): the host's addresses as
 *   nice_interfaces_get_local_ips() lists them, link-local IPv6 ones with
 *   their "%interface" scope
 *
 * Chooses the addresses that get host candidates when the user gave none:
 * all of them, but IPv6 link-local ones (fe80::/10) only on a host with no
 * other IPv6 address (global or unique-local).
 *
 * A link-local pair works only between two hosts on one link, where their
 * other addresses work as well.  libnice 0.1.21 ranks link-local
 * candidates above every other host candidate, so two dual-stack hosts on
 * one LAN would select a link-local pair; and it would show each peer an
 * interface identifier that is often made from the MAC address.
 *
 * Returns: (transfer full) (element-type utf8): the addresses kept, in
 *   their order
 */
GPtrArray *
gst_ice_candidate_host_addresses (const gchar * const *addresses)
{
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);
  gboolean routable_ipv6 = FALSE;
  guint i;

  for (i = 0; addresses[i]; i++) {
    if (address_kind (addresses[i]) == ADDRESS_IPV6_ROUTABLE)
      routable_ipv6 = TRUE;
  }
  for (i = 0; addresses[i]; i++) {
    if (routable_ipv6 && address_kind (addresses[i]) == ADDRESS_IPV6_LINK_LOCAL)
      continue;
    g_ptr_array_add (kept, g_strdup (addresses[i]));
  }
  return kept;
}

/**
 * gst_ice_candidate_address_is_link_local:
 * @address: an address, perhaps with its "%interface" scope
 *
 * Returns: whether @address is an IPv6 link-local one (fe80::/10)
 */
gboolean
gst_ice_candidate_address_is_link_local (const gchar * address)
{
  return address_kind (address) == ADDRESS_IPV6_LINK_LOCAL;
}
