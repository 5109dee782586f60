package io.weft.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.weft.generic.ProtoDescriptors;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code weft list} and {@code weft describe} print for Protobuf descriptors (from .proto
 * files, a descriptor set or reflection), in .proto syntax, as grpcurl's {@code list} and {@code
 * describe} do.
 */
final class ProtoView {
  private final ProtoDescriptors descriptors;

  ProtoView(ProtoDescriptors descriptors) {
    this.descriptors = descriptors;
  }

  /** The services by full name, one a line. */
  String list() {
    StringBuilder b = new StringBuilder();
    for (String s : descriptors.serviceNames()) {
      b.append(s).append('\n');
    }
    return b.toString();
  }

  /** A service's methods by full name, one a line; streaming ones marked. */
  String listMethods(String service) {
    ServiceDescriptor s = descriptors.service(service);
    StringBuilder b = new StringBuilder();
    for (MethodDescriptor m : s.getMethods()) {
      b.append(m.getFullName());
      String kind = streaming(m);
      if (kind != null) {
        b.append(" (").append(kind).append(')');
      }
      b.append('\n');
    }
    return b.toString();
  }

  /**
   * How a streaming method streams, as {@code weft list} marks a Thrift one ({@code server
   * streaming} ...), or null for a unary one.
   */
  static String streaming(MethodDescriptor m) {
    if (m.isClientStreaming()) {
      return m.isServerStreaming() ? "bidirectional streaming" : "client streaming";
    }
    return m.isServerStreaming() ? "server streaming" : null;
  }

  /**
   * A service, method, message, enum, field or enum value by full name (a simple service name when
   * unique), headed by what it is.
   *
   * @throws IllegalArgumentException if there is no such symbol
   */
  String describe(String symbol) {
    GenericDescriptor d = descriptors.find(symbol).orElse(null);
    if (d == null) {
      try {
        d = descriptors.service(symbol);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "no symbol " + symbol + " (services: " + descriptors.serviceNames() + ")", e);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(d.getFullName()).append(" is ").append(what(d)).append(":\n");
    switch (d) {
      case ServiceDescriptor s -> service(b, s);
      case MethodDescriptor m -> b.append(rpc(m)).append('\n');
      case Descriptor m -> message(b, m, "");
      case EnumDescriptor e -> enumType(b, e, "");
      case FieldDescriptor f -> b.append(field(f)).append('\n');
      case EnumValueDescriptor v ->
          b.append(v.getName()).append(" = ").append(v.getNumber()).append(";\n");
      default -> b.append(d.toProto()).append('\n');
    }
    return b.toString();
  }

  private static String what(GenericDescriptor d) {
    return switch (d) {
      case ServiceDescriptor s -> "a service";
      case MethodDescriptor m -> "a method";
      case Descriptor m -> "a message";
      case EnumDescriptor e -> "an enum";
      case FieldDescriptor f -> "a field";
      case EnumValueDescriptor v -> "an enum value";
      default -> "a " + d.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    };
  }

  private static void service(StringBuilder b, ServiceDescriptor s) {
    b.append("service ").append(s.getName()).append(" {\n");
    for (MethodDescriptor m : s.getMethods()) {
      b.append("  ").append(rpc(m)).append('\n');
    }
    b.append("}\n");
  }

  private static String rpc(MethodDescriptor m) {
    return "rpc "
        + m.getName()
        + " ( "
        + (m.isClientStreaming() ? "stream " : "")
        + "."
        + m.getInputType().getFullName()
        + " ) returns ( "
        + (m.isServerStreaming() ? "stream " : "")
        + "."
        + m.getOutputType().getFullName()
        + " );";
  }

  private static void message(StringBuilder b, Descriptor m, String indent) {
    b.append(indent).append("message ").append(m.getName()).append(" {\n");
    String in = indent + "  ";
    Set<OneofDescriptor> done = new HashSet<>();
    for (FieldDescriptor f : m.getFields()) {
      OneofDescriptor o = f.getRealContainingOneof();
      if (o == null) {
        b.append(in).append(field(f)).append('\n');
      } else if (done.add(o)) {
        b.append(in).append("oneof ").append(o.getName()).append(" {\n");
        for (FieldDescriptor of : o.getFields()) {
          b.append(in).append("  ").append(field(of)).append('\n');
        }
        b.append(in).append("}\n");
      }
    }
    for (Descriptor n : m.getNestedTypes()) {
      if (!n.getOptions().getMapEntry()) {
        message(b, n, in);
      }
    }
    for (EnumDescriptor e : m.getEnumTypes()) {
      enumType(b, e, in);
    }
    b.append(indent).append("}\n");
  }

  private static void enumType(StringBuilder b, EnumDescriptor e, String indent) {
    b.append(indent).append("enum ").append(e.getName()).append(" {\n");
    for (EnumValueDescriptor v : e.getValues()) {
      b.append(indent)
          .append("  ")
          .append(v.getName())
          .append(" = ")
          .append(v.getNumber())
          .append(";\n");
    }
    b.append(indent).append("}\n");
  }

  private static String field(FieldDescriptor f) {
    String label =
        f.isMapField()
            ? ""
            : f.isRepeated()
                ? "repeated "
                : f.hasPresence()
                        && f.getRealContainingOneof() == null
                        && !f.isRequired()
                        && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE
                    ? "optional "
                    : f.isRequired() ? "required " : "";
    return label + type(f) + " " + f.getName() + " = " + f.getNumber() + ";";
  }

  private static String type(FieldDescriptor f) {
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      return "map<"
          + type(entry.findFieldByNumber(1))
          + ", "
          + type(entry.findFieldByNumber(2))
          + ">";
    }
    return switch (f.getType()) {
      case MESSAGE, GROUP -> "." + f.getMessageType().getFullName();
      case ENUM -> "." + f.getEnumType().getFullName();
      default -> f.getType().name().toLowerCase(Locale.ROOT);
    };
  }
}
