//! A real SMTP server on loopback that records what it receives, and the
//! emails as a test reads them.

use std::io;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{self, Response};

use super::eventually;

/// Whether `text` has Korean letters (a notice written in Korean).
pub fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// One email as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedEmail {
    /// The envelope sender: no test asks it yet, but it is printed with the
    /// rest when a test shows what arrived.
    #[allow(dead_code)]
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedEmail {
    /// The decoded subject.
    pub fn subject(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .and_then(|m| m.subject().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The decoded plain-text body.
    pub fn text(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }

    /// The decoded HTML part, if the message has one.
    pub fn html(&self) -> Option<String> {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .and_then(|m| m.body_html(0).map(|t| t.into_owned()))
    }

    /// The six-digit code in a verification email.
    pub fn code(&self) -> String {
        let text = self.text();
        text.lines()
            .filter_map(|l| l.rsplit_once(": ").map(|(_, v)| v.trim().to_owned()))
            .find(|v| v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in: {text}"))
    }

    /// The path of the first link to `prefix` (`/v/`, `/r/`) in the body.
    pub fn link(&self, prefix: &str) -> String {
        let text = self.text();
        let start = text
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in: {text}"));
        text[start..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

#[derive(Clone, Default)]
struct Recorder {
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
    current: Option<ReceivedEmail>,
}

impl mailin_embedded::Handler for Recorder {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(ReceivedEmail {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(done) = self.current.take() {
            self.inbox.lock().expect("inbox").push(done);
        }
        response::OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }
}

/// A real SMTP server on loopback that keeps every message it receives.
#[derive(Clone)]
pub struct TestSmtp {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
}

impl TestSmtp {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        Self::serve(listener)
    }

    /// A port nothing listens on yet; `start_on` it later.
    pub fn reserve_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    }

    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind smtp on the reserved port");
        Self::serve(listener)
    }

    fn serve(listener: TcpListener) -> Self {
        let port = listener.local_addr().expect("addr").port();
        let recorder = Recorder::default();
        let inbox = recorder.inbox.clone();
        let mut server = mailin_embedded::Server::new(recorder);
        server
            .with_name("smtp.test")
            .with_ssl(mailin_embedded::SslConfig::None)
            .expect("ssl config")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(e) = server.serve() {
                eprintln!("test SMTP server stopped: {e}");
            }
        });
        Self { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedEmail> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// The messages sent to `address`.
    pub fn to(&self, address: &str) -> Vec<ReceivedEmail> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Waits for the `n`th message to `address` and returns it.
    pub async fn wait_for_to(&self, address: &str, n: usize) -> ReceivedEmail {
        eventually(&format!("email {n} to {address}"), || {
            self.to(address).into_iter().nth(n - 1)
        })
        .await
    }

    /// Waits until at least `n` messages arrived (or panics after 15 s).
    pub async fn wait_for(&self, n: usize) -> Vec<ReceivedEmail> {
        eventually("emails to arrive", || {
            let got = self.received();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}
