package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Exception;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2FrameTypes;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2WindowUpdate;
import io.helidon.http.http2.StreamFlowControl;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;
import io.weft.api.BidiStreamingHandler;
import io.weft.api.BizStatusException;
import io.weft.api.BidiStreamingServer;
import io.weft.api.CallContext;
import io.weft.api.ClientStreamingHandler;
import io.weft.api.ClientStreamingServer;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.RpcException;
import io.weft.api.ServerStreamingHandler;
import io.weft.api.ServerStreamingServer;
import io.weft.api.ServiceDefinition.MethodDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import io.weft.api.UnaryHandler;
import io.weft.api.internal.Contexts;
import io.weft.wire.BizStatus;
import io.weft.wire.Buffer;
import io.weft.wire.grpc.GrpcCompression;
import io.weft.wire.grpc.HpackLiterals;
import io.weft.wire.grpc.GrpcDeframer;
import io.weft.wire.grpc.GrpcFrames;
import io.weft.wire.grpc.GrpcHeaders;
import io.weft.wire.grpc.GrpcStatusMessages;
import io.weft.wire.grpc.GrpcTimeout;
import io.weft.wire.grpc.H2Frames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One gRPC call on the server: the HTTP/2 stream's sub-protocol handler, and the call its handler
 * sees. Three kinds of thread touch it: Helidon's stream thread ({@link #init}, {@link #data}:
 * deframing into the {@link InboundQueue}), Helidon's connection thread ({@link #rstStream}), and
 * the call's own virtual thread, which runs the user's handler and writes the response. Writes are
 * ordered by {@link #writeLock}; the call ends exactly once, in {@link #finish}.
 *
 * <p>Cancellation (RST_STREAM, deadline, connection loss) fails the inbound queue, so a blocked
 * {@code recv} wakes, and interrupts a writer parked on HTTP/2 flow control, so a blocked {@code
 * send} wakes too; both then throw the call's status.
 */
final class GrpcServerCall implements Http2SubProtocolSelector.SubProtocolHandler {
  private static final System.Logger LOG = System.getLogger(GrpcServerCall.class.getName());
  private static final int QUEUE_CAPACITY = 8;
  /** The header in which a Kitex client names its own service. */
  static final String SOURCE_SERVICE = "source-service";
  /** The frame size every HTTP/2 peer accepts. */
  private static final int MIN_MAX_FRAME_SIZE = 16_384;

  private final ConnectionContext ctx;
  private final io.weft.api.Traffic traffic = new io.weft.api.Traffic();
  private final RealServer server;
  private final Http2Headers requestHeaders;
  private final H2FrameFilter connection;
  private final int streamId;
  private final StreamFlowControl flowControl;
  private final InboundQueue inbound = new InboundQueue(QUEUE_CAPACITY);
  private final ReentrantLock writeLock = new ReentrantLock();
  private final CountDownLatch closed = new CountDownLatch(1);

  private final AtomicReference<Status> end = new AtomicReference<>();
  private final CancellableOutbound outbound;
  private volatile boolean remoteClosed;
  private volatile boolean localClosed;
  private volatile boolean reset;
  private final boolean resetBeforeStart;
  private volatile ScheduledFuture<?> deadlineTask;

  // confined to the stream thread
  private GrpcDeframer deframer;
  private MethodDefinition<?, ?> method;
  private ServerCallContext callContext;
  private String contentType;
  private String acceptEncoding;
  // guarded by writeLock
  private boolean headersSent;
  private boolean gzipResponses;
  /** Response frames held back to leave with the trailers (unary and client-streaming calls), or null. */
  private Buffer held;
  private boolean holdResponse;

  GrpcServerCall(
      ConnectionContext ctx,
      RealServer server,
      Http2Headers headers,
      int streamId,
      StreamFlowControl flowControl,
      Http2StreamState initialState) {
    this.ctx = ctx;
    this.server = server;
    this.requestHeaders = headers;
    this.connection = H2FrameFilter.of(ctx);
    this.streamId = streamId;
    this.flowControl = flowControl;
    this.outbound = new CancellableOutbound(flowControl.outbound());
    // Helidon's stream state may already read HALF_CLOSED_REMOTE while DATA frames still wait in
    // its queue, so the end of the request is taken only from the END_STREAM that data() sees.
    // CLOSED, though, means the client reset the stream before this handler existed: Helidon
    // delivered that RST_STREAM to nobody, and answering now would draw a PROTOCOL GOAWAY.
    this.resetBeforeStart = initialState == Http2StreamState.CLOSED;
  }

  // ---- Helidon's side: stream thread and connection thread ----

  @Override
  public void init() {
    if (resetBeforeStart) {
      reset = true;
      remoteClosed = true;
      localClosed = true;
      end.set(Status.of(StatusCode.CANCELLED, "reset by the client before it started"));
      closed.countDown();
      return;
    }
    var headers = requestHeaders.httpHeaders();
    contentType = headers.first(HeaderNames.CONTENT_TYPE).orElse(GrpcHeaders.APPLICATION_GRPC);
    int semi = contentType.indexOf(';');
    if (semi >= 0) {
      contentType = contentType.substring(0, semi).strip();
    }
    acceptEncoding = headers.first(HeaderNames.create(GrpcHeaders.GRPC_ACCEPT_ENCODING)).orElse(null);
    String path = requestHeaders.path();
    method = server.registry().lookupPath(path);
    if (method == null) {
      finish(Status.of(StatusCode.UNIMPLEMENTED, unknownMethodMessage(path)), null);
      return;
    }
    String encoding = headers.first(HeaderNames.create(GrpcHeaders.GRPC_ENCODING)).orElse(null);
    if (!GrpcCompression.supported(encoding)) {
      finish(Status.of(StatusCode.UNIMPLEMENTED, "grpc-encoding " + encoding + " is not supported (use gzip or identity)"), null);
      return;
    }
    Deadline deadline = null;
    String timeout = headers.first(HeaderNames.create(GrpcHeaders.GRPC_TIMEOUT)).orElse(null);
    if (timeout != null) {
      try {
        deadline = Deadline.after(GrpcTimeout.parseNanos(timeout), TimeUnit.NANOSECONDS);
      } catch (IllegalArgumentException e) {
        finish(Status.of(StatusCode.INTERNAL, "invalid grpc-timeout: " + timeout), null);
        return;
      }
    }
    deframer = new GrpcDeframer(server.config().maxMessageSize(), encoding);
    MethodDescriptor<?, ?> d = method.descriptor();
    Metadata metadata = requestMetadata(headers);
    // Kitex clients name themselves in source-service; others only have a user agent
    String caller = metadata.get(SOURCE_SERVICE);
    callContext = new ServerCallContext(d.serviceName(), d.methodName(), deadline, metadata,
        caller != null ? caller : headers.first(HeaderNames.USER_AGENT).orElse(""), Peers.format(ctx.remotePeer().address()),
        Transport.GRPC, this::isCancelled, MetaInfo.fromHttpHeaders(metadata));
    if (deadline != null) {
      long nanos = deadline.remainingNanos();
      if (nanos <= 0) {
        finish(Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed before the call started"), null);
        return;
      }
      deadlineTask = server.timer().schedule(
          () -> cancel(Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded after " + timeout), true),
          nanos, TimeUnit.NANOSECONDS);
    }
    String refused = server.tryStartCall();
    if (refused != null) {
      finish(Status.of(StatusCode.RESOURCE_EXHAUSTED, refused), null);
      return;
    }
    server.grpcCallStarted(ctx, this);
    Thread.ofVirtual().name("weft-grpc " + path).start(this::runHandler);
  }

  @Override
  public Http2StreamState streamState() {
    if (reset || (remoteClosed && localClosed)) {
      return Http2StreamState.CLOSED;
    }
    if (localClosed) {
      return Http2StreamState.HALF_CLOSED_LOCAL;
    }
    return remoteClosed ? Http2StreamState.HALF_CLOSED_REMOTE : Http2StreamState.OPEN;
  }

  @Override
  public void rstStream(Http2RstStream rstStream) {
    reset = true;
    cancel(Status.of(StatusCode.CANCELLED, "cancelled by the client (RST_STREAM " + rstStream.errorCode() + ")"), false);
  }

  @Override
  public void windowUpdate(Http2WindowUpdate update) {
    // Helidon has already opened the stream's outbound window
  }

  @Override
  public void data(Http2FrameHeader header, BufferData data) {
    connection.consumed(streamId, header.length());
    boolean endOfStream = header.flags(Http2FrameTypes.DATA).endOfStream();
    if (end.get() == null && deframer != null && data.available() > 0) {
      byte[] bytes = new byte[data.available()];
      data.read(bytes);
      try {
        deframer.feed(bytes, 0, bytes.length, inbound::put);
      } catch (RpcException e) {
        LOG.log(System.Logger.Level.WARNING, "resetting gRPC stream " + streamId + " from " + peer() + ": " + e.status());
        cancel(e.status(), true);
        resetStream(Http2ErrorCode.CANCEL);
      }
    }
    if (endOfStream) {
      remoteClosed = true;
      if (end.get() == null && deframer != null && deframer.hasPartialMessage()) {
        cancel(Status.of(StatusCode.INTERNAL, "the request stream ended inside a message"), true);
      }
      inbound.end();
      // Keep Helidon's stream thread here until the call ends, so that it sees the stream CLOSED and releases it.
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- the call's own thread ----

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void runHandler() {
    MethodDefinition<Object, Object> m = (MethodDefinition) method;
    MethodDescriptor<Object, Object> d = m.descriptor();
    Status status = Status.OK;
    try (Contexts.Scope ignored = Contexts.attach(callContext)) {
      switch (m.handler()) {
        case UnaryHandler<Object, Object> h -> server.invokeUnary(d, h, single(d), callContext, traffic, 0, r -> {
          holdResponse = true; // one write for headers, message and trailers
          send(d, r);
          return 0; // send() counts the bytes itself
        });
        case ServerStreamingHandler<Object, Object> h -> server.invokeStream(d, callContext, traffic, () -> {
          h.handle(single(d), new Streams<>(d));
          return null;
        });
        case ClientStreamingHandler<Object, Object> h -> {
          Streams<Object, Object> s = new Streams<>(d);
          server.invokeStream(d, callContext, traffic, () -> {
            h.handle(s);
            return null;
          });
          if (!s.responded) {
            status = Status.of(StatusCode.INTERNAL, d.methodName() + " returned without sendAndClose");
          }
        }
        case BidiStreamingHandler<Object, Object> h -> server.invokeStream(d, callContext, traffic, () -> {
          h.handle(new Streams<>(d));
          return null;
        });
      }
    } catch (BizStatusException biz) {
      // as Kitex: INTERNAL with the business message, the code and extra in the trailers
      status = Status.of(StatusCode.INTERNAL, biz.getMessage());
      BizStatus.write(biz, false, callContext.responseTrailers()::set);
    } catch (Throwable t) {
      status = RpcException.statusOf(t);
      if (!(t instanceof RpcException) && end.get() == null) {
        LOG.log(System.Logger.Level.WARNING, d.fullServiceName() + "/" + d.methodName() + " handler threw " + t);
      }
    } finally {
      finish(status, callContext.responseTrailers());
      server.callFinished();
      server.grpcCallEnded(ctx, this);
    }
  }

  /** The one request of a unary or server-streaming call. */
  private Object single(MethodDescriptor<Object, Object> d) throws InterruptedException {
    Object request = recv(d);
    if (request == null) {
      throw Status.of(StatusCode.INTERNAL, "the client half-closed without sending a request").asException();
    }
    if (inbound.take() != null) {
      throw Status.of(StatusCode.INTERNAL, "the client sent more than one request to " + d.methodName()).asException();
    }
    return request;
  }

  private Object recv(MethodDescriptor<Object, Object> d) throws InterruptedException {
    byte[] bytes = inbound.take();
    if (bytes == null) {
      return null;
    }
    traffic.addReceived(GrpcFrames.PREFIX + bytes.length);
    return d.requestCodec().decode(bytes, 0, bytes.length);
  }

  /** Sends one response message, the headers first if they are not out yet. */
  private void send(MethodDescriptor<Object, Object> d, Object message) {
    Buffer encoded = new Buffer(Buffer.TYPICAL_FRAME);
    writeLock.lock();
    try {
      checkOpen();
      Buffer out = held != null ? held : new Buffer(Buffer.TYPICAL_FRAME + 256);
      held = null;
      if (!headersSent) {
        gzipResponses = GrpcCompression.GZIP.equals(callContext.responseCompression())
            && GrpcCompression.accepts(acceptEncoding, GrpcCompression.GZIP);
        Buffer block = new Buffer(128);
        responseFields(block, null);
        H2Frames.headers(out, streamId, block.array(), block.size(), false, outbound.maxFrameSize());
        headersSent = true;
      }
      GrpcFrames.write(encoded, d.responseCodec(), message, gzipResponses, Integer.MAX_VALUE);
      traffic.addSent(encoded.size());
      appendData(out, encoded.array(), encoded.size());
      if (holdResponse) {
        held = out;
      } else {
        connection.send(out, true); // a stream's next messages may join this write
      }
    } catch (IOException | Http2Exception | IllegalStateException | UncheckedIOException e) {
      Status s = end.get();
      if (s == null) {
        s = Status.of(StatusCode.UNAVAILABLE, "cannot write to " + peer() + ": " + e.getMessage());
        cancel(s, false);
      }
      throw s.asException();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Appends DATA frames for {@code len} bytes as the stream's and the connection's send windows
   * allow; when they are shut, sends what {@code out} holds and waits for a WINDOW_UPDATE.
   */
  private void appendData(Buffer out, byte[] bytes, int len) throws IOException {
    int off = 0;
    while (off < len) {
      int n = connection.takeWindow(outbound, len - off);
      if (n == 0) {
        if (out.size() > 0) {
          connection.send(out);
          out.reset();
        }
        outbound.blockTillUpdate();
        continue;
      }
      H2Frames.data(out, streamId, bytes, off, n, false, n);
      off += n;
    }
  }

  private void checkOpen() {
    Status s = end.get();
    if (s != null) {
      if (s.isOk()) {
        throw new IllegalStateException("the call has already completed");
      }
      throw s.asException();
    }
  }

  /** The call's connection is gone: the handler's next stream operation fails with {@code CANCELLED}. */
  void connectionLost() {
    if (end.get() == null) {
      cancel(Status.of(StatusCode.CANCELLED, "the client's connection closed"), false);
    }
  }

  private boolean isCancelled() {
    Status s = end.get();
    return s != null && !s.isOk();
  }

  // ---- ending the call ----

  /** The call is over from outside (reset, deadline, bad input): wake everything that waits on it. */
  private void cancel(Status status, boolean sendTrailers) {
    end.compareAndSet(null, status);
    ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    if (callContext != null) {
      callContext.cancel();
    }
    inbound.fail(end.get().asException());
    outbound.cancel();
    if (sendTrailers) {
      finish(status, null);
    } else {
      localClosed = true;
      closed.countDown();
    }
  }

  /** Ends the call: trailers (or a trailers-only response) with the first status the call got, exactly once. */
  private void finish(Status status, Metadata trailers) {
    end.compareAndSet(null, status);
    Status first = end.get();
    writeLock.lock();
    try {
      if (localClosed) {
        return;
      }
      localClosed = true;
      Buffer out = held;
      held = null;
      if (!reset) {
        if (out == null) {
          out = new Buffer(256);
        }
        Buffer block = new Buffer(128);
        if (!headersSent) {
          responseFields(block, trailers); // trailers-only: the response headers and the status in one block
        }
        HpackLiterals.write(block, GrpcHeaders.GRPC_STATUS, Integer.toString(first.code().value()));
        if (first.description().isPresent()) {
          HpackLiterals.write(block, GrpcHeaders.GRPC_MESSAGE, GrpcStatusMessages.encode(first.description().get()));
        }
        if (trailers != null) {
          writeMetadata(block, trailers, null);
        }
        H2Frames.headers(out, streamId, block.array(), block.size(), true, outbound.maxFrameSize());
        connection.send(out, connection.othersOpen()); // with others open, replies finishing meanwhile join this write
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot end gRPC stream " + streamId + ": " + e);
      if (!reset) {
        resetStream(Http2ErrorCode.INTERNAL); // never leave the caller waiting for trailers that will not come
      }
    } finally {
      writeLock.unlock();
      ScheduledFuture<?> task = deadlineTask;
      if (task != null) {
        task.cancel(false);
      }
      inbound.fail(Status.of(StatusCode.CANCELLED, "the call has ended").asException());
      closed.countDown();
    }
  }

  private void resetStream(Http2ErrorCode code) {
    reset = true;
    Buffer rst = new Buffer(16);
    H2Frames.rstStream(rst, streamId, code.code());
    try {
      connection.send(rst);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot reset gRPC stream " + streamId + ": " + e);
    }
  }

  /**
   * The response headers as an HPACK block of plain literals ({@link HpackLiterals}): they never
   * touch the dynamic table Helidon keeps for its own header blocks on this connection.
   */
  private void responseFields(Buffer block, Metadata trailers) {
    HpackLiterals.write(block, ":status", "200");
    HpackLiterals.write(block, "content-type", contentType == null ? GrpcHeaders.APPLICATION_GRPC : contentType);
    HpackLiterals.write(block, GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcCompression.ACCEPT);
    if (gzipResponses) {
      HpackLiterals.write(block, GrpcHeaders.GRPC_ENCODING, GrpcCompression.GZIP);
    }
    if (callContext != null) {
      writeMetadata(block, callContext.responseMetadata(), trailers);
    }
  }

  /** Writes {@code md} but for reserved names and, if {@code except} is given, the names it has. */
  private static void writeMetadata(Buffer block, Metadata md, Metadata except) {
    md.forEach((k, v) -> {
      String name = k.toLowerCase(Locale.ROOT);
      if (!GrpcHeaders.isReserved(name) && (except == null || except.get(name) == null)) {
        HpackLiterals.write(block, name, v);
      }
    });
  }

  private static Metadata requestMetadata(io.helidon.http.Headers headers) {
    Metadata md = new Metadata();
    for (Header h : headers) {
      String name = h.name().toLowerCase(Locale.ROOT);
      if (!GrpcHeaders.isReserved(name)) {
        for (String v : h.allValues()) {
          md.add(name, v);
        }
      }
    }
    return md;
  }

  private String unknownMethodMessage(String path) {
    String p = path == null ? "" : path;
    int slash = p.indexOf('/', 1);
    String service = slash > 0 ? p.substring(1, slash) : p;
    return server.registry().hasService(service)
        ? "method " + p.substring(slash + 1) + " of service " + service + " is not implemented"
        : "service " + service + " is not implemented";
  }

  private String peer() {
    return Peers.format(ctx.remotePeer().address());
  }

  /** The stream objects handlers see; one class serves all three streaming shapes. */
  private final class Streams<Req, Resp>
      implements ServerStreamingServer<Resp>, ClientStreamingServer<Req, Resp>, BidiStreamingServer<Req, Resp> {
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
      GrpcServerCall.this.send(descriptor, message);
    }

    @Override
    public void sendAndClose(Resp response) {
      if (responded) {
        throw new IllegalStateException("sendAndClose was already called");
      }
      responded = true;
      holdResponse = true; // one write for headers, message and trailers
      GrpcServerCall.this.send(descriptor, response);
      finish(Status.OK, callContext.responseTrailers());
    }

    @Override
    public CallContext context() {
      return callContext;
    }
  }
}
