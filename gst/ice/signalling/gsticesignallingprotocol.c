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
 * The JSON side of the signalling protocol (docs/signalling-protocol.md),
 * shared by #GstIceSignallingServer and #GstIceWebSocketSignaller: every
 * message is one JSON object with a string member "type" and string
 * members for the rest.  Private to libgstice.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticesignallingprotocol.h>
#include <gst/ice/gsticeerror.h>

/* The code of the \uXXXX escape at @i of @text, or -1 */
static gint
unicode_escape_at (const gchar * text, gsize size, gsize i)
{
  gint code = 0;
  gsize j;

  if (i + 6 > size || text[i] != '\\' || text[i + 1] != 'u')
    return -1;
  for (j = i + 2; j < i + 6; j++) {
    if (!g_ascii_isxdigit (text[j]))
      return -1;
    code = code * 16 + g_ascii_xdigit_value (text[j]);
  }
  return code;
}

/* How long the surrogate escapes at @i of @text are: 0 when @i starts no
 * surrogate, 12 for a \uD800-\uDBFF \uDC00-\uDFFF pair, -1 for anything
 * else.  json-glib 1.6.6 leaks on a malformed pair, and takes the
 * character after a lone surrogate's escape as part of it, even a
 * closing quote. */
static gint
surrogate_length (const gchar * text, gsize size, gsize i)
{
  gint code = unicode_escape_at (text, size, i), low;

  if (code < 0xd800 || code > 0xdfff)
    return 0;
  if (code > 0xdbff)
    return -1;
  low = unicode_escape_at (text, size, i + 6);
  return low >= 0xdc00 && low <= 0xdfff ? 12 : -1;
}

/**
 * gst_ice_signalling_message_check_text:
 * @text: (array length=size): the text of a message, not NUL-terminated
 * @size: its length in bytes
 * @error: return location for a %GST_ICE_ERROR_SIGNALLING error
 *
 * Refuses what json-glib would accept but JSON does not (single-quoted
 * strings, comments), so that the nesting depth counted here is exact,
 * input nested deep enough to exhaust the stack of json-glib's recursive
 * parser: more than %GST_ICE_SIGNALLING_MESSAGE_MAX_DEPTH levels, a
 * second value after the first (json-glib 1.6.6 takes `{}{}` and leaks),
 * and a malformed `\u` escape, or a surrogate escape that is not half of
 * a pair (`\u12"`, `\uD800\u0041`, `\uD800"`: json-glib reads four
 * characters after `\u` whatever they are, one more after a lone
 * surrogate, and leaks on a malformed pair).
 *
 * Returns: whether @text may be handed to json-glib
 */
gboolean
gst_ice_signalling_message_check_text (const gchar * text, gsize size,
    GError ** error)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  /* a value was started, and ended, at the top level */
  gboolean started = FALSE, ended = FALSE;
  guint depth = 0;
  gsize i;

  for (i = 0; i < size; i++) {
    gchar c = text[i];

    if (in_string) {
      if (escaped)
        escaped = FALSE;
      else if (c == '\\' && i + 1 < size && text[i + 1] == 'u' &&
          unicode_escape_at (text, size, i) < 0)
        goto bad_unicode_escape;
      else if (c == '\\' && surrogate_length (text, size, i) < 0)
        goto bad_surrogate_pair;
      else if (c == '\\' && surrogate_length (text, size, i) > 0)
        i += surrogate_length (text, size, i) - 1;      /* a pair */
      else if (c == '\\')
        escaped = TRUE;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '\'' || c == '/' || c == '#')
      goto not_json;
    if (depth == 0 && !g_ascii_isspace (c)) {
      if (ended || (started && (c == '{' || c == '[')))
        goto second_value;
      started = TRUE;
    }
    if (c == '"') {
      in_string = TRUE;
    } else if (c == '{' || c == '[') {
      if (++depth > GST_ICE_SIGNALLING_MESSAGE_MAX_DEPTH)
        goto too_deep;
    } else if ((c == '}' || c == ']') && depth > 0) {
      if (--depth == 0)
        ended = TRUE;
    }
  }
  return TRUE;

  /* ERRORS */
too_deep:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "nested deeper than %d levels", GST_ICE_SIGNALLING_MESSAGE_MAX_DEPTH);
    return FALSE;
  }
not_json:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "unexpected '%c' at offset %" G_GSIZE_FORMAT, text[i], i);
    return FALSE;
  }
bad_unicode_escape:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "malformed \\u escape at offset %" G_GSIZE_FORMAT " (\\u needs four "
        "hexadecimal digits)", i);
    return FALSE;
  }
bad_surrogate_pair:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "malformed surrogate pair at offset %" G_GSIZE_FORMAT " "
        "(\\uD800-\\uDBFF and \\uDC00-\\uDFFF escapes go in pairs, in that "
        "order)", i);
    return FALSE;
  }
second_value:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "a second JSON value starts at offset %" G_GSIZE_FORMAT " (a message "
        "is one JSON object)", i);
    return FALSE;
  }
}

/**
 * gst_ice_signalling_message_parse:
 * @bytes: the payload of a WebSocket text frame
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a new reference to the JSON object
 *   in @bytes, or %NULL when @bytes is not one, or not JSON that
 *   gst_ice_signalling_message_check_text() lets through
 */
JsonObject *
gst_ice_signalling_message_parse (GBytes * bytes, GError ** error)
{
  JsonParser *parser;
  JsonNode *root;
  JsonObject *object = NULL;
  const gchar *text;
  gsize size;

  text = g_bytes_get_data (bytes, &size);
  if (size == 0 || text == NULL)
    goto not_object;

  if (!gst_ice_signalling_message_check_text (text, size, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, size, error)) {
    g_object_unref (parser);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_object_ref (json_node_get_object (root));
  g_object_unref (parser);

  if (object == NULL)
    goto not_object;
  return object;

  /* ERRORS */
not_object:
  {
    g_set_error_literal (error, GST_ICE_ERROR, GST_ICE_ERROR_SIGNALLING,
        "not a JSON object");
    return NULL;
  }
}

/**
 * gst_ice_signalling_message_get_string:
 * @message: a message
 * @name: the name of a member
 *
 * Returns: (nullable): the string value of @name in @message, or %NULL
 *   when it is missing, not a string or not valid UTF-8
 */
const gchar *
gst_ice_signalling_message_get_string (JsonObject * message, const gchar * name)
{
  JsonNode *node = json_object_get_member (message, name);
  const gchar *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  /* "\ud800" decodes to bytes that are not UTF-8, which no WebSocket text
   * frame may carry */
  value = json_node_get_string (node);
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return NULL;
  return value;
}

/**
 * gst_ice_signalling_reason_is_valid:
 * @reason: (nullable): the "reason" of an endSession
 *
 * Returns: whether @reason is 1 to %GST_ICE_SIGNALLING_MAX_REASON_LENGTH
 *   lower-case letters and dashes, as the codes of the protocol are
 */
gboolean
gst_ice_signalling_reason_is_valid (const gchar * reason)
{
  gsize i;

  if (reason == NULL || reason[0] == '\0')
    return FALSE;
  for (i = 0; reason[i] != '\0'; i++) {
    if (i >= GST_ICE_SIGNALLING_MAX_REASON_LENGTH ||
        !((reason[i] >= 'a' && reason[i] <= 'z') || reason[i] == '-'))
      return FALSE;
  }
  return TRUE;
}

/**
 * gst_ice_signalling_message_build:
 * @type: the message type
 * @...: name, value pairs of string members, ending with %NULL
 *
 * Returns: (transfer full): the message as compact JSON text
 */
gchar *
gst_ice_signalling_message_build (const gchar * type, ...)
{
  JsonObject *object;
  JsonNode *node;
  const gchar *name, *value;
  gchar *text;
  va_list args;

  object = json_object_new ();
  json_object_set_string_member (object, "type", type);

  va_start (args, type);
  name = va_arg (args, const gchar *);
  while (name != NULL) {
    value = va_arg (args, const gchar *);
    json_object_set_string_member (object, name, value);
    name = va_arg (args, const gchar *);
  }
  va_end (args);

  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  json_node_unref (node);
  json_object_unref (object);

  return text;
}

/* a word of a stats message: what the elements write (host, srflx, udp,
 * ready, ...), and nothing a page could take for markup */
static gboolean
stats_word_is_valid (const gchar * word)
{
  gsize i;

  if (word == NULL || word[0] == '\0')
    return FALSE;
  for (i = 0; word[i] != '\0'; i++) {
    if (i >= GST_ICE_SIGNALLING_MAX_STATS_WORD_LENGTH ||
        !(g_ascii_isalnum (word[i]) || word[i] == '-'))
      return FALSE;
  }
  return TRUE;
}

static void
set_stats_word (JsonObject * object, const gchar * member,
    const GstStructure * stats, const gchar * field)
{
  const gchar *value = gst_structure_get_string (stats, field);

  if (stats_word_is_valid (value))
    json_object_set_string_member (object, member, value);
}

static void
set_stats_count (JsonObject * object, const gchar * member,
    const GstStructure * stats, const gchar * field)
{
  guint64 value;
  gchar text[24];               /* 2^64 has 20 digits */

  if (gst_structure_get_uint64 (stats, field, &value)) {
    g_snprintf (text, sizeof (text), "%" G_GUINT64_FORMAT, value);
    json_object_set_string_member (object, member, text);
  }
}

/**
 * gst_ice_signalling_stats_message_build:
 * @session_id: the session
 * @stats: its `ice-session-stats` structure
 *
 * Returns: (transfer full): a "stats" message with the session's state,
 *   the candidate types and transport of its selected pair (once there is
 *   one) and the bytes sent and received; nothing else of @stats (no
 *   address, no fingerprint) leaves.
 */
gchar *
gst_ice_signalling_stats_message_build (const gchar * session_id,
    const GstStructure * stats)
{
  JsonObject *object;
  JsonNode *node;
  gchar *text;

  object = json_object_new ();
  json_object_set_string_member (object, "type", "stats");
  json_object_set_string_member (object, "sessionId", session_id);
  set_stats_word (object, "state", stats, "state");
  set_stats_word (object, "localCandidateType", stats, "local-candidate-type");
  set_stats_word (object, "remoteCandidateType", stats,
      "remote-candidate-type");
  set_stats_word (object, "transport", stats, "transport");
  set_stats_count (object, "bytesSent", stats, "bytes-sent");
  set_stats_count (object, "bytesReceived", stats, "bytes-received");

  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  json_node_unref (node);
  json_object_unref (object);
  return text;
}

static gboolean
read_stats_count (JsonObject * message, const gchar * member, guint64 * value)
{
  const gchar *text = gst_ice_signalling_message_get_string (message, member);

  *value = 0;
  return text == NULL || g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64,
      value, NULL);
}

static const gchar *
read_stats_word (JsonObject * message, const gchar * member)
{
  const gchar *word = gst_ice_signalling_message_get_string (message, member);

  return stats_word_is_valid (word) ? word : NULL;
}

/**
 * gst_ice_signalling_stats_message_read:
 * @message: a "stats" message
 * @stats: (out): its members; the strings belong to @message
 *
 * A word that is missing or not a short code of letters, digits and
 * dashes is %NULL; a missing count is 0.
 *
 * Returns: %FALSE when a count is not a decimal number
 */
gboolean
gst_ice_signalling_stats_message_read (JsonObject * message,
    GstIceSignallingStats * stats)
{
  stats->state = read_stats_word (message, "state");
  stats->local_candidate_type = read_stats_word (message, "localCandidateType");
  stats->remote_candidate_type = read_stats_word (message,
      "remoteCandidateType");
  stats->transport = read_stats_word (message, "transport");
  return read_stats_count (message, "bytesSent", &stats->bytes_sent) &&
      read_stats_count (message, "bytesReceived", &stats->bytes_received);
}
