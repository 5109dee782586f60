package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import interop.thrift.AllTypes;
import interop.thrift.echoservice.EchoServiceDescriptor;
import io.weft.api.RpcException;
import io.weft.internal.wire.Buffer;
import io.weft.internal.wire.WireException;
import io.weft.internal.wire.fuzz.Fuzz;
import io.weft.runtime.ThriftCodec;
import org.junit.jupiter.api.Test;

/**
 * Generated Thrift structs read mutated bytes (see {@link Fuzz}): deep nesting, huge container and
 * string lengths, wrong field types and truncation end in a protocol error, never in a crash or an
 * allocation the size of a claimed length. A fixed number of inputs from a fixed seed.
 */
class ThriftStructFuzzTest {
  @Test
  void allTypesAndEchoArgs() throws Exception {
    Buffer all = new Buffer(256);
    ThriftCodec.of(AllTypes::new).encode(InteropClient.allTypes().setOpt("o"), all);
    Fuzz fuzz =
        new Fuzz(7, RpcException.class, WireException.class)
            .seed(all.toByteArray())
            .corpus("thrift");
    ThriftCodec<AllTypes> allTypes = ThriftCodec.of(AllTypes::new);
    ThriftCodec<EchoServiceDescriptor.EchoArgs> echoArgs =
        ThriftCodec.of(EchoServiceDescriptor.EchoArgs::new);
    fuzz.run(in -> unwrapCrash(() -> allTypes.decode(in, 0, in.length)), 30_000);
    fuzz.run(in -> unwrapCrash(() -> echoArgs.decode(in, 0, in.length)), 10_000);
    assertThat(fuzz.failures()).isEmpty();
  }

  /**
   * ThriftCodec turns every failure into INTERNAL; a cause that is not a protocol error is a crash,
   * so rethrow it.
   */
  private static void unwrapCrash(Runnable decode) {
    try {
      decode.run();
    } catch (RpcException e) {
      if (e.getCause() instanceof RuntimeException crash && !(crash instanceof WireException)) {
        throw crash;
      }
      throw e;
    }
  }
}
