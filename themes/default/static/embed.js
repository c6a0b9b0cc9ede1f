// Video facades: a link to the video until the reader clicks it, then the
// player's frame. Nothing loads from the video host before that click.
(function () {
  if (window.bulletinEmbeds) return;
  window.bulletinEmbeds = true;
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('[data-embed] a.facade');
    if (!link) return;
    var box = link.closest('[data-embed]');
    event.preventDefault();
    var frame = document.createElement('iframe');
    frame.src = box.getAttribute('data-embed');
    frame.title = box.getAttribute('data-title') || '';
    frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
    frame.allowFullscreen = true;
    box.replaceChild(frame, link);
    frame.focus();
  });
})();
