#!/usr/bin/env python3
"""Generate the every-construct fixtures for tests/every_construct.rs.

Writes, from tests/fixtures/every_construct.rules:

  tests/fixtures/every_construct_creators.json   about 3000 creator records
  tests/fixtures/every_construct_expected.json   what docs/language.md says the rules give

The records are varied on purpose: boundaries (exactly 1000 and 10000
followers, 3% engagement, a 35% or 70% audience share, 30 days since the
last post, -0.0), absent fields, nulls, zero denominators, overflow, strings
where numbers belong, human-written numbers ("8,421", "3.3m"), non-ASCII
text, nested objects, odd keys ("follower count (text)"), lists with nulls
and wrong kinds, records that are not objects, duplicated records (rank ties).

The expected results come from the evaluator in this file: a second,
independent implementation of the language written from docs/language.md (it
shares no code with the Rust crate). Where docs/language.md is silent the choices
made here are listed in SILENT below. A few corners of the language where
docs/language.md is silent and a reasonable implementation could go either way are
detected while evaluating (`Ctx.flag`); a generated record that reaches one
is replaced by another, so the fixture tests only behaviour that docs/language.md
pins down (or that SILENT settles).

Python 3 standard library only; deterministic (fixed seed): rerunning it
reproduces both files byte for byte.

    python3 scripts/gen_every_construct.py
"""

import json
import math
import os
import random
import re
import sys
from decimal import Decimal

SEED = 20260415
COUNT = 3000

# Choices made here where docs/language.md is silent (the corners that Ctx.flag
# reports are avoided instead: the fixture takes no side on them):
SILENT = """
- Evaluation is left to right; `and`, `or`, `any`, `all`, `if` and `??` stop
  as soon as the result is decided (`false and X` never evaluates X).
- A field path (`audience.female_share`, `creator["odd key"]`) through a value
  that is neither an object nor null (`audience` is "private") is a
  wrong-type error, as is `.key` of a computed value that is not an object;
  but `has(audience.female_share)` is then false: the field is not present.
- `x in list` / `list contains x` are false when no element equals x
  (flagged when the list has a missing element); equality between different
  kinds is false (flagged: lists with missing elements).
- Comparisons: a missing operand makes the result missing before any kind
  check (`"a" < missing` is missing); an operand of the wrong kind together
  with a missing one in arithmetic or a function call is flagged.
- `count` counts the elements for which the condition is true; `any` is
  missing when no element is true and one is missing; `all` likewise.
- `round` rounds halves away from zero (flagged: negative halves) and leaves
  a number too large to have digits at that place as it is; a list index
  past the end is missing (flagged: negative or fractional indices).
- A signal whose value is not a number, a requirement or tier condition that
  is not true/false, a rank key that is not a number or string: error.
- Ties in rank keep input order, and -0 equals 0.
- The error's cause, for a creator in error, is one of the requirements or
  signals that fail with a wrong type (which one depends on evaluation
  order, which docs/language.md does not fix); the test accepts any of them.
"""

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
RULES = os.path.join(FIXTURES, "every_construct.rules")
CREATORS = os.path.join(FIXTURES, "every_construct_creators.json")
EXPECTED = os.path.join(FIXTURES, "every_construct_expected.json")


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

class ParseError(Exception):
    pass


RESERVED = set("and or not in between contains matches if then else true false when".split())

TOKEN = re.compile(r'''
  (?P<ws>\s+|\#[^\n]*)
| (?P<num>[0-9][0-9_]*(?:\.[0-9]+)?(?:k|M|%)?(?![A-Za-z_0-9]))
| (?P<str>"(?:[^"\\]|\\.)*")
| (?P<name>[A-Za-z_][A-Za-z_0-9]*)
| (?P<op>=>|==|!=|<=|>=|\?\?|[-+*/<>=()\[\]{},:.])
''', re.X | re.S)


def number_literal(text):
    """`1_200`, `2.5`, `1k`, `2.5M`, `3%`: the double nearest the decimal
    value written (`35%` is 0.35, not 35 * 0.01)."""
    scale = {"k": Decimal(1000), "M": Decimal(1000000), "%": Decimal("0.01")}.get(text[-1])
    digits = text[:-1] if scale is not None else text
    value = Decimal(digits.replace("_", ""))
    return float(value * scale) if scale is not None else float(value)


def string_literal(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n == "u":
            end = body.index("}", i)
            out.append(chr(int(body[i + 3:end], 16)))
            i = end + 1
            continue
        out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}[n])
        i += 2
    return "".join(out)


def tokenize(src):
    pos, out = 0, []
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m:
            raise ParseError(f"unexpected character at {pos}: {src[pos:pos + 20]!r}")
        pos = m.end()
        kind, text = m.lastgroup, m.group()
        if kind == "ws":
            continue
        if kind == "num":
            out.append(("num", number_literal(text)))
        elif kind == "str":
            out.append(("str", string_literal(text[1:-1])))
        else:
            out.append((kind, text))
    out.append(("eof", None))
    return out


class Parser:
    """Recursive descent over docs/language.md's precedence: or; and; not;
    comparisons (not chained); ??; + -; * /; unary -; postfix; primaries."""

    def __init__(self, src):
        self.toks = tokenize(src)
        self.i = 0

    def peek(self, k=0):
        return self.toks[self.i + k]

    def next(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def at(self, text, k=0):
        t = self.toks[self.i + k]
        return t[0] in ("name", "op") and t[1] == text

    def eat(self, text):
        if not self.at(text):
            raise ParseError(f"expected {text!r}, found {self.peek()[1]!r}")
        return self.next()

    def name(self):
        t = self.next()
        if t[0] != "name" or t[1] in RESERVED:
            raise ParseError(f"expected a name, found {t[1]!r}")
        return t[1]

    def expr(self):
        left = self.and_()
        while self.at("or"):
            self.next()
            left = ("or", left, self.and_())
        return left

    def and_(self):
        left = self.not_()
        while self.at("and"):
            self.next()
            left = ("and", left, self.not_())
        return left

    def not_(self):
        if self.at("not") and not self.at("in", 1):
            self.next()
            return ("not", self.not_())
        return self.comparison()

    def comparison(self):
        left = self.coalesce()
        for op in ("==", "!=", "<=", ">=", "<", ">"):
            if self.at(op):
                self.next()
                return ("cmp", op, left, self.coalesce())
        if self.at("between"):
            self.next()
            lo = self.coalesce()
            self.eat("and")
            return ("between", left, lo, self.coalesce())
        if self.at("in"):
            self.next()
            return ("in", left, self.coalesce(), False)
        if self.at("not") and self.at("in", 1):
            self.next()
            self.next()
            return ("in", left, self.coalesce(), True)
        if self.at("contains"):
            self.next()
            return ("contains", left, self.coalesce())
        if self.at("matches"):
            self.next()
            pattern = self.coalesce()
            if pattern[0] != "lit" or not isinstance(pattern[1], str):
                raise ParseError("the pattern of `matches` must be a constant string")
            return ("matches", left, python_regex(pattern[1]))
        return left

    def coalesce(self):
        left = self.additive()
        while self.at("??"):
            self.next()
            left = ("??", left, self.additive())
        return left

    def additive(self):
        left = self.multiplicative()
        while self.at("+") or self.at("-"):
            op = self.next()[1]
            left = ("arith", op, left, self.multiplicative())
        return left

    def multiplicative(self):
        left = self.unary()
        while self.at("*") or self.at("/"):
            op = self.next()[1]
            left = ("arith", op, left, self.unary())
        return left

    def unary(self):
        if self.at("-"):
            self.next()
            return ("neg", self.unary())
        return self.postfix()

    def postfix(self):
        e = self.primary()
        while True:
            if self.at("."):
                self.next()
                key = self.next()
                if key[0] != "name":
                    raise ParseError(f"expected a field name, found {key[1]!r}")
                e = ("get", e, key[1])
            elif self.at("["):
                self.next()
                index = self.expr()
                self.eat("]")
                e = ("get", e, index[1]) if index[0] == "lit" and isinstance(index[1], str) \
                    else ("index", e, index)
            elif self.at("(") and e[0] == "name":
                self.next()
                args = []
                while not self.at(")"):
                    if self.peek()[0] == "name" and self.at("=>", 1):
                        param = self.name()
                        self.eat("=>")
                        args.append(("lambda", param, self.expr()))
                    else:
                        args.append(self.expr())
                    if not self.at(")"):
                        self.eat(",")
                self.eat(")")
                e = ("call", e[1], args)
            else:
                return e

    def primary(self):
        t = self.peek()
        if t[0] in ("num", "str"):
            self.next()
            return ("lit", t[1])
        if self.at("true") or self.at("false"):
            return ("lit", self.next()[1] == "true")
        if self.at("("):
            self.next()
            e = self.expr()
            self.eat(")")
            return e
        if self.at("["):
            self.next()
            items = []
            while not self.at("]"):
                items.append(self.expr())
                if not self.at("]"):
                    self.eat(",")
            self.eat("]")
            return ("list", items)
        if self.at("{"):
            self.next()
            entries = []
            while not self.at("}"):
                key = self.next()[1]
                self.eat(":")
                entries.append((key, self.expr()))
                if not self.at("}"):
                    self.eat(",")
            self.eat("}")
            return ("object", entries)
        if self.at("if"):
            self.next()
            c = self.expr()
            self.eat("then")
            a = self.expr()
            self.eat("else")
            return ("if", c, a, self.expr())
        if t[0] == "name" and t[1] not in RESERVED:
            self.next()
            return ("name", t[1])
        raise ParseError(f"unexpected {t[1]!r}")

    def file(self):
        rs = {"name": None, "lets": {}, "requires": [], "signals": [], "tiers": [],
              "rank": (("name", "score"), "desc"), "limit": None}
        if self.at("ruleset"):
            self.next()
            rs["name"] = self.next()[1]
        while self.peek()[0] != "eof":
            kw = self.name()
            if kw == "let":
                n = self.name()
                self.eat("=")
                rs["lets"][n] = self.expr()
            elif kw == "require":
                n = self.name()
                self.eat(":")
                cond = self.expr()
                message, mode = None, "fail"
                if self.at("else"):
                    self.next()
                    message = self.next()[1]
                if self.at("when"):
                    self.next()
                    self.eat("missing")
                    mode = self.name()
                rs["requires"].append({"name": n, "cond": cond, "message": message, "mode": mode})
            elif kw == "signal":
                n = self.name()
                weight = 1.0
                if self.at("weight"):
                    self.next()
                    weight = self.next()[1]
                self.eat("=")
                rs["signals"].append({"name": n, "weight": weight, "value": self.expr()})
            elif kw == "tier":
                n = self.name()
                if self.at("otherwise"):
                    self.next()
                    rs["tiers"].append((n, None))
                else:
                    self.eat("when")
                    rs["tiers"].append((n, self.expr()))
            elif kw == "rank":
                self.eat("by")
                key = self.expr()
                order = "desc"
                if self.at("asc") or self.at("desc"):
                    order = self.next()[1]
                rs["rank"] = (key, order)
            elif kw == "limit":
                rs["limit"] = int(self.next()[1])
            elif kw == "example":
                # examples are run by `influence-eval test`, not by screening
                self.next()
                depth = 0
                while True:
                    t = self.next()
                    if t[0] == "op" and t[1] == "{":
                        depth += 1
                    elif t[0] == "op" and t[1] == "}":
                        depth -= 1
                        if depth == 0:
                            break
            else:
                raise ParseError(f"unknown declaration {kw!r}")
        return rs


def python_regex(pattern):
    """Rust's `$` (without multi-line) matches only at the very end; Python's
    also before a final newline. The patterns used here need no more."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

class Missing:
    def __repr__(self):
        return "missing"


MISSING = Missing()


class EvalError(Exception):
    """A value of the wrong kind: the creator's status is `error`."""


def is_num(x):
    return isinstance(x, float) and not isinstance(x, bool)


def kind(x):
    if x is MISSING:
        return None
    if isinstance(x, bool):
        return "bool"
    if is_num(x):
        return "number"
    if isinstance(x, str):
        return "string"
    if isinstance(x, list):
        return "list"
    if isinstance(x, dict):
        return "object"
    raise AssertionError(repr(x))


def from_json(x):
    """A JSON value as the rules see it: null is missing."""
    return MISSING if x is None else x


def finite(x):
    return x if math.isfinite(x) else MISSING


def equals(a, b):
    """`==`: None when either side is missing; different kinds are unequal."""
    if a is MISSING or b is MISSING:
        return None
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return False
    if ka == "list":
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            r = equals(from_json(x), from_json(y))
            if r is not True:
                return r
        return True
    return a == b


def human_number(s):
    """number(s): "8,421", "3.3m", "12.5K", "2.1b", "1.39%"; the double nearest
    the decimal value written; None for any other string."""
    m = re.fullmatch(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([kKmMbB%]?)\s*", s)
    if not m:
        return None
    scale = {"": 1, "k": 1000, "K": 1000, "m": 10 ** 6, "M": 10 ** 6,
             "b": 10 ** 9, "B": 10 ** 9, "%": Decimal("0.01")}[m.group(2)]
    v = float(Decimal(m.group(1).replace(",", "")) * scale)
    return v if math.isfinite(v) else None


def round_half_away(x):
    a = abs(x)
    f = math.floor(a)
    r = f + 1 if a - f >= 0.5 else f
    return math.copysign(float(r), x)


# ---------------------------------------------------------------------------
# Evaluation of one creator
# ---------------------------------------------------------------------------

class Ctx:
    def __init__(self, rs, record):
        self.rs = rs
        self.record = record
        self.lets = {}
        self.signals = {}
        self.score = None
        self.tier = MISSING
        self.scopes = []
        self.flags = []
        self.signal_names = {s["name"]: s for s in rs["signals"]}

    def flag(self, what):
        """A corner where docs/language.md is silent: the generator avoids it."""
        self.flags.append(what)

    # -- names
    def is_path(self, e):
        if e[0] == "name":
            n = e[1]
            return (not any(n in s for s in self.scopes) and n not in self.rs["lets"]
                    and n not in self.signal_names and n not in ("score", "tier"))
        if e[0] == "get":
            return self.is_path(e[1])
        return False

    def path_keys(self, e):
        if e[0] == "name":
            return [] if e[1] == "creator" else [e[1]]
        return self.path_keys(e[1]) + [e[2]]

    def read_path(self, keys):
        """A field path: absent or null on the way is missing; through a value
        that is not an object (`audience` is "private") a wrong-kind error."""
        cur = self.record
        for i, k in enumerate(keys):
            if cur is None:
                return MISSING
            if not isinstance(cur, dict):
                raise EvalError(f"{'.'.join(keys[:i])} is {cur!r}, not an object")
            if k not in cur:
                return MISSING
            cur = cur[k]
        return from_json(cur)

    def present(self, e):
        """has(path): the field is present and not null; a path through a
        value that is not an object does not reach a present field."""
        if not self.is_path(e):
            return self.ev(e) is not MISSING
        cur = self.record
        for k in self.path_keys(e):
            if not isinstance(cur, dict) or cur.get(k) is None:
                return False
            cur = cur[k]
        return True

    def lookup(self, n):
        for scope in reversed(self.scopes):
            if n in scope:
                return scope[n]
        if n in self.rs["lets"]:
            if n not in self.lets:
                self.lets[n] = self.ev(self.rs["lets"][n])
            return self.lets[n]
        if n in self.signal_names:
            v = self.signal(n)
            return v if v is MISSING else min(1.0, max(0.0, v))
        if n == "score":
            return self.get_score()
        if n == "tier":
            return self.tier
        raise AssertionError(n)

    def signal(self, n):
        """The raw value of a signal."""
        if n not in self.signals:
            v = self.ev(self.signal_names[n]["value"])
            if v is not MISSING and not is_num(v):
                raise EvalError(f"signal {n} is {v!r}, not a number")
            self.signals[n] = v
        return self.signals[n]

    def get_score(self):
        if self.score is None:
            if not self.rs["signals"]:
                self.score = 1.0
            else:
                total = weights = 0.0
                for s in self.rs["signals"]:
                    v = self.signal(s["name"])
                    total += s["weight"] * (0.0 if v is MISSING else min(1.0, max(0.0, v)))
                    weights += s["weight"]
                self.score = total / weights
        return self.score

    # -- kinds
    def boolean(self, v, what):
        if v is MISSING or isinstance(v, bool):
            return v
        raise EvalError(f"{what}: {v!r} is not true or false")

    def number(self, v, what):
        if v is MISSING or is_num(v):
            return v
        raise EvalError(f"{what}: {v!r} is not a number")

    def numbers(self, vs, what):
        """Operands that must all be numbers: missing when one is missing,
        error when one is of another kind (both at once: flagged)."""
        bad = [v for v in vs if v is not MISSING and not is_num(v)]
        if bad and any(v is MISSING for v in vs):
            self.flag(f"{what}: wrong kind and missing together")
        if bad:
            raise EvalError(f"{what}: {bad[0]!r} is not a number")
        if any(v is MISSING for v in vs):
            return None
        return vs

    def order(self, op, a, b):
        if a is MISSING or b is MISSING:
            return MISSING
        if not ((is_num(a) and is_num(b)) or (isinstance(a, str) and isinstance(b, str))):
            raise EvalError(f"cannot order {a!r} {op} {b!r}")
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]

    def member(self, x, xs, what):
        """x among the elements of xs (a list): True/False."""
        items = [from_json(y) for y in xs]
        found = any(self.equals(x, y) is True for y in items)
        if not found and any(y is MISSING for y in items):
            self.flag(f"{what}: not found in a list with missing elements")
        return found

    def equals(self, a, b):
        r = equals(a, b)
        if r is None and a is not MISSING and b is not MISSING:
            self.flag("equality of lists with missing elements")
        return r

    # -- expressions
    def ev(self, e):
        k = e[0]
        if k == "lit":
            return e[1]
        if k == "list":
            return [self.ev(x) for x in e[1]]
        if k == "name":
            if self.is_path(e):
                return self.record if e[1] == "creator" else self.read_path([e[1]])
            return self.lookup(e[1])
        if k == "get":
            if self.is_path(e):
                return self.read_path(self.path_keys(e))
            base = self.ev(e[1])
            if base is MISSING:
                return MISSING
            if not isinstance(base, dict):
                raise EvalError(f".{e[2]} of {base!r}")
            return from_json(base.get(e[2]))
        if k == "index":
            base, ix = self.ev(e[1]), self.ev(e[2])
            if base is MISSING or ix is MISSING:
                return MISSING
            if isinstance(base, list):
                if not is_num(ix):
                    raise EvalError(f"list index {ix!r}")
                if ix != math.floor(ix):
                    self.flag("fractional list index")
                    return MISSING
                if ix < 0:
                    if ix + len(base) >= 0:
                        self.flag("negative list index")
                    return MISSING
                return from_json(base[int(ix)]) if ix < len(base) else MISSING
            if isinstance(base, dict):
                if not isinstance(ix, str):
                    raise EvalError(f"object key {ix!r}")
                return from_json(base.get(ix))
            raise EvalError(f"indexing {base!r}")
        if k in ("and", "or"):
            decisive = k == "or"
            a = self.boolean(self.ev(e[1]), k)
            if a is decisive:
                return decisive
            b = self.boolean(self.ev(e[2]), k)
            if b is decisive:
                return decisive
            return MISSING if MISSING in (a, b) else (not decisive)
        if k == "not":
            a = self.boolean(self.ev(e[1]), "not")
            return a if a is MISSING else not a
        if k == "neg":
            a = self.number(self.ev(e[1]), "-")
            return a if a is MISSING else -a
        if k == "??":
            a = self.ev(e[1])
            return self.ev(e[2]) if a is MISSING else a
        if k == "if":
            c = self.boolean(self.ev(e[1]), "if")
            if c is MISSING:
                return MISSING
            return self.ev(e[2]) if c else self.ev(e[3])
        if k == "arith":
            op = e[1]
            vs = self.numbers([self.ev(e[2]), self.ev(e[3])], op)
            if vs is None:
                return MISSING
            a, b = vs
            if op == "/":
                return MISSING if b == 0 else finite(a / b)
            return finite({"+": a + b, "-": a - b, "*": a * b}[op])
        if k == "cmp":
            op, a, b = e[1], self.ev(e[2]), self.ev(e[3])
            if op in ("==", "!="):
                r = self.equals(a, b)
                if r is None:
                    return MISSING
                return r if op == "==" else not r
            return self.order(op, a, b)
        if k == "between":
            x, lo, hi = self.ev(e[1]), self.ev(e[2]), self.ev(e[3])
            above = self.order(">=", x, lo)
            below = self.order("<=", x, hi)
            if above is MISSING or below is MISSING:
                return MISSING
            return above and below
        if k == "in":
            x, xs = self.ev(e[1]), self.ev(e[2])
            if x is MISSING or xs is MISSING:
                return MISSING
            if not isinstance(xs, list):
                raise EvalError(f"in {xs!r}")
            return self.member(x, xs, "in") != e[3]
        if k == "contains":
            s, x = self.ev(e[1]), self.ev(e[2])
            if s is MISSING or x is MISSING:
                return MISSING
            if isinstance(s, str):
                if not isinstance(x, str):
                    raise EvalError(f"{s!r} contains {x!r}")
                return x in s
            if isinstance(s, list):
                return self.member(x, s, "contains")
            raise EvalError(f"{s!r} contains")
        if k == "matches":
            s = self.ev(e[1])
            if s is MISSING:
                return MISSING
            if not isinstance(s, str):
                raise EvalError(f"{s!r} matches")
            return e[2].search(s) is not None
        if k == "call":
            return self.call(e[1], e[2])
        raise AssertionError(k)

    def call(self, fn, args):
        if fn == "has":
            return self.present(args[0])
        if fn in ("any", "all", "count"):
            xs = self.ev(args[0])
            if xs is MISSING:
                return MISSING
            if not isinstance(xs, list):
                raise EvalError(f"{fn} over {xs!r}")
            _, param, body = args[1]
            n, unknown = 0, False
            for x in xs:
                self.scopes.append({param: from_json(x)})
                try:
                    r = self.boolean(self.ev(body), fn)
                finally:
                    self.scopes.pop()
                if r is True:
                    n += 1
                    if fn == "any":
                        return True
                elif r is False:
                    if fn == "all":
                        return False
                else:
                    unknown = True
            if fn == "count":
                return float(n)
            return MISSING if unknown else fn == "all"
        vs = [self.ev(a) for a in args]
        if fn in ("min", "max"):
            items = [from_json(x) for x in vs[0]] if len(vs) == 1 and isinstance(vs[0], list) else vs
            items = self.numbers(items, fn)
            if not items:
                return MISSING
            return min(items) if fn == "min" else max(items)
        if fn in ("sum", "avg"):
            if vs[0] is MISSING:
                return MISSING
            if not isinstance(vs[0], list):
                raise EvalError(f"{fn} of {vs[0]!r}")
            items = self.numbers([from_json(x) for x in vs[0]], fn)
            if items is None:
                return MISSING
            total = 0.0
            for x in items:
                total += x
            if fn == "avg":
                if not items:
                    return MISSING
                total /= len(items)
            return finite(total)
        if fn in ("len", "lower", "upper", "trim", "number", "overlap"):
            bad = [v for v in vs if v is not MISSING and not self.fits(fn, v)]
            if bad and MISSING in vs:
                self.flag(f"{fn}: wrong kind and missing together")
            if bad:
                raise EvalError(f"{fn} of {bad[0]!r}")
            if MISSING in vs:
                return MISSING
            x = vs[0]
            if fn == "len":
                return float(len(x))
            if fn == "lower":
                return x.lower()
            if fn == "upper":
                return x.upper()
            if fn == "trim":
                return x.strip()
            if fn == "number":
                if is_num(x):
                    return x
                v = human_number(x)
                return MISSING if v is None else v
            seen = []
            for a in (from_json(y) for y in vs[0]):
                if a is MISSING or any(equals(a, s) is True for s in seen):
                    continue
                if any(equals(a, from_json(b)) is True for b in vs[1]):
                    seen.append(a)
            return float(len(seen))
        nums = self.numbers(vs, fn)
        if nums is None:
            return MISSING
        x = nums[0]
        if fn == "clamp":
            return min(nums[2], max(nums[1], x))
        if fn == "abs":
            return abs(x)
        if fn == "floor":
            return float(math.floor(x))
        if fn == "ceil":
            return float(math.ceil(x))
        if fn == "round":
            digits = round_half_away(nums[1]) if len(nums) > 1 else 0.0
            scale = 10.0 ** int(max(-15.0, min(15.0, digits)))
            scaled = x * scale
            if scaled != math.floor(scaled) and abs(scaled - math.floor(scaled) - 0.5) == 0 and x < 0:
                self.flag("round of a negative half")
            if not math.isfinite(scaled):
                return x  # too large to have digits at that place
            return finite(round_half_away(scaled) / scale)
        if fn == "sqrt":
            return MISSING if x < 0 else math.sqrt(x)
        if fn == "log10":
            return MISSING if x <= 0 else math.log10(x)
        if fn == "ln":
            return MISSING if x <= 0 else math.log(x)
        raise AssertionError(fn)

    @staticmethod
    def fits(fn, v):
        if fn == "len":
            return isinstance(v, (str, list, dict))
        if fn in ("lower", "upper", "trim"):
            return isinstance(v, str)
        if fn == "number":
            return isinstance(v, str) or is_num(v)
        return isinstance(v, list)


ID_FIELDS = ("handle", "id", "username", "name")


def creator_id(record, position):
    if isinstance(record, dict):
        for f in ID_FIELDS:
            v = record.get(f)
            if isinstance(v, str) and v:
                return v
            if is_num(v):
                assert v == math.floor(v) and abs(v) < 1e15, "ids are whole numbers here"
                return str(int(v))
    return f"#{position + 1}"


def evaluate(rs, record, position):
    """One creator's verdict, as a dict, plus the silent corners it reached."""
    out = {"id": creator_id(record, position)}
    if not isinstance(record, dict):
        out.update(status="error", failed=[], error_causes=["record"], signals=None,
                   score=None, tier=None, rank_key=MISSING)
        return out, []
    ctx = Ctx(rs, record)
    causes, failed, review = [], [], []
    for req in rs["requires"]:
        try:
            v = ctx.boolean(ctx.ev(req["cond"]), "requirement " + req["name"])
        except EvalError:
            causes.append(req["name"])
            continue
        if v is True:
            continue
        if v is MISSING and req["mode"] == "pass":
            continue
        if v is MISSING and req["mode"] == "review":
            review.append(req["name"])
            continue
        failed.append(req["name"])
    signals = {}
    signal_causes = []
    for s in rs["signals"]:
        try:
            v = ctx.signal(s["name"])
            signals[s["name"]] = None if v is MISSING else min(1.0, max(0.0, v))
        except EvalError:
            signals[s["name"]] = None
            signal_causes.append("signal " + s["name"])
    # docs/language.md section 12: a failed requirement rejects whatever
    # errors were met elsewhere (they are listed with the failures); an
    # error in a requirement otherwise leaves the verdict undecided; review
    # is decided by the requirements alone (signal errors listed with it)
    rejected_by = failed
    if failed:
        status = "rejected"
        failed = failed + causes + signal_causes
    elif causes:
        status = "error"
    elif review:
        status = "review"
        review = review + signal_causes
    else:
        status = "accepted"
    causes += signal_causes
    if status == "accepted" and causes:
        status = "error"
    tier, rank_key = None, MISSING
    if status == "accepted":
        try:
            for name, cond in rs["tiers"]:
                if cond is None or ctx.boolean(ctx.ev(cond), "tier") is True:
                    tier = name
                    break
        except EvalError:
            causes.append("tier")
        ctx.tier = MISSING if tier is None else tier
        try:
            rank_key = ctx.ev(rs["rank"][0])
            if rank_key is not MISSING and not (is_num(rank_key) or isinstance(rank_key, str)):
                raise EvalError("rank key")
            if isinstance(rank_key, str):
                ctx.flag("text rank key")
        except EvalError:
            causes.append("rank by")
        if causes:
            status = "error"
    if status == "error":
        out.update(status="error", failed=[], error_causes=sorted(causes), signals=None,
                   score=None, tier=None, rank_key=MISSING)
        return out, ctx.flags
    score = None if signal_causes else ctx.get_score()
    out.update(status=status, failed=sorted(review if status == "review" else failed),
               signals=signals, score=score, tier=tier, rank_key=rank_key,
               rejected_by=rejected_by)
    return out, ctx.flags


def screen(rs, records):
    verdicts = [evaluate(rs, r, i)[0] for i, r in enumerate(records)]
    accepted = [v for v in verdicts if v["status"] == "accepted"]
    desc = rs["rank"][1] == "desc"

    def key(v):
        k = v["rank_key"]
        if k is MISSING:
            return (1, 0.0)
        k = k + 0.0  # -0 ranks with 0
        return (0, -k if desc else k)

    ranked = sorted(accepted, key=key)  # stable: ties keep input order
    for i, v in enumerate(ranked):
        v["rank"] = i + 1
    limit = rs["limit"] if rs["limit"] is not None else len(ranked)
    counts = {s: sum(v["status"] == s for v in verdicts) for s in ("accepted", "rejected", "review", "error")}
    names = [r["name"] for r in rs["requires"]]
    remaining = len(verdicts) - counts["error"]
    funnel = []
    for i, n in enumerate(names):
        removed = sum(1 for v in verdicts if v["status"] == "rejected"
                      and min(names.index(f) for f in v["rejected_by"]) == i)
        remaining -= removed
        funnel.append({"rule": n, "removed": removed, "remaining": remaining})
    failures = {n: sum(1 for v in verdicts if v["status"] == "rejected" and n in v["rejected_by"]) for n in names}
    creators = []
    for v in verdicts:
        c = {"id": v["id"], "status": v["status"], "failed": v["failed"]}
        if v["status"] == "error":
            c["error_causes"] = v["error_causes"]
        c.update(score=v["score"], tier=v["tier"], rank=v.get("rank"), signals=v["signals"])
        creators.append(c)
    return {
        "ruleset": rs["name"],
        "evaluated": len(verdicts),
        "accepted": counts["accepted"],
        "rejected": counts["rejected"],
        "review": counts["review"],
        "errors": counts["error"],
        "funnel": funnel,
        "failures": failures,
        "shortlist": [v["id"] for v in ranked[:limit]],
        "creators": creators,
    }


# ---------------------------------------------------------------------------
# Creators
# ---------------------------------------------------------------------------

NICHES = ["skincare", "beauty", "makeup", "wellness", "fitness", "yoga", "food",
          "travel", "fashion", "gaming", "parenting", "Skincare Addict", "SKINCARE",
          "soins de la peau", "ヘアケア", "skin-care"]
COUNTRIES = ["US", "CA", "GB", "DE", "FR"]
WORDS = ["glow", "daily", "routine", "serum", "spf", "honest", "reviews", "vegan",
         "skincare", "café", "naïve", "jalapeño", "日焼け止め", "🧴", "✨", "Ærø", "straße"]
TAGS = ["ad", "gifted", "spf", "routine", "glow", "spam", "haul", "grwm", "über",
        "a-very-long-tag-over-twenty", "日本語のタグはとても長くて二十文字を超えますよね",
        "短い"]
PLATFORM_NAMES = ["instagram", "tiktok", "youtube", "pinterest"]


def base_record(rng, n):
    """A creator who would usually pass."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    handle = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) + f".{n}"
    clicks = rng.randint(1, 400)
    r = {
        "handle": handle,
        "followers": rng.randint(1000, 10000) if rng.random() < 0.9 else round(rng.uniform(1000, 10000), 2),
        "engagement_rate": round(rng.uniform(0.03, 0.12), 4),
        "country": rng.choice(COUNTRIES),
        "niches": rng.sample(NICHES[:6], rng.randint(1, 3)),
        "conversions_30d": rng.randint(0, max(1, clicks // 4)),
        "link_clicks_30d": clicks,
        "is_customer": rng.random() < 0.4,
        "days_since_post": rng.randint(0, 30),
        "posts_per_week": rng.choice([1, 2, 3, 4, 5, 6, 7, 10, 2.5, 3.5, 0.5]),
        "audience": {"female_share": round(rng.uniform(0.36, 0.69), 3)},
    }
    if rng.random() < 0.5:
        r["bio"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.6:
        r["authenticity_score"] = round(rng.uniform(0.7, 1.0), 3)
    if rng.random() < 0.3:
        r["orders"] = {"last_90d": rng.randint(0, 5)}
    if rng.random() < 0.6:
        r["recent_views"] = [rng.randint(0, 50000) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.6:
        r["recent_likes"] = [rng.randint(1, 3000) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.4:
        r["audience"]["age"] = {"13-17": round(rng.uniform(0, 0.2), 3)}
    if rng.random() < 0.5:
        r["platforms"] = [{"name": rng.choice(PLATFORM_NAMES), "followers": rng.randint(200, 9000)}
                          for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        r["tags"] = rng.sample(TAGS[:5], rng.randint(0, 3))
    return r


DELETE = object()

# field -> the values a perturbation may give it (DELETE: remove the field)
VARIANTS = {
    "followers": [999, 1000, 10000, 10001, 999.99, 1000.0001, 9999.9999, 10000.5, 0, -0.0,
                  500, 50000, 1e308, "8,421", "3.3k", True, [5000], None, DELETE],
    "follower count (text)": ["8,421", "3.3m", "12.5K", "2.1b", "1.39%", "1k", "10k", "10,000",
                              "1,000", "9,999", "10,001", "0.01m", "9.99k", "4.35k", "  7,500 ",
                              "n/a", "NaN%", "", "abc", "k", "%", "1.2.3", 5000, 12000, None, True],
    "engagement_rate": [0.03, 0.0299, 0.0301, 0.08, 0.0800001, 0.2, 0.5, 0, -0.0, "4.5%",
                        None, DELETE],
    "country": ["XX", "ZZ", "BR", "us", " gb\t", "Fr", "\u00a0CA\u3000", "de ", "",
                None, DELETE, 44, ["US"]],
    "niches": [[], None, DELETE, "skincare", ["Skincare Addict"], [None, "beauty"],
               [1, "makeup"], [1, "food"], ["beauty", "beauty", "makeup"], ["food", "travel"],
               ["SKINCARE"], ["ヘアケア", "soins de la peau"], [None], [["beauty"]]],
    "bio": [None, DELETE, 42, "", "Ich liebe Hautpflege 🧴 und skincare", "日本のスキンケア",
            "SKINCARE daily", "all about skincare ✨"],
    "link_clicks_30d": [0, None, DELETE, "40", 1e-300],
    "conversions_30d": [0, 1e308, None, DELETE, "12", 500],
    "authenticity_score": [0.7, 0.6999, 0.69, 1.2, None, DELETE, "0.9", True, 0],
    "is_customer": [True, False, None, DELETE, "yes", 1],
    "orders": [{"last_90d": None}, {}, None, "none", {"last_90d": 0}, {"last_90d": 3},
               {"last_90d": "2"}, [1, 2]],
    "days_since_post": [30, 31, 30.5, 0, -0.0, -1, None, DELETE, "5", True],
    "posts_per_week": [0, -0.0, 5, 4.5, 40, 39.99, 0.001, -1, 100, None, DELETE, "3", 2.25],
    "recent_views": [[], None, DELETE, [None, 5], [5, None], [0, 0], [1e6, 4], [9, 4, 1],
                     [7], [5, 3, 1e308], "100"],
    "recent_likes": [[], [0, 0], None, DELETE, [None, 3], [3, 4, "5"], [1e308, 1e308],
                     [0, 10], [-3, 3], ["5"]],
    "audience": [None, {}, "private", {"female_share": None}, {"female_share": 0.35},
                 {"female_share": 0.7}, {"female_share": 0.7000000000000001},
                 {"female_share": 0.3499999999999999}, {"female_share": 0.36},
                 {"female_share": "0.6"}, {"female_share": 0.95}, {"female_share": 0.3},
                 {"female_share": 0.5, "age": {"13-17": "10%"}},
                 {"female_share": 0.5, "age": None}, {"female_share": 0.5, "age": [0.1]},
                 {"female_share": 0.5, "age": {"13-17": 0.6}}, {"female_share": 0.655},
                 {"female_share": 0.445}, DELETE, [0.5]],
    "female share": ["70%", "35%", "34.9%", "70.1%", "n/a", "0.5", "50 %", None, 0.5, "50"],
    "platforms": [[], None, [None], ["instagram"], [{"name": "tiktok", "followers": "2k"}],
                  [{"name": "x"}], [{"name": "yt", "followers": 1000}, {"name": "ig", "followers": 999}],
                  [{"followers": 5000}] * 7, "instagram"],
    "tags": [[], ["spam"], ["a-very-long-tag-over-twenty"], ["日本語のタグはとても長くて二十文字を超えますよね"],
             ["短い", "über"], [None], [5], None, ["ad", None, "spam"], "ad"],
    "handle": ["Upper_Case", "ok.handle", "ab", "with space", "héllo", "a" * 31, "x" * 30,
               None, DELETE, 12345, "emoji✨", "trailing\n"],
}


def id_variant(rng, r, n):
    """Creators identified by a field other than `handle`."""
    choice = rng.randrange(4)
    r.pop("handle", None)
    if choice == 0:
        r["id"] = 900000 + n
    elif choice == 1:
        r["handle"] = None
        r["username"] = f"user_{n}"
    elif choice == 2:
        r["name"] = f"Zoë Ünal {n}"
    # choice 3: no id field at all, so the id is the position


def perturb(rng, r, n, k):
    for field in rng.sample(sorted(VARIANTS), k):
        v = rng.choice(VARIANTS[field])
        if v is DELETE:
            r.pop(field, None)
        else:
            r[field] = json.loads(json.dumps(v))
    if rng.random() < 0.04:
        id_variant(rng, r, n)
    return r


def hand_made():
    """Fixed creators at the boundaries, one change each from a clean base."""
    base = {"handle": "base", "followers": 5000, "engagement_rate": 0.05, "country": "US",
            "niches": ["skincare"], "conversions_30d": 10, "link_clicks_30d": 100,
            "is_customer": False, "days_since_post": 3, "posts_per_week": 5,
            "audience": {"female_share": 0.5}, "authenticity_score": 0.9,
            "recent_views": [100, 400], "recent_likes": [10, 30], "tags": ["spf"],
            "platforms": [{"name": "instagram", "followers": 5000}]}
    out = []
    for field in sorted(VARIANTS):
        for i, v in enumerate(VARIANTS[field]):
            r = json.loads(json.dumps(base))
            r["handle"] = f"edge.{re.sub('[^a-z0-9]', '_', field.lower())}.{i}"
            if field == "handle":
                r["id"] = 800000 + len(out)
            if v is DELETE:
                r.pop(field, None)
            else:
                r[field] = json.loads(json.dumps(v))
            out.append(r)
    return out


def as_read(record):
    """A record as the evaluator (and serde_json) reads it: every number a double."""
    return json.loads(json.dumps(record), parse_int=float)


# records that are not objects: each is a creator in error (cause `record`)
NOT_OBJECTS = {400: None, 1200: 42, 2222: "just a string", 2900: [1, 2, 3]}


def make_creators(rs, rng):
    creators = hand_made()
    rerolled = 0
    while len(creators) < COUNT:
        n = len(creators)
        if n in NOT_OBJECTS:
            creators.append(NOT_OBJECTS[n])
            continue
        if n % 97 == 0 and n > 400:
            # a twin of an earlier creator: the same data, so rank ties
            twin = json.loads(json.dumps(creators[n - rng.randint(1, 300)]))
            if isinstance(twin, dict):
                twin["handle"] = f"twin.{n}"
                creators.append(twin)
                continue
        while True:
            r = base_record(rng, n)
            k = rng.choice([0, 0, 1, 1, 1, 2, 2, 3])
            perturb(rng, r, n, k)
            _, flags = evaluate(rs, as_read(r), n)
            if not flags:
                break
            rerolled += 1
        creators.append(r)
    for i, r in enumerate(creators):
        _, flags = evaluate(rs, as_read(r), i)
        assert not flags, (i, r, flags)
    return creators, rerolled


def to_json(x):
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


def main():
    with open(RULES, encoding="utf-8") as f:
        rs = Parser(f.read()).file()
    rng = random.Random(SEED)
    creators, rerolled = make_creators(rs, rng)
    text = to_json(creators) + "\n"
    records = json.loads(text, parse_int=float)
    report = screen(rs, records)
    with open(CREATORS, "w", encoding="utf-8") as f:
        f.write(text)
    with open(EXPECTED, "w", encoding="utf-8") as f:
        f.write("{\n")
        keys = [k for k in report if k != "creators"]
        for k in keys:
            f.write(f"{json.dumps(k)}: {to_json(report[k])},\n")
        f.write('"creators": [\n')
        f.write(",\n".join(to_json(c) for c in report["creators"]))
        f.write("\n]}\n")
    c = report
    print(f"{len(creators)} creators ({len(text.encode()) / 1e6:.2f} MB, {rerolled} rerolled): "
          f"{c['accepted']} accepted, {c['review']} review, {c['rejected']} rejected, "
          f"{c['errors']} errors; shortlist {len(c['shortlist'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
