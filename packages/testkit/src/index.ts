// @kuiper/testkit — what Kuiper's tests share: real servers at port 0, clients, one cleanup style,
// Bayeux spoken raw, the Chromium the browser tests launch, and a deterministic in-memory network.
export { Cleanup, cleanup, onCleanup } from './cleanup.js';
export { DEFAULT_OPTIONS, eventually, startKuiper } from './server.js';
export type { KuiperOptions, KuiperServer, StartOptions, StartedKuiper } from './server.js';
export { newClient } from './client.js';
export {
  RawSocket,
  ackHandshake,
  bayeux,
  connectMessage,
  exchange,
  expectHealthy,
  handshakeMessage,
  immediateConnect,
  msgId,
  rawGet,
  rawHandshake,
  rawPost,
  replyTo,
  subscribedSession,
} from './wire.js';
export type { RawResponse, WireMessage } from './wire.js';
export { DEFAULT_CHROMIUM, chromiumExecutable } from './chromium.js';
export { pastePicture, type EvaluatingPage, type PastedPicture } from './paste-picture.js';
export { LoopbackNetwork } from './loopback/network.js';
export type { ExchangeStage, FetchHandler, WireExchange } from './loopback/network.js';
export { LOOPBACK_URL, startLoopback } from './loopback/world.js';
export type { Loopback } from './loopback/world.js';
export { seeded } from './seeded.js';
