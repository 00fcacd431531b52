import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  // The server-side packages stay plain Node modules (LevelDB's native binding, ioredis), and yjs is
  // the one copy the Kuiper side imports too: bundled, the room page's server rendering loaded a second
  // (Yjs warns "already imported": its constructor checks break across copies). DEMO-19.
  serverExternalPackages: ['@kuiper/server', 'classic-level', 'ioredis', 'yjs'],
};

export default config;
