package io.weft.api;

/**
 * The base of every exception an IDL declares (a Thrift {@code exception} named in a method's
 * {@code throws}). Generated subclasses are checked exceptions: a handler throws them, and the
 * caller catches the same type with the same field values.
 *
 * <p>They travel as the method's declared result, not as a failure status; a framework failure is
 * an {@link RpcException} instead.
 */
public abstract class DeclaredException extends Exception {
  private static final long serialVersionUID = 1L;

  protected DeclaredException() {
    super();
  }

  protected DeclaredException(String message) {
    super(message);
  }
}
