package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.evolution.Palette;
import interop.evolution.Pick;
import interop.evolution.Shade;
import interop.evolution.paletteservice.PaletteServiceClient;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.StatusCode;
import io.weft.api.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TSet;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a peer with a newer IDL sends ({@code evolution.thrift}): enum values the IDL does not name
 * are kept and written back unchanged wherever an enum can be (a Go peer keeps any int), and a
 * union with no field set, which such a peer's unknown field reads as, is accepted on reading and
 * refused at the writer, as Apache Thrift and Kitex do.
 */
class EvolutionTest {
  private static Server weft;

  @BeforeAll
  static void start() throws Exception {
    weft = InteropServer.create(0).start();
  }

  @AfterAll
  static void stop() {
    if (weft != null) {
      weft.stop();
    }
  }

  // ---- enum values the IDL does not name ----

  /**
   * Kitex's client sends Shade 7, 8 and 9 in every position; Weft's server must answer them
   * unchanged.
   */
  @ParameterizedTest(name = "kitex client → weft: {0}/unnamed_enums")
  @ValueSource(strings = {"ttheader", "ttheader-mux", "framed", "buffered"})
  void kitexClientGetsUnnamedValuesBack(String transport) throws Exception {
    assertThat(KitexPeer.client(weft.port(), transport, "unnamed_enums")).isNull();
  }

  @Test
  void weftClientAndServerKeepUnnamedValues() {
    try (var cli =
        PaletteServiceClient.newClient(
            "PaletteService",
            ClientOptions.withHostPorts("127.0.0.1:" + weft.port()),
            ClientOptions.withTransport(Transport.TTHEADER))) {
      Palette sent = palette();
      assertThat(cli.echoPalette(sent)).isEqualTo(sent);
      Shade seven = cli.echoShade(Shade.of(7));
      assertThat(seven.getValue()).isEqualTo(7);
      assertThat(seven.isNamed()).isFalse();
      assertThat(cli.echoShade(Shade.DARK)).isSameAs(Shade.DARK);
      assertThat(cli.echoPick(Pick.ofShade(Shade.of(9))).getShade()).isEqualTo(Shade.of(9));
    }
  }

  /**
   * The bytes libthrift writes for a Palette full of unnamed values: Weft reads them all and writes
   * the same bytes back.
   */
  @Test
  void libthriftBytesComeBackByteForByte() throws Exception {
    byte[] bytes = libthriftPalette();
    Palette p = new Palette();
    p.read(new TBinaryProtocol(new TMemoryInputTransport(bytes)));

    assertThat(p.getOne().getValue()).isEqualTo(7);
    assertThat(p.getMany()).extracting(Shade::getValue).containsExactly(1, 7, 9);
    assertThat(p.getMany().get(0)).isSameAs(Shade.LIGHT);
    assertThat(p.getDistinct()).extracting(Shade::getValue).containsExactly(7, 8, 2);
    // two unnamed keys stay two keys, and no key is null
    assertThat(p.getPairs())
        .hasSize(3)
        .doesNotContainKey(null)
        .containsEntry(Shade.of(7), Shade.of(8))
        .containsEntry(Shade.of(8), Shade.DARK)
        .containsEntry(Shade.LIGHT, Shade.of(9));
    assertThat(p.isSetMaybe()).isTrue();
    assertThat(p.getMaybe().getValue()).isEqualTo(7);
    assertThat(p).isEqualTo(palette());

    TMemoryBuffer out = new TMemoryBuffer(bytes.length);
    p.write(new TBinaryProtocol(out));
    assertThat(Arrays.copyOf(out.getArray(), out.length())).isEqualTo(bytes);
  }

  @Test
  void unnamedValuesAreValuesOfTheirOwn() {
    Shade seven = Shade.of(7);
    assertThat(seven)
        .isEqualTo(Shade.of(7))
        .hasSameHashCodeAs(Shade.of(7))
        .isNotEqualTo(Shade.of(8));
    assertThat(seven.isNamed()).isFalse();
    assertThat(seven.name()).isNull();
    assertThat(seven).hasToString("Shade(7)");
    assertThat(Shade.of(1)).isSameAs(Shade.LIGHT);
    assertThat(Shade.LIGHT.isNamed()).isTrue();
    assertThat(Shade.LIGHT).hasToString("LIGHT");
    assertThat(Shade.findByValue(7)).as("Apache Thrift's findByValue: named values only").isNull();
    assertThat(Shade.values()).containsExactly(Shade.LIGHT, Shade.DARK);
    assertThat(describe(Shade.DARK)).isEqualTo("dark");
    assertThat(describe(seven)).isEqualTo("a newer shade, 7");
  }

  /** The switch the generated javadoc shows. */
  private static String describe(Shade s) {
    return switch (s.getValue()) {
      case Shade.LIGHT_VALUE -> "light";
      case Shade.DARK_VALUE -> "dark";
      default -> "a newer shade, " + s.getValue();
    };
  }

  // ---- a union with no field set ----

  /**
   * A union is built only by its factories, so only one read from a newer peer can hold no field;
   * the writer refuses it.
   */
  @Test
  void unionWithNoFieldSetIsRefusedAtTheWriter() throws Exception {
    assertThat(Pick.class.getConstructors()).as("no public constructor: no empty union").isEmpty();
    assertThatThrownBy(() -> unknownPick().write(new TBinaryProtocol(new TMemoryBuffer(16))))
        .isInstanceOf(TProtocolException.class)
        .hasMessage("union Pick has no field set; exactly one must be set to write it");
  }

  @Test
  void unionWithOneFieldSetWritesOnlyThatField() throws Exception {
    TMemoryBuffer out = new TMemoryBuffer(16);
    Pick.ofShade(Shade.of(7)).write(new TBinaryProtocol(out));
    TProtocol in =
        new TBinaryProtocol(new TMemoryInputTransport(Arrays.copyOf(out.getArray(), out.length())));
    in.readStructBegin();
    TField f = in.readFieldBegin();
    assertThat(f.id).isEqualTo((short) 1);
    assertThat(in.readI32()).isEqualTo(7);
    in.readFieldEnd();
    assertThat(in.readFieldBegin().type).isEqualTo(TType.STOP);
  }

  /**
   * What a newer peer's union field reads as: no field set. Reading accepts it (as Apache Thrift
   * and Kitex do).
   */
  @Test
  void unionWithOnlyAnUnknownFieldReadsAsNoFieldSet() throws Exception {
    Pick pick = unknownPick();
    assertThat(pick.getSetField()).isNull();
    assertThat(pick.which()).isZero();
  }

  /** A Pick as a peer whose IDL has a third field writes it with only that field set, read back. */
  private static Pick unknownPick() throws TException {
    TMemoryBuffer buf = new TMemoryBuffer(32);
    TProtocol p = new TBinaryProtocol(buf);
    p.writeStructBegin(new TStruct("Pick"));
    p.writeFieldBegin(new TField("newer", TType.I64, (short) 3));
    p.writeI64(42);
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    return Pick.readFrom(
        new TBinaryProtocol(
            new TMemoryInputTransport(Arrays.copyOf(buf.getArray(), buf.length()))));
  }

  @Test
  void weftClientRefusesToSendAUnionWithNoFieldSet() throws Exception {
    Pick empty = unknownPick();
    try (var cli =
        PaletteServiceClient.newClient(
            "PaletteService",
            ClientOptions.withHostPorts("127.0.0.1:" + weft.port()),
            ClientOptions.withTransport(Transport.TTHEADER))) {
      assertThatThrownBy(() -> cli.echoPick(empty))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("union Pick has no field set")
          .satisfies(
              e -> assertThat(((RpcException) e).status().code()).isEqualTo(StatusCode.INTERNAL));
      // the connection is still good
      assertThat(cli.echoShade(Shade.LIGHT)).isSameAs(Shade.LIGHT);
    }
  }

  /**
   * A Palette with Shade 7, 8 and 9 (unnamed) in every position, as {@link #libthriftPalette}
   * writes it.
   */
  private static Palette palette() {
    Map<Shade, Shade> pairs = new LinkedHashMap<>();
    pairs.put(Shade.of(7), Shade.of(8));
    pairs.put(Shade.of(8), Shade.DARK);
    pairs.put(Shade.LIGHT, Shade.of(9));
    return new Palette()
        .setOne(Shade.of(7))
        .setMany(new ArrayList<>(List.of(Shade.LIGHT, Shade.of(7), Shade.of(9))))
        .setDistinct(new LinkedHashSet<>(List.of(Shade.of(7), Shade.of(8), Shade.DARK)))
        .setPairs(pairs)
        .setMaybe(Shade.of(7));
  }

  /** The same Palette, written field by field with libthrift's own protocol, in field order. */
  private static byte[] libthriftPalette() throws TException {
    TMemoryBuffer buf = new TMemoryBuffer(128);
    TProtocol p = new TBinaryProtocol(buf);
    p.writeStructBegin(new TStruct("Palette"));
    p.writeFieldBegin(new TField("one", TType.I32, (short) 1));
    p.writeI32(7);
    p.writeFieldEnd();
    p.writeFieldBegin(new TField("many", TType.LIST, (short) 2));
    p.writeListBegin(new TList(TType.I32, 3));
    for (int v : new int[] {1, 7, 9}) {
      p.writeI32(v);
    }
    p.writeListEnd();
    p.writeFieldEnd();
    p.writeFieldBegin(new TField("distinct", TType.SET, (short) 3));
    p.writeSetBegin(new TSet(TType.I32, 3));
    for (int v : new int[] {7, 8, 2}) {
      p.writeI32(v);
    }
    p.writeSetEnd();
    p.writeFieldEnd();
    p.writeFieldBegin(new TField("pairs", TType.MAP, (short) 4));
    p.writeMapBegin(new TMap(TType.I32, TType.I32, 3));
    for (int[] kv : new int[][] {{7, 8}, {8, 2}, {1, 9}}) {
      p.writeI32(kv[0]);
      p.writeI32(kv[1]);
    }
    p.writeMapEnd();
    p.writeFieldEnd();
    p.writeFieldBegin(new TField("maybe", TType.I32, (short) 5));
    p.writeI32(7);
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    return Arrays.copyOf(buf.getArray(), buf.length());
  }
}
