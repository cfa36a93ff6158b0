"""``--allow-remote``: which addresses may be reached, rebinding, and the total deadline.

No real DNS exists here: the address rule is tested on literal addresses,
and name resolution is simulated by replacing ``socket.getaddrinfo`` for
names (numeric addresses still go to the real function). Every server is
started here, on loopback.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from exporter.errors import ResourceError
from exporter.resources import ResourceGate, is_public_address

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415478da63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


@pytest.mark.parametrize("address", [
    "100.64.0.1", "100.127.255.254",          # CGNAT (some clouds' metadata services)
    "2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::",  # 6to4 of 127/8, 10/8, 169.254/16
    "fec0::1", "fec0:0:0:ffff::1",            # IPv6 site-local
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.1.2.3",  # IPv4-mapped
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",     # NAT64
    "::127.0.0.1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",           # v4-compatible, Teredo
    "127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "::1", "::", "fd00::1", "fe80::1", "ff02::1", "224.0.0.1", "198.18.0.1", "192.0.2.1",
    "fe80::1%eth0", "not-an-address",
])
def test_private_and_embedding_addresses_are_refused(address: str) -> None:
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2001:4860:4860::8888",
    "::ffff:8.8.8.8", "2002:808:808::1", "64:ff9b::808:808",
])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(address) is True


class _Server:
    """A loopback HTTP server recording the paths it was asked for."""

    def __init__(self, host: str, port: int, handler_body) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                hits.append((self.path, self.headers.get("Host")))
                handler_body(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve_png(handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.send_header("Content-Length", str(len(PNG_1x1)))
    handler.end_headers()
    handler.wfile.write(PNG_1x1)


@pytest.fixture
def two_loopback_servers() -> Iterator[tuple[_Server, _Server]]:
    """The "checked" server on 127.0.0.1 and the "internal" one on 127.0.0.2, one port."""
    for _ in range(20):
        checked = _Server("127.0.0.1", 0, _serve_png)
        try:
            internal = _Server("127.0.0.2", checked.port, _serve_png)
        except OSError:
            checked.close()
            continue
        break
    else:
        pytest.skip("no port free on both 127.0.0.1 and 127.0.0.2")
    yield checked, internal
    checked.close()
    internal.close()


def test_the_connection_goes_to_the_address_that_was_checked(two_loopback_servers, monkeypatch):
    """DNS rebinding: the name answers 127.0.0.1 first (allowed here), then 127.0.0.2."""
    checked, internal = two_loopback_servers
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding_dns(host, port, *args, **kwargs):
        if host != "cdn.example.org":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "127.0.0.2"
        return real(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    # The test's allow-list: 127.0.0.1 stands for a public address, nothing else changes.
    monkeypatch.setattr("exporter.resources.is_public_address",
                        lambda a: a == "127.0.0.1" or is_public_address(a))
    gate = ResourceGate((), allow_remote=True, timeout=5)
    url = f"http://cdn.example.org:{checked.port}/lead.png?v=1"
    resource = gate.open(url)
    assert resource.data == PNG_1x1
    assert resource.media_type == "image/png"
    assert internal.hits == []
    assert checked.hits == [("/lead.png?v=1", f"cdn.example.org:{checked.port}")]
    assert lookups == ["cdn.example.org"]


def test_a_name_with_any_private_address_is_refused_before_connecting(monkeypatch) -> None:
    server = _Server("127.0.0.1", 0, _serve_png)
    try:
        real = socket.getaddrinfo

        def mixed_dns(host, port, *args, **kwargs):
            if host != "mixed.example.org":
                return real(host, port, *args, **kwargs)
            return real("8.8.8.8", port, *args, **kwargs) + real("127.0.0.1", port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", mixed_dns)
        gate = ResourceGate((), allow_remote=True, timeout=5)
        with pytest.raises(ResourceError, match="private or local address"):
            gate.open(f"http://mixed.example.org:{server.port}/x.png")
        assert server.hits == []
    finally:
        server.close()


def test_a_slow_drip_is_cut_at_the_total_deadline(monkeypatch) -> None:
    def drip(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.end_headers()
        try:
            for _ in range(60):  # one byte every 0.1 s for 6 s: each read is quick
                handler.wfile.write(b"\x00")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    server = _Server("127.0.0.1", 0, drip)
    try:
        monkeypatch.setattr("exporter.resources.is_public_address", lambda a: a == "127.0.0.1")
        gate = ResourceGate((), allow_remote=True, timeout=1.0)
        started = time.monotonic()
        with pytest.raises(ResourceError, match="within 1 s"):
            gate.open(f"http://127.0.0.1:{server.port}/slow.png")
        assert time.monotonic() - started < 2.5
    finally:
        server.close()


def test_redirects_are_still_refused(monkeypatch) -> None:
    def redirect(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "http://127.0.0.1:9/secret")
        handler.end_headers()

    server = _Server("127.0.0.1", 0, redirect)
    try:
        monkeypatch.setattr("exporter.resources.is_public_address", lambda a: a == "127.0.0.1")
        gate = ResourceGate((), allow_remote=True, timeout=5)
        with pytest.raises(ResourceError, match="redirects are not followed"):
            gate.open(f"http://127.0.0.1:{server.port}/moved.png")
        assert len(server.hits) == 1
    finally:
        server.close()
