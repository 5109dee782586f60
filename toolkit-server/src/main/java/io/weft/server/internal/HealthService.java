package io.weft.server.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.ServerStreamingServer;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The standard gRPC health service, {@code grpc.health.v1.Health}: every server has it, so load
 * balancers and {@code grpc_health_probe} work against any Weft server. The server (service "") and
 * each registered service are SERVING until the server starts to stop, then NOT_SERVING.
 */
final class HealthService {
  private HealthService() {}

  static final String FULL_NAME = "grpc.health.v1.Health";
  static final int SERVING = 1;
  static final int NOT_SERVING = 2;

  record Request(String service) {}

  record Response(int status) {}

  private static final io.weft.api.Codec<Request> REQUEST =
      ProtoCodecs.of(
          (r, out) -> {
            if (!r.service().isEmpty()) {
              out.writeString(1, r.service());
            }
          },
          in -> new Request(ProtoCodecs.readStringField(in, 1)));

  private static final io.weft.api.Codec<Response> RESPONSE =
      ProtoCodecs.of(
          (r, out) -> {
            if (r.status() != 0) {
              out.writeEnum(1, r.status());
            }
          },
          in -> {
            int status = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
              if (tag == (1 << 3)) {
                status = in.readEnum();
              } else {
                in.skipField(tag);
              }
            }
            return new Response(status);
          });

  static final MethodDescriptor<Request, Response> CHECK = method("Check", MethodKind.UNARY);
  static final MethodDescriptor<Request, Response> WATCH =
      method("Watch", MethodKind.SERVER_STREAMING);

  private static MethodDescriptor<Request, Response> method(String name, MethodKind kind) {
    return MethodDescriptor.<Request, Response>builder()
        .serviceName("Health")
        .fullServiceName(FULL_NAME)
        .methodName(name)
        .kind(kind)
        .requestCodec(REQUEST)
        .responseCodec(RESPONSE)
        .build();
  }

  /**
   * grpc/health/v1/health.proto, for server reflection: grpcurl and other reflection clients find
   * Health's messages in it.
   */
  static final FileDescriptor FILE = file();

  private static FileDescriptor file() {
    FileDescriptorProto proto =
        FileDescriptorProto.newBuilder()
            .setName("grpc/health/v1/health.proto")
            .setPackage("grpc.health.v1")
            .setSyntax("proto3")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("HealthCheckRequest")
                    .addField(
                        FieldDescriptorProto.newBuilder()
                            .setName("service")
                            .setJsonName("service")
                            .setNumber(1)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                            .setType(FieldDescriptorProto.Type.TYPE_STRING)))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("HealthCheckResponse")
                    .addEnumType(
                        EnumDescriptorProto.newBuilder()
                            .setName("ServingStatus")
                            .addValue(
                                EnumValueDescriptorProto.newBuilder()
                                    .setName("UNKNOWN")
                                    .setNumber(0))
                            .addValue(
                                EnumValueDescriptorProto.newBuilder()
                                    .setName("SERVING")
                                    .setNumber(1))
                            .addValue(
                                EnumValueDescriptorProto.newBuilder()
                                    .setName("NOT_SERVING")
                                    .setNumber(2))
                            .addValue(
                                EnumValueDescriptorProto.newBuilder()
                                    .setName("SERVICE_UNKNOWN")
                                    .setNumber(3)))
                    .addField(
                        FieldDescriptorProto.newBuilder()
                            .setName("status")
                            .setJsonName("status")
                            .setNumber(1)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                            .setType(FieldDescriptorProto.Type.TYPE_ENUM)
                            .setTypeName(".grpc.health.v1.HealthCheckResponse.ServingStatus")))
            .addService(
                ServiceDescriptorProto.newBuilder()
                    .setName("Health")
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("Check")
                            .setInputType(".grpc.health.v1.HealthCheckRequest")
                            .setOutputType(".grpc.health.v1.HealthCheckResponse"))
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("Watch")
                            .setServerStreaming(true)
                            .setInputType(".grpc.health.v1.HealthCheckRequest")
                            .setOutputType(".grpc.health.v1.HealthCheckResponse")))
            .build();
    try {
      return FileDescriptor.buildFrom(proto, new FileDescriptor[0]);
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException(e);
    }
  }

  static ServiceDefinition definition(Set<String> services, CountDownLatch stopping) {
    return ServiceDefinition.builder("Health", FULL_NAME)
        .schema(FILE)
        .unary(CHECK, req -> new Response(status(req.service(), services, stopping)))
        .serverStreaming(WATCH, (req, stream) -> watch(req, stream, services, stopping))
        .build();
  }

  private static int status(String service, Set<String> services, CountDownLatch stopping) {
    if (!service.isEmpty() && !services.contains(service)) {
      throw Status.of(StatusCode.NOT_FOUND, "unknown service " + service).asException();
    }
    return stopping.getCount() == 0 ? NOT_SERVING : SERVING;
  }

  private static void watch(
      Request req,
      ServerStreamingServer<Response> stream,
      Set<String> services,
      CountDownLatch stopping)
      throws InterruptedException {
    int status =
        !req.service().isEmpty() && !services.contains(req.service())
            ? 3 /* SERVICE_UNKNOWN */
            : SERVING;
    stream.send(new Response(stopping.getCount() == 0 && status == SERVING ? NOT_SERVING : status));
    while (!stream.context().isCancelled()) {
      if (stopping.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
        if (status == SERVING) {
          stream.send(new Response(NOT_SERVING));
        }
        return;
      }
    }
  }
}
