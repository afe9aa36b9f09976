/* pbxboot's one native addon, tftp_io: UDP GSO batches (udp_gso.c) and the threaded TFTP data pump (tftp_pump.c). */
#include <node_api.h>

napi_value udp_gso_init(napi_env env, napi_value exports);
napi_value tftp_pump_init(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  return tftp_pump_init(env, udp_gso_init(env, exports));
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
