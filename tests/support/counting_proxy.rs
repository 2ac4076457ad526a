//! A counting proxy in front of Prometheus: it forwards every request untouched and logs what
//! each one asked and how many bytes came back, so a test or the benchmark harness sees what a
//! real TUI moves over the wire. Used by `tests/refresh_load.rs` and `benches/harness.rs`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the proxy forwarded and what came back for it.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub at: Instant,
    /// `POST /api/v1/query_range` and the like, without the query string.
    pub method_path: String,
    /// The PromQL of `query=` (URL-decoded), from the query string or the form body.
    pub query: Option<String>,
    /// `start end step` of a range query, as sent.
    pub range: String,
    /// Bytes Prometheus sent back, headers included, as they crossed the wire (gzip if it
    /// was negotiated): what "bytes moved" means.
    pub response_bytes: usize,
}

impl Exchange {
    pub fn is_panel_query(&self) -> bool {
        self.method_path.ends_with("/api/v1/query_range")
            || self.method_path.ends_with("/api/v1/query")
    }
}

type Log = Arc<Mutex<Vec<Exchange>>>;

/// A proxy in front of Prometheus that logs every request.
///
/// Each client connection is piped to its own upstream connection, so keep-alive works as
/// it does without the proxy. The client side is parsed into whole requests (head, then a
/// Content-Length body: reqwest sends forms that way) and each is logged before it is
/// forwarded; the server side is copied as bytes, counted against the connection's latest
/// request. HTTP/1.1 clients (reqwest included) never pipeline, so every byte of a response
/// arrives after its request was forwarded and before the next request on that connection:
/// counting this way needs no parsing of chunked or gzip responses.
pub struct CountingProxy {
    pub url: String,
    log: Log,
}

impl CountingProxy {
    pub fn start(upstream: &str) -> CountingProxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Log::default();
        let accept_log = log.clone();
        // Lives as long as the test binary; it only accepts what the test's TUI sends.
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                pipe_connection(client, server, accept_log.clone());
            }
        });
        CountingProxy { url, log }
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log.lock().unwrap().clone()
    }
}

/// No request is on this connection yet.
const NO_REQUEST: usize = usize::MAX;

fn pipe_connection(client: TcpStream, server: TcpStream, log: Log) {
    let current = Arc::new(AtomicUsize::new(NO_REQUEST));
    let (mut client_in, mut server_out) =
        (client.try_clone().unwrap(), server.try_clone().unwrap());
    let (requests_log, requests_current) = (log.clone(), current.clone());
    std::thread::spawn(move || {
        while let Some(request) = read_request(&mut client_in) {
            let exchange = describe(&request);
            {
                let mut log = requests_log.lock().unwrap();
                requests_current.store(log.len(), Ordering::SeqCst);
                log.push(exchange);
            }
            if server_out.write_all(&request).is_err() {
                break;
            }
        }
        let _ = server_out.shutdown(Shutdown::Both);
    });
    let (mut server_in, mut client_out) = (server, client);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 16 * 1024];
        while let Ok(n) = server_in.read(&mut chunk) {
            if n == 0 {
                break;
            }
            // Counted before the client can see it, so before it can send its next request.
            let i = current.load(Ordering::SeqCst);
            if let Some(exchange) = log.lock().unwrap().get_mut(i) {
                exchange.response_bytes += n;
            }
            if client_out.write_all(&chunk[..n]).is_err() {
                break;
            }
        }
        let _ = client_out.shutdown(Shutdown::Both);
    });
}

/// One whole HTTP/1.1 request (head and Content-Length body); None when the client closes.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte up to the blank line, so nothing of the next request is read ahead.
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    buf.extend_from_slice(&body);
    Some(buf)
}

fn describe(request: &[u8]) -> Exchange {
    let text = String::from_utf8_lossy(request);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut words = head.lines().next().unwrap_or("").split_whitespace();
    let method = words.next().unwrap_or("");
    let target = words.next().unwrap_or("");
    let (path, query_string) = target.split_once('?').unwrap_or((target, ""));
    let form = if body.is_empty() { query_string } else { body };
    let query = form_value(form, "query");
    let range = ["start", "end", "step"]
        .map(|key| form_value(form, key).unwrap_or_default())
        .join(" ");
    Exchange {
        at: Instant::now(),
        method_path: format!("{method} {path}"),
        query,
        range,
        response_bytes: 0,
    }
}

/// The URL-decoded value of `key` in `a=1&b=2` form encoding.
fn form_value(form: &str, key: &str) -> Option<String> {
    let raw = form
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))?;
    let spaced = raw.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy();
    Some(decoded.into_owned())
}

/// Requests grouped into bursts: a new one starts after `quiet` without requests. The first
/// burst is the first load (variables, status and every panel in view); each later one a
/// refresh.
pub fn bursts(exchanges: &[Exchange], quiet: Duration) -> Vec<Vec<Exchange>> {
    let mut out: Vec<Vec<Exchange>> = Vec::new();
    for exchange in exchanges {
        match out.last_mut() {
            Some(burst) if exchange.at.duration_since(burst.last().unwrap().at) < quiet => {
                burst.push(exchange.clone())
            }
            _ => out.push(vec![exchange.clone()]),
        }
    }
    out
}

pub fn bytes_of(burst: &[Exchange]) -> usize {
    burst.iter().map(|e| e.response_bytes).sum()
}

/// Points per series a range query asked (`(end - start) / step + 1`); 1 for an instant
/// query, 0 for other requests.
pub fn points_asked(exchange: &Exchange) -> u64 {
    if exchange.method_path.ends_with("/api/v1/query") {
        return 1;
    }
    if !exchange.method_path.ends_with("/api/v1/query_range") {
        return 0;
    }
    let numbers: Vec<f64> = exchange
        .range
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [start, end, step] if step > 0.0 && end >= start => ((end - start) / step) as u64 + 1,
        _ => 0,
    }
}
