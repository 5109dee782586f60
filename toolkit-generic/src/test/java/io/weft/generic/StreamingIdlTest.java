package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Thrift service with streaming methods: every method is listed, and calling a streaming one as
 * unary says to open a stream.
 */
class StreamingIdlTest {
  @Test
  void streamingMethodsAreAClearError(@TempDir Path dir) throws Exception {
    Path idl = dir.resolve("s.thrift");
    Files.writeString(
        idl,
        """
        struct Msg { 1: string text }
        service S {
          Msg Unary(1: Msg m)
          Msg Bidi(1: Msg m) (streaming.mode="bidirectional")
        }
        """);
    try (GenericClient c =
        GenericClient.thrift(
            List.of(idl), "S", io.weft.api.ClientOptions.withHostPorts("127.0.0.1:1"))) {
      org.assertj.core.api.Assertions.assertThat(c.methods()).containsExactly("Unary", "Bidi");
      assertThatThrownBy(() -> c.call("Bidi", "{}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "S.Bidi is a streaming method (BIDI_STREAMING): open it with stream(\"Bidi\")");
    }
  }
}
