import type { Alerts } from '../analytics/alerts.js';
import type { Config } from '../schema/config.js';
import { statusLineParts } from '../render/statusline.js';
import { withRunning } from '../render/statusline-running.js';
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
  const { running, rest } = statusLineParts(moment, session);
  const line = withRunning(running, rest, now);
  const inputs = cache.inputs();
  // Kept only with every input settled, and the session's runs in flight all running: their part of the line,
  // which moves with the clock, is kept as the runs it shows and drawn again at print time.
  if (session !== null && sessionState !== null && inputs && moment.keepable) {
    keepLine(logsDir, session, {
      configPath: inputs.configPath,
      config: inputs.config,
      session: sessionState,
      today: localDay(now),
      from: moment.from,
      at: now,
      ...(moment.until === null ? {} : { until: moment.until }),
      days: inputs.days,
      line: rest,
      ...(running ? { running } : {}),
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
