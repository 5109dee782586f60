package io.weft.gen;

import java.nio.file.Files;
import java.nio.file.Path;

/** The protoc the tests run: the one the build copied from Maven Central into target/protoc. */
final class TestProtoc {
  private TestProtoc() {}

  static Path path() {
    String configured = System.getProperty("weft.test.protoc", "target/protoc/protoc.exe");
    Path p = Path.of(configured);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          "no protoc at "
              + p.toAbsolutePath()
              + ": run the tests through Maven (it copies com.google.protobuf:protoc into target/protoc)");
    }
    if (!Files.isExecutable(p) && !p.toFile().setExecutable(true)) {
      throw new IllegalStateException("cannot make " + p + " executable");
    }
    return p;
  }
}
