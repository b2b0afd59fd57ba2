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

/* The reliable transfer mode end to end, as a user meets it: icesink
 * transfer-mode=reliable and an icesrc that sets nothing, on loopback
 * with the in-process relay signaller; random bytes in buffers of any
 * size that must arrive byte for byte (SHA-256) followed by EOS, encrypted
 * or not, through an ICE restart, and real files (Matroska, MPEG-TS)
 * remuxed at the receiver that must hold every frame. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>

#include "icetestutil.h"
#include "relaysignaller.h"
#include "testdir.h"

#define TIMEOUT (60 * GST_SECOND)
#define SEED 0x1ce5eed
/* a few MiB, in buffers of 1 byte to 64 KiB */
#define STREAM_SIZE (3 * 1024 * 1024 + 12345)
#define MAX_BUFFER_SIZE 65536
#define FRAMES 60

static GstElement *
start (GstElement * pipeline)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return pipeline;
}

/* Pushes @total seeded random bytes in buffers of random sizes, then
 * EOS.  Returns their SHA-256. */
static gchar *
push_random (GstElement * producer, gsize total)
{
  GstElement *src = test_get (producer, "src");
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  GRand *rand = g_rand_new_with_seed (SEED);
  gsize sent = 0, i;
  gchar *hex;

  while (sent < total) {
    gsize size = g_rand_int_range (rand, 1, MAX_BUFFER_SIZE + 1);
    GstBuffer *buffer;
    GstMapInfo map;

    size = MIN (size, total - sent);
    buffer = gst_buffer_new_allocate (NULL, size, NULL);
    gst_buffer_map (buffer, &map, GST_MAP_WRITE);
    for (i = 0; i < size; i++)
      map.data[i] = g_rand_int (rand) & 0xff;
    g_checksum_update (sum, map.data, size);
    gst_buffer_unmap (buffer, &map);
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src),
            buffer), GST_FLOW_OK);
    sent += size;
  }
  fail_unless_equals_int (gst_app_src_end_of_stream (GST_APP_SRC (src)),
      GST_FLOW_OK);
  hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  g_rand_free (rand);
  return hex;
}

typedef struct
{
  guint64 bytes;
  guint buffers;
  gboolean eos;
  gboolean first_discont;
  gboolean timestamped;
  GstCaps *caps;
  gchar *sha256;
} Received;

static void
received_clear (Received * r)
{
  gst_clear_caps (&r->caps);
  g_free (r->sha256);
}

/* Takes everything the consumer outputs until EOS (or TIMEOUT), after
 * @first (nullable) that the test pulled already. */
static void
pull_all (GstElement * consumer, GstSample * first, Received * r)
{
  GstAppSink *sink = GST_APP_SINK (test_get (consumer, "sink"));
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT / GST_USECOND;
  GstSample *sample = first ? gst_sample_ref (first) : NULL;

  memset (r, 0, sizeof (*r));
  if (sample == NULL)
    sample = gst_app_sink_try_pull_sample (sink, TIMEOUT);
  for (; sample; sample = gst_app_sink_try_pull_sample (sink,
          (deadline - g_get_monotonic_time ()) * GST_USECOND)) {
    GstBuffer *buffer = gst_sample_get_buffer (sample);
    GstMapInfo map;

    if (r->buffers == 0) {
      r->first_discont = GST_BUFFER_IS_DISCONT (buffer);
      if (gst_sample_get_caps (sample))
        r->caps = gst_caps_ref (gst_sample_get_caps (sample));
    }
    /* GstBaseSrc stamps the first buffer of a live source 0 */
    if (r->buffers > 0 && GST_BUFFER_PTS_IS_VALID (buffer))
      r->timestamped = TRUE;
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    g_checksum_update (sum, map.data, map.size);
    r->bytes += map.size;
    gst_buffer_unmap (buffer, &map);
    r->buffers++;
    gst_sample_unref (sample);
    if (g_get_monotonic_time () > deadline)
      break;
  }
  r->eos = gst_app_sink_is_eos (sink);
  r->sha256 = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
}

static void
stream_random_bytes (const gchar * extra)
{
  gchar *props = g_strdup_printf ("peer-id=cam transfer-mode=reliable "
      "signaller-type=TestRelaySignaller %s", extra);
  GstElement *producer, *consumer;
  gchar *sent, *src_props;
  GstCaps *caps = gst_caps_from_string (TEST_CAPS);
  GstMessage *msg;
  Received r;

  test_relay_init ();
  producer = start (test_producer_new (props));
  src_props = g_strdup_printf ("signaller-type=TestRelaySignaller %s", extra);
  consumer = start (test_consumer_new (src_props));

  sent = push_random (producer, STREAM_SIZE);
  pull_all (consumer, NULL, &r);
  fail_unless_equals_uint64 (r.bytes, STREAM_SIZE);
  fail_unless_equals_string (r.sha256, sent);
  fail_unless (r.eos, "no EOS after the last byte");
  /* the producer's caps, no timestamps, a fresh stream */
  fail_unless (r.caps != NULL);
  fail_unless (gst_caps_is_equal (r.caps, caps));
  fail_if (r.timestamped, "bytes of a reliable stream have no time");
  fail_unless (r.first_discont);
  /* icesink posts EOS only once the consumer has the whole stream */
  msg = test_wait_message (producer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the producer never posted EOS");
  gst_message_unref (msg);

  test_assert_no_error (producer);
  test_assert_no_error (consumer);
  received_clear (&r);
  gst_caps_unref (caps);
  g_free (sent);
  g_free (src_props);
  g_free (props);
  test_stop (consumer);
  test_stop (producer);
}

GST_START_TEST (test_random_bytes_encrypted)
{
  stream_random_bytes ("");
}

GST_END_TEST;

GST_START_TEST (test_random_bytes_plaintext)
{
  stream_random_bytes ("encryption=false");
}

GST_END_TEST;

/* An ICE restart in the middle of the stream: the stream sits above the
 * path, so not one byte is lost or repeated. */
GST_START_TEST (test_ice_restart_keeps_stream)
{
  GstElement *producer, *consumer;
  GstAppSink *sink;
  GstSample *sample;
  gchar *sent;
  GstMessage *msg;
  Received r;

  test_relay_init ();
  producer = start (test_producer_new ("peer-id=cam transfer-mode=reliable "
          "signaller-type=TestRelaySignaller"));
  /* downstream takes one buffer at a time: the stream is still going
   * when the restart comes */
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  sink = GST_APP_SINK (test_get (consumer, "sink"));
  g_object_set (sink, "max-buffers", 1, NULL);
  start (consumer);

  sent = push_random (producer, STREAM_SIZE);
  sample = gst_app_sink_try_pull_sample (sink, TIMEOUT);
  fail_unless (sample != NULL);
  g_signal_emit_by_name (test_get (consumer, "src"), "restart-ice");
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-restart",
      TIMEOUT);
  fail_unless (msg != NULL, "no ICE restart");
  gst_message_unref (msg);

  pull_all (consumer, sample, &r);
  msg = test_wait_message (consumer, GST_MESSAGE_ELEMENT, "ice-restart-done",
      TIMEOUT);
  fail_unless (msg != NULL, "the restart never completed");
  gst_message_unref (msg);
  fail_unless_equals_uint64 (r.bytes, STREAM_SIZE);
  fail_unless_equals_string (r.sha256, sent);
  fail_unless (r.eos);

  gst_sample_unref (sample);
  test_assert_no_error (consumer);
  received_clear (&r);
  g_free (sent);
  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

/* A producer that stops as soon as it posted EOS (as an application
 * does) while its consumer has not read the end yet: what arrived is read
 * to the last byte, then EOS, and no warning that the producer left. */
GST_START_TEST (test_producer_leaves_after_its_end)
{
  GstElement *producer, *consumer;
  gchar *sent;
  GstMessage *msg;
  Received r;

  test_relay_init ();
  producer = start (test_producer_new ("peer-id=cam transfer-mode=reliable "
          "signaller-type=TestRelaySignaller"));
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller");
  /* downstream takes nothing yet: the stream waits in icesrc, less than
   * the stream's window, all acknowledged */
  g_object_set (test_get (consumer, "sink"), "max-buffers", 1, NULL);
  start (consumer);

  sent = push_random (producer, 512 * 1024);
  msg = test_wait_message (producer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the producer never posted EOS");
  gst_message_unref (msg);
  test_stop (producer);

  pull_all (consumer, NULL, &r);
  fail_unless_equals_uint64 (r.bytes, 512 * 1024);
  fail_unless_equals_string (r.sha256, sent);
  fail_unless (r.eos);
  fail_if (gst_bus_have_pending (GST_ELEMENT_BUS (consumer)) &&
      (msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (consumer),
              GST_MESSAGE_WARNING | GST_MESSAGE_ERROR)) != NULL,
      "unexpected message: %" GST_PTR_FORMAT, msg);

  received_clear (&r);
  g_free (sent);
  test_stop (consumer);
}

GST_END_TEST;

/* A consumer whose pipeline takes nothing: its stream fills, icesink
 * waits stall-timeout, then drops it with a warning naming it, and the
 * stream goes on to its end for the others (here none). */
GST_START_TEST (test_stalled_consumer_is_dropped)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  gchar *sent, *text;
  GstMessage *msg;

  test_relay_init ();
  producer = test_producer_new ("peer-id=cam transfer-mode=reliable "
      "stall-timeout=2 signaller-type=TestRelaySignaller");
  test_count_peers (producer, &added, &removed);
  start (producer);
  consumer = test_consumer_new ("signaller-type=TestRelaySignaller "
      "peer-id=viewer");
  g_object_set (test_get (consumer, "sink"), "max-buffers", 1, NULL);
  start (consumer);

  /* more than both ends' buffers hold */
  sent = push_random (producer, 8 * 1024 * 1024);
  msg = test_wait_message (producer, GST_MESSAGE_WARNING, NULL, TIMEOUT);
  fail_unless (msg != NULL, "no warning about the stalled consumer");
  text = test_message_text (msg);
  fail_unless (strstr (text, "consumer 'viewer' took no data for 2 s") !=
      NULL, "%s", text);
  fail_unless (strstr (text, "stall-timeout") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  fail_unless (test_wait_count (&removed, 1, TIMEOUT));
  /* a consumer left as it is would ask for a new session and stall again
   * until all 8 MiB went through that way: stop it, and let the producer
   * go on without consumers */
  test_stop (consumer);
  g_object_set (test_get (producer, "sink"), "wait-for-connection", FALSE,
      NULL);
  /* no consumer left: the end is reached at once */
  msg = test_wait_message (producer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the producer never posted EOS");
  gst_message_unref (msg);

  g_free (sent);
  test_stop (producer);
}

GST_END_TEST;

static gchar *
drop_consumer_mode (GstIceSignallerRole role, const gchar * text,
    gpointer user_data)
{
  gchar **parts;
  gchar *out;

  if (role != GST_ICE_SIGNALLER_ROLE_CONSUMER)
    return g_strdup (text);
  parts = g_strsplit (text, "a=x-gst-transfer-mode:reliable\r\n", -1);
  out = g_strjoinv ("", parts);
  g_strfreev (parts);
  return out;
}

/* A consumer that does not follow the mode (a gst-ice from before it, as
 * a tampering relay makes it look) is refused with a warning saying so. */
GST_START_TEST (test_consumer_not_following_is_refused)
{
  GstElement *producer, *consumer;
  gint added = 0, removed = 0;
  GstMessage *msg;
  gchar *text;

  test_relay_init ();
  test_relay_set_tamper (drop_consumer_mode, NULL);
  producer = test_producer_new ("peer-id=cam transfer-mode=reliable "
      "signaller-type=TestRelaySignaller wait-for-connection=false");
  test_count_peers (producer, &added, &removed);
  start (producer);
  consumer = start (test_consumer_new ("signaller-type=TestRelaySignaller "
          "peer-id=old"));

  msg = test_wait_message (producer, GST_MESSAGE_WARNING, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the producer did not warn");
  text = test_message_text (msg);
  fail_unless (strstr (text, "refused consumer 'old': consumer 'old' does "
          "not follow transfer-mode=reliable") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  fail_unless_equals_int (g_atomic_int_get (&added), 0);

  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

static gchar *
unknown_producer_mode (GstIceSignallerRole role, const gchar * text,
    gpointer user_data)
{
  gchar **parts;
  gchar *out;

  if (role != GST_ICE_SIGNALLER_ROLE_PRODUCER)
    return g_strdup (text);
  parts = g_strsplit (text, "a=x-gst-transfer-mode:reliable", -1);
  out = g_strjoinv ("a=x-gst-transfer-mode:teleport", parts);
  g_strfreev (parts);
  return out;
}

/* A producer in a mode this gst-ice does not know: the consumer stops
 * with an error naming the mode, and outputs nothing. */
GST_START_TEST (test_unknown_producer_mode_is_an_error)
{
  GstElement *producer, *consumer;
  GstMessage *msg;
  gchar *text;

  test_relay_init ();
  test_relay_set_tamper (unknown_producer_mode, NULL);
  producer = start (test_producer_new ("peer-id=cam transfer-mode=reliable "
          "signaller-type=TestRelaySignaller wait-for-connection=false"));
  consumer = start (test_consumer_new ("signaller-type=TestRelaySignaller"));

  msg = test_wait_message (consumer, GST_MESSAGE_ERROR, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the consumer did not refuse the producer");
  text = test_message_text (msg);
  fail_unless (strstr (text, "producer 'cam' uses the transfer mode "
          "'teleport', which this gst-ice does not know") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);

  test_stop (consumer);
  test_stop (producer);
}

GST_END_TEST;

static void
count_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    guint * count)
{
  (*count)++;
}

/* Runs @desc to EOS; returns how many buffers reached its fakesink named
 * "sink", if it has one. */
static guint
run_to_eos (const gchar * desc)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *sink;
  GstMessage *msg;
  guint frames = 0;

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (sink) {
    g_object_set (sink, "signal-handoffs", TRUE, NULL);
    g_signal_connect (sink, "handoff", G_CALLBACK (count_handoff), &frames);
    gst_object_unref (sink);
  }
  start (pipeline);
  msg = test_wait_message (pipeline, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "%s did not reach EOS", desc);
  gst_message_unref (msg);
  test_stop (pipeline);
  return frames;
}

/* @desc with FILE replaced by @path */
static gchar *
with_file (const gchar * desc, const gchar * path)
{
  gchar **parts = g_strsplit (desc, "FILE", -1);
  gchar *out = g_strjoinv (path, parts);

  g_strfreev (parts);
  return out;
}

/* A file made here (@make: FILE is where it goes) is sent with filesrc !
 * icesink transfer-mode=reliable, remuxed to Matroska at the receiver
 * (@remux), and must hold every frame the clip has (@count_clip counts
 * them in the clip named FILE). */
static void
send_file_and_remux (const gchar * make, const gchar * remux,
    const gchar * count_clip)
{
  gchar *dir = test_dir_new ("gst-ice-reliable");
  gchar *clip = g_build_filename (dir, "clip", NULL);
  gchar *out = g_build_filename (dir, "out.mkv", NULL);
  GstElement *producer, *consumer;
  GError *err = NULL;
  GstMessage *msg;
  gchar *desc;

  desc = with_file (make, clip);
  run_to_eos (desc);
  g_free (desc);
  desc = with_file (count_clip, clip);
  fail_unless_equals_int (run_to_eos (desc), FRAMES);
  g_free (desc);

  test_relay_init ();
  desc = g_strdup_printf ("filesrc location=%s ! icesink name=sink "
      "local-addresses=127.0.0.1 transfer-mode=reliable peer-id=cam "
      "signaller-type=TestRelaySignaller", clip);
  producer = gst_parse_launch (desc, &err);
  fail_unless (producer != NULL, "%s", err ? err->message : "?");
  g_free (desc);
  desc = g_strdup_printf ("icesrc name=src local-addresses=127.0.0.1 "
      "signaller-type=TestRelaySignaller ! %s ! filesink location=%s", remux,
      out);
  consumer = gst_parse_launch (desc, &err);
  fail_unless (consumer != NULL, "%s", err ? err->message : "?");
  g_free (desc);
  start (producer);
  start (consumer);

  /* the receiver's file ends: the producer closed its stream cleanly */
  msg = test_wait_message (consumer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the receiver never reached EOS");
  gst_message_unref (msg);
  msg = test_wait_message (producer, GST_MESSAGE_EOS, NULL, TIMEOUT);
  fail_unless (msg != NULL, "the producer never posted EOS");
  gst_message_unref (msg);
  test_stop (consumer);
  test_stop (producer);

  /* the copy plays to the end: every frame the clip has */
  desc = with_file ("filesrc location=FILE ! matroskademux ! "
      "fakesink name=sink", out);
  fail_unless_equals_int (run_to_eos (desc), FRAMES);
  g_free (desc);

  test_dir_remove (dir);
  g_free (out);
  g_free (clip);
  g_free (dir);
}

#define CLIP_VIDEO "videotestsrc num-buffers=60 ! " \
  "video/x-raw,width=320,height=240,framerate=30/1 ! x264enc ! "

GST_START_TEST (test_matroska_file_remuxed)
{
  send_file_and_remux (CLIP_VIDEO "matroskamux ! filesink location=FILE",
      "matroskademux ! queue ! matroskamux",
      "filesrc location=FILE ! matroskademux ! fakesink name=sink");
}

GST_END_TEST;

GST_START_TEST (test_mpegts_file_remuxed)
{
  send_file_and_remux (CLIP_VIDEO "mpegtsmux ! filesink location=FILE",
      "tsdemux ! h264parse ! matroskamux",
      "filesrc location=FILE ! tsdemux ! fakesink name=sink");
}

GST_END_TEST;

static gboolean
have_elements (const gchar * const *names)
{
  for (; *names; names++) {
    GstElementFactory *factory = gst_element_factory_find (*names);

    if (factory == NULL) {
      g_print ("SKIP: %s is not installed\n", *names);
      return FALSE;
    }
    gst_object_unref (factory);
  }
  return TRUE;
}

static Suite *
reliable_suite (void)
{
  static const gchar *const matroska[] = { "x264enc", "matroskamux",
    "matroskademux", NULL
  };
  static const gchar *const mpegts[] = { "x264enc", "mpegtsmux", "tsdemux",
    "h264parse", "matroskamux", "matroskademux", NULL
  };
  Suite *s = suite_create ("reliable");
  TCase *tc = tcase_create ("loopback");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_random_bytes_encrypted);
  tcase_add_test (tc, test_random_bytes_plaintext);
  tcase_add_test (tc, test_ice_restart_keeps_stream);
  tcase_add_test (tc, test_producer_leaves_after_its_end);
  tcase_add_test (tc, test_stalled_consumer_is_dropped);
  tcase_add_test (tc, test_consumer_not_following_is_refused);
  tcase_add_test (tc, test_unknown_producer_mode_is_an_error);
  if (have_elements (matroska))
    tcase_add_test (tc, test_matroska_file_remuxed);
  /* tsdemux, mpegtsmux and h264parse come with gst-plugins-bad */
  if (have_elements (mpegts))
    tcase_add_test (tc, test_mpegts_file_remuxed);
  else
    g_print ("SKIP: the MPEG-TS file test (apt-get install "
        "gstreamer1.0-plugins-bad)\n");
  return s;
}

GST_CHECK_MAIN (reliable);
