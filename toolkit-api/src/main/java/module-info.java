/**
 * Weft's public API ({@code io.weft.api}), the service-provider interface the client and server
 * implementations plug into ({@code io.weft.api.spi}), and the small runtime generated code needs
 * ({@code io.weft.runtime}). Generated code and applications read this module alone at compile
 * time; toolkit-client and toolkit-server provide {@link io.weft.api.Client} and {@link
 * io.weft.api.Server}.
 *
 * <p>The {@code io.weft.internal} packages (wire formats, HTTP/2, plumbing) are exported only to
 * the Weft modules that use them. A target module that is absent from a build is not an error,
 * hence {@code "module"} in {@code @SuppressWarnings}; libthrift and protobuf-java are automatic
 * modules (named by their manifests), which {@code requires} would otherwise warn about.
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.weft.api {
  // ThriftStruct and ThriftCodec name libthrift's TProtocol; ProtobufCodec names protobuf's
  // Message.
  requires transitive org.apache.thrift;
  requires transitive com.google.protobuf;

  exports io.weft.api;
  exports io.weft.api.spi;
  exports io.weft.runtime;
  exports io.weft.internal.api to
      io.weft.client,
      io.weft.server;
  exports io.weft.internal.wire to
      io.weft.client,
      io.weft.server,
      io.weft.generic,
      io.weft.cli,
      io.weft.registry.etcd;
  exports io.weft.internal.wire.grpc to
      io.weft.client,
      io.weft.server;
  exports io.weft.internal.wire.http2 to
      io.weft.client,
      io.weft.server;
  exports io.weft.internal.wire.kitexpb to
      io.weft.client,
      io.weft.server;
  exports io.weft.internal.wire.thrift to
      io.weft.client,
      io.weft.server,
      io.weft.generic;
  exports io.weft.internal.wire.ttheader to
      io.weft.client,
      io.weft.server;

  uses io.weft.api.spi.ClientProvider;
  uses io.weft.api.spi.ServerProvider;
}
