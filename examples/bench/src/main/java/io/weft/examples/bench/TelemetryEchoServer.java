package io.weft.examples.bench;

import interop.thrift.echoservice.EchoServiceServer;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.examples.interop.GrpcTestHandler;
import io.weft.examples.interop.ThriftEchoHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Weft's server as a process of its own, serving what the server comparisons call (interop.thrift's
 * EchoService over TTHeader, grpc.testing's UnaryCall over gRPC), with toolkit-opentelemetry on
 * ({@code java ... TelemetryEchoServer 0.01}: that share of the traces recorded, the SDK as {@link
 * TelemetrySide#sdk} sets it up), off ({@code off}), or {@link SdkFloor}'s middleware in its place
 * ({@code floor-0.01}), as {@link TelemetrySetting} reads them: what the instrumentation, and the
 * SDK alone, cost a server in CPU per call when its clients are other processes.
 */
public final class TelemetryEchoServer {
  private TelemetryEchoServer() {}

  public static void main(String[] args) throws Exception {
    List<ServerOption> options = new ArrayList<>(List.of(ServerOptions.withPort(0)));
    TelemetrySetting setting = TelemetrySetting.parse(args[0]);
    setting.addTo(setting.sdk(true), options, null);
    Server.builder()
        .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
        .addService(TestServiceServer.definition(new GrpcTestHandler()))
        .options(options.toArray(ServerOption[]::new))
        .build()
        .run();
  }
}
