package io.weft.opentelemetry;

import io.weft.api.BidiStreamingClient;
import io.weft.api.ClientStreamingClient;
import io.weft.api.Metadata;
import io.weft.api.ServerStreamingClient;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A client stream that reports its end once: the clean end of what the server sends ({@code recv}
 * returning null, or {@code closeAndRecv} returning), a failure of any operation, or a cancel. It
 * stands for whichever of the three client stream kinds the call opened, as the stream it wraps
 * does; a stream abandoned without any of these never reports.
 */
final class TracedClientStream<Req, Resp>
    implements ServerStreamingClient<Resp>,
        ClientStreamingClient<Req, Resp>,
        BidiStreamingClient<Req, Resp> {
  private final Object stream;

  /** Called once, with null for a clean end or the failure. */
  private final Consumer<Throwable> ended;

  private final AtomicBoolean done = new AtomicBoolean();

  TracedClientStream(Object stream, Consumer<Throwable> ended) {
    this.stream = stream;
    this.ended = ended;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Resp recv() {
    try {
      Resp r = ((io.weft.api.StreamReader<Resp>) stream).recv();
      if (r == null) {
        end(null);
      }
      return r;
    } catch (RuntimeException | Error e) {
      end(e);
      throw e;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void send(Req message) {
    try {
      ((io.weft.api.StreamWriter<Req>) stream).send(message);
    } catch (RuntimeException | Error e) {
      end(e);
      throw e;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public Resp closeAndRecv() {
    try {
      Resp r = ((ClientStreamingClient<Req, Resp>) stream).closeAndRecv();
      end(null);
      return r;
    } catch (RuntimeException | Error e) {
      end(e);
      throw e;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void closeSend() {
    ((BidiStreamingClient<Req, Resp>) stream).closeSend();
  }

  @Override
  public void cancel() {
    ((io.weft.api.ClientStream) stream).cancel();
    end(Status.of(StatusCode.CANCELLED, "cancelled by the client").asException());
  }

  @Override
  public Metadata headers() {
    return ((io.weft.api.ClientStream) stream).headers();
  }

  @Override
  public Metadata trailers() {
    return ((io.weft.api.ClientStream) stream).trailers();
  }

  @Override
  public void close() {
    ((io.weft.api.ClientStream) stream).close();
    end(
        Status.of(StatusCode.CANCELLED, "closed before it ended")
            .asException()); // no-op once it has ended
  }

  private void end(Throwable failure) {
    if (done.compareAndSet(false, true)) {
      ended.accept(failure);
    }
  }
}
