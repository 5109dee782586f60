/**
 * Weft's client: the implementation of {@link io.weft.api.Client}, found by {@link
 * io.weft.api.Client#newClient} through its provider. It exports nothing; applications name only
 * {@code io.weft.api}. It does not read Helidon: a client-only application's module graph and
 * dependency tree have no server in them.
 */
module io.weft.client {
  requires transitive io.weft.api;

  provides io.weft.api.spi.ClientProvider with
      io.weft.client.WeftClientProvider;
}
