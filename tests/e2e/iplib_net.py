#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""iplib_net.py - end-to-end tests of iplib's tools over QEMU's user
networking (restrict=on: the guest reaches nothing but what is forwarded).

Boots `initexit init=/bin/sh -l` with an e1000 on
  -netdev user,restrict=on,
     guestfwd=tcp:10.0.2.100:80-cmd:tests/e2e/fwd_relay.py PORT1
     hostfwd=tcp:127.0.0.1:PORT2-:80
where PORT1 is a Python http.server on the host's 127.0.0.1, and types
into ash (tools/e2e_console.py's Console):

  ipconfig             DHCP (restrict=on: slirp offers no DNS server, so
                       the DNS path is tests/libc/libc_iplib.c's)
  get_html             10.0.2.100 80 /index.html prints the host's page;
                       -n 5 prints the rate summary; bad usage exits 2
  httpd                serves /tmp/www (a 1 MiB file made in the guest):
                       the host fetches it through the hostfwd and the
                       SHA-256 matches; keep-alive (two requests on one
                       connection), 404, 403 for "..", 405, 400; each
                       request logged on the console
  loopback             get_html localhost (/etc/hosts) to httpd;
                       listen1 + dial (cat echoes); listen + dial;
                       ttcp -t to ttcp -r with the pattern checked;
                       dial to a closed port: "Connection refused", exit 1

Every check prints "e2e: PASS iplib.NAME" or "e2e: FAIL iplib.NAME: why";
scripts/check.sh counts them.  Usage: iplib_net.py KERNEL INITRAMFS LOGDIR
"""
import hashlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from e2e_console import Console, expect, report  # noqa: E402

PROMPT = b"vireo# "
MARKER = "iplib-e2e-page"             # in the host's page
GUEST_PAGE = "Served by Vireo's httpd"  # in the initramfs's /www/index.html
# The guest makes /tmp/www/big with yes | head: 32768 lines of 32 bytes.
BIG_LINE = b"0123456789abcdef0123456789abcde\n"
BIG = BIG_LINE * 32768


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def typed(con, line, timeout=60):
    con.qemu.stdin.write(line.encode() + b"\r")
    con.qemu.stdin.flush()
    return con.read_until(PROMPT, timeout)


def check_guest_client(con):
    expect("iplib.get_html_guestfwd", typed(con, "get_html 10.0.2.100 80 /index.html", 90),
           "Trying to access http://10.0.2.100:80/index.html", "200 OK",
           MARKER + "</p>")
    expect("iplib.get_html_rate", typed(con, "get_html -n 5 10.0.2.100 80 /index.html", 120),
           "get_html: 5 fetches", "fetches/s", "latency min")
    expect("iplib.get_html_usage", typed(con, "get_html -n 0; echo rc=$?"), "usage: get_html",
           "rc=2")


def http_raw(port, request):
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0].decode("latin-1")


def check_httpd(con, hport):
    typed(con, "mkdir -p /tmp/www; cp /www/index.html /tmp/www/; "
          "yes 0123456789abcdef0123456789abcde | head -c 1048576 > /tmp/www/big")
    expect("iplib.big_file_in_guest", typed(con, "sha256sum /tmp/www/big", 60),
           hashlib.sha256(BIG).hexdigest())
    out = typed(con, "httpd -r /tmp/www &")
    ok = out is not None and (b"httpd: serving /tmp/www" in out or
                              con.read_until(b"httpd: serving /tmp/www", 30) is not None)
    report("iplib.httpd_starts", ok, "no 'httpd: serving' line")
    try:
        body = urllib.request.urlopen("http://127.0.0.1:%d/big" % hport, timeout=300).read()
        ok = hashlib.sha256(body).hexdigest() == hashlib.sha256(BIG).hexdigest()
        report("iplib.httpd_1mib_sha256", ok, "got %d bytes, SHA-256 differs" % len(body))
    except OSError as e:
        report("iplib.httpd_1mib_sha256", False, "fetch failed: %r" % e)
    report("iplib.httpd_logs", con.read_until(b'"GET /big" 200 1048576', 30) is not None,
           "no log line for GET /big")
    try:
        c = http.client.HTTPConnection("127.0.0.1", hport, timeout=60)
        c.request("GET", "/index.html")
        r1 = c.getresponse()
        page = r1.read().decode("latin-1")
        sock = c.sock
        c.request("GET", "/no-such-file")
        r2 = c.getresponse()
        r2.read()
        report("iplib.httpd_keepalive", r1.status == 200 and GUEST_PAGE in page and
               r2.status == 404 and c.sock is sock and sock is not None,
               "statuses %d %d, same connection %r" % (r1.status, r2.status, c.sock is sock))
        c.close()
    except OSError as e:
        report("iplib.httpd_keepalive", False, "%r" % e)
    for name, req, want in (
            ("httpd_traversal_403", b"GET /../etc/hosts HTTP/1.1\r\nHost: x\r\n\r\n", "403"),
            ("httpd_escaped_traversal_403", b"GET /%2e%2e/etc/hosts HTTP/1.1\r\n\r\n", "403"),
            ("httpd_post_405", b"POST /index.html HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "405"),
            ("httpd_garbage_400", b"garbage\r\n\r\n", "400")):
        try:
            line = http_raw(hport, req)
            report("iplib." + name, line.startswith("HTTP/1.1 " + want), "status line %r" % line)
        except OSError as e:
            report("iplib." + name, False, "%r" % e)


def retried(cmd, tries=15):
    """cmd in a shell loop that runs it again (1 s apart) until it succeeds."""
    return "for i in $(seq %d); do %s && break; sleep 1; done" % (tries, cmd)


def check_loopback(con):
    expect("iplib.get_html_localhost", typed(con, "get_html localhost 80 /index.html", 60),
           "200 OK", GUEST_PAGE)
    # A server started in the background announces when it gets the CPU:
    # each dial is retried (a refused dial reaches no server) until it does.
    typed(con, "listen1 -v 'tcp!*!7007' /bin/cat &")
    expect("iplib.listen1_dial", typed(con, retried("echo hello-listen1 | dial 'tcp!127.0.0.1!7007'")),
           "\r\nhello-listen1\r\n", "listen1: call from 127.0.0.1!")
    typed(con, "listen 'tcp!*!7008' < /dev/null > /tmp/got &")
    expect("iplib.listen_dial", typed(con, retried("echo via-listen | dial 'tcp!localhost!7008'") +
                                      "; sleep 1; cat /tmp/got"), "\r\nvia-listen\r\n")
    typed(con, "ttcp -r -p 5002 > /tmp/ttr &")
    expect("iplib.ttcp", typed(con, "sleep 1; ttcp -t -l 8192 -n 256 -p 5002 127.0.0.1; "
                                    "sleep 2; cat /tmp/ttr", 120),
           "ttcp-t: 2097152 bytes", "ttcp-r: 2097152 bytes", "ttcp-r: pattern ok")
    expect("iplib.closed_port_refused", typed(con, "dial 'tcp!127.0.0.1!9'; echo rc=$?"),
           "dial: tcp!127.0.0.1!9: Connection refused", "rc=1")
    expect("iplib.bad_dialstr", typed(con, "dial 'tcp!a b!80'; echo rc=$?"),
           "Invalid argument", "rc=1")


def main(kernel, initrd, logdir):
    www = tempfile.mkdtemp(prefix="iplib-e2e-")
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<html><body><p>%s</p></body></html>\n" % MARKER)
    gport, hport = free_port(), free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                               "--directory", www, str(gport)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    relay = os.path.join(ROOT, "tests", "e2e", "fwd_relay.py")
    netdev = ("user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:%s %s %d,"
              "hostfwd=tcp:127.0.0.1:%d-:80" % (sys.executable, relay, gport, hport))
    con = Console(kernel, os.path.join(logdir, "e2e-iplib.log"),
                  ["-initrd", initrd, "-append", "initexit init=/bin/sh -l",
                   "-netdev", netdev, "-device", "e1000,netdev=n0"])
    try:
        out = con.read_until(PROMPT, 150)
        if not expect("iplib.boot_to_prompt", out, "init: started /bin/sh as pid 1"):
            return 0
        expect("iplib.dhcp", typed(con, "ipconfig -t 30", 60), "ipconfig: dhcp 10.0.2.15")
        check_guest_client(con)
        check_httpd(con, hport)
        check_loopback(con)
    finally:
        con.qemu.kill()
        server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
