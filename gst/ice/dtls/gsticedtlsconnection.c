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
 * SECTION:gsticedtlsconnection
 * @title: GstIceDtlsConnection
 * @short_description: one DTLS 1.2 association over a connected datagram
 *   path
 *
 * A #GstIceDtlsContext holds what every association of one element shares:
 * its #GstIceCertificate and the OpenSSL `SSL_CTX` (DTLS 1.2 only, ECDHE
 * with AES-GCM or ChaCha20-Poly1305, X25519 or P-256, peer certificate
 * required).
 *
 * A #GstIceDtlsConnection is one association (RFC 6347) over a path that
 * is already connected, such as an ICE session's selected pair.  It owns
 * no socket: every datagram it sends goes to its #GstIceDtlsTransmitFunc,
 * and the caller feeds each datagram that arrives (those
 * gst_ice_dtls_is_dtls_record() accepts) to
 * gst_ice_dtls_connection_receive().  gst_ice_dtls_connection_start()
 * sends the ClientHello (client) or waits for it (server).  Lost handshake
 * datagrams are retransmitted from a timer on the main context given to
 * gst_ice_dtls_connection_new().
 *
 * The peer is not checked against certificate authorities: the SHA-256
 * fingerprint of the certificate it presents must equal the fingerprint it
 * signalled (`sha-256 AB:CD:…`, RFC 8122).  That check runs inside the
 * handshake; when it fails, or no fingerprint was signalled, the handshake
 * fails with a bad_certificate alert to the peer and the state goes to
 * %GST_ICE_DTLS_STATE_FAILED with a message that names both fingerprints.
 * Application data is only ever delivered from an authenticated peer.
 *
 * ## Threads and locking
 *
 * All functions are thread-safe: one mutex per connection guards the `SSL`
 * object.  gst_ice_dtls_connection_send() is meant for a streaming thread,
 * while gst_ice_dtls_connection_receive() and the retransmission timer run
 * in the main context.
 *
 * The callbacks are never called with that mutex held: what a call
 * produces (datagrams, records, state changes) is queued under the lock
 * and delivered, in order, once the lock is released, by the same call and
 * in its thread.  Callbacks may therefore call into the connection again,
 * for example send a reply from the #GstIceDtlsReceiveFunc.  So:
 *
 * - the #GstIceDtlsTransmitFunc is called from the thread of send() (one
 *   application record each) and from that of start(), receive(), close()
 *   and the timer (handshake, alerts, close_notify);
 * - send_list() seals all its records under the lock into an area the
 *   connection reuses, then hands them to its #GstIceDtlsTransmitRecordsFunc
 *   in one call (or to the #GstIceDtlsTransmitFunc one by one), before any
 *   state change it caused;
 * - the #GstIceDtlsReceiveFunc only from receive();
 * - the #GstIceDtlsStateFunc from start(), receive(), close() and the
 *   timer, and from send() and send_list() only when OpenSSL fails to seal
 *   a record.
 *
 * After close() and the unref of the last reference no callback starts,
 * but a call already running in another thread finishes delivering what it
 * produced.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#if defined (__linux__) && (defined (__aarch64__) || defined (__arm__))
#include <sys/auxv.h>
#include <asm/hwcap.h>
#endif

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gst/ice/gsticeerror.h>

#include "gsticedtlsconnection.h"
#include "gsticeopenssl.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_dtls_debug);
#define GST_CAT_DEFAULT gst_ice_dtls_debug

/* Per-record overhead of DTLS 1.2 (RFC 6347 4.1): a 13-byte record header,
 * then for AES-GCM an 8-byte explicit nonce and a 16-byte tag (RFC 5288),
 * for ChaCha20-Poly1305 only the 16-byte tag (RFC 7905). */
#define RECORD_HEADER_SIZE 13
#define AES_GCM_OVERHEAD (RECORD_HEADER_SIZE + 8 + 16)
#define CHACHA20_POLY1305_OVERHEAD (RECORD_HEADER_SIZE + 16)

#define GROUPS "X25519:P-256"

/* Handshake retransmission (RFC 6347 4.2.4).  OpenSSL's default timer
 * starts at 1 s and doubles up to 60 s, so two lost flights delay the
 * start of a stream by 3 s and a dead peer is noticed after minutes.  ICE
 * has just proven the path works, so we start at 250 ms and double up to
 * 4 s; OpenSSL gives up at the 13th timeout, after 40 s of silence. */
#define INITIAL_RETRANSMIT_US (250 * 1000)
#define MAX_RETRANSMIT_US (4 * 1000 * 1000)

typedef struct
{
  /* what a user writes in the ciphers argument */
  const gchar *name;
  /* OpenSSL's names: the ECDSA suite, then the RSA one so that a user's
   * RSA certificate works too */
  const gchar *openssl_names;
  guint overhead;
} CipherSuite;

/* *INDENT-OFF* */
static const CipherSuite cipher_suites[] = {
  {"AES-128-GCM",
   "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
   AES_GCM_OVERHEAD},
  {"AES-256-GCM",
   "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",
   AES_GCM_OVERHEAD},
  {"CHACHA20-POLY1305",
   "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
   CHACHA20_POLY1305_OVERHEAD},
};
/* *INDENT-ON* */

#define AES_128_GCM (&cipher_suites[0])
#define AES_256_GCM (&cipher_suites[1])
#define CHACHA20_POLY1305 (&cipher_suites[2])

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_dtls_debug, "icedtls", 0,
        "DTLS over ICE sessions");
    g_once_init_leave (&initialized, 1);
  }
}

/**
 * gst_ice_dtls_state_to_string:
 * @state: a state
 *
 * Returns: (transfer none): its name: "new", "handshaking", "connected",
 *   "failed" or "closed"
 */
const gchar *
gst_ice_dtls_state_to_string (GstIceDtlsState state)
{
  switch (state) {
    case GST_ICE_DTLS_STATE_NEW:
      return "new";
    case GST_ICE_DTLS_STATE_HANDSHAKING:
      return "handshaking";
    case GST_ICE_DTLS_STATE_CONNECTED:
      return "connected";
    case GST_ICE_DTLS_STATE_FAILED:
      return "failed";
    case GST_ICE_DTLS_STATE_CLOSED:
      return "closed";
  }
  return "unknown";
}

/**
 * gst_ice_dtls_is_dtls_record:
 * @data: (array length=size): a datagram that arrived on the path
 * @size: its size
 *
 * Demultiplexes as RFC 7983 does, on the first byte: 20 to 63 is DTLS
 * (STUN is 0 to 3, RTP and RTCP 128 to 191).
 *
 * Returns: %TRUE if the datagram is for the DTLS connection
 */
gboolean
gst_ice_dtls_is_dtls_record (const guint8 * data, gsize size)
{
  return data && size > 0 && data[0] >= 20 && data[0] <= 63;
}

/* ------------------------------------------------------------------------
 * GstIceDtlsContext
 * --------------------------------------------------------------------- */

struct _GstIceDtlsContext
{
  GstObject parent;

  /* all set at construction, read-only afterwards */
  SSL_CTX *ssl_ctx;
  GstIceCertificate *certificate;
  guint record_overhead;
};

G_DEFINE_TYPE (GstIceDtlsContext, gst_ice_dtls_context, GST_TYPE_OBJECT);

static void
gst_ice_dtls_context_finalize (GObject * object)
{
  GstIceDtlsContext *self = GST_ICE_DTLS_CONTEXT (object);

  SSL_CTX_free (self->ssl_ctx);
  if (self->certificate)
    gst_ice_certificate_unref (self->certificate);

  G_OBJECT_CLASS (gst_ice_dtls_context_parent_class)->finalize (object);
}

static void
gst_ice_dtls_context_class_init (GstIceDtlsContextClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_dtls_context_finalize;
}

static void
gst_ice_dtls_context_init (GstIceDtlsContext * self)
{
}

/* Whether this CPU has AES instructions (AES-NI on x86, the ARMv8 crypto
 * extension on ARM). */
static gboolean
cpu_has_aes (void)
{
#if (defined (__x86_64__) || defined (__i386__)) && defined (__GNUC__)
  __builtin_cpu_init ();
  return __builtin_cpu_supports ("aes");
#elif defined (__linux__) && defined (__aarch64__)
#ifndef HWCAP_AES
#define HWCAP_AES (1 << 3)
#endif
  return (getauxval (AT_HWCAP) & HWCAP_AES) != 0;
#elif defined (__linux__) && defined (__arm__)
#ifndef HWCAP2_AES
#define HWCAP2_AES (1 << 0)
#endif
  return (getauxval (AT_HWCAP2) & HWCAP2_AES) != 0;
#else
  return FALSE;
#endif
}

/* Which suites, in which order of preference.
 *
 * AES-GCM is the fastest AEAD where the CPU has AES instructions, and slow
 * (and open to cache-timing attacks) in software.  ChaCha20-Poly1305 is
 * fast in software everywhere.  A Raspberry Pi 4 (Cortex-A72 as the Pi
 * ships it) has no AES instructions, and a camera on one spends its CPU on
 * the encoder.  So each end lists AES-GCM first only when its own CPU has
 * AES, ChaCha first otherwise.
 *
 * The server's order decides (SSL_OP_CIPHER_SERVER_PREFERENCE), and
 * SSL_OP_PRIORITIZE_CHACHA makes an AES-capable server take ChaCha anyway
 * when the client lists ChaCha first, i.e. when the client has no AES.
 * Together: ChaCha when either end lacks AES hardware, AES-GCM when both
 * have it. */
static GPtrArray *
parse_cipher_suites (const gchar * ciphers, GError ** error)
{
  GPtrArray *suites = g_ptr_array_new ();
  gchar **names;
  guint i, j;

  if (!ciphers || !*ciphers) {
    if (cpu_has_aes ()) {
      g_ptr_array_add (suites, (gpointer) AES_128_GCM);
      g_ptr_array_add (suites, (gpointer) AES_256_GCM);
      g_ptr_array_add (suites, (gpointer) CHACHA20_POLY1305);
    } else {
      g_ptr_array_add (suites, (gpointer) CHACHA20_POLY1305);
      g_ptr_array_add (suites, (gpointer) AES_128_GCM);
      g_ptr_array_add (suites, (gpointer) AES_256_GCM);
    }
    return suites;
  }

  names = g_strsplit (ciphers, ":", -1);
  for (i = 0; names[i]; i++) {
    const CipherSuite *suite = NULL;

    for (j = 0; j < G_N_ELEMENTS (cipher_suites); j++) {
      if (g_ascii_strcasecmp (names[i], cipher_suites[j].name) == 0)
        suite = &cipher_suites[j];
    }
    if (!suite) {
      g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
          "Unknown DTLS cipher '%s' in '%s': use AES-128-GCM, AES-256-GCM "
          "or CHACHA20-POLY1305, joined by ':'", names[i], ciphers);
      g_strfreev (names);
      g_ptr_array_unref (suites);
      return NULL;
    }
    if (!g_ptr_array_find (suites, suite, NULL))
      g_ptr_array_add (suites, (gpointer) suite);
  }
  g_strfreev (names);
  return suites;
}

static int verify_peer (int preverify_ok, X509_STORE_CTX * store);

/**
 * gst_ice_dtls_context_new:
 * @certificate: the identity this end presents
 * @ciphers: (nullable): the cipher suites allowed, in order of preference,
 *   joined by ':': AES-128-GCM, AES-256-GCM and CHACHA20-POLY1305 (each
 *   with ECDHE and ECDSA or RSA).  %NULL: all three, AES-GCM first if this
 *   CPU has AES instructions and ChaCha20-Poly1305 first otherwise
 * @error: return location for a %GST_ICE_ERROR_DTLS error
 *
 * Makes what the DTLS associations of one element share: an `SSL_CTX`
 * for DTLS 1.2 only, with @certificate, key exchange over X25519 or P-256,
 * the server's cipher order and the peer's certificate required.
 *
 * Returns: (transfer full) (nullable): the context, or %NULL with @error
 *   set
 */
GstIceDtlsContext *
gst_ice_dtls_context_new (GstIceCertificate * certificate,
    const gchar * ciphers, GError ** error)
{
  GstIceDtlsContext *self;
  GPtrArray *suites;
  GString *cipher_list;
  const gchar *doing;
  gchar *reason;
  guint i;

  g_return_val_if_fail (certificate != NULL, NULL);
  ensure_debug_category ();

  suites = parse_cipher_suites (ciphers, error);
  if (!suites)
    return NULL;

  self = g_object_new (GST_TYPE_ICE_DTLS_CONTEXT, NULL);
  gst_object_ref_sink (self);
  self->certificate = gst_ice_certificate_ref (certificate);

  cipher_list = g_string_new (NULL);
  for (i = 0; i < suites->len; i++) {
    const CipherSuite *suite = g_ptr_array_index (suites, i);

    if (i > 0)
      g_string_append_c (cipher_list, ':');
    g_string_append (cipher_list, suite->openssl_names);
    self->record_overhead = MAX (self->record_overhead, suite->overhead);
  }
  g_ptr_array_unref (suites);

  ERR_clear_error ();
  doing = "creating the DTLS context";
  self->ssl_ctx = SSL_CTX_new (DTLS_method ());
  if (!self->ssl_ctx)
    goto failed;

  doing = "restricting it to DTLS 1.2";
  if (!SSL_CTX_set_min_proto_version (self->ssl_ctx, DTLS1_2_VERSION) ||
      !SSL_CTX_set_max_proto_version (self->ssl_ctx, DTLS1_2_VERSION))
    goto failed;

  doing = "setting the cipher suites";
  if (!SSL_CTX_set_cipher_list (self->ssl_ctx, cipher_list->str))
    goto failed;

  doing = "setting the key exchange groups " GROUPS;
  if (!SSL_CTX_set1_groups_list (self->ssl_ctx, GROUPS))
    goto failed;

  doing = "loading the certificate and its key";
  if (!SSL_CTX_use_certificate (self->ssl_ctx,
          gst_ice_certificate_get_x509 (certificate)) ||
      !SSL_CTX_use_PrivateKey (self->ssl_ctx,
          gst_ice_certificate_get_key (certificate)) ||
      !SSL_CTX_check_private_key (self->ssl_ctx))
    goto failed;

  /* the link MTU is set per connection; renegotiation and session tickets
   * have no use here */
  SSL_CTX_set_options (self->ssl_ctx, SSL_OP_CIPHER_SERVER_PREFERENCE |
      SSL_OP_PRIORITIZE_CHACHA | SSL_OP_NO_QUERY_MTU |
      SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode (self->ssl_ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify (self->ssl_ctx,
      SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_peer);

  GST_DEBUG_OBJECT (self, "cipher suites %s, record overhead %u",
      cipher_list->str, self->record_overhead);
  g_string_free (cipher_list, TRUE);
  return self;

  /* ERRORS */
failed:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "Could not set up DTLS: %s failed: %s", doing, reason);
    g_free (reason);
    g_string_free (cipher_list, TRUE);
    gst_object_unref (self);
    return NULL;
  }
}

/**
 * gst_ice_dtls_context_get_certificate:
 * @context: a context
 *
 * Returns: (transfer none): the identity this end presents
 */
GstIceCertificate *
gst_ice_dtls_context_get_certificate (GstIceDtlsContext * context)
{
  g_return_val_if_fail (GST_IS_ICE_DTLS_CONTEXT (context), NULL);

  return context->certificate;
}

/**
 * gst_ice_dtls_context_get_record_overhead:
 * @context: a context
 *
 * The most bytes DTLS adds to an application buffer with any of the
 * suites @context allows: 37 with AES-GCM (13-byte record header, 8-byte
 * explicit nonce, 16-byte tag), 29 with ChaCha20-Poly1305 alone.  An
 * element checks its buffers against the path MTU minus this.
 *
 * Returns: the overhead in bytes
 */
guint
gst_ice_dtls_context_get_record_overhead (GstIceDtlsContext * context)
{
  g_return_val_if_fail (GST_IS_ICE_DTLS_CONTEXT (context), 0);

  return context->record_overhead;
}

/* ------------------------------------------------------------------------
 * GstIceDtlsConnection
 * --------------------------------------------------------------------- */

typedef enum
{
  EVENT_TRANSMIT,
  EVENT_RECEIVE,
  EVENT_STATE,
} EventType;

/* something to tell the user once the lock is released */
typedef struct
{
  EventType type;
  GBytes *data;
  GstIceDtlsState state;
  gchar *message;
} Event;

/* The records one send_list() seals: bio_write() appends each to one
 * growing area instead of making a GBytes and an event of it.  A
 * connection keeps one such area for the next call. */
typedef struct
{
  guint8 *data;
  gsize allocated;
  gsize used;
  GArray *sizes;                /* gsize, one per record */
  GArray *vectors;              /* GOutputVector, made once sealed */
} RecordArea;

struct _GstIceDtlsConnection
{
  GstObject parent;

  /* set at construction, read-only afterwards */
  GstIceDtlsContext *context;
  gboolean is_client;
  gchar *expected_fingerprint;
  GMainContext *main_context;
  GstIceDtlsTransmitFunc transmit_func;
  GstIceDtlsReceiveFunc receive_func;
  GstIceDtlsStateFunc state_func;
  gpointer user_data;

  /* everything below under the lock; the BIO and verify callbacks run
   * inside SSL calls made with it held */
  GMutex lock;
  SSL *ssl;
  GstIceDtlsState state;
  /* the datagram receive() is feeding, NULL once OpenSSL has read it */
  const guint8 *in_data;
  gsize in_size;
  /* what the calls made under the lock produced, to deliver after it */
  GQueue events;
  /* the retransmission timer on main_context, while handshaking */
  GSource *timer;
  /* why verify_peer() refused the peer's certificate */
  gchar *verify_error;
  gchar *peer_fingerprint;
  const gchar *cipher;
  guint record_overhead;
  guint8 *read_buffer;
  /* where bio_write() puts the records while send_list() seals them */
  RecordArea *sealing;
  /* receive(): its own buffer for the datagram's first record, which
   * then needs no copy and no event when nothing was queued before it */
  guint8 *first_record;
  gsize first_record_size;
  gboolean first_record_read;

  /* a RecordArea for the next send_list(), atomically */
  gpointer spare_area;
};

G_DEFINE_TYPE (GstIceDtlsConnection, gst_ice_dtls_connection, GST_TYPE_OBJECT);

static void
event_free (Event * event)
{
  if (event->data)
    g_bytes_unref (event->data);
  g_free (event->message);
  g_free (event);
}

static RecordArea *
record_area_new (void)
{
  RecordArea *area = g_new0 (RecordArea, 1);

  area->sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
  area->vectors = g_array_new (FALSE, FALSE, sizeof (GOutputVector));
  return area;
}

static void
record_area_free (RecordArea * area)
{
  g_free (area->data);
  g_array_unref (area->sizes);
  g_array_unref (area->vectors);
  g_free (area);
}

static void
record_area_append (RecordArea * area, const guint8 * data, gsize size)
{
  if (area->used + size > area->allocated) {
    area->allocated = MAX (2 * area->allocated, area->used + size);
    area->data = g_realloc (area->data, area->allocated);
  }
  memcpy (area->data + area->used, data, size);
  area->used += size;
  g_array_append_val (area->sizes, size);
}

/* Once sealed: the records as vectors, in order; how many. */
static guint
record_area_finish (RecordArea * area)
{
  guint n = area->sizes->len, i;
  gsize offset = 0;

  g_array_set_size (area->vectors, n);
  for (i = 0; i < n; i++) {
    GOutputVector *v = &g_array_index (area->vectors, GOutputVector, i);

    v->buffer = area->data + offset;
    v->size = g_array_index (area->sizes, gsize, i);
    offset += v->size;
  }
  return n;
}

static void
record_area_reset (RecordArea * area)
{
  area->used = 0;
  g_array_set_size (area->sizes, 0);
  g_array_set_size (area->vectors, 0);
}

static void
cancel_timer (GstIceDtlsConnection * self)
{
  if (self->timer) {
    g_source_destroy (self->timer);
    g_source_unref (self->timer);
    self->timer = NULL;
  }
}

static void
gst_ice_dtls_connection_finalize (GObject * object)
{
  GstIceDtlsConnection *self = GST_ICE_DTLS_CONNECTION (object);
  RecordArea *area;

  cancel_timer (self);
  /* SSL_free() wipes the session keys and frees the BIO */
  SSL_free (self->ssl);
  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_free (self->read_buffer);
  /* atomically, as the sending threads leave it */
  area = g_atomic_pointer_exchange (&self->spare_area, NULL);
  if (area)
    record_area_free (area);
  g_free (self->peer_fingerprint);
  g_free (self->verify_error);
  g_free (self->expected_fingerprint);
  if (self->main_context)
    g_main_context_unref (self->main_context);
  if (self->context)
    gst_object_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gst_ice_dtls_connection_parent_class)->finalize (object);
}

static void
gst_ice_dtls_connection_class_init (GstIceDtlsConnectionClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_dtls_connection_finalize;
}

static void
gst_ice_dtls_connection_init (GstIceDtlsConnection * self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->events);
  self->state = GST_ICE_DTLS_STATE_NEW;
}

/* Delivers @events, produced under the lock, in order, without it. */
static void
dispatch (GstIceDtlsConnection * self, GQueue * events)
{
  Event *event;

  while ((event = g_queue_pop_head (events))) {
    switch (event->type) {
      case EVENT_TRANSMIT:
        self->transmit_func (g_bytes_get_data (event->data, NULL),
            g_bytes_get_size (event->data), self->user_data);
        break;
      case EVENT_RECEIVE:
        if (self->receive_func)
          self->receive_func (g_bytes_get_data (event->data, NULL),
              g_bytes_get_size (event->data), self->user_data);
        break;
      case EVENT_STATE:
        if (self->state_func)
          self->state_func (event->state, event->message, self->user_data);
        break;
    }
    event_free (event);
  }
}

/* Releases the lock, then delivers what was produced under it, in order:
 * @record first (read before anything was queued), then the events. */
static void
unlock_and_deliver (GstIceDtlsConnection * self, const guint8 * record,
    gsize record_size)
{
  GQueue events = self->events;

  g_queue_init (&self->events);
  g_mutex_unlock (&self->lock);

  if (record != NULL && self->receive_func)
    self->receive_func (record, record_size, self->user_data);
  dispatch (self, &events);
}

static void
unlock_and_dispatch (GstIceDtlsConnection * self)
{
  unlock_and_deliver (self, NULL, 0);
}

static void
queue_event (GstIceDtlsConnection * self, EventType type, GBytes * data,
    GstIceDtlsState state, gchar * message)
{
  Event *event = g_new0 (Event, 1);

  event->type = type;
  event->data = data;
  event->state = state;
  event->message = message;
  g_queue_push_tail (&self->events, event);
}

/* takes @message */
static void
set_state (GstIceDtlsConnection * self, GstIceDtlsState state, gchar * message)
{
  if (self->state == state) {
    g_free (message);
    return;
  }

  if (state == GST_ICE_DTLS_STATE_FAILED)
    GST_WARNING_OBJECT (self, "%s -> failed: %s",
        gst_ice_dtls_state_to_string (self->state), message);
  else
    GST_INFO_OBJECT (self, "%s -> %s%s%s",
        gst_ice_dtls_state_to_string (self->state),
        gst_ice_dtls_state_to_string (state), message ? ": " : "",
        message ? message : "");

  self->state = state;
  if (state != GST_ICE_DTLS_STATE_HANDSHAKING)
    cancel_timer (self);
  queue_event (self, EVENT_STATE, NULL, state, message);
}

/* ---- the datagram BIO ---------------------------------------------------
 * Each write is one datagram, handed to transmit_func once the lock is
 * released (while send_list() seals, kept in its area for one transmit
 * of all); a read returns the datagram receive() is feeding, whole. */

static int
bio_write (BIO * bio, const char *data, int size)
{
  GstIceDtlsConnection *self = BIO_get_data (bio);

  BIO_clear_retry_flags (bio);
  if (size <= 0)
    return 0;

  if (self->sealing) {
    record_area_append (self->sealing, (const guint8 *) data, size);
    return size;
  }
  GST_LOG_OBJECT (self, "datagram of %d bytes out", size);
  queue_event (self, EVENT_TRANSMIT, g_bytes_new (data, size), 0, NULL);
  return size;
}

static int
bio_read (BIO * bio, char *buffer, int size)
{
  GstIceDtlsConnection *self = BIO_get_data (bio);
  gsize length;

  BIO_clear_retry_flags (bio);
  if (!self->in_data) {
    BIO_set_retry_read (bio);
    return -1;
  }

  /* datagram semantics: what does not fit is lost (OpenSSL reads into a
   * buffer for the largest record, so nothing valid is) */
  length = MIN (self->in_size, (gsize) MAX (size, 0));
  memcpy (buffer, self->in_data, length);
  self->in_data = NULL;
  self->in_size = 0;
  return length;
}

static long
bio_ctrl (BIO * bio, int cmd, long num, void *ptr)
{
  GstIceDtlsConnection *self = BIO_get_data (bio);

  switch (cmd) {
    case BIO_CTRL_FLUSH:
      /* every write already left as a datagram */
      return 1;
    case BIO_CTRL_PENDING:
      return self->in_data ? (long) self->in_size : 0;
    case BIO_CTRL_WPENDING:
      return 0;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
    case BIO_CTRL_DGRAM_GET_MTU:
      return GST_ICE_DTLS_LINK_MTU;
    case BIO_CTRL_DGRAM_SET_MTU:
      return num;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      /* the "link" is the ICE datagram payload: no header of ours */
      return 0;
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
      return 0;
    case BIO_CTRL_DGRAM_GET_PEER:
      /* the path is connected; there is no address to give */
      if (ptr)
        BIO_ADDR_clear (ptr);
      return 0;
    case BIO_CTRL_DGRAM_SET_CONNECTED:
    case BIO_CTRL_DGRAM_SET_PEER:
      return 1;
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
      /* retransmission is timed by our GSource, not by socket timeouts */
      return 1;
    default:
      return 0;
  }
}

static int
bio_create (BIO * bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static int
bio_destroy (BIO * bio)
{
  BIO_set_data (bio, NULL);
  return 1;
}

static BIO_METHOD *
datagram_bio_method (void)
{
  static BIO_METHOD *method = NULL;

  if (g_once_init_enter (&method)) {
    BIO_METHOD *m = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK,
        "gst-ice datagram");

    if (m) {
      BIO_meth_set_write (m, bio_write);
      BIO_meth_set_read (m, bio_read);
      BIO_meth_set_ctrl (m, bio_ctrl);
      BIO_meth_set_create (m, bio_create);
      BIO_meth_set_destroy (m, bio_destroy);
    }
    g_once_init_leave (&method, m);
  }
  return method;
}

/* ---- authentication ------------------------------------------------------ */

/* NULL if @fingerprint (the peer's, may be NULL) is the one signalled,
 * otherwise why not */
static gchar *
check_fingerprint (GstIceDtlsConnection * self, const gchar * fingerprint)
{
  GError *err = NULL;
  gchar *signalled;
  gchar *message = NULL;

  if (!fingerprint)
    return g_strdup ("the peer presented no certificate");

  if (!self->expected_fingerprint)
    return g_strdup_printf ("no fingerprint was signalled for the peer, "
        "whose certificate fingerprint is %s", fingerprint);

  if (!gst_ice_fingerprint_validate (self->expected_fingerprint, &err)) {
    message = g_strdup_printf ("the signalled fingerprint is not valid (%s); "
        "the peer certificate fingerprint is %s", err->message, fingerprint);
    g_error_free (err);
    return message;
  }

  signalled = g_strconcat (GST_ICE_FINGERPRINT_HASH " ", fingerprint, NULL);
  if (!gst_ice_fingerprint_equal (signalled, self->expected_fingerprint))
    message = g_strdup_printf ("peer certificate fingerprint %s does not "
        "match the signalled %s", fingerprint, self->expected_fingerprint);
  g_free (signalled);
  return message;
}

/* SSL_verify_cb, called inside the handshake with the lock held, once per
 * certificate of the peer's chain and once more per problem OpenSSL found.
 * Peers use self-signed certificates and trust no authority: every chain
 * problem is accepted and only the fingerprint of the peer's own (leaf)
 * certificate decides. */
static int
verify_peer (int preverify_ok, X509_STORE_CTX * store)
{
  SSL *ssl = X509_STORE_CTX_get_ex_data (store,
      SSL_get_ex_data_X509_STORE_CTX_idx ());
  GstIceDtlsConnection *self = SSL_get_app_data (ssl);
  X509 *leaf = X509_STORE_CTX_get0_cert (store);
  gchar *fingerprint;
  gchar *message;

  fingerprint = leaf ? gst_ice_x509_fingerprint (leaf) : NULL;
  g_free (self->peer_fingerprint);
  self->peer_fingerprint = fingerprint;

  message = check_fingerprint (self, fingerprint);
  if (message) {
    g_free (self->verify_error);
    self->verify_error = message;
    X509_STORE_CTX_set_error (store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }

  if (!preverify_ok)
    GST_LOG_OBJECT (self, "accepting '%s' at depth %d: the fingerprint "
        "matches", X509_verify_cert_error_string (X509_STORE_CTX_get_error
            (store)), X509_STORE_CTX_get_error_depth (store));
  return 1;
}

/* ---- the handshake and records ------------------------------------------ */

/* DTLS_timer_cb: the next retransmission timeout, from 0 at the start of a
 * flight */
static unsigned int
next_retransmit_timeout (SSL * ssl, unsigned int previous_us)
{
  if (previous_us == 0)
    return INITIAL_RETRANSMIT_US;
  return MIN ((guint64) previous_us * 2, MAX_RETRANSMIT_US);
}

/* The handshake or the association failed: why, from what verify_peer()
 * refused or from OpenSSL's error queue. */
static void
fail (GstIceDtlsConnection * self, const gchar * doing)
{
  unsigned long code = ERR_peek_error ();
  gchar *reason;
  gchar *message;

  if (self->verify_error) {
    ERR_clear_error ();
    message = self->verify_error;
    self->verify_error = NULL;
  } else if (ERR_GET_LIB (code) == ERR_LIB_SSL &&
      ERR_GET_REASON (code) == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE) {
    reason = gst_ice_openssl_take_error ();
    message = g_strdup_printf ("the peer rejected our certificate "
        "(fingerprint " GST_ICE_FINGERPRINT_HASH " %s) while %s: %s",
        gst_ice_certificate_get_fingerprint (self->context->certificate),
        doing, reason);
    g_free (reason);
  } else {
    reason = gst_ice_openssl_take_error ();
    message = g_strdup_printf ("DTLS failed while %s: %s", doing, reason);
    g_free (reason);
  }
  set_state (self, GST_ICE_DTLS_STATE_FAILED, message);
}

static gboolean on_timeout (gpointer user_data);

static void
free_weak_ref (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

/* (Re)arms the retransmission timer from what OpenSSL asks for. */
static void
update_timer (GstIceDtlsConnection * self)
{
  struct timeval remaining = { 0, 0 };
  GWeakRef *ref;
  guint ms;

  cancel_timer (self);
  if (self->state != GST_ICE_DTLS_STATE_HANDSHAKING ||
      !DTLSv1_get_timeout (self->ssl, &remaining))
    return;

  ms = remaining.tv_sec * 1000 + (remaining.tv_usec + 999) / 1000;
  GST_LOG_OBJECT (self, "retransmission timer in %u ms", ms);

  /* a weak reference: the timer must not keep the connection alive */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  self->timer = g_timeout_source_new (ms);
  g_source_set_callback (self->timer, on_timeout, ref, free_weak_ref);
  g_source_attach (self->timer, self->main_context);
}

static void
read_records (GstIceDtlsConnection * self)
{
  size_t size;

  while (self->state == GST_ICE_DTLS_STATE_CONNECTED) {
    /* the usual datagram, one record and nothing before it: straight
     * into receive()'s buffer, delivered from there */
    gboolean first = self->first_record != NULL && !self->first_record_read
        && g_queue_is_empty (&self->events);

    ERR_clear_error ();
    if (SSL_read_ex (self->ssl, first ? self->first_record :
            self->read_buffer, GST_ICE_DTLS_MAX_RECORD_SIZE, &size) == 1) {
      GST_LOG_OBJECT (self, "record of %" G_GSIZE_FORMAT " bytes in", size);
      if (first) {
        self->first_record_read = TRUE;
        self->first_record_size = size;
      } else {
        queue_event (self, EVENT_RECEIVE, g_bytes_new (self->read_buffer,
                size), 0, NULL);
      }
      continue;
    }

    switch (SSL_get_error (self->ssl, 0)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return;
      case SSL_ERROR_ZERO_RETURN:
        /* close_notify: answer it, as RFC 5246 7.2.1 asks */
        SSL_shutdown (self->ssl);
        ERR_clear_error ();
        set_state (self, GST_ICE_DTLS_STATE_CLOSED,
            g_strdup ("the peer closed the DTLS association"));
        return;
      default:
        fail (self, "reading a record");
        return;
    }
  }
}

/* The handshake said it is done: record what was negotiated and check the
 * peer once more before any record is delivered. */
static void
handshake_done (GstIceDtlsConnection * self)
{
  const SSL_CIPHER *cipher = SSL_get_current_cipher (self->ssl);
  X509 *peer = SSL_get0_peer_certificate (self->ssl);
  gchar *fingerprint = peer ? gst_ice_x509_fingerprint (peer) : NULL;
  gchar *message;

  g_free (self->peer_fingerprint);
  self->peer_fingerprint = fingerprint;
  message = check_fingerprint (self, fingerprint);
  if (message) {
    /* verify_peer() cannot have let this through */
    SSL_shutdown (self->ssl);
    ERR_clear_error ();
    set_state (self, GST_ICE_DTLS_STATE_FAILED, message);
    return;
  }

  self->cipher = cipher ? SSL_CIPHER_standard_name (cipher) : NULL;
  if (cipher && SSL_CIPHER_get_cipher_nid (cipher) == NID_chacha20_poly1305)
    self->record_overhead = CHACHA20_POLY1305_OVERHEAD;
  else
    self->record_overhead = AES_GCM_OVERHEAD;

  GST_INFO_OBJECT (self, "authenticated peer %s, cipher %s",
      self->peer_fingerprint, GST_STR_NULL (self->cipher));
  set_state (self, GST_ICE_DTLS_STATE_CONNECTED, NULL);
}

/* Moves the association on with what OpenSSL has: called with the lock
 * held after start(), after each datagram and after each timeout. */
static void
advance (GstIceDtlsConnection * self)
{
  int ret;

  if (self->state == GST_ICE_DTLS_STATE_HANDSHAKING) {
    ERR_clear_error ();
    ret = SSL_do_handshake (self->ssl);
    if (ret == 1) {
      handshake_done (self);
    } else {
      switch (SSL_get_error (self->ssl, ret)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
          update_timer (self);
          return;
        default:
          fail (self, self->is_client ? "handshaking as DTLS client" :
              "handshaking as DTLS server");
          return;
      }
    }
  }

  /* records that came with or after the last handshake message */
  read_records (self);
}

static void
begin_handshake (GstIceDtlsConnection * self)
{
  if (self->is_client)
    SSL_set_connect_state (self->ssl);
  else
    SSL_set_accept_state (self->ssl);
  set_state (self, GST_ICE_DTLS_STATE_HANDSHAKING, NULL);
  advance (self);
}

static gboolean
on_timeout (gpointer user_data)
{
  GstIceDtlsConnection *self = g_weak_ref_get (user_data);

  if (!self)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->lock);
  /* replaced or cancelled while this was being dispatched */
  if (self->timer != g_main_current_source ()) {
    g_mutex_unlock (&self->lock);
    gst_object_unref (self);
    return G_SOURCE_REMOVE;
  }
  g_source_unref (self->timer);
  self->timer = NULL;

  if (self->state == GST_ICE_DTLS_STATE_HANDSHAKING) {
    GST_DEBUG_OBJECT (self, "handshake timer expired: retransmitting");
    ERR_clear_error ();
    if (DTLSv1_handle_timeout (self->ssl) < 0)
      fail (self, "retransmitting the handshake to a silent peer");
    else
      update_timer (self);
  }
  unlock_and_dispatch (self);
  gst_object_unref (self);
  return G_SOURCE_REMOVE;
}

/**
 * gst_ice_dtls_connection_new:
 * @context: the element's DTLS context
 * @is_client: whether this end sends the ClientHello (RFC 5763: the end
 *   whose `a=setup` is active)
 * @expected_fingerprint: (nullable): the fingerprint the peer signalled,
 *   `sha-256 AB:CD:…`; %NULL or an invalid one makes the handshake fail
 * @main_context: (nullable): where the retransmission timer runs; %NULL
 *   for the global default context
 * @transmit_func: sends one datagram to the peer
 * @receive_func: (nullable): takes one application record
 * @state_func: (nullable): hears of each state change
 * @user_data: passed to the three functions
 * @error: return location for a %GST_ICE_ERROR_DTLS error
 *
 * Makes one association, in %GST_ICE_DTLS_STATE_NEW.  Nothing is sent
 * before gst_ice_dtls_connection_start().  See the section documentation
 * for the threads the functions are called from.
 *
 * Returns: (transfer full) (nullable): the connection, or %NULL with
 *   @error set if OpenSSL could not make one
 */
GstIceDtlsConnection *
gst_ice_dtls_connection_new (GstIceDtlsContext * context, gboolean is_client,
    const gchar * expected_fingerprint, GMainContext * main_context,
    GstIceDtlsTransmitFunc transmit_func, GstIceDtlsReceiveFunc receive_func,
    GstIceDtlsStateFunc state_func, gpointer user_data, GError ** error)
{
  GstIceDtlsConnection *self;
  BIO_METHOD *method;
  BIO *bio = NULL;
  gchar *reason;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONTEXT (context), NULL);
  g_return_val_if_fail (transmit_func != NULL, NULL);
  ensure_debug_category ();

  self = g_object_new (GST_TYPE_ICE_DTLS_CONNECTION, NULL);
  gst_object_ref_sink (self);
  self->context = gst_object_ref (context);
  self->is_client = is_client;
  self->expected_fingerprint = g_strdup (expected_fingerprint);
  self->main_context = main_context ? g_main_context_ref (main_context) :
      g_main_context_ref (g_main_context_default ());
  self->transmit_func = transmit_func;
  self->receive_func = receive_func;
  self->state_func = state_func;
  self->user_data = user_data;
  self->record_overhead = context->record_overhead;
  self->read_buffer = g_malloc (GST_ICE_DTLS_MAX_RECORD_SIZE);

  ERR_clear_error ();
  method = datagram_bio_method ();
  self->ssl = SSL_new (context->ssl_ctx);
  if (method)
    bio = BIO_new (method);
  if (!self->ssl || !bio)
    goto failed;

  BIO_set_data (bio, self);
  /* the SSL takes the one reference for both directions */
  SSL_set_bio (self->ssl, bio, bio);
  SSL_set_app_data (self->ssl, self);
  /* handshake flights are fragmented to fit; SSL_OP_NO_QUERY_MTU is set */
  DTLS_set_link_mtu (self->ssl, GST_ICE_DTLS_LINK_MTU);
  DTLS_set_timer_cb (self->ssl, next_retransmit_timeout);

  GST_DEBUG_OBJECT (self, "new %s, expecting peer %s",
      is_client ? "client" : "server", GST_STR_NULL (expected_fingerprint));
  return self;

  /* ERRORS */
failed:
  {
    reason = gst_ice_openssl_take_error ();
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "Could not make a DTLS connection: %s", reason);
    g_free (reason);
    BIO_free (bio);
    gst_object_unref (self);
    return NULL;
  }
}

/**
 * gst_ice_dtls_connection_start:
 * @connection: a new connection
 *
 * Begins the handshake once the path is connected: a client sends its
 * ClientHello, a server waits for one.  A server also starts by itself
 * when a datagram reaches it first, since the client's path may be ready
 * before its own.
 *
 * Returns: %FALSE if @connection had already started
 */
gboolean
gst_ice_dtls_connection_start (GstIceDtlsConnection * connection)
{
  GstIceDtlsConnection *self = connection;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (self), FALSE);

  gst_object_ref (self);
  g_mutex_lock (&self->lock);
  if (self->state != GST_ICE_DTLS_STATE_NEW) {
    g_mutex_unlock (&self->lock);
    gst_object_unref (self);
    return FALSE;
  }
  begin_handshake (self);
  unlock_and_dispatch (self);
  gst_object_unref (self);
  return TRUE;
}

/**
 * gst_ice_dtls_connection_receive:
 * @connection: a connection
 * @data: (array length=size): one datagram from the peer, which may hold
 *   several records
 * @size: its size
 *
 * Feeds one datagram: handshake progress (which may send datagrams and
 * change the state), then each application record it holds, delivered to
 * the #GstIceDtlsReceiveFunc one record at a time.  Datagrams that are not
 * valid records of this association are dropped, as RFC 6347 4.1.2.7 asks.
 */
void
gst_ice_dtls_connection_receive (GstIceDtlsConnection * connection,
    const guint8 * data, gsize size)
{
  GstIceDtlsConnection *self = connection;
  /* this call's own: receive() may run in two threads at once */
  guint8 record[GST_ICE_DTLS_MAX_RECORD_SIZE];
  gboolean have_record = FALSE;
  gsize record_size = 0;

  g_return_if_fail (GST_IS_ICE_DTLS_CONNECTION (self));
  g_return_if_fail (data != NULL || size == 0);

  if (size == 0)
    return;

  gst_object_ref (self);
  g_mutex_lock (&self->lock);
  GST_LOG_OBJECT (self, "datagram of %" G_GSIZE_FORMAT " bytes in (%s)",
      size, gst_ice_dtls_state_to_string (self->state));

  if (self->state == GST_ICE_DTLS_STATE_NEW && !self->is_client)
    begin_handshake (self);

  if (self->state == GST_ICE_DTLS_STATE_HANDSHAKING ||
      self->state == GST_ICE_DTLS_STATE_CONNECTED) {
    self->in_data = data;
    self->in_size = size;
    self->first_record = record;
    self->first_record_read = FALSE;
    advance (self);
    have_record = self->first_record_read;
    record_size = self->first_record_size;
    self->first_record = NULL;
    self->in_data = NULL;
    self->in_size = 0;
  }
  unlock_and_deliver (self, have_record ? record : NULL, record_size);
  gst_object_unref (self);
}

/**
 * gst_ice_dtls_connection_send:
 * @connection: a connected connection
 * @data: (array length=size): an application buffer
 * @size: its size, 1 to %GST_ICE_DTLS_MAX_RECORD_SIZE bytes
 * @error: return location for a %GST_ICE_ERROR_DTLS error
 *
 * Seals @data as one application-data record and hands it to the
 * #GstIceDtlsTransmitFunc before returning, so the peer receives it as one
 * buffer.  Meant for a streaming thread.
 *
 * Returns: %FALSE with @error set if @connection is not connected or @size
 *   is 0 or too large
 */
gboolean
gst_ice_dtls_connection_send (GstIceDtlsConnection * connection,
    const guint8 * data, gsize size, GError ** error)
{
  GOutputVector payload = { data, size };

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  return gst_ice_dtls_connection_send_list (connection, &payload, 1, NULL,
      error) == 1;
}

/**
 * gst_ice_dtls_connection_send_list:
 * @connection: a connected connection
 * @payloads: (array length=n_payloads): application buffers, each 1 to
 *   %GST_ICE_DTLS_MAX_RECORD_SIZE bytes
 * @n_payloads: how many
 * @transmit_records: (nullable): sends the sealed records in one go;
 *   %NULL hands them to the #GstIceDtlsTransmitFunc one by one
 * @error: return location for a %GST_ICE_ERROR_DTLS error
 *
 * Seals each payload as one application-data record, in order, under one
 * lock, then, with the lock released and before returning, sends them
 * all, so the peer receives each as one buffer.  The records are written
 * into an area the connection reuses: nothing is allocated per record
 * once it is large enough.  Meant for a streaming thread.
 *
 * Returns: how many payloads were sealed and sent (the first ones); with
 *   @error set when @connection is not connected, a size is wrong (then
 *   none is sent) or sealing failed (the state is then failed)
 */
guint
gst_ice_dtls_connection_send_list (GstIceDtlsConnection * connection,
    const GOutputVector * payloads, guint n_payloads,
    GstIceDtlsTransmitRecordsFunc transmit_records, GError ** error)
{
  GstIceDtlsConnection *self = connection;
  GstIceDtlsState state;
  RecordArea *area;
  GQueue events;
  guint i, sealed, n_records, sent = 0;
  gsize failed_size = 0;
  gchar *reason = NULL;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (self), 0);
  g_return_val_if_fail (payloads != NULL || n_payloads == 0, 0);

  for (i = 0; i < n_payloads; i++) {
    if (payloads[i].size == 0 ||
        payloads[i].size > GST_ICE_DTLS_MAX_RECORD_SIZE)
      goto bad_size;
  }
  if (n_payloads == 0)
    return 0;

  area = g_atomic_pointer_exchange (&self->spare_area, NULL);
  if (area == NULL)
    area = record_area_new ();

  gst_object_ref (self);
  g_mutex_lock (&self->lock);
  state = self->state;
  if (state != GST_ICE_DTLS_STATE_CONNECTED)
    goto not_connected;

  ERR_clear_error ();
  self->sealing = area;
  for (sealed = 0; sealed < n_payloads; sealed++) {
    size_t written = 0;

    if (SSL_write_ex (self->ssl, payloads[sealed].buffer,
            payloads[sealed].size, &written) != 1)
      break;
  }
  self->sealing = NULL;
  if (sealed < n_payloads) {
    failed_size = payloads[sealed].size;
    reason = gst_ice_openssl_take_error ();
    set_state (self, GST_ICE_DTLS_STATE_FAILED,
        g_strdup_printf ("DTLS failed while sealing a record: %s", reason));
  }
  events = self->events;
  g_queue_init (&self->events);
  g_mutex_unlock (&self->lock);

  /* the records first: they were made before any state change */
  n_records = record_area_finish (area);
  if (n_records > 0 && transmit_records) {
    sent = transmit_records ((const GOutputVector *) area->vectors->data,
        n_records, self->user_data);
  } else {
    for (i = 0; i < n_records; i++) {
      GOutputVector *v = &g_array_index (area->vectors, GOutputVector, i);

      self->transmit_func (v->buffer, v->size, self->user_data);
    }
    sent = n_records;
  }
  dispatch (self, &events);
  record_area_reset (area);
  if (!g_atomic_pointer_compare_and_exchange (&self->spare_area, NULL, area))
    record_area_free (area);
  gst_object_unref (self);

  if (reason)
    goto write_failed;
  return MIN (sent, sealed);

  /* ERRORS */
bad_size:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "A DTLS record carries 1 to %d bytes, not %" G_GSIZE_FORMAT,
        GST_ICE_DTLS_MAX_RECORD_SIZE, payloads[i].size);
    return 0;
  }
not_connected:
  {
    g_mutex_unlock (&self->lock);
    if (!g_atomic_pointer_compare_and_exchange (&self->spare_area, NULL, area))
      record_area_free (area);
    gst_object_unref (self);
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "Cannot send over DTLS: the association is %s, not connected",
        gst_ice_dtls_state_to_string (state));
    return 0;
  }
write_failed:
  {
    g_set_error (error, GST_ICE_ERROR, GST_ICE_ERROR_DTLS,
        "Could not seal a DTLS record of %" G_GSIZE_FORMAT " bytes: %s",
        failed_size, reason);
    g_free (reason);
    return MIN (sent, sealed);
  }
}

/**
 * gst_ice_dtls_connection_close:
 * @connection: a connection
 *
 * Ends the association: a connected one sends close_notify to the peer.
 * The state goes to %GST_ICE_DTLS_STATE_CLOSED unless it already was
 * closed or failed, and the retransmission timer stops.
 */
void
gst_ice_dtls_connection_close (GstIceDtlsConnection * connection)
{
  GstIceDtlsConnection *self = connection;

  g_return_if_fail (GST_IS_ICE_DTLS_CONNECTION (self));

  gst_object_ref (self);
  g_mutex_lock (&self->lock);
  switch (self->state) {
    case GST_ICE_DTLS_STATE_CONNECTED:
      ERR_clear_error ();
      SSL_shutdown (self->ssl);
      ERR_clear_error ();
      set_state (self, GST_ICE_DTLS_STATE_CLOSED, NULL);
      break;
    case GST_ICE_DTLS_STATE_NEW:
    case GST_ICE_DTLS_STATE_HANDSHAKING:
      /* no close_notify in the middle of a handshake */
      set_state (self, GST_ICE_DTLS_STATE_CLOSED, NULL);
      break;
    case GST_ICE_DTLS_STATE_FAILED:
    case GST_ICE_DTLS_STATE_CLOSED:
      break;
  }
  cancel_timer (self);
  unlock_and_dispatch (self);
  gst_object_unref (self);
}

/**
 * gst_ice_dtls_connection_get_state:
 * @connection: a connection
 *
 * Returns: the current state
 */
GstIceDtlsState
gst_ice_dtls_connection_get_state (GstIceDtlsConnection * connection)
{
  GstIceDtlsState state;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (connection),
      GST_ICE_DTLS_STATE_FAILED);

  g_mutex_lock (&connection->lock);
  state = connection->state;
  g_mutex_unlock (&connection->lock);
  return state;
}

/**
 * gst_ice_dtls_connection_get_cipher:
 * @connection: a connection
 *
 * The negotiated cipher suite under its IANA name, such as
 * `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`.
 *
 * Returns: (transfer none) (nullable): the name, a static string, or %NULL
 *   before the handshake completed
 */
const gchar *
gst_ice_dtls_connection_get_cipher (GstIceDtlsConnection * connection)
{
  const gchar *cipher;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (connection), NULL);

  g_mutex_lock (&connection->lock);
  cipher = connection->cipher;
  g_mutex_unlock (&connection->lock);
  return cipher;
}

/**
 * gst_ice_dtls_connection_get_peer_fingerprint:
 * @connection: a connection
 *
 * The SHA-256 fingerprint of the certificate the peer presented, written
 * as gst_ice_certificate_get_fingerprint() does, whether it matched or
 * not.
 *
 * Returns: (transfer full) (nullable): the fingerprint, or %NULL before
 *   the peer presented a certificate
 */
gchar *
gst_ice_dtls_connection_get_peer_fingerprint (GstIceDtlsConnection * connection)
{
  gchar *fingerprint;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (connection), NULL);

  g_mutex_lock (&connection->lock);
  fingerprint = g_strdup (connection->peer_fingerprint);
  g_mutex_unlock (&connection->lock);
  return fingerprint;
}

/**
 * gst_ice_dtls_connection_get_record_overhead:
 * @connection: a connection
 *
 * The bytes DTLS adds to each application buffer: for the negotiated suite
 * once connected (37 for AES-GCM, 29 for ChaCha20-Poly1305), before that
 * the largest of the suites the context allows, as
 * gst_ice_dtls_context_get_record_overhead().
 *
 * Returns: the overhead in bytes
 */
guint
gst_ice_dtls_connection_get_record_overhead (GstIceDtlsConnection * connection)
{
  guint overhead;

  g_return_val_if_fail (GST_IS_ICE_DTLS_CONNECTION (connection), 0);

  g_mutex_lock (&connection->lock);
  overhead = connection->record_overhead;
  g_mutex_unlock (&connection->lock);
  return overhead;
}
