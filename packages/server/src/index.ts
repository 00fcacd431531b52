export { createKuiperServer, KuiperServer, ALL_CONNECTION_TYPES, DEFAULT_SERVER_LIMITS } from './server.js';
export type { KuiperServerOptions, KuiperLimits, ConnectionType, ListenOptions, KuiperEventMap } from './server.js';
export { BayeuxCore, errorReply, DEFAULT_LIMITS } from './core.js';
export type { ServiceHandler, ServiceContext, ProcessResult, HeldConnect, CoreOptions, CoreLimits } from './core.js';
export { MemoryEngine } from './memory-engine.js';
export { RedisEngine } from './redis-engine.js';
export type { RedisEngineOptions } from './redis-engine.js';
export type {
  Engine,
  EngineEvent,
  EngineOptions,
  EngineStats,
  RemovalReason,
  ChannelListener,
  OverflowPolicy,
  AckBatch,
} from './engine.js';
export { BayeuxError, bayeuxError, ERROR_CODES } from './errors.js';
export type { ErrorName } from './errors.js';
export { ExtensionPipeline, reject } from './extension.js';
export type { Extension, ExtensionContext, Rejection, IncomingResult } from './extension.js';
export { ackExtension } from './ack-extension.js';
export { timesyncExtension } from './timesync-extension.js';
export { rateLimitExtension } from './rate-limit-extension.js';
export type { RateLimit } from './rate-limit-extension.js';
export { Authorizers } from './security.js';
export type {
  SecurityPolicy,
  SessionInfo,
  Decision,
  HandshakeDecision,
  Authorizer,
  AuthorizerResult,
  AuthorizerOperation,
} from './security.js';
export type { OriginCheck } from './origin.js';
export { decodeBody, decodeJson, decodeForm, checkMessage, encodeBatch } from './codec.js';
export { isValidChannelName, matchingPatterns, patternMatches, channelKind } from './channel.js';
export type { Message, Advice, RawMessage } from './message.js';
export { createLogger, setLogLevel } from './log.js';
export type { LogLevel, Logger } from './log.js';
