/**
 * Runs the client's source in real Chromium: one node:http server serves a page, the client's
 * modules transpiled on the fly from src/*.ts (the `#globals` import is mapped to the browser
 * variant with an import map, as a bundler's `browser` condition would), and the Kuiper server.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import ts from 'typescript';
import { chromiumExecutable } from '@kuiper/testkit';
import { createKuiperServer } from '../../../server/src/index.js';
import { listenTracked } from './http-server.js';

/** URL prefix → source folder: the client, and the workspace package it imports by name. */
const SOURCES: Record<string, string> = {
  '/src/': fileURLToPath(new URL('../../src/', import.meta.url)),
  '/protocol/': fileURLToPath(new URL('../../../protocol/src/', import.meta.url)),
};

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports":{"#globals":"/src/globals.js","@kuiper/protocol":"/protocol/index.js"}}</script>
<script type="module">import * as kuiper from '/src/index.js'; window.kuiper = kuiper; window.kuiperReady = true;</script>
</head><body></body></html>`;

const transpiled = new Map<string, Promise<string | undefined>>();

function serveSource(pathname: string): Promise<string | undefined> {
  let js = transpiled.get(pathname);
  if (!js) transpiled.set(pathname, (js = transpile(pathname)));
  return js;
}

async function transpile(pathname: string): Promise<string | undefined> {
  const prefix = Object.keys(SOURCES).find((p) => pathname.startsWith(p));
  const path = prefix === undefined ? '' : pathname.slice(prefix.length);
  if (prefix === undefined || !/^[\w/-]+\.js$/.test(path) || path.includes('..')) return undefined;
  const source = await readFile(SOURCES[prefix] + path.replace(/\.js$/, '.ts'), 'utf8').catch(() => undefined);
  if (source === undefined) return undefined;
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
}

export interface BrowserHarness {
  readonly origin: string;
  readonly kuiper: ReturnType<typeof createKuiperServer>;
  /** A page in a context of its own. */
  newPage(): Promise<Page>;
  /** A browser context whose pages are tabs of one browser profile (shared BroadcastChannel, locks). */
  newContext(): Promise<BrowserContext>;
  /** Opens the harness page in a context and waits for the client module. */
  openTab(context: BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowserHarness(options: Parameters<typeof createKuiperServer>[0] = {}): Promise<BrowserHarness> {
  // Fails here, with what is missing, before anything starts: browser tests never skip.
  const executablePath = chromiumExecutable();
  const kuiper = createKuiperServer({ path: '/bayeux', timeout: 5_000, ...options });
  kuiper.addService('/service/echo', async (data) => data);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/bayeux') || res.headersSent) return; // Kuiper's
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    if (Object.keys(SOURCES).some((prefix) => url.pathname.startsWith(prefix))) {
      void serveSource(url.pathname).then((js) => {
        if (js === undefined) res.writeHead(404).end();
        else res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
      });
      return;
    }
    res.writeHead(404).end();
  });
  kuiper.attach(server);
  const tracked = await listenTracked(server);
  const origin = `http://127.0.0.1:${tracked.port}`;
  let browser: Browser | undefined;
  const newContext = async (): Promise<BrowserContext> => {
    browser ??= await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    return browser.newContext();
  };
  const openTab = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as { kuiperReady?: boolean }).kuiperReady === true);
    return page;
  };
  return {
    origin,
    kuiper,
    newContext,
    openTab,
    newPage: async () => openTab(await newContext()),
    async close() {
      await browser?.close();
      await kuiper.close();
      await tracked.close();
    },
  };
}
