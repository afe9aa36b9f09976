/* One sendmsg() for a run of equal-sized UDP datagrams, using Linux UDP GSO (UDP_SEGMENT, Linux >= 4.18).
 * Node's dgram makes one syscall, one receiver wake-up and several allocations per datagram; a TFTP window
 * (RFC 7440) of 64 blocks is 64 of each. With GSO the kernel cuts one buffer into the datagrams itself
 * (in the NIC when it offloads, in software otherwise), so a window costs one or two system calls.
 * Nothing else here: the caller builds the datagrams (gathered from several buffers) and owns the socket. */
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#define MAX_IOV 256

/* sendSegments(fd, ipv4, port, buffers[], segmentSize) -> bytes sent, or -errno.
 * The buffers are concatenated; the kernel splits them every segmentSize bytes (the last may be shorter). */
static napi_value send_segments(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "sendSegments(fd, ip, port, buffers, segmentSize)");
    return NULL;
  }
  int32_t fd, port, seg;
  char ip[64];
  size_t iplen;
  uint32_t n;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_string_utf8(env, argv[1], ip, sizeof ip, &iplen) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok || napi_get_array_length(env, argv[3], &n) != napi_ok ||
      napi_get_value_int32(env, argv[4], &seg) != napi_ok) {
    napi_throw_type_error(env, NULL, "sendSegments: bad argument types");
    return NULL;
  }
  if (n == 0 || n > MAX_IOV || seg <= 0 || seg > 65507 || port <= 0 || port > 65535) {
    napi_throw_range_error(env, NULL, "sendSegments: argument out of range");
    return NULL;
  }
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) {
    napi_throw_range_error(env, NULL, "sendSegments: not an IPv4 address");
    return NULL;
  }
  struct iovec iov[MAX_IOV];
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    void *data;
    size_t len;
    if (napi_get_element(env, argv[3], i, &el) != napi_ok || napi_get_buffer_info(env, el, &data, &len) != napi_ok) {
      napi_throw_type_error(env, NULL, "sendSegments: buffers must be Buffers");
      return NULL;
    }
    iov[i].iov_base = data;
    iov[i].iov_len = len;
  }
  char control[CMSG_SPACE(sizeof(uint16_t))];
  memset(control, 0, sizeof control);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = iov;
  msg.msg_iovlen = n;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_UDP;
  cm->cmsg_type = UDP_SEGMENT;
  cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  uint16_t gso = (uint16_t)seg;
  memcpy(CMSG_DATA(cm), &gso, sizeof gso);
  ssize_t r;
  do r = sendmsg(fd, &msg, MSG_DONTWAIT);
  while (r < 0 && errno == EINTR);
  napi_create_int64(env, r < 0 ? -(int64_t)errno : (int64_t)r, &result);
  return result;
}

napi_value udp_gso_init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "sendSegments", NAPI_AUTO_LENGTH, send_segments, NULL, &fn);
  napi_set_named_property(env, exports, "sendSegments", fn);
  return exports;
}
