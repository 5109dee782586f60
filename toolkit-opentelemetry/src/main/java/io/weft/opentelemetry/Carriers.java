package io.weft.opentelemetry;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.weft.api.Invocation;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.Transport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where trace context travels in a call's metadata. Over gRPC: the propagator's keys as they are
 * (lower case, as grpc-java's instrumentation sends them), plus the {@code rpc-transit-} copy that
 * Kitex's HTTP/2 meta handler turns into the metainfo obs-opentelemetry reads. Over TTHeader:
 * obs-opentelemetry puts the keys into transient metainfo ({@code metainfo.WithValue}), which Kitex
 * writes as string headers {@code RPC_TRANSIT_<key>}, the key as the propagator wrote it.
 *
 * <p>The prefixed keys of the propagator's fields are made once, so that a call concatenates no
 * key; a key outside its fields (a propagator that writes others) is prefixed when it comes.
 */
final class Carriers {
  /** One propagator key with each prefix it travels under. */
  record Keys(String http, String ttheader, String ttheaderUpstream) {
    static Keys of(String key) {
      return new Keys(
          MetaInfo.HTTP_TRANSIENT + key,
          MetaInfo.TTHEADER_TRANSIENT + key,
          MetaInfo.TTHEADER_TRANSIENT_UPSTREAM + key);
    }
  }

  /** Read only after construction. */
  private final Map<String, Keys> known = new HashMap<>();

  final TextMapSetter<Invocation> setter = this::set;
  final TextMapGetter<Invocation> getter;

  Carriers(Collection<String> fields) {
    for (String f : fields) {
      known.put(f, Keys.of(f));
    }
    getter =
        new TextMapGetter<>() {
          // deprecated since OpenTelemetry 1.68 with an empty default, yet the OT-trace and Jaeger
          // propagators still list keys
          @SuppressWarnings("deprecation")
          @Override
          public Iterable<String> keys(Invocation inv) {
            List<String> keys = new ArrayList<>();
            for (String k : inv.metadata().keys()) {
              keys.add(strip(k));
            }
            return keys;
          }

          @Override
          public String get(Invocation inv, String key) {
            return inv == null ? null : Carriers.this.get(inv, key);
          }
        };
  }

  /** {@code key} with its prefixes: made once for the propagator's fields. */
  Keys keys(String key) {
    Keys k = known.get(key);
    return k != null ? k : Keys.of(key);
  }

  /** Whether calls over {@code transport} carry trace context (they have headers). */
  static boolean carries(Transport transport) {
    return transport != Transport.FRAMED && transport != Transport.BUFFERED;
  }

  private void set(Invocation inv, String key, String value) {
    if (inv != null) {
      set(inv, key, keys(key), value);
    }
  }

  /** Writes {@code value} of the propagator's {@code key} (with its {@code keys}) into the call. */
  static void set(Invocation inv, String key, Keys keys, String value) {
    Metadata md = inv.metadata();
    switch (inv.transport()) {
      case GRPC -> {
        md.set(key, value);
        md.set(keys.http(), value);
      }
      case TTHEADER, TTHEADER_FRAMED, TTHEADER_STREAMING -> md.set(keys.ttheader(), value);
      case FRAMED, BUFFERED -> {
        // no headers to carry it
      }
    }
  }

  private String get(Invocation inv, String key) {
    Metadata md = inv.metadata();
    if (md.isEmpty()) { // a call that carries nothing: no look-ups
      return null;
    }
    if (inv.transport() == Transport.GRPC) {
      String v = md.get(key);
      return v != null ? v : md.get(keys(key).http());
    }
    Keys k = keys(key);
    String v = md.get(k.ttheader());
    if (v == null) {
      v = md.get(k.ttheaderUpstream());
    }
    return v != null ? v : md.get(key);
  }

  /**
   * The values of the two propagator keys whose names are {@code names}, found in one pass over a
   * call's metadata (where the getter looks a missing key up under each of its names in turn):
   * {@link Pair#value} 0 for the first key, 1 for the second, each null when absent and each taken
   * as the getter takes it. Over gRPC the key as it is, else its {@code rpc-transit-} copy; over
   * the other transports the {@code RPC_TRANSIT_} header, else the {@code RPC_UPSTREAM_} one, else
   * the key as it is; of repeated headers the last.
   */
  static Pair find(Invocation inv, PairNames names) {
    Pair pair = new Pair(names.of(inv.transport()));
    inv.metadata().forEach(pair);
    return pair;
  }

  /** How many names a key travels under at most: see {@link PairNames}. */
  private static final int NAMES = 3;

  /**
   * The names two propagator keys travel under, in order of precedence, per transport: made once,
   * so that a {@link #find} builds none.
   */
  static final class PairNames {
    /** Key {@code k}'s names at {@code k * NAMES} on; null for none. */
    private final String[] grpc = new String[2 * NAMES];

    private final String[] other = new String[2 * NAMES];

    PairNames(Keys firstKeys, String first, Keys secondKeys, String second) {
      name(0, firstKeys, first);
      name(NAMES, secondKeys, second);
    }

    private void name(int at, Keys keys, String key) {
      grpc[at] = key;
      grpc[at + 1] = keys.http();
      other[at] = keys.ttheader();
      other[at + 1] = keys.ttheaderUpstream();
      other[at + 2] = key;
    }

    String[] of(Transport transport) {
      return transport == Transport.GRPC ? grpc : other;
    }
  }

  /**
   * One pass over a call's metadata for two keys: under each of their names (in order of
   * precedence) the last value seen.
   */
  static final class Pair implements BiConsumer<String, String> {
    /** Shared, only read. */
    private final String[] names;

    private final String[] values = new String[2 * NAMES];

    private Pair(String[] names) {
      this.names = names;
    }

    @Override
    public void accept(String key, String value) {
      for (int i = 0; i < names.length; i++) {
        if (key.equals(names[i])) {
          values[i] = value;
          return;
        }
      }
    }

    /** Key {@code k}'s value under its first name present. */
    String value(int k) {
      for (int i = k * NAMES; i < (k + 1) * NAMES; i++) {
        if (values[i] != null) {
          return values[i];
        }
      }
      return null;
    }
  }

  private static String strip(String key) {
    if (key.startsWith(MetaInfo.TTHEADER_TRANSIENT_UPSTREAM)) {
      return key.substring(MetaInfo.TTHEADER_TRANSIENT_UPSTREAM.length());
    }
    if (key.startsWith(MetaInfo.TTHEADER_TRANSIENT)) {
      return key.substring(MetaInfo.TTHEADER_TRANSIENT.length());
    }
    if (key.startsWith(MetaInfo.HTTP_TRANSIENT)) {
      return key.substring(MetaInfo.HTTP_TRANSIENT.length());
    }
    return key;
  }
}
