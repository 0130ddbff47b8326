// The Go side of the differential test (tests/differential_test.ts): runs
// JSON scenarios on upstream's pkg/machine (asyncmachine-go v0.19.1) and
// prints, per scenario, one JSON line with what each mutation produced.
//
//	diff            scenarios on stdin (one JSON per line), results on stdout
//	diff bench      the bench anchor: a BenchSpec on stdin (add+remove pairs,
//	                steps and log on), prints {"best":…,"median":…} pairs/s
//
// Scenarios run one at a time in this one process, so thousands take seconds.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	am "github.com/pancsta/asyncmachine-go/pkg/machine"
	"github.com/pancsta/asyncmachine-go/pkg/telemetry"
	amdbg "github.com/pancsta/asyncmachine-go/pkg/telemetry/dbg"
	amprom "github.com/pancsta/asyncmachine-go/pkg/telemetry/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// StateDef is a schema entry of a scenario.
type StateDef struct {
	Auto    bool     `json:"auto,omitempty"`
	Multi   bool     `json:"multi,omitempty"`
	Require []string `json:"require,omitempty"`
	Add     []string `json:"add,omitempty"`
	Remove  []string `json:"remove,omitempty"`
	After   []string `json:"after,omitempty"`
}

// Mut is a mutation, from outside or from a handler.
type Mut struct {
	On     string         `json:"on,omitempty"` // "main" (default) or "sub"
	Type   string         `json:"type"`         // add, remove, set, toggle
	States []string       `json:"states"`
	Args   map[string]any `json:"args,omitempty"`
	Ev     bool           `json:"ev,omitempty"` // EvAdd/EvRemove with the handler's event
}

// Action is one thing a handler does, while the handler's call count <= N.
type Action struct {
	N     int    `json:"n,omitempty"` // default 1
	Ret   *bool  `json:"ret,omitempty"`
	Throw string `json:"throw,omitempty"`
	Mut   *Mut   `json:"mut,omitempty"`
}

// Scenario is one differential case.
type Scenario struct {
	Name        string              `json:"name,omitempty"`
	Schema      map[string]StateDef `json:"schema"`
	Sub         map[string]StateDef `json:"sub,omitempty"`
	Handlers    map[string][]Action `json:"handlers,omitempty"`
	SubHandlers map[string][]Action `json:"subHandlers,omitempty"`
	Muts        []Mut               `json:"muts"`
	LogLevel    int                 `json:"logLevel,omitempty"` // default 3
	LogArgs     bool                `json:"logArgs,omitempty"`
	// Prom binds upstream's Prometheus metrics (legacy names) to main (and
	// so to sub); each outside mutation syncs and reads them.
	Prom bool `json:"prom,omitempty"`
	// Otel binds upstream's OtelMachTracer (in-memory exporter) to main (and
	// so to sub); the finished spans are returned once the machines end.
	Otel bool `json:"otel,omitempty"`
	// Dbg binds upstream's dbg tracer to main, sending to an in-process
	// net/rpc server (as am-dbg); the messages are returned in order.
	Dbg bool `json:"dbg,omitempty"`
}

// TxOut is one transition, as the tracer saw it at TransitionEnd.
type TxOut struct {
	M          string     `json:"m"`
	N          int        `json:"n"`
	Mut        string     `json:"mut"`
	Called     []int      `json:"called"`
	Auto       bool       `json:"auto"`
	Accepted   bool       `json:"accepted"`
	Target     []string   `json:"target"`
	Before     []string   `json:"before"`
	TimeBefore []uint64   `json:"timeBefore"`
	TimeAfter  []uint64   `json:"timeAfter"`
	QueueLen   int        `json:"queueLen"`
	QueueTick  uint64     `json:"queueTick"`
	QueueToken uint64     `json:"queueToken"`
	QTickNow   uint64     `json:"queueTickNow"`
	MutQLen    int32      `json:"mutQueueLen"`
	Source     string     `json:"source"`
	Steps      [][]any    `json:"steps"`
	Log        []string   `json:"log"`
	PreLog     []string   `json:"preLog"`
	ArgsK      any        `json:"argsK"`
	Queued     []string   `json:"queued"`
	Extra      []string   `json:"-"`
	timeRaw    [][]uint64 `json:"-"`
}

// MutOut is what one outside mutation produced.
type MutOut struct {
	Res       int                 `json:"res"`
	Active    map[string][]string `json:"active"`
	Clock     map[string][]uint64 `json:"clock"`
	Txs       []*TxOut            `json:"txs"`
	Calls     []string            `json:"calls"`
	Log       []string            `json:"log"`
	QueueTick map[string]uint64   `json:"queueTick"`
	Prom      map[string]float64  `json:"prom,omitempty"`
}

// Out is one scenario's result.
type Out struct {
	Name  string    `json:"name,omitempty"`
	Names []string  `json:"names"`
	Subs  []string  `json:"subNames,omitempty"`
	Muts  []*MutOut `json:"muts"`
	Err   string    `json:"err,omitempty"`
	Spans []Span    `json:"spans,omitempty"`
	// Dbg: the dbg messages main's tracer sent, in order
	Dbg []DbgOut `json:"dbg,omitempty"`
}

type runner struct {
	sc      *Scenario
	mach    map[string]*am.Machine
	txIds   map[string]int
	txCount int
	cur     *MutOut
	calls   map[string]int
	queued  map[string][]string
	prom    *amprom.Metrics
	reg     *prometheus.Registry
	otel    *telemetry.OtelMachTracer
	spans   *tracetest.InMemoryExporter
	// dbg messages expected from main's tracer so far
	dbgExpected int
}

type tracer struct {
	*am.TracerNoOp
	r    *runner
	name string
}

func (t *tracer) TransitionInit(tx *am.Transition) {
	t.r.txIds[tx.Id] = t.r.txCount
	t.r.txCount++
}

func (t *tracer) MutationQueued(_ am.Api, mut *am.Mutation) {
	r := t.r
	if r.dbgExpected > 0 && t.name == "main" {
		r.dbgExpected++
	}
	m := r.mach[t.name]
	if r.cur == nil || m == nil {
		return
	}
	r.queued[t.name] = append(r.queued[t.name], fmt.Sprintf("%s tick=%d token=%d len=%d now=%d auto=%v",
		mut.StringFromIndex(m.StateNames()), mut.QueueTick, mut.QueueToken, mut.QueueLen,
		mut.QueueTickNow, mut.IsAuto))
}

func (t *tracer) TransitionEnd(tx *am.Transition) {
	r := t.r
	if r.dbgExpected > 0 && t.name == "main" {
		r.dbgExpected++
	}
	if r.cur == nil {
		return
	}
	m := r.mach[t.name]
	mut := tx.Mutation
	out := &TxOut{
		M:          t.name,
		N:          r.txIds[tx.Id],
		Mut:        mut.StringFromIndex(m.StateNames()),
		Called:     mut.Called,
		Auto:       mut.IsAuto,
		Accepted:   tx.IsAccepted.Load(),
		Target:     nonNil(tx.TargetStates()),
		Before:     nonNil(tx.StatesBefore()),
		TimeBefore: tx.TimeBefore,
		TimeAfter:  tx.TimeAfter,
		QueueLen:   int(tx.QueueLen),
		QueueTick:  mut.QueueTick,
		QueueToken: mut.QueueToken,
		QTickNow:   mut.QueueTickNow,
		MutQLen:    mut.QueueLen,
		Steps:      [][]any{},
		Log:        []string{},
		PreLog:     []string{},
		ArgsK:      mut.Args["k"],
		Queued:     nonNil(r.queued[t.name]),
	}
	r.queued[t.name] = nil
	if mut.Source != nil {
		out.Source = fmt.Sprintf("%s/%s/%d", mut.Source.MachId, r.normTx(mut.Source.TxId),
			mut.Source.MachTime)
	}
	for _, s := range tx.Steps {
		out.Steps = append(out.Steps, []any{int(s.Type), int(s.RelType), s.IsFinal, s.IsSelf,
			s.IsEnter, s.FromState, s.FromStateIdx, s.ToState, s.ToStateIdx})
	}
	for _, e := range tx.LogEntries {
		if int(e.Level) <= r.level() {
			out.Log = append(out.Log, fmt.Sprintf("%d %s", e.Level, r.norm(e.Text)))
		}
	}
	for _, e := range tx.PreLogEntries {
		if int(e.Level) <= r.level() {
			out.PreLog = append(out.PreLog, fmt.Sprintf("%d %s", e.Level, r.norm(e.Text)))
		}
	}
	r.cur.Txs = append(r.cur.Txs, out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (r *runner) level() int {
	if r.sc.LogLevel == 0 {
		return 3
	}
	return r.sc.LogLevel
}

func (r *runner) normTx(id string) string {
	if n, ok := r.txIds[id]; ok {
		return "tx" + strconv.Itoa(n)
	}
	return "tx?"
}

// norm replaces transition ids with their sequence numbers.
func (r *runner) norm(s string) string {
	if !strings.Contains(s, "[source]") {
		return s
	}
	for id, n := range r.txIds {
		s = strings.ReplaceAll(s, id, "tx"+strconv.Itoa(n))
	}
	return s
}

func (r *runner) schema(defs map[string]StateDef) am.Schema {
	ret := am.Schema{}
	for name, d := range defs {
		ret[name] = am.State{Auto: d.Auto, Multi: d.Multi, Require: d.Require, Add: d.Add,
			Remove: d.Remove, After: d.After}
	}
	return ret
}

func (r *runner) newMach(name string, defs map[string]StateDef, parent am.Api) *am.Machine {
	tr := &tracer{TracerNoOp: &am.TracerNoOp{Id: "diff-" + name}, r: r, name: name}
	opts := &am.Opts{
		Id:                name,
		HandlerTimeout:    20 * time.Second,
		HandlerDeadline:   30 * time.Second,
		DontLogStackTrace: true,
		Tracers:           []am.Tracer{tr},
		Parent:            parent,
		Resolver:          &pinned{&am.DefaultRelationsResolver{}},
	}
	m := am.New(context.Background(), r.schema(defs), opts)
	if r.sc.Prom && parent == nil {
		// bound before the log level is set, as the TS runner does
		r.reg = prometheus.NewRegistry()
		r.prom = amprom.BindMach(m)
		amprom.BindToRegistry(r.prom, r.reg)
	}
	if r.sc.Dbg && parent == nil {
		dbgSrv.reset()
		if err := amdbg.TransitionsToDbg(m, dbgSrv.addr()); err != nil {
			panic(err)
		}
		// the schema message, then one per queued mutation and transition
		r.dbgExpected = 1
	}
	if r.sc.Otel && parent == nil {
		r.spans = tracetest.NewInMemoryExporter()
		provider := sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
		r.otel = telemetry.NewOtelMachTracer(m, nil, provider.Tracer("diff"),
			&telemetry.OtelMachTracerOpts{Logf: func(string, ...any) {}})
		// upstream's MachBindOtel* bind and init by hand
		_, _ = m.BindTracer(r.otel)
		r.otel.MachineInit(m)
	}
	sem := m.SemLogger()
	sem.SetLogger(func(level am.LogLevel, msg string, args ...any) {
		if r.cur != nil && int(level) <= r.level() {
			r.cur.Log = append(r.cur.Log, fmt.Sprintf("%d %s", level, r.norm(fmt.Sprintf(msg, args...))))
		}
	})
	sem.SetLevel(am.LogLevel(r.level()))
	sem.EnableSteps(true)
	if r.sc.LogArgs {
		sem.SetArgsMapper(am.NewLogArgsMapper(0, am.LogArgs))
		// dbg messages carry args only with this on (ours: with a mapper)
		sem.EnableArgs(true)
	}
	return m
}

// pinned is upstream's DefaultRelationsResolver with its two Go-map
// iterations pinned to the state index order (upstream's order is random per
// run, so any fixed order is one upstream can take): the Require topology's
// DFS start order (NewSchema), and the Auto states' order (NewAutoMutation).
// Everything else is upstream's code.
type pinned struct {
	*am.DefaultRelationsResolver
}

// NewSchema builds upstream's Require topology, in index order.
func (p *pinned) NewSchema(schema am.Schema, names am.S) {
	p.Index = names
	visited := map[string]bool{}
	temp := map[string]bool{}
	var stack am.S
	cycle := false
	var visit func(string)
	visit = func(node string) {
		if cycle || visited[node] {
			return
		}
		if temp[node] {
			cycle = true
			return
		}
		temp[node] = true
		for _, req := range schema[node].Require {
			visit(req)
		}
		temp[node] = false
		visited[node] = true
		stack = append(stack, node)
	}
	for _, name := range names {
		if len(schema[name].Require) > 0 {
			visit(name)
		}
	}
	if cycle {
		// upstream keeps states unsorted on a cycle
		stack = nil
	}
	field(p.DefaultRelationsResolver, "topology").Set(reflect.ValueOf(stack))
}

// NewAutoMutation is upstream's, iterating states in index order.
func (p *pinned) NewAutoMutation() (*am.Mutation, am.S) {
	m := p.Transition.Machine
	schema := m.Schema()
	active := m.ActiveStates(nil)
	var toAdd am.S
	for _, s := range m.StateNames() {
		if !schema[s].Auto || slices.Contains(active, s) {
			continue
		}
		blocked := false
		for _, a := range active {
			if slices.Contains(schema[a].Remove, s) {
				blocked = true
				break
			}
		}
		if !blocked {
			toAdd = append(toAdd, s)
		}
	}
	if len(toAdd) == 0 {
		return nil, nil
	}
	return &am.Mutation{Type: am.MutationAdd, Called: m.Index(toAdd), IsAuto: true}, toAdd
}

// field is an unexported struct field, made settable.
func field(ptr any, name string) reflect.Value {
	f := reflect.ValueOf(ptr).Elem().FieldByName(name)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

func (r *runner) bind(name string, handlers map[string][]Action) {
	if len(handlers) == 0 {
		return
	}
	negs := map[string]am.HandlerNegotiation{}
	finals := map[string]am.HandlerFinal{}
	for hName, actions := range handlers {
		hName, actions := hName, actions
		fn := func(e *am.Event) bool {
			return r.handler(name, hName, actions, e)
		}
		if strings.HasSuffix(hName, "State") || strings.HasSuffix(hName, "End") {
			finals[hName] = func(e *am.Event) { fn(e) }
		} else {
			negs[hName] = fn
		}
	}
	_, err := r.mach[name].HandlersBindMaps(negs, finals, am.BindOpts{Id: "h-" + name})
	if err != nil {
		panic(err)
	}
}

// panicSite is " at file.go:line" of the innermost pkg/machine frame of a
// panic, so the test can tell upstream's known panics from others.
func panicSite() string {
	for _, line := range strings.Split(string(debug.Stack()), "\n") {
		if i := strings.Index(line, "pkg/machine/"); i >= 0 {
			site := line[i+len("pkg/machine/"):]
			if j := strings.Index(site, " "); j >= 0 {
				site = site[:j]
			}
			return " at " + site
		}
	}
	return ""
}

func (r *runner) handler(mach, name string, actions []Action, e *am.Event) bool {
	key := mach + ":" + name
	r.calls[key]++
	count := r.calls[key]
	call := key
	if k, ok := e.Args["k"]; ok {
		call += fmt.Sprintf("(k=%v)", k)
	}
	if r.cur != nil {
		r.cur.Calls = append(r.cur.Calls, call)
	}
	ret := true
	for _, a := range actions {
		n := a.N
		if n == 0 {
			n = 1
		}
		if count > n {
			continue
		}
		switch {
		case a.Ret != nil:
			ret = *a.Ret
		case a.Throw != "":
			// upstream doesn't restart its handler loop after a panic in a
			// transition calling Exception (a deadlock): skip, on both sides
			if e.Mutation().IsCalled(e.Machine().Index1(am.StateException)) {
				if r.cur != nil {
					r.cur.Calls = append(r.cur.Calls, key+">nothrow")
				}
				continue
			}
			panic(a.Throw)
		case a.Mut != nil:
			res := r.mutate(a.Mut, e)
			if r.cur != nil {
				r.cur.Calls = append(r.cur.Calls, fmt.Sprintf("%s>%s=%d", key, a.Mut.Type, res))
			}
		}
	}
	return ret
}

func (r *runner) mutate(mut *Mut, e *am.Event) int {
	on := mut.On
	if on == "" {
		on = "main"
	}
	m := r.mach[on]
	if m == nil {
		return -1
	}
	var args am.A
	if mut.Args != nil {
		args = am.A{}
		for k, v := range mut.Args {
			args[k] = v
		}
	}
	ev := mut.Ev && e != nil
	switch mut.Type {
	case "add":
		if ev {
			return int(m.EvAdd(e, mut.States, args))
		}
		return int(m.Add(mut.States, args))
	case "remove":
		if ev {
			return int(m.EvRemove(e, mut.States, args))
		}
		return int(m.Remove(mut.States, args))
	case "set":
		return int(m.Set(mut.States, args))
	case "toggle":
		if ev {
			return int(m.EvToggle(e, mut.States, args))
		}
		return int(m.Toggle(mut.States, args))
	}
	return -1
}

func run(sc *Scenario) (out *Out) {
	out = &Out{Name: sc.Name, Muts: []*MutOut{}}
	defer func() {
		if err := recover(); err != nil {
			out.Err = fmt.Sprint(err) + panicSite()
			if os.Getenv("DIFF_STACK") != "" {
				debug.PrintStack()
			}
		}
	}()
	r := &runner{sc: sc, mach: map[string]*am.Machine{}, txIds: map[string]int{},
		calls: map[string]int{}, queued: map[string][]string{}}
	r.mach["main"] = r.newMach("main", sc.Schema, nil)
	if sc.Sub != nil {
		r.mach["sub"] = r.newMach("sub", sc.Sub, r.mach["main"])
	}
	r.bind("main", sc.Handlers)
	if sc.Sub != nil {
		r.bind("sub", sc.SubHandlers)
	}
	out.Names = r.mach["main"].StateNames()
	if sub := r.mach["sub"]; sub != nil {
		out.Subs = sub.StateNames()
	}
	for i := range sc.Muts {
		cur := &MutOut{Active: map[string][]string{}, Clock: map[string][]uint64{},
			Txs: []*TxOut{}, Calls: []string{}, Log: []string{}, QueueTick: map[string]uint64{}}
		r.cur = cur
		cur.Res = r.mutate(&sc.Muts[i], nil)
		for name, m := range r.mach {
			cur.Active[name] = nonNil(m.ActiveStates(nil))
			cur.Clock[name] = m.Time(nil)
			cur.QueueTick[name] = m.QueueTick()
		}
		if r.prom != nil {
			r.prom.Sync()
			cur.Prom = map[string]float64{}
			fams, err := r.reg.Gather()
			if err != nil {
				panic(err)
			}
			for _, f := range fams {
				for _, mt := range f.GetMetric() {
					if g := mt.GetGauge(); g != nil {
						cur.Prom[f.GetName()] = g.GetValue()
					}
				}
			}
		}
		r.cur = nil
		out.Muts = append(out.Muts, cur)
	}
	if r.dbgExpected > 0 {
		out.Dbg = r.dbgMessages(dbgSrv.wait(r.dbgExpected))
	}
	if r.otel != nil {
		// Dispose is async upstream: end the spans now, sub first
		if r.mach["sub"] != nil {
			r.otel.MachineDispose("sub")
		}
		r.otel.MachineDispose("main")
		out.Spans = r.spanTree()
	}
	for _, m := range r.mach {
		m.Dispose()
	}
	return out
}

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
type dbgServer struct {
	once sync.Once
	ln   net.Listener
	mx   sync.Mutex
	msgs []DbgOut
}

var dbgSrv = &dbgServer{}

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

func (s *dbgServer) addr() string {
	s.once.Do(func() {
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
	})
	return s.ln.Addr().String()
}

func (s *dbgServer) reset() {
	s.mx.Lock()
	defer s.mx.Unlock()
	s.msgs = nil
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

// BenchSpec is the bench anchor's workload, the same the TS bench runs:
// `pairs` add+remove pairs of `state` on a machine with `active` states,
// steps and an Ops-level log on, for `rounds` timed rounds after `warmup`.
type BenchSpec struct {
	Schema map[string]StateDef `json:"schema"`
	Active []string            `json:"active"`
	State  string              `json:"state"`
	Pairs  int                 `json:"pairs"`
	Rounds int                 `json:"rounds"`
	Warmup int                 `json:"warmup"`
}

// bench runs a BenchSpec from stdin and prints the fastest and the median
// round as pairs/s.
func bench() {
	spec := &BenchSpec{}
	if err := json.NewDecoder(os.Stdin).Decode(spec); err != nil {
		panic(err)
	}
	r := &runner{sc: &Scenario{}}
	m := am.New(context.Background(), r.schema(spec.Schema), &am.Opts{Id: "bench"})
	m.SemLogger().SetLogger(func(am.LogLevel, string, ...any) {})
	m.SemLogger().SetLevel(am.LogOps)
	m.SemLogger().EnableSteps(true)
	m.Add(spec.Active, nil)
	var samples []float64
	for round := 0; round < spec.Rounds+spec.Warmup; round++ {
		start := time.Now()
		for i := 0; i < spec.Pairs; i++ {
			m.Add1(spec.State, nil)
			m.Remove1(spec.State, nil)
		}
		if round >= spec.Warmup {
			samples = append(samples, time.Since(start).Seconds())
		}
	}
	if m.Is1(spec.State) {
		panic("bench loop broken")
	}
	slices.Sort(samples)
	pairs := float64(spec.Pairs)
	_ = json.NewEncoder(os.Stdout).Encode(map[string]float64{
		"best":   pairs / samples[0],
		"median": pairs / samples[len(samples)/2],
	})
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		bench()
		return
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			sc := &Scenario{}
			if jerr := json.Unmarshal(line, sc); jerr != nil {
				_ = enc.Encode(&Out{Err: "bad scenario: " + jerr.Error()})
			} else {
				_ = enc.Encode(run(sc))
			}
			// flush per line: the test reads results as they come
			_ = w.Flush()
		}
		if err != nil {
			return
		}
	}
}
