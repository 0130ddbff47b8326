// upstream: asyncmachine-go v0.19.1's own machines (pkg/machine) and dbg
// telemetry (pkg/telemetry/dbg, TransitionsToDbg) against our endpoint, and
// am-dbg's own recording type (tools/debugger/server.Exportable).
//
//	upstream scenario <host:port> [ws] [hold]  runs a fixed scenario, each
//	    machine traced to <host:port> (TCP, or ws://<host:port>/dbg.ws with
//	    "ws") and to an in-process net/rpc recorder; prints what the recorder
//	    got (= what the dbg tracer sent) as JSON lines {"method","msg"}, then
//	    {"summary":{machines, schemas, txs, steps, logEntries}}; with "hold"
//	    stays connected until stdin closes
//	upstream gobwire rpc|recording      one schema and one transition as
//	    upstream's client / am-dbg's export encode them (raw gob on stdout)
//	upstream recording                  decodes a .gob.br on stdin as am-dbg's
//	    --import-data does; prints {"summary":…} and each Exportable as JSON
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	am "github.com/pancsta/asyncmachine-go/pkg/machine"
	"github.com/pancsta/asyncmachine-go/pkg/telemetry/dbg"
	"github.com/pancsta/asyncmachine-go/tools/debugger/server"
)

// recorder is an am-dbg RPCServer keeping what it receives, in order.
type recorder struct {
	mx   sync.Mutex
	msgs []map[string]any
}

type RPCServer struct{ r *recorder }

func (s *RPCServer) DbgMsgSchema(m *dbg.DbgMsgStruct, _ *string) error {
	s.r.add("DbgMsgSchema", m)
	return nil
}

func (s *RPCServer) DbgMsgTx(m *dbg.DbgMsgTx, _ *string) error {
	s.r.add("DbgMsgTx", m)
	return nil
}

func (r *recorder) add(method string, msg any) {
	r.mx.Lock()
	defer r.mx.Unlock()
	r.msgs = append(r.msgs, map[string]any{"method": method, "msg": msg})
}

func (r *recorder) len() int {
	r.mx.Lock()
	defer r.mx.Unlock()
	return len(r.msgs)
}

func listenRecorder() (*recorder, string) {
	rec := &recorder{}
	srv := rpc.NewServer()
	if err := srv.Register(&RPCServer{rec}); err != nil {
		panic(err)
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go srv.ServeConn(c)
		}
	}()
	return rec, l.Addr().String()
}

// RootHandlers queue a mutation from inside a transition (a queued message).
type RootHandlers struct{}

func (h *RootHandlers) StartState(e *am.Event) {
	e.Machine().Add1("Msg", am.A{"name": "from-start"})
}

func scenario(addr string, ws, hold bool) {
	rec, recAddr := listenRecorder()
	ctx := context.Background()
	var machs []*am.Machine
	trace := func(m *am.Machine) {
		// steps and args on the wire, as am-dbg users turn them on
		m.SemLogger().EnableSteps(true)
		m.SemLogger().EnableArgs(true)
		if err := dbg.TransitionsToDbg(m, addr, &dbg.Opts{WebSocket: ws}); err != nil {
			panic(err)
		}
		if err := dbg.TransitionsToDbg(m, recAddr); err != nil {
			panic(err)
		}
		machs = append(machs, m)
	}
	logArgs := am.NewLogArgsMapper(0, []string{"name"})

	// the root: Auto, Multi, an Exception, a handler queueing a mutation
	root := am.New(ctx, am.Schema{
		"Start": {},
		"Ready": {Auto: true, Require: am.S{"Start"}, Tags: []string{"ready:1"}},
		"Msg":   {Multi: true},
	}, &am.Opts{Id: "go-root", Tags: []string{"env:go", "scenario"}, LogLevel: am.LogChanges,
		LogArgs: logArgs})
	root.SetGroupsString(map[string]am.S{"self": {"Start", "Ready"}, "msgs": {"Msg"}},
		[]string{"self", "msgs"})
	if _, err := root.HandlersBind(&RootHandlers{}); err != nil {
		panic(err)
	}
	trace(root)

	// submachines: upstream's relations playground (Quiz, FileProcessed, DryWaterWet)
	quiz := am.New(ctx, am.Schema{
		"A": {Add: am.S{"B"}},
		"B": {Require: am.S{"D"}, Add: am.S{"C"}},
		"C": {},
		"D": {Remove: am.S{"C"}},
		"E": {Add: am.S{"D"}},
	}, &am.Opts{Id: "go-quiz", Parent: root, LogLevel: am.LogOps})
	trace(quiz)
	files := am.New(ctx, am.Schema{
		"ProcessingFile": {Remove: am.S{"FileProcessed"}},
		"FileProcessed":  {Remove: am.S{"ProcessingFile"}},
		"InProgress":     {Auto: true, Require: am.S{"ProcessingFile"}},
	}, &am.Opts{Id: "go-files", Parent: root, Tags: []string{"kind:files"}, LogLevel: am.LogChanges})
	trace(files)
	water := am.New(ctx, am.Schema{
		"Wet":   {Require: am.S{"Water"}},
		"Dry":   {Remove: am.S{"Water"}},
		"Water": {Add: am.S{"Wet"}, Remove: am.S{"Dry"}},
	}, &am.Opts{Id: "go-water", Parent: quiz, LogLevel: am.LogChanges})
	trace(water)

	root.Add1("Start", nil)
	root.Add1("Msg", am.A{"name": "one"})
	root.Add1("Msg", am.A{"name": "two"})
	quiz.Add(am.S{"A", "E"}, nil)
	files.Add1("ProcessingFile", nil)
	files.Add1("FileProcessed", nil)
	water.Add1("Dry", nil)
	water.Add1("Water", nil)
	water.Add1("Dry", nil)
	root.AddErr(errors.New("boom"), nil)
	root.Remove1("Exception", nil)
	root.Remove1("Start", nil)

	// the tracers send from their own goroutines: wait until quiet
	last, still := -1, 0
	for still < 5 {
		time.Sleep(100 * time.Millisecond)
		if n := rec.len(); n == last {
			still++
		} else {
			last, still = n, 0
		}
	}

	out := json.NewEncoder(os.Stdout)
	rec.mx.Lock()
	defer rec.mx.Unlock()
	schemas, txs, steps, logs := 0, 0, 0, 0
	for _, m := range rec.msgs {
		if tx, ok := m["msg"].(*dbg.DbgMsgTx); ok {
			txs++
			steps += len(tx.Steps)
			logs += len(tx.LogEntries)
		} else {
			schemas++
		}
		_ = out.Encode(m)
	}
	ids := []string{}
	for _, m := range machs {
		ids = append(ids, m.Id())
	}
	_ = out.Encode(map[string]any{"summary": map[string]any{
		"machines": ids, "schemas": schemas, "txs": txs, "steps": steps, "logEntries": logs,
	}})

	// "hold": stay connected (am-dbg exports connected machines) until stdin closes
	if hold {
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	}
}

func recording() {
	var list []*server.Exportable
	dec := gob.NewDecoder(brotli.NewReader(bufio.NewReader(os.Stdin)))
	if err := dec.Decode(&list); err != nil {
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
	out := json.NewEncoder(os.Stdout)
	_ = out.Encode(map[string]any{"summary": map[string]any{
		"machines": len(list), "txs": txs, "steps": steps, "logEntries": logs,
	}})
	for _, e := range list {
		_ = out.Encode(e)
	}
}

// gobWire writes, raw, what upstream's client puts on the wire for one
// schema and one transition ("rpc": net/rpc's gob stream of header, body,
// header, body), or what am-dbg's export writes for them ("recording": gob
// of []*server.Exportable, before Brotli). Maps have one entry, so the bytes
// are deterministic.
func gobWire(what string) {
	at := time.Date(2026, 11, 27, 22, 49, 44, 123000000, time.UTC)
	schema := &dbg.DbgMsgStruct{
		ID:          "go-mach",
		StatesIndex: am.S{"A", "B"},
		States: am.Schema{"A": {Auto: true, Multi: true, Require: am.S{"B"}, Add: am.S{"B"},
			Remove: am.S{"B"}, After: am.S{"B"}, Tags: []string{"t:1"}}},
		Groups:      map[string][]int{"self": {0, 1}},
		GroupsOrder: []string{"self"},
		Parent:      "root",
		Tags:        []string{"env:go"},
	}
	tx := &dbg.DbgMsgTx{
		MachineID: "go-mach", ID: "tx-1", Clocks: am.Time{1, 2}, QueueTick: 3,
		MutQueueToken: 4, MutQueueTick: 5, Type: am.MutationRemove,
		CalledStates: []string{"A"}, CalledStatesIdxs: []int{0},
		Steps: []*am.Step{{Type: am.StepRelation, RelType: am.RelationRequire, IsFinal: true,
			IsSelf: true, IsEnter: true, FromState: "A", FromStateIdx: 0, ToState: "B",
			ToStateIdx: 1}},
		LogEntries:    []*am.LogEntry{{Level: am.LogChanges, Text: "[state] +A"}},
		PreLogEntries: []*am.LogEntry{{Level: am.LogOps, Text: "[queue:add] A"}},
		Queue:         6, Time: &at, IsAuto: true, Accepted: true, IsCheck: true, IsQueued: true,
		Args: map[string]string{"name": "x"}, QueueDump: []string{"q"}, StackTrace: "trace",
	}
	// gob numbers types per process from 64; a real client has used one type
	// before its first call (the recorded vectors start at 65), so do that
	_ = gob.NewEncoder(io.Discard).Encode(struct{ N int }{1})
	// one stream per process: gob names a struct type once per process, by
	// where it first met it (a call's body: named; a slice's element: not)
	var buf bytes.Buffer
	if what == "recording" {
		data := []*server.Exportable{{MsgStruct: schema, MsgTxs: []*dbg.DbgMsgTx{tx}, Version: "v0.19.1"}}
		if err := gob.NewEncoder(&buf).Encode(data); err != nil {
			panic(err)
		}
		_, _ = os.Stdout.Write(buf.Bytes())
		return
	}
	enc := gob.NewEncoder(&buf)
	for i, body := range []any{schema, tx} {
		method := "RPCServer.DbgMsgSchema"
		if i == 1 {
			method = "RPCServer.DbgMsgTx"
		}
		if err := enc.Encode(&rpc.Request{ServiceMethod: method, Seq: uint64(i)}); err != nil {
			panic(err)
		}
		if err := enc.Encode(body); err != nil {
			panic(err)
		}
	}
	_, _ = os.Stdout.Write(buf.Bytes())
}

func main() {
	gob.Register(am.Relation(0))
	switch os.Args[1] {
	case "scenario":
		flag := func(f string) bool { return slices.Contains(os.Args[3:], f) }
		scenario(os.Args[2], flag("ws"), flag("hold"))
	case "recording":
		recording()
	case "gobwire":
		gobWire(os.Args[2])
	default:
		fmt.Fprintln(os.Stderr, "usage: upstream scenario <addr> [ws] | recording")
		os.Exit(2)
	}
}
