package io.weft.examples.bench;

import echo.Echo;
import echo.echoservice.EchoServiceClient;
import io.weft.api.BidiStreamingClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.PeerProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open idle bidi streams: a server in a process of its own (so that its memory is its alone), a
 * Weft client here opening {@code n} echo.proto BidiSideStreaming streams, each proven open by one
 * echo, then held. Reports the server's heap after a full GC and its RSS, per stream, over the
 * same figures before the streams.
 */
final class StreamMemory {
  private StreamMemory() {}

  record Figures(String server, int streams, long heapBytes, long rssBytes) {
    double heapPerStream() {
      return (double) heapBytes / streams;
    }

    double rssPerStream() {
      return (double) rssBytes / streams;
    }
  }

  static Figures measure(String serverName, String mainClass, List<String> mainArgs, Pattern listening, int n) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(mainArgs);
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      int port = PeerProcesses.awaitPort(server, listening);
      long heap0 = heapAfterGc(server.pid());
      long rss0 = rss(server.pid());
      ConcurrentLinkedQueue<BidiStreamingClient<Echo.Request, Echo.Response>> open = new ConcurrentLinkedQueue<>();
      try (var cli = EchoServiceClient.newClient("echo.EchoService", ClientOptions.withHostPorts("127.0.0.1:" + port),
          ClientOptions.withTransport(Transport.GRPC))) {
        Echo.Request hello = Echo.Request.newBuilder().setMsg("hi").build();
        List<Thread> openers = new ArrayList<>();
        int per = n / 100;
        for (int t = 0; t < 100; t++) {
          openers.add(Thread.ofVirtual().start(() -> {
            for (int i = 0; i < per; i++) {
              var s = cli.bidiSideStreaming();
              s.send(hello);
              if (s.recv() == null) {
                throw new IllegalStateException("a stream ended at once");
              }
              open.add(s);
            }
          }));
        }
        for (Thread t : openers) {
          t.join();
        }
        long heap1 = heapAfterGc(server.pid());
        long rss1 = rss(server.pid());
        for (var s : open) {
          s.closeSend();
        }
        for (var s : open) {
          s.recv();
          s.close();
        }
        return new Figures(serverName, open.size(), heap1 - heap0, rss1 - rss0);
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The process's used heap after a full GC, from {@code jcmd GC.heap_info}. */
  static long heapAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IOException("no heap figure in: " + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  static String row(Figures f) {
    return String.format(Locale.ROOT, "| %,d open bidi streams | %s | %,.0f B | %,.0f B | %,.0f MiB | %,.0f MiB |",
        f.streams(), f.server(), f.heapPerStream(), f.rssPerStream(), f.heapBytes() / 1048576.0, f.rssBytes() / 1048576.0);
  }
}
