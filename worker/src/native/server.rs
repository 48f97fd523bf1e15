//! A small threaded HTTP/1.1 server (tiny_http) that hands each request to the app.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use super::platform::{NativeState, RequestPlatform};
use crate::http_util::MAX_BODY;

#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {addr}: {message}")]
pub struct ServerError {
    addr: String,
    message: String,
}

/// A running server; dropping it does not stop it (call [`Server::stop`]).
pub struct Server {
    http: Arc<tiny_http::Server>,
    threads: Vec<JoinHandle<()>>,
    addr: SocketAddr,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Listens on `addr` with `threads` worker threads.
    pub fn start(
        state: &Arc<NativeState>,
        addr: &str,
        threads: usize,
    ) -> Result<Server, ServerError> {
        let http = tiny_http::Server::http(addr).map_err(|e| ServerError {
            addr: addr.to_owned(),
            message: e.to_string(),
        })?;
        let http = Arc::new(http);
        let addr = http.server_addr().to_ip().ok_or_else(|| ServerError {
            addr: addr.to_owned(),
            message: "not an IP address".into(),
        })?;
        let threads = (0..threads.max(1))
            .map(|_| {
                let http = Arc::clone(&http);
                let state = Arc::clone(state);
                std::thread::spawn(move || {
                    while let Ok(request) = http.recv() {
                        serve_one(&state, addr, request);
                    }
                })
            })
            .collect();
        Ok(Server {
            http,
            threads,
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting requests and waits for the threads.
    pub fn stop(self) {
        self.http.unblock();
        for _ in 1..self.threads.len() {
            self.http.unblock();
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}

fn serve_one(state: &NativeState, addr: SocketAddr, mut request: tiny_http::Request) {
    let peer = request
        .remote_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let mut body = Vec::new();
    let too_big = request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .is_err();
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("host"))
        .map_or_else(|| addr.to_string(), |h| h.value.as_str().to_owned());
    let is_head = *request.method() == tiny_http::Method::Head;
    let mut builder = http::Request::builder()
        .method(request.method().as_str())
        .uri(format!("http://{host}{}", request.url()));
    for h in request.headers() {
        let name = h.field.as_str().as_str();
        // The client address is the peer's, whatever the request claims.
        if !name.eq_ignore_ascii_case("cf-connecting-ip") {
            builder = builder.header(name, h.value.as_str());
        }
    }
    builder = builder.header("cf-connecting-ip", peer);
    let response = match builder.body(body) {
        Ok(req) if !too_big => {
            let platform = RequestPlatform {
                state,
                deferred: std::cell::RefCell::default(),
            };
            let response = pollster::block_on(crate::handle(&platform, req));
            respond(request, response, is_head);
            platform.run_deferred();
            return;
        }
        _ => {
            let mut r = crate::http_util::text(http::StatusCode::BAD_REQUEST, "Malformed request.");
            crate::security::add_headers(&mut r);
            r
        }
    };
    respond(request, response, is_head);
}

fn respond(request: tiny_http::Request, response: crate::Response, is_head: bool) {
    let status = response.status().as_u16();
    let headers: Vec<tiny_http::Header> = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            tiny_http::Header::from_bytes(name.as_str().as_bytes(), value.as_bytes()).ok()
        })
        .collect();
    let body = if is_head {
        Vec::new()
    } else {
        response.into_body()
    };
    let mut out = tiny_http::Response::from_data(body).with_status_code(status);
    for h in headers {
        out.add_header(h);
    }
    let _ = request.respond(out);
}
