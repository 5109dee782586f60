struct A {
  1: string a
  2: string a
}
