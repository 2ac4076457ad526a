#!/usr/bin/env node
// Grafana's own display code as a test oracle for triage (see tests/oracle/README.md).
//
// Reads ONE JSON array of cases on stdin and prints ONE JSON array of answers on stdout, in the
// same order. A case that Grafana's code throws on answers {"error": "..."}; the process itself
// exits non-zero only when stdin is not a JSON array.
//
// Numbers JSON cannot carry are sent as strings: "NaN", "Infinity", "-Infinity" (in `value`,
// in frame values and in answers' `numeric`).
//
// Case kinds:
//   {"kind":"format", "unit":"bytes", "decimals":2|null, "value":1536,
//    "timeZone"?:"Europe/Berlin"|"utc"|"browser", "now"?:1700000000000}
//       -> {"prefix":"", "text":"1.50", "suffix":" KiB"}
//          getValueFormat(unit)(value, decimals, undefined, timeZone), with the clock stopped
//          at `now` (epoch ms) when given ("browser" is the oracle's zone, UTC)
//   {"kind":"interval", "from":0, "to":3600000, "resolution":1000, "lowLimit":"10s"|null}
//       -> {"intervalMs":5000, "interval":"5s"}                rangeUtil.calculateInterval
//   {"kind":"display", "panelType":"stat", "frames":[FRAME...], "fieldConfig":{...},
//    "options":{...}, "timeZone"?:"Europe/Berlin", "now"?:1700000000000,
//    "browserZone"?:"Europe/Berlin"}
//       -> {"values":[{"title","prefix","text","suffix","color":"#rrggbb","numeric"}...]}
//          getFieldDisplayValues after applyFieldOverrides, with the panel's defaults applied,
//          the dashboard's `timeZone` (default utc), the clock stopped at `now` and the
//          browser's own zone (where "today" is judged; default UTC) set for the case
//   {"kind":"legend", "frames":[FRAME...], "fieldConfig":{...}, "calcs":["mean","max"]}
//       -> {"series":[{"name":"up{job=\"a\"}", "color":"#rrggbb",
//                      "calcs":{"mean":"1.50", "max":"2"}}...]}
//          time series legend: non-finite values made null, reduceField, the field's display
//          processor (diffperc in percent, counts in none), per number field
//
//   {"kind":"reduce", "values":[1,null,"NaN"], "calcs":["mean","max"]}
//       -> {"calcs":{"mean":"2", "max":"3"}}   reduceField on one number field (all calcs at
//          once, as a legend does; a single calc takes its own reducer, as a stat does). Numbers
//          as JavaScript's String(n) ("NaN", "1e+21"), so they parse back exactly;
//          allIsZero/allIsNull as booleans, allValues/uniqueValues as arrays, missing as null
//   {"kind":"reducers"}
//       -> {"reducers":[{"id":"lastNotNull", "name":"Last *", "aliases":["current"],
//                        "preservesUnits":true}...]}           fieldReducers, Grafana's list
//
//   {"kind":"table", "frames":[FRAME...], "fieldConfig":{...}, "options":{...},
//    "transformations":[{"id":"organize", "options":{...}}...]}
//       -> {"missing":["extractFields"], "frames":[{"fields":[{"name", "type", "hidden",
//                    "display":["text"...], "colors":["#rrggbb"...]|null}...]}...]}
//          (`missing`: transformations @grafana/data does not have; Grafana's code skips them)
//          standardTransformers (registered as the app does) through transformDataFrame, then
//          applyFieldOverrides and each cell through its field's display processor; rows in
//          the order of the table's `options.sortBy`; `colors` for cells whose type paints the
//          value's colour (color-text, color-background), else null
//
//   {"kind":"color", "name":"semi-dark-red", "theme":"dark"|"light"}
//       -> {"hex":"#e02f44"}        theme.visualization.getColorByName, as #rrggbb (#rrggbbaa
//                                   when not opaque)
//   {"kind":"units"}
//       -> {"units":[{"category":"Data", "id":"bytes"}...]}   Grafana's unit catalogue
//
// FRAME: {"name"?, "refId"?, "fields":[{"name","type":"time"|"number"|"string"|"boolean",
//          "values":[...], "labels"?:{...}, "config"?:{...}}]}
//
// Fixed environment: locale en-US, time zone UTC, dark theme, no template variables.

'use strict';

globalThis.navigator = { language: 'en-US', languages: ['en-US'] };
process.env.TZ = 'UTC';

const g = require('@grafana/data');

const theme = g.createTheme({ colors: { mode: 'dark' } });
const lightTheme = g.createTheme({ colors: { mode: 'light' } });

// Grafana app's standard field options (public/app/core/components/OptionsUI/registry.tsx,
// getAllStandardFieldConfigs): outside the app @grafana/data's registry is empty, so the same
// ids, paths, processors, applicability and defaults are declared here.
function standardFieldOptions() {
  const always = () => true;
  const numeric = (field) => field.type === g.FieldType.number;
  const item = (id, process, shouldApply, extra = {}) => ({
    id,
    path: id,
    name: id,
    process,
    shouldApply,
    settings: {},
    ...extra,
  });
  return [
    item('unit', g.stringOverrideProcessor, always),
    item('min', g.numberOverrideProcessor, numeric),
    item('max', g.numberOverrideProcessor, numeric),
    item('fieldMinMax', g.booleanOverrideProcessor, numeric),
    item('decimals', g.numberOverrideProcessor, numeric, {
      settings: { min: 0, max: 15, integer: true },
    }),
    item('displayName', g.displayNameOverrideProcessor, always),
    item('color', g.identityOverrideProcessor, always, {
      settings: { byValueSupport: true, preferThresholdsMode: true },
    }),
    item('noValue', g.stringOverrideProcessor, always),
    item('links', g.dataLinksOverrideProcessor, always),
    item('mappings', g.valueMappingsOverrideProcessor, (f) => f.type !== g.FieldType.time, {
      defaultValue: [],
    }),
    item('thresholds', g.thresholdsOverrideProcessor, always, {
      defaultValue: {
        mode: g.ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 80, color: 'red' },
        ],
      },
    }),
  ];
}

const fieldConfigRegistry = new g.FieldConfigOptionsRegistry(standardFieldOptions);

// The table panel's own field options (`fieldConfig.defaults.custom.*`) that decide what a cell
// shows: without them in the registry applyFieldOverrides drops `custom`. Legacy
// `displayMode` is kept as written (the table's migration turns it into `cellOptions`).
function tableFieldOptions() {
  const custom = (path, process) => ({
    id: `custom.${path}`,
    path,
    name: path,
    isCustom: true,
    process,
    shouldApply: () => true,
    settings: {},
  });
  return [
    ...standardFieldOptions(),
    custom('hidden', g.booleanOverrideProcessor),
    custom('cellOptions', g.identityOverrideProcessor),
    custom('displayMode', g.identityOverrideProcessor),
  ];
}

const tableFieldConfigRegistry = new g.FieldConfigOptionsRegistry(tableFieldOptions);

// Panel plugins whose colour option prefers thresholds (stat, gauge, bar gauge, table); the
// others (time series, bar chart, ...) default to the classic palette.
const THRESHOLD_COLOURED = new Set(['stat', 'singlestat', 'gauge', 'bargauge', 'table']);
const REDUCING = new Set(['stat', 'singlestat', 'gauge', 'bargauge', 'piechart']);

// What Grafana's panel loading (getPanelOptionsWithDefaults) fills in before drawing.
function withPanelDefaults(panelType, fieldConfig, options) {
  const fc = JSON.parse(JSON.stringify(fieldConfig || {}));
  fc.defaults = fc.defaults || {};
  fc.overrides = fc.overrides || [];
  for (const opt of fieldConfigRegistry.list()) {
    if (opt.defaultValue !== undefined && fc.defaults[opt.path] === undefined) {
      fc.defaults[opt.path] = JSON.parse(JSON.stringify(opt.defaultValue));
    }
  }
  // JSON has no -Infinity: a base step's null value is -Infinity, as Grafana reads it.
  const steps = fc.defaults.thresholds && fc.defaults.thresholds.steps;
  if (steps && steps.length && steps[0].value === null) {
    steps[0].value = -Infinity;
  }
  if (!fc.defaults.color) {
    fc.defaults.color = {
      mode: THRESHOLD_COLOURED.has(panelType) ? 'thresholds' : 'palette-classic',
    };
  }
  const opts = JSON.parse(JSON.stringify(options || {}));
  if (REDUCING.has(panelType)) {
    opts.reduceOptions = { values: false, calcs: ['lastNotNull'], fields: '', ...opts.reduceOptions };
  }
  return { fieldConfig: fc, options: opts };
}

function decodeNumber(v) {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

function encodeNumber(v) {
  if (typeof v !== 'number' || Number.isFinite(v)) return v === undefined ? null : v;
  return String(v);
}

function toFrames(frames) {
  return (frames || []).map((frame) =>
    g.createDataFrame({
      ...frame,
      fields: frame.fields.map((f) => ({
        ...f,
        config: f.config || {},
        values: f.type === 'number' ? f.values.map(decodeNumber) : f.values,
      })),
    })
  );
}

function hex(color) {
  if (!color) return null;
  return g.colorManipulator.asHexString(theme.visualization.getColorByName(color)).toLowerCase();
}

function processed(c) {
  const { fieldConfig, options } = withPanelDefaults(c.panelType, c.fieldConfig, c.options);
  const data = g.applyFieldOverrides({
    data: toFrames(c.frames),
    fieldConfig,
    fieldConfigRegistry,
    replaceVariables: (s) => s,
    theme,
    timeZone: c.timeZone || 'utc',
  });
  return { data, fieldConfig, options };
}

function display(c) {
  return inBrowserZone(c.browserZone, () => atNow(c.now, () => displayNow(c)));
}

function displayNow(c) {
  const { data, fieldConfig, options } = processed(c);
  const values = g.getFieldDisplayValues({
    data,
    reduceOptions: options.reduceOptions || { values: false, calcs: ['lastNotNull'], fields: '' },
    fieldConfig,
    replaceVariables: (s) => s,
    theme,
    timeZone: c.timeZone || 'utc',
  });
  return {
    values: values.map((v) => ({
      title: v.display.title === undefined ? null : v.display.title,
      prefix: v.display.prefix || '',
      text: v.display.text,
      suffix: v.display.suffix || '',
      color: hex(v.display.color),
      numeric: encodeNumber(v.display.numeric),
    })),
  };
}

// The time series panel's legend: its prepareGraphableFields hands the legend copies of the
// number fields with every non-finite value made null, and @grafana/ui's
// getDisplayValuesForCalcs (PlotLegend) reduces them all at once, formatting diffperc in
// `percent` and count/changeCount/distinctCount in `none`. Both live outside @grafana/data, so
// they are restated here.
function legendCalcs(field, calcs) {
  const reduced = g.reduceField({ field, reducers: calcs });
  const withUnit = (unit) =>
    g.getDisplayProcessor({ field: { ...field, config: { ...field.config, unit } }, theme });
  const out = {};
  for (const id of calcs) {
    const reducer = g.fieldReducers.get(id);
    let formatter = field.display;
    if (reducer.id === 'diffperc') formatter = withUnit('percent');
    if (['count', 'changeCount', 'distinctCount'].includes(reducer.id)) formatter = withUnit('none');
    out[id] = g.formattedValueToString(formatter(reduced[id]));
  }
  return out;
}

function legend(c) {
  const { data } = processed({ ...c, panelType: c.panelType || 'timeseries' });
  const series = [];
  for (const frame of data) {
    for (const field of frame.fields) {
      if (field.type !== g.FieldType.number) continue;
      const graphable = {
        ...field,
        state: {},
        values: field.values.map((v) => (Number.isFinite(v) || v == null ? v : null)),
      };
      const colour = field.display(null).color;
      series.push({
        name: g.getFieldDisplayName(field, frame, data),
        color: hex(colour),
        calcs: legendCalcs(graphable, c.calcs || []),
      });
    }
  }
  return { series };
}

// The app registers Grafana's standard transformers at start-up; outside it the registry is empty.
let transformersReady = false;
function registerTransformers() {
  if (transformersReady) return;
  // Some transformers are exported under two names (seriesToColumns is joinByField).
  const byId = new Map();
  for (const t of Object.values(g.standardTransformers)) {
    // Grafana 13 loads a transformer lazily: the item gives a function answering it.
    if (!byId.has(t.id)) byId.set(t.id, { id: t.id, name: t.name, transformation: () => t });
  }
  const list = [...byId.values()];
  g.standardTransformersRegistry.setInit(() => list);
  transformersReady = true;
}

// transformDataFrame answers an Observable that may emit later: wait for its last value.
function transformed(frames, transformations) {
  registerTransformers();
  const steps = (transformations || []).filter((t) => !t.disabled);
  // transformDataFrame reads `window.__grafanaSceneContext`; a bare `window` exists only while
  // it runs (cases run one at a time), as defining it for good changes other code paths.
  globalThis.window = {};
  return new Promise((resolve, reject) => {
    let out = frames;
    g.transformDataFrame(steps, frames).subscribe({
      next: (v) => (out = v),
      error: reject,
      complete: () => resolve(out),
    });
  }).finally(() => delete globalThis.window);
}

// A table panel: the transformations, the field options, then every cell through its field's
// display processor (what the table cell shows).
async function table(c) {
  const frames = await transformed(toFrames(c.frames), c.transformations);
  const { fieldConfig } = withPanelDefaults('table', c.fieldConfig, c.options);
  const data = g.applyFieldOverrides({
    data: frames,
    fieldConfig,
    fieldConfigRegistry: tableFieldConfigRegistry,
    replaceVariables: (s) => s,
    theme,
    timeZone: 'utc',
  });
  // Transformers the app adds (extractFields, ...) are not in @grafana/data: Grafana's
  // transformDataFrame skips ids it does not know, so name them for the caller.
  const missing = (c.transformations || [])
    .filter((t) => !t.disabled && !g.standardTransformersRegistry.getIfExists(t.id))
    .map((t) => t.id);
  return {
    missing,
    frames: data.map((frame) => {
      const order = sortedRows(frame, data, (c.options && c.options.sortBy) || []);
      return {
        fields: frame.fields.map((field) => {
          const values = order.map((i) => field.values[i]);
          return {
            name: g.getFieldDisplayName(field, frame, data),
            type: field.type,
            hidden: !!(field.config.custom && field.config.custom.hidden),
            display: values.map((v) => g.formattedValueToString(field.display(v))),
            colors: colouredCells(field) ? values.map((v) => hex(field.display(v).color)) : null,
          };
        }),
      };
    }),
  };
}

// Cell types that paint the value's colour (the text or the background); the legacy
// `displayMode` names are what the table's migration (migrateTableDisplayModeToCellOptions)
// turns into them.
const COLOURED_CELLS = new Set(['color-text', 'color-background', 'color-background-solid']);

function colouredCells(field) {
  const custom = field.config.custom || {};
  const type = (custom.cellOptions && custom.cellOptions.type) || custom.displayMode;
  return COLOURED_CELLS.has(type);
}

// The table's own sort (options.sortBy: [{displayName, desc}]), restated from @grafana/ui's
// TableNG (`applySort`, `getComparator`): numbers, times and booleans by Number(a) - Number(b)
// with null first, the rest with an en collator (base sensitivity, numeric), a stable sort over
// the raw values. Answers the row order.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true }).compare;

function sortedRows(frame, data, sortBy) {
  const rows = [...Array(frame.length).keys()];
  const keys = sortBy
    .map((s) => ({
      field: frame.fields.find((f) => g.getFieldDisplayName(f, frame, data) === s.displayName),
      dir: s.desc ? -1 : 1,
    }))
    .filter((k) => k.field);
  const numCompare = (a, b) => {
    if (a === b) return 0;
    if (a == null) return -1;
    if (b == null) return 1;
    return Number(a) - Number(b);
  };
  const strCompare = (a, b) => collator(String(a ?? ''), String(b ?? ''));
  return rows.sort((x, y) => {
    for (const { field, dir } of keys) {
      const numeric = ['number', 'time', 'boolean'].includes(field.type);
      const r = dir * (numeric ? numCompare : strCompare)(field.values[x], field.values[y]);
      if (r !== 0) return r;
    }
    return 0;
  });
}

function encodeReduced(v) {
  if (Array.isArray(v)) return v.map(encodeReduced);
  if (typeof v === 'boolean') return v;
  // Numbers as JavaScript writes them, so the reader gets the exact double back.
  if (typeof v === 'number') return String(v);
  return v === undefined ? null : v;
}

function reduce(c) {
  const [frame] = toFrames([{ fields: [{ name: 'v', type: 'number', values: c.values }] }]);
  const reduced = g.reduceField({ field: frame.fields[0], reducers: c.calcs || [] });
  const calcs = {};
  for (const id of c.calcs || []) {
    calcs[id] = encodeReduced(reduced[id]);
  }
  return { calcs };
}

function reducers() {
  return {
    reducers: g.fieldReducers.list().map((r) => ({
      id: r.id,
      name: r.name,
      aliases: r.aliasIds || [],
      preservesUnits: !!r.preservesUnits,
    })),
  };
}

function format(c) {
  const decimals = c.decimals === null || c.decimals === undefined ? undefined : c.decimals;
  const timeZone = c.timeZone === null || c.timeZone === undefined ? undefined : c.timeZone;
  const v = atNow(c.now, () => g.getValueFormat(c.unit)(decodeNumber(c.value), decimals, undefined, timeZone));
  return { prefix: v.prefix || '', text: v.text, suffix: v.suffix || '' };
}

// Runs `f` with the wall clock stopped at `now` (epoch ms) when given: moment's `now` reads
// `Date.now()` at each call, so stubbing it fixes `dateTime()`, `fromNow()` and "today".
function atNow(now, f) {
  if (now === null || now === undefined) return f();
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return f();
  } finally {
    Date.now = realNow;
  }
}

// Runs `f` with the browser's own zone set to `zone` when given (Node reads TZ again when it is
// assigned), then back to the oracle's UTC.
function inBrowserZone(zone, f) {
  if (!zone) return f();
  process.env.TZ = zone;
  try {
    return f();
  } finally {
    process.env.TZ = 'UTC';
  }
}

function interval(c) {
  const range = { from: g.dateTime(c.from), to: g.dateTime(c.to), raw: { from: '', to: '' } };
  const lowLimit = c.lowLimit === null || c.lowLimit === undefined ? undefined : c.lowLimit;
  const r = g.rangeUtil.calculateInterval(range, c.resolution, lowLimit);
  return { intervalMs: r.intervalMs, interval: r.interval };
}

function units() {
  const list = [];
  for (const category of g.getValueFormats()) {
    for (const unit of category.submenu) {
      list.push({ category: category.text, id: unit.value });
    }
  }
  return { units: list };
}

function color(c) {
  const t = c.theme === 'light' ? lightTheme : theme;
  return { hex: g.colorManipulator.asHexString(t.visualization.getColorByName(c.name)).toLowerCase() };
}

const KINDS = { format, interval, display, legend, reduce, reducers, table, units, color };

async function answer(c) {
  const run = KINDS[c && c.kind];
  if (!run) return { error: `unknown case kind ${JSON.stringify(c && c.kind)}` };
  try {
    return await run(c);
  } catch (e) {
    return { error: String((e && e.message) || e) };
  }
}

function main() {
  const chunks = [];
  process.stdin.on('data', (d) => chunks.push(d));
  process.stdin.on('end', async () => {
    let cases;
    try {
      cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      process.stderr.write(`grafana-oracle: stdin is not JSON: ${e.message}\n`);
      process.exit(2);
    }
    if (!Array.isArray(cases)) {
      process.stderr.write('grafana-oracle: stdin must be a JSON array of cases\n');
      process.exit(2);
    }
    // Grafana logs warnings (unknown matchers, ...) on console; keep stdout for the answers.
    console.log = console.warn = console.info = console.debug = () => {};
    const answers = [];
    for (const c of cases) answers.push(await answer(c));
    process.stdout.write(JSON.stringify(answers));
  });
}

main();
