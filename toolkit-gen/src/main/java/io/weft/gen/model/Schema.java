package io.weft.gen.model;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The linked model: every loaded file (roots first, then includes), and name resolution across
 * them. Built by a loader that has already reported every unresolvable name, so lookups here
 * succeed for any name that appears in the files.
 */
public final class Schema {
  private final List<IdlFile> files;
  private final List<IdlFile> roots;
  private final Map<String, IdlFile> byPath;
  private final Map<String, Map<String, String>> includeAliases;
  private final IdentityHashMap<Definition, IdlFile> owner = new IdentityHashMap<>();

  /**
   * @param files every file, by path
   * @param roots the files named on the command line, whose code is generated
   * @param includeAliases for each file path: include prefix ({@code other}) to included file path
   */
  public Schema(
      Map<String, IdlFile> files,
      List<IdlFile> roots,
      Map<String, Map<String, String>> includeAliases) {
    this.byPath = new LinkedHashMap<>(files);
    this.files = List.copyOf(files.values());
    this.roots = List.copyOf(roots);
    this.includeAliases = includeAliases;
    for (IdlFile f : this.files) {
      for (Definition d : f.definitions()) {
        owner.put(d, f);
      }
    }
  }

  public List<IdlFile> files() {
    return files;
  }

  public List<IdlFile> roots() {
    return roots;
  }

  public IdlFile file(String path) {
    return byPath.get(path);
  }

  /** The file that declares {@code d}. */
  public IdlFile fileOf(Definition d) {
    return owner.get(d);
  }

  /**
   * The definition {@code name} ({@code X} or {@code include.X}) as seen from {@code fromFile}, or
   * null.
   */
  public Definition lookup(String fromFile, String name) {
    IdlFile from = byPath.get(fromFile);
    if (from == null) {
      return null;
    }
    Definition local = find(from, name);
    if (local != null) {
      return local;
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      String target = includeAliases.getOrDefault(fromFile, Map.of()).get(name.substring(0, dot));
      if (target != null) {
        return find(byPath.get(target), name.substring(dot + 1));
      }
    }
    return null;
  }

  private static Definition find(IdlFile f, String name) {
    for (Definition d : f.definitions()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** The definition a named type refers to. */
  public Definition resolve(TypeRef.Named ref) {
    Definition d = lookup(ref.file(), ref.name());
    if (d == null) {
      throw new IllegalStateException("unresolved " + ref + " at " + ref.location());
    }
    return d;
  }

  /**
   * {@code t} with typedefs followed until the type is a base type, a container, or a struct/enum
   * reference.
   */
  public TypeRef unalias(TypeRef t) {
    int guard = 0;
    while (t instanceof TypeRef.Named n && resolve(n) instanceof Definition.Typedef td) {
      t = td.type();
      if (++guard > 100) {
        throw new IllegalStateException("typedef cycle at " + n.location());
      }
    }
    return t;
  }

  /** The services of {@code d}'s ancestry, base first, ending with {@code d}. */
  public List<Definition.Service> ancestry(Definition.Service d) {
    List<Definition.Service> chain = new ArrayList<>();
    Definition.Service s = d;
    while (s != null) {
      chain.add(0, s);
      if (s.extendsName() == null || chain.size() > 100) {
        break;
      }
      s = (Definition.Service) lookup(fileOf(s).path(), s.extendsName());
    }
    return chain;
  }

  /**
   * The Java package of a file: {@code namespace java}, else {@code namespace *}, else the file's
   * base name.
   */
  public static String javaPackage(IdlFile f) {
    String ns = f.namespaces().get("java");
    if (ns == null) {
      ns = f.namespaces().get("*");
    }
    if (ns == null) {
      ns = f.baseName();
    }
    return ns;
  }
}
