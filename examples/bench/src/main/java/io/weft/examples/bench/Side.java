package io.weft.examples.bench;

import java.time.Duration;

/** One side of a comparison: a client and a server, ready to be driven. */
interface Side extends AutoCloseable {
  /** Who calls whom, e.g. {@code "weft → weft"}. */
  String name();

  /** Runs the load for {@code duration}: closed loop when {@code rate} is 0, else open loop at {@code rate} per second. */
  LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception;

  @Override
  default void close() throws Exception {}
}
