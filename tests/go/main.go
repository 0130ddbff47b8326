// A Go peer for the wire tests, standard library (+ x/net/websocket) only,
// with struct declarations matching asyncmachine-go's field names/types.
//
//	server <tcp-port> <http-port>  net/rpc RPCServer on TCP and on ws://…/dbg.ws;
//	                               prints each received message as a JSON line
//	encode                         writes a gob stream of mixed values to stdout
//	roundtrip                      gob Fuzz values on stdin, re-encoded to stdout
//	recording                      decodes a []*Exportable gob on stdin, prints counts
package main

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"os"
	"sync"
	"time"

	"golang.org/x/net/websocket"
)

type S []string
type Time []uint64
type MutationType int
type Relation int8
type StepType int8
type LogLevel int

type State struct {
	Auto    bool
	Multi   bool
	Require S
	Add     S
	Remove  S
	After   S
	Tags    []string
}
type Schema map[string]State

type Step struct {
	Type         StepType
	RelType      Relation
	IsFinal      bool
	IsSelf       bool
	IsEnter      bool
	FromState    string
	FromStateIdx int
	ToState      string
	ToStateIdx   int
	Data         any
}

type LogEntry struct {
	Level LogLevel
	Text  string
}

type DbgMsgStruct struct {
	ID          string
	StatesIndex S
	States      Schema
	Groups      map[string][]int
	GroupsOrder []string
	Parent      string
	Tags        []string
}

type DbgMsgTx struct {
	MachineID        string
	ID               string
	Clocks           Time
	QueueTick        uint64
	MutQueueToken    uint64
	MutQueueTick     uint64
	Type             MutationType
	CalledStates     []string
	CalledStatesIdxs []int
	Steps            []*Step
	LogEntries       []*LogEntry
	PreLogEntries    []*LogEntry
	Queue            int
	Time             *time.Time
	IsAuto           bool
	Accepted         bool
	IsCheck          bool
	IsQueued         bool
	Args             map[string]string
	QueueDump        []string
	StackTrace       string
}

type Exportable struct {
	MsgStruct *DbgMsgStruct
	MsgTxs    []*DbgMsgTx
	Version   string
}

// Fuzz covers the kinds the round trips exercise.
type Fuzz struct {
	I     int64
	U     uint64
	F     float64
	B     bool
	S     string
	Ints  []int
	Strs  []string
	M     map[string]int
	MM    map[string]map[int]string
	P     *LogEntry
	Ps    []*LogEntry
	Bytes []byte
}

type RPCServer struct {
	out *json.Encoder
	mx  *sync.Mutex
}

func (r *RPCServer) print(method string, msg any) {
	r.mx.Lock()
	defer r.mx.Unlock()
	_ = r.out.Encode(map[string]any{"method": method, "msg": msg})
}

func (r *RPCServer) DbgMsgSchema(m *DbgMsgStruct, _ *string) error {
	r.print("DbgMsgSchema", m)
	return nil
}

func (r *RPCServer) DbgMsgTx(m *DbgMsgTx, _ *string) error {
	r.print("DbgMsgTx", m)
	return nil
}

func server(tcpPort, httpPort string) {
	srv := rpc.NewServer()
	out := json.NewEncoder(os.Stdout)
	if err := srv.Register(&RPCServer{out: out, mx: &sync.Mutex{}}); err != nil {
		panic(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+tcpPort)
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go srv.ServeConn(conn)
		}
	}()
	// websocket.Server without a Handshake skips the Origin check
	http.Handle("/dbg.ws", websocket.Server{Handler: func(ws *websocket.Conn) {
		ws.PayloadType = websocket.BinaryFrame
		srv.ServeConn(ws)
	}})
	fmt.Fprintln(os.Stderr, "ready")
	if err := http.ListenAndServe("127.0.0.1:"+httpPort, nil); err != nil {
		panic(err)
	}
}

func encode() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := gob.NewEncoder(w)
	at := time.Date(2026, 11, 27, 22, 49, 44, 123000000, time.UTC)
	values := []any{
		&DbgMsgStruct{
			ID:          "go-mach",
			StatesIndex: S{"A", "B", "Exception"},
			States:      Schema{"A": {Auto: true, Require: S{"B"}, Tags: []string{"t:1"}}},
			Groups:      map[string][]int{"self": {0, 1}},
			GroupsOrder: []string{"self"},
			Parent:      "root",
			Tags:        []string{"env:go"},
		},
		&DbgMsgTx{
			MachineID:        "go-mach",
			ID:               "tx-go",
			Clocks:           Time{1, 18446744073709551615, 0},
			QueueTick:        7,
			MutQueueToken:    3,
			Type:             2,
			CalledStatesIdxs: []int{0, 1},
			Steps: []*Step{
				{Type: 1, RelType: 2, FromState: "A", ToState: "B", FromStateIdx: 0, ToStateIdx: 1},
				{Type: 2, IsFinal: true, IsEnter: true, ToState: "A", FromStateIdx: -1, Data: Relation(3)},
			},
			LogEntries:    []*LogEntry{{Level: 2, Text: "[state] +A ünï"}},
			PreLogEntries: []*LogEntry{{Level: 3, Text: "[queue:add] A"}},
			Queue:         -1,
			Time:          &at,
			Accepted:      true,
			Args:          map[string]string{"name": "x"},
		},
		"a plain string",
		int64(-42),
		[]float64{1.5, -0.25},
	}
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			panic(err)
		}
	}
}

func roundtrip() {
	dec := gob.NewDecoder(bufio.NewReader(os.Stdin))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := gob.NewEncoder(w)
	for {
		var f Fuzz
		if err := dec.Decode(&f); err == io.EOF {
			return
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "decode:", err)
			os.Exit(1)
		}
		if err := enc.Encode(&f); err != nil {
			fmt.Fprintln(os.Stderr, "encode:", err)
			os.Exit(1)
		}
	}
}

func recording() {
	var list []*Exportable
	if err := gob.NewDecoder(bufio.NewReader(os.Stdin)).Decode(&list); err != nil {
		fmt.Fprintln(os.Stderr, "decode:", err)
		os.Exit(1)
	}
	txs, steps, logs := 0, 0, 0
	for _, e := range list {
		for _, tx := range e.MsgTxs {
			txs++
			steps += len(tx.Steps)
			logs += len(tx.LogEntries)
		}
	}
	first := ""
	states := 0
	if len(list) > 0 && list[0].MsgStruct != nil {
		first = list[0].MsgStruct.ID
		states = len(list[0].MsgStruct.StatesIndex)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"machines": len(list), "txs": txs, "steps": steps, "logEntries": logs,
		"first": first, "states": states,
	})
}

func main() {
	gob.RegisterName("github.com/pancsta/asyncmachine-go/pkg/machine.Relation", Relation(0))
	switch os.Args[1] {
	case "server":
		server(os.Args[2], os.Args[3])
	case "encode":
		encode()
	case "roundtrip":
		roundtrip()
	case "recording":
		recording()
	}
}
