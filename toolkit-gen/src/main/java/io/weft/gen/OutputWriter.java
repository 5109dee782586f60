package io.weft.gen;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The only part of the generator that touches the file system: writes sources, leaving unchanged files untouched. */
public final class OutputWriter {
  private OutputWriter() {}

  /** Writes each file under {@code root}; returns how many were new or changed. */
  public static int write(List<JavaFile> files, Path root) throws IOException {
    int changed = 0;
    for (JavaFile f : files) {
      Path dir = root;
      if (!f.packageName().isEmpty()) {
        for (String part : f.packageName().split("\\.")) {
          dir = dir.resolve(part);
        }
      }
      Files.createDirectories(dir);
      Path target = dir.resolve(f.typeSpec().name() + ".java");
      byte[] content = f.toString().getBytes(StandardCharsets.UTF_8);
      if (Files.exists(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
        continue;
      }
      Files.write(target, content);
      changed++;
    }
    return changed;
  }
}
