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

/*
 * gst-ice-bench: one end of one benchmark run, driven by scripts/bench.py.
 *
 *   gst-ice-bench send KIND PORT RATE SECONDS LIST CONSUMERS
 *   gst-ice-bench recv KIND PORT CONSUMERS
 *   gst-ice-bench nice RATE SECONDS LIST
 *   gst-ice-bench ttfb KIND PORT
 *
 * KIND is udp (udpsink, udpsrc), ice (icesink, icesrc, encryption=false)
 * or dtls (the same, encrypted); ice-noarq and dtls-noarq turn loss
 * recovery off (latency=0).  The sender's source stamps each packet
 * with a sequence number and CLOCK_MONOTONIC, paced to RATE packets/s (0:
 * as fast as it can), LIST packets per buffer list (1: single buffers),
 * for SECONDS once the first packet got through (to all CONSUMERS).  A receiver counts until
 * its standard input closes.  "nice" runs libnice's nicesink and nicesrc
 * in one process, the two agents set up here with credentials and
 * candidates handed over directly; its CPU is split by thread.  "ttfb"
 * runs both pipelines in one process and tells how long after PLAYING
 * the first packet arrived.  Each prints one JSON object on stdout.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gst/base/gstpushsrc.h>
#include <gst/gst.h>
#include <nice/agent.h>

#define PACKET_SIZE 1200
#define HEADER_SIZE 16
/* one-way latencies kept for the percentiles */
#define MAX_LATENCIES (4 * 1000 * 1000)

/* --- the numbered source --------------------------------------------------- */

#define BENCH_TYPE_SRC (bench_src_get_type ())
G_DECLARE_FINAL_TYPE (BenchSrc, bench_src, BENCH, SRC, GstPushSrc);

struct _BenchSrc
{
  GstPushSrc parent;

  /* set before PLAYING */
  guint rate;
  guint list;
  guint seconds;
  guint wanted_peers;           /* time runs once this many are connected */
  gint peers;                   /* icesink's peer-added so far */

  /* streaming thread */
  GstBufferPool *pool;
  guint64 seq;
  gint64 start_ns;              /* once the first packet got through */
  gint64 stop_ns;
  gint64 cpu_start_ns;
  gint64 next_sample_ns;
  gint64 paced_from_ns;         /* when the first packet went through */
  GArray *rss_samples_kb;       /* glong, one a second */
  gint flushing;
};

G_DEFINE_TYPE (BenchSrc, bench_src, GST_TYPE_PUSH_SRC);

static void bench_src_finalize (GObject * object);

static GstStaticPadTemplate bench_src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-bench"));

static gint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gint64
process_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static glong
rss_kb (void)
{
  FILE *f = fopen ("/proc/self/statm", "r");
  glong size = 0, resident = 0;

  if (f == NULL)
    return 0;
  if (fscanf (f, "%ld %ld", &size, &resident) != 2)
    resident = 0;
  fclose (f);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static glong
peak_rss_kb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static gboolean
bench_src_start (GstBaseSrc * src)
{
  BenchSrc *self = BENCH_SRC (src);
  GstStructure *config;

  self->pool = gst_buffer_pool_new ();
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, NULL, PACKET_SIZE, 64, 0);
  gst_buffer_pool_set_config (self->pool, config);
  gst_buffer_pool_set_active (self->pool, TRUE);
  self->seq = 0;
  self->start_ns = self->stop_ns = self->paced_from_ns = 0;
  self->next_sample_ns = 0;
  return TRUE;
}

static gboolean
bench_src_stop (GstBaseSrc * src)
{
  BenchSrc *self = BENCH_SRC (src);

  gst_buffer_pool_set_active (self->pool, FALSE);
  gst_clear_object (&self->pool);
  return TRUE;
}

static gboolean
bench_src_unlock (GstBaseSrc * src)
{
  g_atomic_int_set (&BENCH_SRC (src)->flushing, TRUE);
  return TRUE;
}

static gboolean
bench_src_unlock_stop (GstBaseSrc * src)
{
  g_atomic_int_set (&BENCH_SRC (src)->flushing, FALSE);
  return TRUE;
}

static GstBuffer *
numbered_buffer (BenchSrc * self)
{
  GstBuffer *buffer = NULL;
  GstMapInfo map;
  guint64 header[2];

  gst_buffer_pool_acquire_buffer (self->pool, &buffer, NULL);
  header[0] = GUINT64_TO_BE (self->seq);
  header[1] = GUINT64_TO_BE ((guint64) monotonic_ns ());
  self->seq++;
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  memcpy (map.data, header, sizeof (header));
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

static GstFlowReturn
bench_src_create (GstPushSrc * src, GstBuffer ** buf)
{
  BenchSrc *self = BENCH_SRC (src);
  gint64 now = monotonic_ns ();
  GstBufferList *list;
  guint i;

  if (g_atomic_int_get (&self->flushing))
    return GST_FLOW_FLUSHING;
  /* the first packet went through: a receiver is there (all of them),
   * time runs */
  if (self->seq >= 1 && self->start_ns == 0 &&
      g_atomic_int_get (&self->peers) >= (gint) self->wanted_peers) {
    self->start_ns = self->next_sample_ns = now;
    self->cpu_start_ns = process_cpu_ns ();
    self->stop_ns = now + (gint64) self->seconds * GST_SECOND;
  }
  if (self->seq == 1 && self->paced_from_ns == 0)
    self->paced_from_ns = now;
  if (self->stop_ns != 0 && now >= self->stop_ns)
    return GST_FLOW_EOS;
  if (self->next_sample_ns != 0 && now >= self->next_sample_ns) {
    glong kb = rss_kb ();

    g_array_append_val (self->rss_samples_kb, kb);
    self->next_sample_ns += GST_SECOND;
  }

  if (self->rate > 0 && self->seq > 0) {
    gint64 due = self->paced_from_ns + (gint64) ((self->seq - 1) *
        GST_SECOND / self->rate);

    if (due > now) {
      struct timespec ts = { due / GST_SECOND, due % GST_SECOND };

      clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
  }

  /* the first packet alone: it waits for the receiver */
  if (self->list <= 1 || self->seq == 0) {
    *buf = numbered_buffer (self);
    return GST_FLOW_OK;
  }
  list = gst_buffer_list_new_sized (self->list);
  for (i = 0; i < self->list; i++)
    gst_buffer_list_add (list, numbered_buffer (self));
  gst_base_src_submit_buffer_list (GST_BASE_SRC (src), list);
  *buf = NULL;
  return GST_FLOW_OK;
}

static void
bench_src_class_init (BenchSrcClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = bench_src_finalize;
  gst_element_class_add_static_pad_template (element_class,
      &bench_src_template);
  gst_element_class_set_static_metadata (element_class, "Benchmark source",
      "Source", "Numbered, timestamped 1200-byte packets",
      "The gst-ice authors");
  basesrc_class->start = bench_src_start;
  basesrc_class->stop = bench_src_stop;
  basesrc_class->unlock = bench_src_unlock;
  basesrc_class->unlock_stop = bench_src_unlock_stop;
  GST_PUSH_SRC_CLASS (klass)->create = bench_src_create;
}

static void
bench_src_init (BenchSrc * self)
{
  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  self->list = 1;
  self->rss_samples_kb = g_array_new (FALSE, FALSE, sizeof (glong));
}

static void
bench_src_finalize (GObject * object)
{
  g_array_unref (BENCH_SRC (object)->rss_samples_kb);
  G_OBJECT_CLASS (bench_src_parent_class)->finalize (object);
}

/* --- counting at the receiver ---------------------------------------------- */

typedef struct
{
  guint64 received;
  guint64 bytes;
  guint64 max_seq;
  gint64 first_ns;
  gint64 last_ns;
  gint64 cpu_first_ns;
  GArray *latencies_us;         /* guint32 */
} Counter;

static Counter *
counter_new (void)
{
  Counter *c = g_new0 (Counter, 1);

  c->latencies_us = g_array_new (FALSE, FALSE, sizeof (guint32));
  return c;
}

static void
counter_free (Counter * c)
{
  g_array_unref (c->latencies_us);
  g_free (c);
}

static gboolean
count_buffer (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  Counter *c = user_data;
  gint64 now = monotonic_ns ();
  guint64 header[2];
  guint64 seq;
  guint32 latency;

  if (gst_buffer_extract (*buffer, 0, header, sizeof (header)) !=
      sizeof (header))
    return TRUE;
  seq = GUINT64_FROM_BE (header[0]);
  if (c->received == 0) {
    c->first_ns = now;
    c->cpu_first_ns = process_cpu_ns ();
  }
  c->last_ns = now;
  c->received++;
  c->bytes += gst_buffer_get_size (*buffer);
  if (seq > c->max_seq)
    c->max_seq = seq;
  latency = (guint32) ((now - (gint64) GUINT64_FROM_BE (header[1])) / 1000);
  if (c->latencies_us->len < MAX_LATENCIES)
    g_array_append_val (c->latencies_us, latency);
  return TRUE;
}

static GstPadProbeReturn
on_received (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info),
        count_buffer, user_data);
  else
    count_buffer ((GstBuffer **) & info->data, 0, user_data);
  return GST_PAD_PROBE_OK;
}

static void
watch_receiver (GstElement * pipeline, Counter * c)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_received, c, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
}

static gint
compare_u32 (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static guint32
percentile (GArray * sorted, gdouble p)
{
  if (sorted->len == 0)
    return 0;
  return g_array_index (sorted, guint32, (guint) ((sorted->len - 1) * p));
}

/* --- pipelines ------------------------------------------------------------- */

static gboolean
kind_encrypts (const gchar * kind)
{
  return g_str_has_prefix (kind, "dtls");
}

/* "-noarq": loss recovery off on both ends (its default is on) */
static const gchar *
kind_latency (const gchar * kind)
{
  return g_str_has_suffix (kind, "-noarq") ? " latency=0" : "";
}

static gchar *
sender_description (const gchar * kind, guint port)
{
  if (g_str_equal (kind, "udp"))
    return g_strdup_printf ("benchsrc name=in ! udpsink host=127.0.0.1 "
        "port=%u sync=false async=false name=sink", port);
  return g_strdup_printf ("benchsrc name=in ! icesink run-signalling-server="
      "true signalling-server-host=127.0.0.1 signalling-server-port=%u "
      "local-addresses=127.0.0.1 ice-tcp=false encryption=%s sync=false "
      "async=false peer-id=bench name=sink%s", port,
      kind_encrypts (kind) ? "true" : "false", kind_latency (kind));
}

static gchar *
receiver_description (const gchar * kind, guint port)
{
  if (g_str_equal (kind, "udp"))
    return g_strdup_printf ("udpsrc port=%u address=127.0.0.1 ! fakesink "
        "name=out sync=false async=false", port);
  return g_strdup_printf ("icesrc signaller::uri=ws://127.0.0.1:%u "
      "local-addresses=127.0.0.1 ice-tcp=false encryption=%s%s ! fakesink "
      "name=out sync=false async=false", port,
      kind_encrypts (kind) ? "true" : "false", kind_latency (kind));
}

static GstElement *
launch (const gchar * description)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (description, &err);

  if (pipeline == NULL) {
    g_printerr ("cannot make '%s': %s\n", description, err->message);
    exit (1);
  }
  return pipeline;
}

/* Runs until EOS or an error; FALSE on an error. */
static gboolean
run_until_eos (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean ok;

  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ok = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (!ok) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_printerr ("error: %s\n", err->message);
    g_clear_error (&err);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  return ok;
}

static BenchSrc *
get_source (GstElement * pipeline, guint rate, guint seconds, guint list)
{
  BenchSrc *src = BENCH_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "in"));

  src->rate = rate;
  src->seconds = seconds;
  src->list = list;
  return src;
}

static void
on_peer_added (GstElement * sink, const gchar * peer_id, BenchSrc * src)
{
  g_atomic_int_inc (&src->peers);
}

static gchar *
samples_text (GArray * samples)
{
  GString *text = g_string_new (NULL);
  guint i;

  for (i = 0; samples && i < samples->len; i++)
    g_string_append_printf (text, "%s%ld", i ? ", " : "",
        g_array_index (samples, glong, i));
  return g_string_free (text, FALSE);
}

static int
run_sender (const gchar * kind, guint port, guint rate, guint seconds,
    guint list, guint consumers)
{
  gchar *description = sender_description (kind, port);
  GstElement *pipeline = launch (description);
  BenchSrc *src = get_source (pipeline, rate, seconds, list);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gchar *samples;
  gint64 cpu;
  gboolean ok;

  if (!g_str_equal (kind, "udp")) {
    src->wanted_peers = consumers;
    g_signal_connect (sink, "peer-added", G_CALLBACK (on_peer_added), src);
  }
  gst_object_unref (sink);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_print ("{\"ready\": true}\n");
  ok = run_until_eos (pipeline);
  cpu = process_cpu_ns () - src->cpu_start_ns;
  samples = samples_text (src->rss_samples_kb);
  g_print ("{\"sent\": %" G_GUINT64_FORMAT ", \"seconds\": %.3f, "
      "\"cpu\": %.4f, \"rss_kb\": %ld, \"peak_rss_kb\": %ld, "
      "\"rss_samples_kb\": [%s], \"ok\": %s}\n", src->seq,
      (monotonic_ns () - src->start_ns) / 1e9, cpu / 1e9, rss_kb (),
      peak_rss_kb (), samples, ok ? "true" : "false");
  g_free (samples);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  g_free (description);
  return ok ? 0 : 1;
}

static void
print_counters (GPtrArray * counters, gint64 cpu_end, GArray * rss_samples)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint64 received = 0, bytes = 0;
  gint64 first = G_MAXINT64, last = 0, cpu_first = G_MAXINT64;
  gchar *rss = samples_text (rss_samples);
  guint i;

  for (i = 0; i < counters->len; i++) {
    Counter *c = g_ptr_array_index (counters, i);

    if (c->received == 0)
      continue;
    received += c->received;
    bytes += c->bytes;
    first = MIN (first, c->first_ns);
    last = MAX (last, c->last_ns);
    cpu_first = MIN (cpu_first, c->cpu_first_ns);
    g_array_append_vals (all, c->latencies_us->data, c->latencies_us->len);
  }
  g_array_sort (all, compare_u32);
  g_print ("{\"received\": %" G_GUINT64_FORMAT ", \"bytes\": %"
      G_GUINT64_FORMAT ", \"seconds\": %.3f, \"cpu\": %.4f, \"p50_us\": %u, "
      "\"p99_us\": %u, \"rss_kb\": %ld, \"peak_rss_kb\": %ld, "
      "\"rss_samples_kb\": [%s]}\n", received, bytes,
      received ? (last - first) / 1e9 : 0.0,
      received ? (cpu_end - cpu_first) / 1e9 : 0.0, percentile (all, 0.5),
      percentile (all, 0.99), rss_kb (), peak_rss_kb (), rss);
  g_free (rss);
  g_array_unref (all);
}

static gboolean
sample_rss (gpointer user_data)
{
  glong kb = rss_kb ();

  g_array_append_val ((GArray *) user_data, kb);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stdin (GIOChannel * channel, GIOCondition condition, gpointer user_data)
{
  gchar buf[64];
  gsize n = 0;

  if (g_io_channel_read_chars (channel, buf, sizeof (buf), &n, NULL) !=
      G_IO_STATUS_NORMAL || n == 0) {
    g_main_loop_quit (user_data);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_bus_error (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  GError *err = NULL;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR)
    return G_SOURCE_CONTINUE;
  gst_message_parse_error (msg, &err, NULL);
  g_printerr ("error: %s\n", err->message);
  g_clear_error (&err);
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* Counts until standard input closes. */
static int
run_receiver (const gchar * kind, guint port, guint consumers)
{
  gchar *description = receiver_description (kind, port);
  GPtrArray *pipelines = g_ptr_array_new ();
  GPtrArray *counters = g_ptr_array_new_with_free_func ((GDestroyNotify)
      counter_free);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GArray *rss_samples = g_array_new (FALSE, FALSE, sizeof (glong));
  GIOChannel *in = g_io_channel_unix_new (0);
  gint64 cpu_end;
  guint i;

  for (i = 0; i < consumers; i++) {
    GstElement *pipeline = launch (description);
    Counter *c = counter_new ();
    GstBus *bus = gst_element_get_bus (pipeline);

    watch_receiver (pipeline, c);
    gst_bus_add_watch (bus, on_bus_error, loop);
    gst_object_unref (bus);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    g_ptr_array_add (pipelines, pipeline);
    g_ptr_array_add (counters, c);
  }
  g_print ("{\"ready\": true}\n");
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  g_timeout_add_seconds (1, sample_rss, rss_samples);
  g_main_loop_run (loop);

  cpu_end = process_cpu_ns ();
  print_counters (counters, cpu_end, rss_samples);
  for (i = 0; i < pipelines->len; i++) {
    gst_element_set_state (g_ptr_array_index (pipelines, i), GST_STATE_NULL);
    gst_object_unref (g_ptr_array_index (pipelines, i));
  }
  g_ptr_array_unref (pipelines);
  g_ptr_array_unref (counters);
  g_array_unref (rss_samples);
  g_io_channel_unref (in);
  g_main_loop_unref (loop);
  g_free (description);
  return 0;
}

/* --- nicesink to nicesrc --------------------------------------------------- */

typedef struct
{
  NiceAgent *agent;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  guint stream_id;
  gint gathered;
  gint ready;
} Side;

static gpointer
side_thread (gpointer user_data)
{
  Side *side = user_data;

  g_main_context_push_thread_default (side->context);
  g_main_loop_run (side->loop);
  g_main_context_pop_thread_default (side->context);
  return NULL;
}

static void
on_gathering_done (NiceAgent * agent, guint stream_id, Side * side)
{
  g_atomic_int_set (&side->gathered, TRUE);
}

static void
on_component_state (NiceAgent * agent, guint stream_id, guint component_id,
    guint state, Side * side)
{
  if (state == NICE_COMPONENT_STATE_READY)
    g_atomic_int_set (&side->ready, TRUE);
}

/* the agent reads nothing itself: nicesrc attaches its receiving */
static void
drop_received (NiceAgent * agent, guint stream_id, guint component_id,
    guint len, gchar * buf, gpointer user_data)
{
}

static gboolean
gather_side (gpointer user_data)
{
  Side *side = user_data;

  nice_agent_gather_candidates (side->agent, side->stream_id);
  return G_SOURCE_REMOVE;
}

static void
side_start (Side * side, gboolean controlling, const gchar * thread_name)
{
  NiceAddress addr;

  side->context = g_main_context_new ();
  side->loop = g_main_loop_new (side->context, FALSE);
  side->agent = nice_agent_new_full (side->context,
      NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_REGULAR_NOMINATION);
  g_object_set (side->agent, "controlling-mode", controlling, "ice-tcp",
      FALSE, "upnp", FALSE, NULL);
  nice_address_set_from_string (&addr, "127.0.0.1");
  nice_agent_add_local_address (side->agent, &addr);
  side->stream_id = nice_agent_add_stream (side->agent, 1);
  g_signal_connect (side->agent, "candidate-gathering-done",
      G_CALLBACK (on_gathering_done), side);
  g_signal_connect (side->agent, "component-state-changed",
      G_CALLBACK (on_component_state), side);
  nice_agent_attach_recv (side->agent, side->stream_id, 1, side->context,
      drop_received, NULL);
  side->thread = g_thread_new (thread_name, side_thread, side);
  g_main_context_invoke (side->context, gather_side, side);
}

static void
side_stop (Side * side)
{
  g_main_loop_quit (side->loop);
  g_thread_join (side->thread);
  g_object_unref (side->agent);
  g_main_loop_unref (side->loop);
  g_main_context_unref (side->context);
}

/* @to learns @from's credentials and candidates */
static void
hand_over (Side * from, Side * to)
{
  gchar *ufrag = NULL, *pwd = NULL;
  GSList *candidates;

  nice_agent_get_local_credentials (from->agent, from->stream_id, &ufrag, &pwd);
  nice_agent_set_remote_credentials (to->agent, to->stream_id, ufrag, pwd);
  candidates = nice_agent_get_local_candidates (from->agent, from->stream_id,
      1);
  nice_agent_set_remote_candidates (to->agent, to->stream_id, 1, candidates);
  g_slist_free_full (candidates, (GDestroyNotify) nice_candidate_free);
  g_free (ufrag);
  g_free (pwd);
}

static gboolean
wait_flag (gint * flag, guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_TIME_SPAN_SECOND;

  while (!g_atomic_int_get (flag)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (1000);
  }
  return TRUE;
}

/* CPU seconds of this process's threads whose name starts with @prefix */
static gdouble
threads_cpu (const gchar * const *prefixes)
{
  DIR *dir = opendir ("/proc/self/task");
  struct dirent *entry;
  gdouble total = 0;
  glong ticks = sysconf (_SC_CLK_TCK);

  while (dir && (entry = readdir (dir)) != NULL) {
    gchar *path, *text = NULL, *name, *end;
    gchar **fields;
    guint i;

    if (entry->d_name[0] == '.')
      continue;
    path = g_strdup_printf ("/proc/self/task/%s/stat", entry->d_name);
    if (!g_file_get_contents (path, &text, NULL, NULL)) {
      g_free (path);
      continue;
    }
    name = strchr (text, '(');
    end = strrchr (text, ')');
    if (name && end) {
      *end = '\0';
      fields = g_strsplit (end + 2, " ", 0);
      for (i = 0; prefixes[i]; i++) {
        /* utime and stime: the 14th and 15th fields of stat */
        if (g_str_has_prefix (name + 1, prefixes[i]) &&
            g_strv_length (fields) > 13) {
          total += (g_ascii_strtod (fields[11], NULL) +
              g_ascii_strtod (fields[12], NULL)) / ticks;
          break;
        }
      }
      g_strfreev (fields);
    }
    g_free (text);
    g_free (path);
  }
  if (dir)
    closedir (dir);
  return total;
}

static int
run_nice (guint rate, guint seconds, guint list)
{
  const gchar *send_threads[] = { "nice-snd", "in:", NULL };
  const gchar *recv_threads[] = { "nice-rcv", "nicesrc", NULL };
  Side snd = { 0 }, rcv = { 0 };
  GstElement *tx, *rx, *sink, *src;
  BenchSrc *bench;
  Counter *c = counter_new ();
  GPtrArray *counters = g_ptr_array_new ();
  gdouble send_cpu0, recv_cpu0, send_cpu, recv_cpu;
  gboolean ok;

  side_start (&snd, TRUE, "nice-snd");
  side_start (&rcv, FALSE, "nice-rcv");
  if (!wait_flag (&snd.gathered, 10) || !wait_flag (&rcv.gathered, 10))
    goto failed;
  hand_over (&snd, &rcv);
  hand_over (&rcv, &snd);
  if (!wait_flag (&snd.ready, 10) || !wait_flag (&rcv.ready, 10))
    goto failed;

  rx = launch ("nicesrc name=nicesrc ! fakesink name=out sync=false "
      "async=false");
  src = gst_bin_get_by_name (GST_BIN (rx), "nicesrc");
  g_object_set (src, "agent", rcv.agent, "stream", rcv.stream_id,
      "component", 1, NULL);
  gst_object_unref (src);
  watch_receiver (rx, c);
  gst_element_set_state (rx, GST_STATE_PLAYING);

  tx = launch ("benchsrc name=in ! nicesink name=sink sync=false async=false");
  sink = gst_bin_get_by_name (GST_BIN (tx), "sink");
  g_object_set (sink, "agent", snd.agent, "stream", snd.stream_id,
      "component", 1, NULL);
  gst_object_unref (sink);
  bench = get_source (tx, rate, seconds, list);
  send_cpu0 = threads_cpu (send_threads);
  recv_cpu0 = threads_cpu (recv_threads);
  gst_element_set_state (tx, GST_STATE_PLAYING);
  ok = run_until_eos (tx);
  /* the last packets in flight */
  g_usleep (200 * 1000);
  send_cpu = threads_cpu (send_threads) - send_cpu0;
  recv_cpu = threads_cpu (recv_threads) - recv_cpu0;

  g_ptr_array_add (counters, c);
  g_print ("{\"sent\": %" G_GUINT64_FORMAT ", \"send_cpu\": %.4f, "
      "\"recv_cpu\": %.4f}\n", bench->seq, send_cpu, recv_cpu);
  print_counters (counters, 0, NULL);
  gst_element_set_state (tx, GST_STATE_NULL);
  gst_element_set_state (rx, GST_STATE_NULL);
  gst_object_unref (bench);
  gst_object_unref (tx);
  gst_object_unref (rx);
  side_stop (&snd);
  side_stop (&rcv);
  g_ptr_array_unref (counters);
  counter_free (c);
  return ok ? 0 : 1;

failed:
  g_printerr ("libnice agents did not connect over loopback\n");
  return 1;
}

/* --- time to first buffer -------------------------------------------------- */

static GstPadProbeReturn
on_first (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  gint64 *first = user_data;

  if (*first == 0)
    *first = monotonic_ns ();
  return GST_PAD_PROBE_REMOVE;
}

static int
run_ttfb (const gchar * kind, guint port)
{
  gchar *tx_desc = sender_description (kind, port);
  gchar *rx_desc = receiver_description (kind, port);
  GstElement *tx = launch (tx_desc), *rx = launch (rx_desc);
  BenchSrc *src = get_source (tx, 1000, 60, 1);
  GstElement *out = gst_bin_get_by_name (GST_BIN (rx), "out");
  GstPad *pad = gst_element_get_static_pad (out, "sink");
  gint64 start, first = 0, end;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_first, &first, NULL);
  /* the sender's server listens once it is PAUSED (READY to PAUSED
   * starts the transport), before the receiver connects */
  start = monotonic_ns ();
  gst_element_set_state (tx, GST_STATE_PLAYING);
  gst_element_set_state (rx, GST_STATE_PLAYING);
  end = start + 10 * GST_SECOND;
  while (first == 0 && monotonic_ns () < end)
    g_usleep (500);
  if (first)
    g_print ("{\"first_ms\": %.1f}\n", (first - start) / 1e6);
  else
    g_print ("{\"first_ms\": null}\n");
  gst_element_set_state (rx, GST_STATE_NULL);
  gst_element_set_state (tx, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (out);
  gst_object_unref (src);
  gst_object_unref (tx);
  gst_object_unref (rx);
  g_free (tx_desc);
  g_free (rx_desc);
  return first ? 0 : 1;
}

static int
usage (void)
{
  g_printerr ("usage: gst-ice-bench send KIND PORT RATE SECONDS LIST "
      "CONSUMERS\n"
      "       gst-ice-bench recv KIND PORT CONSUMERS\n"
      "       gst-ice-bench nice RATE SECONDS LIST\n"
      "       gst-ice-bench ttfb KIND PORT\n"
      "KIND: udp, ice (encryption=false), dtls, ice-noarq or dtls-noarq "
      "(loss recovery off)\n");
  return 2;
}

int
main (int argc, char **argv)
{
  /* paced sends wake on time, not 50 us late */
  prctl (PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  /* stdout is the data: libnice's and GLib's debug output go to stderr */
  g_log_writer_default_set_use_stderr (TRUE);
  gst_init (&argc, &argv);
  gst_element_register (NULL, "benchsrc", GST_RANK_NONE, BENCH_TYPE_SRC);

  if (argc == 8 && g_str_equal (argv[1], "send"))
    return run_sender (argv[2], atoi (argv[3]), atoi (argv[4]),
        atoi (argv[5]), atoi (argv[6]), atoi (argv[7]));
  if (argc == 5 && g_str_equal (argv[1], "recv"))
    return run_receiver (argv[2], atoi (argv[3]), atoi (argv[4]));
  if (argc == 5 && g_str_equal (argv[1], "nice"))
    return run_nice (atoi (argv[2]), atoi (argv[3]), atoi (argv[4]));
  if (argc == 4 && g_str_equal (argv[1], "ttfb"))
    return run_ttfb (argv[2], atoi (argv[3]));
  return usage ();
}
