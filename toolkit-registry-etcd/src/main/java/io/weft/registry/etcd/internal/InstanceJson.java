package io.weft.registry.etcd.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value kitex-contrib/registry-etcd stores for an instance, {@code
 * {"network":"tcp","address":"host:port","weight":10,"tags":{"k":"v"}}} (its {@code instanceInfo}),
 * written and read without a JSON library: only this flat shape is needed, and a value of any
 * other shape is refused with a clear message rather than half-read.
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
    StringBuilder b = new StringBuilder("{\"network\":");
    quote(b, network);
    b.append(",\"address\":");
    quote(b, address);
    b.append(",\"weight\":").append(weight).append(",\"tags\":{");
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(tags).entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      quote(b, e.getKey());
      b.append(':');
      quote(b, e.getValue());
    }
    return b.append("}}").toString();
  }

  /**
   * Reads a value; fields it does not know are skipped, as Go's {@code json.Unmarshal} skips them.
   *
   * @throws IllegalArgumentException if {@code json} is not such an object
   */
  public static InstanceJson decode(String json) {
    Parser p = new Parser(json);
    Object v = p.value();
    p.end();
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("not a JSON object: " + abbreviate(json));
    }
    String network = m.get("network") instanceof String s ? s : "tcp";
    if (!(m.get("address") instanceof String address)) {
      throw new IllegalArgumentException("no \"address\" string in " + abbreviate(json));
    }
    int weight = m.get("weight") instanceof Double d ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, d)) : 0;
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

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** A JSON reader for values: objects as maps, arrays skipped to null, numbers as doubles. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      if (i >= s.length()) {
        throw error("a value");
      }
      char c = s.charAt(i);
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    void end() {
      ws();
      if (i != s.length()) {
        throw error("the end");
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      ws();
      if (peek() == '}') {
        i++;
        return m;
      }
      while (true) {
        ws();
        if (peek() != '"') {
          throw error("a field name");
        }
        String k = string();
        ws();
        expect(':');
        m.put(k, value());
        ws();
        if (peek() == ',') {
          i++;
        } else {
          expect('}');
          return m;
        }
      }
    }

    private Object array() {
      i++;
      ws();
      if (peek() == ']') {
        i++;
        return null;
      }
      while (true) {
        value();
        ws();
        if (peek() == ',') {
          i++;
        } else {
          expect(']');
          return null;
        }
      }
    }

    private String string() {
      i++;
      StringBuilder b = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (i >= s.length()) {
          break;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("four hex digits");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException x) {
              throw error("four hex digits");
            }
            i += 4;
          }
          default -> b.append(e);
        }
      }
      throw error("the end of a string");
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, i)) {
        throw error(word);
      }
      i += word.length();
      return v;
    }

    private Double number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      try {
        return Double.valueOf(s.substring(start, i));
      } catch (NumberFormatException e) {
        i = start;
        throw error("a value");
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("'" + c + "'");
      }
      i++;
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private IllegalArgumentException error(String expected) {
      return new IllegalArgumentException("bad instance JSON: expected " + expected + " at offset " + i + " of " + abbreviate(s));
    }
  }
}
