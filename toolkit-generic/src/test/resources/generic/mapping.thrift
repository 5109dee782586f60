// The JSON mapping of a generic call, compared with Kitex's JSON generic call (GenericMappingKitexTest):
// every base type, i64 beyond 2^53, binary, enums, typedefs, nested structs, lists, sets, maps with
// string and non-string keys, a union, optional fields, defaults, a required field and a declared
// exception. The Kitex peer (interop/kitex, kitexpeer jsonclient / jsonserver) loads this file too.
namespace go mapping

typedef i64 Id
typedef binary Blob
typedef list<Point> Path

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 7,
}

struct Point {
  1: required i32 x
  2: i32 y = 7
}

union Choice {
  1: string label
  2: Point at
  3: i64 big
}

struct Mixed {
  1: bool flag
  2: byte tiny
  3: i16 small
  4: i32 mid
  5: i64 big
  6: double real
  7: string text
  8: binary raw
  9: Color color
  10: Id id
  11: Blob blob
  12: Point point
  13: Path path
  14: list<string> names
  15: set<i32> ids
  16: map<string, Point> byName
  17: map<i64, string> byBig
  18: map<Color, list<i32>> byColor
  19: map<double, string> byReal
  20: map<bool, i16> byFlag
  21: Choice choice
  22: optional string note
  23: optional Point maybe
  24: i32 width = 3
  25: optional Color tint = Color.GREEN
  26: required string must
}

exception Oops {
  1: i32 code
  2: string why
}

service Mapping {
  // answers with its argument
  Mixed Echo(1: Mixed m) throws (1: Oops oops)
  // answers with a fixed, sparse Mixed (only "must" and "point" set); Kitex's JSON generic call
  // refuses an IDL with a method of no parameters ("empty arguments in function"), hence "which"
  Mixed Canned(1: string which)
  // answers with its argument
  string Say(1: string s)
  // always fails: with Oops where the server can send a declared exception
  Mixed Fail(1: Mixed m) throws (1: Oops oops)
}
