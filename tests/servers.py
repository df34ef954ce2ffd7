"""Real gunicorn server processes for tests and benchmarks that go through the whole HTTP stack.

Each server gets a listening socket bound here, on a free port of 127.0.0.1, and inherits it
(``--bind fd://N``): no other process can take the port between choosing and binding it. Its
output goes to a log file that failures quote, and it is always stopped, with SIGTERM first.
``page_forms`` reads the forms of the pages they serve, as a browser would submit them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

# Every process shares it, so a session cookie or CSRF token from one is valid on the others.
SHARED_SECRET_KEY = "confkit-http-tests-shared-secret"
WEBAPP = "webapp:create_app()"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# Lines that mean a request failed inside a worker, whatever the status the client saw.
ERROR_MARKERS = (
    "Traceback (most recent call last)",
    "Error handling request",
    "[CRITICAL]",
    "WORKER TIMEOUT",
)


class ServerError(RuntimeError):
    """A server did not start, or stopped on its own; the message quotes its log."""


@dataclass(frozen=True)
class ServerOptions:
    """How to run one gunicorn server; the defaults are two gthread workers of four threads."""

    app: str = WEBAPP
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    # A path the server answers below 500 once its app is loaded and the database reachable.
    ready_path: str = "/"
    secret_key: str = SHARED_SECRET_KEY
    extra_environment: Mapping[str, str] | None = None


@dataclass
class Server:
    """One running gunicorn master with its workers."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """Everything the server wrote so far (stdout and stderr together)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> list[str]:
        """The log lines that report a failed request or a dead worker."""
        return [line for line in self.log().splitlines() if any(m in line for m in ERROR_MARKERS)]


def server_environment(
    database_url: str, instance_path: Path, options: ServerOptions, base_url: str
) -> dict[str, str]:
    """The environment of a server: ours without any CONFKIT_* setting, then the server's own."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONFKIT_")}
    environment.update(
        CONFKIT_DATABASE_URL=database_url,
        CONFKIT_SECRET_KEY=options.secret_key,
        CONFKIT_INSTANCE_PATH=str(instance_path),
        CONFKIT_BASE_URL=base_url,
        # Unbuffered, so the log holds everything up to a crash.
        PYTHONUNBUFFERED="1",
    )
    environment.update(options.extra_environment or {})
    return environment


def start_server(
    *, name: str, database_url: str, folder: Path, options: ServerOptions | None = None
) -> Server:
    """Start a gunicorn server and return once it answers; raises ServerError otherwise.

    ``folder`` receives the server's instance folder and its log.
    """
    options = options or ServerOptions()
    instance_path = folder / f"{name}-instance"
    instance_path.mkdir(parents=True, exist_ok=True)
    log_path = folder / f"{name}.log"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        # A deep backlog: hundreds of clients connect at once and wait for a free worker.
        listener.listen(2048)
        listener.set_inheritable(True)
        port = int(listener.getsockname()[1])
        url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(options.workers),
            "--worker-class",
            options.worker_class,
            "--threads",
            str(options.threads),
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--backlog",
            "2048",
            "--error-logfile",
            "-",
            # Its default path is one per user: two masters would fight over it.
            "--no-control-socket",
            "--chdir",
            str(PROJECT_ROOT),
            options.app,
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
                env=server_environment(database_url, instance_path, options, url),
                cwd=PROJECT_ROOT,
            )
    finally:
        # The server holds its own copy of the socket now.
        listener.close()
    server = Server(name=name, url=url, process=process, log_path=log_path)
    try:
        wait_until_ready(server, options.ready_path)
    except BaseException:
        stop_server(server)
        raise
    return server


def wait_until_ready(server: Server, path: str, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll ``path`` until the server answers it below 500; raises ServerError on exit or
    timeout, quoting the server's log."""
    deadline = time.monotonic() + timeout
    last_problem = "no answer yet"
    with requests.Session() as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerError(
                    f"{server.name} exited with {server.process.returncode} while starting:\n"
                    f"{server.log()}"
                )
            try:
                with client.get(server.url + path, timeout=2, allow_redirects=False) as answer:
                    if answer.status_code < 500:
                        return
                    last_problem = f"{path} answered {answer.status_code}"
            except requests.RequestException as error:
                last_problem = str(error)
            time.sleep(0.1)
    raise ServerError(
        f"{server.name} was not ready within {timeout:.0f} s ({last_problem}):\n{server.log()}"
    )


def stop_server(server: Server) -> None:
    """Stop the server gracefully (SIGTERM) and wait for it; kill it if it does not stop."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def running_server(
    *, name: str, database_url: str, folder: Path, options: ServerOptions | None = None
) -> Iterator[Server]:
    """A started server, stopped when the block ends, however it ends."""
    server = start_server(name=name, database_url=database_url, folder=folder, options=options)
    try:
        yield server
    finally:
        stop_server(server)


@contextmanager
def running_servers(
    count: int, *, database_url: str, folder: Path, options: ServerOptions | None = None
) -> Iterator[list[Server]]:
    """``count`` separate servers on one database, all stopped when the block ends."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                running_server(
                    name=f"server-{n}", database_url=database_url, folder=folder, options=options
                )
            )
            for n in range(1, count + 1)
        ]


def still_running(servers: Sequence[Server]) -> None:
    """Raise ServerError, quoting the log, if any server has exited."""
    for server in servers:
        if server.process.poll() is not None:
            raise ServerError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log()}"
            )


def logs(servers: Sequence[Server], *, last_lines: int = 80) -> str:
    """The end of every server's log, for an assertion message."""
    parts = []
    for server in servers:
        tail = "\n".join(server.log().splitlines()[-last_lines:])
        parts.append(f"--- {server.name} ({server.url}) ---\n{tail}")
    return "\n".join(parts)


@dataclass
class HtmlForm:
    """A form on a page as a browser would submit it without the user touching it."""

    action: str
    method: str
    # Hidden and pre-filled inputs, the selected (or first) option of each select.
    fields: dict[str, str] = field(default_factory=dict)
    # Named submit buttons, name -> value: a browser sends only the one clicked.
    buttons: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = HtmlForm(
                action=given.get("action", ""), method=given.get("method", "get").lower()
            )
            self.forms.append(self._form)
            return
        form, name = self._form, given.get("name")
        if form is None:
            return
        if tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select is not None:
            if self._select not in form.fields or "selected" in given:
                form.fields[self._select] = given.get("value", "")
        elif tag == "button" and name:
            form.buttons[name] = given.get("value", "")
        elif tag == "input" and name:
            kind = given.get("type", "text").lower()
            if kind == "submit":
                form.buttons[name] = given.get("value", "")
            elif kind in ("checkbox", "radio"):
                if "checked" in given:
                    form.fields[name] = given.get("value", "on")
            else:
                form.fields[name] = given.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(html: str) -> list[HtmlForm]:
    """Every form on an HTML page, in order."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(html: str, path_suffix: str) -> HtmlForm:
    """The one POST form whose action ends with ``path_suffix``; AssertionError (quoting the
    forms found) if there is none or more than one."""
    forms = page_forms(html)
    matching = [f for f in forms if f.method == "post" and f.action.endswith(path_suffix)]
    assert len(matching) == 1, f"expected one POST form to ...{path_suffix}, found {forms}"
    return matching[0]
