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

/* The text formats of the directory signaller, without any file: message
 * files parsed from bytes as they arrive, messages written and parsed
 * back, producer and request files. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <string.h>

#include <gst/ice/signalling/gsticedirectorymessages.h>
#include <gst/ice/signalling/gsticedirectoryfiles.h>
#include <gst/ice/gsticeerror.h>

#define MAX_MESSAGE_SIZE GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE

#define DESCRIPTION "description\na=ice-ufrag:Fx3q\na=ice-pwd:7YbZkQm1s9vXr2" \
    "Lp0aNcWt\n\n"
#define CANDIDATE "candidate\na=candidate:1 1 UDP 2015363327 10.0.0.1 5000 " \
    "typ host\n\n"
#define END "end\n\n"

static GstIceDirectoryMessage *
message_at (GArray * messages, guint i)
{
  fail_unless (i < messages->len, "no message %u of %u", i, messages->len);
  return &g_array_index (messages, GstIceDirectoryMessage, i);
}

/* Parses @data in one call from offset @offset, checks that it is all
 * used up, and returns what was found. */
static GArray *
parse_all (const gchar * data, gsize len, goffset offset)
{
  GArray *messages = gst_ice_directory_messages_array_new ();

  fail_unless_equals_int (gst_ice_directory_messages_parse (data, len, offset,
          messages), len);
  return messages;
}

static void
check_message (GArray * messages, guint i, GstIceDirectoryMessageType type,
    goffset offset, gsize size, const gchar * text)
{
  GstIceDirectoryMessage *message = message_at (messages, i);

  fail_unless_equals_int (message->type, type);
  fail_unless_equals_int64 (message->offset, offset);
  fail_unless_equals_uint64 (message->size, size);
  fail_unless_equals_string (message->text, text);
}

static void
check_refused (GArray * messages, guint i, goffset offset, gsize size,
    const gchar * why)
{
  check_message (messages, i, GST_ICE_DIRECTORY_MESSAGE_REFUSED, offset, size,
      NULL);
  fail_unless_equals_string (message_at (messages, i)->why, why);
}

GST_START_TEST (test_parse_messages)
{
  const gchar data[] = DESCRIPTION CANDIDATE END;
  gsize d = strlen (DESCRIPTION), c = strlen (CANDIDATE);
  GArray *messages = parse_all (data, sizeof (data) - 1, 1000);

  fail_unless_equals_int (messages->len, 3);
  /* offsets count from where @data starts in the file */
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION, 1000, d,
      "a=ice-ufrag:Fx3q\na=ice-pwd:7YbZkQm1s9vXr2Lp0aNcWt\n");
  fail_unless_equals_int (message_at (messages, 0)->n_lines, 2);
  check_message (messages, 1, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, 1000 + d, c,
      "a=candidate:1 1 UDP 2015363327 10.0.0.1 5000 typ host");
  check_message (messages, 2, GST_ICE_DIRECTORY_MESSAGE_END, 1000 + d + c, 5,
      NULL);
  g_array_unref (messages);

  /* empty lines between messages are used up and reported as nothing */
  messages = parse_all ("\n\r\n" CANDIDATE "\n", strlen (CANDIDATE) + 4, 0);
  fail_unless_equals_int (messages->len, 1);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, 3, c,
      "a=candidate:1 1 UDP 2015363327 10.0.0.1 5000 typ host");
  g_array_unref (messages);
}

GST_END_TEST;

GST_START_TEST (test_parse_split_reads)
{
  const gchar data[] = DESCRIPTION CANDIDATE "candidate\nx\r\n\r\n" END;
  gsize len = sizeof (data) - 1;
  GArray *whole = parse_all (data, len, 0);
  gsize k;

  fail_unless_equals_int (whole->len, 4);

  /* cut the file at every byte: the first read returns only the messages
   * complete in it, the second one the rest, nothing twice */
  for (k = 0; k <= len; k++) {
    GArray *head = gst_ice_directory_messages_array_new ();
    GArray *rest;
    gsize consumed;
    guint i;

    consumed = gst_ice_directory_messages_parse (data, k, 0, head);
    fail_unless (consumed <= k);
    for (i = 0; i < head->len; i++) {
      GstIceDirectoryMessage *m = message_at (head, i);

      fail_unless (m->offset + (goffset) m->size <= (goffset) k,
          "cut at %" G_GSIZE_FORMAT ": message %u is not complete", k, i);
    }
    rest = parse_all (data + consumed, len - consumed, consumed);
    fail_unless_equals_int (head->len + rest->len, whole->len);
    for (i = 0; i < whole->len; i++) {
      GstIceDirectoryMessage *m = message_at (whole, i);
      GArray *part = i < head->len ? head : rest;
      guint j = i < head->len ? i : i - head->len;

      check_message (part, j, m->type, m->offset, m->size, m->text);
    }
    g_array_unref (head);
    g_array_unref (rest);
  }
  g_array_unref (whole);
}

GST_END_TEST;

GST_START_TEST (test_parse_crlf)
{
  const gchar data[] = "description\r\na=ice-ufrag:Fx3q\r\na=ice-pwd:x\r\n"
      "\r\ncandidate\r\na=candidate:1\r\n\r\nend\r\n\r\n";
  GArray *messages = parse_all (data, sizeof (data) - 1, 0);

  fail_unless_equals_int (messages->len, 3);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION, 0, 46,
      "a=ice-ufrag:Fx3q\na=ice-pwd:x\n");
  check_message (messages, 1, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, 46, 28,
      "a=candidate:1");
  check_message (messages, 2, GST_ICE_DIRECTORY_MESSAGE_END, 74, 7, NULL);
  g_array_unref (messages);
}

GST_END_TEST;

GST_START_TEST (test_parse_garbage)
{
  const gchar data[] = "junk\nmore junk\n" CANDIDATE "descriptio\n\n"
      "\x01\x02\n" END "trailing junk\n";
  gsize c = strlen (CANDIDATE);
  GArray *messages = gst_ice_directory_messages_array_new ();

  /* an end stops parsing: the junk after it is left */
  fail_unless_equals_int (gst_ice_directory_messages_parse (data,
          sizeof (data) - 1, 10, messages), sizeof (data) - 1 - 14);
  fail_unless_equals_int (messages->len, 4);
  /* one report per run of lines, with its byte count */
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_GARBAGE, 10, 15, NULL);
  check_message (messages, 1, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, 25, c,
      "a=candidate:1 1 UDP 2015363327 10.0.0.1 5000 typ host");
  /* one run, with the empty line inside it */
  check_message (messages, 2, GST_ICE_DIRECTORY_MESSAGE_GARBAGE, 25 + c,
      15, NULL);
  check_message (messages, 3, GST_ICE_DIRECTORY_MESSAGE_END, 40 + c, 5, NULL);
  g_array_unref (messages);

  /* garbage at the end is reported once its line is complete */
  messages = gst_ice_directory_messages_array_new ();
  fail_unless_equals_int (gst_ice_directory_messages_parse ("junk", 4, 0,
          messages), 0);
  fail_unless_equals_int (messages->len, 0);
  fail_unless_equals_int (gst_ice_directory_messages_parse ("junk\n", 5, 0,
          messages), 5);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_GARBAGE, 0, 5, NULL);
  g_array_unref (messages);
}

GST_END_TEST;

GST_START_TEST (test_parse_end_stops)
{
  const gchar data[] = END CANDIDATE;
  GArray *messages = gst_ice_directory_messages_array_new ();

  fail_unless_equals_int (gst_ice_directory_messages_parse (data,
          sizeof (data) - 1, 0, messages), 5);
  fail_unless_equals_int (messages->len, 1);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_END, 0, 5, NULL);
  g_array_unref (messages);
}

GST_END_TEST;

/* "HEADER\n" and "x\n" lines up to @size bytes, without an empty line */
static GString *
endless_message (const gchar * header, gsize size)
{
  GString *data = g_string_new (header);

  g_string_append_c (data, '\n');
  while (data->len < size)
    g_string_append (data, "x\n");
  return data;
}

GST_START_TEST (test_parse_header_without_end)
{
  GString *data = endless_message ("description", MAX_MESSAGE_SIZE - 100);
  GArray *messages = gst_ice_directory_messages_array_new ();
  gchar *unfinished;

  /* within the size limit: maybe still being written, left for later */
  fail_unless_equals_int (gst_ice_directory_messages_parse (data->str,
          data->len, 0, messages), 0);
  fail_unless_equals_int (messages->len, 0);

  /* past it with no empty line: all of it is skipped as garbage */
  g_string_free (data, TRUE);
  data = endless_message ("description", MAX_MESSAGE_SIZE + 100);
  fail_unless_equals_int (gst_ice_directory_messages_parse (data->str,
          data->len, 7, messages), data->len);
  fail_unless_equals_int (messages->len, 1);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_GARBAGE, 7, data->len,
      NULL);
  g_array_set_size (messages, 0);

  /* the same for one endless line, even with no line ending yet */
  unfinished = g_malloc (MAX_MESSAGE_SIZE + 1);
  memset (unfinished, 'y', MAX_MESSAGE_SIZE + 1);
  fail_unless_equals_int (gst_ice_directory_messages_parse (unfinished,
          MAX_MESSAGE_SIZE, 0, messages), 0);
  fail_unless_equals_int (messages->len, 0);
  fail_unless_equals_int (gst_ice_directory_messages_parse (unfinished,
          MAX_MESSAGE_SIZE + 1, 0, messages), MAX_MESSAGE_SIZE + 1);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_GARBAGE, 0,
      MAX_MESSAGE_SIZE + 1, NULL);

  g_free (unfinished);
  g_string_free (data, TRUE);
  g_array_unref (messages);
}

GST_END_TEST;

GST_START_TEST (test_parse_too_long)
{
  GString *data = endless_message ("description", MAX_MESSAGE_SIZE);
  gsize size;
  GArray *messages;

  g_string_append (data, "\n");
  size = data->len;
  fail_unless (size > MAX_MESSAGE_SIZE);
  g_string_append (data, CANDIDATE);

  messages = parse_all (data->str, data->len, 0);
  fail_unless_equals_int (messages->len, 2);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_TOO_LONG, 0, size,
      NULL);
  /* the next message is read as usual */
  check_message (messages, 1, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, size,
      strlen (CANDIDATE),
      "a=candidate:1 1 UDP 2015363327 10.0.0.1 5000 typ host");
  g_array_unref (messages);

  /* one byte less is a message */
  g_string_free (data, TRUE);
  data = endless_message ("description", MAX_MESSAGE_SIZE - 4);
  g_string_append (data, "yy\n\n");
  fail_unless_equals_int (data->len, MAX_MESSAGE_SIZE);
  messages = parse_all (data->str, data->len, 0);
  fail_unless_equals_int (message_at (messages, 0)->type,
      GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION);
  g_array_unref (messages);
  g_string_free (data, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_parse_refused)
{
  const gchar data[] = "candidate\ntwo\nlines\n\n" "candidate\n\n"
      "description\n\n" "end\nwith a line\n\n" "candidate\n\xc3\x28\n\n"
      "candidate\nnul\0byte\n\n" CANDIDATE;
  GArray *messages = parse_all (data, sizeof (data) - 1, 0);

  fail_unless_equals_int (messages->len, 7);
  check_refused (messages, 0, 0, 21, "a candidate of more than one line");
  check_refused (messages, 1, 21, 11, "a candidate of more than one line");
  check_refused (messages, 2, 32, 13, "a description without lines");
  check_refused (messages, 3, 45, 17, "an end with lines after it");
  check_refused (messages, 4, 62, 14, "a message that is not UTF-8 text");
  check_refused (messages, 5, 76, 20, "a message that is not UTF-8 text");
  check_message (messages, 6, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, 96,
      strlen (CANDIDATE),
      "a=candidate:1 1 UDP 2015363327 10.0.0.1 5000 typ host");
  g_array_unref (messages);
}

GST_END_TEST;

GST_START_TEST (test_write_description)
{
  const gchar description[] = "a=ice-ufrag:Fx3q\r\n\r\na=ice-pwd:x\n\n\n"
      "a=end-of-candidates";
  GError *error = NULL;
  GArray *messages;
  gchar *message;
  guint n_lines;

  message = gst_ice_directory_messages_write_description (description,
      &n_lines, &error);
  fail_unless (message != NULL, "%s", error ? error->message : "?");
  /* empty lines would end the message: dropped; LF endings */
  fail_unless_equals_string (message, "description\na=ice-ufrag:Fx3q\n"
      "a=ice-pwd:x\na=end-of-candidates\n\n");
  fail_unless_equals_int (n_lines, 3);

  messages = parse_all (message, strlen (message), 0);
  fail_unless_equals_int (messages->len, 1);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION, 0,
      strlen (message), "a=ice-ufrag:Fx3q\na=ice-pwd:x\na=end-of-candidates\n");
  g_array_unref (messages);
  g_free (message);
}

GST_END_TEST;

GST_START_TEST (test_write_description_refused)
{
  GError *error = NULL;
  gchar *line, *message;
  guint n_lines;

  fail_if (gst_ice_directory_messages_write_description ("a=x\n\xff\n",
          &n_lines, &error));
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_INVALID_DESCRIPTION));
  fail_unless_equals_string (error->message, "a description that is not UTF-8");
  g_clear_error (&error);

  fail_if (gst_ice_directory_messages_write_description ("\r\n\n", &n_lines,
          &error));
  fail_unless_equals_string (error->message,
      "a description of 0 lines and 13 bytes (at most 65536)");
  g_clear_error (&error);

  /* "description\n", one line and its LF, "\n": one byte too many */
  line = g_strnfill (MAX_MESSAGE_SIZE - 13, 'a');
  fail_if (gst_ice_directory_messages_write_description (line, &n_lines,
          &error));
  fail_unless_equals_string (error->message,
      "a description of 1 lines and 65537 bytes (at most 65536)");
  g_clear_error (&error);
  line[MAX_MESSAGE_SIZE - 14] = '\0';
  message = gst_ice_directory_messages_write_description (line, &n_lines,
      &error);
  fail_unless_equals_int (strlen (message), MAX_MESSAGE_SIZE);
  g_free (message);
  g_free (line);
}

GST_END_TEST;

GST_START_TEST (test_write_candidate)
{
  const gchar *bad[] = { "", "\r\n", "a=candidate:1\na=candidate:2",
    "a=candidate:1\rx", "a=candidate:\xff"
  };
  GError *error = NULL;
  GArray *messages;
  gchar *message, *long_line;
  guint i;

  message = gst_ice_directory_messages_write_candidate ("a=candidate:1 1 UDP "
      "2015363327 10.0.0.1 5000 typ host\r\n", &error);
  fail_unless_equals_string (message, CANDIDATE);
  messages = parse_all (message, strlen (message), 0);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_CANDIDATE, 0,
      strlen (CANDIDATE),
      "a=candidate:1 1 UDP 2015363327 10.0.0.1 5000 typ host");
  g_array_unref (messages);
  g_free (message);

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    fail_if (gst_ice_directory_messages_write_candidate (bad[i], &error),
        "candidate %u was written", i);
    fail_unless (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_DESCRIPTION));
    g_clear_error (&error);
  }
  fail_if (gst_ice_directory_messages_write_candidate ("a\nb", &error));
  fail_unless_equals_string (error->message, "candidate 'a\nb'");
  g_clear_error (&error);

  long_line = g_strnfill (MAX_MESSAGE_SIZE / 2 + 1, 'c');
  fail_if (gst_ice_directory_messages_write_candidate (long_line, &error));
  g_clear_error (&error);
  long_line[MAX_MESSAGE_SIZE / 2] = '\0';
  message = gst_ice_directory_messages_write_candidate (long_line, &error);
  fail_unless (message != NULL);
  g_free (message);
  g_free (long_line);
}

GST_END_TEST;

GST_START_TEST (test_write_end)
{
  const gchar *end = gst_ice_directory_messages_write_end ();
  GArray *messages = parse_all (end, strlen (end), 0);

  fail_unless_equals_int (messages->len, 1);
  check_message (messages, 0, GST_ICE_DIRECTORY_MESSAGE_END, 0, strlen (end),
      NULL);
  g_array_unref (messages);
}

GST_END_TEST;

static gchar *
parse_producer (const gchar * contents, gsize length, const gchar ** why)
{
  *why = NULL;
  return gst_ice_directory_messages_parse_producer (contents, length, why);
}

GST_START_TEST (test_producer_file)
{
  const gchar *why;
  gchar *contents, *instance;

  contents = gst_ice_directory_messages_write_producer ("0123abcd", "host1",
      4242);
  fail_unless_equals_string (contents,
      "instance 0123abcd\nhost host1\npid 4242\n");
  instance = parse_producer (contents, strlen (contents), &why);
  fail_unless_equals_string (instance, "0123abcd");
  fail_unless (why == NULL);
  g_free (instance);
  g_free (contents);

  /* no process id: no pid line */
  contents = gst_ice_directory_messages_write_producer ("ff", "host1", 0);
  fail_unless_equals_string (contents, "instance ff\nhost host1\n");
  g_free (contents);

  /* CRLF, and the instance line anywhere */
  contents = g_strdup ("host h\r\ninstance 00FF\r\n");
  instance = parse_producer (contents, strlen (contents), &why);
  g_free (contents);
  fail_unless_equals_string (instance, "00FF");
  g_free (instance);

  fail_if (parse_producer ("instance 0a\0\n", 13, &why));
  fail_unless_equals_string (why, "is not text");
  fail_if (parse_producer ("instance \xff\n", 11, &why));
  fail_unless_equals_string (why, "is not text");
  fail_if (parse_producer ("host h\npid 1\n", 13, &why));
  fail_unless_equals_string (why, "has no valid 'instance' line");
  fail_if (parse_producer ("instance xyz\n", 13, &why));
  fail_unless_equals_string (why, "has no valid 'instance' line");
  fail_if (parse_producer ("instance \n", 10, &why));
  fail_unless_equals_string (why, "has no valid 'instance' line");
  fail_if (parse_producer ("instance:0a\n", 12, &why));
  fail_unless_equals_string (why, "has no valid 'instance' line");
  contents = g_strdup_printf ("instance %065d\n", 0);
  fail_if (parse_producer (contents, strlen (contents), &why));
  g_free (contents);
  contents = g_strdup_printf ("instance %064d\n", 0);
  instance = parse_producer (contents, strlen (contents), &why);
  fail_unless (instance != NULL);
  g_free (instance);
  g_free (contents);
}

GST_END_TEST;

static gboolean
parse_request (const gchar * contents)
{
  gchar *producer = NULL, *instance = NULL, *consumer = NULL;
  gboolean ret;

  ret = gst_ice_directory_messages_parse_request (contents, strlen (contents),
      &producer, &instance, &consumer);
  fail_unless (ret || (producer == NULL && instance == NULL
          && consumer == NULL));
  g_free (producer);
  g_free (instance);
  g_free (consumer);
  return ret;
}

GST_START_TEST (test_request_file)
{
  gchar *contents, *producer, *instance, *consumer;
  gchar *long_id;

  contents = gst_ice_directory_messages_write_request ("cam", "0123abcd",
      "viewer-1");
  fail_unless_equals_string (contents,
      "producer cam\nproducer-instance 0123abcd\nconsumer viewer-1\n");
  fail_unless (gst_ice_directory_messages_parse_request (contents,
          strlen (contents), &producer, &instance, &consumer));
  fail_unless_equals_string (producer, "cam");
  fail_unless_equals_string (instance, "0123abcd");
  fail_unless_equals_string (consumer, "viewer-1");
  g_free (producer);
  g_free (instance);
  g_free (consumer);
  g_free (contents);

  /* "producer-instance" first is not taken for "producer" */
  fail_unless (parse_request ("producer-instance ab\r\nconsumer v\r\n"
          "producer p\r\n"));

  fail_if (parse_request (""));
  fail_if (parse_request ("producer cam\nconsumer v\n"));
  fail_if (parse_request ("producer cam\nproducer-instance ab\n"));
  fail_if (parse_request ("producer ../cam\nproducer-instance ab\n"
          "consumer v\n"));
  fail_if (parse_request ("producer .cam\nproducer-instance ab\n"
          "consumer v\n"));
  fail_if (parse_request ("producer cam\nproducer-instance xy\n"
          "consumer v\n"));
  fail_if (parse_request ("producer cam\nproducer-instance ab\n"
          "consumer v/w\n"));
  fail_if (parse_request ("producer cam\nproducer-instance ab\n"
          "consumer \xff\n"));

  long_id = g_strnfill (GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH + 1, 'v');
  contents = gst_ice_directory_messages_write_request ("cam", "ab", long_id);
  fail_if (parse_request (contents));
  g_free (contents);
  long_id[GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH] = '\0';
  contents = gst_ice_directory_messages_write_request ("cam", "ab", long_id);
  fail_unless (parse_request (contents));
  g_free (contents);
  g_free (long_id);
}

GST_END_TEST;

GST_START_TEST (test_lookup_field)
{
  const gchar contents[] = "key-two 2\nkey 1\r\nkey again\nkeyless\nempty \n";
  gchar *value;

  value = gst_ice_directory_messages_lookup_field (contents, "key");
  fail_unless_equals_string (value, "1");
  g_free (value);
  value = gst_ice_directory_messages_lookup_field (contents, "key-two");
  fail_unless_equals_string (value, "2");
  g_free (value);
  value = gst_ice_directory_messages_lookup_field (contents, "empty");
  fail_unless_equals_string (value, "");
  g_free (value);
  fail_if (gst_ice_directory_messages_lookup_field (contents, "keyless"));
  fail_if (gst_ice_directory_messages_lookup_field (contents, "ke"));
}

GST_END_TEST;

GST_START_TEST (test_valid_instance)
{
  gchar *longest = g_strnfill (GST_ICE_DIRECTORY_MAX_INSTANCE_LENGTH, 'a');
  gchar *too_long = g_strnfill (GST_ICE_DIRECTORY_MAX_INSTANCE_LENGTH + 1,
      'a');

  fail_unless (gst_ice_directory_messages_is_valid_instance ("0"));
  fail_unless (gst_ice_directory_messages_is_valid_instance ("09afAF"));
  fail_unless (gst_ice_directory_messages_is_valid_instance (longest));
  fail_if (gst_ice_directory_messages_is_valid_instance (too_long));
  fail_if (gst_ice_directory_messages_is_valid_instance (NULL));
  fail_if (gst_ice_directory_messages_is_valid_instance (""));
  fail_if (gst_ice_directory_messages_is_valid_instance ("0x1"));
  fail_if (gst_ice_directory_messages_is_valid_instance ("ab "));

  g_free (too_long);
  g_free (longest);
}

GST_END_TEST;

static Suite *
directorymessages_suite (void)
{
  Suite *s = suite_create ("directorymessages");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_parse_messages);
  tcase_add_test (tc, test_parse_split_reads);
  tcase_add_test (tc, test_parse_crlf);
  tcase_add_test (tc, test_parse_garbage);
  tcase_add_test (tc, test_parse_end_stops);
  tcase_add_test (tc, test_parse_header_without_end);
  tcase_add_test (tc, test_parse_too_long);
  tcase_add_test (tc, test_parse_refused);
  tcase_add_test (tc, test_write_description);
  tcase_add_test (tc, test_write_description_refused);
  tcase_add_test (tc, test_write_candidate);
  tcase_add_test (tc, test_write_end);
  tcase_add_test (tc, test_producer_file);
  tcase_add_test (tc, test_request_file);
  tcase_add_test (tc, test_lookup_field);
  tcase_add_test (tc, test_valid_instance);

  return s;
}

GST_CHECK_MAIN (directorymessages);
