// The demo page's own script (a file, not inline: the page's CSP allows 'self' only).
document.getElementById('snippet').textContent =
  '<script src="' + location.origin + '/widget.js" async></' + 'script>';
document.getElementById('ask').addEventListener('click', function () {
  if (window.AdvisorChat) window.AdvisorChat.open();
});
