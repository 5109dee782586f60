package io.weft.api;

/** One setting of a server; {@link ServerOptions} makes them. */
@FunctionalInterface
public interface ServerOption {
  void applyTo(ServerConfig.Builder config);
}
