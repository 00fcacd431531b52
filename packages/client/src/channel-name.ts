/**
 * The client checks channel names with the server's own grammar (@kuiper/protocol, PROTO-10..15),
 * so a name the server would refuse is refused here, before anything is sent. The public names
 * (`isValidChannel`, `channelMatches`) are the client's since its first release.
 */
import { channelNameProblem, isMetaChannel, isWildcard } from '@kuiper/protocol';

export { isValidChannelName as isValidChannel, isWildcard, patternMatches as channelMatches } from '@kuiper/protocol';

/** Why `subscribe(channel)` is refused, or undefined: a valid, non-meta name or pattern is needed. */
export function subscribeChannelProblem(channel: unknown): string | undefined {
  const problem = channelNameProblem(channel);
  if (problem !== undefined) return problem;
  return isMetaChannel(channel as string) ? '/meta/** belongs to the protocol' : undefined;
}

/** Why `publish(channel)` is refused, or undefined: what subscribe accepts, minus patterns. */
export function publishChannelProblem(channel: unknown): string | undefined {
  return subscribeChannelProblem(channel) ?? (isWildcard(channel as string) ? 'a pattern cannot be published to' : undefined);
}
