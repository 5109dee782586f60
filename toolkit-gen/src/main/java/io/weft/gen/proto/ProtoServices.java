package io.weft.gen.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.Sides;
import io.weft.gen.java.Names;
import io.weft.gen.service.MethodKind;
import io.weft.gen.service.MethodModel;
import io.weft.gen.service.Payloads;
import io.weft.gen.service.ServiceEmitter;
import io.weft.gen.service.ServiceModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The services of a .proto file (messages come from protoc's {@code --java_out}) as {@link
 * ServiceModel}s, and the protobuf side of their code: requests and responses travel as the
 * messages themselves, in protobuf's own encoding; the service definition carries the file's
 * descriptor for gRPC reflection.
 */
final class ProtoServices {
  private final ProtoNames names;
  private final Sides sides;

  ProtoServices(ProtoNames names, Sides sides) {
    this.names = names;
    this.sides = sides;
  }

  /** Every service file of {@code file}. */
  List<JavaFile> emit(FileDescriptorProto file) {
    List<JavaFile> out = new ArrayList<>();
    ServiceEmitter emitter = new ServiceEmitter(sides);
    Payloads payloads =
        new ProtoPayloads(
            ClassName.get(ProtoNames.javaPackage(file), ProtoNames.outerClassName(file)));
    for (int i = 0; i < file.getServiceCount(); i++) {
      out.addAll(emitter.emit(model(file, i), payloads));
    }
    return out;
  }

  private ServiceModel model(FileDescriptorProto file, int index) {
    ServiceDescriptorProto s = file.getService(index);
    String pkg = ProtoNames.javaPackage(file);
    List<MethodModel> methods = new ArrayList<>();
    for (int j = 0; j < s.getMethodCount(); j++) {
      MethodDescriptorProto m = s.getMethod(j);
      MethodKind kind =
          m.getClientStreaming()
              ? (m.getServerStreaming() ? MethodKind.BIDI_STREAMING : MethodKind.CLIENT_STREAMING)
              : (m.getServerStreaming() ? MethodKind.SERVER_STREAMING : MethodKind.UNARY);
      ClassName request = names.message(m.getInputType());
      ClassName response = names.message(m.getOutputType());
      methods.add(
          new MethodModel(
              m.getName(),
              Names.member(m.getName()),
              Names.upperSnake(m.getName()),
              kind,
              comment(file.getSourceCodeInfo(), index, j),
              request,
              response,
              List.of(ParameterSpec.builder(request, "request").build()),
              response,
              List.of(ClassName.get(Exception.class)),
              List.of(),
              false));
    }
    String sub =
        pkg.isEmpty()
            ? Names.servicePackage(s.getName())
            : pkg + "." + Names.servicePackage(s.getName());
    String full = file.getPackage().isEmpty() ? s.getName() : file.getPackage() + "." + s.getName();
    ServiceModel.Notes notes =
        new ServiceModel.Notes(
            "Call it with {@code " + s.getName() + "Client}.",
            "The methods of {@code " + full + "} as the runtime sees them.",
            "The package-qualified name used in gRPC paths.",
            "Unary methods go over TTHeader (Kitex Protobuf) unless the client was built with\n"
                + "{@code withTransport(Transport.GRPC)}; streaming methods always use gRPC.\nThread-safe; share one.");
    String source = file.getName().substring(file.getName().lastIndexOf('/') + 1);
    return new ServiceModel(
        s.getName(),
        full,
        comment(file.getSourceCodeInfo(), index, -1),
        ClassName.get(pkg, Names.type(s.getName())),
        null,
        sub,
        methods,
        methods,
        false,
        notes,
        source);
  }

  /**
   * The protobuf side of a service's code; {@code outer} is the class protoc generates for the
   * file.
   */
  private record ProtoPayloads(ClassName outer) implements Payloads {
    @Override
    public CodeBlock codec(TypeName type) {
      return CodeBlock.of("$T.of($T.parser())", Names.PROTOBUF_CODEC, type);
    }

    @Override
    public List<TypeSpec> descriptorTypes(MethodModel m) {
      return List.of();
    }

    @Override
    public CodeBlock clientCall(MethodModel m, ClassName descriptor) {
      return CodeBlock.builder()
          .addStatement(
              "return client.unary($T.$L,$Wrequest,$WcallOptions)", descriptor, m.constant())
          .build();
    }

    @Override
    public CodeBlock serverRegistration(MethodModel m, ClassName descriptor) {
      return CodeBlock.of(".unary($T.$L,$Whandler::$L)", descriptor, m.constant(), m.javaName());
    }

    @Override
    public CodeBlock definitionExtras() {
      return CodeBlock.of("\n.schema($T.getDescriptor())", outer);
    }
  }

  /** The leading comment of service {@code s} (method {@code m}, or the service itself when -1). */
  private static String comment(SourceCodeInfo info, int s, int m) {
    for (SourceCodeInfo.Location l : info.getLocationList()) {
      List<Integer> p = l.getPathList();
      boolean match = m < 0 ? p.equals(List.of(6, s)) : p.equals(List.of(6, s, 2, m));
      if (match) {
        String c = (l.getLeadingComments() + l.getTrailingComments()).strip();
        return c.isEmpty() ? null : c.replace("*/", "* /");
      }
    }
    return null;
  }
}
