package io.weft.generic;

import java.util.Objects;

/**
 * A declared exception of a generic call, as JSON: what a Thrift method's {@code throws} names. A
 * {@link GenericClient} throws it when the server replied with one; a {@link GenericHandler} throws
 * it to reply with one.
 */
public final class GenericException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String typeName;
  private final String json;

  /**
   * @param typeName the exception's name as the IDL writes it, e.g. {@code EchoError}; on a server
   *     the {@code throws} field's name (e.g. {@code err}) is accepted too
   * @param json its fields as a JSON object
   */
  public GenericException(String typeName, String json) {
    super(typeName + " " + json);
    this.typeName = Objects.requireNonNull(typeName, "typeName");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** The exception's IDL name, e.g. {@code EchoError}. */
  public String typeName() {
    return typeName;
  }

  /** Its fields as a JSON object, e.g. {@code {"code":418,"message":"teapot"}}. */
  public String json() {
    return json;
  }
}
