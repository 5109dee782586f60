package io.weft.examples.bench;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;

/** grpc-java serving echo.proto's BidiSideStreaming on a free port, as a process of its own; prints the port. */
public final class GrpcJavaEchoServer {
  private GrpcJavaEchoServer() {}

  public static void main(String[] args) throws Exception {
    ServerServiceDefinition service = ServerServiceDefinition.builder("echo.EchoService")
        .addMethod(GrpcSides.BIDI, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<>() {
          @Override
          public void onNext(echo.Echo.Request req) {
            out.onNext(echo.Echo.Response.newBuilder().setMsg(req.getMsg()).build());
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        }))
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .directExecutor()
        .maxConcurrentCallsPerConnection(Integer.MAX_VALUE)
        .addService(service)
        .build()
        .start();
    System.out.println("grpc-java listening on 127.0.0.1:" + server.getPort());
    server.awaitTermination();
  }
}
