package io.weft.server;

import io.weft.api.Server;
import io.weft.api.ServerConfig;
import io.weft.api.ServiceDefinition;
import io.weft.api.spi.ServerProvider;
import io.weft.server.internal.RealServer;
import java.util.List;

/**
 * Weft's {@link ServerProvider}, found by {@link Server#builder()} through {@link
 * java.util.ServiceLoader} (declared in module-info and in {@code META-INF/services}).
 */
public final class WeftServerProvider implements ServerProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public WeftServerProvider() {}

  @Override
  public Server newServer(ServerConfig config, List<ServiceDefinition> services) {
    return new WeftServer(new RealServer(config, services));
  }
}
