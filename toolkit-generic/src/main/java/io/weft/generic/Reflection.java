package io.weft.generic;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.Codec;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.RpcException;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of gRPC server reflection ({@code grpc.reflection.v1}, else {@code v1alpha} for servers
 * that have only that): one {@code ServerReflectionInfo} stream that lists the services and fetches
 * the files that define them ({@code file_containing_symbol}), then each import the answers left
 * out ({@code file_by_filename}). The messages are encoded by hand: they are few and small.
 */
final class Reflection {
  private static final int FILE_BY_FILENAME = 3;
  private static final int FILE_CONTAINING_SYMBOL = 4;
  private static final int LIST_SERVICES = 7;

  private final BidiStreamingClient<byte[], byte[]> stream;
  private final String version;

  private Reflection(BidiStreamingClient<byte[], byte[]> stream, String version) {
    this.stream = stream;
    this.version = version;
  }

  /**
   * The server's descriptors: of every listed service when {@code symbol} is null, else of the file
   * that defines {@code symbol} (a simple service name is looked up among the listed ones).
   */
  static ProtoDescriptors load(Client client, CallOptions options, String symbol) {
    try {
      return load(client, options, symbol, "v1");
    } catch (RpcException e) {
      if (e.code() != StatusCode.UNIMPLEMENTED) {
        throw e;
      }
      return load(client, options, symbol, "v1alpha");
    }
  }

  private static ProtoDescriptors load(
      Client client, CallOptions options, String symbol, String version) {
    BidiStreamingClient<byte[], byte[]> s = client.bidiStreaming(method(version), options);
    try {
      Reflection r = new Reflection(s, version);
      ProtoDescriptors d = r.descriptors(symbol);
      s.closeSend();
      while (s.recv() != null) {
        // the server has nothing more to say; wait for its clean end
      }
      return d;
    } finally {
      s.close();
    }
  }

  private ProtoDescriptors descriptors(String symbol) {
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    List<String> listed = null;
    List<String> wanted = new ArrayList<>();
    if (symbol == null || !symbol.contains(".")) {
      listed = listServices();
      if (symbol == null) {
        wanted.addAll(listed);
      } else {
        List<String> matches =
            listed.stream().filter(n -> n.equals(symbol) || n.endsWith("." + symbol)).toList();
        if (matches.size() != 1) {
          throw new IllegalArgumentException(
              (matches.isEmpty() ? "the server lists no service " : "more than one service ")
                  + symbol
                  + " (services: "
                  + listed
                  + ")");
        }
        wanted.add(matches.get(0));
      }
    } else {
      wanted.add(symbol);
    }
    for (String w : wanted) {
      Answer a = ask(FILE_CONTAINING_SYMBOL, w);
      if (a.error != null) {
        throw new IllegalArgumentException(
            "the server's reflection does not know " + w + ": " + a.error);
      }
      a.files.forEach(f -> files.putIfAbsent(f.getName(), f));
    }
    followImports(files);
    return ProtoDescriptors.fromFiles(
        new ArrayList<>(files.values()), "the server's reflection", listed);
  }

  /** Fetches each import no answer has brought yet; the well-known types may stay out. */
  private void followImports(Map<String, FileDescriptorProto> files) {
    List<String> missing = missing(files);
    while (!missing.isEmpty()) {
      for (String name : missing) {
        Answer a = ask(FILE_BY_FILENAME, name);
        if (a.error != null) {
          if (WellKnown.file(name) == null) {
            throw new IllegalArgumentException(
                "the server's reflection does not have " + name + ": " + a.error);
          }
          files.put(name, WellKnown.file(name).toProto());
        }
        a.files.forEach(f -> files.putIfAbsent(f.getName(), f));
      }
      missing = missing(files);
    }
  }

  private static List<String> missing(Map<String, FileDescriptorProto> files) {
    List<String> out = new ArrayList<>();
    for (FileDescriptorProto f : files.values()) {
      for (String d : f.getDependencyList()) {
        if (!files.containsKey(d) && !out.contains(d)) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private List<String> listServices() {
    Answer a = ask(LIST_SERVICES, "*");
    if (a.error != null) {
      throw Status.of(StatusCode.UNKNOWN, "reflection list_services failed: " + a.error)
          .asException();
    }
    return a.services;
  }

  /** One request, one response. */
  private Answer ask(int field, String argument) {
    try {
      ByteString.Output body = ByteString.newOutput();
      CodedOutputStream out = CodedOutputStream.newInstance(body);
      out.writeString(field, argument);
      out.flush();
      stream.send(body.toByteString().toByteArray());
      byte[] reply = stream.recv();
      if (reply == null) {
        throw Status.of(
                StatusCode.INTERNAL,
                "the server ended grpc.reflection." + version + " without answering")
            .asException();
      }
      return Answer.parse(reply);
    } catch (IOException e) {
      throw Status.of(StatusCode.INTERNAL, "malformed reflection response: " + e.getMessage())
          .withCause(e)
          .asException();
    }
  }

  /** What a {@code ServerReflectionResponse} held. */
  private static final class Answer {
    final List<FileDescriptorProto> files = new ArrayList<>();
    final List<String> services = new ArrayList<>();
    String error;

    static Answer parse(byte[] bytes) throws IOException {
      Answer a = new Answer();
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case (4 << 3) | 2 -> { // file_descriptor_response
            CodedInputStream f = in.readBytes().newCodedInput();
            for (int t = f.readTag(); t != 0; t = f.readTag()) {
              if (t == ((1 << 3) | 2)) {
                a.files.add(FileDescriptorProto.parseFrom(f.readBytes()));
              } else {
                f.skipField(t);
              }
            }
          }
          case (6 << 3) | 2 -> { // list_services_response
            CodedInputStream l = in.readBytes().newCodedInput();
            for (int t = l.readTag(); t != 0; t = l.readTag()) {
              if (t == ((1 << 3) | 2)) {
                CodedInputStream s = l.readBytes().newCodedInput();
                for (int u = s.readTag(); u != 0; u = s.readTag()) {
                  if (u == ((1 << 3) | 2)) {
                    a.services.add(s.readStringRequireUtf8());
                  } else {
                    s.skipField(u);
                  }
                }
              } else {
                l.skipField(t);
              }
            }
          }
          case (7 << 3) | 2 -> { // error_response
            CodedInputStream e = in.readBytes().newCodedInput();
            int code = 0;
            String message = "";
            for (int t = e.readTag(); t != 0; t = e.readTag()) {
              if (t == (1 << 3)) {
                code = e.readInt32();
              } else if (t == ((2 << 3) | 2)) {
                message = e.readStringRequireUtf8();
              } else {
                e.skipField(t);
              }
            }
            a.error = StatusCode.fromValue(code) + ": " + message;
          }
          default -> in.skipField(tag);
        }
      }
      return a;
    }
  }

  private static MethodDescriptor<byte[], byte[]> method(String version) {
    return MethodDescriptor.<byte[], byte[]>builder()
        .serviceName("ServerReflection")
        .fullServiceName("grpc.reflection." + version + ".ServerReflection")
        .methodName("ServerReflectionInfo")
        .kind(MethodKind.BIDI_STREAMING)
        .requestCodec(BYTES)
        .responseCodec(BYTES)
        .build();
  }

  /** Messages already encoded. */
  private static final Codec<byte[]> BYTES =
      new Codec<>() {
        @Override
        public Serialization serialization() {
          return Serialization.PROTOBUF;
        }

        @Override
        public void encode(byte[] value, OutputStream out) throws IOException {
          out.write(value);
        }

        @Override
        public byte[] decode(byte[] data, int offset, int length) {
          return java.util.Arrays.copyOfRange(data, offset, offset + length);
        }
      };
}
