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
#include <gst/ice/gsticecandidate.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesyntax.h>

#define HOST_LINE "a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host"

/* Fields are written as one string, split at each space as the checker
 * splits a line; "" is no field at all. */
typedef struct
{
  const gchar *fields;
  /* the exact end of message the step gives */
  const gchar *message;
} BadFields;

static void
assert_step_error (gboolean ok, GError ** error, const gchar * what,
    const gchar * expected)
{
  fail_if (ok, "'%s' was accepted", what);
  fail_unless (g_error_matches (*error, GST_ICE_ERROR,
          GST_ICE_ERROR_INVALID_DESCRIPTION));
  fail_unless_equals_string ((*error)->message, expected);
  g_clear_error (error);
}

/* The first step: a line becomes its fields */

/* *INDENT-OFF* */
static const BadFields bad_lines[] = {
  {"", "does not start with 'a=candidate:'"},
  {"a=end-of-candidates", "does not start with 'a=candidate:'"},
  {"A=CANDIDATE:1 1 UDP 1 10.0.0.1 1 typ host",
   "does not start with 'a=candidate:'"},
  {HOST_LINE "\r\n",
   "contains a line break (give one line without its line ending)"},
  {"a=candidate:1 1 UDP 1\n10.0.0.1 1 typ host",
   "contains a line break (give one line without its line ending)"},
  {HOST_LINE " ", "has an empty field (fields are separated by exactly one "
   "space, with none at the start or end)"},
  {"a=candidate: 1 1 UDP 1 10.0.0.1 1 typ host", "has an empty field "
   "(fields are separated by exactly one space, with none at the start or "
   "end)"},
  {"a=candidate:", "has 0 fields where at least 8 are needed (FOUNDATION "
   "COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE)"},
  {"a=candidate:1", "has 1 field where at least 8 are needed (FOUNDATION "
   "COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE)"},
  {"a=candidate:1 1 UDP 1 10.0.0.1 1 typ", "has 7 fields where at least 8 "
   "are needed (FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ "
   "TYPE)"},
};
/* *INDENT-ON* */

GST_START_TEST (test_split_fields)
{
  gchar **fields;
  guint i;

  fields = gst_ice_candidate_line_split_fields (HOST_LINE, NULL);
  fail_unless (fields != NULL);
  fail_unless_equals_int (g_strv_length (fields), 8);
  fail_unless_equals_string (fields[0], "1");
  fail_unless_equals_string (fields[4], "192.168.1.10");
  fail_unless_equals_string (fields[7], "host");
  g_strfreev (fields);

  /* nothing past the prefix is checked but the spacing */
  fields = gst_ice_candidate_line_split_fields ("a=candidate:a b c d e f g "
      "h\x01 i", NULL);
  fail_unless (fields != NULL);
  fail_unless_equals_int (g_strv_length (fields), 9);
  fail_unless_equals_string (fields[7], "h\x01");
  g_strfreev (fields);

  for (i = 0; i < G_N_ELEMENTS (bad_lines); i++) {
    GError *error = NULL;

    fields = gst_ice_candidate_line_split_fields (bad_lines[i].fields, &error);
    assert_step_error (fields != NULL, &error, bad_lines[i].fields,
        bad_lines[i].message);
  }
}

GST_END_TEST;

/* The second step: the 8 fields every candidate has */

/* *INDENT-OFF* */
static const BadFields bad_required[] = {
  {"a-b 1 UDP 1 10.0.0.1 1 typ host",
   "foundation 'a-b' is not 1 to 32 characters of A-Z a-z 0-9 + /"},
  {"abcdefghijklmnopqrstuvwxyz+/01234 1 UDP 1 10.0.0.1 1 typ host",
   "foundation 'abcdefghijklmnopqrstuvwxyz+/01234' is not 1 to 32 "
   "characters of A-Z a-z 0-9 + /"},
  {"1\t2 1 UDP 1 10.0.0.1 1 typ host",
   "foundation '1\\x092' is not 1 to 32 characters of A-Z a-z 0-9 + /"},
  {"1 0 UDP 1 10.0.0.1 1 typ host",
   "component '0' is not a number between 1 and 256"},
  {"1 257 UDP 1 10.0.0.1 1 typ host",
   "component '257' is not a number between 1 and 256"},
  {"1 +1 UDP 1 10.0.0.1 1 typ host",
   "component '+1' is not a number between 1 and 256"},
  {"1 1 SCTP 1 10.0.0.1 1 typ host", "transport 'SCTP' is not UDP or TCP"},
  {"1 1 UDP 0 10.0.0.1 1 typ host",
   "priority '0' is not a number between 1 and 4294967295"},
  {"1 1 UDP 4294967296 10.0.0.1 1 typ host",
   "priority '4294967296' is not a number between 1 and 4294967295"},
  {"1 1 UDP 1 abc.local 1 typ host", "address 'abc.local' is not an IPv4 "
   "or IPv6 address (host names, mDNS .local ones included, are not "
   "supported)"},
  {"1 1 UDP 1 [::1] 1 typ host", "address '[::1]' is not an IPv4 or IPv6 "
   "address (host names, mDNS .local ones included, are not supported)"},
  {"1 1 UDP 1 10.0.0.1 65536 typ host",
   "port '65536' is not a number between 0 and 65535"},
  {"1 1 UDP 1 10.0.0.1 1 type host", "field 'type' is not 'typ' (expected "
   "'typ host', 'typ srflx', 'typ prflx' or 'typ relay' after the port)"},
  {"1 1 UDP 1 10.0.0.1 1 typ HOST",
   "candidate type 'HOST' is not host, srflx, prflx or relay"},
  /* the first wrong field is the one reported */
  {"a-b 0 SCTP 0 x 70000 type local",
   "foundation 'a-b' is not 1 to 32 characters of A-Z a-z 0-9 + /"},
  {"1 1 udp 0 x 70000 type local",
   "priority '0' is not a number between 1 and 4294967295"},
};
/* *INDENT-ON* */

static gboolean
check_required (const gchar * text, gboolean * is_tcp, GError ** error)
{
  gchar **fields = g_strsplit (text, " ", -1);
  gboolean ok;

  ok = gst_ice_candidate_line_check_required_fields (fields, is_tcp, error);
  g_strfreev (fields);
  return ok;
}

GST_START_TEST (test_required_fields)
{
  gboolean is_tcp = TRUE;
  guint i;

  fail_unless (check_required ("1 1 UDP 2013266431 192.168.1.10 47123 typ "
          "host", &is_tcp, NULL));
  fail_if (is_tcp);
  fail_unless (check_required ("a 1 tCp 1 ::1 9 typ srflx", &is_tcp, NULL));
  fail_unless (is_tcp);
  fail_unless (check_required ("abcdefghijklmnopqrstuvwxyz+/0123 256 udp "
          "4294967295 255.255.255.255 65535 typ prflx", &is_tcp, NULL));
  fail_if (is_tcp);
  fail_unless (check_required ("Zz/+ 1 UDP 0000000001 ::ffff:192.0.2.1 "
          "00000 typ relay", &is_tcp, NULL));

  /* what follows the 8 fields is for the next steps */
  fail_unless (check_required ("1 1 UDP 1 10.0.0.1 1 typ host raddr x "
          "tcptype \x01", &is_tcp, NULL));

  for (i = 0; i < G_N_ELEMENTS (bad_required); i++) {
    GError *error = NULL;
    gboolean ok;

    ok = check_required (bad_required[i].fields, &is_tcp, &error);
    assert_step_error (ok, &error, bad_required[i].fields,
        bad_required[i].message);
  }
}

GST_END_TEST;

/* The third step: raddr ADDRESS rport PORT, right after the type */

/* *INDENT-OFF* */
static const BadFields bad_related[] = {
  {"raddr", "'raddr' must be followed by an address, 'rport' and a port"},
  {"raddr 10.0.0.1 rport",
   "'raddr' must be followed by an address, 'rport' and a port"},
  {"raddr 10.0.0.1 port 1",
   "'raddr' must be followed by an address, 'rport' and a port"},
  {"raddr example.com rport 1",
   "related address 'example.com' is not an IPv4 or IPv6 address"},
  {"raddr 10.0.0.1 rport 65536",
   "related port '65536' is not a number between 0 and 65535"},
  {"raddr 10.0.0.1 rport -1",
   "related port '-1' is not a number between 0 and 65535"},
};
/* *INDENT-ON* */

static gboolean
check_related (const gchar * text, guint * n_fields, GError ** error)
{
  gchar **fields = g_strsplit (text, " ", -1);
  gboolean ok;

  ok = gst_ice_candidate_line_check_related_address (fields, n_fields, error);
  g_strfreev (fields);
  return ok;
}

GST_START_TEST (test_related_address)
{
  guint n_fields = 99;
  guint i;

  fail_unless (check_related ("", &n_fields, NULL));
  fail_unless_equals_int (n_fields, 0);
  fail_unless (check_related ("generation 0", &n_fields, NULL));
  fail_unless_equals_int (n_fields, 0);
  /* a raddr elsewhere is for the extensions step to refuse */
  fail_unless (check_related ("generation 0 raddr x", &n_fields, NULL));
  fail_unless_equals_int (n_fields, 0);
  fail_unless (check_related ("raddr 0.0.0.0 rport 0", &n_fields, NULL));
  fail_unless_equals_int (n_fields, 4);
  fail_unless (check_related ("raddr fe80::1 rport 65535 generation",
          &n_fields, NULL));
  fail_unless_equals_int (n_fields, 4);

  for (i = 0; i < G_N_ELEMENTS (bad_related); i++) {
    GError *error = NULL;
    gboolean ok;

    ok = check_related (bad_related[i].fields, &n_fields, &error);
    assert_step_error (ok, &error, bad_related[i].fields,
        bad_related[i].message);
  }
}

GST_END_TEST;

/* The last step: NAME VALUE extensions, tcptype among them */

typedef struct
{
  const gchar *fields;
  gboolean is_tcp;
  const gchar *message;
} BadExtensions;

/* *INDENT-OFF* */
static const BadExtensions bad_extensions[] = {
  {"generation", FALSE, "extension 'generation' has no value"},
  {"generation 0 network-id", FALSE, "extension 'network-id' has no value"},
  {"gene(ration 0", FALSE, "extension name 'gene(ration' is not a token "
   "(printable ASCII without specials)"},
  {"a:b 0", FALSE, "extension name 'a:b' is not a token (printable ASCII "
   "without specials)"},
  {"generation \xc3\xa9", FALSE,
   "extension value '\xc3\xa9' is not printable ASCII"},
  {"generation \x7f", FALSE,
   "extension value '\\x7f' is not printable ASCII"},
  /* the name and value are checked before their meaning */
  {"raddr \x01", FALSE, "extension value '\\x01' is not printable ASCII"},
  {"raddr 10.0.0.1", FALSE, "'raddr ADDRESS rport PORT' must come once, "
   "together, right after the candidate type"},
  {"generation 0 rport 9", TRUE, "'raddr ADDRESS rport PORT' must come "
   "once, together, right after the candidate type"},
  {"", TRUE, "a TCP candidate needs a tcptype (active, passive or so)"},
  {"generation 0", TRUE,
   "a TCP candidate needs a tcptype (active, passive or so)"},
  {"tcptype active", FALSE, "a UDP candidate cannot have a tcptype"},
  {"tcptype active tcptype active", TRUE, "has more than one tcptype"},
  {"tcptype Active", TRUE, "tcptype 'Active' is not active, passive or so"},
  {"tcptype sideways", TRUE,
   "tcptype 'sideways' is not active, passive or so"},
};
/* *INDENT-ON* */

static gboolean
check_extensions (const gchar * text, gboolean is_tcp, GError ** error)
{
  gchar **fields = g_strsplit (text, " ", -1);
  gboolean ok;

  ok = gst_ice_candidate_line_check_extensions (fields, is_tcp, error);
  g_strfreev (fields);
  return ok;
}

GST_START_TEST (test_extensions)
{
  guint i;

  fail_unless (check_extensions ("", FALSE, NULL));
  fail_unless (check_extensions ("generation 0 network-cost 999", FALSE, NULL));
  fail_unless (check_extensions ("tcptype so", TRUE, NULL));
  fail_unless (check_extensions ("generation 0 tcptype passive network-id 1",
          TRUE, NULL));
  fail_unless (check_extensions ("x!#$%&'*+-.^_`{|}~9 a=b/c\"d", FALSE, NULL));

  for (i = 0; i < G_N_ELEMENTS (bad_extensions); i++) {
    const BadExtensions *b = &bad_extensions[i];
    GError *error = NULL;
    gboolean ok;

    ok = check_extensions (b->fields, b->is_tcp, &error);
    assert_step_error (ok, &error, b->fields, b->message);
  }
}

GST_END_TEST;

/* The steps together */

GST_START_TEST (test_steps_compose)
{
  GError *error = NULL;
  GString *long_line;
  gchar *expected;

  /* "candidate line '<line>': " and the first failing step's message */
  fail_if (gst_ice_candidate_line_is_valid ("a=candidate:1 1 UDP 1 10.0.0.1 "
          "1 typ srflx raddr 10.0.0.2 rport 1 tcptype so", &error));
  fail_unless_equals_string (error->message, "candidate line "
      "'a=candidate:1 1 UDP 1 10.0.0.1 1 typ srflx raddr 10.0.0.2 rport 1 "
      "tcptype so': a UDP candidate cannot have a tcptype");
  g_clear_error (&error);

  /* a later step is not reached */
  fail_if (gst_ice_candidate_line_is_valid ("a=candidate:1 1 TCP 1 10.0.0.1 "
          "1 typ srflx raddr 10.0.0.2", &error));
  fail_unless_equals_string (error->message, "candidate line "
      "'a=candidate:1 1 TCP 1 10.0.0.1 1 typ srflx raddr 10.0.0.2': 'raddr' "
      "must be followed by an address, 'rport' and a port");
  g_clear_error (&error);

  /* the line is quoted fit for a message */
  fail_if (gst_ice_candidate_line_is_valid ("a=candidate:1\t1 1 UDP 1 "
          "10.0.0.1 1 typ host", &error));
  fail_unless_equals_string (error->message, "candidate line "
      "'a=candidate:1\\x091 1 UDP 1 10.0.0.1 1 typ host': foundation "
      "'1\\x091' is not 1 to 32 characters of A-Z a-z 0-9 + /");
  g_clear_error (&error);

  long_line = g_string_new (HOST_LINE);
  while (long_line->len < 600)
    g_string_append (long_line, " x");
  fail_if (gst_ice_candidate_line_is_valid (long_line->str, &error));
  expected = g_strdup_printf ("candidate line '%.512s...': extension 'x' has "
      "no value", long_line->str);
  fail_unless_equals_string (error->message, expected);
  g_clear_error (&error);
  g_free (expected);
  g_string_free (long_line, TRUE);

  fail_if (gst_ice_candidate_line_is_valid (NULL, &error));
  fail_unless_equals_string (error->message, "candidate line is NULL");
  g_clear_error (&error);

  fail_unless (gst_ice_candidate_line_is_valid (HOST_LINE " generation 0",
          &error));
  fail_unless (error == NULL);
}

GST_END_TEST;

/* The validators the candidate and description parsers share */

GST_START_TEST (test_syntax_ice_chars)
{
  fail_unless (gst_ice_syntax_ice_chars_are_valid ("aZ09+/", 1, 6));
  fail_unless (gst_ice_syntax_ice_chars_are_valid ("", 0, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("", 1, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("abc", 4, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("aZ09+/x", 1, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("a-b", 1, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("a b", 1, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("a=", 1, 6));
  fail_if (gst_ice_syntax_ice_chars_are_valid ("\xc3\xa9", 1, 6));
}

GST_END_TEST;

GST_START_TEST (test_syntax_decimal)
{
  fail_unless (gst_ice_syntax_decimal_is_valid ("0", 0, 0));
  fail_unless (gst_ice_syntax_decimal_is_valid ("00001", 1, 1));
  fail_unless (gst_ice_syntax_decimal_is_valid ("4294967295", 1, G_MAXUINT32));
  fail_if (gst_ice_syntax_decimal_is_valid ("4294967296", 1, G_MAXUINT32));
  fail_if (gst_ice_syntax_decimal_is_valid ("99999999999999999999999", 1,
          G_MAXUINT32));
  fail_if (gst_ice_syntax_decimal_is_valid ("0", 1, 10));
  fail_if (gst_ice_syntax_decimal_is_valid ("11", 1, 10));
  fail_if (gst_ice_syntax_decimal_is_valid ("", 0, 10));
  fail_if (gst_ice_syntax_decimal_is_valid ("+1", 0, 10));
  fail_if (gst_ice_syntax_decimal_is_valid ("-1", 0, 10));
  fail_if (gst_ice_syntax_decimal_is_valid (" 1", 0, 10));
  fail_if (gst_ice_syntax_decimal_is_valid ("1 ", 0, 10));
  fail_if (gst_ice_syntax_decimal_is_valid ("0x1", 0, 10));
}

GST_END_TEST;

GST_START_TEST (test_syntax_address)
{
  fail_unless (gst_ice_syntax_address_is_valid ("192.0.2.1"));
  fail_unless (gst_ice_syntax_address_is_valid ("0.0.0.0"));
  fail_unless (gst_ice_syntax_address_is_valid ("::1"));
  fail_unless (gst_ice_syntax_address_is_valid ("2001:db8::5"));
  fail_unless (gst_ice_syntax_address_is_valid ("::ffff:192.0.2.1"));
  fail_if (gst_ice_syntax_address_is_valid (""));
  fail_if (gst_ice_syntax_address_is_valid ("[::1]"));
  fail_if (gst_ice_syntax_address_is_valid ("localhost"));
  fail_if (gst_ice_syntax_address_is_valid ("host.local"));
  fail_if (gst_ice_syntax_address_is_valid ("1.2.3"));
  fail_if (gst_ice_syntax_address_is_valid ("192.168.1.256"));
  fail_if (gst_ice_syntax_address_is_valid ("192.0.2.1 "));
}

GST_END_TEST;

GST_START_TEST (test_syntax_token_and_vchars)
{
  static const gchar *const not_tokens[] = { "", "a b", "a(b", "a)b", "a,b",
    "a/b", "a:b", "a;b", "a<b", "a=b", "a>b", "a?b", "a@b", "a[b", "a\\b",
    "a]b", "a\"b", "a\x7f", "a\x01", "\xc3\xa9"
  };
  guint i;

  fail_unless (gst_ice_syntax_token_is_valid ("network-id"));
  fail_unless (gst_ice_syntax_token_is_valid ("!#$%&'*+-.^_`{|}~09AZaz"));
  for (i = 0; i < G_N_ELEMENTS (not_tokens); i++)
    fail_if (gst_ice_syntax_token_is_valid (not_tokens[i]), "'%s'",
        not_tokens[i]);

  fail_unless (gst_ice_syntax_vchars_are_valid ("!"));
  fail_unless (gst_ice_syntax_vchars_are_valid ("~a=b/c\"(d)"));
  fail_if (gst_ice_syntax_vchars_are_valid (""));
  fail_if (gst_ice_syntax_vchars_are_valid ("a b"));
  fail_if (gst_ice_syntax_vchars_are_valid ("a\x7f"));
  fail_if (gst_ice_syntax_vchars_are_valid ("a\t"));
  fail_if (gst_ice_syntax_vchars_are_valid ("\xc3\xa9"));
}

GST_END_TEST;

GST_START_TEST (test_syntax_text_for_display)
{
  gchar *shown, *text;

  shown = gst_ice_syntax_text_for_display ("a\tb\r\n\x7f\x01 c");
  fail_unless_equals_string (shown, "a\\x09b\\x0d\\x0a\\x7f\\x01 c");
  g_free (shown);

  /* not UTF-8: each bad byte becomes U+FFFD; valid UTF-8 stays */
  shown = gst_ice_syntax_text_for_display ("h\xffst \xc3\xa9");
  fail_unless_equals_string (shown, "h\xef\xbf\xbdst \xc3\xa9");
  g_free (shown);

  shown = gst_ice_syntax_text_for_display ("");
  fail_unless_equals_string (shown, "");
  g_free (shown);

  /* cut after 512 bytes */
  text = g_strnfill (512, 'a');
  shown = gst_ice_syntax_text_for_display (text);
  fail_unless_equals_string (shown, text);
  g_free (shown);
  g_free (text);
  text = g_strnfill (513, 'a');
  shown = gst_ice_syntax_text_for_display (text);
  fail_unless_equals_int (strlen (shown), 515);
  fail_unless (g_str_has_suffix (shown, "a..."));
  g_free (shown);
  g_free (text);
}

GST_END_TEST;

/* the addresses gst_ice_candidate_host_addresses() keeps of @addresses,
 * joined with spaces */
static gchar *
host_addresses (const gchar * const *addresses)
{
  GPtrArray *kept = gst_ice_candidate_host_addresses (addresses);
  gchar *joined;

  g_ptr_array_add (kept, NULL);
  joined = g_strjoinv (" ", (gchar **) kept->pdata);
  g_ptr_array_unref (kept);
  return joined;
}

GST_START_TEST (test_host_addresses)
{
  /* as nice_interfaces_get_local_ips() lists a dual-stack host */
  const gchar *dual_stack[] = { "2001:db8:5::11", "100.64.5.11",
    "192.168.6.11", "fe80::d00c:dff:fe7b:937%v1",
    "fe80::ac94:67ff:fee3:7783%v0", NULL
  };
  const gchar *unique_local[] = { "192.168.1.2", "fd00::2",
    "fe80::fc:ff:fe00:1%eth0", NULL
  };
  const gchar *ipv4_only[] = { "192.168.1.2", "fe80::1%eth0", NULL };
  const gchar *link_local_only[] = { "169.254.3.4", "fe80::1%eth0",
    "fe80::2%eth1", NULL
  };
  const gchar *none[] = { NULL };
  gchar *kept;

  /* a global IPv6 address: no link-local candidates */
  kept = host_addresses (dual_stack);
  fail_unless_equals_string (kept, "2001:db8:5::11 100.64.5.11 192.168.6.11");
  g_free (kept);

  /* a unique-local one routes beyond the link as well */
  kept = host_addresses (unique_local);
  fail_unless_equals_string (kept, "192.168.1.2 fd00::2");
  g_free (kept);

  /* no other IPv6: link-local IPv6 stays, as libnice would gather it */
  kept = host_addresses (ipv4_only);
  fail_unless_equals_string (kept, "192.168.1.2 fe80::1%eth0");
  g_free (kept);
  kept = host_addresses (link_local_only);
  fail_unless_equals_string (kept, "169.254.3.4 fe80::1%eth0 fe80::2%eth1");
  g_free (kept);

  kept = host_addresses (none);
  fail_unless_equals_string (kept, "");
  g_free (kept);
}

GST_END_TEST;

static Suite *
candidate_suite (void)
{
  Suite *s = suite_create ("candidate");
  TCase *tc = tcase_create ("steps");
  TCase *tc_syntax = tcase_create ("syntax");
  TCase *tc_addresses = tcase_create ("addresses");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_split_fields);
  tcase_add_test (tc, test_required_fields);
  tcase_add_test (tc, test_related_address);
  tcase_add_test (tc, test_extensions);
  tcase_add_test (tc, test_steps_compose);

  suite_add_tcase (s, tc_syntax);
  tcase_add_test (tc_syntax, test_syntax_ice_chars);
  tcase_add_test (tc_syntax, test_syntax_decimal);
  tcase_add_test (tc_syntax, test_syntax_address);
  tcase_add_test (tc_syntax, test_syntax_token_and_vchars);
  tcase_add_test (tc_syntax, test_syntax_text_for_display);

  suite_add_tcase (s, tc_addresses);
  tcase_add_test (tc_addresses, test_host_addresses);

  return s;
}

GST_CHECK_MAIN (candidate);
