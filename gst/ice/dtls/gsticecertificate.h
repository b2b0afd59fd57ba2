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

#include <glib-object.h>
#include <openssl/types.h>

G_BEGIN_DECLS

/**
 * GST_ICE_FINGERPRINT_HASH:
 *
 * The hash function gst-ice signals certificate fingerprints with, as
 * RFC 8122 names it in `a=fingerprint:sha-256 AB:CD:…`.
 */
#define GST_ICE_FINGERPRINT_HASH "sha-256"

/**
 * GST_ICE_FINGERPRINT_LENGTH:
 *
 * Length of a SHA-256 fingerprint written as RFC 8122 does: 32 upper-case
 * hex pairs joined by ':'.
 */
#define GST_ICE_FINGERPRINT_LENGTH (32 * 3 - 1)

/**
 * GstIceCertificate:
 *
 * A DTLS identity: a private key and its X.509 certificate.  Immutable and
 * reference counted; it may be shared between threads.
 */
typedef struct _GstIceCertificate GstIceCertificate;

#define GST_TYPE_ICE_CERTIFICATE (gst_ice_certificate_get_type ())
GType gst_ice_certificate_get_type (void);

GstIceCertificate *gst_ice_certificate_new_generated (GError ** error);
GstIceCertificate *gst_ice_certificate_new_from_files (const gchar *
    cert_path, const gchar * key_path, GError ** error);

GstIceCertificate *gst_ice_certificate_ref (GstIceCertificate * cert);
void gst_ice_certificate_unref (GstIceCertificate * cert);

const gchar *gst_ice_certificate_get_fingerprint (GstIceCertificate * cert);

X509 *gst_ice_certificate_get_x509 (GstIceCertificate * cert);
EVP_PKEY *gst_ice_certificate_get_key (GstIceCertificate * cert);

gchar *gst_ice_x509_fingerprint (X509 * x509);

gboolean gst_ice_fingerprint_equal (const gchar * a, const gchar * b);
gboolean gst_ice_fingerprint_validate (const gchar * fingerprint,
    GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstIceCertificate, gst_ice_certificate_unref);

G_END_DECLS
