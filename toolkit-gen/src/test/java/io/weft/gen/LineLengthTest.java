package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.gen.java.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No line toolkit-gen writes is longer than 120 characters, for every IDL the tests and the
 * examples use, Thrift and .proto, both sides. protoc's own message classes are not ours and are
 * not checked.
 */
class LineLengthTest {
  static final int LIMIT = 120;
  private static final Path GOOD = Path.of("src/test/resources/good");
  private static final Path EXAMPLES = Path.of("../examples");

  static Stream<Arguments> idls() {
    Path interopProto = EXAMPLES.resolve("interop/src/main/proto");
    return Stream.of(
        Arguments.of(List.of(GOOD.resolve("echo.thrift")), List.of()),
        Arguments.of(List.of(GOOD.resolve("interop.thrift")), List.of()),
        Arguments.of(List.of(GOOD.resolve("everything.thrift")), List.of()),
        Arguments.of(List.of(GOOD.resolve("stream.thrift")), List.of()),
        Arguments.of(
            List.of(GOOD.resolve("proto/weft/test/routes.proto")), List.of(GOOD.resolve("proto"))),
        Arguments.of(
            List.of(EXAMPLES.resolve("interop/src/main/thrift/interop.thrift")), List.of()),
        Arguments.of(List.of(EXAMPLES.resolve("interop/src/main/thrift/stream.thrift")), List.of()),
        Arguments.of(
            List.of(EXAMPLES.resolve("interop/src/main/thrift/evolution.thrift")), List.of()),
        Arguments.of(List.of(EXAMPLES.resolve("echo/src/main/thrift/echo.thrift")), List.of()),
        Arguments.of(List.of(interopProto.resolve("echo.proto")), List.of(interopProto)),
        Arguments.of(
            List.of(
                interopProto.resolve("grpc/testing/test.proto"),
                interopProto.resolve("grpc/testing/messages.proto"),
                interopProto.resolve("grpc/testing/empty.proto")),
            List.of(interopProto)),
        Arguments.of(List.of(EXAMPLES.resolve("streaming/src/main/proto/echo.proto")), List.of()));
  }

  @ParameterizedTest
  @MethodSource("idls")
  void noGeneratedLineIsLongerThan120(List<Path> sources, List<Path> includes) {
    List<String> tooLong = new ArrayList<>();
    for (Sides sides : Sides.values()) {
      for (Map.Entry<String, String> f : GoldenTest.generate(sources, includes, sides).entrySet()) {
        if (!f.getValue().startsWith("// " + Names.GENERATED)) {
          continue;
        }
        List<String> lines = f.getValue().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).length() > LIMIT) {
            tooLong.add(
                f.getKey()
                    + ":"
                    + (i + 1)
                    + " ("
                    + lines.get(i).length()
                    + "): "
                    + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(tooLong).as("generated lines over " + LIMIT + " characters").isEmpty();
  }
}
