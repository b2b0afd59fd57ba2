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

/* Private to libgstice: not installed. */

#pragma once

#include <gio/gio.h>

#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/stun/gsticestunmessage.h>

G_BEGIN_DECLS

/* how long the elements give the STUN server to answer at start */
#define GST_ICE_STUN_CHECK_TIMEOUT_MS 5000

gssize gst_ice_stun_receive (GSocket * socket, guint8 * buffer, gsize size,
    gint64 until, GCancellable * cancellable, GSocketAddress ** from,
    GError ** error);
GstIceStunMessage *gst_ice_stun_transact (GSocket * socket,
    GSocketAddress * server, GstIceStunChange change, guint timeout_ms,
    GCancellable * cancellable, GInetSocketAddress ** from, GError ** error);

/**
 * GstIceStunCheckStatus:
 * @GST_ICE_STUN_CHECK_OK: an RFC 5389 answer
 * @GST_ICE_STUN_CHECK_PRE_RFC5389: an answer in the RFC 3489 form
 * @GST_ICE_STUN_CHECK_FAILED: an error answer, or one without an address
 * @GST_ICE_STUN_CHECK_UNREACHABLE: the host does not resolve, or the
 *   network or the host said no (no route, port unreachable)
 * @GST_ICE_STUN_CHECK_NO_ANSWER: nothing came back in time
 * @GST_ICE_STUN_CHECK_CANCELLED: stopped before it was done
 */
typedef enum
{
  GST_ICE_STUN_CHECK_OK,
  GST_ICE_STUN_CHECK_PRE_RFC5389,
  GST_ICE_STUN_CHECK_FAILED,
  GST_ICE_STUN_CHECK_UNREACHABLE,
  GST_ICE_STUN_CHECK_NO_ANSWER,
  GST_ICE_STUN_CHECK_CANCELLED,
} GstIceStunCheckStatus;

/**
 * GstIceStunCheckResult:
 * @status: what happened
 * @message: (nullable): unless OK or cancelled: a sentence for the user
 *   that names the server, says what happened and what would help
 * @server: (nullable): the address asked, once resolved
 * @local: (nullable): this host's address towards it
 * @mapped: (nullable): this host's address as the server saw it
 * @other: (nullable): OTHER-ADDRESS (RFC 5780), or an RFC 3489 server's
 *   CHANGED-ADDRESS: the server supports behaviour discovery
 * @software: (nullable): the server's SOFTWARE
 */
typedef struct
{
  GstIceStunCheckStatus status;
  gchar *message;
  GInetSocketAddress *server;
  GInetSocketAddress *local;
  GInetSocketAddress *mapped;
  GInetSocketAddress *other;
  gchar *software;
} GstIceStunCheckResult;

GstIceStunCheckResult *gst_ice_stun_check_run (const GstIceServerUri * server,
    GInetAddress * local, guint timeout_ms, GCancellable * cancellable);
void gst_ice_stun_check_result_free (GstIceStunCheckResult * result);

/**
 * GstIceStunCheckFunc:
 * @result: (transfer none): what came of the check
 * @user_data: what was given to gst_ice_stun_check_start()
 *
 * Called in the context given to gst_ice_stun_check_start(), once, never
 * after gst_ice_stun_check_stop() returned.
 */
typedef void (*GstIceStunCheckFunc) (const GstIceStunCheckResult * result,
    gpointer user_data);

typedef struct _GstIceStunCheck GstIceStunCheck;

GstIceStunCheck *gst_ice_stun_check_start (const GstIceServerUri * server,
    GMainContext * context, GstIceStunCheckFunc func, gpointer user_data);
void gst_ice_stun_check_stop (GstIceStunCheck * check);

G_END_DECLS
