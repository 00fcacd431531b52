/**
 * @kuiper/collab/server — rooms on a Kuiper server. Server-side only: it imports @kuiper/server, so
 * the isomorphic main entry never reaches it.
 */
export { attachCollab, type AttachedCollab, type CollabAuthorize, type CollabOptions } from './attach-collab.js';
export type { ChatOptions } from './attach-chat.js';
export type { OpenDocumentOptions, ServerDocument } from './server-documents.js';
export { documentsApi, type DocumentsApi, type DocumentsApiOptions } from './documents-api.js';
export type { OnStored, StoredEvent } from './observed-store.js';
export { ASSET_CLIENT_HEADER, type AssetsApi, type AssetsOptions } from './assets-api.js';
export { assetsInUse, collectAssets, DEFAULT_UNUSED_FOR_MS, type AssetCollection } from './asset-collector.js';
export { MAX_VERSION_LABEL, type VersionsApi, type VersionsApiOptions } from './versions-api.js';
export { DEFAULT_VERSION_EVERY_MS, DEFAULT_VERSION_ROOM_BYTES, DEFAULT_VERSIONS_KEPT, type VersionsOptions } from './versioned-store.js';
export type { ServerVersions, StoredVersions } from './server-versions.js';
