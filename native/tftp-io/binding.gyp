{
  "targets": [
    {
      "target_name": "tftp_io",
      "sources": ["addon.c", "udp_gso.c", "tftp_pump.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-lpthread"]
    }
  ]
}
