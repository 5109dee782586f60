package io.weft.registry.etcd.internal;

import io.weft.internal.wire.Json;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value kitex-contrib/registry-etcd stores for an instance, {@code
 * {"network":"tcp","address":"host:port","weight":10,"tags":{"k":"v"}}} (its {@code instanceInfo}),
 * through Weft's one JSON reader and writer ({@link Json}); a value of another shape is refused
 * with a clear message rather than half-read.
 *
 * @param network Go's network name, {@code tcp} for every instance a Weft client can call
 * @param address {@code host:port}
 * @param weight as written; 0 or less means "the default" to registry-etcd's resolver
 * @param tags free-form labels
 */
public record InstanceJson(String network, String address, int weight, Map<String, String> tags) {
  public InstanceJson {
    tags = Map.copyOf(tags);
  }

  /** The JSON text, fields in registry-etcd's order, tags sorted. */
  public String encode() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("network", network);
    value.put("address", address);
    value.put("weight", weight);
    value.put("tags", new TreeMap<>(tags));
    return Json.write(value);
  }

  /**
   * Reads a value; fields it does not know are skipped, as Go's {@code json.Unmarshal} skips them.
   *
   * @throws IllegalArgumentException if {@code json} is not such an object
   */
  public static InstanceJson decode(String json) {
    Object v;
    try {
      v = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + ": " + abbreviate(json), e);
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("not a JSON object: " + abbreviate(json));
    }
    String network = m.get("network") instanceof String s ? s : "tcp";
    if (!(m.get("address") instanceof String address)) {
      throw new IllegalArgumentException("no \"address\" string in " + abbreviate(json));
    }
    int weight =
        m.get("weight") instanceof BigDecimal d
            ? d.max(BigDecimal.valueOf(Integer.MIN_VALUE))
                .min(BigDecimal.valueOf(Integer.MAX_VALUE))
                .intValue()
            : 0;
    Map<String, String> tags = new LinkedHashMap<>();
    if (m.get("tags") instanceof Map<?, ?> t) {
      for (Map.Entry<?, ?> e : t.entrySet()) {
        if (e.getValue() instanceof String s) {
          tags.put((String) e.getKey(), s);
        }
      }
    }
    return new InstanceJson(network, address, weight, tags);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
