package io.weft.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.Transport;
import io.weft.examples.interop.PeerProcesses;
import io.weft.internal.wire.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weft's JSON mapping against Kitex's JSON generic call for the same IDL (mapping.thrift): Kitex's
 * JSON generic client ({@code kitexpeer jsonclient}) and Weft's {@link GenericClient} send the same
 * request to one Weft {@link GenericServer}, whose handler records the arguments it decoded; both
 * clients read the same server reply; and each side's generic client calls the other side's generic
 * server ({@code kitexpeer jsonserver}).
 *
 * <p>Kitex here is v0.16.3 with its defaults: {@code generic.JSONThriftGeneric} over {@code
 * generic.NewThriftFileProvider}, which does not enable dynamicgo (only the {@code
 * ...WithDynamicGo} providers do; pkg/generic/jsonthrift_codec.go), so the conversion is
 * pkg/generic/thrift's write.go (JSON to Thrift, with gjson) and read.go (Thrift to a Go map,
 * printed by json-iterator), binary as base64 ({@code binaryWithBase64: true}). What that source
 * does, and what these tests confirm on the wire:
 *
 * <ul>
 *   <li>write.go {@code writeJSON}: a field absent from the JSON that is not optional is written
 *       with its type's zero value ({@code writeEmptyValue}), not its IDL default, and a missing
 *       required field is not refused; optional fields are left out, IDL default or not.
 *   <li>write.go {@code typeJSONOf}: every integer type and so every enum goes through gjson's
 *       {@code Int()}, which reads a string of digits as the number and anything else (an enum
 *       name) as 0.
 *   <li>read.go {@code readStruct}: a struct read from the wire starts from its fields' IDL
 *       defaults ({@code DefaultFields}), so a defaulted field the wire lacks still shows.
 *   <li>read.go {@code readStringMap} / util.go {@code buildinTypeIntoString}: map keys become
 *       strings, a double as {@code strconv.FormatFloat(v, 'f', -1, 64)} ({@code "2"} for 2.0).
 *   <li>read.go {@code skipStructReader}: a declared exception in a reply becomes a Go error of
 *       {@code fmt.Errorf("%#v", v)}; write.go {@code wrapJSONWriter} skips exception fields, so a
 *       JSON generic server cannot send one (its handler's error becomes an application error).
 *   <li>json.go {@code originalRead}: a string result is returned as the bare text, not JSON.
 *   <li>parse.go {@code addFunction}: only a method's first argument is used, and an IDL with a
 *       method of no arguments does not load ("empty arguments in function").
 * </ul>
 *
 * <p>Not exercised: Kitex with dynamicgo (the {@code ...WithDynamicGo} providers), which converts
 * with {@code DefaultJSONDynamicGoConvOpts} (option.go: {@code WriteRequireField}, {@code
 * WriteDefaultField}, {@code EnableValueMapping}, {@code String2Int64}; their meaning in dynamicgo
 * v0.8.0's conv/api.go) and so may treat absent fields differently from the above.
 */
class GenericMappingKitexTest {
  static final Path IDL = Path.of("src/test/resources/generic/mapping.thrift");

  /** A Mixed with every field set: i64s beyond 2^53, binary with every kind of byte, a union. */
  static final String FULL =
      """
      {"flag": true, "tiny": -7, "small": -300, "mid": 70000, "big": 1152921504606846977,
       "real": 2.5, "text": "héllo ✓ \\"q\\"", "raw": "AAH/fw==", "color": 7,
       "id": -9007199254740993, "blob": "d2VmdA==", "point": {"x": 1, "y": 2},
       "path": [{"x": 3, "y": 4}, {"x": 5, "y": 6}], "names": ["a", "", "b"], "ids": [3, 1, 2],
       "byName": {"p": {"x": 7, "y": 8}}, "byBig": {"9007199254740993": "big", "-1": "neg"},
       "byColor": {"2": [1, 2], "7": []}, "byReal": {"2.5": "two and a half", "-0.125": "neg"},
       "byFlag": {"true": 1, "false": -1}, "choice": {"at": {"x": 9, "y": 10}}, "note": "n",
       "maybe": {"x": 11, "y": 12}, "width": 4, "tint": 1, "must": "m"}\
      """;

  /** Only the required field, a struct with a required field, and the union. */
  static final String SPARSE =
      "{\"must\": \"m\", \"point\": {\"x\": 1}, \"choice\": {\"label\": \"l\"}}";

  /** What Weft writes for SPARSE: IDL defaults for the absent fields that have one. */
  static final String SPARSE_BY_WEFT =
      """
      {"point": {"x": 1, "y": 7}, "choice": {"label": "l"}, "width": 3, "tint": 2, "must": "m"}\
      """;

  /** What Kitex writes for SPARSE: zero values for every absent field that is not optional. */
  static final String SPARSE_BY_KITEX =
      """
      {"flag": false, "tiny": 0, "small": 0, "mid": 0, "big": 0, "real": 0, "text": "", "raw": "",
       "color": 0, "id": 0, "blob": "", "point": {"x": 1, "y": 0}, "path": [], "names": [],
       "ids": [], "byName": {}, "byBig": {}, "byColor": {}, "byReal": {}, "byFlag": {},
       "choice": {"label": "l"}, "width": 0, "must": "m"}\
      """;

  static final String CANNED = "{\"must\": \"canned\", \"point\": {\"x\": 5}}";
  static final String OOPS = "{\"code\":7,\"why\":\"no\"}";

  /** The arguments of Echo as Weft's generic server decoded them, one per call. */
  static final LinkedBlockingQueue<Object> RECEIVED = new LinkedBlockingQueue<>();

  static Server weft;
  static KitexJsonServer kitexServer;
  static KitexJsonClient kitexToWeft;
  static KitexJsonClient kitexToKitex;
  static GenericClient weftToWeft;
  static GenericClient weftToKitex;

  @BeforeAll
  static void start() throws Exception {
    weft =
        Server.newServer(
                GenericServer.thrift(List.of(IDL), "Mapping", GenericMappingKitexTest::handle),
                ServerOptions.withPort(0))
            .start();
    try {
      kitexServer = new KitexJsonServer();
      kitexToWeft = new KitexJsonClient(weft.port(), "ttheader");
      kitexToKitex = new KitexJsonClient(kitexServer.port, "ttheader");
    } catch (IOException e) {
      fail("the Kitex peer did not start: " + e.getMessage());
    }
    weftToWeft = weftClient(weft.port(), Transport.TTHEADER);
    weftToKitex = weftClient(kitexServer.port, Transport.TTHEADER);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {weftToWeft, weftToKitex, kitexToWeft, kitexToKitex, kitexServer}) {
      if (c != null) {
        c.close();
      }
    }
    if (weft != null) {
      weft.stop();
    }
  }

  @SuppressWarnings("unchecked")
  static String handle(String method, String jsonArgs) {
    Map<String, Object> args = (Map<String, Object>) Json.parse(jsonArgs);
    return switch (method) {
      case "Echo" -> {
        RECEIVED.add(args.get("m"));
        yield Json.write(args.get("m"));
      }
      case "Canned" -> CANNED;
      case "Say" -> Json.write(args.get("s"));
      default -> throw new GenericException("Oops", OOPS);
    };
  }

  static GenericClient weftClient(int port, Transport t) {
    return GenericClient.thrift(
        List.of(IDL),
        "Mapping",
        ClientOptions.withHostPorts("127.0.0.1:" + port),
        ClientOptions.withTransport(t));
  }

  /** (a) The full request: the Weft server decodes the same arguments from either client. */
  @Test
  void sameRequestSameArguments() throws Exception {
    Object byWeft = received(() -> weftToWeft.call("Echo", "{\"m\": " + FULL + "}"));
    Object byKitex = received(() -> kitexToWeft.reply("Echo", FULL));
    assertThat(normalized(byKitex)).isEqualTo(normalized(byWeft));
    assertThat(normalized(byWeft)).isEqualTo(normalized(Json.parse(FULL)));
  }

  /**
   * (a) A request without most fields: Weft writes the IDL defaults of absent fields (width 3, the
   * optional tint GREEN, Point.y 7) and nothing for the others; Kitex writes every absent field
   * that is not optional with its zero value, defaults included (width 0, Point.y 0), and leaves
   * the optional tint out.
   */
  @Test
  void absentFieldsDiffer() throws Exception {
    Object byWeft = received(() -> weftToWeft.call("Echo", "{\"m\": " + SPARSE + "}"));
    Object byKitex = received(() -> kitexToWeft.reply("Echo", SPARSE));
    assertThat(normalized(byWeft)).isEqualTo(normalized(Json.parse(SPARSE_BY_WEFT)));
    assertThat(normalized(byKitex)).isEqualTo(normalized(Json.parse(SPARSE_BY_KITEX)));
  }

  /**
   * (a) Input forms: an i64 as a string of digits is read as the number by both; an enum by name is
   * its value for Weft and 0 for Kitex (gjson's Int() of a name); a double map key as "2" is 2.0
   * for both. Without the required "must", Weft refuses the call before sending (Kitex sends "").
   */
  @Test
  void inputForms() throws Exception {
    String forms =
        """
        {"must": "m", "point": {"x": 1}, "choice": {"big": "1152921504606846977"},
         "big": "-9007199254740993", "color": "BLUE", "tint": "RED", "byReal": {"2": "two"}}\
        """;
    Map<?, ?> byWeft =
        (Map<?, ?>) received(() -> weftToWeft.call("Echo", "{\"m\": " + forms + "}"));
    Map<?, ?> byKitex = (Map<?, ?>) received(() -> kitexToWeft.reply("Echo", forms));
    for (Map<?, ?> m : List.of(byWeft, byKitex)) {
      assertThat(m.get("big")).isEqualTo(new BigDecimal("-9007199254740993"));
      assertThat(m.get("choice")).isEqualTo(Map.of("big", new BigDecimal("1152921504606846977")));
      assertThat(m.get("byReal")).isEqualTo(Map.of("2.0", "two"));
    }
    assertThat(byWeft.get("color")).isEqualTo(BigDecimal.valueOf(7));
    assertThat(byWeft.get("tint")).isEqualTo(BigDecimal.ONE);
    assertThat(byKitex.get("color")).isEqualTo(BigDecimal.ZERO);
    assertThat(byKitex.get("tint")).isEqualTo(BigDecimal.ZERO);

    String noMust = "{\"point\": {\"x\": 1}, \"choice\": {\"label\": \"l\"}}";
    assertThatThrownBy(() -> weftToWeft.call("Echo", "{\"m\": " + noMust + "}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("required field \"must\" of Mixed is missing");
    Map<?, ?> kitexNoMust = (Map<?, ?>) received(() -> kitexToWeft.reply("Echo", noMust));
    assertThat(kitexNoMust.get("must")).isEqualTo("");

    // an absent union field: Weft leaves it out; Kitex writes an empty union (no field set), which
    // Weft's server reads as {} but cannot write back
    String noChoice = "{\"must\": \"m\", \"point\": {\"x\": 1}}";
    Map<?, ?> byWeftNoChoice =
        (Map<?, ?>) received(() -> weftToWeft.call("Echo", "{\"m\": " + noChoice + "}"));
    assertThat(byWeftNoChoice.containsKey("choice")).isFalse();
    Map<?, ?> byKitexNoChoice =
        (Map<?, ?>)
            received(() ->
                assertThat(kitexToWeft.call("Echo", noChoice).get("error"))
                    .asString()
                    .contains("union Choice needs exactly one field set, got 0"));
    assertThat(byKitexNoChoice.get("choice")).isEqualTo(Map.of());
  }

  /**
   * (b) The same server reply read by both clients is the same JSON value: i64 as exact numbers,
   * binary as base64, enums as numbers, sets as arrays, map keys as strings. Numbers are compared
   * by value (Kitex prints 2.0 as 2).
   */
  @Test
  void sameReplySameJson() throws Exception {
    String weftReply = weftToWeft.call("Echo", "{\"m\": " + FULL + "}");
    String kitexReply = Json.write(kitexToWeft.reply("Echo", FULL));
    assertThat(normalized(Json.parse(kitexReply))).isEqualTo(normalized(Json.parse(weftReply)));
    assertThat(normalized(Json.parse(weftReply))).isEqualTo(normalized(Json.parse(FULL)));
    for (String reply : List.of(weftReply, kitexReply)) {
      assertThat(reply)
          .contains("1152921504606846977")
          .contains("-9007199254740993")
          .contains("\"AAH/fw==\"")
          .contains("\"color\":7");
    }
    // the Weft server fills IDL defaults into its reply, so both read the same sparse reply
    assertThat(normalized(Json.parse(Json.write(kitexToWeft.reply("Canned", "\"x\"")))))
        .isEqualTo(normalized(Json.parse(weftToWeft.call("Canned", "{\"which\": \"x\"}"))));
  }

  /** (b) Where the reply JSON differs by design: double map keys, string results. */
  @Test
  void replyDifferences() throws Exception {
    String withWholeKey =
        "{\"must\": \"m\", \"point\": {\"x\": 1}, \"choice\": {\"label\": \"l\"},"
            + " \"byReal\": {\"2\": \"two\"}}";
    Map<?, ?> weftReply =
        (Map<?, ?>) Json.parse(weftToWeft.call("Echo", "{\"m\": " + withWholeKey + "}"));
    Map<?, ?> kitexReply = (Map<?, ?>) kitexToWeft.reply("Echo", withWholeKey);
    assertThat(weftReply.get("byReal")).isEqualTo(Map.of("2.0", "two")); // Java's Double.toString
    assertThat(kitexReply.get("byReal")).isEqualTo(Map.of("2", "two")); // Go's FormatFloat 'f'
    // a string result: JSON for Weft, the bare text for Kitex
    assertThat(weftToWeft.call("Say", "{\"s\": \"hello\"}")).isEqualTo("\"hello\"");
    assertThat(kitexToWeft.call("Say", "\"hello\"")).isEqualTo(Map.of("text", "hello"));
  }

  /**
   * (b) A declared exception from Weft's server: Weft's client throws a GenericException with its
   * JSON; Kitex's JSON generic client returns an error whose text is Go's %#v of the fields.
   */
  @Test
  void declaredException() throws Exception {
    assertThatThrownBy(() -> weftToWeft.call("Fail", "{\"m\": " + SPARSE + "}"))
        .isInstanceOfSatisfying(
            GenericException.class,
            e -> {
              assertThat(e.typeName()).isEqualTo("Oops");
              assertThat(e.json()).isEqualTo(OOPS);
            });
    Map<?, ?> kitex = kitexToWeft.call("Fail", SPARSE);
    assertThat(kitex.get("error"))
        .asString()
        .contains("map[string]interface {}{\"code\":7, \"why\":\"no\"}");
  }

  /** (c) Kitex's JSON generic client against Weft's generic server, on every socket transport. */
  @ParameterizedTest
  @ValueSource(strings = {"ttheader", "framed", "buffered"})
  void kitexJsonClientAgainstGenericServer(String transport) throws Exception {
    try (KitexJsonClient kitex = new KitexJsonClient(weft.port(), transport)) {
      assertThat(normalized(received(() -> kitex.reply("Echo", FULL))))
          .isEqualTo(normalized(Json.parse(FULL)));
      assertThat(normalized(kitex.reply("Canned", "\"x\"")))
          .isEqualTo(
              normalized(
                  Json.parse(
                      "{\"must\": \"canned\", \"point\": {\"x\": 5, \"y\": 7}, \"width\": 3,"
                          + " \"tint\": 2}")));
    }
  }

  /**
   * (c) Weft's generic client against Kitex's JSON generic server, on every socket transport: the
   * echo comes back whole; a handler error (the only failure a JSON generic server can send)
   * arrives as an RpcException with Kitex's message.
   */
  @ParameterizedTest
  @ValueSource(strings = {"TTHEADER", "FRAMED", "BUFFERED"})
  void genericClientAgainstKitexJsonServer(Transport t) {
    try (GenericClient c = weftClient(kitexServer.port, t)) {
      String reply = c.call("Echo", "{\"m\": " + FULL + "}");
      assertThat(reply).contains("\"big\":1152921504606846977").contains("\"raw\":\"AAH/fw==\"");
      assertThat(normalized(Json.parse(reply))).isEqualTo(normalized(Json.parse(FULL)));
      assertThat(c.call("Say", "{\"s\": \"hello ✓\"}")).isEqualTo("\"hello ✓\"");
      assertThatThrownBy(() -> c.call("Fail", "{\"m\": " + SPARSE + "}"))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("kitex json generic server: Fail fails");
    }
  }

  /**
   * (b) The same reply from Kitex's server ({"must":"canned","point":{"x":5}} as its handler gives
   * it): Kitex writes zero values for the absent fields and leaves the optional tint out; reading
   * it, Kitex's client fills in tint's IDL default (GREEN = 2), Weft's client does not.
   */
  @Test
  void kitexServerReplyReadByBoth() throws Exception {
    Map<?, ?> weftReply = (Map<?, ?>) Json.parse(weftToKitex.call("Canned", "{\"which\": \"x\"}"));
    Map<?, ?> kitexReply = (Map<?, ?>) kitexToKitex.reply("Canned", "\"x\"");
    assertThat(weftReply.containsKey("tint")).as("tint in " + weftReply).isFalse();
    assertThat(kitexReply.get("tint")).isEqualTo(BigDecimal.valueOf(2));
    Map<Object, Object> withoutTint = new LinkedHashMap<>(kitexReply);
    withoutTint.remove("tint");
    assertThat(normalized(withoutTint)).isEqualTo(normalized(weftReply));
    assertThat(weftReply.get("width")).isEqualTo(BigDecimal.ZERO);
    assertThat(weftReply.get("point"))
        .isEqualTo(Map.of("x", BigDecimal.valueOf(5), "y", BigDecimal.ZERO));
  }

  /** Runs {@code call} and returns the arguments Weft's server decoded for it. */
  static Object received(ThrowingRunnable call) throws Exception {
    RECEIVED.clear();
    call.run();
    Object args = RECEIVED.poll(30, TimeUnit.SECONDS);
    assertThat(args).as("the Weft server's Echo handler ran").isNotNull();
    return args;
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** {@code json} with every number as its plain value (2.0 and 2 alike), to compare by value. */
  static Object normalized(Object json) {
    if (json instanceof BigDecimal d) {
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    if (json instanceof Number n) {
      return normalized(new BigDecimal(n.toString()));
    }
    if (json instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, normalized(v)));
      return out;
    }
    if (json instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(normalized(v)));
      return out;
    }
    return json;
  }

  /**
   * {@code kitexpeer jsonclient}: Kitex's JSON generic client, one call per line written to it, one
   * JSON line back ({"reply":...}, {"text":"..."} or {"error":"..."}).
   */
  static final class KitexJsonClient implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    KitexJsonClient(int port, String transport) throws IOException, InterruptedException {
      process =
          new ProcessBuilder(
                  PeerProcesses.kitexPeer().toString(),
                  "jsonclient",
                  "--addr",
                  "127.0.0.1:" + port,
                  "--idl",
                  IDL.toAbsolutePath().toString(),
                  "--transport",
                  transport)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      in =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Calls {@code method} with Kitex's request JSON (the first argument's value). */
    Map<?, ?> call(String method, String json) throws IOException {
      in.write(method + " " + json.replace('\n', ' '));
      in.newLine();
      in.flush();
      String line = out.readLine();
      if (line == null) {
        throw new IOException("kitexpeer jsonclient ended without answering " + method);
      }
      return (Map<?, ?>) Json.parse(line);
    }

    /** The reply JSON of a call that must succeed, parsed. */
    Object reply(String method, String json) throws IOException {
      Map<?, ?> r = call(method, json);
      assertThat(r.containsKey("reply"))
          .as("Kitex's JSON generic call of " + method + ": " + r)
          .isTrue();
      return r.get("reply");
    }

    @Override
    public void close() throws Exception {
      in.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** {@code kitexpeer jsonserver}: Kitex's JSON generic server of mapping.thrift. */
  static final class KitexJsonServer implements AutoCloseable {
    private final Process process;
    final int port;

    KitexJsonServer() throws IOException, InterruptedException {
      process =
          new ProcessBuilder(
                  PeerProcesses.kitexPeer().toString(),
                  "jsonserver",
                  "--idl",
                  IDL.toAbsolutePath().toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String line =
          new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
              .readLine(); // {"json":PORT} once it listens
      Matcher m = Pattern.compile("\"json\":(\\d+)").matcher(line == null ? "" : line);
      if (!m.find()) {
        process.destroyForcibly();
        throw new IOException("kitexpeer jsonserver did not print its port: " + line);
      }
      port = Integer.parseInt(m.group(1));
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close(); // it serves until stdin closes
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
