#!/usr/bin/env python3
"""Write examples/platform_export.json: a small synthetic export shaped like an
influencer platform's API (for rules/platform_export.rules).

Each creator is an object with nested parts, as such APIs return them:

  id            "cr-0001"
  profile       {username, full_name, followers, is_verified, country}
  audience      {credibility, geo: [{code, weight}], genders: [{code, weight}]}
                (the lists come in no fixed order)
  contacts      [{type, value}]
  recentPosts   [{posted_at, likes, comments, views?}], newest first; a post
                whose likes are hidden has no `likes`
  niches        one text, comma-separated: "skincare, makeup"
  has_bought    "Yes", "No" or "" (a spreadsheet column merged into the export)

Posts are dated relative to 2026-06-15, the date to run the ruleset with:

  influence-eval rules/platform_export.rules examples/platform_export.json --today 2026-06-15

Most creators are regular; the last ones exercise every path the ruleset
has: absent and null fields, empty lists, a post without likes, dates in
every form `date` reads (and one it does not), yes/no words, wrong kinds.

Python 3 standard library only; deterministic (fixed seed, fixed date):
rerunning it reproduces the file byte for byte.

    python3 scripts/gen_platform_export.py
"""

import datetime
import json
import os
import random

SEED = 11
TODAY = datetime.date(2026, 6, 15)
REGULAR = 30

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "examples", "platform_export.json")

FIRST = ["Maya", "Noah", "Lena", "Omar", "Chloé", "Priya", "Sam", "Ines", "Jonas", "Aiko",
         "Zoë", "Mateo", "Grace", "Yusuf", "Hana", "Leo"]
LAST = ["Chen", "Okafor", "Müller", "Haddad", "Dubois", "Rao", "Reyes", "Silva", "Berg",
        "Tanaka", "Ünal", "García", "Kim", "Demir", "Sato", "Novak"]
NICHES = ["skincare", "makeup", "beauty", "haircare", "wellness", "fitness", "food", "travel",
          "fashion", "parenting"]
COUNTRIES = ["US", "US", "US", "CA", "GB", "GB", "DE", "FR", "BR"]
GEO = ["US", "CA", "GB", "DE", "FR", "BR", "IN", "AU"]


def at(days_ago, hour, minute=0):
    """A UTC date-time `days_ago` days before TODAY, as the API writes it."""
    day = TODAY - datetime.timedelta(days=days_ago)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"


def geo_list(rng, home):
    """Audience countries with weights summing to about 1, in no fixed order;
    `home` is the share of US, CA and GB together."""
    homes = rng.sample(["US", "CA", "GB"], rng.randint(1, 3))
    others = rng.sample([c for c in GEO if c not in homes and c not in ("US", "CA", "GB")],
                        rng.randint(1, 3))
    out = split_weight(rng, homes, home) + split_weight(rng, others, 1 - home)
    rng.shuffle(out)
    return out


def split_weight(rng, codes, total):
    raw = [rng.uniform(1, 3) for _ in codes]
    s = sum(raw)
    return [{"code": c, "weight": round(total * r / s, 3)} for c, r in zip(codes, raw)]


def genders(rng, female):
    out = [{"code": "FEMALE", "weight": female}, {"code": "MALE", "weight": round(0.97 - female, 3)},
           {"code": "OTHER", "weight": 0.03}]
    rng.shuffle(out)
    return out


def posts(rng, followers, newest, count):
    """`count` posts, newest first, the newest `newest` days ago, a few days apart."""
    out, days = [], newest
    for _ in range(count):
        likes = int(followers * rng.uniform(0.01, 0.07))
        post = {"posted_at": at(days, rng.randint(6, 22), rng.choice([0, 15, 30, 45])),
                "likes": likes, "comments": int(likes * rng.uniform(0.01, 0.05))}
        if rng.random() < 0.7:
            post["views"] = int(likes * rng.uniform(8, 20))
        out.append(post)
        days += rng.randint(2, 9)
    return out


def regular(rng, n, clean=False):
    """A creator as most of the export has them; `clean`: one who meets every
    requirement of rules/platform_export.rules."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    username = f"{first.lower()}{rng.choice(['', '_', '.'])}{rng.choice(['glow', 'daily', 'beauty', 'lab', 'skin', 'life'])}"
    username = username.encode("ascii", "ignore").decode() + str(n)
    followers = rng.choice([rng.randint(3000, 9000)] + [rng.randint(10000, 120000)] * 4
                           + [rng.randint(10000, 480000)] * 3 + [rng.randint(600000, 2000000)])
    if clean:
        followers = rng.randint(10000, 200000)
    niches = rng.sample(NICHES[:4], rng.randint(1, 2)) if clean or rng.random() < 0.8 \
        else rng.sample(NICHES[4:], rng.randint(1, 2))
    contacts = [{"type": "instagram", "value": "@" + username}]
    if clean or rng.random() < 0.85:
        contacts.insert(rng.randint(0, 1), {"type": "email", "value": f"{username}@example.com"})
    home = round(rng.uniform(0.55, 0.9) if clean else rng.uniform(0.42, 0.9), 2)
    credibility = round(rng.uniform(0.72, 0.97) if clean else rng.uniform(0.66, 0.97), 2)
    newest = rng.choice([0, 1, 2, 3, 5, 8, 12, 20] + ([] if clean else [40]))
    return {
        "id": f"cr-{n:04d}",
        "profile": {"username": username, "full_name": f"{first} {last}", "followers": followers,
                    "is_verified": rng.random() < 0.3, "country": rng.choice(COUNTRIES)},
        "audience": {"credibility": credibility,
                     "geo": geo_list(rng, home),
                     "genders": genders(rng, round(rng.uniform(0.45, 0.9), 3))},
        "contacts": contacts,
        "recentPosts": posts(rng, followers, newest, rng.randint(2, 5)),
        "niches": ", ".join(niches),
        "has_bought": rng.choice(["Yes", "No", "No", ""]),
    }


def special(rng, n):
    """Creators that take the other paths of the ruleset, one change each from
    a creator who meets every requirement."""
    out = []

    def variant(note, change):
        c = regular(rng, n + len(out), clean=True)
        change(c)
        c["note"] = note
        out.append(c)

    def no_geo(c):
        del c["audience"]["geo"]

    def empty_posts(c):
        c["recentPosts"] = []

    def hidden_likes(c):
        c["recentPosts"] = posts(rng, c["profile"]["followers"], 2, 4)
        del c["recentPosts"][0]["likes"]
        c["recentPosts"][1]["likes"] = None

    def every_date_form(c):
        c["recentPosts"] = [
            {"posted_at": at(1, 0, 0)[:10], "likes": 900, "comments": 20},
            {"posted_at": "2026-06-10T09:30:00.250Z", "likes": 1200, "comments": 31},
            {"posted_at": "2026-06-05T23:30:00-02:00", "likes": 800, "comments": 12, "views": 9000},
            {"posted_at": "2026-06-01T12:00:00", "likes": 1000, "comments": 25},
            {"posted_at": 1779710400, "likes": 700, "comments": 9},
        ]

    def bad_date(c):
        c["recentPosts"][0]["posted_at"] = "03/06/2026"

    def stale(c):
        c["recentPosts"] = posts(rng, c["profile"]["followers"], 45, 3)

    def unscored(c):
        c["audience"]["credibility"] = 0

    def yes_words(c):
        c["has_bought"] = "✓"

    def unknown_word(c):
        c["has_bought"] = "maybe"

    def genders_missing_female(c):
        c["audience"]["genders"] = [{"code": "MALE", "weight": 0.6}, {"code": "OTHER", "weight": 0.4}]

    def niches_blank(c):
        c["niches"] = " , skincare,, "

    def niches_absent(c):
        del c["niches"]

    def weight_as_text(c):
        home = next(g for g in c["audience"]["geo"] if g["code"] in ("US", "CA", "GB"))
        home["weight"] = str(round(home["weight"] * 100)) + "%"

    def no_contacts(c):
        c["contacts"] = []

    def followers_null(c):
        c["profile"]["followers"] = None

    variant("audience.geo absent: home share unknown", no_geo)
    variant("no recent posts at all", empty_posts)
    variant("two posts with hidden likes", hidden_likes)
    variant("post dates in every form date() reads", every_date_form)
    variant("a post date date() cannot read", bad_date)
    variant("last post 45 days ago", stale)
    variant("credibility 0: not scored yet", unscored)
    variant("has_bought is a check mark", yes_words)
    variant("has_bought is a word bool() does not read", unknown_word)
    variant("no FEMALE entry in genders", genders_missing_female)
    variant("blank parts in niches", niches_blank)
    variant("niches absent", niches_absent)
    variant("a geo weight written as text", weight_as_text)
    variant("no contacts", no_contacts)
    variant("followers null", followers_null)
    return out


def main():
    rng = random.Random(SEED)
    creators = [regular(rng, n + 1) for n in range(REGULAR)]
    creators += special(rng, REGULAR + 1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in creators))
        f.write("\n]\n")
    print(f"{len(creators)} creators written to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
