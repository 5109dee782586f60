package io.weft.internal.wire.thrift;

import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.io.OutputStream;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;

/**
 * Thrift's {@link TApplicationException} (the body of an EXCEPTION message) in Weft's terms: its
 * types map to {@link StatusCode}s and back, and it encodes and decodes like any struct.
 *
 * <p>Type to code: UNKNOWN_METHOD and UNSUPPORTED_CLIENT_TYPE become {@code UNIMPLEMENTED}; UNKNOWN
 * becomes {@code UNKNOWN}; PROTOCOL_ERROR becomes {@code INVALID_ARGUMENT}; every other type
 * becomes {@code INTERNAL}. Code to type: {@code UNIMPLEMENTED} becomes UNKNOWN_METHOD, {@code
 * UNKNOWN} UNKNOWN, {@code INVALID_ARGUMENT} PROTOCOL_ERROR, everything else INTERNAL_ERROR. A code
 * that has no type of its own (e.g. {@code NOT_FOUND}) travels in the message as a {@code
 * "[NOT_FOUND] "} prefix, which Weft clients read back, so Weft-to-Weft calls keep their codes.
 */
public final class ApplicationErrors {
  private ApplicationErrors() {}

  /** The status a received {@code TApplicationException} stands for. */
  public static Status toStatus(TApplicationException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    StatusCode tagged = taggedCode(message);
    if (tagged != null) {
      return Status.of(tagged, message.substring(tagged.name().length() + 3));
    }
    StatusCode code =
        switch (e.getType()) {
          case TApplicationException.UNKNOWN_METHOD,
              TApplicationException.UNSUPPORTED_CLIENT_TYPE ->
              StatusCode.UNIMPLEMENTED;
          case TApplicationException.UNKNOWN -> StatusCode.UNKNOWN;
          case TApplicationException.PROTOCOL_ERROR -> StatusCode.INVALID_ARGUMENT;
          default -> StatusCode.INTERNAL;
        };
    return Status.of(code, message);
  }

  /** The {@code TApplicationException} to send for {@code status}. */
  public static TApplicationException fromStatus(Status status) {
    String description = status.description().orElse("");
    int type =
        switch (status.code()) {
          case UNIMPLEMENTED -> TApplicationException.UNKNOWN_METHOD;
          case UNKNOWN -> TApplicationException.UNKNOWN;
          case INVALID_ARGUMENT -> TApplicationException.PROTOCOL_ERROR;
          default -> TApplicationException.INTERNAL_ERROR;
        };
    boolean native_ =
        switch (status.code()) {
          case UNIMPLEMENTED, UNKNOWN, INVALID_ARGUMENT, INTERNAL -> true;
          default -> false;
        };
    String message = native_ ? description : "[" + status.code().name() + "] " + description;
    return new TApplicationException(type, message);
  }

  /** Appends the Thrift Binary encoding of {@code e}. */
  public static void encode(TApplicationException e, OutputStream out) throws TException {
    e.write(new TBinaryProtocol(new OutputTransport(out)));
  }

  /** Decodes a {@code TApplicationException} body. */
  public static TApplicationException decode(byte[] data, int offset, int length)
      throws TException {
    return TApplicationException.readFrom(ThriftProtocols.reader(data, offset, length));
  }

  private static StatusCode taggedCode(String message) {
    if (message.length() < 4 || message.charAt(0) != '[') {
      return null;
    }
    int close = message.indexOf("] ");
    if (close < 0) {
      return null;
    }
    try {
      return StatusCode.valueOf(message.substring(1, close));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
