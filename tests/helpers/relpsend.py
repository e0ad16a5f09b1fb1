#!/usr/bin/env python3
"""relpsend: one RELP session to a collector, as a sender the test makes
up (tests/integration/fleet.sh): optionally TLS with a client
certificate, then "open", one "syslog" message per LINE, "close".
Prints what happened: "refused: ..." when the collector ends the
session before answering, else "acked N".  With --syslog, syslog over
TLS instead (RFC 5425 octet counting, what omfwd sends): no answer
comes, "sent N" once written and closed.

Usage: relpsend.py HOST PORT [--plain] [--syslog] [--ca F]
                   [--cert F --key F] [--host-name NAME] LINE...
"""
import argparse
import socket
import ssl
import sys


def frame(txnr, cmd, data=b''):
    if data:
        return b'%d %s %d %s\n' % (txnr, cmd, len(data), data)
    return b'%d %s 0\n' % (txnr, cmd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('host')
    ap.add_argument('port', type=int)
    ap.add_argument('--plain', action='store_true')
    ap.add_argument('--syslog', action='store_true')
    ap.add_argument('--ca')
    ap.add_argument('--cert')
    ap.add_argument('--key')
    ap.add_argument('--host-name', default='vigil-test-h1')
    ap.add_argument('lines', nargs='*')
    a = ap.parse_intermixed_args()
    s = socket.create_connection((a.host, a.port), timeout=10)
    try:
        if not a.plain:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.load_verify_locations(a.ca)
            ctx.check_hostname = False
            if a.cert:
                ctx.load_cert_chain(a.cert, a.key)
            s = ctx.wrap_socket(s)
        if a.syslog:
            for line in a.lines:
                msg = ('<13>1 2026-12-06T00:00:00Z %s vigild - - - %s' %
                       (a.host_name, line)).encode()
                s.sendall(b'%d %s' % (len(msg), msg))
            s.close()
            print('sent %d' % len(a.lines))
            return 0
        s.sendall(frame(1, b'open',
                        b'relp_version=0\nrelp_software=relpsend\n'
                        b'commands=syslog'))
        f = s.makefile('rb')
        rsp = f.readline()
        if not rsp.startswith(b'1 rsp ') or b'200 OK' not in rsp:
            print('refused: no answer to open (%r)' % rsp[:60])
            return 0
        f.readline(), f.readline(), f.readline()   # the offers
        n = 0
        for i, line in enumerate(a.lines):
            msg = ('<13>1 2026-12-06T00:00:00Z %s vigild - - - %s' %
                   (a.host_name, line)).encode()
            s.sendall(frame(i + 2, b'syslog', msg))
            rsp = f.readline()
            if not rsp.startswith(b'%d rsp 6 200 OK' % (i + 2)):
                print('refused: %r' % rsp[:60])
                return 0
            n += 1
        s.sendall(frame(len(a.lines) + 2, b'close'))
        print('acked %d' % n)
    except (OSError, ssl.SSLError) as e:
        print('refused: %s' % e)
    return 0


if __name__ == '__main__':
    sys.exit(main())
