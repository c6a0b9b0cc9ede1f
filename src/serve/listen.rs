//! Accepting connections for the preview: a bounded number at a time, each
//! closed if it sends its request head too slowly or goes quiet.
//!
//! `axum::serve` has no timeouts and no cap (300 half-open connections
//! stalled every request, 20,000 raised memory from 43 to 496 MiB), so the
//! loop is ours, on hyper's HTTP/1 connection with its header-read timer.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Connections served at once; more wait in the kernel's queue. A browser
/// opens six or so per host, and each costs some kilobytes of buffers.
pub const MAX_CONNECTIONS: usize = 512;
/// A request head (also the next one, on a kept-alive connection) must
/// arrive within this.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that moves no byte either way for this long is closed. The
/// live-reload stream sends a keep-alive comment every 15 s, so it stays.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Serves `router` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, router: Router) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let (stream, last) = Tracked::new(stream);
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024);
            let connection = http.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = idle(&last) => {}
            }
            drop(permit);
        });
    }
}

/// Resolves once the connection has been quiet for [`IDLE_TIMEOUT`].
async fn idle(last: &Progress) {
    loop {
        tokio::time::sleep(IDLE_TIMEOUT / 4).await;
        if last.quiet_for() >= IDLE_TIMEOUT {
            return;
        }
    }
}

/// When a connection last moved a byte.
struct Progress {
    start: Instant,
    /// Milliseconds after `start`.
    at: AtomicU64,
}

impl Progress {
    fn touch(&self) {
        let ms = self.start.elapsed().as_millis() as u64;
        self.at.store(ms, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        self.start.elapsed() - Duration::from_millis(self.at.load(Ordering::Relaxed))
    }
}

/// A TCP stream that notes when it last read or wrote.
struct Tracked {
    stream: TcpStream,
    last: Arc<Progress>,
}

impl Tracked {
    fn new(stream: TcpStream) -> (Tracked, Arc<Progress>) {
        let last = Arc::new(Progress {
            start: Instant::now(),
            at: AtomicU64::new(0),
        });
        let tracked = Tracked {
            stream,
            last: Arc::clone(&last),
        };
        (tracked, last)
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.last.touch();
        }
        poll
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.last.touch();
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.last.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The URLs a reader can open for a server listening on `local`, and a
/// warning when that is more than this machine: a preview shows drafts
/// and embargoed stories.
pub fn addresses(local: SocketAddr) -> (Vec<String>, Option<String>) {
    let port = local.port();
    let url = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("http://{v4}:{port}"),
    };
    let ip = local.ip();
    if ip.is_loopback() {
        return (vec![url(ip)], None);
    }
    let mut urls = Vec::new();
    if ip.is_unspecified() {
        // Listening on every interface: this machine's own address, and
        // the one the network reaches it by.
        urls.push(url(match ip {
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        }));
        urls.extend(network_address().map(url));
    } else {
        urls.push(url(ip));
    }
    let warning = format!(
        "serve is listening on {ip}, not only on this machine: anyone who can reach it sees the preview, drafts and embargoed stories included. Use --bind 127.0.0.1 (the default) unless you mean to share it."
    );
    (urls, Some(warning))
}

/// This machine's address on its network, found by asking the system which
/// address it would send from (a UDP "connect" sends nothing).
fn network_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_needs_no_warning_and_anything_else_does() {
        let (urls, warning) = addresses("127.0.0.1:1111".parse().unwrap());
        assert_eq!(urls, ["http://127.0.0.1:1111"]);
        assert!(warning.is_none());
        let (urls, warning) = addresses("0.0.0.0:1111".parse().unwrap());
        assert_eq!(urls[0], "http://127.0.0.1:1111");
        assert!(!urls.iter().any(|u| u.contains("0.0.0.0")), "{urls:?}");
        assert!(warning.unwrap().contains("drafts"));
        let (urls, _) = addresses("[::]:1111".parse().unwrap());
        assert_eq!(urls[0], "http://[::1]:1111");
    }
}
