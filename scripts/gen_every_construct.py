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
and wrong kinds, records that are not objects, duplicated records (rank ties);
lists of objects (`audience.geo`, `audience.genders` as [{code, weight}] in
any order, with missing, null and wrong-kind weights), `recent_posts` dated
relative to the run's date (2026-06-15) in every form `date` reads and some
it does not, yes/no cells ("Yes", "✓", "-", "maybe"), comma-separated niches
with blanks, and numbers written the European way ("12.400", "4,2%").

The expected results come from the evaluator in this file: a second,
independent implementation of the language written from docs/language.md (it
shares no code with the Rust crate). Where docs/language.md is silent the choices
made here are listed in SILENT below. A few corners of the language where
docs/language.md is silent and a reasonable implementation could go either way are
detected while evaluating (`Ctx.flag`); a generated record that reaches one
is replaced by another, so the fixture tests only behaviour that docs/language.md
pins down (or that SILENT settles). The examples docs/language.md gives for
the newer constructs are checked first (SPEC_EXAMPLES). Each construct is one
method of `Ctx` (`fn_map`, `fn_filter`, `aggregate` and `agg_*`, `fn_bool`,
`fn_date`, ...), and the ranking is `rank`, so a reading of docs/language.md
can be changed in one place.

The run's date is TODAY (tests/every_construct.rs passes the same date).

Python 3 standard library only; deterministic (fixed seed): rerunning it
reproduces both files byte for byte.

    python3 scripts/gen_every_construct.py
"""

import datetime
import json
import math
import os
import random
import re
import sys
from decimal import Decimal
from fractions import Fraction

SEED = 20260415
COUNT = 3000
# The run's date (`--today 2026-06-15`, `RunOptions::today`): `days_since` counts to it.
TODAY = datetime.date(2026, 6, 15)

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
- Lambdas (`map`, `filter`, `first`, the aggregates): the body runs for every
  element in order. `first` looks at the whole list, as `filter` does (an
  error past the element found is flagged: an implementation that stops at
  its answer would not see it).
- `sum/avg/min/max/median(xs, x => e)` is the aggregate over map(xs, x => e):
  an error in e for any element is an error, even after a missing element;
  a missing element value and a non-number one together: flagged.
- `median` of an even count is (a + b) / 2 of the middle two, a / 2 + b / 2
  when a + b overflows (flagged when a + (b - a) / 2 would round
  differently; never with the fixture's data).
- `bool(-0)` is flagged (0 is false; -0 is not said).
- `number(x, ",")` reads as number() does with the roles of "," and "."
  swapped; the fixture has no "$", signs or two decimal commas with it.
- Dates: a `date` value is an instant, `date("2026-11-03")` being midnight
  UTC; `<`, `==` ... compare instants. Two different instants of the same
  UTC day are never compared (flagged), so an implementation comparing
  calendar dates agrees. `date("")` and `date("1781481600")` (text) are
  errors, as is any text but `YYYY-MM-DD` and
  `YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]` (the fixture has no
  space separator, lower-case `t`/`z`, missing seconds or `+0200`); Unix
  seconds are whole numbers (fractional ones flagged); `date` of a date is
  flagged.
- Text functions (`split`, `starts_with`, `ends_with`, `replace`): a wrong
  kind together with a missing argument is flagged; the fixture's
  separators and patterns are constants.
- `rank by` with several keys: a record whose key is of a wrong kind (bool,
  list, object, date) in any key is an error.
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
        if self.at("missing"):
            # the `missing` literal; a field called `missing` is `creator.missing`
            self.next()
            return ("lit", MISSING)
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
              "rank": [(("name", "score"), "desc")], "limit": None}
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
                # `rank by k1 [asc|desc], k2 [asc|desc], ...`: each key its own order
                self.eat("by")
                rs["rank"] = []
                while True:
                    key = self.expr()
                    order = "desc"
                    if self.at("asc") or self.at("desc"):
                        order = self.next()[1]
                    rs["rank"].append((key, order))
                    if not self.at(","):
                        break
                    self.next()
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
    if isinstance(x, DateVal):
        return "date"
    raise AssertionError(repr(x))


class DateVal:
    """A value of kind `date`: an instant (Unix seconds, exact) and its UTC
    calendar date. `date("2026-11-03")` is midnight UTC of that day."""

    def __init__(self, seconds, date_only):
        self.seconds = seconds
        self.date_only = date_only
        self.day = datetime.date(1970, 1, 1) + datetime.timedelta(days=math.floor(seconds / 86400))

    def __repr__(self):
        return f"date({self.day.isoformat()}, {self.seconds})"


EPOCH_DAY = datetime.date(1970, 1, 1).toordinal()
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
ISO_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                           r"(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?")


def parse_date_text(text):
    """`2026-11-03`, `2026-11-03T10:00:00Z`, `...+02:00`, `...T10:00:00.250Z`,
    `...T10:00:00` (read as UTC): a DateVal, or None for any other text
    (including an impossible day such as 2026-02-30)."""
    m = ISO_DATE.fullmatch(text)
    if m:
        try:
            d = datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return DateVal(Fraction((d.toordinal() - EPOCH_DAY) * 86400), True)
    m = ISO_DATE_TIME.fullmatch(text)
    if not m:
        return None
    try:
        d = datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    h, mi, sec = int(m[4]), int(m[5]), int(m[6])
    if h > 23 or mi > 59 or sec > 59:
        return None
    seconds = Fraction((d.toordinal() - EPOCH_DAY) * 86400 + h * 3600 + mi * 60 + sec)
    if m[7]:
        seconds += Fraction(m[7][1:]) / 10 ** (len(m[7]) - 1)
    if m[8] and m[8] != "Z":
        oh, om = int(m[8][1:3]), int(m[8][4:6])
        if oh > 23 or om > 59:
            return None
        offset = (oh * 3600 + om * 60) * (1 if m[8][0] == "+" else -1)
        seconds -= offset
    return DateVal(seconds, False)


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
    if ka == "date":
        return a.seconds == b.seconds
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


def decimal_comma(s):
    """number(s, ","): the comma is the decimal mark and "." separates
    thousands, so "12.400" reads as "12,400" does with the default mark."""
    return s.translate({ord(","): ".", ord("."): ","})


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
        if isinstance(a, DateVal) and isinstance(b, DateVal):
            self.same_day(a, b)
            a, b = a.seconds, b.seconds
        elif not ((is_num(a) and is_num(b)) or (isinstance(a, str) and isinstance(b, str))):
            raise EvalError(f"cannot order {a!r} {op} {b!r}")
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]

    def same_day(self, a, b):
        """Two different instants of the same UTC day: one implementation may
        compare instants, another calendar dates."""
        if a.day == b.day and a.seconds != b.seconds:
            self.flag("dates of the same day at different times compared")

    def member(self, x, xs, what):
        """x among the elements of xs (a list): True/False."""
        items = [from_json(y) for y in xs]
        found = any(self.equals(x, y) is True for y in items)
        if not found and any(y is MISSING for y in items):
            self.flag(f"{what}: not found in a list with missing elements")
        return found

    def equals(self, a, b):
        if isinstance(a, DateVal) and isinstance(b, DateVal):
            self.same_day(a, b)
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
        if fn in AGGREGATES and (fn in ("sum", "avg", "median") or len(args) == 1
                                 or args[-1][0] == "lambda"):
            return self.aggregate(fn, args)
        if fn in NEW_FUNCTIONS:
            return getattr(self, "fn_" + fn)(args)
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
            # two or more arguments: the smallest / largest of those numbers
            items = self.numbers(vs, fn)
            if items is None:
                return MISSING
            return min(items) if fn == "min" else max(items)
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
                mark = vs[1] if len(vs) > 1 else "."
                v = human_number(decimal_comma(x) if mark == "," else x)
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

    # -- lambdas and aggregates over lists
    def each(self, lam, x):
        """The body of the lambda `lam` for the element x (JSON null: missing)."""
        _, param, body = lam
        self.scopes.append({param: from_json(x)})
        try:
            return self.ev(body)
        finally:
            self.scopes.pop()

    def list_arg(self, e, fn):
        """The list argument: None when missing, an error when not a list."""
        xs = self.ev(e)
        if xs is MISSING:
            return None
        if not isinstance(xs, list):
            raise EvalError(f"{fn} over {xs!r}")
        return xs

    def fn_map(self, args):
        xs = self.list_arg(args[0], "map")
        if xs is None:
            return MISSING
        # an element whose value is missing stays in the list as a missing element
        return [self.each(args[1], x) for x in xs]

    def kept(self, lam, x, fn):
        c = self.boolean(self.each(lam, x), fn)
        return c is True

    def fn_filter(self, args):
        xs = self.list_arg(args[0], "filter")
        if xs is None:
            return MISSING
        return [x for x in xs if self.kept(args[1], x, "filter")]

    def fn_first(self, args):
        """The first element of filter(xs, lambda). The whole list is looked at,
        as filter does; an error past the element found is flagged (an
        implementation that stops at the answer would not see it)."""
        xs = self.list_arg(args[0], "first")
        if xs is None:
            return MISSING
        found = None
        for x in xs:
            try:
                keep = self.kept(args[1], x, "first")
            except EvalError:
                if found is not None:
                    self.flag("first: an error after the element found")
                raise
            if keep and found is None:
                found = (x,)
        return MISSING if found is None else from_json(found[0])

    def aggregate(self, fn, args):
        """sum/avg/min/max/median over a list, or over map(list, lambda)."""
        if fn in ("min", "max") and len(args) == 1:
            x = self.ev(args[0])
            if is_num(x):
                return x  # min(5) is 5, as before lists
            args = [("lit", x)]
        xs = self.list_arg(args[0], fn)
        if xs is None:
            return MISSING
        if len(args) == 2:
            values = [self.each(args[1], x) for x in xs]
        else:
            values = [from_json(x) for x in xs]
        items = self.numbers(values, fn)
        if items is None:
            return MISSING
        if not items:
            return 0.0 if fn == "sum" else MISSING
        return AGGREGATES[fn](self, items)

    def agg_sum(self, items):
        total = 0.0
        for x in items:
            total += x
        return finite(total)

    def agg_avg(self, items):
        total = self.agg_sum(items)
        return total if total is MISSING else finite(total / len(items))

    def agg_min(self, items):
        return min(items)

    def agg_max(self, items):
        return max(items)

    def agg_median(self, items):
        xs = sorted(items)
        n = len(xs)
        if n % 2:
            return xs[n // 2]
        a, b = xs[n // 2 - 1], xs[n // 2]
        m = (a + b) / 2
        if not math.isfinite(m):
            # the sum overflows: the halves are added instead (the mean is finite)
            m = a / 2 + b / 2
        elif m != a + (b - a) / 2:
            # (a + b) / 2 and a + (b - a) / 2 round differently: not said which
            self.flag("median: the mean of the middle two depends on the formula")
        return finite(m)

    # -- text
    def texts(self, fn, vs):
        """Arguments that must all be text: missing when one is missing, an
        error when one is of another kind (both at once: flagged)."""
        bad = [v for v in vs if v is not MISSING and not isinstance(v, str)]
        if bad and MISSING in vs:
            self.flag(f"{fn}: wrong kind and missing together")
        if bad:
            raise EvalError(f"{fn} of {bad[0]!r}")
        return None if MISSING in vs else vs

    def fn_split(self, args):
        vs = self.texts("split", [self.ev(a) for a in args])
        if vs is None:
            return MISSING
        s, sep = vs
        if sep == "":
            raise EvalError("split with an empty separator")
        return [p.strip() for p in s.split(sep) if p.strip()]

    def fn_starts_with(self, args):
        vs = self.texts("starts_with", [self.ev(a) for a in args])
        return MISSING if vs is None else vs[0].startswith(vs[1])

    def fn_ends_with(self, args):
        vs = self.texts("ends_with", [self.ev(a) for a in args])
        return MISSING if vs is None else vs[0].endswith(vs[1])

    def fn_replace(self, args):
        vs = self.texts("replace", [self.ev(a) for a in args])
        if vs is None:
            return MISSING
        s, old, new = vs
        if old == "":
            raise EvalError("replace of an empty text")
        return s.replace(old, new)

    # -- yes/no
    def fn_bool(self, args):
        x = self.ev(args[0])
        if x is MISSING or isinstance(x, bool):
            return x
        if is_num(x):
            if x == 1:
                return True
            if x == 0:
                if math.copysign(1, x) < 0:
                    self.flag("bool(-0)")
                return False
            raise EvalError(f"bool of {x!r}")
        if isinstance(x, str):
            word = x.strip().lower()
            if word == "":
                return MISSING
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise EvalError(f"bool of {x!r}")
        raise EvalError(f"bool of {x!r}")

    # -- dates
    def to_date(self, x, fn):
        if x is MISSING or isinstance(x, DateVal):
            return x
        if is_num(x):
            if x != math.floor(x) or abs(x) > 1e11:
                self.flag(f"{fn}: fractional or huge Unix seconds")
                raise EvalError(f"{fn} of {x!r}")
            return DateVal(Fraction(int(x)), False)
        if isinstance(x, str):
            d = parse_date_text(x)
            if d is None:
                raise EvalError(f"{fn} of {x!r}")
            return d
        raise EvalError(f"{fn} of {x!r}")

    def fn_date(self, args):
        x = self.ev(args[0])
        if isinstance(x, DateVal):
            self.flag("date of a date")
        return self.to_date(x, "date")

    def fn_days_since(self, args):
        d = self.to_date(self.ev(args[0]), "days_since")
        if d is MISSING:
            return MISSING
        return float((TODAY - d.day).days)

    @staticmethod
    def fits(fn, v):
        if fn == "len":
            return isinstance(v, (str, list, dict))
        if fn in ("lower", "upper", "trim"):
            return isinstance(v, str)
        if fn == "number":
            return isinstance(v, str) or is_num(v)
        return isinstance(v, list)


AGGREGATES = {"sum": Ctx.agg_sum, "avg": Ctx.agg_avg, "min": Ctx.agg_min,
              "max": Ctx.agg_max, "median": Ctx.agg_median}
NEW_FUNCTIONS = {"map", "filter", "first", "split", "starts_with", "ends_with", "replace",
                 "bool", "date", "days_since"}
TRUE_WORDS = {"true", "yes", "y", "1", "x", "✓"}
FALSE_WORDS = {"false", "no", "n", "0", "-"}

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
            rank_key = [ctx.ev(key) for key, _ in rs["rank"]]
            for k in rank_key:
                if k is not MISSING and not (is_num(k) or isinstance(k, str)):
                    raise EvalError("rank key")
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


def rank(keys, accepted):
    """Sorts by the first key, ties by the second, ...; ties after the last
    key keep input order. Per key: numbers by value (-0 with 0), strings by
    code point, numbers before strings in `asc` (after them in `desc`), a
    missing key after every present one in either direction."""
    ranked = list(accepted)
    # stable sorts from the last key to the first give the lexicographic order
    for i in reversed(range(len(keys))):
        desc = keys[i][1] == "desc"
        present = [v for v in ranked if v["rank_key"][i] is not MISSING]
        absent = [v for v in ranked if v["rank_key"][i] is MISSING]

        def key(v):
            k = v["rank_key"][i]
            return (0, k + 0.0, "") if is_num(k) else (1, 0.0, k)

        ranked = sorted(present, key=key, reverse=desc) + absent
    return ranked


def screen(rs, records):
    verdicts = [evaluate(rs, r, i)[0] for i, r in enumerate(records)]
    ranked = rank(rs["rank"], [v for v in verdicts if v["status"] == "accepted"])
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
        "today": TODAY.isoformat(),
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


GEO_CODES = ["US", "CA", "GB", "DE", "FR", "BR", "IN"]
DAY = 86400
TODAY_SECONDS = (TODAY.toordinal() - EPOCH_DAY) * DAY


def iso(seconds, offset_minutes=0, fraction="", zone="Z"):
    """The UTC instant `seconds` written as local time at the offset."""
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds + offset_minutes * 60)
    text = t.strftime("%Y-%m-%dT%H:%M:%S") + fraction
    if zone == "offset":
        sign = "+" if offset_minutes >= 0 else "-"
        m = abs(offset_minutes)
        return text + f"{sign}{m // 60:02d}:{m % 60:02d}"
    return text + zone


def posted_at(rng, days_ago):
    """A post `days_ago` days before the run's date, in one of the forms `date`
    reads: a date, a date-time with Z, with an offset, with fractional seconds,
    without offset (UTC), or Unix seconds. Times keep the UTC day."""
    day = TODAY_SECONDS - days_ago * DAY
    at = day + rng.randint(0, DAY - 1)
    form = rng.randrange(6)
    if form == 0:
        return (TODAY - datetime.timedelta(days=days_ago)).isoformat()
    if form == 1:
        return iso(at)
    if form == 2:
        return iso(at, rng.choice([-300, -60, 60, 120, 330, 540]), zone="offset")
    if form == 3:
        return iso(at, fraction="." + str(rng.randint(0, 999)).zfill(3))
    if form == 4:
        return iso(at, zone="")
    return at


def recent_post(rng, days_ago):
    post = {"posted_at": posted_at(rng, days_ago), "likes": rng.randint(0, 5000),
            "comments": rng.randint(0, 120)}
    if rng.random() < 0.6:
        post["views"] = rng.randint(0, 40000)
    if rng.random() < 0.06:
        # a post whose likes are hidden: absent or null
        if rng.random() < 0.5:
            del post["likes"]
        else:
            post["likes"] = None
    if rng.random() < 0.03:
        post["comments"] = None
    return post


def geo_list(rng):
    codes = [rng.choice(GEO_CODES[:3])] + rng.sample(GEO_CODES[3:], rng.randint(1, 3))
    rng.shuffle(codes)
    raw = [rng.uniform(2, 6) if c in ("US", "CA", "GB") else rng.uniform(0.2, 2) for c in codes]
    total = sum(raw)
    return [{"code": c, "weight": round(w / total, 3)} for c, w in zip(codes, raw)]


def genders_list(rng):
    f = round(rng.uniform(0.3, 0.9), 3)
    out = [{"code": rng.choice(["FEMALE", "FEMALE", "female"]), "weight": f},
           {"code": "MALE", "weight": round(1 - f, 3)}]
    rng.shuffle(out)
    return out


EU_NUMBERS = ["12.400", "4,2k", "1.234.567", "3,3k", "850", " 7.500 ", "2,1M", "12.400,50",
              "1,5", "9.999", "10.001", "0,5k", "n/a", "", "12 k"]
YES_NO = ["Yes", "Yes", "No", "yes ", " NO", "Y", "Y", "n", "x", "X", "✓", "✓", "-", "true",
          "FALSE", "0", "1", "1", "", "  "]
NICHE_TEXTS = ["skincare, makeup", " skincare ,, beauty,", "Skincare Addict, travel",
               "beauty", "food, fitness", "skin-care,wellness", "makeup ,yoga , ", ","]


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
    if rng.random() < 0.85:
        r["audience"]["geo"] = geo_list(rng)
    if rng.random() < 0.8:
        r["audience"]["genders"] = genders_list(rng)
    if rng.random() < 0.85:
        # distinct days (0 to 40 days ago, a few in the future), so that two
        # posts are never compared within one day
        days = rng.sample(range(-2, 41), rng.randint(0, 5))
        r["recent_posts"] = [recent_post(rng, d) for d in days]
    if rng.random() < 0.7:
        r["has_bought"] = rng.choice(YES_NO)
    if rng.random() < 0.7:
        r["niche_text"] = rng.choice(NICHE_TEXTS)
    if rng.random() < 0.5:
        r["followers (eu)"] = rng.choice(EU_NUMBERS)
    if rng.random() < 0.2:
        r["missing"] = rng.randint(0, 5)
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
    "audience.geo": [[], None, DELETE, "US", [None], [5],
                     [{"code": "US", "weight": None}, {"code": "CA", "weight": 0.4}],
                     [{"code": "US"}], [{"code": "US", "weight": "45%"}],
                     [{"code": "us", "weight": 0.6}], [{"weight": 0.9}],
                     [{"code": "GB", "weight": 0.3}], [{"code": "GB", "weight": 0.2999}],
                     [{"code": 1, "weight": 0.5}, {"code": "US", "weight": 0.5}],
                     [{"code": "DE", "weight": 0.9}, {"code": "US", "weight": 0.1}],
                     [{"code": "FR", "weight": 0.7}, {"code": "US", "weight": 0.25},
                      {"code": "CA", "weight": 0.05}],
                     [{"code": "CA", "weight": 0.1}, {"code": "US", "weight": 0.2}],
                     [{"code": "US", "weight": 0.2}, {"code": "GB", "weight": True}]],
    "audience.genders": [[], None, DELETE, "FEMALE", [None], [{"code": "MALE", "weight": 1}],
                         [{"code": "female", "weight": 0.7}, {"code": "MALE", "weight": 0.3}],
                         [{"code": "FEMALE"}], [{"code": "FEMALE", "weight": "70%"}],
                         [{"code": 5, "weight": 0.5}], [None, {"code": "FEMALE", "weight": 0.4}],
                         [{"code": "MALE", "weight": 0.4}, {"code": "FEMALE", "weight": 0.2},
                          {"code": "FEMALE", "weight": 0.9}],
                         [7, {"code": "FEMALE", "weight": 0.6}]],
    "recent_posts": [[], None, DELETE, "none", [None], [5],
                     [{"posted_at": "2026-06-15", "likes": 10, "comments": 1}],
                     [{"posted_at": "2026-05-16", "likes": 300, "comments": 4, "views": 900}],
                     [{"posted_at": "2026-05-15", "likes": 300, "comments": 4}],
                     [{"posted_at": "2026-05-16T01:00:00+02:00", "likes": 50, "comments": 2}],
                     [{"posted_at": "2026-05-15T23:30:00-01:00", "likes": 50, "comments": 2}],
                     [{"posted_at": "2026-06-14T23:59:59.999Z", "likes": 8, "comments": 0}],
                     [{"posted_at": "2026-06-20", "likes": 8, "comments": 0}],
                     [{"posted_at": 1781481600, "likes": 8, "comments": 0}],
                     [{"posted_at": 1778889600, "likes": 8, "comments": 0}],
                     [{"posted_at": "2026-06-01", "likes": 40, "comments": 3},
                      {"posted_at": "2026-06-03", "comments": 3},
                      {"posted_at": "2026-06-05", "likes": 60, "comments": 3}],
                     [{"posted_at": "2026-06-01", "likes": None, "comments": 3}],
                     [{"posted_at": "2026-06-01", "likes": "1.2k", "comments": 3}],
                     [{"posted_at": "2026-06-01", "likes": 5}],
                     [{"likes": 5, "comments": 1}, {"posted_at": "2026-06-02", "likes": 7, "comments": 1}],
                     [{"posted_at": None, "likes": 5, "comments": 1}],
                     [{"posted_at": "03/06/2026", "likes": 5, "comments": 1}],
                     [{"posted_at": "yesterday", "likes": 5, "comments": 1}],
                     [{"posted_at": "2026-02-30", "likes": 5, "comments": 1}],
                     [{"posted_at": "2026-13-01", "likes": 5, "comments": 1}],
                     [{"posted_at": "2026-6-1", "likes": 5, "comments": 1}],
                     [{"posted_at": "", "likes": 5, "comments": 1}],
                     [{"posted_at": "1781481600", "likes": 5, "comments": 1}],
                     [{"posted_at": True, "likes": 5, "comments": 1}],
                     [{"posted_at": ["2026-06-01"], "likes": 5, "comments": 1}],
                     [{"posted_at": "2024-02-29T12:00:00Z", "likes": 5, "comments": 1}],
                     [{"posted_at": "2026-06-10", "likes": 100, "comments": 2, "views": 10},
                      {"posted_at": "2026-06-11", "likes": 300, "comments": 2, "views": 30},
                      {"posted_at": "2026-06-12", "likes": 200, "comments": 2, "views": 20},
                      {"posted_at": "2026-06-13", "likes": 400, "comments": 2, "views": 40}]],
    "has_bought": ["Yes", "No", "", "  ", "yes ", " NO", "Y", "n", "x", "X", "✓", "-", "true",
                   "FALSE", "0", "1", 1, 0, 2, 0.5, True, False, "maybe", "oui", "✗", None,
                   DELETE, ["Yes"], {"answer": "Yes"}],
    "niche_text": ["skincare, makeup", " skincare ,, beauty,", "", ",", " , ", "food",
                   "Skincare Addict, travel", 42, None, DELETE, ["skincare"], "skin"],
    "followers (eu)": ["12.400", "4,2%", "1.234,5", "3,3k", "12,5 %", "n/a", "", "850",
                       "1,000", 12400, True, ["1"], None, "  9.999 "],
    "missing": [0, 3, 10, None, "2", DELETE],
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


def set_field(r, field, v):
    """Sets (or, for DELETE, removes) `field`; `audience.geo` is the key `geo`
    of the object `audience`, left alone when `audience` is not an object."""
    if "." in field:
        parent, field = field.split(".")
        r = r.get(parent)
        if not isinstance(r, dict):
            return
    if v is DELETE:
        r.pop(field, None)
    else:
        r[field] = json.loads(json.dumps(v))


def perturb(rng, r, n, k):
    for field in rng.sample(sorted(VARIANTS), k):
        set_field(r, field, rng.choice(VARIANTS[field]))
    if rng.random() < 0.04:
        id_variant(rng, r, n)
    return r


def hand_made():
    """Fixed creators at the boundaries, one change each from a clean base."""
    base = {"handle": "base", "followers": 5000, "engagement_rate": 0.05, "country": "US",
            "niches": ["skincare"], "conversions_30d": 10, "link_clicks_30d": 100,
            "is_customer": False, "days_since_post": 3, "posts_per_week": 5,
            "audience": {"female_share": 0.5,
                         "geo": [{"code": "DE", "weight": 0.2}, {"code": "US", "weight": 0.5},
                                 {"code": "GB", "weight": 0.3}],
                         "genders": [{"code": "MALE", "weight": 0.4},
                                     {"code": "FEMALE", "weight": 0.6}]},
            "authenticity_score": 0.9,
            "recent_views": [100, 400], "recent_likes": [10, 30], "tags": ["spf"],
            "platforms": [{"name": "instagram", "followers": 5000}],
            "recent_posts": [{"posted_at": "2026-06-10T18:30:00Z", "likes": 120, "comments": 9,
                              "views": 3000},
                             {"posted_at": "2026-05-28", "likes": 80, "comments": 4}],
            "has_bought": "Yes", "niche_text": "skincare, makeup", "followers (eu)": "5.000"}
    out = []
    for field in sorted(VARIANTS):
        for i, v in enumerate(VARIANTS[field]):
            r = json.loads(json.dumps(base))
            r["handle"] = f"edge.{re.sub('[^a-z0-9]', '_', field.lower())}.{i}"
            if field == "handle":
                r["id"] = 800000 + len(out)
            set_field(r, field, v)
            out.append(r)
    return out


def as_read(record):
    """A record as the evaluator (and serde_json) reads it: every number a double."""
    return json.loads(json.dumps(record), parse_int=float)


# records that are not objects: each is a creator in error (cause `record`)
NOT_OBJECTS = {400: None, 1200: 42, 2222: "just a string", 2900: [1, 2, 3]}


FLAGGED = set()  # the silent corners met by rerolled records, for the summary


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
            FLAGGED.update(flags)
        creators.append(r)
    for i, r in enumerate(creators):
        _, flags = evaluate(rs, as_read(r), i)
        assert not flags, (i, r, flags)
    return creators, rerolled


# The examples docs/language.md gives for the newer constructs, checked before
# anything is generated: (expression, record, expected value; "error" for a
# wrong-kind error). The run's date is TODAY unless the record says `_today`.
SPEC_EXAMPLES = [
    ('split(" a, b,,c ", ",")', {}, ["a", "b", "c"]),
    ('split(s, ",")', {}, MISSING),
    ('split(5, ",")', {}, "error"),
    ('split("a", "")', {}, "error"),
    ('starts_with("Skincare", "Skin")', {}, True),
    ('starts_with("skincare", "Skin")', {}, False),
    ('ends_with(s, "x")', {}, MISSING),
    ('replace("a-b-c", "-", "+")', {}, "a+b+c"),
    ('replace("aaa", "aa", "b")', {}, "ba"),
    ('replace("a", "", "b")', {}, "error"),
    ('bool(" YES ")', {}, True), ('bool("✓")', {}, True), ('bool("x")', {}, True),
    ('bool("-")', {}, False), ('bool("n")', {}, False), ('bool("  ")', {}, MISSING),
    ('bool("maybe")', {}, "error"), ('bool(1)', {}, True), ('bool(0)', {}, False),
    ('bool(2)', {}, "error"), ('bool(b)', {"b": [True]}, "error"), ('bool(b)', {}, MISSING),
    ('number("12.400", ",")', {}, 12400.0), ('number("4,2%", ",")', {}, 0.042),
    ('number("3,3k", ",")', {}, 3300.0), ('number("12.400")', {}, 12.4),
    ('days_since("2026-11-03")', {"_today": "2026-12-02"}, 29.0),
    ('days_since("2026-12-05")', {"_today": "2026-12-02"}, -3.0),
    ('days_since("2026-11-03T23:30:00-02:00")', {"_today": "2026-12-02"}, 28.0),
    ('days_since(1700000000)', {"_today": "2023-11-15"}, 1.0),
    ('date("2026-11-03") < date("2026-11-04T00:00:00Z")', {}, True),
    ('date("03/11/2026")', {}, "error"), ('date(true)', {}, "error"), ('date(d)', {}, MISSING),
    ('map(xs, x => x.a)', {"xs": [{"a": 1}, {}]}, [1.0, MISSING]),
    ('map(xs, x => x.a)', {"xs": "no"}, "error"),
    ('filter(xs, x => x > 1)', {"xs": [1, None, 3, 2]}, [3.0, 2.0]),
    ('filter(xs, x => x)', {"xs": [1]}, "error"),
    ('first(xs, x => x.c == "F").w', {"xs": [{"c": "M", "w": 1}, {"c": "F", "w": 2}]}, 2.0),
    ('first(xs, x => x > 5)', {"xs": [1, 2]}, MISSING),
    ('sum([])', {}, 0.0), ('avg([])', {}, MISSING), ('median([])', {}, MISSING),
    ('min(xs, x => x.a)', {"xs": []}, MISSING),
    ('median([3, 1, 2])', {}, 2.0), ('median([4, 1, 3, 2])', {}, 2.5),
    ('sum(xs, x => x.likes)', {"xs": [{"likes": 1}, {}]}, MISSING),
    ('sum(xs, x => x.likes ?? 0)', {"xs": [{"likes": 1}, {}]}, 1.0),
    ('avg(xs, x => x.likes)', {"xs": [{"likes": 1}, {"likes": "2"}]}, "error"),
    ('max(xs, x => x.v)', {"xs": [{"v": 1}, {"v": 7}]}, 7.0),
    ('min(3, 2)', {}, 2.0), ('sum(xs)', {}, MISSING), ('sum(5)', {}, "error"),
    ('sum(xs, x => sum(x.ys, y => y * x.k))', {"xs": [{"k": 2, "ys": [1, 2]}, {"k": 1, "ys": []}]}, 6.0),
    ('if true then missing else 1', {}, MISSING), ('missing ?? 4', {}, 4.0),
    ('creator.missing', {"missing": 3}, 3.0),
]


def check_spec_examples():
    global TODAY
    rs = Parser("").file()
    saved = TODAY
    try:
        for text, record, want in SPEC_EXAMPLES:
            TODAY = datetime.date.fromisoformat(record.get("_today", saved.isoformat()))
            ctx = Ctx(rs, as_read({k: v for k, v in record.items() if k != "_today"}))
            try:
                got = ctx.ev(Parser(text).expr())
            except EvalError:
                got = "error"
            if isinstance(want, list):
                ok = isinstance(got, list) and [from_json(x) for x in got] == want
            else:
                ok = got is want if want is MISSING else got == want and type(got) is type(want)
            assert ok and not ctx.flags, f"{text} with {record}: {got!r}, not {want!r} {ctx.flags}"
    finally:
        TODAY = saved


def to_json(x):
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


def main():
    check_spec_examples()
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
    print("corners avoided: " + "; ".join(sorted(FLAGGED)), file=sys.stderr)


if __name__ == "__main__":
    main()
