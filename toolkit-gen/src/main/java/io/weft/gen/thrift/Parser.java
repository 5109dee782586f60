package io.weft.gen.thrift;

import io.weft.gen.model.ConstValue;
import io.weft.gen.model.Definition;
import io.weft.gen.model.Field;
import io.weft.gen.model.GenException;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.TypeRef;
import io.weft.gen.thrift.Lexer.Kind;
import io.weft.gen.thrift.Lexer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses one Thrift IDL file into an {@link IdlFile}: the whole grammar of Apache Thrift's IDL
 * ({@code include}, {@code cpp_include}, {@code namespace}, {@code typedef}, {@code const}, {@code
 * enum}, {@code senum}, {@code struct}, {@code union}, {@code exception}, {@code service},
 * annotations). Names are not resolved here; the {@link Linker} does that. The first syntax error
 * ends the file with a {@link GenException} naming file, line, column and what was expected.
 */
public final class Parser {
  private static final Set<String> BASE_TYPES =
      Set.of(
          "bool", "byte", "i8", "i16", "i32", "i64", "double", "string", "binary", "uuid", "slist");

  private final List<Token> tokens;
  private final String path;
  private int i;

  private Parser(String src, String path) {
    this.tokens = new Lexer(src, path).tokens();
    this.path = path;
  }

  /** Parses {@code src}, read from {@code path}. */
  public static IdlFile parse(String src, String path) {
    return new Parser(src, path).file();
  }

  private IdlFile file() {
    Map<String, String> namespaces = new LinkedHashMap<>();
    List<String> includes = new ArrayList<>();
    List<Definition> defs = new ArrayList<>();
    while (peek().kind() != Kind.EOF) {
      Token t = next();
      switch (t.text()) {
        case "include" -> includes.add(expect(Kind.STRING, "an include path in quotes").text());
        case "cpp_include" -> expect(Kind.STRING, "a cpp_include path in quotes");
        case "namespace" -> {
          Token scope =
              peek().is("*") ? next() : expect(Kind.IDENT, "a namespace scope (java, go, *, ...)");
          Token ns = expect(Kind.IDENT, "a namespace name");
          namespaces.put(scope.text(), ns.text());
          annotations();
        }
        case "php_namespace", "xsd_namespace", "smalltalk.category", "smalltalk.prefix" -> next();
        case "typedef" -> defs.add(typedef(t));
        case "const" -> defs.add(constDef(t));
        case "enum" -> defs.add(enumDef(t));
        case "senum" -> defs.add(senum(t));
        case "struct" -> defs.add(struct(t, Definition.StructKind.STRUCT));
        case "union" -> defs.add(struct(t, Definition.StructKind.UNION));
        case "exception" -> defs.add(struct(t, Definition.StructKind.EXCEPTION));
        case "service" -> defs.add(service(t));
        default ->
            throw error(
                t, "a definition (struct, enum, service, ...) or a header (include, namespace)");
      }
      separator();
    }
    String base = baseName(path);
    return new IdlFile(path, base, namespaces, includes, defs);
  }

  private Definition typedef(Token kw) {
    TypeRef type = type();
    Token name = identifier("a typedef name");
    annotations();
    return new Definition.Typedef(name.text(), type, kw.doc(), name.location());
  }

  private Definition constDef(Token kw) {
    TypeRef type = type();
    Token name = identifier("a constant name");
    expect("=");
    ConstValue value = constValue();
    return new Definition.Const(name.text(), type, value, kw.doc(), name.location());
  }

  private Definition enumDef(Token kw) {
    Token name = identifier("an enum name");
    expect("{");
    List<Definition.EnumValue> values = new ArrayList<>();
    long nextValue = 0;
    Set<String> seen = new HashSet<>();
    while (!peek().is("}")) {
      Token v = identifier("an enum value name or '}'");
      long value = nextValue;
      if (peek().is("=")) {
        next();
        Token n = expect(Kind.INT, "an integer enum value");
        value = parseInt(n);
      }
      if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw new GenException(v.location() + ": enum value " + value + " does not fit in i32");
      }
      if (!seen.add(v.text())) {
        throw new GenException(
            v.location() + ": duplicate enum value " + v.text() + " in " + name.text());
      }
      annotations();
      separator();
      values.add(new Definition.EnumValue(v.text(), (int) value, v.doc(), v.location()));
      nextValue = value + 1;
    }
    expect("}");
    annotations();
    return new Definition.Enum(name.text(), values, kw.doc(), name.location());
  }

  private Definition senum(Token kw) {
    Token name = identifier("a senum name");
    expect("{");
    while (!peek().is("}")) {
      expect(Kind.STRING, "a senum string");
      separator();
    }
    expect("}");
    annotations();
    return new Definition.Typedef(
        name.text(), new TypeRef.Base(TypeRef.BaseKind.STRING), kw.doc(), name.location());
  }

  private Definition struct(Token kw, Definition.StructKind kind) {
    Token name = identifier("a " + kind.name().toLowerCase(Locale.ROOT) + " name");
    if (peek().is("xsd_all")) {
      next();
    }
    expect("{");
    List<Field> fields = fields("}");
    expect("}");
    Map<String, String> ann = annotations();
    return new Definition.Struct(kind, name.text(), fields, ann, kw.doc(), name.location());
  }

  private Definition service(Token kw) {
    Token name = identifier("a service name");
    String base = null;
    if (peek().is("extends")) {
      next();
      base = identifier("the name of the service this one extends").text();
    }
    expect("{");
    List<Definition.Function> functions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (!peek().is("}")) {
      Token first = peek();
      boolean oneway = false;
      if (first.is("oneway")) {
        next();
        oneway = true;
      } else if (first.is("async")) {
        next();
        oneway = true;
      }
      TypeRef returnType;
      if (peek().is("void")) {
        next();
        returnType = null;
      } else {
        returnType = type();
      }
      Token fname = identifier("a method name");
      expect("(");
      List<Field> params = fields(")");
      expect(")");
      List<Field> throwsFields = List.of();
      if (peek().is("throws")) {
        next();
        expect("(");
        throwsFields = fields(")");
        expect(")");
      }
      Map<String, String> ann = annotations();
      separator();
      if (!seen.add(fname.text())) {
        throw new GenException(
            fname.location() + ": duplicate method " + fname.text() + " in service " + name.text());
      }
      functions.add(
          new Definition.Function(
              fname.text(),
              oneway,
              returnType,
              params,
              throwsFields,
              ann,
              first.doc(),
              fname.location()));
    }
    expect("}");
    Map<String, String> ann = annotations();
    return new Definition.Service(name.text(), base, functions, ann, kw.doc(), name.location());
  }

  /** Fields up to (not including) {@code close}. */
  private List<Field> fields(String close) {
    List<Field> fields = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    int autoId = -1;
    while (!peek().is(close)) {
      Token first = peek();
      int id;
      if (first.kind() == Kind.INT) {
        next();
        long v = parseInt(first);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
          throw new GenException(first.location() + ": field id " + v + " does not fit in i16");
        }
        id = (int) v;
        expect(":");
      } else {
        id = autoId--;
      }
      Field.Requiredness req = Field.Requiredness.DEFAULT;
      if (peek().is("required")) {
        next();
        req = Field.Requiredness.REQUIRED;
      } else if (peek().is("optional")) {
        next();
        req = Field.Requiredness.OPTIONAL;
      }
      TypeRef type = type();
      Token name = identifier("a field name");
      ConstValue def = null;
      if (peek().is("=")) {
        next();
        def = constValue();
      }
      Map<String, String> ann = annotations();
      separator();
      if (!ids.add(id)) {
        throw new GenException(
            first.location() + ": duplicate field id " + id + " (" + name.text() + ")");
      }
      if (!names.add(name.text())) {
        throw new GenException(name.location() + ": duplicate field name " + name.text());
      }
      fields.add(new Field(id, name.text(), req, type, def, ann, first.doc(), name.location()));
    }
    return List.copyOf(fields);
  }

  private TypeRef type() {
    Token t = peek();
    if (t.kind() != Kind.IDENT) {
      throw error(t, "a type");
    }
    next();
    TypeRef type;
    switch (t.text()) {
      case "map" -> {
        cppType();
        expect("<");
        TypeRef k = type();
        expect(",");
        TypeRef v = type();
        expect(">");
        type = new TypeRef.MapOf(k, v);
      }
      case "set" -> {
        cppType();
        expect("<");
        TypeRef e = type();
        expect(">");
        type = new TypeRef.SetOf(e);
      }
      case "list" -> {
        expect("<");
        TypeRef e = type();
        expect(">");
        cppType();
        type = new TypeRef.ListOf(e);
      }
      default -> {
        if (BASE_TYPES.contains(t.text())) {
          type =
              new TypeRef.Base(
                  switch (t.text()) {
                    case "bool" -> TypeRef.BaseKind.BOOL;
                    case "byte", "i8" -> TypeRef.BaseKind.BYTE;
                    case "i16" -> TypeRef.BaseKind.I16;
                    case "i32" -> TypeRef.BaseKind.I32;
                    case "i64" -> TypeRef.BaseKind.I64;
                    case "double" -> TypeRef.BaseKind.DOUBLE;
                    case "binary" -> TypeRef.BaseKind.BINARY;
                    case "uuid" -> TypeRef.BaseKind.UUID;
                    default -> TypeRef.BaseKind.STRING;
                  });
        } else if (isReserved(t.text())) {
          throw error(t, "a type");
        } else {
          type = new TypeRef.Named(t.text(), t.location(), path);
        }
      }
    }
    annotations();
    return type;
  }

  private void cppType() {
    if (peek().is("cpp_type")) {
      next();
      expect(Kind.STRING, "a cpp_type in quotes");
    }
  }

  private ConstValue constValue() {
    Token t = next();
    switch (t.kind()) {
      case INT -> {
        return new ConstValue.IntValue(parseInt(t), t.location());
      }
      case DOUBLE -> {
        try {
          return new ConstValue.DoubleValue(Double.parseDouble(t.text()), t.location());
        } catch (NumberFormatException e) {
          throw new GenException(t.location() + ": bad number " + t.text());
        }
      }
      case STRING -> {
        return new ConstValue.StringValue(t.text(), t.location());
      }
      case IDENT -> {
        return new ConstValue.Identifier(t.text(), t.location());
      }
      default -> {
        if (t.is("[")) {
          List<ConstValue> elems = new ArrayList<>();
          while (!peek().is("]")) {
            elems.add(constValue());
            separator();
          }
          expect("]");
          return new ConstValue.ListValue(List.copyOf(elems), t.location());
        }
        if (t.is("{")) {
          List<ConstValue.Entry> entries = new ArrayList<>();
          while (!peek().is("}")) {
            ConstValue k = constValue();
            expect(":");
            ConstValue v = constValue();
            separator();
            entries.add(new ConstValue.Entry(k, v));
          }
          expect("}");
          return new ConstValue.MapValue(List.copyOf(entries), t.location());
        }
        throw error(t, "a constant value");
      }
    }
  }

  /** Parenthesised annotations, if any: {@code (a = "x", b)}. */
  private Map<String, String> annotations() {
    if (!peek().is("(")) {
      return Map.of();
    }
    next();
    Map<String, String> out = new LinkedHashMap<>();
    while (!peek().is(")")) {
      Token key = identifier("an annotation name");
      String value = "1";
      if (peek().is("=")) {
        next();
        value = expect(Kind.STRING, "an annotation value in quotes").text();
      }
      out.put(key.text(), value);
      separator();
    }
    expect(")");
    return out;
  }

  private void separator() {
    if (peek().is(",") || peek().is(";")) {
      next();
    }
  }

  private Token identifier(String what) {
    Token t = expect(Kind.IDENT, what);
    if (isReserved(t.text())) {
      throw error(t, what + " (" + t.text() + " is a Thrift keyword)");
    }
    return t;
  }

  private static boolean isReserved(String s) {
    return switch (s) {
      case "struct",
          "union",
          "exception",
          "service",
          "enum",
          "senum",
          "typedef",
          "const",
          "include",
          "namespace",
          "oneway",
          "void",
          "throws",
          "extends",
          "required",
          "optional",
          "map",
          "list",
          "set" ->
          true;
      default -> false;
    };
  }

  private Token expect(String punct) {
    Token t = next();
    if (!t.is(punct)) {
      throw error(t, "'" + punct + "'");
    }
    return t;
  }

  private Token expect(Kind kind, String what) {
    Token t = next();
    if (t.kind() != kind) {
      throw error(t, what);
    }
    return t;
  }

  private Token peek() {
    return tokens.get(i);
  }

  private Token next() {
    Token t = tokens.get(i);
    if (t.kind() != Kind.EOF) {
      i++;
    }
    return t;
  }

  private static GenException error(Token t, String expected) {
    return new GenException(t.location() + ": expected " + expected + " but found " + t);
  }

  private static long parseInt(Token t) {
    String s = t.text();
    boolean neg = s.startsWith("-");
    if (neg || s.startsWith("+")) {
      s = s.substring(1);
    }
    try {
      long v =
          s.startsWith("0x") || s.startsWith("0X")
              ? Long.parseUnsignedLong(s.substring(2), 16)
              : Long.parseLong(s);
      return neg ? -v : v;
    } catch (NumberFormatException e) {
      throw new GenException(t.location() + ": integer out of range: " + t.text());
    }
  }

  static String baseName(String path) {
    String name = path.replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
