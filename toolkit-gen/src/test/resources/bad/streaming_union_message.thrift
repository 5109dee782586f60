union U {
  1: string a
}
struct R {
  1: string b
}
service S {
  R F(1: U u) (streaming.mode="server")
}
