//! The HTTP side of `serve`: the built site from memory, the live-reload script and
//! its event stream (server-sent events).
//!
//! Files come only from the in-memory build (`SiteFiles`), never from the disk, so no
//! URL can reach a file outside the site; URLs with `.`/`..` segments, encoded
//! slashes or backslashes, NUL or invalid UTF-8 are refused before any lookup.
//!
//! Every request first passes `guard`: a `Host` that is not this server's own address
//! gets 400 (so that a page whose DNS name is rebound to 127.0.0.1 cannot read the
//! drafts), and a method other than GET and HEAD gets 405.

use super::session::{Bytes, SiteFiles};
use crate::url::percent_decode_bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

/// Where the live-reload script and its events are served (never an output path:
/// output paths do not start with `__`).
pub const LIVE_SCRIPT: &str = "/__guidepost/live.js";
pub const EVENTS: &str = "/__guidepost/events";
const LIVE_JS: &str = include_str!("live.js");

/// What the HTTP handlers share.
pub struct AppState {
    pub files: Arc<SiteFiles>,
    /// Live-reload messages (JSON) for every open page.
    pub events: broadcast::Sender<String>,
    /// The message a page gets when it connects: the current errors, or "ok".
    pub status: RwLock<String>,
    /// The `Host` headers this server answers.
    pub hosts: HostCheck,
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(LIVE_SCRIPT, get(live_script))
        .route(EVENTS, get(events))
        .fallback(site_file)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Which `Host` a request may name, for the address the server listens on:
/// `localhost` always; an IP address when it is that address, or any loopback address
/// when it is a loopback one, or any address at all when it listens on every interface
/// (`--bind 0.0.0.0` or `::`). The port is not compared, so that a forwarded port
/// (`ssh -L`, a container's port mapping) still works: a DNS rebinding attack needs a
/// name of its own, and every name but `localhost` is refused.
#[derive(Debug, Clone, Copy)]
pub struct HostCheck {
    bound: IpAddr,
}

impl HostCheck {
    pub fn new(bound: IpAddr) -> Self {
        HostCheck { bound }
    }

    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let Ok(ip) = name.parse::<IpAddr>() else {
            return false;
        };
        self.bound.is_unspecified()
            || ip == self.bound
            || (self.bound.is_loopback() && ip.is_loopback())
    }
}

/// The name in a `Host` value (`name`, `name:port`, `[v6]` or `[v6]:port`), without
/// brackets; None when it is malformed.
fn host_name(host: &str) -> Option<&str> {
    let valid_port =
        |p: &str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) if valid_port(port) => Some(name),
            None if after.is_empty() => Some(name),
            _ => None,
        };
    }
    let name = match host.split_once(':') {
        Some((name, port)) if valid_port(port) => name,
        Some(_) => return None,
        None => host,
    };
    (!name.is_empty()).then_some(name)
}

/// Refuses requests for another host (400) and methods other than GET and HEAD (405)
/// before any handler sees them.
async fn guard(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let header_host = req.headers().get(header::HOST).map(|h| h.to_str().ok());
    // A request line in absolute form (`GET http://host/ …`) names its host there too.
    let uri_host = req.uri().authority().map(|a| a.as_str());
    let named = [header_host, uri_host.map(Some)];
    let hosts: Vec<Option<&str>> = named.into_iter().flatten().collect();
    let allowed = !hosts.is_empty() && hosts.iter().all(|h| h.is_some_and(|h| app.hosts.allows(h)));
    if !allowed {
        return (
            StatusCode::BAD_REQUEST,
            "guidepost serve answers only requests for its own address \
             (localhost or the address it listens on)\n",
        )
            .into_response();
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut response = (
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are answered\n",
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    next.run(req).await
}

async fn live_script() -> Response {
    with_type(
        "text/javascript; charset=utf-8",
        Bytes::from_static(LIVE_JS.as_bytes()),
    )
}

async fn events(
    State(app): State<Arc<AppState>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let first = app.status.read().unwrap_or_else(|e| e.into_inner()).clone();
    let updates = BroadcastStream::new(app.events.subscribe())
        .filter_map(|m| m.ok())
        .map(|m| Ok(Event::default().data(m)));
    let stream = tokio_stream::once(Ok(Event::default().data(first))).chain(updates);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn site_file(State(app): State<Arc<AppState>>, req: Request) -> Response {
    let prefix = app.files.prefix();
    let Some(path) = decode_path(req.uri().path()) else {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    };
    if path == "/" && prefix != "/" {
        return redirect(&prefix);
    }
    let Some(rest) = path.strip_prefix(prefix.as_str()) else {
        return not_found(&app.files);
    };
    let key = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    match app.files.get(&key) {
        Some(bytes) => with_type(content_type(&key), bytes),
        None if app.files.contains(&format!("{rest}/index.html")) => {
            let query = req
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            // The path as the request wrote it (already percent-encoded, and checked
            // by `decode_path`), so that the Location of `/a%20b` is `/a%20b/`.
            redirect(&format!("{}/{query}", req.uri().path()))
        }
        None => not_found(&app.files),
    }
}

/// The URL path percent-decoded, when it is safe to look up: valid UTF-8, no NUL or
/// backslash, no `.` or `..` segment, no encoded `/`. (Files come from memory only,
/// so this keeps odd URLs from meaning anything, rather than guarding the disk.)
pub fn decode_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') {
        return None;
    }
    let mut segments = Vec::new();
    for segment in raw.split('/') {
        let text = String::from_utf8(percent_decode_bytes(segment)).ok()?;
        if text == "." || text == ".." || text.contains(['/', '\\', '\0']) {
            return None;
        }
        segments.push(text);
    }
    Some(segments.join("/"))
}

fn with_type(content_type: &'static str, body: Bytes) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Every save changes what is served: never let the browser keep an old copy.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// What is served before the site has built once: a page with the live-reload
/// script, which shows the errors and reloads when a save fixes them.
const NOT_BUILT_YET: &str = concat!(
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">",
    "<title>The site does not build yet</title>",
    "<main><h1>The site does not build yet</h1>",
    "<p>guidepost serve shows it here as soon as a save fixes the problems in the terminal.</p></main>",
    "<script src=\"/__guidepost/live.js\" data-events=\"/__guidepost/events\" data-reload-always defer></script>",
    "</html>\n"
);

fn not_found(files: &SiteFiles) -> Response {
    let body = match files.get("404.html") {
        Some(page) => page,
        None if files.is_empty() => Bytes::from_static(NOT_BUILT_YET.as_bytes()),
        None => Bytes::from_static(b"<!doctype html><title>Not found</title><h1>Not found</h1>"),
    };
    let mut response = with_type("text/html; charset=utf-8", body);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The content type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_site_are_refused() {
        assert_eq!(decode_path("/a/b/").as_deref(), Some("/a/b/"));
        assert_eq!(decode_path("/a%20b/").as_deref(), Some("/a b/"));
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/a/%2f..%2fetc",
            "/a%5c..%5cb",
            "/./a",
            "/a%00",
            "/%ff",
            "relative",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
        // A `%` without two hex digits is taken as it is written.
        assert_eq!(decode_path("/%zz/%2").as_deref(), Some("/%zz/%2"));
    }

    #[test]
    fn hosts_that_are_answered() {
        let loopback = HostCheck::new("127.0.0.1".parse().unwrap());
        for ok in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:1111",
            "LOCALHOST",
            "localhost:8080",
            "[::1]:1111",
            "[::1]",
            "127.0.0.2:1111",
        ] {
            assert!(loopback.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example:1111",
            "evil.example",
            "127.0.0.1.nip.io:1111",
            "localhost.evil.example",
            "192.168.1.5:1111",
            "",
            ":1111",
            "localhost:",
            "localhost:abc",
            "localhost:1111:1",
            "[::1",
            "[::1]x",
            "::1",
        ] {
            assert!(!loopback.allows(refused), "{refused}");
        }
        let lan = HostCheck::new("192.168.1.5".parse().unwrap());
        assert!(lan.allows("192.168.1.5:1111") && lan.allows("localhost:1111"));
        assert!(!lan.allows("127.0.0.1:1111") && !lan.allows("box.local:1111"));
        let any = HostCheck::new("0.0.0.0".parse().unwrap());
        for ok in [
            "192.168.1.5:1111",
            "10.0.0.1",
            "[fe80::1]:1111",
            "localhost",
        ] {
            assert!(any.allows(ok), "{ok}");
        }
        assert!(!any.allows("box.local:1111"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/style.1.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("search/index.json"), "application/json");
        assert_eq!(content_type("assets/img/x.SVG"), "image/svg+xml");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
