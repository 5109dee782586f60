package io.weft.client.internal;

import io.weft.api.BidiStreamingClient;
import io.weft.api.BizStatusException;
import io.weft.api.CallOptions;
import io.weft.api.ClientStreamingClient;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.ResponseMetadata;
import io.weft.api.RpcException;
import io.weft.api.ServerStreamingClient;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.Traffic;
import io.weft.internal.wire.BizStatus;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.IntKey;
import io.weft.internal.wire.ttheader.StrKey;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamInbound;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.thrift.TApplicationException;

/**
 * One Thrift streaming call over TTHeader Streaming (Kitex StreamX), in whichever shape the method
 * has. Opening sends a header frame (IDL service name, metadata, metainfo, caller and callee, the
 * time left as Kitex's timeout key); {@code closeSend} sends an empty trailer; the server's trailer
 * ends the call (empty: OK; {@code biz-*}: a {@link BizStatusException}; an exception payload: its
 * status). {@code cancel} and the deadline send an rst frame with Kitex's cancel codes (12007,
 * 12015), then a trailer if this side had not half-closed, as Kitex's client does. Received
 * messages wait in a bounded queue; a caller that falls behind has its own stream reset.
 */
final class TTStreamClientCall<Req, Resp>
    implements ClientStreamingClient<Req, Resp>,
        ServerStreamingClient<Resp>,
        BidiStreamingClient<Req, Resp> {
  /** Kitex's code for a caller's cancel ({@code errBizCancel}). */
  static final int CANCEL_CODE = 12007;

  /** Kitex's code for a stream whose deadline passed ({@code newStreamTimeoutException}). */
  static final int TIMEOUT_CODE = 12015;

  /** Kitex's code for an internal cancel ({@code errInternalCancel}): the queue overflowed. */
  static final int INTERNAL_CANCEL_CODE = 12011;

  static final int QUEUE_BYTES = 4 << 20;
  static final int QUEUE_MESSAGES = 1024;

  /** Stream ids: one counter per process from 1, never 0, as Kitex's {@code genStreamID}. */
  private static final AtomicInteger IDS = new AtomicInteger();

  private static final ScheduledExecutorService TIMER = timer();

  private final TTStreamConnection conn;
  private final MethodDescriptor<Req, Resp> method;
  private final int streamId;
  private final Traffic traffic;
  private final StreamInbound inbound = new StreamInbound(QUEUE_BYTES, QUEUE_MESSAGES);
  private final AtomicReference<Status> status = new AtomicReference<>();
  private final AtomicBoolean halfClosed = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile Metadata headers;
  private volatile Metadata trailers = new Metadata();
  private volatile ScheduledFuture<?> deadlineTask;

  /** This stream's data frame header, encoded once (see {@link StreamFrame#dataHeader}). */
  private final byte[] dataHeader;

  /**
   * The buffer the last send encoded into, kept for the next one (the connection copies what it
   * queues); taken by one send at a time, so concurrent sends each have one.
   */
  private final AtomicReference<Buffer> spare = new AtomicReference<>();

  /** Where the caller wants the server's header and trailer strings, as well; null for nowhere. */
  private final ResponseMetadata capture;

  private TTStreamClientCall(
      TTStreamConnection conn,
      MethodDescriptor<Req, Resp> method,
      int streamId,
      Traffic traffic,
      ResponseMetadata capture) {
    this.capture = capture;
    this.conn = conn;
    this.method = method;
    this.streamId = streamId;
    this.traffic = traffic;
    this.dataHeader = StreamFrame.dataHeader(streamId, method.methodName());
  }

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "weft-ttstream-timer");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  private static int nextId() {
    int id = IDS.incrementAndGet();
    return id != 0 ? id : IDS.incrementAndGet();
  }

  /**
   * Opens a stream on one of {@code pool}'s connections. With {@code hasFirst}, {@code first} goes
   * out with the header frame and the request side closes at once (server streaming).
   */
  static <Req, Resp> TTStreamClientCall<Req, Resp> start(
      TTStreamPool pool,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Deadline deadline,
      MetaInfo metaInfo,
      String callerService,
      String callerMethod,
      String destService,
      Req first,
      boolean hasFirst,
      Traffic traffic) {
    if (deadline != null && deadline.isExpired()) {
      throw Status.of(
              StatusCode.DEADLINE_EXCEEDED,
              "deadline passed before " + method.methodName() + " started")
          .asException();
    }
    TTStreamConnection conn = pool.connection(deadline);
    TTStreamClientCall<Req, Resp> call =
        new TTStreamClientCall<>(
            conn, method, nextId(), traffic, options.responseCapture().orElse(null));
    if (!conn.register(call)) {
      throw new UnsentException(
          Status.of(StatusCode.UNAVAILABLE, "connection to " + conn.address() + " closed"));
    }
    Map<String, String> strings = new LinkedHashMap<>();
    options.metadata().forEach(strings::put);
    metaInfo.toTTHeader(strings);
    strings.put(StrKey.IDL_SERVICE_NAME, method.serviceName());
    Map<Integer, String> ints = new LinkedHashMap<>();
    putIfSet(ints, IntKey.FROM_SERVICE, callerService);
    putIfSet(ints, IntKey.FROM_METHOD, callerMethod);
    putIfSet(ints, IntKey.TO_SERVICE, destService);
    if (deadline != null) {
      ints.put(IntKey.RPC_TIMEOUT, Long.toString(Math.max(1, deadline.remainingMillis())));
    }
    Buffer out = new Buffer(256);
    StreamFrame.of(StreamFrame.Type.HEADER, call.streamId, method.methodName(), strings, ints, null)
        .encode(out);
    if (hasFirst) {
      call.dataFrame(first, out);
      call.halfClosed.set(true);
      call.frame(StreamFrame.Type.TRAILER, null).encode(out);
    }
    try {
      conn.write(out);
    } catch (RpcException e) {
      conn.unregister(call);
      throw new UnsentException(e.status());
    }
    if (deadline != null) {
      call.deadlineTask =
          TIMER.schedule(
              () ->
                  call.cancelLocally(
                      Status.of(
                          StatusCode.DEADLINE_EXCEEDED,
                          "deadline exceeded on " + method.methodName() + " stream"),
                      TIMEOUT_CODE),
              deadline.remainingNanos(),
              TimeUnit.NANOSECONDS);
    }
    return call;
  }

  private static void putIfSet(Map<Integer, String> ints, int key, String value) {
    if (value != null && !value.isEmpty()) {
      ints.put(key, value);
    }
  }

  int streamId() {
    return streamId;
  }

  private StreamFrame frame(StreamFrame.Type type, byte[] payload) {
    return StreamFrame.of(type, streamId, method.methodName(), null, payload);
  }

  /**
   * Encodes {@code message}'s data frame into {@code out}, the struct straight after the frame's
   * header, counting the frame as traffic.
   */
  private void dataFrame(Req message, Buffer out) {
    int start = StreamFrame.beginData(out, dataHeader);
    try {
      method.requestCodec().encode(message, out);
    } catch (IOException e) {
      throw Status.of(StatusCode.INTERNAL, "cannot encode a request: " + e.getMessage())
          .asException();
    }
    StreamFrame.finishData(out, start);
    if (traffic != null) {
      traffic.addSent(out.size() - start);
    }
  }

  // ---- the connection's reader thread ----

  void onFrame(StreamFrame frame) {
    switch (frame.type()) {
      case HEADER -> {
        Metadata md = new Metadata();
        frame.strings().forEach(md::add);
        headers = md;
        if (capture != null) {
          capture.headers().merge(md);
        }
        signal();
      }
      case DATA -> {
        if (traffic != null) {
          traffic.addReceived(frame.wireSize());
        }
        if (!inbound.offer(frame.payload())) {
          cancelLocally(
              Status.of(
                  StatusCode.RESOURCE_EXHAUSTED,
                  "the caller falls behind on "
                      + method.methodName()
                      + ": its receive queue is full ("
                      + QUEUE_MESSAGES
                      + " messages or "
                      + QUEUE_BYTES
                      + " bytes)"),
              INTERNAL_CANCEL_CODE);
        }
      }
      case TRAILER -> onTrailer(frame);
      case RST -> {
        Status s =
            Status.of(StatusCode.CANCELLED, "the server reset the stream: " + describe(frame));
        if (status.compareAndSet(null, s)) {
          inbound.fail(s.asException());
          ended();
        }
      }
      default -> {
        // meta frames carry nothing Weft uses
      }
    }
  }

  private void onTrailer(StreamFrame frame) {
    Metadata md = new Metadata();
    frame.strings().forEach(md::add);
    trailers = md;
    if (capture != null) {
      capture.trailers().merge(md);
    }
    RuntimeException error = null;
    Status s = Status.OK;
    try {
      if (frame.payload().length > 0) {
        s = ApplicationErrors.toStatus(StreamFrame.exception(frame.payload()));
        error = s.asException();
      } else {
        BizStatusException biz = BizStatus.read(frame.strings()::get, null);
        if (biz != null) {
          s = Status.of(StatusCode.INTERNAL, biz.getMessage());
          error = biz;
        }
      }
    } catch (WireException e) {
      s =
          Status.of(
              StatusCode.INTERNAL, "bad trailer from " + conn.address() + ": " + e.getMessage());
      error = s.asException();
    }
    if (status.compareAndSet(null, s)) {
      if (error == null) {
        inbound.end();
      } else {
        inbound.endWith(error);
      }
      ended();
    }
  }

  private static String describe(StreamFrame frame) {
    if (frame.payload().length == 0) {
      return "no exception";
    }
    try {
      TApplicationException e = StreamFrame.exception(frame.payload());
      return "code " + e.getType() + " (" + e.getMessage() + ")";
    } catch (WireException e) {
      return "an unreadable exception (" + e.getMessage() + ")";
    }
  }

  /** The connection failed or closed. */
  void connectionLost(Status why) {
    if (status.compareAndSet(null, why)) {
      inbound.fail(why.asException());
      ended();
    }
  }

  private void ended() {
    ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    conn.unregister(this);
    conn.wakeSenders(); // a send of this stream waiting for room in the connection's queue
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the call from this side: an rst frame with Kitex's {@code code}, then a trailer if the
   * request side was still open.
   */
  private void cancelLocally(Status s, int code) {
    if (!status.compareAndSet(null, s)) {
      return;
    }
    inbound.fail(s.asException());
    ended();
    Buffer out = new Buffer(256);
    TApplicationException e = new TApplicationException(code, s.description().orElse(""));
    frame(StreamFrame.Type.RST, StreamFrame.exceptionPayload(method.methodName(), streamId, e))
        .encode(out);
    if (halfClosed.compareAndSet(false, true)) {
      frame(StreamFrame.Type.TRAILER, null).encode(out);
    }
    try {
      conn.write(out);
    } catch (RpcException ignored) {
      // the connection is gone: the server's side of the stream ends with it
    }
  }

  // ---- the caller's threads ----

  @Override
  public Resp recv() {
    byte[] bytes;
    try {
      bytes = inbound.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancelLocally(Status.of(StatusCode.CANCELLED, "interrupted while receiving"), CANCEL_CODE);
      throw status.get().asException();
    }
    if (bytes == null) {
      return null;
    }
    return method.responseCodec().decode(bytes, 0, bytes.length);
  }

  @Override
  public void send(Req message) {
    Status s = status.get();
    if (s != null) {
      throw s.isOk() ? new IllegalStateException("the stream has already ended") : s.asException();
    }
    if (halfClosed.get()) {
      throw new IllegalStateException("send after closeSend");
    }
    Buffer out = spare.getAndSet(null);
    if (out == null) {
      out = StreamFrame.newSendBuffer();
    }
    try {
      dataFrame(message, out);
      boolean free = conn.hasRoom() && status.get() == null; // the usual case: no lambda, no lock
      if (!free && !conn.awaitRoom(() -> status.get() != null)) {
        Status ended = status.get();
        throw ended != null && !ended.isOk()
            ? ended.asException()
            : Status.of(StatusCode.UNAVAILABLE, "the connection to " + conn.address() + " closed")
                .asException();
      }
      conn.write(out);
    } finally {
      if (StreamFrame.keepsSendBuffer(out)) {
        out.reset();
        spare.set(out);
      }
    }
  }

  @Override
  public void closeSend() {
    if (status.get() == null && halfClosed.compareAndSet(false, true)) {
      Buffer out = new Buffer(64);
      frame(StreamFrame.Type.TRAILER, null).encode(out);
      conn.write(out);
    }
  }

  @Override
  public Resp closeAndRecv() {
    closeSend();
    Resp r = recv();
    if (r == null) {
      throw Status.of(StatusCode.INTERNAL, method.methodName() + " completed without a response")
          .asException();
    }
    if (recv() != null) {
      cancel();
      throw Status.of(StatusCode.INTERNAL, method.methodName() + " returned more than one response")
          .asException();
    }
    return r;
  }

  @Override
  public void cancel() {
    cancelLocally(Status.of(StatusCode.CANCELLED, "cancelled by the client"), CANCEL_CODE);
  }

  @Override
  public Metadata headers() {
    lock.lock();
    try {
      while (headers == null && status.get() == null) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    Metadata h = headers;
    return h != null ? h : new Metadata();
  }

  @Override
  public Metadata trailers() {
    return trailers;
  }

  @Override
  public void close() {
    if (status.get() == null) {
      cancel();
    }
  }
}
