package io.weft.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code weft} run in-process: its exit code, stdout and stderr. */
record WeftRun(int code, String out, String err) {
  /** examples/interop's interop.thrift, the IDL of the Weft and Kitex servers under test. */
  static final String IDL =
      Path.of("../examples/interop/src/main/thrift/interop.thrift").toString();

  /** Runs {@code weft args} with {@code stdin} as its standard input. */
  static WeftRun weftWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Weft.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e);
    }
    return new WeftRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs {@code weft args} with an empty standard input. */
  static WeftRun weft(String... args) {
    return weftWithInput("", args);
  }
}
