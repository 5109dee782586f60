package io.weft.examples.bench;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.generic.GenericClient;
import io.weft.generic.GenericServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a generic call costs against a generated one (toolkit-generic, issue 23): interop.thrift's
 * Echo over TTHeader with a {@code size}-byte Msg, by Weft's generated client or by its {@link
 * GenericClient} (the JSON String API or the Map API) against Weft's generated server, and by the
 * generated client against a {@link GenericServer} that echoes the JSON. The servers run in
 * processes of their own ({@link ServerProcess}), so the server CPU per call is the server's alone
 * and the client CPU per call is the bench JVM's.
 */
final class GenericSide implements Side {
  /** interop.thrift, from the repository's root (where {@code make bench} runs). */
  static final Path IDL = Path.of("examples/interop/src/main/thrift/interop.thrift");

  /** How the arguments' JSON of Echo begins. */
  private static final String REQ = "{\"req\":";

  /** How a side calls. */
  enum Mode {
    GENERATED("weft → weft"),
    JSON("weft generic JSON → weft"),
    MAP("weft generic Map → weft"),
    TO_GENERIC_SERVER("weft → weft generic server");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  private final Mode mode;
  private final ServerProcess server;
  private final int size;
  private final EchoServiceClient generated;
  private final GenericClient generic;
  private final Request request;
  private final String jsonArgs;
  private final Map<String, Object> mapArgs;

  GenericSide(Mode mode, ServerProcess server, int size) {
    this.mode = mode;
    this.server = server;
    this.size = size;
    String msg = "x".repeat(size);
    request = new Request().setMsg(msg);
    jsonArgs = REQ + "{\"Msg\":\"" + msg + "\"}}"; // msg needs no escaping
    mapArgs = Map.of("req", Map.of("Msg", msg));
    String hostPort = "127.0.0.1:" + server.port();
    if (mode == Mode.JSON || mode == Mode.MAP) {
      generated = null;
      generic =
          GenericClient.thrift(
              List.of(idl()), "EchoService", ClientOptions.withHostPorts(hostPort));
    } else {
      generic = null;
      generated = EchoServiceClient.newClient("EchoService", ClientOptions.withHostPorts(hostPort));
    }
  }

  /** The server process for {@link Mode#TO_GENERIC_SERVER}: {@link #main} in a JVM of its own. */
  static ServerProcess genericServer(Path logDir) throws IOException {
    return new ServerProcess(
        "weft-generic",
        GenericSide.class.getName(),
        List.of(),
        Pattern.compile("Weft server listening on .*:(\\d+)"),
        logDir,
        List.of());
  }

  /**
   * Serves interop.thrift's EchoService with a GenericServer whose handler answers Echo with its
   * {@code req} argument, cut out of the arguments' JSON text ({@code {"req":{...}}}), so that the
   * figures are GenericServer's own cost and not a JSON library's.
   */
  public static void main(String[] args) throws Exception {
    Server.newServer(
            GenericServer.thrift(List.of(idl()), "EchoService", GenericSide::echo),
            ServerOptions.withPort(0))
        .run();
  }

  private static String echo(String method, String jsonArgs) {
    if (!method.equals("Echo") || !jsonArgs.startsWith(REQ)) {
      throw new IllegalArgumentException("the bench's generic server serves Echo only");
    }
    return jsonArgs.substring(REQ.length(), jsonArgs.length() - 1);
  }

  private static Path idl() {
    if (!Files.isRegularFile(IDL)) {
      throw new IllegalStateException(
          "no "
              + IDL
              + " under "
              + Path.of("").toAbsolutePath()
              + ": run the bench from the repository's root (make bench)");
    }
    return IDL;
  }

  @Override
  public String name() {
    return mode.label;
  }

  @Override
  public ServerProcess server() {
    return server;
  }

  @Override
  public LoadGen.Result run(int concurrency, Duration duration, double rate) throws Exception {
    return LoadGen.run(concurrency, duration, rate, w -> call());
  }

  @SuppressWarnings("unchecked")
  private void call() {
    int got =
        switch (mode) {
          case GENERATED, TO_GENERIC_SERVER -> generated.echo(request).getMsg().length();
          case JSON -> {
            String reply = generic.call("Echo", jsonArgs);
            // {"Msg":"xxx..."}: the Msg's length is the reply's less 10 characters
            yield reply.startsWith("{\"Msg\":\"") ? reply.length() - 10 : -1;
          }
          case MAP ->
              ((String) ((Map<String, Object>) generic.call("Echo", mapArgs)).get("Msg")).length();
        };
    if (got != size) {
      throw new IllegalStateException(
          name() + ": an echo of " + size + " bytes came back with " + got);
    }
  }

  @Override
  public void close() {
    if (generic != null) {
      generic.close();
    }
    if (generated != null) {
      generated.close();
    }
  }
}
