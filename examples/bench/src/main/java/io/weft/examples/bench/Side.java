package io.weft.examples.bench;

import java.time.Duration;

/** One side of a comparison: a client and a server, ready to be driven. */
interface Side extends AutoCloseable {
  /** Who calls whom, e.g. {@code "weft → weft"}. */
  String name();

  /**
   * Runs the load for {@code duration}: closed loop when {@code rate} is 0, else open loop at
   * {@code rate} per second. The result's CPU figures are the client's (for a side whose client and
   * server both run in the bench JVM, the two together; NaN where the client's CPU is not
   * measured).
   */
  LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception;

  /**
   * The server's process when it runs in one of its own that the bench measures (its CPU, reads and
   * writes per call); null when the server runs in the bench JVM or is not measured.
   */
  default ServerProcess server() {
    return null;
  }

  /**
   * Whether the client runs in the bench JVM (its CPU is the bench JVM's) rather than in a process
   * of its own.
   */
  default boolean clientInBenchJvm() {
    return true;
  }

  /** Whose client drives the load, e.g. {@code "ghz"}, {@code "grpc-java"}, {@code "weft"}. */
  default String client() {
    return name().substring(0, name().indexOf(' '));
  }

  @Override
  default void close() throws Exception {}
}
