// Shared helpers of the class pages: JSON calls, safe element building, the scale's words.
"use strict";
const SCALE_WORDS = "0 = the worst package for you, 100 = your ideal on every issue";

async function api(path, body, headers) {
  const opts = body === undefined ? {headers: headers || {}} :
    {method: "POST", headers: Object.assign({"Content-Type": "application/json"}, headers || {}),
     body: JSON.stringify(body)};
  const r = await fetch(path, opts);
  if (r.status === 204) return null;
  let data = null;
  try { data = await r.json(); } catch (e) { data = {error: "the server answered " + r.status}; }
  if (!r.ok) throw new Error(data.error || ("the server answered " + r.status));
  return data;
}

// el("p", {class: "x"}, "text", child, ...): text children are set as text, never as HTML.
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) {
    if (k === null || k === undefined || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function fill(id, ...kids) {
  const e = document.getElementById(id);
  e.replaceChildren(...kids.flat().filter(k => k !== null && k !== undefined && k !== false));
  return e;
}

function clockText(secs) {
  if (secs === null || secs === undefined) return "no clock";
  const s = Math.max(0, Math.round(secs));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function termsTable(rows, cls) {
  return el("table", {class: cls || ""}, rows.map(r => el("tr", {}, el("td", {}, r.issue), el("td", {}, r.value))));
}

function transcriptNodes(lines) {
  if (!lines.length) return [el("p", {class: "muted"}, "Nothing has happened yet.")];
  return lines.map(ln => el("p", {class: ln.startsWith("    ") ? "sub" : ""}, ln.trim()));
}
