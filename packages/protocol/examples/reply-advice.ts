import { META, type Message, channelNameProblem, isSessionUnknown, parseBayeuxError, patternMatches } from '@kuiper/protocol';

/** What a client should do about a reply, decided from the protocol alone. */
export function nextStep(reply: Message): string {
  if (reply.successful) return reply.channel === META.handshake ? `session ${reply.clientId}` : 'done';
  if (isSessionUnknown(reply.error)) return 'handshake again, then resubscribe';
  const error = parseBayeuxError(reply.error);
  if (error === undefined) return `refused: ${reply.error ?? 'no reason given'}`;
  const args = error.args.length > 0 ? ` (${error.args.join(', ')})` : '';
  return `refused with ${error.code} ${error.name ?? error.message}${args}`;
}

/** Checks a channel before sending, with the server's own grammar, and says who would get it. */
export function route(channel: string, subscriptions: readonly string[]): string {
  const problem = channelNameProblem(channel);
  if (problem !== undefined) return `not sent: ${problem}`;
  return `to ${subscriptions.filter((pattern) => patternMatches(pattern, channel)).join(', ') || 'nobody'}`;
}
