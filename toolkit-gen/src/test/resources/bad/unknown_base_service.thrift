service S extends Nope {
  void F()
}
