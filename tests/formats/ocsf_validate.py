#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate OCSF events (one JSON object per line) against the OCSF schema
source tree (events/, objects/, profiles/, dictionary.json), offline.

Checks, for every event and every object in it: the class exists and
category_uid, class_uid and type_uid agree; metadata.version is the
schema's; every required attribute is present (a profile's only when the
event lists that profile); no attribute the schema does not define;
types (string, integer, long, timestamp, boolean, float, object, array)
with the patterns and ranges of the schema's types; enum values, and
each *_id's sibling caption; at_least_one and just_one constraints.

usage: ocsf_validate.py SCHEMA_DIR FILE...   (exit 1 on any error)
"""
import glob
import json
import os
import re
import sys


class Schema:
    def __init__(self, root):
        self.root = root
        dic = self.load('dictionary.json')
        self.dict = dic['attributes']
        self.types = dic['types']['attributes']
        self.version = self.load('version.json')['version']
        self.cats = self.load('categories.json')['attributes']
        self.raw_classes = {}
        for f in glob.glob(os.path.join(root, 'events', '**', '*.json'),
                           recursive=True):
            d = json.load(open(f))
            self.raw_classes[d['name']] = d
        self.raw_objects = {}
        for f in glob.glob(os.path.join(root, 'objects', '*.json')):
            d = json.load(open(f))
            self.raw_objects[d['name']] = d
        self.classes = {}
        for name, d in self.raw_classes.items():
            uid = self.class_uid(name)
            if uid is not None:
                self.classes[uid] = name
        self.cache = {}

    def load(self, rel):
        return json.load(open(os.path.join(self.root, rel)))

    def class_chain(self, name, kind):
        raw = self.raw_classes if kind == 'class' else self.raw_objects
        chain = []
        while name:
            d = raw[name]
            chain.append(d)
            name = d.get('extends')
        return list(reversed(chain))

    def class_uid(self, name):
        chain = self.class_chain(name, 'class')
        cat = None
        for d in chain:
            cat = d.get('category', cat)
        d = chain[-1]
        if 'uid' not in d or cat not in self.cats:
            return None
        return self.cats[cat]['uid'] * 1000 + d['uid']

    def category_of(self, name):
        cat = None
        for d in self.class_chain(name, 'class'):
            cat = d.get('category', cat)
        return self.cats[cat]['uid']

    def attrs(self, name, kind):
        """name -> merged attribute spec, with 'profile' where one
        brought it."""
        key = (kind, name)
        if key in self.cache:
            return self.cache[key]
        out = {}
        for d in self.class_chain(name, kind):
            self.merge(out, d.get('attributes', {}), None)
        for a, spec in out.items():
            base = dict(self.dict.get(a, {}))
            enum = dict(base.get('enum', {}))
            enum.update(spec.get('enum', {}))
            base.update(spec)
            if enum:
                base['enum'] = enum
            out[a] = base
        self.cache[key] = out
        return out

    def merge(self, out, attrs, profile):
        for a, spec in attrs.items():
            if a == '$include':
                for inc in spec:
                    d = self.load(inc)
                    prof = d.get('name') if d.get('meta') == 'profile' \
                        else profile
                    self.merge(out, d.get('attributes', {}), prof)
                continue
            cur = dict(out.get(a, {}))
            enum = dict(cur.get('enum', {}))
            enum.update(spec.get('enum', {}))
            cur.update(spec)
            if enum:
                cur['enum'] = enum
            if profile and 'profile' not in cur:
                cur['profile'] = profile
            out[a] = cur

    def constraints(self, name, kind):
        c = {}
        for d in self.class_chain(name, kind):
            c.update(d.get('constraints', {}))
        return c


class Checker:
    def __init__(self, schema):
        self.s = schema
        self.errors = []

    def err(self, path, msg):
        self.errors.append('%s: %s' % (path, msg))

    def prim(self, path, t, v):
        info = self.s.types.get(t, {})
        base = info.get('type', t)
        if base in ('string_t',):
            if not isinstance(v, str):
                return self.err(path, 'expected a string (%s)' % t)
            if 'regex' in info and not re.search(info['regex'], v):
                self.err(path, '%r does not match %s' % (v, t))
            if 'max_len' in info and len(v) > info['max_len']:
                self.err(path, 'longer than %d' % info['max_len'])
        elif base in ('integer_t', 'long_t', 'timestamp_t'):
            if not isinstance(v, int) or isinstance(v, bool):
                return self.err(path, 'expected an integer (%s)' % t)
            if base == 'integer_t' and not -2**31 <= v < 2**31:
                self.err(path, 'out of the 32-bit range')
            if 'range' in info and not info['range'][0] <= v <= \
                    info['range'][1]:
                self.err(path, '%d out of range %s' % (v, info['range']))
        elif base == 'boolean_t':
            if not isinstance(v, bool):
                self.err(path, 'expected a boolean')
        elif base == 'float_t':
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                self.err(path, 'expected a number')
        elif base == 'json_t':
            pass
        else:
            self.err(path, 'unknown type %s' % t)

    def value(self, path, name, spec, v, profiles):
        t = spec.get('type')
        if spec.get('is_array'):
            if not isinstance(v, list):
                return self.err(path, 'expected an array')
            for i, x in enumerate(v):
                self.one(path + '[%d]' % i, spec, t, x, profiles)
        else:
            self.one(path, spec, t, v, profiles)

    def one(self, path, spec, t, v, profiles):
        if t is None:
            return self.err(path, 'no type in the schema')
        if t == 'object':
            if not isinstance(v, dict):
                self.err(path, 'expected an object')
            return
        if t.endswith('_t'):
            self.prim(path, t, v)
            if 'enum' in spec and not spec.get('is_array'):
                if str(v) not in spec['enum'] if not isinstance(v, bool) \
                        else True:
                    self.err(path, '%r is not one of %s' %
                             (v, sorted(spec['enum'])))
            return
        if t not in self.s.raw_objects:
            return self.err(path, 'unknown object type %s' % t)
        self.obj(path, t, 'object', v, profiles)

    def obj(self, path, name, kind, v, profiles):
        if not isinstance(v, dict):
            return self.err(path, 'expected an object (%s)' % name)
        attrs = self.s.attrs(name, kind)
        for a, x in v.items():
            if a not in attrs:
                self.err(path, 'attribute %s is not in %s' % (a, name))
                continue
            spec = attrs[a]
            if kind == 'class' and a in ('category_uid', 'class_uid',
                                         'type_uid'):
                # the class defines these; checked in event()
                spec = dict(spec)
                spec.pop('enum', None)
            self.value('%s.%s' % (path, a), a, spec, x, profiles)
        for a, spec in attrs.items():
            if spec.get('requirement') != 'required' or a in v:
                continue
            if spec.get('profile') and spec['profile'] not in profiles:
                continue
            self.err(path, 'required attribute %s of %s missing' %
                     (a, name))
        # sibling captions: foo_id 4 goes with foo "High"
        for a, spec in attrs.items():
            sib = spec.get('sibling')
            if kind == 'class' and a in ('category_uid', 'class_uid',
                                         'type_uid'):
                continue
            if sib and a in v and sib in v and 'enum' in spec:
                e = spec['enum'].get(str(v[a]))
                if e and str(v[a]) != '99' and v[sib] != e['caption']:
                    self.err(path, '%s is %r but %s %s is %r' %
                             (sib, v[sib], a, v[a], e['caption']))
        c = self.s.constraints(name, kind)
        if 'at_least_one' in c and not any(k in v for k in
                                           c['at_least_one']):
            self.err(path, 'needs at least one of %s' % c['at_least_one'])
        if 'just_one' in c and sum(k in v for k in c['just_one']) != 1:
            self.err(path, 'needs exactly one of %s' % c['just_one'])

    def event(self, where, ev):
        if not isinstance(ev, dict):
            return self.err(where, 'not an object')
        uid = ev.get('class_uid')
        name = self.s.classes.get(uid)
        if not name:
            return self.err(where, 'unknown class_uid %r' % uid)
        if ev.get('category_uid') != self.s.category_of(name):
            self.err(where, 'category_uid %r is not %s\'s' %
                     (ev.get('category_uid'), name))
        act = ev.get('activity_id')
        if isinstance(act, int) and ev.get('type_uid') != uid * 100 + act:
            self.err(where, 'type_uid %r is not class_uid*100+activity_id'
                     % ev.get('type_uid'))
        cap = self.s.raw_classes[name].get('caption')
        if ev.get('class_name', cap) != cap:
            self.err(where, 'class_name %r is not %r' %
                     (ev.get('class_name'), cap))
        cat = [c for c in self.s.cats.values()
               if c['uid'] == self.s.category_of(name)][0]
        if ev.get('category_name', cat['caption']) != cat['caption']:
            self.err(where, 'category_name %r is not %r' %
                     (ev.get('category_name'), cat['caption']))
        acts = self.s.attrs(name, 'class')['activity_id'].get('enum', {})
        if isinstance(act, int) and str(act) in acts and \
                ev.get('type_name') not in (None, '%s: %s' % (
                    cap, acts[str(act)]['caption'])):
            self.err(where, 'type_name %r' % ev.get('type_name'))
        meta = ev.get('metadata', {})
        if meta.get('version') != self.s.version:
            self.err(where, 'metadata.version %r, schema is %r' %
                     (meta.get('version'), self.s.version))
        profiles = set(meta.get('profiles', []))
        self.obj(where, name, 'class', ev, profiles)
        return name


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    schema = Schema(sys.argv[1])
    c = Checker(schema)
    n = 0
    classes = {}
    for f in sys.argv[2:]:
        with open(f, 'rb') as fh:
            for i, raw in enumerate(fh, 1):
                where = '%s:%d' % (f, i)
                try:
                    ev = json.loads(raw.decode('utf-8'))
                except (UnicodeDecodeError, ValueError) as e:
                    c.err(where, 'not UTF-8 JSON: %s' % e)
                    continue
                name = c.event(where, ev)
                n += 1
                if name:
                    key = '%s/%s' % (name, ev.get('activity_name'))
                    classes[key] = classes.get(key, 0) + 1
    for e in c.errors[:50]:
        print(e)
    for k in sorted(classes):
        print('  %-40s %d' % (k, classes[k]))
    print('%d OCSF events, %d errors (schema %s)' %
          (n, len(c.errors), schema.version))
    return 1 if c.errors or not n else 0


if __name__ == '__main__':
    sys.exit(main())
