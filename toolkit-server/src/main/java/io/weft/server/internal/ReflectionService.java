package io.weft.server.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.weft.api.BidiStreamingServer;
import io.weft.api.MethodKind;
import io.weft.api.ServiceDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * gRPC server reflection ({@code grpc.reflection.v1} and {@code v1alpha}), so that {@code grpcurl}
 * can list and describe the Protobuf services of any Weft server without their .proto files. The
 * descriptors come from the services' generated code ({@link ServiceDefinition#schema()}).
 */
final class ReflectionService {
  private ReflectionService() {}

  /**
   * A request: the host, which field of the oneof was set, its text, and the raw bytes (echoed
   * back).
   */
  record Request(String host, int kind, String argument, byte[] raw) {}

  /** A response, already encoded apart from the envelope. */
  record Response(byte[] encoded) {}

  private static final io.weft.api.Codec<Request> REQUEST =
      ProtoCodecs.of(
          (r, out) -> out.writeRawBytes(r.raw()),
          in -> {
            byte[] raw = in.readRawBytes(in.getBytesUntilLimit());
            CodedInputStream c = CodedInputStream.newInstance(raw);
            String host = "";
            int kind = 0;
            String arg = "";
            for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
              int field = tag >>> 3;
              if (field == 1 && (tag & 7) == 2) {
                host = c.readStringRequireUtf8();
              } else if ((field == 3 || field == 4 || field == 6 || field == 7) && (tag & 7) == 2) {
                kind = field;
                arg = c.readStringRequireUtf8();
              } else if (field == 5 && (tag & 7) == 2) {
                kind = 5;
                c.readBytes();
              } else {
                c.skipField(tag);
              }
            }
            return new Request(host, kind, arg, raw);
          });

  private static final io.weft.api.Codec<Response> RESPONSE =
      ProtoCodecs.of(
          (r, out) -> out.writeRawBytes(r.encoded()),
          in -> new Response(in.readRawBytes(in.getBytesUntilLimit())));

  /**
   * The reflection services, v1 and v1alpha, for a server of {@code services} (health included).
   * They list those of {@code serviceNames} that have Protobuf descriptors (themselves too), so
   * that every listed name resolves; services without (Thrift ones) are not listed.
   */
  static List<ServiceDefinition> definitions(
      List<ServiceDefinition> services, List<String> serviceNames) {
    List<FileDescriptor> files = new ArrayList<>();
    for (ServiceDefinition s : services) {
      if (s.schema().orElse(null) instanceof FileDescriptor f) {
        files.add(f);
      }
    }
    Map<String, FileDescriptor> own = new LinkedHashMap<>();
    for (String version : List.of("v1", "v1alpha")) {
      FileDescriptor f = ReflectionProto.file(version);
      own.put("grpc.reflection." + version + ".ServerReflection", f);
      files.add(f);
    }
    Index index = new Index(files, serviceNames);
    List<ServiceDefinition> out = new ArrayList<>();
    own.forEach((full, file) -> {
      io.weft.api.MethodDescriptor<Request, Response> info =
          io.weft.api.MethodDescriptor.<Request, Response>builder()
              .serviceName("ServerReflection")
              .fullServiceName(full)
              .methodName("ServerReflectionInfo")
              .kind(MethodKind.BIDI_STREAMING)
              .requestCodec(REQUEST)
              .responseCodec(RESPONSE)
              .build();
      out.add(
          ServiceDefinition.builder("ServerReflection", full)
              .schema(file)
              .bidiStreaming(info, stream -> serve(stream, index))
              .build());
    });
    return out;
  }

  private static void serve(BidiStreamingServer<Request, Response> stream, Index index)
      throws IOException {
    for (Request r : stream) {
      stream.send(new Response(answer(r, index)));
    }
  }

  private static byte[] answer(Request r, Index index) throws IOException {
    ByteString.Output body = ByteString.newOutput();
    var out = com.google.protobuf.CodedOutputStream.newInstance(body);
    if (!r.host().isEmpty()) {
      out.writeString(1, r.host());
    }
    out.writeByteArray(2, r.raw());
    switch (r.kind()) {
      case 7 -> { // list_services
        ByteString.Output list = ByteString.newOutput();
        var l = com.google.protobuf.CodedOutputStream.newInstance(list);
        for (String s : index.serviceNames) {
          ByteString.Output one = ByteString.newOutput();
          var o = com.google.protobuf.CodedOutputStream.newInstance(one);
          o.writeString(1, s);
          o.flush();
          l.writeBytes(1, one.toByteString());
        }
        l.flush();
        out.writeBytes(6, list.toByteString());
      }
      case 3, 4 -> {
        FileDescriptor f =
            r.kind() == 3 ? index.byFile.get(r.argument()) : index.bySymbol.get(r.argument());
        if (f == null) {
          error(out, 5, (r.kind() == 3 ? "file " : "symbol ") + r.argument() + " not found");
        } else {
          ByteString.Output files = ByteString.newOutput();
          var fo = com.google.protobuf.CodedOutputStream.newInstance(files);
          for (FileDescriptor d : withDependencies(f)) {
            fo.writeBytes(1, d.toProto().toByteString());
          }
          fo.flush();
          out.writeBytes(4, files.toByteString());
        }
      }
      case 6 -> { // all_extension_numbers_of_type: Weft serves no extensions
        ByteString.Output ext = ByteString.newOutput();
        var eo = com.google.protobuf.CodedOutputStream.newInstance(ext);
        eo.writeString(1, r.argument());
        eo.flush();
        out.writeBytes(5, ext.toByteString());
      }
      case 5 -> error(out, 5, "extensions are not supported");
      default -> error(out, 3, "empty reflection request");
    }
    out.flush();
    return body.toByteString().toByteArray();
  }

  private static void error(com.google.protobuf.CodedOutputStream out, int code, String message)
      throws IOException {
    ByteString.Output err = ByteString.newOutput();
    var e = com.google.protobuf.CodedOutputStream.newInstance(err);
    e.writeInt32(1, code);
    e.writeString(2, message);
    e.flush();
    out.writeBytes(7, err.toByteString());
  }

  private static List<FileDescriptor> withDependencies(FileDescriptor f) {
    Set<FileDescriptor> seen = new LinkedHashSet<>();
    collect(f, seen);
    return new ArrayList<>(seen);
  }

  private static void collect(FileDescriptor f, Set<FileDescriptor> seen) {
    if (seen.add(f)) {
      for (FileDescriptor d : f.getDependencies()) {
        collect(d, seen);
      }
    }
  }

  /**
   * Every file, service, method, message and enum the registered services' descriptors reach, and
   * the services listed.
   */
  private static final class Index {
    final Map<String, FileDescriptor> byFile = new LinkedHashMap<>();
    final Map<String, FileDescriptor> bySymbol = new LinkedHashMap<>();
    final List<String> serviceNames;

    Index(List<FileDescriptor> files, List<String> serviceNames) {
      for (FileDescriptor f : files) {
        for (FileDescriptor d : withDependencies(f)) {
          add(d);
        }
      }
      this.serviceNames = serviceNames.stream().filter(bySymbol::containsKey).toList();
    }

    private void add(FileDescriptor f) {
      if (byFile.putIfAbsent(f.getName(), f) != null) {
        return;
      }
      for (ServiceDescriptor s : f.getServices()) {
        bySymbol.put(s.getFullName(), f);
        for (MethodDescriptor m : s.getMethods()) {
          bySymbol.put(m.getFullName(), f);
        }
      }
      for (Descriptor m : f.getMessageTypes()) {
        addMessage(m, f);
      }
      for (EnumDescriptor e : f.getEnumTypes()) {
        bySymbol.put(e.getFullName(), f);
      }
    }

    private void addMessage(Descriptor m, FileDescriptor f) {
      bySymbol.put(m.getFullName(), f);
      for (Descriptor n : m.getNestedTypes()) {
        addMessage(n, f);
      }
      for (EnumDescriptor e : m.getEnumTypes()) {
        bySymbol.put(e.getFullName(), f);
      }
    }
  }
}
