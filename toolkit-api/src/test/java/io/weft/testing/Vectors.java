package io.weft.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The byte-level vectors of {@code shared/spec/vectors.txt} (copied to test resources), by letter.
 */
public final class Vectors {
  private Vectors() {}

  /** Every vector, keyed by its letter ("A", "B", ...), in file order. */
  public static Map<String, byte[]> load() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors.txt")) {
      String key = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.startsWith("#")) {
          key = line.substring(1).strip().split(":")[0];
        } else if (!line.isEmpty() && key != null) {
          out.put(key, HexFormat.of().parseHex(line));
          key = null;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  public static byte[] get(String letter) {
    byte[] b = load().get(letter);
    if (b == null) {
      throw new IllegalArgumentException("no vector " + letter);
    }
    return b;
  }
}
