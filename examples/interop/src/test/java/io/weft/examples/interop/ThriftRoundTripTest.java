package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.thrift.AllTypes;
import interop.thrift.Color;
import interop.thrift.Inner;
import io.weft.api.RpcException;
import io.weft.internal.wire.Buffer;
import io.weft.runtime.ThriftCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TSet;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.junit.jupiter.api.Test;

/**
 * Generated structs against libthrift's own protocol code, both ways: Weft writes and libthrift
 * reads generically; libthrift writes field by field (in another order, with an unknown field) and
 * Weft reads.
 */
class ThriftRoundTripTest {
  private static final ThriftCodec<AllTypes> CODEC = ThriftCodec.of(AllTypes::new);

  @Test
  void weftWritesLibthriftReads() throws Exception {
    AllTypes v = InteropClient.allTypes();
    Map<Short, Object> tree = readGeneric(encode(v));
    assertThat(tree).isEqualTo(expectedTree(v));
    assertThat(tree).doesNotContainKey((short) 16);
  }

  @Test
  void libthriftWritesWeftReads() throws Exception {
    AllTypes expected = InteropClient.allTypes();
    TMemoryBuffer buf = new TMemoryBuffer(256);
    TProtocol p = new TBinaryProtocol(buf);
    p.writeStructBegin(new TStruct("AllTypes"));
    // reverse order, and an unknown field Weft must skip
    p.writeFieldBegin(new TField("req", TType.I32, (short) 17));
    p.writeI32(99);
    p.writeFieldEnd();
    p.writeFieldBegin(new TField("unknown", TType.MAP, (short) 99));
    p.writeMapBegin(new TMap(TType.STRING, TType.LIST, 1));
    p.writeString("skip me");
    p.writeListBegin(new TList(TType.I64, 2));
    p.writeI64(1);
    p.writeI64(2);
    p.writeListEnd();
    p.writeMapEnd();
    p.writeFieldEnd();
    writeNested(p, expected.getNested());
    field(p, "inners", TType.LIST, 14);
    p.writeListBegin(new TList(TType.STRUCT, expected.getInners().size()));
    for (Inner i : expected.getInners()) {
      writeInner(p, i);
    }
    p.writeListEnd();
    p.writeFieldEnd();
    field(p, "inner", TType.STRUCT, 13);
    writeInner(p, expected.getInner());
    p.writeFieldEnd();
    field(p, "color", TType.I32, 12);
    p.writeI32(Color.BLUE.getValue());
    p.writeFieldEnd();
    field(p, "counts", TType.MAP, 11);
    p.writeMapBegin(new TMap(TType.STRING, TType.I64, expected.getCounts().size()));
    for (var e : expected.getCounts().entrySet()) {
      p.writeString(e.getKey());
      p.writeI64(e.getValue());
    }
    p.writeMapEnd();
    p.writeFieldEnd();
    field(p, "ints", TType.SET, 10);
    p.writeSetBegin(new TSet(TType.I32, expected.getInts().size()));
    for (int i : expected.getInts()) {
      p.writeI32(i);
    }
    p.writeSetEnd();
    p.writeFieldEnd();
    field(p, "strs", TType.LIST, 9);
    p.writeListBegin(new TList(TType.STRING, expected.getStrs().size()));
    for (String s : expected.getStrs()) {
      p.writeString(s);
    }
    p.writeListEnd();
    p.writeFieldEnd();
    field(p, "bin", TType.STRING, 8);
    p.writeBinary(ByteBuffer.wrap(expected.getBin()));
    p.writeFieldEnd();
    field(p, "str", TType.STRING, 7);
    p.writeString(expected.getStr());
    p.writeFieldEnd();
    field(p, "dbl", TType.DOUBLE, 6);
    p.writeDouble(expected.getDbl());
    p.writeFieldEnd();
    field(p, "i64v", TType.I64, 5);
    p.writeI64(expected.getI64v());
    p.writeFieldEnd();
    field(p, "i32v", TType.I32, 4);
    p.writeI32(expected.getI32v());
    p.writeFieldEnd();
    field(p, "i16v", TType.I16, 3);
    p.writeI16(expected.getI16v());
    p.writeFieldEnd();
    field(p, "i8", TType.BYTE, 2);
    p.writeByte(expected.getI8());
    p.writeFieldEnd();
    field(p, "b", TType.BOOL, 1);
    p.writeBool(true);
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();

    byte[] bytes = java.util.Arrays.copyOf(buf.getArray(), buf.length());
    AllTypes got = CODEC.decode(bytes, 0, bytes.length);
    assertThat(got).isEqualTo(expected);
    assertThat(got.isSetOpt()).isFalse();
  }

  @Test
  void unsetOptionalsAndEmptyContainersSurviveBothWays() throws Exception {
    AllTypes v =
        new AllTypes()
            .setReq(1)
            .setStrs(new ArrayList<>())
            .setCounts(new LinkedHashMap<>())
            .setNested(new LinkedHashMap<>())
            .setStr("");
    byte[] bytes = encode(v);
    Map<Short, Object> tree = readGeneric(bytes);
    assertThat(tree.get((short) 9)).isEqualTo(List.of());
    assertThat(tree.get((short) 11)).isEqualTo(Map.of());
    assertThat(tree).doesNotContainKeys((short) 10, (short) 13, (short) 14, (short) 16);
    AllTypes back = CODEC.decode(bytes, 0, bytes.length);
    assertThat(back).isEqualTo(v);
    assertThat(back.isSetOpt()).isFalse();
    assertThat(back.isSetInner()).isFalse();
    assertThat(back.getStrs()).isEmpty();
    AllTypes withOpt = back.setOpt("now set");
    assertThat(CODEC.decode(encode(withOpt), 0, encode(withOpt).length).getOpt())
        .isEqualTo("now set");
  }

  @Test
  void requiredFieldIsCheckedOnWriteAndOnRead() throws Exception {
    assertThatThrownBy(() -> encode(new AllTypes())).hasMessageContaining("required field 'req'");
    TMemoryBuffer buf = new TMemoryBuffer(16);
    TProtocol p = new TBinaryProtocol(buf);
    p.writeStructBegin(new TStruct("AllTypes"));
    p.writeFieldStop();
    p.writeStructEnd();
    assertThatThrownBy(() -> CODEC.decode(buf.getArray(), 0, buf.length()))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("required field 'req'");
  }

  @Test
  void lyingContainerLengthFailsBeforeAllocating() {
    // field 9 (list<string>) claims 2^31-1 elements in a 12-byte message
    byte[] bytes = java.util.HexFormat.of().parseHex("0f0009" + "0b" + "7fffffff" + "00");
    assertThatThrownBy(() -> CODEC.decode(bytes, 0, bytes.length)).isInstanceOf(RpcException.class);
  }

  private static byte[] encode(AllTypes v) throws Exception {
    Buffer out = new Buffer();
    CODEC.encode(v, out);
    return out.toByteArray();
  }

  private static void field(TProtocol p, String name, byte type, int id) throws TException {
    p.writeFieldBegin(new TField(name, type, (short) id));
  }

  private static void writeInner(TProtocol p, Inner i) throws TException {
    p.writeStructBegin(new TStruct("Inner"));
    field(p, "id", TType.I32, 1);
    p.writeI32(i.getId());
    p.writeFieldEnd();
    if (i.isSetNote()) {
      field(p, "note", TType.STRING, 2);
      p.writeString(i.getNote());
      p.writeFieldEnd();
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }

  private static void writeNested(TProtocol p, Map<Integer, List<Inner>> nested) throws TException {
    field(p, "nested", TType.MAP, 15);
    p.writeMapBegin(new TMap(TType.I32, TType.LIST, nested.size()));
    for (var e : nested.entrySet()) {
      p.writeI32(e.getKey());
      p.writeListBegin(new TList(TType.STRUCT, e.getValue().size()));
      for (Inner i : e.getValue()) {
        writeInner(p, i);
      }
      p.writeListEnd();
    }
    p.writeMapEnd();
    p.writeFieldEnd();
  }

  /**
   * Reads any struct with libthrift alone: field id to value (strings as UTF-8 text, structs as
   * maps, sets as lists).
   */
  private static Map<Short, Object> readGeneric(byte[] bytes) throws TException {
    return readStruct(new TBinaryProtocol(new TMemoryInputTransport(bytes)));
  }

  private static Map<Short, Object> readStruct(TProtocol p) throws TException {
    Map<Short, Object> out = new LinkedHashMap<>();
    p.readStructBegin();
    while (true) {
      TField f = p.readFieldBegin();
      if (f.type == TType.STOP) {
        break;
      }
      out.put(f.id, readValue(p, f.type));
      p.readFieldEnd();
    }
    p.readStructEnd();
    return out;
  }

  private static Object readValue(TProtocol p, byte type) throws TException {
    switch (type) {
      case TType.BOOL:
        return p.readBool();
      case TType.BYTE:
        return p.readByte();
      case TType.I16:
        return p.readI16();
      case TType.I32:
        return p.readI32();
      case TType.I64:
        return p.readI64();
      case TType.DOUBLE:
        return p.readDouble();
      case TType.STRING:
        {
          ByteBuffer b = p.readBinary();
          byte[] a = new byte[b.remaining()];
          b.get(a);
          return new String(a, StandardCharsets.ISO_8859_1);
        }
      case TType.STRUCT:
        return readStruct(p);
      case TType.LIST:
        {
          TList l = p.readListBegin();
          List<Object> out = new ArrayList<>();
          for (int i = 0; i < l.size; i++) {
            out.add(readValue(p, l.elemType));
          }
          p.readListEnd();
          return out;
        }
      case TType.SET:
        {
          TSet s = p.readSetBegin();
          List<Object> out = new ArrayList<>();
          for (int i = 0; i < s.size; i++) {
            out.add(readValue(p, s.elemType));
          }
          p.readSetEnd();
          return out;
        }
      case TType.MAP:
        {
          TMap m = p.readMapBegin();
          Map<Object, Object> out = new LinkedHashMap<>();
          for (int i = 0; i < m.size; i++) {
            out.put(readValue(p, m.keyType), readValue(p, m.valueType));
          }
          p.readMapEnd();
          return out;
        }
      default:
        throw new IllegalStateException("type " + type);
    }
  }

  private static String latin1(String utf16) {
    return new String(utf16.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static Map<Short, Object> innerTree(Inner i) {
    Map<Short, Object> m = new LinkedHashMap<>();
    m.put((short) 1, i.getId());
    if (i.isSetNote()) {
      m.put((short) 2, latin1(i.getNote()));
    }
    return m;
  }

  private static Map<Short, Object> expectedTree(AllTypes v) {
    Map<Short, Object> m = new LinkedHashMap<>();
    m.put((short) 1, v.getB());
    m.put((short) 2, v.getI8());
    m.put((short) 3, v.getI16v());
    m.put((short) 4, v.getI32v());
    m.put((short) 5, v.getI64v());
    m.put((short) 6, v.getDbl());
    m.put((short) 7, latin1(v.getStr()));
    m.put((short) 8, new String(v.getBin(), StandardCharsets.ISO_8859_1));
    m.put((short) 9, v.getStrs().stream().map(ThriftRoundTripTest::latin1).toList());
    m.put((short) 10, new ArrayList<Object>(v.getInts()));
    Map<Object, Object> counts = new LinkedHashMap<>();
    v.getCounts().forEach((k, c) -> counts.put(latin1(k), c));
    m.put((short) 11, counts);
    m.put((short) 12, v.getColor().getValue());
    m.put((short) 13, innerTree(v.getInner()));
    m.put((short) 14, v.getInners().stream().map(ThriftRoundTripTest::innerTree).toList());
    Map<Object, Object> nested = new LinkedHashMap<>();
    v.getNested()
        .forEach((k, l) -> nested.put(k, l.stream().map(ThriftRoundTripTest::innerTree).toList()));
    m.put((short) 15, nested);
    m.put((short) 17, v.getReq());
    return m;
  }
}
