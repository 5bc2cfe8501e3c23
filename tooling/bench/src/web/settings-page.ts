// Settings → Billing for a signed-in subscriber: how long the server takes to render it
// (sequential requests over keep-alive loopback, so the time is the server's plus well
// under a millisecond of transport), and the JavaScript a first visit loads.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { HttpClient } from "../load/http-client.ts";
import { summarize, type Latency } from "../load/stats.ts";
import type { SignedInUser } from "./signed-in-user.ts";

type Chunk = { file: string; raw: number; gzip: number };
export type SettingsResult = {
  render: Latency;
  /** The app process's CPU per render, in ms: steady however busy the rest of the machine is. */
  appCpuMs: number;
  htmlBytes: number;
  chunks: Chunk[];
  inline: { raw: number; gzip: number };
  total: { raw: number; gzip: number };
  /** What the server actually sends for the chunks when the browser accepts gzip and br. */
  served: { bytes: number; encodings: string[] };
};

export async function measureSettingsPage(
  client: HttpClient,
  user: SignedInUser,
  samples: number,
  webRoot: string,
  appCpuSeconds: () => number,
): Promise<SettingsResult> {
  const clientBuildDir = path.join(webRoot, "build/client");
  const get = async () => {
    const response = await client.request("GET", "/settings/billing", {
      headers: { cookie: user.cookie, "accept-encoding": "gzip, deflate, br" },
    });
    if (response.status !== 200) throw new Error(`GET /settings/billing answered ${response.status}`);
    return response;
  };
  const first = await get();
  if (!first.body.includes("Manage subscription"))
    throw new Error("the settings page does not show the subscription: the user is not set up as expected");
  for (let i = 0; i < Math.min(50, samples); i++) await get();
  const times: number[] = [];
  const cpuBefore = appCpuSeconds();
  for (let i = 0; i < samples; i++) times.push((await get()).ms);
  const appCpuMs = ((appCpuSeconds() - cpuBefore) * 1000) / samples;

  const scripts = scriptUrls(first.body);
  const chunks = scripts.map((url) => {
    const bytes = readFileSync(path.join(clientBuildDir, new URL(url, client.baseUrl).pathname));
    return { file: path.basename(url), raw: bytes.length, gzip: gzipSync(bytes).length };
  });
  const inlineText = inlineScripts(first.body).join("\n");
  const inline = { raw: Buffer.byteLength(inlineText), gzip: gzipSync(inlineText).length };
  let servedBytes = 0;
  const encodings = new Set<string>();
  for (const url of scripts) {
    const response = await client.request("GET", new URL(url, client.baseUrl).pathname, {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    servedBytes += response.wireBytes;
    encodings.add(String(response.headers["content-encoding"] ?? "identity"));
  }
  const sum = (pick: (c: Chunk) => number) => chunks.reduce((total, chunk) => total + pick(chunk), 0);
  return {
    render: summarize(times),
    appCpuMs,
    htmlBytes: Buffer.byteLength(first.body),
    chunks: chunks.sort((a, b) => b.gzip - a.gzip),
    inline,
    total: { raw: sum((c) => c.raw), gzip: sum((c) => c.gzip) },
    served: { bytes: servedBytes, encodings: [...encodings] },
  };
}

/** Module scripts the page loads at once: modulepreload links, script src, static imports in inline modules. */
function scriptUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    if (/rel="modulepreload"/.test(tag)) add(urls, /href="([^"]+)"/.exec(tag)?.[1]);
  }
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) add(urls, /src="([^"]+)"/.exec(tag)?.[1]);
  for (const body of inlineScripts(html)) {
    for (const match of body.matchAll(/\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']/g)) add(urls, match[1]);
  }
  return [...urls];
}

function add(urls: Set<string>, url: string | undefined) {
  if (url && /\.m?js(\?|$)/.test(url)) urls.add(url);
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1] ?? "")
    .filter((body) => body.trim());
}
