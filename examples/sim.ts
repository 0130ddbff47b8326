// A workload modelled on asyncmachine-go's libp2p-pubsub "sim": a root
// machine adds and removes peers and topics (submachines); peers connect
// (auto states, queued mutations), join topics (Multi states) and send
// messages, occasionally failing (Exception).

import { type HandlerEvent, Machine, type Schema, type Tracer } from "../mod.ts";

const ACTIONS = [
  "AddPeer",
  "RemovePeer",
  "AddTopic",
  "RemoveTopic",
  "PeakRandTopic",
  "AddRandomFriend",
  "GC",
  "JoinRandomTopic",
  "MsgRandomTopic",
  "VerifyMsgsRecv",
  "RefreshMetrics",
];

/** The root machine's schema: every action is Multi and requires Start. */
export const simSchema: Schema = {
  Start: {},
  Heartbeat: { require: ["Start"] },
  ...Object.fromEntries(ACTIONS.map((a) => [a, { multi: true, require: ["Start"] }])),
};

/** A peer's schema (`sim-pN` upstream). */
export const peerSchema: Schema = {
  Start: {},
  GenIdentity: { auto: true, require: ["Start"], remove: ["IdentityReady"] },
  IdentityReady: { remove: ["GenIdentity"] },
  Connecting: {
    auto: true,
    require: ["Start", "IdentityReady"],
    remove: ["Connected", "Disconnecting"],
  },
  Connected: { require: ["Start"], remove: ["Connecting", "Disconnected"] },
  Disconnecting: { remove: ["Connected", "Connecting"] },
  Disconnected: { remove: ["Connected", "Connecting", "Disconnecting"] },
  Ready: { auto: true, require: ["Start", "Connected"] },
  JoiningTopic: { multi: true, require: ["Ready"] },
  TopicJoined: { multi: true, require: ["Ready"], add: ["FwdToSim"] },
  FwdToSim: { multi: true },
  MsgsSent: { multi: true, require: ["Ready"], after: ["TopicJoined"] },
};

/** A topic's schema (`sim-t-<name>` upstream). */
export const topicSchema: Schema = {
  Stale: { auto: true },
  HasPeers: {},
  Active: { remove: ["Stale"] },
  Peaking: { require: ["HasPeers"], remove: ["Stale"] },
};

const MOVIES = ["alien", "brazil", "casablanca", "dune", "fargo", "gattaca", "heat", "jaws"];

/** The running simulation. */
export interface Sim {
  /** The root machine. */
  root: Machine;
  /** Live peers and topics. */
  machines(): Machine[];
  /** One round of random actions. */
  step(): void;
  /** Disposes every machine. */
  dispose(): void;
}

/** Starts a simulation; `tracers` go on the root (inheritable ones reach every machine). */
export function newSim(
  tracers: Tracer[] = [],
  opts: { maxPeers?: number; seed?: number } = {},
): Sim {
  const maxPeers = opts.maxPeers ?? 8;
  let seed = opts.seed ?? 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const root = new Machine(simSchema, {
    id: "sim",
    tracers,
    logLevel: 3,
    logArgs: ["peer", "topic"],
  });
  root.setGroups({ actions: ACTIONS, self: ["Start", "Heartbeat"] });
  const peers = new Map<string, Machine>();
  const topics = new Map<string, Machine>();
  let nextPeer = 0;

  const newPeer = (): Machine => {
    const peer = new Machine(peerSchema, {
      id: `sim-p${nextPeer++}`,
      parent: root,
      logLevel: 3,
      logArgs: ["topic"],
    });
    peer.bindHandlers({
      // identity and connection resolve asynchronously upstream: queued here
      GenIdentityState(e: HandlerEvent) {
        e.machine.add1("IdentityReady");
      },
      ConnectingState(e: HandlerEvent) {
        e.machine.add1("Connected");
      },
      JoiningTopicState(e: HandlerEvent) {
        e.machine.add1("TopicJoined", { topic: e.args.topic });
      },
      MsgsSentState(e: HandlerEvent) {
        if (rand() < 0.05) throw new Error(`send failed on ${e.args.topic ?? "?"}`);
      },
      ExceptionState(e: HandlerEvent) {
        // recover: drop the error after logging it
        e.machine.remove1("Exception");
      },
    }, { id: "peer" });
    peer.add1("Start");
    return peer;
  };

  root.bindHandlers({
    AddPeerState(e: HandlerEvent) {
      if (peers.size >= maxPeers) return;
      const p = newPeer();
      peers.set(p.id, p);
      e.machine.log(`peer ${p.id} added`);
    },
    RemovePeerState() {
      const id = pick([...peers.keys()]);
      if (!id) return;
      peers.get(id)!.dispose();
      peers.delete(id);
    },
    AddTopicState() {
      const name = pick(MOVIES)!;
      if (topics.has(name)) return;
      const t = new Machine(topicSchema, { id: `sim-t-${name}`, parent: root, logLevel: 3 });
      topics.set(name, t);
    },
    RemoveTopicState() {
      const name = pick([...topics.keys()]);
      if (!name || topics.size < 3) return;
      topics.get(name)!.dispose();
      topics.delete(name);
    },
    PeakRandTopicState() {
      const t = pick([...topics.values()]);
      t?.add(["Peaking"]); // canceled unless HasPeers
    },
    JoinRandomTopicState(e: HandlerEvent) {
      const peer = pick([...peers.values()]);
      const name = pick([...topics.keys()]);
      if (!peer || !name || !peer.is1("Ready")) return;
      peer.evAdd1(e, "JoiningTopic", { topic: name });
      topics.get(name)!.add(["HasPeers", "Active"]);
    },
    MsgRandomTopicState(e: HandlerEvent) {
      const peer = pick([...peers.values()]);
      if (peer?.is1("Ready")) peer.evAdd1(e, "MsgsSent", { topic: pick(MOVIES) });
    },
    GCState() {
      for (const t of topics.values()) if (rand() < 0.3) t.remove(["Active", "HasPeers"]);
    },
    AddRandomFriendState() {
      const peer = pick([...peers.values()]);
      if (peer && rand() < 0.2) {
        peer.add1("Disconnecting");
        peer.add1("Disconnected");
        peer.remove1("Disconnected");
        peer.add1("GenIdentity"); // reconnects through the auto states
      }
    },
  }, { id: "sim" });
  root.add1("Start");

  return {
    root,
    machines: () => [root, ...peers.values(), ...topics.values()],
    step() {
      root.add1("Heartbeat");
      for (let i = 0; i < 3; i++) root.add1(pick(ACTIONS)!);
    },
    dispose() {
      for (const m of [...peers.values(), ...topics.values()]) m.dispose();
      root.dispose();
    },
  };
}
