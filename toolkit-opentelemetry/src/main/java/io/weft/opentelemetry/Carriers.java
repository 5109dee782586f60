package io.weft.opentelemetry;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.weft.api.Invocation;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Where trace context travels in a call's metadata. Over gRPC: the propagator's keys as they are
 * (lower case, as grpc-java's instrumentation sends them), plus the {@code rpc-transit-} copy that
 * Kitex's HTTP/2 meta handler turns into the metainfo obs-opentelemetry reads. Over TTHeader:
 * obs-opentelemetry puts the keys into transient metainfo ({@code metainfo.WithValue}), which Kitex
 * writes as string headers {@code RPC_TRANSIT_<key>}, the key as the propagator wrote it.
 */
final class Carriers {
  private Carriers() {}

  static final TextMapSetter<Invocation> SETTER =
      (inv, key, value) -> {
        if (inv == null) {
          return;
        }
        Metadata md = inv.metadata();
        switch (inv.transport()) {
          case GRPC -> {
            md.set(key, value);
            md.set(MetaInfo.HTTP_TRANSIENT + key, value);
          }
          case TTHEADER, TTHEADER_FRAMED -> md.set(MetaInfo.TTHEADER_TRANSIENT + key, value);
          case FRAMED, BUFFERED -> {
            // no headers to carry it
          }
        }
      };

  static final TextMapGetter<Invocation> GETTER =
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
          if (inv == null) {
            return null;
          }
          Metadata md = inv.metadata();
          if (inv.transport() == io.weft.api.Transport.GRPC) {
            String v = md.get(key);
            return v != null ? v : md.get(MetaInfo.HTTP_TRANSIENT + key);
          }
          String v = md.get(MetaInfo.TTHEADER_TRANSIENT + key);
          if (v == null) {
            v = md.get(MetaInfo.TTHEADER_TRANSIENT_UPSTREAM + key);
          }
          return v != null ? v : md.get(key);
        }
      };

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
