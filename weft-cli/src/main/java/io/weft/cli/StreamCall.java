package io.weft.cli;

import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.StatusCode;
import io.weft.gen.model.Definition;
import io.weft.generic.GenericClient;
import io.weft.generic.GenericStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code weft call} on a streaming method: the requests are JSON lines (one message a line, blank
 * lines skipped) from stdin, or the one message given as the argument; every response is printed as
 * one JSON line as soon as it arrives; the end of stdin half-closes the call. A server-streaming
 * method takes one request: the argument, or all of stdin as one JSON value. The call's {@code
 * --timeout} covers the whole stream.
 *
 * <p>A message that does not fit the IDL cancels the call and is an {@link
 * IllegalArgumentException} naming its line; a failed call is its {@link RpcException} (the
 * responses that came before it are printed).
 */
final class StreamCall {
  private final GenericStream stream;
  private final PrintStream out;

  /** Set while a message is being sent: a bad one cancels the call from inside {@code send}. */
  private final AtomicBoolean inSend = new AtomicBoolean();

  private StreamCall(GenericStream stream, PrintStream out) {
    this.stream = stream;
    this.out = out;
  }

  /** Whether {@code fn} streams (Kitex's {@code streaming.mode} other than unary). */
  static boolean streams(Definition.Function fn) {
    String mode = fn.annotations().get("streaming.mode");
    return mode != null && !mode.equals("unary");
  }

  /**
   * Runs the stream: {@code message} is the argument (null or {@code -} to read stdin).
   *
   * @return {@link Weft#OK} once the server has ended the stream cleanly
   */
  static int run(
      GenericClient client,
      String method,
      io.weft.api.CallOptions options,
      String message,
      InputStream in,
      PrintStream out) {
    String arg = message == null || message.equals("-") ? null : message;
    try (GenericStream stream = client.stream(method, options)) {
      StreamCall call = new StreamCall(stream, out);
      if (stream.kind() == MethodKind.SERVER_STREAMING) {
        call.sendOne(arg != null ? arg : readAll(in));
        call.printResponses();
      } else if (arg != null) {
        call.sendOne(arg);
        call.printResponses();
      } else if (stream.kind() == MethodKind.CLIENT_STREAMING) {
        call.sendLines(in);
        call.printResponses();
      } else {
        call.bidi(in);
      }
      return Weft.OK;
    }
  }

  private void sendOne(String json) {
    stream.send(json);
    stream.closeSend();
  }

  /** Sends each line of {@code in} as a message, then half-closes. */
  private void sendLines(InputStream in) {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    int n = 0;
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        inSend.set(true);
        try {
          stream.send(line);
          inSend.set(false);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "line " + n + ": " + e.getMessage() + " (the call was cancelled)", e);
        }
      }
    } catch (IOException e) {
      stream.cancel();
      throw new UncheckedIOException("cannot read the messages from stdin", e);
    }
    stream.closeSend();
  }

  private void printResponses() {
    for (String r = stream.recv(); r != null; r = stream.recv()) {
      out.println(r);
      out.flush();
    }
  }

  /**
   * Sends stdin's lines from a virtual thread while this one prints the responses as they come, so
   * that a failure (a deadline, a reset) shows at once, not at the end of stdin.
   */
  private void bidi(InputStream in) {
    CompletableFuture<Void> sending = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("weft-send")
        .start(() -> {
          try {
            sendLines(in);
            sending.complete(null);
          } catch (RuntimeException e) {
            sending.completeExceptionally(e);
          }
        });
    try {
      printResponses();
    } catch (RpcException e) {
      if (e.status().code() == StatusCode.CANCELLED && (inSend.get() || sending.isDone())) {
        // cancelled by a bad line on the sending side: report that, not its consequence (a
        // sender waiting on stdin did not cancel, and is not waited for)
        rethrowInputError(sending);
      }
      throw e;
    }
  }

  private static void rethrowInputError(CompletableFuture<Void> sending) {
    try {
      sending.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalArgumentException
          || e.getCause() instanceof UncheckedIOException) {
        throw (RuntimeException) e.getCause();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request from stdin", e);
    }
  }
}
