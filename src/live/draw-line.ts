import type { Alerts } from '../analytics/alerts.js';
import type { Config } from '../schema/config.js';
import { statusLine } from '../render/statusline.js';
import { localDay } from '../time/period.js';
import type { RecordsFallback } from './day-source.js';
import { keepLine, settledSessionState } from './line-snapshot.js';
import { readMoment } from './moment.js';
import { openStatuslineCache } from './statusline-cache.js';

// The statusline and the SessionStart alert drawn afresh (through the day
// cache), and the line kept for the warm path when it may be (line-snapshot.ts).

export interface DrawInput {
  logsDir: string;
  configPath: string;
  /** Loads the config at configPath when the cache has no current copy. */
  loadConfig: () => Config;
  session: string | null;
  /** The line's clock. */
  now: number;
  /** The real clock, compared with file times. */
  wallNow: number;
  fallback: () => RecordsFallback;
}

export interface Drawn {
  /** The statusline's own part of the line. */
  line: string;
  /** What the SessionStart alert prints: Claude Code's systemMessage JSON, or '' for nothing. */
  message: string;
}

export function drawLine({ logsDir, configPath, loadConfig, session, now, wallNow, fallback }: DrawInput): Drawn {
  // Taken before the session's runs are listed, as every fingerprint is taken before what it stands for is read.
  const sessionState = session === null ? null : settledSessionState(logsDir, session, wallNow);
  const cache = openStatuslineCache(logsDir, wallNow);
  const config = cache.config(configPath, loadConfig);
  // A skipped file is the reports' and doctor's to name: the line has no room for it.
  const moment = readMoment({ logsDir, config, now, session, onIssue: () => {}, fallback, cache });
  cache.save();
  const message = alertMessage(moment.alerts);
  const line = statusLine(moment, session, now);
  const inputs = cache.inputs();
  // Kept only with no run of the session in flight (its elapsed time moves with the clock) and every input settled.
  if (session !== null && sessionState !== null && inputs && moment.quiet) {
    keepLine(logsDir, session, {
      configPath: inputs.configPath,
      config: inputs.config,
      session: sessionState,
      today: localDay(now),
      from: moment.from,
      at: now,
      ...(moment.nextStart === null ? {} : { until: moment.nextStart }),
      days: inputs.days,
      line,
      // A warning's text holds its forecast, which moves with the clock: such a message is drawn afresh each time.
      ...(moment.alerts.warnings.length ? {} : { alerts: message }),
    });
  }
  return { line, message };
}

/** The SessionStart alert: one systemMessage line naming every problem and warning, or '' when all is well. */
export function alertMessage(alerts: Alerts): string {
  const list = [...alerts.problems, ...alerts.warnings];
  return list.length ? JSON.stringify({ systemMessage: `agent-track: ${list.map((a) => a.text).join('; ')}` }) : '';
}
