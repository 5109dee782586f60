package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Set;

/**
 * Weft's only connection selector on its Helidon listener. Being the only candidate, Helidon hands
 * it every connection before reading a byte; {@link DetectingConnection} then picks the protocol
 * itself, with its own timeout and its own log line for junk.
 */
final class ProtocolSelector implements ServerConnectionSelector {
  private final ConnectionServices services;

  ProtocolSelector(ConnectionServices services) {
    this.services = services;
  }

  @Override
  public int bytesToIdentifyConnection() {
    return 0;
  }

  @Override
  public Support supports(BufferData data) {
    return Support.SUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    // offered in TLS ALPN; a connection that negotiates nothing is still detected by its bytes
    return Set.of("h2");
  }

  @Override
  public ServerConnection connection(ConnectionContext ctx) {
    return new DetectingConnection(ctx, services);
  }
}
