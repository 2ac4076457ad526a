//! What every backend client shares: connection settings, the one place a reqwest client is
//! built, authorisation, a size-capped body read and error descriptions that never show a
//! credential. Prometheus, Grafana, Loki, Jaeger/Tempo and Alertmanager clients sit on this.

use std::time::Duration;

use super::sanitize::{redact_url, sanitize};

/// Largest answer read: dashboards and query answers are well under this, and a jump host's
/// memory is not.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// How to reach one backend; credentials never appear in `Debug` or messages.
#[derive(Clone)]
pub struct Connection {
    pub url: String,
    pub timeout: Duration,
    pub bearer_token: Option<String>,
    pub basic_auth: Option<(String, String)>,
    /// Extra headers, e.g. `X-Scope-OrgID` for Mimir, Cortex and Loki tenants.
    pub headers: Vec<(String, String)>,
    /// PEM of CA certificates to trust besides the system's.
    pub ca_pem: Option<Vec<u8>>,
    /// PEM with a client certificate and its private key (mutual TLS).
    pub client_identity_pem: Option<Vec<u8>>,
    /// Accept any server certificate. Only with an explicit flag; the status line says so.
    pub insecure_skip_verify: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("url", &redact_url(&self.url))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Connection {
    pub fn new(url: &str) -> Self {
        Connection {
            url: url.to_string(),
            timeout: Duration::from_secs(30),
            bearer_token: None,
            basic_auth: None,
            headers: Vec::new(),
            ca_pem: None,
            client_identity_pem: None,
            insecure_skip_verify: false,
        }
    }

    /// A drill-down backend (Loki, Jaeger, Tempo, Alertmanager): answers come while someone
    /// waits in a pane, so 15 s, not Prometheus's 30 s.
    pub fn drill_down(url: &str) -> Self {
        let mut connection = Connection::new(url);
        connection.timeout = Duration::from_secs(15);
        connection
    }

    /// Checks the URL is http(s) and moves credentials written into it to basic auth, so the
    /// URL can be shown anywhere. `what` names the backend in the error.
    pub fn validated(mut self, what: &str) -> Result<Self, String> {
        let invalid = || format!("invalid {what} URL {:?}", sanitize(&redact_url(&self.url)));
        let mut parsed = reqwest::Url::parse(self.url.trim()).map_err(|_| invalid())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "{what} URL {:?} is not http(s)",
                sanitize(&redact_url(&self.url))
            ));
        }
        if !parsed.username().is_empty() {
            let user = parsed.username().to_string();
            let pass = parsed.password().unwrap_or_default().to_string();
            self.basic_auth.get_or_insert((user, pass));
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
        }
        self.url = parsed.as_str().trim_end_matches('/').to_string();
        self.bearer_token = self.bearer_token.filter(|t| !t.is_empty());
        Ok(self)
    }

    /// The one reqwest client builder of the program.
    pub fn build_client(&self) -> Result<reqwest::Client, String> {
        // rustls needs a process-wide crypto provider; ring keeps the build free of cmake.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(5).min(self.timeout))
            .user_agent(concat!("triage/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(self.insecure_skip_verify);
        if self.url.starts_with("http://") {
            // A plain-http backend needs no certificate roots: reading the system's (hundreds
            // of certificates) was a tenth of a `render`'s start and memory the TUI kept. A
            // redirect to https is then refused with its reason rather than a TLS error.
            builder = builder
                .tls_certs_only(std::iter::empty())
                .redirect(reqwest::redirect::Policy::custom(refuse_https_redirect));
        }
        if let Some(pem) = &self.ca_pem {
            for cert in reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| format!("CA certificates: {e}"))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some(pem) = &self.client_identity_pem {
            let identity =
                reqwest::Identity::from_pem(pem).map_err(|e| format!("client certificate: {e}"))?;
            builder = builder.identity(identity);
        }
        builder.build().map_err(|e| sanitize(&e.to_string()))
    }

    /// Asks for JSON (`Accept: application/json`) unless the configured headers already say
    /// what to accept: trace backends answer protobuf or HTML otherwise.
    pub fn accepting_json(mut self) -> Self {
        if !self
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("accept"))
        {
            self.headers
                .push(("Accept".into(), "application/json".into()));
        }
        self
    }

    /// Adds the credentials and extra headers to a request.
    pub fn authorise(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(token) = &self.bearer_token {
            request = request.bearer_auth(token);
        } else if let Some((user, pass)) = &self.basic_auth {
            request = request.basic_auth(user, Some(pass));
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    /// The URL without credentials; says when TLS verification is off.
    pub fn display_url(&self) -> String {
        if self.insecure_skip_verify {
            format!("{} ⚠ TLS unverified", redact_url(&self.url))
        } else {
            redact_url(&self.url)
        }
    }
}

/// Why reading a body failed.
#[derive(Debug)]
pub enum ReadError {
    /// The connection broke while reading.
    Broken(reqwest::Error),
    /// More than `MAX_RESPONSE_BYTES`.
    TooLarge,
}

/// Reads a response in chunks so an enormous answer is refused before it fills memory.
/// Returns the status, the `Content-Type` and the body.
pub async fn read_capped(
    mut response: reqwest::Response,
) -> Result<(u16, String, Vec<u8>), ReadError> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Broken)? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, content_type, body))
}

/// reqwest's message without the URL (it may hold credentials), with its causes.
pub fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".into();
    }
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        message = format!("{message}: {inner}");
        source = inner.source();
    }
    sanitize(&message)
}

/// The first line of a body, at most 200 characters (for error messages).
pub fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(200)
        .collect()
}

/// The redirect rule of a client made for a plain-http URL (reqwest's default limit of 10 kept).
fn refuse_https_redirect(attempt: reqwest::redirect::Attempt) -> reqwest::redirect::Action {
    if attempt.url().scheme() == "https" {
        let to = redact_url(attempt.url().as_str());
        attempt.error(format!("redirected to {to}: give the https URL instead"))
    } else if attempt.previous().len() >= 10 {
        attempt.error("too many redirects")
    } else {
        attempt.follow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client for a plain-http URL loads no certificate roots, so a redirect to https is
    /// refused, saying so (with the URL's password left out), instead of failing in TLS.
    #[tokio::test]
    async fn a_plain_http_backend_redirected_to_https_says_so() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 302 Found\r\nLocation: https://u:pw@prom.example/\r\nContent-Length: 0\r\n\r\n",
            );
        });
        let connection = Connection::new(&url).validated("Prometheus").unwrap();
        let client = connection.build_client().unwrap();
        let error = client.get(&url).send().await.unwrap_err();
        let text = describe(error);
        assert!(text.contains("give the https URL instead"), "{text}");
        assert!(!text.contains("pw@"), "{text}");
    }

    #[test]
    fn credentials_in_the_url_become_basic_auth() {
        let c = Connection::new("https://user:secret@prom.example/")
            .validated("Prometheus")
            .unwrap();
        assert_eq!(c.url, "https://prom.example");
        assert_eq!(c.basic_auth, Some(("user".into(), "secret".into())));
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn only_http_urls_are_accepted() {
        let e = Connection::new("ftp://x").validated("Loki").unwrap_err();
        assert!(e.contains("Loki URL") && e.contains("not http(s)"), "{e}");
        let e = Connection::new("not a url")
            .validated("Jaeger")
            .unwrap_err();
        assert!(e.contains("invalid Jaeger URL"), "{e}");
    }

    #[test]
    fn an_empty_token_is_no_token() {
        let mut c = Connection::new("http://g");
        c.bearer_token = Some(String::new());
        assert_eq!(c.validated("Grafana").unwrap().bearer_token, None);
    }
}
