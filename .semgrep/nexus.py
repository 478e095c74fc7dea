# Examples for .semgrep/nexus.yml, checked by `semgrep scan --test --config .semgrep/ .semgrep/`:
# a `ruleid:` line must be followed by a finding of that rule, an `ok:` line by none.
# This file is never imported or executed.
import datetime
import os
import pickle
import random
import secrets
import ssl
import subprocess
import tempfile

import flask
import httpx
import jwt
import sqlalchemy
import yaml
from flask import redirect, render_template_string, request
from sqlalchemy import text


def shell(user_input, conn, app, key, data, User, parsed):
    # ruleid: nexus-subprocess-shell-true
    subprocess.call("ls " + user_input, shell=True)
    cmd = f"grep {user_input} /var/log/app.log"
    # ruleid: nexus-subprocess-shell-true
    subprocess.run(cmd, shell=True, check=True)
    # ruleid: nexus-subprocess-shell-true
    subprocess.Popen(args=cmd, shell=True)
    # ok: nexus-subprocess-shell-true
    subprocess.run(["grep", user_input, "/var/log/app.log"], check=True)
    # ok: nexus-subprocess-shell-true
    subprocess.run("uptime", shell=True, check=True)

    # ruleid: nexus-os-shell-command
    os.system("rm -rf " + user_input)
    # ruleid: nexus-os-shell-command
    os.popen(cmd)
    # ok: nexus-os-shell-command
    os.system("sync")

    # ruleid: nexus-eval-exec
    eval(user_input)
    # ruleid: nexus-eval-exec
    exec(cmd)
    # ok: nexus-eval-exec
    eval("1 + 1")

    # ruleid: nexus-sql-text-from-string-building
    conn.execute(text(f"SELECT * FROM users WHERE email = '{user_input}'"))
    # ruleid: nexus-sql-text-from-string-building
    conn.execute(sqlalchemy.text("SELECT * FROM users WHERE id = %s" % user_input))
    # ruleid: nexus-sql-text-from-string-building
    conn.exec_driver_sql("DELETE FROM sessions WHERE id = " + user_input)
    # ok: nexus-sql-text-from-string-building
    conn.execute(text("SELECT * FROM users WHERE email = :email"), {"email": user_input})

    # ruleid: nexus-unsafe-deserialisation
    pickle.loads(data)
    # ruleid: nexus-unsafe-deserialisation
    yaml.load(data, Loader=yaml.Loader)
    # ok: nexus-unsafe-deserialisation
    yaml.load(data, Loader=yaml.SafeLoader)
    # ok: nexus-unsafe-deserialisation
    yaml.safe_load(data)

    # ruleid: nexus-tls-verification-disabled
    httpx.get("https://example.invalid", verify=False)
    # ruleid: nexus-tls-verification-disabled
    ssl._create_unverified_context()
    # ok: nexus-tls-verification-disabled
    httpx.get("https://example.invalid", timeout=5)

    # ruleid: nexus-jwt-unverified
    jwt.decode(user_input, key)
    # ruleid: nexus-jwt-unverified
    jwt.decode(user_input, key, algorithms=["HS256"], options={"verify_signature": False})
    # ok: nexus-jwt-unverified
    jwt.decode(user_input, key, algorithms=["HS256"])

    # ruleid: nexus-flask-debug
    app.run(host="127.0.0.1", debug=True)
    # ok: nexus-flask-debug
    app.run(host="127.0.0.1", debug=False)

    # ruleid: nexus-template-from-string
    render_template_string(user_input)
    # ok: nexus-template-from-string
    flask.render_template_string("<p>{{ name }}</p>", name=user_input)

    # ruleid: nexus-open-redirect
    redirect(request.args.get("next"))
    # ok: nexus-open-redirect
    redirect(flask.url_for("accounts.me"))

    # ruleid: nexus-insecure-tempfile
    tempfile.mktemp()
    # ok: nexus-insecure-tempfile
    tempfile.mkstemp()

    # ruleid: nexus-weak-random-for-secrets
    reset_token = random.getrandbits(64)
    # ok: nexus-weak-random-for-secrets
    reset_token = secrets.token_urlsafe(32)
    # ok: nexus-weak-random-for-secrets
    jitter = random.uniform(0, 1)

    # ruleid: nexus-legacy-model-query
    User.query.filter_by(email=user_input).first()
    # ruleid: nexus-legacy-model-query
    User.query.get(1)
    # ok: nexus-legacy-model-query
    parsed.query.split("&")

    # ruleid: nexus-naive-datetime
    datetime.datetime.utcnow()
    # ruleid: nexus-naive-datetime
    datetime.datetime.now()
    # ok: nexus-naive-datetime
    datetime.datetime.now(datetime.timezone.utc)
    return reset_token, jitter
