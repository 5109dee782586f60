package io.weft.client.internal;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientStreamingClient;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.RpcException;
import io.weft.api.Serialization;
import io.weft.api.ServerStreamingClient;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.grpc.GrpcCallMeta;
import io.weft.internal.wire.grpc.GrpcCompression;
import io.weft.internal.wire.grpc.GrpcFrames;
import io.weft.internal.wire.http2.Fields;
import io.weft.internal.wire.http2.Http2Connection;
import io.weft.internal.wire.http2.Http2Stream;
import io.weft.internal.wire.http2.StreamException;

/**
 * One gRPC call on the client, in whichever shape the method has: unary, or a stream the caller
 * drives with {@code send}, {@code recv}, {@code closeSend}, {@code closeAndRecv}. Sending and
 * receiving may happen on two threads at once.
 */
final class GrpcCall<Req, Resp>
    implements ClientStreamingClient<Req, Resp>,
        ServerStreamingClient<Resp>,
        BidiStreamingClient<Req, Resp> {
  private final MethodDescriptor<Req, Resp> method;
  private final Deadline deadline;
  private final boolean gzip;
  private final GrpcStream stream;
  private final io.weft.api.Traffic traffic;

  private GrpcCall(
      MethodDescriptor<Req, Resp> method,
      Deadline deadline,
      boolean gzip,
      GrpcStream stream,
      io.weft.api.Traffic traffic) {
    this.method = method;
    this.deadline = deadline;
    this.gzip = gzip;
    this.stream = stream;
    this.traffic = traffic;
  }

  /**
   * Starts a call. With {@code first} the request goes out with the headers and the request side
   * closes at once (unary and server-streaming calls). {@code metaInfo} and the caller and callee
   * names travel as Kitex's headers ({@link GrpcCallMeta}).
   */
  static <Req, Resp> GrpcCall<Req, Resp> start(
      Http2Pool pool,
      String authority,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Deadline deadline,
      MetaInfo metaInfo,
      String callerService,
      String callerMethod,
      String destService,
      int maxMessageSize,
      Req first,
      boolean hasFirst,
      io.weft.api.Traffic traffic) {
    boolean gzip = GrpcCompression.GZIP.equals(options.compression().orElse(null));
    long timeoutNanos = -1;
    if (deadline != null) {
      timeoutNanos = deadline.remainingNanos();
      if (timeoutNanos <= 0) {
        throw Status.of(
                StatusCode.DEADLINE_EXCEEDED,
                "deadline passed before " + method.methodName() + " started")
            .asException();
      }
    }
    Fields h =
        GrpcCallMeta.requestHeaders(
            pool.scheme(),
            method.path(),
            authority,
            method.serialization() == Serialization.THRIFT,
            gzip,
            timeoutNanos,
            options.metadata(),
            metaInfo,
            callerService,
            callerMethod,
            destService,
            method.methodName());
    Buffer body = null;
    if (hasFirst) {
      body = new Buffer(Buffer.TYPICAL_FRAME);
      GrpcFrames.write(body, method.requestCodec(), first, gzip, Integer.MAX_VALUE);
    }
    GrpcStream stream = open(pool, authority, h, body, hasFirst, maxMessageSize, deadline);
    if (traffic != null && body != null) {
      traffic.addSent(body.size());
    }
    return new GrpcCall<>(method, deadline, gzip, stream, traffic);
  }

  /**
   * Opens the stream on a connection with room; a connection that turns out to be going away
   * (GOAWAY before the request was sent) is left for another, once.
   */
  private static GrpcStream open(
      Http2Pool pool,
      String authority,
      Fields headers,
      Buffer body,
      boolean endStream,
      int maxMessageSize,
      Deadline deadline) {
    for (int attempt = 0; ; attempt++) {
      Http2Connection conn = pool.connection(deadline);
      GrpcStream stream = new GrpcStream(authority, maxMessageSize);
      try {
        Http2Stream s =
            conn.newStream(
                headers,
                body == null ? null : body.array(),
                0,
                body == null ? 0 : body.size(),
                endStream,
                stream,
                deadline,
                conn.activeStreams() > 0);
        stream.opened(s, endStream);
        return stream;
      } catch (StreamException e) {
        boolean unsent = e.kind() == StreamException.Kind.REFUSED;
        if (unsent && attempt == 0) {
          continue;
        }
        if (!unsent && stream.isDone()) {
          return stream; // the server ended the call while the request was still going out: its
          // status is the call's
        }
        Status s =
            switch (e.kind()) {
              case DEADLINE ->
                  Status.of(
                      StatusCode.DEADLINE_EXCEEDED,
                      "deadline exceeded sending the request to " + authority);
              case RESET_BY_PEER ->
                  Status.of(StatusCode.CANCELLED, "the server reset the stream (" + e.code() + ")");
              default ->
                  Status.of(
                          StatusCode.UNAVAILABLE,
                          "cannot send to " + authority + ": " + e.getMessage())
                      .withCause(e);
            };
        throw unsent ? new UnsentException(s) : s.asException();
      }
    }
  }

  /**
   * The unary result: exactly one message, then OK. A refused stream fails with an {@link
   * UnsentException}.
   */
  Resp single() {
    Resp r = next();
    if (r == null) {
      throw Status.of(StatusCode.INTERNAL, method.methodName() + " completed without a response")
          .asException();
    }
    if (next() != null) {
      stream.cancel(Status.of(StatusCode.INTERNAL, "more than one response"));
      throw Status.of(StatusCode.INTERNAL, method.methodName() + " returned more than one response")
          .asException();
    }
    return r;
  }

  @Override
  public Resp recv() {
    try { // on every message: no Supplier to allocate, unlike UnsentException.plain(this::next)
      return next();
    } catch (UnsentException e) {
      throw e.plain();
    }
  }

  /**
   * The next message, or null at the end; a refused stream fails with an {@link UnsentException}.
   */
  private Resp next() {
    byte[] bytes = stream.take(deadline);
    if (bytes == null) {
      return null;
    }
    if (traffic != null) {
      traffic.addReceived(GrpcFrames.PREFIX + bytes.length);
    }
    try {
      return method.responseCodec().decode(bytes, 0, bytes.length);
    } catch (RpcException e) {
      stream.cancel(e.status());
      throw e;
    }
  }

  @Override
  public void send(Req message) {
    stream.checkWritable();
    Buffer frame = new Buffer(Buffer.TYPICAL_FRAME);
    GrpcFrames.write(frame, method.requestCodec(), message, gzip, Integer.MAX_VALUE);
    stream.write(frame.array(), 0, frame.size(), false, deadline);
    if (traffic != null) {
      traffic.addSent(frame.size());
    }
  }

  @Override
  public void closeSend() {
    if (!stream.isDone()) {
      stream.write(null, 0, 0, true, deadline);
    }
  }

  @Override
  public Resp closeAndRecv() {
    closeSend();
    return UnsentException.plain(this::single);
  }

  @Override
  public void cancel() {
    stream.cancel(Status.of(StatusCode.CANCELLED, "cancelled by the client"));
  }

  @Override
  public Metadata headers() {
    return stream.awaitHeaders(deadline);
  }

  @Override
  public Metadata trailers() {
    return stream.trailers();
  }

  /** Whether the server refused the call before processing it (safe to send again). */
  boolean wasRefused() {
    return stream.wasRefused();
  }

  /** The call's final status, waiting for it. */
  Status status() {
    return stream.awaitStatus(deadline);
  }

  @Override
  public void close() {
    if (!stream.isDone()) {
      cancel();
    }
  }
}
