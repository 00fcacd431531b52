/**
 * `<VersionHistory>`'s look, scoped under `.kuiper-versions` as the chat's is under `.kuiper-chat`,
 * and themed by the same variables (`--kuiper-chat-bg`, `-fg`, `-muted`, `-accent`, `-border`…),
 * so a page that themed its chat has themed its history too.
 */
export const VERSIONS_CLASS = 'kuiper-versions';

const c = (name: string): string => `.${VERSIONS_CLASS}${name ? `-${name}` : ''}`;

export const VERSIONS_CSS = `
${c('')}{display:flex;flex-direction:column;gap:8px;box-sizing:border-box;padding:12px;overflow-y:auto;
font:var(--kuiper-chat-font,14px/1.4 system-ui,sans-serif);color:var(--kuiper-chat-fg,#1d1d1f);background:var(--kuiper-chat-bg,#fff);
border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:var(--kuiper-chat-radius,8px)}
${c('head')}{display:flex;align-items:center;justify-content:space-between;gap:8px}
${c('head')} h2{font-size:1.1em;margin:0}
${c('save')}{display:flex;gap:6px}
${c('input')}{flex:1;min-width:0;font:inherit;padding:4px 8px;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:6px}
${c('button')}{font:inherit;padding:4px 10px;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:6px;background:var(--kuiper-chat-bg,#fff);color:inherit;cursor:pointer}
${c('button')}[type=submit],${c('preview')} ${c('button')}{background:var(--kuiper-chat-accent,#2f6fed);color:var(--kuiper-chat-accent-fg,#fff);border-color:transparent}
${c('button')}[aria-disabled=true]{opacity:.6;cursor:default}
${c('button')}:focus-visible,${c('input')}:focus-visible,${c('item')}:focus-visible{outline:2px solid var(--kuiper-chat-accent,#2f6fed);outline-offset:1px}
${c('status')}:empty{display:none}
${c('status')},${c('count')},${c('since')}{color:var(--kuiper-chat-muted,#6e6e73);font-size:.9em;margin:0}
${c('problem')}{color:#b00020;margin:0}
${c('list')}{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:2px;max-height:14rem;overflow-y:auto}
${c('item')}{width:100%;text-align:left;font:inherit;color:inherit;background:none;border:1px solid transparent;border-radius:6px;padding:4px 6px;cursor:pointer}
${c('item')}:hover{background:rgba(0,0,0,.04)}
${c('item')}[aria-pressed=true]{border-color:var(--kuiper-chat-accent,#2f6fed);background:rgba(47,111,237,.08)}
${c('time')}{font-weight:600}
${c('preview')}{display:flex;flex-direction:column;gap:6px;align-items:flex-start}
${c('restore')}{display:flex;flex-wrap:wrap;gap:6px}
${c('preview')} ${c('part')}{background:var(--kuiper-chat-bg,#fff);color:inherit;border-color:var(--kuiper-chat-border,#d0d0d7)}
${c('preview')} img{max-width:100%;max-height:16rem;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:6px;background:#fff}
`;
