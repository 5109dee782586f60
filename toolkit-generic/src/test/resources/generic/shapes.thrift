// A service for the generic codec's tests: includes, typedefs, unions, defaults, enums, required
// fields, a base service.
namespace go shapes

include "shared.thrift"

typedef list<shared.Point> Path

const i32 DEFAULT_WIDTH = 3

union Shape {
  1: shared.Point dot
  2: Path line
  3: string label
}

struct Drawing {
  1: shared.Id id
  2: Shape shape
  3: i32 width = DEFAULT_WIDTH
  4: shared.Level level = shared.Level.HIGH
  5: optional map<shared.Level, string> notes
  6: optional map<i64, bool> flags
  7: optional set<string> tags
  8: optional uuid ref
}

struct Node {
  1: optional Node next
}

exception NotFound {
  1: string what
}

exception Busy {
  1: i32 retryAfter
}

service Base {
  string Hello(1: string name)
}

service Shapes extends Base {
  Drawing Draw(1: Drawing d, 2: i32 scale)
  Drawing Find(1: shared.Id id) throws (1: NotFound nf, 2: Busy busy)
  void Clear()
  oneway void Log(1: string line)
  void Chain(1: Node n)
}
