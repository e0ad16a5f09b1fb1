#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check the lines vigil wrote in its four syslog formats.

DIR holds kv, json, ocsf and cef, written in lockstep (line i of each is
the same event), as tests/rules/replay writes them with
VIGIL_REPLAY_LINES.  Every line must be valid UTF-8 with no control
character, at most MAX bytes, and parse in its format; each must name
the host, its machine-id and vigil with its version; a finding's
attributes must be the same in every format, and give back the same
bytes once unescaped (the text form of src/lib/utf8.h).  With
--expect-path HEX, some finding's path must decode to exactly those
bytes; with --expect-trimmed, some line must have been trimmed.

usage: check_lines.py DIR MAX [--expect-path HEX]... [--expect-trimmed]
"""
import json
import re
import sys

BARE = re.compile(rb'[A-Za-z0-9._:/@+,-]+')
CONTROL = re.compile('[\x00-\x1f\x7f-\x9f]')


def unescape(s):
    """vigil's text form (\\\\ and \\xNN) back to bytes."""
    out = bytearray()
    b = s.encode('utf-8')
    i = 0
    while i < len(b):
        if b[i:i + 1] == b'\\':
            if b[i + 1:i + 2] == b'\\':
                out += b'\\'
                i += 2
                continue
            m = re.match(rb'x([0-9a-f]{2})', b[i + 1:i + 4])
            if not m:
                raise ValueError('stray backslash in %r' % s)
            out.append(int(m.group(1), 16))
            i += 4
            continue
        out += b[i:i + 1]
        i += 1
    return bytes(out)


def parse_kv(line):
    """key=value pairs -> {key: [bytes, ...]}; quoted values undo
    \\" \\\\ and \\xNN."""
    b = line.encode('utf-8')
    out = {}
    i = 0
    while i < len(b):
        m = re.match(rb'([A-Za-z0-9_.-]+)=', b[i:])
        if not m:
            raise ValueError('no key at byte %d: %r' % (i, b[i:i + 40]))
        key = m.group(1).decode()
        i += m.end()
        if b[i:i + 1] == b'"':
            i += 1
            val = bytearray()
            while True:
                if i >= len(b):
                    raise ValueError('unterminated quote for %s' % key)
                c = b[i:i + 1]
                if c == b'"':
                    i += 1
                    break
                if c == b'\\':
                    n = b[i + 1:i + 2]
                    if n in (b'"', b'\\'):
                        val += n
                        i += 2
                        continue
                    m2 = re.match(rb'x([0-9a-f]{2})', b[i + 1:i + 4])
                    if not m2:
                        raise ValueError('bad escape for %s' % key)
                    val.append(int(m2.group(1), 16))
                    i += 4
                    continue
                val += c
                i += 1
        else:
            m2 = BARE.match(b[i:])
            if not m2:
                raise ValueError('bad bare value for %s' % key)
            val = m2.group(0)
            i += m2.end()
        out.setdefault(key, []).append(bytes(val))
        if i < len(b):
            if b[i:i + 1] != b' ':
                raise ValueError('no space after %s' % key)
            i += 1
    return out


def parse_cef(line):
    if not line.startswith('CEF:0|'):
        raise ValueError('not CEF:0')
    fields, cur, i, rest = [], '', 6, None
    while i < len(line):
        c = line[i]
        if c == '\\' and line[i + 1] in '\\|':
            cur += line[i + 1]
            i += 2
            continue
        if c == '|':
            fields.append(cur)
            cur = ''
            i += 1
            if len(fields) == 6:
                rest = line[i:]
                break
            continue
        cur += c
        i += 1
    if rest is None:
        raise ValueError('fewer than 7 header fields')
    if rest.startswith(' '):
        raise ValueError('a space between the header and the extension')
    ext = {}
    keys = list(re.finditer(r'(?:^| )([A-Za-z0-9]+)=', rest))
    for k, m in enumerate(keys):
        # an escaped \= is no key: the match must follow a real space
        end = keys[k + 1].start() if k + 1 < len(keys) else len(rest)
        raw = rest[m.end():end]
        val = re.sub(r'\\(.)', r'\1', raw)
        ext[m.group(1)] = val
    return fields, ext


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        return 2
    d, mx = args[0], int(args[1])
    want_paths = [bytes.fromhex(args[i + 1]) for i, a in enumerate(args)
                  if a == '--expect-path']
    want_trim = '--expect-trimmed' in args
    files = {f: open('%s/%s' % (d, f), 'rb').read().split(b'\n')[:-1]
             for f in ('kv', 'json', 'ocsf', 'cef')}
    n = len(files['json'])
    errors = []
    seen_paths = set()
    trimmed = 0
    longest = 0
    for f, lines in files.items():
        if len(lines) != n:
            errors.append('%s has %d lines, json %d' % (f, len(lines), n))
    for i in range(n):
        where = 'line %d' % (i + 1)
        text = {}
        for f in files:
            raw = files[f][i]
            longest = max(longest, len(raw))
            if len(raw) > mx:
                errors.append('%s %s: %d bytes > %d' % (f, where,
                                                        len(raw), mx))
            try:
                text[f] = raw.decode('utf-8')
            except UnicodeDecodeError as e:
                errors.append('%s %s: not UTF-8: %s' % (f, where, e))
                continue
            if CONTROL.search(text[f]):
                errors.append('%s %s: control character' % (f, where))
        if len(text) != 4:
            continue
        try:
            js = json.loads(text['json'])
            oc = json.loads(text['ocsf'])
            kv = parse_kv(text['kv'])
            hdr, cef = parse_cef(text['cef'])
        except ValueError as e:
            errors.append('%s: does not parse: %s' % (where, e))
            continue
        host = js['host']
        if kv['host'][0].decode() != host['hostname'] or \
                kv['machine_id'][0].decode() != host['machine_id'] or \
                kv['product'] != [b'vigil'] or \
                kv['version'][0].decode() != js['product']['version'] or \
                cef['dvchost'] != host['hostname'] or \
                cef['deviceExternalId'] != host['machine_id'] or \
                hdr[0:2] != ['vigil', 'vigil'] or \
                oc['device'].get('uid') != host['machine_id'] or \
                oc['metadata']['product']['name'] != 'vigil':
            errors.append('%s: host or product differ' % where)
        if kv['event'][0].decode() != js['event'] or \
                cef['act'] != js['event']:
            errors.append('%s: event differs' % where)
        if 'attributes' not in js:
            continue
        attrs = js['attributes']
        if oc['finding_info']['uid'] != js['id'] or \
                cef['externalId'] != js['id'] or \
                oc['finding_info']['uid_alt'] != js['fingerprint']:
            errors.append('%s: id or fingerprint differ' % where)
        # Each format is trimmed to fit on its own; untrimmed, all agree.
        cut = {'json': 'trimmed' in js,
               'ocsf': bool(oc['metadata'].get('is_truncated')),
               'cef': 'cs4' in cef,
               'kv': any(k.startswith('trimmed.') for k in kv)}
        if not any(cut.values()) and (
                oc['unmapped']['vigil']['attributes'] != attrs or
                json.loads(cef['cs3']) != attrs):
            errors.append('%s: attributes differ' % where)
        if not cut['kv'] and not cut['json']:
            for k, v in attrs.items():
                vals = v if isinstance(v, list) else [v]
                want = [unescape(x) if isinstance(x, str) else
                        json.dumps(x, separators=(',', ':')).encode()
                        for x in vals]
                if kv.get('attr.' + k, []) != want:
                    errors.append('%s: kv attr.%s %r != %r' %
                                  (where, k, kv.get('attr.' + k), want))
        if cut['ocsf'] != ('trimmed' in oc['unmapped']['vigil']):
            errors.append('%s: ocsf trimmed not marked' % where)
        if any(cut.values()):
            trimmed += 1
        for k in ('path', 'module', 'program'):
            if isinstance(attrs.get(k), str):
                seen_paths.add(unescape(attrs[k]))
        for x in attrs.get('programs', []):
            seen_paths.add(unescape(x))
    for p in want_paths:
        if p not in seen_paths:
            errors.append('no finding gives back the path %r' % p[:80])
    if want_trim and not trimmed:
        errors.append('no line was trimmed')
    for e in errors[:40]:
        print(e)
    print('%d events x 4 formats, longest line %d bytes (max %d), '
          '%d trimmed, %d errors' % (n, longest, mx, trimmed, len(errors)))
    return 1 if errors or not n else 0


if __name__ == '__main__':
    sys.exit(main())
