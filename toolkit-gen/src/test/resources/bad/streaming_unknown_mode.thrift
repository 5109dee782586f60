service S {
  string F(1: string a) (streaming.mode="sideways")
}
