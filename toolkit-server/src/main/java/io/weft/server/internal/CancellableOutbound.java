package io.weft.server.internal;

import io.helidon.http.http2.FlowControl;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Exception;
import io.helidon.http.http2.Http2FrameData;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream's outbound flow control whose wait for a window update can be cancelled. Helidon's own
 * wait only ends on an update or its flow-control timeout; here {@link #cancel()} interrupts the
 * waiting writer, and only while it is inside that wait (the lock makes sure), so the interrupt can
 * never land on a socket write, where it would close the whole connection.
 */
final class CancellableOutbound implements FlowControl.Outbound {
  private final FlowControl.Outbound delegate;
  private final ReentrantLock lock = new ReentrantLock();
  private Thread waiter;
  private boolean cancelled;

  CancellableOutbound(FlowControl.Outbound delegate) {
    this.delegate = delegate;
  }

  void cancel() {
    lock.lock();
    try {
      cancelled = true;
      if (waiter != null) {
        waiter.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void blockTillUpdate() {
    lock.lock();
    try {
      if (cancelled) {
        throw new Http2Exception(Http2ErrorCode.CANCEL, "stream cancelled");
      }
      waiter = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    try {
      delegate.blockTillUpdate();
    } finally {
      lock.lock();
      try {
        waiter = null;
        if (cancelled) {
          Thread.interrupted(); // ours; it must not reach a socket write
        }
      } finally {
        lock.unlock();
      }
    }
    if (cancelled) {
      throw new Http2Exception(Http2ErrorCode.CANCEL, "stream cancelled");
    }
  }

  @Override
  public long incrementStreamWindowSize(int increment) {
    return delegate.incrementStreamWindowSize(increment);
  }

  @Override
  public Http2FrameData[] cut(Http2FrameData frame) {
    return delegate.cut(frame);
  }

  @Override
  public int maxFrameSize() {
    return delegate.maxFrameSize();
  }

  @Override
  public void decrementWindowSize(int decrement) {
    delegate.decrementWindowSize(decrement);
  }

  @Override
  public void resetStreamWindowSize(int size) {
    delegate.resetStreamWindowSize(size);
  }

  @Override
  public int getRemainingWindowSize() {
    return delegate.getRemainingWindowSize();
  }
}
