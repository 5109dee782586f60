include "nowhere.thrift"
struct A {
  1: string a
}
