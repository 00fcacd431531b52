/**
 * @kuiper/collab — rooms with shared Yjs documents and presence, framework-free and isomorphic.
 * The LevelDB store is not exported here (Node only): import it from `@kuiper/collab/stores/level`.
 */
export { roomChannels, roomOfChannel, isValidRoomId, LOBBY_CHANNELS, type RoomChannels } from './protocol/channels.js';
export { encodeBase64, decodeBase64 } from './protocol/base64.js';
export { assetIdOf, assetSrc, isAssetId, pictureType, type PictureType } from './protocol/assets.js';
export { collabError, describeThrown, type CollabError, type CollabErrorCode, type Result } from './protocol/errors.js';
export {
  COLLAB_PROTOCOL_VERSION,
  DEFAULT_MAX_PRESENCE_BYTES,
  parseClientMessage,
  parseServerMessage,
  presenceProblem,
  toWire,
  type Ack,
  type ClientMessage,
  type ClientUpdate,
  type ErrorMessage,
  type Json,
  type PresenceChange,
  type PresenceData,
  type PresenceMessage,
  type PresenceSet,
  type RoomUpdate,
  type ServerMessage,
  type SyncStep1,
  type SyncStep2,
  type WireMessage,
} from './protocol/messages.js';
export {
  ChunkAssembler,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_TRANSFER_BYTES,
  ENVELOPE_ALLOWANCE,
  jsonStringBytes,
  splitForWire,
  type Assembled,
  type AssemblerOptions,
  type SplitOptions,
} from './protocol/chunks.js';
export { systemClock, type Clock, type TimerHandle } from './core/clock.js';
export { DocumentSync, type DocumentSyncOptions, type SyncStatus } from './core/document-sync.js';
export { PresenceState, type PresenceEntry, type PresenceEvent, type PresenceStateOptions } from './core/presence-state.js';
export { PresenceRoom, type PresenceRoomOptions } from './core/presence-room.js';
export { RoomAuthority, type MemberGrant, type RoomAuthorityOptions } from './core/room-authority.js';
export { RoomMember, type MemberChannel, type RoomMemberOptions } from './core/room-member.js';
export { RoomHost, type RoomChannel, type RoomHostOptions } from './core/room-host.js';
export type { AssetEntry, AssetMark, AssetPut, AssetStore, DocumentStore, StoredDocument, StoredUpdate, VersionDraft, VersionEntry, VersionStore } from './core/store.js';
export { MemoryStore } from './stores/memory.js';
// [CHAT-1…9] Chat: the contract, the member's client and window, the server's pure core, the wire.
export type { ChatAuthor, ChatEvent, ChatEventWire, ChatMessage, ChatReaction, ChatReplyTo, ChatSendOptions, ModerateHook, ModerationVerdict, RoomChat, Typer, TypingWire } from './chat/types.js';
export { ChatClient, ChatError, type ChatLink, type RoomChatOptions } from './chat/room-chat.js';
export { ChatWindow, type Merged } from './chat/chat-window.js';
export { ChatService, chatAuthor, type ChatCaller, type ChatOutcome, type ChatServiceOptions } from './chat/chat-service.js';
export { chatMatcher, searchChat, SEARCH_SCAN, type ChatSearchQuery, type ChatSearchResult } from './chat/chat-search.js';
export { TypingBoard, DEFAULT_TYPING_TIMEOUT_MS, type TypingBoardOptions } from './chat/typing-board.js';
export { CHAT_VERSION, DEFAULT_MAX_CHAT_LENGTH, MAX_CHAT_IMAGES, MAX_PAGE, MAX_REACTIONS, MAX_REACTORS, MAX_SEARCH_LENGTH, MAX_SEARCH_RESULTS, isReactionEmoji, QUOTE_LENGTH, quoteOf, chatBroadcast, chatRequest, chatServiceChannel, parseChatBroadcast, parseChatRequest, readAnswer, type ChatBroadcast, type ChatJoined, type ChatRequest } from './chat/chat-wire.js';
export type { ChatChange, ChatChangeResult, ChatDraft, ChatPage, ChatPageQuery, ChatStore } from './core/store.js';
export { WireReader, clientMessageReader, serverMessageReader, writeWire } from './protocol/wire.js';
export { enterRoom, type EnterRoomOptions, type Room, type RoomClient } from './client/enter-room.js';
export { createRoomAssets, type RoomAssets, type RoomAssetsOptions } from './client/assets.js';
export { createRoomVersions, type RoomVersions, type RoomVersionsOptions } from './client/versions.js';
export { revertUpdate, type RestoreOptions } from './core/revert.js';
export { AWARENESS_FIELD, AWARENESS_ORIGIN, createAwareness, type AwarenessOptions, type AwarenessRoom } from './client/awareness.js';
export { DEFAULT_AWAY_HIDDEN_MS, DEFAULT_AWAY_IDLE_MS, isAway, watchAway, type AwayOptions, type AwayPresence } from './client/away.js';
export { DEFAULT_LOST_AFTER_MS, watchLostConnection, type LostConnectionEvent, type LostConnectionOptions, type StatusSource } from './client/lost-connection.js';
export { createRoomEvents, isRoomEventWire, type RoomEvent, type RoomEvents, type RoomEventSender, type RoomEventWire } from './client/room-events.js';
export { UndoHistory, type UndoHistoryOptions, type UndoState } from './core/undo-history.js';
export {
  Board,
  BOARD_MAP,
  BoardComments,
  isCommentAuthor,
  unreadMessages,
  COMMENTS_MAP,
  boardToSvg,
  CLIPBOARD_FORMAT,
  createBoard,
  pasteShapes,
  shapesFromClipboard,
  shapesToClipboard,
  readBoardShapes,
  readPeer,
  shapeBounds,
  SHAPE_KINDS,
  isTurnable,
  rotatePatches,
  type BoardPresence,
  type BoardRoom,
  type CommentAuthor,
  type CommentMessage,
  type CommentThread,
  type LiveStroke,
  type NewShape,
  type Peer,
  type Shape,
  type ShapeKind,
  type ShapePatch,
  type SvgExportOptions,
} from './whiteboard/index.js';
export { forgetOfflineRoom, openOfflineStore, offlineDatabaseName, type OfflineOptions, type OfflineStore } from './client/offline.js';
export { enterLobby, hasNews, mentionsYou, type EnterLobbyOptions, type Lobby, type LobbyClient } from './lobby/enter-lobby.js';
export { LobbyView } from './lobby/lobby-view.js';
export {
  LOBBY_ROOMS,
  LOBBY_SERVICE,
  lobbyRoomChannel,
  MAX_READS_ROOMS,
  parseLobbyMessage,
  parseLobbyReads,
  type LobbyChange,
  type LobbyReads,
  type LobbyMember,
  type LobbyMessage,
  type LobbyRoom,
  type LobbySnapshot,
} from './lobby/lobby-messages.js';
