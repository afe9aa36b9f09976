/* The data phase of one TFTP read transfer on a thread of its own (RFC 1350 lock-step, RFC 7440 windows).
 * Node wakes the event loop, allocates a 64 KiB buffer and builds an object for every datagram it receives;
 * lock-step TFTP is one ACK per block, so that path sets the throughput. Here a thread blocks in recvfrom() on
 * the transfer's socket and answers each ACK with the next DATA straight from the file's bytes in memory.
 * src/tftp/session.ts is the specification this mirrors (same ACK mapping, duplicate-ACK rule, back-off
 * and retry limit); src/tftp/native-transfer.ts decides when to use it and turns the result into boot events. */
#define _GNU_SOURCE
#include "tftp_pump.h"

#include <poll.h>
#include <sys/prctl.h>

/* How long before a far ACK is due the transfer thread wakes to busy-poll for it: covers the timer's own wake-up.
 * The spread of past round trips widens that spin on both sides, but by no more than SPREAD_MAX_MS: on a link
 * that jittery a spin would mostly burn the CPU, and the misses' back-off takes over. */
#define LEAD_MS 0.1
#define SPREAD_MAX_MS 0.25

static atomic_int spinners;
static int max_spinners = 1;

void pump_set_max_spinners(int n) {
  max_spinners = n > 0 ? n : 1;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


typedef struct {
  pump *p;
  int64_t last_block, acked, sent, retrans_high, dup_reacted;
  int tries, in_oack, spin_skip, spin_misses, lead_skip, lead_misses;
  double timeout, deadline, started;
  double sent_at, rtt_low, rtt_dev; /* ms: when the window went out; a low estimate of the ACK's round trip, its spread */
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

/* recvfrom() without sleeping for up to budget_ms, yielding the CPU on each turn so that a client sharing it is
 * never held up; -1 with EAGAIN when nothing came. */
static ssize_t spin_recv(int sock, uint8_t *buf, size_t len, struct sockaddr_in *from, socklen_t *fl, double budget_ms) {
  double until = now_ms() + budget_ms;
  for (;;) {
    ssize_t got = recvfrom(sock, buf, len, MSG_TRUNC | MSG_DONTWAIT, (struct sockaddr *)from, fl);
    if (got >= 0 || errno != EAGAIN || now_ms() >= until) return got;
    sched_yield();
  }
}

/* At most one spinner per spare CPU, so a boot storm of transfers never turns into a CPU storm. */
static int take_spinner(void) {
  if (atomic_fetch_add(&spinners, 1) < max_spinners) return 1;
  atomic_fetch_sub(&spinners, 1);
  return 0;
}

/* After a spin: a catch resets the back-off, a miss makes the next spins wait out 1, 3, 7 … 63 ACKs. */
static ssize_t spun(run_state *s, ssize_t got, int *skip, int *misses) {
  atomic_fetch_sub(&spinners, 1);
  if (got >= 0) {
    *misses = 0;
    s->p->acks_spun++;
  } else {
    *skip = *misses = *misses * 2 + 1 > 63 ? 63 : *misses * 2 + 1;
  }
  return got;
}

/* A near ACK (lock-step, or a window on a short link) usually comes back within tens of microseconds: busy-poll for
 * it briefly before sleeping, which saves the wake-up (an inter-processor interrupt, costly in a VM) on every
 * block. */
static ssize_t recv_near(run_state *s, uint8_t *buf, size_t len, struct sockaddr_in *from, socklen_t *fl) {
  if (s->spin_skip > 0) {
    s->spin_skip--;
    return -1;
  }
  if (!take_spinner()) return -1;
  return spun(s, spin_recv(s->p->sock, buf, len, from, fl, s->p->spin_us / 1e3), &s->spin_skip, &s->spin_misses);
}

/* A far ACK (a long link) is due a round trip after its window left. Sleep until just before that, then busy-poll
 * through its arrival: the wake-up happens while the ACK is still on the wire instead of after it came. */
static ssize_t recv_far(run_state *s, uint8_t *buf, size_t len, struct sockaddr_in *from, socklen_t *fl) {
  if (s->lead_skip > 0) {
    s->lead_skip--;
    return -1;
  }
  double due = s->sent_at + s->rtt_low, spread = 2 * s->rtt_dev < SPREAD_MAX_MS ? 2 * s->rtt_dev : SPREAD_MAX_MS;
  double wake = due - spread - LEAD_MS, until = due + spread + s->p->spin_us / 1e3;
  if (until > s->deadline) return -1;
  if (atomic_load(&spinners) >= max_spinners) return -1; /* no CPU to spin on: sleep in recvfrom alone */
  double wait = wake - now_ms();
  if (wait > 0) {
    struct pollfd pfd = {.fd = s->p->sock, .events = POLLIN};
    struct timespec ts = {.tv_sec = (time_t)(wait / 1e3), .tv_nsec = (long)((wait - (double)(time_t)(wait / 1e3) * 1e3) * 1e6)};
    if (ppoll(&pfd, 1, &ts, NULL) != 0) return -1; /* early, an error or an abort: the blocking recvfrom takes it */
  }
  if (!take_spinner()) return -1;
  return spun(s, spin_recv(s->p->sock, buf, len, from, fl, until - now_ms()), &s->lead_skip, &s->lead_misses);
}

/* The far ACK's timing: a low estimate of its round trip, which falls at once to a faster sample and creeps up on
 * slower ones (so the wake-up comes early rather than late), and the mean deviation from it. */
static void rtt_sample(run_state *s, double ms) {
  if (s->rtt_low <= 0) {
    s->rtt_low = ms;
    return;
  }
  double d = ms - s->rtt_low;
  s->rtt_dev += ((d < 0 ? -d : d) - s->rtt_dev) / 4;
  s->rtt_low += d < 0 ? d : d / 16;
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
  s->sent_at = now_ms();
  s->deadline = s->sent_at + s->timeout;
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
    if (s->tries == 0) rtt_sample(s, now_ms() - s->sent_at); /* Karn: never time a resent window */
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


void *pump_run(void *arg) {
  pump *p = arg;
  run_state s;
  memset(&s, 0, sizeof s);
  s.p = p;
  s.last_block = (int64_t)(p->size / (size_t)p->blksize) + 1; /* RFC 1350 §6: an exact multiple ends with an empty block */
  s.timeout = p->base_timeout_ms;
  s.dup_reacted = -1;
  s.started = now_ms();
  prctl(PR_SET_TIMERSLACK, 1000UL); /* ns: recv_far's sleep ends when asked, not up to 50 µs later */
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
      if (p->spin_us > 0 && !s.in_oack && s.rtt_low > p->spin_us / 1e3 + LEAD_MS) got = recv_far(&s, buf, sizeof buf, &from, &fl);
      else if (p->spin_us > 0) got = recv_near(&s, buf, sizeof buf, &from, &fl);
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
  pump_report(p);
  return NULL;
}
