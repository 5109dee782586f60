package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line: writes the tree, reports IDL errors with exit code 1 and usage errors with 2.
 */
class ToolkitGenTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ToolkitGen.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void writesTheGeneratedTree(@TempDir Path dir) {
    assertThat(run("--out", dir.toString(), "src/test/resources/good/echo.thrift")).isZero();
    assertThat(dir.resolve("echo/Request.java")).exists();
    assertThat(dir.resolve("echo/echoservice/EchoServiceClient.java")).exists();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("6 files");
  }

  @Test
  void rerunLeavesUnchangedFilesAlone(@TempDir Path dir) throws Exception {
    run("--out", dir.toString(), "src/test/resources/good/echo.thrift");
    long before = Files.getLastModifiedTime(dir.resolve("echo/Request.java")).toMillis();
    out.reset();
    assertThat(run("--out", dir.toString(), "src/test/resources/good/echo.thrift")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(0 changed)");
    assertThat(Files.getLastModifiedTime(dir.resolve("echo/Request.java")).toMillis())
        .isEqualTo(before);
  }

  /**
   * protoc's message classes go through the writer too: a rerun leaves them untouched, and nothing
   * else lands in the folder.
   */
  @Test
  void protocOutputGoesThroughTheWriter(@TempDir Path dir) throws Exception {
    String[] args = {
      "--out",
      dir.toString(),
      "--protoc",
      TestProtoc.path().toString(),
      "--include",
      "src/test/resources/good/proto",
      "src/test/resources/good/proto/weft/test/routes.proto",
      "src/test/resources/good/proto/weft/test/points.proto"
    };
    assertThat(run(args)).isZero();
    Path message = dir.resolve("weft/test/routes/Routes.java");
    Path service = dir.resolve("weft/test/routes/routeguide/RouteGuideClient.java");
    assertThat(message).exists();
    assertThat(service).exists();
    assertThat(dir.resolve("weft/test/points/Point.java")).exists();
    long before = Files.getLastModifiedTime(message).toMillis();
    Files.setLastModifiedTime(
        message, java.nio.file.attribute.FileTime.fromMillis(before - 10_000));
    out.reset();
    assertThat(run(args)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(0 changed)");
    assertThat(Files.getLastModifiedTime(message).toMillis()).isEqualTo(before - 10_000);
  }

  @Test
  void idlErrorsExitWithOne(@TempDir Path dir) {
    assertThat(run("--out", dir.toString(), "src/test/resources/bad/unknown_type.thrift"))
        .isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown_type.thrift:2:6: unknown type Missing");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run("src/test/resources/good/echo.thrift")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out is required");
    assertThat(run("--bogus")).isEqualTo(2);
  }

  @Test
  void includeDirectoriesAreSearched(@TempDir Path dir) throws Exception {
    Path idl = dir.resolve("idl");
    Path lib = dir.resolve("lib");
    Files.createDirectories(idl);
    Files.createDirectories(lib);
    Files.writeString(
        lib.resolve("common.thrift"), "namespace java lib\nstruct Common { 1: string x }\n");
    Files.writeString(
        idl.resolve("main.thrift"),
        "include \"common.thrift\"\nnamespace java app\nstruct Main { 1: common.Common c }\n");
    assertThat(run("--out", dir.resolve("out").toString(), idl.resolve("main.thrift").toString()))
        .isEqualTo(1);
    assertThat(
            run(
                "--out",
                dir.resolve("out").toString(),
                "--include",
                lib.toString(),
                idl.resolve("main.thrift").toString()))
        .isZero();
    assertThat(dir.resolve("out/app/Main.java")).exists();
    assertThat(dir.resolve("out/lib/Common.java")).exists();
  }
}
