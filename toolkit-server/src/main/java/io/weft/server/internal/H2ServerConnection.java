package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.weft.internal.wire.grpc.GrpcHeaders;
import io.weft.internal.wire.http2.ErrorCode;
import io.weft.internal.wire.http2.Fields;
import io.weft.internal.wire.http2.Http2Config;
import io.weft.internal.wire.http2.Http2Connection;
import io.weft.internal.wire.http2.Http2Stream;
import io.weft.internal.wire.http2.StreamException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP/2 connection on Weft's server: Helidon accepted the socket (and did TLS with ALPN); from
 * the preface on, Weft's engine ({@link Http2Connection}) runs it on Helidon's connection thread.
 * gRPC requests become {@link GrpcServerCall}s; any other request is answered by the reader itself
 * (405 or 415, once its request has ended), with no thread and nothing kept.
 */
final class H2ServerConnection implements ServerConnection, Http2Connection.Acceptor {
  private static final byte[] NOT_GRPC =
      "Weft serves gRPC here: POST with content-type application/grpc\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final OpenConnections connections;
  private final CallServices calls;
  private final Http2Connection engine;

  H2ServerConnection(
      ConnectionContext ctx, OpenConnections connections, Http2Config http2, CallServices calls) {
    this.connections = connections;
    this.calls = calls;
    String peer = Peers.format(ctx.remotePeer().address());
    this.engine = Http2Connection.server(new SocketTransport(ctx), peer, http2, this);
  }

  @Override
  public void handle(Limit limit) {
    connections.http2Opened(this);
    engine.serve();
  }

  Http2Connection engine() {
    return engine;
  }

  @Override
  public void accept(Http2Stream stream, Fields headers, boolean endStream) {
    RequestHead head = RequestHead.of(headers);
    boolean post = "POST".equals(head.method);
    if (post && GrpcHeaders.isGrpc(head.contentType)) {
      GrpcServerCall.accept(calls, stream, head, endStream);
      return;
    }
    String status = post ? "415" : "405";
    PlainReply reply = new PlainReply(status);
    stream.listener(reply);
    if (endStream) {
      reply.send(stream);
    }
  }

  @Override
  public void closed(Http2Connection connection) {
    connections.http2Closed(this);
  }

  /** How long no stream has been open: Helidon's idle timeout reads it. */
  @Override
  public Duration idleTime() {
    return Duration.ofNanos(engine.idleNanos());
  }

  @Override
  public void close(boolean interrupt) {
    if (interrupt) {
      engine.close(ErrorCode.NO_ERROR, "the server is stopping");
    } else {
      engine.shutdown();
    }
  }

  /**
   * A request Weft does not serve: its body is dropped, and once it ends the reply goes out. Reader
   * thread only.
   */
  private static final class PlainReply implements Http2Stream.Listener {
    private final String status;

    PlainReply(String status) {
      this.status = status;
    }

    void send(Http2Stream stream) {
      stream.sendLater(
          new Fields(3)
              .add(":status", status)
              .add("content-type", "text/plain")
              .add("content-length", Integer.toString(NOT_GRPC.length)),
          NOT_GRPC);
    }

    @Override
    public void headers(Http2Stream stream, Fields fields, boolean endStream) {
      if (endStream) {
        send(stream);
      }
    }

    @Override
    public void data(Http2Stream stream, byte[] b, int off, int len, boolean endStream) {
      stream.consumed(len);
      if (endStream) {
        send(stream);
      }
    }

    @Override
    public void reset(Http2Stream stream, StreamException why) {}
  }

  /**
   * The socket as the engine sees it: reads through {@link SocketInput} (the bytes Helidon read
   * while detecting the protocol, then the socket straight into the engine's buffer on plain TCP);
   * writes go straight to the socket.
   */
  private static final class SocketTransport implements Http2Connection.Transport {
    private final ConnectionContext ctx;
    private final SocketInput input;
    private final HelidonSocket socket;

    SocketTransport(ConnectionContext ctx) {
      this.ctx = ctx;
      this.input = new SocketInput(ctx);
      this.socket = ctx.serverSocket();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return input.readUnbuffered(b, off, len);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        socket.write(BufferData.create(b, off, len));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        ctx.serverSocket().close();
      } catch (RuntimeException e) {
        // already closed
      }
    }
  }
}
