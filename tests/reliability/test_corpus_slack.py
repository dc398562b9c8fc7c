"""The corpus through the real Bolt app over HTTP: signed slash commands, hostile bodies, forms.

Nothing answers 5xx, nothing is half-written, stored text comes back verbatim, and every
text the app sent to Slack (replies, public posts, views) is escaped: no live mention.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import socket

from tests.reliability.rel_corpus import load, load_raw
from tests.reliability.test_corpus_core import KNOWN_BUGS
from tests.slack.slack_harness import SECRET, signed_headers
from tests.support.db import settled_snapshot, snapshot, stored_anywhere

ENTRIES = [e for e in load() if e.id not in KNOWN_BUGS]
BODIES = load_raw("http_bodies.yaml")
FORMS = load_raw("form_fields.yaml")


def _live(texts: list[str]) -> list[str]:
    # Block Kit text is escaped by the renderer; "<!", "<@", "<#" must never appear raw.
    out = []
    for t in texts:
        for marker in ("<!", "<@", "<#"):
            if marker in t:
                out.append(t[:80])
    return out


def _slack_escape(text: str) -> str:
    """What Slack itself sends for typed text: the three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_every_command_in_the_corpus_is_answered_without_a_5xx_or_a_half_write(slack):
    d = slack.driver
    engine = slack.app.engine
    assert d.command("/cohort", "start Corpus", user="UADMIN").status == 200
    failures: dict[str, list[str]] = {}
    for index, entry in enumerate(ENTRIES):
        user = f"UC{index:03d}"
        slack.fake.user(user, tz="UTC", name=f"Member {index}")
        d.command("/cohort", "join", user=user)
        before = settled_snapshot(engine) if entry.expect == "error" else {}
        name, text = entry.split()
        problems = []
        # As Slack sends it (entities), then raw, as a client that skips escaping would.
        sends = (_slack_escape(text),) + ((text,) if "<" in text or ">" in text else ())
        for raw in sends:
            r = d.command(name or "/", raw, user=user)
            if r.status >= 500 or r.status == 0:
                problems.append(f"status {r.status}")
                continue
            if r.status == 200 and _live(r.texts):
                problems.append(f"live markup in the reply: {_live(r.texts)}")
        after = snapshot(engine)
        if entry.expect == "error" and after != before:
            problems.append("an error wrote to the database")
        if entry.stored is not None and not stored_anywhere(engine, entry.stored):
            problems.append(f"{entry.stored[:60]!r} not stored verbatim")
        if problems:
            failures[entry.id] = problems
    slack.fake.settle()
    posted = _live(slack.fake.posted_texts())
    assert failures == {} and posted == []


def _body(item: dict) -> bytes:
    if "body_hex" in item:
        return bytes.fromhex(item["body_hex"].replace(" ", ""))
    if "body_repeat" in item:
        spec = item["body_repeat"]
        return (spec.get("prefix", "") + spec["unit"] * spec["times"]).encode()
    return str(item["body"]).encode()


def test_malformed_bodies_and_wrong_content_types_never_get_a_5xx(slack):
    d = slack.driver
    d.command("/cohort", "start Corpus")
    failures = {}
    for item in BODIES:
        before = settled_snapshot(slack.app.engine)
        raw = _body(item)
        # Signed as Slack would sign it (over the raw bytes): what is refused is the shape.
        headers = signed_headers("", content_type=item["content_type"])
        ts = headers["X-Slack-Request-Timestamp"]
        digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256)
        headers["X-Slack-Signature"] = "v0=" + digest.hexdigest()
        if not item["content_type"]:
            del headers["Content-Type"]
        status, _ = _post_bytes(d, raw, headers)
        slack.fake.settle(quiet=0.03)
        problems = []
        if not 200 <= status < 500:
            problems.append(f"status {status}")
        if not item.get("may_write") and snapshot(slack.app.engine) != before:
            problems.append("wrote to the database")
        if problems:
            failures[item["id"]] = problems
    assert failures == {}
    # Still serving, and nothing crashed a listener thread.
    assert d.command("/checkin", "still serving").status == 200


def _post_bytes(driver, raw: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST over a raw socket, reading the answer even when the server stops reading early
    (a 413 for an oversized body closes the connection while the body is still coming)."""
    head = [
        "POST /slack/events HTTP/1.1",
        f"Host: {driver.host}:{driver.port}",
        f"Content-Length: {len(raw)}",
        "Connection: close",
    ]
    head += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((driver.host, driver.port), timeout=10) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + raw)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    status_line = data.split(b"\r\n", 1)[0].split()
    return (int(status_line[1]) if len(status_line) > 1 else 0), data


def test_hostile_form_values_are_refused_in_the_form_or_stored_verbatim(slack):
    from adapters.slack.render import button_value

    d = slack.driver
    d.command("/cohort", "start Corpus", user="UADMIN")
    failures = {}
    for index, item in enumerate(FORMS):
        user = f"UF{index:03d}"
        d.command("/cohort", "join", user=user)
        opened = len(slack.fake.calls_to("views.open"))
        if item["form"] == "checkin":
            d.command("/checkin", "", user=user)
        else:
            d.action("hours_open", button_value("C1", ""), user=user)
        view = slack.fake.wait_for("views.open", opened + 1)[-1].body["view"]
        before = settled_snapshot(slack.app.engine)
        r = d.submit(view, dict(item["values"]), user=user)
        problems = []
        if r.status != 200:
            problems.append(f"status {r.status}")
        elif item["expect"] == "error":
            if r.json.get("response_action") != "errors":
                problems.append("accepted")
            if snapshot(slack.app.engine) != before:
                problems.append("wrote to the database")
            if _live([json.dumps(r.json)]):
                problems.append("live markup in the form errors")
        elif r.raw != b"":
            problems.append(f"refused: {r.json}")
        elif not stored_anywhere(slack.app.engine, item["stored"]):
            problems.append("not stored verbatim")
        if problems:
            failures[item["id"]] = problems
    slack.fake.settle()
    assert failures == {}
    assert _live(slack.fake.posted_texts()) == []
