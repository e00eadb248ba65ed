// KartShoppe RT-ML report: draws the figures inlined in #report-data with Chart.js (inlined too).
// Plain browser JavaScript, no build step; the page works offline.
'use strict';

(function () {
  const PALETTE = ['#3056d3', '#c62828', '#2e7d32', '#8e24aa', '#ef6c00', '#00838f', '#6d4c41', '#546e7a'];
  const CHANCE = '#9aa0aa';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const main = document.getElementById('report');
  document.getElementById('title').textContent = data.title;
  document.title = 'KartShoppe RT-ML: ' + data.title;

  // ---- building blocks ------------------------------------------------------------------------

  const fmt = (v, digits = 4) => (v === null || v === undefined ? '\u2013' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : String(v));
  const pct = (v) => (v === null || v === undefined ? '\u2013' : (100 * v).toFixed(2) + '%');

  function panel(title, note, wide) {
    const section = document.createElement('section');
    section.className = wide ? 'panel wide' : 'panel';
    const h2 = document.createElement('h2');
    h2.textContent = title;
    if (note) {
      const small = document.createElement('small');
      small.textContent = note;
      h2.appendChild(small);
    }
    section.appendChild(h2);
    main.appendChild(section);
    return section;
  }

  function table(parent, headers, rows) {
    const t = document.createElement('table');
    const head = t.createTHead().insertRow();
    headers.forEach((h, i) => {
      const th = document.createElement('th');
      th.textContent = h;
      if (i > 0) th.className = 'num';
      head.appendChild(th);
    });
    const body = t.createTBody();
    rows.forEach((row) => {
      const tr = body.insertRow();
      row.forEach((cell, i) => {
        const td = tr.insertCell();
        td.textContent = cell;
        if (i > 0) td.className = 'num';
      });
    });
    parent.appendChild(t);
    return t;
  }

  /** A two-column table of names and values; long values wrap. */
  function kv(parent, rows, id) {
    const t = document.createElement('table');
    t.className = 'kv';
    t.id = id;
    const body = t.createTBody();
    rows.forEach(([name, value]) => {
      const tr = body.insertRow();
      tr.insertCell().textContent = name;
      const td = tr.insertCell();
      td.textContent = value;
      td.className = 'num';
    });
    parent.appendChild(t);
    return t;
  }

  function chart(parent, config) {
    const box = document.createElement('div');
    box.className = 'chart';
    const canvas = document.createElement('canvas');
    box.appendChild(canvas);
    parent.appendChild(box);
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    return new Chart(canvas, config);
  }

  const axis = (title, min, max) => ({ type: 'linear', min, max, title: { display: true, text: title } });
  const line = (label, points, color, dashed) => ({
    label, data: points, showLine: true, borderColor: color, backgroundColor: color,
    pointRadius: dashed ? 0 : 1.5, borderWidth: dashed ? 1 : 2, borderDash: dashed ? [5, 4] : [],
  });
  const diagonal = (label) => line(label, [{ x: 0, y: 0 }, { x: 1, y: 1 }], CHANCE, true);
  const defined = (points) => points.filter((p) => p.x !== null && p.y !== null);

  // ---- shared: scores against labels ----------------------------------------------------------

  function scores(s, positive, negative) {
    const points = s.operatingPoints;
    const roc = panel('ROC curve', 'AUC ' + fmt(s.auc) + ' over ' + s.scored + ' scores, ' + s.positives + ' ' + positive);
    chart(roc, {
      type: 'scatter',
      data: { datasets: [
        line('model', defined(points.map((p) => ({ x: p.falsePositiveRate, y: p.truePositiveRate }))), PALETTE[0]),
        diagonal('chance'),
      ] },
      options: { scales: { x: axis('false positive rate (' + negative + ' flagged)', 0, 1), y: axis('true positive rate (recall)', 0, 1) } },
    });

    const pr = panel('Precision-recall curve', 'average precision ' + fmt(s.averagePrecision));
    const base = s.scored === 0 ? 0 : s.positives / s.scored;
    chart(pr, {
      type: 'scatter',
      data: { datasets: [
        line('model', defined(points.slice(1).map((p) => ({ x: p.truePositiveRate, y: p.precision }))), PALETTE[0]),
        line('base rate', [{ x: 0, y: base }, { x: 1, y: base }], CHANCE, true),
      ] },
      options: { scales: { x: axis('recall', 0, 1), y: axis('precision', 0, 1) } },
    });

    const cal = panel('Calibration', 'share of ' + positive + ' per score bin against the mean score in it');
    chart(cal, {
      type: 'scatter',
      data: { datasets: [
        line('model', defined(s.calibration.map((b) => ({ x: b.meanScore, y: b.positiveRate }))), PALETTE[0]),
        diagonal('perfectly calibrated'),
      ] },
      options: {
        scales: { x: axis('mean score', 0, 1), y: axis('share ' + positive, 0, 1) },
        plugins: { tooltip: { callbacks: { afterLabel: (ctx) => {
          const b = s.calibration.find((c) => c.meanScore === ctx.raw.x);
          return b ? b.count + ' scores' : '';
        } } } },
      },
    });

    const h = s.histogram;
    const share = (counts) => {
      const total = counts.reduce((a, b) => a + b, 0);
      return counts.map((c) => (total === 0 ? 0 : c / total));
    };
    const hist = panel('Score histogram per class', 'share of each class per score bin');
    chart(hist, {
      type: 'bar',
      data: {
        labels: h.positives.map((_, i) => h.edges[i].toFixed(2) + '\u2013' + h.edges[i + 1].toFixed(2)),
        datasets: [
          { label: positive + ' (' + h.positives.reduce((a, b) => a + b, 0) + ')', data: share(h.positives), backgroundColor: PALETTE[1] },
          { label: negative + ' (' + h.negatives.reduce((a, b) => a + b, 0) + ')', data: share(h.negatives), backgroundColor: PALETTE[0] },
        ],
      },
      options: { scales: { x: { title: { display: true, text: 'score' } }, y: { title: { display: true, text: 'share of class' } } } },
    });
  }

  function models(parent, list) {
    table(parent, ['model', 'version', 'outputs', 'adapter versions'],
      list.map((m) => [m.model || '(none)', m.version || '(no model)', fmt(m.outputs),
        m.firstAdapterVersion === m.lastAdapterVersion ? fmt(m.firstAdapterVersion) : m.firstAdapterVersion + '\u2013' + m.lastAdapterVersion]));
  }

  // ---- fraud backtest -------------------------------------------------------------------------

  function fraud() {
    const s = data.summary;
    const run = panel('Run');
    kv(run, [
      ['rule sets (decisions)', Object.entries(data.ruleSets).map(([r, n]) => r + ' (' + n + ')').join(', ')],
      ['fraud labels in the input', fmt(data.fraudLabels)],
      ['dead letters', fmt(data.deadLetters)],
    ], 'run');
    models(run, data.models);

    const summary = panel('Summary', 'as the terminal prints it');
    kv(summary, [
      ['orders decided', fmt(s.orders)],
      ['fraud by the labels', s.fraud + ' (' + pct(s.fraudShare) + ')'],
      ['alerts (REVIEW or BLOCK)', s.alerts + ' (' + pct(s.alertShare) + ')'],
      ['decisions', Object.entries(s.byDecision).map(([k, v]) => k + ' ' + v).join(', ')],
      ['ROC-AUC of scores', fmt(s.auc)],
      ['ROC-AUC, fraudsters\u2019 orders', fmt(s.fraudsterAuc)],
      ['REVIEW or above: precision / recall', fmt(s.reviewPrecision, 3) + ' / ' + fmt(s.reviewRecall, 3)],
      ['BLOCK: precision / recall', fmt(s.blockPrecision, 3) + ' / ' + fmt(s.blockRecall, 3)],
      ['legit orders above ALLOW', fmt(s.legitFalsePositiveRate)],
      ['fraudsters\u2019 orders caught', s.fraudsters.caught + ' of ' + s.fraudsters.orders + ' (' + fmt(s.fraudsters.recall, 3) + ')'],
    ], 'summary');

    const types = Object.entries(s.caughtByFraudType);
    const byType = panel('Caught by fraud type');
    table(byType, ['fraud type', 'orders', 'caught', 'rate'], types.map(([t, c]) => [t, c.orders, c.caught, fmt(c.rate, 3)]));
    chart(byType, {
      type: 'bar',
      data: { labels: types.map(([t]) => t), datasets: [{ label: 'share caught', data: types.map(([, c]) => c.rate), backgroundColor: PALETTE[2] }] },
      options: { scales: { y: { min: 0, max: 1 } } },
    });

    const reasons = panel('Reasons', 'orders flagged per reason, and how many were fraud');
    table(reasons, ['reason', 'orders', 'fraud', 'precision'],
      Object.entries(s.flaggedByReason).map(([r, c]) => [r, c.orders, c.fraud, fmt(c.precision, 3)]));

    scores(data.scores, 'fraud', 'legit');

    const windows = data.overTime.windows;
    const labels = windows.map((w) => w.start.replace('T', ' ').replace(/:00(\.000)?Z$/, 'Z'));
    const minutes = data.overTime.windowMs / 60000;
    const overTime = panel('Alert share and recall over event time', 'windows of ' + minutes + ' min', true);
    chart(overTime, {
      type: 'line',
      data: { labels, datasets: [
        { label: 'alert share', data: windows.map((w) => w.alertShare), borderColor: PALETTE[4], backgroundColor: PALETTE[4], spanGaps: true },
        { label: 'recall', data: windows.map((w) => w.recall), borderColor: PALETTE[1], backgroundColor: PALETTE[1], spanGaps: true },
      ] },
      options: { scales: { y: { min: 0, max: 1 } } },
    });

    const tactics = windows.length === 0 ? [] : Object.keys(windows[0].byFraudType);
    const perTactic = panel('Recall per fraud type over event time', 'share of each type\u2019s orders caught per window', true);
    chart(perTactic, {
      type: 'line',
      data: { labels, datasets: tactics.map((t, i) => ({
        label: t, data: windows.map((w) => w.byFraudType[t].recall),
        borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], spanGaps: true,
      })) },
      options: { scales: { y: { min: 0, max: 1 } } },
    });
  }

  // ---- recommendation backtest ----------------------------------------------------------------

  const LISTS = [['job', 'job'], ['popularity', 'popularity baseline'], ['coView', 'co-view baseline']];
  const TARGETS = [
    ['purchase', 'Next purchase', 'products of the shopper\u2019s next placed order within the horizon'],
    ['newPurchase', 'Next purchase, new to the session', 'the same, without products viewed earlier in the session'],
    ['anyNext', 'Any next view or purchase', 'within the horizon'],
  ];

  function reco() {
    const s = data.summary;
    const run = panel('Run');
    kv(run, [
      ['recommendations', fmt(s.recommendations)],
      ['with an explored last slot', fmt(s.explored)],
      ['K', fmt(s.k)],
      ['horizon', s.horizonMs / 60000 + ' min'],
      ['popularity window', s.popularityWindowMs / 60000 + ' min'],
      ['co-view lists completed by popularity', fmt(s.coViewShort)],
      ['dead letters', fmt(data.deadLetters)],
    ], 'run');
    models(run, data.models);

    TARGETS.forEach(([key, title, note]) => {
      const t = s[key];
      const p = panel(title, t.judged + ' judged; ' + note);
      table(p, ['', 'hit@' + s.k, 'NDCG@' + s.k, 'MRR@' + s.k],
        LISTS.map(([k, name]) => [name, fmt(t[k].hitRate), fmt(t[k].ndcg), fmt(t[k].mrr)]));
      chart(p, {
        type: 'bar',
        data: { labels: ['hit@' + s.k, 'NDCG@' + s.k, 'MRR@' + s.k], datasets: LISTS.map(([k, name], i) => ({
          label: name, data: [t[k].hitRate, t[k].ndcg, t[k].mrr], backgroundColor: PALETTE[i],
        })) },
        options: { scales: { y: { min: 0 } } },
      });
    });

    const c = data.clickThrough;
    const ctr = panel('Offline CTR against the baselines', c.definition, true);
    table(ctr, ['', 'impressions', 'relevant', 'CTR'], LISTS.map(([k, name]) => [name, c[k].impressions, c[k].relevant, fmt(c[k].rate)]));
    chart(ctr, {
      type: 'line',
      data: {
        labels: c.job.byPosition.map((_, i) => 'slot ' + (i + 1)),
        datasets: LISTS.map(([k, name], i) => ({
          label: name + ' (' + fmt(c[k].rate) + ' overall)', data: c[k].byPosition.map((p) => p.rate),
          borderColor: PALETTE[i], backgroundColor: PALETTE[i], spanGaps: true,
        })),
      },
      options: { scales: { y: { min: 0, title: { display: true, text: 'CTR per slot' } } } },
    });
  }

  // ---- training -------------------------------------------------------------------------------

  function training() {
    const m = data.model;
    const s = data.summary;
    const run = panel('Model');
    kv(run, [
      ['file', m.file + ' (version ' + m.version + ')'],
      ['examples\u2019 event time', m.windowStart + ' to ' + m.windowEnd],
      ['use case', m.useCase],
      ['algorithm', m.algorithm + ', ' + m.epochs + ' epochs, seed ' + m.seed],
      ['feature set', m.featureSet + ' v' + m.featureSetVersion],
      ['input features', m.features.join(', ')],
      ['examples', m.examples],
    ], 'run');
    const summary = panel('Held-out quality', 'as the terminal prints it');
    kv(summary, [
      ['training examples', fmt(s.trainExamples)],
      ['held-out examples', fmt(s.heldOutExamples) + ' (' + s.heldOutPositives + ' positive)'],
      ['ROC-AUC', fmt(s.heldOutAuc)],
      ['log loss', fmt(s.heldOutLogLoss)],
      ['Brier score', fmt(s.heldOutBrier)],
    ], 'summary');
    scores(data.scores, 'positive', 'negative');
  }

  ({ 'fraud-backtest': fraud, 'reco-backtest': reco, training })[data.kind]();
  document.body.dataset.rendered = 'true';
})();
