/** The README's example is examples/basic.ts verbatim, and it runs against a Kuiper server. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startKuiper } from '@kuiper/testkit';
import { runExample } from '../examples/basic.js';

describe('README example', () => {
  it('[CLI-26] the README shows examples/basic.ts as it is', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/basic.ts', import.meta.url), 'utf8');
    const block = /<!-- example: examples\/basic\.ts -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });

  it('[CLI-26] the example connects, subscribes with a schema, publishes and watches the status', async () => {
    const { url } = await startKuiper({ timeout: 5_000 });
    const lines: string[] = [];
    await runExample(url, (line) => lines.push(line));
    expect(lines).toEqual([
      'status: connecting over websocket',
      'status: connected over websocket',
      '/chat/lobby ada: hello, world',
      'refused: message for /chat/lobby fails its schema',
      'status: disconnected',
    ]);
  });
});
