/* pbxboot's one native addon, udp_io: UDP GSO batches (udp_gso.c), the threaded TFTP data pump (tftp_pump.c) and
 * the DHCP server's batched sockets (udp_batch.c). */
#include <node_api.h>

napi_value udp_gso_init(napi_env env, napi_value exports);
napi_value tftp_pump_init(napi_env env, napi_value exports);
napi_value udp_batch_init(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  return udp_batch_init(env, tftp_pump_init(env, udp_gso_init(env, exports)));
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
