/** [CLI-37] The session's state machine: every phase reachable, every transition of the table walked. */
import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, TRANSITIONS, transition, type MachineEvent, type MachineState, type Phase } from '../src/session-machine.js';

const EVENTS: MachineEvent[] = ['handshake', 'handshook', 'connect', 'connected', 'wait', 'stop'];
const PHASES = Object.keys(TRANSITIONS) as Phase[];

function run(events: readonly MachineEvent[], from: MachineState = INITIAL_STATE): MachineState {
  return events.reduce<MachineState>((state, event) => {
    const next = transition(state, event);
    if (!next) throw new Error(`${event} refused in ${state.phase}`);
    return next;
  }, from);
}

/** A shortest path of events from the initial state to each phase. */
function pathsToPhases(): Map<Phase, MachineEvent[]> {
  const paths = new Map<Phase, MachineEvent[]>([['idle', []]]);
  const queue: Phase[] = ['idle'];
  for (let phase = queue.shift(); phase !== undefined; phase = queue.shift()) {
    for (const [event, next] of Object.entries(TRANSITIONS[phase]) as [MachineEvent, Phase][]) {
      if (paths.has(next)) continue;
      paths.set(next, [...(paths.get(phase) ?? []), event]);
      queue.push(next);
    }
  }
  return paths;
}

describe('session state machine', () => {
  it('[CLI-37] every phase is reachable from idle, and stopped is final', () => {
    const paths = pathsToPhases();
    expect([...paths.keys()].sort()).toEqual([...PHASES].sort());
    const stopped = run(paths.get('stopped') ?? []);
    for (const event of EVENTS) expect(transition(stopped, event)).toBeUndefined();
  });

  it('[CLI-37] walks every (phase, event) pair: allowed ones go where the table says, the rest are refused', () => {
    const paths = pathsToPhases();
    let walked = 0;
    for (const phase of PHASES) {
      const state = run(paths.get(phase) ?? []);
      expect(state.phase).toBe(phase);
      for (const event of EVENTS) {
        const next = transition(state, event);
        const expected = TRANSITIONS[phase][event];
        if (expected === undefined) {
          expect(next, `${event} in ${phase}`).toBeUndefined();
          continue;
        }
        walked++;
        expect(next?.phase, `${event} in ${phase}`).toBe(expected);
      }
    }
    expect(walked).toBe(PHASES.reduce((n, p) => n + Object.keys(TRANSITIONS[p]).length, 0));
  });

  it('[CLI-37] [CLI-15] wait counts consecutive failures; a successful connect resets them and marks the session as having connected', () => {
    const failing = run(['handshake', 'wait', 'handshake', 'wait', 'handshake']);
    expect(failing).toMatchObject({ phase: 'handshaking', attempt: 2, everConnected: false });
    const up = run(['handshook', 'connect', 'connected'], failing);
    expect(up).toMatchObject({ phase: 'connected', attempt: 0, everConnected: true, handshook: false });
    expect(run(['wait', 'connect'], up)).toMatchObject({ phase: 'connecting', attempt: 1, everConnected: true });
  });

  it('[CLI-37] [CLI-35] handshook marks a new server session until the next successful connect; a resumed connect has none', () => {
    const handshook = run(['handshake', 'handshook']);
    expect(handshook).toMatchObject({ phase: 'connecting', handshook: true });
    expect(run(['connect', 'connected'], handshook).handshook).toBe(false);
    expect(run(['connect', 'connected'])).toMatchObject({ phase: 'connected', handshook: false });
  });
});
