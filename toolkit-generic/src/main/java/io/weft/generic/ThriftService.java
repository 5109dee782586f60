package io.weft.generic;

import io.weft.api.Codec;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Field;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.Schema;
import io.weft.gen.model.TypeRef;
import io.weft.gen.thrift.Linker;
import io.weft.internal.wire.Json;
import io.weft.internal.wire.thrift.OutputTransport;
import io.weft.internal.wire.thrift.ThriftProtocols;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TTransportException;

/**
 * One Thrift service read from its IDL at run time: its methods (base services' included), and for
 * each a {@link MethodDescriptor} whose codecs turn JSON into Thrift Binary and back. The IDL is
 * read by toolkit-gen's own parser and linker.
 */
final class ThriftService {
  private final ThriftJson json;
  private final Definition.Service service;
  private final String fullName;
  private final Map<String, Definition.Function> functions = new LinkedHashMap<>();
  private final Map<String, MethodDescriptor<ThriftMessage, ThriftMessage>> descriptors =
      new LinkedHashMap<>();

  private ThriftService(Schema schema, Definition.Service service) {
    this.json = new ThriftJson(schema);
    this.service = service;
    IdlFile f = schema.fileOf(service);
    String go = f.namespaces().get("go");
    String pkg =
        go == null
            ? f.baseName()
            : go.substring(Math.max(go.lastIndexOf('.'), go.lastIndexOf('/')) + 1);
    this.fullName = pkg.isEmpty() ? service.name() : pkg + "." + service.name();
    for (Definition.Service s : schema.ancestry(service)) {
      for (Definition.Function fn : s.functions()) {
        functions.put(fn.name(), fn);
      }
    }
    for (Definition.Function fn : functions.values()) {
      MethodKind kind = kind(fn);
      MethodDescriptor.Builder<ThriftMessage, ThriftMessage> b =
          MethodDescriptor.<ThriftMessage, ThriftMessage>builder()
              .serviceName(service.name())
              .fullServiceName(fullName)
              .methodName(fn.name())
              .kind(kind);
      if (kind.isStreaming()) {
        // a stream carries the bare request and response structs, no args or result wrapper
        TypeRef request = fn.params().get(0).type();
        b.requestCodec(new StructCodec(request, fn.name() + " request"))
            .responseCodec(new StructCodec(fn.returnType(), fn.name() + " response"));
      } else {
        b.requestCodec(new ArgsCodec(fn));
        if (!fn.oneway()) {
          b.responseCodec(new ResultCodec(fn));
        }
        b.grpcOnly(Linker.grpcOnly(fn));
      }
      descriptors.put(fn.name(), b.build());
    }
  }

  /** How {@code fn} travels, from Kitex's {@code streaming.mode} (which the linker has checked). */
  private static MethodKind kind(Definition.Function fn) {
    String mode = fn.annotations().get("streaming.mode");
    if (mode == null || mode.equals("unary")) {
      return fn.oneway() ? MethodKind.ONEWAY : MethodKind.UNARY;
    }
    return switch (mode) {
      case "client" -> MethodKind.CLIENT_STREAMING;
      case "server" -> MethodKind.SERVER_STREAMING;
      default -> MethodKind.BIDI_STREAMING;
    };
  }

  /**
   * Reads {@code idl} (and what it includes, searched next to each file and in {@code includeDirs})
   * and finds {@code serviceName} in it.
   *
   * @throws IllegalArgumentException if the IDL does not load or has no such service
   */
  static ThriftService load(List<Path> idl, List<Path> includeDirs, String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    if (idl.isEmpty()) {
      throw new IllegalArgumentException("no IDL files given");
    }
    Schema schema;
    try {
      schema = Linker.link(idl, includeDirs);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot load " + idl + ": " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    for (IdlFile f : schema.roots()) {
      for (Definition d : f.definitions()) {
        if (d instanceof Definition.Service s) {
          if (s.name().equals(serviceName)) {
            return new ThriftService(schema, s);
          }
          names.add(s.name());
        }
      }
    }
    throw new IllegalArgumentException(
        "no service " + serviceName + " in " + idl + " (services: " + names + ")");
  }

  String name() {
    return service.name();
  }

  String fullName() {
    return fullName;
  }

  Map<String, MethodDescriptor<ThriftMessage, ThriftMessage>> descriptors() {
    return descriptors;
  }

  /** The method called {@code name}, or an error that lists the methods there are. */
  Definition.Function function(String name) {
    Definition.Function fn = functions.get(name);
    if (fn == null) {
      throw new IllegalArgumentException(
          "service "
              + service.name()
              + " has no method "
              + name
              + " (methods: "
              + descriptors.keySet()
              + ")");
    }
    return fn;
  }

  /** The descriptor of the unary or oneway method {@code name}; a streaming one is an error. */
  MethodDescriptor<ThriftMessage, ThriftMessage> descriptor(String name) {
    function(name);
    MethodDescriptor<ThriftMessage, ThriftMessage> d = descriptors.get(name);
    if (d.kind().isStreaming()) {
      throw new IllegalArgumentException(
          service.name()
              + "."
              + name
              + " is a streaming method ("
              + d.kind()
              + "): open it with stream(\""
              + name
              + "\")");
    }
    return d;
  }

  /** The descriptor of the streaming method {@code name}; a unary one is an error. */
  MethodDescriptor<ThriftMessage, ThriftMessage> streamDescriptor(String name) {
    function(name);
    MethodDescriptor<ThriftMessage, ThriftMessage> d = descriptors.get(name);
    if (!d.kind().isStreaming()) {
      throw new IllegalArgumentException(
          service.name() + "." + name + " is not a streaming method: call it with call(...)");
    }
    return d;
  }

  /**
   * How the messages of the streaming method {@code name} turn from and into JSON: each is the JSON
   * object of the method's request or response struct itself (no parameter name around it), as the
   * stream carries the bare struct.
   */
  StreamMessages<ThriftMessage, ThriftMessage> streamMessages(String name) {
    Definition.Function fn = function(name);
    TypeRef request = fn.params().get(0).type();
    TypeRef response = fn.returnType();
    return new StreamMessages<>() {
      @Override
      public ThriftMessage toRequest(String text) {
        return ThriftMessage.encoded(encodeValue(request, text, fn.name() + " request"));
      }

      @Override
      public String requestJson(ThriftMessage message) {
        return Json.write(message.decoded());
      }

      @Override
      public ThriftMessage toResponse(String text) {
        return ThriftMessage.encoded(encodeValue(response, text, fn.name() + " response"));
      }

      @Override
      public String responseJson(ThriftMessage message) {
        return Json.write(message.decoded());
      }
    };
  }

  /** A value of {@code type} from its JSON text; checks it against the IDL. */
  private byte[] encodeValue(TypeRef type, String text, String path) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(path + ": no JSON message");
    }
    Object value;
    try {
      value = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
    return encode(p -> json.write(p, type, value, path));
  }

  /**
   * The args struct of {@code fn} from the JSON object of its arguments; checks it against the IDL.
   */
  byte[] encodeArgs(Definition.Function fn, String jsonArgs) {
    return encodeArgs(fn, Json.parse(jsonArgs == null || jsonArgs.isBlank() ? "{}" : jsonArgs));
  }

  /** The same from the arguments as values (the Map form). */
  byte[] encodeArgs(Definition.Function fn, Object value) {
    return encode(p ->
        json.writeStruct(
            p, fn.name() + "_args", Definition.StructKind.STRUCT, fn.params(), value, fn.name()));
  }

  /** The result struct of {@code fn} with the success value {@code jsonResult}. */
  byte[] encodeSuccess(Definition.Function fn, String jsonResult) {
    Object value = jsonResult == null ? null : Json.parse(jsonResult);
    Map<String, Object> result = new LinkedHashMap<>();
    if (fn.returnType() != null) {
      if (value == null) {
        throw new IllegalArgumentException(
            fn.name() + " returns " + fn.returnType() + ", not null");
      }
      result.put("success", value);
    }
    return encodeResult(fn, result);
  }

  /** The result struct of {@code fn} with the declared exception {@code e} set. */
  byte[] encodeException(Definition.Function fn, GenericException e) {
    for (Field f : fn.throwsFields()) {
      if (f.name().equals(e.typeName()) || typeName(f.type()).equals(e.typeName())) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(f.name(), Json.parse(e.json()));
        return encodeResult(fn, result);
      }
    }
    throw new IllegalArgumentException(
        fn.name()
            + " declares no exception "
            + e.typeName()
            + " (throws: "
            + fn.throwsFields().stream().map(f -> typeName(f.type())).toList()
            + ")");
  }

  private byte[] encodeResult(Definition.Function fn, Map<String, Object> result) {
    return encode(p ->
        json.writeStruct(
            p,
            fn.name() + "_result",
            Definition.StructKind.STRUCT,
            fn.resultFields(),
            result,
            fn.name()));
  }

  /**
   * What a decoded result means to a caller: the success value as JSON, or a {@link
   * GenericException}.
   */
  String outcome(Definition.Function fn, ThriftMessage.Outcome o) {
    return Json.write(outcomeValue(fn, o));
  }

  /**
   * The same as a value: the success value as {@link Json} reads it, or a {@link GenericException}.
   */
  Object outcomeValue(Definition.Function fn, ThriftMessage.Outcome o) {
    if (o.field() == null) {
      if (o.value() == null && fn.returnType() != null) {
        throw Status.of(StatusCode.INTERNAL, fn.name() + " failed: unknown result").asException();
      }
      return o.value();
    }
    for (Field f : fn.throwsFields()) {
      if (f.name().equals(o.field())) {
        throw new GenericException(typeName(f.type()), Json.write(o.value()));
      }
    }
    throw new IllegalStateException("no throws field " + o.field());
  }

  private static String typeName(TypeRef t) {
    String n = t.toString();
    return n.substring(n.lastIndexOf('.') + 1);
  }

  private interface Writer {
    void write(TProtocol out) throws TException;
  }

  private static byte[] encode(Writer w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      w.write(new TBinaryProtocol(new OutputTransport(out)));
    } catch (TException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Sends pre-encoded bytes; decodes an args struct into the JSON object of the arguments. */
  private abstract static class MessageCodec implements Codec<ThriftMessage> {
    @Override
    public Serialization serialization() {
      return Serialization.THRIFT;
    }

    @Override
    public void encode(ThriftMessage value, OutputStream out) throws IOException {
      if (value.encoded() == null) {
        throw new IOException("a generic message must be encoded before it is sent");
      }
      out.write(value.encoded());
    }

    @Override
    public ThriftMessage decode(byte[] data, int offset, int length) {
      try {
        return new ThriftMessage(null, read(ThriftProtocols.reader(data, offset, length)));
      } catch (TException | RuntimeException e) {
        throw Status.of(StatusCode.INTERNAL, "cannot decode " + what() + ": " + e.getMessage())
            .withCause(e)
            .asException();
      }
    }

    abstract Object read(TProtocol in) throws TException, TTransportException;

    abstract String what();
  }

  private final class ArgsCodec extends MessageCodec {
    private final Definition.Function fn;

    ArgsCodec(Definition.Function fn) {
      this.fn = fn;
    }

    @Override
    Object read(TProtocol in) throws TException {
      return json.readStruct(in, fn.name() + "_args", fn.params());
    }

    @Override
    String what() {
      return fn.name() + "_args";
    }
  }

  /** A bare struct (or any value) of one type: what a streaming method's messages are. */
  private final class StructCodec extends MessageCodec {
    private final TypeRef type;
    private final String what;

    StructCodec(TypeRef type, String what) {
      this.type = type;
      this.what = what;
    }

    @Override
    Object read(TProtocol in) throws TException {
      return json.read(in, type);
    }

    @Override
    String what() {
      return what;
    }
  }

  private final class ResultCodec extends MessageCodec {
    private final Definition.Function fn;
    private final List<Field> fields;

    ResultCodec(Definition.Function fn) {
      this.fn = fn;
      this.fields = fn.resultFields();
    }

    @Override
    Object read(TProtocol in) throws TException {
      Map<String, Object> r = json.readStruct(in, fn.name() + "_result", fields);
      for (Field f : fn.throwsFields()) {
        if (r.containsKey(f.name())) {
          return new ThriftMessage.Outcome(f.name(), r.get(f.name()));
        }
      }
      return new ThriftMessage.Outcome(null, r.get("success"));
    }

    @Override
    String what() {
      return fn.name() + "_result";
    }
  }
}
