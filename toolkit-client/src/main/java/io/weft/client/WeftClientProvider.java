package io.weft.client;

import io.weft.api.Client;
import io.weft.api.ClientConfig;
import io.weft.api.spi.ClientProvider;
import io.weft.client.internal.RealClient;

/**
 * Weft's {@link ClientProvider}, found by {@link Client#newClient} through {@link
 * java.util.ServiceLoader} (declared in module-info and in {@code META-INF/services}).
 */
public final class WeftClientProvider implements ClientProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public WeftClientProvider() {}

  @Override
  public Client newClient(ClientConfig config) {
    return new WeftClient(new RealClient(config));
  }
}
