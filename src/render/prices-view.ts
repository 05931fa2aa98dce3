import { formatCount } from '../analytics/format.js';
import type { PriceList, PriceRates } from '../schema/prices.js';
import type { Cell, Document } from './document.js';

// The price list for a terminal, Markdown or CSV: one row per model in use,
// USD per million tokens, and where each price comes from.

/** Rates as the price pages print them: "$4", "$0.20", "$0.08". */
function rate(usd: number): string {
  return Number.isInteger(usd) ? `$${usd}` : `$${usd.toFixed(usd < 1 && Number(usd.toFixed(2)) !== usd ? 3 : 2)}`;
}

function sourceText(model: PriceList['models'][number]): Cell {
  if (model.source === 'config') return `config: ${model.priceKey}`;
  if (model.source === null) return { text: 'no price: cost left out', tone: 'bad' };
  return `list: ${model.priceKey}${model.since ? ` since ${model.since}` : ''}`;
}

function longText(model: PriceList['models'][number]): string {
  if (!model.rates) return '—';
  if (!model.longContext) return 'same rates';
  const r = model.longContext.rates;
  return `over ${formatCount(model.longContext.above)}: ${rate(r.input)} in, ${rate(r.output)} out`;
}

const csvRates = (rates: PriceRates | null) =>
  rates ? [rates.input, rates.output, rates.cacheWrite, rates.cacheWrite1h, rates.cacheRead] : [null, null, null, null, null];

export function pricesDocument(list: PriceList): Document {
  const cell = (value: number | undefined): string => (value === undefined ? '—' : rate(value));
  return {
    title: `Model prices · ${list.period.from} to ${list.period.to}`,
    subtitle: `USD per million tokens · list: ${list.source.dataset} ${list.source.version} (${list.source.published}) · "prices" in ${list.source.configPath} override it`,
    blocks: [
      {
        kind: 'table',
        columns: [
          { header: 'Model', flex: true },
          { header: 'Runs', align: 'right', priority: 2 },
          { header: 'Input', align: 'right' },
          { header: 'Output', align: 'right' },
          { header: 'Cache write', align: 'right', priority: 3 },
          { header: '1h write', align: 'right', priority: 4 },
          { header: 'Cache read', align: 'right', priority: 3 },
          { header: 'Long context', priority: 5 },
          // Where a price comes from is the point of the command: it goes last, and is cut rather than dropped.
          { header: 'Source', flex: true, priority: 1 },
        ],
        rows: list.models.map((m) => [
          m.model,
          formatCount(m.executions),
          cell(m.rates?.input),
          cell(m.rates?.output),
          cell(m.rates?.cacheWrite),
          cell(m.rates?.cacheWrite1h),
          cell(m.rates?.cacheRead),
          longText(m),
          sourceText(m),
        ]),
        ...(list.models.length === 0 ? { note: 'No model in use in this period: name one with --model' } : {}),
      },
    ],
    notes: [...list.warnings],
    csv: {
      columns: [
        'model',
        'executions',
        'source',
        'priceKey',
        'input',
        'output',
        'cacheWrite',
        'cacheWrite1h',
        'cacheRead',
        'longContextAbove',
        'longInput',
        'longOutput',
        'longCacheWrite',
        'longCacheWrite1h',
        'longCacheRead',
      ],
      rows: list.models.map((m) => [
        m.model,
        m.executions,
        m.source,
        m.priceKey,
        ...csvRates(m.rates),
        m.longContext?.above ?? null,
        ...csvRates(m.longContext?.rates ?? null),
      ]),
    },
  };
}
