package io.weft.server.internal;

import io.weft.api.CallContext;
import io.weft.api.Deadline;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.Transport;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The {@link CallContext} of one call a server serves. Built by the transport, read by the
 * handler's thread(s).
 */
final class ServerCallContext implements CallContext {
  private final String service;
  private final String method;
  private final Deadline deadline;
  private final Metadata requestMetadata;
  private final String callerService;
  private final String peer;
  private final Transport transport;
  private final BooleanSupplier transportCancelled;

  /**
   * Reads the metainfo from the request when first asked for: most handlers never ask, and a
   * request's transient headers (trace context among them) then cost no parsing.
   */
  private final Supplier<MetaInfo> metaInfoSource;

  private volatile MetaInfo metaInfo;
  // made when first asked for: most calls set none, and an idle stream should cost little
  private volatile Metadata responseMetadata;
  private volatile Metadata responseTrailers;
  private volatile String responseCompression = "identity";
  private volatile boolean cancelled;

  ServerCallContext(
      String service,
      String method,
      Deadline deadline,
      Metadata requestMetadata,
      String callerService,
      String peer,
      Transport transport,
      BooleanSupplier transportCancelled,
      Supplier<MetaInfo> metaInfo) {
    this.service = service;
    this.method = method;
    this.deadline = deadline;
    this.requestMetadata = requestMetadata;
    this.callerService = callerService;
    this.peer = peer;
    this.transport = transport;
    this.transportCancelled = transportCancelled;
    this.metaInfoSource = metaInfo;
  }

  @Override
  public MetaInfo metaInfo() {
    MetaInfo m = metaInfo;
    if (m == null) { // two threads racing here read equal values, and either serves
      m = metaInfoSource.get();
      metaInfo = m;
    }
    return m;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public Metadata requestMetadata() {
    return requestMetadata;
  }

  @Override
  public String callerService() {
    return callerService;
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public Metadata responseMetadata() {
    Metadata m = responseMetadata;
    if (m == null) {
      m = new Metadata();
      responseMetadata = m;
    }
    return m;
  }

  @Override
  public Metadata responseTrailers() {
    Metadata m = responseTrailers;
    if (m == null) {
      m = new Metadata();
      responseTrailers = m;
    }
    return m;
  }

  /** The response metadata the handler set, or null if it never asked for it. */
  Metadata responseMetadataIfAny() {
    return responseMetadata;
  }

  /** The response trailers the handler set, or null if it never asked for them. */
  Metadata responseTrailersIfAny() {
    return responseTrailers;
  }

  @Override
  public void setResponseCompression(String encoding) {
    this.responseCompression = encoding;
  }

  String responseCompression() {
    return responseCompression;
  }

  @Override
  public boolean isCancelled() {
    return cancelled
        || transportCancelled.getAsBoolean()
        || (deadline != null && deadline.isExpired());
  }

  void cancel() {
    cancelled = true;
  }

  @Override
  public String toString() {
    return "CallContext{" + service + "/" + method + " from " + peer + "}";
  }
}
