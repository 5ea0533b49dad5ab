#!/usr/bin/python3
"""Differential test of the incentive condition language against an
independent evaluator written from README.md alone ("Incentive rules":
grammar, precedence, types, three-valued logic, errors that only count when
they decide, functions, round, float8 arithmetic, byte-order text).

Not part of `make test` (about a minute for 3,000 rules).  Run it against a
server that has the extension installed, e.g. the cluster that
`KEEP=1 ONLY=nothing make test` leaves running (it prints the psql command):

    psql -h $D/run -p PORT -U postgres -c 'CREATE DATABASE fz'
    psql -h $D/run -p PORT -U postgres -d fz -c 'CREATE EXTENSION community_retention CASCADE'
    /usr/bin/python3 test/fuzz/rule_reference.py --rules 3000 --seed 1 \
        -- psql -X -q -h $D/run -p PORT -U postgres -d fz

The arguments after `--` are the psql command (without -c/-f); the user
needs CREATEROLE (the row level security check).  It creates and drops the schema rule_reference_fz and the role
rule_reference_reader.  Rules are generated as random text with random
(sometimes missing) parentheses, random case, quoted names, out-of-range
and malformed numbers and a few broken texts; the reference parses them
itself, so precedence and the input errors are checked too.  Rows hold
NULLs, NaN, +-Infinity, -0, subnormal and huge numbers, numeric beyond the
double range, text with quotes, blanks and non-ASCII characters.  It
compares
  - reading each rule: accepted, or the SQLSTATE;
  - incentive_matches(condition, record) on every rule x row pair: true,
    false, NULL or the SQLSTATE, and incentive_matches(condition, jsonb) on
    the rows JSON can carry (a missing key or null is NULL of any type);
  - output(input(output(x))) = output(x), output read back equal to x, and
    a binary COPY round trip (send/recv) of every accepted rule;
  - the rules that never fail as a rules table: every member's matching
    rules (inner, left, rules-side left joins, with other join clauses and
    filters above the join), the first by priority with ties by name (the
    README's DISTINCT ON), through the rules join, the plain nested loop,
    forced parallel plans and a tiny work_mem, and incentive_match_all; and
    with row level security on the rules table, as a role that sees a third
    fewer rules;
  - conditions over text, varchar, char(n) and name columns (COLLATE "C"),
    which are also SQL expressions, against PostgreSQL's own evaluation.
Exit status 1 and the first disagreements printed when there are any.
"""
import argparse
import decimal
import math
import random
import subprocess
import sys
import tempfile
import os

INF = float('inf')
NAN = float('nan')


class EvalError(Exception):
    def __init__(self, code):
        Exception.__init__(self, code)
        self.code = code


class RefError(Exception):
    """A condition the reference rejects: SQLSTATE."""

    def __init__(self, code, msg=''):
        Exception.__init__(self, code, msg)
        self.code = code


# ---------------------------------------------------------------- the data

# column -> (SQL type, reference type)
COLUMNS = [
    ('a', 'float8', 'num'), ('b', 'float8', 'num'), ('c', 'int4', 'num'),
    ('d', 'numeric', 'num'), ('"Up"', 'float8', 'num'),
    ('s', 'text', 'text'), ('t', 'text', 'text'), ('"q""t"', 'text', 'text'),
    ('p', 'bool', 'bool'), ('q', 'bool', 'bool'),
]
FEATURE_TYPES = {'a': 'num', 'b': 'num', 'c': 'num', 'd': 'num', 'Up': 'num',
                 's': 'text', 't': 'text', 'q"t': 'text', 'p': 'bool', 'q': 'bool'}
FLOATS = [None, 0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 0.5, 3.0, 10.0, 0.1, 1e308, -1e308,
          1.7976931348623157e308, 5e-324, 1e-310, 1e-300, 123456.789, NAN, INF, -INF,
          7.0, 1e15 + 0.5, 2.0 ** 53 + 2]
INTS = [None, 0, 1, -1, 7, 2147483647, -2147483648]
NUMERICS = [None, '0', '1.5', '-2.5', 'NaN', 'Infinity', '-Infinity', '1e400', '-1e400',
            '1e-400', '123456789012345678901234567890', '0.1']
TEXTS = [None, '', 'a', 'A', 'ab', 'ab ', "it's", '\u00e9', 'e\u0301', 'z', '\U0001F600',
         'a"b', 'B', ' ', 'abc', 'NULL', '\u00ff', '\u0100']
BOOLS = [None, True, False]


def numeric_value(s):
    """numeric -> double as README says: beyond the range +-Infinity, too small 0."""
    if s is None:
        return None
    if s == 'NaN':
        return NAN
    return float(s)          # Python float() gives inf/0 outside the range


def gen_rows(rng, n):
    rows = []
    for i in range(n):
        rows.append({
            'a': rng.choice(FLOATS), 'b': rng.choice(FLOATS), 'c': rng.choice(INTS),
            'd': rng.choice(NUMERICS), 'Up': rng.choice(FLOATS),
            's': rng.choice(TEXTS), 't': rng.choice(TEXTS), 'q"t': rng.choice(TEXTS),
            'p': rng.choice(BOOLS), 'q': rng.choice(BOOLS)})
    return rows


def ref_row(row):
    r = dict(row)
    r['d'] = numeric_value(row['d'])
    if r['c'] is not None:
        r['c'] = float(r['c'])
    return r


def sql_float(x):
    if x is None:
        return 'NULL'
    if math.isnan(x):
        return "'NaN'::float8"
    if math.isinf(x):
        return "'%sInfinity'::float8" % ('-' if x < 0 else '')
    return "'%s'::float8" % repr(x)


def sql_text(x):
    if x is None:
        return 'NULL'
    return "'" + x.replace("'", "''") + "'"


def sql_row(i, row):
    vals = [str(i), sql_float(row['a']), sql_float(row['b']),
            'NULL' if row['c'] is None else str(row['c']),
            'NULL' if row['d'] is None else "'%s'::numeric" % row['d'],
            sql_float(row['Up']), sql_text(row['s']), sql_text(row['t']), sql_text(row['q"t']),
            'NULL' if row['p'] is None else str(row['p']).lower(),
            'NULL' if row['q'] is None else str(row['q']).lower()]
    return '(' + ', '.join(vals) + ')'


# ----------------------------------------------------------- the generator

NUM_LITS = ['0', '1', '2', '3', '10', '0.5', '.5', '5.', '2.5', '1e-3', '1e308', '1.7e308',
            '1e-310', '4.9e-324', '100', '0.1', '1E2', '7', '1e15', '12345.678', '0.0']
TEXT_LITS = ["''", "'a'", "'A'", "'ab'", "'ab '", "'it''s'", "'\u00e9'", "'z'", "'B'",
             "'\U0001F600'", "'a\"b'", "' '", "'abc'", "'NULL'"]


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def paren(self, s, p_extra=0.1):
        return '(' + s + ')' if self.rng.random() < p_extra else s

    def feature(self, ty):
        rng = self.rng
        names = [k for k, v in FEATURE_TYPES.items() if v == ty]
        n = rng.choice(names)
        if rng.random() < 0.01:
            return rng.choice(['zz', 'UP', '"A"'])       # unknown features
        if n == 'Up':
            return '"Up"'
        if n == 'q"t':
            return '"q""t"'
        if rng.random() < 0.1:
            return '"%s"' % n
        if rng.random() < 0.1:
            return n.upper()
        return n

    def leaf(self, ty, p_feature, p_literal, literals):
        """A feature, a literal or NULL (cumulative probabilities)."""
        c = self.rng.random()
        if c < p_feature:
            return self.feature(ty), 7
        if c < p_literal:
            return self.rng.choice(literals), 7
        return 'NULL', 7

    # each returns (text, level) where level is the precedence of the top:
    # 0 OR, 1 AND, 2 NOT, 3 comparison, 4 sum, 5 prod, 6 unary, 7 primary
    def num(self, d):
        rng = self.rng
        r = rng.random()
        if d <= 0 or r < 0.25:
            return self.leaf('num', 0.45, 0.9, NUM_LITS)
        if r < 0.55:
            op = rng.choice(['+', '-', '*', '/', '%', '+', '*'])
            lvl = 4 if op in '+-' else 5
            a, la = self.num(d - 1)
            b, lb = self.num(d - 1)
            # left-assoc: left operand needs >= lvl, right > lvl, sometimes wrong on purpose
            if la < lvl or (rng.random() < 0.1):
                a = '(' + a + ')'
            if lb <= lvl and rng.random() < 0.85:
                b = '(' + b + ')'
            elif lb < lvl:
                b = '(' + b + ')'
            return '%s %s %s' % (a, op, b), lvl
        if r < 0.65:
            a, la = self.num(d - 1)
            if la < 6 or rng.random() < 0.2:
                a = '(' + a + ')'
            return rng.choice(['-', '+', '- ']) + a, 6
        if r < 0.9:
            fn = rng.choice(['abs', 'ln', 'exp', 'sqrt', 'floor', 'ceil', 'round', 'round',
                             'least', 'greatest', 'coalesce'])
            if fn in ('least', 'greatest', 'coalesce'):
                args = [self.num(d - 1)[0] for _ in range(rng.randint(1, 4))]
            elif fn == 'round' and rng.random() < 0.5:
                args = [self.num(d - 1)[0], rng.choice(['0', '1', '2', '-1', '2.5', '-308', '400',
                                                       '3e9', 'NULL', '1.5', '15', self.num(d - 1)[0]])]
            else:
                args = [self.num(d - 1)[0]]
            if rng.random() < 0.1:
                fn = fn.upper()
            return '%s(%s)' % (fn, ', '.join(args)), 7
        a, la = self.num(d - 1)
        return '(' + a + ')', 7

    def text(self, d):
        rng = self.rng
        r = rng.random()
        if d <= 0 or r < 0.7:
            return self.leaf('text', 0.5, 0.95, TEXT_LITS)
        fn = rng.choice(['least', 'greatest', 'coalesce'])
        args = [self.text(d - 1)[0] for _ in range(rng.randint(1, 3))]
        return '%s(%s)' % (fn, ', '.join(args)), 7

    def boolval(self, d):
        """A boolean usable as an operand of a comparison (a sum)."""
        rng = self.rng
        c = rng.random()
        if d <= 0 or c < 0.5:
            return rng.choice([self.feature('bool'), 'true', 'false', 'TRUE', 'NULL']), 7
        if c < 0.7:
            args = [self.boolval(d - 1)[0] for _ in range(rng.randint(1, 3))]
            return '%s(%s)' % (rng.choice(['coalesce', 'least', 'greatest']), ', '.join(args)), 7
        if c < 0.8:                         # truthiness of a value of any type
            return 'truthy(%s)' % self.sumof(rng.choice(['num', 'text', 'bool']), d - 1)[0], 7
        return '(' + self.cond(d - 1)[0] + ')', 7

    def sumof(self, ty, d):
        return {'num': self.num, 'text': self.text, 'bool': self.boolval}[ty](d)

    def comparison(self, d):
        rng = self.rng
        ty = rng.choice(['num', 'num', 'num', 'text', 'bool'])
        a, _ = self.sumof(ty, d - 1)
        kind = rng.random()
        if kind < 0.5:
            op = rng.choice(['=', '<>', '!=', '<', '<=', '>', '>='])
            b, _ = self.sumof(ty, d - 1)
            return '%s %s %s' % (a, op, b), 3
        if kind < 0.65:
            return '%s IS %sNULL' % (a, rng.choice(['', 'NOT '])), 3
        if kind < 0.8:
            lo, _ = self.sumof(ty, d - 1)
            hi, _ = self.sumof(ty, d - 1)
            return '%s %sBETWEEN %s AND %s' % (a, rng.choice(['', 'NOT ']), lo, hi), 3
        items = []
        for _ in range(rng.choice([1, 2, 3, 5, 12, 40])):
            if ty == 'bool' and rng.random() < 0.3:
                items.append(self.cond(d - 1)[0])
            elif rng.random() < 0.5:
                items.append(self.sumof(ty, d - 1)[0])
            else:
                items.append({'num': lambda: rng.choice(NUM_LITS + ['-0', '-1', '-2.5', 'NULL']),
                              'text': lambda: rng.choice(TEXT_LITS + ['NULL']),
                              'bool': lambda: rng.choice(['true', 'false', 'NULL'])}[ty]())
        return '%s %sIN (%s)' % (a, rng.choice(['', 'NOT ']), ', '.join(items)), 3

    def cond(self, d):
        rng = self.rng
        r = rng.random()
        if d <= 0 or r < 0.45:
            if rng.random() < 0.15:
                return rng.choice([self.feature('bool'), 'true', 'false', 'NULL']), 7
            return self.comparison(max(d, 1))
        if r < 0.85:
            op = rng.choice(['AND', 'OR', 'and', 'or'])
            lvl = 1 if op.upper() == 'AND' else 0
            a, la = self.cond(d - 1)
            b, lb = self.cond(d - 1)
            if la < lvl or rng.random() < 0.1:
                a = '(' + a + ')'
            if lb < lvl or (lb == lvl and rng.random() < 0.3) or rng.random() < 0.1:
                b = '(' + b + ')'
            return '%s %s %s' % (a, op, b), lvl
        a, la = self.cond(d - 1)
        if la < 2 or rng.random() < 0.2:
            a = '(' + a + ')'
        return 'NOT ' + a, 2

    def rule(self):
        rng = self.rng
        s, _ = self.cond(rng.randint(1, 5))
        if rng.random() < 0.03:
            # a few deliberately broken ones
            k = rng.random()
            if k < 0.3:
                s = s[:rng.randint(0, len(s))]
            elif k < 0.6:
                s = s + rng.choice([' < 1', ' AND', ')', ' 1', ' = true = true'])
            else:
                s = rng.choice(['a + 1', "s || 'x'", 'a = s', 'p + 1', "'x' = 1", 'a < b < 1',
                                '1e999 > a', '0x10 > a', 'a > 1e', 'ln()', 'round(a, 1, 2)',
                                'foo(a) > 1', 'a IN ()', '"" > 1', '1e-400 < a'])
        return s


# ----------------------------------------------------- the reference parser

KEYWORDS = {'and', 'or', 'not', 'is', 'null', 'true', 'false', 'between', 'in'}
FUNCS = {'abs': (1, 1), 'ln': (1, 1), 'exp': (1, 1), 'sqrt': (1, 1), 'floor': (1, 1),
         'ceil': (1, 1), 'round': (1, 2), 'least': (1, None), 'greatest': (1, None),
         'coalesce': (1, None), 'truthy': (1, 1)}


def tokenize(s):
    toks = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in ' \t\n\r\f\v':
            i += 1
            continue
        if c.isdigit() or (c == '.' and i + 1 < n and s[i + 1].isdigit()):
            j = i
            while j < n and s[j].isdigit():
                j += 1
            if j < n and s[j] == '.':
                j += 1
                while j < n and s[j].isdigit():
                    j += 1
            if j < n and s[j] in 'eE':
                k = j + 1
                if k < n and s[k] in '+-':
                    k += 1
                if k < n and s[k].isdigit():
                    while k < n and s[k].isdigit():
                        k += 1
                    j = k
            toks.append(('num', s[i:j]))
            i = j
            continue
        if c in '\'"':
            j = i + 1
            buf = []
            while True:
                if j >= n:
                    raise RefError('42601', 'unterminated')
                if s[j] == c:
                    if j + 1 < n and s[j + 1] == c:
                        buf.append(c)
                        j += 2
                        continue
                    j += 1
                    break
                buf.append(s[j])
                j += 1
            toks.append(('str' if c == "'" else 'qid', ''.join(buf)))
            i = j
            continue
        if c.isalpha() or c == '_' or ord(c) > 127:
            j = i
            while j < n and (s[j].isalnum() or s[j] in '_$' or ord(s[j]) > 127):
                j += 1
            w = s[i:j]
            lw = ''.join(ch.lower() if ch.isascii() else ch for ch in w)
            toks.append(('kw', lw) if lw in KEYWORDS else ('id', lw))
            i = j
            continue
        two = s[i:i + 2]
        if two in ('<=', '>=', '<>', '!='):
            toks.append(('op', '<>' if two == '!=' else two))
            i += 2
            continue
        if c in '()+-*/%=<>,':
            toks.append(('op', c))
            i += 1
            continue
        raise RefError('42601', 'bad char')
    toks.append(('eof', None))
    return toks


def check_number(text):
    v = float(text)
    if math.isinf(v):
        raise RefError('22003')
    if v == 0.0 and any(ch in '123456789' for ch in text.lower().split('e')[0]):
        raise RefError('22003')
    return v


class Parser:
    def __init__(self, s):
        self.toks = tokenize(s)
        self.i = 0

    def peek(self, k=0):
        return self.toks[self.i + k]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, kind, val):
        t = self.take()
        if t != (kind, val):
            raise RefError('42601', 'expected %s' % val)

    def parse(self):
        e = self.expr()
        if self.peek()[0] != 'eof':
            raise RefError('42601', 'trailing')
        return e

    def expr(self):                     # OR
        a = self.and_()
        while self.peek() == ('kw', 'or'):
            self.take()
            a = ('or', a, self.and_())
        return a

    def and_(self):
        a = self.not_()
        while self.peek() == ('kw', 'and'):
            self.take()
            a = ('and', a, self.not_())
        return a

    def not_(self):
        if self.peek() == ('kw', 'not'):
            self.take()
            return ('not', self.not_())
        return self.cmp()

    def cmp(self):
        a = self.sum()
        t = self.peek()
        if t[0] == 'op' and t[1] in ('=', '<>', '<', '<=', '>', '>='):
            self.take()
            r = ('cmp', t[1], a, self.sum())
        elif t == ('kw', 'is'):
            self.take()
            neg = False
            if self.peek() == ('kw', 'not'):
                self.take()
                neg = True
            self.expect('kw', 'null')
            r = ('isnull', neg, a)
        else:
            neg = False
            if t == ('kw', 'not') and self.peek(1)[1] in ('between', 'in') and self.peek(1)[0] == 'kw':
                self.take()
                neg = True
            t = self.peek()
            if t == ('kw', 'between'):
                self.take()
                lo = self.sum()
                self.expect('kw', 'and')
                hi = self.sum()
                r = ('between', neg, a, lo, hi)
            elif t == ('kw', 'in'):
                self.take()
                self.expect('op', '(')
                items = [self.expr()]
                while self.peek() == ('op', ','):
                    self.take()
                    items.append(self.expr())
                self.expect('op', ')')
                r = ('in', neg, a, items)
            elif neg:
                raise RefError('42601')
            else:
                return a
        t = self.peek()
        # not chainable
        if (t[0] == 'op' and t[1] in ('=', '<>', '<', '<=', '>', '>=')) or \
                t in (('kw', 'is'), ('kw', 'between'), ('kw', 'in')) or \
                (t == ('kw', 'not') and self.peek(1) in (('kw', 'between'), ('kw', 'in'))):
            raise RefError('42601', 'chained')
        return r

    def sum(self):
        a = self.prod()
        while self.peek()[0] == 'op' and self.peek()[1] in '+-' and len(self.peek()[1]) == 1:
            op = self.take()[1]
            a = ('arith', op, a, self.prod())
        return a

    def prod(self):
        a = self.unary()
        while self.peek()[0] == 'op' and self.peek()[1] in ('*', '/', '%'):
            op = self.take()[1]
            a = ('arith', op, a, self.unary())
        return a

    def unary(self):
        t = self.peek()
        if t == ('op', '-'):
            self.take()
            return ('neg', self.unary())
        if t == ('op', '+'):
            self.take()
            return ('pos', self.unary())
        return self.primary()

    def primary(self):
        t = self.take()
        if t[0] == 'num':
            return ('lit', 'num', check_number(t[1]))
        if t[0] == 'str':
            return ('lit', 'text', t[1])
        if t == ('kw', 'true'):
            return ('lit', 'bool', True)
        if t == ('kw', 'false'):
            return ('lit', 'bool', False)
        if t == ('kw', 'null'):
            return ('lit', None, None)
        if t == ('op', '('):
            e = self.expr()
            self.expect('op', ')')
            return e
        if t[0] == 'id' and self.peek() == ('op', '('):
            self.take()
            args = [self.expr()]            # function ( expr [, expr ...] )
            if True:
                while self.peek() == ('op', ','):
                    self.take()
                    args.append(self.expr())
            self.expect('op', ')')
            if t[1] not in FUNCS:
                raise RefError('42883')
            lo, hi = FUNCS[t[1]]
            if len(args) < lo or (hi is not None and len(args) > hi):
                raise RefError('42883')
            return ('fn', t[1], args)
        if t[0] in ('id', 'qid'):
            if t[0] == 'qid' and t[1] == '':
                raise RefError('42601')
            return ('feat', t[1])
        raise RefError('42601', 'unexpected %r' % (t,))


# ------------------------------------------------------------------- types

def typeof(e, feats):
    """Type of e: 'num', 'text', 'bool' or None (NULL); RefError('42804')."""
    k = e[0]
    if k == 'lit':
        return e[1]
    if k == 'feat':
        if e[1] not in feats:
            raise RefError('42703')
        return feats[e[1]]
    if k in ('and', 'or'):
        for x in e[1:]:
            if typeof(x, feats) not in ('bool', None):
                raise RefError('42804')
        return 'bool'
    if k == 'not':
        if typeof(e[1], feats) not in ('bool', None):
            raise RefError('42804')
        return 'bool'
    if k in ('neg', 'pos'):
        if typeof(e[1], feats) not in ('num', None):
            raise RefError('42804')
        return 'num'
    if k == 'arith':
        for x in e[2:]:
            if typeof(x, feats) not in ('num', None):
                raise RefError('42804')
        return 'num'
    if k == 'isnull':
        typeof(e[2], feats)
        return 'bool'
    if k in ('cmp', 'between', 'in'):
        ops = {'cmp': lambda: [e[2], e[3]], 'between': lambda: [e[2], e[3], e[4]],
               'in': lambda: [e[2]] + e[3]}[k]()
        same([typeof(x, feats) for x in ops])
        return 'bool'
    if k == 'fn':
        ts = [typeof(x, feats) for x in e[2]]
        if e[1] in ('least', 'greatest', 'coalesce'):
            return same(ts)
        if e[1] == 'truthy':                # any type in, boolean out
            return 'bool'
        for t in ts:
            if t not in ('num', None):
                raise RefError('42804')
        return 'num'
    raise AssertionError(k)


def same(ts):
    known = set(t for t in ts if t is not None)
    if len(known) > 1:
        raise RefError('42804')
    return known.pop() if known else None


def check_types(e, feats):
    t = typeof(e, feats)
    if t not in ('bool', None):
        raise RefError('42804')


# --------------------------------------------------------------- evaluation

class Err:
    """An evaluation error as a value (README: raised only when it decides)."""

    def __init__(self, code):
        self.code = code


def is_err(v):
    return isinstance(v, Err)


def f8cmp(x, y):
    """float8 order: NaN equals NaN and is above every number."""
    if math.isnan(x) or math.isnan(y):
        if math.isnan(x) and math.isnan(y):
            return 0
        return 1 if math.isnan(x) else -1
    return (x > y) - (x < y)


def vcmp(x, y):
    if isinstance(x, bool):
        return (x > y) - (x < y)
    if isinstance(x, str):
        bx, by = x.encode(), y.encode()
        return (bx > by) - (bx < by)
    return f8cmp(x, y)


def cmp_op(op, c):
    return {'=': c == 0, '<>': c != 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0}[op]


def cmp3(op, x, y):
    if is_err(x):
        return x
    if is_err(y):
        return y
    if x is None or y is None:
        return None
    return cmp_op(op, vcmp(x, y))


def arith(op, x, y):
    if op == '+':
        r = x + y
    elif op == '-':
        r = x - y
    elif op == '*':
        r = x * y if not ((math.isinf(x) and y == 0) or (math.isinf(y) and x == 0)) else NAN
        if r == 0.0 and x != 0.0 and y != 0.0:
            return Err('22003')
    elif op == '/':
        if y == 0.0 and not math.isnan(x):
            return Err('22012')
        r = x / y if y != 0.0 else NAN
        if math.isinf(r) and not math.isinf(x):
            return Err('22003')
        if r == 0.0 and x != 0.0 and not math.isinf(y):
            return Err('22003')
        return r
    else:                               # % : remainder with the sign of x
        if y == 0.0:
            return Err('22012')
        if math.isnan(x) or math.isnan(y) or math.isinf(x):
            return NAN
        if math.isinf(y):
            return x
        return math.fmod(x, y)
    if isinstance(r, float) and math.isinf(r) and not math.isinf(x) and not math.isinf(y):
        return Err('22003')
    return r


def ref_round(x, n):
    """round(x::numeric, n::int)::float8 (README)."""
    if math.isnan(n) or math.isinf(n):
        return Err('22003')
    n = float(round(n))                  # Python round: half to even, as rint
    if n >= 2147483648.0 or n < -2147483648.0:
        return Err('22003')
    if math.isnan(x) or math.isinf(x):
        return x
    d = decimal.Decimal('%.15g' % x)     # float8 -> numeric keeps 15 digits
    ctx = decimal.Context(prec=5000, rounding=decimal.ROUND_HALF_UP, Emin=-999999, Emax=999999)
    n = int(n)
    q = ctx.quantize(d, decimal.Decimal(1).scaleb(-n, ctx)) if -1000 < n < 1000 else \
        (d if n >= 1000 else decimal.Decimal(0))
    r = float(q)
    if math.isinf(r):
        return Err('22003')
    if r == 0.0 and q != 0:
        return Err('22003')
    if r == 0.0 and x < 0 and q == 0:
        return 0.0 if not str(q).startswith('-') else -0.0
    return r


def func(name, args):
    x = args[0]
    if name == 'abs':
        return abs(x)
    if name == 'ln':
        if x == 0:
            return Err('2201E')
        if x < 0:
            return Err('2201E')
        return math.log(x) if not math.isnan(x) and not math.isinf(x) else x
    if name == 'exp':
        if math.isnan(x):
            return x
        if math.isinf(x):
            return x if x > 0 else 0.0
        try:
            r = math.exp(x)
        except OverflowError:
            return Err('22003')
        if r == 0.0:
            return Err('22003')
        return r
    if name == 'sqrt':
        if x < 0:
            return Err('2201F')
        return math.sqrt(x) if not math.isinf(x) else x
    if name == 'floor':
        return float(math.floor(x)) if math.isfinite(x) else x
    if name == 'ceil':
        return float(math.ceil(x)) if math.isfinite(x) else x
    if name == 'round':
        return ref_round(x, args[1] if len(args) > 1 else 0.0)
    raise AssertionError(name)


def ev(e, row):
    k = e[0]
    if k == 'lit':
        return e[2]
    if k == 'feat':
        return row.get(e[1])
    if k in ('and', 'or'):
        isand = k == 'and'
        vs = [ev(e[1], row), ev(e[2], row)]
        if any(v is (not isand) for v in vs):
            return not isand
        for v in vs:
            if is_err(v):
                return v
        if any(v is None for v in vs):
            return None
        return isand
    if k == 'not':
        v = ev(e[1], row)
        if v is None or is_err(v):
            return v
        return not v
    if k in ('neg', 'pos'):
        v = ev(e[1], row)
        if v is None or is_err(v):
            return v
        return -v if k == 'neg' else v
    if k == 'arith':
        x, y = ev(e[2], row), ev(e[3], row)
        for v in (x, y):
            if is_err(v):
                return v
        if x is None or y is None:
            return None
        return arith(e[1], x, y)
    if k == 'isnull':
        v = ev(e[2], row)
        if is_err(v):
            return v
        return (v is None) != e[1]
    if k == 'cmp':
        return cmp3(e[1], ev(e[2], row), ev(e[3], row))
    if k == 'between':
        x, lo, hi = ev(e[2], row), ev(e[3], row), ev(e[4], row)
        r1, r2 = cmp3('>=', x, lo), cmp3('<=', x, hi)
        if r1 is False or r2 is False:
            r = False
        elif is_err(r1) or is_err(r2):
            return r1 if is_err(r1) else r2
        elif r1 is None or r2 is None:
            return None
        else:
            r = True
        return (not r) if e[1] else r
    if k == 'in':
        x = ev(e[2], row)
        vals = [ev(i, row) for i in e[3]]
        err = None
        anynull = False
        for v in vals:
            r = cmp3('=', x, v)
            if r is True:
                return not e[1]
            if is_err(r):
                err = err or r
            elif r is None:
                anynull = True
        if err:
            return err
        if anynull:
            return None
        return e[1]
    if k == 'fn':
        name = e[1]
        vals = [ev(a, row) for a in e[2]]
        if name in ('least', 'greatest', 'coalesce'):
            best = None
            for v in vals:
                if v is None:
                    continue
                if is_err(v):
                    if name != 'coalesce' or best is None:
                        return v
                    continue
                if best is None:
                    best = v
                    if name == 'coalesce':
                        return best
                elif name == 'least' and vcmp(v, best) < 0:
                    best = v
                elif name == 'greatest' and vcmp(v, best) > 0:
                    best = v
            return best
        if name == 'truthy':                # JavaScript's truthiness, never NULL
            v = vals[0]
            if is_err(v):
                return v
            if v is None or isinstance(v, bool):
                return bool(v)
            if isinstance(v, str):
                return v != ''
            return v != 0 and not math.isnan(v)
        for v in vals:
            if is_err(v):
                return v
        if any(v is None for v in vals):
            return None
        return func(name, vals)
    raise AssertionError(k)


class JsonFeatures(dict):
    """The features of a JSON object: typed by their values, so a missing key
    or a null is NULL, of any type (a type conflict is met while evaluating)."""

    def __init__(self, row):
        dict.__init__(self)
        self.row = row

    def __contains__(self, k):
        return True

    def __getitem__(self, k):
        return None if self.row.get(k) is None else FEATURE_TYPES.get(k)


def reference(src, row, json=False):
    """'t', 'f', 'n' or 'E:sqlstate' for the rule text src on row (a record,
    or a JSON object when json)."""
    try:
        tree = Parser(src).parse()
        check_types(tree, JsonFeatures(row) if json else FEATURE_TYPES)
    except RefError as ex:
        return 'E:' + ex.code
    v = ev(tree, row)
    if is_err(v):
        return 'E:' + v.code
    return 'n' if v is None else ('t' if v else 'f')


def reference_input(src):
    """'ok' or 'E:sqlstate' for reading the text (no binding)."""
    try:
        tree = Parser(src).parse()
        lit_types(tree)
    except RefError as ex:
        return 'E:' + ex.code
    return 'ok'


def lit_types(tree):
    """Input checks literal types only: features are of any type until bound."""
    class Any(dict):
        def __contains__(self, k):
            return True

        def __getitem__(self, k):
            return None
    if typeof(tree, Any()) not in ('bool', None):
        raise RefError('42804')     # a non-boolean condition is known at input


# ----------------------------------------------------------------- the server

SETUP = r"""
DROP SCHEMA IF EXISTS rule_reference_fz CASCADE;
CREATE SCHEMA rule_reference_fz;
SET search_path = rule_reference_fz, public;
CREATE TABLE fz (id int, a float8, b float8, c int4, d numeric, "Up" float8,
                 s text, t text, "q""t" text, p bool, q bool);
CREATE TABLE rules (id int, src text);
CREATE FUNCTION try_input(src text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN PERFORM src::incentive_condition; RETURN 'ok';
EXCEPTION WHEN others THEN RETURN 'E:' || SQLSTATE; END $f$;
CREATE FUNCTION try_eval(src text, r fz) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  IF incentive_matches(src::incentive_condition, r) THEN RETURN 't'; END IF;
  IF incentive_matches(('NOT (' || src || ')')::incentive_condition, r) THEN RETURN 'f'; END IF;
  RETURN 'n';
EXCEPTION WHEN others THEN RETURN 'E:' || SQLSTATE; END $f$;
CREATE FUNCTION try_eval_json(src text, r jsonb) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  IF incentive_matches(src::incentive_condition, r) THEN RETURN 't'; END IF;
  IF incentive_matches(('NOT (' || src || ')')::incentive_condition, r) THEN RETURN 'f'; END IF;
  RETURN 'n';
EXCEPTION WHEN others THEN RETURN 'E:' || SQLSTATE; END $f$;
"""


def psql(cmd, sql):
    p = subprocess.run(cmd + ['-v', 'ON_ERROR_STOP=1', '-At', '-F', '\t'],
                       input=sql.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode())
        raise SystemExit('psql failed')
    return p.stdout.decode()


def copy_text(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')


JOIN_QUERIES = [
    # the rules join (custom scan), a plain nested loop, forced parallel plans
    ('join', "SET community_retention.enable_rules_join = on;"),
    ('nestloop', "SET community_retention.enable_rules_join = off;"),
    ('parallel join', "SET community_retention.enable_rules_join = on; SET force_parallel_mode = on; "
     "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"),
    ('parallel nestloop', "SET community_retention.enable_rules_join = off; SET force_parallel_mode = on; "
     "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"),
    ('small work_mem join', "SET community_retention.enable_rules_join = on; SET work_mem = 64;"),
]


def check_joins(cmd, rules, rows, refrows, rng):
    """The rules that never fail on these rows, as a rules table: every member's
    matching rules and its first by priority (ties by name), through each plan
    and through incentive_match_all, against the reference; and with row level
    security on the rules table, as a role that sees only some of them."""
    keep = []
    for i, src in enumerate(rules):
        res = [reference(src, r) for r in refrows]
        if not any(x.startswith('E') for x in res):
            keep.append((i, src, res))
    keep = keep[:400]
    prio = {i: rng.randint(0, 5) for i, _, _ in keep}
    hidden = {i for i, _, _ in keep if i % 3 == 0}
    want_all = set()
    want_first = {}
    for j in range(len(rows)):
        ms = [i for i, _, res in keep if res[j] == 't']
        want_all.update((j, i) for i in ms)
        if ms:
            want_first[j] = sorted(ms, key=lambda i: (-prio[i], 'r%05d' % i))[0]
    vis_all = set((j, i) for j, i in want_all if i not in hidden)
    sql = [SETUP, 'INSERT INTO fz VALUES ' + ', '.join(sql_row(i, r) for i, r in enumerate(rows)) + ';\n']
    sql.append('CREATE TABLE jr (id int, name text, priority int, c incentive_condition);\n')
    sql.append('COPY jr FROM stdin;\n' + ''.join(
        '%d\tr%05d\t%d\t%s\n' % (i, i, prio[i], copy_text(src)) for i, src, _ in keep) + '\\.\n')
    sql.append("ANALYZE fz; ANALYZE jr;\n")
    q_all = ("SELECT '{tag}', f.id, r.id FROM fz f JOIN jr r ON incentive_matches(r.c, f) ORDER BY 2, 3;\n")
    q_first = ("SELECT '{tag}F', id, rid FROM (SELECT DISTINCT ON (f.id) f.id, r.id AS rid FROM fz f "
               "JOIN jr r ON incentive_matches(r.c, f) ORDER BY f.id, r.priority DESC, r.name) z ORDER BY 2;\n")
    # left joins, with another join clause and with a filter above the join
    q_left = ("SELECT '{tag}L', f.id, coalesce(r.id, -1) FROM fz f LEFT JOIN jr r "
              "ON incentive_matches(r.c, f) AND r.priority >= 2 ORDER BY 2, 3;\n")
    q_leftw = ("SELECT '{tag}W', f.id, coalesce(r.id, -1) FROM fz f LEFT JOIN jr r "
               "ON r.priority <> 3 AND incentive_matches(r.c, f) WHERE r.id IS NULL OR r.priority < 4 ORDER BY 2, 3;\n")
    q_rleft = ("SELECT '{tag}R', coalesce(f.id, -1), r.id FROM jr r LEFT JOIN fz f "
               "ON incentive_matches(r.c, f) ORDER BY 2, 3;\n")
    for tag, setup in JOIN_QUERIES:
        sql.append('BEGIN; ' + setup + '\n')
        for q in (q_all, q_first, q_left, q_leftw, q_rleft):
            sql.append(q.format(tag=tag))
        sql.append('ROLLBACK;\n')
    sql.append("SELECT 'match_all', f.id, (SELECT array_agg(id ORDER BY id) FROM jr)[pos] FROM fz f "
               "CROSS JOIN LATERAL unnest(incentive_match_all((SELECT array_agg(c ORDER BY id) FROM jr), f)) "
               "AS u(pos) ORDER BY 2, 3;\n")
    # row level security: a role that sees the rules whose id is not a multiple of 3
    sql.append("""
DROP ROLE IF EXISTS rule_reference_reader;
CREATE ROLE rule_reference_reader;
GRANT USAGE ON SCHEMA rule_reference_fz TO rule_reference_reader;
GRANT SELECT ON fz, jr TO rule_reference_reader;
ALTER TABLE jr ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON jr FOR SELECT USING (id % 3 <> 0);
""")
    for tag, setup in JOIN_QUERIES:
        sql.append('BEGIN; SET LOCAL ROLE rule_reference_reader; ' + setup + '\n')
        sql.append(q_all.format(tag='rls ' + tag))
        sql.append('ROLLBACK;\n')
    sql.append('DROP SCHEMA rule_reference_fz CASCADE; DROP ROLE rule_reference_reader;\n')
    out = psql(cmd, ''.join(sql))
    got = {}
    for line in out.splitlines():
        f = line.split('\t')
        if len(f) == 3:
            got.setdefault(f[0], []).append((int(f[1]), int(f[2])))
    bad = []
    want_left = set()
    want_leftw = set()
    for j in range(len(rows)):
        ms = [i for i, _, res in keep if res[j] == 't']
        l = [i for i in ms if prio[i] >= 2]
        want_left.update((j, i) for i in l or [-1])
        lw = [i for i in ms if prio[i] != 3]
        want_leftw.update((j, i) for i in (lw or [-1]) if i == -1 or prio[i] < 4)
    want_rleft = set((j, i) for j, i in want_all)
    want_rleft.update((-1, i) for i, _, res in keep if 't' not in res)
    for tag, _ in JOIN_QUERIES:
        for suffix, want in (('L', want_left), ('W', want_leftw), ('R', want_rleft)):
            if set(got.get(tag + suffix, [])) != want:
                bad.append('%s join %s: %d pairs, reference %d'
                           % (suffix, tag, len(got.get(tag + suffix, [])), len(want)))
        if set(got.get(tag, [])) != want_all:
            bad.append('join %s: %d pairs, reference %d' % (tag, len(got.get(tag, [])), len(want_all)))
        if dict(got.get(tag + 'F', [])) != want_first:
            bad.append('first match %s differs from the reference' % tag)
        if set(got.get('rls ' + tag, [])) != vis_all:
            bad.append('rls %s: %d pairs, reference %d' % (tag, len(got.get('rls ' + tag, [])), len(vis_all)))
    if set(got.get('match_all', [])) != want_all:
        bad.append('incentive_match_all: %d pairs, reference %d' % (len(got.get('match_all', [])), len(want_all)))
    print('%d rules that never fail joined with %d rows: %d matching pairs' % (len(keep), len(rows), len(want_all)))
    return bad


# ------------------------------------------- text types against SQL itself

TT_COLS = ['t', 'v', 'c', 'n', 'k', 'w']
TT_LITS = ["'ab'", "'ab '", "'ab  '", "'a'", "'a '", "''", "' '", "'b'", "'ab\t'", "'\u00e9 '", "NULL"]
TT_VALS = ['ab', 'ab ', 'ab  ', 'a', 'a ', '', ' ', 'b', 'ab\t', '\u00e9 ', None]


def tt_value(rng, d):
    r = rng.random()
    if d <= 0 or r < 0.6:
        return rng.choice(TT_COLS) if rng.random() < 0.6 else rng.choice(TT_LITS)
    fn = rng.choice(['least', 'greatest', 'coalesce'])
    return '%s(%s)' % (fn, ', '.join(tt_value(rng, d - 1) for _ in range(rng.randint(1, 3))))


def tt_cond(rng, d):
    r = rng.random()
    if d <= 0 or r < 0.6:
        a = tt_value(rng, 2)
        k = rng.random()
        if k < 0.5:
            return '%s %s %s' % (a, rng.choice(['=', '<>', '<', '<=', '>', '>=']), tt_value(rng, 2))
        if k < 0.65:
            return '%s %sBETWEEN %s AND %s' % (a, rng.choice(['', 'NOT ']), tt_value(rng, 1), tt_value(rng, 1))
        if k < 0.75:
            return '%s IS %sNULL' % (a, rng.choice(['', 'NOT ']))
        items = [tt_value(rng, 1) if rng.random() < 0.4 else rng.choice(TT_LITS)
                 for _ in range(rng.randint(1, 12))]
        return '%s %sIN (%s)' % (a, rng.choice(['', 'NOT ']), ', '.join(items))
    if r < 0.9:
        return '(%s) %s (%s)' % (tt_cond(rng, d - 1), rng.choice(['AND', 'OR']), tt_cond(rng, d - 1))
    return 'NOT (%s)' % tt_cond(rng, d - 1)


def check_text_types(cmd, rng, n):
    """Conditions over text, varchar, char(n) and name features are also SQL
    expressions over the same columns (COLLATE "C"): the two must agree."""
    conds = [tt_cond(rng, rng.randint(0, 3)) for _ in range(n)]
    rows = []
    for i in range(60):
        rows.append([rng.choice(TT_VALS) for _ in TT_COLS])
    sql = [SETUP, """
CREATE TABLE tt (id int, t text COLLATE "C", v varchar COLLATE "C", c char(4) COLLATE "C", n name,
                 k char(2) COLLATE "C", w varchar(3) COLLATE "C");
CREATE TABLE tconds (id int, src text);
CREATE FUNCTION tt_compare(src text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text;
BEGIN
  EXECUTE format('SELECT string_agg(id || '':'' || coalesce(m::text, ''n'') || '':'' || coalesce(e::text, ''n''), '' '' ORDER BY id)
                  FROM (SELECT id, CASE WHEN incentive_matches(%L::incentive_condition, tt) THEN true
                                        WHEN incentive_matches(%L::incentive_condition, tt) THEN false END AS m,
                               (%s) AS e FROM tt) z WHERE m IS DISTINCT FROM e',
                 src, 'NOT (' || src || ')', src) INTO r;
  RETURN coalesce(r, 'ok');
EXCEPTION WHEN others THEN RETURN 'E:' || SQLSTATE || ' ' || SQLERRM; END $f$;
"""]
    sql.append('INSERT INTO tt VALUES ' + ', '.join(
        '(%d, %s)' % (i, ', '.join(sql_text(x) + cast for x, cast in
                                   zip(r, ['', '', '::char(4)', '', '::char(2)', '::varchar(3)'])))
        for i, r in enumerate(rows)) + ';\n')
    sql.append('COPY tconds FROM stdin;\n' + ''.join('%d\t%s\n' % (i, copy_text(c)) for i, c in enumerate(conds)) + '\\.\n')
    sql.append("SELECT 'T', id, tt_compare(src) FROM tconds ORDER BY id;\n")
    sql.append('DROP SCHEMA rule_reference_fz CASCADE;\n')
    out = psql(cmd, ''.join(sql))
    bad = []
    for line in out.splitlines():
        f = line.split('\t')
        if f[0] == 'T' and f[2] != 'ok':
            bad.append('text types  %s  %s' % (conds[int(f[1])], f[2][:300]))
    print('%d conditions over text types compared with SQL on %d rows' % (n, len(rows)))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rules', type=int, default=3000)
    ap.add_argument('--rows', type=int, default=40)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--show', type=int, default=20)
    ap.add_argument('psql', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.psql[1:] if args.psql[:1] == ['--'] else args.psql
    rng = random.Random(args.seed)
    g = Gen(rng)
    rules = [g.rule() for _ in range(args.rules)]
    rows = gen_rows(rng, args.rows)
    refrows = [ref_row(r) for r in rows]

    sql = [SETUP]
    sql.append('COPY rules FROM stdin;\n' +
               ''.join('%d\t%s\n' % (i, copy_text(s)) for i, s in enumerate(rules)) + '\\.\n')
    sql.append('INSERT INTO fz VALUES ' + ', '.join(sql_row(i, r) for i, r in enumerate(rows)) + ';\n')
    sql.append("SELECT 'I', id, try_input(src) FROM rules ORDER BY id;\n")
    sql.append("SELECT 'M', r.id, f.id, try_eval(r.src, f) FROM rules r, fz f "
               "WHERE try_input(r.src) = 'ok' ORDER BY 2, 3;\n")
    # the jsonb form, on the rows that JSON can carry (no NaN or infinite
    # float8; a numeric beyond the double range is a JSON number)
    sql.append("SELECT 'J', r.id, f.id, try_eval_json(r.src, to_jsonb(f) - 'id') FROM rules r, fz f "
               "WHERE try_input(r.src) = 'ok' AND r.id % 4 = 0 "
               "AND NOT (ARRAY[a, b, \"Up\"] && ARRAY['NaN', 'Infinity', '-Infinity']::float8[]) "
               "AND NOT d IS DISTINCT FROM d * 0 + d AND d IS DISTINCT FROM 'NaN' ORDER BY 2, 3;\n")
    # round trips of what is accepted
    sql.append("""
CREATE TABLE ok AS SELECT id, src::incentive_condition AS c FROM rules WHERE try_input(src) = 'ok';
SELECT 'R', id, c::text FROM ok
 WHERE c::text::incentive_condition <> c
    OR c::text::incentive_condition::text <> c::text
    OR incentive_condition_recv_roundtrip_dummy IS NULL ORDER BY id;
""".replace("\n    OR incentive_condition_recv_roundtrip_dummy IS NULL", ""))
    tmp = tempfile.mkdtemp(prefix='rule_reference.')
    binfile = os.path.join(tmp, 'ok.bin')
    sql.append("""
\\copy ok TO '%s' WITH (FORMAT binary)
CREATE TABLE ok2 (LIKE ok);
\\copy ok2 FROM '%s' WITH (FORMAT binary)""" % (binfile, binfile) + """
SELECT 'B', id FROM ok FULL JOIN ok2 USING (id) WHERE ok.c IS DISTINCT FROM ok2.c ORDER BY id;
DROP SCHEMA rule_reference_fz CASCADE;
""")
    out = psql(cmd, ''.join(sql))
    os.unlink(binfile)
    os.rmdir(tmp)
    bad = []
    nin = nmatch = 0
    for line in out.splitlines():
        f = line.split('\t')
        if f[0] == 'I':
            i = int(f[1])
            want = reference_input(rules[i])
            nin += 1
            if want != f[2]:
                bad.append('input  %-8s ref %-8s  %s' % (f[2], want, rules[i]))
        elif f[0] == 'M':
            i, j = int(f[1]), int(f[2])
            want = reference(rules[i], refrows[j])
            nmatch += 1
            if want != f[3]:
                bad.append('match  %-8s ref %-8s  %s  ON %r' % (f[3], want, rules[i], rows[j]))
        elif f[0] == 'J':
            i, j = int(f[1]), int(f[2])
            want = reference(rules[i], refrows[j], json=True)
            nmatch += 1
            if want != f[3]:
                bad.append('jsonb  %-8s ref %-8s  %s  ON %r' % (f[3], want, rules[i], rows[j]))
        elif f[0] == 'R':
            bad.append('text round trip  %s' % line)
        elif f[0] == 'B':
            bad.append('binary round trip  %s' % line)
    bad += check_joins(cmd, rules, rows, refrows, rng)
    bad += check_text_types(cmd, rng, args.rules // 2)
    print('%d rules read, %d rule x row pairs evaluated, %d disagreements'
          % (nin, nmatch, len(bad)))
    for b in bad[:args.show]:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
