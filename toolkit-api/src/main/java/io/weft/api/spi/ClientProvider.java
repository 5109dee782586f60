package io.weft.api.spi;

import io.weft.api.Client;
import io.weft.api.ClientConfig;

/**
 * Builds the {@link Client}s of {@link Client#newClient}. io.weft:toolkit-client provides one; an
 * application does not call this itself.
 */
public interface ClientProvider {

  /** A new client with {@code config}, ready for calls. */
  Client newClient(ClientConfig config);
}
