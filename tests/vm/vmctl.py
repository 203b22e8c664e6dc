#!/usr/bin/env python3
"""Talk to a QEMU virtual machine for scripts/test-vm (standard library only).

  vmctl.py qmp SOCK screendump FILE.ppm     a screenshot of the display
  vmctl.py qmp SOCK tap X Y W H             a tap (absolute pointer, left
                                            button) at X,Y of a W x H output
  vmctl.py qmp SOCK quit                    stop the machine now
  vmctl.py qga SOCK ping [SECONDS]          wait until the guest agent answers
  vmctl.py qga SOCK exec CMD [ARG...]       run a program in the guest: its
                                            stdout and stderr printed, its
                                            exit status returned

QMP is QEMU's own socket (-qmp unix:SOCK,server=on,wait=off); QGA is the
qemu-guest-agent inside the guest, through a virtio-serial port.
"""
import base64
import json
import socket
import sys
import time


def connect(path, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s, s.makefile("rb")


def answer(f, want_id=None):
    """The next reply (skipping QMP events and stale replies)."""
    while True:
        line = f.readline()
        if not line:
            raise ConnectionError("the socket closed")
        msg = json.loads(line)
        if "event" in msg or "QMP" in msg:
            continue
        if want_id is not None and msg.get("id") != want_id:
            continue
        if "error" in msg:
            raise RuntimeError(msg["error"].get("desc", str(msg["error"])))
        return msg.get("return")


def qmp(path, argv):
    s, f = connect(path, 30)
    answer_greeting = json.loads(f.readline())
    assert "QMP" in answer_greeting

    def cmd(name, **args):
        s.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        return answer(f)

    cmd("qmp_capabilities")
    what = argv[0]
    if what == "screendump":
        cmd("screendump", filename=argv[1])
    elif what == "tap":
        x, y, w, h = (int(a) for a in argv[1:5])
        ax, ay = x * 32767 // max(w - 1, 1), y * 32767 // max(h - 1, 1)
        move = [{"type": "abs", "data": {"axis": "x", "value": ax}},
                {"type": "abs", "data": {"axis": "y", "value": ay}}]
        cmd("input-send-event", events=move)
        time.sleep(0.1)
        cmd("input-send-event", events=[{"type": "btn", "data": {"down": True, "button": "left"}}])
        time.sleep(0.1)
        cmd("input-send-event", events=[{"type": "btn", "data": {"down": False, "button": "left"}}])
    elif what == "quit":
        cmd("quit")
    else:
        raise SystemExit("vmctl: unknown qmp command " + what)
    return 0


def qga_sync(s):
    """A delimited guest-sync: the agent's reply comes after a 0xff byte,
    so anything stale before it (an earlier client's reply) is skipped."""
    sync_id = int(time.time() * 1000) % 100000000
    s.sendall(b"\xff" + json.dumps({"execute": "guest-sync-delimited",
                                     "arguments": {"id": sync_id}}).encode() + b"\n")
    buf = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("the guest agent's socket closed")
        buf += chunk
        while b"\xff" in buf and b"\n" in buf.split(b"\xff", 1)[1]:
            line, buf = buf.split(b"\xff", 1)[1].split(b"\n", 1)
            try:
                if json.loads(line).get("return") == sync_id:
                    return
            except ValueError:
                pass


def qga(path, argv):
    what = argv[0]
    if what == "ping":
        deadline = time.time() + (float(argv[1]) if len(argv) > 1 else 60)
        while True:
            try:
                s, _ = connect(path, 3)
                qga_sync(s)
                s.close()
                return 0
            except (OSError, ConnectionError):
                pass
            if time.time() > deadline:
                print("vmctl: the guest agent did not answer", file=sys.stderr)
                return 1
            time.sleep(1)
    if what != "exec":
        raise SystemExit("vmctl: unknown qga command " + what)
    s, _ = connect(path, 120)
    qga_sync(s)
    f = s.makefile("rb")

    def cmd(name, **args):
        s.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        return answer(f)

    pid = cmd("guest-exec", path=argv[1], arg=argv[2:], **{"capture-output": True})["pid"]
    while True:
        st = cmd("guest-exec-status", pid=pid)
        if st.get("exited"):
            break
        time.sleep(0.05)
    sys.stdout.write(base64.b64decode(st.get("out-data", "")).decode(errors="replace"))
    sys.stderr.write(base64.b64decode(st.get("err-data", "")).decode(errors="replace"))
    sys.stdout.flush()
    return st.get("exitcode", 128 + st.get("signal", 0))


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("qmp", "qga"):
        print(__doc__, file=sys.stderr)
        return 2
    return (qmp if sys.argv[1] == "qmp" else qga)(sys.argv[2], sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
