/** From now on, @kuiper/* imports in this process resolve to the packages' TypeScript source. */
export function resolveKuiperFromSource(): void;
