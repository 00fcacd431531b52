// @kuiper/protocol — the Bayeux wire shared by the Kuiper server, client, benchmark and tests:
// message types, the channel grammar and matcher, and the error-code table. No dependencies, no
// Node or browser APIs.
export {
  BAYEUX_VERSION,
  CONNECTION_TYPES,
  META,
  isTimesyncRequest,
} from './message.js';
export type {
  AckExt,
  Advice,
  ConnectionType,
  Ext,
  Message,
  MessageId,
  MetaChannel,
  RawMessage,
  Reconnect,
  TimesyncReply,
  TimesyncRequest,
} from './message.js';
export {
  MAX_CHANNEL_LENGTH,
  channelKind,
  channelNameProblem,
  isMetaChannel,
  isServiceChannel,
  isValidChannelName,
  isWildcard,
  matchingPatterns,
  parentChannel,
  patternMatches,
} from './channel.js';
export type { ChannelKind } from './channel.js';
export {
  BayeuxError,
  ERROR_CODES,
  bayeuxError,
  formatBayeuxError,
  isBayeuxError,
  isSessionUnknown,
  parseBayeuxError,
  toBayeuxError,
} from './errors.js';
export type { ErrorName, ParsedBayeuxError } from './errors.js';
