// phiward's access-per-employee page: renders the grants table from the JSON blob written
// by crates/report/src/access_html.rs. Data layout (strings are indices into data.strings):
//   rows: [person, principal, resource, level, reach 0|1 (allowed, conditional), actions,
//          conditions, statement, phi 0|1]
// Only one page of rows is ever in the DOM and filters run over arrays, so that a large
// account stays responsive. Every string from the report goes into the page through
// textContent, never innerHTML.
(function () {
  'use strict';
  var PAGE = 200;
  var REACH = ['allowed', 'conditional'];
  var data = JSON.parse(document.getElementById('phiward-data').textContent);
  var S = data.strings, R = data.rows;
  var haystacks = null;
  var matched = new Int32Array(R.length);
  var matchedCount = 0;
  var page = 0;
  var lastFilterMs = 0;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // One option per distinct string of a column, sorted by text.
  function fill(id, column) {
    var seen = {}, list = [];
    R.forEach(function (r) { if (!seen[r[column]]) { seen[r[column]] = 1; list.push(r[column]); } });
    list.sort(function (a, b) { return S[a] < S[b] ? -1 : S[a] > S[b] ? 1 : 0; });
    list.forEach(function (i) {
      var o = el('option', S[i]);
      o.value = String(i);
      $(id).appendChild(o);
    });
  }
  var COLUMNS = { 'f-person': 0, 'f-resource': 2, 'f-level': 3, 'f-access': 4 };
  fill('f-person', 0); fill('f-resource', 2); fill('f-level', 3);

  function haystack(r) {
    return [S[r[0]], S[r[1]], S[r[2]], S[r[3]], S[r[5]], S[r[6]], S[r[7]]].join('\n').toLowerCase();
  }

  function applyFilters() {
    var started = performance.now();
    var terms = $('q').value.toLowerCase().split(/\s+/).filter(Boolean);
    var want = {};
    Object.keys(COLUMNS).forEach(function (id) {
      var v = $(id).value;
      if (v !== '') want[COLUMNS[id]] = +v;
    });
    var cols = Object.keys(want).map(Number);
    if (terms.length && !haystacks) {
      haystacks = new Array(R.length);
      for (var h = 0; h < R.length; h++) haystacks[h] = haystack(R[h]);
    }
    var n = 0;
    for (var i = 0; i < R.length; i++) {
      var r = R[i], ok = true;
      for (var c = 0; c < cols.length && ok; c++) ok = r[cols[c]] === want[cols[c]];
      for (var t = 0; t < terms.length && ok; t++) ok = haystacks[i].indexOf(terms[t]) >= 0;
      if (ok) matched[n++] = i;
    }
    matchedCount = n;
    page = 0;
    render();
    lastFilterMs = performance.now() - started;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(matchedCount / PAGE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE, end = Math.min(matchedCount, start + PAGE);
    var body = document.createDocumentFragment();
    for (var m = start; m < end; m++) {
      var r = R[matched[m]], tr = el('tr', null, 'grant');
      tr.appendChild(el('td', S[r[0]]));
      tr.appendChild(el('td', S[r[1]]));
      tr.appendChild(el('td', S[r[2]] + (r[8] ? ' (PHI)' : '')));
      tr.appendChild(el('td', S[r[3]]));
      tr.appendChild(el('td', REACH[r[4]], 'reach-' + REACH[r[4]]));
      tr.appendChild(el('td', S[r[5]]));
      tr.appendChild(el('td', S[r[6]], 'mono'));
      tr.appendChild(el('td', S[r[7]], 'mono'));
      body.appendChild(tr);
    }
    var rows = $('rows');
    rows.textContent = '';
    rows.appendChild(body);
    $('page-info').textContent = matchedCount
      ? (start + 1) + '-' + end + ' of ' + matchedCount + ' grants (page ' + (page + 1) + ' of ' + pages + ')'
      : 'no grant matches';
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
  $('q').addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(searchNow, R.length > 20000 ? 150 : 30);
  });
  Object.keys(COLUMNS).forEach(function (id) { $(id).addEventListener('change', applyFilters); });
  $('prev').addEventListener('click', function () { page--; render(); });
  $('next').addEventListener('click', function () { page++; render(); });

  applyFilters();
  var readyMs = performance.now();

  // Self-test, run when the page is opened with #selftest=TERM (the end-to-end test does
  // so in headless Chromium): checks the summary against the data, types TERM into the
  // search box, tries each filter on its first choice against an independent count, and
  // writes the results as JSON into #selftest.
  if (location.hash.indexOf('#selftest') !== 0) return;
  var out = { ready_ms: Math.round(readyMs), rows: R.length };
  var counts = { total: R.length }, people = {};
  R.forEach(function (r) {
    counts['level-' + S[r[3]]] = (counts['level-' + S[r[3]]] || 0) + 1;
    counts['reach-' + REACH[r[4]]] = (counts['reach-' + REACH[r[4]]] || 0) + 1;
    people[r[0]] = 1;
  });
  counts.people = Object.keys(people).length;
  var mismatches = [];
  var cells = document.querySelectorAll('[data-count]');
  for (var k = 0; k < cells.length; k++) {
    var key = cells[k].getAttribute('data-count');
    if (+cells[k].textContent !== (counts[key] || 0)) mismatches.push(key + ': shown ' + cells[k].textContent + ', data ' + (counts[key] || 0));
  }
  out.summary_cells = cells.length;
  out.summary_mismatches = mismatches;
  out.rows_before = $('rows').querySelectorAll('tr.grant').length;
  out.matched_before = +$('page-info').getAttribute('data-matched');
  out.injected = document.querySelectorAll('main img, main script, main iframe').length;
  var term = decodeURIComponent(location.hash.slice('#selftest='.length));
  out.term = term;
  var lower = term.toLowerCase(), expected = 0;
  R.forEach(function (r) {
    var text = [S[r[0]], S[r[1]], S[r[2]], S[r[3]], S[r[5]], S[r[6]], S[r[7]]].join('\n');
    if (text.toLowerCase().indexOf(lower) >= 0) expected++;
  });
  out.expected_after = expected;
  var q = $('q');
  q.value = term;
  q.dispatchEvent(new Event('input', { bubbles: true }));
  // Runs synchronously, before the load event that ends `chromium --dump-dom`: the
  // pending debounced search is run now rather than after its pause.
  searchNow();
  out.matched_after = +$('page-info').getAttribute('data-matched');
  out.rows_after = $('rows').querySelectorAll('tr.grant').length;
  out.first_row = out.rows_after ? $('rows').querySelector('tr.grant').textContent : '';
  out.search_ms = Math.round(lastFilterMs);
  q.value = '';
  out.filters = {};
  Object.keys(COLUMNS).forEach(function (id) {
    var select = $(id);
    select.selectedIndex = 1;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    var v = +select.value, want = 0;
    R.forEach(function (r) { if (r[COLUMNS[id]] === v) want++; });
    out.filters[id] = [+$('page-info').getAttribute('data-matched'), want, select.options[1] ? select.options[1].textContent : ''];
    select.value = '';
  });
  applyFilters();
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
