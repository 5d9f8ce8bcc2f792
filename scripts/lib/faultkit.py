"""What the fault tests (scripts/fault) and the soak (scripts/soak) share:
the desk's release binary run as a process, a throwaway PostgreSQL
cluster, an SMTP receiver and a webhook receiver on loopback that record
what they are given, an HTTP client that tells a definite answer from a
lost one, and the database read back.

Python's standard library only, so nothing is installed to run them.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Failure(AssertionError):
    """A property a fault test checks does not hold."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(message, flush=True)


def wait_until(what: str, condition, timeout: float, every: float = 0.1):
    """Polls `condition` until it returns something truthy; raises Failure
    naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


# --------------------------------------------------------------------------
# SMTP receiver


@dataclass
class Received:
    message_id: str
    recipients: list[str]
    data: bytes

    def parsed(self):
        return email.parser.BytesParser(policy=email.policy.default).parsebytes(self.data)

    def subject(self) -> str:
        return str(self.parsed()["subject"] or "")

    def text(self) -> str:
        body = self.parsed().get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""


class _SmtpSession(asyncio.Protocol):
    """One SMTP conversation. A message is recorded and its 250 written in
    the same callback, so a message is either recorded and acknowledged or
    neither: closing the connection later flushes the 250 first."""

    def __init__(self, sink: "SmtpSink"):
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.recipients: list[str] = []
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        self.sink._sessions.add(self)
        transport.write(b"220 sink.test ESMTP\r\n")

    def connection_lost(self, exc):
        self.sink._sessions.discard(self)

    def _take(self, recipients: list[str], body: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.sink._record(recipients, body)
        self.transport.write(b"250 2.0.0 queued\r\n")

    def data_received(self, data: bytes):
        # Acknowledge at once: a delayed ACK holds back the small last write
        # of a client that waits for it (Nagle), 40 ms an email.
        sock = self.transport.get_extra_info("socket")
        if sock is not None and hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        self.buffer += data
        while self.transport is not None and not self.transport.is_closing():
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0 and self.buffer.startswith(b".\r\n"):
                    body, self.buffer = b"", self.buffer[3:]
                elif end < 0:
                    return
                else:
                    body, self.buffer = self.buffer[: end + 2], self.buffer[end + 5 :]
                lines = body.split(b"\r\n")
                body = b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)
                self.in_data = False
                recipients, self.recipients = list(self.recipients), []
                if self.sink.delay:
                    # Taken (and answered) later, unless the connection is
                    # closed meanwhile: then it was not taken at all.
                    asyncio.get_running_loop().call_later(self.sink.delay, self._take, recipients, body)
                    continue
                self._take(recipients, body)
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end].decode("utf-8", "replace"), self.buffer[end + 2 :]
            verb = line[:4].upper()
            if verb == "EHLO":
                self.transport.write(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "HELO":
                self.transport.write(b"250 sink.test\r\n")
            elif verb == "MAIL":
                self.recipients = []
                self.transport.write(b"250 2.1.0 ok\r\n")
            elif verb == "RCPT":
                match = re.search(r"<([^>]*)>", line)
                self.recipients.append(match.group(1) if match else line[8:].strip())
                self.transport.write(b"250 2.1.5 ok\r\n")
            elif verb == "DATA":
                self.in_data = True
                self.transport.write(b"354 end with <CRLF>.<CRLF>\r\n")
            elif verb in ("RSET", "NOOP"):
                self.recipients = []
                self.transport.write(b"250 2.0.0 ok\r\n")
            elif verb == "QUIT":
                self.transport.write(b"221 2.0.0 bye\r\n")
                self.transport.close()
            else:
                self.transport.write(b"502 5.5.2 not implemented\r\n")


class SmtpSink:
    """An SMTP server on a fixed loopback port that can be taken down
    (listener closed, every open connection closed after what was already
    answered is flushed) and brought up again on the same port. A message
    counts as received once its 250 is written, never otherwise."""

    def __init__(self, port: int | None = None, delay: float = 0.0):
        self.port = port or free_port()
        # Seconds each message takes to be accepted (a slow server keeps
        # the desk's delivery busy).
        self.delay = delay
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp-sink", daemon=True)
        self._thread.start()
        self._server = None
        self._sessions: set[_SmtpSession] = set()
        self._lock = threading.Lock()
        self._messages: list[Received] = []

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def _record(self, recipients: list[str], data: bytes) -> None:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
        message_id = " ".join(str(headers.get("Message-ID", "")).split())
        with self._lock:
            self._messages.append(Received(message_id, recipients, data))

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def up(self) -> None:
        async def start():
            if self._server is None:
                self._server = await self._loop.create_server(
                    lambda: _SmtpSession(self), "127.0.0.1", self.port, reuse_address=True
                )

        self._run(start())

    def down(self) -> None:
        async def stop():
            if self._server is not None:
                self._server.close()
                self._server = None
            for session in list(self._sessions):
                if session.transport is not None:
                    session.transport.close()

        self._run(stop())

    @property
    def is_up(self) -> bool:
        return self._server is not None

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def message_ids(self) -> Counter:
        return Counter(m.message_id for m in self.messages())

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages() if address in m.recipients]

    def close(self) -> None:
        self.down()
        self._loop.call_soon_threadsafe(self._loop.stop)


# --------------------------------------------------------------------------
# Webhook receiver


class WebhookSink:
    """An HTTP receiver that answers 204 and counts each `webhook-id`."""

    def __init__(self):
        sink = self
        self.ids: Counter = Counter()
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                delivery = self.headers.get("webhook-id") or ""
                with sink._lock:
                    sink.ids[delivery] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="webhook-sink", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.ids)

    def close(self) -> None:
        self._server.shutdown()


# --------------------------------------------------------------------------
# HTTP


@dataclass
class Answer:
    """What one HTTP exchange came to. `status` is None when no status line
    arrived: `refused` means the connection was refused (the request never
    left), otherwise the request may or may not have been acted on."""

    status: int | None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    refused: bool = False
    error: str = ""
    started: float = 0.0
    elapsed: float = 0.0

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def exchange(
    port: int,
    method: str,
    path: str,
    headers: dict | None = None,
    body: bytes | None = None,
    timeout: float = 30.0,
) -> Answer:
    """One request on a fresh connection (so a failure belongs to it alone)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        try:
            conn.connect()
        except OSError as e:  # refused, or no connection at all: nothing was sent
            return Answer(None, refused=True, error=f"{type(e).__name__}: {e}", started=started,
                          elapsed=time.monotonic() - started)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
        except Exception as e:  # noqa: BLE001 - every failure here means no answer
            return Answer(None, error=f"{type(e).__name__}: {e}", started=started, elapsed=time.monotonic() - started)
        got = {}
        for name, value in response.getheaders():
            got.setdefault(name.lower(), value)
        cookies = [v for n, v in response.getheaders() if n.lower() == "set-cookie"]
        got["set-cookie"] = cookies
        try:
            data = response.read()
        except Exception as e:  # noqa: BLE001 - the status was given; the body is lost
            data = b""
            got["x-body-error"] = f"{type(e).__name__}: {e}"
        return Answer(response.status, got, data, started=started, elapsed=time.monotonic() - started)
    finally:
        conn.close()


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


class Browser:
    """A browser as far as the desk can tell: cookies and CSRF tokens."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Accept-Language": "en", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep(self, answer: Answer) -> Answer:
        for cookie in answer.headers.get("set-cookie", []) if answer.status else []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer

    def get(self, path: str, timeout: float = 30.0) -> Answer:
        return self._keep(exchange(self.port, "GET", path, self._headers(), timeout=timeout))

    def csrf(self, path: str) -> str:
        answer = self.get(path)
        match = CSRF_RE.search(answer.text())
        check(answer.status == 200 and match is not None, f"no CSRF token on {path}: {answer.status} {answer.error}")
        return match.group(1)

    def post_form(self, path: str, fields: list[tuple[str, str]], timeout: float = 30.0) -> Answer:
        from urllib.parse import urlencode

        headers = self._headers({"Content-Type": "application/x-www-form-urlencoded"})
        return self._keep(exchange(self.port, "POST", path, headers, urlencode(fields).encode(), timeout))

    def post_multipart(self, path: str, fields: list[tuple[str, str]], timeout: float = 30.0) -> Answer:
        boundary = "fault" + uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = self._headers({"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return self._keep(exchange(self.port, "POST", path, headers, body, timeout))


KINDS = ["access", "correction", "deletion", "suspension"]
REFERENCE_RE = re.compile(r"^/requests/([^/]+)/submitted$")


@dataclass
class Submission:
    """One post of the public form and what came of it."""

    email: str
    kind: str
    answer: Answer | None = None

    @property
    def outcome(self) -> str:
        """`accepted` (a 303 to the receipt), `refused` (no connection was
        made: it never reached a server), `answered` (a definite answer
        other than 303) or `unknown` (no answer: the desk may or may not
        have stored it)."""
        a = self.answer
        if a is None:
            return "unsent"
        if a.status == 303 and REFERENCE_RE.match(a.header("location")):
            return "accepted"
        if a.status is not None:
            return "answered"
        return "refused" if a.refused else "unknown"

    @property
    def reference(self) -> str | None:
        match = REFERENCE_RE.match(self.answer.header("location")) if self.answer else None
        return match.group(1) if match else None


def form_fields(csrf: str, kind: str, email_address: str, name: str) -> list[tuple[str, str]]:
    fields = [
        ("csrf_token", csrf),
        ("kind", kind),
        ("on_behalf", "self"),
        ("requester_name", name),
        ("requester_email", email_address),
        ("details", "Please act on my personal data."),
    ]
    if kind == "correction":
        fields.append(("correction", "Name: Kim Minj -> Kim Minji"))
    return fields


class FormPoster:
    """Posts the public form as one browser (one CSRF cookie and token,
    which stay valid across restarts of a desk with the same secret key)."""

    def __init__(self, port: int, tag: str):
        self.port = port
        self.tag = tag
        self.browser = Browser(port)
        self.token = self.browser.csrf("/requests/new")
        self._n = 0
        self._lock = threading.Lock()

    def submit(self, kind: str | None = None, timeout: float = 30.0) -> Submission:
        with self._lock:
            self._n += 1
            n = self._n
        kind = kind or KINDS[n % len(KINDS)]
        address = f"{self.tag}-{n}-{uuid.uuid4().hex[:8]}@example.com"
        submission = Submission(address, kind)
        started = time.monotonic()
        try:
            submission.answer = self.browser.post_multipart(
                "/requests", form_fields(self.token, kind, address, f"Fault {self.tag} {n}"), timeout
            )
        except Exception as e:  # noqa: BLE001 - whatever it was, the post's fate is unknown
            submission.answer = Answer(None, error=f"{type(e).__name__}: {e}", started=started,
                                       elapsed=time.monotonic() - started)
        return submission


def summarise(submissions: list[Submission]) -> Counter:
    return Counter(s.outcome for s in submissions)


# --------------------------------------------------------------------------
# PostgreSQL


def pg_bin() -> str | None:
    found = None
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if (candidate / "initdb").exists():
            found = str(candidate)
    if found is None and shutil.which("initdb"):
        found = str(Path(shutil.which("initdb")).parent)
    return found


class PgCluster:
    """A throwaway cluster in a temporary folder on a free port. It commits
    synchronously (a stop, even an immediate one, keeps every commit that
    was acknowledged) and is deleted by `destroy`."""

    def __init__(self):
        self.bin = pg_bin()
        if self.bin is None:
            raise Failure("no PostgreSQL server binaries (initdb, pg_ctl) found")
        self.dir = tempfile.mkdtemp(prefix="rightsdesk-fault-pg.")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.root = os.getuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres")
        self._as_pg([f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust",
                     "--encoding=UTF8", "--locale=C"])
        self.start()

    def _as_pg(self, argv: list[str]) -> None:
        if self.root:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=200")
        self._as_pg([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w",
                     "-o", options, "start"])

    def stop(self, mode: str = "fast") -> None:
        self._as_pg([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", mode, "-w", "stop"])

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        Database(self.url("postgres"), self.bin).execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------
# The database, read back


class Database:
    """Runs SQL on the desk's database from outside the desk: SQLite through
    Python's sqlite3, PostgreSQL through psql. Rows come back as tuples of
    strings (None for NULL)."""

    SEP = "\x1f"

    def __init__(self, url: str, bin_dir: str | None = None):
        self.url = url
        self.bin = bin_dir or pg_bin()

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgres")

    def rows(self, sql: str) -> list[tuple]:
        if self.is_postgres:
            out = subprocess.run(
                [f"{self.bin}/psql", "-X", "-q", "-A", "-t", "-F", self.SEP, "-P", "null=\x1e",
                 "-v", "ON_ERROR_STOP=1", "-d", self.url, "-c", sql],
                check=True, capture_output=True, text=True,
            ).stdout
            result = []
            # Not splitlines(): it also splits at the \x1e that marks NULL.
            for line in out.split("\n"):
                if line == "":
                    continue
                result.append(tuple(None if v == "\x1e" else v for v in line.split(self.SEP)))
            return result
        path = self.url.removeprefix("sqlite://")
        conn = sqlite3.connect(path, timeout=30)
        try:
            return [tuple(None if v is None else str(v) for v in row) for row in conn.execute(sql)]
        finally:
            conn.close()

    def execute(self, sql: str) -> None:
        if self.is_postgres:
            self.rows(sql)
        else:
            conn = sqlite3.connect(self.url.removeprefix("sqlite://"), timeout=30)
            try:
                conn.execute(sql)
                conn.commit()
            finally:
                conn.close()

    def scalar(self, sql: str) -> str | None:
        rows = self.rows(sql)
        return rows[0][0] if rows else None


@dataclass
class Snapshot:
    """The rows the fault checks read: requests, their audit events and
    their emails."""

    requests: dict[str, tuple]  # id -> (reference, requester_email, status)
    by_reference: dict[str, str]  # reference -> id
    by_email: dict[str, str]  # requester_email -> id
    received_events: Counter  # request id -> number of request.received events
    events: Counter  # request id -> number of events
    emails: dict[str, list[tuple]]  # request id -> [(message_id, status, subject, recipient)]
    outbox: list[tuple]  # (id, request_id, message_id, status, attempts, claimed_until, recipient, subject)


def snapshot(db: Database) -> Snapshot:
    requests = {}
    by_reference = {}
    by_email = {}
    for rid, reference, address, status in db.rows("SELECT id, reference, requester_email, status FROM requests"):
        requests[rid] = (reference, address, status)
        by_reference[reference] = rid
        by_email[address] = rid
    received = Counter()
    events = Counter()
    for rid, action, n in db.rows(
        "SELECT request_id, action, count(*) FROM audit_events WHERE request_id IS NOT NULL GROUP BY request_id, action"
    ):
        events[rid] += int(n)
        if action == "request.received":
            received[rid] += int(n)
    outbox = db.rows(
        "SELECT id, request_id, message_id, status, attempts, claimed_until, recipient, subject FROM email_outbox"
    )
    emails: dict[str, list[tuple]] = {}
    for _, rid, message_id, status, _, _, recipient, subject in outbox:
        if rid is not None:
            emails.setdefault(rid, []).append((message_id, status, subject, recipient))
    return Snapshot(requests, by_reference, by_email, received, events, emails, outbox)


def whole_rows_problems(snap: Snapshot, tags: tuple[str, ...] | None = None) -> list[str]:
    """Requests written without their audit event or their email (of those
    whose requester's address has one of `tags`, when given)."""
    problems = []
    for rid, (reference, address, _) in snap.requests.items():
        if tags is not None and not any(tag in address for tag in tags):
            continue
        if snap.received_events[rid] != 1:
            problems.append(f"{reference}: {snap.received_events[rid]} request.received events")
        if not snap.emails.get(rid):
            problems.append(f"{reference}: no email")
    return problems


def outbox_counts(db: Database) -> Counter:
    return Counter({status: int(n) for status, n in db.rows("SELECT status, count(*) FROM email_outbox GROUP BY status")})


def exactly_once_problems(snap: Snapshot, sink: SmtpSink) -> list[str]:
    """Every email of the outbox sent, and received exactly once by
    Message-ID; nothing received that the outbox does not have."""
    problems = []
    received = sink.message_ids()
    known = set()
    for _, rid, message_id, status, attempts, _, _, _ in snap.outbox:
        known.add(message_id)
        if status != "sent":
            problems.append(f"email {message_id} is {status} after {attempts} attempts")
        if received[message_id] != 1:
            problems.append(f"email {message_id} received {received[message_id]} times")
    for message_id, n in received.items():
        if message_id not in known:
            problems.append(f"received {message_id} ({n}x), which the outbox does not have")
    return problems


# --------------------------------------------------------------------------
# The desk


def new_secret() -> str:
    import base64

    return base64.b64encode(os.urandom(32)).decode()


class DeskProcess:
    """One `rightsdesk serve` process (restartable on the same port, with
    the same settings), its log appended to `log_path`."""

    def __init__(self, binary: str, env: dict[str, str], work: str, name: str = "desk", port: int | None = None):
        self.binary = binary
        self.name = name
        self.port = port or free_port()
        self.log_path = os.path.join(work, f"{name}.log")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("RIGHTSDESK_")}
        self.env.update(
            {
                "RIGHTSDESK_BIND": f"127.0.0.1:{self.port}",
                "RIGHTSDESK_BASE_URL": f"http://127.0.0.1:{self.port}",
                "RIGHTSDESK_LOG": "info",
            }
        )
        self.env.update(env)
        self.process: subprocess.Popen | None = None
        self.cwd = work

    def run(self, *args: str, stdin: str | None = None) -> str:
        """Runs a command of the binary (not `serve`) with the desk's
        settings; returns its standard output."""
        done = subprocess.run(
            [self.binary, *args], env=self.env, cwd=self.cwd, input=stdin, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise Failure(f"rightsdesk {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def start(self, wait: bool = True) -> None:
        logfile = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve"], env=self.env, cwd=self.cwd, stdout=logfile, stderr=subprocess.STDOUT
        )
        logfile.close()
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        def ready():
            if self.process is not None and self.process.poll() is not None:
                raise Failure(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            return exchange(self.port, "GET", "/readyz", timeout=5).status == 200

        wait_until(f"{self.name} to be ready", ready, timeout, 0.05)

    def kill9(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def log_count(self, needle: str) -> int:
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace").count(needle)

    def log_lines(self, needle: str) -> list[str]:
        with open(self.log_path, "rb") as f:
            return [line for line in f.read().decode("utf-8", "replace").splitlines() if needle in line]

    def audit_verify(self) -> str:
        return self.run("audit", "verify").strip()


def desk_env(database_url: str, data_dir: str, secret: str, smtp: SmtpSink | None, **extra: str) -> dict:
    env = {
        "RIGHTSDESK_DATABASE_URL": database_url,
        "RIGHTSDESK_DATA_DIR": data_dir,
        "RIGHTSDESK_SECRET_KEY": secret,
        "RIGHTSDESK_RATE_LIMIT": "100000",
        "RIGHTSDESK_JOB_INTERVAL": "200ms",
        "RIGHTSDESK_MAIL_RETRY_BASE": "500ms",
        "RIGHTSDESK_WEBHOOK_RETRY_BASE": "500ms",
        "RIGHTSDESK_MAIL_FROM": "Rightsdesk Fault <privacy@fault.test>",
        # The webhook receivers listen on loopback.
        "RIGHTSDESK_WEBHOOK_ALLOW": "127.0.0.1",
    }
    if smtp is not None:
        env["RIGHTSDESK_SMTP_URL"] = smtp.url
    env.update({f"RIGHTSDESK_{k.upper()}": v for k, v in extra.items()})
    return env
