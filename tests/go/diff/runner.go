// The scenario runner: machines, handlers from the script, the tracer
// recording what each mutation produced.

package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	am "github.com/pancsta/asyncmachine-go/pkg/machine"
	"github.com/pancsta/asyncmachine-go/pkg/telemetry"
	amdbg "github.com/pancsta/asyncmachine-go/pkg/telemetry/dbg"
	amprom "github.com/pancsta/asyncmachine-go/pkg/telemetry/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

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
	// a panic of upstream in a nested mutation
	knownPanic string
	dbgSrv     *dbgServer
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
	// upstream's dbg tracer skips check mutations
	if r.dbgExpected > 0 && t.name == "main" && !mut.IsCheck {
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
	if r.dbgExpected > 0 && t.name == "main" && !tx.Mutation.IsCheck {
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
		r.dbgSrv = newDbgServer()
		if err := amdbg.TransitionsToDbg(m, r.dbgSrv.addr()); err != nil {
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
			res := r.mutateNested(a.Mut, e)
			if r.cur != nil {
				r.cur.Calls = append(r.cur.Calls, fmt.Sprintf("%s>%s=%d", key, a.Mut.Type, res))
			}
		}
	}
	return ret
}

// mutateNested is mutate from a handler: a panic of upstream there (its
// known exit-cancel one, in another machine's transition) would be taken
// for the handler's own; it's recorded before it goes on as upstream's.
func (r *runner) mutateNested(mut *Mut, e *am.Event) int {
	defer func() {
		if err := recover(); err != nil {
			if r.knownPanic == "" {
				r.knownPanic = fmt.Sprint(err) + panicSite()
			}
			panic(err)
		}
	}()
	return r.mutate(mut, e)
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
	case "canAdd":
		return int(m.CanAdd(mut.States, args))
	case "canRemove":
		return int(m.CanRemove(mut.States, args))
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
		if r.knownPanic != "" {
			// upstream panicked inside a handler: compared up to here
			out.Err = r.knownPanic
			break
		}
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
	if r.dbgSrv != nil {
		// (not after upstream's panic: the comparison drops them then)
		if r.knownPanic == "" {
			out.Dbg = r.dbgMessages(r.dbgSrv.wait(r.dbgExpected))
		}
		_ = r.dbgSrv.ln.Close()
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
