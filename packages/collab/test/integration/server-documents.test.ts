// [COLLAB-42] The server's own code reads and changes a room's document (`collab.openDocument`),
// beside real members over real transports, on one node and on two nodes sharing Redis.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { createBoard, MemoryStore } from '../../src/index.js';
import { ProbeStore } from '../helpers/stores.js';
import { member, startCollab, text, twoCollabNodes } from './helpers.js';

/** Members may read only; the policy admits only clients with a token. */
const readOnlyMembers = {
  authorize: () => ({ canWrite: false }),
};
const tokenPolicy = {
  policy: {
    canHandshake: (m: { ext?: Record<string, unknown> }) => (m.ext?.['token'] === 'ok' ? { data: { user: 'ada' } } : 'no_token'),
  },
};

describe('openDocument on one node', () => {
  it('[COLLAB-42] [COLLAB-41] the server edits a room its members may only read; they see it at once, it is stored, and the server is in no presence list', async () => {
    const asked: unknown[] = [];
    const server = await startCollab(
      { authorize: (_room, session) => (asked.push(session.data), readOnlyMembers.authorize()) },
      tokenPolicy,
    );
    const ada = member(server.url, 'notice', { presence: { name: 'Ada' } }, { ext: { token: 'ok' } }).room;
    await ada.synced;

    const handle = await server.collab.openDocument('notice');
    await handle.change((doc) => doc.getText('t').insert(0, 'Maintenance at 18:00. '));
    await eventually(() => expect(text(ada)).toBe('Maintenance at 18:00. '));
    // Ada may not write (authorize said so); the server may, without being asked about.
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked.map((d) => JSON.stringify(d)))).toEqual(new Set(['{"user":"ada"}']));
    const refused: string[] = [];
    ada.onError((e) => refused.push(e.code));
    ada.doc.getText('t').insert(0, 'Ada was here. ');
    await eventually(() => expect(refused).toContain('read_only'));
    expect(handle.doc.getText('t').toString()).toBe('Maintenance at 18:00. ');
    ada.presence.set({ name: 'Ada', typing: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(ada.presence.others()).toEqual([]);

    await handle.close();
    ada.leave();
    await eventually(() => expect(server.collab.openRooms()).toEqual([]));
    const stored = await server.store.load('notice');
    expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBeGreaterThan(0);
    const later = member(server.url, 'notice', {}, { ext: { token: 'ok' } }).room;
    await later.synced;
    expect(text(later)).toBe('Maintenance at 18:00. '); // the server's edit, stored; Ada's refused one not
  });

  it('[COLLAB-42] opens a room nobody is in, reads what members wrote, and closes it when let go', async () => {
    const store = new MemoryStore();
    const server = await startCollab({ store });
    const bob = member(server.url, 'plan').room;
    await bob.synced;
    bob.doc.getText('t').insert(0, 'written by Bob');
    await bob.flush();
    bob.leave();
    await eventually(() => expect(server.collab.openRooms()).toEqual([]));

    const first = await server.collab.openDocument('plan');
    expect(first.doc.getText('t').toString()).toBe('written by Bob'); // loaded from the store
    expect(server.collab.openRooms()).toEqual(['plan']);
    const second = await server.collab.openDocument('plan'); // the same room, shared
    expect(second.doc).toBe(first.doc);

    const cy = member(server.url, 'plan').room;
    await cy.synced;
    cy.doc.getText('t').insert(0, 'Cy: ');
    await cy.flush();
    await eventually(() => expect(first.doc.getText('t').toString()).toBe('Cy: written by Bob'));
    cy.leave();
    await first.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.collab.openRooms()).toEqual(['plan']); // the second handle still holds it
    await second.change((doc) => doc.getMap('meta').set('summary', 'two lines'));
    await second.close();
    await eventually(() => expect(server.collab.openRooms()).toEqual([]));
    await expect(first.change(() => undefined)).rejects.toThrow(/closed/);

    const dan = member(server.url, 'plan').room;
    await dan.synced;
    expect(text(dan)).toBe('Cy: written by Bob');
    expect(dan.doc.getMap('meta').get('summary')).toBe('two lines');
  });

  it('[COLLAB-42] [COLLAB-24] reopened right after the room emptied, it is in step at once (its messages are handled in the order sent)', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'again', { presence: { name: 'Ada' } });
    await ada.room.synced;
    const first = await server.collab.openDocument('again');
    await first.change((doc) => doc.getText('t').insert(0, 'kept'));
    await first.close();
    ada.room.leave();
    await ada.client.disconnect(); // the room empties and closes
    const started = Date.now();
    const reopened = await server.collab.openDocument('again');
    // Not the 5 s a lost sync step 1 would wait for its retry (COLLAB-38).
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reopened.doc.getText('t').toString()).toBe('kept');
    await reopened.close();
  });

  it('[COLLAB-42] [COLLAB-20] a room whose load fails is refused (the cause to onError), holds nothing, and opens once the store is back', async () => {
    const store = new ProbeStore();
    const causes: string[] = [];
    const server = await startCollab({ store, onError: (e) => causes.push(e.message) });
    store.failLoad = true;
    await expect(server.collab.openDocument('broken')).rejects.toThrow(/server_error/);
    expect(causes.join()).toMatch(/disk unreadable/);
    expect(server.collab.openRooms()).toEqual([]);
    expect(store.calls.filter((c) => c !== 'load')).toEqual([]); // nothing written
    store.failLoad = false;
    const handle = await server.collab.openDocument('broken');
    await handle.change((doc) => doc.getText('t').insert(0, 'fine now'));
    expect((await store.load('broken')).updates).toHaveLength(1);
    await handle.close();
  });

  it('[COLLAB-42] a room id that is no room\'s is a TypeError, and nothing is joined', async () => {
    const server = await startCollab();
    await expect(server.collab.openDocument('no/slashes')).rejects.toThrow(TypeError);
    expect(server.collab.openRooms()).toEqual([]);
  });
});

describe('openDocument with the whiteboard model', () => {
  it('[COLLAB-42] [BOARD-1] a bot on the server draws on the board: createBoard(handle) adds a shape every member\'s board shows', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'sketch', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    const adaBoard = createBoard(ada);
    const bot = await server.collab.openDocument('sketch', { presence: { name: 'Bot' } });
    const botBoard = createBoard(bot);
    const added = botBoard.add({ kind: 'text', x: 40, y: 40, w: 200, h: 40, text: 'Hello from the server' });
    expect(added.ok).toBe(true);
    await bot.flush();
    await eventually(() => expect(adaBoard.shapes().map((s) => s.text)).toEqual(['Hello from the server']));
    await eventually(() => expect(adaBoard.peers().map((p) => p.name)).toEqual(['Bot']));
    await bot.close();
  });

  it('[COLLAB-42] [BOARD-19] a bot on the server answers a comment thread: the member sees the reply, and it is stored', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'review', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    const adaBoard = createBoard(ada);
    const asked = adaBoard.comments.start({ x: 10, y: 10 }, 'Who owns this box?', { name: 'Ada', id: 'u-ada' });
    if (!asked.ok) throw new Error(asked.error.message);
    await ada.flush();
    const bot = await server.collab.openDocument('review');
    const botBoard = createBoard(bot);
    expect(botBoard.comments.threads().map((t) => t.messages[0]!.text)).toEqual(['Who owns this box?']);
    await bot.change(() => void botBoard.comments.reply(asked.value.id, 'The design team', { name: 'Assistant', id: 'bot' }));
    await eventually(() => expect(adaBoard.comments.thread(asked.value.id)!.messages.map((m) => m.author.name)).toEqual(['Ada', 'Assistant']));
    await bot.close();
    botBoard.destroy();
    adaBoard.destroy();
    ada.leave();
    await eventually(() => expect(server.collab.openRooms()).toEqual([]));
    // From the store, with nobody in the room: a later reader (the HTTP API, a new member) gets it too.
    const later = await server.collab.openDocument('review');
    expect(createBoard(later).comments.thread(asked.value.id)!.messages.map((m) => m.text)).toEqual(['Who owns this box?', 'The design team']);
    await later.close();
  });
});

describe('openDocument as a user, in the chat', () => {
  it('[COLLAB-42] [CHAT-5] a bot speaks as its user: it answers a member in the room\'s chat, and its messages carry its name', async () => {
    const server = await startCollab({}, { policy: { canHandshake: (m) => ({ data: { user: (m.ext as { user?: unknown } | undefined)?.user } }) } });
    const ada = member(server.url, 'help', { presence: { name: 'Ada' } }, { ext: { user: { id: 'ada', name: 'Ada' } } }).room;
    await ada.synced;
    const bot = await server.collab.openDocument('help', { user: { id: 'assistant', name: 'Assistant' } });
    // The bot answers every question it reads in the chat.
    bot.chat.subscribe((event) => {
      if (event.type === 'message' && event.message.author.id !== 'assistant' && event.message.text.endsWith('?')) void bot.chat.send(`You asked: ${event.message.text}`);
    });
    await ada.chat.send('Where are the notes?');
    await eventually(() => expect(ada.chat.messages().map((m) => `${m.author.name ?? m.author.id}: ${m.text}`)).toEqual(['Ada: Where are the notes?', 'Assistant: You asked: Where are the notes?']));
    expect(ada.presence.others()).toEqual([]); // it speaks, and is still in no presence list
    // Another user is another session: the default one stays the server's own.
    const plain = await server.collab.openDocument('help');
    expect(plain.chat).not.toBe(bot.chat);
    await Promise.all([bot.close(), plain.close()]);
    await expect(server.collab.openDocument('help', { user: { id: '' } })).rejects.toThrow(TypeError);
  });
});

describe('openDocument on two nodes sharing Redis', () => {
  it('[COLLAB-42] [COLLAB-28] a node that is not the room\'s authority reads and changes it through the relay', async () => {
    const { a, b, store } = await twoCollabNodes('server-documents');
    const ada = member(a.url, 'shared', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'from Ada. ');
    await ada.flush();

    const handle = await b.collab.openDocument('shared', { presence: { name: 'Assistant' } });
    expect(handle.doc.getText('t').toString()).toBe('from Ada. ');
    expect(a.collab.openRooms()).toEqual(['shared']);
    expect(b.collab.openRooms()).toEqual([]); // node b relays; the authority stays on node a
    await handle.change((doc) => doc.getText('t').insert(0, 'Assistant: '));
    await eventually(() => expect(text(ada)).toBe('Assistant: from Ada. '));
    // Shown with the presence it was opened with.
    await eventually(() => expect(ada.presence.others().map((e) => e.state['name'])).toEqual(['Assistant']));

    ada.doc.getText('t').insert(text(ada).length, 'Thanks.');
    await ada.flush();
    await eventually(() => expect(handle.doc.getText('t').toString()).toBe('Assistant: from Ada. Thanks.'));
    await handle.close();
    await eventually(() => expect(ada.presence.others()).toEqual([]));
  }, 20_000);

  it('[COLLAB-42] [SEC-10] a script that closes Kuiper without detach still ends by itself, and an open after the close is refused', async () => {
    const script = fileURLToPath(new URL('../helpers/close-without-detach.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const child = spawn(process.execPath, ['--conditions', 'source', '--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // Bounded: a process kept alive by a retrying session is killed, and the test fails.
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(kill);
    expect({ code, signal, output }).toMatchObject({ code: 0, signal: null });
    expect(output).toMatch(/^late open: .*410::server_closed/m);
  }, 30_000);
});
