/* Batched UDP sockets for the DHCP server: recvmmsg fills up to BATCH datagrams per readiness and JS gets them in
 * one call; replies are queued and leave with one sendmmsg per event-loop turn, or per FLUSH_AT replies. node:dgram
 * makes one syscall, one 64 KiB allocation and one JS callback (with its tick processing) per datagram, and a send
 * request per reply: under a boot storm that, not the DHCP logic, was most of the packet loop's CPU. Runs on the JS
 * thread's libuv loop. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
#define SLOT 9216    /* receive: a jumbo frame's payload; anything longer is reported with its real length, truncated */
#define TX_SLOT 2048 /* send: DHCP replies are ~300-600 bytes; a longer one is sent on its own */
#define META 3    /* per received slot: length, source IPv4 (host order), source port */
/* Replies leave once this many are queued, not only at the end of the turn: a group commit releases its ACKs in one
 * burst, and 64 at once overflowed the receive buffer of a client busy elsewhere (perfdhcp's RcvbufErrors); 8 still
 * saves 7 syscalls in 8. perfdhcp at 8,000/s offered, two runs each: 7,611 / 7,528 DORA/s (2.4 / 3.0 % drops) with 8,
 * 7,388 / 5,859 (3.9 / 14 %) with 64. */
#define FLUSH_AT 8

typedef struct {
  napi_env env;
  int fd;
  uv_poll_t poll;
  uv_check_t check; /* flushes replies queued during the turn (after a lease commit resolved, say) */
  uv_idle_t idle;   /* while replies are queued: keeps the loop from sleeping in poll before they leave */
  int refs; /* the three libuv handles once closed, and the JS external once collected */
  int closing;
  napi_ref on_batch, on_error, rx_ref, resource_ref;
  napi_async_context async;
  uint8_t *rx;  /* BATCH * SLOT, then BATCH * META uint32 (inside a JS ArrayBuffer: stable memory) */
  uint32_t *meta;
  struct mmsghdr rmsg[BATCH];
  struct iovec riov[BATCH];
  struct sockaddr_in rfrom[BATCH];
  int queued;
  uint8_t tx[BATCH][TX_SLOT];
  struct mmsghdr smsg[BATCH];
  struct iovec siov[BATCH];
  struct sockaddr_in sto[BATCH];
} batch_sock;

static void unref_sock(batch_sock *b) {
  if (--b->refs == 0) free(b);
}
static void on_closed(uv_handle_t *h) { unref_sock(h->data); }
static void on_collected(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  unref_sock(data);
}

static void call_js(batch_sock *b, napi_ref fn_ref, size_t argc, napi_value *argv) {
  napi_env env = b->env;
  napi_value fn, recv;
  napi_get_reference_value(env, fn_ref, &fn);
  napi_get_global(env, &recv); /* make_callback wants an object as `this` */
  /* make_callback: microtasks and process.nextTick run when it returns, like any I/O callback of Node's own */
  if (napi_make_callback(env, b->async, recv, fn, argc, argv, NULL) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
}

/* onSendError(message, ip, port, datagram): the refused datagram goes back too, so the caller can say whose it was. */
static void report_error(batch_sock *b, int err, const struct sockaddr_in *to, const void *data, size_t len) {
  napi_handle_scope scope;
  napi_open_handle_scope(b->env, &scope);
  napi_value argv[4];
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &to->sin_addr, ip, sizeof ip);
  napi_create_string_utf8(b->env, strerror(err), NAPI_AUTO_LENGTH, &argv[0]);
  napi_create_string_utf8(b->env, ip, NAPI_AUTO_LENGTH, &argv[1]);
  napi_create_uint32(b->env, ntohs(to->sin_port), &argv[2]);
  napi_create_buffer_copy(b->env, len, data, NULL, &argv[3]);
  call_js(b, b->on_error, 4, argv);
  napi_close_handle_scope(b->env, scope);
}

/* Sends what is queued. A datagram the kernel refuses (no route, say) is reported and skipped; EAGAIN keeps the
 * rest for the next turn. */
static void flush(batch_sock *b) {
  int done = 0;
  while (done < b->queued) {
    int n = sendmmsg(b->fd, b->smsg + done, b->queued - done, 0);
    if (n > 0) {
      done += n;
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
    int err = errno;
    struct sockaddr_in to = b->sto[done];
    done++;
    report_error(b, err, &to, b->tx[done - 1], b->siov[done - 1].iov_len);
  }
  if (done > 0 && done < b->queued) {
    int left = b->queued - done;
    memmove(b->tx, b->tx[done], (size_t)left * TX_SLOT);
    memmove(b->sto, b->sto + done, (size_t)left * sizeof b->sto[0]);
    for (int i = 0; i < left; i++) b->siov[i].iov_len = b->siov[i + done].iov_len;
  }
  b->queued -= done;
  if (b->queued == 0) uv_idle_stop(&b->idle);
}

static void on_check(uv_check_t *h) {
  batch_sock *b = h->data;
  if (b->queued && !b->closing) flush(b);
}

static void on_idle(uv_idle_t *h) {
  batch_sock *b = h->data;
  if (b->queued && !b->closing) flush(b);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  batch_sock *b = h->data;
  (void)events;
  if (status < 0 || b->closing) return;
  for (int i = 0; i < BATCH; i++) b->rmsg[i].msg_hdr.msg_namelen = sizeof b->rfrom[i];
  /* MSG_TRUNC: msg_len is the datagram's real length even when it did not fit its slot */
  int n = recvmmsg(b->fd, b->rmsg, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
  if (n <= 0) return; /* EAGAIN: another reader won the race; errors on UDP receive are per-datagram ICMP noise */
  for (int i = 0; i < n; i++) {
    b->meta[i * META] = b->rmsg[i].msg_len;
    b->meta[i * META + 1] = ntohl(b->rfrom[i].sin_addr.s_addr);
    b->meta[i * META + 2] = ntohs(b->rfrom[i].sin_port);
  }
  napi_handle_scope scope;
  napi_open_handle_scope(b->env, &scope);
  napi_value count;
  napi_create_uint32(b->env, (uint32_t)n, &count);
  call_js(b, b->on_batch, 1, &count);
  napi_close_handle_scope(b->env, scope);
  /* OFFERs decided synchronously (and in the microtasks above) leave now, unless the callback closed the socket */
  if (b->queued && !b->closing) flush(b);
}

#define THROW(msg)                         \
  do {                                     \
    napi_throw_error(env, NULL, msg);      \
    return NULL;                           \
  } while (0)

/* The open socket in argv[0] of a call that takes `want` arguments; NULL for a closed socket or a bad call. */
static batch_sock *sock_arg(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  void *p = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want || napi_get_value_external(env, argv[0], &p) != napi_ok || !p) return NULL;
  batch_sock *b = p;
  return b->closing ? NULL : b;
}

/* openBatchSocket(address, port, rcvbufBytes, onBatch(n), onSendError(message, ip, port, datagram))
 *   -> { handle, rx: ArrayBuffer }: rx holds BATCH slots of SLOT bytes, then BATCH × [length, ipv4, port] uint32s. */
static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW("openBatchSocket(address, port, rcvbuf, onBatch, onSendError)");
  char ip[64];
  size_t len;
  int32_t port, rcvbuf;
  struct sockaddr_in addr = {.sin_family = AF_INET};
  if (napi_get_value_string_utf8(env, argv[0], ip, sizeof ip, &len) != napi_ok || inet_pton(AF_INET, ip, &addr.sin_addr) != 1) THROW("address must be an IPv4 literal");
  if (napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 0 || port > 65535) THROW("port must be 0-65535");
  if (napi_get_value_int32(env, argv[2], &rcvbuf) != napi_ok) THROW("rcvbuf must be a number");
  addr.sin_port = htons((uint16_t)port);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) THROW(strerror(errno));
  int one = 1;
  /* like node:dgram with reuseAddr: the DHCP server binds 0.0.0.0:67 and <interface>:67 side by side */
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int e = errno;
    close(fd);
    char msg[160];
    snprintf(msg, sizeof msg, "bind %s:%d: %s", ip, port, strerror(e));
    napi_value err, code, text;
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
    napi_create_string_utf8(env, e == EADDRINUSE ? "EADDRINUSE" : e == EACCES ? "EACCES" : e == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "EBIND", NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, text, &err);
    napi_throw(env, err);
    return NULL;
  }
  batch_sock *b = calloc(1, sizeof *b);
  if (!b) {
    close(fd);
    THROW("out of memory");
  }
  b->env = env;
  b->fd = fd;
  napi_value rx, handle, out, name;
  void *data;
  napi_create_arraybuffer(env, BATCH * SLOT + BATCH * META * sizeof(uint32_t), &data, &rx);
  b->rx = data;
  b->meta = (uint32_t *)(b->rx + BATCH * SLOT);
  for (int i = 0; i < BATCH; i++) {
    b->riov[i] = (struct iovec){.iov_base = b->rx + i * SLOT, .iov_len = SLOT};
    b->rmsg[i].msg_hdr = (struct msghdr){.msg_name = &b->rfrom[i], .msg_namelen = sizeof b->rfrom[i], .msg_iov = &b->riov[i], .msg_iovlen = 1};
    b->siov[i] = (struct iovec){.iov_base = b->tx[i], .iov_len = 0};
    b->smsg[i].msg_hdr = (struct msghdr){.msg_name = &b->sto[i], .msg_namelen = sizeof b->sto[i], .msg_iov = &b->siov[i], .msg_iovlen = 1};
  }
  b->refs = 4;
  napi_create_external(env, b, on_collected, NULL, &handle);
  napi_create_reference(env, rx, 1, &b->rx_ref);
  napi_create_reference(env, argv[3], 1, &b->on_batch);
  napi_create_reference(env, argv[4], 1, &b->on_error);
  napi_create_reference(env, handle, 1, &b->resource_ref);
  napi_create_string_utf8(env, "pbxboot.udpBatch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, handle, name, &b->async);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &b->poll, fd);
  uv_check_init(loop, &b->check);
  uv_idle_init(loop, &b->idle);
  b->poll.data = b->check.data = b->idle.data = b;
  uv_poll_start(&b->poll, UV_READABLE, on_readable);
  uv_check_start(&b->check, on_check);
  uv_unref((uv_handle_t *)&b->check); /* only the socket keeps the process alive, as with dgram */
  uv_unref((uv_handle_t *)&b->idle);
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "handle", handle);
  napi_set_named_property(env, out, "rx", rx);
  return out;
}

/* batchSend(handle, buffer, ipv4 (host order uint32), port): queued, sent with the turn's sendmmsg. */
static napi_value send_one(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  batch_sock *b = sock_arg(env, info, 4, argv);
  if (!b) THROW("batchSend on a closed socket");
  void *data;
  size_t len;
  uint32_t ip, port;
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) THROW("batchSend: buffer expected");
  napi_get_value_uint32(env, argv[2], &ip);
  napi_get_value_uint32(env, argv[3], &port);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(ip)};
  if (len > TX_SLOT) { /* rare: after what is queued, on its own */
    if (b->queued) flush(b);
    if (sendto(b->fd, data, len, 0, (struct sockaddr *)&to, sizeof to) < 0) report_error(b, errno, &to, data, len);
    return NULL;
  }
  if (b->queued == BATCH) flush(b);
  if (b->queued == BATCH) THROW("batchSend: send queue full (the kernel refuses to take datagrams)");
  int i = b->queued++;
  memcpy(b->tx[i], data, len);
  b->siov[i].iov_len = len;
  b->sto[i] = to;
  if (i == 0) uv_idle_start(&b->idle, on_idle);
  if (b->queued >= FLUSH_AT) flush(b);
  return NULL;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  batch_sock *b = sock_arg(env, info, 1, argv);
  if (!b) return NULL;
  if (b->queued) flush(b);
  b->closing = 1;
  uv_poll_stop(&b->poll);
  uv_close((uv_handle_t *)&b->poll, on_closed);
  uv_close((uv_handle_t *)&b->check, on_closed);
  uv_close((uv_handle_t *)&b->idle, on_closed);
  close(b->fd);
  napi_async_destroy(env, b->async);
  napi_delete_reference(env, b->on_batch);
  napi_delete_reference(env, b->on_error);
  napi_delete_reference(env, b->rx_ref);
  napi_delete_reference(env, b->resource_ref);
  return NULL;
}

/* batchInfo(handle) -> { port, rcvbuf }: the bound port and the receive buffer the kernel granted */
static napi_value info_of(napi_env env, napi_callback_info info) {
  napi_value argv[1], out, v;
  batch_sock *b = sock_arg(env, info, 1, argv);
  if (!b) THROW("batchInfo on a closed socket");
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  int rcv = 0;
  socklen_t rl = sizeof rcv;
  getsockname(b->fd, (struct sockaddr *)&a, &al);
  getsockopt(b->fd, SOL_SOCKET, SO_RCVBUF, &rcv, &rl);
  napi_create_object(env, &out);
  napi_create_uint32(env, ntohs(a.sin_port), &v), napi_set_named_property(env, out, "port", v);
  napi_create_int32(env, rcv, &v), napi_set_named_property(env, out, "rcvbuf", v);
  return out;
}

napi_value udp_batch_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openBatchSocket", NULL, open_socket, NULL, NULL, NULL, napi_default, NULL},
      {"batchSend", NULL, send_one, NULL, NULL, NULL, napi_default, NULL},
      {"batchClose", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
      {"batchInfo", NULL, info_of, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
