// How the cluster cases' equal-rate window reads Redis's own accounts (bench/redis-slowlog.ts): which
// SLOWLOG entries are the nodes' top-level commands, which is the publish script, and how
// commandstats is summed without counting a transaction's commands twice. Entries are shaped as
// Redis 7 writes them (a script's own commands carry the client '?:0').
import { describe, expect, it } from 'vitest';
import { ADMIN_CLIENT_NAME, type CommandStats, type SlowlogEntry } from '../cluster-redis.ts';
import { engineScriptNames, groupSlowlog, nodeCommandTime, PUBLISH_SCRIPT, publishGroup } from '../redis-slowlog.ts';

const node = '127.0.0.1:40001';
let id = 0;
const entry = (micros: number, args: string[], client = node, name = ''): SlowlogEntry => ({ id: ++id, micros, args, client, name });

describe('the equal-rate window’s reading of SLOWLOG and commandstats', () => {
  it('names the engine’s scripts by sha and finds the publish script, leaving out script-internal and harness entries', async () => {
    const names = await engineScriptNames();
    const sha = [...names].find(([, name]) => name === PUBLISH_SCRIPT)?.[0];
    const upkeep = [...names].find(([, name]) => name === 'upkeep')?.[0];
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(upkeep).toMatch(/^[0-9a-f]{40}$/);
    const log = [
      entry(3, ['SCARD', 'p:chan:/bench/equal-rate'], '?:0'),
      entry(120, ['EVALSHA', sha ?? '', '1', 'p:']),
      entry(2, ['SCARD', 'p:chan:/bench/equal-rate'], '?:0'),
      entry(140, ['EVALSHA', sha ?? '', '1', 'p:']),
      entry(300, ['EVALSHA', upkeep ?? '', '1', 'p:']),
      entry(40, ['INFO', 'cpu'], '127.0.0.1:40009', ADMIN_CLIENT_NAME),
      entry(5, ['PING']),
    ];
    const groups = groupSlowlog(log, names);
    expect(groups.map((g) => [g.what, g.calls, g.usec])).toEqual([
      ['upkeep', 1, 300],
      [PUBLISH_SCRIPT, 2, 260],
      ['ping', 1, 5],
    ]);
    expect(publishGroup(groups, 2)?.group.each).toEqual([120, 140]);
  });

  it('without the engine’s sha, takes the one unknown script called once per publish, and no other', () => {
    const groups = groupSlowlog([entry(100, ['EVALSHA', 'a'.repeat(40)]), entry(90, ['EVALSHA', 'a'.repeat(40)]), entry(50, ['EVALSHA', 'b'.repeat(40)])], new Map());
    expect(publishGroup(groups, 2)?.group.what).toBe('evalsha aaaaaaaa');
    expect(publishGroup(groups, 3)).toBeUndefined();
  });

  it('sums commandstats once per command: EXEC and scripts by their commands, the harness’s INFO left out', () => {
    const before: CommandStats = new Map([['rpush', { calls: 10, usec: 20 }]]);
    const after: CommandStats = new Map([
      ['rpush', { calls: 110, usec: 220 }],
      ['lrange', { calls: 50, usec: 100 }],
      ['exec', { calls: 50, usec: 130 }],
      ['info', { calls: 2, usec: 60 }],
      ['config|set', { calls: 1, usec: 9 }],
    ]);
    const t = nodeCommandTime(before, after);
    expect([t.usec, t.calls]).toEqual([300, 150]);
    expect(t.top.map((c) => c.what)).toEqual(['rpush', 'lrange']);
  });
});
