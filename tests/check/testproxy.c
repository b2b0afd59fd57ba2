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

/* One thread polls the listening socket and every connection pair, and
 * copies bytes both ways. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "testproxy.h"

typedef struct
{
  gint client;                  /* -1 once cut */
  gint upstream;
} Pair;

struct _TestProxy
{
  gint listener;
  guint port;
  guint upstream_port;
  GThread *thread;
  GMutex lock;
  GCond frozen;                 /* signalled once freeze was done */
  gboolean stopping;            /* under lock */
  gboolean cut;                 /* under lock: cut at the next turn */
  gboolean freeze;              /* under lock: freeze at the next turn */
  GArray *pairs;                /* Pair, the thread's own */
  GPtrArray *stale;             /* upstream fds of cut pairs, and both fds
                                 * of frozen ones, kept open */
};

static gint
connect_upstream (TestProxy * proxy)
{
  struct sockaddr_in addr = { 0, };
  gint fd = socket (AF_INET, SOCK_STREAM, 0);

  addr.sin_family = AF_INET;
  addr.sin_port = htons (proxy->upstream_port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0) {
    close (fd);
    return -1;
  }
  return fd;
}

/* Copies what @from has to @to; FALSE when @from ended. */
static gboolean
pump (gint from, gint to)
{
  gchar buffer[16384];
  gssize n = read (from, buffer, sizeof (buffer));
  gssize off = 0;

  if (n <= 0)
    return FALSE;
  while (off < n) {
    gssize w = write (to, buffer + off, n - off);

    if (w <= 0)
      return FALSE;
    off += w;
  }
  return TRUE;
}

static gpointer
proxy_thread (gpointer user_data)
{
  TestProxy *proxy = user_data;

  for (;;) {
    struct pollfd *fds;
    guint n = 1 + 2 * proxy->pairs->len, i;
    gboolean stop, cut, freeze;

    g_mutex_lock (&proxy->lock);
    stop = proxy->stopping;
    cut = proxy->cut;
    proxy->cut = FALSE;
    freeze = proxy->freeze;
    proxy->freeze = FALSE;
    g_mutex_unlock (&proxy->lock);
    if (stop)
      break;
    if (freeze) {
      for (i = 0; i < proxy->pairs->len; i++) {
        Pair *pair = &g_array_index (proxy->pairs, Pair, i);

        g_ptr_array_add (proxy->stale, GINT_TO_POINTER (pair->client));
        g_ptr_array_add (proxy->stale, GINT_TO_POINTER (pair->upstream));
      }
      g_array_set_size (proxy->pairs, 0);
      n = 1;
      g_mutex_lock (&proxy->lock);
      g_cond_broadcast (&proxy->frozen);
      g_mutex_unlock (&proxy->lock);
    }
    if (cut) {
      for (i = 0; i < proxy->pairs->len; i++) {
        Pair *pair = &g_array_index (proxy->pairs, Pair, i);

        close (pair->client);
        g_ptr_array_add (proxy->stale, GINT_TO_POINTER (pair->upstream));
      }
      g_array_set_size (proxy->pairs, 0);
      n = 1;
    }

    fds = g_new0 (struct pollfd, n);
    fds[0].fd = proxy->listener;
    fds[0].events = POLLIN;
    for (i = 0; i < proxy->pairs->len; i++) {
      Pair *pair = &g_array_index (proxy->pairs, Pair, i);

      fds[1 + 2 * i].fd = pair->client;
      fds[1 + 2 * i].events = POLLIN;
      fds[2 + 2 * i].fd = pair->upstream;
      fds[2 + 2 * i].events = POLLIN;
    }
    if (poll (fds, n, 20) > 0) {
      for (i = proxy->pairs->len; i > 0; i--) {
        Pair *pair = &g_array_index (proxy->pairs, Pair, i - 1);
        gboolean ok = TRUE;

        if (fds[2 * i - 1].revents & (POLLIN | POLLHUP | POLLERR))
          ok = pump (pair->client, pair->upstream);
        if (ok && (fds[2 * i].revents & (POLLIN | POLLHUP | POLLERR)))
          ok = pump (pair->upstream, pair->client);
        if (!ok) {
          close (pair->client);
          close (pair->upstream);
          g_array_remove_index (proxy->pairs, i - 1);
        }
      }
      if (fds[0].revents & POLLIN) {
        gint client = accept (proxy->listener, NULL, NULL);
        Pair pair = { client, connect_upstream (proxy) };

        if (client >= 0 && pair.upstream >= 0)
          g_array_append_val (proxy->pairs, pair);
        else if (client >= 0)
          close (client);
      }
    }
    g_free (fds);
  }
  return NULL;
}

TestProxy *
test_proxy_new (guint upstream_port)
{
  TestProxy *proxy = g_new0 (TestProxy, 1);
  struct sockaddr_in addr = { 0, };
  socklen_t len = sizeof (addr);

  proxy->upstream_port = upstream_port;
  proxy->listener = socket (AF_INET, SOCK_STREAM, 0);
  g_assert (proxy->listener >= 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert (bind (proxy->listener, (struct sockaddr *) &addr,
          sizeof (addr)) == 0);
  g_assert (listen (proxy->listener, 16) == 0);
  g_assert (getsockname (proxy->listener, (struct sockaddr *) &addr,
          &len) == 0);
  proxy->port = ntohs (addr.sin_port);
  proxy->pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  proxy->stale = g_ptr_array_new ();
  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->frozen);
  proxy->thread = g_thread_new ("test-proxy", proxy_thread, proxy);
  return proxy;
}

guint
test_proxy_get_port (TestProxy * proxy)
{
  return proxy->port;
}

void
test_proxy_cut (TestProxy * proxy)
{
  g_mutex_lock (&proxy->lock);
  proxy->cut = TRUE;
  g_mutex_unlock (&proxy->lock);
}

void
test_proxy_freeze (TestProxy * proxy)
{
  g_mutex_lock (&proxy->lock);
  proxy->freeze = TRUE;
  /* returns once nothing more passes */
  while (proxy->freeze)
    g_cond_wait (&proxy->frozen, &proxy->lock);
  g_mutex_unlock (&proxy->lock);
}

void
test_proxy_free (TestProxy * proxy)
{
  guint i;

  g_mutex_lock (&proxy->lock);
  proxy->stopping = TRUE;
  g_mutex_unlock (&proxy->lock);
  g_thread_join (proxy->thread);
  for (i = 0; i < proxy->pairs->len; i++) {
    close (g_array_index (proxy->pairs, Pair, i).client);
    close (g_array_index (proxy->pairs, Pair, i).upstream);
  }
  for (i = 0; i < proxy->stale->len; i++)
    close (GPOINTER_TO_INT (g_ptr_array_index (proxy->stale, i)));
  close (proxy->listener);
  g_array_unref (proxy->pairs);
  g_ptr_array_unref (proxy->stale);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->frozen);
  g_free (proxy);
}
