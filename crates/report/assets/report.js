// phiward's HTML report: renders the findings table from the JSON blob written by
// crates/report/src/html.rs. Data layout (strings are indices into data.strings):
//   checks:   [id, title, severity 0-4 (info..critical), practice, hipaa, remediation]
//   findings: [check, status 0-3 (pass, fail, error, not_evaluated), resource,
//              principal or -1, message, [source, statement|-1, line|-1, detail, ...],
//              [reason, owner, expires] or -1]
// Only one page of rows is ever in the DOM, and filters run over arrays, so that a report
// of 100,000 findings stays responsive. Every string from the report goes into the page
// through textContent, never innerHTML.
(function () {
  'use strict';
  var PAGE = 200;
  var STATUS = ['pass', 'fail', 'error', 'not_evaluated'];
  var SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
  var data = JSON.parse(document.getElementById('phiward-data').textContent);
  var S = data.strings, C = data.checks, F = data.findings;
  var haystacks = null; // lowercase search text per finding, built on the first search
  var matched = new Int32Array(F.length);
  var matchedCount = 0;
  var page = 0;
  var open = -1; // the finding whose evidence is shown
  var lastFilterMs = 0; // how long the last filtering and rendering took (self-test)
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function option(select, value, label) {
    var o = el('option', label);
    o.value = String(value);
    select.appendChild(o);
  }

  data.practices.forEach(function (name, i) { option($('f-practice'), i + 1, name); });
  C.map(function (c, i) { return [c[0], i]; })
    .sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
    .forEach(function (c) { option($('f-check'), c[1], c[0] + ' ' + C[c[1]][1]); });

  function haystack(i) {
    var f = F[i], c = C[f[0]];
    var parts = [c[0], c[1], S[f[2]], f[3] >= 0 ? S[f[3]] : '', S[f[4]]];
    var ev = f[5];
    for (var k = 0; k < ev.length; k += 4) parts.push(S[ev[k]], S[ev[k + 3]]);
    return parts.join('\n').toLowerCase();
  }

  // Applies every filter; search terms separated by spaces must all match.
  function applyFilters() {
    var started = performance.now();
    var terms = $('q').value.toLowerCase().split(/\s+/).filter(Boolean);
    var st = $('f-status').value, sv = $('f-severity').value;
    var pr = $('f-practice').value, ck = $('f-check').value;
    st = st === '' ? -1 : +st; sv = sv === '' ? -1 : +sv;
    pr = pr === '' ? -1 : +pr; ck = ck === '' ? -1 : +ck;
    if (terms.length && !haystacks) {
      haystacks = new Array(F.length);
      for (var h = 0; h < F.length; h++) haystacks[h] = haystack(h);
    }
    var n = 0;
    for (var i = 0; i < F.length; i++) {
      var f = F[i], c = C[f[0]];
      if (st >= 0 && f[1] !== st) continue;
      if (ck >= 0 && f[0] !== ck) continue;
      if (sv >= 0 && c[2] !== sv) continue;
      if (pr >= 0 && c[3] !== pr) continue;
      var ok = true;
      for (var t = 0; t < terms.length && ok; t++) ok = haystacks[i].indexOf(terms[t]) >= 0;
      if (ok) matched[n++] = i;
    }
    matchedCount = n;
    page = 0;
    open = -1;
    render();
    lastFilterMs = performance.now() - started;
  }

  function detailRow(i) {
    var f = F[i], c = C[f[0]];
    var tr = el('tr', null, 'detail'), td = el('td');
    td.colSpan = 7;
    td.appendChild(el('div', c[0] + ' ' + c[1]));
    td.appendChild(el('div', 'HIPAA: ' + c[4]));
    var ev = f[5];
    if (ev.length) {
      var t = el('table', null, 'evidence');
      var head = el('tr');
      ['source', 'statement', 'line', 'detail'].forEach(function (h) { head.appendChild(el('th', h)); });
      t.appendChild(head);
      for (var k = 0; k < ev.length; k += 4) {
        var r = el('tr');
        r.appendChild(el('td', S[ev[k]]));
        r.appendChild(el('td', ev[k + 1] >= 0 ? ev[k + 1] : ''));
        r.appendChild(el('td', ev[k + 2] >= 0 ? ev[k + 2] : ''));
        r.appendChild(el('td', S[ev[k + 3]]));
        t.appendChild(r);
      }
      td.appendChild(t);
    } else {
      td.appendChild(el('div', 'No evidence recorded.'));
    }
    if (f[1] !== 0) td.appendChild(el('div', 'Fix: ' + c[5]));
    if (f[6] !== -1) {
      td.appendChild(el('div', 'Suppressed: ' + S[f[6][0]] + ' (' + S[f[6][1]] + ', until ' + S[f[6][2]] + ')', 'suppressed'));
    }
    tr.appendChild(td);
    return tr;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(matchedCount / PAGE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE, end = Math.min(matchedCount, start + PAGE);
    var body = document.createDocumentFragment();
    for (var m = start; m < end; m++) {
      var i = matched[m], f = F[i], c = C[f[0]];
      var tr = el('tr', null, 'finding' + (i === open ? ' open' : ''));
      tr.setAttribute('data-i', i);
      tr.tabIndex = 0; // reachable with the keyboard; Enter opens it
      var status = STATUS[f[1]] + (f[6] !== -1 ? ' (suppressed)' : '');
      tr.appendChild(el('td', status, 'st-' + STATUS[f[1]]));
      tr.appendChild(el('td', SEVERITY[c[2]]));
      tr.appendChild(el('td', c[0]));
      tr.appendChild(el('td', c[3]));
      tr.appendChild(el('td', S[f[2]]));
      tr.appendChild(el('td', f[3] >= 0 ? S[f[3]] : ''));
      tr.appendChild(el('td', S[f[4]]));
      body.appendChild(tr);
      if (i === open) body.appendChild(detailRow(i));
    }
    var rows = $('rows');
    rows.textContent = '';
    rows.appendChild(body);
    $('page-info').textContent = matchedCount
      ? (start + 1) + '-' + end + ' of ' + matchedCount + ' findings (page ' + (page + 1) + ' of ' + pages + ')'
      : 'no finding matches';
    $('page-info').setAttribute('data-matched', matchedCount);
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
  }

  var timer = null;
  function searchNow() {
    clearTimeout(timer);
    timer = null;
    applyFilters();
  }
  // Typing re-filters after a short pause, not on every key, for large reports.
  $('q').addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(searchNow, F.length > 20000 ? 150 : 30);
  });
  ['f-status', 'f-severity', 'f-practice', 'f-check'].forEach(function (id) {
    $(id).addEventListener('change', applyFilters);
  });
  $('prev').addEventListener('click', function () { page--; render(); });
  $('next').addEventListener('click', function () { page++; render(); });
  function toggle(e) {
    var tr = e.target.closest('tr.finding');
    if (!tr) return;
    var i = +tr.getAttribute('data-i');
    open = open === i ? -1 : i;
    render();
    var again = $('rows').querySelector('tr[data-i="' + i + '"]');
    if (again && e.type === 'keydown') again.focus();
  }
  $('rows').addEventListener('click', toggle);
  $('rows').addEventListener('keydown', function (e) {
    if (e.key === 'Enter') toggle(e);
  });

  applyFilters();
  var readyMs = performance.now();

  // Self-test, run when the page is opened with #selftest (the end-to-end test does so in
  // headless Chromium): checks the summary against the data, types into the search box,
  // filters by status, opens a finding, and writes the results as JSON into #selftest.
  if (location.hash.indexOf('#selftest') !== 0) return;
  var out = { ready_ms: Math.round(readyMs), findings: F.length };
  var counts = {}, suppressed = 0;
  function add(k) { counts[k] = (counts[k] || 0) + 1; }
  F.forEach(function (f) {
    var c = C[f[0]], st = STATUS[f[1]];
    add('total'); add('status-' + st); add('p' + c[3] + '-' + st);
    if (f[1] === 1) {
      add('sev-' + SEVERITY[c[2]]); add('p' + c[3] + '-sev-' + SEVERITY[c[2]]);
      if (f[6] !== -1) suppressed++;
    }
  });
  counts.suppressed = suppressed;
  var mismatches = [];
  var cells = document.querySelectorAll('[data-count]');
  for (var k = 0; k < cells.length; k++) {
    var key = cells[k].getAttribute('data-count');
    if (+cells[k].textContent !== (counts[key] || 0)) mismatches.push(key + ': shown ' + cells[k].textContent + ', data ' + (counts[key] || 0));
  }
  out.summary_cells = cells.length;
  out.summary_mismatches = mismatches;
  out.rows_before = $('rows').querySelectorAll('tr.finding').length;
  // Markup from the data would show up as elements (the large test's first page holds
  // names made of script and img tags).
  out.injected = document.querySelectorAll('main img, main script, main iframe').length;
  out.matched_before = +$('page-info').getAttribute('data-matched');
  var term = decodeURIComponent(location.hash.slice('#selftest='.length)) || (F.length ? C[F[0][0]][0] : 'none');
  out.term = term;
  // Independent count of what the search should match: the plain fields, lowercase.
  var lower = term.toLowerCase(), expected = 0;
  F.forEach(function (f) {
    var c = C[f[0]], text = [c[0], c[1], S[f[2]], f[3] >= 0 ? S[f[3]] : '', S[f[4]]];
    for (var e = 0; e < f[5].length; e += 4) text.push(S[f[5][e]], S[f[5][e + 3]]);
    if (text.join('\n').toLowerCase().indexOf(lower) >= 0) expected++;
  });
  out.expected_after = expected;
  var q = $('q');
  q.focus();
  q.value = term;
  q.dispatchEvent(new Event('input', { bubbles: true }));
  // Runs synchronously, before the load event that ends `chromium --dump-dom`, and
  // without virtual time (which would stop performance.now): the pending debounced
  // search is run now rather than after its pause.
  out.search_pending = timer !== null;
  searchNow();
  out.matched_after = +$('page-info').getAttribute('data-matched');
  out.rows_after = $('rows').querySelectorAll('tr.finding').length;
  out.search_ms = Math.round(lastFilterMs);
  q.value = '';
  var status = $('f-status');
  status.value = '1';
  status.dispatchEvent(new Event('change', { bubbles: true }));
  out.matched_fail = +$('page-info').getAttribute('data-matched');
  out.expected_fail = counts['status-fail'] || 0;
  out.status_filter_ms = Math.round(lastFilterMs);
  // Each other filter alone, on its first choice, against an independent count.
  status.value = '';
  var columns = { 'f-severity': function (f, v) { return C[f[0]][2] === v; },
    'f-practice': function (f, v) { return C[f[0]][3] === v; },
    'f-check': function (f, v) { return f[0] === v; } };
  out.filters = {};
  Object.keys(columns).forEach(function (id) {
    var select = $(id);
    select.selectedIndex = 1;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    var v = +select.value, want = 0;
    F.forEach(function (f) { if (columns[id](f, v)) want++; });
    out.filters[id] = [+$('page-info').getAttribute('data-matched'), want];
    select.value = '';
  });
  status.value = '1';
  status.dispatchEvent(new Event('change', { bubbles: true }));
  var first = $('rows').querySelector('tr.finding');
  if (first) {
    first.querySelector('td').click();
    var detail = $('rows').querySelector('tr.detail');
    out.detail_evidence_rows = detail ? detail.querySelectorAll('.evidence tr').length - 1 : -1;
  }
  out.scripts = document.scripts.length;
  out.pwned = !!window.__pwned;
  out.errors = window.__phiwardErrors;
  var pre = $('selftest');
  // No <, > or & in the output, so that the dumped DOM holds it verbatim.
  pre.textContent = JSON.stringify(out).replace(/[<>&]/g, function (ch) {
    return '\\u' + ('000' + ch.charCodeAt(0).toString(16)).slice(-4);
  });
  pre.hidden = false;
  pre.setAttribute('data-done', '1');
})();
