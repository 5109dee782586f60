struct A {
  1: string a
  1: string b
}
