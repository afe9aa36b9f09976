{
  "targets": [
    {
      "target_name": "udp_io",
      "sources": ["addon.c", "udp_gso.c", "udp_batch.c", "tftp_pump.c", "tftp_pump_napi.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-lpthread"]
    }
  ]
}
