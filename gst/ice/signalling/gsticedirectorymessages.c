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

/* The text formats of GstIceDirectorySignaller's files:
 *
 * - message files: messages one after the other, each a header line
 *   (`description`, `candidate` or `end`), its text lines and an empty
 *   line; lines end with LF or CRLF;
 * - the producer file: `instance TOKEN`, `host NAME` and `pid N` lines;
 * - the request file: `producer ID`, `producer-instance TOKEN` and
 *   `consumer ID` lines.
 *
 * Parsing takes bytes and gives back what it found, writing gives back
 * the text to store: the caller does the file-system access and the
 * logging. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/ice/signalling/gsticedirectorymessages.h>
#include <gst/ice/signalling/gsticedirectoryfiles.h>
#include <gst/ice/gsticeerror.h>

#include <string.h>

static gboolean
is_text (const gchar * contents, gsize length)
{
  /* g_utf8_validate() with a length also refuses NUL bytes */
  return length == 0 || g_utf8_validate (contents, length, NULL);
}

static gboolean
line_equals (const gchar * line, gsize len, const gchar * word)
{
  return len == strlen (word) && memcmp (line, word, len) == 0;
}

static gboolean
line_is_empty (const gchar * line, gsize len)
{
  return len == 0 || (len == 1 && line[0] == '\r');
}

/* Sets *@type from a header line (without its '\n'); returns FALSE when
 * @line is not a header. */
static gboolean
parse_header (const gchar * line, gsize len, GstIceDirectoryMessageType * type)
{
  if (len > 0 && line[len - 1] == '\r')
    len--;
  if (line_equals (line, len, "description"))
    *type = GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION;
  else if (line_equals (line, len, "candidate"))
    *type = GST_ICE_DIRECTORY_MESSAGE_CANDIDATE;
  else if (line_equals (line, len, "end"))
    *type = GST_ICE_DIRECTORY_MESSAGE_END;
  else
    return FALSE;
  return TRUE;
}

/* Looks for the empty line that ends a message whose text starts at
 * @start.  Returns the offset after it, or 0 when it is not there yet;
 * *@text_end is set to the offset of the empty line. */
static gsize
find_message_end (const gchar * data, gsize start, gsize len, gsize * text_end)
{
  gsize pos = start;

  while (pos < len) {
    const gchar *nl = memchr (data + pos, '\n', len - pos);
    gsize line_len;

    if (nl == NULL)
      return 0;
    line_len = nl - (data + pos);
    if (line_is_empty (data + pos, line_len)) {
      *text_end = pos;
      return pos + line_len + 1;
    }
    pos += line_len + 1;
  }
  return 0;
}

/* Returns the new last element of @messages, to fill in */
static GstIceDirectoryMessage *
add_message (GArray * messages, GstIceDirectoryMessageType type,
    goffset offset, gsize size)
{
  GstIceDirectoryMessage message = { type, offset, size, NULL, 0, NULL };

  g_array_append_val (messages, message);
  return &g_array_index (messages, GstIceDirectoryMessage, messages->len - 1);
}

static void
add_refused (GArray * messages, goffset offset, gsize size, const gchar * why)
{
  add_message (messages, GST_ICE_DIRECTORY_MESSAGE_REFUSED, offset, size)->why =
      why;
}

/* Adds the complete message of @type whose text is @text, a series of
 * lines each ending with '\n', and that takes @size bytes at @offset of
 * the file.  Returns TRUE when it is an end. */
static gboolean
add_complete_message (GArray * messages, GstIceDirectoryMessageType type,
    const gchar * text, gsize text_len, goffset offset, gsize size)
{
  GstIceDirectoryMessage *message;
  const gchar *why = NULL;
  GString *lines;
  guint n_lines = 0;
  gsize pos = 0;

  if (!is_text (text, text_len))
    goto not_text;

  lines = g_string_new (NULL);
  while (pos < text_len) {
    const gchar *line = text + pos;
    const gchar *nl = memchr (line, '\n', text_len - pos);
    gsize line_len = nl - line;

    pos += line_len + 1;
    if (line_len > 0 && line[line_len - 1] == '\r')
      line_len--;
    g_string_append_len (lines, line, line_len);
    g_string_append_c (lines, '\n');
    n_lines++;
  }

  switch (type) {
    case GST_ICE_DIRECTORY_MESSAGE_DESCRIPTION:
      if (n_lines == 0)
        why = "a description without lines";
      break;
    case GST_ICE_DIRECTORY_MESSAGE_CANDIDATE:
      if (n_lines != 1)
        why = "a candidate of more than one line";
      else
        g_string_truncate (lines, lines->len - 1);
      break;
    case GST_ICE_DIRECTORY_MESSAGE_END:
      if (n_lines != 0)
        why = "an end with lines after it";
      break;
    default:
      g_assert_not_reached ();
  }

  if (why != NULL) {
    g_string_free (lines, TRUE);
    add_refused (messages, offset, size, why);
    return FALSE;
  }

  message = add_message (messages, type, offset, size);
  message->n_lines = n_lines;
  if (type == GST_ICE_DIRECTORY_MESSAGE_END)
    g_string_free (lines, TRUE);
  else
    message->text = g_string_free (lines, FALSE);
  return type == GST_ICE_DIRECTORY_MESSAGE_END;

  /* ERRORS */
not_text:
  {
    add_refused (messages, offset, size, "a message that is not UTF-8 text");
    return FALSE;
  }
}

static void
clear_message (GstIceDirectoryMessage * message)
{
  g_free (message->text);
}

/**
 * gst_ice_directory_messages_array_new:
 *
 * Returns: (transfer full): an empty array of #GstIceDirectoryMessage
 *   for gst_ice_directory_messages_parse(), that frees their text
 */
GArray *
gst_ice_directory_messages_array_new (void)
{
  GArray *messages = g_array_new (FALSE, TRUE,
      sizeof (GstIceDirectoryMessage));

  g_array_set_clear_func (messages, (GDestroyNotify) clear_message);
  return messages;
}

/**
 * gst_ice_directory_messages_parse:
 * @data: bytes of a message file
 * @len: the number of bytes in @data
 * @offset: the offset of @data in the file, for the offsets of @messages
 * @messages: an array from gst_ice_directory_messages_array_new() that
 *   the messages found are appended to, in file order
 *
 * Parses the complete messages at the start of @data.  A message that is
 * not finished yet is left for the next call, unless it is already longer
 * than %GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE.  Lines that cannot start a
 * message, and headers with no end within that size, are skipped and
 * reported as one %GST_ICE_DIRECTORY_MESSAGE_GARBAGE per run of them;
 * messages that are too long or whose text does not fit their header are
 * skipped and reported as such.  Parsing stops after a valid end.
 *
 * Returns: the number of bytes used up: complete messages, skipped bytes
 *   and the empty lines between them
 */
gsize
gst_ice_directory_messages_parse (const gchar * data, gsize len,
    goffset offset, GArray * messages)
{
  gboolean in_garbage = FALSE;
  gboolean ended = FALSE;
  gsize garbage_start = 0;
  gsize pos = 0;

  while (pos < len && !ended) {
    const gchar *line = data + pos;
    const gchar *nl = memchr (line, '\n', len - pos);
    GstIceDirectoryMessageType type = GST_ICE_DIRECTORY_MESSAGE_GARBAGE;
    gsize line_len, text_end = 0, end;

    if (nl == NULL) {
      /* an unfinished line: wait for its end, unless it is already too
       * long to start a message */
      if (len - pos > GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE) {
        if (!in_garbage)
          garbage_start = pos;
        in_garbage = TRUE;
        pos = len;
      }
      break;
    }

    line_len = nl - line;
    if (line_is_empty (line, line_len)) {
      /* between messages */
      pos += line_len + 1;
      continue;
    }

    end = 0;
    if (parse_header (line, line_len, &type)) {
      end = find_message_end (data, pos + line_len + 1, len, &text_end);
      if (end == 0 && len - pos <= GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE)
        break;                  /* being written: wait for the rest */
    }

    if (end == 0) {
      /* not a header, or a header with no end in sight: skip the line,
       * and look for a header on the next one */
      if (!in_garbage)
        garbage_start = pos;
      in_garbage = TRUE;
      pos += line_len + 1;
      continue;
    }

    if (in_garbage)
      add_message (messages, GST_ICE_DIRECTORY_MESSAGE_GARBAGE,
          offset + (goffset) garbage_start, pos - garbage_start);
    in_garbage = FALSE;

    if (end - pos > GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE) {
      add_message (messages, GST_ICE_DIRECTORY_MESSAGE_TOO_LONG,
          offset + (goffset) pos, end - pos);
    } else {
      ended = add_complete_message (messages, type, data + pos + line_len + 1,
          text_end - (pos + line_len + 1), offset + (goffset) pos, end - pos);
    }
    pos = end;
  }

  if (in_garbage)
    add_message (messages, GST_ICE_DIRECTORY_MESSAGE_GARBAGE,
        offset + (goffset) garbage_start, pos - garbage_start);
  return pos;
}

/**
 * gst_ice_directory_messages_write_description:
 * @description: a session description, lines ending with LF or CRLF
 * @n_lines: (out): the number of lines written
 * @error: return location for a %GST_ICE_ERROR_INVALID_DESCRIPTION error
 *   whose message says what was refused ("a description that is not
 *   UTF-8")
 *
 * Makes the message for @description: its empty lines, which would end
 * the message, are dropped, and its lines end with LF.  A description that
 * is not UTF-8, has no line or makes a message longer than
 * %GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE is refused.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL
 */
gchar *
gst_ice_directory_messages_write_description (const gchar * description,
    guint * n_lines, GError ** error)
{
  GString *message;
  gchar **lines;
  guint i;

  *n_lines = 0;
  if (!g_utf8_validate (description, -1, NULL))
    goto not_text;

  message = g_string_new ("description\n");
  lines = g_strsplit (description, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    gsize len = strlen (lines[i]);

    if (len > 0 && lines[i][len - 1] == '\r')
      len--;
    if (len == 0)
      continue;
    g_string_append_len (message, lines[i], len);
    g_string_append_c (message, '\n');
    (*n_lines)++;
  }
  g_strfreev (lines);
  g_string_append_c (message, '\n');

  if (*n_lines == 0 || message->len > GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE)
    goto bad_size;
  return g_string_free (message, FALSE);

  /* ERRORS */
not_text:
  {
    g_set_error_literal (error, GST_ICE_ERROR,
        GST_ICE_ERROR_INVALID_DESCRIPTION, "a description that is not UTF-8");
    return NULL;
  }
bad_size:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "a description of %u lines and %" G_GSIZE_FORMAT " bytes (at most %d)",
        *n_lines, message->len, GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE);
    g_string_free (message, TRUE);
    return NULL;
  }
}

/**
 * gst_ice_directory_messages_write_candidate:
 * @candidate: a candidate line, with or without its line ending
 * @error: return location for a %GST_ICE_ERROR_INVALID_DESCRIPTION error
 *   whose message names the refused candidate ("candidate 'LINE'")
 *
 * Makes the message for @candidate, which must be one non-empty line of
 * UTF-8 text of at most half %GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL
 */
gchar *
gst_ice_directory_messages_write_candidate (const gchar * candidate,
    GError ** error)
{
  gchar *line, *message;
  gsize len;

  line = g_strdup (candidate);
  len = strlen (line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  if (len == 0 || strpbrk (line, "\r\n") != NULL
      || !g_utf8_validate (line, -1, NULL)
      || len > GST_ICE_DIRECTORY_MAX_MESSAGE_SIZE / 2)
    goto bad_candidate;

  message = g_strdup_printf ("candidate\n%s\n\n", line);
  g_free (line);
  return message;

  /* ERRORS */
bad_candidate:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "candidate '%s'", line);
    g_free (line);
    return NULL;
  }
}

/**
 * gst_ice_directory_messages_write_end:
 *
 * Returns: the message that ends a session
 */
const gchar *
gst_ice_directory_messages_write_end (void)
{
  return "end\n\n";
}

/**
 * gst_ice_directory_messages_write_producer:
 * @instance: the instance token of this run of the producer
 * @host: the host name, for people looking at the directory
 * @pid: the process id, for the same people; 0 for none
 *
 * Returns: (transfer full): the text of a producer file
 */
gchar *
gst_ice_directory_messages_write_producer (const gchar * instance,
    const gchar * host, gulong pid)
{
  if (pid == 0)
    return g_strdup_printf ("instance %s\nhost %s\n", instance, host);
  return g_strdup_printf ("instance %s\nhost %s\npid %lu\n", instance, host,
      pid);
}

/**
 * gst_ice_directory_messages_parse_producer:
 * @contents: the bytes of a producer file, followed by a NUL
 * @length: the number of bytes, without the NUL
 * @why: (out) (optional): set when the file is refused, to what is wrong
 *   with it ("is not text", "has no valid 'instance' line")
 *
 * Returns: (transfer full) (nullable): the instance token of the
 *   producer, or %NULL when @contents is not a producer file
 */
gchar *
gst_ice_directory_messages_parse_producer (const gchar * contents,
    gsize length, const gchar ** why)
{
  gchar *instance;

  if (!is_text (contents, length))
    goto not_text;

  instance = gst_ice_directory_messages_lookup_field (contents, "instance");
  if (!gst_ice_directory_messages_is_valid_instance (instance))
    goto no_instance;
  return instance;

  /* ERRORS */
not_text:
  {
    if (why != NULL)
      *why = "is not text";
    return NULL;
  }
no_instance:
  {
    if (why != NULL)
      *why = "has no valid 'instance' line";
    g_free (instance);
    return NULL;
  }
}

/**
 * gst_ice_directory_messages_write_request:
 * @producer_id: the producer asked for a session
 * @instance: the instance token of that producer
 * @consumer_id: the consumer asking
 *
 * Returns: (transfer full): the text of a request file
 */
gchar *
gst_ice_directory_messages_write_request (const gchar * producer_id,
    const gchar * instance, const gchar * consumer_id)
{
  return g_strdup_printf ("producer %s\nproducer-instance %s\n"
      "consumer %s\n", producer_id, instance, consumer_id);
}

/**
 * gst_ice_directory_messages_parse_request:
 * @contents: the bytes of a request file, followed by a NUL
 * @length: the number of bytes, without the NUL
 * @producer_id: (out) (transfer full): the producer asked
 * @instance: (out) (transfer full): the instance token of that producer
 * @consumer_id: (out) (transfer full): the consumer asking
 *
 * Reads a request file, which needs valid `producer`, `producer-instance`
 * and `consumer` lines.  The outputs are only set on success.
 *
 * Returns: %TRUE when @contents is a request
 */
gboolean
gst_ice_directory_messages_parse_request (const gchar * contents,
    gsize length, gchar ** producer_id, gchar ** instance, gchar ** consumer_id)
{
  gchar *producer = NULL, *token = NULL, *consumer = NULL;

  if (is_text (contents, length)) {
    producer = gst_ice_directory_messages_lookup_field (contents, "producer");
    token = gst_ice_directory_messages_lookup_field (contents,
        "producer-instance");
    consumer = gst_ice_directory_messages_lookup_field (contents, "consumer");
  }
  if (!gst_ice_directory_files_is_valid_name (producer,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH)
      || !gst_ice_directory_messages_is_valid_instance (token)
      || !gst_ice_directory_files_is_valid_name (consumer,
          GST_ICE_DIRECTORY_MAX_PEER_ID_LENGTH))
    goto not_a_request;

  *producer_id = producer;
  *instance = token;
  *consumer_id = consumer;
  return TRUE;

  /* ERRORS */
not_a_request:
  {
    g_free (producer);
    g_free (token);
    g_free (consumer);
    return FALSE;
  }
}

/**
 * gst_ice_directory_messages_lookup_field:
 * @contents: text, checked to be UTF-8
 * @key: a field name
 *
 * Returns: (transfer full) (nullable): the value of the first "KEY VALUE"
 *   line of @contents, without its line ending, or %NULL
 */
gchar *
gst_ice_directory_messages_lookup_field (const gchar * contents,
    const gchar * key)
{
  gchar **lines = g_strsplit (contents, "\n", -1);
  gsize key_length = strlen (key);
  gchar *value = NULL;
  guint i;

  for (i = 0; lines[i] != NULL && value == NULL; i++) {
    gchar *line = lines[i];
    gsize len = strlen (line);

    if (len > 0 && line[len - 1] == '\r')
      line[len - 1] = '\0';
    if (strncmp (line, key, key_length) == 0 && line[key_length] == ' ')
      value = g_strdup (line + key_length + 1);
  }
  g_strfreev (lines);
  return value;
}

/**
 * gst_ice_directory_messages_is_valid_instance:
 * @instance: (nullable): an instance token
 *
 * Returns: %TRUE when @instance is 1 to
 *   %GST_ICE_DIRECTORY_MAX_INSTANCE_LENGTH hexadecimal digits
 */
gboolean
gst_ice_directory_messages_is_valid_instance (const gchar * instance)
{
  const gchar *p;

  if (instance == NULL || instance[0] == '\0'
      || strlen (instance) > GST_ICE_DIRECTORY_MAX_INSTANCE_LENGTH)
    return FALSE;
  for (p = instance; *p != '\0'; p++) {
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  }
  return TRUE;
}
