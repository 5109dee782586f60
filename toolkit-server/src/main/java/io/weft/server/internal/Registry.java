package io.weft.server.internal;

import io.weft.api.ServiceDefinition;
import io.weft.api.ServiceDefinition.MethodDefinition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The services a server serves, looked up by method name, by IDL service name plus method name
 * (TTHeader's {@code isn} header), or by gRPC path. Immutable after construction.
 */
final class Registry {
  private static final System.Logger LOG = System.getLogger(Registry.class.getName());

  private final Map<String, ServiceDefinition> byName = new LinkedHashMap<>();
  private final Map<String, MethodDefinition<?, ?>> byMethod = new HashMap<>();
  private final Map<String, MethodDefinition<?, ?>> byPath = new HashMap<>();

  Registry(List<ServiceDefinition> services) {
    java.util.Set<String> fullNames = new java.util.HashSet<>();
    for (ServiceDefinition s : services) {
      if (!fullNames.add(s.fullName())) {
        throw new IllegalArgumentException("service " + s.fullName() + " is registered twice");
      }
      byName.putIfAbsent(s.name(), s);
      for (MethodDefinition<?, ?> m : s.methods()) {
        MethodDefinition<?, ?> clash = byMethod.putIfAbsent(m.descriptor().methodName(), m);
        if (clash != null) {
          LOG.log(System.Logger.Level.INFO, "method " + m.descriptor().methodName() + " exists in " + clash.descriptor().serviceName()
              + " and " + s.name() + "; callers without an IDL service name header reach " + clash.descriptor().serviceName());
        }
        byPath.put(m.descriptor().path(), m);
      }
    }
  }

  /**
   * The method called {@code method}, in service {@code service} if that names a registered
   * service, else in whichever service registered it first. Null if none.
   */
  MethodDefinition<?, ?> lookup(String service, String method) {
    if (service != null) {
      ServiceDefinition s = byName.get(service);
      if (s != null) {
        return s.method(method);
      }
    }
    return byMethod.get(method);
  }

  /** The method at gRPC path {@code /pkg.Service/Method}, or null. */
  MethodDefinition<?, ?> lookupPath(String path) {
    return byPath.get(path);
  }

  /** Whether any registered service has full name {@code fullName}. */
  boolean hasService(String fullName) {
    for (ServiceDefinition s : byName.values()) {
      if (s.fullName().equals(fullName)) {
        return true;
      }
    }
    return false;
  }
}
