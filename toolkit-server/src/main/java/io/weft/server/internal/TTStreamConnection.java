package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.weft.api.Serialization;
import io.weft.api.ServiceDefinition.MethodDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.WriteCoalescer;
import io.weft.internal.wire.thrift.ApplicationErrors;
import io.weft.internal.wire.ttheader.StreamFrame;
import io.weft.internal.wire.ttheader.StreamFrameReader;
import io.weft.internal.wire.ttheader.TTHeaderCallMeta;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.thrift.TApplicationException;

/**
 * One TTHeader Streaming connection (Kitex StreamX) on the server. The connection's own virtual
 * thread only reads frames and hands each to its stream ({@link TTStreamCall}); every stream's
 * handler runs on a virtual thread of its own. The reader never waits for a stream: a stream whose
 * handler falls behind is reset alone when its bounded receive queue is full. Frames are written by
 * the streams' threads through one {@link WriteCoalescer}.
 *
 * <p>A stream opens with a header frame naming the IDL service ({@code isn}) and the method; one
 * that names no streaming method served here is answered at once with a trailer carrying an
 * UNKNOWN_METHOD exception (a Kitex server sends nothing and its client waits for its deadline).
 * When the connection ends, every open stream is cancelled and forgotten.
 */
final class TTStreamConnection implements ServerConnection {
  private static final System.Logger LOG = System.getLogger(TTStreamConnection.class.getName());

  private final ConnectionContext ctx;
  private final CallServices calls;
  private final int maxFrameSize;
  private final String peer;
  private final WriteCoalescer output;
  private final Map<Integer, TTStreamCall> streams = new ConcurrentHashMap<>();
  private volatile boolean draining;
  private volatile boolean closed;
  private final IdleClock clock = new IdleClock();

  TTStreamConnection(ConnectionContext ctx, CallServices calls, int maxFrameSize) {
    this.ctx = ctx;
    this.calls = calls;
    this.maxFrameSize = maxFrameSize;
    this.peer = Peers.format(ctx.remotePeer().address());
    this.output = new WriteCoalescer(this::writeNow);
  }

  @Override
  public void handle(Limit limit) {
    StreamFrameReader reader = new StreamFrameReader(new SocketInput(ctx), maxFrameSize);
    try {
      StreamFrame frame;
      while ((frame = reader.read()) != null) {
        clock.touch();
        dispatch(frame);
      }
    } catch (WireException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closing TTHeader Streaming connection from " + peer + ": " + e.getMessage());
    } catch (EOFException e) {
      log("closed mid-frame: " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      log("failed: " + e.getMessage());
    } finally {
      closed = true;
      closeSocket();
      Status gone = Status.of(StatusCode.UNAVAILABLE, "the connection from " + peer + " closed");
      for (TTStreamCall call : streams.values()) {
        call.connectionLost(gone);
      }
      wakeSenders();
    }
  }

  private void log(String what) {
    if (!closed) {
      LOG.log(System.Logger.Level.DEBUG, "connection from " + peer + " " + what);
    }
  }

  private void dispatch(StreamFrame frame) {
    int id = frame.streamId();
    switch (frame.type()) {
      case HEADER -> open(frame);
      case META -> {
        // Kitex's servers send meta frames, clients never; nothing in one concerns a server
      }
      default -> {
        TTStreamCall call = streams.get(id);
        if (call != null) { // frames of streams already ended are ignored, as Kitex does
          call.onFrame(frame);
        }
      }
    }
  }

  /** A header frame opened a stream: start its handler, or answer at once why it cannot run. */
  private void open(StreamFrame frame) {
    int id = frame.streamId();
    if (streams.containsKey(id)) {
      throw new WireException("a second header frame for open stream " + id);
    }
    String service = TTHeaderCallMeta.idlService(frame.header());
    MethodDefinition<?, ?> method = calls.registry().lookup(service, frame.method());
    if (method != null && !method.descriptor().kind().isStreaming()) {
      // Kitex v0.16.3's server does not serve these either: its handler fails on the stream's
      // arguments and the client gets an internal error
      refuse(
          frame,
          new TApplicationException(
              TApplicationException.UNKNOWN_METHOD,
              frame.method()
                  + (service == null ? "" : " of service " + service)
                  + " is a unary method: call it over TTHeader, not TTHeader Streaming"));
      return;
    }
    if (method == null) {
      refuse(
          frame,
          new TApplicationException(
              TApplicationException.UNKNOWN_METHOD,
              "unknown streaming method "
                  + frame.method()
                  + (service == null ? "" : " of service " + service)));
      return;
    }
    if (method.descriptor().serialization() != Serialization.THRIFT) {
      refuse(
          frame,
          new TApplicationException(
              TApplicationException.INVALID_PROTOCOL,
              frame.method() + " takes Protobuf messages: call it over gRPC"));
      return;
    }
    String refused =
        draining ? "the server is closing this connection" : calls.admission().tryStart();
    if (refused != null) {
      refuse(
          frame, ApplicationErrors.fromStatus(Status.of(StatusCode.RESOURCE_EXHAUSTED, refused)));
      return;
    }
    TTStreamCall call = new TTStreamCall(this, calls, method, frame);
    streams.put(id, call);
    call.start();
  }

  /** Ends a stream that never ran: its header frame, then a trailer with {@code error}. */
  private void refuse(StreamFrame open, TApplicationException error) {
    LOG.log(
        System.Logger.Level.DEBUG,
        "refused stream " + open.streamId() + " from " + peer + ": " + error.getMessage());
    Buffer out = new Buffer(128);
    TTStreamCall.endFrames(out, open.streamId(), open.method(), true, null, null, error);
    try {
      output.writeSoonWithoutWaiting(out);
    } catch (IOException e) {
      // the connection is failing; the reader sees it next
    }
  }

  /**
   * Writes frames of one stream without ever blocking on the socket: a writer thread of the
   * coalescer does the system calls. False if the connection is gone.
   */
  boolean write(Buffer frames) {
    if (closed) {
      return false;
    }
    try {
      output.writeSoonWithoutWaiting(frames);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a stream may queue its frames now: {@link #awaitRoom} would not wait. Lock-free. */
  boolean hasRoom() {
    return output.hasRoom() && !closed;
  }

  /**
   * Waits while the connection's outgoing queue is full (a client that does not read), until {@code
   * ended} holds or the connection closes; false then. A stream's handler waits here rather than on
   * the socket, so that the client's rst frame or the connection's end wakes it at once ({@link
   * #wakeSenders}).
   */
  boolean awaitRoom(BooleanSupplier ended) {
    return output.awaitRoom(() -> closed || ended.getAsBoolean());
  }

  /** Wakes the handlers waiting in {@link #awaitRoom}, to see that their stream has ended. */
  void wakeSenders() {
    output.wakeWaiters();
  }

  private void writeNow(byte[] bytes, int off, int len) throws IOException {
    clock.writeStarted();
    try {
      ctx.dataWriter().writeNow(BufferData.create(bytes, off, len));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot write to " + peer + ": " + e.getMessage());
      closed = true;
      closeSocket();
      throw new IOException(e.getMessage(), e);
    } finally {
      clock.writeEnded();
    }
  }

  /** A stream's handler finished (or it never started): forget it. */
  void streamEnded(TTStreamCall call) {
    streams.remove(call.streamId(), call);
    clock.touch();
    if (draining && streams.isEmpty()) {
      output.awaitFlushed();
      closed = true;
      closeSocket();
    }
  }

  /** Open streams, for tests and the leak checks. */
  int openStreams() {
    return streams.size();
  }

  String peer() {
    return peer;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public Duration idleTime() {
    return clock.idleTime(!streams.isEmpty());
  }

  @Override
  public void close(boolean interrupt) {
    draining = true;
    if (interrupt || clock.stuckWriting() != null || streams.isEmpty()) {
      closed = true;
      closeSocket();
    }
  }

  private void closeSocket() {
    try {
      ctx.serverSocket().close();
    } catch (RuntimeException e) {
      // already closed
    }
  }
}
