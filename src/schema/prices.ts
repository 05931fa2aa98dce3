import * as z from 'zod/mini';
import { described } from './describe.js';

// The JSON that `agent-track prices --json` prints: the price of every model
// in use and where it comes from. Published as schema/prices.schema.json
// (npm run schema). Rates are USD per million tokens.

const count = () => z.int().check(z.gte(0));
const usd = (text: string) => described(z.number().check(z.gte(0)), text);

export const PriceRates = z.object({
  input: usd('Input tokens'),
  output: usd('Output tokens'),
  cacheWrite: usd('5-minute cache writes'),
  cacheWrite1h: usd('1-hour cache writes'),
  cacheRead: usd('Cache reads'),
});
export type PriceRates = z.infer<typeof PriceRates>;

export const ModelPriceInUse = z.object({
  model: described(z.string(), 'Model id as recorded (or as asked for with --model)'),
  executions: described(count(), 'Executions of the period that used it'),
  source: z.nullable(
    described(z.enum(['dataset', 'config']), 'dataset: the bundled price list (see source); config: "prices" in agent-track.json; null: no price, its cost is left out'),
  ),
  priceKey: z.nullable(described(z.string(), "The dataset's model id or the config key the price was found under")),
  since: z.nullable(described(z.string(), 'The date this dataset price took effect, when the dataset dates it')),
  rates: z.nullable(PriceRates),
  longContext: z.nullable(
    z.object({
      above: described(count(), 'An API call whose prompt (input + cache reads + cache writes) passes this many tokens is billed at these rates, every token of it'),
      rates: PriceRates,
    }),
  ),
});
export type ModelPriceInUse = z.infer<typeof ModelPriceInUse>;

export const PriceList = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/prices'),
  generatedAt: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  source: z.object({
    dataset: described(z.string(), 'The maintained price list bundled at build time'),
    version: z.string(),
    published: described(z.string(), 'Release date of that version (YYYY-MM-DD)'),
    pricingUrls: z.array(z.string()),
    configPath: described(z.string(), 'The config file whose "prices" override the dataset'),
  }),
  models: z.array(ModelPriceInUse),
  warnings: z.array(z.string()),
});
export type PriceList = z.infer<typeof PriceList>;
