package io.weft.api;

import io.weft.api.spi.ServerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Weft server: one listening port that serves every registered service over every protocol Weft
 * speaks, choosing the protocol of each connection from its first bytes (TTHeader, Framed or
 * unframed Thrift; gRPC over HTTP/2). Every request runs its handler on its own virtual thread.
 *
 * <p>Generated code gives the usual entry point, {@code EchoServiceServer.newServer(handler)};
 * {@link #builder()} is for several services on one server, or for configuring one by hand. {@link
 * #run()} blocks like Kitex's {@code svr.Run()}; {@link #start()} and {@link #stop()} are for tests
 * and embedding. Thread-safe.
 *
 * <p>The implementation is {@code io.weft:toolkit-server}, found through {@link ServerProvider}.
 */
public interface Server {

  /**
   * A server for one service, configured by {@code options}; not yet started.
   *
   * @throws IllegalStateException if no server implementation (io.weft:toolkit-server) is present
   */
  static Server newServer(ServiceDefinition service, ServerOption... options) {
    return builder().addService(service).options(options).build();
  }

  /** A builder, for several services on one server. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the server if needed and blocks until it stops: through {@link #stop()}, or SIGTERM /
   * Ctrl-C, which stop it gracefully (in-flight calls get the exit wait time to finish).
   */
  void run() throws InterruptedException;

  /** Starts listening and returns this server; the port is bound when this returns. */
  Server start();

  /**
   * Stops accepting connections and new calls, lets in-flight calls finish within the exit wait
   * time, then closes every connection. Idempotent; returns once the server is down.
   */
  void stop();

  /**
   * Calls being served right now, over every connection: unary and oneway calls whose handler has
   * not finished, and open streams. A call the server's limits refused is not counted.
   */
  long inFlight();

  /**
   * The port the server listens on: the one it was given, or with port 0 the one the system chose.
   * -1 before {@link #start()} and after {@link #stop()}.
   */
  int port();

  /** Whether the server is started and not yet stopped. */
  boolean isRunning();

  /** The configuration in force. */
  ServerConfig config();

  /** Collects services and options for a {@link Server}. */
  final class Builder {
    private final List<ServiceDefinition> services = new ArrayList<>();
    private final List<ServerOption> options = new ArrayList<>();

    private Builder() {}

    /**
     * Registers a service; several may share a server, told apart by method name (or TTHeader's IDL
     * service name).
     */
    public Builder addService(ServiceDefinition service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Adds options ({@link ServerOptions}), applied in the order given. */
    public Builder options(ServerOption... options) {
      this.options.addAll(List.of(options));
      return this;
    }

    /**
     * The server, not yet started; at least one service must have been added.
     *
     * @throws IllegalStateException if no service was added, or if no server implementation
     *     (io.weft:toolkit-server) is present
     */
    public Server build() {
      if (services.isEmpty()) {
        throw new IllegalStateException("a server needs at least one service");
      }
      ServerProvider provider = Providers.server();
      return provider.newServer(
          ServerConfig.of(options.toArray(ServerOption[]::new)), List.copyOf(services));
    }
  }
}
