package io.weft.gen.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
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
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Runs protoc: compiles .proto files into a {@code FileDescriptorSet} (imports included), with the
 * well-known types ({@code google/protobuf/*.proto}) taken from the protobuf-java jar, so that
 * imports of them work without a protobuf install. The generator and toolkit-generic's run-time
 * Protobuf model both compile through here.
 */
public final class Protoc {
  private Protoc() {}

  /** The result of one protoc run: the descriptor set and the sources' names in it. */
  public record Compiled(FileDescriptorSet descriptors, List<String> sourceNames) {}

  /**
   * Compiles {@code sources} (each a .proto file; its import root is the first of {@code
   * includeDirs} that contains it, else its own folder) into a descriptor set with every import and
   * source info, and, when {@code javaOut} is not null, writes protoc's Java classes there.
   *
   * @throws GenException with protoc's own error lines if it fails
   * @throws IOException if protoc cannot be run
   */
  public static Compiled compile(
      Path protoc, List<Path> sources, List<Path> includeDirs, Path javaOut) throws IOException {
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
      Path set = work.resolve("descriptors.pb");
      List<String> cmd = new ArrayList<>();
      cmd.add(protoc.toString());
      for (Path i : includes) {
        cmd.add("-I" + i);
      }
      if (javaOut != null) {
        cmd.add("--java_out=" + javaOut.toAbsolutePath());
      }
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
      try (InputStream in = Files.newInputStream(set)) {
        return new Compiled(FileDescriptorSet.parseFrom(in), List.copyOf(names));
      }
    } finally {
      try (Stream<Path> walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The protoc to run when none is given: {@code $WEFT_PROTOC}, the system property {@code
   * weft.protoc}, the release the Weft build fetched into the local Maven repository ({@code
   * ~/.m2/repository/com/google/protobuf/protoc/<protobuf-java's version>/}), or {@code protoc} on
   * the {@code PATH}.
   *
   * @throws IllegalStateException naming where it looked, if there is none
   */
  public static Path find() {
    String env = System.getenv("WEFT_PROTOC");
    if (env != null && !env.isBlank()) {
      return executable(Path.of(env));
    }
    String prop = System.getProperty("weft.protoc");
    if (prop != null && !prop.isBlank()) {
      return executable(Path.of(prop));
    }
    List<String> tried = new ArrayList<>();
    Path fromMaven = inMavenRepository();
    if (fromMaven != null) {
      if (Files.isRegularFile(fromMaven)) {
        if (Files.isExecutable(fromMaven) || fromMaven.toFile().setExecutable(true)) {
          return fromMaven;
        }
      }
      tried.add(fromMaven.toString());
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, "protoc");
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    tried.add("protoc on the PATH");
    throw new IllegalStateException(
        "no protoc found (tried $WEFT_PROTOC, -Dweft.protoc, "
            + String.join(", ", tried)
            + "); set WEFT_PROTOC to a protoc, or pass a descriptor set instead");
  }

  /** {@code p}, made executable if it is a file that is not (a release copied out of a repo). */
  private static Path executable(Path p) {
    if (Files.isRegularFile(p) && !Files.isExecutable(p)) {
      boolean ignored = p.toFile().setExecutable(true);
    }
    return p;
  }

  /**
   * The classifier of the protoc release for this machine ({@code linux-x86_64}, {@code
   * osx-aarch_64}, …), or null if protoc publishes none for it.
   */
  public static String classifier() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String o =
        os.contains("linux")
            ? "linux"
            : os.contains("mac") ? "osx" : os.contains("windows") ? "windows" : null;
    String a =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x86_64"
            : arch.equals("aarch64") || arch.equals("arm64") ? "aarch_64" : null;
    return o == null || a == null ? null : o + "-" + a;
  }

  private static Path inMavenRepository() {
    String classifier = classifier();
    if (classifier == null) {
      return null;
    }
    String version =
        com.google.protobuf.RuntimeVersion.MAJOR
            + "."
            + com.google.protobuf.RuntimeVersion.MINOR
            + "."
            + com.google.protobuf.RuntimeVersion.PATCH;
    String repo = System.getProperty("maven.repo.local");
    Path root =
        repo != null
            ? Path.of(repo)
            : Path.of(System.getProperty("user.home"), ".m2", "repository");
    return root.resolve(
        Path.of(
            "com/google/protobuf/protoc",
            version,
            "protoc-" + version + "-" + classifier + ".exe"));
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
