package io.weft.generic;

import io.weft.api.CallContext;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Registers a service's streaming methods with a {@link GenericStreamHandler}: each kind of Weft
 * server stream adapted to one {@link GenericServerStream}, whatever the IDL ({@link
 * StreamMessages} knows it).
 */
final class GenericStreams {
  private GenericStreams() {}

  /**
   * Adds the streaming method {@code d} to {@code b}, served by {@code handler}; without one the
   * method answers UNIMPLEMENTED at once.
   */
  static <Req, Resp> void register(
      ServiceDefinition.Builder b,
      MethodDescriptor<Req, Resp> d,
      StreamMessages<Req, Resp> messages,
      GenericStreamHandler handler) {
    String name = d.methodName();
    switch (d.kind()) {
      case BIDI_STREAMING ->
          b.bidiStreaming(
              d,
              st -> {
                checkHandler(handler, d);
                handler.handle(name, new Stream<>(d, messages, st::recv, st::send, st.context()));
              });
      case CLIENT_STREAMING ->
          b.clientStreaming(
              d,
              st -> {
                checkHandler(handler, d);
                AtomicBoolean sent = new AtomicBoolean();
                Consumer<Resp> once =
                    r -> {
                      if (!sent.compareAndSet(false, true)) {
                        throw new IllegalStateException(
                            name + " is client-streaming: it sends one response");
                      }
                      st.sendAndClose(r);
                    };
                handler.handle(name, new Stream<>(d, messages, st::recv, once, st.context()));
              });
      case SERVER_STREAMING ->
          b.serverStreaming(
              d,
              (request, st) -> {
                checkHandler(handler, d);
                AtomicBoolean taken = new AtomicBoolean();
                Supplier<Req> one = () -> taken.compareAndSet(false, true) ? request : null;
                handler.handle(name, new Stream<>(d, messages, one, st::send, st.context()));
              });
      default -> throw new IllegalArgumentException(d + " does not stream");
    }
  }

  private static void checkHandler(GenericStreamHandler handler, MethodDescriptor<?, ?> d) {
    if (handler == null) {
      throw Status.of(
              StatusCode.UNIMPLEMENTED,
              d.fullServiceName()
                  + "/"
                  + d.methodName()
                  + " streams, and this generic server has no stream handler")
          .asException();
    }
  }

  /** One call's stream, its messages as JSON. */
  private static final class Stream<Req, Resp> implements GenericServerStream {
    private final MethodDescriptor<Req, Resp> method;
    private final StreamMessages<Req, Resp> messages;
    private final Supplier<Req> recv;
    private final Consumer<Resp> send;
    private final CallContext context;

    Stream(
        MethodDescriptor<Req, Resp> method,
        StreamMessages<Req, Resp> messages,
        Supplier<Req> recv,
        Consumer<Resp> send,
        CallContext context) {
      this.method = method;
      this.messages = messages;
      this.recv = recv;
      this.send = send;
      this.context = context;
    }

    @Override
    public String method() {
      return method.methodName();
    }

    @Override
    public MethodKind kind() {
      return method.kind();
    }

    @Override
    public String recv() {
      Req r = recv.get();
      return r == null ? null : messages.requestJson(r);
    }

    @Override
    public void send(String json) {
      Resp r;
      try {
        r = messages.toResponse(json);
      } catch (IllegalArgumentException e) {
        throw Status.of(
                StatusCode.INTERNAL,
                "the generic stream handler's message on "
                    + method.methodName()
                    + " does not fit the IDL: "
                    + e.getMessage())
            .withCause(e)
            .asException();
      }
      send.accept(r);
    }

    @Override
    public CallContext context() {
      return context;
    }
  }
}
