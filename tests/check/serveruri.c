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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/gsticeerror.h>

#define STUN GST_ICE_SERVER_SCHEME_STUN
#define TURN GST_ICE_SERVER_SCHEME_TURN
#define TURNS GST_ICE_SERVER_SCHEME_TURNS
#define UDP GST_ICE_SERVER_TRANSPORT_UDP
#define TCP GST_ICE_SERVER_TRANSPORT_TCP
#define TLS GST_ICE_SERVER_TRANSPORT_TLS

typedef struct
{
  const gchar *uri;
  GstIceServerScheme scheme;
  const gchar *host;
  guint16 port;
  const gchar *username;
  const gchar *password;
  GstIceServerTransport transport;
  const gchar *canonical;
} GoodUri;

/* *INDENT-OFF* */
static const GoodUri good_uris[] = {
  {"stun://stun.example.com", STUN, "stun.example.com", 3478, NULL, NULL, UDP,
   "stun://stun.example.com:3478"},
  {"stun://stun.l.google.com:19302", STUN, "stun.l.google.com", 19302, NULL,
   NULL, UDP, "stun://stun.l.google.com:19302"},
  {"STUN://Example.COM:1", STUN, "Example.COM", 1, NULL, NULL, UDP,
   "stun://Example.COM:1"},
  {"stun:stun.example.org:3479", STUN, "stun.example.org", 3479, NULL, NULL,
   UDP, "stun://stun.example.org:3479"},
  {"stun://192.0.2.1:3478", STUN, "192.0.2.1", 3478, NULL, NULL, UDP,
   "stun://192.0.2.1:3478"},
  {"stun://[2001:db8::1]:3478", STUN, "2001:db8::1", 3478, NULL, NULL, UDP,
   "stun://[2001:db8::1]:3478"},
  {"stun://[::1]", STUN, "::1", 3478, NULL, NULL, UDP, "stun://[::1]:3478"},
  {"stun://localhost", STUN, "localhost", 3478, NULL, NULL, UDP,
   "stun://localhost:3478"},
  {"turn://user:pass@turn.example.com", TURN, "turn.example.com", 3478,
   "user", "pass", UDP, "turn://user:pass@turn.example.com:3478"},
  {"turn://user:pass@turn.example.com:3479?transport=tcp", TURN,
   "turn.example.com", 3479, "user", "pass", TCP,
   "turn://user:pass@turn.example.com:3479?transport=tcp"},
  {"turn://user:pass@turn.example.com?transport=UDP", TURN,
   "turn.example.com", 3478, "user", "pass", UDP,
   "turn://user:pass@turn.example.com:3478"},
  {"turn://u:p@[::1]:3478", TURN, "::1", 3478, "u", "p", UDP,
   "turn://u:p@[::1]:3478"},
  {"TURN://u:p@[fe80::1]:65535?Transport=TCP", TURN, "fe80::1", 65535, "u",
   "p", TCP, "turn://u:p@[fe80::1]:65535?transport=tcp"},
  {"turn://u:p@10.0.0.1:1", TURN, "10.0.0.1", 1, "u", "p", UDP,
   "turn://u:p@10.0.0.1:1"},
  {"turns://user:pass@turn.example.com", TURNS, "turn.example.com", 5349,
   "user", "pass", TLS, "turns://user:pass@turn.example.com:5349"},
  {"turns://user:pass@turn.example.com:443?transport=tcp", TURNS,
   "turn.example.com", 443, "user", "pass", TLS,
   "turns://user:pass@turn.example.com:443"},
  {"Turns://user:pass@[2001:db8::2]", TURNS, "2001:db8::2", 5349, "user",
   "pass", TLS, "turns://user:pass@[2001:db8::2]:5349"},
  {"turn://us%40er:p%3Ass%2Fw%25rd@host", TURN, "host", 3478, "us@er",
   "p:ss/w%rd", UDP, "turn://us%40er:p%3Ass%2Fw%25rd@host:3478"},
  {"turn://user:p@ss@host", TURN, "host", 3478, "user", "p@ss", UDP,
   "turn://user:p%40ss@host:3478"},
  {"turn://j%C3%B6rg:pw@host", TURN, "host", 3478, "j\xc3\xb6rg", "pw", UDP,
   "turn://j%C3%B6rg:pw@host:3478"},
  {"turn://1700000000%3Aalice:c2VjcmV0+%2F=@host", TURN, "host", 3478,
   "1700000000:alice", "c2VjcmV0+/=", UDP,
   "turn://1700000000%3Aalice:c2VjcmV0+%2F=@host:3478"},
  {"turn:user:pass@host:3478?transport=tcp", TURN, "host", 3478, "user",
   "pass", TCP, "turn://user:pass@host:3478?transport=tcp"},
  {"turns:user:pass@host", TURNS, "host", 5349, "user", "pass", TLS,
   "turns://user:pass@host:5349"},
  {"turn://user:pass@turn.example.com.:3478", TURN, "turn.example.com.",
   3478, "user", "pass", UDP, "turn://user:pass@turn.example.com.:3478"},
  {"turn://user:pass@a-b.c0:3478", TURN, "a-b.c0", 3478, "user", "pass",
   UDP, "turn://user:pass@a-b.c0:3478"},
};
/* *INDENT-ON* */

typedef struct
{
  const gchar *uri;
  /* fragments the message must contain */
  const gchar *expected[3];
} BadUri;

/* every password below contains "secret", which no message may show */
/* *INDENT-OFF* */
static const BadUri bad_uris[] = {
  {NULL, {"turn server URI is empty", "stun://host:port"}},
  {"", {"turn server URI is empty", "turn://USER:PASS@host:port"}},
  {"tun://x",
   {"turn server 'tun://x' is not a stun://, turn:// or turns:// URI"}},
  {"http://example.com", {"'http://example.com' is not a stun://"}},
  {"example.com:3478", {"'example.com:3478' is not a stun://"}},
  {"example.com", {"'example.com' is not a stun://"}},
  {"tun://u:secret@x", {"'tun://u:***@x' is not a stun://"}},
  {"u:secret@host", {"'u:***@host' is not a stun://"}},
  {"stuns://stun.example.com", {"stun server 'stuns://stun.example.com'",
   "not supported"}},
  {"turn://host:3478",
   {"turn server 'turn://host:3478' has no user name and password "
    "(turn://USER:PASS@host:port)"}},
  {"turns://host", {"turn server 'turns://host' has no user name and "
   "password (turns://USER:PASS@host:port)"}},
  {"turn://u:secret@host:99999",
   {"turn server 'turn://u:***@host:99999'",
    "port '99999' is not a number between 1 and 65535"}},
  {"turn://u:secret@host:0", {"port '0' is not a number between 1 and 65535"}},
  {"turn://u:secret@host:", {"port '' is not a number between 1 and 65535"}},
  {"turn://u:secret@host:34x", {"port '34x' is not a number"}},
  {"turn://u:secret@host:-1", {"port '-1' is not a number"}},
  {"turn://u:secret@host:+3478", {"port '+3478' is not a number"}},
  {"stun://host:4294967297", {"stun server 'stun://host:4294967297'",
   "port '4294967297' is not a number"}},
  {"turn://u:secret@host:3478?transport=sctp",
   {"'turn://u:***@host:3478?transport=sctp'",
    "unknown transport 'sctp' (use udp or tcp)"}},
  {"turn://u:secret@host?transport=udp&x=1",
   {"unknown transport 'udp&x=1' (use udp or tcp)"}},
  {"turn://u:secret@host?transport=", {"unknown transport '' (use udp"}},
  {"turn://u:secret@host?foo=bar", {"unknown parameter 'foo=bar'",
   "?transport=udp or ?transport=tcp"}},
  {"turn://u:secret@host?", {"'turn://u:***@host?' has an empty '?'"}},
  {"turns://u:secret@host?transport=udp",
   {"turn server 'turns://u:***@host?transport=udp'",
    "?transport=udp is not possible"}},
  {"turn://u:secret@:3478", {"'turn://u:***@:3478' has an empty host",
   "turn://USER:PASS@host:port"}},
  {"turn://u:secret@", {"'turn://u:***@' has an empty host"}},
  {"stun://", {"stun server 'stun://' has an empty host (stun://host:port)"}},
  {"stun:", {"stun server 'stun:' has an empty host"}},
  {"stun://:3478", {"'stun://:3478' has an empty host"}},
  {"stun://host:3478/", {"'stun://host:3478/' has unexpected '/' after the "
   "host and port"}},
  {"stun://host#frag", {"has unexpected '#frag' after the host and port"}},
  {"turn://u:secret@host/path", {"'turn://u:***@host/path' has unexpected "
   "'/path'"}},
  {"turn://u:secret@host?x@y", {"'turn://u:***@host?x@y'",
   "unknown parameter 'x@y'"}},
  {"stun://user:secret@host",
   {"stun server 'stun://user:***@host' cannot have a user name or "
    "password"}},
  {"stun://user@host", {"'stun://user@host' cannot have a user name"}},
  {"stun://host?transport=udp",
   {"stun server 'stun://host?transport=udp' cannot have "
    "'?transport=udp'"}},
  {"turn://u:secret@::1:3478", {"'turn://u:***@::1:3478'",
   "IPv6 address in brackets"}},
  {"stun://::1", {"'stun://::1'", "in brackets, e.g. stun://[::1]:3478"}},
  {"turn://u:secret@[::1", {"'turn://u:***@[::1' has a '[' without ']'"}},
  {"turn://u:secret@[1.2.3.4]:3478", {"'[1.2.3.4]' is not an IPv6 address"}},
  {"turn://u:secret@[]:3478", {"'[]' is not an IPv6 address"}},
  {"turn://u:secret@[::1]x", {"unexpected 'x' after '[::1]'"}},
  {"turn://u:secret@ho_st", {"host 'ho_st' is not a host name or IP address"}},
  {"turn://u:secret@999.1.1.1", {"host '999.1.1.1' is not a host name"}},
  {"turn://u:secret@1.2.3", {"host '1.2.3' is not a host name"}},
  {"turn://u:secret@a..b", {"host 'a..b' is not a host name"}},
  {"turn://u:secret@-a.com", {"host '-a.com' is not a host name"}},
  {"turn://u:secret@.", {"host '.' is not a host name"}},
  {"turn://u:secret@h\xc3\xb6st", {"host 'h\xc3\xb6st' is not a host name"}},
  {"turn://u:secret@h\xffst", {"host 'h\xef\xbf\xbdst' is not a host name"}},
  {"turn://user@host", {"'turn://user@host' has no password "
   "(turn://USER:PASS@host:port)"}},
  {"turn://:secret@host", {"'turn://:***@host' has an empty user name"}},
  {"turn://u:@host", {"'turn://u:@host' has an empty password"}},
  {"turn://u%zz:secret@host", {"user name 'u%zz' is not valid "
   "percent-encoded UTF-8", "%25"}},
  {"turn://u%ff:secret@host", {"user name 'u%ff' is not valid"}},
  {"turn://u:sec%zzret@host", {"'turn://u:***@host': the password is not "
   "valid percent-encoded UTF-8"}},
  {"turn://u:sec%00ret@host", {"the password is not valid"}},
  {"turn://u:sec?ret@host", {"'turn://u:***@host' has a '/', '?' or '#' "
   "before its '@'", "%3F"}},
  {"turn://u:sec/ret@host", {"has a '/', '?' or '#' before its '@'"}},
  {" stun://host", {"stun server ' stun://host' starts or ends with white "
   "space"}},
  {"turn://u:secret@host\n", {"'turn://u:***@host\\x0a' starts or ends "
   "with white space"}},
  /* what a terminal would take for commands is shown escaped */
  {"stun://\x1b[2Jhost", {"stun server 'stun://\\x1b[2Jhost'"}},
  {"tuturn://u:\x10n:o/:s", {"turn server 'tuturn://u:\\x10n:o/:s' is not "
   "a stun://"}},
  {"turn://u:secret@ho st", {"host 'ho st' is not a host name"}},
};
/* *INDENT-ON* */

static void
assert_uri_equal (const GstIceServerUri * a, const GstIceServerUri * b)
{
  fail_unless_equals_int (a->scheme, b->scheme);
  fail_unless_equals_string (a->host, b->host);
  fail_unless_equals_int (a->port, b->port);
  fail_unless_equals_string (a->username, b->username);
  fail_unless_equals_string (a->password, b->password);
  fail_unless_equals_int (a->transport, b->transport);
}

GST_START_TEST (test_parse_good)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good_uris); i++) {
    const GoodUri *g = &good_uris[i];
    GError *error = NULL;
    GstIceServerUri *uri;

    GST_INFO ("parsing '%s'", g->uri);
    uri = gst_ice_server_uri_parse (g->uri, &error);
    fail_unless (uri != NULL, "'%s' did not parse: %s", g->uri,
        error ? error->message : "(no error)");
    fail_unless (error == NULL);
    fail_unless_equals_int (uri->scheme, g->scheme);
    fail_unless_equals_string (uri->host, g->host);
    fail_unless_equals_int (uri->port, g->port);
    fail_unless_equals_string (uri->username, g->username);
    fail_unless_equals_string (uri->password, g->password);
    fail_unless_equals_int (uri->transport, g->transport);
    gst_ice_server_uri_free (uri);
  }
}

GST_END_TEST;

GST_START_TEST (test_parse_bad)
{
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (bad_uris); i++) {
    const BadUri *b = &bad_uris[i];
    GError *error = NULL;
    GstIceServerUri *uri;

    uri = gst_ice_server_uri_parse (b->uri, &error);
    fail_unless (uri == NULL, "'%s' parsed", b->uri);
    fail_unless (error != NULL);
    GST_INFO ("'%s': %s", b->uri, error->message);
    fail_unless (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_URI));
    fail_unless (g_utf8_validate (error->message, -1, NULL));
    for (j = 0; error->message[j] != '\0'; j++)
      fail_unless ((guchar) error->message[j] >= 0x20
          && error->message[j] != 0x7f, "message for '%s' has a control "
          "character: \"%s\"", b->uri, error->message);
    for (j = 0; j < G_N_ELEMENTS (b->expected) && b->expected[j]; j++) {
      fail_unless (strstr (error->message, b->expected[j]) != NULL,
          "message for '%s' is \"%s\", which lacks \"%s\"", b->uri,
          error->message, b->expected[j]);
    }
    fail_if (strstr (error->message, "secret") != NULL,
        "message \"%s\" shows the password", error->message);
    g_clear_error (&error);
  }
}

GST_END_TEST;

/* turn://USER@host, for credentials derived from turn-auth-secret: only
 * with GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL, and with a user name */
GST_START_TEST (test_parse_password_optional)
{
  GstIceServerUriFlags optional = GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL;
  GstIceServerUri *uri;
  GError *error = NULL;
  gchar *text;

  uri = gst_ice_server_uri_parse_full ("turns://ali%40ce@turn.example.com",
      optional, &error);
  fail_unless (uri != NULL, "%s", error ? error->message : "");
  fail_unless_equals_string (uri->username, "ali@ce");
  fail_unless (uri->password == NULL);
  fail_unless_equals_int (uri->port, 5349);
  text = gst_ice_server_uri_to_string (uri, TRUE);
  fail_unless_equals_string (text, "turns://ali%40ce@turn.example.com:5349");
  g_free (text);
  gst_ice_server_uri_free (uri);

  /* a password given is still taken */
  uri = gst_ice_server_uri_parse_full ("turn://u:p@h", optional, NULL);
  fail_unless_equals_string (uri->password, "p");
  gst_ice_server_uri_free (uri);

  /* without the flag, as before */
  fail_unless (gst_ice_server_uri_parse_full ("turn://alice@h",
          GST_ICE_SERVER_URI_FLAG_NONE, &error) == NULL);
  fail_unless (strstr (error->message, "has no password") != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* still a user name, and no userinfo for STUN */
  fail_unless (gst_ice_server_uri_parse_full ("turn://@h", optional,
          &error) == NULL);
  fail_unless_equals_string (error->message, "turn server 'turn://@h' has an "
      "empty user name (turn://USER:PASS@host:port)");
  g_clear_error (&error);
  fail_unless (gst_ice_server_uri_parse_full ("turn://h", optional,
          &error) == NULL);
  fail_unless (strstr (error->message, "has no user name") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  fail_unless (gst_ice_server_uri_parse_full ("stun://alice@h", optional,
          &error) == NULL);
  fail_unless (strstr (error->message, "cannot have a user name") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  fail_unless (gst_ice_server_uri_parse_full ("turn://al%ffce@h", optional,
          &error) == NULL);
  fail_unless (strstr (error->message, "not valid percent-encoded") != NULL,
      "%s", error->message);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_parse_without_error)
{
  fail_unless (gst_ice_server_uri_parse ("tun://x", NULL) == NULL);
  fail_unless (gst_ice_server_uri_parse (NULL, NULL) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_to_string_round_trip)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good_uris); i++) {
    const GoodUri *g = &good_uris[i];
    GstIceServerUri *uri, *again;
    gchar *text, *hidden;

    uri = gst_ice_server_uri_parse (g->uri, NULL);
    fail_unless (uri != NULL);

    text = gst_ice_server_uri_to_string (uri, FALSE);
    fail_unless_equals_string (text, g->canonical);
    again = gst_ice_server_uri_parse (text, NULL);
    fail_unless (again != NULL, "canonical '%s' does not parse", text);
    assert_uri_equal (uri, again);

    hidden = gst_ice_server_uri_to_string (uri, TRUE);
    if (uri->password != NULL) {
      gchar *escaped = g_uri_escape_string (uri->password, "!$&'()*+,;=",
          FALSE);
      gchar *shown = g_strdup_printf (":%s@", escaped);

      fail_unless (strstr (hidden, ":***@") != NULL, "%s", hidden);
      fail_unless (strstr (text, shown) != NULL, "%s", text);
      fail_if (strstr (hidden, shown) != NULL, "%s", hidden);
      g_free (shown);
      g_free (escaped);
    } else {
      fail_unless_equals_string (hidden, text);
    }

    g_free (hidden);
    g_free (text);
    gst_ice_server_uri_free (again);
    gst_ice_server_uri_free (uri);
  }
}

GST_END_TEST;

GST_START_TEST (test_to_string_hidden)
{
  GstIceServerUri *uri;
  gchar *text;

  uri = gst_ice_server_uri_parse ("turn://alice:s3cr%40t@turn.example.com"
      "?transport=tcp", NULL);
  fail_unless (uri != NULL);
  text = gst_ice_server_uri_to_string (uri, TRUE);
  fail_unless_equals_string (text,
      "turn://alice:***@turn.example.com:3478?transport=tcp");
  g_free (text);
  text = gst_ice_server_uri_to_string (uri, FALSE);
  fail_unless_equals_string (text,
      "turn://alice:s3cr%40t@turn.example.com:3478?transport=tcp");
  g_free (text);
  gst_ice_server_uri_free (uri);
}

GST_END_TEST;

GST_START_TEST (test_boxed)
{
  GstIceServerUri *uri, *copy;
  GValue value = G_VALUE_INIT;

  fail_unless (G_TYPE_IS_BOXED (GST_TYPE_ICE_SERVER_URI));
  fail_unless_equals_string (g_type_name (GST_TYPE_ICE_SERVER_URI),
      "GstIceServerUri");

  uri = gst_ice_server_uri_parse ("turns://bob:pw@[2001:db8::5]:443", NULL);
  fail_unless (uri != NULL);

  copy = g_boxed_copy (GST_TYPE_ICE_SERVER_URI, uri);
  fail_unless (copy != uri);
  fail_unless (copy->host != uri->host);
  fail_unless (copy->password != uri->password);
  assert_uri_equal (uri, copy);
  g_boxed_free (GST_TYPE_ICE_SERVER_URI, copy);

  g_value_init (&value, GST_TYPE_ICE_SERVER_URI);
  g_value_take_boxed (&value, uri);
  copy = g_value_dup_boxed (&value);
  assert_uri_equal (g_value_get_boxed (&value), copy);
  gst_ice_server_uri_free (copy);
  g_value_unset (&value);

  /* free accepts NULL, like g_free () */
  gst_ice_server_uri_free (NULL);
}

GST_END_TEST;

GST_START_TEST (test_autoptr)
{
  g_autoptr (GstIceServerUri) uri =
      gst_ice_server_uri_parse ("stun://stun.example.com", NULL);

  fail_unless (uri != NULL);
  fail_unless_equals_int (uri->port, 3478);
}

GST_END_TEST;

static const gchar *const fuzz_seeds[] = {
  "stun://stun.example.com:3478",
  "turn://user:secret@turn.example.com:3479?transport=tcp",
  "turns://user:secret@[2001:db8::1]:5349?transport=tcp",
  "turn:us%40er:p%3As@10.0.0.1",
  "stun://[::1]",
};

/* characters that matter to the parser, and a few that do not */
static const gchar fuzz_chars[] = ":/@?#[]%.=&-_+ 0123456789aAzZ\t\xff\xc3";

static gchar *
mutate (GRand * rand, const gchar * seed)
{
  GString *s = g_string_new (seed);
  gint n = g_rand_int_range (rand, 1, 5);

  while (n-- > 0) {
    gint pos = g_rand_int_range (rand, 0, s->len + 1);
    gchar c = fuzz_chars[g_rand_int_range (rand, 0, sizeof (fuzz_chars) - 1)];

    switch (g_rand_int_range (rand, 0, 5)) {
      case 0:
        if (pos < (gint) s->len)
          g_string_erase (s, pos, 1);
        break;
      case 1:
        g_string_insert_c (s, pos, c);
        break;
      case 2:
        if (pos < (gint) s->len)
          s->str[pos] = c;
        break;
      case 3:
        g_string_truncate (s, pos);
        break;
      default:
        /* repeat a piece */
        if (pos < (gint) s->len) {
          gchar *piece = g_strndup (s->str + pos,
              g_rand_int_range (rand, 1, 8));

          g_string_insert (s, g_rand_int_range (rand, 0, s->len + 1), piece);
          g_free (piece);
        }
        break;
    }
  }
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_fuzz)
{
  GRand *rand = g_rand_new_with_seed (20260101);
  guint i, n_good = 0, n_bad = 0;

  for (i = 0; i < 20000; i++) {
    gchar *text = mutate (rand,
        fuzz_seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (fuzz_seeds))]);
    GError *error = NULL;
    GstIceServerUri *uri = gst_ice_server_uri_parse (text, &error);

    if (uri != NULL) {
      /* whatever parses writes out canonically and parses the same again */
      gchar *canonical = gst_ice_server_uri_to_string (uri, FALSE);
      GstIceServerUri *again = gst_ice_server_uri_parse (canonical, &error);

      fail_unless (error == NULL, "'%s' -> '%s' does not parse: %s", text,
          canonical, error ? error->message : "");
      assert_uri_equal (uri, again);
      fail_unless (uri->port != 0);
      fail_unless (uri->host[0] != '\0');
      fail_unless ((uri->scheme == GST_ICE_SERVER_SCHEME_STUN)
          == (uri->password == NULL));
      gst_ice_server_uri_free (again);
      gst_ice_server_uri_free (uri);
      g_free (canonical);
      n_good++;
    } else {
      /* and whatever does not says so in a message naming the server */
      fail_unless (g_error_matches (error, GST_ICE_ERROR,
              GST_ICE_ERROR_INVALID_URI));
      fail_unless (g_utf8_validate (error->message, -1, NULL));
      fail_unless (g_str_has_prefix (error->message, "turn server ")
          || g_str_has_prefix (error->message, "stun server "),
          "%s", error->message);
      g_clear_error (&error);
      n_bad++;
    }
    g_free (text);
  }

  GST_INFO ("%u mutations parsed, %u were rejected", n_good, n_bad);
  fail_unless (n_good > 100);
  fail_unless (n_bad > 100);
  g_rand_free (rand);
}

GST_END_TEST;

/* Steps of gst_ice_server_uri_parse(): each on its own, with the exact end
 * of message it gives the parser */

static void
assert_step_error (gboolean ok, GError ** error, const gchar * expected)
{
  fail_if (ok, "the step accepted what should give \"%s\"", expected);
  fail_unless (g_error_matches (*error, GST_ICE_ERROR,
          GST_ICE_ERROR_INVALID_URI));
  fail_unless_equals_string ((*error)->message, expected);
  g_clear_error (error);
}

GST_START_TEST (test_step_scheme)
{
  GstIceServerScheme scheme;
  const gchar *authority = NULL;
  GError *error = NULL;
  gboolean ok;

  fail_unless (gst_ice_server_uri_parse_scheme ("STUN://h:1", &scheme,
          &authority, NULL));
  fail_unless_equals_int (scheme, STUN);
  fail_unless_equals_string (authority, "h:1");
  fail_unless (gst_ice_server_uri_parse_scheme ("turns:u:p@h", &scheme,
          &authority, NULL));
  fail_unless_equals_int (scheme, TURNS);
  fail_unless_equals_string (authority, "u:p@h");
  fail_unless (gst_ice_server_uri_parse_scheme ("Turn:///x", &scheme,
          &authority, NULL));
  fail_unless_equals_int (scheme, TURN);
  fail_unless_equals_string (authority, "/x");

  /* the scheme is set when the step fails too: messages name it */
  ok = gst_ice_server_uri_parse_scheme (" stun://h", &scheme, &authority,
      &error);
  fail_unless_equals_int (scheme, STUN);
  assert_step_error (ok, &error, " starts or ends with white space");
  ok = gst_ice_server_uri_parse_scheme ("turns://h\t", &scheme, &authority,
      &error);
  fail_unless_equals_int (scheme, TURNS);
  assert_step_error (ok, &error, " starts or ends with white space");
  ok = gst_ice_server_uri_parse_scheme ("StunS://h", &scheme, &authority,
      &error);
  fail_unless_equals_int (scheme, STUN);
  assert_step_error (ok, &error, " is a stuns:// URI, which is not supported "
      "(STUN over TLS; use stun://host:port)");

  ok = gst_ice_server_uri_parse_scheme ("stunx://h", &scheme, &authority,
      &error);
  fail_unless_equals_int (scheme, TURN);
  assert_step_error (ok, &error, " is not a stun://, turn:// or turns:// URI "
      "(e.g. stun://host:port or turn://USER:PASS@host:port)");
  ok = gst_ice_server_uri_parse_scheme ("h:3478", &scheme, &authority, &error);
  assert_step_error (ok, &error, " is not a stun://, turn:// or turns:// URI "
      "(e.g. stun://host:port or turn://USER:PASS@host:port)");
  ok = gst_ice_server_uri_parse_scheme ("", &scheme, &authority, &error);
  assert_step_error (ok, &error, " is not a stun://, turn:// or turns:// URI "
      "(e.g. stun://host:port or turn://USER:PASS@host:port)");
}

GST_END_TEST;

GST_START_TEST (test_step_split_authority)
{
  gchar *userinfo = NULL, *hostport = NULL;
  const gchar *rest = NULL;
  GError *error = NULL;
  gboolean ok;

  /* the userinfo ends at the last '@' */
  fail_unless (gst_ice_server_uri_split_authority ("u:p@ss@h:1?transport=tcp",
          TURN, &userinfo, &hostport, &rest, NULL));
  fail_unless_equals_string (userinfo, "u:p@ss");
  fail_unless_equals_string (hostport, "h:1");
  fail_unless_equals_string (rest, "?transport=tcp");
  g_free (userinfo);
  g_free (hostport);

  /* the authority ends at the first '/', '?' or '#' */
  fail_unless (gst_ice_server_uri_split_authority ("[::1]:9/p?q#f", STUN,
          &userinfo, &hostport, &rest, NULL));
  fail_unless (userinfo == NULL);
  fail_unless_equals_string (hostport, "[::1]:9");
  fail_unless_equals_string (rest, "/p?q#f");
  g_free (hostport);
  fail_unless (gst_ice_server_uri_split_authority ("h#x@y", STUN,
          &userinfo, &hostport, &rest, NULL) == FALSE);

  fail_unless (gst_ice_server_uri_split_authority ("", TURN, &userinfo,
          &hostport, &rest, NULL));
  fail_unless (userinfo == NULL);
  fail_unless_equals_string (hostport, "");
  fail_unless_equals_string (rest, "");
  g_free (hostport);

  fail_unless (gst_ice_server_uri_split_authority ("@", TURN, &userinfo,
          &hostport, &rest, NULL));
  fail_unless_equals_string (userinfo, "");
  fail_unless_equals_string (hostport, "");
  g_free (userinfo);
  g_free (hostport);

  /* a '@' after the authority: a raw '/', '?' or '#' in the password */
  ok = gst_ice_server_uri_split_authority ("u:se?cret@h", TURNS, &userinfo,
      &hostport, &rest, &error);
  assert_step_error (ok, &error, " has a '/', '?' or '#' before its '@': "
      "write them as %2F, %3F and %23 in the user name and password "
      "(turns://USER:PASS@host:port)");
}

GST_END_TEST;

typedef struct
{
  const gchar *hostport;
  const gchar *host;
  /* NULL: no port */
  const gchar *port;
} HostStep;

typedef struct
{
  const gchar *hostport;
  GstIceServerScheme scheme;
  const gchar *message;
} FailingStep;

/* *INDENT-OFF* */
static const HostStep host_steps[] = {
  {"h", "h", NULL},
  {"h:", "h", ""},
  {"h:3478", "h", "3478"},
  {"h:x", "h", "x"},
  {"Turn.Example.com.:1", "Turn.Example.com.", "1"},
  {"192.0.2.1:99", "192.0.2.1", "99"},
  {"[::1]", "::1", NULL},
  {"[2001:db8::1]:3478", "2001:db8::1", "3478"},
  {"[::ffff:192.0.2.1]:", "::ffff:192.0.2.1", ""},
};

static const FailingStep failing_hosts[] = {
  {"[::1", TURNS, " has a '[' without ']': write an IPv6 address as "
   "[ADDRESS], e.g. turns://[::1]:3478"},
  {"[192.0.2.1]", TURN, ": '[192.0.2.1]' is not an IPv6 address"},
  {"[]:1", STUN, ": '[]' is not an IPv6 address"},
  {"[::1]x:1", TURN, " has unexpected 'x:1' after '[::1]' (expected :PORT)"},
  {"::1", STUN, " has more than one ':' after the host: write an IPv6 "
   "address in brackets, e.g. stun://[::1]:3478"},
  {"h:1:2", TURN, " has more than one ':' after the host: write an IPv6 "
   "address in brackets, e.g. turn://[::1]:3478"},
  {"", STUN, " has an empty host (stun://host:port)"},
  {":3478", TURN, " has an empty host (turn://USER:PASS@host:port)"},
  {"ho_st", TURN, ": host 'ho_st' is not a host name or IP address "
   "(letters, digits, '-' and '.'; IPv6 in brackets)"},
  {"1.2.3:1", TURN, ": host '1.2.3' is not a host name or IP address "
   "(letters, digits, '-' and '.'; IPv6 in brackets)"},
  {"h\xffst", TURN, ": host 'h\xef\xbf\xbdst' is not a host name or IP "
   "address (letters, digits, '-' and '.'; IPv6 in brackets)"},
};
/* *INDENT-ON* */

GST_START_TEST (test_step_host)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (host_steps); i++) {
    const HostStep *h = &host_steps[i];
    gchar *host = NULL;
    const gchar *port = "unset";

    fail_unless (gst_ice_server_uri_parse_host (h->hostport, TURN, &host,
            &port, NULL), "'%s' refused", h->hostport);
    fail_unless_equals_string (host, h->host);
    fail_unless_equals_string (port, h->port);
    g_free (host);
  }

  for (i = 0; i < G_N_ELEMENTS (failing_hosts); i++) {
    const FailingStep *f = &failing_hosts[i];
    gchar *host = NULL;
    const gchar *port = NULL;
    GError *error = NULL;
    gboolean ok;

    ok = gst_ice_server_uri_parse_host (f->hostport, f->scheme, &host, &port,
        &error);
    fail_unless (host == NULL);
    assert_step_error (ok, &error, f->message);
  }
}

GST_END_TEST;

GST_START_TEST (test_step_port)
{
  static const gchar *const bad[] = { "", "0", "65536", "4294967297", "+1",
    "-1", "1x", " 1", "0x10"
  };
  guint16 port = 0;
  guint i;

  fail_unless (gst_ice_server_uri_parse_port (NULL, STUN, &port, NULL));
  fail_unless_equals_int (port, 3478);
  fail_unless (gst_ice_server_uri_parse_port (NULL, TURN, &port, NULL));
  fail_unless_equals_int (port, 3478);
  fail_unless (gst_ice_server_uri_parse_port (NULL, TURNS, &port, NULL));
  fail_unless_equals_int (port, 5349);
  fail_unless (gst_ice_server_uri_parse_port ("1", TURNS, &port, NULL));
  fail_unless_equals_int (port, 1);
  fail_unless (gst_ice_server_uri_parse_port ("00443", TURN, &port, NULL));
  fail_unless_equals_int (port, 443);
  fail_unless (gst_ice_server_uri_parse_port ("65535", STUN, &port, NULL));
  fail_unless_equals_int (port, 65535);

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GError *error = NULL;
    gchar *expected = g_strdup_printf (": port '%s' is not a number between "
        "1 and 65535", bad[i]);
    gboolean ok;

    port = 7;
    ok = gst_ice_server_uri_parse_port (bad[i], TURN, &port, &error);
    assert_step_error (ok, &error, expected);
    g_free (expected);
  }
}

GST_END_TEST;

GST_START_TEST (test_step_split_query)
{
  const gchar *query = "unset";
  GError *error = NULL;
  gboolean ok;

  fail_unless (gst_ice_server_uri_split_query ("", TURN, &query, NULL));
  fail_unless (query == NULL);
  fail_unless (gst_ice_server_uri_split_query ("?", TURN, &query, NULL));
  fail_unless_equals_string (query, "");
  fail_unless (gst_ice_server_uri_split_query ("?a=b?c#d", STUN, &query, NULL));
  fail_unless_equals_string (query, "a=b?c#d");

  /* only TURN is offered a ?transport */
  ok = gst_ice_server_uri_split_query ("/path", TURN, &query, &error);
  assert_step_error (ok, &error, " has unexpected '/path' after the host and "
      "port (turn://USER:PASS@host:port?transport=udp|tcp)");
  ok = gst_ice_server_uri_split_query ("#f", TURNS, &query, &error);
  assert_step_error (ok, &error, " has unexpected '#f' after the host and "
      "port (turns://USER:PASS@host:port)");
  ok = gst_ice_server_uri_split_query ("/", STUN, &query, &error);
  assert_step_error (ok, &error, " has unexpected '/' after the host and "
      "port (stun://host:port)");
}

GST_END_TEST;

GST_START_TEST (test_step_scheme_rules)
{
  GError *error = NULL;
  gboolean ok;

  fail_unless (gst_ice_server_uri_check_scheme_rules (STUN, NULL, NULL, NULL));
  fail_unless (gst_ice_server_uri_check_scheme_rules (TURN, "u:p", NULL, NULL));
  fail_unless (gst_ice_server_uri_check_scheme_rules (TURNS, "u:p",
          "transport=tcp", NULL));

  /* STUN: no credentials, no query; the userinfo is reported first */
  ok = gst_ice_server_uri_check_scheme_rules (STUN, "u", "transport=udp",
      &error);
  assert_step_error (ok, &error, " cannot have a user name or password "
      "(stun://host:port; credentials belong in a turn:// URI)");
  ok = gst_ice_server_uri_check_scheme_rules (STUN, NULL, "transport=udp",
      &error);
  assert_step_error (ok, &error, " cannot have '?transport=udp' "
      "(stun://host:port; STUN is always UDP)");
  ok = gst_ice_server_uri_check_scheme_rules (STUN, NULL, "", &error);
  assert_step_error (ok, &error, " cannot have '?' (stun://host:port; STUN is "
      "always UDP)");

  /* TURN: credentials needed */
  ok = gst_ice_server_uri_check_scheme_rules (TURN, NULL, NULL, &error);
  assert_step_error (ok, &error, " has no user name and password "
      "(turn://USER:PASS@host:port)");
  ok = gst_ice_server_uri_check_scheme_rules (TURNS, NULL, "transport=tcp",
      &error);
  assert_step_error (ok, &error, " has no user name and password "
      "(turns://USER:PASS@host:port)");
}

GST_END_TEST;

/* *INDENT-OFF* */
static const FailingStep failing_userinfos[] = {
  {"user", TURN, " has no password (turn://USER:PASS@host:port)"},
  {"", TURNS, " has no password (turns://USER:PASS@host:port)"},
  {":secret", TURN, " has an empty user name (turn://USER:PASS@host:port)"},
  {":", TURN, " has an empty user name (turn://USER:PASS@host:port)"},
  {"u:", TURNS, " has an empty password (turns://USER:PASS@host:port)"},
  {"u%zz:secret", TURN, ": user name 'u%zz' is not valid percent-encoded "
   "UTF-8 (write a literal '%' as %25)"},
  {"u%C3:secret", TURN, ": user name 'u%C3' is not valid percent-encoded "
   "UTF-8 (write a literal '%' as %25)"},
  {"u%00:secret", TURN, ": user name 'u%00' is not valid percent-encoded "
   "UTF-8 (write a literal '%' as %25)"},
  {"u:sec%2fret%", TURN, ": the password is not valid percent-encoded UTF-8 "
   "(write a literal '%' as %25)"},
  {"u:sec%ffret", TURN, ": the password is not valid percent-encoded UTF-8 "
   "(write a literal '%' as %25)"},
};
/* *INDENT-ON* */

GST_START_TEST (test_step_userinfo)
{
  gchar *username = NULL, *password = NULL;
  guint i;

  fail_unless (gst_ice_server_uri_parse_userinfo ("user:pass", TURN,
          &username, &password, NULL));
  fail_unless_equals_string (username, "user");
  fail_unless_equals_string (password, "pass");
  g_free (username);
  g_free (password);

  /* the first ':' ends the user name; both are percent-decoded */
  fail_unless (gst_ice_server_uri_parse_userinfo ("us%40er%3A1:p:w%25%2F@",
          TURNS, &username, &password, NULL));
  fail_unless_equals_string (username, "us@er:1");
  fail_unless_equals_string (password, "p:w%/@");
  g_free (username);
  g_free (password);

  fail_unless (gst_ice_server_uri_parse_userinfo ("j%C3%B6rg:%E2%82%AC",
          TURN, &username, &password, NULL));
  fail_unless_equals_string (username, "j\xc3\xb6rg");
  fail_unless_equals_string (password, "\xe2\x82\xac");
  g_free (username);
  g_free (password);

  for (i = 0; i < G_N_ELEMENTS (failing_userinfos); i++) {
    const FailingStep *f = &failing_userinfos[i];
    GError *error = NULL;
    gboolean ok;

    username = password = NULL;
    ok = gst_ice_server_uri_parse_userinfo (f->hostport, f->scheme,
        &username, &password, &error);
    fail_unless (username == NULL && password == NULL);
    fail_if (strstr (error->message, "secret") != NULL, "%s", error->message);
    assert_step_error (ok, &error, f->message);
  }
}

GST_END_TEST;

GST_START_TEST (test_step_query)
{
  GstIceServerTransport transport;
  GError *error = NULL;
  gboolean ok;

  /* without a query: the scheme's transport */
  fail_unless (gst_ice_server_uri_parse_query (NULL, STUN, &transport, NULL));
  fail_unless_equals_int (transport, UDP);
  fail_unless (gst_ice_server_uri_parse_query (NULL, TURN, &transport, NULL));
  fail_unless_equals_int (transport, UDP);
  fail_unless (gst_ice_server_uri_parse_query (NULL, TURNS, &transport, NULL));
  fail_unless_equals_int (transport, TLS);

  fail_unless (gst_ice_server_uri_parse_query ("transport=tcp", TURN,
          &transport, NULL));
  fail_unless_equals_int (transport, TCP);
  fail_unless (gst_ice_server_uri_parse_query ("TRANSPORT=Udp", TURN,
          &transport, NULL));
  fail_unless_equals_int (transport, UDP);
  /* TLS runs over TCP */
  fail_unless (gst_ice_server_uri_parse_query ("transport=TCP", TURNS,
          &transport, NULL));
  fail_unless_equals_int (transport, TLS);

  ok = gst_ice_server_uri_parse_query ("transport=udp", TURNS, &transport,
      &error);
  assert_step_error (ok, &error, ": turns:// is TURN over TLS, which runs "
      "over TCP, so ?transport=udp is not possible (use "
      "turn://USER:PASS@host:port for UDP)");
  ok = gst_ice_server_uri_parse_query ("", TURN, &transport, &error);
  assert_step_error (ok, &error, " has an empty '?' (use ?transport=udp or "
      "?transport=tcp, or nothing)");
  ok = gst_ice_server_uri_parse_query ("transport", TURN, &transport, &error);
  assert_step_error (ok, &error, ": unknown parameter 'transport' (only "
      "?transport=udp or ?transport=tcp)");
  ok = gst_ice_server_uri_parse_query ("x=1&transport=tcp", TURN, &transport,
      &error);
  assert_step_error (ok, &error, ": unknown parameter 'x=1&transport=tcp' "
      "(only ?transport=udp or ?transport=tcp)");
  ok = gst_ice_server_uri_parse_query ("transport=tcp&x=1", TURN, &transport,
      &error);
  assert_step_error (ok, &error, ": unknown transport 'tcp&x=1' (use udp or "
      "tcp)");
  ok = gst_ice_server_uri_parse_query ("transport=", TURNS, &transport, &error);
  assert_step_error (ok, &error, ": unknown transport '' (use udp or tcp)");
}

GST_END_TEST;

/* the parser's message is "<kind> server '<URI, password hidden>'" and the
 * message of the step that failed */
GST_START_TEST (test_steps_compose)
{
  GError *error = NULL;

  fail_unless (gst_ice_server_uri_parse ("turn://u:secret@h:0", &error) ==
      NULL);
  fail_unless_equals_string (error->message, "turn server "
      "'turn://u:***@h:0': port '0' is not a number between 1 and 65535");
  g_clear_error (&error);

  fail_unless (gst_ice_server_uri_parse ("stun://h?transport=udp", &error) ==
      NULL);
  fail_unless_equals_string (error->message, "stun server "
      "'stun://h?transport=udp' cannot have '?transport=udp' "
      "(stun://host:port; STUN is always UDP)");
  g_clear_error (&error);

  /* a later step is not reached: the bad host is reported, not the port */
  fail_unless (gst_ice_server_uri_parse ("turns://u:secret@h_st:0?x",
          &error) == NULL);
  fail_unless_equals_string (error->message, "turn server "
      "'turns://u:***@h_st:0?x': host 'h_st' is not a host name or IP "
      "address (letters, digits, '-' and '.'; IPv6 in brackets)");
  g_clear_error (&error);

  /* nor is the query when the credentials are wrong */
  fail_unless (gst_ice_server_uri_parse ("turns://u@h?transport=udp",
          &error) == NULL);
  fail_unless_equals_string (error->message, "turn server "
      "'turns://u@h?transport=udp' has no password "
      "(turns://USER:PASS@host:port)");
  g_clear_error (&error);
}

GST_END_TEST;

static Suite *
serveruri_suite (void)
{
  Suite *s = suite_create ("serveruri");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_parse_good);
  tcase_add_test (tc, test_parse_bad);
  tcase_add_test (tc, test_parse_without_error);
  tcase_add_test (tc, test_parse_password_optional);
  tcase_add_test (tc, test_to_string_round_trip);
  tcase_add_test (tc, test_to_string_hidden);
  tcase_add_test (tc, test_boxed);
  tcase_add_test (tc, test_autoptr);
  tcase_add_test (tc, test_fuzz);
  tcase_add_test (tc, test_step_scheme);
  tcase_add_test (tc, test_step_split_authority);
  tcase_add_test (tc, test_step_host);
  tcase_add_test (tc, test_step_port);
  tcase_add_test (tc, test_step_split_query);
  tcase_add_test (tc, test_step_scheme_rules);
  tcase_add_test (tc, test_step_userinfo);
  tcase_add_test (tc, test_step_query);
  tcase_add_test (tc, test_steps_compose);

  return s;
}

GST_CHECK_MAIN (serveruri);
