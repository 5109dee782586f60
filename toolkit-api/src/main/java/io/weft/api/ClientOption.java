package io.weft.api;

/** One setting of a client; {@link ClientOptions} makes them. */
@FunctionalInterface
public interface ClientOption {
  void applyTo(ClientConfig.Builder config);
}
