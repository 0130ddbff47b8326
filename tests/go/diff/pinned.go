// Upstream's resolver with its Go-map iteration order pinned.

package main

import (
	"reflect"
	"slices"
	"unsafe"

	am "github.com/pancsta/asyncmachine-go/pkg/machine"
)

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
