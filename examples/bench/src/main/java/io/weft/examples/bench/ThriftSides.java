package io.weft.examples.bench;

import interop.thrift.Request;
import interop.thrift.Response;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.Transport;
import io.weft.examples.interop.InteropServer;
import io.weft.examples.interop.LibthriftPeers;
import io.weft.examples.interop.ThriftEchoHandler;
import java.time.Duration;

/** The PingPong sides: interop.thrift's Echo with a {@code size}-byte Msg. */
final class ThriftSides {
  private ThriftSides() {}

  static Request request(int size) {
    return new Request().setMsg("x".repeat(size));
  }

  static void check(Response r, int size) {
    if (r.getMsg().length() != size) {
      throw new IllegalStateException(
          "echo of " + size + " bytes came back with " + r.getMsg().length());
    }
  }

  /** Weft's client and server over TTHeader. */
  static final class Weft implements Side {
    private final Server server = InteropServer.create(0).start();
    private final EchoServiceClient client;
    private final Request request;
    private final int size;
    private final int mux;

    /** {@code mux}: 0 for the default connection pool, else that many multiplexed connections. */
    Weft(int size, Transport transport, int mux) {
      this.size = size;
      this.mux = mux;
      this.request = request(size);
      client =
          mux == 0
              ? EchoServiceClient.newClient(
                  "EchoService",
                  ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
                  ClientOptions.withTransport(transport))
              : EchoServiceClient.newClient(
                  "EchoService",
                  ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
                  ClientOptions.withTransport(transport),
                  ClientOptions.withMuxConnection(mux));
    }

    @Override
    public String name() {
      return mux == 0
          ? "weft → weft"
          : "weft → weft (mux, " + mux + " connection" + (mux == 1 ? "" : "s") + ")";
    }

    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      return LoadGen.run(concurrency, duration, rate, w -> check(client.echo(request), size));
    }

    @Override
    public void close() {
      client.close();
      server.stop();
    }
  }

  /** libthrift's blocking client (one Framed connection per caller) and its TThreadPoolServer. */
  static final class Libthrift implements Side {
    private final LibthriftPeers.Server server;
    private final LibthriftPeers.Client[] clients;
    private final Request request;
    private final int size;

    Libthrift(int size, int concurrency) throws Exception {
      this.size = size;
      this.request = request(size);
      server = new LibthriftPeers.Server(new ThriftEchoHandler(), true);
      clients = new LibthriftPeers.Client[concurrency];
      for (int i = 0; i < concurrency; i++) {
        clients[i] = new LibthriftPeers.Client("127.0.0.1", server.port(), true);
      }
    }

    @Override
    public String name() {
      return "libthrift → libthrift (Framed, TThreadPoolServer)";
    }

    @Override
    public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
      return LoadGen.run(
          concurrency,
          duration,
          rate,
          w ->
              check(
                  clients[w]
                      .call(
                          "Echo",
                          new EchoServiceDescriptor.EchoArgs().setReq(request),
                          EchoServiceDescriptor.EchoResult::new)
                      .getSuccess(),
                  size));
    }

    @Override
    public void close() throws InterruptedException {
      for (LibthriftPeers.Client c : clients) {
        c.close();
      }
      server.close();
    }
  }
}
