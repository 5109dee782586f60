/**
 * Weft's generic calls: a client and a server for a Thrift service known only by its IDL, with JSON
 * or maps for the values. The client implementation is read so that {@link
 * io.weft.api.Client#newClient} finds it on the module path.
 */
module io.weft.generic {
  requires transitive io.weft.api;
  requires io.weft.client;
  requires io.weft.gen;

  exports io.weft.generic;
}
