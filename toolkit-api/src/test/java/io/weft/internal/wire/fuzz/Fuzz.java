package io.weft.internal.wire.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A small mutation fuzzer for decoders, bounded by a number of inputs (never by time, so that a
 * slow machine tries the same inputs as a fast one) and small enough to run in every {@code make
 * test}. The inputs follow from the seed given to the constructor: a failure names it and the
 * input's number, and the same seed tries the same inputs again. Each input is a seed from a corpus
 * (the spec's vectors, the checked-in corpus of interesting inputs) mutated a few times (bit flips,
 * byte edits, interesting integers written over 4-byte words, cuts, splices, duplications), or
 * plain random bytes.
 *
 * <p>The property checked for every input, each breach recorded in {@link #failures()} for the test
 * to assert on: the decoder returns, or throws one of the exceptions it documents; it never throws
 * anything else (no NullPointerException, IndexOutOfBounds, NegativeArraySize, StackOverflowError,
 * OutOfMemoryError), and it never allocates much more than the input's size, however large the
 * lengths the input claims (measured with the JVM's per-thread allocation counter).
 */
public final class Fuzz {
  /** What a decoder under test does with one input. */
  @FunctionalInterface
  public interface Target {
    void decode(byte[] input) throws Exception;
  }

  /**
   * The most a decoder may allocate for one input: a fixed allowance plus a multiple of the input.
   */
  public static final long ALLOCATION_ALLOWANCE = 1 << 20;

  public static final int ALLOCATION_FACTOR = 64;

  private static final int[] INTERESTING = {
    0,
    1,
    -1,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0x10000000,
    0x0fff0000,
    0x80010001,
    0x90010000,
    16 << 20,
    (16 << 20) + 1,
    64,
    65,
    4096
  };

  private final long seed;
  private final Random random;
  private final List<byte[]> seeds = new ArrayList<>();
  private final Set<Class<? extends Throwable>> allowed;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private long inputs;

  /** The first breaches found, each naming its input (see {@link #which}). */
  private final List<String> failures = new ArrayList<>();

  /** How many inputs failed in all, the recorded ones and those past {@link #KEPT_FAILURES}. */
  private long failed;

  private static final int KEPT_FAILURES = 10;

  @SafeVarargs
  public Fuzz(long seed, Class<? extends Throwable>... allowed) {
    this.seed = seed;
    this.random = new Random(seed);
    Set<Class<? extends Throwable>> kinds = new HashSet<>();
    for (Class<? extends Throwable> kind : allowed) {
      kinds.add(kind);
    }
    this.allowed = Set.copyOf(kinds);
  }

  public Fuzz seed(byte[] input) {
    seeds.add(input.clone());
    return this;
  }

  /** Adds every input of {@code fuzz-corpus/<name>.hex} (one hex string a line, # comments). */
  public Fuzz corpus(String name) {
    try (InputStream in = Fuzz.class.getResourceAsStream("/fuzz-corpus/" + name + ".hex")) {
      if (in == null) {
        return this;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          seeds.add(HexFormat.of().parseHex(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** How many inputs were tried so far. */
  public long inputs() {
    return inputs;
  }

  /**
   * The inputs that broke the property so far (the first {@value #KEPT_FAILURES}, then a count of
   * the rest), each naming its seed, number and bytes; empty if none did.
   */
  public List<String> failures() {
    List<String> all = new ArrayList<>(failures);
    if (failed > failures.size()) {
      all.add("and " + (failed - failures.size()) + " more failing inputs");
    }
    return all;
  }

  /** Runs every seed input as it is, then exactly {@code count} mutated or random inputs. */
  public Fuzz run(Target target, int count) {
    long before = inputs;
    for (byte[] s : seeds) {
      check(target, s);
    }
    for (int i = 0; i < count; i++) {
      check(target, next());
    }
    System.out.println(
        "fuzz "
            + caller()
            + ": "
            + (inputs - before)
            + " inputs from seed "
            + seed
            + ", "
            + (failed == 0 ? "none" : Long.toString(failed))
            + " failed");
    return this;
  }

  private static String caller() {
    return StackWalker.getInstance()
        .walk(s ->
            s.skip(2)
                .findFirst()
                .map(f -> f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName())
                .orElse("?"));
  }

  private byte[] next() {
    if (seeds.isEmpty() || random.nextInt(10) == 0) {
      byte[] b = new byte[random.nextInt(64)];
      random.nextBytes(b);
      return b;
    }
    byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      b = mutate(b);
    }
    return b;
  }

  private byte[] mutate(byte[] b) {
    if (b.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    switch (random.nextInt(7)) {
      case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
      case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      case 2 -> {
        if (b.length >= 4) {
          int at = random.nextInt(b.length - 3);
          int v = INTERESTING[random.nextInt(INTERESTING.length)];
          b[at] = (byte) (v >>> 24);
          b[at + 1] = (byte) (v >>> 16);
          b[at + 2] = (byte) (v >>> 8);
          b[at + 3] = (byte) v;
        }
      }
      case 3 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
      case 4 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        int cut = random.nextInt(b.length);
        int from = random.nextInt(Math.max(1, other.length));
        int n = Math.min(other.length - from, random.nextInt(64));
        byte[] spliced = java.util.Arrays.copyOf(b, cut + Math.max(0, n));
        if (n > 0) {
          System.arraycopy(other, from, spliced, cut, n);
        }
        b = spliced;
      }
      case 5 -> {
        int at = random.nextInt(b.length);
        int n = Math.min(b.length - at, 1 + random.nextInt(16));
        byte[] longer = new byte[b.length + n];
        System.arraycopy(b, 0, longer, 0, at + n);
        System.arraycopy(b, at, longer, at + n, b.length - at);
        b = longer;
      }
      default ->
          b[random.nextInt(b.length)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
    }
    return b;
  }

  private void check(Target target, byte[] input) {
    inputs++;
    long allocated = decode(target, input, true);
    long allowed = ALLOCATION_ALLOWANCE + (long) ALLOCATION_FACTOR * input.length;
    if (allocated > allowed) {
      // the first input down a path may load and initialise classes (an error path's, say): that
      // is the JVM's one-time work, not the decoder's for this input, so the input runs again
      allocated = decode(target, input, false);
    }
    if (allocated > allowed) {
      failure(
          which(input)
              + " ("
              + input.length
              + " bytes) made the decoder allocate "
              + allocated
              + " bytes");
    }
  }

  /**
   * Decodes {@code input}, recording a throwable the decoder may not throw (when {@code record});
   * returns the bytes this thread allocated meanwhile.
   */
  private long decode(Target target, byte[] input, boolean record) {
    long tid = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(tid);
    try {
      target.decode(input);
    } catch (Throwable t) {
      if (record && !isAllowed(t)) {
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        failure(which(input) + " made the decoder throw " + trace);
      }
    }
    return threads.getThreadAllocatedBytes(tid) - before;
  }

  private void failure(String what) {
    failed++;
    if (failures.size() < KEPT_FAILURES) {
      failures.add(what);
    }
  }

  /** Names a failing input so that it can be replayed: the seed, its number, and its bytes. */
  private String which(byte[] input) {
    return "fuzz seed "
        + seed
        + ", input #"
        + inputs
        + " ("
        + HexFormat.of().formatHex(input)
        + ")";
  }

  private boolean isAllowed(Throwable t) {
    for (Class<? extends Throwable> c : allowed) {
      if (c.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
