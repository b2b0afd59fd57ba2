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
 * SECTION:gsticecaps
 * @title: Caps from a peer
 * @short_description: check caps text before GStreamer parses it
 *
 * A producer's description carries the caps of its stream as text
 * (`a=x-gst-caps:`).  gst_caps_from_string() of GStreamer 1.22 trusts that
 * text: some malformed caps make it log a g_critical() or a g_warning()
 * (a media type that starts with a digit, a fraction with -2147483648 in
 * it, a range that ends before it starts, nested structures and caps, tag
 * lists), a buffer that is not hexadecimal makes it unmap a buffer it has
 * already freed, and arrays nested deep enough exhaust its stack.
 *
 * gst_ice_caps_text_is_valid() lets through only what gst_caps_to_string()
 * writes for fixed caps, with value types that cannot hurt:
 *
 * - `ANY`, `EMPTY` or `NONE` alone, or structures separated by `;`, each
 *   a media type (a letter, then letters, digits and `/ - _ . : +`, not a
 *   GStreamer 0.10 raw one nor one of those three words),
 *   optional caps features (`(memory:SystemMemory)`, `(ANY)`), then
 *   `, field=(TYPE)VALUE` pairs;
 * - TYPE one of int, uint, gint64, guint64, float, double, boolean,
 *   string, fraction, bitmask, flagset, GstVideoMultiviewFlagsSet and
 *   buffer (and their one-letter GStreamer abbreviations), each VALUE
 *   checked against it: decimal numbers, fractions whose two numbers fit
 *   in a gint and are not -2147483648, an even number of hexadecimal
 *   digits for a buffer;
 * - arrays `< >` and lists `{ }` of values, nested at most
 *   %GST_ICE_CAPS_MAX_DEPTH deep (`(array)` and `(list)` in front of
 *   one nested in another); no ranges `[ ]`, as the caps of a stream are
 *   fixed;
 * - quoted strings without control characters; at most
 *   %GST_ICE_CAPS_MAX_LENGTH bytes in all;
 * - each value one that GStreamer reads alone (gst_value_deserialize()):
 *   one it cannot read in an array or a list makes GStreamer 1.22 leak
 *   the array or list.
 *
 * Private to libgstice.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/ice/gsticecaps.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticesyntax.h>

/* longest piece of the caps an error message shows */
#define PIECE_MAX_LENGTH 64

typedef enum
{
  KIND_NONE,
  KIND_INTEGER,
  KIND_FLOAT,
  KIND_BOOLEAN,
  KIND_STRING,
  KIND_FRACTION,
  KIND_BITMASK,
  KIND_FLAGSET,
  KIND_BUFFER,
  KIND_ARRAY,
  KIND_LIST,
} ValueKind;

typedef struct
{
  const gchar *name;
  ValueKind kind;
  /* the GType's name, to read one value with */
  const gchar *type_name;
} ValueType;

/* the names gst_caps_to_string() writes, and GStreamer's abbreviations */
/* *INDENT-OFF* */
static const ValueType value_types[] = {
  {"int", KIND_INTEGER, "gint"}, {"i", KIND_INTEGER, "gint"},
  {"uint", KIND_INTEGER, "guint"}, {"u", KIND_INTEGER, "guint"},
  {"gint64", KIND_INTEGER, "gint64"}, {"guint64", KIND_INTEGER, "guint64"},
  {"float", KIND_FLOAT, "gfloat"}, {"f", KIND_FLOAT, "gfloat"},
  {"double", KIND_FLOAT, "gdouble"}, {"d", KIND_FLOAT, "gdouble"},
  {"boolean", KIND_BOOLEAN, "gboolean"}, {"bool", KIND_BOOLEAN, "gboolean"},
  {"b", KIND_BOOLEAN, "gboolean"},
  {"string", KIND_STRING, "gchararray"}, {"str", KIND_STRING, "gchararray"},
  {"s", KIND_STRING, "gchararray"},
  {"fraction", KIND_FRACTION, "GstFraction"},
  {"bitmask", KIND_BITMASK, "GstBitmask"},
  {"flagset", KIND_FLAGSET, "GstFlagSet"},
  {"GstVideoMultiviewFlagsSet", KIND_FLAGSET, "GstVideoMultiviewFlagsSet"},
  {"buffer", KIND_BUFFER, "GstBuffer"},
  /* how it writes an array or list in one: its elements have types */
  {"array", KIND_ARRAY, NULL}, {"list", KIND_LIST, NULL},
};
/* *INDENT-ON* */

#define TYPE_NAMES "int, uint, gint64, guint64, float, double, boolean, " \
    "string, fraction, bitmask, flagset, GstVideoMultiviewFlagsSet, buffer, " \
    "array or list"
#define TOKEN_CHARS "letters, digits and / - _ . : +"

/* where the check is, and the field it is in (for messages) */
typedef struct
{
  const gchar *p;
  gchar *field;
  GError **error;
} Reader;

/* GStreamer's characters of media types, field names and unquoted
 * values */
static gboolean
is_token_char (gchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("/-_.:+", c) != NULL);
}

static gsize
token_length (const gchar * p)
{
  gsize len = 0;

  while (is_token_char (p[len]))
    len++;
  return len;
}

/* the length of the piece at @p to show: up to a separator */
static gsize
piece_length (const gchar * p)
{
  gsize len = 0;

  while (p[len] != '\0' && p[len] != ',' && p[len] != ';' &&
      len < PIECE_MAX_LENGTH)
    len++;
  return len;
}

static void
skip_space (Reader * r)
{
  while (g_ascii_isspace (*r->p))
    r->p++;
}

/* Refuses the caps: "[field 'F' has ]WHAT 'PIECE'REST", the piece shown
 * escaped. */
static gboolean
refuse (Reader * r, const gchar * what, const gchar * piece, gsize len,
    const gchar * rest)
{
  gchar *raw = g_strndup (piece, len);
  gchar *shown = gst_ice_syntax_text_for_display (raw);

  if (r->field != NULL) {
    gchar *field = gst_ice_syntax_text_for_display (r->field);

    g_set_error (r->error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "field '%s' has %s '%s'%s", field, what, shown, rest);
    g_free (field);
  } else {
    g_set_error (r->error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "%s '%s'%s", what, shown, rest);
  }
  g_free (shown);
  g_free (raw);
  return FALSE;
}

/* Refuses the value of the current field: "field 'F' REST". */
static gboolean
refuse_field (Reader * r, const gchar * rest)
{
  gchar *field = gst_ice_syntax_text_for_display (r->field);

  g_set_error (r->error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
      "field '%s' %s", field, rest);
  g_free (field);
  return FALSE;
}

static const ValueType *
lookup_type (const gchar * name, gsize len)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (value_types); i++) {
    if (strlen (value_types[i].name) == len &&
        strncmp (value_types[i].name, name, len) == 0)
      return &value_types[i];
  }
  return NULL;
}

/* GStreamer 1.22 leaks the array or list around a value it cannot read:
 * each value, once its syntax is checked, is read alone first */
static gboolean
value_is_readable (const ValueType * type, const gchar * s, gsize len)
{
  GType gtype = g_type_from_name (type->type_name);
  GValue value = G_VALUE_INIT;
  gboolean readable;
  gchar *text;

  /* GstVideoMultiviewFlagsSet is registered by libgstvideo, or by
   * gst_caps_from_string() when it meets it */
  if (gtype == 0)
    gtype = GST_TYPE_FLAG_SET;
  text = g_strndup (s, len);
  g_value_init (&value, gtype);
  readable = gst_value_deserialize (&value, text);
  g_value_unset (&value);
  g_free (text);
  return readable;
}

/* Refuses a value GStreamer cannot read as @type. */
static gboolean
refuse_unreadable (Reader * r, const ValueType * type, const gchar * s,
    gsize len)
{
  gchar *rest = g_strdup_printf (" that GStreamer cannot read as (%s)",
      type->name);

  refuse (r, "value", s, MIN (len, PIECE_MAX_LENGTH), rest);
  g_free (rest);
  return FALSE;
}

/* [+-]DIGITS, at most @max_digits of them; the magnitude in @value */
static gboolean
read_decimal (const gchar ** p, const gchar * end, guint max_digits,
    guint64 * value)
{
  const gchar *s = *p;
  guint digits = 0;

  *value = 0;
  if (s < end && (*s == '-' || *s == '+'))
    s++;
  for (; s < end && g_ascii_isdigit (*s); s++, digits++) {
    if (digits == max_digits)
      return FALSE;
    *value = *value * 10 + (*s - '0');
  }
  *p = s;
  return digits > 0;
}

static gboolean
hex_digits_are_valid (const gchar * s, gsize len, gsize min, gsize max)
{
  gsize i;

  if (len < min || len > max)
    return FALSE;
  for (i = 0; i < len; i++) {
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  }
  return TRUE;
}

/* A value without quotes, @len bytes at @s, of type @kind */
static gboolean
token_is_valid (ValueKind kind, const gchar * s, gsize len)
{
  const gchar *end = s + len;
  const gchar *p = s;
  guint64 numerator, denominator;
  const gchar *colon;

  switch (kind) {
    case KIND_INTEGER:
      /* out of range is refused by GStreamer itself, quietly */
      return read_decimal (&p, end, 20, &numerator) && p == end;
    case KIND_FLOAT:
      /* a number too large for its type is written as inf */
      if (*p == '-' || *p == '+')
        p++;
      if (p + 3 == end && (g_ascii_strncasecmp (p, "inf", 3) == 0 ||
              g_ascii_strncasecmp (p, "nan", 3) == 0))
        return TRUE;
      return strspn (s, "0123456789.eE+-") == len && g_ascii_isdigit (*p);
    case KIND_FRACTION:
      /* gst_value_set_fraction() asserts that both are above -G_MAXINT */
      return read_decimal (&p, end, 10, &numerator) && numerator <= G_MAXINT
          && p < end && *p++ == '/' && read_decimal (&p, end, 10,
          &denominator) && denominator <= G_MAXINT && denominator != 0
          && p == end;
    case KIND_BITMASK:
      if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return hex_digits_are_valid (s + 2, len - 2, 1, 16);
      return hex_digits_are_valid (s, len, 1, 16);
    case KIND_FLAGSET:
      /* FLAGS:MASK, then the names of the flags for people to read, each
       * after a '+' (set) or a '/' */
      colon = memchr (s, ':', len);
      if (colon == NULL || !hex_digits_are_valid (s, colon - s, 1, 8))
        return FALSE;
      p = colon + 1;
      colon = memchr (p, ':', end - p);
      if (colon == NULL)
        return hex_digits_are_valid (p, end - p, 1, 8);
      return hex_digits_are_valid (p, colon - p, 1, 8) && (colon[1] == '/'
          || colon[1] == '+');
    case KIND_BUFFER:
      /* GStreamer 1.22 unmaps a freed buffer on anything else */
      return len % 2 == 0 && hex_digits_are_valid (s, len, 2, G_MAXSIZE);
    case KIND_BOOLEAN:
    case KIND_STRING:
    case KIND_NONE:
    default:
      return TRUE;
  }
}

static const gchar *
kind_name (ValueKind kind)
{
  switch (kind) {
    case KIND_INTEGER:
      return "integer";
    case KIND_FLOAT:
      return "floating point number";
    case KIND_FRACTION:
      return "fraction";
    case KIND_BITMASK:
      return "bitmask";
    case KIND_FLAGSET:
      return "flag set";
    case KIND_BUFFER:
      return "buffer";
    default:
      return "value";
  }
}

static const gchar *
kind_rule (ValueKind kind)
{
  switch (kind) {
    case KIND_INTEGER:
      return " that is not a decimal number";
    case KIND_FLOAT:
      return " that is not a decimal number";
    case KIND_FRACTION:
      return " that is not N/D with N and D between -2147483647 and "
          "2147483647, D not 0";
    case KIND_BITMASK:
      return " that is not 0x and up to 16 hexadecimal digits";
    case KIND_FLAGSET:
      return " that is not FLAGS:MASK in hexadecimal";
    case KIND_BUFFER:
      return " that is not an even number of hexadecimal digits";
    default:
      return "";
  }
}

/* "..." with backslash escapes, for a string */
static gboolean
read_quoted (Reader * r, const ValueType * type)
{
  const gchar *start = r->p;

  if (type->kind != KIND_STRING)
    return refuse (r, "quoted value", start, piece_length (start),
        " where a string is not expected");

  for (r->p++; *r->p != '"'; r->p++) {
    if (*r->p == '\\' && r->p[1] != '\0')
      r->p++;
    if (*r->p == '\0')
      return refuse (r, "string", start, piece_length (start),
          " that has no closing quote");
    if ((guchar) * r->p < 0x20 || *r->p == 0x7f)
      return refuse (r, "string", start, piece_length (start),
          " that has a control character");
  }
  r->p++;
  if (!value_is_readable (type, start, r->p - start))
    return refuse_unreadable (r, type, start, r->p - start);
  return TRUE;
}

static gboolean read_value (Reader * r, const ValueType * type, guint depth);

/* < VALUE, ... > or { VALUE, ... }: elements take the type given before
 * it, if any */
static gboolean
read_collection (Reader * r, const ValueType * type, guint depth)
{
  gchar close = *r->p == '<' ? '>' : '}';

  if (depth >= GST_ICE_CAPS_MAX_DEPTH)
    return refuse_field (r, "nests arrays or lists deeper than "
        G_STRINGIFY (GST_ICE_CAPS_MAX_DEPTH) " levels");

  r->p++;
  skip_space (r);
  if (*r->p == close) {
    r->p++;
    return TRUE;
  }
  while (TRUE) {
    if (!read_value (r, type, depth + 1))
      return FALSE;
    skip_space (r);
    if (*r->p == close) {
      r->p++;
      return TRUE;
    }
    if (*r->p != ',')
      return refuse (r, "text", r->p, piece_length (r->p), close == '>' ?
          " where ',' or '>' belongs" : " where ',' or '}' belongs");
    r->p++;
  }
}

/* [(TYPE)] VALUE; @type: the type of the array or list it is in, if any */
static gboolean
read_value (Reader * r, const ValueType * type, guint depth)
{
  ValueKind kind;
  const gchar *start;
  gsize len;

  skip_space (r);
  if (*r->p == '(') {
    start = r->p;
    len = strspn (r->p + 1, "abcdefghijklmnopqrstuvwxyz"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    type = lookup_type (r->p + 1, len);
    if (r->p[len + 1] != ')' || type == NULL)
      return refuse (r, "type", start, r->p[len + 1] == ')' ? len + 2 :
          piece_length (start), ", which gst-ice does not take from a peer ("
          TYPE_NAMES ")");
    r->p += len + 2;
    skip_space (r);
  }
  kind = type != NULL ? type->kind : KIND_NONE;

  if ((*r->p == '<' && kind != KIND_LIST) || (*r->p == '{' &&
          kind != KIND_ARRAY))
    return read_collection (r, kind == KIND_ARRAY || kind == KIND_LIST ?
        NULL : type, depth);
  if (kind == KIND_ARRAY || kind == KIND_LIST)
    return refuse (r, kind == KIND_ARRAY ? "array" : "list", r->p,
        piece_length (r->p), kind == KIND_ARRAY ? " that is not < ... >" :
        " that is not { ... }");
  if (*r->p == '[')
    return refuse_field (r, "has a range: caps from a peer are fixed");
  if (kind == KIND_NONE)
    return refuse_field (r, "has a value without a type (write "
        "(TYPE)VALUE, as gst_caps_to_string() does)");
  if (*r->p == '"')
    return read_quoted (r, type);

  start = r->p;
  len = token_length (start);
  r->p += len;
  if (len == 0 || (*r->p != '\0' && !g_ascii_isspace (*r->p) &&
          strchr (",;>}", *r->p) == NULL))
    return refuse (r, "value", start, piece_length (start), " that is not a "
        "quoted string or " TOKEN_CHARS);
  if (!token_is_valid (kind, start, len))
    return refuse (r, kind_name (kind), start, len, kind_rule (kind));
  if (!value_is_readable (type, start, len))
    return refuse_unreadable (r, type, start, len);
  return TRUE;
}

/* , NAME = VALUE */
static gboolean
read_field (Reader * r)
{
  const gchar *start;
  gsize len;

  skip_space (r);
  start = r->p;
  len = token_length (start);
  if (len == 0 || !g_ascii_isalpha (*start))
    return refuse (r, "field name", start, piece_length (start),
        " is not a letter followed by " TOKEN_CHARS);
  r->field = g_strndup (start, len);
  r->p += len;
  skip_space (r);
  if (*r->p != '=')
    return refuse_field (r, "has no '=' and value");
  r->p++;
  if (!read_value (r, NULL, 0))
    return FALSE;
  g_clear_pointer (&r->field, g_free);
  return TRUE;
}

/* (ANY) or (memory:SystemMemory, meta:GstVideoOverlayComposition): names
 * with spaces before them, as gst_caps_features_to_string() writes them;
 * GStreamer warns about a space after one, or any other white space */
static gboolean
features_are_valid (const gchar * start, gsize len)
{
  gchar *list = g_strndup (start, len);
  gchar **features = g_strsplit (list, ",", -1);
  gboolean valid = TRUE;
  guint i;

  if (strcmp (list, "ANY") == 0)
    goto done;
  for (i = 0; valid && features[i] != NULL; i++) {
    const gchar *f = features[i];

    while (*f == ' ')
      f++;
    if (!g_ascii_isalpha (*f))
      valid = FALSE;
    while (g_ascii_isalpha (*f))
      f++;
    if (*f++ != ':' || !g_ascii_isalpha (*f))
      valid = FALSE;
    while (valid && *f != '\0') {
      if (!g_ascii_isalnum (*f++))
        valid = FALSE;
    }
  }

done:
  g_strfreev (features);
  g_free (list);
  return valid;
}

/* ANY, EMPTY and NONE: whole caps of their own */
static gboolean
is_caps_word (const gchar * s, gsize len)
{
  return (len == 3 && strncmp (s, "ANY", 3) == 0) ||
      (len == 4 && strncmp (s, "NONE", 4) == 0) ||
      (len == 5 && strncmp (s, "EMPTY", 5) == 0);
}

/* MEDIA/TYPE[(FEATURES)][, FIELD=VALUE ...] */
static gboolean
read_structure (Reader * r)
{
  const gchar *start, *close;
  gsize len;

  skip_space (r);
  start = r->p;
  len = token_length (start);
  r->p += len;
  if (len == 0 || !g_ascii_isalpha (*start) || (*r->p != '\0' &&
          *r->p != '(' && !g_ascii_isspace (*r->p) &&
          strchr (",;", *r->p) == NULL))
    return refuse (r, "media type", start, piece_length (start),
        " is not a letter followed by " TOKEN_CHARS);
  /* GStreamer reads "ANY" in "video/x; ANY" as a media type, and writes
   * the caps back as "video/x; ANY", which is a different one */
  if (is_caps_word (start, len))
    return refuse (r, "media type", start, len, " is a word that stands "
        "alone for caps (ANY, EMPTY or NONE)");
  /* GStreamer warns about these */
  if (len >= 12 && (strncmp (start, "video/x-raw-", 12) == 0 ||
          strncmp (start, "audio/x-raw-", 12) == 0))
    return refuse (r, "media type", start, len, " is a GStreamer 0.10 one "
        "(video/x-raw and audio/x-raw have a format field now)");

  if (*r->p == '(') {
    close = strchr (r->p, ')');
    if (close == NULL || !features_are_valid (r->p + 1, close - r->p - 1))
      return refuse (r, "caps features", r->p, close ? close - r->p + 1 :
          piece_length (r->p), " are not ANY or names like "
          "memory:SystemMemory");
    r->p = close + 1;
  }

  while (TRUE) {
    skip_space (r);
    if (*r->p != ',')
      return TRUE;
    r->p++;
    if (!read_field (r))
      return FALSE;
  }
}

/**
 * gst_ice_caps_text_is_valid:
 * @text: caps text from a peer
 * @error: return location for a %GST_ICE_ERROR_INVALID_DESCRIPTION error
 *   that says what is refused, and why
 *
 * Checks @text before it is handed to gst_caps_from_string(): see the
 * section documentation for what passes.  gst_caps_from_string() may
 * still refuse what passes, quietly (a number too large for its type).
 *
 * Returns: whether @text may be parsed
 */
gboolean
gst_ice_caps_text_is_valid (const gchar * text, GError ** error)
{
  Reader r = { text, NULL, error };
  gsize len;

  g_return_val_if_fail (text != NULL, FALSE);

  len = strlen (text);
  if (is_caps_word (text, len))
    return TRUE;
  if (len > GST_ICE_CAPS_MAX_LENGTH) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "caps of %" G_GSIZE_FORMAT " bytes are longer than %d bytes", len,
        GST_ICE_CAPS_MAX_LENGTH);
    return FALSE;
  }

  while (TRUE) {
    if (!read_structure (&r))
      goto refused;
    skip_space (&r);
    if (*r.p == '\0')
      return TRUE;
    if (*r.p != ';') {
      refuse (&r, "text", r.p, piece_length (r.p), " where ',', ';' or the "
          "end belongs");
      goto refused;
    }
    r.p++;
  }

refused:
  g_free (r.field);
  return FALSE;
}
