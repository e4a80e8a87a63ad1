// The p2pkit console: polls /webui/api/state and draws each view from it. No framework, no build.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const POLL_MS = 2000;
let state = null;

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function fill(id, children) {
  const parent = document.getElementById(id);
  parent.replaceChildren(...children);
}

function short(id) {
  return id.length > 16 ? id.slice(0, 6) + '…' + id.slice(-6) : id;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function showView() {
  const name = (location.hash || '#node').slice(1);
  for (const section of document.querySelectorAll('.view')) {
    section.classList.toggle('active', section.id === 'view-' + name);
  }
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.view === name);
  }
  if (state) render();
}

function renderNode(s) {
  document.getElementById('peer-id').textContent = s.node.id;
  const facts = [['Peer ID', s.node.id], ['Agent', s.node.agent], ['Connected peers', String(s.peers.length)]];
  if (s.dht) facts.push(['DHT', s.dht.mode + ', ' + s.dht.size + ' peers in the routing table (' + s.dht.protocol + ')']);
  if (s.node.api) facts.push(['RPC API', s.node.api]);
  if (s.node.gateway) facts.push(['Gateway', s.node.gateway]);
  const items = [];
  for (const [k, v] of facts) { items.push(el('dt', {}, k), el('dd', { class: 'mono' }, v)); }
  fill('node-facts', items);
  fill('node-addresses', s.node.addresses.map(a => el('li', {}, a)));
  fill('node-protocols', s.node.protocols.map(p => el('li', {}, p)));
}

function renderPeers(s) {
  document.getElementById('peer-count').textContent = '(' + s.peers.length + ')';
  fill('peer-rows', s.peers.map(p => {
    const row = el('tr', { 'data-peer': p.id });
    row.append(el('td', { class: 'mono', title: p.id }, short(p.id)), el('td', {}, p.agent || '—'),
      el('td', {}, p.latencyMs === undefined ? '—' : p.latencyMs.toFixed(1) + ' ms'), el('td', {}, p.transport),
      el('td', {}, p.security), el('td', {}, p.muxer), el('td', {}, p.direction), el('td', { class: 'mono' }, p.address));
    return row;
  }));
}

const BUCKET_COLORS = ['#e8590c', '#5f3dc4', '#2b8a3e', '#c2255c', '#1098ad', '#f08c00', '#364fc7', '#087f5b'];

function renderGraph(s) {
  const g = document.getElementById('graph');
  const bucketOf = new Map();
  const buckets = s.dht ? s.dht.buckets : [];
  for (const b of buckets) for (const id of b.peers) bucketOf.set(id, b.bucket);
  const nodes = new Map();
  const edges = [];
  nodes.set(s.node.id, { x: 0, y: 0, kind: 'self' });
  s.peers.forEach((p, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, s.peers.length) - Math.PI / 2;
    nodes.set(p.id, { x: 130 * Math.cos(angle), y: 130 * Math.sin(angle), kind: 'peer', label: p.agent });
    edges.push([s.node.id, p.id, 'conn']);
  });
  // Routing-table peers this node is not connected to: outside, one arc per bucket.
  const outside = buckets.map(b => ({ bucket: b.bucket, peers: b.peers.filter(id => !nodes.has(id)) }))
    .filter(b => b.peers.length > 0);
  outside.forEach((b, bi) => {
    const start = (2 * Math.PI * bi) / outside.length - Math.PI / 2;
    const span = (2 * Math.PI) / outside.length;
    b.peers.forEach((id, i) => {
      const angle = start + (span * (i + 0.5)) / b.peers.length;
      const radius = 215 + 30 * (i % 2);
      nodes.set(id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle), kind: 'bucket' });
      edges.push([s.node.id, id, 'bucket']);
    });
  });
  const children = [];
  for (const [a, b, kind] of edges) {
    const p = nodes.get(a); const q = nodes.get(b);
    children.push(svg('line', { x1: p.x, y1: p.y, x2: q.x, y2: q.y, stroke: kind === 'conn' ? '#0b7285' : '#adb5bd',
      'stroke-width': kind === 'conn' ? 2 : 1, 'stroke-dasharray': kind === 'conn' ? '' : '4 3' }));
  }
  for (const [id, n] of nodes) {
    const bucket = bucketOf.get(id);
    const color = n.kind === 'self' ? '#0b7285' : n.kind === 'peer' ? '#1971c2' : '#adb5bd';
    const dot = svg('circle', { cx: n.x, cy: n.y, r: n.kind === 'self' ? 14 : 8, fill: color, 'data-peer': id,
      stroke: bucket === undefined ? 'none' : BUCKET_COLORS[bucket % BUCKET_COLORS.length], 'stroke-width': 3 });
    dot.append(svg('title', {}, id + (n.label ? ' (' + n.label + ')' : '') + (bucket !== undefined ? ', bucket ' + bucket : '')));
    children.push(dot);
    const label = n.kind === 'self' ? 'this node' : short(id) + (bucket !== undefined ? ' · bucket ' + bucket : '');
    children.push(svg('text', { x: n.x + 12, y: n.y - 10, 'font-size': 11, fill: '#495057' }, label));
  }
  g.replaceChildren(...children);
  const entries = buckets.reduce((n, b) => n + b.peers.length, 0);
  document.getElementById('graph-legend').textContent = s.peers.length + ' connections, ' + entries +
    ' routing-table entries in ' + buckets.length + ' buckets (ring colour: bucket; grey: known from the DHT, not connected)';
}

function renderBandwidth(s) {
  const points = s.bandwidth;
  const chart = document.getElementById('bw-chart');
  const last = points[points.length - 1] || [0, 0, 0, 0, 0];
  document.getElementById('bw-now').textContent = 'Now: ' + bytes(last[3]) + '/s in, ' + bytes(last[4]) + '/s out. Total: ' +
    bytes(last[1]) + ' in, ' + bytes(last[2]) + ' out.';
  const max = Math.max(1024, ...points.map(p => Math.max(p[3], p[4])));
  const x = i => 50 + (740 * i) / Math.max(1, 299);
  const y = v => 270 - (250 * v) / max;
  const offset = 300 - points.length;
  const line = (col, color) => svg('polyline', { fill: 'none', stroke: color, 'stroke-width': 2,
    points: points.map((p, i) => x(i + offset).toFixed(1) + ',' + y(p[col]).toFixed(1)).join(' ') });
  chart.replaceChildren(
    svg('line', { x1: 50, y1: 270, x2: 790, y2: 270, stroke: '#ced4da' }),
    svg('line', { x1: 50, y1: 20, x2: 50, y2: 270, stroke: '#ced4da' }),
    svg('text', { x: 4, y: 24, 'font-size': 11, fill: '#667085' }, bytes(max) + '/s'),
    svg('text', { x: 4, y: 272, 'font-size': 11, fill: '#667085' }, '0'),
    svg('text', { x: 50, y: 292, 'font-size': 11, fill: '#667085' }, '-5 min'),
    svg('text', { x: 760, y: 292, 'font-size': 11, fill: '#667085' }, 'now'),
    line(3, '#2b8a3e'), line(4, '#c2255c'));
}

function renderBlocks(s) {
  const b = s.blockstore;
  document.getElementById('blocks-none').hidden = !!b;
  document.getElementById('blocks-tiers').hidden = !b;
  if (!b) { fill('tier-rows', []); fill('pins', []); return; }
  fill('tier-rows', [
    ['memory', b.memory.blocks, b.memory.bytes, b.reads.memory],
    ['disk', b.disk.blocks, b.disk.bytes, b.reads.disk],
    ['network', '—', '—', b.reads.network]].map(([tier, blocks, size, reads]) => {
    const row = el('tr');
    row.append(el('td', {}, tier), el('td', {}, String(blocks)), el('td', {}, typeof size === 'number' ? bytes(size) : size),
      el('td', {}, String(reads)));
    return row;
  }));
  const pins = b.pins || { recursive: 0, direct: 0 };
  document.getElementById('pin-count').textContent = '(' + pins.recursive + ' recursive, ' + pins.direct + ' direct)';
  fill('pins', (b.pinned || []).map(c => el('li', {}, c)));
}

function renderPubsub(s) {
  const topics = s.pubsub;
  document.getElementById('pubsub-none').hidden = !!topics;
  document.getElementById('pubsub-table').hidden = !topics;
  fill('topic-rows', (topics || []).map(t => {
    const row = el('tr', { 'data-topic': t.topic });
    row.append(el('td', { class: 'mono' }, t.topic), el('td', { class: 'mono' }, t.peers.map(short).join(', ') || '—'));
    return row;
  }));
}

function render() {
  renderNode(state);
  renderPeers(state);
  renderGraph(state);
  renderBandwidth(state);
  renderBlocks(state);
  renderPubsub(state);
}

async function poll() {
  try {
    const response = await fetch('api/state', { cache: 'no-store' });
    if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
    state = await response.json();
    render();
    document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.dataset.loaded = 'true';
  } catch (e) {
    document.getElementById('status').textContent = 'cannot reach the node: ' + e.message;
  }
  setTimeout(poll, POLL_MS);
}

window.addEventListener('hashchange', showView);
showView();
poll();
