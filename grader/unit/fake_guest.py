"""A stand-in for an emulator in the unit tests: connects to the harness's
serial port like QEMU does and behaves as told (argv: MODE PORT)."""
import socket
import sys
import time

BANNER = b"Mica 0.1 (x86_64) booting\r\n"
BACKTRACE = (b"panic: kmain: testing\r\nbacktrace:\r\n"
             b"  #0 0xffffffff80100125\r\n  #1 0xffffffff80100210\r\n"
             b"mica: power off (status 3)\r\n")


def main() -> int:
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "nostart":
        print("fake: cannot start", file=sys.stderr)
        return 1
    s = socket.create_connection(("127.0.0.1", port))
    if mode == "silent":
        return 0
    s.sendall(BANNER)
    if mode == "poweroff":
        s.sendall(b"cmdline: \r\nmica: power off (status 0)\r\n")
    elif mode == "split":                   # \r\n split across two writes
        s.sendall(b"one\r")
        time.sleep(0.05)
        s.sendall(b"\ntwo\r\nmica: power off (status 0)\r\n")
    elif mode == "panic":
        s.sendall(b"trap: vector 14 (#PF) err=0x2 rip=0xffffffff80100120 cr2=0x0\r\n" + BACKTRACE)
    elif mode == "reboot":
        s.sendall(b"something\r\n" + BANNER + b"something\r\n")
    elif mode == "reset":
        s.sendall(b"doing things\r\n")
    elif mode == "hang":
        time.sleep(600)
    elif mode == "flood":
        line = b"x" * 79 + b"\r\n"
        while True:
            s.sendall(line * 100)
    elif mode == "slowflood":               # distinct lines at a slow baud rate (Bochs)
        n = 0
        while True:
            s.sendall(b"".join(b"tick %d\r\n" % (n + i) for i in range(50)))
            n += 50
            time.sleep(0.01)
    elif mode == "slowrepeat":              # one line over and over, slowly
        while True:
            s.sendall(b"stuck\r\n" * 20)
            time.sleep(0.01)
    elif mode == "echo":
        f = s.makefile("rb")
        while True:
            s.sendall(b"mica$ ")
            cmd = f.readline().strip()
            s.sendall(cmd + b"\r\n")                    # the echo
            if cmd == b"halt":
                s.sendall(b"mica: power off (status 0)\r\n")
                break
            s.sendall(b"you said " + cmd + b"\r\n")
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
