package io.weft.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} says about a process and the machine: CPU time in clock ticks, bytes
 * and system calls through read/write. Every figure the benchmarks derive from CPU time comes from
 * here, so that a server process's CPU and the bench JVM's are counted the same way.
 */
final class Proc {
  private Proc() {}

  /** Clock ticks a second ({@code getconf CLK_TCK}; 100 on every Linux this runs on). */
  static final int CLK_TCK = clockTicks();

  /** Cores the machine has (for the share of the machine other processes used). */
  static final int CPUS = Runtime.getRuntime().availableProcessors();

  private static int clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return Integer.parseInt(out);
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 100;
    }
  }

  /** Microseconds per clock tick. */
  static double usPerTick() {
    return 1e6 / CLK_TCK;
  }

  /**
   * A process's user and system CPU so far, in clock ticks ({@code utime}, {@code stime} of {@code
   * /proc/<pid>/stat}; every thread of it, none of its children); {@code {-1, -1}} if it has ended.
   */
  static long[] cpuTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  static long[] cpuTicks(long pid) {
    return cpuTicks(Long.toString(pid));
  }

  /** This JVM's user and system CPU so far, in clock ticks. */
  static long[] selfCpuTicks() {
    return cpuTicks("self");
  }

  /**
   * The machine's busy and total clock ticks so far, over all cores ({@code /proc/stat}'s cpu line;
   * busy is everything but idle and iowait).
   */
  static long[] machineTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      for (int i = 1;
          i < f.length && i <= 8;
          i++) { // user nice system idle iowait irq softirq steal (guest is in user)
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /**
   * A process's I/O counters: bytes and calls of read-like and write-like system calls ({@code
   * /proc/<pid>/io}).
   */
  record Io(long readBytes, long writeBytes, long reads, long writes) {
    Io minus(Io before) {
      return new Io(
          readBytes - before.readBytes,
          writeBytes - before.writeBytes,
          reads - before.reads,
          writes - before.writes);
    }
  }

  static Io io(long pid) {
    long rchar = 0;
    long wchar = 0;
    long syscr = 0;
    long syscw = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
        String[] kv = line.split(":\\s*");
        long v = Long.parseLong(kv[1].trim());
        switch (kv[0]) {
          case "rchar" -> rchar = v;
          case "wchar" -> wchar = v;
          case "syscr" -> syscr = v;
          case "syscw" -> syscw = v;
          default -> {}
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended, or /proc/<pid>/io is not readable: zeros
    }
    return new Io(rchar, wchar, syscr, syscw);
  }

  /** The process's resident set, in bytes ({@code VmRSS} of {@code /proc/<pid>/status}). */
  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  /**
   * How many established TCP connections the process holds: its {@code socket:[inode]} file
   * descriptors that {@code /proc/net/tcp} or {@code tcp6} lists in state ESTABLISHED (so neither
   * its listening socket nor, say, the attach listener's Unix socket that {@code jcmd} opens).
   */
  static int tcpConnections(long pid) {
    return tcpSockets(pid, "01"::equals);
  }

  /**
   * How many TCP sockets the process holds other than listening ones, in any state (established, or
   * closing: a connection the peer closed still counts against a server's connection limit until
   * the server closes it too).
   */
  static int openTcpSockets(long pid) {
    return tcpSockets(pid, state -> !state.equals("0A"));
  }

  /** The process's TCP sockets whose state ({@code /proc/net/tcp}'s hex code) passes {@code st}. */
  private static int tcpSockets(long pid, java.util.function.Predicate<String> st) {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds.forEach(fd -> {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(link.substring(8, link.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      });
      int n = 0;
      for (String table : new String[] {"tcp", "tcp6"}) {
        Path file = Path.of("/proc", Long.toString(pid), "net", table);
        if (!Files.isReadable(file)) {
          continue;
        }
        for (String line : Files.readAllLines(file)) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && st.test(f[3]) && inodes.contains(f[9])) {
            n++;
          }
        }
      }
      return n;
    } catch (IOException e) {
      return -1;
    }
  }
}
