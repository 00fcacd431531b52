// Where a session attaching to a node starts, from what ATTACH read (SPEC: ENG-STREAM-9,
// ENG-STREAM-12), on the pure part (no Redis): the patterns it unsubscribed lately whose position
// is known to be its own (an ack session's: in the record it starts past; without ack: the one
// kept with the gone subscription), so that the node names what they gave it. A record that may
// hold another session's position there is not used: a publish then comes twice at worst, never
// goes missing.
import { describe, expect, it } from 'vitest';
import { ackStart, readAttach } from '../src/engines/redis/ack-attach.js';

/** The session subscribes to /r/a now (its stored position e1:2); it left /r/* (begun at 100 µs, when the turn counter stood at `until`). */
const stored = ['/r/a', 'e1:2'];
const gone = (until: number): string[] => ['/r/*', `100 ${until}`];
const line = '/r/*\te1:5\t/r/a\te1:2';

describe('[ENG-STREAM-12] an ack session attaching after it unsubscribed a pattern', () => {
  it('names the gone pattern where its own record holds it', () => {
    const start = ackStart(stored, `5\t\n${line}`, '', 5, gone(3));
    expect([...start.gone]).toEqual([['/r/*', { at: { epoch: 'e1', offset: 5 }, since: 100 }]]);
    // It does not follow it again: only the patterns subscribed now are followed.
    expect(start.flat).toEqual(['/r/a', 'e1:2']);
  });

  it('names it where the turn its client acknowledged was made before the unsubscribe', () => {
    expect([...ackStart(stored, `2\t\n`, line, 3, gone(3)).gone.keys()]).toEqual(['/r/*']);
  });

  it('does not where that turn was made after the unsubscribe: its record may hold another session\'s position there', () => {
    expect(ackStart(stored, `2\t\n`, line, 4, gone(3)).gone.size).toBe(0);
  });

  it('does not for a pattern subscribed again, one the record does not hold, or an unreadable entry', () => {
    expect(ackStart([...stored, '/r/*', 'e1:7'], `5\t\n${line}`, '', 5, gone(3)).gone.size).toBe(0);
    expect(ackStart(stored, `5\t\n/r/a\te1:2`, '', 5, gone(3)).gone.size).toBe(0);
    expect(ackStart(stored, `5\t\n${line}`, '', 5, ['/r/*', 'garbage']).gone.size).toBe(0);
    expect(ackStart(stored, '', '', 5, gone(3)).gone.size).toBe(0);
  });
});

describe('[ENG-STREAM-12] a session without ack attaching after it unsubscribed a pattern', () => {
  /** ATTACH's reply without ack: queue length, positions, '', no ack fields, when /r/a began, what is kept of gone subscriptions. */
  const reply = (positions: string[], gone: string[]) => readAttach([0, positions, '', '', '', '', ['/r/a', '200'], gone], undefined);

  it('names the gone pattern at the position kept with it', () => {
    const start = reply(stored, ['/r/*', '100 3 e1:5']);
    expect(start.ack).toBeUndefined();
    expect(start.flat).toEqual(['/r/a', 'e1:2']);
    expect(start.since).toEqual(new Map([['/r/a', 200]]));
    expect([...start.gone]).toEqual([['/r/*', { at: { epoch: 'e1', offset: 5 }, since: 100 }]]);
  });

  it('does not without a position kept (nothing known of what it gave) or for a pattern followed again', () => {
    expect(reply(stored, ['/r/*', '100 3']).gone.size).toBe(0);
    expect(reply([...stored, '/r/*', 'e1:7'], ['/r/*', '100 3 e1:5']).gone.size).toBe(0);
  });
});
