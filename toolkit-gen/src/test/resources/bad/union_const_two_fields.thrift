union U {
  1: string a
  2: i32 b
}
const U BOTH = {"a": "x", "b": 1}
