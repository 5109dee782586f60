package io.weft.api;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Key-value pairs that travel beside the messages of a call: TTHeader string info headers, gRPC
 * headers and trailers. Keys may repeat; order is kept. Not thread-safe: one call's metadata is
 * owned by one thread at a time.
 *
 * <p>Values are text. A key ending in {@value #BINARY_SUFFIX} holds bytes, which gRPC sends in
 * base64; {@link #addBinary} and {@link #getBinary} do that encoding. Over gRPC keys are sent in
 * lower case, as HTTP/2 requires; over TTHeader they are sent as written.
 */
public final class Metadata {
  /** The suffix that marks a binary-valued key. */
  public static final String BINARY_SUFFIX = "-bin";

  // Alternating key, value. Metadata is small, so a flat list beats a map here.
  private final List<String> entries;

  /** Room for two pairs in the list of a new {@link Metadata}. */
  private static final int INITIAL_CAPACITY = 4;

  public Metadata() {
    entries = new ArrayList<>(INITIAL_CAPACITY);
  }

  private Metadata(List<String> entries) {
    this.entries = entries;
  }

  /** Appends a value for {@code key}, keeping any earlier ones. */
  public Metadata add(String key, String value) {
    entries.add(checkKey(key));
    entries.add(requireValue(value));
    return this;
  }

  /** Replaces every value of {@code key} with {@code value}. */
  public Metadata set(String key, String value) {
    remove(key);
    return add(key, value);
  }

  /** Appends {@code value}, base64-encoded, for a key ending in {@value #BINARY_SUFFIX}. */
  public Metadata addBinary(String key, byte[] value) {
    if (!key.endsWith(BINARY_SUFFIX)) {
      throw new IllegalArgumentException(
          "binary metadata keys end in " + BINARY_SUFFIX + ": " + key);
    }
    return add(key, Base64.getEncoder().withoutPadding().encodeToString(value));
  }

  /** The last value of {@code key}, or null. */
  public String get(String key) {
    for (int i = entries.size() - 2; i >= 0; i -= 2) {
      if (entries.get(i).equals(key)) {
        return entries.get(i + 1);
      }
    }
    return null;
  }

  /** The last value of a binary key, decoded, or null. */
  public byte[] getBinary(String key) {
    String v = get(key);
    return v == null ? null : Base64.getDecoder().decode(v);
  }

  /** Every value of {@code key}, in order; empty if none. */
  public List<String> getAll(String key) {
    List<String> out = null;
    for (int i = 0; i < entries.size(); i += 2) {
      if (entries.get(i).equals(key)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(entries.get(i + 1));
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  public boolean containsKey(String key) {
    for (int i = 0; i < entries.size(); i += 2) {
      if (entries.get(i).equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** Removes every value of {@code key}; returns whether there was one. */
  public boolean remove(String key) {
    boolean removed = false;
    for (int i = entries.size() - 2; i >= 0; i -= 2) {
      if (entries.get(i).equals(key)) {
        entries.remove(i + 1);
        entries.remove(i);
        removed = true;
      }
    }
    return removed;
  }

  /** The distinct keys, in first-seen order. */
  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i += 2) {
      keys.add(entries.get(i));
    }
    return keys;
  }

  /** The key of the {@code i}th pair, in order (for a loop without a lambda). */
  String keyAt(int i) {
    return entries.get(2 * i);
  }

  /** The value of the {@code i}th pair. */
  String valueAt(int i) {
    return entries.get(2 * i + 1);
  }

  /** Visits every pair in order. */
  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < entries.size(); i += 2) {
      action.accept(entries.get(i), entries.get(i + 1));
    }
  }

  /** Appends every pair of {@code other}. */
  public Metadata merge(Metadata other) {
    entries.addAll(other.entries);
    return this;
  }

  /** The number of pairs. */
  public int size() {
    return entries.size() / 2;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * A copy that changes independently of this, with room for two more pairs, as a new {@link
   * Metadata} has: a client copies its options' metadata, mostly empty, for each call, and the call
   * adds its headers to the copy.
   */
  public Metadata copy() {
    List<String> copied = new ArrayList<>(entries.size() + INITIAL_CAPACITY);
    for (int i = 0; i < entries.size(); i++) {
      copied.add(entries.get(i));
    }
    return new Metadata(copied);
  }

  private static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("metadata key is empty");
    }
    return key;
  }

  private static String requireValue(String value) {
    if (value == null) {
      throw new IllegalArgumentException("metadata value is null");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata m && m.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Metadata{");
    for (int i = 0; i < entries.size(); i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(entries.get(i)).append('=').append(entries.get(i + 1));
    }
    return sb.append('}').toString();
  }
}
