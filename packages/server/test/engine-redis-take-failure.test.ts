// A take whose script Redis refused (ENG-STREAM-6, REDIS-11): the sessions it drained lose nothing.
// A take reads a session's deliver() queue (and writes its positions) in one script; when Redis
// refuses that script (a connection lost, a slot in transit) after the node drained what the
// session's feed had brought, that was never given out. Here the refusal is real and comes from
// Redis itself: node A talks to Redis as an ACL user of its own, whose EVALSHA/EVAL are revoked for
// the one take, so the script never runs while PUBLISH (the take's barrier) still goes through.
// Needs Redis (REDIS_URL).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@kuiper/protocol';
import { RedisEngine } from '../src/redis.js';
import { ENGINE_DEFAULTS } from './engine-contract.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from './helpers/redis.js';

const used: string[] = [];
const open: RedisEngine[] = [];
const users: string[] = [];
let admin: Redis | undefined;

beforeAll(async () => {
  await requireRedis();
  admin = new Redis(REDIS_URL);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
  for (const user of users.splice(0)) await admin?.call('ACL', 'DELUSER', user);
});
afterAll(async () => {
  for (const p of used.splice(0)) await deletePrefix(p);
  admin?.disconnect();
});

/** REDIS_URL as a new ACL user allowed everything, for now. */
async function userUrl(): Promise<{ url: string; user: string }> {
  const user = `kuiper-test-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await admin?.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  users.push(user);
  const url = new URL(REDIS_URL);
  url.username = user;
  url.password = password;
  return { url: url.toString(), user };
}

async function node(prefix: string, url: string): Promise<RedisEngine> {
  // No retry of a refused command: the take fails at once, as it would past ioredis's retries.
  const made = new RedisEngine({ url, prefix, redis: { maxRetriesPerRequest: 0 } });
  made.start({ ...ENGINE_DEFAULTS, onEvent: () => undefined });
  open.push(made);
  await made.ready();
  return made;
}

const data = (messages: Message[]): unknown[] => messages.map((m) => m.data);

describe('RedisEngine take refused by Redis', () => {
  it('[ENG-STREAM-6][REDIS-11] a take whose script is refused loses nothing: that session gets it from the next node, the others of its turn are given theirs', async () => {
    const prefix = randomPrefix();
    used.push(prefix);
    const { url, user } = await userUrl();
    const a = await node(prefix, url);
    const b = await node(prefix, REDIS_URL);
    const [queued, plain] = await Promise.all([a.createSession(), a.createSession()]);
    await Promise.all([a.subscribe(queued, '/refused'), a.subscribe(plain, '/refused')]);
    // Both attached to A, as sessions whose connects A holds.
    a.watch(queued, () => undefined);
    a.watch(plain, () => undefined);
    expect(await Promise.all([a.take(queued), a.take(plain)])).toEqual([[], []]);
    // `queued` has a deliver() message (its next take reads the queue: a script), `plain` none.
    await b.deliver(queued, [{ channel: '/service/answer', data: 'answer' }]);
    for (let n = 1; n <= 3; n++) await b.publish({ channel: '/refused', data: n });

    // One turn: both takes see the three publishes (the barrier passes); the script is refused.
    await admin?.call('ACL', 'SETUSER', user, '-evalsha', '-eval');
    const taken = Promise.allSettled([a.take(queued), a.take(plain)]);
    const [ofQueued, ofPlain] = await taken;
    await admin?.call('ACL', 'SETUSER', user, '+evalsha', '+eval');

    expect(ofQueued.status).toBe('rejected');
    expect(String((ofQueued as PromiseRejectedResult).reason)).toMatch(/NOPERM/);
    // Its client connects again, to B: the deliver() message and every publish, once, in order.
    expect(data(await b.take(queued))).toEqual(['answer', 1, 2, 3]);
    expect(await a.take(queued)).toEqual([]);
    // The other session of the turn was given what it had, and nothing again elsewhere.
    expect(ofPlain.status).toBe('fulfilled');
    expect(data((ofPlain as PromiseFulfilledResult<Message[]>).value)).toEqual([1, 2, 3]);
    expect(await b.take(plain)).toEqual([]);
  });
});
