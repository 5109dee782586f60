package io.weft.gen.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.java.Names;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Emits the service code of a .proto file (messages come from protoc's {@code --java_out}): for
 * each service, the handler interface in the file's Java package, and in the sub-package named
 * after the service (Kitex's layout) the descriptor, the blocking client and the server factory.
 * Unary, client-, server- and bidirectional-streaming methods all get blocking signatures.
 */
final class ProtoServiceEmitter {
  private final ProtoNames names;
  private final io.weft.gen.Sides sides;

  ProtoServiceEmitter(ProtoNames names, io.weft.gen.Sides sides) {
    this.names = names;
    this.sides = sides;
  }

  /** What one RPC looks like in Java. */
  private record Rpc(MethodDescriptorProto proto, String javaName, String constant, ClassName request, ClassName response, String doc) {
    boolean clientStreaming() {
      return proto.getClientStreaming();
    }

    boolean serverStreaming() {
      return proto.getServerStreaming();
    }

    String kind() {
      return clientStreaming() ? (serverStreaming() ? "BIDI_STREAMING" : "CLIENT_STREAMING") : (serverStreaming() ? "SERVER_STREAMING" : "UNARY");
    }
  }

  List<JavaFile> emit(FileDescriptorProto file) {
    List<JavaFile> out = new ArrayList<>();
    String pkg = ProtoNames.javaPackage(file);
    for (int i = 0; i < file.getServiceCount(); i++) {
      ServiceDescriptorProto s = file.getService(i);
      List<Rpc> rpcs = new ArrayList<>();
      for (int j = 0; j < s.getMethodCount(); j++) {
        MethodDescriptorProto m = s.getMethod(j);
        rpcs.add(new Rpc(m, Names.member(m.getName()), Names.upperSnake(m.getName()), names.message(m.getInputType()),
            names.message(m.getOutputType()), comment(file.getSourceCodeInfo(), i, j)));
      }
      String sub = pkg.isEmpty() ? Names.servicePackage(s.getName()) : pkg + "." + Names.servicePackage(s.getName());
      String full = file.getPackage().isEmpty() ? s.getName() : file.getPackage() + "." + s.getName();
      ClassName iface = ClassName.get(pkg, Names.type(s.getName()));
      ClassName descriptor = ClassName.get(sub, s.getName() + "Descriptor");
      ClassName client = ClassName.get(sub, s.getName() + "Client");
      ClassName server = ClassName.get(sub, s.getName() + "Server");
      String source = file.getName().substring(file.getName().lastIndexOf('/') + 1);
      out.add(file(pkg, handler(s, iface, server, client, rpcs, comment(file.getSourceCodeInfo(), i, -1)), source));
      out.add(file(sub, descriptor(s.getName(), full, descriptor, rpcs), source));
      if (sides.client()) {
        out.add(file(sub, client(s.getName(), client, descriptor, rpcs), source));
      }
      if (sides.server()) {
        ClassName outer = ClassName.get(pkg, ProtoNames.outerClassName(file));
        out.add(file(sub, server(s.getName(), iface, server, descriptor, rpcs, outer), source));
      }
    }
    return out;
  }

  private static JavaFile file(String pkg, TypeSpec type, String source) {
    return JavaFile.builder(pkg, type).addFileComment("$L\nSource: $L", Names.GENERATED, source)
        .skipJavaLangImports(true).indent("  ").build();
  }

  private TypeSpec handler(ServiceDescriptorProto s, ClassName iface, ClassName server, ClassName client, List<Rpc> rpcs, String doc) {
    TypeSpec.Builder t = TypeSpec.interfaceBuilder(iface).addModifiers(Modifier.PUBLIC);
    if (doc != null) {
      t.addJavadoc("$L\n\n", doc);
    }
    // a class this run does not generate is named, not imported
    t.addJavadoc("<p>Implement it to serve {@code $L}: {@code $" + (sides.server() ? "T" : "L") + ".newServer(handler).run()}; call it with {@code $"
        + (sides.client() ? "T" : "L") + "}.\n" + "Each call runs on its own virtual thread.\n", s.getName(),
        sides.server() ? server : server.simpleName(), sides.client() ? client : client.simpleName());
    for (Rpc r : rpcs) {
      MethodSpec.Builder m = MethodSpec.methodBuilder(r.javaName()).addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT);
      if (r.doc() != null) {
        m.addJavadoc("$L\n", r.doc());
      }
      if (!r.clientStreaming() && !r.serverStreaming()) {
        m.returns(r.response()).addParameter(r.request(), "request");
      } else if (r.serverStreaming() && !r.clientStreaming()) {
        m.addParameter(r.request(), "request").addParameter(ParameterizedTypeName.get(Names.SERVER_STREAMING_SERVER, r.response()), "stream");
      } else if (r.clientStreaming() && !r.serverStreaming()) {
        m.addParameter(ParameterizedTypeName.get(Names.CLIENT_STREAMING_SERVER, r.request(), r.response()), "stream");
      } else {
        m.addParameter(ParameterizedTypeName.get(Names.BIDI_STREAMING_SERVER, r.request(), r.response()), "stream");
      }
      t.addMethod(m.addException(Exception.class).build());
    }
    return t.build();
  }

  private TypeSpec descriptor(String service, String full, ClassName self, List<Rpc> rpcs) {
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("The methods of {@code $L} as the runtime sees them.\n", full)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    t.addField(FieldSpec.builder(String.class, "SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The service's name as the IDL writes it.\n").initializer("$S", service).build());
    t.addField(FieldSpec.builder(String.class, "FULL_SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The package-qualified name used in gRPC paths.\n").initializer("$S", full).build());
    for (Rpc r : rpcs) {
      CodeBlock init = CodeBlock.builder()
          .add("$T.<$T, $T>builder()", Names.METHOD_DESCRIPTOR, r.request(), r.response())
          .add(".serviceName(SERVICE_NAME).fullServiceName(FULL_SERVICE_NAME)")
          .add(".methodName($S)", r.proto().getName())
          .add(".kind($T.$L)", Names.METHOD_KIND, r.kind())
          .add(".requestCodec($T.of($T.parser()))", Names.PROTOBUF_CODEC, r.request())
          .add(".responseCodec($T.of($T.parser()))", Names.PROTOBUF_CODEC, r.response())
          .add(".build()")
          .build();
      t.addField(FieldSpec.builder(ParameterizedTypeName.get(Names.METHOD_DESCRIPTOR, r.request(), r.response()), r.constant(),
          Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL).initializer(init).build());
    }
    return t.build();
  }

  private TypeSpec client(String service, ClassName self, ClassName descriptor, List<Rpc> rpcs) {
    boolean clash = rpcs.stream().anyMatch(r -> r.javaName().equals("close") || r.javaName().equals("client"));
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("A blocking client of {@code $L}: {@code $T.newClient(\"dest\", $T.withHostPorts(\"host:8888\"))}.\n"
            + "Unary methods go over TTHeader (Kitex Protobuf) unless the client was built with\n"
            + "{@code withTransport(Transport.GRPC)}; streaming methods always use gRPC. Thread-safe; share one.\n",
            service, self, ClassName.get("io.weft.api", "ClientOptions"));
    if (!clash) {
      t.addSuperinterface(AutoCloseable.class);
    }
    t.addField(FieldSpec.builder(Names.CLIENT, "client", Modifier.PRIVATE, Modifier.FINAL).build());
    t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).addParameter(Names.CLIENT, "client")
        .addStatement("this.client = client").build());
    t.addMethod(MethodSpec.methodBuilder("newClient").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
        .addJavadoc("A client of the service named {@code destService}, as Kitex's {@code NewClient}.\n")
        .addParameter(String.class, "destService").addParameter(ArrayTypeName.of(Names.CLIENT_OPTION), "options").varargs(true)
        .addStatement("return new $T($T.newClient(destService, options))", self, Names.CLIENT).build());
    t.addMethod(MethodSpec.methodBuilder("of").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
        .addJavadoc("A stub over an existing client.\n").addParameter(Names.CLIENT, "client")
        .addStatement("return new $T(client)", self).build());
    if (!clash) {
      t.addMethod(MethodSpec.methodBuilder("client").addModifiers(Modifier.PUBLIC).returns(Names.CLIENT)
          .addJavadoc("The underlying client.\n").addStatement("return client").build());
      t.addMethod(MethodSpec.methodBuilder("close").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .addJavadoc("Closes the connections.\n").addStatement("client.close()").build());
    }
    for (Rpc r : rpcs) {
      boolean unary = !r.clientStreaming() && !r.serverStreaming();
      boolean hasRequest = !r.clientStreaming();
      TypeName returns;
      String call;
      if (unary) {
        returns = r.response();
        call = "unary";
      } else if (!r.clientStreaming()) {
        returns = ParameterizedTypeName.get(Names.SERVER_STREAMING_CLIENT, r.response());
        call = "serverStreaming";
      } else if (!r.serverStreaming()) {
        returns = ParameterizedTypeName.get(Names.CLIENT_STREAMING_CLIENT, r.request(), r.response());
        call = "clientStreaming";
      } else {
        returns = ParameterizedTypeName.get(Names.BIDI_STREAMING_CLIENT, r.request(), r.response());
        call = "bidiStreaming";
      }
      MethodSpec.Builder plain = MethodSpec.methodBuilder(r.javaName()).addModifiers(Modifier.PUBLIC).returns(returns);
      MethodSpec.Builder full = MethodSpec.methodBuilder(r.javaName()).addModifiers(Modifier.PUBLIC).returns(returns);
      if (r.doc() != null) {
        plain.addJavadoc("$L\n", r.doc());
      }
      if (hasRequest) {
        plain.addParameter(r.request(), "request");
        full.addParameter(r.request(), "request");
        plain.addStatement("return $L(request, $T.DEFAULT)", r.javaName(), Names.CALL_OPTIONS);
        full.addParameter(Names.CALL_OPTIONS, "callOptions")
            .addStatement("return client.$L($T.$L, request, callOptions)", call, descriptor, r.constant());
      } else {
        plain.addStatement("return $L($T.DEFAULT)", r.javaName(), Names.CALL_OPTIONS);
        full.addParameter(Names.CALL_OPTIONS, "callOptions")
            .addStatement("return client.$L($T.$L, callOptions)", call, descriptor, r.constant());
      }
      full.addJavadoc("{@link #$L} with a deadline or metadata of its own.\n", r.javaName());
      t.addMethod(plain.build());
      t.addMethod(full.build());
    }
    return t.build();
  }

  private TypeSpec server(String service, ClassName iface, ClassName self, ClassName descriptor, List<Rpc> rpcs, ClassName outer) {
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("Serves {@code $L}: {@code $T.newServer(handler).run()}, as Kitex's {@code NewServer(handler).Run()}.\n", service, self)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    t.addMethod(MethodSpec.methodBuilder("newServer").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(Names.SERVER)
        .addJavadoc("A server of {@code handler}, not yet started: call {@code run()} (blocks) or {@code start()}.\n")
        .addParameter(iface, "handler").addParameter(ArrayTypeName.of(Names.SERVER_OPTION), "options").varargs(true)
        .addStatement("return $T.newServer(definition(handler), options)", Names.SERVER).build());
    CodeBlock.Builder def = CodeBlock.builder().add("return $T.builder($T.SERVICE_NAME, $T.FULL_SERVICE_NAME)", Names.SERVICE_DEFINITION, descriptor, descriptor);
    def.indent();
    for (Rpc r : rpcs) {
      String register = switch (r.kind()) {
        case "UNARY" -> "unary";
        case "SERVER_STREAMING" -> "serverStreaming";
        case "CLIENT_STREAMING" -> "clientStreaming";
        default -> "bidiStreaming";
      };
      def.add("\n.$L($T.$L, handler::$L)", register, descriptor, r.constant(), r.javaName());
    }
    def.add("\n.schema($T.getDescriptor())", outer);
    def.add("\n.build();\n");
    def.unindent();
    t.addMethod(MethodSpec.methodBuilder("definition").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(Names.SERVICE_DEFINITION)
        .addJavadoc("The service as a server registers it; for several services on one {@link $T}.\n", Names.SERVER)
        .addParameter(iface, "handler").addCode(def.build()).build());
    return t.build();
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
