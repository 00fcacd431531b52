// [WS-6] Pings are answered by `ws`'s automatic pongs, whose completion callback the server makes
// per pong instead of keeping one per socket (LIMIT-10). `ws` terminates a socket once 60 pongs are
// unwritten: if the per-pong callback stopped counting them down, the pings below (200, past 60)
// would cut the socket off.
import { describe, it, expect } from 'vitest';
import { cleanup, startKuiper, handshakeMessage, RawSocket } from '@kuiper/testkit';

describe('[WS-6] pings', () => {
  it('[WS-6] answers every ping with a pong carrying its data, round after round, and the socket stays usable', async () => {
    const { wsUrl } = await startKuiper();
    const socket = await RawSocket.open(cleanup, wsUrl);
    const pongs: string[] = [];
    socket.ws.on('pong', (data: Buffer) => pongs.push(data.toString()));
    const ROUNDS = 10;
    const PER_ROUND = 20;
    for (let round = 0; round < ROUNDS; round++) {
      const answered = new Promise<void>((resolve, reject) => {
        const onClose = (code: number): void => reject(new Error(`socket closed (${code}) after ${pongs.length} pongs`));
        const onPong = (): void => {
          if (pongs.length < (round + 1) * PER_ROUND) return;
          socket.ws.off('pong', onPong);
          socket.ws.off('close', onClose);
          resolve();
        };
        socket.ws.on('pong', onPong);
        socket.ws.once('close', onClose);
      });
      for (let k = 0; k < PER_ROUND; k++) socket.ws.ping(`${round}.${k}`);
      await answered;
    }
    expect(pongs).toEqual(Array.from({ length: ROUNDS * PER_ROUND }, (_, i) => `${Math.floor(i / PER_ROUND)}.${i % PER_ROUND}`));
    const hs = await socket.request(handshakeMessage(['websocket']));
    expect(hs.successful).toBe(true);
  });
});
