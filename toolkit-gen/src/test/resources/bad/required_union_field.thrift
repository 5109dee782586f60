union U {
  1: required string a
}
