// Number, time and money formats for the dashboard, and the axis scale of the charts. Plain
// JavaScript without dependencies: the webview loads it as a script (window.DashboardFormat),
// the unit tests require() it.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.DashboardFormat = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const pad = (value, width = 2) => String(value).padStart(width, '0');
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** 1234567 -> "1,234,567" */
  function int(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    const sign = value < 0 ? '-' : '';
    return sign + String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  /** 950 -> "950", 12345 -> "12.3k", 4200000 -> "4.20M" */
  function compact(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    const abs = Math.abs(value);
    if (abs < 1000) return String(Math.round(value));
    if (abs < 1e6) return `${(value / 1e3).toFixed(abs < 1e4 ? 1 : 0)}k`;
    if (abs < 1e9) return `${(value / 1e6).toFixed(abs < 1e7 ? 2 : 1)}M`;
    return `${(value / 1e9).toFixed(2)}G`;
  }

  /** Milliseconds: "850 ms", "1.24 s", "2m 05s"; null -> "—" */
  function ms(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    if (value < 1000) return `${Math.round(value)} ms`;
    if (value < 60000) return `${(value / 1000).toFixed(value < 10000 ? 2 : 1)} s`;
    const seconds = Math.round(value / 1000);
    return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  }

  /** US dollars: "$0.0042", "$0.12", "$12.30", "$1,234"; null -> "—" (no price). */
  function cost(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    if (value === 0) return '$0.00';
    if (value < 0.0001) return '<$0.0001';
    if (value < 1) return `$${value.toFixed(4)}`;
    if (value < 1000) return `$${value.toFixed(2)}`;
    return `$${int(value)}`;
  }

  /** 0.853 -> "85.3%"; 1 -> "100%" */
  function percent(rate) {
    if (typeof rate !== 'number' || !Number.isFinite(rate)) return '—';
    const value = rate * 100;
    return `${value === 0 || value === 100 || value >= 99.95 ? Math.round(value) : value.toFixed(1)}%`;
  }

  /** A request's time: "14:03:22" today, "Mar 3 14:03" on another day (local time). */
  function time(epochMs, nowMs) {
    const date = new Date(epochMs);
    const now = new Date(nowMs === undefined ? Date.now() : nowMs);
    const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    if (date.toDateString() === now.toDateString()) return `${clock}:${pad(date.getSeconds())}`;
    return `${MONTHS[date.getMonth()]} ${date.getDate()} ${clock}`;
  }

  /** A time-axis label for a bucket `widthMs` wide: clock time within a day, else the date. */
  function axisTime(epochMs, widthMs) {
    const date = new Date(epochMs);
    if (widthMs < 60000) return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    if (widthMs < 86400000) return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    return `${MONTHS[date.getMonth()]} ${date.getDate()}`;
  }

  /** A "nice" axis for values up to `max`: a top of 1, 2, 2.5 or 5 times a power of ten, and
   *  `count` steps or fewer. */
  function niceScale(max, count) {
    const steps = count || 4;
    if (!(max > 0) || !Number.isFinite(max)) return { max: 1, step: 1 / steps, ticks: ticksOf(1, 1 / steps) };
    const rough = max / steps;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    let step = power * 10;
    for (const factor of [1, 2, 2.5, 5, 10]) {
      if (rough <= factor * power) {
        step = factor * power;
        break;
      }
    }
    const top = Math.ceil(max / step - 1e-9) * step;
    return { max: top, step, ticks: ticksOf(top, step) };
  }

  function ticksOf(top, step) {
    const ticks = [];
    for (let value = 0; value <= top + step / 1e6; value += step) ticks.push(Number(value.toPrecision(12)));
    return ticks;
  }

  /** "claude-opus-4-8 → gpt-5-codex" */
  function modelPair(claudeModel, openaiModel) {
    return openaiModel ? `${claudeModel} → ${openaiModel}` : claudeModel;
  }

  /** A provider's name; "—" for a request that reached none (no route served its model). */
  function provider(name) {
    return typeof name === 'string' && name !== '' ? name : '—';
  }

  return { int, compact, ms, cost, percent, time, axisTime, niceScale, modelPair, provider };
});
