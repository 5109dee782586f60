package io.weft.cli;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.RpcException;
import io.weft.api.Transport;
import io.weft.cli.Weft.Options;
import io.weft.cli.Weft.UsageException;
import io.weft.generic.GenericClient;
import io.weft.generic.ProtoDescriptors;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code weft call}, {@code list} and {@code describe} for gRPC (Protobuf) services: the
 * descriptors from {@code --proto} files, a {@code --protoset}, or, with neither, the server's
 * reflection, as grpcurl finds them.
 */
final class ProtoCommands {
  private ProtoCommands() {}

  /** Whether {@code o} names Protobuf descriptors ({@code --proto}, {@code --protoset}). */
  static boolean hasDescriptors(Options o) {
    return !o.proto.isEmpty() || o.protoset != null;
  }

  /** {@code weft call} of a gRPC method: HOST:PORT Service/Method or Service.Method [JSON|-]. */
  static int call(Options o, InputStream in, PrintStream out, PrintStream err) {
    if (o.positional.size() < 2 || o.positional.size() > 3) {
      throw new UsageException("call takes HOST:PORT Service.Method [JSON|-], got " + o.positional);
    }
    String hostPort = Weft.hostPort(o.positional.get(0));
    String target = o.positional.get(1);
    int cut = target.indexOf('/') > 0 ? target.indexOf('/') : target.lastIndexOf('.');
    if (cut <= 0 || cut == target.length() - 1) {
      throw new UsageException(
          "the method must be written Service.Method or Service/Method, got " + target);
    }
    String service = target.substring(0, cut);
    String method = target.substring(cut + 1);
    Transport transport = transport(o.transportName);
    ProtoDescriptors local = hasDescriptors(o) ? load(o) : null;
    String arg = o.positional.size() == 3 ? o.positional.get(2) : null;
    ClientOption[] options =
        Weft.clientOptions(o, hostPort, transport).toArray(ClientOption[]::new);
    CallOptions callOptions = Weft.callOptions(o);
    try (GenericClient client =
        local != null
            ? GenericClient.proto(local, service, options)
            : GenericClient.protoReflection(service, options)) {
      if (client.kind(method).isStreaming()) {
        return StreamCall.run(client, method, callOptions, arg, in, out); // JSON lines on stdin
      }
      String json = arg == null ? "{}" : arg.equals("-") ? Weft.readAll(in) : arg;
      out.println(client.call(method, json, callOptions));
      return Weft.OK;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } catch (RpcException e) {
      return Weft.rpcFailed(target, e, err);
    }
  }

  /**
   * {@code weft list}: the services of the descriptors or the server; with a service, its methods.
   */
  static int list(Options o, PrintStream out, PrintStream err) {
    return withView(
        o,
        out,
        err,
        1,
        "list takes [HOST:PORT] [Service]",
        (view, args) -> args.isEmpty() ? view.list() : view.listMethods(args.get(0)));
  }

  /** {@code weft describe}: a symbol of the descriptors or the server. */
  static int describe(Options o, PrintStream out, PrintStream err) {
    return withView(
        o,
        out,
        err,
        1,
        "describe takes [HOST:PORT] Symbol",
        (view, args) -> {
          if (args.size() != 1) {
            throw new UsageException("describe takes [HOST:PORT] Symbol, got " + o.positional);
          }
          return view.describe(args.get(0));
        });
  }

  private interface ViewCommand {
    String run(ProtoView view, List<String> args);
  }

  /**
   * Runs {@code command} on the descriptors of {@code --proto}/{@code --protoset}, or of the server
   * at the first argument through reflection; {@code max} is the most arguments it takes.
   */
  private static int withView(
      Options o, PrintStream out, PrintStream err, int max, String usage, ViewCommand command) {
    try {
      if (hasDescriptors(o)) {
        if (o.positional.size() > max) {
          throw new UsageException(usage + ", got " + o.positional);
        }
        out.print(command.run(new ProtoView(load(o)), o.positional));
        return Weft.OK;
      }
      if (o.positional.isEmpty()) {
        throw new UsageException(
            "give --idl FILE (Thrift), --proto FILE or --protoset FILE, or HOST:PORT for the"
                + " server's gRPC reflection");
      }
      if (o.positional.size() > max + 1) {
        throw new UsageException(usage + ", got " + o.positional);
      }
      String hostPort = Weft.hostPort(o.positional.get(0));
      try (Client c =
          Client.newClient(
              "weft",
              Weft.clientOptions(o, hostPort, Transport.GRPC).toArray(ClientOption[]::new))) {
        ProtoDescriptors d = ProtoDescriptors.fromReflection(c, Weft.callOptions(o));
        out.print(command.run(new ProtoView(d), o.positional.subList(1, o.positional.size())));
        return Weft.OK;
      } catch (RpcException e) {
        return Weft.rpcFailed(hostPort + " reflection", e, err);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static ProtoDescriptors load(Options o) {
    if (!o.proto.isEmpty() && o.protoset != null) {
      throw new UsageException("give --proto or --protoset, not both");
    }
    try {
      return o.protoset != null
          ? ProtoDescriptors.fromDescriptorSet(o.protoset)
          : ProtoDescriptors.fromProto(o.proto, o.includes);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** {@code --transport} for a gRPC service: grpc (the default) or kitex-protobuf. */
  static Transport transport(String name) {
    if (name == null) {
      return Transport.GRPC;
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "grpc" -> Transport.GRPC;
      case "kitex-protobuf", "kitexpb" -> Transport.TTHEADER;
      default ->
          throw new UsageException(
              "--transport " + name + " is not one for a Protobuf service (grpc, kitex-protobuf)");
    };
  }
}
