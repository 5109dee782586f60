package io.weft.api;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A service as a server registers it: its names and, for each method, the {@link MethodDescriptor}
 * and the handler that serves it. Generated code builds one from the user's implementation of the
 * service interface. Immutable.
 */
public final class ServiceDefinition {
  private final String name;
  private final String fullName;
  private final Map<String, MethodDefinition<?, ?>> methods;
  private final Object schema;

  private ServiceDefinition(Builder b) {
    this.name = b.name;
    this.fullName = b.fullName;
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(b.methods));
    this.schema = b.schema;
  }

  /**
   * Starts a definition of the service {@code name} (as the IDL writes it) whose gRPC name is
   * {@code fullName}.
   */
  public static Builder builder(String name, String fullName) {
    return new Builder(name, fullName);
  }

  /** The service's name as the IDL writes it, e.g. {@code EchoService}. */
  public String name() {
    return name;
  }

  /** The package-qualified name used in gRPC paths, e.g. {@code echo.EchoService}. */
  public String fullName() {
    return fullName;
  }

  /** The method called {@code methodName} on the wire, or null. */
  public MethodDefinition<?, ?> method(String methodName) {
    return methods.get(methodName);
  }

  public Collection<MethodDefinition<?, ?>> methods() {
    return methods.values();
  }

  /**
   * The IDL the service was generated from, for server reflection: for Protobuf services the {@code
   * com.google.protobuf.Descriptors.FileDescriptor} of its .proto file; empty otherwise.
   */
  public java.util.Optional<Object> schema() {
    return java.util.Optional.ofNullable(schema);
  }

  @Override
  public String toString() {
    return "ServiceDefinition{" + fullName + " " + methods.keySet() + "}";
  }

  /**
   * One method of a service with the handler that serves it.
   *
   * @param descriptor what the method is
   * @param handler how it is served; its type matches {@code descriptor.kind()}
   */
  public record MethodDefinition<Req, Resp>(
      MethodDescriptor<Req, Resp> descriptor, MethodHandler<Req, Resp> handler) {
    public MethodDefinition {
      Objects.requireNonNull(descriptor, "descriptor");
      Objects.requireNonNull(handler, "handler");
    }
  }

  /** Adds methods to a {@link ServiceDefinition}; each method name at most once. */
  public static final class Builder {
    private final String name;
    private final String fullName;
    private final Map<String, MethodDefinition<?, ?>> methods = new LinkedHashMap<>();
    private Object schema;

    private Builder(String name, String fullName) {
      this.name = Objects.requireNonNull(name, "name");
      this.fullName = Objects.requireNonNull(fullName, "fullName");
    }

    /** Adds a unary or oneway method. */
    public <Req, Resp> Builder unary(
        MethodDescriptor<Req, Resp> method, UnaryHandler<Req, Resp> handler) {
      if (method.kind() != MethodKind.UNARY && method.kind() != MethodKind.ONEWAY) {
        throw new IllegalArgumentException(method + " is not unary or oneway");
      }
      return add(new MethodDefinition<>(method, handler));
    }

    /** Adds a server-streaming method. */
    public <Req, Resp> Builder serverStreaming(
        MethodDescriptor<Req, Resp> method, ServerStreamingHandler<Req, Resp> handler) {
      return add(kind(method, MethodKind.SERVER_STREAMING, handler));
    }

    /** Adds a client-streaming method. */
    public <Req, Resp> Builder clientStreaming(
        MethodDescriptor<Req, Resp> method, ClientStreamingHandler<Req, Resp> handler) {
      return add(kind(method, MethodKind.CLIENT_STREAMING, handler));
    }

    /** Adds a bidirectional-streaming method. */
    public <Req, Resp> Builder bidiStreaming(
        MethodDescriptor<Req, Resp> method, BidiStreamingHandler<Req, Resp> handler) {
      return add(kind(method, MethodKind.BIDI_STREAMING, handler));
    }

    private static <Req, Resp> MethodDefinition<Req, Resp> kind(
        MethodDescriptor<Req, Resp> method, MethodKind kind, MethodHandler<Req, Resp> h) {
      if (method.kind() != kind) {
        throw new IllegalArgumentException(method + " is not " + kind);
      }
      return new MethodDefinition<>(method, h);
    }

    private Builder add(MethodDefinition<?, ?> def) {
      String methodName = def.descriptor().methodName();
      if (methods.putIfAbsent(methodName, def) != null) {
        throw new IllegalArgumentException(
            "method " + methodName + " is defined twice in " + fullName);
      }
      return this;
    }

    /** Attaches the IDL's descriptor (see {@link ServiceDefinition#schema()}). */
    public Builder schema(Object schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    public ServiceDefinition build() {
      return new ServiceDefinition(this);
    }
  }
}
