// @kuiper/testkit — what Kuiper's tests share: real servers at port 0, clients, one cleanup style,
// the Chromium the browser tests launch, and a deterministic in-memory network.
export { DEFAULT_CHROMIUM, chromiumExecutable } from './chromium.js';
