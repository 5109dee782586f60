package io.weft.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.runtime.ThriftStruct;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated union is immutable and cannot be written empty: it has no public constructor and no
 * setters, one factory per field builds it, and reading one with two fields set is an error. Runs
 * the code generated for everything.thrift's {@code Choice}.
 */
class UnionTest {
  @TempDir static Path tmp;

  private static Class<?> choice;

  @BeforeAll
  static void compile() throws IOException, ClassNotFoundException {
    GoldenTest.compile(GoldenTest.generate("everything.thrift"), tmp);
    URL classes = tmp.resolve("classes").toUri().toURL();
    choice =
        new URLClassLoader(new URL[] {classes}, UnionTest.class.getClassLoader())
            .loadClass("weft.test.everything.Choice");
  }

  @Test
  void hasNoPublicConstructorAndNoSetters() {
    assertThat(choice.getConstructors()).isEmpty();
    assertThat(Stream.of(choice.getMethods()).map(Method::getName))
        .noneMatch(n -> n.startsWith("set") || n.startsWith("unset"))
        .contains("ofText", "ofNumber", "ofItem", "which", "getSetField", "readFrom");
    assertThat(Stream.of(choice.getMethods()).filter(m -> m.getName().startsWith("of")))
        .allMatch(m -> Modifier.isStatic(m.getModifiers()));
  }

  @Test
  void factoryBuildsAUnionWithThatFieldAndItRoundTrips() throws Exception {
    Object text = of("ofText", String.class, "hello");
    assertThat(call(text, "which")).isEqualTo((short) 1);
    assertThat(call(text, "getSetField")).isEqualTo("text");
    assertThat(call(text, "getText")).isEqualTo("hello");
    assertThat(call(text, "isSetNumber")).isEqualTo(false);
    assertThat(text).hasToString("Choice(text:hello)");

    Object back = readFrom(write((ThriftStruct) text));
    assertThat(back).isEqualTo(text).hasSameHashCodeAs(text);
    Object number = of("ofNumber", int.class, 0);
    assertThat(call(number, "which")).isEqualTo((short) 2);
    assertThat(number).isNotEqualTo(text);
    assertThat(readFrom(write((ThriftStruct) number))).isEqualTo(number);
  }

  @Test
  void factoryRefusesNull() {
    assertThatThrownBy(() -> of("ofText", String.class, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Choice.text cannot be null: a union holds exactly one value");
  }

  @Test
  void twoFieldsOnTheWireAreADecodeError() throws Exception {
    byte[] two =
        bytes(p -> {
          p.writeFieldBegin(new TField("text", TType.STRING, (short) 1));
          p.writeString("a");
          p.writeFieldEnd();
          p.writeFieldBegin(new TField("number", TType.I32, (short) 2));
          p.writeI32(7);
          p.writeFieldEnd();
        });
    assertThatThrownBy(() -> readFrom(two))
        .isInstanceOf(TProtocolException.class)
        .hasMessage("union Choice has 2 fields set, at most one is allowed");
  }

  /**
   * A newer peer's field only: read as holding no field (as Apache Thrift and Kitex do), and
   * refused by the writer.
   */
  @Test
  void unionWithOnlyAnUnknownFieldReadsButCannotBeWritten() throws Exception {
    byte[] unknown =
        bytes(p -> {
          p.writeFieldBegin(new TField("newer", TType.I64, (short) 9));
          p.writeI64(42);
          p.writeFieldEnd();
        });
    Object u = readFrom(unknown);
    assertThat(call(u, "which")).isEqualTo((short) 0);
    assertThat(call(u, "getSetField")).isNull();
    assertThatThrownBy(() -> write((ThriftStruct) u))
        .isInstanceOf(TProtocolException.class)
        .hasMessage("union Choice has no field set; exactly one must be set to write it");
  }

  @Test
  void aUnionThatHoldsAFieldCannotBeReadInto() throws Exception {
    ThriftStruct text = (ThriftStruct) of("ofText", String.class, "hello");
    byte[] other = write((ThriftStruct) of("ofNumber", int.class, 5));
    assertThatThrownBy(() -> text.read(new TBinaryProtocol(new TMemoryInputTransport(other))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("union Choice already holds a field and is immutable; use Choice.readFrom(in)");
    assertThat(call(text, "getText")).isEqualTo("hello");
  }

  private interface Fields {
    void write(TProtocol p) throws TException;
  }

  private static byte[] bytes(Fields fields) throws TException {
    TMemoryBuffer buf = new TMemoryBuffer(64);
    TProtocol p = new TBinaryProtocol(buf);
    p.writeStructBegin(new TStruct("Choice"));
    fields.write(p);
    p.writeFieldStop();
    p.writeStructEnd();
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  private static byte[] write(ThriftStruct s) throws TException {
    TMemoryBuffer buf = new TMemoryBuffer(64);
    s.write(new TBinaryProtocol(buf));
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  private static Object readFrom(byte[] data) throws Exception {
    return invoke(
        choice.getMethod("readFrom", TProtocol.class),
        null,
        new TBinaryProtocol(new TMemoryInputTransport(data)));
  }

  private static Object of(String factory, Class<?> type, Object value) throws Exception {
    return invoke(choice.getMethod(factory, type), null, value);
  }

  private static Object call(Object target, String method) throws Exception {
    return invoke(choice.getMethod(method), target);
  }

  /** Calls {@code m}, throwing what it throws rather than a wrapper. */
  private static Object invoke(Method m, Object target, Object... args) throws Exception {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
