package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.api.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * h2spec 2.2.1 ({@link GoTools#h2spec()}) against the one-port interop server over cleartext HTTP/2
 * with prior knowledge: all 145 of its default (non-strict) cases must pass. h2spec's report and
 * output are kept in {@code target/h2spec/}.
 */
class H2specTest {
  /** h2spec 2.2.1 has 145 cases without {@code --strict}. */
  private static final int CASES = 145;

  /** h2spec's wait for each answer it expects, in seconds ({@code -o}). */
  private static final int CASE_TIMEOUT = 5;

  /** How long the whole h2spec run may take before it is stopped and its output reported. */
  private static final long RUN_TIMEOUT_SECONDS = 270;

  private static Path h2spec;
  private static Server server;

  @BeforeAll
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // the first build downloads h2spec's modules
  static void start() throws InterruptedException {
    try {
      h2spec = GoTools.h2spec();
    } catch (IOException e) {
      fail(e.getMessage());
    }
    server = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void passesEveryDefaultCase() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "h2spec"));
    Path report = dir.resolve("h2spec-report.xml");
    Path logFile = dir.resolve("h2spec.log");
    Files.deleteIfExists(report);
    Process p =
        new ProcessBuilder(
                h2spec.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(server.port()),
                "-o",
                Integer.toString(CASE_TIMEOUT),
                "-j",
                report.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              try {
                p.getInputStream().transferTo(output);
              } catch (IOException e) {
                // h2spec ended
              }
            });
    boolean finished = p.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly().waitFor();
    }
    reader.join(10_000);
    String log = output.toString(StandardCharsets.UTF_8);
    Files.writeString(logFile, log);
    System.out.println(log);
    if (!finished) {
      fail(
          "h2spec did not finish within "
              + RUN_TIMEOUT_SECONDS
              + " s; its output so far (also in "
              + logFile
              + "):\n"
              + log);
    }
    if (!Files.isRegularFile(report)) {
      fail(
          "h2spec exited "
              + p.exitValue()
              + " without writing its report "
              + report
              + "; its output:\n"
              + log);
    }

    List<Case> cases = parse(Files.readString(report, StandardCharsets.UTF_8));
    List<Case> notPassed = cases.stream().filter(c -> !c.passed()).toList();
    assertThat(notPassed)
        .withFailMessage(() ->
            notPassed.size()
                + " of "
                + cases.size()
                + " h2spec cases did not pass (report "
                + report
                + ", output "
                + logFile
                + "):\n"
                + notPassed.stream().map(Case::describe).collect(Collectors.joining("\n")))
        .isEmpty();
    assertThat(cases)
        .withFailMessage(() ->
            "h2spec 2.2.1 runs "
                + CASES
                + " cases by default, but its report "
                + report
                + " has "
                + cases.size())
        .hasSize(CASES);
  }

  /**
   * One case of h2spec's JUnit report: {@code id} is h2spec's own, e.g. {@code http2/5.1/8} (the
   * group, then the case's place in it), as {@code h2spec http2/5.1/8} runs it alone.
   */
  record Case(String id, String description, String outcome, String detail) {
    boolean passed() {
      return outcome.equals("passed");
    }

    String describe() {
      StringBuilder s =
          new StringBuilder("  ")
              .append(id)
              .append(' ')
              .append(description)
              .append(": ")
              .append(outcome);
      if (outcome.equals("skipped")) {
        s.append(
            id.equals("http2/5.1.2/1")
                ? " (h2spec skips it when the server's SETTINGS has no SETTINGS_MAX_CONCURRENT_STREAMS)"
                : " (h2spec skips it when the server answers GET / with a body shorter than the case needs: 1 byte, or 5 for 6.9.2/2)");
      }
      List<String> lines = detail.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      if (lines.size() >= 2) {
        // h2spec's TestError: the answers it would accept, one a line, then what it got
        s.append("\n      expected: ")
            .append(String.join(" | ", lines.subList(0, lines.size() - 1)))
            .append("\n        actual: ")
            .append(lines.get(lines.size() - 1));
      } else if (lines.size() == 1) {
        s.append("\n      error: ").append(lines.get(0));
      }
      return printable(s.toString());
    }

    /**
     * {@code s} with control characters other than line ends shown as {@code \xNN} (a PING payload
     * has NULs).
     */
    private static String printable(String s) {
      StringBuilder out = new StringBuilder();
      s.chars()
          .forEach(c ->
              out.append(
                  (c < 0x20 && c != '\n') || c == 0x7f
                      ? String.format("\\x%02x", c)
                      : Character.toString(c)));
      return out.toString();
    }
  }

  /**
   * Reads h2spec's JUnit XML. It is read with patterns rather than an XML parser because h2spec
   * writes each failure's text into the XML unescaped (it can hold any byte, e.g. a PING payload).
   * h2spec 2.2.1 reports every failed case as {@code <error>}, never {@code <failure>}.
   */
  static List<Case> parse(String xml) {
    Pattern testcase =
        Pattern.compile(
            "<testcase\\s+package=\"([^\"]*)\"\\s+classname=\"([^\"]*)\"\\s+time=\"[^\"]*\"\\s*(?:/>|>(.*?)</testcase>)",
            Pattern.DOTALL);
    Pattern outcome =
        Pattern.compile("<(error|failure|skipped)>(.*?)</\\1>|<(skipped)\\s*/>", Pattern.DOTALL);
    Map<String, Integer> seq = new HashMap<>();
    List<Case> cases = new ArrayList<>();
    Matcher m = testcase.matcher(xml);
    while (m.find()) {
      String group = unescape(m.group(1));
      int n = seq.merge(group, 1, Integer::sum);
      String body = m.group(3) == null ? "" : m.group(3);
      Matcher o = outcome.matcher(body);
      String result = "passed";
      String detail = "";
      if (o.find()) {
        result =
            o.group(1) == null
                ? "skipped"
                : switch (o.group(1)) {
                  case "error", "failure" -> "failed";
                  default -> "skipped";
                };
        detail = o.group(2) == null ? "" : unescape(o.group(2));
      }
      cases.add(new Case(group + "/" + n, unescape(m.group(2)), result, detail));
    }
    return cases;
  }

  /** Undoes Go's XML escaping: the named entities and numeric character references. */
  private static String unescape(String s) {
    Matcher m = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);").matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String r =
          switch (e) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            default ->
                Character.toString(
                    e.startsWith("#x")
                        ? Integer.parseInt(e.substring(2), 16)
                        : Integer.parseInt(e.substring(1)));
          };
      m.appendReplacement(out, Matcher.quoteReplacement(r));
    }
    m.appendTail(out);
    return out.toString();
  }
}
