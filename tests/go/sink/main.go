// sink: the receiving end of am-dbg's --fwd-data, decoding with upstream's
// own types (pkg/telemetry/dbg), so what it prints is what am-dbg decoded
// from our machines.
//
//	sink <port>   net/rpc on 127.0.0.1:<port> with RPCServer.DbgMsgSchemaFwd
//	              and RPCServer.DbgMsgTxFwd; one JSON line per message on stdout
package main

import (
	"encoding/gob"
	"encoding/json"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"sync"

	am "github.com/pancsta/asyncmachine-go/pkg/machine"
	"github.com/pancsta/asyncmachine-go/pkg/telemetry/dbg"
)

// DbgMsgSchemaFwd is am-dbg's tools/debugger/server.DbgMsgSchemaFwd.
type DbgMsgSchemaFwd struct {
	MsgStruct *dbg.DbgMsgStruct
	ConnId    string
}

// DbgMsgTx is am-dbg's tools/debugger/server.DbgMsgTx (the forwarded tx).
type DbgMsgTx struct {
	MsgTx  *dbg.DbgMsgTx
	ConnId string
}

type RPCServer struct {
	out *json.Encoder
	mx  *sync.Mutex
}

func (r *RPCServer) print(method, conn string, msg any) {
	r.mx.Lock()
	defer r.mx.Unlock()
	_ = r.out.Encode(map[string]any{"method": method, "conn": conn, "msg": msg})
}

func (r *RPCServer) DbgMsgSchemaFwd(m *DbgMsgSchemaFwd, _ *string) error {
	r.print("DbgMsgSchema", m.ConnId, m.MsgStruct)
	return nil
}

func (r *RPCServer) DbgMsgTxFwd(m *DbgMsgTx, _ *string) error {
	r.print("DbgMsgTx", m.ConnId, m.MsgTx)
	return nil
}

func main() {
	gob.Register(am.Relation(0))
	srv := rpc.NewServer()
	if err := srv.Register(&RPCServer{out: json.NewEncoder(os.Stdout), mx: &sync.Mutex{}}); err != nil {
		panic(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, "ready")
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go srv.ServeConn(conn)
	}
}
