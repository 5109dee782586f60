package io.weft.api;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The receiving side of a stream. {@link #recv()} blocks for the next message and returns null once
 * the peer has closed its side cleanly; every failure (cancel, deadline, reset, an error status
 * from the peer) is an {@link RpcException}. A stream is also {@link Iterable}: a for-each loop
 * ends at the clean end and throws on failure. One thread receives while another may send.
 */
public interface StreamReader<T> extends Iterable<T> {
  /** The next message, or null once the peer has finished sending. */
  T recv();

  /** Iterates until the clean end; {@link #recv()} failures propagate from {@code hasNext()}. */
  @Override
  default Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = recv();
          done = next == null;
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
      }
    };
  }
}
