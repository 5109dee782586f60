package io.weft.examples.bench;

import com.google.protobuf.ByteString;
import echo.Echo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC sides: grpc.testing's UnaryCall (a {@code size}-byte payload each way) and echo.proto's
 * BidiSideStreaming, each with Weft's or grpc-java's client (in the bench JVM) against Weft's or
 * grpc-java's server (each in a process of its own). grpc-java runs on Netty with its fastest
 * settings for non-blocking handlers: direct executors on server and channel.
 */
final class GrpcSides {
  private GrpcSides() {}

  static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY =
      MethodDescriptor.<SimpleRequest, SimpleResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.testing.TestService/UnaryCall")
          .setRequestMarshaller(ProtoUtils.marshaller(SimpleRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(SimpleResponse.getDefaultInstance()))
          .build();
  static final MethodDescriptor<Echo.Request, Echo.Response> BIDI =
      MethodDescriptor.<Echo.Request, Echo.Response>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("echo.EchoService/BidiSideStreaming")
          .setRequestMarshaller(ProtoUtils.marshaller(Echo.Request.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Echo.Response.getDefaultInstance()))
          .build();

  static SimpleRequest request(int size) {
    return SimpleRequest.newBuilder()
        .setResponseSize(size)
        .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])))
        .build();
  }

  static void check(SimpleResponse r, int size) {
    if (r.getPayload().getBody().size() != size) {
      throw new IllegalStateException(
          "expected " + size + " bytes, got " + r.getPayload().getBody().size());
    }
  }

  /** echo.proto's BidiSideStreaming for grpc-java: each request echoed. */
  static ServerServiceDefinition echoService() {
    return ServerServiceDefinition.builder("echo.EchoService")
        .addMethod(
            BIDI,
            ServerCalls.asyncBidiStreamingCall(out ->
                new StreamObserver<>() {
                  @Override
                  public void onNext(Echo.Request req) {
                    out.onNext(Echo.Response.newBuilder().setMsg(req.getMsg()).build());
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {
                    out.onCompleted();
                  }
                }))
        .build();
  }

  /**
   * grpc.testing's UnaryCall for grpc-java: a payload of {@code response_size} zero bytes back, as
   * Weft's interop handler answers.
   */
  static ServerServiceDefinition testService() {
    return ServerServiceDefinition.builder("grpc.testing.TestService")
        .addMethod(
            UNARY,
            ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext(
                  SimpleResponse.newBuilder()
                      .setPayload(
                          Payload.newBuilder()
                              .setBody(ByteString.copyFrom(new byte[req.getResponseSize()])))
                      .build());
              out.onCompleted();
            }))
        .build();
  }

  /**
   * The two servers, each in a process of its own ({@link ServerProcess}), serving UnaryCall and
   * BidiSideStreaming alike.
   */
  static final class Servers implements AutoCloseable {
    final ServerProcess weft;
    final ServerProcess weftOneCarrier;
    final ServerProcess grpcJava;

    Servers(Path logDir) throws IOException, InterruptedException {
      weft = ServerProcess.weft(logDir);
      ServerProcess one = null;
      try {
        one = ServerProcess.weftOneCarrier(logDir);
        grpcJava = ServerProcess.grpcJava(logDir);
      } catch (IOException e) {
        weft.close();
        if (one != null) {
          one.close();
        }
        throw e;
      }
      weftOneCarrier = one;
    }

    ServerProcess get(boolean weftServer) {
      return weftServer ? weft : grpcJava;
    }

    @Override
    public void close() throws InterruptedException {
      weft.close();
      weftOneCarrier.close();
      grpcJava.close();
    }
  }

  /** grpc-java's channel to {@code port}, direct executor. */
  static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .directExecutor()
        .build();
  }

  /** Unary calls from Weft's or grpc-java's client. */
  static final class Unary implements Side {
    private final boolean weftClient;
    private final SimpleRequest request;
    private final int size;
    private final Client weft;
    private final ManagedChannel channel;

    private final ServerProcess server;

    Unary(Servers servers, boolean weftClient, boolean weftServer, int size) {
      this(servers.get(weftServer), weftClient, size);
    }

    /**
     * {@code extra}: options of Weft's client besides the address and transport (the otel
     * comparison's).
     */
    Unary(ServerProcess server, boolean weftClient, int size, ClientOption... extra) {
      this.weftClient = weftClient;
      this.size = size;
      this.request = request(size);
      this.server = server;
      int port = server.port();
      List<ClientOption> options = new ArrayList<>(List.of(extra));
      options.add(ClientOptions.withHostPorts("127.0.0.1:" + port));
      options.add(ClientOptions.withTransport(Transport.GRPC));
      weft =
          weftClient
              ? Client.newClient("grpc.testing.TestService", options.toArray(ClientOption[]::new))
              : null;
      channel = weftClient ? null : channel(port);
    }

    @Override
    public String name() {
      return (weftClient ? "weft" : "grpc-java") + " → " + server.name();
    }

    @Override
    public ServerProcess server() {
      return server;
    }

    @Override
    public String client() {
      return weftClient ? "weft" : "grpc-java";
    }

    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      if (weftClient) {
        TestServiceClient cli = TestServiceClient.of(weft);
        return LoadGen.run(concurrency, duration, rate, w -> check(cli.unaryCall(request), size));
      }
      return LoadGen.run(
          concurrency,
          duration,
          rate,
          w ->
              check(
                  ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT, request),
                  size));
    }

    @Override
    public void close() throws InterruptedException {
      if (weft != null) {
        weft.close();
      }
      if (channel != null) {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}
