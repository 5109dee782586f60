package io.weft.wire;

import io.weft.api.BizStatusException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * {@link BizStatusException} to and from Kitex's headers: {@code biz-status} (decimal int32),
 * {@code biz-message}, and {@code biz-extra}, a flat JSON object of strings.
 */
public final class BizStatus {
  /** The longest {@code biz-extra} read; longer ones are refused before parsing. */
  public static final int MAX_EXTRA_CHARS = 64 * 1024;

  private BizStatus() {}

  /**
   * Writes {@code e}'s code, extra and (when {@code withMessage}) message through {@code put}.
   * gRPC carries the message in {@code grpc-message} instead.
   */
  public static void write(BizStatusException e, boolean withMessage, BiConsumer<String, String> put) {
    put.accept(BizStatusException.STATUS_KEY, Integer.toString(e.code()));
    if (withMessage) {
      put.accept(BizStatusException.MESSAGE_KEY, e.getMessage());
    }
    if (!e.extra().isEmpty()) {
      put.accept(BizStatusException.EXTRA_KEY, toJson(e.extra()));
    }
  }

  /**
   * The business error the headers carry, or null when they carry none (no {@code biz-status},
   * or 0). {@code message} is used when the headers have no {@code biz-message}.
   *
   * @throws WireException if {@code biz-status} or {@code biz-extra} is malformed
   */
  public static BizStatusException read(UnaryOperator<String> get, String message) throws WireException {
    String status = get.apply(BizStatusException.STATUS_KEY);
    if (status == null) {
      return null;
    }
    int code;
    try {
      code = Integer.parseInt(status.trim());
    } catch (NumberFormatException e) {
      throw new WireException("malformed biz-status " + status);
    }
    if (code == 0) {
      return null;
    }
    String msg = get.apply(BizStatusException.MESSAGE_KEY);
    String extra = get.apply(BizStatusException.EXTRA_KEY);
    return new BizStatusException(code, msg != null ? msg : message == null ? "" : message,
        extra == null || extra.isEmpty() ? Map.of() : fromJson(extra));
  }

  /** A JSON object of the pairs, in order. */
  public static String toJson(Map<String, String> m) {
    StringBuilder b = new StringBuilder(16 * m.size() + 2).append('{');
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      quote(b, e.getKey()).append(':');
      quote(b, e.getValue());
    }
    return b.append('}').toString();
  }

  private static StringBuilder quote(StringBuilder b, String s) {
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
    return b.append('"');
  }

  /**
   * Parses a flat JSON object whose values are strings (what Kitex writes). Numbers, booleans
   * and null as values are kept as their text; nested values are refused.
   */
  public static Map<String, String> fromJson(String json) throws WireException {
    if (json.length() > MAX_EXTRA_CHARS) {
      throw new WireException("biz-extra of " + json.length() + " characters exceeds " + MAX_EXTRA_CHARS);
    }
    Parser p = new Parser(json);
    Map<String, String> out = new LinkedHashMap<>();
    p.skipSpace();
    p.expect('{');
    p.skipSpace();
    if (p.peek() == '}') {
      p.pos++;
    } else {
      while (true) {
        p.skipSpace();
        String k = p.string();
        p.skipSpace();
        p.expect(':');
        p.skipSpace();
        out.put(k, p.peek() == '"' ? p.string() : p.scalar());
        p.skipSpace();
        char c = p.next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw p.error("',' or '}'");
        }
      }
    }
    p.skipSpace();
    if (p.pos != json.length()) {
      throw p.error("the end");
    }
    return out;
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    char peek() throws WireException {
      if (pos >= s.length()) {
        throw error("more");
      }
      return s.charAt(pos);
    }

    char next() throws WireException {
      char c = peek();
      pos++;
      return c;
    }

    void expect(char c) throws WireException {
      if (next() != c) {
        pos--;
        throw error("'" + c + "'");
      }
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    String scalar() throws WireException {
      int start = pos;
      while (pos < s.length() && ",} \t\r\n".indexOf(s.charAt(pos)) < 0) {
        char c = s.charAt(pos);
        if (c == '{' || c == '[' || c == '"') {
          throw error("a string or scalar value");
        }
        pos++;
      }
      if (pos == start) {
        throw error("a value");
      }
      return s.substring(start, pos);
    }

    String string() throws WireException {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("four hex digits");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("four hex digits");
            }
            pos += 4;
          }
          default -> throw error("an escape");
        }
      }
    }

    WireException error(String expected) {
      return new WireException("malformed biz-extra: expected " + expected + " at " + pos);
    }
  }
}
