// A page shown again with a problem: focus moves to its summary, whose
// link leads to the field at fault. The page works fully without it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
