/**
 * [ENG-STREAM-1][REDIS-9] A publish's Redis work: the control script (channels, which streams have
 * subscribers, listeners) and the stream appends. On one Redis the control script appends itself:
 * one script, one round trip. On a Redis Cluster each stream is in its own slot: the control script
 * names the streams, then one APPEND_STREAM per stream runs on its master, all sent together
 * (two round trips whatever the number of streams, which is O(segments) and never O(subscribers)).
 */
import type { RedisLink } from './link.js';
import { clockedPid } from './publish-clock.js';
import { list, strings } from './replies.js';
import { APPEND_STREAM, PUBLISH_STREAM } from './scripts.js';

export interface StreamPublish {
  node: string;
  channel: string;
  json: string;
  pid: string;
  epochCandidate: string;
  history: number;
  patterns: string[];
}

/** Resolves with the subscriptions matched and the channels the publish added. */
export async function publishToStreams(link: RedisLink, p: StreamPublish): Promise<{ count: number; added: string[] }> {
  const r = await link.run(PUBLISH_STREAM, [p.node, p.channel, p.json, p.pid, p.epochCandidate, p.history, ...p.patterns]);
  const [count, added, hot, us] = list(r);
  if (link.clustered) {
    // [ENG-STREAM-12] Stamped with the control script's clock, which also stamps subscriptions.
    const pid = clockedPid(String(us), p.pid);
    await Promise.all(strings(hot).map((pattern) => link.runStream(APPEND_STREAM, pattern, [p.json, pid, p.epochCandidate, p.history])));
  }
  return { count: Number(count), added: strings(added) };
}
