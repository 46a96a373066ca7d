//! Our own accept loop, for what `axum::serve` cannot do: close
//! connections that never finish their headers or go quiet, and cap how
//! many are open at once.
//!
//! Without these a stranger holds a connection (and its memory and file
//! descriptor) forever by sending half a request, and enough of them stop
//! the node accepting anyone else.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

/// How long connections may take to finish once shutdown begins; event
/// streams never finish on their own.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The connection limits (`config::Limits` has what each means).
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
}

impl From<&crate::config::Limits> for ConnectionLimits {
    fn from(limits: &crate::config::Limits) -> Self {
        ConnectionLimits {
            max_connections: limits.max_client_connections,
            header_read_timeout: limits.header_read_timeout,
            idle_timeout: limits.idle_timeout,
        }
    }
}

/// Accepts connections until `shutdown` completes, then asks each to
/// finish its current request and waits for them (at most
/// [`SHUTDOWN_GRACE`]). Each request carries `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    // Every connection holds a receiver: the sender learns when all are gone.
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        // At the cap, stop accepting: new clients wait in the listen backlog.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (app, stopping) = (app.clone(), stopping.clone());
        tokio::spawn(async move {
            serve_connection(stream, peer, app, limits, stopping).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(stopping);
    if tokio::time::timeout(SHUTDOWN_GRACE, stop.closed()).await.is_err() {
        tracing::warn!("connections still open after the shutdown grace period are dropped");
    }
    Ok(())
}

/// As `axum::serve`: a client that gave up is nobody's problem; anything
/// else (out of file descriptors) is worth a pause before trying again.
async fn accept_error(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Metered { inner: stream, activity: activity.clone() });
    let on_request = activity.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let (app, activity) = (app.clone(), on_request.clone());
        async move {
            let response = app.oneshot(request).await.unwrap_or_else(|never| match never {});
            Ok::<_, std::convert::Infallible>(activity.exempt_event_stream(response))
        }
    });
    // HTTP/1.1, as `axum::serve` was built here before.
    // hyper starts this clock whenever it waits for a request's head, so it
    // also closes a connection that sends nothing, or no next request.
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let mut closing = false;
    loop {
        let now = Instant::now();
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, %peer, "connection ended with an error");
                }
                return;
            }
            _ = stopping.changed(), if !closing => {
                connection.as_mut().graceful_shutdown();
                closing = true;
            }
            () = tokio::time::sleep_until(activity.next_check(now, &limits)) => {
                match activity.verdict(Instant::now(), &limits) {
                    Verdict::Open => {}
                    // Idle, or answering and then done.
                    Verdict::Quiet if !closing => {
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                    // Still nothing moving after being asked to finish, or
                    // never a byte from the client: drop it.
                    Verdict::Quiet | Verdict::Silent => {
                        tracing::debug!(%peer, "closed a quiet connection");
                        return;
                    }
                }
            }
        }
    }
}

/// What has moved on one connection, for its timeouts.
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened` that a byte last moved either way.
    last_io: AtomicU64,
    heard_from_client: AtomicBool,
    /// Event streams being sent: they are quiet between events on purpose
    /// and send their own keep-alives.
    event_streams: AtomicUsize,
}

enum Verdict {
    Open,
    /// Nothing moved either way for the idle timeout.
    Quiet,
    /// Not one byte from the client within the header-read timeout.
    Silent,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_io: AtomicU64::new(0),
            heard_from_client: AtomicBool::new(false),
            event_streams: AtomicUsize::new(0),
        }
    }

    fn moved(&self, read: bool) {
        self.last_io.store(self.opened.elapsed().as_millis() as u64, Ordering::Relaxed);
        if read {
            self.heard_from_client.store(true, Ordering::Relaxed);
        }
    }

    fn last_io(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_io.load(Ordering::Relaxed))
    }

    fn verdict(&self, now: Instant, limits: &ConnectionLimits) -> Verdict {
        let quiet_for = now.saturating_duration_since(self.last_io());
        if !self.heard_from_client.load(Ordering::Relaxed) && now - self.opened >= limits.header_read_timeout {
            Verdict::Silent
        } else if self.event_streams.load(Ordering::Relaxed) == 0 && quiet_for >= limits.idle_timeout {
            Verdict::Quiet
        } else {
            Verdict::Open
        }
    }

    /// When a verdict could next change.
    fn next_check(&self, now: Instant, limits: &ConnectionLimits) -> Instant {
        let mut next = self.last_io() + limits.idle_timeout;
        if !self.heard_from_client.load(Ordering::Relaxed) {
            next = next.min(self.opened + limits.header_read_timeout);
        }
        // Already due but kept open (an event stream): look again later.
        if next <= now {
            next = now + limits.idle_timeout;
        }
        next
    }

    /// Counts an event stream as open until its body is dropped.
    fn exempt_event_stream(self: Arc<Self>, response: Response<Body>) -> Response<Body> {
        let is_event_stream = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_event_stream {
            return response;
        }
        use futures::StreamExt;
        self.event_streams.fetch_add(1, Ordering::Relaxed);
        let open = OpenEventStream(self);
        response.map(|body| {
            Body::from_stream(body.into_data_stream().map(move |chunk| {
                let _open = &open;
                chunk
            }))
        })
    }
}

struct OpenEventStream(Arc<Activity>);

impl Drop for OpenEventStream {
    fn drop(&mut self) {
        self.0.event_streams.fetch_sub(1, Ordering::Relaxed);
        // The stream's end is activity: the idle clock starts from here.
        self.0.moved(false);
    }
}

/// A socket that notes when bytes move.
struct Metered {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Metered {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.moved(true);
        }
        result
    }
}

impl AsyncWrite for Metered {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.moved(false);
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.moved(false);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
