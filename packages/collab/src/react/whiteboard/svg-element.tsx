/** Renders a framework-free `SvgNode` (from `shapeSvg`) as React elements: one source for screen and export. */
import { createElement, type ReactElement } from 'react';
import type { SvgNode } from '../../whiteboard/shape-svg.js';

/** `stroke-width` → `strokeWidth`; `data-*` and `aria-*` stay as they are, as React expects. */
const reactName = (name: string): string =>
  name.startsWith('data-') || name.startsWith('aria-') ? name : name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export function SvgElement({ node }: { node: SvgNode }): ReactElement {
  const props: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(node.attrs)) props[reactName(key)] = value;
  const children = node.children?.map((child, i) => <SvgElement key={i} node={child} />);
  return createElement(node.tag, props, node.text, children);
}
