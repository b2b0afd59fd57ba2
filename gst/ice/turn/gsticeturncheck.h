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
#include <openssl/types.h>

#include <gst/ice/gsticeserveruri.h>

G_BEGIN_DECLS

/* how long the elements give a TURN server to answer at start */
#define GST_ICE_TURN_CHECK_TIMEOUT_MS 5000

/**
 * GstIceTurnCheckStatus:
 * @GST_ICE_TURN_CHECK_OK: the server allocated a relay (released again)
 * @GST_ICE_TURN_CHECK_REFUSED: the server refused the credentials (401)
 * @GST_ICE_TURN_CHECK_FAILED: the server answered the Allocate with
 *   another error, or with nonsense
 * @GST_ICE_TURN_CHECK_TLS_FAILED: the TLS handshake failed (the server's
 *   certificate, or TLS itself)
 * @GST_ICE_TURN_CHECK_UNREACHABLE: no connection (TCP, TLS), or the host
 *   does not resolve
 * @GST_ICE_TURN_CHECK_NO_ANSWER: nothing came back in time
 * @GST_ICE_TURN_CHECK_CANCELLED: stopped before it was done
 */
typedef enum
{
  GST_ICE_TURN_CHECK_OK,
  GST_ICE_TURN_CHECK_REFUSED,
  GST_ICE_TURN_CHECK_FAILED,
  GST_ICE_TURN_CHECK_TLS_FAILED,
  GST_ICE_TURN_CHECK_UNREACHABLE,
  GST_ICE_TURN_CHECK_NO_ANSWER,
  GST_ICE_TURN_CHECK_CANCELLED,
} GstIceTurnCheckStatus;

/**
 * GstIceTurnCheckResult:
 * @status: what happened
 * @error_code: the STUN ERROR-CODE of a refused or failed Allocate, or 0
 * @message: (nullable): unless OK or cancelled: a sentence for the user
 *   that names the server (password hidden), says what happened and what
 *   would help
 * @relayed: (nullable): when OK: the relayed transport address
 * @mapped: (nullable): when OK and the server said: this host's address
 *   as the server saw it
 */
typedef struct
{
  GstIceTurnCheckStatus status;
  guint error_code;
  gchar *message;
  GInetSocketAddress *relayed;
  GInetSocketAddress *mapped;
} GstIceTurnCheckResult;

/**
 * GstIceTurnCheckTarget:
 * @server: the server, with the credentials to try (derived ones too);
 *   its host as the user wrote it: a `turns://` server's certificate must
 *   carry that name
 * @display: how messages name the server, password hidden
 * @derived: the credentials come from turn-auth-secret, for the hint of
 *   a 401
 * @address: (nullable): where to reach the server; %NULL: resolve
 *   @server's host
 */
typedef struct
{
  GstIceServerUri *server;
  gchar *display;
  gboolean derived;
  GSocketAddress *address;
} GstIceTurnCheckTarget;

void gst_ice_turn_check_target_free (GstIceTurnCheckTarget * target);

GstIceTurnCheckResult *gst_ice_turn_check_run (const GstIceTurnCheckTarget *
    target, SSL_CTX * tls, guint timeout_ms, GCancellable * cancellable);
void gst_ice_turn_check_result_free (GstIceTurnCheckResult * result);

/**
 * GstIceTurnCheckFunc:
 * @target: (transfer none): one of the targets given to
 *   gst_ice_turn_checks_start()
 * @result: (transfer none): its result
 * @user_data: what was given to gst_ice_turn_checks_start()
 *
 * Called in the context given to gst_ice_turn_checks_start(), once per
 * target, never after gst_ice_turn_checks_stop() returned.
 */
typedef void (*GstIceTurnCheckFunc) (const GstIceTurnCheckTarget * target,
    const GstIceTurnCheckResult * result, gpointer user_data);

typedef struct _GstIceTurnChecks GstIceTurnChecks;

GstIceTurnChecks *gst_ice_turn_checks_start (GPtrArray * targets,
    SSL_CTX * tls, GMainContext * context, GstIceTurnCheckFunc func,
    gpointer user_data);
void gst_ice_turn_checks_stop (GstIceTurnChecks * checks);

G_END_DECLS
