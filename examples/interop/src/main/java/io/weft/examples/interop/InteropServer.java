package io.weft.examples.interop;

import interop.thrift.echoservice.EchoServiceServer;
import io.weft.api.ServerOptions;
import io.weft.server.Server;

/** The interop server: every service of shared/INTEROP.md on one port. */
public final class InteropServer {
  private InteropServer() {}

  /** A server of the interop services on {@code port} (0 picks one), not started. */
  public static Server create(int port) {
    return Server.builder()
        .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
        .options(ServerOptions.withPort(port))
        .build();
  }

  /** Serves until killed. */
  static void run(int port) throws InterruptedException {
    create(port).run();
  }
}
