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
 * SECTION:gsticeturncredentials
 * @title: TURN REST credentials
 * @short_description: time-limited TURN credentials from a shared secret
 *
 * The scheme coturn implements with `--use-auth-secret
 * --static-auth-secret=SECRET` (the "TURN REST API" draft,
 * draft-uberti-behave-turn-rest-00): a service that knows the secret hands
 * out a user name `EXPIRY:USER`, EXPIRY being a Unix time, and the
 * password base64(HMAC-SHA1(SECRET, user name)).  The server recomputes
 * the password from the user name and refuses the Allocate (401) once
 * EXPIRY has passed.  gst-ice derives them itself, for each session, from
 * `turn-auth-secret`, the user of a `turn://USER@host` URI and
 * `turn-credential-lifetime`.
 *
 * The secret never leaves this file but as the MAC key; every copy of it
 * and of a derived password is wiped with OPENSSL_cleanse() before it is
 * freed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <gst/ice/gsticeerror.h>
#include <gst/ice/dtls/gsticeopenssl.h>
#include <gst/ice/turn/gsticeturncredentials.h>

/**
 * gst_ice_turn_rest_credentials:
 * @secret: the shared secret (coturn's static-auth-secret)
 * @user: (nullable): the user part; %NULL or empty: the user name is the
 *   expiry alone, which coturn accepts too
 * @lifetime: how long the credentials are valid, in seconds
 * @now: the current Unix time, in seconds (g_get_real_time() / 1000000)
 * @username: (out) (transfer full): `EXPIRY:USER`
 * @password: (out) (transfer full): base64(HMAC-SHA1(@secret,
 *   @username)); free it with gst_ice_turn_free_secret()
 * @error: return location for a %GST_ICE_ERROR_TURN error
 *
 * Returns: %FALSE only when OPENSSL cannot compute the MAC (no SHA-1 in
 *   the configured providers)
 */
gboolean
gst_ice_turn_rest_credentials (const gchar * secret, const gchar * user,
    guint lifetime, gint64 now, gchar ** username, gchar ** password,
    GError ** error)
{
  guint8 mac[EVP_MAX_MD_SIZE];
  size_t mac_length = 0;
  gchar *name;
  gchar *reason;

  g_return_val_if_fail (secret != NULL, FALSE);

  name = user && *user ? g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
      now + lifetime, user) : g_strdup_printf ("%" G_GINT64_FORMAT,
      now + lifetime);
  /* EVP_MAC's one-shot form: HMAC-SHA1 keyed with the secret */
  if (EVP_Q_mac (NULL, "HMAC", NULL, "SHA1", NULL, secret, strlen (secret),
          (const guint8 *) name, strlen (name), mac, sizeof (mac),
          &mac_length) == NULL)
    goto mac_failed;

  *username = name;
  *password = g_base64_encode (mac, mac_length);
  OPENSSL_cleanse (mac, sizeof (mac));
  return TRUE;

  /* ERRORS */
mac_failed:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_TURN,
        "could not derive TURN credentials from turn-auth-secret: %s", reason);
    g_free (reason);
    g_free (name);
    OPENSSL_cleanse (mac, sizeof (mac));
    return FALSE;
  }
}

/**
 * gst_ice_turn_free_secret:
 * @secret: (nullable): a secret or password
 *
 * Wipes @secret, then frees it.
 */
void
gst_ice_turn_free_secret (gchar * secret)
{
  if (secret == NULL)
    return;
  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}
