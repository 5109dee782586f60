package io.weft.client;

import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.ttheader.Envelope;
import io.weft.internal.wire.ttheader.EnvelopeReader;
import io.weft.internal.wire.ttheader.EnvelopeWriter;
import io.weft.internal.wire.ttheader.Framing;
import io.weft.internal.wire.ttheader.PayloadFormat;
import io.weft.internal.wire.ttheader.TTHeader;
import io.weft.testing.StringStruct;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server played by the test on a real loopback socket, in one socket framing: it reads each
 * request as an {@link Envelope} and writes whatever its {@link Answer} returns, one connection per
 * virtual thread. It counts the connections it accepted and tells when the client closed one.
 */
final class RawPeer implements AutoCloseable {
  static final int MAX_FRAME = 16 << 20;

  /** The bytes to write for one request; null writes nothing (a peer that never answers). */
  @FunctionalInterface
  interface Answer {
    byte[] to(Envelope request) throws IOException;
  }

  private final ServerSocket listener;
  private final Framing framing;
  private final Answer answer;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Semaphore closedByClient = new Semaphore(0);
  private final BlockingQueue<Envelope> requests = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  RawPeer(Framing framing, Answer answer) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.framing = framing;
    this.answer = answer;
    Thread.ofVirtual().name("raw-peer-accept").start(this::acceptLoop);
  }

  /** A peer that answers every call with a REPLY whose result is the request's string. */
  static RawPeer echo(Framing framing) throws IOException {
    return new RawPeer(
        framing,
        request ->
            reply(
                framing,
                request,
                Envelope.REPLY,
                new StringStruct(0)
                    .bytes(
                        new StringStruct(1)
                            .decode(
                                request.buffer(), request.bodyOffset(), request.bodyLength()))));
  }

  /** A whole reply to {@code request}: its name and sequence id, this message type and body. */
  static byte[] reply(Framing framing, Envelope request, int messageType, byte[] body) {
    Buffer out = new Buffer();
    EnvelopeWriter w = new EnvelopeWriter(out, framing, MAX_FRAME);
    w.begin(
        new TTHeader(), PayloadFormat.THRIFT_BINARY, messageType, request.name(), request.seqId());
    out.write(body, 0, body.length);
    w.finish();
    return out.toByteArray();
  }

  /** The client's address for this peer. */
  String hostPort() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** The next request read, within {@code seconds}; null if none came. */
  Envelope nextRequest(long seconds) throws InterruptedException {
    return requests.poll(seconds, TimeUnit.SECONDS);
  }

  /**
   * Waits until the client has closed {@code n} connections (EOF or reset), for at most {@code
   * seconds}.
   */
  boolean awaitClosedByClient(int n, long seconds) throws InterruptedException {
    return closedByClient.tryAcquire(n, seconds, TimeUnit.SECONDS);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException closed) {
        return;
      }
      accepted.incrementAndGet();
      sockets.add(s);
      Thread.ofVirtual().name("raw-peer-conn").start(() -> serve(s));
    }
  }

  private void serve(Socket s) {
    try (s) {
      EnvelopeReader reader = new EnvelopeReader(s.getInputStream(), MAX_FRAME);
      Envelope request;
      while ((request = reader.read(framing)) != null) {
        requests.add(request);
        byte[] reply = answer.to(request);
        if (reply != null) {
          s.getOutputStream().write(reply);
        }
      }
      closedByClient.release();
    } catch (IOException e) {
      if (!listener.isClosed()) {
        closedByClient.release(); // a reset by the client is a close too
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
