package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated code names Weft only through the public API ({@code io.weft.api}) and the runtime
 * ({@code io.weft.runtime}), as grpc-java's generated code names only grpc-api: never a package of
 * toolkit-server or toolkit-client, nor an internal one.
 */
class GeneratedImportsTest {
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?(io\\.weft\\.[\\w.]+);$", Pattern.MULTILINE);
  private static final Pattern QUALIFIED =
      Pattern.compile("\\bio\\.weft\\.(?!api\\.|runtime\\.)[a-z]\\w*\\.");

  @ParameterizedTest
  @ValueSource(strings = {"echo.thrift", "interop.thrift", "everything.thrift", "stream.thrift"})
  void weftTypesComeFromTheApiAndRuntimeAlone(String idl) {
    for (Map.Entry<String, String> file : GoldenTest.generate(idl).entrySet()) {
      Matcher imports = IMPORT.matcher(file.getValue());
      while (imports.find()) {
        assertThat(imports.group(1))
            .as(file.getKey())
            .matches("io\\.weft\\.(api|runtime)\\.[A-Z]\\w*(\\.\\w+)*");
      }
      assertThat(QUALIFIED.matcher(file.getValue()).results().map(m -> m.group()).toList())
          .as(
              "fully qualified Weft names outside io.weft.api and io.weft.runtime in "
                  + file.getKey())
          .isEqualTo(List.of());
    }
  }
}
