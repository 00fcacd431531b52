// The loopback network moves nothing by itself, and each fault does what it says.
import { describe, expect, it } from 'vitest';
import { LoopbackNetwork } from '../src/index.js';

/** A server that echoes each body, or holds it until released (like a held /meta/connect). */
function echoServer() {
  const held: Array<{ body: string; release(): void; aborted: () => boolean }> = [];
  const server = {
    async fetch(request: Request): Promise<Response> {
      const body = await request.text();
      if (!body.startsWith('hold')) return new Response(`echo ${body}`);
      return new Promise<Response>((resolve) => {
        held.push({ body, release: () => resolve(new Response(`late ${body}`)), aborted: () => request.signal.aborted });
      });
    },
  };
  return { server, held };
}

const post = (network: LoopbackNetwork, body: string) => network.fetch('http://loopback.test/x', { method: 'POST', body });

describe('LoopbackNetwork', () => {
  it('holds each request until delivered, and each answer until delivered, in the order the test picks', async () => {
    const { server } = echoServer();
    const network = new LoopbackNetwork(server);
    const outcomes: string[] = [];
    for (const body of ['a', 'b']) void post(network, body).then(async (r) => outcomes.push(await r.text()));
    await network.idle();
    expect(network.exchanges('queued').map((e) => e.body)).toEqual(['a', 'b']);
    for (const e of network.exchanges('queued')) network.deliverRequest(e);
    await network.idle();
    expect(network.exchanges('answered')).toHaveLength(2);
    expect(outcomes).toEqual([]);
    network.deliverResponse(network.exchanges('answered')[1]!);
    await network.idle();
    network.deliverResponse(network.exchanges('answered')[0]!);
    await network.idle();
    expect(outcomes).toEqual(['echo b', 'echo a']);
  });

  it('a lost request never reaches the server; a lost answer was served but the client sees an error', async () => {
    const { server } = echoServer();
    const network = new LoopbackNetwork(server);
    const lost = post(network, 'a');
    await network.idle();
    network.dropRequest(network.exchanges('queued')[0]!);
    await expect(lost).rejects.toThrow('fetch failed: request lost');
    const served = post(network, 'b');
    await network.idle();
    network.deliverRequest(network.exchanges('queued')[0]!);
    await network.idle();
    network.dropResponse(network.exchanges('answered')[0]!);
    await expect(served).rejects.toThrow('fetch failed: response lost');
    expect(network.log.join('\n')).toMatch(/#2 answered 200 echo b[\s\S]*#2 response lost/);
  });

  it('a held request stays at the server until it answers; cutting it aborts the server side too', async () => {
    const { server, held } = echoServer();
    const network = new LoopbackNetwork(server);
    const first = post(network, 'hold 1');
    const second = post(network, 'hold 2');
    await network.flush();
    expect(network.exchanges().map((e) => e.stage)).toEqual(['at-server', 'at-server']);
    network.cut(network.exchanges('at-server')[0]!);
    await expect(first).rejects.toThrow('connection cut');
    expect(held[0]!.aborted()).toBe(true);
    held[1]!.release();
    await network.flush();
    expect(await (await second).text()).toBe('late hold 2');
  });

  it('a client that gives up (its signal aborts) ends the exchange with its reason', async () => {
    const { server } = echoServer();
    const network = new LoopbackNetwork(server);
    const controller = new AbortController();
    const sent = network.fetch('http://loopback.test/x', { method: 'POST', body: 'a', signal: controller.signal });
    controller.abort(new Error('no HTTP response within 5 ms'));
    await expect(sent).rejects.toThrow('no HTTP response within 5 ms');
    expect(network.exchanges()).toEqual([]);
  });
});
