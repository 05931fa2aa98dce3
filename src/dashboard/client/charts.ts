import { s, tip } from './dom.js';

// Three small SVG chart types, drawn for the width they are given (the page
// redraws them when that changes): stacked columns per day with an optional
// line on a second axis, horizontal ranges (p50 to p95), and horizontal bars
// with a highlighted part (tool calls and their failures). Colours come from
// CSS classes, so light and dark themes are the stylesheet's business.

type Attrs = Record<string, string | number | boolean | null | undefined>;

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
let measurer: CanvasRenderingContext2D | null = null;

/** Width of a label in pixels, as the chart font draws it. */
export function textWidth(text: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * 7;
  measurer.font = FONT;
  return measurer.measureText(text).width;
}

/** No glyph of the chart font is narrower than this many pixels. */
const MIN_GLYPH_PX = 2;

/**
 * The text cut with an ellipsis to fit `width` pixels. A binary search over
 * the cut, after dropping what cannot fit at the narrowest glyph: cutting one
 * character at a time measured a 1 MB agent name a million times and the page
 * never finished loading.
 */
export function fitText(text: string, width: number): string {
  const most = Math.max(1, Math.ceil(width / MIN_GLYPH_PX));
  if (text.length <= most && textWidth(text) <= width) return text;
  let low = 1;
  let high = Math.min(text.length, most);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (textWidth(`${text.slice(0, mid)}…`) <= width) low = mid;
    else high = mid - 1;
  }
  return `${text.slice(0, low)}…`;
}

const NICE = [1, 2, 2.5, 5, 10];
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400].map((s) => s * 1000);

/** Round ticks from 0 to at least `max`: about `count` of them, on 1-2-2.5-5 steps (or whole seconds and minutes for durations). */
export function ticks(max: number, count: number, durations = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  let step: number;
  if (durations && raw >= 1000) step = DURATION_STEPS.find((d) => d >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  else {
    const power = 10 ** Math.floor(Math.log10(raw));
    step = NICE.map((n) => n * power).find((n) => n >= raw)!;
  }
  const out: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1]! < max) out.push(Number((out[out.length - 1]! + step).toPrecision(12)));
  return out;
}

export interface StackSeries {
  key: string;
  label: string;
  /** CSS class that colours it. */
  cls: string;
  values: readonly number[];
}

export interface ColumnsSpec {
  label: string;
  categories: readonly string[];
  series: readonly StackSeries[];
  format: (value: number) => string;
  /** Hover text of a whole column. */
  describe: (index: number) => string;
  /** Data attributes of each segment, for tests and tools reading the page. */
  attrs?: (series: StackSeries, index: number) => Attrs;
  line?: {
    label: string;
    cls: string;
    values: readonly (number | null)[];
    format: (value: number) => string;
    /** Axis floor, e.g. 0 for a rate; the lowest value rounded down when absent. */
    min?: number;
    max: number;
  };
}

/** Stacked columns, one per category (day), with an optional line on a right-hand axis. */
export function stackedColumns(spec: ColumnsSpec, width: number, height = 240): SVGSVGElement {
  const n = spec.categories.length;
  const totals = spec.categories.map((_, i) => spec.series.reduce((sum, series) => sum + (series.values[i] ?? 0), 0));
  const yTicks = ticks(Math.max(...totals, 0), 4);
  const yMax = yTicks[yTicks.length - 1]!;
  const line = spec.line;
  const lineValues = line ? line.values.filter((v): v is number => v !== null) : [];
  const lineMin = line ? (line.min ?? Math.max(0, Math.floor((Math.min(...lineValues, line.max) - 1) / 10) * 10)) : 0;
  const lineTicks = line ? [lineMin, (lineMin + line.max) / 2, line.max] : [];

  const left = Math.ceil(Math.max(...yTicks.map((t) => textWidth(spec.format(t))))) + 10;
  const right = line ? Math.ceil(Math.max(...lineTicks.map((t) => textWidth(line.format(t))))) + 10 : 8;
  const top = 10;
  const bottom = 24;
  const plotW = Math.max(10, width - left - right);
  const plotH = height - top - bottom;
  const band = plotW / Math.max(1, n);
  const barW = Math.max(1, Math.min(28, band * 0.72));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const x = (i: number) => left + band * i + band / 2;

  const root = chartRoot(spec.label, width, height);
  for (const t of yTicks) {
    root.append(
      s('line', { class: 'grid', x1: left, x2: left + plotW, y1: y(t), y2: y(t) }),
      s('text', { class: 'tick', x: left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, spec.format(t)),
    );
  }
  const every = Math.max(1, Math.ceil((textWidth('00-00') + 10) / band));
  spec.categories.forEach((category, i) => {
    const column = s('g', { class: 'column' }, tip(spec.describe(i)));
    let base = 0;
    for (const series of spec.series) {
      const value = series.values[i] ?? 0;
      const attrs = spec.attrs?.(series, i) ?? {};
      if (value > 0) {
        column.append(s('rect', { class: series.cls, x: x(i) - barW / 2, y: y(base + value), width: barW, height: Math.max(0.5, y(base) - y(base + value)), ...attrs }));
      } else if (Object.keys(attrs).length) {
        // Zero segments still say so, so the page holds every figure.
        column.append(s('rect', { class: series.cls, x: x(i) - barW / 2, y: y(base), width: barW, height: 0, ...attrs }));
      }
      base += value;
    }
    // The whole column height is hoverable, however small its bars.
    column.append(s('rect', { class: 'hit', x: left + band * i, y: top, width: band, height: plotH }));
    root.append(column);
    // Labels counted back from the latest day, so the latest always has one.
    if ((n - 1 - i) % every === 0) root.append(s('text', { class: 'tick', x: x(i), y: height - 6, 'text-anchor': 'middle' }, category.slice(5)));
  });
  root.append(s('line', { class: 'axis', x1: left, x2: left + plotW, y1: y(0), y2: y(0) }));

  if (line) {
    const ly = (v: number) => top + plotH - ((v - lineMin) / (line.max - lineMin || 1)) * plotH;
    for (const t of lineTicks) {
      root.append(s('text', { class: 'tick', x: left + plotW + 6, y: ly(t), 'dominant-baseline': 'middle' }, line.format(t)));
    }
    let d = '';
    let open = false;
    line.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      d += `${open ? 'L' : 'M'}${x(i).toFixed(1)},${ly(v).toFixed(1)}`;
      open = true;
    });
    root.append(s('path', { class: `line ${line.cls}`, d }));
    // Dots only where there is room between them; the column's hover text has the rate anyway.
    line.values.forEach((v, i) => {
      if (v !== null && band >= 10) root.append(s('circle', { class: `dot ${line.cls}`, cx: x(i), cy: ly(v), r: 2.5 }, tip(`${spec.categories[i]}: ${line.label} ${line.format(v)}`)));
    });
  }
  return root;
}

export interface RangeRow {
  label: string;
  low: number | null;
  high: number | null;
  /** Text at the end of the row on wide charts. */
  note: string;
  describe: string;
  attrs: Attrs;
}

/** One horizontal range per row (p50 to p95), a dot at the low end and a tick at the high end. */
export function rangeRows(label: string, rows: readonly RangeRow[], width: number, format: (v: number) => string): SVGSVGElement {
  const rowH = 26;
  const axisH = 22;
  const height = rows.length * rowH + axisH + 6;
  const max = Math.max(0, ...rows.map((r) => r.high ?? r.low ?? 0));
  const xTicks = ticks(max, width < 480 ? 3 : 5, true);
  const xMax = xTicks[xTicks.length - 1]!;
  const { labelW, noteW } = rowLayout(rows.map((r) => r.label), rows.map((r) => r.note), width);
  const plotL = labelW + 12;
  const plotW = Math.max(20, width - plotL - noteW - 10);
  const x = (v: number) => plotL + (v / xMax) * plotW;

  const root = chartRoot(label, width, height);
  for (const t of xTicks) {
    root.append(
      s('line', { class: 'grid', x1: x(t), x2: x(t), y1: 0, y2: rows.length * rowH }),
      s('text', { class: 'tick', x: x(t), y: rows.length * rowH + 16, 'text-anchor': 'middle' }, format(t)),
    );
  }
  rows.forEach((row, i) => {
    const cy = i * rowH + rowH / 2;
    const g = s('g', { class: 'row', ...row.attrs }, tip(row.describe));
    g.append(s('text', { class: 'label', x: labelW, y: cy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fitText(row.label, labelW)));
    if (row.low !== null && row.high !== null) {
      g.append(
        s('line', { class: 'range', x1: x(row.low), x2: x(row.high), y1: cy, y2: cy }),
        s('line', { class: 'range-end', x1: x(row.high), x2: x(row.high), y1: cy - 6, y2: cy + 6 }),
        s('circle', { class: 'range-mid', cx: x(row.low), cy, r: 4.5 }),
      );
    }
    if (noteW) g.append(s('text', { class: 'note', x: width - noteW, y: cy, 'dominant-baseline': 'middle' }, row.note));
    g.append(s('rect', { class: 'hit', x: 0, y: i * rowH, width, height: rowH }));
    root.append(g);
  });
  return root;
}

export interface BarRow {
  label: string;
  value: number;
  /** The part of the bar drawn in the highlight colour (e.g. failed calls). */
  part: number;
  note: string;
  describe: string;
  attrs: Attrs;
}

/** Horizontal bars, the highlighted part at the end of each. */
export function barRows(label: string, rows: readonly BarRow[], width: number, classes: { bar: string; part: string }): SVGSVGElement {
  const rowH = 24;
  const height = rows.length * rowH + 4;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const { labelW, noteW } = rowLayout(rows.map((r) => r.label), rows.map((r) => r.note), width, true);
  const plotL = labelW + 10;
  const plotW = Math.max(20, width - plotL - noteW - 8);
  const root = chartRoot(label, width, height);
  rows.forEach((row, i) => {
    const cy = i * rowH + rowH / 2;
    const w = (row.value / max) * plotW;
    const partW = (row.part / max) * plotW;
    const g = s('g', { class: 'row', ...row.attrs }, tip(row.describe));
    g.append(
      s('text', { class: 'label', x: labelW, y: cy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fitText(row.label, labelW)),
      s('rect', { class: classes.bar, x: plotL, y: cy - 7, width: Math.max(1, w - partW), height: 14, rx: 2 }),
    );
    if (row.part > 0) g.append(s('rect', { class: classes.part, x: plotL + w - partW, y: cy - 7, width: Math.max(1.5, partW), height: 14 }));
    g.append(s('text', { class: 'note', x: plotL + w + 6, y: cy, 'dominant-baseline': 'middle' }, row.note));
    g.append(s('rect', { class: 'hit', x: 0, y: i * rowH, width, height: rowH }));
    root.append(g);
  });
  return root;
}

/** Label and note columns that fit the width: labels get up to 40% of it, notes are dropped before labels are cut hard. */
function rowLayout(labels: readonly string[], notes: readonly string[], width: number, notesAfterBar = false): { labelW: number; noteW: number } {
  const widest = (texts: readonly string[]) => Math.ceil(Math.max(0, ...texts.map(textWidth)));
  const labelW = Math.min(widest(labels), Math.max(70, width * 0.4));
  const noteW = widest(notes) + 8;
  // Bar notes sit just after each bar; they only need room after the longest one.
  return { labelW, noteW: notesAfterBar ? noteW : width - labelW - noteW > 160 ? noteW : 0 };
}

function chartRoot(label: string, width: number, height: number): SVGSVGElement {
  return s('svg', { class: 'chart', role: 'img', 'aria-label': label, width, height, viewBox: `0 0 ${width} ${height}` });
}
