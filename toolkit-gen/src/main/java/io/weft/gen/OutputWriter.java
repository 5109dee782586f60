package io.weft.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The only part of the generator that touches the output folder: writes sources, leaving unchanged
 * files untouched.
 */
public final class OutputWriter {
  private OutputWriter() {}

  /** Writes each file under {@code root}; returns how many were new or changed. */
  public static int write(List<SourceFile> files, Path root) throws IOException {
    int changed = 0;
    for (SourceFile f : files) {
      Path target = root.resolve(f.path());
      byte[] content = f.content().getBytes(StandardCharsets.UTF_8);
      if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
        continue;
      }
      Files.createDirectories(target.getParent());
      Files.write(target, content);
      changed++;
    }
    return changed;
  }
}
