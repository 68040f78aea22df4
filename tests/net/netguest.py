# SPDX-License-Identifier: MIT
"""netguest.py - guests and wires for the network tests (tests/net/).

A Guest is one QEMU (TCG, -cpu max,la57=off, serial console on a pipe)
with one NIC whose -netdev socket connects to a Wire on 127.0.0.1.  A
reader thread keeps everything the console prints (and writes it to the
guest's log); start() types a command, finish() waits for its end and
returns (status, output):

    wire = Wire(logdir + "/wire.pcap")              # listens on 2 ports
    a = LinuxGuest("linux", kernel, initrd, log, "e1000", wire.ports[0],
                   mac(1), "198.18.0.1/15")      # addr None: no address at boot
    b = VireoGuest(...)                              # the same arguments
    a.boot(); b.boot()
    st, out = a.run("ping -c 3 198.18.0.2", 30)

The Wire accepts both guests' connections and copies frames between them
in QEMU's socket netdev framing (a 4-byte big-endian length, then the
frame), writing each to a pcap file (Wireshark reads it).  Wire(...,
ports=1) has one end only: the hostile packet injector (inject.py) is the
other.

Linux runs busybox's shell (tests/net/linux-init.sh); each command ends
with "echo @@END n $?@@".  Vireo has no shell: its commands go to the
kernel monitor's "run", which prints "init: PROG exited with status S"
(S a wait status: the exit code times 256).  Both sides take the same tool syntax for udpcat
(tests/net/udpcat.c on Linux, user/bin/udpcat.c on Vireo); ping, arp and
the address set-up differ and are methods.
"""
import os
import re
import socket
import struct
import subprocess
import threading
import time

QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-cpu", "max,la57=off",
        "-smp", "1", "-m", "512M", "-display", "none", "-serial", "stdio",
        "-no-reboot"]

# -device arguments per NIC model (virtio: modern only, as issue 12 asks).
NIC_DEVICES = {"e1000": "e1000", "e1000e": "e1000e",
               "virtio": "virtio-net-pci,disable-legacy=on"}


def mac(n):
    """A locally administered MAC per guest: QEMU's default is the same for all."""
    return "52:54:00:18:00:%02x" % n


class Pcap:
    """A pcap file (link type Ethernet); write() is thread-safe."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.lock = threading.Lock()

    def write(self, frame):
        t = time.time()
        with self.lock:
            self.f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(frame), len(frame)))
            self.f.write(frame)
            self.f.flush()


def read_frame(sock):
    """One frame from a socket netdev peer, or None at end of stream."""
    head = recv_exact(sock, 4)
    if head is None:
        return None
    return recv_exact(sock, struct.unpack(">I", head)[0])


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        try:
            part = sock.recv(n - len(buf))
        except OSError:
            return None
        if not part:
            return None
        buf += part
    return buf


def write_frame(sock, frame):
    sock.sendall(struct.pack(">I", len(frame)) + frame)


class Wire:
    """Listens on `ports` ports of 127.0.0.1 (chosen by the kernel), one
    QEMU connects to each; with two, frames are relayed between them."""

    def __init__(self, pcap_path, ports=2):
        self.pcap = Pcap(pcap_path) if pcap_path else None
        self.listeners = []
        for _ in range(ports):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            self.listeners.append(s)
        self.ports = [s.getsockname()[1] for s in self.listeners]
        self.conns = [None] * ports
        self.frames = [0] * ports
        self.up = True
        for i in range(ports):
            threading.Thread(target=self._serve, args=(i,), daemon=True).start()

    def _serve(self, i):
        self.listeners[i].settimeout(300)
        try:
            conn, _ = self.listeners[i].accept()
        except OSError:
            return
        self.conns[i] = conn
        if len(self.conns) < 2:
            return
        while True:
            frame = read_frame(conn)
            if frame is None:
                return
            self.frames[i] += 1
            if self.pcap:
                self.pcap.write(frame)
            other = self.conns[1 - i]
            if other is not None and self.up:
                try:
                    write_frame(other, frame)
                except OSError:
                    pass

    def connection(self, i, timeout):
        """The socket of end i once its QEMU has connected, or None."""
        deadline = time.monotonic() + timeout
        while self.conns[i] is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.conns[i]

    def close(self):
        for s in self.listeners + [c for c in self.conns if c]:
            s.close()


class Guest:
    """One QEMU; see the module comment."""

    def __init__(self, name, cmd, log):
        self.name = name
        self.log = open(log, "wb")
        self.buf = ""
        self.pos = 0
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        threading.Thread(target=self._reader, daemon=True).start()

    @staticmethod
    def qemu_args(kernel, initrd, append, nic, port, macaddr, monitor=None):
        dev = NIC_DEVICES[nic]
        return QEMU + ["-kernel", kernel, "-initrd", initrd, "-append", append,
                       "-monitor", ("unix:%s,server,nowait" % monitor) if monitor else "none",
                       "-netdev", "socket,id=n0,connect=127.0.0.1:%d" % port,
                       "-device", "%s,netdev=n0,mac=%s" % (dev, macaddr)]

    def _reader(self):
        while True:
            data = os.read(self.proc.stdout.fileno(), 4096)
            if not data:
                with self.cond:
                    self.cond.notify_all()
                return
            self.log.write(data)
            self.log.flush()
            with self.cond:
                self.buf += data.decode("latin-1").replace("\r", "")
                self.cond.notify_all()

    def expect(self, regex, timeout):
        """Waits for regex in the output after the last match; the match or None."""
        rx = re.compile(regex)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.cond.wait(min(left, 1.0))

    def seen(self, regex, timeout):
        """Waits for regex anywhere in the output (printed at any time,
        between commands too); the match or None.  Moves nothing."""
        rx = re.compile(regex)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.buf)
                if m or time.monotonic() >= deadline or self.proc.poll() is not None:
                    return m
                self.cond.wait(1.0)

    def output_since(self, start):
        with self.cond:
            return self.buf[start:self.pos]

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def run(self, cmd, timeout):
        return self.finish(self.start(cmd), timeout)

    def hold(self, secs):
        """Keeps the guest's stack running for secs while the other side
        acts (see VireoGuest.hold); a mark for release(), or None."""
        return None

    def release(self, mark, secs):
        """Waits for what hold() started to end (secs: its length)."""

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class LinuxGuest(Guest):
    kind = "linux"
    prefix = ""

    def __init__(self, name, kernel, initrd, log, nic, port, macaddr, addr, monitor=None):
        append = "console=ttyS0 quiet panic=-1" + (" net_addr=%s" % addr if addr else "")
        super().__init__(name, self.qemu_args(kernel, initrd, append, nic, port, macaddr,
                                              monitor), log)
        self.addr = addr.split("/")[0] if addr else None
        self.count = 0

    def boot(self, timeout=240):
        m = self.expect(r"NETGUEST-(READY|NOIF)", timeout)
        return m is not None and m.group(1) == "READY"

    def start(self, cmd):
        self.count += 1
        mark = (self.count, self.pos)
        self.send("%s; echo @@END %d $?@@\n" % (cmd, self.count))
        return mark

    def finish(self, mark, timeout):
        n, start = mark
        m = self.expect(r"@@END %d (\d+)@@" % n, timeout)
        if m is None:
            return None, self.buf[start:]
        return int(m.group(1)), self.buf[start:m.start()]

    def ping(self, addr, count=3, size=56):
        return "ping -c %d -s %d -W 5 %s" % (count, size, addr)

    def dhcp(self):
        """The DHCP client's command and the regex of its result (group 1:
        the address; tests/net/udhcpc.script prints it)."""
        return ("udhcpc -i eth0 -n -q -t 5 -T 2 -s /etc/udhcpc.script",
                r"udhcpc.script: bound (198\.18\.0\.\d+)/255\.254\.0\.0 router 198\.18\.0\.1 "
                r"dns 198\.18\.0\.1")

    def arp_table(self):
        return "cat /proc/net/arp"

    def meminfo(self):
        """Free memory in KiB (MemAvailable)."""
        st, out = self.run("grep MemAvailable /proc/meminfo", 20)
        m = re.search(r"MemAvailable:\s+(\d+)", out or "")
        return int(m.group(1)) if st == 0 and m else None


class VireoGuest(Guest):
    kind = "vireo"
    prefix = "/bin/"
    PROMPT = "vireo> "

    def __init__(self, name, kernel, initrd, log, nic, port, macaddr, addr, monitor=None):
        # No /etc/rc: its background "ipconfig -b -r" would hold port 68
        # and race with the tests' own set-up.  The monitor's run uses the
        # kernel's name space, which has every device bound already.
        super().__init__(name, self.qemu_args(kernel, initrd, "init=/bin/echo netguest",
                                              nic, port, macaddr, monitor), log)
        self.addr = addr.split("/")[0] if addr else None
        self.cidr = addr

    def boot(self, timeout=240):
        """Up to the monitor's prompt, then the static address if one was given."""
        if self.expect(re.escape(self.PROMPT), timeout) is None:
            return False
        if self.cidr is None:
            return True
        st, _ = self.run("/bin/ipconfig -s %s" % self.cidr, 30)
        return st == 0

    def start(self, cmd):
        mark = self.pos
        self.send("run %s\r" % cmd)
        return mark

    def finish(self, mark, timeout):
        m = self.expect(re.escape(self.PROMPT), timeout)
        if m is None:
            return None, self.buf[mark:]
        out = self.buf[mark:m.start()]
        st = re.search(r"init: \S+ exited with status (0x[0-9a-f]+|0)\n", out)
        if st is None:
            return 255, out        # it did not start (init printed why)
        return int(st.group(1), 16) >> 8, out

    def hold(self, secs):
        """Keeps the monitor inside "run" with a command that waits (udpcat
        recv on an unused port).  Until session 6 the monitor halted
        Vireo's one core at its prompt and nothing else ran, the stack's
        input included; it sleeps there now, so this is belt and braces
        (Documentation/net-testing.md)."""
        return self.start("/bin/udpcat recv 7998 %d" % secs)

    def release(self, mark, secs):
        if mark is not None:
            self.finish(mark, secs + 30)

    def ping(self, addr, count=3, size=56):
        """size: data bytes, as busybox counts them; Vireo's -s is the
        whole datagram (IP and ICMP headers included)."""
        return "/bin/ping -s %d -n %d %s" % (size + 28, count, addr)

    def dhcp(self):
        """ipconfig with a lease keeper (-r), and the regex of its result."""
        return ("/bin/ipconfig -r -t 40",
                r"ipconfig: dhcp (198\.18\.0\.\d+) mask 255\.254\.0\.0 gateway 198\.18\.0\.1 "
                r"dns 198\.18\.0\.1 server 198\.18\.0\.1 lease 40 s")

    def arp_table(self):
        return "/bin/arp"

    def meminfo(self):
        """Free pages as the monitor's mem command reports them (in KiB)."""
        mark = self.pos
        self.send("mem\r")
        m = self.expect(re.escape(self.PROMPT), 20)
        if m is None:
            return None
        f = re.search(r"free pages: (\d+)", self.buf[mark:m.start()])
        return int(f.group(1)) * 4 if f else None


def make_guest(kind, *args, **kw):
    return {"linux": LinuxGuest, "vireo": VireoGuest}[kind](*args, **kw)


def hmp(path, command, timeout=10):
    """One QEMU human-monitor command over the guest's monitor socket."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    buf = b""
    while not buf.endswith(b"(qemu) "):
        buf += s.recv(4096)
    s.sendall(command.encode() + b"\n")
    buf = b""
    while not buf.endswith(b"(qemu) "):
        buf += s.recv(4096)
    s.close()
    return buf.decode("latin-1")
