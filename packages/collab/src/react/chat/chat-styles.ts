/**
 * The chat's look, scoped under `.kuiper-chat` (no element or global selectors, so nothing leaks
 * into the page) and themeable through CSS variables set on any ancestor:
 * `--kuiper-chat-bg`, `--kuiper-chat-fg`, `--kuiper-chat-muted`, `--kuiper-chat-accent`,
 * `--kuiper-chat-accent-fg`, `--kuiper-chat-border`, `--kuiper-chat-radius`, `--kuiper-chat-font`.
 */
export const CHAT_CLASS = 'kuiper-chat';

const c = (name: string): string => `.${CHAT_CLASS}${name ? `-${name}` : ''}`;

export const CHAT_CSS = `
${c('')}{display:grid;grid-template-columns:minmax(0,1fr) auto;grid-template-rows:auto 1fr auto auto;gap:8px;height:100%;min-height:0;box-sizing:border-box;padding:8px;
font:var(--kuiper-chat-font,14px/1.4 system-ui,sans-serif);color:var(--kuiper-chat-fg,#1d1d1f);background:var(--kuiper-chat-bg,#fff);
border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:var(--kuiper-chat-radius,8px)}
${c('log')}{grid-column:1;grid-row:2;overflow-y:auto;min-height:0;margin:0;padding:0 4px}
${c('log')}:focus-visible,${c('button')}:focus-visible,${c('input')}:focus-visible{outline:2px solid var(--kuiper-chat-accent,#2f6fed);outline-offset:1px}
${c('who')}{grid-column:2;grid-row:1 / span 4;min-width:120px;border-left:1px solid var(--kuiper-chat-border,#d0d0d7);padding-left:8px}
${c('who-list')}{list-style:none;margin:0;padding:0}
${c('who-list')} li[data-away]{opacity:.6}
${c('who-title')}{font-weight:600;margin:0 0 4px}
${c('message')}{padding:4px 0}
${c('head')}{display:flex;align-items:baseline;gap:6px;min-width:0}
${c('author')}{font-weight:600}
${c('head')}>${c('author')}{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:2em}
${c('head')}>:not(${c('author')}){flex-shrink:0}
${c('time')},${c('meta')},${c('typing')},${c('deleted')}{color:var(--kuiper-chat-muted,#6e6e73);font-size:.85em}
${c('deleted')}{font-style:italic}
${c('text')}{white-space:pre-wrap;overflow-wrap:anywhere}
${c('empty')}{text-align:center;color:var(--kuiper-chat-muted,#6e6e73);margin:24px 0}
${c('day')}{text-align:center;color:var(--kuiper-chat-muted,#6e6e73);font-size:.8em;font-weight:600;margin:8px 0 2px}
${c('unread')}{display:flex;align-items:center;gap:6px;color:var(--kuiper-chat-accent,#2f6fed);font-size:.8em;margin:4px 0}
${c('unread')}::before,${c('unread')}::after{content:"";flex:1;border-top:1px solid var(--kuiper-chat-accent,#2f6fed)}
${c('typing')}{grid-column:1;grid-row:3;min-height:1.4em}
${c('composer')}{grid-column:1;grid-row:4;display:flex;flex-wrap:wrap;gap:6px}
${c('attachments')}{flex-basis:100%;display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:0;padding:0;font-size:.85em;color:var(--kuiper-chat-muted,#6e6e73)}
${c('attachments')} li{display:flex;align-items:flex-start;gap:2px}
${c('attachments')} img{height:48px;max-width:96px;object-fit:cover;border-radius:4px}
${c('images')}{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}
${c('images')} img{display:block;max-width:min(240px,100%);max-height:180px;border-radius:6px;border:1px solid var(--kuiper-chat-border,#d0d0d7)}
${c('read-only')}{grid-column:1;grid-row:4;margin:0;color:var(--kuiper-chat-muted,#6e6e73);font-size:.85em}
${c('input')}{flex:1;min-width:0;resize:none;font:inherit;color:inherit;background:transparent;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:var(--kuiper-chat-radius,8px);padding:6px}
${c('button')}{font:inherit;cursor:pointer;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:var(--kuiper-chat-radius,8px);background:transparent;color:inherit;padding:2px 8px}
${c('button')}[data-primary]{background:var(--kuiper-chat-accent,#2f6fed);color:var(--kuiper-chat-accent-fg,#fff);border-color:transparent}
${c('button')}:disabled{opacity:.5;cursor:default}
${c('button')}[data-icon]{padding:2px 6px;color:var(--kuiper-chat-muted,#6e6e73)}
${c('actions')}{display:inline-flex;gap:4px}
${c('head')} ${c('actions')}{margin-left:auto;font-size:.8em;opacity:.7}
${c('message')}:hover ${c('actions')},${c('message')}:focus-within ${c('actions')}{opacity:1}
${c('edit')}{display:flex;align-items:flex-start;gap:6px}
${c('quote')}{display:flex;gap:4px;max-width:100%;margin:2px 0;padding:1px 6px;font:inherit;font-size:.85em;text-align:left;cursor:pointer;color:inherit;background:transparent;border:0;border-left:3px solid var(--kuiper-chat-border,#d0d0d7)}
${c('quote-text')},${c('replying-text')}{overflow:hidden;white-space:nowrap;text-overflow:ellipsis;color:var(--kuiper-chat-muted,#6e6e73)}
${c('quote')}:focus-visible{outline:2px solid var(--kuiper-chat-accent,#2f6fed);outline-offset:1px}
${c('message')}[data-flash]{background:color-mix(in srgb,var(--kuiper-chat-accent,#2f6fed) 10%,transparent);transition:background .3s}
${c('replying')}{flex-basis:100%;display:flex;align-items:center;gap:6px;min-width:0;font-size:.85em}
${c('replying')}>span:first-child{white-space:nowrap;flex-shrink:0}
${c('message')}[data-mention]{border-left:3px solid var(--kuiper-chat-accent,#2f6fed);padding-left:6px;background:color-mix(in srgb,var(--kuiper-chat-accent,#2f6fed) 6%,transparent)}
${c('mentions')}{flex-basis:100%;list-style:none;margin:0;padding:2px;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:var(--kuiper-chat-radius,8px);font-size:.9em}
${c('mentions')} li{padding:2px 6px;border-radius:4px;cursor:pointer}
${c('mentions')} li[aria-selected="true"]{background:var(--kuiper-chat-accent,#2f6fed);color:var(--kuiper-chat-accent-fg,#fff)}
${c('reactions')},${c('picker')}{display:flex;flex-wrap:wrap;gap:4px;margin-top:4px}
${c('reaction')}{font:inherit;font-size:.85em;cursor:pointer;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:999px;background:transparent;color:inherit;padding:0 8px;line-height:1.6}
${c('reaction')}[aria-pressed="true"],${c('reaction')}[data-mine]{border-color:var(--kuiper-chat-accent,#2f6fed);background:color-mix(in srgb,var(--kuiper-chat-accent,#2f6fed) 12%,transparent)}
${c('reaction')}[role="img"]{cursor:default}
${c('reaction')}:focus-visible{outline:2px solid var(--kuiper-chat-accent,#2f6fed);outline-offset:1px}
${c('searchbar')}{grid-column:1;grid-row:1;display:flex;justify-content:flex-end;gap:6px;min-width:0}
${c('search')}{grid-column:1;grid-row:1;display:flex;flex-direction:column;gap:4px;min-width:0}
${c('search')}>${c('searchbar')}{justify-content:stretch}
${c('search')}>${c('meta')}{margin:0}
${c('results')}{list-style:none;margin:0;padding:0;max-height:12em;overflow-y:auto;border:1px solid var(--kuiper-chat-border,#d0d0d7);border-radius:var(--kuiper-chat-radius,8px)}
${c('results')} button{display:block;width:100%;text-align:left;font:inherit;color:inherit;background:transparent;border:0;padding:4px 8px;cursor:pointer}
${c('results')} button:hover,${c('results')} button:focus-visible{background:color-mix(in srgb,var(--kuiper-chat-accent,#2f6fed) 10%,transparent);outline:none}
${c('result-text')}{display:block;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
${c('latest')}{grid-column:1;grid-row:2;align-self:end;justify-self:center;z-index:1;margin-bottom:8px;font:inherit;font-size:.85em;cursor:pointer;border:0;border-radius:999px;padding:4px 12px;
background:var(--kuiper-chat-accent,#2f6fed);color:var(--kuiper-chat-accent-fg,#fff);box-shadow:0 2px 6px #0003}
${c('latest')}:focus-visible{outline:2px solid var(--kuiper-chat-fg,#1d1d1f);outline-offset:2px}
${c('error')}{color:#b00020;font-size:.85em}
${c('sr')}{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
