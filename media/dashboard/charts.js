// The dashboard's charts, drawn as inline SVG by this small file: stacked bars (tokens over time
// per model), grouped horizontal bars (cost per model, session and today), a ring (cache-hit
// rate) and a histogram (latency). Colours come from CSS classes bound to VS Code's chart colour
// variables, so a theme change recolours them without a redraw. Every mark has a <title>.
// A redraw patches the marks already there (same nodes, new attributes) instead of replacing
// them, so that a live update moves bars rather than making the chart blink.
(function (root) {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const F = root.DashboardFormat;
  const SERIES = 8;

  function el(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(key, String(value));
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function titled(node, title) {
    node.appendChild(el('title', {}, title));
    return node;
  }

  /** Which marks stand for the same thing from one drawing to the next: kind, class and series. */
  function keyOf(node) {
    return `${node.tagName}|${node.getAttribute('class') || ''}|${node.getAttribute('data-model') || ''}|${node.getAttribute('data-series') || ''}`;
  }

  /** Makes `target` look like `source` (a fresh, detached mark): attributes, then text or children. */
  function update(target, source) {
    for (const { name, value } of [...source.attributes]) if (target.getAttribute(name) !== value) target.setAttribute(name, value);
    for (const { name } of [...target.attributes]) if (!source.hasAttribute(name)) target.removeAttribute(name);
    if (source.children.length > 0) patch(target, [...source.children]);
    else if (target.children.length > 0 || target.textContent !== source.textContent) target.textContent = source.textContent;
    return target;
  }

  /**
   * Puts `marks` into `parent` in order, reusing its nodes: the n-th mark of a key updates the
   * n-th node of that key in place; nodes left over go, marks without a node come in.
   */
  function patch(parent, marks) {
    const pool = new Map();
    for (const child of [...parent.children]) {
      const key = keyOf(child);
      if (!pool.has(key)) pool.set(key, []);
      pool.get(key).push(child);
    }
    let previous = null;
    for (const mark of marks) {
      const reused = (pool.get(keyOf(mark)) || []).shift();
      const node = reused ? update(reused, mark) : mark;
      const next = previous ? previous.nextSibling : parent.firstChild;
      if (next !== node) parent.insertBefore(node, next);
      previous = node;
    }
    for (const left of pool.values()) for (const node of left) node.remove();
  }

  /** Sizes the SVG to its box, and gives back its width and height. */
  function canvas(svg, height) {
    const parent = svg.parentElement;
    let box = parent ? parent.clientWidth : 0;
    if (parent) {
      const style = getComputedStyle(parent);
      box -= (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0);
    }
    const width = Math.max(240, Math.floor(box) || 360);
    for (const [name, value] of [['width', String(width)], ['height', String(height)], ['viewBox', `0 0 ${width} ${height}`]]) {
      if (svg.getAttribute(name) !== value) svg.setAttribute(name, value);
    }
    return { width, height };
  }

  function emptyText(svg, width, height, text) {
    return [el('text', { x: width / 2, y: height / 2, class: 'empty-text', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, text)];
  }

  /** "250ms" -> ".25s", "2s" -> "2s": short labels that fit under a histogram bar. */
  function seconds(edge) {
    const match = /^([\d.]+)ms$/.exec(edge);
    return match ? `${String(Number(match[1]) / 1000).replace(/^0\./, '.')}s` : edge;
  }

  function seriesClass(index) {
    return `s${((index % SERIES) + SERIES) % SERIES}`;
  }

  function yAxis(marks, scale, left, top, plotWidth, plotHeight, format) {
    for (const tick of scale.ticks) {
      const y = top + plotHeight - (tick / scale.max) * plotHeight;
      marks.push(el('line', { x1: left, x2: left + plotWidth, y1: y, y2: y, class: tick === 0 ? 'axis' : 'grid' }));
      marks.push(el('text', { x: left - 6, y, class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(tick)));
    }
  }

  /** Tokens over time: one stacked bar per time bucket, one colour per model. */
  function tokensOverTime(svg, data, colorOf) {
    const { width, height } = canvas(svg, 190);
    const buckets = data.buckets || [];
    const total = (bucket) => data.models.reduce((sum, model) => sum + (bucket.tokens[model] || 0), 0);
    const max = buckets.reduce((top, bucket) => Math.max(top, total(bucket)), 0);
    if (buckets.length === 0 || max === 0) {
      patch(svg, emptyText(svg, width, height, 'No tokens in this range yet'));
      return 0;
    }
    const left = 48;
    const right = 8;
    const top = 10;
    const bottom = 24;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    const scale = F.niceScale(max, 4);
    const marks = [];
    yAxis(marks, scale, left, top, plotWidth, plotHeight, F.compact);
    const slot = plotWidth / buckets.length;
    const barWidth = Math.max(1, slot * 0.78);
    let bars = 0;
    buckets.forEach((bucket, index) => {
      let y = top + plotHeight;
      const x = left + index * slot + (slot - barWidth) / 2;
      for (const model of data.models) {
        const value = bucket.tokens[model] || 0;
        if (value <= 0) continue;
        const h = Math.max(1, (value / scale.max) * plotHeight);
        y -= h;
        marks.push(titled(el('rect', { x, y, width: barWidth, height: h, class: `bar ${seriesClass(colorOf(model))}`, 'data-model': model }),
          `${F.axisTime(bucket.start, data.bucketMs)} · ${model}: ${F.int(value)} tokens`));
        bars++;
      }
    });
    const labels = buckets.length > 2 ? [0, Math.floor(buckets.length / 2), buckets.length - 1] : buckets.map((_, index) => index);
    for (const index of labels) {
      const anchor = index === 0 ? 'start' : index === buckets.length - 1 ? 'end' : 'middle';
      const x = index === 0 ? left : index === buckets.length - 1 ? left + plotWidth : left + (index + 0.5) * slot;
      marks.push(el('text', { x, y: height - 6, class: 'tick', 'text-anchor': anchor }, F.axisTime(buckets[index].start, data.bucketMs)));
    }
    patch(svg, marks);
    return bars;
  }

  /** Cost per model: two bars per model, this session and today. */
  function costPerModel(svg, rows, colorOf) {
    const shown = rows.filter((row) => row.session > 0 || row.today > 0).slice(0, 8);
    const rowHeight = 30;
    const { width, height } = canvas(svg, Math.max(190, 16 + shown.length * rowHeight + 8));
    if (shown.length === 0) {
      patch(svg, emptyText(svg, width, height, rows.length > 0 ? 'No cost: these models have no price (claudeProxy.prices)' : 'No cost yet'));
      return 0;
    }
    const left = Math.min(150, Math.max(80, 8 + 6.5 * Math.max(...shown.map((row) => row.model.length))));
    const right = 70;
    const plotWidth = Math.max(40, width - left - right);
    const max = Math.max(...shown.map((row) => Math.max(row.session, row.today)));
    const marks = [];
    let bars = 0;
    shown.forEach((row, index) => {
      const y = 12 + index * rowHeight;
      marks.push(el('text', { x: left - 8, y: y + 10, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, row.model));
      [['session', 'This session', 'solid'], ['today', 'Today', 'light']].forEach(([key, name, shade], band) => {
        const value = row[key];
        const barY = y + band * 11;
        const w = max > 0 ? Math.max(value > 0 ? 2 : 0, (value / max) * plotWidth) : 0;
        marks.push(titled(el('rect', { x: left, y: barY, width: w, height: 9, class: `bar ${seriesClass(colorOf(row.model))} ${shade}`, 'data-model': row.model, 'data-series': key }),
          `${row.model}, ${name.toLowerCase()}: ${F.cost(value)}`));
        marks.push(el('text', { x: left + w + 5, y: barY + 5, class: 'value', 'dominant-baseline': 'middle' }, F.cost(value)));
        bars++;
      });
    });
    patch(svg, marks);
    return bars;
  }

  /** Cache-hit rate: a ring for the whole range, and one thin bar per model. */
  function cacheHitRate(svg, totals, perModel, colorOf) {
    const { width, height } = canvas(svg, 190);
    if (!totals || totals.inputTokens === 0) {
      patch(svg, emptyText(svg, width, height, 'No input tokens in this range yet'));
      return 0;
    }
    const marks = [];
    const radius = 58;
    const cx = 16 + radius;
    const cy = height / 2;
    const circumference = 2 * Math.PI * radius;
    const rate = Math.max(0, Math.min(1, totals.cacheHitRate));
    marks.push(el('circle', { cx, cy, r: radius, class: 'ring-track' }));
    marks.push(titled(el('circle', {
      cx, cy, r: radius, class: 'ring-value', 'stroke-dasharray': `${(rate * circumference).toFixed(2)} ${circumference.toFixed(2)}`,
      transform: `rotate(-90 ${cx} ${cy})`,
    }), `${F.percent(rate)} of ${F.int(totals.inputTokens)} input tokens came from OpenAI's prompt cache`));
    marks.push(el('text', { x: cx, y: cy - 4, class: 'ring-text', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, F.percent(rate)));
    marks.push(el('text', { x: cx, y: cy + 18, class: 'tick', 'text-anchor': 'middle' }, 'cached input'));
    const left = cx + radius + 28;
    const plotWidth = width - left - 50;
    if (plotWidth > 60) {
      perModel.slice(0, 6).forEach((model, index) => {
        const y = 24 + index * 26;
        marks.push(el('text', { x: left, y, class: 'label' }, model.model));
        marks.push(el('rect', { x: left, y: y + 5, width: plotWidth, height: 6, class: 'track' }));
        marks.push(titled(el('rect', { x: left, y: y + 5, width: Math.max(model.rate > 0 ? 2 : 0, model.rate * plotWidth), height: 6, class: `bar ${seriesClass(colorOf(model.model))}`, 'data-model': model.model }),
          `${model.model}: ${F.int(model.cachedTokens)} of ${F.int(model.inputTokens)} input tokens cached`));
        marks.push(el('text', { x: left + plotWidth + 6, y: y + 9, class: 'value', 'dominant-baseline': 'middle' }, F.percent(model.rate)));
      });
    }
    patch(svg, marks);
    return 1 + perModel.length;
  }

  /** Latency: requests per total-time range. */
  function latency(svg, bins) {
    const { width, height } = canvas(svg, 190);
    const max = bins.reduce((top, bin) => Math.max(top, bin.count), 0);
    if (max === 0) {
      patch(svg, emptyText(svg, width, height, 'No requests in this range yet'));
      return 0;
    }
    const left = 36;
    const right = 8;
    const top = 16;
    const bottom = 24;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    const scale = F.niceScale(max, Math.min(4, max));
    const marks = [];
    yAxis(marks, scale, left, top, plotWidth, plotHeight, (value) => (Number.isInteger(value) ? String(value) : ''));
    const slot = plotWidth / bins.length;
    const barWidth = slot * 0.7;
    let bars = 0;
    bins.forEach((bin, index) => {
      const x = left + index * slot + (slot - barWidth) / 2;
      const short = bin.label.includes('–') ? `<${seconds(bin.label.split('–')[1])}` : bin.label.replace(/^([<≥])(.*)$/, (_, sign, edge) => sign + seconds(edge));
      // Narrow bars: every other label (each bar's <title> has its range).
      if (slot >= 36 || index % 2 === 0) marks.push(el('text', { x: x + barWidth / 2, y: height - 6, class: 'tick', 'text-anchor': 'middle' }, short));
      if (bin.count === 0) return;
      const h = Math.max(1, (bin.count / scale.max) * plotHeight);
      const y = top + plotHeight - h;
      marks.push(titled(el('rect', { x, y, width: barWidth, height: h, class: 'bar latency' }), `${bin.label}: ${bin.count} request${bin.count === 1 ? '' : 's'}`));
      marks.push(el('text', { x: x + barWidth / 2, y: y - 4, class: 'value', 'text-anchor': 'middle' }, String(bin.count)));
      bars++;
    });
    patch(svg, marks);
    return bars;
  }

  root.DashboardCharts = { tokensOverTime, costPerModel, cacheHitRate, latency, seriesClass, patch };
})(self);
