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

#include <gst/ice/gsticedescription.h>
#include <gst/ice/signalling/gsticedirectorysignaller.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/gsticesession.h>
#include <gst/ice/signalling/gsticesignaller.h>
#include <gst/ice/signalling/gsticesignallingserver.h>
#include <gst/ice/signalling/gsticeterminalsignaller.h>
#include <gst/ice/gsticetransport.h>
#include <gst/ice/signalling/gsticewebsocketsignaller.h>
