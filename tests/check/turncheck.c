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


/* The TURN check (gst/ice/turn/gsticeturncheck.c) against a real coturn:
 * what a user is told for each way a TURN server can fail. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include <gst/ice/turn/gsticeturncheck.h>

#include "coturntestutil.h"

static TestCoturn *coturn;

static GstIceTurnCheckTarget *
target_new (const gchar * uri)
{
  GstIceTurnCheckTarget *target = g_new0 (GstIceTurnCheckTarget, 1);
  GError *err = NULL;

  target->server = gst_ice_server_uri_parse (uri, &err);
  fail_unless (target->server != NULL, "%s", err ? err->message : "");
  target->display = gst_ice_server_uri_to_string (target->server, TRUE);
  return target;
}

/* Checks @uri (transfer full) within @timeout_ms. */
static GstIceTurnCheckResult *
check (gchar * uri, guint timeout_ms)
{
  GstIceTurnCheckTarget *target = target_new (uri);
  GstIceTurnCheckResult *result;

  result = gst_ice_turn_check_run (target, NULL, timeout_ms, NULL);
  fail_unless (result != NULL);
  gst_ice_turn_check_target_free (target);
  g_free (uri);
  return result;
}

static void
assert_relayed_by_coturn (GstIceTurnCheckResult * result)
{
  gchar *address;
  guint port;

  fail_unless (result->status == GST_ICE_TURN_CHECK_OK, "%s",
      GST_STR_NULL (result->message));
  fail_unless (result->relayed != NULL);
  address = g_inet_address_to_string (g_inet_socket_address_get_address
      (result->relayed));
  port = g_inet_socket_address_get_port (result->relayed);
  fail_unless_equals_string (address, "127.0.0.1");
  /* coturntestutil.c gives coturn relay ports above its listening ones */
  fail_unless (port > coturn->port && port < coturn->port + 300, "%u", port);
  fail_unless (result->mapped != NULL);
  g_free (address);
}

GST_START_TEST (test_check_udp_allocates)
{
  GstIceTurnCheckResult *result =
      check (g_strdup_printf ("turn://alice:secret@127.0.0.1:%u", coturn->port),
      5000);

  assert_relayed_by_coturn (result);
  gst_ice_turn_check_result_free (result);
}

GST_END_TEST;

GST_START_TEST (test_check_tcp_allocates)
{
  GstIceTurnCheckResult *result =
      check (g_strdup_printf ("turn://alice:secret@127.0.0.1:%u?transport=tcp",
          coturn->port), 5000);

  assert_relayed_by_coturn (result);
  gst_ice_turn_check_result_free (result);
}

GST_END_TEST;

GST_START_TEST (test_check_wrong_password_is_refused)
{
  GstIceTurnCheckResult *result =
      check (g_strdup_printf ("turn://alice:hunter2@127.0.0.1:%u",
          coturn->port), 5000);
  gchar *shown = g_strdup_printf ("turn://alice:***@127.0.0.1:%u",
      coturn->port);

  fail_unless_equals_int (result->status, GST_ICE_TURN_CHECK_REFUSED);
  fail_unless_equals_int (result->error_code, 401);
  fail_unless (strstr (result->message, "refused the credentials (401") !=
      NULL, "%s", result->message);
  fail_unless (strstr (result->message, shown) != NULL, "%s", result->message);
  fail_unless (strstr (result->message, "hunter2") == NULL, "%s",
      result->message);
  gst_ice_turn_check_result_free (result);
  g_free (shown);
}

GST_END_TEST;

/* coturn's TLS port, closed: this suite's coturn has no certificate */
static guint
silent_port (void)
{
  return coturn->port + 2;
}

GST_START_TEST (test_check_silent_server_has_no_answer)
{
  gint64 start = g_get_monotonic_time ();
  GstIceTurnCheckResult *result =
      check (g_strdup_printf ("turn://alice:secret@127.0.0.1:%u",
          silent_port ()), 1000);
  gint64 took = g_get_monotonic_time () - start;

  fail_unless_equals_int (result->status, GST_ICE_TURN_CHECK_NO_ANSWER);
  fail_unless (strstr (result->message, "did not answer") != NULL, "%s",
      result->message);
  fail_unless (strstr (result->message, "UDP") != NULL, "%s", result->message);
  fail_unless (took >= 1000 * G_TIME_SPAN_MILLISECOND && took < 3 *
      G_USEC_PER_SEC, "took %" G_GINT64_FORMAT " us", took);
  gst_ice_turn_check_result_free (result);
}

GST_END_TEST;

GST_START_TEST (test_check_closed_tcp_port_is_unreachable)
{
  GstIceTurnCheckResult *result =
      check (g_strdup_printf ("turn://alice:secret@127.0.0.1:%u?transport=tcp",
          silent_port ()), 5000);

  fail_unless_equals_int (result->status, GST_ICE_TURN_CHECK_UNREACHABLE);
  fail_unless (strstr (result->message, "could not reach") != NULL, "%s",
      result->message);
  fail_unless (strstr (result->message, "refused") != NULL, "%s",
      result->message);
  gst_ice_turn_check_result_free (result);
}

GST_END_TEST;

typedef struct
{
  GstIceTurnCheckTarget *target;
  GCancellable *cancellable;
  GstIceTurnCheckResult *result;
} Background;

static gpointer
run_in_background (gpointer data)
{
  Background *bg = data;

  bg->result = gst_ice_turn_check_run (bg->target, NULL, 20000,
      bg->cancellable);
  return NULL;
}

/* a check waiting for a silent server stops at once when cancelled */
GST_START_TEST (test_check_cancel)
{
  gchar *uri = g_strdup_printf ("turn://alice:secret@127.0.0.1:%u",
      silent_port ());
  Background bg = { target_new (uri), g_cancellable_new (), NULL };
  GThread *thread = g_thread_new ("check", run_in_background, &bg);
  gint64 start;

  g_usleep (200 * 1000);        /* let it send and wait */
  start = g_get_monotonic_time ();
  g_cancellable_cancel (bg.cancellable);
  g_thread_join (thread);
  fail_unless (g_get_monotonic_time () - start < G_USEC_PER_SEC / 2);
  fail_unless_equals_int (bg.result->status, GST_ICE_TURN_CHECK_CANCELLED);
  gst_ice_turn_check_result_free (bg.result);
  gst_ice_turn_check_target_free (bg.target);
  g_object_unref (bg.cancellable);
  g_free (uri);
}

GST_END_TEST;

static Suite *
turncheck_suite (void)
{
  const gchar *options[] = { "--lt-cred-mech", "--user=alice:secret", NULL };
  Suite *s = suite_create ("turncheck");
  TCase *tc = tcase_create ("coturn");

  coturn = test_coturn_start (options, NULL, NULL);
  if (coturn == NULL) {
    g_print ("SKIP: coturn (turnserver) is not installed; "
        "apt-get install coturn to run the TURN tests\n");
    return s;
  }
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_check_udp_allocates);
  tcase_add_test (tc, test_check_tcp_allocates);
  tcase_add_test (tc, test_check_wrong_password_is_refused);
  tcase_add_test (tc, test_check_silent_server_has_no_answer);
  tcase_add_test (tc, test_check_closed_tcp_port_is_unreachable);
  tcase_add_test (tc, test_check_cancel);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int failed;

  gst_check_init (&argc, &argv);
  s = turncheck_suite ();
  failed = gst_check_run_suite (s, "turncheck", __FILE__);
  if (coturn == NULL)
    return 77;                  /* meson's code for a skipped test */
  test_coturn_stop (coturn);
  return failed;
}
