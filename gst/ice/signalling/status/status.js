// gst-ice signalling server status page: reads status.json every second
// and shows it.  Everything is written with textContent: peer ids come
// from clients.  With a server token, the address holds it after '#'
// (http://HOST:PORT/#token=TOKEN), which the browser never sends; it goes
// to the server as an Authorization header only.
"use strict";

const token = new URLSearchParams(location.hash.slice(1)).get("token");

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className)
    td.className = className;
  return td;
}

function row(cells) {
  const tr = document.createElement("tr");
  tr.append(...cells);
  return tr;
}

function duration(seconds) {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? h + " h " : "") + (h || m ? m + " min " : "") + (s % 60) + " s";
}

function bitrate(bits) {
  if (bits === undefined)
    return "–";
  if (bits >= 1e6)
    return (bits / 1e6).toFixed(2) + " Mbit/s";
  if (bits >= 1e3)
    return (bits / 1e3).toFixed(1) + " kbit/s";
  return Math.round(bits) + " bit/s";
}

function pair(report) {
  if (!report || !report.localCandidateType)
    return "–";
  return report.localCandidateType + " ↔ " + report.remoteCandidateType +
      " (" + report.transport + ")";
}

function showError(text) {
  const p = document.getElementById("error");
  p.textContent = text;
  p.hidden = !text;
}

function show(status) {
  document.getElementById("uptime").textContent = duration(status.uptime);
  document.getElementById("counts").textContent =
      status.peers.length + " peer(s), " + status.sessions.length +
      " session(s)";
  document.getElementById("peers").replaceChildren(...status.peers.map(
      (p) => row([cell(p.peerId), cell(p.role), cell(p.address || ""),
          cell(p.connection ? p.connection :
              duration(p.connectedFor), "number")])));
  document.getElementById("sessions").replaceChildren(...status.sessions.map(
      (s) => {
        const producer = s.producerReport || {};
        const consumer = s.consumerReport || {};
        return row([cell(s.producer), cell(s.consumer),
            cell(producer.state || consumer.state || "–"),
            cell(pair(s.producerReport)), cell(pair(s.consumerReport)),
            cell(bitrate(producer.bitrateSent), "number"),
            cell(bitrate(consumer.bitrateReceived), "number"),
            cell(duration(s.age), "number")]);
      }));
  document.getElementById("updated").textContent =
      new Date().toLocaleTimeString();
}

async function refresh() {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  let response;

  try {
    response = await fetch("status.json", { headers, cache: "no-store" });
  } catch (e) {
    showError("the server does not answer (" + e.message + ")");
    return;
  }
  if (response.status === 401) {
    showError("this server asks for its token: open " + location.origin +
        "/#token=TOKEN");
    return;
  }
  if (!response.ok) {
    showError("the server answered " + response.status);
    return;
  }
  showError("");
  show(await response.json());
}

refresh();
setInterval(refresh, 1000);
