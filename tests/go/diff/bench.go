// The bench anchor: the add+remove workload on upstream's core.

package main

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"time"

	am "github.com/pancsta/asyncmachine-go/pkg/machine"
)

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
