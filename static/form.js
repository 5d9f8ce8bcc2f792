// Progressive enhancement of the request form: shows the agent section only
// for agents and the correction field only for correction requests, and
// moves focus to the error summary. The form works fully without it.
(function () {
  "use strict";
  var form = document.querySelector("[data-request-form]");
  if (!form) return;
  var agent = form.querySelector("[data-agent-section]");
  var correction = form.querySelector("[data-correction-section]");
  var noJsHint = form.querySelector("[data-no-js-hint]");
  if (noJsHint) noJsHint.hidden = true;

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function update() {
    var onBehalf = checked("on_behalf") || "self";
    if (agent) agent.hidden = onBehalf === "self";
    if (correction) correction.hidden = checked("kind") !== "correction";
  }

  form.addEventListener("change", update);
  update();

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
