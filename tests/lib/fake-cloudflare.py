#!/usr/bin/env python3
"""A local stand-in for the parts of Cloudflare's API (v4) that `partner-center setup
cloudflare` drives through wrangler (which honours CLOUDFLARE_API_BASE_URL): KV namespaces, D1
databases (queries run on a real SQLite file each), Queues, Worker scripts and their secrets.
It answers in the API's documented envelope ({success, errors, messages, result[,
result_info]}), refuses a wrong token or account (10000, 9109), a missing script (10007), a
duplicate name (10014 / 7502 / 11009), and writes every call it gets to LOG as a JSON line
(method, path, status; for a D1 query, whether it changed the database), so a test can tell whether a run created or changed anything.

    fake-cloudflare.py PORT STATE_DIR TOKEN ACCOUNT_ID
"""
import hashlib
import json
import re
import sqlite3
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

PORT, STATE, TOKEN, ACCOUNT = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
STATE.mkdir(parents=True, exist_ok=True)
LOG = STATE / "calls.jsonl"
DB = STATE / "state.json"
state = json.loads(DB.read_text()) if DB.exists() else {"kv": [], "d1": [], "queues": [], "scripts": {}}


def save():
    DB.write_text(json.dumps(state))


def now():
    return "2026-12-03T00:00:00.000Z"


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    changed = None  # a D1 query's: whether it changed the database

    def answer(self, status, result=None, errors=(), info=None):
        body = {"success": status < 400, "errors": list(errors), "messages": [], "result": result}
        if info is not None:
            body["result_info"] = info
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with LOG.open("a") as log:
            call = {"method": self.command, "path": urlparse(self.path).path, "status": status}
            if self.changed is not None:
                call["changed"] = self.changed
            log.write(json.dumps(call) + "\n")

    def error(self, status, code, message):
        self.answer(status, None, [{"code": code, "message": message}])

    def listed(self, items):
        query = parse_qs(urlparse(self.path).query)
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["100"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        pages = max(1, -(-len(items) // per_page))
        self.answer(200, chunk, info={"page": page, "per_page": per_page, "count": len(chunk), "total_count": len(items), "total_pages": pages})

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def route(self):
        self.changed = None
        if self.headers.get("authorization") != f"Bearer {TOKEN}":
            return self.error(403, 10000, "Authentication error")
        path = urlparse(self.path).path.rstrip("/")
        prefix = f"/client/v4/accounts/{ACCOUNT}"
        if not path.startswith(prefix):
            return self.error(403, 9109, "Unauthorized to access requested resource")
        rest = path[len(prefix):]
        raw = self.body()
        try:  # JSON, whatever the content-type says; a script upload is multipart
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        m = self.command
        if rest == "/storage/kv/namespaces":
            if m == "GET":
                return self.listed(state["kv"])
            if m == "POST":
                if any(n["title"] == data.get("title") for n in state["kv"]):
                    return self.error(400, 10014, "a namespace with this account ID and title already exists")
                ns = {"id": uuid.uuid4().hex, "title": data["title"], "supports_url_encoding": True}
                state["kv"].append(ns)
                save()
                return self.answer(200, ns)
        if rest == "/d1/database":
            if m == "GET":
                name = parse_qs(urlparse(self.path).query).get("name", [None])[0]
                return self.listed([d for d in state["d1"] if name is None or d["name"] == name])
            if m == "POST":
                if any(d["name"] == data.get("name") for d in state["d1"]):
                    return self.error(400, 7502, "A database with that name already exists")
                db = {"uuid": str(uuid.uuid4()), "name": data["name"], "created_at": now(), "version": "production", "num_tables": 0, "file_size": 0}
                state["d1"].append(db)
                save()
                return self.answer(200, db)
        found = re.fullmatch(r"/d1/database/([0-9a-f-]{36})(/query|/raw)?", rest)
        if found:
            db = next((d for d in state["d1"] if d["uuid"] == found.group(1)), None)
            if db is None:
                return self.error(404, 7404, "The database could not be found")
            if found.group(2) is None and m == "GET":
                return self.answer(200, db)
            if m == "POST":
                return self.query(db, data, found.group(2) == "/raw")
        found = re.fullmatch(r"/workers/scripts/([a-z0-9-]+)(/secrets)?", rest)
        if found:
            name = found.group(1)
            if found.group(2) is None and m == "PUT":
                state["scripts"].setdefault(name, {"secrets": {}})
                save()
                return self.answer(200, {"id": name, "created_on": now(), "modified_on": now()})
            script = state["scripts"].get(name)
            if script is None:
                return self.error(404, 10007, "workers.api.error.script_not_found")
            if m == "GET" and found.group(2):
                return self.answer(200, [{"name": k, "type": "secret_text"} for k in sorted(script["secrets"])])
            if m == "PUT" and found.group(2):
                # Only a digest is kept: enough to check which value was put.
                script["secrets"][data["name"]] = hashlib.sha256(data.get("text", "").encode()).hexdigest()
                save()
                return self.answer(200, {"name": data["name"], "type": "secret_text"})
        if rest == "/queues":
            if m == "GET":
                names = parse_qs(urlparse(self.path).query).get("name")
                return self.listed([q for q in state["queues"] if not names or q["queue_name"] in names])
            if m == "POST":
                if any(q["queue_name"] == data.get("queue_name") for q in state["queues"]):
                    return self.error(400, 11009, "A queue with this name already exists")
                q = {"queue_id": uuid.uuid4().hex, "queue_name": data["queue_name"], "created_on": now(), "modified_on": now(),
                     "producers_total_count": 0, "consumers_total_count": 0, "producers": [], "consumers": []}
                state["queues"].append(q)
                save()
                return self.answer(200, q)
        return self.error(404, 7000, f"No route for that URI: {m} {rest}")

    def query(self, db, data, raw):
        con = sqlite3.connect(STATE / f"{db['uuid']}.sqlite")
        sql = data.get("sql", "")
        params = data.get("params") or []
        before = con.total_changes
        schema = con.execute("PRAGMA schema_version").fetchone()[0]
        try:
            if ";" not in sql.strip().rstrip(";"):  # one statement: its rows
                cur = con.execute(sql, params)
                cols = [c[0] for c in cur.description or []]
                rows = cur.fetchall()
                con.commit()
                results = {"columns": cols, "rows": rows} if raw else [dict(zip(cols, r)) for r in rows]
            else:
                con.executescript(sql)
                results = {"columns": [], "rows": []} if raw else []
            self.changed = con.total_changes != before or con.execute("PRAGMA schema_version").fetchone()[0] != schema
        except sqlite3.Error as e:
            return self.error(400, 7500, f"{e}: SQLITE_ERROR")
        finally:
            con.close()
        meta = {"changed_db": True, "changes": 0, "duration": 0.1, "rows_read": 0, "rows_written": 0, "served_by": "fake"}
        return self.answer(200, [{"results": results, "success": True, "meta": meta}])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = route


ThreadingHTTPServer(("127.0.0.1", PORT), Api).serve_forever()
