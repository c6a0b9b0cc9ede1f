//! Serving the in-memory site: safe path mapping, MIME types, the 404 page,
//! live-reload injection and the Server-Sent Events stream.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use percent_encoding::percent_decode_str;

use super::{Change, Shared};

const LIVE_PATH: &str = "/__bulletin/live";
const LIVE_SCRIPT: &str = include_str!("live.js");
const OVERLAY: &str = include_str!("overlay.html");

pub fn router(shared: Arc<Shared>) -> Router {
    let live = Arc::clone(&shared);
    Router::new()
        .route(LIVE_PATH, get(move || events(Arc::clone(&live))))
        .fallback(move |request: Request<Body>| page(Arc::clone(&shared), request))
}

async fn events(shared: Arc<Shared>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.changes.subscribe();
    let stream = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(change) => {
                    let name = match change {
                        Change::Reload => "reload",
                        Change::Css => "css",
                    };
                    return Some((Ok(Event::default().event(name).data(name)), receiver));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The output file a request path names, or `None` if it tries to leave the
/// site. Decodes percent-escapes first, so `%2e%2e` and `..%2f` are caught
/// like `..`.
pub fn file_for_request(path: &str) -> Option<String> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if decoded.ends_with('/') || joined.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    })
}

async fn page(shared: Arc<Shared>, request: Request<Body>) -> Response<Body> {
    // The preview only reads.
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD").into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path().to_string();
    let Some(file) = file_for_request(&path) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let (site, error) = {
        let snapshot = shared.snapshot.read().expect("no panics while locked");
        (snapshot.site.clone(), snapshot.error.clone())
    };
    let Some(site) = site else {
        // Nothing built yet (the first build failed): show the error.
        let page = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>bulletin: the site does not build</title></head><body></body></html>";
        return respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error.html",
            page,
            error.as_deref(),
        );
    };
    let (status, file) = if site.has(&file) {
        (StatusCode::OK, file)
    } else if site.has(&format!("{file}/index.html")) {
        // A folder asked for without its slash: send the browser to it, so
        // relative links in the page resolve. The location is made from the
        // file, never from the request: `//host` would leave the site.
        let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
        let location = format!("/{}/", crate::url::encode_path(&file));
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        return response;
    } else {
        // The language's own 404 page (`fa/404.html` under `/fa/`).
        let own = (file.split_once('/'))
            .map(|(first, _)| format!("{first}/404.html"))
            .filter(|own| site.has(own));
        (
            StatusCode::NOT_FOUND,
            own.unwrap_or_else(|| "404.html".to_string()),
        )
    };
    // Pages are made on request: off the async workers, which only wait.
    let made = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || site.file(&file)).await
    };
    match made {
        Ok(Some(Ok(bytes))) => respond(status, &file, &bytes, error.as_deref()),
        Ok(Some(Err(e))) => {
            // The page cannot be made (a template error that only this
            // page meets): show it over an empty page.
            let page = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>bulletin: this page does not build</title></head><body></body></html>";
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error.html",
                page,
                Some(&e.to_string()),
            )
        }
        Ok(None) | Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn respond(status: StatusCode, file: &str, bytes: &[u8], error: Option<&str>) -> Response<Body> {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html {
        inject(bytes, error)
    } else {
        bytes.to_vec()
    };
    let content_type = if mime.type_() == "text" || file.ends_with(".xml") || file.ends_with(".svg")
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with the live-reload script, and the error overlay if the last
/// build failed, before `</body>`.
pub fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let mut addition = format!("<script>{LIVE_SCRIPT}</script>");
    if let Some(error) = error {
        let escaped = crate::content::markdown::pulldown_cmark_escape_html(error);
        addition.push_str(&OVERLAY.replace("{error}", &escaped));
    }
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + addition.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(addition.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/a/..%2f..%2fx",
            "/a\\..\\b",
            "/%00",
        ] {
            assert_eq!(file_for_request(bad), None, "{bad}");
        }
    }

    #[test]
    fn paths_map_to_files() {
        assert_eq!(file_for_request("/").as_deref(), Some("index.html"));
        assert_eq!(
            file_for_request("/fa/news/").as_deref(),
            Some("fa/news/index.html")
        );
        assert_eq!(file_for_request("/style.css").as_deref(), Some("style.css"));
        assert_eq!(
            file_for_request("/fa/%D8%A7/").as_deref(),
            Some("fa/ا/index.html")
        );
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = String::from_utf8(inject(b"<html><body>x</body></html>", Some("<bad>"))).unwrap();
        assert!(out.starts_with("<html><body>x<script>"));
        assert!(out.contains("&lt;bad&gt;") && out.ends_with("</body></html>"));
    }
}
