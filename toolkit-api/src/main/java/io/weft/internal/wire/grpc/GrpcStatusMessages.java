package io.weft.internal.wire.grpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code grpc-message} header's percent-encoding (gRPC's HTTP/2 protocol spec): UTF-8, with
 * every byte outside printable ASCII, and {@code %} itself, written as {@code %XX}. Decoding is
 * lenient: a malformed escape stays as written.
 */
public final class GrpcStatusMessages {
  private GrpcStatusMessages() {}

  public static String encode(String message) {
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = null;
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xFF;
      if (b < 0x20 || b > 0x7E || b == '%') {
        if (sb == null) {
          sb = new StringBuilder(utf8.length * 2);
          for (int j = 0; j < i; j++) {
            sb.append((char) utf8[j]);
          }
        }
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      } else if (sb != null) {
        sb.append((char) b);
      }
    }
    return sb == null ? message : sb.toString();
  }

  public static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < value.length()) {
        int hi = Character.digit(value.charAt(i + 1), 16);
        int lo = Character.digit(value.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(raw, 0, raw.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
