package io.weft.gen;

import io.weft.gen.java.JavaGenerator;
import io.weft.gen.model.GenException;
import io.weft.gen.model.Schema;
import io.weft.gen.proto.ProtoGenerator;
import io.weft.gen.thrift.Linker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The pipeline: parse and link the IDL, then emit Java. Shared by the CLI and the Maven plugin. */
public final class Generator {
  private Generator() {}

  /**
   * The Java files for {@code options.sources()}, to be written by {@link OutputWriter}.
   *
   * @throws GenException listing every problem in the IDL, with positions
   */
  public static List<SourceFile> generate(GenOptions options) {
    List<Path> thrift =
        options.sources().stream().filter(p -> p.toString().endsWith(".thrift")).toList();
    List<Path> proto =
        options.sources().stream().filter(p -> p.toString().endsWith(".proto")).toList();
    List<Path> other =
        options.sources().stream().filter(p -> !thrift.contains(p) && !proto.contains(p)).toList();
    if (!other.isEmpty()) {
      throw new GenException(other.get(0) + ": not a .thrift or .proto file");
    }
    List<SourceFile> out = new ArrayList<>();
    if (!thrift.isEmpty()) {
      Schema schema = Linker.link(thrift, options.includeDirs());
      new JavaGenerator(schema, options.sides()).generate().forEach(f -> out.add(SourceFile.of(f)));
    }
    if (!proto.isEmpty()) {
      if (options.protoc() == null) {
        throw new GenException(
            proto.get(0)
                + ": .proto files need protoc: pass --protoc PATH (the Maven plugin finds it itself)");
      }
      try {
        out.addAll(
            ProtoGenerator.generate(
                options.protoc(), proto, options.includeDirs(), options.sides()));
      } catch (IOException e) {
        throw new GenException(
            proto.get(0) + ": cannot run protoc " + options.protoc() + ": " + e.getMessage());
      }
    }
    return out;
  }
}
