/**
 * [BOARD-25] An asset picture's thumbnail, drawn under it until the picture itself has loaded: a
 * board of photos opened on a slow network shows every picture at once, blurred, instead of empty
 * boxes, and one whose asset cannot be fetched (gone, or the server unreachable) keeps showing its
 * thumbnail. Removed once the picture is there, so a transparent picture shows no copy beneath.
 */
import { useEffect, useState, type ReactElement } from 'react';
import { uprightBox, type Shape } from '../../whiteboard/shape.js';
import { turnAttrs } from '../../whiteboard/shape-svg.js';

export function ThumbUntilLoaded({ shape, href }: { shape: Shape; href: string }): ReactElement | null {
  const [loaded, setLoaded] = useState<string | undefined>(undefined);
  useEffect(() => {
    // The browser's image cache serves the <image> above and this one from one download.
    const picture = new Image();
    picture.onload = () => setLoaded(href);
    picture.src = href;
    return () => {
      picture.onload = null;
    };
  }, [href]);
  if (loaded === href || shape.thumb === undefined) return null;
  const { x, y, w, h } = uprightBox(shape);
  return <image data-thumb-of={shape.id} aria-hidden="true" href={shape.thumb} x={x} y={y} width={w} height={h} preserveAspectRatio="none" {...turnAttrs(shape)} />;
}
