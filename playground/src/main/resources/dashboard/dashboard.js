// KartShoppe RT-ML live dashboard: renders the snapshots /events sends once a second.
// Plain browser JavaScript and Chart.js (served from its WebJar); no build step.
'use strict';

(function () {
  const PALETTE = ['#3056d3', '#c62828', '#2e7d32', '#8e24aa', '#ef6c00', '#00838f', '#6d4c41', '#546e7a'];
  const IN_COLOR = '#3056d3';
  const OUT_COLOR = '#2e7d32';
  const SWAP_COLOR = '#8e24aa';
  const RULES_COLOR = '#ef6c00';

  const $ = (id) => document.getElementById(id);
  const fmtInt = new Intl.NumberFormat('en');
  const fmtScore = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(3));
  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  /**
   * Draws a dashed vertical line with a label at each model swap and rule-set change inside the x
   * range of a chart with a linear time axis. They are in chart.$swaps, each with its x (wall-clock
   * time on the throughput chart, event time on the accuracy charts), label and color;
   * chart.$swapMarkers counts those drawn.
   */
  const swapMarkers = {
    id: 'swapMarkers',
    afterDatasetsDraw(chart) {
      const swaps = chart.$swaps || [];
      const x = chart.scales.x;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      let drawn = 0;
      ctx.save();
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.font = '11px system-ui, sans-serif';
      for (const swap of swaps) {
        if (swap.x < x.min || swap.x > x.max) {
          continue;
        }
        const px = x.getPixelForValue(swap.x);
        ctx.strokeStyle = swap.color;
        ctx.fillStyle = swap.color;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        const label = swap.label;
        const width = ctx.measureText(label).width;
        ctx.fillText(label, Math.min(px + 3, area.right - width), area.top + 10 + 12 * (drawn % 3));
        drawn++;
      }
      ctx.restore();
      chart.$swapMarkers = drawn;
    },
  };

  function timeAxis(withSeconds) {
    return {
      type: 'linear',
      ticks: {
        maxTicksLimit: 8,
        callback: (v) => (withSeconds ? clock(v) : new Date(v).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
      },
    };
  }

  function lineChart(id, yAxis, withSeconds) {
    return new Chart($(id), {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: timeAxis(withSeconds), y: yAxis },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { title: (items) => (items.length ? clock(items[0].parsed.x) : '') } },
        },
      },
      plugins: [swapMarkers],
    });
  }

  const throughputChart = lineChart('throughput-chart', { beginAtZero: true, title: { display: true, text: 'records/s' } }, true);
  throughputChart.data.datasets = [
    { label: 'in (shop events)', data: [], borderColor: IN_COLOR, backgroundColor: IN_COLOR, pointRadius: 0, borderWidth: 1.5 },
    { label: 'out (decisions + recommendations)', data: [], borderColor: OUT_COLOR, backgroundColor: OUT_COLOR, pointRadius: 0, borderWidth: 1.5 },
  ];
  const fraudChart = lineChart('fraud-accuracy-chart', { min: 0, max: 1 }, false);
  const recoChart = lineChart('reco-accuracy-chart', { min: 0, max: 1 }, false);
  const alertsChart = new Chart($('alerts-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'alerts', data: [], backgroundColor: '#c62828' }] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  });

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function replaceRows(tbody, rows, emptyText, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = cell(tr, emptyText);
      td.colSpan = columns;
      tbody.appendChild(tr);
      return;
    }
    rows.forEach((r) => tbody.appendChild(r));
  }

  function renderCounters(t) {
    $('count-input').textContent = fmtInt.format(t.inputRecords);
    $('count-decisions').textContent = fmtInt.format(t.decisions);
    $('count-alerts').textContent = fmtInt.format(t.alerts);
    $('count-recommendations').textContent = fmtInt.format(t.recommendations);
    $('count-dlq').textContent = fmtInt.format(t.deadLetters);
    $('count-accuracy').textContent = fmtInt.format(t.accuracyReports);
    $('decision-split').textContent =
      Object.entries(t.decisionsByDecision).map(([d, n]) => d + ' ' + fmtInt.format(n)).join(', ') || 'none yet';
    const failure = $('failure');
    failure.hidden = !t.failure;
    failure.textContent = t.failure ? 'live view stopped: ' + t.failure : '';
  }

  function renderDecisions(decisions) {
    const rows = decisions.map((d) => {
      const tr = document.createElement('tr');
      tr.dataset.orderId = d.orderId;
      cell(tr, clock(d.decidedAt));
      cell(tr, d.orderId, 'order');
      cell(tr, d.userId);
      cell(tr, fmtScore(d.score), 'num score');
      cell(tr, fmtScore(d.baseScore), 'num');
      const badge = document.createElement('span');
      badge.className = 'badge ' + d.decision;
      badge.textContent = d.decision;
      cell(tr, '').appendChild(badge);
      const reasons = cell(tr, '', 'reasons');
      d.reasons.forEach((r) => {
        const chip = document.createElement('span');
        chip.className = r.startsWith('cep:') ? 'reason cep' : 'reason';
        chip.textContent = r;
        reasons.appendChild(chip);
      });
      // The model's largest terms of the score's logit: + pushed the score up, - down.
      const why = cell(tr, '', 'why');
      why.title = d.contributionMethod === 'occlusion'
        ? 'change of the logit with the feature at its reference value (occlusion)'
        : 'exact terms of the logit';
      d.contributions.forEach((c) => {
        const chip = document.createElement('span');
        chip.className = 'term ' + (c.term > 0 ? 'up' : 'down');
        chip.dataset.feature = c.feature;
        chip.textContent = c.feature + ' ' + (c.term > 0 ? '+' : '') + c.term.toFixed(2);
        why.appendChild(chip);
      });
      cell(tr, d.modelName + ' v' + d.modelVersion + (d.adapterVersion > 0 ? ' +a' + d.adapterVersion : ''));
      return tr;
    });
    replaceRows($('decisions-body'), rows, 'waiting for decisions…', 9);
  }

  function renderAlerts(byPattern) {
    const entries = Object.entries(byPattern).sort((a, b) => b[1] - a[1]);
    alertsChart.data.labels = entries.map((e) => e[0]);
    alertsChart.data.datasets[0].data = entries.map((e) => e[1]);
    alertsChart.update('none');
    const rows = entries.map(([pattern, n]) => {
      const tr = document.createElement('tr');
      tr.dataset.pattern = pattern;
      cell(tr, 'cep:' + pattern);
      cell(tr, fmtInt.format(n), 'num');
      return tr;
    });
    replaceRows($('alerts-body'), rows, 'no alerts with a CEP pattern yet', 2);
  }

  function renderThroughput(snapshot) {
    throughputChart.data.datasets[0].data = snapshot.throughput.map((p) => ({ x: p.second, y: p.in }));
    throughputChart.data.datasets[1].data = snapshot.throughput.map((p) => ({ x: p.second, y: p.out }));
    throughputChart.$swaps = [...modelMarkers(snapshot.modelSwaps, 'at'), ...ruleMarkers(snapshot, 'at')];
    throughputChart.update('none');
  }

  /** One dataset per model version and series; solid for adapted, dashed for base. */
  function accuracyDatasets(points, series) {
    const versions = [...new Set(points.map((p) => p.modelName + ' v' + p.modelVersion))].sort();
    const datasets = [];
    versions.forEach((version, i) => {
      const color = PALETTE[i % PALETTE.length];
      const mine = points.filter((p) => p.modelName + ' v' + p.modelVersion === version);
      series.forEach((s) => {
        const data = mine.filter((p) => p[s.field] !== null).map((p) => ({ x: p.windowEnd, y: p[s.field] }));
        if (data.length === 0) {
          return;
        }
        datasets.push({
          label: version + ' ' + s.label,
          data: data.sort((a, b) => a.x - b.x),
          borderColor: color,
          backgroundColor: color,
          borderDash: s.dash || [],
          pointStyle: s.point || 'circle',
          pointRadius: 3,
          borderWidth: 1.5,
        });
      });
    });
    return datasets;
  }

  /** Chart markers of model swaps, at their wall-clock ('at') or event time ('eventTime'). */
  function modelMarkers(swaps, time) {
    return swaps.map((s) => ({ x: s[time], label: s.modelName + ' v' + s.toVersion, color: SWAP_COLOR, modelName: s.modelName }));
  }

  /** Chart markers of fraud rule-set changes, at their wall-clock or event time. */
  function ruleMarkers(snapshot, time) {
    return snapshot.ruleSetChanges.map((c) => ({ x: c[time], label: 'rules ' + c.to, color: RULES_COLOR }));
  }

  function renderAccuracyChart(chart, points, series, snapshot, isMine, withRules) {
    chart.data.datasets = accuracyDatasets(points, series);
    // Accuracy windows are in event time, so are the swaps drawn among them.
    const swaps = [
      ...modelMarkers(snapshot.modelSwaps, 'eventTime').filter((s) => isMine(s.modelName)),
      ...(withRules ? ruleMarkers(snapshot, 'eventTime') : []),
    ];
    const xs = [...points.map((p) => p.windowEnd), ...swaps.map((s) => s.x)];
    chart.options.scales.x.min = xs.length ? Math.min(...xs) - 5 * 60 * 1000 : undefined;
    chart.options.scales.x.max = xs.length ? Math.max(...xs) + 5 * 60 * 1000 : undefined;
    chart.$swaps = swaps;
    chart.update('none');
  }

  function renderAccuracy(snapshot) {
    const fraud = snapshot.accuracy.filter((p) => p.useCase === 'FRAUD');
    const reco = snapshot.accuracy.filter((p) => p.useCase === 'RECO');
    // Each chart marks the swaps of its own models: fraud ones are those that decide orders.
    const fraudModels = new Set([...fraud.map((p) => p.modelName), ...snapshot.recentDecisions.map((d) => d.modelName)]);
    const isFraud = (name) => fraudModels.has(name);
    renderAccuracyChart(fraudChart, fraud, [
      { field: 'adaptedAuc', label: 'AUC adapted' },
      { field: 'baseAuc', label: 'AUC base', dash: [5, 4] },
      { field: 'adaptedRecall', label: 'recall@0.5 adapted', point: 'triangle' },
      { field: 'baseRecall', label: 'recall@0.5 base', dash: [5, 4], point: 'triangle' },
    ], snapshot, isFraud, true);
    renderAccuracyChart(recoChart, reco, [
      { field: 'ctr', label: 'CTR', point: 'rectRot' },
      { field: 'adaptedAuc', label: 'AUC adapted' },
      { field: 'baseAuc', label: 'AUC base', dash: [5, 4] },
    ], snapshot, (name) => !isFraud(name), false);
  }

  function renderModels(snapshot) {
    const t = snapshot.totals;
    const names = [...new Set([...Object.keys(t.modelVersions), ...Object.keys(snapshot.adapters)])].sort();
    const rows = names.map((name) => {
      const a = snapshot.adapters[name];
      const tr = document.createElement('tr');
      tr.dataset.model = name;
      cell(tr, name);
      cell(tr, t.modelVersions[name] !== undefined ? 'v' + t.modelVersions[name] : '–', 'version');
      cell(tr, a ? 'a' + a.adapterVersion : 'none', 'adapter');
      cell(tr, a ? 'v' + a.baseModelVersion : '–');
      cell(tr, a ? fmtInt.format(a.examplesSeen) : '–', 'num');
      return tr;
    });
    replaceRows($('models-body'), rows, 'no model output yet', 5);
    const swaps = snapshot.modelSwaps.slice().reverse().map((s) => {
      const li = document.createElement('li');
      li.className = 'swap';
      li.textContent = clock(s.at) + ': ' + s.modelName + ' v' + s.fromVersion + ' → v' + s.toVersion;
      return li;
    });
    const list = $('swaps');
    list.replaceChildren(...swaps);
    if (swaps.length === 0) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = 'none yet';
      list.appendChild(li);
    }
    const rules = snapshot.ruleSet;
    $('rule-set').textContent = rules ? rules.name + ' since ' + clock(rules.since) : 'no decision yet';
    const changes = snapshot.ruleSetChanges.slice().reverse().map((c) => {
      const li = document.createElement('li');
      li.className = 'rule-change';
      li.textContent = clock(c.at) + ': ' + c.from + ' → ' + c.to;
      return li;
    });
    $('rule-changes').replaceChildren(...changes);
  }

  function renderDeadLetters(byReason) {
    const rows = Object.entries(byReason).sort((a, b) => b[1] - a[1]).map(([reason, n]) => {
      const tr = document.createElement('tr');
      tr.dataset.reason = reason;
      cell(tr, reason);
      cell(tr, fmtInt.format(n), 'num');
      return tr;
    });
    replaceRows($('dlq-body'), rows, 'none', 2);
  }

  // Recommendations for the chosen shopper; the list of shoppers follows the latest served.
  const select = $('user-select');
  let lastUsers = '';

  function renderUsers(users) {
    const key = users.join(',');
    if (key === lastUsers || document.activeElement === select) {
      return; // unchanged, or the user is choosing right now
    }
    lastUsers = key;
    const chosen = select.value;
    const options = [new Option('(choose a shopper)', '')];
    const listed = chosen && !users.includes(chosen) ? [chosen, ...users] : users;
    listed.forEach((u) => options.push(new Option(u, u)));
    select.replaceChildren(...options);
    select.value = chosen;
  }

  function renderRecommendations(answer) {
    const meta = $('reco-meta');
    if (!answer || !answer.found) {
      meta.textContent = answer ? 'no recent recommendation for ' + answer.userId : '';
      replaceRows($('recommendations-body'), [], answer ? 'none kept' : 'choose a shopper', 5);
      return;
    }
    const r = answer.recommendation;
    meta.textContent = r.recoId + ' at ' + clock(r.createdAt) + ' by ' + r.modelName + ' v' + r.modelVersion +
      (r.adapterVersion > 0 ? ' +a' + r.adapterVersion : '');
    const rows = r.items.map((item, i) => {
      const tr = document.createElement('tr');
      tr.dataset.productId = item.productId;
      cell(tr, String(i + 1));
      cell(tr, item.productId, 'product');
      cell(tr, fmtScore(item.score), 'num');
      cell(tr, fmtScore(item.baseScore), 'num');
      cell(tr, item.explored ? 'explored' : '', 'explored');
      return tr;
    });
    replaceRows($('recommendations-body'), rows, 'no items', 5);
  }

  let pending = null;
  function refreshRecommendations() {
    const user = select.value;
    if (!user) {
      renderRecommendations(null);
      return;
    }
    if (pending) {
      return;
    }
    pending = fetch('/api/recommendations?user=' + encodeURIComponent(user))
      .then((response) => response.json())
      .then((answer) => {
        if (answer.userId === select.value) {
          renderRecommendations(answer);
        }
      })
      .catch(() => { /* the next snapshot tries again */ })
      .finally(() => { pending = null; });
  }
  select.addEventListener('change', refreshRecommendations);

  function render(snapshot) {
    renderCounters(snapshot.totals);
    renderThroughput(snapshot);
    renderDecisions(snapshot.recentDecisions);
    renderAlerts(snapshot.totals.alertsByPattern);
    renderAccuracy(snapshot);
    renderModels(snapshot);
    renderDeadLetters(snapshot.totals.deadLettersByReason);
    renderUsers(snapshot.recentUsers);
    refreshRecommendations();
    $('updated').textContent = 'updated ' + clock(snapshot.at);
    document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
  }

  const status = $('connection');
  const events = new EventSource('/events');
  events.addEventListener('open', () => {
    status.textContent = 'live';
    status.className = 'status live';
  });
  events.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.className = 'status connecting';
  });
  events.addEventListener('snapshot', (e) => render(JSON.parse(e.data)));
})();
