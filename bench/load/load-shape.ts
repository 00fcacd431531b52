// The shape of a measured load job: how many subscribers on how many channels (and which server
// URLs they connect to), how many publishers, and closed-loop window or fixed rate.
import type { LoadJob } from '../ipc-messages.ts';

export type MeasuredJob = Exclude<LoadJob, { kind: 'idle' | 'collab-editors' | 'collab-late-joiners' | 'collab-presence' | 'collab-idle-rooms' }>;

export interface Shape {
  subscribers: number;
  channels: number;
  publishers: number;
  /** Subscriber i connects to subscriberUrls[i % length]; publishers always to the job's url. */
  subscriberUrls: string[];
  /** Messages in flight (closed loop) or publishes per second (fixed rate). */
  window?: number;
  rate?: number;
  longPoll: boolean;
  drainMs: number;
}

export function shapeOf(job: MeasuredJob): Shape {
  const one = [job.url];
  switch (job.kind) {
    case 'fanout-max':
      return { subscribers: job.subscribers, channels: 1, publishers: 1, subscriberUrls: one, window: job.window, longPoll: false, drainMs: 2000 };
    case 'fixed-rate':
      return { subscribers: job.subscribers, channels: 1, publishers: 1, subscriberUrls: one, rate: job.rate, longPoll: false, drainMs: job.drainMs };
    case 'long-poll':
      return { subscribers: job.subscribers, channels: 1, publishers: 1, subscriberUrls: one, rate: job.rate, longPoll: true, drainMs: job.drainMs };
    case 'many-channels':
      return { subscribers: job.channels * job.perChannel, channels: job.channels, publishers: job.publishers, subscriberUrls: one, window: job.window, longPoll: false, drainMs: 2000 };
    case 'two-node':
      // Alternating nodes splits the subscribers evenly; the publisher is on node A, so half of the
      // deliveries cross from one node to the other through Redis.
      return { subscribers: job.subscribers, channels: 1, publishers: 1, subscriberUrls: [job.url, job.peerUrl], rate: job.rate, longPoll: false, drainMs: job.drainMs };
  }
}
