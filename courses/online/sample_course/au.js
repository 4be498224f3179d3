/* The sample course's own cmi5 runtime (no library): read the launch parameters, fetch the auth token
   once, read LMS.LaunchData, send initialized, resume from the bookmark kept in the State resource,
   send answered for each question, passed or failed against the mastery score, completed once, and
   terminated before going back to the LMS's returnURL. */
(function () {
  "use strict";
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var ADL = "http://adlnet.gov/expapi/verbs/";
  var params = new URLSearchParams(window.location.search);
  var launch = {
    endpoint: params.get("endpoint"), fetch: params.get("fetch"), actor: JSON.parse(params.get("actor") || "null"),
    registration: params.get("registration"), activityId: params.get("activityId")
  };
  var auth = null, launchData = null, startedAt = new Date(), page = 1, LAST_CONTENT_PAGE = 3;
  var bookmark = {page: 1, completed: false, passed: false};
  var statusEl = document.getElementById("status");

  function say(text) { statusEl.textContent = text; }

  function lrs(method, resource, query, body) {
    var url = launch.endpoint.replace(/\/?$/, "/") + resource;
    if (query) { url += "?" + new URLSearchParams(query).toString(); }
    var headers = {"X-Experience-API-Version": "1.0.3", "Authorization": auth};
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body)})
      .then(function (response) {
        if (response.status === 404 && method === "GET") { return null; }
        if (!response.ok) { throw new Error(method + " " + resource + ": HTTP " + response.status); }
        return response.status === 204 ? null : response.text().then(function (t) { return t ? JSON.parse(t) : null; });
      });
  }

  function stateQuery(stateId) {
    return {stateId: stateId, activityId: launch.activityId, agent: JSON.stringify(launch.actor),
            registration: launch.registration};
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }

  function duration() {
    return "PT" + Math.max(0, (new Date() - startedAt) / 1000).toFixed(2) + "S";
  }

  // Writes go one at a time, in order (the LRS sees the statements in the order they happened).
  var writes = Promise.resolve();
  function queued(fn) {
    writes = writes.then(fn, fn);
    return writes;
  }

  function send(statements) {
    return queued(function () { return lrs("POST", "statements", null, statements); });
  }

  function statement(verb, display, options) {
    options = options || {};
    var template = (launchData && launchData.contextTemplate) || {};
    var activities = JSON.parse(JSON.stringify(template.contextActivities || {}));
    if (options.categories) {
      activities.category = options.categories.map(function (id) { return {id: id}; });
    }
    var s = {
      id: uuid(), timestamp: new Date().toISOString(), actor: launch.actor,
      verb: {id: verb, display: {"en-US": display}},
      object: options.object || {objectType: "Activity", id: launch.activityId},
      context: {registration: launch.registration, contextActivities: activities,
                extensions: JSON.parse(JSON.stringify(template.extensions || {}))}
    };
    if (options.result) { s.result = options.result; }
    return s;
  }

  function saveBookmark() {
    var saved = JSON.parse(JSON.stringify(bookmark));
    return queued(function () { return lrs("PUT", "activities/state", stateQuery("bookmark"), saved); });
  }

  function show(n) {
    page = n;
    document.querySelectorAll(".page").forEach(function (el) { el.hidden = Number(el.dataset.page) !== n; });
    var nav = document.getElementById("nav");
    nav.hidden = n > LAST_CONTENT_PAGE + 1 || n === 5;
    document.getElementById("prev").disabled = n === 1;
    document.getElementById("next").hidden = n > LAST_CONTENT_PAGE;
    if (n <= 4) { bookmark.page = n; saveBookmark(); }
  }

  function submitQuiz(event) {
    event.preventDefault();
    var sets = document.querySelectorAll("#quiz fieldset"), right = 0, answers = [];
    sets.forEach(function (set) {
      var chosen = set.querySelector("input:checked"), answer = chosen ? chosen.value : "";
      var correct = answer === set.dataset.correct;
      if (correct) { right += 1; }
      answers.push(statement(ADL + "answered", "answered", {
        object: {objectType: "Activity", id: launch.activityId + "/" + set.dataset.question, definition: {
          type: "http://adlnet.gov/expapi/activities/cmi.interaction", interactionType: "choice",
          correctResponsesPattern: [set.dataset.correct],
          description: {"zh-TW": set.querySelector("legend").textContent.trim()}}},
        result: {response: answer, success: correct}
      }));
    });
    var scaled = right / sets.length, mastery = launchData.masteryScore, passed = mastery === undefined || scaled >= mastery;
    var score = {scaled: scaled, raw: right, min: 0, max: sets.length};
    document.getElementById("submit-quiz").disabled = true;
    // One request, in order: the answers, passed or failed, then completed (once per registration).
    var batch = answers.slice();
    if (!bookmark.passed) {  // cmi5: no second passed in a registration
      batch.push(statement(ADL + (passed ? "passed" : "failed"), passed ? "passed" : "failed", {
        categories: [CMI5, MOVEON], result: {score: score, success: passed, duration: duration()}}));
    }
    if (!bookmark.completed) {
      batch.push(statement(ADL + "completed", "completed", {
        categories: [CMI5, MOVEON], result: {completion: true, duration: duration()}}));
    }
    send(batch).then(function () {
      bookmark.completed = true;
      bookmark.passed = bookmark.passed || passed;
      return saveBookmark();
    }).then(function () {
      document.getElementById("result").textContent = (passed ? "通過 Passed" : "未通過 Not passed") +
        "：" + right + " / " + sets.length;
      show(5);
    }).catch(function (err) { say("無法記錄成績 Could not record the result: " + err.message); });
  }

  function finish() {
    send(statement(ADL + "terminated", "terminated", {categories: [CMI5], result: {duration: duration()}}))
      .then(function () { window.location.href = launchData.returnURL; })
      .catch(function (err) { say("無法結束 Could not finish: " + err.message); });
  }

  function start() {
    if (!launch.endpoint || !launch.fetch || !launch.actor || !launch.registration || !launch.activityId) {
      say("請從學習平台開啟本課程。 Open this course from the learning platform.");
      return;
    }
    fetch(launch.fetch, {method: "POST"}).then(function (r) { return r.json(); }).then(function (body) {
      if (!body["auth-token"]) { throw new Error(body["error-text"] || "no auth token"); }
      auth = "Basic " + body["auth-token"];
      return lrs("GET", "activities/state", stateQuery("LMS.LaunchData"));
    }).then(function (data) {
      if (!data) { throw new Error("LMS.LaunchData missing"); }
      launchData = data;
      return send(statement(ADL + "initialized", "initialized", {categories: [CMI5]}));
    }).then(function () {
      return lrs("GET", "activities/state", stateQuery("bookmark"));
    }).then(function (saved) {
      if (saved) { bookmark = Object.assign(bookmark, saved); }
      say(bookmark.page > 1 ? "從上次的進度繼續。 Resumed where you left off." : "");
      show(Math.min(bookmark.page || 1, 4));
    }).catch(function (err) { say("無法啟動課程 The course could not start: " + err.message); });
  }

  document.getElementById("prev").addEventListener("click", function () { show(Math.max(1, page - 1)); });
  document.getElementById("next").addEventListener("click", function () { show(page + 1); });
  document.getElementById("quiz").addEventListener("submit", submitQuiz);
  document.getElementById("finish").addEventListener("click", finish);
  start();
}());
