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

/*
 * mmsg-floor: the floor of the benchmark, what the kernel alone delivers
 * over loopback.  One thread sends 1200-byte datagrams with sendmmsg() in
 * batches of 64 as fast as it can, another reads them with recvmmsg() into
 * batches of 64, for SECONDS; prints sent, received and each thread's CPU
 * seconds as one JSON object.
 *
 *   mmsg-floor SECONDS
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PACKET_SIZE 1200
#define BATCH 64

static atomic_int stop;
static int recv_fd;
static unsigned long long received;
static double recv_cpu;

static double
thread_cpu (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
receiver (void *data)
{
  static char bufs[BATCH][PACKET_SIZE];
  struct mmsghdr msgs[BATCH];
  struct iovec iovs[BATCH];
  struct timespec timeout = { 0, 100 * 1000 * 1000 };
  double cpu0 = thread_cpu ();
  int i, n;

  memset (msgs, 0, sizeof (msgs));
  for (i = 0; i < BATCH; i++) {
    iovs[i].iov_base = bufs[i];
    iovs[i].iov_len = PACKET_SIZE;
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  while (!atomic_load (&stop)) {
    n = recvmmsg (recv_fd, msgs, BATCH, MSG_WAITFORONE, &timeout);
    if (n > 0)
      received += n;
  }
  recv_cpu = thread_cpu () - cpu0;
  return NULL;
}

int
main (int argc, char **argv)
{
  static char bufs[BATCH][PACKET_SIZE];
  struct mmsghdr msgs[BATCH];
  struct iovec iovs[BATCH];
  struct sockaddr_in addr;
  socklen_t len = sizeof (addr);
  struct timespec start, now;
  struct timeval tv = { 0, 100 * 1000 };
  unsigned long long sent = 0;
  double seconds, send_cpu;
  pthread_t thread;
  int send_fd, i, n;

  if (argc != 2 || (seconds = atof (argv[1])) <= 0) {
    fprintf (stderr, "usage: mmsg-floor SECONDS\n");
    return 2;
  }

  memset (&addr, 0, sizeof (addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  recv_fd = socket (AF_INET, SOCK_DGRAM, 0);
  send_fd = socket (AF_INET, SOCK_DGRAM, 0);
  if (recv_fd < 0 || send_fd < 0 ||
      bind (recv_fd, (struct sockaddr *) &addr, sizeof (addr)) < 0 ||
      getsockname (recv_fd, (struct sockaddr *) &addr, &len) < 0 ||
      connect (send_fd, (struct sockaddr *) &addr, sizeof (addr)) < 0) {
    perror ("mmsg-floor");
    return 1;
  }
  /* a full socket buffer must not block the sender for good */
  setsockopt (recv_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof (tv));

  memset (msgs, 0, sizeof (msgs));
  for (i = 0; i < BATCH; i++) {
    iovs[i].iov_base = bufs[i];
    iovs[i].iov_len = PACKET_SIZE;
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  pthread_create (&thread, NULL, receiver, NULL);

  clock_gettime (CLOCK_MONOTONIC, &start);
  send_cpu = thread_cpu ();
  do {
    n = sendmmsg (send_fd, msgs, BATCH, MSG_DONTWAIT);
    if (n > 0)
      sent += n;
    clock_gettime (CLOCK_MONOTONIC, &now);
  } while (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 <
      seconds);
  send_cpu = thread_cpu () - send_cpu;
  /* what is still in flight */
  usleep (100 * 1000);
  atomic_store (&stop, 1);
  pthread_join (thread, NULL);

  printf ("{\"sent\": %llu, \"received\": %llu, \"seconds\": %.3f, "
      "\"send_cpu\": %.4f, \"recv_cpu\": %.4f}\n", sent, received, seconds,
      send_cpu, recv_cpu);
  close (send_fd);
  close (recv_fd);
  return 0;
}
