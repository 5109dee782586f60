package io.weft.gen;

import java.util.Locale;

/**
 * Which sides of each service to generate. The handler interface and the descriptor are always
 * generated; {@code XxxClient} needs {@code toolkit-client} to compile, {@code XxxServer} needs
 * {@code toolkit-server} (and with it Helidon), so an application that only calls a service
 * generates {@link #CLIENT} and depends on {@code toolkit-client} alone.
 */
public enum Sides {
  /** The client and the server classes (the default). */
  BOTH,
  /** The client classes only: no {@code XxxServer}. */
  CLIENT,
  /** The server classes only: no {@code XxxClient}. */
  SERVER;

  /** Whether {@code XxxClient} classes are generated. */
  public boolean client() {
    return this != SERVER;
  }

  /** Whether {@code XxxServer} classes are generated. */
  public boolean server() {
    return this != CLIENT;
  }

  /** {@code both}, {@code client} or {@code server}, in any case. */
  public static Sides parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sides must be both, client or server, not '" + s + "'");
    }
  }
}
