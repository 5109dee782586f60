package io.weft.api;

import java.util.Objects;

/**
 * Everything the runtime needs to know about one method, whichever side it is on: its names, its
 * {@link MethodKind}, and the codecs of its request and response. Generated code holds one constant
 * per method. Immutable.
 *
 * <p>For Thrift methods the request is the generated {@code *_args} struct and the response the
 * {@code *_result} struct (field 0 the return value, fields 1.. the declared exceptions); the
 * generated stubs hide both.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type ({@code Void} for oneway methods)
 */
public final class MethodDescriptor<Req, Resp> {
  private final String serviceName;
  private final String fullServiceName;
  private final String methodName;
  private final MethodKind kind;
  private final Codec<Req> requestCodec;
  private final Codec<Resp> responseCodec;
  private final boolean grpcOnly;

  private MethodDescriptor(Builder<Req, Resp> b) {
    this.serviceName = Objects.requireNonNull(b.serviceName, "serviceName");
    this.fullServiceName = b.fullServiceName != null ? b.fullServiceName : b.serviceName;
    this.methodName = Objects.requireNonNull(b.methodName, "methodName");
    this.kind = Objects.requireNonNull(b.kind, "kind");
    this.requestCodec = Objects.requireNonNull(b.requestCodec, "requestCodec");
    if (b.responseCodec == null && b.kind != MethodKind.ONEWAY) {
      throw new IllegalArgumentException(
          methodName + ": only oneway methods have no response codec");
    }
    this.responseCodec = b.responseCodec;
    this.grpcOnly = b.grpcOnly || b.kind.isStreaming();
  }

  public static <Req, Resp> Builder<Req, Resp> builder() {
    return new Builder<>();
  }

  /** The service's name as the IDL writes it, e.g. {@code EchoService}. */
  public String serviceName() {
    return serviceName;
  }

  /** The package-qualified service name used in gRPC paths, e.g. {@code echo.EchoService}. */
  public String fullServiceName() {
    return fullServiceName;
  }

  /** The method's name as the IDL writes it, e.g. {@code Echo}; it is the name on the wire. */
  public String methodName() {
    return methodName;
  }

  /** The gRPC path, {@code /<fullServiceName>/<methodName>}. */
  public String path() {
    return "/" + fullServiceName + "/" + methodName;
  }

  public MethodKind kind() {
    return kind;
  }

  public Codec<Req> requestCodec() {
    return requestCodec;
  }

  /** The response codec; null only for oneway methods. */
  public Codec<Resp> responseCodec() {
    return responseCodec;
  }

  public Serialization serialization() {
    return requestCodec.serialization();
  }

  /**
   * Whether the method is only reachable over gRPC: every streaming method, and a Thrift method
   * Kitex annotates {@code streaming.mode="unary"}.
   */
  public boolean grpcOnly() {
    return grpcOnly;
  }

  @Override
  public String toString() {
    return fullServiceName + "/" + methodName + " (" + kind + ")";
  }

  /**
   * Builds a {@link MethodDescriptor}; service name, method name, kind and request codec are
   * required.
   */
  public static final class Builder<Req, Resp> {
    private String serviceName;
    private String fullServiceName;
    private String methodName;
    private MethodKind kind;
    private Codec<Req> requestCodec;
    private Codec<Resp> responseCodec;
    private boolean grpcOnly;

    private Builder() {}

    public Builder<Req, Resp> serviceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    public Builder<Req, Resp> fullServiceName(String fullServiceName) {
      this.fullServiceName = fullServiceName;
      return this;
    }

    public Builder<Req, Resp> methodName(String methodName) {
      this.methodName = methodName;
      return this;
    }

    public Builder<Req, Resp> kind(MethodKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder<Req, Resp> requestCodec(Codec<Req> requestCodec) {
      this.requestCodec = requestCodec;
      return this;
    }

    public Builder<Req, Resp> responseCodec(Codec<Resp> responseCodec) {
      this.responseCodec = responseCodec;
      return this;
    }

    /** Marks a unary method as callable only over gRPC. */
    public Builder<Req, Resp> grpcOnly(boolean grpcOnly) {
      this.grpcOnly = grpcOnly;
      return this;
    }

    public MethodDescriptor<Req, Resp> build() {
      return new MethodDescriptor<>(this);
    }
  }
}
