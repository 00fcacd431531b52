'use client';
/**
 * @kuiper/collab/react — providers and hooks over a Kuiper client and its rooms (SPEC: REACT-*).
 * Every hook reads through `useSyncExternalStore` on the framework-free cores; nothing here runs at
 * import time or touches `window`, so a server render is safe.
 */
export { KuiperProvider, useClient, type KuiperProviderProps } from './kuiper-provider.js';
export { RoomProvider, useRoom, type RoomProviderProps } from './room-provider.js';
export { ClientSideSuspense, useSuspenseDocument, useSuspenseRoom, type ClientSideSuspenseProps } from './suspense.js';
export { useStatus, useStatusSnapshot } from './use-status.js';
export { useLostConnectionListener, type LostConnectionListenerOptions } from './use-lost-connection.js';
export type { LostConnectionEvent } from '../client/lost-connection.js';
export { useChannel, type ChannelApi, type ChannelStatus, type UseChannelOptions } from './use-channel.js';
export { shallowEqual, useMyPresence, useOthers, useSelf, useUpdateMyPresence, type Self } from './use-presence.js';
export { useDocument, useYjs } from './use-yjs.js';
export { useSyncStatus, useUnsavedEdits, type SyncStatusOptions } from './use-sync-status.js';
export { useBroadcast, useEvent } from './use-events.js';
export type { RoomEvent, RoomEventSender } from '../client/room-events.js';
export { useUndo, type UndoApi } from './use-undo.js';
export { useAwareness } from './use-awareness.js';
export { useAway } from './use-away.js';
export { isAway } from '../client/away.js';
export { Whiteboard, type WhiteboardProps, type WhiteboardRoom, type ExportedFile } from './whiteboard/index.js';
export { useChat, type ChatApi, type ChatRoom } from './use-chat.js';
export { useLobby, type LobbyState, type UseLobbyOptions } from './use-lobby.js';
export { Chat, typingLine, type ChatProps } from './chat/chat.js';
export { CHAT_CLASS } from './chat/chat-styles.js';
export { CHAT_REACTIONS } from './chat/reactions.js';
export { VersionHistory, versionReason, versionTime, type VersionHistoryProps, type VersionPart } from './versions/version-history.js';
