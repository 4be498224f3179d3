"""A small SMTP server for tests (the standard library's smtpd is gone from Python 3.12): it speaks enough
ESMTP for smtplib (EHLO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps each message
as it arrived on the wire, parsed with the standard e-mail parser."""
from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage


class _Session(socketserver.StreamRequestHandler):
    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP ready")
        sender, recipients, lines, in_data = "", [], [], False
        while line := self.rfile.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.received.append((sender, recipients, b"".join(lines)))
                    sender, recipients, lines, in_data = "", [], [], False
                    self.reply("250 2.0.0 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb, _, argument = line.decode("ascii", "replace").strip().partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "MAIL":
                sender = argument.partition(":")[2].split()[0].strip("<>")
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                recipients.append(argument.partition(":")[2].split()[0].strip("<>"))
                self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                in_data = True
                self.reply("354 end with <CRLF>.<CRLF>")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            elif verb in {"HELO", "RSET", "NOOP"}:
                self.reply("250 ok")
            else:
                self.reply("502 5.5.2 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.received = []
        self.port = self._server.server_address[1]

    def __enter__(self) -> "SmtpSink":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _s, _r, raw in self._server.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for (_s, recipients, _raw), m in zip(self._server.received, self.messages) if address in recipients]

    def clear(self) -> None:
        self._server.received.clear()
