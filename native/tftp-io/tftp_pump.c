/* The data phase of one TFTP read transfer on a thread of its own (RFC 1350 lock-step, RFC 7440 windows).
 * Node wakes the event loop, allocates a 64 KiB buffer and builds an object for every datagram it receives;
 * lock-step TFTP is one ACK per block, so that path sets the throughput. Here a thread blocks in recvfrom() on
 * the transfer's socket and answers each ACK with the next DATA straight from the file's bytes in memory.
 * src/tftp/session.ts is the specification this mirrors (same ACK mapping, duplicate-ACK rule, back-off
 * and retry limit); src/tftp/native-pump.ts decides when to use it and turns the result into boot events. */
#define _GNU_SOURCE
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#define MAX_WINDOW 64
#define GSO_MAX_SEGMENTS 64
#define GSO_MAX_BYTES 65507

typedef enum { R_DONE, R_TIMEOUT, R_CLIENT_ERROR, R_ILLEGAL, R_SOCKET, R_ABORTED } result_kind;

typedef struct {
  /* set by start(), read-only for the thread */
  int sock;
  pthread_mutex_t lock;
  atomic_int aborting;
  struct sockaddr_in peer;
  const uint8_t *data;
  size_t size;
  int blksize, windowsize, retries, gso, spin_us;
  double base_timeout_ms, max_timeout_ms;
  uint8_t *oack;
  size_t oack_len;
  napi_ref data_ref;
  napi_threadsafe_function tsfn;
  /* lifetime: freed when both the thread's report has been delivered and the JS handle is collected */
  int refs;
  /* result, written by the thread before it reports */
  result_kind kind;
  int64_t retransmissions;
  double duration_ms;
  int after_oack, client_code, sys_errno;
  char client_message[128];
} pump;

static atomic_int spinners;
static int max_spinners = 1;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void pump_unref(pump *p) {
  if (--p->refs > 0) return;
  pthread_mutex_destroy(&p->lock);
  free(p->oack);
  free(p);
}

/* ---- the thread ---- */

typedef struct {
  pump *p;
  int64_t last_block, acked, sent, retrans_high, dup_reacted;
  int tries, in_oack, spin_skip, spin_misses;
  double timeout, deadline, started;
  uint8_t headers[MAX_WINDOW][4];
} run_state;

static int send_error(int sock, const struct sockaddr_in *to, int code, const char *message) {
  uint8_t buf[132];
  size_t n = strlen(message);
  if (n > 120) n = 120;
  buf[0] = 0, buf[1] = 5, buf[2] = (uint8_t)(code >> 8), buf[3] = (uint8_t)code;
  memcpy(buf + 4, message, n);
  buf[4 + n] = 0;
  return (int)sendto(sock, buf, 5 + n, 0, (const struct sockaddr *)to, sizeof *to);
}

/* Sends DATA k for k in [from, to]: one sendmsg with UDP GSO when the window has several blocks. */
static int send_blocks(run_state *s, int64_t from, int64_t to) {
  pump *p = s->p;
  struct iovec iov[2 * GSO_MAX_SEGMENTS];
  int per = GSO_MAX_BYTES / (4 + p->blksize);
  if (per > GSO_MAX_SEGMENTS) per = GSO_MAX_SEGMENTS;
  if (per < 1) per = 1;
  for (int64_t first = from; first <= to; first += per) {
    int n = (int)((to - first + 1) < per ? (to - first + 1) : per);
    for (int i = 0; i < n; i++) {
      int64_t k = first + i;
      uint8_t *h = s->headers[(k - from) % MAX_WINDOW];
      h[0] = 0, h[1] = 3, h[2] = (uint8_t)((k >> 8) & 0xff), h[3] = (uint8_t)(k & 0xff);
      size_t off = (size_t)(k - 1) * (size_t)p->blksize;
      size_t len = off >= p->size ? 0 : (p->size - off < (size_t)p->blksize ? p->size - off : (size_t)p->blksize);
      iov[2 * i].iov_base = h, iov[2 * i].iov_len = 4;
      iov[2 * i + 1].iov_base = (void *)(p->data + (off < p->size ? off : 0)), iov[2 * i + 1].iov_len = len;
    }
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &p->peer;
    msg.msg_namelen = sizeof p->peer;
    char control[CMSG_SPACE(sizeof(uint16_t))];
    if (n > 1 && p->gso) {
      msg.msg_iov = iov, msg.msg_iovlen = 2 * n;
      memset(control, 0, sizeof control);
      msg.msg_control = control, msg.msg_controllen = sizeof control;
      struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
      cm->cmsg_level = SOL_UDP, cm->cmsg_type = UDP_SEGMENT, cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      uint16_t seg = (uint16_t)(4 + p->blksize);
      memcpy(CMSG_DATA(cm), &seg, sizeof seg);
      ssize_t r;
      do r = sendmsg(p->sock, &msg, 0);
      while (r < 0 && errno == EINTR);
      if (r >= 0) continue;
      if (errno != EIO && errno != EINVAL && errno != EOPNOTSUPP) return -errno;
      p->gso = 0; /* this route or kernel refuses GSO: one datagram per sendmsg from now on */
      msg.msg_control = NULL, msg.msg_controllen = 0;
    }
    for (int i = 0; i < n; i++) {
      msg.msg_iov = iov + 2 * i, msg.msg_iovlen = 2;
      ssize_t r;
      do r = sendmsg(p->sock, &msg, 0);
      while (r < 0 && errno == EINTR);
      if (r < 0 && errno != ENOBUFS && errno != ECONNREFUSED) return -errno; /* ENOBUFS: as if lost, the timer resends */
    }
  }
  return 0;
}

/* session.ts sendFrom(): blocks from..from+windowsize-1, bounded by the last block, then re-arm the timer. */
static int send_from(run_state *s, int64_t from) {
  int64_t to = from + s->p->windowsize - 1;
  if (to > s->last_block) to = s->last_block;
  for (int64_t k = from; k <= to && k <= s->sent; k++) {
    s->p->retransmissions++;
    if (k > s->retrans_high) s->retrans_high = k;
  }
  int r = send_blocks(s, from, to);
  if (to > s->sent) s->sent = to;
  s->deadline = now_ms() + s->timeout;
  return r;
}

static void progress(run_state *s) {
  s->tries = 0;
  s->timeout = s->p->base_timeout_ms;
}

/* 1 = transfer finished (result set), 0 = carry on, <0 = socket error */
static int on_ack(run_state *s, unsigned wire) {
  if (s->in_oack) {
    if (wire != 0) return 0; /* RFC 2347: the OACK is acknowledged with block 0 */
    s->in_oack = 0;
    progress(s);
    return send_from(s, 1);
  }
  int64_t k = -1;
  for (int64_t c = s->sent; c >= s->acked; c--)
    if ((c & 0xffff) == (int64_t)wire) {
      k = c;
      break;
    }
  if (k < 0) return 0; /* stale or bogus: never a reason to send */
  if (k == s->last_block) {
    s->p->kind = R_DONE;
    return 1;
  }
  if (k > s->acked) {
    s->acked = k;
    progress(s);
    return send_from(s, k + 1);
  }
  /* Duplicate ACK: never answered in lock-step (sorcerer's apprentice, RFC 1123 §4.2.3.1); in a window,
   * answered once per base unless it echoes our own retransmission. */
  if (s->p->windowsize > 1 && k > s->retrans_high && s->dup_reacted != k && s->sent > k) {
    s->dup_reacted = k;
    return send_from(s, k + 1);
  }
  return 0;
}

/* NUL-terminated strings from `at` to the end; pairs_from >= 0 requires name/value pairs with non-empty names
 * from that index on (the codec's rules for RRQ/WRQ/OACK). Returns the count, or -1 when malformed. */
static int strings_ok(const uint8_t *b, size_t len, size_t at, int pairs_from) {
  int count = 0;
  size_t i = at;
  while (i < len) {
    const uint8_t *end = memchr(b + i, 0, len - i);
    if (!end) return -1;
    if (pairs_from >= 0 && count >= pairs_from && (count - pairs_from) % 2 == 0 && end == b + i) return -1;
    count++;
    i = (size_t)(end - b) + 1;
  }
  if (pairs_from >= 0 && count >= pairs_from && (count - pairs_from) % 2 != 0) return -1;
  return count;
}

static int illegal(run_state *s, const char *what) {
  char m[32];
  snprintf(m, sizeof m, "unexpected %s", what);
  send_error(s->p->sock, &s->p->peer, 4, m);
  s->p->kind = R_ILLEGAL;
  return 1;
}

/* One datagram from the client; mirrors decodePacket(): what it would refuse as malformed is ignored. */
static int on_datagram(run_state *s, const uint8_t *b, size_t len) {
  if (len < 2) return 0;
  unsigned op = (unsigned)(b[0] << 8 | b[1]);
  switch (op) {
    case 4:
      return len < 4 ? 0 : on_ack(s, (unsigned)(b[2] << 8 | b[3]));
    case 5: {
      if (len < 4) return 0;
      const uint8_t *end = memchr(b + 4, 0, len - 4);
      if (end && end != b + len - 1) return 0;
      size_t n = (size_t)((end ? end : b + len) - (b + 4));
      if (n >= sizeof s->p->client_message) n = sizeof s->p->client_message - 1;
      memcpy(s->p->client_message, b + 4, n);
      s->p->client_message[n] = 0;
      s->p->client_code = b[2] << 8 | b[3];
      s->p->kind = R_CLIENT_ERROR;
      return 1;
    }
    case 1:
    case 2: {
      int c = strings_ok(b, len, 2, 2);
      return c < 2 ? 0 : illegal(s, op == 1 ? "RRQ" : "WRQ");
    }
    case 3:
      return len < 4 ? 0 : illegal(s, "DATA");
    case 6:
      return strings_ok(b, len, 2, 0) < 0 ? 0 : illegal(s, "OACK");
    default:
      return 0;
  }
}

static void report(pump *p);

static void *run(void *arg) {
  pump *p = arg;
  run_state s;
  memset(&s, 0, sizeof s);
  s.p = p;
  s.last_block = (int64_t)(p->size / (size_t)p->blksize) + 1; /* RFC 1350 §6: an exact multiple ends with an empty block */
  s.timeout = p->base_timeout_ms;
  s.dup_reacted = -1;
  s.started = now_ms();
  int r = 0;
  if (p->oack) {
    s.in_oack = 1;
    if (sendto(p->sock, p->oack, p->oack_len, 0, (struct sockaddr *)&p->peer, sizeof p->peer) < 0 && errno != ENOBUFS) r = -errno;
    s.deadline = now_ms() + s.timeout;
  } else {
    r = send_from(&s, 1);
  }
  uint8_t buf[2048];
  double armed = -1; /* the receive timeout the socket has now, ms */
  while (r == 0) {
    double wait = s.deadline - now_ms();
    if (wait > 0.5) {
      /* One blocking recvfrom per ACK, no poll(): the socket's receive timeout is the retransmission timer.
       * It only needs a setsockopt when the wait differs from the last one (back-off, or an ignored packet). */
      if (wait < armed - 1 || wait > armed + 1) {
        struct timeval tv = {.tv_sec = (time_t)(wait / 1e3), .tv_usec = (suseconds_t)((wait - (double)(time_t)(wait / 1e3) * 1e3) * 1e3)};
        if (setsockopt(p->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
          r = -errno;
          break;
        }
        armed = wait;
      }
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      ssize_t got = -1;
      /* Busy-poll briefly before sleeping: a lock-step ACK usually comes back within tens of microseconds, and
       * catching it awake saves the wake-up (an inter-processor interrupt, costly in a VM) on every block.
       * At most one spinner per spare CPU, so a boot storm of transfers never turns into a CPU storm.
       * The spinner yields the CPU on each turn, so a client sharing this CPU is never held up by it, and a
       * spin that missed (a slow link) makes the next ones wait out 1, 3, 7 … 63 ACKs before trying again. */
      if (p->spin_us > 0 && s.spin_skip > 0) {
        s.spin_skip--;
      } else if (p->spin_us > 0 && atomic_fetch_add(&spinners, 1) < max_spinners) {
        double until = now_ms() + p->spin_us / 1e3;
        for (;;) {
          got = recvfrom(p->sock, buf, sizeof buf, MSG_TRUNC | MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
          if (got >= 0 || errno != EAGAIN || now_ms() >= until) break;
          sched_yield();
        }
        atomic_fetch_sub(&spinners, 1);
        if (got >= 0) s.spin_misses = 0;
        else s.spin_skip = s.spin_misses = s.spin_misses * 2 + 1 > 63 ? 63 : s.spin_misses * 2 + 1;
      } else if (p->spin_us > 0) {
        atomic_fetch_sub(&spinners, 1);
      }
      if (got < 0) got = recvfrom(p->sock, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from, &fl);
      if (atomic_load(&p->aborting)) {
        p->kind = R_ABORTED;
        r = 1;
        break;
      }
      if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNREFUSED) r = -errno;
        continue; /* a timeout shows as EAGAIN: the top of the loop finds the deadline passed */
      }
      if (from.sin_addr.s_addr != p->peer.sin_addr.s_addr || from.sin_port != p->peer.sin_port) {
        send_error(p->sock, &from, 5, "unknown transfer ID"); /* RFC 1350 §4: the transfer carries on */
        continue;
      }
      r = on_datagram(&s, buf, (size_t)got > sizeof buf ? sizeof buf : (size_t)got);
      continue;
    }
    /* session.ts onTimer(): back off, resend the window (or the OACK), give up after `retries` */
    if (++s.tries > p->retries) {
      send_error(p->sock, &p->peer, 0, "timeout");
      p->kind = R_TIMEOUT;
      p->after_oack = s.in_oack;
      r = 1;
      break;
    }
    s.timeout = s.timeout * 2 < p->max_timeout_ms ? s.timeout * 2 : p->max_timeout_ms;
    if (s.in_oack) {
      p->retransmissions++;
      if (sendto(p->sock, p->oack, p->oack_len, 0, (struct sockaddr *)&p->peer, sizeof p->peer) < 0 && errno != ENOBUFS) r = -errno;
      s.deadline = now_ms() + s.timeout;
    } else {
      r = send_from(&s, s.acked + 1);
    }
  }
  if (r < 0) {
    p->kind = R_SOCKET;
    p->sys_errno = -r;
  }
  if (p->kind == R_CLIENT_ERROR || p->kind == R_ILLEGAL) p->after_oack = s.in_oack;
  p->duration_ms = now_ms() - s.started;
  pthread_mutex_lock(&p->lock);
  close(p->sock);
  p->sock = -1;
  pthread_mutex_unlock(&p->lock);
  report(p);
  return NULL;
}

/* ---- back on the JS thread ---- */

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

static void report(pump *p) {
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
  int e = pthread_create(&th, &attr, run, p);
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
  max_spinners = cpus > 2 ? (int)cpus - 1 : 1;
  napi_create_function(env, "startTransfer", NAPI_AUTO_LENGTH, start_transfer, NULL, &fn);
  napi_set_named_property(env, exports, "startTransfer", fn);
  napi_create_function(env, "abortTransfer", NAPI_AUTO_LENGTH, abort_transfer, NULL, &fn);
  napi_set_named_property(env, exports, "abortTransfer", fn);
  return exports;
}
