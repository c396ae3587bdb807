// The calling board: poll the board's JSON every 2 seconds with its ETag (the server answers 304
// when nothing changed), redraw, and announce each new call with the browser's speech synthesis
// where available.
(function () {
  "use strict";
  var board = document.getElementById("queue-board");
  if (!board) { return; }
  var url = board.getAttribute("data-url");
  var sentence = board.getAttribute("data-say");
  var lang = board.getAttribute("data-lang") === "en" ? "en-US" : "vi-VN";
  var counterLabel = board.querySelector(".board-note").getAttribute("data-counter-label");
  var etag = null;
  var announced = {};
  Array.prototype.forEach.call(document.querySelectorAll("#board-calls li"), function (item) {
    announced[item.getAttribute("data-id")] = true;  // calls already on the page are not re-announced
  });

  function say(call) {
    if (!("speechSynthesis" in window)) { return; }
    var text = sentence.replace("{ticket}", call.ticket.split("-").join(" ")).replace("{counter}", call.counter);
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    window.speechSynthesis.speak(utterance);
  }

  function draw(data) {
    var body = document.querySelector("#board-counters tbody");
    body.textContent = "";
    data.counters.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-counter", row.counter);
      var name = document.createElement("td");
      name.textContent = row.counter + " - " + row.name;
      var ticket = document.createElement("td");
      ticket.className = "ticket";
      ticket.textContent = row.ticket;
      tr.appendChild(name);
      tr.appendChild(ticket);
      body.appendChild(tr);
    });
    var list = document.getElementById("board-calls");
    list.textContent = "";
    data.calls.forEach(function (call) {
      var li = document.createElement("li");
      li.setAttribute("data-id", call.id);
      var strong = document.createElement("strong");
      strong.textContent = call.ticket;
      li.appendChild(strong);
      li.appendChild(document.createTextNode(" → " + counterLabel + " " + call.counter + " "));
      var at = document.createElement("span");
      at.className = "at";
      at.textContent = call.at;
      li.appendChild(at);
      list.appendChild(li);
    });
    data.calls.slice().reverse().forEach(function (call) {
      if (!announced[call.id]) {
        announced[call.id] = true;
        say(call);
      }
    });
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        return response.json().then(draw);
      }
      return null;
    }).catch(function () { /* the next poll tries again */ }).then(function () {
      window.setTimeout(poll, 2000);
    });
  }
  window.setTimeout(poll, 2000);
}());
