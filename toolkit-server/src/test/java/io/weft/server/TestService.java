package io.weft.server;

import io.weft.api.CallContext;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Server;
import io.weft.api.ServerOption;
import io.weft.api.ServerOptions;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.UnaryHandler;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.StringStruct;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A service built by hand, as generated code would build it, without any generated code: {@code
 * test.EchoService} with methods whose request and response are Thrift structs of one string field
 * ({@link StringStruct}: field 1 in the request, field 0 in the response, as Thrift's {@code _args}
 * and {@code _result} structs). Also writes and reads the raw frames of calls to it, for tests that
 * talk to a server with a socket of their own.
 */
final class TestService {
  static final String NAME = "EchoService";
  static final String FULL_NAME = "test.EchoService";
  static final int MAX_FRAME = 16 << 20;

  /** Echo(msg) returns msg. */
  static final MethodDescriptor<String, String> ECHO = unary("Echo");

  /** Block(msg) returns once the test releases it (see {@link Blocking}). */
  static final MethodDescriptor<String, String> BLOCK = unary("Block");

  /** Fail(msg) fails with INVALID_ARGUMENT and msg as its description. */
  static final MethodDescriptor<String, String> FAIL = unary("Fail");

  /**
   * Context(key) describes the call as its handler sees it (see {@link #describe}) and sends back
   * the trailer {@code x-back: <key>}.
   */
  static final MethodDescriptor<String, String> CONTEXT = unary("Context");

  private TestService() {}

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.<String, String>builder()
        .serviceName(NAME)
        .fullServiceName(FULL_NAME)
        .methodName(name)
        .kind(MethodKind.UNARY)
        .requestCodec(new StringStruct(1))
        .responseCodec(new StringStruct(0))
        .build();
  }

  /** Calls to Block wait for {@link #release}; {@link #entered} counts the calls that started. */
  static final class Blocking {
    final CountDownLatch entered;
    final CountDownLatch release = new CountDownLatch(1);

    Blocking(int calls) {
      entered = new CountDownLatch(calls);
    }
  }

  /** The service: Echo, Block (held by {@code blocking}) and Fail. */
  static ServiceDefinition definition(Blocking blocking) {
    UnaryHandler<String, String> block =
        msg -> {
          blocking.entered.countDown();
          blocking.release.await();
          return "released " + msg;
        };
    return ServiceDefinition.builder(NAME, FULL_NAME)
        .unary(ECHO, msg -> msg)
        .unary(BLOCK, block)
        .unary(
            FAIL,
            msg -> {
              throw Status.of(StatusCode.INVALID_ARGUMENT, msg).asException();
            })
        .unary(
            CONTEXT,
            key -> {
              CallContext ctx = CallContext.current();
              ctx.responseTrailers().add("x-back", key);
              return describe(ctx, key);
            })
        .build();
  }

  /**
   * {@code service/method transport caller=<caller> <key>=<metadata value of key>
   * deadline=<yes|no>}, with the deadline's remaining time checked against the most any test sends
   * (a minute).
   */
  static String describe(CallContext ctx, String key) {
    String deadline =
        ctx.deadline()
            .map(d ->
                d.remaining().compareTo(Duration.ZERO) > 0
                        && d.remaining().compareTo(Duration.ofMinutes(1)) <= 0
                    ? "yes"
                    : "odd " + d)
            .orElse("no");
    return ctx.service()
        + "/"
        + ctx.method()
        + " "
        + ctx.transport()
        + " caller="
        + ctx.callerService()
        + " "
        + key
        + "="
        + ctx.requestMetadata().get(key)
        + " deadline="
        + deadline;
  }

  /**
   * A server of this service on a free loopback port, configured further by {@code options}; not
   * started.
   */
  static Server server(Blocking blocking, ServerOption... options) {
    return Server.builder()
        .addService(definition(blocking))
        .options(ServerOptions.withServiceAddr("127.0.0.1", 0))
        .options(options)
        .build();
  }

  /** The bytes of a whole Thrift Binary CALL of {@code method}({@code msg}) in {@code framing}. */
  static byte[] call(Framing framing, String method, String msg, int seq) {
    return call(framing, new TTHeader(), method, msg, seq);
  }

  /**
   * As {@link #call(Framing, String, String, int)}, with this TTHeader (ignored by Framed and
   * unframed Thrift).
   */
  static byte[] call(Framing framing, TTHeader header, String method, String msg, int seq) {
    Buffer out = new Buffer();
    EnvelopeWriter w = new EnvelopeWriter(out, framing, MAX_FRAME);
    w.begin(header, PayloadFormat.THRIFT_BINARY, Envelope.CALL, method, seq);
    byte[] body = new StringStruct(1).bytes(msg);
    out.write(body, 0, body.length);
    w.finish();
    return out.toByteArray();
  }

  /** Reads one reply in {@code framing}; null if the server closed the connection first. */
  static Envelope readReply(InputStream in, Framing framing) throws IOException {
    return new EnvelopeReader(in, MAX_FRAME).read(framing);
  }

  /** The string a REPLY carries. */
  static String result(Envelope reply) {
    return new StringStruct(0).decode(reply.buffer(), reply.bodyOffset(), reply.bodyLength());
  }

  /** The body of a reply as text, for looking for a message in an EXCEPTION. */
  static String text(Envelope reply) {
    return new String(
        reply.buffer(), reply.bodyOffset(), reply.bodyLength(), StandardCharsets.UTF_8);
  }
}
