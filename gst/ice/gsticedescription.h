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

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstIceDescription:
 * @ufrag: ICE username fragment (`a=ice-ufrag`)
 * @pwd: ICE password (`a=ice-pwd`)
 * @caps: (nullable): caps of the stream the producer sends (`a=x-gst-caps`)
 * @candidates: (element-type utf8): candidate lines, each a whole
 *   `a=candidate:...` attribute without line ending
 * @end_of_candidates: whether `a=end-of-candidates` was present
 * @fingerprint: (nullable): the SHA-256 fingerprint of the peer's DTLS
 *   certificate, as `sha-256 AB:CD:…` (`a=fingerprint`, RFC 8122); %NULL
 *   when the peer does not encrypt
 * @setup: (nullable): the peer's DTLS role (`a=setup`, RFC 4145 / 5763):
 *   `actpass` (either; the producer offers this), `active` (it connects:
 *   the DTLS client), `passive` (it waits: the server) or `holdconn`
 * @transfer_mode: (nullable): how the producer carries its buffers
 *   (`a=x-gst-transfer-mode`): `reliable` (one byte stream that arrives
 *   whole and in order), `datagram` or %NULL (each buffer one datagram),
 *   or a mode of a later gst-ice; a consumer answers with the mode it
 *   follows
 *
 * What one peer tells the other to start an ICE session: its credentials,
 * optionally the caps of the stream and candidates gathered so far, as
 * RFC 8839 `a=` lines, one per line (CRLF or LF).  Lines that are not
 * `a=` attributes gst-ice knows (SDP `v=`, `o=`, other attributes) are
 * ignored, so a full SDP from another ICE agent parses too.
 */
typedef struct
{
  gchar *ufrag;
  gchar *pwd;
  GstCaps *caps;
  GPtrArray *candidates;
  gboolean end_of_candidates;
  gchar *fingerprint;
  gchar *setup;
  gchar *transfer_mode;
} GstIceDescription;

GstIceDescription *gst_ice_description_new (const gchar * ufrag,
    const gchar * pwd);
GstIceDescription *gst_ice_description_parse (const gchar * text,
    GError ** error);
gchar *gst_ice_description_to_string (const GstIceDescription * desc);
void gst_ice_description_free (GstIceDescription * desc);

void gst_ice_description_add_candidate (GstIceDescription * desc,
    const gchar * line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstIceDescription, gst_ice_description_free);

G_END_DECLS
