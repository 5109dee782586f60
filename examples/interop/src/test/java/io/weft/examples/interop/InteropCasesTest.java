package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Thrift cases of shared/INTEROP.md, Weft's client against Weft's interop server, over each socket transport. */
class InteropCasesTest {
  private static Server server;

  @BeforeAll
  static void start() {
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
      "ttheader, echo", "ttheader, oneway", "ttheader, all_types", "ttheader, declared_exception", "ttheader, void", "ttheader, timeout",
      "framed, echo", "framed, oneway", "framed, all_types", "framed, declared_exception", "framed, void", "framed, timeout",
      "buffered, echo", "buffered, oneway", "buffered, all_types", "buffered, declared_exception", "buffered, void", "buffered, timeout"
  })
  void passes(String transport, String testCase) {
    assertThat(InteropClient.run("127.0.0.1", server.port(), transport, testCase)).isNull();
  }
}
