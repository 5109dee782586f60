package io.weft.internal.wire.http2;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The fields of one header block, in order: pseudo-header fields first (":path", ":status", …),
 * then the others. Names are lower case on the wire (the engine rejects other requests). Not
 * thread-safe: built by one thread, then handed over.
 */
public final class Fields {
  private String[] a;
  private int size;
  private boolean frozen;

  /** This block as {@link StatelessHpack} writes it, once frozen and first written. */
  volatile byte[] statelessBlock;

  public Fields() {
    this(8);
  }

  public Fields(int expected) {
    a = new String[Math.max(2, expected * 2)];
  }

  /** Appends a field. */
  public Fields add(String name, String value) {
    if (frozen) {
      throw new IllegalStateException("frozen fields cannot change");
    }
    if (size * 2 == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[size * 2] = name;
    a[size * 2 + 1] = value;
    size++;
    return this;
  }

  /**
   * Makes these fields unchangeable, so that a server may write the same block for many responses
   * and encode it only once (a constant set of response headers or trailers).
   */
  public Fields freeze() {
    frozen = true;
    return this;
  }

  boolean isFrozen() {
    return frozen;
  }

  public int size() {
    return size;
  }

  public String name(int i) {
    return a[i * 2];
  }

  public String value(int i) {
    return a[i * 2 + 1];
  }

  /** The first value of {@code name}, or null. */
  public String get(String name) {
    for (int i = 0; i < size; i++) {
      if (a[i * 2].equals(name)) {
        return a[i * 2 + 1];
      }
    }
    return null;
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < size; i++) {
      action.accept(a[i * 2], a[i * 2 + 1]);
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      b.append(i == 0 ? "" : ", ").append(a[i * 2]).append(": ").append(a[i * 2 + 1]);
    }
    return b.append('}').toString();
  }
}
