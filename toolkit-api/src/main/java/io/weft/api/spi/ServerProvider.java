package io.weft.api.spi;

import io.weft.api.Server;
import io.weft.api.ServerConfig;
import io.weft.api.ServiceDefinition;
import java.util.List;

/**
 * Builds the {@link Server}s of {@link Server#builder()}. io.weft:toolkit-server provides one; an
 * application does not call this itself.
 */
public interface ServerProvider {

  /** A new server, not yet started, serving {@code services} (at least one) with {@code config}. */
  Server newServer(ServerConfig config, List<ServiceDefinition> services);
}
