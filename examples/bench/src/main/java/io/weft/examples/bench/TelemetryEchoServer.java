package io.weft.examples.bench;

import interop.thrift.echoservice.EchoServiceServer;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.GrpcTestHandler;
import io.weft.examples.interop.ThriftEchoHandler;
import io.weft.opentelemetry.WeftTelemetry;

/**
 * Weft's server as a process of its own, serving what the server comparisons call (interop.thrift's
 * EchoService over TTHeader, grpc.testing's UnaryCall over gRPC), with toolkit-opentelemetry on
 * ({@code java ... TelemetryEchoServer 0.01}: that share of the traces recorded, the SDK as {@link
 * TelemetrySide#sdk} sets it up), off ({@code off}), or {@link SdkFloor}'s middleware in its place
 * ({@code floor-0.01}): what the instrumentation, and the SDK alone, cost a server in CPU per call
 * when its clients are other processes.
 */
public final class TelemetryEchoServer {
  private TelemetryEchoServer() {}

  public static void main(String[] args) throws Exception {
    Server.Builder server =
        Server.builder()
            .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
            .addService(TestServiceServer.definition(new GrpcTestHandler()))
            .options(ServerOptions.withPort(0));
    if (args[0].startsWith("floor-")) {
      OpenTelemetrySdk sdk = TelemetrySide.sdk(Double.parseDouble(args[0].substring(6)), true);
      server.options(ServerOptions.withMiddleware(SdkFloor.middleware(sdk, SpanKind.SERVER)));
    } else if (!args[0].equals("off")) {
      OpenTelemetrySdk sdk = TelemetrySide.sdk(Double.parseDouble(args[0]), true);
      server.options(WeftTelemetry.create(sdk).serverOption());
    }
    server.build().run();
  }
}
