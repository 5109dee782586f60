package io.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class MetadataTest {
  private static final int ROUNDS = 20_000;

  @Test
  void aCopyIsEqualAndIndependent() {
    Metadata md = new Metadata().add("a", "1").add("b", "2");
    Metadata copy = md.copy();
    assertThat(copy).isEqualTo(md);
    copy.add("c", "3");
    assertThat(md.containsKey("c")).isFalse();
    assertThat(copy.get("c")).isEqualTo("3");
  }

  /**
   * A client copies its options' metadata, mostly empty, for every call, and the call then adds a
   * header or two (trace context): the copy must have a new one's room, not grow at each add.
   */
  @Test
  void addingToACopyOfAnEmptyOneAllocatesNoMoreThanToANewOne() {
    Metadata empty = new Metadata();
    Metadata[] kept = new Metadata[ROUNDS]; // kept, so that nothing is optimized away
    long fresh = Long.MAX_VALUE;
    long copied = Long.MAX_VALUE;
    for (int attempt = 0; attempt < 5; attempt++) { // the least of a few, as warm-up varies
      long before = allocated();
      for (int i = 0; i < ROUNDS; i++) {
        kept[i] = new Metadata().add("traceparent", "v").add("tracestate", "s");
      }
      fresh = Math.min(fresh, allocated() - before);
      before = allocated();
      for (int i = 0; i < ROUNDS; i++) {
        kept[i] = empty.copy().add("traceparent", "v").add("tracestate", "s");
      }
      copied = Math.min(copied, allocated() - before);
    }
    assertThat(kept[ROUNDS - 1].size()).isEqualTo(2);
    // a copy's list growing 0, 1, 2, 3, 4 allocates four arrays where a new one allocates one
    assertThat((double) copied).isLessThanOrEqualTo(fresh * 1.1);
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
