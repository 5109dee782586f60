package io.weft.generic;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.weft.api.Codec;
import io.weft.api.MethodKind;
import io.weft.api.Serialization;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Protobuf service known from descriptors at run time: for each method, of any kind, a {@link
 * io.weft.api.MethodDescriptor} whose codecs carry {@link DynamicMessage}s, and the JSON mapping of
 * its messages ({@link ProtoJson}). Unary calls use it through {@link GenericClient} and {@link
 * GenericServer}; a streaming method's descriptor (its kind a streaming one) carries its messages
 * the same way.
 */
final class ProtoService {
  private final ProtoDescriptors descriptors;
  private final ServiceDescriptor service;
  private final ProtoJson json;
  private final Map<String, io.weft.api.MethodDescriptor<DynamicMessage, DynamicMessage>> methods =
      new LinkedHashMap<>();

  ProtoService(ProtoDescriptors descriptors, String serviceName) {
    this.descriptors = descriptors;
    this.service = descriptors.service(serviceName);
    this.json = new ProtoJson(descriptors.typeRegistry());
    for (MethodDescriptor m : service.getMethods()) {
      methods.put(
          m.getName(),
          io.weft.api.MethodDescriptor.<DynamicMessage, DynamicMessage>builder()
              .serviceName(service.getName())
              .fullServiceName(service.getFullName())
              .methodName(m.getName())
              .kind(kind(m))
              .requestCodec(new MessageCodec(m.getInputType()))
              .responseCodec(new MessageCodec(m.getOutputType()))
              .build());
    }
  }

  /** The kind of {@code m}, from whether its client and server stream. */
  static MethodKind kind(MethodDescriptor m) {
    if (m.isClientStreaming()) {
      return m.isServerStreaming() ? MethodKind.BIDI_STREAMING : MethodKind.CLIENT_STREAMING;
    }
    return m.isServerStreaming() ? MethodKind.SERVER_STREAMING : MethodKind.UNARY;
  }

  ProtoDescriptors protoDescriptors() {
    return descriptors;
  }

  ServiceDescriptor service() {
    return service;
  }

  ProtoJson json() {
    return json;
  }

  /** Every method's descriptor, streaming ones included, in .proto order. */
  Map<String, io.weft.api.MethodDescriptor<DynamicMessage, DynamicMessage>> descriptors() {
    return methods;
  }

  /**
   * The method called {@code name} (its simple name, or {@code Service/Method} or {@code
   * pkg.Service.Method}), of any kind.
   *
   * @throws IllegalArgumentException naming the methods there are, if there is none
   */
  io.weft.api.MethodDescriptor<DynamicMessage, DynamicMessage> method(String name) {
    String simple = name;
    for (String prefix : new String[] {service.getFullName() + ".", service.getFullName() + "/"}) {
      if (name.startsWith(prefix)) {
        simple = name.substring(prefix.length());
      }
    }
    var d = methods.get(simple);
    if (d == null) {
      throw new IllegalArgumentException(
          "service "
              + service.getFullName()
              + " has no method "
              + name
              + " (methods: "
              + methods.keySet()
              + ")");
    }
    return d;
  }

  /** The unary method called {@code name}; a streaming one is refused with a clear message. */
  io.weft.api.MethodDescriptor<DynamicMessage, DynamicMessage> unary(String name) {
    var d = method(name);
    if (d.kind() != MethodKind.UNARY) {
      throw new IllegalArgumentException(
          service.getFullName()
              + "."
              + d.methodName()
              + " is a streaming method ("
              + d.kind()
              + "): open it with stream(\""
              + d.methodName()
              + "\")");
    }
    return d;
  }

  /** The streaming method called {@code name}; a unary one is refused with a clear message. */
  io.weft.api.MethodDescriptor<DynamicMessage, DynamicMessage> streamDescriptor(String name) {
    var d = method(name);
    if (!d.kind().isStreaming()) {
      throw new IllegalArgumentException(
          service.getFullName()
              + "."
              + d.methodName()
              + " is not a streaming method: call it with call(...)");
    }
    return d;
  }

  /**
   * How the messages of the streaming method {@code name} turn from and into JSON. A message that
   * does not fit is an {@link IllegalArgumentException} that starts with the method's name and the
   * side, e.g. {@code FullDuplexCall request: the JSON does not fit ...}, as a Thrift stream's.
   */
  StreamMessages<DynamicMessage, DynamicMessage> streamMessages(String name) {
    String method = method(name).methodName();
    Descriptor request = inputType(name);
    Descriptor response = outputType(name);
    return new StreamMessages<>() {
      @Override
      public DynamicMessage toRequest(String text) {
        return parse(request, text, method + " request");
      }

      @Override
      public String requestJson(DynamicMessage message) {
        return json.print(message);
      }

      @Override
      public DynamicMessage toResponse(String text) {
        return parse(response, text, method + " response");
      }

      @Override
      public String responseJson(DynamicMessage message) {
        return json.print(message);
      }
    };
  }

  /** One streamed message of {@code type} from its JSON; a misfit names {@code what} first. */
  private DynamicMessage parse(Descriptor type, String text, String what) {
    try {
      return json.parse(type, text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /** The Protobuf message types of {@code method}'s request and response. */
  Descriptor inputType(String method) {
    return service.findMethodByName(method(method).methodName()).getInputType();
  }

  Descriptor outputType(String method) {
    return service.findMethodByName(method(method).methodName()).getOutputType();
  }

  /** Carries one message type as {@link DynamicMessage}s, in Protobuf's binary encoding. */
  static final class MessageCodec implements Codec<DynamicMessage> {
    private final Descriptor type;

    MessageCodec(Descriptor type) {
      this.type = type;
    }

    @Override
    public Serialization serialization() {
      return Serialization.PROTOBUF;
    }

    @Override
    public void encode(DynamicMessage value, OutputStream out) throws IOException {
      value.writeTo(out);
    }

    @Override
    public DynamicMessage decode(byte[] data, int offset, int length) {
      try {
        return DynamicMessage.parseFrom(type, CodedInputStream.newInstance(data, offset, length));
      } catch (IOException | RuntimeException e) {
        throw Status.of(
                StatusCode.INTERNAL, "cannot decode " + type.getFullName() + ": " + e.getMessage())
            .withCause(e)
            .asException();
      }
    }
  }
}
