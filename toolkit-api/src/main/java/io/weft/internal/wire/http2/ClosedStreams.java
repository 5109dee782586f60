package io.weft.internal.wire.http2;

/**
 * How a connection's recently closed streams ended, so that a late frame can be told from a mistake
 * (RFC 9113 section 5.1): frames crossing this side's RST_STREAM are ignored, frames on a stream
 * that ended otherwise are errors. The last {@value #MEMORY} are remembered; older ones are
 * forgotten (and then treated as reset by this side: ignored). Guarded by the connection's lock.
 */
final class ClosedStreams {
  /** Both sides ended the stream. */
  static final int ENDED = 0;

  /** This side reset it: late frames from the peer are expected, and ignored. */
  static final int RESET_SENT = 1;

  /** The peer reset it: its frames after that are errors. */
  static final int RESET_RECEIVED = 2;

  static final int MEMORY = 1024;

  private final IntMap<Integer> how = new IntMap<>(64);
  private final int[] order = new int[MEMORY];
  private int next;

  /**
   * Remembers how {@code id} closed (again, if it is remembered already), forgetting the oldest
   * beyond {@value #MEMORY}.
   */
  void mark(int id, int how) {
    if (this.how.get(id) == null) {
      int old = order[next];
      if (old != 0) {
        this.how.remove(old);
      }
      order[next] = id;
      next = (next + 1) % MEMORY;
    }
    this.how.put(id, how);
  }

  /** How {@code id} closed, or null if it is not remembered (never opened, or forgotten). */
  Integer how(int id) {
    return how.get(id);
  }

  /** The oldest id still remembered (0 while nothing has been forgotten). */
  int oldest() {
    return order[next];
  }
}
