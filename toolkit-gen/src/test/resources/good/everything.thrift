/*
 * Every construct toolkit-gen understands, in one file (with shared.thrift included).
 */
include "shared.thrift"
cpp_include "<unordered_map>"

namespace java weft.test.everything
namespace go everything
namespace py ignored.by.java

typedef i64 Timestamp
typedef list<shared.Base> Bases
typedef map<string, list<set<i32>>> Deep

const Timestamp EPOCH = 0
const list<string> NAMES = ["a", "b", "c"];
const set<i16> SMALL = [1, 2, 3]
const map<string, i32> LIMITS = {"max": shared.MAX_ITEMS, "min": 1}
const shared.Priority DEFAULT_PRIORITY = shared.Priority.MEDIUM
const double RATIO = 1.5e3
const bool YES = true
const binary MAGIC = "weft"
const uuid ZERO_ID = "00000000-0000-0000-0000-000000000000"
const Item SAMPLE = {"name": "sample", "count": 3}

// An item, with every base type and requiredness.
struct Item {
  1: required string name,
  2: optional i32 count = 7;
  3: i64 created = EPOCH
  4: bool flag = true
  5: byte b8
  6: i8 small
  7: i16 medium
  8: double ratio = RATIO
  9: binary data
  10: uuid id
  11: shared.Urgency urgency = shared.Priority.HIGH
  12: Bases bases
  13: Deep deep
  14: map<shared.Priority, list<Item>> byPriority
  15: string class       // a Java keyword
  16: string default = "d" (go.tag = "json:\"default\"")
  17: list<binary> blobs
  18: string snake_case_name
  19: optional Timestamp updated
  20: set<string> tags = ["x"]
}

/** Exactly one of its fields is set. This comment is long on purpose: it is one line of well over a hundred and twenty characters, which the generated javadoc must wrap. */
union Choice {
  1: string text
  2: i32 number
  3: Item item
}

exception Failure {
  1: i32 code = 500
  2: i32 message  // not a string: must not clash with Throwable.getMessage()
  3: string cause
}

struct NoIds {
  string first
  i32 second
}

struct Recursive {
  1: optional list<Recursive> children
  2: string label
}

senum Flavour {
  "vanilla", "chocolate"
}

/**
 * A service that extends another.
 */
service Everything extends shared.BaseService {
  /** Returns the item. */
  Item Get(1: string name, 2: shared.Priority priority) throws (1: Failure failure, 2: shared.NotFound missing)
  oneway void Fire(1: Item item)
  void Nothing()
  i64 Count()
  list<Choice> Choose(1: Choice choice) (weft.note = "kept")
  binary Blob(1: binary input)
  bool Default(1: i32 default)
}
