// The debugger page under load, shared by the browser test (structure) and
// the bench (timing): 10,000 transitions in history, then 20 live update
// batches and a filter change; reports the worst batch.

/** What {@linkcode UI_PERF_SCRIPT} returns. */
export interface UiPerf {
  /** Worst update batch, ms. */
  ms: number;
  /** Log rows in the DOM. */
  rows: number;
  /** Transitions in the machine's history. */
  total: number;
}

/** An expression for `page.evaluate` on the dbg page. */
export const UI_PERF_SCRIPT = `(() => {
  const { S, ingest, render, stats } = __amdbg;
  S.paused = false;
  const id = "perf-mach";
  const index = Array.from({ length: 40 }, (_, i) => "S" + i);
  ingest({ kind: "schema", msg: { ID: id, StatesIndex: index, States: {}, Parent: "sim" } });
  const clocks = index.map(() => 0);
  for (let i = 0; i < 10000; i++) {
    clocks[i % 40]++;
    ingest({ kind: "tx", machineId: id, cursor: i + 1, msg: {
      MachineID: id, ID: "t" + i, Clocks: clocks.slice(), Type: i % 3, Accepted: i % 7 !== 0,
      CalledStatesIdxs: [i % 40], Steps: [{ Type: 32, ToState: index[i % 40] }],
      IsQueued: i % 5 === 0 } });
  }
  S.selected = id;
  S.pos = -1;
  let worst = 0;
  for (let k = 0; k < 20; k++) {
    ingest({ kind: "tx", machineId: id, msg: { MachineID: id, ID: "live" + k,
      Clocks: clocks.slice(), Type: 0, Accepted: true, CalledStatesIdxs: [k] } });
    render();
    worst = Math.max(worst, stats.lastBatchMs);
  }
  document.getElementById("filter").value = "S1";
  document.getElementById("filter").dispatchEvent(new Event("input"));
  worst = Math.max(worst, stats.lastBatchMs);
  return { ms: worst, rows: stats.rows, total: S.txs.get(id).length };
})()`;
