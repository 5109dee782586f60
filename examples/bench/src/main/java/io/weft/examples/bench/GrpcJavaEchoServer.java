package io.weft.examples.bench;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * grpc-java's server as a process of its own, on a free loopback port (printed): grpc.testing's
 * UnaryCall (a payload of {@code response_size} bytes back) and echo.proto's BidiSideStreaming, on
 * Netty with a direct executor (its fastest setting for non-blocking handlers) and no limit on
 * streams per connection. The benchmarks' peer of Weft's interop server.
 */
public final class GrpcJavaEchoServer {
  private GrpcJavaEchoServer() {}

  public static void main(String[] args) throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .maxConcurrentCallsPerConnection(Integer.MAX_VALUE)
            .addService(GrpcSides.testService())
            .addService(GrpcSides.echoService())
            .build()
            .start();
    System.out.println("grpc-java listening on 127.0.0.1:" + server.getPort());
    server.awaitTermination();
  }
}
