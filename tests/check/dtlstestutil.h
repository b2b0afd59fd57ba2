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

/* The `openssl` command-line tool makes the certificates the tests load
 * and is the foreign peer of the interoperability tests. */
gboolean test_have_openssl (void);
gboolean test_run_openssl (const gchar * dir, const gchar * const *args,
    gchar ** standard_output);

/* In @dir: NAME-cert.pem and NAME-key.pem, a self-signed certificate with
 * an "ec" (P-256) or "rsa:BITS" key.  Returns the paths. */
void test_make_certificate_files (const gchar * dir, const gchar * name,
    const gchar * key_type, gchar ** cert_path, gchar ** key_path);

/* In @dir: NAME-cert.pem and NAME-key.pem, a P-256 CA certificate. */
void test_make_ca_files (const gchar * dir, const gchar * name,
    gchar ** cert_path, gchar ** key_path);

/* In @dir: NAME-cert.pem and NAME-key.pem, a P-256 certificate for the
 * subjectAltName @san (e.g. "IP:127.0.0.1,DNS:localhost") signed by the CA
 * in @ca_cert and @ca_key. */
void test_make_signed_certificate_files (const gchar * dir,
    const gchar * name, const gchar * san, const gchar * ca_cert,
    const gchar * ca_key, gchar ** cert_path, gchar ** key_path);

/* What `openssl x509 -fingerprint -sha256` says of a certificate file:
 * the hex pairs only. */
gboolean test_make_ca (const gchar * dir, const gchar * name,
    gchar ** cert_path, gchar ** key_path);
gboolean test_make_signed_certificate (const gchar * dir, const gchar * name,
    const gchar * names, const gchar * ca_cert, const gchar * ca_key,
    gchar ** cert_path, gchar ** key_path);

gchar *test_openssl_fingerprint (const gchar * dir, const gchar * cert_path);

G_END_DECLS
