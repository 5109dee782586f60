package io.weft.cli;

import io.weft.gen.model.ConstValue;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Field;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.Schema;
import io.weft.gen.model.TypeRef;
import io.weft.gen.thrift.Linker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A linked Thrift IDL as {@code weft list} and {@code weft describe} show it, and the lookups
 * {@code weft call} needs: the services of the files named on the command line, their methods (base
 * services' included) and the types they use, written back in IDL syntax.
 */
final class IdlView {
  private final Schema schema;
  private final Map<String, Definition.Service> services = new LinkedHashMap<>();

  IdlView(Schema schema) {
    this.schema = schema;
    for (IdlFile f : schema.roots()) {
      for (Definition d : f.definitions()) {
        if (d instanceof Definition.Service s) {
          services.putIfAbsent(s.name(), s);
        }
      }
    }
  }

  /** The services of the IDL files named on the command line, in file order. */
  Map<String, Definition.Service> services() {
    return services;
  }

  /** The service {@code name}, or a usage error that lists the services there are. */
  Definition.Service service(String name) {
    Definition.Service s = services.get(name);
    if (s == null) {
      throw new Weft.UsageException(
          "no service "
              + name
              + " in the IDL (services: "
              + String.join(", ", services.keySet())
              + ")");
    }
    return s;
  }

  /** The methods of {@code s} by name, base services' first. */
  Map<String, Definition.Function> methods(Definition.Service s) {
    Map<String, Definition.Function> fns = new LinkedHashMap<>();
    for (Definition.Service a : schema.ancestry(s)) {
      for (Definition.Function fn : a.functions()) {
        fns.put(fn.name(), fn);
      }
    }
    return fns;
  }

  /** The method {@code name} of {@code s}, or a usage error that lists the methods there are. */
  Definition.Function method(Definition.Service s, String name) {
    Map<String, Definition.Function> fns = methods(s);
    Definition.Function fn = fns.get(name);
    if (fn == null) {
      throw new Weft.UsageException(
          "service "
              + s.name()
              + " has no method "
              + name
              + " (methods: "
              + String.join(", ", fns.keySet())
              + ")");
    }
    return fn;
  }

  /**
   * How {@code fn} travels, if not as a plain call: {@code bidirectional streaming}, {@code client
   * streaming}, {@code server streaming} or {@code gRPC only}; null for a plain call.
   */
  static String mode(Definition.Function fn) {
    String mode = fn.annotations().get("streaming.mode");
    if (Linker.grpcOnly(fn)) {
      return "gRPC only";
    }
    return mode == null ? null : mode + " streaming";
  }

  /** {@code weft list}: each service, then its methods, one a line. */
  String list() {
    StringBuilder b = new StringBuilder();
    for (Definition.Service s : services.values()) {
      b.append(s.name()).append('\n');
      for (Definition.Function fn : methods(s).values()) {
        b.append("  ").append(fn.name());
        if (fn.oneway()) {
          b.append(" (oneway)");
        } else if (mode(fn) != null) {
          b.append(" (").append(mode(fn)).append(')');
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  /**
   * {@code weft describe}: a service ({@code EchoService}: its signatures), a method ({@code
   * EchoService.Echo}: its signature and every type it uses), or a type ({@code Request}: its
   * definition and every type it uses).
   */
  String describe(String symbol) {
    Definition.Service s = services.get(symbol);
    if (s != null) {
      return describeService(s);
    }
    int dot = symbol.lastIndexOf('.');
    if (dot > 0 && services.containsKey(symbol.substring(0, dot))) {
      Definition.Function fn =
          method(services.get(symbol.substring(0, dot)), symbol.substring(dot + 1));
      List<TypeRef> used = new ArrayList<>();
      if (fn.returnType() != null) {
        used.add(fn.returnType());
      }
      fn.params().forEach(f -> used.add(f.type()));
      fn.throwsFields().forEach(f -> used.add(f.type()));
      return doc(fn.doc(), "") + signature(fn) + "\n" + types(used);
    }
    Definition d = type(symbol);
    if (d == null) {
      throw new Weft.UsageException(
          "no service, method or type "
              + symbol
              + " in the IDL (services: "
              + String.join(", ", services.keySet())
              + ")");
    }
    Set<Definition> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    StringBuilder b = new StringBuilder();
    addDefinition(d, seen, b);
    return b.toString();
  }

  private Definition type(String name) {
    for (IdlFile f : schema.roots()) {
      Definition d = schema.lookup(f.path(), name);
      if (d != null && !(d instanceof Definition.Service) && !(d instanceof Definition.Const)) {
        return d;
      }
    }
    return null;
  }

  private String describeService(Definition.Service s) {
    StringBuilder b = new StringBuilder(doc(s.doc(), ""));
    b.append("service ").append(s.name());
    if (s.extendsName() != null) {
      b.append(" extends ").append(s.extendsName());
    }
    b.append(" {\n");
    for (Definition.Function fn : methods(s).values()) {
      b.append(doc(fn.doc(), "  ")).append("  ").append(signature(fn)).append('\n');
    }
    return b.append("}\n").toString();
  }

  /**
   * A method as the IDL declares it: {@code Response Fail(1: i32 code) throws (1: EchoError err)}.
   */
  static String signature(Definition.Function fn) {
    StringBuilder b = new StringBuilder();
    if (fn.oneway()) {
      b.append("oneway ");
    }
    b.append(fn.returnType() == null ? "void" : fn.returnType().toString())
        .append(' ')
        .append(fn.name())
        .append('(')
        .append(fn.params().stream().map(IdlView::param).collect(Collectors.joining(", ")))
        .append(')');
    if (!fn.throwsFields().isEmpty()) {
      b.append(" throws (")
          .append(fn.throwsFields().stream().map(IdlView::param).collect(Collectors.joining(", ")))
          .append(')');
    }
    String mode = fn.annotations().get("streaming.mode");
    if (mode != null) {
      b.append(" (streaming.mode=\"").append(mode).append("\")");
    }
    return b.toString();
  }

  private static String param(Field f) {
    return field(f);
  }

  /** {@code 1: optional string note = "x"}. */
  private static String field(Field f) {
    StringBuilder b = new StringBuilder();
    if (f.id() >= 0) {
      b.append(f.id()).append(": ");
    }
    switch (f.requiredness()) {
      case REQUIRED -> b.append("required ");
      case OPTIONAL -> b.append("optional ");
      case DEFAULT -> {}
    }
    b.append(f.type()).append(' ').append(f.name());
    if (f.defaultValue() != null) {
      b.append(" = ").append(constant(f.defaultValue()));
    }
    return b.toString();
  }

  private static String constant(ConstValue v) {
    return switch (v) {
      case ConstValue.IntValue i -> Long.toString(i.value());
      case ConstValue.DoubleValue d -> Double.toString(d.value());
      case ConstValue.StringValue s -> '"' + s.value() + '"';
      case ConstValue.Identifier id -> id.name();
      case ConstValue.ListValue l ->
          l.elements().stream().map(IdlView::constant).collect(Collectors.joining(", ", "[", "]"));
      case ConstValue.MapValue m ->
          m.entries().stream()
              .map(e -> constant(e.key()) + ": " + constant(e.value()))
              .collect(Collectors.joining(", ", "{", "}"));
    };
  }

  /** The definitions of the named types {@code refs} use, each once, in order of first use. */
  private String types(List<TypeRef> refs) {
    Set<Definition> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    StringBuilder b = new StringBuilder();
    for (TypeRef t : refs) {
      addTypes(t, seen, b);
    }
    return b.toString();
  }

  private void addTypes(TypeRef t, Set<Definition> seen, StringBuilder b) {
    switch (t) {
      case TypeRef.Base base -> {}
      case TypeRef.ListOf l -> addTypes(l.element(), seen, b);
      case TypeRef.SetOf s -> addTypes(s.element(), seen, b);
      case TypeRef.MapOf m -> {
        addTypes(m.key(), seen, b);
        addTypes(m.value(), seen, b);
      }
      case TypeRef.Named n -> addDefinition(schema.resolve(n), seen, b);
    }
  }

  private void addDefinition(Definition d, Set<Definition> seen, StringBuilder b) {
    if (!seen.add(d)) {
      return;
    }
    b.append('\n').append(doc(d.doc(), ""));
    switch (d) {
      case Definition.Struct s -> {
        b.append(s.kind().name().toLowerCase(java.util.Locale.ROOT))
            .append(' ')
            .append(s.name())
            .append(" {\n");
        for (Field f : s.fields()) {
          b.append("  ").append(field(f)).append('\n');
        }
        b.append("}\n");
        s.fields().forEach(f -> addTypes(f.type(), seen, b));
      }
      case Definition.Enum e -> {
        b.append("enum ").append(e.name()).append(" {\n");
        for (Definition.EnumValue v : e.values()) {
          b.append("  ").append(v.name()).append(" = ").append(v.value()).append('\n');
        }
        b.append("}\n");
      }
      case Definition.Typedef td -> {
        b.append("typedef ").append(td.type()).append(' ').append(td.name()).append('\n');
        addTypes(td.type(), seen, b);
      }
      case Definition.Const c ->
          b.append("const ").append(c.type()).append(' ').append(c.name()).append('\n');
      case Definition.Service s -> b.append(describeService(s));
    }
  }

  /** A doc comment as {@code //} lines, each line indented by {@code indent}. */
  private static String doc(String doc, String indent) {
    if (doc == null || doc.isBlank()) {
      return "";
    }
    return doc.strip()
        .lines()
        .map(l -> indent + "// " + l.strip())
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
