package io.weft.gen.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import io.weft.gen.Sides;
import io.weft.gen.SourceFile;
import io.weft.gen.model.GenException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Compiles .proto files: protoc (the one from Maven Central; no install) writes the message classes
 * with {@code --java_out} and a descriptor set, from which {@link ProtoServices} writes the
 * services. The well-known types ({@code google/protobuf/*.proto}) come from the protobuf-java jar,
 * so imports of them work without a protobuf install either.
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
    Path work = Files.createTempDirectory("weft-protoc");
    try {
      Path wellKnown = work.resolve("include");
      extractWellKnownTypes(wellKnown);
      List<Path> includes = new ArrayList<>();
      for (Path d : includeDirs) {
        includes.add(d.toAbsolutePath().normalize());
      }
      List<String> names = new ArrayList<>();
      for (Path src : sources) {
        Path abs = src.toAbsolutePath().normalize();
        Path root = includes.stream().filter(abs::startsWith).findFirst().orElse(null);
        if (root == null) {
          root = abs.getParent();
          includes.add(root);
        }
        names.add(root.relativize(abs).toString().replace('\\', '/'));
      }
      includes.add(wellKnown);
      Path javaOut = work.resolve("java");
      Files.createDirectories(javaOut);
      Path set = work.resolve("descriptors.pb");
      List<String> cmd = new ArrayList<>();
      cmd.add(protoc.toString());
      for (Path i : includes) {
        cmd.add("-I" + i);
      }
      cmd.add("--java_out=" + javaOut.toAbsolutePath());
      cmd.add("--descriptor_set_out=" + set);
      cmd.add("--include_imports");
      cmd.add("--include_source_info");
      cmd.addAll(names);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running protoc", e);
      }
      if (code != 0) {
        List<String> errors = output.lines().filter(l -> !l.isBlank()).toList();
        throw new GenException(
            errors.isEmpty() ? List.of("protoc failed with exit code " + code) : errors);
      }
      FileDescriptorSet descriptors;
      try (InputStream in = Files.newInputStream(set)) {
        descriptors = FileDescriptorSet.parseFrom(in);
      }
      ProtoNames protoNames = new ProtoNames(descriptors.getFileList());
      ProtoServices services = new ProtoServices(protoNames, sides);
      List<SourceFile> out = new ArrayList<>(messages(javaOut));
      for (FileDescriptorProto f : descriptors.getFileList()) {
        if (names.contains(f.getName())) {
          services.emit(f).forEach(j -> out.add(SourceFile.of(j)));
        }
      }
      return out;
    } finally {
      try (Stream<Path> walk = Files.walk(work)) {
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

  /** Copies {@code google/protobuf/*.proto} out of the protobuf-java jar. */
  private static void extractWellKnownTypes(Path dir) throws IOException {
    URL any =
        FileDescriptorProto.class.getClassLoader().getResource("google/protobuf/descriptor.proto");
    if (any == null) {
      return;
    }
    if (any.openConnection() instanceof JarURLConnection jar) {
      try (JarFile jf = new JarFile(Path.of(jar.getJarFileURL().toURI()).toFile())) {
        Enumeration<JarEntry> entries = jf.entries();
        while (entries.hasMoreElements()) {
          JarEntry e = entries.nextElement();
          if (e.getName().startsWith("google/protobuf/") && e.getName().endsWith(".proto")) {
            Path target = dir.resolve(e.getName());
            Files.createDirectories(target.getParent());
            try (InputStream in = jf.getInputStream(e)) {
              Files.copy(in, target);
            }
          }
        }
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
    } else {
      Path src = Path.of(java.net.URI.create(any.toString())).getParent();
      try (Stream<Path> files = Files.list(src)) {
        for (Path f : files.filter(x -> x.toString().endsWith(".proto")).toList()) {
          Path target = dir.resolve("google/protobuf").resolve(f.getFileName().toString());
          Files.createDirectories(target.getParent());
          Files.copy(f, target);
        }
      }
    }
  }
}
