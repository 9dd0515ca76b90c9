// The call page: each recording's transcript follows its audio, and a word seeks to itself.
//
// Words are buttons carrying their start and end (seconds from the start of the recording,
// as the recogniser gave them): a click seeks the section's <audio> there and plays; while
// it plays, the word being said is highlighted and kept in view. No framework, no inline
// script, no eval (the consoles' Content-Security-Policy forbids them).
(function () {
  "use strict";

  function follow(section) {
    var audio = section.querySelector("audio.player");
    if (!audio) return;
    var words = Array.prototype.slice.call(section.querySelectorAll("button.word"));
    if (!words.length) return;
    var starts = words.map(function (w) { return parseFloat(w.dataset.start); });
    var ends = words.map(function (w) { return parseFloat(w.dataset.end); });
    // Both channels are interleaved by turn, so starts are nearly, not strictly, in order:
    // the search runs over the words sorted by start.
    var order = words.map(function (_, i) { return i; });
    order.sort(function (a, b) { return starts[a] - starts[b]; });
    var current = null;
    var frame = null;

    function wordAt(time) {
      var lo = 0, hi = order.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (starts[order[mid]] <= time + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      if (found < 0) return null;
      var index = order[found];
      // Between words (a pause), keep the last one said lit for a moment, not for ever.
      return time <= ends[index] + 0.75 ? words[index] : null;
    }

    function highlight(word) {
      if (word === current) return;
      if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
      current = word;
      if (word) {
        word.classList.add("current");
        word.setAttribute("aria-current", "true");
        word.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    }

    function tick() {
      highlight(wordAt(audio.currentTime));
      frame = audio.paused ? null : window.requestAnimationFrame(tick);
    }

    function seek(seconds) {
      var go = function () {
        audio.currentTime = seconds;
        highlight(wordAt(seconds));
        var playing = audio.play();
        if (playing && playing.catch) {
          playing.catch(function (error) { section.dataset.playError = String(error); });
        }
      };
      if (audio.readyState >= 1) { go(); return; }
      // preload="none" (opening the page is not a listen): the first click loads it.
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.load();
    }

    section.addEventListener("click", function (event) {
      var word = event.target.closest("button.word");
      if (!word || !section.contains(word)) return;
      seek(parseFloat(word.dataset.start));
    });
    audio.addEventListener("play", function () {
      section.classList.add("playing");
      if (frame === null) frame = window.requestAnimationFrame(tick);
    });
    audio.addEventListener("pause", function () { section.classList.remove("playing"); });
    audio.addEventListener("seeked", function () { highlight(wordAt(audio.currentTime)); });
    audio.addEventListener("ended", function () { highlight(null); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("section.recording"), follow);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
