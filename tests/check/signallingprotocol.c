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
#include <gst/ice/gsticeerror.h>
#include <gst/ice/signalling/gsticesignallingprotocol.h>
#include <gst/ice/signalling/gsticesignallingreplay.h>

static JsonObject *
parse_text (const gchar * text, GError ** error)
{
  GBytes *bytes = g_bytes_new (text, strlen (text));
  JsonObject *message = gst_ice_signalling_message_parse (bytes, error);

  g_bytes_unref (bytes);
  return message;
}

static void
assert_parses (const gchar * text)
{
  GError *error = NULL;
  JsonObject *message;

  fail_unless (gst_ice_signalling_message_check_text (text, strlen (text),
          &error), "'%s': %s", text, error ? error->message : "");
  message = parse_text (text, &error);
  fail_unless (message != NULL, "'%s': %s", text, error ? error->message : "");
  fail_unless (error == NULL);
  json_object_unref (message);
}

/* @text must be refused with @expected as a GST_ICE_ERROR_SIGNALLING, by
 * the check and by the parser */
static void
assert_refused (const gchar * text, const gchar * expected)
{
  GError *error = NULL;

  fail_if (gst_ice_signalling_message_check_text (text, strlen (text),
          &error), "'%s' passes the check", text);
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_SIGNALLING));
  fail_unless_equals_string (error->message, expected);
  g_clear_error (&error);

  fail_unless (parse_text (text, &error) == NULL, "'%s' parsed", text);
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_SIGNALLING));
  fail_unless_equals_string (error->message, expected);
  g_clear_error (&error);
}

/* @depth levels: {"a":{"a":...{}...}}, with @inner between the two
 * innermost braces */
static void
append_nested (GString * s, guint depth, const gchar * inner)
{
  guint i;

  for (i = 1; i < depth; i++)
    g_string_append (s, "{\"a\":");
  g_string_append_printf (s, "{%s}", inner);
  for (i = 1; i < depth; i++)
    g_string_append_c (s, '}');
}

GST_START_TEST (test_depth_limit)
{
  GString *s = g_string_new (NULL);
  guint i;

  fail_unless_equals_int (GST_ICE_SIGNALLING_MESSAGE_MAX_DEPTH, 32);

  append_nested (s, 32, "");
  assert_parses (s->str);

  g_string_truncate (s, 0);
  append_nested (s, 33, "");
  assert_refused (s->str, "nested deeper than 32 levels");

  /* arrays count as levels too */
  g_string_truncate (s, 0);
  append_nested (s, 32, "\"b\":[]");
  assert_refused (s->str, "nested deeper than 32 levels");

  /* braces in strings do not */
  g_string_truncate (s, 0);
  append_nested (s, 32, "\"b\":\"[[[[{{{{\"");
  assert_parses (s->str);

  /* and closing a level gives it back */
  g_string_assign (s, "{\"a\":[");
  for (i = 0; i < 10; i++) {
    if (i > 0)
      g_string_append_c (s, ',');
    append_nested (s, 30, "");
  }
  g_string_append (s, "]}");
  assert_parses (s->str);

  g_string_free (s, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_json_extensions_refused)
{
  assert_refused ("{'type':'register'}", "unexpected ''' at offset 1");
  assert_refused ("{\"type\":\"register\"} // x",
      "unexpected '/' at offset 20");
  assert_refused ("/* x */ {\"type\":\"register\"}",
      "unexpected '/' at offset 0");
  assert_refused ("# x\n{\"type\":\"register\"}", "unexpected '#' at offset 0");
  /* after an escaped backslash, the string is closed */
  assert_refused ("{\"a\":\"\\\\\",'b':1}", "unexpected ''' at offset 10");

  /* the same characters are fine in strings, after an escaped quote too */
  assert_parses ("{\"type\":\"it's /* not */ a # comment\"}");
  assert_parses ("{\"type\":\"\\\"'\"}");
  assert_parses ("{\"type\":\"a\\/b\"}");
}

GST_END_TEST;

GST_START_TEST (test_not_an_object)
{
  static const gchar *const texts[] = { "[]", "[{\"type\":\"register\"}]",
    "\"register\"", "42", "null", "true"
  };
  GError *error = NULL;
  GBytes *empty;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++) {
    fail_unless (parse_text (texts[i], &error) == NULL, "'%s' parsed",
        texts[i]);
    fail_unless (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_SIGNALLING));
    fail_unless_equals_string (error->message, "not a JSON object");
    g_clear_error (&error);
  }

  empty = g_bytes_new (NULL, 0);
  fail_unless (gst_ice_signalling_message_parse (empty, &error) == NULL);
  fail_unless_equals_string (error->message, "not a JSON object");
  g_clear_error (&error);
  g_bytes_unref (empty);

  /* not JSON at all: json-glib says why */
  fail_unless (parse_text ("{\"type\":", &error) == NULL);
  fail_unless (error != NULL);
  g_clear_error (&error);

  fail_unless (parse_text ("{\"type\":", NULL) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_get_string)
{
  GError *error = NULL;
  JsonObject *message;

  message = parse_text ("{\"type\":\"peer\",\"number\":1,\"object\":{},"
      "\"array\":[\"x\"],\"null\":null,\"bool\":true,\"empty\":\"\","
      "\"surrogate\":\"\\ud800 \",\"e\":\"\\u00e9\"}", &error);
  fail_unless (message != NULL, "%s", error ? error->message : "");

  fail_unless_equals_string (gst_ice_signalling_message_get_string (message,
          "type"), "peer");
  fail_unless_equals_string (gst_ice_signalling_message_get_string (message,
          "empty"), "");
  fail_unless_equals_string (gst_ice_signalling_message_get_string (message,
          "e"), "\xc3\xa9");
  fail_unless (gst_ice_signalling_message_get_string (message, "missing")
      == NULL);
  fail_unless (gst_ice_signalling_message_get_string (message, "number")
      == NULL);
  fail_unless (gst_ice_signalling_message_get_string (message, "object")
      == NULL);
  fail_unless (gst_ice_signalling_message_get_string (message, "array")
      == NULL);
  fail_unless (gst_ice_signalling_message_get_string (message, "null")
      == NULL);
  fail_unless (gst_ice_signalling_message_get_string (message, "bool")
      == NULL);
  /* a lone surrogate decodes to bytes that are not UTF-8: read as missing
   * (json-glib 1.6 cannot parse one right before the closing quote) */
  fail_unless (gst_ice_signalling_message_get_string (message, "surrogate")
      == NULL);

  json_object_unref (message);
}

GST_END_TEST;

GST_START_TEST (test_build_round_trip)
{
  static const gchar awkward[] =
      "a\"b\\c/d'e#f{g[h]i}\r\n\t\x01 \xc3\xa9 \\ud800";
  static const gchar candidate[] =
      "a=candidate:1 1 UDP 2013266431 192.168.1.10 47123 typ host";
  GError *error = NULL;
  JsonObject *message;
  gchar *text;

  text = gst_ice_signalling_message_build ("peer", "sessionId", awkward,
      "candidate", candidate, NULL);
  /* one line, valid UTF-8, and JSON the check lets through */
  fail_unless (strpbrk (text, "\r\n") == NULL, "%s", text);
  fail_unless (g_utf8_validate (text, -1, NULL));
  fail_unless (gst_ice_signalling_message_check_text (text, strlen (text),
          NULL));

  message = parse_text (text, &error);
  fail_unless (message != NULL, "'%s': %s", text, error ? error->message : "");
  fail_unless_equals_int (json_object_get_size (message), 3);
  fail_unless_equals_string (gst_ice_signalling_message_get_string (message,
          "type"), "peer");
  fail_unless_equals_string (gst_ice_signalling_message_get_string (message,
          "sessionId"), awkward);
  fail_unless_equals_string (gst_ice_signalling_message_get_string (message,
          "candidate"), candidate);
  json_object_unref (message);
  g_free (text);

  /* no members but the type */
  text = gst_ice_signalling_message_build ("endSession", NULL);
  fail_unless_equals_string (text, "{\"type\":\"endSession\"}");
  message = parse_text (text, NULL);
  fail_unless (message != NULL);
  fail_unless_equals_int (json_object_get_size (message), 1);
  json_object_unref (message);
  g_free (text);
}

GST_END_TEST;

/* What a side sent is numbered from 1; after a reconnection it sends
 * again exactly what came after the other side's count. */
GST_START_TEST (test_replay_since)
{
  GstIceSignallingReplay *replay = gst_ice_signalling_replay_new (1024);
  GPtrArray *texts;
  gboolean complete;

  texts = gst_ice_signalling_replay_since (replay, 0, &complete);
  fail_unless (complete);
  fail_unless_equals_int (texts->len, 0);
  g_ptr_array_unref (texts);

  fail_unless_equals_uint64 (gst_ice_signalling_replay_push (replay, "a"), 1);
  fail_unless_equals_uint64 (gst_ice_signalling_replay_push (replay, "b"), 2);
  fail_unless_equals_uint64 (gst_ice_signalling_replay_push (replay, "c"), 3);

  texts = gst_ice_signalling_replay_since (replay, 1, &complete);
  fail_unless (complete);
  fail_unless_equals_int (texts->len, 2);
  fail_unless_equals_string (g_ptr_array_index (texts, 0), "b");
  fail_unless_equals_string (g_ptr_array_index (texts, 1), "c");
  g_ptr_array_unref (texts);

  texts = gst_ice_signalling_replay_since (replay, 3, &complete);
  fail_unless (complete);
  fail_unless_equals_int (texts->len, 0);
  g_ptr_array_unref (texts);

  /* a count above what was sent is a confused peer: nothing to send */
  texts = gst_ice_signalling_replay_since (replay, 4, &complete);
  fail_if (complete);
  fail_unless_equals_int (texts->len, 0);
  g_ptr_array_unref (texts);

  gst_ice_signalling_replay_reset (replay);
  fail_unless_equals_uint64 (gst_ice_signalling_replay_get_last (replay), 0);
  fail_unless_equals_uint64 (gst_ice_signalling_replay_push (replay, "d"), 1);
  gst_ice_signalling_replay_free (replay);
}

GST_END_TEST;

/* Bounded in bytes: the oldest go, and a gap is reported. */
GST_START_TEST (test_replay_bounded)
{
  GstIceSignallingReplay *replay = gst_ice_signalling_replay_new (10);
  GPtrArray *texts;
  gboolean complete;

  gst_ice_signalling_replay_push (replay, "11111");
  gst_ice_signalling_replay_push (replay, "22222");
  gst_ice_signalling_replay_push (replay, "33333");

  texts = gst_ice_signalling_replay_since (replay, 0, &complete);
  fail_if (complete, "message 1 was dropped, yet nothing is missing");
  fail_unless_equals_int (texts->len, 2);
  fail_unless_equals_string (g_ptr_array_index (texts, 0), "22222");
  g_ptr_array_unref (texts);
  texts = gst_ice_signalling_replay_since (replay, 1, &complete);
  fail_unless (complete);
  fail_unless_equals_int (texts->len, 2);
  g_ptr_array_unref (texts);

  /* one message larger than the bound is kept all the same */
  gst_ice_signalling_replay_push (replay, "a message of more than 10 bytes");
  texts = gst_ice_signalling_replay_since (replay, 3, &complete);
  fail_unless (complete);
  fail_unless_equals_int (texts->len, 1);
  g_ptr_array_unref (texts);
  gst_ice_signalling_replay_free (replay);
}

GST_END_TEST;

GST_START_TEST (test_parse_count)
{
  guint64 count = 7;

  fail_unless (gst_ice_signalling_parse_count ("0", &count));
  fail_unless_equals_uint64 (count, 0);
  fail_unless (gst_ice_signalling_parse_count ("18446744073709551615", &count));
  fail_unless_equals_uint64 (count, G_MAXUINT64);
  fail_if (gst_ice_signalling_parse_count ("18446744073709551616", &count));
  fail_if (gst_ice_signalling_parse_count ("", &count));
  fail_if (gst_ice_signalling_parse_count (NULL, &count));
  fail_if (gst_ice_signalling_parse_count ("-1", &count));
  fail_if (gst_ice_signalling_parse_count ("1e3", &count));
  fail_if (gst_ice_signalling_parse_count (" 1", &count));
  fail_if (gst_ice_signalling_parse_count ("000000000000000000001", &count));
}

GST_END_TEST;

static Suite *
signallingprotocol_suite (void)
{
  Suite *s = suite_create ("signallingprotocol");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_depth_limit);
  tcase_add_test (tc, test_json_extensions_refused);
  tcase_add_test (tc, test_not_an_object);
  tcase_add_test (tc, test_get_string);
  tcase_add_test (tc, test_build_round_trip);
  tcase_add_test (tc, test_replay_since);
  tcase_add_test (tc, test_replay_bounded);
  tcase_add_test (tc, test_parse_count);

  return s;
}

GST_CHECK_MAIN (signallingprotocol);
