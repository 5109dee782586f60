package io.weft.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteCoalescerTest {

  /** Records what the sink got, one call at a time, and whether two calls ever overlapped. */
  private static final class RecordingSink implements WriteCoalescer.Sink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean overlapped;

    @Override
    public void write(byte[] b, int off, int len) {
      if (inside.incrementAndGet() != 1) {
        overlapped = true;
      }
      calls.incrementAndGet();
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
      inside.decrementAndGet();
    }

    byte[] written() {
      synchronized (bytes) {
        return bytes.toByteArray();
      }
    }
  }

  /** A recording sink whose first write blocks until {@link #release} opens. */
  private static final class StallingSink implements WriteCoalescer.Sink {
    final CountDownLatch inWrite = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final RecordingSink recorder = new RecordingSink();
    final AtomicInteger calls = recorder.calls;

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (recorder.calls.get() == 0) {
        inWrite.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      recorder.write(b, off, len);
    }

    byte[] written() {
      return recorder.written();
    }
  }

  /** A record of 8 bytes: writer, sequence number. */
  private static Buffer record(int writer, int seq) {
    return new Buffer(8).writeInt(writer).writeInt(seq);
  }

  /** How a writer of {@link #writeConcurrently} hands over its {@code i}th record. */
  private interface RecordWrite {
    void write(int i, Buffer record) throws IOException;
  }

  /** {@code writers} threads of {@code threads}, each writing {@code each} records in order. */
  private static void writeConcurrently(
      Thread.Builder threads, int writers, int each, RecordWrite how) throws InterruptedException {
    List<Thread> started = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      started.add(
          threads.start(() -> {
            try {
              for (int i = 0; i < each; i++) {
                how.write(i, record(writer, i));
              }
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          }));
    }
    for (Thread t : started) {
      t.join();
    }
  }

  /** Every record arrived, each writer's in its order, and no two writes overlapped. */
  private static void assertEachWritersOrder(RecordingSink sink, int writers, int each) {
    byte[] all = sink.written();
    assertThat(all).hasSize(writers * each * 8);
    int[] next = new int[writers];
    for (int at = 0; at < all.length; at += 8) {
      int writer = Buffer.getInt(all, at);
      assertThat(Buffer.getInt(all, at + 4)).isEqualTo(next[writer]);
      next[writer]++;
    }
    assertThat(sink.overlapped).isFalse();
  }

  @Test
  void concurrentWritersKeepEachWritersOrderAndNeverOverlap() throws Exception {
    RecordingSink sink = new RecordingSink();
    WriteCoalescer out = new WriteCoalescer(sink);
    int writers = 16;
    int each = 2_000;
    writeConcurrently(
        Thread.ofVirtual(),
        writers,
        each,
        (i, r) -> {
          switch (i % 3) {
            case 0 -> out.write(r);
            case 1 -> out.writeSoon(r);
            default -> out.write(r.array(), 0, r.size(), true);
          }
        });
    // the last records may still be with a writer thread: a waiting write returns only once all
    // before it are out
    out.write(new byte[0], 0, 0, true);
    assertEachWritersOrder(sink, writers, each);
    assertThat(sink.calls.get()).isLessThanOrEqualTo(writers * each);
  }

  @Test
  void handedOffWritersKeepEachWritersOrderAndNeverOverlap() throws Exception {
    // platform threads (as a timer) and the reader's never-waiting path hand the writing to a
    // virtual thread, which yields once before it writes: nothing is lost, reordered or overlapped
    RecordingSink sink = new RecordingSink();
    WriteCoalescer out = new WriteCoalescer(sink);
    int writers = 4;
    int each = 2_000;
    writeConcurrently(
        Thread.ofPlatform(),
        writers,
        each,
        (i, r) -> {
          if (i % 2 == 0) {
            out.writeSoonWithoutWaiting(r);
          } else {
            out.writeSoon(r);
          }
        });
    out.awaitFlushed();
    assertEachWritersOrder(sink, writers, each);
  }

  @Test
  void bytesQueuedWhileTheSocketIsBusyLeaveTogether() throws Exception {
    StallingSink recorder = new StallingSink();
    WriteCoalescer out = new WriteCoalescer(recorder);
    Thread first =
        Thread.ofVirtual()
            .start(() -> {
              try {
                out.write(record(0, 0));
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    recorder.inWrite.await();
    for (int i = 1; i <= 5; i++) {
      out.write(record(0, i)); // returns at once: the first writer takes these too
    }
    recorder.release.countDown();
    first.join();
    assertThat(recorder.written()).hasSize(6 * 8);
    assertThat(recorder.calls.get()).isEqualTo(2);
  }

  @Test
  void aFailedWriteFailsEveryLaterWrite() {
    WriteCoalescer out =
        new WriteCoalescer((b, off, len) -> {
          throw new IOException("connection reset");
        });
    assertThatThrownBy(() -> out.write(record(0, 0)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
    assertThatThrownBy(() -> out.writeSoon(record(0, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
    assertThat(out.failure()).hasMessage("connection reset");
  }

  @Test
  void writersWaitOnceTooMuchIsQueuedButTheReaderNeverDoes() throws Exception {
    StallingSink recorder = new StallingSink(); // a peer that has stopped reading, until released
    WriteCoalescer out = new WriteCoalescer(recorder);
    out.writeSoon(record(0, 0));
    recorder.inWrite.await();
    Buffer big = new Buffer(WriteCoalescer.MAX_QUEUED);
    big.advance(WriteCoalescer.MAX_QUEUED);
    out.writeSoon(big); // queued: the limit is reached, not passed
    out.writeSoonWithoutWaiting(record(0, 1)); // a reader's control frame: never waits
    CountDownLatch queuedMore = new CountDownLatch(1);
    Thread writer =
        Thread.ofVirtual()
            .start(() -> {
              try {
                out.writeSoon(record(0, 2));
                queuedMore.countDown();
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    // until the writer waits for the full queue to drain: a count with no signal, so asked once a
    // millisecond (parked in between), for at most 20 s
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (out.waitingForRoom() == 0 && System.nanoTime() - deadline < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertThat(out.waitingForRoom()).as("writers waiting for room within 20 s").isEqualTo(1);
    assertThat(queuedMore.getCount()).isEqualTo(1);
    recorder.release.countDown();
    queuedMore.await();
    writer.join();
    out.awaitFlushed();
    assertThat(recorder.written()).hasSize(8 + WriteCoalescer.MAX_QUEUED + 8 + 8);
  }
}
