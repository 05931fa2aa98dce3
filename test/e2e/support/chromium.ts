import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The browser the dashboard test drives: Debian's chromium, installed from the
// distribution when it is missing. Playwright's own browser download comes
// from a CDN outside the package registries, so playwright-core is pointed at
// this build instead.

export const CHROMIUM = process.env.AGENT_TRACK_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags that keep headless Chromium working on a machine without network or
 * GPU: without the background-networking ones Chromium keeps trying to reach
 * Google's services and logs refused connections.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The path of a usable Chromium, installing Debian's package first when running as root. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const apt = existsSync('/usr/bin/apt-get');
  const root = process.getuid?.() === 0;
  if (!apt || !root) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. ` +
        (apt ? 'Install it with `sudo apt-get install -y chromium`' : "Install Chromium with your system's package manager") +
        ', or point AGENT_TRACK_CHROMIUM at a Chromium or Chrome binary.',
    );
  }
  console.log(`[dashboard e2e] ${CHROMIUM} is missing: installing Debian's chromium package (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} still does not exist`);
  return CHROMIUM;
}
