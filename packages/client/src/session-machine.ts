/**
 * The session's lifecycle as an explicit state machine (CLI-37): which phase it is in, and the
 * counters the phases carry. session.ts dispatches an event at each step and acts on the result;
 * an event the table does not allow in the current phase is a bug, reported, and changes nothing.
 *
 *   idle ──handshake──▶ handshaking ──handshook──▶ connecting ──connected──▶ connected
 *     └──connect (resume)────────────────────────────▲   ▲  │                   │
 *   any phase ──wait──▶ waiting ──handshake/connect──┘   └──┴──connect (fallback, upgrade)
 *   any phase ──stop──▶ stopped
 */
export type Phase = 'idle' | 'handshaking' | 'connecting' | 'connected' | 'waiting' | 'stopped';

/**
 * handshake: a handshake is sent. handshook: the server accepted it. connect: a first connect is
 * sent (after a handshake, a retry, a fallback, an upgrade, or to resume a session). connected: a
 * connect succeeded. wait: a retry is scheduled (one more consecutive failure). stop: for good.
 */
export type MachineEvent = 'handshake' | 'handshook' | 'connect' | 'connected' | 'wait' | 'stop';

export interface MachineState {
  readonly phase: Phase;
  /** A connect has succeeded once: the status says `reconnecting` rather than `connecting`. */
  readonly everConnected: boolean;
  /** A handshake was accepted since the last successful connect: every subscription goes again. */
  readonly handshook: boolean;
  /** Consecutive failures; the backoff's attempt number (CLI-15). */
  readonly attempt: number;
}

export const INITIAL_STATE: MachineState = { phase: 'idle', everConnected: false, handshook: false, attempt: 0 };

/** Every allowed transition: phase → event → next phase. */
export const TRANSITIONS: { readonly [P in Phase]: Readonly<Partial<Record<MachineEvent, Phase>>> } = {
  idle: { handshake: 'handshaking', connect: 'connecting', stop: 'stopped' },
  handshaking: { handshake: 'handshaking', handshook: 'connecting', wait: 'waiting', stop: 'stopped' },
  connecting: { handshake: 'handshaking', connect: 'connecting', connected: 'connected', wait: 'waiting', stop: 'stopped' },
  connected: { handshake: 'handshaking', connect: 'connecting', connected: 'connected', wait: 'waiting', stop: 'stopped' },
  waiting: { handshake: 'handshaking', connect: 'connecting', stop: 'stopped' },
  stopped: {},
};

/** The next state, or undefined when the event is not allowed in this phase. Pure. */
export function transition(state: MachineState, event: MachineEvent): MachineState | undefined {
  const phase = TRANSITIONS[state.phase][event];
  if (phase === undefined) return undefined;
  switch (event) {
    case 'handshook':
      return { ...state, phase, handshook: true };
    case 'connected':
      return { ...state, phase, everConnected: true, handshook: false, attempt: 0 };
    case 'wait':
      return { ...state, phase, attempt: state.attempt + 1 };
    default:
      return { ...state, phase };
  }
}
