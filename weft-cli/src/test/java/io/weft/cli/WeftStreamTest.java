package io.weft.cli;

import static io.weft.cli.WeftRun.weft;
import static io.weft.cli.WeftRun.weftWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Server;
import io.weft.examples.interop.InteropServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code weft call} on streaming methods (JSON lines in and out) and unary methods over gRPC,
 * against Weft's generated servers of examples/interop (stream.thrift's StreamService,
 * interop.thrift's EchoService), over real sockets.
 */
class WeftStreamTest {
  static final String STREAM_IDL =
      Path.of("../examples/interop/src/main/thrift/stream.thrift").toString();
  static Server server;
  static String addr;

  @BeforeAll
  static void start() {
    server = InteropServer.create(0).start();
    addr = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  static WeftRun stream(String stdin, String method, String... more) {
    String[] args = new String[5 + more.length];
    args[0] = "call";
    args[1] = "--idl";
    args[2] = STREAM_IDL;
    args[3] = addr;
    args[4] = "StreamService." + method;
    System.arraycopy(more, 0, args, 5, more.length);
    return weftWithInput(stdin, args);
  }

  @Test
  void bidiReadsJsonLinesAndPrintsOneResponseALine() {
    WeftRun r = stream("{\"Msg\":\"a\"}\n\n  \n{\"Msg\": \"wörld ✓\"}\n{\"Msg\":\"\"}", "EchoBidi");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"Msg\":\"a\"}\n{\"Msg\":\"wörld ✓\"}\n{\"Msg\":\"\"}\n");
    assertThat(r.code()).isEqualTo(Weft.OK);
    WeftRun one = stream("", "EchoBidi", "{\"Msg\":\"arg\"}");
    assertThat(one.out()).isEqualTo("{\"Msg\":\"arg\"}\n");
    assertThat(one.code()).isZero();
  }

  @Test
  void clientStreamingSendsEveryLineThenPrintsTheOneResponse() {
    WeftRun r = stream("{\"Msg\":\"a\"}\n{\"Msg\":\"b\"}\n{\"Msg\":\"c\"}\n", "EchoClient", "-");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"Msg\":\"a,b,c\"}\n");
    assertThat(r.code()).isZero();
    WeftRun none = stream("", "EchoClient");
    assertThat(none.out()).isEqualTo("{\"Msg\":\"\"}\n");
    assertThat(none.code()).isZero();
  }

  @Test
  void serverStreamingTakesOneRequestFromTheArgumentOrStdin() {
    StringBuilder want = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      want.append("{\"Msg\":\"m-").append(i).append("\"}\n");
    }
    WeftRun arg = stream("", "EchoServer", "{\"Msg\":\"m\"}");
    assertThat(arg.err()).isEmpty();
    assertThat(arg.out()).isEqualTo(want.toString());
    assertThat(arg.code()).isZero();
    WeftRun stdin = stream("{\n  \"Msg\": \"m\"\n}\n", "EchoServer");
    assertThat(stdin.out()).isEqualTo(want.toString());
    assertThat(stdin.code()).isZero();
  }

  @Test
  void badLinesAreInputErrorsThatCancelTheCall() {
    WeftRun r = stream("{\"Msg\":\"a\"}\n{\"Msg\": 5}\n{\"Msg\":\"never\"}\n", "EchoClient");
    assertThat(r.code()).isEqualTo(Weft.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("line 2: EchoClient request.Msg").contains("cancelled");
    WeftRun bidi = stream("{\"Msg\":\"a\"}\nnot json\n", "EchoBidi");
    assertThat(bidi.code()).isEqualTo(Weft.USAGE);
    assertThat(bidi.err()).contains("line 2: EchoBidi request");
    assertThat(bidi.out()).doesNotContain("never");
    WeftRun server = stream("", "EchoServer", "{\"Nope\":1}");
    assertThat(server.code()).isEqualTo(Weft.USAGE);
    assertThat(server.err()).contains("EchoServer request: Request has no field \"Nope\"");
  }

  /** The whole program on its own thread, with stdin and stdout as pipes the test drives. */
  private static final class Live implements AutoCloseable {
    final PipedOutputStream stdin = new PipedOutputStream();
    final BufferedReader stdout;
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final CompletableFuture<Integer> code = new CompletableFuture<>();

    Live(String... args) throws IOException {
      PipedInputStream in = new PipedInputStream(stdin);
      PipedInputStream outPipe = new PipedInputStream();
      PrintStream out =
          new PrintStream(new PipedOutputStream(outPipe), true, StandardCharsets.UTF_8);
      PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
      stdout = new BufferedReader(new InputStreamReader(outPipe, StandardCharsets.UTF_8));
      Thread.ofVirtual()
          .start(() -> {
            try {
              code.complete(Weft.run(args, in, out, err));
            } catch (RuntimeException e) {
              code.completeExceptionally(e);
            } finally {
              out.close();
            }
          });
    }

    void line(String s) throws IOException {
      OutputStream o = stdin;
      o.write((s + "\n").getBytes(StandardCharsets.UTF_8));
      o.flush();
    }

    @Override
    public void close() throws IOException {
      stdin.close();
    }
  }

  @Test
  void responsesArePrintedAsTheyArriveAndEofHalfCloses() throws Exception {
    try (Live w = new Live("call", "--idl", STREAM_IDL, addr, "StreamService.EchoBidi")) {
      w.line("{\"Msg\":\"one\"}");
      assertThat(w.stdout.readLine()).isEqualTo("{\"Msg\":\"one\"}"); // stdin still open
      w.line("{\"Msg\":\"two\"}");
      assertThat(w.stdout.readLine()).isEqualTo("{\"Msg\":\"two\"}");
      w.stdin.close(); // EOF: the call half-closes, the server ends it
      assertThat(w.code.get(30, TimeUnit.SECONDS)).isEqualTo(Weft.OK);
      assertThat(w.stdout.readLine()).isNull();
    }
  }

  @Test
  void theTimeoutCoversTheStreamAndShowsAtOnce() throws Exception {
    try (Live w =
        new Live(
            "call", "--idl", STREAM_IDL, "--timeout", "500ms", addr, "StreamService.EchoBidi")) {
      w.line("{\"Msg\":\"one\"}");
      assertThat(w.stdout.readLine()).isEqualTo("{\"Msg\":\"one\"}");
      // stdin stays open: the deadline ends the call, and weft reports it without waiting for EOF
      assertThat(w.code.get(30, TimeUnit.SECONDS)).isEqualTo(Weft.RPC_FAILED);
      assertThat(w.stderr.toString(StandardCharsets.UTF_8))
          .contains("StreamService.EchoBidi failed: DEADLINE_EXCEEDED");
    }
  }

  @Test
  void unaryCallsOverGrpc() {
    WeftRun r =
        weft(
            "call",
            "--idl",
            WeftRun.IDL,
            "--transport",
            "grpc",
            "-H",
            "x-k:v",
            addr,
            "EchoService.Echo",
            "{\"req\":{\"Msg\":\"h2 ✓\"}}");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("{\"Msg\":\"h2 ✓\"}\n");
    assertThat(r.code()).isZero();
  }
}
