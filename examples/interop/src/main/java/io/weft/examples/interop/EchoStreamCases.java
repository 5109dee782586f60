package io.weft.examples.interop;

import io.weft.api.BidiStreamingClient;
import io.weft.api.ClientStreamingClient;
import io.weft.api.ServerStreamingClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The three streaming cases shared by {@code stream.thrift}'s {@code StreamService} and {@code
 * echo.proto}'s {@code EchoService}, which behave alike: bidi echoes each message, client streaming
 * answers every message joined by ",", server streaming answers {@code msg-0} … {@code msg-9}.
 * Returns null when the case passes, else what went wrong.
 *
 * @param <Req> the IDL's request message
 * @param <Resp> the IDL's response message
 */
record EchoStreamCases<Req, Resp>(
    Supplier<BidiStreamingClient<Req, Resp>> bidi,
    Supplier<ClientStreamingClient<Req, Resp>> client,
    Function<Req, ServerStreamingClient<Resp>> server,
    Function<String, Req> request,
    Function<Resp, String> msg) {
  /** How many replies the server-streaming method sends. */
  static final int SERVER_REPLIES = 10;

  private static final List<String> MESSAGES = List.of("alpha", "", "gamma ✓", "δ");

  String run(String testCase) {
    return switch (testCase) {
      case "bidi" -> {
        // Ping-pong: each reply must arrive before the next request is sent.
        try (var stream = bidi.get()) {
          for (String m : MESSAGES) {
            stream.send(request.apply(m));
            Resp r = stream.recv();
            if (r == null || !m.equals(msg.apply(r))) {
              yield "bidi echo of "
                  + m
                  + " answered "
                  + (r == null ? "end of stream" : msg.apply(r));
            }
          }
          stream.closeSend();
          Resp extra = stream.recv();
          yield extra == null ? null : "bidi sent " + msg.apply(extra) + " after the client closed";
        }
      }
      case "client_stream" -> {
        var stream = client.get();
        for (String m : MESSAGES) {
          stream.send(request.apply(m));
        }
        String got = msg.apply(stream.closeAndRecv());
        String want = String.join(",", MESSAGES);
        yield want.equals(got) ? null : "client streaming answered " + got + ", expected " + want;
      }
      case "server_stream" -> {
        List<String> got = new ArrayList<>();
        try (var stream = server.apply(request.apply("msg"))) {
          for (Resp r : stream) {
            got.add(msg.apply(r));
          }
        }
        List<String> want = new ArrayList<>();
        for (int i = 0; i < SERVER_REPLIES; i++) {
          want.add("msg-" + i);
        }
        yield want.equals(got) ? null : "server streaming sent " + got + ", expected " + want;
      }
      default -> "unknown case " + testCase + " (bidi, client_stream, server_stream)";
    };
  }
}
