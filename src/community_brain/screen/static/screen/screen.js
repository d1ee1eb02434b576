/* The big screen: draws /screen/data.json, refreshes it every 30 s, and listens to
   /screen/stream (server-sent events) so that a new alarm or case shows within a second or two
   without a reload. Every number is a link to the list it counts. */
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var L = JSON.parse(document.getElementById("screen-labels").textContent);
  var charts = {};
  var last = null;
  var soundOn = false;
  var audio = null;
  var refreshTimer = null;

  // --- layout: the 1920×1080 stage scaled to the window -------------------------------------
  function fit() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "scale(" + scale + ")";
    stage.style.left = Math.max(0, (window.innerWidth - 1920 * scale) / 2) + "px";
    stage.style.top = Math.max(0, (window.innerHeight - 1080 * scale) / 2) + "px";
  }
  window.addEventListener("resize", function () {
    fit();
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  fit();

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var d = new Date();
    document.getElementById("clock").textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    document.getElementById("date").textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + L.weekdays[d.getDay()];
  }
  setInterval(tick, 1000);
  tick();

  function hhmm(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function pct(v) { return v === null || v === undefined ? "–" : v.toFixed(1) + "%"; }
  function text(el, value) { el.textContent = value; return el; }
  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }
  var axis = { axisLine: { lineStyle: { color: "#1e4d8f" } }, axisLabel: { color: "#9fb8e0", fontSize: 14 }, splitLine: { lineStyle: { color: "rgba(30,77,143,.35)" } } };

  // --- panels ----------------------------------------------------------------------------------
  function kpis(k) {
    stage.querySelectorAll("[data-kpi]").forEach(function (tile) {
      var item = k[tile.dataset.kpi];
      if (!item) return;
      text(tile.querySelector("b"), item.n);
      tile.href = item.url;
      tile.dataset.n = item.n;
    });
  }

  function rates(r) {
    stage.querySelectorAll("[data-rate]").forEach(function (g) {
      text(g.querySelector("b"), pct(r.year[g.dataset.rate]));
    });
    document.getElementById("rates-asof").textContent = r.as_of ? L.as_of + " " + hhmm(r.as_of) : "";
    var names = ["response", "on_time", "resolution", "satisfaction"];
    var colors = ["#3ec6ff", "#35d49a", "#ffb020", "#b37feb"];
    chart("trend").setOption({
      color: colors,
      grid: { left: 44, right: 12, top: 34, bottom: 26 },
      legend: { top: 0, textStyle: { color: "#9fb8e0", fontSize: 14 }, itemWidth: 14 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "–" : v + "%"; } },
      xAxis: Object.assign({ type: "category", data: r.months.map(function (m) { return m.month.slice(2); }) }, axis),
      yAxis: Object.assign({ type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); }, max: 100 }, axis),
      series: names.map(function (n) {
        return { name: L.rates[n], type: "line", smooth: true, symbolSize: 6, connectNulls: true, data: r.months.map(function (m) { return m[n]; }) };
      })
    }, true);
  }

  function categories(rows) {
    var c = chart("categories");
    c.setOption({
      color: ["#3ec6ff", "#35d49a", "#ffb020", "#ff7a45", "#b37feb", "#5b8ff9", "#f6bd16"],
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { orient: "vertical", right: 0, top: "middle", textStyle: { color: "#dbe8ff", fontSize: 15 },
        formatter: function (name) {
          var row = rows.find(function (r) { return r.name === name; });
          return name + "  " + (row ? row.n : "");
        } },
      series: [{ type: "pie", radius: ["42%", "72%"], center: ["32%", "52%"], label: { show: false },
        itemStyle: { borderColor: "#06122a", borderWidth: 2 },
        data: rows.map(function (r) { return { name: r.name, value: r.n, url: r.url }; }) }]
    }, true);
    c.off("click");
    c.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
  }

  function devices(d, rate) {
    document.getElementById("online-rate").textContent = rate === null ? "" : pct(rate);
    var rows = d.by_type.slice().sort(function (a, b) { return a.total - b.total; });
    var c = chart("devices");
    c.setOption({
      grid: { left: 96, right: 56, top: 4, bottom: 4 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", show: false, max: function (v) { return v.max; } },
      yAxis: Object.assign({ type: "category", data: rows.map(function (r) { return r.name; }) }, axis, { axisLabel: { color: "#9fb8e0", fontSize: 14, width: 88, overflow: "truncate" } }),
      series: [
        { name: L.online, type: "bar", stack: "d", barWidth: 12, itemStyle: { color: "#35d49a" },
          data: rows.map(function (r) { return { value: r.online, url: r.url }; }) },
        { name: L.offline, type: "bar", stack: "d", barWidth: 12, itemStyle: { color: "#ff4d5a" },
          label: { show: true, position: "right", color: "#dbe8ff", fontSize: 13,
            formatter: function (p) { return pct(rows[p.dataIndex].rate); } },
          data: rows.map(function (r) { return { value: r.total - r.online, url: r.url }; }) }
      ]
    }, true);
    c.off("click");
    c.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
  }

  function alarmRow(a, fresh) {
    var li = el("li", fresh ? "fresh" : "");
    li.appendChild(el("span", "sev sev-" + a.severity, L.severity[a.severity] || a.severity));
    var what = el("a", "what", (a.compound ? a.compound + " · " : "") + a.device + " · " + (a.label || a.type));
    if (a.url) what.href = a.url;
    li.appendChild(what);
    li.appendChild(el("time", "", hhmm(a.started_at)));
    li.dataset.alarm = a.id;
    return li;
  }

  function ticker(list) {
    var ul = document.getElementById("ticker");
    ul.replaceChildren.apply(ul, list.length ? list.map(function (a) { return alarmRow(a, false); }) : [el("li", "quiet", L.no_alarms)]);
  }

  function duty(list) {
    var ul = document.getElementById("duty");
    if (!list.length) { ul.replaceChildren(el("li", "quiet", L.nobody_on_duty)); return; }
    ul.replaceChildren.apply(ul, list.map(function (p) {
      var li = el("li");
      li.appendChild(el("b", "", p.name));
      li.appendChild(el("span", "", [p.organisation, p.compound].filter(Boolean).join(" · ") + " " + L.until + " " + p.until));
      return li;
    }));
  }

  function map(m, alarms) {
    echarts.registerMap("community", m.geojson);
    var c = chart("map");
    var caseDots = m.cases.map(function (p) {
      return { name: p.code + " " + p.title, value: [p.lng, p.lat], url: p.url, itemStyle: { color: p.overdue ? "#ffb020" : "#3ec6ff" } };
    });
    var alarmDots = alarms.filter(function (a) { return a.lng !== null; }).map(function (a) {
      return { name: a.compound + " " + a.device, value: [a.lng, a.lat], url: a.url };
    });
    c.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType === "map" || p.componentType === "geo") {
          var f = m.geojson.features.find(function (x) { return x.properties.name === p.name; });
          return f ? p.name + "<br>" + L.open_cases + " " + f.properties.open + " · " + L.alarms + " " + f.properties.alarms : p.name;
        }
        return p.name;
      } },
      geo: {
        map: "community", roam: true, layoutCenter: ["50%", "52%"], layoutSize: "95%",
        label: { show: true, color: "#dbe8ff", fontSize: 16 },
        itemStyle: { areaColor: "rgba(30,77,143,.55)", borderColor: "#3ec6ff", borderWidth: 1.5, shadowColor: "rgba(62,198,255,.5)", shadowBlur: 12 },
        emphasis: { itemStyle: { areaColor: "rgba(62,198,255,.45)" }, label: { color: "#fff" } },
        regions: m.geojson.features.map(function (f) {
          var heat = Math.min(1, f.properties.open / 40);
          return { name: f.properties.name, itemStyle: { areaColor: "rgba(" + Math.round(30 + 150 * heat) + ",77," + Math.round(143 - 60 * heat) + ",.6)" } };
        })
      },
      series: [
        { name: "cases", type: "scatter", coordinateSystem: "geo", symbolSize: 7, data: caseDots, zlevel: 1 },
        { name: "alarms", type: "effectScatter", coordinateSystem: "geo", symbolSize: 13,
          rippleEffect: { scale: 4, brushType: "stroke" }, itemStyle: { color: "#ff4d5a" }, data: alarmDots, zlevel: 2 }
      ]
    }, true);
    c.off("click");
    c.on("click", function (p) {
      if (p.data && p.data.url) { window.location.href = p.data.url; return; }
      if (p.componentType === "geo") {
        var f = m.geojson.features.find(function (x) { return x.properties.name === p.name; });
        if (f) window.location.href = f.properties.url;
      }
    });
  }

  function draw(d) {
    last = d;
    document.getElementById("community").textContent = d.community;
    kpis(d.kpis);
    rates(d.rates);
    categories(d.categories);
    devices(d.devices, d.kpis.devices_online_rate);
    ticker(d.alarms);
    duty(d.duty);
    map(d.map, d.alarms);
    stage.dataset.loaded = d.generated_at;
  }

  function refresh() {
    return fetch(stage.dataset.data, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(draw)
      .catch(function () { /* keep the last picture; the next tick tries again */ });
  }
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 800);
  }
  refresh();
  setInterval(refresh, 30000);

  // --- live --------------------------------------------------------------------------------------
  function beep(severity) {
    if (!soundOn) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = severity === "critical" ? 880 : 660;
      g.gain.setValueAtTime(0.25, audio.currentTime);
      g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + 0.6);
    } catch (e) { /* no audio device: the ticker still shows it */ }
  }
  document.getElementById("sound").addEventListener("click", function () {
    soundOn = !soundOn;
    this.setAttribute("aria-pressed", soundOn ? "true" : "false");
    this.textContent = soundOn ? this.dataset.on : this.dataset.off;
    if (soundOn) beep("info");
  });

  function feed(line, cls) {
    var ul = document.getElementById("feed");
    var quiet = ul.querySelector(".quiet");
    if (quiet) quiet.remove();
    var li = el("li", "fresh " + (cls || ""));
    li.appendChild(el("time", "", hhmm(new Date().toISOString())));
    li.appendChild(line);
    ul.insertBefore(li, ul.firstChild);
    while (ul.children.length > 6) ul.removeChild(ul.lastChild);
  }

  function onAlarm(msg) {
    var a = msg.data;
    a.url = a.url || "";
    var ul = document.getElementById("ticker");
    var quiet = ul.querySelector(".quiet");
    if (quiet) quiet.remove();
    ul.insertBefore(alarmRow(a, true), ul.firstChild);
    while (ul.children.length > 12) ul.removeChild(ul.lastChild);
    var line = el("span", "what", L.new_alarm + " · " + (a.compound ? a.compound + " · " : "") + a.device + " · " + (a.label || a.type));
    feed(line, "alarm");
    beep(a.severity);
    refreshSoon();
  }

  function onCase(msg) {
    var c = msg.data;
    var line = el("span", "what", (L.kinds[c.kind] || c.kind) + " · " + c.code + " " + c.title + (c.compound ? " · " + c.compound : ""));
    feed(line, "case");
    refreshSoon();
  }

  function connect() {
    var live = document.getElementById("live");
    var label = document.getElementById("live-label");
    var source = new EventSource(stage.dataset.stream);
    source.onopen = function () { live.dataset.state = "open"; label.textContent = L.live; };
    source.onerror = function () { live.dataset.state = "closed"; label.textContent = L.reconnecting; };
    source.addEventListener("alarm", function (e) { onAlarm(JSON.parse(e.data)); });
    source.addEventListener("alarm_cleared", function () { refreshSoon(); });
    source.addEventListener("case", function (e) { onCase(JSON.parse(e.data)); });
  }
  connect();
})();
