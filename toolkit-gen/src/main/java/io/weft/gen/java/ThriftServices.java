package io.weft.gen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.weft.gen.Sides;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Field;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.Schema;
import io.weft.gen.service.MethodKind;
import io.weft.gen.service.MethodModel;
import io.weft.gen.service.Payloads;
import io.weft.gen.service.ServiceModel;
import io.weft.gen.thrift.Linker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thrift services as {@link ServiceModel}s, and the Thrift side of their code: a unary method's
 * parameters travel in an {@code *Args} struct, its result and declared exceptions in a {@code
 * *Result} struct, both nested in the descriptor; streaming methods carry their one argument and
 * their return type as they are, as Kitex does.
 */
final class ThriftServices implements Payloads {
  private final ThriftTypes types;
  private final StructEmitter structs;
  private final Sides sides;
  private final Map<Definition.Service, List<MethodModel>> methods = new HashMap<>();
  private final IdentityHashMap<MethodModel, Structs> carriers = new IdentityHashMap<>();

  /** The structs that carry a unary method, and the IDL file their defaults are written in. */
  private record Structs(
      ClassName args,
      ClassName result,
      Definition.Struct argsStruct,
      Definition.Struct resultStruct,
      Definition.Function fn,
      String file) {}

  ThriftServices(ThriftTypes types, StructEmitter structs, Sides sides) {
    this.types = types;
    this.structs = structs;
    this.sides = sides;
  }

  ServiceModel model(Definition.Service s, String source) {
    Schema schema = types.schema();
    List<Definition.Service> ancestry = schema.ancestry(s);
    List<MethodModel> all = new ArrayList<>();
    for (Definition.Service base : ancestry) {
      all.addAll(methods(base));
    }
    boolean streaming = all.stream().anyMatch(m -> m.kind().streaming());
    String handlerNote =
        streaming
            ? "Streaming methods travel over gRPC with Thrift payloads, as Kitex's."
            : sides.client()
                ? "The client, {@code " + s.name() + "Client}, implements it too."
                : null;
    ServiceModel.Notes notes =
        new ServiceModel.Notes(
            handlerNote,
            "The methods of {@code "
                + s.name()
                + "} as the runtime sees them, and the structs that carry their arguments"
                + " and results.",
            "The name in gRPC paths, as Kitex forms it: the Go package, a dot, the service.",
            "Each method blocks until the reply (oneway: until the request is written); failures are\n"
                + "{@link io.weft.api.RpcException}s, declared exceptions arrive as themselves.\nThread-safe; share one.");
    ClassName base = ancestry.size() > 1 ? handlerName(ancestry.get(ancestry.size() - 2)) : null;
    return new ServiceModel(
        s.name(),
        fullServiceName(s),
        s.doc(),
        handlerName(s),
        base,
        servicePackage(s),
        methods(s),
        all,
        !streaming,
        notes,
        source);
  }

  private ClassName handlerName(Definition.Service s) {
    return ClassName.get(Schema.javaPackage(types.schema().fileOf(s)), Names.type(s.name()));
  }

  private String servicePackage(Definition.Service s) {
    return Schema.javaPackage(types.schema().fileOf(s)) + "." + Names.servicePackage(s.name());
  }

  /**
   * The gRPC service name Kitex uses: the Go package (last part of {@code namespace go}, else the
   * file name) and the service.
   */
  private String fullServiceName(Definition.Service s) {
    IdlFile f = types.schema().fileOf(s);
    String go = f.namespaces().get("go");
    String pkg =
        go == null
            ? f.baseName()
            : go.substring(Math.max(go.lastIndexOf('.'), go.lastIndexOf('/')) + 1);
    return pkg.isEmpty() ? s.name() : pkg + "." + s.name();
  }

  /** The methods {@code s} declares, made once so that services extending it share them. */
  private List<MethodModel> methods(Definition.Service s) {
    List<MethodModel> known = methods.get(s);
    if (known != null) {
      return known;
    }
    ClassName descriptor = ClassName.get(servicePackage(s), s.name() + "Descriptor");
    String file = types.schema().fileOf(s).path();
    List<MethodModel> out = new ArrayList<>();
    for (Definition.Function fn : s.functions()) {
      MethodKind kind = Linker.methodKind(fn);
      String javaName = Names.member(fn.name());
      String constant = Names.upperSnake(fn.name());
      if (kind.streaming()) {
        Field param = fn.params().get(0);
        TypeName request = types.javaType(param.type(), true);
        TypeName response = types.javaType(fn.returnType(), true);
        out.add(
            new MethodModel(
                fn.name(),
                javaName,
                constant,
                kind,
                fn.doc(),
                request,
                response,
                List.of(ParameterSpec.builder(request, Names.member(param.name())).build()),
                response,
                List.of(ClassName.get(Exception.class)),
                List.of(),
                false));
        continue;
      }
      String base = Names.capitalize(javaName);
      Definition.Struct args =
          new Definition.Struct(
              Definition.StructKind.STRUCT,
              fn.name() + "_args",
              fn.params(),
              Map.of(),
              null,
              fn.location());
      Definition.Struct result =
          new Definition.Struct(
              Definition.StructKind.STRUCT,
              fn.name() + "_result",
              fn.resultFields(),
              Map.of(),
              null,
              fn.location());
      ClassName argsClass = descriptor.nestedClass(base + "Args");
      ClassName resultClass = descriptor.nestedClass(base + "Result");
      List<ParameterSpec> params = new ArrayList<>();
      for (StructEmitter.Member m : structs.members(args)) {
        params.add(ParameterSpec.builder(m.type(), m.name()).build());
      }
      List<TypeName> exceptions = new ArrayList<>();
      for (Field t : fn.throwsFields()) {
        exceptions.add(types.javaType(t.type()));
      }
      TypeName returns = fn.returnType() == null ? TypeName.VOID : types.javaType(fn.returnType());
      MethodModel m =
          new MethodModel(
              fn.name(),
              javaName,
              constant,
              kind,
              fn.doc(),
              argsClass,
              kind == MethodKind.ONEWAY ? ClassName.get(Void.class) : resultClass,
              params,
              returns,
              exceptions,
              exceptions,
              Linker.grpcOnly(fn));
      carriers.put(m, new Structs(argsClass, resultClass, args, result, fn, file));
      out.add(m);
    }
    methods.put(s, out);
    return out;
  }

  @Override
  public CodeBlock codec(TypeName type) {
    return CodeBlock.of("$T.of($T::new)", Names.THRIFT_CODEC, type);
  }

  @Override
  public List<TypeSpec> descriptorTypes(MethodModel m) {
    Structs c = carriers.get(m);
    if (c == null) {
      return List.of();
    }
    List<TypeSpec> out = new ArrayList<>();
    out.add(structs.emit(c.argsStruct(), c.args(), c.file(), true));
    if (m.kind() != MethodKind.ONEWAY) {
      out.add(structs.emit(c.resultStruct(), c.result(), c.file(), true));
    }
    return out;
  }

  @Override
  public CodeBlock clientCall(MethodModel m, ClassName descriptor) {
    Structs c = carriers.get(m);
    CodeBlock.Builder args = CodeBlock.builder().add("new $T()", c.args());
    for (StructEmitter.Member p : structs.members(c.argsStruct())) {
      args.add("$Z.set$L($L)", p.accessor(), p.name());
    }
    CodeBlock.Builder b = CodeBlock.builder();
    if (m.kind() == MethodKind.ONEWAY) {
      return b.addStatement(
              "client.oneway($T.$L,$W$L,$WcallOptions)", descriptor, m.constant(), args.build())
          .build();
    }
    b.addStatement(
        "$T result =$Wclient.unary($T.$L,$W$L,$WcallOptions)",
        c.result(),
        descriptor,
        m.constant(),
        args.build());
    for (StructEmitter.Member r : structs.members(c.resultStruct())) {
      b.beginControlFlow("if (result.isSet$L())", r.accessor())
          .addStatement(
              r.field().id() == 0 ? "return result.get$L()" : "throw result.get$L()", r.accessor())
          .endControlFlow();
    }
    if (c.fn().returnType() != null) {
      b.addStatement(
          "throw $T.of($T.INTERNAL,$W$S).asException()",
          Names.STATUS,
          Names.STATUS_CODE,
          m.idlName() + " failed: unknown result");
    }
    return b.build();
  }

  @Override
  public CodeBlock serverRegistration(MethodModel m, ClassName descriptor) {
    Structs c = carriers.get(m);
    List<StructEmitter.Member> params = structs.members(c.argsStruct());
    String callArgs =
        String.join(",$W", params.stream().map(p -> "args.get" + p.accessor() + "()").toList());
    CodeBlock.Builder def = CodeBlock.builder();
    def.add(".unary($T.$L, args -> {\n", descriptor, m.constant());
    def.indent();
    if (m.kind() == MethodKind.ONEWAY) {
      def.addStatement("handler.$L(" + callArgs + ")", m.javaName());
      def.addStatement("return null");
    } else {
      def.addStatement("$T result = new $T()", c.result(), c.result());
      List<StructEmitter.Member> resultMembers = structs.members(c.resultStruct());
      boolean throwsAny = !c.fn().throwsFields().isEmpty();
      // a handler can return null only for a result of reference type; the generated handler then
      // returns null too, which the server answers as MISSING_RESULT
      boolean nullable =
          resultMembers.stream().anyMatch(r -> r.field().id() == 0 && !r.primitive());
      if (throwsAny) {
        def.beginControlFlow("try");
      }
      if (c.fn().returnType() != null) {
        def.addStatement("result.setSuccess(handler.$L(" + callArgs + "))", m.javaName());
      } else {
        def.addStatement("handler.$L(" + callArgs + ")", m.javaName());
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
        def.add(
            "// null when the handler returned null: the server answers with an error (Thrift MISSING_RESULT)\n");
        def.addStatement("return result.isSetSuccess() ? result : null");
      } else {
        def.addStatement("return result");
      }
    }
    def.unindent();
    def.add("})");
    return def.build();
  }

  @Override
  public CodeBlock definitionExtras() {
    return CodeBlock.of("");
  }
}
