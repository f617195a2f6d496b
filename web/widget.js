// Placeholder for the embeddable chat widget (its own issue). Loading it must do no harm.
(function () {
  'use strict';
  window.AdvisorChat = window.AdvisorChat || { init: function () {} };
})();
