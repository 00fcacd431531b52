import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  // The server-side packages stay plain Node modules (LevelDB's native binding, ioredis).
  serverExternalPackages: ['@kuiper/server', 'classic-level', 'ioredis'],
};

export default config;
