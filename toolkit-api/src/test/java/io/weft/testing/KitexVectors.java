package io.weft.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The byte-level vectors of {@code kitex-vectors.txt} (test resources), by letter: the Kitex
 * Protobuf and Thrift-over-gRPC framings that {@code shared/spec/vectors.txt} leaves out.
 */
public final class KitexVectors {
  private static final Map<String, byte[]> VECTORS = load();

  private KitexVectors() {}

  /** The vector {@code letter} ("F", "G", "H"); a fresh copy. */
  public static byte[] get(String letter) {
    byte[] b = VECTORS.get(letter);
    if (b == null) {
      throw new IllegalArgumentException("no vector " + letter + " in kitex-vectors.txt");
    }
    return b.clone();
  }

  private static Map<String, byte[]> load() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in = KitexVectors.class.getResourceAsStream("/kitex-vectors.txt")) {
      String key = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.startsWith("# ") && line.length() > 3 && line.charAt(3) == ':') {
          key = line.substring(2, 3);
        } else if (!line.isEmpty() && !line.startsWith("#") && key != null) {
          out.put(key, HexFormat.of().parseHex(line));
          key = null;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
