export { createKuiperServer, KuiperServer, ALL_CONNECTION_TYPES, DEFAULT_SERVER_LIMITS } from './server.js';
export type { KuiperServerOptions, KuiperLimits, ConnectionType, ListenOptions, KuiperEventMap } from './server.js';
// The Redis engine is exported from `@kuiper/server/redis`, so the default install never loads ioredis.
export { BayeuxCore, errorReply, DEFAULT_LIMITS } from './core/core.js';
export type { ServiceHandler, ServiceContext, ProcessResult, HeldConnect, CoreOptions, CoreLimits } from './core/core.js';
export { MemoryEngine } from './engines/memory.js';
export type {
  Engine,
  EngineEvent,
  EngineOptions,
  EngineStats,
  RemovalReason,
  ChannelListener,
  OverflowPolicy,
  AckBatch,
  DeliveryMode,
  LifecycleEvent,
  VacateReason,
  SubscribeResult,
} from './core/engine.js';
export type { ChannelOccupiedEvent, ChannelVacatedEvent, SessionRemovedEvent, LifecycleHook } from './core/lifecycle.js';
// The wire types, channel grammar and error table are @kuiper/protocol's; re-exported as before.
export { BayeuxError, bayeuxError, ERROR_CODES } from '@kuiper/protocol';
export type { ErrorName } from '@kuiper/protocol';
export { ExtensionPipeline, reject } from './core/extension.js';
export type { Extension, ExtensionContext, Rejection, IncomingResult } from './core/extension.js';
export { ackExtension } from './extensions/ack.js';
export { timesyncExtension } from './extensions/timesync.js';
export { rateLimitExtension } from './extensions/rate-limit.js';
export type { RateLimit } from './extensions/rate-limit.js';
export { Authorizers, isServerSession, SERVER_SESSION_KEY } from './core/security.js';
export type { InProcessTransportFactory, InProcessTransport, InProcessContext, InProcessOptions } from './transports/in-process.js';
export type {
  SecurityPolicy,
  SessionInfo,
  Decision,
  HandshakeDecision,
  Authorizer,
  AuthorizerResult,
  AuthorizerOperation,
} from './core/security.js';
export { originAllowed, type OriginCheck } from './transports/origin.js';
export { decodeBody, decodeJson, decodeForm, checkMessage, encodeBatch } from './core/codec.js';
export { isValidChannelName, matchingPatterns, patternMatches, channelKind } from '@kuiper/protocol';
export type { Message, Advice, RawMessage } from '@kuiper/protocol';
export { createLogger, setLogLevel } from './core/log.js';
export type { LogLevel, Logger } from './core/log.js';
