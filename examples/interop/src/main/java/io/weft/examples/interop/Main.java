package io.weft.examples.interop;

import java.util.HashMap;
import java.util.Map;

/**
 * The interop entry points of {@code docs/interop.md}:
 *
 * <pre>
 * java -jar interop.jar server --port N [--max-connections N]
 * java -jar interop.jar client --host H --port N --transport T --case C
 * </pre>
 */
public final class Main {
  private Main() {}

  /** Keeps the configured logger from being collected (and its level reset). */
  private static final java.util.logging.Logger HELIDON =
      java.util.logging.Logger.getLogger("io.helidon");

  public static void main(String[] args) throws Exception {
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    HELIDON.setLevel(
        java.util.logging.Level.parse(System.getProperty("weft.helidon.level", "WARNING")));
    if (System.getProperty("weft.helidon.level") != null) {
      for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
        h.setLevel(java.util.logging.Level.ALL);
      }
    }
    if (args.length == 0) {
      System.err.println(USAGE);
      System.exit(2);
    }
    Map<String, String> opts = options(args);
    switch (args[0]) {
      case "server" ->
          InteropServer.run(
              Integer.parseInt(require(opts, "port")),
              Integer.parseInt(opts.getOrDefault("max-connections", "0")));
      case "client" -> {
        String failure =
            InteropClient.run(
                opts.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(require(opts, "port")),
                require(opts, "transport"),
                require(opts, "case"));
        if (failure != null) {
          System.err.println(
              args.length > 0
                  ? "FAIL " + opts.get("transport") + "/" + opts.get("case") + ": " + failure
                  : failure);
          System.exit(1);
        }
        System.out.println("PASS " + opts.get("transport") + "/" + opts.get("case"));
        System.exit(0);
      }
      default -> {
        System.err.println(USAGE);
        System.exit(2);
      }
    }
  }

  private static final String USAGE =
      """
      usage: java -jar interop.jar server --port N [--max-connections N]
             java -jar interop.jar client --host H --port N --transport T --case C\
      """;

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        String key = args[i].substring(2);
        int eq = key.indexOf('=');
        if (eq >= 0) {
          out.put(key.substring(0, eq), key.substring(eq + 1));
        } else if (i + 1 < args.length) {
          out.put(key, args[++i]);
        }
      }
    }
    return out;
  }

  private static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      System.err.println("missing --" + key + "\n" + USAGE);
      System.exit(2);
    }
    return v;
  }
}
