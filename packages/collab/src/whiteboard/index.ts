/** The whiteboard model (BOARD-1…8): framework-free; the `<Whiteboard>` component renders it. */
export { ASSET_SWAP_ORIGIN, Board, BOARD_MAP, createBoard, readBoardShapes, type BoardRoom, type LockOptions } from './board.js';
export {
  compareShapes,
  isConnector,
  isColor,
  isThumbSrc,
  isShapeId,
  isTurnable,
  newShapeProblem,
  patchProblem,
  readShape,
  shapeBounds,
  uprightBox,
  SHAPE_DEFAULTS,
  SHAPE_FIELDS,
  SHAPE_KINDS,
  SHAPE_LIMITS,
  thinPoints,
  type NewShape,
  type Shape,
  type ShapeKind,
  type ShapePatch,
} from './shape.js';
export { boardPresencePatch, colorFor, LIVE_STROKE_POINTS, readPeer, type BoardPoint, type BoardPresence, type LiveStroke, type Peer } from './board-presence.js';
export { liveStrokeSvg, penPath, shapeSvg, svgMarkup, turnAttrs, type ShapeSvgOptions, type SvgNode } from './shape-svg.js';
export { boardExtent, boardToSvg, type BoardExtent, type SvgExportOptions } from './export-svg.js';
export { boxOf, hits, shapeAt, shapesWithin } from './hit-test.js';
export { ATTACH_GAP, attachableAt, attachEnds, edgePoint, isAttachable, movePatch, withAttachedEnds } from './connectors.js';
export { NOTE_INK, NOTE_PAPER, NOTE_SIZE, noteLines, notePaper, paperOf } from './sticky-note.js';
export { isResizable, MIN_RESIZE, resizePatch, type ResizePatch } from './resize.js';
export { assetSourcesFromClipboard, CLIPBOARD_FORMAT, MAX_PASTED_SHAPES, noteFromText, pasteShapes, shapesFromClipboard, shapesToClipboard, type ClipboardOptions, type CopiedShape } from './clipboard.js';
export { clampZoom, GRID, gridOf, MAX_ZOOM, MIN_ZOOM, nudgeIntoView, readViewport, viewportOf, viewShowing, type BoardView, type BoardViewport } from './viewport.js';
export { viewFitting } from './fit-view.js';
export { ALIGNMENTS, alignMoves, type AlignMove, type Alignment } from './align.js';
export { boardChanges, describeBoardChanges, type BoardChanges } from './board-changes.js';
export { FLIP_AXES, flipPatch, flipPatches, type FlipAxis } from './flip.js';
export { ROTATE_STEP, rotatePatch, rotatePatches, rotationPivot, snapRotation } from './rotate.js';
export { normalizeDegrees, turnedBounds, turnPoint, type Box, type Point } from './geometry.js';
export { canGroup, regroup, wholeGroupsWithin, withGroups } from './groups.js';
export { BoardComments, isCommentAuthor, unreadMessages, COMMENT_LIMITS, COMMENTS_MAP, COMMENTS_ORIGIN, type CommentAuthor, type CommentMessage, type CommentThread } from './comments.js';
