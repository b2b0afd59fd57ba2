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
#include <gst/ice/gsticedescription.h>
#include <gst/ice/gsticeerror.h>

#define UFRAG "8hhY"
#define PWD "asd88fgpdd777uzjYhagZg"

/* as libnice 0.1.21 writes them (nice_agent_generate_local_candidate_sdp) */
#define HOST_LINE "a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host"
#define SRFLX_LINE "a=candidate:2 1 UDP 1677721855 203.0.113.5 50000 " \
    "typ srflx raddr 192.168.1.10 rport 47123"
#define TCP_LINE "a=candidate:5 1 TCP 1015022847 10.0.0.2 9 typ host " \
    "tcptype active"
#define RELAY_LINE "a=candidate:7 1 UDP 16777215 203.0.113.1 49152 " \
    "typ relay raddr 203.0.113.5 rport 50000"
#define IPV6_LINE "a=candidate:3 1 UDP 2013266430 fe80::1 47124 typ host"

static const gchar *const good_candidates[] = {
  HOST_LINE,
  SRFLX_LINE,
  TCP_LINE,
  RELAY_LINE,
  IPV6_LINE,
  "a=candidate:4 1 UDP 2013266429 2001:db8::5 47125 typ host",
  "a=candidate:6 2 UDP 2013266430 192.168.1.10 47124 typ host",
  "a=candidate:8 1 TCP 1019217151 10.0.0.2 47200 typ host tcptype passive",
  "a=candidate:9 1 TCP 1010828543 10.0.0.2 47201 typ host tcptype so",
  "a=candidate:10 1 UDP 1862270975 203.0.113.9 50001 typ prflx "
      "raddr 192.168.1.10 rport 47123",
  /* Chrome */
  "a=candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx "
      "raddr 0.0.0.0 rport 0 generation 0 network-cost 999",
  "a=candidate:1467250027 1 tcp 1518280447 192.168.1.5 9 typ host "
      "tcptype active generation 0 network-id 1",
  /* Firefox */
  "a=candidate:0 1 UDP 2122252543 192.168.1.5 53421 typ host",
  "a=candidate:1 1 UDP 1686052863 203.0.113.7 53421 typ srflx "
      "raddr 192.168.1.5 rport 53421",
  /* limits */
  "a=candidate:abcdefghijklmnopqrstuvwxyz+/0123 256 UDP 4294967295 "
      "255.255.255.255 65535 typ host",
  "a=candidate:a 1 uDp 1 0.0.0.0 0 typ host",
  "a=candidate:Zz/+ 1 UDP 0000000001 ::ffff:192.0.2.1 00080 typ host",
};

typedef struct
{
  const gchar *line;
  const gchar *expected[2];
} BadCandidate;

/* *INDENT-OFF* */
static const BadCandidate bad_candidates[] = {
  {NULL, {"candidate line is NULL"}},
  {"", {"candidate line '': does not start with 'a=candidate:'"}},
  {"candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host",
   {"does not start with 'a=candidate:'"}},
  {"a=candidate:", {"has 0 fields where at least 8 are needed"}},
  {"a=candidate:1", {"has 1 field where at least 8 are needed"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ",
   {"has 7 fields where at least 8 are needed"}},
  {HOST_LINE "\r", {"contains a line break"}},
  {HOST_LINE "\n" HOST_LINE, {"contains a line break"}},
  {HOST_LINE " ", {"has an empty field"}},
  {"a=candidate:1  1 UDP 2013266431 192.168.1.10 47123 typ host",
   {"has an empty field"}},
  {"a=candidate: 1 1 UDP 2013266431 192.168.1.10 47123 typ host",
   {"has an empty field"}},
  {"a=candidate:1\t1 1 UDP 2013266431 192.168.1.10 47123 typ host",
   {"'a=candidate:1\\x091 1 UDP 2013266431 192.168.1.10 47123 typ host'",
    "foundation '1\\x091' is not 1 to 32"}},
  {"a=candidate:abcdefghijklmnopqrstuvwxyz+/01234 1 UDP 1 10.0.0.1 1 "
   "typ host", {"foundation 'abcdefghijklmnopqrstuvwxyz+/01234' is not 1 "
   "to 32"}},
  {"a=candidate:a-b 1 UDP 1 10.0.0.1 1 typ host", {"foundation 'a-b'"}},
  {"a=candidate:1 0 UDP 2013266431 192.168.1.10 47123 typ host",
   {"'a=candidate:1 0 UDP 2013266431 192.168.1.10 47123 typ host'",
    "component '0' is not a number between 1 and 256"}},
  {"a=candidate:1 257 UDP 2013266431 192.168.1.10 47123 typ host",
   {"component '257' is not a number between 1 and 256"}},
  {"a=candidate:1 1x UDP 2013266431 192.168.1.10 47123 typ host",
   {"component '1x'"}},
  {"a=candidate:1 -1 UDP 2013266431 192.168.1.10 47123 typ host",
   {"component '-1'"}},
  {"a=candidate:1 1 SCTP 2013266431 192.168.1.10 47123 typ host",
   {"transport 'SCTP' is not UDP or TCP"}},
  {"a=candidate:1 1 UDP 0 192.168.1.10 47123 typ host",
   {"priority '0' is not a number between 1 and 4294967295"}},
  {"a=candidate:1 1 UDP 4294967296 192.168.1.10 47123 typ host",
   {"priority '4294967296' is not a number"}},
  {"a=candidate:1 1 UDP 99999999999999999999999 192.168.1.10 47123 typ host",
   {"priority '99999999999999999999999' is not a number"}},
  {"a=candidate:1 1 UDP 0x10 192.168.1.10 47123 typ host",
   {"priority '0x10' is not a number"}},
  {"a=candidate:1 1 UDP 20132664 31 192.168.1.10 47123 typ host",
   {"address '31' is not an IPv4 or IPv6 address"}},
  {"a=candidate:1 1 UDP 2013266431 host.example.com 47123 typ host",
   {"address 'host.example.com' is not an IPv4 or IPv6 address",
    "host names"}},
  {"a=candidate:1 1 udp 2122260223 3c8f2a41-7b8e-4c3e-9f0a-1234567890ab.local "
   "54400 typ host generation 0", {"address "
   "'3c8f2a41-7b8e-4c3e-9f0a-1234567890ab.local' is not", "mDNS"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.256 47123 typ host",
   {"address '192.168.1.256'"}},
  {"a=candidate:1 1 UDP 2013266431 [::1] 47123 typ host",
   {"address '[::1]'"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.10 65536 typ host",
   {"port '65536' is not a number between 0 and 65535"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.10 47123a typ host",
   {"port '47123a'"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 type host",
   {"field 'type' is not 'typ'"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ local",
   {"candidate type 'local' is not host, srflx, prflx or relay"}},
  {"a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ HOST",
   {"candidate type 'HOST'"}},
  {"a=candidate:2 1 UDP 1677721855 203.0.113.5 50000 typ srflx "
   "raddr 192.168.1.10", {"'raddr' must be followed by an address, 'rport' "
   "and a port"}},
  {"a=candidate:2 1 UDP 1677721855 203.0.113.5 50000 typ srflx "
   "raddr 192.168.1.10 port 47123", {"'raddr' must be followed"}},
  {"a=candidate:2 1 UDP 1677721855 203.0.113.5 50000 typ srflx "
   "raddr example.com rport 47123",
   {"related address 'example.com' is not an IPv4 or IPv6 address"}},
  {"a=candidate:2 1 UDP 1677721855 203.0.113.5 50000 typ srflx "
   "raddr 192.168.1.10 rport 70000",
   {"related port '70000' is not a number between 0 and 65535"}},
  {"a=candidate:2 1 UDP 1677721855 203.0.113.5 50000 typ srflx "
   "rport 47123 raddr 192.168.1.10", {"'raddr ADDRESS rport PORT' must "
   "come once, together, right after the candidate type"}},
  {SRFLX_LINE " raddr 192.168.1.11 rport 47124", {"must come once"}},
  {HOST_LINE " generation", {"extension 'generation' has no value"}},
  {HOST_LINE " gene(ration 0", {"extension name 'gene(ration'"}},
  {HOST_LINE " generation \xc3\xa9", {"extension value '\xc3\xa9' is not "
   "printable ASCII"}},
  {HOST_LINE " generation \x01", {"extension value '\\x01'"}},
  {"a=candidate:5 1 TCP 1015022847 10.0.0.2 9 typ host",
   {"a TCP candidate needs a tcptype (active, passive or so)"}},
  {"a=candidate:5 1 TCP 1015022847 10.0.0.2 9 typ host tcptype sideways",
   {"tcptype 'sideways' is not active, passive or so"}},
  {TCP_LINE " tcptype passive", {"has more than one tcptype"}},
  {HOST_LINE " tcptype active", {"a UDP candidate cannot have a tcptype"}},
};
/* *INDENT-ON* */

/* a Chrome offer for audio and video, BUNDLEd, after gathering: session
 * lines, two m= sections repeating the credentials and the candidates, an
 * mDNS host candidate and attributes gst-ice does not know */
static const gchar browser_sdp[] =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS 3Zxb8lbnUVDEwhPfQvKbBTDDeBJYhrvvsBWU\r\n"
    "m=audio 61234 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
    "c=IN IP4 203.0.113.7\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=candidate:3442447574 1 udp 2122260223 "
    "3c8f2a41-7b8e-4c3e-9f0a-1234567890ab.local 54400 typ host generation 0 "
    "network-id 1\r\n"
    "a=candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx "
    "raddr 0.0.0.0 rport 0 generation 0 network-id 1 network-cost 10\r\n"
    "a=candidate:1467250027 1 tcp 1518280447 192.168.1.5 9 typ host "
    "tcptype active generation 0 network-id 1\r\n"
    "a=ice-ufrag:EsAw\r\n"
    "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:"
    "5E:EA:6F:AF:52:CE:E6:0F\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "m=video 61234 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 203.0.113.7\r\n"
    "a=candidate:3442447574 1 udp 2122260223 "
    "3c8f2a41-7b8e-4c3e-9f0a-1234567890ab.local 54400 typ host generation 0 "
    "network-id 1\r\n"
    "a=candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx "
    "raddr 0.0.0.0 rport 0 generation 0 network-id 1 network-cost 10\r\n"
    "a=candidate:1467250027 1 tcp 1518280447 192.168.1.5 9 typ host "
    "tcptype active generation 0 network-id 1\r\n"
    "a=ice-ufrag:EsAw\r\n"
    "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
    "a=ice-options:trickle\r\n"
    "a=mid:1\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 nack pli\r\n" "a=end-of-candidates\r\n";

static GstIceDescription *
parse_ok (const gchar * text)
{
  GError *error = NULL;
  GstIceDescription *desc = gst_ice_description_parse (text, &error);

  fail_unless (desc != NULL, "description did not parse: %s",
      error ? error->message : "(no error)");
  fail_unless (error == NULL);
  return desc;
}

static void
parse_fails (const gchar * text, const gchar * expected)
{
  GError *error = NULL;

  fail_unless (gst_ice_description_parse (text, &error) == NULL,
      "'%s' parsed", text);
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_INVALID_DESCRIPTION));
  GST_INFO ("%s", error->message);
  fail_unless (strstr (error->message, expected) != NULL,
      "message \"%s\" lacks \"%s\"", error->message, expected);
  g_error_free (error);
}

GST_START_TEST (test_to_string)
{
  GstIceDescription *desc = gst_ice_description_new (UFRAG, PWD);
  gchar *text;

  text = gst_ice_description_to_string (desc);
  fail_unless_equals_string (text,
      "a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n");
  g_free (text);

  desc->caps = gst_caps_from_string ("video/x-h264, "
      "stream-format=(string)byte-stream, alignment=(string)au");
  gst_ice_description_add_candidate (desc, HOST_LINE);
  gst_ice_description_add_candidate (desc, SRFLX_LINE);
  desc->end_of_candidates = TRUE;

  text = gst_ice_description_to_string (desc);
  fail_unless_equals_string (text,
      "a=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\n"
      "a=x-gst-caps:video/x-h264, stream-format=(string)byte-stream, "
      "alignment=(string)au\r\n"
      HOST_LINE "\r\n" SRFLX_LINE "\r\n" "a=end-of-candidates\r\n");
  g_free (text);
  gst_ice_description_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_round_trip)
{
  GstIceDescription *desc = gst_ice_description_new (UFRAG, PWD);
  GstIceDescription *again;
  gchar *text, *text2;
  guint i;

  desc->caps = gst_caps_from_string ("video/x-raw, format=(string)I420, "
      "width=(int)640, height=(int)480, framerate=(fraction)30/1, "
      "title=(string)\"a \\\"quoted\\\" name\"");
  for (i = 0; i < G_N_ELEMENTS (good_candidates); i++)
    gst_ice_description_add_candidate (desc, good_candidates[i]);
  desc->end_of_candidates = TRUE;

  text = gst_ice_description_to_string (desc);
  again = parse_ok (text);
  fail_unless_equals_string (again->ufrag, UFRAG);
  fail_unless_equals_string (again->pwd, PWD);
  fail_unless (again->caps != NULL);
  fail_unless (gst_caps_is_equal (again->caps, desc->caps));
  fail_unless_equals_int (again->candidates->len, G_N_ELEMENTS
      (good_candidates));
  for (i = 0; i < G_N_ELEMENTS (good_candidates); i++)
    fail_unless_equals_string (g_ptr_array_index (again->candidates, i),
        good_candidates[i]);
  fail_unless (again->end_of_candidates);

  text2 = gst_ice_description_to_string (again);
  fail_unless_equals_string (text2, text);

  g_free (text2);
  g_free (text);
  gst_ice_description_free (again);
  gst_ice_description_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_parse_minimal)
{
  GstIceDescription *desc;

  /* LF only, no caps, no candidates, credentials in any order */
  desc = parse_ok ("a=ice-pwd:" PWD "\na=ice-ufrag:" UFRAG "\n");
  fail_unless_equals_string (desc->ufrag, UFRAG);
  fail_unless_equals_string (desc->pwd, PWD);
  fail_unless (desc->caps == NULL);
  fail_unless (desc->candidates != NULL);
  fail_unless_equals_int (desc->candidates->len, 0);
  fail_unless (!desc->end_of_candidates);
  gst_ice_description_free (desc);

  /* no final line ending, blank lines, mixed endings, SDP and unknown lines */
  desc = parse_ok ("\r\n\nv=0\r\n  \r\na=ice-ufrag:" UFRAG "\n"
      "a=ice-options:trickle\r\n" "\t\n" "m=video 9 UDP/TLS/RTP/SAVPF 96\n"
      "x=ice-ufrag:nope\n" "a=ice-pwd:" PWD "\r\n" HOST_LINE "\r\n"
      "a=end-of-candidates");
  fail_unless_equals_string (desc->ufrag, UFRAG);
  fail_unless_equals_string (desc->pwd, PWD);
  fail_unless_equals_int (desc->candidates->len, 1);
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 0),
      HOST_LINE);
  fail_unless (desc->end_of_candidates);
  gst_ice_description_free (desc);

  /* the longest credentials RFC 8839 allows */
  {
    gchar *longest = g_strnfill (256, 'a');
    gchar *text = g_strdup_printf ("a=ice-ufrag:%s\na=ice-pwd:%s\n", longest,
        longest);

    desc = parse_ok (text);
    fail_unless_equals_string (desc->ufrag, longest);
    fail_unless_equals_string (desc->pwd, longest);
    gst_ice_description_free (desc);
    g_free (text);
    g_free (longest);
  }
}

GST_END_TEST;

GST_START_TEST (test_parse_errors)
{
  gchar *longest = g_strnfill (257, 'a');
  gchar *text;

  parse_fails (NULL, "description is empty");
  parse_fails ("", "description is empty");
  parse_fails ("\r\n \n", "description is empty");
  parse_fails ("a=ice-pwd:" PWD "\r\n", "description has no a=ice-ufrag line");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\n" HOST_LINE "\r\n",
      "description has no a=ice-pwd line");
  parse_fails ("v=0\r\ns=-\r\n", "description has no a=ice-ufrag line");
  parse_fails ("a=ice-ufrag:abc\r\na=ice-pwd:" PWD "\r\n",
      "description line 'a=ice-ufrag:abc' does not have a valid ICE user "
      "name fragment (4 to 256 characters of A-Z a-z 0-9 + /)");
  parse_fails ("a=ice-ufrag:ab-cd\r\na=ice-pwd:" PWD "\r\n",
      "'a=ice-ufrag:ab-cd' does not have a valid ICE user name fragment");
  parse_fails ("a=ice-ufrag: " UFRAG "\r\na=ice-pwd:" PWD "\r\n",
      "'a=ice-ufrag: " UFRAG "' does not have a valid");
  parse_fails ("a=ice-ufrag:\r\na=ice-pwd:" PWD "\r\n",
      "'a=ice-ufrag:' does not have a valid");
  parse_fails ("a=ice-ufrag\r\na=ice-pwd:" PWD "\r\n",
      "description line 'a=ice-ufrag' has no ':' and value");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:tooshort\r\n",
      "description line 'a=ice-pwd:tooshort' does not have a valid ICE "
      "password (22 to 256 characters");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\xff\r\n",
      "'a=ice-pwd:" PWD "\xef\xbf\xbd' does not have a valid ICE password");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\x01\r\n",
      "'a=ice-pwd:" PWD "\\x01' does not have a valid ICE password");
  text = g_strdup_printf ("a=ice-ufrag:%s\r\na=ice-pwd:" PWD "\r\n", longest);
  parse_fails (text, "does not have a valid ICE user name fragment");
  g_free (text);
  text = g_strdup_printf ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:%s\r\n", longest);
  parse_fails (text, "does not have a valid ICE password");
  g_free (text);

  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=ice-ufrag:other\r\n", "description line 'a=ice-ufrag:other' "
      "contradicts an earlier ICE user name fragment '" UFRAG "'");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=ice-pwd:bsd88fgpdd777uzjYhagZg\r\n",
      "'a=ice-pwd:bsd88fgpdd777uzjYhagZg' contradicts an earlier ICE "
      "password");

  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=x-gst-caps:video/x-raw,,\r\n",
      "description has caps 'video/x-raw,,' that do not parse");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=x-gst-caps:video/x-raw, width=(int)\r\n",
      "caps 'video/x-raw, width=(int)' that do not parse");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=x-gst-caps:\r\n", "description line 'a=x-gst-caps:' has no caps");
  parse_fails ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=x-gst-caps:video/x-raw\r\na=x-gst-caps:audio/x-raw\r\n",
      "'a=x-gst-caps:audio/x-raw' contradicts the earlier caps "
      "'video/x-raw'");

  g_free (longest);
}

GST_END_TEST;

GST_START_TEST (test_parse_caps)
{
  GstIceDescription *desc;
  GstCaps *expected;

  desc = parse_ok ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      "a=x-gst-caps:video/x-h264, stream-format=(string)byte-stream, "
      "alignment=(string)au, profile=(string)constrained-baseline\r\n");
  expected = gst_caps_new_simple ("video/x-h264",
      "stream-format", G_TYPE_STRING, "byte-stream",
      "alignment", G_TYPE_STRING, "au",
      "profile", G_TYPE_STRING, "constrained-baseline", NULL);
  fail_unless (desc->caps != NULL);
  fail_unless (gst_caps_is_equal (desc->caps, expected));
  gst_caps_unref (expected);
  gst_ice_description_free (desc);

  /* the same caps twice, as in a session and a media section, is one */
  desc = parse_ok ("a=x-gst-caps:audio/x-opus\r\na=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\na=x-gst-caps:audio/x-opus\r\n");
  expected = gst_caps_new_empty_simple ("audio/x-opus");
  fail_unless (gst_caps_is_equal (desc->caps, expected));
  gst_caps_unref (expected);
  gst_ice_description_free (desc);
}

GST_END_TEST;

/* warnings of the "icedescription" category */
static GPtrArray *warnings;

static void
collect_warning (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  if (level == GST_LEVEL_WARNING
      && strcmp (gst_debug_category_get_name (category), "icedescription") == 0)
    g_ptr_array_add (warnings, g_strdup (gst_debug_message_get (message)));
}

GST_START_TEST (test_bad_candidate_is_skipped)
{
  GstIceDescription *desc;

  warnings = g_ptr_array_new_with_free_func (g_free);
  gst_debug_add_log_function (collect_warning, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("icedescription", GST_LEVEL_WARNING);

  desc = parse_ok ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n"
      HOST_LINE "\r\n"
      "a=candidate:9 1 UDP 2013266431 peer.local 47123 typ host\r\n"
      SRFLX_LINE "\r\n" "a=candidate:garbage\r\n" HOST_LINE "\r\n"
      "a=end-of-candidates\r\n");

  gst_debug_remove_log_function (collect_warning);
  gst_debug_unset_threshold_for_name ("icedescription");

  /* the two bad ones and the repeated one are skipped */
  fail_unless_equals_int (desc->candidates->len, 2);
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 0),
      HOST_LINE);
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 1),
      SRFLX_LINE);
  fail_unless (desc->end_of_candidates);

  /* and each bad one is named in a warning */
  if (gst_debug_is_active ()) {
    fail_unless_equals_int (warnings->len, 2);
    fail_unless (strstr (g_ptr_array_index (warnings, 0),
            "address 'peer.local' is not an IPv4 or IPv6 address") != NULL);
    fail_unless (strstr (g_ptr_array_index (warnings, 1),
            "'a=candidate:garbage'") != NULL);
  }

  gst_ice_description_free (desc);
  g_ptr_array_unref (warnings);
  warnings = NULL;
}

GST_END_TEST;

GST_START_TEST (test_parse_browser_sdp)
{
  GstIceDescription *desc = parse_ok (browser_sdp);

  fail_unless_equals_string (desc->ufrag, "EsAw");
  fail_unless_equals_string (desc->pwd, "P2uYro0UCOQ4zxjKXaWCBui1");
  fail_unless (desc->caps == NULL);
  /* the mDNS candidate is skipped, the repeated ones are kept once */
  fail_unless_equals_int (desc->candidates->len, 2);
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 0),
      "a=candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx "
      "raddr 0.0.0.0 rport 0 generation 0 network-id 1 network-cost 10");
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 1),
      "a=candidate:1467250027 1 tcp 1518280447 192.168.1.5 9 typ host "
      "tcptype active generation 0 network-id 1");
  fail_unless (desc->end_of_candidates);
  gst_ice_description_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_candidate_good)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good_candidates); i++) {
    GError *error = NULL;

    fail_unless (gst_ice_candidate_line_is_valid (good_candidates[i],
            &error), "'%s' is not valid: %s", good_candidates[i],
        error ? error->message : "(no error)");
    fail_unless (error == NULL);
    fail_unless (gst_ice_candidate_line_is_valid (good_candidates[i], NULL));
  }
}

GST_END_TEST;

GST_START_TEST (test_candidate_bad)
{
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (bad_candidates); i++) {
    const BadCandidate *b = &bad_candidates[i];
    GError *error = NULL;

    fail_if (gst_ice_candidate_line_is_valid (b->line, &error),
        "'%s' is valid", b->line);
    fail_unless (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_DESCRIPTION));
    fail_unless (g_utf8_validate (error->message, -1, NULL));
    GST_INFO ("%s", error->message);
    for (j = 0; j < G_N_ELEMENTS (b->expected) && b->expected[j]; j++) {
      fail_unless (strstr (error->message, b->expected[j]) != NULL,
          "message \"%s\" lacks \"%s\"", error->message, b->expected[j]);
    }
    /* the message quotes the line when it is short and printable */
    if (b->line && strlen (b->line) < 200 && !strpbrk (b->line, "\r\n\t\x01")
        && g_str_is_ascii (b->line)) {
      gchar *quoted = g_strdup_printf ("candidate line '%s': ", b->line);

      fail_unless (g_str_has_prefix (error->message, quoted), "%s",
          error->message);
      g_free (quoted);
    }
    g_clear_error (&error);

    fail_if (gst_ice_candidate_line_is_valid (b->line, NULL));
  }
}

GST_END_TEST;

GST_START_TEST (test_end_of_candidates)
{
  fail_unless (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidates"));
  fail_unless (gst_ice_candidate_line_is_end_of_candidates
      (GST_ICE_END_OF_CANDIDATES_LINE));
  fail_unless (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidates\r"));
  fail_unless (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidates\r\n"));
  fail_unless (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidates\n"));
  fail_if (gst_ice_candidate_line_is_end_of_candidates (NULL));
  fail_if (gst_ice_candidate_line_is_end_of_candidates (""));
  fail_if (gst_ice_candidate_line_is_end_of_candidates ("a=end-of-candidate"));
  fail_if (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidatesx"));
  fail_if (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidates "));
  fail_if (gst_ice_candidate_line_is_end_of_candidates
      ("a=end-of-candidates\r\r"));
  fail_if (gst_ice_candidate_line_is_end_of_candidates
      (" a=end-of-candidates"));
  fail_if (gst_ice_candidate_line_is_end_of_candidates ("A=END-OF-CANDIDATES"));
  fail_if (gst_ice_candidate_line_is_end_of_candidates (HOST_LINE));
}

GST_END_TEST;

GST_START_TEST (test_add_candidate)
{
  GstIceDescription *desc = gst_ice_description_new (UFRAG, PWD);
  gchar *line = g_strdup (HOST_LINE);

  gst_ice_description_add_candidate (desc, line);
  line[0] = 'X';
  g_free (line);
  gst_ice_description_add_candidate (desc, RELAY_LINE);

  fail_unless_equals_int (desc->candidates->len, 2);
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 0),
      HOST_LINE);
  fail_unless_equals_string (g_ptr_array_index (desc->candidates, 1),
      RELAY_LINE);
  gst_ice_description_free (desc);

  /* free accepts NULL, like g_free () */
  gst_ice_description_free (NULL);
}

GST_END_TEST;

GST_START_TEST (test_autoptr)
{
  g_autoptr (GstIceDescription) desc =
      gst_ice_description_parse ("a=ice-ufrag:" UFRAG "\na=ice-pwd:" PWD, NULL);

  fail_unless (desc != NULL);
}

GST_END_TEST;

static const gchar fuzz_chars[] =
    " :.=0123456789aAfFzZ+/-_\t\r\n\x01\x7f\xff\xc3";

static gchar *
mutate (GRand * rand, const gchar * seed)
{
  GString *s = g_string_new (seed);
  gint n = g_rand_int_range (rand, 1, 4);

  while (n-- > 0) {
    gint pos = g_rand_int_range (rand, 0, s->len + 1);
    gchar c = fuzz_chars[g_rand_int_range (rand, 0, sizeof (fuzz_chars) - 1)];
    gint count = g_rand_int_range (rand, 1, 4);

    switch (g_rand_int_range (rand, 0, 6)) {
      case 0:
        if (pos < (gint) s->len)
          g_string_erase (s, pos, MIN (count, (gint) s->len - pos));
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
      case 4:
        /* a digit for a digit keeps most lines valid */
        if (pos < (gint) s->len && g_ascii_isdigit (s->str[pos]))
          s->str[pos] = '0' + g_rand_int_range (rand, 0, 10);
        break;
      default:
        /* repeat a piece */
        if (pos < (gint) s->len) {
          gchar *piece = g_strndup (s->str + pos,
              g_rand_int_range (rand, 1, 12));

          g_string_insert (s, g_rand_int_range (rand, 0, s->len + 1), piece);
          g_free (piece);
        }
        break;
    }
  }
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_fuzz_candidates)
{
  GRand *rand = g_rand_new_with_seed (8839);
  guint i, n_valid = 0, n_invalid = 0;

  for (i = 0; i < 10000; i++) {
    const gchar *seed = good_candidates[g_rand_int_range (rand, 0,
            G_N_ELEMENTS (good_candidates))];
    gchar *line = mutate (rand, seed);
    GError *error = NULL;
    gboolean valid = gst_ice_candidate_line_is_valid (line, &error);

    if (valid) {
      fail_unless (error == NULL);
      n_valid++;
    } else {
      fail_unless (g_error_matches (error, GST_ICE_ERROR,
              GST_ICE_ERROR_INVALID_DESCRIPTION));
      fail_unless (g_utf8_validate (error->message, -1, NULL));
      fail_unless (g_str_has_prefix (error->message, "candidate line '"),
          "%s", error->message);
      g_clear_error (&error);
      n_invalid++;
    }

    /* a description keeps the line if and only if it is valid */
    if (strpbrk (line, "\r\n") == NULL) {
      gchar *text = g_strdup_printf ("a=ice-ufrag:" UFRAG "\r\n"
          "a=ice-pwd:" PWD "\r\n%s\r\n", line);
      GstIceDescription *desc = parse_ok (text);

      fail_unless_equals_int (desc->candidates->len,
          (valid && g_str_has_prefix (line, "a=candidate:")) ? 1 : 0);
      gst_ice_description_free (desc);
      g_free (text);
    }
    g_free (line);
  }

  GST_INFO ("%u mutated lines valid, %u invalid", n_valid, n_invalid);
  fail_unless (n_valid > 100);
  fail_unless (n_invalid > 100);
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_fuzz_descriptions)
{
  GRand *rand = g_rand_new_with_seed (8445);
  gchar *seed = g_strconcat ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD "\r\n",
      HOST_LINE "\r\n" SRFLX_LINE "\r\n" TCP_LINE "\r\n" RELAY_LINE "\r\n"
      IPV6_LINE "\r\na=end-of-candidates\r\n", NULL);
  guint i, n_good = 0, n_bad = 0;

  for (i = 0; i < 5000; i++) {
    gchar *text = mutate (rand, seed);
    GError *error = NULL;
    GstIceDescription *desc = gst_ice_description_parse (text, &error);

    if (desc != NULL) {
      gchar *written = gst_ice_description_to_string (desc);
      GstIceDescription *again = parse_ok (written);
      guint j;

      /* what parses writes out and parses the same again */
      fail_unless_equals_string (again->ufrag, desc->ufrag);
      fail_unless_equals_string (again->pwd, desc->pwd);
      fail_unless_equals_int (again->candidates->len, desc->candidates->len);
      for (j = 0; j < desc->candidates->len; j++)
        fail_unless (gst_ice_candidate_line_is_valid
            (g_ptr_array_index (desc->candidates, j), NULL));
      fail_unless_equals_int (again->end_of_candidates,
          desc->end_of_candidates);
      gst_ice_description_free (again);
      gst_ice_description_free (desc);
      g_free (written);
      n_good++;
    } else {
      fail_unless (g_error_matches (error, GST_ICE_ERROR,
              GST_ICE_ERROR_INVALID_DESCRIPTION));
      fail_unless (g_utf8_validate (error->message, -1, NULL));
      fail_unless (g_str_has_prefix (error->message, "description "), "%s",
          error->message);
      g_clear_error (&error);
      n_bad++;
    }
    g_free (text);
  }

  GST_INFO ("%u mutated descriptions parsed, %u did not", n_good, n_bad);
  fail_unless (n_good > 100);
  fail_unless (n_bad > 100);
  g_free (seed);
  g_rand_free (rand);
}

GST_END_TEST;

#define FINGERPRINT "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:" \
    "19:E5:7C:AB:3C:3D:2B:59:BD:DF:2B:3A:2A:B1:7C:AF"

/* a=fingerprint and a=setup: kept, written back, checked */
GST_START_TEST (test_fingerprint_and_setup)
{
  GstIceDescription *desc;
  GError *error = NULL;
  gchar *text;

  desc = gst_ice_description_parse ("a=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\n"
      "a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:"
      "19:E5:7C:AB\r\n"
      "a=fingerprint:" FINGERPRINT "\r\n" "a=setup:actpass\r\n", &error);
  fail_unless (desc != NULL, "%s", error ? error->message : "?");
  /* the sha-1 one is skipped: gst-ice checks sha-256 */
  fail_unless_equals_string (desc->fingerprint, FINGERPRINT);
  fail_unless_equals_string (desc->setup, "actpass");

  text = gst_ice_description_to_string (desc);
  fail_unless (strstr (text, "a=fingerprint:" FINGERPRINT "\r\n") != NULL,
      "%s", text);
  fail_unless (strstr (text, "a=setup:actpass\r\n") != NULL, "%s", text);
  gst_ice_description_free (desc);
  g_free (text);

  /* a description without them: a peer that does not encrypt */
  desc = gst_ice_description_parse ("a=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\n", NULL);
  fail_unless (desc->fingerprint == NULL && desc->setup == NULL);
  gst_ice_description_free (desc);
}

GST_END_TEST;

static void
assert_refused (const gchar * lines, const gchar * expected)
{
  GError *error = NULL;
  gchar *text = g_strconcat ("a=ice-ufrag:" UFRAG "\r\na=ice-pwd:" PWD
      "\r\n", lines, NULL);

  fail_unless (gst_ice_description_parse (text, &error) == NULL, "%s", lines);
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_INVALID_DESCRIPTION));
  fail_unless (strstr (error->message, expected) != NULL, "'%s' not in '%s'",
      expected, error->message);
  g_clear_error (&error);
  g_free (text);
}

GST_START_TEST (test_bad_fingerprint_and_setup)
{
  assert_refused ("a=fingerprint:sha-256 4A:AD\r\n", "not valid");
  assert_refused ("a=fingerprint:" FINGERPRINT "\r\n"
      "a=fingerprint:sha-256 00:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:"
      "6B:19:E5:7C:AB:3C:3D:2B:59:BD:DF:2B:3A:2A:B1:7C:AF\r\n",
      "contradicts the earlier fingerprint");
  assert_refused ("a=fingerprint\r\n", "has no ':' and value");
  assert_refused ("a=setup:sometimes\r\n", "actpass, active, passive");
  assert_refused ("a=setup:active\r\na=setup:passive\r\n",
      "contradicts the earlier a=setup:active");
}

GST_END_TEST;

/* The producer's transfer mode: kept as written, a later gst-ice's too,
 * and written back. */
GST_START_TEST (test_transfer_mode)
{
  GstIceDescription *desc;
  GError *error = NULL;
  gchar *text;

  desc = gst_ice_description_parse ("a=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\n" "a=x-gst-transfer-mode:reliable\r\n"
      "a=x-gst-transfer-mode:reliable\r\n", &error);
  fail_unless (desc != NULL, "%s", error ? error->message : "?");
  fail_unless_equals_string (desc->transfer_mode, "reliable");
  text = gst_ice_description_to_string (desc);
  fail_unless (strstr (text, "a=x-gst-transfer-mode:reliable\r\n") != NULL,
      "%s", text);
  g_free (text);
  gst_ice_description_free (desc);

  desc = gst_ice_description_parse ("a=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\n" "a=x-gst-transfer-mode:ordered-2\r\n", NULL);
  fail_unless_equals_string (desc->transfer_mode, "ordered-2");
  gst_ice_description_free (desc);

  /* none: datagram, and none is written */
  desc = gst_ice_description_parse ("a=ice-ufrag:" UFRAG "\r\n"
      "a=ice-pwd:" PWD "\r\n", NULL);
  fail_unless (desc->transfer_mode == NULL);
  text = gst_ice_description_to_string (desc);
  fail_unless (strstr (text, "transfer-mode") == NULL, "%s", text);
  g_free (text);
  gst_ice_description_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_bad_transfer_mode)
{
  assert_refused ("a=x-gst-transfer-mode:\r\n", "does not name a transfer "
      "mode");
  assert_refused ("a=x-gst-transfer-mode:Reliable\r\n", "a-z 0-9 -");
  assert_refused ("a=x-gst-transfer-mode:reliable now\r\n", "a-z 0-9 -");
  assert_refused ("a=x-gst-transfer-mode:"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", "1 to 32 characters");
  assert_refused ("a=x-gst-transfer-mode:reliable\r\n"
      "a=x-gst-transfer-mode:datagram\r\n",
      "contradicts the earlier a=x-gst-transfer-mode:reliable");
  assert_refused ("a=x-gst-transfer-mode\r\n", "has no ':' and value");
}

GST_END_TEST;

static Suite *
description_suite (void)
{
  Suite *s = suite_create ("description");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_to_string);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_parse_minimal);
  tcase_add_test (tc, test_parse_errors);
  tcase_add_test (tc, test_parse_caps);
  tcase_add_test (tc, test_bad_candidate_is_skipped);
  tcase_add_test (tc, test_parse_browser_sdp);
  tcase_add_test (tc, test_candidate_good);
  tcase_add_test (tc, test_candidate_bad);
  tcase_add_test (tc, test_end_of_candidates);
  tcase_add_test (tc, test_add_candidate);
  tcase_add_test (tc, test_autoptr);
  tcase_add_test (tc, test_fuzz_candidates);
  tcase_add_test (tc, test_fuzz_descriptions);
  tcase_add_test (tc, test_fingerprint_and_setup);
  tcase_add_test (tc, test_bad_fingerprint_and_setup);
  tcase_add_test (tc, test_transfer_mode);
  tcase_add_test (tc, test_bad_transfer_mode);

  return s;
}

GST_CHECK_MAIN (description);
