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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "dtlstestutil.h"

gboolean
test_have_openssl (void)
{
  gchar *path = g_find_program_in_path ("openssl");
  gboolean found = path != NULL;

  g_free (path);
  return found;
}

/* runs `openssl ARGS…` in @dir; its standard error goes to the test log */
gboolean
test_run_openssl (const gchar * dir, const gchar * const *args,
    gchar ** standard_output)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *error = NULL;
  gchar *err_text = NULL;
  gint status = 0;
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) "openssl");
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);

  ok = g_spawn_sync (dir, (gchar **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
      NULL, NULL, standard_output, &err_text, &status, &error) &&
      g_spawn_check_wait_status (status, &error);
  if (!ok)
    GST_WARNING ("openssl %s: %s\n%s", args[0], error->message,
        GST_STR_NULL (err_text));
  g_clear_error (&error);
  g_free (err_text);
  g_ptr_array_unref (argv);
  return ok;
}

void
test_make_certificate_files (const gchar * dir, const gchar * name,
    const gchar * key_type, gchar ** cert_path, gchar ** key_path)
{
  gchar *cert = g_strdup_printf ("%s-cert.pem", name);
  gchar *key = g_strdup_printf ("%s-key.pem", name);
  gchar *subject = g_strdup_printf ("/CN=%s", name);
  const gchar *ec_args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", subject,
    "-keyout", key, "-out", cert, NULL
  };
  const gchar *rsa_args[] = { "req", "-x509", "-newkey", key_type,
    "-nodes", "-days", "30", "-subj", subject, "-keyout", key, "-out", cert,
    NULL
  };

  fail_unless (test_run_openssl (dir, g_str_has_prefix (key_type, "rsa:") ?
          rsa_args : ec_args, NULL), "openssl req failed");
  *cert_path = g_build_filename (dir, cert, NULL);
  *key_path = g_build_filename (dir, key, NULL);
  g_free (subject);
  g_free (key);
  g_free (cert);
}

void
test_make_ca_files (const gchar * dir, const gchar * name,
    gchar ** cert_path, gchar ** key_path)
{
  gchar *cert = g_strdup_printf ("%s-cert.pem", name);
  gchar *key = g_strdup_printf ("%s-key.pem", name);
  gchar *subject = g_strdup_printf ("/CN=%s", name);
  const gchar *args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
    "keyUsage=critical,keyCertSign,cRLSign", "-keyout", key, "-out", cert,
    NULL
  };

  fail_unless (test_run_openssl (dir, args, NULL), "openssl req failed");
  *cert_path = g_build_filename (dir, cert, NULL);
  *key_path = g_build_filename (dir, key, NULL);
  g_free (subject);
  g_free (key);
  g_free (cert);
}

void
test_make_signed_certificate_files (const gchar * dir, const gchar * name,
    const gchar * san, const gchar * ca_cert, const gchar * ca_key,
    gchar ** cert_path, gchar ** key_path)
{
  gchar *cert = g_strdup_printf ("%s-cert.pem", name);
  gchar *key = g_strdup_printf ("%s-key.pem", name);
  gchar *subject = g_strdup_printf ("/CN=%s", name);
  gchar *alt_names = g_strdup_printf ("subjectAltName=%s", san);
  const gchar *args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", subject,
    "-CA", ca_cert, "-CAkey", ca_key, "-addext", alt_names, "-addext",
    "basicConstraints=CA:FALSE", "-keyout", key, "-out", cert, NULL
  };

  fail_unless (test_run_openssl (dir, args, NULL), "openssl req failed");
  *cert_path = g_build_filename (dir, cert, NULL);
  *key_path = g_build_filename (dir, key, NULL);
  g_free (alt_names);
  g_free (subject);
  g_free (key);
  g_free (cert);
}

gchar *
test_openssl_fingerprint (const gchar * dir, const gchar * cert_path)
{
  const gchar *args[] = { "x509", "-in", cert_path, "-noout", "-fingerprint",
    "-sha256", NULL
  };
  gchar *output = NULL;
  gchar *equals;
  gchar *fingerprint;

  fail_unless (test_run_openssl (dir, args, &output));
  /* "sha256 Fingerprint=AB:CD:…" */
  equals = strchr (output, '=');
  fail_unless (equals != NULL, "unexpected output: %s", output);
  fingerprint = g_strdup (g_strstrip (equals + 1));
  g_free (output);
  return fingerprint;
}

/**
 * test_make_ca:
 *
 * A certificate authority (P-256, 30 days) in @dir, as NAME-cert.pem and
 * NAME-key.pem.  Usable outside a test (no fail_unless).
 *
 * Returns: whether openssl made it
 */
gboolean
test_make_ca (const gchar * dir, const gchar * name, gchar ** cert_path,
    gchar ** key_path)
{
  gchar *cert = g_strdup_printf ("%s-cert.pem", name);
  gchar *key = g_strdup_printf ("%s-key.pem", name);
  gchar *subject = g_strdup_printf ("/CN=%s", name);
  const gchar *args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", subject,
    "-keyout", key, "-out", cert, NULL
  };
  gboolean ok = test_run_openssl (dir, args, NULL);

  *cert_path = g_build_filename (dir, cert, NULL);
  *key_path = g_build_filename (dir, key, NULL);
  g_free (subject);
  g_free (key);
  g_free (cert);
  return ok;
}

/**
 * test_make_signed_certificate:
 * @names: the subjectAltName, e.g. "DNS:localhost,IP:127.0.0.1"
 *
 * A server certificate for @names (P-256, 30 days) signed by the CA in
 * @ca_cert and @ca_key, in @dir as NAME-cert.pem and NAME-key.pem.
 * Usable outside a test (no fail_unless).
 *
 * Returns: whether openssl made it
 */
gboolean
test_make_signed_certificate (const gchar * dir, const gchar * name,
    const gchar * names, const gchar * ca_cert, const gchar * ca_key,
    gchar ** cert_path, gchar ** key_path)
{
  gchar *cert = g_strdup_printf ("%s-cert.pem", name);
  gchar *key = g_strdup_printf ("%s-key.pem", name);
  gchar *subject = g_strdup_printf ("/CN=%s", name);
  gchar *san = g_strdup_printf ("subjectAltName=%s", names);
  const gchar *args[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", subject,
    "-addext", san, "-addext", "basicConstraints=critical,CA:FALSE",
    "-CA", ca_cert, "-CAkey", ca_key, "-keyout", key, "-out", cert, NULL
  };
  gboolean ok = test_run_openssl (dir, args, NULL);

  *cert_path = g_build_filename (dir, cert, NULL);
  *key_path = g_build_filename (dir, key, NULL);
  g_free (san);
  g_free (subject);
  g_free (key);
  g_free (cert);
  return ok;
}
