namespace go shared

typedef i64 Id

enum Level {
  LOW = 1,
  HIGH = 2,
}

struct Point {
  1: required i32 x
  2: i32 y = 7
}
