"""``hckg serve``: the catalogue as a linked-data web service (see ``app`` for the routes)."""

import socket
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence

from hckg.errors import UsageError
from hckg.namespaces import DEFAULT_BASE
from hckg.profiles import DEFAULT_NAMESPACE
from hckg.progress import NO_PROGRESS, Progress
from hckg.serve.sparql import Limits


@dataclass
class Prepared:
    """A loaded catalogue, its application and a bound socket, ready to serve."""

    app: object
    sock: socket.socket
    url: str
    datasets: int
    access_log: bool = True

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C or SIGTERM)."""
        import uvicorn

        config = uvicorn.Config(self.app, log_level="info", access_log=self.access_log, proxy_headers=False,
                                server_header=False)
        uvicorn.Server(config).run(sockets=[self.sock])


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; an address in use or not ours is a UsageError."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: cannot resolve it ({exc.strerror}); use an address such as 127.0.0.1") from None
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(info[4])
    except OSError as exc:
        sock.close()
        raise UsageError(f"--host {host} --port {port}: cannot listen there ({exc.strerror}); "
                         f"choose another port (--port 0 picks a free one)") from None
    sock.listen(2048)
    return sock


def prepare(host: str = "127.0.0.1", port: int = 8000, *, base: str | None = None,
            data: Sequence[str | Path] = (), limits: Limits = Limits(),
            health_namespace: str = DEFAULT_NAMESPACE, access_log: bool = True, store: str = "auto",
            progress: Progress = NO_PROGRESS) -> Prepared:
    """Open the catalogue (``store``: see ``Catalogue``), build the application and bind the socket; errors
    surface before serving."""
    from hckg.serve.app import create_app
    from hckg.serve.catalogue import Catalogue

    base = base or DEFAULT_BASE
    if not base.startswith(("http://", "https://")):
        raise UsageError(f"--base {base}: not an http(s) IRI; give where the catalogue is served, "
                         f"like https://w3id.org/hckg/ or http://127.0.0.1:8000/")
    catalogue = Catalogue(list(data) or None, base=base, health_namespace=health_namespace, store=store,
                          progress=progress)
    sock = bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return Prepared(create_app(catalogue, limits), sock, f"http://{shown}:{bound_port}/", len(catalogue.datasets),
                    access_log)
