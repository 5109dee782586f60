package io.weft.gen.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import io.weft.gen.Sides;
import io.weft.gen.SourceFile;
import io.weft.gen.model.GenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles .proto files: protoc (the one from Maven Central; no install), run by {@link Protoc},
 * writes the message classes with {@code --java_out} and a descriptor set, from which {@link
 * ProtoServices} writes the services.
 */
public final class ProtoGenerator {
  private ProtoGenerator() {}

  /**
   * Runs protoc over {@code sources} and returns the files to write: protoc's message classes and
   * the services. protoc writes into a temporary folder, so that only {@link
   * io.weft.gen.OutputWriter} touches the output folder.
   *
   * @throws GenException with protoc's own error lines if it fails
   */
  public static List<SourceFile> generate(
      Path protoc, List<Path> sources, List<Path> includeDirs, Sides sides) throws IOException {
    Path javaOut = Files.createTempDirectory("weft-protoc-java");
    try {
      Protoc.Compiled compiled = Protoc.compile(protoc, sources, includeDirs, javaOut);
      FileDescriptorSet descriptors = compiled.descriptors();
      ProtoNames protoNames = new ProtoNames(descriptors.getFileList());
      ProtoServices services = new ProtoServices(protoNames, sides);
      List<SourceFile> out = new ArrayList<>(messages(javaOut));
      for (FileDescriptorProto f : descriptors.getFileList()) {
        if (compiled.sourceNames().contains(f.getName())) {
          services.emit(f).forEach(j -> out.add(SourceFile.of(j)));
        }
      }
      return out;
    } finally {
      try (Stream<Path> walk = Files.walk(javaOut)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The sources protoc wrote under {@code dir}, in a stable order. */
  private static List<SourceFile> messages(Path dir) throws IOException {
    List<SourceFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.add(
            new SourceFile(
                dir.relativize(p).toString().replace('\\', '/'),
                Files.readString(p, StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
