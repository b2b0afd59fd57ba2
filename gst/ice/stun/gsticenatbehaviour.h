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

#include <gst/ice/stun/gsticestuncheck.h>

G_BEGIN_DECLS

/**
 * GstIceNatMapping:
 * @GST_ICE_NAT_MAPPING_UNKNOWN: not found out (see the note)
 * @GST_ICE_NAT_MAPPING_NONE: no NAT: the server sees this host's own
 *   address and port
 * @GST_ICE_NAT_MAPPING_ENDPOINT_INDEPENDENT: one public address and port
 *   for a local one, whatever the destination (RFC 4787 4.1)
 * @GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT: a new one for each destination
 *   address
 * @GST_ICE_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT: a new one for each
 *   destination address and port ("symmetric")
 */
typedef enum
{
  GST_ICE_NAT_MAPPING_UNKNOWN,
  GST_ICE_NAT_MAPPING_NONE,
  GST_ICE_NAT_MAPPING_ENDPOINT_INDEPENDENT,
  GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT,
  GST_ICE_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT,
} GstIceNatMapping;

/**
 * GstIceNatFiltering:
 * @GST_ICE_NAT_FILTERING_UNKNOWN: not found out (see the note)
 * @GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT: anyone may send to a
 *   mapping once it exists (RFC 4787 5)
 * @GST_ICE_NAT_FILTERING_ADDRESS_DEPENDENT: only addresses this host sent
 *   to, from any of their ports
 * @GST_ICE_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT: only the addresses
 *   and ports this host sent to
 */
typedef enum
{
  GST_ICE_NAT_FILTERING_UNKNOWN,
  GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT,
  GST_ICE_NAT_FILTERING_ADDRESS_DEPENDENT,
  GST_ICE_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT,
} GstIceNatFiltering;

/**
 * GstIceNatAnswer:
 * @GST_ICE_NAT_ANSWER_UNKNOWN: not found out
 * @GST_ICE_NAT_ANSWER_YES: yes
 * @GST_ICE_NAT_ANSWER_NO: no
 */
typedef enum
{
  GST_ICE_NAT_ANSWER_UNKNOWN,
  GST_ICE_NAT_ANSWER_YES,
  GST_ICE_NAT_ANSWER_NO,
} GstIceNatAnswer;

/**
 * GstIceNatBehaviour:
 * @check: the first Binding request: how the server answers, and this
 *   host's address towards it and as the server saw it
 * @rfc5780: the server gave an OTHER-ADDRESS: it supports behaviour
 *   discovery
 * @mapping: the NAT's mapping behaviour (RFC 5780 4.3)
 * @filtering: its filtering behaviour (RFC 5780 4.4)
 * @port_preserved: whether the public port is the local one
 * @hairpin: whether this host reaches its own public address through
 *   the NAT (RFC 5780 4.5)
 * @local: (nullable): the local address of the mapping tests
 * @mapped: (nullable): its public address
 * @notes: (element-type utf8): why something is unknown, in words
 */
typedef struct
{
  GstIceStunCheckResult *check;
  gboolean rfc5780;
  GstIceNatMapping mapping;
  GstIceNatFiltering filtering;
  GstIceNatAnswer port_preserved;
  GstIceNatAnswer hairpin;
  GInetSocketAddress *local;
  GInetSocketAddress *mapped;
  GPtrArray *notes;
} GstIceNatBehaviour;

GstIceNatBehaviour *gst_ice_nat_behaviour_discover (const GstIceServerUri *
    server, GInetAddress * local, guint16 local_port, guint timeout_ms,
    GCancellable * cancellable, GError ** error);
void gst_ice_nat_behaviour_free (GstIceNatBehaviour * behaviour);

G_END_DECLS
