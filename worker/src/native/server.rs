//! The native HTTP server: hyper (HTTP/1.1, keep-alive) on one single-threaded tokio runtime
//! per core, each accepting from the same listening socket (as nginx's workers do: no
//! hand-offs or wake-ups between threads). Each request is read with a body limit, handed to
//! the app on a blocking thread (the app's platform is synchronous SQLite), and answered before
//! its deferred writes run, as `waitUntil` does at the edge. Redirects, whose one read is a map
//! lookup and whose one write is an append to the click journal, run on the runtime's own
//! thread instead. Malformed requests get hyper's 400; headers that are not text get the app's
//! 400. [`Server::stop`] stops accepting and lets open requests finish.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::platform::{NativeState, RequestPlatform};
use crate::http_util::MAX_BODY;

#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {addr}: {message}")]
pub struct ServerError {
    addr: String,
    message: String,
}

/// How long a request's headers may take to arrive (slow-loris), and how long `stop` waits
/// for open requests.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Request headers, all together.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// A running server; dropping it does not stop it (call [`Server::stop`]).
pub struct Server {
    addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    thread: std::thread::JoinHandle<()>,
    signals: tokio::sync::watch::Receiver<bool>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Listens on `addr`; `threads` is the number of threads that run the app (requests in
    /// parallel), besides the runtimes' own.
    pub fn start(
        state: &Arc<NativeState>,
        addr: &str,
        threads: usize,
    ) -> Result<Server, ServerError> {
        let error = |e: &dyn std::fmt::Display| ServerError {
            addr: addr.to_owned(),
            message: e.to_string(),
        };
        let listener = std::net::TcpListener::bind(addr).map_err(|e| error(&e))?;
        listener.set_nonblocking(true).map_err(|e| error(&e))?;
        let local = listener.local_addr().map_err(|e| error(&e))?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let (signalled, signals) = tokio::sync::watch::channel(false);
        let mut signalled = Some(signalled);
        let loops = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let mut running = Vec::with_capacity(loops);
        for i in 0..loops {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .max_blocking_threads((threads / loops).max(1))
                .enable_all()
                .build()
                .map_err(|e| error(&e))?;
            let listener = listener.try_clone().map_err(|e| error(&e))?;
            let (state, stopped) = (Arc::clone(state), stopped.clone());
            // The first runtime listens for SIGINT and SIGTERM.
            let signalled = signalled.take();
            let thread = std::thread::Builder::new()
                .name(format!("serve-{i}"))
                .spawn(move || {
                    if let Some(signalled) = signalled {
                        runtime.spawn(async move {
                            if shutdown_signal().await {
                                let _ = signalled.send(true);
                            }
                        });
                    }
                    runtime.block_on(async move {
                        match tokio::net::TcpListener::from_std(listener) {
                            Ok(listener) => accept(listener, state, stopped).await,
                            Err(e) => eprintln!("error: cannot listen on the runtime: {e}"),
                        }
                    });
                })
                .map_err(|e| error(&e))?;
            running.push(thread);
        }
        let thread = std::thread::spawn(move || {
            for thread in running {
                let _ = thread.join();
            }
        });
        Ok(Server {
            addr: local,
            stop,
            thread,
            signals,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for SIGINT (Ctrl-C) or SIGTERM (systemd, a container runtime), then stops
    /// gracefully.
    pub fn stop_on_signal(mut self) {
        let _ = tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(self.signals.wait_for(|s| *s)).map(drop));
        self.stop();
    }

    /// Stops accepting connections, lets the requests in flight finish (10 s at most), and
    /// returns when the server is down.
    pub fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.thread.join();
    }
}

/// True once SIGINT or SIGTERM arrives.
async fn shutdown_signal() -> bool {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return false;
        };
        tokio::select! {
            _ = interrupt.recv() => true,
            _ = terminate.recv() => true,
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.is_ok()
    }
}

async fn accept(
    listener: tokio::net::TcpListener,
    state: Arc<NativeState>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => break,
        };
        let Ok((stream, peer)) = accepted else {
            // Out of file descriptors and the like: wait a moment rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let service = hyper::service::service_fn(move |req| answer(Arc::clone(&state), peer, req));
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .max_buf_size(MAX_HEADER_BYTES.max(8192))
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request is not an error of ours.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}

fn plain(status: http::StatusCode, text: &str) -> http::Response<Full<Bytes>> {
    let mut r = crate::http_util::text(status, text);
    crate::security::add_headers(&mut r);
    r.map(|b| Full::new(Bytes::from(b)))
}

/// One request: read (at most [`MAX_BODY`] + 1 bytes, so the app can say 413), answer on a
/// blocking thread, then run what the app deferred.
async fn answer(
    state: Arc<NativeState>,
    peer: SocketAddr,
    req: hyper::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let (mut parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY + 1).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            return Ok(plain(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "The request is too large.",
            ));
        }
        Err(_) => {
            return Ok(plain(http::StatusCode::BAD_REQUEST, "Malformed request."));
        }
    };
    // The app sees absolute URIs, as at the edge.
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .map_or_else(|| "127.0.0.1".to_owned(), str::to_owned);
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str)
        .to_owned();
    // Behind a reverse proxy on this machine (`TRUST_PROXY=1`), the origin the browser used is
    // the proxy's: the scheme and host it forwards (a TLS proxy sends `https`), so the
    // same-origin check compares with what the browser sent. Without it, the request's own.
    let trust_proxy = state.env.get("TRUST_PROXY").is_some_and(|v| v == "1");
    let forwarded_header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let (scheme, host) = match (
        trust_proxy,
        forwarded_header("x-forwarded-proto"),
        forwarded_header("x-forwarded-host"),
    ) {
        (true, proto, forwarded_host) => (
            match proto {
                Some("https") => "https",
                _ => "http",
            },
            forwarded_host.map_or(host, str::to_owned),
        ),
        (false, ..) => ("http", host),
    };
    let Ok(uri) = format!("{scheme}://{host}{path}").parse::<http::Uri>() else {
        return Ok(plain(http::StatusCode::BAD_REQUEST, "Malformed request."));
    };
    parts.uri = uri;
    // Behind a reverse proxy on this machine (`TRUST_PROXY=1`), the client is the address the
    // proxy appended last to X-Forwarded-For; otherwise the peer, whatever the request claims.
    let forwarded = trust_proxy
        .then(|| {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        })
        .flatten();
    let client = forwarded.unwrap_or_else(|| peer.ip());
    parts.headers.remove("cf-connecting-ip");
    // Only the edge knows a client's network (see `Platform::client_network`).
    parts.headers.remove(crate::platform::ASN_HEADER);
    if let Ok(ip) = http::HeaderValue::from_str(&client.to_string()) {
        parts.headers.insert("cf-connecting-ip", ip);
    }
    let is_head = parts.method == http::Method::HEAD;
    let is_redirect = parts.method == http::Method::GET && parts.uri.path().starts_with("/r/");
    let request = crate::Request::from_parts(parts, body);
    let answered = if is_redirect {
        // Nothing in a redirect blocks; its click row is appended with those of the other
        // redirects this runtime answers in the same pass, before the answer goes out.
        let platform = RequestPlatform::gathering_clicks(&state);
        let response = pollster::block_on(crate::handle(&platform, request));
        let clicks = platform.take_gathered();
        let deferred = platform.into_deferred();
        if !deferred.is_empty() {
            let state = Arc::clone(&state);
            tokio::task::spawn_blocking(move || state.run_deferred(deferred));
        }
        state.db.record_clicks_together(&clicks).await;
        Some(response)
    } else {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        tokio::task::spawn_blocking(move || {
            let platform = RequestPlatform::new(&state);
            let response = pollster::block_on(crate::handle(&platform, request));
            let _ = sender.send(response);
            platform.run_deferred();
        });
        receiver.await.ok()
    };
    let Some(response) = answered else {
        return Ok(plain(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. Please try again.",
        ));
    };
    Ok(response.map(|body| {
        if is_head {
            Full::new(Bytes::new())
        } else {
            Full::new(Bytes::from(body))
        }
    }))
}
