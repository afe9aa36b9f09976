/* JS binding of the TFTP pump (tftp_pump.c): startTransfer() binds the transfer's socket and starts its thread;
 * the result comes back once, on the JS thread, through a thread-safe function. */
#define _GNU_SOURCE
#include "tftp_pump.h"

static void pump_unref(pump *p) {
  if (--p->refs > 0) return;
  pthread_mutex_destroy(&p->lock);
  free(p->oack);
  free(p);
}


static const char *kind_names[] = {"done", "timeout", "client-error", "illegal-operation", "socket", "aborted"};

static void deliver(napi_env env, napi_value cb, void *context, void *data) {
  (void)context;
  pump *p = data;
  if (env) {
    napi_value o, v, undef;
    napi_create_object(env, &o);
    napi_create_string_utf8(env, kind_names[p->kind], NAPI_AUTO_LENGTH, &v), napi_set_named_property(env, o, "kind", v);
    napi_create_double(env, p->duration_ms, &v), napi_set_named_property(env, o, "durationMs", v);
    napi_create_int64(env, p->retransmissions, &v), napi_set_named_property(env, o, "retransmissions", v);
    napi_create_int64(env, p->acks_spun, &v), napi_set_named_property(env, o, "acksCaughtSpinning", v);
    napi_get_boolean(env, p->after_oack, &v), napi_set_named_property(env, o, "afterOack", v);
    if (p->kind == R_CLIENT_ERROR) {
      napi_create_int32(env, p->client_code, &v), napi_set_named_property(env, o, "clientCode", v);
      napi_create_string_latin1(env, p->client_message, NAPI_AUTO_LENGTH, &v), napi_set_named_property(env, o, "clientMessage", v);
    }
    if (p->kind == R_SOCKET) {
      napi_create_string_utf8(env, strerror(p->sys_errno), NAPI_AUTO_LENGTH, &v), napi_set_named_property(env, o, "message", v);
    }
    napi_delete_reference(env, p->data_ref);
    napi_get_undefined(env, &undef);
    napi_call_function(env, undef, cb, 1, &o, NULL);
  }
  pump_unref(p);
}

void pump_report(pump *p) {
  napi_threadsafe_function tsfn = p->tsfn; /* once queued, deliver() may free p on the JS thread */
  napi_call_threadsafe_function(tsfn, p, napi_tsfn_blocking);
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
}

static void handle_finalize(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  pump_unref(data);
}

#define THROW(thrower, msg)     \
  do {                          \
    thrower(env, NULL, msg);    \
    return NULL;                \
  } while (0)

static int get_int(napi_env env, napi_value o, const char *name, int32_t *out) {
  napi_value v;
  return napi_get_named_property(env, o, name, &v) == napi_ok && napi_get_value_int32(env, v, out) == napi_ok;
}
static int get_double(napi_env env, napi_value o, const char *name, double *out) {
  napi_value v;
  return napi_get_named_property(env, o, name, &v) == napi_ok && napi_get_value_double(env, v, out) == napi_ok;
}
static int get_ipv4(napi_env env, napi_value o, const char *name, struct in_addr *out) {
  napi_value v;
  char ip[64];
  size_t n;
  return napi_get_named_property(env, o, name, &v) == napi_ok && napi_get_value_string_utf8(env, v, ip, sizeof ip, &n) == napi_ok &&
         inet_pton(AF_INET, ip, out) == 1;
}

/* startTransfer({bind, ip, port, data, blksize, windowsize, timeoutMs, maxTimeoutMs, retries, oack, gso}, onEnd)
 *   -> { port, handle }: the socket is bound before it returns (its port is the transfer's TID), then a thread
 *   runs the transfer and onEnd(result) is called once on the JS thread. abort(handle) ends it early. */
static napi_value start_transfer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) THROW(napi_throw_type_error, "startTransfer(options, onEnd)");
  napi_value o = argv[0], v;
  struct in_addr bind_ip, ip;
  int32_t port, blksize, windowsize, retries, gso = 1, p_spin = 0;
  double timeout, max_timeout;
  void *data;
  size_t size;
  bool is_buf = false, has_oack = false;
  if (!get_ipv4(env, o, "bind", &bind_ip) || !get_ipv4(env, o, "ip", &ip)) THROW(napi_throw_type_error, "startTransfer: bind and ip must be IPv4 literals");
  if (!get_int(env, o, "port", &port) || !get_int(env, o, "blksize", &blksize) || !get_int(env, o, "windowsize", &windowsize) ||
      !get_int(env, o, "retries", &retries) || !get_double(env, o, "timeoutMs", &timeout) || !get_double(env, o, "maxTimeoutMs", &max_timeout))
    THROW(napi_throw_type_error, "startTransfer: port, blksize, windowsize, retries, timeoutMs, maxTimeoutMs must be numbers");
  if (port < 1 || port > 65535 || blksize < 8 || blksize > 65464 || windowsize < 1 || windowsize > MAX_WINDOW || retries < 0 || timeout <= 0 || max_timeout < timeout)
    THROW(napi_throw_range_error, "startTransfer: option out of range");
  int32_t spin = 0;
  if (get_int(env, o, "spinUs", &spin) && spin > 0 && spin <= 1000) p_spin = spin;
  if (napi_get_named_property(env, o, "gso", &v) == napi_ok) {
    bool b = true;
    if (napi_get_value_bool(env, v, &b) == napi_ok) gso = b;
  }
  napi_value data_v;
  if (napi_get_named_property(env, o, "data", &data_v) != napi_ok || napi_is_buffer(env, data_v, &is_buf) != napi_ok || !is_buf ||
      napi_get_buffer_info(env, data_v, &data, &size) != napi_ok)
    THROW(napi_throw_type_error, "startTransfer: data must be a Buffer");
  napi_value oack_v;
  void *oack = NULL;
  size_t oack_len = 0;
  if (napi_get_named_property(env, o, "oack", &oack_v) == napi_ok && napi_is_buffer(env, oack_v, &has_oack) == napi_ok && has_oack)
    napi_get_buffer_info(env, oack_v, &oack, &oack_len);

  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) THROW(napi_throw_error, strerror(errno));
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr = bind_ip, .sin_port = 0};
  socklen_t ll = sizeof local;
  if (bind(sock, (struct sockaddr *)&local, sizeof local) < 0 || getsockname(sock, (struct sockaddr *)&local, &ll) < 0) {
    int e = errno;
    close(sock);
    THROW(napi_throw_error, strerror(e));
  }
  pump *p = calloc(1, sizeof *p);
  if (!p || (has_oack && !(p->oack = malloc(oack_len)))) {
    close(sock);
    if (p) free(p);
    THROW(napi_throw_error, "startTransfer: out of resources");
  }
  p->sock = sock;
  pthread_mutex_init(&p->lock, NULL);
  p->peer.sin_family = AF_INET, p->peer.sin_addr = ip, p->peer.sin_port = htons((uint16_t)port);
  p->data = data, p->size = size;
  p->blksize = blksize, p->windowsize = windowsize, p->retries = retries, p->gso = gso, p->spin_us = p_spin;
  p->base_timeout_ms = timeout, p->max_timeout_ms = max_timeout;
  if (has_oack) memcpy(p->oack, oack, oack_len), p->oack_len = oack_len;
  p->refs = 2;
  napi_create_reference(env, data_v, 1, &p->data_ref); /* the bytes stay alive until the report */
  napi_value name;
  napi_create_string_utf8(env, "tftp-pump", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, NULL, deliver, &p->tsfn) != napi_ok) {
    napi_delete_reference(env, p->data_ref);
    close(sock), pthread_mutex_destroy(&p->lock), free(p->oack), free(p);
    THROW(napi_throw_error, "startTransfer: onEnd must be a function");
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t th;
  int e = pthread_create(&th, &attr, pump_run, p);
  pthread_attr_destroy(&attr);
  if (e != 0) {
    napi_release_threadsafe_function(p->tsfn, napi_tsfn_abort);
    napi_delete_reference(env, p->data_ref);
    close(sock), pthread_mutex_destroy(&p->lock), free(p->oack), free(p);
    THROW(napi_throw_error, "startTransfer: cannot start a thread");
  }
  napi_value out, handle;
  napi_create_object(env, &out);
  napi_create_int32(env, ntohs(local.sin_port), &v), napi_set_named_property(env, out, "port", v);
  napi_create_external(env, p, handle_finalize, NULL, &handle), napi_set_named_property(env, out, "handle", handle);
  return out;
}

/* abort(handle): wakes the thread, which ends the transfer without a word to the client (the server is closing). */
static napi_value abort_transfer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) THROW(napi_throw_type_error, "abort(handle)");
  pump *p = data;
  atomic_store(&p->aborting, 1);
  /* shutdown() wakes a recvfrom() blocked on a UDP socket; the lock keeps the thread from closing it meanwhile */
  pthread_mutex_lock(&p->lock);
  if (p->sock >= 0) shutdown(p->sock, SHUT_RDWR);
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

napi_value tftp_pump_init(napi_env env, napi_value exports) {
  napi_value fn;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  pump_set_max_spinners(cpus > 2 ? (int)cpus - 1 : 1);
  napi_create_function(env, "startTransfer", NAPI_AUTO_LENGTH, start_transfer, NULL, &fn);
  napi_set_named_property(env, exports, "startTransfer", fn);
  napi_create_function(env, "abortTransfer", NAPI_AUTO_LENGTH, abort_transfer, NULL, &fn);
  napi_set_named_property(env, exports, "abortTransfer", fn);
  return exports;
}
