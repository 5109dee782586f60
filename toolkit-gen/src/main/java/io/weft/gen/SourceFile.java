package io.weft.gen;

import com.palantir.javapoet.JavaFile;
import java.util.regex.Pattern;

/**
 * One generated Java source: its path under the output folder ({@code io/weft/Foo.java}, always
 * with {@code /}) and its text. Emitters and protoc produce these; only {@link OutputWriter} writes
 * them.
 */
public record SourceFile(String path, String content) {
  private static final Pattern TRAILING_SPACES = Pattern.compile("[ \\t]+$", Pattern.MULTILINE);

  public SourceFile {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("..")) {
      throw new IllegalArgumentException("not a relative source path: " + path);
    }
  }

  /**
   * The source JavaPoet renders for {@code f}, without the trailing spaces JavaPoet leaves where it
   * breaks a line (generated code holds no text block, so no string literal loses one), and with
   * declarations too long for {@link LongLines#LIMIT} broken.
   */
  public static SourceFile of(JavaFile f) {
    String dir = f.packageName().isEmpty() ? "" : f.packageName().replace('.', '/') + "/";
    String text = TRAILING_SPACES.matcher(f.toString()).replaceAll("");
    return new SourceFile(dir + f.typeSpec().name() + ".java", LongLines.wrap(text));
  }
}
