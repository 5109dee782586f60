package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.weft.api.BizStatusException;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.PeerProcesses;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generic streaming calls over TTHeader Streaming ({@code withTransport(TTHEADER_STREAMING)})
 * against the real Kitex StreamX server of interop/kitex-streamx: the three kinds of stream and a
 * business status error in the trailer.
 */
class GenericTTStreamKitexTest {
  /** The transport of every call, as the client's middleware saw it. */
  private static final Set<Transport> TRANSPORTS = ConcurrentHashMap.newKeySet();

  private static Process kitex;
  private static GenericClient cli;

  @BeforeAll
  static void start() throws Exception {
    kitex =
        new ProcessBuilder(PeerProcesses.kitexStreamxPeer().toString(), "server")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int port = PeerProcesses.awaitPort(kitex, Pattern.compile("\"stream\":(\\d+)"));
    cli =
        GenericClient.thrift(
            GenericStreamTest.STREAM_IDL,
            "StreamService",
            ClientOptions.withHostPorts("127.0.0.1:" + port),
            ClientOptions.withTransport(Transport.TTHEADER_STREAMING),
            ClientOptions.withMiddleware(next ->
                (inv, req) -> {
                  TRANSPORTS.add(inv.transport());
                  return next.call(inv, req);
                }));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (cli != null) {
      cli.close();
    }
    if (kitex != null) {
      try {
        kitex.getOutputStream().close();
      } catch (IOException e) {
        // already gone
      }
      if (!kitex.waitFor(10, TimeUnit.SECONDS)) {
        kitex.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void allThreeKindsOfStreamWorkAgainstKitexStreamx() {
    GenericStreamTest.allKinds(cli);
    assertThat(TRANSPORTS).containsExactly(Transport.TTHEADER_STREAMING);
  }

  @Test
  void aBusinessStatusErrorReachesTheGenericCaller() {
    try (GenericStream s = cli.stream("EchoBidi")) {
      s.send("{\"Msg\":\"biz\"}");
      BizStatusException e = catchThrowableOfType(BizStatusException.class, s::recv);
      assertThat(e.code()).isEqualTo(404);
      assertThat(e.getMessage()).contains("not found");
    }
  }
}
