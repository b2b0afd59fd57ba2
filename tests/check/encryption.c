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

/* DTLS end to end, as a user meets it: icesink and icesrc pipelines on
 * loopback, a real signalling server or the in-process relay signaller
 * (which can tamper with descriptions like a compromised server), real
 * certificates made by the openssl command. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>

#include "dtlstestutil.h"
#include "icetestutil.h"
#include "relaysignaller.h"
#include "testdir.h"

#define TIMEOUT (20 * GST_SECOND)
#define N_BUFFERS 100

static GstElement *
start (GstElement * pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

static gchar *
get_string (GstElement * pipeline, const gchar * element, const gchar * name)
{
  gchar *value = NULL;

  g_object_get (test_get (pipeline, element), name, &value, NULL);
  return value;
}

/* the ice-dtls-state-changed message with @state, or NULL after @timeout */
static GstMessage *
wait_dtls_state (GstElement * pipeline, const gchar * state)
{
  GstMessage *msg;

  while ((msg = test_wait_message (pipeline, GST_MESSAGE_ELEMENT,
              "ice-dtls-state-changed", TIMEOUT)) != NULL) {
    if (g_strcmp0 (gst_structure_get_string (gst_message_get_structure (msg),
                "state"), state) == 0)
      return msg;
    gst_message_unref (msg);
  }
  return NULL;
}

/* the text of the next message of @type (an error or a warning) */
static gchar *
wait_text (GstElement * pipeline, GstMessageType type)
{
  GstMessage *msg = test_wait_message (pipeline, type, NULL, TIMEOUT);
  gchar *text;

  fail_unless (msg != NULL, "no %s", gst_message_type_get_name (type));
  text = test_message_text (msg);
  gst_message_unref (msg);
  return text;
}

/* With the README's defaults: both sides encrypt, each authenticates the
 * other, and the stream arrives whole. */
GST_START_TEST (test_default_streams_encrypted)
{
  TestServer *server = test_server_start ();
  gchar *props = g_strdup_printf ("peer-id=cam signaller::uri=%s",
      server->uri);
  GstElement *producer = start (test_producer_new (props));
  GstElement *consumer;
  gchar *producer_fp, *consumer_fp;
  GstMessage *msg;
  const GstStructure *s;
  GstStructure *stats, *session;
  gint added = 0, removed = 0;

  g_free (props);
  props = g_strdup_printf ("signaller::uri=%s", server->uri);
  consumer = start (test_consumer_new (props));
  g_free (props);
  test_count_peers (producer, &added, &removed);

  producer_fp = get_string (producer, "sink", "fingerprint");
  consumer_fp = get_string (consumer, "src", "fingerprint");
  fail_unless (g_str_has_prefix (producer_fp, "sha-256 "), "%s", producer_fp);
  fail_unless (g_strcmp0 (producer_fp, consumer_fp) != 0);

  /* the consumer saw the producer's certificate, and the reverse */
  msg = wait_dtls_state (consumer, "connected");
  fail_unless (msg != NULL, "the consumer's DTLS never connected");
  s = gst_message_get_structure (msg);
  fail_unless_equals_string (gst_structure_get_string (s, "peer-fingerprint"),
      producer_fp + strlen ("sha-256 "));
  fail_unless (strstr (gst_structure_get_string (s, "cipher"), "GCM") ||
      strstr (gst_structure_get_string (s, "cipher"), "CHACHA20"), "%s",
      gst_structure_get_string (s, "cipher"));
  gst_message_unref (msg);
  msg = wait_dtls_state (producer, "connected");
  fail_unless (msg != NULL, "the producer's DTLS never connected");
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (msg), "peer-fingerprint"),
      consumer_fp + strlen ("sha-256 "));
  gst_message_unref (msg);

  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          NULL), N_BUFFERS);

  g_object_get (test_get (consumer, "src"), "stats", &stats, NULL);
  session = g_value_get_boxed (gst_structure_get_value (stats,
          gst_structure_nth_field_name (stats, 0)));
  fail_unless_equals_string (gst_structure_get_string (session,
          "dtls-state"), "connected");
  gst_structure_free (stats);

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  g_free (producer_fp);
  g_free (consumer_fp);
  test_stop (consumer);
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

/* A compromised signalling server swaps the producer's fingerprint for
 * its own: the consumer refuses the producer, says why, and outputs
 * nothing. */
static gchar *
swap_producer_fingerprint (GstIceSignallerRole role, const gchar * text,
    gpointer user_data)
{
  gchar *out = g_strdup (text);
  gchar *fp = strstr (out, "a=fingerprint:sha-256 ");

  if (role == GST_ICE_SIGNALLER_ROLE_PRODUCER && fp != NULL) {
    gchar *digit = fp + strlen ("a=fingerprint:sha-256 ");

    /* one hex digit changed: another certificate */
    *digit = *digit == '0' ? '1' : '0';
  }
  return out;
}

GST_START_TEST (test_tampered_fingerprint_fails_closed)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  gchar *text, *producer_fp;

  test_relay_init ();
  test_relay_set_tamper (swap_producer_fingerprint, NULL);
  producer = start (test_producer_new ("peer-id=cam "
          "signaller-type=TestRelaySignaller wait-for-connection=false"));
  test_count_peers (producer, &added, &removed);
  consumer = start (test_consumer_new ("signaller-type=TestRelaySignaller"));

  text = wait_text (consumer, GST_MESSAGE_ERROR);
  producer_fp = get_string (producer, "sink", "fingerprint");
  fail_unless (strstr (text, "refused producer 'cam'") != NULL, "%s", text);
  fail_unless (strstr (text, "does not match the signalled") != NULL, "%s",
      text);
  /* the real one, the one the server signalled differs */
  fail_unless (strstr (text, producer_fp + strlen ("sha-256 ")) != NULL,
      "%s", text);
  g_free (text);

  /* the producer never counted it as a viewer; nothing reached the sink */
  test_push_numbered (producer, 0, 20, 1000);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 20, GST_SECOND,
          NULL), 0);
  fail_unless_equals_int (g_atomic_int_get (&added), 0);

  g_free (producer_fp);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* A producer that does not encrypt is refused by one that does, with a
 * message that says how to talk to it anyway. */
GST_START_TEST (test_plaintext_producer_refused)
{
  GstElement *producer, *consumer;
  gchar *text;

  test_relay_init ();
  producer = start (test_producer_new ("peer-id=cam encryption=false "
          "signaller-type=TestRelaySignaller"));
  text = wait_text (producer, GST_MESSAGE_WARNING);
  fail_unless (strstr (text, "encryption=false: the stream travels in "
          "plaintext") != NULL, "%s", text);
  g_free (text);

  consumer = start (test_consumer_new ("signaller-type=TestRelaySignaller"));
  text = wait_text (consumer, GST_MESSAGE_ERROR);
  fail_unless (strstr (text, "producer 'cam' does not encrypt: its "
          "description has no a=fingerprint") != NULL, "%s", text);
  fail_unless (strstr (text, "encryption=false on both sides") != NULL, "%s",
      text);
  g_free (text);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* encryption=false on both sides: plain ICE, as before DTLS */
GST_START_TEST (test_both_plaintext_streams)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  GstStructure *stats, *session;

  test_relay_init ();
  producer = start (test_producer_new ("peer-id=cam encryption=false "
          "signaller-type=TestRelaySignaller"));
  test_count_peers (producer, &added, &removed);
  consumer = start (test_consumer_new ("encryption=false "
          "signaller-type=TestRelaySignaller"));
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, N_BUFFERS, TIMEOUT,
          NULL), N_BUFFERS);

  g_object_get (test_get (consumer, "src"), "stats", &stats, NULL);
  session = g_value_get_boxed (gst_structure_get_value (stats,
          gst_structure_nth_field_name (stats, 0)));
  fail_if (gst_structure_has_field (session, "dtls-state"));
  gst_structure_free (stats);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* A camera keeps its identity across restarts with PEM files: the
 * fingerprint is the file's (as openssl prints it) every time. */
GST_START_TEST (test_certificate_files_keep_fingerprint)
{
  gchar *dir = test_dir_new ("gst-ice-encryption");
  gchar *cert, *key, *expected, *props, *run1_fp, *run2_fp, *generated;
  GstElement *pipeline;

  fail_unless (test_have_openssl (), "the openssl command makes the test's "
      "certificates: apt-get install openssl");
  test_make_certificate_files (dir, "camera", "ec", &cert, &key);
  expected = test_openssl_fingerprint (dir, cert);
  props = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "certificate-file=%s private-key-file=%s", cert, key);
  test_relay_init ();

  pipeline = test_producer_new (props);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  run1_fp = get_string (pipeline, "sink", "fingerprint");
  test_stop (pipeline);
  pipeline = test_producer_new (props);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  run2_fp = get_string (pipeline, "sink", "fingerprint");
  test_stop (pipeline);

  fail_unless_equals_string (run1_fp, run2_fp);
  fail_unless (g_ascii_strcasecmp (run1_fp + strlen ("sha-256 "),
          expected) == 0, "%s is not openssl's %s", run1_fp, expected);

  /* without files, each element makes its own */
  pipeline = test_producer_new ("signaller-type=TestRelaySignaller");
  gst_element_set_state (pipeline, GST_STATE_READY);
  generated = get_string (pipeline, "sink", "fingerprint");
  fail_unless (generated != NULL && g_strcmp0 (generated, run1_fp) != 0);
  test_stop (pipeline);

  g_free (generated);
  g_free (run1_fp);
  g_free (run2_fp);
  g_free (props);
  g_free (expected);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

/* A key that is not the certificate's: the change to READY fails and the
 * error names the file. */
GST_START_TEST (test_mismatched_key_file)
{
  gchar *dir = test_dir_new ("gst-ice-encryption");
  gchar *cert_a, *key_a, *cert_b, *key_b, *props;
  GstElement *pipeline;
  GstMessage *msg;
  gchar *text;

  fail_unless (test_have_openssl (), "the openssl command makes the test's "
      "certificates: apt-get install openssl");
  test_make_certificate_files (dir, "a", "ec", &cert_a, &key_a);
  test_make_certificate_files (dir, "b", "ec", &cert_b, &key_b);
  props = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "certificate-file=%s private-key-file=%s", cert_a, key_b);
  test_relay_init ();
  pipeline = test_producer_new (props);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = test_wait_message (pipeline, GST_MESSAGE_ERROR, NULL, TIMEOUT);
  fail_unless (msg != NULL);
  text = test_message_text (msg);
  fail_unless (strstr (text, key_b) != NULL || strstr (text, cert_a) != NULL,
      "%s", text);
  g_free (text);
  gst_message_unref (msg);
  test_stop (pipeline);

  g_free (props);
  g_free (cert_a);
  g_free (key_a);
  g_free (cert_b);
  g_free (key_b);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

/* Pinning: the producer named in producer-fingerprints streams; with any
 * other pinned, it is refused even though the signalling is honest. */
GST_START_TEST (test_pinned_producer)
{
  GstElement *producer, *consumer;
  gchar *fp, *props, *text;
  gint added = 0, removed = 0;

  test_relay_init ();
  producer = start (test_producer_new ("peer-id=cam "
          "signaller-type=TestRelaySignaller"));
  test_count_peers (producer, &added, &removed);
  fp = get_string (producer, "sink", "fingerprint");

  /* the right one, written as the property shows it */
  props = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "producer-fingerprints=\"%s\"", fp);
  consumer = start (test_consumer_new (props));
  g_free (props);
  fail_unless (test_wait_count (&added, 1, TIMEOUT));
  test_push_numbered (producer, 0, 20, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 20, TIMEOUT, NULL),
      20);
  test_assert_no_error (consumer);
  test_stop (consumer);

  /* another one, written without its sha-256 prefix */
  props = g_strdup_printf ("signaller-type=TestRelaySignaller "
      "producer-fingerprints=00%s", fp + strlen ("sha-256 ") + 2);
  consumer = start (test_consumer_new (props));
  g_free (props);
  text = wait_text (consumer, GST_MESSAGE_ERROR);
  fail_unless (strstr (text, "not in producer-fingerprints") != NULL, "%s",
      text);
  fail_unless (strstr (text, fp) != NULL, "%s", text);
  g_free (text);
  test_push_numbered (producer, 20, 20, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 20, 20, GST_SECOND,
          NULL), 0);
  test_stop (consumer);

  g_free (fp);
  test_stop (producer);
}

GST_END_TEST;

/* icesink serves only the consumers it was told of: another one is
 * refused with a warning and gets nothing. */
GST_START_TEST (test_pinned_consumer)
{
  GstElement *producer, *consumer;
  gchar *props, *text, *consumer_fp;
  gint added = 0, removed = 0;

  test_relay_init ();
  /* a valid fingerprint of no one */
  props = g_strdup_printf ("peer-id=cam signaller-type=TestRelaySignaller "
      "wait-for-connection=false consumer-fingerprints=%s",
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
  producer = start (test_producer_new (props));
  g_free (props);
  test_count_peers (producer, &added, &removed);
  consumer = start (test_consumer_new ("signaller-type=TestRelaySignaller"));
  consumer_fp = get_string (consumer, "src", "fingerprint");

  text = wait_text (producer, GST_MESSAGE_WARNING);
  fail_unless (strstr (text, "refused consumer") != NULL, "%s", text);
  fail_unless (strstr (text, consumer_fp) != NULL, "%s", text);
  fail_unless (strstr (text, "not in consumer-fingerprints") != NULL, "%s",
      text);
  g_free (text);
  test_push_numbered (producer, 0, 20, 500);
  fail_unless_equals_int (test_pull_numbered (consumer, 0, 20, GST_SECOND,
          NULL), 0);
  fail_unless_equals_int (g_atomic_int_get (&added), 0);

  g_free (consumer_fp);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* A pin that is no fingerprint: the change to READY fails naming it. */
GST_START_TEST (test_bad_pin_refused_at_ready)
{
  GstElement *pipeline;
  GstMessage *msg;
  gchar *text;

  test_relay_init ();
  pipeline = test_consumer_new ("signaller-type=TestRelaySignaller "
      "producer-fingerprints=AB:CD");
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = test_wait_message (pipeline, GST_MESSAGE_ERROR, NULL, TIMEOUT);
  fail_unless (msg != NULL);
  text = test_message_text (msg);
  fail_unless (strstr (text, "producer-fingerprints entry 'AB:CD' is not a "
          "SHA-256 certificate fingerprint") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  test_stop (pipeline);
}

GST_END_TEST;

/* Three consumers at once: three handshakes, three peers authenticated,
 * one encode, all of them receive every buffer. */
GST_START_TEST (test_three_consumers_each_handshake)
{
  TestServer *server = test_server_start ();
  gchar *props = g_strdup_printf ("peer-id=cam signaller::uri=%s",
      server->uri);
  GstElement *producer = start (test_producer_new (props));
  GstElement *consumers[3];
  gchar *fingerprints[3];
  gint added = 0, removed = 0;
  guint i, j;

  g_free (props);
  test_count_peers (producer, &added, &removed);
  props = g_strdup_printf ("signaller::uri=%s", server->uri);
  for (i = 0; i < 3; i++)
    consumers[i] = start (test_consumer_new (props));
  g_free (props);

  /* the producer authenticated each consumer by its own certificate */
  for (i = 0; i < 3; i++) {
    GstMessage *msg = wait_dtls_state (producer, "connected");

    fail_unless (msg != NULL, "only %u handshakes completed", i);
    fingerprints[i] = g_strdup (gst_structure_get_string
        (gst_message_get_structure (msg), "peer-fingerprint"));
    for (j = 0; j < i; j++)
      fail_unless (g_strcmp0 (fingerprints[i], fingerprints[j]) != 0);
    gst_message_unref (msg);
  }

  fail_unless (test_wait_count (&added, 3, TIMEOUT));
  test_push_numbered (producer, 0, N_BUFFERS, 500);
  for (i = 0; i < 3; i++) {
    fail_unless_equals_int (test_pull_numbered (consumers[i], 0, N_BUFFERS,
            TIMEOUT, NULL), N_BUFFERS);
    test_assert_no_error (consumers[i]);
    test_stop (consumers[i]);
    g_free (fingerprints[i]);
  }
  test_stop (producer);
  test_server_stop (server);
}

GST_END_TEST;

static Suite *
encryption_suite (void)
{
  Suite *s = suite_create ("encryption");
  TCase *tc = tcase_create ("dtls");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_default_streams_encrypted);
  tcase_add_test (tc, test_tampered_fingerprint_fails_closed);
  tcase_add_test (tc, test_plaintext_producer_refused);
  tcase_add_test (tc, test_both_plaintext_streams);
  tcase_add_test (tc, test_certificate_files_keep_fingerprint);
  tcase_add_test (tc, test_mismatched_key_file);
  tcase_add_test (tc, test_pinned_producer);
  tcase_add_test (tc, test_pinned_consumer);
  tcase_add_test (tc, test_bad_pin_refused_at_ready);
  tcase_add_test (tc, test_three_consumers_each_handshake);
  return s;
}

GST_CHECK_MAIN (encryption);
