package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Kitex test peer of {@code interop/kitex} ({@link PeerProcesses}): its servers, and one-case
 * runs of its client. A machine without Go fails here with a clear message; nothing is skipped.
 */
final class KitexPeer {
  private KitexPeer() {}

  /** The built peer; a missing Go toolchain or a failed build fails the test with the reason. */
  static Path binary() throws InterruptedException {
    try {
      return PeerProcesses.kitexPeer();
    } catch (IOException e) {
      return fail(e.getMessage());
    }
  }

  /** The peer's Kitex servers, started. */
  static PeerProcesses.KitexServers servers() throws InterruptedException {
    binary();
    try {
      return new PeerProcesses.KitexServers();
    } catch (IOException e) {
      return fail(e.getMessage());
    }
  }

  /** Runs {@code kitexpeer client}; returns null when the case passed, else its output. */
  static String client(int port, String transport, String testCase)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                binary().toString(),
                "client",
                "--addr",
                "127.0.0.1:" + port,
                "--transport",
                transport,
                "--case",
                testCase)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "kitexpeer client did not finish within 60 s: " + out;
    }
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }
}
