/* Progress tracking for plain (HTML/video) online packages. The player page frames the package (served
   from the same origin); on every page shown in the frame this script reports the page's path, and for
   videos the share watched (in steps of 10 %, and at the end). The server applies the completion rule. */
(function () {
  "use strict";
  var frame = document.getElementById("online-content");
  if (!frame) { return; }
  var url = frame.dataset.progressUrl, csrf = frame.dataset.csrf, prefix = frame.dataset.prefix;
  var status = document.getElementById("online-progress");

  function report(body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && data.satisfied && status) { status.textContent = frame.dataset.doneText; }
    }).catch(function () { /* offline: the next report carries the progress again */ });
  }

  function pageOf(win) {
    var path;
    try { path = win.location.pathname; } catch (e) { return ""; }
    var base = new URL(prefix, window.location.href).pathname;
    return path.indexOf(base) === 0 ? decodeURIComponent(path.slice(base.length)) : "";
  }

  function watchVideos(doc) {
    Array.prototype.forEach.call(doc.querySelectorAll("video, audio"), function (media) {
      var furthest = 0, sentStep = -1;
      media.addEventListener("timeupdate", function () {
        if (!media.duration || !isFinite(media.duration)) { return; }
        // Only time played in order counts: seeking ahead does not add to the share watched.
        if (media.currentTime <= furthest + 2) { furthest = Math.max(furthest, media.currentTime); }
        var share = Math.min(1, furthest / media.duration), step = Math.floor(share * 10);
        if (step > sentStep) { sentStep = step; report({page: pageOf(doc.defaultView), watched: share}); }
      });
      media.addEventListener("ended", function () {
        if (furthest + 2 >= media.duration) { report({page: pageOf(doc.defaultView), watched: 1}); }
      });
    });
  }

  frame.addEventListener("load", function () {
    var win = frame.contentWindow, page = pageOf(win);
    if (page) { report({page: page}); }
    try { watchVideos(win.document); } catch (e) { /* another origin: pages only */ }
  });
}());
