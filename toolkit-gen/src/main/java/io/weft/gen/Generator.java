package io.weft.gen;

import com.palantir.javapoet.JavaFile;
import io.weft.gen.java.JavaGenerator;
import io.weft.gen.model.GenException;
import io.weft.gen.model.Schema;
import io.weft.gen.thrift.Linker;
import java.nio.file.Path;
import java.util.List;

/** The pipeline: parse and link the IDL, then emit Java. Shared by the CLI and the Maven plugin. */
public final class Generator {
  private Generator() {}

  /**
   * The Java files for {@code options.sources()}.
   *
   * @throws GenException listing every problem in the IDL, with positions
   */
  public static List<JavaFile> generate(GenOptions options) {
    List<Path> thrift = options.sources().stream().filter(p -> p.toString().endsWith(".thrift")).toList();
    List<Path> other = options.sources().stream().filter(p -> !p.toString().endsWith(".thrift")).toList();
    if (!other.isEmpty()) {
      throw new GenException(other.get(0) + ": not a .thrift file (toolkit-gen reads Thrift IDL)");
    }
    if (thrift.isEmpty()) {
      return List.of();
    }
    Schema schema = Linker.link(thrift, options.includeDirs());
    return new JavaGenerator(schema).generate();
  }
}
