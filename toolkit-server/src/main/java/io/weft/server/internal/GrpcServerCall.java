package io.weft.server.internal;

import io.weft.api.BidiStreamingHandler;
import io.weft.api.BidiStreamingServer;
import io.weft.api.BizStatusException;
import io.weft.api.CallContext;
import io.weft.api.ClientStreamingHandler;
import io.weft.api.ClientStreamingServer;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.ServerStreamingHandler;
import io.weft.api.ServerStreamingServer;
import io.weft.api.ServiceDefinition.MethodDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.UnaryHandler;
import io.weft.internal.api.Contexts;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.grpc.GrpcCallMeta;
import io.weft.internal.wire.grpc.GrpcCompression;
import io.weft.internal.wire.grpc.GrpcFrames;
import io.weft.internal.wire.grpc.GrpcHeaders;
import io.weft.internal.wire.grpc.GrpcInbound;
import io.weft.internal.wire.http2.ErrorCode;
import io.weft.internal.wire.http2.Fields;
import io.weft.internal.wire.http2.Http2Stream;
import io.weft.internal.wire.http2.StreamException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One gRPC call on the server: the HTTP/2 stream's listener, and the call its handler sees. The
 * connection's reader delivers the request (headers, messages into {@link GrpcInbound}, resets);
 * the call's own virtual thread runs the handler and writes the response; a timer may end it at its
 * deadline. The handler thread is the only thread per call: a unary or server-streaming call starts
 * it once the request is complete, so it never waits for its one message.
 *
 * <p>Writes are ordered by {@link #writeLock}. The call ends exactly once, in {@link #finish}:
 * trailers from the handler's thread (which may wait for the client's window), or, from a reader or
 * timer thread that must never wait, trailers queued at once, or a reset when the handler is in the
 * middle of a write.
 */
final class GrpcServerCall implements Http2Stream.Listener, java.util.function.BooleanSupplier {
  private static final System.Logger LOG = System.getLogger(GrpcServerCall.class.getName());
  private static final ThreadFactory HANDLERS = Thread.ofVirtual().name("weft-grpc").factory();
  private static final VarHandle END;

  static {
    try {
      END = MethodHandles.lookup().findVarHandle(GrpcServerCall.class, "endStatus", Status.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // the response headers of most calls, per usual content type, each encoded once (a map filled
  // from what clients send would grow with every made-up content type)
  private static final Fields GRPC_HEADERS = commonHeaders(GrpcHeaders.APPLICATION_GRPC);
  private static final Fields GRPC_PROTO_HEADERS = commonHeaders("application/grpc+proto");
  private static final Fields GRPC_THRIFT_HEADERS = commonHeaders("application/grpc+thrift");

  private final CallServices services;
  private final Http2Stream stream;
  private final MethodDefinition<Object, Object> method;
  private final String path;
  private final String contentType;
  private final String acceptEncoding;
  private final GrpcInbound inbound;
  private final ServerCallContext callContext;

  /** The bytes the call moves, for middleware; null when there is none to read them. */
  private final io.weft.api.Traffic traffic;

  private final ReentrantLock writeLock = new ReentrantLock();

  /**
   * The status the call ended with, set once (compare-and-set through {@link #END}); null while it
   * runs.
   */
  private volatile Status endStatus;

  private final boolean startsAtOnce;
  private volatile java.util.concurrent.ScheduledFuture<?> deadlineTask;
  private volatile boolean started;
  // guarded by writeLock
  private boolean headersSent;
  private boolean localClosed;
  private boolean gzipResponses;
  private boolean metadataRefused; // the handler's metadata cannot travel: it is left out

  /** A unary (or sendAndClose) response held back to leave with the trailers, or null. */
  private Buffer held;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private GrpcServerCall(
      CallServices services,
      Http2Stream stream,
      MethodDefinition<?, ?> method,
      String path,
      String contentType,
      String acceptEncoding,
      String encoding,
      Metadata metadata,
      String caller,
      Deadline deadline) {
    this.services = services;
    this.stream = stream;
    this.method = (MethodDefinition) method;
    this.path = path;
    this.contentType = contentType;
    this.acceptEncoding = acceptEncoding;
    this.inbound =
        new GrpcInbound(
            stream, services.maxMessageSize(), encoding, stream.connection()::flushHeld);
    MethodDescriptor<?, ?> d = method.descriptor();
    // read now: the request metadata is the middleware's to change later
    MetaInfo metaInfo = GrpcCallMeta.metaInfo(metadata);
    this.callContext =
        new ServerCallContext(
            d.serviceName(),
            d.methodName(),
            deadline,
            metadata,
            caller,
            stream.connection().peer(),
            Transport.GRPC,
            this,
            () -> metaInfo);
    this.traffic = services.invoker().hasMiddleware() ? new io.weft.api.Traffic() : null;
    MethodKind kind = method.descriptor().kind();
    this.startsAtOnce = kind == MethodKind.CLIENT_STREAMING || kind == MethodKind.BIDI_STREAMING;
  }

  // ---- the reader thread: a new stream ----

  /**
   * Serves a gRPC request whose headers just arrived: answers at once when it cannot run (unknown
   * method, bad encoding or timeout, limits), else sets up the call. Reader thread; never blocks.
   */
  static void accept(
      CallServices services, Http2Stream stream, RequestHead head, boolean endStream) {
    String path = head.path;
    String contentType = head.contentType;
    MethodDefinition<?, ?> method = services.registry().lookupPath(path);
    if (method == null) {
      refuse(
          stream,
          contentType,
          Status.of(StatusCode.UNIMPLEMENTED, unknownMethodMessage(services.registry(), path)));
      return;
    }
    String encoding = head.encoding;
    if (!GrpcCompression.supported(encoding)) {
      refuse(
          stream,
          contentType,
          Status.of(
              StatusCode.UNIMPLEMENTED,
              "grpc-encoding " + encoding + " is not supported (use gzip or identity)"));
      return;
    }
    Deadline deadline = null;
    String timeout = head.timeout;
    if (timeout != null) {
      try {
        deadline = GrpcCallMeta.deadline(timeout);
      } catch (IllegalArgumentException e) {
        refuse(
            stream,
            contentType,
            Status.of(StatusCode.INTERNAL, "invalid grpc-timeout: " + timeout));
        return;
      }
      if (deadline.isExpired()) {
        refuse(
            stream,
            contentType,
            Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed before the call started"));
        return;
      }
    }
    String refused = services.admission().tryStart();
    if (refused != null) {
      refuse(stream, contentType, Status.of(StatusCode.RESOURCE_EXHAUSTED, refused));
      return;
    }
    GrpcServerCall call =
        new GrpcServerCall(
            services,
            stream,
            method,
            path,
            contentType,
            head.acceptEncoding,
            encoding,
            head.metadata,
            head.caller(),
            deadline);
    stream.listener(call);
    if (deadline != null) {
      call.deadlineTask =
          services
              .timer()
              .schedule(
                  () ->
                      call.cancel(
                          Status.of(
                              StatusCode.DEADLINE_EXCEEDED, "deadline exceeded after " + timeout),
                          true),
                  deadline.remainingNanos(),
                  TimeUnit.NANOSECONDS);
    }
    if (endStream) {
      call.inbound.end(null);
    }
    if (call.startsAtOnce || endStream) {
      call.start();
    }
  }

  /** A call that cannot run: a trailers-only response with {@code status}. Reader thread. */
  private static void refuse(Http2Stream stream, String contentType, Status status) {
    Fields f = new Fields(6).add(":status", "200").add("content-type", contentType);
    GrpcCallMeta.addStatus(f, status);
    stream.listener(Http2Stream.DISCARD);
    stream.endWithTrailers(f);
  }

  private void start() {
    if (!started) {
      started = true;
      HANDLERS.newThread(this::runHandler).start();
    }
  }

  // ---- the reader thread: the stream's events ----

  @Override
  public void data(Http2Stream s, byte[] b, int off, int len, boolean endStream) {
    try {
      inbound.data(b, off, len);
    } catch (RpcException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ending gRPC call " + path + " from " + s.describe() + ": " + e.status());
      cancel(e.status(), true);
      return;
    }
    if (endStream) {
      requestEnded();
    }
  }

  @Override
  public void headers(Http2Stream s, Fields trailers, boolean endStream) {
    requestEnded(); // request trailers: gRPC clients send none, HTTP/2 allows them
  }

  private void requestEnded() {
    if (inbound.hasPartialMessage()) {
      cancel(Status.of(StatusCode.INTERNAL, "the request stream ended inside a message"), true);
      return;
    }
    inbound.end(null);
    start();
  }

  @Override
  public void reset(Http2Stream s, StreamException why) {
    Status status =
        switch (why.kind()) {
          case RESET_BY_PEER ->
              Status.of(
                  StatusCode.CANCELLED, "cancelled by the client (RST_STREAM " + why.code() + ")");
          case CONNECTION_LOST -> Status.of(StatusCode.CANCELLED, "the client's connection closed");
          default -> Status.of(StatusCode.INTERNAL, why.getMessage());
        };
    cancel(status, false);
  }

  // ---- the call's own thread ----

  private void runHandler() {
    MethodDescriptor<Object, Object> d = method.descriptor();
    Status status = Status.OK;
    try (Contexts.Scope ignored = Contexts.attach(callContext)) {
      switch (method.handler()) {
        case UnaryHandler<Object, Object> h ->
            services
                .invoker()
                .invokeUnary(d, h, single(d), callContext, traffic, 0, new HeldReply(d));
        case ServerStreamingHandler<Object, Object> h -> {
          if (traffic == null) {
            h.handle(
                single(d),
                new Streams<>(
                    d)); // no middleware: no frames between the handler and its thread (an idle
            // stream's cost is its stack)
          } else {
            services
                .invoker()
                .invokeStream(
                    d,
                    callContext,
                    traffic,
                    () -> {
                      h.handle(single(d), new Streams<>(d));
                      return null;
                    });
          }
        }
        case ClientStreamingHandler<Object, Object> h -> {
          Streams<Object, Object> s = new Streams<>(d);
          if (traffic == null) {
            h.handle(s);
          } else {
            services
                .invoker()
                .invokeStream(
                    d,
                    callContext,
                    traffic,
                    () -> {
                      h.handle(s);
                      return null;
                    });
          }
          if (!s.responded) {
            status =
                Status.of(StatusCode.INTERNAL, d.methodName() + " returned without sendAndClose");
          }
        }
        case BidiStreamingHandler<Object, Object> h -> {
          if (traffic == null) {
            h.handle(new Streams<>(d));
          } else {
            services
                .invoker()
                .invokeStream(
                    d,
                    callContext,
                    traffic,
                    () -> {
                      h.handle(new Streams<>(d));
                      return null;
                    });
          }
        }
      }
    } catch (BizStatusException biz) {
      // as Kitex: INTERNAL with the business message, the code and extra in the trailers
      status = GrpcCallMeta.bizStatus(biz, callContext.responseTrailers());
    } catch (Throwable t) {
      status = RpcException.statusOf(t);
      if (!(t instanceof RpcException) && endStatus == null) {
        LOG.log(
            System.Logger.Level.WARNING,
            d.fullServiceName() + "/" + d.methodName() + " handler threw",
            t);
      }
    } finally {
      finish(status, callContext.responseTrailersIfAny(), true);
      services.admission().finished();
    }
  }

  /** The one request of a unary or server-streaming call. */
  private Object single(MethodDescriptor<Object, Object> d) throws InterruptedException {
    Object request = recv(d);
    if (request == null) {
      throw Status.of(StatusCode.INTERNAL, "the client half-closed without sending a request")
          .asException();
    }
    if (inbound.take(null, null) != null) {
      throw Status.of(
              StatusCode.INTERNAL, "the client sent more than one request to " + d.methodName())
          .asException();
    }
    return request;
  }

  private Object recv(MethodDescriptor<Object, Object> d) throws InterruptedException {
    byte[] bytes = inbound.take(null, null);
    if (bytes == null) {
      return null;
    }
    if (traffic != null) {
      traffic.addReceived(GrpcFrames.PREFIX + bytes.length);
    }
    return d.requestCodec().decode(bytes, 0, bytes.length);
  }

  /**
   * Sends one response message, the headers first if they are not out yet; {@code hold}: keep it
   * for {@link #finish}.
   */
  private void send(MethodDescriptor<Object, Object> d, Object message, boolean hold) {
    writeLock.lock();
    try {
      checkOpen();
      Fields headers = null;
      if (!headersSent) {
        gzipResponses =
            GrpcCompression.GZIP.equals(callContext.responseCompression())
                && GrpcCompression.accepts(acceptEncoding, GrpcCompression.GZIP);
        if (!hold) {
          headers = responseHeaders(null); // a held reply's leave with it, in finishLocked
        }
      }
      Buffer encoded = new Buffer(Buffer.TYPICAL_FRAME);
      GrpcFrames.write(encoded, d.responseCodec(), message, gzipResponses, Integer.MAX_VALUE);
      encoded = fitted(encoded);
      if (traffic != null) {
        traffic.addSent(encoded.size());
      }
      if (hold) {
        held = encoded;
        return;
      }
      // a reply to a request that is already queued is held for the next one's (an echo loop's
      // replies leave together; the handler flushes before it waits in recv); else it leaves soon
      // when other streams' frames may join it, or now when this stream is the connection's only
      // one (a yield would bring no other reply, only wake an idle carrier)
      stream.write(
          headers,
          encoded.array(),
          0,
          encoded.size(),
          null,
          false,
          null,
          inbound.hasQueued()
              ? Http2Stream.Flush.HELD
              : stream.connection().activeStreams() > 1
                  ? Http2Stream.Flush.SOON
                  : Http2Stream.Flush.NOW);
      headersSent = true;
    } catch (StreamException e) {
      throw failed(e).asException();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * {@code b}, or a copy in an array of its size when growing left much of its array unused: a
   * reply waiting for a peer's window holds its whole array, while the send limits count its bytes.
   */
  private static Buffer fitted(Buffer b) {
    if (b.array().length - b.size() <= 64 * 1024) {
      return b;
    }
    Buffer f = new Buffer(b.size());
    f.write(b.array(), 0, b.size());
    return f;
  }

  /** The status a write failure ends the call with (the call's own, if it already had one). */
  private Status failed(StreamException e) {
    Status s = endStatus;
    if (s != null) {
      return s;
    }
    s =
        switch (e.kind()) {
          case OVER_LIMIT -> Status.of(StatusCode.RESOURCE_EXHAUSTED, e.getMessage());
          case RESET_BY_PEER ->
              Status.of(
                  StatusCode.CANCELLED, "cancelled by the client (RST_STREAM " + e.code() + ")");
          default ->
              Status.of(
                  StatusCode.UNAVAILABLE,
                  "cannot write to " + stream.describe() + ": " + e.getMessage());
        };
    cancel(s, false);
    return endStatus;
  }

  private void checkOpen() {
    Status s = endStatus;
    if (s != null) {
      if (s.isOk()) {
        throw new IllegalStateException("the call has already completed");
      }
      throw s.asException();
    }
  }

  /** Whether the call was cancelled: the context's view of the transport. */
  @Override
  public boolean getAsBoolean() {
    Status s = endStatus;
    return s != null && !s.isOk();
  }

  // ---- ending the call ----

  /**
   * The call is over from outside (reset, deadline, bad input, a write that failed): wake
   * everything that waits on it; with {@code sendTrailers}, tell the client {@code status} in
   * trailers, else (or if a write is in progress) reset the stream.
   */
  private void cancel(Status status, boolean sendTrailers) {
    END.compareAndSet(this, null, status);
    java.util.concurrent.ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    callContext.cancel();
    inbound.fail(endStatus.asException());
    if (sendTrailers && writeLock.tryLock()) {
      try {
        finishLocked(endStatus, null, false);
      } finally {
        writeLock.unlock();
      }
    } else {
      stream.reset(ErrorCode.CANCEL);
    }
    if (!started) {
      services.admission().finished(); // the handler never ran, so it will not count the call off
    }
  }

  /**
   * Ends the call with trailers (or a trailers-only response) carrying the first status it got,
   * exactly once.
   */
  private void finish(Status status, Metadata trailers, boolean mayWait) {
    END.compareAndSet(this, null, status);
    writeLock.lock();
    try {
      finishLocked(endStatus, trailers, mayWait);
    } finally {
      writeLock.unlock();
    }
    java.util.concurrent.ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    inbound.close();
  }

  /** Holds writeLock. */
  private void finishLocked(Status first, Metadata trailers, boolean mayWait) {
    if (localClosed) {
      return;
    }
    localClosed = true;
    Buffer message = held;
    held = null;
    String refused = GrpcCallMeta.invalidMetadata(trailers);
    if (refused == null && !headersSent) {
      refused = GrpcCallMeta.invalidMetadata(callContext.responseMetadataIfAny());
    }
    if (refused != null) {
      // metadata gRPC cannot carry: the call fails naming the key, and none of the handler's
      // metadata or reply leaves
      LOG.log(System.Logger.Level.WARNING, "gRPC call " + path + ": " + refused);
      first = Status.of(StatusCode.INTERNAL, refused);
      trailers = null;
      message = null;
      metadataRefused = true;
    }
    Fields headers = null;
    Fields block;
    boolean plainOk = first.isOk() && (trailers == null || trailers.isEmpty());
    if (headersSent || message != null) {
      if (message != null) {
        headers = responseHeaders(null);
      }
      if (plainOk) {
        block = GrpcCallMeta.OK_TRAILERS; // the common end of a call, encoded once
        if (!mayWait) {
          stream.endWithTrailers(block);
          return;
        }
        writeEnd(headers, message, block);
        return;
      }
      block = new Fields(4);
    } else {
      block = new Fields(8);
      Fields h =
          responseHeaders(
              trailers); // trailers-only: the response headers and the status in one block
      for (int i = 0; i < h.size(); i++) {
        block.add(h.name(i), h.value(i));
      }
    }
    GrpcCallMeta.addStatus(block, first);
    GrpcCallMeta.addMetadata(block, trailers, null);
    if (!mayWait) {
      stream.endWithTrailers(block);
      return;
    }
    writeEnd(headers, message, block);
  }

  /**
   * Writes the response's last frames: headers if not out yet, the held message, the trailers.
   * Handler thread.
   */
  private void writeEnd(Fields headers, Buffer message, Fields trailers) {
    try {
      stream.write(
          headers,
          message == null ? null : message.array(),
          0,
          message == null ? 0 : message.size(),
          trailers,
          true,
          null,
          stream.connection().activeStreams()
              > 1); // with others open, replies finishing meanwhile join this write
    } catch (StreamException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "cannot end gRPC call " + path + " on " + stream.describe() + ": " + e.getMessage());
      stream.reset(
          ErrorCode
              .INTERNAL_ERROR); // never leave the caller waiting for trailers that will not come
    }
  }

  /**
   * The response headers ({@code :status}, content type, encodings, the handler's metadata but for
   * names in {@code except}).
   */
  private Fields responseHeaders(Metadata except) {
    Metadata set = metadataRefused ? null : callContext.responseMetadataIfAny();
    if (!gzipResponses && (set == null || set.isEmpty())) {
      return switch (contentType) {
        case GrpcHeaders.APPLICATION_GRPC -> GRPC_HEADERS;
        case "application/grpc+proto" -> GRPC_PROTO_HEADERS;
        case "application/grpc+thrift" -> GRPC_THRIFT_HEADERS;
        default -> commonHeaders(contentType);
      };
    }
    Fields f = new Fields(8);
    f.add(":status", "200");
    f.add("content-type", contentType);
    f.add(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcCompression.ACCEPT);
    if (gzipResponses) {
      f.add(GrpcHeaders.GRPC_ENCODING, GrpcCompression.GZIP);
    }
    GrpcCallMeta.addMetadata(f, set, except);
    return f;
  }

  private static Fields commonHeaders(String contentType) {
    return new Fields(3)
        .add(":status", "200")
        .add("content-type", contentType)
        .add(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcCompression.ACCEPT)
        .freeze();
  }

  private static String unknownMethodMessage(Registry registry, String path) {
    int slash = path.indexOf('/', 1);
    String service = slash > 0 ? path.substring(1, slash) : path;
    return registry.hasService(service)
        ? "method " + path.substring(slash + 1) + " of service " + service + " is not implemented"
        : "service " + service + " is not implemented";
  }

  /**
   * A unary call's one response, held to leave with the trailers in one write; {@link #send} counts
   * its bytes.
   */
  private final class HeldReply extends UnaryReply<Object> {
    private final MethodDescriptor<Object, Object> descriptor;

    HeldReply(MethodDescriptor<Object, Object> descriptor) {
      this.descriptor = descriptor;
    }

    @Override
    protected long write(Object response) {
      GrpcServerCall.this.send(descriptor, response, true);
      return 0;
    }
  }

  /** The stream objects handlers see; one class serves all three streaming shapes. */
  private final class Streams<Req, Resp>
      implements ServerStreamingServer<Resp>,
          ClientStreamingServer<Req, Resp>,
          BidiStreamingServer<Req, Resp> {
    private final MethodDescriptor<Object, Object> descriptor;
    private volatile boolean responded;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Streams(MethodDescriptor<?, ?> descriptor) {
      this.descriptor = (MethodDescriptor) descriptor;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Req recv() {
      try {
        return (Req) GrpcServerCall.this.recv(descriptor);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.of(StatusCode.CANCELLED, "interrupted while receiving").asException();
      }
    }

    @Override
    public void send(Resp message) {
      GrpcServerCall.this.send(descriptor, message, false);
    }

    @Override
    public void sendAndClose(Resp response) {
      if (responded) {
        throw new IllegalStateException("sendAndClose was already called");
      }
      responded = true;
      GrpcServerCall.this.send(
          descriptor, response, true); // held: one write for headers, message and trailers
      finish(Status.OK, callContext.responseTrailersIfAny(), true);
    }

    @Override
    public CallContext context() {
      return callContext;
    }
  }
}
