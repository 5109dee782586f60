package io.weft.gen.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Field;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Emits a service: the handler interface users implement ({@code EchoService}, in the IDL's
 * package) and, in the sub-package {@code echoservice} as Kitex lays it out, the descriptor (method
 * descriptors plus the {@code *Args}/{@code *Result} structs), the blocking client and the server
 * factory.
 */
final class ServiceEmitter {
  private final ThriftTypes types;
  private final StructEmitter structs;
  private final io.weft.gen.Sides sides;

  ServiceEmitter(ThriftTypes types, StructEmitter structs, io.weft.gen.Sides sides) {
    this.types = types;
    this.structs = structs;
    this.sides = sides;
  }

  /** One method as the generated code sees it, with the struct classes that carry it. */
  private record Method(
      Definition.Function fn,
      Definition.Service owner,
      String javaName,
      String constant,
      ClassName args,
      ClassName result,
      Definition.Struct argsStruct,
      Definition.Struct resultStruct,
      String mode) {
    boolean oneway() {
      return fn.oneway();
    }

    /** A Kitex streaming method: bidirectional, client or server (not "unary", which keeps args/result structs). */
    boolean streaming() {
      return mode.equals("bidirectional") || mode.equals("client") || mode.equals("server");
    }

    String kind() {
      return switch (mode) {
        case "bidirectional" -> "BIDI_STREAMING";
        case "client" -> "CLIENT_STREAMING";
        case "server" -> "SERVER_STREAMING";
        default -> oneway() ? "ONEWAY" : "UNARY";
      };
    }
  }

  /** The Kitex annotation that makes a Thrift method a gRPC method. */
  static final String STREAMING_MODE = "streaming.mode";

  ClassName interfaceName(Definition.Service s) {
    return ClassName.get(Schema.javaPackage(types.schema().fileOf(s)), Names.type(s.name()));
  }

  ClassName descriptorName(Definition.Service s) {
    return ClassName.get(servicePackage(s), s.name() + "Descriptor");
  }

  private String servicePackage(Definition.Service s) {
    return Schema.javaPackage(types.schema().fileOf(s)) + "." + Names.servicePackage(s.name());
  }

  /** The gRPC service name Kitex uses: the Go package (last part of {@code namespace go}, else the file name) and the service. */
  private String fullServiceName(Definition.Service s) {
    IdlFile f = types.schema().fileOf(s);
    String go = f.namespaces().get("go");
    String pkg = go == null ? f.baseName() : go.substring(Math.max(go.lastIndexOf('.'), go.lastIndexOf('/')) + 1);
    return pkg.isEmpty() ? s.name() : pkg + "." + s.name();
  }

  /** Every file of the service, as (package, type) pairs. */
  List<Map.Entry<String, TypeSpec>> emit(Definition.Service s) {
    List<Method> own = methods(s);
    List<Method> all = new ArrayList<>();
    for (Definition.Service base : types.schema().ancestry(s)) {
      all.addAll(base.equals(s) ? own : methods(base));
    }
    String pkg = servicePackage(s);
    List<Map.Entry<String, TypeSpec>> out = new ArrayList<>();
    out.add(Map.entry(Schema.javaPackage(types.schema().fileOf(s)), handlerInterface(s, own)));
    out.add(Map.entry(pkg, descriptor(s, own, all)));
    if (sides.client()) {
      out.add(Map.entry(pkg, client(s, all)));
    }
    if (sides.server()) {
      out.add(Map.entry(pkg, server(s, all)));
    }
    return out;
  }

  private List<Method> methods(Definition.Service s) {
    ClassName descriptor = descriptorName(s);
    List<Method> out = new ArrayList<>();
    for (Definition.Function fn : s.functions()) {
      String base = Names.capitalize(Names.member(fn.name()));
      Definition.Struct args = new Definition.Struct(Definition.StructKind.STRUCT, fn.name() + "_args", fn.params(), Map.of(), null, fn.location());
      List<Field> resultFields = new ArrayList<>();
      if (fn.returnType() != null) {
        resultFields.add(new Field(0, "success", Field.Requiredness.OPTIONAL, fn.returnType(), null, Map.of(), null, fn.location()));
      }
      for (Field t : fn.throwsFields()) {
        resultFields.add(new Field(t.id(), t.name(), Field.Requiredness.OPTIONAL, t.type(), null, Map.of(), null, t.location()));
      }
      Definition.Struct result = new Definition.Struct(Definition.StructKind.STRUCT, fn.name() + "_result", resultFields, Map.of(), null, fn.location());
      out.add(new Method(fn, s, Names.member(fn.name()), Names.upperSnake(fn.name()), descriptor.nestedClass(base + "Args"),
          descriptor.nestedClass(base + "Result"), args, result, fn.annotations().getOrDefault(STREAMING_MODE, "")));
    }
    return out;
  }

  /** The message type a streaming method's requests carry: its single argument's type. */
  private TypeName streamRequest(Method m) {
    return types.javaType(m.fn().params().get(0).type(), true);
  }

  private TypeName returnType(Definition.Function fn) {
    return fn.returnType() == null ? TypeName.VOID : types.javaType(fn.returnType());
  }

  private List<ParameterSpec> params(Definition.Function fn) {
    List<ParameterSpec> out = new ArrayList<>();
    for (StructEmitter.Member m : structs.members(new Definition.Struct(Definition.StructKind.STRUCT, "", fn.params(), Map.of(), null, fn.location()))) {
      out.add(ParameterSpec.builder(m.type(), m.name()).build());
    }
    return out;
  }

  private List<TypeName> exceptions(Definition.Function fn) {
    List<TypeName> out = new ArrayList<>();
    for (Field t : fn.throwsFields()) {
      out.add(types.javaType(t.type()));
    }
    return out;
  }

  private TypeSpec handlerInterface(Definition.Service s, List<Method> own) {
    TypeSpec.Builder t = TypeSpec.interfaceBuilder(interfaceName(s)).addModifiers(Modifier.PUBLIC);
    t.addJavadoc(s.doc() != null ? s.doc() + "\n\n" : "");
    boolean streaming = types.schema().ancestry(s).stream().flatMap(x -> methods(x).stream()).anyMatch(Method::streaming);
    t.addJavadoc("<p>Implement it to serve {@code $L}: {@code $" + (sides.server() ? "T" : "L") + ".newServer(handler).run()}. Each call runs on its own\n"
        + "virtual thread; {@link io.weft.api.CallContext#current()} gives its deadline and metadata.$L\n", s.name(),
        sides.server() ? ClassName.get(servicePackage(s), s.name() + "Server") : s.name() + "Server",
        streaming ? " Streaming methods travel over gRPC with Thrift payloads, as Kitex's." : !sides.client() ? "" : " The client, {@code "
            + s.name() + "Client}, implements it too.");
    if (s.extendsName() != null) {
      Definition.Service base = types.schema().ancestry(s).get(types.schema().ancestry(s).size() - 2);
      t.addSuperinterface(interfaceName(base));
    }
    for (Method m : own) {
      MethodSpec.Builder b = MethodSpec.methodBuilder(m.javaName()).addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT);
      if (m.streaming()) {
        TypeName req = streamRequest(m);
        TypeName resp = types.javaType(m.fn().returnType(), true);
        switch (m.mode()) {
          case "server" -> b.addParameter(req, Names.member(m.fn().params().get(0).name()))
              .addParameter(ParameterizedTypeName.get(Names.SERVER_STREAMING_SERVER, resp), "stream");
          case "client" -> b.addParameter(ParameterizedTypeName.get(Names.CLIENT_STREAMING_SERVER, req, resp), "stream");
          default -> b.addParameter(ParameterizedTypeName.get(Names.BIDI_STREAMING_SERVER, req, resp), "stream");
        }
        b.addException(Exception.class);
      } else {
        b.returns(returnType(m.fn())).addParameters(params(m.fn())).addExceptions(exceptions(m.fn()));
      }
      if (m.fn().doc() != null) {
        b.addJavadoc("$L\n", m.fn().doc());
      }
      if (m.oneway()) {
        b.addJavadoc("<p>Oneway: the caller does not wait for this to run.\n");
      }
      t.addMethod(b.build());
    }
    return t.build();
  }

  private TypeSpec descriptor(Definition.Service s, List<Method> own, List<Method> all) {
    ClassName self = descriptorName(s);
    String file = types.schema().fileOf(s).path();
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("The methods of {@code $L} as the runtime sees them, and the structs that carry their arguments and results.\n", s.name())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    t.addField(FieldSpec.builder(String.class, "SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The service's name as the IDL writes it.\n").initializer("$S", s.name()).build());
    t.addField(FieldSpec.builder(String.class, "FULL_SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The name in gRPC paths, as Kitex forms it: the Go package, a dot, the service.\n")
        .initializer("$S", fullServiceName(s)).build());
    for (Method m : all) {
      if (m.streaming()) {
        TypeName req = streamRequest(m);
        TypeName resp = types.javaType(m.fn().returnType(), true);
        CodeBlock init = CodeBlock.builder()
            .add("$T.<$T, $T>builder()", Names.METHOD_DESCRIPTOR, req, resp)
            .add(".serviceName(SERVICE_NAME).fullServiceName(FULL_SERVICE_NAME)")
            .add(".methodName($S)", m.fn().name())
            .add(".kind($T.$L)", Names.METHOD_KIND, m.kind())
            .add(".requestCodec($T.of($T::new))", Names.THRIFT_CODEC, req)
            .add(".responseCodec($T.of($T::new))", Names.THRIFT_CODEC, resp)
            .add(".build()")
            .build();
        t.addField(FieldSpec.builder(ParameterizedTypeName.get(Names.METHOD_DESCRIPTOR, req, resp), m.constant(),
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL).initializer(init).build());
        continue;
      }
      TypeName resp = m.oneway() ? ClassName.get(Void.class) : m.result();
      CodeBlock.Builder init = CodeBlock.builder()
          .add("$T.<$T, $T>builder()", Names.METHOD_DESCRIPTOR, m.args(), resp)
          .add(".serviceName(SERVICE_NAME).fullServiceName(FULL_SERVICE_NAME)")
          .add(".methodName($S)", m.fn().name())
          .add(".kind($T.$L)", Names.METHOD_KIND, m.oneway() ? "ONEWAY" : "UNARY")
          .add(".requestCodec($T.of($T::new))", Names.THRIFT_CODEC, m.args());
      if (!m.oneway()) {
        init.add(".responseCodec($T.of($T::new))", Names.THRIFT_CODEC, m.result());
      }
      if (m.mode().equals("unary")) {
        init.add(".grpcOnly(true)");
      }
      init.add(".build()");
      t.addField(FieldSpec.builder(ParameterizedTypeName.get(Names.METHOD_DESCRIPTOR, m.args(), resp), m.constant(),
          Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL).initializer(init.build()).build());
    }
    for (Method m : own) {
      if (m.streaming()) {
        continue;
      }
      t.addType(structs.emit(m.argsStruct(), m.args(), file, true));
      if (!m.oneway()) {
        t.addType(structs.emit(m.resultStruct(), m.result(), file, true));
      }
    }
    return t.build();
  }

  private TypeSpec client(Definition.Service s, List<Method> all) {
    ClassName self = ClassName.get(servicePackage(s), s.name() + "Client");
    boolean closeClash = all.stream().anyMatch(m -> m.javaName().equals("close") || m.javaName().equals("client"));
    boolean streaming = all.stream().anyMatch(Method::streaming);
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL);
    if (!streaming) {
      t.addSuperinterface(interfaceName(s));
    }
    t
        .addJavadoc("A blocking client of {@code $L}: {@code $T.newClient(\"dest\", $T.withHostPorts(\"host:8888\"))}.\n"
            + "Each method blocks until the reply (oneway: until the request is written); failures are\n"
            + "{@link io.weft.api.RpcException}s, declared exceptions arrive as themselves. Thread-safe; share one.\n"
            + "<p>No call has a time limit unless one is set, as in Kitex and grpc-java: {@code $T.withRPCTimeout}\n"
            + "for every call, or a method's {@code CallOptions} overload with {@code CallOptions.timeout} for one.\n",
            s.name(), self, ClassName.get("io.weft.api", "ClientOptions"), ClassName.get("io.weft.api", "ClientOptions"));
    if (!closeClash) {
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
        .addJavadoc("A stub over an existing client.\n")
        .addParameter(Names.CLIENT, "client").addStatement("return new $T(client)", self).build());
    if (!closeClash) {
      t.addMethod(MethodSpec.methodBuilder("client").addModifiers(Modifier.PUBLIC).returns(Names.CLIENT)
          .addJavadoc("The underlying client.\n").addStatement("return client").build());
      t.addMethod(MethodSpec.methodBuilder("close").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .addJavadoc("Closes the connections.\n").addStatement("client.close()").build());
    }
    for (Method m : all) {
      if (m.streaming()) {
        streamingClientMethods(t, s, m);
        continue;
      }
      List<ParameterSpec> params = params(m.fn());
      String args = String.join(", ", params.stream().map(ParameterSpec::name).toList());
      MethodSpec.Builder plain = MethodSpec.methodBuilder(m.javaName()).addModifiers(Modifier.PUBLIC)
          .returns(returnType(m.fn())).addParameters(params).addExceptions(exceptions(m.fn()));
      if (!streaming) {
        plain.addAnnotation(Override.class);
      }
      String call = m.javaName() + "(" + args + (args.isEmpty() ? "" : ", ") + "$T.DEFAULT)";
      if (m.fn().returnType() == null) {
        plain.addStatement(call, Names.CALL_OPTIONS);
      } else {
        plain.addStatement("return " + call, Names.CALL_OPTIONS);
      }
      t.addMethod(plain.build());

      MethodSpec.Builder full = MethodSpec.methodBuilder(m.javaName()).addModifiers(Modifier.PUBLIC).returns(returnType(m.fn()))
          .addParameters(params).addParameter(Names.CALL_OPTIONS, "callOptions").addExceptions(exceptions(m.fn()))
          .addJavadoc("{@link #$L} with a deadline or metadata of its own.\n", m.javaName());
      CodeBlock.Builder argsExpr = CodeBlock.builder().add("new $T()", m.args());
      for (StructEmitter.Member p : structs.members(m.argsStruct())) {
        argsExpr.add(".set$L($L)", p.accessor(), p.name());
      }
      ClassName descriptor = descriptorName(s);
      if (m.oneway()) {
        full.addStatement("client.oneway($T.$L, $L, callOptions)", descriptor, m.constant(), argsExpr.build());
      } else {
        full.addStatement("$T result = client.unary($T.$L, $L, callOptions)", m.result(), descriptor, m.constant(), argsExpr.build());
        List<StructEmitter.Member> resultMembers = structs.members(m.resultStruct());
        for (StructEmitter.Member r : resultMembers) {
          if (r.field().id() == 0) {
            full.beginControlFlow("if (result.isSet$L())", r.accessor()).addStatement("return result.get$L()", r.accessor()).endControlFlow();
          } else {
            full.beginControlFlow("if (result.isSet$L())", r.accessor()).addStatement("throw result.get$L()", r.accessor()).endControlFlow();
          }
        }
        if (m.fn().returnType() != null) {
          full.addStatement("throw $T.of($T.INTERNAL, $S).asException()", Names.STATUS, Names.STATUS_CODE, m.fn().name() + " failed: unknown result");
        }
      }
      t.addMethod(full.build());
    }
    return t.build();
  }

  /** A streaming method on the client: it opens the stream and returns it, as the proto clients do. */
  private void streamingClientMethods(TypeSpec.Builder t, Definition.Service s, Method m) {
    TypeName req = streamRequest(m);
    TypeName resp = types.javaType(m.fn().returnType(), true);
    ClassName descriptor = descriptorName(s);
    String param = Names.member(m.fn().params().get(0).name());
    MethodSpec.Builder plain = MethodSpec.methodBuilder(m.javaName()).addModifiers(Modifier.PUBLIC);
    MethodSpec.Builder full = MethodSpec.methodBuilder(m.javaName()).addModifiers(Modifier.PUBLIC)
        .addJavadoc("{@link #$L} with a deadline or metadata of its own.\n", m.javaName());
    if (m.fn().doc() != null) {
      plain.addJavadoc("$L\n", m.fn().doc());
    }
    switch (m.mode()) {
      case "server" -> {
        TypeName r = ParameterizedTypeName.get(Names.SERVER_STREAMING_CLIENT, resp);
        plain.returns(r).addParameter(req, param).addStatement("return $L($L, $T.DEFAULT)", m.javaName(), param, Names.CALL_OPTIONS);
        full.returns(r).addParameter(req, param).addParameter(Names.CALL_OPTIONS, "callOptions")
            .addStatement("return client.serverStreaming($T.$L, $L, callOptions)", descriptor, m.constant(), param);
      }
      case "client" -> {
        TypeName r = ParameterizedTypeName.get(Names.CLIENT_STREAMING_CLIENT, req, resp);
        plain.returns(r).addStatement("return $L($T.DEFAULT)", m.javaName(), Names.CALL_OPTIONS);
        full.returns(r).addParameter(Names.CALL_OPTIONS, "callOptions")
            .addStatement("return client.clientStreaming($T.$L, callOptions)", descriptor, m.constant());
      }
      default -> {
        TypeName r = ParameterizedTypeName.get(Names.BIDI_STREAMING_CLIENT, req, resp);
        plain.returns(r).addStatement("return $L($T.DEFAULT)", m.javaName(), Names.CALL_OPTIONS);
        full.returns(r).addParameter(Names.CALL_OPTIONS, "callOptions")
            .addStatement("return client.bidiStreaming($T.$L, callOptions)", descriptor, m.constant());
      }
    }
    t.addMethod(plain.build());
    t.addMethod(full.build());
  }

  private TypeSpec server(Definition.Service s, List<Method> all) {
    ClassName self = ClassName.get(servicePackage(s), s.name() + "Server");
    ClassName handler = interfaceName(s);
    ClassName descriptor = descriptorName(s);
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("Serves {@code $L}: {@code $T.newServer(handler).run()}, as Kitex's {@code NewServer(handler).Run()}.\n", s.name(), self)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    t.addMethod(MethodSpec.methodBuilder("newServer").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(Names.SERVER)
        .addJavadoc("A server of {@code handler}, not yet started: call {@code run()} (blocks) or {@code start()}.\n")
        .addParameter(handler, "handler").addParameter(ArrayTypeName.of(Names.SERVER_OPTION), "options").varargs(true)
        .addStatement("return $T.newServer(definition(handler), options)", Names.SERVER).build());
    CodeBlock.Builder def = CodeBlock.builder().add("return $T.builder($T.SERVICE_NAME, $T.FULL_SERVICE_NAME)", Names.SERVICE_DEFINITION, descriptor, descriptor);
    def.indent();
    for (Method m : all) {
      if (m.streaming()) {
        String register = switch (m.mode()) {
          case "server" -> "serverStreaming";
          case "client" -> "clientStreaming";
          default -> "bidiStreaming";
        };
        def.add("\n.$L($T.$L, handler::$L)", register, descriptor, m.constant(), m.javaName());
        continue;
      }
      List<StructEmitter.Member> params = structs.members(m.argsStruct());
      String callArgs = String.join(", ", params.stream().map(p -> "args.get" + p.accessor() + "()").toList());
      def.add("\n.unary($T.$L, args -> {\n", descriptor, m.constant());
      def.indent();
      if (m.oneway()) {
        def.addStatement("handler.$L($L)", m.javaName(), callArgs);
        def.addStatement("return null");
      } else {
        def.addStatement("$T result = new $T()", m.result(), m.result());
        List<StructEmitter.Member> resultMembers = structs.members(m.resultStruct());
        boolean throwsAny = !m.fn().throwsFields().isEmpty();
        // a handler can return null only for a result of reference type; the generated handler then
        // returns null too, which the server answers as MISSING_RESULT
        boolean nullable = resultMembers.stream().anyMatch(r -> r.field().id() == 0 && !r.primitive());
        if (throwsAny) {
          def.beginControlFlow("try");
        }
        if (m.fn().returnType() != null) {
          def.addStatement("result.setSuccess(handler.$L($L))", m.javaName(), callArgs);
        } else {
          def.addStatement("handler.$L($L)", m.javaName(), callArgs);
        }
        for (StructEmitter.Member r : resultMembers) {
          if (r.field().id() != 0) {
            def.nextControlFlow("catch ($T e)", r.type());
            def.addStatement(nullable ? "return result.set$L(e)" : "result.set$L(e)", r.accessor());
          }
        }
        if (throwsAny) {
          def.endControlFlow();
        }
        if (nullable) {
          def.add("// null when the handler returned null: the server answers with an error (Thrift MISSING_RESULT)\n");
          def.addStatement("return result.isSetSuccess() ? result : null");
        } else {
          def.addStatement("return result");
        }
      }
      def.unindent();
      def.add("})");
    }
    def.add("\n.build();\n");
    def.unindent();
    t.addMethod(MethodSpec.methodBuilder("definition").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(Names.SERVICE_DEFINITION)
        .addJavadoc("The service as a server registers it; for several services on one {@link $T}.\n", Names.SERVER)
        .addParameter(handler, "handler").addCode(def.build()).build());
    return t.build();
  }
}
