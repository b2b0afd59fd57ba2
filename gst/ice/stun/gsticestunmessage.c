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

/**
 * SECTION:gsticestunmessage
 * @title: STUN Binding messages
 * @short_description: Binding requests with CHANGE-REQUEST, and what an
 *   answer says, in the RFC 5389 and the RFC 3489 form alike
 *
 * The STUN server check at start and gst-ice-probe send Binding requests
 * (RFC 5389, with RFC 5780's CHANGE-REQUEST for behaviour discovery) and
 * must read every answer as it is: one without the magic cookie or
 * without XOR-MAPPED-ADDRESS is what they are looking for, where
 * libnice's STUN agent drops it or takes it silently (docs/notes.md says
 * why this is written here rather than with libnice's `<stun/…>`).
 * Binding needs no credentials: nothing here is secret.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <openssl/rand.h>

#include <gst/ice/stun/gsticestunmessage.h>

#define METHOD_BINDING 0x001

/* RFC 3489, RFC 5389 and RFC 5780 attribute types */
#define ATTR_MAPPED_ADDRESS 0x0001
#define ATTR_CHANGE_REQUEST 0x0003
#define ATTR_CHANGED_ADDRESS 0x0005
#define ATTR_ERROR_CODE 0x0009
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_SOFTWARE 0x8022
#define ATTR_RESPONSE_ORIGIN 0x802B
#define ATTR_OTHER_ADDRESS 0x802C

#define FAMILY_IPV4 0x01
#define FAMILY_IPV6 0x02

/**
 * gst_ice_stun_new_transaction:
 * @transaction: (out caller-allocates): the magic cookie, then 12 random
 *   bytes (RFC 5389 6: random, so that an off-path attacker cannot
 *   answer in our place)
 */
void
gst_ice_stun_new_transaction (guint8
    transaction[GST_ICE_STUN_TRANSACTION_LENGTH])
{
  guint i;

  GST_WRITE_UINT32_BE (transaction, GST_ICE_STUN_MAGIC_COOKIE);
  if (RAND_bytes (transaction + 4, GST_ICE_STUN_TRANSACTION_LENGTH - 4) != 1) {
    /* OpenSSL's generator failed: still unique, less unpredictable */
    for (i = 4; i < GST_ICE_STUN_TRANSACTION_LENGTH; i++)
      transaction[i] = g_random_int_range (0, 256);
  }
}

/**
 * gst_ice_stun_write_binding_request:
 * @buffer: where to write, at least %GST_ICE_STUN_REQUEST_MAX_LENGTH bytes
 * @size: its size
 * @transaction: from gst_ice_stun_new_transaction() (or, for a test, any
 *   16 bytes: a first 4 other than the cookie make an RFC 3489 request)
 * @change: a CHANGE-REQUEST to add, or %GST_ICE_STUN_CHANGE_NONE for none
 *
 * Returns: the request's length, 0 when @size is too small
 */
gsize
gst_ice_stun_write_binding_request (guint8 * buffer, gsize size,
    const guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH],
    GstIceStunChange change)
{
  gsize length = GST_ICE_STUN_HEADER_LENGTH + (change ? 8 : 0);

  if (size < length)
    return 0;
  GST_WRITE_UINT16_BE (buffer, METHOD_BINDING);
  GST_WRITE_UINT16_BE (buffer + 2, length - GST_ICE_STUN_HEADER_LENGTH);
  memcpy (buffer + 4, transaction, GST_ICE_STUN_TRANSACTION_LENGTH);
  if (change) {
    GST_WRITE_UINT16_BE (buffer + 20, ATTR_CHANGE_REQUEST);
    GST_WRITE_UINT16_BE (buffer + 22, 4);
    GST_WRITE_UINT32_BE (buffer + 24, change);
  }
  return length;
}

/* An address attribute (RFC 5389 15.1, 15.2); @xor undoes XOR-MAPPED-
 * ADDRESS's mask, made of the cookie and the transaction id. */
static GInetSocketAddress *
read_address (const guint8 * value, guint16 length, gboolean xor,
    const guint8 * transaction, GError ** error)
{
  guint8 bytes[16];
  guint8 mask[16];
  GInetAddress *inet;
  GSocketAddress *address;
  guint16 port;
  gsize size;
  guint i;

  if (length < 4)
    goto malformed;
  if (value[1] == FAMILY_IPV4 && length == 8)
    size = 4;
  else if (value[1] == FAMILY_IPV6 && length == 20)
    size = 16;
  else
    goto malformed;

  GST_WRITE_UINT32_BE (mask, GST_ICE_STUN_MAGIC_COOKIE);
  memcpy (mask + 4, transaction + 4, 12);
  port = GST_READ_UINT16_BE (value + 2);
  memcpy (bytes, value + 4, size);
  if (xor) {
    port ^= GST_ICE_STUN_MAGIC_COOKIE >> 16;
    for (i = 0; i < size; i++)
      bytes[i] ^= mask[i];
  }

  inet = g_inet_address_new_from_bytes (bytes, size == 4 ?
      G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  address = g_inet_socket_address_new (inet, port);
  g_object_unref (inet);
  return G_INET_SOCKET_ADDRESS (address);

malformed:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
      "an address attribute of %u bytes, family %u, is not an IPv4 or IPv6 "
      "address", length, length > 1 ? value[1] : 0);
  return NULL;
}

static gchar *
read_text (const guint8 * value, guint16 length)
{
  if (!g_utf8_validate ((const gchar *) value, length, NULL))
    return NULL;
  return g_strndup ((const gchar *) value, length);
}

/* Keeps the first of each address attribute, as RFC 5389 15 says. */
static gboolean
read_attribute (GstIceStunMessage * message, guint16 type,
    const guint8 * value, guint16 length, GError ** error)
{
  GInetSocketAddress **slot = NULL;
  gboolean xor = FALSE;

  switch (type) {
    case ATTR_MAPPED_ADDRESS:
      slot = &message->mapped;
      break;
    case ATTR_XOR_MAPPED_ADDRESS:
      slot = &message->xor_mapped;
      xor = TRUE;
      break;
    case ATTR_OTHER_ADDRESS:
      slot = &message->other;
      break;
    case ATTR_CHANGED_ADDRESS:
      slot = &message->changed;
      break;
    case ATTR_RESPONSE_ORIGIN:
      slot = &message->response_origin;
      break;
    case ATTR_ERROR_CODE:
      if (length < 4 || message->error_code != 0)
        return TRUE;
      message->error_code = (value[2] & 0x7) * 100 + value[3];
      message->reason = read_text (value + 4, length - 4);
      return TRUE;
    case ATTR_SOFTWARE:
      if (message->software == NULL)
        message->software = read_text (value, length);
      return TRUE;
    default:
      return TRUE;
  }
  if (*slot != NULL)
    return TRUE;
  *slot = read_address (value, length, xor, message->transaction, error);
  return *slot != NULL;
}

/**
 * gst_ice_stun_message_parse:
 * @data: one datagram, or one message from a stream
 * @length: its length
 *
 * Reads a STUN message of either form: RFC 5389 (magic cookie) or RFC
 * 3489 (none).  Unknown attributes are skipped.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error
 *   saying what is wrong when @data is not exactly one STUN message
 */
GstIceStunMessage *
gst_ice_stun_message_parse (const guint8 * data, gsize length, GError ** error)
{
  GstIceStunMessage *message;
  guint16 type, body;
  gsize offset;

  if (length < GST_ICE_STUN_HEADER_LENGTH)
    goto too_short;
  type = GST_READ_UINT16_BE (data);
  body = GST_READ_UINT16_BE (data + 2);
  /* RFC 5389 6: the top two bits are 0, attributes are padded to 4 */
  if ((type & 0xC000) != 0 || body % 4 != 0 ||
      GST_ICE_STUN_HEADER_LENGTH + (gsize) body != length)
    goto not_stun;

  message = g_new0 (GstIceStunMessage, 1);
  /* the class bits are 0x0100 and 0x0010; the method is the rest */
  message->klass = ((type >> 7) & 0x2) | ((type >> 4) & 0x1);
  message->method = (type & 0x000F) | ((type & 0x00E0) >> 1) |
      ((type & 0x3E00) >> 2);
  memcpy (message->transaction, data + 4, GST_ICE_STUN_TRANSACTION_LENGTH);
  message->has_cookie =
      GST_READ_UINT32_BE (data + 4) == GST_ICE_STUN_MAGIC_COOKIE;

  for (offset = GST_ICE_STUN_HEADER_LENGTH; offset < length;) {
    guint16 attribute, attribute_length;

    if (length - offset < 4)
      goto truncated;
    attribute = GST_READ_UINT16_BE (data + offset);
    attribute_length = GST_READ_UINT16_BE (data + offset + 2);
    offset += 4;
    if (length - offset < attribute_length)
      goto truncated;
    if (!read_attribute (message, attribute, data + offset, attribute_length,
            error))
      goto bad_attribute;
    offset += GST_ROUND_UP_4 (attribute_length);
  }
  return message;

  /* ERRORS */
too_short:
  {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "%" G_GSIZE_FORMAT " bytes are too few for a STUN message (20 at "
        "least)", length);
    return NULL;
  }
not_stun:
  {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "not a STUN message (type 0x%04x, length %u in %" G_GSIZE_FORMAT
        " bytes)", type, body, length);
    return NULL;
  }
truncated:
  {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "a STUN attribute runs past the end of the message");
    gst_ice_stun_message_free (message);
    return NULL;
  }
bad_attribute:
  {
    gst_ice_stun_message_free (message);
    return NULL;
  }
}

void
gst_ice_stun_message_free (GstIceStunMessage * message)
{
  if (message == NULL)
    return;
  g_clear_object (&message->xor_mapped);
  g_clear_object (&message->mapped);
  g_clear_object (&message->other);
  g_clear_object (&message->changed);
  g_clear_object (&message->response_origin);
  g_free (message->reason);
  g_free (message->software);
  g_free (message);
}

/**
 * gst_ice_stun_message_answers:
 *
 * Returns: whether @message is a Binding response (success or error) to
 *   the request with @transaction: an RFC 3489 server echoes all 16 bytes
 *   too
 */
gboolean
gst_ice_stun_message_answers (const GstIceStunMessage * message,
    const guint8 transaction[GST_ICE_STUN_TRANSACTION_LENGTH])
{
  return (message->klass == GST_ICE_STUN_CLASS_SUCCESS ||
      message->klass == GST_ICE_STUN_CLASS_ERROR) &&
      message->method == METHOD_BINDING &&
      memcmp (message->transaction, transaction,
      GST_ICE_STUN_TRANSACTION_LENGTH) == 0;
}

/**
 * gst_ice_stun_message_is_pre_rfc5389:
 *
 * An answer in the form RFC 5389 replaced: without the magic cookie, or a
 * success without XOR-MAPPED-ADDRESS, which RFC 5389 15.2 requires in
 * every answer to a request with the cookie.
 *
 * Returns: whether the server that sent @message predates RFC 5389
 */
gboolean
gst_ice_stun_message_is_pre_rfc5389 (const GstIceStunMessage * message)
{
  return !message->has_cookie || (message->klass == GST_ICE_STUN_CLASS_SUCCESS
      && message->xor_mapped == NULL && message->mapped != NULL);
}

/**
 * gst_ice_stun_message_get_mapped:
 *
 * Returns: (transfer none) (nullable): the sender's address as the server
 *   saw it: XOR-MAPPED-ADDRESS when the answer has it and the cookie,
 *   else MAPPED-ADDRESS
 */
GInetSocketAddress *
gst_ice_stun_message_get_mapped (const GstIceStunMessage * message)
{
  if (message->has_cookie && message->xor_mapped)
    return message->xor_mapped;
  return message->mapped;
}

/**
 * gst_ice_stun_address_to_string:
 *
 * Returns: (transfer full): "192.0.2.1:3478" or "[2001:db8::1]:3478",
 *   "none" for %NULL
 */
gchar *
gst_ice_stun_address_to_string (GInetSocketAddress * address)
{
  GInetAddress *inet;
  gchar *host, *text;

  if (address == NULL)
    return g_strdup ("none");
  inet = g_inet_socket_address_get_address (address);
  host = g_inet_address_to_string (inet);
  text = g_strdup_printf (g_inet_address_get_family (inet) ==
      G_SOCKET_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u", host,
      g_inet_socket_address_get_port (address));
  g_free (host);
  return text;
}

/**
 * gst_ice_stun_address_equal:
 *
 * Returns: whether @a and @b are the same address and port (%FALSE when
 *   either is %NULL)
 */
gboolean
gst_ice_stun_address_equal (GInetSocketAddress * a, GInetSocketAddress * b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  return g_inet_socket_address_get_port (a) ==
      g_inet_socket_address_get_port (b) &&
      g_inet_address_equal (g_inet_socket_address_get_address (a),
      g_inet_socket_address_get_address (b));
}
