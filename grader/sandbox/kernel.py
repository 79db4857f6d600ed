"""The Linux calls a warm run needs to enter namespaces by itself (standard library only).

bwrap makes a cold run's namespaces; a run forked from the warm template (``template.py``)
cannot exec bwrap without losing what the template imported, so it makes them with these:
``unshare``, ``mount``, a user namespace of its own, capabilities dropped, loopback up.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_PR_CAPBSET_DROP = 24
_PR_SET_NO_NEW_PRIVS = 38
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 1

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str, target: str, kind: str | None, flags: int = 0, data: str = "") -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            kind.encode() if kind else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {kind or 'bind'} on {target}",
    )


def unmount(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def bind_readonly(source: str, target: str) -> None:
    """``target`` shows ``source``, read-only (a bind, then its remount)."""
    mount(source, target, None, MS_BIND)
    mount("none", target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def die_with_parent(signal_number: int) -> None:
    prctl(_PR_SET_PDEATHSIG, signal_number)


def set_dumpable(dumpable: bool) -> None:
    prctl(_PR_SET_DUMPABLE, int(dumpable))


def enter_user_namespace(uid: int, gid: int) -> None:
    """A new user namespace in which this process is ``uid``/``gid`` (its own ids outside)."""
    outer_uid, outer_gid = os.geteuid(), os.getegid()
    unshare(CLONE_NEWUSER)
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {outer_uid} 1"),
        ("gid_map", f"{gid} {outer_gid} 1"),
    ):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def drop_capabilities() -> None:
    """No capability of any kind, now or after exec; no privilege gained through exec."""
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        last = int(handle.read())
    for capability in range(last + 1):
        _check(_libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0), "drop bounding capability")
    _check(_libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient")
    header = struct.pack("Ii", _CAPABILITY_VERSION_3, 0)
    data = bytes(24)  # two empty __user_cap_data_struct: effective, permitted, inheritable
    _check(_libc.capset(header, data), "capset")
    prctl(_PR_SET_NO_NEW_PRIVS, 1)


def loopback_up() -> None:
    """A new network namespace has ``lo`` down: bring it up (127.0.0.1 then works)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)  # a struct ifreq (40 bytes)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, _SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | _IFF_UP))


def sethostname(name: str) -> None:
    encoded = name.encode()
    _check(_libc.sethostname(encoded, len(encoded)), "sethostname")


_MADV_COLLAPSE = 25  # Linux 6.1
_HUGE_PAGE = 2 << 20
_libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def anonymous_huge_ranges(chunk: int = 8 << 20) -> list[tuple[int, int]]:
    """This process's private, writable anonymous memory (its heap too), as ranges of at most
    ``chunk`` bytes on 2 MiB boundaries: what ``collapse`` can back with huge pages."""
    ranges = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if fields[1] != "rw-p" or fields[5:] not in ([], ["[heap]"]):
                continue
            start, end = (int(address, 16) for address in fields[0].split("-"))
            start = -(-start // _HUGE_PAGE) * _HUGE_PAGE
            end = end // _HUGE_PAGE * _HUGE_PAGE
            ranges += [(at, min(chunk, end - at)) for at in range(start, end, chunk)]
    return ranges


def collapse(start: int, length: int) -> bool:
    """Back ``length`` bytes at ``start`` with 2 MiB pages (``MADV_COLLAPSE``): a fork then
    copies one entry per huge page, not 512 page-table entries. False where the kernel cannot
    (older than 6.1, no free huge page, memory locked); nothing changes then."""
    return _libc.madvise(start, length, _MADV_COLLAPSE) == 0
