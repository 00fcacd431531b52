/**
 * The component's styles, scoped under one class prefix (`kuiper-wb`) so nothing leaks into the
 * page, and themeable through CSS variables set on any ancestor:
 * `--kuiper-wb-bg`, `--kuiper-wb-fg`, `--kuiper-wb-toolbar-bg`, `--kuiper-wb-border`,
 * `--kuiper-wb-accent`, `--kuiper-wb-grid`, `--kuiper-wb-grid-snap` (the dots while Snap to grid is
 * on, BOARD-43: darker, so one sees what things land on), `--kuiper-wb-radius`, `--kuiper-wb-font`.
 */
import type { CSSProperties } from 'react';
import { gridOf, type BoardView } from '../../whiteboard/viewport.js';

export const WB = 'kuiper-wb';

export const WHITEBOARD_CSS = `
.${WB}{position:relative;display:flex;flex-direction:column;height:100%;min-height:320px;
  font-family:var(--kuiper-wb-font,system-ui,sans-serif);color:var(--kuiper-wb-fg,#1e1e1e);
  background:var(--kuiper-wb-bg,#ffffff);border:1px solid var(--kuiper-wb-border,#d0d4d9);
  border-radius:var(--kuiper-wb-radius,8px);overflow:hidden;box-sizing:border-box}
.${WB}-toolbar{display:flex;flex-wrap:wrap;gap:4px;align-items:center;padding:6px;
  background:var(--kuiper-wb-toolbar-bg,#f4f5f7);border-bottom:1px solid var(--kuiper-wb-border,#d0d4d9)}
.${WB}-group{display:flex;gap:2px;align-items:center;padding-right:6px;margin-right:2px;
  border-right:1px solid var(--kuiper-wb-border,#d0d4d9)}
.${WB}-group:last-child{border-right:none}
.${WB}-button{font:inherit;font-size:13px;min-width:32px;height:30px;padding:0 8px;cursor:pointer;
  color:inherit;background:transparent;border:1px solid transparent;border-radius:6px}
.${WB}-button:hover{background:var(--kuiper-wb-border,#d0d4d9)}
.${WB}-button[aria-pressed="true"],.${WB}-button[aria-checked="true"]{border-color:var(--kuiper-wb-accent,#1971c2);
  background:color-mix(in srgb,var(--kuiper-wb-accent,#1971c2) 14%,transparent)}
.${WB}-button:disabled{opacity:.4;cursor:default}
.${WB}-button:focus-visible,.${WB}-surface:focus-visible{outline:2px solid var(--kuiper-wb-accent,#1971c2);outline-offset:1px}
.${WB}-swatch{width:18px;height:18px;border-radius:50%;display:inline-block;border:1px solid rgba(0,0,0,.2);vertical-align:middle}
.${WB}-stage{position:relative;flex:1;min-height:0;display:flex}
.${WB}-surface{flex:1;width:100%;min-height:0;touch-action:none;display:block;user-select:none;-webkit-user-select:none;
  background-color:var(--kuiper-wb-bg,#ffffff);
  background-image:radial-gradient(var(--kuiper-wb-grid,#e3e6ea) 1px,transparent 1px);background-size:20px 20px}
.${WB}-surface[data-snap]{background-image:radial-gradient(var(--kuiper-wb-grid-snap,#9aa1ab) 1.2px,transparent 1.2px)}
.${WB}-surface[data-tool="select"]{cursor:default}
.${WB}-surface[data-tool="eraser"]{cursor:cell}
.${WB}-handle{cursor:nwse-resize}
.${WB}-rotate{cursor:grab}
.${WB}-surface[data-tool="comment"]{cursor:copy}
.${WB}-surface[data-tool="laser"]{cursor:crosshair}
.${WB}-pin{cursor:pointer}
.${WB}-comment{position:absolute;z-index:2;width:240px;padding:8px;font-size:13px;background:var(--kuiper-wb-toolbar-bg,#f8f9fa);
  border:1px solid var(--kuiper-wb-border,#dee2e6);border-radius:var(--kuiper-wb-radius,6px);box-shadow:0 2px 8px rgba(0,0,0,.15)}
.${WB}-comment textarea{width:100%;box-sizing:border-box;font:inherit;resize:vertical}
.${WB}-comment-messages{list-style:none;margin:0 0 6px;padding:0;max-height:180px;overflow:auto}
.${WB}-comment-messages li{margin:0 0 4px;overflow-wrap:anywhere}
.${WB}-comment-actions{display:flex;flex-wrap:wrap;align-items:center;gap:4px;margin-top:4px}
.${WB}-comment-text{margin:2px 0 0;white-space:pre-wrap}
.${WB}-comment-when{margin-left:4px;font-size:11px;opacity:.65}
.${WB}-comment-message-actions{display:flex;gap:8px}
.${WB}-link{padding:0;border:0;background:none;font:inherit;font-size:11px;color:var(--kuiper-wb-accent,#1971c2);cursor:pointer}
.${WB}-link:hover,.${WB}-link:focus-visible{text-decoration:underline}
.${WB}-text-editor{position:absolute;min-width:160px;min-height:48px;font:inherit;font-size:16px;padding:4px;
  border:1px dashed var(--kuiper-wb-accent,#1971c2);background:var(--kuiper-wb-bg,#ffffff);color:inherit;resize:both}
.${WB}-text-editor[data-kind=note]{resize:none;box-sizing:border-box;min-width:0;min-height:0;line-height:1.3;font-family:system-ui,sans-serif;border:1px solid var(--kuiper-wb-accent,#1971c2);border-radius:4px}
.${WB}-follow{position:absolute;top:6px;right:6px;display:flex;gap:6px;align-items:center;z-index:1;font-size:13px}
.${WB}-select{font:inherit;height:28px;color:inherit;background:var(--kuiper-wb-toolbar-bg,#f4f5f7);
  border:1px solid var(--kuiper-wb-border,#d0d4d9);border-radius:6px}
.${WB}-align{width:7em;font-size:13px}
.${WB}-spotlight[aria-pressed="false"]{border-color:var(--kuiper-wb-border,#d0d0d7);background:var(--kuiper-wb-bg,#fff)}
.${WB}-followers{padding:2px 8px;border-radius:6px;background:var(--kuiper-wb-toolbar-bg,#f4f5f7);color:inherit}
.${WB}-following{display:flex;gap:4px;align-items:center;padding:0 0 0 8px;border:1px solid;border-radius:6px;
  background:var(--kuiper-wb-bg,#ffffff)}
.${WB}-busy{position:absolute;left:8px;bottom:8px;z-index:1;margin:0;padding:4px 8px;font-size:13px;border-radius:6px;
  background:var(--kuiper-wb-toolbar-bg,#f4f5f7);border:1px solid var(--kuiper-wb-border,#d0d4d9)}
.${WB}-busy:empty{padding:0;border:0}
.${WB}-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:600px){
  .${WB}-toolbar{flex-wrap:nowrap;overflow-x:auto;overscroll-behavior-x:contain;scrollbar-width:thin}
  .${WB}-group{flex:none}
  .${WB}-button{min-width:30px;padding:0 6px}
}
`;

/** [BOARD-42] The dot grid's place and spacing for the view: it moves and scales with the board. */
export function gridStyle(view: BoardView): CSSProperties {
  const g = gridOf(view);
  return { backgroundSize: `${g.size}px ${g.size}px`, backgroundPosition: `${g.x}px ${g.y}px` };
}
