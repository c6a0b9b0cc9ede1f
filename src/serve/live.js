// bulletin serve: reload this page when the site is rebuilt, keep the
// scroll position across reloads, swap stylesheets in place when only CSS
// changed, and show build errors over the page. Never part of `bulletin build`.
(function () {
  var key = "bulletin-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = parseInt(saved, 10);
    window.addEventListener("load", function () { window.scrollTo(0, y); });
  }
  var source = new EventSource("/__bulletin/live");
  source.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  source.addEventListener("css", function () {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("bulletin", String(Date.now()));
      links[i].href = url.toString();
    }
  });
})();
