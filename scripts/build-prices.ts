import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findProvider } from '@pydantic/genai-prices';
import { LONG_CONTEXT_TOKENS } from '../src/schema/long-context.js';
import type { DatasetModel, DatasetRates, PriceDataset } from '../src/analytics/price-data-types.js';

// `npm run prices`: the Anthropic part of @pydantic/genai-prices, the
// maintained price list, written into src/analytics/price-data.ts so the CLI
// prices offline and bundles a few kilobytes instead of the package's 800 kB
// of every provider. After `npm install -D -E @pydantic/genai-prices@latest`, run this and
// review the diff; a test fails while the committed file differs from the
// installed package.

const PACKAGE = '@pydantic/genai-prices';
const OUT = join(__dirname, '..', 'src', 'analytics', 'price-data.ts');

type Price = number | { base: number; tiers: { start: number; price: number }[] } | undefined;
type Prices = Record<string, Price>;
interface Model {
  id: string;
  name?: string;
  match: unknown;
  prices: Prices | { constraint?: { type: string; start_date?: string }; prices: Prices }[];
}

export function installedVersion(): string {
  // Its package.json is not exported: read it beside the resolved entry point.
  const path = join(dirname(require.resolve(PACKAGE)), '..', 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** The dataset as the installed package has it; `published` is the npm release date of that version. */
export function buildDataset(published: string): PriceDataset {
  const provider = findProvider({ providerId: 'anthropic' });
  if (!provider) throw new Error(`${PACKAGE} has no anthropic provider`);
  const models: DatasetModel[] = [];
  for (const model of provider.models as unknown as Model[]) {
    const { prices, since } = currentPrices(model);
    const converted = convert(model.id, prices);
    // claude-2 and claude-v1 have no cache rates: Claude Code cannot run them.
    if (!converted) continue;
    models.push({ id: model.id, name: model.name ?? model.id, names: namesOf(model.id, model.match), since, ...converted });
  }
  return {
    source: PACKAGE,
    version: installedVersion(),
    published,
    pricingUrls: provider.pricing_urls ?? [],
    models,
  };
}

/** The last entry of a conditional list is the price in force now (entries are ordered by start date). */
function currentPrices(model: Model): { prices: Prices; since: string | null } {
  if (!Array.isArray(model.prices)) return { prices: model.prices, since: null };
  const last = model.prices.at(-1)!;
  if (last.constraint && last.constraint.type !== 'start_date') throw new Error(`${model.id}: unsupported price constraint ${last.constraint.type}`);
  return { prices: last.prices, since: last.constraint?.start_date ?? null };
}

function convert(id: string, prices: Prices): Pick<DatasetModel, 'rates' | 'longContext'> | null {
  const keys = { input: 'input_mtok', output: 'output_mtok', cacheWrite: 'cache_write_mtok', cacheRead: 'cache_read_mtok' } as const;
  if (Object.values(keys).some((key) => prices[key] === undefined)) return null;
  const starts = new Set<number>();
  for (const price of Object.values(prices)) {
    if (typeof price === 'object') for (const tier of price.tiers) starts.add(tier.start);
  }
  // Anthropic bills a whole request at one tier, chosen by its prompt size; more than one threshold per model would need more per-call detail than records keep.
  if (starts.size > 1) throw new Error(`${id}: more than one long-context threshold (${[...starts].join(', ')})`);
  // Records split tokens per call at LONG_CONTEXT_TOKENS only; another threshold needs that split first.
  for (const start of starts) if (start !== LONG_CONTEXT_TOKENS) throw new Error(`${id}: long-context threshold ${start}, records split at ${LONG_CONTEXT_TOKENS}`);
  const base = (price: Price): number => (typeof price === 'object' ? price.base : price!);
  const tier = (price: Price): number => (typeof price === 'object' ? price.tiers[0]!.price : price!);
  const rates = (pick: (price: Price) => number): DatasetRates => ({
    input: pick(prices[keys.input]),
    output: pick(prices[keys.output]),
    cacheWrite: pick(prices[keys.cacheWrite]),
    cacheWrite1h: prices.cache_write_1h_mtok === undefined ? null : pick(prices.cache_write_1h_mtok),
    cacheRead: pick(prices[keys.cacheRead]),
  });
  const [above] = starts;
  return { rates: rates(base), longContext: above === undefined ? null : { above, rates: rates(tier) } };
}

/**
 * The exact ids the dataset names for a model (its `equals` and `starts_with`
 * values). Lookups compare a normalised id against these only, never by
 * prefix: "claude-sonnet-5-5" must not take the price of "claude-sonnet-5".
 * Its regexes only add snapshot dates, which normalizeModelId removes.
 */
function namesOf(id: string, match: unknown): string[] {
  const names = new Set<string>([id.toLowerCase()]);
  const walk = (logic: unknown): void => {
    if (!logic || typeof logic !== 'object') return;
    const m = logic as Record<string, unknown>;
    if (Array.isArray(m.or)) m.or.forEach(walk);
    else if (typeof m.equals === 'string') names.add(m.equals.toLowerCase());
    else if (typeof m.starts_with === 'string') names.add(m.starts_with.toLowerCase());
    else if (typeof m.regex === 'string' && !/^\^[a-z0-9.-]+-\\d\{8\}\$$/.test(m.regex)) throw new Error(`${id}: unexpected match regex ${m.regex}`);
    else if (!('regex' in m)) throw new Error(`${id}: unsupported match ${JSON.stringify(m)}`);
  };
  walk(match);
  return [...names];
}

export function priceDataText(dataset: PriceDataset): string {
  return [
    `// Generated by \`npm run prices\` from ${dataset.source} ${dataset.version}: do not edit.`,
    "import type { PriceDataset } from './price-data-types.js';",
    '',
    `export const PRICE_DATA: PriceDataset = ${JSON.stringify(dataset, null, 2)};`,
    '',
  ].join('\n');
}

/** The npm release date of the installed version (the only network use, at development time). */
function publishedDate(version: string): string {
  const times = JSON.parse(execFileSync('npm', ['view', PACKAGE, 'time', '--json'], { encoding: 'utf8' })) as Record<string, string>;
  const time = times[version];
  if (!time) throw new Error(`npm does not list ${PACKAGE}@${version}`);
  return time.slice(0, 10);
}

if (require.main === module) {
  const dataset = buildDataset(publishedDate(installedVersion()));
  writeFileSync(OUT, priceDataText(dataset));
  console.log(`src/analytics/price-data.ts: ${dataset.models.length} models from ${dataset.source} ${dataset.version} (${dataset.published})`);
}
