// A Kuiper server in its own process, for tests that must survive the server crashing: it prints
// `{"port":N}` once listening. Its allowedOrigins function throws on origins that are not URLs
// (`new URL('null')`), as real-world allow-list code does.
import { createKuiperServer } from '../../src/index.js';

const kuiper = createKuiperServer({
  allowedOrigins: (origin) => new URL(origin).hostname.endsWith('.trusted.example'),
});
const { port } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port })}\n`);
