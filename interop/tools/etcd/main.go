// Command etcd is etcd's own server (go.etcd.io/etcd/server/v3/etcdmain), built here because etcd's
// main package lives in its root module, which the Go module proxy does not serve at every version.
// The tests start it through GoTools.etcd(); nothing here is Weft's own code.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
