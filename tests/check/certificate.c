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


/* GstIceCertificate: generated identities, PEM files, fingerprints. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/ice/gsticeerror.h>
#include <gst/ice/dtls/gsticecertificate.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dtlstestutil.h"
#include "testdir.h"

#define SKIP_WITHOUT_OPENSSL() G_STMT_START {                            \
  if (!test_have_openssl ()) {                                            \
    g_print ("SKIP %s: the openssl command is not installed "             \
        "(apt-get install openssl)\n", __FUNCTION__);                     \
    return;                                                               \
  }                                                                       \
} G_STMT_END

/* what gst_ice_certificate_get_fingerprint() must look like */
static void
assert_fingerprint_format (const gchar * fingerprint)
{
  gchar *signalled;
  guint i;

  fail_unless_equals_int (strlen (fingerprint), GST_ICE_FINGERPRINT_LENGTH);
  for (i = 0; fingerprint[i]; i++) {
    if (i % 3 == 2)
      fail_unless (fingerprint[i] == ':', "%s", fingerprint);
    else
      fail_unless (g_ascii_isdigit (fingerprint[i]) ||
          (fingerprint[i] >= 'A' && fingerprint[i] <= 'F'), "%s", fingerprint);
  }
  signalled = g_strconcat (GST_ICE_FINGERPRINT_HASH " ", fingerprint, NULL);
  fail_unless (gst_ice_fingerprint_validate (signalled, NULL));
  g_free (signalled);
}

GST_START_TEST (test_generated)
{
  GError *error = NULL;
  GstIceCertificate *a, *b;
  X509 *x509;
  const ASN1_INTEGER *serial;
  BIGNUM *serial_bn;
  gchar cn[64] = "";
  int day, sec;

  a = gst_ice_certificate_new_generated (&error);
  fail_unless (a != NULL, "%s", error ? error->message : "?");
  b = gst_ice_certificate_new_generated (NULL);
  fail_unless (b != NULL);

  assert_fingerprint_format (gst_ice_certificate_get_fingerprint (a));
  fail_if (g_str_equal (gst_ice_certificate_get_fingerprint (a),
          gst_ice_certificate_get_fingerprint (b)));

  /* ECDSA P-256, self-signed by its key, CN gst-ice, SHA-256 */
  x509 = gst_ice_certificate_get_x509 (a);
  fail_unless (EVP_PKEY_is_a (gst_ice_certificate_get_key (a), "EC"));
  fail_unless_equals_int (EVP_PKEY_get_bits (gst_ice_certificate_get_key (a)),
      256);
  fail_unless_equals_int (X509_check_private_key (x509,
          gst_ice_certificate_get_key (a)), 1);
  fail_unless_equals_int (X509_verify (x509, X509_get0_pubkey (x509)), 1);
  fail_unless_equals_int (X509_get_signature_nid (x509), NID_ecdsa_with_SHA256);
  X509_NAME_get_text_by_NID (X509_get_subject_name (x509), NID_commonName, cn,
      sizeof (cn));
  fail_unless_equals_string (cn, "gst-ice");
  fail_unless_equals_int (X509_NAME_cmp (X509_get_subject_name (x509),
          X509_get_issuer_name (x509)), 0);

  /* valid from a day ago for 30 days */
  fail_unless (ASN1_TIME_diff (&day, &sec, NULL, X509_get0_notBefore (x509)));
  fail_unless (day == -1 || (day == 0 && sec <= -86399), "%d %d", day, sec);
  fail_unless (ASN1_TIME_diff (&day, &sec, X509_get0_notBefore (x509),
          X509_get0_notAfter (x509)));
  fail_unless_equals_int (day, 30);
  fail_unless_equals_int (sec, 0);

  /* a random serial of more than 64 bits */
  serial = X509_get0_serialNumber (x509);
  serial_bn = ASN1_INTEGER_to_BN (serial, NULL);
  fail_unless (BN_num_bits (serial_bn) > 64, "%d", BN_num_bits (serial_bn));
  fail_if (BN_is_negative (serial_bn));
  BN_free (serial_bn);
  fail_unless (ASN1_INTEGER_cmp (serial,
          X509_get0_serialNumber (gst_ice_certificate_get_x509 (b))) != 0);

  /* reference counting */
  fail_unless (gst_ice_certificate_ref (a) == a);
  gst_ice_certificate_unref (a);
  gst_ice_certificate_unref (a);
  gst_ice_certificate_unref (b);
}

GST_END_TEST;

GST_START_TEST (test_from_files)
{
  GError *error = NULL;
  GstIceCertificate *loaded1, *loaded2;
  gchar *dir, *cert, *key, *expected;

  SKIP_WITHOUT_OPENSSL ();
  dir = test_dir_new ("gst-ice-dtls");
  test_make_certificate_files (dir, "camera", "ec", &cert, &key);

  loaded1 = gst_ice_certificate_new_from_files (cert, key, &error);
  fail_unless (loaded1 != NULL, "%s", error ? error->message : "?");
  loaded2 = gst_ice_certificate_new_from_files (cert, key, &error);
  fail_unless (loaded2 != NULL, "%s", error ? error->message : "?");

  /* one identity across restarts, and the same fingerprint openssl
   * computes */
  assert_fingerprint_format (gst_ice_certificate_get_fingerprint (loaded1));
  fail_unless_equals_string (gst_ice_certificate_get_fingerprint (loaded1),
      gst_ice_certificate_get_fingerprint (loaded2));
  expected = test_openssl_fingerprint (dir, cert);
  fail_unless_equals_string (gst_ice_certificate_get_fingerprint (loaded1),
      expected);

  gst_ice_certificate_unref (loaded1);
  gst_ice_certificate_unref (loaded2);
  g_free (expected);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_from_files_rsa_and_combined)
{
  GError *error = NULL;
  GstIceCertificate *cert_rsa, *combined;
  gchar *dir, *cert, *key, *both, *cert_text, *key_text, *text, *expected;

  SKIP_WITHOUT_OPENSSL ();
  dir = test_dir_new ("gst-ice-dtls");
  test_make_certificate_files (dir, "rsa", "rsa:2048", &cert, &key);

  cert_rsa = gst_ice_certificate_new_from_files (cert, key, &error);
  fail_unless (cert_rsa != NULL, "%s", error ? error->message : "?");
  fail_unless (EVP_PKEY_is_a (gst_ice_certificate_get_key (cert_rsa), "RSA"));
  expected = test_openssl_fingerprint (dir, cert);
  fail_unless_equals_string (gst_ice_certificate_get_fingerprint (cert_rsa),
      expected);

  /* key loaded1, then the certificate, in one file */
  fail_unless (g_file_get_contents (cert, &cert_text, NULL, NULL));
  fail_unless (g_file_get_contents (key, &key_text, NULL, NULL));
  text = g_strconcat (key_text, cert_text, NULL);
  both = g_build_filename (dir, "both.pem", NULL);
  fail_unless (g_file_set_contents (both, text, -1, NULL));
  combined = gst_ice_certificate_new_from_files (both, both, &error);
  fail_unless (combined != NULL, "%s", error ? error->message : "?");
  fail_unless_equals_string (gst_ice_certificate_get_fingerprint (combined),
      expected);

  gst_ice_certificate_unref (cert_rsa);
  gst_ice_certificate_unref (combined);
  g_free (text);
  g_free (cert_text);
  g_free (key_text);
  g_free (both);
  g_free (expected);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

/* loading fails with a %GST_ICE_ERROR_CERTIFICATE whose message holds
 * each of @fragments */
static void
assert_load_fails (const gchar * cert, const gchar * key,
    const gchar * const *fragments)
{
  GError *error = NULL;
  GstIceCertificate *loaded;

  loaded = gst_ice_certificate_new_from_files (cert, key, &error);
  fail_unless (loaded == NULL);
  fail_unless (error != NULL);
  fail_unless (g_error_matches (error, GST_ICE_ERROR,
          GST_ICE_ERROR_CERTIFICATE), "%s", error->message);
  GST_INFO ("error: %s", error->message);
  for (; *fragments; fragments++)
    fail_unless (strstr (error->message, *fragments) != NULL,
        "'%s' not in '%s'", *fragments, error->message);
  g_error_free (error);
}

GST_START_TEST (test_file_errors)
{
  gchar *dir, *cert, *key, *other_cert, *other_key, *missing, *not_pem,
      *encrypted;
  const gchar *encrypt_args[] = { "pkey", "-in", "a-key.pem", "-aes256",
    "-passout", "pass:secret", "-out", "encrypted.pem", NULL
  };

  SKIP_WITHOUT_OPENSSL ();
  dir = test_dir_new ("gst-ice-dtls");
  test_make_certificate_files (dir, "a", "ec", &cert, &key);
  test_make_certificate_files (dir, "b", "ec", &other_cert, &other_key);
  missing = g_build_filename (dir, "missing.pem", NULL);
  not_pem = g_build_filename (dir, "not-pem.txt", NULL);
  fail_unless (g_file_set_contents (not_pem, "hello, not PEM\n", -1, NULL));
  fail_unless (test_run_openssl (dir, encrypt_args, NULL));
  encrypted = g_build_filename (dir, "encrypted.pem", NULL);

  {
    const gchar *frag[] = { other_key, cert, "does not match", NULL };
    assert_load_fails (cert, other_key, frag);
  }
  {
    const gchar *frag[] = { "certificate file", missing, "does not exist",
      NULL
    };
    assert_load_fails (missing, key, frag);
  }
  {
    const gchar *frag[] = { "key file", missing, "does not exist", NULL };
    assert_load_fails (cert, missing, frag);
  }
  {
    const gchar *frag[] = { "certificate file", not_pem,
      "no PEM certificate", "no start line", NULL
    };
    assert_load_fails (not_pem, key, frag);
  }
  {
    const gchar *frag[] = { "key file", not_pem, "no PEM private key", NULL };
    assert_load_fails (cert, not_pem, frag);
  }
  {
    /* a key where the certificate should be, and the reverse */
    const gchar *frag[] = { key, "no PEM certificate", NULL };
    assert_load_fails (key, key, frag);
  }
  {
    const gchar *frag[] = { cert, "no PEM private key", NULL };
    assert_load_fails (cert, cert, frag);
  }
  {
    const gchar *frag[] = { encrypted, "encrypted", NULL };
    assert_load_fails (cert, encrypted, frag);
  }
  {
    const gchar *frag[] = { "No certificate file", NULL };
    assert_load_fails (NULL, key, frag);
  }
  {
    /* a folder cannot be read */
    const gchar *frag[] = { "certificate file", dir, "cannot be read", NULL };
    assert_load_fails (dir, key, frag);
  }

  g_free (encrypted);
  g_free (not_pem);
  g_free (missing);
  g_free (other_cert);
  g_free (other_key);
  g_free (cert);
  g_free (key);
  test_dir_remove (dir);
  g_free (dir);
}

GST_END_TEST;

#define FP_A "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:" \
  "19:E5:7C:AB:3E:4A:A4:70:27:8B:56:9F:5F:20:CF:24"

GST_START_TEST (test_fingerprint_equal)
{
  gchar *lower = g_ascii_strdown (FP_A, -1);
  gchar *upper = g_ascii_strup (FP_A, -1);
  gchar *other = g_strdup (FP_A);

  fail_unless (gst_ice_fingerprint_equal (FP_A, FP_A));
  fail_unless (gst_ice_fingerprint_equal (FP_A, lower));
  fail_unless (gst_ice_fingerprint_equal (upper, lower));

  other[strlen (other) - 1] = '5';
  fail_if (gst_ice_fingerprint_equal (FP_A, other));
  /* nothing but case is ignored */
  fail_if (gst_ice_fingerprint_equal (FP_A, FP_A " "));
  fail_if (gst_ice_fingerprint_equal (FP_A, " " FP_A));
  fail_if (gst_ice_fingerprint_equal (FP_A, FP_A + strlen ("sha-256 ")));
  fail_if (gst_ice_fingerprint_equal (FP_A, NULL));
  fail_if (gst_ice_fingerprint_equal (NULL, NULL));

  g_free (lower);
  g_free (upper);
  g_free (other);
}

GST_END_TEST;

typedef struct
{
  const gchar *fingerprint;
  const gchar *expected;
} BadFingerprint;

#define HEX31 "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:" \
  "19:E5:7C:AB:3E:4A:A4:70:27:8B:56:9F:5F:20:CF"

/* *INDENT-OFF* */
static const BadFingerprint bad_fingerprints[] = {
  {NULL, "No fingerprint was given"},
  {"", "No fingerprint was given"},
  {HEX31 ":24", "has no hash function"},
  {"sha-1 " HEX31 ":24", "uses the hash function 'sha-1'"},
  {"sha256 " HEX31 ":24", "uses the hash function 'sha256'"},
  {"sha-256 " HEX31, "has 31 hex pairs"},
  {"sha-256 " HEX31 ":24:00", "has 33 hex pairs"},
  {"sha-256 " HEX31 ":2G", "hex pair 32 is not two hex digits"},
  {"sha-256 " HEX31 ":2", "hex pair 32 is not two hex digits"},
  {"sha-256 " HEX31 ":24:", "hex pair 33 is not two hex digits"},
  {"sha-256  " HEX31 ":24", "hex pair 1 is not two hex digits"},
  {"sha-256 " HEX31 "-24", "hex pair 31 is not followed by ':'"},
  {"sha-256 " HEX31 ":24 ", "hex pair 32 is not followed by ':'"},
  {"sha-256 4AAD", "hex pair 1 is not followed by ':'"},
};
/* *INDENT-ON* */

GST_START_TEST (test_fingerprint_validate)
{
  GError *error = NULL;
  gchar *lower = g_ascii_strdown (FP_A, -1);
  guint i;

  fail_unless (gst_ice_fingerprint_validate (FP_A, &error));
  fail_unless (error == NULL);
  fail_unless (gst_ice_fingerprint_validate (lower, NULL));
  fail_unless (gst_ice_fingerprint_validate ("SHA-256 " HEX31 ":24", NULL));

  for (i = 0; i < G_N_ELEMENTS (bad_fingerprints); i++) {
    const BadFingerprint *bad = &bad_fingerprints[i];

    fail_if (gst_ice_fingerprint_validate (bad->fingerprint, &error),
        "%s", bad->fingerprint);
    fail_unless (g_error_matches (error, GST_ICE_ERROR,
            GST_ICE_ERROR_INVALID_DESCRIPTION));
    fail_unless (strstr (error->message, bad->expected) != NULL,
        "'%s' not in '%s'", bad->expected, error->message);
    /* the message shows what was given */
    if (bad->fingerprint && *bad->fingerprint)
      fail_unless (strstr (error->message, "4A") != NULL, "%s", error->message);
    g_clear_error (&error);
  }
  g_free (lower);
}

GST_END_TEST;

static Suite *
certificate_suite (void)
{
  Suite *s = suite_create ("certificate");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_generated);
  tcase_add_test (tc, test_from_files);
  tcase_add_test (tc, test_from_files_rsa_and_combined);
  tcase_add_test (tc, test_file_errors);
  tcase_add_test (tc, test_fingerprint_equal);
  tcase_add_test (tc, test_fingerprint_validate);
  return s;
}

GST_CHECK_MAIN (certificate);
