package io.weft.api;

import io.weft.api.spi.ClientProvider;
import io.weft.api.spi.ServerProvider;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Finds the client and server implementations through {@link ServiceLoader}: declared by {@code
 * provides} in toolkit-client's and toolkit-server's module descriptors, and by their {@code
 * META-INF/services} files on the class path. The first provider found is kept.
 */
final class Providers {
  private static volatile ClientProvider client;
  private static volatile ServerProvider server;

  private Providers() {}

  static ClientProvider client() {
    ClientProvider found = client;
    if (found == null) {
      found = load(ClientProvider.class, "a Weft client", "io.weft:toolkit-client");
      client = found;
    }
    return found;
  }

  static ServerProvider server() {
    ServerProvider found = server;
    if (found == null) {
      found = load(ServerProvider.class, "a Weft server", "io.weft:toolkit-server");
      server = found;
    }
    return found;
  }

  private static <T> T load(Class<T> service, String what, String artifact) {
    Iterator<T> providers = ServiceLoader.load(service, service.getClassLoader()).iterator();
    if (!providers.hasNext()) {
      throw new IllegalStateException(
          "no "
              + service.getName()
              + " found, so "
              + what
              + " cannot be built: add the "
              + artifact
              + " dependency (on the module path, it provides the implementation to module io.weft.api)");
    }
    return providers.next();
  }
}
