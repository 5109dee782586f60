package io.weft.gen.model;

import java.util.List;
import java.util.Map;

/**
 * One parsed IDL file.
 *
 * @param path the path it was read from
 * @param baseName the file name without directory and extension (the include prefix: {@code other}
 *     for {@code other.thrift})
 * @param namespaces scope to namespace, e.g. {@code java -> interop.thrift}
 * @param includes the included paths as written
 * @param definitions in file order
 */
public record IdlFile(
    String path,
    String baseName,
    Map<String, String> namespaces,
    List<String> includes,
    List<Definition> definitions) {}
