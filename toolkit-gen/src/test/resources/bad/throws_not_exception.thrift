struct E {
  1: string x
}
service S {
  void F() throws (1: E e)
}
