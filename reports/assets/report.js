(function () {
'use strict';
var V = ['PASS', 'FAIL', 'WARN', 'SKIP', 'ERROR'];
var D = JSON.parse(document.getElementById('ik-data').textContent);
var cases = D.cases;
var byId = {};
cases.forEach(function (c) { byId[c.id] = c; });
function $(id) { return document.getElementById(id); }
function el(tag, cls, text) {
	var e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined && text !== null) e.textContent = String(text);
	return e;
}
function tally(list) {
	var t = {total: list.length};
	V.forEach(function (v) { t[v] = 0; });
	list.forEach(function (c) { t[c.verdict] = (t[c.verdict] || 0) + 1; });
	return t;
}
function groups(key) {
	var g = {};
	cases.forEach(function (c) { var k = c[key] || '-'; (g[k] = g[k] || []).push(c); });
	return g;
}
var LEVELS = ['MUST', 'SHOULD', 'MAY', 'ADVISORY'];
function levelSort(a, b) {
	var x = LEVELS.indexOf(a), y = LEVELS.indexOf(b);
	x = x < 0 ? 99 : x; y = y < 0 ? 99 : y;
	return x !== y ? x - y : (a < b ? -1 : a > b ? 1 : 0);
}

/* Counts: computed here from the cases, and checked against the counts the writer stored. */
function renderCounts() {
	var t = tally(cases), box = $('counts');
	var all = el('div', 'count'); all.id = 'count-box-total';
	var b = el('b', '', t.total); b.id = 'count-total';
	all.appendChild(b); all.appendChild(el('span', '', 'cases'));
	all.onclick = function () { setFilter('verdict', ''); };
	box.appendChild(all);
	V.forEach(function (v) {
		var d = el('div', 'count v-' + v);
		var n = el('b', '', t[v]); n.id = 'count-' + v;
		d.appendChild(n); d.appendChild(el('span', '', v));
		d.onclick = function () { setFilter('verdict', v); };
		box.appendChild(d);
	});
	var bad = V.some(function (v) { return D.counts[v] !== t[v]; }) || D.counts.total !== t.total;
	if (bad) $('mismatch').hidden = false;
}
function renderGroupTable(tableId, key, sorter, filterKey) {
	var g = groups(key), names = Object.keys(g).sort(sorter), tb = $(tableId);
	var hr = el('tr');
	hr.appendChild(el('th', '', key === 'area' ? 'area' : 'level'));
	hr.appendChild(el('th', '', 'total'));
	V.forEach(function (v) { hr.appendChild(el('th', 'v-' + v, v)); });
	tb.appendChild(hr);
	names.forEach(function (name) {
		var t = tally(g[name]), tr = el('tr');
		var a = el('td'), link = el('a', '', name);
		link.href = '#'; link.onclick = function (e) { e.preventDefault(); setFilter(filterKey, name); };
		a.appendChild(link); tr.appendChild(a);
		var tot = el('td', 'n', t.total); tot.id = 'count-' + key + '-' + name + '-total';
		tr.appendChild(tot);
		V.forEach(function (v) {
			var td = el('td', 'n' + (t[v] ? ' v-' + v : ' zero'), t[v]);
			td.id = 'count-' + key + '-' + name + '-' + v;
			tr.appendChild(td);
		});
		tb.appendChild(tr);
	});
}

/* Filters: verdict, level, area, free text; mirrored in the URL fragment. */
var F = {verdict: '', level: '', area: '', q: '', expand: ''};
function fillSelect(id, values) {
	var s = $(id);
	s.appendChild(el('option', '', '(all)')).value = '';
	values.forEach(function (v) { s.appendChild(el('option', '', v)).value = v; });
}
function readHash() {
	location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
		var i = kv.indexOf('=');
		if (i < 0) return;
		var k = kv.slice(0, i), v;
		try { v = decodeURIComponent(kv.slice(i + 1)); } catch (e) { return; }
		if (F.hasOwnProperty(k)) F[k] = v;
	});
}
function writeHash() {
	var parts = [];
	Object.keys(F).forEach(function (k) { if (F[k]) parts.push(k + '=' + encodeURIComponent(F[k])); });
	var h = parts.length ? '#' + parts.join('&') : '';
	if (location.hash !== h) history.replaceState(null, '', h || location.pathname);
}
function setFilter(k, v) {
	F[k] = v;
	$('f-' + k).value = v;
	applyFilters();
}
function matches(c) {
	if (F.verdict && c.verdict !== F.verdict) return false;
	if (F.level && (c.level || '-') !== F.level) return false;
	if (F.area && (c.area || '-') !== F.area) return false;
	if (F.q) {
		var q = F.q.toLowerCase();
		var hay = [c.id, c.title, c.reason, c.ref, c.req, c.mutation, c.notify, c.where].join(' ').toLowerCase();
		if (hay.indexOf(q) < 0) return false;
	}
	return true;
}
function applyFilters() {
	var shown = 0;
	cases.forEach(function (c) {
		var ok = matches(c);
		c._row.hidden = !ok;
		if (c._detail) c._detail.hidden = !ok || !c._open;
		if (ok) shown++;
	});
	$('shown').textContent = shown + ' of ' + cases.length + ' cases shown';
	writeHash();
}

/* A pcap link only for a plain relative path inside the run directory. */
function safeHref(p) {
	return /^[A-Za-z0-9_.\/-]+$/.test(p) && p.indexOf('..') < 0 && p.charAt(0) !== '/' ? p : null;
}
function kv(dl, label, value) {
	if (!value) return;
	dl.appendChild(el('dt', '', label));
	dl.appendChild(el('dd', '', value));
}
function renderLadder(c) {
	var g = el('div', 'ladder');
	g.id = 'ladder-' + c.id;
	g.appendChild(el('div', 'hd', 't (s)'));
	var ends = el('div', 'hd ends');
	ends.appendChild(el('span', '', 'Tester (ikecheck)'));
	ends.appendChild(el('span', '', 'DUT ' + (D.run.dut || '')));
	g.appendChild(ends);
	g.appendChild(el('div', 'hd', 'state after'));
	c.ladder.forEach(function (r) {
		var dir = r.sent ? 'sent' : 'recv';
		g.appendChild(el('div', 't', Number(r.t_s).toFixed(3)));
		g.appendChild(el('div', 'lane'));
		var m = el('div', 'msg rung ' + dir);
		m.appendChild(el('div', 'name', r.msg));
		m.appendChild(el('div', 'arrow' + (r.retransmit ? ' re' : '')));
		if (r.payloads) m.appendChild(el('div', 'pl', r.payloads));
		if (r.notify) m.appendChild(el('span', 'tag notify', 'notify ' + r.notify));
		if (r.retransmit) m.appendChild(el('span', 'tag re', 'retransmit'));
		if (r.note) m.appendChild(el('span', 'tag note', r.note));
		g.appendChild(m);
		g.appendChild(el('div', 'lane dut'));
		g.appendChild(el('div', 'state', r.state));
	});
	return g;
}
function renderDetail(c) {
	var td = el('td');
	td.colSpan = 6;
	var dl = el('dl', 'kv');
	kv(dl, 'reason', c.reason);
	kv(dl, 'expected', c.expected);
	kv(dl, 'observed', c.observed);
	kv(dl, 'where', c.where);
	kv(dl, 'hint', c.hint);
	kv(dl, 'mutation', c.mutation);
	kv(dl, 'notify', c.notify);
	kv(dl, 'ref', c.ref);
	kv(dl, 'requirements', c.req);
	kv(dl, 'time', Number(c.duration_s).toFixed(3) + ' s (at ' + Number(c.started_s).toFixed(3) + ' s)');
	if (c.pcap) {
		dl.appendChild(el('dt', '', 'pcap'));
		var dd = el('dd'), href = safeHref(c.pcap);
		if (href) { var a = el('a', '', c.pcap); a.href = href; a.setAttribute('download', ''); dd.appendChild(a); }
		else dd.textContent = c.pcap + ' (not linked: not a plain relative path)';
		dl.appendChild(dd);
	}
	td.appendChild(dl);
	if (c.ladder && c.ladder.length) {
		td.appendChild(el('h3', '', 'Message ladder'));
		td.appendChild(renderLadder(c));
	} else {
		td.appendChild(el('p', 'muted', 'No messages were exchanged.'));
	}
	if (c.evidence) {
		td.appendChild(el('h3', '', 'Evidence'));
		td.appendChild(el('pre', 'evidence', c.evidence));
	}
	var tr = el('tr', 'detail');
	tr.id = 'detail-' + c.id;
	tr.appendChild(td);
	return tr;
}
function toggle(c, open) {
	c._open = open === undefined ? !c._open : open;
	if (c._open && !c._detail) {
		c._detail = renderDetail(c);
		c._row.parentNode.insertBefore(c._detail, c._row.nextSibling);
	}
	if (c._detail) c._detail.hidden = !c._open || c._row.hidden;
	c._row.setAttribute('aria-expanded', c._open ? 'true' : 'false');
	F.expand = c._open ? c.id : (F.expand === c.id ? '' : F.expand);
	writeHash();
}
function renderCases() {
	var tb = $('case-rows');
	cases.forEach(function (c) {
		var tr = el('tr', 'case');
		tr.id = 'case-' + c.id;
		tr.setAttribute('data-verdict', c.verdict);
		var v = el('td'); v.appendChild(el('span', 'badge v-' + c.verdict, c.verdict)); tr.appendChild(v);
		tr.appendChild(el('td', 'id', c.id));
		tr.appendChild(el('td', '', c.title));
		tr.appendChild(el('td', '', c.area));
		tr.appendChild(el('td', '', c.level));
		tr.appendChild(el('td', '', c.verdict === 'PASS' ? '' : c.reason));
		tr.onclick = function () { toggle(c); };
		c._row = tr;
		tb.appendChild(tr);
	});
}

renderCounts();
renderGroupTable('by-area', 'area', undefined, 'area');
renderGroupTable('by-level', 'level', levelSort, 'level');
fillSelect('f-verdict', V);
fillSelect('f-level', Object.keys(groups('level')).sort(levelSort));
fillSelect('f-area', Object.keys(groups('area')).sort());
renderCases();
readHash();
['verdict', 'level', 'area'].forEach(function (k) {
	var s = $('f-' + k);
	s.value = F[k];
	s.onchange = function () { F[k] = s.value; applyFilters(); };
});
$('f-q').value = F.q;
$('f-q').oninput = function () { F.q = $('f-q').value; applyFilters(); };
applyFilters();
if (F.expand && byId[F.expand]) {
	toggle(byId[F.expand], true);
	byId[F.expand]._row.scrollIntoView({block: 'nearest'});
}
document.body.setAttribute('data-ready', 'yes');
})();
