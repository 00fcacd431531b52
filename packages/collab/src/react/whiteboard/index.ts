/** `<Whiteboard room={room} />` and its parts (BOARD-10…13). */
export { Whiteboard, type WhiteboardProps } from './whiteboard.js';
export { useBoard, usePeers, useShapes, useUndoState, type WhiteboardRoom } from './use-board.js';
export { downloadFile, pngFile, svgFile, type ExportedFile } from './export-file.js';
export { COLORS, TOOLS, WIDTHS, type Tool } from './toolbar.js';
