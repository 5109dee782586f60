struct A {
  1: string a
}
struct A {
  1: string b
}
