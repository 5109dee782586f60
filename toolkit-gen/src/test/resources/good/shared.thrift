# Included by everything.thrift: a base service, a typedef'd enum and constants other files refer to.
namespace * weft.test.shared

/** How urgent a thing is. */
enum Priority {
  LOW,
  MEDIUM = 5,
  HIGH,            // 6, implicit after an explicit value
  CRITICAL = 0x10  // hex value
}

typedef Priority Urgency

const i32 MAX_ITEMS = 100;
const string GREETING = "hi"

struct Base {
  1: required string id
}

exception NotFound {
  1: string what
}

service BaseService {
  void Ping()
  Base Lookup(1: string id) throws (1: NotFound nf)
}

/** Names the generated class uses for its own members, and a keyword. */
enum Clash {
  value = 1,
  name,
  class
}

const Priority NEWER = 7  // a value Priority does not name: kept, as from a newer IDL
