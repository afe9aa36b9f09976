/* A user-space delay line for UDP, for the TFTP bench's "1 ms each way" link (no tc netem on these machines).
 * Holds every datagram DELAY_US in each direction, then forwards it. One thread, epoll, and one timerfd armed at the
 * absolute due time of the oldest held datagram, so a hold is the delay plus one wake-up (tens of µs), where the Node
 * relay this replaced rounded it up to its timers' next millisecond tick: 1–2 ms.
 * One upstream socket per client flow learns the server's per-transfer port (TFTP's TID) from its first reply.
 *   udp-delay-relay DELAY_US LISTEN_IP:PORT=TARGET_IP:PORT ...      prints "ready" once every route is bound */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUTES 16
#define MAX_FLOWS 1024
#define SLOT 2048         /* TFTP at blksize 1468 is ≤ 1472 bytes; larger datagrams are dropped and counted */
#define QUEUE (1 << 15)   /* held datagrams: 64 MiB of slots, far above what 1 ms holds at these rates */
#define FLOW_IDLE_NS (30ull * 1000000000ull)
#define TIMER_ID UINT32_MAX
#define FLOW_BIT 0x80000000u

typedef struct { int fd; struct sockaddr_in target; } route;
typedef struct { int used, route, up; struct sockaddr_in client; uint16_t tid; uint64_t last; } flow;
typedef struct { uint64_t due; int fd; struct sockaddr_in to; uint16_t len; uint8_t data[SLOT]; } held;

static route routes[MAX_ROUTES];
static int nroutes;
static flow flows[MAX_FLOWS];
static held *queue;
static size_t head, tail; /* FIFO: the delay is constant, so the oldest is always due first */
static int ep, tfd;
static unsigned long dropped;
static volatile sig_atomic_t stopping;

static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int parse_addr(const char *s, struct sockaddr_in *a) {
  char host[64];
  const char *colon = strrchr(s, ':');
  if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = 0;
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_port = htons((uint16_t)atoi(colon + 1));
  return inet_pton(AF_INET, host, &a->sin_addr) == 1 && a->sin_port ? 0 : -1;
}

static int udp_socket(const struct sockaddr_in *bind_to) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int buf = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  struct sockaddr_in any = { .sin_family = AF_INET };
  if (bind(fd, (const struct sockaddr *)(bind_to ? bind_to : &any), sizeof any) < 0) die("bind");
  return fd;
}

static void watch(int fd, uint32_t id) {
  struct epoll_event ev = { .events = EPOLLIN, .data.u32 = id };
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

static void arm(void) {
  struct itimerspec it = { 0 };
  if (head != tail) {
    uint64_t due = queue[head % QUEUE].due;
    it.it_value.tv_sec = (time_t)(due / 1000000000ull);
    it.it_value.tv_nsec = (long)(due % 1000000000ull);
  }
  timerfd_settime(tfd, TFD_TIMER_ABSTIME, &it, NULL);
}

/** Sends every held datagram that is due; re-arms the timer for the next one. */
static void release(void) {
  uint64_t now = now_ns();
  int was = head != tail;
  while (head != tail && queue[head % QUEUE].due <= now) {
    held *h = &queue[head % QUEUE];
    if (sendto(h->fd, h->data, h->len, 0, (const struct sockaddr *)&h->to, sizeof h->to) < 0) dropped++;
    head++;
  }
  if (was) arm();
}

static void hold(int fd, const struct sockaddr_in *to, const uint8_t *data, size_t len, uint64_t due) {
  if (tail - head >= QUEUE) {
    dropped++;
    return;
  }
  held *h = &queue[tail % QUEUE];
  h->due = due, h->fd = fd, h->to = *to, h->len = (uint16_t)len;
  memcpy(h->data, data, len);
  if (tail++ == head) arm();
}

static flow *flow_for(int r, const struct sockaddr_in *client, uint64_t now) {
  flow *free_slot = NULL;
  for (int i = 0; i < MAX_FLOWS; i++) {
    flow *f = &flows[i];
    if (f->used && now - f->last > FLOW_IDLE_NS) { /* a transfer long over: give its socket back */
      epoll_ctl(ep, EPOLL_CTL_DEL, f->up, NULL);
      close(f->up);
      f->used = 0;
    }
    if (!f->used) {
      if (!free_slot) free_slot = f;
      continue;
    }
    if (f->route == r && f->client.sin_port == client->sin_port && f->client.sin_addr.s_addr == client->sin_addr.s_addr) return f;
  }
  if (!free_slot) return NULL;
  free_slot->used = 1, free_slot->route = r, free_slot->client = *client, free_slot->tid = 0;
  free_slot->up = udp_socket(NULL);
  watch(free_slot->up, FLOW_BIT | (uint32_t)(free_slot - flows));
  return free_slot;
}

/** Reads every datagram waiting on the socket behind `id` and holds each for the delay. */
static void drain(uint32_t id, uint64_t delay) {
  uint8_t buf[SLOT];
  for (;;) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    int fd = id & FLOW_BIT ? flows[id & ~FLOW_BIT].up : routes[id].fd;
    ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from, &fl);
    if (n < 0) return; /* EAGAIN: all read */
    uint64_t now = now_ns();
    if ((size_t)n > sizeof buf) {
      dropped++;
      continue;
    }
    if (id & FLOW_BIT) { /* from the server, back to its client through the route's front socket */
      flow *f = &flows[id & ~FLOW_BIT];
      if (!f->tid) f->tid = from.sin_port;
      f->last = now;
      hold(routes[f->route].fd, &f->client, buf, (size_t)n, now + delay);
    } else { /* from a client, on to the server: its listening port until it answered from its transfer's own */
      flow *f = flow_for((int)id, &from, now);
      if (!f) {
        dropped++;
        continue;
      }
      f->last = now;
      struct sockaddr_in to = routes[id].target;
      if (f->tid) to.sin_port = f->tid;
      hold(f->up, &to, buf, (size_t)n, now + delay);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3 || atol(argv[1]) <= 0) {
    fprintf(stderr, "usage: %s DELAY_US LISTEN_IP:PORT=TARGET_IP:PORT ...\n", argv[0]);
    return 2;
  }
  uint64_t delay = (uint64_t)atol(argv[1]) * 1000ull;
  prctl(PR_SET_TIMERSLACK, 1UL); /* wake at the due time, not up to 50 µs after it */
  queue = calloc(QUEUE, sizeof *queue);
  if (!queue) die("calloc");
  if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0) die("epoll_create1");
  if ((tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) die("timerfd_create");
  watch(tfd, TIMER_ID);
  for (int i = 2; i < argc && nroutes < MAX_ROUTES; i++) {
    char *eq = strchr(argv[i], '=');
    struct sockaddr_in listen_at;
    if (!eq) goto bad;
    *eq = 0;
    if (parse_addr(argv[i], &listen_at) < 0 || parse_addr(eq + 1, &routes[nroutes].target) < 0) goto bad;
    routes[nroutes].fd = udp_socket(&listen_at);
    watch(routes[nroutes].fd, (uint32_t)nroutes);
    nroutes++;
    continue;
  bad:
    fprintf(stderr, "udp-delay-relay: bad route '%s' (want LISTEN_IP:PORT=TARGET_IP:PORT)\n", argv[i]);
    return 2;
  }
  struct sigaction sa = { .sa_handler = on_term };
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("ready\n");
  fflush(stdout);
  struct epoll_event evs[64];
  while (!stopping) {
    int n = epoll_wait(ep, evs, 64, -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      if (evs[i].data.u32 == TIMER_ID) {
        uint64_t ticks;
        if (read(tfd, &ticks, sizeof ticks) < 0) { /* spurious: release() checks the clock anyway */ }
      } else {
        drain(evs[i].data.u32, delay);
      }
    }
    release();
  }
  fprintf(stderr, "udp-delay-relay: %lu datagrams dropped\n", dropped);
  return 0;
}
