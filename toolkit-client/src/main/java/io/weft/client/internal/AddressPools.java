package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.internal.wire.ttheader.Framing;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A client's {@link AddressPool}s, one per address it has called. Thread-safe. */
final class AddressPools implements AutoCloseable {
  private final Framing framing;
  private final ClientConfig config;
  private final Dialer dialer;
  private final Map<HostPort, AddressPool> pools = new ConcurrentHashMap<>();

  AddressPools(Framing framing, ClientConfig config, Dialer dialer) {
    this.framing = framing;
    this.config = config;
    this.dialer = dialer;
  }

  /** How the socket connections frame messages. */
  Framing framing() {
    return framing;
  }

  /** The pool of {@code target}, made on first use. */
  AddressPool of(HostPort target) {
    AddressPool p = pools.get(target);
    return p != null
        ? p
        : pools.computeIfAbsent(target, k -> new AddressPool(k, framing, config, dialer));
  }

  @Override
  public void close() {
    for (AddressPool p : pools.values()) {
      p.close();
    }
  }
}
