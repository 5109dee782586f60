package io.weft.generic;

import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of protobuf-java's well-known types by import name, for descriptor sets and reflection
 * answers that leave them out.
 */
final class WellKnown {
  private WellKnown() {}

  private static final Map<String, FileDescriptor> FILES = new HashMap<>();

  static {
    for (FileDescriptor f :
        List.of(
            com.google.protobuf.AnyProto.getDescriptor(),
            com.google.protobuf.ApiProto.getDescriptor(),
            com.google.protobuf.DescriptorProtos.getDescriptor(),
            com.google.protobuf.DurationProto.getDescriptor(),
            com.google.protobuf.EmptyProto.getDescriptor(),
            com.google.protobuf.FieldMaskProto.getDescriptor(),
            com.google.protobuf.SourceContextProto.getDescriptor(),
            com.google.protobuf.StructProto.getDescriptor(),
            com.google.protobuf.TimestampProto.getDescriptor(),
            com.google.protobuf.TypeProto.getDescriptor(),
            com.google.protobuf.WrappersProto.getDescriptor())) {
      FILES.put(f.getName(), f);
    }
  }

  /** The well-known file imported as {@code name}, or null. */
  static FileDescriptor file(String name) {
    return FILES.get(name);
  }
}
