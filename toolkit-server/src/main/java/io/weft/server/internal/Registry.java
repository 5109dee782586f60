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

  /**
   * @param services the user's services; a method name two of them share is logged once (over
   *     TTHeader, a caller without an IDL service name header reaches the first)
   * @param builtIns health and reflection: their method names never shadow a user's, and sharing
   *     one with a user's service is not worth a line
   */
  Registry(List<ServiceDefinition> services, List<ServiceDefinition> builtIns) {
    java.util.Set<String> fullNames = new java.util.HashSet<>();
    for (ServiceDefinition s : services) {
      register(s, fullNames, true);
    }
    for (ServiceDefinition s : builtIns) {
      register(s, fullNames, false);
    }
  }

  private void register(ServiceDefinition s, java.util.Set<String> fullNames, boolean user) {
    if (!fullNames.add(s.fullName())) {
      throw new IllegalArgumentException("service " + s.fullName() + " is registered twice");
    }
    byName.putIfAbsent(s.name(), s);
    for (MethodDefinition<?, ?> m : s.methods()) {
      MethodDefinition<?, ?> clash = byMethod.putIfAbsent(m.descriptor().methodName(), m);
      if (clash != null && user && !m.descriptor().grpcOnly() && !clash.descriptor().grpcOnly()) {
        LOG.log(
            System.Logger.Level.INFO,
            "method "
                + m.descriptor().methodName()
                + " exists in "
                + clash.descriptor().serviceName()
                + " and "
                + s.name()
                + "; callers without an IDL service name header reach "
                + clash.descriptor().serviceName());
      }
      byPath.put(m.descriptor().path(), m);
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
