package io.weft.gen.service;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.Sides;
import io.weft.gen.java.Docs;
import io.weft.gen.java.Names;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Emits a service of either IDL from its {@link ServiceModel}: the handler interface users
 * implement (in the IDL's package) and, in the sub-package named after the service as Kitex lays it
 * out, the descriptor, the blocking client and the server factory. What differs between IDLs comes
 * in through {@link Payloads}.
 */
public final class ServiceEmitter {
  private static final ClassName CLIENT_OPTIONS = ClassName.get(Names.API, "ClientOptions");

  private final Sides sides;

  public ServiceEmitter(Sides sides) {
    this.sides = sides;
  }

  /**
   * Every file of the service: handler, descriptor, and the client and server the sides ask for.
   */
  public List<JavaFile> emit(ServiceModel s, Payloads payloads) {
    List<JavaFile> out = new ArrayList<>();
    out.add(file(s, s.handler().packageName(), handler(s)));
    out.add(file(s, s.servicePackage(), descriptor(s, payloads)));
    if (sides.client()) {
      out.add(file(s, s.servicePackage(), client(s, payloads)));
    }
    if (sides.server()) {
      out.add(file(s, s.servicePackage(), server(s, payloads)));
    }
    return out;
  }

  private static JavaFile file(ServiceModel s, String pkg, TypeSpec type) {
    return JavaFile.builder(pkg, type)
        .addFileComment("$L\nSource: $L", Names.GENERATED, s.source())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private TypeSpec handler(ServiceModel s) {
    TypeSpec.Builder t = TypeSpec.interfaceBuilder(s.handler()).addModifiers(Modifier.PUBLIC);
    if (s.doc() != null) {
      t.addJavadoc("$L\n\n", Docs.wrap(s.doc()));
    }
    // a class this run does not generate is named, not imported
    t.addJavadoc(
        "<p>Implement it to serve {@code $L}: {@code $"
            + (sides.server() ? "T" : "L")
            + ".newServer(handler).run()}.\n"
            + "Each call runs on its own virtual thread; {@link io.weft.api.CallContext#current()} gives its\n"
            + "deadline and metadata.\n",
        s.name(),
        sides.server() ? s.server() : s.server().simpleName());
    if (s.notes().handler() != null) {
      t.addJavadoc("$L\n", Docs.wrap(s.notes().handler()));
    }
    if (s.baseHandler() != null) {
      t.addSuperinterface(s.baseHandler());
    }
    for (MethodModel m : s.own()) {
      MethodSpec.Builder b =
          MethodSpec.methodBuilder(m.javaName()).addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT);
      switch (m.kind()) {
        case UNARY, ONEWAY -> b.returns(m.returns()).addParameters(m.params());
        case SERVER_STREAMING ->
            b.addParameters(m.params())
                .addParameter(
                    ParameterizedTypeName.get(Names.SERVER_STREAMING_SERVER, m.response()),
                    "stream");
        case CLIENT_STREAMING ->
            b.addParameter(
                ParameterizedTypeName.get(Names.CLIENT_STREAMING_SERVER, m.request(), m.response()),
                "stream");
        case BIDI_STREAMING ->
            b.addParameter(
                ParameterizedTypeName.get(Names.BIDI_STREAMING_SERVER, m.request(), m.response()),
                "stream");
      }
      b.addExceptions(m.handlerExceptions());
      if (m.doc() != null) {
        b.addJavadoc("$L\n", Docs.wrap(m.doc()));
      }
      if (m.kind() == MethodKind.ONEWAY) {
        b.addJavadoc("<p>Oneway: the caller does not wait for this to run.\n");
      }
      t.addMethod(b.build());
    }
    return t.build();
  }

  private TypeSpec descriptor(ServiceModel s, Payloads payloads) {
    TypeSpec.Builder t =
        TypeSpec.classBuilder(s.descriptor())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc("$L\n", Docs.wrap(s.notes().descriptor()))
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    t.addField(
        FieldSpec.builder(
                String.class, "SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The service's name as the IDL writes it.\n")
            .initializer("$S", s.name())
            .build());
    t.addField(
        FieldSpec.builder(
                String.class, "FULL_SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("$L\n", Docs.wrap(s.notes().fullServiceName()))
            .initializer("$S", s.fullName())
            .build());
    for (MethodModel m : s.all()) {
      // the declaration, then the builder on a line of its own, then one call per line
      CodeBlock.Builder init =
          CodeBlock.builder()
              .indent()
              .indent()
              .add("\n$T.<$T, $T>builder()", Names.METHOD_DESCRIPTOR, m.request(), m.response())
              .indent()
              .indent()
              .add("\n.serviceName(SERVICE_NAME)")
              .add("\n.fullServiceName(FULL_SERVICE_NAME)")
              .add("\n.methodName($S)", m.idlName())
              .add("\n.kind($T.$L)", Names.METHOD_KIND, m.kind().name())
              .add("\n.requestCodec($L)", payloads.codec(m.request()));
      if (m.kind() != MethodKind.ONEWAY) {
        init.add("\n.responseCodec($L)", payloads.codec(m.response()));
      }
      if (m.grpcOnly()) {
        init.add("\n.grpcOnly(true)");
      }
      init.add("\n.build()").unindent().unindent().unindent().unindent();
      t.addField(
          FieldSpec.builder(
                  ParameterizedTypeName.get(Names.METHOD_DESCRIPTOR, m.request(), m.response()),
                  m.constant(),
                  Modifier.PUBLIC,
                  Modifier.STATIC,
                  Modifier.FINAL)
              .initializer(init.build())
              .build());
    }
    for (MethodModel m : s.own()) {
      payloads.descriptorTypes(m).forEach(t::addType);
    }
    return t.build();
  }

  private TypeSpec client(ServiceModel s, Payloads payloads) {
    ClassName self = s.client();
    boolean clash =
        s.all().stream()
            .anyMatch(m -> m.javaName().equals("close") || m.javaName().equals("client"));
    TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL);
    if (s.clientImplementsHandler()) {
      t.addSuperinterface(s.handler());
    }
    t.addJavadoc(
        "A blocking client of {@code $L}:\n{@code $T.newClient(\"dest\", $T.withHostPorts(\"host:8888\"))}.\n",
        s.name(),
        self,
        CLIENT_OPTIONS);
    t.addJavadoc("$L\n", Docs.wrap(s.notes().client()));
    t.addJavadoc(
        "<p>No call has a time limit unless one is set, as in Kitex and grpc-java: {@code $T.withRPCTimeout}\n"
            + "for every call, or a method's {@code CallOptions} overload with {@code CallOptions.timeout} for one.\n",
        CLIENT_OPTIONS);
    if (!clash) {
      t.addSuperinterface(AutoCloseable.class);
    }
    t.addField(FieldSpec.builder(Names.CLIENT, "client", Modifier.PRIVATE, Modifier.FINAL).build());
    t.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(Names.CLIENT, "client")
            .addStatement("this.client = client")
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("newClient")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addJavadoc(
                "A client of the service named {@code destService}, as Kitex's {@code NewClient}.\n")
            .addParameter(String.class, "destService")
            .addParameter(ArrayTypeName.of(Names.CLIENT_OPTION), "options")
            .varargs(true)
            .addStatement("return new $T($T.newClient(destService, options))", self, Names.CLIENT)
            .build());
    t.addMethod(
        MethodSpec.methodBuilder("of")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addJavadoc("A stub over an existing client.\n")
            .addParameter(Names.CLIENT, "client")
            .addStatement("return new $T(client)", self)
            .build());
    if (!clash) {
      t.addMethod(
          MethodSpec.methodBuilder("client")
              .addModifiers(Modifier.PUBLIC)
              .returns(Names.CLIENT)
              .addJavadoc("The underlying client.\n")
              .addStatement("return client")
              .build());
      t.addMethod(
          MethodSpec.methodBuilder("close")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc("Closes the connections.\n")
              .addStatement("client.close()")
              .build());
    }
    for (MethodModel m : s.all()) {
      clientMethods(t, s, m, payloads);
    }
    return t.build();
  }

  /** A client method, and its overload with {@code CallOptions}. */
  private void clientMethods(TypeSpec.Builder t, ServiceModel s, MethodModel m, Payloads payloads) {
    ClassName descriptor = s.descriptor();
    TypeName returns =
        switch (m.kind()) {
          case UNARY, ONEWAY -> m.returns();
          case SERVER_STREAMING ->
              ParameterizedTypeName.get(Names.SERVER_STREAMING_CLIENT, m.response());
          case CLIENT_STREAMING ->
              ParameterizedTypeName.get(Names.CLIENT_STREAMING_CLIENT, m.request(), m.response());
          case BIDI_STREAMING ->
              ParameterizedTypeName.get(Names.BIDI_STREAMING_CLIENT, m.request(), m.response());
        };
    List<ParameterSpec> params =
        m.kind() == MethodKind.CLIENT_STREAMING || m.kind() == MethodKind.BIDI_STREAMING
            ? List.of()
            : m.params();
    String args = String.join(", ", params.stream().map(ParameterSpec::name).toList());
    MethodSpec.Builder plain =
        MethodSpec.methodBuilder(m.javaName())
            .addModifiers(Modifier.PUBLIC)
            .returns(returns)
            .addParameters(params)
            .addExceptions(m.clientExceptions());
    if (s.clientImplementsHandler()) {
      plain.addAnnotation(Override.class);
    } else if (m.doc() != null) {
      plain.addJavadoc("$L\n", Docs.wrap(m.doc()));
    }
    String call = "$L(" + args + (args.isEmpty() ? "" : ",$W") + "$T.DEFAULT)";
    plain.addStatement(
        (returns.equals(TypeName.VOID) ? "" : "return ") + call, m.javaName(), Names.CALL_OPTIONS);
    t.addMethod(plain.build());

    MethodSpec.Builder full =
        MethodSpec.methodBuilder(m.javaName())
            .addModifiers(Modifier.PUBLIC)
            .returns(returns)
            .addParameters(params)
            .addParameter(Names.CALL_OPTIONS, "callOptions")
            .addExceptions(m.clientExceptions())
            .addJavadoc("{@link #$L} with a deadline or metadata of its own.\n", m.javaName());
    switch (m.kind()) {
      case UNARY, ONEWAY -> full.addCode(payloads.clientCall(m, descriptor));
      case SERVER_STREAMING ->
          full.addStatement(
              "return client.$L($T.$L,$W$L,$WcallOptions)",
              m.kind().call(),
              descriptor,
              m.constant(),
              params.get(0).name());
      case CLIENT_STREAMING, BIDI_STREAMING ->
          full.addStatement(
              "return client.$L($T.$L,$WcallOptions)", m.kind().call(), descriptor, m.constant());
    }
    t.addMethod(full.build());
  }

  private TypeSpec server(ServiceModel s, Payloads payloads) {
    ClassName self = s.server();
    ClassName descriptor = s.descriptor();
    TypeSpec.Builder t =
        TypeSpec.classBuilder(self)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc(
                "Serves {@code $L}: {@code $T.newServer(handler).run()},\nas Kitex's {@code NewServer(handler).Run()}.\n",
                s.name(),
                self)
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    t.addMethod(
        MethodSpec.methodBuilder("newServer")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(Names.SERVER)
            .addJavadoc(
                "A server of {@code handler}, not yet started: call {@code run()} (blocks) or {@code start()}.\n")
            .addParameter(s.handler(), "handler")
            .addParameter(ArrayTypeName.of(Names.SERVER_OPTION), "options")
            .varargs(true)
            .addStatement("return $T.newServer(definition(handler), options)", Names.SERVER)
            .build());
    CodeBlock.Builder def =
        CodeBlock.builder()
            .add(
                "return $T.builder($T.SERVICE_NAME,$W$T.FULL_SERVICE_NAME)",
                Names.SERVICE_DEFINITION,
                descriptor,
                descriptor);
    def.indent();
    for (MethodModel m : s.all()) {
      def.add("\n");
      if (m.kind().streaming()) {
        def.add(
            ".$L($T.$L,$Whandler::$L)", m.kind().call(), descriptor, m.constant(), m.javaName());
      } else {
        def.add(payloads.serverRegistration(m, descriptor));
      }
    }
    def.add(payloads.definitionExtras());
    def.add("\n.build();\n");
    def.unindent();
    t.addMethod(
        MethodSpec.methodBuilder("definition")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(Names.SERVICE_DEFINITION)
            .addJavadoc(
                "The service as a server registers it; for several services on one {@link $T}.\n",
                Names.SERVER)
            .addParameter(s.handler(), "handler")
            .addCode(def.build())
            .build());
    return t.build();
  }
}
