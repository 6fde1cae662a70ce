/* The hall's display board, progressively enhanced: where this script runs, it stops the page's
   <meta http-equiv="refresh"> reloads and instead redraws the board in place from the JSON twin
   (GET /api/v1/hall/board) every few seconds. Without it the page simply reloads itself. */
(function () {
  "use strict";
  var body = document.body;
  var url = body && body.getAttribute("data-board-url");
  if (!url || !window.fetch || !document.querySelector) {
    return;
  }
  var seconds = parseInt(body.getAttribute("data-poll-seconds"), 10) || 5;
  var failures = 0;

  function stopReloading() {
    var meta = document.querySelector('meta[http-equiv="refresh"]');
    if (meta) {
      meta.parentNode.removeChild(meta);
    }
    // Removing the element does not cancel a refresh already scheduled; stopping the page does.
    if (window.stop) {
      window.stop();
    }
    body.setAttribute("data-live", "1");
  }

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) {
      td.className = className;
    }
    td.textContent = text;
    return td;
  }

  function span(text, className) {
    var s = document.createElement("span");
    s.className = className;
    s.textContent = text;
    return s;
  }

  function drawCalled(called) {
    var tbody = document.getElementById("board-called");
    var rows = document.createDocumentFragment();
    called.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.className = "state-" + c.state;
      tr.appendChild(cell(c.number, "board-number"));
      var td = document.createElement("td");
      td.appendChild(span(c.counter, "board-counter"));
      td.appendChild(document.createTextNode(" "));
      td.appendChild(span(c.counter_name, "board-counter-name"));
      tr.appendChild(td);
      rows.appendChild(tr);
    });
    var before = tbody.textContent;
    var next = document.createElement("tbody");
    next.appendChild(rows);
    if (before !== next.textContent) {
      // Replace the rows only when something changed, so screen readers announce real changes.
      while (tbody.firstChild) {
        tbody.removeChild(tbody.firstChild);
      }
      while (next.firstChild) {
        tbody.appendChild(next.firstChild);
      }
    }
    document.getElementById("board-called-empty").hidden = called.length > 0;
  }

  function drawQueues(categories) {
    var tbody = document.getElementById("board-queues");
    var rows = document.createDocumentFragment();
    categories.forEach(function (q) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-category", q.category);
      var name = document.createElement("td");
      name.appendChild(span(q.letter, "board-letter"));
      name.appendChild(document.createTextNode(" " + q.name));
      tr.appendChild(name);
      tr.appendChild(cell(String(q.waiting), "num"));
      tr.appendChild(cell(q.estimated_wait_text));
      rows.appendChild(tr);
    });
    while (tbody.firstChild) {
      tbody.removeChild(tbody.firstChild);
    }
    tbody.appendChild(rows);
  }

  function draw(board) {
    drawCalled(board.called);
    drawQueues(board.categories);
    var time = document.querySelector("#board-updated time");
    time.setAttribute("datetime", board.updated_at);
    time.textContent = board.updated_text;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (board) {
        failures = 0;
        draw(board);
      })
      .catch(function () {
        failures += 1;
        if (failures >= 5) {
          // The server has been unreachable for a while: fall back to reloading the page.
          window.location.reload();
        }
      })
      .then(function () {
        window.setTimeout(poll, seconds * 1000);
      });
  }

  function start() {
    stopReloading();
    window.setTimeout(poll, seconds * 1000);
  }

  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", function () {
      window.setTimeout(start, 0);
    });
  }
})();
