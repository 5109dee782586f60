package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated sources for the IDLs under {@code src/test/resources/good} (Thrift, and .proto
 * under {@code good/proto}) match the checked-in expectations under {@code expected/<idl name>/},
 * are the same on every run, and compile against Weft's runtime. For .proto files only
 * toolkit-gen's own files (the services) are compared, not protoc's message classes.
 *
 * <p>After an intended change to the output, refresh the expectations with {@code make golden} (it
 * runs this test with property {@code golden.update=true}, which rewrites them) and review the diff
 * before committing it.
 */
class GoldenTest {
  private static final Path RESOURCES = Path.of("src/test/resources");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "echo.thrift",
        "interop.thrift",
        "everything.thrift",
        "stream.thrift",
        "proto/weft/test/routes.proto"
      })
  void matchesExpectedAndCompiles(String idl, @TempDir Path tmp) throws IOException {
    Map<String, String> all = generate(idl);
    assertThat(generate(idl)).as("same input, same output").isEqualTo(all);
    Map<String, String> generated = new TreeMap<>(all);
    generated.values().removeIf(text -> !text.startsWith("// " + io.weft.gen.java.Names.GENERATED));

    String name = Path.of(idl).getFileName().toString();
    Path expectedDir =
        RESOURCES.resolve("expected").resolve(name.substring(0, name.lastIndexOf('.')));
    if (UPDATE) {
      if (Files.exists(expectedDir)) {
        try (Stream<Path> old = Files.walk(expectedDir)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      for (var e : generated.entrySet()) {
        Path p = expectedDir.resolve(e.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, e.getValue());
      }
    }
    assertThat(read(expectedDir))
        .as("generated sources for " + idl + " (run 'make golden' after intended changes)")
        .isEqualTo(generated);

    compile(all, tmp);
  }

  static Map<String, String> generate(String idl) {
    return generate(idl, Sides.BOTH);
  }

  static Map<String, String> generate(String idl, Sides sides) {
    Path source = RESOURCES.resolve("good").resolve(idl);
    if (!idl.endsWith(".proto")) {
      return generate(List.of(source), List.of(), sides);
    }
    // a .proto file with the files of its folder, which it imports
    try (Stream<Path> dir = Files.list(source.getParent())) {
      List<Path> sources = dir.filter(p -> p.toString().endsWith(".proto")).sorted().toList();
      return generate(sources, List.of(RESOURCES.resolve("good/proto")), sides);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every file generated for {@code sources}, by path. */
  static Map<String, String> generate(List<Path> sources, List<Path> includes, Sides sides) {
    boolean proto = sources.stream().anyMatch(p -> p.toString().endsWith(".proto"));
    List<SourceFile> files =
        Generator.generate(
            new GenOptions(
                sources, includes, Path.of("unused"), proto ? TestProtoc.path() : null, sides));
    Map<String, String> out = new TreeMap<>();
    for (SourceFile f : files) {
      out.put(f.path(), f.content());
    }
    return out;
  }

  private static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(
            dir.relativize(p).toString().replace('\\', '/'),
            Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * Compiles the sources against the test classpath (Weft's runtime and libthrift); fails with the
   * compiler's messages.
   */
  static void compile(Map<String, String> sources, Path tmp) throws IOException {
    compile(sources, tmp, entry -> true);
  }

  /** Compiles {@code sources} against the test class path's entries that {@code keep} accepts. */
  static void compile(
      Map<String, String> sources, Path tmp, java.util.function.Predicate<String> keep)
      throws IOException {
    Path src = tmp.resolve("src");
    List<Path> paths = new ArrayList<>();
    for (var e : sources.entrySet()) {
      Path p = src.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
      paths.add(p);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      // the tests run on the module path: toolkit-gen's own dependencies (protobuf-java) are there,
      // the test-scoped ones (Weft's runtime, libthrift) on the class path; the sources see both
      String path =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
              + java.io.File.pathSeparator
              + System.getProperty("jdk.module.path", "");
      String cp =
          java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
              .filter(e -> !e.isEmpty())
              .filter(keep)
              .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
      List<String> options =
          List.of(
              "-classpath",
              cp,
              "-d",
              tmp.resolve("classes").toString(),
              "--release",
              "21",
              "-Xlint:all,-serial",
              "-Werror");
      Files.createDirectories(tmp.resolve("classes"));
      StringWriter log = new StringWriter();
      boolean ok =
          javac
              .getTask(log, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(paths))
              .call();
      StringBuilder errors = new StringBuilder(log.toString());
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        errors.append(d).append('\n');
      }
      assertThat(ok).as("generated code compiles without warnings:\n" + errors).isTrue();
    }
  }
}
