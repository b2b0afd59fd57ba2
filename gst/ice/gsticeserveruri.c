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
 * SECTION:gsticeserveruri
 * @title: GstIceServerUri
 * @short_description: parse STUN and TURN server URIs
 *
 * gst_ice_server_uri_parse() turns the text a user gives in a
 * `stun-server` or `turn-server` setting into a #GstIceServerUri:
 *
 * - `stun://host[:port]`
 * - `turn://user:pass@host[:port][?transport=udp|tcp]`
 * - `turns://user:pass@host[:port][?transport=tcp]` (TURN over TLS)
 *
 * The scheme is case-insensitive, the port defaults to 3478 (5349 for
 * `turns://`), IPv6 literals are written in brackets (`turn://u:p@[::1]`)
 * and the user name and password are percent-decoded.  The RFC 7064 /
 * RFC 7065 spelling without `//` (`stun:host:port`,
 * `turn:user:pass@host?transport=tcp`) is accepted too.
 *
 * Every error is %GST_ICE_ERROR_INVALID_URI with a message that shows the
 * whole URI (its password replaced by `***`) and says what would be right.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gio/gio.h>

#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/gsticeerror.h>

#define DEFAULT_PORT 3478
#define DEFAULT_TLS_PORT 5349

/* characters RFC 3986 allows unescaped in userinfo besides unreserved ones
 * (':' is left out: it separates user name and password) */
#define USERINFO_ALLOWED "!$&'()*+,;="

#define HIDDEN_PASSWORD "***"

G_DEFINE_BOXED_TYPE (GstIceServerUri, gst_ice_server_uri,
    gst_ice_server_uri_copy, gst_ice_server_uri_free);

static const gchar *
scheme_to_string (GstIceServerScheme scheme)
{
  switch (scheme) {
    case GST_ICE_SERVER_SCHEME_STUN:
      return "stun";
    case GST_ICE_SERVER_SCHEME_TURN:
      return "turn";
    case GST_ICE_SERVER_SCHEME_TURNS:
      return "turns";
  }
  return "turn";
}

static const gchar *
scheme_example (GstIceServerScheme scheme)
{
  switch (scheme) {
    case GST_ICE_SERVER_SCHEME_STUN:
      return "stun://host:port";
    case GST_ICE_SERVER_SCHEME_TURN:
      return "turn://USER:PASS@host:port";
    case GST_ICE_SERVER_SCHEME_TURNS:
      return "turns://USER:PASS@host:port";
  }
  return "turn://USER:PASS@host:port";
}

static gboolean
is_scheme_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '-' || c == '.';
}

/* Length of a "scheme:" prefix (without the ':'), or 0 when @uri does not
 * start with one. */
static gsize
scheme_length (const gchar * uri)
{
  gsize len = 0;

  if (!g_ascii_isalpha (uri[0]))
    return 0;
  while (is_scheme_char (uri[len]))
    len++;
  if (uri[len] != ':')
    return 0;
  return len;
}

static gboolean
scheme_is_known (const gchar * uri, gsize len)
{
  static const gchar *const known[] = { "stun", "stuns", "turn", "turns" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (known); i++) {
    if (len == strlen (known[i])
        && g_ascii_strncasecmp (uri, known[i], len) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Where the authority (userinfo@host:port) starts: after "scheme:" and an
 * optional "//". */
static const gchar *
authority_start (const gchar * uri)
{
  gsize len = scheme_length (uri);
  const gchar *p = uri;

  if (len > 0) {
    p = uri + len + 1;
    if (g_str_has_prefix (p, "//"))
      p += 2;
  }
  return p;
}

/* A copy of @uri fit for an error message, with the password (from the
 * first ':' of the userinfo to its '@') replaced by "***".  When the text
 * has no scheme gst-ice knows, everything before the '@' is taken as
 * userinfo; when the authority has no '@', the last '@' of the whole text
 * ends the userinfo: a password is never shown, even if it has a raw '/',
 * '?' or '#' in it. */
static gchar *
uri_for_display (const gchar * uri)
{
  const gchar *start = uri;
  const gchar *at, *colon, *p;
  gsize len = scheme_length (uri);
  GString *shown;

  if (len > 0 && (scheme_is_known (uri, len)
          || g_str_has_prefix (uri + len + 1, "//")))
    start = authority_start (uri);

  /* as the parser sees it, or else up to the last '@' at all */
  at = NULL;
  for (p = start; *p != '\0' && strchr ("/?#", *p) == NULL; p++) {
    if (*p == '@')
      at = p;
  }
  if (at == NULL)
    at = strrchr (start, '@');
  colon = at ? memchr (start, ':', at - start) : NULL;

  shown = g_string_new (NULL);
  if (colon != NULL && colon + 1 < at) {
    g_string_append_len (shown, uri, colon + 1 - uri);
    g_string_append (shown, HIDDEN_PASSWORD);
    g_string_append (shown, at);
  } else {
    g_string_append (shown, uri);
  }

  return g_string_free (shown, FALSE);
}

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void uri_error (GError ** error, GstIceServerScheme scheme,
    const gchar * shown, const gchar * format, ...) G_GNUC_PRINTF (4, 5);
/* *INDENT-ON* */

/* Sets "<scheme> server '<shown>'<format>" on @error, made valid UTF-8. */
static void
uri_error (GError ** error, GstIceServerScheme scheme, const gchar * shown,
    const gchar * format, ...)
{
  va_list args;
  gchar *detail, *message, *valid;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  message = g_strdup_printf ("%s server '%s'%s",
      scheme == GST_ICE_SERVER_SCHEME_STUN ? "stun" : "turn", shown, detail);
  valid = g_utf8_make_valid (message, -1);
  g_set_error_literal (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI, valid);
  g_free (valid);
  g_free (message);
  g_free (detail);
}

static gboolean
label_is_valid (const gchar * label, gsize len)
{
  gsize i;

  if (len == 0 || len > 63)
    return FALSE;
  if (label[0] == '-' || label[len - 1] == '-')
    return FALSE;
  for (i = 0; i < len; i++) {
    if (!g_ascii_isalnum (label[i]) && label[i] != '-')
      return FALSE;
  }
  return TRUE;
}

/* A DNS name (letters, digits and '-' in dot-separated labels, one
 * trailing dot allowed) or an IPv4 literal.  A name whose last label is all
 * digits must be an IPv4 address: no top-level domain is numeric. */
static gboolean
host_is_valid (const gchar * host)
{
  gsize len = strlen (host);
  const gchar *end, *label, *dot, *p;
  const gchar *last_label = host;

  if (len > 0 && host[len - 1] == '.')
    len--;
  if (len == 0 || len > 253)
    return FALSE;
  end = host + len;

  for (label = host; label <= end; label = dot + 1) {
    dot = memchr (label, '.', end - label);
    if (dot == NULL)
      dot = end;
    if (!label_is_valid (label, dot - label))
      return FALSE;
    last_label = label;
  }

  for (p = last_label; p < end; p++) {
    if (!g_ascii_isdigit (*p))
      return TRUE;
  }
  return g_hostname_is_ip_address (host);
}

static gboolean
ipv6_is_valid (const gchar * text)
{
  GInetAddress *addr;
  gboolean ret;

  if (text[0] == '\0')
    return FALSE;
  addr = g_inet_address_new_from_string (text);
  if (addr == NULL)
    return FALSE;
  ret = g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6;
  g_object_unref (addr);
  return ret;
}

/* Plain decimal 1..65535, nothing else. */
static gboolean
port_from_string (const gchar * text, guint16 * port)
{
  guint value = 0;
  const gchar *p;

  if (text[0] == '\0')
    return FALSE;
  for (p = text; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    value = value * 10 + (*p - '0');
    if (value > G_MAXUINT16)
      return FALSE;
  }
  if (value == 0)
    return FALSE;
  *port = value;
  return TRUE;
}

static gchar *
decode_userinfo_part (const gchar * start, const gchar * end)
{
  gchar *decoded = g_uri_unescape_segment (start, end, NULL);

  if (decoded != NULL && !g_utf8_validate (decoded, -1, NULL)) {
    g_free (decoded);
    decoded = NULL;
  }
  return decoded;
}

static void
free_password (gchar * password)
{
  if (password != NULL) {
    memset (password, 0, strlen (password));
    g_free (password);
  }
}

/**
 * gst_ice_server_uri_parse:
 * @uri: (nullable): a `stun://`, `turn://` or `turns://` URI
 * @error: return location for a %GST_ICE_ERROR_INVALID_URI error
 *
 * Parses a STUN or TURN server URI.  See the section documentation for
 * the accepted forms.
 *
 * Returns: (transfer full) (nullable): the parsed URI, or %NULL with
 *   @error set
 */
GstIceServerUri *
gst_ice_server_uri_parse (const gchar * uri, GError ** error)
{
  GstIceServerScheme scheme = GST_ICE_SERVER_SCHEME_TURN;
  GstIceServerTransport transport;
  gchar *shown = NULL;
  gchar *host = NULL;
  gchar *port_text = NULL;
  gchar *username = NULL;
  gchar *password = NULL;
  const gchar *authority, *authority_end, *at, *hostport, *colon, *p;
  const gchar *query = NULL;
  GstIceServerUri *res;
  gsize len, uri_len;
  gboolean known;
  guint16 port;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (uri == NULL || uri[0] == '\0')
    goto empty;

  shown = uri_for_display (uri);
  uri_len = strlen (uri);

  /* the scheme first, so that every message names the right server */
  p = uri;
  while (g_ascii_isspace (*p))
    p++;
  len = scheme_length (p);
  known = scheme_is_known (p, len);
  if (known && g_ascii_strncasecmp (p, "stun:", len + 1) == 0)
    scheme = GST_ICE_SERVER_SCHEME_STUN;
  else if (known && g_ascii_strncasecmp (p, "turns:", len + 1) == 0)
    scheme = GST_ICE_SERVER_SCHEME_TURNS;

  if (p != uri || g_ascii_isspace (uri[uri_len - 1]))
    goto white_space;
  if (!known)
    goto unknown_scheme;
  if (g_ascii_strncasecmp (uri, "stuns:", len + 1) == 0)
    goto stuns;

  /* userinfo@host:port ends at the first '/', '?' or '#'; the userinfo at
   * the last '@' in it, so that a password may contain a raw '@' */
  authority = authority_start (uri);
  authority_end = authority + strcspn (authority, "/?#");
  at = NULL;
  for (p = authority; p < authority_end; p++) {
    if (*p == '@')
      at = p;
  }
  if (at == NULL && strchr (authority_end, '@') != NULL)
    goto reserved_in_userinfo;
  hostport = at ? at + 1 : authority;

  /* host */
  if (hostport[0] == '[') {
    const gchar *close = memchr (hostport, ']', authority_end - hostport);

    if (close == NULL)
      goto unclosed_bracket;
    host = g_strndup (hostport + 1, close - hostport - 1);
    if (!ipv6_is_valid (host))
      goto bad_ipv6;
    colon = close + 1;
    if (colon < authority_end && *colon != ':')
      goto garbage_after_bracket;
  } else {
    colon = memchr (hostport, ':', authority_end - hostport);
    if (colon != NULL && memchr (colon + 1, ':', authority_end - colon - 1))
      goto ipv6_without_brackets;
    host = g_strndup (hostport, (colon ? colon : authority_end) - hostport);
    if (host[0] == '\0')
      goto no_host;
    if (!host_is_valid (host))
      goto bad_host;
  }

  /* port */
  if (colon != NULL && colon < authority_end) {
    port_text = g_strndup (colon + 1, authority_end - colon - 1);
    if (!port_from_string (port_text, &port))
      goto bad_port;
  } else {
    port = scheme == GST_ICE_SERVER_SCHEME_TURNS ?
        DEFAULT_TLS_PORT : DEFAULT_PORT;
  }

  /* what follows the authority */
  if (*authority_end == '?')
    query = authority_end + 1;
  else if (*authority_end != '\0')
    goto trailing_garbage;

  if (scheme == GST_ICE_SERVER_SCHEME_STUN) {
    if (at != NULL)
      goto stun_with_userinfo;
    if (query != NULL)
      goto stun_with_query;
    transport = GST_ICE_SERVER_TRANSPORT_UDP;
  } else {
    const gchar *pass;

    if (at == NULL)
      goto no_userinfo;
    pass = memchr (authority, ':', at - authority);
    if (pass == NULL)
      goto no_password;
    if (pass == authority)
      goto empty_username;
    if (pass + 1 == at)
      goto empty_password;
    username = decode_userinfo_part (authority, pass);
    if (username == NULL)
      goto bad_username;
    password = decode_userinfo_part (pass + 1, at);
    if (password == NULL)
      goto bad_password;

    transport = scheme == GST_ICE_SERVER_SCHEME_TURNS ?
        GST_ICE_SERVER_TRANSPORT_TLS : GST_ICE_SERVER_TRANSPORT_UDP;
    if (query != NULL) {
      const gchar *value;

      if (query[0] == '\0')
        goto empty_query;
      if (g_ascii_strncasecmp (query, "transport=", 10) != 0)
        goto unknown_parameter;
      value = query + 10;
      if (g_ascii_strcasecmp (value, "udp") == 0) {
        if (scheme == GST_ICE_SERVER_SCHEME_TURNS)
          goto turns_over_udp;
      } else if (g_ascii_strcasecmp (value, "tcp") == 0) {
        if (scheme == GST_ICE_SERVER_SCHEME_TURN)
          transport = GST_ICE_SERVER_TRANSPORT_TCP;
      } else {
        goto unknown_transport;
      }
    }
  }

  res = g_new0 (GstIceServerUri, 1);
  res->scheme = scheme;
  res->host = host;
  res->port = port;
  res->username = username;
  res->password = password;
  res->transport = transport;

  g_free (port_text);
  g_free (shown);
  return res;

  /* ERRORS */
empty:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "turn server URI is empty (use stun://host:port, "
        "turn://USER:PASS@host:port or turns://USER:PASS@host:port)");
    goto failed;
  }
white_space:
  {
    uri_error (error, scheme, shown, " starts or ends with white space");
    goto failed;
  }
stuns:
  {
    uri_error (error, GST_ICE_SERVER_SCHEME_STUN, shown,
        " is a stuns:// URI, which is not supported (STUN over TLS; "
        "use stun://host:port)");
    goto failed;
  }
unknown_scheme:
  {
    uri_error (error, scheme, shown, " is not a stun://, turn:// or turns:// "
        "URI (e.g. stun://host:port or turn://USER:PASS@host:port)");
    goto failed;
  }
reserved_in_userinfo:
  {
    uri_error (error, scheme, shown, " has a '/', '?' or '#' before its '@': "
        "write them as %%2F, %%3F and %%23 in the user name and password "
        "(%s)", scheme_example (scheme));
    goto failed;
  }
unclosed_bracket:
  {
    uri_error (error, scheme, shown, " has a '[' without ']': write an IPv6 "
        "address as [ADDRESS], e.g. %s://[::1]:3478",
        scheme_to_string (scheme));
    goto failed;
  }
bad_ipv6:
  {
    uri_error (error, scheme, shown, ": '[%s]' is not an IPv6 address", host);
    goto failed;
  }
garbage_after_bracket:
  {
    gchar *rest = g_strndup (colon, authority_end - colon);

    uri_error (error, scheme, shown, " has unexpected '%s' after '[%s]' "
        "(expected :PORT)", rest, host);
    g_free (rest);
    goto failed;
  }
ipv6_without_brackets:
  {
    uri_error (error, scheme, shown, " has more than one ':' after the host: "
        "write an IPv6 address in brackets, e.g. %s://[::1]:3478",
        scheme_to_string (scheme));
    goto failed;
  }
no_host:
  {
    uri_error (error, scheme, shown, " has an empty host (%s)",
        scheme_example (scheme));
    goto failed;
  }
bad_host:
  {
    uri_error (error, scheme, shown, ": host '%s' is not a host name or IP "
        "address (letters, digits, '-' and '.'; IPv6 in brackets)", host);
    goto failed;
  }
bad_port:
  {
    uri_error (error, scheme, shown, ": port '%s' is not a number between "
        "1 and 65535", port_text);
    goto failed;
  }
trailing_garbage:
  {
    uri_error (error, scheme, shown, " has unexpected '%s' after the "
        "host and port (%s%s)", authority_end, scheme_example (scheme),
        scheme == GST_ICE_SERVER_SCHEME_TURN ? "?transport=udp|tcp" : "");
    goto failed;
  }
stun_with_userinfo:
  {
    uri_error (error, scheme, shown, " cannot have a user name or password "
        "(stun://host:port; credentials belong in a turn:// URI)");
    goto failed;
  }
stun_with_query:
  {
    uri_error (error, scheme, shown, " cannot have '?%s' (stun://host:port; "
        "STUN is always UDP)", query);
    goto failed;
  }
no_userinfo:
  {
    uri_error (error, scheme, shown, " has no user name and password (%s)",
        scheme_example (scheme));
    goto failed;
  }
no_password:
  {
    uri_error (error, scheme, shown, " has no password (%s)",
        scheme_example (scheme));
    goto failed;
  }
empty_username:
  {
    uri_error (error, scheme, shown, " has an empty user name (%s)",
        scheme_example (scheme));
    goto failed;
  }
empty_password:
  {
    uri_error (error, scheme, shown, " has an empty password (%s)",
        scheme_example (scheme));
    goto failed;
  }
bad_username:
  {
    gchar *user = g_strndup (authority, strchr (authority, ':') - authority);

    uri_error (error, scheme, shown, ": user name '%s' is not valid "
        "percent-encoded UTF-8 (write a literal '%%' as %%25)", user);
    g_free (user);
    goto failed;
  }
bad_password:
  {
    uri_error (error, scheme, shown, ": the password is not valid "
        "percent-encoded UTF-8 (write a literal '%%' as %%25)");
    goto failed;
  }
empty_query:
  {
    uri_error (error, scheme, shown, " has an empty '?' (use ?transport=udp "
        "or ?transport=tcp, or nothing)");
    goto failed;
  }
unknown_parameter:
  {
    uri_error (error, scheme, shown, ": unknown parameter '%s' (only "
        "?transport=udp or ?transport=tcp)", query);
    goto failed;
  }
unknown_transport:
  {
    uri_error (error, scheme, shown, ": unknown transport '%s' (use udp or "
        "tcp)", query + 10);
    goto failed;
  }
turns_over_udp:
  {
    uri_error (error, scheme, shown, ": turns:// is TURN over TLS, which "
        "runs over TCP, so ?transport=udp is not possible (use "
        "turn://USER:PASS@host:port for UDP)");
    goto failed;
  }
failed:
  {
    g_free (shown);
    g_free (host);
    g_free (port_text);
    g_free (username);
    free_password (password);
    return NULL;
  }
}

/**
 * gst_ice_server_uri_copy:
 * @uri: a #GstIceServerUri
 *
 * Returns: (transfer full): a copy of @uri
 */
GstIceServerUri *
gst_ice_server_uri_copy (const GstIceServerUri * uri)
{
  GstIceServerUri *copy;

  g_return_val_if_fail (uri != NULL, NULL);

  copy = g_new0 (GstIceServerUri, 1);
  copy->scheme = uri->scheme;
  copy->host = g_strdup (uri->host);
  copy->port = uri->port;
  copy->username = g_strdup (uri->username);
  copy->password = g_strdup (uri->password);
  copy->transport = uri->transport;
  return copy;
}

/**
 * gst_ice_server_uri_free:
 * @uri: (nullable): a #GstIceServerUri
 *
 * Frees @uri, overwriting its password first.
 */
void
gst_ice_server_uri_free (GstIceServerUri * uri)
{
  if (uri == NULL)
    return;

  g_free (uri->host);
  g_free (uri->username);
  free_password (uri->password);
  g_free (uri);
}

/**
 * gst_ice_server_uri_to_string:
 * @uri: a #GstIceServerUri
 * @hide_password: whether to write `***` instead of the password
 *
 * Writes @uri back in canonical form: lower-case scheme with `//`,
 * percent-encoded user name and password, IPv6 host in brackets, always a
 * port, and `?transport=tcp` only for TURN over TCP.  With @hide_password
 * the result is fit for logs and error messages; without it,
 * gst_ice_server_uri_parse() gives back the same fields.
 *
 * Returns: (transfer full): the URI as text
 */
gchar *
gst_ice_server_uri_to_string (const GstIceServerUri * uri,
    gboolean hide_password)
{
  GString *s;
  const gchar *host;

  g_return_val_if_fail (uri != NULL, NULL);

  s = g_string_new (scheme_to_string (uri->scheme));
  g_string_append (s, "://");

  if (uri->scheme != GST_ICE_SERVER_SCHEME_STUN && uri->username != NULL) {
    g_string_append_uri_escaped (s, uri->username, USERINFO_ALLOWED, FALSE);
    if (uri->password != NULL) {
      g_string_append_c (s, ':');
      if (hide_password)
        g_string_append (s, HIDDEN_PASSWORD);
      else
        g_string_append_uri_escaped (s, uri->password, USERINFO_ALLOWED, FALSE);
    }
    g_string_append_c (s, '@');
  }

  host = uri->host ? uri->host : "";
  if (strchr (host, ':') != NULL)
    g_string_append_printf (s, "[%s]", host);
  else
    g_string_append (s, host);
  g_string_append_printf (s, ":%u", uri->port);

  if (uri->scheme == GST_ICE_SERVER_SCHEME_TURN
      && uri->transport == GST_ICE_SERVER_TRANSPORT_TCP)
    g_string_append (s, "?transport=tcp");

  return g_string_free (s, FALSE);
}
