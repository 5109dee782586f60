package io.weft.gen.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.palantir.javapoet.ClassName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java class protoc's {@code --java_out} gives each message, so that service code can name it:
 * {@code java_package} (else the proto package), {@code java_outer_classname} (else the file name
 * in UpperCamelCase, plus {@code OuterClass} on a clash), and {@code java_multiple_files}.
 */
final class ProtoNames {
  private final Map<String, ClassName> byFullName = new HashMap<>();

  ProtoNames(List<FileDescriptorProto> files) {
    for (FileDescriptorProto f : files) {
      String pkg = javaPackage(f);
      boolean multiple = f.getOptions().getJavaMultipleFiles();
      String outer = outerClassName(f);
      String prefix = f.getPackage().isEmpty() ? "." : "." + f.getPackage() + ".";
      for (DescriptorProto m : f.getMessageTypeList()) {
        ClassName c =
            multiple ? ClassName.get(pkg, m.getName()) : ClassName.get(pkg, outer, m.getName());
        add(prefix + m.getName(), c, m);
      }
      for (EnumDescriptorProto e : f.getEnumTypeList()) {
        byFullName.put(
            prefix + e.getName(),
            multiple ? ClassName.get(pkg, e.getName()) : ClassName.get(pkg, outer, e.getName()));
      }
    }
  }

  private void add(String fullName, ClassName c, DescriptorProto m) {
    byFullName.put(fullName, c);
    for (DescriptorProto nested : m.getNestedTypeList()) {
      add(fullName + "." + nested.getName(), c.nestedClass(nested.getName()), nested);
    }
    for (EnumDescriptorProto e : m.getEnumTypeList()) {
      byFullName.put(fullName + "." + e.getName(), c.nestedClass(e.getName()));
    }
  }

  /** The class of a message named as descriptors name it ({@code .grpc.testing.SimpleRequest}). */
  ClassName message(String fullName) {
    ClassName c = byFullName.get(fullName);
    if (c == null) {
      throw new IllegalStateException("unknown message type " + fullName);
    }
    return c;
  }

  static String javaPackage(FileDescriptorProto f) {
    return f.getOptions().hasJavaPackage() ? f.getOptions().getJavaPackage() : f.getPackage();
  }

  /** The outer class protoc generates for {@code f}. */
  static String outerClassName(FileDescriptorProto f) {
    if (f.getOptions().hasJavaOuterClassname()) {
      return f.getOptions().getJavaOuterClassname();
    }
    String name = f.getName();
    name = name.substring(name.lastIndexOf('/') + 1);
    if (name.endsWith(".proto")) {
      name = name.substring(0, name.length() - ".proto".length());
    }
    String camel = underscoresToCamelCase(name);
    for (DescriptorProto m : f.getMessageTypeList()) {
      if (m.getName().equals(camel)) {
        return camel + "OuterClass";
      }
    }
    for (EnumDescriptorProto e : f.getEnumTypeList()) {
      if (e.getName().equals(camel)) {
        return camel + "OuterClass";
      }
    }
    for (var s : f.getServiceList()) {
      if (s.getName().equals(camel)) {
        return camel + "OuterClass";
      }
    }
    return camel;
  }

  /** protoc's UnderscoresToCamelCase with the first letter capitalised. */
  static String underscoresToCamelCase(String input) {
    StringBuilder sb = new StringBuilder();
    boolean capNext = true;
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      if (c >= 'a' && c <= 'z') {
        sb.append(capNext ? Character.toUpperCase(c) : c);
        capNext = false;
      } else if (c >= 'A' && c <= 'Z') {
        sb.append(c);
        capNext = false;
      } else if (c >= '0' && c <= '9') {
        sb.append(c);
        capNext = true;
      } else {
        capNext = true;
      }
    }
    return sb.toString();
  }
}
