union U {
  1: string a = "x"
}
