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
#include <openssl/crypto.h>

#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesyntax.h>

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

/* A copy of @uri fit for an error message, made valid UTF-8 and with
 * control characters escaped, with the password (from the first ':' of
 * the userinfo to its '@') replaced by "***".  When the text has no scheme
 * gst-ice knows, everything before the '@' is taken as userinfo; when the
 * authority has no '@', the last '@' of the whole text ends the userinfo:
 * a password is never shown, even if it has a raw '/', '?' or '#' in it. */
static gchar *
uri_for_display (const gchar * uri)
{
  const gchar *start = uri;
  const gchar *at, *colon, *p;
  gsize len = scheme_length (uri);
  GString *shown;
  gchar *valid;

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

  /* control characters escaped: a terminal would run them */
  valid = gst_ice_syntax_text_for_display (shown->str);
  g_string_free (shown, TRUE);
  return valid;
}

/* GNU indent cannot parse G_GNUC_PRINTF after a prototype */
/* *INDENT-OFF* */
static void step_error (GError ** error, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

/* Sets the end of a message, what follows "<scheme> server '<uri>'", on
 * @error, made valid UTF-8 and with control characters escaped:
 * gst_ice_server_uri_parse() puts the start in front. */
static void
step_error (GError ** error, const gchar * format, ...)
{
  va_list args;
  gchar *detail, *valid;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* what it quotes of the URI with control characters escaped */
  valid = gst_ice_syntax_text_for_display (detail);
  g_set_error_literal (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI, valid);
  g_free (valid);
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
  if (!gst_ice_syntax_decimal_is_valid (text, 1, G_MAXUINT16))
    return FALSE;
  *port = (guint16) g_ascii_strtoull (text, NULL, 10);
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

/* OPENSSL_cleanse: a memset before a free may be optimised away */
static void
free_password (gchar * password)
{
  if (password != NULL) {
    OPENSSL_cleanse (password, strlen (password));
    g_free (password);
  }
}

/**
 * gst_ice_server_uri_parse_scheme:
 * @uri: the whole URI, not empty
 * @scheme: (out): the kind of server, set even when the step fails: the
 *   caller's message names it (%GST_ICE_SERVER_SCHEME_TURN when the scheme
 *   is unknown, %GST_ICE_SERVER_SCHEME_STUN for `stuns:`)
 * @authority: (out): where the authority starts, after `scheme:` and an
 *   optional `//`
 * @error: return location for the end of a message
 *
 * First step of gst_ice_server_uri_parse(): @uri must not start or end
 * with white space and must start with `stun:`, `turn:` or `turns:` in any
 * case; `stuns:` (STUN over TLS) is refused with a message of its own.
 *
 * Returns: whether @uri starts with a scheme gst-ice supports
 */
gboolean
gst_ice_server_uri_parse_scheme (const gchar * uri,
    GstIceServerScheme * scheme, const gchar ** authority, GError ** error)
{
  const gchar *p = uri;
  gsize len, uri_len = strlen (uri);
  gboolean known;

  /* the scheme first, so that every message names the right server */
  while (g_ascii_isspace (*p))
    p++;
  len = scheme_length (p);
  known = scheme_is_known (p, len);
  if (known && g_ascii_strncasecmp (p, "stun:", len + 1) == 0)
    *scheme = GST_ICE_SERVER_SCHEME_STUN;
  else if (known && g_ascii_strncasecmp (p, "turns:", len + 1) == 0)
    *scheme = GST_ICE_SERVER_SCHEME_TURNS;
  else
    *scheme = GST_ICE_SERVER_SCHEME_TURN;

  if (p != uri || (uri_len > 0 && g_ascii_isspace (uri[uri_len - 1])))
    goto white_space;
  if (!known)
    goto unknown_scheme;
  if (g_ascii_strncasecmp (uri, "stuns:", len + 1) == 0)
    goto stuns;

  *authority = authority_start (uri);
  return TRUE;

  /* ERRORS */
white_space:
  {
    step_error (error, " starts or ends with white space");
    return FALSE;
  }
unknown_scheme:
  {
    step_error (error, " is not a stun://, turn:// or turns:// URI (e.g. "
        "stun://host:port or turn://USER:PASS@host:port)");
    return FALSE;
  }
stuns:
  {
    *scheme = GST_ICE_SERVER_SCHEME_STUN;
    step_error (error, " is a stuns:// URI, which is not supported (STUN "
        "over TLS; use stun://host:port)");
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_split_authority:
 * @authority: the URI from its authority on
 * @scheme: the kind of server, for the message
 * @userinfo: (out) (transfer full) (nullable): what comes before the last
 *   '@' of the authority, or %NULL when it has none; it holds the password:
 *   overwrite it before freeing it
 * @hostport: (out) (transfer full): `host[:port]`
 * @rest: (out): what follows the authority (from its first '/', '?' or
 *   '#'), a part of @authority
 * @error: return location for the end of a message
 *
 * The authority ends at the first '/', '?' or '#', and its userinfo at its
 * last '@', so that a password may hold a raw '@'.  A '@' after the end of
 * the authority means that the userinfo holds a '/', '?' or '#' that must
 * be percent-encoded: that is refused.
 *
 * Returns: whether @authority splits
 */
gboolean
gst_ice_server_uri_split_authority (const gchar * authority,
    GstIceServerScheme scheme, gchar ** userinfo, gchar ** hostport,
    const gchar ** rest, GError ** error)
{
  const gchar *end = authority + strcspn (authority, "/?#");
  const gchar *at = NULL;
  const gchar *p;

  for (p = authority; p < end; p++) {
    if (*p == '@')
      at = p;
  }
  if (at == NULL && strchr (end, '@') != NULL)
    goto reserved_in_userinfo;

  *userinfo = at ? g_strndup (authority, at - authority) : NULL;
  *hostport = at ? g_strndup (at + 1, end - at - 1) :
      g_strndup (authority, end - authority);
  *rest = end;
  return TRUE;

  /* ERRORS */
reserved_in_userinfo:
  {
    step_error (error, " has a '/', '?' or '#' before its '@': write them as "
        "%%2F, %%3F and %%23 in the user name and password (%s)",
        scheme_example (scheme));
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_parse_host:
 * @hostport: `host[:port]`
 * @scheme: the kind of server, for the message
 * @host: (out) (transfer full): the host: an IPv6 literal written in
 *   brackets (given without them), a DNS name or an IPv4 literal
 * @port: (out) (nullable): the text after the ':' that follows the host, a
 *   part of @hostport, or %NULL when there is no ':'
 * @error: return location for the end of a message
 *
 * Returns: whether @hostport starts with a valid host
 */
gboolean
gst_ice_server_uri_parse_host (const gchar * hostport,
    GstIceServerScheme scheme, gchar ** host, const gchar ** port,
    GError ** error)
{
  gchar *name = NULL;
  const gchar *colon;

  if (hostport[0] == '[') {
    const gchar *close = strchr (hostport, ']');

    if (close == NULL)
      goto unclosed_bracket;
    name = g_strndup (hostport + 1, close - hostport - 1);
    if (!ipv6_is_valid (name))
      goto bad_ipv6;
    colon = close + 1;
    if (*colon != '\0' && *colon != ':')
      goto garbage_after_bracket;
  } else {
    colon = strchr (hostport, ':');
    if (colon != NULL && strchr (colon + 1, ':') != NULL)
      goto ipv6_without_brackets;
    name = colon ? g_strndup (hostport, colon - hostport) : g_strdup (hostport);
    if (name[0] == '\0')
      goto no_host;
    if (!host_is_valid (name))
      goto bad_host;
  }

  *host = name;
  *port = (colon != NULL && *colon == ':') ? colon + 1 : NULL;
  return TRUE;

  /* ERRORS */
unclosed_bracket:
  {
    step_error (error, " has a '[' without ']': write an IPv6 address as "
        "[ADDRESS], e.g. %s://[::1]:3478", scheme_to_string (scheme));
    return FALSE;
  }
bad_ipv6:
  {
    step_error (error, ": '[%s]' is not an IPv6 address", name);
    g_free (name);
    return FALSE;
  }
garbage_after_bracket:
  {
    step_error (error, " has unexpected '%s' after '[%s]' (expected :PORT)",
        colon, name);
    g_free (name);
    return FALSE;
  }
ipv6_without_brackets:
  {
    step_error (error, " has more than one ':' after the host: write an IPv6 "
        "address in brackets, e.g. %s://[::1]:3478", scheme_to_string (scheme));
    return FALSE;
  }
no_host:
  {
    step_error (error, " has an empty host (%s)", scheme_example (scheme));
    g_free (name);
    return FALSE;
  }
bad_host:
  {
    step_error (error, ": host '%s' is not a host name or IP address "
        "(letters, digits, '-' and '.'; IPv6 in brackets)", name);
    g_free (name);
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_parse_port:
 * @text: (nullable): the port as written, or %NULL when the URI has none
 * @scheme: the kind of server, for the default port
 * @port: (out): the port: 3478 for %NULL, 5349 for `turns:`
 * @error: return location for the end of a message
 *
 * Returns: whether @text is %NULL or a plain decimal from 1 to 65535
 */
gboolean
gst_ice_server_uri_parse_port (const gchar * text, GstIceServerScheme scheme,
    guint16 * port, GError ** error)
{
  if (text == NULL) {
    *port = scheme == GST_ICE_SERVER_SCHEME_TURNS ?
        DEFAULT_TLS_PORT : DEFAULT_PORT;
    return TRUE;
  }
  if (!port_from_string (text, port))
    goto bad_port;
  return TRUE;

  /* ERRORS */
bad_port:
  {
    step_error (error, ": port '%s' is not a number between 1 and 65535", text);
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_split_query:
 * @rest: what follows the authority
 * @scheme: the kind of server, for the message
 * @query: (out) (nullable): what follows the '?', a part of @rest, or
 *   %NULL when @rest is empty
 * @error: return location for the end of a message
 *
 * Returns: whether @rest is empty or a query
 */
gboolean
gst_ice_server_uri_split_query (const gchar * rest, GstIceServerScheme scheme,
    const gchar ** query, GError ** error)
{
  if (rest[0] == '?')
    *query = rest + 1;
  else if (rest[0] == '\0')
    *query = NULL;
  else
    goto trailing_garbage;
  return TRUE;

  /* ERRORS */
trailing_garbage:
  {
    step_error (error, " has unexpected '%s' after the host and port (%s%s)",
        rest, scheme_example (scheme),
        scheme == GST_ICE_SERVER_SCHEME_TURN ? "?transport=udp|tcp" : "");
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_check_scheme_rules:
 * @scheme: the kind of server
 * @userinfo: (nullable): the userinfo, or %NULL when the URI has none
 * @query: (nullable): the query, or %NULL when the URI has none
 * @error: return location for the end of a message
 *
 * A `stun:` URI has no userinfo and no query (STUN is always UDP here);
 * `turn:` and `turns:` URIs need a userinfo.  That `turns:` cannot be UDP
 * is checked by gst_ice_server_uri_parse_query(), which reads the
 * transport.
 *
 * Returns: whether the parts present suit @scheme
 */
gboolean
gst_ice_server_uri_check_scheme_rules (GstIceServerScheme scheme,
    const gchar * userinfo, const gchar * query, GError ** error)
{
  if (scheme == GST_ICE_SERVER_SCHEME_STUN) {
    if (userinfo != NULL)
      goto stun_with_userinfo;
    if (query != NULL)
      goto stun_with_query;
  } else if (userinfo == NULL) {
    goto no_userinfo;
  }
  return TRUE;

  /* ERRORS */
stun_with_userinfo:
  {
    step_error (error, " cannot have a user name or password "
        "(stun://host:port; credentials belong in a turn:// URI)");
    return FALSE;
  }
stun_with_query:
  {
    step_error (error, " cannot have '?%s' (stun://host:port; STUN is always "
        "UDP)", query);
    return FALSE;
  }
no_userinfo:
  {
    step_error (error, " has no user name and password (%s)",
        scheme_example (scheme));
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_parse_userinfo:
 * @userinfo: `USER:PASS`, percent-encoded
 * @scheme: the kind of server, for the message
 * @username: (out) (transfer full): the decoded user name
 * @password: (out) (transfer full): the decoded password, from the first
 *   ':' on
 * @error: return location for the end of a message
 *
 * Returns: whether @userinfo has a user name and a password, neither
 *   empty, that decode to UTF-8
 */
gboolean
gst_ice_server_uri_parse_userinfo (const gchar * userinfo,
    GstIceServerScheme scheme, gchar ** username, gchar ** password,
    GError ** error)
{
  const gchar *pass = strchr (userinfo, ':');
  gchar *user, *pw;

  if (pass == NULL)
    goto no_password;
  if (pass == userinfo)
    goto empty_username;
  if (pass[1] == '\0')
    goto empty_password;

  user = decode_userinfo_part (userinfo, pass);
  if (user == NULL)
    goto bad_username;
  pw = decode_userinfo_part (pass + 1, NULL);
  if (pw == NULL) {
    g_free (user);
    goto bad_password;
  }
  *username = user;
  *password = pw;
  return TRUE;

  /* ERRORS */
no_password:
  {
    step_error (error, " has no password (%s)", scheme_example (scheme));
    return FALSE;
  }
empty_username:
  {
    step_error (error, " has an empty user name (%s)", scheme_example (scheme));
    return FALSE;
  }
empty_password:
  {
    step_error (error, " has an empty password (%s)", scheme_example (scheme));
    return FALSE;
  }
bad_username:
  {
    gchar *shown = g_strndup (userinfo, pass - userinfo);

    step_error (error, ": user name '%s' is not valid percent-encoded UTF-8 "
        "(write a literal '%%' as %%25)", shown);
    g_free (shown);
    return FALSE;
  }
bad_password:
  {
    step_error (error, ": the password is not valid percent-encoded UTF-8 "
        "(write a literal '%%' as %%25)");
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_parse_username:
 * @userinfo: `USER`, percent-encoded, without ':'
 * @scheme: the kind of server, for the message
 * @username: (out) (transfer full): the decoded user name
 * @error: return location for the end of a message
 *
 * The userinfo of a TURN URI whose password is derived from a shared
 * secret (%GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL).
 *
 * Returns: whether @userinfo is a user name, not empty, that decodes to
 *   UTF-8
 */
gboolean
gst_ice_server_uri_parse_username (const gchar * userinfo,
    GstIceServerScheme scheme, gchar ** username, GError ** error)
{
  gchar *user;

  if (userinfo[0] == '\0')
    goto empty_username;
  user = decode_userinfo_part (userinfo, NULL);
  if (user == NULL)
    goto bad_username;
  *username = user;
  return TRUE;

  /* ERRORS */
empty_username:
  {
    step_error (error, " has an empty user name (%s)", scheme_example (scheme));
    return FALSE;
  }
bad_username:
  {
    step_error (error, ": user name '%s' is not valid percent-encoded UTF-8 "
        "(write a literal '%%' as %%25)", userinfo);
    return FALSE;
  }
}

/**
 * gst_ice_server_uri_parse_query:
 * @query: (nullable): what follows the '?', or %NULL when the URI has none
 * @scheme: the kind of server
 * @transport: (out): the transport: UDP, or TCP with `?transport=tcp`, for
 *   `turn:`; always TLS for `turns:`; UDP for `stun:`, which
 *   gst_ice_server_uri_check_scheme_rules() does not let have a query
 * @error: return location for the end of a message
 *
 * The only parameter is `transport`, `udp` or `tcp`, names and values in
 * any case; `turns:` runs over TCP, so `?transport=udp` is refused for it.
 *
 * Returns: whether @query is %NULL or a transport @scheme can use
 */
gboolean
gst_ice_server_uri_parse_query (const gchar * query,
    GstIceServerScheme scheme, GstIceServerTransport * transport,
    GError ** error)
{
  const gchar *value;

  *transport = scheme == GST_ICE_SERVER_SCHEME_TURNS ?
      GST_ICE_SERVER_TRANSPORT_TLS : GST_ICE_SERVER_TRANSPORT_UDP;
  if (query == NULL)
    return TRUE;

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
      *transport = GST_ICE_SERVER_TRANSPORT_TCP;
  } else {
    goto unknown_transport;
  }
  return TRUE;

  /* ERRORS */
empty_query:
  {
    step_error (error, " has an empty '?' (use ?transport=udp or "
        "?transport=tcp, or nothing)");
    return FALSE;
  }
unknown_parameter:
  {
    step_error (error, ": unknown parameter '%s' (only ?transport=udp or "
        "?transport=tcp)", query);
    return FALSE;
  }
unknown_transport:
  {
    step_error (error, ": unknown transport '%s' (use udp or tcp)", value);
    return FALSE;
  }
turns_over_udp:
  {
    step_error (error, ": turns:// is TURN over TLS, which runs over TCP, so "
        "?transport=udp is not possible (use turn://USER:PASS@host:port for "
        "UDP)");
    return FALSE;
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
  return gst_ice_server_uri_parse_full (uri, GST_ICE_SERVER_URI_FLAG_NONE,
      error);
}

/**
 * gst_ice_server_uri_parse_full:
 * @uri: (nullable): a `stun://`, `turn://` or `turns://` URI
 * @flags: what else to accept
 * @error: return location for a %GST_ICE_ERROR_INVALID_URI error
 *
 * gst_ice_server_uri_parse(), with @flags: with
 * %GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL, `turn://USER@host` gives a
 * #GstIceServerUri whose password is %NULL.
 *
 * Returns: (transfer full) (nullable): the parsed URI, or %NULL with
 *   @error set
 */
GstIceServerUri *
gst_ice_server_uri_parse_full (const gchar * uri, GstIceServerUriFlags flags,
    GError ** error)
{
  GstIceServerScheme scheme = GST_ICE_SERVER_SCHEME_TURN;
  GstIceServerUri *res;
  gchar *userinfo = NULL;
  gchar *hostport = NULL;
  const gchar *authority, *rest, *port, *query;
  GError *step_error = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (uri == NULL || uri[0] == '\0')
    goto empty;

  /* each step refuses what the ones before it let through, in this order,
   * so that a URI with several mistakes always gets the same message */
  res = g_new0 (GstIceServerUri, 1);
  if (!gst_ice_server_uri_parse_scheme (uri, &scheme, &authority, &step_error))
    goto failed;
  if (!gst_ice_server_uri_split_authority (authority, scheme, &userinfo,
          &hostport, &rest, &step_error))
    goto failed;
  if (!gst_ice_server_uri_parse_host (hostport, scheme, &res->host, &port,
          &step_error))
    goto failed;
  if (!gst_ice_server_uri_parse_port (port, scheme, &res->port, &step_error))
    goto failed;
  if (!gst_ice_server_uri_split_query (rest, scheme, &query, &step_error))
    goto failed;
  if (!gst_ice_server_uri_check_scheme_rules (scheme, userinfo, query,
          &step_error))
    goto failed;
  /* the rules above leave a userinfo to TURN only, and always one; a
   * user name alone only when a secret gives the password */
  if (userinfo != NULL && (flags & GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL)
      && strchr (userinfo, ':') == NULL) {
    if (!gst_ice_server_uri_parse_username (userinfo, scheme, &res->username,
            &step_error))
      goto failed;
  } else if (userinfo != NULL && !gst_ice_server_uri_parse_userinfo (userinfo,
          scheme, &res->username, &res->password, &step_error)) {
    goto failed;
  }
  if (!gst_ice_server_uri_parse_query (query, scheme, &res->transport,
          &step_error))
    goto failed;
  res->scheme = scheme;

  free_password (userinfo);
  g_free (hostport);
  return res;

  /* ERRORS */
empty:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_URI,
        "turn server URI is empty (use stun://host:port, "
        "turn://USER:PASS@host:port or turns://USER:PASS@host:port)");
    return NULL;
  }
failed:
  {
    gchar *shown = uri_for_display (uri);

    g_propagate_prefixed_error (error, step_error, "%s server '%s'",
        scheme == GST_ICE_SERVER_SCHEME_STUN ? "stun" : "turn", shown);
    g_free (shown);
    free_password (userinfo);
    g_free (hostport);
    gst_ice_server_uri_free (res);
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
 * gst_ice_server_uri_hide_password:
 * @text: a server URI as a user wrote it, valid or not
 *
 * The text as it was written, but for its password, replaced by `***`:
 * what a getter or a message may show.  Unlike
 * gst_ice_server_uri_to_string(), it needs no valid URI and keeps the
 * user's spelling, so that a user recognises the server.
 *
 * Returns: (transfer full): @text without its password, valid UTF-8
 */
gchar *
gst_ice_server_uri_hide_password (const gchar * text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return uri_for_display (text);
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
