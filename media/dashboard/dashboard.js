// The dashboard page. It asks for a snapshot once ready, then applies the extension's deltas in
// place, so that a live update does not flicker: new rows go on top of the table and the rows
// already there keep their nodes (a snapshot refills only rows whose data changed); the cards
// keep their nodes and change text only where it changed; a chart is redrawn only when its data
// (or its width) changed, and then patched mark by mark (charts.js). Text only ever goes in with
// textContent (no HTML from data).
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const F = self.DashboardFormat;
  const Charts = self.DashboardCharts;
  const MAX_ROWS = 500;

  const $ = (selector) => document.querySelector(selector);
  const app = $('#app');
  const tbody = $('#requests tbody');
  const providerRows = $('#providers tbody');
  const emptyNote = $('#empty');
  const rowCount = $('#row-count');
  const notice = $('#notice');
  const cards = $('#cards');
  const detail = $('#detail');

  const saved = vscode.getState() || {};
  const state = {
    range: saved.range || 'session',
    selected: undefined,
    part: saved.part || 'request',
    stats: undefined,
    settings: { keepBodies: false, maxBodies: 20, priceProblems: [] },
    historySize: 0,
    exchange: undefined,
    /** model -> colour index, stable for the page's life (a model keeps its colour). */
    colors: new Map(),
    rows: new Map(),
  };

  function colorOf(model) {
    if (!state.colors.has(model)) state.colors.set(model, state.colors.size);
    return state.colors.get(model);
  }

  function save() {
    vscode.setState({ range: state.range, part: state.part });
  }

  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // ---- table -------------------------------------------------------------------------------

  function statusText(row) {
    if (row.status === 200 && row.outcome === 'ok') return '200';
    return row.outcome && row.outcome !== 'ok' ? `${row.status} ${row.outcome}` : String(row.status);
  }

  /** Fills a row's cells from its data; a row whose data did not change is left alone. */
  function fillRow(tr, row) {
    const signature = JSON.stringify(row);
    if (tr.rowData === signature) return tr;
    tr.rowData = signature;
    tr.dataset.id = row.id;
    tr.tabIndex = 0;
    const failed = row.status !== 200 || row.outcome !== 'ok';
    tr.classList.toggle('failed', failed);
    const cells = [];
    const cell = (text, className, title) => {
      const td = node('td', className, text);
      if (title) td.title = title;
      cells.push(td);
      return td;
    };
    cell(F.time(row.time), 'time', new Date(row.time).toLocaleString());
    const model = cell('', 'model');
    model.appendChild(node('span', 'claude', row.claudeModel));
    if (row.openaiModel) {
      model.appendChild(node('span', 'arrow', ' → '));
      model.appendChild(node('span', `dot ${Charts.seriesClass(colorOf(row.openaiModel))}`));
      model.appendChild(node('span', 'openai', row.openaiModel));
      model.appendChild(node('span', 'api', row.api === 'responses' ? 'Responses' : row.api === 'chat' ? 'Chat' : row.api));
    }
    model.title = `${row.claudeModel} → ${row.openaiModel || '(no route)'} (${row.api || 'no API'})${row.route ? `, route ${row.route}` : ''}${row.stream ? ', streaming' : ''}`;
    cell(F.provider(row.provider), 'provider');
    cell(statusText(row), failed ? 'status error' : 'status ok');
    cell(F.ms(row.firstTokenMs), 'num');
    cell(F.ms(row.durationMs), 'num');
    cell(F.int(row.inputTokens), 'num');
    cell(F.int(row.cachedTokens), 'num', row.inputTokens > 0 ? `${F.percent(row.cachedTokens / row.inputTokens)} of the input` : undefined);
    cell(F.int(row.outputTokens), 'num');
    cell(F.int(row.reasoningTokens), 'num');
    cell(F.cost(row.costUsd), 'num cost', row.costUsd === null ? `No price for ${row.openaiModel || 'this request'}: add one in claudeProxy.prices` : 'Estimated from claudeProxy.prices');
    tr.replaceChildren(...cells);
    tr.classList.toggle('has-body', row.hasBody);
    tr.title = row.hasBody ? 'Click for the request and the response' : 'Click for the details';
    return tr;
  }

  function makeRow(row) {
    const tr = fillRow(node('tr'), row);
    tr.setAttribute('aria-selected', String(row.id === state.selected));
    return tr;
  }

  /** The snapshot's rows, newest on top: rows already shown keep their nodes. */
  function setRows(rows) {
    const previous = state.rows;
    state.rows = new Map();
    let next = tbody.firstElementChild;
    for (let index = rows.length - 1; index >= 0; index--) {
      const row = rows[index];
      const kept = previous.get(row.id);
      const tr = kept ? fillRow(kept, row) : makeRow(row);
      previous.delete(row.id);
      state.rows.set(row.id, tr);
      if (next === tr) next = tr.nextElementSibling;
      else tbody.insertBefore(tr, next);
    }
    for (const tr of previous.values()) tr.remove();
    updateCount();
  }

  function prependRows(rows) {
    for (const row of rows) {
      if (state.rows.has(row.id)) continue;
      const tr = makeRow(row);
      tr.classList.add('new');
      state.rows.set(row.id, tr);
      tbody.insertBefore(tr, tbody.firstChild);
    }
    while (tbody.rows.length > MAX_ROWS) {
      const last = tbody.lastElementChild;
      state.rows.delete(last.dataset.id);
      last.remove();
    }
    updateCount();
  }

  function updateCount() {
    const shown = tbody.rows.length;
    emptyNote.hidden = shown > 0;
    const count = shown < state.historySize
      ? `latest ${F.int(shown)} of ${F.int(state.historySize)} in the history (Export for all)`
      : `${F.int(shown)} request${shown === 1 ? '' : 's'} in the history`;
    rowCount.textContent = shown === 0 ? '' : `${count}${state.settings.keepBodies ? ' · • request and response kept: click the row' : ' · click a row for its details'}`;
  }

  function select(id) {
    if (!id) return;
    for (const tr of tbody.querySelectorAll('tr[aria-selected="true"]')) tr.setAttribute('aria-selected', 'false');
    const tr = state.rows.get(id);
    if (tr) tr.setAttribute('aria-selected', 'true');
    state.selected = id;
    vscode.postMessage({ type: 'select', id });
  }

  tbody.addEventListener('click', (event) => {
    const tr = event.target.closest('tr');
    if (tr) select(tr.dataset.id);
  });
  tbody.addEventListener('keydown', (event) => {
    const tr = event.target.closest('tr');
    if (!tr) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      select(tr.dataset.id);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling;
      if (next) next.focus();
    }
  });

  // ---- cards and charts --------------------------------------------------------------------

  /** Sets a text only when it differs: an unchanged card is not touched at all. */
  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  /** One summary card, made on the first stats and updated in place after that. */
  function card(key, label, value, sub, title) {
    let box = cards.querySelector(`[data-card="${key}"]`);
    if (!box) {
      box = node('div', 'card');
      box.dataset.card = key;
      box.append(node('div', 'card-label'), node('div', 'card-value'), node('div', 'card-sub'));
      cards.appendChild(box);
    }
    if (box.title !== (title || '')) box.title = title || '';
    setText(box.children[0], label);
    setText(box.children[1], value);
    setText(box.children[2], sub || '\u00a0');
  }

  function renderCards(stats) {
    const t = stats.totals;
    const rangeName = { session: 'this session', today: 'today', all: 'all history' }[stats.range];
    card('requests', 'Requests', F.int(t.requests), t.errors > 0 ? `${F.int(t.errors)} failed` : `none failed, ${rangeName}`);
    card('input', 'Input tokens', F.compact(t.inputTokens), `${F.compact(t.cachedTokens)} cached`, `${F.int(t.inputTokens)} input tokens, ${F.int(t.cachedTokens)} of them cached`);
    card('output', 'Output tokens', F.compact(t.outputTokens), `${F.compact(t.reasoningTokens)} reasoning`, `${F.int(t.outputTokens)} output tokens, ${F.int(t.reasoningTokens)} of them reasoning`);
    card('cost', 'Estimated cost', F.cost(t.costUsd), t.unpriced > 0 ? `${F.int(t.unpriced)} without a price` : `today ${F.cost(stats.today.costUsd)}`, 'Estimated from claudeProxy.prices');
    const searchers = stats.searchesPerModel.map((row) => `${row.model} ${F.int(row.searches)}`).join(', ');
    card('searches', 'Web searches', F.int(t.webSearches), searchers || rangeName, 'Hosted web search calls per OpenAI model; each is priced in the cost (claudeProxy.prices, webSearchPer1kCalls)');
    card('cache', 'Cache-hit rate', t.inputTokens > 0 ? F.percent(t.cacheHitRate) : '—', 'of input tokens');
    card('ttft', 'Time to first token', F.ms(stats.latency.ttftP50), `median; p90 ${F.ms(stats.latency.ttftP90)}`);
    card('latency', 'Total time', F.ms(stats.latency.totalP50), `median; p90 ${F.ms(stats.latency.totalP90)}`);
  }

  /** A legend: swatch and label per item, rebuilt only when its items changed. */
  function legend(container, items) {
    const signature = JSON.stringify(items);
    if (container.legendData === signature) return;
    container.legendData = signature;
    container.replaceChildren(...items.map(([swatchClass, label]) => {
      const item = node('span', 'legend-item');
      item.appendChild(node('span', `swatch ${swatchClass}`));
      item.appendChild(node('span', '', label));
      return item;
    }));
  }

  /** The data each chart was last drawn from (with its width): the same data is not drawn again. */
  const drawn = new Map();
  function draw(selector, data, render) {
    const svg = $(selector);
    const key = `${svg.parentElement ? svg.parentElement.clientWidth : 0}|${JSON.stringify(data)}`;
    if (drawn.get(selector) === key) return;
    drawn.set(selector, key);
    render(svg);
  }

  function renderCharts() {
    const stats = state.stats;
    if (!stats) return;
    const models = stats.tokensOverTime.models;
    for (const model of models) colorOf(model);
    draw('#chart-tokens', stats.tokensOverTime, (svg) => Charts.tokensOverTime(svg, stats.tokensOverTime, colorOf));
    legend($('#legend-tokens'), models.map((model) => [Charts.seriesClass(colorOf(model)), model]));
    draw('#chart-cost', stats.costPerModel, (svg) => Charts.costPerModel(svg, stats.costPerModel, colorOf));
    legend($('#legend-cost'), stats.costPerModel.some((row) => row.session > 0 || row.today > 0)
      ? [['neutral solid', `This session ${F.cost(stats.session.costUsd)}`], ['neutral light', `Today ${F.cost(stats.today.costUsd)}`]]
      : []);
    draw('#chart-cache', [stats.totals.inputTokens, stats.totals.cacheHitRate, stats.cachePerModel], (svg) => Charts.cacheHitRate(svg, stats.totals, stats.cachePerModel, colorOf));
    draw('#chart-latency', stats.latencyHistogram, (svg) => Charts.latency(svg, stats.latencyHistogram));
  }

  /** One row per provider; rebuilt only when the figures changed. */
  function renderProviders(perProvider) {
    const signature = JSON.stringify(perProvider);
    if (providerRows.rowsData === signature) return;
    providerRows.rowsData = signature;
    providerRows.replaceChildren(...perProvider.map((provider) => {
      const tr = node('tr');
      tr.dataset.provider = provider.provider;
      const cell = (text, className, title) => {
        const td = node('td', className, text);
        if (title) td.title = title;
        tr.appendChild(td);
      };
      cell(F.provider(provider.provider), 'provider');
      cell(provider.models.join(', ') || '—', 'models');
      cell(F.int(provider.requests), 'num');
      cell(F.int(provider.errors), provider.errors > 0 ? 'num error' : 'num');
      cell(F.int(provider.inputTokens), 'num');
      cell(F.int(provider.cachedTokens), 'num', provider.inputTokens > 0 ? `${F.percent(provider.cachedTokens / provider.inputTokens)} of the input` : undefined);
      cell(F.int(provider.outputTokens), 'num');
      cell(F.cost(provider.costUsd), 'num cost', 'Estimated from claudeProxy.prices');
      return tr;
    }));
  }

  function renderStats(stats) {
    state.stats = stats;
    renderCards(stats);
    renderProviders(stats.perProvider);
    renderCharts();
  }

  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(renderCharts);
  }).observe($('.charts'));

  // ---- range and toolbar -------------------------------------------------------------------

  function showRange() {
    for (const button of document.querySelectorAll('[data-range]')) button.setAttribute('aria-checked', String(button.dataset.range === state.range));
  }

  for (const button of document.querySelectorAll('[data-range]')) {
    button.addEventListener('click', () => {
      if (state.range === button.dataset.range) return;
      state.range = button.dataset.range;
      showRange();
      save();
      vscode.postMessage({ type: 'range', range: state.range });
    });
  }

  for (const button of document.querySelectorAll('[data-command]')) {
    button.addEventListener('click', () => {
      const command = button.dataset.command;
      vscode.postMessage(command === 'openBodies' ? { type: 'command', command, id: state.selected } : { type: 'command', command });
    });
  }

  function renderSettings(settings) {
    state.settings = settings;
    updateCount();
    const problems = settings.priceProblems || [];
    const lines = [];
    if (problems.length > 0) lines.push(`claudeProxy.prices is invalid, the last valid prices are used: ${problems.join('; ')}`);
    if (settings.historyProblem) lines.push(`${settings.historyProblem}. New requests are kept in memory only, until VS Code closes.`);
    notice.hidden = lines.length === 0;
    setText(notice, lines.join('\n'));
  }

  // ---- detail ------------------------------------------------------------------------------

  function fact(list, term, value) {
    list.appendChild(node('dt', '', term));
    list.appendChild(node('dd', '', value));
  }

  function renderDetail(message) {
    if (message.id !== state.selected) return;
    detail.hidden = false;
    const row = message.row;
    $('#detail-title').textContent = row ? `${F.modelPair(row.claudeModel, row.openaiModel)} · ${F.time(row.time)}` : 'Request';
    const facts = $('#detail-facts');
    facts.replaceChildren();
    if (row) {
      fact(facts, 'Time', new Date(row.time).toLocaleString());
      fact(facts, 'Route', `${row.route || '—'} (${row.api === 'responses' ? 'Responses API' : row.api === 'chat' ? 'Chat Completions' : 'no API'})${row.stream ? ', streaming' : ''}`);
      fact(facts, 'Provider', F.provider(row.provider));
      fact(facts, 'Status', statusText(row));
      fact(facts, 'Time to first token', F.ms(row.firstTokenMs));
      fact(facts, 'Total time', F.ms(row.durationMs));
      fact(facts, 'Tokens', `${F.int(row.inputTokens)} in (${F.int(row.cachedTokens)} cached), ${F.int(row.outputTokens)} out (${F.int(row.reasoningTokens)} reasoning)`);
      fact(facts, 'Estimated cost', F.cost(row.costUsd));
    }
    state.exchange = message.exchange;
    const note = $('#detail-note');
    note.hidden = !message.note;
    note.textContent = message.note || '';
    $('#detail-tabs').hidden = !message.exchange;
    $('#detail-body').hidden = !message.exchange;
    $('#detail-open').hidden = !message.exchange;
    $('#detail-settings').hidden = Boolean(message.exchange) || state.settings.keepBodies;
    showPart();
    detail.scrollIntoView({ block: 'nearest' });
  }

  function showPart() {
    for (const tab of document.querySelectorAll('[data-part]')) tab.setAttribute('aria-selected', String(tab.dataset.part === state.part));
    $('#detail-body').textContent = state.exchange ? state.exchange[state.part] : '';
  }

  for (const tab of document.querySelectorAll('[data-part]')) {
    tab.addEventListener('click', () => {
      state.part = tab.dataset.part;
      save();
      showPart();
    });
  }

  $('#detail-close').addEventListener('click', () => {
    detail.hidden = true;
    state.selected = undefined;
    state.exchange = undefined;
    for (const tr of tbody.querySelectorAll('tr[aria-selected="true"]')) tr.setAttribute('aria-selected', 'false');
  });

  // ---- messages ----------------------------------------------------------------------------

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message.type !== 'string') return;
    switch (message.type) {
      case 'snapshot':
        state.historySize = message.historySize;
        renderSettings(message.settings);
        setRows(message.rows);
        renderStats(message.stats);
        if (state.selected && !state.rows.has(state.selected)) $('#detail-close').click();
        app.setAttribute('aria-busy', 'false');
        document.body.dataset.ready = 'true';
        break;
      case 'append':
        state.historySize = message.historySize;
        prependRows(message.rows);
        renderStats(message.stats);
        break;
      case 'stats':
        renderStats(message.stats);
        break;
      case 'settings':
        renderSettings(message.settings);
        break;
      case 'detail':
        renderDetail(message);
        break;
      case 'bodiesDropped':
        for (const id of message.ids) state.rows.get(id)?.classList.remove('has-body');
        break;
    }
  });

  showRange();
  vscode.postMessage({ type: 'ready' });
  if (state.range !== 'session') vscode.postMessage({ type: 'range', range: state.range });
})();
