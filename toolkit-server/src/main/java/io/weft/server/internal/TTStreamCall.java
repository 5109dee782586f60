package io.weft.server.internal;

import io.weft.api.BidiStreamingHandler;
import io.weft.api.BidiStreamingServer;
import io.weft.api.BizStatusException;
import io.weft.api.CallContext;
import io.weft.api.ClientStreamingHandler;
import io.weft.api.ClientStreamingServer;
import io.weft.api.Deadline;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.RpcException;
import io.weft.api.ServerStreamingHandler;
import io.weft.api.ServerStreamingServer;
import io.weft.api.ServiceDefinition.MethodDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Traffic;
import io.weft.api.Transport;
import io.weft.api.UnaryHandler;
import io.weft.internal.api.Contexts;
import io.weft.internal.wire.BizStatus;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamInbound;
import io.weft.internal.wire.ttheader.TTHeaderCallMeta;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.apache.thrift.TApplicationException;

/**
 * One TTHeader Streaming stream a server serves: the same generated streaming handlers as over
 * gRPC, on a virtual thread of its own. The connection's reader hands it frames ({@link #onFrame});
 * received messages wait in a bounded {@link StreamInbound}. The server's header frame goes out
 * lazily, with the first message or at the end; the end is a trailer frame: empty on success, the
 * {@code biz-*} strings for a business status error, an EXCEPTION envelope for any other error.
 * Cancellation (the client's rst, the deadline, the connection's end) cancels the handler's context
 * and wakes its blocked {@code recv} and {@code send}.
 */
final class TTStreamCall implements BooleanSupplier {
  private static final System.Logger LOG = System.getLogger(TTStreamCall.class.getName());
  private static final ThreadFactory HANDLERS = Thread.ofVirtual().name("weft-ttstream").factory();

  /** Received bytes one stream may hold before it is reset (besides one message of any size). */
  static final int QUEUE_BYTES = 4 << 20;

  /** Received messages one stream may hold before it is reset. */
  static final int QUEUE_MESSAGES = 1024;

  private static final VarHandle END;

  static {
    try {
      END = MethodHandles.lookup().findVarHandle(TTStreamCall.class, "endStatus", Status.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final TTStreamConnection conn;
  private final CallServices services;
  private final MethodDefinition<Object, Object> method;
  private final int streamId;
  private final String wireMethod;
  private final StreamInbound inbound = new StreamInbound(QUEUE_BYTES, QUEUE_MESSAGES);
  private final ServerCallContext callContext;
  private final Traffic traffic;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicBoolean localClosed = new AtomicBoolean();
  private volatile Status endStatus;
  private volatile ScheduledFuture<?> deadlineTask;
  private boolean headerSent; // guarded by writeLock

  /** This stream's data frame header, encoded once (see {@link StreamFrame#dataHeader}). */
  private final byte[] dataHeader;

  /** The buffer sends encode into (the connection copies what it queues); null: none kept. */
  private Buffer sendBuffer; // guarded by writeLock

  @SuppressWarnings({"unchecked", "rawtypes"})
  TTStreamCall(
      TTStreamConnection conn,
      CallServices services,
      MethodDefinition<?, ?> method,
      StreamFrame open) {
    this.conn = conn;
    this.services = services;
    this.method = (MethodDefinition) method;
    this.streamId = open.streamId();
    this.wireMethod = open.method();
    this.dataHeader = StreamFrame.dataHeader(streamId, wireMethod);
    MethodDescriptor<?, ?> d = method.descriptor();
    Deadline deadline = TTHeaderCallMeta.deadline(open.header());
    this.callContext =
        new ServerCallContext(
            d.serviceName(),
            d.methodName(),
            deadline,
            TTHeaderCallMeta.metadata(open.header()),
            TTHeaderCallMeta.caller(open.header()),
            conn.peer(),
            Transport.TTHEADER_STREAMING,
            this,
            () -> TTHeaderCallMeta.metaInfo(open.header()));
    this.traffic = services.invoker().hasMiddleware() ? new Traffic() : null;
    if (deadline != null) {
      Status expired =
          Status.of(
              StatusCode.DEADLINE_EXCEEDED, "the stream's deadline (its timeout header) passed");
      deadlineTask =
          services
              .timer()
              .schedule(() -> reset(expired), deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }
  }

  int streamId() {
    return streamId;
  }

  void start() {
    HANDLERS.newThread(this::run).start();
  }

  // ---- the reader thread ----

  /** A data, trailer or rst frame of this stream arrived. Never blocks. */
  void onFrame(StreamFrame frame) {
    switch (frame.type()) {
      case DATA -> {
        if (traffic != null) {
          traffic.addReceived(frame.wireSize());
        }
        if (!inbound.offer(frame.payload())) {
          reset(
              Status.of(
                  StatusCode.RESOURCE_EXHAUSTED,
                  "stream "
                      + streamId
                      + " of "
                      + wireMethod
                      + ": the handler falls behind; its receive queue is full ("
                      + QUEUE_MESSAGES
                      + " messages or "
                      + QUEUE_BYTES
                      + " bytes)"));
        }
      }
      case TRAILER -> {
        if (frame.payload().length == 0) {
          inbound.end();
        } else {
          cancel(
              Status.of(
                  StatusCode.CANCELLED, "the client ended the stream with " + describe(frame)));
        }
      }
      case RST ->
          cancel(Status.of(StatusCode.CANCELLED, "cancelled by the client: " + describe(frame)));
      default -> {
        // header and meta frames never reach a stream
      }
    }
  }

  private static String describe(StreamFrame frame) {
    if (frame.payload().length == 0) {
      return "an rst frame without exception";
    }
    try {
      TApplicationException e = StreamFrame.exception(frame.payload());
      return "code " + e.getType() + " (" + e.getMessage() + ")";
    } catch (WireException e) {
      return "an unreadable exception (" + e.getMessage() + ")";
    }
  }

  /** The connection ended: nothing can be written any more. */
  void connectionLost(Status status) {
    localClosed.set(true);
    cancel(status);
  }

  // ---- ending from outside ----

  /**
   * Ends the stream at once from outside the handler (its queue overflowed, its deadline passed):
   * cancel the handler and send the client an rst frame with the status. Never blocks.
   */
  private void reset(Status status) {
    // closed first: the handler, woken by the cancel, must not end the stream with a trailer too
    boolean mine = localClosed.compareAndSet(false, true);
    cancel(status);
    if (mine) {
      Buffer out = new Buffer(128);
      StreamFrame.of(
              StreamFrame.Type.RST,
              streamId,
              wireMethod,
              null,
              StreamFrame.exceptionPayload(
                  wireMethod, streamId, ApplicationErrors.fromStatus(status)))
          .encode(out);
      conn.write(out);
      LOG.log(System.Logger.Level.DEBUG, "reset stream " + streamId + ": " + status);
    }
  }

  /** Wakes everything that waits on the stream with {@code status}; the first status stays. */
  private void cancel(Status status) {
    END.compareAndSet(this, null, status);
    ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    callContext.cancel();
    inbound.fail(endStatus.asException());
    conn.wakeSenders(); // a send waiting for room in the connection's queue
  }

  /** Whether the stream was cancelled: the context's view of the transport. */
  @Override
  public boolean getAsBoolean() {
    Status s = endStatus;
    return s != null && !s.isOk();
  }

  // ---- the handler's thread ----

  private void run() {
    MethodDescriptor<Object, Object> d = method.descriptor();
    Status status = Status.OK;
    BizStatusException biz = null;
    Streams s = new Streams();
    try (Contexts.Scope ignored = Contexts.attach(callContext)) {
      if (traffic == null) {
        runHandler(s);
      } else {
        services.invoker().invokeStream(d, callContext, traffic, () -> runHandler(s));
      }
      if (method.handler() instanceof ClientStreamingHandler && !s.responded) {
        status = Status.of(StatusCode.INTERNAL, d.methodName() + " returned without sendAndClose");
      }
    } catch (BizStatusException e) {
      biz = e;
    } catch (Throwable t) {
      status = RpcException.statusOf(t);
      if (!(t instanceof RpcException) && endStatus == null) {
        LOG.log(
            System.Logger.Level.WARNING,
            d.fullServiceName() + "/" + d.methodName() + " handler threw",
            t);
      }
    } finally {
      finish(status, biz);
      services.admission().finished();
      conn.streamEnded(this);
    }
  }

  private Void runHandler(Streams s) throws Exception {
    switch (method.handler()) {
      case ServerStreamingHandler<Object, Object> h -> h.handle(single(), s);
      case ClientStreamingHandler<Object, Object> h -> h.handle(s);
      case BidiStreamingHandler<Object, Object> h -> h.handle(s);
      case UnaryHandler<Object, Object> h ->
          throw new IllegalStateException("unary handler on a stream: " + h);
    }
    return null;
  }

  private Object single() throws InterruptedException {
    Object request = recv();
    if (request == null) {
      throw Status.of(StatusCode.INTERNAL, "the client half-closed without sending a request")
          .asException();
    }
    return request;
  }

  private Object recv() throws InterruptedException {
    byte[] bytes = inbound.take();
    if (bytes == null) {
      return null;
    }
    return method.descriptor().requestCodec().decode(bytes, 0, bytes.length);
  }

  private void send(Object message) {
    writeLock.lock();
    try {
      Status s = endStatus;
      if (s != null || localClosed.get()) {
        throw s != null && !s.isOk()
            ? s.asException()
            : new IllegalStateException("the stream has already ended");
      }
      Buffer out = sendBuffer != null ? sendBuffer : StreamFrame.newSendBuffer();
      sendBuffer = null;
      out.reset();
      if (!headerSent) {
        headerFrame(streamId, wireMethod, callContext.responseMetadataIfAny()).encode(out);
      }
      int start = StreamFrame.beginData(out, dataHeader); // the data frame alone is the traffic
      method.descriptor().responseCodec().encode(message, out);
      StreamFrame.finishData(out, start);
      headerSent = true;
      if (traffic != null) {
        traffic.addSent(out.size() - start);
      }
      if ((!conn.hasRoom() || endStatus != null) && !conn.awaitRoom(() -> endStatus != null)) {
        Status ended = endStatus;
        throw ended != null && !ended.isOk()
            ? ended.asException()
            : Status.of(StatusCode.UNAVAILABLE, "the connection from " + conn.peer() + " closed")
                .asException();
      }
      boolean written = conn.write(out);
      if (StreamFrame.keepsSendBuffer(out)) {
        sendBuffer = out;
      }
      if (!written) {
        cancel(Status.of(StatusCode.UNAVAILABLE, "cannot write to " + conn.peer()));
        throw endStatus.asException();
      }
    } catch (java.io.IOException e) {
      throw Status.of(StatusCode.INTERNAL, "cannot encode a response: " + e.getMessage())
          .asException();
    } finally {
      writeLock.unlock();
    }
  }

  /** Ends the stream from the handler's side: the header if not out yet, then the trailer. */
  private void finish(Status status, BizStatusException biz) {
    END.compareAndSet(this, null, status);
    ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    writeLock.lock();
    try {
      if (!localClosed.compareAndSet(false, true)) {
        return;
      }
      Map<String, String> trailer = new LinkedHashMap<>();
      Metadata set = callContext.responseTrailersIfAny();
      if (set != null) {
        set.forEach(trailer::put);
      }
      TApplicationException error = null;
      if (biz != null) {
        BizStatus.write(biz, true, trailer::put);
      } else if (!endStatus.isOk()) {
        error = ApplicationErrors.fromStatus(endStatus);
      }
      Buffer out = new Buffer(256);
      endFrames(
          out,
          streamId,
          wireMethod,
          !headerSent,
          callContext.responseMetadataIfAny(),
          trailer,
          error);
      conn.write(out);
    } finally {
      writeLock.unlock();
    }
    inbound.fail(Status.of(StatusCode.CANCELLED, "the stream has ended").asException());
  }

  /** The header frame of stream {@code streamId}, carrying {@code metadata} (null: none). */
  private static StreamFrame headerFrame(int streamId, String method, Metadata metadata) {
    Map<String, String> strings = null;
    if (metadata != null && !metadata.isEmpty()) {
      strings = new LinkedHashMap<>();
      metadata.forEach(strings::put);
    }
    return StreamFrame.of(StreamFrame.Type.HEADER, streamId, method, strings, null);
  }

  /**
   * The last frames of a stream: its header frame ({@code withHeader}, carrying {@code header}),
   * then a trailer frame with {@code trailer} and, when {@code error} is set, its exception.
   */
  static void endFrames(
      Buffer out,
      int streamId,
      String method,
      boolean withHeader,
      Metadata header,
      Map<String, String> trailer,
      TApplicationException error) {
    if (withHeader) {
      headerFrame(streamId, method, header).encode(out);
    }
    byte[] payload = error == null ? null : StreamFrame.exceptionPayload(method, streamId, error);
    StreamFrame.of(StreamFrame.Type.TRAILER, streamId, method, trailer, payload).encode(out);
  }

  /** The stream objects handlers see; one class serves all three streaming shapes. */
  private final class Streams
      implements ServerStreamingServer<Object>,
          ClientStreamingServer<Object, Object>,
          BidiStreamingServer<Object, Object> {
    private volatile boolean responded;

    @Override
    public Object recv() {
      try {
        return TTStreamCall.this.recv();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.of(StatusCode.CANCELLED, "interrupted while receiving").asException();
      }
    }

    @Override
    public void send(Object message) {
      TTStreamCall.this.send(message);
    }

    @Override
    public void sendAndClose(Object response) {
      if (responded) {
        throw new IllegalStateException("sendAndClose was already called");
      }
      responded = true;
      TTStreamCall.this.send(response);
      finish(Status.OK, null);
    }

    @Override
    public CallContext context() {
      return callContext;
    }
  }
}
