package io.weft.gen.thrift;

import io.weft.gen.model.ConstValue;
import io.weft.gen.model.Definition;
import io.weft.gen.model.ErrorCollector;
import io.weft.gen.model.Field;
import io.weft.gen.model.GenException;
import io.weft.gen.model.IdlFile;
import io.weft.gen.model.Location;
import io.weft.gen.model.Schema;
import io.weft.gen.model.TypeRef;
import io.weft.gen.service.MethodKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads Thrift files and everything they include, then links them: every type, constant, enum value
 * and base service must resolve; names must be unique per file; {@code throws} must name
 * exceptions; defaults must fit their fields. Every problem is reported, with its position, in one
 * {@link GenException}.
 */
public final class Linker {
  private final List<Path> includeDirs;
  private final ErrorCollector errors = new ErrorCollector();
  private final Map<String, IdlFile> files = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> aliases = new HashMap<>();

  private Linker(List<Path> includeDirs) {
    this.includeDirs = includeDirs;
  }

  /**
   * Loads and links {@code roots} and their includes, searching {@code includeDirs} after each
   * file's own directory.
   */
  public static Schema link(List<Path> roots, List<Path> includeDirs) {
    return new Linker(includeDirs).run(roots);
  }

  private Schema run(List<Path> roots) {
    List<IdlFile> rootFiles = new ArrayList<>();
    ArrayDeque<Path> queue = new ArrayDeque<>();
    for (Path r : roots) {
      IdlFile f = load(r, null);
      if (f != null) {
        rootFiles.add(f);
        queue.add(r.toAbsolutePath().normalize());
      }
    }
    Set<String> visited = new HashSet<>();
    while (!queue.isEmpty()) {
      Path p = queue.poll();
      String key = key(p);
      if (!visited.add(key)) {
        continue;
      }
      IdlFile f = files.get(key);
      if (f == null) {
        continue;
      }
      Map<String, String> alias = new HashMap<>();
      for (String inc : f.includes()) {
        Path target = resolveInclude(p, inc);
        if (target == null) {
          errors.error(
              new Location(f.path(), 1, 1),
              "cannot find included file \""
                  + inc
                  + "\" (looked next to "
                  + f.path()
                  + (includeDirs.isEmpty() ? "" : " and in " + includeDirs)
                  + ")");
          continue;
        }
        IdlFile included = load(target, f);
        if (included != null) {
          alias.put(included.baseName(), key(target));
          queue.add(target);
        }
      }
      aliases.put(key, alias);
    }
    errors.throwIfAny();
    Schema schema = new Schema(files, rootFiles, aliases);
    for (IdlFile f : files.values()) {
      check(schema, f);
    }
    errors.throwIfAny();
    return schema;
  }

  private IdlFile load(Path p, IdlFile from) {
    Path abs = p.toAbsolutePath().normalize();
    String key = key(abs);
    IdlFile existing = files.get(key);
    if (existing != null) {
      return existing;
    }
    String src;
    try {
      src = Files.readString(abs, StandardCharsets.UTF_8);
    } catch (IOException e) {
      errors.error(from != null ? from.path() : key, "cannot read " + p + ": " + e.getMessage());
      return null;
    }
    try {
      IdlFile f = Parser.parse(src, key);
      files.put(key, f);
      return f;
    } catch (GenException e) {
      e.errors().forEach(errors::add);
      return null;
    }
  }

  private Path resolveInclude(Path from, String inc) {
    Path local = from.getParent() == null ? Path.of(inc) : from.getParent().resolve(inc);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath().normalize();
    }
    for (Path dir : includeDirs) {
      Path p = dir.resolve(inc);
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    return null;
  }

  private void check(Schema schema, IdlFile f) {
    Set<String> names = new HashSet<>();
    for (Definition d : f.definitions()) {
      if (!names.add(d.name())) {
        errors.error(d.location(), "duplicate definition " + d.name());
      }
      switch (d) {
        case Definition.Struct s -> {
          for (Field field : s.fields()) {
            checkField(schema, f.path(), field);
            if (s.kind() == Definition.StructKind.UNION
                && field.requiredness() == Field.Requiredness.REQUIRED) {
              errors.error(field.location(), "union field " + field.name() + " cannot be required");
            }
            if (s.kind() == Definition.StructKind.UNION && field.defaultValue() != null) {
              errors.error(
                  field.location(),
                  "union field "
                      + field.name()
                      + " cannot have a default: a union is built with the one field it holds");
            }
          }
        }
        case Definition.Typedef t -> checkType(schema, t.type());
        case Definition.Const c -> {
          checkType(schema, c.type());
          checkValue(schema, f.path(), c.type(), c.value());
        }
        case Definition.Service s -> checkService(schema, f, s);
        case Definition.Enum e -> {}
      }
    }
  }

  private void checkService(Schema schema, IdlFile f, Definition.Service s) {
    if (s.extendsName() != null) {
      Definition base = schema.lookup(f.path(), s.extendsName());
      if (!(base instanceof Definition.Service)) {
        errors.error(
            s.location(),
            "service "
                + s.name()
                + " extends "
                + s.extendsName()
                + ", which is not a known service");
      }
    }
    for (Definition.Function fn : s.functions()) {
      checkStreamingMode(schema, fn);
      if (fn.returnType() != null) {
        checkType(schema, fn.returnType());
      }
      for (Field p : fn.params()) {
        checkField(schema, f.path(), p);
      }
      if (fn.oneway()) {
        if (fn.returnType() != null) {
          errors.error(fn.location(), "oneway method " + fn.name() + " must return void");
        }
        if (!fn.throwsFields().isEmpty()) {
          errors.error(fn.location(), "oneway method " + fn.name() + " cannot throw");
        }
      }
      for (Field t : fn.throwsFields()) {
        checkType(schema, t.type());
        if (resolves(schema, t.type())
            && !(schema.unalias(t.type()) instanceof TypeRef.Named n
                && schema.resolve(n) instanceof Definition.Struct st
                && st.kind() == Definition.StructKind.EXCEPTION)) {
          errors.error(t.location(), "throws names " + t.type() + ", which is not an exception");
        }
      }
    }
  }

  /** Kitex's {@code streaming.mode} annotation, which makes a Thrift method a gRPC method. */
  static final String STREAMING_MODE = "streaming.mode";

  /** The values of {@code streaming.mode}: the only place they are spelled. */
  private enum StreamingMode {
    UNARY("unary", MethodKind.UNARY),
    CLIENT("client", MethodKind.CLIENT_STREAMING),
    SERVER("server", MethodKind.SERVER_STREAMING),
    BIDIRECTIONAL("bidirectional", MethodKind.BIDI_STREAMING);

    final String value;
    final MethodKind kind;

    StreamingMode(String value, MethodKind kind) {
      this.value = value;
      this.kind = kind;
    }

    /** The mode {@code fn} declares, null if none; throws for a value Kitex does not know. */
    static StreamingMode of(Definition.Function fn) {
      String mode = fn.annotations().get(STREAMING_MODE);
      if (mode == null) {
        return null;
      }
      for (StreamingMode m : values()) {
        if (m.value.equals(mode)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown "
              + STREAMING_MODE
              + " \""
              + mode
              + "\" on "
              + fn.name()
              + " (expected bidirectional, client, server or unary)");
    }
  }

  /**
   * How the messages of a linked method flow: oneway, unary, or the streaming kind its {@code
   * streaming.mode} annotation names.
   */
  public static MethodKind methodKind(Definition.Function fn) {
    StreamingMode mode = StreamingMode.of(fn);
    return mode != null ? mode.kind : fn.oneway() ? MethodKind.ONEWAY : MethodKind.UNARY;
  }

  /** Whether a linked unary method must travel over gRPC ({@code streaming.mode="unary"}). */
  public static boolean grpcOnly(Definition.Function fn) {
    return StreamingMode.of(fn) == StreamingMode.UNARY;
  }

  /**
   * Kitex's {@code streaming.mode} annotation: its values, and the shape a streaming method must
   * have.
   */
  private void checkStreamingMode(Schema schema, Definition.Function fn) {
    StreamingMode mode;
    try {
      mode = StreamingMode.of(fn);
    } catch (IllegalArgumentException e) {
      errors.error(fn.location(), e.getMessage());
      return;
    }
    if (mode == null || !mode.kind.streaming()) {
      return;
    }
    if (fn.params().size() != 1) {
      errors.error(
          fn.location(),
          "streaming method "
              + fn.name()
              + " must take exactly one argument (it has "
              + fn.params().size()
              + ")");
    }
    if (fn.returnType() == null) {
      errors.error(
          fn.location(), "streaming method " + fn.name() + " must return a type, not void");
    }
    if (!fn.throwsFields().isEmpty()) {
      errors.error(fn.location(), "streaming method " + fn.name() + " cannot declare exceptions");
    }
    if (fn.oneway()) {
      errors.error(fn.location(), "streaming method " + fn.name() + " cannot be oneway");
    }
    List<TypeRef> messages = new ArrayList<>();
    fn.params().forEach(p -> messages.add(p.type()));
    if (fn.returnType() != null) {
      messages.add(fn.returnType());
    }
    for (TypeRef t : messages) {
      if (resolves(schema, t)
          && !cyclic(schema, t)
          && schema.unalias(t) instanceof TypeRef.Named n
          && schema.resolve(n) instanceof Definition.Struct st
          && st.kind() == Definition.StructKind.UNION) {
        errors.error(
            fn.location(),
            "streaming method "
                + fn.name()
                + " cannot carry union "
                + st.name()
                + " as a message (a union is built only with a field set); wrap it in a struct");
      }
    }
  }

  private void checkField(Schema schema, String file, Field field) {
    checkType(schema, field.type());
    if (field.defaultValue() != null && resolves(schema, field.type())) {
      checkValue(schema, file, field.type(), field.defaultValue());
    }
  }

  /** Whether {@code t} is a typedef that leads back to itself (reported by {@link #checkType}). */
  private static boolean cyclic(Schema schema, TypeRef t) {
    try {
      schema.unalias(t);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  private boolean resolves(Schema schema, TypeRef t) {
    return switch (t) {
      case TypeRef.Named n -> schema.lookup(n.file(), n.name()) != null;
      case TypeRef.ListOf l -> resolves(schema, l.element());
      case TypeRef.SetOf s -> resolves(schema, s.element());
      case TypeRef.MapOf m -> resolves(schema, m.key()) && resolves(schema, m.value());
      case TypeRef.Base b -> true;
    };
  }

  private void checkType(Schema schema, TypeRef t) {
    switch (t) {
      case TypeRef.Named n -> {
        Definition d = schema.lookup(n.file(), n.name());
        if (d == null) {
          errors.error(n.location(), "unknown type " + n.name());
        } else if (d instanceof Definition.Service || d instanceof Definition.Const) {
          errors.error(
              n.location(),
              n.name()
                  + " is a "
                  + (d instanceof Definition.Service ? "service" : "constant")
                  + ", not a type");
        } else if (d instanceof Definition.Typedef td) {
          Set<Definition> seen = new HashSet<>();
          TypeRef cur = td.type();
          seen.add(td);
          while (cur instanceof TypeRef.Named cn
              && schema.lookup(cn.file(), cn.name()) instanceof Definition.Typedef next) {
            if (!seen.add(next)) {
              errors.error(n.location(), "typedef " + n.name() + " refers to itself");
              return;
            }
            cur = next.type();
          }
        }
      }
      case TypeRef.ListOf l -> checkType(schema, l.element());
      case TypeRef.SetOf s -> checkType(schema, s.element());
      case TypeRef.MapOf m -> {
        checkType(schema, m.key());
        checkType(schema, m.value());
      }
      case TypeRef.Base b -> {}
    }
  }

  /** Reports a constant that cannot be a value of {@code type}. */
  private void checkValue(Schema schema, String file, TypeRef type, ConstValue v) {
    if (!resolves(schema, type)) {
      return;
    }
    TypeRef t = schema.unalias(type);
    if (v instanceof ConstValue.Identifier id) {
      if (id.name().equals("true") || id.name().equals("false")) {
        if (!(t instanceof TypeRef.Base b && b.kind() == TypeRef.BaseKind.BOOL)) {
          errors.error(id.location(), id.name() + " is not a value of type " + type);
        }
        return;
      }
      if (ConstResolver.resolve(schema, file, id.name()) == null) {
        errors.error(id.location(), "unknown constant or enum value " + id.name());
      }
      return;
    }
    boolean ok =
        switch (t) {
          case TypeRef.Base b ->
              switch (b.kind()) {
                case BOOL ->
                    v instanceof ConstValue.IntValue i && (i.value() == 0 || i.value() == 1);
                case BYTE ->
                    v instanceof ConstValue.IntValue i
                        && i.value() >= Byte.MIN_VALUE
                        && i.value() <= Byte.MAX_VALUE;
                case I16 ->
                    v instanceof ConstValue.IntValue i
                        && i.value() >= Short.MIN_VALUE
                        && i.value() <= Short.MAX_VALUE;
                case I32 ->
                    v instanceof ConstValue.IntValue i
                        && i.value() >= Integer.MIN_VALUE
                        && i.value() <= Integer.MAX_VALUE;
                case I64 -> v instanceof ConstValue.IntValue;
                case DOUBLE ->
                    v instanceof ConstValue.IntValue || v instanceof ConstValue.DoubleValue;
                case STRING, BINARY, UUID -> v instanceof ConstValue.StringValue;
              };
          case TypeRef.ListOf l ->
              v instanceof ConstValue.ListValue lv
                  && checkAll(schema, file, l.element(), lv.elements());
          case TypeRef.SetOf s ->
              v instanceof ConstValue.ListValue lv
                  && checkAll(schema, file, s.element(), lv.elements());
          case TypeRef.MapOf m ->
              v instanceof ConstValue.MapValue mv
                  && checkEntries(schema, file, m.key(), m.value(), mv);
          case TypeRef.Named n -> {
            Definition d = schema.resolve(n);
            if (d instanceof Definition.Enum) {
              yield v instanceof ConstValue.IntValue;
            }
            if (d instanceof Definition.Struct st && v instanceof ConstValue.MapValue mv) {
              if (st.kind() == Definition.StructKind.UNION && mv.entries().size() != 1) {
                errors.error(
                    v.location(),
                    "a value of union "
                        + st.name()
                        + " must set exactly one field (this one sets "
                        + mv.entries().size()
                        + ")");
              }
              for (ConstValue.Entry e : mv.entries()) {
                if (!(e.key() instanceof ConstValue.StringValue key)
                    || st.fields().stream().noneMatch(f -> f.name().equals(key.value()))) {
                  errors.error(
                      e.key().location(),
                      "struct " + st.name() + " has no field " + describe(e.key()));
                } else {
                  Field f =
                      st.fields().stream()
                          .filter(x -> x.name().equals(key.value()))
                          .findFirst()
                          .orElseThrow();
                  checkValue(schema, file, f.type(), e.value());
                }
              }
              yield true;
            }
            yield false;
          }
        };
    if (!ok) {
      errors.error(v.location(), describe(v) + " is not a value of type " + type);
    }
  }

  private boolean checkAll(Schema schema, String file, TypeRef elem, List<ConstValue> values) {
    for (ConstValue e : values) {
      checkValue(schema, file, elem, e);
    }
    return true;
  }

  private boolean checkEntries(
      Schema schema, String file, TypeRef k, TypeRef v, ConstValue.MapValue mv) {
    for (ConstValue.Entry e : mv.entries()) {
      checkValue(schema, file, k, e.key());
      checkValue(schema, file, v, e.value());
    }
    return true;
  }

  private static String describe(ConstValue v) {
    return switch (v) {
      case ConstValue.IntValue i -> Long.toString(i.value());
      case ConstValue.DoubleValue d -> Double.toString(d.value());
      case ConstValue.StringValue s -> "\"" + s.value() + "\"";
      case ConstValue.Identifier id -> id.name();
      case ConstValue.ListValue l -> "a list";
      case ConstValue.MapValue m -> "a map";
    };
  }

  /**
   * Files are known by their path relative to the working directory (absolute if outside it):
   * stable, and readable in messages.
   */
  private static String key(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }
}
