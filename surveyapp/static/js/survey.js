/* Progressive enhancement of the questionnaire. Without this file the form is one long page
   that works; with it: one part at a time with a progress bar, skip logic, a character count. */
(function () {
  "use strict";
  var form = document.getElementById("survey");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var bar = document.querySelector(".progress");
  var fill = bar && bar.querySelector(".progress__bar");
  var submitBar = form.querySelector(".submit-bar");
  var requiredMsg = form.getAttribute("data-msg-required") || "";
  var current = 0;

  function show(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach(function (step, i) { step.hidden = i !== current; });
    submitBar.hidden = current !== steps.length - 1;
    if (fill) fill.style.width = Math.round(((current + 1) / steps.length) * 100) + "%";
    if (focus) {
      var title = steps[current].querySelector(".step__title");
      title.setAttribute("tabindex", "-1");
      title.focus();
      window.scrollTo(0, 0);
    }
  }

  function stepOf(el) {
    for (var i = 0; i < steps.length; i++) if (steps[i].contains(el)) return i;
    return 0;
  }

  function markMissing(step) {
    var first = null;
    step.querySelectorAll("fieldset[aria-required=true]").forEach(function (group) {
      if (group.closest("[hidden]") && group.closest("[hidden]") !== step) return;
      var name = group.querySelector("input").name;
      var answered = form.querySelector('input[name="' + name + '"]:checked');
      var note = group.querySelector(".q__error");
      if (answered) return;
      if (!note) {
        note = document.createElement("p");
        note.className = "q__error";
        note.id = "error-" + name;
        group.querySelector(".q__label").insertAdjacentElement("afterend", note);
        group.setAttribute("aria-describedby", ((group.getAttribute("aria-describedby") || "") + " " + note.id).trim());
      }
      note.textContent = requiredMsg;
      group.classList.add("q--invalid");
      first = first || group;
    });
    if (first) first.querySelector("input").focus();
    return !first;
  }

  form.classList.add("js-steps");
  if (bar) bar.hidden = false;
  steps.forEach(function (step) {
    var nav = step.querySelector(".step__nav");
    if (nav) nav.hidden = false;
  });
  form.addEventListener("click", function (event) {
    var target = event.target.closest("[data-next],[data-prev]");
    if (!target) return;
    if (target.hasAttribute("data-next")) {
      if (markMissing(steps[current])) show(current + 1, true);
    } else {
      show(current - 1, true);
    }
  });
  form.addEventListener("change", function (event) {
    var group = event.target.closest(".q--invalid");
    if (group && event.target.checked) {
      group.classList.remove("q--invalid");
      var note = group.querySelector(".q__error");
      if (note) note.textContent = "";
    }
    applySkipLogic();
  });

  // Skip logic: a question with data-show-if="item=value" is shown only when that answer is chosen.
  function applySkipLogic() {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var rule = el.getAttribute("data-show-if").split("=");
      var chosen = form.querySelector('input[name="' + rule[0] + '"]:checked');
      var visible = !!chosen && chosen.value === rule[1];
      el.hidden = !visible;
      if (!visible) el.querySelectorAll("input").forEach(function (input) { input.checked = false; });
    });
  }

  // Skip logic of questions added from an XLSForm: data-relevant holds the parsed condition
  // (surveyapp/definitions/relevant.py evaluates the same tree on the server).
  function answerOf(name) {
    var holder = form.querySelector('[data-relevant] #q-' + CSS.escape(name));
    var wrapper = holder && holder.closest("[data-relevant]");
    if (wrapper && wrapper.hidden) return null;
    var checks = form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    if (checks.length) {
      return Array.prototype.filter.call(checks, function (c) { return c.checked; }).map(function (c) { return c.value; });
    }
    var radio = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
    if (radio) return radio.value;
    var field = form.querySelector('input[name="' + name + '"]:not([type="radio"]):not([type="checkbox"]), textarea[name="' + name + '"]');
    if (field && field.value.trim() !== "") return field.value.trim();
    return null;
  }
  function numberOf(value) {
    return typeof value === "number" ? value : (typeof value === "string" && /^-?\d+$/.test(value) ? parseInt(value, 10) : null);
  }
  function operand(node) { return node[0] === "ref" ? answerOf(node[1]) : node[1]; }
  function holds(node) {
    switch (node[0]) {
      case "or": return holds(node[1]) || holds(node[2]);
      case "and": return holds(node[1]) && holds(node[2]);
      case "not": return !holds(node[1]);
      case "selected":
        var chosen = answerOf(node[1]);
        return Array.isArray(chosen) ? chosen.indexOf(node[2]) !== -1 : chosen === node[2];
      default:
        var left = operand(node[2]), right = operand(node[3]), a = numberOf(left), b = numberOf(right);
        if (node[1] === "=" || node[1] === "!=") {
          var equal = a !== null && b !== null ? a === b : String(left === null ? "" : left) === String(right === null ? "" : right);
          return node[1] === "=" ? equal : !equal;
        }
        if (a === null || b === null) return false;
        return { "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b }[node[1]];
    }
  }
  function applyRelevance() {
    // Twice: a question shown or hidden may change the condition of one placed before it.
    for (var pass = 0; pass < 2; pass++) {
      form.querySelectorAll("[data-relevant]").forEach(function (el) {
        el.hidden = !holds(JSON.parse(el.getAttribute("data-relevant")));
        // A hidden question is not sent (the server would drop it) nor checked by the browser.
        el.querySelectorAll("input,textarea").forEach(function (input) { input.disabled = el.hidden; });
      });
    }
  }
  form.addEventListener("input", applyRelevance);
  form.addEventListener("change", applyRelevance);
  applyRelevance();

  // Character count for the comment box.
  form.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var out = area.parentNode.querySelector(".q__count");
    var max = parseInt(area.getAttribute("data-counter"), 10);
    function update() { out.hidden = false; out.textContent = area.value.length + " / " + max; }
    area.addEventListener("input", update);
    update();
  });

  // Links of the error summary open the part that holds the question.
  document.querySelectorAll("#error-summary a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var el = document.querySelector(link.getAttribute("href"));
      if (!el) return;
      event.preventDefault();
      show(stepOf(el), false);
      el.scrollIntoView();
      var input = el.querySelector("input,textarea");
      if (input) input.focus();
    });
  });

  // The language switch re-posts the form; come back to the same part afterwards.
  var saved = null;
  try { saved = sessionStorage.getItem("survey-step"); sessionStorage.removeItem("survey-step"); } catch (e) {}
  document.querySelectorAll("button[name=switch_lang]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      try { sessionStorage.setItem("survey-step", String(current)); } catch (e) {}
    });
  });

  // The procedure picker (surveyapp/survey/picker.py). The form lists only the counter's usual
  // procedures; as one types, those are filtered here at once and the whole catalogue is asked of
  // the server (GET /procedures/search), both ignoring Vietnamese tone marks ("dang ky khai sinh"
  // finds "Đăng ký khai sinh"), which the native datalist, used without JavaScript, cannot do.
  var search = document.getElementById("f-procedure");
  var source = document.getElementById("procedure-list");
  var finder = document.querySelector("[data-picker-search]");
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  if (search && source) {
    var searchUrl = finder && finder.getAttribute("data-picker-search");
    if (finder) { // the field searches as one types: no search row, and Enter sends nothing
      finder.hidden = true;
      finder.querySelectorAll("input,button").forEach(function (el) { el.disabled = true; });
    }
    var entries = Array.prototype.map.call(source.options, function (o) {
      var parts = o.textContent.split(" · ");
      return { code: o.value, name: parts[0], field: parts[1] || "", key: fold(o.textContent + " " + o.value) };
    });
    var box = document.createElement("ul");
    box.className = "suggest";
    box.id = "procedure-suggest";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    search.removeAttribute("list");
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-controls", box.id);
    search.setAttribute("aria-expanded", "false");
    search.insertAdjacentElement("afterend", box);
    var timer = 0;
    var asked = 0;
    function offer(found) {
      box.textContent = "";
      found.forEach(function (entry) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.tabIndex = 0;
        li.textContent = entry.name;
        var small = document.createElement("small");
        small.textContent = entry.field + " · " + entry.code;
        li.appendChild(small);
        function pick() {
          search.value = entry.name;
          box.hidden = true;
          search.setAttribute("aria-expanded", "false");
          search.focus();
        }
        li.addEventListener("click", pick);
        li.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); pick(); } });
        box.appendChild(li);
      });
      box.hidden = found.length === 0;
      search.setAttribute("aria-expanded", found.length ? "true" : "false");
    }
    function askServer(query) {
      var mine = ++asked;
      fetch(searchUrl + "?limit=8&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || mine !== asked) return; // never an older answer
          var shown = Array.prototype.map.call(box.querySelectorAll("small"), function (s) { return s.textContent; });
          var found = data.results.map(function (e) { return e.field + " · " + e.code; });
          if (shown.join("\n") !== found.join("\n")) offer(data.results); // the same list stays put under a finger
        })
        .catch(function () { /* offline: the usual procedures stay offered */ });
    }
    search.addEventListener("input", function () {
      var query = search.value.trim();
      var words = fold(query).split(/\s+/).filter(Boolean);
      offer(words.length && query.length >= 2 ? entries.filter(function (e) {
        return words.every(function (w) { return e.key.indexOf(w) !== -1; });
      }).slice(0, 8) : []);
      clearTimeout(timer);
      asked++; // an answer still on its way is for an older text
      if (searchUrl && window.fetch && query.length >= 2) timer = setTimeout(function () { askServer(query); }, 250);
    });
    search.addEventListener("keydown", function (event) {
      var first = box.querySelector("li");
      if (event.key === "Enter" && first && !box.hidden) { event.preventDefault(); first.click(); }
      else if (event.key === "ArrowDown" && first && !box.hidden) { event.preventDefault(); first.focus(); }
      else if (event.key === "Escape") { box.hidden = true; search.setAttribute("aria-expanded", "false"); }
    });
    box.addEventListener("keydown", function (event) {
      var options = Array.prototype.slice.call(box.querySelectorAll("li"));
      var at = options.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < options.length - 1) { event.preventDefault(); options[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? options[at - 1] : search).focus(); }
    });
  }

  applySkipLogic();
  var firstError = form.querySelector(".q--invalid");
  show(firstError ? stepOf(firstError) : (saved ? parseInt(saved, 10) : 0), false);
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
