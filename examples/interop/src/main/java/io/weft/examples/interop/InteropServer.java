package io.weft.examples.interop;

import interop.evolution.paletteservice.PaletteServiceServer;
import interop.stream.streamservice.StreamServiceServer;
import interop.thrift.echoservice.EchoServiceServer;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.Server;
import io.weft.api.ServerOptions;

/** The interop server: every service of docs/interop.md on one port. */
public final class InteropServer {
  private InteropServer() {}

  /** The interop contract's message size: 16 MiB. */
  static final int MAX_MESSAGE = 16 << 20;

  /** A server of the interop services on {@code port} (0 picks one), not started. */
  public static Server create(int port) {
    return create(port, new ThriftEchoHandler(), new GrpcTestHandler());
  }

  /**
   * The same, with {@code thrift} and {@code grpc} serving their IDLs' services (tests extend
   * them).
   */
  public static Server create(int port, ThriftEchoHandler thrift, GrpcTestHandler grpc) {
    return builder(port, thrift, grpc).build();
  }

  private static Server.Builder builder(int port, ThriftEchoHandler thrift, GrpcTestHandler grpc) {
    return Server.builder()
        .addService(EchoServiceServer.definition(thrift))
        .addService(TestServiceServer.definition(grpc))
        .addService(StreamServiceServer.definition(new StreamEchoHandler()))
        .addService(PaletteServiceServer.definition(new PaletteEchoHandler()))
        // gRPC only; registered after interop.thrift's EchoService, which keeps the name over
        // TTHeader
        .addService(echo.echoservice.EchoServiceServer.definition(new ProtoEchoHandler()))
        .options(
            ServerOptions.withPort(port),
            ServerOptions.withMaxMessageSize(MAX_MESSAGE),
            ServerOptions.withMaxFrameSize(MAX_MESSAGE + 1024));
  }

  /**
   * Serves until killed; {@code maxConnections} above 0 sets the open-connection limit (the
   * benchmark's server takes more than the default 10,000 callers' connections at once).
   */
  static void run(int port, int maxConnections) throws InterruptedException {
    Server.Builder b = builder(port, new ThriftEchoHandler(), new GrpcTestHandler());
    if (maxConnections > 0) {
      b.options(ServerOptions.withMaxConnections(maxConnections));
    }
    b.build().run();
  }
}
