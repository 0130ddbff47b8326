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
	"encoding/json"
	"os"
	"strings"
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
