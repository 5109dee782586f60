package io.weft.cli;

import io.weft.api.CallOptions;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Status;
import io.weft.api.TlsConfig;
import io.weft.api.Transport;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Schema;
import io.weft.gen.thrift.Linker;
import io.weft.generic.GenericClient;
import io.weft.generic.GenericException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code weft} command line: {@code call} calls a method of a Thrift service with JSON
 * arguments over TTHeader, Framed, unframed Thrift or gRPC, or a method of a gRPC service over gRPC
 * or Kitex Protobuf ({@link ProtoCommands}: descriptors from .proto files, a descriptor set or the
 * server's reflection); streaming methods of either take and print JSON lines ({@link StreamCall});
 * {@code list} and {@code describe} show what an IDL or a server declares. {@link #run} is the
 * whole program, for tests; {@link #main} exits with its code.
 *
 * <p>Exit codes: {@value #OK} success, {@value #USAGE} bad usage or input (unknown option, service
 * or method, JSON that does not fit the IDL, an IDL that does not load; nothing was sent), {@value
 * #RPC_FAILED} the call failed (its status code and message on stderr), {@value
 * #DECLARED_EXCEPTION} the method threw an exception its IDL declares (its JSON on stdout).
 */
public final class Weft {
  /** The command succeeded. */
  public static final int OK = 0;

  /** Bad usage or input: nothing was sent. */
  public static final int USAGE = 1;

  /** The call failed: no reply, or a failure status. */
  public static final int RPC_FAILED = 2;

  /** The method threw one of its declared exceptions. */
  public static final int DECLARED_EXCEPTION = 3;

  private static final String USAGE_TEXT =
      """
      weft: call and inspect Thrift and gRPC services without generated code.

      Usage:
        weft call --idl FILE [options] HOST:PORT Service.Method [JSON|-]
        weft call [--proto FILE [-I DIR]... | --protoset FILE] [options] HOST:PORT
                  pkg.Service/Method [JSON|-]
        weft list --idl FILE [--include DIR]...
        weft list [--proto FILE [-I DIR]... | --protoset FILE | HOST:PORT] [Service]
        weft describe --idl FILE [--include DIR]... Service|Service.Method|Type
        weft describe [--proto FILE [-I DIR]... | --protoset FILE | HOST:PORT] Symbol
        weft <command> --help

      Without --idl, --proto or --protoset, gRPC services are found through the server's
      reflection, as grpcurl does.

      Exit codes: 0 ok, 1 bad usage or input (nothing sent), 2 the call failed (status on stderr),
      3 the method threw a declared exception (its JSON on stdout).
      """;

  private static final String CALL_USAGE =
      """
      Usage: weft call --idl FILE [options] HOST:PORT Service.Method [JSON|-]
             weft call [--proto FILE... | --protoset FILE] [options] HOST:PORT
                       pkg.Service/Method [JSON|-]

      Thrift (--idl): calls Service.Method with its arguments as a JSON object by parameter name,
      e.g. '{"req": {"Msg": "hi"}}' ('{}' or nothing for none). With '-', or without JSON for a
      method that takes arguments, the arguments are read from stdin. Prints the result as JSON on
      stdout (null for void; nothing for a oneway method, which is only sent).

      gRPC (Protobuf): the service's descriptors come from --proto files (compiled by protoc:
      $WEFT_PROTOC, the release in the local Maven repository, or protoc on the PATH), a
      --protoset (protoc --descriptor_set_out --include_imports), or, with neither, the server's
      reflection. The request message is JSON in the proto3 mapping ('-' reads it from stdin;
      none is the empty message); the response is printed in the same mapping. The method is
      written pkg.Service/Method or pkg.Service.Method (the simple service name works when it is
      unique).

      A streaming method (Thrift: streaming.mode; Protobuf: stream in the rpc) takes its
      messages one JSON message a line from stdin (the end of stdin ends the sending side), or
      the one message given as the argument: for Thrift the object of its request struct, e.g.
      '{"Msg": "hi"}', for Protobuf the request message. A server-streaming method takes one
      request (the argument, or all of stdin). Each response is printed as one JSON line as it
      arrives; --timeout covers the whole stream. Streaming calls always go over gRPC.

      Options:
        --idl FILE              the Thrift IDL that declares the service (repeatable)
        --proto FILE            a .proto file that declares the gRPC service (repeatable)
        --protoset FILE         a descriptor set that holds the gRPC service
        -I, --include DIR       a directory to search for included or imported files (repeatable)
        --transport T           Thrift: ttheader (default), ttheader-framed, framed, buffered
                                (unframed), grpc (Thrift over HTTP/2; streaming methods always
                                use grpc); Protobuf: grpc (default), kitex-protobuf (TTHeader)
        -H, --header KEY:VALUE  request metadata (repeatable); TTHeader only: Framed and
                                buffered Thrift have no headers
        --timeout D             the call's deadline, e.g. 500ms, 2s, 1.5s, 1m (default: the
                                client's RPC timeout)
        --tls                   connect over TLS, trusting the JDK's certificate authorities
        --cacert FILE           trust the certificates in this PEM file (implies --tls)
        --insecure              TLS without checking the server's certificate or host name
                                (implies --tls)

      Exit codes: 0 ok, 1 bad usage or input, 2 the call failed, 3 a declared exception.
      """;

  private static final String LIST_USAGE =
      """
      Usage: weft list --idl FILE [--include DIR]...
             weft list [--proto FILE [-I DIR]... | --protoset FILE | HOST:PORT] [Service]

      Lists the services of the IDL and their methods (base services' included), one a line.
      For gRPC, lists the services of the .proto files, descriptor set or server (through its
      reflection; --tls, --cacert, --insecure, -H and --timeout apply), one a line by full name;
      with a service, its methods.
      """;

  private static final String DESCRIBE_USAGE =
      """
      Usage: weft describe --idl FILE [--include DIR]... Service|Service.Method|Type
             weft describe [--proto FILE [-I DIR]... | --protoset FILE | HOST:PORT] Symbol

      Shows a service's method signatures, or a method's signature and every type it uses, or a
      type's definition, in IDL syntax. For gRPC, a service, method, message, enum or field by
      full name, in .proto syntax.
      """;

  private Weft() {}

  /** Runs {@code weft} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /**
   * Runs {@code weft} with {@code args}: reads JSON from {@code in} if the command asks for it,
   * writes results to {@code out} and diagnostics to {@code err}.
   *
   * @return the exit code: {@link #OK}, {@link #USAGE}, {@link #RPC_FAILED} or {@link
   *     #DECLARED_EXCEPTION}
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      (args.length == 0 ? err : out).print(USAGE_TEXT);
      return args.length == 0 ? USAGE : OK;
    }
    String command = args[0];
    List<String> rest = List.of(args).subList(1, args.length);
    try {
      switch (command) {
        case "call":
          return call(rest, in, out, err);
        case "list":
          return list(rest, out, err);
        case "describe":
          return describe(rest, out, err);
        default:
          throw new UsageException(
              "unknown command " + command + " (commands: call, list, describe)");
      }
    } catch (UsageException e) {
      err.println("weft: " + e.getMessage());
      err.println(
          "Run 'weft "
              + (e.getMessage().startsWith("unknown command") ? "" : command + " ")
              + "--help' for usage.");
      return USAGE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }

  private static int list(List<String> args, PrintStream out, PrintStream err) {
    Options o = Options.parse(args, true);
    if (o.help) {
      out.print(LIST_USAGE);
      return OK;
    }
    if (o.idl.isEmpty()) {
      return ProtoCommands.list(o, out, err);
    }
    thriftOnly(o);
    if (!o.positional.isEmpty()) {
      throw new UsageException("list takes no arguments, got " + o.positional);
    }
    out.print(load(o).list());
    return OK;
  }

  private static int describe(List<String> args, PrintStream out, PrintStream err) {
    Options o = Options.parse(args, true);
    if (o.help) {
      out.print(DESCRIBE_USAGE);
      return OK;
    }
    if (o.idl.isEmpty()) {
      return ProtoCommands.describe(o, out, err);
    }
    thriftOnly(o);
    if (o.positional.size() != 1) {
      throw new UsageException(
          "describe takes one Service, Service.Method or Type, got " + o.positional);
    }
    out.print(load(o).describe(o.positional.get(0)));
    return OK;
  }

  private static int call(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    Options o = Options.parse(args, true);
    if (o.help) {
      out.print(CALL_USAGE);
      return OK;
    }
    if (o.idl.isEmpty()) {
      return ProtoCommands.call(o, in, out, err);
    }
    if (ProtoCommands.hasDescriptors(o)) {
      throw new UsageException("give --idl (Thrift) or --proto/--protoset (Protobuf), not both");
    }
    Transport transport = o.thriftTransport();
    if (o.positional.size() < 2 || o.positional.size() > 3) {
      throw new UsageException("call takes HOST:PORT Service.Method [JSON|-], got " + o.positional);
    }
    String hostPort = hostPort(o.positional.get(0));
    String target = o.positional.get(1);
    int dot = target.lastIndexOf('.');
    if (dot <= 0 || dot == target.length() - 1) {
      throw new UsageException("the method must be written Service.Method, got " + target);
    }
    IdlView idl = load(o);
    Definition.Service service = idl.service(target.substring(0, dot));
    Definition.Function fn = idl.method(service, target.substring(dot + 1));
    boolean streams = StreamCall.streams(fn);
    String json;
    if (streams) {
      json = o.positional.size() == 3 ? o.positional.get(2) : null; // StreamCall reads stdin
    } else if (o.positional.size() == 3 && !o.positional.get(2).equals("-")) {
      json = o.positional.get(2);
    } else if (o.positional.size() == 2 && fn.params().isEmpty()) {
      json = "{}"; // nothing to read: do not wait on a terminal
    } else {
      json = readAll(in);
    }
    if (!o.headers.isEmpty()
        && (transport == Transport.FRAMED || transport == Transport.BUFFERED)) {
      err.println(
          "weft: note: -H metadata is not sent over "
              + transport.name().toLowerCase(Locale.ROOT)
              + " Thrift, which has no headers");
    }
    List<ClientOption> options = clientOptions(o, hostPort, transport);
    CallOptions callOptions = callOptions(o);
    try (GenericClient client =
        GenericClient.thrift(
            o.idl, o.includes, service.name(), options.toArray(ClientOption[]::new))) {
      if (streams) {
        return StreamCall.run(client, fn.name(), callOptions, json, in, out);
      }
      String result = client.call(fn.name(), json, callOptions);
      if (result != null) {
        out.println(result);
      }
      return OK;
    } catch (GenericException e) {
      out.println(e.json());
      err.println("weft: " + target + " threw " + e.typeName() + " (declared exception)");
      return DECLARED_EXCEPTION;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } catch (RpcException e) {
      return rpcFailed(target, e, err);
    }
  }

  /** Prints {@code CODE: message} of a failed call and returns {@link #RPC_FAILED}. */
  static int rpcFailed(String target, RpcException e, PrintStream err) {
    Status s = e.status();
    err.println(
        "weft: " + target + " failed: " + s.code() + s.description().map(d -> ": " + d).orElse(""));
    return RPC_FAILED;
  }

  /** The client options of {@code o} for a call to {@code hostPort} over {@code transport}. */
  static List<ClientOption> clientOptions(Options o, String hostPort, Transport transport) {
    List<ClientOption> options = new ArrayList<>();
    options.add(ClientOptions.withHostPorts(hostPort));
    options.add(ClientOptions.withTransport(transport));
    if (o.timeout != null) {
      options.add(ClientOptions.withConnectTimeout(o.timeout));
    }
    if (o.tls) {
      options.add(ClientOptions.withTls(tls(o, hostPort)));
    }
    return options;
  }

  /** The call options of {@code o}: its deadline and {@code -H} metadata. */
  static CallOptions callOptions(Options o) {
    CallOptions callOptions = CallOptions.DEFAULT;
    if (o.timeout != null) {
      callOptions = callOptions.withTimeout(o.timeout);
    }
    for (String[] h : o.headers) {
      callOptions = callOptions.withHeader(h[0], h[1]);
    }
    return callOptions;
  }

  /** {@code list} and {@code describe} from an IDL take no call options, nor Protobuf ones. */
  private static void thriftOnly(Options o) {
    if (o.callOnly != null) {
      throw new UsageException("unknown option " + o.callOnly);
    }
    if (ProtoCommands.hasDescriptors(o)) {
      throw new UsageException("give --idl (Thrift) or --proto/--protoset (Protobuf), not both");
    }
  }

  static String hostPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      throw new UsageException("the address must be HOST:PORT, got " + s);
    }
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      if (port <= 0 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new UsageException("the address must be HOST:PORT with a port 1-65535, got " + s);
    }
    return s;
  }

  private static TlsConfig tls(Options o, String hostPort) {
    TlsConfig.Builder b = TlsConfig.builder();
    if (o.cacert != null) {
      if (!Files.isReadable(o.cacert)) {
        throw new UsageException("cannot read --cacert " + o.cacert);
      }
      b.trustPem(o.cacert);
    }
    if (o.insecure) {
      b.trustPem(InsecureTls.presentedChain(hostPort, o.timeout)).verifyHostname(false);
    }
    return b.build();
  }

  static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JSON arguments from stdin", e);
    }
  }

  private static IdlView load(Options o) {
    if (o.idl.isEmpty()) {
      throw new UsageException("--idl FILE is required");
    }
    for (Path p : o.idl) {
      if (!Files.isRegularFile(p)) {
        throw new UsageException("no IDL file " + p);
      }
    }
    Schema schema;
    try {
      schema = Linker.link(o.idl, o.includes);
    } catch (RuntimeException e) {
      throw new UsageException("cannot load " + o.idl + ": " + e.getMessage());
    }
    return new IdlView(schema);
  }

  /**
   * A duration as {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m} or {@code 1h}; a bare number
   * is seconds.
   */
  static Duration duration(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    long unitNanos;
    String number;
    if (t.endsWith("ms")) {
      unitNanos = 1_000_000L;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unitNanos = 1_000_000_000L;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unitNanos = 60_000_000_000L;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unitNanos = 3_600_000_000_000L;
      number = t.substring(0, t.length() - 1);
    } else {
      unitNanos = 1_000_000_000L;
      number = t;
    }
    try {
      BigDecimal nanos = new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos));
      if (nanos.signum() <= 0) {
        throw new UsageException("--timeout must be positive, got " + s);
      }
      return Duration.ofNanos(nanos.longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException("--timeout must be like 500ms, 2s or 1m, got " + s);
    }
  }

  /** Bad usage or input: the message says what, and the command exits with {@link #USAGE}. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The options and arguments of a command. */
  static final class Options {
    final List<Path> idl = new ArrayList<>();
    final List<Path> proto = new ArrayList<>();
    Path protoset;
    String transportName;
    String callOnly; // the first option that only call (or reflection) takes
    final List<Path> includes = new ArrayList<>();
    final List<String[]> headers = new ArrayList<>();
    final List<String> positional = new ArrayList<>();
    Duration timeout;
    boolean tls;
    boolean insecure;
    Path cacert;
    boolean help;

    /** Reads {@code args}; {@code call} options are accepted only if {@code callOptions}. */
    static Options parse(List<String> args, boolean callOptions) {
      Options o = new Options();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.equals("--")) {
          o.positional.addAll(args.subList(i + 1, args.size()));
          break;
        }
        if (a.equals("-") || !a.startsWith("-")) {
          o.positional.add(a);
          continue;
        }
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        }
        if (isHelp(name)) {
          o.help = true;
          continue;
        }
        if (!o.takesValue(name, callOptions)) {
          if (value != null) {
            throw new UsageException(name + " takes no value");
          }
          o.flag(name, callOptions);
          continue;
        }
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
          }
          value = args.get(++i);
        }
        o.option(name, value);
      }
      return o;
    }

    private boolean takesValue(String name, boolean callOptions) {
      return switch (name) {
        case "--idl", "-I", "--include", "--proto", "--protoset" -> true;
        case "--transport", "-H", "--header", "--timeout", "--cacert" -> {
          callOnly = callOnly == null ? name : callOnly;
          yield callOptions;
        }
        default -> false;
      };
    }

    private void flag(String name, boolean callOptions) {
      if (name.equals("--tls") || name.equals("--insecure")) {
        callOnly = callOnly == null ? name : callOnly;
      }
      switch (name) {
        case "--tls" -> tls = true;
        case "--insecure" -> {
          tls = true;
          insecure = true;
        }
        default -> throw new UsageException("unknown option " + name);
      }
      if (!callOptions) {
        throw new UsageException("unknown option " + name);
      }
    }

    private void option(String name, String value) {
      switch (name) {
        case "--idl" -> idl.add(Path.of(value));
        case "--proto" -> proto.add(Path.of(value));
        case "--protoset" -> protoset = Path.of(value);
        case "-I", "--include" -> includes.add(Path.of(value));
        case "--transport" -> transportName = value;
        case "-H", "--header" -> headers.add(header(value));
        case "--timeout" -> timeout = duration(value);
        case "--cacert" -> {
          cacert = Path.of(value);
          tls = true;
        }
        default -> throw new IllegalStateException(name);
      }
    }

    /** The Thrift transport {@code --transport} names (TTHeader by default). */
    Transport thriftTransport() {
      if (transportName == null) {
        return Transport.TTHEADER;
      }
      return switch (transportName.toLowerCase(Locale.ROOT)) {
        case "ttheader" -> Transport.TTHEADER;
        case "ttheader-framed" -> Transport.TTHEADER_FRAMED;
        case "framed" -> Transport.FRAMED;
        case "buffered", "unframed" -> Transport.BUFFERED;
        case "grpc" -> Transport.GRPC;
        case "kitex-protobuf" ->
            throw new UsageException(
                "--transport kitex-protobuf is for Protobuf services (--proto, --protoset or"
                    + " reflection); Thrift calls take ttheader, ttheader-framed, framed, buffered or"
                    + " grpc");
        default ->
            throw new UsageException(
                "unknown --transport "
                    + transportName
                    + " (ttheader, ttheader-framed, framed, buffered, grpc; grpc, kitex-protobuf for"
                    + " Protobuf)");
      };
    }

    private static String[] header(String value) {
      int colon = value.indexOf(':');
      if (colon <= 0) {
        throw new UsageException("-H takes KEY:VALUE, got " + value);
      }
      return new String[] {value.substring(0, colon).strip(), value.substring(colon + 1).strip()};
    }
  }
}
