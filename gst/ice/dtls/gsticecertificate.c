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
 * SECTION:gsticecertificate
 * @title: GstIceCertificate
 * @short_description: a DTLS identity and its RFC 8122 fingerprint
 *
 * A #GstIceCertificate is what one end of a DTLS association proves it is:
 * a private key and an X.509 certificate.  Peers do not trust a certificate
 * authority: each signals the SHA-256 fingerprint of its certificate
 * (`a=fingerprint:sha-256 AB:CD:…`, RFC 8122) and the handshake checks the
 * certificate the peer presents against it.
 *
 * gst_ice_certificate_new_generated() makes a fresh identity, as an element
 * does when it starts.  gst_ice_certificate_new_from_files() loads one the
 * user made, so that a camera keeps its fingerprint across restarts:
 *
 * |[
 * openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
 *     -days 3650 -subj /CN=camera -keyout key.pem -out cert.pem
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gst/ice/gsticeerror.h>

#include "gsticecertificate.h"
#include "gsticeopenssl.h"

#define ONE_DAY (24 * 60 * 60)
/* a generated certificate is valid from a day ago (peers with a slow clock)
 * for 30 days: an element makes a new one each time it starts */
#define VALID_BEFORE_NOW ONE_DAY
#define VALIDITY (30 * ONE_DAY)
/* bits of the random serial number; positive and below RFC 5280's 20
 * octets */
#define SERIAL_BITS 127
#define COMMON_NAME "gst-ice"

/* how much of a bad fingerprint a message shows */
#define DISPLAY_MAX_LENGTH 120

struct _GstIceCertificate
{
  X509 *x509;
  EVP_PKEY *key;
  gchar fingerprint[GST_ICE_FINGERPRINT_LENGTH + 1];
};

G_DEFINE_BOXED_TYPE (GstIceCertificate, gst_ice_certificate,
    gst_ice_certificate_ref, gst_ice_certificate_unref);

static void
certificate_clear (gpointer data)
{
  GstIceCertificate *cert = data;

  /* EVP_PKEY_free() clears the private key's numbers itself */
  EVP_PKEY_free (cert->key);
  X509_free (cert->x509);
}

/* takes @x509 and @key */
static GstIceCertificate *
certificate_new (X509 * x509, EVP_PKEY * key)
{
  GstIceCertificate *cert;
  gchar *fingerprint;

  fingerprint = gst_ice_x509_fingerprint (x509);
  if (!fingerprint) {
    EVP_PKEY_free (key);
    X509_free (x509);
    return NULL;
  }

  cert = g_atomic_rc_box_new0 (GstIceCertificate);
  cert->x509 = x509;
  cert->key = key;
  g_strlcpy (cert->fingerprint, fingerprint, sizeof (cert->fingerprint));
  g_free (fingerprint);
  return cert;
}

/**
 * gst_ice_certificate_new_generated:
 * @error: return location for a %GST_ICE_ERROR_CERTIFICATE error
 *
 * Makes a new identity: an ECDSA P-256 key and a self-signed certificate
 * for it (CN "gst-ice", a random 127-bit serial number, signed with
 * SHA-256, valid from a day ago for 30 days).
 *
 * Returns: (transfer full) (nullable): the certificate, or %NULL with
 *   @error set
 */
GstIceCertificate *
gst_ice_certificate_new_generated (GError ** error)
{
  EVP_PKEY *key = NULL;
  X509 *x509 = NULL;
  X509_NAME *name;
  BIGNUM *serial = NULL;
  const gchar *doing;

  ERR_clear_error ();

  doing = "generating a P-256 key";
  key = EVP_EC_gen ("P-256");
  if (!key)
    goto failed;

  doing = "filling in the certificate";
  x509 = X509_new ();
  serial = BN_new ();
  if (!x509 || !serial)
    goto failed;
  if (!X509_set_version (x509, X509_VERSION_3))
    goto failed;

  doing = "drawing a serial number";
  if (!BN_rand (serial, SERIAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (x509)))
    goto failed;

  doing = "setting the validity period";
  if (!X509_gmtime_adj (X509_getm_notBefore (x509), -VALID_BEFORE_NOW) ||
      !X509_gmtime_adj (X509_getm_notAfter (x509), VALIDITY - VALID_BEFORE_NOW))
    goto failed;

  doing = "setting the subject and issuer";
  name = X509_get_subject_name (x509);
  if (!X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
          (const unsigned char *) COMMON_NAME, -1, -1, 0) ||
      !X509_set_issuer_name (x509, name))
    goto failed;

  doing = "signing the certificate";
  if (!X509_set_pubkey (x509, key) || X509_sign (x509, key, EVP_sha256 ()) <= 0)
    goto failed;

  BN_free (serial);
  return certificate_new (x509, key);

  /* ERRORS */
failed:
  {
    gchar *reason = gst_ice_openssl_take_error ();

    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
        "Could not make a DTLS certificate: %s failed: %s", doing, reason);
    g_free (reason);
    BN_free (serial);
    X509_free (x509);
    EVP_PKEY_free (key);
    return NULL;
  }
}

/* @what is "certificate" or "key"; the contents are returned in @contents,
 * which the caller wipes when it held a key */
static gboolean
read_file (const gchar * what, const gchar * path, gchar ** contents,
    gsize * length, GError ** error)
{
  GError *err = NULL;

  if (!path || !*path) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
        "No %s file was given", what);
    return FALSE;
  }
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
        "The %s file '%s' does not exist", what, path);
    return FALSE;
  }
  if (!g_file_get_contents (path, contents, length, &err)) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
        "The %s file '%s' cannot be read: %s", what, path, err->message);
    g_error_free (err);
    return FALSE;
  }
  return TRUE;
}

/* pem_password_cb: never prompt on the terminal, note that a key is
 * encrypted */
static int
refuse_password (char *buf, int size, int rwflag, void *user_data)
{
  gboolean *asked = user_data;

  *asked = TRUE;
  return -1;
}

/**
 * gst_ice_certificate_new_from_files:
 * @cert_path: a PEM file holding the certificate (its first
 *   `-----BEGIN CERTIFICATE-----` block is used)
 * @key_path: a PEM file holding the unencrypted private key of that
 *   certificate; may be the same file
 * @error: return location for a %GST_ICE_ERROR_CERTIFICATE error
 *
 * Loads an identity the user made, for example with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes`.
 * ECDSA and RSA keys work.  The error message names the file and what is
 * wrong with it: it does not exist, cannot be read, holds no PEM
 * certificate or key, holds an encrypted key, or the key does not belong
 * to the certificate.
 *
 * Returns: (transfer full) (nullable): the certificate, or %NULL with
 *   @error set
 */
GstIceCertificate *
gst_ice_certificate_new_from_files (const gchar * cert_path,
    const gchar * key_path, GError ** error)
{
  gchar *contents = NULL;
  gsize length = 0;
  BIO *bio;
  X509 *x509 = NULL;
  EVP_PKEY *key = NULL;
  gboolean asked_password = FALSE;
  gchar *reason;

  ERR_clear_error ();

  if (!read_file ("certificate", cert_path, &contents, &length, error))
    return NULL;
  bio = BIO_new_mem_buf (contents, length);
  if (bio)
    x509 = PEM_read_bio_X509 (bio, NULL, refuse_password, &asked_password);
  BIO_free (bio);
  g_free (contents);
  contents = NULL;
  if (!x509)
    goto no_certificate;

  if (!read_file ("key", key_path, &contents, &length, error)) {
    X509_free (x509);
    return NULL;
  }
  bio = BIO_new_mem_buf (contents, length);
  if (bio)
    key = PEM_read_bio_PrivateKey (bio, NULL, refuse_password, &asked_password);
  BIO_free (bio);
  OPENSSL_cleanse (contents, length);
  g_free (contents);
  if (!key)
    goto no_key;

  if (X509_check_private_key (x509, key) != 1)
    goto mismatch;

  return certificate_new (x509, key);

  /* ERRORS */
no_certificate:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
        "The certificate file '%s' holds no PEM certificate "
        "(-----BEGIN CERTIFICATE-----): %s", cert_path, reason);
    g_free (reason);
    return NULL;
  }
no_key:
  {
    reason = gst_ice_openssl_take_error ();
    if (asked_password)
      g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
          "The key file '%s' holds an encrypted key: give an unencrypted "
          "one (openssl pkey -in ENCRYPTED -out PLAIN)", key_path);
    else
      g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
          "The key file '%s' holds no PEM private key "
          "(-----BEGIN PRIVATE KEY-----): %s", key_path, reason);
    g_free (reason);
    X509_free (x509);
    return NULL;
  }
mismatch:
  {
    ERR_clear_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_CERTIFICATE,
        "The key in '%s' does not match the certificate in '%s'",
        key_path, cert_path);
    EVP_PKEY_free (key);
    X509_free (x509);
    return NULL;
  }
}

/**
 * gst_ice_certificate_ref:
 * @cert: a certificate
 *
 * Returns: (transfer full): @cert
 */
GstIceCertificate *
gst_ice_certificate_ref (GstIceCertificate * cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return g_atomic_rc_box_acquire (cert);
}

/**
 * gst_ice_certificate_unref:
 * @cert: (transfer full): a certificate
 *
 * Drops a reference; the key is freed with the last one.
 */
void
gst_ice_certificate_unref (GstIceCertificate * cert)
{
  g_return_if_fail (cert != NULL);

  g_atomic_rc_box_release_full (cert, certificate_clear);
}

/**
 * gst_ice_certificate_get_fingerprint:
 * @cert: a certificate
 *
 * The SHA-256 digest of the DER certificate as RFC 8122 writes it: 32
 * upper-case hex pairs joined by ':', without the hash function name.  A
 * peer signals it as `GST_ICE_FINGERPRINT_HASH " " fingerprint`.
 *
 * Returns: (transfer none): the fingerprint, %GST_ICE_FINGERPRINT_LENGTH
 *   characters, valid as long as @cert
 */
const gchar *
gst_ice_certificate_get_fingerprint (GstIceCertificate * cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return cert->fingerprint;
}

/**
 * gst_ice_certificate_get_x509:
 * @cert: a certificate
 *
 * Returns: (transfer none): the certificate, for an `SSL_CTX`
 */
X509 *
gst_ice_certificate_get_x509 (GstIceCertificate * cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return cert->x509;
}

/**
 * gst_ice_certificate_get_key:
 * @cert: a certificate
 *
 * Returns: (transfer none): the private key, for an `SSL_CTX`
 */
EVP_PKEY *
gst_ice_certificate_get_key (GstIceCertificate * cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return cert->key;
}

/**
 * gst_ice_x509_fingerprint:
 * @x509: a certificate
 *
 * Returns: (transfer full) (nullable): the SHA-256 fingerprint of @x509's
 *   DER encoding as gst_ice_certificate_get_fingerprint() writes it, or
 *   %NULL if OpenSSL could not hash it
 */
gchar *
gst_ice_x509_fingerprint (X509 * x509)
{
  static const gchar hex[] = "0123456789ABCDEF";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  gchar *fingerprint, *p;
  guint i;

  g_return_val_if_fail (x509 != NULL, NULL);

  if (!X509_digest (x509, EVP_sha256 (), md, &md_length) || md_length != 32) {
    ERR_clear_error ();
    return NULL;
  }

  fingerprint = g_malloc (GST_ICE_FINGERPRINT_LENGTH + 1);
  for (i = 0, p = fingerprint; i < md_length; i++) {
    if (i > 0)
      *p++ = ':';
    *p++ = hex[md[i] >> 4];
    *p++ = hex[md[i] & 0xf];
  }
  *p = '\0';
  return fingerprint;
}

/**
 * gst_ice_fingerprint_equal:
 * @a: (nullable): a fingerprint
 * @b: (nullable): another
 *
 * Compares two fingerprints as RFC 8122 wants: hex digits and the hash
 * function name in either case.  Nothing else is ignored: a space more, a
 * missing hash function name or a missing ':' makes them differ.
 * Fingerprints are public, so the comparison need not be constant-time.
 *
 * Returns: %TRUE if both are given and equal
 */
gboolean
gst_ice_fingerprint_equal (const gchar * a, const gchar * b)
{
  if (!a || !b)
    return FALSE;
  return g_ascii_strcasecmp (a, b) == 0;
}

static gchar *
text_for_display (const gchar * text)
{
  gchar *cut = g_strndup (text, DISPLAY_MAX_LENGTH);
  gchar *escaped = g_strescape (cut, NULL);
  gchar *shown;

  shown = g_strdup_printf ("'%s'%s", escaped,
      strlen (text) > DISPLAY_MAX_LENGTH ? "…" : "");
  g_free (escaped);
  g_free (cut);
  return shown;
}

/**
 * gst_ice_fingerprint_validate:
 * @fingerprint: (nullable): a signalled fingerprint, as in
 *   `a=fingerprint:`: `sha-256 AB:CD:…`
 * @error: return location for a %GST_ICE_ERROR_INVALID_DESCRIPTION error
 *
 * Checks that @fingerprint is the hash function name `sha-256` (in either
 * case), one space, and 32 pairs of hex digits joined by ':'.  The error
 * message shows the fingerprint and says what is wrong with it.
 *
 * Returns: %TRUE if @fingerprint is valid
 */
gboolean
gst_ice_fingerprint_validate (const gchar * fingerprint, GError ** error)
{
  const gchar *space, *p;
  gchar *shown;
  guint pairs = 0;

  if (!fingerprint || !*fingerprint) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "No fingerprint was given: expected '" GST_ICE_FINGERPRINT_HASH
        "' and 32 hex pairs joined by ':'");
    return FALSE;
  }

  shown = text_for_display (fingerprint);
  space = strchr (fingerprint, ' ');
  if (!space) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "Fingerprint %s has no hash function: write it as '"
        GST_ICE_FINGERPRINT_HASH " AB:CD:…'", shown);
    goto invalid;
  }
  if (space - fingerprint != strlen (GST_ICE_FINGERPRINT_HASH) ||
      g_ascii_strncasecmp (fingerprint, GST_ICE_FINGERPRINT_HASH,
          space - fingerprint) != 0) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "Fingerprint %s uses the hash function '%.*s': gst-ice needs '"
        GST_ICE_FINGERPRINT_HASH "'", shown, (int) MIN (space - fingerprint,
            DISPLAY_MAX_LENGTH), fingerprint);
    goto invalid;
  }

  for (p = space + 1;; p += 3) {
    if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1])) {
      g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
          "Fingerprint %s: hex pair %u is not two hex digits", shown,
          pairs + 1);
      goto invalid;
    }
    pairs++;
    if (p[2] == '\0')
      break;
    if (p[2] != ':') {
      g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
          "Fingerprint %s: hex pair %u is not followed by ':'", shown, pairs);
      goto invalid;
    }
  }
  if (pairs != 32) {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_INVALID_DESCRIPTION,
        "Fingerprint %s has %u hex pairs: " GST_ICE_FINGERPRINT_HASH
        " needs 32", shown, pairs);
    goto invalid;
  }

  g_free (shown);
  return TRUE;

invalid:
  g_free (shown);
  return FALSE;
}
