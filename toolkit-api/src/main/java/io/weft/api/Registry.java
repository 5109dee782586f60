package io.weft.api;

/**
 * Where a server announces itself so that clients find it (Kitex's {@code registry.Registry}): the
 * server {@linkplain #register registers} once it listens and {@linkplain #deregister deregisters}
 * when it stops gracefully, before its listener closes, so that clients stop picking it while it
 * still answers. Keeping the registration alive in between (a lease, a heartbeat) is the registry's
 * own business. Pass one to {@link ServerOptions#withRegistry}; {@code toolkit-registry-etcd} has
 * an implementation.
 */
public interface Registry {
  /**
   * Announces {@code info} (its address is the one the server listens on). Called once, after the
   * server started listening; a failure stops the server and fails its {@code start()}.
   */
  void register(RegistryInfo info) throws Exception;

  /**
   * Withdraws {@code info}, as given to {@link #register}. Called once, when the server stops,
   * before its listener closes; a failure is logged and the server stops anyway.
   */
  void deregister(RegistryInfo info) throws Exception;

  /**
   * How long a server keeps serving after it deregistered, before its listener closes: the time
   * clients need to hear of the removal, so that none picks the server once it no longer answers.
   * The default is none.
   */
  default java.time.Duration drainTime() {
    return java.time.Duration.ZERO;
  }
}
