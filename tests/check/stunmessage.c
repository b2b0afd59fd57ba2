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

/* STUN Binding messages (gst/ice/stun/gsticestunmessage.c): the requests
 * byte for byte, RFC 5769's sample responses, answers in the RFC 3489
 * form, and messages that are not STUN. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>

#include <gst/ice/stun/gsticestunmessage.h>

/* RFC 5769 2.2: a Binding success response, IPv4, 192.0.2.1:32853 */
static const guint8 rfc5769_ipv4[] = {
  0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42,
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
  0x74, 0x6f, 0x72, 0x20,
  0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
  0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
  0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
  0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* RFC 5769 2.3: the same, IPv6, [2001:db8:1234:5678:11:2233:4455:6677]:32853 */
static const guint8 rfc5769_ipv6[] = {
  0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42,
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
  0x74, 0x6f, 0x72, 0x20,
  0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
  0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
  0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1,
  0x17, 0x84, 0xc9, 0x7c, 0x82, 0x29, 0xc5, 0xc8, 0xf1, 0xf8, 0x1a, 0x14,
  0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

static void
assert_address (GInetSocketAddress * address, const gchar * expected)
{
  gchar *text = gst_ice_stun_address_to_string (address);

  fail_unless_equals_string (text, expected);
  g_free (text);
}

static GstIceStunMessage *
parse (const guint8 * data, gsize length)
{
  GstIceStunMessage *message;
  GError *err = NULL;

  message = gst_ice_stun_message_parse (data, length, &err);
  fail_unless (message != NULL, "%s", err ? err->message : "");
  return message;
}

static gchar *
parse_error (const guint8 * data, gsize length)
{
  GstIceStunMessage *message;
  GError *err = NULL;
  gchar *text;

  message = gst_ice_stun_message_parse (data, length, &err);
  fail_unless (message == NULL);
  fail_unless (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  text = g_strdup (err->message);
  g_error_free (err);
  return text;
}

GST_START_TEST (test_binding_request_bytes)
{
  guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH];
  guint8 request[GST_ICE_STUN_REQUEST_MAX_LENGTH];
  static const guint8 change[] = { 0x00, 0x03, 0x00, 0x04, 0, 0, 0, 0x06 };
  GstIceStunMessage *message;
  gsize length;

  gst_ice_stun_new_transaction (transaction);
  fail_unless_equals_int (GST_READ_UINT32_BE (transaction), 0x2112A442);

  length = gst_ice_stun_write_binding_request (request, sizeof (request),
      transaction, GST_ICE_STUN_CHANGE_NONE);
  fail_unless_equals_int (length, 20);
  fail_unless_equals_int (GST_READ_UINT16_BE (request), 0x0001);
  fail_unless_equals_int (GST_READ_UINT16_BE (request + 2), 0);
  fail_unless (memcmp (request + 4, transaction, 16) == 0);

  /* RFC 5780 7.2: change IP (0x4) and port (0x2) */
  length = gst_ice_stun_write_binding_request (request, sizeof (request),
      transaction, GST_ICE_STUN_CHANGE_IP | GST_ICE_STUN_CHANGE_PORT);
  fail_unless_equals_int (length, 28);
  fail_unless_equals_int (GST_READ_UINT16_BE (request + 2), 8);
  fail_unless (memcmp (request + 20, change, sizeof (change)) == 0);

  /* it reads back as a Binding request with a cookie */
  message = parse (request, length);
  fail_unless_equals_int (message->klass, GST_ICE_STUN_CLASS_REQUEST);
  fail_unless_equals_int (message->method, 1);
  fail_unless (message->has_cookie);
  fail_if (gst_ice_stun_message_answers (message, transaction));
  gst_ice_stun_message_free (message);

  /* too small a buffer */
  fail_unless_equals_int (gst_ice_stun_write_binding_request (request, 27,
          transaction, GST_ICE_STUN_CHANGE_PORT), 0);

  /* two transactions differ */
  {
    guint8 other[GST_ICE_STUN_TRANSACTION_LENGTH];

    gst_ice_stun_new_transaction (other);
    fail_if (memcmp (other, transaction, sizeof (other)) == 0);
  }
}

GST_END_TEST;

GST_START_TEST (test_rfc5769_responses)
{
  GstIceStunMessage *message;

  message = parse (rfc5769_ipv4, sizeof (rfc5769_ipv4));
  fail_unless_equals_int (message->klass, GST_ICE_STUN_CLASS_SUCCESS);
  fail_unless_equals_int (message->method, 1);
  fail_unless (message->has_cookie);
  assert_address (message->xor_mapped, "192.0.2.1:32853");
  assert_address (gst_ice_stun_message_get_mapped (message), "192.0.2.1:32853");
  fail_unless_equals_string (message->software, "test vector");
  fail_unless (message->mapped == NULL);
  fail_if (gst_ice_stun_message_is_pre_rfc5389 (message));
  /* it answers the request with its transaction id, not another */
  fail_unless (gst_ice_stun_message_answers (message, rfc5769_ipv4 + 4));
  fail_if (gst_ice_stun_message_answers (message, rfc5769_ipv6 + 20));
  gst_ice_stun_message_free (message);

  message = parse (rfc5769_ipv6, sizeof (rfc5769_ipv6));
  assert_address (message->xor_mapped,
      "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  fail_if (gst_ice_stun_message_is_pre_rfc5389 (message));
  gst_ice_stun_message_free (message);
}

GST_END_TEST;

/* Builds a Binding success response with @transaction and the address
 * attributes given as (type, IPv4 address, port) triples, 0-terminated. */
static gsize
build_response (guint8 * buffer, guint16 type, const guint8 * transaction, ...)
{
  gsize length = 20;
  va_list args;
  guint attribute;

  va_start (args, transaction);
  while ((attribute = va_arg (args, guint)) != 0) {
    const gchar *ip = va_arg (args, const gchar *);
    guint port = va_arg (args, guint);
    GInetAddress *inet = g_inet_address_new_from_string (ip);

    GST_WRITE_UINT16_BE (buffer + length, attribute);
    GST_WRITE_UINT16_BE (buffer + length + 2, 8);
    buffer[length + 4] = 0;
    buffer[length + 5] = 1;
    GST_WRITE_UINT16_BE (buffer + length + 6, port);
    memcpy (buffer + length + 8, g_inet_address_to_bytes (inet), 4);
    g_object_unref (inet);
    length += 12;
  }
  va_end (args);
  GST_WRITE_UINT16_BE (buffer, type);
  GST_WRITE_UINT16_BE (buffer + 2, length - 20);
  memcpy (buffer + 4, transaction, 16);
  return length;
}

/* What an RFC 3489 server sends: MAPPED-ADDRESS in clear, SOURCE- and
 * CHANGED-ADDRESS, and the request's 16 bytes back. */
GST_START_TEST (test_rfc3489_answers)
{
  guint8 with_cookie[GST_ICE_STUN_TRANSACTION_LENGTH];
  guint8 without[GST_ICE_STUN_TRANSACTION_LENGTH];
  guint8 buffer[128];
  GstIceStunMessage *message;
  gsize length;

  /* to an RFC 5389 request: its cookie comes back, no XOR-MAPPED-ADDRESS */
  gst_ice_stun_new_transaction (with_cookie);
  length = build_response (buffer, 0x0101, with_cookie,
      0x0001, "198.51.100.7", 40000, 0x0004, "192.0.2.1", 3478,
      0x0005, "192.0.2.2", 3479, 0);
  message = parse (buffer, length);
  fail_unless (message->has_cookie);
  fail_unless (gst_ice_stun_message_is_pre_rfc5389 (message));
  assert_address (gst_ice_stun_message_get_mapped (message),
      "198.51.100.7:40000");
  assert_address (message->changed, "192.0.2.2:3479");
  fail_unless (message->other == NULL);
  fail_unless (gst_ice_stun_message_answers (message, with_cookie));
  gst_ice_stun_message_free (message);

  /* to an RFC 3489 request (libnice 0.1.21's): no cookie anywhere */
  memcpy (without, with_cookie, sizeof (without));
  GST_WRITE_UINT32_BE (without, 0x01020304);
  length = build_response (buffer, 0x0101, without,
      0x0001, "198.51.100.7", 40000, 0);
  message = parse (buffer, length);
  fail_if (message->has_cookie);
  fail_unless (gst_ice_stun_message_is_pre_rfc5389 (message));
  fail_unless (gst_ice_stun_message_answers (message, without));
  fail_if (gst_ice_stun_message_answers (message, with_cookie));
  gst_ice_stun_message_free (message);

  /* an RFC 5389 server may send MAPPED-ADDRESS too: XOR-MAPPED wins */
  length = build_response (buffer, 0x0101, with_cookie,
      0x0001, "10.0.0.1", 1, 0x0020, "225.18.166.67", 0xa147, 0);
  message = parse (buffer, length);
  fail_if (gst_ice_stun_message_is_pre_rfc5389 (message));
  assert_address (gst_ice_stun_message_get_mapped (message), "192.0.2.1:32853");
  gst_ice_stun_message_free (message);
}

GST_END_TEST;

/* RFC 5780's attributes, and an error response's code and reason. */
GST_START_TEST (test_rfc5780_and_errors)
{
  guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH];
  guint8 buffer[128];
  static const guint8 error_code[] = { 0x00, 0x09, 0x00, 0x0b, 0, 0, 4, 20,
    'U', 'n', 'k', 'n', 'o', 'w', 'n', 0
  };
  GstIceStunMessage *message;
  gsize length;

  gst_ice_stun_new_transaction (transaction);
  length = build_response (buffer, 0x0101, transaction,
      0x0020, "0.0.0.0", 0, 0x802B, "192.0.2.1", 3478,
      0x802C, "192.0.2.2", 3479, 0);
  message = parse (buffer, length);
  assert_address (message->response_origin, "192.0.2.1:3478");
  assert_address (message->other, "192.0.2.2:3479");
  gst_ice_stun_message_free (message);

  /* 420 Unknown, as an error response (class bits 0x0110) */
  length = build_response (buffer, 0x0111, transaction, 0);
  memcpy (buffer + length, error_code, sizeof (error_code));
  length += sizeof (error_code);
  GST_WRITE_UINT16_BE (buffer + 2, length - 20);
  message = parse (buffer, length);
  fail_unless_equals_int (message->klass, GST_ICE_STUN_CLASS_ERROR);
  fail_unless_equals_int (message->method, 1);
  fail_unless_equals_int (message->error_code, 420);
  fail_unless_equals_string (message->reason, "Unknown");
  fail_unless (gst_ice_stun_message_answers (message, transaction));
  fail_if (gst_ice_stun_message_is_pre_rfc5389 (message));
  gst_ice_stun_message_free (message);
}

GST_END_TEST;

GST_START_TEST (test_not_stun)
{
  guint8 buffer[128];
  gchar *text;
  gsize length;

  /* too short */
  text = parse_error (rfc5769_ipv4, 19);
  fail_unless (strstr (text, "19 bytes") != NULL, "%s", text);
  g_free (text);

  /* a length that does not match the datagram */
  text = parse_error (rfc5769_ipv4, sizeof (rfc5769_ipv4) - 4);
  fail_unless (strstr (text, "not a STUN message") != NULL, "%s", text);
  g_free (text);

  /* RTP and DTLS start with other bits (RFC 7983) */
  memcpy (buffer, rfc5769_ipv4, sizeof (rfc5769_ipv4));
  buffer[0] = 0x80;
  text = parse_error (buffer, sizeof (rfc5769_ipv4));
  fail_unless (strstr (text, "type 0x8001") != NULL, "%s", text);
  g_free (text);

  /* an attribute longer than what is left */
  memcpy (buffer, rfc5769_ipv4, sizeof (rfc5769_ipv4));
  GST_WRITE_UINT16_BE (buffer + 22, 200);
  text = parse_error (buffer, sizeof (rfc5769_ipv4));
  fail_unless (strstr (text, "past the end") != NULL, "%s", text);
  g_free (text);

  /* an address of family 3 */
  length = build_response (buffer, 0x0101, rfc5769_ipv4 + 4,
      0x0001, "192.0.2.1", 1, 0);
  buffer[25] = 3;
  text = parse_error (buffer, length);
  fail_unless (strstr (text, "family 3") != NULL, "%s", text);
  g_free (text);
}

GST_END_TEST;

static Suite *
stunmessage_suite (void)
{
  Suite *s = suite_create ("stunmessage");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_binding_request_bytes);
  tcase_add_test (tc, test_rfc5769_responses);
  tcase_add_test (tc, test_rfc3489_answers);
  tcase_add_test (tc, test_rfc5780_and_errors);
  tcase_add_test (tc, test_not_stun);
  return s;
}

GST_CHECK_MAIN (stunmessage);
