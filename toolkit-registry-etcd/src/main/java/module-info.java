/**
 * Weft's etcd registry and resolver, Kitex-compatible. It calls etcd's gRPC API with a Weft client,
 * so it reads the client implementation; etcd's generated protobuf classes stay internal.
 */
module io.weft.registry.etcd {
  requires transitive io.weft.api;
  requires io.weft.client;

  exports io.weft.registry.etcd;
}
