package io.weft.gen;

import io.weft.gen.model.GenException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code java -jar toolkit-gen.jar --out DIR [--include DIR]... [--protoc PATH]
 * [--sides both|client|server] FILE...} ({@code .thrift} and {@code .proto}; protoc also from
 * {@code $WEFT_PROTOC}; {@code --sides client} leaves out the {@code XxxServer} classes, see {@link
 * Sides}). Exits 0 on success, 1 if the IDL has errors (each printed as {@code file:line:column:
 * message}), 2 on a usage error.
 */
public final class ToolkitGen {
  private ToolkitGen() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path outDir = null;
    Path protoc =
        System.getenv("WEFT_PROTOC") == null ? null : Path.of(System.getenv("WEFT_PROTOC"));
    List<Path> includes = new ArrayList<>();
    List<Path> sources = new ArrayList<>();
    Sides sides = Sides.BOTH;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--out", "-o" -> {
          if (++i >= args.length) {
            return usage(err, a + " needs a directory");
          }
          outDir = Path.of(args[i]);
        }
        case "--include", "-I" -> {
          if (++i >= args.length) {
            return usage(err, a + " needs a directory");
          }
          includes.add(Path.of(args[i]));
        }
        case "--protoc" -> {
          if (++i >= args.length) {
            return usage(err, a + " needs the path of protoc");
          }
          protoc = Path.of(args[i]);
        }
        case "--sides" -> {
          if (++i >= args.length) {
            return usage(err, a + " needs both, client or server");
          }
          try {
            sides = Sides.parse(args[i]);
          } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
          }
        }
        case "--help", "-h" -> {
          usage(out, null);
          return 0;
        }
        default -> {
          if (a.startsWith("-")) {
            return usage(err, "unknown option " + a);
          }
          sources.add(Path.of(a));
        }
      }
    }
    if (outDir == null || sources.isEmpty()) {
      return usage(err, outDir == null ? "--out is required" : "no IDL files given");
    }
    try {
      var files = Generator.generate(new GenOptions(sources, includes, outDir, protoc, sides));
      int changed = OutputWriter.write(files, outDir);
      out.println("toolkit-gen: " + files.size() + " files (" + changed + " changed) in " + outDir);
      return 0;
    } catch (GenException e) {
      e.errors().forEach(err::println);
      return 1;
    } catch (IOException e) {
      err.println("toolkit-gen: cannot write " + outDir + ": " + e.getMessage());
      return 1;
    }
  }

  private static int usage(PrintStream s, String problem) {
    if (problem != null) {
      s.println("toolkit-gen: " + problem);
    }
    s.println(
        "usage: java -jar toolkit-gen.jar --out DIR [--include DIR]... [--protoc PATH] [--sides both|client|server] FILE.thrift|FILE.proto...");
    return 2;
  }
}
