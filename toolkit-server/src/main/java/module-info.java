/**
 * Weft's server: the implementation of {@link io.weft.api.Server} on Helidon's webserver, found by
 * {@link io.weft.api.Server#builder()} through its provider. It exports nothing; applications name
 * only {@code io.weft.api}.
 */
module io.weft.server {
  requires transitive io.weft.api;
  requires io.helidon.common.buffers;
  requires io.helidon.common.concurrency.limits;
  requires io.helidon.common.socket;
  requires io.helidon.webserver;

  provides io.weft.api.spi.ServerProvider with
      io.weft.server.WeftServerProvider;
}
