package io.weft.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Values that travel with calls the way Kitex's {@code metainfo} carries them. A
 * <em>persistent</em> value goes to the callee and, when the callee calls on from its handler, to
 * every service further down the chain; a <em>transient</em> value goes to the direct callee only.
 * Immutable; the {@code with*} methods return copies.
 *
 * <p>Send values with {@link CallOptions#withPersistent} and {@link CallOptions#withTransient};
 * read what arrived with {@code CallContext.current().metaInfo()}. A client called from a handler's
 * thread forwards the handler's persistent values by itself, as Kitex does.
 *
 * <p>On the wire: TTHeader string headers {@code RPC_PERSIST_<key>} and {@code RPC_TRANSIT_<key>};
 * gRPC headers {@code rpc-persist-<key>} and {@code rpc-transit-<key>}, where the key is lower case
 * with {@code -} for {@code _} (so keys that should survive gRPC are upper case with underscores,
 * Kitex's convention).
 */
public final class MetaInfo {
  /** No values. */
  public static final MetaInfo EMPTY = new MetaInfo(Map.of(), Map.of());

  /** The TTHeader string-header prefix of a persistent value. */
  public static final String TTHEADER_PERSISTENT = "RPC_PERSIST_";

  /** The TTHeader string-header prefix of a transient value. */
  public static final String TTHEADER_TRANSIENT = "RPC_TRANSIT_";

  /** The prefix of a transient value that a Kitex service forwards from its own caller. */
  public static final String TTHEADER_TRANSIENT_UPSTREAM = "RPC_TRANSIT_UPSTREAM_";

  /** The gRPC header prefix of a persistent value. */
  public static final String HTTP_PERSISTENT = "rpc-persist-";

  /** The gRPC header prefix of a transient value. */
  public static final String HTTP_TRANSIENT = "rpc-transit-";

  private final Map<String, String> persistent;
  private final Map<String, String> transients;

  private MetaInfo(Map<String, String> persistent, Map<String, String> transients) {
    this.persistent = persistent;
    this.transients = transients;
  }

  /** The persistent values, by key. Unmodifiable. */
  public Map<String, String> persistent() {
    return persistent;
  }

  /** The transient values, by key. Unmodifiable. */
  public Map<String, String> transients() {
    return transients;
  }

  /** The persistent value of {@code key}, or null. */
  public String persistent(String key) {
    return persistent.get(key);
  }

  /** The transient value of {@code key}, or null. */
  public String transientValue(String key) {
    return transients.get(key);
  }

  public boolean isEmpty() {
    return persistent.isEmpty() && transients.isEmpty();
  }

  /** A copy with the persistent value {@code key} set to {@code value}. */
  public MetaInfo withPersistent(String key, String value) {
    return new MetaInfo(put(persistent, key, value), transients);
  }

  /** A copy with the transient value {@code key} set to {@code value}. */
  public MetaInfo withTransient(String key, String value) {
    return new MetaInfo(persistent, put(transients, key, value));
  }

  /**
   * This one's persistent values with {@code over}'s laid on top, and only {@code over}'s transient
   * ones.
   */
  public MetaInfo forwardedWith(MetaInfo over) {
    if (persistent.isEmpty()) {
      return over;
    }
    Map<String, String> p = new LinkedHashMap<>(persistent);
    p.putAll(over.persistent);
    return new MetaInfo(Collections.unmodifiableMap(p), over.transients);
  }

  private static Map<String, String> put(Map<String, String> m, String key, String value) {
    if (Objects.requireNonNull(key, "key").isEmpty()) {
      throw new IllegalArgumentException("empty metainfo key");
    }
    if (Objects.requireNonNull(value, "value").isEmpty()) {
      throw new IllegalArgumentException(
          "empty metainfo value for " + key + " (Kitex drops those)");
    }
    Map<String, String> copy = new LinkedHashMap<>(m);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }

  /** Writes the values as TTHeader string headers into {@code strInfo}. */
  public void toTTHeader(Map<String, String> strInfo) {
    transients.forEach((k, v) -> strInfo.put(TTHEADER_TRANSIENT + k, v));
    persistent.forEach((k, v) -> strInfo.put(TTHEADER_PERSISTENT + k, v));
  }

  /** The values among TTHeader string headers (other headers are ignored). */
  public static MetaInfo fromTTHeader(Map<String, String> strInfo) {
    Map<String, String> p = null;
    Map<String, String> t = null;
    for (Map.Entry<String, String> e : strInfo.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (!k.startsWith("RPC_") || v.isEmpty()) {
        continue;
      }
      if (k.startsWith(TTHEADER_TRANSIENT_UPSTREAM)) {
        t = add(t, k.substring(TTHEADER_TRANSIENT_UPSTREAM.length()), v);
      } else if (k.startsWith(TTHEADER_TRANSIENT)) {
        t = add(t, k.substring(TTHEADER_TRANSIENT.length()), v);
      } else if (k.startsWith(TTHEADER_PERSISTENT)) {
        p = add(p, k.substring(TTHEADER_PERSISTENT.length()), v);
      }
    }
    return of(p, t);
  }

  /** Writes the values as gRPC request headers. */
  public void toHttpHeaders(Metadata headers) {
    transients.forEach((k, v) -> headers.set(HTTP_TRANSIENT + httpKey(k), v));
    persistent.forEach((k, v) -> headers.set(HTTP_PERSISTENT + httpKey(k), v));
  }

  /** The values among gRPC request headers (names matched without regard to case). */
  public static MetaInfo fromHttpHeaders(Metadata headers) {
    // every gRPC call on a server comes through here: nothing is allocated unless a value is found
    Map<String, String> p = null;
    Map<String, String> t = null;
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.keyAt(i);
      String v = headers.valueAt(i);
      if (v.isEmpty()
          || name.length() <= HTTP_PERSISTENT.length()
          || !name.regionMatches(true, 0, "rpc-", 0, 4)) {
        continue;
      }
      if (name.regionMatches(true, 0, HTTP_TRANSIENT, 0, HTTP_TRANSIENT.length())) {
        if (t == null) {
          t = new LinkedHashMap<>();
        }
        t.put(cgiKey(name.substring(HTTP_TRANSIENT.length())), v);
      } else if (name.regionMatches(true, 0, HTTP_PERSISTENT, 0, HTTP_PERSISTENT.length())) {
        if (p == null) {
          p = new LinkedHashMap<>();
        }
        p.put(cgiKey(name.substring(HTTP_PERSISTENT.length())), v);
      }
    }
    return of(p, t);
  }

  private static String httpKey(String key) {
    return key.replace('_', '-').toLowerCase(Locale.ROOT);
  }

  private static String cgiKey(String key) {
    return key.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Map<String, String> add(Map<String, String> m, String k, String v) {
    if (k.isEmpty()) {
      return m;
    }
    if (m == null) {
      m = new LinkedHashMap<>();
    }
    m.put(k, v);
    return m;
  }

  private static MetaInfo of(Map<String, String> p, Map<String, String> t) {
    if (p == null && t == null) {
      return EMPTY;
    }
    return new MetaInfo(
        p == null ? Map.of() : Collections.unmodifiableMap(p),
        t == null ? Map.of() : Collections.unmodifiableMap(t));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetaInfo m
        && persistent.equals(m.persistent)
        && transients.equals(m.transients);
  }

  @Override
  public int hashCode() {
    return persistent.hashCode() * 31 + transients.hashCode();
  }

  @Override
  public String toString() {
    return "MetaInfo{persistent=" + persistent + ", transient=" + transients + "}";
  }
}
