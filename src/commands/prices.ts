import { Command, Option } from 'commander';
import { buildPriceList } from '../analytics/price-list.js';
import { addDays, localDay } from '../time/period.js';
import type { PriceList } from '../schema/prices.js';
import { render, type Format } from '../render/output.js';
import { pricesDocument } from '../render/prices-view.js';
import { createContext, UsageError, type GlobalOptions } from './context.js';
import { formatOf, formatOption, jsonOption, wholeNumber } from './options.js';
import { SummarySource } from '../rollup/summary-source.js';
import { Warnings } from '../render/warnings.js';

// `agent-track prices`: the price of each model the records of a period used
// (and of any named with --model), and where it comes from: the bundled price
// list, with its version and date, or the config's "prices".

export const DEFAULT_PRICE_DAYS = 30;
const MAX_PRICE_DAYS = 3_660;

interface PricesOptions extends GlobalOptions {
  days: number;
  model: string[];
  format: Format;
  json?: boolean;
}

export function pricesCommand(): Command {
  return new Command('prices')
    .description('the price per million tokens of each model in use, and where it comes from')
    .addOption(new Option('--days <n>', 'models recorded in the n days ending today').argParser(wholeNumber('--days', 1, MAX_PRICE_DAYS)).default(DEFAULT_PRICE_DAYS))
    .option('--model <id>', 'also show this model, used or not (repeat for several)', (value: string, list: string[]) => [...list, value], [])
    .addOption(formatOption())
    .addOption(jsonOption())
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await runPrices(command.optsWithGlobals<PricesOptions>());
    });
}

async function runPrices(options: PricesOptions): Promise<number> {
  const ctx = createContext(options);
  const format = formatOf(options);
  const days = options.days;
  const requested = [...new Set(options.model.map((m) => m.trim()))];
  if (requested.some((m) => m === '')) throw new UsageError('--model needs a model id');

  const to = localDay(ctx.now);
  const from = addDays(to, 1 - days);
  const warnings = new Warnings();
  const source = new SummarySource(ctx.logsDir, ctx.now, warnings.issuesWithin(from, to));
  await source.prefetch(from, to);
  const list: PriceList = buildPriceList({
    figures: source.figuresOf(from, to),
    requested,
    prices: ctx.config.prices,
    period: { from, to },
    configPath: ctx.configPath,
    now: ctx.now,
  });
  for (const line of list.warnings) warnings.add(line);
  const width = ctx.width;
  ctx.stdout.write(render(list, () => pricesDocument(list), format, { width, color: ctx.color }));
  warnings.flush(ctx.stderr);
  return 0;
}
