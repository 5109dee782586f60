service S {
  string F(1: string a, 2: string b) (streaming.mode="bidirectional")
}
