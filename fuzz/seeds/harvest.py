#!/usr/bin/env python3
"""Harvests the text seeds of the filter, query and schema targets from the
unit tests' string literals into seeds/*.txt (one per line; `\\n` and `\\0`
stand for those bytes). Run from fuzz/: python3 seeds/harvest.py"""
import re, pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIT = r'b?"((?:[^"\\]|\\.)*)"'

def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != '\\':
            out.append(c); i += 1; continue
        n = s[i + 1]
        if n == 'x':
            out.append(chr(int(s[i + 2:i + 4], 16))); i += 4
        elif n == 'u':
            j = s.index('}', i); out.append(chr(int(s[i + 3:j], 16))); i = j + 1
        else:
            out.append({'n': '\n', 't': '\t', 'r': '\r', '0': '\0'}.get(n, n)); i += 2
    return ''.join(out)

def harvest(files, calls):
    seen = []
    for f in files:
        text = (ROOT / f).read_text()
        for m in re.finditer(r'\b(?:%s)\(\s*%s' % ('|'.join(calls), LIT), text):
            v = unescape(m.group(1))
            if v not in seen:
                seen.append(v)
    return seen

def esc(v):
    return v.replace('\\n', '\\\\n').replace('\n', '\\n').replace('\0', '\\0')

def write(name, lines):
    lines = [esc(l) for l in lines if l]
    (pathlib.Path(__file__).parent / name).write_text('\n'.join(lines) + '\n')
    print(name, len(lines))

filters = harvest(['src/vector/filter/tests.rs'], ['m', 'parse', 'Filter::parse'])
attrs = ['{"year": 1984, "rating": 4.5, "genre": "action", "tags": ["a", "b"], "ok": true, "n": [1, 2, 3]}']
write('filters.txt', [f + '\0' + attrs[0] for f in filters])

params = ('\nK=10\nEF=150\nr=5\nword=abc\nd=dist\ntagp=red\nlo=-1.5\ninf=+inf\nB=bb'
          '\nB_SIZE=50\ndistance_threshold=0.1\nneg=-1\nvec=abcdabcd\nBLOB=abcd\nvector=\0\0\x80?')
queries = harvest(['src/search/query/tests.rs', 'src/search/query/tests/limits.rs'],
                  ['ok', 'filter', 'err', 'parse'])
write('queries.txt', [q + params for q in queries if '\n' not in q and len(q) < 4096])

schemas = harvest(['src/search/schema/tests.rs'], ['ok', 'err', 'create'])
schemas += [
    'idx ON HASH PREFIX 1 doc: SCHEMA t TEXT n NUMERIC SORTABLE g TAG v VECTOR HNSW 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 -- SCHEMA ADD t2 TEXT NOSTEM v2 VECTOR FLAT 6 TYPE FLOAT64 DIM 3 DISTANCE_METRIC IP',
    'idx FILTER @n>1 LANGUAGE english STOPWORDS 2 a the SKIPINITIALSCAN SCHEMA $.a AS a TEXT -- SKIPINITIALSCAN SCHEMA ADD b TAG CASESENSITIVE',
]
write('schemas.txt', ['\n'.join(s.split()) for s in schemas])
