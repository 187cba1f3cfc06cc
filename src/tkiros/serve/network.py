"""Addresses and ports of the server: which host a client reaches, whether it is loopback, a free port."""

from __future__ import annotations

import errno
import socket

from tkiros.errors import TkirosError

DEFAULT_PORT = 7878
DEFAULT_HOST = "127.0.0.1"
DEFAULT_TIMEOUT_S = 30.0


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def client_host(host: str) -> str:
    """Where a local client reaches a server bound to ``host`` (a wildcard address is reached on loopback)."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def address_family(host: str) -> int:
    try:
        return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise TkirosError(f"--host {host}: not a known host name or address") from None


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    import ipaddress

    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on now (the kernel's choice; another process could take it before us)."""
    with socket.socket(address_family(host), socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port(host: str, port: int) -> None:
    """Fail with one line if ``host:port`` cannot be listened on (taken, or not an address of this machine)."""
    with socket.socket(address_family(host), socket.SOCK_STREAM) as s:
        # As the Rust server does, so that a port in TIME_WAIT from a previous run is not called taken.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise TkirosError(
                    f"--port {port}: already in use on {host}; stop that server or choose another port (--port 0 picks a free one)"
                ) from None
            if err.errno == errno.EACCES:
                raise TkirosError(
                    f"--port {port}: permission denied on {host} (ports below 1024 need privileges)"
                ) from None
            if err.errno == errno.EADDRNOTAVAIL:
                raise TkirosError(f"--host {host}: not an address of this machine") from None
            raise TkirosError(f"--host {host} --port {port}: cannot listen: {err.strerror or err}") from None
