package io.weft.examples.interop;

import interop.thrift.EchoError;
import interop.thrift.EchoService;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.weft.runtime.ThriftStruct;
import java.util.function.Supplier;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportFactory;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * Real libthrift peers for the interop EchoService: a client on {@code TSocket} (+ {@code
 * TFramedTransport}) with {@code TBinaryProtocol}, and a {@code TThreadPoolServer}. Both move
 * Weft's generated structs with libthrift's own protocol and transports, so what crosses the wire
 * is libthrift's encoding. Used by the tests and by the benchmarks (examples/bench).
 */
public final class LibthriftPeers {
  private LibthriftPeers() {}

  /** A libthrift client connection. */
  public static final class Client implements AutoCloseable {
    private final TTransport transport;
    private final TProtocol protocol;
    private int seq;

    public Client(String host, int port, boolean framed) throws TException {
      TSocket socket = new TSocket(host, port, 10_000);
      transport = framed ? new TFramedTransport(socket) : socket;
      transport.open();
      protocol = new TBinaryProtocol(transport);
    }

    /**
     * Sends a CALL and reads its REPLY into a fresh result; a TApplicationException reply is
     * thrown.
     */
    public <R extends ThriftStruct> R call(String method, ThriftStruct args, Supplier<R> result)
        throws TException {
      int id = ++seq;
      protocol.writeMessageBegin(new TMessage(method, TMessageType.CALL, id));
      args.write(protocol);
      protocol.writeMessageEnd();
      transport.flush();
      TMessage reply = protocol.readMessageBegin();
      if (reply.seqid != id) {
        throw new TApplicationException(
            TApplicationException.BAD_SEQUENCE_ID, "got seq " + reply.seqid + ", expected " + id);
      }
      if (reply.type == TMessageType.EXCEPTION) {
        TApplicationException e = TApplicationException.readFrom(protocol);
        protocol.readMessageEnd();
        throw e;
      }
      R r = result.get();
      r.read(protocol);
      protocol.readMessageEnd();
      return r;
    }

    public void oneway(String method, ThriftStruct args) throws TException {
      protocol.writeMessageBegin(new TMessage(method, TMessageType.ONEWAY, ++seq));
      args.write(protocol);
      protocol.writeMessageEnd();
      transport.flush();
    }

    @Override
    public void close() {
      transport.close();
    }
  }

  /** A libthrift {@code TThreadPoolServer} serving {@code handler} on an ephemeral port. */
  public static final class Server implements AutoCloseable {
    private final TServer server;
    private final TServerSocket socket;
    private final Thread thread;

    public Server(EchoService handler, boolean framed) throws TException {
      socket = new TServerSocket(0);
      TThreadPoolServer.Args args =
          new TThreadPoolServer.Args(socket)
              .processor(new Processor(handler))
              .protocolFactory(new TBinaryProtocol.Factory())
              .transportFactory(framed ? new TFramedTransport.Factory() : new TTransportFactory())
              .minWorkerThreads(4);
      server = new TThreadPoolServer(args);
      thread = new Thread(server::serve, "libthrift-server");
      thread.setDaemon(true);
      thread.start();
    }

    public int port() {
      return socket.getServerSocket().getLocalPort();
    }

    @Override
    public void close() throws InterruptedException {
      server.stop();
      thread.join(10_000);
    }
  }

  /** Dispatches the interop EchoService by hand, as a libthrift-generated processor would. */
  private record Processor(EchoService handler) implements TProcessor {
    @Override
    public void process(TProtocol in, TProtocol out) throws TException {
      TMessage msg = in.readMessageBegin();
      ThriftStruct result;
      try {
        result =
            switch (msg.name) {
              case "Echo" -> {
                var a = read(in, new EchoServiceDescriptor.EchoArgs());
                yield new EchoServiceDescriptor.EchoResult().setSuccess(handler.echo(a.getReq()));
              }
              case "VisitOneway" -> {
                var a = read(in, new EchoServiceDescriptor.VisitOnewayArgs());
                handler.visitOneway(a.getReq());
                yield null;
              }
              case "OnewayCount" -> {
                var a = read(in, new EchoServiceDescriptor.OnewayCountArgs());
                yield new EchoServiceDescriptor.OnewayCountResult()
                    .setSuccess(handler.onewayCount(a.getTag()));
              }
              case "RoundTrip" -> {
                var a = read(in, new EchoServiceDescriptor.RoundTripArgs());
                yield new EchoServiceDescriptor.RoundTripResult()
                    .setSuccess(handler.roundTrip(a.getV()));
              }
              case "Fail" -> {
                var a = read(in, new EchoServiceDescriptor.FailArgs());
                var r = new EchoServiceDescriptor.FailResult();
                try {
                  r.setSuccess(handler.fail(a.getCode(), a.getMessage()));
                } catch (EchoError e) {
                  r.setErr(e);
                }
                yield r;
              }
              case "Sleep" -> {
                var a = read(in, new EchoServiceDescriptor.SleepArgs());
                yield new EchoServiceDescriptor.SleepResult()
                    .setSuccess(handler.sleep(a.getMillis()));
              }
              case "Ping" -> {
                read(in, new EchoServiceDescriptor.PingArgs());
                handler.ping();
                yield new EchoServiceDescriptor.PingResult();
              }
              default -> {
                TProtocolUtil.skip(in, TType.STRUCT);
                in.readMessageEnd();
                TApplicationException x =
                    new TApplicationException(
                        TApplicationException.UNKNOWN_METHOD,
                        "Invalid method name: '" + msg.name + "'");
                out.writeMessageBegin(new TMessage(msg.name, TMessageType.EXCEPTION, msg.seqid));
                x.write(out);
                out.writeMessageEnd();
                out.getTransport().flush();
                yield null;
              }
            };
      } catch (RuntimeException e) {
        TApplicationException x =
            new TApplicationException(TApplicationException.INTERNAL_ERROR, e.getMessage());
        out.writeMessageBegin(new TMessage(msg.name, TMessageType.EXCEPTION, msg.seqid));
        x.write(out);
        out.writeMessageEnd();
        out.getTransport().flush();
        return;
      }
      if (result != null && msg.type == TMessageType.CALL) {
        out.writeMessageBegin(new TMessage(msg.name, TMessageType.REPLY, msg.seqid));
        result.write(out);
        out.writeMessageEnd();
        out.getTransport().flush();
      }
    }

    private static <T extends ThriftStruct> T read(TProtocol in, T args) throws TException {
      args.read(in);
      in.readMessageEnd();
      return args;
    }
  }
}
