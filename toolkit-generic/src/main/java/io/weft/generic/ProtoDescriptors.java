package io.weft.generic;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.gen.model.GenException;
import io.weft.gen.proto.Protoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Protobuf descriptors read at run time, what a Protobuf {@link GenericClient} or {@link
 * GenericServer} is built from: a descriptor set ({@code protoc --descriptor_set_out
 * --include_imports}, what grpcurl's {@code --protoset} takes), .proto files (compiled by protoc,
 * the release the Weft build fetches), or a server's gRPC reflection. Imports of the well-known
 * types ({@code google/protobuf/*.proto}) that a set leaves out are taken from protobuf-java.
 * Immutable and thread-safe.
 */
public final class ProtoDescriptors {
  private final List<FileDescriptor> files;
  private final List<String> listed;
  private final Map<String, GenericDescriptor> symbols = new LinkedHashMap<>();
  private final JsonFormat.TypeRegistry types;

  private ProtoDescriptors(List<FileDescriptor> files, List<String> listed) {
    this.files = List.copyOf(files);
    this.listed = List.copyOf(listed);
    JsonFormat.TypeRegistry.Builder t = JsonFormat.TypeRegistry.newBuilder();
    for (FileDescriptor f : files) {
      for (ServiceDescriptor s : f.getServices()) {
        symbols.put(s.getFullName(), s);
        for (MethodDescriptor m : s.getMethods()) {
          symbols.put(m.getFullName(), m);
        }
      }
      for (Descriptor m : f.getMessageTypes()) {
        addMessage(m, t);
      }
      for (EnumDescriptor e : f.getEnumTypes()) {
        symbols.put(e.getFullName(), e);
      }
    }
    this.types = t.build();
  }

  private void addMessage(Descriptor m, JsonFormat.TypeRegistry.Builder t) {
    symbols.put(m.getFullName(), m);
    t.add(m);
    for (Descriptor n : m.getNestedTypes()) {
      addMessage(n, t);
    }
    for (EnumDescriptor e : m.getEnumTypes()) {
      symbols.put(e.getFullName(), e);
    }
  }

  /**
   * The descriptors of a descriptor set file, as {@code protoc --descriptor_set_out=F
   * --include_imports} writes it.
   *
   * @throws IllegalArgumentException if the file cannot be read or is not a complete descriptor set
   */
  public static ProtoDescriptors fromDescriptorSet(Path file) {
    FileDescriptorSet set;
    try {
      set = FileDescriptorSet.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          file + " is not a descriptor set (protoc --descriptor_set_out): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
    }
    return fromFiles(set.getFileList(), file.toString());
  }

  /**
   * The descriptors of {@code protos} and what they import, compiled by protoc ({@link
   * Protoc#find()}: {@code $WEFT_PROTOC}, the release in the local Maven repository, or the {@code
   * PATH}). Imports are searched in {@code includeDirs}, then next to each file.
   *
   * @throws IllegalArgumentException with protoc's error lines if they do not compile, or if there
   *     is no protoc
   */
  public static ProtoDescriptors fromProto(List<Path> protos, List<Path> includeDirs) {
    if (protos.isEmpty()) {
      throw new IllegalArgumentException("no .proto files given");
    }
    Path protoc;
    try {
      protoc = Protoc.find();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    for (Path p : protos) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("no such file: " + p);
      }
    }
    try {
      Protoc.Compiled c = Protoc.compile(protoc, protos, includeDirs, null);
      return fromFiles(c.descriptors().getFileList(), protos.toString());
    } catch (GenException e) {
      throw new IllegalArgumentException(
          "cannot compile " + protos + ": " + String.join("; ", e.errors()), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot run protoc " + protoc + ": " + e.getMessage(), e);
    }
  }

  /**
   * Everything a server lists through gRPC reflection ({@code grpc.reflection.v1}, else {@code
   * v1alpha}), asked with {@code client}: each listed service's file and its imports.
   *
   * @throws io.weft.api.RpcException if the server does not answer reflection
   */
  public static ProtoDescriptors fromReflection(Client client, CallOptions options) {
    return Reflection.load(client, options, null);
  }

  /**
   * The file that defines {@code symbol} (a service, method or message, by full name) and its
   * imports, asked through the server's gRPC reflection with {@code client}.
   *
   * @throws IllegalArgumentException if the server does not know {@code symbol}
   * @throws io.weft.api.RpcException if the server does not answer reflection
   */
  public static ProtoDescriptors fromReflection(Client client, CallOptions options, String symbol) {
    return Reflection.load(client, options, symbol);
  }

  /**
   * Builds the descriptors of {@code protos}, each after what it imports; {@code source} names
   * where they came from in errors.
   */
  static ProtoDescriptors fromFiles(List<FileDescriptorProto> protos, String source) {
    return fromFiles(protos, source, null);
  }

  static ProtoDescriptors fromFiles(
      List<FileDescriptorProto> protos, String source, List<String> listed) {
    Map<String, FileDescriptorProto> byName = new LinkedHashMap<>();
    for (FileDescriptorProto p : protos) {
      byName.putIfAbsent(p.getName(), p);
    }
    Map<String, FileDescriptor> built = new LinkedHashMap<>();
    for (String name : byName.keySet()) {
      build(name, byName, built, source, new ArrayList<>());
    }
    List<FileDescriptor> files = new ArrayList<>(built.values());
    if (listed == null) {
      List<String> names = new ArrayList<>();
      for (FileDescriptor f : files) {
        if (byName.containsKey(f.getName())) {
          f.getServices().forEach(s -> names.add(s.getFullName()));
        }
      }
      listed = names;
    }
    return new ProtoDescriptors(files, listed);
  }

  private static FileDescriptor build(
      String name,
      Map<String, FileDescriptorProto> byName,
      Map<String, FileDescriptor> built,
      String source,
      List<String> path) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto p = byName.get(name);
    if (p == null) {
      FileDescriptor known = WellKnown.file(name);
      if (known == null) {
        throw new IllegalArgumentException(
            source
                + ": "
                + (path.isEmpty() ? name : path.get(path.size() - 1))
                + " imports "
                + name
                + ", which is not there (a descriptor set needs --include_imports)");
      }
      built.put(name, known);
      return known;
    }
    if (path.contains(name)) {
      throw new IllegalArgumentException(source + ": import cycle through " + path);
    }
    path.add(name);
    List<FileDescriptor> deps = new ArrayList<>();
    for (String d : p.getDependencyList()) {
      deps.add(build(d, byName, built, source, path));
    }
    path.remove(path.size() - 1);
    try {
      FileDescriptor f = FileDescriptor.buildFrom(p, deps.toArray(new FileDescriptor[0]));
      built.put(name, f);
      return f;
    } catch (DescriptorValidationException e) {
      throw new IllegalArgumentException(source + ": " + name + ": " + e.getMessage(), e);
    }
  }

  /** Every file, imports included, each after what it imports. */
  public List<FileDescriptor> files() {
    return files;
  }

  /**
   * The services: for a descriptor set or .proto files those their own files define (not the
   * imports'), for reflection those the server lists, in order.
   */
  public List<String> serviceNames() {
    return listed;
  }

  /**
   * The service called {@code name}: its full name ({@code grpc.testing.TestService}) or, when only
   * one service has it, its simple name ({@code TestService}).
   *
   * @throws IllegalArgumentException naming the services there are, if there is no such service
   */
  public ServiceDescriptor service(String name) {
    if (symbols.get(name) instanceof ServiceDescriptor s) {
      return s;
    }
    List<ServiceDescriptor> bySimpleName = new ArrayList<>();
    for (GenericDescriptor d : symbols.values()) {
      if (d instanceof ServiceDescriptor s && s.getName().equals(name)) {
        bySimpleName.add(s);
      }
    }
    if (bySimpleName.size() == 1) {
      return bySimpleName.get(0);
    }
    throw new IllegalArgumentException(
        (bySimpleName.isEmpty() ? "no service " : "more than one service called ")
            + name
            + " (services: "
            + allServices()
            + ")");
  }

  private List<String> allServices() {
    return symbols.values().stream()
        .filter(ServiceDescriptor.class::isInstance)
        .map(GenericDescriptor::getFullName)
        .toList();
  }

  /**
   * The service, method, message or enum of that full name (a leading dot is allowed), or a
   * message's field or an enum's value ({@code pkg.Message.field}).
   */
  public Optional<GenericDescriptor> find(String fullName) {
    String name = fullName.startsWith(".") ? fullName.substring(1) : fullName;
    GenericDescriptor d = symbols.get(name);
    if (d != null) {
      return Optional.of(d);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      GenericDescriptor parent = symbols.get(name.substring(0, dot));
      String member = name.substring(dot + 1);
      if (parent instanceof Descriptor m && m.findFieldByName(member) != null) {
        return Optional.of(m.findFieldByName(member));
      }
      if (parent instanceof EnumDescriptor e && e.findValueByName(member) != null) {
        return Optional.of(e.findValueByName(member));
      }
    }
    return Optional.empty();
  }

  /** The messages the JSON mapping resolves {@code google.protobuf.Any} values against. */
  JsonFormat.TypeRegistry typeRegistry() {
    return types;
  }

  /** Every symbol by full name, for listing. */
  Collection<GenericDescriptor> symbols() {
    return symbols.values();
  }
}
