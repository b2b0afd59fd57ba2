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


/* What the C examples share: finding the gst-ice plugin, and saying where
 * to point GStreamer when it is not found.  GST_ICE_PLUGIN_BUILD_DIR and
 * GST_ICE_PLUGIN_INSTALL_DIR come from examples/meson.build. */

#ifndef __ICE_EXAMPLE_H__
#define __ICE_EXAMPLE_H__

#include <gst/gst.h>

/* Whether @name is a plugin feature GStreamer finds; if not, says so and
 * where GStreamer looks, rather than failing later with criticals. */
static inline gboolean
ice_example_check_element (const gchar * name)
{
  GstElementFactory *factory = gst_element_factory_find (name);

  if (factory != NULL) {
    gst_object_unref (factory);
    return TRUE;
  }
  g_printerr ("%s was not found: GStreamer looks for plugins in its system "
      "folders and in GST_PLUGIN_PATH.\n"
      "After a build, run: export GST_PLUGIN_PATH=%s\n"
      "After meson install, run: export GST_PLUGIN_PATH=%s\n"
      "gst-inspect-1.0 %s then describes it.\n", name,
      GST_ICE_PLUGIN_BUILD_DIR, GST_ICE_PLUGIN_INSTALL_DIR, name);
  return FALSE;
}

/* Whether every argument from @first on is PROPERTY=VALUE; if not, says
 * which one is not, naming @program. */
static inline gboolean
ice_example_check_properties (const gchar * program, int argc, char **argv)
{
  int i;

  for (i = 1; i < argc; i++) {
    const gchar *equals = strchr (argv[i], '=');

    if (equals == NULL || equals == argv[i]) {
      g_printerr ("argument '%s' is not PROPERTY=VALUE, a property of "
          "icesink (see %s --help)\n", argv[i], program);
      return FALSE;
    }
  }
  return TRUE;
}

/* @description (freed) with icesink's PROPERTY=VALUE arguments appended,
 * or the embedded signalling server when there are none, as a pipeline;
 * %NULL after saying why. */
static inline GstElement *
ice_example_launch (GString * description, int argc, char **argv)
{
  GstElement *pipeline;
  GError *error = NULL;
  int i;

  if (argc == 1)
    g_string_append (description, " run-signalling-server=true");
  for (i = 1; i < argc; i++)
    g_string_append_printf (description, " %s", argv[i]);

  /* a property icesink does not have is an error, not a warning */
  pipeline = gst_parse_launch_full (description->str, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &error);
  g_string_free (description, TRUE);
  if (pipeline == NULL) {
    g_printerr ("could not make the pipeline: %s\n", error->message);
    g_error_free (error);
  }
  return pipeline;
}

#endif /* __ICE_EXAMPLE_H__ */
