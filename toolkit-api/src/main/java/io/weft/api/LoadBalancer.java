package io.weft.api;

/** How a client picks the instance for each call among those its {@link Resolver} gives. */
public enum LoadBalancer {
  /** Each instance in turn (weights ignored). The default. */
  ROUND_ROBIN,
  /** At random, in proportion to the instances' weights (Kitex's default). */
  WEIGHTED_RANDOM,
  /**
   * By a hash of the call's key ({@link CallOptions#withHashKey}) on a ring of virtual nodes, so
   * that a key keeps going to the same instance while the instance list holds still, and only the
   * keys of an instance that leaves move. Calls without a key go round-robin.
   */
  CONSISTENT_HASH
}
