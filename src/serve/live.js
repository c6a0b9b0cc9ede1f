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
  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
  var source = new EventSource("/__bulletin/live");
  source.addEventListener("reload", reload);
  // Stylesheet names carry a hash of their contents, so take the new names
  // from a fresh copy of this page and swap the links in place.
  source.addEventListener("css", function () {
    fetch(location.href, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel="stylesheet"]');
        var current = document.querySelectorAll('link[rel="stylesheet"]');
        if (fresh.length !== current.length) { reload(); return; }
        for (var i = 0; i < current.length; i++) {
          current[i].setAttribute("href", fresh[i].getAttribute("href"));
        }
      })
      .catch(reload);
  });
})();
