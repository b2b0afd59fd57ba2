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

/* gst-ice-probe: asks the STUN and TURN servers a pair of gst-ice
 * elements would use, and says in plain words what the NAT in front of
 * this host does (RFC 5780 behaviour discovery, with the library's
 * gsticenatbehaviour.c), whether each TURN server gives a relay with the
 * given credentials (the elements' own TURN check, gsticeturncheck.c), and
 * what to configure.  docs/nat-probe.md shows its output for each NAT kind
 * of the NAT lab, where tests/nat/natprobe.py checks it.
 *
 * Secrets: a TURN password in a --turn-server URI shows in `ps`, as on a
 * gst-launch line; --turn-servers-file and --turn-auth-secret-file (or the
 * environment) keep them out of it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <gst/ice/gsticeserveruri.h>
#include <gst/ice/stun/gsticenatbehaviour.h>
#include <gst/ice/turn/gsticeturncheck.h>
#include <gst/ice/turn/gsticeturncredentials.h>
#include <gst/ice/turn/gsticeturntls.h>

#define DEFAULT_TIMEOUT_MS 2000
#define SECRET_VARIABLE "GST_ICE_TURN_AUTH_SECRET"

/* exit status */
#define EXIT_ALL_WORKS 0
#define EXIT_SOMETHING_FAILED 1
#define EXIT_BAD_INPUT 2

#define DESCRIPTION \
"Asks the servers, from this host, what gst-ice's elements would ask them,\n" \
"and prints in plain words:\n" \
"  - whether the STUN server answers, and in which form (one that predates\n" \
"    RFC 5389 is named: its answers are not protected from NATs that\n" \
"    rewrite addresses inside packets);\n" \
"  - this host's public address, and the NAT's mapping and filtering\n" \
"    behaviour (RFC 5780: the server must support it, as coturn does when\n" \
"    it listens on two addresses), whether it keeps ports and hairpins;\n" \
"  - whether each TURN server gives a relay with the credentials given,\n" \
"    over UDP, TCP or TLS as its URI says;\n" \
"  - a verdict (\"Verdict: port-restricted cone NAT ...\") and what to set\n" \
"    on icesink and icesrc (\"Configure: ...\").\n" \
"\n" \
"Give the servers as the elements take them: --stun-server like the\n" \
"stun-server property, each --turn-server like one entry of turn-servers.\n" \
"Without --stun-server the first TURN server's host and port are asked\n" \
"(every TURN server is a STUN server too).\n" \
"\n" \
"A password in a --turn-server URI shows in ps, as on a gst-launch line:\n" \
"--turn-servers-file keeps the URIs in a file (one a line, # comments),\n" \
"and a TURN URI without a password (turn://USER@host) takes time-limited\n" \
"credentials from the shared secret in --turn-auth-secret-file or the\n" \
SECRET_VARIABLE " environment variable, as turn-auth-secret does.\n" \
"\n" \
"Each request waits --timeout ms for its answer; a NAT that filters makes\n" \
"some tests wait that long for nothing, so a probe takes a few seconds.\n" \
"\n" \
"Exit status: 0 when every server answered and every TURN server gave a\n" \
"relay; 1 when one did not (the output says which, and why); 2 for bad\n" \
"input (a malformed URI, a local port in use, an unreadable file).\n" \
"\n" \
"Example:\n" \
"  gst-ice-probe --stun-server=stun://stun.example.org \\\n" \
"      --turn-server='turn://alice:secret@turn.example.org?transport=tcp'\n" \
"\n" \
"docs/nat-probe.md explains each line of the output."

typedef struct
{
  gchar *stun_server;
  gchar **turn_servers;
  gchar *turn_servers_file;
  gchar *turn_auth_secret_file;
  gchar *turn_tls_ca_file;
  gchar *local_address;
  gint local_port;
  gint timeout_ms;
} Options;

/* What was asked, once the input is checked. */
typedef struct
{
  GstIceServerUri *stun;
  gboolean stun_from_turn;
  GPtrArray *turns;             /* GstIceServerUri, as written */
  gchar *secret;
  SSL_CTX *tls;
  GInetAddress *local;
  guint timeout_ms;
} Probe;

/* A secret or URI list file: warns when others may read it. */
static gchar *
read_private_file (const gchar * path, const gchar * what, GError ** error)
{
  gchar *contents = NULL;
  GStatBuf st;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
    g_printerr ("warning: %s '%s' is readable by other users; chmod 600 "
        "it\n", what, path);
  return contents;
}

static void
free_secret (gchar * text)
{
  if (text) {
    OPENSSL_cleanse (text, strlen (text));
    g_free (text);
  }
}

static gboolean
read_secret (const Options * options, Probe * probe, GError ** error)
{
  gchar *contents;

  if (options->turn_auth_secret_file == NULL) {
    probe->secret = g_strdup (g_getenv (SECRET_VARIABLE));
    return TRUE;
  }
  contents = read_private_file (options->turn_auth_secret_file,
      "--turn-auth-secret-file", error);
  if (contents == NULL)
    return FALSE;
  probe->secret = g_strndup (contents, strcspn (contents, "\r\n"));
  free_secret (contents);
  if (*probe->secret == '\0') {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "--turn-auth-secret-file '%s' does not start with a secret (the "
        "TURN server's static-auth-secret, on one line)",
        options->turn_auth_secret_file);
    return FALSE;
  }
  return TRUE;
}

static gboolean
add_turn_server (Probe * probe, const gchar * text, GError ** error)
{
  GstIceServerUri *uri, *without_password;
  GError *err = NULL;

  uri = gst_ice_server_uri_parse_full (text, probe->secret ?
      GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL :
      GST_ICE_SERVER_URI_FLAG_NONE, &err);
  if (uri == NULL) {
    /* a user name alone: the password would come from the secret */
    without_password = gst_ice_server_uri_parse_full (text,
        GST_ICE_SERVER_URI_FLAG_PASSWORD_OPTIONAL, NULL);
    if (without_password)
      g_set_error (error, err->domain, err->code, "%s, or give the server's "
          "shared secret in --turn-auth-secret-file or " SECRET_VARIABLE,
          err->message);
    else
      g_propagate_error (error, g_error_copy (err));
    gst_ice_server_uri_free (without_password);
    g_error_free (err);
    return FALSE;
  }
  if (uri->scheme == GST_ICE_SERVER_SCHEME_STUN) {
    gst_ice_server_uri_free (uri);
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--turn-server '%s' is a stun:// URI: give it as --stun-server, or "
        "write turn://user:pass@host:port", text);
    return FALSE;
  }
  g_ptr_array_add (probe->turns, uri);
  return TRUE;
}

static gboolean
read_turn_servers (const Options * options, Probe * probe, GError ** error)
{
  gchar *contents, **lines;
  gboolean ok = TRUE;
  guint i;

  for (i = 0; ok && options->turn_servers && options->turn_servers[i]; i++)
    ok = add_turn_server (probe, options->turn_servers[i], error);
  if (!ok || options->turn_servers_file == NULL)
    return ok;

  contents = read_private_file (options->turn_servers_file,
      "--turn-servers-file", error);
  if (contents == NULL)
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  free_secret (contents);
  for (i = 0; ok && lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);

    if (*line != '\0' && *line != '#')
      ok = add_turn_server (probe, line, error);
  }
  for (i = 0; lines[i]; i++)
    OPENSSL_cleanse (lines[i], strlen (lines[i]));
  g_strfreev (lines);
  return ok;
}

static gboolean
read_stun_server (const Options * options, Probe * probe, GError ** error)
{
  const GstIceServerUri *turn;
  gchar *text;

  if (options->stun_server) {
    probe->stun = gst_ice_server_uri_parse (options->stun_server, error);
    if (probe->stun == NULL) {
      g_prefix_error (error, "--stun-server: ");
      return FALSE;
    }
    if (probe->stun->scheme != GST_ICE_SERVER_SCHEME_STUN) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--stun-server '%s' is not a stun:// URI (TURN servers go in "
          "--turn-server)", options->stun_server);
      return FALSE;
    }
    return TRUE;
  }
  if (probe->turns->len == 0) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "nothing to probe: give --stun-server, --turn-server or "
        "--turn-servers-file (see --help)");
    return FALSE;
  }
  /* every TURN server answers Binding requests on its UDP port too */
  turn = g_ptr_array_index (probe->turns, 0);
  text = g_strdup_printf (strchr (turn->host, ':') ? "stun://[%s]:%u" :
      "stun://%s:%u", turn->host, turn->transport ==
      GST_ICE_SERVER_TRANSPORT_TLS ? 3478 : turn->port);
  probe->stun = gst_ice_server_uri_parse (text, error);
  probe->stun_from_turn = TRUE;
  g_free (text);
  return probe->stun != NULL;
}

/* Checks every option; @error names the first bad value. */
static gboolean
read_options (const Options * options, Probe * probe, GError ** error)
{
  guint i;

  if (options->timeout_ms < 100 || options->timeout_ms > 60000) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--timeout %d is not between 100 and 60000 (milliseconds)",
        options->timeout_ms);
    return FALSE;
  }
  probe->timeout_ms = options->timeout_ms;
  if (options->local_port < 0 || options->local_port > G_MAXUINT16) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--local-port %d is not between 0 (any) and 65535",
        options->local_port);
    return FALSE;
  }
  if (options->local_address) {
    probe->local = g_inet_address_new_from_string (options->local_address);
    if (probe->local == NULL) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--local-address '%s' is not an IP address (e.g. 192.168.1.10)",
          options->local_address);
      return FALSE;
    }
  }
  if (!read_secret (options, probe, error) ||
      !read_turn_servers (options, probe, error) ||
      !read_stun_server (options, probe, error))
    return FALSE;

  for (i = 0; i < probe->turns->len; i++) {
    GstIceServerUri *turn = g_ptr_array_index (probe->turns, i);

    if (turn->transport == GST_ICE_SERVER_TRANSPORT_TLS) {
      probe->tls = gst_ice_turn_tls_context_new (options->turn_tls_ca_file,
          error);
      return probe->tls != NULL;
    }
  }
  return TRUE;
}

/* --- the report ----------------------------------------------------------- */

static gchar *
address_text (GInetSocketAddress * address)
{
  return gst_ice_stun_address_to_string (address);
}

static const gchar *
mapping_text (GstIceNatMapping mapping)
{
  switch (mapping) {
    case GST_ICE_NAT_MAPPING_NONE:
      return "none: the server sees this host's own address and port (no "
          "NAT)";
    case GST_ICE_NAT_MAPPING_ENDPOINT_INDEPENDENT:
      return "endpoint-independent: one public address and port for each "
          "local one, whatever it sends to";
    case GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT:
      return "address-dependent: a new public port for each address this "
          "host sends to";
    case GST_ICE_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT:
      return "address- and port-dependent: a new public port for each "
          "address and port this host sends to";
    case GST_ICE_NAT_MAPPING_UNKNOWN:
    default:
      return "unknown";
  }
}

static const gchar *
filtering_text (GstIceNatFiltering filtering)
{
  switch (filtering) {
    case GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT:
      return "endpoint-independent: anyone can send to this host's public "
          "address and port once it has sent from it";
    case GST_ICE_NAT_FILTERING_ADDRESS_DEPENDENT:
      return "address-dependent: only addresses this host sent to can "
          "answer, from any port";
    case GST_ICE_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT:
      return "address- and port-dependent: only the addresses and ports "
          "this host sent to can answer";
    case GST_ICE_NAT_FILTERING_UNKNOWN:
    default:
      return "unknown";
  }
}

/* RFC 6598 shared address space: a carrier's NAT */
static gboolean
is_carrier_address (GInetSocketAddress * address)
{
  GInetAddressMask *mask;
  gboolean inside;

  if (address == NULL)
    return FALSE;
  mask = g_inet_address_mask_new_from_string ("100.64.0.0/10", NULL);
  inside = g_inet_address_mask_matches (mask,
      g_inet_socket_address_get_address (address));
  g_object_unref (mask);
  return inside;
}

/* The kind of NAT in the words people use (RFC 3489's names). */
static gchar *
nat_kind (const GstIceNatBehaviour * b)
{
  const gchar *kind;
  gchar *text;

  switch (b->mapping) {
    case GST_ICE_NAT_MAPPING_NONE:
      if (b->filtering == GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT)
        return g_strdup ("no NAT: this host's address is public, and "
            "nothing filters what comes in");
      if (b->filtering == GST_ICE_NAT_FILTERING_UNKNOWN)
        return g_strdup ("no NAT: this host's address is public");
      return g_strdup_printf ("no NAT, but a firewall: this host's address "
          "is public, and %s filtering lets in only answers",
          b->filtering == GST_ICE_NAT_FILTERING_ADDRESS_DEPENDENT ?
          "address-dependent" : "address- and port-dependent");
    case GST_ICE_NAT_MAPPING_ENDPOINT_INDEPENDENT:
      if (b->filtering == GST_ICE_NAT_FILTERING_ENDPOINT_INDEPENDENT)
        kind = "full-cone NAT (endpoint-independent mapping and filtering)";
      else if (b->filtering == GST_ICE_NAT_FILTERING_ADDRESS_DEPENDENT)
        kind = "restricted-cone NAT (endpoint-independent mapping, "
            "address-dependent filtering)";
      else if (b->filtering == GST_ICE_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT)
        kind = "port-restricted cone NAT (endpoint-independent mapping, "
            "address- and port-dependent filtering)";
      else
        kind = "cone NAT (endpoint-independent mapping, filtering unknown)";
      break;
    case GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT:
    case GST_ICE_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT:
      kind = b->mapping == GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT ?
          "symmetric NAT (address-dependent mapping)" :
          "symmetric NAT (address- and port-dependent mapping)";
      break;
    case GST_ICE_NAT_MAPPING_UNKNOWN:
    default:
      kind = "a NAT whose behaviour the server could not show";
      break;
  }
  if (!is_carrier_address (b->local))
    return g_strdup (kind);
  text = g_strdup_printf ("%s, run by the carrier (carrier-grade NAT: "
      "this host's address is in 100.64.0.0/10, RFC 6598)", kind);
  return text;
}

/* The TURN servers that worked, as a turn-servers value (passwords
 * hidden), or NULL. */
static gchar *
working_turn_servers (GPtrArray * turns, GPtrArray * results, gboolean tcp_only)
{
  GString *value = g_string_new ("turn-servers=\"<");
  guint i, n = 0;

  for (i = 0; i < turns->len; i++) {
    GstIceServerUri *turn = g_ptr_array_index (turns, i);
    GstIceTurnCheckResult *result = g_ptr_array_index (results, i);
    gchar *text;

    if (result->status != GST_ICE_TURN_CHECK_OK || (tcp_only &&
            turn->transport == GST_ICE_SERVER_TRANSPORT_UDP))
      continue;
    text = gst_ice_server_uri_to_string (turn, TRUE);
    g_string_append_printf (value, "%s\\\"%s\\\"", n++ ? ", " : "", text);
    g_free (text);
  }
  g_string_append (value, ">\"");
  if (n == 0) {
    g_string_free (value, TRUE);
    return NULL;
  }
  return g_string_free (value, FALSE);
}

static void
print_stun (const Probe * probe, const GstIceNatBehaviour * b)
{
  GstIceStunCheckResult *check = b->check;
  gchar *server = gst_ice_server_uri_to_string (probe->stun, TRUE);
  gchar *where = address_text (check->server);
  gchar *local, *mapped, *other;

  if (check->status == GST_ICE_STUN_CHECK_OK)
    g_print ("STUN server:  %s (%s) answers in the RFC 5389 form%s%s%s\n",
        server, where, check->software ? " (" : "",
        check->software ? check->software : "", check->software ? ")" : "");
  else
    g_print ("STUN server:  %s\n", check->message);
  g_free (server);
  g_free (where);
  if (check->status != GST_ICE_STUN_CHECK_OK &&
      check->status != GST_ICE_STUN_CHECK_PRE_RFC5389)
    return;

  local = address_text (b->local ? b->local : check->local);
  mapped = address_text (b->mapped ? b->mapped : check->mapped);
  g_print ("Public:       %s, seen by the server for local %s\n", mapped,
      local);
  g_free (local);
  g_free (mapped);
  if (b->rfc5780) {
    other = address_text (check->other);
    g_print ("RFC 5780:     yes: the server also answers from %s\n", other);
    g_free (other);
  } else {
    g_print ("RFC 5780:     no: mapping and filtering cannot be found out\n");
  }
  g_print ("Mapping:      %s\n", mapping_text (b->mapping));
  g_print ("Filtering:    %s\n", filtering_text (b->filtering));
  if (b->port_preserved != GST_ICE_NAT_ANSWER_UNKNOWN)
    g_print ("Ports:        %s\n", b->port_preserved ==
        GST_ICE_NAT_ANSWER_YES ? "preserved: the public port is the local "
        "one" : "not preserved: the public port differs from the local one");
  if (b->hairpin != GST_ICE_NAT_ANSWER_UNKNOWN)
    g_print ("Hairpinning:  %s\n", b->hairpin == GST_ICE_NAT_ANSWER_YES ?
        "yes: this host reaches its own public address through the NAT" :
        "no: this host cannot reach its own public address (two hosts "
        "behind this NAT connect over their local addresses instead)");
}

static const gchar *
turn_transport (const GstIceServerUri * turn)
{
  switch (turn->transport) {
    case GST_ICE_SERVER_TRANSPORT_TCP:
      return "TURN over TCP:";
    case GST_ICE_SERVER_TRANSPORT_TLS:
      return "TURN over TLS:";
    case GST_ICE_SERVER_TRANSPORT_UDP:
    default:
      return "TURN over UDP:";
  }
}

/* Asks each TURN server for a relay, as the elements do at start. */
static GPtrArray *
check_turn_servers (const Probe * probe)
{
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_ice_turn_check_result_free);
  guint i;

  for (i = 0; i < probe->turns->len; i++) {
    GstIceServerUri *turn = g_ptr_array_index (probe->turns, i);
    GstIceTurnCheckTarget target = { 0, };
    GstIceTurnCheckResult *result = NULL;
    gchar *username = NULL, *password = NULL, *relayed;
    GError *err = NULL;

    target.server = gst_ice_server_uri_copy (turn);
    target.display = gst_ice_server_uri_to_string (turn, TRUE);
    target.derived = turn->password == NULL;
    if (target.derived) {
      if (gst_ice_turn_rest_credentials (probe->secret, turn->username,
              GST_ICE_TURN_DEFAULT_CREDENTIAL_LIFETIME,
              g_get_real_time () / G_USEC_PER_SEC, &username, &password,
              &err)) {
        g_free (target.server->username);
        target.server->username = username;
        target.server->password = password;
      } else {
        result = g_new0 (GstIceTurnCheckResult, 1);
        result->status = GST_ICE_TURN_CHECK_FAILED;
        result->message = g_strdup (err->message);
        g_clear_error (&err);
      }
    }
    if (result == NULL)
      result = gst_ice_turn_check_run (&target, probe->tls,
          probe->timeout_ms * 5 / 2, NULL);

    if (result->status == GST_ICE_TURN_CHECK_OK) {
      relayed = address_text (result->relayed);
      g_print ("%s works: %s relays from %s\n", turn_transport (turn),
          target.display, relayed);
      g_free (relayed);
    } else {
      g_print ("%s fails: %s\n", turn_transport (turn), result->message);
    }
    g_ptr_array_add (results, result);
    gst_ice_server_uri_free (target.server);
    g_free (target.display);
  }
  return results;
}

/* The last two lines: what the NAT is, and what to set. */
static void
print_verdict (const Probe * probe, const GstIceNatBehaviour * b,
    GPtrArray * turn_results)
{
  GstIceStunCheckStatus status = b->check->status;
  gchar *stun = gst_ice_server_uri_to_string (probe->stun, TRUE);
  gchar *turns = working_turn_servers (probe->turns, turn_results, FALSE);
  gchar *tcp_turns = working_turn_servers (probe->turns, turn_results, TRUE);
  const gchar *relay = turns ? turns : "turn-servers=\"<\\\"turn://USER:"
      "PASS@HOST:3478\\\">\" (a TURN server that works: none given did)";
  gchar *kind;

  if (status != GST_ICE_STUN_CHECK_OK &&
      status != GST_ICE_STUN_CHECK_PRE_RFC5389) {
    if (tcp_turns) {
      g_print ("Verdict: UDP is blocked on the way to the servers: STUN got "
          "no answer, TURN over TCP or TLS works\n");
      g_print ("Configure: %s on both sides: only a relay over TCP gets "
          "through from here\n", tcp_turns);
    } else {
      g_print ("Verdict: the STUN server could not be asked: nothing known "
          "about the NAT\n");
      g_print ("Configure: first a STUN server this host reaches (see the "
          "STUN server line)\n");
    }
    goto done;
  }
  if (status == GST_ICE_STUN_CHECK_PRE_RFC5389) {
    g_print ("Verdict: behaviour unknown: the STUN server predates RFC 5389 "
        "and RFC 5780\n");
    g_print ("Configure: stun-server with a server that implements RFC 5389 "
        "(coturn, for one), then probe again\n");
    goto done;
  }

  kind = nat_kind (b);
  g_print ("Verdict: %s\n", kind);
  g_free (kind);
  if (b->mapping == GST_ICE_NAT_MAPPING_ADDRESS_DEPENDENT ||
      b->mapping == GST_ICE_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT) {
    g_print ("Configure: %s and stun-server=%s on both sides: behind a "
        "symmetric NAT this host connects directly only to peers with no NAT "
        "or a full- or restricted-cone NAT; any other peer needs the relay\n",
        relay, stun);
  } else if (b->filtering == GST_ICE_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT
      || b->filtering == GST_ICE_NAT_FILTERING_UNKNOWN) {
    g_print ("Configure: stun-server=%s on both sides connects this host "
        "directly to peers with no NAT or a cone NAT; for a peer behind a "
        "symmetric NAT add %s on both sides\n", stun, relay);
  } else if (b->mapping == GST_ICE_NAT_MAPPING_NONE) {
    g_print ("Configure: nothing for this host (stun-server=%s helps the "
        "peers behind NATs); any peer can reach it directly\n", stun);
  } else {
    g_print ("Configure: stun-server=%s on both sides: peers behind any NAT, "
        "symmetric ones too, reach this host directly\n", stun);
  }

done:
  g_free (stun);
  g_free (turns);
  g_free (tcp_turns);
}

static gboolean
all_worked (const GstIceNatBehaviour * b, GPtrArray * turn_results)
{
  guint i;

  if (b->check->status != GST_ICE_STUN_CHECK_OK)
    return FALSE;
  for (i = 0; i < turn_results->len; i++) {
    GstIceTurnCheckResult *result = g_ptr_array_index (turn_results, i);

    if (result->status != GST_ICE_TURN_CHECK_OK)
      return FALSE;
  }
  return TRUE;
}

static void
clear_probe (Probe * probe)
{
  gst_ice_server_uri_free (probe->stun);
  g_ptr_array_unref (probe->turns);
  free_secret (probe->secret);
  if (probe->tls)
    SSL_CTX_free (probe->tls);
  g_clear_object (&probe->local);
}

static void
clear_options (Options * options)
{
  g_free (options->stun_server);
  g_strfreev (options->turn_servers);
  g_free (options->turn_servers_file);
  g_free (options->turn_auth_secret_file);
  g_free (options->turn_tls_ca_file);
  g_free (options->local_address);
}

int
main (int argc, char **argv)
{
  Options options = { 0, };
  Probe probe = { 0, };
  GOptionEntry entries[] = {
    {"stun-server", 's', 0, G_OPTION_ARG_STRING, &options.stun_server,
        "STUN server to ask, as stun://host[:port] (port 3478 when none is "
          "given). Default: the first TURN server's host and port", "URI"},
    {"turn-server", 't', 0, G_OPTION_ARG_STRING_ARRAY, &options.turn_servers,
        "TURN server to ask for a relay, as turn://user:pass@host[:port]"
          "[?transport=udp|tcp] or turns://user:pass@host[:port] (TLS); "
          "repeat for each. The password shows in ps", "URI"},
    {"turn-servers-file", 0, 0, G_OPTION_ARG_FILENAME,
        &options.turn_servers_file, "More TURN server URIs, one a line "
          "(# starts a comment), kept out of ps", "FILE"},
    {"turn-auth-secret-file", 0, 0, G_OPTION_ARG_FILENAME,
        &options.turn_auth_secret_file, "The TURN servers' shared secret "
          "on the first line of FILE, for URIs without a password "
          "(turn://USER@host), as turn-auth-secret. Default: the "
          SECRET_VARIABLE " environment variable", "FILE"},
    {"turn-tls-ca-file", 0, 0, G_OPTION_ARG_FILENAME,
        &options.turn_tls_ca_file, "PEM file of the CAs that sign the "
          "turns:// servers' certificates, as turn-tls-ca-file. Default: "
          "the system's CAs", "FILE"},
    {"local-address", 0, 0, G_OPTION_ARG_STRING, &options.local_address,
        "Local IP address to probe from, as local-addresses. Default: "
          "the one the system routes to the STUN server from", "IP"},
    {"local-port", 0, 0, G_OPTION_ARG_INT, &options.local_port,
        "Local UDP port of the mapping tests, to see whether the NAT keeps "
          "it. Default: 0, any", "PORT"},
    {"timeout", 0, 0, G_OPTION_ARG_INT, &options.timeout_ms,
          "How long each STUN request waits for its answer, in milliseconds "
          "(100 to 60000; a TURN check gets 2.5 times as long). Default: 2000",
        "MS"},
    {NULL}
  };
  GOptionContext *context;
  GstIceNatBehaviour *behaviour;
  GPtrArray *turn_results;
  GError *err = NULL;
  gchar *stun;
  gint status;
  guint i;

  options.timeout_ms = DEFAULT_TIMEOUT_MS;
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Finds out what the NAT in front "
      "of this host does and whether the STUN and TURN servers work, and "
      "says what to give icesink and icesrc.");
  g_option_context_set_description (context, DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &err)) {
    g_printerr ("gst-ice-probe: %s (see --help)\n", err->message);
    g_clear_error (&err);
    g_option_context_free (context);
    clear_options (&options);
    return EXIT_BAD_INPUT;
  }
  g_option_context_free (context);
  if (argc > 1) {
    g_printerr ("gst-ice-probe: unexpected argument '%s' (see --help)\n",
        argv[1]);
    clear_options (&options);
    return EXIT_BAD_INPUT;
  }

  probe.turns = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_ice_server_uri_free);
  if (!read_options (&options, &probe, &err))
    goto bad_input;

  stun = gst_ice_server_uri_to_string (probe.stun, TRUE);
  g_print ("gst-ice-probe %s: asking %s%s and %u TURN server%s\n\n", VERSION,
      stun, probe.stun_from_turn ? " (the first TURN server)" : "",
      probe.turns->len, probe.turns->len == 1 ? "" : "s");
  g_free (stun);

  behaviour = gst_ice_nat_behaviour_discover (probe.stun, probe.local,
      options.local_port, probe.timeout_ms, NULL, &err);
  if (behaviour == NULL)
    goto no_socket;
  print_stun (&probe, behaviour);
  turn_results = check_turn_servers (&probe);
  for (i = 0; i < behaviour->notes->len; i++)
    g_print ("Note:         %s\n",
        (gchar *) g_ptr_array_index (behaviour->notes, i));
  g_print ("\n");
  print_verdict (&probe, behaviour, turn_results);

  status = all_worked (behaviour, turn_results) ? EXIT_ALL_WORKS :
      EXIT_SOMETHING_FAILED;
  g_ptr_array_unref (turn_results);
  gst_ice_nat_behaviour_free (behaviour);
  clear_probe (&probe);
  clear_options (&options);
  return status;

  /* ERRORS */
no_socket:
  {
    g_printerr ("gst-ice-probe: %s%s\n", err->message, g_error_matches (err,
            G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE) ? " (--local-port: give "
        "a port nothing else uses, or 0 for any)" : "");
    g_clear_error (&err);
    clear_probe (&probe);
    clear_options (&options);
    return EXIT_BAD_INPUT;
  }
bad_input:
  {
    g_printerr ("gst-ice-probe: %s\n", err->message);
    g_clear_error (&err);
    clear_probe (&probe);
    clear_options (&options);
    return EXIT_BAD_INPUT;
  }
}
