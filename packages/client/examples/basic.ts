import { z } from 'zod';
import { createClient } from '@kuiper/client';

// A schema shared by publishers and subscribers of /chat/*.
const ChatMessage = z.object({ user: z.string(), text: z.string().max(280) });

export async function runExample(url: string, log: (line: string) => void = console.log): Promise<void> {
  // Websocket first, falling back to long-polling (or callback-polling in old browsers).
  const client = createClient(url);
  client.onStatus(({ status, transport }) => log(`status: ${status}${transport ? ` over ${transport}` : ''}`));

  const chat = client.channel('/chat/*', ChatMessage);
  const firstMessage = new Promise<void>((resolve) => {
    chat.subscribe((message, { channel }) => {
      log(`${channel} ${message.user}: ${message.text}`); // message is typed from the schema
      resolve();
    });
  });

  await client.whenConnected();
  await chat.publish('/chat/lobby', { user: 'ada', text: 'hello, world' });
  await firstMessage;

  // Data that fails the schema never leaves the client.
  await chat
    .publish('/chat/lobby', { user: 'ada', text: 'x'.repeat(300) })
    .catch((error: Error) => log(`refused: ${error.message.split(':')[0]}`));

  await client.disconnect();
}
