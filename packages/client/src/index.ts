export { createClient } from './client.js';
export type { ClientOptions, KuiperClient, Subscription, CallOptions } from './client.js';
export { backoffDelay, backoffWindow, DEFAULT_BACKOFF } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { KuiperClientError } from './errors.js';
export type { KuiperClientErrorCode } from './errors.js';
export { channelMatches, isValidChannel, isWildcard } from './channel-name.js';
export { createLogger } from './logger.js';
export type { LogLevel, LogSink, Logger } from './logger.js';
export { decodeMessages, encodeMessages } from './message.js';
// The wire types are @kuiper/protocol's, the one definition the server shares.
export { BAYEUX_VERSION } from '@kuiper/protocol';
export type { Advice, Message, Reconnect } from '@kuiper/protocol';
export type { Status, StatusEvent, StatusListener, RetryInfo, StatusSnapshot, SessionEvent, SessionListener } from './status.js';
export type { MessageHandler } from './subscriptions.js';
export { UNRECOVERED_CHANNEL } from './unrecovered.js';
export type { UnrecoveredEvent, UnrecoveredListener } from './unrecovered.js';
export { registerTransport, getTransport, registeredTransports } from './transport.js';
export type {
  FetchLike,
  SendOptions,
  Transport,
  TransportContext,
  TransportEnv,
  TransportFactory,
  WebSocketConstructor,
  WebSocketLike,
} from './transport.js';
export {
  ALL_TRANSPORTS,
  DEFAULT_TRANSPORTS,
  callbackPolling,
  eventsource,
  foreverFrame,
  longPolling,
  multipartMime,
  websocket,
} from './transports/index.js';
export { createSseParser } from './transports/eventsource.js';
export { createMultipartParser } from './transports/multipart-mime.js';
export type { StandardSchemaV1, TypedChannel, TypedChannelOptions, TypedSubscription, InferInput, InferOutput } from './typed-channel.js';
export { createSharedClient } from './shared/shared-client.js';
export type { SharedClientOptions, LockManagerLike } from './shared/shared-client.js';
export type { BusChannel, BusConstructor } from './shared/protocol.js';
