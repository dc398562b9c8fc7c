"""A tiny TCP forwarder on loopback that a test (or the soak) can cut and restore.

Point an engine at ``proxy.port`` instead of the database's port: ``stop()`` refuses
new connections and drops every open one (what a restarting server looks like to a
client), ``start()`` serves again on the same port; ``drop()`` only drops the open ones.
``stall()`` is a network partition: connections are still accepted, but no byte passes
either way (what is sent is lost); ``unstall()`` ends it, cutting the connections that
lived through it, as a client's timeouts would have.
The shared PostgreSQL server itself is never touched.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = port
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.connections = 0  # accepted so far
        self._stalled = threading.Event()
        self._stalled_conns: set[socket.socket] = set()

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(
            target=self._accept, args=(listener,), daemon=True, name="tcp-proxy"
        ).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        self.drop()

    def drop(self) -> None:
        """Cut every open connection; keep accepting new ones."""
        with self._lock:
            conns, self._conns = self._conns, set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def stall(self) -> None:
        """Accept connections but pass nothing: every byte sent is swallowed."""
        with self._lock:
            self._stalled_conns = set(self._conns)
        self._stalled.set()

    def unstall(self) -> None:
        """Pass bytes again; connections that lived through the stall are cut."""
        self._stalled.clear()
        with self._lock:
            conns, self._stalled_conns = self._stalled_conns, set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._listener is not listener:
                client.close()
                return
            if self._stalled.is_set():  # accepted, and then nothing
                with self._lock:
                    self._conns.add(client)
                    self._stalled_conns.add(client)
                    self.connections += 1
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns |= {client, upstream}
                self.connections += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _swallow(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while client.recv(65536):
                pass

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self._stalled.is_set():
                    with self._lock:
                        self._stalled_conns |= {source, sink}
                    continue  # lost in the partition
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._conns.discard(source)
                self._conns.discard(sink)
