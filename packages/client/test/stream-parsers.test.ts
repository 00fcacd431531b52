/** [CLI-27] The incremental parsers of the streaming transports, fed in arbitrary pieces. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMultipartParser, createSseParser } from '../src/index.js';

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(text.slice(last, p));
    last = p;
  }
  pieces.push(text.slice(last));
  return pieces;
}

const batches = ['[{"channel":"/meta/connect","successful":true}]', '[{"channel":"/a","data":"x\\ny"}]', '[]'];

describe('SSE parser', () => {
  const body = `:\n\ndata: ${batches[0]}\n\n:\n\ndata: ${batches[1]}\r\n\r\ndata:${batches[2]}\n\n`;

  it('[CLI-27] yields each event’s data, skipping comments, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const out: string[] = [];
        const feed = createSseParser((d) => out.push(d));
        for (const piece of splitAt(body, cuts)) feed(piece);
        expect(out).toEqual(batches);
      }),
    );
  });
});

describe('multipart parser', () => {
  const b = 'kuiper-abc';
  const part = (json: string) => `\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: ${json.length}\r\n\r\n${json}\r\n--${b}`;
  const body = `--${b}${batches.map(part).join('')}--\r\n`;

  it('[CLI-27] yields each part’s body and stops at the close delimiter, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const out: string[] = [];
        const feed = createMultipartParser(b, (d) => out.push(d));
        for (const piece of splitAt(body + 'garbage after the end', cuts)) feed(piece);
        expect(out).toEqual(batches);
      }),
    );
  });
});
