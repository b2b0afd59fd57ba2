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


/* Private to gst-ice: not installed. */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GST_ICE_ARQ_HEADER_SIZE:
 *
 * What loss recovery adds in front of each buffer: a kind byte and a
 * 24-bit sequence number.
 */
#define GST_ICE_ARQ_HEADER_SIZE 4

/**
 * GST_ICE_ARQ_MAX_CONTROL_SIZE:
 *
 * The largest report, NACK or drop notice, in bytes: it fits any path
 * that carries the stream.
 */
#define GST_ICE_ARQ_MAX_CONTROL_SIZE 1000

/**
 * GstIceArqKind:
 * @GST_ICE_ARQ_KIND_DATA: a buffer, sent the first time
 * @GST_ICE_ARQ_KIND_RETRANSMISSION: a buffer sent again on a NACK
 * @GST_ICE_ARQ_KIND_SENDER_REPORT: the producer's next sequence number,
 *   send time and round-trip time
 * @GST_ICE_ARQ_KIND_RECEIVER_REPORT: the consumer's answer: what it
 *   delivered or gave up on, the echoed send time, its loss counts
 * @GST_ICE_ARQ_KIND_NACK: ranges of sequence numbers the consumer misses
 * @GST_ICE_ARQ_KIND_DROP: ranges the producer no longer has
 *
 * The first byte of every datagram of a session with loss recovery
 * (192-255: no other protocol RFC 7983 demultiplexes uses them).
 */
typedef enum
{
  GST_ICE_ARQ_KIND_DATA = 0xe0,
  GST_ICE_ARQ_KIND_RETRANSMISSION = 0xe1,
  GST_ICE_ARQ_KIND_SENDER_REPORT = 0xe2,
  GST_ICE_ARQ_KIND_RECEIVER_REPORT = 0xe3,
  GST_ICE_ARQ_KIND_NACK = 0xe4,
  GST_ICE_ARQ_KIND_DROP = 0xe5,
} GstIceArqKind;

/**
 * GstIceArqStats:
 * @latency_ms: the budget: how long a missing packet is waited for
 * @rtt_us: the smoothed round-trip time, -1 before the first report
 * @packets: buffers sent (producer) or delivered (consumer)
 * @bytes: their bytes, without the header
 * @packets_lost: packets found missing, before recovery
 * @packets_recovered: of those, how many arrived in time after all
 * @packets_retransmitted: retransmissions sent
 * @packets_unrecovered: packets given up on: the stream went on without
 * @retransmissions_refused: NACKed packets not sent again: over the
 *   retransmission cap, or no longer in the history
 * @duplicates: packets that came twice (a late original and its
 *   retransmission), dropped
 *
 * The counts of one side of a session.  The producer knows lost,
 * recovered and unrecovered from the consumer's reports.
 */
typedef struct
{
  guint latency_ms;
  gint64 rtt_us;
  guint64 packets;
  guint64 bytes;
  guint64 packets_lost;
  guint64 packets_recovered;
  guint64 packets_retransmitted;
  guint64 packets_unrecovered;
  guint64 retransmissions_refused;
  guint64 duplicates;
} GstIceArqStats;

/**
 * GstIceArqRetransmission:
 * @buffer: (transfer full): the buffer to send again
 * @header: its header, kind %GST_ICE_ARQ_KIND_RETRANSMISSION
 */
typedef struct
{
  GstBuffer *buffer;
  guint8 header[GST_ICE_ARQ_HEADER_SIZE];
} GstIceArqRetransmission;

typedef struct _GstIceArqSender GstIceArqSender;

GstIceArqSender *gst_ice_arq_sender_new (guint latency_ms,
    guint overhead_percent);
void gst_ice_arq_sender_free (GstIceArqSender * sender);
void gst_ice_arq_sender_push (GstIceArqSender * sender, GstBuffer * buffer,
    gsize size, gint64 now_us, guint8 * header);
gboolean gst_ice_arq_sender_receive (GstIceArqSender * sender,
    const guint8 * data, gsize size, gint64 now_us, GArray * retransmissions,
    GByteArray * reply);
void gst_ice_arq_sender_mark_sent (GstIceArqSender * sender);
gsize gst_ice_arq_sender_write_report (GstIceArqSender * sender,
    gint64 now_us, guint8 * out);
void gst_ice_arq_sender_expire (GstIceArqSender * sender, gint64 now_us);
gboolean gst_ice_arq_sender_is_drained (GstIceArqSender * sender);
guint gst_ice_arq_sender_get_history_length (GstIceArqSender * sender);
void gst_ice_arq_sender_get_stats (GstIceArqSender * sender,
    GstIceArqStats * stats);

/**
 * GstIceArqDeliverFunc:
 * @data: one buffer's bytes, without the header; valid during the call
 * @size: its size
 * @user_data: what the receiver was made with
 *
 * Hands over the next buffer of the stream, in order.
 */
typedef void (*GstIceArqDeliverFunc) (const guint8 * data, gsize size,
    gpointer user_data);

/**
 * GstIceArqLostFunc:
 * @packets: how many consecutive packets the stream goes on without
 * @waited_us: how long the first of them was waited for
 * @user_data: what the receiver was made with
 *
 * Says that the next buffer delivered does not follow the last one.
 */
typedef void (*GstIceArqLostFunc) (guint64 packets, gint64 waited_us,
    gpointer user_data);

/**
 * GstIceArqSendFunc:
 * @data: a control datagram for the producer (report or NACK)
 * @size: its size
 * @user_data: what the receiver was made with
 */
typedef void (*GstIceArqSendFunc) (const guint8 * data, gsize size,
    gpointer user_data);

typedef struct _GstIceArqReceiver GstIceArqReceiver;

GstIceArqReceiver *gst_ice_arq_receiver_new (guint latency_ms,
    GstIceArqDeliverFunc deliver, GstIceArqLostFunc lost,
    GstIceArqSendFunc send, gpointer user_data);
void gst_ice_arq_receiver_free (GstIceArqReceiver * receiver);
gboolean gst_ice_arq_receiver_receive (GstIceArqReceiver * receiver,
    const guint8 * data, gsize size, gint64 now_us);
gint64 gst_ice_arq_receiver_tick (GstIceArqReceiver * receiver,
    gint64 now_us);
void gst_ice_arq_receiver_flush (GstIceArqReceiver * receiver, gint64 now_us);
void gst_ice_arq_receiver_get_stats (GstIceArqReceiver * receiver,
    GstIceArqStats * stats);

/**
 * GstIceArqEstimator:
 * @estimate: bits per second the path is thought to sustain, 0 before
 *   the first interval with traffic
 *
 * The loss-based estimate of the bitrate a consumer's path sustains;
 * zero-initialised.
 */
typedef struct
{
  guint64 estimate;
} GstIceArqEstimator;

guint64 gst_ice_arq_estimator_update (GstIceArqEstimator * estimator,
    guint64 sent_bps, gdouble loss, guint64 unrecovered);

G_END_DECLS
