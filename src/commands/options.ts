import { Option, type Command } from 'commander';
import { parseDuration } from '../time/duration.js';
import { addDays, customPeriod, dailyPeriod, dayNumber, isoWeekPeriod, monthPeriod, trailingWeek, type Period } from '../time/period.js';
import { FORMATS, type Format } from '../render/output.js';
import { UsageError } from './context.js';

// The flags several commands share, declared once with commander's Option:
// each default, choice list and conflict is written here and shown in --help
// from here. The parsers throw UsageError, which commander passes through
// untouched (it rewrites only its own InvalidArgumentError), so a bad value
// reads like every usage error: one line naming the flag, exit 2 (cli.ts).
// Checks that need the clock (today, now) stay in the functions below, called
// from the command once its context is made.

/**
 * One of `choices`: the list shows in --help (commander's .choices()), and a
 * value outside it is a usage error worded by `problem` (the parser set after
 * .choices() replaces commander's own check, whose message is not ours).
 */
export function choiceOption<T extends string>(flags: string, description: string, choices: readonly T[], problem: (value: string) => string): Option {
  return new Option(flags, description).choices(choices).argParser((value: string) => {
    if (!(choices as readonly string[]).includes(value)) throw new UsageError(problem(value));
    return value as T;
  });
}

/** A parser for a whole number within bounds, for --days, --limit and the like. */
export function wholeNumber(flag: string, min: number, max: number): (text: string) => number {
  return (text: string) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} expects a whole number from ${min} to ${max}, not "${text}"`);
    return n;
  };
}

/** Repeatable flags (--agent a --agent b) collect into a list. */
function collect(value: string, list: string[]): string[] {
  return [...list, value];
}

// ---- output: --format, --json, --agent, --out ----

export interface OutputOptions<F extends Format = Format> {
  agent: string[];
  format: F;
  json?: boolean;
  out?: string;
}

/** `--format`, table by default, among the formats this command can write. */
export function formatOption(formats: readonly Format[] = FORMATS): Option {
  return choiceOption('--format <format>', 'output format', formats, (value) => `unknown format "${value}": use ${formats.join(', ')}`).default('table');
}

/** `--json`, short for --format json: it sets the format unless --format says otherwise (then formatOf objects). */
export function jsonOption(description = 'short for --format json'): Option {
  return new Option('--json', description).implies({ format: 'json' });
}

export function agentOption(description = 'only this agent type; repeat for several'): Option {
  return new Option('--agent <name>', description).argParser(collect).default([], 'every agent');
}

export function outOption(): Option {
  return new Option('--out <file>', 'write to this file instead of standard output');
}

/** --agent, --format, --json and --out: the flags of every report-like command. */
export function addOutputOptions(command: Command, formats: readonly Format[] = FORMATS): Command {
  return command.addOption(agentOption()).addOption(formatOption(formats)).addOption(jsonOption()).addOption(outOption());
}

/** --json with a --format other than json is a contradiction, not a preference. */
export function formatOf<F extends Format>(options: { format: F; json?: boolean }): F {
  if (options.json && options.format !== 'json') throw new UsageError(`--json and --format ${options.format} contradict each other`);
  return options.format;
}

export function agentsOf(options: { agent: string[] }): string[] | null {
  const agents = [...new Set(options.agent.map((a) => a.trim()))];
  if (agents.some((a) => a === '')) throw new UsageError('--agent needs an agent type');
  return agents.length ? agents : null;
}

// ---- periods: --days, --since, --until, and report's named periods ----

export interface WindowOptions {
  days: number;
  since?: string;
  until?: string;
}

/** `--days`: the n days ending --until; --since picks the first day instead. */
export function daysOption(defaultDays: number, maxDays: number, description = 'the n days ending --until'): Option {
  return new Option('--days <n>', description).argParser(wholeNumber('--days', 1, maxDays)).default(defaultDays).conflicts('since');
}

export function sinceOption(description = 'first day, YYYY-MM-DD, or a span such as 90d'): Option {
  return new Option('--since <date>', description);
}

export function untilOption(): Option {
  return new Option('--until <date>', 'last day, YYYY-MM-DD (default: today)');
}

/** The period of --days/--since/--until (trends, dashboard). */
export function windowOf(options: WindowOptions, today: string): Period {
  if (options.since !== undefined) return periodOf({ since: options.since, until: options.until }, today);
  const until = periodOf({ until: options.until ?? today }, today).to;
  return customPeriod(addDays(until, 1 - options.days), until, today);
}

export interface PeriodOptions {
  daily?: string | true;
  weekly?: boolean;
  week?: string;
  monthly?: string | true;
  since?: string;
  until?: string;
}

/** The period the flags ask for; the 7 days ending today when they ask for none. */
export function periodOf(options: PeriodOptions, today: string): Period {
  const chosen = [
    options.daily !== undefined && '--daily',
    (options.weekly || options.week !== undefined) && (options.week !== undefined ? '--week' : '--weekly'),
    options.monthly !== undefined && '--monthly',
    (options.since !== undefined || options.until !== undefined) && '--since/--until',
  ].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one period: ${chosen.join(' or ')}`);

  if (options.daily !== undefined) return dailyPeriod(options.daily === true ? today : day(options.daily, '--daily'), today);
  if (options.week !== undefined) {
    const period = isoWeekPeriod(options.week, today);
    if (!period) throw new UsageError(`--week expects an ISO week such as 2026-W47, not "${options.week}"`);
    return period;
  }
  if (options.monthly !== undefined) {
    const month = options.monthly === true ? today.slice(0, 7) : options.monthly;
    const period = monthPeriod(month, today);
    if (!period) throw new UsageError(`--monthly expects a month such as 2026-11, not "${month}"`);
    return period;
  }
  if (options.since !== undefined || options.until !== undefined) {
    const until = options.until === undefined ? today : day(options.until, '--until');
    const since = options.since === undefined ? addDays(until, -6) : sinceDay(options.since, until);
    if (since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
    return customPeriod(since, until, today);
  }
  return trailingWeek(today, today);
}

function day(text: string, flag: string): string {
  if (dayNumber(text) === null) throw new UsageError(`${flag} expects a date such as 2026-11-25, not "${text}"`);
  return text;
}

/** "2026-11-01", or a span such as "30d" or "2w" counted back from `until` (inclusive). */
function sinceDay(text: string, until: string): string {
  if (dayNumber(text) !== null) return text;
  const ms = parseDuration(text);
  const days = ms === null ? NaN : ms / 86_400_000;
  if (!Number.isInteger(days) || days < 1) {
    throw new UsageError(`--since expects a date such as 2026-11-01 or a number of days or weeks such as 30d or 2w, not "${text}"`);
  }
  return addDays(until, 1 - days);
}

/**
 * An instant for `--since` on runs and import: "2026-11-20" is the start of
 * that local day; "2h" is two hours before now; null for neither (each
 * command words its own error, pinned by its tests).
 */
export function sinceInstant(text: string, now: number): number | null {
  if (dayNumber(text) !== null) {
    const [y, m, d] = text.split('-').map(Number);
    return new Date(y!, m! - 1, d!).getTime();
  }
  const span = parseDuration(text);
  return span === null ? null : now - span;
}
