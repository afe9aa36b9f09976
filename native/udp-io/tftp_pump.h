/* Shared between the TFTP pump's transfer thread (tftp_pump.c) and its JS binding (tftp_pump_napi.c). */
#ifndef TFTP_PUMP_H
#define TFTP_PUMP_H
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
  int64_t retransmissions, acks_spun;
  double duration_ms;
  int after_oack, client_code, sys_errno;
  char client_message[128];
} pump;

/* The transfer thread: runs the data phase, then hands the result to pump_report(). */
void *pump_run(void *arg);
/* Called once by the thread when the transfer has ended; the pump may be freed as soon as it returns. */
void pump_report(pump *p);
/* At most this many threads busy-poll at once (one per spare CPU). */
void pump_set_max_spinners(int n);

#endif
