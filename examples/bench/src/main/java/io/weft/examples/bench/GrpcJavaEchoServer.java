package io.weft.examples.bench;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/** grpc-java serving echo.proto's BidiSideStreaming on a free port, as a process of its own; prints the port. */
public final class GrpcJavaEchoServer {
  private GrpcJavaEchoServer() {}

  public static void main(String[] args) throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .directExecutor()
        .maxConcurrentCallsPerConnection(Integer.MAX_VALUE)
        .addService(GrpcSides.echoService())
        .build()
        .start();
    System.out.println("grpc-java listening on 127.0.0.1:" + server.getPort());
    server.awaitTermination();
  }
}
