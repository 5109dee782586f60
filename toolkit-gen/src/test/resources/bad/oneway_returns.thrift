service S {
  oneway i32 F()
}
