/**
 * The {@code weft} command line ({@link io.weft.cli.Weft}): calls, lists and describes Thrift
 * services from their IDL through toolkit-generic, and reads the IDL model through toolkit-gen's
 * linker (qualified exports of {@code io.weft.gen}). Shipped as a shaded jar that runs on the class
 * path; the module is for the build and the tests.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.weft.cli {
  requires io.weft.generic;
  requires io.weft.gen;

  exports io.weft.cli;
}
