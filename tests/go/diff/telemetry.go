// Upstream's telemetry in the scenarios: OTel spans and dbg messages (the
// Prometheus metrics are read in run).

package main

import (
	"fmt"
	"net"
	"net/rpc"
	"slices"
	"strings"
	"sync"
	"time"

	amdbg "github.com/pancsta/asyncmachine-go/pkg/telemetry/dbg"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Span is a finished span: the path of names from the root, the attributes
// (tx ids as transition numbers), the events and the number of links.
type Span struct {
	Path   string            `json:"path"`
	Attrs  map[string]string `json:"attrs"`
	Events []string          `json:"events"`
	Links  int               `json:"links"`
}

// spanTree returns the finished spans, sorted by path, then attributes.
func (r *runner) spanTree() []Span {
	spans := r.spans.GetSpans()
	byId := map[string]tracetest.SpanStub{}
	for _, sp := range spans {
		byId[sp.SpanContext.SpanID().String()] = sp
	}
	var path func(sp tracetest.SpanStub) string
	path = func(sp tracetest.SpanStub) string {
		p, ok := byId[sp.Parent.SpanID().String()]
		if !sp.Parent.IsValid() || !ok {
			return sp.Name
		}
		return path(p) + " > " + sp.Name
	}
	ret := []Span{}
	for _, sp := range spans {
		out := Span{Path: path(sp), Attrs: map[string]string{}, Events: []string{},
			Links: len(sp.Links)}
		for _, kv := range sp.Attributes {
			v := kv.Value.Emit()
			if kv.Key == "tx_id" {
				v = r.normTx(v)
			}
			out.Attrs[string(kv.Key)] = v
		}
		for _, ev := range sp.Events {
			e := ev.Name
			for _, kv := range ev.Attributes {
				e += " " + string(kv.Key) + "=" + kv.Value.Emit()
			}
			out.Events = append(out.Events, e)
		}
		ret = append(ret, out)
	}
	return ret
}

// DbgOut is one dbg message: "DbgMsgSchema" or "DbgMsgTx" and its fields.
type DbgOut struct {
	Method string `json:"method"`
	Params any    `json:"params"`
}

// dbgServer is an in-process am-dbg stand-in: upstream's dbg tracer sends to
// it over net/rpc (TCP loopback), it keeps the messages in arrival order.
// One per scenario: a previous scenario's late messages go to its own.
type dbgServer struct {
	ln   net.Listener
	mx   sync.Mutex
	msgs []DbgOut
}

// RPCServer has am-dbg's RPC methods.
type RPCServer struct{ s *dbgServer }

// DbgMsgSchema receives a schema message.
func (r *RPCServer) DbgMsgSchema(msg *amdbg.DbgMsgStruct, reply *string) error {
	r.s.mx.Lock()
	defer r.s.mx.Unlock()
	r.s.msgs = append(r.s.msgs, DbgOut{"DbgMsgSchema", msg})
	return nil
}

// DbgMsgTx receives a transition (or queued mutation) message.
func (r *RPCServer) DbgMsgTx(msg *amdbg.DbgMsgTx, reply *string) error {
	r.s.mx.Lock()
	defer r.s.mx.Unlock()
	r.s.msgs = append(r.s.msgs, DbgOut{"DbgMsgTx", msg})
	return nil
}

// newDbgServer listens on a free loopback port.
func newDbgServer() *dbgServer {
	s := &dbgServer{}
	srv := rpc.NewServer()
	if err := srv.Register(&RPCServer{s}); err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s.ln = ln
	go srv.Accept(ln)
	return s
}

func (s *dbgServer) addr() string {
	return s.ln.Addr().String()
}

// wait returns the messages once n arrived (they're sent asynchronously).
func (s *dbgServer) wait(n int) []DbgOut {
	end := time.Now().Add(10 * time.Second)
	for time.Now().Before(end) {
		s.mx.Lock()
		got := len(s.msgs)
		s.mx.Unlock()
		if got >= n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s.mx.Lock()
	defer s.mx.Unlock()
	if len(s.msgs) != n {
		panic(fmt.Sprintf("dbg: %d messages, expected %d", len(s.msgs), n))
	}
	return s.msgs
}

// dbgMessages normalises transition ids (txN, queued "txN-k") and drops
// stack traces.
func (r *runner) dbgMessages(msgs []DbgOut) []DbgOut {
	for _, m := range msgs {
		tx, ok := m.Params.(*amdbg.DbgMsgTx)
		if !ok {
			continue
		}
		tx.StackTrace = ""
		for _, e := range slices.Concat(tx.LogEntries, tx.PreLogEntries) {
			if e != nil {
				e.Text = r.norm(e.Text)
			}
		}
		if tx.IsQueued {
			i := strings.LastIndex(tx.ID, "-")
			if tx.ID[:i] == "" {
				tx.ID = "-" + tx.ID[i+1:]
			} else {
				tx.ID = r.normTx(tx.ID[:i]) + tx.ID[i:]
			}
		} else {
			tx.ID = r.normTx(tx.ID)
		}
	}
	return msgs
}
