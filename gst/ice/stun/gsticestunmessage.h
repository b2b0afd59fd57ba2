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

G_BEGIN_DECLS

/* RFC 5389 6: in every message since 2008, never in an RFC 3489 one */
#define GST_ICE_STUN_MAGIC_COOKIE 0x2112A442
#define GST_ICE_STUN_HEADER_LENGTH 20
/* what RFC 3489 calls the transaction id: the cookie and RFC 5389's id */
#define GST_ICE_STUN_TRANSACTION_LENGTH 16
/* a Binding request with CHANGE-REQUEST */
#define GST_ICE_STUN_REQUEST_MAX_LENGTH 28

/**
 * GstIceStunChange:
 * @GST_ICE_STUN_CHANGE_NONE: answer from where the request went
 * @GST_ICE_STUN_CHANGE_PORT: answer from the server's other port
 * @GST_ICE_STUN_CHANGE_IP: answer from the server's other address
 *
 * The flags of CHANGE-REQUEST (RFC 5780 7.2), which a server that
 * supports behaviour discovery honours.
 */
typedef enum
{
  GST_ICE_STUN_CHANGE_NONE = 0,
  GST_ICE_STUN_CHANGE_PORT = 0x2,
  GST_ICE_STUN_CHANGE_IP = 0x4,
} GstIceStunChange;

/**
 * GstIceStunClass:
 * @GST_ICE_STUN_CLASS_REQUEST: a request
 * @GST_ICE_STUN_CLASS_INDICATION: an indication
 * @GST_ICE_STUN_CLASS_SUCCESS: a success response
 * @GST_ICE_STUN_CLASS_ERROR: an error response
 */
typedef enum
{
  GST_ICE_STUN_CLASS_REQUEST,
  GST_ICE_STUN_CLASS_INDICATION,
  GST_ICE_STUN_CLASS_SUCCESS,
  GST_ICE_STUN_CLASS_ERROR,
} GstIceStunClass;

/**
 * GstIceStunMessage:
 * @klass: request, indication, success or error response
 * @method: the method (1: Binding)
 * @transaction: the 16 bytes after the type and length: the magic cookie
 *   and the transaction id (RFC 5389), or the whole id (RFC 3489)
 * @has_cookie: the first 4 of them are the magic cookie
 * @xor_mapped: (nullable): XOR-MAPPED-ADDRESS (RFC 5389)
 * @mapped: (nullable): MAPPED-ADDRESS, in clear (RFC 3489; RFC 5389
 *   servers may send it too)
 * @other: (nullable): OTHER-ADDRESS (RFC 5780): where the server answers
 *   a CHANGE-REQUEST from
 * @changed: (nullable): CHANGED-ADDRESS, its RFC 3489 name
 * @response_origin: (nullable): RESPONSE-ORIGIN (RFC 5780)
 * @error_code: an error response's ERROR-CODE (300 to 699), or 0
 * @reason: (nullable): its reason phrase, valid UTF-8
 * @software: (nullable): SOFTWARE, valid UTF-8
 *
 * A STUN message as read by gst_ice_stun_message_parse(): the parts a
 * Binding transaction needs.
 */
typedef struct
{
  GstIceStunClass klass;
  guint16 method;
  guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH];
  gboolean has_cookie;
  GInetSocketAddress *xor_mapped;
  GInetSocketAddress *mapped;
  GInetSocketAddress *other;
  GInetSocketAddress *changed;
  GInetSocketAddress *response_origin;
  guint error_code;
  gchar *reason;
  gchar *software;
} GstIceStunMessage;

void gst_ice_stun_new_transaction (guint8
    transaction[GST_ICE_STUN_TRANSACTION_LENGTH]);
gsize gst_ice_stun_write_binding_request (guint8 * buffer, gsize size,
    const guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH],
    GstIceStunChange change);

GstIceStunMessage *gst_ice_stun_message_parse (const guint8 * data,
    gsize length, GError ** error);
void gst_ice_stun_message_free (GstIceStunMessage * message);
gboolean gst_ice_stun_message_answers (const GstIceStunMessage * message,
    const guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH]);
gboolean gst_ice_stun_message_is_pre_rfc5389 (const GstIceStunMessage *
    message);
GInetSocketAddress *gst_ice_stun_message_get_mapped (const GstIceStunMessage
    * message);

gchar *gst_ice_stun_address_to_string (GInetSocketAddress * address);
gboolean gst_ice_stun_address_equal (GInetSocketAddress * a,
    GInetSocketAddress * b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstIceStunMessage, gst_ice_stun_message_free);

G_END_DECLS
