package io.weft.gen.service;

import com.palantir.javapoet.ClassName;
import java.util.List;

/**
 * One service as generated code sees it, whatever IDL it came from: what {@link ServiceEmitter}
 * turns into the handler interface, the descriptor, the client and the server.
 *
 * @param name the service's name as the IDL writes it
 * @param fullName the name in gRPC paths
 * @param doc its documentation, or null
 * @param handler the handler interface users implement
 * @param baseHandler the interface {@code handler} extends (Thrift {@code extends}), or null
 * @param servicePackage the package of the descriptor, client and server
 * @param own the methods the service declares
 * @param all the methods it serves: those of its base services first, then its own
 * @param clientImplementsHandler whether the client class implements the handler interface
 * @param notes the IDL-specific sentences of the generated documentation
 * @param source the IDL file (and line) named in each generated file's header
 */
public record ServiceModel(
    String name,
    String fullName,
    String doc,
    ClassName handler,
    ClassName baseHandler,
    String servicePackage,
    List<MethodModel> own,
    List<MethodModel> all,
    boolean clientImplementsHandler,
    Notes notes,
    String source) {

  public ServiceModel {
    own = List.copyOf(own);
    all = List.copyOf(all);
  }

  /**
   * The documentation that differs between IDLs.
   *
   * @param handler a sentence appended to the handler interface's documentation
   * @param descriptor the descriptor class's documentation
   * @param fullServiceName the documentation of {@code FULL_SERVICE_NAME}
   * @param client sentences on how the client calls (transport, errors)
   */
  public record Notes(String handler, String descriptor, String fullServiceName, String client) {}

  public ClassName descriptor() {
    return ClassName.get(servicePackage, name + "Descriptor");
  }

  public ClassName client() {
    return ClassName.get(servicePackage, name + "Client");
  }

  public ClassName server() {
    return ClassName.get(servicePackage, name + "Server");
  }

  public boolean streaming() {
    return all.stream().anyMatch(m -> m.kind().streaming());
  }
}
