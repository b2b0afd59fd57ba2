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

/* One side of a NAT lab cell, run inside a host namespace by natlab.py.
 *
 *   nat-peer send "ICESINK PROPERTIES" COUNT
 *   nat-peer recv "ICESRC PROPERTIES" COUNT
 *
 * The sender waits for its consumer, then sends COUNT numbered RTP packets
 * (one every 5 ms, or NAT_PEER_INTERVAL_MS) through a real icesink.  The receiver checks each packet
 * through a real icesrc: RTP header, sequence number and every payload byte.
 * It stops 3 s (or NAT_PEER_IDLE_S) after the last packet.  Both print one
 * JSON object on stdout: what a user would look at (packets, selected pair,
 * time to the first packet, warning and error texts, the longest gap and
 * how many packets came after it).
 *
 * With NAT_PEER_MODE=reliable, COUNT is KiB: the sender streams that many
 * seeded random bytes (NAT_PEER_SEED) in buffers of random sizes through
 * icesink transfer-mode=reliable, then EOS, and ends once icesink posted
 * EOS (every consumer has it all); the receiver makes the same bytes from
 * the seed, compares each one it gets and both SHA-256 sums, and ends at
 * EOS.  Both add bytes, sha256, expected-sha256 (receiver), first-mismatch,
 * eos and seconds (sender: from the consumer joining to EOS; receiver:
 * from the first byte to EOS) to their JSON. */

#include <string.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/app/app.h>
#include <json-glib/json-glib.h>

#define RTP_HEADER_SIZE 12
#define PAYLOAD_TYPE 96
#define DEFAULT_SEND_INTERVAL_MS 5
/* the transport gives up on a session after 20 s without a working pair */
#define CONNECT_TIMEOUT_S 45
#define DEFAULT_IDLE_TIMEOUT_S 3
/* a pause longer than this is a gap: the path was cut */
#define GAP_MS 1000
#define SENDER_LINGER_S 15
/* reliable mode: the bytes at offset i are those of block i / BLOCK_SIZE,
 * made by a generator seeded with the seed and the block number, so that
 * the receiver can make them again in any chunking */
#define BLOCK_SIZE 65536
#define DEFAULT_SEED 20260
#define MAX_CHUNK 65536

typedef struct
{
  gboolean sender;
  guint count;
  GstElement *pipeline;
  GMainLoop *loop;

  gint64 playing_time;
  gint64 first_packet_time;
  gint64 last_packet_time;
  guint sent;
  guint received;
  guint duplicates;
  guint corrupt;
  guint8 *seen;
  GstStructure *pair;
  gchar *dtls_cipher;           /* once a DTLS handshake completed */
  guint restarts;               /* ICE restarts begun */
  gint64 resume_ms;             /* the last restart's time to resume, or -1 */
  gchar *error;
  gchar *warning;
  gboolean peer_joined;
  guint send_interval_ms;
  guint idle_timeout_s;
  gint64 longest_gap;
  guint received_after_gap;

  /* NAT_PEER_MODE=reliable */
  gboolean reliable;
  guint32 seed;
  guint64 total;                /* bytes to send / expected */
  guint64 bytes;                /* sent / received so far */
  GRand *chunks;                /* the sender's buffer sizes */
  guint8 *block;                /* the block of the stream at @block_index */
  guint64 block_index;
  GChecksum *sum;               /* of the bytes sent / received */
  GChecksum *expected;          /* receiver: of the bytes expected */
  gint64 first_mismatch;
  gboolean eos;
  gint64 start_time;
  gint64 end_time;
} Peer;

/* The stream's block @index (BLOCK_SIZE bytes) into @peer->block. */
static void
make_block (Peer * peer, guint64 index)
{
  const guint32 key[] = { peer->seed, (guint32) index, index >> 32 };
  GRand *rand = g_rand_new_with_seed_array (key, G_N_ELEMENTS (key));
  guint32 *words = (guint32 *) peer->block;
  guint i;

  for (i = 0; i < BLOCK_SIZE / 4; i++)
    words[i] = g_rand_int (rand);
  g_rand_free (rand);
  peer->block_index = index;
}

/* Copies the stream's bytes from @offset into @out. */
static void
stream_bytes (Peer * peer, guint64 offset, guint8 * out, gsize size)
{
  while (size > 0) {
    guint64 index = offset / BLOCK_SIZE;
    gsize in_block = offset % BLOCK_SIZE;
    gsize n = MIN (size, BLOCK_SIZE - in_block);

    if (index != peer->block_index)
      make_block (peer, index);
    memcpy (out, peer->block + in_block, n);
    out += n;
    offset += n;
    size -= n;
  }
}

/* reliable sender: appsrc wants more, from its streaming thread */
static void
on_need_data (GstAppSrc * src, guint length, Peer * peer)
{
  gsize size = g_rand_int_range (peer->chunks, 1, MAX_CHUNK + 1);
  GstBuffer *buffer;
  GstMapInfo map;

  if (peer->bytes == peer->total) {
    gst_app_src_end_of_stream (src);
    return;
  }
  size = MIN (size, peer->total - peer->bytes);
  buffer = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  stream_bytes (peer, peer->bytes, map.data, size);
  g_checksum_update (peer->sum, map.data, size);
  gst_buffer_unmap (buffer, &map);
  peer->bytes += size;
  peer->sent = peer->bytes / 1024;
  gst_app_src_push_buffer (src, buffer);
}

/* reliable receiver: one chunk of the stream, any size */
static GstFlowReturn
on_new_bytes (GstAppSink * sink, Peer * peer)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstMapInfo map;
  guint8 *want;

  if (sample == NULL)
    return GST_FLOW_EOS;
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  peer->last_packet_time = g_get_monotonic_time ();
  if (peer->first_packet_time == 0)
    peer->start_time = peer->first_packet_time = peer->last_packet_time;
  g_checksum_update (peer->sum, map.data, map.size);
  want = g_malloc (map.size);
  stream_bytes (peer, peer->bytes, want, map.size);
  if (peer->first_mismatch < 0 && memcmp (want, map.data, map.size) != 0) {
    gsize i;

    for (i = 0; want[i] == map.data[i]; i++);
    peer->first_mismatch = peer->bytes + i;
  }
  /* the expected sum covers as much as came, and the rest at EOS */
  g_checksum_update (peer->expected, want, MIN (map.size,
          peer->bytes < peer->total ? peer->total - peer->bytes : 0));
  g_free (want);
  peer->bytes += map.size;
  peer->received = peer->bytes / 1024;
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static gsize
payload_size (guint seq)
{
  return 100 + (seq * 7) % 900;
}

static guint8
payload_byte (guint seq, gsize i)
{
  return (guint8) (seq * 31 + i * 7);
}

static GstBuffer *
make_packet (guint seq)
{
  gsize size = RTP_HEADER_SIZE + payload_size (seq);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  map.data[0] = 0x80;           /* RTP version 2 */
  map.data[1] = PAYLOAD_TYPE;
  GST_WRITE_UINT16_BE (map.data + 2, seq);
  GST_WRITE_UINT32_BE (map.data + 4, seq * 3000);
  GST_WRITE_UINT32_BE (map.data + 8, 0x1ce1ce);
  for (i = RTP_HEADER_SIZE; i < size; i++)
    map.data[i] = payload_byte (seq, i);
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

/* Returns the sequence number, or -1 when the packet is not ours intact. */
static gint
check_packet (GstBuffer * buffer, guint count)
{
  GstMapInfo map;
  guint seq;
  gsize i;
  gint result = -1;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return -1;
  if (map.size < RTP_HEADER_SIZE || map.data[0] != 0x80
      || map.data[1] != PAYLOAD_TYPE)
    goto done;
  seq = GST_READ_UINT16_BE (map.data + 2);
  if (seq >= count || map.size != RTP_HEADER_SIZE + payload_size (seq))
    goto done;
  for (i = RTP_HEADER_SIZE; i < map.size; i++) {
    if (map.data[i] != payload_byte (seq, i))
      goto done;
  }
  result = seq;
done:
  gst_buffer_unmap (buffer, &map);
  return result;
}

static GstFlowReturn
on_new_sample (GstAppSink * sink, Peer * peer)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gint seq;

  if (sample == NULL)
    return GST_FLOW_EOS;
  seq = check_packet (gst_sample_get_buffer (sample), peer->count);
  gst_sample_unref (sample);

  {
    gint64 now = g_get_monotonic_time ();

    if (peer->last_packet_time != 0) {
      gint64 gap = now - peer->last_packet_time;

      if (gap > GAP_MS * 1000 && gap > peer->longest_gap) {
        peer->longest_gap = gap;
        peer->received_after_gap = 0;
      }
    }
    peer->last_packet_time = now;
  }
  if (peer->first_packet_time == 0)
    peer->first_packet_time = peer->last_packet_time;
  if (seq < 0)
    peer->corrupt++;
  else if (peer->seen[seq])
    peer->duplicates++;
  else {
    peer->seen[seq] = 1;
    peer->received++;
    if (peer->longest_gap)
      peer->received_after_gap++;
    if (peer->received == peer->count)
      g_main_loop_quit (peer->loop);
  }
  return GST_FLOW_OK;
}

static gboolean
send_next (Peer * peer)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (peer->pipeline), "src");

  gst_app_src_push_buffer (GST_APP_SRC (src), make_packet (peer->sent++));
  gst_object_unref (src);
  return peer->sent < peer->count ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
on_peer_added (GstElement * sink, const gchar * peer_id, Peer * peer)
{
  g_printerr ("consumer '%s' connected\n", peer_id);
  /* from the transport thread: start sending from the main loop (the
   * reliable sender's appsrc feeds icesink, which waits for it) */
  if (!peer->peer_joined) {
    peer->peer_joined = TRUE;
    peer->start_time = g_get_monotonic_time ();
    if (!peer->reliable)
      g_timeout_add (peer->send_interval_ms, (GSourceFunc) send_next, peer);
  }
}

static void
on_peer_removed (GstElement * sink, const gchar * peer_id, Peer * peer)
{
  g_printerr ("consumer '%s' left\n", peer_id);
  if (!peer->reliable && peer->sent == peer->count)
    g_main_loop_quit (peer->loop);
}

static gchar *
message_text (GstMessage * msg)
{
  GError *err = NULL;
  gchar *debug = NULL, *text;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, &debug);
  else
    gst_message_parse_warning (msg, &err, &debug);
  text = g_strdup_printf ("%s (%s)", err->message, debug ? debug : "");
  g_error_free (err);
  g_free (debug);
  return text;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, Peer * peer)
{
  const GstStructure *s = gst_message_get_structure (msg);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      /* reliable: the sender's every consumer has it all; the receiver
       * has the producer's clean end */
      peer->eos = TRUE;
      peer->end_time = g_get_monotonic_time ();
      g_printerr ("EOS after %" G_GUINT64_FORMAT " bytes\n", peer->bytes);
      g_main_loop_quit (peer->loop);
      break;
    case GST_MESSAGE_ERROR:
      g_free (peer->error);
      peer->error = message_text (msg);
      g_printerr ("error: %s\n", peer->error);
      g_main_loop_quit (peer->loop);
      break;
    case GST_MESSAGE_WARNING:{
      gchar *text = message_text (msg);
      gchar *all = peer->warning ? g_strconcat (peer->warning, " | ", text,
          NULL) : g_strdup (text);

      /* every warning, in order: a cell may look for one that a later one
       * (the producer leaving at the end) would hide */
      g_printerr ("warning: %s\n", text);
      g_free (peer->warning);
      peer->warning = all;
      g_free (text);
      break;
    }
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "ice-selected-pair")) {
        g_clear_pointer (&peer->pair, gst_structure_free);
        peer->pair = gst_structure_copy (s);
        g_printerr ("%" GST_PTR_FORMAT "\n", s);
      } else if (gst_structure_has_name (s, "ice-state-changed")) {
        g_printerr ("ICE state %s\n", gst_structure_get_string (s, "state"));
      } else if (gst_structure_has_name (s, "ice-restart")) {
        peer->restarts++;
        g_printerr ("ICE restart: %s\n", gst_structure_get_string (s,
                "reason"));
      } else if (gst_structure_has_name (s, "ice-restart-done")) {
        guint64 ms = 0;

        gst_structure_get_uint64 (s, "resume-ms", &ms);
        peer->resume_ms = ms;
        g_printerr ("ICE restart done after %" G_GUINT64_FORMAT " ms\n", ms);
      } else if (gst_structure_has_name (s, "ice-dtls-state-changed")) {
        g_printerr ("DTLS state %s %s\n", gst_structure_get_string (s,
                "state"), GST_STR_NULL (gst_structure_get_string (s,
                    "cipher")));
        if (gst_structure_get_string (s, "cipher")) {
          g_free (peer->dtls_cipher);
          peer->dtls_cipher = g_strdup (gst_structure_get_string (s, "cipher"));
        }
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* Ends the receiver when packets stopped coming, the sender when its
 * consumer never came or never left. */
static gboolean
on_tick (Peer * peer)
{
  gint64 now = g_get_monotonic_time ();

  if (!peer->sender && peer->last_packet_time != 0 &&
      now - peer->last_packet_time >
      (gint64) peer->idle_timeout_s * G_USEC_PER_SEC)
    g_main_loop_quit (peer->loop);
  if (peer->first_packet_time == 0 && !peer->peer_joined &&
      now - peer->playing_time > CONNECT_TIMEOUT_S * G_USEC_PER_SEC)
    g_main_loop_quit (peer->loop);
  if (peer->sender && !peer->reliable && peer->sent == peer->count &&
      now - peer->playing_time >
      (CONNECT_TIMEOUT_S + SENDER_LINGER_S) * G_USEC_PER_SEC)
    g_main_loop_quit (peer->loop);
  return G_SOURCE_CONTINUE;
}

/* natlab.py stops a sender whose consumer never connected with SIGINT */
static gboolean
on_interrupt (Peer * peer)
{
  g_main_loop_quit (peer->loop);
  return G_SOURCE_REMOVE;
}

static void
add_pair_member (JsonBuilder * b, Peer * peer, const gchar * field)
{
  const gchar *value = peer->pair ? gst_structure_get_string (peer->pair,
      field) : NULL;

  json_builder_set_member_name (b, field);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_stream_members (JsonBuilder * b, Peer * peer)
{
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, peer->bytes);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, g_checksum_get_string (peer->sum));
  if (!peer->sender) {
    guint8 *rest;

    /* what did not come is expected too */
    if (peer->bytes < peer->total) {
      rest = g_malloc (peer->total - peer->bytes);
      stream_bytes (peer, peer->bytes, rest, peer->total - peer->bytes);
      g_checksum_update (peer->expected, rest, peer->total - peer->bytes);
      g_free (rest);
    }
    json_builder_set_member_name (b, "expected-sha256");
    json_builder_add_string_value (b, g_checksum_get_string (peer->expected));
    json_builder_set_member_name (b, "first-mismatch");
    json_builder_add_int_value (b, peer->first_mismatch);
  }
  json_builder_set_member_name (b, "eos");
  json_builder_add_boolean_value (b, peer->eos);
  json_builder_set_member_name (b, "seconds");
  if (peer->eos && peer->start_time)
    json_builder_add_double_value (b, (peer->end_time - peer->start_time) /
        (gdouble) G_USEC_PER_SEC);
  else
    json_builder_add_null_value (b);
}

static void
print_result (Peer * peer)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  gchar *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, peer->sender ? "send" : "recv");
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, peer->count);
  json_builder_set_member_name (b, peer->sender ? "sent" : "received");
  json_builder_add_int_value (b, peer->sender ? peer->sent : peer->received);
  json_builder_set_member_name (b, "duplicates");
  json_builder_add_int_value (b, peer->duplicates);
  json_builder_set_member_name (b, "corrupt");
  json_builder_add_int_value (b, peer->corrupt);
  json_builder_set_member_name (b, "first-packet-ms");
  if (peer->first_packet_time)
    json_builder_add_int_value (b, (peer->first_packet_time -
            peer->playing_time) / 1000);
  else
    json_builder_add_null_value (b);
  add_pair_member (b, peer, "local-candidate-type");
  add_pair_member (b, peer, "remote-candidate-type");
  add_pair_member (b, peer, "local-address");
  add_pair_member (b, peer, "remote-address");
  add_pair_member (b, peer, "transport");
  json_builder_set_member_name (b, "restarts");
  json_builder_add_int_value (b, peer->restarts);
  json_builder_set_member_name (b, "resume-ms");
  if (peer->resume_ms >= 0)
    json_builder_add_int_value (b, peer->resume_ms);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "dtls-cipher");
  if (peer->dtls_cipher)
    json_builder_add_string_value (b, peer->dtls_cipher);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "longest-gap-ms");
  json_builder_add_int_value (b, peer->longest_gap / 1000);
  json_builder_set_member_name (b, "received-after-gap");
  json_builder_add_int_value (b, peer->received_after_gap);
  if (peer->reliable)
    add_stream_members (b, peer);
  json_builder_set_member_name (b, "warning");
  json_builder_add_string_value (b, peer->warning);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, peer->error);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  g_print ("%s\n", text);
  g_free (text);
  json_node_unref (root);
  g_object_unref (b);
}

static guint
env_uint (const gchar * name, guint fallback)
{
  const gchar *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 3600000,
          &value, NULL))
    return fallback;
  return value;
}

int
main (int argc, char **argv)
{
  Peer peer = { 0, };
  GError *err = NULL;
  gchar *desc;
  GstBus *bus;
  guint64 count;

  /* stdout carries only the result: GLib debug (libnice's) goes to stderr */
  g_log_writer_default_set_use_stderr (TRUE);
  gst_init (&argc, &argv);
  if (argc != 4 || (strcmp (argv[1], "send") && strcmp (argv[1], "recv"))
      || !g_ascii_string_to_unsigned (argv[3], 10, 1, 65535, &count, NULL)) {
    g_printerr ("usage: %s send|recv \"ELEMENT PROPERTIES\" COUNT\n", argv[0]);
    return 2;
  }
  peer.sender = strcmp (argv[1], "send") == 0;
  peer.send_interval_ms = env_uint ("NAT_PEER_INTERVAL_MS",
      DEFAULT_SEND_INTERVAL_MS);
  peer.idle_timeout_s = env_uint ("NAT_PEER_IDLE_S", DEFAULT_IDLE_TIMEOUT_S);
  peer.count = count;
  peer.resume_ms = -1;
  peer.seen = g_malloc0 (count);
  peer.loop = g_main_loop_new (NULL, FALSE);
  peer.reliable = g_strcmp0 (g_getenv ("NAT_PEER_MODE"), "reliable") == 0;
  peer.seed = env_uint ("NAT_PEER_SEED", DEFAULT_SEED);
  peer.total = count * 1024;
  peer.block = g_malloc (BLOCK_SIZE);
  peer.block_index = G_MAXUINT64;
  peer.chunks = g_rand_new_with_seed (peer.seed);
  peer.sum = g_checksum_new (G_CHECKSUM_SHA256);
  peer.expected = g_checksum_new (G_CHECKSUM_SHA256);
  peer.first_mismatch = -1;

  if (peer.sender && peer.reliable)
    desc = g_strdup_printf ("appsrc name=src format=bytes "
        "caps=application/x-gst-ice-test-bytes ! icesink name=ice "
        "transfer-mode=reliable %s", argv[2]);
  else if (peer.sender)
    desc = g_strdup_printf ("appsrc name=src is-live=true format=time "
        "do-timestamp=true caps=\"application/x-rtp,media=application,"
        "clock-rate=90000,encoding-name=X-GST-ICE-TEST,payload=%d\" ! "
        "icesink name=ice %s", PAYLOAD_TYPE, argv[2]);
  else
    desc = g_strdup_printf ("icesrc name=ice %s ! appsink name=sink "
        "sync=false max-buffers=100000", argv[2]);
  peer.pipeline = gst_parse_launch (desc, &err);
  if (peer.pipeline == NULL) {
    g_printerr ("%s: %s\n", desc, err->message);
    return 2;
  }
  g_free (desc);

  if (peer.sender) {
    GstElement *ice = gst_bin_get_by_name (GST_BIN (peer.pipeline), "ice");

    g_signal_connect (ice, "peer-added", G_CALLBACK (on_peer_added), &peer);
    g_signal_connect (ice, "peer-removed", G_CALLBACK (on_peer_removed), &peer);
    gst_object_unref (ice);
    if (peer.reliable) {
      GstElement *src = gst_bin_get_by_name (GST_BIN (peer.pipeline), "src");
      GstAppSrcCallbacks callbacks = {.need_data =
            (void (*)(GstAppSrc *, guint, gpointer)) on_need_data
      };

      gst_app_src_set_callbacks (GST_APP_SRC (src), &callbacks, &peer, NULL);
      gst_object_unref (src);
    }
  } else {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (peer.pipeline), "sink");
    GstAppSinkCallbacks callbacks = {.new_sample =
          (GstFlowReturn (*)(GstAppSink *, gpointer)) on_new_sample
    };

    if (peer.reliable)
      callbacks.new_sample =
          (GstFlowReturn (*)(GstAppSink *, gpointer)) on_new_bytes;

    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &peer, NULL);
    gst_object_unref (sink);
  }

  bus = gst_element_get_bus (peer.pipeline);
  gst_bus_add_watch (bus, (GstBusFunc) on_bus_message, &peer);
  g_timeout_add (200, (GSourceFunc) on_tick, &peer);
  g_unix_signal_add (SIGINT, (GSourceFunc) on_interrupt, &peer);
  g_unix_signal_add (SIGTERM, (GSourceFunc) on_interrupt, &peer);

  peer.playing_time = g_get_monotonic_time ();
  if (gst_element_set_state (peer.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE && peer.error == NULL)
    peer.error = g_strdup ("could not start the pipeline");
  else
    g_main_loop_run (peer.loop);

  gst_element_set_state (peer.pipeline, GST_STATE_NULL);
  /* the bus may hold the error that made the state change fail */
  while (peer.error == NULL) {
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (msg == NULL)
      break;
    peer.error = message_text (msg);
    gst_message_unref (msg);
  }
  print_result (&peer);

  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (peer.pipeline);
  g_clear_pointer (&peer.pair, gst_structure_free);
  g_free (peer.error);
  g_free (peer.warning);
  g_free (peer.dtls_cipher);
  g_free (peer.seen);
  g_free (peer.block);
  g_rand_free (peer.chunks);
  g_checksum_free (peer.sum);
  g_checksum_free (peer.expected);
  g_main_loop_unref (peer.loop);
  return 0;
}
