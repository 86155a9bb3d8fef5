"""`make run` without staying up: serve the demo database, sign in as a demo account through the
login form and read a few pages, as a person trying the platform would. Exits non-zero on the
first page that does not answer as expected."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=os.environ,
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        for _ in range(60):
            try:
                opener.open(f"{base}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(1)
        login = opener.open(f"{base}/connexion/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
        password = os.environ.get("DEMO_PASSWORD", "demo")
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "lecteur-partenaire@demo.cdv.local",
                "password": password,
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/connexion/", data=data, headers={"Referer": f"{base}/connexion/"}
        )
        landing = opener.open(request, timeout=60)
        body = landing.read().decode()
        assert "Déconnexion" in body or "deconnexion" in body, "the demo account did not sign in"
        for path in ("/", "/tableau-de-bord/", "/programmation/actions/", "/quartiers/"):
            response = opener.open(f"{base}{path}", timeout=60)
            assert response.status == 200, f"{path}: {response.status}"
            print(f"smoke: {path} 200")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
