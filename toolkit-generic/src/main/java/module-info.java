/**
 * Weft's generic calls: a client and a server for a Thrift or Protobuf service known only by its
 * IDL (or, for Protobuf, its descriptors or the server's reflection), with JSON or maps for the
 * values. The client implementation is read so that {@link io.weft.api.Client#newClient} finds it
 * on the module path. protobuf-java-util (the proto3 JSON mapping) is an automatic module.
 */
@SuppressWarnings({"module", "requires-automatic"})
module io.weft.generic {
  requires transitive io.weft.api;
  requires io.weft.client;
  requires io.weft.gen;
  requires com.google.protobuf.util;

  exports io.weft.generic;
}
